//! `layer-risk shadow-report`: live against shadow decisions, from the decision log alone.

use std::io::{BufRead, BufReader};
use std::process::ExitCode;

use layer_risk::diff::ShadowLog;

use crate::args::ShadowReportArgs;
use crate::error::{CliError, Context};
use crate::input;

pub(crate) fn run(a: ShadowReportArgs) -> Result<ExitCode, CliError> {
    let labels = a.labels.as_deref().map(input::labels).transpose()?;
    let reader = BufReader::with_capacity(1 << 20, input::open(&a.input)?.reader);
    let mut log = ShadowLog::new(a.show);
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line.reading(|| format!("cannot read {}", a.input.display()))?;
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        log.add(line, labels.as_ref())
            .map_err(|msg| CliError::Input(format!("{}:{}: {msg}", a.input.display(), i + 1)))?;
    }
    let report = log.report(labels.is_some()).map_err(CliError::Input)?;
    if log.without_shadow() > 0 {
        eprintln!(
            "layer-risk: note: {} decision records without a shadow were not compared",
            log.without_shadow()
        );
    }
    super::print_report(a.json, &report)?;
    Ok(ExitCode::SUCCESS)
}
