//! Batch mode (issue 3, section 7): one record per non-empty line in order whatever `--jobs`,
//! byte-identical output across `--jobs`, gzip like plain, `diff` of a set with itself, and
//! precision / recall against a hand count.

use std::collections::HashMap;
use std::io::Write;
use std::process::Command;

use layer_risk::batch::{self, Summary};
use layer_risk::diff::{parse_labels, DiffSetup, DiffStats, Label};
use layer_risk::gen::{write_export, GenConfig};
use layer_risk::RuleSet;
use layer_risk::Scorer;
use serde_json::Value;

use super::util;

const BIN: &str = env!("CARGO_BIN_EXE_layer-risk");

fn export(count: u64, seed: u64, corrupt: f64) -> (Vec<u8>, String, layer_risk::gen::GenSummary) {
    let cfg = GenConfig {
        count,
        seed,
        corrupt,
        applicant_share: 0.2,
        ..GenConfig::default()
    };
    let mut out = Vec::new();
    let mut labels = Vec::new();
    let summary = write_export(&cfg, &mut out, Some(&mut labels)).unwrap();
    (out, String::from_utf8(labels).unwrap(), summary)
}

fn score(data: &[u8], jobs: usize) -> (Vec<u8>, u64, u64) {
    let rules = RuleSet::embedded_default();
    let mut out = Vec::new();
    let scorer = Scorer::new(rules.clone(), util::as_of());
    let s: Summary<'_> = batch::score(data, &mut out, &scorer, jobs, |_, _| {}).unwrap();
    (out, s.records(), s.error_count())
}

#[test]
fn one_record_per_line_in_order_errors_counted_whatever_jobs() {
    let (data, _, summary) = export(3_000, 42, 0.05);
    assert!(summary.corrupt > 50, "the export must have corrupt lines");
    let (one, records, errors) = score(&data, 1);
    assert_eq!(records, 3_000);
    assert_eq!(errors, summary.corrupt);
    let lines: Vec<Value> = one
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3_000);
    for (i, rec) in lines.iter().enumerate() {
        assert_eq!(rec["line"], i as u64 + 1, "records are in input order");
        assert!(rec.get("decision").is_some() != rec.get("error").is_some());
    }
    assert_eq!(
        lines.iter().filter(|r| r.get("error").is_some()).count() as u64,
        summary.corrupt
    );
    for jobs in [2, 3, 8] {
        let (other, _, _) = score(&data, jobs);
        assert!(other == one, "--jobs {jobs} output differs from --jobs 1");
    }
}

#[test]
fn empty_blank_and_crlf_lines_and_a_line_longer_than_a_block() {
    let good = util::base().to_string();
    let huge = util::with(
        "/identity/name/first_name",
        Value::String("x".repeat(batch::BLOCK_SIZE + 100)),
    )
    .to_string();
    let data = format!("{good}\r\n\n   \n{huge}\n{good}");
    let (out, records, errors) = score(data.as_bytes(), 2);
    assert_eq!((records, errors), (3, 0));
    let lines: Vec<Value> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let numbers: Vec<u64> = lines.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(numbers, vec![1, 4, 5]);
    assert!(lines[1]["reasons"].to_string().contains("name_implausible"));
}

#[test]
fn gzip_input_gives_the_same_output_as_plain() {
    let (data, _, _) = export(500, 7, 0.02);
    let dir = std::env::temp_dir().join(format!("layer-risk-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plain = dir.join("export.jsonl");
    let gz = dir.join("export.jsonl.gz");
    std::fs::write(&plain, &data).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&data).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let run = |p: &std::path::Path| {
        Command::new(BIN)
            .args(["score", "--as-of", "2026-11-22", "--jobs", "2"])
            .arg(p)
            .output()
            .unwrap()
    };
    let (a, b) = (run(&plain), run(&gz));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(a.status.code(), Some(1), "corrupt lines make exit 1");
    assert_eq!(b.status.code(), Some(1));
    assert!(!a.stdout.is_empty());
    assert!(a.stdout == b.stdout, "gzip output differs from plain");
}

#[test]
fn diff_of_a_rule_set_with_itself_reports_no_change() {
    let (data, labels_csv, _) = export(1_000, 9, 0.01);
    let labels = parse_labels(&labels_csv).unwrap();
    let rules = RuleSet::embedded_default();
    let setup = DiffSetup {
        a: rules,
        b: rules,
        as_of: util::as_of(),
        show: 5,
        labels: Some(&labels),
    };
    let stats: DiffStats<'_> =
        batch::run(&data[..], std::io::sink(), 2, &setup, |_, _| {}).unwrap();
    let r = setup.report(&stats);
    assert_eq!(r.changed, 0);
    assert!(r.examples.is_empty());
    for i in 0..3 {
        for j in 0..3 {
            if i != j {
                assert_eq!(r.transitions[i][j], 0);
            }
        }
    }
    assert_eq!(r.step_up_rate_a, r.step_up_rate_b);
    assert!(r
        .rule_changes
        .iter()
        .all(|c| c.hits_a == c.hits_b && c.change == 0.0));
    assert!(r.to_string().contains("Rule hit rates: no change"));
}

#[test]
fn precision_and_recall_match_a_hand_count() {
    let (data, labels_csv, summary) = export(4_000, 21, 0.0);
    assert!(summary.fraud > 20, "need some fraud to count");
    let labels = parse_labels(&labels_csv).unwrap();
    let (a, b) = (RuleSet::embedded_default(), &util::shipped_all()[1]);
    // Hand count from the plain score output of each rule set.
    let hand = |rules: &RuleSet| {
        let mut out = Vec::new();
        let scorer = Scorer::new(rules.clone(), util::as_of());
        let _: Summary<'_> = batch::score(&data[..], &mut out, &scorer, 1, |_, _| {}).unwrap();
        let (mut tp, mut fp, mut fraud) = (0u64, 0u64, 0u64);
        for l in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let rec: Value = serde_json::from_slice(l).unwrap();
            let Some(label) = rec["request_id"].as_str().and_then(|id| labels.get(id)) else {
                continue;
            };
            let up = rec["decision"] != "trust";
            match label {
                Label::Fraud => {
                    fraud += 1;
                    tp += u64::from(up);
                }
                Label::Legit => fp += u64::from(up),
            }
        }
        (tp as f64 / fraud as f64, tp as f64 / (tp + fp) as f64)
    };
    let setup = DiffSetup {
        a,
        b,
        as_of: util::as_of(),
        show: 3,
        labels: Some(&labels),
    };
    let stats: DiffStats<'_> =
        batch::run(&data[..], std::io::sink(), 2, &setup, |_, _| {}).unwrap();
    let report = setup.report(&stats);
    let l = report.labels.as_ref().unwrap();
    let close = |x: f64, y: f64| (x - y).abs() < 1e-6;
    let (ra, pa) = hand(a);
    let (rb, pb) = hand(b);
    assert!(
        close(l.a.recall, ra) && close(l.a.precision, pa),
        "A: {:?} vs hand ({ra}, {pa})",
        l.a
    );
    assert!(
        close(l.b.recall, rb) && close(l.b.precision, pb),
        "B: {:?} vs hand ({rb}, {pb})",
        l.b
    );
    assert!(
        l.b.step_up_rate >= l.a.step_up_rate,
        "lending is stricter than default"
    );
    assert_eq!(report.examples.len(), 3);
    let _: HashMap<String, Label> = labels;
}

#[test]
fn cli_gen_is_deterministic_and_diff_reads_labels() {
    let dir = std::env::temp_dir().join(format!("layer-risk-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gen = |out: &str, labels: &str| {
        Command::new(BIN)
            .args([
                "gen",
                "--count",
                "300",
                "--seed",
                "5",
                "--corrupt",
                "0.02",
                "--out",
            ])
            .arg(dir.join(out))
            .arg("--labels")
            .arg(dir.join(labels))
            .output()
            .unwrap()
    };
    assert!(gen("a.jsonl", "a.csv").status.success());
    assert!(gen("b.jsonl", "b.csv").status.success());
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    assert_eq!(read("a.jsonl"), read("b.jsonl"));
    assert_eq!(read("a.csv"), read("b.csv"));
    let o = Command::new(BIN)
        .current_dir(util::root())
        .args([
            "diff",
            "--as-of",
            "2026-11-22",
            "--rules",
            "rules/default.json",
            "--rules",
            "rules/lending.json",
            "--show",
            "2",
            "--labels",
        ])
        .arg(dir.join("a.csv"))
        .arg(dir.join("a.jsonl"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the corrupt lines are errors: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    for want in [
        "Outcome transitions",
        "Step-up rate",
        "Against labels",
        "recall",
        "precision",
        "Requests that changed tier",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

/// A reader that fails part-way: every line read before the failure gets its record (the
/// partial last one an error record), then the error says after which line it happened.
#[test]
fn a_failing_input_keeps_every_record_read_before_it() {
    struct Failing<'a>(&'a [u8]);
    impl std::io::Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.0.len()).min(1000);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let good = util::base().to_string();
    let data = format!("{good}\n{good}\n{}", &good[..good.len() / 2]);
    for jobs in [1, 2] {
        let mut out = Vec::new();
        let rules = RuleSet::embedded_default();
        let scorer = Scorer::new(rules.clone(), util::as_of());
        let err = batch::score(Failing(data.as_bytes()), &mut out, &scorer, jobs, |_, _| {})
            .map(|_: Summary<'_>| ())
            .unwrap_err();
        assert!(err.to_string().contains("after line 3"), "{err}");
        let recs: Vec<Value> = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(recs.len(), 3, "jobs {jobs}");
        assert_eq!(recs[2]["error"]["code"], "truncated");
    }
}
