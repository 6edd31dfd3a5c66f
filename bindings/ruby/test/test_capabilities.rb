# frozen_string_literal: true

require_relative "helper"
require "date"
require_relative "test_scorer"

# Shadow rule sets, staged rollouts, Plaid's other verdicts as keyword parts, manual_review,
# and reloading a Live scorer under threads.
class TestCapabilities < Minitest::Test
  LENDING = File.join(Fixture::REPO, "rules/lending.json")
  PAYMENTS = File.join(Fixture::REPO, "rules/payments.json")
  DEFAULT = File.join(Fixture::REPO, "rules/default.json")
  BODY = TestScorer::BODY

  def signal(name)
    File.binread(File.join(Fixture::REPO, "bindings/c/tests/signals/#{name}.json"))
  end

  # Every line with a rollout key ("user-N", N its line number) in an envelope; gen writes none.
  def with_rollout_keys(data)
    lines = data.b.split("\n", -1)
    last = lines.pop # "" after a final newline, else the last line
    keyed = (lines + (last.empty? ? [] : [last])).each_with_index.map do |l, i|
      key = "\"rollout_key\": \"user-#{i + 1}\""
      l.start_with?('{"session"') ? "{#{key}, ".b + l.byteslice(1..) : "{\"session\": ".b + l + ", #{key}}".b
    end
    keyed.join("\n") + (last.empty? ? "\n" : "")
  end

  def test_shadow_and_rollout_are_the_cli_byte_for_byte
    want = Fixture.cli("score", "--as-of", Fixture::AS_OF, "--jobs", "1", "--shadow", LENDING, Fixture.export_path, ok: [1])
    s = LayerRisk::Scorer.new(as_of: Fixture::AS_OF, shadow: LENDING)
    assert_equal [:shadow, "lending"], s.challenger.values_at(:mode, :name)
    assert_nil s.rollout_share
    assert want == s.score_jsonl(Fixture.data), "score_jsonl with a shadow differs from the CLI's --shadow"
    r = s.assess(BODY)
    refute_equal r.decision_id, r.shadow_decision_id
    assert_includes r.json, "\"shadow\":{\"decision_id\":\"#{r.shadow_decision_id}\",\"decision\":\"#{r.shadow_decision}\""

    keyed = with_rollout_keys(Fixture.data)
    path = File.join(Fixture.dir, "rollout.jsonl")
    File.binwrite(path, keyed)
    want = Fixture.cli("score", "--as-of", Fixture::AS_OF, "--jobs", "1", "--rollout", PAYMENTS, "--rollout-share", "0.3", path, ok: [1])
    assert_includes want, '"arm":"challenger"'
    assert_includes want, '"arm":"control"'
    [PAYMENTS, { json: File.read(PAYMENTS), name: "payments.json" }].each do |source|
      r = LayerRisk::Scorer.new(as_of: Fixture::AS_OF, rollout: source, rollout_share: 0.3)
      assert_equal [:rollout, "payments", 0.3], [r.challenger[:mode], r.challenger[:name], r.rollout_share]
      assert want == r.score_jsonl(keyed), "score_jsonl with a rollout differs from the CLI's --rollout"
      arms = Array.new(60) do |k|
        a = r.assess(BODY, rollout_key: "user-#{k}")
        b = r.assess("{\"session\": #{BODY}, \"rollout_key\": \"user-#{k}\"}")
        assert_equal Fixture.without_ids(b.json), Fixture.without_ids(a.json)
        a.arm
      end
      assert_equal %i[challenger control], arms.uniq.sort
      assert_equal :control, r.assess(BODY).arm
    end
    assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: Fixture::AS_OF, rollout: PAYMENTS, rollout_share: 1.5) }
    assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: Fixture::AS_OF, rollout: PAYMENTS) }
    assert_raises(ArgumentError) { LayerRisk::Scorer.new(as_of: Fixture::AS_OF, shadow: LENDING, rollout: PAYMENTS, rollout_share: 0.1) }
    e = assert_raises(LayerRisk::RulesError) { LayerRisk::Scorer.new(as_of: Fixture::AS_OF, shadow: { json: "{", name: "s.json" }) }
    assert_equal "syntax", e.code
    assert e.message.start_with?("s.json:1:"), e.message
  end

  def test_keyword_parts_equal_the_envelope_and_errors_quote_nothing
    s = LayerRisk::Scorer.new(as_of: Fixture::AS_OF, shadow: LENDING)
    session = signal("session")
    parts = { protect: signal("protect"), identity_match: signal("identity_match"),
              identity_verification: signal("identity_verification") }
    applicant = { name: { full_name: "Leslie Knope" }, date_of_birth: "1975-01-18" }
    apart = s.assess(session, applicant, **parts, rollout_key: "user-42")
    envelope = "{\"session\": #{session}, \"applicant\": #{JSON.generate(applicant)}, \"signals\": {" \
               "\"protect\": #{parts[:protect]}, \"identity_match\": #{parts[:identity_match]}, " \
               "\"identity_verification\": #{parts[:identity_verification]}}, \"rollout_key\": \"user-42\"}"
    whole = s.assess(envelope)
    assert_equal Fixture.without_ids(whole.json), Fixture.without_ids(apart.json)
    refute_equal whole.decision_id, apart.decision_id
    assert_includes apart.json, '"signal":'
    assert_includes apart.json, '"match":{'
    # A Hash part is turned into JSON: the same decision (other bytes, so another id).
    hashed = s.assess(session, applicant, **parts, protect: JSON.parse(parts[:protect]), rollout_key: "user-42")
    assert_equal Fixture.without_ids(apart.json), Fixture.without_ids(hashed.json)
    e = assert_raises(LayerRisk::ParseError) { s.assess(envelope, protect: parts[:protect]) }
    assert_equal "ambiguous_envelope", e.code

    secrets = ["Leslie", "Knope", "524781963", "leslie@knope.com", "1975-01-18", "user-42"]
    [
      [{ identity_match: parts[:identity_match].sub('"score": 40', '"score": "Leslie Knope 524781963"'), rollout_key: "user-42" },
       "signals.identity_match.accounts[0].legal_name.score"],
      [{ identity_verification: parts[:identity_verification].sub('"status": "success"', '"status": ["leslie@knope.com", "1975-01-18"]') },
       "signals.identity_verification.status"],
      [{ protect: parts[:protect][0, 40] }, "signals.protect"],
      [{ protect: "" }, "signals.protect"]
    ].each do |kw, path|
      e = assert_raises(LayerRisk::ParseError, path) { s.assess(session, **kw) }
      assert e.path.start_with?(path), "#{e.path} for #{path}"
      assert_nil e.decision_id
      secrets.each { |secret| refute_includes "#{e.message} #{e.inspect}", secret }
    end
    e = assert_raises(LayerRisk::ParseError) { s.assess(session, '{"name": "Leslie Knope"}', protect: parts[:protect]) }
    assert_equal "applicant.name", e.path
    assert_raises(ArgumentError) { s.assess(session, rollout_key: "\xff".b) }
    assert_raises(TypeError) { s.assess(session, protect: 5) }
    assert_raises(TypeError) { s.assess(session, rollout_key: 5) }
    # The thread's context holds no part after a call: the next one with other parts sees only its own.
    s.assess(session, **parts)
    assert_equal Fixture.without_ids(s.assess(session).json), Fixture.without_ids(s.assess(session, rollout_key: "x").json)
  end

  def test_manual_review_round_trips
    s = LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
    r = s.assess('{"identity": null, "request_id": "r1", "idv_session_status": "pending_review"}')
    assert_equal :manual_review, r.decision
    assert_includes r.json, '"decision":"manual_review"'
    assert_equal :manual_review, s.assess(signal("session"), identity_verification: signal("identity_verification_pending_review")).decision
    assert_equal :manual_review, LayerRisk::Scorer.decision_of(17) # a later library's outcome: fail closed
  end

  def test_live_reload_under_threads
    lines = Fixture.lines(Fixture.data).first(300).map { |l| l.end_with?("\r") ? l.chop : l }
    outcome = lambda do |s, l|
      s.assess(l).json
    rescue LayerRisk::ParseError => e
      "#{e.code}:#{e.column}"
    end
    by_default = LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
    by_lending = LayerRisk::Scorer.new(as_of: Fixture::AS_OF, rules: LENDING)
    want = {
      "default" => lines.map { |l| outcome.call(by_default, l) },
      "lending" => lines.map { |l| outcome.call(by_lending, l) }
    }
    first = LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
    live = LayerRisk::Live.new(first)
    first.close # the handle holds its own reference
    stop = false
    threads = Array.new(4) do |t|
      Thread.new do
        calls = 0
        i = t
        until stop && calls >= 40
          s = live.current
          k = i % lines.size
          raise "a record is not its scorer's rule set's: #{s.rules[:name]}" unless outcome.call(s, lines[k]) == want[s.rules[:name]][k]

          s.close # a live scorer: left to the GC, never freed under another thread
          calls += 1
          i += 4
          Thread.pass # let the reloading thread have the GVL (else it waits out time slices)
        end
        calls
      end
    end
    text = File.read(LENDING)
    100.times do |round|
      round.even? ? live.reload_rules_json(text, name: "lending.json") : live.reload_rules(DEFAULT)
      e = assert_raises(LayerRisk::RulesError) { live.reload_rules_json('{"name": "broken",', name: "broken.json") }
      assert_equal "syntax", e.code
      assert_equal "io", assert_raises(LayerRisk::RulesError) { live.reload_rules("/nonexistent/rules.json") }.code
      assert_equal round.even? ? "lending" : "default", live.current.rules[:name], "a broken file is never live"
      Thread.pass
    end
    stop = true
    assert threads.map(&:value).all? { |c| c >= 40 }
    assert_raises(ArgumentError) { live.as_of = "2026-02-30" }
    live.as_of = Date.new(2027, 1, 2)
    assert_equal ["2027-01-02", "default"], [live.current.as_of, live.current.rules[:name]]
    held = live.current
    live.replace(LayerRisk::Scorer.new(as_of: Fixture::AS_OF, shadow: LENDING))
    assert_equal :shadow, live.current.challenger[:mode]
    live.close
    live.close
    assert_raises(IOError) { live.reload_rules(DEFAULT) }
    held.assess(BODY)
    live.current.assess(BODY)
    closed = LayerRisk::Scorer.new(as_of: Fixture::AS_OF)
    closed.close
    assert_raises(IOError) { LayerRisk::Live.new(closed) }
  end
end
