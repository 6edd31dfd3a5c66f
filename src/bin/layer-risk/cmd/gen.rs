//! `layer-risk gen`: a synthetic export, deterministic by seed.

use std::fs::File;
use std::io::{self, Write};
use std::process::ExitCode;

use crate::args::GenArgs;
use crate::error::{CliError, Context};

pub(crate) fn run(a: GenArgs) -> Result<ExitCode, CliError> {
    use layer_risk::gen::{write_export, GenConfig};
    let defaults = GenConfig::default();
    let cfg = GenConfig {
        count: a.count,
        seed: a.seed,
        corrupt: a.corrupt,
        non_us_share: a.non_us,
        applicant_share: a.applicants,
        as_of: a.as_of.unwrap_or(defaults.as_of),
        rings: a.rings,
    };
    if let Some(p) = &a.roles {
        let mut w = io::BufWriter::new(
            File::create(p).writing(|| format!("cannot create {}", p.display()))?,
        );
        layer_risk::gen::write_roles(&cfg, &mut w)
            .writing(|| format!("cannot write {}", p.display()))?;
    }
    let mut labels = match &a.labels {
        Some(p) => Some(io::BufWriter::new(
            File::create(p).writing(|| format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };
    let labels_dyn = labels.as_mut().map(|w| w as &mut dyn Write);
    let summary = match &a.out {
        Some(p) => {
            let mut w = io::BufWriter::new(
                File::create(p).writing(|| format!("cannot create {}", p.display()))?,
            );
            write_export(&cfg, &mut w, labels_dyn)
        }
        None => write_export(&cfg, &mut io::stdout().lock(), labels_dyn),
    }
    .map_err(CliError::io)?;
    eprintln!(
        "gen: {} lines ({} corrupt, {} envelopes), labels: {} fraud, {} legit",
        summary.lines, summary.corrupt, summary.envelopes, summary.fraud, summary.legit
    );
    Ok(ExitCode::SUCCESS)
}
