//! `layer-risk`: the command-line shell over the `layer_risk` library. It parses arguments,
//! opens files, prints and sets the exit status; every decision, record and report comes
//! from the library.
//!
//! - `args.rs`: every command's arguments (clap);
//! - `input.rs`: files and stdin (gzip sniffed), rules files, labels, the progress bar;
//! - `error.rs`: why a command stopped;
//! - `link.rs`: `--link` and `--link-secret-file`;
//! - `cmd/`: one module per command.
//!
//! Exit status: 0 when every line was scored, 1 when some lines were errors (or a case
//! failed, or a drift bar was crossed), 2 for usage, input-file or rules-file errors.
//! Records go to stdout, everything for people to stderr.

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::error::CliError;

mod args;
mod cmd;
mod error;
mod input;
mod link;

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Score(a) => cmd::score::run(a),
        Command::Assess(a) => cmd::assess::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Rules(c) => cmd::rules::run(c),
        Command::Gen(a) => cmd::gen::run(a),
        Command::Summary(c) => cmd::summary::run(c),
        Command::Sweep(a) => cmd::sweep::run(a),
        Command::ShadowReport(a) => cmd::shadow::run(a),
    };
    match result {
        Ok(code) => code,
        Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("layer-risk: {e}");
            ExitCode::from(2)
        }
    }
}
