//! The fast parser (sonic-rs) may decide only the lines serde_json accepts, and must read
//! them as serde_json does. On `gen` lines (envelopes, non-US numbers, corrupt lines) and on
//! lines mutated with JSON's own characters (quotes, escapes, lone surrogates, control
//! characters, brackets, numbers, BOMs), every line the fast parser accepts is accepted by
//! serde_json and gives the same record, byte for byte. Lines it refuses go to serde_json,
//! so their records are serde_json's by construction. Here because `gen` makes the lines.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::{write_export, GenConfig};
use crate::api::Scorer;
use crate::error::ParseError;
use crate::rules::RuleSet;
use crate::session::{parse_input_fast, parse_input_reference, Input};

fn seeds() -> Vec<String> {
    let cfg = GenConfig {
        count: 60,
        seed: 11,
        corrupt: 0.15,
        non_us_share: 0.3,
        applicant_share: 0.3,
        ..GenConfig::default()
    };
    let mut out = Vec::new();
    write_export(&cfg, &mut out, None).unwrap();
    String::from_utf8_lossy(&out)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn record(line: &str, input: Result<Input<'_>, ParseError>) -> Vec<u8> {
    let scorer = Scorer::new(
        RuleSet::embedded_default().clone(),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    );
    let mut out = Vec::new();
    match input {
        Ok(input) => {
            scorer.record_linked(Some(1), line.as_bytes(), &input, None, &mut out);
        }
        Err(e) => scorer.write_error(&e, Some(1), Some(line.as_bytes()), &mut out),
    }
    out
}

/// Ok(true) when the fast parser accepted `line` and agreed with serde_json, Ok(false) when
/// it refused the line.
fn agree(line: &str) -> Result<bool, TestCaseError> {
    let Some(fast) = parse_input_fast(line) else {
        return Ok(false);
    };
    let reference = parse_input_reference(line);
    // A line the fast parser reads but serde_json refuses would be decided, not an error.
    prop_assert!(
        fast.is_err() || reference.is_ok(),
        "only the fast parser accepts {:?}",
        line
    );
    let (fast, reference) = (record(line, fast), record(line, reference));
    prop_assert_eq!(
        String::from_utf8_lossy(&fast),
        String::from_utf8_lossy(&reference),
        "{:?}",
        line
    );
    Ok(true)
}

#[test]
fn reads_every_line_serde_json_reads_in_a_gen_export() {
    let seeds = seeds();
    let mut accepted = 0;
    for line in &seeds {
        agree(line).unwrap();
        // Where serde_json reads a line, so does the fast parser: the speed is on every good
        // line, not only on some.
        let fast_ok = parse_input_fast(line).is_some_and(|r| r.is_ok());
        assert_eq!(fast_ok, parse_input_reference(line).is_ok(), "{line:?}");
        accepted += usize::from(fast_ok);
    }
    assert!(accepted >= 40, "{accepted} of {}", seeds.len());
}

const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "-",
    "0",
    "01",
    "1e5",
    ".5",
    "-0",
    "1.0",
    "4294967296",
    "null",
    "true",
    "tru",
    "\\u00e9",
    "\\ud800",
    "\\udc00",
    "\\uD83D\\uDE00",
    "\\x",
    "\u{1}",
    "\u{7f}",
    "é",
    "\u{feff}",
    " ",
    "\t",
    "\n",
    "\r",
    "\"x\":1,",
    "NaN",
    "1.5e999",
    "\"request_id\":\"r\",",
    "\"identity\":null,",
    "\"session\":{},",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn mutated_lines_agree(
        seed in 0usize..60,
        edits in proptest::collection::vec(
            (0.0f64..1.0, 0u8..3, 0usize..TOKENS.len(), 1usize..6),
            1..4,
        ),
    ) {
        let seeds = seeds();
        let mut chars: Vec<char> = seeds[seed % seeds.len()].chars().collect();
        for (at, op, token, len) in edits {
            let i = (((chars.len() as f64) * at) as usize).min(chars.len());
            let end = (i + len).min(chars.len());
            match op {
                0 => {
                    chars.splice(i..i, TOKENS[token].chars());
                }
                1 => {
                    chars.drain(i..end);
                }
                _ => {
                    chars.splice(i..end, TOKENS[token].chars());
                }
            }
        }
        let line: String = chars.into_iter().collect();
        agree(&line)?;
    }
}

/// Hostile shapes the mutations do not reach: deep nesting under unknown keys (both parsers
/// skip it without recursing), huge numbers, long strings, many keys.
#[test]
fn hostile_lines_agree() {
    let lines = [
        format!("{{\"x\":{}{}}}", "[".repeat(5000), "]".repeat(5000)),
        format!(
            "{{\"identity\":{}1{}}}",
            "{\"a\":".repeat(3000),
            "}".repeat(3000)
        ),
        format!(
            "{{\"x\":{}{}, \"request_id\": 5}}",
            "[".repeat(100),
            "]".repeat(100)
        ),
        format!("{{\"x\": {}}}", "9".repeat(10_000)),
        format!("{{\"x\": 1e{}}}", "9".repeat(400)),
        format!("{{\"request_id\": \"{}\"}}", "a".repeat(100_000)),
        format!(
            "{{{}\"request_id\": \"r1\"}}",
            (0..2000)
                .map(|i| format!("\"k{i}\": {i}, "))
                .collect::<String>()
        ),
        "{\"identity\": {\"name\": {\"first_name\": \"\\u0000\"}}}".to_owned(),
    ];
    for line in &lines {
        agree(line).unwrap();
        assert_eq!(
            parse_input_fast(line).is_some_and(|r| r.is_ok()),
            parse_input_reference(line).is_ok(),
            "{}",
            &line[..line.len().min(80)]
        );
    }
}
