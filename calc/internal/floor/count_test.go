package floor_test

import (
	"os"
	"strconv"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/calc/internal/floor"
)

// benchLoan is calc/bench_test.go's eaeuLoan(0): RUB 1,000,000,000.00 at
// 22.5 %, issued 2025-03-14, BY 40 / RU 35 / KZ 25, for months months.
func benchLoan(months int) (*floor.Loan, *calc.Request) {
	return testLoan{name: "bench", amount: 100_000_000_000, rate: "22.5", issue: "2025-03-14", months: months}.loans()
}

// countCase returns the function to repeat for a COUNT_CASE name: the
// engine or the floor on the benchmark loan of 120 or 12 months. The
// inputs (request, floor loan, policy rate record) are made before, so
// they are outside what is counted per call.
func countCase(tb testing.TB, name string) func() {
	months := map[string]int{"engine120": 120, "engine12": 12, "floor120": 120, "floor12": 12}[name]
	if months == 0 {
		tb.Fatalf("COUNT_CASE %q: want engine120, engine12, floor120 or floor12", name)
	}
	fl, req := benchLoan(months)
	if name[0] == 'e' {
		// The engine fills one Result again and again (Options.Into), as
		// the floor does and as the service does with its pool of results.
		into := new(calc.Result)
		return func() {
			if _, err := calc.Calculate(req, calc.Options{Into: into}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	segs := ruSegs()
	var res floor.Result
	return func() { floor.Calculate(fl, segs, &res) }
}

// TestRepeatForCounting runs COUNT_CASE COUNT_N times, for .ci/instructions
// (instructions per call = the difference of two counts at two N over the
// difference of N). It skips unless both are set.
func TestRepeatForCounting(t *testing.T) {
	name, ns := os.Getenv("COUNT_CASE"), os.Getenv("COUNT_N")
	if name == "" || ns == "" {
		t.Skip("COUNT_CASE and COUNT_N not set (.ci/instructions sets them)")
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 0 {
		t.Fatalf("COUNT_N %q: want a count", ns)
	}
	run := countCase(t, name)
	for range n {
		run()
	}
}

func BenchmarkEngine120(b *testing.B) { benchCase(b, "engine120") }
func BenchmarkEngine12(b *testing.B)  { benchCase(b, "engine12") }
func BenchmarkFloor120(b *testing.B)  { benchCase(b, "floor120") }
func BenchmarkFloor12(b *testing.B)   { benchCase(b, "floor12") }

func benchCase(b *testing.B, name string) {
	run := countCase(b, name)
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
}
