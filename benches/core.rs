//! Benchmarks of the real scoring path, on exports from the synthetic generator.
//!
//! Run: `cargo bench --bench core` (add `-- --quick` for a fast pass). Each bench checks its
//! result (counts of decisions and errors) so the optimizer cannot drop the work.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use layer_risk::batch::{self, Summary};
use layer_risk::gen::{GenConfig, Generator};
use layer_risk::{batch::DEFAULT_MAX_LINE_BYTES, parse_session, RuleSet};
use layer_risk::{LineResult, Scorer};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// `count` generated lines (no corrupt ones), as strings.
fn lines(count: u64, seed: u64) -> Vec<String> {
    let mut g = Generator::new(GenConfig {
        count,
        seed,
        ..GenConfig::default()
    });
    let mut out = Vec::new();
    let mut buf = Vec::new();
    while g.next_line(&mut buf).is_some() {
        out.push(String::from_utf8(std::mem::take(&mut buf)).unwrap());
    }
    out
}

fn export(count: u64, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let cfg = GenConfig {
        count,
        seed,
        corrupt: 0.01,
        ..GenConfig::default()
    };
    layer_risk::gen::write_export(&cfg, &mut out, None).unwrap();
    out
}

fn per_line(c: &mut Criterion) {
    let rules = RuleSet::embedded_default();
    let lines = lines(1_000, 7);
    let bytes: u64 = lines.iter().map(|l| l.len() as u64).sum();
    let mut g = c.benchmark_group("per_line");
    g.throughput(Throughput::Elements(lines.len() as u64));

    g.bench_function("parse_only", |b| {
        b.iter(|| {
            let ok = lines
                .iter()
                .filter(|l| parse_session(black_box(l)).is_ok())
                .count();
            assert_eq!(ok, lines.len());
        })
    });

    // Parse and decide, no record: less `parse_only`, what deciding costs.
    let scorer = Scorer::new(rules.clone(), as_of());
    g.bench_function("parse_assess", |b| {
        b.iter(|| {
            let mut stepped = 0;
            for l in &lines {
                let d = scorer
                    .assess(black_box(l.as_bytes()), &layer_risk::Context::NONE)
                    .unwrap();
                stepped += usize::from(d.outcome != layer_risk::Outcome::Trust);
            }
            assert!(stepped > 0 && stepped < lines.len());
        })
    });

    g.bench_function("parse_assess_record", |b| {
        let mut out = Vec::with_capacity(1 << 20);
        b.iter(|| {
            out.clear();
            let mut summary = Summary::default();
            for (i, l) in lines.iter().enumerate() {
                if let LineResult::Decided(d) = scorer.record(
                    Some(i as u64 + 1),
                    l.as_bytes(),
                    DEFAULT_MAX_LINE_BYTES,
                    &mut out,
                ) {
                    summary.add(&d);
                }
            }
            assert_eq!(summary.decided(), lines.len() as u64);
            black_box(&out);
        })
    });
    g.finish();
    eprintln!(
        "per_line: {} lines, {:.0} bytes/line",
        lines.len(),
        bytes as f64 / lines.len() as f64
    );
}

fn end_to_end(c: &mut Criterion) {
    let rules = RuleSet::embedded_default();
    let data = export(100_000, 11);
    let nonempty = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count() as u64;
    let mut g = c.benchmark_group("batch_100k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(nonempty));
    for jobs in [1usize, 2] {
        g.bench_function(format!("score_jobs{jobs}"), |b| {
            b.iter_batched(
                || Vec::with_capacity(data.len()),
                |mut out| {
                    let scorer = Scorer::new(rules.clone(), as_of());
                    let s: Summary<'_> = batch::score(
                        &data[..],
                        &mut out,
                        &scorer,
                        batch::Options::new(jobs),
                        |_, _| {},
                    )
                    .unwrap();
                    assert_eq!(s.records(), nonempty);
                    assert!(s.error_count() > 0);
                    out
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, per_line, end_to_end);
criterion_main!(benches);
