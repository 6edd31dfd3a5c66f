//! Property tests of the phone and date-of-birth checks, each generating the family of
//! variants its grammar defines (`phone.rs`, `date.rs`) and the benign values that must pass.
//!
//! Phone (Layer serves the United States and its territories only):
//! - a valid number of a +1 region other than US, PR, GU, VI, AS, MP is `phone_outside_us`:
//!   every such region's own example numbers, with their last four digits drawn at random;
//! - a number of a type no person's phone has is `phone_service_number`: NANP toll-free
//!   (`+1 800/833/844/855/866/877/888 NXX XXXX`) and premium-rate (`+1 900 NXX XXXX`) numbers
//!   with every exchange and line, and every region's own toll-free, premium-rate,
//!   shared-cost, UAN and voicemail examples;
//! - benign: US and territory numbers over real area codes, any exchange and line.
//!
//! Date of birth: an age over 110 is `dob_implausible_age` up to the rules' `age.max`, then
//! `dob_over_max_age`; an age from the minimum to 110 draws no age finding.

use chrono::{Datelike, NaiveDate};
use phonenumber::metadata::DATABASE;
use proptest::prelude::*;

use super::phone_finding;
use crate::fields::AgeBounds;
use crate::finding::{Code, Finding};

fn codes(findings: &[Finding]) -> Vec<Code> {
    findings.iter().map(|f| f.code).collect()
}

fn phone_codes(raw: &str) -> Vec<Code> {
    let mut out = Vec::new();
    phone_finding(Some(raw), &mut out);
    codes(&out)
}

/// Fixed-line and mobile example numbers of every +1 region other than the US and its
/// territories, as (region, national number).
fn other_nanp_examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for meta in DATABASE.iter().filter(|m| m.country_code() == 1) {
        if crate::geo::is_us_or_territory(meta.id()) {
            continue;
        }
        let d = meta.descriptors();
        for desc in [d.fixed_line(), d.mobile()].into_iter().flatten() {
            if let Some(e) = desc.example() {
                out.push((meta.id().to_owned(), e.to_owned()));
            }
        }
    }
    out
}

/// Every region's examples of the types no person's phone has, as E.164.
fn service_examples() -> Vec<String> {
    let mut out = Vec::new();
    for meta in DATABASE.iter() {
        let d = meta.descriptors();
        let descs = [
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.uan(),
            d.voicemail(),
        ];
        for desc in descs.into_iter().flatten() {
            if let Some(e) = desc.example() {
                out.push(format!("+{}{e}", meta.country_code()));
            }
        }
    }
    out
}

#[test]
fn the_variant_families_are_large() {
    let nanp = other_nanp_examples();
    let regions: std::collections::BTreeSet<&str> = nanp.iter().map(|(r, _)| r.as_str()).collect();
    assert!(
        regions.contains("CA") && regions.contains("JM") && regions.len() >= 19,
        "{regions:?}"
    );
    assert!(service_examples().len() > 300);
}

/// Every region's own service-type examples are caught (each is valid for its region by
/// the metadata's own guarantee, `phone.rs`).
#[test]
fn every_service_example_is_a_finding() {
    let mut caught = 0;
    for n in service_examples() {
        let got = phone_codes(&n);
        // A shared code can hand an example to an earlier region of another type; the
        // finding must name a service type whenever the number's own type is one.
        if super::phone::check_typed(&n).1.service_label().is_some() {
            assert!(got.contains(&Code::PhoneServiceNumber), "{n}: {got:?}");
            caught += 1;
        }
    }
    assert!(caught > 300, "{caught}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// A +1 number of Canada or the Caribbean is not a US number, whatever its line.
    #[test]
    fn prop_other_nanp_regions_are_outside_us(i in any::<prop::sample::Index>(), line in 0u32..10_000) {
        let all = other_nanp_examples();
        let (region, example) = &all[i.index(all.len())];
        let national = format!("{}{line:04}", &example[..example.len() - 4]);
        let n = format!("+1{national}");
        if super::phone::check(&n).is_valid() {
            let mut out = Vec::new();
            phone_finding(Some(&n), &mut out);
            let outside = out.iter().find(|f| f.code == Code::PhoneOutsideUs);
            prop_assert!(outside.is_some(), "{} ({}): {:?}", n, region, codes(&out));
        }
    }

    /// NANP toll-free and premium-rate numbers: every exchange and line.
    #[test]
    fn prop_nanp_toll_free_and_premium_are_service_numbers(
        npa in prop::sample::select(vec![800u32, 833, 844, 855, 866, 877, 888, 900]),
        exchange in 200u32..1000,
        line in 0u32..10_000,
    ) {
        let n = format!("+1{npa}{exchange:03}{line:04}");
        let got = phone_codes(&n);
        prop_assert!(got.contains(&Code::PhoneServiceNumber), "{}: {:?}", n, got);
    }

    /// US numbers over real area codes (New York, Los Angeles, Chicago, Houston, Pawnee's
    /// 317 ...) and territory ones: no finding.
    #[test]
    fn prop_us_and_territory_numbers_pass(
        npa in prop::sample::select(vec![212u32, 213, 312, 713, 317, 415, 206, 305, 404, 617, 787, 939, 671, 340, 684, 670]),
        exchange in 201u32..1000,
        line in 0u32..10_000,
    ) {
        // N11 exchanges are service codes, 555-01xx fictitious: not numbers of people.
        prop_assume!(exchange % 100 != 11 && exchange != 555);
        let n = format!("+1{npa}{exchange:03}{line:04}");
        prop_assume!(super::phone::check(&n).is_valid());
        prop_assert_eq!(phone_codes(&n), Vec::<Code>::new(), "{}", n);
    }

    /// Ages over 110 are implausible up to the rules' maximum, then over it; ages from the
    /// minimum to 110 draw no age finding.
    #[test]
    fn prop_ages_beyond_the_living_are_caught(age in 18u32..140, day in 0u32..365, max in 110u32..=150) {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
        // A birthday `age` years before as_of, shifted back by up to a year (same age).
        let born = NaiveDate::from_ymd_opt(as_of.year() - age as i32, as_of.month(), as_of.day())
            .and_then(|d| d.checked_sub_days(chrono::Days::new(u64::from(day))))
            .unwrap_or_default();
        let text = born.format("%Y-%m-%d").to_string();
        let mut out = Vec::new();
        super::date::check(Some(&text), as_of, AgeBounds { min: 18, max }, &mut out);
        let got = codes(&out);
        let want = if age > max {
            vec![Code::DobOverMaxAge]
        } else if age > 110 {
            vec![Code::DobImplausibleAge]
        } else {
            vec![]
        };
        prop_assert_eq!(got, want, "{} age {} max {}", text, age, max);
    }
}
