package layerrisk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	layerrisk "github.com/layer-risk/layer-risk/bindings/go"
)

// Benchmarks (go test -run '^$' -bench . -benchtime 20000x; see README "Performance"):
//
//   - BenchmarkAssess: one Assess call on the lines of bindings/c/bench/lines.sh (run it
//     first; bindings/c's percall example gives the core's own cost on the same lines, and
//     Assess's overhead beyond the core is the difference);
//   - BenchmarkScoreJSONL: a generated export of BENCH_LINES lines (default 200,000) against
//     `layer-risk score --jobs 1 FILE > /dev/null` timed as its own process (cli-s/op).

// benchLines: the two lines of bindings/c/bench/lines.sh, or (when it has not run) a bare
// response and an envelope picked from the test export.
func benchLines(b *testing.B) map[string][]byte {
	out := map[string][]byte{}
	dir := filepath.Join(repoRoot, "target", "bench")
	if bare, err := os.ReadFile(filepath.Join(dir, "bare.json")); err == nil {
		env, err := os.ReadFile(filepath.Join(dir, "envelope.json"))
		if err == nil {
			out["bare"], out["envelope"] = bytes.TrimSuffix(bare, []byte("\n")), bytes.TrimSuffix(env, []byte("\n"))
			return out
		}
	}
	for _, l := range lines(exportData) {
		var v map[string]json.RawMessage
		if json.Unmarshal(l, &v) != nil {
			continue
		}
		if _, ok := v["applicant"]; ok && out["envelope"] == nil {
			out["envelope"] = l
		} else if _, ok := v["identity"]; ok && v["request_id"] != nil && out["bare"] == nil {
			out["bare"] = l
		}
	}
	if len(out) != 2 {
		b.Fatal("no bare line or envelope in the export")
	}
	return out
}

func BenchmarkAssess(b *testing.B) {
	s := newScorer(b, layerrisk.Options{})
	for _, kind := range []string{"bare", "envelope"} {
		line := benchLines(b)[kind]
		b.Run(kind, func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for i := 0; i < b.N; i++ {
				if _, err := s.Assess(line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkScoreJSONL(b *testing.B) {
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("BENCH_LINES")); err == nil {
		n = v
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "export.jsonl")
	cli([]int{0}, "gen", "--count", strconv.Itoa(n), "--seed", "7", "--corrupt", "0.01", "--applicants", "0.3", "--out", file)
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	s := newScorer(b, layerrisk.Options{})
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	runCLI := func() time.Duration {
		cmd := exec.Command(cliPath, "score", "--as-of", asOf, "--jobs", "1", file)
		cmd.Stdout = devnull
		t0 := time.Now()
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	runCLI() // warm the page cache
	b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		var cliTime, goTime time.Duration
		for i := 0; i < b.N; i++ {
			cliTime += runCLI()
			t0 := time.Now()
			if _, err := s.ScoreJSONL(data); err != nil {
				b.Fatal(err)
			}
			goTime += time.Since(t0)
		}
		b.ReportMetric(cliTime.Seconds()/float64(b.N), "cli-s/op")
		b.ReportMetric(goTime.Seconds()/float64(b.N), "go-s/op")
		b.ReportMetric(float64(n)*float64(b.N)/goTime.Seconds(), "go-lines/s")
		b.ReportMetric(float64(n)*float64(b.N)/cliTime.Seconds(), "cli-lines/s")
		b.ReportMetric(goTime.Seconds()/cliTime.Seconds(), "go/cli")
	})
}
