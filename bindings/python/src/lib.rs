//! `layer_risk._native`: the Python face of the core's owning [`layer_risk::Scorer`].
//!
//! A thin shell: every decision and every record comes from the core (`Scorer::assess`,
//! `Scorer::record`, `batch::score_bytes`, `RuleSet::from_path`), so the bytes are the CLI's. This module
//! only converts Python values at the edge, releases the GIL while the core works, and raises
//! the package's own exceptions (defined in Python, `layer_risk/_errors.py`, so they carry
//! docstrings and attributes like any Python exception).

mod arrow;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use layer_risk::link::{LinkError, LinkHistory, LinkSecret, LinkStore, Retention, SqliteStore};
use layer_risk::{batch, LineResult, ParseError, RuleSet, RuleSetId, RulesError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString, PyType};

static PARSE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static RULES_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static DATE_TYPES: PyOnceLock<(Py<PyType>, Py<PyType>)> = PyOnceLock::new();

/// Inputs smaller than this are scored with the GIL held. The core takes about 5 µs per KB,
/// and handing the GIL to a waiting thread and back costs more than that under contention
/// (measured: two threads calling `assess` on 1 KB bodies got half the throughput of one when
/// every call released it). CPython's hashlib does the same below 2 KiB.
const DETACH_MIN_BYTES: usize = 16 << 10;

/// Run `f` without the GIL when the input is big enough to be worth it (see
/// [`DETACH_MIN_BYTES`]).
fn detach_if<T, F>(py: Python<'_>, input_bytes: usize, f: F) -> T
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    if input_bytes >= DETACH_MIN_BYTES {
        py.detach(f)
    } else {
        f()
    }
}

/// `layer_risk.ParseError(message, code, line, column, path)`.
fn parse_error(py: Python<'_>, e: &ParseError) -> PyErr {
    match PARSE_ERROR.import(py, "layer_risk._errors", "ParseError") {
        Ok(ty) => PyErr::from_type(
            ty.clone(),
            (
                e.to_string(),
                e.code(),
                e.line(),
                e.column(),
                e.path().map(str::to_owned),
            ),
        ),
        Err(err) => err,
    }
}

/// `layer_risk.RulesError(message, code, line, column, path)`.
fn rules_error(py: Python<'_>, e: &RulesError) -> PyErr {
    match RULES_ERROR.import(py, "layer_risk._errors", "RulesError") {
        Ok(ty) => PyErr::from_type(
            ty.clone(),
            (
                e.to_string(),
                e.kind().code(),
                e.line(),
                e.column(),
                (!e.path().is_empty()).then(|| e.path().to_owned()),
            ),
        ),
        Err(err) => err,
    }
}

/// `as_of` from a `datetime.date` or a `YYYY-MM-DD` string. A `datetime` is refused: which
/// day it is depends on a time zone the caller should choose.
fn as_of_date(value: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let py = value.py();
    let text: String = if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        let (date, datetime) = DATE_TYPES.get_or_try_init(py, || -> PyResult<_> {
            let m = py.import("datetime")?;
            Ok((
                m.getattr("date")?.cast_into::<PyType>()?.unbind(),
                m.getattr("datetime")?.cast_into::<PyType>()?.unbind(),
            ))
        })?;
        if value.is_instance(datetime.bind(py))? {
            return Err(PyTypeError::new_err(
                "as_of: pass a datetime.date (the evaluation day in your time zone), not a datetime",
            ));
        }
        if !value.is_instance(date.bind(py))? {
            return Err(PyTypeError::new_err(format!(
                "as_of: expected a datetime.date or a 'YYYY-MM-DD' string, got {}",
                value.get_type().name()?
            )));
        }
        value.call_method0("isoformat")?.extract()?
    };
    layer_risk::parse_date(&text)
        .ok_or_else(|| PyValueError::new_err("as_of: expected a date as 'YYYY-MM-DD'"))
}

/// Bytes of a `str` or `bytes` argument: borrowed from `bytes`, copied from `str`. `what`
/// names the argument in the `TypeError`; it is only called then (score_lines passes every
/// line through here).
fn bytes_of<'a>(
    value: &'a Bound<'_, PyAny>,
    what: impl FnOnce() -> String,
) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return match s.to_cow() {
            Ok(Cow::Borrowed(s)) => Ok(Cow::Borrowed(s.as_bytes())),
            Ok(Cow::Owned(s)) => Ok(Cow::Owned(s.into_bytes())),
            // Lone surrogates are not text: pass their bytes on, so the core answers with
            // `invalid_utf8` as it does for such bytes in a file.
            Err(_) => Ok(Cow::Owned(
                s.call_method1("encode", ("utf-8", "surrogatepass"))?
                    .extract::<Vec<u8>>()?,
            )),
        };
    }
    Err(PyTypeError::new_err(format!(
        "{}: expected str or bytes, got {}",
        what(),
        value.get_type().name()?
    )))
}

/// The bytes of one part of the context (`applicant`, `protect`, ...): a `str` or `bytes` as
/// given (the JSON as received from Plaid), anything else (a dict) through `json.dumps`.
fn part_bytes<'a>(value: &'a Bound<'_, PyAny>, name: &str) -> PyResult<Cow<'a, [u8]>> {
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyString>() {
        return bytes_of(value, || name.to_owned());
    }
    let dumps = JSON_DUMPS.import(value.py(), "json", "dumps")?;
    let text: String = dumps.call1((value,))?.extract()?;
    Ok(Cow::Owned(text.into_bytes()))
}

/// A rollout share: a number from 0 to 1 (a bool is refused: `True` is no share).
fn share_of(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    let bad_type = || -> PyResult<PyErr> {
        Ok(PyTypeError::new_err(format!(
            "rollout_share: expected a number from 0 to 1, got {}",
            value.get_type().name()?
        )))
    };
    if value.is_instance_of::<PyBool>() {
        return Err(bad_type()?);
    }
    let Ok(share) = value.extract::<f64>() else {
        return Err(bad_type()?);
    };
    if !(0.0..=1.0).contains(&share) {
        return Err(PyValueError::new_err(
            "rollout_share: expected a number from 0 to 1",
        ));
    }
    Ok(share)
}

/// A rules file at `path`, or the embedded default rules for None, read without the GIL.
fn load_rules(py: Python<'_>, path: Option<PathBuf>) -> PyResult<RuleSet> {
    match path {
        None => Ok(RuleSet::embedded_default().clone()),
        Some(path) => py
            .detach(|| RuleSet::from_path(&path))
            .map_err(|e| rules_error(py, &e)),
    }
}

/// `{"name", "version", "sha256"}` of a rule set.
fn rules_dict<'py>(py: Python<'py>, id: &RuleSetId) -> PyResult<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    d.set_item("name", &id.name)?;
    d.set_item("version", &id.version)?;
    d.set_item("sha256", &id.sha256)?;
    Ok(d.into_any())
}

/// A rule set and an evaluation date: decides Plaid Layer responses.
///
/// `rules` is the path of a rules file (None: the embedded default rules); `as_of` is the
/// evaluation date, a `datetime.date` or `'YYYY-MM-DD'` (pass your clock's date: the
/// decision never reads a clock). A file that cannot be used raises `RulesError` with its
/// line and column. Immutable and thread-safe: create one per rules file and share it.
///
/// A challenger rule set (a rules file's path) runs beside the live one: `shadow` decides
/// every input too, its decision in the record's `shadow`, the live decision untouched (as
/// `layer-risk score --shadow FILE`); `rollout` decides, as the live rules, for the share
/// `rollout_share` (0 to 1) of users, chosen by the rollout key, and the record says which
/// `arm` decided (as `--rollout FILE --rollout-share X`). Not both; `rollout` needs
/// `rollout_share` and `rollout_share` needs `rollout` (`ValueError`).
///
/// >>> import layer_risk
/// >>> s = layer_risk.Scorer("../../rules/lending.json", as_of="2026-11-22")  # doctest: +SKIP
/// >>> s = layer_risk.Scorer(as_of="2026-11-22")
/// >>> s  # doctest: +ELLIPSIS
/// Scorer(rules=default@..., as_of=2026-11-22)
/// >>> s.with_shadow(s).shadow_rules["name"]
/// 'default'
#[pyclass(frozen, module = "layer_risk", name = "Scorer")]
struct Scorer {
    // Shared, not copied, with the `LiveScorer` that made it live (`LiveScorer.current`).
    inner: Arc<layer_risk::Scorer>,
}

impl Scorer {
    fn of(inner: layer_risk::Scorer) -> Self {
        Scorer {
            inner: Arc::new(inner),
        }
    }
}

#[pymethods]
impl Scorer {
    #[new]
    #[pyo3(signature = (rules = None, *, as_of, shadow = None, rollout = None, rollout_share = None))]
    fn new(
        py: Python<'_>,
        rules: Option<PathBuf>,
        as_of: &Bound<'_, PyAny>,
        shadow: Option<PathBuf>,
        rollout: Option<PathBuf>,
        rollout_share: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let as_of = as_of_date(as_of)?;
        // The arguments are checked before any file is read (as the CLI's are).
        let share = rollout_share.map(share_of).transpose()?;
        match (&shadow, &rollout, share) {
            (Some(_), Some(_), _) => {
                return Err(PyValueError::new_err(
                    "shadow and rollout: give one or the other",
                ))
            }
            (_, Some(_), None) => {
                return Err(PyValueError::new_err(
                    "rollout: needs rollout_share (the share of users, 0 to 1, it decides for)",
                ))
            }
            (_, None, Some(_)) => {
                return Err(PyValueError::new_err(
                    "rollout_share: only with rollout (a challenger rules file)",
                ))
            }
            _ => {}
        }
        let mut scorer = layer_risk::Scorer::new(load_rules(py, rules)?, as_of);
        if let Some(path) = shadow {
            scorer = scorer.with_shadow(load_rules(py, Some(path))?);
        }
        if let (Some(path), Some(share)) = (rollout, share) {
            scorer = scorer.with_rollout(load_rules(py, Some(path))?, share);
        }
        Ok(Scorer::of(scorer))
    }

    /// A scorer from rules kept elsewhere (a database, a config service): `text` is the
    /// rules file's JSON, `name` names it in errors.
    ///
    /// >>> import layer_risk
    /// >>> rules = open("rules/payments.json").read()  # doctest: +SKIP
    /// >>> s = layer_risk.Scorer.from_json(rules, "payments.json", as_of="2026-11-22")  # doctest: +SKIP
    #[classmethod]
    #[pyo3(signature = (text, name, *, as_of))]
    fn from_json(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        text: &str,
        name: &str,
        as_of: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let as_of = as_of_date(as_of)?;
        let rules = py
            .detach(|| RuleSet::from_json(text, name))
            .map_err(|e| rules_error(py, &e))?;
        Ok(Scorer::of(layer_risk::Scorer::new(rules, as_of)))
    }

    /// The same scorer with `other`'s rules as its shadow: every input is decided under
    /// them too, in the record's `shadow` (`other`'s own shadow or rollout, and its date,
    /// are not taken; this scorer's date is). Replaces a shadow or rollout this one had.
    ///
    /// >>> import layer_risk
    /// >>> live = layer_risk.Scorer(as_of="2026-11-22")
    /// >>> lending = layer_risk.Scorer("rules/lending.json", as_of="2026-11-22")  # doctest: +SKIP
    /// >>> live.with_shadow(lending).assess('{"identity": null}')["shadow"]["rules"]["name"]  # doctest: +SKIP
    /// 'lending'
    fn with_shadow(&self, other: &Scorer) -> Scorer {
        Scorer::of(layer_risk::Scorer::clone(&self.inner).with_shadow(other.inner.rules().clone()))
    }

    /// The same scorer running a staged rollout of `other`'s rules: for the share `share`
    /// (0 to 1) of users, chosen by their rollout key, `other`'s rules decide as the live
    /// ones; the record's `arm` says which did (`control` or `challenger`) and `shadow`
    /// holds the other decision. This scorer's date is kept.
    fn with_rollout(&self, other: &Scorer, share: &Bound<'_, PyAny>) -> PyResult<Scorer> {
        let share = share_of(share)?;
        Ok(Scorer::of(
            layer_risk::Scorer::clone(&self.inner).with_rollout(other.inner.rules().clone(), share),
        ))
    }

    /// The same scorer without its shadow or rollout challenger.
    fn without_challenger(&self) -> Scorer {
        Scorer::of(self.inner.without_challenger())
    }

    /// The same scorer (rules, shadow or rollout) deciding as of another date.
    ///
    /// >>> import layer_risk
    /// >>> layer_risk.Scorer(as_of="2026-11-22").with_as_of("2026-11-23").as_of
    /// '2026-11-23'
    fn with_as_of(&self, as_of: &Bound<'_, PyAny>) -> PyResult<Scorer> {
        Ok(Scorer::of(self.inner.with_as_of(as_of_date(as_of)?)))
    }

    /// The rule set's identity: `{"name", "version", "sha256"}`.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        rules_dict(py, self.inner.rules().id())
    }

    /// The challenger's identity, `{"name", "version", "sha256"}`, in shadow and in rollout
    /// mode alike; None without one.
    #[getter]
    fn shadow_rules<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .challenger_rules()
            .map(|r| rules_dict(py, r.id()))
            .transpose()
    }

    /// The challenger's rules file text, exactly as loaded (None without one): what
    /// `layer_risk.spark.score` ships to its executors beside `rules_json`.
    #[getter]
    fn shadow_rules_json(&self) -> Option<&str> {
        self.inner.challenger_rules().map(RuleSet::json)
    }

    /// The share of users (0 to 1) a staged rollout gives the challenger; None when the
    /// scorer runs no rollout (no challenger, or a shadow).
    #[getter]
    fn rollout_share(&self) -> Option<f64> {
        self.inner.rollout_share()
    }

    /// The rules file's text, exactly as loaded (what its SHA-256 covers): what
    /// `layer_risk.spark.score` ships to its executors.
    #[getter]
    fn rules_json(&self) -> &str {
        self.inner.rules().json()
    }

    /// The evaluation date, `YYYY-MM-DD`.
    #[getter]
    fn as_of(&self) -> String {
        self.inner.as_of().format("%Y-%m-%d").to_string()
    }

    fn __repr__(&self) -> String {
        let id = self.inner.rules().id();
        let challenger = match (self.inner.challenger_rules(), self.inner.rollout_share()) {
            (None, _) => String::new(),
            (Some(c), None) => format!(", shadow={}@{}", c.id().name, c.id().version),
            (Some(c), Some(share)) => format!(
                ", rollout={}@{}, rollout_share={share}",
                c.id().name,
                c.id().version
            ),
        };
        format!(
            "Scorer(rules={}@{}{challenger}, as_of={})",
            id.name,
            id.version,
            self.as_of()
        )
    }

    /// Decide on one `/user_account/session/get` body (`str` or `bytes`; or an envelope
    /// `{"session", "applicant", "signals", "rollout_key"}`, as export lines may be) and
    /// return the decision record as a dict: the CLI's record without `line`.
    ///
    /// Beside the body, what the backend holds (each a dict, or its JSON as `str` or
    /// `bytes`, as received; a dict goes through `json.dumps`):
    ///
    /// - `applicant`: what the backend already knows about the user (a dict such as
    ///   `{"name": {"full_name": ...}, "date_of_birth": ...}`): the Layer identity is
    ///   compared with it field by field.
    /// - `protect`: the `/protect/compute` response body (the Trust Index).
    /// - `identity_match`: the `/identity/match` response body for the linked Item.
    /// - `identity_verification`: the `/identity_verification/get` response body.
    /// - `rollout_key` (`str`): the user's stable id for a staged rollout (never an
    ///   identity value; it is hashed, not recorded).
    ///
    /// Giving a part here decides as giving it in an envelope does (the `decision_id`
    /// differs: it covers the bytes as given). A record of a scorer with a challenger
    /// carries `shadow` (and `arm` in a rollout).
    ///
    /// Raises `ParseError` (a `ValueError`, with `.code`, `.line`, `.column`, `.path`) when
    /// the body is not a response, or a part not what it claims (its path then starts with
    /// the part's envelope key: `applicant.…`, `signals.identity_match.…`), or
    /// `ambiguous_envelope` when the body is an envelope holding a part also given here.
    ///
    /// >>> import layer_risk
    /// >>> s = layer_risk.Scorer(as_of="2026-11-22")
    /// >>> body = '{"identity": {"name": {"first_name": "William", "last_name": "Knope"}}, "request_id": "r1"}'
    /// >>> d = s.assess(body, {"name": {"full_name": "Bill Knope"}})
    /// >>> d["match"]["legal_name"]["is_nickname_match"]
    /// True
    /// >>> d = s.assess(body, protect={"request_id": "p1", "score": 12})
    /// >>> sorted({r["signal"] for r in d["reasons"] if "signal" in r})
    /// ['protect_trust_index']
    #[pyo3(signature = (
        body,
        applicant = None,
        *,
        protect = None,
        identity_match = None,
        identity_verification = None,
        rollout_key = None,
        link = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn assess<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        applicant: Option<&Bound<'py, PyAny>>,
        protect: Option<&Bound<'py, PyAny>>,
        identity_match: Option<&Bound<'py, PyAny>>,
        identity_verification: Option<&Bound<'py, PyAny>>,
        rollout_key: Option<&Bound<'py, PyAny>>,
        link: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let link = link.map(link_history).transpose()?;
        let body = bytes_of(body, || "body".into())?;
        let part = |v: Option<&Bound<'py, PyAny>>, name: &str| -> PyResult<Option<Vec<u8>>> {
            v.map(|v| part_bytes(v, name).map(Cow::into_owned))
                .transpose()
        };
        let applicant = part(applicant, "applicant")?;
        let protect = part(protect, "protect")?;
        let identity_match = part(identity_match, "identity_match")?;
        let identity_verification = part(identity_verification, "identity_verification")?;
        let rollout_key: Option<String> = match rollout_key {
            None => None,
            Some(k) => match k.cast::<PyString>() {
                Ok(s) => Some(s.to_cow()?.into_owned()),
                Err(_) => {
                    return Err(PyTypeError::new_err(format!(
                        "rollout_key: expected str, got {}",
                        k.get_type().name()?
                    )))
                }
            },
        };
        let scorer = &self.inner;
        let size = body.len()
            + [
                &applicant,
                &protect,
                &identity_match,
                &identity_verification,
            ]
            .iter()
            .map(|p| p.as_ref().map_or(0, Vec::len))
            .sum::<usize>();
        let mut context = layer_risk::Context::new();
        context.applicant = applicant.as_deref();
        context.protect = protect.as_deref();
        context.identity_match = identity_match.as_deref();
        context.identity_verification = identity_verification.as_deref();
        context.rollout_key = rollout_key.as_deref();
        if let Some(h) = &link {
            context = context.link(h);
        }
        let decision = detach_if(py, size, || scorer.assess(&body, &context))
            .map_err(|e| parse_error(py, &e))?;
        // The record's serialization straight into Python objects: the dict `json.loads`
        // would make of the record's bytes (the tests compare the two), without the text.
        pythonize::pythonize(py, &decision).map_err(PyErr::from)
    }

    /// Score a JSONL export held in memory and return exactly what
    /// `layer-risk score --as-of D --jobs 1` prints for it: one record per non-blank line,
    /// with `line`, errors as records (`{"line": N, "error": {...}}`), a line over 1 MiB as
    /// `line_too_long`. Gzip data (as read from a `.jsonl.gz`) is decompressed, as the CLI
    /// does; a corrupt gzip stream raises `ValueError`. `jobs` threads (the bytes do not
    /// depend on it).
    ///
    /// >>> import layer_risk
    /// >>> s = layer_risk.Scorer(as_of="2026-11-22")
    /// >>> s.score_jsonl(b'{"identity": null}\n').startswith(b'{"line":1,"request_id":null,"decision_id":"')
    /// True
    #[pyo3(signature = (data, jobs = 1))]
    fn score_jsonl<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        jobs: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if jobs == 0 {
            return Err(PyValueError::new_err("jobs: at least 1"));
        }
        let data = bytes_of(data, || "data".into())?;
        let scorer = &self.inner;
        let out = detach_if(py, data.len(), || {
            // Records come to about half the input; reserving its size saves a late copy.
            let mut out = Vec::with_capacity(data.len() + 1024);
            batch::score_bytes(&data, &mut out, scorer, batch::Options::new(jobs)).map(|_| out)
        });
        // Only a corrupt or cut gzip stream fails (writing to a Vec cannot).
        let out = out.map_err(|e| PyValueError::new_err(format!("score_jsonl: {e}")))?;
        Ok(PyBytes::new(py, &out))
    }

    /// Score an Arrow array of lines (`binary`, `large_binary`, `utf8` or `large_utf8`; any
    /// object with `__arrow_c_array__`, such as a `pyarrow.Array`) into an Arrow `utf8` array
    /// of records, one per line, null for a null or blank line: `score_lines` without a
    /// Python object per line, the lines read in place and the records built in Rust. Pass
    /// the result to `pyarrow.array(...)`. The GIL is released while scoring. What
    /// `layer_risk.spark.score` runs on each batch.
    ///
    /// >>> import layer_risk, pyarrow as pa  # doctest: +SKIP
    /// >>> s = layer_risk.Scorer(as_of="2026-11-22")  # doctest: +SKIP
    /// >>> recs = pa.array(s.score_arrow(pa.array([b'{"identity": null}', b"  ", None])))  # doctest: +SKIP
    /// >>> recs.null_count, recs[0].as_py().startswith('{"request_id":null')  # doctest: +SKIP
    /// (2, True)
    fn score_arrow(
        &self,
        py: Python<'_>,
        lines: &Bound<'_, PyAny>,
    ) -> PyResult<arrow::ArrowRecords> {
        let lines = arrow::import(lines)?;
        let scorer = &self.inner;
        let array = py.detach(|| arrow::score(scorer, lines.as_ref()))?;
        Ok(arrow::ArrowRecords { array })
    }

    /// Score lines the caller already split (`str`, `bytes` or None each): a list with, for
    /// each, its record as a JSON string (the CLI's record without `line`, no newline), or
    /// None for a blank line or None. A trailing CR is dropped; a line over 1 MiB gets the
    /// `line_too_long` record, as in the CLI.
    ///
    /// >>> import layer_risk
    /// >>> s = layer_risk.Scorer(as_of="2026-11-22")
    /// >>> import json
    /// >>> [r and json.loads(r)["error"]["code"] for r in s.score_lines([b'{"identity": ', "  ", None])]
    /// ['truncated', None, None]
    #[pyo3(signature = (lines, links = None))]
    fn score_lines<'py>(
        &self,
        py: Python<'py>,
        lines: &Bound<'py, PyAny>,
        links: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        // Hold every item (so borrowed bytes stay alive) before letting go of the GIL.
        let items: Vec<Bound<'py, PyAny>> = lines.try_iter()?.collect::<PyResult<_>>()?;
        let histories: Option<Vec<Option<LinkHistory>>> = match links {
            None => None,
            Some(l) => {
                let hs: Vec<Option<LinkHistory>> = l
                    .try_iter()?
                    .map(|h| {
                        let h = h?;
                        if h.is_none() {
                            Ok(None)
                        } else {
                            link_history(&h).map(Some)
                        }
                    })
                    .collect::<PyResult<_>>()?;
                if hs.len() != items.len() {
                    return Err(PyValueError::new_err(format!(
                        "links: {} histories for {} lines",
                        hs.len(),
                        items.len()
                    )));
                }
                Some(hs)
            }
        };
        let mut bodies: Vec<Option<Cow<'_, [u8]>>> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            bodies.push(if item.is_none() {
                None
            } else {
                Some(bytes_of(item, || format!("lines[{i}]"))?)
            });
        }
        let scorer = &self.inner;
        let size = bodies.iter().flatten().map(|b| b.len()).sum();
        let (out, ends) = detach_if(py, size, || {
            let mut out = Vec::with_capacity(bodies.len() * 1024);
            let mut ends: Vec<Option<(usize, usize)>> = Vec::with_capacity(bodies.len());
            for (i, body) in bodies.iter().enumerate() {
                let start = out.len();
                let link = histories
                    .as_ref()
                    .and_then(|h| h.get(i))
                    .and_then(Option::as_ref);
                let wrote = body.as_deref().is_some_and(|raw| {
                    !matches!(
                        scorer.record_with_link(
                            None,
                            raw,
                            batch::DEFAULT_MAX_LINE_BYTES,
                            link,
                            &mut out
                        ),
                        LineResult::Blank
                    )
                });
                // Without the record's newline.
                ends.push(wrote.then(|| (start, out.len() - 1)));
            }
            (out, ends)
        });
        let list = PyList::empty(py);
        for end in ends {
            match end {
                None => list.append(py.None())?,
                Some((a, b)) => list.append(PyString::from_bytes(py, &out[a..b])?)?,
            }
        }
        Ok(list)
    }
}

/// A `Scorer` that can be replaced while threads use it: what a long-running backend holds
/// to reload its rules (on a signal, a file change, a new day) without a restart.
///
/// Backed by the core's `LiveScorer`: every call (`assess`, `score_jsonl`, `score_lines`)
/// takes the scorer live when it starts and decides entirely under it, so no decision ever
/// sees half a rule set, and a replacement is seen by the next call. A rules file that
/// cannot be used raises `RulesError` and never becomes live. Changes (`reload`,
/// `reload_json`, `set_as_of`, `replace`) are applied one at a time, each to the scorer the
/// previous one left.
///
/// >>> import layer_risk
/// >>> live = layer_risk.LiveScorer(layer_risk.Scorer(as_of="2026-11-22"))
/// >>> try:
/// ...     live.reload_json('{"name": "broken"', "broken.json")
/// ... except layer_risk.RulesError as e:
/// ...     print(e.code, e.line)
/// syntax 1
/// >>> live.current.rules["name"]  # the broken rules never became live
/// 'default'
/// >>> live.set_as_of("2026-11-23")
/// >>> live.assess('{"identity": null}')["as_of"]
/// '2026-11-23'
#[pyclass(frozen, module = "layer_risk", name = "LiveScorer")]
struct LiveScorer {
    inner: layer_risk::LiveScorer,
    /// Held while a change is built and swapped, so that two threads changing the scorer
    /// at once (a reload on SIGHUP, the midnight date) cannot undo each other.
    changing: Mutex<()>,
}

impl LiveScorer {
    /// The scorer live now, as the Python `Scorer` whose methods the calls delegate to.
    fn now(&self) -> Scorer {
        Scorer {
            inner: self.inner.current(),
        }
    }

    /// Build a replacement from the live scorer and make it live if it built, without the
    /// GIL (reading a rules file, waiting for another change to finish).
    fn change<F>(&self, py: Python<'_>, build: F) -> PyResult<()>
    where
        F: FnOnce(&layer_risk::Scorer) -> Result<layer_risk::Scorer, RulesError> + Send,
    {
        py.detach(|| {
            // Nothing panics while it is held: a poisoned lock guards nothing broken.
            let _one_at_a_time = self.changing.lock().unwrap_or_else(|p| p.into_inner());
            self.inner.update(build)
        })
        .map_err(|e| rules_error(py, &e))
    }

    /// Make `rules` (loaded by `load`) the live rules, keeping the date and challenger;
    /// their identity.
    fn reload_with<'py, L>(&self, py: Python<'py>, load: L) -> PyResult<Bound<'py, PyAny>>
    where
        L: FnOnce() -> Result<RuleSet, RulesError> + Send,
    {
        let mut id = None;
        self.change(py, |current| {
            let rules = load()?;
            id = Some(rules.id().clone());
            Ok(current.with_rules(rules))
        })?;
        match id {
            Some(id) => rules_dict(py, &id),
            None => rules_dict(py, self.inner.current().rules().id()),
        }
    }
}

#[pymethods]
impl LiveScorer {
    #[new]
    fn new(scorer: &Scorer) -> Self {
        LiveScorer {
            inner: layer_risk::LiveScorer::new(layer_risk::Scorer::clone(&scorer.inner)),
            changing: Mutex::new(()),
        }
    }

    /// The scorer live now. Keep it for the duration of one piece of work if several calls
    /// must agree; the `LiveScorer`'s own methods each take it afresh.
    #[getter]
    fn current(&self) -> Scorer {
        self.now()
    }

    /// Make `scorer` live (as it is: its rules, date and challenger); returns the scorer it
    /// replaced.
    fn replace(&self, py: Python<'_>, scorer: &Scorer) -> Scorer {
        let next = layer_risk::Scorer::clone(&scorer.inner);
        let old = py.detach(|| {
            let _one_at_a_time = self.changing.lock().unwrap_or_else(|p| p.into_inner());
            self.inner.replace(next)
        });
        Scorer { inner: old }
    }

    /// Load the rules file at `rules` (a path; None: the embedded default rules) and make it
    /// the live rules, keeping the date and any shadow or rollout challenger; returns its
    /// identity, `{"name", "version", "sha256"}`. The file is read without the GIL.
    ///
    /// Raises `RulesError` (with the file, line, column and field path) when the file cannot
    /// be used; the live scorer is then unchanged.
    #[pyo3(signature = (rules = None))]
    fn reload<'py>(&self, py: Python<'py>, rules: Option<PathBuf>) -> PyResult<Bound<'py, PyAny>> {
        self.reload_with(py, || match &rules {
            None => Ok(RuleSet::embedded_default().clone()),
            Some(path) => RuleSet::from_path(path),
        })
    }

    /// As `reload`, with the rules file's text (kept in a database, a config service);
    /// `name` names it in errors.
    fn reload_json<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        name: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.reload_with(py, || RuleSet::from_json(text, name))
    }

    /// Decide as of `as_of` (a `datetime.date` or `'YYYY-MM-DD'`) from now on, keeping the
    /// rules and challenger: what a backend does when its day changes.
    fn set_as_of(&self, py: Python<'_>, as_of: &Bound<'_, PyAny>) -> PyResult<()> {
        let as_of = as_of_date(as_of)?;
        self.change(py, |current| Ok(current.with_as_of(as_of)))
    }

    /// `Scorer.assess` on the scorer live when the call starts.
    #[pyo3(signature = (
        body,
        applicant = None,
        *,
        protect = None,
        identity_match = None,
        identity_verification = None,
        rollout_key = None,
        link = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn assess<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        applicant: Option<&Bound<'py, PyAny>>,
        protect: Option<&Bound<'py, PyAny>>,
        identity_match: Option<&Bound<'py, PyAny>>,
        identity_verification: Option<&Bound<'py, PyAny>>,
        rollout_key: Option<&Bound<'py, PyAny>>,
        link: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.now().assess(
            py,
            body,
            applicant,
            protect,
            identity_match,
            identity_verification,
            rollout_key,
            link,
        )
    }

    /// `Scorer.score_jsonl` on the scorer live when the call starts (the whole export is
    /// scored under it).
    #[pyo3(signature = (data, jobs = 1))]
    fn score_jsonl<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        jobs: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        self.now().score_jsonl(py, data, jobs)
    }

    /// `Scorer.score_arrow` on the scorer live when the call starts (every line under it).
    fn score_arrow(
        &self,
        py: Python<'_>,
        lines: &Bound<'_, PyAny>,
    ) -> PyResult<arrow::ArrowRecords> {
        self.now().score_arrow(py, lines)
    }

    /// `Scorer.score_lines` on the scorer live when the call starts (every line is scored
    /// under it).
    #[pyo3(signature = (lines, links = None))]
    fn score_lines<'py>(
        &self,
        py: Python<'py>,
        lines: &Bound<'py, PyAny>,
        links: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        self.now().score_lines(py, lines, links)
    }

    fn __repr__(&self) -> String {
        format!("LiveScorer({})", self.now().__repr__())
    }
}

/// A link history from a dict (or its JSON): `{"ssn_other_names": {"1d": 0, "30d": 1, ...},
/// ..., "ssn_first_seen_days": 12}`, as `SqliteLinkStore.observe` returns it.
fn link_history(value: &Bound<'_, PyAny>) -> PyResult<LinkHistory> {
    let py = value.py();
    let text: String = if let Ok(s) = value.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        let dumps = JSON_DUMPS.import(py, "json", "dumps")?;
        dumps.call1((value,))?.extract()?
    };
    serde_json::from_str(&text).map_err(|e| PyValueError::new_err(format!("link: {e}")))
}

fn link_error(e: &LinkError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The linkage secret from `bytes` (one trailing newline dropped; at least 32 bytes).
fn secret_of(secret: &[u8]) -> PyResult<LinkSecret> {
    LinkSecret::from_bytes(secret.to_vec()).map_err(|e| link_error(&e))
}

/// The linkage keys of export lines, for aggregating link history elsewhere (what
/// `layer_risk.spark.score` runs in its executors): for each line (`str`, `bytes` or None) a
/// tuple `(ssn, name, dob, phone, email, address, identity, observed_at)` of 32-hex-digit
/// keys (None where the value is missing) and Unix seconds (the line's `observed_at`, else
/// `default_time`), or None for a line that is blank or not a response.
///
/// >>> import layer_risk
/// >>> k = layer_risk.link_keys([b'{"identity": {"ssn": "524781963"}}', b"x"], b"s" * 32, 0)
/// >>> len(k[0][0]), k[0][6] == k[0][0], k[0][7], k[1]
/// (32, True, 0, None)
#[pyfunction]
#[pyo3(signature = (lines, secret, default_time))]
fn link_keys<'py>(
    py: Python<'py>,
    lines: &Bound<'py, PyAny>,
    secret: &[u8],
    default_time: i64,
) -> PyResult<Bound<'py, PyList>> {
    let secret = secret_of(secret)?;
    let list = PyList::empty(py);
    for (i, item) in lines.try_iter()?.enumerate() {
        let item = item?;
        if item.is_none() {
            list.append(py.None())?;
            continue;
        }
        let raw = bytes_of(&item, || format!("lines[{i}]"))?;
        // As the batch engine: a line over the limit is never parsed (nor observed).
        if raw.len() > batch::DEFAULT_MAX_LINE_BYTES {
            list.append(py.None())?;
            continue;
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(&raw);
        match secret.observation_of(raw) {
            Err(_) => list.append(py.None())?,
            Ok((k, at)) => {
                let hex = |x: Option<layer_risk::link::LinkKey>| x.map(|k| k.to_hex());
                let t = (
                    hex(k.ssn),
                    hex(k.name),
                    hex(k.dob),
                    hex(k.phone),
                    hex(k.email),
                    hex(k.address),
                    hex(k.identity()),
                    at.unwrap_or(default_time),
                );
                list.append(t)?;
            }
        }
    }
    Ok(list)
}

/// Link observations in one SQLite file (WAL; safe across threads and processes on one
/// host), keyed with `secret` (bytes: at least 32, one trailing newline dropped).
/// `retention_days` (default 400) bounds what is kept and counted.
///
/// >>> import layer_risk, tempfile, os
/// >>> path = os.path.join(tempfile.mkdtemp(), "link.sqlite")
/// >>> store = layer_risk.SqliteLinkStore(path, b"s" * 32)
/// >>> body = '{"identity": {"ssn": "524781963", "name": {"first_name": "A", "last_name": "B"}}}'
/// >>> store.observe(body, at=1795000000)["identity_sessions"]["1d"]
/// 0
/// >>> store.observe(body, at=1795000060)["identity_sessions"]["1d"]
/// 1
#[pyclass(frozen, module = "layer_risk", name = "SqliteLinkStore")]
struct SqliteLinkStore {
    store: std::sync::Mutex<SqliteStore>,
    secret: LinkSecret,
}

#[pymethods]
impl SqliteLinkStore {
    #[new]
    #[pyo3(signature = (path, secret, *, retention_days = 400))]
    fn new(py: Python<'_>, path: PathBuf, secret: &[u8], retention_days: u32) -> PyResult<Self> {
        let secret = secret_of(secret)?;
        let retention = Retention {
            days: retention_days.max(1),
        };
        let store = py
            .detach(|| SqliteStore::open(&path, retention))
            .map_err(|e| link_error(&e))?;
        Ok(SqliteLinkStore {
            store: std::sync::Mutex::new(store),
            secret,
        })
    }

    /// Record the session `body` (`str` or `bytes`: a response or an envelope) and return
    /// the history before it, a dict to pass as `Scorer.assess(..., link=...)`. `at` is the
    /// observation time in Unix seconds; the body's own `observed_at` wins when it has one.
    #[pyo3(signature = (body, *, at = None))]
    fn observe<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        at: Option<i64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let raw = bytes_of(body, || "body".into())?;
        let (keys, stamped) = self
            .secret
            .observation_of(&raw)
            .map_err(|e| parse_error(py, &e))?;
        let Some(t) = stamped.or(at) else {
            return Err(PyValueError::new_err(
                "observe: give `at` (Unix seconds) for a body without observed_at",
            ));
        };
        let h = py.detach(|| {
            let mut store = self.store.lock().map_err(|_| {
                LinkError::Store("a thread panicked while holding the store".into())
            })?;
            store.observe(&keys, t)
        });
        let h = h.map_err(|e| link_error(&e))?;
        pythonize::pythonize(py, &h).map_err(PyErr::from)
    }

    /// Erase every observation of the subject whose identity `body` carries (a deletion
    /// request); returns the rows removed.
    fn erase(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<u64> {
        let raw = bytes_of(body, || "body".into())?;
        let keys = self.secret.keys_of(&raw).map_err(|e| parse_error(py, &e))?;
        let mut store = self
            .store
            .lock()
            .map_err(|_| PyValueError::new_err("a thread panicked while holding the store"))?;
        store.erase(&keys).map_err(|e| link_error(&e))
    }

    /// Drop what was last seen before `now` (Unix seconds) less the retention horizon.
    fn purge(&self, now: i64) -> PyResult<u64> {
        let mut store = self
            .store
            .lock()
            .map_err(|_| PyValueError::new_err("a thread panicked while holding the store"))?;
        store.purge(now).map_err(|e| link_error(&e))
    }

    /// The secret's key id (8 hex digits).
    #[getter]
    fn key_id(&self) -> String {
        self.secret.key_id().to_string()
    }
}

/// The native half of the `layer_risk` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scorer>()?;
    m.add_class::<LiveScorer>()?;
    m.add_class::<SqliteLinkStore>()?;
    m.add_class::<arrow::ArrowRecords>()?;
    m.add_function(wrap_pyfunction!(link_keys, m)?)?;
    m.add("RULES_ENGINE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MAX_LINE_BYTES", batch::DEFAULT_MAX_LINE_BYTES)?;
    Ok(())
}
