//! Base vocabulary shared by every layer: the identity fields that carry edit counts, the
//! edit-count windows, and the age bounds a date of birth is held against.

use serde::{Deserialize, Serialize};

/// An identity field with edit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EditField {
    /// `identity_edit_history.name`
    Name,
    /// `identity_edit_history.address`
    Address,
    /// `identity_edit_history.email`
    Email,
    /// `identity_edit_history.date_of_birth`
    DateOfBirth,
    /// `identity_edit_history.official_document.ssn`
    Ssn,
}

impl EditField {
    /// All fields, in the response's order.
    pub const ALL: [EditField; 5] = [
        EditField::Name,
        EditField::Address,
        EditField::Email,
        EditField::DateOfBirth,
        EditField::Ssn,
    ];

    /// The name used in rules files and decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            EditField::Name => "name",
            EditField::Address => "address",
            EditField::Email => "email",
            EditField::DateOfBirth => "date_of_birth",
            EditField::Ssn => "ssn",
        }
    }
}

/// An edit-count window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Window {
    /// `edits_current`: this session.
    #[serde(rename = "current")]
    Current,
    /// `edits_1d`
    #[serde(rename = "1d")]
    Day,
    /// `edits_30d`
    #[serde(rename = "30d")]
    Month,
    /// `edits_365d`
    #[serde(rename = "365d")]
    Year,
    /// `edits_all_time`
    #[serde(rename = "all_time")]
    AllTime,
}

impl Window {
    /// Narrowest first: the order in which counts must not decrease.
    pub const ALL: [Window; 5] = [
        Window::Current,
        Window::Day,
        Window::Month,
        Window::Year,
        Window::AllTime,
    ];

    /// The name used in rules files and decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Current => "current",
            Window::Day => "1d",
            Window::Month => "30d",
            Window::Year => "365d",
            Window::AllTime => "all_time",
        }
    }
}

/// Age bounds for the date of birth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBounds {
    /// Youngest acceptable age in whole years (default 18).
    pub min: u32,
    /// Oldest plausible age in whole years (default 120).
    pub max: u32,
}

impl Default for AgeBounds {
    fn default() -> Self {
        AgeBounds { min: 18, max: 120 }
    }
}

/// The Identity Match score at which a field passes (Plaid's recommended threshold is 70 for
/// every field): a rules file's `identity_match_thresholds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchThresholds {
    /// Legal name (default 70).
    #[serde(default = "seventy")]
    pub legal_name: u32,
    /// Phone number (default 70).
    #[serde(default = "seventy")]
    pub phone_number: u32,
    /// Email address (default 70).
    #[serde(default = "seventy")]
    pub email_address: u32,
    /// Address (default 70).
    #[serde(default = "seventy")]
    pub address: u32,
}

fn seventy() -> u32 {
    70
}

impl Default for MatchThresholds {
    fn default() -> Self {
        MatchThresholds {
            legal_name: 70,
            phone_number: 70,
            email_address: 70,
            address: 70,
        }
    }
}

impl MatchThresholds {
    /// In the order of [`crate::signals::IdentityMatchResult::best`]: name, phone, email,
    /// address.
    pub(crate) fn all(self) -> [u32; 4] {
        [
            self.legal_name,
            self.phone_number,
            self.email_address,
            self.address,
        ]
    }
}

/// What validation and matching read of a rule set: the age bounds and the Identity Match
/// thresholds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) ages: AgeBounds,
    pub(crate) thresholds: MatchThresholds,
}

/// The year, month and day of text shaped exactly `YYYY-MM-DD` (ten characters, ASCII
/// digits and two dashes), not yet checked against the calendar.
pub(crate) fn ymd_shape(raw: &str) -> Option<(i32, u32, u32)> {
    let b = raw.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    // The year has four digits, so it fits an i32.
    Some((num(0..4) as i32, num(5..7), num(8..10)))
}

/// A date written strictly `YYYY-MM-DD` that exists in the calendar: the rule a date of
/// birth is held to, and the one the language bindings hold an evaluation date to.
///
/// # Example
/// ```
/// use layer_risk::parse_date;
/// assert_eq!(parse_date("2024-02-29"), chrono::NaiveDate::from_ymd_opt(2024, 2, 29));
/// for bad in ["2026-02-30", "2026-1-02", " 2026-1-01", "+2026-1-01", "2026-01- 1", "2026/01/02"] {
///     assert_eq!(parse_date(bad), None, "{bad}");
/// }
/// ```
pub fn parse_date(raw: &str) -> Option<chrono::NaiveDate> {
    let (y, m, d) = ymd_shape(raw)?;
    chrono::NaiveDate::from_ymd_opt(y, m, d)
}
