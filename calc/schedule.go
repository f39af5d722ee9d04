package calc

import (
	"cmp"
	"math"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
)

// days30E360 is the European 30E/360 serial of a date: a day 31 counts as
// 30, so days30E360(b) − days30E360(a) is the 30E/360 day count of [a, b).
// The count is additive over pieces, so splitting a period never changes
// its total. A month that ends on the 28th or 29th of February counts that
// date as is: 31 January to 28 February is 28 days (30E/360 as ISDA 2006
// 4.16(g) defines it).
func days30E360(t Date) int {
	y, m, d := t.Civil()
	if d > 30 {
		d = 30
	}
	return 360*y + 30*int(m) + d
}

// assumedSpan records days [from, to) for which the policy rate was assumed.
type assumedSpan struct {
	from, to Date
	rate     decimal.Decimal
	seg      int // the policy rate segment the days fall in
}

// state is what the schedule loop carries from one period to the next.
type runState struct {
	balance Money
	inst    Money // annuity payment or equal principal part
	recalc  bool
	di      int // next drawdown
	li      int // contract rate in force
	bi      int // policy rate segment in force
	fi      int // policy rate segment of the last fixing date
	assumed []assumedSpan
}

// schedule builds the repayment schedule with interest and the rule's
// subsidy per period (before caps). SPEC §2–3. It fills out's memory
// when it is large enough.
func (p *plan) schedule(out []Period) []Period {
	if cap(out) >= p.n {
		out = out[:p.n]
		clear(out)
	} else {
		out = make([]Period, p.n)
	}
	st := runState{}
	// Drawdowns on the issue date form the opening balance of period 1.
	for st.di < len(p.draws) && p.draws[st.di].date == p.issue {
		st.balance += p.draws[st.di].amt
		st.di++
	}
	var ia, sa accrual
	daily := p.rule.BaseFixing == FixDaily
	nextStep := p.stepAt(p.issue) // rule steps by loan year (rule.go)
	// act/act: the next 1 January after the year of a period's start, and
	// whether that year is leap, kept while the periods start in it.
	jan1Of, yearJan1, yearLeap := math.MinInt, Date(0), false
	for k := 1; k <= p.n; k++ {
		if p.done != nil && p.abandoned() {
			return out
		}
		start, end := p.dates[k-1], p.dates[k]
		per := &out[k-1]
		per.N, per.Start, per.End, per.Days = k, start, end, int(end-start)
		per.OpeningBalance = st.balance
		ia.reset(p.fast)
		sa.reset(p.fast)

		cur := start
		first := true
		var openBal Money // the balance after the events of the period's first day
		vary := false
		var nextJan1 Date
		leap := false
		if p.dc == DayCountActAct {
			if y := p.payYear[k-1]; y != jan1Of { // the year of start
				jan1Of, yearJan1, yearLeap = y, yearStart(y+1), isLeap(y)
			}
			nextJan1, leap = yearJan1, yearLeap
		}
		// Fixed-date policy rate for period_start / payment_date.
		fixedBI := -1
		if p.usesBase && !daily {
			at := start
			if p.rule.BaseFixing == FixPaymentDate {
				at = end
			}
			// Fixing dates only move forward: the segment too (segAt
			// without a search).
			for st.fi+1 < len(p.baseSegs) && p.baseSegs[st.fi+1].Start <= at {
				st.fi++
			}
			fixedBI = st.fi
		}
		for cur < end {
			// Events on cur.
			for st.di < len(p.draws) && p.draws[st.di].date == cur {
				st.balance += p.draws[st.di].amt
				per.Drawdown += p.draws[st.di].amt
				st.recalc = true
				st.di++
			}
			for st.li+1 < len(p.loanRates) && p.loanRates[st.li+1].date <= cur {
				st.li++
				st.recalc = true
				if !first {
					vary = true
				}
			}
			for st.bi+1 < len(p.baseSegs) && p.baseSegs[st.bi+1].Start <= cur {
				st.bi++
				if !first && daily && p.usesBase {
					vary = true
				}
			}
			if nextStep != 0 && nextStep <= cur {
				nextStep = p.stepAt(cur)
				vary = vary || !first
			}
			if first {
				first = false
				p.startPeriod(k, &st, per, fixedBI)
				openBal = st.balance
			}
			// The piece runs to the next break.
			next := end
			if st.di < len(p.draws) && p.draws[st.di].date < next {
				next = p.draws[st.di].date
			}
			if st.li+1 < len(p.loanRates) && p.loanRates[st.li+1].date < next {
				next = p.loanRates[st.li+1].date
			}
			if daily && p.usesBase && st.bi+1 < len(p.baseSegs) && p.baseSegs[st.bi+1].Start < next {
				next = p.baseSegs[st.bi+1].Start
			}
			if nextJan1 != 0 && nextJan1 < next {
				next = nextJan1
			}
			if nextStep != 0 && nextStep < next {
				next = nextStep
			}
			inWin := cur >= p.winStart && cur < p.winEnd
			if cur < p.winStart && p.winStart < next {
				next = p.winStart
			}
			if inWin && p.winEnd < next {
				next = p.winEnd
			}

			p.work.Pieces++
			days, cls := int(next-cur), classMain
			switch p.dc {
			case DayCountActAct:
				if leap {
					cls = classLeap
				}
				if next == nextJan1 {
					y := nextJan1.Year()
					nextJan1, leap = yearStart(y+1), isLeap(y)
				}
			case DayCount30E360:
				days = days30E360(next) - days30E360(cur)
			case dayCount30US:
				days = days30US(start, next) - days30US(start, cur)
			}
			lr := p.loanRates[st.li].rate
			bal := st.balance
			if p.conv.opening {
				bal = openBal
			}
			p.accrue(&ia, bal, lr, days, cls)
			if inWin {
				bi := st.bi
				if fixedBI >= 0 {
					bi = fixedBI
				}
				p.accrue(&sa, bal, *p.srate(bi, st.li), days, cls)
				if p.usesBase && len(p.baseSegs) > 0 {
					if seg := p.baseSegs[bi]; seg.Assumed && st.balance > 0 {
						from, to := cur, next
						if fixedBI >= 0 { // the day the rate is fixed on
							from = start
							if p.rule.BaseFixing == FixPaymentDate {
								from = end
							}
							to = from + 1
						}
						st.assumed = addAssumed(st.assumed, assumedSpan{from, to, seg.Rate, bi})
					}
				}
			}
			cur = next
		}
		per.RatesVary = vary
		per.Interest = ia.total(p.dc) + ia.rows
		per.Subsidy = min(sa.total(p.dc)+sa.rows, per.Interest)

		p.repayPrincipal(k, &st, per)
	}
	p.assumed = st.assumed
	p.work.Periods += p.n
	if p.workOut != nil {
		*p.workOut = p.work
	}
	return out
}

// repayPrincipal sets period k's principal, payment and closing balance,
// once its interest is known ([principalDue]).
func (p *plan) repayPrincipal(k int, st *runState, per *Period) {
	principal := principalDue(k, p.graceN, p.n, st.balance, st.inst, per.Interest, p.repay == RepayAnnuity)
	st.balance -= principal
	per.Principal, per.Payment, per.ClosingBalance = principal, per.Interest+principal, st.balance
}

// principalDue returns period k's principal of n, out of balance, given
// the period's interest: nothing in grace (k ≤ graceN), the rest of the
// balance in the last period, else the instalment inst (0 for a bullet
// loan), less the interest for an annuity; never less than 0 or more than
// the balance.
func principalDue(k, graceN, n int, balance, inst, interest Money, annuity bool) Money {
	var principal Money
	switch {
	case k <= graceN:
	case k == n:
		principal = balance
	case annuity:
		principal = inst - interest
	default:
		principal = inst
	}
	return max(0, min(principal, balance))
}

// abandoned reports whether the calculation's context (Options.Context) is
// done, recording its error. It costs a non-blocking receive: the schedule
// asks once per period, when there is a context (p.done != nil).
func (p *plan) abandoned() bool {
	if p.done == nil {
		return false
	}
	select {
	case <-p.done:
		if p.canceled == nil {
			p.canceled = &Error{Kind: Canceled, Detail: "calculation abandoned: " + p.ctx.Err().Error(), cause: p.ctx.Err()}
		}
		return true
	default:
		return false
	}
}

// segAt returns the index of the policy rate segment holding day t (0
// before the first), by binary search.
func (p *plan) segAt(t Date) int {
	i, _ := slices.BinarySearchFunc(p.baseSegs, t+1, func(s RateSegment, t Date) int { return cmp.Compare(s.Start, t) })
	return max(i-1, 0)
}

// startPeriod fixes the displayed rates and recomputes the instalment where
// SPEC §2 says so: at the end of grace, and after a drawdown or a contract
// rate change.
func (p *plan) startPeriod(k int, st *runState, per *Period, fixedBI int) {
	lr := p.loanRates[st.li].rate
	per.ContractRate = lr.d
	bi := st.bi
	if fixedBI >= 0 {
		bi = fixedBI
	}
	if len(p.baseSegs) > 0 {
		per.BaseRate = p.baseSegs[bi].Rate
	}
	if per.Start >= p.winStart && per.Start < p.winEnd {
		per.SubsidyRate = p.srate(bi, st.li).d
	} else {
		per.SubsidyRate = decimal.Zero
	}
	if k <= p.graceN || p.repay == RepayBullet {
		return
	}
	if k == p.graceN+1 || st.recalc {
		m := p.n - k + 1
		switch p.repay {
		case RepayAnnuity:
			st.inst = annuityPayment(st.balance, lr, p.ppy, m)
		case RepayEqualPrincipal:
			st.inst = divHalfUp(st.balance, int64(m))
		}
		st.recalc = false
	}
}

// divHalfUp returns a / b rounded half up (b > 0, a ≥ 0).
func divHalfUp(a Money, b int64) Money {
	return Money((int64(a)*2 + b) / (2 * b))
}

// annuityPayment returns P × i / (1 − (1 + i)^−m) with i = annual rate /
// 100 / periods a year, rounded half up to the minor unit; P / m at a zero
// rate. It computes in double-double arithmetic (two float64s, about 32
// significant digits, where a payment of a valid loan needs 20), so the
// result is exact to the minor unit for every valid amount at a fraction of
// the cost of big.Float or a decimal power; TestAnnuityPaymentMatchesBigFloat
// holds it to a 128-bit big.Float over random loans. Rates the fixed point
// cannot hold (more than 8 decimal places) take the big.Float path.
func annuityPayment(balance Money, rate rateVal, ppy, m int) Money {
	if balance <= 0 {
		return 0
	}
	if rate.d.IsZero() {
		return divHalfUp(balance, int64(m))
	}
	if !rate.ok {
		return annuityPaymentBig(balance, rate.d, ppy, m)
	}
	i := ddDiv(ddFromInt(rate.i), ddFromInt(int64(100*rateScale*ppy)))
	q := dd{1, 0}
	x := ddAdd(q, i)
	for n := m; n > 0; n >>= 1 { // q = (1+i)^m
		if n&1 == 1 {
			q = ddMul(q, x)
		}
		if n > 1 {
			x = ddMul(x, x)
		}
	}
	pay := ddDiv(ddMul(ddMul(ddFromInt(int64(balance)), i), q), ddAdd(q, dd{-1, 0}))
	return Money(ddFloor(ddAdd(pay, dd{0.5, 0})))
}

// annuityPaymentBig is annuityPayment in 128-bit big.Float, for rates with
// more decimal places than the fixed point holds.
func annuityPaymentBig(balance Money, rate decimal.Decimal, ppy, m int) Money {
	if balance <= 0 {
		return 0
	}
	if rate.IsZero() {
		return divHalfUp(balance, int64(m))
	}
	const prec = 128
	nf := func() *big.Float { return new(big.Float).SetPrec(prec) }
	r, _ := nf().SetString(rate.String())
	i := nf().Quo(r, nf().SetInt64(int64(100*ppy)))
	q := nf().SetInt64(1)
	x := nf().Add(q, i)
	for n := m; n > 0; n >>= 1 {
		if n&1 == 1 {
			q.Mul(q, x)
		}
		x.Mul(x, x)
	}
	num := nf().Mul(nf().SetInt64(int64(balance)), i)
	num.Mul(num, q)
	pay := num.Quo(num, q.Sub(q, nf().SetInt64(1)))
	pay.Add(pay, big.NewFloat(0.5))
	v, _ := pay.Int64()
	return Money(v)
}

// dd is a double-double number hi + lo with |lo| ≤ ulp(hi)/2: about 106
// bits of mantissa (Dekker; Hida, Li and Bailey's QD library).
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return
}

// ddFromInt converts v exactly.
func ddFromInt(v int64) dd {
	hi := float64(v)
	return dd{hi, float64(v - int64(hi))}
}

func ddAdd(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	s, e = quickTwoSum(s, e)
	e += f
	s, e = quickTwoSum(s, e)
	return dd{s, e}
}

func ddMul(x, y dd) dd {
	p := x.hi * y.hi
	e := math.FMA(x.hi, y.hi, -p)
	e += x.hi*y.lo + x.lo*y.hi
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

// ddMulF returns x × f for a float64 f.
func ddMulF(x dd, f float64) dd {
	p := x.hi * f
	e := math.FMA(x.hi, f, -p)
	e += x.lo * f
	p, e = quickTwoSum(p, e)
	return dd{p, e}
}

func ddDiv(x, y dd) dd {
	q1 := x.hi / y.hi
	r := ddAdd(x, ddMulF(y, -q1))
	q2 := r.hi / y.hi
	r = ddAdd(r, ddMulF(y, -q2))
	q3 := r.hi / y.hi
	q1, q2 = quickTwoSum(q1, q2)
	return ddAdd(dd{q1, q2}, dd{q3, 0})
}

// ddFloor returns ⌊x⌋ for 0 ≤ x < 2^63.
func ddFloor(x dd) int64 {
	f := math.Floor(x.hi)
	if f != x.hi {
		return int64(f)
	}
	return int64(f) + int64(math.Floor(x.lo))
}

// addAssumed records an assumed span, merging it with a span of the same
// policy rate segment: the warning then names the first and last day
// concerned.
//
// The schedule meets the segments in order, so the span to merge with is
// the last one or none: that case costs no scan.
func addAssumed(list []assumedSpan, a assumedSpan) []assumedSpan {
	if n := len(list); n == 0 || list[n-1].seg < a.seg {
		return append(list, a)
	}
	for i := range list {
		if list[i].seg == a.seg {
			list[i].from = min(list[i].from, a.from)
			list[i].to = max(list[i].to, a.to)
			return list
		}
	}
	return append(list, a)
}
