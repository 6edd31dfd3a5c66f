//! The JSON byte writers: numbers and strings straight into the caller's buffer, no
//! `serde_json::Value`, no allocation.
//!
//! The writers draw the presentation quirks (null fields, formats, spellings) from the line's
//! stream as they go, with the shares named in [`super::sample`]; the order of the draws is part
//! of the output of a seed.

use super::corrupt::{Defect, BAD_UTF8_IN_ID, BAD_UTF8_IN_NAME};
use super::data::{
    CITIES, IMPOSSIBLE_DOBS, MALFORMED_PHONES, MALFORMED_ZIPS, NICKNAMES, OTHER_COUNTRIES,
    PROVIDERS, STREETS, SUFFIXES,
};
use super::quirks::{fill, Quirk};
use super::sample::*;
use crate::rng::{mix64, Rng};

const ALNUM: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &[u8; 16] = b"0123456789abcdef";

const WINDOW_KEYS: [&[u8]; 5] = [
    b"\"edits_current\":",
    b"\"edits_1d\":",
    b"\"edits_30d\":",
    b"\"edits_365d\":",
    b"\"edits_all_time\":",
];

/// Small inline byte string (no allocation); bytes past `N` are dropped.
#[derive(Clone, Copy)]
pub(super) struct Small<const N: usize> {
    b: [u8; N],
    n: usize,
}

impl<const N: usize> Small<N> {
    pub(super) const fn new() -> Self {
        Small { b: [0; N], n: 0 }
    }
    fn push(&mut self, c: u8) {
        if self.n < N {
            self.b[self.n] = c;
            self.n += 1;
        }
    }
    pub(super) fn push_str(&mut self, s: &str) {
        for &c in s.as_bytes() {
            self.push(c);
        }
    }
    /// Appends `v` in decimal, left-padded with zeros to `width` digits.
    pub(super) fn push_num(&mut self, v: u64, width: usize) {
        let mut tmp = [b'0'; 20];
        let d = digits(v, &mut tmp);
        for _ in d.len()..width {
            self.push(b'0');
        }
        for &c in d {
            self.push(c);
        }
    }
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.b[..self.n]
    }
}

/// The request id of line `index`: 11 base-62 chars of a bijection of the index (unique per
/// line), then 4 more.
pub(super) fn request_id(seed: u64, index: u64, out: &mut [u8; 15]) {
    let mut v = mix64(index ^ mix64(seed.wrapping_add(0x5EED)));
    let mut extra = mix64(v ^ 0xA5A5_A5A5);
    for slot in out.iter_mut().take(11) {
        *slot = ALNUM[(v % 62) as usize];
        v /= 62;
    }
    for slot in out.iter_mut().skip(11) {
        *slot = ALNUM[(extra % 62) as usize];
        extra /= 62;
    }
}

// ---------------------------------------------------------------------------------------------
// The Layer response
// ---------------------------------------------------------------------------------------------

/// Appends the `/user_account/session/get` response of person `p`.
#[allow(clippy::too_many_arguments)]
pub(super) fn response(
    buf: &mut Vec<u8>,
    rng: &mut Rng,
    p: &Person,
    fraud: bool,
    defect: Option<Defect>,
    request_id: &[u8; 15],
    info: &mut LineInfo,
    (q, qrng): (&Quirk, &mut Rng),
    clean: Option<&Person>,
) {
    buf.extend_from_slice(b"{\"identity\":");
    let identity_null = identity_null(rng, fraud);
    if let Some(email_from) = clean {
        clean_identity(buf, p, email_from);
    } else if defect == Some(Defect::IdentityNumber) {
        buf.push(b'5');
    } else if identity_null {
        info.identity_null = true;
        buf.extend_from_slice(b"null");
    } else {
        identity(
            buf,
            rng,
            p,
            defect == Some(Defect::BadUtf8),
            info,
            (q, qrng),
        );
    }

    // identity_edit_history
    let mut hist: History = [[0; 5]; 5];
    edit_history(rng, fraud, &mut hist, info);
    let count_defect = matches!(
        defect,
        Some(Defect::EditsString | Defect::NegativeEdit | Defect::FloatEdit)
    );
    let r = rng.unit();
    let presence = if count_defect {
        0
    } else if r < HISTORY_NULL_BELOW {
        1 // null
    } else if r < HISTORY_ABSENT_BELOW {
        2 // absent
    } else {
        0
    };
    if presence != 2 {
        buf.extend_from_slice(b",\"identity_edit_history\":");
    }
    if presence == 1 {
        buf.extend_from_slice(b"null");
    } else if presence == 0 {
        info.history_present = true;
        let window = rng.idx(5);
        let fd = if count_defect {
            defect.map(|d| (d, window))
        } else {
            None
        };
        buf.extend_from_slice(b"{\"name\":");
        counts(buf, &hist[0], fd);
        buf.extend_from_slice(b",\"address\":");
        if q.window_missing {
            // The address counts without their `edits_30d` window.
            let mut tmp = Vec::with_capacity(96);
            counts(&mut tmp, &hist[1], None);
            let text = String::from_utf8_lossy(&tmp)
                .replace(&format!("\"edits_30d\":{},", hist[1][2]), "");
            buf.extend_from_slice(text.as_bytes());
        } else {
            counts(buf, &hist[1], None);
        }
        buf.extend_from_slice(b",\"email\":");
        counts(buf, &hist[2], None);
        buf.extend_from_slice(b",\"date_of_birth\":");
        counts(buf, &hist[3], None);
        buf.extend_from_slice(b",\"official_document\":");
        if rng.chance(P_OFFICIAL_DOCUMENT_NULL) {
            buf.extend_from_slice(b"null");
        } else {
            buf.extend_from_slice(b"{\"ssn\":");
            counts(buf, &hist[4], None);
            buf.push(b'}');
        }
        buf.push(b'}');
    }

    // items
    buf.extend_from_slice(b",\"items\":");
    if defect == Some(Defect::ItemsObject) {
        buf.extend_from_slice(b"{}");
    } else {
        let r = rng.unit();
        let n = if r < ITEMS_NONE_BELOW {
            0
        } else if r < ITEMS_ONE_BELOW {
            1
        } else if r < ITEMS_TWO_BELOW {
            2
        } else {
            3
        };
        buf.push(b'[');
        for k in 0..n {
            if k > 0 {
                buf.push(b',');
            }
            buf.extend_from_slice(b"{\"item_id\":\"");
            for _ in 0..37 {
                buf.push(ALNUM[rng.idx(62)]);
            }
            buf.extend_from_slice(b"\",\"access_token\":\"access-production-");
            uuid(buf, rng);
            buf.extend_from_slice(b"\"}");
        }
        buf.push(b']');
    }

    if q.request_id_missing && defect.is_none() {
        // No request_id key at all.
    } else if q.request_id_malformed && defect.is_none() {
        buf.extend_from_slice(b",\"request_id\":\"");
        buf.extend_from_slice(&request_id[..7]);
        buf.push(b'-');
        buf.extend_from_slice(&request_id[7..]);
        buf.push(b'"');
    } else {
        buf.extend_from_slice(b",\"request_id\":\"");
        if defect == Some(Defect::BadUtf8) && !info.bad_utf8_written {
            buf.extend_from_slice(&request_id[..7]);
            buf.extend_from_slice(&BAD_UTF8_IN_ID);
            buf.extend_from_slice(&request_id[7..]);
            info.bad_utf8_written = true;
        } else {
            buf.extend_from_slice(request_id);
        }
        buf.push(b'"');
    }

    // idv_session_status (absent on most lines)
    let r = rng.unit();
    let statuses: &[(f64, &str)] = if fraud {
        &IDV_STATUS_FRAUD_BELOW
    } else {
        &IDV_STATUS_LEGIT_BELOW
    };
    if let Some((_, s)) = statuses.iter().find(|(below, _)| r < *below) {
        buf.extend_from_slice(b",\"idv_session_status\":\"");
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    }
    let r = rng.unit();
    if r < LINK_SESSION_ID_BELOW {
        buf.extend_from_slice(b",\"link_session_id\":\"");
        uuid(buf, rng);
        buf.push(b'"');
    } else if r < LINK_SESSION_NULL_BELOW {
        buf.extend_from_slice(b",\"link_session_id\":null");
    }
    buf.push(b'}');
}

/// Appends a full, well-formed identity of person `p` (every field present, no quirk), its
/// email written from `email_from`'s name: the lines of rings and households (`rings`).
fn clean_identity(buf: &mut Vec<u8>, p: &Person, email_from: &Person) {
    buf.extend_from_slice(b"{\"name\":{\"first_name\":\"");
    escape_into(buf, p.first);
    buf.extend_from_slice(b"\",\"last_name\":\"");
    last_name(buf, p);
    let (city, state, _, _) = CITIES[p.city];
    buf.extend_from_slice(b"\"},\"address\":{\"street\":\"");
    street(buf, p, false, false);
    buf.extend_from_slice(b"\",\"street2\":\"");
    if let Some((n, letter)) = p.unit {
        buf.extend_from_slice(b"Apt ");
        write_u64(buf, u64::from(n));
        if letter != 0 {
            buf.push(letter);
        }
    }
    buf.extend_from_slice(b"\",\"city\":\"");
    escape_into(buf, city);
    buf.extend_from_slice(b"\",\"region\":\"");
    buf.extend_from_slice(state.as_bytes());
    buf.extend_from_slice(b"\",\"postal_code\":\"");
    write_pad(buf, u64::from(p.zip5), 5);
    buf.extend_from_slice(b"\",\"country\":\"US\"},\"email\":\"");
    email(buf, email_from, false);
    buf.extend_from_slice(b"\",\"phone_number\":\"");
    buf.extend_from_slice(p.phone.as_bytes());
    buf.extend_from_slice(b"\",\"date_of_birth\":\"");
    date(buf, p.dob);
    buf.extend_from_slice(b"\",\"ssn\":\"");
    buf.extend_from_slice(p.ssn.as_bytes());
    buf.extend_from_slice(b"\",\"ssn_last_4\":\"");
    buf.extend_from_slice(&p.ssn.as_bytes()[5..]);
    buf.extend_from_slice(b"\"}");
}

/// Appends the identity object of person `p`.
fn identity(
    buf: &mut Vec<u8>,
    rng: &mut Rng,
    p: &Person,
    bad_utf8: bool,
    info: &mut LineInfo,
    (q, qrng): (&Quirk, &mut Rng),
) {
    // name
    buf.extend_from_slice(b"{\"name\":");
    if rng.chance(P_NAME_NULL) {
        buf.extend_from_slice(b"null");
    } else {
        buf.extend_from_slice(b"{\"first_name\":\"");
        if rng.chance(P_QUOTED_NICKNAME) {
            // A user-edited first name with an embedded nickname in quotes.
            escape_into(buf, p.first);
            escape_into(buf, " \"");
            escape_into(buf, nickname(p.first).unwrap_or("Bo"));
            escape_into(buf, "\"");
        } else {
            escape_into(buf, p.first);
        }
        buf.extend_from_slice(b"\",\"last_name\":\"");
        last_name(buf, p);
        if bad_utf8 {
            buf.extend_from_slice(&BAD_UTF8_IN_NAME);
            info.bad_utf8_written = true;
        }
        buf.extend_from_slice(b"\"}");
    }

    // address
    buf.extend_from_slice(b",\"address\":");
    if rng.chance(P_ADDRESS_NULL) {
        buf.extend_from_slice(b"null");
    } else {
        let (city, state, _, _) = CITIES[p.city];
        let (city, state) = q.place.map_or((city, state), |(c, s, _)| (c, s));
        buf.extend_from_slice(b"{\"street\":\"");
        let abbrev = rng.chance(P_STREET_ABBREVIATED);
        let dot = abbrev && rng.chance(P_ABBREVIATION_DOT);
        let unit_in_street = rng.chance(P_UNIT_IN_STREET) && q.street.is_none();
        match q.street {
            Some(t) => fill(buf, qrng, t),
            None => street(buf, p, abbrev, dot),
        }
        if let (Some((n, letter)), true) = (p.unit, unit_in_street) {
            buf.extend_from_slice(b", APT ");
            write_u64(buf, u64::from(n));
            if letter != 0 {
                buf.push(letter);
            }
        }
        buf.extend_from_slice(b"\",\"street2\":");
        match (p.unit, unit_in_street) {
            _ if q.street2.is_some() => {
                buf.push(b'"');
                fill(buf, qrng, q.street2.unwrap_or(""));
                buf.push(b'"');
            }
            (Some((n, letter)), false) => {
                buf.extend_from_slice(match rng.below(3) {
                    0 => b"\"Apt " as &[u8],
                    1 => b"\"Unit ",
                    _ => b"\"#",
                });
                write_u64(buf, u64::from(n));
                if letter != 0 {
                    buf.push(letter);
                }
                buf.push(b'"');
            }
            _ => {
                if rng.chance(P_STREET2_NULL) {
                    buf.extend_from_slice(b"null");
                } else {
                    buf.extend_from_slice(b"\"\"");
                }
            }
        }
        buf.extend_from_slice(b",\"city\":\"");
        escape_into(buf, city);
        buf.extend_from_slice(b"\",\"region\":\"");
        let r = rng.unit();
        if r < REGION_FULL_NAME_BELOW {
            // Plaid's own docs sample writes the full name (`"region": "Indiana"`).
            let regions = crate::geo::US_REGIONS;
            let full = regions.iter().find(|s| s.0 == state).map_or(state, |s| s.1);
            escape_into(buf, full);
        } else if r < REGION_LOWERCASE_BELOW {
            buf.extend(state.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            buf.extend_from_slice(state.as_bytes());
        }
        buf.extend_from_slice(b"\",\"postal_code\":\"");
        let r = rng.unit();
        if let Some((_, _, zip)) = q.place {
            fill(buf, qrng, zip);
        } else if r < POSTAL_MALFORMED_BELOW {
            escape_into(buf, rng.pick(MALFORMED_ZIPS));
        } else {
            write_pad(buf, u64::from(p.zip5), 5);
            if r < POSTAL_PLUS4_BELOW {
                buf.push(b'-');
                write_pad(buf, u64::from(p.plus4), 4);
            }
        }
        buf.extend_from_slice(b"\",\"country\":\"");
        if rng.chance(P_OTHER_COUNTRY) && q.place.is_none() {
            escape_into(buf, rng.pick(OTHER_COUNTRIES));
        } else {
            buf.extend_from_slice(b"US");
        }
        buf.extend_from_slice(b"\"}");
    }

    // email
    let r = rng.unit();
    if r < EMAIL_NULL_BELOW {
        buf.extend_from_slice(b",\"email\":null");
    } else if r < EMAIL_MISSING_BELOW {
        // missing
    } else if let Some(e) = q.email {
        buf.extend_from_slice(b",\"email\":\"");
        escape_into(buf, e);
        buf.push(b'"');
    } else {
        buf.extend_from_slice(b",\"email\":\"");
        email(buf, p, false);
        buf.push(b'"');
    }

    // phone_number
    let r = rng.unit();
    let kind = if r < PHONE_MISSING_BELOW {
        PhoneKind::Missing
    } else if r < PHONE_NULL_BELOW {
        PhoneKind::Null
    } else if r < PHONE_MALFORMED_BELOW {
        PhoneKind::Malformed
    } else if p.us_phone.is_some() {
        PhoneKind::Us
    } else {
        PhoneKind::Foreign
    };
    info.phone = Some(kind);
    match kind {
        PhoneKind::Missing => {}
        PhoneKind::Null => buf.extend_from_slice(b",\"phone_number\":null"),
        PhoneKind::Malformed => {
            buf.extend_from_slice(b",\"phone_number\":\"");
            let pattern = rng.pick(MALFORMED_PHONES);
            // Fill '#' with the digits of the person's number (after the +1 / +CC).
            let digits = p.phone.as_bytes();
            let mut k = 0;
            for c in pattern.bytes() {
                if c == b'#' {
                    let d = digits
                        .get(2 + k)
                        .copied()
                        .filter(u8::is_ascii_digit)
                        .unwrap_or(b'7');
                    buf.push(d);
                    k += 1;
                } else {
                    buf.push(c);
                }
            }
            buf.push(b'"');
        }
        PhoneKind::Us | PhoneKind::Foreign => {
            buf.extend_from_slice(b",\"phone_number\":\"");
            match q.phone {
                Some(t) => {
                    fill(buf, qrng, t);
                    info.phone = Some(if t.starts_with("+1") {
                        PhoneKind::Us
                    } else {
                        PhoneKind::Foreign
                    });
                }
                None => buf.extend_from_slice(p.phone.as_bytes()),
            }
            buf.push(b'"');
        }
    }

    // date_of_birth
    let r = rng.unit();
    buf.extend_from_slice(b",\"date_of_birth\":");
    let (y, m, d) = p.dob;
    if r < DOB_NULL_BELOW {
        buf.extend_from_slice(b"null");
    } else if r < DOB_IMPOSSIBLE_BELOW {
        buf.push(b'"');
        buf.extend_from_slice(rng.pick(IMPOSSIBLE_DOBS).as_bytes());
        buf.push(b'"');
    } else if r < DOB_MISFORMATTED_BELOW {
        buf.push(b'"');
        match rng.below(3) {
            0 => {
                write_pad(buf, u64::from(m), 2);
                buf.push(b'/');
                write_pad(buf, u64::from(d), 2);
                buf.push(b'/');
                write_pad(buf, y.max(0) as u64, 4);
            }
            1 => {
                write_pad(buf, y.max(0) as u64, 4);
                buf.push(b'-');
                write_u64(buf, u64::from(m));
                buf.push(b'-');
                write_u64(buf, u64::from(d));
                if m >= 10 && d >= 10 {
                    buf.push(b' '); // keep it mis-formatted: "1975-10-18 "
                }
            }
            _ => {
                write_pad(buf, u64::from(d), 2);
                buf.push(b'.');
                write_pad(buf, u64::from(m), 2);
                buf.push(b'.');
                write_pad(buf, y.max(0) as u64, 4);
            }
        }
        buf.push(b'"');
    } else {
        buf.push(b'"');
        date(buf, p.dob);
        buf.push(b'"');
    }

    // ssn / ssn_last_4
    if rng.chance(P_SSN_NULL) {
        buf.extend_from_slice(b",\"ssn\":null");
        if rng.chance(P_SSN_LAST4_ONLY) {
            buf.extend_from_slice(b",\"ssn_last_4\":\"");
            buf.extend_from_slice(&p.ssn.as_bytes()[5..]);
            buf.push(b'"');
        } else if rng.chance(P_SSN_LAST4_NULL_TOO) {
            buf.extend_from_slice(b",\"ssn_last_4\":null");
        }
    } else {
        buf.extend_from_slice(b",\"ssn\":\"");
        buf.extend_from_slice(p.ssn.as_bytes());
        buf.extend_from_slice(b"\"");
        if rng.chance(P_SSN_LAST4_SPELLING) {
            buf.extend_from_slice(b",\"ssn_last4\":\"");
        } else {
            buf.extend_from_slice(b",\"ssn_last_4\":\"");
        }
        if rng.chance(P_SSN_LAST4_MISMATCH) {
            write_pad(buf, rng.below(10_000), 4);
        } else if q.last4_malformed {
            buf.extend_from_slice(b"12a4");
        } else {
            buf.extend_from_slice(&p.ssn.as_bytes()[5..]);
        }
        buf.push(b'"');
    }
    buf.push(b'}');
}

// ---------------------------------------------------------------------------------------------
// The applicant (envelope lines)
// ---------------------------------------------------------------------------------------------

/// Appends the applicant object: what person `who` typed into the application form.
pub(super) fn applicant(buf: &mut Vec<u8>, rng: &mut Rng, who: &Person) {
    buf.extend_from_slice(b"{\"name\":{\"first_name\":\"");
    let r = rng.unit();
    match nickname(who.first) {
        Some(nick) if r < APPLICANT_NICKNAME_BELOW => escape_into(buf, nick),
        _ if r < APPLICANT_UPPER_BELOW => escape_upper(buf, who.first),
        _ => escape_into(buf, who.first),
    }
    buf.extend_from_slice(b"\",\"last_name\":\"");
    last_name(buf, who);
    buf.push(b'"');
    if let Some(m) = who.middle {
        buf.extend_from_slice(b",\"middle_name\":\"");
        if rng.chance(P_APPLICANT_MIDDLE_INITIAL) {
            let c = m.chars().next().unwrap_or('A');
            let mut tmp = [0u8; 4];
            escape_into(buf, c.encode_utf8(&mut tmp));
        } else {
            escape_into(buf, m);
        }
        buf.push(b'"');
    }
    buf.push(b'}');

    let (city, state, _, _) = CITIES[who.city];
    buf.extend_from_slice(b",\"address\":{\"street\":\"");
    let r = rng.unit();
    street(
        buf,
        who,
        r < APPLICANT_STREET_ABBREVIATED_BELOW,
        r < APPLICANT_STREET_DOT_BELOW,
    );
    buf.extend_from_slice(b"\",\"street2\":\"");
    if let Some((n, letter)) = who.unit {
        buf.extend_from_slice(if rng.chance(P_APPLICANT_APT_TITLE_CASE) {
            b"Apt " as &[u8]
        } else {
            b"APT "
        });
        write_u64(buf, u64::from(n));
        if letter != 0 {
            buf.push(letter);
        }
    }
    buf.extend_from_slice(b"\",\"city\":\"");
    escape_into(buf, city);
    buf.extend_from_slice(b"\",\"region\":\"");
    buf.extend_from_slice(state.as_bytes());
    buf.extend_from_slice(b"\",\"postal_code\":\"");
    write_pad(buf, u64::from(who.zip5), 5);
    if rng.chance(P_APPLICANT_PLUS4) {
        buf.push(b'-');
        write_pad(buf, u64::from(who.plus4), 4);
    }
    buf.extend_from_slice(b"\",\"country\":\"US\"}");

    buf.extend_from_slice(b",\"phone_number\":\"");
    match who.us_phone {
        Some((npa, exch, line)) => match rng.below(APPLICANT_PHONE_STYLES) {
            0..=9 => buf.extend_from_slice(who.phone.as_bytes()),
            10..=16 => {
                buf.push(b'(');
                write_pad(buf, u64::from(npa), 3);
                buf.extend_from_slice(b") ");
                write_pad(buf, u64::from(exch), 3);
                buf.push(b'-');
                write_pad(buf, u64::from(line), 4);
            }
            17 | 18 => {
                write_pad(buf, u64::from(npa), 3);
                buf.push(b'-');
                write_pad(buf, u64::from(exch), 3);
                buf.push(b'-');
                write_pad(buf, u64::from(line), 4);
            }
            _ => {
                write_pad(buf, u64::from(npa), 3);
                buf.push(b'.');
                write_pad(buf, u64::from(exch), 3);
                buf.push(b'.');
                write_pad(buf, u64::from(line), 4);
            }
        },
        None => buf.extend_from_slice(who.phone.as_bytes()),
    }
    buf.push(b'"');

    let r = rng.unit();
    if r < APPLICANT_EMAIL_NULL_BELOW {
        buf.extend_from_slice(b",\"email\":null");
    } else {
        buf.extend_from_slice(b",\"email\":\"");
        email(buf, who, r < APPLICANT_EMAIL_CASED_BELOW);
        buf.push(b'"');
    }

    buf.extend_from_slice(b",\"date_of_birth\":");
    let r = rng.unit();
    let (y, m, d) = who.dob;
    if r < APPLICANT_DOB_NULL_BELOW {
        buf.extend_from_slice(b"null");
    } else if r < APPLICANT_DOB_SWAPPED_BELOW && d <= 12 && d != m {
        buf.push(b'"');
        date(buf, (y, d, m));
        buf.push(b'"');
    } else if (APPLICANT_DOB_SWAPPED_BELOW..APPLICANT_DOB_TYPO_BELOW).contains(&r) {
        buf.push(b'"');
        date(buf, (y + 1, m, d));
        buf.push(b'"');
    } else {
        buf.push(b'"');
        date(buf, who.dob);
        buf.push(b'"');
    }
    buf.push(b'}');
}

// ---------------------------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------------------------

/// Appends one field's edit counts, with a count defect at its window if given.
fn counts(buf: &mut Vec<u8>, w: &[u32; 5], defect: Option<(Defect, usize)>) {
    buf.push(b'{');
    for (k, (key, &v)) in WINDOW_KEYS.iter().zip(w.iter()).enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(key);
        match defect {
            Some((Defect::EditsString, _)) if k == 1 => {
                buf.push(b'"');
                write_u64(buf, u64::from(v));
                buf.push(b'"');
            }
            Some((Defect::NegativeEdit, at)) if k == at => {
                buf.push(b'-');
                write_u64(buf, u64::from(v.max(1)));
            }
            Some((Defect::FloatEdit, at)) if k == at => {
                write_u64(buf, u64::from(v));
                buf.extend_from_slice(b".5");
            }
            _ => write_u64(buf, u64::from(v)),
        }
    }
    buf.push(b'}');
}

fn nickname(first: &str) -> Option<&'static str> {
    NICKNAMES.iter().find(|(f, _)| *f == first).map(|(_, n)| *n)
}

fn last_name(buf: &mut Vec<u8>, p: &Person) {
    escape_into(buf, p.last);
    if let Some(l2) = p.last2 {
        buf.push(b'-');
        escape_into(buf, l2);
    }
}

fn street(buf: &mut Vec<u8>, p: &Person, abbrev: bool, dot: bool) {
    write_u64(buf, u64::from(p.street_no));
    buf.push(b' ');
    escape_into(buf, STREETS[p.street]);
    buf.push(b' ');
    let (full, short) = SUFFIXES[p.suffix];
    if abbrev {
        buf.extend_from_slice(short.as_bytes());
        if dot && short != full {
            buf.push(b'.');
        }
    } else {
        buf.extend_from_slice(full.as_bytes());
    }
}

fn date(buf: &mut Vec<u8>, (y, m, d): (i32, u32, u32)) {
    write_pad(buf, y.max(0) as u64, 4);
    buf.push(b'-');
    write_pad(buf, u64::from(m), 2);
    buf.push(b'-');
    write_pad(buf, u64::from(d), 2);
}

/// ASCII fold of a name for an e-mail local part: letters only (accents folded), optional case.
fn local_part(buf: &mut Vec<u8>, s: &str, keep_case: bool) {
    for c in s.chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'Á' | 'À' | 'Â' | 'Ä' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'Ö' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ß' => 's',
            c => c,
        };
        if folded.is_ascii_alphabetic() {
            let b = folded as u8;
            buf.push(if keep_case { b } else { b.to_ascii_lowercase() });
        }
    }
}

fn email(buf: &mut Vec<u8>, p: &Person, keep_case: bool) {
    let first = p.first;
    let last = p.last;
    match p.email_style {
        0 | 1 => {
            local_part(buf, first, keep_case);
            buf.push(b'.');
            local_part(buf, last, keep_case);
        }
        2 => {
            local_part(buf, first, keep_case);
            local_part(buf, last, keep_case);
            write_u64(buf, u64::from(p.email_num));
        }
        3 => {
            local_part(buf, first, keep_case);
            buf.push(b'_');
            local_part(buf, last, keep_case);
        }
        4 => {
            let start = buf.len();
            local_part(buf, first, keep_case);
            buf.truncate((start + 1).min(buf.len()));
            local_part(buf, last, keep_case);
        }
        _ => {
            local_part(buf, first, keep_case);
            write_u64(buf, 1900 + u64::from(p.email_num % 100) + 50);
        }
    }
    buf.push(b'@');
    let provider = PROVIDERS[p.provider];
    if keep_case {
        // "Gmail.com"
        let mut bytes = provider.bytes();
        if let Some(b) = bytes.next() {
            buf.push(b.to_ascii_uppercase());
        }
        buf.extend(bytes);
    } else {
        buf.extend_from_slice(provider.as_bytes());
    }
}

/// Appends a random version-4 UUID (two draws).
fn uuid(buf: &mut Vec<u8>, rng: &mut Rng) {
    let hi = rng.next_u64();
    let lo = rng.next_u64();
    let mut nibbles = [0u8; 32];
    for (k, n) in nibbles.iter_mut().enumerate() {
        let v = if k < 16 {
            hi >> (60 - 4 * k)
        } else {
            lo >> (60 - 4 * (k - 16))
        };
        *n = (v & 0xF) as u8;
    }
    nibbles[12] = 4; // version 4
    nibbles[16] = 8 | (nibbles[16] & 3); // RFC 4122 variant
    for (k, &n) in nibbles.iter().enumerate() {
        if k == 8 || k == 12 || k == 16 || k == 20 {
            buf.push(b'-');
        }
        buf.push(HEX[n as usize]);
    }
}

/// Writes a decimal number without allocation.
fn write_u64(buf: &mut Vec<u8>, v: u64) {
    write_pad(buf, v, 1);
}

/// Writes a decimal number left-padded with zeros to `width` digits.
fn write_pad(buf: &mut Vec<u8>, v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let d = digits(v, &mut tmp);
    for _ in d.len()..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(d);
}

/// The decimal digits of `v`, written at the end of `tmp` (a u64 has at most 20).
fn digits(mut v: u64, tmp: &mut [u8; 20]) -> &[u8] {
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &tmp[i..]
}

/// Appends `s` escaped as the inside of a JSON string.
fn escape_into(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        buf.extend_from_slice(bytes);
        return;
    }
    for &b in bytes {
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(c >> 4) as usize]);
                buf.push(HEX[(c & 0xF) as usize]);
            }
            c => buf.push(c),
        }
    }
}

/// Like [`escape_into`], upper-cased (Unicode-aware, for "JOSÉ").
fn escape_upper(buf: &mut Vec<u8>, s: &str) {
    let mut tmp = [0u8; 4];
    for c in s.chars().flat_map(char::to_uppercase) {
        escape_into(buf, c.encode_utf8(&mut tmp));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_accents_round_trip() {
        let mut buf = Vec::new();
        escape_into(&mut buf, "Ro\"bert\\ \u{1}\tJosé");
        let s: String = serde_json::from_slice(&[b"\"".as_slice(), &buf, b"\""].concat()).unwrap();
        assert_eq!(s, "Ro\"bert\\ \u{1}\tJosé");
        let mut up = Vec::new();
        escape_upper(&mut up, "José");
        assert_eq!(up, "JOSÉ".as_bytes());
    }
}
