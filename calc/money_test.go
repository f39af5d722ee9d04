package calc_test

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// TestAppendDecimal holds the fast formatter to decimal.Decimal.String:
// zeros with every exponent, trailing zeros, the int64 edges, coefficients
// past 18 digits, positive exponents, and random values.
func TestAppendDecimal(t *testing.T) {
	ds := []decimal.Decimal{
		decimal.Zero, decimal.New(0, -5), decimal.New(0, 3), decimal.New(245, -1), decimal.New(2450, -2),
		decimal.New(21, 0), decimal.New(1, -4), decimal.New(-1, -4), decimal.New(-100, -2), decimal.New(5, 3),
		decimal.New(math.MaxInt64, -3), decimal.New(math.MinInt64, -3), decimal.New(math.MinInt64+1, 0),
		decimal.New(999999999999999999, -18), decimal.New(1, -19), decimal.New(123, -25),
		decimal.NewFromBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil), -2),
		decimal.RequireFromString("-0.000"), decimal.RequireFromString("100000000000000000000.5"),
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		v := r.Int64() >> r.IntN(64)
		if r.IntN(2) == 0 {
			v = -v
		}
		ds = append(ds, decimal.New(v, -int32(r.IntN(22))))
	}
	for _, d := range ds {
		if got, want := string(calc.AppendDecimal([]byte("x"), d)), "x"+d.String(); got != want {
			t.Errorf("AppendDecimal(%s e%d) = %q, want %q", d.Coefficient(), d.Exponent(), got, want)
		}
	}
}

// TestDecCmp holds the allocation-free comparison to decimal.Cmp over
// pairs of every exponent from 10^-20 to 10^2, equal values written with
// different exponents, zeros, the int64 edges and scalings that overflow.
func TestDecCmp(t *testing.T) {
	ds := []decimal.Decimal{
		decimal.Zero, decimal.New(0, -7), decimal.New(21, 0), decimal.New(210, -1), decimal.New(2100000000, -8),
		decimal.New(245, -1), decimal.New(-245, -1), decimal.New(1, -18), decimal.New(-1, -18), decimal.New(1, 2),
		decimal.New(999999999999999999, 0), decimal.New(-999999999999999999, 0), decimal.New(999999999999999999, -18),
		decimal.New(math.MaxInt64, -3), decimal.New(math.MinInt64, 0), decimal.New(5, -20), decimal.New(100, -2),
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 400 {
		v := r.Int64() >> r.IntN(64)
		if r.IntN(2) == 0 {
			v = -v
		}
		ds = append(ds, decimal.New(v, int32(r.IntN(23)-20)))
	}
	for _, a := range ds {
		for _, b := range ds {
			if got, want := calc.DecCmp(a, b), a.Cmp(b); got != want {
				t.Fatalf("DecCmp(%se%d, %se%d) = %d, want %d", a.Coefficient(), a.Exponent(), b.Coefficient(), b.Exponent(), got, want)
			}
		}
	}
}

// TestMoneyFromDecimal holds the int64 fast path of MoneyFromDecimal to the
// exact definition: d × 100 when that is an integer within int64, else
// ErrMoneyPrecision (not an integer) or ErrMoneyRange.
func TestMoneyFromDecimal(t *testing.T) {
	ref := func(d decimal.Decimal) (calc.Money, error) {
		s := d.Shift(2)
		if !s.Equal(s.Truncate(0)) {
			return 0, calc.ErrMoneyPrecision
		}
		b := s.BigInt()
		if !b.IsInt64() {
			return 0, calc.ErrMoneyRange
		}
		return calc.Money(b.Int64()), nil
	}
	cases := []decimal.Decimal{
		decimal.RequireFromString("1000000.00"), decimal.RequireFromString("0.01"), decimal.RequireFromString("-0.01"),
		decimal.RequireFromString("1.005"), decimal.RequireFromString("1.000"), decimal.RequireFromString("92233720368547758.07"),
		decimal.RequireFromString("92233720368547758.08"), decimal.RequireFromString("-92233720368547758.08"),
		decimal.RequireFromString("-92233720368547758.09"), decimal.New(922337203685477, 2), decimal.New(922337203685478, 2),
		decimal.New(1, 16), decimal.New(1, 17), decimal.New(-1, 17), decimal.New(999999999999999999, -2), decimal.Zero,
	}
	r := rand.New(rand.NewPCG(10, 1))
	for range 20000 {
		cases = append(cases, decimal.New(r.Int64()>>r.IntN(64), int32(r.IntN(24)-4)))
	}
	for _, d := range cases {
		got, gerr := calc.MoneyFromDecimal(d)
		want, werr := ref(d)
		if got != want || gerr != werr {
			t.Fatalf("MoneyFromDecimal(%s) = %d, %v; want %d, %v", d, got, gerr, want, werr)
		}
	}
}
