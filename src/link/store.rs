//! The store trait, retention, and what every store computes alike.

use super::history::{
    window_seconds, LinkCounts, LinkHistory, LinkSignal, LINK_WINDOWS, MAX_COUNT,
};
use super::keys::{LinkKey, LinkKeys};
use super::LinkError;

/// The schema version every store writes (in its metadata) and checks when it opens.
pub const SCHEMA_VERSION: i64 = 1;

/// Where link observations are kept: one call records an observation and returns the
/// history before it, atomically (two callers recording at once each see the other's
/// observation or not, never half of it).
pub trait LinkStore {
    /// Record the observation of `keys` at `at` (Unix seconds, UTC) and return what the
    /// store held before it (see the module docs for the windows).
    ///
    /// # Errors
    /// A [`LinkError::Store`] when the store fails; nothing is recorded then.
    fn observe(&mut self, keys: &LinkKeys, at: i64) -> Result<LinkHistory, LinkError>;

    /// Erase every observation of one subject (a deletion request): its sessions, its links
    /// to phones, emails and addresses (as the identity), and what was seen with its SSN.
    /// Derive `subject` from the identity being erased. Returns the rows removed.
    ///
    /// # Errors
    /// A [`LinkError::Store`] when the store fails.
    fn erase(&mut self, subject: &LinkKeys) -> Result<u64, LinkError>;

    /// Drop what was last seen at or before `now` less the retention horizon. Stores also do
    /// this by themselves, at most once a day of observation time. Returns the rows removed.
    ///
    /// # Errors
    /// A [`LinkError::Store`] when the store fails.
    fn purge(&mut self, now: i64) -> Result<u64, LinkError>;
}

/// How long a store keeps what it saw: observations older than the horizon are dropped and
/// never counted (`all_time` means "within the horizon").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// The horizon in days (at least 1).
    pub days: u32,
}

impl Default for Retention {
    /// 400 days: `365d` stays whole, with a month to spare.
    fn default() -> Self {
        Retention { days: 400 }
    }
}

impl Retention {
    /// The horizon in seconds.
    pub(crate) fn seconds(self) -> i64 {
        i64::from(self.days.max(1)) * 86_400
    }
}

/// The kinds of pair a store keeps: a key, and another value seen with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PairKind {
    SsnName = 1,
    SsnDob = 2,
    PhoneIdentity = 3,
    EmailIdentity = 4,
    AddressIdentity = 5,
}

impl PairKind {
    pub(crate) const ALL: [PairKind; 5] = [
        PairKind::SsnName,
        PairKind::SsnDob,
        PairKind::PhoneIdentity,
        PairKind::EmailIdentity,
        PairKind::AddressIdentity,
    ];

    pub(crate) fn signal(self) -> LinkSignal {
        match self {
            PairKind::SsnName => LinkSignal::SsnOtherNames,
            PairKind::SsnDob => LinkSignal::SsnOtherDobs,
            PairKind::PhoneIdentity => LinkSignal::PhoneOtherIdentities,
            PairKind::EmailIdentity => LinkSignal::EmailOtherIdentities,
            PairKind::AddressIdentity => LinkSignal::AddressIdentities,
        }
    }

    /// The key and the other value of this kind in `keys`, when both are there.
    pub(crate) fn of(self, keys: &LinkKeys) -> Option<(LinkKey, LinkKey)> {
        let (key, other) = match self {
            PairKind::SsnName => (keys.ssn, keys.name),
            PairKind::SsnDob => (keys.ssn, keys.dob),
            PairKind::PhoneIdentity => (keys.phone, keys.identity()),
            PairKind::EmailIdentity => (keys.email, keys.identity()),
            PairKind::AddressIdentity => (keys.address, keys.identity()),
        };
        Some((key?, other?))
    }

    /// The kind with this number (as stored).
    #[allow(dead_code)]
    pub(crate) fn from_i64(n: i64) -> Option<PairKind> {
        PairKind::ALL.into_iter().find(|k| *k as i64 == n)
    }
}

/// The lower bounds (exclusive) of the windows `1d`, `30d`, `365d`, `all_time` for an
/// observation at `at`: a time `s` is in a window when `s > bound`. No window reaches past
/// the retention horizon (with a horizon shorter than a year, `365d` is `all_time`), so the
/// counts stay nested whether or not the store has purged yet.
pub(crate) fn bounds(at: i64, retention: Retention) -> [i64; 4] {
    let horizon = retention.seconds();
    LINK_WINDOWS.map(|w| at.saturating_sub(window_seconds(w).map_or(horizon, |s| s.min(horizon))))
}

/// Counts of times in each window: `times` are the latest times of the distinct others (or
/// the times of earlier sessions).
pub(crate) fn count_in(times: impl Iterator<Item = i64>, b: [i64; 4]) -> LinkCounts {
    let mut c = [0u32; 4];
    for s in times {
        for (n, bound) in c.iter_mut().zip(b) {
            *n += u32::from(s > bound);
        }
    }
    LinkCounts::from_array(c)
}

/// Whole days from `first` to `at` (0 when `first` is later), at most the horizon.
pub(crate) fn days_since(first: i64, at: i64, retention: Retention) -> u32 {
    let d = at.saturating_sub(first).max(0) / 86_400;
    u32::try_from(d)
        .unwrap_or(u32::MAX)
        .min(retention.days.max(1))
}

/// Clamp a count from a store to [`MAX_COUNT`].
#[allow(dead_code)]
pub(crate) fn clamp(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX).min(MAX_COUNT)
}
