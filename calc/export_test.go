package calc

import (
	"reflect"

	"github.com/shopspring/decimal"
)

// CalculateDecimal is Calculate on the plain decimal accrual, for the
// property test that proves the fast accrual equal to it.
func CalculateDecimal(req *Request, opt Options) (*Result, error) {
	return calculate(req, opt, true)
}

// AnnuityPayment and AnnuityPaymentBig expose the two instalment paths for
// the test that holds the double-double one to big.Float.
func AnnuityPayment(balance Money, rate decimal.Decimal, ppy, m int) Money {
	return annuityPayment(balance, newRateVal(rate), ppy, m)
}

func AnnuityPaymentBig(balance Money, rate decimal.Decimal, ppy, m int) Money {
	return annuityPaymentBig(balance, rate, ppy, m)
}

// SplitPrepared splits total with the prepared splitter the engine uses
// for every year of a loan.
func SplitPrepared(total Money, weights []decimal.Decimal) []Money {
	var buf [16]uint64
	s := newSplitter(weights, buf[:])
	parts := make([]Money, len(weights))
	s.into(total, parts)
	return parts
}

// DecCmp is the allocation-free decimal comparison, for its test.
var DecCmp = decCmp

// Work is what one calculation did (periods, pieces, rule evaluations).
type Work = workCount

// CalculateWork is Calculate that also returns the work it did.
func CalculateWork(req *Request, opt Options) (*Result, Work, error) {
	var w Work
	opt.work = &w
	res, err := Calculate(req, opt)
	return res, w, err
}

// PaymentDates exposes the payment dates of a loan issued on issue, a
// payment every step months, n payments (with the issue date first).
func PaymentDates(issue Date, step, n int) ([]Date, []int) {
	p := &plan{issue: issue, step: step, n: n}
	p.resolveDates()
	return p.dates, p.payYear
}

// ScheduleBoth computes req's schedule with the general loop and, when
// the plan is a simple one, with scheduleSimple, and reports whether the
// two agree on the periods, the assumed policy-rate spans and the pieces
// counted. simple is false when the plan is not simple or scheduleSimple
// gave up (a subsidy rate the fixed point cannot hold).
func ScheduleBoth(req *Request) (general, fast []Period, simple, sameSpans, samePieces bool, err error) {
	p, err := newPlan(req, Options{})
	if err != nil {
		return nil, nil, false, false, false, err
	}
	if !p.simpleSchedule() {
		return p.schedule(nil), nil, false, false, false, nil
	}
	q := *p
	fast, ok := q.scheduleSimple(nil)
	if !ok {
		return p.schedule(nil), nil, false, false, false, nil
	}
	general = p.schedule(nil)
	return general, fast, true, reflect.DeepEqual(p.assumed, q.assumed), p.work == q.work, nil
}

// MemberIndex exposes memberIndex for the test that holds it to
// MemberStates.
var MemberIndex = memberIndex

// CurrencyIndex exposes currencyIndex for the test that holds it to
// Currencies.
var CurrencyIndex = currencyIndex

// Stages are the steps of a calculation, in order, for the test that
// counts the instructions of each (TestRepeatStages).
var Stages = []string{"plan", "schedule", "eligibility", "settle", "borrower figures", "shares", "outcome checks"}

// RunStages computes req into res up to and including stage n of Stages
// (1 is the plan alone), as plan.result does, on the simple schedule
// when the plan allows it. It is Calculate cut short: counting each
// prefix gives each stage's cost.
func RunStages(req *Request, res *Result, n int) error {
	p, err := newPlanIn(res.plan, req, Options{})
	if err != nil || n < 2 {
		res.plan = p
		return err
	}
	spare := res.reset(p.currency)
	res.plan = p // as calculate keeps it
	sched, ok := []Period(nil), false
	if p.simpleSchedule() {
		sched, ok = p.scheduleSimple(res.Schedule)
	}
	if !ok {
		sched = p.schedule(res.Schedule)
	}
	res.Schedule = sched
	if n < 3 {
		return nil
	}
	checks := p.eligibilityIn(spare)
	res.Eligible = checks.eligible()
	if n < 4 {
		return nil
	}
	p.settle(res)
	if n < 5 {
		return nil
	}
	p.borrowerFigures(res)
	if n < 6 {
		return nil
	}
	p.shares(res)
	if n < 7 {
		return nil
	}
	res.Checks = p.outcomeChecks(checks, res)
	res.Programme = p.programmeRef()
	return nil
}

// WithoutScratch returns r without the memory kept for the next
// calculation into it (Result.plan), which is no part of its figures.
func WithoutScratch(r Result) Result {
	r.plan = nil
	return r
}
