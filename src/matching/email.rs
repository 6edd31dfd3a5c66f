//! Email comparison (case-insensitive; Gmail dot/plus rules and plus-addressing only for
//! providers that document them) and the email-vs-name heuristic.

use super::fold::{jw, osa};
use super::name::NameBuf;
use super::IdentityFields;

/// Longest address considered (RFC 5321 limit is 254).
const MAX_LEN: usize = 320;

/// Gmail canonical mailbox (dots ignored, `+tag` dropped, googlemail.com == gmail.com).
const GMAIL_SCORE: u8 = 95;
/// Same mailbox on a provider documenting `+` sub-addressing, different tags.
const PLUS_TAG_SCORE: u8 = 90;
/// One edit apart (typo).
const TYPO_SCORE: u8 = 75;

fn is_gmail(domain: &str) -> bool {
    matches!(domain, "gmail.com" | "googlemail.com")
}

/// Providers documenting `+` sub-addressing (but not dot-insensitivity).
fn has_plus_addressing(domain: &str) -> bool {
    matches!(
        domain,
        "outlook.com"
            | "hotmail.com"
            | "live.com"
            | "msn.com"
            | "icloud.com"
            | "me.com"
            | "mac.com"
            | "fastmail.com"
            | "fastmail.fm"
            | "proton.me"
            | "protonmail.com"
            | "pm.me"
    )
}

fn lower_into(s: &str, out: &mut String) {
    out.clear();
    for c in s.trim().chars() {
        if out.len() >= MAX_LEN {
            break;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn without_tag(local: &str) -> &str {
    local.split_once('+').map_or(local, |(l, _)| l)
}

fn gmail_local_eq(a: &str, b: &str) -> bool {
    let ca = without_tag(a).bytes().filter(|&c| c != b'.');
    let cb = without_tag(b).bytes().filter(|&c| c != b'.');
    ca.eq(cb)
}

/// Low score from edit similarity, always below the partial band.
fn similarity_score(a: &str, b: &str) -> u8 {
    let sim = strsim::normalized_levenshtein(a, b);
    ((sim * 69.0).round() as u8).min(69)
}

/// Compares two email addresses; `None` when either is missing or blank.
pub(crate) fn compare_emails(a: Option<&str>, b: Option<&str>) -> Option<u8> {
    let (a, b) = (a?.trim(), b?.trim());
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (mut la, mut lb) = (
        String::with_capacity(a.len().min(MAX_LEN)),
        String::with_capacity(b.len().min(MAX_LEN)),
    );
    lower_into(a, &mut la);
    lower_into(b, &mut lb);
    if la == lb {
        return Some(100);
    }
    let parts = |s: &str| -> Option<(usize, usize)> {
        let (l, d) = s.rsplit_once('@')?;
        (!l.is_empty() && !d.is_empty()).then_some((l.len(), d.len()))
    };
    if let (Some(_), Some(_)) = (parts(&la), parts(&lb)) {
        let (al, ad) = la.rsplit_once('@').unwrap_or(("", ""));
        let (bl, bd) = lb.rsplit_once('@').unwrap_or(("", ""));
        if is_gmail(ad) && is_gmail(bd) && gmail_local_eq(al, bl) {
            return Some(GMAIL_SCORE);
        }
        if ad == bd && has_plus_addressing(ad) && without_tag(al) == without_tag(bl) {
            return Some(PLUS_TAG_SCORE);
        }
    }
    if osa(&la, &lb) == 1 {
        return Some(TYPO_SCORE);
    }
    Some(similarity_score(&la, &lb))
}

/// The canonical text of an email for linkage keys (`crate::link`), by the rules
/// [`compare_emails`] applies: case folded; for Gmail (and googlemail.com) the dots and a
/// `+tag` of the mailbox dropped and the domain written `gmail.com`; for providers that
/// document `+` sub-addressing the tag dropped. `None` for anything without a mailbox and a
/// domain.
pub(crate) fn email_key_text(raw: &str) -> Option<String> {
    let mut s = String::with_capacity(raw.len().min(MAX_LEN));
    lower_into(raw, &mut s);
    let (local, domain) = s.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() || domain.contains(char::is_whitespace) {
        return None;
    }
    if is_gmail(domain) {
        let mailbox: String = without_tag(local).chars().filter(|c| *c != '.').collect();
        return (!mailbox.is_empty()).then(|| format!("{mailbox}@gmail.com"));
    }
    if has_plus_addressing(domain) {
        let mailbox = without_tag(local);
        return (!mailbox.is_empty()).then(|| format!("{mailbox}@{domain}"));
    }
    Some(format!("{local}@{domain}"))
}

/// How well the email's local part matches the name of the same side (see
/// [`super::email_name_score`]).
pub(crate) fn email_name_score(fields: &IdentityFields<'_>) -> Option<u8> {
    let email = fields.email?.trim();
    let (local, _) = email.rsplit_once('@')?;
    let local = without_tag(local);
    let mut l = String::with_capacity(local.len().min(MAX_LEN));
    for c in local.chars().take(MAX_LEN) {
        if c.is_ascii_alphabetic() {
            l.push(c.to_ascii_lowercase());
        }
    }
    if l.is_empty() {
        return None;
    }
    let mut buf = NameBuf::default();
    let v = buf.view(fields)?;
    let first = v.first.first().unwrap_or("");
    let mut last = String::with_capacity(32);
    v.last.join_into(&mut last);
    let fi = first.get(..1).unwrap_or("");
    let li = last.get(..1).unwrap_or("");
    let mi = v.middle.first().and_then(|m| m.get(..1)).unwrap_or("");
    let is = |parts: &[&str]| -> bool {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if total != l.len() || parts.iter().any(|p| p.is_empty()) {
            return false;
        }
        let mut rest = l.as_str();
        for p in parts {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        true
    };
    if is(&[first, &last]) || is(&[&last, first]) {
        return Some(100);
    }
    if is(&[first, mi, &last]) {
        return Some(95);
    }
    if is(&[fi, &last])
        || is(&[&last, fi])
        || is(&[first, li])
        || is(&[fi, mi, &last])
        || is(&[li, first])
    {
        return Some(90);
    }
    if is(&[&last]) || is(&[first]) {
        return Some(80);
    }
    if last.len() >= 3 && l.contains(last.as_str()) {
        return Some(75);
    }
    if first.len() >= 3 && l.contains(first) {
        return Some(70);
    }
    let mut fl = String::with_capacity(first.len() + last.len());
    fl.push_str(first);
    fl.push_str(&last);
    let mut il = String::with_capacity(1 + last.len());
    il.push_str(fi);
    il.push_str(&last);
    let best = [fl.as_str(), il.as_str(), first, last.as_str()]
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| jw(&l, c))
        .fold(0.0_f64, f64::max);
    Some((((best - 0.5) * 2.0 * 69.0).round().clamp(0.0, 69.0)) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_exact() {
        assert_eq!(
            compare_emails(Some("Leslie@Knope.com"), Some(" leslie@knope.COM ")),
            Some(100)
        );
    }

    #[test]
    fn gmail_rules() {
        assert_eq!(
            compare_emails(Some("j.doe+bank@gmail.com"), Some("jdoe@googlemail.com")),
            Some(GMAIL_SCORE)
        );
        // dots are not ignored elsewhere
        let s = compare_emails(Some("j.doe@example.com"), Some("jdoe@example.com")).unwrap_or(0);
        assert_eq!(s, TYPO_SCORE);
        let s = compare_emails(Some("jo.hn.doe@example.com"), Some("johndoe@example.com"))
            .unwrap_or(100);
        assert!(s < 70, "{s}");
    }

    #[test]
    fn plus_tags_on_documented_providers() {
        assert_eq!(
            compare_emails(Some("jdoe+a@outlook.com"), Some("jdoe+b@outlook.com")),
            Some(PLUS_TAG_SCORE)
        );
        let s =
            compare_emails(Some("jdoe+bank@example.com"), Some("jdoe@example.com")).unwrap_or(100);
        assert!(s < 70, "{s}");
    }

    #[test]
    fn malformed_and_missing() {
        assert_eq!(compare_emails(None, Some("a@b.c")), None);
        assert_eq!(compare_emails(Some("  "), Some("a@b.c")), None);
        assert_eq!(
            compare_emails(Some("not-an-email"), Some("not-an-email")),
            Some(100)
        );
        assert!(compare_emails(Some("@"), Some("x@y.z")).unwrap_or(100) < 70);
    }

    fn with(email: &str) -> IdentityFields<'_> {
        IdentityFields {
            first_name: Some("Leslie"),
            last_name: Some("Knope"),
            email: Some(email),
            ..Default::default()
        }
    }

    #[test]
    fn email_name_heuristic() {
        assert_eq!(email_name_score(&with("leslie.knope@x.com")), Some(100));
        assert_eq!(email_name_score(&with("knope_leslie@x.com")), Some(100));
        assert_eq!(email_name_score(&with("lknope@x.com")), Some(90));
        assert_eq!(email_name_score(&with("knopel@x.com")), Some(90));
        assert_eq!(email_name_score(&with("leslie@knope.com")), Some(80));
        assert_eq!(email_name_score(&with("lesliek1975@x.com")), Some(90));
        assert!(email_name_score(&with("xyz123@x.com")).unwrap_or(100) < 40);
        assert_eq!(email_name_score(&with("12345@x.com")), None);
        assert_eq!(email_name_score(&with("no-at-sign")), None);
    }
}
