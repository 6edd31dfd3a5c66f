//! Phone numbers the generator may write, built once and checked by the crate's own validator
//! (`crate::validate::phone::check`), so generated numbers are valid by the same rules that
//! `layer-risk score` applies.

use std::sync::OnceLock;

use crate::validate::phone::{check, PhoneVerdict};

use super::data::{COMMON_FOREIGN, US_NPAS};
use super::write::Small;
use crate::rng::Rng;

/// Subscriber parts tried on each US area code: a code is kept if all of them make valid US
/// numbers (a spread of exchanges and lines).
const US_PROBES: [&str; 5] = ["2001234", "3456789", "5550199", "7452130", "9998765"];

/// A family of valid numbers: `prefix` followed by one of `suffixes`, zero-padded to `width`.
#[derive(Debug)]
pub(super) struct ForeignTemplate {
    /// The region the numbers belong to (`"GB"`, `"DE"`, ...).
    pub(super) region: String,
    /// `+`, the country calling code and the example number without its last `width` digits.
    pub(super) prefix: String,
    /// Number of digits after `prefix`.
    pub(super) width: usize,
    /// The endings that make a valid number of `region`.
    pub(super) suffixes: Vec<u16>,
}

impl ForeignTemplate {
    /// Appends one of the template's numbers, chosen uniformly.
    #[inline]
    pub(super) fn write_random(&self, rng: &mut Rng, phone: &mut Small<20>) {
        phone.push_str(&self.prefix);
        phone.push_num(
            u64::from(self.suffixes[rng.idx(self.suffixes.len())]),
            self.width,
        );
    }
}

/// The area codes and foreign templates the generator draws from.
#[derive(Debug)]
pub(super) struct PhoneTables {
    /// US area codes (from [`US_NPAS`]) that the validator accepts.
    pub(super) us_npas: Vec<u16>,
    /// Templates of other regions, sorted by region id.
    pub(super) foreign: Vec<ForeignTemplate>,
    /// Indexes into `foreign` of the regions in [`COMMON_FOREIGN`].
    pub(super) common: Vec<usize>,
}

/// The tables, built on first use (once per process).
pub(super) fn tables() -> &'static PhoneTables {
    static TABLES: OnceLock<PhoneTables> = OnceLock::new();
    TABLES.get_or_init(build_tables)
}

/// Whether `e164` is a valid number of `region` according to [`check`].
fn valid_in(e164: &str, region: &str) -> bool {
    matches!(check(e164), PhoneVerdict::Valid { region: r, .. } if r.as_str() == region)
}

fn build_tables() -> PhoneTables {
    let db = &*phonenumber::metadata::DATABASE;

    // US area codes: keep those the validator accepts for a spread of exchanges.
    let us_npas: Vec<u16> = US_NPAS
        .iter()
        .copied()
        .filter(|npa| {
            US_PROBES
                .iter()
                .all(|rest| valid_in(&format!("+1{npa}{rest}"), "US"))
        })
        .collect();
    let us_npas = if us_npas.is_empty() {
        US_NPAS.to_vec()
    } else {
        us_npas
    };

    // Other regions: the main region of each non-+1 calling code, sorted by region id (the
    // crate's maps are hash maps, so sort for a deterministic order).
    let mut metas: Vec<&phonenumber::metadata::Metadata> = db
        .iter()
        .filter(|m| m.country_code() != 1 && m.id() != "001")
        .filter(|m| {
            db.region(&m.country_code())
                .and_then(|r| r.first().map(|first| *first == m.id()))
                .unwrap_or(false)
        })
        .collect();
    metas.sort_by(|a, b| a.id().cmp(b.id()));

    // For the mobile and fixed-line example number of each: its last 2 or 3 digits varied, the
    // endings that keep it a valid number of that region.
    let mut foreign = Vec::new();
    for m in metas {
        let d = m.descriptors();
        for desc in [d.mobile(), d.fixed_line()].into_iter().flatten() {
            let Some(example) = desc.example() else {
                continue;
            };
            if example.len() < 5 || !example.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let width = if example.len() >= 9 { 3 } else { 2 };
            let prefix = format!("+{}{}", m.country_code(), &example[..example.len() - width]);
            let mut number = String::with_capacity(prefix.len() + width);
            let suffixes: Vec<u16> = (0..10u16.pow(width as u32))
                .filter(|s| {
                    number.clear();
                    number.push_str(&prefix);
                    number.push_str(&format!("{s:0width$}"));
                    valid_in(&number, m.id())
                })
                .collect();
            if suffixes.is_empty() {
                continue;
            }
            foreign.push(ForeignTemplate {
                region: m.id().to_string(),
                prefix,
                width,
                suffixes,
            });
        }
    }
    let common = foreign
        .iter()
        .enumerate()
        .filter(|(_, t)| COMMON_FOREIGN.contains(&t.region.as_str()))
        .map(|(i, _)| i)
        .collect();
    PhoneTables {
        us_npas,
        foreign,
        common,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tables_are_large_sorted_and_valid() {
        let t = tables();
        assert!(t.us_npas.len() > 250, "{}", t.us_npas.len());
        let regions: HashSet<&str> = t.foreign.iter().map(|f| f.region.as_str()).collect();
        assert!(regions.len() > 150, "{}", regions.len());
        assert!(!regions.contains("US") && !regions.contains("CA"));
        assert!(!t.common.is_empty());
        // Deterministic order; every ending valid per the crate's validator and per the
        // `phonenumber` crate's own.
        assert!(t.foreign.windows(2).all(|w| w[0].region <= w[1].region));
        for f in &t.foreign {
            for s in &f.suffixes {
                let num = format!("{}{:0w$}", f.prefix, s, w = f.width);
                assert!(valid_in(&num, &f.region), "{num}");
            }
            for s in [f.suffixes[0], f.suffixes[f.suffixes.len() - 1]] {
                let num = format!("{}{:0w$}", f.prefix, s, w = f.width);
                let p = phonenumber::parse(None, &num).unwrap();
                assert!(phonenumber::is_valid(&p), "{} {num}", f.region);
            }
        }
    }
}
