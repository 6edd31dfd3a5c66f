//! The threshold sweep: exact against fresh decisions, equal to `diff --labels` at the
//! current tiers, monotone, and its SVG curve has one point per candidate.

use std::collections::HashMap;
use std::process::Command;

use layer_risk::batch::{self, Options};
use layer_risk::diff::{parse_labels, DiffSetup, DiffStats, Label};
use layer_risk::gen::{write_export, GenConfig};
use layer_risk::sweep::{LineProfile, SweepSetup, SweepStats};
use layer_risk::{RuleSet, Scorer, Tiers};
use serde_json::Value;

use super::util;

/// A labelled export from the generator: (export, labels).
fn labelled_export(count: u64, seed: u64, applicants: f64) -> (Vec<u8>, HashMap<String, Label>) {
    let cfg = GenConfig {
        count,
        seed,
        applicant_share: applicants,
        ..GenConfig::default()
    };
    let (mut export, mut labels) = (Vec::new(), Vec::new());
    write_export(&cfg, &mut export, Some(&mut labels)).unwrap();
    let labels = parse_labels(std::str::from_utf8(&labels).unwrap()).unwrap();
    (export, labels)
}

/// The same rules file with other tiers.
fn with_tiers(name: &str, im: u32, iv: u32) -> RuleSet {
    let path = util::root().join(format!("rules/{name}.json"));
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["tiers"] = serde_json::json!({"identity_match": im, "identity_verification": iv});
    RuleSet::from_json(&doc.to_string(), name).unwrap()
}

/// The profile's outcome under other tiers is the outcome a fresh decision under those
/// tiers gets: forces, guardrails, the invalid-identity floor and IM->IV routing included.
#[test]
fn profile_outcome_equals_a_fresh_decision_under_other_tiers() {
    let (export, _) = labelled_export(600, 11, 0.3);
    let grid = [(1, 2), (10, 20), (20, 45), (45, 90), (100, 150)];
    let mut checked = 0;
    for name in ["default", "lending", "payments"] {
        let rules = util::shipped(name);
        let others: Vec<(Tiers, Scorer)> = grid
            .iter()
            .map(|&(im, iv)| {
                let t = Tiers {
                    identity_match: im,
                    identity_verification: iv,
                };
                (t, Scorer::new(with_tiers(name, im, iv), util::as_of()))
            })
            .collect();
        for line in export.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let Ok(d) = util::scorer(rules).assess(line, &layer_risk::Context::NONE) else {
                continue;
            };
            let p = LineProfile::of(&d);
            assert_eq!(p.outcome(rules.tiers()), d.outcome);
            for (t, other) in &others {
                let fresh = other.assess(line, &layer_risk::Context::NONE).unwrap();
                assert_eq!(p.outcome(*t), fresh.outcome, "{name} {t:?} {p:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "{checked}");
}

fn sweep_and_diff(
    rules: &RuleSet,
) -> (layer_risk::sweep::SweepReport, layer_risk::diff::LabelStats) {
    let (export, labels) = labelled_export(3000, 5, 0.1);
    let setup = SweepSetup {
        rules,
        as_of: util::as_of(),
        labels: &labels,
    };
    let stats: SweepStats = batch::run(
        &export[..],
        std::io::sink(),
        Options::new(2),
        &setup,
        |_, _| {},
    )
    .unwrap();
    let diff = DiffSetup {
        a: rules,
        b: rules,
        as_of: util::as_of(),
        show: 0,
        labels: Some(&labels),
    };
    let dstats: DiffStats<'_> = batch::run(
        &export[..],
        std::io::sink(),
        Options::new(1),
        &diff,
        |_, _| {},
    )
    .unwrap();
    let labels = diff.report(&dstats).labels.unwrap();
    assert_eq!(setup.report(&stats).fraud, labels.fraud);
    (setup.report(&stats), labels.a)
}

/// At the rule set's own tiers the sweep counts what `diff --labels` counts, and as the
/// identity_match threshold rises, step-ups and recall never rise.
#[test]
fn sweep_at_current_tiers_equals_diff_labels_and_is_monotone() {
    for name in ["default", "lending", "payments"] {
        let rules = util::shipped(name);
        let (report, diff) = sweep_and_diff(rules);
        assert!(
            report.fraud > 20 && report.legit > 1000,
            "{name}: {report:?}"
        );
        for rows in [&report.identity_match, &report.identity_verification] {
            let current: Vec<_> = rows.iter().filter(|r| r.current).collect();
            assert_eq!(current.len(), 1, "{name}");
            let c = current[0];
            assert_eq!(c.tiers, rules.tiers());
            assert_eq!(
                (c.fraud_stepped_up, c.legit_stepped_up),
                (diff.fraud_stepped_up, diff.legit_stepped_up),
                "{name}"
            );
            assert_eq!(
                (c.step_up_rate, c.recall, c.precision),
                (diff.step_up_rate, diff.recall, diff.precision),
                "{name}"
            );
        }
        let im = &report.identity_match;
        assert!(im.len() >= 5, "{name}: {im:?}");
        for w in im.windows(2) {
            assert!(w[0].threshold < w[1].threshold);
            assert!(w[1].step_up_rate <= w[0].step_up_rate, "{name}: {w:?}");
            assert!(w[1].recall <= w[0].recall, "{name}: {w:?}");
            assert!(w[1].fraud_stepped_up <= w[0].fraud_stepped_up);
        }
        let iv = &report.identity_verification;
        assert!(iv
            .iter()
            .all(|r| r.threshold > rules.tiers().identity_match));
        for w in iv.windows(2) {
            assert!(w[1].iv_rate <= w[0].iv_rate, "{name}: {w:?}");
            assert_eq!(w[1].step_up_rate, w[0].step_up_rate, "im held: {w:?}");
        }
    }
}

/// `sweep --plot`: an SVG whose curve (the blue polyline) has one point per identity_match
/// candidate of the JSON table, inside the picture, moving left and down as the threshold
/// rises; the current threshold is a red dot with its label.
#[test]
fn sweep_plot_draws_one_point_per_candidate() {
    let (export, _) = labelled_export(2000, 5, 0.0);
    let cfg = GenConfig {
        count: 2000,
        seed: 5,
        ..GenConfig::default()
    };
    let mut labels = Vec::new();
    write_export(&cfg, &mut std::io::sink(), Some(&mut labels)).unwrap();
    let dir = std::env::temp_dir().join(format!("layer-risk-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (e, l, svg) = (dir.join("e.jsonl"), dir.join("l.csv"), dir.join("s.svg"));
    std::fs::write(&e, &export).unwrap();
    std::fs::write(&l, &labels).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_layer-risk"))
        .args([
            "sweep",
            "--rules",
            "rules/default.json",
            "--as-of",
            "2026-11-22",
            "--json",
        ])
        .arg("--labels")
        .arg(&l)
        .arg("--plot")
        .arg(&svg)
        .arg(&e)
        .current_dir(util::root())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = report["identity_match"].as_array().unwrap();
    let text = std::fs::read_to_string(&svg).unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    let root = tag(&text, "<svg ").expect("an <svg> root");
    assert!(text.trim_start().starts_with("<svg ") && text.trim_end().ends_with("</svg>"));
    let (w, h): (f64, f64) = (
        attr(root, "width").parse().unwrap(),
        attr(root, "height").parse().unwrap(),
    );
    let curve = text
        .split("<polyline")
        .skip(1)
        .map(|t| &t[..t.find("/>").unwrap()])
        .find(|t| attr(t, "stroke") == "#0000FF")
        .expect("the curve's polyline");
    let points: Vec<(f64, f64)> = attr(curve, "points")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    assert_eq!(points.len(), rows.len(), "one point per candidate");
    for &(x, y) in &points {
        assert!(
            (0.0..=w).contains(&x) && (0.0..=h).contains(&y),
            "({x}, {y})"
        );
    }
    // Rows go by rising threshold: step-up (x) and recall (up the page, so y grows) fall.
    for p in points.windows(2) {
        assert!(p[1].0 <= p[0].0 && p[1].1 >= p[0].1, "{p:?}");
    }
    // The lowest threshold steps up most and catches most: right of and above the highest.
    let last = points[points.len() - 1];
    assert!(points[0].0 > last.0 && points[0].1 < last.1);
    assert_eq!(
        text.matches("<circle").count(),
        rows.len() + 1,
        "a dot each, a red one more"
    );
    assert_eq!(
        text.matches(r##"fill="#FF0000""##).count(),
        2,
        "the red dot and its label"
    );
    for words in [
        "Threshold sweep",
        "step-up rate",
        "recall",
        "current: identity_match at 30",
    ] {
        assert!(text.contains(words), "{words}");
    }
}

/// The first element starting with `open`, up to its `>`.
fn tag<'t>(text: &'t str, open: &str) -> Option<&'t str> {
    let at = text.find(open)?;
    Some(&text[at..at + text[at..].find('>')?])
}

/// The value of `name="..."` in an element's text.
fn attr<'t>(element: &'t str, name: &str) -> &'t str {
    let key = format!(" {name}=\"");
    let at = element
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {element}"))
        + key.len();
    &element[at..at + element[at..].find('"').unwrap()]
}

/// `diff --labels` per-rule precision and lift, counted by hand: 2 fraud in 5 labelled
/// lines (rate 0.4); a name edit on one fraud and one legit line (precision 0.5, lift
/// 1.25), an address edit on one fraud line only (precision 1, lift 2.5).
#[test]
fn diff_reports_per_rule_precision_and_lift() {
    let edited = |field: &str, id: &str| {
        let ones = serde_json::json!({"edits_current": 1, "edits_1d": 1, "edits_30d": 1,
                                      "edits_365d": 1, "edits_all_time": 1});
        let mut doc = util::with(&format!("/identity_edit_history/{field}"), ones);
        util::set(&mut doc, "/request_id", Value::from(id));
        doc
    };
    let clean = |id: &str| util::with("/request_id", Value::from(id));
    let lines = [
        edited("name", "rA1"),
        edited("name", "rB1"),
        edited("address", "rC1"),
        clean("rD1"),
        clean("rE1"),
        clean("rF1"),
    ];
    let export: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let labels = parse_labels("rA1,fraud\nrB1,legit\nrC1,fraud\nrD1,legit\nrE1,legit\n").unwrap();
    let rules = util::shipped("default");
    let diff = DiffSetup {
        a: rules,
        b: rules,
        as_of: util::as_of(),
        show: 0,
        labels: Some(&labels),
    };
    let stats: DiffStats<'_> = batch::run(
        export.as_bytes(),
        std::io::sink(),
        Options::new(1),
        &diff,
        |_, _| {},
    )
    .unwrap();
    let report = diff.report(&stats);
    let l = report.labels.as_ref().unwrap();
    assert_eq!((l.fraud, l.legit, l.unlabelled), (2, 3, 1));
    let got: Vec<(&str, u64, u64, f64, f64)> =
        l.a.rules
            .iter()
            .map(|r| (r.id.as_str(), r.fired, r.fraud, r.precision, r.lift))
            .collect();
    assert_eq!(
        got,
        [
            ("address-edited-this-session", 1, 1, 1.0, 2.5),
            // The 0-point parts of name-and-address-edited-today fire beside them.
            ("address-edited-today", 1, 1, 1.0, 2.5),
            ("name-edited-this-session", 2, 1, 0.5, 1.25),
            ("name-edited-today", 2, 1, 0.5, 1.25),
        ]
    );
    assert_eq!(l.a.rules, l.b.rules);
    let page = report.to_string();
    assert!(page.contains("Rules by lift under A (top 4 of 4"), "{page}");
    assert!(
        page.lines()
            .any(|x| x.contains("address-edited-this-session") && x.trim_end().ends_with("2.50")),
        "{page}"
    );
}
