//! Benchmark of `matching::compare` on a full applicant (all fields on both sides, realistic
//! values incl. a nickname and an abbreviated address).
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use layer_risk::{compare, IdentityFields};
use std::hint::black_box;

fn layer() -> IdentityFields<'static> {
    IdentityFields {
        first_name: Some("William"),
        middle_name: None,
        last_name: Some("Knope-Wyatt"),
        full_name: None,
        street: Some("564 North Main Street, APT 15"),
        street2: Some(""),
        city: Some("Pawnee"),
        region: Some("IN"),
        postal_code: Some("41006"),
        country: Some("US"),
        phone_number: Some("+14157452130"),
        email: Some("bill.knope+bank@gmail.com"),
        date_of_birth: Some("1975-01-18"),
    }
}

fn applicant() -> IdentityFields<'static> {
    IdentityFields {
        first_name: Some("Bill"),
        middle_name: Some("Q."),
        last_name: Some("Knope Wyatt"),
        full_name: None,
        street: Some("564 N. Main St."),
        street2: Some("Apt 15"),
        city: Some("PAWNEE"),
        region: Some("Indiana"),
        postal_code: Some("41006-1234"),
        country: Some("US"),
        phone_number: Some("(415) 745-2130"),
        email: Some("billknope@googlemail.com"),
        date_of_birth: Some("1975-01-18"),
    }
}

fn bench(c: &mut Criterion) {
    let (l, a) = (layer(), applicant());
    // warm the nickname table outside the measurement
    let _ = compare(&l, &a);
    c.bench_function("matching/compare_full_record", |b| {
        b.iter(|| compare(black_box(&l), black_box(&a)))
    });
    let full = IdentityFields {
        full_name: Some("Dr. Maria Garcia Lopez"),
        ..Default::default()
    };
    let split = IdentityFields {
        first_name: Some("María"),
        last_name: Some("García-López"),
        ..Default::default()
    };
    c.bench_function("matching/compare_name_only", |b| {
        b.iter(|| compare(black_box(&full), black_box(&split)))
    });
    // Only an email and a name on the Layer side: the email-against-name score alone.
    let nobody = IdentityFields::default();
    c.bench_function("matching/email_name_score", |b| {
        b.iter(|| compare(black_box(&l), black_box(&nobody)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
