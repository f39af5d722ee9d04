package calc

// Limits on the lists of a [Request]. A list longer than its limit is
// refused by [Validate] (and so by [Calculate]) with a [FieldError] naming
// the list ("loan.rate_changes"), before any of its entries is looked at.
//
// The limits bound what one calculation may cost: the engine's time and
// memory grow with the number of distinct dates in the request (payment
// dates, drawdowns, rate changes, policy rate changes, 1 January of each
// year), never with a product of list lengths, so a request with every list
// at its limit costs a small multiple of a plain loan (docs/performance.md,
// "Bounded cost of one calculation"). Each limit is several times what a
// real loan needs; the reason is given with each.
const (
	// MaxDisbursements bounds loan.disbursements: a drawdown every month
	// of a 30-year loan. Credit lines are drawn in a few tranches during
	// construction, at most monthly for a few years.
	MaxDisbursements = 360

	// MaxRateChanges bounds loan.rate_changes: a floating rate reset every
	// month of a 30-year loan (360 periods). A rate tied to a central
	// bank's rate changes with it, 8 to 12 times a year, and the
	// programmes subsidise at most the first 10 years.
	MaxRateChanges = 360

	// MaxBaseRates bounds subsidy.base_rates, a policy rate path: a rate
	// for every month of 30 years. Central banks decide 8 to 12 times a
	// year (the built-in record has about ten rows a year per country).
	MaxBaseRates = 360

	// MaxScenarioPoints bounds scenarios[i].points, the dated points of a
	// policy rate scenario: a policy rate path like subsidy.base_rates, so
	// the same reasoning and limit apply.
	MaxScenarioPoints = MaxBaseRates

	// MaxScenarioYears bounds scenarios[i].years, a scenario's yearly
	// averages: one for each calendar year a loan can touch, 1990 to 2100.
	MaxScenarioYears = 111

	// MaxScenarios bounds scenarios, the policy rate paths one calculation
	// is also run under: the Bank of Russia's three (low, base, high) and a
	// few of the user's own. Each costs a pass of the subsidy over the
	// schedule (docs/performance.md).
	MaxScenarios = 10

	// MaxFXRates bounds subsidy.fx: one exchange rate per calendar year a
	// loan can touch (1990 to 2100 is 111 years) and one without a year.
	MaxFXRates = 112

	// MaxParticipants bounds project.participants. A cooperation project
	// joins a handful of enterprises of two or more member states; 50 is
	// what the web form reads.
	MaxParticipants = 50

	// MaxContributions bounds subsidy.contributions, the member states'
	// shares in the budget: five member states today, each named once; 16
	// leaves room for enlargement.
	MaxContributions = 16
)

// within reports whether a list of n entries is within its limit, and
// otherwise names the list with the limit in both languages. Callers skip
// the entries of a list over its limit: one error says it all, and looking
// at each entry would cost what the limit is there to prevent.
func (c *checker) within(field string, n, limit int) bool {
	if n <= limit {
		return true
	}
	c.add(field, Text{
		Ru: "не более %d элементов, передано %d",
		En: "at most %d entries, got %d",
	}, limit, n)
	return false
}

// workCount is what one calculation did, counted: the cost tests compare
// requests by it instead of by time, so they do not depend on the machine.
type workCount struct {
	Periods   int // payment periods built
	Pieces    int // runs of days accrued at one balance and one set of rates
	RuleEvals int // evaluations of the subsidy rate rule
}
