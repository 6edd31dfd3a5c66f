//! `layer-risk sweep`: tier thresholds against labels, as a table and a picture.

use std::process::ExitCode;

use layer_risk::sweep::{SweepReport, SweepSetup, SweepStats};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::args::{as_of_or_today, SweepArgs};
use crate::error::{CliError, Context};
use crate::input;

pub(crate) fn run(a: SweepArgs) -> Result<ExitCode, CliError> {
    let rules = input::rules(Some(&a.rules))?;
    let labels = input::labels(&a.labels)?;
    let setup = SweepSetup {
        rules: &rules,
        as_of: as_of_or_today(a.as_of),
        labels: &labels,
    };
    let stats: SweepStats = super::run_counting(
        &a.input,
        a.batch,
        &a.link,
        setup.as_of,
        &setup,
        |input, linker, opts| setup.run_linked(input, linker, opts),
    )?;
    let report = setup.report(&stats);
    if let Some(path) = &a.plot {
        let svg =
            plot(&report).map_err(|e| CliError::Output(format!("cannot draw the plot: {e}")))?;
        std::fs::write(path, svg).writing(|| format!("cannot write {}", path.display()))?;
    }
    super::print_report(a.json, &report)?;
    Ok(if stats.error_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Recall (y, %) against step-up rate (x, %) of the identity_match candidates: one polyline
/// through every candidate, in threshold order, a dot on each, the current one in red.
fn plot(r: &SweepReport) -> Result<String, Box<dyn std::error::Error>> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 600)).into_drawing_area();
        root.fill(&WHITE)?;
        let title = format!(
            "Threshold sweep: {} {}, identity_match tier ({} fraud, {} legit)",
            r.rules.name, r.rules.version, r.fraud, r.legit
        );
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..100f64, 0f64..100f64)?;
        chart
            .configure_mesh()
            .x_desc("step-up rate (% of labelled lines not trusted)")
            .y_desc("recall (% of fraud stepped up)")
            .draw()?;
        let points: Vec<(f64, f64)> = r
            .identity_match
            .iter()
            .map(|row| (row.step_up_rate * 100.0, row.recall * 100.0))
            .collect();
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE.stroke_width(2),
        ))?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))?;
        for (row, &p) in r
            .identity_match
            .iter()
            .zip(&points)
            .filter(|(row, _)| row.current)
        {
            chart.draw_series(std::iter::once(Circle::new(p, 7, RED.filled())))?;
            let label = format!(
                "current: identity_match at {} (step-up {:.1}%, recall {:.1}%)",
                row.threshold, p.0, p.1
            );
            // Left of the point when it is on the right half, so the text stays inside.
            let (dx, anchor) = if p.0 > 50.0 {
                (-2.0, Pos::new(HPos::Right, VPos::Center))
            } else {
                (2.0, Pos::new(HPos::Left, VPos::Center))
            };
            let style = TextStyle::from(("sans-serif", 15).into_font())
                .color(&RED)
                .pos(anchor);
            chart.draw_series(std::iter::once(Text::new(label, (p.0 + dx, p.1), style)))?;
        }
        root.present()?;
    }
    Ok(svg)
}
