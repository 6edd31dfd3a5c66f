#!/usr/bin/env bash
# End-to-end timing of the CLI against the parse-only pass, for README's Performance table:
# the best wall time of each command over ROUNDS rounds, the commands taking turns so that a
# busy moment hits them alike. With a second build directory, both builds side by side.
#
#   cargo build --release --bins --examples
#   ./target/release/layer-risk gen --count 1000000 --seed 1 --out /tmp/m1.jsonl
#   bash scripts/bench_cli.sh /tmp/m1.jsonl 3 [OTHER_BUILD_DIR]
#
# OTHER_BUILD_DIR holds an older `layer-risk` and `parse_only` (e.g. copied from another
# checkout's target/release and target/release/examples). Run nothing else meanwhile.
set -euo pipefail
file=${1:?export file}
rounds=${2:-3}
here="$(cd "$(dirname "$0")/.." && pwd)/target/release"
builds=("$here")
[ -n "${3:-}" ] && builds=("$3" "$here")

declare -A best
names=()
for b in "${builds[@]}"; do
  po="$b/parse_only"; [ -x "$po" ] || po="$b/examples/parse_only"
  names+=("$b|parse-only|$po $file")
  names+=("$b|score --jobs 1|$b/layer-risk score --jobs 1 --as-of 2026-11-22 -q $file")
  names+=("$b|score --jobs 2|$b/layer-risk score --jobs 2 --as-of 2026-11-22 -q $file")
done
for _ in $(seq "$rounds"); do
  for entry in "${names[@]}"; do
    cmd=${entry##*|}
    start=$(date +%s%N)
    $cmd > /dev/null 2>&1
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    key=${entry%|*}
    if [ -z "${best[$key]:-}" ] || [ "$ms" -lt "${best[$key]}" ]; then best[$key]=$ms; fi
  done
done
lines=$(grep -c '' "$file")
for b in "${builds[@]}"; do
  po=${best["$b|parse-only"]}; j1=${best["$b|score --jobs 1"]}; j2=${best["$b|score --jobs 2"]}
  echo "$b ($lines lines, best of $rounds)"
  printf '  parse-only     %6.2f s %9d lines/s\n' "$(bc -l <<< "$po/1000")" $(( lines * 1000 / po ))
  printf '  score --jobs 1 %6.2f s %9d lines/s (%.2f of parse-only)\n' "$(bc -l <<< "$j1/1000")" $(( lines * 1000 / j1 )) "$(bc -l <<< "$po/$j1")"
  printf '  score --jobs 2 %6.2f s %9d lines/s (%.2fx one job)\n' "$(bc -l <<< "$j2/1000")" $(( lines * 1000 / j2 )) "$(bc -l <<< "$j1/$j2")"
done
