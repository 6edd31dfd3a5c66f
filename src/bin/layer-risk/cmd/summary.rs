//! `layer-risk summary compare`: drift between two `--summary` files.

use std::path::Path;
use std::process::ExitCode;

use layer_risk::batch::SummaryReport;
use layer_risk::drift::compare;

use crate::args::SummaryCommand;
use crate::error::{CliError, Context};

fn read(p: &Path) -> Result<SummaryReport, CliError> {
    let text = std::fs::read_to_string(p).reading(|| format!("cannot read {}", p.display()))?;
    SummaryReport::from_json(&text, &p.display().to_string())
        .map_err(|e| CliError::Input(e.to_string()))
}

pub(crate) fn run(cmd: SummaryCommand) -> Result<ExitCode, CliError> {
    let SummaryCommand::Compare(a) = cmd;
    let c = compare(&read(&a.old)?, &read(&a.new)?);
    super::print_report(a.json, &c)?;
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
