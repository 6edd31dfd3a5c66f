//! Rings and benign sharing across lines (`GenConfig::rings`): the linkage the
//! synthetic-identity signals look for, planted beside what they must leave alone.
//!
//! Lines are grouped in spans of [`SPAN`] consecutive lines (a line is observed every
//! [`STEP_SECONDS`], so a span is under a day). Each span's plan is drawn from its own stream
//! `(seed, span)`, so a line still depends only on the config and its index: it recomputes
//! its span's plan (a few hundred draws) to learn its role.
//!
//! - **Rings** (labelled fraud): an SSN reused with other names and dates of birth (3 to 6
//!   lines), a phone shared across identities (6 to 10), an email shared across identities
//!   (6 to 10), an address farm (7 to 12), a burst of retries of one identity (4 to 6).
//! - **Benign sharing** (labelled legit): a household of 2 to 4 people at one address, half
//!   of them also sharing a family phone; and a user returning [`RETURN_LINES`] lines (45
//!   days) after an earlier session, with the same identity.
//!
//! Ring and household lines are written with a full, clean identity (every field present and
//! well formed) and edit counts drawn as for legit users, so that what catches them is the
//! linkage, not their edits.

use super::sample::{self, Person, Population};
use super::Rng;
use crate::rng::mix64;

/// Lines per span.
pub(super) const SPAN: u64 = 256;

/// Seconds between two lines' `observed_at`.
pub const STEP_SECONDS: i64 = 300;

/// A returning user's earlier session is this many lines before (45 days).
pub(super) const RETURN_LINES: u64 = 45 * 86_400 / STEP_SECONDS as u64;

/// What a ring shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RingKind {
    /// One SSN with other names and dates of birth.
    SsnReuse,
    /// One phone across identities.
    SharedPhone,
    /// One email across identities.
    SharedEmail,
    /// One address across identities.
    AddressFarm,
    /// One identity retried again and again.
    RetryBurst,
}

impl RingKind {
    const ALL: [RingKind; 5] = [
        RingKind::SsnReuse,
        RingKind::SharedPhone,
        RingKind::SharedEmail,
        RingKind::AddressFarm,
        RingKind::RetryBurst,
    ];

    fn size(self, rng: &mut Rng) -> u64 {
        match self {
            RingKind::SsnReuse => rng.range(3, 6),
            RingKind::SharedPhone | RingKind::SharedEmail => rng.range(6, 10),
            RingKind::AddressFarm => rng.range(7, 12),
            RingKind::RetryBurst => rng.range(4, 6),
        }
    }

    /// The role's name in the roles file.
    pub fn as_str(self) -> &'static str {
        match self {
            RingKind::SsnReuse => "ssn_reuse",
            RingKind::SharedPhone => "shared_phone",
            RingKind::SharedEmail => "shared_email",
            RingKind::AddressFarm => "address_farm",
            RingKind::RetryBurst => "retry_burst",
        }
    }
}

/// What a line is, as far as linkage goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkRole {
    /// An ordinary line.
    Plain,
    /// Member `member` (0 = the first occurrence) of ring `ring` of kind `kind`.
    Ring {
        /// What the ring shares.
        kind: RingKind,
        /// The ring, unique in the export.
        ring: u64,
        /// The member's rank in the ring, by line.
        member: u32,
    },
    /// Member `member` of household `group`; `phone`: the household shares a phone too.
    Household {
        /// The household, unique in the export.
        group: u64,
        /// The member's rank, by line.
        member: u32,
        /// Whether the household shares a family phone.
        phone: bool,
    },
    /// The same user as `RETURN_LINES` lines before.
    Returning,
}

impl LinkRole {
    /// `plain`, `ring_first`, `ring_reuse`, `household`, `returning`, with the ring kind.
    pub fn describe(self) -> String {
        match self {
            LinkRole::Plain => "plain".into(),
            LinkRole::Ring {
                kind, member: 0, ..
            } => format!("ring_first:{}", kind.as_str()),
            LinkRole::Ring { kind, .. } => format!("ring_reuse:{}", kind.as_str()),
            LinkRole::Household { phone: true, .. } => "household:family_phone".into(),
            LinkRole::Household { .. } => "household".into(),
            LinkRole::Returning => "returning".into(),
        }
    }
}

/// A group planted in a span: its lines (offsets in the span, ascending) and what it is.
struct Group {
    offsets: Vec<u64>,
    role: GroupRole,
}

#[derive(Clone, Copy)]
enum GroupRole {
    Ring(RingKind),
    Household { phone: bool },
}

fn span_stream(seed: u64, span: u64, salt: u64) -> Rng {
    Rng::new(mix64(seed ^ mix64(span ^ 0x4C49_4E4B)) ^ salt)
}

/// How many groups of average size `avg` a span gets for a share `rate` of its lines.
fn groups(rng: &mut Rng, rate: f64, avg: f64) -> u64 {
    let e = rate * SPAN as f64 / avg;
    let whole = e.floor();
    whole as u64 + u64::from(rng.chance(e - whole))
}

/// The plan of span `span`: rings at `rate` of the lines and benign groups at `rate`.
fn plan(seed: u64, span: u64, rate: f64) -> Vec<Group> {
    let mut rng = span_stream(seed, span, 0x504C_414E);
    let mut free: Vec<u64> = (0..SPAN).collect();
    let mut out = Vec::new();
    let take = |rng: &mut Rng, n: u64, free: &mut Vec<u64>| -> Vec<u64> {
        let mut picked = Vec::with_capacity(n as usize);
        for _ in 0..n {
            if free.is_empty() {
                break;
            }
            let i = rng.idx(free.len());
            picked.push(free.swap_remove(i));
        }
        picked.sort_unstable();
        picked
    };
    let rings = groups(&mut rng, rate, 7.0);
    for _ in 0..rings {
        let kind = RingKind::ALL[rng.idx(RingKind::ALL.len())];
        let n = kind.size(&mut rng);
        let offsets = take(&mut rng, n, &mut free);
        out.push(Group {
            offsets,
            role: GroupRole::Ring(kind),
        });
    }
    let households = groups(&mut rng, rate, 3.0);
    for _ in 0..households {
        let n = rng.range(2, 4);
        let phone = rng.chance(0.5);
        let offsets = take(&mut rng, n, &mut free);
        out.push(Group {
            offsets,
            role: GroupRole::Household { phone },
        });
    }
    out
}

/// The role of line `index`, and for a group member the group's index in its span.
pub(super) fn role(seed: u64, index: u64, rate: f64, returning: bool) -> LinkRole {
    let span = index / SPAN;
    let off = index % SPAN;
    for (g, group) in plan(seed, span, rate).iter().enumerate() {
        if let Some(m) = group.offsets.iter().position(|o| *o == off) {
            let id = span * 64 + g as u64;
            let member = u32::try_from(m).unwrap_or(u32::MAX);
            return match group.role {
                GroupRole::Ring(kind) => LinkRole::Ring {
                    kind,
                    ring: id,
                    member,
                },
                GroupRole::Household { phone } => LinkRole::Household {
                    group: id,
                    member,
                    phone,
                },
            };
        }
    }
    if returning && index >= RETURN_LINES {
        LinkRole::Returning
    } else {
        LinkRole::Plain
    }
}

/// The person a group shares from (its ring's or household's own stream).
pub(super) fn group_person(pop: &Population, seed: u64, group: u64) -> Person {
    let mut rng = span_stream(seed, group, 0x4752_4F55);
    let mut info = sample::LineInfo::default();
    let mut p = sample::person(pop, &mut rng, false, &mut info);
    clean(&mut p);
    p
}

/// Make a person's SSN one the SSA could issue, so that a ring is not caught by its SSN's
/// validity instead of its linkage (area 001 to 665, group and serial not zero).
pub(super) fn clean(p: &mut Person) {
    let s = p.ssn.as_bytes();
    let num = |r: std::ops::Range<usize>| -> u64 {
        s.get(r)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| d.parse().ok())
            .unwrap_or(0)
    };
    let (mut area, mut group, mut serial) = (num(0..3), num(3..5), num(5..9));
    if area == 0 || area >= 666 {
        area = 100 + area % 500;
    }
    if group == 0 {
        group = 11;
    }
    if serial == 0 {
        serial = 1234;
    }
    let mut ssn = super::write::Small::<9>::new();
    ssn.push_num(area, 3);
    ssn.push_num(group, 2);
    ssn.push_num(serial, 4);
    p.ssn = ssn;
}

/// Apply a ring's or household's sharing to a member's own person.
pub(super) fn share(role: LinkRole, own: &mut Person, shared: &Person) {
    clean(own);
    match role {
        LinkRole::Ring { kind, .. } => match kind {
            RingKind::SsnReuse => own.ssn = shared.ssn,
            RingKind::SharedPhone => {
                own.phone = shared.phone;
                own.us_phone = shared.us_phone;
            }
            RingKind::SharedEmail => {
                // The email is written from these.
                own.email_style = 2;
                own.email_num = shared.email_num;
                own.provider = shared.provider;
            }
            RingKind::AddressFarm => copy_address(own, shared),
            RingKind::RetryBurst => *own = *shared,
        },
        LinkRole::Household { phone, .. } => {
            own.last = shared.last;
            own.last2 = shared.last2;
            copy_address(own, shared);
            if phone {
                own.phone = shared.phone;
                own.us_phone = shared.us_phone;
            }
        }
        LinkRole::Plain | LinkRole::Returning => {}
    }
}

fn copy_address(own: &mut Person, shared: &Person) {
    own.street_no = shared.street_no;
    own.street = shared.street;
    own.suffix = shared.suffix;
    own.unit = shared.unit;
    own.city = shared.city;
    own.zip5 = shared.zip5;
    own.plus4 = shared.plus4;
}

/// A shared email is written from the ring person's name, whoever the member is.
pub(super) fn email_person(role: LinkRole, own: &Person, shared: &Person) -> Person {
    match role {
        LinkRole::Ring {
            kind: RingKind::SharedEmail,
            ..
        } => Person {
            first: shared.first,
            last: shared.last,
            ..*own
        },
        _ => *own,
    }
}
