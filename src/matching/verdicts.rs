//! Plaid's other verdicts beside the session, checked: what each says, as findings, and which
//! doubts each settles.
//!
//! - **`/protect/compute`**: the Trust Index feeds the rules' `signal_rules`; a response
//!   without its score is `protect_score_missing`.
//! - **`/identity/match`**: per field (legal name, phone, email, address), the best score over
//!   the accounts is held to the rules' `identity_match_thresholds`: at or above, Identity
//!   Match settled that field's doubts (a user who passed it is not sent to it again); below,
//!   `identity_match_*_failed` (inconsistent, at least identity_verification: Identity Match
//!   was tried and failed). A score that is `null` (a side lacked the value) says nothing.
//! - **`/identity_verification/get`**: its status takes the place of the session's
//!   `idv_session_status` (the same codes; a body without a status reads as a status this
//!   release does not know, so it never clears a failed session). A `success` settles the doubts of the fields it
//!   verified only when the identity it verified agrees with the Layer identity: the name
//!   (Identity Match's strong band, 85+), the date of birth (exactly), the address (90+), the
//!   phone (exactly, after normalisation), the email (the same mailbox: 90+, so dots and
//!   tags in a Gmail address agree), the SSN (`us_ssn`, all nine digits);
//!   name and date of birth together settle doubts about the identity as a whole. Any field
//!   present on both sides that differs is `idv_identity_mismatch` (at least manual_review)
//!   instead of `idv_passed`: Identity Verification verified someone, not this identity.

use super::{compare, IdentityFields};
use crate::fields::MatchThresholds;
use crate::finding::{Code, Field, Finding};
use crate::session::{Identity, Session};
use crate::signals::{IdvUser, Signals};

/// A set of [`Field`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldSet(u32);

impl FieldSet {
    pub(crate) fn insert(&mut self, f: Field) {
        self.0 |= 1 << (f as u32);
    }

    pub(crate) fn contains(self, f: Field) -> bool {
        self.0 & (1 << (f as u32)) != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// The fields whose doubts a verdict settled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Settled {
    /// By a passed Identity Match.
    pub(crate) identity_match: FieldSet,
    /// By a successful Identity Verification of this identity.
    pub(crate) identity_verification: FieldSet,
}

impl Settled {
    /// Who settled a doubt about `f`, if anyone (Identity Verification first).
    pub(crate) fn by(self, f: Field) -> Option<&'static str> {
        if self.identity_verification.contains(f) {
            Some("identity_verification")
        } else if self.identity_match.contains(f) {
            Some("identity_match")
        } else {
            None
        }
    }
}

/// The verdicts' values that `signal_rules` read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SignalValues {
    /// The Trust Index (0 to 100; higher is lower risk).
    pub(crate) trust_index: Option<u32>,
    /// The synthetic identity score (0 to 100; higher is riskier).
    pub(crate) synthetic_identity: Option<u32>,
    /// The stolen identity score.
    pub(crate) stolen_identity: Option<u32>,
}

/// Check the verdicts beside `session`: append their findings to `findings` (replacing the
/// session's own IDV findings when an `/identity_verification/get` response is there) and
/// say what they settle and what the signal rules read.
pub(crate) fn observe(
    session: &Session<'_>,
    signals: &Signals<'_>,
    thresholds: MatchThresholds,
    findings: &mut Vec<Finding>,
) -> (Settled, SignalValues) {
    let mut settled = Settled::default();
    let mut values = SignalValues::default();
    if let Some(p) = &signals.protect {
        match p.score {
            None => findings.push(Finding::new(Code::ProtectScoreMissing)),
            Some(s) => values.trust_index = Some(s.min(100)),
        }
    }
    if let Some(im) = &signals.identity_match {
        findings.push(Finding::new(Code::IdentityMatchRan));
        let fields = [
            (Code::IdentityMatchNameFailed, Field::Name),
            (Code::IdentityMatchPhoneFailed, Field::PhoneNumber),
            (Code::IdentityMatchEmailFailed, Field::Email),
            (Code::IdentityMatchAddressFailed, Field::Address),
        ];
        for ((code, field), (score, t)) in fields
            .into_iter()
            .zip(im.best().into_iter().zip(thresholds.all()))
        {
            match score {
                Some(s) if s >= t => settled.identity_match.insert(field),
                Some(s) => findings.push(Finding::new(code).observed(s).threshold(u64::from(t))),
                None => {}
            }
        }
    }
    if let Some(v) = &signals.identity_verification {
        findings.retain(|f| f.code.field() != Field::Idv);
        let before = findings.len();
        // The body's status is required by Plaid's API: a body without one says nothing
        // that could clear the session's status, so it reads as a status this release does
        // not know (at least manual_review), never as no IDV at all.
        crate::validate::idv(Some(v.status.as_deref().unwrap_or("")), findings);
        let passed = findings[before..]
            .iter()
            .position(|f| f.code == Code::IdvPassed);
        if let Some(at) = passed {
            match agreement(session.identity.as_ref(), v.user.as_ref()) {
                Ok(verified) => settled.identity_verification = verified,
                Err(field) => {
                    findings[before + at] = Finding::new(Code::IdvIdentityMismatch).observed(field)
                }
            }
        }
        let abuse = v
            .risk_check
            .as_ref()
            .and_then(|r| r.identity_abuse_signals.as_ref());
        let score =
            |s: Option<crate::signals::MatchScore>| s.and_then(|s| s.score).map(|s| s.min(100));
        values.synthetic_identity = abuse.and_then(|a| score(a.synthetic_identity));
        values.stolen_identity = abuse.and_then(|a| score(a.stolen_identity));
    }
    (settled, values)
}

/// Which fields a successful Identity Verification verified for the Layer identity, or the
/// first field where the identity it verified differs from it.
fn agreement(
    layer: Option<&Identity<'_>>,
    user: Option<&IdvUser<'_>>,
) -> Result<FieldSet, &'static str> {
    let (Some(layer), Some(user)) = (layer, user) else {
        return Ok(FieldSet::default());
    };
    let name = user.name.as_ref();
    let address = user.address.as_ref();
    let verified = IdentityFields {
        first_name: name.and_then(|n| n.given_name.as_deref()),
        last_name: name.and_then(|n| n.family_name.as_deref()),
        street: address.and_then(|a| a.street.as_deref()),
        street2: address.and_then(|a| a.street2.as_deref()),
        city: address.and_then(|a| a.city.as_deref()),
        region: address.and_then(|a| a.region.as_deref()),
        postal_code: address.and_then(|a| a.postal_code.as_deref()),
        country: address.and_then(|a| a.country.as_deref()),
        phone_number: user.phone_number.as_deref(),
        email: user.email_address.as_deref(),
        date_of_birth: user.date_of_birth.as_deref(),
        ..IdentityFields::default()
    };
    let report = compare(&layer.fields(), &verified);
    let mut out = FieldSet::default();
    let checks = [
        (
            Field::Name,
            "name",
            report.legal_name.map(|s| s.score >= 85),
        ),
        (
            Field::DateOfBirth,
            "date_of_birth",
            report.date_of_birth.map(|s| s.score == 100),
        ),
        (
            Field::Address,
            "address",
            report.address.map(|s| s.score >= 90),
        ),
        (
            Field::PhoneNumber,
            "phone_number",
            report.phone_number.map(|s| s.score == 100),
        ),
        (
            Field::Email,
            "email",
            report.email_address.map(|s| s.score >= 90),
        ),
    ];
    for (field, label, agrees) in checks {
        match agrees {
            Some(true) => out.insert(field),
            Some(false) => return Err(label),
            None => {}
        }
    }
    let id = user.id_number.as_ref();
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let kind = id.and_then(|i| i.kind.as_deref());
    let value = id.and_then(|i| i.value.as_deref()).map(digits);
    if let (Some("us_ssn" | "us_ssn_last_4"), Some(v)) = (kind, value) {
        // The full SSN settles the SSN when it equals the Layer one; a last four only says
        // whether it differs.
        let full = kind == Some("us_ssn") && v.len() == 9;
        let last4 = v.get(v.len().saturating_sub(4)..).unwrap_or_default();
        let ssn = layer.ssn.as_deref();
        let layer_last4 = ssn
            .and_then(|s| s.get(s.len().saturating_sub(4)..))
            .or(layer.ssn_last_four());
        match (ssn, layer_last4) {
            (Some(ssn), _) if full && ssn == v => out.insert(Field::Ssn),
            (Some(_), _) if full => return Err("ssn"),
            (_, Some(l)) if l != last4 => return Err("ssn"),
            _ => {}
        }
    }
    if out.contains(Field::Name) && out.contains(Field::DateOfBirth) {
        out.insert(Field::Identity);
    }
    Ok(out)
}
