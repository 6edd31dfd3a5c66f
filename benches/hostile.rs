//! Hostile input at batch scale: one line of 8, 16, 32 and 64 MiB (longer than the 1 MiB
//! limit) between 2,000 ordinary lines. The long line is skipped as it streams, so time per
//! byte stays flat as the line grows (linear time); before the streaming reader it was
//! quadratic (each read rescanned the growing block for a newline).
//!
//! Run: `cargo bench --bench hostile`. Each iteration checks its records.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use layer_risk::batch::{self, Options};
use layer_risk::{RuleSet, Scorer};

const GOOD: &str = r#"{"identity": {"name": {"first_name": "Leslie", "last_name": "Knope"}, "address": {"street": "123 Main St.", "city": "Pawnee", "region": "IN", "postal_code": "46001", "country": "US"}, "phone_number": "+14157452130", "date_of_birth": "1975-01-18", "ssn": "123456789", "ssn_last_4": "6789"}, "items": [{"item_id": "i"}], "request_id": "reqBench"}"#;

fn file_with_a_long_line(mib: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity((mib << 20) + 2_000 * (GOOD.len() + 1) + 64);
    for _ in 0..1_000 {
        data.extend_from_slice(GOOD.as_bytes());
        data.push(b'\n');
    }
    data.extend_from_slice(br#"{"identity": {"name": {"first_name": ""#);
    data.resize(data.len() + (mib << 20), b'x');
    data.extend_from_slice(b"\"}}}\n");
    for _ in 0..1_000 {
        data.extend_from_slice(GOOD.as_bytes());
        data.push(b'\n');
    }
    data
}

fn long_line(c: &mut Criterion) {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of);
    let mut g = c.benchmark_group("long_line");
    g.sample_size(10);
    for mib in [8usize, 16, 32, 64] {
        let data = file_with_a_long_line(mib);
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_with_input(
            BenchmarkId::from_parameter(format!("{mib}MiB")),
            &data,
            |b, data| {
                let mut out = Vec::with_capacity(1 << 20);
                b.iter(|| {
                    out.clear();
                    let s = batch::score(&data[..], &mut out, &scorer, Options::new(1), |_, _| {})
                        .unwrap_or_default();
                    assert_eq!((s.records(), s.error_count()), (2_001, 1));
                    black_box(&out);
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, long_line);
criterion_main!(benches);
