//! Table test: pairs of values with the expected band (and flags) for each field.

use super::{band, compare, Band, IdentityFields, MatchField, MatchReport};

use Band::{Mismatch as M, Partial as P, Strong as S};
use MatchField::{
    Address as A, DateOfBirth as D, EmailAddress as E, LegalName as N, PhoneNumber as T,
};

fn split<'a>(first: &'a str, middle: Option<&'a str>, last: &'a str) -> IdentityFields<'a> {
    IdentityFields {
        first_name: Some(first),
        middle_name: middle,
        last_name: Some(last),
        ..Default::default()
    }
}

fn full(s: &str) -> IdentityFields<'_> {
    IdentityFields {
        full_name: Some(s),
        ..Default::default()
    }
}

fn addr<'a>(
    street: &'a str,
    street2: Option<&'a str>,
    city: &'a str,
    region: &'a str,
    zip: &'a str,
) -> IdentityFields<'a> {
    IdentityFields {
        street: Some(street),
        street2,
        city: Some(city),
        region: Some(region),
        postal_code: Some(zip),
        country: Some("US"),
        ..Default::default()
    }
}

fn phone<'a>(p: &'a str, country: Option<&'a str>) -> IdentityFields<'a> {
    IdentityFields {
        phone_number: Some(p),
        country,
        ..Default::default()
    }
}

fn email(e: &str) -> IdentityFields<'_> {
    IdentityFields {
        email: Some(e),
        ..Default::default()
    }
}

fn dob(d: &str) -> IdentityFields<'_> {
    IdentityFields {
        date_of_birth: Some(d),
        ..Default::default()
    }
}

/// Flags that must be set (every other flag of the field must be clear).
const NICK: &str = "nickname";
const ONE: &str = "first_or_last";
const BIZ: &str = "business";
const ZIP: &str = "postal";
const SWAP: &str = "swap";
const TYPO: &str = "typo";

struct Row<'a> {
    what: &'static str,
    field: MatchField,
    layer: IdentityFields<'a>,
    applicant: IdentityFields<'a>,
    band: Band,
    flags: &'static [&'static str],
}

fn row<'a>(
    what: &'static str,
    field: MatchField,
    layer: IdentityFields<'a>,
    applicant: IdentityFields<'a>,
    band: Band,
    flags: &'static [&'static str],
) -> Row<'a> {
    Row {
        what,
        field,
        layer,
        applicant,
        band,
        flags,
    }
}

/// (score, flags set) of a field in a report.
fn pick(r: &MatchReport, field: MatchField) -> Option<(u8, Vec<&'static str>)> {
    let mut flags = Vec::new();
    let score = match field {
        N => {
            let n = r.legal_name?;
            for (on, f) in [
                (n.is_nickname_match, NICK),
                (n.is_first_name_or_last_name_match, ONE),
                (n.is_business_name_detected, BIZ),
            ] {
                if on {
                    flags.push(f);
                }
            }
            n.score
        }
        A => {
            let a = r.address?;
            if a.is_postal_code_match {
                flags.push(ZIP);
            }
            a.score
        }
        T => r.phone_number?.score,
        E => r.email_address?.score,
        D => {
            let d = r.date_of_birth?;
            if d.is_day_month_swap {
                flags.push(SWAP);
            }
            if d.is_single_digit_typo {
                flags.push(TYPO);
            }
            d.score
        }
        MatchField::EmailName => r.email_name?.score,
    };
    Some((score, flags))
}

fn rows() -> Vec<Row<'static>> {
    let pawnee = |street, street2| addr(street, street2, "Pawnee", "IN", "41006");
    vec![
        // ---------------- names ----------------
        row(
            "name identical",
            N,
            split("Leslie", None, "Knope"),
            split("Leslie", None, "Knope"),
            S,
            &[],
        ),
        row(
            "name case + accents",
            N,
            full("JOSÉ GARCÍA"),
            split("Jose", None, "garcia"),
            S,
            &[],
        ),
        row(
            "name full vs split",
            N,
            full("Leslie Knope"),
            split("Leslie", None, "Knope"),
            S,
            &[],
        ),
        row(
            "name 'Last, First M.' full name",
            N,
            full("Public, John Q."),
            split("John", Some("Q"), "Public"),
            S,
            &[],
        ),
        row(
            "name first/last swapped",
            N,
            split("Leslie", None, "Knope"),
            split("Knope", None, "Leslie"),
            S,
            &[],
        ),
        row(
            "name middle missing on one side",
            N,
            full("John Q. Public"),
            full("John Public"),
            S,
            &[],
        ),
        row(
            "name middle initial vs full middle",
            N,
            full("John Quincy Public"),
            split("John", Some("Q."), "Public"),
            S,
            &[],
        ),
        row(
            "name first initial only",
            N,
            full("J. Public"),
            full("John Public"),
            S,
            &[],
        ),
        row(
            "name nickname William/Bill",
            N,
            split("William", None, "Public"),
            split("Bill", None, "Public"),
            S,
            &[NICK],
        ),
        row(
            "name nickname Elizabeth/Liz",
            N,
            split("Elizabeth", None, "Bennet"),
            full("Liz Bennet"),
            S,
            &[NICK],
        ),
        row(
            "name nickname Robert/Bob",
            N,
            full("Bob Smith"),
            full("Robert Smith"),
            S,
            &[NICK],
        ),
        row(
            "name nickname Margaret/Peggy",
            N,
            full("Margaret Olson"),
            full("Peggy Olson"),
            S,
            &[NICK],
        ),
        row(
            "name nickname William/Liam",
            N,
            full("Liam Neeson"),
            full("William Neeson"),
            S,
            &[NICK],
        ),
        row(
            "name one typo in first name",
            N,
            full("Jonh Public"),
            full("John Public"),
            S,
            &[],
        ),
        row(
            "name one typo in last name",
            N,
            full("Leslie Knoep"),
            full("Leslie Knope"),
            S,
            &[],
        ),
        row(
            "name hyphenated vs one surname",
            N,
            split("Maria", None, "Garcia-Lopez"),
            split("Maria", None, "Garcia"),
            S,
            &[],
        ),
        row(
            "name double surname hyphen vs space",
            N,
            split("Maria", None, "Garcia Lopez"),
            split("Maria", None, "Garcia-Lopez"),
            S,
            &[],
        ),
        row(
            "name full name with double surname vs split",
            N,
            full("Maria Garcia Lopez"),
            split("Maria", None, "Garcia Lopez"),
            S,
            &[],
        ),
        row(
            "name second surname only",
            N,
            full("Maria Lopez"),
            split("Maria", None, "Garcia Lopez"),
            S,
            &[],
        ),
        row(
            "name title dropped",
            N,
            full("Dr. John Public"),
            full("John Public"),
            S,
            &[],
        ),
        row(
            "name suffix dropped",
            N,
            full("John Public Jr."),
            split("John", None, "Public"),
            S,
            &[],
        ),
        row(
            "name roman suffix dropped",
            N,
            full("John Public III"),
            full("Mr John Public"),
            S,
            &[],
        ),
        row(
            "name Jr vs Sr (father/son)",
            N,
            full("John Public Jr"),
            full("John Public Sr"),
            P,
            &[],
        ),
        row(
            "name apostrophe",
            N,
            full("Conan O'Brien"),
            full("Conan OBrien"),
            S,
            &[],
        ),
        row(
            "name two given names vs joined",
            N,
            full("Mary Ann Smith"),
            split("Maryann", None, "Smith"),
            S,
            &[],
        ),
        row(
            "name only last matches (family member)",
            N,
            full("Mary Public"),
            full("John Public"),
            M,
            &[ONE],
        ),
        row(
            "name only last matches, similar first",
            N,
            full("Jane Public"),
            full("John Public"),
            M,
            &[ONE],
        ),
        row(
            "name different first name, same last name (spouse, sibling)",
            N,
            split("Leslie", None, "Knope"),
            split("Ann", None, "Knope"),
            M,
            &[ONE],
        ),
        row(
            "name one-letter typo in first name, same last name",
            N,
            full("Laslie Knope"),
            split("Leslie", None, "Knope"),
            S,
            &[],
        ),
        row(
            "name only first matches",
            N,
            full("John Smith"),
            full("John Public"),
            M,
            &[ONE],
        ),
        row(
            "name entirely different",
            N,
            full("Leslie Knope"),
            full("Ron Swanson"),
            M,
            &[],
        ),
        row(
            "name business suffix on one side",
            N,
            full("Knope Consulting LLC"),
            full("Knope Consulting"),
            S,
            &[BIZ],
        ),
        row(
            "name business vs person",
            N,
            full("Acme Corp"),
            full("John Public"),
            M,
            &[BIZ],
        ),
        row(
            "name business 'Inc' vs 'Incorporated'",
            N,
            full("Pawnee Parks Inc."),
            full("Pawnee Parks Incorporated"),
            S,
            &[BIZ],
        ),
        row(
            "name different middle names",
            N,
            full("John Adam Public"),
            full("John Zed Public"),
            S,
            &[],
        ),
        // ---------------- addresses ----------------
        row(
            "address identical",
            A,
            pawnee("564 Main Street, APT 15", None),
            pawnee("564 Main Street, APT 15", None),
            S,
            &[ZIP],
        ),
        row(
            "address Street/St",
            A,
            pawnee("564 Main Street", None),
            pawnee("564 Main St.", None),
            S,
            &[ZIP],
        ),
        row(
            "address Avenue/Ave, Road/Rd",
            A,
            pawnee("12 Park Avenue", None),
            pawnee("12 Park Ave", None),
            S,
            &[ZIP],
        ),
        row(
            "address North/N + Boulevard/Blvd",
            A,
            pawnee("100 North Main Boulevard", None),
            pawnee("100 N Main Blvd", None),
            S,
            &[ZIP],
        ),
        row(
            "address inline APT vs street2",
            A,
            pawnee("564 Main Street, APT 15", None),
            pawnee("564 Main St", Some("Apt. 15")),
            S,
            &[ZIP],
        ),
        row(
            "address # vs Apartment",
            A,
            pawnee("564 Main St #15", None),
            pawnee("564 Main St Apartment 15", None),
            S,
            &[ZIP],
        ),
        row(
            "address Suite/Ste in street2",
            A,
            pawnee("1 Civic Plaza", Some("Suite 200")),
            pawnee("1 Civic Plz Ste 200", None),
            S,
            &[ZIP],
        ),
        row(
            "address ZIP+4 vs ZIP5",
            A,
            addr("564 Main St", None, "Pawnee", "IN", "41006-1234"),
            pawnee("564 Main St", None),
            S,
            &[ZIP],
        ),
        row(
            "address state code vs name",
            A,
            addr("564 Main St", None, "Pawnee", "Indiana", "41006"),
            pawnee("564 Main St", None),
            S,
            &[ZIP],
        ),
        row(
            "address case and punctuation",
            A,
            pawnee("564 MAIN ST.", None),
            pawnee("564 main st", None),
            S,
            &[ZIP],
        ),
        row(
            "address unit on one side only",
            A,
            pawnee("564 Main St", Some("Apt 15")),
            pawnee("564 Main St", None),
            S,
            &[ZIP],
        ),
        row(
            "address different unit, same building",
            A,
            pawnee("564 Main St Apt 15", None),
            pawnee("564 Main St Apt 16", None),
            P,
            &[ZIP],
        ),
        row(
            "address ZIP typo",
            A,
            addr("564 Main St", None, "Pawnee", "IN", "41007"),
            pawnee("564 Main St", None),
            P,
            &[],
        ),
        row(
            "address street name typo",
            A,
            pawnee("564 Mian St", None),
            pawnee("564 Main St", None),
            S,
            &[ZIP],
        ),
        row(
            "address suffix missing",
            A,
            pawnee("564 Main", None),
            pawnee("564 Main Street", None),
            S,
            &[ZIP],
        ),
        row(
            "address PO Box forms",
            A,
            pawnee("P.O. Box 123", None),
            pawnee("PO Box 123", None),
            S,
            &[ZIP],
        ),
        row(
            "address Saint vs St. in city",
            A,
            addr("1 Market St", None, "St. Louis", "MO", "63101"),
            addr("1 Market Street", None, "Saint Louis", "Missouri", "63101"),
            S,
            &[ZIP],
        ),
        row(
            "address non-US postal code",
            A,
            IdentityFields {
                street: Some("10 Downing Street"),
                city: Some("London"),
                postal_code: Some("SW1A 2AA"),
                country: Some("GB"),
                ..Default::default()
            },
            IdentityFields {
                street: Some("10 Downing St"),
                city: Some("LONDON"),
                postal_code: Some("sw1a2aa"),
                country: Some("GB"),
                ..Default::default()
            },
            S,
            &[ZIP],
        ),
        row(
            "address street missing on one side",
            A,
            IdentityFields {
                city: Some("Pawnee"),
                region: Some("IN"),
                postal_code: Some("41006"),
                ..Default::default()
            },
            pawnee("564 Main St", None),
            P,
            &[ZIP],
        ),
        row(
            "address different house number",
            A,
            pawnee("12 Main St", None),
            pawnee("564 Main St", None),
            M,
            &[ZIP],
        ),
        row(
            "address different street, same town",
            A,
            pawnee("88 Elm Ave", None),
            pawnee("564 Main St", None),
            M,
            &[ZIP],
        ),
        row(
            "address different town",
            A,
            addr("742 Evergreen Terrace", None, "Springfield", "IL", "62701"),
            pawnee("564 Main St", None),
            M,
            &[],
        ),
        row(
            "address same street, other city/state/zip",
            A,
            addr("564 Main St", None, "Eagleton", "OH", "44101"),
            pawnee("564 Main St", None),
            M,
            &[],
        ),
        row(
            "address country conflict",
            A,
            IdentityFields {
                country: Some("CA"),
                ..pawnee("564 Main St", None)
            },
            pawnee("564 Main St", None),
            M,
            &[ZIP],
        ),
        // ---------------- phones ----------------
        row(
            "phone identical",
            T,
            phone("+14157452130", None),
            phone("+14157452130", None),
            S,
            &[],
        ),
        row(
            "phone national format",
            T,
            phone("+14157452130", None),
            phone("(415) 745-2130", Some("US")),
            S,
            &[],
        ),
        row(
            "phone 1- prefix and dots",
            T,
            phone("+14157452130", None),
            phone("1.415.745.2130", None),
            S,
            &[],
        ),
        row(
            "phone extension on one side",
            T,
            phone("+14157452130", None),
            phone("415-745-2130 ext. 12", None),
            P,
            &[],
        ),
        row(
            "phone missing country code",
            T,
            phone("+14157452130", None),
            phone("4157452130", Some("GB")),
            P,
            &[],
        ),
        row(
            "phone one digit different",
            T,
            phone("+14157452130", None),
            phone("+14157452131", None),
            M,
            &[],
        ),
        row(
            "phone different number",
            T,
            phone("+14157452130", None),
            phone("+12125550199", None),
            M,
            &[],
        ),
        // ---------------- emails ----------------
        row(
            "email identical",
            E,
            email("leslie@knope.com"),
            email("leslie@knope.com"),
            S,
            &[],
        ),
        row(
            "email case-insensitive",
            E,
            email("Leslie@Knope.COM"),
            email("leslie@knope.com"),
            S,
            &[],
        ),
        row(
            "email gmail dots, +tag, googlemail",
            E,
            email("j.doe+bank@gmail.com"),
            email("jdoe@googlemail.com"),
            P,
            &[],
        ),
        row(
            "email plus tags on outlook.com",
            E,
            email("jdoe+a@outlook.com"),
            email("jdoe@outlook.com"),
            P,
            &[],
        ),
        row(
            "email dots not ignored elsewhere",
            E,
            email("jo.hn.doe@example.com"),
            email("johndoe@example.com"),
            M,
            &[],
        ),
        row(
            "email one-character typo",
            E,
            email("leslie@knope.com"),
            email("lesle@knope.com"),
            P,
            &[],
        ),
        row(
            "email same local part, other provider",
            E,
            email("leslie@yahoo.com"),
            email("leslie@gmail.com"),
            M,
            &[],
        ),
        row(
            "email different",
            E,
            email("leslie@knope.com"),
            email("ron@swanson.net"),
            M,
            &[],
        ),
        // ---------------- dates of birth ----------------
        row(
            "dob identical",
            D,
            dob("1975-01-18"),
            dob("1975-01-18"),
            S,
            &[],
        ),
        row(
            "dob slash separators",
            D,
            dob("1975-01-18"),
            dob("1975/01/18"),
            S,
            &[],
        ),
        row(
            "dob day/month swap",
            D,
            dob("1975-03-04"),
            dob("1975-04-03"),
            P,
            &[SWAP],
        ),
        row(
            "dob swap read from an impossible date",
            D,
            dob("1975-01-18"),
            dob("1975-18-01"),
            P,
            &[SWAP],
        ),
        row(
            "dob one digit in year",
            D,
            dob("1975-01-18"),
            dob("1976-01-18"),
            P,
            &[TYPO],
        ),
        row(
            "dob year off by one, last digit down",
            D,
            dob("1979-01-18"),
            dob("1978-01-18"),
            P,
            &[TYPO],
        ),
        row(
            "dob one year digit, 20 years apart",
            D,
            dob("1975-01-18"),
            dob("1995-01-18"),
            M,
            &[],
        ),
        row(
            "dob one year digit, 10 years apart",
            D,
            dob("1975-01-18"),
            dob("1985-01-18"),
            M,
            &[],
        ),
        row(
            "dob one digit in day",
            D,
            dob("1975-01-18"),
            dob("1975-01-19"),
            P,
            &[TYPO],
        ),
        row(
            "dob different date",
            D,
            dob("1975-01-18"),
            dob("1982-07-30"),
            M,
            &[],
        ),
        row(
            "dob invalid date",
            D,
            dob("1975-01-18"),
            dob("1975-02-30"),
            M,
            &[],
        ),
    ]
}

#[test]
fn band_table() {
    let rows = rows();
    assert!(rows.len() >= 60, "{} rows", rows.len());
    let mut failures = Vec::new();
    for r in &rows {
        let there = compare(&r.layer, &r.applicant);
        let back = compare(&r.applicant, &r.layer);
        let Some((score, flags)) = pick(&there, r.field) else {
            failures.push(format!("{}: no score", r.what));
            continue;
        };
        let got = band(r.field, score);
        let mut want_flags: Vec<&str> = r.flags.to_vec();
        want_flags.sort_unstable();
        let mut got_flags = flags.clone();
        got_flags.sort_unstable();
        let ok = got == r.band && got_flags == want_flags;
        if std::env::var_os("MATCH_TABLE_PRINT").is_some() {
            eprintln!("{:<48} {:>3} {:?} {:?}", r.what, score, got, got_flags);
        }
        if !ok {
            failures.push(format!(
                "{}: score {score} band {got:?} flags {got_flags:?}, want {:?} {want_flags:?}",
                r.what, r.band
            ));
        }
        // Names are symmetric; every field's band is the same both ways in this table.
        let back_pick = pick(&back, r.field).map(|(s, _)| band(r.field, s));
        if back_pick != Some(got) {
            failures.push(format!("{}: band differs when sides are exchanged", r.what));
        }
        if r.field == N && back.legal_name != there.legal_name {
            failures.push(format!("{}: name not symmetric", r.what));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
