package layerrisk_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The layer-risk CLI the package must agree with, and a generated export with what gen
// does not write: a CRLF line, blank lines, a line of spaces and tabs, a line over the
// 1 MiB limit, a bare invalid UTF-8 byte, and a last line cut short without a newline.

const asOf = "2026-11-22"

var (
	repoRoot   string
	cliPath    string
	exportData []byte // the export
	exportPath string
	cliRecords []byte // `layer-risk score --as-of 2026-11-22 --jobs 1 EXPORT`
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	cliPath = os.Getenv("LAYER_RISK_CLI")
	if cliPath == "" {
		fmt.Fprintln(os.Stderr, "test: cargo build --release --locked --bin layer-risk (the CLI to compare with)")
		build := exec.Command("cargo", "build", "--release", "--locked", "--bin", "layer-risk")
		build.Dir, build.Stderr = repoRoot, os.Stderr
		if err := build.Run(); err != nil {
			panic(fmt.Sprintf("building the CLI: %v", err))
		}
		cliPath = filepath.Join(repoRoot, "target", "release", "layer-risk")
	}
	dir, err := os.MkdirTemp("", "layer-risk-go-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	gen := cli([]int{0}, "gen", "--count", "3000", "--seed", "11", "--corrupt", "0.05", "--applicants", "0.3")
	var extra bytes.Buffer
	extra.WriteString(`{"identity": null, "request_id": "crlf1"}` + "\r\n")
	extra.WriteString("\n")
	extra.WriteString("   \t\r\n")
	extra.WriteString(`{"identity": {"name": {"first_name": "` + strings.Repeat("x", 1<<20) + `"}}}` + "\n")
	extra.WriteString("\xff\n")
	extra.WriteString(`{"identity": `)
	exportData = append(gen, extra.Bytes()...)
	exportPath = filepath.Join(dir, "export.jsonl")
	if err := os.WriteFile(exportPath, exportData, 0o600); err != nil {
		panic(err)
	}
	// Exit 1: some lines are not responses.
	cliRecords = cli([]int{1}, "score", "--as-of", asOf, "--jobs", "1", exportPath)
	return m.Run()
}

// cli runs the CLI and returns its stdout; ok lists the exit codes that are success.
func cli(ok []int, args ...string) []byte {
	cmd := exec.Command(cliPath, args...)
	cmd.Dir = repoRoot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee, isExit := err.(*exec.ExitError); isExit {
		code = ee.ExitCode()
	} else if err != nil {
		panic(err)
	}
	for _, c := range ok {
		if c == code {
			return out
		}
	}
	panic(fmt.Sprintf("layer-risk %v: exit %d\n%s", args, code, stderr.String()))
}

// lines cuts data at '\n', numbered from 1 as the CLI numbers them.
func lines(data []byte) [][]byte {
	out := bytes.Split(data, []byte("\n"))
	if len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// cliByLine maps each line number to the CLI's record for it.
func cliByLine(t *testing.T, records []byte) map[int][]byte {
	t.Helper()
	by := map[int][]byte{}
	for _, r := range lines(records) {
		var head struct {
			Line int `json:"line"`
		}
		if err := json.Unmarshal(r, &head); err != nil {
			t.Fatalf("CLI record: %v", err)
		}
		by[head.Line] = r
	}
	return by
}

var lineField = regexp.MustCompile(`^\{"line":\d+,`)

// withoutLine is a CLI record without its "line" field: what Assess returns.
func withoutLine(record []byte) []byte {
	return lineField.ReplaceAll(record, []byte("{"))
}

var ids = regexp.MustCompile(`"decision_id":"[0-9a-f]{32}"`)

// withoutIDs is a record with its decision ids (its own and its shadow's) blanked: the same
// decision made on other input bytes (parts apart rather than in an envelope) has other ids.
func withoutIDs(record []byte) []byte {
	return ids.ReplaceAll(record, []byte(`"decision_id":""`))
}

var position = regexp.MustCompile(` \(line \d+, column \d+\)`)

// withoutPosition is an error message as an error record has it.
func withoutPosition(message string) string {
	return position.ReplaceAllString(message, "")
}

func isBlank(b []byte) bool {
	return len(bytes.Trim(b, " \t\r")) == 0
}
