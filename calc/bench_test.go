package calc_test

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// eaeuLoan is a 120-month annuity under the EAEU programme with its
// defaults: the built-in Russian key rate (several changes and, after the
// record ends, an assumed rate), the RUB 350 m cap, three participants.
func eaeuLoan(i int) *calc.Request {
	rate := decimal.RequireFromString("22.5")
	return &calc.Request{
		Project: calc.Project{Name: "bench", Participants: []calc.Participant{
			{Country: "BY", Share: decimal.NewFromInt(40)},
			{Country: "RU", Share: decimal.NewFromInt(35)},
			{Country: "KZ", Share: decimal.NewFromInt(25)},
		}},
		Loan: calc.Loan{
			Amount: decimal.New(int64(100_000_000_000+i), -2), Currency: "RUB", Rate: &rate,
			IssueDate: calc.MustDate("2025-03-14"), TermMonths: 120,
		},
		Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial"},
	}
}

// BenchmarkCalculate120 is one 120-month annuity with the EAEU subsidy.
func BenchmarkCalculate120(b *testing.B) {
	req := eaeuLoan(0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.Calculate(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalculate120Decimal is the same loan on the plain decimal
// accrual, for comparison.
func BenchmarkCalculate120Decimal(b *testing.B) {
	req := eaeuLoan(0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.CalculateDecimal(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalculate1000 is 1,000 such loans, one after another.
func BenchmarkCalculate1000(b *testing.B) {
	reqs := make([]*calc.Request, 1000)
	for i := range reqs {
		reqs[i] = eaeuLoan(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range reqs {
			if _, err := calc.Calculate(r, calc.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
