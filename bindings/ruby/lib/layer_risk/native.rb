# frozen_string_literal: true

require "ffi"

module LayerRisk
  # The C ABI (bindings/c/include/layer_risk.h) through ruby-ffi: the library's functions and
  # structs. Nothing else in the gem touches native memory.
  module Native
    extend FFI::Library

    # The C ABI version this gem was written for.
    ABI_VERSION = 1

    LR_OK = 0
    LR_ERR_PARSE = 1
    LR_ERR_RULES = 2
    LR_ERR_ARGUMENT = 3
    LR_ERR_INPUT = 4
    LR_ERR_BUFFER = 6
    LR_DECISION_NONE = -1
    LR_CHALLENGER_SHADOW = 1
    LR_CHALLENGER_ROLLOUT = 2
    # Context parts (lr_context_set), by keyword.
    PARTS = { applicant: 0, protect: 1, identity_match: 2, identity_verification: 3, rollout_key: 4 }.freeze

    # Where the library is: $LAYER_RISK_LIB, the copy packed into the gem, or the checkout's
    # cargo build (target/release).
    def self.library_path
      env = ENV["LAYER_RISK_LIB"]
      return env if env && !env.empty?

      name = FFI.map_library_name("layer_risk_c")
      [File.expand_path("native/#{name}", __dir__),
       File.expand_path("../../../../target/release/#{name}", __dir__)].find { |p| File.exist?(p) } ||
        raise(LoadError, "layer-risk: #{name} not found; build it with " \
                         "`cargo build --release --locked -p layer-risk-c` or set LAYER_RISK_LIB")
    end

    ffi_lib library_path

    # typedef struct LrStr { const char *ptr; size_t len; } LrStr;
    class LrStr < FFI::Struct
      layout :ptr, :pointer, :len, :size_t
    end

    # typedef struct LrReason { LrStr code; LrStr rule_id; uint32_t points; } LrReason;
    class LrReason < FFI::Struct
      layout :code, LrStr, :rule_id, LrStr, :points, :uint32
    end

    # typedef struct LrError {...} LrError;
    class LrError < FFI::Struct
      layout :status, :int32, :code, :pointer, :message, :pointer,
             :line, :uint64, :column, :uint64, :path, :pointer, :decision_id, :pointer
    end

    # typedef struct LrBytes { uint8_t *data; size_t len; size_t capacity; } LrBytes;
    class LrBytes < FFI::Struct
      layout :data, :pointer, :len, :size_t, :capacity, :size_t
    end

    # LrRecord: json, json_len, decision, score, request_id.ptr, request_id.len, reasons,
    # reasons_len, size, then (added later, at the end) decision_id.ptr, decision_id.len, arm,
    # shadow_decision, shadow_decision_id.ptr, shadow_decision_id.len at byte RECORD_TAIL_AT.
    # The record and all it points to lie in one block of `size` bytes starting at the record,
    # so Scorer#read_record copies it out in one read and slices it.
    RECORD_UNPACK = "Q<Q<l<L<Q<Q<Q<Q<Q<"
    RECORD_TAIL_AT = 64
    RECORD_TAIL_UNPACK = "Q<Q<l<l<Q<Q<"
    # LrReason: code.ptr, code.len, rule_id.ptr, rule_id.len, points (+ 4 bytes of padding).
    REASON_UNPACK = "Q<Q<Q<Q<L<x4"

    attach_function :lr_abi_version, [], :uint32
    attach_function :lr_version, [], :string
    attach_function :lr_options_new, [], :pointer
    attach_function :lr_options_free, [:pointer], :void
    attach_function :lr_options_set_rules, %i[pointer buffer_in size_t string pointer], :int32
    attach_function :lr_options_set_rules_file, %i[pointer string pointer], :int32
    attach_function :lr_options_set_as_of, %i[pointer string pointer], :int32
    attach_function :lr_scorer_new, %i[pointer pointer pointer], :int32
    attach_function :lr_scorer_free, [:pointer], :void
    attach_function :lr_scorer_rules_name, [:pointer], :string
    attach_function :lr_scorer_rules_version, [:pointer], :string
    attach_function :lr_scorer_rules_sha256, [:pointer], :string
    attach_function :lr_scorer_as_of, [:pointer], :string
    attach_function :lr_assess, %i[pointer buffer_in size_t buffer_in size_t pointer pointer], :int32
    attach_function :lr_assess_into,
                    %i[pointer buffer_in size_t buffer_in size_t pointer size_t pointer pointer], :int32
    attach_function :lr_record_free, [:pointer], :void
    # Releases the GVL: other Ruby threads run while an export is scored.
    attach_function :lr_score_jsonl, %i[pointer buffer_in size_t pointer pointer], :int32, blocking: true
    attach_function :lr_bytes_free, [:pointer], :void
    attach_function :lr_error_free, [:pointer], :void
    attach_function :lr_options_set_shadow_rules, %i[pointer buffer_in size_t string pointer], :int32
    attach_function :lr_options_set_shadow_rules_file, %i[pointer string pointer], :int32
    attach_function :lr_options_set_rollout_rules, %i[pointer buffer_in size_t string double pointer], :int32
    attach_function :lr_options_set_rollout_rules_file, %i[pointer string double pointer], :int32
    attach_function :lr_scorer_challenger_mode, [:pointer], :int32
    attach_function :lr_scorer_challenger_name, [:pointer], :string
    attach_function :lr_scorer_challenger_version, [:pointer], :string
    attach_function :lr_scorer_challenger_sha256, [:pointer], :string
    attach_function :lr_scorer_rollout_share, [:pointer], :double
    attach_function :lr_context_new, [], :pointer
    attach_function :lr_context_free, [:pointer], :void
    attach_function :lr_context_set, %i[pointer int32 buffer_in size_t pointer], :int32
    attach_function :lr_context_clear, %i[pointer pointer], :int32
    attach_function :lr_assess_ctx_into,
                    %i[pointer buffer_in size_t pointer pointer size_t pointer pointer], :int32
    attach_function :lr_live_new, %i[pointer pointer pointer], :int32
    attach_function :lr_live_free, [:pointer], :void
    attach_function :lr_live_current, [:pointer], :pointer
    attach_function :lr_live_replace, %i[pointer pointer pointer], :int32
    attach_function :lr_live_reload_rules, %i[pointer buffer_in size_t string pointer], :int32
    attach_function :lr_live_reload_rules_file, %i[pointer string pointer], :int32
    attach_function :lr_live_set_as_of, %i[pointer string pointer], :int32

    if lr_abi_version != ABI_VERSION
      raise LoadError, "layer-risk: the native library implements C ABI version #{lr_abi_version}, " \
                       "this gem needs #{ABI_VERSION}: rebuild it (cargo build --release --locked -p layer-risk-c)"
    end
  end
end
