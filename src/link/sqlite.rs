//! The SQLite store (feature `link-sqlite`): the embedded default for one backend, or a few
//! processes on one host.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::history::LinkHistory;
use super::keys::LinkKeys;
use super::store::{bounds, clamp, days_since, LinkStore, PairKind, Retention, SCHEMA_VERSION};
use super::LinkCounts;
use super::LinkError;

/// The schema, version 1. Keys are 16-byte BLOBs, times Unix seconds; nothing else is kept.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS link_meta (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_pairs (
    key_id BLOB NOT NULL,
    kind INTEGER NOT NULL,
    key BLOB NOT NULL,
    other BLOB NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (key_id, kind, key, other)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_pairs_other ON link_pairs (key_id, other);
CREATE INDEX IF NOT EXISTS link_pairs_seen ON link_pairs (last_seen);
CREATE TABLE IF NOT EXISTS link_sessions (
    key_id BLOB NOT NULL,
    identity BLOB NOT NULL,
    seen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS link_sessions_identity ON link_sessions (key_id, identity, seen);
CREATE INDEX IF NOT EXISTS link_sessions_seen ON link_sessions (seen);
CREATE TABLE IF NOT EXISTS link_ssn_seen (
    key_id BLOB NOT NULL,
    ssn BLOB NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (key_id, ssn)
) WITHOUT ROWID;
";

/// Link observations in one SQLite file: safe across threads (one store each) and processes
/// on one host. The file is in WAL mode; every observation is one `BEGIN IMMEDIATE`
/// transaction, so recording and reading are atomic across processes (a writer waits up to
/// the busy timeout, 60 s, for another). The file holds keys (16-byte HMACs), kinds and
/// times only.
///
/// # Example
/// ```
/// use layer_risk::link::{LinkSecret, LinkStore, Retention, SqliteStore};
/// let dir = std::env::temp_dir().join(format!("layer-risk-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("link.sqlite");
/// let secret = LinkSecret::from_bytes(vec![9; 32])?;
/// let mut store = SqliteStore::open(&path, Retention::default())?;
/// let keys = secret.keys_of(br#"{"identity": {"phone_number": "+14157452130", "ssn": "524781963"}}"#)?;
/// store.observe(&keys, 1_795_000_000)?;
/// assert_eq!(store.observe(&keys, 1_795_000_060)?.identity_sessions.day, 1);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    retention: Retention,
}

fn store_err(e: rusqlite::Error) -> LinkError {
    LinkError::Store(format!("sqlite: {e}"))
}

impl SqliteStore {
    /// Open (creating if needed) the store at `path`.
    ///
    /// # Errors
    /// [`LinkError::Store`] when the file cannot be opened or is not a link store;
    /// [`LinkError::SchemaTooNew`] when a later release wrote it.
    pub fn open(path: impl AsRef<Path>, retention: Retention) -> Result<SqliteStore, LinkError> {
        let mut conn = Connection::open(path.as_ref()).map_err(store_err)?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(store_err)?;
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(store_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(store_err)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(store_err)?;
        tx.execute_batch(SCHEMA).map_err(store_err)?;
        let version: Option<i64> = tx
            .query_row(
                "SELECT value FROM link_meta WHERE name = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(store_err)?;
        match version {
            None => {
                tx.execute(
                    "INSERT INTO link_meta (name, value) VALUES ('schema_version', ?1)",
                    [SCHEMA_VERSION],
                )
                .map_err(store_err)?;
            }
            Some(v) if v > SCHEMA_VERSION => return Err(LinkError::SchemaTooNew { found: v }),
            Some(_) => {}
        }
        tx.commit().map_err(store_err)?;
        Ok(SqliteStore { conn, retention })
    }

    fn observe_tx(&mut self, keys: &LinkKeys, at: i64) -> rusqlite::Result<LinkHistory> {
        let retention = self.retention;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last_purge: Option<i64> = tx
            .query_row(
                "SELECT value FROM link_meta WHERE name = 'last_purge'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if last_purge.is_none_or(|p| at >= p.saturating_add(86_400)) {
            purge_tx(&tx, at.saturating_sub(retention.seconds()))?;
            tx.execute(
                "INSERT INTO link_meta (name, value) VALUES ('last_purge', ?1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [at],
            )?;
        }
        let b = bounds(at, retention);
        let id = &keys.key_id.0[..];
        let mut h = LinkHistory::default();
        for kind in PairKind::ALL {
            let Some((key, mine)) = kind.of(keys) else {
                continue;
            };
            let counts = tx
                .prepare_cached(
                    "SELECT COALESCE(SUM(last_seen > ?1), 0), COALESCE(SUM(last_seen > ?2), 0),
                        COALESCE(SUM(last_seen > ?3), 0), COUNT(*)
                 FROM link_pairs
                 WHERE key_id = ?5 AND kind = ?6 AND key = ?7 AND other <> ?8 AND last_seen > ?4",
                )?
                .query_row(
                    params![
                        b[0],
                        b[1],
                        b[2],
                        b[3],
                        id,
                        kind as i64,
                        &key.0[..],
                        &mine.0[..]
                    ],
                    counts4,
                )?;
            if let Some(c) = h.counts_mut(kind.signal()) {
                *c = counts;
            }
            tx.prepare_cached(
                "INSERT INTO link_pairs (key_id, kind, key, other, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key_id, kind, key, other) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)",
            )?
            .execute(params![id, kind as i64, &key.0[..], &mine.0[..], at])?;
        }
        if let Some(identity) = keys.identity() {
            h.identity_sessions = tx
                .prepare_cached(
                    "SELECT COALESCE(SUM(seen > ?1), 0), COALESCE(SUM(seen > ?2), 0),
                            COALESCE(SUM(seen > ?3), 0), COUNT(*)
                     FROM link_sessions WHERE key_id = ?5 AND identity = ?6 AND seen > ?4",
                )?
                .query_row(
                    params![b[0], b[1], b[2], b[3], id, &identity.0[..]],
                    counts4,
                )?;
            tx.prepare_cached(
                "INSERT INTO link_sessions (key_id, identity, seen) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, &identity.0[..], at])?;
        }
        if let Some(ssn) = keys.ssn {
            let seen: Option<(i64, i64)> = tx
                .prepare_cached(
                    "SELECT first_seen, last_seen FROM link_ssn_seen WHERE key_id = ?1 AND ssn = ?2",
                )?
                .query_row(params![id, &ssn.0[..]], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let next = match seen {
                Some((first, last)) if last > b[3] => {
                    h.ssn_first_seen_days = Some(days_since(first, at, retention));
                    (first.min(at), last.max(at))
                }
                _ => (at, at),
            };
            tx.prepare_cached(
                "INSERT INTO link_ssn_seen (key_id, ssn, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key_id, ssn) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen",
            )?
            .execute(params![id, &ssn.0[..], next.0, next.1])?;
        }
        tx.commit()?;
        Ok(h)
    }
}

/// `[1d, 30d, 365d, all_time]` from a row of four counts.
fn counts4(r: &rusqlite::Row<'_>) -> rusqlite::Result<LinkCounts> {
    let mut c = [0u32; 4];
    for (i, n) in c.iter_mut().enumerate() {
        *n = clamp(r.get::<_, i64>(i)?);
    }
    Ok(LinkCounts::from_array(c))
}

fn purge_tx(tx: &rusqlite::Transaction<'_>, cutoff: i64) -> rusqlite::Result<u64> {
    let mut n = tx.execute("DELETE FROM link_pairs WHERE last_seen <= ?1", [cutoff])?;
    n += tx.execute("DELETE FROM link_sessions WHERE seen <= ?1", [cutoff])?;
    n += tx.execute("DELETE FROM link_ssn_seen WHERE last_seen <= ?1", [cutoff])?;
    Ok(n as u64)
}

impl LinkStore for SqliteStore {
    fn observe(&mut self, keys: &LinkKeys, at: i64) -> Result<LinkHistory, LinkError> {
        self.observe_tx(keys, at).map_err(store_err)
    }

    fn erase(&mut self, subject: &LinkKeys) -> Result<u64, LinkError> {
        let id = subject.key_id.0.to_vec();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(store_err)?;
        let mut n = 0usize;
        if let Some(identity) = subject.identity() {
            let k = &identity.0[..];
            n += tx
                .execute(
                    "DELETE FROM link_sessions WHERE key_id = ?1 AND identity = ?2",
                    params![id, k],
                )
                .map_err(store_err)?;
            n += tx
                .execute(
                    "DELETE FROM link_pairs WHERE key_id = ?1 AND kind >= 3 AND other = ?2",
                    params![id, k],
                )
                .map_err(store_err)?;
        }
        if let Some(ssn) = subject.ssn {
            let k = &ssn.0[..];
            n += tx
                .execute(
                    "DELETE FROM link_pairs WHERE key_id = ?1 AND kind IN (1, 2) AND key = ?2",
                    params![id, k],
                )
                .map_err(store_err)?;
            n += tx
                .execute(
                    "DELETE FROM link_ssn_seen WHERE key_id = ?1 AND ssn = ?2",
                    params![id, k],
                )
                .map_err(store_err)?;
        }
        tx.commit().map_err(store_err)?;
        Ok(n as u64)
    }

    fn purge(&mut self, now: i64) -> Result<u64, LinkError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(store_err)?;
        let n = purge_tx(&tx, now.saturating_sub(self.retention.seconds())).map_err(store_err)?;
        tx.commit().map_err(store_err)?;
        Ok(n)
    }
}
