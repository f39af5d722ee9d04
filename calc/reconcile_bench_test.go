package calc_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// BenchmarkReconcile120 checks a bank's schedule of the loan of
// BenchmarkCalculate120 (every column, one cell altered) under all 60
// combinations; issue 11 asks for at most 40 × BenchmarkCalculate120.
func BenchmarkReconcile120(b *testing.B) {
	req := eaeuLoan(0)
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	rr := &calc.ReconcileRequest{Request: *req, BankSchedule: bankRows(res.Schedule, []int{0, 1, 2, 3, 4})}
	v := rr.BankSchedule[40].Interest.Add(decimal.NewFromInt(100))
	rr.BankSchedule[40].Interest = &v
	b.ReportAllocs()
	for b.Loop() {
		rec, err := calc.Reconcile(rr, calc.Options{})
		if err != nil || rec.RowsOff != 1 {
			b.Fatal(err, rec.RowsOff)
		}
	}
}

// drawdownLoan is eaeuLoan(0) with 400 m of its 1 bn drawn inside
// period 3.
func drawdownLoan() *calc.Request {
	req := eaeuLoan(0)
	req.Loan.Disbursements = []calc.Disbursement{
		{Date: req.Loan.IssueDate, Amount: decimal.NewFromInt(600_000_000)},
		{Date: calc.MustDate("2025-06-03"), Amount: decimal.New(40_000_000_000, -2)},
	}
	return req
}

// BenchmarkCalculate120Drawdown is one calculation of drawdownLoan, the
// measure of BenchmarkReconcile120Drawdown.
func BenchmarkCalculate120Drawdown(b *testing.B) {
	req := drawdownLoan()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.Calculate(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReconcile120Drawdown is the worst case: a second drawdown
// inside a period, so no combination can be copied from another and all
// 60 are computed.
func BenchmarkReconcile120Drawdown(b *testing.B) {
	req := drawdownLoan()
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	rr := &calc.ReconcileRequest{Request: *req, BankSchedule: bankRows(res.Schedule, []int{0, 1, 2, 3, 4})}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.Reconcile(rr, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
