//! The parse-only pass that `score`'s throughput is measured against: read each line,
//! deserialize it into the typed borrowed model, write one small record. Same batch engine,
//! one thread.
//!
//! Run: `cargo run --release --example parse_only -- export.jsonl > /dev/null`
//! (prints lines/s to stderr).

use std::io::{self, Write};
use std::time::Instant;

use layer_risk::batch::{self, Merge};

#[derive(Default)]
struct Count(u64);

impl Merge for Count {
    fn merge(&mut self, later: Self) {
        self.0 += later.0;
    }
}

fn main() -> io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "-".into());
    let input: Box<dyn io::Read + Send> = if path == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(&path)?)
    };
    let started = Instant::now();
    let f = |line: u64,
             bytes: Result<&[u8], &layer_risk::ParseError>,
             out: &mut Vec<u8>,
             n: &mut Count| {
        let ok = bytes.is_ok_and(|b| {
            std::str::from_utf8(b).is_ok_and(|text| layer_risk::parse_session(text).is_ok())
        });
        n.0 += 1;
        let _ = writeln!(out, r#"{{"line":{line},"ok":{ok}}}"#);
    };
    let stdout = io::BufWriter::with_capacity(1 << 20, io::stdout());
    let n = batch::run(input, stdout, batch::Options::new(1), &f, |_, _| {})?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "parse-only: {} lines in {secs:.2} s = {:.0} lines/s",
        n.0,
        n.0 as f64 / secs
    );
    Ok(())
}
