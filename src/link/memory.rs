//! The in-memory store: batch replays and tests.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::history::{LinkCounts, LinkHistory};
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
#[derive(Debug, Default)]
enum List<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T> List<T> {
    fn as_slice(&self) -> &[T] {
        match self {
            List::Empty => &[],
            List::One(t) => std::slice::from_ref(t),
            List::Many(v) => v,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            List::Empty => &mut [],
            List::One(t) => std::slice::from_mut(t),
            List::Many(v) => v,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn is_empty(&self) -> bool {
        matches!(self, List::Empty)
    }

    /// Push `item`, dropping the entry with the smallest time first when full.
    fn push_capped(&mut self, item: T, time: impl Fn(&T) -> i64) {
        match std::mem::take(self) {
            List::Empty => *self = List::One(item),
            List::One(first) => *self = List::Many(vec![first, item]),
            List::Many(mut v) => {
                push_capped(&mut v, item, time);
                *self = List::Many(v);
            }
        }
    }

    /// Keep the entries `keep` says; returns how many went.
    fn retain(&mut self, keep: impl Fn(&T) -> bool) -> usize {
        let before = self.len();
        match self {
            List::Empty => {}
            List::One(t) => {
                if !keep(t) {
                    *self = List::Empty;
                }
            }
            List::Many(v) => {
                v.retain(|t| keep(t));
                if v.is_empty() {
                    *self = List::Empty;
                }
            }
        }
        before - self.len()
    }
}

/// The others seen with a key and when each was last seen.
type Others = List<(LinkKey, i64)>;

/// Count the others of `list` in the windows `b` and record `mine` at `at`.
fn observe_pair(list: &mut Others, mine: LinkKey, at: i64, b: [i64; 4]) -> LinkCounts {
    let others = list.as_slice().iter().filter(|(o, _)| *o != mine);
    let counts = count_in(others.map(|(_, s)| *s), b);
    match list.as_mut_slice().iter_mut().find(|(o, _)| *o == mine) {
        Some((_, s)) => *s = (*s).max(at),
        None => list.push_capped((mine, at), |e| e.1),
    }
    counts
}

/// Count an identity's earlier sessions in the windows `b` and record this one.
fn observe_session(times: &mut List<i64>, at: i64, b: [i64; 4]) -> LinkCounts {
    let counts = count_in(times.as_slice().iter().copied(), b);
    times.push_capped(at, |t| *t);
    counts
}

/// What the store holds under one SSN, in one map entry so that a session with an SSN costs
/// one lookup for all of it: the names and dates of birth seen with it, the sessions of the
/// identity it is (an SSN is the identity wherever there is one), and its first and last
/// sighting.
#[derive(Debug, Default)]
struct SsnNode {
    names: Others,
    dobs: Others,
    sessions: List<i64>,
    seen: Option<(i64, i64)>,
}

impl SsnNode {
    fn len(&self) -> usize {
        self.names.len() + self.dobs.len() + self.sessions.len() + usize::from(self.seen.is_some())
    }

    /// Drop what was last seen at or before `cutoff`; returns how many entries went.
    fn retain_after(&mut self, cutoff: i64) -> usize {
        let mut gone = self.names.retain(|(_, s)| *s > cutoff)
            + self.dobs.retain(|(_, s)| *s > cutoff)
            + self.sessions.retain(|t| *t > cutoff);
        if self.seen.is_some_and(|(_, last)| last <= cutoff) {
            self.seen = None;
            gone += 1;
        }
        gone
    }

    fn is_empty(&self) -> bool {
        self.names.is_empty()
            && self.dobs.is_empty()
            && self.sessions.is_empty()
            && self.seen.is_none()
    }
}

/// Link observations held in memory: for a batch replay (`layer-risk score --link memory`),
/// tests, or a single-process backend that accepts losing its history on restart.
///
/// Per key it keeps the latest time each other value was seen with it, the times of an
/// identity's sessions, and when each SSN was first seen; at most 1,024 entries per key.
/// Memory grows with the distinct keys within the retention horizon: about 630 bytes per
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
    /// Per SSN: everything kept under it.
    ssns: Map<SsnNode>,
    /// Per identity without an SSN (a name with a date of birth): the times of its sessions.
    identities: Map<List<i64>>,
    /// Per (kind, key) of a phone, email or address: the identities seen with it.
    pairs: Map<Others>,
    /// The observation time of the last automatic purge.
    last_purge: Option<i64>,
    /// No entry held is older than this (a lower bound; `None` when nothing is held): a
    /// purge that could drop nothing is skipped.
    oldest: Option<i64>,
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
        self.ssns.values().map(SsnNode::len).sum::<usize>()
            + self.identities.values().map(List::len).sum::<usize>()
            + self.pairs.values().map(List::len).sum::<usize>()
    }

    /// Record and count without failing (the memory store cannot fail).
    pub fn observe_now(&mut self, keys: &LinkKeys, at: i64) -> LinkHistory {
        self.observations += 1;
        // A purge walks every entry: at most once per 30 days of observation time, and only
        // when something held may be past the horizon (memory then holds at most the horizon
        // and a month; what is past the horizon is never counted either way).
        if self
            .last_purge
            .is_none_or(|p| at >= p.saturating_add(PURGE_EVERY))
        {
            let cutoff = at.saturating_sub(self.retention.seconds());
            if self.oldest.is_some_and(|o| o <= cutoff) {
                self.purge_before(cutoff);
            }
            self.last_purge = Some(at);
        }
        self.oldest = Some(self.oldest.map_or(at, |o| o.min(at)));
        let b = bounds(at, self.retention);
        let id = keys.key_id;
        let mut h = LinkHistory::default();
        if let Some(ssn) = keys.ssn {
            let node = self
                .ssns
                .entry(Slot {
                    kind: 0,
                    id,
                    key: ssn,
                })
                .or_default();
            if let Some(name) = keys.name {
                h.ssn_other_names = observe_pair(&mut node.names, name, at, b);
            }
            if let Some(dob) = keys.dob {
                h.ssn_other_dobs = observe_pair(&mut node.dobs, dob, at, b);
            }
            h.identity_sessions = observe_session(&mut node.sessions, at, b);
            node.seen = match node.seen {
                // Seen within the horizon: since when.
                Some((first, last)) if last > b[3] => {
                    h.ssn_first_seen_days = Some(days_since(first, at, self.retention));
                    Some((first.min(at), last.max(at)))
                }
                // Never seen, or longer ago than the horizon (not yet purged): as never seen.
                _ => Some((at, at)),
            };
        } else if let Some(identity) = keys.name_dob {
            let times = self
                .identities
                .entry(Slot {
                    kind: 0,
                    id,
                    key: identity,
                })
                .or_default();
            h.identity_sessions = observe_session(times, at, b);
        }
        if let Some(identity) = keys.identity() {
            for kind in [
                PairKind::PhoneIdentity,
                PairKind::EmailIdentity,
                PairKind::AddressIdentity,
            ] {
                let Some((key, _)) = kind.of(keys) else {
                    continue;
                };
                let slot = Slot {
                    kind: kind as u8,
                    id,
                    key,
                };
                let list = self.pairs.entry(slot).or_default();
                if let Some(c) = h.counts_mut(kind.signal()) {
                    *c = observe_pair(list, identity, at, b);
                }
            }
        }
        h
    }

    /// Drop every entry last seen at or before `cutoff`.
    fn purge_before(&mut self, cutoff: i64) -> u64 {
        let mut removed = 0usize;
        let mut oldest = i64::MAX;
        self.ssns.retain(|_, node| {
            removed += node.retain_after(cutoff);
            for t in node
                .names
                .as_slice()
                .iter()
                .chain(node.dobs.as_slice())
                .map(|e| e.1)
            {
                oldest = oldest.min(t);
            }
            for t in node
                .sessions
                .as_slice()
                .iter()
                .copied()
                .chain(node.seen.map(|s| s.1))
            {
                oldest = oldest.min(t);
            }
            !node.is_empty()
        });
        self.identities.retain(|_, times| {
            removed += times.retain(|t| *t > cutoff);
            for t in times.as_slice() {
                oldest = oldest.min(*t);
            }
            !times.is_empty()
        });
        self.pairs.retain(|_, list| {
            removed += list.retain(|(_, s)| *s > cutoff);
            for (_, t) in list.as_slice() {
                oldest = oldest.min(*t);
            }
            !list.is_empty()
        });
        self.oldest = (oldest < i64::MAX).then_some(oldest);
        removed as u64
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
        let mut removed = 0usize;
        if let Some(identity) = subject.identity() {
            let slot = Slot {
                kind: 0,
                id,
                key: identity,
            };
            if subject.ssn.is_none() {
                removed += self.identities.remove(&slot).map_or(0, |t| t.len());
            }
            self.pairs.retain(|slot, list| {
                if slot.id != id {
                    return true;
                }
                removed += list.retain(|(o, _)| *o != identity);
                !list.is_empty()
            });
        }
        if let Some(ssn) = subject.ssn {
            // Its names, dates of birth and first sighting, and (as the identity) its sessions.
            let slot = Slot {
                kind: 0,
                id,
                key: ssn,
            };
            removed += self.ssns.remove(&slot).map_or(0, |n| n.len());
        }
        Ok(removed as u64)
    }

    fn purge(&mut self, now: i64) -> Result<u64, LinkError> {
        Ok(self.purge_before(now.saturating_sub(self.retention.seconds())))
    }
}
