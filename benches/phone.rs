//! Benchmarks of `layer_risk::validate::phone`.
//!
//! Groups:
//! * `phone/us`: 1,000 US numbers (750 valid by construction, 250 invalid by construction);
//! * `phone/many_regions`: 1,000 numbers from the metadata's example numbers of many
//!   regions (valid by the metadata's own consistency) and wrong-length variants;
//! * `phone/crate_us`: the `phonenumber` crate's own `parse` + `is_valid` on 100 of the
//!   US numbers, for comparison.
//!
//! Every benchmark counts the valid numbers and asserts the count, so the work
//! cannot be optimised away. Throughput is reported per number (`Elements`).
//!
//! Run: `cargo bench --bench phone -- --quick`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use layer_risk::gen::Rng;
use layer_risk::phone::{check, prepare};
use phonenumber::metadata::DATABASE;

/// Area codes that are US geographic codes in libphonenumber's fixed-line pattern.
const US_AREA_CODES: [&str; 24] = [
    "201", "202", "212", "213", "305", "310", "312", "404", "415", "469", "512", "602", "617",
    "646", "650", "702", "713", "720", "773", "808", "818", "917", "949", "971",
];

/// A draw in `0..n` from the crate's SplitMix64 stream, by remainder (not [`Rng::below`]) so the
/// data sets stay the ones the recorded figures were measured on.
fn below(rng: &mut Rng, n: u64) -> u64 {
    rng.next_u64() % n
}

/// 1,000 US numbers and how many of them are valid by construction.
fn us_numbers() -> (Vec<String>, usize) {
    let mut rng = Rng::new(0x5EED_0001);
    let mut out = Vec::with_capacity(1000);
    let mut valid = 0;
    for i in 0..1000 {
        let area = US_AREA_CODES[below(&mut rng, US_AREA_CODES.len() as u64) as usize];
        let exchange = 200 + below(&mut rng, 800); // [2-9]XX
        let line = below(&mut rng, 10_000);
        let n = match i % 4 {
            0 => match (i / 4) % 5 {
                // Area code starting with 0 or 1: never valid in NANP.
                0 => format!(
                    "+1{}{:02}{exchange}{line:04}",
                    below(&mut rng, 2),
                    below(&mut rng, 100)
                ),
                // Exchange starting with 0 or 1.
                1 => format!("+1{area}{:03}{line:04}", below(&mut rng, 200)),
                // One digit short.
                2 => format!("+1{area}{exchange}{:03}", line % 1000),
                // One digit too many.
                3 => format!("+1{area}{exchange}{line:04}{}", below(&mut rng, 10)),
                // Area code 999 (not assigned).
                _ => format!("+1999{exchange}{line:04}"),
            },
            _ => {
                valid += 1;
                format!("+1{area}{exchange}{line:04}")
            }
        };
        out.push(n);
    }
    (out, valid)
}

/// 1,000 numbers across many regions and how many are valid by construction:
/// example numbers of the metadata (each valid for its region) and variants whose
/// national number has a length no number of that code can have.
fn many_region_numbers() -> (Vec<String>, usize) {
    let mut examples = Vec::new();
    for meta in DATABASE.iter() {
        let d = meta.descriptors();
        for desc in [d.fixed_line(), d.mobile(), d.toll_free(), d.voip()]
            .into_iter()
            .flatten()
        {
            if let Some(e) = desc.example() {
                examples.push((meta.country_code(), e.to_owned()));
            }
        }
    }
    examples.sort();
    let mut rng = Rng::new(0x5EED_0002);
    let mut out = Vec::with_capacity(1000);
    let mut valid = 0;
    while out.len() < 1000 {
        let (code, example) = &examples[below(&mut rng, examples.len() as u64) as usize];
        if out.len() % 4 == 3 {
            // NSN of length 1: shorter than any national number (always invalid).
            out.push(format!("+{code}{}", &example[..1]));
        } else {
            valid += 1;
            out.push(format!("+{code}{example}"));
        }
    }
    (out, valid)
}

fn count_valid(numbers: &[String]) -> usize {
    numbers
        .iter()
        .filter(|n| check(black_box(n.as_str())).is_valid())
        .count()
}

fn bench(c: &mut Criterion) {
    prepare();
    let (us, us_valid) = us_numbers();
    let (many, many_valid) = many_region_numbers();
    assert_eq!(count_valid(&us), us_valid);
    assert_eq!(count_valid(&many), many_valid);

    let mut group = c.benchmark_group("phone");
    group.throughput(Throughput::Elements(us.len() as u64));
    group.bench_function("us", |b| {
        b.iter(|| assert_eq!(count_valid(black_box(&us)), us_valid))
    });
    group.throughput(Throughput::Elements(many.len() as u64));
    group.bench_function("many_regions", |b| {
        b.iter(|| assert_eq!(count_valid(black_box(&many)), many_valid))
    });

    let small = &us[..100];
    let small_valid = small.iter().filter(|n| check(n).is_valid()).count();
    let crate_count = |numbers: &[String]| {
        numbers
            .iter()
            .filter(|n| {
                phonenumber::parse(None, black_box(n.as_str()))
                    .map(|p| phonenumber::is_valid(&p))
                    .unwrap_or(false)
            })
            .count()
    };
    assert_eq!(crate_count(small), small_valid);
    group.throughput(Throughput::Elements(small.len() as u64));
    group.bench_function("crate_us", |b| {
        b.iter(|| assert_eq!(crate_count(black_box(small)), small_valid))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
