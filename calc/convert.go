package calc

import "github.com/shopspring/decimal"

// Convert converts m into another currency at rate (units of the other
// currency for one unit of m's), rounded half away from zero to the minor
// unit. Both currencies have two minor digits ([MinorDigits]).
//
//	Convert(100000, decimal.RequireFromString("0.18")) // 18000: 1 000.00 KZT → 180.00 RUB
func Convert(m Money, rate decimal.Decimal) Money {
	return Money(m.Decimal().Mul(rate).Shift(MinorDigits).Round(0).IntPart())
}
