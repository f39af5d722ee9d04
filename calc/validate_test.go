package calc_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Validation (issue 2, "What it must do"): every invalid request is refused
// with an *calc.Error of kind Invalid that names each bad field by its JSON
// path, in English and Russian, all problems at once.

func ptr[T any](v T) *T { return &v }

// validRequest is an EAEU loan every check of which the validator accepts;
// each case below breaks one (or several) of its fields.
func validRequest() *calc.Request {
	return &calc.Request{
		Project: calc.Project{Participants: []calc.Participant{
			{Name: "A", Country: "RU", Share: dec("50")},
			{Name: "B", Country: "BY", Share: dec("30")},
			{Name: "C", Country: "KZ", Share: dec("20")},
		}},
		Loan: calc.Loan{
			Amount: dec("1000000.00"), Currency: "RUB", Rate: ptr(dec("12")),
			IssueDate: calc.MustDate("2024-03-15"), TermMonths: 24,
		},
		Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial"},
	}
}

// kztCapRequest is a tenge loan under a custom programme with a cap in
// roubles: the cap needs an exchange rate for 2025, 2026 and 2027.
func kztCapRequest() *calc.Request {
	return &calc.Request{
		Loan: calc.Loan{
			Amount: dec("30000000000.00"), Currency: "KZT", Rate: ptr(dec("19.5")),
			IssueDate: calc.MustDate("2025-06-10"), TermMonths: 24,
		},
		Subsidy: calc.SubsidyTerms{
			Programme: "custom",
			BaseRates: []calc.RatePoint{{Date: calc.MustDate("2025-01-01"), Rate: dec("16.5")}},
			Rule:      &calc.RuleOverride{BaseShare: ptr(dec("1")), LoanShare: ptr(dec("1"))},
			AnnualCap: calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("350000000"), Currency: "RUB"}},
		},
	}
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// invalidCase is one refused request: want lists every field the error
// must name (and no others); contains are texts every message for
// want[0] must carry in English (allowed values, missing years).
type invalidCase struct {
	name     string
	mod      func(r *calc.Request)
	base     func() *calc.Request // default validRequest
	want     []string
	contains []string
	absent   []string // texts the English message of want[0] must not carry
}

var allowedProgrammes = []string{"eaeu-industrial", "ru-industrial-0.7", "kz-isker-aimak", "by-refinancing-share", "union-state", "custom"}

func invalidCases() []invalidCase {
	// shopspring/decimal refuses to parse exponents beyond 10000; a Go
	// caller can still build these.
	huge := decimal.New(1, 999999999)
	tiny := decimal.New(1, -999999999)
	return []invalidCase{
		// Amount.
		{name: "amount zero", mod: func(r *calc.Request) { r.Loan.Amount = dec("0") }, want: []string{"loan.amount"}},
		{name: "amount unset", mod: func(r *calc.Request) { r.Loan.Amount = decimal.Decimal{} }, want: []string{"loan.amount"}},
		{name: "amount negative", mod: func(r *calc.Request) { r.Loan.Amount = dec("-100") }, want: []string{"loan.amount"}},
		{name: "amount above 10^15", mod: func(r *calc.Request) { r.Loan.Amount = dec("1000000000000000.01") }, want: []string{"loan.amount"}},
		{name: "amount 10^16", mod: func(r *calc.Request) { r.Loan.Amount = dec("1e16") }, want: []string{"loan.amount"}},
		{name: "amount three decimal places", mod: func(r *calc.Request) { r.Loan.Amount = dec("1000.005") }, want: []string{"loan.amount"}},
		{name: "amount 1e999999999", mod: func(r *calc.Request) { r.Loan.Amount = huge }, want: []string{"loan.amount"}},
		{name: "amount 1e-999999999", mod: func(r *calc.Request) { r.Loan.Amount = tiny }, want: []string{"loan.amount"}},
		{name: "amount with 60 digits", mod: func(r *calc.Request) {
			r.Loan.Amount = dec("123456789012345678901234567890123456789012345678901234567890")
		}, want: []string{"loan.amount"}},

		// Rate.
		{name: "rate missing", mod: func(r *calc.Request) { r.Loan.Rate = nil }, want: []string{"loan.rate"}},
		{name: "rate negative", mod: func(r *calc.Request) { r.Loan.Rate = ptr(dec("-0.000001")) }, want: []string{"loan.rate"}},
		{name: "rate above 100", mod: func(r *calc.Request) { r.Loan.Rate = ptr(dec("100.000001")) }, want: []string{"loan.rate"}},
		{name: "rate seven decimal places", mod: func(r *calc.Request) { r.Loan.Rate = ptr(dec("12.1234567")) }, want: []string{"loan.rate"}},
		{name: "rate 1e999999999", mod: func(r *calc.Request) { r.Loan.Rate = &huge }, want: []string{"loan.rate"}},
		{name: "rate 1e-999999999", mod: func(r *calc.Request) { r.Loan.Rate = &tiny }, want: []string{"loan.rate"}},

		// Term.
		{name: "term zero", mod: func(r *calc.Request) { r.Loan.TermMonths = 0 }, want: []string{"loan.term_months"}},
		{name: "term negative", mod: func(r *calc.Request) { r.Loan.TermMonths = -12 }, want: []string{"loan.term_months"}},
		{name: "term 601 months", mod: func(r *calc.Request) { r.Loan.TermMonths = 601 }, want: []string{"loan.term_months"}},
		{name: "term 612 annual", mod: func(r *calc.Request) { r.Loan.TermMonths, r.Loan.Frequency = 612, "annual" }, want: []string{"loan.term_months"}},
		{name: "term not whole quarters", mod: func(r *calc.Request) { r.Loan.TermMonths, r.Loan.Frequency = 13, "quarterly" }, want: []string{"loan.term_months"}},
		{name: "term not whole half-years", mod: func(r *calc.Request) { r.Loan.TermMonths, r.Loan.Frequency = 27, "semiannual" }, want: []string{"loan.term_months"}},
		{name: "term not whole years", mod: func(r *calc.Request) { r.Loan.TermMonths, r.Loan.Frequency = 18, "annual" }, want: []string{"loan.term_months"}},
		{name: "maturity after 2100", mod: func(r *calc.Request) {
			r.Loan.IssueDate, r.Loan.TermMonths = calc.MustDate("2100-06-01"), 12
		}, want: []string{"loan.term_months"}},

		// Dates.
		{name: "issue date missing", mod: func(r *calc.Request) { r.Loan.IssueDate = 0 }, want: []string{"loan.issue_date"}},
		{name: "issue date before 1990", mod: func(r *calc.Request) { r.Loan.IssueDate = calc.MustDate("1989-12-31") }, want: []string{"loan.issue_date"}},
		{name: "issue date after 2100", mod: func(r *calc.Request) { r.Loan.IssueDate = calc.MustDate("2101-01-01") }, want: []string{"loan.issue_date"}},
		{name: "issue date year 1", mod: func(r *calc.Request) { r.Loan.IssueDate = calc.MustDate("0001-01-01") }, want: []string{"loan.issue_date"}},

		// Grace.
		{name: "grace equal to term", mod: func(r *calc.Request) { r.Loan.GraceMonths = 24 }, want: []string{"loan.grace_months"}},
		{name: "grace longer than term", mod: func(r *calc.Request) { r.Loan.GraceMonths = 36 }, want: []string{"loan.grace_months"}},
		{name: "grace negative", mod: func(r *calc.Request) { r.Loan.GraceMonths = -1 }, want: []string{"loan.grace_months"}},
		{name: "grace not whole quarters", mod: func(r *calc.Request) {
			r.Loan.Frequency, r.Loan.GraceMonths = "quarterly", 4
		}, want: []string{"loan.grace_months"}},

		// Participants.
		{name: "participant shares add up to 90", mod: func(r *calc.Request) {
			r.Project.Participants[2].Share = dec("10")
		}, want: []string{"project.participants"}, contains: []string{"90", "100"}},
		{name: "participant shares add up to 100.000001", mod: func(r *calc.Request) {
			r.Project.Participants[2].Share = dec("20.000001")
		}, want: []string{"project.participants"}},
		{name: "participant shares add up to 99.9999999 in long decimals", mod: func(r *calc.Request) {
			r.Project.Participants[2].Share = dec(r.Project.Participants[2].Share.String() + ".0000000000000000000000")
			r.Project.Participants[1].Share = r.Project.Participants[1].Share.Sub(dec("0.000001"))
		}, want: []string{"project.participants"}, contains: []string{"99.999999"}},
		{name: "participant share zero", mod: func(r *calc.Request) {
			r.Project.Participants[1].Share = dec("50")
			r.Project.Participants[2].Share = dec("0")
		}, want: []string{"project.participants[2].share"}},
		{name: "participant share negative", mod: func(r *calc.Request) {
			r.Project.Participants[1].Share = dec("60")
			r.Project.Participants[2].Share = dec("-10")
		}, want: []string{"project.participants[2].share"}},
		{name: "participant share seven places", mod: func(r *calc.Request) {
			r.Project.Participants[0].Share = dec("49.9999999")
			r.Project.Participants[1].Share = dec("30.0000001")
		}, want: []string{"project.participants[0].share", "project.participants[1].share"}},
		{name: "participant share 1e999999999", mod: func(r *calc.Request) {
			r.Project.Participants[2].Share = huge
		}, want: []string{"project.participants[2].share"}},
		{name: "participant unknown country", mod: func(r *calc.Request) {
			r.Project.Participants[1].Country = "UA"
		}, want: []string{"project.participants[1].country"}, contains: []string{`"UA"`, "AM", "BY", "KZ", "KG", "RU"}},
		{name: "participant country missing", mod: func(r *calc.Request) {
			r.Project.Participants[0].Country = ""
		}, want: []string{"project.participants[0].country"}, contains: []string{"AM", "BY", "KZ", "KG", "RU"}},
		{name: "participant country lower case", mod: func(r *calc.Request) {
			r.Project.Participants[2].Country = "kz"
		}, want: []string{"project.participants[2].country"}},

		// Disbursements.
		{name: "disbursements short of the amount", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("600000")},
				{Date: calc.MustDate("2024-06-01"), Amount: dec("399999.99")},
			}
		}, want: []string{"loan.disbursements"}, contains: []string{"999999.99", "1000000.00"}},
		{name: "disbursements over the amount", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("600000")},
				{Date: calc.MustDate("2024-06-01"), Amount: dec("400000.01")},
			}
		}, want: []string{"loan.disbursements"}},
		{name: "disbursement before issue", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("600000")},
				{Date: calc.MustDate("2024-03-14"), Amount: dec("400000")},
			}
		}, want: []string{"loan.disbursements[1].date"}},
		{name: "disbursement on maturity", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("600000")},
				{Date: calc.MustDate("2026-03-15"), Amount: dec("400000")},
			}
		}, want: []string{"loan.disbursements[1].date"}},
		{name: "disbursement after maturity", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2027-01-01"), Amount: dec("1000000")},
			}
		}, want: []string{"loan.disbursements[0].date"}},
		{name: "disbursement date missing", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{{Amount: dec("1000000")}}
		}, want: []string{"loan.disbursements[0].date"}},
		{name: "disbursement amount zero", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("1000000")},
				{Date: calc.MustDate("2024-04-15"), Amount: dec("0")},
			}
		}, want: []string{"loan.disbursements[1].amount"}},
		{name: "disbursement amount three places", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("999999.995")},
				{Date: calc.MustDate("2024-04-15"), Amount: dec("0.005")},
			}
		}, want: []string{"loan.disbursements[0].amount", "loan.disbursements[1].amount"}},

		// Rate paths.
		{name: "rate change dates repeat", mod: func(r *calc.Request) {
			r.Loan.RateChanges = []calc.RatePoint{
				{Date: calc.MustDate("2024-09-01"), Rate: dec("13")},
				{Date: calc.MustDate("2024-09-01"), Rate: dec("14")},
			}
		}, want: []string{"loan.rate_changes[1].date"}, contains: []string{"2024-09-01"}},
		{name: "rate change before issue", mod: func(r *calc.Request) {
			r.Loan.RateChanges = []calc.RatePoint{{Date: calc.MustDate("2024-01-01"), Rate: dec("13")}}
		}, want: []string{"loan.rate_changes[0].date"}},
		{name: "rate change after maturity", mod: func(r *calc.Request) {
			r.Loan.RateChanges = []calc.RatePoint{{Date: calc.MustDate("2026-04-01"), Rate: dec("13")}}
		}, want: []string{"loan.rate_changes[0].date"}},
		{name: "rate change above 100", mod: func(r *calc.Request) {
			r.Loan.RateChanges = []calc.RatePoint{{Date: calc.MustDate("2024-09-01"), Rate: dec("101")}}
		}, want: []string{"loan.rate_changes[0].rate"}},
		{name: "rate change seven places", mod: func(r *calc.Request) {
			r.Loan.RateChanges = []calc.RatePoint{{Date: calc.MustDate("2024-09-01"), Rate: dec("13.0000001")}}
		}, want: []string{"loan.rate_changes[0].rate"}},
		{name: "base rate dates repeat", mod: func(r *calc.Request) {
			r.Subsidy.BaseRates = []calc.RatePoint{
				{Date: calc.MustDate("2024-01-01"), Rate: dec("16")},
				{Date: calc.MustDate("2024-07-29"), Rate: dec("18")},
				{Date: calc.MustDate("2024-01-01"), Rate: dec("15")},
			}
		}, want: []string{"subsidy.base_rates[2].date"}, contains: []string{"2024-01-01"}},
		{name: "base rate negative", mod: func(r *calc.Request) {
			r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("2024-01-01"), Rate: dec("-1")}}
		}, want: []string{"subsidy.base_rates[0].rate"}},
		{name: "base rate 1e999999999", mod: func(r *calc.Request) {
			r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("2024-01-01"), Rate: huge}}
		}, want: []string{"subsidy.base_rates[0].rate"}},
		{name: "base rate date before 1990", mod: func(r *calc.Request) {
			r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("1989-01-01"), Rate: dec("16")}}
		}, want: []string{"subsidy.base_rates[0].date"}},

		// Enumerations: the message names the allowed values.
		{name: "programme unknown", mod: func(r *calc.Request) { r.Subsidy.Programme = "eaeu" },
			want: []string{"subsidy.programme"}, contains: append([]string{`"eaeu"`}, allowedProgrammes...)},
		{name: "programme missing", mod: func(r *calc.Request) { r.Subsidy.Programme = "" },
			want: []string{"subsidy.programme"}, contains: allowedProgrammes},
		{name: "currency unknown", mod: func(r *calc.Request) { r.Loan.Currency = "GBP" },
			want: []string{"loan.currency"}, contains: []string{`"GBP"`, "AMD", "BYN", "KZT", "KGS", "RUB", "USD", "EUR", "CNY"}},
		{name: "currency missing", mod: func(r *calc.Request) { r.Loan.Currency = "" },
			want: []string{"loan.currency"}, contains: []string{"AMD", "BYN", "KZT", "KGS", "RUB"}},
		{name: "day count unknown", mod: func(r *calc.Request) { r.Loan.DayCount = "30/365" },
			want: []string{"loan.day_count"}, contains: []string{"act/act", "act/365", "act/360", "30/360"}},
		{name: "repayment unknown", mod: func(r *calc.Request) { r.Loan.Repayment = "balloon" },
			want: []string{"loan.repayment"}, contains: []string{`"balloon"`, "annuity", "equal_principal", "bullet"}},
		{name: "frequency unknown", mod: func(r *calc.Request) { r.Loan.Frequency = "weekly" },
			want: []string{"loan.frequency"}, contains: []string{`"weekly"`, "monthly", "quarterly", "semiannual", "annual"}},
		{name: "base fixing unknown", mod: func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{BaseFixing: ptr("monthly")}
		}, want: []string{"subsidy.rule.base_fixing"}, contains: []string{`"monthly"`, "daily", "period_start", "payment_date"}},
		{name: "base country unknown", mod: func(r *calc.Request) { r.Subsidy.BaseCountry = "CN" },
			want: []string{"subsidy.base_country"}, contains: []string{`"CN"`, "AM", "BY", "KZ", "KG", "RU"}},
		{name: "lang unknown", mod: func(r *calc.Request) { r.Lang = "de" },
			want: []string{"lang"}, contains: []string{"ru", "en"}},
		{name: "cap currency unknown", mod: func(r *calc.Request) {
			r.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("1000"), Currency: "XXX"}}
		}, want: []string{"subsidy.annual_cap.currency"}, contains: []string{"RUB", "USD"}},
		{name: "contribution country unknown", mod: func(r *calc.Request) {
			r.Subsidy.Contributions = []calc.CountryShare{{Country: "RU", Share: dec("60")}, {Country: "GE", Share: dec("40")}}
		}, want: []string{"subsidy.contributions[1].country"}, contains: []string{"AM", "BY", "KZ", "KG", "RU"}},
		{name: "contributions add up to 99", mod: func(r *calc.Request) {
			r.Subsidy.Contributions = []calc.CountryShare{{Country: "RU", Share: dec("60")}, {Country: "BY", Share: dec("39")}}
		}, want: []string{"subsidy.contributions"}},

		// Caps and exchange rates.
		{name: "cap in roubles on a tenge loan without fx", base: kztCapRequest, mod: func(r *calc.Request) {},
			want: []string{"subsidy.fx"}, contains: []string{"RUB", "KZT", "2025", "2026", "2027"}},
		{name: "eaeu programme cap on a tenge loan without fx", mod: func(r *calc.Request) {
			r.Loan.Currency = "KZT"
		}, want: []string{"subsidy.fx"}, contains: []string{"RUB", "KZT", "2024", "2025", "2026"}},
		{name: "fx for some years only", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Year: ptr(2025), Rate: dec("0.18")}}
		}, want: []string{"subsidy.fx"}, contains: []string{"2026", "2027"}, absent: []string{"2025"}},
		{name: "fx for the wrong years", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Year: ptr(2024), Rate: dec("0.18")}, {Year: ptr(2026), Rate: dec("0.19")}}
		}, want: []string{"subsidy.fx"}, contains: []string{"2025", "2027"}, absent: []string{"2026"}},
		{name: "fx rate zero", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Rate: dec("0")}}
		}, want: []string{"subsidy.fx[0].rate"}},
		{name: "fx rate 1e999999999", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Rate: huge}}
		}, want: []string{"subsidy.fx[0].rate"}},
		{name: "fx year repeated", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Year: ptr(2025), Rate: dec("0.18")}, {Year: ptr(2025), Rate: dec("0.19")}, {Rate: dec("0.2")}}
		}, want: []string{"subsidy.fx[1].year"}},
		{name: "fx two rates without a year", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Rate: dec("0.18")}, {Rate: dec("0.19")}}
		}, want: []string{"subsidy.fx[1].year"}},
		{name: "fx year 1900", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Subsidy.FX = []calc.FXRate{{Year: ptr(1900), Rate: dec("0.18")}, {Rate: dec("0.19")}}
		}, want: []string{"subsidy.fx[0].year"}},
		{name: "cap amount zero", mod: func(r *calc.Request) {
			r.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("0"), Currency: "RUB"}}
		}, want: []string{"subsidy.annual_cap.amount"}},
		{name: "cap amount 1e999999999", mod: func(r *calc.Request) {
			r.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: huge, Currency: "RUB"}}
		}, want: []string{"subsidy.annual_cap.amount"}},

		// The rate rule.
		{name: "custom programme without a rule", mod: func(r *calc.Request) {
			r.Subsidy.Programme = "custom"
		}, want: []string{"subsidy.rule"}, contains: []string{"base_share", "plus_points", "loan_share", "borrower_floor"}},
		{name: "custom programme with only a fixing", mod: func(r *calc.Request) {
			r.Subsidy.Programme = "custom"
			r.Subsidy.Rule = &calc.RuleOverride{BaseFixing: ptr("daily"), MinusLoan: ptr(true)}
		}, want: []string{"subsidy.rule"}},
		{name: "rule base share negative", mod: func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{BaseShare: ptr(dec("-0.5"))}
		}, want: []string{"subsidy.rule.base_share"}},
		{name: "rule base share 1e999999999", mod: func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{BaseShare: &huge}
		}, want: []string{"subsidy.rule.base_share"}},
		{name: "rule loan share above 1", mod: func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{LoanShare: ptr(dec("1.5"))}
		}, want: []string{"subsidy.rule.loan_share"}},
		{name: "rule borrower floor above 100", mod: func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{BorrowerFloor: ptr(dec("101"))}
		}, want: []string{"subsidy.rule.borrower_floor"}},
		{name: "rule plus points below -100", mod: func(r *calc.Request) {
			r.Subsidy.Rule = &calc.RuleOverride{PlusPoints: ptr(dec("-100.5"))}
		}, want: []string{"subsidy.rule.plus_points"}},

		// The subsidy window and term.
		{name: "max term zero", mod: func(r *calc.Request) { r.Subsidy.MaxTermMonths = ptr(0) }, want: []string{"subsidy.max_term_months"}},
		{name: "max term 601", mod: func(r *calc.Request) { r.Subsidy.MaxTermMonths = ptr(601) }, want: []string{"subsidy.max_term_months"}},
		{name: "subsidy start before issue", mod: func(r *calc.Request) {
			r.Subsidy.Start = ptr(calc.MustDate("2024-03-14"))
		}, want: []string{"subsidy.start"}},
		{name: "subsidy start after maturity", mod: func(r *calc.Request) {
			r.Subsidy.Start = ptr(calc.MustDate("2026-03-16"))
		}, want: []string{"subsidy.start"}},
		{name: "subsidy end before start", mod: func(r *calc.Request) {
			r.Subsidy.Start = ptr(calc.MustDate("2025-01-01"))
			r.Subsidy.End = ptr(calc.MustDate("2024-12-31"))
		}, want: []string{"subsidy.end"}},
		{name: "subsidy end on issue date", mod: func(r *calc.Request) {
			r.Subsidy.End = ptr(calc.MustDate("2024-03-15"))
		}, want: []string{"subsidy.end"}},
		{name: "subsidy end before 1990", mod: func(r *calc.Request) {
			r.Subsidy.End = ptr(calc.MustDate("1980-01-01"))
		}, want: []string{"subsidy.end"}},

		// Other.
		{name: "discount rate negative", mod: func(r *calc.Request) { r.DiscountRate = ptr(dec("-1")) }, want: []string{"discount_rate"}},
		{name: "discount rate 1e999999999", mod: func(r *calc.Request) { r.DiscountRate = &huge }, want: []string{"discount_rate"}},

		// Several problems at once.
		{name: "everything missing", base: func() *calc.Request { return &calc.Request{} }, mod: func(r *calc.Request) {},
			want: []string{"subsidy.programme", "loan.amount", "loan.currency", "loan.rate", "loan.issue_date", "loan.term_months"}},
		{name: "five problems in loan and project", mod: func(r *calc.Request) {
			r.Loan.Amount = dec("-1")
			r.Loan.Rate = ptr(dec("150"))
			r.Loan.DayCount = "act/364"
			r.Loan.GraceMonths = -3
			r.Project.Participants[1].Country = "XX"
			r.Project.Participants[2].Share = dec("0")
		}, want: []string{"loan.amount", "loan.rate", "loan.day_count", "loan.grace_months",
			"project.participants[1].country", "project.participants[2].share"}},
		{name: "disbursement and rate path problems together", mod: func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-10"), Amount: dec("500000")},
				{Date: calc.MustDate("2030-01-01"), Amount: dec("500000")},
			}
			r.Loan.RateChanges = []calc.RatePoint{
				{Date: calc.MustDate("2025-01-01"), Rate: dec("13")},
				{Date: calc.MustDate("2025-01-01"), Rate: dec("14")},
			}
			r.Subsidy.BaseRates = []calc.RatePoint{
				{Date: calc.MustDate("2024-01-01"), Rate: dec("16")},
				{Date: calc.MustDate("2024-01-01"), Rate: dec("16")},
			}
			r.Subsidy.Rule = &calc.RuleOverride{BaseFixing: ptr("weekly")}
		}, want: []string{"loan.disbursements[0].date", "loan.disbursements[1].date", "loan.rate_changes[1].date",
			"subsidy.base_rates[1].date", "subsidy.rule.base_fixing"}},
		{name: "absurd numbers everywhere", mod: func(r *calc.Request) {
			r.Loan.Amount = huge
			r.Loan.Rate = &huge
			r.Project.Participants[0].Share = huge
			r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("2024-01-01"), Rate: huge}}
			r.DiscountRate = &tiny
		}, want: []string{"loan.amount", "loan.rate", "project.participants[0].share", "subsidy.base_rates[0].rate", "discount_rate"}},
		// A missing exchange rate is found only after the loan's dates are
		// known; it must still be reported with the other problems (issue 2:
		// "return every problem at once").
		{name: "missing fx together with a bad rate", mod: func(r *calc.Request) {
			r.Loan.Currency = "KZT"
			r.Loan.Rate = ptr(dec("200"))
		}, want: []string{"loan.rate", "subsidy.fx"}},
		{name: "missing fx together with a bad participant", base: kztCapRequest, mod: func(r *calc.Request) {
			r.Project.Participants = []calc.Participant{{Country: "KZ", Share: dec("99")}}
		}, want: []string{"project.participants", "subsidy.fx"}},
	}
}

// calculateQuickly runs Calculate and fails the test if it takes more than
// a few seconds (an absurd decimal must not make it hang).
func calculateQuickly(t *testing.T, req *calc.Request) (*calc.Result, error) {
	t.Helper()
	type out struct {
		res *calc.Result
		err error
	}
	ch := make(chan out, 1)
	go func() {
		res, err := calc.Calculate(req, calc.Options{})
		ch <- out{res, err}
	}()
	select {
	case o := <-ch:
		return o.res, o.err
	case <-time.After(5 * time.Second):
		t.Fatalf("Calculate did not return within 5 s")
		return nil, nil
	}
}

func TestValidateRefuses(t *testing.T) {
	cases := invalidCases()
	if len(cases) < 60 {
		t.Fatalf("only %d invalid cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("case name %q repeats", tc.name)
		}
		seen[tc.name] = true
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			base := tc.base
			if base == nil {
				base = validRequest
			}
			req := base()
			tc.mod(req)
			start := time.Now()
			res, err := calculateQuickly(t, req)
			if d := time.Since(start); d > time.Second {
				t.Errorf("Calculate took %v", d)
			}
			if err == nil {
				t.Fatalf("accepted (%d periods); want an error on %v", len(res.Schedule), tc.want)
			}
			var e *calc.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *calc.Error", err, err)
			}
			if e.Kind != calc.Invalid {
				t.Errorf("kind %v, want Invalid", e.Kind)
			}
			got := map[string]bool{}
			for _, f := range e.Fields {
				got[f.Field] = true
				if f.En == "" || f.Ru == "" {
					t.Errorf("%s: empty message en=%q ru=%q", f.Field, f.En, f.Ru)
				}
				if !hasCyrillic(f.Ru) {
					t.Errorf("%s: Russian message %q has no Cyrillic", f.Field, f.Ru)
				}
				if hasCyrillic(f.En) {
					t.Errorf("%s: English message %q has Cyrillic", f.Field, f.En)
				}
				if f.In("en") != f.En || f.In("") != f.Ru || f.In("ru") != f.Ru {
					t.Errorf("%s: Message(lang) does not pick the language", f.Field)
				}
				if !slices.Contains(tc.want, f.Field) {
					t.Errorf("unexpected problem %s: %s", f.Field, f.En)
				}
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("no problem reported for %s; got %v", w, err)
				}
			}
			for _, f := range e.Fields {
				if f.Field != tc.want[0] {
					continue
				}
				for _, s := range tc.contains {
					if !strings.Contains(plainNumbers(f.En), s) {
						t.Errorf("%s: message %q does not name %q", f.Field, f.En, s)
					}
					if !strings.Contains(plainNumbers(f.Ru), s) {
						t.Errorf("%s: Russian message %q does not name %q", f.Field, f.Ru, s)
					}
				}
				for _, s := range tc.absent {
					if strings.Contains(f.En, s) {
						t.Errorf("%s: message %q names %q", f.Field, f.En, s)
					}
				}
			}
			// Validate alone gives the same answer as Calculate.
			if verr := calc.Validate(req); verr == nil || verr.Error() != err.Error() {
				t.Errorf("Validate: %v, Calculate: %v", verr, err)
			}
			if !strings.Contains(err.Error(), tc.want[0]) {
				t.Errorf("Error() %q does not name %s", err.Error(), tc.want[0])
			}
		})
	}
}

// TestValidateAbsurdJSON decodes absurd numbers from JSON, as the API would:
// either the decoder refuses them (shopspring/decimal caps exponents at
// 10000) or Calculate refuses them promptly.
func TestValidateAbsurdJSON(t *testing.T) {
	const loan = `"currency":"RUB","issue_date":"2024-03-15","term_months":24`
	const rule = `"subsidy":{"programme":"custom","rule":{"loan_share":"1"}}`
	cases := []struct {
		name, json, field string // field "": the decoder must refuse
	}{
		{"amount 1e999999999", `{"loan":{"amount":1e999999999,"rate":"12",` + loan + `},` + rule + `}`, ""},
		{"amount string 1e999999999", `{"loan":{"amount":"1e999999999","rate":"12",` + loan + `},` + rule + `}`, ""},
		{"amount 1e9999", `{"loan":{"amount":1e9999,"rate":"12",` + loan + `},` + rule + `}`, "loan.amount"},
		{"amount 1e-9999", `{"loan":{"amount":1e-9999,"rate":"12",` + loan + `},` + rule + `}`, "loan.amount"},
		{"rate -1e-9999", `{"loan":{"amount":"1000","rate":-1e-9999,` + loan + `},` + rule + `}`, "loan.rate"},
		{"rate 1e-999999999", `{"loan":{"amount":"1000","rate":1e-999999999,` + loan + `},` + rule + `}`, ""},
		{"share 9e9999", `{"project":{"participants":[{"country":"RU","share":9e9999}]},"loan":{"amount":"1000","rate":"12",` + loan + `},` + rule + `}`, "project.participants[0].share"},
		{"floor 1e9999", `{"loan":{"amount":"1000","rate":"12",` + loan + `},"subsidy":{"programme":"custom","rule":{"borrower_floor":1e9999}}}`, "subsidy.rule.borrower_floor"},
		{"amount with 5000 digits", `{"loan":{"amount":` + strings.Repeat("9", 5000) + `,"rate":"12",` + loan + `},` + rule + `}`, "loan.amount"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			var req calc.Request
			start := time.Now()
			if err := json.Unmarshal([]byte(tc.json), &req); err != nil {
				if tc.field != "" {
					t.Fatalf("decode: %v", err)
				}
				return
			}
			if tc.field == "" {
				t.Logf("decoded although the decoder was expected to refuse it")
			}
			_, err := calculateQuickly(t, &req)
			if d := time.Since(start); d > time.Second {
				t.Errorf("decode and Calculate took %v", d)
			}
			var e *calc.Error
			if !errors.As(err, &e) || e.Kind != calc.Invalid {
				t.Fatalf("got %v, want an Invalid *calc.Error", err)
			}
			found := tc.field == ""
			for _, f := range e.Fields {
				found = found || f.Field == tc.field
			}
			if !found {
				t.Errorf("no problem for %s: %v", tc.field, err)
			}
		})
	}
}

// TestValidateAccepts holds edge cases that are valid and must be computed.
func TestValidateAccepts(t *testing.T) {
	cases := []struct {
		name string
		mod  func(r *calc.Request)
	}{
		{"rate zero", func(r *calc.Request) { r.Loan.Rate = ptr(dec("0")) }},
		{"rate 100", func(r *calc.Request) { r.Loan.Rate = ptr(dec("100")) }},
		{"rate six places", func(r *calc.Request) { r.Loan.Rate = ptr(dec("12.123456")) }},
		{"rate with trailing zeros", func(r *calc.Request) { r.Loan.Rate = ptr(dec("12.50000000")) }},
		{"amount one kopeck", func(r *calc.Request) { r.Loan.Amount = dec("0.01") }},
		{"amount 10^15", func(r *calc.Request) { r.Loan.Amount = dec("1000000000000000") }},
		{"amount with trailing zeros", func(r *calc.Request) { r.Loan.Amount = dec("1000.0000") }},
		{"shares with more trailing zeros than int64 holds", func(r *calc.Request) {
			for i := range r.Project.Participants {
				r.Project.Participants[i].Share = dec(r.Project.Participants[i].Share.String() + ".000000000000000000000000")
			}
		}},
		{"shares with six decimals", func(r *calc.Request) {
			r.Project.Participants[1].Share = r.Project.Participants[1].Share.Sub(dec("0.000001"))
			r.Project.Participants[2].Share = r.Project.Participants[2].Share.Add(dec("0.000001"))
		}},
		{"single monthly period", func(r *calc.Request) { r.Loan.TermMonths = 1 }},
		{"single annual period", func(r *calc.Request) { r.Loan.TermMonths, r.Loan.Frequency = 12, "annual" }},
		{"600 months monthly", func(r *calc.Request) { r.Loan.TermMonths = 600 }},
		{"600 months annual", func(r *calc.Request) { r.Loan.TermMonths, r.Loan.Frequency = 600, "annual" }},
		{"grace one period short of the term", func(r *calc.Request) { r.Loan.GraceMonths = 23 }},
		{"quarterly grace one period short of the term", func(r *calc.Request) {
			r.Loan.Frequency, r.Loan.GraceMonths = "quarterly", 21
		}},
		{"disbursement on the last day before maturity", func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.MustDate("2024-03-15"), Amount: dec("999999.99")},
				{Date: calc.MustDate("2026-03-14"), Amount: dec("0.01")},
			}
		}},
		{"all drawn after the issue date", func(r *calc.Request) {
			r.Loan.Disbursements = []calc.Disbursement{{Date: calc.MustDate("2024-05-01"), Amount: dec("1000000")}}
		}},
		{"issue on 1990-01-01", func(r *calc.Request) {
			r.Loan.IssueDate = calc.MustDate("1990-01-01")
			r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("1990-01-01"), Rate: dec("10")}}
		}},
		{"maturity on 2100-12-31", func(r *calc.Request) {
			r.Loan.IssueDate, r.Loan.TermMonths = calc.MustDate("2099-12-31"), 12
			r.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.MustDate("2099-01-01"), Rate: dec("10")}}
		}},
		{"participant shares with six places", func(r *calc.Request) {
			r.Project.Participants[0].Share = dec("33.333333")
			r.Project.Participants[1].Share = dec("33.333333")
			r.Project.Participants[2].Share = dec("33.333334")
		}},
		{"no participants", func(r *calc.Request) { r.Project.Participants = nil }},
		{"cap removed", func(r *calc.Request) { r.Subsidy.AnnualCap = calc.OptionalCap{Set: true} }},
		{"tenge loan with one fx rate", func(r *calc.Request) {
			r.Loan.Currency = "KZT"
			r.Subsidy.FX = []calc.FXRate{{Rate: dec("0.18")}}
		}},
		{"rate changes in any order", func(r *calc.Request) {
			r.Loan.RateChanges = []calc.RatePoint{
				{Date: calc.MustDate("2025-06-01"), Rate: dec("14")},
				{Date: calc.MustDate("2024-06-01"), Rate: dec("13")},
			}
		}},
		{"lang en", func(r *calc.Request) { r.Lang = "en" }},
		{"lang ru", func(r *calc.Request) { r.Lang = "ru" }},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			req := validRequest()
			tc.mod(req)
			res, err := calc.Calculate(req, calc.Options{})
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if err := calc.Validate(req); err != nil {
				t.Errorf("Validate refused: %v", err)
			}
			want := req.Loan.TermMonths / map[string]int{"": 1, "monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}[req.Loan.Frequency]
			if len(res.Schedule) != want {
				t.Fatalf("%d periods, want %d", len(res.Schedule), want)
			}
			amount, _ := calc.MoneyFromDecimal(req.Loan.Amount)
			var principal calc.Money
			for _, p := range res.Schedule {
				principal += p.Principal
				if p.Subsidy > p.Interest || p.Interest < 0 || p.Principal < 0 {
					t.Errorf("period %d: interest %s principal %s subsidy %s", p.N, p.Interest, p.Principal, p.Subsidy)
				}
			}
			if principal != amount {
				t.Errorf("principal repaid %s, lent %s", principal, amount)
			}
			if last := res.Schedule[len(res.Schedule)-1]; last.ClosingBalance != 0 {
				t.Errorf("last closing balance %s", last.ClosingBalance)
			}
			if g := req.Loan.GraceMonths; g > 0 {
				step := req.Loan.TermMonths / len(res.Schedule)
				for _, p := range res.Schedule[:g/step] {
					if p.Principal != 0 {
						t.Errorf("period %d in grace repays %s", p.N, p.Principal)
					}
				}
			}
		})
	}
}

// TestValidateDoesNotModify: neither Validate nor Calculate changes the
// request, valid or not.
func TestValidateDoesNotModify(t *testing.T) {
	for _, mk := range []func() *calc.Request{validRequest, kztCapRequest} {
		req := mk()
		req.Loan.RateChanges = []calc.RatePoint{
			{Date: calc.MustDate("2025-09-01"), Rate: dec("14")},
			{Date: calc.MustDate("2025-08-01"), Rate: dec("13")},
		}
		before, _ := json.Marshal(req)
		_, _ = calc.Calculate(req, calc.Options{})
		_ = calc.Validate(req)
		after, _ := json.Marshal(req)
		if string(before) != string(after) {
			t.Errorf("request changed:\n%s\n%s", before, after)
		}
	}
}
