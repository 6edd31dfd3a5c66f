package com.layerrisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The API: rules, dates, records, typed exceptions, threads, close, and no identity value in errors. */
class ScorerTest {
    static final String BODY = "{\"identity\": {\"name\": {\"first_name\": \"Leslie\", \"last_name\": \"Knope\"},"
            + " \"address\": {\"street\": \"123 Main St.\", \"city\": \"Pawnee\", \"region\": \"IN\", \"postal_code\": \"46001\", \"country\": \"US\"},"
            + " \"phone_number\": \"+14155550015\", \"email\": \"leslie@knope.com\", \"date_of_birth\": \"1975-01-18\","
            + " \"ssn\": \"987654321\", \"ssn_last_4\": \"4321\"},"
            + " \"items\": [{\"item_id\": \"it-1\", \"access_token\": \"access-sandbox-x\"}], \"request_id\": \"m8MDnv9okwxFNBV\"}";
    static final Path LENDING = Cli.REPO.resolve("rules/lending.json");

    static Scorer scorer() {
        return Scorer.builder().asOf(Cli.AS_OF).build();
    }

    @Test
    void embeddedRulesAndARecord() {
        try (Scorer s = scorer()) {
            assertEquals("default", s.rules().name());
            assertEquals(64, s.rules().sha256().length());
            assertEquals(Cli.AS_OF, s.asOf());
            assertEquals("0.1.0", Scorer.version());
            Record r = s.assess(BODY);
            assertEquals("m8MDnv9okwxFNBV", r.requestId().orElseThrow());
            assertTrue(r.json().startsWith("{\"request_id\":\"m8MDnv9okwxFNBV\",\"decision_id\":\"" + r.decisionId()
                    + "\",\"decision\":\"" + r.decision().code() + "\""), r.json());
            assertEquals(32, r.decisionId().length());
            assertArrayEquals(r.json().getBytes(StandardCharsets.UTF_8), r.jsonBytes());
            assertFalse(r.json().contains("Knope") || r.json().contains("987654321"));
            assertThrows(UnsupportedOperationException.class, () -> r.reasons().add(new Reason("x", "y", 1)));

            Record none = s.assess("{\"identity\": null}");
            assertEquals(Decision.IDENTITY_VERIFICATION, none.decision());
            assertTrue(none.requestId().isEmpty());
            assertEquals("identity_missing", none.reasonCodes().get(0));

            Record withApplicant = s.assess(BODY, "{\"name\": {\"full_name\": \"Leslie B Knope\"}, \"date_of_birth\": \"1975-01-18\"}");
            assertTrue(withApplicant.json().contains("\"match\":{"));
            assertEquals(r.json(), s.assess(BODY.getBytes(StandardCharsets.UTF_8)).json());
        }
    }

    @Test
    void rulesFromAFileAndFromText() throws Exception {
        try (Scorer a = Scorer.builder().rules(LENDING).asOf(Cli.AS_OF).build();
                Scorer b = Scorer.builder().rulesJson(Files.readString(LENDING), "lending.json").asOf(LocalDate.of(2026, 11, 22)).build()) {
            assertEquals("lending", a.rules().name());
            assertEquals(a.rules(), b.rules());
            assertEquals(Cli.AS_OF, b.asOf());
        }
    }

    @Test
    void brokenRules(@TempDir Path dir) throws Exception {
        String text = Files.readString(LENDING);
        Path typo = dir.resolve("lending-typo.json");
        Files.writeString(typo, text.replaceFirst("\"tiers\"", "\"teirs\""));
        long line = text.substring(0, text.indexOf("\"tiers\"")).chars().filter(c -> c == '\n').count() + 1;
        RulesException e = assertThrows(RulesException.class, () -> Scorer.builder().rules(typo).asOf(Cli.AS_OF).build());
        assertEquals("schema", e.code());
        assertEquals(line, e.line());
        assertEquals(9, e.column());
        assertEquals("teirs", e.path());
        assertTrue(e.getMessage().startsWith(typo + ":" + line + ":9: "), e.getMessage());
        assertTrue(e instanceof LayerRiskException);

        e = assertThrows(RulesException.class,
                () -> Scorer.builder().rulesJson("{\"name\": \"x\",\n  \"version\": \"1\",\n}", "x.json").asOf(Cli.AS_OF).build());
        assertEquals(List.of("syntax", 3L, 1L), List.of(e.code(), e.line(), e.column()));
        assertTrue(e.getMessage().startsWith("x.json:3:1: "));
        assertNull(e.path());

        e = assertThrows(RulesException.class, () -> Scorer.builder().rules(Path.of("/nonexistent/rules.json")).asOf(Cli.AS_OF).build());
        assertEquals("io", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-2-03", "2026-02-30", "26-11-22", "2026-11-22T00:00:00Z", " 2026-11-22", "+2026-11-22", "", "2026-11-22\0"})
    void badDatesAreIllegalArguments(String date) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scorer.builder().asOf(date).build());
        assertTrue(date.length() < 4 || !e.getMessage().contains(date.trim()), e.getMessage());
    }

    @Test
    void noDateIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> Scorer.builder().build());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"identity\": 5}|wrong_type|14|identity",
        "[1]|not_an_object|1|",
        "{\"identity\": {}, \"identity\": {}}|duplicate_field|27|",
        "{\"identity_edit_history\": {\"name\": {\"edits_1d\": -1}}}|invalid_value|50|identity_edit_history.name.edits_1d",
        "{\"identity\": x}|invalid_json|14|identity",
        "{\"identity\": {\"name\": {\"first_name\": \"Le|truncated|40|identity.name.first_name",
        "``|truncated|1|",
    })
    void parseErrors(String body, String code, long column, String path) {
        try (Scorer s = scorer()) {
            ParseException e = assertThrows(ParseException.class, () -> s.assess(body));
            assertEquals(List.of(code, 1L, column), List.of(e.code(), e.line(), e.column()));
            assertEquals(path, e.path());
        }
    }

    @Test
    void otherParseErrors() {
        try (Scorer s = scorer()) {
            byte[] bad = "{\"identity\": {\"name\": {\"first_name\": \"\u00c3(\"}}}".getBytes(StandardCharsets.ISO_8859_1);
            ParseException e = assertThrows(ParseException.class, () -> s.assess(bad));
            assertEquals("invalid_utf8", e.code());
            e = assertThrows(ParseException.class, () -> s.assess(BODY, "{\"name\": 7}"));
            assertEquals(List.of("wrong_type", "applicant.name"), List.of(e.code(), e.path()));
            e = assertThrows(ParseException.class, () -> s.assess("{\"session\": {}, \"applicant\": {}}", "{}"));
            assertEquals("ambiguous_envelope", e.code());
            e = assertThrows(ParseException.class, () -> s.assess(BODY.getBytes(StandardCharsets.UTF_8), new byte[0]));
            assertEquals("truncated", e.code());
        }
    }

    @Test
    void closing() {
        Scorer s = scorer();
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.assess(BODY));
        assertThrows(IllegalStateException.class, () -> s.scoreJsonl(new byte[0]));
    }

    @Test
    void threadsShareOneScorer() throws Exception {
        List<byte[]> lines = Cli.lines(Cli.DATA).subList(0, 1500);
        try (Scorer s = scorer()) {
            List<String> want = new ArrayList<>();
            for (byte[] l : lines) {
                want.add(outcome(s, l));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> jobs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int first = t;
                    jobs.add(pool.submit(() -> {
                        for (int i = first; i < lines.size(); i += 3) {
                            if (!outcome(s, lines.get(i)).equals(want.get(i))) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                jobs.add(pool.submit(() -> java.util.Arrays.equals(s.scoreJsonl(Cli.DATA), Cli.RECORDS)));
                for (Future<Boolean> j : jobs) {
                    assertTrue(j.get(), "a thread got another result");
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    private static String outcome(Scorer s, byte[] line) {
        try {
            return s.assess(Cli.withoutCr(line)).json();
        } catch (ParseException e) {
            return e.code() + ":" + e.column();
        }
    }

    @Test
    void noIdentityValueInAnyError() {
        String ssn = "123-45-6789", digits = "123456789", first = "Leslie", last = "Knope";
        List<String> secrets = List.of(ssn, digits, first, last, "1975-01-18", "leslie@knope.com");
        List<String> bodies = List.of(
                "{\"identity\": {\"ssn\": " + digits + ", \"name\": {\"first_name\": \"" + first + "\", \"last_name\": \"" + last + "\"}}}",
                "{\"identity\": {\"ssn\": \"" + ssn + "\", \"name\": \"" + first + " " + last + "\"}}",
                "{\"identity\": {\"ssn\": \"" + ssn + "\", \"name\": {\"first_name\": \"" + first + "\"",
                "{\"identity\": {\"ssn\": " + ssn + "}}",
                "{\"identity\": {\"ssn\": \"" + ssn + "\"}, \"identity\": {\"name\": \"" + last + "\"}}",
                "{\"identity_edit_history\": {\"name\": {\"edits_1d\": \"" + ssn + "\"}}}",
                "{\"identity\": {\"date_of_birth\": 1975-01-18, \"email\": \"leslie@knope.com\"}}",
                "[\"" + ssn + "\", \"" + first + "\"]",
                "{\"identity\": {\"ssn\": \"" + ssn + "\"}} " + first);
        List<String> texts = new ArrayList<>();
        try (Scorer s = scorer()) {
            for (String b : bodies) {
                ParseException e = assertThrows(ParseException.class, () -> s.assess(b));
                texts.add(e.getMessage());
                texts.add(String.valueOf(e.path()));
                texts.add(e.toString());
                texts.add(new String(s.scoreJsonl(b.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
            }
            ParseException e = assertThrows(ParseException.class,
                    () -> s.assess("{\"identity\": {}}", "{\"name\": \"" + first + " " + last + "\", \"ssn\": \"" + ssn + "\"}"));
            texts.add(e.getMessage());
        }
        texts.add(assertThrows(IllegalArgumentException.class, () -> Scorer.builder().asOf(ssn).build()).getMessage());
        texts.add(assertThrows(IllegalArgumentException.class, () -> Scorer.builder().asOf("1975-01-18x").build()).getMessage());
        for (String t : texts) {
            for (String secret : secrets) {
                assertFalse(t.contains(secret), "an error quotes input (" + secret + "): " + t);
            }
        }
    }
}
