package calc_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

func dp(s string) *decimal.Decimal { v := decimal.RequireFromString(s); return &v }

func TestRuleStepErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  calc.RuleOverride
		field string
	}{
		{"YearOne", calc.RuleOverride{Steps: []calc.RuleStep{{FromYear: 1, LoanShare: dp("0.5")}}}, "subsidy.rule.steps[0].from_year"},
		{"NotIncreasing", calc.RuleOverride{Steps: []calc.RuleStep{{FromYear: 4, LoanShare: dp("0.5")}, {FromYear: 3, LoanShare: dp("0.2")}}}, "subsidy.rule.steps[1].from_year"},
		{"Empty", calc.RuleOverride{Steps: []calc.RuleStep{{FromYear: 2}}}, "subsidy.rule.steps[0]"},
		{"BadShare", calc.RuleOverride{Steps: []calc.RuleStep{{FromYear: 2, LoanShare: dp("1.5")}}}, "subsidy.rule.steps[0].loan_share"},
		{"BadFloorShare", calc.RuleOverride{FloorBaseShare: dp("-0.3")}, "subsidy.rule.floor_base_share"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := eaeuLoan(0)
			r := tc.rule
			req.Subsidy.Rule = &r
			_, err := calc.Calculate(req, calc.Options{})
			var ce *calc.Error
			if !errors.As(err, &ce) || ce.Fields[0].Field != tc.field {
				t.Fatalf("err %v, want a problem with %s", err, tc.field)
			}
		})
	}
}

func TestRuleStepsShownAndDeparture(t *testing.T) {
	req := eaeuLoan(0)
	req.Subsidy.Rule = &calc.RuleOverride{Steps: []calc.RuleStep{{FromYear: 4, LoanShare: dp("0.5")}}}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Programme.Rule.Steps) != 1 || !slices.Contains(res.Programme.Overridden, "subsidy.rule.steps") {
		t.Fatalf("rule %+v, overridden %v", res.Programme.Rule, res.Programme.Overridden)
	}
	// From the third anniversary the subsidy rate is at most half the loan rate.
	for _, p := range res.Schedule {
		half := p.ContractRate.Div(decimal.NewFromInt(2))
		if p.Start >= req.Loan.IssueDate.AddMonths(36) && p.End <= res.Programme.WindowEnd && p.SubsidyRate.GreaterThan(half) {
			t.Fatalf("period %d: subsidy rate %s above half the loan rate", p.N, p.SubsidyRate)
		}
	}
}

func TestRuleText(t *testing.T) {
	for _, tc := range []struct {
		id, lang string
		want     []string
	}{
		{"eaeu-industrial", "en", []string{"100 % of the policy rate, at most 100 % of the loan rate"}},
		{"eaeu-industrial", "ru", []string{"100\u00a0% ставки ЦБ; не более 100\u00a0% ставки по кредиту"}},
		{"ru-kip", "en", []string{"the borrower pays at least 0.3 × policy rate + 3 pp"}},
		{"ru-kip", "ru", []string{"заёмщик платит не менее 0,3 × ставки ЦБ + 3\u00a0п.п."}},
		{"am-points", "en", []string{"a fixed 8 pp"}},
		{"kz-isker-aimak", "en", []string{"40 % of the loan rate, the borrower pays at least 12.6 %"}},
	} {
		pr, _ := calc.LookupProgramme(tc.id)
		if got := calc.RuleText(pr.Rule, tc.lang); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: %q, want %q", tc.id, tc.lang, got, tc.want)
		}
	}
	r := calc.RuleParams{LoanShare: dp("1"), Steps: []calc.RuleStep{{FromYear: 4, LoanShare: dp("0.5")}}}
	if got := calc.RuleText(r, "ru"); !slices.Equal(got, []string{"100\u00a0% ставки по кредиту", "с 4-го года — 50\u00a0% ставки по кредиту"}) {
		t.Errorf("steps ru: %q", got)
	}
	if got := calc.RuleText(r, "en"); !slices.Equal(got, []string{"100 % of the loan rate", "from year 4: 50 % of the loan rate"}) {
		t.Errorf("steps en: %q", got)
	}
}

func TestPresetsSourcedAndMarked(t *testing.T) {
	for _, id := range []string{"kz-baiterek", "am-points", "ru-kip"} {
		if _, ok := calc.LookupProgramme(id); !ok {
			t.Errorf("preset %s missing", id)
		}
	}
	for _, p := range calc.Programmes() {
		if p.ID == "custom" {
			continue
		}
		if p.Source == "" || !slices.Contains([]string{"high", "medium", "low"}, p.Confidence) {
			t.Errorf("%s: source %q, confidence %q", p.ID, p.Source, p.Confidence)
		}
	}
}
