# frozen_string_literal: true

require_relative "helper"
require "socket"
require "stringio"
require_relative "../examples/onboarding"

# The example against a local fake Plaid answering /user_account/session/get with lines of
# the shipped example export: each decision routes to its step, an unreadable response fails
# closed, a Plaid error is logged by its code, and no identity value reaches the logs.
class TestExample < Minitest::Test
  # A one-route HTTP/1.1 server on 127.0.0.1: answers every POST with @status and @body.
  class FakePlaid
    attr_accessor :status, :body
    attr_reader :port, :seen

    def initialize
      @server = TCPServer.new("127.0.0.1", 0)
      @port = @server.addr[1]
      @status = 200
      @seen = []
      @thread = Thread.new { loop { serve(@server.accept) } }
    end

    def serve(conn)
      request_line = conn.gets
      headers = {}
      while (line = conn.gets) && line != "\r\n"
        k, v = line.split(":", 2)
        headers[k.downcase] = v.strip
      end
      req = JSON.parse(conn.read(headers["content-length"].to_i))
      @seen << req.merge("path" => request_line.split[1], "client_id" => headers["plaid-client-id"])
      body = @body.b
      conn.write("HTTP/1.1 #{@status} X\r\nContent-Type: application/json\r\nContent-Length: #{body.bytesize}\r\nConnection: close\r\n\r\n")
      conn.write(body)
    ensure
      conn.close
    end

    def stop
      @thread.kill
      @server.close
    end
  end

  def test_routes_on_the_decision_and_logs_no_identity
    bodies = File.readlines(File.join(Fixture::REPO, "examples/export.jsonl"), chomp: true).reject { |l| l.strip.empty? }.first(40)
    fake = FakePlaid.new
    logs = StringIO.new
    rules = File.join(Fixture::REPO, "rules/lending.json")
    app = LayerOnboarding.new(rules_path: rules, client_id: "client-id", secret: "secret",
                              base_url: "http://127.0.0.1:#{fake.port}", logger: Logger.new(logs))
    check = LayerRisk::Scorer.new(rules: rules, as_of: app.send(:today_in, "America/New_York"))
    step = { trust: "done", identity_match: "identity_match", identity_verification: "identity_verification",
             manual_review: "manual_review" }
    steps = bodies.map do |b|
      fake.body = b
      got = app.next_step("profile-sandbox-1")
      assert_equal step[check.assess(b).decision], got
      got
    end
    assert steps.uniq.size >= 2, steps.uniq.inspect
    # A reload: a broken file is refused and the working rules stay; a good one is live.
    Dir.mktmpdir do |dir|
      broken = File.join(dir, "broken.json")
      File.write(broken, '{"name": "broken",')
      assert_raises(LayerRisk::RulesError) { app.reload_rules(broken) }
      assert_equal "lending", app.rules_name
      app.reload_rules(File.join(Fixture::REPO, "rules/default.json"))
      assert_equal "default", app.rules_name
      app.reload_rules(rules)
    end
    assert_equal ["/user_account/session/get", "profile-sandbox-1", "client-id"],
                 fake.seen.last.values_at("path", "public_token", "client_id")

    fake.body = bodies[1]
    app.next_step("profile-sandbox-1", { name: { full_name: "Leslie Knope" } })

    fake.body = '{"identity": 7, "request_id": "r1"}'
    assert_equal "identity_verification", app.next_step("profile-sandbox-1")
    assert_includes logs.string, "code=wrong_type path=identity"

    fake.status = 400
    fake.body = '{"error_type": "INVALID_INPUT", "error_code": "INVALID_PUBLIC_TOKEN", "error_message": "bad", "request_id": "x1"}'
    assert_raises(IOError) { app.next_step("profile-sandbox-1") }
    assert_includes logs.string, "plaid_error_code=INVALID_PUBLIC_TOKEN"

    assert_equal bodies.size + 1, logs.string.scan("layer: decision").size
    bodies.each do |b|
      id = JSON.parse(b)["identity"]
      next unless id.is_a?(Hash)

      [id["ssn"], id["date_of_birth"], id["phone_number"], id["email"], id.dig("name", "last_name")].each do |v|
        refute_includes logs.string, v, "an identity value reached the logs" if v.is_a?(String) && v.size > 3
      end
    end
  ensure
    fake&.stop
  end
end
