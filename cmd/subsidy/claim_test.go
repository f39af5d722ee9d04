package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const claimRequest = `{
  "project": {"participants": [{"country": "RU", "share": "40"}, {"country": "BY", "share": "30"}, {"country": "KZ", "share": "30"}]},
  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 60},
  "subsidy": {"programme": "eaeu-industrial"},
  "borrower": {"name": "Plant A", "tax_id": "7701234567"},
  "ledger": [{"type": "drawdown", "date": "2025-03-14", "amount": "1000000000.00"},
             {"type": "repayment", "date": "2025-06-14", "amount": "50000000.00"}],
  "claims": {"frequency": "quarterly", "from": "2025-03-14", "to": "2026-01-01"}
}`

// TestClaimCommand: subsidy claim request.json -o claim.xlsx writes the
// form; a ledger that repays too much names the entry and exits 1.
func TestClaimCommand(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join(dir, "request.json")
	if err := os.WriteFile(req, []byte(claimRequest), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "claim.xlsx")
	if err := runClaim(context.Background(), []string{req, "-o", out}, &stdout, &stderr); err != nil {
		t.Fatalf("claim: %v %s", err, stderr.String())
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 5 {
		t.Fatalf("sheets %v, want the summary and 4 periods", sheets)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(claimRequest, `"50000000.00"`, `"5000000000.00"`, 1)), 0o644)
	stderr.Reset()
	err = runClaim(context.Background(), []string{bad, "--lang", "en"}, &stdout, &stderr)
	if code, ok := err.(exitCode); !ok || code != 1 || !strings.Contains(stderr.String(), "ledger[1].amount") {
		t.Fatalf("bad ledger: %v %s", err, stderr.String())
	}
}
