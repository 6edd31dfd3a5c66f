# frozen_string_literal: true

require_relative "helper"
require "date"

# The API: rules, dates, records, errors, threads, close, and no identity value in errors.
class TestScorer < Minitest::Test
  BODY = JSON.generate(
    identity: { name: { first_name: "Leslie", last_name: "Knope" },
                address: { street: "123 Main St.", city: "Pawnee", region: "IN", postal_code: "46001", country: "US" },
                phone_number: "+14155550015", email: "leslie@knope.com", date_of_birth: "1975-01-18",
                ssn: "987654321", ssn_last_4: "4321" },
    items: [{ item_id: "it-1", access_token: "access-sandbox-x" }],
    request_id: "m8MDnv9okwxFNBV"
  )
  LENDING = File.join(Fixture::REPO, "rules/lending.json")

  def scorer
    LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
  end

  def test_embedded_rules_and_a_record
    s = scorer
    assert_equal "default", s.rules[:name]
    assert_equal 64, s.rules[:sha256].size
    assert_equal Fixture::AS_OF, s.as_of
    assert_equal "0.1.0", LayerRisk.library_version
    r = s.assess(BODY)
    assert_equal "m8MDnv9okwxFNBV", r.request_id
    assert r.json.start_with?("{\"request_id\":\"m8MDnv9okwxFNBV\",\"decision_id\":\"#{r.decision_id}\",\"decision\":\"#{r.decision}\"")
    assert_equal 32, r.decision_id.size
    assert r.json.frozen? && r.reasons.frozen? && r.reasons.all?(&:frozen?)
    refute_match(/Knope|987654321/, r.json)
    none = s.assess('{"identity": null}')
    assert_equal [:identity_verification, nil, "identity_missing"], [none.decision, none.request_id, none.reason_codes.first]
    applicant = { name: { full_name: "Leslie B Knope" }, date_of_birth: "1975-01-18" }
    assert_includes s.assess(BODY, applicant).json, "\"match\":{"
    assert_equal s.assess(BODY, applicant).json, s.assess(BODY, JSON.generate(applicant)).json
  end

  def test_rules_from_a_file_and_from_text
    a = LayerRisk::Scorer.new(rules: LENDING, as_of: Date.new(2026, 11, 22))
    b = LayerRisk::Scorer.new(rules_json: File.read(LENDING), rules_name: "lending.json", as_of: Fixture::AS_OF)
    assert_equal "lending", a.rules[:name]
    assert_equal a.rules, b.rules
    assert_equal Fixture::AS_OF, a.as_of
  end

  def test_broken_rules
    Dir.mktmpdir do |dir|
      text = File.read(LENDING)
      typo = File.join(dir, "lending-typo.json")
      File.write(typo, text.sub('"tiers"', '"teirs"'))
      line = text[0, text.index('"tiers"')].count("\n") + 1
      e = assert_raises(LayerRisk::RulesError) { LayerRisk::Scorer.new(rules: typo, as_of: Fixture::AS_OF) }
      assert_equal ["schema", line, 9, "teirs"], [e.code, e.line, e.column, e.path]
      assert e.message.start_with?("#{typo}:#{line}:9: "), e.message
      assert_kind_of LayerRisk::Error, e
    end
    e = assert_raises(LayerRisk::RulesError) do
      LayerRisk::Scorer.new(rules_json: "{\"name\": \"x\",\n  \"version\": \"1\",\n}", rules_name: "x.json", as_of: Fixture::AS_OF)
    end
    assert_equal ["syntax", 3, 1, nil], [e.code, e.line, e.column, e.path]
    e = assert_raises(LayerRisk::RulesError) { LayerRisk::Scorer.new(rules: "/nonexistent/rules.json", as_of: Fixture::AS_OF) }
    assert_equal "io", e.code
  end

  def test_bad_dates_and_options
    ["2026-2-03", "2026-02-30", "26-11-22", "2026-11-22T00:00:00Z", " 2026-11-22", "+2026-11-22", "", "2026-11-22\0"].each do |d|
      e = assert_raises(ArgumentError, d.inspect) { LayerRisk::Scorer.new(as_of: d) }
      refute_includes e.message, d.strip if d.size >= 4
    end
    assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: 20_261_122) }
    assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: Fixture::AS_OF, rules: LENDING, rules_json: "{}") }
    assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: Fixture::AS_OF, rules_name: "x") }
    assert_equal "2024-02-29", LayerRisk::Scorer.new(as_of: "2024-02-29").as_of
  end

  def test_parse_errors
    s = scorer
    [
      ['{"identity": 5}', nil, "wrong_type", 14, "identity"],
      ["[1]", nil, "not_an_object", 1, nil],
      ['{"identity": {}, "identity": {}}', nil, "duplicate_field", 27, nil],
      ['{"identity_edit_history": {"name": {"edits_1d": -1}}}', nil, "invalid_value", 50, "identity_edit_history.name.edits_1d"],
      ['{"identity": x}', nil, "invalid_json", 14, "identity"],
      ['{"identity": {"name": {"first_name": "Le', nil, "truncated", 40, "identity.name.first_name"],
      ["{\"identity\": {\"name\": {\"first_name\": \"\xc3\x28\"}}}".b, nil, "invalid_utf8", 39, nil],
      ["", nil, "truncated", 1, nil],
      [BODY, '{"name": 7}', "wrong_type", 10, "applicant.name"],
      ['{"session": {}, "applicant": {}}', "{}", "ambiguous_envelope", 1, nil],
      [BODY, "", "truncated", 1, "applicant"]
    ].each do |body, applicant, code, column, path|
      e = assert_raises(LayerRisk::ParseError, body[0, 40]) { s.assess(body, applicant) }
      assert_equal [code, 1, column, path], [e.code, e.line, e.column, e.path], body[0, 40]
    end
    assert_raises(TypeError) { s.assess(nil) }
    assert_raises(TypeError) { s.assess(BODY, 5) }
  end

  def test_close
    s = scorer
    s.close
    s.close
    assert s.closed?
    assert_raises(IOError) { s.assess(BODY) }
    assert_raises(IOError) { s.score_jsonl("") }
  end

  def test_threads_share_one_scorer
    s = scorer
    lines = Fixture.lines(Fixture.data).first(1500).map { |l| l.end_with?("\r") ? l.chop : l }
    outcome = lambda do |l|
      s.assess(l).json
    rescue LayerRisk::ParseError => e
      "#{e.code}:#{e.column}"
    end
    want = lines.map(&outcome)
    threads = Array.new(6) do |t|
      Thread.new { (t...lines.size).step(3).all? { |i| outcome.call(lines[i]) == want[i] } }
    end
    threads << Thread.new { s.score_jsonl(Fixture.data) == Fixture.records }
    assert threads.map(&:value).all?, "a thread got another result"
  end

  def test_no_identity_value_in_any_error
    ssn = "123-45-6789"
    digits = "123456789"
    first = "Leslie"
    last = "Knope"
    secrets = [ssn, digits, first, last, "1975-01-18", "leslie@knope.com"]
    bodies = [
      %({"identity": {"ssn": #{digits}, "name": {"first_name": "#{first}", "last_name": "#{last}"}}}),
      %({"identity": {"ssn": "#{ssn}", "name": "#{first} #{last}"}}),
      %({"identity": {"ssn": "#{ssn}", "name": {"first_name": "#{first}"),
      %({"identity": {"ssn": #{ssn}}}),
      %({"identity": {"ssn": "#{ssn}"}, "identity": {"name": "#{last}"}}),
      %({"identity_edit_history": {"name": {"edits_1d": "#{ssn}"}}}),
      %({"identity": {"date_of_birth": 1975-01-18, "email": "leslie@knope.com"}}),
      %(["#{ssn}", "#{first}"]),
      %({"identity": {"ssn": "#{ssn}"}} #{first})
    ]
    s = scorer
    texts = []
    bodies.each do |b|
      e = assert_raises(LayerRisk::ParseError) { s.assess(b) }
      texts << e.message << e.path.to_s << e.inspect << s.score_jsonl(b)
    end
    texts << assert_raises(LayerRisk::ParseError) { s.assess('{"identity": {}}', { name: "#{first} #{last}", ssn: ssn }) }.message
    texts << assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: ssn) }.message
    texts << assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: "1975-01-18x") }.message
    texts << assert_raises(TypeError) { s.assess(123_456_789) }.message
    texts.each do |t|
      secrets.each { |secret| refute_includes t, secret, "an error quotes input (#{secret})" }
    end
  end
end

# A record bigger than the thread's buffer: the buffer grows and the call is made again.
class TestBufferGrowth < Minitest::Test
  def test_a_small_buffer_grows
    s = LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
    want = s.assess(TestScorer::BODY).json
    Thread.new do
      Thread.current[:layer_risk_scratch] = LayerRisk::Scorer.const_get(:Scratch).new(16)
      assert_equal want, s.assess(TestScorer::BODY).json
      assert_operator Thread.current[:layer_risk_scratch][1], :>=, want.bytesize
      assert_equal "truncated", assert_raises(LayerRisk::ParseError) { s.assess(TestScorer::BODY, "") }.code
    end.join
  end
end
