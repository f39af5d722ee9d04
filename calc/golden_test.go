package calc_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// goldenDir holds reference schedules computed independently of this
// package (testdata/golden/README.md says how each was obtained).
const goldenDir = "../testdata/golden"

var goldenHeader = []string{"n", "start", "end", "days", "opening_balance", "drawdown", "interest", "principal", "payment", "closing_balance", "subsidy", "subsidy_paid"}

func goldenRow(p calc.Period) []string {
	return []string{fmt.Sprint(p.N), p.Start.String(), p.End.String(), fmt.Sprint(p.Days),
		p.OpeningBalance.String(), p.Drawdown.String(), p.Interest.String(), p.Principal.String(),
		p.Payment.String(), p.ClosingBalance.String(), p.Subsidy.String(), p.SubsidyPaid.String()}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func loadRequest(t *testing.T, path string) *calc.Request {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var req calc.Request
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &req
}

// TestGolden compares every schedule with its reference to the minor unit.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(cases) < 10 {
		t.Fatalf("golden cases missing: %v %v", cases, err)
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			req := loadRequest(t, path)
			want := readCSV(t, strings.TrimSuffix(path, ".json")+".csv")
			res, err := calc.Calculate(req, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(want[0], ",") != strings.Join(goldenHeader, ",") {
				t.Fatalf("header %v", want[0])
			}
			if len(want)-1 != len(res.Schedule) {
				t.Fatalf("%d periods, want %d", len(res.Schedule), len(want)-1)
			}
			bad := 0
			for i, p := range res.Schedule {
				got := goldenRow(p)
				for j := range got {
					if got[j] != want[i+1][j] {
						bad++
						if bad <= 10 {
							t.Errorf("period %d %s = %s, want %s", p.N, goldenHeader[j], got[j], want[i+1][j])
						}
					}
				}
			}
		})
	}
}

// TestGoldenAgainstSpreadsheetPMT checks the 120-month annuity against the
// unrounded PMT/IPMT/PPMT LibreOffice computes: the rounded schedule
// drifts from them only by rounding (half a kopeck on the payment, a few
// kopecks on the split), except the last period, which clears the balance.
func TestGoldenAgainstSpreadsheetPMT(t *testing.T) {
	req := loadRequest(t, filepath.Join(goldenDir, "annuity-120m-12pct-30360.json"))
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Schedule[0].Payment.String(); got != "14347.09" {
		t.Errorf("payment %s, want 14347.09 (PMT(1%%;120;-1000000))", got)
	}
	if got := res.Schedule[0].Interest.String(); got != "10000.00" {
		t.Errorf("first interest %s, want 10000.00", got)
	}
	rows := readCSV(t, filepath.Join(goldenDir, "annuity-120m-12pct-30360.lo-pmt.csv"))
	tol := []string{"0.005", "0.02", "0.025"} // payment, interest, principal
	for _, row := range rows[1:] {
		var n int
		fmt.Sscan(row[0], &n)
		if n == len(res.Schedule) {
			continue
		}
		p := res.Schedule[n-1]
		got := []calc.Money{p.Payment, p.Interest, p.Principal}
		for j := 0; j < 3; j++ {
			ref := decimal.RequireFromString(row[1+j]).Abs()
			if d := got[j].Decimal().Sub(ref).Abs(); d.GreaterThan(decimal.RequireFromString(tol[j])) {
				t.Errorf("period %d column %d: %s vs spreadsheet %s", n, j, got[j], ref)
			}
		}
	}
}
