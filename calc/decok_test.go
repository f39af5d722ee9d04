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

// TestScaledOKMatchesDecOK holds scaledOK, the check and conversion of a
// valid amount or share in one pass, to decOK and the conversion it
// stands for: whenever it accepts a value decOK accepts it and the
// conversion gives the same number; it accepts every short value (at most
// 18 digits, exponent -18 to 0) that decOK accepts.
func TestScaledOKMatchesDecOK(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 3))
	kinds := []struct {
		places int32
		max    int64
		hi     decimal.Decimal
		conv   func(decimal.Decimal) int64
	}{
		{MinorDigits, maxAmountMinor, maxAmount, func(d decimal.Decimal) int64 { m, _ := MoneyFromDecimal(d); return int64(m) }},
		{6, 100_000_000, hundred, micros},
	}
	for i := range 200_000 {
		v := decimal.New(r.Int64N(2e18)-1e18>>r.IntN(64), int32(r.IntN(44)-24))
		switch r.IntN(4) {
		case 0:
			v = decimal.New(r.Int64N(1000)-10, int32(r.IntN(6)-3))
		case 1: // a valid value written with trailing zeros
			z := r.IntN(20)
			v = decimal.New(r.Int64N(100_000_000)*pow10i64[min(z, 10)], int32(-6-z))
		}
		k := kinds[r.IntN(len(kinds))]
		got, ok := scaledOK(v, k.places, k.max)
		want := decOK(v, decimal.Zero, k.hi, k.places, false)
		short := v.Exponent() <= 0 && v.Exponent() >= -18 && v.NumDigits() <= 18
		switch {
		case ok && !want:
			t.Fatalf("case %d: scaledOK(%s, %d) accepts what decOK rejects", i, v, k.places)
		case ok && got != k.conv(v):
			t.Fatalf("case %d: scaledOK(%s, %d) = %d, the conversion gives %d", i, v, k.places, got, k.conv(v))
		case !ok && want && short:
			t.Fatalf("case %d: scaledOK(%s, %d) rejects a short value decOK accepts", i, v, k.places)
		}
	}
}
