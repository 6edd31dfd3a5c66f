//! Integration test modules.

#[cfg(feature = "cli")]
mod batch;
mod benign;
#[cfg(feature = "cli")]
mod cli;
mod contract;
mod decisions;
mod findings;
mod fuzz_corpus;
mod layers;
#[cfg(feature = "cli")]
mod link;
mod parse_errors;
mod pii;
mod props;
mod reload;
mod rules_errors;
mod rules_test;
mod seeds;
mod semantics;
#[cfg(feature = "cli")]
mod shadow;
mod signals;
#[cfg(feature = "cli")]
mod sweep;
pub mod util;
