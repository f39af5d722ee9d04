package report

import (
	"math"
	"math/big"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// Sum adds Money exactly without overflow: in int64 minor units while the
// total fits, in a big.Int beyond (int64 minor units end at about 9.2e16,
// which many large loans together can pass). The zero Sum is 0; a Sum is
// a value: copies never share state.
type Sum struct {
	v    int64
	over *big.Int
}

// Add adds m.
func (s *Sum) Add(m calc.Money) {
	if s.over != nil {
		s.over = new(big.Int).Add(s.over, big.NewInt(int64(m)))
		return
	}
	r := s.v + int64(m)
	if (m > 0 && r < s.v) || (m < 0 && r > s.v) {
		s.over = new(big.Int).Add(big.NewInt(s.v), big.NewInt(int64(m)))
		return
	}
	s.v = r
}

// AddSum adds another sum.
func (s *Sum) AddSum(o Sum) {
	if o.over == nil && s.over == nil {
		s.Add(calc.Money(o.v))
		return
	}
	a, b := s.over, o.over
	if a == nil {
		a = big.NewInt(s.v)
	}
	if b == nil {
		b = big.NewInt(o.v)
	}
	s.over = new(big.Int).Add(a, b)
}

// Decimal returns the sum in currency units with two decimals: 1234.56.
func (s Sum) Decimal() decimal.Decimal {
	if s.over != nil {
		return decimal.NewFromBigInt(s.over, -calc.MinorDigits)
	}
	return decimal.New(s.v, -calc.MinorDigits)
}

// Money returns the sum as Money; ok is false when it does not fit.
func (s Sum) Money() (m calc.Money, ok bool) {
	if s.over != nil {
		return 0, false
	}
	return calc.Money(s.v), true
}

// IsZero reports whether the sum is 0.
func (s Sum) IsZero() bool {
	if s.over != nil {
		return s.over.Sign() == 0
	}
	return s.v == 0
}

// float returns the sum for a cell: the double nearest to it.
func (s Sum) float() float64 {
	if s.over == nil {
		return money(calc.Money(s.v))
	}
	return number(s.Decimal())
}

// negate turns s into −s.
func negate(s *Sum) {
	if s.over == nil && s.v == math.MinInt64 {
		s.over = big.NewInt(s.v)
	}
	if s.over != nil {
		s.over = new(big.Int).Neg(s.over)
		return
	}
	s.v = -s.v
}

// Sub subtracts o.
func (s *Sum) Sub(o Sum) {
	negate(&o)
	s.AddSum(o)
}
