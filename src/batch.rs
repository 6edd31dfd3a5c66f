//! Batch scoring of JSONL exports: one response per line, one record out per non-empty line.
//!
//! The engine reads blocks of lines, scores them on `jobs` threads and writes the records in
//! input order, so memory stays constant whatever the input size and the output is the same
//! bytes whatever `jobs` is. Lines are numbered from 1 and counted whether empty or not, so a
//! record's `line` is where an editor finds it; empty and all-blank lines produce no record.
//!
//! Hostile input is bounded: a line longer than [`Options::max_line_bytes`] is skipped as it
//! streams, never held in memory, and gets a `line_too_long` error record; time is linear in
//! the input (each byte is scanned for a newline once). A UTF-8 byte-order mark at the start
//! of the input is skipped. Lines end at `\n` (a `\r` before it is dropped); a bare `\r` does
//! not end a line, so a file with old Mac line endings reads as one long line.
//!
//! This module takes a reader and a writer from the caller; it never opens files or prints.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write};

#[cfg(feature = "parallel")]
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::{LineResult, Scorer};
use crate::decision::{Arm, Decision};
use crate::error::{ParseError, RulesError};
use crate::record::{line_body, too_long, BOM};
use crate::rules::{Outcome, RuleSetId};

mod link;
pub(crate) use link::run_linked;
#[cfg(feature = "gzip")]
pub use link::score_bytes_linked;
pub use link::{score_linked, Linker};

/// How big a block the engine reads at once (bytes).
pub const BLOCK_SIZE: usize = 4 << 20;

/// The default longest line: a Layer response is a few KB, so 1 MiB leaves room for any real
/// one and bounds memory against a line that never ends.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// The most threads [`run`] starts, whatever `jobs` asks for.
pub const MAX_JOBS: usize = 256;

/// About how many bytes one worker task scores at a time.
const PIECE_SIZE: usize = 128 << 10;

/// How a batch runs: threads and the longest line.
///
/// # Example
/// ```
/// let opts = layer_risk::batch::Options::new(2).max_line_bytes(64 << 10);
/// assert_eq!((opts.jobs, opts.max_line_bytes), (2, 65536));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Worker threads (1 = the calling thread only; at most [`MAX_JOBS`]; without the
    /// `parallel` feature always the calling thread).
    pub jobs: usize,
    /// A longer line is skipped and gets a `line_too_long` error record (at least 1).
    pub max_line_bytes: usize,
}

impl Options {
    /// `jobs` threads and the default line limit ([`DEFAULT_MAX_LINE_BYTES`]).
    pub fn new(jobs: usize) -> Self {
        Options {
            jobs,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }

    /// The same options with another line limit.
    pub fn max_line_bytes(mut self, bytes: usize) -> Self {
        self.max_line_bytes = bytes;
        self
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new(1)
    }
}

/// Per-line work for [`run`]: `f(line_number, line, output, state)`, where `line` is the line's
/// bytes (a trailing CR dropped; blank lines are not passed), or the error of a line that was
/// too long to read (`line_too_long`): every line the input holds reaches `f` once.
///
/// Implemented for closures; `state` is a per-piece accumulator merged in input order.
pub trait LineFn<S>: Sync {
    /// Handle one non-blank line.
    fn call(&self, line: u64, bytes: Result<&[u8], &ParseError>, out: &mut Vec<u8>, state: &mut S);
}

impl<S, F: Fn(u64, Result<&[u8], &ParseError>, &mut Vec<u8>, &mut S) + Sync> LineFn<S> for F {
    fn call(&self, line: u64, bytes: Result<&[u8], &ParseError>, out: &mut Vec<u8>, state: &mut S) {
        self(line, bytes, out, state)
    }
}

/// State that can be merged: `a.merge(b)` where `b` covers lines after `a`'s.
pub trait Merge: Default + Send {
    /// Fold `later` into `self`.
    fn merge(&mut self, later: Self);
}

/// Streams `input` to `output` through `f` on `opts.jobs` threads (1 = this thread only).
/// `progress(bytes_read, lines_seen)` is called after each block.
///
/// With more than one job everything runs in one pool of `jobs` threads: while the pool
/// scores block *n*, one of its threads writes the records of block *n-1* and reads block
/// *n+1*, then helps scoring. The records are written in input order either way, so the
/// output does not depend on `jobs`.
///
/// # Errors
/// I/O errors of the writer; an error of the reader after every line read before it got its
/// record (the message says after which line). Bad lines are not errors: `f` writes a record.
pub fn run<S: Merge>(
    input: impl Read + Send,
    mut output: impl Write + Send,
    opts: Options,
    f: &impl LineFn<S>,
    mut progress: impl FnMut(u64, u64) + Send,
) -> io::Result<S> {
    let mut reader = BlockReader::new(input, opts.max_line_bytes);
    let mut state = S::default();
    let mut next_line: u64 = 1;
    let mut cur = Block::default();
    let mut outs: Vec<(Vec<u8>, S)> = Vec::new();
    #[cfg(feature = "parallel")]
    if opts.jobs > 1 {
        let jobs = opts.jobs.min(MAX_JOBS);
        return run_parallel(
            reader, output, jobs, f, progress, state, next_line, cur, outs,
        );
    }
    while reader.next_block(&mut cur)? {
        next_line += process_block(&cur, next_line, false, f, &mut outs);
        write_outs(&mut outs, &mut output, &mut state)?;
        progress(reader.bytes_read, next_line - 1);
    }
    output.flush()?;
    reader.finish(next_line - 1).map(|()| state)
}

/// [`run`] with `jobs` threads.
#[cfg(feature = "parallel")]
#[allow(clippy::too_many_arguments)]
fn run_parallel<S: Merge>(
    mut reader: BlockReader<impl Read + Send>,
    mut output: impl Write + Send,
    jobs: usize,
    f: &impl LineFn<S>,
    mut progress: impl FnMut(u64, u64) + Send,
    mut state: S,
    mut next_line: u64,
    mut cur: Block,
    mut outs: Vec<(Vec<u8>, S)>,
) -> io::Result<S> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(io::Error::other)?;
    pool.install(|| {
        let mut next = Block::default();
        let mut pending: Vec<(Vec<u8>, S)> = Vec::new();
        let mut have = reader.next_block(&mut cur)?;
        while have {
            let first = next_line;
            let (io, lines) = rayon::join(
                || -> io::Result<bool> {
                    write_outs(&mut pending, &mut output, &mut state)?;
                    reader.next_block(&mut next)
                },
                || process_block(&cur, first, true, f, &mut outs),
            );
            have = io?;
            next_line += lines;
            progress(reader.bytes_read - next.bytes.len() as u64, next_line - 1);
            std::mem::swap(&mut pending, &mut outs);
            std::mem::swap(&mut cur, &mut next);
        }
        write_outs(&mut pending, &mut output, &mut state)?;
        output.flush()
    })?;
    reader.finish(next_line - 1).map(|()| state)
}

/// Write the pieces' records in order and fold their states into `state`.
fn write_outs<S: Merge>(
    outs: &mut Vec<(Vec<u8>, S)>,
    output: &mut impl Write,
    state: &mut S,
) -> io::Result<()> {
    for (out, st) in outs.drain(..) {
        output.write_all(&out)?;
        state.merge(st);
    }
    Ok(())
}

/// A block of whole lines, and where lines too long to read stood: each is an empty line in
/// `bytes` (its `\n`) at an offset listed in `too_long`.
#[derive(Default)]
struct Block {
    bytes: Vec<u8>,
    /// Offsets in `bytes` of the placeholders of lines that were too long, ascending.
    too_long: Vec<usize>,
    /// The longest line allowed (a complete line that is longer is too long as well).
    max_line: usize,
}

impl Block {
    fn clear(&mut self) {
        self.bytes.clear();
        self.too_long.clear();
    }
}

/// Reads blocks of whole lines: at least [`BLOCK_SIZE`] bytes (or to the end of input), cut
/// after the last newline; the rest of the last line is carried to the next block. Each byte
/// is searched for a newline once. A line longer than `max_line` is dropped as it streams,
/// and a placeholder stands in its place.
///
/// A read error ends the input: what was read before it (including a partial last line,
/// which then gets an error record) is still returned, and the error is kept for the end.
struct BlockReader<R> {
    input: R,
    carry: Vec<u8>,
    eof: bool,
    bytes_read: u64,
    error: Option<io::Error>,
    max_line: usize,
    /// Inside a line that is too long: drop bytes until its newline.
    skipping: bool,
    /// Nothing read yet: a byte-order mark may start the input.
    at_start: bool,
}

impl<R: Read> BlockReader<R> {
    /// The kept read error, if any, saying how far the input got.
    fn finish(&mut self, last_line: u64) -> io::Result<()> {
        match self.error.take() {
            None => Ok(()),
            Some(e) => Err(io::Error::new(
                e.kind(),
                format!("reading the input failed after line {last_line} (every line up to it has its record): {e}"),
            )),
        }
    }

    fn new(input: R, max_line: usize) -> Self {
        BlockReader {
            input,
            carry: Vec::new(),
            eof: false,
            bytes_read: 0,
            error: None,
            max_line: max_line.max(1),
            skipping: false,
            at_start: true,
        }
    }

    /// Fill `block` with the next lines; `false` when the input is exhausted.
    fn next_block(&mut self, block: &mut Block) -> io::Result<bool> {
        block.clear();
        block.max_line = self.max_line;
        if self.eof && self.carry.is_empty() {
            return Ok(false);
        }
        block.bytes.append(&mut self.carry);
        // Where the last (unfinished) line of the block starts.
        let mut line_start = 0;
        while !self.eof {
            let want = BLOCK_SIZE.saturating_sub(block.bytes.len()).max(64 << 10);
            // read_to_end on a Take appends without zero-filling and retries on Interrupted;
            // on an error it keeps what it read.
            let before = block.bytes.len();
            let n = match (&mut self.input)
                .take(want as u64)
                .read_to_end(&mut block.bytes)
            {
                Ok(n) => n,
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                    block.bytes.len() - before
                }
            };
            self.bytes_read += n as u64;
            if n < want {
                self.eof = true;
            }
            if self.at_start {
                // The first read holds 64 KiB or the whole input: a byte-order mark is there.
                self.at_start = false;
                if block.bytes.starts_with(BOM) {
                    block.bytes.drain(..BOM.len());
                }
            }
            let mut scan = before.min(block.bytes.len());
            if self.skipping {
                // Drop the rest of the long line, up to and including its newline.
                match memchr::memchr(b'\n', &block.bytes[scan..]) {
                    None => {
                        block.bytes.truncate(scan);
                        continue;
                    }
                    Some(i) => {
                        block.bytes.drain(scan..=scan + i);
                        self.skipping = false;
                    }
                }
            }
            if let Some(i) = memchr::memrchr(b'\n', &block.bytes[scan..]) {
                line_start = scan + i + 1;
            }
            scan = block.bytes.len();
            if too_long(scan - line_start, self.max_line) {
                // The unfinished line is too long: a placeholder stands in for it, and the
                // rest of it is dropped as it arrives.
                block.bytes.truncate(line_start);
                block.too_long.push(line_start);
                block.bytes.push(b'\n');
                line_start = block.bytes.len();
                self.skipping = true;
                // Its newline may already be here: drop up to it on the next pass.
                continue;
            }
            if block.bytes.len() >= BLOCK_SIZE && line_start > 0 {
                self.carry.extend_from_slice(&block.bytes[line_start..]);
                block.bytes.truncate(line_start);
                break;
            }
        }
        Ok(!block.bytes.is_empty())
    }
}

/// Split one block into pieces, run `f` over each, collect the outputs
/// in order into `outs` (on the current rayon pool when `parallel`). Returns the number of
/// lines in the block.
fn process_block<S: Merge>(
    block: &Block,
    first_line: u64,
    parallel: bool,
    f: &impl LineFn<S>,
    outs: &mut Vec<(Vec<u8>, S)>,
) -> u64 {
    let pieces = split_pieces(&block.bytes, first_line);
    let lines: u64 = pieces.iter().map(|p| p.lines).sum();
    let long = ParseError::line_too_long(block.max_line);
    let work = |p: &Piece<'_>| {
        let mut out = Vec::with_capacity(p.bytes.len() / 2 + 64);
        let mut st = S::default();
        p.each_line(block, |line, body| match body {
            Some(body) => f.call(line, Ok(body), &mut out, &mut st),
            None => f.call(line, Err(&long), &mut out, &mut st),
        });
        (out, st)
    };
    #[cfg(feature = "parallel")]
    if parallel {
        pieces.par_iter().map(work).collect_into_vec(outs);
        return lines;
    }
    #[cfg(not(feature = "parallel"))]
    let _ = parallel;
    {
        outs.clear();
        outs.extend(pieces.iter().map(work));
    }
    lines
}

struct Piece<'a> {
    bytes: &'a [u8],
    /// Offset of `bytes` in the block.
    start: usize,
    first_line: u64,
    lines: u64,
}

impl<'a> Piece<'a> {
    /// Call `f` with each line of the piece that is not blank, by the batch engine's line
    /// rules (`crate::record`), with its number: its body, or `None` for a line too long to
    /// read (a placeholder the reader left, or a line over the block's limit).
    fn each_line(&self, block: &Block, mut f: impl FnMut(u64, Option<&'a [u8]>)) {
        let mut line = self.first_line;
        let mut at = self.start;
        let mut rest = self.bytes;
        // The placeholders of too-long lines in this piece, in order.
        let first = block.too_long.partition_point(|&o| o < self.start);
        let mut placeholders = block.too_long[first..].iter().copied().peekable();
        while !rest.is_empty() {
            let (raw, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            if placeholders.next_if_eq(&at).is_some() || too_long(raw.len(), block.max_line) {
                f(line, None);
            } else if let Some(body) = line_body(raw) {
                f(line, Some(body));
            }
            at += rest.len() - next.len();
            line += 1;
            rest = next;
        }
    }
}

/// Split a block that ends at a line end (or EOF) into pieces of whole lines.
fn split_pieces(block: &[u8], first_line: u64) -> Vec<Piece<'_>> {
    let mut pieces = Vec::with_capacity(block.len() / PIECE_SIZE + 1);
    let mut start = 0;
    let mut line = first_line;
    while start < block.len() {
        let target = (start + PIECE_SIZE).min(block.len());
        let end = match memchr::memchr(b'\n', &block[target..]) {
            Some(i) => target + i + 1,
            None => block.len(),
        };
        let bytes = &block[start..end];
        let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
        let lines = newlines + u64::from(!bytes.ends_with(b"\n"));
        pieces.push(Piece {
            bytes,
            start,
            first_line: line,
            lines,
        });
        line += lines;
        start = end;
    }
    pieces
}

/// Score a JSONL export with `scorer`: one record per non-blank line, in input order, on
/// `opts.jobs` threads (the output does not depend on `jobs`; without the `parallel` feature
/// everything runs on this thread); a line longer than `opts.max_line_bytes` gets a
/// `line_too_long` error record. Returns the batch's [`Summary`].
///
/// # Errors
/// As [`run`].
///
/// # Example
/// ```
/// use layer_risk::{batch, RuleSet, Scorer};
/// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
/// let input = b"{\"identity\": null, \"request_id\": \"r1\"}\n\n{\"identity\":\n";
/// let mut out = Vec::new();
/// let summary = batch::score(&input[..], &mut out, &scorer, batch::Options::new(1), |_, _| {})?;
/// assert_eq!((summary.records(), summary.decided(), summary.error_count()), (2, 1, 1));
/// assert!(String::from_utf8_lossy(&out).lines().nth(1).unwrap().starts_with(r#"{"line":3,"decision_id":""#));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn score<'s>(
    input: impl Read + Send,
    output: impl Write + Send,
    scorer: &'s Scorer,
    opts: Options,
    progress: impl FnMut(u64, u64) + Send,
) -> io::Result<Summary<'s>> {
    let f = |line: u64,
             body: Result<&[u8], &ParseError>,
             out: &mut Vec<u8>,
             summary: &mut Summary<'s>| match body {
        Ok(body) => match scorer.record_body(Some(line), body, out) {
            LineResult::Decided(d) => summary.add(&d),
            LineResult::Error(e) => summary.add_error(&e),
            LineResult::Blank => {}
        },
        Err(e) => {
            scorer.write_error(e, Some(line), None, out);
            summary.add_error(e);
        }
    };
    run(input, output, opts, &f, progress)
}

/// Score a whole export held in memory, as `layer-risk score` reads a file: gzip (its magic
/// bytes `1f 8b`, concatenated members included) is decompressed as it streams, anything
/// else is read as JSONL. Otherwise [`score`]. Feature `gzip`.
///
/// # Errors
/// As [`run`]; also a gzip stream that is corrupt or cut short (after the records of every
/// line decompressed before it were written).
///
/// # Example
/// ```
/// use std::io::Write;
/// use layer_risk::{batch, RuleSet, Scorer};
/// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
/// let plain = b"{\"identity\": null, \"request_id\": \"r1\"}\n";
/// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
/// gz.write_all(plain)?;
/// let (mut a, mut b) = (Vec::new(), Vec::new());
/// batch::score_bytes(plain, &mut a, &scorer, batch::Options::new(1))?;
/// batch::score_bytes(&gz.finish()?, &mut b, &scorer, batch::Options::new(1))?;
/// assert_eq!(a, b);
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "gzip")]
pub fn score_bytes<'s>(
    data: &[u8],
    output: impl Write + Send,
    scorer: &'s Scorer,
    opts: Options,
) -> io::Result<Summary<'s>> {
    if data.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::read::MultiGzDecoder::new(data);
        score(gz, output, scorer, opts, |_, _| {})
    } else {
        score(data, output, scorer, opts, |_, _| {})
    }
}

/// FNV-1a: the summary's keys are a few dozen short static strings, counted on every line;
/// SipHash's flood resistance buys nothing there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A map keyed by rule ids or codes.
pub(crate) type Counts<K> = HashMap<K, u64, std::hash::BuildHasherDefault<Fnv>>;

/// Counts over a batch: decisions, reason hits, errors.
#[derive(Clone, Debug, Default)]
pub struct Summary<'r> {
    /// Lines that got a record (decisions + errors).
    records: u64,
    /// Decisions per outcome, in [`Outcome::ALL`] order.
    decisions: [u64; Outcome::ALL.len()],
    /// Lines where each rule id fired (a finding's rule id is its code).
    rule_hits: Counts<&'r str>,
    /// Lines where each reason code appeared.
    code_hits: Counts<&'static str>,
    /// Error lines per error code.
    errors: Counts<&'static str>,
    /// Sum of scores, for the mean.
    score_sum: u64,
    /// The challenger's decisions on the same lines (a shadow, or the other arm of a staged
    /// rollout), and its rule set.
    shadow: Option<Box<(Summary<'r>, &'r RuleSetId)>>,
    /// Lines decided by the control and the challenger arm of a staged rollout.
    arms: [u64; 2],
}

impl<'r> Summary<'r> {
    /// Count a decision (and its shadow, if it has one).
    ///
    /// With a shadow, this summary counts the live rule set's decisions and `shadow` the
    /// challenger's. In a staged rollout the two arms are put back on their rule sets: this
    /// summary counts the control rule set on every line and `shadow` the challenger on every
    /// line (whichever arm decided), so the two compare rule sets, not arms; `arms` says how
    /// many lines each arm decided. Reason codes are those of the decisions as made.
    pub fn add(&mut self, d: &Decision<'r>) {
        self.records += 1;
        for (i, r) in d.reasons.iter().enumerate() {
            if !d.reasons[..i].iter().any(|p| p.code == r.code) {
                *self.code_hits.entry(r.code.as_str()).or_default() += 1;
            }
        }
        if let Some(arm) = d.arm {
            self.arms[arm as usize] += 1;
        }
        let own = || d.reasons.iter().map(|r| r.rule_id);
        match (&d.shadow, d.arm) {
            (Some(s), Some(Arm::Challenger)) => {
                self.tally(s.outcome, s.score, s.reasons.iter().copied());
                self.challenger(d.rules).tally(d.outcome, d.score, own());
            }
            (Some(s), _) => {
                self.tally(d.outcome, d.score, own());
                self.challenger(s.rules)
                    .tally(s.outcome, s.score, s.reasons.iter().copied());
            }
            (None, _) => self.tally(d.outcome, d.score, own()),
        }
    }

    /// The challenger's summary, created on first use.
    fn challenger(&mut self, rules: &'r RuleSetId) -> &mut Summary<'r> {
        let (shadow, _) = &mut **self
            .shadow
            .get_or_insert_with(|| Box::new((Summary::default(), rules)));
        shadow.records += 1;
        shadow
    }

    /// Count one side's outcome, score and rule ids (each rule once per line).
    fn tally(&mut self, outcome: Outcome, score: u32, ids: impl Iterator<Item = &'r str>) {
        self.decisions[outcome as usize] += 1;
        self.score_sum += u64::from(score);
        let ids: Vec<&'r str> = ids.collect();
        for (i, id) in ids.iter().enumerate() {
            if !ids[..i].contains(id) {
                *self.rule_hits.entry(id).or_default() += 1;
            }
        }
    }

    /// Count an error line.
    pub fn add_error(&mut self, e: &ParseError) {
        self.records += 1;
        *self.errors.entry(e.code()).or_default() += 1;
    }

    /// Lines that got a record (decisions and errors).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Decisions with `outcome`.
    pub fn count(&self, outcome: Outcome) -> u64 {
        self.decisions[outcome as usize]
    }

    /// Lines with a decision.
    pub fn decided(&self) -> u64 {
        self.decisions.iter().sum()
    }

    /// Lines with an error.
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    /// The JSON report: counts and shares, sorted, with the rule set's identity.
    pub fn report(&self, rules: &RuleSetId) -> SummaryReport {
        let decided = self.decided();
        let share = |n: u64| {
            if decided == 0 {
                0.0
            } else {
                round6(n as f64 / decided as f64)
            }
        };
        let rules_hits = hits(self.rule_hits.iter().map(|(k, v)| (*k, *v)), decided);
        let codes = hits(self.code_hits.iter().map(|(k, v)| (*k, *v)), decided);
        let mut errors: Vec<(String, u64)> = self
            .errors
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect();
        errors.sort();
        let trusted = self.decisions[Outcome::Trust as usize];
        SummaryReport {
            step_up_rate: share(decided - trusted.min(decided)),
            arms: (self.arms != [0, 0]).then_some(ArmCounts {
                control: self.arms[0],
                challenger: self.arms[1],
            }),
            shadow: self.shadow.as_ref().map(|s| Box::new(s.0.report(s.1))),
            rules: rules.clone(),
            records: self.records,
            decided,
            errors: self.error_count(),
            decisions: Outcome::ALL
                .iter()
                .map(|o| OutcomeCount {
                    decision: *o,
                    count: self.decisions[*o as usize],
                    share: share(self.decisions[*o as usize]),
                })
                .collect(),
            mean_score: if decided == 0 {
                0.0
            } else {
                round6(self.score_sum as f64 / decided as f64)
            },
            rule_hits: rules_hits,
            code_hits: codes,
            error_codes: errors
                .into_iter()
                .map(|(code, count)| ErrorCount { code, count })
                .collect(),
        }
    }
}

/// Hits with their rate over `decided` lines, most hits first, then by id, so a report is the
/// same bytes every time.
pub(crate) fn hits<'a>(counts: impl Iterator<Item = (&'a str, u64)>, decided: u64) -> Vec<Hit> {
    let mut hits: Vec<Hit> = counts
        .map(|(k, v)| Hit {
            id: k.to_owned(),
            hits: v,
            rate: if decided == 0 {
                0.0
            } else {
                round6(v as f64 / decided as f64)
            },
        })
        .collect();
    hits.sort_by(|a, b| b.hits.cmp(&a.hits).then_with(|| a.id.cmp(&b.id)));
    hits
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

impl Merge for Summary<'_> {
    fn merge(&mut self, later: Self) {
        self.records += later.records;
        for (d, l) in self.decisions.iter_mut().zip(later.decisions) {
            *d += l;
        }
        self.score_sum += later.score_sum;
        for (k, v) in later.rule_hits {
            *self.rule_hits.entry(k).or_default() += v;
        }
        for (k, v) in later.code_hits {
            *self.code_hits.entry(k).or_default() += v;
        }
        for (k, v) in later.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (a, l) in self.arms.iter_mut().zip(later.arms) {
            *a += l;
        }
        match (&mut self.shadow, later.shadow) {
            (Some(mine), Some(theirs)) => mine.0.merge(theirs.0),
            (None, theirs) => self.shadow = theirs,
            (Some(_), None) => {}
        }
    }
}

/// A summary as written to `--summary FILE`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SummaryReport {
    /// The rule set.
    pub rules: RuleSetId,
    /// Records written (decisions + errors).
    pub records: u64,
    /// Decisions.
    pub decided: u64,
    /// Error records.
    pub errors: u64,
    /// Count and share of each outcome (share of decided lines).
    pub decisions: Vec<OutcomeCount>,
    /// Mean score over decided lines.
    pub mean_score: f64,
    /// Hits and hit rate per rule id, most hits first.
    pub rule_hits: Vec<Hit>,
    /// Hits and hit rate per reason code, most hits first.
    pub code_hits: Vec<Hit>,
    /// Error lines per error code.
    pub error_codes: Vec<ErrorCount>,
    /// Share of decided lines not trusted.
    #[serde(default)]
    pub step_up_rate: f64,
    /// Lines each arm of a staged rollout decided, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arms: Option<ArmCounts>,
    /// The challenger's summary on the same lines (a shadow rule set, or the other arm of a
    /// staged rollout): decisions, step-up rate, rule hits (its rule ids; no code hits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<Box<SummaryReport>>,
}

/// Lines decided by each arm of a staged rollout.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ArmCounts {
    /// Lines the live rule set decided.
    pub control: u64,
    /// Lines the challenger decided.
    pub challenger: u64,
}

impl SummaryReport {
    /// Read a summary written by `layer-risk score --summary` (`source` names it in errors).
    ///
    /// # Errors
    /// A [`RulesError`] located at the line and column where the text stops being a summary
    /// (kind `Syntax` for bad JSON, `Schema` for a document of another shape).
    ///
    /// # Example
    /// ```
    /// use layer_risk::batch::SummaryReport;
    /// let err = SummaryReport::from_json("{\"records\": 3}", "old.json").unwrap_err();
    /// assert!(err.to_string().starts_with("old.json:1:14: not a summary written by `score --summary`: missing field"));
    /// ```
    pub fn from_json(text: &str, source: &str) -> Result<SummaryReport, RulesError> {
        serde_json::from_str(text).map_err(|e| {
            let mut err = RulesError::from_json(source, String::new(), &e);
            err.message = format!(
                "not a summary written by `score --summary`: {}",
                err.message
            );
            err
        })
    }

    /// The hits of one rule id (or code), if it fired at all.
    pub fn hit(&self, id: &str) -> Option<&Hit> {
        self.rule_hits.iter().find(|h| h.id == id)
    }

    /// Every rule id that fired under this report or `other`, sorted, once each: the rows
    /// of a side-by-side comparison.
    pub fn rule_ids_with<'a>(&'a self, other: &'a SummaryReport) -> Vec<&'a str> {
        let mut ids: Vec<&str> = self
            .rule_hits
            .iter()
            .chain(&other.rule_hits)
            .map(|h| h.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Count of one outcome.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OutcomeCount {
    /// The outcome.
    pub decision: Outcome,
    /// Lines.
    pub count: u64,
    /// Share of decided lines.
    pub share: f64,
}

/// Hits of one rule id or code.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    /// Rule id or reason code.
    pub id: String,
    /// Lines it fired on.
    pub hits: u64,
    /// Share of decided lines.
    pub rate: f64,
}

/// Error lines of one code.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ErrorCount {
    /// Error code.
    pub code: String,
    /// Lines.
    pub count: u64,
}

impl fmt::Display for SummaryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.rules.sha256.get(..12).unwrap_or(&self.rules.sha256);
        writeln!(
            f,
            "rules {} {} (sha256 {short}…)",
            self.rules.name, self.rules.version
        )?;
        writeln!(
            f,
            "{} records: {} decisions, {} errors; mean score {:.1}",
            self.records, self.decided, self.errors, self.mean_score
        )?;
        writeln!(f, "  {:<24} {:>10} {:>8}", "decision", "lines", "share")?;
        for d in &self.decisions {
            writeln!(
                f,
                "  {:<24} {:>10} {:>7.2}%",
                d.decision.as_str(),
                d.count,
                d.share * 100.0
            )?;
        }
        writeln!(
            f,
            "  {:<35} {:>7.2}%",
            "step-up rate",
            self.step_up_rate * 100.0
        )?;
        if let Some(a) = &self.arms {
            writeln!(
                f,
                "  staged rollout: {} lines control, {} challenger",
                a.control, a.challenger
            )?;
        }
        if !self.rule_hits.is_empty() {
            writeln!(f, "  {:<40} {:>10} {:>8}", "rule id", "hits", "rate")?;
            for h in &self.rule_hits {
                writeln!(f, "  {:<40} {:>10} {:>7.2}%", h.id, h.hits, h.rate * 100.0)?;
            }
        }
        if !self.error_codes.is_empty() {
            writeln!(f, "  {:<24} {:>10}", "error", "lines")?;
            for e in &self.error_codes {
                writeln!(f, "  {:<24} {:>10}", e.code, e.count)?;
            }
        }
        if let Some(s) = &self.shadow {
            writeln!(f, "shadow:")?;
            write!(f, "{s}")?;
        }
        Ok(())
    }
}
