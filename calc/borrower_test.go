package calc

import (
	"math"
	"math/rand/v2"
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
		p, res := borrowerLoan(t, c.months)
		want := res.EffectiveRates
		for range c.n {
			p.borrowerFigures(res)
		}
		if got := res.EffectiveRates; !got.WithSubsidy.Equal(want.WithSubsidy) || !got.WithoutSubsidy.Equal(want.WithoutSubsidy) || got.Converged != want.Converged {
			t.Fatalf("%d months: %+v, then %+v", c.months, want, got)
		}
	}
}

// TestGrantElement holds the integer grant element to the decimal formula
// it replaces: PV × 100 / amount, 4 places, half away from zero.
func TestGrantElement(t *testing.T) {
	cases := [][2]Money{
		{0, 1}, {1, 1}, {5, 100_000_000}, {-5, 100_000_000}, {15, 100_000_000}, {-15, 100_000_000},
		{1, 3}, {2, 3}, {-1, 3}, {-2, 3}, {1, 2_000_000}, {-1, 2_000_000}, {3, 2_000_000}, {-3, 2_000_000}, {50, 1_000_000_000}, {150, 1_000_000_000},
		{math.MaxInt64 / 1_000_000, 7}, {math.MaxInt64/1_000_000 + 1, 7}, {-math.MaxInt64 / 1_000_000, 7},
		{math.MaxInt64, 3}, {math.MinInt64, 3}, {123_456_789, math.MaxInt64},
	}
	r := rand.New(rand.NewPCG(14, 1))
	for range 20000 {
		amount := Money(1 + r.Int64N(1e13))
		cases = append(cases, [2]Money{Money(r.Int64N(int64(amount))), amount}, [2]Money{-Money(r.Int64N(1e15)), amount})
	}
	for _, c := range cases {
		pv, amount := c[0], c[1]
		want := pv.Decimal().Mul(hundred).DivRound(amount.Decimal(), 4)
		if got := grantElement(pv, amount); !got.Equal(want) || got.Exponent() != want.Exponent() {
			t.Fatalf("grantElement(%d, %d) = %s (exp %d), want %s (exp %d)", pv, amount, got, got.Exponent(), want, want.Exponent())
		}
	}
}

// BenchmarkBorrowerFigures is the borrower figures of the benchmark loan
// (bench_test.go's eaeuLoan, 120 months): the two effective rates, the
// present value and the grant element.
func BenchmarkBorrowerFigures(b *testing.B) {
	p, res := borrowerLoan(b, 120)
	b.ReportAllocs()
	for b.Loop() {
		p.borrowerFigures(res)
	}
}

// borrowerLoan returns the plan and result of bench_test.go's eaeuLoan(0)
// over the given months.
func borrowerLoan(tb testing.TB, months int) (*plan, *Result) {
	tb.Helper()
	rate := decimal.RequireFromString("22.5")
	req := &Request{
		Project: Project{Name: "bench", Participants: []Participant{
			{Country: "BY", Share: decimal.NewFromInt(40)},
			{Country: "RU", Share: decimal.NewFromInt(35)},
			{Country: "KZ", Share: decimal.NewFromInt(25)},
		}},
		Loan: Loan{
			Amount: decimal.New(100_000_000_000, -2), Currency: "RUB", Rate: &rate,
			IssueDate: MustDate("2025-03-14"), TermMonths: months,
		},
		Subsidy: SubsidyTerms{Programme: "eaeu-industrial"},
	}
	p, err := newPlan(req, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := p.result(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p, res
}
