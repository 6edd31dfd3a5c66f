package com.layerrisk;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-call cost of the three Java bridges on the same work (lr_assess on a byte[], the
 * record's JSON copied into a new byte[], the record freed), on the lines of
 * bindings/c/bench/lines.sh (whose core-alone cost bindings/c's percall example gives); then the package's full assess() and bulk scoreJsonl against the CLI.
 * bench/run.sh builds and runs it. Best of RUNS rounds, the cases taking turns.
 */
public final class BridgeBench {
    static native long jniScorer(String asOf);

    static native byte[] jniAssess(long scorer, byte[] body);

    static native void jniFree(long scorer);

    /** JNA, direct mapping (the faster of its two styles). */
    static final class Jna {
        static native int lr_assess(Pointer scorer, byte[] body, long len, Pointer applicant, long alen,
                PointerByReference out, PointerByReference err);

        static native void lr_record_free(Pointer record);

        static native void lr_error_free(Pointer err);

        static native Pointer lr_options_new();

        static native int lr_options_set_as_of(Pointer opts, String date, Pointer err);

        static native int lr_scorer_new(Pointer opts, PointerByReference out, Pointer err);

        static byte[] assess(Pointer scorer, byte[] body, PointerByReference out, PointerByReference err) {
            if (lr_assess(scorer, body, body.length, null, 0, out, err) != 0) {
                lr_error_free(err.getValue());
                return null;
            }
            Pointer rec = out.getValue();
            byte[] json = rec.getPointer(0).getByteArray(0, (int) rec.getLong(8));
            lr_record_free(rec);
            return json;
        }
    }

    @SuppressWarnings("restricted")
    public static void main(String[] args) throws Throwable {
        int runs = Integer.parseInt(System.getProperty("runs", "7"));
        int n = 20000;
        String lib = System.getProperty("layerrisk.library");
        System.load(System.getProperty("jni.library"));
        com.sun.jna.Native.register(Jna.class, NativeLibrary.getInstance(lib));

        // The two lines every binding's benchmark times (bindings/c/bench/lines.sh).
        Path benchDir = Path.of(System.getProperty("bench.dir"));
        Map<String, byte[]> lines = new LinkedHashMap<>();
        for (String kind : List.of("bare", "envelope")) {
            byte[] b = Files.readAllBytes(benchDir.resolve(kind + ".json"));
            lines.put(kind, java.util.Arrays.copyOf(b, b.length - (b.length > 0 && b[b.length - 1] == '\n' ? 1 : 0)));
        }
        System.out.printf("machine: %d vCPU, Java %s (%s)%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
        try (Scorer scorer = Scorer.builder().asOf(Cli.AS_OF).build()) {
            long jni = jniScorer(Cli.AS_OF);
            PointerByReference jout = new PointerByReference();
            PointerByReference jerr = new PointerByReference();
            Pointer jnaScorer;
            {
                Pointer opts = Jna.lr_options_new();
                Jna.lr_options_set_as_of(opts, Cli.AS_OF, null);
                PointerByReference s = new PointerByReference();
                Jna.lr_scorer_new(opts, s, null);
                jnaScorer = s.getValue();
            }
            MemorySegment ffmHandle = ffmScorer();
            MemorySegment outs = Arena.global().allocate(ValueLayout.ADDRESS, 2);
            MemorySegment recOut = outs.asSlice(0, 8);
            MemorySegment errOut = outs.asSlice(8, 8);

            for (Map.Entry<String, byte[]> e : lines.entrySet()) {
                byte[] body = e.getValue();
                Map<String, Runnable> cases = new LinkedHashMap<>();
                cases.put("FFM: lr_assess + JSON byte[] + free", () -> {
                    for (int i = 0; i < n; i++) {
                        ffmAssess(ffmHandle, body, recOut, errOut);
                    }
                });
                cases.put("JNI: lr_assess + JSON byte[] + free", () -> {
                    for (int i = 0; i < n; i++) {
                        jniAssess(jni, body);
                    }
                });
                cases.put("JNA: lr_assess + JSON byte[] + free", () -> {
                    for (int i = 0; i < n; i++) {
                        Jna.assess(jnaScorer, body, jout, jerr);
                    }
                });
                cases.put("package: Scorer.assess(byte[]) -> Record", () -> {
                    for (int i = 0; i < n; i++) {
                        scorer.assess(body);
                    }
                });
                cases.put("package: Scorer.assess(byte[]).json()", () -> {
                    for (int i = 0; i < n; i++) {
                        scorer.assess(body).json();
                    }
                });
                // Warm-up: JIT all paths.
                for (int w = 0; w < 3; w++) {
                    cases.values().forEach(Runnable::run);
                }
                Map<String, Double> best = new LinkedHashMap<>();
                for (int r = 0; r < runs; r++) {
                    for (Map.Entry<String, Runnable> c : cases.entrySet()) {
                        long t0 = System.nanoTime();
                        c.getValue().run();
                        double us = (System.nanoTime() - t0) / 1e3 / n;
                        best.merge(c.getKey(), us, Math::min);
                    }
                }
                System.out.printf("%n%s (%d bytes), microseconds per call, best of %d (the core alone: bindings/c percall):%n",
                        e.getKey(), body.length, runs);
                for (Map.Entry<String, Double> b : best.entrySet()) {
                    System.out.printf("  %-45s %6.2f%n", b.getKey(), b.getValue());
                }
            }
            jniFree(jni);
        }
        bulk(runs);
    }

    /** scoreJsonl on a generated export of BENCH_LINES lines against the CLI timed as its own process. */
    static void bulk(int runs) throws Exception {
        int lines = Integer.parseInt(System.getProperty("lines", "200000"));
        Path dir = Files.createTempDirectory("layer-risk-bench-");
        Path file = dir.resolve("export.jsonl");
        try {
            Cli.run(List.of(0), "gen", "--count", String.valueOf(lines), "--seed", "7", "--corrupt", "0.01", "--applicants", "0.3", "--out", file.toString());
            byte[] data = Files.readAllBytes(file);
            List<String> cmd = new ArrayList<>(List.of(Cli.CLI.toString(), "score", "--as-of", Cli.AS_OF, "--jobs", "1", file.toString()));
            try (Scorer s = Scorer.builder().asOf(Cli.AS_OF).build()) {
                s.scoreJsonl(data); // warm
                double cli = Double.MAX_VALUE, mem = Double.MAX_VALUE, read = Double.MAX_VALUE, mapped = Double.MAX_VALUE;
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    p.waitFor();
                    cli = Math.min(cli, (System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    s.scoreJsonl(data);
                    mem = Math.min(mem, (System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    s.scoreJsonl(Files.readAllBytes(file));
                    read = Math.min(read, (System.nanoTime() - t0) / 1e9);
                    t0 = System.nanoTime();
                    s.scoreJsonl(file);
                    mapped = Math.min(mapped, (System.nanoTime() - t0) / 1e9);
                }
                System.out.printf("%nbulk, %d lines (%.1f MiB), best of %d:%n", lines, data.length / 1048576.0, runs);
                System.out.printf("  CLI layer-risk score --jobs 1 FILE > /dev/null  %.3f s  %,.0f lines/s%n", cli, lines / cli);
                System.out.printf("  scoreJsonl(byte[])                             %.3f s  %,.0f lines/s  (%.3f x the CLI)%n", mem, lines / mem, mem / cli);
                System.out.printf("  scoreJsonl(Files.readAllBytes(FILE))           %.3f s  %,.0f lines/s  (%.3f x the CLI)%n", read, lines / read, read / cli);
                System.out.printf("  scoreJsonl(Path), the file mapped              %.3f s  %,.0f lines/s  (%.3f x the CLI)%n", mapped, lines / mapped, mapped / cli);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    static MemorySegment ffmScorer() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment opts = Native.call(() -> (MemorySegment) Native.OPTIONS_NEW.invokeExact());
            MemorySegment date = Native.cString(a, Cli.AS_OF);
            MemorySegment none = MemorySegment.NULL;
            Native.call(() -> (int) Native.OPTIONS_SET_AS_OF.invokeExact(opts, date, none));
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            Native.call(() -> (int) Native.SCORER_NEW.invokeExact(opts, out, none));
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    @SuppressWarnings("restricted")
    static byte[] ffmAssess(MemorySegment scorer, byte[] body, MemorySegment recOut, MemorySegment errOut) {
        try {
            int st = (int) Native.ASSESS.invokeExact(scorer, MemorySegment.ofArray(body), (long) body.length,
                    MemorySegment.NULL, 0L, recOut, errOut);
            if (st != 0) {
                Native.ERROR_FREE.invokeExact(errOut.get(ValueLayout.ADDRESS, 0));
                return null;
            }
            MemorySegment rec = recOut.get(ValueLayout.ADDRESS, 0).reinterpret(Native.RECORD.byteSize());
            long len = rec.get(ValueLayout.JAVA_LONG, Native.RECORD_JSON_LEN);
            byte[] json = new byte[(int) len];
            MemorySegment.copy(rec.get(ValueLayout.ADDRESS, Native.RECORD_JSON).reinterpret(len), ValueLayout.JAVA_BYTE, 0, json, 0, json.length);
            Native.RECORD_FREE.invokeExact(rec);
            return json;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
