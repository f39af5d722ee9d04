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
// changes or steps to look for between pieces, and the instalment is
// known before the first period (no principal is repaid in grace).
//
// Between two breaks (the days pieces are cut at) the day weight and the
// subsidy rate stay the same: a [simpleRun] holds them and the next break,
// so a period without a break inside, most of them, is one piece found by
// one comparison; the rare breaks are handled out of the loop
// (docs/performance.md, "The simple schedule, second pass").
//
// A subsidy rate the fixed point cannot hold (a rule whose result has
// more than 8 decimals) ends it with false; the caller then computes the
// general schedule.
func (p *plan) scheduleSimple(out []Period) ([]Period, bool) {
	if cap(out) >= p.n {
		// No clear: the loop writes every field of every period
		// (TestScheduleSimpleWritesEveryField). Clearing 120 periods
		// cost 2.6k instructions, the stores of the fields it would
		// leave at 0 cost 0.9k (docs/performance.md).
		out = out[:p.n]
	} else {
		out = make([]Period, p.n)
	}
	var den uint64 // the sums of weighted days are over den
	switch p.dc {
	case DayCountActAct:
		den = 100 * rateScale * 365 * 366
	case DayCountAct365:
		den = 100 * rateScale * 365
	default: // act/360
		den = 100 * rateScale * 360
	}
	r := newSimpleRun(p)
	lr := p.loanRates[0].rate
	balance := p.draws[0].amt
	var inst Money // the annuity payment or equal principal part
	if p.graceN < p.n {
		switch p.repay {
		case RepayAnnuity:
			inst = annuityPayment(balance, lr, p.ppy, p.n-p.graceN)
		case RepayEqualPrincipal:
			inst = divHalfUp(balance, int64(p.n-p.graceN))
		}
	}
	annuity := p.repay == RepayAnnuity
	segs := p.baseSegs
	end := p.dates[0]
	for k := 1; k <= p.n; k++ {
		if p.done != nil && p.abandoned() {
			return out, true
		}
		start := end
		end = p.dates[k]
		per := &out[k-1]
		per.N, per.Start, per.End, per.Days = k, start, end, int(end-start)
		per.OpeningBalance = balance

		// A new run at a break, or where the policy rate of the period
		// (fixed once a period, or only shown) changes.
		fresh := start == r.brk
		if r.perPeriod {
			at := start
			if r.fixEnd {
				at = end
			}
			for r.fi+1 < len(segs) && segs[r.fi+1].Start <= at {
				r.fi++
				fresh = true
			}
		}
		if fresh {
			if _, ok := r.at(start); !ok {
				return nil, false
			}
		}
		per.ContractRate, per.BaseRate, per.SubsidyRate = lr.d, r.base, r.subD

		// days: the period's days weighted by their year; sub: the same
		// of the subsidy rate × days of its pieces in the window.
		var days, sub uint64
		if end <= r.brk { // one piece
			per.RatesVary = false
			days = uint64(end-start) * r.w
			sub = r.sub * days
			if r.assumed && balance > 0 {
				r.assume(start, end, start, end)
			}
		} else {
			var ok bool
			if days, sub, per.RatesVary, ok = r.split(start, end, balance); !ok {
				return nil, false
			}
		}
		var interest, subsidy Money
		if balance > 0 {
			// Within the bounds of a valid request lr.i × days < 2^51 and
			// sub < 2^51: the products below are exact in 128 bits.
			hi, lo := bits.Mul64(uint64(balance), uint64(lr.i)*days)
			interest = roundQuo(u128{hi, lo}, den)
			if sub != 0 {
				hi, lo = bits.Mul64(uint64(balance), sub)
				subsidy = min(roundQuo(u128{hi, lo}, den), interest)
			}
		}
		per.Interest, per.Subsidy, per.Drawdown = interest, subsidy, 0
		// The settlement's figures (settle), 0 as in the general loop.
		per.SubsidyPaid, per.SubsidyPayable, per.BorrowerInterest, per.BorrowerPayment = 0, 0, 0, 0
		principal := principalDue(k, p.graceN, p.n, balance, inst, interest, annuity)
		balance -= principal
		per.Principal, per.Payment, per.ClosingBalance = principal, interest+principal, balance
	}
	r.endAssumed()
	p.assumed = r.spans
	p.work.Pieces += p.n + r.breaks
	p.work.Periods += p.n
	if p.workOut != nil {
		*p.workOut = p.work
	}
	return out, true
}

// simpleRun is what [plan.scheduleSimple] keeps of the days from one
// break to the next: the days pieces are cut at (a policy rate change
// under daily fixing, 1 January under act/act, the subsidy window's
// bounds), between which a day's weight and subsidy rate do not change.
type simpleRun struct {
	p   *plan
	brk Date   // the next break: the run is [its first day, brk)
	w   uint64 // a day's weight: 366 in a 365-day year, 365 in a leap one (act/act), else 1
	sub uint64 // the subsidy rate in fixed point, 0 outside the window
	// The policy and subsidy rates a period starting in the run shows.
	base, subD decimal.Decimal
	assumed    bool // in the window, on a policy rate assumed past the record's end

	bi  int // the policy rate segment of the run's first day
	fi  int // the segment of the period's fixing day (perPeriod)
	rbi int // the segment the subsidy rate is taken from: bi or fi

	// The subsidy rate of segment srBI, the last the rule was asked for.
	srBI int
	srI  uint64
	srD  decimal.Decimal

	jan1     Date // act/act: the next 1 January, of year jan1Year
	jan1Year int
	leap     bool // act/act: the run's year is a leap year

	actAct    bool
	splitBase bool // pieces end where the policy rate changes (daily fixing)
	perPeriod bool // one policy rate a period (fixed on its start or end), or one shown
	fixing    bool // the subsidy rate's policy rate is fixed once a period
	fixEnd    bool // ... on the payment date
	knowsAsm  bool // the policy rates say which are assumed

	breaks int // breaks inside a period: the pieces beyond one a period
	// The assumed days met: spans, and the run's own so far (asm, when
	// asmOpen), added to spans when the run ends.
	spans   []assumedSpan
	asm     assumedSpan
	asmOpen bool
}

// newSimpleRun prepares the runs of p's schedule; the first starts on the
// issue date.
func newSimpleRun(p *plan) simpleRun {
	daily := p.rule.BaseFixing == FixDaily
	y := p.payYear[0]
	return simpleRun{
		p: p, brk: p.dates[0], srBI: -1,
		jan1: yearStart(y + 1), jan1Year: y + 1, leap: isLeap(y),
		actAct:    p.dc == DayCountActAct,
		splitBase: daily && p.usesBase,
		perPeriod: !(daily && p.usesBase),
		fixing:    p.usesBase && !daily,
		fixEnd:    p.usesBase && p.rule.BaseFixing == FixPaymentDate,
		knowsAsm:  p.usesBase && len(p.baseSegs) > 0,
	}
}

// at starts a run on day cur, a break or a period's first day: it moves
// to the policy rate segment, the year and the window of cur, takes the
// subsidy rate of the run's segment (asking the rule as the general loop
// does: on the first day in the window of each segment met) and finds the
// next break. moved tells whether a policy rate segment begins on cur
// (since the last run); ok is false for a subsidy rate the fixed point
// cannot hold.
func (r *simpleRun) at(cur Date) (moved, ok bool) {
	r.endAssumed()
	p := r.p
	segs := p.baseSegs
	for r.bi+1 < len(segs) && segs[r.bi+1].Start <= cur {
		r.bi++
		moved = true
	}
	r.rbi = r.bi
	if r.perPeriod {
		r.rbi = r.fi
	}
	r.w = 1
	if r.actAct {
		for r.jan1 <= cur {
			r.leap = isLeap(r.jan1Year)
			r.jan1Year++
			r.jan1 = yearStart(r.jan1Year)
		}
		r.w = 366
		if r.leap {
			r.w = 365
		}
	}
	inWin := cur >= p.winStart && cur < p.winEnd
	r.sub, r.subD, r.assumed = 0, decimal.Zero, false
	if inWin {
		if r.rbi != r.srBI {
			sr := p.srate(r.rbi, 0)
			if !sr.ok {
				return moved, false
			}
			r.srBI, r.srI, r.srD = r.rbi, uint64(sr.i), sr.d
		}
		r.sub, r.subD = r.srI, r.srD
		r.assumed = r.knowsAsm && segs[r.rbi].Assumed
	}
	if len(segs) > 0 {
		r.base = segs[r.rbi].Rate
	}
	r.brk = math.MaxInt32
	if r.splitBase && r.bi+1 < len(segs) {
		r.brk = segs[r.bi+1].Start
	}
	if r.actAct {
		r.brk = min(r.brk, r.jan1)
	}
	if cur < p.winStart {
		r.brk = min(r.brk, p.winStart)
	} else if inWin {
		r.brk = min(r.brk, p.winEnd)
	}
	return moved, true
}

// split accrues period [start, end) of balance that one or more breaks
// cut into pieces, starting a run at each; vary tells whether the policy
// rate changes inside it (daily fixing), ok is as for [simpleRun.at].
func (r *simpleRun) split(start, end Date, balance Money) (days, sub uint64, vary, ok bool) {
	for cur := start; ; {
		next := min(end, r.brk)
		n := uint64(next-cur) * r.w
		days += n
		sub += r.sub * n
		if r.assumed && balance > 0 {
			r.assume(cur, next, start, end)
		}
		if next == end {
			return days, sub, vary, true
		}
		cur = next
		r.breaks++
		moved, ok := r.at(cur)
		if !ok {
			return 0, 0, false, false
		}
		vary = vary || (moved && r.splitBase)
	}
}

// assume records the piece [cur, next) of period [start, end) as on an
// assumed policy rate: under a fixing once a period, the fixing day alone.
// The pieces of a run are on one segment and in order, so the run's span
// only grows at its end; adding it to the spans once, when the run ends
// (endAssumed), gives what adding each piece would (addAssumed merges the
// spans of a segment into one).
func (r *simpleRun) assume(cur, next, start, end Date) {
	from, to := cur, next
	if r.fixing {
		from = start
		if r.fixEnd {
			from = end
		}
		to = from + 1
	}
	if !r.asmOpen {
		r.asm, r.asmOpen = assumedSpan{from: from, rate: r.p.baseSegs[r.rbi].Rate, seg: r.rbi}, true
	}
	r.asm.to = to
}

// endAssumed adds the run's assumed span, if any, to the spans.
func (r *simpleRun) endAssumed() {
	if r.asmOpen {
		r.spans, r.asmOpen = addAssumed(r.spans, r.asm), false
	}
}
