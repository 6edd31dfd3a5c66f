#!/usr/bin/env bash
# CI for the C ABI (bindings/c, crate layer-risk-c): lint the crate, check that the committed
# header is what cbindgen makes of the sources, run the Rust tests (property tests that feed
# arbitrary bytes to every entry point), then the C test program under valgrind (no leak, no
# invalid access), against the shared library, and once more linked to the static library.
# Called from the repo root (`bash bindings/c/ci.sh`); works from anywhere. Installs what is
# missing: cbindgen from crates.io, valgrind from Debian's packages.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { echo "== ci(c): $*"; }
die() { echo "ci(c): $*" >&2; exit 1; }

for tool in cargo cc; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
if ! command -v valgrind >/dev/null 2>&1; then
  say "installing valgrind (Debian)"
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || die "no valgrind, and cannot install one (needs apt-get as root)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null; }
fi
CBINDGEN_VERSION=0.29.4
if ! command -v cbindgen >/dev/null 2>&1; then
  say "installing cbindgen $CBINDGEN_VERSION (crates.io)"
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked -q
fi
echo "ci(c): $(cargo --version), $(cc --version | head -1), $(valgrind --version), cbindgen $(cbindgen --version | awk '{print $2}')"

say "cargo fmt --check -p layer-risk-c"
cargo fmt -p layer-risk-c -- --check
say "cargo clippy -p layer-risk-c"
cargo clippy -p layer-risk-c --all-targets --locked -- -D warnings

say "the committed header is current (cbindgen)"
fresh=$(mktemp)
trap 'rm -f "$fresh"' EXIT
(cd bindings/c && cbindgen --quiet --config cbindgen.toml --crate layer-risk-c --output "$fresh")
if ! diff -u bindings/c/include/layer_risk.h "$fresh"; then
  die "bindings/c/include/layer_risk.h is stale: regenerate it (see bindings/c/cbindgen.toml) and commit it"
fi

say "cargo test -p layer-risk-c (unit, property and thread tests)"
cargo test -p layer-risk-c --locked

say "build: the CLI, and the library in debug (for valgrind) and release (shared and static)"
cargo build --release --locked -q --bin layer-risk
cargo build --locked -q -p layer-risk-c
cargo build --release --locked -q -p layer-risk-c

work=target/ci-c
mkdir -p "$work"
cli=target/release/layer-risk
"$cli" gen --count 400 --seed 11 --corrupt 0.05 --applicants 0.3 --out "$work/export.jsonl" >/dev/null
# Exit 1: some lines are not responses (error records). Anything else is a failure.
"$cli" score --as-of 2026-11-22 --jobs 1 "$work/export.jsonl" > "$work/expected.jsonl" || [ $? -eq 1 ]
"$cli" score --as-of 2026-11-22 --jobs 1 --shadow rules/lending.json "$work/export.jsonl" > "$work/shadow.jsonl" || [ $? -eq 1 ]
# gen writes no rollout keys: give every line one, `user-N`, inside an envelope (a bare line
# is wrapped as its session; an envelope gets the key beside its parts; corrupt lines stay
# corrupt, byte for byte inside).
LC_ALL=C awk '{
  if (index($0, "{\"session\"") == 1) print "{\"rollout_key\": \"user-" NR "\", " substr($0, 2);
  else print "{\"session\": " $0 ", \"rollout_key\": \"user-" NR "\"}"
}' "$work/export.jsonl" > "$work/rollout-export.jsonl"
"$cli" score --as-of 2026-11-22 --jobs 1 --rollout rules/payments.json --rollout-share 0.3 \
  "$work/rollout-export.jsonl" > "$work/rollout.jsonl" || [ $? -eq 1 ]
args=("$work/export.jsonl" "$work/expected.jsonl" rules "$work/shadow.jsonl" "$work/rollout-export.jsonl"
  "$work/rollout.jsonl" bindings/c/tests/signals)

CFLAGS="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pedantic -g -Ibindings/c/include"
# shellcheck disable=SC2086
cc $CFLAGS bindings/c/tests/c/test_abi.c -o "$work/test_abi" \
  -Ltarget/debug -llayer_risk_c -lpthread -Wl,-rpath,"$PWD/target/debug"

# "Possibly lost" blocks are the core's process-wide tables (libphonenumber metadata, regex
# caches), built once on first use and held by statics through interior pointers: they do not
# grow with the number of calls (the run below checks that, on one thread: how many per-thread
# regex caches the core's pool keeps depends on how threads were scheduled, not on the calls),
# so they are not leaks. Definite
# and indirect leaks fail the run, and so does any invalid read, write or free.
vg() {
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=1 "$@"
}
say "the C test program under valgrind (shared library)"
vg "$work/test_abi" "${args[@]}"

say "possibly-lost bytes do not grow with the calls made"
possibly() {
  LR_TEST_NO_THREADS=1 LR_TEST_ROUNDS=$1 valgrind --leak-check=summary "$work/test_abi" "${args[@]}" \
    2>&1 >/dev/null | awk '/possibly lost:/ {gsub(",", "", $4); print $4}'
}
one=$(possibly 1)
three=$(possibly 4)
echo "ci(c): possibly lost after 1 round: $one bytes; after 4 rounds: $three bytes"
[ -n "$one" ] && [ "$one" = "$three" ] || die "possibly-lost bytes grew with the number of calls ($one -> $three)"

say "the C test program linked to the static library"
# shellcheck disable=SC2086
cc $CFLAGS bindings/c/tests/c/test_abi.c -o "$work/test_abi_static" \
  target/release/liblayer_risk_c.a -lpthread -ldl -lm
"$work/test_abi_static" "${args[@]}"
echo "ci(c): ok"
