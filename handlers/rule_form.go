package handlers

import (
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// The custom programme's rate rule on the form (SPEC §3): the fields are
// the JSON paths of calc.RuleOverride, read only when the programme is
// "custom" (every other programme fixes its rule).
const (
	customProgramme = "custom"
	fRule           = "subsidy.rule" // the rule as a whole: "give at least one term"
	fRuleBaseShare  = "subsidy.rule.base_share"
	fRulePlus       = "subsidy.rule.plus_points"
	fRuleMinusLoan  = "subsidy.rule.minus_loan"
	fRuleLoanShare  = "subsidy.rule.loan_share"
	fRuleFloor      = "subsidy.rule.borrower_floor"
	fRuleFixing     = "subsidy.rule.base_fixing"
)

// ruleFields are the rule's inputs in the order of the form.
var ruleFields = []string{fRuleBaseShare, fRulePlus, fRuleMinusLoan, fRuleLoanShare, fRuleFloor, fRuleFixing}

var fixings = []string{calc.FixDaily, calc.FixPeriodStart, calc.FixPaymentDate}

func isRuleField(name string) bool {
	for _, f := range ruleFields {
		if f == name {
			return true
		}
	}
	return false
}

// parseRuleForm reads the custom programme's rule into req (nothing for
// another programme). Empty fields leave their term out; a number that is
// no number is an error of its field.
func parseRuleForm(v formValues, lang string, errs formErrors, req *calc.Request) {
	if req.Subsidy.Programme != customProgramme {
		return
	}
	var o calc.RuleOverride
	given := false
	dec := func(name string) *decimal.Decimal {
		s := strings.TrimSpace(v[name])
		d, ok := formDecimal(errs, name, s, lang, false)
		if !ok || s == "" {
			return nil
		}
		given = true
		return &d
	}
	o.BaseShare = dec(fRuleBaseShare)
	o.PlusPoints = dec(fRulePlus)
	o.LoanShare = dec(fRuleLoanShare)
	o.BorrowerFloor = dec(fRuleFloor)
	if m := formChoice(errs, fRuleMinusLoan, v[fRuleMinusLoan], []string{"false", "true"}, false, lang); m != "" {
		b := m == "true"
		o.MinusLoan, given = &b, true
	}
	if fx := formChoice(errs, fRuleFixing, v[fRuleFixing], fixings, false, lang); fx != "" {
		o.BaseFixing, given = &fx, true
	}
	if given {
		req.Subsidy.Rule = &o
	}
}

// addRuleFields lays out the rule's inputs of the form.
func addRuleFields(p *formPage, lang string, field func(name, labelKey string) fieldView, add func(fieldView),
	choices func(f fieldView, values []string, label func(string) string, blank string) fieldView) {
	for _, name := range []string{fRuleBaseShare, fRulePlus, fRuleLoanShare, fRuleFloor} {
		key := strings.TrimPrefix(name, "subsidy.")
		f := field(name, "field."+key)
		f.InputMode, f.Autocomplete, f.Hint = "decimal", "off", T(lang, "hint."+key)
		add(f)
	}
	f := field(fRuleMinusLoan, "field.rule.minus_loan")
	f.Hint = T(lang, "hint.rule.minus_loan")
	if f.Value == "" {
		f.Value = "false"
	}
	add(choices(f, []string{"false", "true"}, func(x string) string { return T(lang, "rule.minus_loan."+x) }, ""))
	f = field(fRuleFixing, "field.rule.base_fixing")
	if f.Value == "" {
		f.Value = calc.FixDaily
	}
	add(choices(f, fixings, func(x string) string { return T(lang, "prog.fixing."+x) }, ""))
	p.RuleCurrent = p.F[fProgramme].Value == customProgramme
}
