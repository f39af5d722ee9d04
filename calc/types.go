package calc

import (
	"bytes"
	"encoding/json"

	"github.com/shopspring/decimal"
)

// Request is one calculation: a loan, the project it finances and the
// subsidy programme applied to it. It is what the JSON API receives
// (API.md "One calculation"), what the web form and a batch row are decoded
// into and what [Calculate] takes. Only Loan.Amount, Loan.Currency,
// Loan.Rate, Loan.IssueDate, Loan.TermMonths and Subsidy.Programme are
// required; every other field has a default, taken from the programme where
// the programme fixes it.
type Request struct {
	Project Project      `json:"project"`
	Loan    Loan         `json:"loan"`
	Subsidy SubsidyTerms `json:"subsidy"`
	// DiscountRate is the annual effective rate, in percent, at which the
	// subsidy is discounted to the issue date. Default: the loan rate.
	DiscountRate *decimal.Decimal `json:"discount_rate,omitempty"`
	// Lang selects the language of check messages and error texts: "ru"
	// (default) or "en".
	Lang string `json:"lang,omitempty"`
	// Scenarios asks for the payable subsidy under policy-rate scenarios
	// (SPEC §10): built-in names or the user's own paths. The result's own
	// figures stay those of the built-in record.
	Scenarios []ScenarioRef `json:"scenarios,omitempty"`
	// Programmes lists the programmes a comparison tries (SPEC §9); empty
	// tries every built-in one. [Calculate] ignores it.
	Programmes []string `json:"programmes,omitempty"`
}

// Project is the cooperation project the loan finances.
type Project struct {
	Name         string        `json:"name,omitempty"`
	Participants []Participant `json:"participants,omitempty"`
}

// Participant is one enterprise of the project. Share is its part of the
// project in percent; the shares of all participants add up to 100.
type Participant struct {
	Name    string          `json:"name,omitempty"`
	Country string          `json:"country"`
	Share   decimal.Decimal `json:"share"`
}

// Loan holds the contract terms.
type Loan struct {
	// Amount is the principal lent, in the loan currency, at most two
	// decimal places.
	Amount decimal.Decimal `json:"amount"`
	// Currency is the ISO 4217 code of the loan.
	Currency string `json:"currency"`
	// Rate is the contract rate from the issue date, percent a year; a
	// pointer so that a missing rate is an error rather than 0 %.
	Rate *decimal.Decimal `json:"rate"`
	// IssueDate is the day the loan is issued; payment dates count from it.
	IssueDate Date `json:"issue_date"`
	// TermMonths is the term; a whole number of payment periods.
	TermMonths int `json:"term_months"`
	// Repayment is "annuity" (default), "equal_principal" or "bullet".
	Repayment string `json:"repayment,omitempty"`
	// Frequency is "monthly" (default), "quarterly", "semiannual" or "annual".
	Frequency string `json:"frequency,omitempty"`
	// GraceMonths are principal-free months at the start, a whole number of
	// periods shorter than the term.
	GraceMonths int `json:"grace_months,omitempty"`
	// DayCount is "act/act" (default), "act/365", "act/360" or "30/360".
	DayCount string `json:"day_count,omitempty"`
	// Disbursements default to the whole amount on the issue date.
	Disbursements []Disbursement `json:"disbursements,omitempty"`
	// RateChanges change the contract rate from their dates on.
	RateChanges []RatePoint `json:"rate_changes,omitempty"`
}

// Disbursement is one drawdown of the loan.
type Disbursement struct {
	Date   Date            `json:"date"`
	Amount decimal.Decimal `json:"amount"`
}

// RatePoint is a rate, percent a year, in force from Date until the next
// point.
type RatePoint struct {
	Date Date            `json:"date"`
	Rate decimal.Decimal `json:"rate"`
}

// SubsidyTerms chooses the programme and overrides its parameters.
type SubsidyTerms struct {
	// Programme is a preset id: see [Programmes].
	Programme string `json:"programme"`
	// BaseRates replace the built-in policy rate timeline (a forecast
	// scenario): each rate holds from its date until the next one.
	BaseRates []RatePoint `json:"base_rates,omitempty"`
	// BaseCountry takes the policy rate of this member state instead of
	// the one of the loan currency's state.
	BaseCountry string `json:"base_country,omitempty"`
	// Rule overrides terms of the programme's subsidy rate rule.
	Rule *RuleOverride `json:"rule,omitempty"`
	// AnnualCap: absent keeps the programme's cap, null removes it.
	AnnualCap OptionalCap `json:"annual_cap"`
	// FX gives units of the cap currency for one unit of the loan currency,
	// per year (Year set) or for every other year (Year nil).
	FX []FXRate `json:"fx,omitempty"`
	// Start and End bound the subsidy window [Start, End); by default it
	// runs from the issue date for the programme's maximum term.
	Start *Date `json:"start,omitempty"`
	End   *Date `json:"end,omitempty"`
	// Contributions override the member states' shares in the budget
	// (percent, adding up to 100).
	Contributions []CountryShare `json:"contributions,omitempty"`
	// MaxTermMonths overrides the programme's maximum subsidy term.
	MaxTermMonths *int `json:"max_term_months,omitempty"`
}

// RuleOverride holds the terms of the subsidy rate rule (SPEC §3)
//
//	subsidy rate = max(0, min(a × base + b − e × loan, c × loan, loan − floor))
//
// given in a request; a nil field keeps the programme's value (or leaves the
// term out of the min when the programme has none).
type RuleOverride struct {
	BaseShare     *decimal.Decimal `json:"base_share,omitempty"`     // a, a fraction (0.7)
	PlusPoints    *decimal.Decimal `json:"plus_points,omitempty"`    // b, percentage points
	MinusLoan     *bool            `json:"minus_loan,omitempty"`     // e: true subtracts the loan rate
	LoanShare     *decimal.Decimal `json:"loan_share,omitempty"`     // c, a fraction (0.4)
	BorrowerFloor *decimal.Decimal `json:"borrower_floor,omitempty"` // floor, percent
	BaseFixing    *string          `json:"base_fixing,omitempty"`    // daily | period_start | payment_date
	// FloorBaseShare (f) ties the borrower's floor to the policy rate:
	// the floor term becomes loan − (f × base + borrower_floor). See rule.go.
	FloorBaseShare *decimal.Decimal `json:"floor_base_share,omitempty"`
	// Steps change the rule's terms from a loan year on (SPEC §9); they
	// replace the programme's steps.
	Steps []RuleStep `json:"steps,omitempty"`
}

// Cap is an annual cap on the paid subsidy: Amount in Currency per
// calendar year.
type Cap struct {
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
}

// OptionalCap distinguishes an absent annual_cap (Set false: the programme's
// cap), an explicit null (Set true, Cap nil: no cap) and a given cap.
type OptionalCap struct {
	Set bool
	Cap *Cap
}

// UnmarshalJSON records that the field was present, and whether it was null.
func (o *OptionalCap) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Cap = nil
		return nil
	}
	var c Cap
	if err := json.Unmarshal(b, &c); err != nil {
		return err
	}
	o.Cap = &c
	return nil
}

// MarshalJSON writes null for "no cap" and the cap otherwise; an unset
// OptionalCap is written as null too, so give it only when Set.
func (o OptionalCap) MarshalJSON() ([]byte, error) {
	if o.Cap == nil {
		return []byte("null"), nil
	}
	return json.Marshal(o.Cap)
}

// IsZero lets encoding/json omit an unset cap with omitzero.
func (o OptionalCap) IsZero() bool { return !o.Set }

// FXRate is an exchange rate for the cap: units of the cap currency for one
// unit of the loan currency, for Year or, when Year is nil, every year not
// listed.
type FXRate struct {
	Year *int            `json:"year,omitempty"`
	Rate decimal.Decimal `json:"rate"`
}

// CountryShare is a member state's share in percent.
type CountryShare struct {
	Country string          `json:"country"`
	Share   decimal.Decimal `json:"share"`
}

// Result is the outcome of [Calculate].
type Result struct {
	// Currency of every Money value in the result.
	Currency string `json:"currency"`
	// Eligible is false when an eligibility check fails (SPEC §6). An
	// ineligible loan is paid nothing: every SubsidyPayable is 0 and the
	// borrower's figures, present value, grant element and budget shares
	// are those of a loan without support, while Subsidy and SubsidyPaid
	// keep what the programme would pay if the conditions were met.
	Eligible bool     `json:"eligible"`
	Schedule []Period `json:"schedule"`
	Years    []Year   `json:"years"`
	Totals   Totals   `json:"totals"`
	// EffectiveRates are the borrower's XIRR, percent a year.
	EffectiveRates EffectiveRates `json:"effective_rates"`
	// SubsidyPresentValue is the payable subsidy discounted to the issue
	// date, in minor units (half away from zero).
	SubsidyPresentValue Money `json:"subsidy_present_value"`
	// DiscountRate used for the present value, percent a year.
	DiscountRate decimal.Decimal `json:"discount_rate"`
	// GrantElement is SubsidyPresentValue / amount × 100, percent, 4 places.
	GrantElement decimal.Decimal `json:"grant_element"`
	// BudgetShares split the payable subsidy among the member states that
	// fund the programme (each year split separately, then summed).
	BudgetShares []CountryAmount `json:"budget_shares"`
	// Participants split the payable subsidy by the participants' shares.
	Participants []ParticipantAmount `json:"participants"`
	// Countries sums benefit and contribution by member state.
	Countries []CountryPosition `json:"countries"`
	Checks    []Check           `json:"checks"`
	Programme ProgrammeRef      `json:"programme"`
	// Scenarios is the payable subsidy under each scenario the request
	// asked for (nil when it asked for none).
	Scenarios []ScenarioResult `json:"scenarios,omitempty"`
	// SensitivityPerPP is the change in the total payable subsidy when the
	// policy rate is 1 percentage point higher on every day (set with
	// Scenarios).
	SensitivityPerPP *Money `json:"sensitivity_per_pp,omitempty"`

	// The backing arrays of BudgetShares and the years' budget shares
	// (one array), and of the years' caps, kept for a calculation into
	// this Result (Options.Into).
	shareRows []CountryAmount
	caps      []Money
	// plan is the plan of the last calculation into this Result, whose
	// memory the next one reuses (newPlanIn). It keeps that calculation's
	// request reachable until then.
	plan *plan
}

// Period is one row of the repayment schedule: the days [Start, End) and the
// payment on End.
type Period struct {
	N     int  `json:"n"`
	Start Date `json:"start"`
	End   Date `json:"end"`
	Days  int  `json:"days"`
	// OpeningBalance is the balance on Start after the issue-date drawdown;
	// Drawdown the sum of later drawdowns inside the period.
	OpeningBalance Money `json:"opening_balance"`
	Drawdown       Money `json:"drawdown"`
	Interest       Money `json:"interest"`
	Principal      Money `json:"principal"`
	// Payment = Interest + Principal, paid on End.
	Payment        Money `json:"payment"`
	ClosingBalance Money `json:"closing_balance"`
	// ContractRate, BaseRate and SubsidyRate are in force on Start (or, for
	// base rates fixed on the payment date, on End), percent a year. When a
	// rate changes inside the period RatesVary is true and the amounts use
	// every rate for its own days.
	ContractRate decimal.Decimal `json:"contract_rate"`
	BaseRate     decimal.Decimal `json:"base_rate"`
	SubsidyRate  decimal.Decimal `json:"subsidy_rate"`
	RatesVary    bool            `json:"rates_vary,omitempty"`
	// Subsidy is what the rule gives for the period; SubsidyPaid what is
	// left after the annual cap: what the programme would pay if the
	// conditions were met. SubsidyPayable is what is really paid:
	// SubsidyPaid for an eligible loan, 0 for an ineligible one.
	Subsidy        Money `json:"subsidy"`
	SubsidyPaid    Money `json:"subsidy_paid"`
	SubsidyPayable Money `json:"subsidy_payable"`
	// BorrowerInterest = Interest − SubsidyPayable; BorrowerPayment =
	// Payment − SubsidyPayable.
	BorrowerInterest Money `json:"borrower_interest"`
	BorrowerPayment  Money `json:"borrower_payment"`
}

// Year sums the periods whose payment date falls in the year.
type Year struct {
	Year             int   `json:"year"`
	Interest         Money `json:"interest"`
	Principal        Money `json:"principal"`
	Subsidy          Money `json:"subsidy"`
	SubsidyPaid      Money `json:"subsidy_paid"`
	SubsidyPayable   Money `json:"subsidy_payable"`
	BorrowerInterest Money `json:"borrower_interest"`
	// Cap is the annual cap in the loan currency (nil: no cap); CapUsed the
	// part of it the payable subsidy takes (0 for an ineligible loan);
	// CapReached whether the cap cut the rule's subsidy in this year.
	Cap        *Money `json:"cap"`
	CapUsed    Money  `json:"cap_used"`
	CapReached bool   `json:"cap_reached"`
	// FXRate used to convert the cap (nil when no conversion was needed).
	FXRate       *decimal.Decimal `json:"fx_rate,omitempty"`
	BudgetShares []CountryAmount  `json:"budget_shares"`
}

// Totals sums the whole schedule.
type Totals struct {
	Drawdowns        Money `json:"drawdowns"`
	Interest         Money `json:"interest"`
	Principal        Money `json:"principal"`
	Subsidy          Money `json:"subsidy"`
	SubsidyPaid      Money `json:"subsidy_paid"`
	SubsidyPayable   Money `json:"subsidy_payable"`
	BorrowerInterest Money `json:"borrower_interest"`
	Payments         Money `json:"payments"`
	BorrowerPayments Money `json:"borrower_payments"`
}

// EffectiveRates are annual effective rates (XIRR on act/365 years) of the
// borrower's dated cash flows, percent, 4 decimal places. Converged is false
// when the solver found no rate; the rates are then zero and a check says so.
type EffectiveRates struct {
	WithoutSubsidy decimal.Decimal `json:"without_subsidy"`
	WithSubsidy    decimal.Decimal `json:"with_subsidy"`
	Converged      bool            `json:"converged"`
}

// CountryAmount is a member state's share (percent) and amount.
type CountryAmount struct {
	Country string          `json:"country"`
	Share   decimal.Decimal `json:"share"`
	Amount  Money           `json:"amount"`
}

// ParticipantAmount is a participant's part of the paid subsidy.
type ParticipantAmount struct {
	Name    string          `json:"name,omitempty"`
	Country string          `json:"country"`
	Share   decimal.Decimal `json:"share"`
	Subsidy Money           `json:"subsidy"`
}

// CountryPosition is a member state's net position: what its enterprises
// receive (Benefit) minus what it pays into the budget (Contribution).
type CountryPosition struct {
	Country      string `json:"country"`
	Benefit      Money  `json:"benefit"`
	Contribution Money  `json:"contribution"`
	Net          Money  `json:"net"`
}

// Check is one condition of the programme or a warning about the inputs.
// Code is stable; [Check.Message] says it in the request's language. Its
// JSON form is {"code", "ok", "kind", "message"}.
type Check struct {
	Code string `json:"code"`
	OK   bool   `json:"ok"`
	// Kind is "eligibility" (the programme would refuse the loan when not
	// OK), "warning" (the numbers rest on an assumption) or "info".
	Kind string `json:"kind"`

	// The message is formatted when it is read, not when the check is
	// made: a batch computes every loan's checks and reads the messages of
	// the few that fail, and formatting the figures of six messages was a
	// seventh of a 12-month loan's calculation (docs/performance.md,
	// "Check messages formatted when read"). say formats it from the
	// figures its list copied when the check was made, never the plan
	// (checks.go, checkList).
	arg  int        // which of the list's checks of this code it is (checkSay)
	list *checkList // set by the calculation, with say
	say  checkSay
	text string // a decoded check's message
}

// Message returns the check's message in the request's language. It
// formats it on each call: a caller that reads it often keeps the string.
func (c Check) Message() string {
	if c.say != nil {
		return c.say(c.list, c.arg, c.OK, c.list.lang == "en")
	}
	return c.text
}

// checkJSON is the JSON form of a [Check].
type checkJSON struct {
	Code    string `json:"code"`
	OK      bool   `json:"ok"`
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// MarshalJSON writes the check with its message.
func (c Check) MarshalJSON() ([]byte, error) {
	return json.Marshal(checkJSON{c.Code, c.OK, c.Kind, c.Message()})
}

// UnmarshalJSON reads a check written by MarshalJSON (a client's copy of
// a result): its message is then the decoded text.
func (c *Check) UnmarshalJSON(b []byte) error {
	var j checkJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*c = Check{Code: j.Code, OK: j.OK, Kind: j.Kind, text: j.Message}
	return nil
}

// ProgrammeRef names the programme and the rules in force, and the
// parameters the calculation actually used.
type ProgrammeRef struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	RulesVersion string `json:"rules_version"`
	// Rule is the effective rate rule after request overrides.
	Rule RuleParams `json:"rule"`
	// Cap is the effective annual cap (nil: none).
	Cap *Cap `json:"annual_cap"`
	// BaseCountry whose policy rate was used ("" when the rule uses none).
	BaseCountry string `json:"base_country,omitempty"`
	// Window is the subsidy window [start, end).
	WindowStart Date `json:"subsidy_start"`
	WindowEnd   Date `json:"subsidy_end"`
	// Overridden lists the request fields that depart from the programme.
	Overridden []string `json:"overridden,omitempty"`
}

// RuleParams are the terms of the subsidy rate rule; a nil term is left out
// of the min. See [RuleOverride] for the formula.
type RuleParams struct {
	BaseShare     *decimal.Decimal `json:"base_share"`
	PlusPoints    *decimal.Decimal `json:"plus_points"`
	MinusLoan     bool             `json:"minus_loan"`
	LoanShare     *decimal.Decimal `json:"loan_share"`
	BorrowerFloor *decimal.Decimal `json:"borrower_floor"`
	BaseFixing    string           `json:"base_fixing"`
	// FloorBaseShare (f): the floor term is loan − (f × base +
	// BorrowerFloor); nil keeps the floor constant.
	FloorBaseShare *decimal.Decimal `json:"floor_base_share"`
	// Steps change terms from a loan year on, in order of FromYear.
	Steps []RuleStep `json:"steps,omitempty"`
}
