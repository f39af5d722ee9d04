package batch

import (
	"slices"
	"sort"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// ScenarioSum is a batch's payable subsidy under one policy-rate scenario
// in one currency: the eligible loans' figures added up, in total and by
// calendar year (decimal strings).
type ScenarioSum struct {
	Name           string            `json:"name"`
	Currency       string            `json:"currency"`
	SubsidyPayable string            `json:"subsidy_payable"`
	Years          []ScenarioYearSum `json:"years"`
}

// ScenarioYearSum is one calendar year of a ScenarioSum.
type ScenarioYearSum struct {
	Year           int    `json:"year"`
	SubsidyPayable string `json:"subsidy_payable"`
}

// ParseScenarios reads the upload field scenarios: built-in scenario names
// separated by commas ("low,base,high"; spaces are ignored). An unknown or
// repeated name is an error naming the field.
func ParseScenarios(s string) ([]string, *calc.FieldError) {
	var names, all []string
	for _, sc := range calc.Scenarios() {
		all = append(all, sc.Name)
	}
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if _, ok := calc.LookupScenario(n); !ok {
			return nil, &calc.FieldError{Field: "scenarios",
				Text: calc.Text{
					Ru: "неизвестный сценарий " + quoteName(n) + "; допустимы: " + strings.Join(all, ", "),
					En: "unknown scenario " + quoteName(n) + "; allowed: " + strings.Join(all, ", "),
				}}
		}
		if slices.Contains(names, n) {
			return nil, &calc.FieldError{Field: "scenarios",
				Text: calc.Text{
					Ru: "сценарий " + quoteName(n) + " указан дважды",
					En: "scenario " + quoteName(n) + " is given twice",
				}}
		}
		if len(names) == calc.MaxScenarios {
			return nil, &calc.FieldError{Field: "scenarios",
				Text: calc.Text{Ru: "слишком много сценариев", En: "too many scenarios"}}
		}
		names = append(names, n)
	}
	return names, nil
}

// quoteName quotes a user's name for a message, cut to 64 bytes.
func quoteName(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return "«" + s + "»"
}

// withScenarios returns req asking for the scenarios named (a copy of the
// request's top level; req itself is not changed).
func withScenarios(req *calc.Request, names []string) *calc.Request {
	if len(names) == 0 {
		return req
	}
	q := *req
	q.Scenarios = make([]calc.ScenarioRef, len(names))
	for i, n := range names {
		q.Scenarios[i] = calc.ScenarioRef{Name: n}
	}
	return &q
}

// scenarioTotals adds up eligible loans' scenarios by currency.
type scenarioTotals map[string]*calc.ScenarioTotals

func (t scenarioTotals) add(res *calc.Result) {
	if len(res.Scenarios) == 0 {
		return
	}
	s := t[res.Currency]
	if s == nil {
		s = &calc.ScenarioTotals{}
		t[res.Currency] = s
	}
	s.Add(res)
}

// blocks returns the totals by currency, in currency order.
func (t scenarioTotals) blocks() []report.ScenarioBlock {
	curs := make([]string, 0, len(t))
	for c := range t {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	out := make([]report.ScenarioBlock, 0, len(curs))
	for _, c := range curs {
		out = append(out, report.ScenarioBlock{Currency: c, Scenarios: t[c].Results()})
	}
	return out
}

// sums returns the totals for the job's outcome.
func scenarioSums(blocks []report.ScenarioBlock) []ScenarioSum {
	var out []ScenarioSum
	for _, b := range blocks {
		for _, s := range b.Scenarios {
			ss := ScenarioSum{Name: s.Name, Currency: b.Currency,
				SubsidyPayable: s.SubsidyPayable.Decimal().StringFixed(2), Years: []ScenarioYearSum{}}
			for _, y := range s.Years {
				ss.Years = append(ss.Years, ScenarioYearSum{Year: y.Year, SubsidyPayable: y.SubsidyPayable.Decimal().StringFixed(2)})
			}
			out = append(out, ss)
		}
	}
	return out
}
