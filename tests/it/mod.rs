//! Integration test modules.

mod batch;
mod cli;
mod decisions;
mod findings;
mod parse_errors;
mod pii;
mod props;
mod rules_errors;
mod seeds;
pub mod util;
