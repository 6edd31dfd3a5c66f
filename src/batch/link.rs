//! Batch scoring with linkage across sessions (`layer-risk score --link`).
//!
//! A line's history depends on every earlier line, so its record depends on order. With
//! several jobs, each block of lines goes through three stages:
//! 1. in parallel, per piece: parse each line once and derive its keys;
//! 2. on the calling thread, in line order: record each observation in the store and keep
//!    the history it returns (the memory store does this in under a microsecond a line);
//! 3. in parallel, per piece: decide with the history and write the records.
//!
//! The stages overlap: a piece is observed as soon as it and every piece before it are
//! parsed, and decided as soon as it is observed, while the pool parses and decides others.
//! The store stays on the calling thread, so it need not be `Send`.
//!
//! With one job the same calls run line by line (parse, keys, observe, decide, write), so
//! no parsed line outlives its record. Either way the bytes out do not depend on `jobs`.
//!
//! Memory is the store's (bounded by distinct keys within the retention horizon) plus one
//! block (4 MiB of input); with several jobs the parsed lines of a block also live until its
//! records are written.

use std::io::{self, Read, Write};

use super::{split_pieces, Block, BlockReader, Merge, Options, Piece, Summary, MAX_JOBS};
use crate::api::Scorer;
use crate::error::ParseError;
use crate::link::{LinkError, LinkHistory, LinkKeys, LinkSecret, LinkStore};
use crate::session::{parse_input_bytes, Input};

/// What links a batch's lines: the store that records them, the secret their keys are derived
/// with, and the time of a line without `observed_at` (the evaluation date, 00:00 UTC, is
/// what the CLI uses).
pub struct Linker<'a> {
    /// The store.
    pub store: &'a mut dyn LinkStore,
    /// The secret.
    pub secret: &'a LinkSecret,
    /// Unix seconds for lines without `observed_at`.
    pub default_time: i64,
}

impl std::fmt::Debug for Linker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("secret", self.secret)
            .field("default_time", &self.default_time)
            .finish_non_exhaustive()
    }
}

/// One line after stage 1. Most lines are responses: kept inline (a box per line cost an
/// allocation and a free for every line), in a vector sized once per piece.
#[cfg(feature = "parallel")]
#[allow(clippy::large_enum_variant)]
enum Parsed<'b> {
    /// Not a response (its body, which the error record's id covers), or too long (none).
    Error(ParseError, Option<&'b [u8]>),
    /// A response, its body, keys and time.
    Input(Input<'b>, &'b [u8], LinkKeys, i64),
}

/// Per-line work of a linked run, given the line parsed once and its history.
pub(crate) trait LinkedLineFn<S>: Sync {
    fn call(
        &self,
        line: u64,
        body: Option<&[u8]>,
        parsed: Result<(&Input<'_>, &LinkHistory), &ParseError>,
        out: &mut Vec<u8>,
        state: &mut S,
    );
}

impl<S, F> LinkedLineFn<S> for F
where
    F: Fn(
            u64,
            Option<&[u8]>,
            Result<(&Input<'_>, &LinkHistory), &ParseError>,
            &mut Vec<u8>,
            &mut S,
        ) + Sync,
{
    fn call(
        &self,
        line: u64,
        body: Option<&[u8]>,
        parsed: Result<(&Input<'_>, &LinkHistory), &ParseError>,
        out: &mut Vec<u8>,
        state: &mut S,
    ) {
        self(line, body, parsed, out, state)
    }
}

/// Stage 1 on one line: parsed, with its keys and time.
#[cfg(feature = "parallel")]
fn parse_line<'b>(
    body: Option<&'b [u8]>,
    long: &ParseError,
    secret: &LinkSecret,
    default_time: i64,
) -> Parsed<'b> {
    match body {
        None => Parsed::Error(long.clone(), None),
        Some(body) => match parse_input_bytes(body) {
            Ok(input) => {
                let (keys, t) = observation(&input, secret, default_time);
                Parsed::Input(input, body, keys, t)
            }
            Err(e) => Parsed::Error(e, Some(body)),
        },
    }
}

/// Stage 1 on one piece: every non-blank line, parsed, with its keys and time.
#[cfg(feature = "parallel")]
fn parse_piece<'b>(
    block: &'b Block,
    p: &Piece<'b>,
    secret: &LinkSecret,
    default_time: i64,
) -> Vec<(u64, Parsed<'b>)> {
    let long = ParseError::line_too_long(block.max_line);
    let mut items = Vec::with_capacity(usize::try_from(p.lines).unwrap_or(0));
    p.each_line(block, |line, body| {
        items.push((line, parse_line(body, &long, secret, default_time)));
    });
    items
}

/// What a parsed line is observed as: the keys a store reads, and its time.
fn observation(input: &Input<'_>, secret: &LinkSecret, default_time: i64) -> (LinkKeys, i64) {
    (
        secret.store_keys(input.session.identity.as_ref()),
        input.observed_at.unwrap_or(default_time),
    )
}

/// One block on this thread, its records written: the three stages line by line. With
/// nothing to overlap, a line's parse need not outlive its record (no block of parsed lines
/// is kept, moved or dropped later). The same calls in the same order as [`staged`], so the
/// same bytes.
fn sequential<S: Merge>(
    block: &Block,
    pieces: &[Piece<'_>],
    linker: &mut Linker<'_>,
    f: &impl LinkedLineFn<S>,
    output: &mut impl Write,
    state: &mut S,
) -> io::Result<()> {
    let long = ParseError::line_too_long(block.max_line);
    let (secret, default_time) = (linker.secret, linker.default_time);
    let mut out = Vec::with_capacity(block.bytes.len() / 2 + 64);
    let mut st = S::default();
    let mut failed = None;
    for p in pieces {
        p.each_line(block, |line, body| {
            if failed.is_some() {
                return;
            }
            let Some(body) = body else {
                return f.call(line, None, Err(&long), &mut out, &mut st);
            };
            match parse_input_bytes(body) {
                Ok(input) => {
                    let (keys, t) = observation(&input, secret, default_time);
                    match linker.store.observe(&keys, t) {
                        Ok(h) => f.call(line, Some(body), Ok((&input, &h)), &mut out, &mut st),
                        Err(e) => failed = Some(e),
                    }
                }
                Err(e) => f.call(line, Some(body), Err(&e), &mut out, &mut st),
            }
        });
    }
    // On a store failure none of the block's records is written, as on the staged path, so
    // that what a failed run leaves does not depend on `jobs` either.
    if let Some(e) = failed {
        return Err(link_io(e));
    }
    output.write_all(&out)?;
    state.merge(st);
    Ok(())
}

/// One block in the three stages of the module docs, its records written. This thread runs
/// stage 2 while `pool` runs stages 1 and 3: each piece is observed as soon as it and every
/// piece before it is parsed, and decided as soon as it is observed, so the serial stage
/// overlaps the parallel ones instead of leaving the pool idle.
#[cfg(feature = "parallel")]
fn staged<S: Merge>(
    pool: &rayon::ThreadPool,
    block: &Block,
    pieces: &[Piece<'_>],
    linker: &mut Linker<'_>,
    f: &impl LinkedLineFn<S>,
    output: &mut impl Write,
    state: &mut S,
) -> io::Result<()> {
    use std::sync::mpsc;

    let (secret, default_time) = (linker.secret, linker.default_time);
    let n = pieces.len();
    let mut outs: Vec<Option<(Vec<u8>, S)>> = (0..n).map(|_| None).collect();
    let failed = pool.in_place_scope(|scope| {
        let (parsed_tx, parsed_rx) = mpsc::channel();
        let (out_tx, out_rx) = mpsc::channel();
        for (i, p) in pieces.iter().enumerate() {
            let tx = parsed_tx.clone();
            scope.spawn(move |_| {
                // The receiver outlives every task of the scope.
                let _ = tx.send((i, parse_piece(block, p, secret, default_time)));
            });
        }
        drop(parsed_tx);
        // Stage 2, in piece order: parsed pieces may arrive in any order.
        let mut waiting: Vec<Option<Vec<(u64, Parsed<'_>)>>> = (0..n).map(|_| None).collect();
        let mut next = 0;
        let mut failed = None;
        'pieces: while next < n {
            let Ok((i, items)) = parsed_rx.recv() else {
                break;
            };
            if let Some(slot) = waiting.get_mut(i) {
                *slot = Some(items);
            }
            while let Some(items) = waiting.get_mut(next).and_then(Option::take) {
                let observed: Result<Vec<LinkHistory>, LinkError> = items
                    .iter()
                    .filter_map(|(_, item)| match item {
                        Parsed::Input(_, _, keys, t) => Some(linker.store.observe(keys, *t)),
                        Parsed::Error(..) => None,
                    })
                    .collect();
                let hs = match observed {
                    Ok(hs) => hs,
                    Err(e) => {
                        failed = Some(e);
                        break 'pieces;
                    }
                };
                let tx = out_tx.clone();
                let index = next;
                scope.spawn(move |_| {
                    let _ = tx.send((index, decide_piece(&items, &hs, f)));
                });
                next += 1;
            }
        }
        drop(out_tx);
        for (i, done) in out_rx {
            if let Some(slot) = outs.get_mut(i) {
                *slot = Some(done);
            }
        }
        failed
    });
    // On a store failure none of the block's records is written.
    if let Some(e) = failed {
        return Err(link_io(e));
    }
    for (out, st) in outs.into_iter().flatten() {
        output.write_all(&out)?;
        state.merge(st);
    }
    Ok(())
}

/// Stage 3 on one piece: decide each line with its history and write the records.
#[cfg(feature = "parallel")]
fn decide_piece<S: Merge>(
    items: &[(u64, Parsed<'_>)],
    hs: &[LinkHistory],
    f: &impl LinkedLineFn<S>,
) -> (Vec<u8>, S) {
    let mut out = Vec::with_capacity(items.len() * 512);
    let mut st = S::default();
    let mut h = hs.iter();
    for (line, item) in items {
        match item {
            Parsed::Error(e, body) => f.call(*line, *body, Err(e), &mut out, &mut st),
            Parsed::Input(input, body, _, _) => {
                let history = h.next().copied().unwrap_or_default();
                f.call(*line, Some(body), Ok((input, &history)), &mut out, &mut st);
            }
        }
    }
    (out, st)
}

/// Stream `input` to `output` through `f`, each line parsed once and given its link history
/// (see the module docs). Returns the merged state.
pub(crate) fn run_linked<S: Merge>(
    input: impl Read + Send,
    mut output: impl Write + Send,
    opts: Options,
    linker: &mut Linker<'_>,
    f: &impl LinkedLineFn<S>,
    mut progress: impl FnMut(u64, u64) + Send,
) -> io::Result<S> {
    let mut reader = BlockReader::new(input, opts.max_line_bytes);
    let mut state = S::default();
    let mut next_line: u64 = 1;
    let mut block = Block::default();
    #[cfg(feature = "parallel")]
    let pool = if opts.jobs > 1 {
        Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(opts.jobs.min(MAX_JOBS))
                .build()
                .map_err(io::Error::other)?,
        )
    } else {
        None
    };
    #[cfg(not(feature = "parallel"))]
    let _ = MAX_JOBS;
    while reader.next_block(&mut block)? {
        let pieces = split_pieces(&block.bytes, next_line);
        next_line += pieces.iter().map(|p| p.lines).sum::<u64>();
        #[cfg(feature = "parallel")]
        match &pool {
            Some(pool) => staged(pool, &block, &pieces, linker, f, &mut output, &mut state)?,
            None => sequential(&block, &pieces, linker, f, &mut output, &mut state)?,
        }
        #[cfg(not(feature = "parallel"))]
        sequential(&block, &pieces, linker, f, &mut output, &mut state)?;
        progress(reader.bytes_read, next_line - 1);
    }
    output.flush()?;
    reader.finish(next_line - 1).map(|()| state)
}

/// A store failure ends the run: the records of the lines before the block are written.
fn link_io(e: LinkError) -> io::Error {
    io::Error::other(e.to_string())
}

/// Score a JSONL export with linkage: as [`super::score`], each decision made with the
/// history `linker`'s store returned for its line, observations recorded in line order. The
/// output does not depend on `opts.jobs`.
///
/// # Errors
/// As [`super::run`]; also a store failure (the records of every earlier block were written).
///
/// # Example
/// ```
/// use layer_risk::{batch, link::{LinkSecret, MemoryStore}, RuleSet, Scorer};
/// let scorer = Scorer::new(RuleSet::embedded_default().clone(), chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
/// let secret = LinkSecret::from_bytes(vec![1; 32])?;
/// let mut store = MemoryStore::default();
/// let mut linker = batch::Linker { store: &mut store, secret: &secret, default_time: 0 };
/// let line = r#"{"identity": {"ssn": "524781963", "name": {"first_name": "A", "last_name": "B"}}, "items": [{}]}"#;
/// let other = line.replace("\"A\"", "\"C\"");
/// let input = format!("{line}\n{other}\n");
/// let mut out = Vec::new();
/// batch::score_linked(input.as_bytes(), &mut out, &scorer, &mut linker, batch::Options::new(1), |_, _| {})?;
/// let second = String::from_utf8_lossy(&out).lines().nth(1).unwrap().to_owned();
/// assert!(second.contains(r#""code":"link_rule","rule_id":"ssn-other-name-30d","field":"ssn","signal":"ssn_other_names","window":"30d","observed":1"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_linked<'s>(
    input: impl Read + Send,
    output: impl Write + Send,
    scorer: &'s Scorer,
    linker: &mut Linker<'_>,
    opts: Options,
    progress: impl FnMut(u64, u64) + Send,
) -> io::Result<Summary<'s>> {
    let f = |line: u64,
             body: Option<&[u8]>,
             parsed: Result<(&Input<'_>, &LinkHistory), &ParseError>,
             out: &mut Vec<u8>,
             summary: &mut Summary<'s>| match parsed {
        Ok((input, h)) => {
            let d = scorer.record_linked(Some(line), body.unwrap_or_default(), input, Some(h), out);
            summary.add(&d);
        }
        Err(e) => {
            scorer.write_error(e, Some(line), body, out);
            summary.add_error(e);
        }
    };
    run_linked(input, output, opts, linker, &f, progress)
}

/// [`score_linked`] on an export held in memory, gzip or plain, as [`super::score_bytes`].
/// Feature `gzip`.
///
/// # Errors
/// As [`score_linked`]; also a corrupt gzip stream.
#[cfg(feature = "gzip")]
pub fn score_bytes_linked<'s>(
    data: &[u8],
    output: impl Write + Send,
    scorer: &'s Scorer,
    linker: &mut Linker<'_>,
    opts: Options,
) -> io::Result<Summary<'s>> {
    if data.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::read::MultiGzDecoder::new(data);
        score_linked(gz, output, scorer, linker, opts, |_, _| {})
    } else {
        score_linked(data, output, scorer, linker, opts, |_, _| {})
    }
}
