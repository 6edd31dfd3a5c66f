//! `layer-risk diff`: the what-if command.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use layer_risk::diff::{parse_labels, DiffSetup, DiffStats, Label};

use crate::anyhow_lite::{Context, Fail};
use crate::{load_rules, EXAMPLES};

#[derive(Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct DiffArgs {
    /// The two rules files, current first: --rules A.json --rules B.json.
    #[arg(long, value_name = "FILE", num_args = 1, required = true)]
    rules: Vec<PathBuf>,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// Show up to N requests that changed tier.
    #[arg(long, value_name = "N", default_value_t = 0)]
    show: usize,
    /// CSV of `request_id,label` (fraud or legit): adds recall and precision.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    #[command(flatten)]
    batch: crate::BatchArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// JSONL input, plain or gzip; - for stdin.
    #[arg(default_value = "-")]
    input: PathBuf,
}

/// Read a labels CSV (`request_id,label`); a bad line is a usage error naming it.
pub(crate) fn read_labels(p: &Path) -> Result<HashMap<String, Label>, Fail> {
    let text = std::fs::read_to_string(p).context(format!("cannot read labels {}", p.display()))?;
    parse_labels(&text).map_err(|(line, msg)| Fail::Usage(format!("{}:{line}: {msg}", p.display())))
}

pub(crate) fn run(a: DiffArgs) -> Result<ExitCode, Fail> {
    let [pa, pb] = a.rules.as_slice() else {
        return Err(Fail::Usage(format!(
            "diff takes exactly two --rules files (got {})",
            a.rules.len()
        )));
    };
    let (ra, rb) = (load_rules(Some(pa))?, load_rules(Some(pb))?);
    let labels = a.labels.as_deref().map(read_labels).transpose()?;
    let setup = DiffSetup {
        a: &ra,
        b: &rb,
        as_of: a.as_of.unwrap_or_else(|| chrono::Utc::now().date_naive()),
        show: a.show,
        labels: labels.as_ref(),
    };
    let stats: DiffStats<'_> = crate::run_counting(&a.input, a.batch, &setup)?;
    let report = setup.report(&stats);
    crate::print_report(a.json, &report)?;
    Ok(if stats.a.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
