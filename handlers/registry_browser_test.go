package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// TestRegistryBrowser signs in to /registry with a token in headless
// Chromium, sees the agreement and the commitments, opens the agreement
// and changes its status through the form (with its CSRF token).
func TestRegistryBrowser(t *testing.T) {
	db := storagetest.Engines(t)[storage.SQLite]
	s, _, officer, _ := registryServer(t, db)
	api := []string{"Content-Type", "application/json", "Authorization", "Bearer " + officer}
	if a := do(t, s, "PUT", "/api/v1/budgets/eaeu-industrial/2026", `{"amount": "9000000000", "currency": "RUB"}`, api...); a.Status != 200 {
		t.Fatal(a)
	}
	if a := do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-42", "date": "2025-03-10", "bank": "Bank", "status": "approved", "request": `+eaeuLoan+`}`, api...); a.Status != 201 {
		t.Fatal(a)
	}
	base := listen(t, s)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/registry?lang=en"), chromedp.WaitVisible(chromedp.CSS("#token"))); err != nil {
		t.Fatal("sign-in form: ", err)
	}
	screenshot(t, ctx, "registry-signin")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#token"), officer),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#who")),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "registry")
	if got := text(t, ctx, "#who"); got != "officer one" {
		t.Errorf("signed in as %q", got)
	}
	if got := text(t, ctx, "#commitments tr[data-year='2026'] .committed"); got == "" || got == "0.00" {
		t.Errorf("2026 committed %q", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#agreements a")),
		chromedp.WaitVisible(chromedp.CSS("#set-status")),
		chromedp.SetValue(chromedp.CSS("#status"), "closed"),
		chromedp.Click(chromedp.CSS("#set-status")),
		chromedp.WaitVisible(chromedp.CSS("#status-saved")),
	); err != nil {
		t.Fatalf("after the status form: %v", err)
	}
	if got := text(t, ctx, ".headline"); !strings.Contains(got, "closed") {
		t.Errorf("after the status form: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#recompute")), chromedp.WaitVisible(chromedp.CSS("#recompute-result"))); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#recompute-result"); !strings.Contains(got, "same figures") {
		t.Errorf("recompute: %q", got)
	}
}
