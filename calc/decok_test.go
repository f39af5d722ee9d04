package calc

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestDecOKMatchesDec holds decOK, the check without messages, to the
// checker's dec over random values, bounds and places.
func TestDecOKMatchesDec(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	bounds := []decimal.Decimal{decimal.Zero, hundred, maxAmount, decimal.NewFromInt(10), decimal.New(1, 6), decimal.NewFromInt(1), hundred.Neg()}
	for i := range 100_000 {
		v := decimal.New(r.Int64N(2e18)-1e18>>r.IntN(60), int32(r.IntN(40)-30))
		if r.IntN(10) == 0 {
			v = decimal.New(r.Int64N(1000)-10, int32(r.IntN(6)-3))
		}
		lo, hi := bounds[r.IntN(len(bounds))], bounds[r.IntN(len(bounds))]
		places, incl := int32(r.IntN(12)-1), r.IntN(2) == 0
		var c checker
		if got, want := decOK(v, lo, hi, places, incl), c.dec("f", v, lo, hi, places, incl); got != want {
			t.Fatalf("case %d: decOK(%s, %s, %s, %d, %v) = %v, dec says %v", i, v, lo, hi, places, incl, got, want)
		}
	}
}
