//! Address comparison: USPS Publication 28 abbreviations (common street suffixes, directionals,
//! secondary unit designators), unit in `street2` or inline, ZIP+4 vs ZIP5, state name vs code.

use std::sync::LazyLock;

use super::fold::{jw, osa, Fields, Toks};
use super::{AddressMatch, IdentityFields};

/// Street suffixes (USPS Publication 28 appendix C1, common ones), directionals and ordinals,
/// long and variant forms -> USPS standard abbreviation. Sorted by key.
const STREET_WORDS: &[(&str, &str)] = &[
    ("allee", "aly"),
    ("alley", "aly"),
    ("ally", "aly"),
    ("annex", "anx"),
    ("arcade", "arc"),
    ("av", "ave"),
    ("aven", "ave"),
    ("avenu", "ave"),
    ("avenue", "ave"),
    ("avn", "ave"),
    ("avnue", "ave"),
    ("bayou", "byu"),
    ("beach", "bch"),
    ("bend", "bnd"),
    ("bluff", "blf"),
    ("bottom", "btm"),
    ("boul", "blvd"),
    ("boulevard", "blvd"),
    ("boulv", "blvd"),
    ("branch", "br"),
    ("bridge", "brg"),
    ("brook", "brk"),
    ("bypass", "byp"),
    ("canyon", "cyn"),
    ("cape", "cpe"),
    ("causeway", "cswy"),
    ("cent", "ctr"),
    ("center", "ctr"),
    ("centr", "ctr"),
    ("centre", "ctr"),
    ("circ", "cir"),
    ("circl", "cir"),
    ("circle", "cir"),
    ("cliff", "clf"),
    ("club", "clb"),
    ("common", "cmn"),
    ("corner", "cor"),
    ("course", "crse"),
    ("court", "ct"),
    ("cove", "cv"),
    ("crcl", "cir"),
    ("creek", "crk"),
    ("crescent", "cres"),
    ("crossing", "xing"),
    ("crssng", "xing"),
    ("driv", "dr"),
    ("drive", "dr"),
    ("drv", "dr"),
    ("east", "e"),
    ("eighth", "8th"),
    ("estate", "est"),
    ("estates", "ests"),
    ("expr", "expy"),
    ("express", "expy"),
    ("expressway", "expy"),
    ("expw", "expy"),
    ("extension", "ext"),
    ("extn", "ext"),
    ("falls", "fls"),
    ("ferry", "fry"),
    ("field", "fld"),
    ("fields", "flds"),
    ("fifth", "5th"),
    ("first", "1st"),
    ("flat", "flt"),
    ("ford", "frd"),
    ("forest", "frst"),
    ("forge", "frg"),
    ("fork", "frk"),
    ("fort", "ft"),
    ("fourth", "4th"),
    ("freeway", "fwy"),
    ("frwy", "fwy"),
    ("garden", "gdn"),
    ("gardens", "gdns"),
    ("gateway", "gtwy"),
    ("glen", "gln"),
    ("green", "grn"),
    ("grove", "grv"),
    ("harbor", "hbr"),
    ("haven", "hvn"),
    ("heights", "hts"),
    ("highway", "hwy"),
    ("highwy", "hwy"),
    ("hill", "hl"),
    ("hills", "hls"),
    ("hiway", "hwy"),
    ("hollow", "holw"),
    ("island", "is"),
    ("junction", "jct"),
    ("key", "ky"),
    ("knoll", "knl"),
    ("lake", "lk"),
    ("lakes", "lks"),
    ("landing", "lndg"),
    ("lane", "ln"),
    ("light", "lgt"),
    ("loaf", "lf"),
    ("lodge", "ldg"),
    ("manor", "mnr"),
    ("meadow", "mdw"),
    ("meadows", "mdws"),
    ("mill", "ml"),
    ("mission", "msn"),
    ("motorway", "mtwy"),
    ("mount", "mt"),
    ("mountain", "mtn"),
    ("ninth", "9th"),
    ("north", "n"),
    ("northeast", "ne"),
    ("northwest", "nw"),
    ("orchard", "orch"),
    ("parkway", "pkwy"),
    ("parkwy", "pkwy"),
    ("pass", "pass"),
    ("pine", "pne"),
    ("pines", "pnes"),
    ("pkway", "pkwy"),
    ("pky", "pkwy"),
    ("place", "pl"),
    ("plain", "pln"),
    ("plaza", "plz"),
    ("plza", "plz"),
    ("point", "pt"),
    ("port", "prt"),
    ("prairie", "pr"),
    ("ranch", "rnch"),
    ("ridge", "rdg"),
    ("river", "riv"),
    ("road", "rd"),
    ("route", "rte"),
    ("saint", "st"),
    ("second", "2nd"),
    ("seventh", "7th"),
    ("shore", "shr"),
    ("sixth", "6th"),
    ("south", "s"),
    ("southeast", "se"),
    ("southwest", "sw"),
    ("spring", "spg"),
    ("springs", "spgs"),
    ("sqr", "sq"),
    ("square", "sq"),
    ("station", "sta"),
    ("str", "st"),
    ("stream", "strm"),
    ("street", "st"),
    ("strt", "st"),
    ("summit", "smt"),
    ("tenth", "10th"),
    ("terr", "ter"),
    ("terrace", "ter"),
    ("third", "3rd"),
    ("trace", "trce"),
    ("track", "trak"),
    ("trafficway", "trfy"),
    ("trail", "trl"),
    ("trails", "trl"),
    ("trnpk", "tpke"),
    ("tunnel", "tunl"),
    ("turnpike", "tpke"),
    ("union", "un"),
    ("valley", "vly"),
    ("viaduct", "via"),
    ("view", "vw"),
    ("village", "vlg"),
    ("ville", "vl"),
    ("vista", "vis"),
    ("walk", "walk"),
    ("way", "way"),
    ("well", "wl"),
    ("wells", "wls"),
    ("west", "w"),
    ("wy", "way"),
];

/// Secondary unit designators (Publication 28 appendix C2) -> standard form. Sorted by key. Apartment, suite, unit and `#` all become `#`
/// (the number is what identifies the unit; USPS accepts `#` for any designator).
const UNIT_WORDS: &[(&str, &str)] = &[
    ("#", "#"),
    ("apartment", "#"),
    ("apt", "#"),
    ("bldg", "bldg"),
    ("building", "bldg"),
    ("department", "dept"),
    ("dept", "dept"),
    ("fl", "fl"),
    ("floor", "fl"),
    ("flr", "fl"),
    ("hangar", "hngr"),
    ("hngr", "hngr"),
    ("lot", "lot"),
    ("no", "#"),
    ("number", "#"),
    ("penthouse", "ph"),
    ("ph", "ph"),
    ("rm", "rm"),
    ("room", "rm"),
    ("ste", "#"),
    ("suite", "#"),
    ("trailer", "trlr"),
    ("trlr", "trlr"),
    ("unit", "#"),
];

/// Street words that may be present on one side only without changing the place.
fn is_optional_word(w: &str) -> bool {
    matches!(
        w,
        "n" | "s"
            | "e"
            | "w"
            | "ne"
            | "nw"
            | "se"
            | "sw"
            | "st"
            | "ave"
            | "rd"
            | "blvd"
            | "dr"
            | "ln"
            | "ct"
            | "pl"
            | "cir"
            | "way"
            | "ter"
            | "pkwy"
            | "hwy"
            | "trl"
    )
}

/// Country spellings -> ISO alpha-2 (folded). Two-letter input is taken as a code. Sorted by key.
const COUNTRIES: &[(&str, &str)] = &[
    ("america", "us"),
    ("can", "ca"),
    ("canada", "ca"),
    ("gbr", "gb"),
    ("great britain", "gb"),
    ("mex", "mx"),
    ("mexico", "mx"),
    ("uk", "gb"),
    ("united kingdom", "gb"),
    ("united states", "us"),
    ("united states of america", "us"),
    ("us of america", "us"),
    ("usa", "us"),
];

/// Binary search in a table sorted by key (see the `tables_are_sorted` test).
fn lookup<'t>(table: &'t [(&'static str, &'static str)], w: &str) -> Option<&'t str> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(w))
        .ok()
        .and_then(|i| table.get(i))
        .map(|(_, v)| *v)
}

/// A table's keys packed into integers: at most 16 bytes, big-endian and zero-padded, so that
/// their order is the strings' order (folded words hold no NUL). A lookup is then a binary
/// search over integers instead of a string compare per step (linkage keys and identity
/// matching look up every word of every street line, most of them twice).
struct Packed {
    keys: Vec<u128>,
    vals: Vec<&'static str>,
}

impl Packed {
    /// The entries of `table` whose key packs (the street and unit tables' keys all do).
    fn new(table: &[(&'static str, &'static str)]) -> Packed {
        let (keys, vals) = table
            .iter()
            .filter_map(|(k, v)| Some((pack(k)?, *v)))
            .unzip();
        Packed { keys, vals }
    }

    fn get(&self, w: &str) -> Option<&'static str> {
        let i = self.keys.binary_search(&pack(w)?).ok()?;
        self.vals.get(i).copied()
    }
}

fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    let mut a = [0u8; 16];
    a.get_mut(..b.len())?.copy_from_slice(b);
    Some(u128::from_be_bytes(a))
}

static STREET_INDEX: LazyLock<Packed> = LazyLock::new(|| Packed::new(STREET_WORDS));
static UNIT_INDEX: LazyLock<Packed> = LazyLock::new(|| Packed::new(UNIT_WORDS));

fn street_word(w: &str) -> &str {
    if w.len() > 12 || w.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return w;
    }
    STREET_INDEX.get(w).unwrap_or(w)
}

/// Unit designator lookup (digit-leading and long tokens are never designators).
fn unit_word(w: &str) -> Option<&'static str> {
    if w.len() > 10 || w.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    UNIT_INDEX.get(w)
}

const STREET: usize = 0;
const STREET2: usize = 1;
const CITY: usize = 2;
const REGION: usize = 3;
const COUNTRY: usize = 4;

/// Folded text of one side's address (one buffer) and its postal code.
#[derive(Default)]
struct AddrBuf {
    f: Fields<5>,
    postal: String,
}

/// The canonical pieces of an address.
struct AddrView<'a> {
    /// House number and street words (canonical forms), without the unit.
    street: Toks<'a>,
    /// Unit designators and identifiers (canonical forms).
    unit: Toks<'a>,
    city: Toks<'a>,
    /// US state code, or the folded region when not a US state.
    region: Option<&'a str>,
    postal: &'a str,
    country: Option<&'a str>,
}

impl AddrBuf {
    fn load(&mut self, f: &IdentityFields<'_>) {
        self.f.clear();
        self.postal.clear();
        self.f.set(STREET, f.street.unwrap_or(""), true);
        self.f.set(STREET2, f.street2.unwrap_or(""), true);
        self.f.set(CITY, f.city.unwrap_or(""), false);
        self.f.set(REGION, f.region.unwrap_or(""), false);
        self.f.set(COUNTRY, f.country.unwrap_or(""), false);
        // Postal code: ASCII alphanumerics only, folded to lowercase.
        for c in f.postal_code.unwrap_or("").chars().take(32) {
            if c.is_ascii_alphanumeric() {
                self.postal.push(c.to_ascii_lowercase());
            }
        }
    }

    fn street(&self) -> &str {
        self.f.get(STREET)
    }
    fn street2(&self) -> &str {
        self.f.get(STREET2)
    }
    fn city(&self) -> &str {
        self.f.get(CITY)
    }
    fn region(&self) -> &str {
        self.f.get(REGION)
    }
    fn country(&self) -> &str {
        self.f.get(COUNTRY)
    }

    fn is_empty(&self) -> bool {
        self.street().is_empty()
            && self.street2().is_empty()
            && self.city().is_empty()
            && self.region().is_empty()
            && self.postal.is_empty()
    }

    fn view(&self) -> AddrView<'_> {
        let mut v = AddrView {
            street: Toks::new(),
            unit: Toks::new(),
            city: Toks::new(),
            region: None,
            postal: "",
            country: None,
        };
        // Street line: words, with inline unit designators moved to `unit`.
        let words = Toks::split(self.street());
        let mut in_unit = false;
        let s = words.as_slice();
        let mut i = 0;
        while let Some(&w) = s.get(i) {
            i += 1;
            // "p o box" / "post office box" -> "po box"
            if (w == "p" && s.get(i) == Some(&"o")) || (w == "post" && s.get(i) == Some(&"office"))
            {
                i += 1;
                v.street.push("po");
                continue;
            }
            if let Some(u) = unit_word(w) {
                // a designator needs something after it, and "no"/"number" only count mid-line
                if s.get(i).is_some() && !(v.street.is_empty() && matches!(w, "no" | "number")) {
                    v.unit.push(u);
                    in_unit = true;
                    continue;
                }
            }
            if in_unit {
                v.unit.push(w);
                continue;
            }
            let c = street_word(w);
            v.street.push(c);
        }
        // Second line: a designator + id, or a bare id ("15", "B") meaning the same as "# 15".
        let w2 = Toks::split(self.street2());
        if let Some(first) = w2.first() {
            if unit_word(first).is_none() {
                v.unit.push("#");
            }
        }
        for w in w2.as_slice() {
            let c = unit_word(w).unwrap_or(w);
            v.unit.push(c);
        }
        for w in Toks::split(self.city()).as_slice() {
            let c = match *w {
                "saint" => "st",
                "sainte" => "ste",
                "fort" => "ft",
                "mount" => "mt",
                other => other,
            };
            v.city.push(c);
        }
        if !self.region().is_empty() {
            let r = self.region();
            // A US code (any case) or name becomes its USPS code, from the one region table.
            let name = r.strip_prefix("state of ").unwrap_or(r);
            v.region = Some(crate::geo::us_region_code(name).unwrap_or(r));
        }
        if !self.country().is_empty() {
            let c = self.country();
            let code = if c.len() == 2 {
                c
            } else {
                lookup(COUNTRIES, c).unwrap_or(c)
            };
            v.country = Some(code);
        }
        v.postal = self.postal.as_str();
        v
    }
}

/// Is `code` a USPS state or territory code (as [`crate::geo::us_region_code`] writes it)?
fn lookup_region_name(code: &str) -> bool {
    crate::geo::US_REGIONS.iter().any(|(c, _)| *c == code)
}

/// Postal code used for the comparison and the flag: the first 5 digits of a US ZIP, else the
/// whole folded code.
fn postal_key<'a>(p: &'a str, country: Option<&str>) -> &'a str {
    let us_like = country.is_none_or(crate::geo::is_us_or_territory);
    let digits5 = p.get(..5).filter(|d| d.bytes().all(|b| b.is_ascii_digit()));
    match digits5 {
        Some(d)
            if us_like
                && (p.len() == 5 || p.len() == 9)
                && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            d
        }
        _ => p,
    }
}

fn house_number<'a>(t: &Toks<'a>) -> Option<&'a str> {
    t.first()
        .filter(|w| w.bytes().next().is_some_and(|b| b.is_ascii_digit()))
}

/// Street line similarity in 0..=1.
fn street_sim(a: &Toks<'_>, b: &Toks<'_>, sa: &mut String, sb: &mut String) -> f64 {
    if a.same(b) {
        return 1.0;
    }
    let (ha, hb) = (house_number(a), house_number(b));
    let house_differs = matches!((ha, hb), (Some(x), Some(y)) if x != y);
    // Street words without the house number.
    let rest = |t: &Toks<'_>, h: Option<&str>, out: &mut String| {
        out.clear();
        let skip = usize::from(h.is_some());
        for w in t.as_slice().iter().skip(skip) {
            out.push_str(w);
            out.push(' ');
        }
    };
    rest(a, ha, sa);
    rest(b, hb, sb);
    let words_sim = if sa == sb {
        1.0
    } else {
        let core_equal = {
            let ca = a.as_slice().iter().filter(|w| !is_optional_word(w));
            let cb = b.as_slice().iter().filter(|w| !is_optional_word(w));
            ca.eq(cb)
        };
        if core_equal {
            0.95
        } else if osa(sa, sb) == 1 && sa.len().max(sb.len()) >= 5 {
            0.92
        } else {
            jw(sa, sb) * 0.9
        }
    };
    if house_differs {
        words_sim * 0.3
    } else if ha.is_some() != hb.is_some() {
        words_sim * 0.8
    } else {
        words_sim
    }
}

/// The canonical text of an address for linkage keys (`crate::link`): the street line's
/// house number and words in their USPS forms, the unit (designator and id, so that two
/// flats of one building are two addresses), and the postal code (a US ZIP's first five
/// digits), as `street|unit|zip`. `None` without a street or a postal code.
pub(crate) fn address_key_text(f: &IdentityFields<'_>) -> Option<String> {
    // The city and region are not part of the key: not folded at all.
    let f = IdentityFields {
        city: None,
        region: None,
        ..*f
    };
    let mut b = AddrBuf::default();
    b.load(&f);
    let v = b.view();
    let postal = postal_key(v.postal, v.country);
    if v.street.is_empty() || postal.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(64);
    for (i, w) in v.street.as_slice().iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('|');
    for (i, w) in v.unit.as_slice().iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('|');
    out.push_str(postal);
    Some(out)
}

/// Compares the addresses of two sides; `None` when either side has no address part.
pub(crate) fn compare_addresses(
    x: &IdentityFields<'_>,
    y: &IdentityFields<'_>,
) -> Option<AddressMatch> {
    let mut bx = AddrBuf::default();
    let mut by = AddrBuf::default();
    bx.load(x);
    by.load(y);
    if bx.is_empty() || by.is_empty() {
        return None;
    }
    let (a, b) = (bx.view(), by.view());
    let mut sa = String::with_capacity(64);
    let mut sb = String::with_capacity(64);

    let mut total = 0.0;
    let mut weight = 0.0;
    let mut all_equal = true;

    let street_comparable = !a.street.is_empty() && !b.street.is_empty();
    if street_comparable {
        let mut s = street_sim(&a.street, &b.street, &mut sa, &mut sb);
        let unit_factor = match (a.unit.is_empty(), b.unit.is_empty()) {
            (true, true) => 1.0,
            (false, false) if a.unit.same(&b.unit) => 1.0,
            // another unit in the same building
            (false, false) => 0.7,
            _ => 0.95,
        };
        s *= unit_factor;
        all_equal &= s >= 1.0;
        total += 0.55 * s;
        weight += 0.55;
    } else if a.street.is_empty() != b.street.is_empty() {
        all_equal = false;
    }
    if !a.city.is_empty() && !b.city.is_empty() {
        let s = if a.city.same(&b.city) {
            1.0
        } else {
            a.city.join_into(&mut sa);
            b.city.join_into(&mut sb);
            if sa == sb {
                1.0
            } else {
                let j = jw(&sa, &sb);
                if j > 0.85 {
                    j
                } else {
                    j * 0.5
                }
            }
        };
        all_equal &= s >= 1.0;
        total += 0.15 * s;
        weight += 0.15;
    }
    if let (Some(ra), Some(rb)) = (a.region, b.region) {
        let s = if ra == rb {
            1.0
        } else if !lookup_region_name(ra) || !lookup_region_name(rb) {
            // not both US codes: fuzzy on the folded text
            let j = jw(ra, rb);
            if j > 0.9 {
                j
            } else {
                0.0
            }
        } else {
            0.0
        };
        all_equal &= s >= 1.0;
        total += 0.1 * s;
        weight += 0.1;
    }
    let country = a.country.or(b.country);
    let (pa, pb) = (postal_key(a.postal, country), postal_key(b.postal, country));
    let postal_match = !pa.is_empty() && pa == pb;
    if !pa.is_empty() && !pb.is_empty() {
        let s = if postal_match {
            1.0
        } else if pa.len() == pb.len() && osa(pa, pb) == 1 {
            0.25
        } else {
            0.0
        };
        all_equal &= s >= 1.0;
        total += 0.2 * s;
        weight += 0.2;
    }
    if weight <= 0.0 {
        // Nothing comparable (e.g. only a city on one side and only a ZIP on the other, or
        // only a unit line): equal text or nothing.
        let same =
            bx.street2() == by.street2() && bx.city() == by.city() && bx.region() == by.region();
        return Some(AddressMatch {
            score: if same { 100 } else { 0 },
            is_postal_code_match: false,
        });
    }
    let mut score = (total / weight * 100.0).round().clamp(0.0, 100.0) as u8;
    let country_conflict = matches!((a.country, b.country), (Some(x), Some(y)) if x != y);
    if all_equal && !country_conflict {
        let identical = bx.street() == by.street()
            && bx.street2() == by.street2()
            && bx.city() == by.city()
            && bx.region() == by.region()
            && bx.postal == by.postal;
        score = if identical { 100 } else { 99 };
    } else {
        score = score.min(98);
    }
    if a.street.is_empty() != b.street.is_empty() {
        // One side gives no street: the rest can agree, the address is not confirmed.
        score = score.min(80);
    }
    if country_conflict {
        score = score.min(40);
    }
    Some(AddressMatch {
        score,
        is_postal_code_match: postal_match,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr<'a>(street: &'a str, street2: Option<&'a str>, zip: &'a str) -> IdentityFields<'a> {
        IdentityFields {
            street: Some(street),
            street2,
            city: Some("Pawnee"),
            region: Some("IN"),
            postal_code: Some(zip),
            country: Some("US"),
            ..Default::default()
        }
    }

    fn score(a: &IdentityFields<'_>, b: &IdentityFields<'_>) -> AddressMatch {
        compare_addresses(a, b).unwrap_or(AddressMatch {
            score: 255,
            is_postal_code_match: false,
        })
    }

    #[test]
    fn tables_are_sorted() {
        for t in [STREET_WORDS, UNIT_WORDS, COUNTRIES] {
            assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        }
        assert_eq!(lookup(STREET_WORDS, "street"), Some("st"));
        assert_eq!(lookup(STREET_WORDS, "main"), None);
        // Every key packs, and the packed index answers as the table.
        for (t, index) in [(STREET_WORDS, &*STREET_INDEX), (UNIT_WORDS, &*UNIT_INDEX)] {
            assert_eq!(index.keys.len(), t.len());
            for (k, v) in t {
                assert_eq!(index.get(k), Some(*v));
                for probe in [
                    &k[1..],
                    &k[..k.len() - 1],
                    &format!("{k}s"),
                    &format!("a{k}"),
                ] {
                    assert_eq!(index.get(probe), lookup(t, probe), "{probe}");
                }
            }
        }
    }

    #[test]
    fn identical_is_100() {
        let a = addr("564 Main Street, APT 15", None, "41006");
        assert_eq!(score(&a, &a).score, 100);
    }

    #[test]
    fn inline_unit_equals_street2() {
        let a = addr("564 Main Street, APT 15", None, "41006");
        let b = addr("564 Main St", Some("#15"), "41006-1234");
        let r = score(&a, &b);
        assert_eq!(r.score, 99);
        assert!(r.is_postal_code_match);
    }

    #[test]
    fn bare_street2_is_a_unit() {
        let a = addr("10 Elm St Apt 3", None, "41006");
        let b = addr("10 Elm St", Some("3"), "41006");
        assert_eq!(score(&a, &b).score, 99);
    }

    #[test]
    fn different_house_is_mismatch() {
        let a = addr("564 Main St", None, "41006");
        let b = addr("12 Main St", None, "41006");
        assert!(score(&a, &b).score < 70);
    }

    #[test]
    fn postal_keys() {
        assert_eq!(postal_key("410061234", None), "41006");
        assert_eq!(postal_key("41006", Some("us")), "41006");
        assert_eq!(postal_key("sw1a1aa", Some("gb")), "sw1a1aa");
        assert_eq!(postal_key("12345", Some("de")), "12345");
    }

    #[test]
    fn country_conflict_caps() {
        let a = addr("1 Rue de Rivoli", None, "75001");
        let mut b = a;
        b.country = Some("FR");
        assert!(score(&a, &b).score <= 40);
    }
}
