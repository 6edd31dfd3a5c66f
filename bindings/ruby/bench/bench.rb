# frozen_string_literal: true

# The gem's benchmarks (README "Performance"):
#   (a) assess per call on the lines of bindings/c/bench/lines.sh (whose core-alone cost
#       bindings/c's percall example gives), and the bare ffi call under it;
#   (b) score_jsonl on a generated export of LINES lines (default 200,000) against
#       `layer-risk score --as-of D --jobs 1 FILE > /dev/null` timed as its own process.
# bench/run.sh runs it. RUNS= repetitions (best is reported). Run nothing else meanwhile.

$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
require "layer_risk"
require "etc"
require "tmpdir"

ROOT = File.expand_path("../../..", __dir__)
CLI = ENV["LAYER_RISK_CLI"] || File.join(ROOT, "target/release/layer-risk")
RUNS = Integer(ENV.fetch("RUNS", "7"))
AS_OF = "2026-11-22"
N = 20_000

def clock = Process.clock_gettime(Process::CLOCK_MONOTONIC)

def best(runs)
  Array.new(runs) do
    t = clock
    yield
    clock - t
  end.min
end

puts "machine: #{Etc.nprocessors} vCPU, #{RUBY_DESCRIPTION}, ffi #{FFI::VERSION}"
scorer = LayerRisk::Scorer.new(as_of: AS_OF)
dir = ENV.fetch("BENCH_DIR")
%w[bare envelope].each do |kind|
  body = File.binread(File.join(dir, "#{kind}.json")).chomp
  handle = scorer.send(:handle)
  buf = FFI::MemoryPointer.new(:uint64, 8192)
  needed = FFI::MemoryPointer.new(:size_t)
  err = FFI::MemoryPointer.new(:pointer)
  cases = {
    "ffi call alone: lr_assess_into" => lambda {
      N.times { LayerRisk::Native.lr_assess_into(handle, body, body.bytesize, nil, 0, buf, buf.size, needed, err) }
    },
    "scorer.assess(body) -> Record" => -> { N.times { scorer.assess(body) } },
    "scorer.assess(body).reason_codes" => -> { N.times { scorer.assess(body).reason_codes } }
  }
  cases.each_value(&:call) # warm-up
  # The cases take turns, so that a busy moment of the machine hits them all.
  results = Hash.new(Float::INFINITY)
  RUNS.times do
    cases.each do |name, f|
      t = clock
      f.call
      results[name] = [results[name], (clock - t) * 1e6 / N].min
    end
  end
  puts "\n#{kind} (#{body.bytesize} bytes), microseconds per call, best of #{RUNS}:"
  results.each { |name, us| puts format("  %-45s %6.2f", name, us) }
end

lines = Integer(ENV.fetch("LINES", "200000"))
Dir.mktmpdir do |tmp|
  file = File.join(tmp, "export.jsonl")
  system(CLI, "gen", "--count", lines.to_s, "--seed", "7", "--corrupt", "0.01", "--applicants", "0.3", "--out", file,
         out: File::NULL, exception: true)
  data = File.binread(file)
  scorer.score_jsonl(data) # warm
  cli = best(RUNS) { system(CLI, "score", "--as-of", AS_OF, "--jobs", "1", file, out: File::NULL, err: File::NULL) }
  mem = best(RUNS) { scorer.score_jsonl(data) }
  read = best(RUNS) { scorer.score_jsonl(File.binread(file)) }
  puts "\nbulk, #{lines} lines (#{(data.bytesize / 1048576.0).round(1)} MiB), best of #{RUNS}:"
  puts format("  CLI layer-risk score --jobs 1 FILE > /dev/null  %.3f s  %d lines/s", cli, lines / cli)
  puts format("  score_jsonl(data)                              %.3f s  %d lines/s  (%.3f x the CLI)", mem, lines / mem, mem / cli)
  puts format("  score_jsonl(File.binread(FILE))                %.3f s  %d lines/s  (%.3f x the CLI)", read, lines / read, read / cli)
end
