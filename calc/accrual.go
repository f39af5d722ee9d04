package calc

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// An accrual sums balance × rate / 100 × year fraction over the pieces of a
// period and rounds the sum once, half away from zero, to the minor unit.
//
// The sum is exact: pieces are grouped by the denominator of their year
// fraction (365, 366 or 360 days), each group's numerator Σ balance × rate ×
// days is kept as an integer, and the groups are put over one common
// denominator before the single rounding. The fast form keeps numerators in
// 128-bit integers with rates in fixed point (rateScale); the decimal form
// does the same in shopspring/decimal for rates the fixed point cannot hold
// exactly. Both give the same amount for the same input (proven by a
// property test).
type accrual struct {
	fast bool
	n    [2]u128            // fast: numerators for denominators den[0], den[1]
	d    [2]decimal.Decimal // decimal: the same numerators
	rows Money              // pieces rounded one by one (conventions.perRow)
}

// Year-fraction denominators: class 0 is 365 for act/act and act/365, 360
// for act/360 and 30/360; class 1 is 366 (act/act in a leap year).
const (
	classMain = 0
	classLeap = 1
)

type u128 struct{ hi, lo uint64 }

// addMul adds x × y × z; the bounds of a valid request keep the sum far
// below 2^128 (balance < 2^57 minor units, rate ≤ 2^34, days ≤ 2^9).
func (a *u128) addMul(x, y, z uint64) {
	h1, l1 := bits.Mul64(x, y)
	h2, l2 := bits.Mul64(l1, z)
	h2 += h1 * z
	var c uint64
	a.lo, c = bits.Add64(a.lo, l2, 0)
	a.hi += h2 + c
}

// mulSmall returns a × m.
func (a u128) mulSmall(m uint64) u128 {
	h, l := bits.Mul64(a.lo, m)
	return u128{hi: a.hi*m + h, lo: l}
}

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return u128{hi: a.hi + b.hi + c, lo: lo}
}

func (a *accrual) reset(fast bool) {
	*a = accrual{fast: fast}
	if !fast {
		a.d[0], a.d[1] = decimal.Zero, decimal.Zero
	}
}

// add accrues balance (minor units) at rate for days (day-count days) in
// denominator class cls.
func (a *accrual) add(balance Money, rate rateVal, days int, cls int) {
	if balance <= 0 || days <= 0 {
		return
	}
	if a.fast {
		if !rate.ok {
			a.toDecimal()
		} else {
			if rate.i != 0 {
				a.n[cls].addMul(uint64(balance), uint64(rate.i), uint64(days))
			}
			return
		}
	}
	if rate.d.IsZero() {
		return
	}
	a.d[cls] = a.d[cls].Add(decimal.New(int64(balance), 0).Mul(rate.d).Mul(decimal.New(int64(days), 0)))
}

// toDecimal moves a fast accrual onto decimals, for a rate the fixed point
// cannot hold (more than 8 decimal places, or above 100 %): the numerators
// are divided by rateScale exactly, so the period's amount is the same as
// if it had been accrued in decimals throughout.
func (a *accrual) toDecimal() {
	for i, n := range a.n {
		b := new(big.Int).SetUint64(n.hi)
		b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(n.lo))
		a.d[i] = decimal.NewFromBigInt(b, -8) // rateScale is 10^8
	}
	a.fast = false
}

// total returns the rounded amount in minor units for day count dc.
func (a *accrual) total(dc string) Money {
	if a.fast {
		var num u128
		var den uint64
		switch dc {
		case DayCountActAct:
			num = a.n[0].mulSmall(366).add(a.n[1].mulSmall(365))
			den = 100 * rateScale * 365 * 366
		case DayCountAct365:
			num, den = a.n[0], 100*rateScale*365
		default:
			num, den = a.n[0], 100*rateScale*360
		}
		return roundQuo(num, den)
	}
	var num, den decimal.Decimal
	switch dc {
	case DayCountActAct:
		num = a.d[0].Mul(decimal.NewFromInt(366)).Add(a.d[1].Mul(decimal.NewFromInt(365)))
		den = decimal.NewFromInt(100 * 365 * 366)
	case DayCountAct365:
		num, den = a.d[0], decimal.NewFromInt(100*365)
	default:
		num, den = a.d[0], decimal.NewFromInt(100*360)
	}
	return Money(num.DivRound(den, 0).IntPart())
}

// roundQuo returns num / den rounded half away from zero (num ≥ 0): the
// one rounding of an accrual.
func roundQuo(num u128, den uint64) Money {
	if num.hi >= den { // the quotient needs more than 64 bits
		return bigQuotient(num, den)
	}
	q, r := bits.Div64(num.hi, num.lo, den)
	if 2*r >= den {
		q++
	}
	return Money(q)
}

// bigQuotient divides in big integers, rounding half away from zero; the
// validated bounds never reach it, but it keeps the rounding exact if they
// ever change.
func bigQuotient(num u128, den uint64) Money {
	n := new(big.Int).SetUint64(num.hi)
	n.Lsh(n, 64).Or(n, new(big.Int).SetUint64(num.lo))
	return moneyRoundDown(decimal.NewFromBigInt(n, -MinorDigits).DivRound(decimal.NewFromInt(int64(den)), MinorDigits))
}
