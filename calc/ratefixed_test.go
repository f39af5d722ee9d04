package calc

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// TestFixedRuleMatchesDecimal holds the fixed-point subsidy rate rule to
// the decimal one over random rules and rates: the same value, the same
// fixed-point form and the same text, or a refusal (the decimal rule is
// then used).
func TestFixedRuleMatchesDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 2026))
	// rnd returns a decimal in [0, hi] with up to places decimal places,
	// sometimes with trailing zeros, sometimes with more places.
	rnd := func(hi int64, places int32) decimal.Decimal {
		p := r.Int32N(places + 1)
		if r.IntN(20) == 0 {
			p += 1 + r.Int32N(3) // too fine for the fixed point
		}
		d := decimal.New(r.Int64N(hi*pow10i64[p]+1), -p)
		if r.IntN(10) == 0 {
			d = decimal.New(d.CoefficientInt64()*100, d.Exponent()-2) // "12.500"
		}
		return d
	}
	opt := func(hi int64, places int32, neg bool) *decimal.Decimal {
		if r.IntN(3) == 0 {
			return nil
		}
		d := rnd(hi, places)
		if neg && r.IntN(2) == 0 {
			d = d.Neg()
		}
		return &d
	}
	fast := 0
	const n = 50_000
	for i := range n {
		params := RuleParams{
			BaseShare: opt(10, 8, false), PlusPoints: opt(100, 8, true), MinusLoan: r.IntN(2) == 0,
			LoanShare: opt(1, 8, false), BorrowerFloor: opt(100, 8, false), FloorBaseShare: opt(10, 8, false),
		}
		rr := newRateRule(params)
		fr, ok := newFixedRule(rr)
		if !ok {
			continue
		}
		base, loan := rnd(100, 8), rnd(100, 6)
		if r.IntN(50) == 0 {
			base = rnd(1000, 2) // beyond 100 %: not a rateVal
		}
		want := newRateVal(rr.rate(base, loan))
		got, ok := fr.rate(newRateVal(base), newRateVal(loan))
		if !ok {
			continue
		}
		fast++
		if !got.d.Equal(want.d) || got.d.String() != want.d.String() || got.i != want.i || got.ok != want.ok {
			t.Fatalf("case %d: rule %+v base %s loan %s: fixed %s (%d, %v), decimal %s (%d, %v)",
				i, params, base, loan, got.d, got.i, got.ok, want.d, want.i, want.ok)
		}
	}
	if fast < n/2 {
		t.Fatalf("the fixed point took only %d of %d cases", fast, n)
	}
}

// TestFixedRuleKnowsEveryTerm: fixedRule mirrors every field of rateRule.
// When the rule gains a term, fixedRule (calc/ratefixed.go) must learn it;
// until then every rule evaluation runs on decimals, correct but several
// times slower (docs/performance.md, "Bounded cost of one calculation").
func TestFixedRuleKnowsEveryTerm(t *testing.T) {
	if n := reflect.TypeFor[rateRule]().NumField(); n != rateRuleFields || !fixedRuleUsable {
		t.Fatalf("rateRule has %d fields, fixedRule mirrors %d: teach fixedRule the new terms", n, rateRuleFields)
	}
	for _, p := range Programmes() {
		if _, ok := newFixedRule(newRateRule(p.Rule)); !ok {
			t.Errorf("programme %s: its rule does not fit the fixed point", p.ID)
		}
	}
}

// TestAccrualSwitchesExactly: an accrual that meets a rate the fixed point
// cannot hold moves to decimals mid-period and totals what a decimal
// accrual of the same pieces totals.
func TestAccrualSwitchesExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	for i := range 5000 {
		var fast, slow accrual
		fast.reset(true)
		slow.reset(false)
		for range 1 + r.IntN(6) {
			bal := Money(r.Int64N(1e17))
			rate := newRateVal(decimal.New(r.Int64N(1e10+1), -8)) // 0..100 %, fits
			if r.IntN(4) == 0 {
				rate = newRateVal(decimal.New(r.Int64N(1e12), -9-r.Int32N(3))) // too fine, or above 100 %
			}
			days, cls := 1+r.IntN(366), r.IntN(2)
			fast.add(bal, rate, days, cls)
			slow.add(bal, rate, days, cls)
		}
		for _, dc := range []string{DayCountActAct, DayCountAct365, DayCountAct360} {
			if f, s := fast.total(dc), slow.total(dc); f != s {
				t.Fatalf("case %d %s: switched %s, decimal %s", i, dc, f, s)
			}
		}
	}
}
