package calc

import "github.com/shopspring/decimal"

// Convert converts m into another currency at rate (units of the other
// currency for one unit of m's), rounded half away from zero to the minor
// unit. Both currencies have two minor digits ([MinorDigits]).
//
//	Convert(100000, decimal.RequireFromString("0.18")) // 18000: 1 000.00 KZT → 180.00 RUB
//
// A result beyond the range of Money saturates at ±92,233,720,368,547,758.07
// instead of wrapping around (m × rate of 10^15 × 10^6 does not fit);
// callers whose inputs are not bounded by [Validate] check their range.
func Convert(m Money, rate decimal.Decimal) Money {
	v := m.Decimal().Mul(rate).Shift(MinorDigits).Round(0)
	if b := v.BigInt(); !b.IsInt64() {
		if b.Sign() < 0 {
			return -maxMoney
		}
		return maxMoney
	}
	return Money(v.IntPart())
}
