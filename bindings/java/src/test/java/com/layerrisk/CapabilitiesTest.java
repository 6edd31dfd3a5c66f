package com.layerrisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shadow rule sets, staged rollouts, Plaid's other verdicts as context parts, manual_review, and reloads under threads. */
class CapabilitiesTest {
    static final Path LENDING = Cli.REPO.resolve("rules/lending.json");
    static final Path PAYMENTS = Cli.REPO.resolve("rules/payments.json");
    static final Path DEFAULT = Cli.REPO.resolve("rules/default.json");

    static byte[] signal(String name) throws Exception {
        return Files.readAllBytes(Cli.REPO.resolve("bindings/c/tests/signals/" + name + ".json"));
    }

    /** Every line of data with a rollout key ("user-N", N its line number) in an envelope; gen writes none. */
    static byte[] withRolloutKeys(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> lines = Cli.lines(data);
        for (int i = 0; i < lines.size(); i++) {
            byte[] l = lines.get(i);
            String key = "\"rollout_key\": \"user-" + (i + 1) + "\"";
            if (new String(l, 0, Math.min(l.length, 10), StandardCharsets.ISO_8859_1).equals("{\"session\"")) {
                out.writeBytes(("{" + key + ", ").getBytes(StandardCharsets.UTF_8));
                out.write(l, 1, l.length - 1);
            } else {
                out.writeBytes("{\"session\": ".getBytes(StandardCharsets.UTF_8));
                out.writeBytes(l);
                out.writeBytes((", " + key + "}").getBytes(StandardCharsets.UTF_8));
            }
            if (i < lines.size() - 1 || data[data.length - 1] == '\n') {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    @Test
    void shadowAndRolloutAreTheCliByteForByte(@TempDir Path dir) throws Exception {
        byte[] want = Cli.run(List.of(1), "score", "--as-of", Cli.AS_OF, "--jobs", "1", "--shadow", LENDING.toString(), Cli.EXPORT.toString());
        try (Scorer s = Scorer.builder().asOf(Cli.AS_OF).shadowRules(LENDING).build()) {
            assertEquals("shadow", s.challengerMode().orElseThrow());
            assertEquals("lending", s.challengerRules().orElseThrow().name());
            assertTrue(s.rolloutShare().isEmpty());
            assertArrayEquals(want, s.scoreJsonl(Cli.DATA));
            Record r = s.assess(ScorerTest.BODY);
            String sid = r.shadowDecisionId().orElseThrow();
            assertNotEquals(r.decisionId(), sid);
            assertTrue(r.json().contains("\"shadow\":{\"decision_id\":\"" + sid + "\",\"decision\":\"" + r.shadowDecision().orElseThrow().code() + "\""), r.json());
        }

        byte[] keyed = withRolloutKeys(Cli.DATA);
        Path file = dir.resolve("rollout.jsonl");
        Files.write(file, keyed);
        want = Cli.run(List.of(1), "score", "--as-of", Cli.AS_OF, "--jobs", "1", "--rollout", PAYMENTS.toString(), "--rollout-share", "0.3", file.toString());
        String records = new String(want, StandardCharsets.UTF_8);
        assertTrue(records.contains("\"arm\":\"control\"") && records.contains("\"arm\":\"challenger\""));
        for (Scorer s : List.of(Scorer.builder().asOf(Cli.AS_OF).rolloutRules(PAYMENTS, 0.3).build(),
                Scorer.builder().asOf(Cli.AS_OF).rolloutRulesJson(Files.readString(PAYMENTS), "payments.json", 0.3).build())) {
            try (s) {
                assertEquals("rollout", s.challengerMode().orElseThrow());
                assertEquals(0.3, s.rolloutShare().orElseThrow());
                assertArrayEquals(want, s.scoreJsonl(keyed));
                Map<String, Integer> arms = new HashMap<>();
                for (int k = 0; k < 60; k++) {
                    String key = "user-" + k;
                    Record a = s.assessWith(ScorerTest.BODY, Context.builder().rolloutKey(key).build());
                    Record b = s.assess("{\"session\": " + ScorerTest.BODY + ", \"rollout_key\": \"" + key + "\"}");
                    assertEquals(Cli.withoutIds(b.json()), Cli.withoutIds(a.json()), key);
                    arms.merge(a.arm().orElseThrow(), 1, Integer::sum);
                }
                assertEquals(2, arms.size(), arms.toString());
                assertEquals("control", s.assess(ScorerTest.BODY).arm().orElseThrow());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Scorer.builder().rolloutRules(PAYMENTS, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Scorer.builder().rolloutRules(PAYMENTS, Double.NaN));
        RulesException e = assertThrows(RulesException.class,
                () -> Scorer.builder().asOf(Cli.AS_OF).shadowRulesJson("{", "s.json").build());
        assertEquals("syntax", e.code());
        assertTrue(e.getMessage().startsWith("s.json:1:"), e.getMessage());
    }

    @Test
    void contextPartsEqualTheEnvelopeAndErrorsQuoteNothing() throws Exception {
        String session = new String(signal("session"), StandardCharsets.UTF_8);
        String protect = new String(signal("protect"), StandardCharsets.UTF_8);
        String match = new String(signal("identity_match"), StandardCharsets.UTF_8);
        String idv = new String(signal("identity_verification"), StandardCharsets.UTF_8);
        String applicant = "{\"name\": {\"full_name\": \"Leslie Knope\"}, \"date_of_birth\": \"1975-01-18\"}";
        Context ctx = Context.builder().applicant(applicant).protect(protect).identityMatch(match)
                .identityVerification(idv).rolloutKey("user-42").build();
        assertEquals("Context[applicant, protect, identity_match, identity_verification, rollout_key]", ctx.toString());
        String envelope = "{\"session\": " + session + ", \"applicant\": " + applicant + ", \"signals\": {\"protect\": " + protect
                + ", \"identity_match\": " + match + ", \"identity_verification\": " + idv + "}, \"rollout_key\": \"user-42\"}";
        try (Scorer s = Scorer.builder().asOf(Cli.AS_OF).shadowRules(LENDING).build()) {
            Record apart = s.assessWith(session, ctx);
            Record whole = s.assess(envelope);
            assertEquals(Cli.withoutIds(whole.json()), Cli.withoutIds(apart.json()));
            assertNotEquals(whole.decisionId(), apart.decisionId());
            assertTrue(apart.json().contains("\"signal\":") && apart.json().contains("\"match\":{"), apart.json());

            ParseException e = assertThrows(ParseException.class, () -> s.assessWith(envelope, Context.builder().protect(protect).build()));
            assertEquals("ambiguous_envelope", e.code());

            List<String> secrets = List.of("Leslie", "Knope", "524781963", "leslie@knope.com", "1975-01-18", "user-42");
            Map<Context, String> broken = Map.of(
                    Context.builder().identityMatch(match.replaceFirst("\"score\": 40", "\"score\": \"Leslie Knope 524781963\"")).rolloutKey("user-42").build(),
                    "signals.identity_match.accounts[0].legal_name.score",
                    Context.builder().identityVerification(idv.replaceFirst("\"status\": \"success\"", "\"status\": [\"leslie@knope.com\", \"1975-01-18\"]")).build(),
                    "signals.identity_verification.status",
                    Context.builder().protect(protect.substring(0, 40)).build(), "signals.protect",
                    Context.builder().protect(new byte[0]).build(), "signals.protect",
                    Context.builder().applicant("{\"name\": \"Leslie Knope\"}").build(), "applicant.name");
            for (Map.Entry<Context, String> b : broken.entrySet()) {
                ParseException pe = assertThrows(ParseException.class, () -> s.assessWith(session, b.getKey()));
                assertTrue(pe.path().startsWith(b.getValue()), pe.path() + " for " + b.getValue());
                assertTrue(pe.decisionId().isEmpty());
                for (String secret : secrets) {
                    assertFalse(pe.getMessage().contains(secret) || pe.toString().contains(secret) || b.getKey().toString().contains(secret),
                            "an error quotes input (" + secret + "): " + pe);
                }
            }
            assertThrows(NullPointerException.class, () -> s.assessWith(session, null));
        }
    }

    @Test
    void manualReviewRoundTrips() throws Exception {
        try (Scorer s = ScorerTest.scorer()) {
            Record r = s.assess("{\"identity\": null, \"request_id\": \"r1\", \"idv_session_status\": \"pending_review\"}");
            assertEquals(Decision.MANUAL_REVIEW, r.decision());
            assertTrue(r.json().contains("\"decision\":\"manual_review\""));
            Record p = s.assessWith(signal("session"), Context.builder().identityVerification(signal("identity_verification_pending_review")).build());
            assertEquals(Decision.MANUAL_REVIEW, p.decision());
        }
        assertEquals(Decision.MANUAL_REVIEW, Decision.of(3));
        assertEquals(Decision.MANUAL_REVIEW, Decision.of(17)); // a later library's outcome: fail closed
    }

    @Test
    void liveReloadUnderThreads() throws Exception {
        List<byte[]> lines = Cli.lines(Cli.DATA).subList(0, 300);
        Map<String, List<String>> want = new HashMap<>();
        try (Scorer d = ScorerTest.scorer(); Scorer l = Scorer.builder().rules(LENDING).asOf(Cli.AS_OF).build()) {
            for (Scorer s : List.of(d, l)) {
                List<String> w = new ArrayList<>();
                for (byte[] line : lines) {
                    w.add(outcome(s, line));
                }
                want.put(s.rules().name(), w);
            }
        }
        Scorer first = ScorerTest.scorer();
        LiveScorer live = LiveScorer.of(first);
        first.close(); // the handle holds its own reference
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t;
                jobs.add(pool.submit(() -> {
                    int calls = 0;
                    for (int i = start; !stop.get() || calls < 40; i += 4) {
                        Scorer s = live.current();
                        int k = i % lines.size();
                        if (!outcome(s, lines.get(k)).equals(want.get(s.rules().name()).get(k))) {
                            throw new AssertionError("a record is not its scorer's rule set's: " + s.rules().name());
                        }
                        s.close(); // a live scorer: left to the GC, never freed under another thread
                        calls++;
                    }
                    return calls;
                }));
            }
            String lendingText = Files.readString(LENDING);
            for (int round = 0; round < 100; round++) {
                if (round % 2 == 0) {
                    live.reloadRulesJson(lendingText, "lending.json");
                } else {
                    live.reloadRules(DEFAULT);
                }
                RulesException e = assertThrows(RulesException.class, () -> live.reloadRulesJson("{\"name\": \"broken\",", "broken.json"));
                assertEquals("syntax", e.code());
                assertEquals("io", assertThrows(RulesException.class, () -> live.reloadRules(Path.of("/nonexistent/rules.json"))).code());
                assertEquals(round % 2 == 0 ? "lending" : "default", live.current().rules().name(), "a broken file is never live");
            }
            stop.set(true);
            for (Future<Integer> j : jobs) {
                assertTrue(j.get() >= 40);
            }
        } finally {
            pool.shutdown();
        }
        assertThrows(IllegalArgumentException.class, () -> live.setAsOf("2026-02-30"));
        live.setAsOf(java.time.LocalDate.of(2027, 1, 2));
        assertEquals("2027-01-02", live.current().asOf());
        assertEquals("default", live.current().rules().name());
        Scorer held = live.current();
        try (Scorer shadowed = Scorer.builder().asOf(Cli.AS_OF).shadowRules(LENDING).build()) {
            live.replace(shadowed);
        }
        assertEquals("shadow", live.current().challengerMode().orElseThrow());
        live.close();
        live.close();
        assertThrows(IllegalStateException.class, () -> live.reloadRules(DEFAULT));
        held.assess(ScorerTest.BODY);
        live.current().assess(ScorerTest.BODY);
        Scorer closed = ScorerTest.scorer();
        closed.close();
        assertThrows(IllegalStateException.class, () -> LiveScorer.of(closed));
    }

    private static String outcome(Scorer s, byte[] line) {
        try {
            return s.assess(Cli.withoutCr(line)).json();
        } catch (ParseException e) {
            return e.code() + ":" + e.column();
        }
    }
}
