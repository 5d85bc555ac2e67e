//! The outbox in a SQLite file: WAL, `synchronous = FULL` (every commit is
//! fsynced), one connection used from tokio's blocking pool.
//!
//! rusqlite with SQLite bundled rather than sqlx: the relay needs a handful
//! of plain statements and transactions, not a query builder or an async
//! pool, and the bundled build needs no system library.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    Annotated, CardLookup, CardState, Claim, DeadLetter, Enqueued, Entry, Envelope, Finish,
    NoteChange, Outbox, OutboxError, OutboxFuture, Stats, card_from, card_json, envelope_from,
    envelope_json, notes_from, notes_json,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS relay_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_key TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_ms INTEGER NOT NULL,
    delivered_ms INTEGER,
    error TEXT
);
CREATE INDEX IF NOT EXISTS relay_entries_pending ON relay_entries (group_key, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS relay_entries_delivered ON relay_entries (delivered_ms) WHERE status = 'delivered';
CREATE TABLE IF NOT EXISTS relay_groups (
    group_key TEXT PRIMARY KEY,
    card TEXT NOT NULL DEFAULT '{}',
    card_open INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until_ms INTEGER NOT NULL DEFAULT 0,
    fence INTEGER NOT NULL DEFAULT 0,
    updated_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS relay_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS relay_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO relay_meta (key, value)
    SELECT 'pending', COUNT(*) FROM relay_entries WHERE status = 'pending'
    ON CONFLICT (key) DO NOTHING;
";

/// Columns added to `relay_groups` after its first release, with their
/// definitions: a file made by an earlier relay gets them on open.
const GROUP_COLUMNS: [(&str, &str); 5] = [
    ("message_id", "INTEGER"),
    ("shown", "TEXT"),
    ("notes", "TEXT NOT NULL DEFAULT '{}'"),
    ("notes_seq", "INTEGER NOT NULL DEFAULT 0"),
    ("notes_shown", "INTEGER NOT NULL DEFAULT 0"),
];

/// Adds the [`GROUP_COLUMNS`] a file lacks, and their index.
fn add_columns(connection: &Connection) -> Result<(), OutboxError> {
    let present: Vec<String> = connection
        .prepare("SELECT name FROM pragma_table_info('relay_groups')")
        .map_err(store)?
        .query_map([], |row| row.get(0))
        .map_err(store)?
        .collect::<Result<_, _>>()
        .map_err(store)?;
    for (name, definition) in GROUP_COLUMNS {
        if !present.iter().any(|p| p == name) {
            connection
                .execute_batch(&format!(
                    "ALTER TABLE relay_groups ADD COLUMN {name} {definition}"
                ))
                .map_err(store)?;
        }
    }
    connection
        .execute_batch(
            "CREATE INDEX IF NOT EXISTS relay_groups_message ON relay_groups (message_id)
             WHERE message_id IS NOT NULL",
        )
        .map_err(store)
}

/// Adds `delta` to the count of pending entries (kept in the same
/// transactions as the entries, so the capacity check reads one row instead
/// of counting a backlog).
fn count_pending(tx: &rusqlite::Transaction<'_>, delta: i64) -> Result<(), OutboxError> {
    if delta != 0 {
        tx.execute(
            "UPDATE relay_meta SET value = value + ?1 WHERE key = 'pending'",
            params![delta],
        )
        .map_err(store)?;
    }
    Ok(())
}

/// The SQLite outbox.
#[derive(Clone)]
pub struct SqliteOutbox {
    connection: Arc<Mutex<Connection>>,
    path: PathBuf,
    capacity: u64,
}

impl fmt::Debug for SqliteOutbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteOutbox")
            .field("path", &self.path)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

fn store(error: impl fmt::Display) -> OutboxError {
    OutboxError::Store(error.to_string())
}

impl SqliteOutbox {
    /// Opens (creating) the outbox at `path`, holding at most `capacity`
    /// undelivered entries.
    ///
    /// # Errors
    ///
    /// [`OutboxError::Store`] when the file cannot be opened or set up.
    pub fn open(path: &Path, capacity: u64) -> Result<Self, OutboxError> {
        let connection = Connection::open(path)
            .map_err(|e| store(format!("cannot open {}: {e}", path.display())))?;
        connection
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(store)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(store)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(store)?;
        connection.execute_batch(SCHEMA).map_err(store)?;
        add_columns(&connection)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            path: path.to_owned(),
            capacity,
        })
    }

    /// Releases every claim: the relay that opens the file owns it alone, so
    /// claims left by a process that died are void.
    ///
    /// # Errors
    ///
    /// [`OutboxError::Store`].
    pub async fn take_over(&self) -> Result<(), OutboxError> {
        self.run(|c| {
            c.execute(
                "UPDATE relay_groups SET lease_owner = NULL, lease_until_ms = 0",
                [],
            )
            .map_err(store)?;
            Ok(())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut guard = connection
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            work(&mut guard)
        })
        .await
        .map_err(|e| store(format!("the outbox task failed: {e}")))?
    }
}

impl Outbox for SqliteOutbox {
    fn enqueue(&self, envelopes: Vec<Envelope>, now_ms: i64) -> OutboxFuture<'_, Enqueued> {
        let capacity = self.capacity;
        Box::pin(self.run(move |c| {
            let rows = envelopes
                .iter()
                .map(|e| Ok((e.group_key(), e.dedupe_key(), envelope_json(e)?)))
                .collect::<Result<Vec<_>, OutboxError>>()?;
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(store)?;
            let pending: u64 = tx
                .query_row(
                    "SELECT value FROM relay_meta WHERE key = 'pending'",
                    [],
                    |row| row.get(0),
                )
                .map_err(store)?;
            if pending + rows.len() as u64 > capacity {
                return Err(OutboxError::Full { capacity });
            }
            let mut ids = Vec::new();
            let mut duplicates = 0;
            for (group_key, dedupe_key, payload) in rows {
                let inserted = tx
                    .execute(
                        "INSERT INTO relay_entries (group_key, dedupe_key, payload, created_ms)
                         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (dedupe_key) DO NOTHING",
                        params![group_key, dedupe_key, payload, now_ms],
                    )
                    .map_err(store)?;
                if inserted == 0 {
                    duplicates += 1;
                    continue;
                }
                ids.push(tx.last_insert_rowid());
                tx.execute(
                    "INSERT INTO relay_groups (group_key, updated_ms) VALUES (?1, ?2)
                     ON CONFLICT (group_key) DO NOTHING",
                    params![group_key, now_ms],
                )
                .map_err(store)?;
            }
            count_pending(&tx, i64::try_from(ids.len()).unwrap_or(i64::MAX))?;
            tx.commit().map_err(store)?;
            Ok(Enqueued { ids, duplicates })
        }))
    }

    fn claim(
        &self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> OutboxFuture<'_, Vec<Claim>> {
        let owner = owner.to_owned();
        Box::pin(self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(store)?;
            let keys: Vec<String> = {
                let mut statement = tx
                    .prepare_cached(
                        "SELECT g.group_key FROM relay_groups g
                         WHERE g.next_attempt_ms <= ?1
                           AND (g.lease_owner IS NULL OR g.lease_until_ms < ?1)
                           AND (g.notes_seq > g.notes_shown
                                OR EXISTS (SELECT 1 FROM relay_entries e
                                           WHERE e.group_key = g.group_key AND e.status = 'pending'))
                         ORDER BY g.next_attempt_ms LIMIT ?2",
                    )
                    .map_err(store)?;
                statement
                    .query_map(params![now_ms, i64::try_from(limit).unwrap_or(i64::MAX)], |row| row.get(0))
                    .map_err(store)?
                    .collect::<Result<_, _>>()
                    .map_err(store)?
            };
            let mut claims = Vec::new();
            for key in keys {
                let (fence, attempts, card, notes, notes_seq, notes_shown, shown): (
                    i64,
                    i64,
                    String,
                    String,
                    i64,
                    i64,
                    Option<String>,
                ) = tx
                    .query_row(
                        "UPDATE relay_groups SET lease_owner = ?1, lease_until_ms = ?2, fence = fence + 1
                         WHERE group_key = ?3
                         RETURNING fence, attempts, card, notes, notes_seq, notes_shown, shown",
                        params![owner, now_ms + lease_ms, key],
                        |row| {
                            Ok((
                                row.get(0)?,
                                row.get(1)?,
                                row.get(2)?,
                                row.get(3)?,
                                row.get(4)?,
                                row.get(5)?,
                                row.get(6)?,
                            ))
                        },
                    )
                    .map_err(store)?;
                let mut statement = tx
                    .prepare_cached(
                        "SELECT id, created_ms, payload FROM relay_entries
                         WHERE group_key = ?1 AND status = 'pending' ORDER BY id",
                    )
                    .map_err(store)?;
                let rows: Vec<(i64, i64, String)> = statement
                    .query_map(params![key], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                    .map_err(store)?
                    .collect::<Result<_, _>>()
                    .map_err(store)?;
                let entries = rows
                    .into_iter()
                    .map(|(id, created_ms, payload)| {
                        Ok(Entry {
                            id,
                            created_ms,
                            envelope: envelope_from(&payload)?,
                        })
                    })
                    .collect::<Result<Vec<_>, OutboxError>>()?;
                claims.push(Claim {
                    group_key: key,
                    fence,
                    attempts,
                    card: card_from(&card),
                    entries,
                    notes: notes_from(&notes),
                    notes_seq,
                    notes_shown,
                    shown: shown.as_deref().map(envelope_from).transpose()?,
                });
            }
            tx.commit().map_err(store)?;
            Ok(claims)
        }))
    }

    fn save_card(
        &self,
        group_key: &str,
        fence: i64,
        card: &CardState,
        now_ms: i64,
        lease_ms: i64,
    ) -> OutboxFuture<'_, ()> {
        let (group_key, card) = (group_key.to_owned(), card.clone());
        Box::pin(self.run(move |c| {
            let tx = c.transaction().map_err(store)?;
            let changed = tx
                .execute(
                    "UPDATE relay_groups SET card = ?1, card_open = ?2, updated_ms = ?3,
                     lease_until_ms = ?4, message_id = ?7 WHERE group_key = ?5 AND fence = ?6",
                    params![
                        card_json(&card),
                        card.is_open(),
                        now_ms,
                        now_ms + lease_ms,
                        group_key,
                        fence,
                        card.message_id.and_then(|id| i64::try_from(id).ok()),
                    ],
                )
                .map_err(store)?;
            if changed == 0 {
                return Err(OutboxError::Fenced);
            }
            tx.commit().map_err(store)
        }))
    }

    fn renew(
        &self,
        group_key: &str,
        fence: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> OutboxFuture<'_, ()> {
        let group_key = group_key.to_owned();
        Box::pin(self.run(move |c| {
            let changed = c
                .execute(
                    "UPDATE relay_groups SET lease_until_ms = ?1 WHERE group_key = ?2 AND fence = ?3",
                    params![now_ms + lease_ms, group_key, fence],
                )
                .map_err(store)?;
            if changed == 0 {
                return Err(OutboxError::Fenced);
            }
            Ok(())
        }))
    }

    fn finish(
        &self,
        group_key: &str,
        fence: i64,
        finish: Finish,
        now_ms: i64,
    ) -> OutboxFuture<'_, ()> {
        let group_key = group_key.to_owned();
        Box::pin(self.run(move |c| {
            let shown = finish.shown.as_ref().map(envelope_json).transpose()?;
            let tx = c.transaction().map_err(store)?;
            let changed = tx
                .execute(
                    "UPDATE relay_groups SET card = ?1, card_open = ?2, updated_ms = ?3,
                       lease_owner = NULL, lease_until_ms = 0, next_attempt_ms = ?4,
                       attempts = CASE WHEN ?5 THEN 0 ELSE attempts + 1 END,
                       message_id = ?8, notes_shown = MAX(notes_shown, ?9),
                       shown = COALESCE(?10, shown)
                     WHERE group_key = ?6 AND fence = ?7",
                    params![
                        card_json(&finish.card),
                        finish.card.is_open(),
                        now_ms,
                        finish.retry_at_ms.unwrap_or(0),
                        finish.retry_at_ms.is_none(),
                        group_key,
                        fence,
                        finish.card.message_id.and_then(|id| i64::try_from(id).ok()),
                        finish.notes_shown,
                        shown,
                    ],
                )
                .map_err(store)?;
            if changed == 0 {
                return Err(OutboxError::Fenced);
            }
            let mut left = 0;
            for id in &finish.delivered {
                left += tx
                    .execute(
                        "UPDATE relay_entries SET status = 'delivered', delivered_ms = ?1
                     WHERE id = ?2 AND status = 'pending'",
                        params![now_ms, id],
                    )
                    .map_err(store)?;
            }
            for (id, error) in &finish.dead {
                left += tx
                    .execute(
                        "UPDATE relay_entries SET status = 'dead', error = ?1 WHERE id = ?2 AND status = 'pending'",
                        params![error, id],
                    )
                    .map_err(store)?;
            }
            count_pending(&tx, -i64::try_from(left).unwrap_or(i64::MAX))?;
            tx.commit().map_err(store)
        }))
    }

    fn release(&self, owner: &str) -> OutboxFuture<'_, ()> {
        let owner = owner.to_owned();
        Box::pin(self.run(move |c| {
            c.execute(
                "UPDATE relay_groups SET lease_owner = NULL, lease_until_ms = 0 WHERE lease_owner = ?1",
                params![owner],
            )
            .map_err(store)?;
            Ok(())
        }))
    }

    fn dead_letters(&self) -> OutboxFuture<'_, Vec<DeadLetter>> {
        Box::pin(self.run(|c| {
            let mut statement = c
                .prepare(
                    "SELECT id, group_key, COALESCE(error, ''), created_ms FROM relay_entries
                     WHERE status = 'dead' ORDER BY id",
                )
                .map_err(store)?;
            statement
                .query_map([], |row| {
                    Ok(DeadLetter {
                        id: row.get(0)?,
                        group_key: row.get(1)?,
                        error: row.get(2)?,
                        created_ms: row.get(3)?,
                    })
                })
                .map_err(store)?
                .collect::<Result<_, _>>()
                .map_err(store)
        }))
    }

    fn requeue(&self, id: i64) -> OutboxFuture<'_, bool> {
        Box::pin(self.run(move |c| {
            let tx = c.transaction().map_err(store)?;
            let group: Option<String> = tx
                .query_row(
                    "UPDATE relay_entries SET status = 'pending', error = NULL
                     WHERE id = ?1 AND status = 'dead' RETURNING group_key",
                    params![id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(store)?;
            if let Some(group) = &group {
                tx.execute(
                    "UPDATE relay_groups SET next_attempt_ms = 0, attempts = 0 WHERE group_key = ?1",
                    params![group],
                )
                .map_err(store)?;
                count_pending(&tx, 1)?;
            }
            tx.commit().map_err(store)?;
            Ok(group.is_some())
        }))
    }

    fn prune(&self, before_ms: i64) -> OutboxFuture<'_, u64> {
        Box::pin(self.run(move |c| {
            let removed = c
                .execute(
                    "DELETE FROM relay_entries WHERE status = 'delivered' AND delivered_ms < ?1",
                    params![before_ms],
                )
                .map_err(store)?;
            c.execute(
                "DELETE FROM relay_groups WHERE card_open = 0 AND updated_ms < ?1
                   AND lease_owner IS NULL
                   AND NOT EXISTS (SELECT 1 FROM relay_entries e WHERE e.group_key = relay_groups.group_key)",
                params![before_ms],
            )
            .map_err(store)?;
            Ok(removed as u64)
        }))
    }

    fn stats(&self) -> OutboxFuture<'_, Stats> {
        Box::pin(self.run(|c| {
            c.query_row(
                "SELECT
                   (SELECT COUNT(*) FROM relay_entries WHERE status = 'pending'),
                   (SELECT COUNT(*) FROM relay_entries WHERE status = 'dead'),
                   (SELECT MIN(created_ms) FROM relay_entries WHERE status = 'pending')",
                [],
                |row| {
                    Ok(Stats {
                        pending: row.get(0)?,
                        dead: row.get(1)?,
                        oldest_pending_ms: row.get(2)?,
                    })
                },
            )
            .map_err(store)
        }))
    }

    fn probe(&self, now_ms: i64) -> OutboxFuture<'_, ()> {
        Box::pin(self.run(move |c| {
            c.execute(
                "INSERT INTO relay_probe (id, at_ms) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms",
                params![now_ms],
            )
            .map_err(store)?;
            Ok(())
        }))
    }

    fn card(&self, group_key: &str) -> OutboxFuture<'_, Option<CardState>> {
        let group_key = group_key.to_owned();
        Box::pin(self.run(move |c| {
            let text: Option<String> = c
                .query_row(
                    "SELECT card FROM relay_groups WHERE group_key = ?1",
                    params![group_key],
                    |row| row.get(0),
                )
                .optional()
                .map_err(store)?;
            Ok(text.as_deref().map(card_from))
        }))
    }

    fn find_card(&self, message_id: u64) -> OutboxFuture<'_, Option<CardLookup>> {
        Box::pin(self.run(move |c| {
            let Ok(id) = i64::try_from(message_id) else {
                return Ok(None);
            };
            let row: Option<(String, String, String, Option<String>)> = c
                .query_row(
                    "SELECT g.group_key, g.card, g.notes,
                            COALESCE(g.shown, (SELECT e.payload FROM relay_entries e
                                               WHERE e.group_key = g.group_key
                                               ORDER BY e.id DESC LIMIT 1))
                     FROM relay_groups g WHERE g.message_id = ?1",
                    params![id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
                .optional()
                .map_err(store)?;
            row.map(|(group_key, card, notes, shown)| {
                Ok(CardLookup {
                    group_key,
                    card: card_from(&card),
                    notes: notes_from(&notes),
                    shown: shown.as_deref().map(envelope_from).transpose()?,
                })
            })
            .transpose()
        }))
    }

    fn annotate(
        &self,
        group_key: &str,
        message_id: u64,
        change: NoteChange,
        now_ms: i64,
    ) -> OutboxFuture<'_, Annotated> {
        let group_key = group_key.to_owned();
        Box::pin(self.run(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(store)?;
            let notes: String = tx
                .query_row(
                    "SELECT notes FROM relay_groups WHERE group_key = ?1",
                    params![group_key],
                    |row| row.get(0),
                )
                .optional()
                .map_err(store)?
                .ok_or_else(|| store(format!("no group {group_key}")))?;
            let annotated = notes_from(&notes).apply(message_id, change);
            if annotated.changed {
                tx.execute(
                    "UPDATE relay_groups SET notes = ?1, notes_seq = notes_seq + 1, updated_ms = ?2
                     WHERE group_key = ?3",
                    params![notes_json(&annotated.notes), now_ms, group_key],
                )
                .map_err(store)?;
            }
            tx.commit().map_err(store)?;
            Ok(annotated)
        }))
    }
}
