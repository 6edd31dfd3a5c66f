# frozen_string_literal: true

# The README's backend: right after the Layer session, fetch the identity from Plaid's
# /user_account/session/get, decide with layer-risk, route. Logs the request id, the decision
# and the reason codes, never an identity value. test/test_example.rb runs it against a local
# fake Plaid.
#
# Plaid's Ruby gem would do the fetch as well (`client.user_account_session_get(request)`);
# Net::HTTP keeps the exact bytes Plaid sent, which is what the scorer should see.

require "json"
require "logger"
require "net/http"
require "layer_risk"

class LayerOnboarding
  PRODUCTION = "https://production.plaid.com"

  # Reads and checks the rules once, at start-up: a broken file stops the deploy here.
  def initialize(rules_path:, client_id:, secret:, base_url: PRODUCTION, zone: "America/New_York", logger: Logger.new($stdout))
    @uri = URI.join(base_url, "/user_account/session/get")
    @headers = { "Content-Type" => "application/json", "PLAID-CLIENT-ID" => client_id, "PLAID-SECRET" => secret }
    @zone = zone
    @log = logger
    @lock = Mutex.new
    first = LayerRisk::Scorer.new(rules_json: File.read(rules_path), rules_name: rules_path, as_of: today_in(@zone))
    @live = LayerRisk::Live.new(first) # holds its own reference
    first.close
  end

  # Make the rules file at path live (on SIGHUP, say), keeping the day. Raises
  # LayerRisk::RulesError for a broken file: the working rules stay live.
  def reload_rules(path)
    @live.reload_rules(path)
  end

  # The rule set now live.
  def rules_name
    @live.current.rules[:name]
  end

  # The next step for the user: "done", "identity_match", "identity_verification" or
  # "manual_review".
  # applicant: what the user typed into your own form (a Hash), or nil.
  def next_step(public_token, applicant = nil)
    resp = Net::HTTP.post(@uri, JSON.generate(public_token: public_token), @headers)
    unless resp.is_a?(Net::HTTPSuccess)
      # Only Plaid's error code: the error body may carry the request.
      code = (JSON.parse(resp.body)["error_code"] rescue "unknown")
      @log.warn("layer: session get failed plaid_error_code=#{code}")
      raise IOError, "identity service unavailable"
    end

    begin
      record = scorer.assess(resp.body, applicant)
    rescue LayerRisk::ParseError => e
      # Not a Layer response: fail closed. The error names codes and paths, never values.
      @log.warn("layer: unreadable response code=#{e.code} path=#{e.path}")
      return "identity_verification"
    end
    @log.info("layer: decision request_id=#{record.request_id} decision=#{record.decision} " \
              "score=#{record.score} reasons=#{record.reason_codes.join(',')}")
    case record.decision
    when :trust then "done" # create the account; keep record.json for audit
    when :identity_match then "identity_match" # /identity/match with the Item's access token
    when :identity_verification then "identity_verification" # /identity_verification/create
    else "manual_review" # terminal, a person decides; also any outcome a later gem adds: fail closed
    end
  end

  private

  # Today's scorer in the business's time zone: the live one, moved to the new day when the day
  # changes (a request in flight keeps the scorer it started with).
  def scorer
    today = today_in(@zone)
    s = @live.current
    return s if s.as_of == today

    @lock.synchronize do
      @live.as_of = today if @live.current.as_of != today
      @live.current
    end
  end

  def today_in(zone)
    old = ENV["TZ"]
    ENV["TZ"] = zone
    Time.now.strftime("%Y-%m-%d")
  ensure
    ENV["TZ"] = old
  end
end
