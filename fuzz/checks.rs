//! The checks behind the fuzz targets, one function per target. Shared, unchanged, by the
//! libFuzzer targets (`fuzz/fuzz_targets/*.rs`) and by the corpus replay that `cargo test`
//! runs (`tests/it/fuzz_corpus.rs`), so a corpus file checks the same thing in both places.
//!
//! Every function takes any bytes and panics only when the library breaks its contract: it
//! panicked itself, or a result is inconsistent.
#![allow(dead_code)] // each fuzz target uses one of the functions

use std::io::{self, Read};
use std::sync::OnceLock;

use chrono::NaiveDate;
use layer_risk::{batch, RuleSet, Scorer};

/// The fixed evaluation date (the one the integration tests use).
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
}

/// `parse_assess`: parse one response (or envelope), decide on it with the embedded default
/// rules, serialize and display the decision.
pub fn parse_assess(data: &[u8]) {
    let scorer = scorer();
    match scorer.assess(data, &layer_risk::Context::NONE) {
        Ok(d) => {
            let json = serde_json::to_vec(&d);
            assert!(json.is_ok(), "decision does not serialize: {json:?}");
            let mut record = Vec::new();
            scorer.write_record(&d, Some(1), &mut record);
            assert!(
                serde_json::from_slice::<serde_json::Value>(&record).is_ok(),
                "the record is not JSON"
            );
            let _ = d.to_string();
        }
        Err(e) => {
            let _ = (e.to_string(), e.code());
        }
    }
}

/// Two fixed responses every rule set that loads must decide on: one with many findings and
/// edits, one envelope with an applicant (so the match rules run too).
const PROBES: [&str; 2] = [
    r#"{"identity":{"name":{"first_name":"W1lliam","last_name":"Кnope"},"address":{"street":"PO Box 12","city":"Pawnee","region":"CA","postal_code":"4600","country":"US"},"phone_number":"4157452130","email":"not-an-email","date_of_birth":"1910-02-30","ssn":"078051120","ssn_last_4":"1234"},"identity_edit_history":{"name":{"edits_current":3,"edits_1d":2,"edits_30d":9,"edits_365d":1,"edits_all_time":40},"official_document":{"ssn":{"edits_current":1,"edits_1d":1,"edits_30d":1,"edits_365d":1,"edits_all_time":1}}},"items":[],"request_id":"probe-1"}"#,
    r#"{"session":{"identity":{"name":{"first_name":"William","last_name":"Knope"},"date_of_birth":"1975-01-18","phone_number":"+442079460958"},"items":[{}],"request_id":"probe-2"},"applicant":{"name":{"full_name":"Bob Smith"},"date_of_birth":"1975-18-01","phone_number":"+14157452130"}}"#,
];

/// `rules_from_json`: load a rule set from UTF-8 text; when it loads, read it back through
/// every accessor and decide the probes with it.
pub fn rules_from_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match RuleSet::from_json(text, "fuzz.json") {
        Ok(rules) => {
            let id = rules.id();
            let _ = (id.name.len(), id.version.len(), id.sha256.len());
            let _ = (rules.description(), rules.tiers(), rules.ages());
            let _ = rules.identity_match_requires_items();
            let _ = (rules.guardrails(), rules.idv_passed_discount());
            let _ = (rules.edit_rules(), rules.match_rules());
            let scorer = Scorer::new(rules, as_of());
            for probe in PROBES {
                if let Ok(d) = scorer.assess(probe.as_bytes(), &layer_risk::Context::NONE) {
                    assert!(serde_json::to_vec(&d).is_ok());
                    let _ = d.to_string();
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// Feeds `data` in chunks of the sizes `sizes` says, cycling; a size of 0 is one
/// `ErrorKind::Interrupted` (which readers must retry) instead of a chunk, or one byte
/// right after an interruption (so that sizes of only zeros cannot loop forever).
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    i: usize,
    interrupted: bool,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = match self.sizes.get(self.i % self.sizes.len().max(1)) {
            None => 1,
            Some(0) if !self.interrupted => {
                self.i += 1;
                self.interrupted = true;
                return Err(io::ErrorKind::Interrupted.into());
            }
            Some(0) => 1,
            // 1..=127 bytes, or 256..=32768 in steps of 256.
            Some(&s) if s < 0x80 => usize::from(s),
            Some(&s) => usize::from(s - 0x7f) * 256,
        };
        self.i += 1;
        self.interrupted = false;
        let n = size.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The scorer of every check (built once: it clones the default rules).
fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| Scorer::new(RuleSet::embedded_default().clone(), as_of()))
}

/// The one call of the batch engine: output bytes, record count and the summary's report.
fn run_batch(input: impl Read + Send, max_line: usize) -> (Vec<u8>, u64, batch::SummaryReport) {
    let scorer = scorer();
    let mut out = Vec::new();
    let opts = batch::Options::new(1).max_line_bytes(max_line);
    let summary = batch::score(input, &mut out, scorer, opts, |_, _| {});
    let summary = match summary {
        Ok(s) => s,
        Err(e) => panic!("batch::score failed on an in-memory input: {e}"),
    };
    let report = summary.report(scorer.rules().id());
    (out, summary.records(), report)
}

/// Lines that must get a record, by the reader's rules: a byte-order mark at the start is
/// skipped; lines split on `\n`; a line longer than `max_line` gets one (a `line_too_long`
/// error), any other line one unless it is empty or only spaces, tabs and CRs.
pub fn expected_records(data: &[u8], max_line: usize) -> usize {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    data.split(|b| *b == b'\n')
        .filter(|l| l.len() > max_line || !l.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')))
        .count()
}

/// The longest line of a run, from byte 0's high bits: 1 MiB (the default) or 32 to 480
/// bytes, so that lines longer than the limit, cut anywhere by the reads, are exercised.
fn max_line(b: u8) -> usize {
    match b >> 3 {
        0 => 1 << 20,
        n => 32 * usize::from(n & 0x0f),
    }
    .max(32)
}

/// `batch_reader`: byte 0 says how many chunk-size bytes follow (`& 7`, 0 = one byte per
/// read) and the line limit (`>> 3`); the rest is a JSONL export. Score it read in those
/// chunks and read in one go: one record line per line that must get one, and the same
/// output and summary either way.
pub fn batch_reader(input: &[u8]) {
    let b0 = input.first().copied().unwrap_or(0);
    let k = usize::from(b0 & 7);
    let max = max_line(b0);
    let rest = input.get(1..).unwrap_or_default();
    let (sizes, data) = rest.split_at(k.min(rest.len()));
    let (chunked, records, report) = run_batch(
        Chunked {
            data,
            sizes,
            i: 0,
            interrupted: false,
        },
        max,
    );
    let want = expected_records(data, max);
    let newlines = chunked.iter().filter(|b| **b == b'\n').count();
    assert_eq!(records, want as u64, "records != lines that must get one");
    assert_eq!(newlines, want, "output lines != lines that must get one");
    assert!(chunked.is_empty() || chunked.ends_with(b"\n"));
    let (whole, whole_records, whole_report) = run_batch(data, max);
    assert_eq!(
        records, whole_records,
        "chunked and whole record counts differ"
    );
    assert!(chunked == whole, "chunked and whole outputs differ");
    assert_eq!(report, whole_report, "chunked and whole summaries differ");
}
