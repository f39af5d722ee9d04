package calc_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestRegister: the register's figures are those of the loans' own
// quarterly claims from 1 January; ineligible loans add nothing; a bad
// loan is named by its index.
func TestRegister(t *testing.T) {
	a := loadClaim(t, filepath.Join(claimGoldenDir, "cap-mid-quarter.json"))
	b := loadClaim(t, filepath.Join(claimGoldenDir, "ineligible.json"))
	c := loadClaim(t, filepath.Join(claimGoldenDir, "late-drawdown.json"))
	for i, l := range []*calc.ClaimRequest{a, b, c} {
		l.ID = string(rune('A' + i))
		l.Claims = calc.ClaimPeriods{}
	}
	period := calc.DateRange{From: calc.MustDate("2025-07-01"), To: calc.MustDate("2025-10-01")}
	reg, err := calc.Register(&calc.RegisterRequest{Period: period, Loans: []calc.ClaimRequest{*a, *b, *c}}, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Rows) != 3 || reg.Eligible != 2 || reg.Ineligible != 1 || reg.Year != 2025 {
		t.Fatalf("register %+v", reg)
	}
	var total calc.RegisterTotal
	for i, l := range []*calc.ClaimRequest{a, b, c} {
		own := *l
		own.Claims = calc.ClaimPeriods{Frequency: "quarterly", From: calc.MustDate("2025-01-01"), To: period.To}
		res, err := calc.Claim(&own, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		last := res.Periods[len(res.Periods)-1]
		row := reg.Rows[i]
		if row.Claimed != last.Payable || row.ClaimedYear != res.Totals.Payable || row.Planned != last.Planned {
			t.Errorf("%s: register %s / %s / %s, own claim %s / %s / %s", row.ID, row.Claimed, row.ClaimedYear, row.Planned,
				last.Payable, res.Totals.Payable, last.Planned)
		}
		if (row.CapLeft == nil) != (last.CapLeft == nil) || row.CapLeft != nil && *row.CapLeft != *last.CapLeft {
			t.Errorf("%s: cap left %v, own claim %v", row.ID, row.CapLeft, last.CapLeft)
		}
		total.Claimed += row.Claimed
		total.ClaimedYear += row.ClaimedYear
	}
	if reg.Rows[1].Claimed != 0 || len(reg.Rows[1].Failed) == 0 {
		t.Errorf("ineligible loan: %+v", reg.Rows[1])
	}
	if len(reg.Totals) != 1 || reg.Totals[0].Claimed != total.Claimed || reg.Totals[0].ClaimedYear != total.ClaimedYear || reg.Totals[0].Loans != 3 {
		t.Errorf("totals %+v, rows add up to %+v", reg.Totals, total)
	}
	// The cap case: the cap is used up in the third quarter.
	if reg.Rows[0].CapLeft == nil || *reg.Rows[0].CapLeft != 0 {
		t.Errorf("cap left %v, want 0.00", reg.Rows[0].CapLeft)
	}

	bad := *c
	bad.Ledger = append([]calc.LedgerEntry(nil), c.Ledger...)
	bad.Ledger[1].Amount = bad.Ledger[1].Amount.Mul(bad.Ledger[1].Amount)
	_, err = calc.Register(&calc.RegisterRequest{Period: period, Loans: []calc.ClaimRequest{*a, bad}}, calc.Options{})
	var ce *calc.Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 || ce.Fields[0].Field != "loans[1].ledger[1].amount" {
		t.Fatalf("error %v, want loans[1].ledger[1].amount", err)
	}
}
