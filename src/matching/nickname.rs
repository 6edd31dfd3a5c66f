//! Nickname table (data/nicknames.csv, built once into a sorted slice of pairs).

use std::sync::OnceLock;

const CSV: &str = include_str!("../../data/nicknames.csv");

static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();

/// Sorted, deduplicated, unordered pairs `(a, b)` with `a < b`.
fn table() -> &'static [(&'static str, &'static str)] {
    TABLE.get_or_init(|| {
        let mut pairs = Vec::with_capacity(3200);
        for line in CSV.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut names = line.split(',').map(str::trim).filter(|n| usable(n));
            let Some(head) = names.next() else { continue };
            for nick in names {
                match head.cmp(nick) {
                    std::cmp::Ordering::Less => pairs.push((head, nick)),
                    std::cmp::Ordering::Greater => pairs.push((nick, head)),
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    })
}

/// Only plain lowercase ASCII names of two letters or more take part (drops "k.c." etc.).
fn usable(n: &str) -> bool {
    n.len() >= 2 && n.bytes().all(|b| b.is_ascii_lowercase())
}

/// True when `a` and `b` (folded, lowercase) are listed as a name/nickname pair (either way).
/// A name is not its own nickname.
pub(crate) fn is_nickname_pair(a: &str, b: &str) -> bool {
    if a == b || a.is_empty() || b.is_empty() {
        return false;
    }
    let key = if a < b { (a, b) } else { (b, a) };
    table().binary_search(&key).is_ok()
}

/// Number of distinct pairs in the table.
#[cfg(test)]
pub(crate) fn pair_count() -> usize {
    table().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_large_enough() {
        assert!(pair_count() >= 300, "only {} pairs", pair_count());
    }

    #[test]
    fn known_pairs_both_ways() {
        for (a, b) in [
            ("william", "bill"),
            ("william", "will"),
            ("william", "liam"),
            ("elizabeth", "liz"),
            ("elizabeth", "beth"),
            ("robert", "bob"),
            ("margaret", "peggy"),
            ("jennifer", "jenn"),
            ("richard", "dick"),
        ] {
            assert!(is_nickname_pair(a, b), "{a}/{b}");
            assert!(is_nickname_pair(b, a), "{b}/{a}");
        }
    }

    #[test]
    fn non_pairs() {
        assert!(!is_nickname_pair("william", "william"));
        assert!(!is_nickname_pair("john", "mary"));
        assert!(!is_nickname_pair("", "bill"));
        assert!(!is_nickname_pair("k.c.", "casey"));
    }
}
