//! The `layer-risk` binary end to end: exit statuses, records, stdin, gzip, jobs, summary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use layer_risk::RuleSet;
use serde_json::Value;

use super::util::{self, base, run, with, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_layer-risk");
const AS_OF: &str = "2026-11-22";

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(util::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn status(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn records(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// For each non-empty line: its number and `Ok(decision)` or `Err(error code)`.
type Expected = Vec<(u64, Result<&'static str, &'static str>)>;

/// A JSONL export with every kind of line, and what each non-empty line must give.
fn mixed_export() -> (Vec<u8>, Expected) {
    let good = base().to_string();
    let no_items = with("/items", serde_json::json!([])).to_string();
    let mut b = Vec::new();
    let mut line = |bytes: &[u8], end: &[u8]| {
        b.extend_from_slice(bytes);
        b.extend_from_slice(end);
    };
    line(good.as_bytes(), b"\n"); // 1
    line(b"", b"\n"); // 2: empty
    line(b"  \t ", b"\n"); // 3: blank
    line(&good.as_bytes()[..good.len() / 2], b"\n"); // 4: truncated
    line(b"{\"request_id\": \"r\xff\xfe\"}", b"\n"); // 5: invalid UTF-8
    line(br#"{"identity": 5}"#, b"\n"); // 6: wrong type
    line(no_items.as_bytes(), b"\r\n"); // 7: CRLF
    line(b"42", b"\n"); // 8: not an object
    line(good.as_bytes(), b""); // 9: last line, no newline
    let expected = vec![
        (1, Ok("trust")),
        (4, Err("truncated")),
        (5, Err("invalid_utf8")),
        (6, Err("wrong_type")),
        (7, Ok("trust")),
        (8, Err("not_an_object")),
        (9, Ok("trust")),
    ];
    (b, expected)
}

fn check_mixed(o: &Output) {
    let (_, expected) = mixed_export();
    assert_eq!(status(o), 1, "{}", stderr(o));
    let recs = records(o);
    assert_eq!(recs.len(), expected.len(), "{}", stdout(o));
    for (rec, (line, want)) in recs.iter().zip(expected) {
        assert_eq!(rec["line"], line, "{rec}");
        match want {
            Ok(decision) => {
                assert_eq!(rec["decision"], decision, "{rec}");
                assert!(rec.get("error").is_none());
            }
            Err(code) => {
                assert_eq!(rec["error"]["code"], code, "{rec}");
                assert!(rec["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()));
                assert!(rec["error"]["column"].as_u64().is_some());
                assert!(rec.get("decision").is_none());
            }
        }
    }
}

#[test]
fn score_writes_one_record_per_non_empty_line_in_order() {
    let dir = TempDir::new("mixed");
    let (bytes, _) = mixed_export();
    let input = dir.write("export.jsonl", &bytes);
    let o = run(&["score", "-q", "--as-of", AS_OF, path_str(&input)]);
    check_mixed(&o);
    let recs = records(&o);
    assert_eq!(recs[3]["error"]["path"], "identity");
    assert_eq!(recs[4]["request_id"], "reqBase");
    assert_eq!(recs[4]["score"], 5);
}

#[test]
fn score_reads_stdin_with_a_dash() {
    let (bytes, _) = mixed_export();
    check_mixed(&run_stdin(&["score", "-q", "--as-of", AS_OF, "-"], &bytes));
    // `-` is the default input.
    check_mixed(&run_stdin(&["score", "-q", "--as-of", AS_OF], &bytes));
}

#[test]
fn score_reads_gzip_the_same() {
    let dir = TempDir::new("gzip");
    let (bytes, _) = mixed_export();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).unwrap();
    let input = dir.write("export.jsonl.gz", &gz.finish().unwrap());
    check_mixed(&run(&["score", "-q", "--as-of", AS_OF, path_str(&input)]));
}

#[test]
fn score_exits_0_when_every_line_is_decided() {
    let mut text = String::new();
    for name in ["seed_layer_guide.json", "seed_api_reference.json"] {
        let v: Value = serde_json::from_str(&util::read_fixture(name)).unwrap();
        text.push_str(&v.to_string());
        text.push('\n');
    }
    let o = run_stdin(
        &[
            "score",
            "-q",
            "--as-of",
            AS_OF,
            "--rules",
            "rules/payments.json",
        ],
        text.as_bytes(),
    );
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let recs = records(&o);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["request_id"], "j0LkqT9OPdVwjwh");
    assert_eq!(recs[1]["request_id"], "m8MDnv9okwxFNBV");
    for r in &recs {
        // An impossible SSN (area 987) is invalid identity data only IDV can settle.
        assert_eq!(r["decision"], "identity_verification");
        assert_eq!(r["rules"]["name"], "payments");
        assert_eq!(r["as_of"], AS_OF);
    }
    // Empty input: no records, exit 0.
    let o = run_stdin(&["score", "-q", "--as-of", AS_OF], b"\n\n");
    assert_eq!((status(&o), stdout(&o).as_str()), (0, ""));
}

#[test]
fn score_with_a_broken_rules_file_exits_2_with_a_located_message() {
    let input = util::fixture("findings/phone_missing.json");
    let o = run(&[
        "score",
        "-q",
        "--rules",
        "tests/fixtures/rules/unknown_key_typo.json",
        path_str(&input),
    ]);
    assert_eq!(status(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(
        err.contains("tests/fixtures/rules/unknown_key_typo.json:6:26: tiers.identity_verfication: unknown field `identity_verfication`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `identity_verification`?"),
        "{err}"
    );
    // A missing rules file or input is a usage error too.
    let o = run(&[
        "score",
        "-q",
        "--rules",
        "tests/fixtures/rules/nope.json",
        path_str(&input),
    ]);
    assert_eq!(status(&o), 2);
    assert!(
        stderr(&o).contains("cannot read rules file tests/fixtures/rules/nope.json"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "tests/fixtures/no-such-export.jsonl",
    ]);
    assert_eq!(status(&o), 2);
    assert!(
        stderr(&o).contains("cannot open tests/fixtures/no-such-export.jsonl"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rules_check_exit_statuses() {
    let o = run(&[
        "rules",
        "check",
        "rules/default.json",
        "rules/lending.json",
        "rules/payments.json",
    ]);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for name in util::SHIPPED {
        let id = util::shipped(name).id();
        let (version, sha) = (&id.version, &id.sha256);
        assert!(
            out.contains(&format!(
                "rules/{name}.json: ok: {name} {version} sha256 {sha} ("
            )),
            "{out}"
        );
    }
    assert_eq!(stderr(&o), "", "shipped files price every code");
    // It explains what no rules file can change, for each file.
    assert_eq!(
        out.matches("  fixed by the engine, whatever the file says")
            .count(),
        3
    );
    assert!(out.contains("never trust while one of these identity findings is present"));
    assert!(
        out.contains("phone_not_e164, phone_invalid, phone_outside_nanp"),
        "{out}"
    );
    assert!(out.contains("guardrails of this file: identity_missing >= identity_verification, dob_under_min_age >= identity_verification, idv_failed >= identity_verification"), "{out}");

    let o = run(&[
        "rules",
        "check",
        "tests/fixtures/rules/duplicate_rule_id.json",
    ]);
    assert_eq!(status(&o), 2);
    assert_eq!(
        stderr(&o).trim_end(),
        "tests/fixtures/rules/duplicate_rule_id.json:14:6: edit_rules[1].id: duplicate rule id `ssn-now` (first used by edit_rules[0])"
    );

    // Good and bad together: every file is reported, the status is 2.
    let o = run(&[
        "rules",
        "check",
        "tests/fixtures/rules/valid_minimal.json",
        "tests/fixtures/rules/at_least_zero.json",
        "rules/default.json",
    ]);
    assert_eq!(status(&o), 2);
    let out = stdout(&o);
    assert!(out.contains("valid_minimal.json: ok: fixture 1"), "{out}");
    assert!(out.contains("rules/default.json: ok: default"), "{out}");
    let err = stderr(&o);
    assert!(
        err.contains(
            "at_least_zero.json:14:62: edit_rules[1].at_least: at_least must be 1 or more"
        ),
        "{err}"
    );
    assert!(!err.contains("valid_minimal.json"), "{err}");
}

#[test]
fn rules_codes_lists_every_code() {
    let o = run(&["rules", "codes"]);
    assert_eq!(status(&o), 0);
    let out = stdout(&o);
    let first_words: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let mut want: Vec<&str> = layer_risk::Code::ALL.iter().map(|c| c.as_str()).collect();
    want.extend([
        layer_risk::EDIT_RULE,
        layer_risk::MATCH_RULE,
        layer_risk::COMBINED_RULE,
        layer_risk::SIGNAL_RULE,
        layer_risk::IDENTITY_MATCH_UNAVAILABLE,
        layer_risk::LINK_RULE,
    ]);
    assert_eq!(first_words, want);
}

#[test]
fn assess_explains_in_text_and_json() {
    let seed = "tests/fixtures/seed_api_reference.json";
    let o = run(&["assess", "--as-of", AS_OF, seed]);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "identity_verification (score 90) for request m8MDnv9okwxFNBV"
    );
    assert!(
        lines[1].starts_with(&format!(
            "rules: default {} (sha256 ",
            RuleSet::embedded_default().id().version
        )),
        "{out}"
    );
    assert_eq!(
        lines[2],
        "    +60  ssn_impossible (invalid) on ssn: area -> forces identity_verification"
    );
    assert_eq!(
        lines[3],
        "    +20  address_zip_region_mismatch (inconsistent) on address"
    );
    assert_eq!(lines[4], "    +10  edit_rule [address-edited-this-session] on address: 1 in window current (fires at 1+)");
    assert_eq!(
        lines[5],
        "     +0  edit_rule [address-edited-today] on address: 1 in window 1d (fires at 1+)"
    );
    assert_eq!(lines[6], "resolution: score -> identity_verification");
    assert_eq!(lines.len(), 7);
    assert!(!out.contains("987654321") && !out.contains("Knope"));

    let o = run(&[
        "assess",
        "--json",
        "--as-of",
        AS_OF,
        "--rules",
        "rules/lending.json",
        seed,
    ]);
    assert_eq!(status(&o), 0);
    let recs = records(&o);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["line"], 1);
    assert_eq!(recs[0]["decision"], "identity_verification");
    assert_eq!(recs[0]["score"], 105);
    assert_eq!(recs[0]["rules"]["name"], "lending");
    // The library agrees byte for byte, on the same bytes (the decision id covers them).
    let scorer = util::scorer(util::shipped("lending"));
    let body = util::read_fixture("seed_api_reference.json");
    let d = scorer
        .assess(body.as_bytes(), &layer_risk::Context::NONE)
        .unwrap();
    assert_eq!(stdout(&o), util::record(&d, 1) + "\n");

    // stdin.
    let o = run_stdin(
        &["assess", "--as-of", AS_OF, "-"],
        util::read_fixture("seed_layer_guide.json").as_bytes(),
    );
    assert_eq!(status(&o), 0);
    assert!(
        stdout(&o).starts_with("identity_verification (score 70) for request j0LkqT9OPdVwjwh\n")
    );
}

#[test]
fn assess_on_a_bad_response_exits_1() {
    let o = run_stdin(
        &["assess", "--as-of", AS_OF, "-"],
        br#"{"identity": {"ssn": 123456789}}"#,
    );
    assert_eq!(status(&o), 1);
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains(
            "wrong type at `identity.ssn` (line 1, column 30): found integer, expected a string"
        ),
        "{}",
        stderr(&o)
    );
    let o = run_stdin(
        &["assess", "--json", "--as-of", AS_OF, "-"],
        br#"{"identity": {"ssn": 123456789}}"#,
    );
    assert_eq!(status(&o), 1);
    let recs = records(&o);
    assert_eq!(recs[0]["error"]["code"], "wrong_type");
    assert_eq!(recs[0]["error"]["path"], "identity.ssn");
    assert!(!stdout(&o).contains("123456789"));
}

#[test]
fn a_bad_as_of_date_is_a_usage_error() {
    for bad in ["2026-13-01", "22/11/2026", "2026-2-3", "tomorrow", ""] {
        let o = run_stdin(&["score", "-q", "--as-of", bad, "-"], b"");
        assert_eq!(status(&o), 2, "{bad:?}");
        assert_eq!(stdout(&o), "");
        assert!(
            stderr(&o).contains("is not a calendar date written YYYY-MM-DD"),
            "{bad:?}: {}",
            stderr(&o)
        );
        let o = run(&[
            "assess",
            "--as-of",
            bad,
            "tests/fixtures/seed_api_reference.json",
        ]);
        assert_eq!(status(&o), 2, "{bad:?}");
    }
}

#[test]
fn a_one_megabyte_field_still_gives_one_record() {
    let big = "a".repeat(1 << 20);
    let v = with(
        "/identity/name/first_name",
        Value::String(format!("L{big}")),
    );
    let mut line = v.to_string().into_bytes();
    line.push(b'\n');
    line.extend_from_slice(base().to_string().as_bytes());
    // Over the default 1 MiB limit: an error record for it, the next line decided.
    let o = run_stdin(&["score", "-q", "--as-of", AS_OF, "-"], &line);
    assert_eq!(status(&o), 1, "{}", stderr(&o));
    let recs = records(&o);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["line"], 1);
    assert_eq!(recs[0]["error"]["code"], "line_too_long");
    assert_eq!(recs[1]["decision"], "trust");
    // With a higher limit it is read and decided.
    let o = run_stdin(
        &[
            "score",
            "-q",
            "--as-of",
            AS_OF,
            "--max-line-bytes",
            "2000000",
            "-",
        ],
        &line,
    );
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let recs = records(&o);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["line"], 1);
    assert_eq!(recs[0]["reasons"][0]["code"], "name_implausible");
    assert_eq!(recs[1]["line"], 2);
    assert!(stdout(&o).len() < 4096, "the long value is not echoed");
}

/// Lines in [`big_export`].
const BIG_LINES: usize = 450;

/// Several hundred varied lines (several worker pieces), with bad lines among them.
fn big_export() -> Vec<u8> {
    let mut docs: Vec<String> = layer_risk::Code::ALL
        .iter()
        .map(|c| {
            let v: Value = serde_json::from_str(&util::read_fixture(&format!(
                "findings/{}.json",
                c.as_str()
            )))
            .unwrap();
            v.to_string()
        })
        .collect();
    docs.push(String::new());
    docs.push(r#"{"identity_edit_history": {"name": {"edits_1d": -1}}}"#.to_owned());
    docs.push(r#"{"request_id": "#.to_owned());
    let mut out = Vec::new();
    for i in 0..BIG_LINES {
        out.extend_from_slice(docs[i % docs.len()].as_bytes());
        out.push(b'\n');
    }
    out
}

#[test]
fn jobs_do_not_change_the_output() {
    let dir = TempDir::new("jobs");
    let bytes = big_export();
    assert!(
        bytes.len() > 2 * (128 << 10),
        "more than one piece per worker"
    );
    let input = dir.write("big.jsonl", &bytes);
    let one = run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "--jobs",
        "1",
        path_str(&input),
    ]);
    let two = run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "--jobs",
        "2",
        path_str(&input),
    ]);
    assert_eq!(status(&one), 1);
    assert_eq!(status(&two), 1);
    assert!(one.stdout == two.stdout, "--jobs 1 and --jobs 2 differ");
    let recs = records(&one);
    let docs = layer_risk::Code::ALL.len() + 3;
    let empty = (0..BIG_LINES).filter(|i| i % docs == docs - 3).count();
    assert!(empty > 0);
    assert_eq!(recs.len(), BIG_LINES - empty);
    let lines: Vec<u64> = recs.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "in input order");
    assert!(
        lines.iter().all(|&l| (l as usize - 1) % docs != docs - 3),
        "empty lines have no record"
    );
    assert_eq!(lines.last().copied(), Some(BIG_LINES as u64));
}

#[test]
fn summary_file_counts_decisions() {
    let dir = TempDir::new("summary");
    let input = dir.write("big.jsonl", &big_export());
    let summary = dir.path("summary.json");
    let o = run(&[
        "score",
        "-q",
        "--as-of",
        AS_OF,
        "--summary",
        path_str(&summary),
        path_str(&input),
    ]);
    assert_eq!(status(&o), 1);
    let recs = records(&o);
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let count = |pred: &dyn Fn(&Value) -> bool| recs.iter().filter(|r| pred(r)).count() as u64;
    assert_eq!(s["records"], recs.len() as u64);
    assert_eq!(s["errors"], count(&|r| r.get("error").is_some()));
    assert_eq!(s["decided"], count(&|r| r.get("decision").is_some()));
    let decisions = s["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 4);
    for (d, name) in decisions.iter().zip([
        "trust",
        "identity_match",
        "identity_verification",
        "manual_review",
    ]) {
        assert_eq!(d["decision"], name);
        assert_eq!(d["count"], count(&|r| r["decision"] == name), "{name}");
    }
    assert_eq!(s["rules"]["name"], "default");
    let errs: Vec<(&str, u64)> = s["error_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap(), e["count"].as_u64().unwrap()))
        .collect();
    let n = |code: &str| count(&|r| r["error"]["code"] == code);
    assert_eq!(
        errs,
        vec![
            ("invalid_value", n("invalid_value")),
            ("truncated", n("truncated"))
        ]
    );
    assert!(
        stderr(&o).contains("records:"),
        "a table on stderr: {}",
        stderr(&o)
    );
}

#[test]
fn diff_replays_two_rule_sets() {
    let dir = TempDir::new("diff");
    let input = dir.write("mixed.jsonl", &mixed_export().0);
    let o = run(&[
        "diff",
        "--as-of",
        AS_OF,
        "--json",
        "--rules",
        "rules/default.json",
        "--rules",
        "rules/payments.json",
        path_str(&input),
    ]);
    assert_eq!(status(&o), 1, "error lines: {}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(report.is_object());
    let o = run(&["diff", "--rules", "rules/default.json", path_str(&input)]);
    assert_eq!(status(&o), 2, "one rules file is a usage error");
}

/// A gzip bomb (a 256 MiB line in a few hundred KB) between ordinary lines: one record per
/// line, the long line an error record, and it is never held in memory (the closing note of
/// the issue measured the peak with `/usr/bin/time -f %M`).
#[test]
fn a_gzip_bomb_gets_one_error_record() {
    use std::io::Write as _;
    let dir = std::env::temp_dir().join(format!("layer-risk-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bomb.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    let good = base().to_string();
    writeln!(gz, "{good}").unwrap();
    gz.write_all(br#"{"identity": {"name": {"first_name": ""#)
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..256 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(b"\"}}}\n").unwrap();
    writeln!(gz, "{good}").unwrap();
    gz.finish().unwrap();
    let o = run(&["score", "-q", "--as-of", AS_OF, path.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(status(&o), 1, "{}", stderr(&o));
    let recs = records(&o);
    let shape: Vec<(u64, bool)> = recs
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r.get("error").is_some()))
        .collect();
    assert_eq!(shape, [(1, false), (2, true), (3, false)]);
    assert_eq!(recs[1]["error"]["code"], "line_too_long");
}

/// `--jobs` far above the cores is clamped with a note and answers at once.
#[test]
fn absurd_jobs_are_clamped_with_a_note() {
    let line = format!("{}\n", base());
    let o = run_stdin(
        &["score", "-q", "--as-of", AS_OF, "--jobs", "10000", "-"],
        line.as_bytes(),
    );
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    assert_eq!(records(&o).len(), 1);
    assert!(
        stderr(&o).contains("--jobs 10000 is more than 4 per core; using "),
        "{}",
        stderr(&o)
    );
}

/// A request id that is not shaped like Plaid's never reaches the output.
#[test]
fn a_smuggled_request_id_is_not_echoed() {
    for id in ["123-45-6789", "leslie@knope.com", "123456789", "a b"] {
        let v = with("/request_id", Value::String(id.into()));
        let o = run_stdin(
            &["score", "-q", "--as-of", AS_OF, "-"],
            format!("{v}\n").as_bytes(),
        );
        assert_eq!(status(&o), 0, "{}", stderr(&o));
        let out = stdout(&o);
        assert!(!out.contains(id), "{out}");
        let recs = records(&o);
        assert_eq!(recs[0]["request_id"], Value::Null);
        assert!(recs[0]["reasons"]
            .to_string()
            .contains("request_id_malformed"));
    }
}

/// Conflicting labels for one request id are an error naming both lines; agreeing
/// duplicates are fine.
#[test]
fn conflicting_labels_are_refused() {
    let dir = std::env::temp_dir().join(format!("layer-risk-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let labels = dir.join("labels.csv");
    let export = dir.join("export.jsonl");
    std::fs::write(&export, format!("{}\n", base())).unwrap();
    let diff = |labels_text: &str| {
        std::fs::write(&labels, labels_text).unwrap();
        run(&[
            "diff",
            "--as-of",
            AS_OF,
            "--rules",
            "rules/default.json",
            "--rules",
            "rules/lending.json",
            "--labels",
            labels.to_str().unwrap(),
            export.to_str().unwrap(),
        ])
    };
    let o = diff("request_id,label\nreqBase,fraud\nreqBase,fraud\n");
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    let o = diff("request_id,label\nreqBase,fraud\nother,legit\nreqBase,legit\n");
    assert_eq!(status(&o), 2);
    assert!(
        stderr(&o).contains(
            "labels.csv:4: this request id is labelled `legit` here and `fraud` on line 2"
        ),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// `rules test`: the shipped files pass; a wrong case fails naming it (exit 1); coverage below
/// the bar is exit 1; a case that does not load is exit 2, located.
#[test]
fn rules_test_reports_cases_and_coverage() {
    let o = run(&[
        "rules",
        "test",
        "--min-coverage",
        "100",
        "rules/default.json",
    ]);
    assert_eq!(status(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("coverage 100.0%: edit rules 27/27, match rules 7/7, combined rules 2/2"),
        "{out}"
    );
    assert!(out.ends_with(" passed, 0 failed\n"), "{out}");

    let dir = TempDir::new("rulestest");
    let rules = dir.write(
        "r.json",
        util::read_fixture("../../rules/default.json").as_bytes(),
    );
    let base = base().to_string();
    let cases = format!(
        "{{\"name\": \"clean\", \"as_of\": \"2026-11-22\", \"input\": {base}, \"expect\": {{\"decision\": \"trust\"}}}}\n\
         {{\"name\": \"clean is not a step-up\", \"as_of\": \"2026-11-22\", \"input\": {base}, \"expect\": {{\"decision\": \"identity_match\", \"reasons\": [\"name-edited-this-session\"]}}}}\n"
    );
    dir.write("r.tests.jsonl", cases.as_bytes());
    let path = rules.display().to_string();
    let o = run(&["rules", "test", &path]);
    assert_eq!(status(&o), 1);
    let out = stdout(&o);
    let sidecar = dir.path("r.tests.jsonl").display().to_string();
    assert!(
        out.contains(&format!("{sidecar}:2: case clean is not a step-up: expected identity_match with name-edited-this-session, got trust (score 0; reasons: none; missing name-edited-this-session)")),
        "{out}"
    );
    assert!(
        out.contains("not exercised: edit rules: ssn-edited-this-session,"),
        "{out}"
    );
    assert!(out.ends_with("\n1 passed, 1 failed\n"), "{out}");

    // Only the passing case: still exit 1 under a coverage bar.
    dir.write("r.tests.jsonl", cases.lines().next().unwrap().as_bytes());
    let o = run(&["rules", "test", "--min-coverage", "50", &path]);
    assert_eq!(status(&o), 1);
    assert!(
        stdout(&o).contains("coverage 0.0% (below --min-coverage 50%)"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).ends_with("1 passed, 0 failed\n"));

    // A case that does not load.
    dir.write("r.tests.jsonl", b"{\"name\": \"x\"}\n");
    let o = run(&["rules", "test", &path]);
    assert_eq!(status(&o), 2);
    assert!(
        stderr(&o).starts_with(&format!("{sidecar}:1:13: missing field `as_of`")),
        "{}",
        stderr(&o)
    );
}

/// `summary compare`: the same summary twice is no drift; a shifted export crosses the bars
/// (exit 1, each reason on stderr); `--json` has the PSI numbers.
#[test]
fn summary_compare_reports_drift() {
    let dir = TempDir::new("drift");
    let mut paths = Vec::new();
    for (seed, non_us) in [("1", "0.1"), ("2", "0.6")] {
        let export = dir.path(&format!("e{seed}.jsonl"));
        let summary = dir.path(&format!("s{seed}.json"));
        let g = run(&[
            "gen",
            "--count",
            "3000",
            "--seed",
            seed,
            "--non-us",
            non_us,
            "--out",
            export.to_str().unwrap(),
        ]);
        assert_eq!(status(&g), 0);
        let s = run(&[
            "score",
            "-q",
            "--as-of",
            AS_OF,
            "--summary",
            summary.to_str().unwrap(),
            export.to_str().unwrap(),
        ]);
        assert_eq!(status(&s), 0);
        paths.push(summary.display().to_string());
    }
    let o = run(&[
        "summary",
        "compare",
        "--max-psi",
        "0.1",
        "--max-step-up-change",
        "1",
        &paths[0],
        &paths[0],
    ]);
    assert_eq!(status(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o)
            .contains("decision mix                                                    0.0000"),
        "{}",
        stdout(&o)
    );
    let o = run(&[
        "summary",
        "compare",
        "--max-psi",
        "0.1",
        "--max-step-up-change",
        "1",
        &paths[0],
        &paths[1],
    ]);
    assert_eq!(status(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("layer-risk: alert: decision mix PSI "),
        "{err}"
    );
    assert!(
        err.contains("layer-risk: alert: hit rate of phone_outside_nanp PSI "),
        "{err}"
    );
    assert!(err.contains("more than --max-step-up-change 1"), "{err}");
    let o = run(&["summary", "compare", "--json", &paths[0], &paths[1]]);
    assert_eq!(status(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let psi = v["decision_psi"].as_f64().unwrap();
    // Recompute from the shares: Σ (new − old) ln(new / old).
    let mut want = 0.0;
    for d in v["decisions"].as_array().unwrap() {
        let (a, b) = (
            d["old"].as_f64().unwrap().max(1e-4),
            d["new"].as_f64().unwrap().max(1e-4),
        );
        want += (b - a) * (b / a).ln();
    }
    assert!((psi - want).abs() < 1e-12 && psi > 0.1, "{psi} {want}");
    // Not a summary: exit 2, located.
    let o = run(&[
        "summary",
        "compare",
        "tests/fixtures/seed_api_reference.json",
        &paths[0],
    ]);
    assert_eq!(status(&o), 2);
    assert!(
        stderr(&o).contains("seed_api_reference.json:"),
        "{}",
        stderr(&o)
    );
}
