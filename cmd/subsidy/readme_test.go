package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
)

// assignment is an example that keeps a command's output in a shell
// variable (TOKEN=$(./subsidy token create …)), used as $TOKEN later.
type assignment struct {
	name string
	args []string
}

var assignRE = regexp.MustCompile(`^([A-Z_][A-Z0-9_]*)=\$\((.*)\)$`)

// repoRoot is the repository, seen from this package's directory.
const repoRoot = "../.."

// documented are the files whose shell examples TestDocumentedExamples
// runs as written.
var documented = []string{"README.md", "docs/api.md"}

// TestDocumentedExamples runs the shell examples of the README and of
// docs/api.md verbatim in a scratch directory holding the repository's
// docs/examples: every ./subsidy command through the same dispatch as
// the binary (serve excepted: the curl examples run against a server
// started here), every curl command with curl against that server. Each
// must succeed, and what they write must be what they claim (a workbook,
// a CSV file, JSON), so that a newcomer who pastes them gets no 400
// problem saved as subsidy.xlsx.
func TestDocumentedExamples(t *testing.T) {
	work := t.TempDir()
	copyDir(t, filepath.Join(repoRoot, "docs/examples"), filepath.Join(work, "docs/examples"))

	var curls, subsidies [][]string
	var assigns []assignment
	for _, doc := range documented {
		for _, line := range shellExamples(t, filepath.Join(repoRoot, doc)) {
			if m := assignRE.FindStringSubmatch(line); m != nil { // TOKEN=$(./subsidy token create …)
				words := shellWords(t, m[2])
				if len(words) < 2 || words[0] != "./subsidy" {
					t.Errorf("%s: an assignment this test cannot run: %s", doc, line)
					continue
				}
				assigns = append(assigns, assignment{m[1], words[1:]})
				continue
			}
			words := shellWords(t, line)
			switch {
			case len(words) == 0:
			case words[0] == "curl":
				curls = append(curls, words)
			case words[0] == "./subsidy" && len(words) > 1 && words[1] != "serve":
				subsidies = append(subsidies, words[1:])
			case words[0] == "./subsidy", words[0] == "go":
				// serve runs below; go build/install/test are what runs this
			default:
				t.Errorf("%s: an example this test does not know how to run: %s", doc, line)
			}
		}
	}
	if len(curls) < 5 || len(subsidies) < 5 {
		t.Fatalf("found %d curl and %d subsidy examples: the extraction is broken", len(curls), len(subsidies))
	}
	t.Chdir(work)
	// The commands and the server share one data directory, as they do
	// for a user who runs both with the defaults.
	data := t.TempDir()
	t.Setenv("SUBSIDY_DATA_DIR", data)
	vars := map[string]string{}
	for _, a := range assigns {
		var stdout, stderr bytes.Buffer
		if code := dispatch(context.Background(), a.args, &stdout, &stderr); code != 0 {
			t.Errorf("%s=$(subsidy %s): exit %d: %s", a.name, strings.Join(a.args, " "), code, stderr.String())
			continue
		}
		vars[a.name] = strings.TrimSpace(stdout.String())
	}

	for _, args := range subsidies {
		var stdout, stderr bytes.Buffer
		if code := dispatch(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Errorf("subsidy %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
			continue
		}
		checkOutput(t, "subsidy "+strings.Join(args, " "), outputOf(args), stdout.Bytes())
	}

	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl missing: the README's curl examples cannot be run")
		}
		t.Skip("curl missing; the curl examples were not run")
	}
	addr := startServer(t, data)
	for _, words := range curls {
		args := make([]string, 0, len(words)+3)
		for _, w := range words[1:] {
			w = strings.ReplaceAll(w, "localhost:8080", addr)
			for name, v := range vars {
				w = strings.ReplaceAll(w, "$"+name, v)
			}
			args = append(args, w)
		}
		args = append(args, "-w", "\n%{http_code}")
		out, err := exec.Command("curl", args...).Output()
		cmd := strings.Join(words, " ")
		if err != nil {
			t.Errorf("%s: %v", cmd, err)
			continue
		}
		body, status := cutStatus(out)
		want := "200"
		if strings.Contains(cmd, `"amount": "-1"`) { // the example of an invalid request
			want = "422"
		}
		if strings.Contains(cmd, "/api/v1/agreements") && strings.Contains(cmd, " -d ") { // created
			want = "201"
		}
		if status != want {
			t.Errorf("%s: status %s, want %s: %.300s", cmd, status, want, body)
			continue
		}
		checkOutput(t, cmd, outputOf(words), body)
	}
}

// TestDocumentedExampleRequests: every request under docs/examples decodes
// through the API's own decoder and computes (a claim, one with a ledger,
// through the claim's).
func TestDocumentedExampleRequests(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "docs/examples/*.json"))
	if len(files) == 0 {
		t.Fatal("no docs/examples/*.json")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`"bank_schedule"`)) { // a bank's schedule to check
			rr, err := wire.DecodeReconcileRequest(b, "en")
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if _, err := calc.Reconcile(rr, calc.Options{}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			continue
		}
		if bytes.Contains(b, []byte(`"request"`)) { // a registry agreement: its calculation request
			var ag struct{ Request json.RawMessage }
			if err := json.Unmarshal(b, &ag); err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			b = ag.Request
		}
		if bytes.Contains(b, []byte(`"ledger"`)) { // a claim on actual figures
			cr, err := wire.DecodeClaim(b, "en")
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if _, err := calc.Claim(cr, calc.Options{}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			continue
		}
		req, err := wire.DecodeRequest(b, "en")
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := calc.Calculate(req, calc.Options{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestDocumentationLinks: every relative link of the README and docs/
// names a file of the repository (the README once linked to files that
// were not in it).
func TestDocumentationLinks(t *testing.T) {
	docs, _ := filepath.Glob(filepath.Join(repoRoot, "docs/*.md"))
	docs = append(docs, filepath.Join(repoRoot, "README.md"), filepath.Join(repoRoot, "testdata/golden/README.md"))
	link := regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`)
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("shared/")) {
			t.Errorf("%s refers to shared/, which is not in the repository", doc)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(doc), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", doc, target)
			}
		}
	}
}

// shellExamples returns the commands of the ```sh blocks of a Markdown
// file, continuation lines joined, comments removed.
func shellExamples(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	cont := ""
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case strings.HasPrefix(line, "```"):
			in = false
			continue
		case !in:
			continue
		}
		line = cont + stripComment(line)
		if strings.HasSuffix(line, `\`) {
			cont = strings.TrimSuffix(line, `\`) + " "
			continue
		}
		cont = ""
		if strings.TrimSpace(line) != "" {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

// stripComment removes a # comment outside quotes.
func stripComment(line string) string {
	var quote rune
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || line[i-1] == ' '):
			return strings.TrimRight(line[:i], " ")
		}
	}
	return line
}

// shellWords splits a command line as sh would for these examples:
// single and double quotes, no variables or globs (an example that needs
// them fails here).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	if strings.ContainsAny(stripQuoted(line), "$`|;&<>*") {
		t.Errorf("example needs a real shell: %s", line)
		return nil
	}
	var words []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

func stripQuoted(s string) string {
	var b strings.Builder
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// outputOf is the file an example writes with -o, or "".
func outputOf(words []string) string {
	for i, w := range words {
		if w == "-o" && i+1 < len(words) {
			return words[i+1]
		}
	}
	return ""
}

// checkOutput holds what an example wrote (the -o file, else its standard
// output) to what its name says it is.
func checkOutput(t *testing.T, cmd, file string, stdout []byte) {
	t.Helper()
	b := stdout
	if file != "" && file != "-" {
		var err error
		if b, err = os.ReadFile(file); err != nil {
			t.Errorf("%s: %v", cmd, err)
			return
		}
	}
	switch ext := filepath.Ext(file); {
	case ext == ".xlsx":
		if !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("%s: %s is no workbook: %.200q", cmd, file, b)
		}
	case ext == ".csv":
		if len(b) == 0 || b[0] == '{' {
			t.Errorf("%s: %s is no CSV: %.200q", cmd, file, b)
		}
	case bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")):
		if !json.Valid(b) {
			t.Errorf("%s: invalid JSON: %.200q", cmd, b)
		}
	case len(bytes.TrimSpace(b)) == 0 && !strings.Contains(cmd, " batch ") && !strings.Contains(cmd, " template "):
		t.Errorf("%s: no output", cmd)
	}
}

func cutStatus(out []byte) (body []byte, status string) {
	i := bytes.LastIndexByte(out, '\n')
	if i < 0 {
		return nil, string(out)
	}
	return out[:i], string(out[i+1:])
}

// startServer runs serve on a free port until the test ends and returns
// its address.
func startServer(t *testing.T, dataDir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", dataDir}, io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	for i := 0; i < 500; i++ {
		for _, line := range strings.Split(logs.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				return rec.Addr
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %s", logs.String())
	return ""
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(to, e.Name()), b, 0o644)
	}
}
