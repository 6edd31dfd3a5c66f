//! The PostgreSQL store (feature `link-postgres`): several backend instances, one database.

use postgres::{Client, NoTls, Transaction};

use super::history::LinkHistory;
use super::keys::{LinkKey, LinkKeys};
use super::store::{bounds, clamp, days_since, LinkStore, PairKind, Retention, SCHEMA_VERSION};
use super::LinkCounts;
use super::LinkError;

/// The schema, version 1 (as the SQLite store's): keys are 16-byte `bytea`, times Unix
/// seconds.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS link_meta (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS link_pairs (
    key_id bytea NOT NULL,
    kind smallint NOT NULL,
    key bytea NOT NULL,
    other bytea NOT NULL,
    last_seen bigint NOT NULL,
    PRIMARY KEY (key_id, kind, key, other)
);
CREATE INDEX IF NOT EXISTS link_pairs_other ON link_pairs (key_id, other);
CREATE INDEX IF NOT EXISTS link_pairs_seen ON link_pairs (last_seen);
CREATE TABLE IF NOT EXISTS link_sessions (
    key_id bytea NOT NULL,
    identity bytea NOT NULL,
    seen bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS link_sessions_identity ON link_sessions (key_id, identity, seen);
CREATE INDEX IF NOT EXISTS link_sessions_seen ON link_sessions (seen);
CREATE TABLE IF NOT EXISTS link_ssn_seen (
    key_id bytea NOT NULL,
    ssn bytea NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    PRIMARY KEY (key_id, ssn)
);
";

/// The advisory lock that serialises creating the schema (any constant of ours).
const SCHEMA_LOCK: i64 = 0x6c61_7965_725f_7273; // "layer_rs"

/// Link observations in one PostgreSQL database, shared by several backend instances.
///
/// Every observation is one transaction that first takes a transaction-scoped advisory lock
/// on each of its keys (in a fixed order, so two observations never deadlock), then reads
/// and writes: two observations sharing a key are serialised, so each sees the other's or
/// not, never half of it; observations with no key in common run in parallel. The tables
/// hold keys (16-byte HMACs), kinds and times only.
pub struct PostgresStore {
    client: Client,
    retention: Retention,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

fn store_err(e: postgres::Error) -> LinkError {
    // The driver's message (a connection refused, a missing role): never a parameter value.
    LinkError::Store(format!("postgres: {e}"))
}

impl PostgresStore {
    /// Connect to `url` (`postgres://user:password@host:port/db`, or key=value pairs;
    /// without TLS: keep the database on a private network or a Unix socket) and create the
    /// schema if needed.
    ///
    /// # Errors
    /// [`LinkError::Store`] when the server cannot be reached or refuses;
    /// [`LinkError::SchemaTooNew`] when a later release wrote the database.
    pub fn connect(url: &str, retention: Retention) -> Result<PostgresStore, LinkError> {
        let mut client = Client::connect(url, NoTls).map_err(store_err)?;
        let mut tx = client.transaction().map_err(store_err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .map_err(store_err)?;
        tx.batch_execute(SCHEMA).map_err(store_err)?;
        let version: Option<i64> = tx
            .query_opt(
                "SELECT value FROM link_meta WHERE name = 'schema_version'",
                &[],
            )
            .map_err(store_err)?
            .map(|r| r.get(0));
        match version {
            None => {
                tx.execute(
                    "INSERT INTO link_meta (name, value) VALUES ('schema_version', $1)",
                    &[&SCHEMA_VERSION],
                )
                .map_err(store_err)?;
            }
            Some(v) if v > SCHEMA_VERSION => return Err(LinkError::SchemaTooNew { found: v }),
            Some(_) => {}
        }
        tx.commit().map_err(store_err)?;
        Ok(PostgresStore { client, retention })
    }

    fn observe_tx(&mut self, keys: &LinkKeys, at: i64) -> Result<LinkHistory, postgres::Error> {
        let retention = self.retention;
        let mut tx = self.client.transaction()?;
        let mut locks: Vec<i64> = [
            keys.ssn,
            keys.phone,
            keys.email,
            keys.address,
            keys.identity(),
        ]
        .into_iter()
        .flatten()
        .map(|k: LinkKey| k.lock_id())
        .collect();
        locks.sort_unstable();
        locks.dedup();
        for id in &locks {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[id])?;
        }
        maybe_purge(&mut tx, at, retention)?;
        let b = bounds(at, retention);
        let id = &keys.key_id.0[..];
        let mut h = LinkHistory::default();
        for kind in PairKind::ALL {
            let Some((key, mine)) = kind.of(keys) else {
                continue;
            };
            let kind_n = kind as i16;
            let row = tx.query_one(
                "SELECT COALESCE(SUM((last_seen > $1)::int), 0)::bigint, COALESCE(SUM((last_seen > $2)::int), 0)::bigint,
                        COALESCE(SUM((last_seen > $3)::int), 0)::bigint, COUNT(*)
                 FROM link_pairs
                 WHERE key_id = $5 AND kind = $6 AND key = $7 AND other <> $8 AND last_seen > $4",
                &[&b[0], &b[1], &b[2], &b[3], &id, &kind_n, &&key.0[..], &&mine.0[..]],
            )?;
            if let Some(c) = h.counts_mut(kind.signal()) {
                *c = counts4(&row);
            }
            tx.execute(
                "INSERT INTO link_pairs (key_id, kind, key, other, last_seen) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (key_id, kind, key, other) DO UPDATE SET last_seen = GREATEST(link_pairs.last_seen, EXCLUDED.last_seen)",
                &[&id, &kind_n, &&key.0[..], &&mine.0[..], &at],
            )?;
        }
        if let Some(identity) = keys.identity() {
            let row = tx.query_one(
                "SELECT COALESCE(SUM((seen > $1)::int), 0)::bigint, COALESCE(SUM((seen > $2)::int), 0)::bigint,
                        COALESCE(SUM((seen > $3)::int), 0)::bigint, COUNT(*)
                 FROM link_sessions WHERE key_id = $5 AND identity = $6 AND seen > $4",
                &[&b[0], &b[1], &b[2], &b[3], &id, &&identity.0[..]],
            )?;
            h.identity_sessions = counts4(&row);
            tx.execute(
                "INSERT INTO link_sessions (key_id, identity, seen) VALUES ($1, $2, $3)",
                &[&id, &&identity.0[..], &at],
            )?;
        }
        if let Some(ssn) = keys.ssn {
            let seen = tx.query_opt(
                "SELECT first_seen, last_seen FROM link_ssn_seen WHERE key_id = $1 AND ssn = $2",
                &[&id, &&ssn.0[..]],
            )?;
            let next = match seen.map(|r| (r.get::<_, i64>(0), r.get::<_, i64>(1))) {
                Some((first, last)) if last > b[3] => {
                    h.ssn_first_seen_days = Some(days_since(first, at, retention));
                    (first.min(at), last.max(at))
                }
                _ => (at, at),
            };
            tx.execute(
                "INSERT INTO link_ssn_seen (key_id, ssn, first_seen, last_seen) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key_id, ssn) DO UPDATE SET first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen",
                &[&id, &&ssn.0[..], &next.0, &next.1],
            )?;
        }
        tx.commit()?;
        Ok(h)
    }
}

/// `[1d, 30d, 365d, all_time]` from a row of four counts.
fn counts4(row: &postgres::Row) -> LinkCounts {
    let c = [0, 1, 2, 3].map(|i| clamp(row.get::<_, i64>(i)));
    LinkCounts::from_array(c)
}

/// At most once a day of observation time, one instance drops what is past the horizon.
/// The plain read first keeps the usual path free of row locks on the metadata.
fn maybe_purge(
    tx: &mut Transaction<'_>,
    at: i64,
    retention: Retention,
) -> Result<(), postgres::Error> {
    let last: Option<i64> = tx
        .query_opt("SELECT value FROM link_meta WHERE name = 'last_purge'", &[])?
        .map(|r| r.get(0));
    if last.is_some_and(|p| at < p.saturating_add(86_400)) {
        return Ok(());
    }
    let claimed = tx.query_opt(
        "INSERT INTO link_meta (name, value) VALUES ('last_purge', $1)
         ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
         WHERE link_meta.value <= $1 - 86400
         RETURNING value",
        &[&at],
    )?;
    if claimed.is_some() {
        purge_tx(tx, at.saturating_sub(retention.seconds()))?;
    }
    Ok(())
}

fn purge_tx(tx: &mut Transaction<'_>, cutoff: i64) -> Result<u64, postgres::Error> {
    let mut n = tx.execute("DELETE FROM link_pairs WHERE last_seen <= $1", &[&cutoff])?;
    n += tx.execute("DELETE FROM link_sessions WHERE seen <= $1", &[&cutoff])?;
    n += tx.execute(
        "DELETE FROM link_ssn_seen WHERE last_seen <= $1",
        &[&cutoff],
    )?;
    Ok(n)
}

impl LinkStore for PostgresStore {
    fn observe(&mut self, keys: &LinkKeys, at: i64) -> Result<LinkHistory, LinkError> {
        self.observe_tx(keys, at).map_err(store_err)
    }

    fn erase(&mut self, subject: &LinkKeys) -> Result<u64, LinkError> {
        let id = subject.key_id.0.to_vec();
        let mut tx = self.client.transaction().map_err(store_err)?;
        let mut n = 0u64;
        if let Some(identity) = subject.identity() {
            let k = identity.0.to_vec();
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&identity.lock_id()])
                .map_err(store_err)?;
            n += tx
                .execute(
                    "DELETE FROM link_sessions WHERE key_id = $1 AND identity = $2",
                    &[&id, &k],
                )
                .map_err(store_err)?;
            n += tx
                .execute(
                    "DELETE FROM link_pairs WHERE key_id = $1 AND kind >= 3 AND other = $2",
                    &[&id, &k],
                )
                .map_err(store_err)?;
        }
        if let Some(ssn) = subject.ssn {
            let k = ssn.0.to_vec();
            n += tx
                .execute(
                    "DELETE FROM link_pairs WHERE key_id = $1 AND kind IN (1, 2) AND key = $2",
                    &[&id, &k],
                )
                .map_err(store_err)?;
            n += tx
                .execute(
                    "DELETE FROM link_ssn_seen WHERE key_id = $1 AND ssn = $2",
                    &[&id, &k],
                )
                .map_err(store_err)?;
        }
        tx.commit().map_err(store_err)?;
        Ok(n)
    }

    fn purge(&mut self, now: i64) -> Result<u64, LinkError> {
        let mut tx = self.client.transaction().map_err(store_err)?;
        let n =
            purge_tx(&mut tx, now.saturating_sub(self.retention.seconds())).map_err(store_err)?;
        tx.commit().map_err(store_err)?;
        Ok(n)
    }
}
