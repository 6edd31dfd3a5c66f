//! Date-of-birth comparison: exact, day/month swap, single-digit typo (day, month, or a year
//! off by one).

use super::DobMatch;
use chrono::NaiveDate;

use crate::fields::AgeBounds;
use crate::finding::{Code, Finding};
use crate::validate::date::age_on;

/// Day and month swapped.
const SWAP_SCORE: u8 = 80;
/// Exactly one of the eight digits differs, and the years are at most one apart.
const TYPO_SCORE: u8 = 75;

/// The eight digits `YYYYMMDD` of a `YYYY-MM-DD` / `YYYY/MM/DD` string (optionally followed by
/// `T...` or a space and a time), not yet checked as a calendar date.
fn digits(s: &str) -> Option<[u8; 8]> {
    let b = s.trim().as_bytes();
    let date = b.get(..10)?;
    if let Some(&next) = b.get(10) {
        if next != b'T' && next != b't' && next != b' ' {
            return None;
        }
    }
    let sep = *date.get(4)?;
    if !(sep == b'-' || sep == b'/') || date.get(7) != Some(&sep) {
        return None;
    }
    let mut out = [0u8; 8];
    let mut k = 0;
    for (i, &c) in date.iter().enumerate() {
        if i == 4 || i == 7 {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        *out.get_mut(k)? = c - b'0';
        k += 1;
    }
    Some(out)
}

fn ymd(d: &[u8; 8]) -> (i32, u32, u32) {
    let n = |r: std::ops::Range<usize>| -> u32 {
        d.get(r)
            .unwrap_or(&[])
            .iter()
            .fold(0u32, |acc, &x| acc * 10 + u32::from(x))
    };
    (n(0..4) as i32, n(4..6), n(6..8))
}

fn valid(d: &[u8; 8]) -> bool {
    let (y, m, dd) = ymd(d);
    NaiveDate::from_ymd_opt(y, m, dd).is_some()
}

/// The same digits with month and day exchanged.
fn swapped(d: &[u8; 8]) -> [u8; 8] {
    let mut s = *d;
    s.swap(4, 6);
    s.swap(5, 7);
    s
}

/// Compares two dates of birth. `None` when either is missing or blank; a present but invalid
/// date (unparseable or not a calendar date) scores 0, unless it is exactly the other date with
/// day and month swapped (`1975-18-01` vs `1975-01-18`), which is flagged as a swap.
///
/// Between two valid dates:
/// - equal: 100;
/// - day and month swapped (`1975-03-04` vs `1975-04-03`): 80, `is_day_month_swap`;
/// - a single-digit typo: 75, `is_single_digit_typo`. That is exactly one of the eight digits
///   differing, either in the month or the day (`1975-01-18` vs `1975-01-19` or `1975-01-28`),
///   or in the year when the years are exactly one apart (`1975` vs `1976`, `1979` vs `1978`).
///   One changed year digit further apart (`1975` vs `1995`, `1975` vs `1985`, `1975` vs
///   `1979`) is a different person's date, not a slip: it scores as any other year difference.
///   Years one apart through two digits (`1979` vs `1980`) are not a single-digit typo either;
/// - otherwise same year and month: 50; same year only: 30; a different year: 0.
pub(crate) fn compare_dobs(a: Option<&str>, b: Option<&str>) -> Option<DobMatch> {
    let (a, b) = (a?.trim(), b?.trim());
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let mut r = DobMatch {
        score: 0,
        is_day_month_swap: false,
        is_single_digit_typo: false,
    };
    let (Some(da), Some(db)) = (digits(a), digits(b)) else {
        return Some(r);
    };
    let (va, vb) = (valid(&da), valid(&db));
    if da == db {
        if va {
            r.score = 100;
        }
        return Some(r);
    }
    let is_swap = swapped(&da) == db && da.get(4..6) != da.get(6..8);
    if is_swap && (va || vb) {
        r.score = SWAP_SCORE;
        r.is_day_month_swap = true;
        return Some(r);
    }
    if !(va && vb) {
        return Some(r);
    }
    let (ya, ma, _) = ymd(&da);
    let (yb, mb, _) = ymd(&db);
    let differing = da.iter().zip(db.iter()).filter(|(x, y)| x != y).count();
    // A lone differing digit in the year only passes as a typo when it moves the year by one.
    if differing == 1 && (ya == yb || ya.abs_diff(yb) == 1) {
        r.score = TYPO_SCORE;
        r.is_single_digit_typo = true;
        return Some(r);
    }
    r.score = match (ya == yb, ma == mb) {
        (true, true) => 50,
        (true, false) => 30,
        _ => 0,
    };
    Some(r)
}

/// The findings of a decision made with an applicant, about the date of birth: the Layer
/// date of birth `layer` against the applicant's `applicant` (the backend's own record), and
/// the applicant's own age on `as_of` against `ages.min`. No silent tolerance:
///
/// * `dob_applicant_mismatch` (inconsistent) whenever both are present and do not name the
///   same date, observed `day_month_swap`, `one_digit` (the single-digit typo of
///   [`compare_dobs`], a year one off included), `other`, or `applicant_unreadable` when the
///   applicant's date is not a date [`compare_dobs`] can read (the Layer side's own defects
///   are `validate`'s findings: a Layer date that is not a date gives no mismatch here);
/// * `dob_applicant_under_min_age` (risk) when the applicant's date is a date before `as_of`
///   and gives an age below `ages.min`.
///
/// Either side missing or blank: no finding (as for the match score).
pub(crate) fn applicant_dob_findings(
    layer: Option<&str>,
    applicant: Option<&str>,
    as_of: NaiveDate,
    ages: AgeBounds,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let applicant = applicant.map(str::trim).filter(|a| !a.is_empty());
    let applicant_date = applicant.and_then(digits).and_then(|d| {
        let (y, m, dd) = ymd(&d);
        NaiveDate::from_ymd_opt(y, m, dd)
    });
    let layer_date = layer
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .and_then(digits)
        .filter(valid);
    if let (Some(l), Some(a)) = (layer_date, applicant) {
        let label = match digits(a).filter(valid) {
            None => Some("applicant_unreadable"),
            Some(d) if d == l => None,
            Some(_) => {
                let m = compare_dobs(layer, Some(a));
                Some(match m {
                    Some(m) if m.is_day_month_swap => "day_month_swap",
                    Some(m) if m.is_single_digit_typo => "one_digit",
                    _ => "other",
                })
            }
        };
        if let Some(label) = label {
            out.push(Finding::new(Code::DobApplicantMismatch).observed(label));
        }
    }
    if let Some(a) = applicant_date.filter(|a| *a <= as_of) {
        let age = age_on(a, as_of);
        if age < ages.min {
            out.push(
                Finding::new(Code::DobApplicantUnderMinAge)
                    .observed(age)
                    .threshold(u64::from(ages.min)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: &str, b: &str) -> DobMatch {
        compare_dobs(Some(a), Some(b)).unwrap_or(DobMatch {
            score: 255,
            is_day_month_swap: false,
            is_single_digit_typo: false,
        })
    }

    #[test]
    fn exact_and_formats() {
        assert_eq!(s("1975-01-18", "1975-01-18").score, 100);
        assert_eq!(s("1975-01-18", "1975/01/18").score, 100);
        assert_eq!(s("1975-01-18", "1975-01-18T00:00:00Z").score, 100);
    }

    #[test]
    fn swap_and_typo() {
        let r = s("1975-03-04", "1975-04-03");
        assert!(r.is_day_month_swap && !r.is_single_digit_typo && r.score == SWAP_SCORE);
        let r = s("1975-01-18", "1975-18-01");
        assert!(r.is_day_month_swap, "impossible date read as a swap");
        let r = s("1975-01-18", "1976-01-18");
        assert!(r.is_single_digit_typo && r.score == TYPO_SCORE);
        let r = s("1979-01-18", "1978-01-18");
        assert!(r.is_single_digit_typo && r.score == TYPO_SCORE);
        let r = s("1975-01-18", "1975-01-28");
        assert!(r.is_single_digit_typo && r.score == TYPO_SCORE);
        let r = s("1975-01-18", "1975-11-18");
        assert!(r.is_single_digit_typo && r.score == TYPO_SCORE);
        let r = s("1975-01-18", "1957-01-18");
        assert!(!r.is_single_digit_typo && r.score < 70);
    }

    #[test]
    fn one_year_digit_far_apart_is_not_a_typo() {
        for other in [
            "1995-01-18",
            "1985-01-18",
            "1979-01-18",
            "1973-01-18",
            "2975-01-18",
        ] {
            let r = s("1975-01-18", other);
            assert!(!r.is_single_digit_typo && !r.is_day_month_swap, "{other}");
            assert!(r.score < 70, "{other}: {}", r.score);
            assert_eq!(r, s(other, "1975-01-18"), "{other}");
        }
        // one year apart through two digits: not a single digit
        let r = s("1979-01-18", "1980-01-18");
        assert!(!r.is_single_digit_typo && r.score < 70);
        // same day and month: not a swap
        assert_eq!(s("1975-03-03", "1975-03-03").score, 100);
    }

    #[test]
    fn invalid_scores_zero_missing_is_none() {
        assert_eq!(s("1975-02-30", "1975-02-30").score, 0);
        assert_eq!(s("18/01/1975", "1975-01-18").score, 0);
        assert_eq!(s("😀", "1975-01-18").score, 0);
        assert!(compare_dobs(None, Some("1975-01-18")).is_none());
        assert!(compare_dobs(Some(" "), Some("1975-01-18")).is_none());
    }
}
