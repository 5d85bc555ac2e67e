//! The outbox in PostgreSQL, shared by several relay replicas.
//!
//! A replica claims whole groups with `FOR UPDATE SKIP LOCKED` (so two
//! replicas never pick the same group in the same instant) and a lease (so a
//! dead replica's groups are taken over when it ends). Each claim increments
//! the group's fencing number, and every later write checks it: a replica
//! that stalled past its lease cannot commit over the one that took over.
//!
//! Times are the relay's clock in milliseconds, so replicas' clocks should
//! agree to well within the lease (NTP).

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Mutex, MutexGuard};
use tokio_postgres::{Client, NoTls};

use super::{
    Annotated, CardLookup, CardState, Claim, DeadLetter, Enqueued, Entry, Envelope, Finish,
    NoteChange, Outbox, OutboxError, OutboxFuture, Stats, card_from, card_json, envelope_from,
    envelope_json, notes_from, notes_json,
};

/// The PostgreSQL outbox.
#[derive(Clone)]
pub struct PostgresOutbox {
    client: Arc<Mutex<Client>>,
    /// A second connection for ingestion, so a commit that answers a sender
    /// never waits behind the delivery worker's transactions.
    ingest: Arc<Mutex<Client>>,
    url: SecretString,
    schema: String,
    capacity: u64,
}

impl fmt::Debug for PostgresOutbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresOutbox")
            .field("schema", &self.schema)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

fn store(error: &tokio_postgres::Error) -> OutboxError {
    // tokio-postgres's messages name the server's complaint, never the URL.
    let detail = error
        .as_db_error()
        .map_or_else(|| error.to_string(), |db| db.message().to_owned());
    OutboxError::Store(format!("postgresql: {detail}"))
}

/// Connects, and drives the connection on a task of its own.
async fn open(url: &str) -> Result<Client, OutboxError> {
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| store(&e))?;
    if config.get_application_name().is_none() {
        // So operators see the relay's connections in pg_stat_activity.
        config.application_name("bugle-relay");
    }
    let (client, connection) = config.connect(NoTls).await.map_err(|e| store(&e))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::warn!(error = %error, "the postgresql connection ended");
        }
    });
    Ok(client)
}

impl PostgresOutbox {
    /// Connects to `url` and sets up the tables in `schema` (lower-case
    /// letters, digits and underscores), holding at most `capacity`
    /// undelivered entries.
    ///
    /// # Errors
    ///
    /// [`OutboxError::Store`] when the server cannot be reached or set up.
    pub async fn connect(url: &str, schema: &str, capacity: u64) -> Result<Self, OutboxError> {
        if schema.is_empty()
            || !schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(OutboxError::Store(format!(
                "invalid schema name `{schema}`"
            )));
        }
        let client = open(url).await?;
        let s = schema;
        client
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS {s};
                 CREATE TABLE IF NOT EXISTS {s}.relay_entries (
                     id BIGSERIAL PRIMARY KEY,
                     group_key TEXT NOT NULL,
                     dedupe_key TEXT NOT NULL UNIQUE,
                     payload TEXT NOT NULL,
                     status TEXT NOT NULL DEFAULT 'pending',
                     created_ms BIGINT NOT NULL,
                     delivered_ms BIGINT,
                     error TEXT);
                 CREATE INDEX IF NOT EXISTS relay_entries_pending ON {s}.relay_entries (group_key, id) WHERE status = 'pending';
                 CREATE INDEX IF NOT EXISTS relay_entries_delivered ON {s}.relay_entries (delivered_ms) WHERE status = 'delivered';
                 CREATE TABLE IF NOT EXISTS {s}.relay_groups (
                     group_key TEXT PRIMARY KEY,
                     card TEXT NOT NULL DEFAULT '{{}}',
                     card_open BOOLEAN NOT NULL DEFAULT FALSE,
                     next_attempt_ms BIGINT NOT NULL DEFAULT 0,
                     attempts BIGINT NOT NULL DEFAULT 0,
                     lease_owner TEXT,
                     lease_until_ms BIGINT NOT NULL DEFAULT 0,
                     fence BIGINT NOT NULL DEFAULT 0,
                     updated_ms BIGINT NOT NULL DEFAULT 0);
                 ALTER TABLE {s}.relay_groups
                     ADD COLUMN IF NOT EXISTS message_id BIGINT,
                     ADD COLUMN IF NOT EXISTS shown TEXT,
                     ADD COLUMN IF NOT EXISTS notes TEXT NOT NULL DEFAULT '{{}}',
                     ADD COLUMN IF NOT EXISTS notes_seq BIGINT NOT NULL DEFAULT 0,
                     ADD COLUMN IF NOT EXISTS notes_shown BIGINT NOT NULL DEFAULT 0;
                 CREATE INDEX IF NOT EXISTS relay_groups_message ON {s}.relay_groups (message_id)
                     WHERE message_id IS NOT NULL;
                 CREATE TABLE IF NOT EXISTS {s}.relay_probe (id INT PRIMARY KEY, at_ms BIGINT NOT NULL);
                 CREATE TABLE IF NOT EXISTS {s}.relay_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
                 INSERT INTO {s}.relay_meta (key, value)
                     SELECT 'pending', COUNT(*) FROM {s}.relay_entries WHERE status = 'pending'
                     ON CONFLICT (key) DO NOTHING;"
            ))
            .await
            .map_err(|e| store(&e))?;
        let ingest = open(url).await?;
        Ok(Self {
            client: Arc::new(Mutex::new(client)),
            ingest: Arc::new(Mutex::new(ingest)),
            url: SecretString::from(url.to_owned()),
            schema: schema.to_owned(),
            capacity,
        })
    }

    /// The connection, opened again when the server closed it (a restart,
    /// a failover): the relay outlives its database's restarts.
    async fn connection(&self) -> Result<MutexGuard<'_, Client>, OutboxError> {
        self.reopen(&self.client).await
    }

    async fn reopen<'a>(
        &self,
        connection: &'a Mutex<Client>,
    ) -> Result<MutexGuard<'a, Client>, OutboxError> {
        let mut client = connection.lock().await;
        if client.is_closed() {
            tracing::warn!("the postgresql connection was closed; connecting again");
            *client = open(self.url.expose_secret()).await?;
        }
        Ok(client)
    }

    async fn enqueue_inner(
        &self,
        envelopes: Vec<Envelope>,
        now_ms: i64,
    ) -> Result<Enqueued, OutboxError> {
        let s = &self.schema;
        let rows = envelopes
            .iter()
            .map(|e| Ok((e.group_key(), e.dedupe_key(), envelope_json(e)?)))
            .collect::<Result<Vec<_>, OutboxError>>()?;
        let mut client = self.reopen(&self.ingest).await?;
        let tx = client.transaction().await.map_err(|e| store(&e))?;
        // The pending count is one row, locked first by every transaction
        // that changes it (enqueue, finish, requeue), so they never deadlock.
        let pending: i64 = tx
            .query_one(
                &format!("SELECT value FROM {s}.relay_meta WHERE key = 'pending' FOR UPDATE"),
                &[],
            )
            .await
            .map_err(|e| store(&e))?
            .get(0);
        if u64::try_from(pending).unwrap_or(0) + rows.len() as u64 > self.capacity {
            return Err(OutboxError::Full {
                capacity: self.capacity,
            });
        }
        let mut ids = Vec::new();
        let mut duplicates = 0;
        for (group_key, dedupe_key, payload) in rows {
            let inserted = tx
                .query_opt(
                    &format!(
                        "INSERT INTO {s}.relay_entries (group_key, dedupe_key, payload, created_ms)
                         VALUES ($1, $2, $3, $4) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
                    ),
                    &[&group_key, &dedupe_key, &payload, &now_ms],
                )
                .await
                .map_err(|e| store(&e))?;
            let Some(row) = inserted else {
                duplicates += 1;
                continue;
            };
            ids.push(row.get(0));
            tx.execute(
                &format!(
                    "INSERT INTO {s}.relay_groups (group_key, updated_ms) VALUES ($1, $2)
                     ON CONFLICT (group_key) DO NOTHING"
                ),
                &[&group_key, &now_ms],
            )
            .await
            .map_err(|e| store(&e))?;
        }
        let added = i64::try_from(ids.len()).unwrap_or(i64::MAX);
        tx.execute(
            &format!("UPDATE {s}.relay_meta SET value = value + $1 WHERE key = 'pending'"),
            &[&added],
        )
        .await
        .map_err(|e| store(&e))?;
        tx.commit().await.map_err(|e| store(&e))?;
        Ok(Enqueued { ids, duplicates })
    }

    async fn claim_inner(
        &self,
        owner: String,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> Result<Vec<Claim>, OutboxError> {
        let s = &self.schema;
        let mut client = self.connection().await?;
        let tx = client.transaction().await.map_err(|e| store(&e))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let lease_until = now_ms + lease_ms;
        let claimed = tx
            .query(
                &format!(
                    "WITH picked AS (
                         SELECT g.group_key FROM {s}.relay_groups g
                         WHERE g.next_attempt_ms <= $1
                           AND (g.lease_owner IS NULL OR g.lease_until_ms < $1)
                           AND (g.notes_seq > g.notes_shown
                                OR EXISTS (SELECT 1 FROM {s}.relay_entries e
                                           WHERE e.group_key = g.group_key AND e.status = 'pending'))
                         ORDER BY g.next_attempt_ms
                         LIMIT $2
                         FOR UPDATE SKIP LOCKED)
                     UPDATE {s}.relay_groups g
                     SET lease_owner = $3, lease_until_ms = $4, fence = g.fence + 1
                     FROM picked WHERE g.group_key = picked.group_key
                     RETURNING g.group_key, g.fence, g.attempts, g.card,
                               g.notes, g.notes_seq, g.notes_shown, g.shown"
                ),
                &[&now_ms, &limit, &owner, &lease_until],
            )
            .await
            .map_err(|e| store(&e))?;
        let mut claims = Vec::new();
        for row in claimed {
            let group_key: String = row.get(0);
            let rows = tx
                .query(
                    &format!(
                        "SELECT id, created_ms, payload FROM {s}.relay_entries
                         WHERE group_key = $1 AND status = 'pending' ORDER BY id"
                    ),
                    &[&group_key],
                )
                .await
                .map_err(|e| store(&e))?;
            let entries = rows
                .iter()
                .map(|r| {
                    Ok(Entry {
                        id: r.get(0),
                        created_ms: r.get(1),
                        envelope: envelope_from(r.get::<_, &str>(2))?,
                    })
                })
                .collect::<Result<Vec<_>, OutboxError>>()?;
            claims.push(Claim {
                group_key,
                fence: row.get(1),
                attempts: row.get(2),
                card: card_from(row.get::<_, &str>(3)),
                entries,
                notes: notes_from(row.get::<_, &str>(4)),
                notes_seq: row.get(5),
                notes_shown: row.get(6),
                shown: row
                    .get::<_, Option<&str>>(7)
                    .map(envelope_from)
                    .transpose()?,
            });
        }
        tx.commit().await.map_err(|e| store(&e))?;
        Ok(claims)
    }

    async fn finish_inner(
        &self,
        group_key: String,
        fence: i64,
        finish: Finish,
        now_ms: i64,
    ) -> Result<(), OutboxError> {
        let s = &self.schema;
        let mut client = self.connection().await?;
        let tx = client.transaction().await.map_err(|e| store(&e))?;
        let leaving: Vec<i64> = finish
            .delivered
            .iter()
            .copied()
            .chain(finish.dead.iter().map(|(id, _)| *id))
            .collect();
        if !leaving.is_empty() {
            tx.execute(
                &format!(
                    "UPDATE {s}.relay_meta SET value = value - (
                         SELECT COUNT(*) FROM {s}.relay_entries WHERE id = ANY($1) AND status = 'pending')
                     WHERE key = 'pending'"
                ),
                &[&leaving],
            )
            .await
            .map_err(|e| store(&e))?;
        }
        let retry = finish.retry_at_ms.unwrap_or(0);
        let reset = finish.retry_at_ms.is_none();
        let message_id = finish.card.message_id.and_then(|id| i64::try_from(id).ok());
        let shown = finish.shown.as_ref().map(envelope_json).transpose()?;
        let changed = tx
            .execute(
                &format!(
                    "UPDATE {s}.relay_groups SET card = $1, card_open = $2, updated_ms = $3,
                       lease_owner = NULL, lease_until_ms = 0, next_attempt_ms = $4,
                       attempts = CASE WHEN $5 THEN 0 ELSE attempts + 1 END,
                       message_id = $8, notes_shown = GREATEST(notes_shown, $9),
                       shown = COALESCE($10, shown)
                     WHERE group_key = $6 AND fence = $7"
                ),
                &[
                    &card_json(&finish.card),
                    &finish.card.is_open(),
                    &now_ms,
                    &retry,
                    &reset,
                    &group_key,
                    &fence,
                    &message_id,
                    &finish.notes_shown,
                    &shown,
                ],
            )
            .await
            .map_err(|e| store(&e))?;
        if changed == 0 {
            return Err(OutboxError::Fenced);
        }
        if !finish.delivered.is_empty() {
            tx.execute(
                &format!(
                    "UPDATE {s}.relay_entries SET status = 'delivered', delivered_ms = $1
                     WHERE id = ANY($2) AND status = 'pending'"
                ),
                &[&now_ms, &finish.delivered],
            )
            .await
            .map_err(|e| store(&e))?;
        }
        for (id, error) in &finish.dead {
            tx.execute(
                &format!(
                    "UPDATE {s}.relay_entries SET status = 'dead', error = $1 WHERE id = $2 AND status = 'pending'"
                ),
                &[error, id],
            )
            .await
            .map_err(|e| store(&e))?;
        }
        tx.commit().await.map_err(|e| store(&e))
    }
}

impl Outbox for PostgresOutbox {
    fn enqueue(&self, envelopes: Vec<Envelope>, now_ms: i64) -> OutboxFuture<'_, Enqueued> {
        Box::pin(self.enqueue_inner(envelopes, now_ms))
    }

    fn claim(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> OutboxFuture<'_, Vec<Claim>> {
        Box::pin(self.claim_inner(owner.to_owned(), now_ms, lease_ms, limit))
    }

    fn save_card(
        &self,
        group_key: &str,
        fence: i64,
        card: &CardState,
        now_ms: i64,
        lease_ms: i64,
    ) -> OutboxFuture<'_, ()> {
        let message_id = card.message_id.and_then(|id| i64::try_from(id).ok());
        let (group_key, card) = (group_key.to_owned(), card_json(card));
        let open = card_from(&card).is_open();
        Box::pin(async move {
            let s = &self.schema;
            let client = self.connection().await?;
            let changed = client
                .execute(
                    &format!(
                        "UPDATE {s}.relay_groups SET card = $1, card_open = $2, updated_ms = $3,
                         lease_until_ms = $4, message_id = $7 WHERE group_key = $5 AND fence = $6"
                    ),
                    &[
                        &card,
                        &open,
                        &now_ms,
                        &(now_ms + lease_ms),
                        &group_key,
                        &fence,
                        &message_id,
                    ],
                )
                .await
                .map_err(|e| store(&e))?;
            if changed == 0 {
                return Err(OutboxError::Fenced);
            }
            Ok(())
        })
    }

    fn renew(
        &self,
        group_key: &str,
        fence: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> OutboxFuture<'_, ()> {
        let group_key = group_key.to_owned();
        Box::pin(async move {
            let s = &self.schema;
            let changed = self.connection().await?
                .execute(
                    &format!(
                        "UPDATE {s}.relay_groups SET lease_until_ms = $1 WHERE group_key = $2 AND fence = $3"
                    ),
                    &[&(now_ms + lease_ms), &group_key, &fence],
                )
                .await
                .map_err(|e| store(&e))?;
            if changed == 0 {
                return Err(OutboxError::Fenced);
            }
            Ok(())
        })
    }

    fn finish(
        &self,
        group_key: &str,
        fence: i64,
        finish: Finish,
        now_ms: i64,
    ) -> OutboxFuture<'_, ()> {
        Box::pin(self.finish_inner(group_key.to_owned(), fence, finish, now_ms))
    }

    fn release(&self, owner: &str) -> OutboxFuture<'_, ()> {
        let owner = owner.to_owned();
        Box::pin(async move {
            let s = &self.schema;
            self.connection().await?
                .execute(
                    &format!(
                        "UPDATE {s}.relay_groups SET lease_owner = NULL, lease_until_ms = 0 WHERE lease_owner = $1"
                    ),
                    &[&owner],
                )
                .await
                .map_err(|e| store(&e))?;
            Ok(())
        })
    }

    fn dead_letters(&self) -> OutboxFuture<'_, Vec<DeadLetter>> {
        Box::pin(async move {
            let s = &self.schema;
            let rows = self.connection().await?
                .query(
                    &format!(
                        "SELECT id, group_key, COALESCE(error, ''), created_ms FROM {s}.relay_entries
                         WHERE status = 'dead' ORDER BY id"
                    ),
                    &[],
                )
                .await
                .map_err(|e| store(&e))?;
            Ok(rows
                .iter()
                .map(|r| DeadLetter {
                    id: r.get(0),
                    group_key: r.get(1),
                    error: r.get(2),
                    created_ms: r.get(3),
                })
                .collect())
        })
    }

    fn requeue(&self, id: i64) -> OutboxFuture<'_, bool> {
        Box::pin(async move {
            let s = &self.schema;
            let mut client = self.connection().await?;
            let tx = client.transaction().await.map_err(|e| store(&e))?;
            tx.execute(
                &format!("SELECT value FROM {s}.relay_meta WHERE key = 'pending' FOR UPDATE"),
                &[],
            )
            .await
            .map_err(|e| store(&e))?;
            let row = tx
                .query_opt(
                    &format!(
                        "UPDATE {s}.relay_entries SET status = 'pending', error = NULL
                         WHERE id = $1 AND status = 'dead' RETURNING group_key"
                    ),
                    &[&id],
                )
                .await
                .map_err(|e| store(&e))?;
            if let Some(row) = &row {
                let group: String = row.get(0);
                tx.execute(
                    &format!(
                        "UPDATE {s}.relay_groups SET next_attempt_ms = 0, attempts = 0 WHERE group_key = $1"
                    ),
                    &[&group],
                )
                .await
                .map_err(|e| store(&e))?;
                tx.execute(
                    &format!("UPDATE {s}.relay_meta SET value = value + 1 WHERE key = 'pending'"),
                    &[],
                )
                .await
                .map_err(|e| store(&e))?;
            }
            tx.commit().await.map_err(|e| store(&e))?;
            Ok(row.is_some())
        })
    }

    fn prune(&self, before_ms: i64) -> OutboxFuture<'_, u64> {
        Box::pin(async move {
            let s = &self.schema;
            let client = self.connection().await?;
            let removed = client
                .execute(
                    &format!(
                        "DELETE FROM {s}.relay_entries WHERE status = 'delivered' AND delivered_ms < $1"
                    ),
                    &[&before_ms],
                )
                .await
                .map_err(|e| store(&e))?;
            client
                .execute(
                    &format!(
                        "DELETE FROM {s}.relay_groups g WHERE NOT g.card_open AND g.updated_ms < $1
                           AND g.lease_owner IS NULL
                           AND NOT EXISTS (SELECT 1 FROM {s}.relay_entries e WHERE e.group_key = g.group_key)"
                    ),
                    &[&before_ms],
                )
                .await
                .map_err(|e| store(&e))?;
            Ok(removed)
        })
    }

    fn stats(&self) -> OutboxFuture<'_, Stats> {
        Box::pin(async move {
            let s = &self.schema;
            let row = self
                .connection()
                .await?
                .query_one(
                    &format!(
                        "SELECT
                           (SELECT COUNT(*) FROM {s}.relay_entries WHERE status = 'pending'),
                           (SELECT COUNT(*) FROM {s}.relay_entries WHERE status = 'dead'),
                           (SELECT MIN(created_ms) FROM {s}.relay_entries WHERE status = 'pending')"
                    ),
                    &[],
                )
                .await
                .map_err(|e| store(&e))?;
            Ok(Stats {
                pending: u64::try_from(row.get::<_, i64>(0)).unwrap_or(0),
                dead: u64::try_from(row.get::<_, i64>(1)).unwrap_or(0),
                oldest_pending_ms: row.get(2),
            })
        })
    }

    fn probe(&self, now_ms: i64) -> OutboxFuture<'_, ()> {
        Box::pin(async move {
            let s = &self.schema;
            self.connection()
                .await?
                .execute(
                    &format!(
                        "INSERT INTO {s}.relay_probe (id, at_ms) VALUES (1, $1)
                         ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms"
                    ),
                    &[&now_ms],
                )
                .await
                .map_err(|e| store(&e))?;
            Ok(())
        })
    }

    fn card(&self, group_key: &str) -> OutboxFuture<'_, Option<CardState>> {
        let group_key = group_key.to_owned();
        Box::pin(async move {
            let s = &self.schema;
            let row = self
                .connection()
                .await?
                .query_opt(
                    &format!("SELECT card FROM {s}.relay_groups WHERE group_key = $1"),
                    &[&group_key],
                )
                .await
                .map_err(|e| store(&e))?;
            Ok(row.map(|r| card_from(r.get::<_, &str>(0))))
        })
    }

    fn find_card(&self, message_id: u64) -> OutboxFuture<'_, Option<CardLookup>> {
        Box::pin(async move {
            let s = &self.schema;
            let Ok(id) = i64::try_from(message_id) else {
                return Ok(None);
            };
            let row = self
                .connection()
                .await?
                .query_opt(
                    &format!(
                        "SELECT g.group_key, g.card, g.notes,
                                COALESCE(g.shown, (SELECT e.payload FROM {s}.relay_entries e
                                                   WHERE e.group_key = g.group_key
                                                   ORDER BY e.id DESC LIMIT 1))
                         FROM {s}.relay_groups g WHERE g.message_id = $1"
                    ),
                    &[&id],
                )
                .await
                .map_err(|e| store(&e))?;
            row.map(|r| {
                Ok(CardLookup {
                    group_key: r.get(0),
                    card: card_from(r.get::<_, &str>(1)),
                    notes: notes_from(r.get::<_, &str>(2)),
                    shown: r.get::<_, Option<&str>>(3).map(envelope_from).transpose()?,
                })
            })
            .transpose()
        })
    }

    fn annotate(
        &self,
        group_key: &str,
        message_id: u64,
        change: NoteChange,
        now_ms: i64,
    ) -> OutboxFuture<'_, Annotated> {
        let group_key = group_key.to_owned();
        Box::pin(async move {
            let s = &self.schema;
            let mut client = self.connection().await?;
            let tx = client.transaction().await.map_err(|e| store(&e))?;
            let row = tx
                .query_opt(
                    &format!("SELECT notes FROM {s}.relay_groups WHERE group_key = $1 FOR UPDATE"),
                    &[&group_key],
                )
                .await
                .map_err(|e| store(&e))?
                .ok_or_else(|| OutboxError::Store(format!("no group {group_key}")))?;
            let annotated = notes_from(row.get::<_, &str>(0)).apply(message_id, change);
            if annotated.changed {
                tx.execute(
                    &format!(
                        "UPDATE {s}.relay_groups SET notes = $1, notes_seq = notes_seq + 1, updated_ms = $2
                         WHERE group_key = $3"
                    ),
                    &[&notes_json(&annotated.notes), &now_ms, &group_key],
                )
                .await
                .map_err(|e| store(&e))?;
            }
            tx.commit().await.map_err(|e| store(&e))?;
            Ok(annotated)
        })
    }
}
