package com.layerrisk.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.layerrisk.Scorer;
import com.plaid.client.ApiClient;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The example against a local fake Plaid answering /user_account/session/get with lines of
 * the shipped example export: each decision routes to its step, an unreadable response fails
 * closed, a Plaid error is logged by its code, no identity value reaches the logs.
 */
class OnboardingTest {
    static final Path REPO = Path.of(System.getProperty("layerrisk.repo", "../..")).toAbsolutePath().normalize();

    @Test
    void routesOnTheDecisionAndLogsNoIdentity() throws Exception {
        List<String> bodies = Files.readAllLines(REPO.resolve("examples/export.jsonl")).stream()
                .filter(l -> !l.isBlank()).limit(40).toList();
        String[] answer = {bodies.get(0)};
        int[] status = {200};
        List<JsonObject> seen = new ArrayList<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", ex -> {
            JsonObject req = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            req.addProperty("path", ex.getRequestURI().getPath());
            synchronized (seen) {
                seen.add(req);
            }
            byte[] out = answer[0].getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status[0], out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        fake.start();
        List<String> logs = new ArrayList<>();
        Logger log = Logger.getLogger("onboarding");
        log.setUseParentHandlers(false);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logs.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(capture);
        try {
            ApiClient api = new ApiClient(Map.of("clientId", "client-id", "secret", "secret"));
            api.setPlaidAdapter("http://127.0.0.1:" + fake.getAddress().getPort() + "/"); // ApiClient.Production in a deployment
            ZoneId zone = ZoneId.of("America/New_York");
            Path rules = REPO.resolve("rules/lending.json");
            Onboarding onboarding = new Onboarding(api, rules, zone);

            Set<String> steps = new HashSet<>();
            try (Scorer check = Scorer.builder().rules(rules).asOf(LocalDate.now(zone)).build()) {
                for (String b : bodies) {
                    answer[0] = b;
                    String want = switch (check.assess(b).decision()) {
                        case TRUST -> "done";
                        case IDENTITY_MATCH -> "identity_match";
                        case IDENTITY_VERIFICATION -> "identity_verification";
                        case MANUAL_REVIEW -> "manual_review";
                    };
                    String got = onboarding.next("profile-sandbox-1", null);
                    assertEquals(want, got);
                    steps.add(got);
                }
            }
            assertTrue(steps.size() >= 2, "only " + steps);
            // A reload: a broken file is refused and the working rules stay; a good one is live.
            Path broken = Files.createTempFile("broken-", ".json");
            Files.writeString(broken, "{\"name\": \"broken\",");
            org.junit.jupiter.api.Assertions.assertThrows(com.layerrisk.RulesException.class, () -> onboarding.reloadRules(broken));
            assertEquals("lending", onboarding.rulesName());
            onboarding.reloadRules(REPO.resolve("rules/default.json"));
            assertEquals("default", onboarding.rulesName());
            Files.delete(broken);
            onboarding.reloadRules(rules);
            JsonObject last = seen.get(seen.size() - 1);
            assertEquals("/user_account/session/get", last.get("path").getAsString());
            assertEquals("profile-sandbox-1", last.get("public_token").getAsString());

            // With an applicant typed into the backend's own form.
            answer[0] = bodies.get(1);
            onboarding.next("profile-sandbox-1", "{\"name\": {\"full_name\": \"Leslie Knope\"}}");

            // A response the core refuses: fail closed.
            answer[0] = "{\"identity\": null, \"items\": [], \"request_id\": \"r1\", \"identity_edit_history\": {\"name\": {\"edits_current\": 0, \"edits_1d\": -1, \"edits_30d\": 0, \"edits_365d\": 0, \"edits_all_time\": 0}}}";
            assertEquals("identity_verification", onboarding.next("profile-sandbox-1", null));
            assertTrue(logs.stream().anyMatch(l -> l.contains("code=invalid_value path=identity_edit_history.name.edits_1d")), logs.toString());

            // A Plaid error: logged by its code.
            answer[0] = "{\"error_type\": \"INVALID_INPUT\", \"error_code\": \"INVALID_PUBLIC_TOKEN\", \"error_message\": \"bad\", \"request_id\": \"x1\"}";
            status[0] = 400;
            assertThrows(IOException.class, () -> onboarding.next("profile-sandbox-1", null));
            assertTrue(logs.stream().anyMatch(l -> l.contains("plaid_error_code=INVALID_PUBLIC_TOKEN")));

            assertEquals(bodies.size() + 1, logs.stream().filter(l -> l.startsWith("layer: decision")).count());
            String logged = String.join("\n", logs);
            for (String b : bodies) {
                JsonObject body = JsonParser.parseString(b).getAsJsonObject();
                if (!body.has("identity") || !body.get("identity").isJsonObject()) {
                    continue;
                }
                JsonObject id = body.getAsJsonObject("identity");
                for (String k : List.of("ssn", "date_of_birth", "phone_number", "email")) {
                    if (id.has(k) && id.get(k).isJsonPrimitive() && id.get(k).getAsString().length() > 3) {
                        assertFalse(logged.contains(id.get(k).getAsString()), "an identity value (" + k + ") reached the logs");
                    }
                }
            }
        } finally {
            log.removeHandler(capture);
            fake.stop(0);
        }
    }

    /** Why the example decides on the raw bytes: plaid-java's model loses what it does not know. */
    @Test
    void plaidJavasModelDropsAFieldThatChangesTheDecision() throws Exception {
        String line = Files.readAllLines(REPO.resolve("examples/export.jsonl")).stream()
                .filter(l -> l.contains("\"idv_session_status\":\"failed\"")).findFirst().orElseThrow();
        com.plaid.client.JSON json = new com.plaid.client.JSON();
        String back = json.getGson().toJson(json.getGson().fromJson(line, com.plaid.client.model.UserAccountSessionGetResponse.class));
        assertFalse(back.contains("idv_session_status"));
        try (Scorer s = Scorer.builder().asOf("2026-11-22").build()) {
            assertEquals(com.layerrisk.Decision.IDENTITY_VERIFICATION, s.assess(line).decision());
            assertTrue(s.assess(line).reasonCodes().contains("idv_failed"));
            assertFalse(s.assess(back).reasonCodes().contains("idv_failed"));
        }
    }
}
