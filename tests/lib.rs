//! Integration tests of layer-risk: one test binary (`cargo test --test lib`), modules in `it/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod it;
