//! Shared helpers: a clean base response, mutations, fixture paths, shorthand for decisions.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use chrono::NaiveDate;
use layer_risk::{validate, Code, Decision, RuleSet, Scorer};
use serde_json::{json, Value};

/// The evaluation date every test uses.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// Edit counts of one field, all windows zero.
pub fn zero_counts() -> Value {
    json!({"edits_current": 0, "edits_1d": 0, "edits_30d": 0, "edits_365d": 0, "edits_all_time": 0})
}

/// A clean response: under every shipped rules file it yields no finding at all, score 0, trust.
/// (Same identity as `tests/fixtures/findings/*.json` before their one mutation.)
pub fn base() -> Value {
    json!({
        "identity": {
            "name": {"first_name": "Leslie", "last_name": "Knope"},
            "address": {
                "street": "123 Main St.", "street2": "Apt 4", "city": "Pawnee",
                "region": "IN", "postal_code": "46001", "country": "US"
            },
            "phone_number": "+14157452130",
            "email": "leslie@knope.com",
            "date_of_birth": "1975-01-18",
            "ssn": "524781963",
            "ssn_last_4": "1963"
        },
        "identity_edit_history": {
            "name": zero_counts(),
            "address": zero_counts(),
            "email": zero_counts(),
            "date_of_birth": zero_counts(),
            "official_document": {"ssn": zero_counts()}
        },
        "items": [{"item_id": "item-fixture-1", "access_token": "access-sandbox-fixture-0001"}],
        "request_id": "reqBase"
    })
}

/// `base()` with the value at JSON pointer `ptr` (e.g. `/identity/ssn`) replaced by `v`.
pub fn with(ptr: &str, v: Value) -> Value {
    let mut b = base();
    set(&mut b, ptr, v);
    b
}

/// Replace the value at JSON pointer `ptr`; the parent must exist (the key may not).
pub fn set(doc: &mut Value, ptr: &str, v: Value) {
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent for {ptr}"));
    match target {
        Value::Object(m) => {
            m.insert(key.to_owned(), v);
        }
        Value::Array(a) => a[key.parse::<usize>().unwrap()] = v,
        other => panic!("{ptr}: parent is {other}"),
    }
}

/// Remove the key at JSON pointer `ptr`.
pub fn remove(doc: &mut Value, ptr: &str) {
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    let removed = doc
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|m| m.remove(key));
    assert!(removed.is_some(), "nothing to remove at {ptr}");
}

/// The finding codes of a response (validation only, default age bounds).
pub fn codes(doc: &Value) -> Vec<Code> {
    let text = doc.to_string();
    let s = layer_risk::parse_session(&text).unwrap();
    let rules = RuleSet::embedded_default();
    validate(&s, as_of(), rules.ages())
        .iter()
        .map(|f| f.code)
        .collect()
}

/// The scorer of `rules` as of [`as_of`], made once per rule set (by its SHA-256) and kept
/// for the test run, so that decisions can outlive the call that made them.
pub fn scorer(rules: &RuleSet) -> &'static Scorer {
    static SCORERS: OnceLock<Mutex<HashMap<String, &'static Scorer>>> = OnceLock::new();
    let mut map = SCORERS.get_or_init(Default::default).lock().unwrap();
    map.entry(rules.id().sha256.clone())
        .or_insert_with(|| Box::leak(Box::new(Scorer::new(rules.clone(), as_of()))))
}

/// The decision on a response (or an envelope) under `rules`, as of [`as_of`].
pub fn decide(doc: &Value, rules: &RuleSet) -> Decision<'static> {
    scorer(rules)
        .assess(doc.to_string().as_bytes(), &layer_risk::Context::NONE)
        .unwrap_or_else(|e| panic!("not a response: {e}"))
}

/// The decision's record as `layer-risk score` writes it for input line `line`, without the
/// trailing newline.
pub fn record(d: &Decision<'_>, line: u64) -> String {
    let mut out = Vec::new();
    scorer(RuleSet::embedded_default()).write_record(d, Some(line), &mut out);
    assert_eq!(out.pop(), Some(b'\n'));
    String::from_utf8(out).unwrap()
}

/// (code, rule_id) of each reason, in decision order.
pub fn reason_ids(d: &Decision<'_>) -> Vec<(String, String)> {
    d.reasons
        .iter()
        .map(|r| (r.code.as_str().to_owned(), r.rule_id.to_owned()))
        .collect()
}

/// The crate root (`CARGO_MANIFEST_DIR`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(rel)
}

/// The text of a file under `tests/fixtures/`.
pub fn read_fixture(rel: &str) -> String {
    let p = fixture(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The names of the shipped rules files.
pub const SHIPPED: [&str; 3] = ["default", "lending", "payments"];

/// The shipped rules files (`rules/<name>.json` from the crate root), in [`SHIPPED`] order,
/// loaded once.
pub fn shipped_all() -> &'static [RuleSet] {
    static ALL: OnceLock<Vec<RuleSet>> = OnceLock::new();
    ALL.get_or_init(|| {
        SHIPPED
            .iter()
            .map(|name| {
                let rel = format!("rules/{name}.json");
                let text = std::fs::read_to_string(root().join(&rel)).unwrap();
                RuleSet::from_json(&text, &rel).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    })
}

/// One shipped rules file by name (`default`, `lending`, `payments`).
pub fn shipped(name: &str) -> &'static RuleSet {
    let i = SHIPPED.iter().position(|n| *n == name).unwrap();
    &shipped_all()[i]
}

/// Load a rules file from text, panicking with the located message on failure.
pub fn rules_from(text: &str) -> RuleSet {
    RuleSet::from_json(text, "test.json").unwrap_or_else(|e| panic!("{e}"))
}

/// `text` with its `findings` completed: every code it does not price gets 0. For tests about
/// something else than fail-closed loading (which `rules_errors.rs` tests on the fixture
/// `unpriced_codes.json`); the result is re-serialised, so line numbers change.
pub fn priced(text: &str) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    let findings = v
        .as_object_mut()
        .unwrap()
        .entry("findings")
        .or_insert_with(|| json!({}));
    let map = findings.as_object_mut().unwrap();
    for c in Code::ALL {
        map.entry(c.as_str()).or_insert(json!(0));
    }
    serde_json::to_string_pretty(&v).unwrap()
}

/// [`rules_from`] after [`priced`].
pub fn rules_priced(text: &str) -> RuleSet {
    rules_from(&priced(text))
}

/// A fresh directory under the system temp dir, removed on drop (for the CLI's tests).
#[cfg(feature = "cli")]
pub struct TempDir(PathBuf);

#[cfg(feature = "cli")]
impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("layer-risk-it-{}-{tag}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Write `bytes` to `name` in the directory; its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The path of `name` in the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

#[cfg(feature = "cli")]
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the CLI from the repository root; its output, whatever the status.
#[cfg(feature = "cli")]
pub fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_layer-risk"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}
