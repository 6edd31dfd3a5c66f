# frozen_string_literal: true

require_relative "helper"
require "zlib"
require "stringio"

# The gem against the CLI, byte for byte, on a generated export with corrupt lines and applicants.
class TestCli < Minitest::Test
  def setup
    @scorer = LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
  end

  def test_score_jsonl_is_the_cli_byte_for_byte
    got = @scorer.score_jsonl(Fixture.data)
    assert_equal Encoding::BINARY, got.encoding
    assert Fixture.records == got, "score_jsonl differs from the CLI"
    %w[invalid_utf8 truncated line_too_long].each do |code|
      assert_includes Fixture.records, "\"code\":\"#{code}\""
    end
    assert_includes Fixture.records, "\"match\":{"
  end

  def test_gzip_two_members_and_a_cut_stream
    data = Fixture.data
    half = data.index("\n", data.bytesize / 2) + 1
    gz = [data.byteslice(0, half), data.byteslice(half..)].map { |part| Zlib.gzip(part) }.join.b
    assert Fixture.records == @scorer.score_jsonl(gz)
    e = assert_raises(LayerRisk::InputError) { @scorer.score_jsonl(gz.byteslice(0, gz.bytesize / 2)) }
    assert_equal "io", e.code
  end

  def test_with_a_rules_file
    lending = File.join(Fixture::REPO, "rules/lending.json")
    want = Fixture.cli("score", "--rules", lending, "--as-of", Fixture::AS_OF, "--jobs", "1", Fixture.export_path, ok: [1])
    assert want == LayerRisk::Scorer.new(rules: lending, as_of: Fixture::AS_OF).score_jsonl(Fixture.data)
  end

  def test_assess_of_each_line_is_the_cli_record
    by_line = {}
    Fixture.lines(Fixture.records).each { |r| by_line[JSON.parse(r)["line"]] = r }
    decided = failed = envelopes = 0
    Fixture.lines(Fixture.data).each_with_index do |raw, i|
      n = i + 1
      want = by_line[n]
      if raw.delete(" \t\r").empty?
        assert_nil want, "line #{n}"
        next
      end
      body = raw.end_with?("\r") ? raw.chop : raw
      w = JSON.parse(want)
      if (err = w["error"])
        next if err["code"] == "line_too_long" # a limit of reading exports; assess takes what it is given

        e = assert_raises(LayerRisk::ParseError, "line #{n}") { @scorer.assess(body) }
        assert_equal [err["code"], 1, err["column"], err["path"]], [e.code, e.line, e.column, e.path], "line #{n}"
        assert_equal err["message"], e.message.sub(/ \(line \d+, column \d+\)/, "")
        assert_equal w["decision_id"], e.decision_id, "line #{n}"
        failed += 1
        next
      end
      r = @scorer.assess(body)
      expected = want.sub(/\A\{"line":\d+,/, "{")
      assert_equal expected, r.json, "line #{n}"
      assert_equal [w["decision"], w["score"], w["request_id"], w["decision_id"]], [r.decision.to_s, r.score, r.request_id, r.decision_id]
      assert_nil r.arm
      assert_nil r.shadow_decision
      assert_equal w["reasons"].map { |x| [x["code"], x["rule_id"], x["points"]] }, r.reasons.map(&:to_a)
      decided += 1
      line = JSON.parse(body)
      next unless line.key?("applicant")

      # The same decision; the decision id covers the bytes as given (the parts apart).
      apart = @scorer.assess(JSON.generate(line["session"]), line["applicant"])
      assert_equal Fixture.without_ids(expected), Fixture.without_ids(apart.json), "line #{n}, applicant apart"
      refute_equal r.decision_id, apart.decision_id
      envelopes += 1
    end
    assert decided > 2700 && failed > 100 && envelopes > 700, [decided, failed, envelopes].inspect
  end
end
