//! The outcomes a decision can have: a base type, read by findings (a code's floor), rules
//! files (forces, guardrails, tiers) and the resolution alike.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The outcomes, from least to most friction: trust, the two step-ups, and the terminal one.
///
/// `#[non_exhaustive]`: a later release may add an outcome. A backend that matches on it
/// should treat an outcome it does not know as `manual_review` (fail closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The backend may use the identity as submitted.
    Trust,
    /// Check the identity against the linked bank accounts with Identity Match.
    IdentityMatch,
    /// Send the user through Identity Verification (documents, selfie).
    IdentityVerification,
    /// Terminal: no automatic step-up is left that would settle the doubt (the user already
    /// passed Identity Verification and doubts remain, Plaid's own review is pending, or the
    /// Identity Verification status is one this release does not know). A person decides.
    ManualReview,
}

impl Outcome {
    /// The name used in decisions and rules files.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Trust => "trust",
            Outcome::IdentityMatch => "identity_match",
            Outcome::IdentityVerification => "identity_verification",
            Outcome::ManualReview => "manual_review",
        }
    }

    /// All outcomes, least friction first.
    pub const ALL: [Outcome; 4] = [
        Outcome::Trust,
        Outcome::IdentityMatch,
        Outcome::IdentityVerification,
        Outcome::ManualReview,
    ];
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
