//! `layer-risk rules check|codes|test`: rules files checked, every code listed, test cases
//! beside each file run with their coverage.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use layer_risk::rulestest::{self, Case, Covered, TestReport};
use layer_risk::{FixedSemantics, RuleSet};

use crate::args::RulesCommand;
use crate::error::{CliError, Context};
use crate::input;

pub(crate) fn run(cmd: RulesCommand) -> Result<ExitCode, CliError> {
    match cmd {
        RulesCommand::Check { files } => check(&files),
        RulesCommand::Codes => codes(),
        RulesCommand::Test {
            min_coverage,
            files,
        } => test(&files, min_coverage),
    }
}

/// Each file: `ok` with its identity and what the engine fixes whatever it says, or its
/// located message (bare, `FILE:LINE:COL: ...`, as editors and CI read it). Exit 2 when one
/// does not load.
fn check(files: &[PathBuf]) -> Result<ExitCode, CliError> {
    let mut bad = 0;
    for p in files {
        match input::rules(Some(p)) {
            Ok(r) => {
                let id = r.id();
                let link = match r.link_rules().len() {
                    0 => String::new(),
                    n => format!(", {n} link rules"),
                };
                println!(
                    "{}: ok: {} {} sha256 {} ({} edit rules, {} match rules, {} signal rules, {} combined rules{link})",
                    p.display(),
                    id.name,
                    id.version,
                    id.sha256,
                    r.edit_rules().len(),
                    r.match_rules().len(),
                    r.signal_rules().len(),
                    r.combined_rules().len()
                );
                print!("{}", FixedSemantics::of(&r));
            }
            Err(CliError::Rules(e)) => {
                eprintln!("{e}");
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

fn codes() -> Result<ExitCode, CliError> {
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
        .map_err(CliError::io)?;
    }
    writeln!(
        out,
        "{:<28} {:<22} {:<13} an edit rule of the rules file fired (rule_id says which)",
        layer_risk::EDIT_RULE,
        "(rule's field)",
        "rule"
    )
    .map_err(CliError::io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} a match rule fired: an identity-consistency score below its `below`",
        layer_risk::MATCH_RULE,
        "(rule's field)",
        "rule"
    )
    .map_err(CliError::io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} a combined rule fired: every reason of its all_of is in the decision",
        layer_risk::COMBINED_RULE,
        "(its parts' field)",
        "rule"
    )
    .map_err(CliError::io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} a signal rule fired: a Plaid verdict (Trust Index, IDV risk score) past its bound",
        layer_risk::SIGNAL_RULE,
        "(rule's signal)",
        "rule"
    )
    .map_err(CliError::io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} identity_match raised to identity_verification: no linked Item to match against",
        layer_risk::IDENTITY_MATCH_UNAVAILABLE,
        "items",
        "rule"
    )
    .map_err(CliError::io)?;
    writeln!(
        out,
        "{:<28} {:<22} {:<13} a link rule fired: a signal of the link history reached its at_least (signal, window, observed)",
        layer_risk::LINK_RULE,
        "(signal's key)",
        "rule"
    )
    .map_err(CliError::io)?;
    Ok(ExitCode::SUCCESS)
}

/// A rules file with its test cases (`NAME.tests.jsonl` beside it).
fn load_with_cases(p: &Path) -> Result<(String, RuleSet, Vec<Case>), CliError> {
    let rules = input::rules(Some(p))?;
    let path = rulestest::sidecar(&p.display().to_string());
    let text = std::fs::read_to_string(&path)
        .reading(|| format!("cannot read the test cases of {}: {path}", p.display()))?;
    let cases = rulestest::load_cases(&text, &path, &rules)?;
    Ok((path, rules, cases))
}

/// Exit 0 when every case passes and coverage is at least `min_coverage` for every file; 1
/// otherwise; 2 when a rules file or a case file does not load.
fn test(files: &[PathBuf], min_coverage: f64) -> Result<ExitCode, CliError> {
    // Load everything first: a file that does not load is exit 2 whatever the cases say.
    // Located messages are printed bare, `FILE:LINE:COL: ...`, as `rules check` does.
    let mut loaded = Vec::new();
    for p in files {
        match load_with_cases(p) {
            Ok((path, rules, cases)) => loaded.push((p, path, rules, cases)),
            Err(CliError::Rules(e)) => {
                eprintln!("{e}");
                return Ok(ExitCode::from(2));
            }
            Err(CliError::Input(msg)) => {
                eprintln!("{msg}");
                return Ok(ExitCode::from(2));
            }
            Err(other) => return Err(other),
        }
    }
    let mut out = io::stdout().lock();
    let (mut passed, mut failed, mut below) = (0, 0, false);
    for (p, path, rules, cases) in &loaded {
        let report = rulestest::run(cases, rules);
        write_report(
            &mut out,
            &p.display().to_string(),
            path,
            &report,
            min_coverage,
        )
        .map_err(CliError::io)?;
        passed += report.passed();
        failed += report.failed();
        below |= report.coverage.percent() < min_coverage;
    }
    writeln!(out, "{passed} passed, {failed} failed").map_err(CliError::io)?;
    Ok(if failed > 0 || below {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `hit/all` and the ids no case exercised.
fn part(items: &[Covered]) -> (String, Vec<&str>) {
    let hit = items.iter().filter(|c| c.cases > 0).count();
    let miss = items
        .iter()
        .filter(|c| c.cases == 0)
        .map(|c| c.id.as_str())
        .collect();
    (format!("{hit}/{}", items.len()), miss)
}

fn write_report(
    out: &mut impl Write,
    rules_path: &str,
    path: &str,
    report: &TestReport,
    min_coverage: f64,
) -> io::Result<()> {
    writeln!(
        out,
        "{rules_path}: {} cases ({path}): {} passed, {} failed",
        report.cases.len(),
        report.passed(),
        report.failed()
    )?;
    for c in report.cases.iter().filter(|c| !c.passed()) {
        let with = if c.expect.reasons.is_empty() {
            String::new()
        } else {
            format!(" with {}", c.expect.reasons.join(", "))
        };
        let missing = if c.missing.is_empty() {
            String::new()
        } else {
            format!("; missing {}", c.missing.join(", "))
        };
        writeln!(
            out,
            "{path}:{}: case {}: expected {}{with}, got {} (score {}; reasons: {}{missing})",
            c.line,
            c.name,
            c.expect.decision,
            c.decision,
            c.score,
            if c.reasons.is_empty() {
                "none".to_owned()
            } else {
                c.reasons.join(", ")
            }
        )?;
    }
    let cov = &report.coverage;
    let (e, e_miss) = part(&cov.edit_rules);
    let (m, m_miss) = part(&cov.match_rules);
    let (c, c_miss) = part(&cov.combined_rules);
    let (s, s_miss) = part(&cov.signal_rules);
    let (l, l_miss) = part(&cov.link_rules);
    let (f, f_miss) = part(&cov.priced_codes);
    let link = if cov.link_rules.is_empty() {
        String::new()
    } else {
        format!(", link rules {l}")
    };
    let pct = cov.percent();
    let bar = if pct < min_coverage {
        format!(" (below --min-coverage {min_coverage}%)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "  coverage {pct:.1}%{bar}: edit rules {e}, match rules {m}, combined rules {c}, signal rules {s}{link}, priced codes {f}"
    )?;
    for (what, miss) in [
        ("edit rules", e_miss),
        ("match rules", m_miss),
        ("combined rules", c_miss),
        ("signal rules", s_miss),
        ("link rules", l_miss),
        ("priced codes", f_miss),
    ] {
        if !miss.is_empty() {
            writeln!(out, "  not exercised: {what}: {}", miss.join(", "))?;
        }
    }
    Ok(())
}
