//! Errors: [`Fail`] inside the crate, [`LrError`] across the boundary.

use std::borrow::Cow;
use std::ffi::{c_char, CString};
use std::ptr;

/// A call succeeded.
pub const LR_OK: i32 = 0;
/// The body (or the applicant) is not a Plaid Layer response: `code` is the core's parse
/// code (`truncated`, `invalid_json`, `invalid_utf8`, `wrong_type`, `invalid_value`,
/// `duplicate_field`, `not_an_object`, `ambiguous_envelope`, `invalid_data`).
pub const LR_ERR_PARSE: i32 = 1;
/// The rules cannot be read or used: `code` is `io`, `syntax`, `schema`, `semantic` or
/// `unpriced`; `line` and `column` point into the rules file, `path` at the field.
pub const LR_ERR_RULES: i32 = 2;
/// A bad argument (a NULL pointer with a length, a date that is not `YYYY-MM-DD`, no
/// evaluation date): `code` is `invalid_argument`.
pub const LR_ERR_ARGUMENT: i32 = 3;
/// The input of `lr_score_jsonl` cannot be read (a corrupt or cut gzip stream): `code` is
/// `io`.
pub const LR_ERR_INPUT: i32 = 4;
/// The caller's buffer is too small for the record ([`lr_assess_into`](crate::lr_assess_into)):
/// `code` is `buffer_too_small`, and the size needed was written to `*needed`.
pub const LR_ERR_BUFFER: i32 = 6;
/// A bug: the library panicked. The panic was caught at the boundary; `code` is `panic`.
/// The scorer is still usable (it is never changed by a call).
pub const LR_ERR_PANIC: i32 = 5;

/// The status families, one per `LR_ERR_*` constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Parse,
    Rules,
    Argument,
    Input,
    Buffer,
    Panic,
}

impl Status {
    pub(crate) fn number(self) -> i32 {
        match self {
            Status::Parse => LR_ERR_PARSE,
            Status::Rules => LR_ERR_RULES,
            Status::Argument => LR_ERR_ARGUMENT,
            Status::Input => LR_ERR_INPUT,
            Status::Buffer => LR_ERR_BUFFER,
            Status::Panic => LR_ERR_PANIC,
        }
    }
}

/// Why a call failed, before it crosses the boundary.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: Status,
    pub(crate) code: Cow<'static, str>,
    pub(crate) message: String,
    pub(crate) line: u64,
    pub(crate) column: u64,
    pub(crate) path: Option<String>,
    /// The decision id of the input that failed, when the ABI can give the CLI's.
    pub(crate) decision_id: Option<String>,
}

impl Fail {
    /// A failure with no position.
    pub(crate) fn new(status: Status, code: &'static str, message: impl Into<String>) -> Fail {
        Fail {
            status,
            code: Cow::Borrowed(code),
            message: message.into(),
            line: 0,
            column: 0,
            path: None,
            decision_id: None,
        }
    }

    /// A bad argument. The message names the argument and what was expected, never the
    /// value.
    pub(crate) fn argument(message: &'static str) -> Fail {
        Fail::new(Status::Argument, "invalid_argument", message)
    }

    /// A caught panic. Its payload is not shown: it could hold anything.
    pub(crate) fn panic() -> Fail {
        Fail::new(
            Status::Panic,
            "panic",
            "internal error: layer-risk panicked (a bug; please report it)",
        )
    }
}

/// Why a call failed: allocated by the library, owned by the caller, freed with
/// `lr_error_free`. Every string is UTF-8 and NUL-terminated; no message ever quotes a
/// value from a response or an applicant (rules errors quote the rules file's keys).
///
/// Fields may be added at the end in a later ABI version; never allocate one yourself.
#[repr(C)]
pub struct LrError {
    /// The family: one of the `LR_ERR_*` constants.
    pub status: i32,
    /// A stable, machine-readable code (see the `LR_ERR_*` constants).
    pub code: *const c_char,
    /// A message for people, with the position when there is one.
    pub message: *const c_char,
    /// 1-based line in the parsed text or rules file; 0 when there is none.
    pub line: u64,
    /// 1-based column (in bytes) on that line; 0 when there is none.
    pub column: u64,
    /// The field path (`identity.name.first_name`, `edit_rules[2].window`), or NULL.
    pub path: *const c_char,
    /// For a parse error of `lr_assess` / `lr_assess_into` without an applicant (or of
    /// `lr_assess_ctx` with no part set): the decision id (32 lower-case hex digits) of the
    /// error record `layer-risk score` writes for the same line. NULL otherwise. Added in
    /// ABI 1 after the first release: read it only from a library whose header has it.
    pub decision_id: *const c_char,
}

/// A NUL-terminated copy of `s`; an interior NUL (possible only in a rules file's key)
/// becomes U+FFFD rather than cutting the text short.
fn c_string(s: &str) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(_) => CString::new(s.replace('\0', "\u{fffd}")).unwrap_or_default(),
    }
}

impl LrError {
    /// The boxed error for `fail`.
    pub(crate) fn boxed(fail: Fail) -> *mut LrError {
        let path = fail
            .path
            .as_deref()
            .map_or(ptr::null(), |p| c_string(p).into_raw().cast_const());
        let decision_id = fail
            .decision_id
            .as_deref()
            .map_or(ptr::null(), |p| c_string(p).into_raw().cast_const());
        Box::into_raw(Box::new(LrError {
            status: fail.status.number(),
            code: c_string(&fail.code).into_raw(),
            message: c_string(&fail.message).into_raw(),
            line: fail.line,
            column: fail.column,
            path,
            decision_id,
        }))
    }

    /// Free an error made by [`LrError::boxed`].
    ///
    /// # Safety
    /// `e` is NULL or came from [`LrError::boxed`] and was not freed.
    pub(crate) unsafe fn free(e: *mut LrError) {
        if e.is_null() {
            return;
        }
        // SAFETY: `e` came from Box::into_raw in `boxed` (the caller's contract).
        let e = unsafe { Box::from_raw(e) };
        for s in [e.code, e.message, e.path, e.decision_id] {
            if !s.is_null() {
                // SAFETY: each non-NULL string came from CString::into_raw in `boxed`.
                drop(unsafe { CString::from_raw(s.cast_mut()) });
            }
        }
    }
}
