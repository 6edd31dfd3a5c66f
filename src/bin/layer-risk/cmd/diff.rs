//! `layer-risk diff`: the what-if of two rule sets over one export.

use std::process::ExitCode;

use layer_risk::diff::{DiffSetup, DiffStats};

use crate::args::{as_of_or_today, DiffArgs};
use crate::error::CliError;
use crate::input;

pub(crate) fn run(a: DiffArgs) -> Result<ExitCode, CliError> {
    let [pa, pb] = a.rules.as_slice() else {
        return Err(CliError::Usage(format!(
            "diff takes exactly two --rules files (got {})",
            a.rules.len()
        )));
    };
    let (ra, rb) = (input::rules(Some(pa))?, input::rules(Some(pb))?);
    let labels = a.labels.as_deref().map(input::labels).transpose()?;
    let setup = DiffSetup {
        a: &ra,
        b: &rb,
        as_of: as_of_or_today(a.as_of),
        show: a.show,
        labels: labels.as_ref(),
    };
    let stats: DiffStats<'_> = super::run_counting(
        &a.input,
        a.batch,
        &a.link,
        setup.as_of,
        &setup,
        |input, linker, opts| setup.run_linked(input, linker, opts),
    )?;
    super::print_report(a.json, &setup.report(&stats))?;
    Ok(if stats.a.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
