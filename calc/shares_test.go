package calc

import (
	"os"
	"strconv"
	"testing"
)

// TestRepeatShares runs the shares step of the benchmark loan (bench_test.go's
// eaeuLoan: 120 months) COUNT_SHARES times and of the same loan over 12
// months COUNT_SHARES12 times, so that valgrind can count the instructions
// of the budget and participant shares alone (docs/performance.md, "Budget
// shares"). Without those variables it does nothing.
func TestRepeatShares(t *testing.T) {
	n120, _ := strconv.Atoi(os.Getenv("COUNT_SHARES"))
	n12, _ := strconv.Atoi(os.Getenv("COUNT_SHARES12"))
	if n120+n12 == 0 {
		t.Skip("set COUNT_SHARES or COUNT_SHARES12")
	}
	for _, c := range []struct{ months, n int }{{120, n120}, {12, n12}} {
		p, res := borrowerLoan(t, c.months)
		want := res.BudgetShares[len(res.BudgetShares)-1].Amount
		for range c.n {
			p.shares(res)
		}
		if got := res.BudgetShares[len(res.BudgetShares)-1].Amount; got != want {
			t.Fatalf("%d months: last budget share %d, then %d", c.months, want, got)
		}
	}
}

// BenchmarkShares is the shares step of the benchmark loan (120 months,
// 11 payment years): five budget shares and three participants a year.
func BenchmarkShares(b *testing.B) {
	p, res := borrowerLoan(b, 120)
	b.ReportAllocs()
	for b.Loop() {
		p.shares(res)
	}
}
