//! Property tests: range, self-equality, name symmetry, no panic, family-member names and
//! date-of-birth typo bounds.

use super::{band, compare, email_name_score, Band, IdentityFields, MatchField, MatchReport};
use proptest::prelude::*;

/// Every score in a report (and the flags' consistency with it).
fn scores(r: &MatchReport) -> Vec<u8> {
    let mut v = Vec::new();
    if let Some(n) = r.legal_name {
        v.push(n.score);
    }
    if let Some(p) = r.phone_number {
        v.push(p.score);
    }
    if let Some(e) = r.email_address {
        v.push(e.score);
    }
    if let Some(a) = r.address {
        v.push(a.score);
    }
    if let Some(d) = r.date_of_birth {
        v.push(d.score);
        assert!(!(d.is_day_month_swap && d.is_single_digit_typo));
    }
    v
}

fn has_string(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(_) => true,
        serde_json::Value::Array(a) => a.iter().any(has_string),
        serde_json::Value::Object(o) => o.values().any(has_string),
        _ => false,
    }
}

/// Wild text: any Unicode (incl. control chars, combining marks, RTL), sometimes long.
fn wild() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<String>().prop_map(Some),
        "\\PC{0,40}".prop_map(Some),
        "[ a-zA-Z0-9.,'#+@()/-]{0,40}".prop_map(Some),
        ("[a-z]{0,5}", 0usize..3000).prop_map(|(s, n)| Some(s.repeat(n))),
    ]
}

#[derive(Debug, Clone)]
struct Side {
    v: [Option<String>; 13],
}

impl Side {
    fn fields(&self) -> IdentityFields<'_> {
        let g = |i: usize| self.v.get(i).and_then(|o| o.as_deref());
        IdentityFields {
            first_name: g(0),
            middle_name: g(1),
            last_name: g(2),
            full_name: g(3),
            street: g(4),
            street2: g(5),
            city: g(6),
            region: g(7),
            postal_code: g(8),
            country: g(9),
            phone_number: g(10),
            email: g(11),
            date_of_birth: g(12),
        }
    }
}

fn wild_side() -> impl Strategy<Value = Side> {
    proptest::array::uniform13(wild()).prop_map(|v| Side { v })
}

/// Well-formed values for every field: capitalised ASCII or accented names (split or full),
/// US street addresses with a suffix word and maybe a unit, 5-digit ZIP (+4 sometimes), a state
/// code, E.164 +1 numbers, `local@domain.tld` emails, valid calendar dates.
fn good_side() -> impl Strategy<Value = Side> {
    let name = "[A-Z][a-zé]{1,9}";
    (
        (name, proptest::option::of(name), name, any::<bool>()),
        (
            "[1-9][0-9]{0,4} [A-Z][a-z]{2,10} (Street|St|Ave|Road|Blvd)",
            proptest::option::of("(Apt|Suite|#) [0-9]{1,3}"),
            "[A-Z][a-z]{2,12}",
            "(IN|NC|CA|Texas|New York)",
            "[0-9]{5}(-[0-9]{4})?",
        ),
        "\\+1[2-9][0-9]{9}",
        "[a-z]{1,10}(\\.[a-z]{1,5})?(\\+[a-z]{1,4})?@[a-z]{2,8}\\.(com|org)",
        (1900i32..2020, 1u32..13, 1u32..29),
    )
        .prop_map(
            |((f, m, l, as_full), (st, st2, city, region, zip), ph, em, (y, mo, d))| {
                let mut v: [Option<String>; 13] = Default::default();
                if as_full {
                    v[3] = Some(match &m {
                        Some(m) => format!("{f} {m} {l}"),
                        None => format!("{f} {l}"),
                    });
                } else {
                    v[0] = Some(f);
                    v[1] = m;
                    v[2] = Some(l);
                }
                v[4] = Some(st);
                v[5] = st2;
                v[6] = Some(city);
                v[7] = Some(region);
                v[8] = Some(zip);
                v[9] = Some("US".to_owned());
                v[10] = Some(ph);
                v[11] = Some(em);
                v[12] = Some(format!("{y:04}-{mo:02}-{d:02}"));
                Side { v }
            },
        )
}

proptest! {
    #[test]
    fn prop_scores_in_range_and_no_panic(a in wild_side(), b in wild_side()) {
        let (fa, fb) = (a.fields(), b.fields());
        let r = compare(&fa, &fb);
        for s in scores(&r) {
            prop_assert!(s <= 100);
        }
        for f in [&fa, &fb] {
            if let Some(s) = email_name_score(f) {
                prop_assert!(s <= 100);
            }
        }
        // Output never echoes input text: the serialized report holds no string value.
        let j = serde_json::to_value(&r).unwrap_or(serde_json::Value::Null);
        prop_assert!(j.is_object());
        prop_assert!(!has_string(&j));
    }

    #[test]
    fn prop_well_formed_self_is_100(a in good_side()) {
        let f = a.fields();
        let r = compare(&f, &f);
        prop_assert_eq!(r.legal_name.map(|n| n.score), Some(100));
        prop_assert_eq!(r.address.map(|x| x.score), Some(100));
        prop_assert_eq!(r.phone_number.map(|x| x.score), Some(100));
        prop_assert_eq!(r.email_address.map(|x| x.score), Some(100));
        prop_assert_eq!(r.date_of_birth.map(|x| x.score), Some(100));
        prop_assert!(r.address.is_some_and(|x| x.is_postal_code_match));
    }

    #[test]
    fn prop_any_text_self_is_100_or_absent(a in wild_side()) {
        // Names, addresses, phones and emails: any value equal to itself scores 100 when it
        // is scored at all (dates must also be valid).
        let f = a.fields();
        let r = compare(&f, &f);
        for s in [
            r.legal_name.map(|x| x.score),
            r.address.map(|x| x.score),
            r.phone_number.map(|x| x.score),
            r.email_address.map(|x| x.score),
        ].into_iter().flatten() {
            prop_assert_eq!(s, 100);
        }
    }

    #[test]
    fn prop_name_symmetric(a in wild_side(), b in good_side(), c in good_side(), pick in 0u8..3) {
        // Pairs: wild vs good, good vs good, and good vs a mutated good.
        let (x, y) = match pick {
            0 => (a.clone(), b.clone()),
            1 => (b.clone(), c.clone()),
            _ => {
                let mut m = b.clone();
                if let Some(Some(s)) = m.v.get_mut(2) { s.push('x'); }
                if let Some(Some(s)) = m.v.get_mut(3) { s.insert_str(0, "Dr "); }
                (b.clone(), m)
            }
        };
        let (fx, fy) = (x.fields(), y.fields());
        prop_assert_eq!(compare(&fx, &fy).legal_name, compare(&fy, &fx).legal_name);
    }

    #[test]
    fn prop_other_given_name_same_surname_is_mismatch(
        f1 in "[A-M][a-m]{1,8}",
        f2 in "[N-Z][n-z]{1,8}",
        last in "[A-Z][a-z]{1,9}",
        layer_first in any::<bool>(),
    ) {
        // Given names with no letter in common (so neither a typo, an initial nor a nickname)
        // under the same surname: a family member, below the partial band, both ways round.
        let (f1, f2) = if layer_first { (f1, f2) } else { (f2, f1) };
        let x = IdentityFields { first_name: Some(&f1), last_name: Some(&last), ..Default::default() };
        let y = IdentityFields { first_name: Some(&f2), last_name: Some(&last), ..Default::default() };
        let n = compare(&x, &y).legal_name;
        // A business word ("Dba", "Inc", "Trust") makes it a business name, scored apart.
        prop_assume!(!n.is_some_and(|n| n.is_business_name_detected));
        prop_assert!(n.is_some_and(|n| n.score < 70 && n.is_first_name_or_last_name_match && !n.is_nickname_match), "{:?}", n);
        prop_assert_eq!(n, compare(&y, &x).legal_name);
    }

    #[test]
    fn prop_one_letter_typo_in_given_name_stays_strong(
        first in "[A-Z][a-z]{3,9}",
        last in "[A-Z][a-z]{1,9}",
        (at, letter) in (1usize..10, proptest::char::range('a', 'z')),
    ) {
        // The same person with one letter of the given name mistyped is still a strong match.
        let at = at % (first.len() - 1) + 1;
        prop_assume!(!first[at..].starts_with(letter));
        let mut typo = first.clone();
        typo.replace_range(at..at + 1, letter.encode_utf8(&mut [0; 4]));
        let x = IdentityFields { first_name: Some(&first), last_name: Some(&last), ..Default::default() };
        let y = IdentityFields { first_name: Some(&typo), last_name: Some(&last), ..Default::default() };
        let n = compare(&x, &y).legal_name;
        prop_assert!(n.is_some_and(|n| n.score >= 85 && !n.is_first_name_or_last_name_match), "{:?}", n);
    }

    #[test]
    fn prop_dob_years_apart_is_no_typo(
        (y, gap, later) in (1900i32..2100, 2i32..120, any::<bool>()),
        (m1, d1, m2, d2) in (1u32..13, 1u32..29, 1u32..13, 1u32..29),
    ) {
        // Dates whose years differ by more than one are different dates, whatever the digits.
        let y2 = if later { y + gap } else { y - gap };
        let (a, b) = (format!("{y:04}-{m1:02}-{d1:02}"), format!("{y2:04}-{m2:02}-{d2:02}"));
        for (x, z) in [(&a, &b), (&b, &a)] {
            let fx = IdentityFields { date_of_birth: Some(x), ..Default::default() };
            let fz = IdentityFields { date_of_birth: Some(z), ..Default::default() };
            let d = compare(&fx, &fz).date_of_birth;
            prop_assert!(d.is_some_and(|d| d.score < 70 && !d.is_single_digit_typo && !d.is_day_month_swap));
        }
    }

    #[test]
    fn prop_dob_next_year_same_day_is_typo(
        (decade, digit) in (190i32..210, 0i32..9),
        m in 1u32..13,
        d in 1u32..29,
    ) {
        // The year's last digit moved by one (1975 vs 1976): a single-digit typo.
        let y = decade * 10 + digit;
        let (a, b) = (format!("{y:04}-{m:02}-{d:02}"), format!("{:04}-{m:02}-{d:02}", y + 1));
        let fa = IdentityFields { date_of_birth: Some(&a), ..Default::default() };
        let fb = IdentityFields { date_of_birth: Some(&b), ..Default::default() };
        let d = compare(&fa, &fb).date_of_birth;
        prop_assert!(d.is_some_and(|d| d.score == 75 && d.is_single_digit_typo));
    }

    /// Bands follow Plaid's documented cut-offs for every field and never get weaker as
    /// the score rises.
    #[test]
    fn prop_band_cutoffs(score in 0u8..=255) {
        for (f, strong_from) in [(MatchField::LegalName, 85), (MatchField::Address, 90),
                  (MatchField::PhoneNumber, 100), (MatchField::EmailAddress, 100),
                  (MatchField::DateOfBirth, 100), (MatchField::EmailName, 100)] {
            let expected = if score >= strong_from {
                Band::Strong
            } else if score >= 70 {
                Band::Partial
            } else {
                Band::Mismatch
            };
            prop_assert_eq!(band(f, score), expected, "{:?} {}", f, score);
            let rank = |b: Band| match b { Band::Mismatch => 0, Band::Partial => 1, Band::Strong => 2 };
            prop_assert!(rank(band(f, score.saturating_add(1))) >= rank(band(f, score)));
        }
    }
}
