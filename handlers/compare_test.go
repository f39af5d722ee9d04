package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
)

type comparisonBody struct {
	Currency   string `json:"currency"`
	Programmes []struct {
		ID                  string `json:"id"`
		Eligible            bool   `json:"eligible"`
		SubsidyPayable      string `json:"subsidy_payable"`
		SubsidyPresentValue string `json:"subsidy_present_value"`
		FailedChecks        []struct {
			Code, Field, Message string
		} `json:"failed_checks"`
		Years []struct {
			Year           int    `json:"year"`
			SubsidyPayable string `json:"subsidy_payable"`
		} `json:"years"`
	} `json:"programmes"`
}

func postComparison(tb testing.TB, s *handlers.Server, body string, headers ...string) answer {
	tb.Helper()
	return do(tb, s, http.MethodPost, "/api/v1/comparisons", body, append([]string{"Content-Type", "application/json"}, headers...)...)
}

func TestComparisonsAPI(t *testing.T) {
	s := newServer(t, handlers.Config{})
	a := postComparison(t, s, strings.Replace(eaeuLoan, `"subsidy": {"programme": "eaeu-industrial"}`, `"lang": "en"`, 1))
	if a.Status != 200 {
		t.Fatalf("%d %s", a.Status, a)
	}
	var cmp comparisonBody
	if err := json.Unmarshal(a.Body, &cmp); err != nil {
		t.Fatal(err)
	}
	if len(cmp.Programmes) != 8 || !cmp.Programmes[0].Eligible {
		t.Fatalf("%+v", cmp)
	}
	// The first one's figures are those of a single calculation.
	one := postJSON(t, s, strings.Replace(eaeuLoan, "eaeu-industrial", cmp.Programmes[0].ID, 1))
	var res struct {
		Totals struct {
			SubsidyPayable string `json:"subsidy_payable"`
		} `json:"totals"`
		SubsidyPresentValue string `json:"subsidy_present_value"`
	}
	if err := json.Unmarshal(one.Body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Totals.SubsidyPayable != cmp.Programmes[0].SubsidyPayable || res.SubsidyPresentValue != cmp.Programmes[0].SubsidyPresentValue {
		t.Errorf("comparison %+v, calculation %+v", cmp.Programmes[0], res)
	}
	for _, p := range cmp.Programmes {
		if p.ID == "kz-isker-aimak" && (p.Eligible || len(p.FailedChecks) == 0 || p.SubsidyPayable != "0.00") {
			t.Errorf("a rouble loan under Damu: %+v", p)
		}
	}

	t.Run("StepError", func(t *testing.T) {
		a := postComparison(t, s, strings.Replace(eaeuLoan, `"subsidy": {"programme": "eaeu-industrial"}`,
			`"subsidy": {"rule": {"steps": [{"from_year": 1, "loan_share": "0.5"}]}}`, 1))
		if a.Status != 422 || !hasField(problem(t, a), "subsidy.rule.steps[0].from_year") {
			t.Fatalf("%d %s", a.Status, a)
		}
	})
	t.Run("UnknownProgramme", func(t *testing.T) {
		a := postComparison(t, s, strings.Replace(eaeuLoan, `"subsidy": {"programme": "eaeu-industrial"}`, `"programmes": ["nope"]`, 1))
		if a.Status != 422 || !hasField(problem(t, a), "programmes[0]") {
			t.Fatalf("%d %s", a.Status, a)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		a := postComparison(t, s, `{"loan":`)
		if a.Status != 400 {
			t.Fatalf("%d %s", a.Status, a)
		}
	})
	t.Run("XLSXWithoutEncoder", func(t *testing.T) {
		a := do(t, s, http.MethodPost, "/api/v1/comparisons?format=xlsx", eaeuLoan, "Content-Type", "application/json")
		if a.Status != 406 {
			t.Fatalf("%d %s", a.Status, a)
		}
	})
	t.Run("Scenarios", func(t *testing.T) {
		a := do(t, s, http.MethodGet, "/api/v1/scenarios", "")
		if a.Status != 200 || !strings.Contains(string(a.Body), `"name":"base"`) || !strings.Contains(string(a.Body), `"published":"2025-10-24"`) {
			t.Fatalf("%d %s", a.Status, a)
		}
		c := postJSON(t, s, strings.Replace(eaeuLoan, `"subsidy": {"programme": "eaeu-industrial"}`,
			`"subsidy": {"programme": "eaeu-industrial"}, "scenarios": ["low", "base", "high"]`, 1))
		if c.Status != 200 || !strings.Contains(string(c.Body), `"sensitivity_per_pp":"`) || !strings.Contains(string(c.Body), `"name":"high"`) {
			t.Fatalf("%d %s", c.Status, c)
		}
		bad := postJSON(t, s, strings.Replace(eaeuLoan, `"subsidy": {"programme": "eaeu-industrial"}`,
			`"subsidy": {"programme": "eaeu-industrial"}, "scenarios": ["optimistic"]`, 1))
		if bad.Status != 422 || !hasField(problem(t, bad), "scenarios[0]") {
			t.Fatalf("%d %s", bad.Status, bad)
		}
	})
	t.Run("Page", func(t *testing.T) {
		q := url.Values{"loan.amount": {"1000000000"}, "loan.currency": {"RUB"}, "loan.rate": {"24.5"},
			"loan.issue_date": {"2025-03-14"}, "loan.term_months": {"60"}, "subsidy.programme": {"eaeu-industrial"},
			"project.participants[0].country": {"BY"}, "project.participants[0].share": {"40"},
			"project.participants[1].country": {"RU"}, "project.participants[1].share": {"60"}}
		a := do(t, s, http.MethodGet, "/compare?"+q.Encode()+"&lang=en", "")
		if a.Status != 200 || !strings.Contains(string(a.Body), `data-id="union-state"`) || !strings.Contains(string(a.Body), "Source:") {
			t.Fatalf("%d %s", a.Status, a)
		}
		q.Set("loan.rate", "abc")
		if a := do(t, s, http.MethodGet, "/compare?"+q.Encode(), ""); a.Status != 422 {
			t.Fatalf("bad input: %d", a.Status)
		}
		if a := do(t, s, http.MethodGet, "/compare", ""); a.Status != 200 || !strings.Contains(string(a.Body), `id="compare-empty"`) {
			t.Fatalf("no input: %d", a.Status)
		}
	})
}

// TestBrowserCompare drives the comparison in headless Chromium: the
// result page's "compare" link opens /compare for the same loan, whose
// table equals the JSON API's comparison, best eligible first, with a
// chart bar for each year of each paying programme.
func TestBrowserCompare(t *testing.T) {
	ctx := newBrowser(t)
	s := newServer(t, handlers.Config{Workbook: report.WriteCalculation})
	base := listen(t, s)

	api := postComparison(t, s, `{"project": {"participants": [{"country": "BY", "share": "40"}, {"country": "RU", "share": "35"}, {"country": "KZ", "share": "25"}]},
	  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 60}}`)
	if api.Status != 200 {
		t.Fatalf("API: %d %s", api.Status, api)
	}
	var want comparisonBody
	if err := json.Unmarshal(api.Body, &want); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#loan-amount")),
		chromedp.SetValue(chromedp.CSS("#loan-amount"), "1,000,000,000.00"),
		chromedp.SetValue(chromedp.CSS("#loan-rate"), "24.5"),
		chromedp.SetValue(chromedp.CSS("#loan-issue_date"), "2025-03-14"),
		chromedp.SetValue(chromedp.CSS("#loan-term_months"), "60"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
		chromedp.Click(chromedp.CSS("#compare")),
		chromedp.WaitVisible(chromedp.CSS("#compare-table")),
	)
	if err != nil {
		t.Fatalf("form → result → compare: %v", err)
	}
	screenshot(t, ctx, "compare-en")
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#compare-table tbody tr")].map(r => r.dataset.id)`))
	if err != nil {
		t.Fatal(err)
	}
	payable, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#compare-table tbody tr td.payable")].map(r => r.dataset.value)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(want.Programmes) {
		t.Fatalf("rows %v, API %d programmes", ids, len(want.Programmes))
	}
	bars := 0
	for i, p := range want.Programmes {
		if ids[i] != p.ID || payable[i] != p.SubsidyPayable {
			t.Errorf("row %d: %s %s, API %s %s", i, ids[i], payable[i], p.ID, p.SubsidyPayable)
		}
		if p.Eligible && p.SubsidyPayable != "0.00" {
			for _, y := range p.Years {
				if y.SubsidyPayable != "0.00" {
					bars++
				}
			}
		}
	}
	if got := attr(t, ctx, "#compare-table tbody tr:first-child", "class"); !strings.Contains(got, "best") {
		t.Errorf("first row class %q, want best", got)
	}
	if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#compare-chart svg rect.bar"))); err != nil || len(n) != bars {
		t.Errorf("chart bars %d (%v), want %d", len(n), err, bars)
	}
}

// TestResultPageScenarios posts the form with scenarios: the result page
// shows the fan chart, each scenario's total and the sensitivity, and
// links to the comparison.
func TestResultPageScenarios(t *testing.T) {
	s := newServer(t, handlers.Config{})
	form := url.Values{"loan.amount": {"500000000"}, "loan.currency": {"RUB"}, "loan.rate": {"19"},
		"loan.issue_date": {"2026-02-10"}, "loan.term_months": {"48"}, "subsidy.programme": {"ru-industrial-0.7"},
		"scenarios": {"low,base,high"}}
	a := do(t, s, http.MethodPost, "/calculate?lang=en", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	body := string(a.Body)
	if a.Status != 200 || !strings.Contains(body, `id="scenarios"`) || strings.Count(body, `<li data-name=`) != 3 ||
		!strings.Contains(body, `id="sensitivity"`) || !strings.Contains(body, `aria-labelledby="fan-title"`) || !strings.Contains(body, `id="compare" href="/compare?`) {
		t.Fatalf("%d %s", a.Status, a)
	}
}

// TestScenarioDecodeProblems: a bad value inside a scenario is named by
// its path, as anywhere else in a request.
func TestScenarioDecodeProblems(t *testing.T) {
	s := newServer(t, handlers.Config{})
	const loan = `{"loan":{"amount":"1","currency":"RUB","rate":"5","issue_date":"2025-01-01","term_months":12},"subsidy":{"programme":"eaeu-industrial"},"scenarios":`
	for _, tc := range []struct{ scenarios, field string }{
		{`[{"name":"x","country":"RU","years":[{"year":"a","rate":"1"}]}]`, "scenarios[0].years[0].year"},
		{`[{"name":"x","country":"RU","points":[{"date":"2027-02-30","rate":"1"}]}]`, "scenarios[0].points[0].date"},
		{`["low",true]`, "scenarios[1]"},
		{`[{"name":"x","country":"RU","path":[]}]`, "scenarios[0].path"},
	} {
		a := postJSON(t, s, loan+tc.scenarios+"}")
		if a.Status != 400 || !hasField(problem(t, a), tc.field) {
			t.Errorf("%s: %d %s", tc.scenarios, a.Status, a)
		}
	}
}
