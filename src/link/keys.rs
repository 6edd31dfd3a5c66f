//! Linkage keys: keyed HMAC-SHA256 over normalised identifiers, never the values.

use std::fmt;
use std::path::Path;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::LinkError;
use crate::fields::parse_date;
use crate::matching::{address_key_text, email_key_text, name_key_text};
use crate::session::Identity;

/// The shortest secret accepted, in bytes (the HMAC-SHA256 block is 64; 32 random bytes
/// are 256 bits, as much as the hash keeps).
pub const MIN_SECRET_BYTES: usize = 32;

/// The bytes of a key kept per identifier: the first 16 bytes (128 bits) of the
/// HMAC-SHA256, as NIST SP 800-107 allows truncating it.
pub const KEY_BYTES: usize = 16;

/// The caller's linkage secret: the HMAC key every linkage key is derived with.
///
/// Whoever holds it can test a guessed SSN, phone or email against stored keys; whoever does
/// not learns only which keys are equal. Keep it with your other secrets, outside the store.
/// Its `Debug` output shows the key id only.
///
/// # Example
/// ```
/// use layer_risk::link::LinkSecret;
/// let secret = LinkSecret::from_bytes(b"0123456789abcdef0123456789abcdef\n".to_vec())?;
/// assert_eq!(secret.key_id().to_string().len(), 8);
/// let err = LinkSecret::from_bytes(b"too short".to_vec()).unwrap_err();
/// assert_eq!(err.to_string(), "the link secret is 9 bytes long: it must be at least 32 random bytes");
/// # Ok::<(), layer_risk::link::LinkError>(())
/// ```
#[derive(Clone)]
pub struct LinkSecret {
    mac: Hmac<Sha256>,
    id: KeyId,
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkSecret")
            .field("key_id", &self.id)
            .finish_non_exhaustive()
    }
}

impl LinkSecret {
    /// A secret from its bytes: one trailing newline (`\n` or `\r\n`) is dropped, as a file
    /// written by `echo` or an editor ends with one; what is left must be at least
    /// [`MIN_SECRET_BYTES`] long.
    ///
    /// # Errors
    /// [`LinkError::SecretTooShort`] (the message gives the length, never the bytes).
    pub fn from_bytes(mut bytes: Vec<u8>) -> Result<LinkSecret, LinkError> {
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        if bytes.len() < MIN_SECRET_BYTES {
            return Err(LinkError::SecretTooShort { len: bytes.len() });
        }
        let digest = Sha256::digest(&bytes);
        let mut id = [0u8; 4];
        id.copy_from_slice(&digest[..4]);
        let mac = Hmac::<Sha256>::new_from_slice(&bytes)
            .map_err(|_| LinkError::SecretTooShort { len: bytes.len() })?;
        Ok(LinkSecret { mac, id: KeyId(id) })
    }

    /// The secret in the file at `path` (see [`LinkSecret::from_bytes`]).
    ///
    /// # Errors
    /// [`LinkError::SecretUnreadable`] when the file cannot be read (naming the path and the
    /// system's reason), [`LinkError::SecretTooShort`] when it is too short.
    pub fn from_file(path: impl AsRef<Path>) -> Result<LinkSecret, LinkError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| LinkError::SecretUnreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        LinkSecret::from_bytes(bytes)
    }

    /// The secret's key id: the first 4 bytes of its SHA-256, stored with every key so that
    /// keys of two secrets never mix (see "Rotation" in the README).
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The linkage keys of an identity (see [`LinkKeys`]).
    pub fn keys(&self, identity: Option<&Identity<'_>>) -> LinkKeys {
        self.derive(identity, Derive::All)
    }

    /// The keys a store reads of an identity: as [`LinkSecret::keys`], but without the keys
    /// no store looks at, which cost an HMAC each. The name and date of birth alone are
    /// read only beside an SSN, the name with the date of birth only as the identity where
    /// there is no SSN, and the phone, email and address only with an identity.
    pub(crate) fn store_keys(&self, identity: Option<&Identity<'_>>) -> LinkKeys {
        self.derive(identity, Derive::Store)
    }

    fn derive(&self, identity: Option<&Identity<'_>>, what: Derive) -> LinkKeys {
        let mut k = LinkKeys {
            key_id: self.id,
            ..LinkKeys::default()
        };
        let Some(id) = identity else {
            return k;
        };
        let fields = id.fields();
        k.ssn = id
            .ssn
            .as_deref()
            .and_then(ssn_digits)
            .map(|s| self.key(Tag::Ssn, &s));
        let all = what == Derive::All;
        let name = name_key_text(&fields);
        let dob = id
            .date_of_birth
            .as_deref()
            .and_then(|d| parse_date(d.trim()))
            .map(|d| {
                use chrono::Datelike;
                format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
            });
        if all || k.ssn.is_some() {
            k.name = name.as_deref().map(|n| self.key(Tag::Name, n));
            k.dob = dob.as_deref().map(|d| self.key(Tag::Dob, d));
        }
        if all || k.ssn.is_none() {
            if let (Some(n), Some(d)) = (&name, &dob) {
                k.name_dob = Some(self.key(Tag::NameDob, &format!("{n}|{d}")));
            }
        }
        if !all && k.identity().is_none() {
            return k;
        }
        k.phone = id.phone_number.as_deref().and_then(|p| {
            let p = p.trim();
            if is_e164_shaped(p) {
                // Already E.164 (as Layer sends it): keyed as written, without re-parsing.
                Some(self.key(Tag::Phone, p))
            } else {
                crate::validate::phone::to_e164(p, None).map(|p| self.key(Tag::Phone, &p))
            }
        });
        k.email = id
            .email
            .as_deref()
            .and_then(email_key_text)
            .map(|e| self.key(Tag::Email, &e));
        k.address = address_key_text(&fields).map(|a| self.key(Tag::Address, &a));
        k
    }

    fn key(&self, tag: Tag, text: &str) -> LinkKey {
        let mut mac = self.mac.clone();
        mac.update(tag.as_str().as_bytes());
        mac.update(&[0]);
        mac.update(text.as_bytes());
        let full = mac.finalize().into_bytes();
        let mut k = [0u8; KEY_BYTES];
        k.copy_from_slice(&full[..KEY_BYTES]);
        LinkKey(k)
    }
}

/// Which keys [`LinkSecret::derive`] derives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Derive {
    All,
    Store,
}

/// Domain separation: the same text under two tags gives two unrelated keys.
#[derive(Clone, Copy)]
enum Tag {
    Ssn,
    Name,
    Dob,
    NameDob,
    Phone,
    Email,
    Address,
}

impl Tag {
    fn as_str(self) -> &'static str {
        match self {
            Tag::Ssn => "layer-risk/link/v1/ssn",
            Tag::Name => "layer-risk/link/v1/name",
            Tag::Dob => "layer-risk/link/v1/dob",
            Tag::NameDob => "layer-risk/link/v1/name_dob",
            Tag::Phone => "layer-risk/link/v1/phone",
            Tag::Email => "layer-risk/link/v1/email",
            Tag::Address => "layer-risk/link/v1/address",
        }
    }
}

/// `+` and 8 to 15 digits, the first not 0: what E.164 writes, so normalising it gives it back.
fn is_e164_shaped(p: &str) -> bool {
    let b = p.as_bytes();
    b.first() == Some(&b'+')
        && (9..=16).contains(&b.len())
        && b.get(1).is_some_and(|d| (b'1'..=b'9').contains(d))
        && b[1..].iter().all(u8::is_ascii_digit)
}

/// An SSN's nine digits (dashes and spaces dropped), or `None` when it is not nine digits.
fn ssn_digits(raw: &str) -> Option<String> {
    let d: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    (d.len() == 9 && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

/// A secret's key id (8 hex digits when displayed).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub [u8; 4]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// One linkage key: 16 bytes of HMAC-SHA256 under the caller's secret. Equal keys mean equal
/// normalised values (under one secret); nothing else can be read from a key.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkKey(pub [u8; KEY_BYTES]);

impl LinkKey {
    /// The key as 32 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A key from 32 hex digits.
    pub fn from_hex(hex: &str) -> Option<LinkKey> {
        if hex.len() != 2 * KEY_BYTES || !hex.is_ascii() {
            return None;
        }
        let mut k = [0u8; KEY_BYTES];
        for (i, b) in k.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(LinkKey(k))
    }

    /// The first 8 bytes as a signed integer (a PostgreSQL advisory lock id).
    #[cfg_attr(not(feature = "link-postgres"), allow(dead_code))]
    pub(crate) fn lock_id(&self) -> i64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[..8]);
        i64::from_be_bytes(b)
    }
}

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A key reveals equality only; its first bytes are enough to tell two apart in a test.
        write!(f, "LinkKey({}…)", &self.to_hex()[..8])
    }
}

/// The linkage keys of one session's identity, each present when the value is there and
/// normalises: the SSN (nine digits), the name (folded first and last), the date of birth (a
/// real date), the name with the date of birth, the phone (E.164), the email (normalised as
/// identity matching compares emails) and the address (normalised street and unit with the
/// ZIP5). The *identity* is the SSN where there is one, else the name with the date of
/// birth ([`LinkKeys::identity`]).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LinkKeys {
    /// The secret's key id.
    pub key_id: KeyId,
    /// The SSN.
    pub ssn: Option<LinkKey>,
    /// The folded name.
    pub name: Option<LinkKey>,
    /// The date of birth.
    pub dob: Option<LinkKey>,
    /// The folded name with the date of birth.
    pub name_dob: Option<LinkKey>,
    /// The phone, E.164.
    pub phone: Option<LinkKey>,
    /// The email, normalised.
    pub email: Option<LinkKey>,
    /// The address: street, unit and ZIP5.
    pub address: Option<LinkKey>,
}

impl LinkKeys {
    /// The identity: the SSN where there is one, else the name with the date of birth.
    pub fn identity(&self) -> Option<LinkKey> {
        self.ssn.or(self.name_dob)
    }

    /// Keys as named hex strings (`ssn`, `name`, `dob`, `name_dob`, `phone`, `email`,
    /// `address`, `identity`), for callers that aggregate elsewhere (Spark).
    pub fn named(&self) -> [(&'static str, Option<LinkKey>); 8] {
        [
            ("ssn", self.ssn),
            ("name", self.name),
            ("dob", self.dob),
            ("name_dob", self.name_dob),
            ("phone", self.phone),
            ("email", self.email),
            ("address", self.address),
            ("identity", self.identity()),
        ]
    }
}

impl fmt::Debug for LinkKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("LinkKeys");
        d.field("key_id", &self.key_id);
        for (name, k) in self.named() {
            d.field(name, &k);
        }
        d.finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::session::parse_session;

    fn secret() -> LinkSecret {
        LinkSecret::from_bytes(vec![7u8; 32]).unwrap()
    }

    fn keys(identity: &str) -> LinkKeys {
        let body = format!(r#"{{"identity": {identity}}}"#);
        let s = parse_session(&body).unwrap();
        secret().keys(s.identity.as_ref())
    }

    #[test]
    fn normalised_values_give_equal_keys() {
        let a = keys(
            r#"{"name": {"first_name": "José", "last_name": "O'Brien"}, "date_of_birth": "1975-01-18", "ssn": "524-78-1963", "phone_number": "+14157452130", "email": "Jose.OBrien+layer@GMail.com", "address": {"street": "123 Main Street", "street2": "Apt 4", "postal_code": "46001-1234", "country": "US"}}"#,
        );
        let b = keys(
            r##"{"name": {"first_name": "JOSE", "last_name": "obrien"}, "date_of_birth": "1975-01-18", "ssn": "524781963", "phone_number": "(415) 745-2130", "email": "joseobrien@googlemail.com", "address": {"street": "123 MAIN ST.", "street2": "#4", "postal_code": "46001", "country": "US"}}"##,
        );
        assert_eq!(a, b);
        assert!(a.ssn.is_some() && a.phone.is_some() && a.email.is_some() && a.address.is_some());
        assert_eq!(a.identity(), a.ssn);
    }

    #[test]
    fn tags_separate_and_units_count() {
        let a = keys(
            r#"{"address": {"street": "1 Main St", "street2": "Apt 4", "postal_code": "46001"}}"#,
        );
        let b = keys(
            r#"{"address": {"street": "1 Main St", "street2": "Apt 5", "postal_code": "46001"}}"#,
        );
        assert_ne!(a.address, b.address);
        let c = keys(
            r#"{"name": {"first_name": "Ann", "last_name": "Lee"}, "date_of_birth": "1990-02-03"}"#,
        );
        assert_eq!(c.ssn, None);
        assert_eq!(c.identity(), c.name_dob);
        assert_ne!(c.name, c.name_dob);
        // A lone first name, a bad date, an 8-digit SSN: no key.
        let d = keys(
            r#"{"name": {"first_name": "Ann"}, "date_of_birth": "1990-02-30", "ssn": "12345678"}"#,
        );
        assert_eq!(
            (d.name, d.dob, d.ssn, d.identity()),
            (None, None, None, None)
        );
    }

    #[test]
    fn secret_rules() {
        let with_newline =
            LinkSecret::from_bytes([vec![1u8; 32], b"\r\n".to_vec()].concat()).unwrap();
        assert_eq!(
            with_newline.key_id(),
            LinkSecret::from_bytes(vec![1u8; 32]).unwrap().key_id()
        );
        assert!(LinkSecret::from_bytes([vec![1u8; 31], b"\n".to_vec()].concat()).is_err());
        let dbg = format!("{:?}", secret());
        assert!(dbg.starts_with("LinkSecret { key_id: KeyId(") && !dbg.contains("7, 7"));
        let k = LinkKey([0xab; KEY_BYTES]);
        assert_eq!(LinkKey::from_hex(&k.to_hex()), Some(k));
    }
}
