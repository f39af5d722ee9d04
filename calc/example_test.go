package calc_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// A loan under the EAEU programme: the subsidy rate is the policy rate,
// never more than the loan's own rate. Here the policy rate is given as a
// scenario so that the numbers do not depend on the built-in record.
func ExampleCalculate() {
	rate := dec("24.5")
	req := &calc.Request{
		Project: calc.Project{Participants: []calc.Participant{
			{Country: "BY", Share: dec("40")},
			{Country: "RU", Share: dec("35")},
			{Country: "KZ", Share: dec("25")},
		}},
		Loan: calc.Loan{
			Amount: dec("1000000000.00"), Currency: "RUB", Rate: &rate,
			IssueDate: calc.MustDate("2025-03-14"), TermMonths: 60,
		},
		Subsidy: calc.SubsidyTerms{
			Programme: "eaeu-industrial",
			BaseRates: []calc.RatePoint{{Date: calc.MustDate("2025-01-01"), Rate: dec("21")}},
		},
		Lang: "en",
	}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := res.Schedule[0]
	fmt.Println("period 1:", p.Start, "to", p.End, p.Days, "days")
	fmt.Println("interest:", p.Interest, "subsidy:", p.Subsidy, "borrower pays:", p.BorrowerInterest)
	fmt.Println("payment:", p.Payment)
	fmt.Println("total subsidy:", res.Totals.SubsidyPaid)
	for _, c := range res.Checks {
		if c.Kind == calc.KindEligibility {
			fmt.Println(c.Code, c.OK)
		}
	}
	// Output:
	// period 1: 2025-03-14 to 2025-04-14 31 days
	// interest: 20808219.18 subsidy: 17835616.44 borrower pays: 2972602.74
	// payment: 29058916.37
	// total subsidy: 639337435.80
	// min_member_states true
	// member_currency true
	// rate_ceiling true
	// subsidy_term true
}

// Every problem of a request is reported at once, each naming its field.
func ExampleValidate() {
	rate := dec("120")
	req := &calc.Request{
		Loan:    calc.Loan{Amount: dec("-5"), Currency: "USDX", Rate: &rate, IssueDate: calc.MustDate("2025-01-31"), TermMonths: 13, Frequency: "quarterly"},
		Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial"},
	}
	var e *calc.Error
	if errors.As(calc.Validate(req), &e) {
		for _, f := range e.Fields {
			fmt.Printf("%s: %s\n", f.Field, f.In("en"))
		}
	}
	// Output:
	// loan.amount: must be greater than 0
	// loan.currency: unknown value "USDX"; allowed: AMD, BYN, KZT, KGS, RUB, USD, EUR, CNY
	// loan.rate: must be at most 100
	// loan.term_months: must be a whole number of quarterly periods (3 months each)
}

// Payment dates keep the issue date's day of month, or the month's last
// day when it has fewer days: never drifting as time.AddDate would.
func ExampleDate_AddMonths() {
	issue := calc.MustDate("2024-01-31")
	for k := 1; k <= 3; k++ {
		fmt.Println(issue.AddMonths(k))
	}
	// Output:
	// 2024-02-29
	// 2024-03-31
	// 2024-04-30
}
