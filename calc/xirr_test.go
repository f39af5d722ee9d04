package calc_test

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// xirrReference is one case of testdata/xirr-reference.md.
type xirrReference struct {
	name  string
	guess float64
	want  float64
	flows []calc.CashFlow
}

// readXIRRReference reads the "csv reference" and "csv flows" blocks of
// testdata/xirr-reference.md.
func readXIRRReference(t testing.TB) []xirrReference {
	t.Helper()
	f, err := os.Open("testdata/xirr-reference.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []xirrReference
	index := map[string]int{}
	block := ""
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		switch {
		case strings.HasPrefix(text, "```"):
			block = strings.TrimSpace(strings.TrimPrefix(text, "```"))
			continue
		case block != "csv reference" && block != "csv flows", strings.HasPrefix(text, "case,"):
			continue
		}
		rec := strings.Split(text, ",")
		if len(rec) != 3 {
			t.Fatalf("xirr-reference.md:%d: %d fields", line, len(rec))
		}
		if block == "csv reference" {
			c := xirrReference{name: rec[0], guess: 0.1}
			var err1, err2 error
			if rec[1] != "" {
				c.guess, err1 = strconv.ParseFloat(rec[1], 64)
			}
			c.want, err2 = strconv.ParseFloat(rec[2], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("xirr-reference.md:%d: %v %v", line, err1, err2)
			}
			index[c.name] = len(cases)
			cases = append(cases, c)
			continue
		}
		i, ok := index[rec[0]]
		if !ok {
			t.Fatalf("xirr-reference.md:%d: flows of unknown case %q", line, rec[0])
		}
		d, err := calc.ParseDate(rec[1])
		if err != nil {
			t.Fatalf("xirr-reference.md:%d: %v", line, err)
		}
		m, err := calc.MoneyFromDecimal(decimal.RequireFromString(rec[2]))
		if err != nil {
			t.Fatalf("xirr-reference.md:%d: %v", line, err)
		}
		cases[i].flows = append(cases[i].flows, calc.CashFlow{Date: d, Amount: m})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 10 {
		t.Fatalf("only %d reference cases read", len(cases))
	}
	return cases
}

// npvResidual returns Σ amount/(1+r)^(days/365) relative to Σ |terms|,
// computed the plain way with math.Pow.
func npvResidual(flows []calc.CashFlow, r float64) float64 {
	var sum, abs float64
	for _, f := range flows {
		v := float64(f.Amount) / math.Pow(1+r, float64(f.Date-flows[0].Date)/365)
		sum += v
		abs += math.Abs(v)
	}
	return math.Abs(sum) / abs
}

func TestXIRRReference(t *testing.T) {
	for _, c := range readXIRRReference(t) {
		t.Run(c.name, func(t *testing.T) {
			got, ok := calc.XIRR(c.flows, c.guess)
			if !ok {
				t.Fatalf("XIRR found no rate, LibreOffice gives %v", c.want)
			}
			if math.Abs(got-c.want) > 1e-6 {
				t.Errorf("XIRR = %.12f, LibreOffice %.12f", got, c.want)
			}
			if c.want == 0 && got != 0 {
				t.Errorf("XIRR = %g, want exactly 0", got)
			}
			if res := npvResidual(c.flows, got); res > 1e-12 {
				t.Errorf("relative NPV at %.12f is %g", got, res)
			}
		})
	}
}

// flows builds cash flows from "date=amount" pairs, amounts in units.
func flows(t testing.TB, pairs ...string) []calc.CashFlow {
	t.Helper()
	var out []calc.CashFlow
	for _, p := range pairs {
		d, a, ok := strings.Cut(p, "=")
		if !ok {
			t.Fatalf("bad flow %q", p)
		}
		m, err := calc.MoneyFromDecimal(decimal.RequireFromString(a))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, calc.CashFlow{Date: calc.MustDate(d), Amount: m})
	}
	return out
}

func TestXIRREdgeCases(t *testing.T) {
	help := flows(t, "2008-01-01=-10000", "2008-03-01=2750", "2008-10-30=4250", "2009-02-15=3250", "2009-04-01=2750")
	// Two roots, 10 % and 20 %: -100 + 230/(1+r) - 132/(1+r)^2 = 0 over
	// two 365-day years.
	twoRoots := flows(t, "2021-01-01=-100", "2022-01-01=230", "2023-01-01=-132")
	tests := []struct {
		name  string
		flows []calc.CashFlow
		guess float64
		want  float64 // checked to 1e-9 when ok
		ok    bool
	}{
		{"Empty", nil, 0.1, 0, false},
		{"SingleFlow", flows(t, "2025-01-01=-100"), 0.1, 0, false},
		{"AllNegative", flows(t, "2025-01-01=-100", "2026-01-01=-100"), 0.1, 0, false},
		{"AllPositive", flows(t, "2025-01-01=100", "2026-01-01=5"), 0.1, 0, false},
		{"AllZero", flows(t, "2025-01-01=0", "2026-01-01=0"), 0.1, 0, false},
		{"ZeroFlowsIgnored", flows(t, "2025-01-01=-100", "2025-06-01=0", "2026-01-01=110"), 0.1, 0.1, true},
		{"SameDaySignChange", flows(t, "2025-01-01=-100", "2025-01-01=100"), 0.1, 0, false},
		{"NoRoot", flows(t, "2021-01-01=-100", "2022-01-01=50", "2023-01-01=-100"), 0.1, 0, false},
		{"ZeroRate", flows(t, "2025-01-01=-300", "2025-02-01=100", "2025-03-01=100", "2025-04-01=100"), 0.1, 0, true},
		{"OneYearTenPercent", flows(t, "2025-01-01=1000", "2026-01-01=-1100"), 0.1, 0.1, true},
		{"NearMinusOne", flows(t, "2025-01-01=-1000", "2026-01-01=0.50"), 0.1, -0.9995, true},
		{"Huge", flows(t, "2025-01-01=-100", "2025-03-15=300"), 0.1, 242, true},
		{"Million", flows(t, "2025-01-01=-1", "2026-01-01=1000000"), 0.1, 999999, true},
		{"TooHuge", flows(t, "2025-01-01=-100", "2025-01-02=1000"), 0.1, 0, false},
		{"GuessNaN", help, math.NaN(), 0.3733625335, true},
		{"GuessInf", help, math.Inf(1), 0.3733625335, true},
		{"GuessBelowMinusOne", help, -5, 0.3733625335, true},
		{"GuessFar", help, 1e6, 0.3733625335, true},
		{"GuessNearMinusOne", help, -0.999999, 0.3733625335, true},
		{"TwoRootsLow", twoRoots, 0.05, 0.1, true},
		{"TwoRootsHigh", twoRoots, 0.3, 0.2, true},
		{"EarlierFlowLater", flows(t, "2026-01-01=-1100", "2025-01-01=1000"), 0.1, 0.1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := calc.XIRR(tt.flows, tt.guess)
			if math.IsNaN(got) || math.IsInf(got, 0) {
				t.Fatalf("XIRR = %v", got)
			}
			if ok != tt.ok {
				t.Fatalf("XIRR = %v, %v; want ok %v", got, ok, tt.ok)
			}
			if !ok && got != 0 {
				t.Errorf("rate %v with ok false, want 0", got)
			}
			if ok && math.Abs(got-tt.want) > 1e-9*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("XIRR = %.12f, want %.12f", got, tt.want)
			}
		})
	}
}

// randomLoan returns the lender's flows of a random amortising loan: one
// or more drawdowns (negative) followed by payments (positive) whose sum
// exceeds the drawdowns, so exactly one positive rate solves them.
func randomLoan(rng *rand.Rand) []calc.CashFlow {
	issue := calc.MustDate("2020-01-01") + calc.Date(rng.IntN(3000))
	amount := calc.Money(rng.Int64N(1e12) + 100_000)
	n := 1 + rng.IntN(120)
	rate := rng.Float64() * 0.6 // up to 60 % a year
	var out []calc.CashFlow
	tranches := 1 + rng.IntN(3)
	for k := range tranches {
		out = append(out, calc.CashFlow{Date: issue.AddMonths(k), Amount: -amount / calc.Money(tranches)})
	}
	pay := calc.Money(float64(amount) * (rate/12 + 1/float64(n)))
	for k := 1; k <= n; k++ {
		out = append(out, calc.CashFlow{Date: issue.AddMonths(tranches - 1 + k), Amount: pay})
	}
	return out
}

func TestXIRRProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	for i := range 3000 {
		fl := randomLoan(rng)
		r1, ok1 := calc.XIRR(fl, 0.1)
		r2, ok2 := calc.XIRR(fl, rng.Float64()*20-0.99)
		if !ok1 || !ok2 {
			t.Fatalf("case %d: no rate (%v %v) for %d flows", i, ok1, ok2, len(fl))
		}
		if math.Abs(r1-r2) > 1e-10*(1+math.Abs(r1)) {
			t.Errorf("case %d: guesses disagree: %.15f vs %.15f", i, r1, r2)
		}
		if res := npvResidual(fl, r1); res > 1e-11 {
			t.Errorf("case %d: relative NPV at %.12f is %g", i, r1, res)
		}
		// The other party's view has the same rate.
		neg := make([]calc.CashFlow, len(fl))
		for j, f := range fl {
			neg[j] = calc.CashFlow{Date: f.Date, Amount: -f.Amount}
		}
		if r3, ok := calc.XIRR(neg, 0.1); !ok || math.Abs(r3-r1) > 1e-10*(1+math.Abs(r1)) {
			t.Errorf("case %d: reversed signs give %v %v, want %v", i, r3, ok, r1)
		}
	}
}

// TestXIRRFixedPoint holds the solver's stopping rules to their promise
// of about 1e-13 in x = ln(1+r): solving again from the rate returned,
// the result moves by less than that.
func TestXIRRFixedPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 14))
	for i := range 3000 {
		fl := randomLoan(rng)
		r, ok := calc.XIRR(fl, rng.Float64()*2-0.5)
		if !ok {
			t.Fatalf("case %d: no rate for %d flows", i, len(fl))
		}
		again, ok := calc.XIRR(fl, r)
		if d := math.Abs(math.Log1p(again) - math.Log1p(r)); !ok || d > 2e-13*(1+math.Abs(math.Log1p(r))) {
			t.Errorf("case %d: %.17g, from there %.17g (%v): moved %.3g in x", i, r, again, ok, d)
		}
	}
}

// TestXIRRArbitraryFlows throws series with any signs at the solver: it
// must stop, never return NaN or Inf, and any rate it returns must solve
// the equation.
func TestXIRRArbitraryFlows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	found := 0
	for i := range 5000 {
		n := 2 + rng.IntN(20)
		fl := make([]calc.CashFlow, n)
		for j := range fl {
			fl[j] = calc.CashFlow{
				Date:   calc.MustDate("2024-01-01") + calc.Date(rng.IntN(3650)),
				Amount: calc.Money(rng.Int64N(2e9) - 1e9),
			}
		}
		guess := []float64{0.1, -0.5, 3, 1e5, math.NaN()}[rng.IntN(5)]
		r, ok := calc.XIRR(fl, guess)
		if math.IsNaN(r) || math.IsInf(r, 0) || (!ok && r != 0) {
			t.Fatalf("case %d: XIRR = %v, %v", i, r, ok)
		}
		if !ok {
			continue
		}
		found++
		if res := npvResidual(fl, r); res > 1e-9 {
			t.Errorf("case %d: relative NPV at %g is %g", i, r, res)
		}
	}
	if found < 1000 {
		t.Errorf("only %d of 5000 random series solved", found)
	}
}

func TestXIRRAllocations(t *testing.T) {
	fl := randomLoan(rand.New(rand.NewPCG(1, 2)))
	if n := testing.AllocsPerRun(100, func() { calc.XIRR(fl, 0.1) }); n != 0 {
		t.Errorf("XIRR of %d flows: %v allocations, want 0", len(fl), n)
	}
}

func BenchmarkXIRR(b *testing.B) {
	// A five-year monthly loan: 61 flows.
	fl := []calc.CashFlow{{Date: calc.MustDate("2024-06-07"), Amount: -35_000_000_000}}
	for k := 1; k <= 60; k++ {
		fl = append(fl, calc.CashFlow{Date: calc.MustDate("2024-06-07").AddMonths(k), Amount: 888_000_000})
	}
	b.ReportAllocs()
	for b.Loop() {
		calc.XIRR(fl, 0.1)
	}
}

// The example of the XIRR help pages of spreadsheets: 10,000 invested,
// four payments back.
func ExampleXIRR() {
	flows := []calc.CashFlow{
		{Date: calc.MustDate("2008-01-01"), Amount: -1_000_000},
		{Date: calc.MustDate("2008-03-01"), Amount: 275_000},
		{Date: calc.MustDate("2008-10-30"), Amount: 425_000},
		{Date: calc.MustDate("2009-02-15"), Amount: 325_000},
		{Date: calc.MustDate("2009-04-01"), Amount: 275_000},
	}
	r, ok := calc.XIRR(flows, 0.1)
	fmt.Printf("%.6f %v\n", r, ok)
	// Output: 0.373363 true
}

// TestRepeatBorrowerForCounting runs the benchmark loan (eaeuLoan) with a
// 12-month term COUNT_PLAIN12 times and XIRR of a 120-month annuity's
// flows COUNT_XIRR times, so that valgrind can count their instructions
// (docs/performance.md, "XIRR and the borrower figures"). Without those
// variables it does nothing.
func TestRepeatBorrowerForCounting(t *testing.T) {
	n12, _ := strconv.Atoi(os.Getenv("COUNT_PLAIN12"))
	nx, _ := strconv.Atoi(os.Getenv("COUNT_XIRR"))
	if n12+nx == 0 {
		t.Skip("set COUNT_PLAIN12 or COUNT_XIRR")
	}
	short := eaeuLoan(0)
	short.Loan.TermMonths = 12
	for range n12 {
		if _, err := calc.Calculate(short, calc.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := calc.Calculate(eaeuLoan(0), calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fl := []calc.CashFlow{{Date: res.Schedule[0].Start, Amount: 100_000_000_000}}
	for _, p := range res.Schedule {
		fl = append(fl, calc.CashFlow{Date: p.End, Amount: -p.Payment})
	}
	for range nx {
		if _, ok := calc.XIRR(fl, 0.25); !ok {
			t.Fatal("no rate")
		}
	}
}
