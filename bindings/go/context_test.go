package layerrisk_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	layerrisk "github.com/layer-risk/layer-risk/bindings/go"
)

// Shadow rule sets, staged rollouts, Plaid's other verdicts as context parts, manual_review,
// and reloading a Live scorer under goroutines.

func signal(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "bindings", "c", "tests", "signals", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withRolloutKeys gives every line of data a rollout key ("user-N", N its line number)
// inside an envelope: a bare line becomes the session, an envelope gets the key beside its
// parts. gen writes no keys.
func withRolloutKeys(data []byte) []byte {
	var out bytes.Buffer
	all := bytes.Split(data, []byte("\n"))
	for i, l := range all {
		if i == len(all)-1 && len(l) == 0 {
			break
		}
		key := `"rollout_key": "user-` + strconv.Itoa(i+1) + `"`
		if bytes.HasPrefix(l, []byte(`{"session"`)) {
			out.WriteString(`{` + key + `, `)
			out.Write(l[1:])
		} else {
			out.WriteString(`{"session": `)
			out.Write(l)
			out.WriteString(`, ` + key + `}`)
		}
		if i < len(all)-1 {
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

func TestShadowAndRolloutAreTheCLIByteForByte(t *testing.T) {
	lending := filepath.Join(repoRoot, "rules", "lending.json")
	payments := filepath.Join(repoRoot, "rules", "payments.json")
	s := newScorer(t, layerrisk.Options{Shadow: &layerrisk.RulesSource{Path: lending}})
	if mode, r := s.Challenger(); mode != "shadow" || r.Name != "lending" || s.RolloutShare() != -1 {
		t.Fatalf("challenger %s %+v share %v", mode, r, s.RolloutShare())
	}
	want := cli([]int{1}, "score", "--as-of", asOf, "--jobs", "1", "--shadow", lending, exportPath)
	if got, err := s.ScoreJSONL(exportData); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("ScoreJSONL with a shadow differs from the CLI's --shadow (err %v)", err)
	}
	rec, err := s.Assess([]byte(body))
	if err != nil || rec.Shadow == nil || len(rec.Shadow.DecisionID) != 32 || rec.Shadow.DecisionID == rec.DecisionID ||
		!bytes.Contains(rec.JSON, []byte(`"shadow":{"decision_id":"`+rec.Shadow.DecisionID+`"`)) {
		t.Fatalf("%+v %s %v", rec.Shadow, rec.JSON, err)
	}

	keyed := withRolloutKeys(exportData)
	file := filepath.Join(t.TempDir(), "rollout.jsonl")
	if err := os.WriteFile(file, keyed, 0o600); err != nil {
		t.Fatal(err)
	}
	want = cli([]int{1}, "score", "--as-of", asOf, "--jobs", "1", "--rollout", payments, "--rollout-share", "0.3", file)
	for _, w := range []string{`"arm":"control"`, `"arm":"challenger"`} {
		if !bytes.Contains(want, []byte(w)) {
			t.Fatalf("the rollout export has no %s", w)
		}
	}
	text, _ := os.ReadFile(payments)
	for _, src := range []layerrisk.RulesSource{{Path: payments}, {JSON: text, Name: "payments.json"}} {
		r := newScorer(t, layerrisk.Options{Rollout: &layerrisk.Rollout{RulesSource: src, Share: 0.3}})
		if mode, id := r.Challenger(); mode != "rollout" || id.Name != "payments" || r.RolloutShare() != 0.3 {
			t.Fatalf("challenger %s %+v share %v", mode, id, r.RolloutShare())
		}
		if got, err := r.ScoreJSONL(keyed); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("ScoreJSONL with a rollout differs from the CLI's --rollout (err %v)", err)
		}
		// The key given apart decides the same arm as in the envelope.
		arms := map[string]int{}
		for k := 0; k < 60; k++ {
			key := "user-" + strconv.Itoa(k)
			a, err := r.AssessWith([]byte(body), layerrisk.Context{RolloutKey: key})
			if err != nil {
				t.Fatal(err)
			}
			b, err := r.Assess([]byte(`{"session": ` + body + `, "rollout_key": "` + key + `"}`))
			if err != nil || a.Arm != b.Arm || a.Shadow == nil || !bytes.Equal(withoutIDs(a.JSON), withoutIDs(b.JSON)) {
				t.Fatalf("key %s: %s vs %s (%v)", key, a.JSON, b.JSON, err)
			}
			arms[a.Arm]++
		}
		if arms["control"] == 0 || arms["challenger"] == 0 || len(arms) != 2 {
			t.Fatalf("arms %v", arms)
		}
		if a, _ := r.Assess([]byte(body)); a.Arm != "control" {
			t.Fatalf("without a key: arm %q", a.Arm)
		}
	}

	for _, opts := range []layerrisk.Options{
		{AsOf: asOf, Shadow: &layerrisk.RulesSource{Path: lending}, Rollout: &layerrisk.Rollout{RulesSource: layerrisk.RulesSource{Path: payments}, Share: 0.1}},
		{AsOf: asOf, Rollout: &layerrisk.Rollout{RulesSource: layerrisk.RulesSource{Path: payments}, Share: 1.5}},
		{AsOf: asOf, Shadow: &layerrisk.RulesSource{}},
		{AsOf: asOf, Shadow: &layerrisk.RulesSource{Path: lending, JSON: text}},
	} {
		var ae *layerrisk.ArgumentError
		if _, err := layerrisk.NewScorer(opts); !errors.As(err, &ae) {
			t.Errorf("%+v: got %v, want *ArgumentError", opts, err)
		}
	}
	_, err = layerrisk.NewScorer(layerrisk.Options{AsOf: asOf, Shadow: &layerrisk.RulesSource{JSON: []byte("{"), Name: "s.json"}})
	var re *layerrisk.RulesError
	if !errors.As(err, &re) || re.Code != "syntax" || !strings.HasPrefix(re.Message, "s.json:1:") {
		t.Fatalf("a broken shadow: %v", err)
	}
}

func TestAssessWithSignalsEqualsTheEnvelope(t *testing.T) {
	s := newScorer(t, layerrisk.Options{Shadow: &layerrisk.RulesSource{Path: filepath.Join(repoRoot, "rules", "lending.json")}})
	session := signal(t, "session")
	c := layerrisk.Context{
		Applicant:            []byte(`{"name": {"full_name": "Leslie Knope"}, "date_of_birth": "1975-01-18"}`),
		Protect:              signal(t, "protect"),
		IdentityMatch:        signal(t, "identity_match"),
		IdentityVerification: signal(t, "identity_verification"),
		RolloutKey:           "user-42",
	}
	apart, err := s.AssessWith(session, c)
	if err != nil {
		t.Fatal(err)
	}
	envelope := []byte(`{"session": ` + string(session) + `, "applicant": ` + string(c.Applicant) +
		`, "signals": {"protect": ` + string(c.Protect) + `, "identity_match": ` + string(c.IdentityMatch) +
		`, "identity_verification": ` + string(c.IdentityVerification) + `}, "rollout_key": "user-42"}`)
	whole, err := s.Assess(envelope)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(withoutIDs(apart.JSON), withoutIDs(whole.JSON)) || apart.DecisionID == whole.DecisionID {
		t.Fatalf("apart %s\nwhole %s", apart.JSON, whole.JSON)
	}
	if !bytes.Contains(apart.JSON, []byte(`"signal":`)) || !bytes.Contains(apart.JSON, []byte(`"match":{`)) {
		t.Fatalf("the parts were not read: %s", apart.JSON)
	}
	// A part given both ways is ambiguous.
	var pe *layerrisk.ParseError
	if _, err := s.AssessWith(envelope, layerrisk.Context{Protect: c.Protect}); !errors.As(err, &pe) || pe.Code != "ambiguous_envelope" {
		t.Fatalf("got %v", err)
	}
	// Broken parts: located under the part, quoting nothing.
	secrets := []string{"Leslie", "Knope", "524781963", "leslie@knope.com", "1975-01-18", "user-42"}
	im := bytes.Replace(c.IdentityMatch, []byte(`"score": 40`), []byte(`"score": "Leslie Knope 524781963"`), 1)
	idv := bytes.Replace(c.IdentityVerification, []byte(`"status": "success"`), []byte(`"status": ["leslie@knope.com", "1975-01-18"]`), 1)
	for _, tc := range []struct {
		c    layerrisk.Context
		path string
	}{
		{layerrisk.Context{IdentityMatch: im, RolloutKey: "user-42"}, "signals.identity_match.accounts[0].legal_name.score"},
		{layerrisk.Context{IdentityVerification: idv}, "signals.identity_verification.status"},
		{layerrisk.Context{Protect: c.Protect[:40]}, "signals.protect"},
		{layerrisk.Context{Protect: []byte{}}, "signals.protect"},
		{layerrisk.Context{Applicant: []byte(`{"name": "Leslie Knope"}`)}, "applicant.name"},
	} {
		_, err := s.AssessWith(session, tc.c)
		if !errors.As(err, &pe) || !strings.HasPrefix(pe.Path, tc.path) || pe.DecisionID != "" {
			t.Errorf("got %v (path %q), want a *ParseError under %s", err, pe.Path, tc.path)
			continue
		}
		for _, secret := range secrets {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("an error quotes input (%s): %s", secret, err)
			}
		}
	}
	var ae *layerrisk.ArgumentError
	if _, err := s.AssessWith(session, layerrisk.Context{RolloutKey: "\xff"}); !errors.As(err, &ae) {
		t.Fatalf("a key that is not UTF-8: %v", err)
	}
}

func TestManualReviewRoundTrips(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	rec, err := s.Assess([]byte(`{"identity": null, "request_id": "r1", "idv_session_status": "pending_review"}`))
	if err != nil || rec.Decision != layerrisk.ManualReview || !bytes.Contains(rec.JSON, []byte(`"decision":"manual_review"`)) {
		t.Fatalf("%+v %v", rec, err)
	}
	// Plaid's verdicts too: a pending Identity Verification review.
	rec, err = s.AssessWith(signal(t, "session"), layerrisk.Context{IdentityVerification: signal(t, "identity_verification_pending_review")})
	if err != nil || rec.Decision != layerrisk.ManualReview {
		t.Fatalf("%+v %v", rec, err)
	}
}

// Goroutines decide with live.Current() while the rules are reloaded (and a broken file is
// refused) over and over: every record is the one its scorer's rule set gives, whole. Run
// with -race (ci.sh's pattern takes TestScorer*).
func TestScorerLiveReloadUnderGoroutines(t *testing.T) {
	lending := filepath.Join(repoRoot, "rules", "lending.json")
	def := filepath.Join(repoRoot, "rules", "default.json")
	first := newScorer(t, layerrisk.Options{})
	other := newScorer(t, layerrisk.Options{Rules: lending})
	all := lines(exportData)[:300]
	want := map[string][][]byte{}
	for name, s := range map[string]*layerrisk.Scorer{"default": first, "lending": other} {
		for _, l := range all {
			r, _ := s.Assess(bytes.TrimSuffix(l, []byte("\r")))
			want[name] = append(want[name], r.JSON)
		}
	}
	live, err := layerrisk.NewLive(first)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	first.Close() // the Live holds its own reference
	var stop atomic.Bool
	var calls atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; !stop.Load() || i < g+40; i += 4 {
				s := live.Current()
				k := i % len(all)
				r, err := s.Assess(bytes.TrimSuffix(all[k], []byte("\r")))
				if (err == nil) != (want[s.Rules().Name][k] != nil) || !bytes.Equal(r.JSON, want[s.Rules().Name][k]) {
					errs <- errors.New("a record is not its scorer's rule set's: " + s.Rules().Name)
					return
				}
				s.Close() // a live scorer: left to the GC, never freed under another goroutine
				calls.Add(1)
			}
		}(g)
	}
	text, _ := os.ReadFile(lending)
	for round := 0; round < 100; round++ {
		var err error
		if round%2 == 0 {
			err = live.ReloadRulesJSON(text, "lending.json")
		} else {
			err = live.ReloadRules(def)
		}
		if err != nil {
			t.Fatal(err)
		}
		var re *layerrisk.RulesError
		if err := live.ReloadRulesJSON([]byte(`{"name": "broken",`), "broken.json"); !errors.As(err, &re) || re.Code != "syntax" {
			t.Fatalf("a broken file: %v", err)
		}
		if err := live.ReloadRules("/nonexistent/rules.json"); !errors.As(err, &re) || re.Code != "io" {
			t.Fatalf("a missing file: %v", err)
		}
		if name := live.Current().Rules().Name; name != map[bool]string{true: "lending", false: "default"}[round%2 == 0] {
			t.Fatalf("round %d: %s is live", round, name)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if calls.Load() < 160 {
		t.Fatalf("%d calls", calls.Load())
	}
	// A new day keeps the rules; a bad one changes nothing.
	var ae *layerrisk.ArgumentError
	if err := live.SetAsOf("2026-02-30"); !errors.As(err, &ae) {
		t.Fatal(err)
	}
	if err := live.SetAsOf("2027-01-02"); err != nil || live.Current().AsOf() != "2027-01-02" || live.Current().Rules().Name != "default" {
		t.Fatalf("%v %s", err, live.Current().AsOf())
	}
	// Replace with a scorer from new options (a shadow); the old one stays usable.
	held := live.Current()
	shadowed := newScorer(t, layerrisk.Options{Shadow: &layerrisk.RulesSource{Path: lending}})
	if err := live.Replace(shadowed); err != nil {
		t.Fatal(err)
	}
	if mode, _ := live.Current().Challenger(); mode != "shadow" {
		t.Fatalf("mode %q", mode)
	}
	live.Close()
	if err := live.ReloadRules(def); !errors.Is(err, layerrisk.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := held.Assess([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if _, err := live.Current().Assess([]byte(body)); err != nil {
		t.Fatal(err)
	}
}
