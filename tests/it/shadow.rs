//! Rules in production from the command line: `score --shadow` leaves the live decision as
//! `score` writes it and carries the challenger's as `score --rules` decides it; decision ids
//! do not depend on `--jobs` or gzip and differ between rule sets; `--rollout` puts one user
//! in one arm; `shadow-report` on the log equals `diff` on the export, for a shadow and for a
//! rollout alike, and refuses a log under two pairs of rule sets.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_layer-risk");
const AS_OF: &str = "2026-11-22";

fn run(args: &[&str]) -> Output {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn lines(o: &Output) -> Vec<Value> {
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A temporary directory of its own per test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d =
            std::env::temp_dir().join(format!("layer-risk-shadow-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An export with applicants and corrupt lines, and its labels.
fn export(dir: &Dir) -> (String, String) {
    let (e, l) = (dir.path("e.jsonl"), dir.path("labels.csv"));
    let args = [
        "gen",
        "--count",
        "3000",
        "--seed",
        "5",
        "--applicants",
        "0.2",
        "--corrupt",
        "0.01",
        "--labels",
        &l,
        "--out",
        &e,
    ];
    run(&args);
    (e, l)
}

fn without(mut v: Value, keys: &[&str]) -> Value {
    if let Some(o) = v.as_object_mut() {
        for k in keys {
            o.remove(*k);
        }
    }
    v
}

#[test]
fn a_shadow_leaves_the_live_decision_alone_and_decides_as_score_would() {
    let dir = Dir::new("eq");
    let (e, _) = export(&dir);
    let live = lines(&run(&["score", "-q", "--as-of", AS_OF, "-j", "1", &e]));
    let lending = lines(&run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "-j",
        "1",
        "--rules",
        "rules/lending.json",
        &e,
    ]));
    let both = lines(&run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "-j",
        "1",
        "--shadow",
        "rules/lending.json",
        &e,
    ]));
    assert_eq!((both.len(), live.len(), lending.len()), (3000, 3000, 3000));
    let mut errors = 0;
    for ((b, l), s) in both.iter().zip(&live).zip(&lending) {
        if b.get("error").is_some() {
            assert_eq!(b, l, "an error record is the same with a shadow");
            errors += 1;
            continue;
        }
        assert_eq!(&without(b.clone(), &["shadow"]), l);
        let sh = &b["shadow"];
        assert_eq!(sh["decision"], s["decision"]);
        assert_eq!(sh["score"], s["score"]);
        assert_eq!(sh["decision_id"], s["decision_id"]);
        assert_eq!(sh["rules"], s["rules"]);
        let ids: Vec<&Value> = s["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["rule_id"])
            .collect();
        assert_eq!(
            sh["reasons"].as_array().unwrap().iter().collect::<Vec<_>>(),
            ids
        );
        assert_ne!(
            b["decision_id"], sh["decision_id"],
            "another rule set, another id"
        );
    }
    assert!(errors > 0, "the export has corrupt lines");
}

#[test]
fn decision_ids_do_not_depend_on_jobs_or_gzip() {
    let dir = Dir::new("ids");
    let (e, _) = export(&dir);
    let gz = dir.path("e.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&std::fs::read(&e).unwrap()).unwrap();
    enc.finish().unwrap();
    let ids = |o: Output| -> Vec<Value> {
        lines(&o)
            .into_iter()
            .map(|r| r["decision_id"].clone())
            .collect()
    };
    let one = ids(run(&["score", "-q", "--as-of", AS_OF, "-j", "1", &e]));
    assert_eq!(
        one,
        ids(run(&["score", "-q", "--as-of", AS_OF, "-j", "2", &e]))
    );
    assert_eq!(
        one,
        ids(run(&["score", "-q", "--as-of", AS_OF, "-j", "2", &gz]))
    );
    assert!(one
        .iter()
        .all(|i| i.as_str().is_some_and(|s| s.len() == 32)));
    let distinct: std::collections::HashSet<_> = one.iter().map(Value::to_string).collect();
    assert_eq!(distinct.len(), one.len(), "every line its own id");
    let other = ids(run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "-j",
        "1",
        "--rules",
        "rules/payments.json",
        &e,
    ]));
    assert!(one.iter().zip(&other).all(|(a, b)| a != b));
    let later = ids(run(&[
        "score",
        "-q",
        "--as-of",
        "2026-11-23",
        "-j",
        "1",
        &e,
    ]));
    assert!(one.iter().zip(&later).all(|(a, b)| a != b));
}

/// The export's lines as envelopes carrying a rollout key: one user per 3 lines.
fn keyed(dir: &Dir, e: &str) -> String {
    let out = dir.path("keyed.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out).unwrap());
    let bytes = std::fs::read(e).unwrap();
    for (i, line) in bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let key = format!("user-{}", i / 3);
        match serde_json::from_slice::<Value>(line) {
            Ok(mut v) if v.get("session").is_some() => {
                v["rollout_key"] = key.into();
                writeln!(w, "{v}").unwrap();
            }
            Ok(v) if v.is_object() => {
                let env = serde_json::json!({"session": v, "rollout_key": key});
                writeln!(w, "{env}").unwrap();
            }
            _ => {
                w.write_all(line).unwrap();
                w.write_all(b"\n").unwrap();
            }
        }
    }
    w.flush().unwrap();
    out
}

fn report_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn rollout_arms_are_stable_and_the_report_compares_rule_sets() {
    let dir = Dir::new("rollout");
    let (e, labels) = export(&dir);
    let k = keyed(&dir, &e);
    let rollout = |share: &str| {
        lines(&run(&[
            "score",
            "-q",
            "--as-of",
            AS_OF,
            "--rollout",
            "rules/lending.json",
            "--rollout-share",
            share,
            &k,
        ]))
    };
    let arms = |recs: &[Value]| -> Vec<String> {
        recs.iter()
            .filter(|r| r.get("error").is_none())
            .map(|r| r["arm"].as_str().unwrap().to_owned())
            .collect()
    };
    let half = rollout("0.5");
    let a = arms(&half);
    assert!(a.iter().any(|x| x == "challenger") && a.iter().any(|x| x == "control"));
    // One user, one arm: the three lines of a user agree.
    let mut by_user = std::collections::HashMap::new();
    for (i, r) in half.iter().enumerate() {
        if let Some(arm) = r["arm"].as_str() {
            let prev = by_user.insert(i / 3, arm.to_owned());
            assert!(prev.is_none_or(|p| p == arm), "user {} in two arms", i / 3);
        }
    }
    // Raising the share only moves users into the challenger.
    let more = arms(&rollout("0.8"));
    assert!(a
        .iter()
        .zip(&more)
        .all(|(x, y)| x == "control" || y == "challenger"));
    assert!(arms(&rollout("0")).iter().all(|x| x == "control"));
    assert!(arms(&rollout("1")).iter().all(|x| x == "challenger"));
    // The challenger arm decides as lending does; the log compares default with lending on
    // every line, whichever arm decided: the same report as diff on the export.
    let log = dir.path("log.jsonl");
    std::fs::write(
        &log,
        run(&[
            "score",
            "-q",
            "--as-of",
            AS_OF,
            "--rollout",
            "rules/lending.json",
            "--rollout-share",
            "0.5",
            &k,
        ])
        .stdout,
    )
    .unwrap();
    let shadow = report_json(&run(&[
        "shadow-report",
        "--json",
        "--labels",
        &labels,
        &log,
    ]));
    let diff = report_json(&run(&[
        "diff",
        "--json",
        "--as-of",
        AS_OF,
        "--labels",
        &labels,
        "--rules",
        "rules/default.json",
        "--rules",
        "rules/lending.json",
        &k,
    ]));
    for key in [
        "decided",
        "changed",
        "transitions",
        "step_up_rate_a",
        "step_up_rate_b",
        "labels",
    ] {
        assert_eq!(shadow[key], diff[key], "{key}");
    }
    assert_eq!(shadow["a"]["rules"]["name"], "default");
    assert_eq!(shadow["b"]["rules"]["name"], "lending");
    assert_eq!(shadow["a"]["rule_hits"], diff["a"]["rule_hits"]);
    assert_eq!(shadow["b"]["rule_hits"], diff["b"]["rule_hits"]);
}

#[test]
fn shadow_report_equals_diff_and_refuses_two_rule_set_pairs() {
    let dir = Dir::new("report");
    let (e, labels) = export(&dir);
    let log = dir.path("log.jsonl");
    let shadow_log = run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "--shadow",
        "rules/lending.json",
        &e,
    ]);
    std::fs::write(&log, &shadow_log.stdout).unwrap();
    let text = run(&["shadow-report", "--labels", &labels, "--show", "5", &log]);
    let diff = run(&[
        "diff",
        "--as-of",
        AS_OF,
        "--labels",
        &labels,
        "--show",
        "5",
        "--rules",
        "rules/default.json",
        "--rules",
        "rules/lending.json",
        &e,
    ]);
    assert_eq!(
        String::from_utf8_lossy(&text.stdout),
        String::from_utf8_lossy(&diff.stdout)
    );
    // A log that spans a reload (two pairs of rule sets) is refused, naming both.
    let other = run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "--shadow",
        "rules/payments.json",
        &e,
    ]);
    let mixed = dir.path("mixed.jsonl");
    std::fs::write(&mixed, [shadow_log.stdout, other.stdout].concat()).unwrap();
    let o = Command::new(BIN)
        .args(["shadow-report", &mixed])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("more than one rule set") && err.contains("payments"),
        "{err}"
    );
}
