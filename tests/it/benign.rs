//! The benign corpus: real names in many scripts, addresses across states, territories and
//! military post offices, apartment and unit formats, streets named after boxes. Put into an
//! otherwise clean response, each is `trust` under every shipped rules file.

use layer_risk::Outcome;
use serde_json::{json, Value};

use super::util::{self, base, decide, set, SHIPPED};

const NAMES: &[(&str, &str)] = &[
    ("Иван", "Петров"),
    ("Ирина", "Смирнова"),
    ("Σοφία", "Παπαδοπούλου"),
    ("Văn An", "Nguyễn"),
    ("Thị Hương", "Phạm"),
    ("太郎", "山田"),
    ("小明", "王"),
    ("민준", "김"),
    ("さくら", "たなか"),
    ("ヤマダ", "タロウ"),
    ("محمد", "الأحمد"),
    (
        "\u{0639}\u{0644}\u{06CC}\u{200C}\u{0631}\u{0636}\u{0627}",
        "احمدی",
    ),
    ("דוד", "כהן"),
    ("प्रिया", "शर्मा"),
    ("Աննա", "Գրիգորյան"),
    ("ნინო", "ბერიძე"),
    ("สมชาย", "ศรีสุข"),
    ("Şükrü", "Yılmaz"),
    ("Seán", "Ó Briain"),
    ("Siobhán", "O\u{2019}Sullivan"),
    ("Liam", "O'Brien"),
    ("María", "García Márquez"),
    ("José", "Fernández-López"),
    ("Zoë", "Brontë"),
];

/// street, street2, city, region, ZIP.
const ADDRESSES: &[(&str, &str, &str, &str, &str)] = &[
    ("123 Main St.", "Apt 4B", "Pawnee", "IN", "46001"),
    ("500 Boxwood Rd", "Unit #12", "Austin", "TX", "78701"),
    ("12 Post Office Rd", "Ste 300", "Denver", "CO", "80202"),
    ("7 Pobox St", "# 5", "Portland", "OR", "97201"),
    ("88 Box Elder Dr", "Bldg 2 Fl 3", "Boise", "ID", "83702"),
    ("1 Box Canyon Rd", "", "Phoenix", "AZ", "85001"),
    ("1600 Pennsylvania Ave NW", "", "Washington", "DC", "20500"),
    ("350 Fifth Ave", "Suite 200", "New York", "NY", "10118"),
    (
        "1200 Avenida Ponce de León",
        "Apt 3",
        "San Juan",
        "PR",
        "00907",
    ),
    ("123 Marine Dr", "", "Hagatna", "GU", "96910"),
    ("5 Main St", "", "Charlotte Amalie", "VI", "00802"),
    ("PSC 1234 Box 5678", "", "APO", "AE", "09012"),
    ("Unit 2050 Box 4190", "", "APO", "AP", "96278"),
    ("CMR 450 Box 12", "", "FPO", "AA", "34001"),
    ("RR 2 Box 45", "", "Ames", "IA", "50010"),
];

/// Phones of the US and its territories.
const PHONES: &[&str] = &[
    "+14157452130",
    "+17872345678",
    "+16712345678",
    "+13407752345",
];

fn trusted_everywhere(doc: &Value, what: &str) {
    for name in SHIPPED {
        let d = decide(doc, util::shipped(name));
        assert_eq!(d.outcome, Outcome::Trust, "{name}: {what}: {:?}", d.reasons);
    }
}

#[test]
fn benign_names_are_trusted_under_every_shipped_file() {
    for (first, last) in NAMES {
        let mut doc = base();
        set(
            &mut doc,
            "/identity/name",
            json!({"first_name": first, "last_name": last}),
        );
        trusted_everywhere(&doc, &format!("{first} {last}"));
    }
}

#[test]
fn benign_addresses_are_trusted_under_every_shipped_file() {
    for (street, street2, city, region, zip) in ADDRESSES {
        let mut doc = base();
        set(
            &mut doc,
            "/identity/address",
            json!({"street": street, "street2": street2, "city": city, "region": region,
                   "postal_code": zip, "country": "US"}),
        );
        trusted_everywhere(&doc, street);
    }
}

#[test]
fn benign_phones_are_trusted_under_every_shipped_file() {
    for phone in PHONES {
        let mut doc = base();
        set(&mut doc, "/identity/phone_number", json!(phone));
        trusted_everywhere(&doc, phone);
    }
}
