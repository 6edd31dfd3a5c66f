#!/usr/bin/env bash
# CI for the Node binding (npm package `layer-risk`): lint the addon crate, then
# `npm ci`, `npm run build` and `npm test` in bindings/node. Called from the repo root
# (`bash bindings/node/ci.sh`); works from anywhere. Installs nothing global: npm ci puts
# @napi-rs/cli in bindings/node/node_modules. Needs a Rust toolchain, Node 18+ and npm
# (@napi-rs/cli itself asks for Node 20.17+ to build).
set -euo pipefail
cd "$(dirname "$0")"

for tool in cargo node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "ci(node): $tool not found" >&2
    exit 1
  fi
done
echo "ci(node): node $(node --version), npm $(npm --version), $(cargo --version)"

step() {
  echo "== ci(node): $*"
  "$@"
}

# The workspace's lock is the one CI trusts: every cargo run here is --locked.
step cargo clippy -p layer-risk-node --all-targets --locked -- -D warnings
step npm ci --no-audit --no-fund
# Release build of the addon (napi build --platform --release), cargo --locked.
step npm run build -- -- --locked
# node --test; builds the layer-risk CLI (cargo build --release --locked) to compare with.
step npm test
echo "ci(node): ok"
