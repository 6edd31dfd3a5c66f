//! Validation: raw strings from the response -> findings. Never fails, never panics.
//!
//! Each submodule checks one field and exposes its building blocks (`phone::check`,
//! `date::parse_ymd`, `ssn::impossible_part`, ...) for callers that want them directly.

pub(crate) mod address;
pub(crate) mod date;
pub(crate) mod email;
pub(crate) mod known_ssn;
pub(crate) mod name;
pub(crate) mod phone;
pub(crate) mod script;
pub(crate) mod ssn;
pub(crate) mod street;
pub(crate) mod zip3;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod prop_tests;

use chrono::NaiveDate;

use crate::fields::{AgeBounds, EditField, Window};
use crate::finding::{Code, Finding, Observed};
use crate::session::{EditCounts, Session};

/// All findings for one response, in a fixed order (identity fields, edit history, IDV, items).
///
/// `as_of` is the evaluation date (ages, dates in the future); `ages` come from the rule set.
/// Missing data is a finding of its own: nothing is skipped.
///
/// # Example
/// ```
/// use layer_risk::{parse_session, validate, AgeBounds, Code};
/// let s = parse_session(r#"{"identity": {"phone_number": "+44 20 7946 0958"}, "items": []}"#)?;
/// let as_of = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let codes: Vec<Code> = validate(&s, as_of, AgeBounds::default()).iter().map(|f| f.code).collect();
/// assert!(codes.contains(&Code::PhoneNotE164));
/// assert!(codes.contains(&Code::EditHistoryMissing));
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
pub fn validate(session: &Session<'_>, as_of: NaiveDate, ages: AgeBounds) -> Vec<Finding> {
    let mut out = Vec::with_capacity(8);
    match session.request_id.as_deref() {
        None | Some("") => out.push(Finding::new(Code::RequestIdMissing)),
        Some(id) if !is_plaid_request_id(id) => out.push(Finding::new(Code::RequestIdMalformed)),
        Some(_) => {}
    }
    match &session.identity {
        None => out.push(Finding::new(Code::IdentityMissing)),
        Some(id) => {
            name::check(id.name.as_ref(), &mut out);
            address::check(id.address.as_ref(), &mut out);
            phone_finding(id.phone_number.as_deref(), &mut out);
            email::check(id.email.as_deref(), &mut out);
            date::check(id.date_of_birth.as_deref(), as_of, ages, &mut out);
            ssn::check(
                id.ssn.as_deref(),
                id.ssn_last_4.as_deref(),
                id.ssn_last4.as_deref(),
                &mut out,
            );
        }
    }
    history(session, &mut out);
    idv(session.idv_session_status.as_deref(), &mut out);
    if session.items.is_none_or(|n| n.0 == 0) {
        out.push(Finding::new(Code::NoLinkedAccounts));
    }
    out
}

/// The phone's findings. Layer is US-only: a valid number must be of the United States or a
/// US territory (PR, GU, VI, AS, MP: the NANP regions that are US), else
/// `phone_outside_nanp` (not +1) or `phone_outside_us` (+1 of Canada, the Caribbean, ...);
/// and of a type a person's phone can have, else `phone_service_number` (toll free, premium
/// rate, shared cost, UAN, voicemail access; libphonenumber's number types, checked in its
/// order). A number can carry both.
fn phone_finding(raw: Option<&str>, out: &mut Vec<Finding>) {
    use phone::PhoneVerdict;
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        out.push(Finding::new(Code::PhoneMissing));
        return;
    };
    let (verdict, kind) = phone::check_typed(raw);
    match verdict {
        PhoneVerdict::Valid {
            country_code: 1,
            region,
        } => {
            if !crate::geo::is_us_or_territory(region.as_str()) {
                out.push(Finding::new(Code::PhoneOutsideUs).observed(Observed::Region(region)));
            }
        }
        PhoneVerdict::Valid { region, .. } => {
            out.push(Finding::new(Code::PhoneOutsideNanp).observed(Observed::Region(region)))
        }
        PhoneVerdict::NotE164 => out.push(Finding::new(Code::PhoneNotE164)),
        PhoneVerdict::UnknownCountryCode => out.push(Finding::new(Code::PhoneInvalid)),
        PhoneVerdict::Invalid { country_code } => {
            out.push(Finding::new(Code::PhoneInvalid).observed(u64::from(country_code)))
        }
        #[allow(unreachable_patterns)]
        _ => out.push(Finding::new(Code::PhoneInvalid)),
    }
    if let Some(label) = kind.service_label() {
        out.push(Finding::new(Code::PhoneServiceNumber).observed(label));
    }
}

fn history(session: &Session<'_>, out: &mut Vec<Finding>) {
    let Some(h) = &session.identity_edit_history else {
        out.push(Finding::new(Code::EditHistoryMissing));
        return;
    };
    for field in EditField::ALL {
        match h.counts(field) {
            None => out.push(Finding::new(Code::EditCountsMissing).subject(field)),
            Some(c) => counts(field, c, out),
        }
    }
}

fn counts(field: EditField, c: &EditCounts, out: &mut Vec<Finding>) {
    let missing = Window::ALL.iter().filter(|w| c.get(**w).is_none()).count();
    if missing > 0 {
        out.push(
            Finding::new(Code::EditWindowsMissing)
                .subject(field)
                .observed(missing as u64),
        );
    }
    // Compare each present window with the next present wider one.
    let mut prev: Option<(Window, u32)> = None;
    for w in Window::ALL {
        let Some(n) = c.get(w) else { continue };
        if let Some((pw, pn)) = prev {
            if pn > n {
                let label = nesting_label(pw, w);
                out.push(
                    Finding::new(Code::EditWindowsNotNested)
                        .subject(field)
                        .observed(label),
                );
                return;
            }
        }
        prev = Some((w, n));
    }
}

/// `narrow>wide`, as a static label (no allocation on the hot path).
fn nesting_label(narrow: Window, wide: Window) -> &'static str {
    use Window::*;
    match (narrow, wide) {
        (Current, Day) => "current>1d",
        (Current, Month) => "current>30d",
        (Current, Year) => "current>365d",
        (Current, AllTime) => "current>all_time",
        (Day, Month) => "1d>30d",
        (Day, Year) => "1d>365d",
        (Day, AllTime) => "1d>all_time",
        (Month, Year) => "30d>365d",
        (Month, AllTime) => "30d>all_time",
        (Year, AllTime) => "365d>all_time",
        _ => "not_nested",
    }
}

pub(crate) fn idv(status: Option<&str>, out: &mut Vec<Finding>) {
    match status.map(idv_label) {
        None => {}
        Some("success") => out.push(Finding::new(Code::IdvPassed)),
        Some("failed") => out.push(Finding::new(Code::IdvFailed)),
        Some(label) => {
            out.push(Finding::new(Code::IdvNotCompleted).observed(label));
            match label {
                "pending_review" => out.push(Finding::new(Code::IdvPendingReview)),
                "unknown" => out.push(Finding::new(Code::IdvStatusUnknown)),
                _ => {}
            }
        }
    }
}

/// The request id a decision echoes: `id` when it is shaped like Plaid's (see
/// [`is_plaid_request_id`]; `request_id_malformed` otherwise), else none.
pub(crate) fn echoed_request_id(id: Option<&str>) -> Option<&str> {
    id.filter(|r| is_plaid_request_id(r))
}

/// Is `id` shaped like a Plaid request id (`m8MDnv9okwxFNBV`): 1 to 64 ASCII letters and
/// digits, at least one of them a letter? Only such an id is echoed into decisions and
/// `Debug` output; anything else could be a value a caller smuggled in (an SSN, an email).
pub(crate) fn is_plaid_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && id.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The known `idv_session_status` values as static labels, compared without regard to case
/// or surrounding spaces (`"Failed"` is `failed`); anything else is `unknown`.
pub(crate) fn idv_label(status: &str) -> &'static str {
    const KNOWN: [&str; 6] = [
        "success",
        "failed",
        "active",
        "pending_review",
        "expired",
        "canceled",
    ];
    let s = status.trim();
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(s))
        .copied()
        .unwrap_or("unknown")
}
