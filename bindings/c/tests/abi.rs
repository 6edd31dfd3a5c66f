//! The C ABI called from Rust through its extern functions, as a C caller would: property
//! tests that feed arbitrary bytes to every entry point (no panic, no status outside the
//! documented ones, well-formed results), and a differential check that `lr_assess` and
//! `lr_score_jsonl` agree on every single-line input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use layer_risk_c::*;
use proptest::prelude::*;

const AS_OF: &CStr = c"2026-11-22";

const PARSE_CODES: [&str; 9] = [
    "invalid_utf8",
    "truncated",
    "invalid_json",
    "wrong_type",
    "invalid_value",
    "duplicate_field",
    "not_an_object",
    "ambiguous_envelope",
    "invalid_data",
];

/// A real response from the shipped example export, to mutate.
fn example_lines() -> Vec<Vec<u8>> {
    let text = include_bytes!("../../../examples/export.jsonl");
    text.split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .take(50)
        .map(<[u8]>::to_vec)
        .collect()
}

struct Scorer(*mut LrScorer);

impl Scorer {
    fn new() -> Scorer {
        // SAFETY: the documented call sequence; every pointer is valid.
        unsafe {
            let opts = lr_options_new();
            assert_eq!(
                lr_options_set_as_of(opts, AS_OF.as_ptr(), ptr::null_mut()),
                LR_OK
            );
            let mut s = ptr::null_mut();
            assert_eq!(lr_scorer_new(opts, &mut s, ptr::null_mut()), LR_OK);
            lr_options_free(opts);
            Scorer(s)
        }
    }
}

impl Drop for Scorer {
    fn drop(&mut self) {
        // SAFETY: made by lr_scorer_new, freed once.
        unsafe { lr_scorer_free(self.0) }
    }
}

/// An error's fields, checked well-formed, then freed.
#[derive(Debug)]
struct Err {
    status: i32,
    code: String,
    message: String,
    line: u64,
    column: u64,
    path: Option<String>,
}

/// Take and free an error the library returned.
///
/// # Safety
/// `e` came from an `err` out-parameter.
unsafe fn take_err(e: *mut LrError) -> Err {
    assert!(!e.is_null(), "a failure without an error");
    let s = |p: *const c_char| {
        // SAFETY: NUL-terminated strings owned by the error.
        unsafe { CStr::from_ptr(p) }
            .to_str()
            .expect("UTF-8")
            .to_owned()
    };
    // SAFETY: a live error.
    let r = unsafe { &*e };
    let out = Err {
        status: r.status,
        code: s(r.code),
        message: s(r.message),
        line: r.line,
        column: r.column,
        path: (!r.path.is_null()).then(|| s(r.path)),
    };
    // SAFETY: freed once.
    unsafe { lr_error_free(e) };
    out
}

/// A record's JSON, checked well-formed, then freed.
///
/// # Safety
/// `r` came from lr_assess.
unsafe fn take_record(r: *mut LrRecord) -> String {
    // SAFETY: a live record.
    let rec = unsafe { &*r };
    // Everything the record points to lies in its one block.
    let (lo, hi) = (r as usize, r as usize + rec.size);
    let inside =
        |p: *const u8, len: usize| p.is_null() || (p as usize >= lo && p as usize + len <= hi);
    assert!(rec.size >= std::mem::size_of::<LrRecord>() && rec.size % 8 == 0);
    assert!(inside(rec.json, rec.json_len));
    assert!(inside(rec.request_id.ptr.cast(), rec.request_id.len));
    assert!(inside(
        rec.reasons.cast(),
        rec.reasons_len * std::mem::size_of::<LrReason>()
    ));
    // SAFETY: json_len bytes at json, owned by the record.
    let json = unsafe { std::slice::from_raw_parts(rec.json, rec.json_len) };
    let json = String::from_utf8(json.to_vec()).expect("record is UTF-8");
    assert!(json.starts_with('{') && json.ends_with('}'), "{json}");
    assert!((0..=3).contains(&rec.decision));
    let str_of = |s: &LrStr| {
        // SAFETY: len bytes at ptr, owned by the record.
        let b = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
        std::str::from_utf8(b).expect("UTF-8").to_owned()
    };
    if !rec.request_id.ptr.is_null() {
        let id = str_of(&rec.request_id);
        assert!(json.contains(&format!("\"request_id\":\"{id}\"")), "{json}");
    } else {
        assert!(json.starts_with("{\"request_id\":null"), "{json}");
    }
    if rec.reasons_len > 0 {
        // SAFETY: reasons_len reasons at reasons, owned by the record.
        let reasons = unsafe { std::slice::from_raw_parts(rec.reasons, rec.reasons_len) };
        for r in reasons {
            assert!(
                inside(r.code.ptr.cast(), r.code.len)
                    && inside(r.rule_id.ptr.cast(), r.rule_id.len)
            );
            let (code, id) = (str_of(&r.code), str_of(&r.rule_id));
            assert!(json.contains(&format!("\"code\":\"{code}\"")), "{json}");
            assert!(json.contains(&format!("\"rule_id\":\"{id}\"")), "{json}");
        }
    } else {
        assert!(rec.reasons.is_null());
    }
    // SAFETY: freed once.
    unsafe { lr_record_free(r) };
    json
}

/// lr_assess on `body` (and `applicant`): the record's JSON or the error.
fn assess(s: &Scorer, body: &[u8], applicant: Option<&[u8]>) -> Result<String, Err> {
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    let (ap, al) = applicant.map_or((ptr::null(), 0), |a| (a.as_ptr(), a.len()));
    // SAFETY: valid pointers and lengths.
    let status = unsafe { lr_assess(s.0, body.as_ptr(), body.len(), ap, al, &mut out, &mut err) };
    if status == LR_OK {
        assert!(err.is_null());
        // SAFETY: a fresh record.
        Ok(unsafe { take_record(out) })
    } else {
        assert!(out.is_null(), "out set on failure");
        // SAFETY: a fresh error.
        let e = unsafe { take_err(err) };
        assert_eq!(e.status, status);
        Err(e)
    }
}

/// lr_assess_into with a buffer of `cap` bytes (8-byte aligned): the record's JSON, or the
/// error; a buffer too small gives LR_ERR_BUFFER with the size needed, and a second call
/// with that size succeeds.
fn assess_into(s: &Scorer, body: &[u8], cap: usize) -> Result<String, Err> {
    let mut buf = vec![0u64; cap.div_ceil(8)];
    let mut needed = 0usize;
    let mut err = ptr::null_mut();
    // SAFETY: valid pointers and lengths; buf is 8-byte aligned.
    let status = unsafe {
        lr_assess_into(
            s.0,
            body.as_ptr(),
            body.len(),
            ptr::null(),
            0,
            buf.as_mut_ptr().cast(),
            cap,
            &mut needed,
            &mut err,
        )
    };
    match status {
        LR_OK => {
            let rec = buf.as_ptr().cast::<LrRecord>();
            // SAFETY: the library wrote a record block at the start of buf.
            let r = unsafe { &*rec };
            assert_eq!(r.size, needed);
            assert!(needed <= cap);
            // SAFETY: json_len bytes at json, inside buf.
            let json = unsafe { std::slice::from_raw_parts(r.json, r.json_len) };
            Ok(String::from_utf8(json.to_vec()).expect("UTF-8"))
        }
        LR_ERR_BUFFER => {
            // SAFETY: a fresh error.
            let e = unsafe { take_err(err) };
            assert_eq!(e.code, "buffer_too_small");
            assert!(needed > cap);
            assess_into(s, body, needed)
        }
        _ => {
            // SAFETY: a fresh error.
            Err(unsafe { take_err(err) })
        }
    }
}

/// lr_score_jsonl on `data`.
fn score_jsonl(s: &Scorer, data: &[u8]) -> Result<Vec<u8>, Err> {
    let mut out = LrBytes {
        data: ptr::null_mut(),
        len: 0,
        capacity: 0,
    };
    let mut err = ptr::null_mut();
    // SAFETY: valid pointers and lengths.
    let status = unsafe { lr_score_jsonl(s.0, data.as_ptr(), data.len(), &mut out, &mut err) };
    if status == LR_OK {
        let bytes = if out.data.is_null() {
            Vec::new()
        } else {
            // SAFETY: len bytes at data.
            unsafe { std::slice::from_raw_parts(out.data, out.len) }.to_vec()
        };
        // SAFETY: filled by the library, freed once.
        unsafe { lr_bytes_free(&mut out) };
        assert!(out.data.is_null());
        Ok(bytes)
    } else {
        assert!(out.data.is_null());
        // SAFETY: a fresh error.
        Err(unsafe { take_err(err) })
    }
}

fn check_parse_error(e: &Err) {
    assert_eq!(e.status, LR_ERR_PARSE, "{e:?}");
    assert!(PARSE_CODES.contains(&e.code.as_str()), "{e:?}");
    assert!(e.line >= 1 && e.column >= 1, "{e:?}");
    assert!(!e.message.is_empty());
}

/// Bodies: arbitrary bytes, JSON-ish text, and real responses cut or with a byte changed.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    let lines = example_lines();
    let n = lines.len();
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "[{}\\[\\]\":,0-9a-z_ .\\-]{0,200}".prop_map(String::into_bytes),
        (0..n, any::<prop::sample::Index>()).prop_map({
            let lines = lines.clone();
            move |(i, cut)| {
                let l = &lines[i];
                l[..cut.index(l.len() + 1)].to_vec()
            }
        }),
        (0..n, any::<prop::sample::Index>(), any::<u8>()).prop_map(move |(i, at, b)| {
            let mut l = lines[i].clone();
            let at = at.index(l.len());
            l[at] = b;
            l
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// lr_assess never panics and returns a well-formed record or a parse error; and it
    /// agrees with lr_score_jsonl on the same bytes as a one-line export.
    #[test]
    fn prop_assess_any_bytes(body in bodies()) {
        let s = Scorer::new();
        let got = assess(&s, &body, None);
        if let Err(e) = &got {
            check_parse_error(e);
        }
        prop_assert_eq!(assess_into(&s, &body, 1 << 16).map_err(|e| e.code), got.as_ref().map(Clone::clone).map_err(|e| e.code.clone()));
        // The batch path on the same line, where the line rules do not change the bytes
        // (no newline or CR, no BOM, no gzip magic, not blank).
        let plain = !body.iter().any(|b| matches!(b, b'\n' | b'\r'))
            && !body.starts_with(&[0xef, 0xbb, 0xbf])
            && !body.starts_with(&[0x1f, 0x8b])
            && !body.iter().all(|b| matches!(b, b' ' | b'\t'));
        if plain {
            let batch = score_jsonl(&s, &body).expect("plain input");
            let batch = String::from_utf8(batch).expect("UTF-8");
            match got {
                Ok(json) => prop_assert_eq!(batch, format!("{{\"line\":1,{}\n", &json[1..])),
                Err(e) => {
                    let rec: serde_json::Value = serde_json::from_str(&batch).expect("JSON");
                    prop_assert_eq!(rec["error"]["code"].as_str(), Some(e.code.as_str()));
                    prop_assert_eq!(rec["error"]["column"].as_u64(), Some(e.column));
                    prop_assert_eq!(rec["error"]["path"].as_str(), e.path.as_deref());
                }
            }
        }
    }

    /// An applicant beside a real response: a record or a parse error, never a panic.
    #[test]
    fn prop_assess_any_applicant(applicant in bodies(), i in 0usize..50) {
        let s = Scorer::new();
        let lines = example_lines();
        let body = &lines[i % lines.len()];
        if let Err(e) = assess(&s, body, Some(&applicant)) {
            check_parse_error(&e);
        }
    }

    /// lr_score_jsonl on arbitrary bytes, several lines, and gzip (whole, cut, corrupted):
    /// records or LR_ERR_INPUT, never a panic.
    #[test]
    fn prop_score_jsonl_any_bytes(
        parts in proptest::collection::vec(bodies(), 0..6),
        gzip in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        cut_it in any::<bool>(),
    ) {
        use std::io::Write;
        let s = Scorer::new();
        let mut data = parts.join(&b"\n"[..]);
        if gzip {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&data).expect("in memory");
            data = gz.finish().expect("in memory");
            if cut_it {
                data.truncate(cut.index(data.len()));
            }
        }
        match score_jsonl(&s, &data) {
            Ok(out) => {
                let text = String::from_utf8(out).expect("records are UTF-8");
                for rec in text.lines() {
                    prop_assert!(rec.starts_with("{\"line\":"), "{}", rec);
                }
            }
            Err(e) => {
                prop_assert_eq!(e.status, LR_ERR_INPUT);
                prop_assert_eq!(e.code.as_str(), "io");
            }
        }
    }

    /// Rules text, its name and the date: any bytes give OK or the documented error.
    #[test]
    fn prop_options_any_bytes(
        rules in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            Just(include_bytes!("../../../rules/lending.json").to_vec()),
            (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(at, b)| {
                let mut r = include_bytes!("../../../rules/lending.json").to_vec();
                let at = at.index(r.len());
                r[at] = b;
                r
            }),
        ],
        name in proptest::collection::vec(1u8..=255, 0..20),
        date in "[0-9+\\- ]{0,12}",
    ) {
        // SAFETY: the documented call sequence; valid pointers.
        unsafe {
            let opts = lr_options_new();
            let name_is_utf8 = std::str::from_utf8(&name).is_ok();
            let name = CString::new(name).expect("no NUL");
            let mut err = ptr::null_mut();
            let st = lr_options_set_rules(opts, rules.as_ptr(), rules.len(), name.as_ptr(), &mut err);
            if !name_is_utf8 {
                let e = take_err(err);
                prop_assert_eq!(e.code.as_str(), "invalid_argument");
            } else if st != LR_OK {
                let e = take_err(err);
                prop_assert_eq!(e.status, LR_ERR_RULES);
                prop_assert!(["io", "syntax", "schema", "semantic", "unpriced"].contains(&e.code.as_str()), "{:?}", e);
            }
            let c = CString::new(date.clone()).expect("no NUL");
            let st = lr_options_set_as_of(opts, c.as_ptr(), &mut err);
            let mut s = ptr::null_mut();
            if st == LR_OK {
                prop_assert_eq!(lr_scorer_new(opts, &mut s, ptr::null_mut()), LR_OK);
                prop_assert_eq!(CStr::from_ptr(lr_scorer_as_of(s)).to_str().ok(), Some(date.as_str()));
                lr_scorer_free(s);
            } else {
                let e = take_err(err);
                prop_assert_eq!((e.status, e.code.as_str()), (LR_ERR_ARGUMENT, "invalid_argument"));
                prop_assert!(date.len() < 4 || !e.message.contains(&date), "{:?}", e);
                prop_assert_eq!(lr_scorer_new(opts, &mut s, &mut err), LR_ERR_ARGUMENT);
                prop_assert!(s.is_null());
                take_err(err);
            }
            lr_options_free(opts);
        }
    }
}

#[test]
fn assess_into_small_buffers() {
    let s = Scorer::new();
    for body in example_lines().iter().take(10) {
        let want = assess(&s, body, None).ok();
        for cap in [0, 8, 56, 64, 500, 4096] {
            assert_eq!(assess_into(&s, body, cap).ok(), want);
        }
    }
    // A misaligned buffer is refused.
    let mut buf = vec![0u64; 1024];
    let mut needed = 0;
    let mut err = ptr::null_mut();
    let body = &example_lines()[0];
    // SAFETY: valid pointers; the buffer is misaligned on purpose.
    let st = unsafe {
        lr_assess_into(
            s.0,
            body.as_ptr(),
            body.len(),
            ptr::null(),
            0,
            buf.as_mut_ptr().cast::<u8>().add(1),
            4096,
            &mut needed,
            &mut err,
        )
    };
    assert_eq!(st, LR_ERR_ARGUMENT);
    // SAFETY: a fresh error.
    unsafe { take_err(err) };
}

#[test]
fn versions() {
    assert_eq!(lr_abi_version(), LR_ABI_VERSION);
    // SAFETY: a static NUL-terminated string.
    let v = unsafe { CStr::from_ptr(lr_version()) };
    assert_eq!(v.to_str().ok(), Some(env!("CARGO_PKG_VERSION")));
}

#[test]
fn threads_share_one_scorer() {
    let s = Scorer::new();
    let lines = example_lines();
    let want: Vec<_> = lines.iter().map(|l| assess(&s, l, None).ok()).collect();
    struct Shared<'a>(&'a Scorer);
    // SAFETY: the ABI documents a scorer as safe to share across threads.
    unsafe impl Sync for Shared<'_> {}
    let shared = Shared(&s);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let shared = &shared;
            let (lines, want) = (&lines, &want);
            scope.spawn(move || {
                for _ in 0..5 {
                    for (l, w) in lines.iter().zip(want) {
                        assert_eq!(&assess(shared.0, l, None).ok(), w);
                    }
                }
            });
        }
    });
}

#[test]
fn no_identity_value_reaches_an_error() {
    let s = Scorer::new();
    let ssn = "123-45-6789";
    let bodies = [
        format!(r#"{{"identity": {{"ssn": "{ssn}", "name": {{"first_name": "Leslie""#),
        format!(r#"{{"identity": {{"ssn": {ssn}}}}}"#),
        format!(r#"{{"identity": {{"ssn": "{ssn}"}}, "identity": {{"name": "Knope"}}}}"#),
        format!(r#"{{"identity_edit_history": {{"name": {{"edits_1d": "{ssn}"}}}}}}"#),
        format!(r#"["{ssn}", "Leslie"]"#),
        format!(r#"{{"identity": {{"ssn": "{ssn}"}}}} Knope"#),
    ];
    for body in &bodies {
        let e = assess(&s, body.as_bytes(), None).expect_err(body);
        for secret in [ssn, "123456789", "Leslie", "Knope"] {
            assert!(!e.message.contains(secret), "{}", e.message);
            assert!(!e.path.as_deref().unwrap_or("").contains(secret));
        }
    }
    let e = assess(
        &s,
        b"{}",
        Some(br#"{"name": "Leslie Knope", "ssn": "123-45-6789"}"#),
    )
    .expect_err("applicant");
    assert!(
        !e.message.contains("Leslie") && !e.message.contains("6789"),
        "{}",
        e.message
    );
}
