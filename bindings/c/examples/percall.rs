//! The per-call cost of the core and of the C ABI on the same lines, the baseline of every
//! binding's "overhead beyond the core" (bindings/*/README.md, "Performance"):
//!
//! ```sh
//! dir=$(bash bindings/c/bench/lines.sh)
//! cargo run --release --locked -p layer-risk-c --example percall -- "$dir/bare.json" "$dir/envelope.json"
//! ```
//!
//! For each file (one response body): the core's `Scorer::assess` + `write_record` (what one
//! decision costs in Rust), `lr_assess` + `lr_record_free` and `lr_assess_into` through the
//! extern functions.
//! Best of RUNS (default 7) rounds of 20,000 calls, the two taking turns.

use std::ffi::CStr;
use std::ptr;
use std::time::Instant;

use layer_risk::{Context, RuleSet, Scorer};
use layer_risk_c::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // PERCALL_THREAD=other: warm the core on this thread, then time everything on another
    // one, as a server's worker threads call it (the regex crate gives the first thread that
    // uses a regex a faster path to its caches than every other thread).
    if std::env::var("PERCALL_THREAD").as_deref() == Ok("other") {
        for path in std::env::args().skip(1) {
            let body = std::fs::read(&path)?;
            let as_of = layer_risk::parse_date("2026-11-22").ok_or("date")?;
            let warm = Scorer::new(RuleSet::embedded_default().clone(), as_of);
            let _ = warm.assess(body.strip_suffix(b"\n").unwrap_or(&body), &Context::NONE);
        }
        println!("(timed on a thread other than the first to use the core)");
        return std::thread::spawn(run)
            .join()
            .map_err(|_| "the timing thread panicked")?
            .map_err(|e| e.to_string().into());
    }
    run().map_err(|e| e.to_string().into())
}

fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    let n = 20_000;
    let as_of = layer_risk::parse_date("2026-11-22").ok_or("date")?;
    let core = Scorer::new(RuleSet::embedded_default().clone(), as_of);
    // SAFETY: the documented call sequence.
    let abi = unsafe {
        let opts = lr_options_new();
        lr_options_set_as_of(opts, c"2026-11-22".as_ptr(), ptr::null_mut());
        let mut s = ptr::null_mut();
        lr_scorer_new(opts, &mut s, ptr::null_mut());
        lr_options_free(opts);
        s
    };
    // SAFETY: a static string.
    let version = unsafe { CStr::from_ptr(lr_version()) }.to_string_lossy();
    println!(
        "layer-risk {version}, C ABI {}; microseconds per call, best of {runs} rounds of {n}",
        lr_abi_version()
    );
    for path in std::env::args().skip(1) {
        let body = std::fs::read(&path)?;
        let body = body.strip_suffix(b"\n").unwrap_or(&body);
        let (mut best_core, mut best_abi, mut best_into) = (f64::MAX, f64::MAX, f64::MAX);
        let mut buf = vec![0u64; 8192];
        let mut needed = 0usize;
        let mut out = Vec::with_capacity(2048);
        for _ in 0..runs + 1 {
            let t = Instant::now();
            for _ in 0..n {
                out.clear();
                let d = core.assess(body, &Context::NONE)?;
                core.write_record(&d, None, &mut out);
            }
            best_core = best_core.min(t.elapsed().as_secs_f64() * 1e6 / n as f64);
            let t = Instant::now();
            for _ in 0..n {
                let mut rec = ptr::null_mut();
                // SAFETY: valid scorer, body and out-parameter.
                unsafe {
                    lr_assess(
                        abi,
                        body.as_ptr(),
                        body.len(),
                        ptr::null(),
                        0,
                        &mut rec,
                        ptr::null_mut(),
                    );
                    lr_record_free(rec);
                }
            }
            best_abi = best_abi.min(t.elapsed().as_secs_f64() * 1e6 / n as f64);
            let t = Instant::now();
            for _ in 0..n {
                // SAFETY: valid scorer, body, 8-byte aligned buffer and out-parameters.
                unsafe {
                    lr_assess_into(
                        abi,
                        body.as_ptr(),
                        body.len(),
                        ptr::null(),
                        0,
                        buf.as_mut_ptr().cast(),
                        buf.len() * 8,
                        &mut needed,
                        ptr::null_mut(),
                    );
                }
            }
            best_into = best_into.min(t.elapsed().as_secs_f64() * 1e6 / n as f64);
        }
        println!("{path} ({} bytes):", body.len());
        println!("  core: Scorer::assess + write_record   {best_core:6.2}");
        println!(
            "  C ABI: lr_assess + lr_record_free     {best_abi:6.2}  ({:+.2} over the core)",
            best_abi - best_core
        );
        println!(
            "  C ABI: lr_assess_into                 {best_into:6.2}  ({:+.2} over the core)",
            best_into - best_core
        );
    }
    // SAFETY: made above, freed once.
    unsafe { lr_scorer_free(abi) };
    Ok(())
}
