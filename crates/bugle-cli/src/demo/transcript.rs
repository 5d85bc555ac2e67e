//! The demo's transcript: one line per call with its result and any
//! rate-limit wait, and the totals for the summary.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::time::Duration;

use bugle::{DiscordClient, DiscordError};
use tokio::time::Instant;

use crate::exit::CliError;
use crate::watch::{seconds, watch};

/// A call seen in the rate limiter's queue waited for a rate limit; so did
/// one that took at least this long against the in-process simulated Discord,
/// which answers at once (a backstop for a wait shorter than one look).
const WAIT_THRESHOLD: Duration = Duration::from_secs(1);

/// Prints calls as they complete and keeps count.
#[derive(Debug)]
pub(crate) struct Transcript {
    client: DiscordClient,
    start: Instant,
    names: BTreeMap<u64, String>,
    /// Calls made.
    pub(crate) calls: u32,
    /// Calls that waited for a rate limit.
    pub(crate) waits: u32,
    /// The time those calls waited.
    pub(crate) waited: Duration,
}

impl Transcript {
    /// A transcript of calls made through `client`.
    pub(crate) fn new(client: DiscordClient) -> Self {
        Self {
            client,
            start: Instant::now(),
            names: BTreeMap::new(),
            calls: 0,
            waits: 0,
            waited: Duration::ZERO,
        }
    }

    /// Shows channel `id` as `#name` from now on.
    pub(crate) fn name(&mut self, id: u64, name: impl Into<String>) {
        self.names.insert(id, name.into());
    }

    /// `#name` for a known channel, its id otherwise.
    pub(crate) fn channel(&self, id: u64) -> String {
        self.names
            .get(&id)
            .map_or_else(|| format!("channel {id}"), |name| format!("#{name}"))
    }

    /// Time since the demo started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// A section heading.
    pub(crate) fn section(number: u32, title: &str, explanation: &str) {
        say!();
        say!("{number}. {title}");
        say!("   {explanation}");
    }

    /// Runs `call`, printing `what` it does and, once it returns, `result`
    /// of its output and the time it waited for a rate limit.
    ///
    /// # Errors
    ///
    /// The call's error, after printing it.
    pub(crate) async fn call<T, F>(
        &mut self,
        what: &str,
        call: F,
        result: impl FnOnce(&Self, &T) -> String,
    ) -> Result<T, CliError>
    where
        F: Future<Output = Result<T, DiscordError>>,
    {
        let at = self.elapsed();
        let _ = write!(std::io::stdout(), "  [{:>5}] {what}", seconds(at));
        let _ = std::io::stdout().flush();
        let client = self.client.clone();
        let (output, watched) = watch(&client, call, |_| {}).await;
        self.calls += 1;
        let waited = watched.rate_limited || watched.elapsed >= WAIT_THRESHOLD;
        if waited {
            self.waits += 1;
            self.waited += watched.elapsed;
        }
        match output {
            Ok(value) => {
                let wait = if waited {
                    format!("  (waited {} for the rate limit)", seconds(watched.elapsed))
                } else {
                    String::new()
                };
                say!(" -> {}{wait}", result(self, &value));
                Ok(value)
            }
            Err(error) => {
                say!(" -> failed: {error}");
                Err(error.into())
            }
        }
    }
}
