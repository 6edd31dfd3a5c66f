//! `layer-risk`: the command-line shell over the `layer_risk` library.
//!
//! Exit status: 0 when every line was scored, 1 when some lines were errors, 2 for usage,
//! input-file or rules-file errors. Records go to stdout, everything for people to stderr.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow_lite::{Context, Fail};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use layer_risk::batch::{self, Summary};
use layer_risk::{RuleSet, Scorer};

mod anyhow_lite;
mod diff;
mod rules_test;
mod summary;
mod sweep;

const EXAMPLES: &str = "\
Examples:
  layer-risk score examples/export.jsonl                  # default rules, today
  layer-risk score --rules rules/lending.json --as-of 2026-11-22 export.jsonl.gz > decisions.jsonl
  zcat export.jsonl.gz | layer-risk score --summary summary.json - > decisions.jsonl
  layer-risk assess tests/fixtures/seed_api_reference.json
  layer-risk diff --rules rules/default.json --rules rules/lending.json --labels labels.csv export.jsonl
  layer-risk sweep --rules rules/default.json --labels labels.csv --plot sweep.svg export.jsonl
  layer-risk rules check rules/*.json
  layer-risk rules test --min-coverage 100 rules/*.json
  layer-risk summary compare --max-psi 0.1 --max-step-up-change 2 last-week.json today.json
  layer-risk gen --count 100000 --seed 7 --corrupt 0.01 --labels labels.csv > export.jsonl

Exit status: 0 every line scored; 1 some lines were errors; 2 usage, input or rules-file error.";

#[derive(Parser)]
#[command(name = "layer-risk", version, about = "Decide whether to trust the identity Plaid Layer returns, or step the user up to Identity Match or Identity Verification.", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score a JSONL export: one /user_account/session/get response per line, one JSON record
    /// out per non-empty line, in input order.
    Score(ScoreArgs),
    /// Explain the decision on one response (a JSON file as saved from the API).
    Assess(AssessArgs),
    /// Replay one export through two rule sets and report what changes.
    Diff(diff::DiffArgs),
    /// Rules files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Write a realistic synthetic export (JSONL), deterministic by seed.
    Gen(GenArgs),
    /// Sweep one rule set's tier thresholds against labels: step-up rate, recall and
    /// precision for each candidate threshold, optionally drawn as SVG.
    Sweep(sweep::SweepArgs),
    /// Summaries written by `score --summary`.
    #[command(subcommand)]
    Summary(summary::SummaryCommand),
}

#[derive(Args)]
struct GenArgs {
    /// Lines to write.
    #[arg(long, default_value_t = 1000)]
    count: u64,
    /// Seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of lines that are corrupt (truncated, invalid UTF-8, wrong types, ...).
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    corrupt: f64,
    /// Share of phone numbers outside +1 (Layer returns US numbers only: 0 by default).
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    non_us: f64,
    /// Share of lines written as {"session": ..., "applicant": ...} envelopes.
    #[arg(long, default_value_t = 0.0, value_parser = fraction)]
    applicants: f64,
    /// The date ages are generated against (default 2026-01-01, so output does not depend on today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Also write labels (CSV request_id,label) to FILE.
    #[arg(long, value_name = "FILE")]
    labels: Option<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    out: Option<PathBuf>,
}

fn fraction(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a fraction between 0 and 1")),
    }
}

#[derive(Subcommand)]
enum RulesCommand {
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

/// Options shared by the commands that decide.
#[derive(Args, Clone)]
struct EvalArgs {
    /// Rules file (default: the embedded rules/default.json).
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC). Ages are computed against it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
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

#[derive(Args)]
struct ScoreArgs {
    #[command(flatten)]
    eval: EvalArgs,
    #[command(flatten)]
    batch: BatchArgs,
    /// Also write a JSON summary to FILE and a table to stderr.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// No progress bar, even on a terminal.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// JSONL input, plain or gzip (detected); - for stdin.
    #[arg(default_value = "-")]
    input: PathBuf,
}

#[derive(Args)]
struct AssessArgs {
    #[command(flatten)]
    eval: EvalArgs,
    /// Print the JSON record instead of the explanation.
    #[arg(long)]
    json: bool,
    /// What the backend already knows about the user (JSON shaped like the response's
    /// `identity`, plus optional name.middle_name / name.full_name): compare it with Layer's.
    #[arg(long, value_name = "FILE")]
    applicant: Option<PathBuf>,
    /// One response as JSON (pretty or compact), or a {"session", "applicant"} envelope;
    /// - for stdin.
    input: PathBuf,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| format!("`{s}` is not a calendar date written YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(a) => score(a),
        Command::Assess(a) => assess(a),
        Command::Diff(a) => diff::run(a),
        Command::Rules(RulesCommand::Check { files }) => rules_check(&files),
        Command::Rules(RulesCommand::Codes) => rules_codes(),
        Command::Rules(RulesCommand::Test {
            min_coverage,
            files,
        }) => rules_test::run(&files, min_coverage),
        Command::Gen(a) => gen(a),
        Command::Summary(c) => summary::run(c),
        Command::Sweep(a) => sweep::run(a),
    };
    match result {
        Ok(code) => code,
        Err(Fail::BrokenPipe) => ExitCode::SUCCESS,
        Err(Fail::Usage(msg)) => {
            eprintln!("layer-risk: {msg}");
            ExitCode::from(2)
        }
    }
}

impl EvalArgs {
    fn as_of(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

/// Run `f` over the lines of an input file (or stdin) with the batch options, for the
/// commands that count rather than write records (`diff`, `sweep`).
pub(crate) fn run_counting<S: layer_risk::batch::Merge>(
    path: &Path,
    opts: BatchArgs,
    f: &impl layer_risk::batch::LineFn<S>,
) -> Result<S, Fail> {
    let input = open_input(path)?;
    batch::run(input.reader, io::sink(), opts.options(), f, |_, _| {}).map_err(Fail::from_io)
}

/// Print a report to stdout: pretty JSON with `--json`, its `Display` page otherwise.
pub(crate) fn print_report(
    json: bool,
    report: &(impl serde::Serialize + std::fmt::Display),
) -> Result<(), Fail> {
    let mut out = io::stdout().lock();
    if json {
        let text = serde_json::to_string_pretty(report).map_err(|e| Fail::Usage(e.to_string()))?;
        writeln!(out, "{text}").map_err(Fail::from_io)
    } else {
        write!(out, "{report}").map_err(Fail::from_io)
    }
}

/// Load a rules file, or the embedded default.
fn load_rules(path: Option<&Path>) -> Result<RuleSet, Fail> {
    match path {
        None => Ok(RuleSet::embedded_default().clone()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .context(format!("cannot read rules file {}", p.display()))?;
            RuleSet::from_json(&text, &p.display().to_string())
                .map_err(|e| Fail::Usage(e.to_string()))
        }
    }
}

/// Counts the compressed bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// An input: file or stdin, gzip detected by its magic bytes.
struct Input {
    reader: Box<dyn Read + Send>,
    /// Size of the file in bytes, when it is one.
    size: Option<u64>,
    /// Raw bytes read so far (compressed bytes for gzip).
    raw_read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

fn open_input(path: &Path) -> Result<Input, Fail> {
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (raw, size): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let f = File::open(path).context(format!("cannot open {}", path.display()))?;
        let size = f.metadata().ok().map(|m| m.len());
        (Box::new(f), size)
    };
    // Sniff the gzip magic without a BufReader in the way, so plain input is read straight
    // into the batch engine's blocks (one copy fewer).
    let mut counting = Counting {
        inner: raw,
        count: count.clone(),
    };
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match counting.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Fail::Usage(format!("cannot read {}: {e}", path.display()))),
        }
    }
    let head = io::Cursor::new(magic[..got].to_vec());
    let reader: Box<dyn Read + Send> = if magic[..got] == [0x1f, 0x8b] {
        let buffered = BufReader::with_capacity(1 << 20, head.chain(counting));
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(head.chain(counting))
    };
    Ok(Input {
        reader,
        size,
        raw_read: count,
    })
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
fn progress_bar(quiet: bool, size: Option<u64>) -> Option<indicatif::ProgressBar> {
    if quiet || !io::stderr().is_terminal() {
        return None;
    }
    let style = match size {
        Some(_) => indicatif::ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {msg} eta {eta}",
        ),
        None => indicatif::ProgressStyle::with_template("{spinner} {bytes} read {msg}"),
    }
    .ok()?;
    let bar = match size {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_style(style);
    Some(bar)
}

fn score(a: ScoreArgs) -> Result<ExitCode, Fail> {
    let rules = load_rules(a.eval.rules.as_deref())?;
    let as_of = a.eval.as_of();
    let input = open_input(&a.input)?;
    let bar = progress_bar(a.quiet, input.size);
    let started = Instant::now();
    let raw_read = input.raw_read.clone();
    let out = io::BufWriter::with_capacity(1 << 20, io::stdout());
    let scorer = Scorer::new(rules, as_of);
    let summary: Summary<'_> =
        batch::score(input.reader, out, &scorer, a.batch.options(), |_, lines| {
            if let Some(bar) = &bar {
                bar.set_position(raw_read.load(std::sync::atomic::Ordering::Relaxed));
                let secs = started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!("{lines} lines, {:.0} lines/s", lines as f64 / secs));
            }
        })
        .map_err(Fail::from_io)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(path) = &a.summary {
        let report = summary.report(scorer.rules().id());
        let json = serde_json::to_string_pretty(&report).map_err(|e| Fail::Usage(e.to_string()))?;
        std::fs::write(path, json + "\n").context(format!("cannot write {}", path.display()))?;
        eprint!("{report}");
    }
    Ok(if summary.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn assess(a: AssessArgs) -> Result<ExitCode, Fail> {
    let rules = load_rules(a.eval.rules.as_deref())?;
    let read = |p: &Path| -> Result<Vec<u8>, Fail> {
        let mut text = Vec::new();
        open_input(p)?
            .reader
            .read_to_end(&mut text)
            .context(format!("cannot read {}", p.display()))?;
        Ok(text)
    };
    let text = read(&a.input)?;
    let applicant_text = a.applicant.as_deref().map(read).transpose()?;
    let report_error = |what: &Path, e: &layer_risk::ParseError| -> Result<ExitCode, Fail> {
        if a.json {
            let mut out = Vec::new();
            // The line of the error within the file (a saved response is pretty-printed).
            e.write_record(Some(e.line() as u64), &mut out);
            io::stdout().write_all(&out).map_err(Fail::from_io)?;
        } else {
            eprintln!("layer-risk: {}: {e}", what.display());
        }
        Ok(ExitCode::from(1))
    };
    let mut input = match layer_risk::parse_input_bytes(&text) {
        Ok(i) => i,
        Err(e) => return report_error(&a.input, &e),
    };
    if let (Some(t), Some(p)) = (&applicant_text, &a.applicant) {
        match layer_risk::parse_applicant_bytes(t) {
            Ok(app) => input.applicant = Some(app),
            Err(e) => return report_error(p, &e),
        }
    }
    let d = layer_risk::assess_input(&input, &rules, a.eval.as_of());
    let mut stdout = io::stdout().lock();
    if a.json {
        let json = serde_json::to_string(&d.record(1)).map_err(|e| Fail::Usage(e.to_string()))?;
        writeln!(stdout, "{json}").map_err(Fail::from_io)?;
    } else {
        write!(stdout, "{d}").map_err(Fail::from_io)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn rules_check(files: &[PathBuf]) -> Result<ExitCode, Fail> {
    let mut bad = 0;
    for p in files {
        match load_rules(Some(p)) {
            Ok(r) => {
                let id = r.id();
                println!(
                    "{}: ok: {} {} sha256 {} ({} edit rules, {} match rules)",
                    p.display(),
                    id.name,
                    id.version,
                    id.sha256,
                    r.edit_rules().len(),
                    r.match_rules().len()
                );
                print!("{}", fixed_semantics(&r));
            }
            Err(Fail::Usage(msg)) => {
                eprintln!("{msg}");
                bad += 1;
            }
            Err(other) => return Err(other),
        }
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// What a rules file cannot change, spelled out for the file at hand (`rules check`).
fn fixed_semantics(r: &RuleSet) -> String {
    use layer_risk::{Code, EditField, Field, MatchField};
    let join = |v: Vec<&str>| v.join(", ");
    let doubts: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.class().is_doubt() && c.field().is_identity())
        .map(|c| c.as_str())
        .collect();
    let unsettled = |f: Field| f.identity_match_settles() == Some(false);
    let iv_codes: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| unsettled(c.field()))
        .map(|c| c.as_str())
        .collect();
    let history = "edit_counts_missing, edit_windows_missing, edit_windows_not_nested on those fields' counts";
    let iv_rules: Vec<&str> = r
        .edit_rules()
        .iter()
        .filter(|e| matches!(e.field, EditField::Ssn | EditField::DateOfBirth))
        .map(|e| e.id.as_str())
        .chain(
            r.match_rules()
                .iter()
                .filter(|m| m.field == MatchField::DateOfBirth)
                .map(|m| m.id.as_str()),
        )
        .collect();
    let guards: Vec<String> = r
        .guardrails()
        .iter()
        .map(|g| format!("{} >= {}", g.key, g.at_least))
        .collect();
    let mut out = String::from(
        "  fixed by the engine, whatever the file says (rules/README.md, \"Outcome\"):\n",
    );
    out += &format!(
        "    never trust while one of these identity findings is present ({}): {}; and edit_windows_not_nested on the counts of name, address, date_of_birth or ssn\n",
        doubts.len(),
        join(doubts)
    );
    out += &format!(
        "    a step-up driven by one of these is identity_verification, never identity_match (Identity Match cannot compare a date of birth or an SSN): {}; {history}{}{}\n",
        join(iv_codes),
        if iv_rules.is_empty() { "" } else { "; rules " },
        join(iv_rules)
    );
    out += &format!(
        "    nothing forces trust; a passed IDV lowers the other points by {}% (idv_passed_discount) and lifts no force, guardrail or floor\n",
        r.idv_passed_discount()
    );
    out += &format!(
        "  guardrails of this file: {}\n",
        if guards.is_empty() {
            "none".to_owned()
        } else {
            guards.join(", ")
        }
    );
    out
}

fn rules_codes() -> Result<ExitCode, Fail> {
    let mut out = io::stdout().lock();
    for c in layer_risk::Code::ALL {
        writeln!(
            out,
            "{:<28} {:<22} {:<13} {}",
            c.as_str(),
            c.field().as_str(),
            c.class().as_str(),
            c.description()
        )
        .map_err(Fail::from_io)?;
    }
    writeln!(
        out,
        "{:<28} {:<22} {:<13} an edit rule of the rules file fired (rule_id says which)",
        layer_risk::EDIT_RULE,
        "(rule's field)",
        "rule"
    )
    .map_err(Fail::from_io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} a match rule fired: an identity-consistency score below its `below`",
        layer_risk::MATCH_RULE,
        "(rule's field)",
        "rule"
    )
    .map_err(Fail::from_io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} identity_match raised to identity_verification: no linked Item to match against",
        layer_risk::IDENTITY_MATCH_UNAVAILABLE,
        "items",
        "rule"
    )
    .map_err(Fail::from_io)?;
    Ok(ExitCode::SUCCESS)
}

fn gen(a: GenArgs) -> Result<ExitCode, Fail> {
    use layer_risk::gen::{write_export, GenConfig};
    let defaults = GenConfig::default();
    let cfg = GenConfig {
        count: a.count,
        seed: a.seed,
        corrupt: a.corrupt,
        non_us_share: a.non_us,
        applicant_share: a.applicants,
        as_of: a.as_of.unwrap_or(defaults.as_of),
    };
    let mut labels = match &a.labels {
        Some(p) => Some(io::BufWriter::new(
            File::create(p).context(format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };
    let labels_dyn = labels.as_mut().map(|w| w as &mut dyn Write);
    let summary = match &a.out {
        Some(p) => {
            let mut w = io::BufWriter::new(
                File::create(p).context(format!("cannot create {}", p.display()))?,
            );
            write_export(&cfg, &mut w, labels_dyn)
        }
        None => write_export(&cfg, &mut io::stdout().lock(), labels_dyn),
    }
    .map_err(Fail::from_io)?;
    eprintln!(
        "gen: {} lines ({} corrupt, {} envelopes), labels: {} fraud, {} legit",
        summary.lines, summary.corrupt, summary.envelopes, summary.fraud, summary.legit
    );
    Ok(ExitCode::SUCCESS)
}
