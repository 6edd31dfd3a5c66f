//! The error types: parse errors for Layer responses ([`ParseError`]), and load errors for
//! rules files ([`RulesError`]).
//!
//! Error messages are part of the interface. They say where (line, column, field path) and
//! what was expected, and they never quote a value from the input: a Layer response carries an
//! SSN, names and access tokens, and an error message ends up in logs.

use std::fmt;

/// Why a Layer response (or one line of an export) could not be read.
///
/// Parsing is the only step that can fail: everything after it turns problems into findings.
/// The message never contains a value from the input.
///
/// # Example
/// ```
/// let err = layer_risk::parse_session(r#"{"identity": 5}"#).unwrap_err();
/// assert_eq!(err.code(), "wrong_type");
/// assert_eq!(err.path(), Some("identity"));
/// assert_eq!(
///     err.to_string(),
///     "wrong type at `identity` (line 1, column 14): found integer, expected an object"
/// );
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}{} (line {line}, column {column}){}", at(self.path.as_deref()), detail(&self.kind))]
pub struct ParseError {
    kind: ParseErrorKind,
    line: usize,
    column: usize,
    path: Option<String>,
}

fn at(path: Option<&str>) -> String {
    path.map(|p| format!(" at `{p}`")).unwrap_or_default()
}

fn detail(kind: &ParseErrorKind) -> String {
    match kind {
        ParseErrorKind::WrongType { found, expected } => {
            format!(": found {found}, expected {expected}")
        }
        ParseErrorKind::InvalidValue { found, expected } => {
            format!(": found {found}, expected {expected}")
        }
        ParseErrorKind::Syntax(msg) => format!(": {msg}"),
        ParseErrorKind::LineTooLong { max } => {
            format!(": longer than {max} bytes, skipped without reading it")
        }
        ParseErrorKind::Other(msg) => format!(": {msg}"),
        _ => String::new(),
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Same as Display: it never holds input values, so this is safe to log.
        write!(f, "ParseError({self})")
    }
}

/// The kind of a [`ParseError`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// The input ends before the JSON value does (a truncated line).
    Truncated,
    /// Not JSON; the message is serde_json's description of the syntax error.
    Syntax(String),
    /// Valid JSON, but a value of the wrong type (a string where a count belongs, ...).
    WrongType {
        /// What was found: `string`, `integer`, `floating point`, `map`, ...
        found: String,
        /// What the model expected there.
        expected: String,
    },
    /// The right type but an impossible value (a negative or huge edit count).
    InvalidValue {
        /// What was found, without the value itself (`integer`, `string`).
        found: String,
        /// What the model expected there.
        expected: String,
    },
    /// The same key twice in one object.
    DuplicateField,
    /// The line is a JSON value that is not an object.
    NotAnObject,
    /// An `applicant` without a `session`, or an envelope with response fields beside it.
    AmbiguousEnvelope,
    /// A batch line longer than the limit: skipped as it streamed, never read into memory.
    LineTooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// Anything else serde reported.
    Other(String),
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseErrorKind::InvalidUtf8 => "invalid UTF-8",
            ParseErrorKind::Truncated => "truncated JSON",
            ParseErrorKind::Syntax(_) => "invalid JSON",
            ParseErrorKind::WrongType { .. } => "wrong type",
            ParseErrorKind::InvalidValue { .. } => "invalid value",
            ParseErrorKind::DuplicateField => "duplicate field",
            ParseErrorKind::NotAnObject => "not a JSON object",
            ParseErrorKind::LineTooLong { .. } => "line too long",
            ParseErrorKind::AmbiguousEnvelope => {
                "ambiguous line: an envelope holds only `session` and `applicant`, and `applicant` needs `session`"
            }
            ParseErrorKind::Other(_) => "invalid data",
        })
    }
}

impl ParseError {
    pub(crate) fn new(
        kind: ParseErrorKind,
        line: usize,
        column: usize,
        path: Option<String>,
    ) -> Self {
        ParseError {
            kind,
            line,
            column,
            path,
        }
    }

    /// The message without its position, for records that carry the line and column in
    /// fields of their own (batch error records): `truncated JSON at `identity.name``.
    pub fn describe(&self) -> String {
        format!(
            "{}{}{}",
            self.kind,
            at(self.path.as_deref()),
            detail(&self.kind)
        )
    }

    /// A stable, machine-readable code: `invalid_utf8`, `truncated`, `invalid_json`,
    /// `wrong_type`, `invalid_value`, `duplicate_field`, `not_an_object`, `ambiguous_envelope`
    /// or `invalid_data`.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::InvalidUtf8 => "invalid_utf8",
            ParseErrorKind::Truncated => "truncated",
            ParseErrorKind::Syntax(_) => "invalid_json",
            ParseErrorKind::WrongType { .. } => "wrong_type",
            ParseErrorKind::InvalidValue { .. } => "invalid_value",
            ParseErrorKind::DuplicateField => "duplicate_field",
            ParseErrorKind::NotAnObject => "not_an_object",
            ParseErrorKind::AmbiguousEnvelope => "ambiguous_envelope",
            ParseErrorKind::LineTooLong { .. } => "line_too_long",
            ParseErrorKind::Other(_) => "invalid_data",
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// 1-based line within the parsed text (always 1 for a compact JSONL line).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column (in bytes) within that line.
    pub fn column(&self) -> usize {
        self.column
    }

    /// The field path where the error was found, such as
    /// `identity_edit_history.name.edits_1d` or `items[0]`, when known.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// Is this a truncated input (it ended too early)?
    pub fn is_truncated(&self) -> bool {
        matches!(self.kind, ParseErrorKind::Truncated)
    }

    /// The error of a line longer than `max` bytes (`line_too_long`): the one the batch
    /// engine and [`crate::Scorer::record_line`] write.
    pub(crate) fn line_too_long(max: usize) -> Self {
        ParseError::new(ParseErrorKind::LineTooLong { max }, 1, 1, None)
    }

    /// The same error, found inside the value at `key` of an enclosing object: its path
    /// gains `key` in front (`applicant.name.first_name`).
    pub(crate) fn under(mut self, key: &str) -> Self {
        self.path = Some(match self.path.take() {
            None => key.to_owned(),
            Some(p) if p.starts_with('[') => format!("{key}{p}"),
            Some(p) => format!("{key}.{p}"),
        });
        self
    }

    /// Build from a serde_json error, without ever quoting the input's values.
    pub(crate) fn from_json(err: &serde_json::Error, path: Option<String>) -> Self {
        use serde_json::error::Category;
        let full = err.to_string();
        let message = strip_position(&full);
        let kind = match err.classify() {
            Category::Eof => ParseErrorKind::Truncated,
            Category::Syntax => ParseErrorKind::Syntax(message.to_owned()),
            Category::Io => ParseErrorKind::Other("I/O error".to_owned()),
            Category::Data => classify_data(message),
        };
        let path = path.filter(|p| !p.is_empty()).map(|p| clip(&p, 200));
        ParseError::new(kind, err.line().max(1), err.column().max(1), path)
    }
}

/// serde_json's Display appends " at line L column C"; we report those separately.
fn strip_position(full: &str) -> &str {
    match full.rfind(" at line ") {
        Some(i) if full[i..].contains(" column ") => &full[..i],
        _ => full,
    }
}

/// Turn a serde "data" error message into a kind that keeps the types and drops the values.
///
/// serde formats these as `invalid type: string "…", expected u32` or
/// `invalid value: integer `-1`, expected u32`: the kind of what was found comes before the
/// first quote or backtick, and what was expected comes after the last ", expected " (it is
/// written by our model, not by the input).
fn classify_data(message: &str) -> ParseErrorKind {
    let split = |rest: &str| -> (String, String) {
        let found_end = rest.find([' ', '"', '`']).unwrap_or(rest.len());
        let mut found = rest[..found_end].trim_end_matches(',').to_owned();
        // Two-word kinds serde uses.
        for two in [
            "floating point",
            "unit variant",
            "newtype struct",
            "byte array",
        ] {
            if rest.starts_with(two) {
                found = two.to_owned();
            }
        }
        let expected = match rest.rfind(", expected ") {
            // Edit counts are u32: say it the way a person reads it.
            Some(i) if &rest[i + ", expected ".len()..] == "u32" => {
                "a whole number from 0 to 4294967295".to_owned()
            }
            Some(i) => clip(&rest[i + ", expected ".len()..], 120),
            None => "something else".to_owned(),
        };
        (found, expected)
    };
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = split(rest);
        ParseErrorKind::WrongType { found, expected }
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = split(rest);
        ParseErrorKind::InvalidValue { found, expected }
    } else if message.starts_with("duplicate field") {
        ParseErrorKind::DuplicateField
    } else {
        // Our own visitors' messages and serde's fixed texts; never echo unknown text.
        ParseErrorKind::Other("the value does not fit the response model".to_owned())
    }
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// A rules file that could not be loaded: where, and why.
///
/// Displays as `FILE:LINE:COLUMN: PATH: MESSAGE`, the form editors and CI annotate. Opaque:
/// read it through its accessors.
///
/// # Example
/// ```
/// use layer_risk::{RuleSet, RulesErrorKind};
/// let err = RuleSet::from_json("{\"name\": \"t\",\n \"versoin\": \"1\"}", "t.json").unwrap_err();
/// assert_eq!((err.source_name(), err.line(), err.column()), ("t.json", 2, 10));
/// assert_eq!(err.kind(), RulesErrorKind::Schema);
/// assert!(err.message().contains("did you mean `version`?"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}:{column}: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct RulesError {
    pub(crate) source_name: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) kind: RulesErrorKind,
}

impl RulesError {
    /// A serde_json error in a JSON document the library loads (a rules file, its test
    /// cases, a summary): located where serde_json saw it, with its message less the
    /// position serde_json appends; kind `Schema` for a data error, `Syntax` otherwise.
    pub(crate) fn from_json(source: &str, path: String, err: &serde_json::Error) -> Self {
        let kind = match err.classify() {
            serde_json::error::Category::Data => RulesErrorKind::Schema,
            _ => RulesErrorKind::Syntax,
        };
        RulesError {
            source_name: source.to_owned(),
            line: err.line().max(1),
            column: err.column().max(1),
            path: if path == "." { String::new() } else { path },
            message: strip_position(&err.to_string()).to_owned(),
            kind,
        }
    }

    /// A rules file that could not be read at all (`kind` [`RulesErrorKind::Io`], line and
    /// column 1): for callers that read files themselves.
    pub fn io(source_name: &str, message: impl Into<String>) -> Self {
        RulesError {
            source_name: source_name.to_owned(),
            line: 1,
            column: 1,
            path: String::new(),
            message: message.into(),
            kind: RulesErrorKind::Io,
        }
    }

    /// The file, as given to [`crate::RuleSet::from_json`].
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column, in bytes as serde_json counts them.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Field path such as `edit_rules[2].window`; empty for the document itself.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong, with a did-you-mean where a key or value looks misspelt.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Which check refused the file.
    pub fn kind(&self) -> RulesErrorKind {
        self.kind
    }
}

/// Which check refused a rules file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RulesErrorKind {
    /// Not JSON.
    Syntax,
    /// JSON of the wrong shape: unknown key, wrong type, unknown value.
    Schema,
    /// Well-formed but meaningless: duplicate ids, tiers out of order, negative points.
    Semantic,
    /// Well-formed, but some finding codes have no price (a file must price every code; 0
    /// is a price): the message lists them.
    Unpriced,
    /// The file could not be read (set by callers that read files).
    Io,
}

impl RulesErrorKind {
    /// A stable, machine-readable code: `syntax`, `schema`, `semantic`, `unpriced` or `io`
    /// (what the language bindings put in their errors' `code`).
    ///
    /// # Example
    /// ```
    /// let err = layer_risk::RuleSet::from_json("{", "t.json").unwrap_err();
    /// assert_eq!(err.kind().code(), "syntax");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            RulesErrorKind::Syntax => "syntax",
            RulesErrorKind::Schema => "schema",
            RulesErrorKind::Semantic => "semantic",
            RulesErrorKind::Unpriced => "unpriced",
            RulesErrorKind::Io => "io",
        }
    }
}
