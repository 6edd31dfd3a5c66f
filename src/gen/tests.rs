//! Tests of the generator as a whole: determinism, golden output, shares, well-formedness.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::Value;

use super::corrupt::{Defect, DEFECTS};
use super::sample::{LineInfo, PhoneKind};
use super::*;
use crate::validate::phone::check;

struct Line {
    bytes: Vec<u8>,
    kind: LineKind,
    label: Option<Label>,
    info: LineInfo,
}

fn lines(cfg: &GenConfig) -> Vec<Line> {
    let mut g = Generator::new(cfg.clone());
    let mut out = Vec::new();
    loop {
        let mut buf = Vec::new();
        let Some((kind, label)) = g.next_line(&mut buf) else {
            break;
        };
        out.push(Line {
            bytes: buf,
            kind,
            label,
            info: g.info,
        });
    }
    out
}

fn cfg(count: u64, seed: u64) -> GenConfig {
    GenConfig {
        count,
        seed,
        ..GenConfig::default()
    }
}

fn session(v: &Value) -> &Value {
    v.get("session").unwrap_or(v)
}

const WINDOWS: [&str; 5] = [
    "edits_current",
    "edits_1d",
    "edits_30d",
    "edits_365d",
    "edits_all_time",
];

fn counts(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(h) = session(v)
        .get("identity_edit_history")
        .and_then(Value::as_object)
    {
        for f in ["name", "address", "email", "date_of_birth"] {
            if let Some(c) = h.get(f) {
                out.push(c);
            }
        }
        if let Some(c) = h.get("official_document").and_then(|o| o.get("ssn")) {
            out.push(c);
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_different_seed_different() {
    let c = GenConfig {
        count: 300,
        seed: 42,
        corrupt: 0.1,
        applicant_share: 0.2,
        ..GenConfig::default()
    };
    let (mut a, mut b, mut d) = (Vec::new(), Vec::new(), Vec::new());
    write_export(&c, &mut a, None).unwrap();
    write_export(&c, &mut b, None).unwrap();
    write_export(
        &GenConfig {
            seed: 43,
            ..c.clone()
        },
        &mut d,
        None,
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, d);
    // Line i depends only on (config, i): a shorter export is a prefix.
    let mut short = Vec::new();
    write_export(&GenConfig { count: 100, ..c }, &mut short, None).unwrap();
    assert!(a.starts_with(&short));
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn golden_export_is_frozen() {
    // US-only numbers so the hash does not depend on the metadata's foreign examples.
    // If this fails the stream changed: every seeded export (benches, fixtures) moves with it.
    let c = GenConfig {
        count: 500,
        seed: 1,
        corrupt: 0.1,
        applicant_share: 0.2,
        non_us_share: 0.0,
        ..GenConfig::default()
    };
    let mut out = Vec::new();
    let mut labels = Vec::new();
    write_export(&c, &mut out, Some(&mut labels)).unwrap();
    assert_eq!(
        (fnv1a(&out), fnv1a(&labels)),
        (14_975_716_355_665_864_224, 16_467_866_158_612_026_536)
    );
}

#[test]
fn content_does_not_depend_on_corrupt_share() {
    let a = lines(&cfg(200, 5));
    let b = lines(&GenConfig {
        corrupt: 0.3,
        ..cfg(200, 5)
    });
    let mut same = 0;
    for (x, y) in a.iter().zip(&b) {
        if y.kind != LineKind::Corrupt {
            assert_eq!(x.bytes, y.bytes);
            assert_eq!(x.label, y.label);
            same += 1;
        }
    }
    assert!(same > 100);
}

#[test]
fn non_corrupt_lines_parse_and_have_the_keys() {
    let c = GenConfig {
        count: 3000,
        seed: 9,
        applicant_share: 0.3,
        ..GenConfig::default()
    };
    let mut envelopes = 0;
    for l in lines(&c) {
        assert_ne!(l.kind, LineKind::Corrupt);
        assert!(l.label.is_some());
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        let s = session(&v);
        assert!(s.get("identity").is_some());
        assert!(s.get("items").unwrap().is_array());
        if l.info.quirk {
            continue;
        }
        let rid = s.get("request_id").unwrap().as_str().unwrap();
        assert_eq!(rid.len(), 15);
        assert!(rid.bytes().all(|b| b.is_ascii_alphanumeric()));
        if l.kind == LineKind::Envelope {
            envelopes += 1;
            let a = v.get("applicant").unwrap();
            assert!(a
                .get("name")
                .unwrap()
                .get("first_name")
                .unwrap()
                .is_string());
            assert!(a.get("address").unwrap().is_object());
            assert!(a.get("phone_number").unwrap().is_string());
        } else {
            assert!(v.get("applicant").is_none());
        }
        for item in s["items"].as_array().unwrap() {
            assert_eq!(item["item_id"].as_str().unwrap().len(), 37);
            let tok = item["access_token"].as_str().unwrap();
            assert!(tok.starts_with("access-production-"));
            assert_eq!(tok.len(), 18 + 36);
            assert_eq!(&tok[18 + 14..18 + 15], "4");
        }
    }
    assert!((800..1000).contains(&envelopes), "{envelopes}");
}

#[test]
fn corrupt_lines_fail_with_their_defect() {
    let c = GenConfig {
        count: 4000,
        seed: 3,
        corrupt: 0.5,
        applicant_share: 0.2,
        ..GenConfig::default()
    };
    let mut seen = HashSet::new();
    for l in lines(&c) {
        assert!(!l.bytes.is_empty());
        assert!(!l.bytes.iter().all(u8::is_ascii_whitespace));
        if l.kind != LineKind::Corrupt {
            assert!(l.info.defect.is_none());
            continue;
        }
        assert!(l.label.is_none());
        let defect = l.info.defect.unwrap();
        seen.insert(format!("{defect:?}"));
        let parsed = serde_json::from_slice::<Value>(&l.bytes);
        match defect {
            Defect::Truncated | Defect::BadUtf8 | Defect::Garbage => {
                assert!(parsed.is_err(), "{defect:?} parsed");
                if defect == Defect::BadUtf8 {
                    assert!(std::str::from_utf8(&l.bytes).is_err());
                }
            }
            Defect::IdentityNumber => assert!(parsed.unwrap()["identity"].is_number()),
            Defect::ItemsObject => assert!(parsed.unwrap()["items"].is_object()),
            Defect::EditsString => {
                let v = parsed.unwrap();
                assert!(v["identity_edit_history"]["name"]["edits_1d"].is_string());
            }
            Defect::NegativeEdit | Defect::FloatEdit => {
                let v = parsed.unwrap();
                let name = &v["identity_edit_history"]["name"];
                let bad = WINDOWS.iter().filter(|w| {
                    let x = &name[**w];
                    if defect == Defect::NegativeEdit {
                        x.as_i64().is_some_and(|n| n < 0)
                    } else {
                        x.is_f64()
                    }
                });
                assert_eq!(bad.count(), 1, "{defect:?}");
            }
        }
    }
    assert_eq!(seen.len(), DEFECTS.len(), "{seen:?}");
}

#[test]
fn windows_are_nested_unless_chosen_inconsistent() {
    let mut inconsistent = 0;
    let mut nonzero = 0;
    for l in lines(&cfg(20_000, 11)) {
        if l.info.quirk {
            continue;
        }
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        let mut nested = true;
        for c in counts(&v) {
            let w: Vec<u64> = WINDOWS.iter().map(|k| c[*k].as_u64().unwrap()).collect();
            nested &= w.windows(2).all(|p| p[0] <= p[1]);
            if w[4] > 0 {
                nonzero += 1;
            }
        }
        if l.info.inconsistent {
            inconsistent += 1;
        } else {
            assert!(nested, "{}", String::from_utf8_lossy(&l.bytes));
        }
    }
    assert!((40..180).contains(&inconsistent), "{inconsistent}");
    assert!(nonzero > 2000, "{nonzero}");
}

#[test]
fn labels_file_has_one_row_per_non_corrupt_line() {
    let c = GenConfig {
        count: 2000,
        seed: 8,
        corrupt: 0.1,
        applicant_share: 0.1,
        ..GenConfig::default()
    };
    let mut out = Vec::new();
    let mut labels = Vec::new();
    let s = write_export(&c, &mut out, Some(&mut labels)).unwrap();
    let text = String::from_utf8(labels).unwrap();
    let mut rows = text.lines();
    assert_eq!(rows.next(), Some("request_id,label"));
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len() as u64, s.lines - s.corrupt);
    assert_eq!(s.fraud + s.legit, s.lines - s.corrupt);
    assert_eq!(s.lines, 2000);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 2000);
    let ids: HashSet<&str> = rows.iter().map(|r| r.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), rows.len());
    let fraud = rows.iter().filter(|r| r.ends_with(",fraud")).count() as u64;
    assert_eq!(fraud, s.fraud);
    assert!(rows
        .iter()
        .all(|r| r.ends_with(",fraud") || r.ends_with(",legit")));
    // Every label row names a line of the export.
    let export = String::from_utf8_lossy(&out);
    for r in rows.iter().take(50) {
        let id = r.split(',').next().unwrap();
        assert!(export.contains(&format!("\"request_id\":\"{id}\"")));
    }
}

#[test]
fn shares_are_within_tolerance() {
    let c = GenConfig {
        count: 20_000,
        seed: 2026,
        corrupt: 0.05,
        non_us_share: 0.10,
        ..GenConfig::default()
    };
    let all = lines(&c);
    let n = all.len() as f64;
    let corrupt = all.iter().filter(|l| l.kind == LineKind::Corrupt).count() as f64;
    assert!(
        (corrupt / n - 0.05).abs() < 0.008,
        "corrupt {}",
        corrupt / n
    );
    let ok: Vec<&Line> = all.iter().filter(|l| l.kind != LineKind::Corrupt).collect();
    let m = ok.len() as f64;
    let share = |f: &dyn Fn(&Line) -> bool| ok.iter().filter(|l| f(l)).count() as f64 / m;
    let fraud = share(&|l| l.label == Some(Label::Fraud));
    assert!((fraud - 0.02).abs() < 0.006, "fraud {fraud}");
    let us = share(&|l| l.info.phone == Some(PhoneKind::Us));
    let foreign = share(&|l| l.info.phone == Some(PhoneKind::Foreign));
    let non_us = foreign / (us + foreign);
    assert!((non_us - 0.10).abs() < 0.015, "non-US {non_us}");
    let malformed = share(&|l| l.info.phone == Some(PhoneKind::Malformed));
    assert!((0.005..0.016).contains(&malformed), "malformed {malformed}");
    let minors = share(&|l| l.info.minor);
    assert!((minors - 0.008).abs() < 0.004, "minors {minors}");
    let null_identity = share(&|l| l.info.identity_null);
    assert!(
        (0.002..0.009).contains(&null_identity),
        "null identity {null_identity}"
    );
    let bad_ssn = share(&|l| l.info.impossible_ssn);
    assert!(
        (0.002..0.009).contains(&bad_ssn),
        "impossible ssn {bad_ssn}"
    );

    let mut emails = [0usize; 3]; // null, missing, present
    let mut history = [0usize; 3]; // null, absent, present
    let mut dob_null = 0;
    let mut spelled_last4 = 0;
    let mut full_state = 0;
    let mut identities = 0;
    for l in &ok {
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        match v.get("identity_edit_history") {
            Some(Value::Null) => history[0] += 1,
            None => history[1] += 1,
            Some(_) => history[2] += 1,
        }
        let Some(id) = v["identity"].as_object() else {
            continue;
        };
        identities += 1;
        match id.get("email") {
            Some(Value::Null) => emails[0] += 1,
            None => emails[1] += 1,
            Some(_) => emails[2] += 1,
        }
        dob_null += usize::from(id.get("date_of_birth") == Some(&Value::Null));
        spelled_last4 += usize::from(id.contains_key("ssn_last4"));
        full_state += usize::from(
            id.get("address")
                .and_then(|a| a.get("region"))
                .and_then(Value::as_str)
                .is_some_and(|r| r.len() > 2),
        );
    }
    let ids = identities as f64;
    assert!((emails[0] as f64 / ids - 0.40).abs() < 0.02, "{emails:?}");
    assert!((emails[1] as f64 / ids - 0.05).abs() < 0.01, "{emails:?}");
    assert!((history[0] as f64 / m - 0.03).abs() < 0.008, "{history:?}");
    assert!((history[1] as f64 / m - 0.02).abs() < 0.006, "{history:?}");
    assert!((dob_null as f64 / ids - 0.005).abs() < 0.003, "{dob_null}");
    assert!(
        (spelled_last4 as f64 / ids - 0.019).abs() < 0.006,
        "{spelled_last4}"
    );
    assert!(
        (full_state as f64 / ids - 0.03).abs() < 0.008,
        "{full_state}"
    );
}

#[test]
fn minors_match_the_date_of_birth() {
    let c = cfg(5000, 77);
    let as_of = c.as_of;
    let mut checked = 0;
    for l in lines(&c) {
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        let Some(dob) = v["identity"]["date_of_birth"].as_str() else {
            continue;
        };
        let Ok(d) = NaiveDate::parse_from_str(dob, "%Y-%m-%d") else {
            continue;
        };
        if dob.len() != 10 {
            continue;
        }
        if l.info.dob_quirk {
            continue;
        }
        let age = as_of.years_since(d).unwrap();
        assert_eq!(age < 18, l.info.minor, "{dob}");
        assert!((13..=90).contains(&age), "{age}");
        checked += 1;
    }
    assert!(checked > 4500);
}

#[test]
fn phone_numbers_are_valid_e164() {
    let mut n_us = 0;
    for l in lines(&cfg(3000, 4)) {
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        let Some(ph) = v["identity"]["phone_number"].as_str() else {
            continue;
        };
        match l.info.phone {
            Some(PhoneKind::Us) => {
                assert_eq!(ph.len(), 12);
                let nsn = &ph[2..];
                assert!(check(ph).is_valid(), "{ph}");
                assert!(!nsn[3..].starts_with("55501"));
                assert_ne!(&nsn[4..6], "11");
                n_us += 1;
            }
            Some(PhoneKind::Foreign) => {
                assert!(ph.starts_with('+') && !ph.starts_with("+1"));
                assert!(ph[1..].bytes().all(|b| b.is_ascii_digit()));
                assert!(check(ph).is_valid(), "{ph}");
            }
            _ => {}
        }
    }
    assert!(n_us > 2500);
}

#[test]
fn fraud_correlates_noisily_with_recent_edits() {
    let all = lines(&cfg(20_000, 99));
    let (mut hot, mut hot_fraud, mut heavy, mut heavy_legit) = (0, 0, 0, 0);
    for l in &all {
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        let h = &v["identity_edit_history"];
        let recent = |c: &Value| c["edits_1d"].as_u64().unwrap_or(0);
        let total = |c: &Value| c["edits_all_time"].as_u64().unwrap_or(0);
        let r = recent(&h["official_document"]["ssn"])
            + recent(&h["date_of_birth"])
            + recent(&h["name"]);
        let t: u64 = ["name", "address", "email", "date_of_birth"]
            .iter()
            .map(|f| total(&h[*f]))
            .sum::<u64>()
            + total(&h["official_document"]["ssn"]);
        let fraud = l.label == Some(Label::Fraud);
        if r >= 3 {
            hot += 1;
            hot_fraud += usize::from(fraud);
        }
        if t >= 6 {
            heavy += 1;
            heavy_legit += usize::from(!fraud);
        }
    }
    let hot_rate = hot_fraud as f64 / hot as f64;
    assert!(hot_rate > 0.15 && hot_rate < 0.9, "{hot_rate} of {hot}");
    assert!(heavy_legit * 2 > heavy, "{heavy_legit}/{heavy}");
}

#[test]
fn names_with_quotes_and_accents_are_written() {
    let mut quoted = 0;
    let mut accented = 0;
    for l in lines(&cfg(20_000, 1)) {
        let v: Value = serde_json::from_slice(&l.bytes).unwrap();
        let first = v["identity"]["name"]["first_name"].as_str().unwrap_or("");
        quoted += usize::from(first.contains('"'));
        accented += usize::from(!first.is_ascii());
    }
    assert!(quoted > 5, "{quoted}");
    assert!(accented > 100, "{accented}");
}

#[test]
fn degenerate_configs_do_not_panic() {
    for c in [
        GenConfig {
            count: 0,
            ..GenConfig::default()
        },
        GenConfig {
            count: 50,
            corrupt: 1.0,
            ..GenConfig::default()
        },
        GenConfig {
            count: 50,
            corrupt: f64::NAN,
            non_us_share: 7.0,
            applicant_share: -1.0,
            ..GenConfig::default()
        },
        GenConfig {
            count: 50,
            non_us_share: 1.0,
            applicant_share: 1.0,
            ..GenConfig::default()
        },
        GenConfig {
            count: 50,
            as_of: NaiveDate::from_ymd_opt(1, 1, 1).unwrap(),
            ..GenConfig::default()
        },
        GenConfig {
            count: 50,
            seed: u64::MAX,
            as_of: NaiveDate::MAX,
            ..GenConfig::default()
        },
    ] {
        let mut out = Vec::new();
        let s = write_export(&c, &mut out, None).unwrap();
        assert_eq!(s.lines, c.count);
    }
    let all = lines(&GenConfig {
        count: 200,
        non_us_share: 1.0,
        ..GenConfig::default()
    });
    assert!(all
        .iter()
        .all(|l| l.info.quirk || l.info.phone != Some(PhoneKind::Us)));
}

#[test]
fn debug_output_has_no_pii() {
    let mut g = Generator::new(cfg(1, 1));
    let mut buf = Vec::new();
    g.next_line(&mut buf).unwrap();
    let dbg = format!("{g:?}");
    let v: Value = serde_json::from_slice(&buf).unwrap();
    if let Some(last) = v["identity"]["name"]["last_name"].as_str() {
        assert!(!dbg.contains(last));
    }
    assert!(!dbg.contains("request_id"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn prop_every_line_is_well_formed_or_a_parse_error(seed in proptest::prelude::any::<u64>(), corrupt in 0.0f64..1.0, share in 0.0f64..1.0) {
        let c = GenConfig { count: 40, seed, corrupt, applicant_share: share, non_us_share: share, ..GenConfig::default() };
        for l in lines(&c) {
            proptest::prop_assert!(!l.bytes.is_empty());
            let parsed = serde_json::from_slice::<Value>(&l.bytes);
            if l.kind == LineKind::Corrupt {
                let bad = match parsed {
                    Err(_) => true,
                    Ok(v) => {
                        let s = session(&v);
                        s["identity"].is_number() || s["items"].is_object()
                            || counts(&v).iter().any(|c| WINDOWS.iter().any(|w| !c[*w].is_u64()))
                    }
                };
                proptest::prop_assert!(bad);
            } else if !l.info.quirk {
                let v = parsed.unwrap();
                proptest::prop_assert!(counts(&v).iter().all(|c| WINDOWS.iter().all(|w| c[*w].is_u64())));
            }
        }
    }
}

/// The keys `store_keys` leaves out are ones no store reads: on a ring export, a store
/// fed the store keys returns the history a store fed every key returns, line by line.
#[test]
fn store_keys_give_the_same_history() {
    use crate::link::{LinkSecret, LinkStore, MemoryStore};
    let s = LinkSecret::from_bytes(vec![7u8; 32]).unwrap();
    let mut g = Generator::new(GenConfig {
        count: 3000,
        seed: 4,
        rings: 0.05,
        ..GenConfig::default()
    });
    let (mut all, mut some) = (MemoryStore::default(), MemoryStore::default());
    let (mut buf, mut i, mut fewer, mut linked) = (Vec::new(), 0, 0, 0);
    while g.next_line(&mut buf).is_some() {
        let input = crate::session::parse_input_bytes(&buf).unwrap();
        let id = input.session.identity.as_ref();
        let (k, sk) = (s.keys(id), s.store_keys(id));
        fewer += usize::from(k != sk);
        let at = g.observed_at(i);
        let h = all.observe(&k, at).unwrap();
        assert_eq!(h, some.observe(&sk, at).unwrap(), "line {}", i + 1);
        linked += usize::from(h != crate::link::LinkHistory::default());
        buf.clear();
        i += 1;
    }
    assert!(
        fewer > 2500 && linked > 100,
        "{fewer} lines with fewer keys, {linked} linked"
    );
}
