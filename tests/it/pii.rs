//! PII never leaks: no identity value or access token in a decision (serialized, Debug,
//! Display), in the Debug of a parsed Session, in a batch record, or in a ParseError.

use layer_risk::batch::{Summary, DEFAULT_MAX_LINE_BYTES};
use layer_risk::{parse_session, RuleSet};
use layer_risk::{LineResult, Scorer};
use proptest::prelude::*;
use serde_json::{json, Value};

use super::util::{self, as_of, SHIPPED};

/// Distinctive identity values: none can appear in an output by coincidence.
#[derive(Debug, Clone)]
struct Secrets {
    first: String,
    last: String,
    street: String,
    city: String,
    ssn: String,
    dob: String,
    email: String,
    phone_national: String,
    tokens: Vec<String>,
    item_ids: Vec<String>,
}

impl Secrets {
    fn all(&self) -> Vec<&str> {
        let mut v = vec![
            self.first.as_str(),
            &self.last,
            &self.street,
            &self.city,
            &self.ssn,
            &self.dob,
            &self.email,
            &self.phone_national,
        ];
        v.extend(self.tokens.iter().map(String::as_str));
        v.extend(self.item_ids.iter().map(String::as_str));
        v
    }

    fn response(&self, ssn_last_4: &str, edits: u32, idv: Option<&str>) -> Value {
        let c = json!({"edits_current": edits, "edits_1d": edits, "edits_30d": edits, "edits_365d": edits, "edits_all_time": edits});
        let items: Vec<Value> = self
            .tokens
            .iter()
            .zip(&self.item_ids)
            .map(|(t, i)| json!({"item_id": i, "access_token": t}))
            .collect();
        let mut v = json!({
            "identity": {
                "name": {"first_name": self.first, "last_name": self.last},
                "address": {"street": format!("12 {} Rd", self.street), "city": self.city,
                            "region": "NC", "postal_code": "27601", "country": "US"},
                "phone_number": format!("+1{}", self.phone_national),
                "email": self.email,
                "date_of_birth": self.dob,
                "ssn": self.ssn,
                "ssn_last_4": ssn_last_4,
            },
            "identity_edit_history": {"name": c, "address": c, "email": c, "date_of_birth": c,
                                      "official_document": {"ssn": c}},
            "items": items,
            "request_id": "reqPiiTest",
        });
        if let Some(s) = idv {
            util::set(&mut v, "/idv_session_status", s.into());
        }
        v
    }
}

fn letters(min: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Z][a-z]{{{},{}}}", min - 1, min + 5)).unwrap()
}

fn secrets() -> impl Strategy<Value = Secrets> {
    (
        (letters(9), letters(9), letters(10), letters(10)),
        "[0-9]{9}",
        (1900u32..2010, 1u32..13, 1u32..29),
        (letters(8), letters(8)),
        "[2-9][0-9]{2}[2-9][0-9]{6}",
        prop::collection::vec(("[0-9a-f]{12}", "[A-Za-z0-9]{20}"), 0..3),
    )
        .prop_map(
            |((first, last, street, city), ssn, (y, m, d), (user, host), phone, items)| Secrets {
                first,
                last,
                street,
                city,
                ssn,
                dob: format!("{y:04}-{m:02}-{d:02}"),
                email: format!("{}@{}.com", user.to_lowercase(), host.to_lowercase()),
                phone_national: phone,
                tokens: items
                    .iter()
                    .map(|(t, _)| format!("access-sandbox-{t}"))
                    .collect(),
                item_ids: items.into_iter().map(|(_, i)| i).collect(),
            },
        )
}

fn assert_clean(what: &str, text: &str, s: &Secrets) -> Result<(), TestCaseError> {
    for secret in s.all() {
        prop_assert!(
            !text.contains(secret),
            "{what} contains {secret:?}:\n{text}"
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn prop_decisions_and_debug_never_contain_identity_values(
        s in secrets(),
        last4_kind in 0usize..3,
        edits in 0u32..4,
        idv in prop::option::of(prop::sample::select(vec!["success", "failed", "active", "weird"])),
    ) {
        let last4 = match last4_kind {
            0 => s.ssn[5..].to_owned(),
            1 => "0000".to_owned(),
            _ => "x1".to_owned(),
        };
        let text = s.response(&last4, edits, idv).to_string();
        let session = parse_session(&text).unwrap();
        assert_clean("Debug of Session", &format!("{session:?}"), &s)?;
        assert_clean("pretty Debug of Session", &format!("{session:#?}"), &s)?;
        for name in SHIPPED {
            let rules = util::shipped(name);
            let d = util::scorer(rules).assess(text.as_bytes(), &layer_risk::Context::NONE).unwrap();
            assert_clean("serialized decision", &serde_json::to_string(&d).unwrap(), &s)?;
            assert_clean("Debug of Decision", &format!("{d:?}"), &s)?;
            assert_clean("Display of Decision", &d.to_string(), &s)?;
            let mut out = Vec::new();
            let mut summary = Summary::default();
            let scorer = Scorer::new(rules.clone(), as_of());
            if let LineResult::Decided(d) = scorer.record(Some(1), text.as_bytes(), DEFAULT_MAX_LINE_BYTES, &mut out) {
                summary.add(&d);
            }
            assert_clean("batch record", &String::from_utf8(out).unwrap(), &s)?;
            let report = summary.report(scorer.rules().id());
            assert_clean("summary", &serde_json::to_string(&report).unwrap(), &s)?;
        }
    }

    #[test]
    fn prop_parse_errors_never_contain_identity_values(
        s in secrets(),
        cut in 0usize..1000,
        breakage in 0usize..6,
    ) {
        let doc = s.response(&s.ssn[5..], 1, None);
        let mut broken = doc.clone();
        let text = match breakage {
            // Truncated anywhere.
            0 => { let t = doc.to_string(); t[..cut.min(t.len())].to_owned() }
            // A wrong type right after the identity values.
            1 => { util::set(&mut broken, "/identity_edit_history/name/edits_1d", json!(s.ssn)); broken.to_string() }
            2 => { util::set(&mut broken, "/identity_edit_history/name/edits_1d", json!(-7)); broken.to_string() }
            3 => { util::set(&mut broken, "/items", json!([{"access_token": 5}, s.email])); broken.to_string() }
            // An identity value where an object belongs.
            4 => { util::set(&mut broken, "/identity/name", json!(s.first)); broken.to_string() }
            // A syntax error after the identity values.
            _ => { let t = doc.to_string(); format!("{}, }}", &t[..t.len() - 1]) }
        };
        let Err(e) = parse_session(&text) else {
            // Truncating after the closing brace is no error.
            prop_assert!(breakage == 0);
            return Ok(());
        };
        assert_clean("ParseError", &e.to_string(), &s)?;
        assert_clean("ParseError Debug", &format!("{e:?}"), &s)?;
        assert_clean("ParseError path", e.path().unwrap_or(""), &s)?;
        let mut out = Vec::new();
        let _ = Scorer::new(RuleSet::embedded_default().clone(), as_of()).record(Some(1), text.as_bytes(), DEFAULT_MAX_LINE_BYTES, &mut out);
        assert_clean("error record", &String::from_utf8(out).unwrap(), &s)?;
    }
}

#[test]
fn debug_of_a_session_shows_presence_only() {
    let text = util::read_fixture("seed_api_reference.json");
    let s = parse_session(&text).unwrap();
    let dbg = format!("{s:?}");
    for secret in [
        "Leslie",
        "Knope",
        "123 Main",
        "Pawnee",
        "41006",
        "leslie@",
        "4157452130",
        "1975",
        "987654321",
        "4321",
        "access-sandbox",
        "Ed6bjNrD",
    ] {
        assert!(!dbg.contains(secret), "{secret} in {dbg}");
    }
    assert!(dbg.contains("<redacted>"), "{dbg}");
    // Debug shows presence only, the request id included: judging which ids are safe to
    // echo is validation's (a decision echoes a Plaid-shaped one).
    assert!(dbg.contains("request_id: Some(<redacted>)"), "{dbg}");
    assert!(dbg.contains("ItemCount(1)"), "{dbg}");
}

#[test]
fn the_link_session_id_is_redacted_too() {
    let v = util::with("/link_session_id", "link-session-77777777".into());
    let text = v.to_string();
    let s = parse_session(&text).unwrap();
    assert!(!format!("{s:?}").contains("77777777"));
}

#[test]
fn no_finding_observes_an_identity_value() {
    // Every fixture, every shipped rules file: the observed labels are from a closed set.
    for &code in layer_risk::Code::ALL {
        let v: Value = serde_json::from_str(&util::read_fixture(&format!(
            "findings/{}.json",
            code.as_str()
        )))
        .unwrap();
        let json = serde_json::to_string(&util::decide(&v, RuleSet::embedded_default())).unwrap();
        for secret in [
            "Leslie",
            "Knope",
            "123 Main",
            "Pawnee",
            "L3slie",
            "leslie.knope",
            "01/18/1975",
            "123-45-6789",
            "666456789",
            "67a9",
            "Indianna",
            "(415)",
            "1234567890",
            "2079460958",
            "access-sandbox",
        ] {
            assert!(!json.contains(secret), "{code}: {secret} in {json}");
        }
    }
}
