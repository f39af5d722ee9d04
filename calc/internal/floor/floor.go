// Package floor is the yardstick of issue 14: a hand-written int64 program
// that does, for one loan shape only, the whole job calc.Calculate does,
// so that the engine's instruction count can be held against what the job
// itself costs.
//
// The shape is the benchmark loan's: a monthly annuity in roubles under
// the eaeu-industrial programme with its defaults (act/act, the policy
// rate fixed daily, subsidy rate min(policy rate, contract rate), subsidy
// window the first 60 months, an annual cap of RUB 350 m by calendar year
// of payment, the treaty's budget shares), no grace, drawdown on the issue
// date, no rate changes, the contract rate as the discount rate. Within
// it every figure is the engine's to the minor unit (floor_test.go proves
// it against calc.Calculate): the schedule, the subsidy per period before
// and after the cap, the year sums, the budget shares and the participants'
// parts, the two effective rates, the present value and the grant element.
//
// What it leaves out, because the shape does not need it: validation,
// eligibility conditions other than the rate ceiling (the caller vouches
// for three member states and a member currency), the checks' messages,
// the countries' net positions (a sum of the shares by country), and every
// other repayment, frequency, day count and programme.
//
// It is written as a tight single-purpose program: integers and 128-bit
// products for money, the caller's slices reused across calls, no
// decimals, maps, fmt or reflection.
package floor

import (
	"math"
	"math/bits"
)

// RateScale is the fixed point of rates: 1 % is 100_000_000, so 22.5 % is
// 2_250_000_000.
const RateScale = 100_000_000

// Seg is a policy rate in force from day Start (days since 1970-01-01) to
// the next Seg's Start. A slice of them, in date order, is the policy rate
// record, including the assumed rate after it ends; it is prepared once
// and shared by every loan.
type Seg struct {
	Start int32
	Rate  int64 // percent × RateScale
}

// Loan is one loan of the shape.
type Loan struct {
	Amount int64 // minor units (kopecks)
	Rate   int64 // contract rate, percent × RateScale
	// The issue date.
	IssueYear, IssueMonth, IssueDay int
	Months                          int // term, monthly payments
	// Shares are the participants' weights (any unit: 40, 35, 25), at
	// most 16, adding up to more than 0.
	Shares []int64
}

// Period is one payment period; its payment is due on End.
type Period struct {
	End         int32 // days since 1970-01-01
	Interest    int64
	Principal   int64
	Payment     int64
	Subsidy     int64 // the rule's subsidy, at most Interest
	SubsidyPaid int64 // after the annual cap
}

// Countries are the programme's contributing states, in the order of
// Year.Budget and Result.Budget.
var Countries = [NumBudget]string{"AM", "BY", "KZ", "KG", "RU"}

// NumBudget is the number of contributing states.
const NumBudget = 5

// budgetWeights are the states' shares (1.22, 4.56, 7.055, 1.9, 85.265 %)
// × 1000, and budgetSum their sum.
var budgetWeights = [NumBudget]int64{1220, 4560, 7055, 1900, 85265}

const budgetSum = 100000

// Year sums the periods paid in one calendar year.
type Year struct {
	Year             int
	Interest         int64
	Principal        int64
	Subsidy          int64
	SubsidyPaid      int64
	SubsidyPayable   int64 // SubsidyPaid when eligible, else 0
	BorrowerInterest int64 // Interest − SubsidyPayable
	Budget           [NumBudget]int64
}

// Totals sum the whole loan.
type Totals struct {
	Interest, Principal, Subsidy, SubsidyPaid, SubsidyPayable, BorrowerInterest int64
	Payments, BorrowerPayments                                                  int64
}

// Result is the outcome of one loan. Its slices are reused by the next
// call.
type Result struct {
	// Eligible: the contract rate is at most the policy rate on the issue
	// date + 6.5 pp. An ineligible loan is paid nothing.
	Eligible     bool
	Periods      []Period
	Years        []Year
	Totals       Totals
	Budget       [NumBudget]int64 // the payable subsidy by contributing state
	Participants []int64          // the payable subsidy by participant
	// The borrower's effective rates (XIRR, act/365), percent × 10^4
	// (half away from zero); RatesOK is false when a solve failed.
	RateWithout, RateWith int64
	RatesOK               bool
	PresentValue          int64 // payable subsidy discounted at the contract rate
	GrantElement          int64 // PresentValue / Amount × 100, percent × 10^4

	gaps  []uint8   // per period: the days since the previous date − 28
	years []float64 // per period: act/365 years from the issue date
	flows []float64 // per period: the cash flow of the XIRR being solved
}

// Programme constants.
const (
	windowMonths = 60
	capMinor     = 350_000_000 * 100           // RUB 350 m a year
	ceilingPts   = 65 * RateScale / 10         // 6.5 pp
	accrualDen   = 100 * RateScale * 365 * 366 // Σ balance × rate × days × weight over this
)

// Calculate computes loan l against the policy rate record segs into r.
// l must be of the package's shape and valid as calc would accept it
// (amount and rate above 0, a term of 1 to 600 months), and segs must
// cover its issue date.
func Calculate(l *Loan, segs []Seg, r *Result) {
	n := l.Months
	r.Periods = grow(r.Periods, n)
	r.gaps = grow(r.gaps, n)
	r.years = grow(r.years, n)
	r.flows = grow(r.flows, n)
	r.Participants = grow(r.Participants, len(l.Shares))
	clear(r.Participants)
	r.Budget = [NumBudget]int64{}

	issue := daysFromCivil(l.IssueYear, l.IssueMonth, l.IssueDay)
	// The policy rate segment of the issue date.
	si := 0
	for lo, hi := 0, len(segs); hi-lo > 1; {
		if mid := (lo + hi) / 2; segs[mid].Start <= issue {
			lo, si = mid, mid
		} else {
			hi = mid
		}
	}
	r.Eligible = l.Rate <= segs[si].Rate+ceilingPts

	inst := annuityPayment(l.Amount, l.Rate, n)
	r.schedule(l, segs, si, issue, inst)
	r.sumYears(l)
	r.borrowerFigures(l, issue)
	r.shares(l)
}

// schedule fills the periods: interest and subsidy accrued exactly over
// act/act pieces, each rounded once, the cap applied by payment year.
func (r *Result) schedule(l *Loan, segs []Seg, si int, issue int32, inst int64) {
	n := l.Months
	bal := l.Amount
	y, m := l.IssueYear, l.IssueMonth
	start := issue
	winEnd := int32(math.MaxInt32)
	jan1 := daysFromCivil(y+1, 1, 1) // the next new year after start
	wt := yearWeight(y)              // the act/act weight of start's year
	capYear, capLeft := 0, int64(0)
	for k := 1; k <= n; k++ {
		if m++; m > 12 {
			y, m = y+1, 1
		}
		end := daysFromCivil(y, m, min(l.IssueDay, daysInMonth(y, m)))
		if k == windowMonths {
			winEnd = end
		}
		// Interest: Σ days × weight, split at the new year.
		var w int64
		if end > jan1 {
			nw := yearWeight(y)
			w = int64(jan1-start)*wt + int64(end-jan1)*nw
		} else {
			w = int64(end-start) * wt
		}
		interest := roundDiv(bal, l.Rate*w)

		// Subsidy: pieces at every policy rate change and new year inside
		// the window, rate min(policy, contract) each.
		var subsidy int64
		if start < winEnd {
			stop := min(end, winEnd)
			var s int64 // Σ rate × days × weight
			pw := wt
			for cur := start; cur < stop; {
				for si+1 < len(segs) && segs[si+1].Start <= cur {
					si++
				}
				next := stop
				if si+1 < len(segs) && segs[si+1].Start < next {
					next = segs[si+1].Start
				}
				if jan1 < next && jan1 > cur {
					next = jan1
				}
				if cur >= jan1 {
					pw = yearWeight(y)
				}
				s += min(segs[si].Rate, l.Rate) * int64(next-cur) * pw
				cur = next
			}
			subsidy = min(roundDiv(bal, s), interest)
		}

		principal := inst - interest
		if k == n {
			principal = bal
		}
		principal = max(0, min(principal, bal))
		bal -= principal

		paid := subsidy
		if y != capYear {
			capYear, capLeft = y, capMinor
		}
		if paid > capLeft {
			paid = max(capLeft, 0)
		}
		capLeft -= paid

		r.Periods[k-1] = Period{End: end, Interest: interest, Principal: principal,
			Payment: interest + principal, Subsidy: subsidy, SubsidyPaid: paid}
		r.gaps[k-1] = uint8(end - start - 28)
		r.years[k-1] = float64(end-issue) / 365
		if end > jan1 {
			jan1, wt = daysFromCivil(y+1, 1, 1), yearWeight(y)
		}
		start = end
	}
}

// sumYears fills Years and Totals from the periods.
func (r *Result) sumYears(l *Loan) {
	r.Years = r.Years[:0]
	y, m := l.IssueYear, l.IssueMonth
	var yr *Year
	for k := range r.Periods {
		if m++; m > 12 {
			y, m = y+1, 1
		}
		if yr == nil || yr.Year != y {
			r.Years = append(r.Years, Year{Year: y})
			yr = &r.Years[len(r.Years)-1]
		}
		p := &r.Periods[k]
		payable := p.SubsidyPaid
		if !r.Eligible {
			payable = 0
		}
		yr.Interest += p.Interest
		yr.Principal += p.Principal
		yr.Subsidy += p.Subsidy
		yr.SubsidyPaid += p.SubsidyPaid
		yr.SubsidyPayable += payable
		yr.BorrowerInterest += p.Interest - payable
	}
	t := &r.Totals
	*t = Totals{}
	for i := range r.Years {
		yr := &r.Years[i]
		t.Interest += yr.Interest
		t.Principal += yr.Principal
		t.Subsidy += yr.Subsidy
		t.SubsidyPaid += yr.SubsidyPaid
		t.SubsidyPayable += yr.SubsidyPayable
		t.BorrowerInterest += yr.BorrowerInterest
	}
	t.Payments = t.Interest + t.Principal
	t.BorrowerPayments = t.Payments - t.SubsidyPayable
}

// borrowerFigures solves the two effective rates and discounts the
// payable subsidy.
func (r *Result) borrowerFigures(l *Loan, issue int32) {
	rate := float64(l.Rate) / RateScale
	var interest, kept int64
	for k := range r.Periods {
		p := &r.Periods[k]
		r.flows[k] = -float64(p.Payment)
		interest += p.Interest
	}
	amount := float64(l.Amount)
	guess := math.Pow(1+rate/100/12, 12) - 1
	r1, ok1 := r.xirr(amount, guess)
	if r.Eligible {
		for k := range r.Periods {
			p := &r.Periods[k]
			r.flows[k] = -float64(p.Payment - p.SubsidyPaid)
			kept += p.Interest - p.SubsidyPaid
		}
		if interest > 0 {
			if ok1 {
				guess = r1
			}
			guess *= float64(kept) / float64(interest)
		}
		r2, ok2 := r.xirr(amount, guess)
		r.RateWith = percent4(r2, ok2)
		r.RatesOK = ok1 && ok2
	}
	r.RateWithout = percent4(r1, ok1)
	if !r.Eligible { // nothing payable: the same flows
		r.RateWith, r.RatesOK = r.RateWithout, ok1
	}

	// Present value at the contract rate: the discount factor chained
	// from payment to payment, e^(k·gap) for gaps of 28 to 31 days.
	k := -math.Log1p(rate/100) / 365
	var pow [4]float64
	for g := range pow {
		pow[g] = math.Exp(k * float64(28+g))
	}
	pv, df := 0.0, 1.0
	if r.Eligible {
		for i := range r.Periods {
			df *= pow[r.gaps[i]]
			if paid := r.Periods[i].SubsidyPaid; paid != 0 {
				pv += float64(paid) * df
			}
		}
	}
	r.PresentValue = int64(math.Round(pv))
	hi, lo := bits.Mul64(uint64(r.PresentValue), 1_000_000)
	q, rem := bits.Div64(hi, lo, uint64(l.Amount))
	if 2*rem >= uint64(l.Amount) {
		q++
	}
	r.GrantElement = int64(q)
}

// xirr solves Σ flow_i / (1+rate)^(days_i/365) = 0 for the amount drawn
// on the issue date and r.flows paid on the payment dates: Newton's
// method in x = ln(1+rate) from guess, stopping when the sum is zero to
// rounding or the step is below 1e-13.
func (r *Result) xirr(amount, guess float64) (float64, bool) {
	x := math.Log1p(guess)
	for range 60 {
		var pow [4]float64
		for g := range pow {
			pow[g] = math.Exp(-x * float64(28+g) / 365)
		}
		g, dg, abs := amount, 0.0, amount
		df := 1.0
		gaps, years := r.gaps[:len(r.flows)], r.years[:len(r.flows)]
		for i, a := range r.flows {
			df *= pow[gaps[i]&3]
			v := a * df
			g += v
			dg -= years[i] * v
			abs -= v // every payment is negative
		}
		if math.Abs(g) <= 8*0x1p-52*abs {
			return math.Expm1(x), true
		}
		step := g / dg
		if math.IsNaN(step) || math.IsInf(step, 0) {
			return 0, false
		}
		x -= max(-3, min(3, step))
		if math.Abs(step) <= 1e-13*(1+math.Abs(x)) {
			return math.Expm1(x), true
		}
	}
	return 0, false
}

// shares splits each year's payable subsidy among the contributing states
// and the participants, largest remainder.
func (r *Result) shares(l *Loan) {
	var pSum int64
	for _, w := range l.Shares {
		pSum += w
	}
	var parts [16]int64
	for i := range r.Years {
		yr := &r.Years[i]
		split(yr.SubsidyPayable, budgetWeights[:], budgetSum, yr.Budget[:])
		for c, a := range yr.Budget {
			r.Budget[c] += a
		}
		ps := parts[:len(l.Shares)]
		split(yr.SubsidyPayable, l.Shares, pSum, ps)
		for c, a := range ps {
			r.Participants[c] += a
		}
	}
}

// split writes total × w[i] / sum rounded down into parts, then gives the
// units left over one each to the largest remainders, the earlier index
// first among equals. At most 16 weights.
func split(total int64, w []int64, sum int64, parts []int64) {
	if total == 0 {
		clear(parts)
		return
	}
	var rems [16]uint64
	left := uint64(total)
	for i, v := range w {
		hi, lo := bits.Mul64(uint64(total), uint64(v))
		q, rem := bits.Div64(hi, lo, uint64(sum))
		parts[i], rems[i] = int64(q), rem
		left -= q
	}
	for ; left > 0; left-- {
		best := -1
		for i := range w {
			if rems[i] != math.MaxUint64 && (best < 0 || rems[i] > rems[best]) {
				best = i
			}
		}
		rems[best] = math.MaxUint64 // taken
		parts[best]++
	}
}

// roundDiv returns bal × s / accrualDen, rounded half up (both ≥ 0; the
// product of a valid loan stays far below 2^128 and the quotient below
// 2^63).
func roundDiv(bal, s int64) int64 {
	hi, lo := bits.Mul64(uint64(bal), uint64(s))
	q, rem := bits.Div64(hi, lo, accrualDen)
	if 2*rem >= accrualDen {
		q++
	}
	return int64(q)
}

// percent4 turns a rate (a fraction) into percent × 10^4, half away from
// zero; 0 when not solved.
func percent4(rate float64, ok bool) int64 {
	if !ok {
		return 0
	}
	return int64(math.Round(rate * 1e6))
}

// yearWeight is the act/act weight of a day of year y over the common
// denominator 365 × 366: 366 in a common year, 365 in a leap year.
func yearWeight(y int) int64 {
	if isLeap(y) {
		return 365
	}
	return 366
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysInMonth(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil for years after 0.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
