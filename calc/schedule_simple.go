package calc

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// simpleSchedule reports whether [plan.scheduleSimple] can compute the
// plan's schedule: the whole amount drawn on the issue date, one contract
// rate that the fixed point holds, no rule steps, the programme's own
// conventions (SPEC §2), payments at most a year apart and a day count of
// whole days (act/act, act/365, act/360). Most loans are such loans.
func (p *plan) simpleSchedule() bool {
	return p.fast && len(p.draws) == 1 && p.draws[0].date == p.issue &&
		len(p.loanRates) == 1 && p.loanRates[0].rate.ok && len(p.steps) == 0 &&
		p.conv == (conventions{}) && p.step <= 12 &&
		(p.dc == DayCountActAct || p.dc == DayCountAct365 || p.dc == DayCountAct360)
}

// scheduleSimple is [plan.schedule] for a loan that [plan.simpleSchedule]
// accepts: the same pieces (cut at the policy rate's changes under daily
// fixing, at 1 January under act/act and at the subsidy window's bounds),
// the same exact sums and the same rounding, so the same schedule
// (TestScheduleSimpleEqualsGeneral), for a third of the instructions
// (docs/performance.md, "The schedule of a simple loan").
//
// It gains by what such a loan cannot have. The balance and the contract
// rate are constant within a period, so a piece only adds its days, and
// its subsidy rate × days, to sums weighted by its year's length (366 or
// 365 under act/act), and each period's interest and subsidy are then one
// 128-bit product of the balance by a sum and one division by the common
// denominator, Σ balance × rate × days / (100 × year) being exact in
// integers whichever way it is grouped. There are no drawdowns, rate
// changes or steps to look for between pieces.
//
// A subsidy rate the fixed point cannot hold (a rule whose result has
// more than 8 decimals) ends it with false; the caller then computes the
// general schedule.
func (p *plan) scheduleSimple(out []Period) ([]Period, bool) {
	if cap(out) >= p.n {
		out = out[:p.n]
		clear(out)
	} else {
		out = make([]Period, p.n)
	}
	// A day of class c (366-day year, or the day count's main year)
	// weighs wt[c]; the sums are then over den.
	var wt [2]uint64
	var den uint64
	switch p.dc {
	case DayCountActAct:
		wt, den = [2]uint64{366, 365}, 100*rateScale*365*366
	case DayCountAct365:
		wt, den = [2]uint64{1, 0}, 100*rateScale*365
	default: // act/360
		wt, den = [2]uint64{1, 0}, 100*rateScale*360
	}
	actAct := p.dc == DayCountActAct
	lr := p.loanRates[0].rate
	segs := p.baseSegs
	daily := p.rule.BaseFixing == FixDaily
	splitBase := daily && p.usesBase // pieces end where the policy rate changes
	fixing := p.usesBase && !daily   // one policy rate a period
	assumedKnown := p.usesBase && len(segs) > 0
	winStart, winEnd := p.winStart, p.winEnd
	inst := Money(0)
	balance := p.draws[0].amt
	bi, fi := 0, 0 // the policy rate segment of the day; of the fixing date
	srBI, sr := -1, (*rateVal)(nil)
	jan1Of, yearJan1, yearLeap := math.MinInt, Date(0), false
	var assumed []assumedSpan
	pieces := 0
	for k := 1; k <= p.n; k++ {
		if p.done != nil && p.abandoned() {
			return out, true
		}
		start, end := p.dates[k-1], p.dates[k]
		per := &out[k-1]
		per.N, per.Start, per.End, per.Days = k, start, end, int(end-start)
		per.OpeningBalance = balance

		var nextJan1 Date
		cls := classMain
		if actAct {
			if y := p.payYear[k-1]; y != jan1Of { // the year of start
				jan1Of, yearJan1, yearLeap = y, yearStart(y+1), isLeap(y)
			}
			nextJan1 = yearJan1
			if yearLeap {
				cls = classLeap
			}
		}
		if fixing {
			at := start
			if p.rule.BaseFixing == FixPaymentDate {
				at = end
			}
			for fi+1 < len(segs) && segs[fi+1].Start <= at {
				fi++
			}
		}

		// days: the period's days weighted by their year; sub: the same
		// of the subsidy rate × days of its pieces in the window.
		var days, sub uint64
		vary := false
		for cur := start; cur < end; {
			for bi+1 < len(segs) && segs[bi+1].Start <= cur {
				bi++
				vary = vary || (splitBase && cur != start)
			}
			rbi := bi // the segment the subsidy rate is taken from
			if fixing {
				rbi = fi
			}
			inWin := cur >= winStart && cur < winEnd
			if inWin && (rbi != srBI || sr == nil) { // the subsidy rate of segment rbi
				if sr = p.srate(rbi, 0); !sr.ok {
					return nil, false
				}
				srBI = rbi
			}
			if cur == start { // the rates the period shows (startPeriod)
				per.ContractRate = lr.d
				if len(segs) > 0 {
					per.BaseRate = segs[rbi].Rate
				}
				per.SubsidyRate = decimal.Zero
				if inWin {
					per.SubsidyRate = sr.d
				}
			}
			next := end
			if splitBase && bi+1 < len(segs) && segs[bi+1].Start < next {
				next = segs[bi+1].Start
			}
			if nextJan1 != 0 && nextJan1 < next {
				next = nextJan1
			}
			if cur < winStart && winStart < next {
				next = winStart
			}
			if inWin && winEnd < next {
				next = winEnd
			}
			pieces++
			n := uint64(next-cur) * wt[cls]
			days += n
			if inWin {
				sub += uint64(sr.i) * n
				if assumedKnown && segs[rbi].Assumed && balance > 0 {
					from, to := cur, next
					if fixing { // the day the rate is fixed on
						from = start
						if p.rule.BaseFixing == FixPaymentDate {
							from = end
						}
						to = from + 1
					}
					assumed = addAssumed(assumed, assumedSpan{from, to, segs[rbi].Rate, rbi})
				}
			}
			if actAct && next == nextJan1 {
				y := nextJan1.Year()
				nextJan1, cls = yearStart(y+1), classMain
				if isLeap(y) {
					cls = classLeap
				}
			}
			cur = next
		}
		per.RatesVary = vary
		if balance > 0 {
			// Within the bounds of a valid request lr.i × days < 2^51 and
			// sub < 2^51: the products below are exact in 128 bits.
			hi, lo := bits.Mul64(uint64(balance), uint64(lr.i)*days)
			per.Interest = roundQuo(u128{hi, lo}, den)
			hi, lo = bits.Mul64(uint64(balance), sub)
			per.Subsidy = min(roundQuo(u128{hi, lo}, den), per.Interest)
		}
		if k == p.graceN+1 {
			switch p.repay {
			case RepayAnnuity:
				inst = annuityPayment(balance, lr, p.ppy, p.n-k+1)
			case RepayEqualPrincipal:
				inst = divHalfUp(balance, int64(p.n-k+1))
			}
		}
		st := runState{balance: balance, inst: inst}
		p.repayPrincipal(k, &st, per)
		balance = st.balance
	}
	p.assumed = assumed
	p.work.Pieces += pieces
	p.work.Periods += p.n
	if p.workOut != nil {
		*p.workOut = p.work
	}
	return out, true
}
