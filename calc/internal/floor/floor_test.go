package floor_test

import (
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/calc/internal/floor"
)

// ruSegs is the Russian key rate record of calc.DefaultRateBook as the
// floor takes it, including the assumed rate after the record ends:
// reference data prepared once.
var ruSegs = sync.OnceValue(func() []floor.Seg {
	tl := calc.DefaultRateBook().Timeline("RU")
	var out []floor.Seg
	for _, s := range tl.Segments(calc.NewDate(1990, 1, 1), calc.NewDate(2101, 1, 1)) {
		r := s.Rate.Shift(8)
		if !r.IsInteger() {
			panic("policy rate with more than 8 decimals: " + s.Rate.String())
		}
		out = append(out, floor.Seg{Start: int32(s.Start), Rate: r.IntPart()})
	}
	return out
})

// testLoan is a loan of the floor's shape in the floor's terms.
type testLoan struct {
	name   string
	amount int64  // kopecks
	rate   string // percent
	issue  string
	months int
	shares []string // BY, RU, KZ; nil: 40, 35, 25
}

// loans returns the floor's and the engine's form of t.
func (t testLoan) loans() (*floor.Loan, *calc.Request) {
	rate := decimal.RequireFromString(t.rate)
	issue := calc.MustDate(t.issue)
	y, m, d := issue.Civil()
	shares := t.shares
	if shares == nil {
		shares = []string{"40", "35", "25"}
	}
	ds := make([]decimal.Decimal, len(shares))
	exp := int32(0)
	for i, s := range shares {
		ds[i] = decimal.RequireFromString(s)
		exp = min(exp, ds[i].Exponent())
	}
	fl := &floor.Loan{
		Amount: t.amount, Rate: rate.Shift(8).IntPart(),
		IssueYear: y, IssueMonth: int(m), IssueDay: d, Months: t.months,
	}
	countries := []string{"BY", "RU", "KZ"}
	var parts []calc.Participant
	for i, s := range ds {
		fl.Shares = append(fl.Shares, s.Shift(-exp).IntPart())
		parts = append(parts, calc.Participant{Country: countries[i], Share: s})
	}
	req := &calc.Request{
		Project: calc.Project{Name: t.name, Participants: parts},
		Loan: calc.Loan{
			Amount: decimal.New(t.amount, -2), Currency: "RUB", Rate: &rate,
			IssueDate: issue, TermMonths: t.months,
		},
		Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial"},
	}
	return fl, req
}

// tableLoans hit the policy rate changes of 2024–2026, issue dates on a
// month's 31st, on 29 February and on 31 December, the cap (RUB 50 bn and
// 40 bn pay far more than RUB 350 m a year), the end of the 60-month
// window and an ineligible rate.
var tableLoans = []testLoan{
	{"bench 120", 100_000_000_000, "22.5", "2025-03-14", 120, nil},
	{"bench 12", 100_000_000_000, "22.5", "2025-03-14", 12, nil},
	{"cap, on a rate change", 5_000_000_000_000, "25", "2024-10-28", 120, nil},
	{"cap 12", 4_000_000_000_000, "27", "2025-01-15", 12, nil},
	{"29 February", 20_000_000_000, "20", "2024-02-29", 120, nil},
	{"31 January", 30_000_000_000, "15", "2024-01-31", 12, nil},
	{"31 December 2025", 1_000_000_000, "10", "2025-12-31", 120, nil},
	{"31 December 2024", 10_000_000_000, "11", "2024-12-31", 120, nil},
	{"30 June, odd shares", 75_000_000_000, "18.75", "2026-06-30", 12, []string{"33.33", "33.33", "33.34"}},
	{"July 2024, near the cap", 200_000_000_000, "24.5", "2024-07-29", 120, nil},
	{"ineligible: above the ceiling", 50_000_000_000, "27", "2026-03-01", 120, nil},
	{"small, end of record", 100_000, "13.1234", "2026-12-31", 12, []string{"1", "1", "98"}},
	{"31 October", 3_000_000_000_000, "21.5", "2025-10-31", 120, []string{"50", "25", "25"}},
}

// randomLoans are n loans from a seeded generator: amounts from RUB 10,000
// to RUB 100 bn (log-uniform), rates 10 to 27 % with up to 4 decimals,
// issue dates in 2024–2026, terms of 12, 120 or 1 to 240 months, the
// usual shares or random ones with 2 decimals.
func randomLoans(n int) []testLoan {
	rng := rand.New(rand.NewPCG(14, 2026))
	first := calc.MustDate("2024-01-01")
	out := make([]testLoan, n)
	for i := range out {
		t := testLoan{name: "random " + strconv.Itoa(i)}
		t.amount = int64(math.Pow(10, 6+7*rng.Float64()))
		t.rate = decimal.New(100_000+rng.Int64N(170_001), -4).String()
		t.issue = (first + calc.Date(rng.IntN(3*365+1))).String()
		switch rng.IntN(3) {
		case 0:
			t.months = 12
		case 1:
			t.months = 120
		default:
			t.months = 1 + rng.IntN(240)
		}
		if rng.IntN(2) == 0 {
			a := 1 + rng.Int64N(9_000)
			b := 1 + rng.Int64N(9_999-a)
			t.shares = []string{decimal.New(a, -2).String(), decimal.New(b, -2).String(), decimal.New(10_000-a-b, -2).String()}
		}
		out[i] = t
	}
	return out
}

// TestFloorEqualsEngine holds every output of the floor to calc.Calculate
// for the table and 200 random loans, and checks that the loans reach the
// cases the floor must get right.
func TestFloorEqualsEngine(t *testing.T) {
	segs := ruSegs()
	var res floor.Result // reused, as a caller would
	var capped, ineligible, varying, windowEnd, yearEnd int
	for _, tl := range append(append([]testLoan{}, tableLoans...), randomLoans(200)...) {
		fl, req := tl.loans()
		want, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			t.Fatalf("%s: %v", tl.name, err)
		}
		floor.Calculate(fl, segs, &res)
		if d := diff(&res, want); len(d) > 0 {
			t.Errorf("%s (%+v): %d outputs differ, first %q", tl.name, tl, len(d), d[:min(len(d), 5)])
		}
		if !want.Eligible {
			ineligible++
		}
		for _, y := range want.Years {
			if y.CapReached {
				capped++
				break
			}
		}
		for _, p := range want.Schedule {
			if p.RatesVary && p.Subsidy > 0 {
				varying++
				break
			}
		}
		if tl.months > 60 && want.Eligible && want.Schedule[59].Subsidy > 0 {
			windowEnd++
		}
		for _, p := range want.Schedule {
			if p.Start.Year() != p.End.Year() && p.Subsidy > 0 {
				yearEnd++
				break
			}
		}
	}
	t.Logf("capped %d ineligible %d varying %d window %d yearEnd %d", capped, ineligible, varying, windowEnd, yearEnd)
	// The loans must exercise what the floor does: a test of loans that
	// never reach the cap would prove nothing about it.
	for _, c := range []struct {
		what string
		n    int
	}{{"the cap", capped}, {"an ineligible rate", ineligible}, {"a policy rate change inside a period", varying},
		{"the window's end", windowEnd}, {"a year end inside a subsidised period", yearEnd}} {
		if c.n < 3 {
			t.Errorf("only %d loans reach %s", c.n, c.what)
		}
	}
}

// diff lists the outputs of got that differ from the engine's result want.
func diff(got *floor.Result, want *calc.Result) []string {
	var out []string
	bad := func(what string, g, w any) {
		out = append(out, what+": floor "+str(g)+", engine "+str(w))
	}
	money := func(what string, g int64, w calc.Money) {
		if g != int64(w) {
			bad(what, calc.Money(g), w)
		}
	}
	dec4 := func(what string, g int64, w decimal.Decimal) {
		if !decimal.New(g, -4).Equal(w) {
			bad(what, decimal.New(g, -4), w)
		}
	}
	if got.Eligible != want.Eligible {
		bad("eligible", got.Eligible, want.Eligible)
	}
	if len(got.Periods) != len(want.Schedule) {
		bad("periods", len(got.Periods), len(want.Schedule))
	} else {
		for i, w := range want.Schedule {
			g := got.Periods[i]
			p := "period " + strconv.Itoa(i+1) + " "
			if g.End != int32(w.End) {
				bad(p+"end", calc.Date(g.End), w.End)
			}
			money(p+"interest", g.Interest, w.Interest)
			money(p+"principal", g.Principal, w.Principal)
			money(p+"payment", g.Payment, w.Payment)
			money(p+"subsidy", g.Subsidy, w.Subsidy)
			money(p+"subsidy paid", g.SubsidyPaid, w.SubsidyPaid)
		}
	}
	if len(got.Years) != len(want.Years) {
		bad("years", len(got.Years), len(want.Years))
	} else {
		for i, w := range want.Years {
			g := got.Years[i]
			y := "year " + strconv.Itoa(w.Year) + " "
			if g.Year != w.Year {
				bad(y+"year", g.Year, w.Year)
			}
			money(y+"interest", g.Interest, w.Interest)
			money(y+"principal", g.Principal, w.Principal)
			money(y+"subsidy", g.Subsidy, w.Subsidy)
			money(y+"subsidy paid", g.SubsidyPaid, w.SubsidyPaid)
			money(y+"subsidy payable", g.SubsidyPayable, w.SubsidyPayable)
			money(y+"borrower interest", g.BorrowerInterest, w.BorrowerInterest)
			if len(w.BudgetShares) != floor.NumBudget {
				bad(y+"budget shares", floor.NumBudget, len(w.BudgetShares))
				continue
			}
			for c, b := range w.BudgetShares {
				if b.Country != floor.Countries[c] {
					bad(y+"budget country", floor.Countries[c], b.Country)
				}
				money(y+"budget "+b.Country, g.Budget[c], b.Amount)
			}
		}
	}
	gt, wt := got.Totals, want.Totals
	money("total interest", gt.Interest, wt.Interest)
	money("total principal", gt.Principal, wt.Principal)
	money("total subsidy", gt.Subsidy, wt.Subsidy)
	money("total subsidy paid", gt.SubsidyPaid, wt.SubsidyPaid)
	money("total subsidy payable", gt.SubsidyPayable, wt.SubsidyPayable)
	money("total borrower interest", gt.BorrowerInterest, wt.BorrowerInterest)
	money("total payments", gt.Payments, wt.Payments)
	money("total borrower payments", gt.BorrowerPayments, wt.BorrowerPayments)
	if len(want.BudgetShares) != floor.NumBudget {
		bad("budget shares", floor.NumBudget, len(want.BudgetShares))
	} else {
		for c, b := range want.BudgetShares {
			money("budget "+b.Country, got.Budget[c], b.Amount)
		}
	}
	if len(got.Participants) != len(want.Participants) {
		bad("participants", len(got.Participants), len(want.Participants))
	} else {
		for i, w := range want.Participants {
			money("participant "+w.Country, got.Participants[i], w.Subsidy)
		}
	}
	dec4("rate without subsidy", got.RateWithout, want.EffectiveRates.WithoutSubsidy)
	dec4("rate with subsidy", got.RateWith, want.EffectiveRates.WithSubsidy)
	if got.RatesOK != want.EffectiveRates.Converged {
		bad("rates converged", got.RatesOK, want.EffectiveRates.Converged)
	}
	money("present value", got.PresentValue, want.SubsidyPresentValue)
	dec4("grant element", got.GrantElement, want.GrantElement)
	return out
}

func str(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case calc.Money:
		return v.String()
	case interface{ String() string }:
		return v.String()
	}
	return "?"
}

// TestDiffSeesEveryOutput changes each output of a correct floor result in
// turn and requires diff to report it: an output diff did not compare
// would let TestFloorEqualsEngine pass whatever the floor computed.
func TestDiffSeesEveryOutput(t *testing.T) {
	fl, req := tableLoans[2].loans() // capped, eligible, 120 months
	want, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var good floor.Result
	floor.Calculate(fl, ruSegs(), &good)
	if d := diff(&good, want); len(d) > 0 {
		t.Fatalf("the floor differs from the engine: %v", d)
	}
	p, y := len(good.Periods)-1, 2 // the last period; a capped year
	mutations := map[string]func(r *floor.Result){
		"eligible":                func(r *floor.Result) { r.Eligible = !r.Eligible },
		"a period less":           func(r *floor.Result) { r.Periods = r.Periods[:p] },
		"period end":              func(r *floor.Result) { r.Periods[p].End++ },
		"period interest":         func(r *floor.Result) { r.Periods[p].Interest++ },
		"period principal":        func(r *floor.Result) { r.Periods[p].Principal++ },
		"period payment":          func(r *floor.Result) { r.Periods[p].Payment++ },
		"period subsidy":          func(r *floor.Result) { r.Periods[0].Subsidy++ },
		"period subsidy paid":     func(r *floor.Result) { r.Periods[0].SubsidyPaid++ },
		"a year less":             func(r *floor.Result) { r.Years = r.Years[:y] },
		"year":                    func(r *floor.Result) { r.Years[y].Year++ },
		"year interest":           func(r *floor.Result) { r.Years[y].Interest++ },
		"year principal":          func(r *floor.Result) { r.Years[y].Principal++ },
		"year subsidy":            func(r *floor.Result) { r.Years[y].Subsidy++ },
		"year subsidy paid":       func(r *floor.Result) { r.Years[y].SubsidyPaid++ },
		"year subsidy payable":    func(r *floor.Result) { r.Years[y].SubsidyPayable++ },
		"year borrower interest":  func(r *floor.Result) { r.Years[y].BorrowerInterest++ },
		"year budget AM":          func(r *floor.Result) { r.Years[y].Budget[0]++ },
		"year budget RU":          func(r *floor.Result) { r.Years[y].Budget[4]++ },
		"total interest":          func(r *floor.Result) { r.Totals.Interest++ },
		"total principal":         func(r *floor.Result) { r.Totals.Principal++ },
		"total subsidy":           func(r *floor.Result) { r.Totals.Subsidy++ },
		"total subsidy paid":      func(r *floor.Result) { r.Totals.SubsidyPaid++ },
		"total subsidy payable":   func(r *floor.Result) { r.Totals.SubsidyPayable++ },
		"total borrower interest": func(r *floor.Result) { r.Totals.BorrowerInterest++ },
		"total payments":          func(r *floor.Result) { r.Totals.Payments++ },
		"total borrower payments": func(r *floor.Result) { r.Totals.BorrowerPayments++ },
		"budget AM":               func(r *floor.Result) { r.Budget[0]++ },
		"budget RU":               func(r *floor.Result) { r.Budget[4]++ },
		"participant 1":           func(r *floor.Result) { r.Participants[0]++ },
		"participant 3":           func(r *floor.Result) { r.Participants[2]++ },
		"a participant less":      func(r *floor.Result) { r.Participants = r.Participants[:2] },
		"rate without subsidy":    func(r *floor.Result) { r.RateWithout++ },
		"rate with subsidy":       func(r *floor.Result) { r.RateWith-- },
		"rates converged":         func(r *floor.Result) { r.RatesOK = !r.RatesOK },
		"present value":           func(r *floor.Result) { r.PresentValue++ },
		"grant element":           func(r *floor.Result) { r.GrantElement++ },
	}
	for name, mutate := range mutations {
		r := good
		r.Periods = append([]floor.Period(nil), good.Periods...)
		r.Years = append([]floor.Year(nil), good.Years...)
		r.Participants = append([]int64(nil), good.Participants...)
		mutate(&r)
		if d := diff(&r, want); len(d) == 0 {
			t.Errorf("%s: a wrong value passes", name)
		}
	}
}

// TestFloorReusesResult: a Result used for a long loan, then a short one,
// then the long one again gives the same figures as fresh ones.
func TestFloorReusesResult(t *testing.T) {
	long, _ := tableLoans[2].loans()
	short, _ := tableLoans[8].loans()
	var reused, fresh floor.Result
	for _, l := range []*floor.Loan{long, short, long} {
		floor.Calculate(l, ruSegs(), &reused)
		fresh = floor.Result{}
		floor.Calculate(l, ruSegs(), &fresh)
		if len(reused.Periods) != len(fresh.Periods) || len(reused.Years) != len(fresh.Years) ||
			reused.Budget != fresh.Budget || reused.PresentValue != fresh.PresentValue || reused.RateWith != fresh.RateWith {
			t.Fatalf("months %d: reused %+v, fresh %+v", l.Months, reused, fresh)
		}
		for i := range fresh.Years {
			if reused.Years[i] != fresh.Years[i] {
				t.Fatalf("months %d year %d: reused %+v, fresh %+v", l.Months, i, reused.Years[i], fresh.Years[i])
			}
		}
	}
}
