//! Findings: what validation noticed, each with a stable reason code.
//!
//! The codes below are an interface: once shipped, a code never changes meaning. A rules file
//! must price every code (`findings` in the rules file; 0 is a price), so nothing is silently
//! skipped; [`Code::since`] says which release introduced each.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::fields::EditField;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $field:ident, $class:ident, $desc:literal; )*) => {
        /// A stable reason code for a validation finding.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every finding code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code as written in rules files and decisions, e.g. `phone_not_e164`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The field the code is about.
            pub fn field(self) -> Field {
                match self { $( Code::$variant => Field::$field, )* }
            }

            /// What kind of finding this is. Owned by the code, not by rules files: it drives
            /// the outcome semantics no rules file can change (invalid or inconsistent
            /// identity data is never trusted).
            pub fn class(self) -> Class {
                match self { $( Code::$variant => Class::$class, )* }
            }

            /// One line saying what the code means.
            pub fn description(self) -> &'static str {
                match self { $( Code::$variant => $desc, )* }
            }

            /// The code with this name, if any.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $( $name => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

impl Code {
    /// Does the code concern one identity field's edit counts (`edit_counts_missing`,
    /// `edit_windows_missing`, `edit_windows_not_nested`), so that a finding names that field
    /// as its subject?
    pub fn takes_subject(self) -> bool {
        self.field() == Field::EditHistory
    }

    /// The lowest outcome a decision with this finding can have, whatever a rules file says:
    /// an Identity Verification that did not finish is never trusted (at least
    /// `identity_verification`, to finish it); one awaiting Plaid's review, in a state this
    /// release does not know, or that verified another identity is `manual_review`; an
    /// Identity Match that failed is `identity_verification` (it was tried). `None` for every
    /// other code, whose outcome the rules file prices.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{Code, Outcome};
    /// assert_eq!(Code::IdvStatusUnknown.floor(), Some(Outcome::ManualReview));
    /// assert_eq!(Code::PhoneNotE164.floor(), None);
    /// ```
    pub fn floor(self) -> Option<crate::outcome::Outcome> {
        use crate::outcome::Outcome;
        match self {
            Code::IdvNotCompleted
            | Code::IdentityMatchNameFailed
            | Code::IdentityMatchAddressFailed => Some(Outcome::IdentityVerification),
            Code::IdvPendingReview | Code::IdvStatusUnknown | Code::IdvIdentityMismatch => {
                Some(Outcome::ManualReview)
            }
            _ => None,
        }
    }

    /// The layer-risk release that introduced the code, e.g. `"0.1"`.
    ///
    /// A rules file must price every code, so a release that adds codes refuses files
    /// written before it until they price the new ones; the loading error names them with
    /// this release and what the shipped files charge for them.
    ///
    /// # Example
    /// ```
    /// use layer_risk::Code;
    /// assert_eq!(Code::PhoneNotE164.since(), "0.1");
    /// assert_eq!(Code::SsnPublished.since(), "0.2");
    /// ```
    pub fn since(self) -> &'static str {
        match self {
            Code::NameMixedScript
            | Code::AddressZipRegionMismatch
            | Code::AddressPoBox
            | Code::AddressPrivateMailbox
            | Code::SsnPublished
            | Code::RequestIdMalformed => "0.2",
            Code::NameConfusable
            | Code::AddressStreetMissing
            | Code::AddressGeneralDelivery
            | Code::PhoneOutsideUs
            | Code::PhoneServiceNumber
            | Code::DobImplausibleAge
            | Code::DobApplicantMismatch
            | Code::DobApplicantUnderMinAge
            | Code::SsnSequential
            | Code::TinMissing
            | Code::IdvPendingReview
            | Code::IdvStatusUnknown
            | Code::IdvIdentityMismatch
            | Code::ProtectScoreMissing
            | Code::IdentityMatchNameFailed
            | Code::IdentityMatchAddressFailed
            | Code::IdentityMatchPhoneFailed
            | Code::IdentityMatchEmailFailed
            | Code::IdentityMatchRan => "0.3",
            _ => "0.1",
        }
    }
}

codes! {
    /// `identity` is null or missing.
    IdentityMissing = "identity_missing", Identity, Missing, "the response has no identity block (null or missing)";
    /// `request_id` is null or missing.
    RequestIdMissing = "request_id_missing", Request, Missing, "the response has no request_id, so the decision cannot be traced back to Plaid";
    /// `request_id` not shaped like a Plaid request id.
    RequestIdMalformed = "request_id_malformed", Request, Invalid, "request_id is not shaped like a Plaid request id (1 to 64 ASCII letters and digits, at least one letter): the decision carries null instead, so nothing a caller put there (an SSN, an email) reaches a log";
    /// No name.
    NameMissing = "name_missing", Name, Missing, "no name, or neither first nor last name";
    /// First or last name missing.
    NameIncomplete = "name_incomplete", Name, Missing, "first or last name missing or blank (observed: which)";
    /// A name part that does not look like a name.
    NameImplausible = "name_implausible", Name, Invalid, "a name part with digits, symbols, control characters, no letters, a long run of one letter, or over 100 characters (observed: which)";
    /// Latin letters mixed with Cyrillic or Greek look-alikes.
    NameMixedScript = "name_mixed_script", Name, Invalid, "a name part mixes scripts with look-alikes of Latin letters from any script (Unicode TR39 mixed-script confusables: Cyrillic, Greek, Armenian, Cherokee, ...; e.g. a Cyrillic е in Lеslie; observed: which part)";
    /// A name part that reads as Latin letters it is not made of.
    NameConfusable = "name_confusable", Name, Risk, "a name part reads as Latin letters it is not made of: wholly in another script's look-alikes of Latin letters (TR39 whole-script confusable, e.g. Cyrillic Ѕмітн) or in compatibility forms NFKC folds to Latin letters (mathematical 𝐒𝐦𝐢𝐭𝐡, fullwidth Ｓｍｉｔｈ); observed: which part";
    /// No address.
    AddressMissing = "address_missing", Address, Missing, "no address, or every part blank";
    /// An address part missing.
    AddressIncomplete = "address_incomplete", Address, Missing, "street, city, region, postal code or country missing (observed: the first missing part)";
    /// No street line.
    AddressStreetMissing = "address_street_missing", Address, Missing, "an address without a street line (street and street2 blank): CIP requires a residential street address";
    /// Country not ISO 3166-1 alpha-2.
    AddressCountryInvalid = "address_country_invalid", Address, Invalid, "country is not an ISO 3166-1 alpha-2 code";
    /// Country other than US.
    AddressNonUs = "address_non_us", Address, Invalid, "a valid country other than US (Layer serves US users; observed: the country)";
    /// US ZIP malformed.
    AddressPostalCodeInvalid = "address_postal_code_invalid", Address, Invalid, "US postal code is not a 5-digit ZIP or ZIP+4";
    /// US state unknown.
    AddressRegionInvalid = "address_region_invalid", Address, Invalid, "US region is neither a state or territory code nor its full name";
    /// ZIP code of another state.
    AddressZipRegionMismatch = "address_zip_region_mismatch", Address, Inconsistent, "the ZIP code's first three digits (its sectional centre) belong to another state or territory than the region";
    /// A PO Box as the street.
    AddressPoBox = "address_po_box", Address, Risk, "the street is a PO Box (or caller service, drawer, lockbox): not the residential street address CIP requires";
    /// A private mailbox as the street.
    AddressPrivateMailbox = "address_private_mailbox", Address, Risk, "the street names a private mailbox (PMB) at a commercial mail receiving agency: not a residential address";
    /// General Delivery as the street.
    AddressGeneralDelivery = "address_general_delivery", Address, Risk, "the street is General Delivery (mail held at a post office for pickup): no residential street address";
    /// No phone.
    PhoneMissing = "phone_missing", PhoneNumber, Missing, "no phone number";
    /// Not strict E.164.
    PhoneNotE164 = "phone_not_e164", PhoneNumber, Invalid, "phone number is not strict E.164 ('+' then 1 to 15 digits, nothing else)";
    /// E.164 but not a valid number.
    PhoneInvalid = "phone_invalid", PhoneNumber, Invalid, "phone number is E.164 but not a valid number per libphonenumber metadata (observed: country calling code)";
    /// A valid number outside +1.
    PhoneOutsideNanp = "phone_outside_nanp", PhoneNumber, Invalid, "valid phone number outside the +1 zone; Layer serves US numbers only (observed: region)";
    /// A +1 number of another NANP region than the US and its territories.
    PhoneOutsideUs = "phone_outside_us", PhoneNumber, Invalid, "valid +1 number of a region other than the US and its territories (PR, GU, VI, AS, MP), e.g. Canada or the Caribbean; Layer serves US numbers only (observed: region)";
    /// A number type no person's phone has.
    PhoneServiceNumber = "phone_service_number", PhoneNumber, Invalid, "valid number of a type no person's phone has, per libphonenumber: toll-free, premium rate, shared cost, UAN or voicemail access (observed: the type)";
    /// No email.
    EmailMissing = "email_missing", Email, Missing, "no email (Plaid currently does not return emails: price it 0 until it does)";
    /// Email malformed.
    EmailMalformed = "email_malformed", Email, Invalid, "email is not of the form local@domain.tld";
    /// No date of birth.
    DobMissing = "dob_missing", DateOfBirth, Missing, "no date of birth";
    /// DOB not `YYYY-MM-DD`.
    DobMalformed = "dob_malformed", DateOfBirth, Invalid, "date of birth is not YYYY-MM-DD";
    /// DOB not a calendar date.
    DobImpossible = "dob_impossible", DateOfBirth, Invalid, "date of birth is not a calendar date (e.g. 1979-02-30)";
    /// DOB after the evaluation date.
    DobInFuture = "dob_in_future", DateOfBirth, Invalid, "date of birth is after the evaluation date";
    /// Younger than the rules' minimum age.
    DobUnderMinAge = "dob_under_min_age", DateOfBirth, Risk, "age below the rules' minimum (observed: age, threshold: minimum)";
    /// Older than the rules' maximum age.
    DobOverMaxAge = "dob_over_max_age", DateOfBirth, Invalid, "age above the rules' maximum (observed: age, threshold: maximum)";
    /// Older than any living person.
    DobImplausibleAge = "dob_implausible_age", DateOfBirth, Invalid, "age over 110, beyond what any living person has reached, within the rules' maximum (above it, dob_over_max_age) (observed: age, threshold: 110)";
    /// The applicant's date of birth differs.
    DobApplicantMismatch = "dob_applicant_mismatch", DateOfBirth, Inconsistent, "with an applicant: the date of birth differs from the applicant's in any way (observed: day_month_swap, one_digit, other, or applicant_unreadable)";
    /// The applicant is under the minimum age.
    DobApplicantUnderMinAge = "dob_applicant_under_min_age", DateOfBirth, Risk, "with an applicant: the applicant's own date of birth gives an age below the rules' minimum (observed: age, threshold: minimum)";
    /// No SSN.
    SsnMissing = "ssn_missing", Ssn, Missing, "no full SSN";
    /// SSN not 9 digits.
    SsnMalformed = "ssn_malformed", Ssn, Invalid, "SSN is not exactly 9 digits";
    /// An SSN the SSA never issues.
    SsnImpossible = "ssn_impossible", Ssn, Invalid, "SSN the SSA never issues: area 000, 666 or 900-999 (ITIN range), group 00 or serial 0000 (observed: which part)";
    /// A placeholder-looking SSN.
    SsnSequential = "ssn_sequential", Ssn, Invalid, "an SSN of nine consecutive digits, ascending or descending and wrapping 9 to 0 (123456789, 234567890, 987654321), or one digit nine times (111111111): placeholders KYC vendors flag (observed: sequential or repeated)";
    /// No identification number at all.
    TinMissing = "tin_missing", Ssn, Missing, "no identification number at all: neither a full SSN nor its last four (CIP requires an SSN or ITIN)";
    /// An SSN that was published or voided.
    SsnPublished = "ssn_published", Ssn, Invalid, "an SSN that was voided or published and is never valid for a person (078-05-1120, 219-09-9999, 457-55-5462, ...; list and sources in data/README.md)";
    /// ssn_last_4 not 4 digits.
    SsnLast4Malformed = "ssn_last4_malformed", Ssn, Invalid, "ssn_last_4 (or ssn_last4) is not exactly 4 digits";
    /// ssn_last_4 disagrees with the SSN.
    SsnLast4Mismatch = "ssn_last4_mismatch", Ssn, Inconsistent, "ssn_last_4 differs from the SSN's last four digits, or ssn_last_4 and ssn_last4 differ";
    /// No edit history.
    EditHistoryMissing = "edit_history_missing", Identity, Missing, "identity_edit_history is null or missing: the edits of no field can be judged, the SSN and the date of birth included, so it concerns the identity as a whole";
    /// A field's edit counts missing.
    EditCountsMissing = "edit_counts_missing", EditHistory, Missing, "one field's edit counts are null or missing (official_document null counts for ssn)";
    /// Some windows missing.
    EditWindowsMissing = "edit_windows_missing", EditHistory, Missing, "one field's edit counts lack some windows (observed: how many)";
    /// Windows do not nest.
    EditWindowsNotNested = "edit_windows_not_nested", EditHistory, Inconsistent, "a field's windows do not nest (current <= 1d <= 30d <= 365d <= all_time): inconsistent data (observed: the first broken pair)";
    /// IDV passed.
    IdvPassed = "idv_passed", Idv, Info, "idv_session_status is success: the user passed Identity Verification";
    /// IDV failed.
    IdvFailed = "idv_failed", Idv, Risk, "idv_session_status is failed";
    /// IDV exists but did not finish.
    IdvNotCompleted = "idv_not_completed", Idv, Risk, "idv_session_status is active, pending_review, expired, canceled or unknown (observed: which): never trusted; at least identity_verification, to finish it";
    /// Plaid's own review of the IDV is pending.
    IdvPendingReview = "idv_pending_review", Idv, Risk, "idv_session_status is pending_review (a screening hit awaits Plaid's review): at least manual_review, whatever the file";
    /// An IDV status this release does not know.
    IdvStatusUnknown = "idv_status_unknown", Idv, Invalid, "idv_session_status is a value this release does not know: at least manual_review, whatever the file";
    /// The IDV verified someone else.
    IdvIdentityMismatch = "idv_identity_mismatch", Idv, Inconsistent, "with an /identity_verification/get response whose status is success: the identity it verified differs from the Layer identity (observed: the first field that differs: name, date_of_birth, address, ssn, phone_number or email): at least manual_review, whatever the file; it also takes the place of idv_passed";
    /// A Protect response without a Trust Index.
    ProtectScoreMissing = "protect_score_missing", Protect, Missing, "with a /protect/compute response: its Trust Index score is null or missing";
    /// Identity Match failed on the name.
    IdentityMatchNameFailed = "identity_match_name_failed", Name, Inconsistent, "with an /identity/match response: the best legal_name score is below the file's identity_match_thresholds (observed: the score, threshold: the file's): Identity Match already failed, so at least identity_verification";
    /// Identity Match failed on the address.
    IdentityMatchAddressFailed = "identity_match_address_failed", Address, Inconsistent, "with an /identity/match response: the best address score is below the file's threshold (observed: the score): at least identity_verification";
    /// Identity Match failed on the phone.
    IdentityMatchPhoneFailed = "identity_match_phone_failed", IdentityMatch, Risk, "with an /identity/match response: the best phone_number score is below the file's threshold (observed: the score). No floor (banks keep old numbers): the file's points, and a step-up it leads to is identity_verification, since Identity Match already ran";
    /// Identity Match failed on the email.
    IdentityMatchEmailFailed = "identity_match_email_failed", IdentityMatch, Risk, "with an /identity/match response: the best email_address score is below the file's threshold (observed: the score). No floor (banks keep old addresses): the file's points, and a step-up it leads to is identity_verification, since Identity Match already ran";
    /// Identity Match ran for this Item.
    IdentityMatchRan = "identity_match_ran", IdentityMatch, Info, "with an /identity/match response: Identity Match ran for this Item, so an identity_match outcome becomes identity_verification (running it again would compare the same bank data; step 8)";
    /// No linked Items.
    NoLinkedAccounts = "no_linked_accounts", Items, Info, "items is empty or missing: no linked bank account (Extended Autofill), so Identity Match has nothing to check against";
}

/// Reason code of an edit rule that fired.
pub const EDIT_RULE: &str = "edit_rule";

/// Reason code of a match rule that fired (a decision made with an applicant).
pub const MATCH_RULE: &str = "match_rule";

/// Reason code of a combined rule that fired (every reason it names is in the decision).
pub const COMBINED_RULE: &str = "combined_rule";

/// Reason code of a signal rule that fired (a Plaid verdict beside the session: the Trust
/// Index, an Identity Verification's risk scores).
pub const SIGNAL_RULE: &str = "signal_rule";
/// Reason code of a link rule that fired (a decision made with a link history).
pub const LINK_RULE: &str = "link_rule";

/// Reason code added when an `identity_match` outcome is raised to `identity_verification`
/// because the response has no linked Item for Identity Match to compare with.
pub const IDENTITY_MATCH_UNAVAILABLE: &str = "identity_match_unavailable";

/// The stable code of one reason in a decision: a finding's [`Code`], or the code of a rule
/// kind. Serializes as its name (`ssn_impossible`, `edit_rule`); compares equal to it.
///
/// # Example
/// ```
/// use layer_risk::{Code, ReasonCode};
/// assert_eq!(ReasonCode::Finding(Code::SsnImpossible), "ssn_impossible");
/// assert_eq!(ReasonCode::EditRule.as_str(), layer_risk::EDIT_RULE);
/// assert_eq!(ReasonCode::from_name("match_rule"), Some(ReasonCode::MatchRule));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ReasonCode {
    /// A validation finding.
    Finding(Code),
    /// An edit rule fired (`edit_rule`); the reason's `rule_id` names it.
    EditRule,
    /// A match rule fired (`match_rule`); the reason's `rule_id` names it.
    MatchRule,
    /// A combined rule fired (`combined_rule`); the reason's `rule_id` names it and its
    /// `all_of` lists the reasons it combined.
    CombinedRule,
    /// A signal rule fired (`signal_rule`); the reason's `rule_id` names it and its
    /// `signal` the verdict it read.
    SignalRule,
    /// `identity_match` was raised to `identity_verification`: no linked Item to match with.
    IdentityMatchUnavailable,
    /// A link rule fired (`link_rule`); the reason's `rule_id` names it, its `signal`,
    /// `window` and `observed` say what the link history counted.
    LinkRule,
}

impl ReasonCode {
    /// Every rule-kind code (the codes that are not findings).
    pub const RULE_CODES: [ReasonCode; 6] = [
        ReasonCode::EditRule,
        ReasonCode::MatchRule,
        ReasonCode::CombinedRule,
        ReasonCode::SignalRule,
        ReasonCode::IdentityMatchUnavailable,
        ReasonCode::LinkRule,
    ];

    /// The code as written in decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::Finding(c) => c.as_str(),
            ReasonCode::EditRule => EDIT_RULE,
            ReasonCode::MatchRule => MATCH_RULE,
            ReasonCode::CombinedRule => COMBINED_RULE,
            ReasonCode::SignalRule => SIGNAL_RULE,
            ReasonCode::IdentityMatchUnavailable => IDENTITY_MATCH_UNAVAILABLE,
            ReasonCode::LinkRule => LINK_RULE,
        }
    }

    /// The reason code with this name, if any.
    pub fn from_name(name: &str) -> Option<ReasonCode> {
        match name {
            EDIT_RULE => Some(ReasonCode::EditRule),
            MATCH_RULE => Some(ReasonCode::MatchRule),
            COMBINED_RULE => Some(ReasonCode::CombinedRule),
            SIGNAL_RULE => Some(ReasonCode::SignalRule),
            IDENTITY_MATCH_UNAVAILABLE => Some(ReasonCode::IdentityMatchUnavailable),
            LINK_RULE => Some(ReasonCode::LinkRule),
            other => Code::from_name(other).map(ReasonCode::Finding),
        }
    }
}

impl From<Code> for ReasonCode {
    fn from(c: Code) -> Self {
        ReasonCode::Finding(c)
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for ReasonCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ReasonCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What part of the response a reason is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The identity block as a whole.
    Identity,
    /// The request as a whole.
    Request,
    /// `identity.name`.
    Name,
    /// `identity.address`.
    Address,
    /// `identity.phone_number`.
    PhoneNumber,
    /// `identity.email`.
    Email,
    /// `identity.date_of_birth`.
    DateOfBirth,
    /// `identity.ssn` / `ssn_last_4`.
    Ssn,
    /// `identity_edit_history`.
    EditHistory,
    /// `idv_session_status`, or an `/identity_verification/get` response.
    Idv,
    /// A `/protect/compute` response (the Trust Index).
    Protect,
    /// An `/identity/match` response as a whole: what it says once Identity Match has run
    /// cannot be settled by running it again.
    IdentityMatch,
    /// `items`.
    Items,
}

impl Field {
    /// The field's name in decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Identity => "identity",
            Field::Request => "request",
            Field::Name => "name",
            Field::Address => "address",
            Field::PhoneNumber => "phone_number",
            Field::Email => "email",
            Field::DateOfBirth => "date_of_birth",
            Field::Ssn => "ssn",
            Field::EditHistory => "identity_edit_history",
            Field::Idv => "idv_session_status",
            Field::Protect => "protect",
            Field::IdentityMatch => "identity_match",
            Field::Items => "items",
        }
    }
}

impl Field {
    /// Is this one of the identity fields that CIP requires or Layer prefills (name,
    /// address, phone, date of birth, SSN, or the identity as a whole)? An invalid or
    /// inconsistent finding on one of them is never trusted.
    pub fn is_identity(self) -> bool {
        matches!(
            self,
            Field::Identity
                | Field::Name
                | Field::Address
                | Field::PhoneNumber
                | Field::DateOfBirth
                | Field::Ssn
        )
    }

    /// Can Identity Match settle a doubt about this field? It compares name, address, phone
    /// and email with a linked account's owner data; `Some(false)` for the date of birth, the
    /// SSN, the identity as a whole and an Identity Verification's state (only Identity
    /// Verification can settle those); `None` for context that is no doubt about the
    /// identity (the request, the edit history as such, the linked Items).
    pub fn identity_match_settles(self) -> Option<bool> {
        match self {
            Field::Name | Field::Address | Field::PhoneNumber | Field::Email => Some(true),
            Field::DateOfBirth
            | Field::Ssn
            | Field::Identity
            | Field::Idv
            | Field::Protect
            | Field::IdentityMatch => Some(false),
            _ => None,
        }
    }
}

impl From<EditField> for Field {
    fn from(f: EditField) -> Field {
        match f {
            EditField::Name => Field::Name,
            EditField::Address => Field::Address,
            EditField::Email => Field::Email,
            EditField::DateOfBirth => Field::DateOfBirth,
            EditField::Ssn => Field::Ssn,
        }
    }
}

/// The kind of a finding, owned by its [`Code`]: what the outcome semantics read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Class {
    /// The value cannot be right: malformed, impossible, published, or impossible for the
    /// product (a phone outside the +1 zone or an address outside the US that Layer serves).
    Invalid,
    /// Values that contradict each other or reference data (last four vs SSN, ZIP vs
    /// state, edit windows that do not nest).
    Inconsistent,
    /// The value is absent.
    Missing,
    /// A valid value that carries risk (an age below the minimum, a PO Box or private
    /// mailbox as the street, a failed or unfinished Identity Verification).
    Risk,
    /// Context, not a problem (a passed Identity Verification, no linked Item).
    Info,
}

impl Class {
    /// The class as written in decisions: `invalid`, `inconsistent`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Invalid => "invalid",
            Class::Inconsistent => "inconsistent",
            Class::Missing => "missing",
            Class::Risk => "risk",
            Class::Info => "info",
        }
    }

    /// Invalid or inconsistent: data that is never trusted when it concerns an identity field.
    pub fn is_doubt(self) -> bool {
        matches!(self, Class::Invalid | Class::Inconsistent)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Class {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An observed value in a reason. Never an identity value: a count, an age, a region, a part
/// name such as `first_name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Observed {
    /// A count or an age.
    Number(u64),
    /// A label: a field part, a window pair, a country.
    Label(Cow<'static, str>),
    /// A phone number's region (`GB`, or `001` for non-geographic numbers).
    Region(Region),
}

impl Serialize for Observed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Observed::Number(n) => s.serialize_u64(*n),
            Observed::Label(l) => s.serialize_str(l),
            Observed::Region(r) => s.serialize_str(r.as_str()),
        }
    }
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Observed::Number(n) => write!(f, "{n}"),
            Observed::Label(l) => f.write_str(l),
            Observed::Region(r) => f.write_str(r.as_str()),
        }
    }
}

/// One thing validation noticed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The reason code.
    pub code: Code,
    /// For edit-history findings: which identity field (`name`, `ssn`, ...).
    pub subject: Option<EditField>,
    /// What was observed, if a number or label says more than the code.
    pub observed: Option<Observed>,
    /// The bound the observation was held against (ages).
    pub threshold: Option<u64>,
}

impl Finding {
    pub(crate) fn new(code: Code) -> Self {
        Finding {
            code,
            subject: None,
            observed: None,
            threshold: None,
        }
    }

    pub(crate) fn observed(mut self, o: impl Into<Observed>) -> Self {
        self.observed = Some(o.into());
        self
    }

    pub(crate) fn threshold(mut self, t: u64) -> Self {
        self.threshold = Some(t);
        self
    }

    pub(crate) fn subject(mut self, f: EditField) -> Self {
        self.subject = Some(f);
        self
    }
}

impl From<u64> for Observed {
    fn from(n: u64) -> Self {
        Observed::Number(n)
    }
}

impl From<u32> for Observed {
    fn from(n: u32) -> Self {
        Observed::Number(u64::from(n))
    }
}

impl From<&'static str> for Observed {
    fn from(s: &'static str) -> Self {
        Observed::Label(Cow::Borrowed(s))
    }
}

impl From<String> for Observed {
    fn from(s: String) -> Self {
        Observed::Label(Cow::Owned(s))
    }
}

/// A region code from the phone metadata.
///
/// Geographic regions are two-letter CLDR codes (`"US"`, `"GB"`, `"KZ"` ...).
/// Non-geographic entities (international toll-free `+800`, shared-cost `+808`,
/// Inmarsat `+870`, Global Mobile Satellite System `+881`, ... ) use libphonenumber's
/// convention, the UN M.49 code for "World": `"001"`
/// (see [`Region::is_non_geographic`]). The country calling code in
/// `PhoneVerdict::Valid` tells those entities apart.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    bytes: [u8; 3],
    len: u8,
}

impl Region {
    /// The region code as a string, e.g. `"US"` or `"001"`.
    pub fn as_str(&self) -> &str {
        let len = usize::from(self.len).min(self.bytes.len());
        // Always ASCII by construction (see `Region::from_id`).
        std::str::from_utf8(&self.bytes[..len]).unwrap_or("")
    }

    /// Whether this is libphonenumber's `"001"` pseudo-region of non-geographic
    /// country calling codes (`+800`, `+808`, `+870`, `+878`, `+881`, `+882`, `+883`,
    /// `+888`, `+979`).
    pub fn is_non_geographic(&self) -> bool {
        self.as_str() == "001"
    }

    /// Accepts two ASCII uppercase letters or `"001"`.
    pub(crate) fn from_id(id: &str) -> Option<Region> {
        let b = id.as_bytes();
        match b {
            [x, y] if x.is_ascii_uppercase() && y.is_ascii_uppercase() => Some(Region {
                bytes: [*x, *y, 0],
                len: 2,
            }),
            b"001" => Some(Region {
                bytes: *b"001",
                len: 3,
            }),
            _ => None,
        }
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({:?})", self.as_str())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
