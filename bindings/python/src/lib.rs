//! `layer_risk._native`: the Python face of the core's owning [`layer_risk::Scorer`].
//!
//! A thin shell: every decision and every record comes from the core (`Scorer::assess`,
//! `Scorer::record`, `batch::score_bytes`, `RuleSet::from_path`), so the bytes are the CLI's. This module
//! only converts Python values at the edge, releases the GIL while the core works, and raises
//! the package's own exceptions (defined in Python, `layer_risk/_errors.py`, so they carry
//! docstrings and attributes like any Python exception).

use std::borrow::Cow;
use std::path::PathBuf;

use chrono::NaiveDate;
use layer_risk::link::{LinkError, LinkHistory, LinkSecret, LinkStore, Retention, SqliteStore};
use layer_risk::{batch, LineResult, ParseError, RuleSet, RulesError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyString, PyType};

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

/// A rule set and an evaluation date: decides Plaid Layer responses.
///
/// `rules` is the path of a rules file (None: the embedded default rules); `as_of` is the
/// evaluation date, a `datetime.date` or `'YYYY-MM-DD'` (pass your clock's date: the
/// decision never reads a clock). A file that cannot be used raises `RulesError` with its
/// line and column. Immutable and thread-safe: create one per rules file and share it.
///
/// >>> import layer_risk
/// >>> s = layer_risk.Scorer("../../rules/lending.json", as_of="2026-11-22")  # doctest: +SKIP
/// >>> s = layer_risk.Scorer(as_of="2026-11-22")
/// >>> s
/// Scorer(rules=default@3.1.0, as_of=2026-11-22)
#[pyclass(frozen, module = "layer_risk", name = "Scorer")]
struct Scorer {
    inner: layer_risk::Scorer,
}

#[pymethods]
impl Scorer {
    #[new]
    #[pyo3(signature = (rules = None, *, as_of))]
    fn new(py: Python<'_>, rules: Option<PathBuf>, as_of: &Bound<'_, PyAny>) -> PyResult<Self> {
        let as_of = as_of_date(as_of)?;
        let rules = match rules {
            None => RuleSet::embedded_default().clone(),
            Some(path) => py
                .detach(|| RuleSet::from_path(&path))
                .map_err(|e| rules_error(py, &e))?,
        };
        Ok(Scorer {
            inner: layer_risk::Scorer::new(rules, as_of),
        })
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
        Ok(Scorer {
            inner: layer_risk::Scorer::new(rules, as_of),
        })
    }

    /// The rule set's identity: `{"name", "version", "sha256"}`.
    #[getter]
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let id = self.inner.rules().id();
        let d = pyo3::types::PyDict::new(py);
        d.set_item("name", &id.name)?;
        d.set_item("version", &id.version)?;
        d.set_item("sha256", &id.sha256)?;
        Ok(d.into_any())
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
        format!(
            "Scorer(rules={}@{}, as_of={})",
            id.name,
            id.version,
            self.as_of()
        )
    }

    /// Decide on one `/user_account/session/get` body (`str` or `bytes`; or a
    /// `{"session", "applicant"}` envelope) and return the decision record as a dict: the
    /// CLI's record without `line`. `applicant` is what the backend already knows about the
    /// user (a dict such as `{"name": {"full_name": ...}, "date_of_birth": ...}`, or its JSON):
    /// the Layer identity is compared with it field by field.
    ///
    /// Raises `ParseError` (a `ValueError`, with `.code`, `.line`, `.column`, `.path`) when
    /// the body is not a response.
    ///
    /// >>> import layer_risk
    /// >>> s = layer_risk.Scorer(as_of="2026-11-22")
    /// >>> body = '{"identity": {"name": {"first_name": "William", "last_name": "Knope"}}, "request_id": "r1"}'
    /// >>> d = s.assess(body, {"name": {"full_name": "Bill Knope"}})
    /// >>> d["match"]["legal_name"]["is_nickname_match"]
    /// True
    #[pyo3(signature = (body, applicant = None, *, link = None))]
    fn assess<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'py, PyAny>,
        applicant: Option<&Bound<'py, PyAny>>,
        link: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let link = link.map(link_history).transpose()?;
        let body = bytes_of(body, || "body".into())?;
        let applicant = match applicant {
            None => None,
            Some(a) if a.is_instance_of::<PyBytes>() || a.is_instance_of::<PyString>() => {
                Some(bytes_of(a, || "applicant".into())?.into_owned())
            }
            Some(a) => {
                let dumps = JSON_DUMPS.import(py, "json", "dumps")?;
                let text: String = dumps.call1((a,))?.extract()?;
                Some(text.into_bytes())
            }
        };
        let scorer = &self.inner;
        let size = body.len() + applicant.as_ref().map_or(0, Vec::len);
        let mut context = match &applicant {
            Some(a) => layer_risk::Context::new().applicant(a),
            None => layer_risk::Context::NONE,
        };
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
    /// >>> s.score_jsonl(b'{"identity": null}\n').startswith(b'{"line":1,"request_id":null,"decision":"identity_verification"')
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

    /// Score lines the caller already split (`str`, `bytes` or None each): a list with, for
    /// each, its record as a JSON string (the CLI's record without `line`, no newline), or
    /// None for a blank line or None. A trailing CR is dropped; a line over 1 MiB gets the
    /// `line_too_long` record, as in the CLI. What `layer_risk.spark.score` runs per batch.
    ///
    /// >>> import layer_risk
    /// >>> s = layer_risk.Scorer(as_of="2026-11-22")
    /// >>> [r and r[:30] for r in s.score_lines([b'{"identity": ', "  ", None])]
    /// ['{"error":{"code":"truncated","', None, None]
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
    m.add_class::<SqliteLinkStore>()?;
    m.add_function(wrap_pyfunction!(link_keys, m)?)?;
    m.add("RULES_ENGINE_VERSION", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MAX_LINE_BYTES", batch::DEFAULT_MAX_LINE_BYTES)?;
    Ok(())
}
