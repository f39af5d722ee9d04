package calc

import "github.com/shopspring/decimal"

// CalculateDecimal is Calculate on the plain decimal accrual, for the
// property test that proves the fast accrual equal to it.
func CalculateDecimal(req *Request, opt Options) (*Result, error) {
	return calculate(req, opt, true)
}

// AnnuityPayment and AnnuityPaymentBig expose the two instalment paths for
// the test that holds the double-double one to big.Float.
func AnnuityPayment(balance Money, rate decimal.Decimal, ppy, m int) Money {
	return annuityPayment(balance, newRateVal(rate), ppy, m)
}

func AnnuityPaymentBig(balance Money, rate decimal.Decimal, ppy, m int) Money {
	return annuityPaymentBig(balance, rate, ppy, m)
}
