package example

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	layerrisk "github.com/layer-risk/layer-risk/bindings/go"
	"github.com/plaid/plaid-go/v43/plaid"
)

// The handler against a local fake Plaid that answers /user_account/session/get with lines
// of the shipped example export: each decision routes to its step, an unreadable response
// fails closed, a Plaid error is logged by its code alone, and no identity value reaches
// the logs.
func TestOnboardingAgainstAFakePlaid(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	data, err := os.ReadFile(filepath.Join(root, "examples", "export.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" && len(bodies) < 40 {
			bodies = append(bodies, l)
		}
	}
	// Plaid's own Identity Verification review is pending: manual_review, a person decides.
	bodies = append(bodies, `{"identity": null, "items": [], "request_id": "r2", "idv_session_status": "pending_review"}`)

	var mu sync.Mutex
	answer, status := bodies[0], http.StatusOK
	var seen []map[string]any
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		req["path"], req["client_id"] = r.URL.Path, r.Header.Get("PLAID-CLIENT-ID")
		seen = append(seen, req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(answer))
	}))
	defer fake.Close()

	cfg := plaid.NewConfiguration()
	cfg.AddDefaultHeader("PLAID-CLIENT-ID", "client-id")
	cfg.AddDefaultHeader("PLAID-SECRET", "secret")
	cfg.UseEnvironment(plaid.Environment(fake.URL)) // plaid.Production in a real deployment
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		zone = time.UTC // no tzdata on this machine: the example's logic is the same
	}
	rulesPath := filepath.Join(root, "rules", "lending.json")
	daily, err := NewDailyScorer(rulesPath, zone)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	app := httptest.NewServer(&Onboarding{
		Plaid:  plaid.NewAPIClient(cfg),
		Scorer: daily,
		Log:    slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	defer app.Close()

	post := func() (int, map[string]string) {
		resp, err := http.Post(app.URL, "application/json", strings.NewReader(`{"public_token": "profile-sandbox-1"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]string
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}

	scorer, err := layerrisk.NewScorer(layerrisk.Options{Rules: rulesPath, AsOf: time.Now().In(zone).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	step := map[layerrisk.Decision]string{layerrisk.Trust: "done", layerrisk.IdentityMatch: "identity_match",
		layerrisk.IdentityVerification: "identity_verification", layerrisk.ManualReview: "manual_review"}
	steps := map[string]bool{}
	for _, b := range bodies {
		mu.Lock()
		answer = b
		mu.Unlock()
		rec, err := scorer.Assess([]byte(b))
		if err != nil {
			t.Fatal(err)
		}
		code, out := post()
		if code != http.StatusOK || out["next"] != step[rec.Decision] {
			t.Fatalf("got %d %v, want %s", code, out, step[rec.Decision])
		}
		steps[out["next"]] = true
	}
	if len(steps) < 2 || !steps["manual_review"] {
		t.Fatalf("only %v ran", steps)
	}
	// A reload: a broken file is refused and the working rules stay; a good one is live.
	broken := filepath.Join(t.TempDir(), "broken.json")
	os.WriteFile(broken, []byte(`{"name": "broken",`), 0o600)
	if err := daily.Reload(broken); err == nil {
		t.Fatal("a broken rules file was accepted")
	}
	if s, _ := daily.Today(); s.Rules().Name != scorer.Rules().Name {
		t.Fatalf("%s is live after a broken reload", s.Rules().Name)
	}
	if err := daily.Reload(filepath.Join(root, "rules", "default.json")); err != nil {
		t.Fatal(err)
	}
	if s, _ := daily.Today(); s.Rules().Name != "default" || s.AsOf() != scorer.AsOf() {
		t.Fatalf("after a reload: %+v %s", s.Rules(), s.AsOf())
	}
	last := seen[len(seen)-1]
	if last["path"] != "/user_account/session/get" || last["public_token"] != "profile-sandbox-1" || last["client_id"] != "client-id" {
		t.Fatalf("the fake saw %v", last)
	}

	// Not a response the core accepts (plaid-go decodes it; a negative edit count is
	// impossible): fail closed.
	answer = `{"identity": null, "items": [], "request_id": "r1", "identity_edit_history": {"name": {"edits_current": 0, "edits_1d": -1, "edits_30d": 0, "edits_365d": 0, "edits_all_time": 0}}}`
	if code, out := post(); code != http.StatusOK || out["next"] != "identity_verification" {
		t.Fatalf("unreadable: %d %v", code, out)
	}
	if !strings.Contains(logs.String(), `"msg":"layer: unreadable response","code":"invalid_value","path":"identity_edit_history.name.edits_1d"`) {
		t.Fatalf("the parse error is not logged: %s", logs.String())
	}
	// A Plaid error: 502, logged by its code.
	answer, status = `{"error_type": "INVALID_INPUT", "error_code": "INVALID_PUBLIC_TOKEN", "error_message": "bad", "display_message": null, "request_id": "x1"}`, http.StatusBadRequest
	if code, _ := post(); code != http.StatusBadGateway {
		t.Fatalf("a Plaid error: %d", code)
	}
	if !strings.Contains(logs.String(), `"plaid_error_code":"INVALID_PUBLIC_TOKEN"`) {
		t.Fatalf("the Plaid error code is not logged: %s", logs.String())
	}

	// Logs: request ids and codes, never an identity value.
	if n := strings.Count(logs.String(), `"msg":"layer: decision"`); n != len(bodies) {
		t.Fatalf("%d decisions logged", n)
	}
	for _, b := range bodies {
		var r struct {
			ID map[string]any `json:"identity"`
		}
		json.Unmarshal([]byte(b), &r)
		for _, k := range []string{"ssn", "date_of_birth", "phone_number", "email"} {
			if v, ok := r.ID[k].(string); ok && len(v) > 3 && strings.Contains(logs.String(), v) {
				t.Fatalf("an identity value (%s) reached the logs", k)
			}
		}
		if name, ok := r.ID["name"].(map[string]any); ok {
			if v, ok := name["last_name"].(string); ok && len(v) > 3 && strings.Contains(logs.String(), v) {
				t.Fatal("a name reached the logs")
			}
		}
	}
}
