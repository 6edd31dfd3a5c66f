//! The applicant record a backend holds, read from JSON shaped like the Layer response's
//! `identity` object.

use super::IdentityFields;
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// An applicant as JSON, same shape as Layer's `identity`:
/// `{"name": {"first_name", "middle_name", "last_name", "full_name"}, "address": {"street",
/// "street2", "city", "region", "postal_code", "country"}, "phone_number", "email",
/// "date_of_birth"}`. Every field may be missing or `null`; unknown fields are ignored; strings
/// are borrowed from the input when they contain no escape.
///
/// `Debug` is redacting (prints which fields are present, never a value).
///
/// # Example
/// ```
/// use layer_risk::matching::{compare, Applicant, IdentityFields};
///
/// let json = r#"{"name": {"first_name": "Leslie", "last_name": "Knope"},
///                "email": null, "extra": 1}"#;
/// let a: Applicant<'_> = serde_json::from_str(json).unwrap();
/// let layer = IdentityFields { full_name: Some("Leslie Knope"), ..Default::default() };
/// assert_eq!(compare(&layer, &a.fields()).legal_name.unwrap().score, 100);
/// ```
#[derive(Clone, Default, Deserialize)]
pub struct Applicant<'a> {
    /// Name parts.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub name: Option<ApplicantName<'a>>,
    /// Postal address.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub address: Option<ApplicantAddress<'a>>,
    /// Phone number as typed or E.164.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub phone_number: Option<Cow<'a, str>>,
    /// Email address.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub email: Option<Cow<'a, str>>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub date_of_birth: Option<Cow<'a, str>>,
}

/// `identity.name` of an applicant.
#[derive(Clone, Default, Deserialize)]
pub struct ApplicantName<'a> {
    /// Given name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub first_name: Option<Cow<'a, str>>,
    /// Middle name(s).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub middle_name: Option<Cow<'a, str>>,
    /// Family name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub last_name: Option<Cow<'a, str>>,
    /// Whole name in one string.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub full_name: Option<Cow<'a, str>>,
}

/// `identity.address` of an applicant: the same shape as the response's address.
pub type ApplicantAddress<'a> = crate::session::Address<'a>;

/// Parse an applicant from JSON bytes (UTF-8 checked; objects only; errors located and
/// never quoting the input, like [`crate::parse_session`]).
///
/// # Errors
/// A [`crate::ParseError`].
pub fn parse_applicant_bytes(bytes: &[u8]) -> Result<Applicant<'_>, crate::ParseError> {
    crate::session::parse_json(crate::session::utf8(bytes)?)
}

impl<'a> Applicant<'a> {
    /// The applicant as comparison input (borrows from `self`).
    pub fn fields(&self) -> IdentityFields<'_> {
        let n = self.name.as_ref();
        IdentityFields {
            first_name: n.and_then(|n| n.first_name.as_deref()),
            middle_name: n.and_then(|n| n.middle_name.as_deref()),
            last_name: n.and_then(|n| n.last_name.as_deref()),
            full_name: n.and_then(|n| n.full_name.as_deref()),
            phone_number: self.phone_number.as_deref(),
            email: self.email.as_deref(),
            date_of_birth: self.date_of_birth.as_deref(),
            ..ApplicantAddress::fields(self.address.as_ref())
        }
    }
}

impl fmt::Debug for Applicant<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Same redaction as IdentityFields: field presence only.
        write!(f, "Applicant{:?}", self.fields())
    }
}

impl fmt::Debug for ApplicantName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplicantName")
            .field("first_name", &self.first_name.is_some())
            .field("middle_name", &self.middle_name.is_some())
            .field("last_name", &self.last_name.is_some())
            .field("full_name", &self.full_name.is_some())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FULL: &str = r#"{
        "name": {"first_name": "Leslie", "last_name": "Kn\u00f6pe", "middle_name": null},
        "address": {"street": "123 Main St.", "street2": "", "city": "Pawnee", "region": "IN",
                    "postal_code": "41006", "country": "US", "unknown": [1, 2]},
        "phone_number": "+14157452130",
        "email": "leslie@knope.com",
        "date_of_birth": "1975-01-18",
        "ssn": "987654321"
    }"#;

    #[test]
    fn reads_layer_shaped_json_and_borrows() {
        let a: Applicant<'_> = serde_json::from_str(FULL).unwrap();
        let n = a.name.as_ref().unwrap();
        assert!(matches!(n.first_name, Some(Cow::Borrowed("Leslie"))));
        // escaped string can't be borrowed
        assert!(matches!(n.last_name, Some(Cow::Owned(_))));
        assert!(n.middle_name.is_none());
        let f = a.fields();
        assert_eq!(f.street, Some("123 Main St."));
        assert_eq!(f.street2, Some(""));
        assert_eq!(f.phone_number, Some("+14157452130"));
        assert_eq!(f.date_of_birth, Some("1975-01-18"));
        assert_eq!(f.full_name, None);
    }

    #[test]
    fn everything_optional() {
        for j in [
            "{}",
            r#"{"name": null, "address": null}"#,
            r#"{"name": {}, "address": {}, "email": null}"#,
        ] {
            let a: Applicant<'_> = serde_json::from_str(j).unwrap();
            let f = a.fields();
            assert!(f.first_name.is_none() && f.street.is_none() && f.email.is_none());
        }
    }

    #[test]
    fn wrong_types_are_errors() {
        assert!(serde_json::from_str::<Applicant<'_>>(r#"{"email": 5}"#).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let a: Applicant<'_> = serde_json::from_str(FULL).unwrap();
        let d = format!("{a:?} {:?} {:?}", a.name, a.address);
        for secret in [
            "Leslie",
            "Main",
            "4157452130",
            "knope.com",
            "1975",
            "Pawnee",
        ] {
            assert!(!d.contains(secret), "{d}");
        }
    }
}
