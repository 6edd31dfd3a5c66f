// Package example is the README's backend: a net/http handler that fetches the Layer
// session with plaid-go and decides with layer-risk right after it. handler_test.go runs it
// against a local fake Plaid.
package example

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	layerrisk "github.com/layer-risk/layer-risk/bindings/go"
	"github.com/plaid/plaid-go/v43/plaid"
)

// DailyScorer hands out a scorer for today's date in the business's time zone, moving the
// live scorer to the new day when the day changes (a layerrisk.Live: requests in flight keep
// the scorer they started with). The rules are read and checked once, at start-up; Reload
// swaps in a new rules file and keeps the old one if the new one is broken.
type DailyScorer struct {
	live *layerrisk.Live
	zone *time.Location
	now  func() time.Time
	mu   sync.Mutex
}

// NewDailyScorer checks the rules file now, so a broken file stops the deploy here.
func NewDailyScorer(rulesPath string, zone *time.Location) (*DailyScorer, error) {
	text, err := os.ReadFile(rulesPath)
	if err != nil {
		return nil, err
	}
	d := &DailyScorer{zone: zone, now: time.Now}
	s, err := layerrisk.NewScorer(layerrisk.Options{RulesJSON: text, RulesName: rulesPath, AsOf: d.today()})
	if err != nil {
		return nil, err
	}
	defer s.Close() // the Live holds its own reference
	if d.live, err = layerrisk.NewLive(s); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *DailyScorer) today() string { return d.now().In(d.zone).Format("2006-01-02") }

// Today is the scorer for today: use it for the whole request.
func (d *DailyScorer) Today() (*layerrisk.Scorer, error) {
	today := d.today()
	if s := d.live.Current(); s.AsOf() == today {
		return s, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.live.Current().AsOf() != today {
		if err := d.live.SetAsOf(today); err != nil {
			return nil, err
		}
	}
	return d.live.Current(), nil
}

// Reload makes the rules file at path live (on SIGHUP, say); a broken file returns its
// located *layerrisk.RulesError and the working rules stay.
func (d *DailyScorer) Reload(path string) error { return d.live.ReloadRules(path) }

// Onboarding is POST /onboarding/layer: {"public_token": "...", "applicant": {...}} in,
// {"next": "done" | "identity_match" | "identity_verification" | "manual_review"} out.
type Onboarding struct {
	Plaid  *plaid.APIClient
	Scorer *DailyScorer
	Log    *slog.Logger
}

func (o *Onboarding) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PublicToken string          `json:"public_token"`
		Applicant   json.RawMessage `json:"applicant"` // what the user typed into your form, if you have it
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.PublicToken == "" {
		http.Error(w, "public_token required", http.StatusBadRequest)
		return
	}

	req := plaid.NewUserAccountSessionGetRequest(in.PublicToken)
	_, resp, err := o.Plaid.PlaidApi.UserAccountSessionGet(r.Context()).UserAccountSessionGetRequest(*req).Execute()
	if err != nil {
		// Only Plaid's error code: the error's body is the response, which may hold identity.
		code := "unknown"
		if pe, perr := plaid.ToPlaidError(err); perr == nil {
			code = pe.ErrorCode
		}
		o.Log.Warn("layer: session get failed", "plaid_error_code", code)
		http.Error(w, "identity service unavailable", http.StatusBadGateway)
		return
	}
	// plaid-go keeps the bytes Plaid sent in resp.Body: decide on exactly those.
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "identity service unavailable", http.StatusBadGateway)
		return
	}

	scorer, err := o.Scorer.Today()
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var rec layerrisk.Record
	if len(in.Applicant) > 0 && string(in.Applicant) != "null" {
		rec, err = scorer.AssessWithApplicant(body, in.Applicant)
	} else {
		rec, err = scorer.Assess(body)
	}
	var pe *layerrisk.ParseError
	if errors.As(err, &pe) {
		// Not a Layer response: fail closed. The error names codes and paths, never values.
		o.Log.Warn("layer: unreadable response", "code", pe.Code, "path", pe.Path, "column", pe.Column)
		reply(w, "identity_verification")
		return
	} else if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}

	codes := make([]string, len(rec.Reasons))
	for i, reason := range rec.Reasons {
		codes[i] = reason.Code
	}
	o.Log.Info("layer: decision", "request_id", rec.RequestID, "decision", string(rec.Decision),
		"score", rec.Score, "reasons", codes) // codes only: never identity values

	switch rec.Decision {
	case layerrisk.Trust:
		// Create the account with the Layer identity; keep rec.JSON for audit.
		reply(w, "done")
	case layerrisk.IdentityMatch:
		// /identity/match with the linked Item's access token.
		reply(w, "identity_match")
	case layerrisk.IdentityVerification:
		// /identity_verification/create.
		reply(w, "identity_verification")
	default:
		// ManualReview, or an outcome a later library adds: fail closed, a person decides.
		reply(w, "manual_review")
	}
}

func reply(w http.ResponseWriter, next string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"next": next})
}
