//! Email: present, and of the form `local@domain.tld`.

use crate::finding::{Code, Finding};

/// A deliberately simple shape check (RFC 5321 lengths, one `@`, a dotted domain, no spaces
/// or control characters). Deliverability is not judged.
pub(crate) fn well_formed(email: &str) -> bool {
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'))
}

pub(crate) fn check(email: Option<&str>, out: &mut Vec<Finding>) {
    match email {
        None => out.push(Finding::new(Code::EmailMissing)),
        Some(e) if e.trim().is_empty() => out.push(Finding::new(Code::EmailMissing)),
        Some(e) if !well_formed(e) => out.push(Finding::new(Code::EmailMalformed)),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for ok in ["leslie@knope.com", "a.b+c@sub.example.co.uk", "x@y.io"] {
            assert!(well_formed(ok), "{ok}");
        }
        for bad in [
            "leslie",
            "@knope.com",
            "leslie@",
            "leslie@knope",
            "a b@c.com",
            "a@b@c.com",
            "a@.com",
            "a@b..com",
            "a@-b.com",
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
