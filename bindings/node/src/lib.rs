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

use std::sync::Arc;

use layer_risk::link::{LinkError, LinkHistory, LinkSecret, LinkStore, Retention, SqliteStore};
use layer_risk::{batch, LineResult, ParseError, RuleSet, RuleSetId, RulesError};
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

/// A rule set and an evaluation date (with a challenger, if any). Made by [`new_scorer`];
/// `index.js` wraps it in the public `Scorer` class.
#[napi]
pub struct NativeScorer {
    // Shared, not copied, with the live scorer that made it live (`NativeLiveScorer::current`).
    inner: Arc<layer_risk::Scorer>,
}

impl NativeScorer {
    fn of(inner: layer_risk::Scorer) -> Self {
        NativeScorer {
            inner: Arc::new(inner),
        }
    }
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

impl From<&RuleSetId> for RulesInfo {
    fn from(id: &RuleSetId) -> Self {
        RulesInfo {
            name: id.name.clone(),
            version: id.version.clone(),
            sha256: id.sha256.clone(),
        }
    }
}

/// A rollout share, 0 to 1 (NaN refused).
fn share_of(share: f64) -> Result<f64, Failure> {
    if (0.0..=1.0).contains(&share) {
        Ok(share)
    } else {
        Err(Failure::invalid_arg(
            "rolloutShare: expected a number from 0 to 1",
        ))
    }
}

/// Why an `asOf` is refused.
fn bad_date() -> Failure {
    Failure::invalid_arg("asOf: expected an existing date written 'YYYY-MM-DD'")
}

/// The decision record (JSON text, no `line`, no newline) of `scorer` on `body` with what
/// the backend holds beside it, or the [`Failure`] when an input is not what it claims.
fn assess_with(
    scorer: &layer_risk::Scorer,
    body: &[u8],
    context: &layer_risk::Context<'_>,
) -> Either<String, Failure> {
    match scorer.assess(body, context) {
        Ok(d) => {
            let mut out = Vec::with_capacity(1024);
            scorer.write_record(&d, None, &mut out);
            Either::A(record_text(&out))
        }
        Err(e) => Either::B(Failure::parse(&e)),
    }
}

/// What `layer-risk score --as-of D --jobs 1` prints for `data`.
fn score_jsonl_with(scorer: &layer_risk::Scorer, data: &[u8]) -> napi::Result<Buffer> {
    // Records run about half the size of real export lines; reserving the whole input
    // size spares a late doubling copy of a half-written output, and the capacity left
    // untouched is address space, not memory.
    let mut out = Vec::with_capacity(data.len() + 1024);
    // Only a corrupt or cut gzip stream fails (writing to a Vec cannot).
    batch::score_bytes(data, &mut out, scorer, batch::Options::new(1))
        .map_err(|e| napi::Error::from_reason(format!("scoreJsonl: {e}")))?;
    Ok(out.into())
}

/// One record per line as the batch engine writes it; `None` for a blank or missing line.
/// `links`, when given, holds each line's link history as JSON (`null` for none).
fn score_lines_with(
    scorer: &layer_risk::Scorer,
    lines: &[Option<Either<String, BufferSlice<'_>>>],
    links: Option<&[Option<String>]>,
) -> Either<Vec<Option<String>>, Failure> {
    let mut histories = Vec::new();
    if let Some(links) = links {
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
                match scorer.record_with_link(None, raw, max, link, &mut out) {
                    LineResult::Blank => None,
                    _ => Some(record_text(&out)),
                }
            })
            .collect(),
    )
}

/// The context of one `assess` call, with the link history parsed from its JSON.
#[allow(clippy::too_many_arguments)]
fn assess_parts(
    scorer: &layer_risk::Scorer,
    body: &Either<String, BufferSlice<'_>>,
    applicant: &Option<Either<String, BufferSlice<'_>>>,
    protect: &Option<Either<String, BufferSlice<'_>>>,
    identity_match: &Option<Either<String, BufferSlice<'_>>>,
    identity_verification: &Option<Either<String, BufferSlice<'_>>>,
    rollout_key: &Option<String>,
    link: &Option<String>,
) -> Either<String, Failure> {
    let link = match link.as_deref().map(history) {
        None => None,
        Some(Ok(h)) => Some(h),
        Some(Err(f)) => return Either::B(f),
    };
    let mut context = layer_risk::Context::new();
    context.applicant = applicant.as_ref().map(bytes);
    context.protect = protect.as_ref().map(bytes);
    context.identity_match = identity_match.as_ref().map(bytes);
    context.identity_verification = identity_verification.as_ref().map(bytes);
    context.rollout_key = rollout_key.as_deref();
    if let Some(h) = &link {
        context = context.link(h);
    }
    assess_with(scorer, bytes(body), &context)
}

/// A scorer deciding with the rules in the file at `rules_path`, or in `rules_json` (named
/// `rules_name` in error messages), or the embedded default rules when neither is given, as
/// of `as_of` (`YYYY-MM-DD`). The file is read as the CLI reads `--rules`: its source name
/// is the path as given. With `shadow_path`, the rules file there runs as a shadow (as
/// `score --shadow`); with `rollout_path` and `rollout_share`, as the challenger of a staged
/// rollout (as `score --rollout --rollout-share`).
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn new_scorer(
    rules_path: Option<String>,
    rules_json: Option<String>,
    rules_name: Option<String>,
    as_of: String,
    shadow_path: Option<String>,
    rollout_path: Option<String>,
    rollout_share: Option<f64>,
) -> Either<NativeScorer, Failure> {
    let Some(as_of) = layer_risk::parse_date(&as_of) else {
        return Either::B(bad_date());
    };
    let share = match rollout_share.map(share_of).transpose() {
        Ok(s) => s,
        Err(f) => return Either::B(f),
    };
    let challenger = match (shadow_path, rollout_path, share) {
        (Some(_), Some(_), _) => {
            return Either::B(Failure::invalid_arg(
                "shadow and rollout: give one or the other",
            ))
        }
        (Some(path), None, None) => Some((path, None)),
        (None, Some(path), Some(share)) => Some((path, Some(share))),
        (None, None, None) => None,
        (_, None, Some(_)) => {
            return Either::B(Failure::invalid_arg(
                "rolloutShare: only with rollout (a challenger rules file)",
            ))
        }
        (None, Some(_), None) => {
            return Either::B(Failure::invalid_arg(
                "rollout: needs rolloutShare (the share of users, 0 to 1, it decides for)",
            ))
        }
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
    let scorer = rules.map(|rules| layer_risk::Scorer::new(rules, as_of));
    let scorer = match (scorer, challenger) {
        (Err(e), _) => Err(e),
        (Ok(s), None) => Ok(s),
        (Ok(s), Some((path, None))) => RuleSet::from_path(path).map(|c| s.with_shadow(c)),
        (Ok(s), Some((path, Some(share)))) => {
            RuleSet::from_path(path).map(|c| s.with_rollout(c, share))
        }
    };
    match scorer {
        Ok(s) => Either::A(NativeScorer::of(s)),
        Err(e) => Either::B(Failure::rules(&e)),
    }
}

#[napi]
impl NativeScorer {
    /// The rule set's name, version and SHA-256.
    #[napi]
    pub fn rules(&self) -> RulesInfo {
        self.inner.rules().id().into()
    }

    /// The challenger's name, version and SHA-256 (shadow or rollout), if any.
    #[napi]
    pub fn shadow_rules(&self) -> Option<RulesInfo> {
        self.inner.challenger_rules().map(|r| r.id().into())
    }

    /// The share of users a staged rollout gives the challenger, if the scorer runs one.
    #[napi]
    pub fn rollout_share(&self) -> Option<f64> {
        self.inner.rollout_share()
    }

    /// The same scorer with `other`'s live rules as its shadow.
    #[napi]
    pub fn with_shadow(&self, other: &NativeScorer) -> NativeScorer {
        let s = layer_risk::Scorer::clone(&self.inner);
        NativeScorer::of(s.with_shadow(other.inner.rules().clone()))
    }

    /// The same scorer running a staged rollout of `other`'s live rules for `share` of users.
    #[napi]
    pub fn with_rollout(&self, other: &NativeScorer, share: f64) -> Either<NativeScorer, Failure> {
        match share_of(share) {
            Ok(share) => {
                let s = layer_risk::Scorer::clone(&self.inner);
                Either::A(NativeScorer::of(
                    s.with_rollout(other.inner.rules().clone(), share),
                ))
            }
            Err(f) => Either::B(f),
        }
    }

    /// The same scorer without its challenger.
    #[napi]
    pub fn without_challenger(&self) -> NativeScorer {
        NativeScorer::of(self.inner.without_challenger())
    }

    /// The same scorer deciding as of `as_of` (`YYYY-MM-DD`).
    #[napi]
    pub fn with_as_of(&self, as_of: String) -> Either<NativeScorer, Failure> {
        match layer_risk::parse_date(&as_of) {
            Some(d) => Either::A(NativeScorer::of(self.inner.with_as_of(d))),
            None => Either::B(bad_date()),
        }
    }

    /// The evaluation date, `YYYY-MM-DD`.
    #[napi]
    pub fn as_of(&self) -> String {
        self.inner.as_of().format("%Y-%m-%d").to_string()
    }

    /// The decision record (JSON text, no `line`, no newline) on one response body or
    /// envelope, with what the backend holds beside it: `applicant` (the JSON of its view of
    /// the user), the `/protect/compute`, `/identity/match` and `/identity_verification/get`
    /// response bodies, the user's rollout key; a [`Failure`] when an input is not one.
    /// `link` is the JSON of a link history (`SqliteLinkStore.observe`'s answer).
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn assess(
        &self,
        body: Either<String, BufferSlice<'_>>,
        applicant: Option<Either<String, BufferSlice<'_>>>,
        protect: Option<Either<String, BufferSlice<'_>>>,
        identity_match: Option<Either<String, BufferSlice<'_>>>,
        identity_verification: Option<Either<String, BufferSlice<'_>>>,
        rollout_key: Option<String>,
        link: Option<String>,
    ) -> Either<String, Failure> {
        assess_parts(
            &self.inner,
            &body,
            &applicant,
            &protect,
            &identity_match,
            &identity_verification,
            &rollout_key,
            &link,
        )
    }

    /// Exactly what `layer-risk score --as-of D --jobs 1` prints for `data`: one record per
    /// non-blank line, numbered, in order. Gzip data is decompressed, as the CLI does.
    #[napi]
    pub fn score_jsonl(&self, data: Either<String, BufferSlice<'_>>) -> napi::Result<Buffer> {
        score_jsonl_with(&self.inner, bytes(&data))
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
        score_lines_with(&self.inner, &lines, links.as_deref())
    }
}

/// A scorer that can be replaced while it is used: the core's `LiveScorer`. `index.js` wraps
/// it in the public `LiveScorer` class. Every call takes the scorer live when it starts and
/// decides wholly under it; a rules file that cannot be used never becomes live.
#[napi]
pub struct NativeLiveScorer {
    inner: layer_risk::LiveScorer,
}

/// A live scorer starting with `scorer`.
#[napi]
pub fn new_live_scorer(scorer: &NativeScorer) -> NativeLiveScorer {
    NativeLiveScorer {
        inner: layer_risk::LiveScorer::new(layer_risk::Scorer::clone(&scorer.inner)),
    }
}

impl NativeLiveScorer {
    /// Make `load`'s rules the live rules (keeping the date and challenger); their identity.
    fn reload_with(
        &self,
        load: impl FnOnce() -> Result<RuleSet, RulesError>,
    ) -> Either<RulesInfo, Failure> {
        let mut info = None;
        let done = self.inner.update(|current| {
            let rules = load()?;
            info = Some(RulesInfo::from(rules.id()));
            Ok(current.with_rules(rules))
        });
        match (done, info) {
            (Err(e), _) => Either::B(Failure::rules(&e)),
            (Ok(()), Some(info)) => Either::A(info),
            (Ok(()), None) => Either::A(self.inner.current().rules().id().into()),
        }
    }
}

#[napi]
impl NativeLiveScorer {
    /// The scorer live now.
    #[napi]
    pub fn current(&self) -> NativeScorer {
        NativeScorer {
            inner: self.inner.current(),
        }
    }

    /// Make `scorer` live; the scorer it replaced.
    #[napi]
    pub fn replace(&self, scorer: &NativeScorer) -> NativeScorer {
        NativeScorer {
            inner: self.inner.replace(layer_risk::Scorer::clone(&scorer.inner)),
        }
    }

    /// Load the rules file at `rules_path` (none: the embedded default rules) as the live
    /// rules, keeping the date and challenger; their identity, or the [`Failure`] of a file
    /// that cannot be used (the live scorer then unchanged).
    #[napi]
    pub fn reload(&self, rules_path: Option<String>) -> Either<RulesInfo, Failure> {
        self.reload_with(|| match rules_path {
            None => Ok(RuleSet::embedded_default().clone()),
            Some(path) => RuleSet::from_path(path),
        })
    }

    /// As `reload`, with a rules file's text, named `name` in errors.
    #[napi]
    pub fn reload_json(&self, text: String, name: String) -> Either<RulesInfo, Failure> {
        self.reload_with(|| RuleSet::from_json(&text, &name))
    }

    /// Decide as of `as_of` (`YYYY-MM-DD`) from now on, keeping the rules and challenger;
    /// a [`Failure`] for a date that is not one.
    #[napi]
    pub fn set_as_of(&self, as_of: String) -> Option<Failure> {
        let Some(as_of) = layer_risk::parse_date(&as_of) else {
            return Some(bad_date());
        };
        match self.inner.update(|current| Ok(current.with_as_of(as_of))) {
            Ok(()) => None,
            Err(e) => Some(Failure::rules(&e)),
        }
    }

    /// [`NativeScorer::assess`] on the scorer live when the call starts.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn assess(
        &self,
        body: Either<String, BufferSlice<'_>>,
        applicant: Option<Either<String, BufferSlice<'_>>>,
        protect: Option<Either<String, BufferSlice<'_>>>,
        identity_match: Option<Either<String, BufferSlice<'_>>>,
        identity_verification: Option<Either<String, BufferSlice<'_>>>,
        rollout_key: Option<String>,
        link: Option<String>,
    ) -> Either<String, Failure> {
        assess_parts(
            &self.inner.current(),
            &body,
            &applicant,
            &protect,
            &identity_match,
            &identity_verification,
            &rollout_key,
            &link,
        )
    }

    /// [`NativeScorer::score_jsonl`] on the scorer live when the call starts.
    #[napi]
    pub fn score_jsonl(&self, data: Either<String, BufferSlice<'_>>) -> napi::Result<Buffer> {
        score_jsonl_with(&self.inner.current(), bytes(&data))
    }

    /// [`NativeScorer::score_lines`] on the scorer live when the call starts.
    #[napi]
    pub fn score_lines(
        &self,
        lines: Vec<Option<Either<String, BufferSlice<'_>>>>,
        links: Option<Vec<Option<String>>>,
    ) -> Either<Vec<Option<String>>, Failure> {
        score_lines_with(&self.inner.current(), &lines, links.as_deref())
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
