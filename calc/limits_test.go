package calc_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Issue 10 §1: the cost of one calculation is bounded. Lists have limits,
// refused by name; under them the work grows with the number of distinct
// dates, never with a product of list lengths.

// ratePoints returns n points from first, step days apart, with distinct
// rates of six decimal places between lo and lo+10.
func ratePoints(n int, first calc.Date, step int, lo int64) []calc.RatePoint {
	pts := make([]calc.RatePoint, n)
	for i := range pts {
		pts[i] = calc.RatePoint{Date: first + calc.Date(i*step), Rate: decimal.New(lo*1_000_000+int64(i*7919%10_000_000), -6)}
	}
	return pts
}

// worstRequest is the costliest request the limits allow: a 600-month
// monthly annuity whose every list is at its limit, on distinct dates
// inside the loan (drawdowns every 30 days from the issue date, contract
// rate changes 15 days after each, a policy rate every 50 days from the
// 7th), a rule with every term, daily fixing, a cap in another currency
// with a rate for every year. Contributions repeat member states to reach
// their limit.
func worstRequest() *calc.Request {
	issue := calc.MustDate("2030-01-15")
	const amount = 1_000_000_000_00 // minor units
	draws := make([]calc.Disbursement, calc.MaxDisbursements)
	each := int64(amount / calc.MaxDisbursements)
	for i := range draws {
		a := each
		if i == 0 {
			a = amount - each*int64(len(draws)-1)
		}
		draws[i] = calc.Disbursement{Date: issue + calc.Date(30*i), Amount: decimal.New(a, -2)}
	}
	fx := make([]calc.FXRate, 0, calc.MaxFXRates)
	for y := 1990; y <= 2100; y++ {
		fx = append(fx, calc.FXRate{Year: ptr(y), Rate: decimal.New(int64(y), -2)}) // RUB per USD
	}
	fx = append(fx, calc.FXRate{Rate: dec("90")})
	parts := make([]calc.Participant, calc.MaxParticipants)
	for i := range parts {
		parts[i] = calc.Participant{Name: fmt.Sprint("P", i), Country: calc.MemberStates[i%len(calc.MemberStates)], Share: decimal.NewFromInt(100 / calc.MaxParticipants)}
	}
	contribs := make([]calc.CountryShare, calc.MaxContributions)
	for i := range contribs {
		contribs[i] = calc.CountryShare{Country: calc.MemberStates[i%len(calc.MemberStates)], Share: dec("6.25")}
	}
	return &calc.Request{
		Project: calc.Project{Name: "worst", Participants: parts},
		Loan: calc.Loan{
			Amount: decimal.New(amount, -2), Currency: "USD", Rate: ptr(dec("20")),
			IssueDate: issue, TermMonths: 600,
			Disbursements: draws,
			RateChanges:   ratePoints(calc.MaxRateChanges, issue+15, 30, 10),
		},
		Subsidy: calc.SubsidyTerms{
			Programme: "custom",
			BaseRates: ratePoints(calc.MaxBaseRates, issue+7, 50, 5),
			Rule: &calc.RuleOverride{BaseShare: ptr(dec("0.7")), PlusPoints: ptr(dec("1.5")), MinusLoan: ptr(false),
				LoanShare: ptr(dec("0.9")), BorrowerFloor: ptr(dec("3")), BaseFixing: ptr(calc.FixDaily)},
			AnnualCap:     calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("2000000000"), Currency: "RUB"}},
			FX:            fx,
			Contributions: contribs,
		},
	}
}

// worstScenariosRequest is worstRequest on the built-in Russian record
// instead of its own policy rates, run also under the most scenarios
// allowed, each with the most points, every point inside the loan.
func worstScenariosRequest() *calc.Request {
	r := worstRequest()
	r.Subsidy.BaseRates, r.Subsidy.BaseCountry = nil, "RU"
	for i := range calc.MaxScenarios {
		r.Scenarios = append(r.Scenarios, calc.ScenarioRef{Scenario: &calc.Scenario{Name: fmt.Sprint("s", i), Country: "RU",
			Points: ratePoints(calc.MaxScenarioPoints, r.Loan.IssueDate+calc.Date(7+i), 50, int64(5+i))}})
	}
	return r
}

// attackRequest is the shape that took 12 s and 4.7 GB: 12,000 policy rates
// × 12,500 contract rate changes, a 1 MB body.
func attackRequest() *calc.Request {
	issue := calc.MustDate("2026-01-15")
	return &calc.Request{
		Loan: calc.Loan{
			Amount: dec("1000000"), Currency: "RUB", Rate: ptr(dec("20")), IssueDate: issue, TermMonths: 600,
			RateChanges: ratePoints(12_500, issue+1, 1, 10),
		},
		Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial", BaseRates: ratePoints(12_000, issue, 1, 5)},
	}
}

func TestListLimits(t *testing.T) {
	over := func(n int) int { return n + 1 }
	cases := []struct {
		field string
		limit int
		mod   func(r *calc.Request, n int)
	}{
		{"loan.disbursements", calc.MaxDisbursements, func(r *calc.Request, n int) {
			r.Loan.Disbursements = make([]calc.Disbursement, n)
			for i := range r.Loan.Disbursements {
				r.Loan.Disbursements[i] = calc.Disbursement{Date: r.Loan.IssueDate, Amount: dec("0.01")}
			}
		}},
		{"loan.rate_changes", calc.MaxRateChanges, func(r *calc.Request, n int) {
			r.Loan.RateChanges = ratePoints(n, r.Loan.IssueDate+1, 1, 10)
		}},
		{"subsidy.base_rates", calc.MaxBaseRates, func(r *calc.Request, n int) {
			r.Subsidy.BaseRates = ratePoints(n, r.Loan.IssueDate-3000, 5, 10)
		}},
		{"subsidy.fx", calc.MaxFXRates, func(r *calc.Request, n int) {
			r.Subsidy.FX = make([]calc.FXRate, n)
			for i := range r.Subsidy.FX {
				r.Subsidy.FX[i] = calc.FXRate{Year: ptr(1990 + i), Rate: dec("0.2")}
			}
		}},
		{"project.participants", calc.MaxParticipants, func(r *calc.Request, n int) {
			r.Project.Participants = make([]calc.Participant, n)
			for i := range r.Project.Participants {
				r.Project.Participants[i] = calc.Participant{Country: "RU", Share: dec("0.5")}
			}
		}},
		{"scenarios", calc.MaxScenarios, func(r *calc.Request, n int) {
			for i := range n {
				r.Scenarios = append(r.Scenarios, calc.ScenarioRef{Scenario: &calc.Scenario{Name: fmt.Sprint("s", i), Country: "RU",
					Years: []calc.ScenarioYear{{Year: 2030, Rate: dec("10")}}}})
			}
		}},
		{"scenarios[0].points", calc.MaxScenarioPoints, func(r *calc.Request, n int) {
			r.Scenarios = []calc.ScenarioRef{{Scenario: &calc.Scenario{Name: "p", Country: "RU", Points: ratePoints(n, r.Loan.IssueDate, 1, 10)}}}
		}},
		{"scenarios[0].years", calc.MaxScenarioYears, func(r *calc.Request, n int) {
			sc := &calc.Scenario{Name: "y", Country: "RU"}
			for i := range n {
				sc.Years = append(sc.Years, calc.ScenarioYear{Year: 1990 + i%111, Rate: dec("10")})
			}
			r.Scenarios = []calc.ScenarioRef{{Scenario: sc}}
		}},
		{"subsidy.contributions", calc.MaxContributions, func(r *calc.Request, n int) {
			r.Subsidy.Contributions = make([]calc.CountryShare, n)
			for i := range r.Subsidy.Contributions {
				r.Subsidy.Contributions[i] = calc.CountryShare{Country: "RU", Share: dec("1")}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			for _, lang := range []string{"en", "ru"} {
				r := validRequest()
				r.Lang = lang
				tc.mod(r, over(tc.limit))
				_, err := calc.Calculate(r, calc.Options{})
				var e *calc.Error
				if !errors.As(err, &e) || e.Kind != calc.Invalid {
					t.Fatalf("%s: err = %v, want Invalid", lang, err)
				}
				// Exactly one error for the list, naming it, not its entries.
				var got []string
				for _, f := range e.Fields {
					if strings.HasPrefix(f.Field, tc.field) {
						got = append(got, f.Field)
					}
				}
				if len(got) != 1 || got[0] != tc.field {
					t.Fatalf("%s: fields %v, want exactly [%s]", lang, got, tc.field)
				}
				for _, f := range e.Fields {
					if f.Field != tc.field {
						continue
					}
					msg := f.In(lang)
					if !strings.Contains(msg, fmt.Sprint(tc.limit)) || !strings.Contains(msg, fmt.Sprint(over(tc.limit))) {
						t.Errorf("%s: message %q lacks the limit %d or the count", lang, msg, tc.limit)
					}
					if hasCyrillic(msg) != (lang == "ru") {
						t.Errorf("%s: message %q in the wrong language", lang, msg)
					}
				}
			}
			// At the limit the list is not refused for its length.
			r := validRequest()
			tc.mod(r, tc.limit)
			_, err := calc.Calculate(r, calc.Options{})
			var e *calc.Error
			if errors.As(err, &e) {
				for _, f := range e.Fields {
					if f.Field == tc.field && strings.Contains(f.En, "at most") {
						t.Errorf("at the limit: %s: %s", f.Field, f.En)
					}
				}
			}
		})
	}
}

// TestAttackShapeRefused: the request that once took 12 s is refused at
// once, naming both lists.
func TestAttackShapeRefused(t *testing.T) {
	start := time.Now()
	_, err := calc.Calculate(attackRequest(), calc.Options{})
	var e *calc.Error
	if !errors.As(err, &e) || e.Kind != calc.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	if strings.Join(fields, " ") != "loan.rate_changes subsidy.base_rates" {
		t.Fatalf("fields %v, want loan.rate_changes and subsidy.base_rates only", fields)
	}
	if d := time.Since(start); d > 5*time.Second { // a hang guard, not a speed test
		t.Fatalf("took %v", d)
	}
}

// plainWork is the work of the benchmark's plain loan: 120 months under
// the EAEU programme with its defaults.
func plainWork(t *testing.T) calc.Work {
	t.Helper()
	_, w, err := calc.CalculateWork(eaeuLoan(0), calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWorstRequestCost: the costliest request under the limits does at most
// 20 times the work of a plain 120-month loan, counted in periods, pieces
// and rule evaluations (deterministic; BenchmarkCalculateWorst gives the
// time).
func TestWorstRequestCost(t *testing.T) {
	plain := plainWork(t)
	res, worst, err := calc.CalculateWork(worstRequest(), calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Schedule) != 600 || len(res.Participants) != calc.MaxParticipants {
		t.Fatalf("schedule %d periods, %d participants", len(res.Schedule), len(res.Participants))
	}
	cost := func(w calc.Work) int { return w.Periods + w.Pieces + w.RuleEvals }
	t.Logf("plain %+v (cost %d), worst %+v (cost %d): %.1f×", plain, cost(plain), worst, cost(worst), float64(cost(worst))/float64(cost(plain)))
	if cost(worst) > 20*cost(plain) {
		t.Errorf("worst request costs %d, over 20 × %d", cost(worst), cost(plain))
	}
	// Every date makes at most one piece boundary: pieces ≤ periods +
	// drawdowns + rate changes + policy rates + 1 January per year + the
	// window's two ends.
	r := worstRequest()
	dates := 600 + len(r.Loan.Disbursements) + len(r.Loan.RateChanges) + len(r.Subsidy.BaseRates) + 51 + 2
	if worst.Pieces > dates {
		t.Errorf("%d pieces for %d distinct dates", worst.Pieces, dates)
	}
	if worst.RuleEvals > worst.Pieces+worst.Periods {
		t.Errorf("%d rule evaluations for %d pieces", worst.RuleEvals, worst.Pieces)
	}
}

// TestCostLinearInLists: doubling the policy rates and the rate changes
// together (a product would quadruple the work) at most doubles the work
// beyond one piece per period, for every way of fixing the policy rate.
func TestCostLinearInLists(t *testing.T) {
	for _, fixing := range []string{calc.FixDaily, calc.FixPeriodStart, calc.FixPaymentDate} {
		t.Run(fixing, func(t *testing.T) {
			work := func(n int) calc.Work {
				r := worstRequest()
				r.Loan.Disbursements = nil
				r.Loan.RateChanges = ratePoints(n, r.Loan.IssueDate+15, 30, 10)
				r.Subsidy.BaseRates = ratePoints(n, r.Loan.IssueDate+7, 50, 5)
				r.Subsidy.Rule.BaseFixing = ptr(fixing)
				_, w, err := calc.CalculateWork(r, calc.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return w
			}
			w1, w2 := work(calc.MaxRateChanges/2), work(calc.MaxRateChanges)
			// The work beyond one piece per period; a product of the
			// lists would be 180 × 180 evaluations, then 360 × 360.
			extra := func(w calc.Work) int { return w.Pieces - w.Periods + w.RuleEvals }
			if extra(w2) > 2*extra(w1)+100 {
				t.Errorf("half the lists: %+v; whole: %+v: more than linear", w1, w2)
			}
			if w2.RuleEvals > w2.Pieces+w2.Periods {
				t.Errorf("%d rule evaluations for %d pieces", w2.RuleEvals, w2.Pieces)
			}
		})
	}
}

func TestContextAbandons(t *testing.T) {
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"deadline passed", func() (context.Context, context.CancelFunc) {
			return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := tc.ctx()
			defer cancel()
			into := new(calc.Result)
			res, err := calc.Calculate(worstRequest(), calc.Options{Context: ctx, Into: into})
			var e *calc.Error
			if res != nil || !errors.As(err, &e) || e.Kind != calc.Canceled || !errors.Is(err, tc.want) {
				t.Fatalf("res %v, err %v: want a Canceled error wrapping %v", res != nil, err, tc.want)
			}
		})
	}
	t.Run("reconcile", func(t *testing.T) {
		req := eaeuLoan(0)
		res, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		bank := make([]calc.BankRow, len(res.Schedule))
		for i, p := range res.Schedule {
			in := p.Interest.Decimal()
			bank[i] = calc.BankRow{Date: p.End, Interest: &in}
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bank}, calc.Options{Context: ctx})
		var e *calc.Error
		if rec != nil || !errors.As(err, &e) || e.Kind != calc.Canceled {
			t.Fatalf("rec %v, err %v: want a Canceled error", rec != nil, err)
		}
	})
	t.Run("live context", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		got, err := calc.Calculate(eaeuLoan(0), calc.Options{Context: ctx})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := calc.Calculate(eaeuLoan(0), calc.Options{})
		if got.Totals != want.Totals {
			t.Fatalf("totals %+v, want %+v", got.Totals, want.Totals)
		}
	})
}

// TestFXOverflow: an exchange rate that would make the converted cap larger
// than any amount (it once showed 92233720368547758.07, the int64 maximum)
// is refused naming the rate; the largest rate that fits is accepted.
func TestFXOverflow(t *testing.T) {
	for _, tc := range []struct {
		name string
		fx   []calc.FXRate
		want string // "" accepted
	}{
		{"tiny rate", []calc.FXRate{{Rate: dec("0.0000000001")}}, "subsidy.fx[0].rate"},
		{"tiny rate for one year", []calc.FXRate{{Year: ptr(2025), Rate: dec("0.18")}, {Year: ptr(2026), Rate: dec("0.0000001")}, {Rate: dec("0.19")}}, "subsidy.fx[1].rate"},
		// 350,000,000 / 0.00000035 = 10^15 exactly: the largest amount.
		{"cap at the bound", []calc.FXRate{{Rate: dec("0.00000035")}}, ""},
		{"cap just over the bound", []calc.FXRate{{Rate: dec("0.0000003499")}}, "subsidy.fx[0].rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"en", "ru"} {
				r := kztCapRequest()
				r.Lang = lang
				r.Subsidy.FX = tc.fx
				res, err := calc.Calculate(r, calc.Options{})
				if tc.want == "" {
					if err != nil {
						t.Fatal(err)
					}
					for _, y := range res.Years {
						if y.Cap != nil && *y.Cap != calc.Money(1e17) {
							t.Errorf("%d: cap %s, want 1000000000000000.00", y.Year, *y.Cap)
						}
					}
					continue
				}
				var e *calc.Error
				if !errors.As(err, &e) || e.Kind != calc.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tc.want {
					t.Fatalf("%s: err %v, want only %s", lang, err, tc.want)
				}
				msg := e.Fields[0].In(lang)
				if !strings.Contains(msg, "350000000 RUB") || !strings.Contains(msg, "1000000000000000 KZT") || hasCyrillic(msg) != (lang == "ru") {
					t.Errorf("%s: message %q", lang, msg)
				}
			}
		})
	}
}

// BenchmarkCalculateWorst is worstRequest, the costliest request the
// limits allow; compare with BenchmarkCalculate120.
func BenchmarkCalculateWorst(b *testing.B) {
	req := worstRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.Calculate(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCalculate120Context is BenchmarkCalculate120 as the server runs
// it: each calculation with its own time budget (context.WithTimeout),
// looked at once per period.
func BenchmarkCalculate120Context(b *testing.B) {
	req := eaeuLoan(0)
	b.ReportAllocs()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := calc.Calculate(req, calc.Options{Context: ctx}); err != nil {
			b.Fatal(err)
		}
		cancel()
	}
}

// TestConvertSaturates: a conversion beyond the range of Money saturates
// rather than wrapping around to a wrong (even negative) amount.
func TestConvertSaturates(t *testing.T) {
	for _, tc := range []struct {
		m    calc.Money
		rate string
		want calc.Money
	}{
		{100000, "0.18", 18000},
		{-100000, "0.18", -18000},
		{1e17, "1000000", math.MaxInt64},   // 10^15 at 10^6: 10^21, beyond int64
		{-1e17, "1000000", -math.MaxInt64}, // and below
		{math.MaxInt64, "1", math.MaxInt64},
		{9_223_372_036_854_775, "1000", 9_223_372_036_854_775_000},
	} {
		if got := calc.Convert(tc.m, dec(tc.rate)); got != tc.want {
			t.Errorf("Convert(%s, %s) = %s, want %s", tc.m, tc.rate, got, tc.want)
		}
	}
}

// TestExtremesFitMoney: the largest amount at the highest rate for the
// longest term, with a subsidy rate far above the loan rate, keeps every
// figure exact within Money. Bullet interest on act/360 is checked against
// big.Rat: balance × 100 % × days / 360 per year, rounded half up.
func TestExtremesFitMoney(t *testing.T) {
	issue := calc.MustDate("2040-01-01")
	req := &calc.Request{
		Loan: calc.Loan{Amount: dec("1000000000000000"), Currency: "RUB", Rate: ptr(dec("100")), IssueDate: issue,
			TermMonths: 600, Repayment: calc.RepayBullet, Frequency: "annual", DayCount: calc.DayCountAct360},
		Subsidy: calc.SubsidyTerms{Programme: "custom", BaseRates: []calc.RatePoint{{Date: issue, Rate: dec("100")}},
			Rule:      &calc.RuleOverride{BaseShare: ptr(dec("10")), PlusPoints: ptr(dec("100"))},
			AnnualCap: calc.OptionalCap{Set: true}},
	}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	balance := big.NewRat(1e17, 1)
	var total calc.Money
	for _, p := range res.Schedule {
		want := new(big.Rat).Mul(balance, big.NewRat(int64(p.Days), 360))
		want.Add(want, big.NewRat(1, 2))
		q := new(big.Int).Quo(want.Num(), want.Denom()) // floor of x + 1/2
		if !q.IsInt64() || calc.Money(q.Int64()) != p.Interest || p.Subsidy != p.Interest || p.SubsidyPaid != p.Interest {
			t.Fatalf("period %d: interest %s subsidy %s, want %s", p.N, p.Interest, p.Subsidy, q)
		}
		total += p.Interest
	}
	if res.Totals.Interest != total || res.Totals.Payments != total+1e17 || res.Totals.Payments <= 0 || res.Totals.SubsidyPaid != total {
		t.Fatalf("totals %+v, interest %s", res.Totals, total)
	}
}

// TestRepeatForCounting runs the plain loan, the worst request, the worst
// request with scenarios and the plain loan under a per-calculation
// context COUNT_PLAIN, COUNT_WORST, COUNT_SCENARIOS and COUNT_CONTEXT
// times, so that valgrind can count their instructions
// (docs/performance.md, "Bounded cost of one calculation"). Without those
// variables it does nothing.
func TestRepeatForCounting(t *testing.T) {
	n := func(name string) int {
		v, _ := strconv.Atoi(os.Getenv(name))
		return v
	}
	np, nw, nc, ns := n("COUNT_PLAIN"), n("COUNT_WORST"), n("COUNT_CONTEXT"), n("COUNT_SCENARIOS")
	if np+nw+nc+ns == 0 {
		t.Skip("set COUNT_PLAIN, COUNT_WORST, COUNT_CONTEXT or COUNT_SCENARIOS")
	}
	plain, worst, scen := eaeuLoan(0), worstRequest(), worstScenariosRequest()
	for range np {
		if _, err := calc.Calculate(plain, calc.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for range nw {
		if _, err := calc.Calculate(worst, calc.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for range ns {
		if _, err := calc.Calculate(scen, calc.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	for range nc {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := calc.Calculate(plain, calc.Options{Context: ctx}); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
}

// TestWorstScenariosComputed: the worst request with every scenario at its
// limits is computed, each scenario filling the loan from its points.
func TestWorstScenariosComputed(t *testing.T) {
	res, err := calc.Calculate(worstScenariosRequest(), calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scenarios) != calc.MaxScenarios {
		t.Fatalf("%d scenarios", len(res.Scenarios))
	}
	for _, s := range res.Scenarios {
		if len(s.Filled) == 0 {
			t.Errorf("scenario %s filled nothing", s.Name)
		}
	}
}
