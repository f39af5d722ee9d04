package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestFormScenariosBrowser: in Chromium, ticking two scenarios on the form
// and submitting it opens the result page with the fan chart of those two.
func TestFormScenariosBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newServer(t, handlers.Config{})
	base := listen(t, s)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#loan-amount")),
	)
	if err != nil {
		t.Fatalf("open form: %v", err)
	}
	for _, n := range []string{"low", "base", "high"} {
		if checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("scenario-`+n+`").checked`)); err != nil || checked {
			t.Errorf("%s: checked %v (%v), want off by default", n, checked, err)
		}
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#loan-amount"), "500000000"),
		chromedp.SetValue(chromedp.CSS("#loan-rate"), "19"),
		chromedp.SetValue(chromedp.CSS("#loan-issue_date"), "2026-02-10"),
		chromedp.SetValue(chromedp.CSS("#loan-term_months"), "48"),
		chromedp.Click(chromedp.CSS("#scenario-low")),
		chromedp.Click(chromedp.CSS("#scenario-high")),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	screenshot(t, ctx, "result-scenarios-en")
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#scenarios li[data-name]")).map(function(e){return e.dataset.name})`))
	if err != nil || len(names) != 2 || names[0] != "low" || names[1] != "high" {
		t.Errorf("scenarios on the result page %v (%v), want [low high]", names, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#scenarios figure svg"))); err != nil || len(n) != 1 {
		t.Errorf("fan chart: %d (%v)", len(n), err)
	}
}
