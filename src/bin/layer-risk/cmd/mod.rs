//! One module per command; the helpers they share.

use std::io::{self, Write};
use std::path::Path;

use layer_risk::batch::{self, LineFn, Merge};

use crate::args::BatchArgs;
use crate::error::CliError;
use crate::input;

pub(crate) mod assess;
pub(crate) mod diff;
pub(crate) mod gen;
pub(crate) mod rules;
pub(crate) mod score;
pub(crate) mod shadow;
pub(crate) mod summary;
pub(crate) mod sweep;

/// Run `f` over the lines of an input file (or stdin) with the batch options, for the
/// commands that count rather than write records (`diff`, `sweep`).
fn run_counting<S: Merge>(path: &Path, opts: BatchArgs, f: &impl LineFn<S>) -> Result<S, CliError> {
    let input = input::open(path)?;
    batch::run(input.reader, io::sink(), opts.options(), f, |_, _| {}).map_err(CliError::io)
}

/// Print a report to stdout: pretty JSON with `--json`, its `Display` page otherwise.
fn print_report(
    json: bool,
    report: &(impl serde::Serialize + std::fmt::Display),
) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    if json {
        let text =
            serde_json::to_string_pretty(report).map_err(|e| CliError::Output(e.to_string()))?;
        writeln!(out, "{text}").map_err(CliError::io)
    } else {
        write!(out, "{report}").map_err(CliError::io)
    }
}
