package calc

import (
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
