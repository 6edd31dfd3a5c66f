#!/usr/bin/env bash
# Runs bench/bench.rb after building the library and the CLI and printing the core's own
# per-call cost on the same lines (bindings/c's percall example). RUNS=, LINES= as there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd ../.. && pwd)
(cd "$root" && cargo build --release --locked -q -p layer-risk-c && cargo build --release --locked -q --bin layer-risk)
BENCH_DIR=$(bash "$root/bindings/c/bench/lines.sh")
export BENCH_DIR
echo "the core alone on the same lines:"
(cd "$root" && cargo run --release --locked -q -p layer-risk-c --example percall -- "$BENCH_DIR/bare.json" "$BENCH_DIR/envelope.json")
ruby bench/bench.rb
