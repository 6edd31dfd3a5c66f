//! `layer-risk summary compare`: drift between two `--summary` files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use layer_risk::batch::SummaryReport;
use layer_risk::drift::compare;

use crate::anyhow_lite::{Context, Fail};

#[derive(Subcommand)]
pub(crate) enum SummaryCommand {
    /// Compare two `score --summary` files (old, new): decision shares, step-up rate and
    /// each rule's hit rate side by side, with the population stability index (PSI) of the
    /// decision mix and of each rule's hit rate. Exit 1 when a --max-* bar is crossed.
    Compare(CompareArgs),
}

#[derive(Args)]
pub(crate) struct CompareArgs {
    /// Exit 1 when the decision mix's PSI, or any rule's hit-rate PSI, is above X (0.1 is
    /// a moderate shift, 0.25 a major one).
    #[arg(long, value_name = "X")]
    max_psi: Option<f64>,
    /// Exit 1 when the step-up rate moved by more than PCT percentage points either way.
    #[arg(long, value_name = "PCT")]
    max_step_up_change: Option<f64>,
    /// Print the comparison as JSON.
    #[arg(long)]
    json: bool,
    /// The older summary (e.g. last week's).
    old: PathBuf,
    /// The newer summary.
    new: PathBuf,
}

fn read(p: &Path) -> Result<SummaryReport, Fail> {
    let text = std::fs::read_to_string(p).context(format!("cannot read {}", p.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        Fail::Usage(format!(
            "{}:{}:{}: not a summary written by `score --summary`: {}",
            p.display(),
            e.line(),
            e.column(),
            e.to_string()
                .rsplit_once(" at line ")
                .map_or(e.to_string(), |(m, _)| m.to_owned())
        ))
    })
}

pub(crate) fn run(cmd: SummaryCommand) -> Result<ExitCode, Fail> {
    let SummaryCommand::Compare(a) = cmd;
    let c = compare(&read(&a.old)?, &read(&a.new)?);
    crate::print_report(a.json, &c)?;
    let mut alerts = Vec::new();
    if let Some(max) = a.max_psi {
        if c.decision_psi > max {
            alerts.push(format!(
                "decision mix PSI {:.4} is above --max-psi {max}",
                c.decision_psi
            ));
        }
        for r in c.rules.iter().filter(|r| r.psi > max) {
            alerts.push(format!(
                "hit rate of {} PSI {:.4} is above --max-psi {max} ({:.2}% -> {:.2}%)",
                r.id,
                r.psi,
                r.old * 100.0,
                r.new * 100.0
            ));
        }
    }
    if let Some(max) = a.max_step_up_change {
        if c.step_up_change_points.abs() > max {
            alerts.push(format!(
                "step-up rate moved {:+.2} points, more than --max-step-up-change {max}",
                c.step_up_change_points
            ));
        }
    }
    for alert in &alerts {
        eprintln!("layer-risk: alert: {alert}");
    }
    Ok(if alerts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
