//! Address: ISO 3166-1 alpha-2 country; for US, a ZIP or ZIP+4 and a state or territory.

use super::street::{military_post_office, po_box_kind, PoBoxKind};
use super::zip3::zip_matches_state;
use crate::finding::{Code, Finding};
use crate::geo::{country_label, is_iso_country, us_region_code, US_TERRITORIES};
use crate::session::Address;

/// Is this a US ZIP (`12345`) or ZIP+4 (`12345-6789` or `123456789`)?
pub(crate) fn is_us_zip(zip: &str) -> bool {
    let b = zip.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 | 9 => digits(b),
        10 => b[5] == b'-' && digits(&b[..5]) && digits(&b[6..]),
        _ => false,
    }
}

fn blank(v: &Option<std::borrow::Cow<'_, str>>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

pub(crate) fn check(address: Option<&Address<'_>>, out: &mut Vec<Finding>) {
    let Some(a) = address else {
        out.push(Finding::new(Code::AddressMissing));
        return;
    };
    let parts = [
        ("street", &a.street),
        ("city", &a.city),
        ("region", &a.region),
        ("postal_code", &a.postal_code),
        ("country", &a.country),
    ];
    if parts.iter().all(|(_, v)| blank(v)) && blank(&a.street2) {
        out.push(Finding::new(Code::AddressMissing));
        return;
    }
    if let Some((name, _)) = parts.iter().find(|(_, v)| blank(v)) {
        out.push(Finding::new(Code::AddressIncomplete).observed(*name));
    }
    // CIP's residential street address: no line to read it from at all.
    if blank(&a.street) && blank(&a.street2) {
        out.push(Finding::new(Code::AddressStreetMissing));
    }
    // Judge the country when there is one; without one, judge US-style parts as US (Layer
    // serves US users). The territories with USPS state codes and US ZIP codes are US.
    let country = a
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let (is_us, territory) = match country {
        None | Some("US") => (true, None),
        Some(c) if US_TERRITORIES.contains(&c) => (true, Some(country_label(c))),
        Some(c) if is_iso_country(c) => {
            out.push(Finding::new(Code::AddressNonUs).observed(country_label(c)));
            (false, None)
        }
        Some(_) => {
            out.push(Finding::new(Code::AddressCountryInvalid));
            (false, None)
        }
    };
    if !is_us {
        return;
    }
    let military = military_post_office(a.city.as_deref(), a.region.as_deref());
    // A PO Box or PMB in either line wins over General Delivery in the other.
    let kinds =
        [&a.street, &a.street2].map(|s| s.as_deref().and_then(|s| po_box_kind(s, military)));
    let kind = kinds
        .iter()
        .flatten()
        .min_by_key(|k| match k {
            PoBoxKind::PoBox => 0,
            PoBoxKind::PrivateMailbox => 1,
            PoBoxKind::GeneralDelivery => 2,
        })
        .copied();
    {
        match kind {
            Some(PoBoxKind::PoBox) => {
                out.push(Finding::new(Code::AddressPoBox));
            }
            Some(PoBoxKind::PrivateMailbox) => {
                out.push(Finding::new(Code::AddressPrivateMailbox));
            }
            Some(PoBoxKind::GeneralDelivery) => {
                out.push(Finding::new(Code::AddressGeneralDelivery));
            }
            None => {}
        }
    }
    let zip = a
        .postal_code
        .as_deref()
        .map(str::trim)
        .filter(|z| !z.is_empty());
    let zip_ok = match zip {
        Some(z) if !is_us_zip(z) => {
            out.push(Finding::new(Code::AddressPostalCodeInvalid));
            false
        }
        Some(_) => true,
        None => false,
    };
    let region = match a.region.as_deref().filter(|r| !r.trim().is_empty()) {
        Some(r) => match us_region_code(r) {
            None => {
                out.push(Finding::new(Code::AddressRegionInvalid));
                None
            }
            Some(code) => Some(code),
        },
        None => territory,
    };
    if let (true, Some(z), Some(state)) = (zip_ok, zip, region) {
        if zip_matches_state(z, state) == Some(false) {
            out.push(Finding::new(Code::AddressZipRegionMismatch));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zips() {
        for ok in ["46001", "46001-1234", "460011234"] {
            assert!(is_us_zip(ok), "{ok}");
        }
        for bad in ["4600", "46001-123", "4600A", "46001 1234", "", "460011-234"] {
            assert!(!is_us_zip(bad), "{bad}");
        }
    }
}
