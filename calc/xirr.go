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
// sum is zero to float64 rounding or x moves by less than 1e-13, so r is
// good to about 1e-12 relative to 1+r. When the flows have several roots
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
	fs := buf[:0]
	if len(flows) > len(buf) {
		fs = make([]xirrFlow, 0, len(flows))
	}
	var pos, neg bool
	var largest float64
	d0 := flows[0].Date
	for _, f := range flows {
		pos = pos || f.Amount > 0
		neg = neg || f.Amount < 0
		largest = max(largest, math.Abs(float64(f.Amount)))
		if f.Amount != 0 {
			fs = append(fs, xirrFlow{t: float64(f.Date-d0) / 365, a: float64(f.Amount), d: int(f.Date - d0)})
		}
	}
	// xirrEval walks the flows in date order.
	var scratch [64]xirrFlow
	xirrSort(fs, scratch[:0])
	if !pos || !neg {
		return 0, false
	}
	if spread := fs[len(fs)-1].t; !slices.ContainsFunc(fs, func(f xirrFlow) bool { return f.t != spread }) {
		return 0, false // all on one day: no rate, or every rate, solves it
	}
	for i := range fs { // amounts near 1 keep the sums well scaled
		fs[i].a /= largest
	}

	x0 := xirrDefault
	if guess > -1 && !math.IsInf(guess, 0) && !math.IsNaN(guess) {
		x0 = guess
	}
	x0 = math.Log1p(x0)

	x, found := xirrNewton(fs, x0)
	if !found {
		x, found = xirrBracketSearch(fs, x0)
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

// xirrSort puts fs in date order, equal dates in their given order (a
// stable sort). The engine passes drawdowns, then payments: two runs each
// in date order, merged in place with a copy of the first run (into
// scratch when it fits) instead of sorted.
func xirrSort(fs, scratch []xirrFlow) {
	byDate := func(a, b xirrFlow) int { return a.d - b.d }
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

// xirrFlow is a cash flow in years (t) and days (d) from the first flow
// and in units of the largest amount (a).
type xirrFlow struct {
	t, a float64
	d    int
}

// xirrEval returns, at x = ln(1+r), the net present value g = Σ a·e^(−t·x),
// its derivative dg = −Σ a·t·e^(−t·x) and the sum of the absolute terms,
// the scale g's rounding error is measured against.
// The flows are in date order, so a [powCache] chains their factors.
func xirrEval(fs []xirrFlow, x float64) (g, dg, abs float64) {
	pc := powCache{k: -x / 365}
	df := math.Exp(pc.k * float64(fs[0].d))
	prev := fs[0].d
	for _, f := range fs {
		if gap := f.d - prev; gap != 0 {
			df *= pc.pow(gap)
			prev = f.d
		}
		v := f.a * df
		g += v
		dg -= f.t * v
		abs += math.Abs(v)
	}
	return g, dg, abs
}

// powCache gives e^(k·gap) for the gaps between consecutive dates of a
// schedule. Walking dates in order, each discount factor is the previous
// one times e^(k·gap), and a loan has only a few distinct gaps (28 to 31
// days for monthly payments), so a walk costs a few exponentials instead
// of one per date; the chained product loses at most a few units of 1e-14
// relative. XIRR and the subsidy's present value both use it; the running
// product stays in the caller's locals, where the compiler keeps it in a
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

// xirrMinX is the smallest root accepted, r = -0.999999: closer to -1 a
// float64 r no longer carries 1+r to ten digits.
var xirrMinX = math.Log(1e-6)

// xirrMaxX bounds |x| during Newton's method: beyond it (r above 10^17 or
// within 10^-17 of -1) the iteration has run away.
const xirrMaxX = 40

// xirrNewton runs Newton's method in x from x0, steps capped at
// xirrMaxStep.
func xirrNewton(fs []xirrFlow, x float64) (float64, bool) {
	for range xirrNewtonSteps {
		g, dg, abs := xirrEval(fs, x)
		if !xirrFinite(g, dg) {
			return 0, false
		}
		if math.Abs(g) <= xirrResidual*abs {
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
			g, _, abs = xirrEval(fs, x)
			return x, xirrFinite(g) && math.Abs(g) <= 1e-9*abs
		}
	}
	return 0, false
}

// xirrBracketSearch scans xirrBracket for a sign change of g, takes the
// one nearest to x0 and solves inside it.
func xirrBracketSearch(fs []xirrFlow, x0 float64) (float64, bool) {
	lo, hi := xirrBracket[0], xirrBracket[1]
	h := (hi - lo) / xirrGrid
	bestA, bestB, bestDist := 0.0, 0.0, math.Inf(1)
	var gBest float64
	pa, ga := 0.0, math.NaN()
	for i := 0; i <= xirrGrid; i++ {
		xb := lo + float64(i)*h
		gb, _, _ := xirrEval(fs, xb)
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
	return xirrSafeNewton(fs, bestA, bestB, gBest)
}

// xirrSafeNewton finds the root of g in [a, b], where g(a) = ga and g(b)
// have opposite signs: Newton steps while they stay inside the bracket and
// shrink it fast enough, bisection otherwise.
func xirrSafeNewton(fs []xirrFlow, a, b, ga float64) (float64, bool) {
	if ga > 0 { // orient so that g(a) < 0 < g(b)
		a, b = b, a
	}
	x := (a + b) / 2
	prevStep := math.Abs(b - a)
	for range xirrBisectSteps {
		g, dg, abs := xirrEval(fs, x)
		if !xirrFinite(g, dg) {
			return 0, false
		}
		if math.Abs(g) <= xirrResidual*abs {
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
