package com.layerrisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package against the CLI, byte for byte, on a generated export with corrupt lines and applicants. */
class CliTest {
    static Scorer scorer;

    @BeforeAll
    static void open() {
        scorer = Scorer.builder().asOf(Cli.AS_OF).build();
    }

    @AfterAll
    static void close() {
        scorer.close();
    }

    @Test
    void scoreJsonlIsTheCliByteForByte() throws Exception {
        assertArrayEquals(Cli.RECORDS, scorer.scoreJsonl(Cli.DATA));
        assertArrayEquals(Cli.RECORDS, scorer.scoreJsonl(Cli.EXPORT), "scoreJsonl(Path)");
        String records = new String(Cli.RECORDS, StandardCharsets.UTF_8);
        for (String want : List.of("\"code\":\"invalid_utf8\"", "\"code\":\"truncated\"", "\"code\":\"line_too_long\"", "\"match\":{")) {
            assertTrue(records.contains(want), "the export has no " + want);
        }
        // gzip, two members.
        int half = Cli.DATA.length / 2;
        while (Cli.DATA[half - 1] != '\n') {
            half++;
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        for (int[] part : new int[][] {{0, half}, {half, Cli.DATA.length}}) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            try (GZIPOutputStream w = new GZIPOutputStream(one)) {
                w.write(Cli.DATA, part[0], part[1] - part[0]);
            }
            gz.write(one.toByteArray());
        }
        byte[] gzip = gz.toByteArray();
        assertArrayEquals(Cli.RECORDS, scorer.scoreJsonl(gzip));
        byte[] cut = java.util.Arrays.copyOf(gzip, gzip.length / 2);
        InputException e = assertThrows(InputException.class, () -> scorer.scoreJsonl(cut));
        assertEquals("io", e.code());
        assertEquals(0, scorer.scoreJsonl(new byte[0]).length);
    }

    @Test
    void withARulesFile() throws Exception {
        var lending = Cli.REPO.resolve("rules/lending.json");
        byte[] want = Cli.run(List.of(1), "score", "--rules", lending.toString(), "--as-of", Cli.AS_OF, "--jobs", "1", Cli.EXPORT.toString());
        try (Scorer s = Scorer.builder().rules(lending).asOf(Cli.AS_OF).build()) {
            assertArrayEquals(want, s.scoreJsonl(Cli.DATA));
        }
    }

    @Test
    void assessOfEachLineIsTheCliRecord() {
        Map<Long, String> byLine = new HashMap<>();
        for (byte[] r : Cli.lines(Cli.RECORDS)) {
            String rec = new String(r, StandardCharsets.UTF_8);
            byLine.put(JsonParser.parseString(rec).getAsJsonObject().get("line").getAsLong(), rec);
        }
        List<byte[]> lines = Cli.lines(Cli.DATA);
        int decided = 0, failed = 0, envelopes = 0;
        for (int i = 0; i < lines.size(); i++) {
            long n = i + 1;
            String want = byLine.get(n);
            if (Cli.blank(lines.get(i))) {
                assertEquals(null, want, "line " + n);
                continue;
            }
            JsonObject w = JsonParser.parseString(want).getAsJsonObject();
            byte[] body = Cli.withoutCr(lines.get(i));
            if (w.has("error")) {
                JsonObject err = w.getAsJsonObject("error");
                if (err.get("code").getAsString().equals("line_too_long")) {
                    continue; // a limit of reading exports; assess takes what it is given
                }
                ParseException e = assertThrows(ParseException.class, () -> scorer.assess(body), "line " + n);
                assertEquals(err.get("code").getAsString(), e.code(), "line " + n);
                assertEquals(1, e.line(), "line " + n);
                assertEquals(err.get("column").getAsLong(), e.column(), "line " + n);
                assertEquals(err.has("path") ? err.get("path").getAsString() : null, e.path(), "line " + n);
                assertEquals(err.get("message").getAsString(), e.getMessage().replaceAll(" \\(line \\d+, column \\d+\\)", ""));
                assertEquals(w.get("decision_id").getAsString(), e.decisionId().orElseThrow(), "line " + n);
                failed++;
                continue;
            }
            Record r = scorer.assess(body);
            String expected = want.replaceFirst("^\\{\"line\":\\d+,", "{");
            assertEquals(expected, r.json(), "line " + n);
            assertEquals(w.get("decision").getAsString(), r.decision().code());
            assertEquals(w.get("decision_id").getAsString(), r.decisionId());
            assertTrue(r.arm().isEmpty() && r.shadowDecision().isEmpty() && r.shadowDecisionId().isEmpty());
            assertEquals(w.get("score").getAsLong(), r.score());
            JsonElement id = w.get("request_id");
            assertEquals(id.isJsonNull() ? null : id.getAsString(), r.requestId().orElse(null));
            List<String> codes = new ArrayList<>();
            w.getAsJsonArray("reasons").forEach(x -> codes.add(x.getAsJsonObject().get("code").getAsString()));
            assertEquals(codes, r.reasonCodes());
            decided++;
            JsonObject line = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
            if (line.has("applicant")) {
                Record r2 = scorer.assess(line.get("session").toString(), line.get("applicant").toString());
                // The same decision; the decision id covers the bytes as given (the parts apart).
                assertEquals(Cli.withoutIds(expected), Cli.withoutIds(r2.json()), "line " + n + " with the applicant apart");
                assertTrue(!r2.decisionId().equals(r.decisionId()), "line " + n);
                Record r3 = scorer.assessWith(line.get("session").toString(), Context.builder().applicant(line.get("applicant").toString()).build());
                assertEquals(r2.json(), r3.json(), "line " + n + " assessWith(applicant)");
                envelopes++;
            }
        }
        assertTrue(decided > 2700 && failed > 100 && envelopes > 700, decided + " " + failed + " " + envelopes);
    }
}
