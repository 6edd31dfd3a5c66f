# frozen_string_literal: true

require_relative "layer_risk/version"
require_relative "layer_risk/native"

# Decide, right after POST /user_account/session/get, whether a backend can trust the identity
# Plaid Layer returned, must step the user up to Identity Match or Identity Verification, or
# must leave it to a person (manual review).
#
# A thin shell over layer-risk's Rust core through its C ABI (ruby-ffi): every decision and
# record byte comes from the core, so they are what the layer-risk CLI writes.
module LayerRisk
  # The base of layer-risk's errors: a located problem with a stable #code, its #line and
  # #column (1-based; 0 when there is none) and the field #path (or nil). Messages never quote
  # a value from a response or applicant.
  class Error < StandardError
    attr_reader :code, :line, :column, :path

    def initialize(message, code: nil, line: 0, column: 0, path: nil)
      super(message)
      @code = code
      @line = line
      @column = column
      @path = path
    end
  end

  # A body (or a context part) that is not what it claims: #code is truncated, invalid_json,
  # invalid_utf8, wrong_type, invalid_value, duplicate_field, not_an_object,
  # ambiguous_envelope or invalid_data; #path starts with the part's envelope key (applicant,
  # signals.protect, ...) when a part is at fault. #decision_id is the id of the error record
  # `layer-risk score` writes for the same line (an assess of a body alone), else nil.
  class ParseError < Error
    attr_reader :decision_id

    def initialize(message, decision_id: nil, **located)
      super(message, **located)
      @decision_id = decision_id
    end
  end

  # A rules file that cannot be read or used: #code is io, syntax, schema, semantic or
  # unpriced; the message starts with "file:line:column: ".
  class RulesError < Error; end

  # Scorer#score_jsonl's input cannot be read (a corrupt or cut gzip stream).
  class InputError < Error; end

  # One reason of a decision: its stable code, the rule that priced it, its points.
  Reason = Struct.new(:code, :rule_id, :points)

  # One decision: the fields most callers need, and the record itself as JSON (#json: the
  # CLI's record without "line" and without the newline; codes and counts, never an identity
  # value). Immutable: its reasons are decoded on first use from a copy of the native record
  # (the native record itself is freed before assess returns).
  class Record
    # decision: :trust, :identity_match, :identity_verification or :manual_review.
    # decision_id: the record's decision_id (32 hex digits; the same input decided again, by
    # the CLI or any binding, has the same id). arm: :control or :challenger in a staged
    # rollout, else nil. shadow_decision, shadow_decision_id: the second rule set's outcome and
    # id, or nil.
    attr_reader :decision, :score, :request_id, :json

    # block: the record's bytes copied out of the library, base: the address they came from,
    # reasons_at/count: where its reasons were (see Scorer#read_record). The fields at the end
    # of the record (decision ids, arm, shadow) are decoded from the block on first use, like
    # the reasons: most callers read the decision and the JSON alone.
    def initialize(decision, score, request_id, json, block = nil, base = 0, reasons_at = 0, count = 0)
      @decision = decision
      @score = score
      @request_id = request_id
      @json = json.freeze
      @block = block
      @base = base
      @reasons_at = reasons_at
      @count = count
    end

    # The record's decision_id: 32 hex digits (the same input decided again, by the CLI or any
    # binding, has the same id).
    def decision_id
      tail[0]
    end

    # :control or :challenger in a staged rollout, else nil.
    def arm
      tail[1]
    end

    # The second rule set's decision (a shadow, or the other arm of a rollout), or nil.
    def shadow_decision
      tail[2]
    end

    # The second rule set's decision id, or nil.
    def shadow_decision_id
      tail[3]
    end

    # The reasons, heaviest first: [Reason(code, rule_id, points)] (frozen).
    def reasons
      @reasons ||= decode_reasons
    end

    # The reason codes, heaviest first.
    def reason_codes
      reasons.map(&:code)
    end

    def inspect
      "#<LayerRisk::Record #{@decision} score=#{@score} request_id=#{@request_id.inspect} " \
        "decision_id=#{@decision_id} reasons=#{reason_codes}>"
    end
    alias to_s inspect

    REASON_FORMATS = {} # rubocop:disable Style/MutableConstant -- unpack formats by count, a cache
    private_constant :REASON_FORMATS

    private

    # [decision_id, arm, shadow_decision, shadow_decision_id], from the record's last fields.
    def tail
      @tail ||= begin
        did_at, did_len, arm, shadow, sid_at, sid_len = @block.unpack(Native::RECORD_TAIL_UNPACK, offset: Native::RECORD_TAIL_AT)
        id = ->(at, len) { at.zero? ? nil : @block.byteslice(at - @base, len).force_encoding(Encoding::US_ASCII).freeze }
        [id.call(did_at, did_len), ARMS[arm], shadow == Native::LR_DECISION_NONE ? nil : Scorer.decision_of(shadow),
         id.call(sid_at, sid_len)].freeze
      end
    end

    def decode_reasons
      return [].freeze if @count.zero?

      block = @block
      base = @base
      fields = block.unpack(REASON_FORMATS[@count] ||= Native::REASON_UNPACK * @count, offset: @reasons_at - base)
      Array.new(@count) do |i|
        code_at, code_len, id_at, id_len, points = fields[i * 5, 5]
        Reason.new(-block.byteslice(code_at - base, code_len).force_encoding(Encoding::UTF_8),
                   -block.byteslice(id_at - base, id_len).force_encoding(Encoding::UTF_8), points).freeze
      end.freeze
    end
  end

  # The outcomes, least friction first: :manual_review is terminal (a person decides). A later
  # library may add one: treat a decision you do not know as :manual_review (fail closed);
  # the gem reports an outcome number it does not know as :manual_review.
  DECISIONS = %i[trust identity_match identity_verification manual_review].freeze
  ARMS = [nil, :control, :challenger].freeze

  # The version of the native library loaded.
  def self.library_version
    Native.lr_version
  end

  # A rule set and an evaluation date. Immutable and thread-safe: make one at start-up and
  # share it. #close frees it; one never closed is freed by the garbage collector.
  class Scorer
    attr_reader :rules, :as_of

    # as_of: the evaluation day, "YYYY-MM-DD" or a Date (required; the library never reads a
    # clock). rules: a rules file's path (read as the CLI reads --rules). rules_json: a rules
    # file's text, named rules_name in errors. Neither: the embedded default rules.
    # shadow: a shadow rule set (layer-risk score --shadow), a path or {json:, name:}.
    # rollout: a staged rollout's challenger (--rollout), a path or {json:, name:}, with
    # rollout_share: (0 to 1; --rollout-share).
    #
    # Raises RulesError when a rules file cannot be read or used, ArgumentError for a bad date
    # or option.
    def initialize(as_of:, rules: nil, rules_json: nil, rules_name: nil, shadow: nil, rollout: nil, rollout_share: nil)
      raise ::ArgumentError, "rules and rules_json: give one or the other" if rules && rules_json
      raise ::ArgumentError, "rules_name: names rules_json in errors; give it with rules_json only" if rules_name && !rules_json
      raise ::ArgumentError, "shadow and rollout: give one or the other" if shadow && rollout
      raise ::ArgumentError, "rollout and rollout_share: give both" if rollout.nil? != rollout_share.nil?
      if rollout && !(rollout_share.is_a?(Numeric) && rollout_share >= 0 && rollout_share <= 1)
        raise ::ArgumentError, "rollout_share: expected a number from 0 to 1"
      end

      as_of = as_of.strftime("%Y-%m-%d") if as_of.respond_to?(:strftime)
      raise ::ArgumentError, "as_of: expected a 'YYYY-MM-DD' string or a Date, got #{as_of.class}" unless as_of.is_a?(String)
      [as_of, rules, rules_name].compact.each do |s|
        raise ::ArgumentError, "as_of, rules and rules_name cannot contain a NUL byte" if s.to_s.include?("\0")
      end

      opts = Native.lr_options_new
      err = FFI::MemoryPointer.new(:pointer)
      begin
        if rules
          check(Native.lr_options_set_rules_file(opts, rules.to_s, err), err)
        elsif rules_json
          text = rules_json.b
          check(Native.lr_options_set_rules(opts, text, text.bytesize, rules_name, err), err)
        end
        set_challenger(opts, shadow, nil, err) if shadow
        set_challenger(opts, rollout, rollout_share.to_f, err) if rollout
        check(Native.lr_options_set_as_of(opts, as_of, err), err)
        out = FFI::MemoryPointer.new(:pointer)
        check(Native.lr_scorer_new(opts, out, err), err)
      ensure
        Native.lr_options_free(opts)
      end
      adopt(out.read_pointer, live: false)
    end

    # The Scorer of a C scorer reference (owned from then on); live: handed out by a Live.
    def self.from_handle(raw, live:)
      allocate.tap { |s| s.send(:adopt, raw, live: live) }
    end

    # The second rule set: {mode: :shadow or :rollout, name:, version:, sha256:}, or nil.
    attr_reader :challenger

    # The share of users (0 to 1) a staged rollout gives the challenger, or nil.
    attr_reader :rollout_share

    # Decide on one response body (the JSON Plaid sent, a String) or an envelope ({"session",
    # "applicant", "signals", "rollout_key"}); with applicant (the JSON of what your backend
    # knows of the user, a String, or a Hash that is turned into JSON), on a bare response.
    # The keywords give Plaid's other verdicts beside it, each a response body as received (a
    # String or a Hash): protect: (/protect/compute), identity_match: (/identity/match),
    # identity_verification: (/identity_verification/get), and rollout_key: (the user's key
    # for a staged rollout: a stable id, never an identity value). Giving a part apart is the
    # same decision as giving it in an envelope (the decision id differs: it covers the bytes
    # as given). Returns a Record; raises ParseError when the body or a part is not one (its
    # path under the part's envelope key), ArgumentError for a rollout key that is not UTF-8.
    def assess(body, applicant = nil, protect: nil, identity_match: nil, identity_verification: nil, rollout_key: nil)
      raise TypeError, "body: expected a String, got #{body.class}" unless body.is_a?(String)

      applicant = json_part(:applicant, applicant)
      if protect || identity_match || identity_verification || rollout_key
        parts = { applicant: applicant, protect: json_part(:protect, protect),
                  identity_match: json_part(:identity_match, identity_match),
                  identity_verification: json_part(:identity_verification, identity_verification) }
        unless rollout_key.nil? || rollout_key.is_a?(String)
          raise TypeError, "rollout_key: expected a String, got #{rollout_key.class}"
        end

        parts[:rollout_key] = rollout_key
        return assess_ctx(body, parts)
      end
      buf, cap, needed, err = (Thread.current[:layer_risk_scratch] ||= Scratch.new)
      alen = applicant ? applicant.bytesize : 0
      applicant = EMPTY if applicant && alen.zero?
      # One call: the record block is written into this thread's buffer (nothing to free).
      status = Native.lr_assess_into(@handle || handle, body, body.bytesize, applicant, alen, buf, cap, needed, err)
      if status == Native::LR_ERR_BUFFER # a record bigger than the buffer: grow it and retry
        Native.lr_error_free(err.read_pointer)
        Thread.current[:layer_risk_scratch] = Scratch.new(needed.read(:size_t))
        return assess(body, applicant.equal?(EMPTY) ? "" : applicant)
      end
      raise error(status, err.read_pointer) unless status == Native::LR_OK

      read_record(buf, needed.read(:size_t))
    end

    # Exactly the bytes `layer-risk score --as-of D --jobs 1` prints for data (a JSONL export,
    # or gzip of one): one record per non-blank line, numbered, with error records for lines
    # that are not responses. A binary String. Other threads run meanwhile (the GVL is
    # released). Raises InputError for a corrupt or cut gzip stream.
    def score_jsonl(data)
      raise TypeError, "data: expected a String, got #{data.class}" unless data.is_a?(String)

      out = Native::LrBytes.new
      err = FFI::MemoryPointer.new(:pointer)
      status = Native.lr_score_jsonl(handle, data, data.bytesize, out, err)
      raise error(status, err.read_pointer) unless status == Native::LR_OK

      begin
        out[:len].zero? ? "".b : out[:data].read_bytes(out[:len])
      ensure
        Native.lr_bytes_free(out)
      end
    end

    # Free the native scorer now. Later calls raise IOError; closing twice is harmless. Call it
    # once no call on the scorer is running. A scorer from Live#current is shared with other
    # threads: close leaves it to the garbage collector.
    def close
      return nil if @live

      @mutex.synchronize do
        h = @handle
        @handle = nil
        h&.free
      end
      nil
    end

    def closed?
      @handle.nil?
    end

    def inspect
      c = @challenger ? " #{@challenger[:mode]}=#{@challenger[:name]}@#{@challenger[:version]}" : ""
      "#<LayerRisk::Scorer rules=#{@rules[:name]}@#{@rules[:version]}#{c} as_of=#{@as_of}>"
    end

    # The native scorer, for Live (raises IOError when closed).
    def native_handle
      handle
    end

    # An applicant of zero bytes still needs a pointer that is not NULL (NULL means none).
    EMPTY = FFI::MemoryPointer.new(:uint8, 1)
    private_constant :EMPTY

    private

    def handle
      @handle || raise(IOError, "layer-risk: the scorer is closed")
    end

    def adopt(raw, live:)
      @rules = {
        name: Native.lr_scorer_rules_name(raw),
        version: Native.lr_scorer_rules_version(raw),
        sha256: Native.lr_scorer_rules_sha256(raw)
      }.freeze
      @as_of = Native.lr_scorer_as_of(raw).freeze
      mode = { Native::LR_CHALLENGER_SHADOW => :shadow, Native::LR_CHALLENGER_ROLLOUT => :rollout }[Native.lr_scorer_challenger_mode(raw)]
      @challenger = mode && {
        mode: mode, name: Native.lr_scorer_challenger_name(raw),
        version: Native.lr_scorer_challenger_version(raw), sha256: Native.lr_scorer_challenger_sha256(raw)
      }.freeze
      share = Native.lr_scorer_rollout_share(raw)
      @rollout_share = share.negative? ? nil : share
      @handle = FFI::AutoPointer.new(raw, Native.method(:lr_scorer_free))
      @mutex = Mutex.new
      @live = live
    end

    # source: a path, or {json:, name:}; share nil for a shadow.
    def set_challenger(opts, source, share, err)
      if source.is_a?(Hash)
        text = source.fetch(:json) { raise ::ArgumentError, "json: required in a rules Hash" }.to_s.b
        name = source[:name]
        raise ::ArgumentError, "name cannot contain a NUL byte" if name.to_s.include?("\0")

        st = if share
               Native.lr_options_set_rollout_rules(opts, text, text.bytesize, name, share, err)
             else
               Native.lr_options_set_shadow_rules(opts, text, text.bytesize, name, err)
             end
      else
        path = source.to_s
        raise ::ArgumentError, "a rules path cannot contain a NUL byte" if path.include?("\0")

        st = share ? Native.lr_options_set_rollout_rules_file(opts, path, share, err) : Native.lr_options_set_shadow_rules_file(opts, path, err)
      end
      check(st, err)
    end

    # A part as JSON bytes: a String as it is, a Hash turned into JSON, nil for none.
    def json_part(name, value)
      case value
      when nil, String then value
      when Hash
        require "json"
        JSON.generate(value)
      else raise TypeError, "#{name}: expected a String or a Hash, got #{value.class}"
      end
    end

    # lr_assess_ctx_into with this thread's context (cleared and filled for the call).
    def assess_ctx(body, parts)
      buf, cap, needed, err = (Thread.current[:layer_risk_scratch] ||= Scratch.new)
      ctx = (Thread.current[:layer_risk_context] ||= FFI::AutoPointer.new(Native.lr_context_new, Native.method(:lr_context_free)))
      Native.lr_context_clear(ctx, nil)
      parts.each do |name, value|
        next if value.nil?

        data = value.bytesize.zero? ? EMPTY : value
        status = Native.lr_context_set(ctx, Native::PARTS.fetch(name), data, value.bytesize, err)
        raise error(status, err.read_pointer) unless status == Native::LR_OK
      end
      status = Native.lr_assess_ctx_into(handle, body, body.bytesize, ctx, buf, cap, needed, err)
      if status == Native::LR_ERR_BUFFER
        Native.lr_error_free(err.read_pointer)
        Thread.current[:layer_risk_scratch] = Scratch.new(needed.read(:size_t))
        return assess_ctx(body, parts)
      end
      raise error(status, err.read_pointer) unless status == Native::LR_OK

      read_record(buf, needed.read(:size_t))
    ensure
      Native.lr_context_clear(ctx, nil) if ctx # hold no part (no identity value) past the call
    end

    # Per-thread room for lr_assess_into: the record buffer, its size, *needed and *err.
    module Scratch
      def self.new(cap = 64 << 10)
        buf = FFI::MemoryPointer.new(:uint64, (cap + 7) / 8) # malloc'd: 8-byte aligned
        [buf, buf.size, FFI::MemoryPointer.new(:size_t), FFI::MemoryPointer.new(:pointer)].freeze
      end
    end
    private_constant :Scratch

    def check(status, err)
      raise error(status, err.read_pointer) unless status == Native::LR_OK
    end

    # The record block lr_assess_into wrote to buf (the record and all it points to, size
    # bytes): copied out in one read and sliced.
    def read_record(buf, size)
      base = buf.address
      block = buf.get_bytes(0, size)
      json_at, json_len, decision, score, id_at, id_len, reasons_at, n = block.unpack(Native::RECORD_UNPACK)
      json = block.byteslice(json_at - base, json_len).force_encoding(Encoding::UTF_8)
      request_id = id_at.zero? ? nil : block.byteslice(id_at - base, id_len).force_encoding(Encoding::UTF_8)
      Record.new(DECISIONS[decision] || Scorer.decision_of(decision), score, request_id, json, block, base, reasons_at, n)
    end

    # The decision of an LR_DECISION_* number; one the gem does not know is :manual_review.
    def self.decision_of(number)
      (number >= 0 && DECISIONS[number]) || :manual_review
    end

    def error(status, ptr)
      return Error.new("layer-risk: a call failed without an error (status #{status})", code: "panic") if ptr.null?

      e = Native::LrError.new(ptr)
      code = e[:code].read_string.force_encoding(Encoding::UTF_8)
      message = e[:message].read_string.force_encoding(Encoding::UTF_8)
      path = e[:path].null? ? nil : e[:path].read_string.force_encoding(Encoding::UTF_8)
      located = { code: code, line: e[:line], column: e[:column], path: path }
      case status
      when Native::LR_ERR_PARSE
        ParseError.new(message, decision_id: e[:decision_id].null? ? nil : e[:decision_id].read_string, **located)
      when Native::LR_ERR_RULES then RulesError.new(message, **located)
      when Native::LR_ERR_ARGUMENT then ::ArgumentError.new(message)
      when Native::LR_ERR_INPUT then InputError.new(message, code: code)
      else Error.new(message, **located)
      end
    ensure
      Native.lr_error_free(ptr) unless ptr.null?
    end
  end

  # The scorer a long-running backend decides with, reloaded (new rules, a new day, another
  # scorer) while threads use it, without a restart. It is the C ABI's LrLive: a reload
  # builds the replacement from the current scorer (the same date and shadow or rollout, or
  # the same rules) and swaps only when it loaded, so a broken rules file never becomes live:
  # the working scorer stays and the RulesError comes back.
  #
  # Take the scorer with #current for each request and use it for the whole request: a
  # reload makes a new one and never changes or frees one in use (the replaced one is freed
  # by the garbage collector once no thread holds it; #close on it does nothing). #current
  # takes no lock and makes no native call; reloads are applied one at a time (a Mutex).
  #
  #   live = LayerRisk::Live.new(LayerRisk::Scorer.new(rules: path, as_of: Date.today))
  #   live.current.assess(body)          # per request
  #   live.reload_rules(path)            # on SIGHUP: a broken file raises, the old rules stay
  #   live.as_of = Date.today            # when the day changes
  class Live
    # A live handle whose first scorer is scorer (which stays yours; the handle holds its own
    # reference). Raises IOError when scorer is closed.
    def initialize(scorer)
      raise TypeError, "scorer: expected a LayerRisk::Scorer, got #{scorer.class}" unless scorer.is_a?(Scorer)

      out = FFI::MemoryPointer.new(:pointer)
      err = FFI::MemoryPointer.new(:pointer)
      status = Native.lr_live_new(scorer.native_handle, out, err)
      raise scorer.send(:error, status, err.read_pointer) unless status == Native::LR_OK

      @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:lr_live_free))
      @mutex = Mutex.new
      refresh
    end

    # The scorer now live.
    def current
      @current
    end

    # Replace the live rules with the rules file at path (read as the CLI reads --rules),
    # keeping the date and the shadow or rollout. Raises RulesError (nothing changes then).
    def reload_rules(path)
      path = path.to_s
      raise ::ArgumentError, "path cannot contain a NUL byte" if path.include?("\0")

      change { |h, err| Native.lr_live_reload_rules_file(h, path, err) }
    end

    # reload_rules with a rules file's text, named name in errors (default "rules").
    def reload_rules_json(text, name: nil)
      raise TypeError, "text: expected a String, got #{text.class}" unless text.is_a?(String)
      raise ::ArgumentError, "name cannot contain a NUL byte" if name.to_s.include?("\0")

      bytes = text.b
      change { |h, err| Native.lr_live_reload_rules(h, bytes, bytes.bytesize, name, err) }
    end

    # Move the live scorer to another evaluation day ("YYYY-MM-DD" or a Date), keeping its
    # rules and challenger. Raises ArgumentError for a bad date (nothing changes then).
    def as_of=(date)
      date = date.strftime("%Y-%m-%d") if date.respond_to?(:strftime)
      raise ::ArgumentError, "as_of: expected a 'YYYY-MM-DD' string or a Date" unless date.is_a?(String) && !date.include?("\0")

      change { |h, err| Native.lr_live_set_as_of(h, date, err) }
    end

    # Make scorer the live one (a scorer built from new options: a new shadow, a promoted
    # challenger). It stays yours; the handle holds its own reference.
    def replace(scorer)
      raise TypeError, "scorer: expected a LayerRisk::Scorer, got #{scorer.class}" unless scorer.is_a?(Scorer)

      s = scorer.native_handle
      change { |h, err| Native.lr_live_replace(h, s, err) }
    end

    # Free the live handle. Scorers taken from #current stay usable and #current keeps
    # returning the last one; reloads then raise IOError.
    def close
      @mutex.synchronize do
        h = @handle
        @handle = nil
        h&.free
      end
      nil
    end

    def inspect
      "#<LayerRisk::Live current=#{@current.inspect}>"
    end

    private

    def refresh
      @current = Scorer.from_handle(Native.lr_live_current(@handle), live: true)
    end

    def change
      @mutex.synchronize do
        raise IOError, "layer-risk: the live scorer is closed" unless @handle

        err = FFI::MemoryPointer.new(:pointer)
        status = yield(@handle, err)
        raise @current.send(:error, status, err.read_pointer) unless status == Native::LR_OK

        refresh
      end
      self
    end
  end
end
