package com.layerrisk.example;

import com.google.gson.JsonParser;
import com.layerrisk.ParseException;
import com.layerrisk.Record;
import com.layerrisk.LiveScorer;
import com.layerrisk.Scorer;
import com.plaid.client.ApiClient;
import com.plaid.client.model.UserAccountSessionGetRequest;
import com.plaid.client.model.UserAccountSessionGetResponse;
import com.plaid.client.request.PlaidApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.logging.Logger;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import retrofit2.Response;

/**
 * The README's backend: right after the Layer session, fetch the identity with plaid-java,
 * decide with layer-risk, route. Logs the request id, the decision and the reason codes, never
 * an identity value. OnboardingTest runs it against a local fake Plaid.
 */
public final class Onboarding {
    private static final Logger LOG = Logger.getLogger("onboarding");

    /**
     * Keeps the bytes Plaid sent for /user_account/session/get, for the thread whose
     * synchronous call fetched them. Decide on these, not on plaid-java's parsed response
     * written back as JSON: its model drops fields it does not know (plaid-java 39.2 has no
     * {@code idv_session_status}, so a failed Identity Verification would vanish).
     */
    static final class RawBodies implements Interceptor {
        private final ThreadLocal<byte[]> last = new ThreadLocal<>();

        @Override
        public okhttp3.Response intercept(Chain chain) throws IOException {
            okhttp3.Response r = chain.proceed(chain.request());
            ResponseBody body = r.body();
            if (body == null || !chain.request().url().encodedPath().endsWith("/user_account/session/get")) {
                return r;
            }
            MediaType type = body.contentType();
            byte[] bytes = body.bytes();
            last.set(bytes);
            return r.newBuilder().body(ResponseBody.create(bytes, type)).build();
        }

        byte[] take() {
            byte[] b = last.get();
            last.remove();
            return b;
        }
    }

    private final RawBodies raw = new RawBodies();
    private final PlaidApi plaid;
    private final ZoneId zone;
    private final LiveScorer live;

    /** Reads and checks the rules once, at start-up: a broken file stops the deploy here. */
    public Onboarding(ApiClient api, Path rulesPath, ZoneId zone) throws IOException {
        api.getOkBuilder().addInterceptor(raw);
        this.plaid = api.createService(PlaidApi.class);
        this.zone = zone;
        try (Scorer first = Scorer.builder().rulesJson(Files.readString(rulesPath), rulesPath.toString())
                .asOf(LocalDate.now(zone)).build()) {
            this.live = LiveScorer.of(first); // holds its own reference
        }
    }

    /**
     * Today's scorer, in the business's time zone: the live one, moved to the new day when the
     * day changes (a request in flight keeps the scorer it started with).
     */
    private Scorer scorer() {
        String day = LocalDate.now(zone).toString();
        Scorer s = live.current();
        if (s.asOf().equals(day)) {
            return s;
        }
        synchronized (this) {
            if (!live.current().asOf().equals(day)) {
                live.setAsOf(day);
            }
            return live.current();
        }
    }

    /**
     * Make the rules file at {@code path} live (on SIGHUP, say), keeping the day.
     *
     * @throws com.layerrisk.RulesException when the file is broken: the working rules stay live
     */
    public void reloadRules(Path path) {
        live.reloadRules(path);
    }

    /** The rule set now live. */
    public String rulesName() {
        return live.current().rules().name();
    }

    /**
     * POST /onboarding/layer: the next step for the user, "done", "identity_match",
     * "identity_verification" or "manual_review". {@code applicantJson} is what the user typed into your own form,
     * or null.
     */
    public String next(String publicToken, String applicantJson) throws IOException {
        Response<UserAccountSessionGetResponse> resp = plaid
                .userAccountSessionGet(new UserAccountSessionGetRequest().publicToken(publicToken))
                .execute();
        if (!resp.isSuccessful() || resp.body() == null) {
            // Only Plaid's error code: the error body may carry the request.
            String code = "unknown";
            try (var err = resp.errorBody()) {
                if (err != null) {
                    code = JsonParser.parseString(err.string()).getAsJsonObject().get("error_code").getAsString();
                }
            } catch (RuntimeException notJson) {
                // keep "unknown"
            }
            LOG.warning("layer: session get failed, plaid_error_code=" + code);
            throw new IOException("identity service unavailable");
        }
        byte[] body = raw.take(); // the bytes Plaid sent

        Record r;
        try {
            r = scorer().assess(body, applicantJson == null ? null : applicantJson.getBytes(StandardCharsets.UTF_8));
        } catch (ParseException e) {
            // Not a Layer response: fail closed. The exception names codes and paths, never values.
            LOG.warning("layer: unreadable response, code=" + e.code() + " path=" + e.path());
            return "identity_verification";
        }
        LOG.info("layer: decision request_id=" + r.requestId().orElse("-") + " decision=" + r.decision().code()
                + " score=" + r.score() + " reasons=" + r.reasonCodes());
        return switch (r.decision()) {
            case TRUST -> "done"; // create the account; keep r.json() for audit
            case IDENTITY_MATCH -> "identity_match"; // /identity/match with the Item's access token
            case IDENTITY_VERIFICATION -> "identity_verification"; // /identity_verification/create
            // Terminal: a person decides. An outcome a later library adds would land here too
            // if this were a default branch: fail closed.
            case MANUAL_REVIEW -> "manual_review";
        };
    }
}
