//! The serde model of Plaid's other verdicts a backend may hold beside the Layer session:
//! the `/protect/compute` response (Trust Index), the `/identity/match` response and the
//! `/identity_verification/get` response, as Plaid's generated clients define them.
//!
//! Tolerant like the session model: every field may be `null` or missing, unknown fields are
//! accepted (Plaid adds them), only what the rules read is kept. No judgement: validation
//! turns these into findings. No `Debug` output shows an identity value: the Identity
//! Verification's `user` holds the verified name, address, date of birth, ID number, phone
//! and email, and `Debug` shows which of them are present.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;

/// Plaid's verdicts beside one session, as an envelope's `signals` or the parts of a
/// [`Context`](crate::Context).
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct Signals<'a> {
    /// The `/protect/compute` response.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) protect: Option<ProtectResult>,
    /// The `/identity/match` response.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) identity_match: Option<IdentityMatchResult>,
    /// The `/identity_verification/get` response.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) identity_verification: Option<IdvResult<'a>>,
}

/// `/protect/compute`: the Trust Index.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct ProtectResult {
    /// Trust Index 0 to 100; higher is lower risk. `None` when `null` or missing.
    #[serde(default)]
    pub(crate) score: Option<u32>,
}

/// `/identity/match`: Plaid's comparison of the identity the backend sent with the owner
/// data of each account of the linked Item.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct IdentityMatchResult {
    /// The accounts, each with its four scores.
    #[serde(default, deserialize_with = "crate::de::opt_vec_obj")]
    pub(crate) accounts: Vec<IdentityMatchAccount>,
}

/// One account's Identity Match scores.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct IdentityMatchAccount {
    /// The legal name's score.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) legal_name: Option<MatchScore>,
    /// The phone number's score.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) phone_number: Option<MatchScore>,
    /// The email address's score.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) email_address: Option<MatchScore>,
    /// The address's score.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) address: Option<MatchScore>,
}

/// One Identity Match score (0 to 100; `None` when a side lacked the value).
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub(crate) struct MatchScore {
    /// The score.
    #[serde(default)]
    pub(crate) score: Option<u32>,
}

impl IdentityMatchResult {
    /// The best score over the accounts for each field (Plaid: the best over all owners), in
    /// the order legal name, phone, email, address.
    pub(crate) fn best(&self) -> [Option<u32>; 4] {
        let mut best = [None; 4];
        for a in &self.accounts {
            let scores = [a.legal_name, a.phone_number, a.email_address, a.address]
                .map(|s| s.and_then(|s| s.score));
            for (b, s) in best.iter_mut().zip(scores) {
                *b = (*b).max(s);
            }
        }
        best
    }
}

/// `/identity_verification/get`: the session's status, the identity it verified and its risk
/// check.
#[derive(Clone, Default, Deserialize)]
pub(crate) struct IdvResult<'a> {
    /// `success`, `failed`, `active`, `expired`, `canceled`, `pending_review`, or a status a
    /// later API version adds.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) status: Option<Cow<'a, str>>,
    /// The identity the user submitted to Identity Verification (what a `success` verified).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) user: Option<IdvUser<'a>>,
    /// The risk check.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) risk_check: Option<RiskCheck>,
}

impl fmt::Debug for IdvResult<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdvResult")
            .field("status", &self.status.as_ref().map(|_| "<present>"))
            .field("user", &self.user)
            .field("risk_check", &self.risk_check)
            .finish()
    }
}

/// The identity an Identity Verification verified.
#[derive(Clone, Default, Deserialize)]
pub(crate) struct IdvUser<'a> {
    /// Given and family name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) name: Option<IdvName<'a>>,
    /// Postal address.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) address: Option<IdvAddress<'a>>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) date_of_birth: Option<Cow<'a, str>>,
    /// The identification number (an SSN for `us_ssn`, its last four for `us_ssn_last_4`).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) id_number: Option<IdvIdNumber<'a>>,
    /// Phone number, E.164.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) phone_number: Option<Cow<'a, str>>,
    /// Email address.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) email_address: Option<Cow<'a, str>>,
}

impl fmt::Debug for IdvUser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |b: bool| if b { "<present>" } else { "<absent>" };
        f.debug_struct("IdvUser")
            .field("name", &present(self.name.is_some()))
            .field("address", &present(self.address.is_some()))
            .field("date_of_birth", &present(self.date_of_birth.is_some()))
            .field("id_number", &present(self.id_number.is_some()))
            .field("phone_number", &present(self.phone_number.is_some()))
            .field("email_address", &present(self.email_address.is_some()))
            .finish()
    }
}

/// `user.name`.
#[derive(Clone, Default, Deserialize)]
pub(crate) struct IdvName<'a> {
    /// Given name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) given_name: Option<Cow<'a, str>>,
    /// Family name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) family_name: Option<Cow<'a, str>>,
}

/// `user.address`.
#[derive(Clone, Default, Deserialize)]
pub(crate) struct IdvAddress<'a> {
    /// Street line.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) street: Option<Cow<'a, str>>,
    /// Second street line.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) street2: Option<Cow<'a, str>>,
    /// City.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) city: Option<Cow<'a, str>>,
    /// Region or state.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) region: Option<Cow<'a, str>>,
    /// Postal code.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) postal_code: Option<Cow<'a, str>>,
    /// ISO country code.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) country: Option<Cow<'a, str>>,
}

/// `user.id_number`.
#[derive(Clone, Default, Deserialize)]
pub(crate) struct IdvIdNumber<'a> {
    /// The number.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub(crate) value: Option<Cow<'a, str>>,
    /// Its type, e.g. `us_ssn`, `us_ssn_last_4`.
    #[serde(
        borrow,
        default,
        rename = "type",
        deserialize_with = "crate::de::opt_str"
    )]
    pub(crate) kind: Option<Cow<'a, str>>,
}

/// `risk_check`: what the rules read of it.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct RiskCheck {
    /// Synthetic and stolen identity scores.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) identity_abuse_signals: Option<IdentityAbuseSignals>,
}

/// `risk_check.identity_abuse_signals` (0 to 100 each; higher is riskier).
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct IdentityAbuseSignals {
    /// Synthetic identity score.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) synthetic_identity: Option<MatchScore>,
    /// Stolen identity score.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub(crate) stolen_identity: Option<MatchScore>,
}
