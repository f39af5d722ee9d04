package calc_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// claimGoldenDir holds claims computed by an independent exact-fraction
// reference (testdata/golden/claims/reference.py, written from SPEC §7).
const claimGoldenDir = "../testdata/golden/claims"

func loadClaim(t testing.TB, path string) *calc.ClaimRequest {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var req calc.ClaimRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &req
}

func rateText(p *calc.ClaimRow) string {
	if p.BaseRate == nil {
		return ""
	}
	return p.BaseRate.String()
}

// TestClaimGolden compares every row and period with the reference, to
// the minor unit.
func TestClaimGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(claimGoldenDir, "*.json"))
	if err != nil || len(cases) < 7 {
		t.Fatalf("claim golden cases missing: %v %v", cases, err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			req := loadClaim(t, path)
			res, err := calc.Claim(req, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(path, ".json")
			var gotRows, gotPers [][]string
			for _, p := range res.Periods {
				for i := range p.Rows {
					r := &p.Rows[i]
					gotRows = append(gotRows, []string{p.From.String(), p.To.String(), r.From.String(), r.To.String(),
						strconv.Itoa(r.Days), strconv.Itoa(r.YearDays), r.Balance.String(), r.Overdue.String(),
						r.SubsidisedBalance.String(), rateText(r), r.RuleRate.String(), r.AmountRule.String(),
						r.LoanRate.String(), r.AmountLimit.String(), r.Amount.String()})
				}
				gotPers = append(gotPers, []string{p.From.String(), p.To.String(), strconv.Itoa(p.Year),
					p.Claimed.String(), strconv.FormatBool(p.CapApplied), p.Payable.String(), p.Planned.String(),
					p.Difference.String(), strings.Join(p.Causes, " "), strconv.FormatBool(res.Eligible)})
			}
			compareTable(t, "rows", readCSV(t, base+".rows.csv"), gotRows)
			compareTable(t, "periods", readCSV(t, base+".periods.csv"), gotPers)
		})
	}
}

func compareTable(t *testing.T, what string, want, got [][]string) {
	t.Helper()
	if len(want)-1 != len(got) {
		t.Errorf("%s: %d lines, want %d", what, len(got), len(want)-1)
		for _, g := range got {
			t.Log(strings.Join(g, ","))
		}
		return
	}
	bad := 0
	for i, g := range got {
		for j := range g {
			if g[j] != want[i+1][j] {
				bad++
				if bad <= 12 {
					t.Errorf("%s line %d %s = %q, want %q", what, i+1, want[0][j], g[j], want[i+1][j])
				}
			}
		}
	}
}
