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
    decision_id: Option<String>,
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
        decision_id: (!r.decision_id.is_null()).then(|| s(r.decision_id)),
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
    // The decision id: 32 hex digits inside the block, the record's own.
    assert!(inside(rec.decision_id.ptr.cast(), rec.decision_id.len));
    let id = str_of(&rec.decision_id);
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert!(
        json.contains(&format!("\"decision_id\":\"{id}\"")),
        "{json}"
    );
    assert!((0..=2).contains(&rec.arm));
    assert_eq!(rec.arm != LR_ARM_NONE, json.contains("\"arm\":"), "{json}");
    if rec.shadow_decision == LR_DECISION_NONE {
        assert!(rec.shadow_decision_id.ptr.is_null() && !json.contains("\"shadow\":"));
    } else {
        assert!((0..=3).contains(&rec.shadow_decision));
        assert!(inside(
            rec.shadow_decision_id.ptr.cast(),
            rec.shadow_decision_id.len
        ));
        let sid = str_of(&rec.shadow_decision_id);
        assert!(
            json.contains(&format!("\"shadow\":{{\"decision_id\":\"{sid}\"")),
            "{json}"
        );
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
                    prop_assert_eq!(rec["decision_id"].as_str(), e.decision_id.as_deref());
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

// ---- Context parts, shadow and rollout, reload ----

const SIGNALS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/signals/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SIGNALS}{name}")).expect("fixture")
}

fn rules_path(name: &str) -> CString {
    CString::new(format!(
        "{}/../../rules/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("no NUL")
}

impl Scorer {
    /// A scorer from options that `set` fills beside the date.
    fn with(set: impl FnOnce(*mut LrOptions)) -> Scorer {
        // SAFETY: the documented call sequence; every pointer is valid.
        unsafe {
            let opts = lr_options_new();
            set(opts);
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

/// An LrContext, freed on drop.
struct Ctx(*mut LrContext);

impl Ctx {
    fn new() -> Ctx {
        Ctx(lr_context_new())
    }

    /// Set (Some) or remove (None) a part: the status, the error freed.
    fn set(&self, part: i32, data: Option<&[u8]>) -> Result<(), Err> {
        let (p, l) = data.map_or((ptr::null(), 0), |d| (d.as_ptr(), d.len()));
        let mut err = ptr::null_mut();
        // SAFETY: a live context, valid pointers.
        let st = unsafe { lr_context_set(self.0, part, p, l, &mut err) };
        if st == LR_OK {
            assert!(err.is_null());
            Ok(())
        } else {
            // SAFETY: a fresh error.
            Err(unsafe { take_err(err) })
        }
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: made by lr_context_new, freed once.
        unsafe { lr_context_free(self.0) }
    }
}

/// lr_assess_ctx, checked equal to lr_assess_ctx_into.
fn assess_ctx(s: &Scorer, body: &[u8], ctx: &Ctx) -> Result<String, Err> {
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: valid pointers and lengths.
    let st = unsafe { lr_assess_ctx(s.0, body.as_ptr(), body.len(), ctx.0, &mut out, &mut err) };
    let got = if st == LR_OK {
        // SAFETY: a fresh record.
        Ok(unsafe { take_record(out) })
    } else {
        assert!(out.is_null());
        // SAFETY: a fresh error.
        Err(unsafe { take_err(err) })
    };
    let mut buf = vec![0u64; 8192];
    let mut needed = 0usize;
    let mut err = ptr::null_mut();
    // SAFETY: valid pointers; buf is 8-byte aligned and 64 KiB.
    let st = unsafe {
        lr_assess_ctx_into(
            s.0,
            body.as_ptr(),
            body.len(),
            ctx.0,
            buf.as_mut_ptr().cast(),
            buf.len() * 8,
            &mut needed,
            &mut err,
        )
    };
    match (&got, st) {
        (Ok(json), LR_OK) => {
            // SAFETY: the library wrote a record block at the start of buf.
            let r = unsafe { &*buf.as_ptr().cast::<LrRecord>() };
            // SAFETY: json_len bytes at json, inside buf.
            let into = unsafe { std::slice::from_raw_parts(r.json, r.json_len) };
            assert_eq!(into, json.as_bytes());
        }
        (Err(e), st) => {
            assert_eq!(e.status, st);
            // SAFETY: a fresh error.
            let e2 = unsafe { take_err(err) };
            assert_eq!((e2.code.as_str(), e2.column), (e.code.as_str(), e.column));
        }
        (Ok(_), st) => panic!("lr_assess_ctx_into: status {st}"),
    }
    got
}

/// A record's JSON without its decision ids (the context apart and the envelope are other
/// input bytes, so other ids).
fn without_ids(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    v.as_object_mut().expect("object").remove("decision_id");
    if let Some(s) = v.get_mut("shadow").and_then(|s| s.as_object_mut()) {
        s.remove("decision_id");
    }
    v
}

/// The envelope line that carries `parts` (raw JSON bytes each) beside the session `body`.
fn envelope(body: &[u8], parts: &[Option<Vec<u8>>; 4], key: Option<&str>) -> Vec<u8> {
    let mut e = b"{\"session\": ".to_vec();
    e.extend_from_slice(body);
    if let Some(a) = &parts[0] {
        e.extend_from_slice(b", \"applicant\": ");
        e.extend_from_slice(a);
    }
    let names = ["protect", "identity_match", "identity_verification"];
    let signals: Vec<_> = (1..4).filter(|i| parts[*i].is_some()).collect();
    if !signals.is_empty() {
        e.extend_from_slice(b", \"signals\": {");
        for (n, i) in signals.iter().enumerate() {
            if n > 0 {
                e.extend_from_slice(b", ");
            }
            e.extend_from_slice(format!("\"{}\": ", names[*i - 1]).as_bytes());
            e.extend_from_slice(parts[*i].as_deref().unwrap_or_default());
        }
        e.push(b'}');
    }
    if let Some(k) = key {
        e.extend_from_slice(b", \"rollout_key\": ");
        e.extend_from_slice(serde_json::to_string(k).expect("a string").as_bytes());
    }
    e.push(b'}');
    e
}

/// A context part: a real Plaid body of its kind (whole, cut, or with a byte changed), or
/// arbitrary bytes, or absent.
fn part(kind: &'static str) -> impl Strategy<Value = Option<Vec<u8>>> {
    let real = fixture(kind);
    let n = real.len();
    prop_oneof![
        Just(None),
        Just(Some(real.clone())),
        (0..=n).prop_map({
            let real = real.clone();
            move |cut| Some(real[..cut].to_vec())
        }),
        (0..n, any::<u8>()).prop_map(move |(at, b)| {
            let mut r = real.clone();
            r[at] = b;
            Some(r)
        }),
        bodies().prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every context part fed arbitrary or mutated bytes: a record or a parse error located
    /// under the part (never a panic), lr_assess_ctx equal to its _into variant, and, when
    /// every part given is JSON, the envelope's decision apart from the ids.
    #[test]
    fn prop_context_parts_any_bytes(
        i in 0usize..50,
        applicant in prop_oneof![Just(None), bodies().prop_map(Some), Just(Some(br#"{"name": {"full_name": "Leslie Knope"}, "date_of_birth": "1975-01-18"}"#.to_vec()))],
        protect in part("protect.json"),
        identity_match in part("identity_match.json"),
        identity_verification in part("identity_verification.json"),
        key in prop_oneof![Just(None), proptest::collection::vec(any::<u8>(), 0..24).prop_map(Some), "user-[0-9]{1,4}".prop_map(|k| Some(k.into_bytes()))],
    ) {
        let s = Scorer::with(|o| {
            // SAFETY: valid options and path.
            unsafe { assert_eq!(lr_options_set_rollout_rules_file(o, rules_path("payments").as_ptr(), 0.5, ptr::null_mut()), LR_OK) };
        });
        let lines = example_lines();
        let body = &lines[i % lines.len()];
        let ctx = Ctx::new();
        let parts = [applicant, protect, identity_match, identity_verification];
        for (n, p) in parts.iter().enumerate() {
            prop_assert!(ctx.set(n as i32, p.as_deref()).is_ok());
        }
        let key = match &key {
            None => None,
            Some(k) => match (ctx.set(LR_PART_ROLLOUT_KEY, Some(k)), std::str::from_utf8(k)) {
                (Ok(()), Ok(text)) => Some(text.to_owned()),
                (Err(e), Err(_)) => {
                    prop_assert_eq!((e.status, e.code.as_str()), (LR_ERR_ARGUMENT, "invalid_argument"));
                    None
                }
                (got, _) => { prop_assert!(false, "rollout key {:?}: {:?}", k, got.err()); None }
            },
        };
        match assess_ctx(&s, body, &ctx) {
            Err(e) => {
                check_parse_error(&e);
                prop_assert!(e.decision_id.is_none());
                let path = e.path.clone().unwrap_or_default();
                prop_assert!(["applicant", "signals.protect", "signals.identity_match", "signals.identity_verification"]
                    .iter().any(|p| path.starts_with(p)), "{:?}", e);
            }
            Ok(json) => {
                let all_json = parts.iter().flatten().all(|p| serde_json::from_slice::<serde_json::Value>(p).is_ok());
                if all_json {
                    let line = envelope(body, &parts, key.as_deref());
                    let env = assess(&s, &line, None);
                    prop_assert!(env.is_ok(), "the envelope fails: {:?}", env.err());
                    prop_assert_eq!(without_ids(&json), without_ids(&env.unwrap_or_default()));
                }
            }
        }
        // Cleared, the context adds nothing: the body's own decision.
        // SAFETY: a live context.
        prop_assert_eq!(unsafe { lr_context_clear(ctx.0, ptr::null_mut()) }, LR_OK);
        prop_assert_eq!(assess_ctx(&s, body, &ctx).ok(), assess(&s, body, None).ok());
    }
}

#[test]
fn signals_apart_equal_the_envelope_and_errors_quote_nothing() {
    let s = Scorer::with(|o| {
        // SAFETY: valid options and path.
        unsafe {
            assert_eq!(
                lr_options_set_shadow_rules_file(
                    o,
                    rules_path("lending").as_ptr(),
                    ptr::null_mut()
                ),
                LR_OK
            )
        };
    });
    let session = fixture("session.json");
    let parts = [
        None,
        Some(fixture("protect.json")),
        Some(fixture("identity_match.json")),
        Some(fixture("identity_verification.json")),
    ];
    let ctx = Ctx::new();
    for (n, p) in parts.iter().enumerate() {
        ctx.set(n as i32, p.as_deref()).expect("set");
    }
    ctx.set(LR_PART_ROLLOUT_KEY, Some(b"user-42")).expect("set");
    let apart = assess_ctx(&s, &session, &ctx).expect("decided");
    let line = envelope(&session, &parts, Some("user-42"));
    let whole = assess(&s, &line, None).expect("decided");
    assert_eq!(without_ids(&apart), without_ids(&whole));
    assert_ne!(apart, whole, "the ids cover the bytes as given");
    assert!(
        apart.contains("\"signal\":") && apart.contains("\"shadow\":{"),
        "{apart}"
    );
    // A part given both ways is ambiguous.
    let e = assess_ctx(&s, &line, &ctx).expect_err("ambiguous");
    assert_eq!(e.code, "ambiguous_envelope");

    // An Identity Match body whose score is a name and an SSN: located, quoting nothing.
    let mut m: serde_json::Value =
        serde_json::from_slice(&fixture("identity_match.json")).expect("JSON");
    m["accounts"][0]["legal_name"]["score"] = serde_json::json!("Leslie Knope 524781963");
    let ctx = Ctx::new();
    ctx.set(
        LR_PART_IDENTITY_MATCH,
        Some(&serde_json::to_vec(&m).expect("JSON")),
    )
    .expect("set");
    let e = assess_ctx(&s, &session, &ctx).expect_err("a string score");
    assert_eq!(e.status, LR_ERR_PARSE);
    assert_eq!(
        e.path.as_deref(),
        Some("signals.identity_match.accounts[0].legal_name.score")
    );
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("identity_verification.json")).expect("JSON");
    v["status"] = serde_json::json!(["Leslie", "leslie@knope.com", "1975-01-18"]);
    ctx.set(LR_PART_IDENTITY_MATCH, None).expect("removed");
    ctx.set(
        LR_PART_IDENTITY_VERIFICATION,
        Some(&serde_json::to_vec(&v).expect("JSON")),
    )
    .expect("set");
    let e2 = assess_ctx(&s, &session, &ctx).expect_err("a list for a status");
    assert!(
        e2.path
            .as_deref()
            .unwrap_or("")
            .starts_with("signals.identity_verification"),
        "{e2:?}"
    );
    for e in [e, e2] {
        for secret in [
            "Leslie",
            "Knope",
            "524781963",
            "leslie@knope.com",
            "1975-01-18",
        ] {
            assert!(!e.message.contains(secret), "{}", e.message);
        }
    }
    // An unknown part and a key that is not UTF-8 are refused at set.
    let e = ctx
        .set(LR_PART_COUNT, Some(b"{}"))
        .expect_err("unknown part");
    assert_eq!(e.status, LR_ERR_ARGUMENT);
    let e = ctx.set(-1, None).expect_err("unknown part");
    assert_eq!(e.status, LR_ERR_ARGUMENT);
    let e = ctx
        .set(LR_PART_ROLLOUT_KEY, Some(b"\xff"))
        .expect_err("not UTF-8");
    assert_eq!(e.status, LR_ERR_ARGUMENT);
}

#[test]
fn manual_review_round_trips() {
    let s = Scorer::new();
    let body = br#"{"identity": null, "request_id": "r1", "idv_session_status": "pending_review"}"#;
    let mut out = ptr::null_mut();
    // SAFETY: valid pointers.
    let st = unsafe {
        lr_assess(
            s.0,
            body.as_ptr(),
            body.len(),
            ptr::null(),
            0,
            &mut out,
            ptr::null_mut(),
        )
    };
    assert_eq!(st, LR_OK);
    // SAFETY: a fresh record.
    assert_eq!(unsafe { (*out).decision }, LR_DECISION_MANUAL_REVIEW);
    // SAFETY: a fresh record, freed once.
    let json = unsafe { take_record(out) };
    assert!(json.contains("\"decision\":\"manual_review\""), "{json}");
}

#[test]
fn shadow_and_rollout_options() {
    // SAFETY: the documented call sequence; valid pointers.
    unsafe {
        let shadow = Scorer::with(|o| {
            assert_eq!(
                lr_options_set_shadow_rules_file(
                    o,
                    rules_path("lending").as_ptr(),
                    ptr::null_mut()
                ),
                LR_OK
            );
        });
        assert_eq!(lr_scorer_challenger_mode(shadow.0), LR_CHALLENGER_SHADOW);
        assert_eq!(
            CStr::from_ptr(lr_scorer_challenger_name(shadow.0)).to_str(),
            Ok("lending")
        );
        assert_eq!(
            CStr::from_ptr(lr_scorer_challenger_sha256(shadow.0))
                .to_bytes()
                .len(),
            64
        );
        assert_eq!(lr_scorer_rollout_share(shadow.0), -1.0);
        let body = &example_lines()[0];
        let json = assess(&shadow, body, None).expect("decided");
        assert!(json.contains("\"shadow\":{\"decision_id\":\""), "{json}");

        let text = include_bytes!("../../../rules/payments.json");
        let rollout = Scorer::with(|o| {
            assert_eq!(
                lr_options_set_rollout_rules(
                    o,
                    text.as_ptr(),
                    text.len(),
                    c"payments.json".as_ptr(),
                    0.3,
                    ptr::null_mut()
                ),
                LR_OK
            );
        });
        assert_eq!(lr_scorer_challenger_mode(rollout.0), LR_CHALLENGER_ROLLOUT);
        assert_eq!(lr_scorer_rollout_share(rollout.0), 0.3);
        let (mut control, mut challenger) = (0, 0);
        for k in 0..200 {
            let ctx = Ctx::new();
            ctx.set(LR_PART_ROLLOUT_KEY, Some(format!("user-{k}").as_bytes()))
                .expect("set");
            let mut out = ptr::null_mut();
            assert_eq!(
                lr_assess_ctx(
                    rollout.0,
                    body.as_ptr(),
                    body.len(),
                    ctx.0,
                    &mut out,
                    ptr::null_mut()
                ),
                LR_OK
            );
            match (*out).arm {
                LR_ARM_CONTROL => control += 1,
                LR_ARM_CHALLENGER => challenger += 1,
                a => panic!("arm {a}"),
            }
            assert_ne!((*out).shadow_decision, LR_DECISION_NONE);
            take_record(out);
        }
        assert!(control > 100 && challenger > 30, "{control} {challenger}");
        // Without a key: the control arm.
        let mut out = ptr::null_mut();
        assert_eq!(
            lr_assess(
                rollout.0,
                body.as_ptr(),
                body.len(),
                ptr::null(),
                0,
                &mut out,
                ptr::null_mut()
            ),
            LR_OK
        );
        assert_eq!((*out).arm, LR_ARM_CONTROL);
        take_record(out);

        // Bad shares and broken files leave the options as they were.
        let opts = lr_options_new();
        let mut err = ptr::null_mut();
        for share in [f64::NAN, -0.1, 1.5, f64::INFINITY] {
            assert_eq!(
                lr_options_set_rollout_rules(
                    opts,
                    text.as_ptr(),
                    text.len(),
                    ptr::null(),
                    share,
                    &mut err
                ),
                LR_ERR_ARGUMENT
            );
            take_err(err);
        }
        assert_eq!(
            lr_options_set_shadow_rules(opts, b"{".as_ptr(), 1, c"s.json".as_ptr(), &mut err),
            LR_ERR_RULES
        );
        let e = take_err(err);
        assert!(e.message.starts_with("s.json:1:"), "{e:?}");
        assert_eq!(
            lr_options_set_rollout_rules_file(opts, c"/nonexistent.json".as_ptr(), 0.5, &mut err),
            LR_ERR_RULES
        );
        assert_eq!(take_err(err).code, "io");
        lr_options_set_as_of(opts, AS_OF.as_ptr(), ptr::null_mut());
        let mut s = ptr::null_mut();
        assert_eq!(lr_scorer_new(opts, &mut s, ptr::null_mut()), LR_OK);
        assert_eq!(lr_scorer_challenger_mode(s), LR_CHALLENGER_NONE);
        assert_eq!(CStr::from_ptr(lr_scorer_challenger_name(s)).to_bytes(), b"");
        lr_scorer_free(s);
        assert_eq!(
            lr_options_set_shadow_rules(
                opts,
                text.as_ptr(),
                text.len(),
                ptr::null(),
                ptr::null_mut()
            ),
            LR_OK
        );
        assert_eq!(lr_options_clear_challenger(opts, ptr::null_mut()), LR_OK);
        assert_eq!(lr_scorer_new(opts, &mut s, ptr::null_mut()), LR_OK);
        assert_eq!(lr_scorer_challenger_mode(s), LR_CHALLENGER_NONE);
        lr_scorer_free(s);
        lr_options_free(opts);
    }
}

#[test]
fn references_and_live_reload_under_threads() {
    struct Live(*mut LrLive);
    // SAFETY: the ABI documents a live handle as safe to share across threads.
    unsafe impl Sync for Live {}
    // SAFETY: as above.
    unsafe impl Send for Live {}
    let base = Scorer::new();
    // SAFETY: the documented call sequence; valid pointers.
    unsafe {
        // A retained reference is the same scorer, released on its own.
        let again = lr_scorer_retain(base.0);
        assert_eq!(again, base.0);
        lr_scorer_free(again);
        assert!(lr_scorer_retain(ptr::null()).is_null());
    }
    let lending = Scorer::with(|o| {
        // SAFETY: valid options and path.
        unsafe {
            assert_eq!(
                lr_options_set_rules_file(o, rules_path("lending").as_ptr(), ptr::null_mut()),
                LR_OK
            )
        };
    });
    let lines = example_lines();
    let want = |s: &Scorer| -> Vec<String> {
        lines
            .iter()
            .map(|l| assess(s, l, None).expect("decided"))
            .collect()
    };
    let (by_default, by_lending) = (want(&base), want(&lending));
    let mut live = ptr::null_mut();
    // SAFETY: a live scorer; the handle takes its own reference.
    let st = unsafe { lr_live_new(base.0, &mut live, ptr::null_mut()) };
    assert_eq!(st, LR_OK);
    let live = Live(live);
    drop(base); // the handle's reference keeps it
    let stop = std::sync::atomic::AtomicBool::new(false);
    let seen = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for t in 0..3 {
            let (live, stop, seen) = (&live, &stop, &seen);
            let (lines, by_default, by_lending) = (&lines, &by_default, &by_lending);
            scope.spawn(move || {
                let mut i = t;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // SAFETY: a live handle; the reference is released below.
                    let s = Scorer(unsafe { lr_live_current(live.0) });
                    // SAFETY: a live reference.
                    let name = unsafe { CStr::from_ptr(lr_scorer_rules_name(s.0)) }
                        .to_str()
                        .expect("UTF-8")
                        .to_owned();
                    let got = assess(&s, &lines[i % lines.len()], None).expect("decided");
                    let want = if name == "lending" {
                        by_lending
                    } else {
                        by_default
                    };
                    assert_eq!(
                        got,
                        want[i % lines.len()],
                        "decided by {name}: a whole rule set"
                    );
                    i += 3;
                    seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        let (l, d) = (rules_path("lending"), rules_path("default"));
        for round in 0..200 {
            // SAFETY: a live handle, valid paths and text.
            unsafe {
                let path = if round % 2 == 0 { &l } else { &d };
                assert_eq!(
                    lr_live_reload_rules_file(live.0, path.as_ptr(), ptr::null_mut()),
                    LR_OK
                );
                let mut err = ptr::null_mut();
                let broken = b"{\"name\": \"broken\",";
                assert_eq!(
                    lr_live_reload_rules(
                        live.0,
                        broken.as_ptr(),
                        broken.len(),
                        c"broken.json".as_ptr(),
                        &mut err
                    ),
                    LR_ERR_RULES
                );
                assert_eq!(take_err(err).code, "syntax");
                let s = Scorer(lr_live_current(live.0));
                let name = CStr::from_ptr(lr_scorer_rules_name(s.0));
                assert_eq!(
                    name.to_str(),
                    Ok(if round % 2 == 0 { "lending" } else { "default" }),
                    "a broken file is never live"
                );
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert!(seen.load(std::sync::atomic::Ordering::Relaxed) > 0);
    // SAFETY: a live handle; bad dates refused, a good one moves the date and keeps the rules.
    unsafe {
        let mut err = ptr::null_mut();
        assert_eq!(
            lr_live_set_as_of(live.0, c"2026-02-30".as_ptr(), &mut err),
            LR_ERR_ARGUMENT
        );
        take_err(err);
        assert_eq!(
            lr_live_set_as_of(live.0, c"2027-01-02".as_ptr(), ptr::null_mut()),
            LR_OK
        );
        let s = Scorer(lr_live_current(live.0));
        assert_eq!(
            CStr::from_ptr(lr_scorer_as_of(s.0)).to_str(),
            Ok("2027-01-02")
        );
        assert_eq!(
            CStr::from_ptr(lr_scorer_rules_name(s.0)).to_str(),
            Ok("default")
        );
        // Replace with another scorer: the caller keeps its reference.
        assert_eq!(lr_live_replace(live.0, lending.0, ptr::null_mut()), LR_OK);
        let s2 = Scorer(lr_live_current(live.0));
        assert_eq!(s2.0, lending.0);
        assert_eq!(
            lr_live_replace(ptr::null(), lending.0, &mut err),
            LR_ERR_ARGUMENT
        );
        take_err(err);
        assert!(lr_live_current(ptr::null()).is_null());
        lr_live_free(live.0);
        lr_live_free(ptr::null_mut());
        // References taken before the handle was freed stay valid.
        assert!(assess(&s, &lines[0], None).is_ok() && assess(&s2, &lines[0], None).is_ok());
    }
}
