package calc

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestXIRRSort holds the in-place merge of two runs to the stable sort it
// replaces: the same order, equal dates in their given order.
func TestXIRRSort(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	byDate := func(a, b xirrFlow) int { return int(a.d) - int(b.d) }
	for n := range 5000 {
		fs := make([]xirrFlow, r.IntN(200))
		for i := range fs {
			fs[i] = xirrFlow{d: int32(r.IntN(60)), a: float64(i)} // a tells equal dates apart
		}
		if n%2 == 0 && len(fs) > 0 { // two sorted runs, as the engine gives
			k := r.IntN(len(fs))
			slices.SortStableFunc(fs[:k], byDate)
			slices.SortStableFunc(fs[k:], byDate)
		}
		want := slices.Clone(fs)
		slices.SortStableFunc(want, byDate)
		got := slices.Clone(fs)
		xirrSort(got, make([]xirrFlow, 0, 8))
		if !slices.Equal(got, want) {
			t.Fatalf("xirrSort(%v) = %v, want %v", fs, got, want)
		}
	}
}

// TestXIRREvalWalk holds the evaluations (a table of per-gap factors, one
// multiply chain: eval, and walk, which also sums the absolute terms and
// takes a series with more gaps than slots) to the plain sums they stand
// for, bit for bit: each discount factor the previous one times
// e^(−x·gap/365), one exponential per flow. eval's bound must bound the
// sum of the absolute terms.
func TestXIRREvalWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	for n := range 3000 {
		fs := make([]xirrFlow, 2+r.IntN(150))
		d, spread := int32(r.IntN(3)), 1+r.IntN(90) // up to 90 distinct gaps: some series overflow the slots
		for i := range fs {
			fs[i] = xirrFlow{a: r.Float64()*2 - 1, d: d}
			if r.IntN(8) > 0 {
				d += int32(r.IntN(spread))
			}
		}
		s := xirrSeries{fs: fs}
		if !s.prepare() {
			t.Fatalf("case %d: flows in date order taken as out of order", n)
		}
		x := r.Float64()*4 - 1
		if n%3 == 0 {
			x = r.Float64()*80 - 40 // factors near underflow and overflow
		}
		g, dg, abs := s.walk(x)
		k := -x / 365
		var wg, wdg, wabs float64
		df := 1.0
		if fs[0].d != 0 {
			df = math.Exp(k * float64(fs[0].d))
		}
		for i, f := range fs {
			if i > 0 {
				df *= math.Exp(k * float64(f.d-fs[i-1].d))
			}
			v := f.a * df
			wg += v
			wdg -= float64(f.d) / 365 * v
			wabs += math.Abs(v)
		}
		if !same(g, wg) || !same(dg, wdg) || !same(abs, wabs) {
			t.Fatalf("case %d (%d flows, full %v): walk(%g) = %g %g %g, want %g %g %g", n, len(fs), s.slots.full, x, g, dg, abs, wg, wdg, wabs)
		}
		eg, edg, bound := s.eval(x)
		if !same(eg, wg) || !same(edg, wdg) || !(bound >= wabs || math.IsNaN(wabs)) {
			t.Fatalf("case %d (%d flows, full %v): eval(%g) = %g %g %g, want %g %g and a bound of %g", n, len(fs), s.slots.full, x, eg, edg, bound, wg, wdg, wabs)
		}
	}
}

// same reports whether a and b are the same float64, NaN the same as NaN.
func same(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}
