//! The relay assembled: config, outbox, auth, Discord, clock; and running
//! it (server, delivery worker, housekeeping) until shutdown.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bugle::{DiscordClient, DiscordConfig, DiscordConfigBuilder, ErrorCategory, WebhookTarget};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::alertmanager::Alertmanager;
use crate::auth::Authenticator;
use crate::buttons::{Actions, Interactivity};
use crate::clock::{Clock, millis};
use crate::config::{RelayConfig, StoreSettings, Target};
use crate::delivery::{Discord, Worker, WorkerSettings};
use crate::metrics as m;
use crate::outbox::{Outbox, OutboxError, PostgresOutbox, SqliteOutbox};

/// A relay that cannot start or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// The outbox cannot be opened.
    #[error("cannot open the outbox: {0}")]
    Outbox(#[from] OutboxError),
    /// The Discord client cannot be built.
    #[error("cannot set up the discord client: {0}")]
    Discord(#[from] bugle::DiscordError),
    /// The server failed.
    #[error("the http server failed: {0}")]
    Server(#[from] std::io::Error),
    /// The Alertmanager client cannot be set up.
    #[error("cannot set up the alertmanager client: {0}")]
    Alertmanager(#[from] crate::alertmanager::SilenceError),
}

/// What the start-up check found for one destination.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DestinationCheck {
    /// The destination's name.
    pub name: String,
    /// `ok`, `failed: ...`, or `unchecked: ...`.
    pub state: String,
}

struct Inner {
    config: RelayConfig,
    outbox: Arc<dyn Outbox>,
    auth: Authenticator,
    discord: Discord,
    clock: Clock,
    wake: Arc<Notify>,
    checks: Mutex<Vec<DestinationCheck>>,
    interactivity: Interactivity,
    alertmanager: Option<Alertmanager>,
}

/// The relay. Cheap to clone.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("config", &self.inner.config)
            .field("outbox", &self.inner.outbox)
            .finish_non_exhaustive()
    }
}

/// The Discord client configuration for `config`: its bot token, its named
/// webhooks, its API base (plain http only on loopback). The caller may add
/// more (shared rate limits) before building.
pub fn discord_config(config: &RelayConfig) -> DiscordConfigBuilder {
    let mut builder = DiscordConfig::builder();
    if let Some(token) = &config.bot_token {
        builder = builder.bot_token(token.clone());
    }
    for (name, hook) in &config.webhooks {
        builder = builder.named_webhook(name.as_str(), hook.url.clone());
    }
    for (name, id) in &config.channels {
        builder = builder.route(name.as_str(), *id);
    }
    if let Some(base) = &config.api_base {
        builder = builder.base_url(base.as_str());
        if is_loopback_http(base) {
            builder = builder.allow_plain_http(true);
        }
    }
    builder
}

fn is_loopback_http(base: &str) -> bool {
    let Some(rest) = base.trim().strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    host == "localhost" || host == "127.0.0.1" || host == "[::1]"
}

/// Opens the outbox `config` names.
///
/// # Errors
///
/// [`RelayError::Outbox`].
pub async fn open_outbox(config: &RelayConfig) -> Result<Arc<dyn Outbox>, RelayError> {
    let settings = &config.outbox;
    Ok(match &settings.store {
        StoreSettings::Sqlite(path) => {
            let path = path.clone();
            let capacity = settings.capacity;
            let outbox = tokio::task::spawn_blocking(move || SqliteOutbox::open(&path, capacity))
                .await
                .map_err(|e| OutboxError::Store(e.to_string()))??;
            Arc::new(outbox)
        }
        StoreSettings::Postgres { url, schema } => Arc::new(
            PostgresOutbox::connect(
                secrecy::ExposeSecret::expose_secret(url),
                schema,
                settings.capacity,
            )
            .await?,
        ),
    })
}

impl Relay {
    /// A relay with `outbox`, calling Discord through `client` (whose config
    /// should come from [`discord_config`]), on `clock`.
    pub fn new(
        config: RelayConfig,
        outbox: Arc<dyn Outbox>,
        client: DiscordClient,
        clock: Clock,
    ) -> Self {
        let lookups: BTreeMap<String, Option<bugle::model::id::ChannelId>> = config
            .webhooks
            .iter()
            .map(|(name, hook)| (name.clone(), hook.lookup_channel))
            .collect();
        let auth = Authenticator::new(config.auth.clone(), config.insecure_no_auth);
        // Installs the process's Prometheus recorder before anything is counted.
        let _ = m::prometheus();
        let alertmanager = config
            .alertmanager
            .as_ref()
            .and_then(|settings| match Alertmanager::new(settings) {
                Ok(client) => Some(client),
                Err(error) => {
                    // `open` refuses this; a relay built with `new` runs without silences.
                    tracing::error!(%error, "cannot set up the alertmanager client; no silence buttons");
                    None
                }
            });
        let interactivity =
            Interactivity::new(config.interactions.as_ref().map(|settings| Actions {
                silence_durations: if alertmanager.is_some() {
                    settings.silence_durations.clone()
                } else {
                    Vec::new()
                },
            }));
        Self {
            inner: Arc::new(Inner {
                auth,
                outbox,
                discord: Discord::new(client, lookups),
                clock,
                wake: Arc::new(Notify::new()),
                checks: Mutex::new(Vec::new()),
                interactivity,
                alertmanager,
                config,
            }),
        }
    }

    /// Opens the outbox the config names (a SQLite relay takes the file
    /// over: claims a dead process left are released) and builds the relay.
    ///
    /// # Errors
    ///
    /// [`RelayError`] when the outbox cannot be opened.
    pub async fn open(
        config: RelayConfig,
        client: DiscordClient,
        clock: Clock,
    ) -> Result<Self, RelayError> {
        if let Some(settings) = &config.alertmanager {
            Alertmanager::new(settings)?;
        }
        let outbox: Arc<dyn Outbox> = match &config.outbox.store {
            StoreSettings::Sqlite(path) => {
                let (path, capacity) = (path.clone(), config.outbox.capacity);
                let sqlite =
                    tokio::task::spawn_blocking(move || SqliteOutbox::open(&path, capacity))
                        .await
                        .map_err(|e| OutboxError::Store(e.to_string()))??;
                sqlite.take_over().await?;
                Arc::new(sqlite)
            }
            _ => open_outbox(&config).await?,
        };
        Ok(Self::new(config, outbox, client, clock))
    }

    /// The config.
    pub fn config(&self) -> &RelayConfig {
        &self.inner.config
    }

    /// The outbox.
    pub fn outbox(&self) -> &Arc<dyn Outbox> {
        &self.inner.outbox
    }

    /// The Discord client.
    pub fn client(&self) -> &DiscordClient {
        self.inner.discord.client()
    }

    pub(crate) fn authenticator(&self) -> &Authenticator {
        &self.inner.auth
    }

    /// The clock.
    pub fn clock(&self) -> Clock {
        self.inner.clock
    }

    pub(crate) fn alertmanager(&self) -> Option<&Alertmanager> {
        self.inner.alertmanager.as_ref()
    }

    /// Which cards get the application's buttons.
    pub fn interactivity(&self) -> &Interactivity {
        &self.inner.interactivity
    }

    pub(crate) fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// A delivery worker for this relay, claiming as `owner`.
    pub fn worker(&self, owner: impl Into<String>) -> Worker {
        let settings = WorkerSettings {
            owner: owner.into(),
            lease: self.inner.config.outbox.lease,
            concurrency: self.inner.config.outbox.concurrency,
            poll: Duration::from_millis(500),
            drain: self.inner.config.drain,
        };
        Worker::new(
            Arc::clone(&self.inner.outbox),
            self.inner.discord.clone(),
            self.inner.clock,
            settings,
            Arc::clone(&self.inner.wake),
        )
        .with_templates(self.inner.config.templates.clone())
        .with_interactivity(self.inner.interactivity.clone())
    }

    /// What the last destination check found.
    pub fn destination_checks(&self) -> Vec<DestinationCheck> {
        self.inner
            .checks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A webhook destination: alive (`GET /webhooks/{id}/{token}`, which sends
    /// nothing to the channel), and its lookup channel readable by the bot when
    /// one is configured.
    async fn check_webhook(&self, hook: &str, unchecked: &mut bool) -> String {
        let unanswered = |error: &bugle::DiscordError| {
            matches!(
                error.category(),
                ErrorCategory::Retryable | ErrorCategory::Queue
            )
        };
        let mut owned = "";
        match self.client().get_webhook(WebhookTarget::named(hook)).await {
            Ok(webhook) => {
                let application = self
                    .inner
                    .config
                    .interactions
                    .as_ref()
                    .map(|settings| settings.application_id.get());
                if application.is_some()
                    && webhook.application_id.map(bugle_model::id::Id::get) == application
                {
                    self.inner.interactivity.webhook_owned(hook);
                    owned = ", the application's: its cards get buttons";
                } else if application.is_some() {
                    owned = ", not the application's: its cards keep link buttons only";
                }
            }
            Err(error) if unanswered(&error) => {
                *unchecked = true;
                return format!("unchecked: discord did not answer ({error})");
            }
            Err(error) => return format!("failed: webhook: {error}"),
        }
        let lookup = self
            .inner
            .config
            .webhooks
            .get(hook)
            .and_then(|h| h.lookup_channel);
        match lookup {
            None => format!("ok (webhook alive{owned})"),
            Some(channel) => match self.client().get_channel(channel).await {
                Ok(_) => format!("ok (webhook alive{owned}, lookup channel readable)"),
                Err(error) if unanswered(&error) => {
                    *unchecked = true;
                    format!("unchecked: discord did not answer ({error})")
                }
                Err(error) => format!("failed: lookup channel: {error}"),
            },
        }
    }

    /// Checks every destination against Discord (channels readable by the
    /// bot, webhooks alive); an unreachable Discord is recorded as unchecked,
    /// never fatal.
    /// Returns whether any could not be checked.
    pub async fn check_destinations(&self) -> bool {
        let mut destinations: BTreeMap<String, Target> = BTreeMap::new();
        for (name, id) in &self.inner.config.channels {
            destinations.insert(name.clone(), Target::Channel(*id));
        }
        for name in self.inner.config.webhooks.keys() {
            destinations.insert(format!("webhook:{name}"), Target::Webhook(name.clone()));
        }
        let mut checks = Vec::new();
        let mut unchecked = false;
        if self.inner.config.bot_token.is_some() {
            // The credentials: does Discord take the bot token?
            let state = match self.client().current_user().await {
                Ok(user) => format!("ok (bot user {})", user.id),
                Err(error)
                    if matches!(
                        error.category(),
                        ErrorCategory::Retryable | ErrorCategory::Queue
                    ) =>
                {
                    unchecked = true;
                    format!("unchecked: discord did not answer ({error})")
                }
                Err(error) => format!("failed: {error}"),
            };
            m::destination_ok("bot-token", state.starts_with("ok"));
            checks.push(DestinationCheck {
                name: "bot-token".to_owned(),
                state,
            });
        }
        for (name, target) in destinations {
            let state = match target {
                Target::Channel(id) => match self.client().get_channel(id).await {
                    Ok(_) => "ok".to_owned(),
                    Err(error)
                        if matches!(
                            error.category(),
                            ErrorCategory::Retryable | ErrorCategory::Queue
                        ) =>
                    {
                        unchecked = true;
                        format!("unchecked: discord did not answer ({error})")
                    }
                    Err(error) => format!("failed: {error}"),
                },
                Target::Webhook(hook) => self.check_webhook(&hook, &mut unchecked).await,
            };
            let ok = state.starts_with("ok");
            m::destination_ok(&name, ok);
            if ok {
                tracing::info!(destination = %name, "destination checked");
            } else {
                tracing::warn!(destination = %name, state = %state, "destination not confirmed");
            }
            checks.push(DestinationCheck { name, state });
        }
        *self
            .inner
            .checks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = checks;
        unchecked
    }

    /// Serves on `listener` and delivers until `shutdown` completes; then
    /// stops accepting, drains deliveries for the configured time and
    /// returns with the rest safe in the outbox.
    ///
    /// # Errors
    ///
    /// [`RelayError::Server`] when the server fails.
    pub async fn run(
        self,
        listener: TcpListener,
        owner: &str,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), RelayError> {
        let interactions = match &self.inner.config.interactions {
            Some(settings) => Some(TcpListener::bind(settings.listen).await?),
            None => None,
        };
        self.run_with(listener, interactions, owner, shutdown).await
    }

    /// [`run`](Self::run), with the interactions endpoint served on
    /// `interactions` (when an application is configured) instead of its
    /// configured address.
    ///
    /// # Errors
    ///
    /// [`RelayError::Server`] when a server fails.
    pub async fn run_with(
        self,
        listener: TcpListener,
        interactions: Option<TcpListener>,
        owner: &str,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), RelayError> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let worker = tokio::spawn(self.worker(owner).run(stop_rx.clone()));
        let housekeeping = tokio::spawn(self.clone().housekeeping(stop_rx.clone()));
        let endpoint = match (interactions, self.interactions_router()) {
            (Some(listener), Some(router)) => {
                let mut stop = stop_rx;
                tracing::info!(address = ?listener.local_addr().ok(), "interactions endpoint listening");
                Some(tokio::spawn(async move {
                    axum::serve(listener, router)
                        .with_graceful_shutdown(async move {
                            let _ = stop.changed().await;
                        })
                        .await
                }))
            }
            _ => None,
        };
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        tracing::info!("stopped accepting; draining deliveries");
        let _ = stop_tx.send(true);
        let _ = worker.await;
        housekeeping.abort();
        if let Some(endpoint) = endpoint {
            if let Ok(Err(error)) = endpoint.await {
                tracing::warn!(error = %error, "the interactions endpoint failed");
            }
        }
        served?;
        tracing::info!("relay stopped");
        Ok(())
    }

    /// The interactions endpoint at its configured path, when an application
    /// is configured.
    pub fn interactions_router(&self) -> Option<axum::Router> {
        let settings = self.inner.config.interactions.as_ref()?;
        Some(self.interactions()?.router(&settings.path))
    }

    async fn housekeeping(self, mut stop: watch::Receiver<bool>) {
        let mut last_prune: Option<i64> = None;
        let mut last_check = self.clock().now_ms();
        let mut unchecked = self.check_destinations().await;
        loop {
            let now = self.clock().now_ms();
            if let Ok(stats) = self.outbox().stats().await {
                m::outbox(stats, now);
            }
            if last_prune.is_none_or(|last| now - last > 600_000) {
                last_prune = Some(now);
                let before = now - millis(self.config().outbox.retention);
                match self.outbox().prune(before).await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "pruned delivered notifications"),
                    Err(error) => tracing::warn!(error = %error, "cannot prune the outbox"),
                }
            }
            if unchecked && now - last_check > 60_000 {
                last_check = now;
                unchecked = self.check_destinations().await;
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = stop.changed() => return,
            }
        }
    }
}
