#!/usr/bin/env bash
# The two lines every per-call benchmark times (bindings/{c,go,java,ruby}), so that their
# figures compare: from `layer-risk gen --count 3000 --seed 11 --corrupt 0.05 --applicants
# 0.3`, the first line the CLI decides without an applicant (bare.json) and the first it
# decides with one (envelope.json). Writes them to target/bench/ at the repo root and prints
# that directory. Needs the release CLI (cargo build --release --bin layer-risk).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cli=${LAYER_RISK_CLI:-$root/target/release/layer-risk}
out=$root/target/bench
mkdir -p "$out"
"$cli" gen --count 3000 --seed 11 --corrupt 0.05 --applicants 0.3 --out "$out/export.jsonl" >/dev/null
"$cli" score --as-of 2026-11-22 --jobs 1 "$out/export.jsonl" > "$out/records.jsonl" || [ $? -eq 1 ]
pick() { sed -n "$(grep -v '"error"' "$out/records.jsonl" | grep $1 '"match":{' | head -1 | sed 's/^{"line":\([0-9]*\),.*/\1/')p" "$out/export.jsonl"; }
pick -v > "$out/bare.json"
pick -e > "$out/envelope.json"
echo "$out"
