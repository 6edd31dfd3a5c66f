//! Date of birth: `YYYY-MM-DD`, a real calendar date, not in the future, an age in bounds.
//!
//! Whatever a rules file's `age.max` says, an age over [`MAX_LIVING_AGE`] is implausible: the
//! oldest verified living people are about 115 to 117. Above the file's maximum it is
//! `dob_over_max_age` as before; at or below it (a file with `age.max` 120, the default),
//! `dob_implausible_age`, class invalid on the date of birth: a doubt Identity Match cannot
//! settle. A new code rather than the engine capping `age.max`, so that `dob_over_max_age`
//! keeps its documented meaning and threshold (the rules' maximum) and a file prices the
//! two apart.

use chrono::{Datelike, NaiveDate};

use crate::fields::{ymd_shape, AgeBounds};
use crate::finding::{Code, Finding};

/// Parse a strict `YYYY-MM-DD` date. `Err(code)` says whether the text is malformed or
/// names a day that does not exist.
pub(crate) fn parse_ymd(raw: &str) -> Result<NaiveDate, Code> {
    let (y, m, d) = ymd_shape(raw).ok_or(Code::DobMalformed)?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or(Code::DobImpossible)
}

/// The oldest age a living applicant can plausibly have (see the module docs).
pub(crate) const MAX_LIVING_AGE: u32 = 110;

/// Whole years from `dob` to `as_of` (birthday-aware; 29 February birthdays turn a year older
/// on 1 March in common years).
pub(crate) fn age_on(dob: NaiveDate, as_of: NaiveDate) -> u32 {
    let mut years = as_of.year() - dob.year();
    if (as_of.month(), as_of.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

pub(crate) fn check(
    raw: Option<&str>,
    as_of: NaiveDate,
    bounds: AgeBounds,
    out: &mut Vec<Finding>,
) {
    let Some(raw) = raw else {
        out.push(Finding::new(Code::DobMissing));
        return;
    };
    let dob = match parse_ymd(raw) {
        Ok(d) => d,
        Err(code) => {
            out.push(Finding::new(code));
            return;
        }
    };
    if dob > as_of {
        out.push(Finding::new(Code::DobInFuture));
        return;
    }
    let age = age_on(dob, as_of);
    if age < bounds.min {
        out.push(
            Finding::new(Code::DobUnderMinAge)
                .observed(age)
                .threshold(u64::from(bounds.min)),
        );
    } else if age > bounds.max {
        out.push(
            Finding::new(Code::DobOverMaxAge)
                .observed(age)
                .threshold(u64::from(bounds.max)),
        );
    } else if age > MAX_LIVING_AGE {
        out.push(
            Finding::new(Code::DobImplausibleAge)
                .observed(age)
                .threshold(u64::from(MAX_LIVING_AGE)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_ymd(s).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn parses_only_strict_calendar_dates() {
        assert_eq!(
            parse_ymd("1975-01-18").map(|d| d.to_string()),
            Ok("1975-01-18".into())
        );
        assert_eq!(parse_ymd("1979-02-30"), Err(Code::DobImpossible));
        assert_eq!(parse_ymd("1985-13-01"), Err(Code::DobImpossible));
        assert!(parse_ymd("2000-02-29").is_ok());
        assert_eq!(parse_ymd("1900-02-29"), Err(Code::DobImpossible));
        for bad in [
            "01/18/1975",
            "1975-1-8",
            "1975-01-18T00:00:00Z",
            " 1975-01-18",
            "",
            "１９７５-01-18",
            "1975/01/18",
        ] {
            assert_eq!(parse_ymd(bad), Err(Code::DobMalformed), "{bad}");
        }
    }

    #[test]
    fn age_is_birthday_aware() {
        assert_eq!(age_on(d("2008-11-22"), d("2026-11-22")), 18);
        assert_eq!(age_on(d("2008-11-23"), d("2026-11-22")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-02-28")), 17);
        assert_eq!(age_on(d("2008-02-29"), d("2026-03-01")), 18);
    }
}
