//! Text folding shared by the comparers: case, accents (NFKD then combining marks dropped),
//! punctuation and whitespace, plus a small fixed-capacity token list that avoids allocation.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Folded text is capped at this many bytes: longer input is truncated (no field of a real
/// identity is longer, and the fuzzy comparers are quadratic in the length).
pub(crate) const MAX_FOLDED: usize = 256;

/// At most this many tokens are kept per folded value; extra tokens are ignored.
pub(crate) const MAX_TOKENS: usize = 16;

/// Appends the folded form of `s` to `out`, space-separated from what `out` already holds.
///
/// Letters and digits are kept (lowercased, accents removed); apostrophes are dropped without a
/// break (`O'Brien` -> `obrien`); every other character breaks tokens. With `keep_hash`, `#` is
/// kept as a token of its own (address unit designator).
/// The folded text is appended after what `out` already holds, with no separator: the caller
/// records `out.len()` before the call to find it again.
pub(crate) fn fold_into(s: &str, out: &mut String, keep_hash: bool) {
    let start = out.len();
    let mut sep = false;
    for c in s.chars() {
        if out.len() - start >= MAX_FOLDED {
            break;
        }
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push_char(out, start, &mut sep, c.to_ascii_lowercase());
            } else if c == '\'' {
                // dropped, no token break
            } else if keep_hash && c == '#' {
                sep = true;
                push_char(out, start, &mut sep, '#');
                sep = true;
            } else {
                sep = true;
            }
            continue;
        }
        if matches!(c, '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}') {
            continue;
        }
        decompose_compatible(c, |d| {
            if is_combining_mark(d) {
                return;
            }
            if d.is_alphanumeric() {
                for l in d.to_lowercase() {
                    push_char(out, start, &mut sep, l);
                }
            } else if d != '\'' {
                sep = true;
            }
        });
    }
}

#[inline]
fn push_char(out: &mut String, start: usize, sep: &mut bool, c: char) {
    if *sep && out.len() > start {
        out.push(' ');
    }
    *sep = false;
    out.push(c);
}

/// Several folded fields kept in one buffer (one allocation per side).
pub(crate) struct Fields<const N: usize> {
    text: String,
    ranges: [(usize, usize); N],
}

impl<const N: usize> Default for Fields<N> {
    fn default() -> Self {
        Fields {
            text: String::with_capacity(32 * N),
            ranges: [(0, 0); N],
        }
    }
}

impl<const N: usize> Fields<N> {
    /// Folds `s` as field `i` (fields are set once each, in any order).
    pub(crate) fn set(&mut self, i: usize, s: &str, keep_hash: bool) {
        let start = self.text.len();
        fold_into(s, &mut self.text, keep_hash);
        if let Some(r) = self.ranges.get_mut(i) {
            *r = (start, self.text.len());
        }
    }

    /// Folded field `i` ("" when unset).
    pub(crate) fn get(&self, i: usize) -> &str {
        self.ranges
            .get(i)
            .and_then(|&(a, b)| self.text.get(a..b))
            .unwrap_or("")
    }

    /// Forgets every field.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.ranges = [(0, 0); N];
    }
}

/// Folds `s` into a fresh string (convenience for tests and cold paths).
#[cfg(test)]
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::new();
    fold_into(s, &mut out, false);
    out
}

/// A small, copyable list of borrowed tokens (no heap allocation).
#[derive(Clone, Copy)]
pub(crate) struct Toks<'a> {
    items: [&'a str; MAX_TOKENS],
    len: usize,
}

impl<'a> Default for Toks<'a> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> Toks<'a> {
    /// An empty list.
    pub(crate) const fn new() -> Self {
        Toks {
            items: [""; MAX_TOKENS],
            len: 0,
        }
    }

    /// Splits folded text on spaces.
    pub(crate) fn split(folded: &'a str) -> Self {
        let mut t = Toks::new();
        let mut start = 0;
        for (i, b) in folded.bytes().enumerate() {
            if b == b' ' {
                if let Some(w) = folded.get(start..i) {
                    t.push(w);
                }
                start = i + 1;
            }
        }
        if let Some(w) = folded.get(start..) {
            t.push(w);
        }
        t
    }

    /// Appends a non-empty token; returns false when full (token ignored).
    pub(crate) fn push(&mut self, tok: &'a str) -> bool {
        if tok.is_empty() {
            return true;
        }
        match self.items.get_mut(self.len) {
            Some(slot) => {
                *slot = tok;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    /// The tokens.
    pub(crate) fn as_slice(&self) -> &[&'a str] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    /// Number of tokens.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when there is no token.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first token, if any.
    pub(crate) fn first(&self) -> Option<&'a str> {
        self.as_slice().first().copied()
    }

    /// Writes the tokens concatenated without separator into `out` (cleared first).
    pub(crate) fn join_into(&self, out: &mut String) {
        out.clear();
        out.reserve(self.as_slice().iter().map(|w| w.len()).sum());
        for w in self.as_slice() {
            out.push_str(w);
        }
    }

    /// True when both lists hold the same tokens in the same order.
    pub(crate) fn same(&self, other: &Toks<'_>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// Jaro-Winkler similarity computed with the arguments in a canonical order, so that the
/// result is exactly symmetric.
pub(crate) fn jw(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a <= b {
        strsim::jaro_winkler(a, b)
    } else {
        strsim::jaro_winkler(b, a)
    }
}

/// Optimal string alignment distance (one transposition counts as one edit), symmetric.
pub(crate) fn osa(a: &str, b: &str) -> usize {
    if a == b {
        return 0;
    }
    if a <= b {
        strsim::osa_distance(a, b)
    } else {
        strsim::osa_distance(b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_punctuation() {
        assert_eq!(fold("  José  MARÍA-López "), "jose maria lopez");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("O\u{2019}Brien"), "obrien");
        assert_eq!(fold("J. Q. Public, Jr."), "j q public jr");
        assert_eq!(fold("Ångström"), "angstrom");
        assert_eq!(fold("ﬁnn"), "finn"); // NFKD ligature
        assert_eq!(fold(""), "");
        assert_eq!(fold("!!!"), "");
    }

    #[test]
    fn fields_buffer() {
        let mut f = Fields::<3>::default();
        f.set(1, "Main  St.", false);
        f.set(0, "O'Brien", false);
        assert_eq!((f.get(0), f.get(1), f.get(2)), ("obrien", "main st", ""));
        f.clear();
        assert_eq!(f.get(0), "");
    }

    #[test]
    fn keeps_hash_for_addresses() {
        let mut s = String::new();
        fold_into("Main St #15", &mut s, true);
        assert_eq!(s, "main st # 15");
    }

    #[test]
    fn caps_length_and_tokens() {
        let long = "ab ".repeat(1000);
        let mut s = String::new();
        fold_into(&long, &mut s, false);
        assert!(s.len() <= MAX_FOLDED + 4);
        let t = Toks::split(&s);
        assert_eq!(t.len(), MAX_TOKENS);
    }

    #[test]
    fn jw_is_symmetric() {
        assert_eq!(jw("martha", "marhta"), jw("marhta", "martha"));
        assert_eq!(osa("ab", "ba"), 1);
    }
}
