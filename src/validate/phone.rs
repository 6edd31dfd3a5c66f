//! TEMPORARY: replaced by the phone helper's module. Same API.
#![allow(missing_docs)]
use serde::Serialize;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Region([u8; 3], u8);
impl Region {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0[..self.1 as usize]).unwrap_or("??")
    }
}
impl Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum PhoneVerdict {
    Valid { country_code: u16, region: Region },
    NotE164,
    UnknownCountryCode,
    Invalid { country_code: u16 },
}
pub fn check(raw: &str) -> PhoneVerdict {
    let b = raw.as_bytes();
    if b.len() < 2
        || b.len() > 16
        || b[0] != b'+'
        || !b[1..].iter().all(u8::is_ascii_digit)
        || b[1] == b'0'
    {
        return PhoneVerdict::NotE164;
    }
    match phonenumber::parse(None, raw) {
        Ok(n) => {
            let cc = n.country().code();
            if phonenumber::is_valid(&n) {
                let id = n
                    .country()
                    .id()
                    .map(|c| c.as_ref().to_owned())
                    .unwrap_or_default();
                let mut r = [0u8; 3];
                let l = id.len().min(3);
                r[..l].copy_from_slice(&id.as_bytes()[..l]);
                PhoneVerdict::Valid {
                    country_code: cc,
                    region: Region(r, l as u8),
                }
            } else {
                PhoneVerdict::Invalid { country_code: cc }
            }
        }
        Err(_) => PhoneVerdict::UnknownCountryCode,
    }
}
pub fn metadata_version() -> &'static str {
    "9.0.33"
}
pub fn to_e164(_raw: &str, _country: Option<&str>) -> Option<String> {
    None
}
