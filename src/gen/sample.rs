//! The population: who the people behind sessions are, how they edit their identity, and how
//! often each quirk shows up in what Layer returns.
//!
//! Every share of the generated data is a named constant below. Two kinds:
//! * `P_*`: a probability, drawn with one [`Rng::chance`];
//! * `*_BELOW`: cumulative bounds for one draw `r = rng.unit()` that picks one of several
//!   outcomes: the first outcome whose bound exceeds `r` wins (so an outcome's share is its bound
//!   minus the previous one).
//!
//! Fraud-correlated features come in pairs: the probability among fraud (`*_FRAUD`) and the
//! overall share (`*_SHARE`); the legit probability is derived by [`legit_share`] so that the
//! overall share holds at [`FRAUD_RATE`].
//!
//! The draws happen in a fixed order (the order of the code), which the output of a seed depends
//! on: reordering draws changes every export.

use chrono::{Datelike, Days, NaiveDate};

use super::corrupt::Defect;
use super::data::{CITIES, FIRST_NAMES, LAST_NAMES, PROVIDERS, STREETS, SUFFIXES};
use super::phones::PhoneTables;
use super::write::Small;
use crate::rng::Rng;

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

/// Base rate of fraud among non-corrupt lines.
pub(super) const FRAUD_RATE: f64 = 0.02;

// ---------------------------------------------------------------------------------------------
// The latent person
// ---------------------------------------------------------------------------------------------

/// A hyphenated second last name (`Garcia-Lopez`).
const P_DOUBLE_LAST_NAME: f64 = 0.03;
/// A middle name.
const P_MIDDLE_NAME: f64 = 0.3;
/// An apartment or unit number.
const P_UNIT: f64 = 0.3;
/// Given a unit, a letter after its number (`12B`).
const P_UNIT_LETTER: f64 = 0.3;
/// Given a unit, its number is a multiple of ten (`120` rather than `12`).
const P_UNIT_TENS: f64 = 0.3;
/// A street number below 1000 (else 1000..=19999).
const P_SHORT_STREET_NUMBER: f64 = 0.5;
/// Among fraud, a non-US phone is this many times as likely as the configured overall share
/// ([`super::GenConfig::non_us_share`]) ...
const NON_US_FRAUD_FACTOR: f64 = 3.0;
/// ... but at most this probability (and never below the overall share).
const NON_US_FRAUD_CAP: f64 = 0.9;
/// Given a non-US phone, it is from one of the common regions (`data::COMMON_FOREIGN`) rather
/// than any region.
const P_COMMON_FOREIGN: f64 = 0.5;
/// Given a US phone, its area code is the one of the person's city (else any US area code).
const P_CITY_AREA_CODE: f64 = 0.8;
/// A minor (13..=17), among fraud.
const P_MINOR_FRAUD: f64 = 0.12;
/// A minor, overall (0.8 %: a sign-up flow that asks for an adult's identity sees few).
const MINOR_SHARE: f64 = 0.008;
/// An impossible SSN (area 000, 666 or 9xx, group 00 or serial 0000), among fraud.
const P_IMPOSSIBLE_SSN_FRAUD: f64 = 0.06;
/// An impossible SSN, overall.
const IMPOSSIBLE_SSN_SHARE: f64 = 0.005;

/// Adult ages 18..=90 with a rough US adult age pyramid: `(from, to, share)`.
const AGE_BANDS: [(u64, u64, f64); 7] = [
    (18, 24, 0.14),
    (25, 34, 0.24),
    (35, 44, 0.21),
    (45, 54, 0.16),
    (55, 64, 0.13),
    (65, 74, 0.08),
    (75, 90, 0.04),
];

// ---------------------------------------------------------------------------------------------
// The Layer response
// ---------------------------------------------------------------------------------------------

/// `"identity": null`, among fraud.
pub(super) const P_NULL_IDENTITY_FRAUD: f64 = 0.05;
/// `"identity": null`, overall.
pub(super) const NULL_IDENTITY_SHARE: f64 = 0.005;
/// `"identity_edit_history": null` (3 %).
pub(super) const HISTORY_NULL_BELOW: f64 = 0.03;
/// No `identity_edit_history` key (2 %).
pub(super) const HISTORY_ABSENT_BELOW: f64 = 0.05;
/// `"official_document": null` in an edit history.
pub(super) const P_OFFICIAL_DOCUMENT_NULL: f64 = 0.03;
/// No linked Item (5 %).
pub(super) const ITEMS_NONE_BELOW: f64 = 0.05;
/// One linked Item (87 %).
pub(super) const ITEMS_ONE_BELOW: f64 = 0.92;
/// Two linked Items (6.5 %; else three, 1.5 %).
pub(super) const ITEMS_TWO_BELOW: f64 = 0.985;
/// `idv_session_status` among fraud: cumulative bounds; absent above the last (84 %).
pub(super) const IDV_STATUS_FRAUD_BELOW: [(f64, &str); 4] = [
    (0.02, "success"),
    (0.10, "failed"),
    (0.14, "pending_review"),
    (0.16, "canceled"),
];
/// `idv_session_status` among legit: cumulative bounds; absent above the last (93.85 %).
/// `completed` stands for a status a later API version adds (0.05 %).
pub(super) const IDV_STATUS_LEGIT_BELOW: [(f64, &str); 7] = [
    (0.04, "success"),
    (0.047, "failed"),
    (0.054, "pending_review"),
    (0.057, "active"),
    (0.059, "expired"),
    (0.061, "canceled"),
    (0.0615, "completed"),
];
/// A `link_session_id` (25 %).
pub(super) const LINK_SESSION_ID_BELOW: f64 = 0.25;
/// `"link_session_id": null` (2 %; else absent).
pub(super) const LINK_SESSION_NULL_BELOW: f64 = 0.27;

// ---------------------------------------------------------------------------------------------
// The identity in the response
// ---------------------------------------------------------------------------------------------

/// `"name": null`.
pub(super) const P_NAME_NULL: f64 = 0.003;
/// A user-edited first name with a nickname in quotes (`Robert "Bob"`).
pub(super) const P_QUOTED_NICKNAME: f64 = 0.002;
/// `"address": null`.
pub(super) const P_ADDRESS_NULL: f64 = 0.005;
/// Street suffix abbreviated (`St` for `Street`).
pub(super) const P_STREET_ABBREVIATED: f64 = 0.3;
/// Given an abbreviation, followed by a dot (`St.`).
pub(super) const P_ABBREVIATION_DOT: f64 = 0.3;
/// Given a unit, written in `street` (`, APT 12`) rather than `street2`.
pub(super) const P_UNIT_IN_STREET: f64 = 0.5;
/// Without a unit in `street2`, `"street2": null` (else `""`).
pub(super) const P_STREET2_NULL: f64 = 0.1;
/// Region as the full state name, as in Plaid's docs sample (3 %).
pub(super) const REGION_FULL_NAME_BELOW: f64 = 0.03;
/// Region code in lower case (0.5 %; else the upper-case code).
pub(super) const REGION_LOWERCASE_BELOW: f64 = 0.035;
/// A malformed postal code (1 %).
pub(super) const POSTAL_MALFORMED_BELOW: f64 = 0.01;
/// ZIP+4 (8 %; else 5 digits).
pub(super) const POSTAL_PLUS4_BELOW: f64 = 0.09;
/// A country other than `"US"` (`"USA"`, `"us"`, `"CA"`, ...; 0.6 %: Layer serves US users).
pub(super) const P_OTHER_COUNTRY: f64 = 0.006;
/// `"email": null`: Layer documents e-mail as currently not returned (40 %).
pub(super) const EMAIL_NULL_BELOW: f64 = 0.40;
/// No `email` key (5 %; else an address).
pub(super) const EMAIL_MISSING_BELOW: f64 = 0.45;
/// No `phone_number` key (0.05 %): Layer's phone is the number the user verified to open
/// the session, not nullable in the spec, so a missing one is a defect.
pub(super) const PHONE_MISSING_BELOW: f64 = 0.0005;
/// `"phone_number": null` (0.1 %).
pub(super) const PHONE_NULL_BELOW: f64 = 0.0015;
/// A malformed phone number (1 %; else the person's E.164 number).
pub(super) const PHONE_MALFORMED_BELOW: f64 = 0.0115;
/// `"date_of_birth": null` (0.5 %): prefilled from Plaid's network, rarely absent.
pub(super) const DOB_NULL_BELOW: f64 = 0.005;
/// An impossible date (`1990-02-30`, 0.3 %).
pub(super) const DOB_IMPOSSIBLE_BELOW: f64 = 0.008;
/// A date not in ISO format (`10/18/1975`, 0.3 %; else ISO).
pub(super) const DOB_MISFORMATTED_BELOW: f64 = 0.011;
/// `"ssn": null` (1.5 %): a template that asks for the last four digits only, or a user who
/// gave none.
pub(super) const P_SSN_NULL: f64 = 0.015;
/// Given a null SSN, the last four digits are there all the same (a last-four template).
pub(super) const P_SSN_LAST4_ONLY: f64 = 0.6;
/// Given a null SSN and no last four, `"ssn_last_4": null` (else absent).
pub(super) const P_SSN_LAST4_NULL_TOO: f64 = 0.7;
/// Given an SSN, the last four spelled `ssn_last4` (as in Plaid's own samples).
pub(super) const P_SSN_LAST4_SPELLING: f64 = 0.02;
/// Given an SSN, last four digits that do not match it.
pub(super) const P_SSN_LAST4_MISMATCH: f64 = 0.003;

// ---------------------------------------------------------------------------------------------
// Edit history
// ---------------------------------------------------------------------------------------------

/// Heavy edit profile, among fraud.
const P_HEAVY_FRAUD: f64 = 0.50;
/// Light edit profile, among fraud (else no edits).
const P_LIGHT_FRAUD: f64 = 0.20;
/// Heavy edit profile, among legit.
const P_HEAVY_LEGIT: f64 = 0.05;
/// Light edit profile, among legit (else no edits).
const P_LIGHT_LEGIT: f64 = 0.17;
/// Given a heavy profile, the edits are recent, among fraud.
const P_HEAVY_RECENT_FRAUD: f64 = 0.85;
/// Given a heavy profile, the edits are recent, among legit.
const P_HEAVY_RECENT_LEGIT: f64 = 0.25;
/// Given a heavy profile, each field `[name, address, email, date_of_birth, ssn]` is edited,
/// among fraud (SSN if none).
const P_HEAVY_FIELDS_FRAUD: [f64; 5] = [0.7, 0.5, 0.3, 0.7, 0.8];
/// Same among legit (address if none).
const P_HEAVY_FIELDS_LEGIT: [f64; 5] = [0.5, 0.8, 0.4, 0.2, 0.15];
/// Given a recent heavy legit profile, address edits are recent too (people move).
const P_LEGIT_ADDRESS_RECENT: f64 = 0.5;
/// Given a light profile, each field is edited (address if none).
const P_LIGHT_FIELDS: [f64; 5] = [0.35, 0.5, 0.2, 0.08, 0.05];
/// Given a light profile, a field's edits are recent.
const P_LIGHT_RECENT: f64 = 0.15;
/// Non-nested windows (a window counting more than a longer one): inconsistent data.
const P_INCONSISTENT_WINDOWS: f64 = 0.005;
/// Recent edits: the range of the share of each window that the next shorter one counts
/// (`365d` of `all_time`, `30d` of `365d`, `1d` of `30d`, `current` of `1d`), drawn uniformly.
const RECENT_KEEP: [(f64, f64); 4] = [(0.85, 1.0), (0.7, 1.0), (0.6, 1.0), (0.5, 1.0)];
/// Old edits: the same, for edits spread over the years.
const OLD_KEEP: [(f64, f64); 4] = [(0.1, 1.0), (0.0, 0.4), (0.0, 0.3), (0.0, 0.5)];

// ---------------------------------------------------------------------------------------------
// The applicant (envelope lines)
// ---------------------------------------------------------------------------------------------

/// The applicant is someone else than the Layer identity, among fraud.
const P_APPLICANT_OTHER_FRAUD: f64 = 0.4;
/// The applicant is someone else than the Layer identity, among legit.
const P_APPLICANT_OTHER_LEGIT: f64 = 0.002;
/// First name written as its nickname, if it has one (8 %).
pub(super) const APPLICANT_NICKNAME_BELOW: f64 = 0.08;
/// First name in upper case (3 %, 11 % without a nickname; else as is).
pub(super) const APPLICANT_UPPER_BELOW: f64 = 0.11;
/// Given a middle name, only its initial.
pub(super) const P_APPLICANT_MIDDLE_INITIAL: f64 = 0.5;
/// Street suffix abbreviated with a dot (5 %).
pub(super) const APPLICANT_STREET_DOT_BELOW: f64 = 0.05;
/// Street suffix abbreviated (10 % without a dot; else in full).
pub(super) const APPLICANT_STREET_ABBREVIATED_BELOW: f64 = 0.15;
/// Given a unit, `Apt` (else `APT`).
pub(super) const P_APPLICANT_APT_TITLE_CASE: f64 = 0.5;
/// ZIP+4.
pub(super) const P_APPLICANT_PLUS4: f64 = 0.12;
/// US phone formats out of 20: 10 E.164, 7 `(415) 745-2130`, 2 `415-745-2130`, else (1)
/// `415.745.2130`.
pub(super) const APPLICANT_PHONE_STYLES: u64 = 20;
/// `"email": null` (5 %).
pub(super) const APPLICANT_EMAIL_NULL_BELOW: f64 = 0.05;
/// E-mail with capitals (`John.Smith@Gmail.com`, 10 %; else lower case).
pub(super) const APPLICANT_EMAIL_CASED_BELOW: f64 = 0.15;
/// `"date_of_birth": null` (2 %).
pub(super) const APPLICANT_DOB_NULL_BELOW: f64 = 0.02;
/// Day and month swapped when both are at most 12 and differ (4 %; else as in the identity).
pub(super) const APPLICANT_DOB_SWAPPED_BELOW: f64 = 0.06;
/// A one-digit typo: the year one off (3 %; else as in the identity).
pub(super) const APPLICANT_DOB_TYPO_BELOW: f64 = 0.09;

/// Overall share `s` of a feature with probability `p_fraud` among fraud: the legit probability
/// that keeps the overall share at `s` given the fraud base rate.
pub(super) fn legit_share(s: f64, p_fraud: f64) -> f64 {
    ((s - FRAUD_RATE * p_fraud) / (1.0 - FRAUD_RATE)).clamp(0.0, 1.0)
}

/// Probability `p_fraud` among fraud, else the legit probability keeping the overall `share`.
fn by_label(fraud: bool, p_fraud: f64, share: f64) -> f64 {
    if fraud {
        p_fraud
    } else {
        legit_share(share, p_fraud)
    }
}

// ---------------------------------------------------------------------------------------------
// Sampled values
// ---------------------------------------------------------------------------------------------

/// How the identity's phone number is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PhoneKind {
    /// The person's `+1` number.
    Us,
    /// The person's non-`+1` number.
    Foreign,
    /// Something that is not a phone number.
    Malformed,
    /// `null`.
    Null,
    /// No key.
    Missing,
}

/// The latent "true" person behind a session (what an applicant form would say).
#[derive(Clone, Copy)]
pub(super) struct Person {
    pub(super) first: &'static str,
    pub(super) last: &'static str,
    pub(super) last2: Option<&'static str>,
    pub(super) middle: Option<&'static str>,
    pub(super) street_no: u32,
    /// Index into `STREETS`.
    pub(super) street: usize,
    /// Index into `SUFFIXES`.
    pub(super) suffix: usize,
    /// Unit number and letter (0 for none).
    pub(super) unit: Option<(u16, u8)>,
    /// Index into `CITIES`.
    pub(super) city: usize,
    pub(super) zip5: u32,
    pub(super) plus4: u16,
    /// E.164 phone of the person.
    pub(super) phone: Small<20>,
    /// Area code, exchange and line of a US phone.
    pub(super) us_phone: Option<(u16, u16, u16)>,
    /// Index into `PROVIDERS`.
    pub(super) provider: usize,
    pub(super) email_style: u8,
    pub(super) email_num: u16,
    pub(super) dob: (i32, u32, u32),
    pub(super) ssn: Small<9>,
}

/// Facts about the last generated line, used by the tests.
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(not(test), allow(dead_code))]
pub(super) struct LineInfo {
    pub(super) defect: Option<Defect>,
    pub(super) phone: Option<PhoneKind>,
    pub(super) minor: bool,
    pub(super) identity_null: bool,
    pub(super) inconsistent: bool,
    pub(super) impossible_ssn: bool,
    pub(super) history_present: bool,
    pub(super) bad_utf8_written: bool,
    /// The line's quirk replaced the date of birth (an age over 110, a future date).
    pub(super) dob_quirk: bool,
    /// The line has a quirk (see `quirks`).
    pub(super) quirk: bool,
}

/// Edit counts `[current, 1d, 30d, 365d, all_time]` per field
/// `[name, address, email, date_of_birth, ssn]`.
pub(super) type History = [[u32; 5]; 5];

/// What the person sampling depends on besides the stream.
#[derive(Clone, Copy)]
pub(super) struct Population {
    /// [`super::GenConfig::non_us_share`], clamped.
    pub(super) non_us_share: f64,
    /// [`super::GenConfig::as_of`].
    pub(super) as_of: NaiveDate,
    /// The phone numbers to draw from.
    pub(super) phones: &'static PhoneTables,
}

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------

/// Draws the person behind a session; records minors and impossible SSNs in `info`.
pub(super) fn person(pop: &Population, rng: &mut Rng, fraud: bool, info: &mut LineInfo) -> Person {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let last2 = if rng.chance(P_DOUBLE_LAST_NAME) {
        Some(rng.pick(LAST_NAMES))
    } else {
        None
    };
    let middle = if rng.chance(P_MIDDLE_NAME) {
        Some(rng.pick(FIRST_NAMES))
    } else {
        None
    };
    let city = rng.idx(CITIES.len());
    let zip5 = u32::from(CITIES[city].2) * 100 + rng.below(100) as u32;
    let unit = if rng.chance(P_UNIT) {
        let letter = if rng.chance(P_UNIT_LETTER) {
            b'A' + rng.below(6) as u8
        } else {
            0
        };
        Some((
            rng.range(1, 40) as u16 * if rng.chance(P_UNIT_TENS) { 10 } else { 1 },
            letter,
        ))
    } else {
        None
    };

    // Phone of the person: non-US share is higher among fraud.
    let mut phone = Small::<20>::new();
    let mut us_phone = None;
    let tables = pop.phones;
    let s = pop.non_us_share;
    let p_fraud = (NON_US_FRAUD_FACTOR * s).min(NON_US_FRAUD_CAP).max(s);
    let foreign = !tables.foreign.is_empty() && rng.chance(by_label(fraud, p_fraud, s));
    if foreign {
        let t = if !tables.common.is_empty() && rng.chance(P_COMMON_FOREIGN) {
            &tables.foreign[tables.common[rng.idx(tables.common.len())]]
        } else {
            &tables.foreign[rng.idx(tables.foreign.len())]
        };
        t.write_random(rng, &mut phone);
    } else {
        let npa = if rng.chance(P_CITY_AREA_CODE) && tables.us_npas.contains(&CITIES[city].3) {
            CITIES[city].3
        } else {
            rng.pick(&tables.us_npas)
        };
        let mut exch = rng.range(200, 999) as u16;
        if exch % 100 == 11 {
            exch -= 1; // no N11 exchanges
        }
        let mut line = rng.below(10_000) as u16;
        if exch == 555 && line / 100 == 1 {
            line += 100; // 555-01xx is reserved for fiction
        }
        us_phone = Some((npa, exch, line));
        phone.push_str("+1");
        phone.push_num(u64::from(npa), 3);
        phone.push_num(u64::from(exch), 3);
        phone.push_num(u64::from(line), 4);
    }

    // Date of birth.
    let minor = rng.chance(by_label(fraud, P_MINOR_FRAUD, MINOR_SHARE));
    let age = if minor {
        rng.range(13, 17)
    } else {
        adult_age(rng)
    };
    info.minor = minor;
    let as_of = pop.as_of;
    let dob = NaiveDate::from_ymd_opt(
        as_of.year() - age as i32,
        as_of.month(),
        as_of.day().min(28),
    )
    .and_then(|d| d.checked_sub_days(Days::new(rng.range(1, 360))))
    .unwrap_or_default();

    // SSN: valid area 001..899 except 666, group 01..99, serial 0001..9999.
    let mut ssn = Small::<9>::new();
    let impossible = rng.chance(by_label(
        fraud,
        P_IMPOSSIBLE_SSN_FRAUD,
        IMPOSSIBLE_SSN_SHARE,
    ));
    info.impossible_ssn = impossible;
    let mut area = rng.range(1, 899);
    if area == 666 {
        area = 665;
    }
    let mut group = rng.range(1, 99);
    let mut serial = rng.range(1, 9999);
    if impossible {
        match rng.below(5) {
            0 => area = 0,
            1 => area = 666,
            2 => area = rng.range(900, 999),
            3 => group = 0,
            _ => serial = 0,
        }
    }
    ssn.push_num(area, 3);
    ssn.push_num(group, 2);
    ssn.push_num(serial, 4);

    let street_no = if rng.chance(P_SHORT_STREET_NUMBER) {
        rng.range(1, 999) as u32
    } else {
        rng.range(1000, 19999) as u32
    };
    Person {
        first,
        last,
        last2,
        middle,
        street_no,
        street: rng.idx(STREETS.len()),
        suffix: rng.idx(SUFFIXES.len()),
        unit,
        city,
        zip5,
        plus4: rng.range(1, 9999) as u16,
        phone,
        us_phone,
        provider: rng.idx(PROVIDERS.len()),
        email_style: rng.below(6) as u8,
        email_num: rng.range(1, 99) as u16,
        dob: (dob.year(), dob.month(), dob.day()),
        ssn,
    }
}

/// Whether the identity is null (drawn even when a defect replaces it).
pub(super) fn identity_null(rng: &mut Rng, fraud: bool) -> bool {
    rng.chance(by_label(fraud, P_NULL_IDENTITY_FRAUD, NULL_IDENTITY_SHARE))
}

/// For an envelope, the applicant when it is someone else than the Layer identity (the facts in
/// `info` stay those of the identity).
pub(super) fn other_applicant(
    pop: &Population,
    rng: &mut Rng,
    fraud: bool,
    info: &LineInfo,
) -> Option<Person> {
    let p = if fraud {
        P_APPLICANT_OTHER_FRAUD
    } else {
        P_APPLICANT_OTHER_LEGIT
    };
    if rng.chance(p) {
        let mut scratch = *info;
        Some(person(pop, rng, fraud, &mut scratch))
    } else {
        None
    }
}

/// Draws the edit counts of a session into `h` (all zero on entry).
pub(super) fn edit_history(rng: &mut Rng, fraud: bool, h: &mut History, info: &mut LineInfo) {
    // Profiles: zero everywhere / light and mostly old / heavy.
    let r = rng.unit();
    let (light, heavy) = if fraud {
        (P_LIGHT_FRAUD, P_HEAVY_FRAUD)
    } else {
        (P_LIGHT_LEGIT, P_HEAVY_LEGIT)
    };
    if r < heavy {
        let recent = rng.chance(if fraud {
            P_HEAVY_RECENT_FRAUD
        } else {
            P_HEAVY_RECENT_LEGIT
        });
        let probs = if fraud {
            P_HEAVY_FIELDS_FRAUD
        } else {
            P_HEAVY_FIELDS_LEGIT
        };
        let mut any = false;
        for (f, &pf) in probs.iter().enumerate() {
            if rng.chance(pf) {
                let total = heavy_total(rng);
                let rec = recent && (fraud || f != 1 || rng.chance(P_LEGIT_ADDRESS_RECENT));
                h[f] = windows(rng, total, rec);
                any = true;
            }
        }
        if !any {
            let f = if fraud { 4 } else { 1 };
            let total = heavy_total(rng);
            h[f] = windows(rng, total, recent);
        }
    } else if r < heavy + light {
        let mut any = false;
        for (f, &pf) in P_LIGHT_FIELDS.iter().enumerate() {
            if rng.chance(pf) {
                let total = rng.range(1, 3) as u32;
                let rec = rng.chance(P_LIGHT_RECENT);
                h[f] = windows(rng, total, rec);
                any = true;
            }
        }
        if !any {
            let rec = rng.chance(P_LIGHT_RECENT);
            h[1] = windows(rng, 1, rec);
        }
    }
    if rng.chance(P_INCONSISTENT_WINDOWS) {
        info.inconsistent = true;
        let f = rng.idx(5);
        let w = rng.idx(4);
        h[f][w] = h[f][w + 1] + 1 + rng.below(3) as u32;
    }
}

/// An adult age from [`AGE_BANDS`].
fn adult_age(rng: &mut Rng) -> u64 {
    let mut r = rng.unit();
    for (lo, hi, w) in AGE_BANDS {
        if r < w {
            return rng.range(lo, hi);
        }
        r -= w;
    }
    rng.range(25, 60)
}

/// Heavy-tailed total edit count: 3 and up, Pareto with alpha 4/3 (`3 / u^0.75`), capped at 400.
///
/// Uses only `sqrt` (correctly rounded by IEEE 754), never `powf`/`ln`, whose last bits may
/// differ between platforms' math libraries: the stream must be identical everywhere.
fn heavy_total(rng: &mut Rng) -> u32 {
    let u = 1.0 - rng.unit(); // (0, 1]
    let s = u.sqrt();
    let v = 3.0 / (s * s.sqrt());
    if v >= 400.0 {
        400
    } else {
        (v as u32).max(3)
    }
}

/// Nested windows `[current, 1d, 30d, 365d, all_time]` from a total; `recent` concentrates the
/// edits in the current session / last day ([`RECENT_KEEP`], else [`OLD_KEEP`]).
fn windows(rng: &mut Rng, total: u32, recent: bool) -> [u32; 5] {
    let keep = if recent { RECENT_KEEP } else { OLD_KEEP };
    let mut w = [0u32; 5];
    w[4] = total;
    // 365d from all_time, then 30d, 1d, current: each a share of the next longer window.
    for (k, (lo, hi)) in keep.into_iter().enumerate() {
        let n = w[4 - k];
        let f = lo + (hi - lo) * rng.unit();
        w[3 - k] = ((f64::from(n) * f).round() as u32).min(n);
    }
    w
}
