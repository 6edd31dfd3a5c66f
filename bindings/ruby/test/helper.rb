# frozen_string_literal: true

# The layer-risk CLI the gem must agree with, and a generated export with what gen does not
# write: a CRLF line, blank lines, a line of spaces, a line over the 1 MiB limit, a bare
# invalid UTF-8 byte and a last line cut short without a newline.

$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
require "minitest/autorun"
require "json"
require "open3"
require "tmpdir"
require "layer_risk"

module Fixture
  AS_OF = "2026-11-22"
  REPO = File.expand_path("../../..", __dir__)

  def self.cli_path
    @cli_path ||= ENV["LAYER_RISK_CLI"] || begin
      system("cargo", "build", "--release", "--locked", "--bin", "layer-risk", chdir: REPO, exception: true)
      File.join(REPO, "target/release/layer-risk")
    end
  end

  # The CLI's stdout; ok lists the exit codes that are success.
  def self.cli(*args, ok: [0])
    out, err, status = Open3.capture3(cli_path, *args, chdir: REPO, binmode: true)
    raise "layer-risk #{args.join(' ')}: exit #{status.exitstatus}\n#{err}" unless ok.include?(status.exitstatus)

    out
  end

  def self.dir
    @dir ||= Dir.mktmpdir("layer-risk-ruby-").tap { |d| Minitest.after_run { FileUtils.rm_rf(d) } }
  end

  def self.export_path
    @export_path ||= begin
      data = cli("gen", "--count", "3000", "--seed", "11", "--corrupt", "0.05", "--applicants", "0.3")
      data << "{\"identity\": null, \"request_id\": \"crlf1\"}\r\n\n   \t\r\n".b
      data << "{\"identity\": {\"name\": {\"first_name\": \"#{'x' * (1 << 20)}\"}}}\n".b
      data << "\xff\n".b
      data << "{\"identity\": ".b
      path = File.join(dir, "export.jsonl")
      File.binwrite(path, data)
      path
    end
  end

  def self.data
    @data ||= File.binread(export_path)
  end

  # `layer-risk score --as-of 2026-11-22 --jobs 1 EXPORT` (exit 1: some lines are not responses).
  def self.records
    @records ||= cli("score", "--as-of", AS_OF, "--jobs", "1", export_path, ok: [1])
  end

  # A record with its decision ids (its own and its shadow's) blanked.
  def self.without_ids(record)
    record.gsub(/"decision_id":"[0-9a-f]{32}"/, '"decision_id":""')
  end

  # The lines of data cut at "\n", numbered from 1 as the CLI numbers them.
  def self.lines(data)
    parts = data.b.split("\n", -1)
    parts.pop if parts.last == ""
    parts
  end
end
