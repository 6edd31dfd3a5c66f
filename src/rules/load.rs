//! Loading a rules file: JSON shape (unknown keys refused, located errors with a
//! did-you-mean), then the semantic checks of [`super::check`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::check::check_semantics;
use super::model::{
    CombinedRule, EditRule, LinkRule, MatchRule, Outcome, Price, RuleSet, RuleSetId, SignalRule,
    Tiers,
};
use crate::error::{RulesError, RulesErrorKind};
use crate::fields::{AgeBounds, MatchThresholds};
use crate::finding::Code;
use crate::pos::line_col;

/// The default rules (`rules/default.json`), embedded in the library.
pub const DEFAULT_RULES_JSON: &str = include_str!("../../rules/default.json");

/// The shipped files, embedded for the error on unpriced codes (what they charge).
const SHIPPED: [(&str, &str); 3] = [
    ("default", DEFAULT_RULES_JSON),
    ("lending", include_str!("../../rules/lending.json")),
    ("payments", include_str!("../../rules/payments.json")),
];

/// The `findings` and `guardrails` of each shipped file, parsed once without the semantic
/// checks (so a defect in one cannot recurse into this table).
pub(super) type ShippedPrices = (
    &'static str,
    BTreeMap<String, Price>,
    Vec<(String, Outcome)>,
);

pub(super) fn shipped_prices() -> &'static [ShippedPrices] {
    static PRICES: LazyLock<Vec<ShippedPrices>> = LazyLock::new(|| {
        SHIPPED
            .iter()
            .filter_map(|(name, text)| {
                let f = parse_file(text, name).ok()?;
                Some((*name, f.findings, f.guardrails))
            })
            .collect()
    });
    &PRICES
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    name: String,
    version: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(deserialize_with = "crate::de::obj")]
    tiers: Tiers,
    #[serde(default, deserialize_with = "crate::de::obj")]
    age: AgeBounds,
    #[serde(default = "yes")]
    identity_match_requires_items: bool,
    // Absent and `{}` are refused alike by the semantic checks, which list every code.
    #[serde(default, deserialize_with = "unique_findings")]
    findings: BTreeMap<String, Price>,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    edit_rules: Vec<EditRule>,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    match_rules: Vec<MatchRule>,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    combined_rules: Vec<CombinedRule>,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    signal_rules: Vec<SignalRule>,
    #[serde(default, deserialize_with = "crate::de::obj")]
    identity_match_thresholds: MatchThresholds,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    link_rules: Vec<LinkRule>,
    #[serde(default, deserialize_with = "unique_guardrails")]
    guardrails: Vec<(String, Outcome)>,
    #[serde(default)]
    idv_passed_discount: u8,
}

fn yes() -> bool {
    true
}

impl RuleSet {
    /// Parse and check a rules file. `source` names it in errors (usually its path).
    ///
    /// # Errors
    /// A [`RulesError`] with the source, line, column and field path: bad JSON, an unknown key
    /// (with a did-you-mean), a wrong value, an unknown finding code, duplicate rule ids, tiers
    /// out of order, negative points, ages out of order; a finding code without a price
    /// (kind [`crate::RulesErrorKind::Unpriced`]: every code must be priced, 0 is a price).
    ///
    /// # Example
    /// ```
    /// use layer_risk::RuleSet;
    /// let text = r#"{"name": "t", "version": "1", "tiers": {"identity_match": 10, "identity_verfication": 50}, "findings": {}}"#;
    /// let err = RuleSet::from_json(text, "t.json").unwrap_err();
    /// assert!(err.to_string().starts_with("t.json:1:"));
    /// assert!(err.to_string().contains("did you mean `identity_verification`?"));
    /// ```
    pub fn from_json(text: &str, source: &str) -> Result<RuleSet, RulesError> {
        // A byte-order mark (some Windows editors write one) is not part of the JSON; the
        // hash still covers the file's bytes as given.
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        let file = parse_file(body, source)?;
        let sha256 = hex(&Sha256::digest(text.as_bytes()));
        let set = RuleSet {
            id: RuleSetId {
                name: file.name,
                version: file.version,
                sha256,
            },
            json: text.into(),
            description: file.description,
            tiers: file.tiers,
            ages: file.age,
            identity_match_requires_items: file.identity_match_requires_items,
            prices: vec![None; Code::ALL.len()],
            edit_rules: file.edit_rules,
            match_rules: file.match_rules,
            combined_rules: file.combined_rules,
            signal_rules: file.signal_rules,
            thresholds: file.identity_match_thresholds,
            link_rules: file.link_rules,
            guardrails: Vec::new(),
            idv_passed_discount: file.idv_passed_discount,
        };
        check_semantics(set, file.findings, file.guardrails, body, source)
    }

    /// Read and check the rules file at `path`: the one loader behind the CLI's `--rules`,
    /// the Python, Node and Spark packages. The file's bytes are hashed as they are on disk;
    /// errors name the path as given.
    ///
    /// # Errors
    /// As [`RuleSet::from_json`]; also kind [`crate::RulesErrorKind::Io`] when the file
    /// cannot be read, and [`crate::RulesErrorKind::Syntax`] (located at the first bad byte)
    /// when it is not UTF-8.
    ///
    /// # Example
    /// ```
    /// use layer_risk::{RuleSet, RulesErrorKind};
    /// let rules = RuleSet::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lending.json"))?;
    /// assert_eq!(rules.id().name, "lending");
    /// let err = RuleSet::from_path("no/such/rules.json").unwrap_err();
    /// assert_eq!(err.kind(), RulesErrorKind::Io);
    /// assert!(err.to_string().starts_with("no/such/rules.json:1:1: cannot read rules file no/such/rules.json: "));
    /// # Ok::<(), layer_risk::RulesError>(())
    /// ```
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<RuleSet, RulesError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| RulesError::io(&name, format!("cannot read rules file {name}: {e}")))?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let (line, column) = crate::pos::line_col_bytes(&bytes, e.valid_up_to());
            RulesError {
                source_name: name.clone(),
                line,
                column,
                path: String::new(),
                message: "a rules file is UTF-8 JSON: this byte is not UTF-8".into(),
                kind: RulesErrorKind::Syntax,
            }
        })?;
        RuleSet::from_json(text, &name)
    }

    /// The embedded default rule set (`rules/default.json`), parsed once.
    pub fn embedded_default() -> &'static RuleSet {
        static DEFAULT: LazyLock<RuleSet> = LazyLock::new(|| {
            // The file is part of the source tree and checked by the test suite
            // (`embedded_default_rules_load`); failing here is a build defect, not a data error.
            #[allow(clippy::expect_used)]
            RuleSet::from_json(DEFAULT_RULES_JSON, "rules/default.json (embedded)")
                .expect("the embedded default rules are valid")
        });
        &DEFAULT
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_file(text: &str, source: &str) -> Result<RulesFile, RulesError> {
    let body = text.trim_start();
    if !body.starts_with('{') {
        let (line, column) = line_col(text, text.len() - body.len());
        return Err(RulesError {
            source_name: source.to_owned(),
            line,
            column,
            path: String::new(),
            message: "a rules file is a JSON object".into(),
            kind: RulesErrorKind::Schema,
        });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, RulesFile>(&mut de) {
        Ok(file) => match de.end() {
            Ok(()) => Ok(file),
            Err(e) => Err(json_error(source, String::new(), &e)),
        },
        Err(e) => {
            // Only a data error has a meaningful path; serde_path_to_error writes `?` for a
            // segment it could not name.
            let path = match e.inner().classify() {
                serde_json::error::Category::Data => {
                    let p = e.path().to_string();
                    let cut = p.find(".?").or_else(|| p.find('?')).unwrap_or(p.len());
                    p[..cut].to_owned()
                }
                _ => String::new(),
            };
            Err(json_error(source, path, e.inner()))
        }
    }
}

fn json_error(source: &str, path: String, inner: &serde_json::Error) -> RulesError {
    let mut e = RulesError::from_json(source, path, inner);
    e.message = with_suggestion(std::mem::take(&mut e.message));
    e
}

/// Add "did you mean `x`?" to serde's unknown field / variant messages.
fn with_suggestion(message: String) -> String {
    if !(message.starts_with("unknown field") || message.starts_with("unknown variant")) {
        return message;
    }
    let ticks: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let Some((wrong, candidates)) = ticks.split_first() else {
        return message;
    };
    match did_you_mean(wrong, candidates.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message,
    }
}

/// The closest candidate, if one is close enough to be a typo.
pub(crate) fn did_you_mean<'c>(
    wrong: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    candidates
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The `findings` map, refusing a code listed twice (a JSON object may repeat a key, and the
/// last one would silently win).
fn unique_findings<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Price>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<String, Price>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of finding code -> price")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                let price: Price = map.next_value()?;
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!(
                        "finding code `{key}` is listed twice"
                    )));
                }
                out.insert(key, price);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

/// The `guardrails` map (code or rule id -> the lowest tier it allows), in file order,
/// refusing a key listed twice.
fn unique_guardrails<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, Outcome)>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(String, Outcome)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of finding code or rule id -> the lowest tier it allows")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, Outcome)> = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let tier: Outcome = map.next_value()?;
                if out.iter().any(|(k, _)| *k == key) {
                    return Err(de::Error::custom(format!(
                        "guardrail `{key}` is listed twice"
                    )));
                }
                out.push((key, tier));
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}
