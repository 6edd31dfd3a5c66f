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
