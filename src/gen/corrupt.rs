//! Corrupt lines: what makes a line fail to parse into the typed response model, and how.
//!
//! Corrupt lines are never empty or all-whitespace. Most defects are written by the JSON writers
//! (`super::write`) where the defective value belongs; this module chooses the defect and does
//! the ones that act on the whole line.

use super::data::GARBAGE;
use crate::rng::Rng;

/// How a corrupt line is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Defect {
    /// Cut short (at least one byte kept, at least one dropped).
    Truncated,
    /// Invalid UTF-8 inside a string (the last name, else the request id).
    BadUtf8,
    /// `"edits_1d":"3"`: a count as a string.
    EditsString,
    /// `"identity":5`.
    IdentityNumber,
    /// `"items":{}`.
    ItemsObject,
    /// A negative edit count.
    NegativeEdit,
    /// A fractional edit count.
    FloatEdit,
    /// Plain text instead of JSON.
    Garbage,
}

/// Relative weights of the defects among corrupt lines.
pub(super) const DEFECTS: &[(Defect, u32)] = &[
    (Defect::Truncated, 30),
    (Defect::BadUtf8, 10),
    (Defect::EditsString, 10),
    (Defect::IdentityNumber, 10),
    (Defect::ItemsObject, 10),
    (Defect::NegativeEdit, 10),
    (Defect::FloatEdit, 10),
    (Defect::Garbage, 10),
];

/// Invalid UTF-8 written after the last name: a lone `0xFF`, then `0xC3` not followed by a
/// continuation byte.
pub(super) const BAD_UTF8_IN_NAME: [u8; 3] = [0xFF, 0xC3, 0x28];

/// Invalid UTF-8 written inside the request id: an overlong `'/'`, never valid UTF-8.
pub(super) const BAD_UTF8_IN_ID: [u8; 2] = [0xC0, 0xAF];

/// Chooses a defect by [`DEFECTS`] weight (one draw).
pub(super) fn choose(meta: &mut Rng) -> Defect {
    let total: u32 = DEFECTS.iter().map(|d| d.1).sum();
    let mut r = meta.below(u64::from(total)) as u32;
    for &(d, w) in DEFECTS {
        if r < w {
            return d;
        }
        r -= w;
    }
    Defect::Truncated
}

/// Appends a [`Defect::Garbage`] line: a line of text, then the request id.
pub(super) fn write_garbage(buf: &mut Vec<u8>, meta: &mut Rng, request_id: &[u8]) {
    buf.extend_from_slice(meta.pick(GARBAGE).as_bytes());
    buf.push(b' ');
    buf.extend_from_slice(request_id);
}

/// [`Defect::Truncated`]: cuts the line that starts at `start` in `buf`, keeping at least one
/// byte and dropping at least one (when it has two or more).
pub(super) fn truncate(buf: &mut Vec<u8>, start: usize, meta: &mut Rng) {
    let len = buf.len() - start;
    let keep = 1 + meta.below(len.saturating_sub(1) as u64) as usize;
    buf.truncate(start + keep.min(len.saturating_sub(1)).max(1));
}
