package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// TestCompareCommand runs subsidy compare in its three output forms and
// on a bad request.
func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	req := filepath.Join(dir, "request.json")
	os.WriteFile(req, []byte(strings.Replace(calcRequest, `"subsidy": {"programme": "eaeu-industrial"}`, `"programmes": ["eaeu-industrial", "ru-kip", "kz-baiterek"]`, 1)), 0o644)
	var stdout, stderr bytes.Buffer
	if err := runCompare(ctx, []string{req, "--lang", "en"}, &stdout, &stderr); err != nil {
		t.Fatalf("text: %v %s", err, stderr.String())
	}
	lines := strings.Split(stdout.String(), "\n")
	if len(lines) < 4 || !strings.Contains(lines[1], "ru-kip") || !strings.Contains(stdout.String(), "kz-baiterek: the loan is in RUB") {
		t.Fatalf("table:\n%s", stdout.String())
	}
	stdout.Reset()
	if err := runCompare(ctx, []string{req, "--format", "json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var cmp struct {
		Programmes []struct{ ID string } `json:"programmes"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &cmp); err != nil || len(cmp.Programmes) != 3 {
		t.Fatalf("json: %v %.300s", err, stdout.String())
	}
	out := filepath.Join(dir, "cmp.xlsx")
	if err := runCompare(ctx, []string{req, "-o", out}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.GetSheetList(); len(got) != 5 || got[0] != "Сравнение" {
		t.Errorf("sheets %v", got)
	}
	f.Close()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"loan":{"amount":"1","currency":"RUB","rate":"5","issue_date":"2025-01-01","term_months":12},"programmes":["nope"]}`), 0o644)
	stderr.Reset()
	if err := runCompare(ctx, []string{bad}, &stdout, &stderr); err == nil || !strings.Contains(stderr.String(), "programmes[0]") {
		t.Fatalf("bad request: %v %s", err, stderr.String())
	}
}

// TestComparisonTableLanguage pins the plain table's words in both
// languages.
func TestComparisonTableLanguage(t *testing.T) {
	cmp := &calc.Comparison{Currency: "RUB", EffectiveRateWithoutSubsidy: decimal.RequireFromString("12.5"),
		Programmes: []calc.ComparedProgramme{{ID: "eaeu-industrial", Eligible: true}}}
	for _, tc := range []struct{ lang, head, yes, last string }{
		{"en", "programme", "yes", "RUB; effective rate without subsidy 12.5 %\n"},
		{"ru", "программа", "да", "RUB; эффективная ставка без субсидии 12.5 %\n"},
		{"", "программа", "да", "RUB; эффективная ставка без субсидии 12.5 %\n"},
	} {
		var b strings.Builder
		if err := writeComparisonTable(&b, cmp, tc.lang); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.HasPrefix(strings.TrimSpace(out), tc.head) || !strings.Contains(out, " "+tc.yes+" ") || !strings.HasSuffix(out, tc.last) {
			t.Errorf("lang %q:\n%s", tc.lang, out)
		}
	}
}
