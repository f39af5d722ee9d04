package handlers_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/eaeu-subsidy/subsidy/batch"
)

// TestBatchPageEveryBadCell uploads, in Chromium, a CSV whose row has two
// bad cells (an amount that is no number and a rate out of range) and one
// ineligible loan: the status page lists both cells of the row, counts the
// ineligible loan apart with its failed condition, and names the options.
// Then an upload with no file and a bad budget shows both errors at once,
// each beside its field.
func TestBatchPageEveryBadCell(t *testing.T) {
	ctx := newBrowser(t)
	s := batchServer(t, batch.Options{Parallel: 1})
	base := listen(t, s)
	csv := "id;participants;programme;amount;currency;rate;issue_date;term_months\n" +
		"OK-1;\"BY:40;RU:35;KZ:25\";eaeu-industrial;1000000000;RUB;20;2025-03-14;60\n" +
		"TWO-1;\"RU:60;BY:40\";eaeu-industrial;1000000000;RUB;20;2025-03-14;60\n" +
		"BAD-2;\"BY:40;RU:35;KZ:25\";eaeu-industrial;много;RUB;250;2025-03-14;60\n"
	file := filepath.Join(t.TempDir(), "loans.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/batch?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#file")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#result")),
	)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	errs := text(t, ctx, "#errors tbody")
	for _, want := range []string{"BAD-2", "amount", "rate"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors table lacks %q: %q", want, errs)
		}
	}
	if got := text(t, ctx, "#sum-ineligible"); got != "1" {
		t.Errorf("ineligible %q, want 1", got)
	}
	if got := text(t, ctx, "#ineligible tbody"); !strings.Contains(got, "TWO-1") || !strings.Contains(got, "Number of member states") {
		t.Errorf("ineligible loans %q", got)
	}
	if got := text(t, ctx, "#opt-budget"); got == "" {
		t.Error("the budget option is not shown")
	}

	// No file and a bad budget: both errors, each beside its field.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/batch?lang=en"),
		chromedp.WaitVisible(chromedp.CSS("#file")))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	// The browser would refuse to send the form without a file.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("file").removeAttribute("required"), true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS("#annual_budget"), "lots"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#error-summary")),
	)
	if err != nil {
		t.Fatalf("refused upload: %v", err)
	}
	head := text(t, ctx, "#error-summary h2")
	if !strings.Contains(head, "File") || !strings.Contains(head, "Annual budget") {
		t.Errorf("error heading %q names not both fields", head)
	}
	for _, id := range []string{"#file-error", "#annual_budget-error"} {
		if text(t, ctx, id) == "" {
			t.Errorf("%s empty", id)
		}
	}
	if attr(t, ctx, "#annual_budget", "aria-invalid") != "true" {
		t.Error("the budget field is not marked invalid")
	}
}

// TestBatchCancel: DELETE /api/v1/batches/{id} stops a job (200,
// "cancelled", no report); a second DELETE is 409; the status page of a
// running job refreshes itself without JavaScript.
func TestBatchCancel(t *testing.T) {
	s := batchServer(t, batch.Options{Parallel: 1})
	ct, body := multipartBody(t, "loans.csv", batchCSV(3000))
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches", ct, body)
	if a.Status != http.StatusAccepted {
		t.Fatalf("POST: %d %s", a.Status, a)
	}
	j := decodeJob(t, a)
	page := do(t, s, http.MethodGet, "/batch/"+j.ID+"?lang=en", "")
	if st := decodeJob(t, do(t, s, http.MethodGet, j.StatusURL, "")).Status; st == "queued" || st == "running" {
		if !strings.Contains(string(page.Body), `http-equiv="refresh"`) {
			t.Errorf("a %s job's page does not refresh itself", st)
		}
	}
	c := do(t, s, http.MethodDelete, j.StatusURL+"?lang=en", "")
	var v struct {
		Status    string `json:"status"`
		ReportURL string `json:"report_url"`
	}
	if err := json.Unmarshal(c.Body, &v); err != nil {
		t.Fatalf("DELETE: %d %s", c.Status, c)
	}
	switch {
	case c.Status == http.StatusOK && v.Status == "cancelled" && v.ReportURL == "":
	case c.Status == http.StatusConflict:
		t.Skip("the job finished before it could be cancelled")
	default:
		t.Fatalf("DELETE: %d %s", c.Status, c)
	}
	if again := do(t, s, http.MethodDelete, j.StatusURL, ""); again.Status != http.StatusConflict {
		t.Errorf("second DELETE: %d %s", again.Status, again)
	}
	if r := do(t, s, http.MethodGet, j.StatusURL+"/report.xlsx", ""); r.Status != http.StatusConflict {
		t.Errorf("report of a cancelled job: %d", r.Status)
	}
	time.Sleep(10 * time.Millisecond)
	if d := do(t, s, http.MethodDelete, "/api/v1/batches/00000000000000000000000000000000", ""); d.Status != http.StatusNotFound {
		t.Errorf("unknown job: %d", d.Status)
	}
}
