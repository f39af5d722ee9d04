package calc

// Options are the environment of a calculation.
type Options struct {
	// Rates is the book of policy rate timelines; nil uses [DefaultRateBook].
	Rates *RateBook
}

// Calculate validates req and computes its result: schedule, subsidy,
// caps, shares and checks. Invalid input returns an *[Error] of kind
// [Invalid] listing every problem; a failed eligibility check does not stop
// the calculation but appears in Result.Checks. The same request always
// gives the same result.
func Calculate(req *Request, opt Options) (*Result, error) {
	return calculate(req, opt)
}
