package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// valid is a small valid request; the cases below break one thing in it.
const valid = `{"project":{"participants":[{"country":"BY","share":"40"},{"country":"RU","share":"35"},{"country":"KZ","share":"25"}]},` +
	`"loan":{"amount":"1000000.00","currency":"RUB","rate":"20","issue_date":"2025-03-14","term_months":24},` +
	`"subsidy":{"programme":"eaeu-industrial"}}`

// with replaces old by new in valid, failing loudly when old is absent.
func with(old, new string) string {
	if !strings.Contains(valid, old) {
		panic("with: " + old + " not in the valid request")
	}
	return strings.Replace(valid, old, new, 1)
}

// malformedCase is one bad request: the status wanted and the field the
// problem must name ("" when the problem concerns no single field).
type malformedCase struct {
	name        string
	body        string
	contentType string // default application/json
	status      int
	field       string
}

func malformedCases() []malformedCase {
	const loan = `"loan":{"amount":"1000000.00","currency":"RUB","rate":"20","issue_date":"2025-03-14","term_months":24}`
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	return []malformedCase{
		// Not JSON, or not one object.
		{name: "EmptyBody", body: "", status: 400},
		{name: "Whitespace", body: " \n\t ", status: 400},
		{name: "Truncated", body: valid[:len(valid)/2], status: 400},
		{name: "OpenBrace", body: "{", status: 400},
		{name: "Array", body: "[]", status: 400, field: "$"},
		{name: "Number", body: "42", status: 400, field: "$"},
		{name: "String", body: `"loan"`, status: 400, field: "$"},
		{name: "Null", body: "null", status: 422, field: "loan.amount"},
		{name: "EmptyObject", body: "{}", status: 422, field: "subsidy.programme"},
		{name: "TrailingObject", body: valid + "{}", status: 400},
		{name: "TrailingGarbage", body: valid + " x", status: 400},
		{name: "SingleQuotes", body: `{'loan': {}}`, status: 400},
		{name: "Comment", body: "/* c */" + valid, status: 400},
		{name: "TrailingComma", body: `{"loan":{"amount":"1",}}`, status: 400},
		{name: "InvalidUTF8", body: "{\"project\":{\"name\":\"\xff\xfe\"}," + loan + `,"subsidy":{"programme":"eaeu-industrial"}}`, status: 400},
		{name: "DuplicateKey", body: `{` + loan + `,` + loan + `,"subsidy":{"programme":"eaeu-industrial"}}`, status: 400, field: "loan"},
		{name: "DeepNestingTop", body: deep, status: 400, field: "$"},
		{name: "DeepNestingInField", body: with(`"term_months":24`, `"term_months":`+deep), status: 400, field: "loan.term_months"},
		{name: "DeepNestingUnknown", body: with(`"project":`, `"x":`+deep+`,"project":`), status: 400, field: "x"},

		// Unknown fields.
		{name: "UnknownTopField", body: with(`"project":`, `"foo":1,"project":`), status: 400, field: "foo"},
		{name: "UnknownLoanField", body: with(`"amount":"1000000.00"`, `"amount":"1000000.00","amout":"1"`), status: 400, field: "loan.amout"},
		{name: "WrongCaseField", body: with(`"loan":`, `"Loan":`), status: 400, field: "Loan"},
		{name: "UnknownParticipantField", body: with(`{"country":"BY","share":"40"}`, `{"cuntry":"BY","share":"40"}`), status: 400, field: "project.participants[0].cuntry"},
		{name: "UnknownCapField", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","annual_cap":{"amount":"1","cur":"RUB"}`), status: 400, field: "subsidy.annual_cap.cur"},

		// Wrong JSON types.
		{name: "LoanArray", body: with(loan, `"loan":[]`), status: 400, field: "loan"},
		{name: "LoanString", body: with(loan, `"loan":"x"`), status: 400, field: "loan"},
		{name: "AmountBool", body: with(`"amount":"1000000.00"`, `"amount":true`), status: 400, field: "loan.amount"},
		{name: "AmountObject", body: with(`"amount":"1000000.00"`, `"amount":{"v":1}`), status: 400, field: "loan.amount"},
		{name: "AmountArray", body: with(`"amount":"1000000.00"`, `"amount":["1"]`), status: 400, field: "loan.amount"},
		{name: "CurrencyNumber", body: with(`"currency":"RUB"`, `"currency":643`), status: 400, field: "loan.currency"},
		{name: "TermString", body: with(`"term_months":24`, `"term_months":"24"`), status: 400, field: "loan.term_months"},
		{name: "TermFraction", body: with(`"term_months":24`, `"term_months":24.5`), status: 400, field: "loan.term_months"},
		{name: "TermOverflow", body: with(`"term_months":24`, `"term_months":99999999999999999999999`), status: 400, field: "loan.term_months"},
		{name: "ParticipantsObject", body: with(`"participants":[`, `"participants":{"a":[`) + "", status: 400, field: "project.participants"},
		{name: "ProjectNameNumber", body: with(`"project":{`, `"project":{"name":5,`), status: 400, field: "project.name"},
		{name: "MinusLoanString", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","rule":{"minus_loan":"yes"}`), status: 400, field: "subsidy.rule.minus_loan"},
		{name: "CapString", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","annual_cap":"350000000"`), status: 400, field: "subsidy.annual_cap"},
		{name: "FXYearString", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","fx":[{"year":"2025","rate":"0.18"}]`), status: 400, field: "subsidy.fx[0].year"},
		{name: "DisbursementsObject", body: with(`"term_months":24`, `"term_months":24,"disbursements":{}`), status: 400, field: "loan.disbursements"},

		// Malformed or pathological numbers.
		{name: "AmountWord", body: with(`"amount":"1000000.00"`, `"amount":"abc"`), status: 400, field: "loan.amount"},
		{name: "AmountComma", body: with(`"amount":"1000000.00"`, `"amount":"1000000,00"`), status: 400, field: "loan.amount"},
		{name: "AmountEmpty", body: with(`"amount":"1000000.00"`, `"amount":""`), status: 400, field: "loan.amount"},
		{name: "AmountSpaces", body: with(`"amount":"1000000.00"`, `"amount":" 1000000"`), status: 400, field: "loan.amount"},
		{name: "AmountPlus", body: with(`"amount":"1000000.00"`, `"amount":"+1000000"`), status: 400, field: "loan.amount"},
		{name: "AmountHugeExponent", body: with(`"amount":"1000000.00"`, `"amount":"1e999999999"`), status: 400, field: "loan.amount"},
		{name: "AmountTinyExponent", body: with(`"amount":"1000000.00"`, `"amount":"-1e-999999999"`), status: 400, field: "loan.amount"},
		{name: "AmountNumberExponent", body: with(`"amount":"1000000.00"`, `"amount":1e400`), status: 400, field: "loan.amount"},
		{name: "AmountNaN", body: with(`"amount":"1000000.00"`, `"amount":"NaN"`), status: 400, field: "loan.amount"},
		{name: "AmountInfinity", body: with(`"amount":"1000000.00"`, `"amount":"Infinity"`), status: 400, field: "loan.amount"},
		{name: "AmountHex", body: with(`"amount":"1000000.00"`, `"amount":"0x10"`), status: 400, field: "loan.amount"},
		{name: "AmountSeventyDigits", body: with(`"amount":"1000000.00"`, `"amount":"`+strings.Repeat("9", 70)+`"`), status: 400, field: "loan.amount"},
		{name: "AmountManyDecimals", body: with(`"amount":"1000000.00"`, `"amount":"1.`+strings.Repeat("0", 40)+`1"`), status: 400, field: "loan.amount"},
		{name: "RateWord", body: with(`"rate":"20"`, `"rate":"twenty"`), status: 400, field: "loan.rate"},
		{name: "ShareWord", body: with(`{"country":"RU","share":"35"}`, `{"country":"RU","share":"abc"}`), status: 400, field: "project.participants[1].share"},
		{name: "DiscountWord", body: with(`"subsidy":`, `"discount_rate":"x","subsidy":`), status: 400, field: "discount_rate"},
		{name: "CapAmountWord", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","annual_cap":{"amount":"x","currency":"RUB"}`), status: 400, field: "subsidy.annual_cap.amount"},
		{name: "RateChangeWord", body: with(`"term_months":24`, `"term_months":24,"rate_changes":[{"date":"2025-06-01","rate":"x"}]`), status: 400, field: "loan.rate_changes[0].rate"},

		// Bad dates.
		{name: "DateFeb30", body: with(`"issue_date":"2025-03-14"`, `"issue_date":"2025-02-30"`), status: 400, field: "loan.issue_date"},
		{name: "DateRussianFormat", body: with(`"issue_date":"2025-03-14"`, `"issue_date":"14.03.2025"`), status: 400, field: "loan.issue_date"},
		{name: "DateNumber", body: with(`"issue_date":"2025-03-14"`, `"issue_date":20250314`), status: 400, field: "loan.issue_date"},
		{name: "DateWithTime", body: with(`"issue_date":"2025-03-14"`, `"issue_date":"2025-03-14T00:00:00Z"`), status: 400, field: "loan.issue_date"},
		{name: "DisbursementDateBad", body: with(`"term_months":24`, `"term_months":24,"disbursements":[{"date":"soon","amount":"1000000.00"}]`), status: 400, field: "loan.disbursements[0].date"},
		{name: "SubsidyStartBad", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","start":"2025-13-01"`), status: 400, field: "subsidy.start"},

		// Decoded, but against the domain rules (calc): 422 naming the field.
		{name: "AmountNegative", body: with(`"amount":"1000000.00"`, `"amount":"-5"`), status: 422, field: "loan.amount"},
		{name: "AmountZero", body: with(`"amount":"1000000.00"`, `"amount":"0"`), status: 422, field: "loan.amount"},
		{name: "AmountThreeDecimals", body: with(`"amount":"1000000.00"`, `"amount":"1.005"`), status: 422, field: "loan.amount"},
		{name: "AmountTooLarge", body: with(`"amount":"1000000.00"`, `"amount":"1e20"`), status: 422, field: "loan.amount"},
		{name: "AmountMissing", body: with(`"amount":"1000000.00",`, ``), status: 422, field: "loan.amount"},
		{name: "CurrencyMissing", body: with(`"currency":"RUB",`, ``), status: 422, field: "loan.currency"},
		{name: "CurrencyUnknown", body: with(`"currency":"RUB"`, `"currency":"XYZ"`), status: 422, field: "loan.currency"},
		{name: "RateMissing", body: with(`"rate":"20",`, ``), status: 422, field: "loan.rate"},
		{name: "RateNull", body: with(`"rate":"20"`, `"rate":null`), status: 422, field: "loan.rate"},
		{name: "RateNegative", body: with(`"rate":"20"`, `"rate":"-1"`), status: 422, field: "loan.rate"},
		{name: "RateHuge", body: with(`"rate":"20"`, `"rate":"1000"`), status: 422, field: "loan.rate"},
		{name: "IssueDateMissing", body: with(`"issue_date":"2025-03-14",`, ``), status: 422, field: "loan.issue_date"},
		{name: "IssueDateAncient", body: with(`"issue_date":"2025-03-14"`, `"issue_date":"1800-01-01"`), status: 422, field: "loan.issue_date"},
		{name: "TermZero", body: with(`"term_months":24`, `"term_months":0`), status: 422, field: "loan.term_months"},
		{name: "TermNegative", body: with(`"term_months":24`, `"term_months":-12`), status: 422, field: "loan.term_months"},
		{name: "TermHuge", body: with(`"term_months":24`, `"term_months":100000000`), status: 422, field: "loan.term_months"},
		{name: "TermNotWholePeriods", body: with(`"term_months":24`, `"term_months":7,"frequency":"quarterly"`), status: 422, field: "loan.term_months"},
		{name: "RepaymentUnknown", body: with(`"term_months":24`, `"term_months":24,"repayment":"balloon"`), status: 422, field: "loan.repayment"},
		{name: "FrequencyUnknown", body: with(`"term_months":24`, `"term_months":24,"frequency":"daily"`), status: 422, field: "loan.frequency"},
		{name: "DayCountUnknown", body: with(`"term_months":24`, `"term_months":24,"day_count":"act/999"`), status: 422, field: "loan.day_count"},
		{name: "GraceTooLong", body: with(`"term_months":24`, `"term_months":24,"grace_months":24`), status: 422, field: "loan.grace_months"},
		{name: "ProgrammeUnknown", body: with(`"programme":"eaeu-industrial"`, `"programme":"free-money"`), status: 422, field: "subsidy.programme"},
		{name: "ProgrammeMissing", body: with(`"programme":"eaeu-industrial"`, `"base_country":"RU"`), status: 422, field: "subsidy.programme"},
		{name: "SharesNot100", body: with(`"share":"25"`, `"share":"35"`), status: 422, field: "project.participants"},
		{name: "ParticipantCountryUnknown", body: with(`"country":"BY"`, `"country":"ZZ"`), status: 422, field: "project.participants[0].country"},
		{name: "BaseFixingUnknown", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","rule":{"base_fixing":"weekly"}`), status: 422, field: "subsidy.rule.base_fixing"},
		{name: "FXMissingForTenge", body: with(`"currency":"RUB"`, `"currency":"KZT"`), status: 422, field: "subsidy.fx"},
		{name: "BaseCountryUnknown", body: with(`"programme":"eaeu-industrial"`, `"programme":"eaeu-industrial","base_country":"XX"`), status: 422, field: "subsidy.base_country"},
		{name: "DisbursementsDontAddUp", body: with(`"term_months":24`, `"term_months":24,"disbursements":[{"date":"2025-03-14","amount":"5.00"}]`), status: 422, field: "loan.disbursements"},

		// Transport.
		{name: "TextPlain", body: valid, contentType: "text/plain", status: 415},
		{name: "FormContentType", body: valid, contentType: "application/x-www-form-urlencoded", status: 415},
		{name: "Latin1Charset", body: valid, contentType: "application/json; charset=latin1", status: 415},
		{name: "BadContentType", body: valid, contentType: ";;;", status: 415},
		{name: "TenMegabytes", body: `{"project":{"name":"` + strings.Repeat("x", 10<<20) + `"}}`, status: 413},
	}
}

// TestMalformedRequests sends every malformed request of the table: each
// must be answered with its 4xx problem naming the field, none with 500.
func TestMalformedRequests(t *testing.T) {
	s := newServer(t, handlers.Config{})
	cases := malformedCases()
	if len(cases) < 60 {
		t.Fatalf("only %d malformed cases; the issue asks for at least 60", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct := tc.contentType
			if ct == "" {
				ct = "application/json"
			}
			a := do(t, s, http.MethodPost, "/api/v1/calculations?lang=en", tc.body, "Content-Type", ct)
			if a.Status >= 500 {
				t.Fatalf("status %d for a bad request: %s", a.Status, a)
			}
			p := problem(t, a)
			if a.Status != tc.status {
				t.Errorf("status %d, want %d: %s", a.Status, tc.status, a)
			}
			if tc.field != "" && !hasField(p, tc.field) {
				t.Errorf("problem does not name %s: %s", tc.field, a)
			}
			if a.Status == 400 && tc.status == 400 && p.Type != handlers.TypeMalformed {
				t.Errorf("type %s, want %s", p.Type, handlers.TypeMalformed)
			}
			if a.Status == 422 && p.Type != handlers.TypeInvalid {
				t.Errorf("type %s, want %s", p.Type, handlers.TypeInvalid)
			}
		})
	}
}

// FuzzCalculation posts arbitrary bodies: whatever comes in, the answer is
// 200 or a 4xx problem, never a 500 or a hang. `go test` runs the seeds;
// `go test -fuzz FuzzCalculation ./handlers` explores.
func FuzzCalculation(f *testing.F) {
	f.Add(valid)
	f.Add(eaeuLoan)
	for _, tc := range malformedCases() {
		if len(tc.body) < 4096 && tc.contentType == "" {
			f.Add(tc.body)
		}
	}
	s := newServer(f, handlers.Config{})
	f.Fuzz(func(t *testing.T, body string) {
		a := postJSON(t, s, body)
		if a.Status == 200 {
			return
		}
		if a.Status < 400 || a.Status >= 500 {
			t.Fatalf("status %d for %q: %s", a.Status, body, a)
		}
		problem(t, a)
	})
}
