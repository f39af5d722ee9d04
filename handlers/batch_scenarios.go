package handlers

import (
	"slices"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
)

// batchScenarioMessages are the texts of the batch pages' scenario parts.
var batchScenarioMessages = map[string]calc.Text{
	"batch.scenarios":       {Ru: "Сценарии ключевой ставки", En: "Policy-rate scenarios"},
	"batch.scenarios.hint":  {Ru: "Субсидия к выплате по годам при каждом отмеченном сценарии появится в отчёте и на этой странице (для бюджетной заявки).", En: "The payable subsidy by year under each scenario ticked is added to the report and to the job's page (what a budget request needs)."},
	"batch.field.scenarios": {Ru: "Сценарии ключевой ставки", En: "Policy-rate scenarios"},
	"batch.scn.title":       {Ru: "Субсидия к выплате по годам при сценариях ключевой ставки", En: "Subsidy payable by year under policy-rate scenarios"},
	"batch.scn.year":        {Ru: "Год", En: "Year"},
	"batch.scn.total":       {Ru: "Итого", En: "Total"},
	"batch.scn.none":        {Ru: "нет", En: "none"},
}

func init() {
	for k, v := range batchScenarioMessages {
		messages[k] = v
	}
}

// joinScenarios adds a "scenarios" part of a multipart form to what came
// before: a checkbox per scenario sends one part each, the API one
// comma-separated part.
func joinScenarios(have, part string) string {
	part = strings.TrimSpace(part)
	if have == "" || part == "" {
		return have + part
	}
	return have + "," + part
}

// scenarioOptions are the form's checkboxes: the built-in scenarios, the
// ones in selected (comma-separated) ticked.
func scenarioOptions(selected string) []option {
	var out []option
	on := map[string]bool{}
	for _, n := range strings.Split(selected, ",") {
		on[strings.TrimSpace(n)] = true
	}
	for _, s := range calc.Scenarios() {
		out = append(out, option{Value: s.Name, Label: s.Name, Selected: on[s.Name]})
	}
	return out
}

// scenarioTableView is a batch's payable subsidy by year under each
// scenario in one currency, formatted for the status page.
type scenarioTableView struct {
	Currency string
	Names    []string
	Rows     []scenarioRowView
	Totals   []string
}

type scenarioRowView struct {
	Year    string
	Amounts []string
}

// scenarioTables turns the outcome's sums into one table per currency:
// years down, scenarios across, in the order the job asked for them.
func scenarioTables(sums []batch.ScenarioSum, lang string) []scenarioTableView {
	var out []scenarioTableView
	for _, s := range sums {
		if len(out) == 0 || out[len(out)-1].Currency != s.Currency {
			out = append(out, scenarioTableView{Currency: s.Currency})
		}
		out[len(out)-1].Names = append(out[len(out)-1].Names, s.Name)
	}
	for ti := range out {
		t := &out[ti]
		var years []int
		byName := map[string]map[int]string{}
		for _, s := range sums {
			if s.Currency != t.Currency {
				continue
			}
			m := map[int]string{}
			for _, y := range s.Years {
				if _, seen := m[y.Year]; !seen && !slices.Contains(years, y.Year) {
					years = append(years, y.Year)
				}
				m[y.Year] = y.SubsidyPayable
			}
			byName[s.Name] = m
			t.Totals = append(t.Totals, fmtAmount(s.SubsidyPayable, lang))
		}
		slices.Sort(years)
		for _, y := range years {
			r := scenarioRowView{Year: strconv.Itoa(y)}
			for _, n := range t.Names {
				v, ok := byName[n][y]
				if !ok {
					v = "0"
				}
				r.Amounts = append(r.Amounts, fmtAmount(v, lang))
			}
			t.Rows = append(t.Rows, r)
		}
	}
	return out
}
