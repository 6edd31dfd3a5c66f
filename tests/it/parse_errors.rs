//! Parse errors: exact messages, codes and paths; never the offending value.

use layer_risk::{parse_session, ParseErrorKind, RuleSet};

struct Case {
    name: &'static str,
    input: &'static [u8],
    message: &'static str,
    code: &'static str,
    path: Option<&'static str>,
    /// A value of the input that the message must not quote.
    secret: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "truncated line",
        input: br#"{"identity": {"name": {"first_name": "Lesl"#,
        message: "truncated JSON at `identity.name.first_name` (line 1, column 42)",
        code: "truncated",
        path: Some("identity.name.first_name"),
        secret: "Lesl",
    },
    Case {
        name: "invalid JSON",
        input: br#"{"identity": nul, "request_id": "r-secret"}"#,
        message: "invalid JSON at `identity` (line 1, column 17): expected ident",
        code: "invalid_json",
        path: Some("identity"),
        secret: "r-secret",
    },
    Case {
        name: "invalid UTF-8",
        input: b"{\"request_id\": \"a\xff\xfeb\"}",
        message: "invalid UTF-8 (line 1, column 18)",
        code: "invalid_utf8",
        path: None,
        secret: "\"a",
    },
    Case {
        name: "invalid UTF-8 on a later line",
        input: b"{\n  \"identity\": {\n    \"ssn\": \"12\xc3(\"\n  }\n}",
        message: "invalid UTF-8 (line 3, column 15)",
        code: "invalid_utf8",
        path: None,
        secret: "12",
    },
    Case {
        name: "not an object (number)",
        input: b"987654321",
        message: "not a JSON object (line 1, column 1)",
        code: "not_an_object",
        path: None,
        secret: "987654321",
    },
    Case {
        name: "not an object (string)",
        input: br#""Leslie Knope""#,
        message: "not a JSON object (line 1, column 1)",
        code: "not_an_object",
        path: None,
        secret: "Knope",
    },
    Case {
        name: "identity is a number",
        input: br#"{"identity": 5}"#,
        message: "wrong type at `identity` (line 1, column 14): found integer, expected an object",
        code: "wrong_type",
        path: Some("identity"),
        secret: "5}",
    },
    Case {
        name: "identity is a string",
        input: br#"{"identity": "Leslie Knope 987654321"}"#,
        message: "wrong type at `identity` (line 1, column 37): found string, expected an object",
        code: "wrong_type",
        path: Some("identity"),
        secret: "Knope",
    },
    Case {
        name: "string edit count",
        input: br#"{"identity_edit_history": {"name": {"edits_1d": "3"}}}"#,
        message: "wrong type at `identity_edit_history.name.edits_1d` (line 1, column 51): found string, expected a whole number from 0 to 4294967295",
        code: "wrong_type",
        path: Some("identity_edit_history.name.edits_1d"),
        secret: "\"3\"",
    },
    Case {
        name: "negative edit count",
        input: br#"{"identity_edit_history": {"address": {"edits_30d": -17}}}"#,
        message: "invalid value at `identity_edit_history.address.edits_30d` (line 1, column 55): found integer, expected a whole number from 0 to 4294967295",
        code: "invalid_value",
        path: Some("identity_edit_history.address.edits_30d"),
        secret: "17",
    },
    Case {
        name: "float edit count",
        input: br#"{"identity_edit_history": {"email": {"edits_current": 2.5}}}"#,
        message: "wrong type at `identity_edit_history.email.edits_current` (line 1, column 57): found floating point, expected a whole number from 0 to 4294967295",
        code: "wrong_type",
        path: Some("identity_edit_history.email.edits_current"),
        secret: "2.5",
    },
    Case {
        name: "huge edit count",
        input: br#"{"identity_edit_history": {"official_document": {"ssn": {"edits_all_time": 98765432109}}}}"#,
        message: "invalid value at `identity_edit_history.official_document.ssn.edits_all_time` (line 1, column 86): found integer, expected a whole number from 0 to 4294967295",
        code: "invalid_value",
        path: Some("identity_edit_history.official_document.ssn.edits_all_time"),
        secret: "98765432109",
    },
    Case {
        name: "duplicate key",
        input: br#"{"identity": {"ssn": "123456789", "ssn": "987654321"}}"#,
        message: "duplicate field at `identity` (line 1, column 39)",
        code: "duplicate_field",
        path: Some("identity"),
        secret: "987654321",
    },
    Case {
        name: "items not an array",
        input: br#"{"items": {"access_token": "access-sandbox-secret"}}"#,
        message: "wrong type at `items` (line 1, column 10): found map, expected an array of items",
        code: "wrong_type",
        path: Some("items"),
        secret: "access-sandbox-secret",
    },
    Case {
        name: "access_token a number",
        input: br#"{"items": [{"item_id": "x"}, {"access_token": 4242424242}]}"#,
        message: "wrong type at `items[1].access_token` (line 1, column 56): found integer, expected a string",
        code: "wrong_type",
        path: Some("items[1].access_token"),
        secret: "4242424242",
    },
    Case {
        name: "item a string",
        input: br#"{"items": ["access-sandbox-secret"]}"#,
        message: "wrong type at `items[0]` (line 1, column 34): found string, expected an object",
        code: "wrong_type",
        path: Some("items[0]"),
        secret: "access-sandbox-secret",
    },
    Case {
        name: "ssn a number",
        input: br#"{"identity": {"ssn": 123456789}}"#,
        message: "wrong type at `identity.ssn` (line 1, column 30): found integer, expected a string or null",
        code: "wrong_type",
        path: Some("identity.ssn"),
        secret: "123456789",
    },
    Case {
        name: "trailing characters",
        input: br#"{"request_id": "r1"} {"ssn": "123456789"}"#,
        message: "invalid JSON (line 1, column 22): trailing characters",
        code: "invalid_json",
        path: None,
        secret: "123456789",
    },
    Case {
        name: "raw newline in a string",
        input: b"{\"identity\": {\"ssn\": \"12345\n6789\"}}",
        message: "invalid JSON at `identity.ssn` (line 2, column 1): control character (\\u0000-\\u001F) found while parsing a string",
        code: "invalid_json",
        path: Some("identity.ssn"),
        secret: "12345",
    },
];

#[test]
fn parse_error_table() {
    let mut wrong = Vec::new();
    for c in CASES {
        let err = match super::util::scorer(RuleSet::embedded_default())
            .assess(c.input, &layer_risk::Context::NONE)
        {
            Ok(_) => panic!("{}: parsed", c.name),
            Err(e) => e,
        };
        let msg = err.to_string();
        if msg != c.message {
            wrong.push(format!("{}: got {msg:?}", c.name));
            continue;
        }
        assert_eq!(err.code(), c.code, "{}", c.name);
        assert_eq!(err.path(), c.path, "{}", c.name);
        assert!(!msg.contains(c.secret), "{}: {msg}", c.name);
        assert!(!format!("{err:?}").contains(c.secret), "{}", c.name);
        assert_eq!(format!("{err:?}"), format!("ParseError({msg})"));
        // Where the text is UTF-8, parse_session agrees with the scorer.
        if let Ok(text) = std::str::from_utf8(c.input) {
            assert_eq!(parse_session(text).err(), Some(err.clone()), "{}", c.name);
        }
    }
    assert!(wrong.is_empty(), "wrong messages:\n{}", wrong.join("\n"));
}

#[test]
fn kinds_and_positions() {
    let e = parse_session(r#"{"identity_edit_history": {"name": {"edits_1d": -1}}}"#).unwrap_err();
    assert_eq!(
        e.kind(),
        &ParseErrorKind::InvalidValue {
            found: "integer".into(),
            expected: "a whole number from 0 to 4294967295".into()
        }
    );
    assert_eq!((e.line(), e.column()), (1, 50));
    assert!(!e.is_truncated());

    let e = parse_session("{\n  \"identity\": {\n    \"name\": ").unwrap_err();
    assert!(e.is_truncated());
    assert_eq!(e.kind(), &ParseErrorKind::Truncated);
    assert_eq!(e.line(), 3);

    let e = parse_session(r#"{"request_id": 7}"#).unwrap_err();
    assert_eq!(
        e.kind(),
        &ParseErrorKind::WrongType {
            found: "integer".into(),
            expected: "a string or null".into()
        }
    );
}

#[test]
fn found_kinds_never_echo_values_even_with_decoy_text() {
    // A value that itself contains ", expected " must not leak into `expected`.
    let e = parse_session(
        r#"{"identity_edit_history": {"name": {"edits_1d": "x, expected Knope 987654321"}}}"#,
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.ends_with("found string, expected a whole number from 0 to 4294967295"),
        "{msg}"
    );
    assert!(
        !msg.contains("Knope") && !msg.contains("987654321"),
        "{msg}"
    );
}

#[test]
fn escaped_strings_parse_into_owned_values() {
    let s = parse_session(
        r#"{"identity": {"name": {"first_name": "Le\u0073lie"}}, "request_id": "r\"1"}"#,
    )
    .unwrap();
    let name = s.identity.unwrap().name.unwrap();
    assert_eq!(name.first_name.as_deref(), Some("Leslie"));
    assert_eq!(s.request_id.as_deref(), Some("r\"1"));
}

#[test]
fn null_counts_and_windows_are_none() {
    let s = parse_session(
        r#"{"identity_edit_history": {"name": {"edits_1d": null, "edits_current": 4}, "official_document": null}}"#,
    )
    .unwrap();
    let h = s.identity_edit_history.unwrap();
    let name = h.name.unwrap();
    assert_eq!(name.edits_1d, None);
    assert_eq!(name.edits_current, Some(4));
    assert_eq!(h.official_document, None);
}

#[test]
fn u32_max_edit_count_is_accepted() {
    let s = parse_session(r#"{"identity_edit_history": {"name": {"edits_all_time": 4294967295}}}"#)
        .unwrap();
    assert_eq!(
        s.identity_edit_history
            .unwrap()
            .name
            .unwrap()
            .edits_all_time,
        Some(u32::MAX)
    );
}

// ---- regressions: each was a bug once ----

#[test]
fn parse_error_paths_never_quote_unknown_keys() {
    for input in [
        r#"{"987-65-4321": [1,}"#,
        r#"{"identity": {"Leslie Knope": {"a": tru}}}"#,
    ] {
        let e = parse_session(input).unwrap_err();
        let msg = e.to_string();
        assert!(
            !msg.contains("987-65-4321") && !msg.contains("Knope"),
            "{msg}"
        );
    }
}

#[test]
fn parse_error_path_is_never_a_placeholder() {
    let e = parse_session(r#"{"a": 1,}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_json");
    assert_eq!(e.path(), None, "{e}");
    assert_eq!(
        e.to_string(),
        "invalid JSON (line 1, column 9): trailing comma"
    );
}

#[test]
fn parse_error_columns_are_one_based() {
    for input in ["", "{\"identity\": {\"ssn\": \"1\n2\"}}"] {
        let e = parse_session(input).unwrap_err();
        assert!(e.column() >= 1, "{input:?}: {e}");
    }
}

#[test]
fn arrays_are_not_objects() {
    for input in ["[]", r#"[null, [], null, "r1"]"#] {
        let e = parse_session(input).err();
        assert_eq!(e.map(|e| e.code()), Some("not_an_object"), "{input}");
    }
    let e = parse_session(r#"{"identity": [null, null, "+14157452130"]}"#).err();
    assert_eq!(e.map(|e| e.code()), Some("wrong_type"));
}

/// An ambiguous envelope is located at the key that makes it so; columns count bytes, as
/// serde_json's do (the accented name is two bytes a letter).
#[test]
fn ambiguous_envelopes_are_located_and_columns_count_bytes() {
    let scorer = super::util::scorer(RuleSet::embedded_default());
    let e = scorer
        .assess(
            b"{\"request_id\": \"r\",\n \"session\": {}}",
            &layer_risk::Context::NONE,
        )
        .unwrap_err();
    assert_eq!(
        (e.code(), e.line(), e.column()),
        ("ambiguous_envelope", 2, 2)
    );
    let e = scorer
        .assess(
            r#"{"applicant": {"name": {"full_name": "Zoë"}}}"#.as_bytes(),
            &layer_risk::Context::NONE,
        )
        .unwrap_err();
    assert_eq!(
        (e.code(), e.line(), e.column()),
        ("ambiguous_envelope", 1, 2)
    );
    let rules = "{\"name\": \"é\", \"version\": \"1\", \"tiers\": {\"identity_match\": 0, \"identity_verification\": 5}, \"findings\": {}}";
    let err = layer_risk::RuleSet::from_json(rules, "r.json").unwrap_err();
    // `"identity_match"` starts at byte 41 (0-based): column 42 in bytes, 41 in characters.
    assert_eq!((err.line(), err.column()), (1, 42), "{err}");
}
