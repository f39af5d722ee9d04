package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const calcRequest = `{
  "project": {"name": "=cmd|' /C calc'!A0", "participants": [
    {"country": "BY", "share": "40"}, {"country": "RU", "share": "35"}, {"country": "KZ", "share": "25"}]},
  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 60},
  "subsidy": {"programme": "eaeu-industrial"}
}`

// TestTemplateCalcBatch runs the three file commands end to end: the
// template, one calculation in every output format, and a batch of the
// template's example row plus a bad row.
func TestTemplateCalcBatch(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var stdout, stderr bytes.Buffer

	tpl := filepath.Join(dir, "template.xlsx")
	if err := runTemplate(ctx, []string{"-o", tpl, "--lang", "en"}, &stdout, &stderr); err != nil {
		t.Fatalf("template: %v %s", err, stderr.String())
	}
	if err := runTemplate(ctx, []string{"-o", filepath.Join(dir, "template.csv")}, &stdout, &stderr); err != nil {
		t.Fatalf("template csv: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "template.csv")); !strings.Contains(string(b), "Сумма кредита / Loan amount (amount)") {
		t.Errorf("template.csv: %.200s", b)
	}

	req := filepath.Join(dir, "request.json")
	os.WriteFile(req, []byte(calcRequest), 0o644)
	stdout.Reset()
	if err := runCalc(ctx, []string{req}, &stdout, &stderr); err != nil {
		t.Fatalf("calc json: %v %s", err, stderr.String())
	}
	var res struct {
		Totals map[string]string `json:"totals"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil || res.Totals["subsidy_paid"] == "" {
		t.Fatalf("calc json output: %v %.200s", err, stdout.String())
	}
	for _, out := range []string{"result.xlsx", "result.csv"} {
		p := filepath.Join(dir, out)
		if err := runCalc(ctx, []string{req, "-o", p, "--lang", "en"}, &stdout, &stderr); err != nil {
			t.Fatalf("calc -o %s: %v %s", out, err, stderr.String())
		}
		b, _ := os.ReadFile(p)
		if out == "result.csv" && !strings.Contains(string(b), "Subsidy payable, RUB") {
			t.Errorf("csv: %.200s", b)
		}
		if out == "result.xlsx" && !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("xlsx output is no workbook")
		}
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"loan": {"amount": "-1"}}`), 0o644)
	stderr.Reset()
	err := runCalc(ctx, []string{bad}, &stdout, &stderr)
	var code exitCode
	if !errors.As(err, &code) || code != 1 || !strings.Contains(stderr.String(), "loan.") {
		t.Errorf("invalid request: %v %q", err, stderr.String())
	}

	// A batch: the template's example row and one row without an amount.
	f, err := excelize.OpenFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	f.SetSheetRow("Loans", "A3", &[]any{"NO-AMOUNT", "", "RU:100", "eaeu-industrial", "", "RUB", 20, "2025-01-01", 60})
	input := filepath.Join(dir, "loans.xlsx")
	if err := f.SaveAs(input); err != nil {
		t.Fatal(err)
	}
	f.Close()
	report := filepath.Join(dir, "report.xlsx")
	stderr.Reset()
	if err := runBatch(ctx, []string{input, "-o", report, "--lang", "en", "--budget", "100000000"}, &stdout, &stderr); err != nil {
		t.Fatalf("batch: %v %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "2 rows: 1 computed") || !strings.Contains(stderr.String(), "1 rejected") {
		t.Errorf("batch summary: %q", stderr.String())
	}
	rf, err := excelize.OpenFile(report)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	if got := strings.Join(rf.GetSheetList(), "|"); got != "Summary|Projects|Allocation|Errors" {
		t.Errorf("report sheets %s", got)
	}

	// A file that is no batch input: exit status 1, no report.
	junk := filepath.Join(dir, "junk.xlsx")
	os.WriteFile(junk, []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o644)
	stderr.Reset()
	err = runBatch(ctx, []string{junk, "-o", filepath.Join(dir, "junk-report.xlsx")}, &stdout, &stderr)
	if !errors.As(err, &code) || code != 1 || !strings.Contains(stderr.String(), "не является таблицей") {
		t.Errorf("junk: %v %q", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "junk-report.xlsx")); !os.IsNotExist(err) {
		t.Errorf("a report was left for a refused input")
	}
	// Bad flags are usage errors.
	if err := runBatch(ctx, []string{input, "--allocation", "lottery"}, &stdout, &stderr); !errors.As(err, &code) || code != 2 {
		t.Errorf("bad --allocation: %v", err)
	}
}

// collectNearLimit turns GOGC off with the limit and puts both settings
// back: the batch command must leave the process as it found it.
func TestCollectNearLimitRestores(t *testing.T) {
	gc := debug.SetGCPercent(123)
	defer debug.SetGCPercent(gc)
	mem := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(mem)

	restore := collectNearLimit(50 << 20)
	if got := debug.SetMemoryLimit(-1); got != 50<<20 { // -1 reads the limit
		t.Errorf("limit %d during the run; want %d", got, 50<<20)
	}
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC %d during the run; want off", got)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit %d after; want %d", got, int64(1<<40))
	}
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GOGC %d after; want 123", got)
	}
}
