#!/usr/bin/env bash
# CI for the Go module (bindings/go, package layerrisk): build the C ABI's static library and
# the CLI with cargo, then `go vet`, `go test` (byte equality with the CLI, tables, the
# net/http example against a fake Plaid) and `go test -race` (goroutines sharing one scorer).
# Called from the repo root (`bash bindings/go/ci.sh`); works from anywhere. Needs a Rust
# toolchain, Go 1.22+ and a C compiler (cgo); modules (plaid-go) come from the Go module
# proxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

say() { echo "== ci(go): $*"; }
die() { echo "ci(go): $*" >&2; exit 1; }

for tool in cargo go cc; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (the Go binding needs cargo, Go 1.22+ and a C compiler)"
done
gov=$(go env GOVERSION)
case "$gov" in
  go1.2[2-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
  *) die "Go $gov is too old: the module needs Go 1.22 or later" ;;
esac
echo "ci(go): $gov, $(cargo --version), $(cc --version | head -1)"
export CGO_ENABLED=1

say "cargo build: the static library liblayer_risk_c.a and the CLI to compare with"
cargo build --release --locked -q -p layer-risk-c
cargo build --release --locked -q --bin layer-risk
export LAYER_RISK_CLI="$root/target/release/layer-risk"

cd bindings/go
say "gofmt"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || die "not gofmt'd: $unformatted"
say "go mod verify (the modules go.sum names)"
go mod download
go mod verify
say "go vet ./... (and with -tags bench: the overhead benchmark)"
go vet ./...
go vet -tags bench ./...
say "go test ./... (the CLI's bytes, errors, the example against a fake Plaid)"
go test -count=1 ./...
say "go test -race (goroutines sharing one scorer)"
go test -count=1 -race -run 'Goroutines|TestScorer|Onboarding' ./...
say "benchmarks compile and run once"
BENCH_LINES=2000 go test -count=1 -run '^$' -bench . -benchtime 1x . >/dev/null
echo "ci(go): ok"
