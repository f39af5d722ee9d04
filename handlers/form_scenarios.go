package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// formScenarioMessages are the texts of the calculator form's scenario
// control.
var formScenarioMessages = map[string]calc.Text{
	"form.scenarios":      {Ru: "Сценарии ключевой ставки", En: "Policy-rate scenarios"},
	"form.scenarios.hint": {Ru: "Необязательно. Отмеченные сценарии продолжают ставку ЦБ после последних известных данных; результат покажет субсидию к выплате по годам при каждом (веерный график).", En: "Optional. Each scenario ticked continues the policy rate after the last known figure; the result shows the payable subsidy by year under each (a fan chart)."},
	"scn.label.low":       {Ru: "низкая ставка (low)", En: "low rates (low)"},
	"scn.label.base":      {Ru: "базовый (base)", En: "base (base)"},
	"scn.label.high":      {Ru: "высокая ставка (high)", En: "high rates (high)"},
}

func init() {
	for k, v := range formScenarioMessages {
		messages[k] = v
	}
}

// formScenarioField reads every value of the field "scenarios" of a form
// (the checkboxes send one each; "low,base,high" in one value works too)
// from the body or, with query set, the query string, joined by commas.
func formScenarioField(c *fiber.Ctx, query bool) string {
	var vals []string
	if query {
		for _, b := range c.Request().URI().QueryArgs().PeekMulti("scenarios") {
			vals = append(vals, string(b))
		}
	} else if mf, err := c.MultipartForm(); err == nil && mf != nil {
		vals = mf.Value["scenarios"]
	} else {
		for _, b := range c.Request().PostArgs().PeekMulti("scenarios") {
			vals = append(vals, string(b))
		}
	}
	if len(vals) > calc.MaxScenarios {
		vals = vals[:calc.MaxScenarios]
	}
	s := strings.Join(vals, ",")
	if len(s) > 1024 {
		s = s[:1024]
	}
	return strings.ToValidUTF8(s, "")
}

// formScenarioOptions are the form's scenario checkboxes, the ones in
// selected ticked, labelled in lang.
func formScenarioOptions(selected, lang string) []option {
	opts := scenarioOptions(selected) // batch_scenarios.go
	for i := range opts {
		if _, ok := messages["scn.label."+opts[i].Value]; ok {
			opts[i].Label = T(lang, "scn.label."+opts[i].Value)
		}
	}
	return opts
}
