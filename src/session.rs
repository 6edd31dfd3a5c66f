//! The serde model of a `/user_account/session/get` response: tolerant, borrowed, no judgement.
//!
//! Every field may be `null` or missing and unknown fields are accepted, because Plaid adds
//! fields (`additionalProperties: true` everywhere in the spec). Strings borrow from the input
//! when they hold no escapes. `ssn_last4`, the spelling of Plaid's Layer guide sample, is read
//! beside the spec's `ssn_last_4`. Nothing here judges the data: that is validation's job.
//!
//! No `Debug` output in this module shows an identity value or a token: it shows which fields
//! are present.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{ParseError, ParseErrorKind};
use crate::fields::{EditField, Window};
use crate::pos::{line_col, line_col_bytes, locate, Seg};
use crate::signals::Signals;

/// Declares the response's top-level fields once, for [`Session`] and for the one-pass line
/// model (`RawLine`, which adds the envelope's keys), with their key list.
macro_rules! response_fields {
    ($( $(#[$attr:meta])* $field:ident: $ty:ty, )*) => {
        /// One Layer `/user_account/session/get` response.
        #[derive(Clone, Default, Deserialize)]
        pub struct Session<'a> {
            $( $(#[$attr])* pub $field: $ty, )*
        }

        /// A line read as either shape in one pass: the response's fields plus the envelope's.
        #[derive(Deserialize)]
        struct RawLine<'a> {
            $( $(#[$attr])* $field: $ty, )*
            /// `Some` when the key is present (even as null).
            #[serde(borrow, default, deserialize_with = "present_obj")]
            session: Option<Option<Session<'a>>>,
            #[serde(borrow, default, deserialize_with = "present_obj")]
            applicant: Option<Option<Applicant<'a>>>,
            /// A staged rollout's key (a stable id of the user, never an identity value).
            #[serde(borrow, default, deserialize_with = "present_str")]
            rollout_key: Option<Option<Cow<'a, str>>>,
            /// Plaid's other verdicts beside the session.
            #[serde(borrow, default, deserialize_with = "present_obj")]
            signals: Option<Option<Signals<'a>>>,
            /// When the session was observed (RFC 3339), for linkage across sessions.
            #[serde(default, deserialize_with = "crate::de::rfc3339_seconds")]
            observed_at: Option<i64>,
        }

        /// The response's top-level keys.
        const RESPONSE_KEYS: &[&str] = &[$( stringify!($field), )*];

        impl<'a> RawLine<'a> {
            /// The response part, whether any of its keys was present, and the envelope part.
            fn split(self) -> (Session<'a>, bool, EnvelopeParts<'a>) {
                let bare = false $( || self.$field.is_some() )*;
                let envelope = EnvelopeParts {
                    session: self.session,
                    applicant: self.applicant,
                    rollout_key: self.rollout_key,
                    signals: self.signals,
                    observed_at: self.observed_at,
                };
                (Session { $( $field: self.$field, )* }, bare, envelope)
            }
        }
    };
}

response_fields! {
    /// The user-submitted identity; `None` when `null` or missing.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    identity: Option<Identity<'a>>,
    /// How many Items (linked bank connections) the response carries; `None` when `items` is
    /// `null` or missing. Only the count is kept: access tokens are secrets.
    #[serde(default)]
    items: Option<ItemCount>,
    /// Edit statistics of the identity fields; `None` when `null` or missing.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    identity_edit_history: Option<EditHistory>,
    /// Plaid's request id: not PII, carried into decisions.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    request_id: Option<Cow<'a, str>>,
    /// Identity Verification status, in newer responses (`success`, `failed`, ...).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    idv_session_status: Option<Cow<'a, str>>,
    /// Link session id, in newer responses.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    link_session_id: Option<Cow<'a, str>>,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("identity", &self.identity)
            .field("items", &self.items)
            .field("identity_edit_history", &self.identity_edit_history)
            // Present or not: judging which values are safe to show is validation's job.
            .field("request_id", &present(&self.request_id))
            .field("idv_session_status", &present(&self.idv_session_status))
            .field(
                "link_session_id",
                &self.link_session_id.as_ref().map(|_| Redacted),
            )
            .finish()
    }
}

/// Stands in for a value in `Debug` output.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

fn present<T>(v: &Option<T>) -> Option<Redacted> {
    v.as_ref().map(|_| Redacted)
}

/// The identity block. All values are user-submitted and unverified.
#[derive(Clone, Default, Deserialize)]
pub struct Identity<'a> {
    /// First and last name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub name: Option<Name<'a>>,
    /// Postal address.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub address: Option<Address<'a>>,
    /// Phone number, E.164 in the spec.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub phone_number: Option<Cow<'a, str>>,
    /// Email (Plaid: "currently not returned").
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub email: Option<Cow<'a, str>>,
    /// Date of birth, `YYYY-MM-DD` in every example (no format in the spec).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub date_of_birth: Option<Cow<'a, str>>,
    /// Full SSN, 9 digits.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub ssn: Option<Cow<'a, str>>,
    /// Last four SSN digits, spec spelling.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub ssn_last_4: Option<Cow<'a, str>>,
    /// Last four SSN digits, the Layer guide sample's spelling.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub ssn_last4: Option<Cow<'a, str>>,
}

impl<'a> Identity<'a> {
    /// The last four SSN digits under either spelling, the spec's `ssn_last_4` first.
    pub fn ssn_last_four(&self) -> Option<&str> {
        self.ssn_last_4.as_deref().or(self.ssn_last4.as_deref())
    }

    /// The identity as one side of an identity-consistency comparison.
    pub fn fields(&self) -> IdentityFields<'_> {
        let n = self.name.as_ref();
        IdentityFields {
            first_name: n.and_then(|n| n.first_name.as_deref()),
            last_name: n.and_then(|n| n.last_name.as_deref()),
            phone_number: self.phone_number.as_deref(),
            email: self.email.as_deref(),
            date_of_birth: self.date_of_birth.as_deref(),
            ..Address::fields(self.address.as_ref())
        }
    }
}

impl fmt::Debug for Identity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("name", &self.name)
            .field("address", &self.address)
            .field("phone_number", &present(&self.phone_number))
            .field("email", &present(&self.email))
            .field("date_of_birth", &present(&self.date_of_birth))
            .field("ssn", &present(&self.ssn))
            .field("ssn_last_4", &present(&self.ssn_last_4))
            .field("ssn_last4", &present(&self.ssn_last4))
            .finish()
    }
}

/// A person's name.
#[derive(Clone, Default, Deserialize)]
pub struct Name<'a> {
    /// First name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub first_name: Option<Cow<'a, str>>,
    /// Last name.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub last_name: Option<Cow<'a, str>>,
}

impl fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Name")
            .field("first_name", &present(&self.first_name))
            .field("last_name", &present(&self.last_name))
            .finish()
    }
}

/// A postal address.
#[derive(Clone, Default, Deserialize)]
pub struct Address<'a> {
    /// Street line, e.g. `564 Main Street, APT 15`.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub street: Option<Cow<'a, str>>,
    /// Second street line.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub street2: Option<Cow<'a, str>>,
    /// City.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub city: Option<Cow<'a, str>>,
    /// Region or state: a code (`NC`) or, in some samples, a name (`Indiana`).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub region: Option<Cow<'a, str>>,
    /// Postal code.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub postal_code: Option<Cow<'a, str>>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub country: Option<Cow<'a, str>>,
}

impl fmt::Debug for Address<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("street", &present(&self.street))
            .field("street2", &present(&self.street2))
            .field("city", &present(&self.city))
            .field("region", &present(&self.region))
            .field("postal_code", &present(&self.postal_code))
            // A real country code is not identifying; anything else the user typed is.
            .field(
                "country",
                &self.country.as_deref().map(|c| {
                    if crate::geo::is_iso_country(c) {
                        c
                    } else {
                        "<redacted>"
                    }
                }),
            )
            .finish()
    }
}

impl Address<'_> {
    /// The address parts of a comparison side (every other field `None`). Shared by the
    /// response's identity and the applicant, whose addresses have the same shape.
    pub(crate) fn fields<'s>(a: Option<&'s Address<'_>>) -> IdentityFields<'s> {
        IdentityFields {
            street: a.and_then(|a| a.street.as_deref()),
            street2: a.and_then(|a| a.street2.as_deref()),
            city: a.and_then(|a| a.city.as_deref()),
            region: a.and_then(|a| a.region.as_deref()),
            postal_code: a.and_then(|a| a.postal_code.as_deref()),
            country: a.and_then(|a| a.country.as_deref()),
            ..IdentityFields::default()
        }
    }
}

/// The number of Items in `items`. Each element must be an object whose known fields
/// (`item_id`, `access_token`) are strings; their values are checked and dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemCount(pub usize);

impl<'de> Deserialize<'de> for ItemCount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor;
        impl<'de> Visitor<'de> for ItemsVisitor {
            type Value = ItemCount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ItemCount, A::Error> {
                let mut n = 0;
                while seq.next_element::<crate::de::Obj<Item>>()?.is_some() {
                    n += 1;
                }
                Ok(ItemCount(n))
            }
        }
        deserializer.deserialize_seq(ItemsVisitor)
    }
}

/// One element of `items`, checked for shape and dropped.
#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    #[allow(dead_code)]
    item_id: Option<SkipStr>,
    #[serde(default)]
    #[allow(dead_code)]
    access_token: Option<SkipStr>,
}

/// Accepts a string and keeps nothing of it.
struct SkipStr;

impl<'de> Deserialize<'de> for SkipStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SkipStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<SkipStr, E> {
                Ok(SkipStr)
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// `identity_edit_history`: edit counts per identity field.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct EditHistory {
    /// Name edits.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub name: Option<EditCounts>,
    /// Address edits.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub address: Option<EditCounts>,
    /// Email edits.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub email: Option<EditCounts>,
    /// Date-of-birth edits.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub date_of_birth: Option<EditCounts>,
    /// Official documents (SSN) edits; the object itself is nullable.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub official_document: Option<OfficialDocument>,
}

/// `identity_edit_history.official_document`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct OfficialDocument {
    /// SSN edits.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub ssn: Option<EditCounts>,
}

/// Edit counts over nested windows. Counts are non-negative integers; a negative or fractional
/// count is a parse error, a missing one is `None`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct EditCounts {
    /// Edits in the current session.
    #[serde(default)]
    pub edits_current: Option<u32>,
    /// Edits in the last day.
    #[serde(default)]
    pub edits_1d: Option<u32>,
    /// Edits in the last 30 days.
    #[serde(default)]
    pub edits_30d: Option<u32>,
    /// Edits in the last 365 days.
    #[serde(default)]
    pub edits_365d: Option<u32>,
    /// Edits ever.
    #[serde(default)]
    pub edits_all_time: Option<u32>,
}

impl EditCounts {
    /// The count for one window, if present.
    pub fn get(&self, w: Window) -> Option<u32> {
        match w {
            Window::Current => self.edits_current,
            Window::Day => self.edits_1d,
            Window::Month => self.edits_30d,
            Window::Year => self.edits_365d,
            Window::AllTime => self.edits_all_time,
        }
    }

    /// The count a rule reads for window `w`: the largest count of `w` and every narrower
    /// window, since an edit in this session is also an edit today, this month and so on.
    /// On nested data this is the window's own count; on windows that do not nest it never
    /// reads less than a narrower window says. `None` when neither `w` nor a narrower window
    /// has a count.
    pub fn cumulative(&self, w: Window) -> Option<u32> {
        self.cumulative_all()[w as usize]
    }

    /// [`EditCounts::cumulative`] for every window at once, narrowest first (a running
    /// maximum over the windows in [`Window::ALL`] order).
    pub fn cumulative_all(&self) -> [Option<u32>; 5] {
        let mut out = [None; 5];
        let mut run: Option<u32> = None;
        for (slot, w) in out.iter_mut().zip(Window::ALL) {
            run = match (run, self.get(w)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            *slot = run;
        }
        out
    }

    /// Mutable access to one window's count.
    pub fn get_mut(&mut self, w: Window) -> &mut Option<u32> {
        match w {
            Window::Current => &mut self.edits_current,
            Window::Day => &mut self.edits_1d,
            Window::Month => &mut self.edits_30d,
            Window::Year => &mut self.edits_365d,
            Window::AllTime => &mut self.edits_all_time,
        }
    }
}

impl EditHistory {
    /// The counts of one field (`ssn` lives under `official_document`).
    pub fn counts(&self, f: EditField) -> Option<&EditCounts> {
        match f {
            EditField::Name => self.name.as_ref(),
            EditField::Address => self.address.as_ref(),
            EditField::Email => self.email.as_ref(),
            EditField::DateOfBirth => self.date_of_birth.as_ref(),
            EditField::Ssn => self.official_document.as_ref().and_then(|d| d.ssn.as_ref()),
        }
    }
}

/// One side of a comparison: plain optional strings, borrowed.
///
/// `Debug` is redacting: it only prints which fields are present.
#[derive(Clone, Copy, Default)]
pub struct IdentityFields<'a> {
    /// Given name.
    pub first_name: Option<&'a str>,
    /// Middle name(s) or initial(s).
    pub middle_name: Option<&'a str>,
    /// Family name (may hold several surnames).
    pub last_name: Option<&'a str>,
    /// The whole name as one string, for sources that do not split names
    /// (`"John Q. Public"` or `"Public, John Q."`). Used only when first and last are absent.
    pub full_name: Option<&'a str>,
    /// Street line (may include the unit, e.g. `"564 Main Street, APT 15"`).
    pub street: Option<&'a str>,
    /// Second street line (unit).
    pub street2: Option<&'a str>,
    /// City.
    pub city: Option<&'a str>,
    /// Region or state, as a code (`"IN"`) or a name (`"Indiana"`).
    pub region: Option<&'a str>,
    /// Postal code (ZIP, ZIP+4 or a foreign code).
    pub postal_code: Option<&'a str>,
    /// Country, ISO 3166-1 alpha-2 (a few common names are understood).
    pub country: Option<&'a str>,
    /// Phone number, E.164 or as a person types it (read in the side's `country`, default US).
    pub phone_number: Option<&'a str>,
    /// Email address.
    pub email: Option<&'a str>,
    /// Date of birth, `YYYY-MM-DD` (also `YYYY/MM/DD`, or an RFC 3339 date-time whose date is used).
    pub date_of_birth: Option<&'a str>,
}

impl fmt::Debug for IdentityFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present: [(&str, bool); 13] = [
            ("first_name", self.first_name.is_some()),
            ("middle_name", self.middle_name.is_some()),
            ("last_name", self.last_name.is_some()),
            ("full_name", self.full_name.is_some()),
            ("street", self.street.is_some()),
            ("street2", self.street2.is_some()),
            ("city", self.city.is_some()),
            ("region", self.region.is_some()),
            ("postal_code", self.postal_code.is_some()),
            ("country", self.country.is_some()),
            ("phone_number", self.phone_number.is_some()),
            ("email", self.email.is_some()),
            ("date_of_birth", self.date_of_birth.is_some()),
        ];
        f.write_str("IdentityFields { present: [")?;
        let mut sep = "";
        for (k, p) in present {
            if p {
                f.write_str(sep)?;
                f.write_str(k)?;
                sep = ", ";
            }
        }
        f.write_str("] }")
    }
}

/// An applicant as JSON, same shape as Layer's `identity`:
/// `{"name": {"first_name", "middle_name", "last_name", "full_name"}, "address": {"street",
/// "street2", "city", "region", "postal_code", "country"}, "phone_number", "email",
/// "date_of_birth"}`. Every field may be missing or `null`; unknown fields are ignored; strings
/// are borrowed from the input when they contain no escape.
///
/// `Debug` is redacting (prints which fields are present, never a value).
#[derive(Clone, Default, Deserialize)]
pub(crate) struct Applicant<'a> {
    /// Name parts.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub name: Option<ApplicantName<'a>>,
    /// Postal address.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub address: Option<Address<'a>>,
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
pub(crate) struct ApplicantName<'a> {
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

/// Parse an applicant from JSON bytes (UTF-8 checked; objects only; errors located and
/// never quoting the input, like [`crate::parse_session`]).
///
/// # Errors
/// A [`crate::ParseError`].
pub(crate) fn parse_applicant_bytes(bytes: &[u8]) -> Result<Applicant<'_>, ParseError> {
    parse_json(utf8(bytes)?)
}

impl<'a> Applicant<'a> {
    /// The applicant as comparison input (borrows from `self`).
    pub(crate) fn fields(&self) -> IdentityFields<'_> {
        let n = self.name.as_ref();
        IdentityFields {
            first_name: n.and_then(|n| n.first_name.as_deref()),
            middle_name: n.and_then(|n| n.middle_name.as_deref()),
            last_name: n.and_then(|n| n.last_name.as_deref()),
            full_name: n.and_then(|n| n.full_name.as_deref()),
            phone_number: self.phone_number.as_deref(),
            email: self.email.as_deref(),
            date_of_birth: self.date_of_birth.as_deref(),
            ..Address::fields(self.address.as_ref())
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

/// One line of an export: a bare response, or an envelope
/// `{"session": <response>, "applicant": <applicant>}` carrying what the backend already
/// knows about the user (its sign-up form, or the bank's account owner data).
#[derive(Default)]
pub(crate) struct Input<'a> {
    /// The Layer response.
    pub session: Session<'a>,
    /// The backend's own view of the user, if the line is an envelope with one.
    pub applicant: Option<Applicant<'a>>,
    /// A staged rollout's key, if the line is an envelope with one.
    pub rollout_key: Option<Cow<'a, str>>,
    /// Plaid's other verdicts, if the line is an envelope with them.
    pub signals: Signals<'a>,
    /// When the session was observed (Unix seconds, UTC): the line's `observed_at`, beside
    /// `session` in an envelope or at a bare response's top level.
    pub observed_at: Option<i64>,
}

impl fmt::Debug for Input<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("session", &self.session)
            .field("applicant", &self.applicant)
            .field("rollout_key", &present(&self.rollout_key))
            .field("signals", &self.signals)
            .field("observed_at", &self.observed_at)
            .finish()
    }
}

/// The envelope's keys of a line, each `Some` when present (even as null).
struct EnvelopeParts<'a> {
    session: Option<Option<Session<'a>>>,
    applicant: Option<Option<Applicant<'a>>>,
    rollout_key: Option<Option<Cow<'a, str>>>,
    signals: Option<Option<Signals<'a>>>,
    observed_at: Option<i64>,
}

fn present_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Cow<'de, str>>>, D::Error> {
    crate::de::opt_str(d).map(Some)
}

fn present_obj<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    crate::de::opt_obj(d).map(Some)
}

impl<'a> RawLine<'a> {
    fn into_input(self) -> Result<Input<'a>, ParseError> {
        let (response, bare, env) = self.split();
        let parts = env.applicant.is_some() || env.rollout_key.is_some() || env.signals.is_some();
        match env.session {
            None if !parts => Ok(Input {
                session: response,
                observed_at: env.observed_at,
                ..Input::default()
            }),
            Some(session) if !bare => Ok(Input {
                session: session.unwrap_or_default(),
                applicant: env.applicant.flatten(),
                rollout_key: env.rollout_key.flatten(),
                signals: env.signals.flatten().unwrap_or_default(),
                observed_at: env.observed_at,
            }),
            _ => Err(ParseError::new(
                ParseErrorKind::AmbiguousEnvelope,
                1,
                1,
                None,
            )),
        }
    }
}

/// Parse one export line: a bare response or a `{"session", "applicant"}` envelope.
///
/// # Errors
/// As [`parse_session`]; also [`ParseErrorKind::AmbiguousEnvelope`] for an `applicant`
/// without a `session`, or an envelope that also has response fields at its top level.
pub(crate) fn parse_input(json: &str) -> Result<Input<'_>, ParseError> {
    finish_input(json, parse_json::<RawLine<'_>>(json))
}

/// [`parse_input`] with the fast parser alone: `None` where it refuses the line (or the line
/// is no object), which [`parse_input`] then hands to serde_json.
#[cfg(all(test, feature = "gen"))]
pub(crate) fn parse_input_fast(json: &str) -> Option<Result<Input<'_>, ParseError>> {
    if !json
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return None;
    }
    let raw = sonic_rs::from_str::<RawLine<'_>>(json).ok()?;
    Some(finish_input(json, Ok(raw)))
}

/// [`parse_input`] with serde_json alone.
#[cfg(all(test, feature = "gen"))]
pub(crate) fn parse_input_reference(json: &str) -> Result<Input<'_>, ParseError> {
    finish_input(json, parse_json_reference(json))
}

fn finish_input<'a>(
    json: &'a str,
    raw: Result<RawLine<'a>, ParseError>,
) -> Result<Input<'a>, ParseError> {
    raw?.into_input().map_err(|e| {
        // Point at the key that makes the line ambiguous.
        let at = ["applicant", "rollout_key", "signals", "session"]
            .iter()
            .find_map(|k| locate(json, &[Seg::Key(k)]));
        match at {
            Some((line, column)) => ParseError::new(e.kind().clone(), line, column, None),
            None => e,
        }
    })
}

/// One part of a context given apart from the body (an applicant, a Plaid response), its
/// errors located under `path` (`applicant`, `signals.protect`, ...).
pub(crate) fn parse_part<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    path: &str,
) -> Result<T, ParseError> {
    parse_json(utf8(bytes).map_err(|e| e.under(path))?).map_err(|e| e.under(path))
}

/// [`parse_input`] from bytes, checking UTF-8 first.
///
/// # Errors
/// As [`parse_input`], plus [`ParseErrorKind::InvalidUtf8`].
pub(crate) fn parse_input_bytes(bytes: &[u8]) -> Result<Input<'_>, ParseError> {
    parse_input(utf8(bytes)?)
}

/// Parse one response from JSON text.
///
/// # Errors
/// A [`ParseError`] with line, column and field path when the text is not JSON, not an
/// object, or has a value of the wrong type (a count that is negative, fractional or a string).
/// The error never quotes the input.
///
/// # Example
/// ```
/// let s = layer_risk::parse_session(r#"{"identity": null, "items": [], "request_id": "r1"}"#)?;
/// assert!(s.identity.is_none());
/// assert_eq!(s.request_id.as_deref(), Some("r1"));
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
pub fn parse_session(json: &str) -> Result<Session<'_>, ParseError> {
    parse_json(json)
}

pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col_bytes(bytes, e.valid_up_to());
        ParseError::new(ParseErrorKind::InvalidUtf8, line, col, None)
    })
}

/// Deserialize `T` from `json` (which must be a JSON object); on failure parse again to
/// find the field path of the error (only failing inputs pay for that).
pub(crate) fn parse_json<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, ParseError> {
    let body = json.trim_start_matches([' ', '\t', '\n', '\r']);
    if !body.is_empty() && !body.starts_with('{') {
        let (line, column) = line_col(json, json.len() - body.len());
        return Err(ParseError::new(
            ParseErrorKind::NotAnObject,
            line,
            column,
            None,
        ));
    }
    // The fast parser decides the lines it accepts; everything else (errors included) is
    // serde_json's, so an error, its position and its path never depend on the fast one.
    if let Ok(v) = sonic_rs::from_str::<T>(json) {
        return Ok(v);
    }
    parse_json_reference(json)
}

/// [`parse_json`] with serde_json alone: the reference the fast parser is held to.
pub(crate) fn parse_json_reference<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, ParseError> {
    match serde_json::from_str::<T>(json) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_str(json);
            let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => safe_path(e.path()),
                Ok(_) => None,
            };
            Err(ParseError::from_json(&first, path))
        }
    }
}

/// Every key of the response's nested objects, the envelope and the applicant beside
/// [`RESPONSE_KEYS`], read from the model's own declarations: the only keys an error path
/// may show (an unknown key is input text, and could be anything).
fn is_known_key(key: &str) -> bool {
    use crate::de::struct_fields;
    static KNOWN: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        [
            struct_fields::<Identity<'_>>(),
            struct_fields::<Name<'_>>(),
            struct_fields::<Address<'_>>(),
            struct_fields::<EditHistory>(),
            struct_fields::<OfficialDocument>(),
            struct_fields::<EditCounts>(),
            struct_fields::<Item>(),
            struct_fields::<Applicant<'_>>(),
            struct_fields::<ApplicantName<'_>>(),
            struct_fields::<Signals<'_>>(),
            struct_fields::<crate::signals::ProtectResult>(),
            struct_fields::<crate::signals::IdentityMatchResult>(),
            struct_fields::<crate::signals::IdentityMatchAccount>(),
            struct_fields::<crate::signals::MatchScore>(),
            struct_fields::<crate::signals::IdvResult<'_>>(),
            struct_fields::<crate::signals::IdvUser<'_>>(),
            struct_fields::<crate::signals::IdvName<'_>>(),
            struct_fields::<crate::signals::IdvAddress<'_>>(),
            struct_fields::<crate::signals::IdvIdNumber<'_>>(),
            struct_fields::<crate::signals::RiskCheck>(),
            struct_fields::<crate::signals::IdentityAbuseSignals>(),
            &[
                "session",
                "applicant",
                "rollout_key",
                "signals",
                "observed_at",
            ],
        ]
        .concat()
    });
    RESPONSE_KEYS.contains(&key) || KNOWN.contains(&key)
}

/// The error path with known keys only: it stops before the first key that is not part of
/// the model (`identity.<unknown field>`).
fn safe_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } if is_known_key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Map { .. } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str("<unknown field>");
                break;
            }
            Segment::Enum { .. } | Segment::Unknown => break,
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod known_key_tests {
    use super::*;

    /// The keys come from the model: every nested struct's fields, and nothing else.
    #[test]
    fn known_keys_are_the_models() {
        for k in [
            "name",
            "ssn_last4",
            "street2",
            "edits_all_time",
            "official_document",
            "ssn",
            "access_token",
            "full_name",
            "middle_name",
            "session",
            "applicant",
            "request_id",
            "identity_edit_history",
        ] {
            assert!(is_known_key(k), "{k}");
        }
        for k in ["Leslie", "extra", "", "identity.name"] {
            assert!(!is_known_key(k), "{k}");
        }
        assert_eq!(crate::de::struct_fields::<OfficialDocument>(), ["ssn"]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod applicant_tests {
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
