package calc

import (
	"os"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

// TestRepeatBorrowerFigures runs borrowerFigures of the benchmark loan
// (bench_test.go's eaeuLoan: 120 months) COUNT_BF times and of the same
// loan over 12 months COUNT_BF12 times, so that valgrind can count the
// instructions of the borrower figures alone (docs/performance.md, "XIRR
// and the borrower figures"). Without those variables it does nothing.
func TestRepeatBorrowerFigures(t *testing.T) {
	n120, _ := strconv.Atoi(os.Getenv("COUNT_BF"))
	n12, _ := strconv.Atoi(os.Getenv("COUNT_BF12"))
	if n120+n12 == 0 {
		t.Skip("set COUNT_BF or COUNT_BF12")
	}
	for _, c := range []struct{ months, n int }{{120, n120}, {12, n12}} {
		rate := decimal.RequireFromString("22.5")
		req := &Request{
			Project: Project{Name: "bench", Participants: []Participant{
				{Country: "BY", Share: decimal.NewFromInt(40)},
				{Country: "RU", Share: decimal.NewFromInt(35)},
				{Country: "KZ", Share: decimal.NewFromInt(25)},
			}},
			Loan: Loan{
				Amount: decimal.New(100_000_000_000, -2), Currency: "RUB", Rate: &rate,
				IssueDate: MustDate("2025-03-14"), TermMonths: c.months,
			},
			Subsidy: SubsidyTerms{Programme: "eaeu-industrial"},
		}
		p, err := newPlan(req, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.result(nil)
		if err != nil {
			t.Fatal(err)
		}
		want := res.EffectiveRates
		for range c.n {
			p.borrowerFigures(res)
		}
		if got := res.EffectiveRates; !got.WithSubsidy.Equal(want.WithSubsidy) || !got.WithoutSubsidy.Equal(want.WithoutSubsidy) || got.Converged != want.Converged {
			t.Fatalf("%d months: %+v, then %+v", c.months, want, got)
		}
	}
}
