# frozen_string_literal: true

require_relative "lib/layer_risk/version"

# Built from the checkout, offline: `cargo build --release --locked -p layer-risk-c`, then
# `gem build layer_risk.gemspec` packs lib/ and, when present, the native library copied to
# lib/layer_risk/native/ (ci.sh does both).
Gem::Specification.new do |s|
  s.name = "layer_risk"
  s.version = LayerRisk::VERSION
  s.summary = "Decide whether a backend can trust the identity Plaid Layer returns"
  s.description = "Ruby binding (ffi) of the layer-risk Rust core: trust the Plaid Layer identity, " \
                  "or step up to Identity Match or Identity Verification, with the reasons."
  s.authors = ["layer-risk"]
  s.license = "MIT OR Apache-2.0"
  s.required_ruby_version = ">= 3.0"
  s.files = Dir["lib/**/*.rb"] + Dir["lib/layer_risk/native/*.so"] + ["README.md"]
  s.require_paths = ["lib"]
  s.add_dependency "ffi", ">= 1.15"
end
