package com.layerrisk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The layer-risk CLI the package must agree with, and a generated export with what gen does
 * not write: a CRLF line, blank lines, a line of spaces, a line over the 1 MiB limit, a bare
 * invalid UTF-8 byte and a last line cut short without a newline.
 */
final class Cli {
    static final String AS_OF = "2026-11-22";
    static final Path REPO = Path.of(System.getProperty("layerrisk.repo", "../..")).toAbsolutePath().normalize();
    static final Path CLI;
    static final Path EXPORT;
    static final byte[] DATA;
    static final byte[] RECORDS;

    static {
        try {
            String env = System.getenv("LAYER_RISK_CLI");
            if (env != null && !env.isEmpty()) {
                CLI = Path.of(env);
            } else {
                Process build = new ProcessBuilder("cargo", "build", "--release", "--locked", "--bin", "layer-risk")
                        .directory(REPO.toFile()).inheritIO().start();
                if (build.waitFor() != 0) {
                    throw new IllegalStateException("cargo build of the layer-risk CLI failed");
                }
                CLI = REPO.resolve("target/release/layer-risk");
            }
            Path dir = Files.createTempDirectory("layer-risk-java-");
            dir.toFile().deleteOnExit();
            EXPORT = dir.resolve("export.jsonl");
            EXPORT.toFile().deleteOnExit();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(run(List.of(0), "gen", "--count", "3000", "--seed", "11", "--corrupt", "0.05", "--applicants", "0.3"));
            out.write("{\"identity\": null, \"request_id\": \"crlf1\"}\r\n\n   \t\r\n".getBytes(StandardCharsets.UTF_8));
            out.write("{\"identity\": {\"name\": {\"first_name\": \"".getBytes(StandardCharsets.UTF_8));
            out.write("x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8));
            out.write("\"}}}\n".getBytes(StandardCharsets.UTF_8));
            out.write(new byte[] {(byte) 0xff, '\n'});
            out.write("{\"identity\": ".getBytes(StandardCharsets.UTF_8));
            DATA = out.toByteArray();
            Files.write(EXPORT, DATA);
            RECORDS = run(List.of(1), "score", "--as-of", AS_OF, "--jobs", "1", EXPORT.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Cli() {}

    /** The CLI's stdout; {@code ok} lists the exit codes that count as success. */
    static byte[] run(List<Integer> ok, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(CLI.toString());
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(REPO.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        if (!ok.contains(code)) {
            throw new IllegalStateException("layer-risk " + String.join(" ", args) + ": exit " + code);
        }
        return out;
    }

    /** The lines of {@code data} cut at '\n', numbered from 1 as the CLI numbers them. */
    static List<byte[]> lines(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                out.add(Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        if (start < data.length) {
            out.add(Arrays.copyOfRange(data, start, data.length));
        }
        return out;
    }

    static boolean blank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** A record with its decision ids (its own and its shadow's) blanked. */
    static String withoutIds(String record) {
        return record.replaceAll("\"decision_id\":\"[0-9a-f]{32}\"", "\"decision_id\":\"\"");
    }

    static byte[] withoutCr(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
    }
}
