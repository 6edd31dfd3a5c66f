//! Linkage across sessions: scoring with the memory store against scoring without linkage,
//! and observations per second of each store.
//!
//! Run: `cargo bench --bench link` (add `--features link-postgres` and set
//! LAYER_RISK_TEST_POSTGRES_URL, key=value form with dbname, for the PostgreSQL store; it is
//! skipped otherwise, saying so). Each bench checks its result.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use layer_risk::batch::{self, Linker};
use layer_risk::gen::{GenConfig, Generator};
use layer_risk::link::{LinkKeys, LinkSecret, LinkStore, MemoryStore, Retention, SqliteStore};
use layer_risk::{RuleSet, Scorer};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn secret() -> LinkSecret {
    LinkSecret::from_bytes(b"bench-link-secret-0123456789abcdef0123".to_vec()).unwrap()
}

/// A ring export (2% rings and as many household lines, every line stamped), 1% corrupt.
fn export(count: u64) -> Vec<u8> {
    let cfg = GenConfig {
        count,
        seed: 1,
        corrupt: 0.01,
        rings: 0.02,
        ..GenConfig::default()
    };
    let mut out = Vec::new();
    layer_risk::gen::write_export(&cfg, &mut out, None).unwrap();
    out
}

/// The keys and times of `count` generated ring-export lines.
fn observations(count: u64) -> Vec<(LinkKeys, i64)> {
    let s = secret();
    let mut g = Generator::new(GenConfig {
        count,
        seed: 2,
        rings: 0.02,
        ..GenConfig::default()
    });
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    while g.next_line(&mut buf).is_some() {
        out.push((s.keys_of(&buf).unwrap(), g.observed_at(i)));
        buf.clear();
        i += 1;
    }
    out
}

fn scoring(c: &mut Criterion) {
    let scorer = Scorer::new(RuleSet::embedded_default().clone(), as_of());
    let data = export(100_000);
    let s = secret();
    let mut g = c.benchmark_group("link_score_100k");
    g.throughput(Throughput::Elements(100_000));
    g.sample_size(10);
    g.bench_function("without_link_jobs1", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(data.len());
            let sum = batch::score(
                &data[..],
                &mut out,
                &scorer,
                batch::Options::new(1),
                |_, _| {},
            )
            .unwrap();
            assert_eq!(sum.records(), 100_000);
            black_box(out.len())
        })
    });
    g.bench_function("memory_store_jobs1", |b| {
        b.iter(|| {
            let mut store = MemoryStore::default();
            let mut linker = Linker {
                store: &mut store,
                secret: &s,
                default_time: 0,
            };
            let mut out = Vec::with_capacity(data.len());
            let sum = batch::score_linked(
                &data[..],
                &mut out,
                &scorer,
                &mut linker,
                batch::Options::new(1),
                |_, _| {},
            )
            .unwrap();
            assert_eq!(sum.records(), 100_000);
            assert!(store.observations() > 98_000);
            black_box(out.len())
        })
    });
    g.finish();
}

fn stores(c: &mut Criterion) {
    let obs = observations(10_000);
    let mut g = c.benchmark_group("link_observe");
    g.throughput(Throughput::Elements(obs.len() as u64));
    g.bench_function("memory", |b| {
        b.iter(|| {
            let mut store = MemoryStore::default();
            let mut linked = 0;
            for (k, t) in &obs {
                let h = store.observe(k, *t).unwrap();
                linked += usize::from(h != layer_risk::link::LinkHistory::default());
            }
            assert!(linked > 100, "{linked}");
            black_box(linked)
        })
    });
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    let dir = std::env::temp_dir().join(format!("layer-risk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut n = 0;
    g.bench_function("sqlite", |b| {
        b.iter_batched(
            || {
                n += 1;
                let p = dir.join(format!("b{n}.sqlite"));
                SqliteStore::open(&p, Retention::default()).unwrap()
            },
            |mut store| {
                for (k, t) in &obs {
                    black_box(store.observe(k, *t).unwrap());
                }
            },
            BatchSize::PerIteration,
        )
    });
    #[cfg(feature = "link-postgres")]
    match std::env::var("LAYER_RISK_TEST_POSTGRES_URL") {
        Ok(url) => {
            g.bench_function("postgres", |b| {
                b.iter_batched(
                    || {
                        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                        c.batch_execute("DROP TABLE IF EXISTS link_meta, link_pairs, link_sessions, link_ssn_seen").unwrap();
                        layer_risk::link::PostgresStore::connect(&url, Retention::default()).unwrap()
                    },
                    |mut store| {
                        for (k, t) in &obs {
                            black_box(store.observe(k, *t).unwrap());
                        }
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        Err(_) => {
            eprintln!("link_observe/postgres: skipped (LAYER_RISK_TEST_POSTGRES_URL is not set)")
        }
    }
    #[cfg(not(feature = "link-postgres"))]
    eprintln!("link_observe/postgres: skipped (built without --features link-postgres)");
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, scoring, stores);
criterion_main!(benches);
