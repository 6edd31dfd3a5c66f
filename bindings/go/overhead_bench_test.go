//go:build bench

package layerrisk

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkOverhead (go test -tags bench -run '^$' -bench Overhead): Assess against the bare
// cgo call under it, the two alternating in rounds of 20,000 calls so that a busy moment of
// a shared machine hits both; best round of each. go-ns/call is what the Go side adds (the
// Record built from the C record); the C ABI's own cost over the core is bindings/c's
// percall example. Reads the lines of bindings/c/bench/lines.sh.
func BenchmarkOverhead(b *testing.B) {
	dir := filepath.Join("..", "..", "target", "bench")
	s, err := NewScorer(Options{AsOf: "2026-11-22"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, kind := range []string{"bare", "envelope"} {
		body, err := os.ReadFile(filepath.Join(dir, kind+".json"))
		if err != nil {
			b.Skip("run bindings/c/bench/lines.sh first")
		}
		body = bytes.TrimSuffix(body, []byte("\n"))
		b.Run(kind, func(b *testing.B) {
			const n = 20000
			bestRaw, bestGo := time.Duration(1<<62), time.Duration(1<<62)
			for r := 0; r < b.N; r++ {
				t := time.Now()
				for i := 0; i < n; i++ {
					abiAssess(s, body)
				}
				bestRaw = min(bestRaw, time.Since(t))
				t = time.Now()
				for i := 0; i < n; i++ {
					if _, err := s.Assess(body); err != nil {
						b.Fatal(err)
					}
				}
				bestGo = min(bestGo, time.Since(t))
			}
			raw, full := float64(bestRaw.Nanoseconds())/n, float64(bestGo.Nanoseconds())/n
			b.ReportMetric(raw, "cgo-call-ns")
			b.ReportMetric(full, "assess-ns")
			b.ReportMetric(full-raw, "go-side-ns")
		})
	}
}
