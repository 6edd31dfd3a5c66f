//! The command line: every command's arguments, as clap reads them.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use layer_risk::batch;

pub(crate) const EXAMPLES: &str = "\
Examples:
  layer-risk score examples/export.jsonl                  # default rules, today
  layer-risk score --rules rules/lending.json --as-of 2026-11-22 export.jsonl.gz > decisions.jsonl
  layer-risk score --link sqlite:link.sqlite --link-secret-file secret.key export.jsonl
  zcat export.jsonl.gz | layer-risk score --summary summary.json - > decisions.jsonl
  layer-risk assess tests/fixtures/seed_api_reference.json
  layer-risk diff --rules rules/default.json --rules rules/lending.json --labels labels.csv export.jsonl
  layer-risk score --shadow rules/lending.json export.jsonl > log.jsonl && layer-risk shadow-report --labels labels.csv log.jsonl
  layer-risk sweep --rules rules/default.json --labels labels.csv --plot sweep.svg export.jsonl
  layer-risk rules check rules/*.json
  layer-risk rules test --min-coverage 100 rules/*.json
  layer-risk summary compare --max-psi 0.1 --max-step-up-change 2 last-week.json today.json
  layer-risk gen --count 100000 --seed 7 --corrupt 0.01 --labels labels.csv > export.jsonl
  layer-risk gen --count 100000 --seed 1 --rings 0.02 --labels labels.csv --roles roles.csv > rings.jsonl

Exit status: 0 every line scored; 1 some lines were errors; 2 usage, input or rules-file error.";

#[derive(Parser)]
#[command(name = "layer-risk", version, about = "Decide whether to trust the identity Plaid Layer returns, or step the user up to Identity Match or Identity Verification.", after_help = EXAMPLES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Score a JSONL export: one /user_account/session/get response per line, one JSON record
    /// out per non-empty line, in input order.
    Score(ScoreArgs),
    /// Explain the decision on one response (a JSON file as saved from the API).
    Assess(AssessArgs),
    /// Replay one export through two rule sets and report what changes.
    Diff(DiffArgs),
    /// Rules files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a realistic synthetic export (JSONL), deterministic by seed.
    Gen(GenArgs),
    /// Sweep one rule set's tier thresholds against labels: step-up rate, recall and
    /// precision for each candidate threshold, optionally drawn as SVG.
    Sweep(SweepArgs),
    /// Summaries written by `score --summary`.
    #[command(subcommand)]
    Summary(SummaryCommand),
    /// Compare live against shadow decisions from a decision log (the records of
    /// `score --shadow`), in the shape of `diff`'s report.
    ShadowReport(ShadowReportArgs),
}

/// A `YYYY-MM-DD` argument, held to the library's one strict date rule.
fn date(s: &str) -> Result<NaiveDate, String> {
    layer_risk::parse_date(s)
        .ok_or_else(|| format!("`{s}` is not a calendar date written YYYY-MM-DD"))
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a fraction between 0 and 1")),
    }
}

/// Options shared by the commands that decide.
#[derive(Args, Clone)]
pub(crate) struct EvalArgs {
    /// Rules file (default: the embedded rules/default.json).
    #[arg(long, value_name = "FILE")]
    pub(crate) rules: Option<PathBuf>,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC). Ages are computed against it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub(crate) as_of: Option<NaiveDate>,
}

/// An evaluation date from the command line, or today (UTC): the only place the program
/// reads a clock.
pub(crate) fn as_of_or_today(as_of: Option<NaiveDate>) -> NaiveDate {
    as_of.unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// Options of the commands that read exports.
#[derive(Args, Clone, Copy)]
pub(crate) struct BatchArgs {
    /// Worker threads (default: all cores; at most 4 per core). 1 scores on this thread only.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// A longer line gets a `line_too_long` error record and is skipped without being read
    /// into memory (a Layer response is a few KB).
    #[arg(long, value_name = "BYTES", default_value_t = batch::DEFAULT_MAX_LINE_BYTES, value_parser = clap::value_parser!(usize))]
    max_line_bytes: usize,
}

impl BatchArgs {
    /// The batch options, with `--jobs` clamped to 4 per core (a note on stderr when it is).
    pub(crate) fn options(self) -> batch::Options {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let most = (4 * cores).min(batch::MAX_JOBS);
        let jobs = match self.jobs.filter(|&n| n > 0) {
            None => cores,
            Some(n) if n > most => {
                eprintln!("layer-risk: note: --jobs {n} is more than 4 per core; using {most}");
                most
            }
            Some(n) => n,
        };
        batch::Options::new(jobs).max_line_bytes(self.max_line_bytes.max(1))
    }
}

/// Linkage across sessions: where observations are kept and the secret their keys use.
#[derive(Args, Clone)]
pub(crate) struct LinkArgs {
    /// Link sessions across lines, in line order: `memory` (this run only),
    /// `sqlite:PATH` (a file, kept across runs) or `postgres:URL` (builds with the
    /// `link-postgres` feature). Needs --link-secret-file. Link rules price the history.
    #[arg(long, value_name = "STORE")]
    pub(crate) link: Option<String>,
    /// The linkage secret: the file's bytes (one trailing newline dropped), at least 32.
    #[arg(long, value_name = "FILE")]
    pub(crate) link_secret_file: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct ScoreArgs {
    #[command(flatten)]
    pub(crate) eval: EvalArgs,
    #[command(flatten)]
    pub(crate) batch: BatchArgs,
    #[command(flatten)]
    pub(crate) link: LinkArgs,
    /// Also write a JSON summary to FILE and a table to stderr.
    #[arg(long, value_name = "FILE")]
    pub(crate) summary: Option<PathBuf>,
    /// A challenger rules file decided beside the live rules on every line: each record
    /// carries its decision in `shadow`, the live decision untouched.
    #[arg(long, value_name = "FILE", conflicts_with = "rollout")]
    pub(crate) shadow: Option<PathBuf>,
    /// A challenger rules file that decides, as the live rules, for --rollout-share of users
    /// (by the envelope's `rollout_key`); the record says which `arm` decided.
    #[arg(long, value_name = "FILE", requires = "rollout_share")]
    pub(crate) rollout: Option<PathBuf>,
    /// The share of users (0 to 1) the --rollout challenger decides for.
    #[arg(long, value_name = "FRACTION", value_parser = fraction, requires = "rollout")]
    pub(crate) rollout_share: Option<f64>,
    /// No progress bar, even on a terminal.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// JSONL input, plain or gzip (detected); - for stdin.
    #[arg(default_value = "-")]
    pub(crate) input: PathBuf,
}

#[derive(Args)]
pub(crate) struct AssessArgs {
    #[command(flatten)]
    pub(crate) eval: EvalArgs,
    /// Print the JSON record instead of the explanation.
    #[arg(long)]
    pub(crate) json: bool,
    /// What the backend already knows about the user (JSON shaped like the response's
    /// `identity`, plus optional name.middle_name / name.full_name): compare it with Layer's.
    #[arg(long, value_name = "FILE")]
    pub(crate) applicant: Option<PathBuf>,
    /// One response as JSON (pretty or compact), or a {"session", "applicant"} envelope;
    /// - for stdin.
    pub(crate) input: PathBuf,
}

#[derive(Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct DiffArgs {
    /// The two rules files, current first: --rules A.json --rules B.json.
    #[arg(long, value_name = "FILE", num_args = 1, required = true)]
    pub(crate) rules: Vec<PathBuf>,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub(crate) as_of: Option<NaiveDate>,
    /// Show up to N requests that changed tier.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) show: usize,
    /// CSV of `request_id,label` (fraud or legit): adds recall and precision.
    #[arg(long, value_name = "FILE")]
    pub(crate) labels: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) batch: BatchArgs,
    #[command(flatten)]
    pub(crate) link: LinkArgs,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// JSONL input, plain or gzip; - for stdin.
    #[arg(default_value = "-")]
    pub(crate) input: PathBuf,
}

#[derive(Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct SweepArgs {
    /// The rules file whose tiers are swept.
    #[arg(long, value_name = "FILE")]
    pub(crate) rules: PathBuf,
    /// CSV of `request_id,label` (fraud or legit), as for `diff --labels`.
    #[arg(long, value_name = "FILE")]
    pub(crate) labels: PathBuf,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub(crate) as_of: Option<NaiveDate>,
    #[command(flatten)]
    pub(crate) batch: BatchArgs,
    #[command(flatten)]
    pub(crate) link: LinkArgs,
    /// Also draw recall against step-up rate for the identity_match candidates, as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub(crate) plot: Option<PathBuf>,
    /// Print the table as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// JSONL input, plain or gzip; - for stdin.
    #[arg(default_value = "-")]
    pub(crate) input: PathBuf,
}

#[derive(Subcommand)]
pub(crate) enum RulesCommand {
    /// Check rules files; exit 2 with located messages when one is wrong.
    Check {
        /// Rules files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List every finding code with what it means.
    Codes,
    /// Run each rules file's test cases (rules/NAME.tests.jsonl beside rules/NAME.json):
    /// one line per failing case, the rules and priced codes no case exercised, and
    /// `N passed, M failed`. Exit 0 all pass, 1 a case failed or coverage is below
    /// --min-coverage, 2 a file or case does not load.
    Test {
        /// Fail (exit 1) when a file's cases exercise less than PCT percent of its edit
        /// rules, match rules and priced codes.
        #[arg(long, value_name = "PCT", default_value_t = 0.0)]
        min_coverage: f64,
        /// Rules files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Args)]
pub(crate) struct GenArgs {
    /// Lines to write.
    #[arg(long, default_value_t = 1000)]
    pub(crate) count: u64,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Share of lines that are corrupt (truncated, invalid UTF-8, wrong types, ...).
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub(crate) corrupt: f64,
    /// Share of phone numbers outside +1 (Layer returns US numbers only: 0 by default).
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub(crate) non_us: f64,
    /// Share of lines written as {"session": ..., "applicant": ...} envelopes.
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub(crate) applicants: f64,
    /// The date ages are generated against (default 2026-01-01, so output does not depend on today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = date)]
    pub(crate) as_of: Option<NaiveDate>,
    /// Also write labels (CSV request_id,label) to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) labels: Option<PathBuf>,
    /// Share of lines planted in rings (SSN reuse, shared phone or email, address farms,
    /// retry bursts; labelled fraud), and as many in households (labelled legit); with it
    /// every line carries an `observed_at`, five minutes apart.
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    pub(crate) rings: f64,
    /// Also write each line's linkage role (CSV request_id,role) to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) roles: Option<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ShadowReportArgs {
    /// CSV of `request_id,label` (fraud or legit): adds recall and precision.
    #[arg(long, value_name = "FILE")]
    pub(crate) labels: Option<PathBuf>,
    /// Show up to N requests whose shadow decision differs.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) show: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// The decision log (records of `score --shadow`), plain or gzip; - for stdin.
    #[arg(default_value = "-")]
    pub(crate) input: PathBuf,
}

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
    pub(crate) max_psi: Option<f64>,
    /// Exit 1 when the step-up rate moved by more than PCT percentage points either way.
    #[arg(long, value_name = "PCT")]
    pub(crate) max_step_up_change: Option<f64>,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// The older summary (e.g. last week's).
    pub(crate) old: PathBuf,
    /// The newer summary.
    pub(crate) new: PathBuf,
}
