//! What earlier sessions say about this one: counts per signal and window. Pure data.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::fields::Window;

/// The most any count reports: a key seen with more others says "at least this many".
/// Every store and the Spark aggregation clamp alike, so they agree.
pub const MAX_COUNT: u32 = 1000;

/// The windows a link signal is counted in, relative to the observation's time: the last
/// day, 30 days, 365 days, and everything the store still holds (its retention horizon,
/// at least 400 days by default).
pub const LINK_WINDOWS: [Window; 4] = [Window::Day, Window::Month, Window::Year, Window::AllTime];

/// Seconds in a window (`None` for `all_time`, bounded by retention, and `current`).
pub(crate) fn window_seconds(w: Window) -> Option<i64> {
    match w {
        Window::Day => Some(86_400),
        Window::Month => Some(30 * 86_400),
        Window::Year => Some(365 * 86_400),
        Window::Current | Window::AllTime => None,
    }
}

/// A signal of the link history: what a `link_rules` entry reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkSignal {
    /// Distinct other names seen with this SSN.
    SsnOtherNames,
    /// Distinct other dates of birth seen with this SSN.
    SsnOtherDobs,
    /// Distinct other identities seen with this phone.
    PhoneOtherIdentities,
    /// Distinct other identities seen with this email.
    EmailOtherIdentities,
    /// Distinct identities other than this one seen at this address.
    AddressIdentities,
    /// Earlier sessions of this same identity.
    IdentitySessions,
    /// Days since this SSN was first seen (window `all_time` only).
    SsnFirstSeenDays,
}

impl LinkSignal {
    /// Every signal, in documentation order.
    pub const ALL: [LinkSignal; 7] = [
        LinkSignal::SsnOtherNames,
        LinkSignal::SsnOtherDobs,
        LinkSignal::PhoneOtherIdentities,
        LinkSignal::EmailOtherIdentities,
        LinkSignal::AddressIdentities,
        LinkSignal::IdentitySessions,
        LinkSignal::SsnFirstSeenDays,
    ];

    /// The signal's name in rules files and decisions.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkSignal::SsnOtherNames => "ssn_other_names",
            LinkSignal::SsnOtherDobs => "ssn_other_dobs",
            LinkSignal::PhoneOtherIdentities => "phone_other_identities",
            LinkSignal::EmailOtherIdentities => "email_other_identities",
            LinkSignal::AddressIdentities => "address_identities",
            LinkSignal::IdentitySessions => "identity_sessions",
            LinkSignal::SsnFirstSeenDays => "ssn_first_seen_days",
        }
    }

    /// The signal with this name.
    pub fn from_name(name: &str) -> Option<LinkSignal> {
        LinkSignal::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the signal is counted in `window` (every signal in `1d`, `30d`, `365d` and
    /// `all_time`, but `ssn_first_seen_days`, which is one number, in `all_time` only).
    pub fn has_window(self, window: Window) -> bool {
        match self {
            LinkSignal::SsnFirstSeenDays => window == Window::AllTime,
            _ => window != Window::Current,
        }
    }

    /// The part of the identity the signal is keyed by: `ssn`, `phone_number`, `email`,
    /// `address` or `identity`, as a link rule's reason names its `field`.
    pub fn key_field(self) -> &'static str {
        match self {
            LinkSignal::SsnOtherNames | LinkSignal::SsnOtherDobs | LinkSignal::SsnFirstSeenDays => {
                "ssn"
            }
            LinkSignal::PhoneOtherIdentities => "phone_number",
            LinkSignal::EmailOtherIdentities => "email",
            LinkSignal::AddressIdentities => "address",
            LinkSignal::IdentitySessions => "identity",
        }
    }
}

impl fmt::Display for LinkSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One signal's counts in the windows `1d`, `30d`, `365d` and `all_time` (nested: each at
/// most the next).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct LinkCounts {
    /// The last day.
    #[serde(rename = "1d")]
    pub day: u32,
    /// The last 30 days.
    #[serde(rename = "30d")]
    pub month: u32,
    /// The last 365 days.
    #[serde(rename = "365d")]
    pub year: u32,
    /// Everything the store holds (its retention horizon).
    pub all_time: u32,
}

impl LinkCounts {
    /// The count of `window` (`None` for `current`).
    pub fn get(&self, window: Window) -> Option<u32> {
        match window {
            Window::Day => Some(self.day),
            Window::Month => Some(self.month),
            Window::Year => Some(self.year),
            Window::AllTime => Some(self.all_time),
            Window::Current => None,
        }
    }

    /// Counts from `[1d, 30d, 365d, all_time]`, each clamped to [`MAX_COUNT`].
    pub fn from_array(c: [u32; 4]) -> Self {
        LinkCounts {
            day: c[0].min(MAX_COUNT),
            month: c[1].min(MAX_COUNT),
            year: c[2].min(MAX_COUNT),
            all_time: c[3].min(MAX_COUNT),
        }
    }
}

/// What earlier observations say about a session, as counts (never values): the typed
/// argument through which linkage enters scoring (`Context::link`), so that scoring stays
/// pure. A store computes it ([`crate::link::LinkStore::observe`]); a test or a caller that
/// aggregates elsewhere (Spark) may build it from JSON:
///
/// ```
/// use layer_risk::link::{LinkHistory, LinkSignal};
/// use layer_risk::Window;
/// let h: LinkHistory = serde_json::from_str(r#"{"ssn_other_names": {"30d": 1, "365d": 1, "all_time": 2}}"#)?;
/// assert_eq!(h.get(LinkSignal::SsnOtherNames, Window::Month), Some(1));
/// assert_eq!(h.get(LinkSignal::SsnOtherNames, Window::Day), Some(0));
/// assert_eq!(h.get(LinkSignal::SsnFirstSeenDays, Window::AllTime), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A signal needs both sides: a session without a name has no `ssn_other_names`, one
/// without an identity (no SSN, and no name with a date of birth) no `*_other_identities`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct LinkHistory {
    /// Distinct other names seen with this SSN.
    pub ssn_other_names: LinkCounts,
    /// Distinct other dates of birth seen with this SSN.
    pub ssn_other_dobs: LinkCounts,
    /// Distinct other identities seen with this phone.
    pub phone_other_identities: LinkCounts,
    /// Distinct other identities seen with this email.
    pub email_other_identities: LinkCounts,
    /// Distinct identities other than this one seen at this address.
    pub address_identities: LinkCounts,
    /// Earlier sessions of this same identity.
    pub identity_sessions: LinkCounts,
    /// Whole days since this SSN was first seen; `None` when it never was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssn_first_seen_days: Option<u32>,
}

impl LinkHistory {
    /// The count of `signal` in `window`: `None` when the signal has no such window, or for
    /// `ssn_first_seen_days` when the SSN was never seen.
    pub fn get(&self, signal: LinkSignal, window: Window) -> Option<u32> {
        if !signal.has_window(window) {
            return None;
        }
        let counts = match signal {
            LinkSignal::SsnOtherNames => &self.ssn_other_names,
            LinkSignal::SsnOtherDobs => &self.ssn_other_dobs,
            LinkSignal::PhoneOtherIdentities => &self.phone_other_identities,
            LinkSignal::EmailOtherIdentities => &self.email_other_identities,
            LinkSignal::AddressIdentities => &self.address_identities,
            LinkSignal::IdentitySessions => &self.identity_sessions,
            LinkSignal::SsnFirstSeenDays => return self.ssn_first_seen_days,
        };
        counts.get(window)
    }

    /// The history's JSON, compact, fields in declaration order (`ssn_first_seen_days` left
    /// out when `None`), appended to `out`: the bytes `serde_json::to_vec` writes, without
    /// serde's machinery, for the decision id's part `l` on every linked line. A test holds
    /// the two to the same bytes.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) {
        let signals = [
            ("ssn_other_names", &self.ssn_other_names),
            ("ssn_other_dobs", &self.ssn_other_dobs),
            ("phone_other_identities", &self.phone_other_identities),
            ("email_other_identities", &self.email_other_identities),
            ("address_identities", &self.address_identities),
            ("identity_sessions", &self.identity_sessions),
        ];
        let mut sep = b'{';
        for (name, c) in signals {
            out.push(sep);
            sep = b',';
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":{\"1d\":");
            push_u32(out, c.day);
            out.extend_from_slice(b",\"30d\":");
            push_u32(out, c.month);
            out.extend_from_slice(b",\"365d\":");
            push_u32(out, c.year);
            out.extend_from_slice(b",\"all_time\":");
            push_u32(out, c.all_time);
            out.push(b'}');
        }
        if let Some(days) = self.ssn_first_seen_days {
            out.extend_from_slice(b",\"ssn_first_seen_days\":");
            push_u32(out, days);
        }
        out.push(b'}');
    }

    /// Mutable counts of a windowed signal (`None` for `ssn_first_seen_days`).
    pub fn counts_mut(&mut self, signal: LinkSignal) -> Option<&mut LinkCounts> {
        Some(match signal {
            LinkSignal::SsnOtherNames => &mut self.ssn_other_names,
            LinkSignal::SsnOtherDobs => &mut self.ssn_other_dobs,
            LinkSignal::PhoneOtherIdentities => &mut self.phone_other_identities,
            LinkSignal::EmailOtherIdentities => &mut self.email_other_identities,
            LinkSignal::AddressIdentities => &mut self.address_identities,
            LinkSignal::IdentitySessions => &mut self.identity_sessions,
            LinkSignal::SsnFirstSeenDays => return None,
        })
    }
}

/// `n` in decimal, as JSON writes it.
fn push_u32(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// `{"1d": N, "30d": N, "365d": N, "all_time": N}`, any key may be left out (0); unknown
/// keys and negative or fractional counts are refused.
impl<'de> Deserialize<'de> for LinkCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(default, rename = "1d")]
            day: u32,
            #[serde(default, rename = "30d")]
            month: u32,
            #[serde(default, rename = "365d")]
            year: u32,
            #[serde(default)]
            all_time: u32,
        }
        let r = Raw::deserialize(d)?;
        Ok(LinkCounts::from_array([r.day, r.month, r.year, r.all_time]))
    }
}

impl<'de> Deserialize<'de> for LinkHistory {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LinkHistory;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of link signal -> counts per window")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LinkHistory, A::Error> {
                let mut h = LinkHistory::default();
                let mut seen = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let Some(signal) = LinkSignal::from_name(&key) else {
                        let names: Vec<&str> = LinkSignal::ALL.iter().map(|s| s.as_str()).collect();
                        return Err(de::Error::unknown_field(&key, leak(names)));
                    };
                    if seen.contains(&signal) {
                        return Err(de::Error::custom(format!(
                            "link signal `{key}` is listed twice"
                        )));
                    }
                    seen.push(signal);
                    match h.counts_mut(signal) {
                        Some(c) => *c = map.next_value()?,
                        None => h.ssn_first_seen_days = map.next_value()?,
                    }
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

/// The signal names as the `'static` list serde's `unknown_field` wants (built once).
fn leak(names: Vec<&'static str>) -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| names)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The hand-written JSON of the decision id is serde's, byte for byte.
        #[test]
        fn write_json_is_serdes(c in proptest::collection::vec(proptest::prelude::any::<u32>(), 24), days in proptest::option::of(proptest::prelude::any::<u32>())) {
            let counts = |i: usize| LinkCounts { day: c[i], month: c[i + 1], year: c[i + 2], all_time: c[i + 3] };
            let h = LinkHistory {
                ssn_other_names: counts(0),
                ssn_other_dobs: counts(4),
                phone_other_identities: counts(8),
                email_other_identities: counts(12),
                address_identities: counts(16),
                identity_sessions: counts(20),
                ssn_first_seen_days: days,
            };
            let mut mine = Vec::new();
            h.write_json(&mut mine);
            proptest::prop_assert_eq!(mine, serde_json::to_vec(&h).unwrap());
        }
    }

    #[test]
    fn json_round_trip_and_errors() {
        let h: LinkHistory = serde_json::from_str(
            r#"{"identity_sessions": {"1d": 3, "30d": 3, "365d": 4, "all_time": 4}, "ssn_first_seen_days": 12}"#,
        )
        .unwrap();
        assert_eq!(h.get(LinkSignal::IdentitySessions, Window::Day), Some(3));
        assert_eq!(
            h.get(LinkSignal::SsnFirstSeenDays, Window::AllTime),
            Some(12)
        );
        assert_eq!(h.get(LinkSignal::SsnFirstSeenDays, Window::Day), None);
        assert_eq!(h.get(LinkSignal::IdentitySessions, Window::Current), None);
        let back: LinkHistory = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(back, h);
        let e = serde_json::from_str::<LinkHistory>(r#"{"ssn_other_name": {}}"#).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("unknown field `ssn_other_name`, expected one of"));
        assert!(serde_json::from_str::<LinkHistory>(r#"{"ssn_other_names": {"7d": 1}}"#).is_err());
        assert!(serde_json::from_str::<LinkHistory>(r#"{"ssn_other_names": {"1d": -1}}"#).is_err());
        assert_eq!(LinkCounts::from_array([5000, 0, 0, 0]).day, MAX_COUNT);
    }
}
