//! One module per command; the helpers they share.

use std::io::{self, Read, Write};
use std::path::Path;

use chrono::NaiveDate;
use layer_risk::batch::{self, LineFn, Linker, Merge, Options};

use crate::args::{BatchArgs, LinkArgs};
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

/// Run a counting command (`diff`, `sweep`) over an input file (or stdin) with the batch
/// options: `f` on each line, or `linked` (the command's run with link history) when
/// `--link` names a store, opened before the input as `score` does.
fn run_counting<S: Merge>(
    path: &Path,
    opts: BatchArgs,
    link: &LinkArgs,
    as_of: NaiveDate,
    f: &impl LineFn<S>,
    linked: impl FnOnce(Box<dyn Read + Send>, &mut Linker<'_>, Options) -> io::Result<S>,
) -> Result<S, CliError> {
    match crate::link::open(link, as_of)? {
        None => {
            let input = input::open(path)?;
            batch::run(input.reader, io::sink(), opts.options(), f, |_, _| {}).map_err(CliError::io)
        }
        Some(mut link) => {
            let input = input::open(path)?;
            linked(input.reader, &mut link.linker(), opts.options()).map_err(CliError::io)
        }
    }
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
