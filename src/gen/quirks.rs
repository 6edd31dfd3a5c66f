//! Rare quirks of a line: the adversarial spellings each check must catch, and the benign
//! variety it must let through.
//!
//! At most one quirk per line, drawn from the line's own quirk stream (so the rest of the
//! line's draws do not move when the shares change). Adversarial quirks (PO Box spellings,
//! private mailboxes, General Delivery, a military box line in a civilian city, look-alike,
//! compatibility and invisible characters in names, Canadian, Caribbean, toll-free and
//! premium numbers, published and placeholder SSNs, ages over 110, a missing street line, a
//! tampered request id, ...) are [`P_ADVERSARIAL_FRAUD`] among fraud and
//! [`ADVERSARIAL_SHARE`] overall; benign variety (names written in other scripts, US
//! territories with their ZIPs and area codes, military post offices, apartment and unit
//! formats, streets named after boxes) is drawn for legit lines only, [`P_BENIGN_LEGIT`].
//! Templates write `#` as a random digit.

use chrono::{Datelike, Days, NaiveDate};

use super::sample::{legit_share, Person};
use super::write::Small;
use crate::rng::Rng;

/// An adversarial quirk, among fraud.
pub(super) const P_ADVERSARIAL_FRAUD: f64 = 0.25;
/// An adversarial quirk, overall.
pub(super) const ADVERSARIAL_SHARE: f64 = 0.02;
/// A benign quirk, among legit lines without an adversarial one.
pub(super) const P_BENIGN_LEGIT: f64 = 0.04;

/// What a line's quirk changes; `None` fields are written as usual.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Quirk {
    /// First and last name instead of the person's.
    pub(super) first: Option<&'static str>,
    pub(super) last: Option<&'static str>,
    /// Street and street2 templates instead of the person's.
    pub(super) street: Option<&'static str>,
    pub(super) street2: Option<&'static str>,
    /// City, region and ZIP template instead of the person's.
    pub(super) place: Option<(&'static str, &'static str, &'static str)>,
    /// A phone number template instead of the person's.
    pub(super) phone: Option<&'static str>,
    /// An SSN instead of the person's (its last four follow it).
    pub(super) ssn: Option<&'static str>,
    /// `ssn_last_4` not four digits.
    pub(super) last4_malformed: bool,
    /// An age instead of the person's (ages over 110).
    pub(super) age: Option<u64>,
    /// A date of birth after the evaluation date (one to ten years after it, so that it is
    /// still in the future when the export is scored later).
    pub(super) dob_future: bool,
    /// An email instead of the person's.
    pub(super) email: Option<&'static str>,
    /// No `request_id` key / a request id with a character Plaid's have not.
    pub(super) request_id_missing: bool,
    pub(super) request_id_malformed: bool,
    /// The address counts lack their `edits_30d` window.
    pub(super) window_missing: bool,
    /// Whether the quirk is adversarial (else benign variety).
    pub(super) adversarial: bool,
    /// Whether the line has a quirk at all.
    pub(super) any: bool,
}

/// PO Box spellings: glued, zero for O, slashes and hyphens, look-alike and fullwidth letters.
const PO_BOXES: &[&str] = &[
    "PO Box ####",
    "P.O. Box ###",
    "POBox###",
    "PO Box###",
    "P0 Box ##",
    "P.0. B0X ###",
    "P/O Box ####",
    "P-O Box ##",
    "Post Office Box ###",
    "POB ##",
    "Box ###",
    "Post 0ffice Box ##",
    "PO Drawer ##",
    "Caller Service ###",
    "Lockbox ###",
    "\u{0420}\u{041E} \u{0412}\u{043E}\u{0445} ###",
    "\u{FF30}\u{FF2F} \u{FF22}\u{FF4F}\u{FF58} ##",
];
const PMBS: &[&str] = &[
    "PMB ###",
    "PMB###",
    "P.M.B. ##",
    "Private Mailbox ##",
    "pmb #####",
];
const GENERAL_DELIVERY: &[&str] = &["General Delivery", "GENERAL DELIVERY", "Gen. Del."];
const MILITARY_BOXES: &[&str] = &["PSC #### Box ####", "Unit #### Box ####", "CMR ### Box ###"];
/// Military post offices: city, region, ZIP template (the ZIP's sectional centre is the
/// region's).
const MILITARY_POST_OFFICES: &[(&str, &str, &str)] = &[
    ("APO", "AE", "090##"),
    ("FPO", "AP", "962##"),
    ("DPO", "AA", "340##"),
];
const STREETS: &[&str] = &["### Main St", "#### Oak Ave", "## Elm Rd"];
const MIXED_SCRIPT: &[&str] = &[
    "Sm\u{0456}th",
    "J\u{043E}hnson",
    "W\u{0456}lliams",
    "Br\u{043E}wn",
    "\u{039A}nope",
    "J\u{0585}nes",
    "\u{13AA}dams",
];
const WHOLE_SCRIPT: &[&str] = &[
    "\u{0405}\u{043C}\u{0456}\u{0442}\u{043D}",
    "\u{0405}\u{041C}\u{0406}\u{0422}\u{041D}",
    "\u{039A}\u{0391}\u{03A4}\u{0395}",
];
const COMPATIBILITY: &[&str] = &[
    "\u{FF33}\u{FF4D}\u{FF49}\u{FF54}\u{FF48}",
    "\u{1D412}\u{1D426}\u{1D422}\u{1D42D}\u{1D421}",
    "\u{1D541}\u{1D560}\u{1D55F}\u{1D556}\u{1D564}",
];
const INVISIBLE: &[&str] = &[
    "Jo\u{200D}hn",
    "Mar\u{200B}y",
    "\u{202E}Leslie",
    "Ann\u{2060}a",
];
const NON_US_PHONES: &[&str] = &["+16132345678", "+16045552345", "+18762345678"];
const SERVICE_PHONES: &[&str] = &["+18005551234", "+18885552345", "+19005552345"];
const FOREIGN_PHONES: &[&str] = &["+442079460958"];
const PUBLISHED_SSNS: &[&str] = &["078051120", "219099999", "457555462"];
const PLACEHOLDER_SSNS: &[&str] = &["123456789", "234567890", "111111111", "876543210"];
const MALFORMED_SSNS: &[&str] = &["123-45-6789", "12345678", "52478196A"];
const MALFORMED_EMAILS: &[&str] = &["leslie.knope.example.com", "leslie@knope", "@example.com"];

/// Names written in one script: first, last.
const WORLD_NAMES: &[(&str, &str)] = &[
    ("Иван", "Петров"),
    ("Σοφία", "Παπαδοπούλου"),
    ("Văn An", "Nguyễn"),
    ("太郎", "山田"),
    ("민준", "김"),
    ("محمد", "الأحمد"),
    ("דוד", "כהן"),
    ("प्रिया", "शर्मा"),
    ("Աննա", "Գրիգորյան"),
    ("ნინო", "ბერიძე"),
    ("さくら", "たなか"),
    ("สมชาย", "ศรีสุข"),
    ("Şükrü", "Yılmaz"),
    ("Seán", "Ó Briain"),
    ("Siobhán", "O\u{2019}Sullivan"),
    ("María", "García Márquez"),
];
/// US territories: city, region, ZIP template, and a phone template of their area code.
const TERRITORIES: &[(&str, &str, &str, &str)] = &[
    ("San Juan", "PR", "009##", "+1787234####"),
    ("Hagatna", "GU", "969##", "+1671234####"),
    ("Charlotte Amalie", "VI", "008##", "+1340775####"),
    ("Saipan", "MP", "9695#", "+1670234####"),
];
const UNITS: &[&str] = &[
    "Apt 4B",
    "Unit #12",
    "Ste 300",
    "# 5",
    "Bldg 2 Fl 3",
    "Apt. ##",
];
const BOXY_STREETS: &[&str] = &[
    "### Boxwood Rd",
    "### Post Office Rd",
    "## Pobox St",
    "#### Box Elder Dr",
    "### Box Canyon Rd",
];

/// The number of adversarial kinds [`draw`] picks from.
const ADVERSARIAL_KINDS: u64 = 27;
/// The number of benign kinds.
const BENIGN_KINDS: u64 = 5;

/// Draws the quirk of a line from its quirk stream.
pub(super) fn draw(rng: &mut Rng, fraud: bool) -> Quirk {
    let p = if fraud {
        P_ADVERSARIAL_FRAUD
    } else {
        legit_share(ADVERSARIAL_SHARE, P_ADVERSARIAL_FRAUD)
    };
    if rng.chance(p) {
        let kind = rng.below(ADVERSARIAL_KINDS);
        let mut q = adversarial(rng, kind);
        q.adversarial = true;
        q.any = true;
        q
    } else if !fraud && rng.chance(P_BENIGN_LEGIT) {
        let kind = rng.below(BENIGN_KINDS);
        Quirk {
            any: true,
            ..benign(rng, kind)
        }
    } else {
        Quirk::default()
    }
}

fn adversarial(rng: &mut Rng, kind: u64) -> Quirk {
    let q = Quirk::default();
    match kind {
        0..=2 => Quirk {
            street: Some(rng.pick(PO_BOXES)),
            street2: Some(""),
            ..q
        },
        3 => Quirk {
            street: Some(rng.pick(STREETS)),
            street2: Some(rng.pick(PO_BOXES)),
            ..q
        },
        4 => Quirk {
            street: Some(rng.pick(STREETS)),
            street2: Some(rng.pick(PMBS)),
            ..q
        },
        5 => Quirk {
            street: Some(rng.pick(GENERAL_DELIVERY)),
            street2: Some(""),
            ..q
        },
        6 => Quirk {
            street: Some(rng.pick(MILITARY_BOXES)),
            street2: Some(""),
            ..q
        },
        7 => Quirk {
            street: Some(""),
            street2: Some(""),
            ..q
        },
        8 => Quirk {
            place: Some(("Springfield", "XX", "#####")),
            ..q
        },
        9 | 10 => Quirk {
            last: Some(rng.pick(MIXED_SCRIPT)),
            ..q
        },
        11 => Quirk {
            last: Some(rng.pick(WHOLE_SCRIPT)),
            ..q
        },
        12 => Quirk {
            first: Some(rng.pick(COMPATIBILITY)),
            ..q
        },
        13 => Quirk {
            first: Some(rng.pick(INVISIBLE)),
            ..q
        },
        14 => Quirk {
            first: Some(""),
            ..q
        },
        15 => Quirk {
            phone: Some(rng.pick(NON_US_PHONES)),
            ..q
        },
        16 => Quirk {
            phone: Some(rng.pick(SERVICE_PHONES)),
            ..q
        },
        17 => Quirk {
            phone: Some(rng.pick(FOREIGN_PHONES)),
            ..q
        },
        18 => Quirk {
            ssn: Some(rng.pick(PUBLISHED_SSNS)),
            ..q
        },
        19 => Quirk {
            ssn: Some(rng.pick(PLACEHOLDER_SSNS)),
            ..q
        },
        20 => Quirk {
            ssn: Some(rng.pick(MALFORMED_SSNS)),
            ..q
        },
        21 => Quirk {
            last4_malformed: true,
            ..q
        },
        22 => Quirk {
            age: Some(if rng.chance(0.5) {
                rng.range(111, 119)
            } else {
                rng.range(121, 130)
            }),
            ..q
        },
        23 => Quirk {
            dob_future: true,
            ..q
        },
        24 => Quirk {
            email: Some(rng.pick(MALFORMED_EMAILS)),
            ..q
        },
        25 => {
            if rng.chance(0.5) {
                Quirk {
                    request_id_missing: true,
                    ..q
                }
            } else {
                Quirk {
                    request_id_malformed: true,
                    ..q
                }
            }
        }
        _ => Quirk {
            window_missing: true,
            ..q
        },
    }
}

fn benign(rng: &mut Rng, kind: u64) -> Quirk {
    let q = Quirk::default();
    match kind {
        0 => {
            let (first, last) = rng.pick(WORLD_NAMES);
            Quirk {
                first: Some(first),
                last: Some(last),
                ..q
            }
        }
        1 => {
            let (city, region, zip, phone) = rng.pick(TERRITORIES);
            Quirk {
                place: Some((city, region, zip)),
                phone: Some(phone),
                ..q
            }
        }
        2 => Quirk {
            street: Some(rng.pick(MILITARY_BOXES)),
            street2: Some(""),
            place: Some(rng.pick(MILITARY_POST_OFFICES)),
            ..q
        },
        3 => Quirk {
            street2: Some(rng.pick(UNITS)),
            ..q
        },
        _ => Quirk {
            street: Some(rng.pick(BOXY_STREETS)),
            ..q
        },
    }
}

/// Appends `template` with each `#` a random digit (the first of a run never 0, so numbers
/// read as numbers), JSON-escaped by the caller's rules (templates hold no quote).
pub(super) fn fill(buf: &mut Vec<u8>, rng: &mut Rng, template: &str) {
    let mut prev_hash = false;
    for c in template.bytes() {
        if c == b'#' {
            let d = if prev_hash {
                rng.below(10)
            } else {
                1 + rng.below(9)
            };
            buf.push(b'0' + d as u8);
            prev_hash = true;
        } else {
            buf.push(c);
            prev_hash = false;
        }
    }
}

/// The quirk's changes to the person: names, SSN, date of birth (the applicant of an
/// envelope is the same person, so it carries them too).
pub(super) fn apply_to_person(q: &Quirk, p: &mut Person, rng: &mut Rng, as_of: NaiveDate) {
    if let Some(first) = q.first {
        p.first = first;
    }
    if let Some(last) = q.last {
        p.last = last;
        p.last2 = None;
    }
    if let Some(ssn) = q.ssn {
        let mut s = Small::<9>::new();
        s.push_str(ssn);
        p.ssn = s;
    }
    let (_, m, d) = p.dob;
    if let Some(age) = q.age {
        p.dob = (as_of.year() - age as i32, m, d.min(28));
    }
    if q.dob_future {
        if let Some(f) = as_of.checked_add_days(Days::new(rng.range(400, 3650))) {
            p.dob = (f.year(), f.month(), f.day());
        }
    }
}
