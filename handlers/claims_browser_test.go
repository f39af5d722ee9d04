package handlers_test

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestClaimsBrowser submits the claim page in headless Chromium and
// compares the page's figures with the JSON API's for the same claim;
// with SUBSIDY_SCREENSHOTS set it saves the page at 1366 and 390 px.
func TestClaimsBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newServer(t, handlers.Config{})
	base := listen(t, s)

	api := postClaim(t, s, "/api/v1/claims?lang=ru", claimExample)
	if api.Status != 200 {
		t.Fatalf("API: %d %s", api.Status, api)
	}
	var want calc.ClaimResult
	if err := json.Unmarshal(api.Body, &want); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/claims?lang=ru"),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		chromedp.SetValue(chromedp.CSS("#rate"), "24,5"),
		chromedp.SetValue(chromedp.CSS("#term_months"), "60"),
		chromedp.SetValue(chromedp.CSS("#borrower"), "ООО «Завод А»"),
		chromedp.SetValue(chromedp.CSS("#tax_id"), "7701234567"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#claim-result")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := attr(t, ctx, "#claim-totals .payable", "data-value"); got != want.Totals.Payable.String() {
		t.Errorf("page payable %s, API %s", got, want.Totals.Payable)
	}
	if got := attr(t, ctx, "#claim-totals .planned", "data-value"); got != want.Totals.Planned.String() {
		t.Errorf("page planned %s, API %s", got, want.Totals.Planned)
	}
	if got := text(t, ctx, "#claim-totals .payable"); got != handlers.FormatMoney(want.Totals.Payable, "ru") {
		t.Errorf("page shows %q, want %q", got, handlers.FormatMoney(want.Totals.Payable, "ru"))
	}
	screenshot(t, ctx, "claims-1366")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "claims-390")
	// On a phone the page is no wider than the screen: the tables scroll
	// inside their own containers.
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if width > 390 {
		t.Errorf("the claim page is %d px wide in a 390 px viewport", width)
	}
}
