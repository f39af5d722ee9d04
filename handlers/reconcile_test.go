package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// bankCSV is the engine's own schedule of eaeuLoan (from the JSON API) as a
// bank would send it, with every amount of payment alter raised by 100.
func bankCSV(t testing.TB, s *handlers.Server, alter int) string {
	t.Helper()
	a := postJSON(t, s, eaeuLoan)
	if a.Status != 200 {
		t.Fatalf("calculation: %d %s", a.Status, a)
	}
	var res struct {
		Schedule []struct {
			N                                          int
			End                                        string `json:"end"`
			Opening                                    string `json:"opening_balance"`
			Principal, Interest, SubsidyPaid, Borrower string
		} `json:"schedule"`
	}
	if err := json.Unmarshal(a.Body, &res); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Дата платежа;Остаток долга;Проценты\n")
	for _, p := range res.Schedule {
		interest := strings.Replace(p.Interest, ".", ",", 1)
		if p.N == alter {
			interest = "1,00"
		}
		fmt.Fprintf(&b, "%s;%s;%s\n", p.End[8:10]+"."+p.End[5:7]+"."+p.End[:4], strings.Replace(p.Opening, ".", ",", 1), interest)
	}
	return b.String()
}

func recMultipart(t testing.TB, fields map[string]string, file string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if file != "" {
		fw, _ := w.CreateFormFile("file", "bank.csv")
		_, _ = io.WriteString(fw, file)
	}
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}

type recAnswer struct {
	Conventions  map[string]string `json:"conventions"`
	RowsChecked  int               `json:"rows_checked"`
	RowsMatching int               `json:"rows_matching"`
	RowsOff      int               `json:"rows_off"`
	Alternatives []struct {
		RowsOff int `json:"rows_off"`
	} `json:"alternatives"`
	Differences []struct {
		N          int     `json:"n"`
		Date       string  `json:"date"`
		Field      string  `json:"field"`
		Bank       *string `json:"bank"`
		Ours       *string `json:"ours"`
		Difference *string `json:"difference"`
		Cause      string  `json:"cause"`
	} `json:"differences"`
	Warnings []string `json:"warnings"`
}

func TestReconciliationsAPI(t *testing.T) {
	s := newServer(t, handlers.Config{})
	csv := bankCSV(t, s, 7)
	loan := strings.TrimSuffix(strings.TrimSpace(eaeuLoan), "}")

	t.Run("Multipart", func(t *testing.T) {
		body, ct := recMultipart(t, map[string]string{"request": eaeuLoan}, csv)
		a := do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", ct)
		if a.Status != 200 {
			t.Fatalf("%d %s", a.Status, a)
		}
		var r recAnswer
		if err := json.Unmarshal(a.Body, &r); err != nil {
			t.Fatal(err)
		}
		if r.RowsChecked != 60 || r.RowsMatching != 59 || r.RowsOff != 1 || len(r.Differences) != 1 ||
			r.Differences[0].N != 7 || r.Differences[0].Field != "interest" || *r.Differences[0].Bank != "1.00" {
			t.Fatalf("%+v", r)
		}
		if r.Conventions["day_count"] != "act/act" || r.Conventions["accrual_balance"] != "daily" || len(r.Alternatives) == 0 {
			t.Fatalf("conventions %+v", r.Conventions)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		body := loan + `, "tolerance": "0", "bank_schedule": [
		  {"date": "2025-04-14", "interest": "1.00"},
		  {"date": "2025-04-15"}]}`
		a := do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", "application/json")
		if a.Status != 200 {
			t.Fatalf("%d %s", a.Status, a)
		}
		var r recAnswer
		_ = json.Unmarshal(a.Body, &r)
		var got []string
		for _, d := range r.Differences {
			got = append(got, fmt.Sprintf("%d %s %s %s", d.N, d.Date, d.Field, d.Cause))
		}
		// Row 1 differs, the 15th is not a payment date, and 59 of our
		// payments are missing from the bank's schedule.
		if len(got) != 61 || got[0] != "1 2025-04-14 interest unexplained" || got[1] != "0 2025-04-15 row extra_row" || got[2] != "2 2025-05-14 row missing_row" {
			t.Fatalf("%d differences: %v", len(got), got[:min(len(got), 4)])
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		body, ct := recMultipart(t, map[string]string{"request": eaeuLoan}, csv)
		a := do(t, s, http.MethodPost, "/api/v1/reconciliations?format=xlsx", body, "Content-Type", ct)
		if a.Status != 200 || a.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !bytes.HasPrefix(a.Body, []byte("PK")) {
			t.Fatalf("%d %s", a.Status, a.Header)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, body, ct string
			status         int
			field          string
		}{
			{"BadCell", loan + `, "bank_schedule": [{"date": "2025-04-14", "interest": "1.005"}]}`, "application/json", 422, "bank_schedule[0].interest"},
			{"BadDate", loan + `, "bank_schedule": [{"date": "2025-02-30"}]}`, "application/json", 400, "bank_schedule[0].date"},
			{"Unknown", loan + `, "bank_schedule": [{"date": "2025-04-14", "interest_": "1"}]}`, "application/json", 400, "bank_schedule[0].interest_"},
			{"Empty", loan + `}`, "application/json", 422, "bank_schedule"},
			{"Loan", `{"loan": {}, "subsidy": {"programme": "eaeu-industrial"}, "bank_schedule": [{"date": "2025-04-14"}]}`, "application/json", 422, "loan.amount"},
			{"Tolerance", loan + `, "tolerance": "-1", "bank_schedule": [{"date": "2025-04-14"}]}`, "application/json", 422, "tolerance"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := do(t, s, http.MethodPost, "/api/v1/reconciliations", tc.body, "Content-Type", tc.ct)
				p := problem(t, a)
				if a.Status != tc.status || !hasField(p, tc.field) {
					t.Fatalf("%d %+v, want %d naming %s", a.Status, p, tc.status, tc.field)
				}
			})
		}
		body, ct := recMultipart(t, map[string]string{"request": eaeuLoan}, "date;interest\n14.04.2025;abc\n")
		a := do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", ct)
		if p := problem(t, a); a.Status != 422 || !hasField(p, "bank_schedule[0].interest") {
			t.Fatalf("file cell: %d %+v", a.Status, p)
		}
		body, ct = recMultipart(t, map[string]string{"request": eaeuLoan}, "hello\n")
		a = do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", ct)
		if p := problem(t, a); a.Status != 422 || !hasField(p, "file") {
			t.Fatalf("file: %d %+v", a.Status, p)
		}
		body, ct = recMultipart(t, map[string]string{}, csv)
		a = do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", ct)
		if p := problem(t, a); a.Status != 400 || !hasField(p, "request") {
			t.Fatalf("no request: %d %+v", a.Status, p)
		}
	})
}

func TestReconcilePage(t *testing.T) {
	s := newServer(t, handlers.Config{})
	csv := bankCSV(t, s, 12)
	fields := map[string]string{
		"loan.amount": "1 000 000 000,00", "loan.currency": "RUB", "loan.rate": "24,5", "loan.issue_date": "2025-03-14",
		"loan.term_months": "60", "loan.repayment": "annuity", "loan.frequency": "monthly", "loan.day_count": "act/act",
		"subsidy.programme": "eaeu-industrial",
	}
	a := do(t, s, http.MethodGet, "/reconcile?lang=en", "")
	if a.Status != 200 || !strings.Contains(string(a.Body), `name="file"`) {
		t.Fatalf("%d", a.Status)
	}
	body, ct := recMultipart(t, fields, csv)
	a = do(t, s, http.MethodPost, "/reconcile?lang=en", body, "Content-Type", ct)
	if a.Status != 200 || strings.Count(string(a.Body), `class="difference"`) != 1 || !strings.Contains(string(a.Body), `data-n="12"`) {
		t.Fatalf("%d %s", a.Status, a)
	}
	// The download posts the bank's rows back.
	i := strings.Index(string(a.Body), `name="bank_schedule" value="`)
	if i < 0 {
		t.Fatal("no bank_schedule in the download form")
	}
	rest := string(a.Body)[i+len(`name="bank_schedule" value="`):]
	js := htmlUnescape(rest[:strings.IndexByte(rest, '"')])
	fields["bank_schedule"] = js
	body, ct = recMultipart(t, fields, "")
	a = do(t, s, http.MethodPost, "/reconcile?lang=en&format=xlsx", body, "Content-Type", ct)
	if a.Status != 200 || !bytes.HasPrefix(a.Body, []byte("PK")) {
		t.Fatalf("download: %d %s", a.Status, a)
	}
	// No file: the form again with the error.
	delete(fields, "bank_schedule")
	fields["loan.rate"] = "abc"
	body, ct = recMultipart(t, fields, "")
	a = do(t, s, http.MethodPost, "/reconcile?lang=en", body, "Content-Type", ct)
	if a.Status != 422 || !strings.Contains(string(a.Body), `id="file-error"`) || !strings.Contains(string(a.Body), `id="loan-rate-error"`) {
		t.Fatalf("%d %s", a.Status, a)
	}
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(s)
}

// TestOpenAPIReconciliation validates the document's example request, the
// answer to it, the answer to a multipart request and a problem against
// the document.
func TestOpenAPIReconciliation(t *testing.T) {
	doc := loadOpenAPI(t)
	doc.Servers = openapi3.Servers{{URL: "http://localhost:8080"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, handlers.Config{})
	ctx := context.Background()
	check := func(t *testing.T, body []byte, ct string, want int, validateReq bool) {
		t.Helper()
		req := httptest.NewRequest("POST", "http://localhost:8080/api/v1/reconciliations", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatal(err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if validateReq {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("request does not match the document: %v", err)
			}
		}
		sent := httptest.NewRequest("POST", "http://localhost:8080/api/v1/reconciliations", bytes.NewReader(body))
		sent.Header.Set("Content-Type", ct)
		resp, err := s.App().Test(sent, -1)
		if err != nil {
			t.Fatal(err)
		}
		respBody, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, want, respBody)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
			Header: resp.Header, Body: io.NopCloser(bytes.NewReader(respBody)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("answer does not match the document: %.2000v", err)
		}
	}
	media := doc.Paths.Find("/api/v1/reconciliations").Post.RequestBody.Value.Content.Get("application/json")
	for name, ex := range media.Examples {
		t.Run(name, func(t *testing.T) {
			if err := media.Schema.Value.VisitJSON(ex.Value.Value); err != nil {
				t.Fatalf("example does not match its schema: %v", err)
			}
			body, _ := json.Marshal(ex.Value.Value)
			check(t, body, "application/json", 200, true)
		})
	}
	t.Run("Multipart", func(t *testing.T) {
		body, ct := recMultipart(t, map[string]string{"request": eaeuLoan}, bankCSV(t, s, 3))
		check(t, []byte(body), ct, 200, false)
	})
	t.Run("Problem", func(t *testing.T) {
		check(t, []byte(`{"loan":{"amount":"1","currency":"RUB","rate":"1","issue_date":"2025-03-14","term_months":12},"subsidy":{"programme":"eaeu-industrial"},"bank_schedule":[]}`), "application/json", 422, true)
	})
}

// TestReconciliationsNever500: hostile bodies are 4xx problems.
func TestReconciliationsNever500(t *testing.T) {
	s := newServer(t, handlers.Config{})
	loan := strings.TrimSuffix(strings.TrimSpace(eaeuLoan), "}")
	many := make([]string, calc.MaxBankRows+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"date": "%s"}`, calc.MustDate("2025-04-14").AddMonths(0)+calc.Date(i))
	}
	for _, body := range []string{
		``, `null`, `[]`, `{`, `{"bank_schedule": null}`, `{"bank_schedule": [null]}`,
		loan + `, "bank_schedule": [{"date": "2025-04-14", "interest": "1e999999"}]}`,
		loan + `, "bank_schedule": [{"date": "2025-04-14", "interest": 1e400}]}`,
		loan + `, "bank_schedule": [{"date": "2025-04-14", "interest": "99999999999999999999999"}]}`,
		loan + `, "bank_schedule": [{"date": "1900-01-01"}]}`,
		loan + `, "bank_schedule": [{"date": "2025-04-14"}], "tolerance": "1e20"}`,
		loan + `, "bank_schedule": [` + strings.Join(many, ",") + `]}`,
		`{"loan": {"amount": "1", "currency": "RUB", "rate": "1", "issue_date": "2025-01-31", "term_months": 600}, "subsidy": {"programme": "custom", "rule": {"loan_share": "1"}}, "bank_schedule": [{"date": "2075-01-31", "principal": "-5"}]}`,
	} {
		a := do(t, s, http.MethodPost, "/api/v1/reconciliations", body, "Content-Type", "application/json")
		if a.Status >= 500 || (a.Status >= 400 && a.Header.Get("Content-Type") != handlers.ContentTypeProblem) {
			t.Errorf("%.80s: %d %s", body, a.Status, a)
		}
	}
}
