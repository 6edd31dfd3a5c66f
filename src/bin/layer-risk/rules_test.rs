//! `layer-risk rules test`: run each rules file's test cases (`NAME.tests.jsonl`) and report
//! failures and coverage.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use layer_risk::rulestest::{self, Covered, TestReport};

use crate::anyhow_lite::{Context, Fail};
use crate::load_rules;

/// Exit 0 when every case passes and coverage is at least `min_coverage` for every file; 1
/// otherwise; 2 when a rules file or a case file does not load.
pub(crate) fn run(files: &[PathBuf], min_coverage: f64) -> Result<ExitCode, Fail> {
    // Load everything first: a file that does not load is exit 2 whatever the cases say.
    // Located messages are printed bare, `FILE:LINE:COL: ...`, as `rules check` does.
    let mut loaded = Vec::new();
    for p in files {
        let load = || -> Result<_, Fail> {
            let rules = load_rules(Some(p))?;
            let path = rulestest::sidecar(&p.display().to_string());
            let text = std::fs::read_to_string(&path).context(format!(
                "cannot read the test cases of {}: {path}",
                p.display()
            ))?;
            let cases = rulestest::load_cases(&text, &path, &rules)
                .map_err(|e| Fail::Usage(e.to_string()))?;
            Ok((p, path, rules, cases))
        };
        match load() {
            Ok(l) => loaded.push(l),
            Err(Fail::Usage(msg)) => {
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
        .map_err(Fail::from_io)?;
        passed += report.passed();
        failed += report.failed();
        below |= report.coverage.percent() < min_coverage;
    }
    writeln!(out, "{passed} passed, {failed} failed").map_err(Fail::from_io)?;
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
    let (f, f_miss) = part(&cov.priced_codes);
    let pct = cov.percent();
    let bar = if pct < min_coverage {
        format!(" (below --min-coverage {min_coverage}%)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "  coverage {pct:.1}%{bar}: edit rules {e}, match rules {m}, priced codes {f}"
    )?;
    for (what, miss) in [
        ("edit rules", e_miss),
        ("match rules", m_miss),
        ("priced codes", f_miss),
    ] {
        if !miss.is_empty() {
            writeln!(out, "  not exercised: {what}: {}", miss.join(", "))?;
        }
    }
    Ok(())
}
