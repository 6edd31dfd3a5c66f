//! The in-memory store: batch replays and tests.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::history::LinkHistory;
use super::keys::{KeyId, LinkKey, LinkKeys};
use super::store::{bounds, count_in, days_since, LinkStore, PairKind, Retention};
use super::LinkError;

/// The most entries kept per key (others seen with it, or sessions of one identity): the
/// oldest goes when a new one comes. Counts stay exact below [`super::MAX_COUNT`] (1,000),
/// since the kept entries are always the most recent ones.
const MAX_PER_KEY: usize = 1024;

/// Seconds of observation time between two automatic purges.
const PURGE_EVERY: i64 = 30 * 86_400;

/// A map key: what kind, under which secret, which key.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Slot {
    kind: u8,
    id: KeyId,
    key: LinkKey,
}

impl Hash for Slot {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // The key is HMAC output under a secret an attacker does not hold: its first bytes
        // are already uniform, so the hash is those bytes (no flooding is possible).
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.key.0[..8]);
        h.write_u64(
            u64::from_le_bytes(b)
                ^ u64::from(self.kind)
                ^ u64::from(u32::from_le_bytes(self.id.0)) << 8,
        );
    }
}

/// Takes the one `u64` a [`Slot`] writes.
#[derive(Default)]
struct Passthrough(u64);

impl Hasher for Passthrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).rotate_left(5);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Map<V> = HashMap<Slot, V, BuildHasherDefault<Passthrough>>;

/// A list that holds its first entry inline: most keys are seen with one other value (or
/// once), and a heap allocation per key would be most of the store's memory and time.
#[derive(Debug)]
enum List<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> List<T> {
    fn as_slice(&self) -> &[T] {
        match self {
            List::One(t) => std::slice::from_ref(t),
            List::Many(v) => v,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            List::One(t) => std::slice::from_mut(t),
            List::Many(v) => v,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Push `item`, dropping the entry with the smallest time first when full.
    fn push_capped(&mut self, item: T, time: impl Fn(&T) -> i64) {
        match self {
            List::Many(v) => push_capped(v, item, time),
            List::One(_) => {
                let List::One(first) = std::mem::replace(self, List::Many(Vec::new())) else {
                    return;
                };
                *self = List::Many(vec![first, item]);
            }
        }
    }

    /// Keep the entries `keep` says; `false` when none is left.
    fn retain(&mut self, keep: impl Fn(&T) -> bool) -> bool {
        match self {
            List::One(t) => keep(t),
            List::Many(v) => {
                v.retain(|t| keep(t));
                !v.is_empty()
            }
        }
    }
}

/// Link observations held in memory: for a batch replay (`layer-risk score --link memory`),
/// tests, or a single-process backend that accepts losing its history on restart.
///
/// Per key it keeps the latest time each other value was seen with it, the times of an
/// identity's sessions, and when each SSN was first seen; at most 1,024 entries per key.
/// Memory grows with the distinct keys within the retention horizon: about 600 bytes per
/// observation whose keys are all new, nothing more for a key seen again (see the README).
///
/// # Example
/// ```
/// use layer_risk::link::{LinkSecret, LinkStore, MemoryStore};
/// let secret = LinkSecret::from_bytes(vec![42; 32])?;
/// let mut store = MemoryStore::default();
/// let keys = secret.keys_of(br#"{"identity": {"ssn": "524781963", "name": {"first_name": "A", "last_name": "B"}}}"#)?;
/// assert_eq!(store.observe(&keys, 0)?.identity_sessions.day, 0);
/// assert_eq!(store.observe(&keys, 60)?.identity_sessions.day, 1);
/// assert_eq!(store.erase(&keys)?, 4); // two sessions, one name, one first-seen
/// assert_eq!(store.observe(&keys, 120)?.identity_sessions.all_time, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    retention: Retention,
    /// Per (kind, key): the other values seen with it and when each was last seen.
    pairs: Map<List<(LinkKey, i64)>>,
    /// Per identity: the times of its sessions.
    sessions: Map<List<i64>>,
    /// Per SSN: first and last seen.
    first_seen: Map<(i64, i64)>,
    /// The observation time of the last automatic purge.
    last_purge: Option<i64>,
    observations: u64,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Slot({}, {:?})", self.kind, self.key)
    }
}

impl MemoryStore {
    /// An empty store with `retention`.
    pub fn new(retention: Retention) -> Self {
        MemoryStore {
            retention,
            ..MemoryStore::default()
        }
    }

    /// Observations recorded.
    pub fn observations(&self) -> u64 {
        self.observations
    }

    /// Entries held (pairs, sessions, first-seen SSNs): what memory grows with.
    pub fn entries(&self) -> usize {
        self.pairs.values().map(List::len).sum::<usize>()
            + self.sessions.values().map(List::len).sum::<usize>()
            + self.first_seen.len()
    }

    /// Record and count without failing (the memory store cannot fail).
    pub fn observe_now(&mut self, keys: &LinkKeys, at: i64) -> LinkHistory {
        self.observations += 1;
        // A purge walks every entry: at most once per 30 days of observation time (memory
        // then holds at most the horizon and a month; what is past the horizon is never
        // counted either way).
        if self
            .last_purge
            .is_none_or(|p| at >= p.saturating_add(PURGE_EVERY))
        {
            self.purge_before(at.saturating_sub(self.retention.seconds()));
            self.last_purge = Some(at);
        }
        let b = bounds(at, self.retention);
        let id = keys.key_id;
        let mut h = LinkHistory::default();
        for kind in PairKind::ALL {
            let Some((key, mine)) = kind.of(keys) else {
                continue;
            };
            let slot = Slot {
                kind: kind as u8,
                id,
                key,
            };
            match self.pairs.entry(slot) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(List::One((mine, at)));
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let list = e.get_mut();
                    let others = list.as_slice().iter().filter(|(o, _)| *o != mine);
                    if let Some(c) = h.counts_mut(kind.signal()) {
                        *c = count_in(others.map(|(_, s)| *s), b);
                    }
                    match list.as_mut_slice().iter_mut().find(|(o, _)| *o == mine) {
                        Some((_, s)) => *s = (*s).max(at),
                        None => list.push_capped((mine, at), |e| e.1),
                    }
                }
            }
        }
        if let Some(identity) = keys.identity() {
            let slot = Slot {
                kind: 0,
                id,
                key: identity,
            };
            match self.sessions.entry(slot) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(List::One(at));
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let times = e.get_mut();
                    h.identity_sessions = count_in(times.as_slice().iter().copied(), b);
                    times.push_capped(at, |t| *t);
                }
            }
        }
        if let Some(ssn) = keys.ssn {
            let slot = Slot {
                kind: 0,
                id,
                key: ssn,
            };
            match self.first_seen.get_mut(&slot) {
                // Seen within the horizon: since when.
                Some(seen) if seen.1 > b[3] => {
                    h.ssn_first_seen_days = Some(days_since(seen.0, at, self.retention));
                    *seen = (seen.0.min(at), seen.1.max(at));
                }
                // Seen, but longer ago than the horizon (not yet purged): as never seen.
                Some(seen) => *seen = (at, at),
                None => {
                    self.first_seen.insert(slot, (at, at));
                }
            }
        }
        h
    }

    /// Drop every entry last seen at or before `cutoff`.
    fn purge_before(&mut self, cutoff: i64) -> u64 {
        let mut removed = 0u64;
        self.pairs.retain(|_, list| {
            let n = list.len();
            let left = list.retain(|(_, s)| *s > cutoff);
            removed += (n - if left { list.len() } else { 0 }) as u64;
            left
        });
        self.sessions.retain(|_, times| {
            let n = times.len();
            let left = times.retain(|t| *t > cutoff);
            removed += (n - if left { times.len() } else { 0 }) as u64;
            left
        });
        let n = self.first_seen.len();
        self.first_seen.retain(|_, (_, last)| *last > cutoff);
        removed + (n - self.first_seen.len()) as u64
    }
}

/// Push `item`, dropping the entry with the smallest time first when the list is full.
fn push_capped<T>(list: &mut Vec<T>, item: T, time: impl Fn(&T) -> i64) {
    if list.len() >= MAX_PER_KEY {
        if let Some(oldest) = (0..list.len()).min_by_key(|i| time(&list[*i])) {
            list.swap_remove(oldest);
        }
    }
    list.push(item);
}

impl LinkStore for MemoryStore {
    fn observe(&mut self, keys: &LinkKeys, at: i64) -> Result<LinkHistory, LinkError> {
        Ok(self.observe_now(keys, at))
    }

    fn erase(&mut self, subject: &LinkKeys) -> Result<u64, LinkError> {
        let id = subject.key_id;
        let mut removed = 0u64;
        if let Some(identity) = subject.identity() {
            let slot = Slot {
                kind: 0,
                id,
                key: identity,
            };
            removed += self.sessions.remove(&slot).map_or(0, |t| t.len() as u64);
            let mut n = 0u64;
            self.pairs.retain(|slot, list| {
                let is_identity_pair = slot.kind >= PairKind::PhoneIdentity as u8;
                if slot.id != id || !is_identity_pair {
                    return true;
                }
                let before = list.len();
                let left = list.retain(|(o, _)| *o != identity);
                n += (before - if left { list.len() } else { 0 }) as u64;
                left
            });
            removed += n;
        }
        if let Some(ssn) = subject.ssn {
            for kind in [PairKind::SsnName, PairKind::SsnDob] {
                let slot = Slot {
                    kind: kind as u8,
                    id,
                    key: ssn,
                };
                removed += self.pairs.remove(&slot).map_or(0, |l| l.len() as u64);
            }
            let slot = Slot {
                kind: 0,
                id,
                key: ssn,
            };
            removed += u64::from(self.first_seen.remove(&slot).is_some());
        }
        Ok(removed)
    }

    fn purge(&mut self, now: i64) -> Result<u64, LinkError> {
        Ok(self.purge_before(now.saturating_sub(self.retention.seconds())))
    }
}
