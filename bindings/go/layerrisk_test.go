package layerrisk_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	layerrisk "github.com/layer-risk/layer-risk/bindings/go"
)

func newScorer(t testing.TB, opts layerrisk.Options) *layerrisk.Scorer {
	t.Helper()
	if opts.AsOf == "" {
		opts.AsOf = asOf
	}
	s, err := layerrisk.NewScorer(opts)
	if err != nil {
		t.Fatalf("NewScorer: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestScoreJSONLIsTheCLIByteForByte(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	got, err := s.ScoreJSONL(exportData)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, cliRecords) {
		t.Fatalf("ScoreJSONL differs from the CLI (%d vs %d bytes)", len(got), len(cliRecords))
	}
	// The export exercises what it should.
	for _, want := range []string{`"code":"invalid_utf8"`, `"code":"truncated"`, `"code":"line_too_long"`, `"match":{`} {
		if !bytes.Contains(cliRecords, []byte(want)) {
			t.Errorf("the export has no %s", want)
		}
	}

	t.Run("gzip, two members", func(t *testing.T) {
		half := bytes.IndexByte(exportData[len(exportData)/2:], '\n') + len(exportData)/2 + 1
		var gz bytes.Buffer
		for _, part := range [][]byte{exportData[:half], exportData[half:]} {
			w := gzip.NewWriter(&gz)
			w.Write(part)
			w.Close()
		}
		got, err := s.ScoreJSONL(gz.Bytes())
		if err != nil || !bytes.Equal(got, cliRecords) {
			t.Fatalf("ScoreJSONL(gzip) differs from the CLI (err %v)", err)
		}
		_, err = s.ScoreJSONL(gz.Bytes()[:gz.Len()/2])
		var ie *layerrisk.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("a cut gzip stream: got %v, want *InputError", err)
		}
	})

	t.Run("with a rules file", func(t *testing.T) {
		lending := filepath.Join(repoRoot, "rules", "lending.json")
		want := cli([]int{1}, "score", "--rules", lending, "--as-of", asOf, "--jobs", "1", exportPath)
		got, err := newScorer(t, layerrisk.Options{Rules: lending}).ScoreJSONL(exportData)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("ScoreJSONL with lending rules differs from the CLI (err %v)", err)
		}
	})

	t.Run("empty input", func(t *testing.T) {
		got, err := s.ScoreJSONL(nil)
		if err != nil || len(got) != 0 {
			t.Fatalf("got %q, %v", got, err)
		}
	})
}

// cliFields is what a Record's fields must equal, read from the CLI's record.
type cliFields struct {
	RequestID  *string `json:"request_id"`
	DecisionID *string `json:"decision_id"`
	Decision   string  `json:"decision"`
	Score      uint32  `json:"score"`
	Reasons    []struct {
		Code   string `json:"code"`
		RuleID string `json:"rule_id"`
		Points uint32 `json:"points"`
	} `json:"reasons"`
	Error *struct {
		Code    string  `json:"code"`
		Message string  `json:"message"`
		Column  int     `json:"column"`
		Path    *string `json:"path"`
	} `json:"error"`
}

func TestAssessEachLineEqualsTheCLIRecord(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	byLine := cliByLine(t, cliRecords)
	var decided, failed, envelopes int
	for i, raw := range lines(exportData) {
		n := i + 1
		want, ok := byLine[n]
		if isBlank(raw) {
			if ok {
				t.Fatalf("line %d: blank, but the CLI wrote a record", n)
			}
			continue
		}
		var f cliFields
		if err := json.Unmarshal(want, &f); err != nil {
			t.Fatal(err)
		}
		body := bytes.TrimSuffix(raw, []byte("\r")) // the CLI drops one CR, as in a CRLF file
		if f.Error != nil && f.Error.Code == "line_too_long" {
			continue // a limit of reading exports; Assess takes what it is given
		}
		rec, err := s.Assess(body)
		if f.Error != nil {
			var pe *layerrisk.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("line %d: got %v, want a *ParseError", n, err)
			}
			path := ""
			if f.Error.Path != nil {
				path = *f.Error.Path
			}
			if pe.Code != f.Error.Code || pe.Line != 1 || pe.Column != f.Error.Column || pe.Path != path ||
				withoutPosition(pe.Message) != f.Error.Message || f.DecisionID == nil || pe.DecisionID != *f.DecisionID {
				t.Fatalf("line %d: got %+v, want %+v", n, *pe, *f.Error)
			}
			failed++
			continue
		}
		if err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if !bytes.Equal(rec.JSON, withoutLine(want)) {
			t.Fatalf("line %d:\n got %s\nwant %s", n, rec.JSON, withoutLine(want))
		}
		checkFields(t, n, rec, f)
		decided++

		var env struct {
			Session   json.RawMessage `json:"session"`
			Applicant json.RawMessage `json:"applicant"`
		}
		if json.Unmarshal(body, &env) == nil && env.Applicant != nil {
			rec2, err := s.AssessWithApplicant(env.Session, env.Applicant)
			// The same decision; the id covers the bytes as given (the parts apart).
			if err != nil || !bytes.Equal(withoutIDs(rec2.JSON), withoutIDs(rec.JSON)) || rec2.DecisionID == rec.DecisionID {
				t.Fatalf("line %d: AssessWithApplicant differs from the envelope's record (%v)", n, err)
			}
			rec3, err := s.AssessWith(env.Session, layerrisk.Context{Applicant: env.Applicant})
			if err != nil || !bytes.Equal(rec3.JSON, rec2.JSON) {
				t.Fatalf("line %d: AssessWith(Applicant) differs from AssessWithApplicant (%v)", n, err)
			}
			envelopes++
		}
	}
	if decided < 2700 || failed < 100 || envelopes < 700 {
		t.Fatalf("decided %d, failed %d, envelopes %d: the export is not what it should be", decided, failed, envelopes)
	}
}

func checkFields(t *testing.T, n int, rec layerrisk.Record, f cliFields) {
	t.Helper()
	id := ""
	if f.RequestID != nil {
		id = *f.RequestID
	}
	if f.DecisionID == nil || rec.DecisionID != *f.DecisionID || rec.Arm != "" || rec.Shadow != nil {
		t.Fatalf("line %d: decision id %q, arm %q, shadow %v; want %v", n, rec.DecisionID, rec.Arm, rec.Shadow, f.DecisionID)
	}
	if string(rec.Decision) != f.Decision || rec.Score != f.Score || rec.RequestID != id || len(rec.Reasons) != len(f.Reasons) {
		t.Fatalf("line %d: fields %v %d %q %d reasons; want %s %d %q %d", n, rec.Decision, rec.Score, rec.RequestID,
			len(rec.Reasons), f.Decision, f.Score, id, len(f.Reasons))
	}
	for i, r := range f.Reasons {
		if rec.Reasons[i] != (layerrisk.Reason{Code: r.Code, RuleID: r.RuleID, Points: r.Points}) {
			t.Fatalf("line %d: reason %d is %+v, want %+v", n, i, rec.Reasons[i], r)
		}
	}
}

const body = `{"identity": {"name": {"first_name": "Leslie", "last_name": "Knope"},
 "address": {"street": "123 Main St.", "city": "Pawnee", "region": "IN", "postal_code": "46001", "country": "US"},
 "phone_number": "+14155550015", "email": "leslie@knope.com", "date_of_birth": "1975-01-18",
 "ssn": "987654321", "ssn_last_4": "4321"},
 "items": [{"item_id": "it-1", "access_token": "access-sandbox-x"}],
 "request_id": "m8MDnv9okwxFNBV"}`

func TestScorer(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	if r := s.Rules(); r.Name != "default" || len(r.SHA256) != 64 || r.Version == "" {
		t.Fatalf("rules %+v", r)
	}
	if s.AsOf() != asOf {
		t.Fatalf("as of %s", s.AsOf())
	}
	if layerrisk.Version() != "0.1.0" {
		t.Fatalf("version %s", layerrisk.Version())
	}
	rec, err := s.Assess([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if rec.RequestID != "m8MDnv9okwxFNBV" || !bytes.HasPrefix(rec.JSON, []byte(`{"request_id":"m8MDnv9okwxFNBV","decision_id":"`+rec.DecisionID+`","decision":"`+string(rec.Decision)+`"`)) {
		t.Fatalf("record %s", rec.JSON)
	}
	none, err := s.Assess([]byte(`{"identity": null}`))
	if err != nil || none.Decision != layerrisk.IdentityVerification || none.RequestID != "" || none.Reasons[0].Code != "identity_missing" {
		t.Fatalf("%+v %v", none, err)
	}
	// With an applicant: a match report.
	withA, err := s.AssessWithApplicant([]byte(body), []byte(`{"name": {"full_name": "Leslie B Knope"}, "date_of_birth": "1975-01-18"}`))
	if err != nil || !bytes.Contains(withA.JSON, []byte(`"match":{`)) {
		t.Fatalf("%s %v", withA.JSON, err)
	}
	// Rules from text are the same rule set as from the file.
	lending := filepath.Join(repoRoot, "rules", "lending.json")
	text, err := os.ReadFile(lending)
	if err != nil {
		t.Fatal(err)
	}
	a := newScorer(t, layerrisk.Options{Rules: lending})
	b := newScorer(t, layerrisk.Options{RulesJSON: text, RulesName: "lending.json"})
	if a.Rules() != b.Rules() || a.Rules().Name != "lending" {
		t.Fatalf("%+v vs %+v", a.Rules(), b.Rules())
	}
	// Close: later calls say so; twice is harmless.
	c := newScorer(t, layerrisk.Options{})
	c.Close()
	c.Close()
	if _, err := c.Assess([]byte(body)); !errors.Is(err, layerrisk.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := c.ScoreJSONL([]byte(body)); !errors.Is(err, layerrisk.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	for _, tc := range []struct {
		body, applicant string
		code            string
		column          int
		path            string
	}{
		{`{"identity": 5}`, "", "wrong_type", 14, "identity"},
		{`[1]`, "", "not_an_object", 1, ""},
		{`{"identity": {}, "identity": {}}`, "", "duplicate_field", 27, ""},
		{`{"identity_edit_history": {"name": {"edits_1d": -1}}}`, "", "invalid_value", 50, "identity_edit_history.name.edits_1d"},
		{`{"identity": x}`, "", "invalid_json", 14, "identity"},
		{`{"identity": {"name": {"first_name": "Leslie", "last_name": "Kno`, "", "truncated", 64, "identity.name.last_name"},
		{"{\"identity\": {\"name\": {\"first_name\": \"\xc3\x28\"}}}", "", "invalid_utf8", 39, ""},
		{``, "", "truncated", 1, ""},
		{body, `{"name": 7}`, "wrong_type", 10, "applicant.name"},
		{`{"session": {}, "applicant": {}}`, `{}`, "ambiguous_envelope", 1, ""},
	} {
		var err error
		if tc.applicant == "" {
			_, err = s.Assess([]byte(tc.body))
		} else {
			_, err = s.AssessWithApplicant([]byte(tc.body), []byte(tc.applicant))
		}
		var pe *layerrisk.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%.40q: got %v, want *ParseError", tc.body, err)
			continue
		}
		if pe.Code != tc.code || pe.Line != 1 || pe.Column != tc.column || pe.Path != tc.path {
			t.Errorf("%.40q: got %s line %d column %d path %q; want %s 1 %d %q", tc.body, pe.Code, pe.Line, pe.Column, pe.Path,
				tc.code, tc.column, tc.path)
		}
		var re *layerrisk.RulesError
		if errors.As(err, &re) {
			t.Errorf("a ParseError is also a RulesError")
		}
	}
}

func TestRulesAndArgumentErrors(t *testing.T) {
	dir := t.TempDir()
	lending := filepath.Join(repoRoot, "rules", "lending.json")
	text, _ := os.ReadFile(lending)
	typo := filepath.Join(dir, "lending-typo.json")
	os.WriteFile(typo, bytes.Replace(text, []byte(`"tiers"`), []byte(`"teirs"`), 1), 0o600)
	typoLine := bytes.Count(text[:bytes.Index(text, []byte(`"tiers"`))], []byte("\n")) + 1

	for _, tc := range []struct {
		name   string
		opts   layerrisk.Options
		code   string
		line   int
		column int
		path   string
		prefix string
	}{
		{"misspelt key", layerrisk.Options{Rules: typo}, "schema", typoLine, 9, "teirs", typo},
		{"not JSON", layerrisk.Options{RulesJSON: []byte("{\"name\": \"x\",\n  \"version\": \"1\",\n}"), RulesName: "x.json"}, "syntax", 3, 1, "", "x.json:3:1: "},
		{"default name", layerrisk.Options{RulesJSON: []byte("{")}, "syntax", 1, 1, "", "rules:"},
		{"missing file", layerrisk.Options{Rules: "/nonexistent/rules.json"}, "io", 1, 1, "", "/nonexistent/rules.json:1:1: cannot read rules file"},
		{"not UTF-8", layerrisk.Options{RulesJSON: []byte("{\"name\": \"\xff\"}")}, "io", 1, 1, "", "rules:1:1: "},
	} {
		tc.opts.AsOf = asOf
		_, err := layerrisk.NewScorer(tc.opts)
		var re *layerrisk.RulesError
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v, want *RulesError", tc.name, err)
			continue
		}
		if re.Code != tc.code || re.Line != tc.line || re.Column != tc.column || re.Path != tc.path || !strings.HasPrefix(re.Message, tc.prefix) {
			t.Errorf("%s: got %+v", tc.name, *re)
		}
	}

	for _, opts := range []layerrisk.Options{
		{},
		{AsOf: "2026-2-03"}, {AsOf: "2026-02-30"}, {AsOf: "26-11-22"}, {AsOf: "2026-11-22T00:00:00Z"},
		{AsOf: " 2026-11-22"}, {AsOf: "+2026-11-22"}, {AsOf: "2026-11-22\x00"},
		{AsOf: asOf, Rules: lending, RulesJSON: text},
		{AsOf: asOf, RulesName: "x"},
		{AsOf: asOf, Rules: "rules/lending.json\x00x"},
		{AsOf: asOf, RulesJSON: text, RulesName: "x\x00"},
	} {
		_, err := layerrisk.NewScorer(opts)
		var ae *layerrisk.ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%+q: got %v, want *ArgumentError", opts.AsOf, err)
		}
	}
	if s := newScorer(t, layerrisk.Options{AsOf: "2024-02-29"}); s.AsOf() != "2024-02-29" {
		t.Fatal(s.AsOf())
	}
}

func TestNoIdentityValueInErrors(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	const ssn, digits, first, last = "123-45-6789", "123456789", "Leslie", "Knope"
	secrets := []string{ssn, digits, first, last, "1975-01-18", "leslie@knope.com"}
	bodies := []string{
		`{"identity": {"ssn": ` + digits + `, "name": {"first_name": "` + first + `", "last_name": "` + last + `"}}}`,
		`{"identity": {"ssn": "` + ssn + `", "name": "` + first + ` ` + last + `"}}`,
		`{"identity": {"ssn": "` + ssn + `", "name": {"first_name": "` + first + `"`,
		`{"identity": {"ssn": ` + ssn + `}}`,
		`{"identity": {"ssn": "` + ssn + `"}, "identity": {"name": "` + last + `"}}`,
		`{"identity_edit_history": {"name": {"edits_1d": "` + ssn + `"}}}`,
		`{"identity_edit_history": {"name": {"edits_1d": -` + digits + `}}}`,
		`{"identity": {"date_of_birth": 1975-01-18, "email": "leslie@knope.com"}}`,
		`["` + ssn + `", "` + first + `"]`,
		`"` + first + ` ` + last + `"`,
		`{"identity": {"ssn": "` + ssn + `"}} ` + first,
		`{"identity": {"ssn": "` + ssn + `", "name": {"first_name": ` + first + `}}}`,
		`{"session": {"identity": {"ssn": "` + ssn + `"}}, "applicant": {"name": "` + first + ` ` + last + `"}}`,
		"{\"identity\": {\"ssn\": \"" + ssn + "\", \"name\": {\"first_name\": \"" + first + "\xff\"}}}",
	}
	var texts []string
	for _, b := range bodies {
		_, err := s.Assess([]byte(b))
		if err == nil {
			t.Fatalf("%s: no error", b)
		}
		var pe *layerrisk.ParseError
		errors.As(err, &pe)
		texts = append(texts, err.Error(), pe.Path)
		out, _ := s.ScoreJSONL([]byte(b))
		texts = append(texts, string(out))
	}
	for _, a := range []string{`{"name": "` + first + ` ` + last + `", "ssn": "` + ssn + `"}`, `{"date_of_birth": 19750118}`, `["` + ssn + `"]`} {
		_, err := s.AssessWithApplicant([]byte(`{"identity": {}}`), []byte(a))
		if err == nil {
			t.Fatalf("%s: no error", a)
		}
		texts = append(texts, err.Error())
	}
	_, err := layerrisk.NewScorer(layerrisk.Options{AsOf: ssn})
	texts = append(texts, err.Error())
	_, err = layerrisk.NewScorer(layerrisk.Options{AsOf: "1975-01-18x"})
	texts = append(texts, err.Error())
	for _, text := range texts {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("an error quotes input (%s): %s", secret, text)
			}
		}
	}
}

// One scorer shared by goroutines: every goroutine gets the CLI's records. Run with -race.
func TestGoroutinesShareOneScorer(t *testing.T) {
	s := newScorer(t, layerrisk.Options{})
	all := lines(exportData)
	want := make([][]byte, len(all))
	for i, l := range all {
		if r, err := s.Assess(bytes.TrimSuffix(l, []byte("\r"))); err == nil {
			want[i] = r.JSON
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(all); i += 3 {
				r, err := s.Assess(bytes.TrimSuffix(all[i], []byte("\r")))
				if (err == nil) != (want[i] != nil) || (err == nil && !bytes.Equal(r.JSON, want[i])) {
					errs <- errors.New("a goroutine got another record")
					return
				}
			}
			if g == 0 {
				if out, err := s.ScoreJSONL(exportData[:1<<20]); err != nil || !bytes.HasPrefix(cliRecords, out[:len(out)/2]) {
					errs <- errors.New("ScoreJSONL beside Assess differs")
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
