//! The semantic checks of a parsed rules file: ids, tiers, ages, points, forced tiers.

use std::collections::BTreeMap;

use super::load::{did_you_mean, shipped_prices};
use super::model::{Guardrail, Outcome, Price, RuleSet, MAX_POINTS};
use crate::error::{RulesError, RulesErrorKind};
use crate::finding::{Code, ReasonCode};
use crate::pos::{line_col, locate, Seg};

pub(super) fn check_semantics(
    mut set: RuleSet,
    findings: BTreeMap<String, Price>,
    guardrails: Vec<(String, Outcome)>,
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
        if price.force == Some(Outcome::Trust) {
            return Err(err(
                &[Seg::Key("findings"), Seg::Key(key)],
                "no finding may force trust: a passed Identity Verification lowers the other prices with `idv_passed_discount`, it does not turn trust on".into(),
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
    let views = views.chain(
        set.signal_rules
            .iter()
            .enumerate()
            .map(|(i, r)| ("signal_rules", "a signal rule", i, &r.id, r.points, r.force)),
    );
    let views = views.chain(set.combined_rules.iter().enumerate().map(|(i, r)| {
        let noun = "a combined rule";
        ("combined_rules", noun, i, &r.id, r.points, r.force)
    }));
    let views = views.chain(
        set.link_rules
            .iter()
            .enumerate()
            .map(|(i, r)| ("link_rules", "a link rule", i, &r.id, r.points, r.force)),
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
        let reserved = ReasonCode::from_name(id).is_some();
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
            "link_rules" if set.link_rules[i].at_least == 0 => {
                return Err(err(
                    &at("at_least"),
                    "at_least must be 1 or more (0 would fire on every session)".into(),
                ));
            }
            "link_rules"
                if !set.link_rules[i]
                    .signal
                    .has_window(set.link_rules[i].window) =>
            {
                let r = &set.link_rules[i];
                let allowed = if r.signal == crate::link::LinkSignal::SsnFirstSeenDays {
                    "`all_time` only"
                } else {
                    "`1d`, `30d`, `365d` or `all_time`"
                };
                return Err(err(
                    &at("window"),
                    format!(
                        "{} is counted in {allowed}, not `{}`",
                        r.signal,
                        r.window.as_str()
                    ),
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
            return Err(err(&at("force"), format!("{noun} cannot force trust")));
        }
    }
    for (i, r) in set.edit_rules.iter().enumerate() {
        if let Some(m) = r.minus {
            if m >= r.window {
                return Err(err(
                    &[Seg::Key("edit_rules"), Seg::Index(i), Seg::Key("minus")],
                    format!(
                        "minus must be a narrower window than window (`{}` is not narrower than `{}`)",
                        m.as_str(),
                        r.window.as_str()
                    ),
                ));
            }
        }
    }
    // A signal rule reads its signal in one direction, within 1 to 100.
    for (i, r) in set.signal_rules.iter().enumerate() {
        let at = |k| [Seg::Key("signal_rules"), Seg::Index(i), Seg::Key(k)];
        let (want, wrong) = if r.signal.higher_is_riskier() {
            ("at_least", r.below.is_some())
        } else {
            ("below", r.at_least.is_some())
        };
        let bound = if r.signal.higher_is_riskier() {
            r.at_least
        } else {
            r.below
        };
        let key = if wrong || bound.is_none() {
            "signal"
        } else {
            want
        };
        match bound {
            Some(b) if !wrong && (1..=100).contains(&b) => {}
            Some(b) if !wrong => {
                return Err(err(
                    &at(key),
                    format!("{want} must be between 1 and 100 (got {b})"),
                ))
            }
            _ => {
                return Err(err(
                    &at(key),
                    format!(
                        "a rule on `{}` fires `{want}` a score (give `{want}` and only it)",
                        r.signal.as_str()
                    ),
                ))
            }
        }
    }
    let t = set.thresholds;
    for (name, v) in [
        ("legal_name", t.legal_name),
        ("phone_number", t.phone_number),
        ("email_address", t.email_address),
        ("address", t.address),
    ] {
        if !(1..=100).contains(&v) {
            return Err(err(
                &[Seg::Key("identity_match_thresholds"), Seg::Key(name)],
                format!("an Identity Match threshold is between 1 and 100 (got {v})"),
            ));
        }
    }
    // A combined rule's parts: two or more distinct finding codes or edit, match, signal and link
    // rule ids.
    let parts_known = |key: &str| {
        Code::from_name(key).is_some()
            || set.edit_rules.iter().any(|r| r.id == key)
            || set.match_rules.iter().any(|r| r.id == key)
            || set.signal_rules.iter().any(|r| r.id == key)
            || set.link_rules.iter().any(|r| r.id == key)
    };
    for (i, r) in set.combined_rules.iter().enumerate() {
        let at = |k| [Seg::Key("combined_rules"), Seg::Index(i), Seg::Key(k)];
        let mut distinct: Vec<&str> = r.all_of.iter().map(String::as_str).collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 2 || distinct.len() < r.all_of.len() {
            return Err(err(
                &at("all_of"),
                "all_of lists two or more distinct finding codes or rule ids".into(),
            ));
        }
        for (k, part) in r.all_of.iter().enumerate() {
            if parts_known(part) {
                continue;
            }
            let ids = set
                .edit_rules
                .iter()
                .map(|r| r.id.as_str())
                .chain(set.match_rules.iter().map(|r| r.id.as_str()))
                .chain(set.signal_rules.iter().map(|r| r.id.as_str()))
                .chain(set.link_rules.iter().map(|r| r.id.as_str()));
            let hint = did_you_mean(part, Code::ALL.iter().map(|c| c.as_str()).chain(ids))
                .map(|b| format!("; did you mean `{b}`?"))
                .unwrap_or_default();
            let combined = set.combined_rules.iter().any(|c| c.id == *part);
            let why = if combined {
                "a combined rule cannot be a part of another (list its parts instead)".to_owned()
            } else {
                format!("`{part}` is neither a finding code nor an edit, match, signal or link rule id of this file{hint}")
            };
            return Err(err(
                &[
                    Seg::Key("combined_rules"),
                    Seg::Index(i),
                    Seg::Key("all_of"),
                    Seg::Index(k),
                ],
                why,
            ));
        }
    }
    if set.idv_passed_discount > 100 {
        return Err(err(
            &[Seg::Key("idv_passed_discount")],
            format!(
                "idv_passed_discount is a percentage from 0 to 100 (got {})",
                set.idv_passed_discount
            ),
        ));
    }
    for (key, tier) in guardrails {
        let at = [Seg::Key("guardrails"), Seg::Key(&key)];
        let known = Code::from_name(&key).is_some() || set.rule_ids().any(|id| id == key);
        if !known {
            let ids = set.rule_ids();
            let hint = did_you_mean(&key, Code::ALL.iter().map(|c| c.as_str()).chain(ids))
                .map(|b| format!("; did you mean `{b}`?"))
                .unwrap_or_default();
            return Err(err(
                &at,
                format!(
                    "guardrail `{key}` is neither a finding code nor a rule id of this file{hint}"
                ),
            ));
        }
        if tier == Outcome::Trust {
            return Err(err(
                &at,
                "a guardrail holds the decision at identity_match, identity_verification or manual_review; trust is no floor".into(),
            ));
        }
        set.guardrails.push(Guardrail {
            key,
            at_least: tier,
        });
    }
    // Fail closed, after every other check: a code without a price would count 0 and a file
    // written before a release added codes would trust what it never judged.
    let missing: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| set.prices[*c as usize].is_none())
        .collect();
    if !missing.is_empty() {
        let mut e = err(&[Seg::Key("findings")], unpriced_message(&missing));
        e.kind = RulesErrorKind::Unpriced;
        return Err(e);
    }
    Ok(set)
}

/// `N finding codes are not priced ...: code (new in 0.2; shipped: default 100, ...), ...`
fn unpriced_message(missing: &[Code]) -> String {
    let abbrev = |o: Outcome| match o {
        Outcome::ManualReview => "MR",
        Outcome::IdentityVerification => "IV",
        Outcome::IdentityMatch => "IM",
        Outcome::Trust => "trust",
    };
    let items: Vec<String> = missing
        .iter()
        .map(|c| {
            let name = c.as_str();
            let shipped: Vec<String> = shipped_prices()
                .iter()
                .map(|(file, prices, guards)| {
                    let mut s = format!("{file} ");
                    match prices.get(name) {
                        Some(p) => {
                            s += &p.points.to_string();
                            if let Some(f) = p.force {
                                s += &format!(" → {}", abbrev(f));
                            }
                        }
                        None => s += "unpriced",
                    }
                    if let Some((_, g)) = guards.iter().find(|(k, _)| k == name) {
                        s += &format!(" guard {}", abbrev(*g));
                    }
                    s
                })
                .collect();
            let new = if c.since() == "0.1" {
                String::new()
            } else {
                format!("new in {}; ", c.since())
            };
            format!("{name} ({new}shipped: {})", shipped.join(", "))
        })
        .collect();
    let n = missing.len();
    format!(
        "{n} finding code{} not priced (price every code; 0 is a price): {}",
        if n == 1 { " is" } else { "s are" },
        items.join(", ")
    )
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
