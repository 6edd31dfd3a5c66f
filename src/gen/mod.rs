//! Deterministic, realistic synthetic Plaid Layer exports.
//!
//! An *export* is JSONL: one compact `/user_account/session/get` response per line (or, for a
//! configurable share of lines, an envelope `{"session": <response>, "applicant": <applicant>}`),
//! as risk teams replay them through `layer-risk score`. The generator is:
//!
//! * **deterministic**: the same [`GenConfig`] gives byte-identical output on any machine. The
//!   randomness comes from a SplitMix64 generator, [`Rng`] (no `rand` crate), and each line is
//!   drawn from its own stream keyed by `(seed, line index)`. The only external input
//!   is the example numbers of the `phonenumber` crate's metadata, used for non-US numbers: a
//!   metadata upgrade can change those numbers (the rest of the stream does not move);
//! * **realistic**: US names, streets, cities with their ZIP prefix and area code, E.164 numbers
//!   over real area codes, numbers from many other regions built from the metadata's example
//!   numbers, nested edit-count windows with a heavy tail, the quirks seen in Plaid's own samples
//!   (`"ssn_last4"` spelling, full state names, null e-mails), and a few percent of malformed
//!   values;
//! * **labelled**: every non-corrupt line is [`Label::Fraud`] (base rate about 2 %) or
//!   [`Label::Legit`] (the labels of [`crate::diff`]); fraud correlates, noisily, with heavy *recent* edits of the SSN, date of
//!   birth and name, impossible SSNs, minors, non-US phones and a null identity;
//! * **fast**: numbers and strings are written straight into the caller's buffer, no
//!   `serde_json::Value`, no per-line allocation (well over 100 MB/s in release builds).
//!
//! A share of lines ([`GenConfig::corrupt`]) is corrupt in a way that cannot parse into the typed
//! response model: truncated JSON, invalid UTF-8 inside a string, a wrong type (`"edits_1d":"3"`,
//! `"identity":5`, `"items":{}`), a negative or a fractional edit count, or plain text.
//! Corrupt lines are never empty or all-whitespace.
//!
//! # Layout
//! * `sample`: the population, every share of the data as a named constant, and the sampling
//!   of people and edit histories;
//! * `write`: the JSON byte writers;
//! * `corrupt`: the defects of corrupt lines;
//! * `phones`: the phone numbers drawn from, checked by [`crate::validate::phone`];
//! * `rng`: [`Rng`]; `data`: the embedded tables.
//!
//! # Example
//! ```
//! use layer_risk::gen::{write_export, GenConfig};
//!
//! let cfg = GenConfig { count: 100, seed: 7, corrupt: 0.05, ..GenConfig::default() };
//! let mut out = Vec::new();
//! let mut labels = Vec::new();
//! let summary = write_export(&cfg, &mut out, Some(&mut labels)).unwrap();
//! assert_eq!(summary.lines, 100);
//! assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 100);
//! assert!(labels.starts_with(b"request_id,label\n"));
//! // Deterministic: the same config gives the same bytes.
//! let mut again = Vec::new();
//! write_export(&cfg, &mut again, None).unwrap();
//! assert_eq!(out, again);
//! ```

mod corrupt;
mod data;
mod phones;
mod quirks;
mod rings;

mod sample;
mod write;

#[cfg(test)]
mod parser_tests;
#[cfg(test)]
mod tests;

use std::io::Write;

use chrono::NaiveDate;

pub use crate::rng::Rng;
pub use rings::{LinkRole, RingKind, STEP_SECONDS};

use crate::diff::Label;
use crate::rng::mix64;
use corrupt::Defect;
use sample::{LineInfo, Population};

/// Settings of a generated export.
///
/// Default: count 1000, seed 1, corrupt 0.0, non_us_share 0.0 (Layer returns US numbers only), applicant_share 0.0, as_of
/// 2026-01-01 (the date ages are computed against; NOT today: the library never reads the clock).
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Number of lines to produce.
    pub count: u64,
    /// Seed of the pseudo-random stream; same seed => same bytes.
    pub seed: u64,
    /// Fraction (0..=1) of lines that are corrupt (fail to parse into the typed model).
    pub corrupt: f64,
    /// Approximate fraction (0..=1) of well-formed phone numbers that are not `+1` numbers.
    pub non_us_share: f64,
    /// Fraction (0..=1) of non-corrupt lines written as `{"session":..,"applicant":..}` envelopes.
    pub applicant_share: f64,
    /// The date ages are computed against.
    pub as_of: NaiveDate,
    /// Fraction (0..=1) of lines planted in rings (an SSN reused with other names and dates
    /// of birth, a shared phone or email, an address farm, bursts of retries), and as many
    /// in households (shared address, half with a family phone); a quarter of it in users
    /// returning 45 days later. Above 0, every line is an envelope with an `observed_at`, one
    /// line every 5 minutes ending at `as_of`. 0 (the default) changes nothing.
    pub rings: f64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            count: 1000,
            seed: 1,
            corrupt: 0.0,
            non_us_share: 0.0,
            applicant_share: 0.0,
            as_of: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            rings: 0.0,
        }
    }
}

/// What one generated line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A bare `/user_account/session/get` response.
    Session,
    /// `{"session": <response>, "applicant": <applicant>}`.
    Envelope,
    /// A line that must fail to parse into the typed model.
    Corrupt,
}

/// Counts returned by [`write_export`].
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GenSummary {
    /// Lines written (including corrupt ones).
    pub lines: u64,
    /// Corrupt lines.
    pub corrupt: u64,
    /// Envelope lines (`{"session":..,"applicant":..}`).
    pub envelopes: u64,
    /// Non-corrupt lines labelled fraud.
    pub fraud: u64,
    /// Non-corrupt lines labelled legit.
    pub legit: u64,
}

/// Writes `cfg.count` lines, each ending in `'\n'`, to `out`.
///
/// If `labels` is given, writes a CSV to it: header `request_id,label`, then one row per
/// non-corrupt line with label `fraud` or `legit`. Returns the counts. Output is buffered
/// internally in chunks; pass an unbuffered writer if you like.
pub fn write_export(
    cfg: &GenConfig,
    out: &mut impl Write,
    mut labels: Option<&mut dyn Write>,
) -> std::io::Result<GenSummary> {
    let mut gen = Generator::new(cfg.clone());
    let mut summary = GenSummary::default();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut lbuf: Vec<u8> = Vec::with_capacity(1 << 14);
    if let Some(l) = labels.as_deref_mut() {
        l.write_all(b"request_id,label\n")?;
    }
    while let Some((kind, label)) = gen.next_line(&mut buf) {
        buf.push(b'\n');
        summary.lines += 1;
        match kind {
            LineKind::Corrupt => summary.corrupt += 1,
            LineKind::Envelope => summary.envelopes += 1,
            LineKind::Session => {}
        }
        if let Some(label) = label {
            match label {
                Label::Fraud => summary.fraud += 1,
                Label::Legit => summary.legit += 1,
            }
            if labels.is_some() {
                lbuf.extend_from_slice(&gen.request_id);
                lbuf.push(b',');
                lbuf.extend_from_slice(label.as_str().as_bytes());
                lbuf.push(b'\n');
            }
        }
        if buf.len() >= (1 << 16) {
            out.write_all(&buf)?;
            buf.clear();
        }
        if lbuf.len() >= (1 << 13) {
            if let Some(l) = labels.as_deref_mut() {
                l.write_all(&lbuf)?;
            }
            lbuf.clear();
        }
    }
    out.write_all(&buf)?;
    if let Some(l) = labels {
        l.write_all(&lbuf)?;
        l.flush()?;
    }
    out.flush()?;
    Ok(summary)
}

/// Writes the linkage role of every non-corrupt line of the export `cfg` describes, as CSV
/// `request_id,role` (`plain`, `ring_first:KIND`, `ring_reuse:KIND`, `household`,
/// `household:family_phone`, `returning`; see [`LinkRole::describe`]): the ground truth of
/// [`GenConfig::rings`].
///
/// # Errors
/// The writer's.
pub fn write_roles(cfg: &GenConfig, out: &mut impl Write) -> std::io::Result<()> {
    let mut gen = Generator::new(cfg.clone());
    let mut buf = Vec::with_capacity(4096);
    out.write_all(b"request_id,role,group,member\n")?;
    while let Some((kind, _)) = gen.next_line(&mut buf) {
        buf.clear();
        if kind != LineKind::Corrupt {
            out.write_all(&gen.request_id)?;
            let role = gen.link_role();
            let (group, member) = match role {
                LinkRole::Ring { ring, member, .. } => (ring.to_string(), member.to_string()),
                LinkRole::Household { group, member, .. } => {
                    (group.to_string(), member.to_string())
                }
                _ => (String::new(), String::new()),
            };
            writeln!(out, ",{},{group},{member}", role.describe())?;
        }
    }
    out.flush()
}

/// A streaming generator of export lines.
///
/// Same seed => byte-identical output, on any machine (the PRNG is SplitMix64, [`Rng`]). Each line is independent of the others: line `i` depends only on the config and
/// `i`.
///
/// # Example
/// ```
/// use layer_risk::gen::{GenConfig, Generator, LineKind};
///
/// let mut gen = Generator::new(GenConfig { count: 3, seed: 9, ..GenConfig::default() });
/// let mut buf = Vec::new();
/// while let Some((kind, label)) = gen.next_line(&mut buf) {
///     assert_eq!(kind, LineKind::Session);
///     assert!(label.is_some());
///     let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
///     assert!(v["request_id"].is_string());
///     buf.clear();
/// }
/// ```
pub struct Generator {
    cfg: GenConfig,
    index: u64,
    pop: Population,
    request_id: [u8; 15],
    info: LineInfo,
    role: LinkRole,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("cfg", &self.cfg)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl Generator {
    /// Creates a generator. Builds the phone tables from the `phonenumber` metadata on first use
    /// (once per process; a fraction of a second).
    ///
    /// Probabilities in `cfg` are clamped to `0..=1` (NaN counts as 0).
    pub fn new(cfg: GenConfig) -> Self {
        let clamp = |p: f64| if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        let cfg = GenConfig {
            corrupt: clamp(cfg.corrupt),
            non_us_share: clamp(cfg.non_us_share),
            applicant_share: clamp(cfg.applicant_share),
            rings: clamp(cfg.rings),
            ..cfg
        };
        Generator {
            pop: Population {
                non_us_share: cfg.non_us_share,
                as_of: cfg.as_of,
                phones: phones::tables(),
            },
            cfg,
            index: 0,
            request_id: [b'0'; 15],
            info: LineInfo::default(),
            role: LinkRole::Plain,
        }
    }

    /// What the last line is for linkage ([`GenConfig::rings`]): plain, a ring member (the
    /// first occurrence or a reuse), a household member, a returning user.
    pub fn link_role(&self) -> LinkRole {
        self.role
    }

    /// The `observed_at` of line `i` (Unix seconds) when [`GenConfig::rings`] is above 0:
    /// one line every [`STEP_SECONDS`], the last one on `as_of` at 00:00 UTC.
    pub fn observed_at(&self, i: u64) -> i64 {
        let end = self
            .cfg
            .as_of
            .and_hms_opt(0, 0, 0)
            .map_or(0, |t| t.and_utc().timestamp());
        let back = i64::try_from(self.cfg.count.saturating_sub(i)).unwrap_or(i64::MAX);
        end.saturating_sub(back.saturating_mul(STEP_SECONDS))
    }

    /// Appends the next line (WITHOUT the trailing newline) to `buf` and returns its kind and,
    /// for non-corrupt lines, its label; `None` when `count` lines were produced.
    pub fn next_line(&mut self, buf: &mut Vec<u8>) -> Option<(LineKind, Option<Label>)> {
        if self.index >= self.cfg.count {
            return None;
        }
        let i = self.index;
        self.index += 1;
        let base = mix64(self.cfg.seed) ^ mix64(i.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x1AE5);
        // Decisions (corrupt / envelope) use their own stream so the content of a line does
        // not depend on the corrupt and applicant shares.
        let mut meta = Rng::new(mix64(base ^ 0xD1CE));
        let mut rng = Rng::new(base);
        let mut base_q = base;
        write::request_id(self.cfg.seed, i, &mut self.request_id);
        self.info = LineInfo::default();

        let corrupt = meta.chance(self.cfg.corrupt);
        let envelope = !corrupt && meta.chance(self.cfg.applicant_share);
        let defect = corrupt.then(|| corrupt::choose(&mut meta));
        self.info.defect = defect;

        self.role = LinkRole::Plain;
        if defect == Some(Defect::Garbage) {
            corrupt::write_garbage(buf, &mut meta, &self.request_id);
            return Some((LineKind::Corrupt, None));
        }

        // Linkage (`rings`): the line's role decides whose content it carries.
        let linked = self.cfg.rings > 0.0;
        self.role = if linked {
            let returning = Rng::new(mix64(base ^ 0x7E70_2E7A)).chance(self.cfg.rings / 4.0);
            rings::role(self.cfg.seed, i, self.cfg.rings, returning)
        } else {
            LinkRole::Plain
        };
        if self.role == LinkRole::Returning {
            // The same user as `RETURN_LINES` lines before: that line's content streams,
            // unless that line had a quirk (then this one is an ordinary line).
            let j = i - rings::RETURN_LINES;
            let earlier =
                mix64(self.cfg.seed) ^ mix64(j.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x1AE5);
            let mut r = Rng::new(earlier);
            let was_fraud = r.chance(sample::FRAUD_RATE);
            let quirked = quirks::draw(&mut Rng::new(mix64(earlier ^ 0x0A1D_5EED)), was_fraud).any;
            if quirked {
                self.role = LinkRole::Plain;
            } else {
                rng = Rng::new(earlier);
                base_q = earlier;
            }
        }
        let group = match self.role {
            LinkRole::Ring { ring, .. } => Some(ring),
            LinkRole::Household { group, .. } => Some(group),
            _ => None,
        };
        let drawn_fraud = rng.chance(sample::FRAUD_RATE);
        // Ring and household lines are drawn as legit users (their edits look clean) and
        // labelled by their role.
        let fraud = match self.role {
            LinkRole::Ring { .. } => true,
            LinkRole::Household { .. } => false,
            _ => drawn_fraud,
        };
        let sample_as_fraud = drawn_fraud && group.is_none();
        let mut person = sample::person(&self.pop, &mut rng, sample_as_fraud, &mut self.info);
        let shared = group.map(|g| rings::group_person(&self.pop, self.cfg.seed, g));
        let email_from = shared.map(|sh| {
            rings::share(self.role, &mut person, &sh);
            rings::email_person(self.role, &person, &sh)
        });
        // The quirk of the line, from its own stream (see `quirks`).
        let mut qrng = Rng::new(mix64(base_q ^ 0x0A1D_5EED));
        let quirk = if group.is_some() {
            quirks::Quirk::default()
        } else {
            quirks::draw(&mut qrng, sample_as_fraud)
        };
        quirks::apply_to_person(&quirk, &mut person, &mut qrng, self.cfg.as_of);
        self.info.dob_quirk = quirk.age.is_some() || quirk.dob_future;
        self.info.quirk = quirk.any;
        let start = buf.len();
        if envelope || linked {
            buf.extend_from_slice(b"{\"session\":");
        }
        write::response(
            buf,
            &mut rng,
            &person,
            sample_as_fraud,
            defect,
            &self.request_id,
            &mut self.info,
            (&quirk, &mut qrng),
            email_from.as_ref(),
        );
        if envelope {
            buf.extend_from_slice(b",\"applicant\":");
            let other = sample::other_applicant(&self.pop, &mut rng, fraud, &self.info);
            write::applicant(buf, &mut rng, other.as_ref().unwrap_or(&person));
        }
        if linked {
            let t = self.observed_at(i);
            let stamp = chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default();
            buf.extend_from_slice(b",\"observed_at\":\"");
            buf.extend_from_slice(stamp.as_bytes());
            buf.push(b'"');
        }
        if envelope || linked {
            buf.push(b'}');
        }
        if defect == Some(Defect::Truncated) {
            corrupt::truncate(buf, start, &mut meta);
        }
        let label = if fraud { Label::Fraud } else { Label::Legit };
        match (corrupt, envelope) {
            (true, _) => Some((LineKind::Corrupt, None)),
            (false, true) => Some((LineKind::Envelope, Some(label))),
            (false, false) => Some((LineKind::Session, Some(label))),
        }
    }
}
