package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestReconcileCommand checks a bank's CSV with one altered row: the table,
// JSON and workbook outputs, the exit statuses and a bad file.
func TestReconcileCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	reqPath := filepath.Join(dir, "request.json")
	if err := os.WriteFile(reqPath, []byte(calcRequest), 0o644); err != nil {
		t.Fatal(err)
	}
	var req calc.Request
	if err := json.Unmarshal([]byte(calcRequest), &req); err != nil {
		t.Fatal(err)
	}
	res, err := calc.Calculate(&req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, alter int) string {
		var b strings.Builder
		b.WriteString("date;interest;subsidy\n")
		for _, p := range res.Schedule {
			interest := p.Interest
			if p.N == alter {
				interest += 500
			}
			fmt.Fprintf(&b, "%s;%s;%s\n", p.End, interest, p.SubsidyPayable)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	same, altered := write("same.csv", 0), write("altered.csv", 9)

	var stdout, stderr bytes.Buffer
	if err := runReconcile(ctx, []string{reqPath, same, "--lang", "en"}, &stdout, &stderr); err != nil {
		t.Fatalf("same: %v %s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "No differences") {
		t.Errorf("same: %s", stdout.String())
	}
	stdout.Reset()
	err = runReconcile(ctx, []string{reqPath, altered, "--lang", "en"}, &stdout, &stderr)
	if err != exitCode(exitDifferences) {
		t.Fatalf("altered: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[3], "interest") || !strings.HasPrefix(strings.TrimSpace(lines[3]), "9 ") {
		t.Errorf("altered:\n%s", stdout.String())
	}
	out := filepath.Join(dir, "result.json")
	if err := runReconcile(ctx, []string{reqPath, altered, "-o", out}, &stdout, &stderr); err != exitCode(exitDifferences) {
		t.Fatal(err)
	}
	var rec calc.Reconciliation
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rec); err != nil || len(rec.Differences) != 1 || rec.Differences[0].N != 9 {
		t.Fatalf("json: %v %s", err, b)
	}
	xlsx := filepath.Join(dir, "result.xlsx")
	if err := runReconcile(ctx, []string{reqPath, altered, "-o", xlsx}, &stdout, &stderr); err != exitCode(exitDifferences) {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(xlsx); !bytes.HasPrefix(b, []byte("PK")) {
		t.Error("no workbook")
	}
	bad := filepath.Join(dir, "bad.csv")
	_ = os.WriteFile(bad, []byte("date;interest\n2025-04-14;x\n"), 0o644)
	stderr.Reset()
	if err := runReconcile(ctx, []string{reqPath, bad, "--lang", "en"}, &stdout, &stderr); err != exitCode(1) || !strings.Contains(stderr.String(), "bank_schedule[0].interest") {
		t.Errorf("bad file: %v %s", err, stderr.String())
	}
}
