//! Name comparison: folding, titles/suffixes, initials, nicknames, double surnames,
//! first/last swap, full name vs split name, business names, then a fuzzy comparison.

use super::fold::{jw, osa, Fields, Toks};
use super::nickname::is_nickname_pair;
use super::{IdentityFields, NameMatch};
use std::cmp::Ordering;

/// A part (given name or surname) "matches" from this many points.
const STRONG: u8 = 85;
/// One edit between given names or surnames.
const TYPO_POINTS: u8 = 92;
/// First names related through the nickname table.
const NICKNAME_POINTS: u8 = 93;
/// One side has only the initial of the other's given name.
const INITIAL_POINTS: u8 = 88;
/// One surname is a part of the other's double surname (`Garcia` vs `Garcia Lopez`).
const PARTIAL_SURNAME_POINTS: u8 = 93;
/// Penalty for a first/last swap.
const SWAP_PENALTY: u8 = 4;
/// Cap when both sides carry a different generational suffix (Jr vs Sr: father and son).
const GENERATION_CONFLICT_CAP: u8 = 75;
/// Floor and width of the band for a different given name under a matching surname
/// (`Leslie Knope` vs `Ann Knope`): 60 to 65, by given-name resemblance. Below 70 because a
/// spouse, sibling, parent or child shares the surname and is exactly who must not pass as the
/// applicant; above the 50 of a shared given name with an unrelated surname (`John Smith` vs
/// `John Public`), since a shared surname with both given names present is the closer link.
const OTHER_GIVEN_FLOOR: u32 = 60;
const OTHER_GIVEN_SPREAD: u32 = 5;

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "fr", "hon", "mister",
    "madam",
];
const OTHER_SUFFIXES: &[&str] = &[
    "esq", "phd", "md", "dds", "dmd", "cpa", "jd", "rn", "mba", "dvm", "ret",
];
/// Business / legal-form words, as whole tokens.
const BUSINESS: &[&str] = &[
    "llc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "ltd",
    "limited",
    "co",
    "company",
    "trust",
    "lp",
    "llp",
    "lllp",
    "plc",
    "pllc",
    "gmbh",
    "foundation",
    "holdings",
    "partners",
    "partnership",
    "associates",
    "enterprises",
    "dba",
];

fn generation(t: &str) -> Option<u8> {
    match t {
        "sr" | "senior" => Some(1),
        "jr" | "junior" | "ii" | "2nd" => Some(2),
        "iii" | "3rd" => Some(3),
        "iv" | "4th" => Some(4),
        _ => None,
    }
}

fn is_suffix(t: &str) -> bool {
    generation(t).is_some() || OTHER_SUFFIXES.contains(&t)
}

fn is_title(t: &str) -> bool {
    TITLES.contains(&t)
}

fn is_business(t: &str) -> bool {
    BUSINESS.contains(&t)
}

/// Where a side's name came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Source {
    None,
    Split,
    Full { inverted: bool },
}

const FIRST: usize = 0;
const MIDDLE: usize = 1;
const LAST: usize = 2;
const FULL_A: usize = 3;
const FULL_B: usize = 4;

/// Folded text of one side's name (one buffer).
#[derive(Default)]
pub(crate) struct NameBuf {
    f: Fields<5>,
}

/// A parsed name, borrowing from a [`NameBuf`].
#[derive(Clone, Copy)]
pub(crate) struct NameView<'a> {
    pub(crate) first: Toks<'a>,
    pub(crate) middle: Toks<'a>,
    pub(crate) last: Toks<'a>,
    /// Generational suffix (1 = Sr, 2 = Jr/II, 3 = III, 4 = IV).
    generation: Option<u8>,
    /// A title or a non-generational suffix was dropped.
    decorated: bool,
    from_full: bool,
    business: bool,
}

impl NameBuf {
    /// Folds the name fields of `f` and returns a view of them, or `None` when there is no name.
    pub(crate) fn view<'a>(&'a mut self, f: &IdentityFields<'_>) -> Option<NameView<'a>> {
        let source = self.load(f);
        let v = self.parse(source);
        if v.first.is_empty() && v.last.is_empty() && v.middle.is_empty() {
            None
        } else {
            Some(v)
        }
    }

    fn load(&mut self, f: &IdentityFields<'_>) -> Source {
        self.f.clear();
        self.f.set(FIRST, f.first_name.unwrap_or(""), false);
        self.f.set(LAST, f.last_name.unwrap_or(""), false);
        if !self.f.get(FIRST).is_empty() || !self.f.get(LAST).is_empty() {
            self.f.set(MIDDLE, f.middle_name.unwrap_or(""), false);
            return Source::Split;
        }
        let Some(full) = f.full_name else {
            return Source::None;
        };
        match full.split_once(',') {
            Some((before, after)) => {
                self.f.set(FULL_A, before, false);
                self.f.set(FULL_B, after, false);
                Source::Full { inverted: true }
            }
            None => {
                self.f.set(FULL_A, full, false);
                Source::Full { inverted: false }
            }
        }
    }

    fn parse(&self, source: Source) -> NameView<'_> {
        let mut v = NameView {
            first: Toks::new(),
            middle: Toks::new(),
            last: Toks::new(),
            generation: None,
            decorated: false,
            from_full: matches!(source, Source::Full { .. }),
            business: false,
        };
        match source {
            Source::None => {}
            Source::Split => {
                let mut first = Toks::split(self.f.get(FIRST));
                let middle = Toks::split(self.f.get(MIDDLE));
                let mut last = Toks::split(self.f.get(LAST));
                v.business = [&first, &middle, &last]
                    .iter()
                    .any(|t| t.as_slice().iter().any(|w| is_business(w)));
                strip_titles(&mut first, &mut v);
                strip_suffixes(&mut last, &mut v);
                // Extra given names ("Mary Ann") behave as middle names.
                let mut it = first.as_slice().iter();
                if let Some(f0) = it.next() {
                    v.first.push(f0);
                }
                for w in it.chain(middle.as_slice().iter()) {
                    v.middle.push(w);
                }
                v.last = last;
            }
            Source::Full { inverted } => {
                let a = Toks::split(self.f.get(FULL_A));
                let b = Toks::split(self.f.get(FULL_B));
                v.business = [&a, &b]
                    .iter()
                    .any(|t| t.as_slice().iter().any(|w| is_business(w)));
                let b_is_only_suffixes = b.as_slice().iter().all(|w| is_suffix(w));
                if inverted && !b_is_only_suffixes {
                    // "Public, John Q."
                    let mut last = a;
                    strip_suffixes(&mut last, &mut v);
                    let mut given = b;
                    strip_suffixes(&mut given, &mut v);
                    strip_titles(&mut given, &mut v);
                    let mut it = given.as_slice().iter();
                    if let Some(f0) = it.next() {
                        v.first.push(f0);
                    }
                    for w in it {
                        v.middle.push(w);
                    }
                    v.last = last;
                } else {
                    let mut all = a;
                    for w in b.as_slice() {
                        all.push(w);
                    }
                    strip_titles(&mut all, &mut v);
                    strip_suffixes(&mut all, &mut v);
                    let s = all.as_slice();
                    if let Some((f0, rest)) = s.split_first() {
                        v.first.push(f0);
                        if let Some((l, mid)) = rest.split_last() {
                            v.last.push(l);
                            for w in mid {
                                v.middle.push(w);
                            }
                        }
                    }
                }
            }
        }
        v
    }
}

/// Drops leading titles while more than one token remains.
fn strip_titles(t: &mut Toks<'_>, v: &mut NameView<'_>) {
    let s = t.as_slice();
    let n = s
        .iter()
        .take_while(|w| is_title(w))
        .count()
        .min(s.len().saturating_sub(1));
    if n > 0 {
        v.decorated = true;
        let mut out = Toks::new();
        for w in s.iter().skip(n) {
            out.push(w);
        }
        *t = out;
    }
}

/// Drops trailing suffixes (Jr, Sr, III, Esq ...) while more than one token remains.
fn strip_suffixes(t: &mut Toks<'_>, v: &mut NameView<'_>) {
    let s = t.as_slice();
    let mut end = s.len();
    while end > 1 {
        let Some(w) = s.get(end - 1) else { break };
        if let Some(g) = generation(w) {
            v.generation = Some(g);
        } else if OTHER_SUFFIXES.contains(w) {
            v.decorated = true;
        } else {
            break;
        }
        end -= 1;
    }
    if end < s.len() {
        let mut out = Toks::new();
        for w in s.iter().take(end) {
            out.push(w);
        }
        *t = out;
    }
}

/// Total order on views, used to make the comparison exactly symmetric.
fn canonical_cmp(a: &NameView<'_>, b: &NameView<'_>) -> Ordering {
    a.first
        .as_slice()
        .cmp(b.first.as_slice())
        .then_with(|| a.middle.as_slice().cmp(b.middle.as_slice()))
        .then_with(|| a.last.as_slice().cmp(b.last.as_slice()))
        .then_with(|| a.generation.cmp(&b.generation))
        .then_with(|| a.decorated.cmp(&b.decorated))
        .then_with(|| a.from_full.cmp(&b.from_full))
        .then_with(|| a.business.cmp(&b.business))
}

/// Maps a Jaro-Winkler similarity to points, capped below the "strong" line: a fuzzy
/// resemblance alone never makes a part match.
pub(crate) fn fuzzy_points(sim: f64) -> u8 {
    let p = ((sim - 0.6) / 0.4 * 100.0).clamp(0.0, 84.0);
    p.round() as u8
}

/// Scratch strings for joins.
#[derive(Default)]
struct Scratch {
    a: String,
    b: String,
}

struct Given {
    points: u8,
    nickname: bool,
    /// The given names matched only once middle names were appended ("Mary Ann" / "Maryann").
    used_middles: bool,
}

fn given_points(a: &NameView<'_>, b: &NameView<'_>, s: &mut Scratch) -> Given {
    let mut g = Given {
        points: 0,
        nickname: false,
        used_middles: false,
    };
    let (Some(pa), Some(pb)) = (a.first.first(), b.first.first()) else {
        return g;
    };
    g.points = if pa == pb {
        100
    } else if (pa.len() == 1 && pb.starts_with(pa)) || (pb.len() == 1 && pa.starts_with(pb)) {
        INITIAL_POINTS
    } else if is_nickname_pair(pa, pb) {
        g.nickname = true;
        NICKNAME_POINTS
    } else {
        join2(&a.first, &a.middle, &mut s.a);
        join2(&b.first, &b.middle, &mut s.b);
        if s.a == s.b {
            g.used_middles = true;
            99
        } else if osa(pa, pb) == 1 && pa.len().max(pb.len()) >= 4 {
            TYPO_POINTS
        } else {
            fuzzy_points(jw(pa, pb))
        }
    };
    g
}

fn join2(x: &Toks<'_>, y: &Toks<'_>, out: &mut String) {
    x.join_into(out);
    for w in y.as_slice() {
        out.push_str(w);
    }
}

struct Surname {
    points: u8,
    /// Middle tokens of (a, b) absorbed into the surname ("Maria Garcia Lopez" full name vs
    /// last name "Garcia Lopez").
    consumed: (usize, usize),
}

fn surname_points(a: &NameView<'_>, b: &NameView<'_>, s: &mut Scratch) -> Surname {
    let mut r = Surname {
        points: 0,
        consumed: (0, 0),
    };
    if a.last.is_empty() || b.last.is_empty() {
        return r;
    }
    if a.last.same(&b.last) {
        r.points = 100;
        return r;
    }
    if let Some(k) = absorbs(a, b) {
        r.points = 100;
        r.consumed.0 = k;
        return r;
    }
    if let Some(k) = absorbs(b, a) {
        r.points = 100;
        r.consumed.1 = k;
        return r;
    }
    a.last.join_into(&mut s.a);
    b.last.join_into(&mut s.b);
    r.points = if s.a == s.b {
        99
    } else if subset(&a.last, &b.last) || subset(&b.last, &a.last) {
        PARTIAL_SURNAME_POINTS
    } else if osa(&s.a, &s.b) == 1 && s.a.len().max(s.b.len()) >= 4 {
        TYPO_POINTS
    } else {
        fuzzy_points(jw(&s.a, &s.b))
    };
    r
}

/// When `x` comes from a full name and the tail of its middle names followed by its last name
/// equals `y`'s (longer) last name, returns how many middle tokens of `x` belong to the surname.
fn absorbs(x: &NameView<'_>, y: &NameView<'_>) -> Option<usize> {
    if !x.from_full {
        return None;
    }
    let (xl, yl, xm) = (x.last.as_slice(), y.last.as_slice(), x.middle.as_slice());
    let k = yl.len().checked_sub(xl.len())?;
    if k == 0 || k > xm.len() {
        return None;
    }
    let tail = xm.get(xm.len() - k..)?;
    let (y_head, y_tail) = yl.split_at(k);
    (tail == y_head && xl == y_tail).then_some(k)
}

/// Every token of `small` appears in `big` (and `small` is strictly shorter).
fn subset(small: &Toks<'_>, big: &Toks<'_>) -> bool {
    small.len() < big.len() && small.as_slice().iter().all(|w| big.as_slice().contains(w))
}

/// Penalty for the middle names left after surname absorption.
fn middle_penalty(ma: &[&str], mb: &[&str]) -> u8 {
    match (ma.first(), mb.first()) {
        (None, None) => 0,
        (Some(_), None) | (None, Some(_)) => 1,
        (Some(x), Some(y)) => {
            if ma == mb {
                0
            } else if x == y
                || (x.len() == 1 && y.starts_with(x))
                || (y.len() == 1 && x.starts_with(y))
            {
                // same first middle name, or an initial consistent with it
                1
            } else if is_nickname_pair(x, y) {
                2
            } else {
                8
            }
        }
    }
}

/// Combines given-name and surname points into a name score (before penalties).
///
/// `other_given`: both sides have a given name, they do not match and neither is the other's
/// middle name (see [`other_given_name`]). Only read when the surname matches and the given
/// name does not.
fn combine(pf: u8, pl: u8, other_given: bool) -> u8 {
    let (f, l) = (u32::from(pf), u32::from(pl));
    let v = match (pf >= STRONG, pl >= STRONG) {
        (true, true) => f * l / 100,
        // Same surname, another given name: a family member, a mismatch (60-65), pulled down
        // by a weak surname match.
        (false, true) if other_given => {
            (OTHER_GIVEN_FLOOR + f.min(84) * OTHER_GIVEN_SPREAD / 84) * l / 100
        }
        // Only the surname matches and a given name is missing on one side: partial (70-84),
        // pulled down by a weak surname match.
        (false, true) => (70 + f.min(84) * 14 / 84) * l / 100,
        // Only the given name matches: a relative or a changed surname, below 70.
        (true, false) => (50 + l.min(84) * 19 / 84) * f / 100,
        (false, false) => (f.min(84) + l.min(84)) * 49 / 168,
    };
    v.min(100) as u8
}

/// Both sides have a given name and neither side's given name is one of the other's middle
/// names (or an initial consistent with one): the given names are really different, as
/// opposed to one side missing it or going by a middle name (`John Quincy Public` vs
/// `Quincy Public`).
fn other_given_name(a: &NameView<'_>, b: &NameView<'_>) -> bool {
    let (Some(ga), Some(gb)) = (a.first.first(), b.first.first()) else {
        return false;
    };
    let in_middles = |g: &str, middles: &[&str]| {
        middles.iter().any(|m| {
            *m == g || (m.len() == 1 && g.starts_with(m)) || (g.len() == 1 && m.starts_with(g))
        })
    };
    !in_middles(ga, b.middle.as_slice()) && !in_middles(gb, a.middle.as_slice())
}

struct Scored {
    score: u8,
    first_ok: bool,
    last_ok: bool,
    nickname: bool,
}

fn score_oriented(a: &NameView<'_>, b: &NameView<'_>, s: &mut Scratch) -> Scored {
    let g = given_points(a, b, s);
    let sn = surname_points(a, b, s);
    let (mut pf, mut pl) = (g.points, sn.points);
    // A part missing on both sides is not evidence against the match.
    if a.first.is_empty() && b.first.is_empty() {
        pf = pl;
    }
    if a.last.is_empty() && b.last.is_empty() {
        pl = pf;
    }
    let other_given = pf < STRONG && pl >= STRONG && other_given_name(a, b);
    let mut score = combine(pf, pl, other_given);
    let penalty = if g.used_middles {
        0
    } else {
        let ma = a.middle.as_slice();
        let mb = b.middle.as_slice();
        let ma = ma
            .get(..ma.len() - sn.consumed.0.min(ma.len()))
            .unwrap_or(&[]);
        let mb = mb
            .get(..mb.len() - sn.consumed.1.min(mb.len()))
            .unwrap_or(&[]);
        middle_penalty(ma, mb)
    };
    score = score.saturating_sub(penalty);
    Scored {
        score,
        first_ok: pf >= STRONG,
        last_ok: pl >= STRONG,
        nickname: g.nickname,
    }
}

fn business_score(a: &NameView<'_>, b: &NameView<'_>, s: &mut Scratch) -> u8 {
    fn core(v: &NameView<'_>, out: &mut String) -> bool {
        out.clear();
        let mut all_same = true;
        for w in v
            .first
            .as_slice()
            .iter()
            .chain(v.middle.as_slice())
            .chain(v.last.as_slice())
        {
            if is_business(w) {
                all_same = false;
            } else {
                out.push_str(w);
            }
        }
        all_same
    }
    core(a, &mut s.a);
    core(b, &mut s.b);
    if s.a.is_empty() || s.b.is_empty() {
        return 0;
    }
    if s.a == s.b {
        97
    } else if osa(&s.a, &s.b) == 1 && s.a.len().max(s.b.len()) >= 4 {
        TYPO_POINTS
    } else {
        fuzzy_points(jw(&s.a, &s.b))
    }
}

/// Cheap necessary condition for the swapped reading to have a matching part: a shared first
/// letter across the swap, or a nickname pair (a typo in the very first letter of a swapped
/// name is not looked for).
fn swap_plausible(a: &NameView<'_>, b: &NameView<'_>) -> bool {
    let initial = |t: &Toks<'_>| t.first().and_then(|w| w.bytes().next());
    let cross = |x: &Toks<'_>, y: &Toks<'_>| {
        let (ix, iy) = (initial(x), initial(y));
        ix.is_some() && ix == iy
    };
    cross(&a.first, &b.last)
        || cross(&a.last, &b.first)
        || matches!((a.first.first(), b.last.first()), (Some(x), Some(y)) if is_nickname_pair(x, y))
}

fn same_view(a: &NameView<'_>, b: &NameView<'_>) -> bool {
    canonical_cmp(a, b) == Ordering::Equal
}

/// Scores two parsed names. Symmetric: the views are put in a canonical order first.
pub(crate) fn score_views(a: &NameView<'_>, b: &NameView<'_>) -> NameMatch {
    let (a, b) = if canonical_cmp(a, b) == Ordering::Greater {
        (b, a)
    } else {
        (a, b)
    };
    let business = a.business || b.business;
    if same_view(a, b)
        || (a.first.same(&b.first)
            && a.middle.same(&b.middle)
            && a.last.same(&b.last)
            && a.generation == b.generation
            && a.decorated == b.decorated)
    {
        return NameMatch {
            score: 100,
            is_first_name_or_last_name_match: false,
            is_nickname_match: false,
            is_business_name_detected: business,
        };
    }
    let mut s = Scratch::default();
    if business {
        return NameMatch {
            score: business_score(a, b, &mut s),
            is_first_name_or_last_name_match: false,
            is_nickname_match: false,
            is_business_name_detected: true,
        };
    }
    let direct = score_oriented(a, b, &mut s);
    let swapped_b = NameView {
        first: b.last,
        last: b.first,
        ..*b
    };
    // The swapped reading can only win when the direct one is below its ceiling.
    let best = if direct.score < 100 - SWAP_PENALTY && swap_plausible(a, b) {
        let mut swapped = score_oriented(a, &swapped_b, &mut s);
        swapped.score = swapped.score.saturating_sub(SWAP_PENALTY);
        if swapped.score > direct.score {
            swapped
        } else {
            direct
        }
    } else {
        direct
    };
    let mut score = best.score;
    if a.decorated != b.decorated {
        score = score.saturating_sub(1);
    }
    match (a.generation, b.generation) {
        (Some(x), Some(y)) if x != y => score = score.min(GENERATION_CONFLICT_CAP),
        (Some(_), None) | (None, Some(_)) => score = score.saturating_sub(1),
        _ => {}
    }
    // 100 is kept for names whose folded parts are identical (handled above).
    let score = score.min(99);
    NameMatch {
        score,
        is_first_name_or_last_name_match: best.first_ok != best.last_ok,
        is_nickname_match: best.nickname && best.first_ok,
        is_business_name_detected: false,
    }
}

/// The canonical text of a name for linkage keys (`crate::link`): the folded first given
/// name and the folded last name (titles, suffixes and middle names dropped; case, accents
/// and punctuation folded), as `first|last`. `None` when either part is missing, so that a
/// lone first or last name is never taken for a person.
pub(crate) fn name_key_text(f: &IdentityFields<'_>) -> Option<String> {
    let mut buf = NameBuf::default();
    let v = buf.view(f)?;
    let first = v.first.first()?;
    if v.last.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(32);
    out.push_str(first);
    out.push('|');
    out.push_str(&v.last.as_slice().join(" "));
    Some(out)
}

/// Compares the names of two sides; `None` when either side has no name.
pub(crate) fn compare_names(x: &IdentityFields<'_>, y: &IdentityFields<'_>) -> Option<NameMatch> {
    let mut bx = NameBuf::default();
    let mut by = NameBuf::default();
    let vx = bx.view(x)?;
    let vy = by.view(y)?;
    Some(score_views(&vx, &vy))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(s: &str) -> IdentityFields<'_> {
        IdentityFields {
            full_name: Some(s),
            ..Default::default()
        }
    }

    fn split<'a>(f: &'a str, m: Option<&'a str>, l: &'a str) -> IdentityFields<'a> {
        IdentityFields {
            first_name: Some(f),
            middle_name: m,
            last_name: Some(l),
            ..Default::default()
        }
    }

    fn score(a: &IdentityFields<'_>, b: &IdentityFields<'_>) -> NameMatch {
        let r = compare_names(a, b).unwrap_or(NameMatch {
            score: 255,
            is_first_name_or_last_name_match: false,
            is_nickname_match: false,
            is_business_name_detected: false,
        });
        assert!(r.score <= 100, "missing name");
        r
    }

    #[test]
    fn parses_inverted_full_name() {
        let a = full("Public, John Q.");
        let b = split("John", Some("Q"), "Public");
        assert_eq!(score(&a, &b).score, 100);
    }

    #[test]
    fn suffix_after_comma_is_not_inversion() {
        let a = full("John Public, Jr.");
        let b = split("John", None, "Public");
        assert_eq!(score(&a, &b).score, 99);
    }

    #[test]
    fn generations_conflict() {
        let a = full("John Public Jr");
        let b = full("John Public Sr");
        assert!(score(&a, &b).score <= GENERATION_CONFLICT_CAP);
    }

    #[test]
    fn full_name_absorbs_double_surname() {
        let a = full("Maria Garcia Lopez");
        let b = split("María", None, "García-López");
        assert_eq!(score(&a, &b).score, 99);
    }

    #[test]
    fn swap_is_strong_not_perfect() {
        let a = split("Leslie", None, "Knope");
        let b = split("Knope", None, "Leslie");
        let r = score(&a, &b);
        assert!((85..100).contains(&r.score), "{r:?}");
    }

    #[test]
    fn single_token_names() {
        assert_eq!(score(&full("Cher"), &full("cher")).score, 100);
        assert!(score(&full("Cher"), &full("Madonna")).score < 50);
    }

    #[test]
    fn no_name_is_none() {
        assert!(compare_names(&full(" , . "), &full("John")).is_none());
        assert!(compare_names(&IdentityFields::default(), &full("John")).is_none());
    }

    #[test]
    fn combine_bands() {
        for other_given in [false, true] {
            assert_eq!(combine(100, 100, other_given), 100);
            assert_eq!(combine(93, 100, other_given), 93);
            assert!(combine(100, 0, other_given) < 70);
            assert!(combine(84, 84, other_given) < 50);
        }
        // a given name missing on one side
        assert!((70..85).contains(&combine(0, 100, false)));
        // another given name under the same surname
        assert_eq!(combine(0, 100, true), 60);
        assert_eq!(combine(84, 100, true), 65);
        assert!(combine(0, 100, true) > combine(100, 0, true));
    }

    #[test]
    fn other_given_name_same_surname_is_a_mismatch() {
        for (a, b) in [
            (full("Leslie Knope"), full("Ann Knope")),
            (split("Leslie", None, "Knope"), split("Ann", None, "Knope")),
            (full("Mary Public"), full("John Public")),
            (full("Daniel Public"), full("Danielle Public")),
            (full("Leslie Knope"), full("A Knope")),
            (full("Public, Ann"), full("John Public")),
        ] {
            let r = score(&a, &b);
            assert!((60..70).contains(&r.score), "{r:?}");
            assert!(r.is_first_name_or_last_name_match && !r.is_nickname_match);
            assert!(r.score > score(&full("John Smith"), &full("John Public")).score);
        }
    }

    #[test]
    fn same_surname_without_a_conflicting_given_name_keeps_its_score() {
        // A given name missing on one side is not evidence of another person.
        let r = score(&full("Leslie Knope"), &split("", None, "Knope"));
        assert_eq!(r.score, 70);
        // Going by a middle name (or its initial) is not another given name either.
        assert_eq!(
            score(&full("John Quincy Public"), &full("Quincy Public")).score,
            69
        );
        assert_eq!(score(&full("John Q Public"), &full("Q Public")).score, 69);
        assert_eq!(
            score(&full("Leslie Ann Knope"), &full("Ann Knope")).score,
            69
        );
    }
}
