package handlers_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/shopspring/decimal"
)

// newBrowser starts Debian's headless Chromium for one test. It skips the
// test when the browser is missing, except under CI=true where .ci/run
// must have installed it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	const bin = "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing: .ci/run must install chromium", bin)
		}
		t.Skipf("%s missing; browser test skipped (apt-get install chromium)", bin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // the whole test
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin), chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

// screenshot saves a full-page PNG under $SUBSIDY_SCREENSHOTS when it is
// set (to look at the pages; never committed).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SUBSIDY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	a, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !a.Exists {
		t.Fatalf("attribute %s of %s: %v (exists %v)", name, sel, err, a.Exists)
	}
	return a.Value
}

// TestBrowser drives the calculator in headless Chromium: it fills the
// form, submits it, compares the page's figures with the JSON API's for
// the same input, triggers a validation error and checks the participant
// rows' JavaScript.
func TestBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newServer(t, handlers.Config{Workbook: report.WriteCalculation})
	base := listen(t, s)

	// The same loan through the JSON API.
	api := postJSON(t, s, `{
	  "project": {"name": "Электробусы", "participants": [
	    {"country": "BY", "share": "40"}, {"country": "RU", "share": "35"}, {"country": "KZ", "share": "25"}]},
	  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14",
	           "term_months": 60, "repayment": "annuity", "frequency": "monthly", "grace_months": 0, "day_count": "act/act"},
	  "subsidy": {"programme": "eaeu-industrial"}, "lang": "ru"}`)
	if api.Status != 200 {
		t.Fatalf("API: %d %s", api.Status, api)
	}
	var want struct {
		Totals struct {
			SubsidyPaid string `json:"subsidy_paid"`
			Interest    string `json:"interest"`
		} `json:"totals"`
		EffectiveRates struct {
			WithoutSubsidy string `json:"without_subsidy"`
			WithSubsidy    string `json:"with_subsidy"`
		} `json:"effective_rates"`
		GrantElement string `json:"grant_element"`
		Schedule     []json.RawMessage
		Checks       []struct {
			Code string
			OK   bool
		}
	}
	if err := json.Unmarshal(api.Body, &want); err != nil {
		t.Fatal(err)
	}

	t.Run("ResultRu", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/?lang=ru"),
			chromedp.WaitVisible(chromedp.CSS("#loan-amount")),
		)
		if err != nil {
			t.Fatalf("open form: %v", err)
		}
		screenshot(t, ctx, "form-ru")
		err = chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#project-name"), "Электробусы"),
			chromedp.SetValue(chromedp.CSS("#loan-amount"), "1 000 000 000,00"),
			chromedp.SetValue(chromedp.CSS("#loan-rate"), "24,5"),
			chromedp.SetValue(chromedp.CSS("#loan-issue_date"), "2025-03-14"),
			chromedp.SetValue(chromedp.CSS("#loan-term_months"), "60"),
			chromedp.Click(chromedp.CSS("#submit")),
			chromedp.WaitVisible(chromedp.CSS("#result")),
		)
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		if got := attr(t, ctx, "#total-subsidy", "data-value"); got != want.Totals.SubsidyPaid {
			t.Errorf("page subsidy %s, API %s", got, want.Totals.SubsidyPaid)
		}
		wantText := formatRu(want.Totals.SubsidyPaid)
		if got := text(t, ctx, "#total-subsidy"); got != wantText {
			t.Errorf("subsidy shown as %q, want %q", got, wantText)
		}
		if got := attr(t, ctx, "#total-interest", "data-value"); got != want.Totals.Interest {
			t.Errorf("page interest %s, API %s", got, want.Totals.Interest)
		}
		for sel, w := range map[string]string{
			"#rate-before":   want.EffectiveRates.WithoutSubsidy,
			"#rate-after":    want.EffectiveRates.WithSubsidy,
			"#grant-element": want.GrantElement,
		} {
			if got := attr(t, ctx, sel, "data-value"); got != w {
				t.Errorf("%s: page %s, API %s", sel, got, w)
			}
			// shown with the pages' two decimals
			if got, wt := text(t, ctx, sel), strings.ReplaceAll(decimal.RequireFromString(w).StringFixed(2), ".", ",")+"\u00a0%"; got != wt {
				t.Errorf("%s shown as %q, want %q", sel, got, wt)
			}
		}
		rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#schedule tbody tr")))
		if err != nil || len(rows) != len(want.Schedule) {
			t.Errorf("schedule rows %d (%v), API %d", len(rows), err, len(want.Schedule))
		}
		checks, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#checks li.check")))
		if err != nil || len(checks) != len(want.Checks) {
			t.Errorf("checks %d (%v), API %d", len(checks), err, len(want.Checks))
		}
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#chart svg rect.c-interest.bar"))); err != nil || len(n) != len(want.Schedule) {
			t.Errorf("chart bars %d (%v), want %d", len(n), err, len(want.Schedule))
		}
		if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("#download-xlsx"))); err != nil || len(n) != 1 {
			t.Errorf("no workbook download button: %v", err)
		}
		screenshot(t, ctx, "result-ru")
	})

	t.Run("ValidationEn", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/?lang=en"),
			chromedp.WaitVisible(chromedp.CSS("#loan-amount")),
			chromedp.SetValue(chromedp.CSS("#loan-amount"), "a lot"),
			chromedp.SetValue(chromedp.CSS("#project-participants-1-share"), "99"),
			chromedp.Click(chromedp.CSS("#submit")),
			chromedp.WaitVisible(chromedp.CSS("#loan-amount-error")),
		)
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		if got := text(t, ctx, "#loan-amount-error"); !strings.Contains(got, "number") {
			t.Errorf("amount error %q", got)
		}
		if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#loan-amount"))); got != "a lot" {
			t.Errorf("amount kept as %q", got)
		}
		if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#project-participants-1-share"))); got != "99" {
			t.Errorf("share kept as %q", got)
		}
		if got := attr(t, ctx, "#loan-amount", "aria-invalid"); got != "true" {
			t.Errorf("aria-invalid %q", got)
		}
		if got := text(t, ctx, "#error-summary"); !strings.Contains(got, "Loan amount") {
			t.Errorf("summary %q", got)
		}
		screenshot(t, ctx, "form-en-errors")
	})

	t.Run("ParticipantRowsJS", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/?lang=en"),
			chromedp.WaitVisible(chromedp.CSS("#add-participant")),
			chromedp.Click(chromedp.CSS("#add-participant")),
			chromedp.WaitVisible(chromedp.CSS("#project-participants-5-name")),
			chromedp.SendKeys(chromedp.CSS("#project-participants-5-name"), "Plant F"),
			chromedp.Click(chromedp.CSS("li.row[data-row='0'] .remove-row")),
		)
		if err != nil {
			t.Fatalf("rows: %v", err)
		}
		rows, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#participant-rows li.row")))
		if err != nil || len(rows) != 5 {
			t.Fatalf("rows after add and remove: %d (%v), want 5", len(rows), err)
		}
		// The added row moved up to index 4, names renumbered.
		if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#project-participants-4-name"))); got != "Plant F" {
			t.Errorf("renumbered row 4 name %q", got)
		}
		if got := attr(t, ctx, "#project-participants-4-name", "name"); got != "project.participants[4].name" {
			t.Errorf("renumbered name attribute %q", got)
		}
		// The removed first row (BY 40) is gone: the first row is RU now.
		if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#project-participants-0-country"))); got != "RU" {
			t.Errorf("first row country %q, want RU", got)
		}
	})

	t.Run("ResultEnPhone", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(base+"/?lang=en"),
			chromedp.WaitVisible(chromedp.CSS("#loan-amount")),
		)
		if err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, "form-en-phone")
		err = chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS("#loan-issue_date"), "2025-03-14"),
			chromedp.SetValue(chromedp.CSS("#loan-rate"), "24.5"),
			chromedp.Click(chromedp.CSS("#submit")),
			chromedp.WaitVisible(chromedp.CSS("#result")),
		)
		if err != nil {
			t.Fatal(err)
		}
		if got := attr(t, ctx, "#total-subsidy", "data-value"); got != want.Totals.SubsidyPaid {
			t.Errorf("page subsidy %s, API %s", got, want.Totals.SubsidyPaid)
		}
		if got, w := text(t, ctx, "#total-subsidy"), formatEn(want.Totals.SubsidyPaid); got != w {
			t.Errorf("subsidy shown as %q, want %q", got, w)
		}
		screenshot(t, ctx, "result-en-phone")
	})
}

// formatRu and formatEn format "1234567.89" the way the pages do.
func formatRu(s string) string { return group(s, "\u00a0", ",") }
func formatEn(s string) string { return group(s, ",", ".") }

func group(s, sep, dot string) string {
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, ch := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(ch)
	}
	return b.String() + dot + frac
}
