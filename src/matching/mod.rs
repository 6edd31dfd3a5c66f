//! Identity consistency scoring: a local, microsecond-scale equivalent of Plaid Identity Match.
//!
//! [`compare`] scores each field of two views of a person ([`IdentityFields`], e.g. the Layer
//! session identity and the backend's own applicant record) from 0 to 100, with the same output
//! field names and flags as Plaid's `/identity/match`, and [`band`] maps a score to Plaid's
//! documented bands. Outputs hold scores and flags only, never a compared value.
//!
//! Scores are 100 when the values are equal after folding (case, accents, punctuation,
//! whitespace), 99 when equal after semantic normalisation (abbreviations, titles, ZIP+4,
//! state names ...), lower as the values drift apart. A score is `None` when the field is
//! missing (or empty after folding) on either side, as in Identity Match.
//!
//! Pure: no I/O, no clock, no allocation-heavy work; the nickname table is built once.

use serde::Serialize;

mod address;
mod dob;
mod email;
mod fold;
mod name;
mod nickname;
mod phone;
pub(crate) mod verdicts;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod table_tests;

use chrono::NaiveDate;

use crate::fields::AgeBounds;
use crate::finding::{Field, Finding};
use crate::session::{IdentityFields, Session};
use crate::validate::validate;

// The canonical texts behind the linkage keys (`crate::link`): one normalisation for
// comparing and for linking.
pub(crate) use address::address_key_text;
pub(crate) use email::email_key_text;
pub(crate) use name::name_key_text;

/// [`validate`], plus, with an applicant, the findings of the comparison that hold whatever a
/// rules file's match rules say: the Layer date of birth differing from the applicant's in any
/// way (`dob_applicant_mismatch`) and the applicant's own age below `ages.min`
/// (`dob_applicant_under_min_age`), after validation's findings. Without an applicant this is
/// exactly [`validate`].
pub(crate) fn validate_with_applicant(
    session: &Session<'_>,
    applicant: Option<&IdentityFields<'_>>,
    as_of: NaiveDate,
    ages: AgeBounds,
) -> Vec<Finding> {
    let mut findings = validate(session, as_of, ages);
    if let Some(a) = applicant {
        let layer = session
            .identity
            .as_ref()
            .and_then(|i| i.date_of_birth.as_deref());
        findings.extend(dob::applicant_dob_findings(
            layer,
            a.date_of_birth,
            as_of,
            ages,
        ));
    }
    findings
}

/// Per-field scores, named exactly as Plaid Identity Match names them.
/// Each is `None` when the field is missing on either side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MatchReport {
    /// Name score and flags (`None` when either side lacks a name).
    pub legal_name: Option<NameMatch>,
    /// Phone score.
    pub phone_number: Option<ScoreOnly>,
    /// Email score.
    pub email_address: Option<ScoreOnly>,
    /// Address score and postal-code flag.
    pub address: Option<AddressMatch>,
    /// Date-of-birth score and flags (not part of Identity Match; same 0-100 scale).
    pub date_of_birth: Option<DobMatch>,
    /// Inside the Layer identity alone: the email's local part against the name (a weak
    /// signal; see [`email_name_score`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_name: Option<ScoreOnly>,
}

impl MatchReport {
    /// The score of one field, if both sides had it.
    pub fn score(&self, field: MatchField) -> Option<u8> {
        match field {
            MatchField::LegalName => self.legal_name.map(|m| m.score),
            MatchField::PhoneNumber => self.phone_number.map(|m| m.score),
            MatchField::EmailAddress => self.email_address.map(|m| m.score),
            MatchField::Address => self.address.map(|m| m.score),
            MatchField::DateOfBirth => self.date_of_birth.map(|m| m.score),
            MatchField::EmailName => self.email_name.map(|m| m.score),
        }
    }
}

/// Name score (Identity Match `NameMatchScore`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NameMatch {
    /// 0 to 100.
    pub score: u8,
    /// Exactly one of first name / last name matches (likely a family member).
    pub is_first_name_or_last_name_match: bool,
    /// The first names matched through the nickname table (e.g. William / Bill).
    pub is_nickname_match: bool,
    /// A business word (LLC, Inc, Corp, Ltd, Co, Company, Trust ...) is a token on either side.
    pub is_business_name_detected: bool,
}

/// A score without flags (phone, email).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreOnly {
    /// 0 to 100.
    pub score: u8,
}

/// Address score (Identity Match `AddressMatchScore`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AddressMatch {
    /// 0 to 100.
    pub score: u8,
    /// The first 5 ZIP digits (US) or the whole normalised postal code (elsewhere) are equal.
    pub is_postal_code_match: bool,
}

/// Date-of-birth score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DobMatch {
    /// 0 to 100 (0 when either value is present but not a valid date).
    pub score: u8,
    /// Day and month are swapped (`1975-03-04` vs `1975-04-03`).
    pub is_day_month_swap: bool,
    /// Exactly one of the eight digits differs, in the month or the day, or in the year with
    /// the years one apart (`1975` vs `1976`; `1975` vs `1995` is a different date).
    pub is_single_digit_typo: bool,
}

/// The compared fields, for [`band`] and for `match_rules` in rules files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchField {
    /// `legal_name`.
    LegalName,
    /// `phone_number`.
    PhoneNumber,
    /// `email_address`.
    EmailAddress,
    /// `address`.
    Address,
    /// `date_of_birth`.
    DateOfBirth,
    /// `email_name`: the Layer email's local part against the Layer name.
    EmailName,
}

impl MatchField {
    /// The identity field a score on this field concerns: `legal_name` is the name,
    /// `email_address` and `email_name` the email.
    pub fn concerns(self) -> Field {
        match self {
            MatchField::LegalName => Field::Name,
            MatchField::PhoneNumber => Field::PhoneNumber,
            MatchField::EmailAddress | MatchField::EmailName => Field::Email,
            MatchField::Address => Field::Address,
            MatchField::DateOfBirth => Field::DateOfBirth,
        }
    }

    /// The name used in reports and rules files.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchField::LegalName => "legal_name",
            MatchField::PhoneNumber => "phone_number",
            MatchField::EmailAddress => "email_address",
            MatchField::Address => "address",
            MatchField::DateOfBirth => "date_of_birth",
            MatchField::EmailName => "email_name",
        }
    }
}

/// Plaid's interpretation band of a score. `Strong` includes a perfect 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Name 85-100, address 90-100, phone/email/DOB 100.
    Strong,
    /// Name 70-84, address 70-89, phone/email/DOB 70-99.
    Partial,
    /// Below 70 (Plaid's default recommended threshold is 70 for every field).
    Mismatch,
}

/// The band of `score` for `field`, following Plaid's documented bands:
/// name 100 perfect / 85-99 strong / 70-84 partial / <70 mismatch; address 100 perfect /
/// 90-99 strong / 70-89 partial; phone and email 100 perfect / 70-99 partial. Date of birth is
/// not an Identity Match field; it uses the phone/email bands (only an exact date is strong).
pub fn band(field: MatchField, score: u8) -> Band {
    let strong_from = match field {
        MatchField::LegalName => 85,
        MatchField::Address => 90,
        MatchField::PhoneNumber
        | MatchField::EmailAddress
        | MatchField::DateOfBirth
        | MatchField::EmailName => 100,
    };
    if score >= strong_from {
        Band::Strong
    } else if score >= 70 {
        Band::Partial
    } else {
        Band::Mismatch
    }
}

/// Compares two views of a person field by field.
///
/// Symmetric for names (`compare(a, b).legal_name == compare(b, a).legal_name`); a value compared
/// with itself scores 100 when it is well-formed for its field. Never panics, whatever the input.
///
/// # Example
/// ```
/// use layer_risk::{band, compare, Band, IdentityFields, MatchField};
///
/// let layer = IdentityFields {
///     first_name: Some("William"),
///     last_name: Some("Public"),
///     street: Some("564 Main Street, APT 15"),
///     city: Some("Pawnee"),
///     region: Some("IN"),
///     postal_code: Some("41006"),
///     phone_number: Some("+14157452130"),
///     email: Some("bill.public@gmail.com"),
///     date_of_birth: Some("1975-01-18"),
///     ..Default::default()
/// };
/// let applicant = IdentityFields {
///     full_name: Some("Bill Q. Public"),
///     street: Some("564 Main St"),
///     street2: Some("Apt. 15"),
///     city: Some("PAWNEE"),
///     region: Some("Indiana"),
///     postal_code: Some("41006-1234"),
///     phone_number: Some("(415) 745-2130"),
///     email: Some("BillPublic@googlemail.com"),
///     date_of_birth: Some("1975-01-18"),
///     ..Default::default()
/// };
/// let r = compare(&layer, &applicant);
/// let name = r.legal_name.unwrap();
/// assert!(name.is_nickname_match);
/// assert_eq!(band(MatchField::LegalName, name.score), Band::Strong);
/// assert_eq!(band(MatchField::Address, r.address.unwrap().score), Band::Strong);
/// assert_eq!(r.phone_number.unwrap().score, 100);
/// assert_eq!(band(MatchField::EmailAddress, r.email_address.unwrap().score), Band::Partial);
/// assert_eq!(r.date_of_birth.unwrap().score, 100);
/// ```
pub fn compare(layer: &IdentityFields<'_>, applicant: &IdentityFields<'_>) -> MatchReport {
    MatchReport {
        legal_name: name::compare_names(layer, applicant),
        phone_number: phone::compare_phones(layer, applicant).map(|score| ScoreOnly { score }),
        email_address: email::compare_emails(layer.email, applicant.email)
            .map(|score| ScoreOnly { score }),
        address: address::compare_addresses(layer, applicant),
        date_of_birth: dob::compare_dobs(layer.date_of_birth, applicant.date_of_birth),
        email_name: email_name_score(layer).map(|score| ScoreOnly { score }),
    }
}

/// Inside the Layer session alone: how well the email local part matches the name (a weak
/// signal; 100 for `leslie.knope` with Leslie Knope, about 90 for `lknope` / `knopel`,
/// low for `xyz123`). `None` when the email has no letters before `@` or there is no name.
pub(crate) fn email_name_score(fields: &IdentityFields<'_>) -> Option<u8> {
    email::email_name_score(fields)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_values() {
        let f = IdentityFields {
            first_name: Some("Leslie"),
            email: Some("leslie@knope.com"),
            ..Default::default()
        };
        let d = format!("{f:?}");
        assert!(!d.contains("Leslie") && !d.contains("knope"), "{d}");
        assert!(d.contains("first_name") && d.contains("email"), "{d}");
        assert!(!d.contains("street"), "{d}");
    }

    #[test]
    fn bands_follow_plaid() {
        assert_eq!(band(MatchField::LegalName, 100), Band::Strong);
        assert_eq!(band(MatchField::LegalName, 85), Band::Strong);
        assert_eq!(band(MatchField::LegalName, 84), Band::Partial);
        assert_eq!(band(MatchField::LegalName, 70), Band::Partial);
        assert_eq!(band(MatchField::LegalName, 69), Band::Mismatch);
        assert_eq!(band(MatchField::Address, 90), Band::Strong);
        assert_eq!(band(MatchField::Address, 89), Band::Partial);
        assert_eq!(band(MatchField::PhoneNumber, 99), Band::Partial);
        assert_eq!(band(MatchField::EmailAddress, 100), Band::Strong);
        assert_eq!(band(MatchField::DateOfBirth, 0), Band::Mismatch);
    }

    #[test]
    fn empty_sides_give_no_scores() {
        let e = IdentityFields::default();
        let r = compare(&e, &e);
        assert_eq!(
            r,
            MatchReport {
                legal_name: None,
                phone_number: None,
                email_address: None,
                address: None,
                date_of_birth: None,
                email_name: None,
            }
        );
        assert_eq!(email_name_score(&e), None);
    }

    #[test]
    fn serialized_report_has_plaid_names_and_no_values() {
        let a = IdentityFields {
            first_name: Some("Leslie"),
            last_name: Some("Knope"),
            email: Some("leslie@knope.com"),
            phone_number: Some("+14157452130"),
            ..Default::default()
        };
        let r = compare(&a, &a);
        let j = serde_json::to_string(&r).unwrap();
        for k in [
            "legal_name",
            "is_first_name_or_last_name_match",
            "is_nickname_match",
            "is_business_name_detected",
            "phone_number",
            "email_address",
        ] {
            assert!(j.contains(k), "{j}");
        }
        assert!(
            !j.to_lowercase().contains("leslie") && !j.contains("4157452130"),
            "{j}"
        );
    }
}
