package calc_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestReconcileCapCause: a bank that ignores the annual cap differs from
// us exactly in the rows the cap cut, and each such difference says cap,
// not rate_change, although the policy rate changes inside those periods
// (the reviewer's loan of issue 11 §2: RUB 1 bn, cap RUB 100 M a year).
func TestReconcileCapCause(t *testing.T) {
	const loan = `{"project": {"participants": [
	     {"country": "BY", "share": "40"}, {"country": "RU", "share": "35"}, {"country": "KZ", "share": "25"}]},
	  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 60},
	  "subsidy": {"programme": "eaeu-industrial"%s}}`
	var capped, uncapped calc.Request
	if err := json.Unmarshal([]byte(fmt.Sprintf(loan, `, "annual_cap": {"amount": "100000000", "currency": "RUB"}`)), &capped); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(fmt.Sprintf(loan, "")), &uncapped); err != nil {
		t.Fatal(err)
	}
	free, err := calc.Calculate(&uncapped, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := calc.Calculate(&capped, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cut, partly := 0, false
	for i, p := range ours.Schedule {
		if p.SubsidyPayable != free.Schedule[i].SubsidyPayable {
			cut++
			partly = partly || p.SubsidyPayable > 0
		}
	}
	if cut == 0 || !partly {
		t.Fatalf("the cap cuts %d rows (one partly: %v): the test needs a cap that bites mid-year", cut, partly)
	}
	for _, cols := range [][]int{{3}, {2, 3, 4}} {
		rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: capped, BankSchedule: bankRows(free.Schedule, cols)}, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rec.RowsOff != cut {
			t.Errorf("columns %v: %d rows off, want %d", cols, rec.RowsOff, cut)
		}
		for _, d := range rec.Differences {
			if d.Cause != "cap" {
				t.Errorf("columns %v: %s %s: cause %s, want cap", cols, d.Date, d.Field, d.Cause)
			}
		}
	}
}
