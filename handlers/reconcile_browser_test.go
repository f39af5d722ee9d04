package handlers_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestReconcileBrowser uploads a bank's schedule with one altered row on
// the /reconcile page in headless Chromium, at a desktop width and a
// phone width, and sees exactly that row flagged.
func TestReconcileBrowser(t *testing.T) {
	ctx := newBrowser(t)
	s := newServer(t, handlers.Config{})
	base := listen(t, s)
	file := filepath.Join(t.TempDir(), "bank.csv")
	if err := os.WriteFile(file, []byte(bankCSV(t, s, 7)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang          string
		width, height int64
		amount, rate  string
	}{
		{"ru", 1366, 900, "1 000 000 000,00", "24,5"},
		{"en", 390, 844, "1,000,000,000.00", "24.5"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(tc.width, tc.height),
				chromedp.Navigate(base+"/reconcile?lang="+tc.lang),
				chromedp.WaitVisible(chromedp.CSS("#file")),
				chromedp.SetValue(chromedp.CSS("#loan-amount"), tc.amount),
				chromedp.SetValue(chromedp.CSS("#loan-rate"), tc.rate),
				chromedp.SetValue(chromedp.CSS("#loan-issue_date"), "2025-03-14"),
				chromedp.SetValue(chromedp.CSS("#loan-term_months"), "60"),
				chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
				chromedp.Click(chromedp.CSS("#submit")),
				chromedp.WaitVisible(chromedp.CSS("#result")),
			)
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			screenshot(t, ctx, "reconcile-"+tc.lang+"-"+strconv.FormatInt(tc.width, 10))
			n, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#differences tr.difference")).map(r => r.dataset.n + "/" + r.cells[3].textContent).join(",")`))
			if err != nil {
				t.Fatal(err)
			}
			wantField := map[string]string{"ru": "Проценты", "en": "Interest"}[tc.lang]
			if n != "7/"+wantField {
				t.Fatalf("flagged %q, want payment 7's interest only", n)
			}
			if got := text(t, ctx, "#rows-off"); got != "1" {
				t.Errorf("rows off %q", got)
			}
			if got := text(t, ctx, "#rows-matching"); got != "59" {
				t.Errorf("rows matching %q", got)
			}
		})
	}
}
