//! USPS 3-digit ZIP Code prefix (sectional centre area) -> state or territory.
//!
//! Pure reference data, compiled in: [`PREFIXES`] maps ranges of 3-digit prefixes to the USPS
//! state codes that have ZIP Codes in them (the first is the prefix's own state, which is also
//! the state of the serving SCF unless noted), and [`EXCEPTIONS`] pins a few known 5-digit ZIP
//! Codes inside shared prefixes to their real state (96799 is American Samoa inside Hawaii's
//! 967; 06390 is Fishers Island NY inside Connecticut's 063; the 969 prefix is split between
//! Guam, Palau, Micronesia, the Northern Marianas and the Marshall Islands).
//!
//! Source: USPS Domestic Mail Manual labeling list L002 "3-Digit ZIP Code Prefix Matrix" and
//! L005 (US government work, public domain), as tabulated in Wikipedia's "List of ZIP Code
//! prefixes"; see `data/README.md` for the details and the corrections made. Military
//! prefixes use the USPS "state" codes AA (340), AE (090-098) and AP (962-966).
//!
//! Prefixes that USPS has not assigned (e.g. 000-004, 213, 269, 343, 552, 702, 987) give
//! `None`: an unknown prefix is "cannot tell", never "mismatch".

/// Inclusive range of 3-digit prefixes and the states with ZIP Codes in it (main state first).
type PrefixRange = (u16, u16, &'static [&'static str]);

/// Sorted, non-overlapping ranges of assigned 3-digit prefixes.
///
/// A slice with more than one state means USPS serves ZIP Codes of several states or
/// territories under that prefix; [`EXCEPTIONS`] tells which 5-digit codes are which, where known.
static PREFIXES: &[PrefixRange] = &[
    (5, 5, &["NY"]),                             // Holtsville NY (IRS)
    (6, 7, &["PR"]),                             // San Juan PR
    (8, 8, &["VI"]),                             // US Virgin Islands
    (9, 9, &["PR"]),                             // San Juan PR
    (10, 27, &["MA"]),                           //
    (28, 29, &["RI"]),                           //
    (30, 38, &["NH"]),                           //
    (39, 49, &["ME"]),                           //
    (50, 54, &["VT"]),                           //
    (55, 55, &["MA"]),                           // Andover MA (IRS), inside Vermont's range
    (56, 59, &["VT"]),                           //
    (60, 62, &["CT"]),                           //
    (63, 63, &["CT", "NY"]),                     // 06390 Fishers Island NY
    (64, 69, &["CT"]),                           //
    (70, 89, &["NJ"]),                           //
    (90, 98, &["AE"]),                           // APO/FPO/DPO Europe, Middle East, Africa, Canada
    (100, 149, &["NY"]),                         //
    (150, 196, &["PA"]),                         //
    (197, 199, &["DE"]),                         //
    (200, 200, &["DC", "VA"]), // Washington DC; 20041 Dulles VA and a few federal VA codes
    (201, 201, &["VA"]),       // Dulles VA
    (202, 205, &["DC"]),       // Washington DC (federal government)
    (206, 212, &["MD"]),       //
    (214, 219, &["MD"]),       //
    (220, 246, &["VA"]),       //
    (247, 268, &["WV"]),       //
    (270, 289, &["NC"]),       //
    (290, 299, &["SC"]),       //
    (300, 319, &["GA"]),       //
    (320, 339, &["FL"]),       //
    (340, 340, &["AA"]),       // APO/FPO Americas
    (341, 342, &["FL"]),       //
    (344, 344, &["FL"]),       //
    (346, 347, &["FL"]),       //
    (349, 349, &["FL"]),       //
    (350, 352, &["AL"]),       //
    (354, 369, &["AL"]),       //
    (370, 385, &["TN"]),       //
    (386, 397, &["MS"]),       //
    (398, 399, &["GA"]),       // Albany GA; 399 Atlanta GA (IRS)
    (400, 427, &["KY"]),       //
    (430, 459, &["OH"]),       //
    (460, 479, &["IN"]),       // 471 is southern Indiana, served by Louisville KY
    (480, 499, &["MI"]),       //
    (500, 516, &["IA"]),       //
    (520, 528, &["IA"]),       //
    (530, 532, &["WI"]),       //
    (534, 535, &["WI"]),       //
    (537, 549, &["WI"]),       //
    (550, 551, &["MN"]),       //
    (553, 567, &["MN"]),       // 567 is north-west Minnesota, served by Fargo ND
    (569, 569, &["DC"]),       // Parcel Return Service, Washington DC
    (570, 577, &["SD"]),       //
    (580, 588, &["ND"]),       //
    (590, 599, &["MT"]),       //
    (600, 620, &["IL"]),       //
    (622, 629, &["IL"]),       //
    (630, 631, &["MO"]),       //
    (633, 641, &["MO"]),       //
    (644, 658, &["MO"]),       //
    (660, 662, &["KS"]),       //
    (664, 679, &["KS"]),       //
    (680, 681, &["NE"]),       //
    (683, 693, &["NE"]),       //
    (700, 701, &["LA"]),       //
    (703, 708, &["LA"]),       //
    (710, 714, &["LA"]),       //
    (716, 729, &["AR"]),       //
    (730, 731, &["OK"]),       //
    (733, 733, &["TX"]),       // Austin TX (IRS)
    (734, 741, &["OK"]),       // 739 is the Oklahoma panhandle, served by Amarillo TX
    (743, 749, &["OK"]),       //
    (750, 754, &["TX"]),       //
    (755, 755, &["TX", "AR"]), // 75502 Texarkana AR
    (756, 799, &["TX"]),       //
    (800, 816, &["CO"]),       //
    (820, 831, &["WY"]),       //
    (832, 838, &["ID"]),       //
    (840, 847, &["UT"]),       //
    (850, 850, &["AZ"]),       //
    (852, 853, &["AZ"]),       //
    (855, 857, &["AZ"]),       //
    (859, 860, &["AZ"]),       //
    (863, 865, &["AZ"]),       //
    (870, 875, &["NM"]),       //
    (877, 884, &["NM"]),       //
    (885, 885, &["TX"]),       // El Paso TX
    (889, 891, &["NV"]),       //
    (893, 895, &["NV"]),       //
    (897, 898, &["NV"]),       //
    (900, 908, &["CA"]),       //
    (910, 928, &["CA"]),       //
    (930, 961, &["CA"]),       //
    (962, 966, &["AP"]),       // APO/FPO Pacific
    (967, 967, &["HI", "AS"]), // 96799 Pago Pago AS
    (968, 968, &["HI"]),       //
    (969, 969, &["GU", "MP", "PW", "FM", "MH"]), // Barrigada GU SCF; see EXCEPTIONS
    (970, 979, &["OR"]),       //
    (980, 986, &["WA"]),       //
    (988, 994, &["WA"]),       //
    (995, 999, &["AK"]),       //
];

/// Inclusive range of 5-digit ZIP Codes pinned to one state inside a shared prefix.
type ZipRange = (u32, u32, &'static str);

/// 5-digit ZIP Codes that USPS uses on both sides of a state line: the post office is in the
/// prefix's state, and the code also serves addresses in the state listed here (sorted by
/// ZIP). Such an address with either state is consistent. Not exhaustive: these are the
/// well-known crossings (USPS City State data as commonly tabulated); a crossing missing here
/// gives a false `address_zip_region_mismatch`, so add it when one is reported.
static CROSS_BORDER: &[(u32, &str)] = &[
    (20135, "WV"), // Bluemont VA
    (42223, "TN"), // Fort Campbell KY
    (57724, "MT"), // Camp Crook SD
    (59221, "ND"), // Fairview MT
    (63673, "IL"), // Saint Mary MO
    (71749, "LA"), // Junction City AR
    (73949, "TX"), // Texhoma OK
    (81137, "NM"), // Ignacio CO
    (82063, "CO"), // Jelm WY
    (83414, "WY"), // Alta WY, served from Driggs ID
    (84536, "AZ"), // Monument Valley UT
    (86515, "NM"), // Window Rock AZ
    (89439, "CA"), // Verdi NV
    (97635, "CA"), // New Pine Creek OR
    (99128, "ID"), // Farmington WA
];

/// Sorted, non-overlapping 5-digit exceptions for the shared prefixes in [`PREFIXES`].
static EXCEPTIONS: &[ZipRange] = &[
    (6390, 6390, "NY"),   // Fishers Island NY
    (20041, 20041, "VA"), // Washington Dulles International Airport VA
    (75502, 75502, "AR"), // Texarkana AR
    (96799, 96799, "AS"), // Pago Pago AS (all of American Samoa)
    (96910, 96932, "GU"), // Guam
    (96939, 96940, "PW"), // Palau
    (96941, 96944, "FM"), // Micronesia: Pohnpei, Chuuk, Kosrae, Yap
    (96950, 96952, "MP"), // Saipan, Rota, Tinian
    (96960, 96970, "MH"), // Majuro, Ebeye
];

/// The 5-digit ZIP Code as a number, from `12345`, `12345-6789` or `123456789` (surrounding
/// whitespace ignored); `None` for anything else.
fn zip5(zip: &str) -> Option<u32> {
    let b = zip.trim().as_bytes();
    let ok = match b.len() {
        5 | 9 => b.iter().all(u8::is_ascii_digit),
        10 => b[5] == b'-' && b[..5].iter().chain(&b[6..]).all(u8::is_ascii_digit),
        _ => false,
    };
    if !ok {
        return None;
    }
    Some(b[..5].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// The states with ZIP Codes under this 3-digit prefix (main state first).
fn prefix_states(prefix: u16) -> Option<&'static [&'static str]> {
    let i = PREFIXES.partition_point(|&(_, hi, _)| hi < prefix);
    match PREFIXES.get(i) {
        Some(&(lo, _, states)) if lo <= prefix => Some(states),
        _ => None,
    }
}

/// The state a 5-digit ZIP Code is pinned to by [`EXCEPTIONS`], if any.
fn exception(zip5: u32) -> Option<&'static str> {
    let i = EXCEPTIONS.partition_point(|&(_, hi, _)| hi < zip5);
    match EXCEPTIONS.get(i) {
        Some(&(lo, _, state)) if lo <= zip5 => Some(state),
        _ => None,
    }
}

#[cfg(test)]
/// The USPS state or territory code of a ZIP Code (`12345`, `12345-6789` or `123456789`):
/// the 5-digit exception if the code is a known one in a shared prefix (96799 -> `AS`,
/// 96950 -> `MP`), otherwise the main state of its 3-digit prefix (10001 -> `NY`).
///
/// `None` when the input is not a ZIP Code or its prefix is unassigned. Military prefixes
/// give `AA`, `AE` or `AP`.
pub(crate) fn zip3_state(zip: &str) -> Option<&'static str> {
    let z = zip5(zip)?;
    let states = prefix_states((z / 100) as u16)?;
    exception(z).or_else(|| states.first().copied())
}

#[cfg(test)]
/// Every state or territory with ZIP Codes under this ZIP Code's 3-digit prefix, main state
/// first (`96910` -> `["GU", "MP", "PW", "FM", "MH"]`, `10001` -> `["NY"]`). `None` when the input
/// is not a ZIP Code or its prefix is unassigned.
pub(crate) fn zip3_states(zip: &str) -> Option<&'static [&'static str]> {
    let z = zip5(zip)?;
    prefix_states((z / 100) as u16)
}

/// Whether a ZIP Code can belong to `state_code` (a USPS code such as `NY`, compared
/// ASCII-case-insensitively after trimming).
///
/// A 5-digit code listed in the exceptions must match its pinned state exactly (06390 is `NY`,
/// not `CT`). Any other code matches every state sharing its prefix (063xx accepts `CT` and,
/// leniently, `NY`), so a shared prefix never produces a false mismatch.
/// `None` when the ZIP Code is malformed or its prefix is unassigned: cannot tell.
pub(crate) fn zip_matches_state(zip: &str, state_code: &str) -> Option<bool> {
    let z = zip5(zip)?;
    let states = prefix_states((z / 100) as u16)?;
    let want = state_code.trim();
    let same = |s: &str| s.eq_ignore_ascii_case(want);
    if let Ok(i) = CROSS_BORDER.binary_search_by_key(&z, |&(zip, _)| zip) {
        if same(CROSS_BORDER[i].1) {
            return Some(true);
        }
    }
    Some(match exception(z) {
        Some(pinned) => same(pinned),
        None => states.iter().any(|s| same(s)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// ZIP Codes that cross a state line accept both states; others stay strict.
    #[test]
    fn cross_border_zips_accept_both_states() {
        assert!(CROSS_BORDER.windows(2).all(|w| w[0].0 < w[1].0));
        for (zip, a, b) in [
            ("83414", "ID", "WY"),
            ("42223", "KY", "TN"),
            ("97635", "OR", "CA"),
            ("59221", "MT", "ND"),
            ("57724", "SD", "MT"),
            ("82063", "WY", "CO"),
            ("86515", "AZ", "NM"),
            ("63673", "MO", "IL"),
        ] {
            assert_eq!(zip_matches_state(zip, a), Some(true), "{zip} {a}");
            assert_eq!(zip_matches_state(zip, b), Some(true), "{zip} {b}");
            assert_eq!(zip_matches_state(zip, "NY"), Some(false), "{zip}");
        }
        assert_eq!(zip_matches_state("83415", "WY"), Some(false));
    }

    #[test]
    fn brief_examples() {
        for (zip, state) in [
            ("10001", "NY"),
            ("90210", "CA"),
            ("00601", "PR"),
            ("00802", "VI"),
            ("96910", "GU"),
            ("96799", "AS"),
            ("96950", "MP"),
            ("20500", "DC"),
            ("99501", "AK"),
            ("09001", "AE"),
        ] {
            assert_eq!(zip3_state(zip), Some(state), "{zip}");
            assert_eq!(zip_matches_state(zip, state), Some(true), "{zip}");
        }
        assert_eq!(zip_matches_state("10001", "CA"), Some(false));
    }

    #[test]
    fn formats() {
        assert_eq!(zip3_state("12345-6789"), Some("NY"));
        assert_eq!(zip3_state("123456789"), Some("NY"));
        assert_eq!(zip3_state(" 90210 "), Some("CA"));
        for bad in [
            "",
            "1234",
            "123456",
            "12345-678",
            "12345 6789",
            "1234a",
            "12345-67890",
            "١٢٣٤٥",
            "12345--789",
            "-12345678",
        ] {
            assert_eq!(zip3_state(bad), None, "{bad:?}");
            assert_eq!(zip_matches_state(bad, "NY"), None, "{bad:?}");
        }
    }

    #[test]
    fn territories_and_military() {
        for (zip, state) in [
            ("00901", "PR"),
            ("00725", "PR"),
            ("00820", "VI"),
            ("96913", "GU"),
            ("96932", "GU"),
            ("96939", "PW"),
            ("96940", "PW"),
            ("96941", "FM"),
            ("96944", "FM"),
            ("96951", "MP"),
            ("96952", "MP"),
            ("96960", "MH"),
            ("96970", "MH"),
            ("34001", "AA"),
            ("34090", "AA"),
            ("09801", "AE"),
            ("96201", "AP"),
            ("96601", "AP"),
            ("96815", "HI"),
            ("96720", "HI"),
        ] {
            assert_eq!(zip3_state(zip), Some(state), "{zip}");
        }
        // An unlisted 969 code: the prefix's main state, but any of its territories matches.
        assert_eq!(zip3_state("96999"), Some("GU"));
        assert_eq!(zip_matches_state("96999", "MH"), Some(true));
        assert_eq!(zip_matches_state("96999", "HI"), Some(false));
        // Pinned codes are exact.
        assert_eq!(zip_matches_state("96950", "GU"), Some(false));
        assert_eq!(zip_matches_state("96799", "HI"), Some(false));
        assert_eq!(zip_matches_state("96720", "AS"), Some(true)); // 967 is shared, leniently
        assert_eq!(
            zip3_states("96910"),
            Some(&["GU", "MP", "PW", "FM", "MH"][..])
        );
    }

    #[test]
    fn shared_and_special_prefixes() {
        assert_eq!(zip3_state("00501"), Some("NY"));
        assert_eq!(zip3_state("05501"), Some("MA"));
        assert_eq!(zip3_state("05401"), Some("VT"));
        assert_eq!(zip3_state("06390"), Some("NY"));
        assert_eq!(zip_matches_state("06390", "CT"), Some(false));
        assert_eq!(zip3_state("06320"), Some("CT"));
        assert_eq!(zip3_state("20101"), Some("VA"));
        assert_eq!(zip3_state("20041"), Some("VA"));
        assert_eq!(zip3_state("20001"), Some("DC"));
        assert_eq!(zip3_state("20201"), Some("DC"));
        assert_eq!(zip3_state("20599"), Some("DC"));
        assert_eq!(zip3_state("56901"), Some("DC"));
        assert_eq!(zip3_state("20601"), Some("MD"));
        assert_eq!(zip3_state("73301"), Some("TX"));
        assert_eq!(zip3_state("73901"), Some("OK"));
        assert_eq!(zip3_state("75502"), Some("AR"));
        assert_eq!(zip3_state("75501"), Some("TX"));
        assert_eq!(zip3_state("88510"), Some("TX"));
        assert_eq!(zip3_state("47130"), Some("IN"));
        assert_eq!(zip3_state("56701"), Some("MN"));
        assert_eq!(zip3_state("39901"), Some("GA"));
        assert_eq!(zip_matches_state("10001", "ny"), Some(true));
        assert_eq!(zip_matches_state("10001", " NY "), Some(true));
        assert_eq!(zip_matches_state("10001", ""), Some(false));
    }

    #[test]
    fn unassigned_prefixes() {
        for zip in [
            "00001", "00401", "09901", "21301", "26901", "34301", "34501", "34801", "35301",
            "42801", "51701", "52901", "53301", "55201", "56801", "57801", "58901", "62101",
            "63201", "64201", "66301", "68201", "69401", "70201", "70901", "71501", "73201",
            "74201", "81701", "83901", "84801", "85101", "86101", "86601", "87601", "88601",
            "89201", "89901", "90901", "92901", "98701",
        ] {
            assert_eq!(zip3_state(zip), None, "{zip}");
            assert_eq!(zip_matches_state(zip, "NY"), None, "{zip}");
        }
    }

    #[test]
    fn tables_are_sorted_and_well_formed() {
        let mut prev = None;
        for &(lo, hi, states) in PREFIXES {
            assert!(lo <= hi && hi <= 999, "{lo}-{hi}");
            assert!(prev.is_none_or(|p| p < lo), "{lo} overlaps");
            assert!(!states.is_empty());
            assert!(states
                .iter()
                .all(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())));
            prev = Some(hi);
        }
        let mut prev = None;
        for &(lo, hi, state) in EXCEPTIONS {
            assert!(lo <= hi && hi <= 99_999);
            assert!(prev.is_none_or(|p| p < lo), "{lo} overlaps");
            // Every exception lies in a shared prefix that lists its state.
            for z in [lo, hi] {
                let states = prefix_states((z / 100) as u16).unwrap_or_default();
                assert!(states.len() > 1 && states.contains(&state), "{z}");
            }
            prev = Some(hi);
        }
    }

    #[test]
    fn every_state_and_territory_is_covered() {
        let all: Vec<&str> = PREFIXES.iter().flat_map(|p| p.2.iter().copied()).collect();
        for s in [
            "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN",
            "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV",
            "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN",
            "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
            "FM", "MH", "PW", "AA", "AE", "AP",
        ] {
            assert!(all.contains(&s), "{s}");
        }
        let assigned: u16 = PREFIXES.iter().map(|&(lo, hi, _)| hi - lo + 1).sum();
        assert_eq!(assigned, ASSIGNED_PREFIXES);
    }

    /// Number of assigned prefixes in the table (reported in `data/README.md`).
    const ASSIGNED_PREFIXES: u16 = 932;

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,12}", st in "\\PC{0,3}") {
            let _ = zip3_state(&s);
            let _ = zip3_states(&s);
            let _ = zip_matches_state(&s, &st);
        }

        #[test]
        fn five_digits_and_plus_four_agree(z in 0u32..100_000, four in 0u32..10_000) {
            let five = format!("{z:05}");
            let a = zip3_state(&five);
            prop_assert_eq!(a, zip3_state(&format!("{five}-{four:04}")));
            prop_assert_eq!(a, zip3_state(&format!("{five}{four:04}")));
            // The resolved state always matches; an unassigned prefix is unknown.
            match a {
                Some(s) => prop_assert_eq!(zip_matches_state(&five, s), Some(true)),
                None => prop_assert_eq!(zip_matches_state(&five, "NY"), None),
            }
        }
    }
}
