package calc

// CalculateDecimal is Calculate on the plain decimal accrual, for the
// property test that proves the fast accrual equal to it.
func CalculateDecimal(req *Request, opt Options) (*Result, error) {
	return calculate(req, opt, true)
}
