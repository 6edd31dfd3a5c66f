#!/usr/bin/env bash
# CI for the Ruby gem (bindings/ruby, layer_risk): ruby-ffi over the C ABI's shared library.
# Installs Ruby, ruby-ffi and minitest from Debian's packages when missing (rubygems.org is not
# reachable from this project's machines), builds the library and the CLI with cargo, runs the
# minitest suites (the CLI's bytes, errors, threads, the example against a fake Plaid), then
# builds the gem offline with the library packed in, installs it into a scratch GEM_HOME and
# loads it from there. Called from the repo root (`bash bindings/ruby/ci.sh`).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

say() { echo "== ci(ruby): $*"; }
die() { echo "ci(ruby): $*" >&2; exit 1; }

need=()
command -v ruby >/dev/null 2>&1 || need+=(ruby)
command -v gem >/dev/null 2>&1 || need+=(ruby)
ruby -e 'require "ffi"' >/dev/null 2>&1 || need+=(ruby-ffi)
ruby -e 'require "minitest"' >/dev/null 2>&1 || need+=(ruby-minitest)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} (Debian)"
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || die "missing ${need[*]}, and cannot install them (needs apt-get as root)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null; }
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found"
echo "ci(ruby): $(ruby -v), ffi $(ruby -rffi -e 'print FFI::VERSION'), minitest $(ruby -rminitest -e 'print Minitest::VERSION'), $(cargo --version)"

say "cargo build: liblayer_risk_c.so and the CLI to compare with"
cargo build --release --locked -q -p layer-risk-c
cargo build --release --locked -q --bin layer-risk
export LAYER_RISK_CLI="$root/target/release/layer-risk"

cd bindings/ruby
say "ruby -wc (lib, tests, example, bench)"
for f in lib/layer_risk.rb lib/layer_risk/*.rb test/*.rb examples/*.rb bench/*.rb layer_risk.gemspec; do
  ruby -wc "$f" >/dev/null
done
say "minitest"
ruby -Itest -e 'Dir["test/test_*.rb"].sort.each { |f| require_relative f }'

say "gem build (offline, the library packed in) and a load from an installed copy"
mkdir -p lib/layer_risk/native
cp "$root/target/release/liblayer_risk_c.so" lib/layer_risk/native/
rm -f layer_risk-*.gem
gem build -q layer_risk.gemspec
scratch=$(mktemp -d)
# The packed copy would shadow the checkout's target/release library afterwards: remove it.
trap 'rm -rf "$scratch" lib/layer_risk/native' EXIT
# ffi comes from Debian's ruby-ffi (a system gem): no fetch.
GEM_HOME="$scratch" GEM_PATH="$scratch:$(ruby -e 'print Gem.path.join(":")')" \
  gem install -q --local --no-document layer_risk-0.1.0.gem
(cd "$scratch" && env -u LAYER_RISK_LIB GEM_HOME="$scratch" GEM_PATH="$scratch:$(ruby -e 'print Gem.path.join(":")')" \
  ruby -e 'require "layer_risk"
           abort "loaded from the checkout" unless $LOADED_FEATURES.grep(/layer_risk\.rb/).first.start_with?(ENV["GEM_HOME"])
           r = LayerRisk::Scorer.new(as_of: "2026-11-22").assess(%q({"identity": null, "request_id": "r1"}))
           abort r.inspect unless r.decision == :identity_verification
           puts "ci(ruby): the installed gem decides: #{r.inspect}"')
rm -f layer_risk-*.gem
echo "ci(ruby): ok"
