//! Geography tables, defined once for validation, matching and the generator: ISO 3166-1
//! country codes and the US states, territories and military "states".

/// ISO 3166-1 alpha-2 codes officially assigned (249), sorted for binary search.
pub(crate) const ISO_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

/// The US territories with USPS state codes and US ZIP codes: an address there is a US
/// address, and Layer serves their phone numbers (Puerto Rico, Guam, the US Virgin Islands,
/// American Samoa, the Northern Mariana Islands).
pub(crate) const US_TERRITORIES: [&str; 5] = ["PR", "GU", "VI", "AS", "MP"];

/// Is `country` the US or a US territory (ISO code, any case)?
pub(crate) fn is_us_or_territory(country: &str) -> bool {
    country.eq_ignore_ascii_case("US")
        || US_TERRITORIES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(country))
}

/// US states, DC, territories and the military "states", as (USPS code, name), sorted by code.
pub(crate) const US_REGIONS: &[(&str, &str)] = &[
    ("AA", "Armed Forces Americas"),
    ("AE", "Armed Forces Europe"),
    ("AK", "Alaska"),
    ("AL", "Alabama"),
    ("AP", "Armed Forces Pacific"),
    ("AR", "Arkansas"),
    ("AS", "American Samoa"),
    ("AZ", "Arizona"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DC", "District of Columbia"),
    ("DE", "Delaware"),
    ("FL", "Florida"),
    ("FM", "Federated States of Micronesia"),
    ("GA", "Georgia"),
    ("GU", "Guam"),
    ("HI", "Hawaii"),
    ("IA", "Iowa"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("MA", "Massachusetts"),
    ("MD", "Maryland"),
    ("ME", "Maine"),
    ("MH", "Marshall Islands"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MO", "Missouri"),
    ("MP", "Northern Mariana Islands"),
    ("MS", "Mississippi"),
    ("MT", "Montana"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("NE", "Nebraska"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NV", "Nevada"),
    ("NY", "New York"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("PW", "Palau"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UM", "United States Minor Outlying Islands"),
    ("UT", "Utah"),
    ("VA", "Virginia"),
    ("VI", "U.S. Virgin Islands"),
    ("VT", "Vermont"),
    ("WA", "Washington"),
    ("WI", "Wisconsin"),
    ("WV", "West Virginia"),
    ("WY", "Wyoming"),
];

/// Is `code` an assigned ISO 3166-1 alpha-2 country code (upper case, as the spec writes it)?
pub(crate) fn is_iso_country(code: &str) -> bool {
    ISO_ALPHA2.binary_search(&code).is_ok()
}

/// The USPS code of a US state or territory given as a code (any case) or a full name
/// (any case, surrounding spaces ignored; "Virgin Islands" and "Washington DC" too).
pub(crate) fn us_region_code(region: &str) -> Option<&'static str> {
    let r = region.trim();
    if r.len() == 2 {
        // The table is sorted by code: one binary search on the upper-cased code.
        let b = r.as_bytes();
        let up = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
        return US_REGIONS
            .binary_search_by(|(c, _)| c.as_bytes().cmp(&up[..]))
            .ok()
            .map(|i| US_REGIONS[i].0);
    }
    // Fold into a stack buffer: ASCII letters and digits lower-cased, runs of spaces to one,
    // everything else dropped ("Washington, D.C." -> "washington dc").
    let mut buf = [0u8; 48];
    let mut n = 0;
    for c in r.chars() {
        let byte = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase() as u8
        } else if c == ' ' {
            if n == 0 || buf[n - 1] == b' ' {
                continue;
            }
            b' '
        } else if c.is_alphanumeric() {
            return None; // a letter no US region name has
        } else {
            continue;
        };
        if n == buf.len() {
            return None; // longer than any region name
        }
        buf[n] = byte;
        n += 1;
    }
    let folded = std::str::from_utf8(&buf[..n]).ok()?.trim_end();
    let alias = match folded {
        "virgin islands" | "us virgin islands" => Some("VI"),
        "washington dc" | "washington d c" => Some("DC"),
        "us minor outlying islands" => Some("UM"),
        _ => None,
    };
    alias.or_else(|| {
        FOLDED_NAMES
            .binary_search_by(|(name, _)| name.as_str().cmp(folded))
            .ok()
            .map(|i| FOLDED_NAMES[i].1)
    })
}

/// [`US_REGIONS`]' names folded as [`us_region_code`] folds its input, sorted by name, built
/// once.
static FOLDED_NAMES: std::sync::LazyLock<Vec<(String, &'static str)>> =
    std::sync::LazyLock::new(|| {
        let mut names = US_REGIONS
            .iter()
            .map(|(code, name)| {
                let folded: String = name
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
                    .map(|c| c.to_ascii_lowercase())
                    .collect();
                (
                    folded.split_whitespace().collect::<Vec<_>>().join(" "),
                    *code,
                )
            })
            .collect::<Vec<_>>();
        names.sort();
        names
    });

/// The static label of a valid country code (so decisions hold no input text).
pub(crate) fn country_label(c: &str) -> &'static str {
    ISO_ALPHA2.binary_search(&c).map_or("??", |i| ISO_ALPHA2[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_complete() {
        assert!(ISO_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ISO_ALPHA2.len(), 249);
        assert!(US_REGIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(US_REGIONS.len(), 63);
    }

    #[test]
    fn regions() {
        assert_eq!(us_region_code("IN"), Some("IN"));
        assert_eq!(us_region_code("in"), Some("IN"));
        assert_eq!(us_region_code("Indiana"), Some("IN"));
        assert_eq!(us_region_code(" new  york "), Some("NY"));
        assert_eq!(us_region_code("District of Columbia"), Some("DC"));
        assert_eq!(us_region_code("Washington, D.C."), Some("DC"));
        assert_eq!(us_region_code("Puerto Rico"), Some("PR"));
        assert_eq!(us_region_code("XX"), None);
        assert_eq!(us_region_code("Indianna"), None);
        assert_eq!(us_region_code(""), None);
    }
}
