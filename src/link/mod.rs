//! Identity linkage across sessions: the synthetic-identity signals one response cannot
//! show (one SSN with several names or dates of birth, one phone, email or address shared
//! by many identities, bursts of retries), computed privately.
//!
//! - **Keys** ([`LinkSecret::keys`]): a keyed HMAC-SHA256 over each normalised identifier
//!   (SSN, phone in E.164, email normalised as identity matching compares emails, folded name,
//!   date of birth, name with date of birth, address as normalised street, unit and ZIP5),
//!   under the caller's secret, 16 bytes each, with the secret's key id. No identity value
//!   is ever stored, logged or returned: a key says only whether two values are equal under
//!   the secret.
//! - **History** ([`LinkHistory`]): what earlier observations say about this one, as counts
//!   per signal and window. Scoring takes it as an argument ([`crate::Context::link`]) and
//!   stays pure; the `link_rules` of a rules file price it.
//! - **Stores** ([`LinkStore`]): one call records an observation and returns the history
//!   before it, atomically. [`MemoryStore`] (batch replays, tests); `SqliteStore` (feature
//!   `link-sqlite`) for one host; `PostgresStore` (feature `link-postgres`) for several
//!   backend instances. Each keeps a retention horizon ([`Retention`], at least 400 days by
//!   default), erases a subject on request ([`LinkStore::erase`]) and has a versioned schema.
//!
//! # Semantics
//! An observation is a session's keys and a time (Unix seconds, UTC). Its history counts the
//! observations recorded *before* it (in the order the store recorded them; in a batch, file
//! order) whose time is within the window of its own time: within `1d` when its time is less
//! than a day before this one's, and so on; `all_time` is the retention horizon. An
//! observation recorded earlier but stamped *later* (an export out of time order, a skewed
//! clock) counts in every window: it happened, and it is recent. Each store keeps, per key and
//! other value, the latest time it was seen, so every store (and the Spark aggregation)
//! computes the same counts; counts above [`MAX_COUNT`] report [`MAX_COUNT`].
//!
//! # Example: a backend, right after the session fetch
//! ```
//! use layer_risk::link::{LinkSecret, LinkStore, MemoryStore};
//! use layer_risk::{Context, RuleSet, Scorer};
//!
//! let secret = LinkSecret::from_bytes(b"an example secret of 32 bytes or more".to_vec())?;
//! let mut store = MemoryStore::default(); // SqliteStore::open(path, ..) in a real backend
//! let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
//! let now = 1_795_000_000; // your clock, Unix seconds
//! let mut outcome = None;
//! for (i, first) in ["Leslie", "Ann"].iter().enumerate() {
//!     let body = format!(r#"{{"identity": {{"name": {{"first_name": "{first}", "last_name": "Knope"}},
//!         "date_of_birth": "1975-01-18", "ssn": "524781963"}}, "items": [{{}}], "request_id": "r{i}"}}"#);
//!     let keys = secret.keys_of(body.as_bytes())?;
//!     let history = store.observe(&keys, now + i as i64 * 60)?;
//!     let d = scorer.assess(body.as_bytes(), &Context::new().link(&history))?;
//!     outcome = Some((history.ssn_other_names.month, d.reasons.iter().any(|r| r.rule_id == "ssn-other-name-30d")));
//! }
//! // The second session used the same SSN with another name: the link rule fired.
//! assert_eq!(outcome, Some((1, true)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod history;
mod keys;
mod memory;
#[cfg(feature = "link-postgres")]
mod postgres;
#[cfg(feature = "link-sqlite")]
mod sqlite;
mod store;

pub use history::{LinkCounts, LinkHistory, LinkSignal, LINK_WINDOWS, MAX_COUNT};
pub use keys::{KeyId, LinkKey, LinkKeys, LinkSecret, KEY_BYTES, MIN_SECRET_BYTES};
pub use memory::MemoryStore;
#[cfg(feature = "link-postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "link-sqlite")]
pub use sqlite::SqliteStore;
pub use store::{LinkStore, Retention, SCHEMA_VERSION};

use crate::error::ParseError;
use crate::session::parse_input_bytes;

/// What can go wrong with linkage. Messages name paths, lengths and the store's own
/// reasons, never a secret or an identity value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The secret is shorter than [`MIN_SECRET_BYTES`] (after one trailing newline).
    #[error("the link secret is {len} bytes long: it must be at least 32 random bytes")]
    SecretTooShort {
        /// Its length in bytes.
        len: usize,
    },
    /// The secret file cannot be read.
    #[error("cannot read the link secret file {path}: {reason}")]
    SecretUnreadable {
        /// The path as given.
        path: String,
        /// The system's reason.
        reason: String,
    },
    /// The store failed (cannot open, locked too long, connection lost, ...).
    #[error("link store: {0}")]
    Store(String),
    /// The store's schema is newer than this release knows.
    #[error("link store: schema version {found} is newer than this release's {SCHEMA_VERSION}; upgrade layer-risk")]
    SchemaTooNew {
        /// The version found in the store.
        found: i64,
    },
}

impl LinkSecret {
    /// The linkage keys of a response body or export line (a bare response or a
    /// `{"session", ...}` envelope), as [`LinkSecret::keys`] derives them from its identity.
    ///
    /// # Errors
    /// The [`ParseError`] of a body that is not a response.
    pub fn keys_of(&self, body: &[u8]) -> Result<LinkKeys, ParseError> {
        self.observation_of(body).map(|(keys, _)| keys)
    }

    /// The keys of a body (as [`LinkSecret::keys_of`]) and its `observed_at`, if it has one
    /// (Unix seconds): what a store records.
    ///
    /// # Errors
    /// The [`ParseError`] of a body that is not a response.
    pub fn observation_of(&self, body: &[u8]) -> Result<(LinkKeys, Option<i64>), ParseError> {
        let input = parse_input_bytes(body)?;
        Ok((
            self.keys(input.session.identity.as_ref()),
            input.observed_at,
        ))
    }
}
