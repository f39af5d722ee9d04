package handlers

import (
	"fmt"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// foreignRuleMessages word a programme whose rule depends on the loan's
// currency (am-points: 8 pp in AMD, 6 pp otherwise).
var foreignRuleMessages = map[string]calc.Text{
	"prog.rule.home": {Ru: "%s — кредит в %s; %s — в иной валюте", En: "%s for a loan in %s; %s in another currency"},
}

func init() {
	for k, v := range foreignRuleMessages {
		messages[k] = v
	}
}

// withForeignRule returns rule, the words of p's main rule, with p's rule
// for loans in a foreign currency beside it when p has one.
func withForeignRule(p calc.Programme, rule, lang string) string {
	if p.ForeignRule == nil || p.HomeCurrency == "" {
		return rule
	}
	return fmt.Sprintf(T(lang, "prog.rule.home"), rule, p.HomeCurrency, ruleText(*p.ForeignRule, lang))
}
