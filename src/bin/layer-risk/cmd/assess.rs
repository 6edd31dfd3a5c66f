//! `layer-risk assess`: one response explained for a person, or its record.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use layer_risk::{Context, ParseError, Scorer};

use crate::args::{as_of_or_today, AssessArgs};
use crate::error::CliError;
use crate::input;

pub(crate) fn run(a: AssessArgs) -> Result<ExitCode, CliError> {
    let rules = input::rules(a.eval.rules.as_deref())?;
    let scorer = Scorer::new(rules, as_of_or_today(a.eval.as_of));
    let body = input::read_all(&a.input)?;
    let applicant = a.applicant.as_deref().map(input::read_all).transpose()?;
    let context = match &applicant {
        Some(a) => Context::new().applicant(a),
        None => Context::NONE,
    };
    let d = match scorer.assess(&body, &context) {
        Ok(d) => d,
        Err(e) => {
            // An error under `applicant` is in the applicant's file.
            let (file, bytes) = match (&a.applicant, &applicant) {
                (Some(p), Some(bytes)) if e.path().is_some_and(|x| x.starts_with("applicant")) => {
                    (p.as_path(), bytes.as_slice())
                }
                _ => (a.input.as_path(), body.as_slice()),
            };
            return report_error(&scorer, a.json, file, bytes, &e);
        }
    };
    let mut stdout = io::stdout().lock();
    if a.json {
        let mut out = Vec::new();
        scorer.write_record(&d, Some(1), &mut out);
        stdout.write_all(&out).map_err(CliError::io)?;
    } else {
        write!(stdout, "{d}").map_err(CliError::io)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A file that is not a response: its error record (`--json`, with the error's line within
/// the file, as a saved response is pretty-printed) or its message; exit 1.
fn report_error(
    scorer: &Scorer,
    json: bool,
    file: &Path,
    bytes: &[u8],
    e: &ParseError,
) -> Result<ExitCode, CliError> {
    if json {
        let mut out = Vec::new();
        scorer.write_error(e, Some(e.line() as u64), Some(bytes), &mut out);
        io::stdout().write_all(&out).map_err(CliError::io)?;
    } else {
        eprintln!("layer-risk: {}: {e}", file.display());
    }
    Ok(ExitCode::from(1))
}
