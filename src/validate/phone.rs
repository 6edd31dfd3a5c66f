//! Fast, strict E.164 phone-number validation built on libphonenumber's metadata.
//!
//! [`check`] answers "is this string a valid phone number written in canonical E.164
//! form (`+` and 1 to 15 digits)?" the way libphonenumber's `isValidNumber` would,
//! in well under a microsecond (~0.1 µs for US numbers, ~0.3 µs on average across
//! regions, on the development machine) and without taking any lock of our own.
//!
//! # How it works
//!
//! The metadata is the one shipped with the `phonenumber` crate
//! (`phonenumber::metadata::DATABASE`, see [`metadata_version`]). We only take the
//! pattern *strings* from it and compile our own matchers, once per country calling
//! code on first use, into a read-only table shared by all threads (a [`OnceLock`]
//! per code). The crate's own validator is not used because
//!
//! * it keeps every compiled regex in one global 100-entry cache behind a mutex,
//!   which costs ~1 ms per number with mixed regions and serialises threads;
//! * it accepts a number when a pattern matches only a *prefix* of it
//!   (rust-phonenumber issue 31: `Descriptor::is_match` uses `find` and checks
//!   `start() == 0`); libphonenumber uses `Matcher.matches()`, a full match;
//! * its parser strips the national prefix from the national number whenever it
//!   is present (rust-phonenumber issue 76: `+7 800 555 35 35` loses its `8` and
//!   becomes an invalid `+7 005553535`), without libphonenumber's guard that the
//!   original number was not already viable.
//!
//! The validity logic mirrors libphonenumber (`getRegionCodeForNumber`,
//! `getRegionCodeForNumberFromRegionList`, `isValidNumberForRegion`,
//! `getNumberTypeHelper`, `isNumberMatchingDesc`), always with full-match semantics.
//! Validity only needs to know whether the type is `UNKNOWN`, so for each region
//! and each national-number length we compile one alternation of all the type
//! patterns (premium rate, toll free, shared cost, VoIP, personal number, pager,
//! UAN, voicemail, fixed line, mobile) whose possible lengths allow that length:
//! a valid number costs two anchored regex matches (general description + types).
//!
//! # Threads
//!
//! The table is built behind [`OnceLock`]s and then only read. The one piece of
//! shared mutable state left is inside the `regex` crate: each `Regex` keeps a pool
//! of scratch caches; the first thread to use a regex owns a lock-free slot, other
//! threads take and return a cache from one of 8 stacks (sharded by thread id)
//! behind an uncontended `Mutex`. That costs ~10% on non-owner threads in our
//! measurements and never serialises threads the way the crate's single global
//! regex cache does.
//!
//! # Strictness
//!
//! A number is only `Valid` if the string *is* its own E.164 form. libphonenumber's
//! parser, given `+44 0 20 7946 0958`, strips the national prefix `0` and calls the
//! result valid (its canonical E.164 form is `+442079460958`); [`check`] calls
//! `+4402079460958` [`PhoneVerdict::Invalid`] because it is not an E.164 string of
//! a valid number. [`to_e164`] is the lenient entry point for human-typed input.

use std::sync::OnceLock;

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::bytes::{Regex, RegexBuilder};

/// libphonenumber refuses to parse input longer than this many bytes.
const MAX_INPUT_LENGTH: usize = 250;
/// E.164 allows at most 15 digits after the `+`.
const MAX_E164_DIGITS: usize = 15;
/// libphonenumber's `MIN_LENGTH_FOR_NSN`.
const MIN_NSN_LENGTH: usize = 2;
/// libphonenumber's `MAX_LENGTH_FOR_NSN`; also the size of the per-length tables.
const MAX_NSN_LENGTH: usize = 17;
/// A typed number: an international prefix (up to 5 digits) + 15 E.164 digits.
const MAX_TYPED_DIGITS: usize = 20;
/// Country calling codes are 1 to 3 digits.
const CODE_SLOTS: usize = 1000;
/// Marker for "no type pattern allows this length".
const NO_MATCHER: u8 = u8::MAX;

/// The metadata version of the `phonenumber` crate this module is built against.
///
/// The crate publishes it only as the SemVer build metadata of its version
/// (`0.3.10+9.0.33`); a unit test reads the locked version from `Cargo.lock` and
/// fails if the two drift apart after a dependency update.
const METADATA_VERSION: &str = "9.0.33";

pub(crate) use crate::finding::Region;

/// Verdict of a strict E.164 check. Never contains the number itself.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum PhoneVerdict {
    /// A valid number in canonical E.164 form.
    Valid {
        /// The country calling code, e.g. `1` or `44`.
        country_code: u16,
        /// The region the number belongs to (`"001"` for non-geographic codes).
        region: Region,
    },
    /// Not E.164 syntax: empty, no leading `+`, spaces, punctuation, extensions,
    /// non-ASCII digits, a leading `0` after the `+`, more than 15 digits, ...
    NotE164,
    /// E.164 syntax, but no known country calling code starts the number.
    UnknownCountryCode,
    /// E.164 syntax with a known country calling code, but not a valid number.
    Invalid {
        /// The country calling code, e.g. `1` or `44`.
        country_code: u16,
    },
}

impl PhoneVerdict {
    /// Whether the verdict is [`PhoneVerdict::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, PhoneVerdict::Valid { .. })
    }
}

/// Strict E.164 + validity check, with libphonenumber's `isValidNumber` semantics.
///
/// The input must be exactly `+` followed by 1 to 15 ASCII digits, the first not `0`
/// (no whitespace, punctuation or extension). As in libphonenumber, the first of
/// the 1-, 2- and 3-digit prefixes that is a known country calling code is the code
/// (codes are prefix-free, so this is also the only one); the rest is the national
/// significant number, which must be valid for the region libphonenumber would pick
/// among the code's regions (full-match semantics; see the module docs).
///
/// Pure and thread-safe; the matchers of a calling code are compiled on the first
/// number with that code (see [`prepare`]), after that no allocation and no lock of
/// our own. Never panics; input longer than 16 bytes is rejected without scanning.
///
/// # Example
///
/// ```
/// use layer_risk::phone::{check, PhoneVerdict};
///
/// match check("+14155552671") {
///     PhoneVerdict::Valid { country_code, region } => {
///         assert_eq!(country_code, 1);
///         assert_eq!(region.as_str(), "US");
///     }
///     other => panic!("unexpected {other:?}"),
/// }
/// assert_eq!(check("+1 415 555 2671"), PhoneVerdict::NotE164);
/// assert_eq!(check("+2821234567"), PhoneVerdict::UnknownCountryCode);
/// assert_eq!(check("+1415555267"), PhoneVerdict::Invalid { country_code: 1 });
/// ```
pub fn check(raw: &str) -> PhoneVerdict {
    check_typed(raw).0
}

/// A valid number's type, as libphonenumber's `getNumberType` gives it, reduced to what the
/// checks need: the types tried before fixed line and mobile, in libphonenumber's order
/// (premium rate, toll free, shared cost, VoIP, personal number, pager, UAN, voicemail), the
/// first whose pattern and lengths match, else fixed line or mobile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NumberType {
    PremiumRate,
    TollFree,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    FixedLineOrMobile,
}

impl NumberType {
    /// The label of a type no person's phone has (`"toll_free"`, ...), else `None`.
    pub(crate) fn service_label(self) -> Option<&'static str> {
        match self {
            NumberType::PremiumRate => Some("premium_rate"),
            NumberType::TollFree => Some("toll_free"),
            NumberType::SharedCost => Some("shared_cost"),
            NumberType::Uan => Some("uan"),
            NumberType::Voicemail => Some("voicemail"),
            _ => None,
        }
    }
}

/// [`check`] and, for a valid number, its [`NumberType`] (`FixedLineOrMobile` otherwise).
pub(crate) fn check_typed(raw: &str) -> (PhoneVerdict, NumberType) {
    let bytes = raw.as_bytes();
    // `+` and at most 15 digits: anything longer (which covers libphonenumber's
    // 250-byte limit) is rejected before looking at a single byte.
    let other = NumberType::FixedLineOrMobile;
    if bytes.len() > MAX_E164_DIGITS + 1 {
        return (PhoneVerdict::NotE164, other);
    }
    let digits = match bytes.split_first() {
        Some((b'+', rest)) if !rest.is_empty() && rest.iter().all(u8::is_ascii_digit) => rest,
        _ => return (PhoneVerdict::NotE164, other),
    };
    if digits[0] == b'0' {
        return (PhoneVerdict::NotE164, other);
    }
    let table = table();
    let Some((code, rules, nsn)) = split_country_code(table, digits) else {
        return (PhoneVerdict::UnknownCountryCode, other);
    };
    match rules.and_then(|rules| rules.region_for(nsn)) {
        Some(region) => (
            PhoneVerdict::Valid {
                country_code: code,
                region: region.region,
            },
            region.number_type(nsn),
        ),
        None => (PhoneVerdict::Invalid { country_code: code }, other),
    }
}

/// The libphonenumber metadata version behind [`check`], e.g. `"9.0.33"`.
///
/// The `phonenumber` crate carries it as the build metadata of its own version
/// (`0.3.10+9.0.33`), which is where this string comes from; a unit test checks it
/// against the version locked in `Cargo.lock`.
pub fn metadata_version() -> &'static str {
    METADATA_VERSION
}

/// Builds the matchers of every country calling code now instead of on first use.
///
/// Optional: call it at start-up (or before a benchmark) so that no single
/// [`check`] pays for compiling a code's patterns. Idempotent and thread-safe.
pub fn prepare() {
    for (code, slot) in table().codes.iter().enumerate() {
        if let (Some(slot), Ok(code)) = (slot, u16::try_from(code)) {
            slot.get_or_init(|| build_code(code));
        }
    }
}

/// Normalises a phone number written the way a person types it to E.164.
///
/// `country` is the person's ISO 3166 alpha-2 country (`None` means `"US"`); it is
/// used for numbers written without an international prefix. Accepted forms include
/// national formats (`"(415) 745-2130"`, `"415.745.2130"`, `"1-415-745-2130"`,
/// `"020 7946 0958"` with `Some("GB")`) and international ones (`"+44 20 7946 0958"`,
/// `"0044 20 7946 0958"`, `"+44 (0)20 7946 0958"`). Returns `None` unless the result
/// is a valid number according to [`check`].
///
/// Numbers with only ASCII digits, spaces and `-`, `.`, `(`, `)`, `/` take a fast
/// path that never calls the `phonenumber` parser:
/// * with a leading `+`, the digits as they are, else without the national prefix
///   of the code's main region after the country code (`+44 (0)20 ...`);
/// * digits starting with the country's international prefix (`011 44 ...` in the
///   US, `0044 ...` in GB) are read as international first;
/// * for NANP countries (`+1`: US, CA, PR, ...), 10 digits or `1` + 10 digits;
/// * for other countries, the digits without the country's national prefix
///   (`0` in GB, `8` in RU), else as they are, after the country calling code.
///
/// Anything else (letters, extensions, `tel:` URIs) goes through
/// `phonenumber::parse(Some(country), raw)` and the result is re-checked with
/// [`check`], so the crate's prefix-match bug cannot leak through. Non-ASCII digits
/// (full-width, Arabic-Indic) are not understood (the crate does not either): `None`.
/// The fast path also avoids the crate's national-prefix bug (issue 76: it reads
/// `8 800 555 35 35` in RU as `+7 005553535`).
///
/// # Example
///
/// ```
/// use layer_risk::phone::to_e164;
///
/// assert_eq!(to_e164("(415) 555-2671", None).as_deref(), Some("+14155552671"));
/// assert_eq!(to_e164("+44 20 7946 0958", Some("US")).as_deref(), Some("+442079460958"));
/// assert_eq!(to_e164("020 7946 0958", Some("GB")).as_deref(), Some("+442079460958"));
/// assert_eq!(to_e164("555-2671", None), None);
/// ```
pub fn to_e164(raw: &str, country: Option<&str>) -> Option<String> {
    if raw.len() > MAX_INPUT_LENGTH {
        return None;
    }
    let country = country.unwrap_or("US").trim().to_ascii_uppercase();
    let country_meta = DATABASE.by_id(country.as_str());

    if let Some((digits, plus)) = plain_digits(raw) {
        let found = if plus {
            from_international(&digits)
        } else {
            country_meta.and_then(|meta| {
                strip_international_prefix(&digits, meta)
                    .and_then(from_international)
                    .or_else(|| from_national(&digits, meta))
            })
        };
        if found.is_some() {
            return found;
        }
    }

    let id = country_meta.and_then(|m| m.id().parse::<phonenumber::country::Id>().ok());
    // The crate's parser has panicked on malformed input before (rust-phonenumber issues 32
    // and 43); a panic there must not take down a batch, so it counts as "not a number".
    let parse = std::panic::AssertUnwindSafe(|| phonenumber::parse(id, raw));
    let parsed = std::panic::catch_unwind(parse).ok()?.ok()?;
    valid_e164(format!("+{}{}", parsed.code().value(), parsed.national()))
}

/// `Some(candidate)` if [`check`] says it is valid.
fn valid_e164(candidate: String) -> Option<String> {
    check(&candidate).is_valid().then_some(candidate)
}

/// Digits written after a `+`: as they are, else without the national prefix
/// ("+44 (0)20 ...": libphonenumber strips a national prefix written after the
/// country code when that gives a valid number).
fn from_international(digits: &str) -> Option<String> {
    let candidate = format!("+{digits}");
    match check(&candidate) {
        PhoneVerdict::Valid { .. } => Some(candidate),
        PhoneVerdict::Invalid { country_code } => {
            let code = country_code.to_string();
            let nsn = digits.strip_prefix(code.as_str())?;
            let metas = DATABASE.by_code(&country_code)?;
            let prefix = metas.first()?.national_prefix()?;
            let rest = nsn.strip_prefix(prefix).filter(|r| !r.is_empty())?;
            valid_e164(format!("+{code}{rest}"))
        }
        _ => None,
    }
}

/// The digits after the international (IDD) prefix of `meta`'s country (`011` in
/// the US, `00` in most of Europe) if they start with it; like libphonenumber, not
/// if what follows starts with `0` (no calling code does).
fn strip_international_prefix<'d>(digits: &'d str, meta: &Metadata) -> Option<&'d str> {
    let slot = table()
        .codes
        .get(usize::from(meta.country_code()))?
        .as_ref()?;
    let rules = slot
        .get_or_init(|| build_code(meta.country_code()))
        .as_ref()?;
    let region = rules
        .regions
        .iter()
        .find(|r| r.region.as_str() == meta.id())?;
    let end = region
        .international_prefix
        .as_ref()?
        .find(digits.as_bytes())?
        .end();
    let rest = digits.get(end..)?;
    (end > 0 && !rest.is_empty() && !rest.starts_with('0')).then_some(rest)
}

/// Digits written without a `+`, in the national format of `meta`'s country.
fn from_national(digits: &str, meta: &Metadata) -> Option<String> {
    let code = meta.country_code();
    if code == 1 {
        // NANP: 10 digits, or the trunk prefix 1 followed by 10 digits.
        return match digits.len() {
            10 => valid_e164(format!("+1{digits}")),
            11 if digits.starts_with('1') => valid_e164(format!("+{digits}")),
            _ => None,
        };
    }
    // Like libphonenumber, prefer the number without its national prefix.
    meta.national_prefix()
        .and_then(|prefix| digits.strip_prefix(prefix))
        .filter(|rest| !rest.is_empty())
        .and_then(|rest| valid_e164(format!("+{code}{rest}")))
        .or_else(|| valid_e164(format!("+{code}{digits}")))
}

/// The digits of `raw` if it holds only ASCII digits, spaces and `-` `.` `(` `)`
/// `/`, with at most one leading `+` (then `.1` is true); at most
/// `MAX_TYPED_DIGITS` digits.
fn plain_digits(raw: &str) -> Option<(String, bool)> {
    let trimmed = raw.trim();
    let (plus, body) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(MAX_TYPED_DIGITS);
    for c in body.chars() {
        match c {
            '0'..='9' => {
                if digits.len() >= MAX_TYPED_DIGITS {
                    return None;
                }
                digits.push(c);
            }
            ' ' | '-' | '.' | '(' | ')' | '/' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some((digits, plus))
}

// ---------------------------------------------------------------------------
// Matcher table
// ---------------------------------------------------------------------------

/// Matchers of one region, compiled from its metadata.
struct RegionRules {
    region: Region,
    /// Whether the metadata gives the region `leading_digits` (then the region is
    /// chosen by them, see [`CodeRules::region_for`]).
    has_leading_digits: bool,
    /// The international (IDD) prefix, anchored at the start; only for [`to_e164`].
    international_prefix: Option<Regex>,
    /// The general description, anchored for a full match.
    general: Regex,
    /// For each NSN length, an index into `typed`, or `NO_MATCHER`.
    by_length: [u8; MAX_NSN_LENGTH + 1],
    /// Full-match alternations of the type patterns allowed for some length.
    typed: Vec<Regex>,
    /// For each NSN length, an index into `special_any`, or `NO_MATCHER`: the alternation of
    /// the types tried before fixed line and mobile (most numbers match none of them).
    special_by_length: [u8; MAX_NSN_LENGTH + 1],
    special_any: Vec<Regex>,
    /// Those types one by one, in libphonenumber's order, with their possible lengths.
    special: Vec<(NumberType, Vec<u16>, Regex)>,
}

impl RegionRules {
    /// libphonenumber's `getNumberTypeHelper(nsn) != UNKNOWN`.
    fn has_known_type(&self, nsn: &[u8]) -> bool {
        let Some(&index) = self.by_length.get(nsn.len()) else {
            return false;
        };
        let Some(typed) = self.typed.get(usize::from(index)) else {
            return false;
        };
        self.general.is_match(nsn) && typed.is_match(nsn)
    }

    /// libphonenumber's `getNumberType` for a number valid in this region.
    fn number_type(&self, nsn: &[u8]) -> NumberType {
        let any = self
            .special_by_length
            .get(nsn.len())
            .and_then(|&i| self.special_any.get(usize::from(i)));
        if !any.is_some_and(|re| re.is_match(nsn)) {
            return NumberType::FixedLineOrMobile;
        }
        self.special
            .iter()
            .find(|(_, lengths, re)| {
                (lengths.is_empty() || lengths.iter().any(|&l| usize::from(l) == nsn.len()))
                    && re.is_match(nsn)
            })
            .map_or(NumberType::FixedLineOrMobile, |(t, _, _)| *t)
    }
}

/// Matchers of one country calling code: its regions, main region first.
struct CodeRules {
    regions: Vec<RegionRules>,
    /// The regions with `leading_digits`, if any (see [`Leading`]).
    leading: Option<Leading>,
}

/// Finds the first region (in metadata order) whose `leading_digits` match the
/// start of a national number, without allocating and in `1 + log2(n)` regex
/// calls instead of `n` (NANP has 23 regions with leading digits: a loop of
/// anchored matches cost ~1.5 µs for the Virgin Islands, this ~0.3 µs).
struct Leading {
    /// The alternation of all the regions' leading digits, anchored at the start.
    any: Regex,
    /// Bisection over those regions.
    tree: LeadingTree,
}

/// A bisection tree over regions with leading digits, in metadata order.
enum LeadingTree {
    /// A region (index into `CodeRules::regions`).
    Leaf(usize),
    /// `left_any` is the alternation of the leading digits of the `left` subtree.
    Split {
        left_any: Regex,
        left: Box<LeadingTree>,
        right: Box<LeadingTree>,
    },
}

impl LeadingTree {
    /// Builds the tree over `(region index, leading-digits pattern)` pairs.
    fn build(items: &[(usize, String)]) -> Option<LeadingTree> {
        match items {
            [] => None,
            [(index, _)] => Some(LeadingTree::Leaf(*index)),
            _ => {
                let (left, right) = items.split_at(items.len() / 2);
                Some(LeadingTree::Split {
                    left_any: compile(&leading_alternation(left))?,
                    left: Box::new(LeadingTree::build(left)?),
                    right: Box::new(LeadingTree::build(right)?),
                })
            }
        }
    }

    /// The first region whose leading digits match, given that one of this
    /// subtree's regions does.
    fn first(&self, nsn: &[u8]) -> usize {
        let mut node = self;
        loop {
            match node {
                LeadingTree::Leaf(index) => return *index,
                LeadingTree::Split {
                    left_any,
                    left,
                    right,
                } => node = if left_any.is_match(nsn) { left } else { right },
            }
        }
    }
}

impl Leading {
    /// Index (into `CodeRules::regions`) of the first region whose leading digits
    /// match the start of `nsn` (libphonenumber's `lookingAt`).
    fn first_match(&self, nsn: &[u8]) -> Option<usize> {
        self.any.is_match(nsn).then(|| self.tree.first(nsn))
    }
}

/// `^(?:(?:p1)|(?:p2)|...)`: matches at the start if any of the patterns does.
fn leading_alternation(items: &[(usize, String)]) -> String {
    let alternatives: Vec<String> = items.iter().map(|(_, p)| format!("(?:{p}\n)")).collect();
    format!("^(?:{})", alternatives.join("|"))
}

impl CodeRules {
    /// libphonenumber's `getRegionCodeForNumber` followed by
    /// `isValidNumberForRegion`: the region if the number is valid.
    ///
    /// For a code shared by several regions, libphonenumber walks them in order
    /// (main region first): a region with leading digits is chosen if they match
    /// the start of the NSN, one without if the number has a known type there. The
    /// number is then valid iff its type is known in the chosen region.
    fn region_for(&self, nsn: &[u8]) -> Option<&RegionRules> {
        if nsn.len() < MIN_NSN_LENGTH {
            // libphonenumber's parser rejects it (TOO_SHORT_NSN).
            return None;
        }
        if let [only] = self.regions.as_slice() {
            return only.has_known_type(nsn).then_some(only);
        }
        // The first region chosen by its leading digits; computed on first need.
        let mut by_leading: Option<Option<usize>> = None;
        for (index, rules) in self.regions.iter().enumerate() {
            if rules.has_leading_digits {
                let first = *by_leading
                    .get_or_insert_with(|| self.leading.as_ref().and_then(|l| l.first_match(nsn)));
                if first == Some(index) {
                    return rules.has_known_type(nsn).then_some(rules);
                }
            } else if rules.has_known_type(nsn) {
                return Some(rules);
            }
        }
        None
    }
}

/// A country calling code slot: built on first use.
type Slot = OnceLock<Option<CodeRules>>;

/// One slot per possible country calling code (`None` for unknown codes).
struct Table {
    codes: Vec<Option<Slot>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let codes = (0..CODE_SLOTS)
            .map(|code| {
                let code = u16::try_from(code).ok()?;
                DATABASE.by_code(&code).map(|_| OnceLock::new())
            })
            .collect();
        Table { codes }
    })
}

/// The known country calling code that starts `digits` (libphonenumber tries the
/// 1-, 2- and 3-digit prefixes in that order), its rules and the rest (the NSN).
fn split_country_code<'t, 'd>(
    table: &'t Table,
    digits: &'d [u8],
) -> Option<(u16, Option<&'t CodeRules>, &'d [u8])> {
    let mut code: u16 = 0;
    for (len, digit) in digits.iter().take(3).enumerate() {
        code = code * 10 + u16::from(digit - b'0');
        if let Some(Some(slot)) = table.codes.get(usize::from(code)) {
            let rules = slot.get_or_init(|| build_code(code)).as_ref();
            return Some((code, rules, &digits[len + 1..]));
        }
    }
    None
}

/// Compiles the matchers of one calling code. `None` only if the metadata is
/// unusable (a pattern that does not compile), in which case every number with
/// this code is reported `Invalid` rather than panicking.
fn build_code(code: u16) -> Option<CodeRules> {
    let metas = DATABASE.by_code(&code)?;
    let regions = metas
        .iter()
        .map(|meta| build_region(meta))
        .collect::<Option<Vec<_>>>()?;
    let with_leading: Vec<(usize, String)> = metas
        .iter()
        .enumerate()
        .filter_map(|(index, meta)| Some((index, meta.leading_digits()?.as_str().to_owned())))
        .collect();
    let leading = if with_leading.is_empty() {
        None
    } else {
        Some(Leading {
            any: compile(&leading_alternation(&with_leading))?,
            tree: LeadingTree::build(&with_leading)?,
        })
    };
    Some(CodeRules { regions, leading })
}

fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .ignore_whitespace(true)
        .unicode(false)
        .build()
        .ok()
}

/// `^(?:p)$`: a full match, as libphonenumber's `Matcher.matches()`. The newline
/// ends a (hypothetical) `#` comment under `ignore_whitespace`.
fn full(pattern: &str) -> String {
    format!("^(?:{pattern}\n)$")
}

/// The type descriptors libphonenumber's `getNumberTypeHelper` looks at.
fn type_descriptors(meta: &Metadata) -> Vec<&Descriptor> {
    let d = meta.descriptors();
    [
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
        d.fixed_line(),
        d.mobile(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn build_region(meta: &Metadata) -> Option<RegionRules> {
    let region = Region::from_id(meta.id())?;
    let general = compile(&full(
        meta.descriptors().general().national_number().as_str(),
    ))?;
    let has_leading_digits = meta.leading_digits().is_some();

    // Only used by `to_e164`: a pattern that does not compile just disables it.
    let international_prefix = meta
        .international_prefix()
        .and_then(|p| compile(&format!("^(?:{}\n)", p.as_str())));

    let types = type_descriptors(meta);
    let (by_length, typed) = by_length(&types)?;
    let (special_by_length, special_any, special) = build_special(meta)?;
    Some(RegionRules {
        region,
        has_leading_digits,
        international_prefix,
        general,
        by_length,
        typed,
        special_by_length,
        special_any,
        special,
    })
}

/// For each national number length, the index of the full-match regex of the descriptors
/// that allow that length (libphonenumber's isNumberMatchingDesc: lengths first, none listed
/// = any), or `NO_MATCHER` where none does; lengths with the same patterns share a regex
/// (fixed line and mobile often have the same pattern: one copy is enough). `None` only if
/// a pattern does not compile.
fn by_length(descriptors: &[&Descriptor]) -> Option<([u8; MAX_NSN_LENGTH + 1], Vec<Regex>)> {
    let mut by_length = [NO_MATCHER; MAX_NSN_LENGTH + 1];
    let mut keys: Vec<Vec<&str>> = Vec::new();
    let mut regexes = Vec::new();
    for (length, slot) in by_length.iter_mut().enumerate() {
        let mut patterns: Vec<&str> = descriptors
            .iter()
            .filter(|d| {
                let lengths = d.possible_length();
                lengths.is_empty() || lengths.iter().any(|&l| usize::from(l) == length)
            })
            .map(|d| d.national_number().as_str())
            .collect();
        patterns.sort_unstable();
        patterns.dedup();
        if patterns.is_empty() {
            continue;
        }
        let index = match keys.iter().position(|k| *k == patterns) {
            Some(index) => index,
            None => {
                let alternation = patterns
                    .iter()
                    .map(|p| format!("(?:{p}\n)"))
                    .collect::<Vec<_>>()
                    .join("|");
                regexes.push(compile(&full(&alternation))?);
                keys.push(patterns);
                keys.len() - 1
            }
        };
        *slot = u8::try_from(index).ok()?;
    }
    Some((by_length, regexes))
}

/// The matchers of the types tried before fixed line and mobile (see [`NumberType`]).
#[allow(clippy::type_complexity)]
fn build_special(
    meta: &Metadata,
) -> Option<(
    [u8; MAX_NSN_LENGTH + 1],
    Vec<Regex>,
    Vec<(NumberType, Vec<u16>, Regex)>,
)> {
    let d = meta.descriptors();
    let types: Vec<(NumberType, &Descriptor)> = [
        (NumberType::PremiumRate, d.premium_rate()),
        (NumberType::TollFree, d.toll_free()),
        (NumberType::SharedCost, d.shared_cost()),
        (NumberType::Voip, d.voip()),
        (NumberType::PersonalNumber, d.personal_number()),
        (NumberType::Pager, d.pager()),
        (NumberType::Uan, d.uan()),
        (NumberType::Voicemail, d.voicemail()),
    ]
    .into_iter()
    .filter_map(|(t, desc)| desc.map(|desc| (t, desc)))
    .collect();
    let mut special = Vec::with_capacity(types.len());
    for (t, desc) in &types {
        let re = compile(&full(desc.national_number().as_str()))?;
        special.push((*t, desc.possible_length().to_vec(), re));
    }
    let descriptors: Vec<&Descriptor> = types.iter().map(|(_, d)| *d).collect();
    let (by_length, any) = by_length(&descriptors)?;
    Some((by_length, any, special))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid(n: &str) -> Option<(u16, String)> {
        match check(n) {
            PhoneVerdict::Valid {
                country_code,
                region,
            } => Some((country_code, region.as_str().to_owned())),
            _ => None,
        }
    }

    fn crate_valid(n: &str) -> bool {
        phonenumber::parse(None, n)
            .map(|p| phonenumber::is_valid(&p))
            .unwrap_or(false)
    }

    #[test]
    fn valid_numbers_of_many_regions() {
        for (n, code, region) in [
            ("+16502530000", 1, "US"),
            ("+14155552671", 1, "US"),
            ("+18005551234", 1, "US"), // NANP toll free belongs to the main region
            ("+16135550123", 1, "CA"),
            ("+12642351234", 1, "AI"), // chosen by leading digits 264
            ("+442079460958", 44, "GB"),
            ("+447400123456", 44, "GB"),
            ("+447911123456", 44, "GG"), // GG leading digits 7911 win over GB
            ("+441481256789", 44, "GG"),
            ("+390236618300", 39, "IT"), // leading zero is part of the NSN
            ("+33631966543", 33, "FR"),
            ("+4930123456", 49, "DE"),
            ("+78005553535", 7, "RU"), // rust-phonenumber issue 76
            ("+77112345678", 7, "KZ"),
            ("+80012345678", 800, "001"),
            ("+979123456789", 979, "001"),
            ("+6421387835", 64, "NZ"),
            ("+8613912345678", 86, "CN"),
            ("+5511961234567", 55, "BR"),
        ] {
            assert_eq!(valid(n), Some((code, region.to_owned())), "{n}");
        }
    }

    #[test]
    fn invalid_numbers() {
        for (n, code) in [
            ("+12530000", 1),
            ("+1415555267", 1),
            ("+141555526710", 1),
            ("+44791234567", 44),
            ("+491234", 49),
            ("+643316005", 64),
            ("+800123456789", 800),
            ("+1", 1),
            ("+15", 1),
            ("+4402079460958", 44), // national prefix inside E.164: not canonical
        ] {
            assert_eq!(
                check(n),
                PhoneVerdict::Invalid { country_code: code },
                "{n}"
            );
        }
        assert_eq!(check("+3923 2366"), PhoneVerdict::NotE164);
        assert_eq!(check("+2821234567"), PhoneVerdict::UnknownCountryCode);
        assert_eq!(check("+9"), PhoneVerdict::UnknownCountryCode);
    }

    /// rust-phonenumber issue 31: the crate accepts a number when a pattern only
    /// matches a prefix of it (e.g. IL patterns match `33142764`, not the 12-digit
    /// NSN). libphonenumber (phonenumbers 9.0.43, full match) and we say invalid.
    /// Found by scripts/phone_agreement.py ("crate valid, python+ours invalid").
    #[test]
    fn prefix_match_bug_is_not_inherited() {
        for n in [
            "+97233142764978",
            "+24151064635",
            "+43111320547",
            "+8112012345619",
            "+420931234567893",
            "+213123456784",
            "+2308001234157",
        ] {
            assert!(crate_valid(n), "crate bug fixed upstream? {n}");
            assert!(!check(n).is_valid(), "{n}");
        }
    }

    /// rust-phonenumber issue 76: the crate strips the national prefix `8` of RU,
    /// LT and BY from `+7 800 ...`, `+370 8...`, `+375 8...`, turning valid numbers
    /// into invalid ones. libphonenumber keeps it because the NSN is already viable
    /// (its general pattern matches), and python says valid.
    #[test]
    fn national_prefix_rewrite_bug_is_not_inherited() {
        for n in [
            "+78005553535",
            "+78002000600",
            "+37080012345",
            "+375800123456",
        ] {
            assert!(!crate_valid(n), "crate bug fixed upstream? {n}");
            assert!(check(n).is_valid(), "{n}");
        }
        // The other way round: the crate strips the national prefix `0` (CD, ZW)
        // from an invalid NSN and accepts the rest; libphonenumber keeps the digits
        // (the stripped number has no possible length) and says invalid, as do we.
        for n in ["+243012694985", "+26301312345"] {
            assert!(crate_valid(n), "crate bug fixed upstream? {n}");
            assert!(!check(n).is_valid(), "{n}");
        }
    }

    #[test]
    fn syntax_is_strict() {
        for n in [
            "",
            "+",
            "16502530000",
            " +16502530000",
            "+16502530000 ",
            "+1 6502530000",
            "+1-650-253-0000",
            "+1(650)2530000",
            "+16502530000;ext=1",
            "+16502530000x12",
            "++16502530000",
            "+06502530000",
            "+1650253000012345", // 16 digits
            "\u{FF0B}16502530000",
            "+１６５０２５３００００",
            "+1650\u{0}2530000",
            "+16502530000\n",
        ] {
            assert_eq!(check(n), PhoneVerdict::NotE164, "{n:?}");
        }
        let huge = format!("+1{}", "2".repeat(1_000_000));
        assert_eq!(check(&huge), PhoneVerdict::NotE164);
    }

    #[test]
    fn region_representation() {
        let us = Region::from_id("US").unwrap();
        assert_eq!(us.as_str(), "US");
        assert!(!us.is_non_geographic());
        assert_eq!(format!("{us:?}"), "Region(\"US\")");
        assert_eq!(serde_json::to_string(&us).unwrap(), "\"US\"");
        let world = Region::from_id("001").unwrap();
        assert!(world.is_non_geographic());
        assert_eq!(world.to_string(), "001");
        assert!(Region::from_id("us").is_none());
        assert!(Region::from_id("USA").is_none());
        assert!(Region::from_id("").is_none());
    }

    #[test]
    fn verdict_debug_never_shows_the_number() {
        let n = "+14155552671";
        for v in [check(n), check("+1415555267"), check("+4155552671 ")] {
            let debug = format!("{v:?}");
            assert!(!debug.contains("4155552671"), "{debug}");
            assert!(!debug.contains("555"), "{debug}");
        }
    }

    #[test]
    fn every_code_builds() {
        prepare();
        let table = table();
        let mut known = 0;
        for (code, slot) in table.codes.iter().enumerate() {
            if let Some(slot) = slot {
                known += 1;
                let rules = slot.get().and_then(Option::as_ref);
                assert!(rules.is_some(), "+{code} failed to build");
                let rules = rules.unwrap();
                let expected = DATABASE.region(&(code as u16)).unwrap();
                let got: Vec<&str> = rules.regions.iter().map(|r| r.region.as_str()).collect();
                assert_eq!(got, expected, "+{code}");
            }
        }
        assert!(known > 200, "only {known} codes");
        // Calling codes are prefix-free, so "first known prefix" is unambiguous.
        let codes: Vec<String> = (1..1000u16)
            .filter(|c| DATABASE.by_code(c).is_some())
            .map(|c| c.to_string())
            .collect();
        for a in &codes {
            for b in &codes {
                assert!(a == b || !b.starts_with(a.as_str()), "+{a} prefixes +{b}");
            }
        }
    }

    /// Every example number of the metadata is valid for its own region (the
    /// metadata's own consistency guarantee), except where regions share a code
    /// and an earlier region claims the number.
    #[test]
    fn metadata_examples_are_valid() {
        let mut checked = 0;
        for meta in DATABASE.iter() {
            for desc in type_descriptors(meta) {
                let Some(example) = desc.example() else {
                    continue;
                };
                let n = format!("+{}{}", meta.country_code(), example);
                let v = check(&n);
                assert!(v.is_valid(), "{} {n}: {v:?}", meta.id());
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn metadata_version_matches_locked_crate() {
        let lock =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
        let mut lines = lock.lines();
        let mut version = None;
        while let Some(line) = lines.next() {
            if line == "name = \"phonenumber\"" {
                version = lines.next();
            }
        }
        let version = version.unwrap();
        let meta = version
            .trim_start_matches("version = \"")
            .trim_end_matches('"')
            .split_once('+')
            .unwrap()
            .1;
        assert_eq!(metadata_version(), meta);
    }

    #[test]
    fn to_e164_fast_path_and_fallback() {
        let us = Some("+14157452130");
        for raw in [
            "(415) 745-2130",
            "415.745.2130",
            "1-415-745-2130",
            "4157452130",
            "+1 415 745 2130",
            " 415/745-2130 ",
        ] {
            assert_eq!(to_e164(raw, None).as_deref(), us, "{raw}");
            assert_eq!(to_e164(raw, Some("US")).as_deref(), us, "{raw}");
            assert_eq!(to_e164(raw, Some("us")).as_deref(), us, "{raw}");
        }
        let gb = Some("+442079460958");
        for (raw, country) in [
            ("+44 20 7946 0958", None),
            ("+44 (0)20 7946 0958", Some("US")),
            ("0044 20 7946 0958", Some("GB")),
            ("020 7946 0958", Some("GB")),
            ("011 44 20 7946 0958", None),
        ] {
            assert_eq!(to_e164(raw, country).as_deref(), gb, "{raw} {country:?}");
        }
        assert_eq!(
            to_e164("8 800 555 35 35", Some("RU")).as_deref(),
            Some("+78005553535")
        );
        assert_eq!(
            to_e164("+7 800 555 35 35", None).as_deref(),
            Some("+78005553535")
        );
        for raw in ["", "555-2130", "415745213", "hello", "+1 415 745 213", "12"] {
            assert_eq!(to_e164(raw, None), None, "{raw}");
        }
        assert_eq!(to_e164(&"9".repeat(10_000), None), None);
        assert_eq!(to_e164("(415) 745-2130", Some("ZZ")), None);
    }

    // --- Corpus for scripts/phone_agreement.py --------------------------------

    /// The crate's one generator, with the remainder draws this corpus has always used (so
    /// `scripts/phone_agreement.py` sees the same numbers).
    struct Rng(crate::rng::Rng);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0.next_u64() % n
        }
        fn digits(&mut self, k: usize) -> String {
            (0..k)
                .map(|_| char::from(b'0' + self.below(10) as u8))
                .collect()
        }
    }

    fn type_names(meta: &Metadata) -> Vec<(&'static str, &Descriptor)> {
        let d = meta.descriptors();
        [
            ("general", Some(d.general())),
            ("premium_rate", d.premium_rate()),
            ("toll_free", d.toll_free()),
            ("shared_cost", d.shared_cost()),
            ("voip", d.voip()),
            ("personal_number", d.personal_number()),
            ("pager", d.pager()),
            ("uan", d.uan()),
            ("voicemail", d.voicemail()),
            ("fixed_line", d.fixed_line()),
            ("mobile", d.mobile()),
        ]
        .into_iter()
        .filter_map(|(name, desc)| desc.map(|desc| (name, desc)))
        .collect()
    }

    fn verdict_label(v: PhoneVerdict) -> String {
        match v {
            PhoneVerdict::Valid { region, .. } => format!("valid:{region}"),
            PhoneVerdict::NotE164 => "not_e164".into(),
            PhoneVerdict::UnknownCountryCode => "unknown_cc".into(),
            PhoneVerdict::Invalid { .. } => "invalid".into(),
        }
    }

    /// Writes the agreement corpus (and `to_e164` answers for `typed.tsv` if the
    /// directory holds one). Run (release: the crate needs ~1 ms a number):
    /// `PHONE_AGREEMENT_DIR=/tmp/phone cargo test --release --lib dump_agreement_corpus -- --ignored`
    /// then `python3 scripts/phone_agreement.py /tmp/phone/numbers.txt
    /// /tmp/phone/verdicts.txt /tmp/phone/metadata.tsv`.
    #[test]
    #[ignore = "writes files; run by hand for scripts/phone_agreement.py"]
    fn dump_agreement_corpus() {
        use std::fmt::Write as _;
        let Ok(dir) = std::env::var("PHONE_AGREEMENT_DIR") else {
            return;
        };
        let dir = std::path::Path::new(&dir);
        // Optional: to_e164 on typed forms written by `phone_agreement.py --make-typed`.
        if let Ok(typed) = std::fs::read_to_string(dir.join("typed.tsv")) {
            let mut out = String::new();
            for line in typed.lines() {
                let (country, raw) = line.split_once('\t').unwrap();
                let country = (!country.is_empty()).then_some(country);
                writeln!(out, "{}", to_e164(raw, country).unwrap_or_default()).unwrap();
            }
            std::fs::write(dir.join("typed_ours.txt"), out).unwrap();
        }
        let mut metas: Vec<&Metadata> = DATABASE.iter().collect();
        metas.sort_by_key(|m| (m.country_code(), m.id().to_owned()));

        let mut rng = Rng(crate::rng::Rng::new(0x0DD5_EED5));
        let mut numbers: Vec<String> = Vec::new();
        let mut metadata = String::new();
        for code in 1..1000u16 {
            if let Some(regions) = DATABASE.region(&code) {
                writeln!(metadata, "order\t{code}\t{}", regions.join(",")).unwrap();
            }
        }
        for meta in &metas {
            let code = meta.country_code();
            let ld = meta.leading_digits().map_or("", |p| p.as_str());
            writeln!(
                metadata,
                "leading\t{code}\t{}\t{}",
                meta.id(),
                ld.replace(char::is_whitespace, "")
            )
            .unwrap();
            for (name, desc) in type_names(meta) {
                let lengths: Vec<String> =
                    desc.possible_length().iter().map(u16::to_string).collect();
                let pattern = desc
                    .national_number()
                    .as_str()
                    .replace(char::is_whitespace, "");
                writeln!(
                    metadata,
                    "desc\t{code}\t{}\t{name}\t{}\t{pattern}",
                    meta.id(),
                    lengths.join(",")
                )
                .unwrap();
                let Some(example) = desc.example() else {
                    continue;
                };
                let e = example.to_owned();
                numbers.push(format!("+{code}{e}"));
                for k in 1..=4usize {
                    for _ in 0..2 {
                        let keep = e.len().saturating_sub(k);
                        numbers.push(format!(
                            "+{code}{}{}",
                            &e[..keep],
                            rng.digits(e.len() - keep)
                        ));
                    }
                }
                numbers.push(format!("+{code}{}", &e[..e.len().saturating_sub(1)]));
                for extra in 1..=3 {
                    numbers.push(format!("+{code}{e}{}", rng.digits(extra)));
                }
                if let Some(np) = meta.national_prefix() {
                    numbers.push(format!("+{code}{np}{e}"));
                }
            }
        }
        let codes: Vec<u16> = (1..1000)
            .filter(|c| DATABASE.by_code(c).is_some())
            .collect();
        for _ in 0..6000 {
            let len = 1 + rng.below(15) as usize;
            numbers.push(format!("+{}{}", 1 + rng.below(9), rng.digits(len - 1)));
        }
        for _ in 0..6000 {
            let code = codes[rng.below(codes.len() as u64) as usize];
            let len = 4 + rng.below(10) as usize;
            numbers.push(format!("+{code}{}", rng.digits(len)));
        }
        numbers.retain(|n| n.len() <= 16);
        numbers.sort();
        numbers.dedup();

        let mut verdicts = String::new();
        for n in &numbers {
            let parsed = phonenumber::parse(None, n);
            let (krate, read_as) = match &parsed {
                Ok(p) if phonenumber::is_valid(p) => ("valid", p),
                Ok(p) => ("invalid", p),
                Err(_) => {
                    writeln!(verdicts, "error\t{}\t", verdict_label(check(n))).unwrap();
                    continue;
                }
            };
            let read_as = format!("+{}{}", read_as.code().value(), read_as.national());
            writeln!(verdicts, "{krate}\t{}\t{read_as}", verdict_label(check(n))).unwrap();
        }
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("numbers.txt"), numbers.join("\n") + "\n").unwrap();
        std::fs::write(dir.join("verdicts.txt"), verdicts).unwrap();
        std::fs::write(dir.join("metadata.tsv"), metadata).unwrap();
    }

    // --- A literal, slow transcription of libphonenumber as the reference ----

    fn full_match(pattern: &str, s: &str) -> bool {
        RegexBuilder::new(&full(pattern))
            .ignore_whitespace(true)
            .build()
            .unwrap()
            .is_match(s.as_bytes())
    }

    fn matching_desc(desc: Option<&Descriptor>, nsn: &str) -> bool {
        desc.is_some_and(|d| {
            (d.possible_length().is_empty() || d.possible_length().contains(&(nsn.len() as u16)))
                && full_match(d.national_number().as_str(), nsn)
        })
    }

    fn reference_type_known(meta: &Metadata, nsn: &str) -> bool {
        let d = meta.descriptors();
        if !matching_desc(Some(d.general()), nsn) {
            return false;
        }
        [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ]
        .into_iter()
        .any(|desc| matching_desc(desc, nsn))
    }

    fn reference(n: &str) -> Option<(u16, String)> {
        let digits = n.strip_prefix('+')?;
        for len in 1..=3.min(digits.len()) {
            let code: u16 = digits[..len].parse().ok()?;
            if let Some(metas) = DATABASE.by_code(&code) {
                let nsn = &digits[len..];
                if nsn.len() < 2 {
                    return None;
                }
                for meta in &metas {
                    if let Some(ld) = meta.leading_digits() {
                        let re = RegexBuilder::new(&format!("^(?:{}\n)", ld.as_str()))
                            .ignore_whitespace(true)
                            .build()
                            .unwrap();
                        if re.is_match(nsn.as_bytes()) {
                            return reference_type_known(meta, nsn)
                                .then(|| (code, meta.id().to_owned()));
                        }
                    } else if reference_type_known(meta, nsn) {
                        return Some((code, meta.id().to_owned()));
                    }
                }
                return None;
            }
        }
        None
    }

    /// A number built from a real example number with a few random digits, or a
    /// random digit string.
    fn plus_digits() -> impl Strategy<Value = String> {
        let examples: Vec<String> = DATABASE
            .iter()
            .flat_map(|m| {
                type_descriptors(m)
                    .into_iter()
                    .filter_map(|d| d.example())
                    .map(|e| format!("{}{}", m.country_code(), e))
                    .collect::<Vec<_>>()
            })
            .collect();
        prop_oneof![
            "[1-9][0-9]{0,14}".prop_map(|d| format!("+{d}")),
            (
                proptest::sample::select(examples),
                0usize..5,
                0u64..100_000,
                0usize..3
            )
                .prop_map(|(e, k, r, extra)| {
                    let keep = e.len().saturating_sub(k);
                    let tail = format!("{r:05}");
                    let mut s = format!("+{}{}", &e[..keep], &tail[5 - k..]);
                    s.push_str(&"7".repeat(extra));
                    s
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn prop_check_never_panics(s in any::<String>()) {
            let v = check(&s);
            let _ = to_e164(&s, None);
            let _ = to_e164(&s, Some("GB"));
            if v.is_valid() {
                prop_assert!(s.starts_with('+') && s.len() <= 16);
            }
        }

        #[test]
        fn prop_check_matches_literal_reference(n in plus_digits()) {
            let expected = if n.len() > 16 { None } else { reference(&n) };
            prop_assert_eq!(valid(&n), expected);
        }

        /// Full match is stricter than the crate's prefix match, so whatever we
        /// accept, the crate accepts too (when its parser kept the NSN unchanged).
        #[test]
        fn prop_valid_implies_crate_valid(n in plus_digits()) {
            if let (Some((code, _)), Ok(parsed)) = (valid(&n), phonenumber::parse(None, &n)) {
                let same = format!("+{}{}", parsed.code().value(), parsed.national()) == n;
                prop_assume!(same);
                prop_assert_eq!(parsed.code().value(), code);
                prop_assert!(phonenumber::is_valid(&parsed), "{}", n);
            }
        }

        /// Phone-like strings (ASCII, full-width and Arabic-Indic digits,
        /// punctuation, extensions, `tel:` URIs) reach the crate's parser too.
        #[test]
        fn prop_to_e164_never_panics_on_phone_like_input(
            raw in "[0-9０-９٠-٩+()\\-. xet:;=/#*]{0,40}",
            country in proptest::sample::select(vec!["US", "GB", "RU", "DE", "BR", "IN", "EG", "ZZ", ""]),
        ) {
            let country = (!country.is_empty()).then_some(country);
            if let Some(e) = to_e164(&raw, country) {
                prop_assert!(check(&e).is_valid());
            }
        }

        #[test]
        fn prop_to_e164_output_is_valid(n in plus_digits()) {
            if let Some(e) = to_e164(&n, None) {
                prop_assert!(check(&e).is_valid());
            }
        }
    }
}
