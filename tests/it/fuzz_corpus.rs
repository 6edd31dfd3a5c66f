//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the same checks the
//! libFuzzer targets run (`fuzz/checks.rs`, shared), on stable and without libFuzzer: every
//! input the fuzzers kept, and every crash fixed since, stays checked by `cargo test`.

use std::panic::{catch_unwind, AssertUnwindSafe};

#[path = "../../fuzz/checks.rs"]
mod checks;

/// Run `check` on every file of `fuzz/corpus/<target>/`; name every file that panics.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = super::util::root().join("fuzz/corpus").join(target);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    assert!(!entries.is_empty(), "{} is empty", dir.display());
    let failed: Vec<String> = entries
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).unwrap();
            catch_unwind(AssertUnwindSafe(|| check(&data))).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target}: {failed:#?}");
}

#[test]
fn parse_assess_corpus() {
    replay("parse_assess", checks::parse_assess);
}

#[test]
fn rules_from_json_corpus() {
    replay("rules_from_json", checks::rules_from_json);
}

#[test]
fn batch_reader_corpus() {
    replay("batch_reader", checks::batch_reader);
}

/// The line count the batch check holds the engine to.
#[test]
fn expected_records_counts_non_blank_lines() {
    let max = 1 << 20;
    assert_eq!(checks::expected_records(b"", max), 0);
    assert_eq!(checks::expected_records(b"\n \t\r\n\r\n", max), 0);
    assert_eq!(checks::expected_records(b"a\n\nb\r\n c", max), 3);
    // A byte-order mark at the start is skipped; a line longer than the limit gets a record
    // even when it is blank.
    assert_eq!(checks::expected_records(b"\xEF\xBB\xBF\n", max), 0);
    assert_eq!(checks::expected_records(b"     \nx", 3), 2);
}

/// Chunk sizes of only zeros (interruptions) still end: every other read is one byte.
#[test]
fn batch_reader_only_interruptions() {
    checks::batch_reader(b"\x01\x00{\"identity\": null}\n\n{\n");
    checks::batch_reader(b"\x03\x00\x00\x00 \r\n\t\n");
}
