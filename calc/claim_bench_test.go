package calc_test

import (
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// wholeLifeClaim is eaeuLoan(0) gone exactly to plan (120 monthly
// repayments in the ledger), claimed quarter by quarter over its whole
// life: 41 calendar quarters, the first and last cut to the term.
func wholeLifeClaim(tb testing.TB) *calc.ClaimRequest {
	req := eaeuLoan(0)
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	maturity := req.Loan.IssueDate.AddMonths(req.Loan.TermMonths)
	return claimOf(req, planLedger(req, res), calc.ClaimPeriods{Frequency: "quarterly", From: req.Loan.IssueDate, To: maturity})
}

// BenchmarkClaim120Quarterly is the claim of issue 11 §3: compare with
// BenchmarkCalculate120 (the target is at most twice its time).
func BenchmarkClaim120Quarterly(b *testing.B) {
	cr := wholeLifeClaim(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.Claim(cr, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
