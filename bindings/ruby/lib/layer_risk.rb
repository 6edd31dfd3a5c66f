# frozen_string_literal: true

require_relative "layer_risk/version"
require_relative "layer_risk/native"

# Decide, right after POST /user_account/session/get, whether a backend can trust the identity
# Plaid Layer returned, or must step the user up to Identity Match or Identity Verification.
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

  # A body (or applicant) that is not a Plaid Layer response: #code is truncated,
  # invalid_json, invalid_utf8, wrong_type, invalid_value, duplicate_field, not_an_object,
  # ambiguous_envelope or invalid_data.
  class ParseError < Error; end

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
    attr_reader :decision, :score, :request_id, :json

    # block: the record's bytes copied out of the library, base: the address they came from,
    # reasons_at/count: where its reasons were (see Scorer#take_record).
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

    # The reasons, heaviest first: [Reason(code, rule_id, points)] (frozen).
    def reasons
      @reasons ||= decode_reasons
    end

    # The reason codes, heaviest first.
    def reason_codes
      reasons.map(&:code)
    end

    def inspect
      "#<LayerRisk::Record #{@decision} score=#{@score} request_id=#{@request_id.inspect} reasons=#{reason_codes}>"
    end
    alias to_s inspect

    REASON_FORMATS = {} # rubocop:disable Style/MutableConstant -- unpack formats by count, a cache
    private_constant :REASON_FORMATS

    private

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

  DECISIONS = %i[trust identity_match identity_verification].freeze

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
    #
    # Raises RulesError when the rules cannot be read or used, ArgumentError for a bad date.
    def initialize(as_of:, rules: nil, rules_json: nil, rules_name: nil)
      raise ::ArgumentError, "rules and rules_json: give one or the other" if rules && rules_json
      raise ::ArgumentError, "rules_name: names rules_json in errors; give it with rules_json only" if rules_name && !rules_json

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
        check(Native.lr_options_set_as_of(opts, as_of, err), err)
        out = FFI::MemoryPointer.new(:pointer)
        check(Native.lr_scorer_new(opts, out, err), err)
      ensure
        Native.lr_options_free(opts)
      end
      raw = out.read_pointer
      @rules = {
        name: Native.lr_scorer_rules_name(raw),
        version: Native.lr_scorer_rules_version(raw),
        sha256: Native.lr_scorer_rules_sha256(raw)
      }.freeze
      @as_of = Native.lr_scorer_as_of(raw).freeze
      @handle = FFI::AutoPointer.new(raw, Native.method(:lr_scorer_free))
      @mutex = Mutex.new
    end

    # Decide on one response body (the JSON Plaid sent, a String) or a {"session",
    # "applicant"} envelope; with applicant (the JSON of what your backend knows of the user,
    # a String, or a Hash that is turned into JSON), on a bare response. Returns a Record;
    # raises ParseError when the body or applicant is not one.
    def assess(body, applicant = nil)
      raise TypeError, "body: expected a String, got #{body.class}" unless body.is_a?(String)

      if applicant.is_a?(Hash)
        require "json"
        applicant = JSON.generate(applicant)
      elsif !applicant.nil? && !applicant.is_a?(String)
        raise TypeError, "applicant: expected a String or a Hash, got #{applicant.class}"
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
    # once no call on the scorer is running.
    def close
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
      "#<LayerRisk::Scorer rules=#{@rules[:name]}@#{@rules[:version]} as_of=#{@as_of}>"
    end

    # An applicant of zero bytes still needs a pointer that is not NULL (NULL means none).
    EMPTY = FFI::MemoryPointer.new(:uint8, 1)
    private_constant :EMPTY

    private

    def handle
      @handle || raise(IOError, "layer-risk: the scorer is closed")
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
      Record.new(DECISIONS[decision], score, request_id, json, block, base, reasons_at, n)
    end

    def error(status, ptr)
      return Error.new("layer-risk: a call failed without an error (status #{status})", code: "panic") if ptr.null?

      e = Native::LrError.new(ptr)
      code = e[:code].read_string.force_encoding(Encoding::UTF_8)
      message = e[:message].read_string.force_encoding(Encoding::UTF_8)
      path = e[:path].null? ? nil : e[:path].read_string.force_encoding(Encoding::UTF_8)
      located = { code: code, line: e[:line], column: e[:column], path: path }
      case status
      when Native::LR_ERR_PARSE then ParseError.new(message, **located)
      when Native::LR_ERR_RULES then RulesError.new(message, **located)
      when Native::LR_ERR_ARGUMENT then ::ArgumentError.new(message)
      when Native::LR_ERR_INPUT then InputError.new(message, code: code)
      else Error.new(message, **located)
      end
    ensure
      Native.lr_error_free(ptr) unless ptr.null?
    end
  end
end
