package calc

import (
	"cmp"
	"errors"
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// MinorDigits is the number of decimal places of every currency the
// programmes use (AMD, BYN, KZT, KGS, RUB, and USD, EUR, CNY for caps and
// custom programmes): amounts are exact to 0.01.
const MinorDigits = 2

// Money is an exact amount of money as a signed integer count of minor units
// (kopecks for RUB): Money(123456) is 1234.56. It is the engine's internal
// and output form of every money value; it converts to and from
// [decimal.Decimal] without loss ([Money.Decimal], [MoneyFromDecimal]).
// The schedule arithmetic runs on it because an int64 addition costs
// nothing while a decimal one allocates; the bounds of [Validate] (amounts up
// to 10^15) keep every sum of one loan far below its range.
type Money int64

// maxMoney is the largest amount Money holds: 92,233,720,368,547,758.07.
const maxMoney = Money(math.MaxInt64)

// Decimal returns m as a decimal with exactly two decimal places:
// Money(123456).Decimal().String() is "1234.56".
func (m Money) Decimal() decimal.Decimal { return decimal.New(int64(m), -MinorDigits) }

// String formats m with two decimal places and a leading minus for negative
// amounts, no thousands separators: Money(-5) is "-0.05".
func (m Money) String() string {
	var buf [24]byte
	return string(m.appendTo(buf[:0]))
}

func (m Money) appendTo(b []byte) []byte {
	v := int64(m)
	if v < 0 {
		b = append(b, '-')
		if v == math.MinInt64 {
			return append(b, "92233720368547758.08"...)
		}
		v = -v
	}
	b = strconv.AppendInt(b, v/100, 10)
	frac := v % 100
	b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	return b
}

// MarshalJSON writes m as a decimal string with two places: "1234.56".
func (m Money) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24)
	b = append(b, '"')
	b = m.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a decimal string or number with at most two places.
func (m *Money) UnmarshalJSON(data []byte) error {
	var d decimal.Decimal
	if err := d.UnmarshalJSON(data); err != nil {
		return err
	}
	v, err := MoneyFromDecimal(d)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Errors of [MoneyFromDecimal].
var (
	ErrMoneyPrecision = errors.New("more than two decimal places")
	ErrMoneyRange     = errors.New("amount out of range")
)

// MoneyFromDecimal converts d to Money exactly. It fails with
// [ErrMoneyPrecision] when d has a non-zero digit past the second decimal
// place (1.005) and with [ErrMoneyRange] when d does not fit.
func MoneyFromDecimal(d decimal.Decimal) (Money, error) {
	// The usual amounts ("1000000.00", 250000) in int64 arithmetic, without
	// the big integers of the general path.
	if e := d.Exponent(); e >= -MinorDigits && e <= 16 && d.NumDigits() <= 18 {
		c, p := d.CoefficientInt64(), pow10i64[e+MinorDigits]
		if c <= math.MaxInt64/p && c >= math.MinInt64/p {
			return Money(c * p), nil
		}
	}
	if d.Exponent() < -40 || d.Exponent() > 40 {
		return 0, ErrMoneyRange
	}
	if !d.Equal(d.Truncate(MinorDigits)) {
		return 0, ErrMoneyPrecision
	}
	v := d.Shift(MinorDigits).BigInt()
	if !v.IsInt64() {
		return 0, ErrMoneyRange
	}
	return Money(v.Int64()), nil
}

// moneyRoundDown converts d to Money rounding toward zero to the minor unit,
// saturating at the range of Money.
func moneyRoundDown(d decimal.Decimal) Money {
	v := d.Shift(MinorDigits).Truncate(0).BigInt()
	if !v.IsInt64() {
		if v.Sign() < 0 {
			return -maxMoney
		}
		return maxMoney
	}
	return Money(v.Int64())
}

// AppendDecimal appends d as decimal.Decimal.String writes it (no
// exponent, trailing fractional zeros trimmed: 24.5, 21, 0.0001), without
// going through big.Int when the coefficient fits in 18 digits: rates and
// shares are formatted for every answer and every check message.
func AppendDecimal(b []byte, d decimal.Decimal) []byte {
	exp := d.Exponent()
	if exp > 0 || exp < -18 || d.NumDigits() > 18 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	places := int(-exp)
	for places > 0 && c%10 == 0 && c != 0 {
		c /= 10
		places--
	}
	if c == 0 {
		return append(b, '0')
	}
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], c, 10)
	switch {
	case places == 0:
		b = append(b, s...)
	case len(s) > places:
		b = append(b, s[:len(s)-places]...)
		b = append(b, '.')
		b = append(b, s[len(s)-places:]...)
	default:
		b = append(b, '0', '.')
		for range places - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
	}
	return b
}

// decimalString is d.String() by way of AppendDecimal.
func decimalString(d decimal.Decimal) string {
	var buf [24]byte
	return string(AppendDecimal(buf[:0], d))
}

// decCmp is a.Cmp(b) without the allocation Cmp makes to align two
// exponents: rates, shares and amounts are short decimals, compared many
// times per calculation. Longer ones go to Cmp.
func decCmp(a, b decimal.Decimal) int {
	ea, eb := a.Exponent(), b.Exponent()
	if ea > 0 || eb > 0 || ea < -18 || eb < -18 || a.NumDigits() > 18 || b.NumDigits() > 18 {
		return a.Cmp(b)
	}
	ca, cb := a.CoefficientInt64(), b.CoefficientInt64()
	// Scale the coefficient with the larger exponent to the other's
	// exponent; when that would overflow, its sign alone decides.
	if ea != eb {
		if ea < eb {
			return -scaledCmp(cb, ca, int(eb-ea))
		}
		return scaledCmp(ca, cb, int(ea-eb))
	}
	return cmp.Compare(ca, cb)
}

// scaledCmp compares x × 10^k with y (1 ≤ k ≤ 18, |x|, |y| < 10^18). When
// x × 10^k is out of int64 range it is beyond any such y: x's sign decides.
func scaledCmp(x, y int64, k int) int {
	p := pow10i64[k]
	if x > math.MaxInt64/p || x < math.MinInt64/p {
		if x > 0 {
			return 1
		}
		return -1
	}
	return cmp.Compare(x*p, y)
}

// pow10i64 holds 10^0 to 10^18.
var pow10i64 = [19]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}
