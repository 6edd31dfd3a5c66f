//! The serde model of a `/user_account/session/get` response: tolerant, borrowed, no judgement.
//!
//! Every field may be `null` or missing and unknown fields are accepted, because Plaid adds
//! fields (`additionalProperties: true` everywhere in the spec). Strings borrow from the input
//! when they hold no escapes. `ssn_last4`, the spelling of Plaid's Layer guide sample, is read
//! beside the spec's `ssn_last_4`. Nothing here judges the data: that is [`crate::validate`].
//!
//! No `Debug` output in this module shows an identity value or a token: it shows which fields
//! are present.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{ParseError, ParseErrorKind};
use crate::matching::{Applicant, IdentityFields};

/// One Layer `/user_account/session/get` response.
#[derive(Clone, Default, Deserialize)]
pub struct Session<'a> {
    /// The user-submitted identity; `None` when `null` or missing.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    pub identity: Option<Identity<'a>>,
    /// How many Items (linked bank connections) the response carries; `None` when `items` is
    /// `null` or missing. Only the count is kept: access tokens are secrets.
    #[serde(default)]
    pub items: Option<ItemCount>,
    /// Edit statistics of the identity fields; `None` when `null` or missing.
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    pub identity_edit_history: Option<EditHistory>,
    /// Plaid's request id: not PII, carried into decisions.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub request_id: Option<Cow<'a, str>>,
    /// Identity Verification status, in newer responses (`success`, `failed`, ...).
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub idv_session_status: Option<Cow<'a, str>>,
    /// Link session id, in newer responses.
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    pub link_session_id: Option<Cow<'a, str>>,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("identity", &self.identity)
            .field("items", &self.items)
            .field("identity_edit_history", &self.identity_edit_history)
            .field("request_id", &self.request_id)
            .field(
                "idv_session_status",
                &self
                    .idv_session_status
                    .as_deref()
                    .map(crate::validate::idv_label),
            )
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
                    if crate::validate::address::is_iso_country(c) {
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

/// One line of an export: a bare response, or an envelope
/// `{"session": <response>, "applicant": <applicant>}` carrying what the backend already
/// knows about the user (its sign-up form, or the bank's account owner data).
#[derive(Debug, Default)]
pub struct Input<'a> {
    /// The Layer response.
    pub session: Session<'a>,
    /// The backend's own view of the user, if the line is an envelope with one.
    pub applicant: Option<Applicant<'a>>,
}

/// A line read as either shape in one pass: the response's fields plus the envelope's.
#[derive(Deserialize)]
struct RawLine<'a> {
    #[serde(borrow, default, deserialize_with = "crate::de::opt_obj")]
    identity: Option<Identity<'a>>,
    #[serde(default)]
    items: Option<ItemCount>,
    #[serde(default, deserialize_with = "crate::de::opt_obj")]
    identity_edit_history: Option<EditHistory>,
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    request_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    idv_session_status: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "crate::de::opt_str")]
    link_session_id: Option<Cow<'a, str>>,
    /// `Some` when the key is present (even as null).
    #[serde(borrow, default, deserialize_with = "present_obj")]
    session: Option<Option<Session<'a>>>,
    #[serde(borrow, default, deserialize_with = "present_obj")]
    applicant: Option<Option<Applicant<'a>>>,
}

fn present_obj<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    crate::de::opt_obj(d).map(Some)
}

impl<'a> RawLine<'a> {
    fn into_input(self) -> Result<Input<'a>, ParseError> {
        let bare = self.identity.is_some()
            || self.items.is_some()
            || self.identity_edit_history.is_some()
            || self.request_id.is_some()
            || self.idv_session_status.is_some()
            || self.link_session_id.is_some();
        match (self.session, self.applicant) {
            (None, None) => Ok(Input {
                session: Session {
                    identity: self.identity,
                    items: self.items,
                    identity_edit_history: self.identity_edit_history,
                    request_id: self.request_id,
                    idv_session_status: self.idv_session_status,
                    link_session_id: self.link_session_id,
                },
                applicant: None,
            }),
            (Some(session), applicant) if !bare => Ok(Input {
                session: session.unwrap_or_default(),
                applicant: applicant.flatten(),
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
///
/// # Example
/// ```
/// let line = r#"{"session": {"request_id": "r1", "items": []},
///               "applicant": {"name": {"full_name": "Leslie Knope"}}}"#;
/// let input = layer_risk::parse_input(line)?;
/// assert_eq!(input.session.request_id.as_deref(), Some("r1"));
/// assert!(input.applicant.is_some());
/// # Ok::<(), layer_risk::ParseError>(())
/// ```
pub fn parse_input(json: &str) -> Result<Input<'_>, ParseError> {
    parse_json::<RawLine<'_>>(json)?.into_input().map_err(|e| {
        // Point at the key that makes the line ambiguous.
        use crate::rules::{locate_path, PathSeg};
        let at = ["applicant", "session"]
            .iter()
            .find_map(|k| locate_path(json, &[PathSeg::Key(k)]));
        match at {
            Some((line, column)) => ParseError::new(e.kind().clone(), line, column, None),
            None => e,
        }
    })
}

/// [`parse_input`] from bytes, checking UTF-8 first.
///
/// # Errors
/// As [`parse_input`], plus [`ParseErrorKind::InvalidUtf8`].
pub fn parse_input_bytes(bytes: &[u8]) -> Result<Input<'_>, ParseError> {
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

/// Parse one response from bytes, checking UTF-8 first (a batch line may not be text).
///
/// # Errors
/// As [`parse_session`], plus [`ParseErrorKind::InvalidUtf8`] with the column of the first
/// bad byte.
pub fn parse_session_bytes(bytes: &[u8]) -> Result<Session<'_>, ParseError> {
    parse_json(utf8(bytes)?)
}

pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = 1 + before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
        ParseError::new(ParseErrorKind::InvalidUtf8, line, col, None)
    })
}

/// Deserialize `T` from `json` (which must be a JSON object); on failure parse again to
/// find the field path of the error (only failing inputs pay for that).
pub(crate) fn parse_json<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, ParseError> {
    let body = json.trim_start_matches([' ', '\t', '\n', '\r']);
    if !body.is_empty() && !body.starts_with('{') {
        let (line, column) = crate::rules::line_col(json, json.len() - body.len());
        return Err(ParseError::new(
            ParseErrorKind::NotAnObject,
            line,
            column,
            None,
        ));
    }
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

/// Every key of the response, envelope and applicant models: the only keys an error path
/// may show (an unknown key is input text, and could be anything).
const KNOWN_KEYS: &[&str] = &[
    "identity",
    "items",
    "identity_edit_history",
    "request_id",
    "idv_session_status",
    "link_session_id",
    "name",
    "address",
    "phone_number",
    "email",
    "date_of_birth",
    "ssn",
    "ssn_last_4",
    "ssn_last4",
    "first_name",
    "last_name",
    "middle_name",
    "full_name",
    "street",
    "street2",
    "city",
    "region",
    "postal_code",
    "country",
    "official_document",
    "edits_current",
    "edits_1d",
    "edits_30d",
    "edits_365d",
    "edits_all_time",
    "item_id",
    "access_token",
    "session",
    "applicant",
];

/// The error path with known keys only: it stops before the first key that is not part of
/// the model (`identity.<unknown field>`).
fn safe_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } if KNOWN_KEYS.contains(&key.as_str()) => {
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
