//! Integration tests of layer-risk: one test binary (`cargo test --test lib`), modules in `it/`.
//!
//! Where tests live (the convention, also in the README's "Testing"):
//! - **unit tests** sit in a `#[cfg(test)] mod tests` at the bottom of the module they test,
//!   and test what is private to it (a table's invariants, a helper's edge cases); they may
//!   import only from their own layer and below (`it/layers.rs` reads whole files);
//! - **table tests** (`(input, exact output)` rows) sit beside the unit tests of the module
//!   whose output they pin (`src/matching/table_tests.rs`), or here when the output is public
//!   (`it/parse_errors.rs`: every error message);
//! - **property tests** are named `prop_*`: here when they state a public promise (never a
//!   panic, monotone, deterministic, no PII: `it/props.rs`, `it/pii.rs`), in the module when
//!   they need its private parts (`src/score.rs`, `src/matching/prop_tests.rs`); their
//!   regressions are committed under `proptest-regressions/`;
//! - **integration tests** (this binary) go through the public API and the CLI only, one
//!   module per concern; fixtures are files under `tests/fixtures/`, shared helpers in
//!   `it/util.rs`. A helper never hides a failure (`unwrap` a fixture, never
//!   `unwrap_or_default`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod it;
