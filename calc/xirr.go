package calc

import (
	"math"
	"slices"
)

// CashFlow is one dated payment of a cash-flow series for [XIRR]: Amount in
// minor units of one currency, positive for money one party receives and
// negative for money it pays (the borrower's view: a drawdown positive,
// payments negative, or the lender's view, the other way round; only the
// signs matter).
type CashFlow struct {
	Date   Date
	Amount Money
}

// Limits of the XIRR solver.
const (
	xirrNewtonSteps = 60  // Newton iterations from the guess
	xirrBisectSteps = 200 // safeguarded Newton/bisection iterations in a bracket
	xirrGrid        = 96  // sub-intervals scanned for a sign change
	xirrMaxStep     = 3.0 // largest Newton step in x = ln(1+r)
	xirrDefault     = 0.1 // guess used when the given one is not usable
)

// xirrBracket is the range of x = ln(1+r) the fallback scans: r from
// -0.9999 to 10^6, that is -99.99 % to 100,000,000 % a year.
var xirrBracket = [2]float64{math.Log(1e-4), math.Log1p(1e6)}

// XIRR returns the annual effective rate r of a series of dated cash flows,
// as a fraction (0.12 is 12 % a year), the root of
//
//	Σ Amount_i / (1+r)^(days_i/365) = 0
//
// where days_i counts from the date of flows[0] (act/365 years; flows may
// come in any order, earlier flows then count negative days). It is the
// XIRR of spreadsheets: LibreOffice's XIRR gives the same value (see
// testdata/xirr-reference.md). Flows of zero are ignored.
//
// The solver works on x = ln(1+r), where the sum is smooth for every real
// x: Newton's method from guess (a fraction; a guess ≤ -1, NaN or ±Inf is
// replaced by 0.1) with capped steps and, when that does not converge, a
// scan of r from -0.9999 to 10^6 for a sign change, then safeguarded
// Newton/bisection inside the one nearest to the guess. It stops when the
// sum is zero to float64 rounding, when x moves by less than 1e-13 or
// when Newton's steps shrink quadratically and the next one would be
// below 1e-14 (relative to 1+|x|), so r is good to about 1e-12 relative
// to 1+r. When the flows have several roots
// the one Newton reaches from guess (or the nearest found) is returned. A
// rate within 1e-14 of zero is returned as exactly 0.
//
// ok is false, and rate 0, when there is no answer: fewer than two flows,
// no flow of each sign, all flows on one day, no root found within the
// bounded iterations, or a root below -0.999999 (-99.9999 %) or too large
// for a float64. XIRR never returns NaN or ±Inf, never loops without end
// and allocates only for more than 128 flows.
func XIRR(flows []CashFlow, guess float64) (rate float64, ok bool) {
	if len(flows) < 2 {
		return 0, false
	}
	var buf [128]xirrFlow
	fs := xirrBuffer(buf[:0], len(flows))
	d0 := flows[0].Date
	var span xirrSpan
	for _, f := range flows {
		fs = append(fs, xirrFlow{a: float64(f.Amount), d: int32(f.Date - d0)})
		span = span.with(f.Amount)
	}
	s := xirrSeries{fs: fs, span: span}
	return s.solve(guess)
}

// xirrSeries is a cash-flow series as [XIRR] solves it. The engine fills
// one with its flows directly instead of building a []CashFlow for XIRR
// to copy: fs holds each flow's amount (zeros included) and its day
// counted from the series' day 0, span what solve needs to know of the
// amounts; whoever sets the amounts sets span in the same pass.
type xirrSeries struct {
	fs   []xirrFlow
	span xirrSpan
	// prepared is set by solve when fs are the flows as built, none
	// zero, in date order, their years and slots set: new amounts for
	// the same flows keep all that (solve mends the series again when
	// one of them is zero).
	prepared bool
	slots    xirrGapSlots // the slots of the flows' gaps, set by prepare
}

// xirrGapSlots gives each distinct gap between consecutive flows of a
// series a slot, whose discount factor an evaluation computes once.
type xirrGapSlots struct {
	// gaps[i] is the number of days between consecutive flows that slot
	// i stands for; gaps[0] is 0 (a flow on the previous flow's day).
	// n slots are in use: at least slot 0.
	gaps [xirrSlots]int32
	n    int
	// index[gap & 31] is the slot gap most likely has: the gaps of one
	// payment frequency do not collide.
	index [xirrSlots]uint8
	// full is set when some gap found no slot left: the series has more
	// than xirrSlots distinct gaps.
	full bool
}

// add returns the slot of gap, one not at index[gap & 31]: a new one
// when gap has none, -1 when none is left.
func (g *xirrGapSlots) add(gap int32) int32 {
	j := slices.Index(g.gaps[:g.n], gap)
	switch {
	case j >= 0:
	case g.n < len(g.gaps):
		j, g.n = g.n, g.n+1
		g.gaps[j], g.index[gap&(xirrSlots-1)] = gap, uint8(j)
	default:
		g.full = true
	}
	return int32(j)
}

// xirrSpan is what solve needs to know of a series' amounts before it
// scales them: the smallest and the largest, 0 included (lo ≤ 0 ≤ hi),
// and whether one is zero (a flow solve leaves out). Whoever sets the
// amounts adds each one to it as they go, which saves solve a pass over
// the flows per solve (about 1,000 instructions on the 120-month
// benchmark loan).
type xirrSpan struct {
	lo, hi Money
	zero   bool
}

// with returns the span with a, one more amount of the series. (A value
// method: the span stays in the caller's registers.)
func (p xirrSpan) with(a Money) xirrSpan {
	if a == 0 {
		p.zero = true
	}
	p.lo, p.hi = min(p.lo, a), max(p.hi, a)
	return p
}

// xirrSlots is the number of distinct gaps between consecutive dates a
// series keeps the discount factor of for each evaluation: a monthly
// schedule has five (0 and 28 to 31 days), drawdowns between payments add
// a few more. A gap beyond them costs an exponential each time it occurs.
const xirrSlots = 32

// xirrBuffer returns an empty slice for n flows: buf when they fit (a
// caller's array on the stack, so no allocation), else a new one.
func xirrBuffer(buf []xirrFlow, n int) []xirrFlow {
	if n > cap(buf) {
		return make([]xirrFlow, 0, n)
	}
	return buf[:0]
}

// solve is [XIRR] of the series (see there). It leaves the amounts
// scaled (and zero flows left out), so new amounts must be set before
// solving again; when it sets prepared, the dates need nothing more.
func (s *xirrSeries) solve(guess float64) (rate float64, ok bool) {
	if len(s.fs) < 2 {
		return 0, false
	}
	if !s.prepared {
		s.prepared = s.prepare()
	}
	if s.span.zero || !s.prepared {
		// zero flows to leave out, or flows out of date order
		n := 0
		for _, f := range s.fs {
			if f.a != 0 {
				s.fs[n] = f
				n++
			}
		}
		if n == 0 {
			return 0, false
		}
		s.fs = s.fs[:n]
		var scratch [64]xirrFlow
		xirrSort(s.fs, scratch[:0])
		s.prepare()
		s.prepared = false // the flows are no longer as built
	}
	fs := s.fs
	// The extremes in float64, as the amounts are: the conversion keeps
	// their order, and -float64(lo) cannot overflow.
	lo, hi := float64(s.span.lo), float64(s.span.hi)
	if lo == 0 || hi == 0 {
		return 0, false // no flow of one sign
	}
	if fs[0].d == fs[len(fs)-1].d {
		return 0, false // all on one day: no rate, or every rate, solves it
	}
	largest := max(-lo, hi)
	for i := range fs {
		fs[i].a /= largest // amounts near 1 keep the sums well scaled
	}

	x0 := xirrDefault
	if guess > -1 && !math.IsInf(guess, 0) && !math.IsNaN(guess) {
		x0 = guess
	}
	x0 = math.Log1p(x0)

	x, found := s.newton(x0)
	if !found {
		x, found = s.bracketSearch(x0)
	}
	if !found || x < xirrMinX {
		return 0, false
	}
	r := math.Expm1(x)
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return 0, false
	}
	if math.Abs(r) < 1e-14 {
		r = 0 // rounding noise around a zero rate: report 0, never -0
	}
	return r, true
}

// prepare sets each flow's years and the slot of its gap from the
// previous flow; false when the flows are not in date order: they must
// then be sorted and prepared again.
func (s *xirrSeries) prepare() (ok bool) {
	fs, sl := s.fs, &s.slots
	*sl = xirrGapSlots{n: 1} // slot 0: gap 0
	prev, least := fs[0].d, int32(0)
	for i := range fs {
		f := &fs[i]
		gap := f.d - prev
		prev, least = f.d, min(least, gap)
		f.t = float64(f.d) / 365
		j := int32(sl.index[gap&(xirrSlots-1)] & (xirrSlots - 1))
		if sl.gaps[j] != gap {
			j = sl.add(gap) // -1: no slot left
		}
		f.slot = j
	}
	return least >= 0
}

// xirrSort puts fs in date order, equal dates in their given order (a
// stable sort). The engine passes drawdowns, then payments: two runs each
// in date order, merged in place with a copy of the first run (into
// scratch when it fits) instead of sorted.
func xirrSort(fs, scratch []xirrFlow) {
	byDate := func(a, b xirrFlow) int { return int(a.d) - int(b.d) }
	k := 1
	for k < len(fs) && fs[k].d >= fs[k-1].d {
		k++
	}
	if k >= len(fs) {
		return
	}
	if !slices.IsSortedFunc(fs[k:], byDate) {
		slices.SortStableFunc(fs, byDate)
		return
	}
	a := append(scratch[:0], fs[:k]...) // the first run; the second stays in fs
	i, j, w := 0, k, 0
	for i < len(a) && j < len(fs) {
		if fs[j].d < a[i].d { // on equal dates the first run first
			fs[w], j = fs[j], j+1
		} else {
			fs[w], i = a[i], i+1
		}
		w++
	}
	copy(fs[w:], a[i:]) // what is left of the second run is in place
}

// xirrFlow is a cash flow in years (t) and days (d) from the series' day
// 0 and in units of the largest amount (a). slot is that of its gap from
// the previous flow in date order, -1 for a gap without one.
type xirrFlow struct {
	t, a    float64
	d, slot int32
}

// eval returns, at x = ln(1+r), the net present value g = Σ a·e^(−t·x),
// its derivative dg = −Σ a·t·e^(−t·x) and bound, a bound of the sum of
// the absolute terms (the scale g's rounding error is measured against,
// see negligible).
//
// Walking the flows in date order, each discount factor is the previous
// one times e^(−x·gap/365), and a schedule has only a few distinct gaps
// between its dates (28 to 31 days for monthly payments): the factor of
// each gap is computed once per evaluation, so a walk costs a few
// exponentials instead of one per date, and a table look-up per flow; the
// chained product loses at most a few units of 1e-14 relative.
//
// When every flow has a slot (the series has at most xirrSlots distinct
// gaps, as every loan with regular payments does), the walk is one
// multiply chain without a branch per flow and without the absolute
// terms: 14 instructions a flow instead of 22. The discount factors of a
// walk only fall (x ≥ 0) or only rise, and every |a| ≤ 1, so 2·n times
// the larger of the first and the last factor bounds the sum of the n
// absolute terms, rounding included. A series with more gaps takes walk,
// whose sums are the same for the same flows (a slot's factor is the
// exponential walk computes) and whose bound is the sum itself.
func (s *xirrSeries) eval(x float64) (g, dg, bound float64) {
	if s.slots.full {
		return s.walk(x)
	}
	k := -x / 365
	var pows [xirrSlots]float64
	df := s.start(k, &pows)
	first := df
	fs := s.fs
	for i := range fs {
		f := &fs[i]
		df *= pows[f.slot&(xirrSlots-1)]
		v := f.a * df
		g += v
		dg -= f.t * v
	}
	return g, dg, 2 * float64(len(fs)) * max(first, df)
}

// start sets pows to the factors of the slots in use at k = −x/365 and
// returns the discount factor of day 0's flow's day.
func (s *xirrSeries) start(k float64, pows *[xirrSlots]float64) (df float64) {
	pows[0] = 1 // slot 0: gap 0
	for i, gap := range s.slots.gaps[1:s.slots.n] {
		pows[i+1] = math.Exp(k * float64(gap))
	}
	df = 1.0 // at day 0, where the engine's first flow is
	if d := s.fs[0].d; d != 0 {
		df = math.Exp(k * float64(d))
	}
	return df
}

// walk returns what eval does, with abs the sum of the absolute terms
// itself, for any series: a flow without a slot (slot −1) has the
// exponential of its gap as its factor.
func (s *xirrSeries) walk(x float64) (g, dg, abs float64) {
	k := -x / 365
	var pows [xirrSlots]float64
	df := s.start(k, &pows)
	fs := s.fs
	for i, f := range fs {
		if f.slot >= 0 {
			df *= pows[f.slot&(xirrSlots-1)]
		} else {
			df *= math.Exp(k * float64(f.d-fs[i-1].d))
		}
		v := f.a * df
		g += v
		dg -= f.t * v
		abs += math.Abs(v)
	}
	return g, dg, abs
}

// negligible reports whether g, the net present value at x, is at most
// tol times the sum of the absolute terms there: false at once when it
// exceeds tol times eval's bound of that sum, else walk works the sum out
// (near the root only, about once a solve).
func (s *xirrSeries) negligible(g, bound, tol, x float64) bool {
	if math.Abs(g) > tol*bound {
		return false
	}
	_, _, abs := s.walk(x)
	return math.Abs(g) <= tol*abs
}

// powCache gives e^(k·gap) for the gaps between consecutive dates of a
// schedule. Walking dates in order, each discount factor is the previous
// one times e^(k·gap), and a loan has only a few distinct gaps (28 to 31
// days for monthly payments), so a walk costs a few exponentials instead
// of one per date; the chained product loses at most a few units of 1e-14
// relative. The subsidy's present value uses it; the running product
// stays in the caller's locals, where the compiler keeps it in a
// register.
//
// The table has 32 slots, direct-mapped by gap & 31: every gap of 1 to 31
// days has its own (drawdowns between monthly payments make gaps of any
// length below a month), and the gaps of one payment frequency (28..31,
// 90..92, 181..184 or 365/366) do not collide. A hit gives the factor a
// miss computes, so the size changes the time, never a result.
type powCache struct {
	k    float64
	gaps [32]int
	pows [32]float64
}

// pow returns e^(k·gap) for gap > 0; the hit path is small enough to inline.
func (c *powCache) pow(gap int) float64 {
	if i := gap & 31; c.gaps[i] == gap {
		return c.pows[i]
	}
	return c.miss(gap)
}

func (c *powCache) miss(gap int) float64 {
	pw := math.Exp(c.k * float64(gap))
	c.gaps[gap&31], c.pows[gap&31] = gap, pw
	return pw
}

// xirrFinite reports whether every value is a finite number.
func xirrFinite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return false
		}
	}
	return true
}

// xirrResidual is the largest |g| taken as zero, relative to the sum of the
// absolute terms: a few units of float64 rounding.
const xirrResidual = 8 * 0x1p-52

// xirrStepTolerance is the Newton step in x below which x is taken as
// converged (relative to 1+|x|).
const xirrStepTolerance = 1e-13

// xirrNextStep is the estimated next Newton step in x, relative to 1+|x|,
// below which x is taken as converged: a tenth of xirrStepTolerance, as
// the estimate is one.
const xirrNextStep = 1e-14

// xirrQuadratic is the Newton step in x, relative to 1+|x|, below which
// two consecutive steps estimate the next one (see xirrSeries.newton).
const xirrQuadratic = 1e-3

// xirrMinX is the smallest root accepted, r = -0.999999: closer to -1 a
// float64 r no longer carries 1+r to ten digits.
var xirrMinX = math.Log(1e-6)

// xirrMaxX bounds |x| during Newton's method: beyond it (r above 10^17 or
// within 10^-17 of -1) the iteration has run away.
const xirrMaxX = 40

// newton runs Newton's method in x from x0, steps capped at
// xirrMaxStep.
func (s *xirrSeries) newton(x float64) (float64, bool) {
	prev := math.Inf(1) // the size of the previous step
	for range xirrNewtonSteps {
		g, dg, bound := s.eval(x)
		if !xirrFinite(g, dg) {
			return 0, false
		}
		if s.negligible(g, bound, xirrResidual, x) {
			return x, true
		}
		step := g / dg
		if !xirrFinite(step) {
			return 0, false
		}
		step = max(-xirrMaxStep, min(xirrMaxStep, step))
		x -= step
		if math.Abs(x) > xirrMaxX {
			return 0, false
		}
		if math.Abs(step) <= xirrStepTolerance*(1+math.Abs(x)) {
			// One more evaluation confirms that g is small at the new x.
			g, _, bound = s.eval(x)
			return x, xirrFinite(g) && s.negligible(g, bound, 1e-9, x)
		}
		// Near a simple root the steps shrink quadratically: each is about
		// c·p² for the previous one p, with c = g''/(2g') nearly constant.
		// Estimating c from the last two steps, once both are small, the
		// next step would be about |step|³/p²; when that is below
		// xirrNextStep, x is as good as the evaluations that would confirm
		// it can make it.
		size := math.Abs(step)
		if prev <= xirrQuadratic*(1+math.Abs(x)) && size*size*size <= xirrNextStep*(1+math.Abs(x))*prev*prev {
			return x, true
		}
		prev = size
	}
	return 0, false
}

// bracketSearch scans xirrBracket for a sign change of g, takes the
// one nearest to x0 and solves inside it.
func (s *xirrSeries) bracketSearch(x0 float64) (float64, bool) {
	lo, hi := xirrBracket[0], xirrBracket[1]
	h := (hi - lo) / xirrGrid
	bestA, bestB, bestDist := 0.0, 0.0, math.Inf(1)
	var gBest float64
	pa, ga := 0.0, math.NaN()
	for i := 0; i <= xirrGrid; i++ {
		xb := lo + float64(i)*h
		gb, _, _ := s.eval(xb)
		if !xirrFinite(gb) {
			ga = math.NaN()
			continue
		}
		if gb == 0 {
			return xb, true
		}
		if !math.IsNaN(ga) && (ga < 0) != (gb < 0) {
			if d := math.Abs((pa+xb)/2 - x0); d < bestDist {
				bestA, bestB, bestDist, gBest = pa, xb, d, ga
			}
		}
		pa, ga = xb, gb
	}
	if math.IsInf(bestDist, 1) {
		return 0, false
	}
	return s.safeNewton(bestA, bestB, gBest)
}

// safeNewton finds the root of g in [a, b], where g(a) = ga and g(b)
// have opposite signs: Newton steps while they stay inside the bracket and
// shrink it fast enough, bisection otherwise.
func (s *xirrSeries) safeNewton(a, b, ga float64) (float64, bool) {
	if ga > 0 { // orient so that g(a) < 0 < g(b)
		a, b = b, a
	}
	x := (a + b) / 2
	prevStep := math.Abs(b - a)
	for range xirrBisectSteps {
		g, dg, bound := s.eval(x)
		if !xirrFinite(g, dg) {
			return 0, false
		}
		if s.negligible(g, bound, xirrResidual, x) {
			return x, true
		}
		if g < 0 {
			a = x
		} else {
			b = x
		}
		xn := x - g/dg
		if math.Abs(xn-x) <= xirrStepTolerance*(1+math.Abs(x)) {
			return x, true
		}
		if !xirrFinite(xn) || (xn-a)*(xn-b) >= 0 || math.Abs(xn-x) >= prevStep/2 {
			xn = (a + b) / 2 // Newton leaves the bracket or is slow: bisect
		}
		prevStep = math.Abs(xn - x)
		x = xn
		if prevStep <= xirrStepTolerance*(1+math.Abs(x)) || math.Abs(b-a) <= xirrStepTolerance*(1+math.Abs(x)) {
			return x, true
		}
	}
	return 0, false
}
