//! Street line: a post-office box, a private mailbox or General Delivery rather than a street
//! address?
//!
//! CIP (31 CFR 1020.220) wants a residential or business street address for an individual,
//! not a PO Box; APO/FPO/DPO military addresses are an allowed exception. Patterns follow
//! USPS Publication 28 (Postal Addressing Standards: Post Office Box, Private Mailbox, General
//! Delivery and military addresses); see `data/README.md`.
//!
//! # The grammar
//! A line is read case-insensitively as written when it is ASCII; a line with any other
//! character is first replaced by its Unicode TR39 skeleton without combining marks, so that
//! look-alike letters and compatibility forms (Cyrillic `РО Вох`, fullwidth `ＰＯ Ｂｏｘ`)
//! read as the Latin letters they imitate. With
//!
//! ```text
//! S      = [ anything but a letter or digit ]*
//!                                           none to many separators: spaces, any
//!                                           punctuation or symbol (P~O*Box, (PO) Box)
//! O      = o | 0                            the digit zero stands for the letter O
//! BOX    = b S O S x | b S x                box, b0x, b-o-x, bx
//! NUM    = S ( # | No. | Nr | Num | Number | Nbr )? S ( ( letter -? )? digit | WORD )
//!                                           the number, glued (Box12) or apart (Box # 12),
//!                                           or written as a word (Box Twelve)
//! WORD   = one | two | ... | twenty | thirty | ... | ninety | hundred, a whole word
//! END    = NUM | S end-of-line              a box needs its number, or nothing after it
//! START  = start of line, or a character that is no letter
//! ```
//!
//! **PO Box** ([`PoBoxKind::PoBox`]) is any of
//! * `START c? p S O S ( BOX | drawer | drwr ) END`: `PO Box 12`, `P.O. Box`, `P/O Box 12`,
//!   `P-O-B-O-X 12`, `P0 B0X 12`, `POBox12`, `PO Bx 7`, `PO Drawer 5`, `CPO Box 12`;
//! * `START p S O S b END`: `POB 12`, `P.O.B.12`, `P.O.B.`;
//! * `START p O st S ( al )? S ( O ffice | O ff | O fc )? S ( BOX | drawer ) END`:
//!   `Post Office Box 12`, `Post 0ffice B0x`, `Postal Box 9`, `Postbox 12`, `Post Ofc Box 3`;
//! * `^ S ( BOX | drawer | drwr ) NUM`: `Box 12`, `Box12`, `B0X #12`, `Drawer 5` at the start;
//! * `START caller S ( service | svc | srv | BOX | drawer | drwr ) NUM` (`Caller Box 9`),
//!   `START firm S caller`, `START usps S BOX NUM`,
//!   `START lock S BOX NUM` (`Lockbox 7`), `^ S ( apartado | apdo ) S ( postal )? NUM`
//!   (Puerto Rico's PO Box);
//! * a military box line (below) outside a military post office.
//!
//! **Private mailbox** ([`PoBoxKind::PrivateMailbox`], PMB at a commercial mail receiving
//! agency): `START p S m S b NUM` (`PMB 12`, `P.M.B.5`, `PMB#9`, `pmb12`),
//! `START private S mail S BOX END` (`Private Mailbox 5`), `START mail S BOX NUM`
//! (`Mailbox 12`), `START cmra NUM`.
//!
//! **General Delivery** ([`PoBoxKind::GeneralDelivery`], mail held at a post office):
//! `^ S gen ( eral | l )? S del ( ivery | iv | v )? ( no letter | end )`: `General Delivery`,
//! `GENERAL-DELIVERY`, `Gen. Del.`, `Genl Delivery`.
//!
//! **Military box line**: `^ S ( psc | unit | cmr ) S #? S digits S BOX S #? S digits`
//! (`PSC 1234 Box 5678`, `Unit 2050 Box 4190`, `CMR 450 Box 12`). Exempt only at a military
//! post office, city APO, FPO or DPO with region AA, AE or AP (see [`military_post_office`]);
//! in a civilian city it is a PO Box.
//!
//! A line naming both a PO Box and a PMB is a PO Box; a PO Box or PMB wins over General
//! Delivery. Deliberately NOT flagged: a bare `#` (a CMRA suite looks like any apartment
//! number), streets that merely contain the words (`Boxwood Rd`, `Box Elder Dr`,
//! `123 Box Canyon Rd`, `Pobox St`, `Post Office Rd`, `12 Private Mail Box Rd`, `Poplar Ave`,
//! `Mailbox Rd`), and rural-route and highway-contract boxes (`RR 2 Box 45`, `HC 1 Box 3`:
//! USPS delivery addresses on a route, not post-office boxes).

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What kind of non-street delivery point a street line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PoBoxKind {
    /// A USPS Post Office Box in any spelling (see the module docs), or a military box line
    /// outside a military post office.
    PoBox,
    /// A Private Mailbox at a commercial mail receiving agency.
    PrivateMailbox,
    /// General Delivery: mail held at a post office.
    GeneralDelivery,
}

/// Separators: none to many characters that are neither letters nor digits (spaces and any
/// punctuation or symbol: `P~O*Box`, `(PO) Box`, `P'O' Box` read as `PO Box`).
const S: &str = r"[^a-z0-9]*";
/// A letter O or the digit zero.
const O: &str = r"[o0]";
/// The line's start, or a character that is no letter.
const START: &str = r"(?:^|[^a-z])";

fn box_word() -> String {
    format!(r"(?:b{S}{O}{S}x|b{S}x)")
}

/// Numbers written as words (`PO Box Twelve`), as a whole word.
const NUMBER_WORDS: &str = "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\
     thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|\
     sixty|seventy|eighty|ninety|hundred)(?:[^a-z]|$)";

/// The number: an optional introducer then a digit, possibly after one letter and a dash, or
/// a number written as a word.
fn number() -> String {
    format!(r"{S}(?:\#|n[o0]\.?|nr\.?|num(?:ber)?\.?|nbr\.?)?{S}(?:(?:[a-z]-?)?\d|{NUMBER_WORDS})")
}

/// A number, or nothing but separators to the end of the line.
fn end() -> String {
    format!(r"(?:{}|{S}$)", number())
}

fn build(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .ok()
}

/// Post Office Box spellings. `None` only if the pattern failed to compile (a test rules it out).
static PO_BOX: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let (bx, num, end) = (box_word(), number(), end());
    let alternatives = [
        format!(r"{START}c?p{S}{O}{S}(?:{bx}|drawer|drwr){end}"),
        format!(r"{START}p{S}{O}{S}b{end}"),
        format!(r"{START}p{O}st{S}(?:al)?{S}(?:{O}ffice|{O}ff|{O}fc)?{S}(?:{bx}|drawer){end}"),
        format!(r"^{S}(?:{bx}|drawer|drwr){num}"),
        format!(r"{START}caller{S}(?:service|svc|srv|{bx}|drawer|drwr){num}"),
        format!(r"{START}usps{S}{bx}{num}"),
        format!(r"{START}firm{S}caller"),
        format!(r"{START}lock{S}{bx}{num}"),
        format!(r"^{S}(?:apartado|apdo){S}(?:postal{S})?{num}"),
    ];
    build(&alternatives.join("|"))
});

/// Private Mailbox spellings.
static PMB: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let (bx, num, end) = (box_word(), number(), end());
    let alternatives = [
        format!(r"{START}p{S}m{S}b{num}"),
        format!(r"{START}private{S}mail{S}{bx}{end}"),
        format!(r"{START}mail{S}{bx}{num}"),
        format!(r"{START}cmra{num}"),
    ];
    build(&alternatives.join("|"))
});

/// General Delivery spellings.
static GENERAL_DELIVERY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    build(&format!(
        r"^{S}gen(?:eral|l)?{S}del(?:ivery|iv|v)?(?:[^a-z]|$)"
    ))
});

/// APO/FPO/DPO box lines: `PSC 1234 Box 5678`, `Unit 2050 Box 4190`, `CMR 450 Box 12`.
static MILITARY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let bx = box_word();
    build(&format!(
        r"^{S}(?:psc|unit|cmr){S}\#?{S}\d+{S}{bx}{S}\#?{S}\d+"
    ))
});

fn matches(re: &LazyLock<Option<Regex>>, s: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(s))
}

/// Whether the lower-cased `s` starts with the letters of `word` (`o` also as `0`), with only
/// bytes that are no ASCII letter or digit between them (`p.o. b`, `p m b`, `p0b`).
fn spelled(s: &[u8], word: &[u8]) -> bool {
    let mut j = 0;
    for (k, want) in word.iter().enumerate() {
        if k > 0 {
            while j < s.len() && !s[j].is_ascii_alphanumeric() {
                j += 1;
            }
        }
        match s.get(j) {
            Some(c) if c == want || (*want == b'o' && *c == b'0') => j += 1,
            _ => return false,
        }
    }
    true
}

/// Whether a city and region name a military post office: city APO, FPO or DPO and region
/// AA, AE or AP (USPS Publication 28, military addresses), case and spaces aside.
pub(crate) fn military_post_office(city: Option<&str>, region: Option<&str>) -> bool {
    let is = |v: Option<&str>, set: &[&str]| {
        v.map(str::trim)
            .is_some_and(|v| set.iter().any(|s| v.eq_ignore_ascii_case(s)))
    };
    is(city, &["APO", "FPO", "DPO"]) && is(region, &["AA", "AE", "AP"])
}

#[cfg(test)]
/// Whether a street line is a military box line (`PSC 1234 Box 5678`, ...): see the module
/// docs. Exempt from [`po_box_kind`] only at a military post office.
pub(crate) fn military_box(street: &str) -> bool {
    matches(&MILITARY, &readable(street))
}

/// The line as the patterns read it: as written when ASCII, else with each other character
/// replaced by its NFKC form and each non-ASCII character of that by its TR39 prototype,
/// combining marks dropped (look-alikes and compatibility forms become the Latin letters they
/// imitate; ASCII characters, digits included, stay as they are).
fn readable(street: &str) -> Cow<'_, str> {
    if street.is_ascii() {
        return Cow::Borrowed(street);
    }
    let mut out = String::with_capacity(street.len());
    let mut buf = [0u8; 4];
    for c in street.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        for d in std::iter::once(c).nfkc() {
            if d.is_ascii() {
                out.push(d);
            } else {
                out.extend(
                    unicode_security::skeleton(d.encode_utf8(&mut buf))
                        .filter(|p| !is_combining_mark(*p)),
                );
            }
        }
    }
    Cow::Owned(out)
}

/// The words [`candidate`] looks for beyond `x` and the spelled `pob`/`pmb`/`cmra`, their
/// searchers built once (a `memmem::find` builds one per call, most of the check's cost).
static WORDS: LazyLock<[memchr::memmem::Finder<'static>; 6]> = LazyLock::new(|| {
    [
        &b"drawer"[..],
        b"drwr",
        b"caller",
        b"apartado",
        b"apdo",
        b"gen",
    ]
    .map(memchr::memmem::Finder::new)
});

/// Whether the line holds a word the patterns need (most street lines hold none and skip the
/// regexes). Checked on a lower-cased copy on the stack; a longer line goes to the regexes.
fn candidate(line: &str) -> bool {
    let mut buf = [0u8; 128];
    let Some(lower) = buf.get_mut(..line.len()) else {
        return true;
    };
    lower.copy_from_slice(line.as_bytes());
    lower.make_ascii_lowercase();
    let lower = &*lower;
    memchr::memchr(b'x', lower).is_some()
        || memchr::memchr2_iter(b'p', b'c', lower).any(|i| {
            let rest = &lower[i..];
            spelled(rest, b"pob") || spelled(rest, b"pmb") || rest.starts_with(b"cmra")
        })
        || WORDS.iter().any(|w| w.find(lower).is_some())
}

/// The kind of delivery point a street line names instead of a street address, or `None` for
/// a street address. `military_post_office` says whether the address's city and region are
/// a military post office's ([`military_post_office`]): only there is a military box line
/// exempt.
pub(crate) fn po_box_kind(street: &str, military_post_office: bool) -> Option<PoBoxKind> {
    let line = readable(street);
    if !candidate(&line) {
        return None;
    }
    if matches(&MILITARY, &line) {
        return (!military_post_office).then_some(PoBoxKind::PoBox);
    }
    if matches(&PO_BOX, &line) {
        Some(PoBoxKind::PoBox)
    } else if matches(&PMB, &line) {
        Some(PoBoxKind::PrivateMailbox)
    } else if matches(&GENERAL_DELIVERY, &line) {
        Some(PoBoxKind::GeneralDelivery)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn kind(s: &str) -> Option<PoBoxKind> {
        po_box_kind(s, false)
    }

    #[test]
    fn patterns_compile() {
        assert!(PO_BOX.is_some());
        assert!(PMB.is_some());
        assert!(GENERAL_DELIVERY.is_some());
        assert!(MILITARY.is_some());
    }

    #[test]
    fn po_boxes() {
        for s in [
            "PO Box 12",
            "po box 12",
            "P.O. Box 12",
            "P. O. Box 12",
            "P O Box 12",
            "P.O.Box 12",
            "POBox 12",
            "POBOX 12",
            "PO Box #12",
            "PO Box No. 12",
            "PO Box A-12",
            "P.O. Box",
            "PO Box",
            "PO Bx 7",
            "POB 12",
            "P.O.B. 12",
            "Post Office Box 12",
            "post office box",
            "Post Box 12",
            "Postal Box 9",
            "Postbox 12",
            "Box 12",
            "  box #12",
            "Box No 4",
            "PO Drawer 5",
            "P.O. Drawer 5",
            "Drawer 5",
            "Post Office Drawer 3",
            "Caller Service 12",
            "Caller Box 9",
            "CALLER BOX 1234",
            "caller bx 12",
            "Caller Drawer 5",
            "USPS Box 12",
            "CPO Box 12",
            "P.O.B.",
            // Any punctuation or symbol between the letters; numbers written as words.
            "PO~Box 12",
            "PO*Box 12",
            "PO+Box 12",
            "PO:Box 12",
            "PO;Box 12",
            "PO|Box 12",
            "P'O' Box 12",
            "\"PO\" Box 12",
            "(PO) Box 12",
            "PO Box Nr 12",
            "PO Box Twelve",
            "PO Box One",
            "Box Twelve",
            "P\u{200b}O Box 12",
            "PO Box #twelve",
            "Post-Office-Box-12",
            "P\u{00b7}O\u{00b7} Box 12",
            "P\u{2013}O Box 12",
            "PO Box\t12",
            "Caller-Box#9",
            "POBOX TWENTY-ONE",
            "Lock Box Seven",
            "P.O. Box \u{0661}\u{0662}",
            "USPS-BX-4",
            "Caller Svc 9",
            "Firm Caller",
            "Lockbox 77",
            "Lock Box 77",
            "Apartado 123",
            "Apartado Postal 9",
            "Apdo. 9",
            "123 Main St, PO Box 4",
            "123 Main St PO Box 4 PMB 5",
            // The issue's spellings: glued, zero for O, slashes and hyphens inside P/O.
            "PO Box123",
            "POBox123",
            "Box123",
            "P0 Box 12",
            "P.0. B0X 12",
            "P/O Box 12",
            "P-O Box 12",
            "P/O/B/O/X 12",
            "Post 0ffice B0x 9",
            "PO Box 0",
            "pob12",
            // Look-alike letters and compatibility forms read as what they imitate.
            "\u{0420}\u{041E} \u{0412}\u{043E}\u{0445} 12",
            "\u{FF30}\u{FF2F} \u{FF22}\u{FF4F}\u{FF58} 12",
            // A military box line in a civilian city.
            "PSC 1234 Box 5678",
            "Unit 2050 Box 4190",
        ] {
            assert_eq!(kind(s), Some(PoBoxKind::PoBox), "{s:?}");
        }
    }

    #[test]
    fn private_mailboxes() {
        for s in [
            "PMB 123",
            "123 Main St PMB 456",
            "123 Main St Ste 100 PMB 5",
            "P.M.B. 5",
            "pmb #9",
            "PMB123",
            "PMB#12",
            "P-M-B 7",
            "123 Main St Private Mailbox 5",
            "Private Mail Box",
            "PrivateMailbox 12",
            "123 Main St Mailbox 12",
            "CMRA 5",
        ] {
            assert_eq!(kind(s), Some(PoBoxKind::PrivateMailbox), "{s:?}");
        }
    }

    #[test]
    fn general_delivery() {
        for s in [
            "General Delivery",
            "GENERAL DELIVERY",
            "general delivery",
            "Gen. Del.",
            "Genl Delivery",
            "General-Delivery",
            "GeneralDelivery",
            " General Delivery, Main Post Office",
        ] {
            assert_eq!(kind(s), Some(PoBoxKind::GeneralDelivery), "{s:?}");
        }
    }

    /// Streets, units and apartments that name no box: the benign corpus of this check.
    pub(crate) const BENIGN_STREETS: &[&str] = &[
        "Boxwood Rd",
        "123 Boxwood Rd",
        "Pobox St",
        "12 Pobox St",
        "Box Elder Dr",
        "123 Box Elder Dr",
        "123 Box Canyon Rd",
        "Box Canyon Rd",
        "123 Box St",
        "Poplar Ave",
        "123 Post Office Rd",
        "Post Office Rd",
        "Post Office Sq",
        "1 Post Office Square",
        "123 Main St #4",
        "123 Main St # 123",
        "# 5",
        "Unit #12",
        "Apt 4B",
        "Ste 300",
        "Bldg 2 Fl 3",
        "Suite 200",
        "500 Pobre Ln",
        "Drawbridge Rd",
        "12 Postal Way",
        "Lockwood Dr",
        "RR 2 Box 45",
        "HC 1 Box 3",
        "Rural Route 2 Box 45",
        "123 Caller Rd",
        "Caller Box Rd",
        "Boxford St",
        "12 Poor Box Rd",
        "Po Valley Rd",
        "15 Xbox Way",
        "1 Hope Box Ct",
        "Expo Box Center",
        "Oxford Box Co",
        "Caller Rd 12",
        "Box Hill Rd",
        "Pob Hill 12",
        "12 Boxer Twelve Rd",
        "Box Tenmile Rd",
        "1 Campo Box Rd",
        "12 Tempo Bx Ln",
        "123 Pob Rd",
        "Pmbroke Ave",
        "Apartment 4",
        "Apt 12",
        "",
        "1600 Pennsylvania Ave NW",
        "12 Private Mail Box Rd",
        "Mailbox Rd",
        "12 Mailbox Rd",
        "Generals Hwy",
        "100 General Delivery Way",
        "12 Genesee St",
        "400 Fairfax Dr",
        "7 Lexington Ave",
        "12 Xavier Blvd",
        "Foxboro Rd",
        "Oxbow Ln",
        "200 Boxer Rd",
        "1 Pobst Ave",
        "12 Poe Blvd",
        "3 Bob Xavier Ct",
        "10 Opposite Box Hill",
        "45 Calle Apartado",
        "99 Ocean Dr Unit 2050",
        "Unit 5",
        "PSC Rd 12",
        "Calle del Sol 12",
        "12 Rue de la Poste",
        "Carrer de Sant Pere 4",
        "1 Mainz Str",
        "1200 Avenida Ponce de León",
        "Urb. Las Gladiolas 150 Calle Tulipán",
    ];

    #[test]
    fn streets_are_not_boxes() {
        for s in BENIGN_STREETS {
            assert_eq!(kind(s), None, "{s:?}");
        }
    }

    #[test]
    fn military_is_allowed_only_at_a_military_post_office() {
        for s in [
            "PSC 1234 Box 5678",
            "Unit 2050 Box 4190",
            "CMR 450 Box 12",
            "psc 3, box 1234",
            "UNIT 2050 B0X 4190",
        ] {
            assert!(military_box(s), "{s:?}");
            assert_eq!(po_box_kind(s, true), None, "{s:?}");
            assert_eq!(po_box_kind(s, false), Some(PoBoxKind::PoBox), "{s:?}");
        }
        assert!(!military_box("PO Box 12"));
        assert!(!military_box("123 Main St Unit 5"));
        // A PO Box is a PO Box at a military post office too.
        assert_eq!(po_box_kind("PO Box 12", true), Some(PoBoxKind::PoBox));
        for (city, region, yes) in [
            (Some("APO"), Some("AE"), true),
            (Some("fpo"), Some("ap"), true),
            (Some(" DPO "), Some("AA"), true),
            (Some("APO"), Some("NY"), false),
            (Some("New York"), Some("AE"), false),
            (None, Some("AE"), false),
            (Some("APO"), None, false),
        ] {
            assert_eq!(
                military_post_office(city, region),
                yes,
                "{city:?} {region:?}"
            );
        }
    }

    // ---- Property tests: variants generated from the grammar in the module docs ----

    /// `s` with each ASCII letter's case chosen by `flips`.
    fn recase(s: &str, flips: &[bool]) -> String {
        s.chars()
            .zip(flips.iter().cycle())
            .map(|(c, up)| {
                if *up {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    }

    /// `S`: none to many separators.
    fn sep() -> BoxedStrategy<String> {
        prop_oneof![
            3 => Just(String::new()),
            3 => Just(" ".to_owned()),
            1 => "[ ./\\-]{1,3}",
            1 => "[ -/:-@\\[-`{-~]{1,3}",
            1 => " {2,4}",
        ]
        .boxed()
    }

    /// `O`: the letter or the digit zero.
    fn o() -> BoxedStrategy<&'static str> {
        select(vec!["o", "O", "0"]).boxed()
    }

    /// `BOX`.
    fn box_word() -> BoxedStrategy<String> {
        prop_oneof![
            (o(), sep(), sep()).prop_map(|(o, a, b)| format!("b{a}{o}{b}x")),
            o().prop_map(|o| format!("b{o}x")),
            Just("bx".to_owned()),
        ]
        .boxed()
    }

    /// `NUM`: an introducer or none, the number glued or apart.
    fn num() -> BoxedStrategy<String> {
        (
            sep(),
            select(vec![
                "", "#", "No.", "No ", "N0.", "Number ", "Num ", "Nbr ",
            ]),
            sep(),
            prop_oneof![3 => Just(String::new()), 1 => "[A-Z]-?"],
            1u32..100_000,
            prop_oneof![
                4 => Just(None),
                1 => select(vec!["one", "Two", "SEVEN", "twelve", "Twenty", "ninety", "Hundred"]).prop_map(Some),
            ],
        )
            .prop_map(|(a, intro, b, unit, n, word)| match word {
                Some(w) => format!("{a}{intro}{b}{w}"),
                None => format!("{a}{intro}{b}{unit}{n}"),
            })
            .boxed()
    }

    /// A street address before the box, or nothing.
    fn before() -> BoxedStrategy<String> {
        prop_oneof![
            2 => Just(String::new()),
            1 => ("[1-9][0-9]{0,4}", select(vec!["Main St", "Oak Ave", "Elm Rd"]), select(vec![", ", " ", " - "]))
                .prop_map(|(n, st, sep)| format!("{n} {st}{sep}")),
        ]
        .boxed()
    }

    fn po_box_line() -> BoxedStrategy<String> {
        let p = || (sep(), o(), sep()).prop_map(|(a, o, b)| format!("p{a}{o}{b}"));
        prop_oneof![
            (
                before(),
                p(),
                prop_oneof![box_word(), Just("drawer".to_owned())],
                num()
            )
                .prop_map(|(a, p, b, n)| format!("{a}{p}{b}{n}"))
                .boxed(),
            (before(), p(), box_word())
                .prop_map(|(a, p, b)| format!("{a}{p}{b}"))
                .boxed(),
            (before(), p(), num())
                .prop_map(|(a, p, n)| format!("{a}{p}b{n}"))
                .boxed(),
            (
                before(),
                o(),
                sep(),
                select(vec!["", "al"]),
                sep(),
                select(vec!["ffice", "ff", "fc", ""]),
                o(),
                sep(),
                box_word(),
                num()
            )
                .prop_map(|(a, o1, s1, al, s2, office, o2, s3, b, n)| {
                    let office = if office.is_empty() {
                        String::new()
                    } else {
                        format!("{o2}{office}")
                    };
                    format!("{a}p{o1}st{s1}{al}{s2}{office}{s3}{b}{n}")
                })
                .boxed(),
            (sep(), box_word(), num())
                .prop_map(|(a, b, n)| format!("{a}{b}{n}"))
                .boxed(),
            (
                select(vec![
                    "caller service",
                    "caller svc",
                    "caller  srv",
                    "callerservice",
                    "caller drawer",
                ]),
                num()
            )
                .prop_map(|(c, n)| format!("{c}{n}"))
                .boxed(),
            (select(vec!["caller", "usps"]), sep(), box_word(), num())
                .prop_map(|(c, s, b, n)| format!("{c}{s}{b}{n}"))
                .boxed(),
            (select(vec!["lock", "lock "]), box_word(), num())
                .prop_map(|(l, b, n)| format!("{l}{b}{n}"))
                .boxed(),
            (
                select(vec!["apartado", "apdo.", "apartado postal", "apdo"]),
                num()
            )
                .prop_map(|(a, n)| format!("{a}{n}"))
                .boxed(),
        ]
        .boxed()
    }

    fn pmb_line() -> BoxedStrategy<String> {
        prop_oneof![
            (before(), sep(), sep(), num()).prop_map(|(a, s1, s2, n)| format!("{a}p{s1}m{s2}b{n}")),
            (
                before(),
                sep(),
                sep(),
                box_word(),
                prop_oneof![num(), Just(String::new())]
            )
                .prop_map(|(a, s1, s2, b, n)| format!("{a}private{s1}mail{s2}{b}{n}")),
            (before(), sep(), box_word(), num())
                .prop_map(|(a, s, b, n)| format!("{a}mail{s}{b}{n}")),
            (before(), num()).prop_map(|(a, n)| format!("{a}cmra{n}")),
        ]
        .boxed()
    }

    fn general_delivery_line() -> BoxedStrategy<String> {
        (
            sep(),
            select(vec!["gen", "general", "genl", "gen."]),
            sep(),
            select(vec!["del", "delivery", "deliv", "delv", "del."]),
            select(vec!["", ", Main Post Office", " ", "."]),
        )
            .prop_map(|(a, g, s, d, tail)| format!("{a}{g}{s}{d}{tail}"))
            .boxed()
    }

    fn military_line() -> BoxedStrategy<String> {
        (
            select(vec!["psc", "unit", "cmr"]),
            sep(),
            select(vec!["", "#"]),
            1u32..10_000,
            sep(),
            box_word(),
            sep(),
            select(vec!["", "#"]),
            1u32..10_000,
        )
            .prop_map(|(w, s1, h1, a, s2, b, s3, h2, n)| {
                format!("{w}{s1}{h1}{a}{s2}{b}{s3}{h2}{n}")
            })
            .boxed()
    }

    fn cased(line: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
        (line, prop::collection::vec(any::<bool>(), 1..8)).prop_map(|(l, f)| recase(&l, &f))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn prop_po_box_variants_are_caught(line in cased(po_box_line())) {
            prop_assert_eq!(kind(&line), Some(PoBoxKind::PoBox), "{:?}", line);
        }

        #[test]
        fn prop_private_mailbox_variants_are_caught(line in cased(pmb_line())) {
            prop_assert_eq!(kind(&line), Some(PoBoxKind::PrivateMailbox), "{:?}", line);
        }

        #[test]
        fn prop_general_delivery_variants_are_caught(line in cased(general_delivery_line())) {
            prop_assert_eq!(kind(&line), Some(PoBoxKind::GeneralDelivery), "{:?}", line);
        }

        #[test]
        fn prop_military_box_exempt_only_at_a_military_post_office(line in cased(military_line())) {
            prop_assert_eq!(po_box_kind(&line, true), None, "{:?}", line);
            prop_assert_eq!(po_box_kind(&line, false), Some(PoBoxKind::PoBox), "{:?}", line);
        }

        #[test]
        fn prop_benign_streets_in_any_case_pass(i in 0usize..1000, flips in prop::collection::vec(any::<bool>(), 1..8)) {
            let line = recase(BENIGN_STREETS[i % BENIGN_STREETS.len()], &flips);
            prop_assert_eq!(kind(&line), None, "{:?}", line);
        }

        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = po_box_kind(&s, false);
            let _ = po_box_kind(&s, true);
            let _ = military_box(&s);
        }
    }
}
