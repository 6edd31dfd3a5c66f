//! The native half of the npm package `layer-risk`: the Node face of the core's owning
//! [`layer_risk::Scorer`].
//!
//! A thin shell, like the Python binding: every decision and every record comes from the
//! core (`Scorer::assess`, `Scorer::record`, `batch::score_bytes`, `RuleSet::from_path`), so
//! the bytes are the CLI's. This module converts values at the edge and
//! nothing else.
//!
//! It never throws for a bad input or a bad rules file: such calls return a [`Failure`]
//! object instead of their value (a tagged result), and `index.js` turns it into a
//! `ParseError`, `RulesError` or `TypeError`. That keeps the class hierarchy in JavaScript,
//! where `instanceof` works, and costs nothing on the success path. The wrapper also checks
//! argument types before calling in, so napi's own conversion errors are never reached in
//! normal use.

use layer_risk::link::{LinkError, LinkHistory, LinkSecret, LinkStore, Retention, SqliteStore};
use layer_risk::{batch, LineResult, ParseError, RuleSet, RulesError};
use napi::bindgen_prelude::{Buffer, BufferSlice, Either};
use napi_derive::napi;

/// Why a call gave no value: what `index.js` throws.
#[napi(object)]
pub struct Failure {
    /// `ParseError`, `RulesError` or `TypeError`: the class to throw.
    pub kind: String,
    /// The stable code: the core's parse code (`truncated`, `wrong_type`, ...), the rules
    /// code (`syntax`, `schema`, `semantic`, `unpriced`, `io`) or Node's
    /// `ERR_INVALID_ARG_VALUE`.
    pub code: String,
    /// The core's located message; it never quotes an input value.
    pub message: String,
    /// 1-based line (0 for a `TypeError`).
    pub line: f64,
    /// 1-based column in bytes (0 for a `TypeError`).
    pub column: f64,
    /// The field path, when known.
    pub path: Option<String>,
}

impl Failure {
    fn parse(e: &ParseError) -> Self {
        Failure {
            kind: "ParseError".into(),
            code: e.code().into(),
            message: e.to_string(),
            line: e.line() as f64,
            column: e.column() as f64,
            path: e.path().map(str::to_owned),
        }
    }

    fn rules(e: &RulesError) -> Self {
        Failure {
            kind: "RulesError".into(),
            code: e.kind().code().into(),
            message: e.to_string(),
            line: e.line() as f64,
            column: e.column() as f64,
            path: (!e.path().is_empty()).then(|| e.path().to_owned()),
        }
    }

    fn link(e: &LinkError) -> Self {
        Failure {
            kind: "LinkError".into(),
            code: "ERR_LINK".into(),
            message: e.to_string(),
            line: 0.0,
            column: 0.0,
            path: None,
        }
    }

    fn invalid_arg(message: &str) -> Self {
        Failure {
            kind: "TypeError".into(),
            code: "ERR_INVALID_ARG_VALUE".into(),
            message: message.into(),
            line: 0.0,
            column: 0.0,
            path: None,
        }
    }
}

/// The bytes of a JS string (encoded as UTF-8 on the way in, as `Buffer.from` encodes it)
/// or of a Buffer (borrowed, not copied).
fn bytes<'a>(value: &'a Either<String, BufferSlice<'_>>) -> &'a [u8] {
    match value {
        Either::A(s) => s.as_bytes(),
        Either::B(b) => b,
    }
}

/// The record bytes as a JS string, without the trailing newline. The core writes JSON,
/// which is UTF-8; a lossy conversion is only a guard.
fn record_text(record: &[u8]) -> String {
    let record = record.strip_suffix(b"\n").unwrap_or(record);
    String::from_utf8_lossy(record).into_owned()
}

/// A rule set and an evaluation date. Made by [`new_scorer`]; `index.js` wraps it in the
/// public `Scorer` class.
#[napi]
pub struct NativeScorer {
    inner: layer_risk::Scorer,
}

/// The rule set's identity.
#[napi(object)]
pub struct RulesInfo {
    /// The rules file's `name`.
    pub name: String,
    /// The rules file's `version`.
    pub version: String,
    /// SHA-256 of the rules file's bytes, in hex.
    pub sha256: String,
}

/// A scorer deciding with the rules in the file at `rules_path`, or in `rules_json` (named
/// `rules_name` in error messages), or the embedded default rules when neither is given, as
/// of `as_of` (`YYYY-MM-DD`). The file is read as the CLI reads `--rules`: its source name
/// is the path as given.
#[napi]
pub fn new_scorer(
    rules_path: Option<String>,
    rules_json: Option<String>,
    rules_name: Option<String>,
    as_of: String,
) -> Either<NativeScorer, Failure> {
    let Some(as_of) = layer_risk::parse_date(&as_of) else {
        return Either::B(Failure::invalid_arg(
            "asOf: expected an existing date written 'YYYY-MM-DD'",
        ));
    };
    let rules = match (rules_path, rules_json) {
        (Some(_), Some(_)) => {
            return Either::B(Failure::invalid_arg(
                "rules and rulesJson: give one or the other",
            ))
        }
        (None, None) => Ok(RuleSet::embedded_default().clone()),
        (Some(path), None) => RuleSet::from_path(path),
        (None, Some(text)) => {
            RuleSet::from_json(&text, rules_name.as_deref().unwrap_or("rulesJson"))
        }
    };
    match rules {
        Ok(rules) => Either::A(NativeScorer {
            inner: layer_risk::Scorer::new(rules, as_of),
        }),
        Err(e) => Either::B(Failure::rules(&e)),
    }
}

#[napi]
impl NativeScorer {
    /// The rule set's name, version and SHA-256.
    #[napi]
    pub fn rules(&self) -> RulesInfo {
        let id = self.inner.rules().id();
        RulesInfo {
            name: id.name.clone(),
            version: id.version.clone(),
            sha256: id.sha256.clone(),
        }
    }

    /// The evaluation date, `YYYY-MM-DD`.
    #[napi]
    pub fn as_of(&self) -> String {
        self.inner.as_of().format("%Y-%m-%d").to_string()
    }

    /// The decision record (JSON text, no `line`, no newline) on one response body or
    /// envelope, or with `applicant` (the JSON of the backend's view of the user) on a bare
    /// response; a [`Failure`] when the input is not one.
    /// `link` is the JSON of a link history (`SqliteLinkStore.observe`'s answer).
    #[napi]
    pub fn assess(
        &self,
        body: Either<String, BufferSlice<'_>>,
        applicant: Option<Either<String, BufferSlice<'_>>>,
        link: Option<String>,
    ) -> Either<String, Failure> {
        let body = bytes(&body);
        let link = match link.as_deref().map(history) {
            None => None,
            Some(Ok(h)) => Some(h),
            Some(Err(f)) => return Either::B(f),
        };
        let mut context = match &applicant {
            Some(a) => layer_risk::Context::new().applicant(bytes(a)),
            None => layer_risk::Context::NONE,
        };
        if let Some(h) = &link {
            context = context.link(h);
        }
        match self.inner.assess(body, &context) {
            Ok(d) => {
                let mut out = Vec::with_capacity(1024);
                self.inner.write_record(&d, None, &mut out);
                Either::A(record_text(&out))
            }
            Err(e) => Either::B(Failure::parse(&e)),
        }
    }

    /// Exactly what `layer-risk score --as-of D --jobs 1` prints for `data`: one record per
    /// non-blank line, numbered, in order. Gzip data is decompressed, as the CLI does.
    #[napi]
    pub fn score_jsonl(&self, data: Either<String, BufferSlice<'_>>) -> napi::Result<Buffer> {
        let data = bytes(&data);
        // Records run about half the size of real export lines; reserving the whole input
        // size spares a late doubling copy of a half-written output, and the capacity left
        // untouched is address space, not memory.
        let mut out = Vec::with_capacity(data.len() + 1024);
        // Only a corrupt or cut gzip stream fails (writing to a Vec cannot).
        batch::score_bytes(data, &mut out, &self.inner, batch::Options::new(1))
            .map_err(|e| napi::Error::from_reason(format!("scoreJsonl: {e}")))?;
        Ok(out.into())
    }

    /// One record per line as the batch engine writes it (error records included, no
    /// `line` field, no newline); `None` for a blank line or a missing one.
    /// `links`, when given, holds one link history's JSON (or nothing) per line.
    #[napi]
    pub fn score_lines(
        &self,
        lines: Vec<Option<Either<String, BufferSlice<'_>>>>,
        links: Option<Vec<Option<String>>>,
    ) -> Either<Vec<Option<String>>, Failure> {
        let mut histories = Vec::new();
        if let Some(links) = &links {
            if links.len() != lines.len() {
                return Either::B(Failure::invalid_arg(&format!(
                    "links: {} histories for {} lines",
                    links.len(),
                    lines.len()
                )));
            }
            for l in links {
                match l.as_deref().map(history) {
                    None => histories.push(None),
                    Some(Ok(h)) => histories.push(Some(h)),
                    Some(Err(f)) => return Either::B(f),
                }
            }
        }
        let mut out = Vec::with_capacity(2048);
        Either::A(
            lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    let raw = bytes(line.as_ref()?);
                    out.clear();
                    let link = histories.get(i).and_then(Option::as_ref);
                    let max = batch::DEFAULT_MAX_LINE_BYTES;
                    match self.inner.record_with_link(None, raw, max, link, &mut out) {
                        LineResult::Blank => None,
                        _ => Some(record_text(&out)),
                    }
                })
                .collect(),
        )
    }
}

/// The longest line, in bytes, that `scoreJsonl` and `scoreLines` parse: longer ones get a
/// `line_too_long` error record.
#[napi]
pub const DEFAULT_MAX_LINE_BYTES: u32 = batch::DEFAULT_MAX_LINE_BYTES as u32;
const _: () = assert!(batch::DEFAULT_MAX_LINE_BYTES <= u32::MAX as usize);

/// A link history from its JSON, or the `TypeError` failure naming what is wrong.
fn history(json: &str) -> Result<LinkHistory, Failure> {
    serde_json::from_str(json).map_err(|e| Failure::invalid_arg(&format!("link: {e}")))
}

/// Link observations in one SQLite file, keyed with the caller's secret. Made by
/// [`new_link_store`]; `index.js` wraps it in the public `SqliteLinkStore` class.
#[napi]
pub struct NativeLinkStore {
    store: SqliteStore,
    secret: LinkSecret,
}

/// The SQLite link store at `path` (created if needed), keyed with `secret` (at least 32
/// bytes, one trailing newline dropped), keeping `retention_days` (400 by default).
#[napi]
pub fn new_link_store(
    path: String,
    secret: Either<String, BufferSlice<'_>>,
    retention_days: Option<u32>,
) -> Either<NativeLinkStore, Failure> {
    let secret = match LinkSecret::from_bytes(bytes(&secret).to_vec()) {
        Ok(s) => s,
        Err(e) => return Either::B(Failure::link(&e)),
    };
    let retention = Retention {
        days: retention_days.unwrap_or(400).max(1),
    };
    match SqliteStore::open(&path, retention) {
        Ok(store) => Either::A(NativeLinkStore { store, secret }),
        Err(e) => Either::B(Failure::link(&e)),
    }
}

#[napi]
impl NativeLinkStore {
    /// Record one session and return the JSON of the history before it. `at` (Unix
    /// seconds) is used when the body has no `observed_at`.
    #[napi]
    pub fn observe(
        &mut self,
        body: Either<String, BufferSlice<'_>>,
        at: Option<f64>,
    ) -> Either<String, Failure> {
        let (keys, stamped) = match self.secret.observation_of(bytes(&body)) {
            Ok(k) => k,
            Err(e) => return Either::B(Failure::parse(&e)),
        };
        let Some(t) = stamped.or(at.map(|a| a as i64)) else {
            return Either::B(Failure::invalid_arg(
                "observe: give `at` (Unix seconds) for a body without observed_at",
            ));
        };
        match self.store.observe(&keys, t) {
            Ok(h) => match serde_json::to_string(&h) {
                Ok(s) => Either::A(s),
                Err(e) => Either::B(Failure::invalid_arg(&e.to_string())),
            },
            Err(e) => Either::B(Failure::link(&e)),
        }
    }

    /// Erase every observation of the subject the body's identity names; the rows removed.
    #[napi]
    pub fn erase(&mut self, body: Either<String, BufferSlice<'_>>) -> Either<f64, Failure> {
        let keys = match self.secret.keys_of(bytes(&body)) {
            Ok(k) => k,
            Err(e) => return Either::B(Failure::parse(&e)),
        };
        match self.store.erase(&keys) {
            Ok(n) => Either::A(n as f64),
            Err(e) => Either::B(Failure::link(&e)),
        }
    }

    /// Drop what was last seen before `now` (Unix seconds) less the retention horizon.
    #[napi]
    pub fn purge(&mut self, now: f64) -> Either<f64, Failure> {
        match self.store.purge(now as i64) {
            Ok(n) => Either::A(n as f64),
            Err(e) => Either::B(Failure::link(&e)),
        }
    }

    /// The secret's key id (8 hex digits).
    #[napi]
    pub fn key_id(&self) -> String {
        self.secret.key_id().to_string()
    }
}
