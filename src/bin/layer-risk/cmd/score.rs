//! `layer-risk score`: one record per line of an export.

use std::io;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Instant;

use layer_risk::batch::{self, Summary};
use layer_risk::Scorer;

use crate::args::{as_of_or_today, ScoreArgs};
use crate::error::{CliError, Context};
use crate::input;

pub(crate) fn run(a: ScoreArgs) -> Result<ExitCode, CliError> {
    let rules = input::rules(a.eval.rules.as_deref())?;
    let mut scorer = Scorer::new(rules, as_of_or_today(a.eval.as_of));
    if let Some(path) = &a.shadow {
        scorer = scorer.with_shadow(input::rules(Some(path))?);
    }
    if let (Some(path), Some(share)) = (&a.rollout, a.rollout_share) {
        scorer = scorer.with_rollout(input::rules(Some(path))?, share);
    }
    let mut link = crate::link::open(&a.link, scorer.as_of())?;
    let input = input::open(&a.input)?;
    let bar = input::progress_bar(a.quiet, input.size);
    let started = Instant::now();
    let raw_read = input.raw_read.clone();
    let out = io::BufWriter::with_capacity(1 << 20, io::stdout());
    let progress = |_, lines| {
        if let Some(bar) = &bar {
            bar.set_position(raw_read.load(Ordering::Relaxed));
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{lines} lines, {:.0} lines/s", lines as f64 / secs));
        }
    };
    let opts = a.batch.options();
    let summary: Summary<'_> = match &mut link {
        None => batch::score(input.reader, out, &scorer, opts, progress),
        Some(link) => batch::score_linked(
            input.reader,
            out,
            &scorer,
            &mut link.linker(),
            opts,
            progress,
        ),
    }
    .map_err(CliError::io)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &a.summary {
        let report = summary.report(scorer.rules().id());
        let json =
            serde_json::to_string_pretty(&report).map_err(|e| CliError::Output(e.to_string()))?;
        std::fs::write(path, json + "\n").writing(|| format!("cannot write {}", path.display()))?;
        eprint!("{report}");
    }
    Ok(if summary.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
