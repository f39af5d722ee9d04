package handlers_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/wire"
)

// encodeCases are requests whose results exercise every branch of the
// encoder: caps and no cap, FX rates, overrides, rate changes, odd text.
var encodeCases = map[string]string{
	"EAEU": eaeuLoan,
	"TengeNoCapFX": `{"project":{"name":"A <b> & \"c\"\n\t\u2028 é","participants":[{"name":"<script>","country":"KZ","share":"50"},{"country":"RU","share":"30"},{"name":"\u0001x","country":"AM","share":"20"}]},
		"loan":{"amount":"5000000000","currency":"KZT","rate":"19.5","issue_date":"2025-06-01","term_months":36,"frequency":"quarterly"},
		"subsidy":{"programme":"eaeu-industrial","fx":[{"year":2025,"rate":"0.18"},{"rate":"0.17"}]},"lang":"en"}`,
	"CapNull": `{"loan":{"amount":"1000000","currency":"RUB","rate":"20","issue_date":"2025-03-14","term_months":12},
		"subsidy":{"programme":"eaeu-industrial","annual_cap":null}}`,
	"SmallCapReached": `{"project":{"participants":[{"country":"BY","share":"40"},{"country":"RU","share":"35"},{"country":"KZ","share":"25"}]},
		"loan":{"amount":"1000000000","currency":"RUB","rate":"24.5","issue_date":"2025-03-14","term_months":60,"grace_months":12,
		"disbursements":[{"date":"2025-03-14","amount":"600000000.00"},{"date":"2025-09-01","amount":"400000000.00"}],
		"rate_changes":[{"date":"2026-03-14","rate":"22"}]},
		"subsidy":{"programme":"eaeu-industrial","annual_cap":{"amount":"1000000","currency":"RUB"},"base_country":"BY",
		"rule":{"base_share":"0.5","plus_points":"1.25","minus_loan":false,"loan_share":"1","borrower_floor":"0","base_fixing":"period_start"}},
		"discount_rate":"16"}`,
	"Custom": `{"loan":{"amount":"100000.01","currency":"USD","rate":"7","issue_date":"2024-12-31","term_months":24,"repayment":"equal_principal","day_count":"30/360"},
		"subsidy":{"programme":"custom","base_rates":[{"date":"2024-01-01","rate":"5.25"}],"rule":{"base_share":"1","minus_loan":true,"plus_points":"3"}}}`,
	"Bullet": `{"loan":{"amount":"250000","currency":"BYN","rate":"12","issue_date":"2025-01-31","term_months":12,"repayment":"bullet","frequency":"monthly"},
		"subsidy":{"programme":"by-refinancing-share"}}`,
	"UnionState": `{"project":{"participants":[{"country":"BY","share":"50"},{"country":"RU","share":"50"}]},
		"loan":{"amount":"300000000","currency":"RUB","rate":"22","issue_date":"2024-07-01","term_months":48,"frequency":"semiannual"},
		"subsidy":{"programme":"union-state"}}`,
	"KIPStepsScenarios": `{"loan":{"amount":"900000000","currency":"RUB","rate":"19","issue_date":"2026-02-10","term_months":48},
		"subsidy":{"programme":"ru-kip","rule":{"steps":[{"from_year":2,"floor_base_share":"0.5","minus_loan":false},{"from_year":3,"borrower_floor":"4"}]}},
		"scenarios":["low","base",{"name":"flat <10>","country":"RU","points":[{"date":"2026-10-01","rate":"10"}]}],"lang":"en"}`,
	"Damu": `{"loan":{"amount":"100000000","currency":"KZT","rate":"18.25","issue_date":"2025-02-10","term_months":36,"frequency":"annual","day_count":"act/360"},
		"subsidy":{"programme":"kz-isker-aimak"}}`,
}

// TestEncodeResultMatchesEncodingJSON holds the fast encoder to the
// reference: encoding/json's output for the same result, byte for byte.
func TestEncodeResultMatchesEncodingJSON(t *testing.T) {
	for name, body := range encodeCases {
		t.Run(name, func(t *testing.T) {
			req, err := wire.DecodeRequest([]byte(body), "en")
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			res, err := calc.Calculate(req, calc.Options{})
			if err != nil {
				t.Fatalf("calculate: %v", err)
			}
			want, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			got := wire.EncodeResult(res)
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				lo := max(0, i-120)
				t.Fatalf("EncodeResult differs from encoding/json at byte %d:\n got …%s\nwant …%s",
					i, got[lo:min(len(got), i+80)], want[lo:min(len(want), i+80)])
			}
		})
	}
}

// encodedFields are the JSON members wire.EncodeResult writes, by Go
// type. When calc gains a field, add it to wire/encode.go and here.
var encodedFields = map[string][]string{
	"Result":            {"currency", "eligible", "schedule", "years", "totals", "effective_rates", "subsidy_present_value", "discount_rate", "grant_element", "budget_shares", "participants", "countries", "checks", "programme", "scenarios", "sensitivity_per_pp"},
	"ScenarioResult":    {"name", "eligible", "subsidy_payable", "years", "filled"},
	"YearPayable":       {"year", "subsidy_payable"},
	"FilledSpan":        {"from", "to", "rate"},
	"RuleStep":          {"from_year", "base_share", "plus_points", "minus_loan", "loan_share", "borrower_floor", "floor_base_share"},
	"Period":            {"n", "start", "end", "days", "opening_balance", "drawdown", "interest", "principal", "payment", "closing_balance", "contract_rate", "base_rate", "subsidy_rate", "rates_vary", "subsidy", "subsidy_paid", "subsidy_payable", "borrower_interest", "borrower_payment"},
	"Year":              {"year", "interest", "principal", "subsidy", "subsidy_paid", "subsidy_payable", "borrower_interest", "cap", "cap_used", "cap_reached", "fx_rate", "budget_shares"},
	"Totals":            {"drawdowns", "interest", "principal", "subsidy", "subsidy_paid", "subsidy_payable", "borrower_interest", "payments", "borrower_payments"},
	"EffectiveRates":    {"without_subsidy", "with_subsidy", "converged"},
	"CountryAmount":     {"country", "share", "amount"},
	"ParticipantAmount": {"name", "country", "share", "subsidy"},
	"CountryPosition":   {"country", "benefit", "contribution", "net"},
	"Check":             {"code", "ok", "kind", "message"},
	"ProgrammeRef":      {"id", "name", "rules_version", "rule", "annual_cap", "base_country", "subsidy_start", "subsidy_end", "overridden"},
	"RuleParams":        {"base_share", "plus_points", "minus_loan", "loan_share", "borrower_floor", "base_fixing", "floor_base_share", "steps"},
	"Cap":               {"amount", "currency"},
}

// methodFields are JSON members written from a method rather than a field:
// a check's message is formatted when read (calc.Check.Message).
var methodFields = map[string]string{"Check.message": "Message"}

// TestEncodeResultKnowsEveryField walks calc.Result's types: a field the
// encoder does not know would be silently dropped from the API.
func TestEncodeResultKnowsEveryField(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || rt.PkgPath() != reflect.TypeFor[calc.Result]().PkgPath() || seen[rt] {
			return
		}
		seen[rt] = true
		known, ok := encodedFields[rt.Name()]
		if !ok {
			t.Errorf("calc.%s appears in calc.Result but wire.EncodeResult does not know it", rt.Name())
			return
		}
		var names []string
		for f := range rt.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			names = append(names, name)
			if !slices.Contains(known, name) {
				t.Errorf("calc.%s.%s (json %q) is not written by wire.EncodeResult: add it to wire/encode.go", rt.Name(), f.Name, name)
			}
			walk(f.Type)
		}
		for _, k := range known {
			if m, ok := methodFields[rt.Name()+"."+k]; ok {
				if _, has := rt.MethodByName(m); !has {
					t.Errorf("wire.EncodeResult writes %s.%s from %s.%s, which calc no longer has", rt.Name(), k, rt.Name(), m)
				}
				continue
			}
			if !slices.Contains(names, k) {
				t.Errorf("wire.EncodeResult writes %s.%s, which calc no longer has", rt.Name(), k)
			}
		}
	}
	walk(reflect.TypeFor[calc.Result]())
}
