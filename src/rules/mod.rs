//! Rule sets: what each finding and each edit count costs, and where the tiers start.
//!
//! A rules file is JSON a risk analyst edits (format and every reason code: `rules/README.md`).
//! Loading checks it twice: the shape (unknown keys and wrong values are refused, with file,
//! line, column, field path and a did-you-mean), then the meaning (duplicate ids, tiers out of
//! order, negative points). Every decision names the rule set's name, version and SHA-256.

mod locate;

use std::fmt;
use std::sync::LazyLock;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::finding::Code;
use crate::matching::MatchField;
use crate::session::{EditCounts, EditHistory};
pub(crate) use locate::{line_col, locate as locate_path, Seg as PathSeg};
use locate::{locate, Seg};

/// The default rules (`rules/default.json`), embedded in the library.
pub const DEFAULT_RULES_JSON: &str = include_str!("../../rules/default.json");

/// The three outcomes, from least to most friction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The backend may use the identity as submitted.
    Trust,
    /// Check the identity against the linked bank accounts with Identity Match.
    IdentityMatch,
    /// Send the user through Identity Verification (documents, selfie).
    IdentityVerification,
}

impl Outcome {
    /// The name used in decisions and rules files.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Trust => "trust",
            Outcome::IdentityMatch => "identity_match",
            Outcome::IdentityVerification => "identity_verification",
        }
    }

    /// All outcomes, least friction first.
    pub const ALL: [Outcome; 3] = [
        Outcome::Trust,
        Outcome::IdentityMatch,
        Outcome::IdentityVerification,
    ];
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An identity field with edit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EditField {
    /// `identity_edit_history.name`
    Name,
    /// `identity_edit_history.address`
    Address,
    /// `identity_edit_history.email`
    Email,
    /// `identity_edit_history.date_of_birth`
    DateOfBirth,
    /// `identity_edit_history.official_document.ssn`
    Ssn,
}

impl EditField {
    /// All fields, in the response's order.
    pub const ALL: [EditField; 5] = [
        EditField::Name,
        EditField::Address,
        EditField::Email,
        EditField::DateOfBirth,
        EditField::Ssn,
    ];

    /// The name used in rules files and decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            EditField::Name => "name",
            EditField::Address => "address",
            EditField::Email => "email",
            EditField::DateOfBirth => "date_of_birth",
            EditField::Ssn => "ssn",
        }
    }
}

/// An edit-count window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Window {
    /// `edits_current`: this session.
    #[serde(rename = "current")]
    Current,
    /// `edits_1d`
    #[serde(rename = "1d")]
    Day,
    /// `edits_30d`
    #[serde(rename = "30d")]
    Month,
    /// `edits_365d`
    #[serde(rename = "365d")]
    Year,
    /// `edits_all_time`
    #[serde(rename = "all_time")]
    AllTime,
}

impl Window {
    /// Narrowest first: the order in which counts must not decrease.
    pub const ALL: [Window; 5] = [
        Window::Current,
        Window::Day,
        Window::Month,
        Window::Year,
        Window::AllTime,
    ];

    /// The name used in rules files and decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Current => "current",
            Window::Day => "1d",
            Window::Month => "30d",
            Window::Year => "365d",
            Window::AllTime => "all_time",
        }
    }
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
        Window::ALL
            .iter()
            .take_while(|x| **x <= w)
            .filter_map(|x| self.get(*x))
            .max()
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

/// Age bounds for the date of birth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBounds {
    /// Youngest acceptable age in whole years (default 18).
    pub min: u32,
    /// Oldest plausible age in whole years (default 120).
    pub max: u32,
}

impl Default for AgeBounds {
    fn default() -> Self {
        AgeBounds { min: 18, max: 120 }
    }
}

/// Where each tier starts on the score scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    /// Score from which the outcome is at least `identity_match`.
    pub identity_match: u32,
    /// Score from which the outcome is `identity_verification`.
    pub identity_verification: u32,
}

impl Tiers {
    /// The tier a score falls in.
    pub fn for_score(&self, score: u32) -> Outcome {
        if score >= self.identity_verification {
            Outcome::IdentityVerification
        } else if score >= self.identity_match {
            Outcome::IdentityMatch
        } else {
            Outcome::Trust
        }
    }
}

/// What a finding costs: points, and optionally a tier it forces whatever the score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Price {
    /// Points added to the score.
    pub points: i64,
    /// A tier forced whatever the score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceObject {
    points: i64,
    #[serde(default)]
    force: Option<Outcome>,
}

impl<'de> Deserialize<'de> for Price {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Price;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"points (an integer) or {"points": N, "force": "<tier>"}"#)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Price, E> {
                Ok(Price {
                    points: v,
                    force: None,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Price, E> {
                let points = i64::try_from(v).map_err(|_| E::custom("points out of range"))?;
                Ok(Price {
                    points,
                    force: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Price, A::Error> {
                let o = PriceObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Price {
                    points: o.points,
                    force: o.force,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A rule on one edit count: fires when the count of `field` in `window` is at least
/// `at_least`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditRule {
    /// Stable id, unique in the file; reported in decisions.
    pub id: String,
    /// The edited field.
    pub field: EditField,
    /// The window counted.
    pub window: Window,
    /// The count at which the rule fires (1 or more).
    pub at_least: u32,
    /// Points added when it fires.
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A rule on an identity-consistency score (a decision made with an applicant): fires when
/// the score of `field` is below `below`. Without an applicant, or when either side lacks the
/// field, it does not fire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    /// Stable id, unique in the file (across edit and match rules); reported in decisions.
    pub id: String,
    /// The compared field: `legal_name`, `phone_number`, `email_address`, `address`,
    /// `date_of_birth`, or `email_name` (the Layer email against the Layer name).
    pub field: MatchField,
    /// Fires when the score is below this (1 to 100; Plaid's recommended threshold is 70).
    pub below: u8,
    /// Points added when it fires.
    pub points: i64,
    /// A tier forced when it fires, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Outcome>,
    /// Why the rule exists (for people; ignored by the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
    #[serde(deserialize_with = "unique_findings")]
    findings: std::collections::BTreeMap<String, Price>,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    edit_rules: Vec<EditRule>,
    #[serde(default, deserialize_with = "crate::de::vec_obj")]
    match_rules: Vec<MatchRule>,
}

fn yes() -> bool {
    true
}

/// Name, version and SHA-256 of a rule set: what an auditor needs to replay a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSetId {
    /// The rules file's `name`.
    pub name: String,
    /// The rules file's `version`.
    pub version: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// A loaded, checked rule set.
#[derive(Clone, Debug)]
pub struct RuleSet {
    id: RuleSetId,
    description: Option<String>,
    tiers: Tiers,
    ages: AgeBounds,
    identity_match_requires_items: bool,
    prices: Vec<Option<Price>>,
    edit_rules: Vec<EditRule>,
    match_rules: Vec<MatchRule>,
}

/// The largest number of points one rule may carry.
pub const MAX_POINTS: i64 = 1_000_000;

impl RuleSet {
    /// Parse and check a rules file. `source` names it in errors (usually its path).
    ///
    /// # Errors
    /// A [`RulesError`] with the source, line, column and field path: bad JSON, an unknown key
    /// (with a did-you-mean), a wrong value, an unknown finding code, duplicate rule ids, tiers
    /// out of order, negative points, ages out of order.
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
            description: file.description,
            tiers: file.tiers,
            ages: file.age,
            identity_match_requires_items: file.identity_match_requires_items,
            prices: vec![None; Code::ALL.len()],
            edit_rules: file.edit_rules,
            match_rules: file.match_rules,
        };
        check_semantics(set, file.findings, body, source)
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

    /// Name, version and SHA-256.
    pub fn id(&self) -> &RuleSetId {
        &self.id
    }

    /// The file's description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Where the tiers start.
    pub fn tiers(&self) -> Tiers {
        self.tiers
    }

    /// The age bounds.
    pub fn ages(&self) -> AgeBounds {
        self.ages
    }

    /// Whether an `identity_match` outcome becomes `identity_verification` when the response
    /// has no linked Item (Identity Match needs an access token to compare with).
    pub fn identity_match_requires_items(&self) -> bool {
        self.identity_match_requires_items
    }

    /// The price of a finding code; `None` when the file does not list it (it then costs 0).
    pub fn price(&self, code: Code) -> Option<Price> {
        self.prices.get(code as usize).copied().flatten()
    }

    /// The edit rules, in file order.
    pub fn edit_rules(&self) -> &[EditRule] {
        &self.edit_rules
    }

    /// The match rules, in file order (they apply to decisions made with an applicant).
    pub fn match_rules(&self) -> &[MatchRule] {
        &self.match_rules
    }

    /// Finding codes the file does not price (they are reported with 0 points).
    pub fn unpriced_codes(&self) -> Vec<Code> {
        Code::ALL
            .iter()
            .copied()
            .filter(|c| self.price(*c).is_none())
            .collect()
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
    let full = inner.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    };
    let kind = match inner.classify() {
        serde_json::error::Category::Data => RulesErrorKind::Schema,
        _ => RulesErrorKind::Syntax,
    };
    RulesError {
        source_name: source.to_owned(),
        line: inner.line().max(1),
        column: inner.column().max(1),
        path: if path == "." { String::new() } else { path },
        message: with_suggestion(message),
        kind,
    }
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

fn check_semantics(
    mut set: RuleSet,
    findings: std::collections::BTreeMap<String, Price>,
    text: &str,
    source: &str,
) -> Result<RuleSet, RulesError> {
    let err = |path: &[Seg<'_>], message: String| {
        let (line, column) = locate(text, path).unwrap_or_else(|| line_col(text, 0));
        RulesError {
            source_name: source.to_owned(),
            line,
            column,
            path: path_string(path),
            message,
            kind: RulesErrorKind::Semantic,
        }
    };
    if set.id.name.trim().is_empty() {
        return Err(err(&[Seg::Key("name")], "name must not be empty".into()));
    }
    if set.id.version.trim().is_empty() {
        return Err(err(
            &[Seg::Key("version")],
            "version must not be empty".into(),
        ));
    }
    let t = set.tiers;
    if t.identity_match == 0 {
        return Err(err(
            &[Seg::Key("tiers"), Seg::Key("identity_match")],
            "identity_match must be at least 1 (a score of 0 must mean trust)".into(),
        ));
    }
    if t.identity_match >= t.identity_verification {
        return Err(err(
            &[Seg::Key("tiers"), Seg::Key("identity_verification")],
            format!(
                "tiers out of order: identity_verification ({}) must be above identity_match ({})",
                t.identity_verification, t.identity_match
            ),
        ));
    }
    let a = set.ages;
    if a.min > a.max || a.max > 150 {
        return Err(err(
            &[Seg::Key("age")],
            format!(
                "age bounds must satisfy min <= max <= 150 (got min {}, max {})",
                a.min, a.max
            ),
        ));
    }
    let points_ok = |p: i64| (0..=MAX_POINTS).contains(&p);
    for (key, price) in &findings {
        let Some(code) = Code::from_name(key) else {
            let hint = did_you_mean(key, Code::ALL.iter().map(|c| c.as_str()))
                .map(|b| format!("; did you mean `{b}`?"))
                .unwrap_or_default();
            return Err(err(
                &[Seg::Key("findings"), Seg::Key(key)],
                format!("unknown finding code `{key}`{hint}"),
            ));
        };
        if !points_ok(price.points) {
            return Err(err(
                &[Seg::Key("findings"), Seg::Key(key)],
                format!(
                    "points must be between 0 and {MAX_POINTS} (got {})",
                    price.points
                ),
            ));
        }
        if price.force == Some(Outcome::Trust) && code != Code::IdvPassed {
            return Err(err(
                &[Seg::Key("findings"), Seg::Key(key)],
                "only idv_passed may force trust (trust can be forced only by proof of verification)".into(),
            ));
        }
        set.prices[code as usize] = Some(*price);
    }
    // Edit and match rules share the checks on ids, points and forced tiers.
    let views = set
        .edit_rules
        .iter()
        .enumerate()
        .map(|(i, r)| ("edit_rules", "an edit rule", i, &r.id, r.points, r.force));
    let views = views.chain(
        set.match_rules
            .iter()
            .enumerate()
            .map(|(i, r)| ("match_rules", "a match rule", i, &r.id, r.points, r.force)),
    );
    let mut seen = std::collections::HashMap::new();
    for (section, noun, i, id, points, force) in views {
        let at = |k| [Seg::Key(section), Seg::Index(i), Seg::Key(k)];
        if id.trim().is_empty() {
            return Err(err(&at("id"), "rule id must not be empty".into()));
        }
        if let Some((first_section, first)) = seen.insert(id.as_str(), (section, i)) {
            return Err(err(
                &at("id"),
                format!("duplicate rule id `{id}` (first used by {first_section}[{first}])"),
            ));
        }
        // A rule id that is also a reason code would merge with it in summaries and diffs.
        let reserved = Code::from_name(id).is_some()
            || [
                crate::score::EDIT_RULE,
                crate::score::MATCH_RULE,
                crate::decision::IDENTITY_MATCH_UNAVAILABLE,
            ]
            .contains(&id.as_str());
        if reserved {
            return Err(err(
                &at("id"),
                format!("rule id `{id}` is a reason code; choose another id"),
            ));
        }
        match section {
            "edit_rules" if set.edit_rules[i].at_least == 0 => {
                return Err(err(
                    &at("at_least"),
                    "at_least must be 1 or more (0 would fire on every session)".into(),
                ));
            }
            "match_rules" if !(1..=100).contains(&set.match_rules[i].below) => {
                let below = set.match_rules[i].below;
                return Err(err(
                    &at("below"),
                    format!("below must be between 1 and 100 (got {below})"),
                ));
            }
            _ => {}
        }
        if !points_ok(points) {
            return Err(err(
                &at("points"),
                format!("points must be between 0 and {MAX_POINTS} (got {points})"),
            ));
        }
        if force == Some(Outcome::Trust) {
            return Err(err(
                &at("force"),
                format!("{noun} cannot force trust; only idv_passed may"),
            ));
        }
    }
    Ok(set)
}

/// The `findings` map, refusing a code listed twice (a JSON object may repeat a key, and the
/// last one would silently win).
fn unique_findings<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, Price>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = std::collections::BTreeMap<String, Price>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of finding code -> price")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = std::collections::BTreeMap::new();
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

fn path_string(path: &[Seg<'_>]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// A rules file that could not be loaded: where, and why.
///
/// Displays as `FILE:LINE:COLUMN: PATH: MESSAGE`, the form editors and CI annotate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}:{column}: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct RulesError {
    /// The file (as given to [`RuleSet::from_json`]).
    pub source_name: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Field path such as `edit_rules[2].window`; empty for the document itself.
    pub path: String,
    /// What is wrong, with a did-you-mean where a key or value looks misspelt.
    pub message: String,
    /// Which check refused the file.
    pub kind: RulesErrorKind,
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
    /// The file could not be read (set by callers that read files).
    Io,
}
