package com.layerrisk;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C ABI (bindings/c/include/layer_risk.h) through the Foreign Function and Memory API:
 * the library's functions as method handles and its structs as layouts. Nothing else in the
 * package touches native memory.
 */
@SuppressWarnings("restricted") // this is the one place that talks to native code
final class Native {
    private Native() {}

    /** The C ABI version this package was written for. */
    static final int ABI_VERSION = 1;

    static final int LR_OK = 0;
    static final int LR_ERR_PARSE = 1;
    static final int LR_ERR_RULES = 2;
    static final int LR_ERR_ARGUMENT = 3;
    static final int LR_ERR_INPUT = 4;
    static final int LR_DECISION_NONE = -1;
    static final int LR_CHALLENGER_SHADOW = 1;
    static final int LR_CHALLENGER_ROLLOUT = 2;
    static final int LR_PART_APPLICANT = 0;
    static final int LR_PART_PROTECT = 1;
    static final int LR_PART_IDENTITY_MATCH = 2;
    static final int LR_PART_IDENTITY_VERIFICATION = 3;
    static final int LR_PART_ROLLOUT_KEY = 4;

    // typedef struct LrStr { const char *ptr; size_t len; } LrStr;
    static final StructLayout STR = MemoryLayout.structLayout(ADDRESS.withName("ptr"), JAVA_LONG.withName("len"));
    // typedef struct LrReason { LrStr code; LrStr rule_id; uint32_t points; } LrReason;
    static final StructLayout REASON = MemoryLayout.structLayout(
            STR.withName("code"), STR.withName("rule_id"), JAVA_INT.withName("points"), MemoryLayout.paddingLayout(4));
    // typedef struct LrRecord {...} LrRecord;
    static final StructLayout RECORD = MemoryLayout.structLayout(
            ADDRESS.withName("json"), JAVA_LONG.withName("json_len"),
            JAVA_INT.withName("decision"), JAVA_INT.withName("score"),
            STR.withName("request_id"),
            ADDRESS.withName("reasons"), JAVA_LONG.withName("reasons_len"),
            JAVA_LONG.withName("size"),
            STR.withName("decision_id"),
            JAVA_INT.withName("arm"), JAVA_INT.withName("shadow_decision"),
            STR.withName("shadow_decision_id"));
    // typedef struct LrError {...} LrError;
    static final StructLayout ERROR = MemoryLayout.structLayout(
            JAVA_INT.withName("status"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("code"), ADDRESS.withName("message"),
            JAVA_LONG.withName("line"), JAVA_LONG.withName("column"),
            ADDRESS.withName("path"), ADDRESS.withName("decision_id"));
    // typedef struct LrBytes { uint8_t *data; size_t len; size_t capacity; } LrBytes;
    static final StructLayout BYTES = MemoryLayout.structLayout(
            ADDRESS.withName("data"), JAVA_LONG.withName("len"), JAVA_LONG.withName("capacity"));

    static final long RECORD_JSON = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("json"));
    static final long RECORD_JSON_LEN = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("json_len"));
    static final long RECORD_DECISION = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("decision"));
    static final long RECORD_SCORE = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("score"));
    static final long RECORD_REQUEST_ID = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("request_id"));
    static final long RECORD_REASONS = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("reasons"));
    static final long RECORD_REASONS_LEN = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("reasons_len"));
    static final long RECORD_DECISION_ID = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("decision_id"));
    static final long RECORD_ARM = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("arm"));
    static final long RECORD_SHADOW_DECISION = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("shadow_decision"));
    static final long RECORD_SHADOW_DECISION_ID = RECORD.byteOffset(MemoryLayout.PathElement.groupElement("shadow_decision_id"));
    static final long ERROR_DECISION_ID = ERROR.byteOffset(MemoryLayout.PathElement.groupElement("decision_id"));

    static final MethodHandle ABI_VERSION_FN;
    static final MethodHandle VERSION;
    static final MethodHandle OPTIONS_NEW;
    static final MethodHandle OPTIONS_FREE;
    static final MethodHandle OPTIONS_SET_RULES;
    static final MethodHandle OPTIONS_SET_RULES_FILE;
    static final MethodHandle OPTIONS_SET_AS_OF;
    static final MethodHandle SCORER_NEW;
    static final MethodHandle SCORER_FREE;
    static final MethodHandle SCORER_RULES_NAME;
    static final MethodHandle SCORER_RULES_VERSION;
    static final MethodHandle SCORER_RULES_SHA256;
    static final MethodHandle SCORER_AS_OF;
    /** lr_assess as a critical call: it takes Java byte arrays in place (a few µs, no upcall). */
    static final MethodHandle ASSESS;
    static final MethodHandle RECORD_FREE;
    static final MethodHandle SCORE_JSONL;
    static final MethodHandle BYTES_FREE;
    static final MethodHandle ERROR_FREE;
    static final MethodHandle OPTIONS_SET_SHADOW_RULES;
    static final MethodHandle OPTIONS_SET_SHADOW_RULES_FILE;
    static final MethodHandle OPTIONS_SET_ROLLOUT_RULES;
    static final MethodHandle OPTIONS_SET_ROLLOUT_RULES_FILE;
    static final MethodHandle SCORER_CHALLENGER_MODE;
    static final MethodHandle SCORER_CHALLENGER_NAME;
    static final MethodHandle SCORER_CHALLENGER_VERSION;
    static final MethodHandle SCORER_CHALLENGER_SHA256;
    static final MethodHandle SCORER_ROLLOUT_SHARE;
    static final MethodHandle CONTEXT_NEW;
    static final MethodHandle CONTEXT_FREE;
    /** lr_context_set as a critical call: it copies a Java byte array in place. */
    static final MethodHandle CONTEXT_SET;
    /** lr_assess_ctx as a critical call, like ASSESS. */
    static final MethodHandle ASSESS_CTX;
    static final MethodHandle LIVE_NEW;
    static final MethodHandle LIVE_FREE;
    static final MethodHandle LIVE_CURRENT;
    static final MethodHandle LIVE_REPLACE;
    static final MethodHandle LIVE_RELOAD_RULES;
    static final MethodHandle LIVE_RELOAD_RULES_FILE;
    static final MethodHandle LIVE_SET_AS_OF;

    static {
        SymbolLookup lib = SymbolLookup.libraryLookup(libraryPath(), Arena.global());
        Linker linker = Linker.nativeLinker();
        ABI_VERSION_FN = fn(linker, lib, "lr_abi_version", FunctionDescriptor.of(JAVA_INT));
        int abi = call(() -> (int) ABI_VERSION_FN.invokeExact());
        if (abi != ABI_VERSION) {
            throw new UnsatisfiedLinkError("layer-risk: the native library implements C ABI version " + abi
                    + ", this package needs " + ABI_VERSION + ": rebuild it (cargo build --release --locked -p layer-risk-c)");
        }
        VERSION = fn(linker, lib, "lr_version", FunctionDescriptor.of(ADDRESS));
        OPTIONS_NEW = fn(linker, lib, "lr_options_new", FunctionDescriptor.of(ADDRESS));
        OPTIONS_FREE = fn(linker, lib, "lr_options_free", FunctionDescriptor.ofVoid(ADDRESS));
        OPTIONS_SET_RULES = fn(linker, lib, "lr_options_set_rules",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        OPTIONS_SET_RULES_FILE = fn(linker, lib, "lr_options_set_rules_file",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        OPTIONS_SET_AS_OF = fn(linker, lib, "lr_options_set_as_of",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        SCORER_NEW = fn(linker, lib, "lr_scorer_new", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        SCORER_FREE = fn(linker, lib, "lr_scorer_free", FunctionDescriptor.ofVoid(ADDRESS));
        SCORER_RULES_NAME = fn(linker, lib, "lr_scorer_rules_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        SCORER_RULES_VERSION = fn(linker, lib, "lr_scorer_rules_version", FunctionDescriptor.of(ADDRESS, ADDRESS));
        SCORER_RULES_SHA256 = fn(linker, lib, "lr_scorer_rules_sha256", FunctionDescriptor.of(ADDRESS, ADDRESS));
        SCORER_AS_OF = fn(linker, lib, "lr_scorer_as_of", FunctionDescriptor.of(ADDRESS, ADDRESS));
        ASSESS = linker.downcallHandle(lib.find("lr_assess").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS),
                Linker.Option.critical(true));
        RECORD_FREE = fn(linker, lib, "lr_record_free", FunctionDescriptor.ofVoid(ADDRESS));
        SCORE_JSONL = fn(linker, lib, "lr_score_jsonl",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        BYTES_FREE = fn(linker, lib, "lr_bytes_free", FunctionDescriptor.ofVoid(ADDRESS));
        ERROR_FREE = fn(linker, lib, "lr_error_free", FunctionDescriptor.ofVoid(ADDRESS));
        OPTIONS_SET_SHADOW_RULES = fn(linker, lib, "lr_options_set_shadow_rules",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        OPTIONS_SET_SHADOW_RULES_FILE = fn(linker, lib, "lr_options_set_shadow_rules_file",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        OPTIONS_SET_ROLLOUT_RULES = fn(linker, lib, "lr_options_set_rollout_rules",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_DOUBLE, ADDRESS));
        OPTIONS_SET_ROLLOUT_RULES_FILE = fn(linker, lib, "lr_options_set_rollout_rules_file",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE, ADDRESS));
        SCORER_CHALLENGER_MODE = fn(linker, lib, "lr_scorer_challenger_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        SCORER_CHALLENGER_NAME = fn(linker, lib, "lr_scorer_challenger_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
        SCORER_CHALLENGER_VERSION = fn(linker, lib, "lr_scorer_challenger_version", FunctionDescriptor.of(ADDRESS, ADDRESS));
        SCORER_CHALLENGER_SHA256 = fn(linker, lib, "lr_scorer_challenger_sha256", FunctionDescriptor.of(ADDRESS, ADDRESS));
        SCORER_ROLLOUT_SHARE = fn(linker, lib, "lr_scorer_rollout_share", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
        CONTEXT_NEW = fn(linker, lib, "lr_context_new", FunctionDescriptor.of(ADDRESS));
        CONTEXT_FREE = fn(linker, lib, "lr_context_free", FunctionDescriptor.ofVoid(ADDRESS));
        CONTEXT_SET = linker.downcallHandle(lib.find("lr_context_set").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS),
                Linker.Option.critical(true));
        ASSESS_CTX = linker.downcallHandle(lib.find("lr_assess_ctx").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS),
                Linker.Option.critical(true));
        LIVE_NEW = fn(linker, lib, "lr_live_new", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        LIVE_FREE = fn(linker, lib, "lr_live_free", FunctionDescriptor.ofVoid(ADDRESS));
        LIVE_CURRENT = fn(linker, lib, "lr_live_current", FunctionDescriptor.of(ADDRESS, ADDRESS));
        LIVE_REPLACE = fn(linker, lib, "lr_live_replace", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        LIVE_RELOAD_RULES = fn(linker, lib, "lr_live_reload_rules",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        LIVE_RELOAD_RULES_FILE = fn(linker, lib, "lr_live_reload_rules_file",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        LIVE_SET_AS_OF = fn(linker, lib, "lr_live_set_as_of", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    private static MethodHandle fn(Linker linker, SymbolLookup lib, String name, FunctionDescriptor d) {
        MemorySegment sym = lib.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("layer-risk: the native library has no " + name));
        return linker.downcallHandle(sym, d);
    }

    /**
     * Where the native library is: the system property {@code layerrisk.library}, the
     * environment variable {@code LAYER_RISK_LIB}, the copy packed into the jar (extracted to
     * a temporary file), or {@code liblayer_risk_c.so} on the system's library path.
     */
    private static Path libraryPath() {
        String explicit = System.getProperty("layerrisk.library");
        if (explicit == null || explicit.isEmpty()) {
            explicit = System.getenv("LAYER_RISK_LIB");
        }
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String name = System.mapLibraryName("layer_risk_c");
        String resource = "native/" + platform() + "/" + name;
        try (InputStream in = Native.class.getResourceAsStream(resource)) {
            if (in != null) {
                Path tmp = Files.createTempFile("layer-risk-", "-" + name);
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return tmp;
            }
        } catch (IOException e) {
            throw new UncheckedIOExceptionWithContext("layer-risk: cannot extract the native library", e);
        }
        return Path.of(name);
    }

    static String platform() {
        String os = System.getProperty("os.name").toLowerCase().startsWith("linux") ? "linux"
                : System.getProperty("os.name").toLowerCase().replace(' ', '-');
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
        return os + "-" + arch;
    }

    /** A UTF-8, NUL-terminated C string at {@code p} (not freed). */
    static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        return p.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated UTF-8 copy of {@code s} in {@code arena}. */
    static MemorySegment cString(Arena arena, String s) {
        return arena.allocateFrom(s, StandardCharsets.UTF_8);
    }

    /** An LrStr's bytes as a String, or null for a NULL pointer. */
    static String str(MemorySegment base, long offset) {
        MemorySegment ptr = base.get(ADDRESS, offset);
        if (ptr.equals(MemorySegment.NULL)) {
            return null;
        }
        long len = base.get(JAVA_LONG, offset + ADDRESS.byteSize());
        byte[] b = new byte[Math.toIntExact(len)];
        MemorySegment.copy(ptr.reinterpret(len), ValueLayout.JAVA_BYTE, 0, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static final Cleaner CLEANER = Cleaner.create();

    /**
     * A C handle owned by a Java object ({@link Scorer}, {@link LiveScorer}): it lives in a
     * shared arena whose close frees it with {@code free}, so a call in flight keeps it alive
     * (close then fails instead of freeing it under the call) and a call after close fails.
     * Closed by {@link #close()}, or by the cleaner once the owner is unreachable.
     */
    @SuppressWarnings("restricted") // the free as the arena's cleanup
    static final class Owned {
        final MemorySegment handle;
        private final Arena arena;
        private final Cleaner.Cleanable cleanable;

        Owned(Object owner, MemorySegment raw, MethodHandle free) {
            this.arena = Arena.ofShared();
            this.handle = raw.reinterpret(arena, p -> call(() -> {
                free.invokeExact(p);
                return null;
            }));
            Arena a = arena;
            this.cleanable = CLEANER.register(owner, () -> {
                try {
                    a.close();
                } catch (IllegalStateException alreadyClosed) {
                    // closed by close()
                }
            });
        }

        /** Free the handle now; throws IllegalStateException while a call is using it. */
        void close() {
            arena.close();
            cleanable.clean();
        }
    }

    interface Call<T> {
        T run() throws Throwable;
    }

    /** A downcall; the handles' exact types make anything but an Error impossible. */
    static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("layer-risk: native call failed", t);
        }
    }

    /** An IOException while loading the library, unchecked. */
    static final class UncheckedIOExceptionWithContext extends java.io.UncheckedIOException {
        private static final long serialVersionUID = 1L;

        UncheckedIOExceptionWithContext(String message, IOException cause) {
            super(message, cause);
        }
    }
}
