package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/storage"
)

// batchServer is a server with its own data directory, shut down (which
// closes the job manager) when the test ends.
func batchServer(t *testing.T, opt batch.Options) *handlers.Server {
	t.Helper()
	s := newBatchServer(t, handlers.Config{
		Workbook: report.WriteCalculation,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, opt)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return s
}

// batchLoan is one row of a generated batch input.
type batchLoan struct {
	id, participants, programme, amount, currency, rate, issue string
	term, grace                                                int
	repayment, frequency, fx                                   string
}

func batchLoans(n int) []batchLoan {
	repay := []string{"annuity", "equal_principal", "bullet"}
	freq := []string{"monthly", "quarterly", "monthly", "semiannual"}
	parts := []string{"BY:40;RU:35;KZ:25", "RU:50;KZ:30;AM:20", "RU:60;BY:40"}
	out := make([]batchLoan, n)
	for i := range out {
		l := batchLoan{
			id: fmt.Sprintf("B-%03d", i+1), participants: parts[i%len(parts)], programme: "eaeu-industrial",
			amount: fmt.Sprintf("%d.%02d", 50_000_000+i*7_777_777, i%100), currency: "RUB",
			rate: fmt.Sprintf("%d.%d", 17+i%9, i%10), issue: fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28),
			term: 12 * (1 + i%5), repayment: repay[i%3], frequency: freq[i%4],
		}
		if i%4 == 1 {
			l.grace = 6
		}
		if i%5 == 4 {
			l.currency, l.fx = "KZT", "0.18"
		}
		out[i] = l
	}
	return out
}

// json is the calculation request of the loan, as POST
// /api/v1/calculations takes it.
func (l batchLoan) json() string {
	var ps []string
	for _, p := range strings.Split(l.participants, ";") {
		c, s, _ := strings.Cut(p, ":")
		ps = append(ps, fmt.Sprintf(`{"country":%q,"share":%q}`, c, s))
	}
	fx := ""
	if l.fx != "" {
		fx = fmt.Sprintf(`,"fx":[{"rate":%q}]`, l.fx)
	}
	return fmt.Sprintf(`{"project":{"participants":[%s]},"loan":{"amount":%q,"currency":%q,"rate":%q,"issue_date":%q,`+
		`"term_months":%d,"grace_months":%d,"repayment":%q,"frequency":%q},"subsidy":{"programme":%q%s},"lang":"en"}`,
		strings.Join(ps, ","), l.amount, l.currency, l.rate, l.issue, l.term, l.grace, l.repayment, l.frequency, l.programme, fx)
}

// batchWorkbook fills the template with loans (numbers and dates typed as
// a person would) and extra raw rows, and returns the file.
func batchWorkbook(t *testing.T, loans []batchLoan, extra [][]any) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := report.WriteTemplate(&tpl, "ru"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	col := map[string]int{}
	for i, c := range report.Columns() {
		col[c.Key] = i + 1
	}
	set := func(row int, key string, v any) {
		cell, _ := excelize.CoordinatesToCellName(col[key], row)
		if err := f.SetCellValue("Кредиты", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, l := range loans {
		r := i + 2 // over the example row
		var amount, rate float64
		fmt.Sscan(l.amount, &amount)
		fmt.Sscan(l.rate, &rate)
		issue, _ := time.Parse("2006-01-02", l.issue)
		set(r, "id", l.id)
		set(r, "participants", l.participants)
		set(r, "programme", l.programme)
		set(r, "amount", amount)
		set(r, "currency", l.currency)
		set(r, "rate", rate)
		set(r, "issue_date", issue)
		set(r, "term_months", l.term)
		set(r, "grace_months", l.grace)
		set(r, "repayment", l.repayment)
		set(r, "frequency", l.frequency)
		if l.fx != "" {
			set(r, "cap_fx", l.fx)
		} else {
			set(r, "cap_fx", "")
		}
		set(r, "application_date", "")
		set(r, "project", "")
		set(r, "day_count", "")
	}
	for k, e := range extra {
		cell, _ := excelize.CoordinatesToCellName(1, len(loans)+2+k)
		if err := f.SetSheetRow("Кредиты", cell, &e); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// multipartBody builds a multipart form with the file and fields.
func multipartBody(t *testing.T, name string, file []byte, fields ...string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if file != nil {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func doRaw(t *testing.T, s *handlers.Server, method, target, contentType string, body []byte) answer {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

type jobAnswer struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	StatusURL string `json:"status_url"`
	ReportURL string `json:"report_url"`
	Rows      struct {
		Total, Done, Failed int
	} `json:"rows"`
	Summary *struct {
		Rows, Computed, Rejected int
	} `json:"summary"`
	Errors []struct {
		Row     int
		ID      string
		Column  string
		Message string
	} `json:"errors"`
	Error string `json:"error"`
}

func decodeJob(t *testing.T, a answer) jobAnswer {
	t.Helper()
	var j jobAnswer
	if err := json.Unmarshal(a.Body, &j); err != nil {
		t.Fatalf("job answer: %v: %s", err, a)
	}
	return j
}

// TestBatchRoundTrip: the template filled with loans, uploaded, and every
// project of the report equal to a single POST /api/v1/calculations.
func TestBatchRoundTrip(t *testing.T) {
	s := batchServer(t, batch.Options{})
	loans := batchLoans(24)
	bad := [][]any{{"BAD-1", "", "RU:100", "eaeu-industrial", "много", "RUB", 20, "2025-01-01", 60}}
	ct, body := multipartBody(t, "loans.xlsx", batchWorkbook(t, loans, bad), "lang", "en", "annual_budget", "200000000 RUB")
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
	if a.Status != http.StatusAccepted {
		t.Fatalf("POST: %d %s", a.Status, a)
	}
	j := decodeJob(t, a)
	if len(j.ID) != 32 || j.StatusURL != "/api/v1/batches/"+j.ID || a.Header.Get("Location") != j.StatusURL {
		t.Fatalf("accepted %+v, Location %q", j, a.Header.Get("Location"))
	}
	deadline := time.Now().Add(60 * time.Second)
	for j.Status != "done" {
		if j.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("job %+v", j)
		}
		time.Sleep(50 * time.Millisecond)
		j = decodeJob(t, do(t, s, http.MethodGet, j.StatusURL+"?lang=en", ""))
	}
	if j.Summary == nil || j.Summary.Rows != 25 || j.Summary.Computed != 24 || j.Summary.Rejected != 1 ||
		j.Rows.Total != 25 || j.Rows.Done != 24 || j.Rows.Failed != 1 {
		t.Fatalf("finished job %+v %+v", j, j.Summary)
	}
	if len(j.Errors) != 1 || j.Errors[0].ID != "BAD-1" || j.Errors[0].Column != "amount" || j.Errors[0].Row != 26 {
		t.Errorf("errors %+v", j.Errors)
	}
	rep := do(t, s, http.MethodGet, j.ReportURL, "")
	if rep.Status != 200 || !strings.HasPrefix(rep.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("report: %d %s", rep.Status, rep.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(rep.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Summary|Projects|Allocation|Errors" {
		t.Errorf("sheets %s", got)
	}
	rows, err := f.GetRows("Projects", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	h := rows[0]
	idx := func(name string) int {
		for i, c := range h {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %q", name)
		return 0
	}
	cID, cInterest, cPaid, cBorrower := idx("id"), idx("Interest"), idx("Subsidy payable"), idx("Borrower interest")
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[cID]] = r
	}
	for _, l := range loans {
		one := postJSON(t, s, l.json())
		if one.Status != 200 {
			t.Fatalf("%s: POST /api/v1/calculations %d %s", l.id, one.Status, one)
		}
		var res struct {
			Totals map[string]string `json:"totals"`
		}
		json.Unmarshal(one.Body, &res)
		r := byID[l.id]
		if r == nil {
			t.Fatalf("%s not in the report", l.id)
		}
		for col, key := range map[int]string{cInterest: "interest", cPaid: "subsidy_payable", cBorrower: "borrower_interest"} {
			got, _ := decimal.NewFromString(r[col])
			want := decimal.RequireFromString(res.Totals[key])
			if !got.Equal(want) {
				t.Errorf("%s %s: report %s, API %s", l.id, key, got, want)
			}
		}
	}
}

func TestBatchAPIErrors(t *testing.T) {
	s := batchServer(t, batch.Options{})
	good := batchWorkbook(t, batchLoans(2), nil)
	cases := []struct {
		name        string
		contentType string
		body        func() (string, []byte)
		status      int
		field       string
	}{
		{"NotMultipart", "application/json", func() (string, []byte) { return "application/json", []byte(`{}`) }, 415, ""},
		{"NoFile", "", func() (string, []byte) { return multipartBody(t, "", nil, "programme", "custom") }, 400, "file"},
		{"NotSpreadsheet", "", func() (string, []byte) { return multipartBody(t, "cat.png", []byte("\x89PNG\r\n\x1a\n\x00\x00")) }, 422, "file"},
		{"NoColumns", "", func() (string, []byte) { return multipartBody(t, "x.csv", []byte("name;value\na;1\n")) }, 422, "file"},
		{"BadOptions", "", func() (string, []byte) {
			return multipartBody(t, "x.xlsx", good, "programme", "nope", "allocation", "lottery", "annual_budget", "1 000")
		}, 422, "programme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct, body := c.body()
			a := doRaw(t, s, http.MethodPost, "/api/v1/batches?lang=en", ct, body)
			if a.Status != c.status {
				t.Fatalf("status %d, want %d: %s", a.Status, c.status, a)
			}
			p := problem(t, a)
			if c.field != "" && !hasField(p, c.field) {
				t.Errorf("problem %+v lacks field %s", p, c.field)
			}
		})
	}
	for _, path := range []string{"/api/v1/batches/0123456789abcdef0123456789abcdef", "/api/v1/batches/nope/report.xlsx",
		"/api/v1/batches/0123456789abcdef0123456789abcdef/events", "/api/v1/batches/..%2F..%2Fetc"} {
		a := do(t, s, http.MethodGet, path, "")
		if a.Status != 404 {
			t.Errorf("%s: %d %s", path, a.Status, a)
			continue
		}
		problem(t, a)
	}
	// ?wait=true answers the finished job.
	ct, body := multipartBody(t, "x.xlsx", good)
	a := doRaw(t, s, http.MethodPost, "/api/v1/batches?wait=true", ct, body)
	if j := decodeJob(t, a); a.Status != 200 || j.Status != "done" || j.ReportURL == "" {
		t.Fatalf("wait=true: %d %s", a.Status, a)
	}
	// The template.
	tpl := do(t, s, http.MethodGet, "/api/v1/batches/template.xlsx?lang=en", "")
	if tpl.Status != 200 || !strings.Contains(tpl.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("template: %d %v", tpl.Status, tpl.Header)
	}
	tf, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	if tf.GetSheetList()[0] != "Loans" {
		t.Errorf("template sheets %q", tf.GetSheetList())
	}
}

// TestBatchEvents follows a job through server-sent events on a real
// connection until its last event says done.
func TestBatchEvents(t *testing.T) {
	s := batchServer(t, batch.Options{Parallel: 1})
	base := listen(t, s)
	ct, body := multipartBody(t, "x.xlsx", batchWorkbook(t, batchLoans(30), nil))
	resp, err := http.Post(base+"/api/v1/batches", ct, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var j jobAnswer
	json.NewDecoder(resp.Body).Decode(&j)
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var last jobAnswer
	events := 0
	for last.Status != "done" {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/batches/"+j.ID+"/events", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("Content-Type %q", ct)
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				if err := json.Unmarshal([]byte(data), &last); err != nil {
					t.Fatalf("event %q: %v", data, err)
				}
				events++
			}
		}
		resp.Body.Close()
	}
	if events == 0 || last.Rows.Done+last.Rows.Failed != 30 || last.ReportURL == "" {
		t.Fatalf("%d events, last %+v", events, last)
	}
}

// TestBatchPage uploads a file on /batch in Chromium, watches the progress
// bar and checks the summary, the errors and the download link.
func TestBatchPage(t *testing.T) {
	ctx := newBrowser(t)
	s := batchServer(t, batch.Options{Parallel: 1})
	base := listen(t, s)
	bad := [][]any{{"BAD-1", "", "RU:100", "eaeu-industrial", "много", "RUB", 20, "2025-01-01", 60}}
	const n = 600 // enough rows to see the job run
	file := filepath.Join(t.TempDir(), "кредиты.xlsx")
	if err := os.WriteFile(file, batchWorkbook(t, batchLoans(n), bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			err := chromedp.Do(ctx,
				chromedp.Navigate(base+"/batch?lang="+lang),
				chromedp.WaitVisible(chromedp.CSS("#file")),
			)
			if err != nil {
				t.Fatalf("open page: %v", err)
			}
			if h := text(t, ctx, "h1"); (lang == "ru") != strings.Contains(h, "Пакетный") {
				t.Errorf("heading %q in %s", h, lang)
			}
			if href := attr(t, ctx, "#template-link", "href"); !strings.Contains(href, "/api/v1/batches/template.xlsx") {
				t.Errorf("template link %q", href)
			}
			screenshot(t, ctx, "batch-form-"+lang)
			err = chromedp.Do(ctx,
				chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
				chromedp.SetValue(chromedp.CSS("#annual_budget"), "5 000 000 000 RUB"),
				chromedp.Click(chromedp.CSS("#submit")),
				chromedp.WaitVisible(chromedp.CSS("#progress")),
			)
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			// The job is still running when its page opens; the page follows
			// it through server-sent events and shows the result by itself.
			first := attr(t, ctx, "#job", "data-status")
			if first != "queued" && first != "running" {
				t.Logf("the job finished before its page opened (%s); live progress not seen", first)
			}
			seen := map[string]bool{}
			for i := 0; i < 400; i++ {
				v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var r=document.getElementById("result");var p=document.getElementById("progress");return (r?"done:":"")+(p?p.value+"/"+p.max:"")})()`))
				if err != nil {
					// The page reloads itself when the job finishes.
					time.Sleep(50 * time.Millisecond)
					continue
				}
				seen[v] = true
				if strings.HasPrefix(v, "done:") {
					break
				}
				if i == 5 {
					screenshot(t, ctx, "batch-progress-"+lang)
				}
				time.Sleep(50 * time.Millisecond)
			}
			err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#result")))
			if err != nil {
				t.Fatalf("no result: %v", err)
			}
			if first == "running" || first == "queued" {
				moving := 0
				for v := range seen {
					if !strings.HasPrefix(v, "done:") {
						moving++
					}
				}
				t.Logf("progress states seen: %d", moving)
			}
			screenshot(t, ctx, "batch-result-"+lang)
			for sel, want := range map[string]string{"#sum-rows": fmt.Sprint(n + 1), "#sum-rejected": "1"} {
				if got := text(t, ctx, sel); got != want {
					t.Errorf("%s = %q, want %q", sel, got, want)
				}
			}
			el, _ := strconv.Atoi(text(t, ctx, "#sum-eligible"))
			inel, _ := strconv.Atoi(text(t, ctx, "#sum-ineligible"))
			if el+inel != n {
				t.Errorf("eligible %d + ineligible %d ≠ %d computed", el, inel, n)
			}
			if got := text(t, ctx, "#options"); !strings.Contains(got, "5") || !strings.Contains(got, "RUB") {
				t.Errorf("options shown: %q", got)
			}
			if got := text(t, ctx, "#errors tbody"); !strings.Contains(got, "BAD-1") || !strings.Contains(got, "amount") {
				t.Errorf("errors table %q", got)
			}
			if n, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll("#allocation tbody tr"))); err != nil || len(n) == 0 {
				t.Errorf("allocation table: %d rows (%v)", len(n), err)
			}
			href := attr(t, ctx, "#download", "href")
			resp, err := http.Get(base + href)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte("PK")) {
				t.Errorf("download %s: %d", href, resp.StatusCode)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "batch-") || !strings.Contains(cd, time.Now().UTC().Format("2006-")) {
				t.Errorf("download name %q", cd)
			}
			if got := attr(t, ctx, "#progress", "value"); got != "100" {
				t.Errorf("progress value %q", got)
			}
		})
	}
	t.Run("Refused", func(t *testing.T) {
		junk := filepath.Join(t.TempDir(), "junk.xlsx")
		os.WriteFile(junk, []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o644)
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/batch?lang=en"),
			chromedp.WaitVisible(chromedp.CSS("#file")),
			chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{junk}),
			chromedp.Click(chromedp.CSS("#submit")),
			chromedp.WaitVisible(chromedp.CSS("#error-summary")),
		)
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		if got := text(t, ctx, "#error-summary"); !strings.Contains(got, "not a spreadsheet") {
			t.Errorf("error summary %q", got)
		}
	})
}

// batchCSV writes n loans as a CSV upload (quick to build for large n).
func batchCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("id;participants;programme;amount;currency;rate;issue_date;term_months;grace_months;repayment;frequency;cap_fx\n")
	for _, l := range batchLoans(n) {
		fmt.Fprintf(&b, "%s;%q;%s;%s;%s;%s;%s;%d;%d;%s;%s;%s\n", l.id, l.participants, l.programme,
			strings.Replace(l.amount, ".", ",", 1), l.currency, l.rate, l.issue, l.term, l.grace, l.repayment, l.frequency, l.fx)
	}
	return []byte(b.String())
}

// TestBatchRestart stops the service while a job runs (with a client
// following it) and starts it again on the same data directory: the job
// runs again and finishes.
func TestBatchRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := handlers.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	opt := batch.Options{Dir: filepath.Join(dir, "batches"), Parallel: 1}
	s1 := newBatchServer(t, cfg, opt)
	base := listen(t, s1)
	ct, body := multipartBody(t, "big.csv", batchCSV(6_000))
	a := doRaw(t, s1, http.MethodPost, "/api/v1/batches", ct, body)
	if a.Status != http.StatusAccepted {
		t.Fatalf("POST: %d %s", a.Status, a)
	}
	j := decodeJob(t, a)
	for {
		j = decodeJob(t, do(t, s1, http.MethodGet, j.StatusURL, ""))
		if j.Status == "running" && j.Rows.Done > 0 {
			break
		}
		if j.Status == "done" {
			t.Skip("the job finished before the stop; nothing to interrupt")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stream, err := http.Get(base + j.StatusURL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	streamDone := make(chan struct{})
	go func() { io.Copy(io.Discard, stream.Body); close(streamDone) }()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := s1.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Shutdown took %v with a job running and an event stream open", d)
	}
	select {
	case <-streamDone:
	case <-time.After(5 * time.Second):
		t.Error("the event stream did not end at shutdown")
	}
	// Without a registry database the jobs are in SQLite in the data
	// directory: the stopped job is queued again there.
	db, err := storage.Open(t.Context(), "", filepath.Join(dir, "batches"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.BatchJob(t.Context(), j.ID)
	db.Close()
	if err != nil || rec.Status != storage.BatchQueued {
		t.Fatalf("after the stop the job is %+v (%v), want queued again", rec, err)
	}

	s2 := batchServerAt(t, cfg, opt)
	deadline := time.Now().Add(90 * time.Second)
	for {
		j = decodeJob(t, do(t, s2, http.MethodGet, j.StatusURL, ""))
		if j.Status == "done" {
			break
		}
		if j.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("after restart: %+v", j)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if j.Rows.Done+j.Rows.Failed != 6_000 || j.Summary == nil || j.Summary.Rows != 6_000 {
		t.Fatalf("after restart: %+v", j)
	}
	if a := do(t, s2, http.MethodGet, j.ReportURL, ""); a.Status != 200 {
		t.Fatalf("report: %d", a.Status)
	}
}

// batchServerAt is batchServer with a given configuration.
func batchServerAt(t *testing.T, cfg handlers.Config, opt batch.Options) *handlers.Server {
	t.Helper()
	s := newBatchServer(t, cfg, opt)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return s
}
