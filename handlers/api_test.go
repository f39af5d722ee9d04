package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
)

func TestCalculation(t *testing.T) {
	s := newServer(t, handlers.Config{})

	t.Run("OK", func(t *testing.T) {
		a := postJSON(t, s, eaeuLoan)
		if a.Status != 200 {
			t.Fatalf("status %d: %s", a.Status, a)
		}
		if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		var res calc.Result
		if err := json.Unmarshal(a.Body, &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Schedule) != 60 || res.Totals.SubsidyPaid <= 0 || res.Programme.ID != "eaeu-industrial" {
			t.Errorf("unexpected result: %d periods, subsidy %s, programme %q", len(res.Schedule), res.Totals.SubsidyPaid, res.Programme.ID)
		}
		// Money travels as strings with two decimals; no JSON numbers.
		if !bytes.Contains(a.Body, []byte(`"opening_balance":"1000000000.00"`)) {
			t.Errorf("money not as a decimal string: %s", a)
		}
		if a.Header.Get("X-Request-Id") == "" {
			t.Error("no X-Request-Id")
		}
	})

	t.Run("ByteOrderMark", func(t *testing.T) {
		// Notepad saves JSON with a UTF-8 BOM; it is read, not refused.
		if a := postJSON(t, s, "\uFEFF"+eaeuLoan); a.Status != 200 {
			t.Fatalf("status %d: %s", a.Status, a)
		}
	})

	t.Run("SameAsCalc", func(t *testing.T) {
		// The handler adds nothing to calc's result.
		req, err := wire.DecodeRequest([]byte(eaeuLoan), "ru")
		if err != nil {
			t.Fatal(err)
		}
		req.Lang = "ru"
		res, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(res)
		got := postJSON(t, s, eaeuLoan)
		if !bytes.Equal(bytes.TrimSpace(got.Body), want) {
			t.Errorf("API answer differs from calc.Calculate's result")
		}
	})

	t.Run("NumbersAsJSONNumbers", func(t *testing.T) {
		body := strings.NewReplacer(`"1000000000.00"`, `1000000000`, `"24.5"`, `24.5`, `"40"`, `40`).Replace(eaeuLoan)
		a := postJSON(t, s, body)
		if a.Status != 200 {
			t.Fatalf("status %d: %s", a.Status, a)
		}
	})

	t.Run("CapNullRemovesCap", func(t *testing.T) {
		body := strings.Replace(eaeuLoan, `"programme": "eaeu-industrial"`, `"programme": "eaeu-industrial", "annual_cap": null`, 1)
		a := postJSON(t, s, body)
		var res calc.Result
		if err := json.Unmarshal(a.Body, &res); err != nil || a.Status != 200 {
			t.Fatalf("status %d %v: %s", a.Status, err, a)
		}
		if res.Programme.Cap != nil {
			t.Errorf("cap %+v, want none", res.Programme.Cap)
		}
	})

	t.Run("LanguageOfMessages", func(t *testing.T) {
		bad := strings.Replace(eaeuLoan, `"rate": "24.5"`, `"rate": "-1"`, 1)
		ru := problem(t, postJSON(t, s, bad))
		en := problem(t, postJSON(t, s, bad, "Accept-Language", "en-GB,en;q=0.9"))
		enQuery := problem(t, do(t, s, "POST", "/api/v1/calculations?lang=en", bad, "Content-Type", "application/json"))
		enBody := problem(t, postJSON(t, s, strings.Replace(bad, `"subsidy":`, `"lang": "en", "subsidy":`, 1)))
		if ru.Errors[0].Message == en.Errors[0].Message {
			t.Errorf("same message in ru and en: %q", ru.Errors[0].Message)
		}
		if en.Errors[0].Message != enQuery.Errors[0].Message || en.Errors[0].Message != enBody.Errors[0].Message {
			t.Errorf("English differs: %q, %q, %q", en.Errors[0].Message, enQuery.Errors[0].Message, enBody.Errors[0].Message)
		}
	})

	t.Run("CSV", func(t *testing.T) {
		a := do(t, s, "POST", "/api/v1/calculations?format=csv", eaeuLoan, "Content-Type", "application/json")
		if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("status %d, type %q: %s", a.Status, a.Header.Get("Content-Type"), a)
		}
		if !strings.Contains(a.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("Content-Disposition %q", a.Header.Get("Content-Disposition"))
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.Body, []byte("\uFEFF"))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(a.Body, []byte("\uFEFF№;")) || len(rows) != 61 || rows[1][4] != "1000000000,00" {
			t.Errorf("Russian CSV: %d rows, header %v, first %v", len(rows), rows[0], rows[1])
		}
		accept := do(t, s, "POST", "/api/v1/calculations", eaeuLoan, "Content-Type", "application/json", "Accept", "text/csv")
		if !bytes.Equal(accept.Body, a.Body) {
			t.Error("Accept: text/csv answered differently from ?format=csv")
		}
		en := do(t, s, "POST", "/api/v1/calculations?format=csv&lang=en", eaeuLoan, "Content-Type", "application/json")
		if !bytes.HasPrefix(en.Body, []byte("\uFEFFNo.,Period start,")) || !bytes.Contains(en.Body, []byte(",1000000000.00,")) {
			t.Errorf("English CSV: %.120q", en.Body)
		}
		raw := do(t, s, "POST", "/api/v1/calculations?format=csv&csv=raw&lang=en", eaeuLoan, "Content-Type", "application/json")
		rows, err = csv.NewReader(bytes.NewReader(raw.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 61 || rows[0][0] != "n" || rows[0][16] != "subsidy_payable" || rows[1][4] != "1000000000.00" || rows[1][19] != "true" {
			t.Errorf("raw CSV: %d rows, header %v, first %v", len(rows), rows[0], rows[1])
		}
		if p := problem(t, do(t, s, "POST", "/api/v1/calculations?format=csv&csv=excel", eaeuLoan, "Content-Type", "application/json")); p.Status != 406 || !hasField(p, "csv") {
			t.Errorf("csv=excel: %+v", p)
		}
	})

	t.Run("DownloadNames", func(t *testing.T) {
		for _, tc := range []struct{ name, want string }{
			{"Electric bus components", `attachment; filename="subsidy-electric-bus-components-2025-03-14.csv"`},
			{"Электробусы «Север» №2", `attachment; filename="subsidy-elektrobusy-sever-2-2025-03-14.csv"; filename*=UTF-8''subsidy-%D1%8D%D0%BB%D0%B5%D0%BA%D1%82%D1%80%D0%BE%D0%B1%D1%83%D1%81%D1%8B-%D1%81%D0%B5%D0%B2%D0%B5%D1%80-2-2025-03-14.csv`},
			{"", `attachment; filename="subsidy-2025-03-14.csv"`},
			{`a"b\\c/../d`, `attachment; filename="subsidy-a-b-c-d-2025-03-14.csv"`},
		} {
			body := strings.Replace(eaeuLoan, `"Electric bus components"`, strconv.Quote(tc.name), 1)
			a := do(t, s, "POST", "/api/v1/calculations?format=csv", body, "Content-Type", "application/json")
			if got := a.Header.Get("Content-Disposition"); got != tc.want {
				t.Errorf("%q: Content-Disposition\n%s\nwant\n%s", tc.name, got, tc.want)
			}
		}
	})

	t.Run("XLSXUnavailable", func(t *testing.T) {
		a := do(t, s, "POST", "/api/v1/calculations?format=xlsx", eaeuLoan, "Content-Type", "application/json")
		if p := problem(t, a); a.Status != 406 || p.Type != handlers.TypeUnsupportedFormat {
			t.Errorf("status %d type %s", a.Status, p.Type)
		}
	})

	t.Run("UnknownFormat", func(t *testing.T) {
		a := do(t, s, "POST", "/api/v1/calculations?format=pdf", eaeuLoan, "Content-Type", "application/json")
		if p := problem(t, a); a.Status != 406 || !hasField(p, "format") {
			t.Errorf("status %d: %s", a.Status, a)
		}
	})

	t.Run("BodyLimit", func(t *testing.T) {
		small := newServer(t, handlers.Config{BodyLimit: 1024})
		a := postJSON(t, small, `{"project":{"name":"`+strings.Repeat("x", 2000)+`"}}`)
		if problem(t, a); a.Status != 413 {
			t.Errorf("status %d", a.Status)
		}
	})
}

// TestCalculationWorkbook plugs a workbook encoder in: ?format=xlsx and
// the xlsx Accept type answer what it writes.
func TestCalculationWorkbook(t *testing.T) {
	var gotLang string
	s := newServer(t, handlers.Config{Workbook: func(w io.Writer, req *calc.Request, res *calc.Result, lang string) error {
		gotLang = lang
		_, err := io.WriteString(w, "PK-fake-"+res.Programme.ID)
		return err
	}})
	const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	for _, tc := range []struct{ target, accept string }{
		{"/api/v1/calculations?format=xlsx&lang=en", ""},
		{"/api/v1/calculations?lang=en", xlsx},
	} {
		a := do(t, s, "POST", tc.target, eaeuLoan, "Content-Type", "application/json", "Accept", tc.accept)
		if a.Status != 200 || a.Header.Get("Content-Type") != xlsx || string(a.Body) != "PK-fake-eaeu-industrial" {
			t.Errorf("%s: status %d type %q body %s", tc.target, a.Status, a.Header.Get("Content-Type"), a)
		}
		if gotLang != "en" {
			t.Errorf("workbook language %q", gotLang)
		}
	}
	failing := newServer(t, handlers.Config{Workbook: func(io.Writer, *calc.Request, *calc.Result, string) error {
		return errors.New("disk full")
	}})
	a := do(t, failing, "POST", "/api/v1/calculations?format=xlsx", eaeuLoan, "Content-Type", "application/json")
	if p := problem(t, a); a.Status != 500 || strings.Contains(p.Detail, "disk full") {
		t.Errorf("encoder failure: status %d, detail %q (internal text must not leak)", a.Status, p.Detail)
	}
}

func TestProgrammes(t *testing.T) {
	s := newServer(t, handlers.Config{})
	a := do(t, s, "GET", "/api/v1/programmes", "")
	if a.Status != 200 {
		t.Fatalf("status %d", a.Status)
	}
	var body struct{ Programmes []calc.Programme }
	if err := json.Unmarshal(a.Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Programmes) != len(calc.ProgrammeIDs()) {
		t.Fatalf("%d programmes, want %d", len(body.Programmes), len(calc.ProgrammeIDs()))
	}
	for _, p := range body.Programmes {
		if p.ID == "eaeu-industrial" && (p.Cap == nil || p.MaxTermMonths != 60 || len(p.Contributions) != 5) {
			t.Errorf("eaeu-industrial lost its parameters: %+v", p)
		}
	}
}

func TestBaseRates(t *testing.T) {
	s := newServer(t, handlers.Config{})
	type body struct {
		Source    string
		Countries []string
		Rates     []calc.PolicyRate
	}
	get := func(target string) (answer, body) {
		a := do(t, s, "GET", target, "")
		var b body
		if a.Status == 200 {
			if err := json.Unmarshal(a.Body, &b); err != nil {
				t.Fatal(err)
			}
		}
		return a, b
	}
	t.Run("Country", func(t *testing.T) {
		for _, q := range []string{"RU", "ru", "%20RU%20"} {
			a, b := get("/api/v1/base-rates?country=" + q)
			if a.Status != 200 || len(b.Rates) == 0 || b.Source != "built-in" {
				t.Fatalf("?country=%s: status %d, %d rows", q, a.Status, len(b.Rates))
			}
			for _, r := range b.Rates {
				if r.Country != "RU" {
					t.Fatalf("row of %s in RU's timeline", r.Country)
				}
			}
		}
	})
	t.Run("All", func(t *testing.T) {
		a, b := get("/api/v1/base-rates")
		if a.Status != 200 || len(b.Countries) != len(calc.MemberStates) {
			t.Fatalf("status %d countries %v", a.Status, b.Countries)
		}
	})
	t.Run("UnknownCountry", func(t *testing.T) {
		for _, q := range []string{"XX", "", "RUS", "%3Cscript%3E"} {
			a := do(t, s, "GET", "/api/v1/base-rates?country="+q, "")
			if p := problem(t, a); a.Status != 400 || !hasField(p, "country") {
				t.Errorf("?country=%s: status %d %s", q, a.Status, a)
			}
		}
	})
}

func TestOperations(t *testing.T) {
	s := newServer(t, handlers.Config{Version: "v1.2.3"})

	a := do(t, s, "GET", "/healthz", "")
	if a.Status != 200 || !strings.Contains(a.String(), `"status":"ok"`) || !strings.Contains(a.String(), "v1.2.3") {
		t.Errorf("/healthz: %d %s", a.Status, a)
	}
	a = do(t, s, "GET", "/readyz", "")
	if a.Status != 200 || !strings.Contains(a.String(), `"rates":"ok"`) {
		t.Errorf("/readyz: %d %s", a.Status, a)
	}

	postJSON(t, s, eaeuLoan)
	postJSON(t, s, "{")
	a = do(t, s, "GET", "/metrics", "")
	if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %q", a.Status, a.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`subsidy_http_requests_total{method="POST",route="/api/v1/calculations",code="200"} 1`,
		`subsidy_http_requests_total{method="POST",route="/api/v1/calculations",code="400"} 1`,
		`subsidy_http_request_duration_seconds_bucket{route="/api/v1/calculations",le="+Inf"} 2`,
		`subsidy_calculations_total{outcome="ok"} 1`,
		`subsidy_build_info{version="v1.2.3"`,
		"# TYPE subsidy_http_request_duration_seconds histogram",
		"go_goroutines ",
	} {
		if !strings.Contains(a.String(), want) && !strings.Contains(string(a.Body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	a = do(t, s, "GET", "/openapi.yaml", "")
	if a.Status != 200 || !strings.HasPrefix(string(a.Body), "openapi: 3") || !strings.HasPrefix(a.Header.Get("Content-Type"), "application/yaml") {
		t.Errorf("/openapi.yaml: %d %q", a.Status, a.Header.Get("Content-Type"))
	}
}

func TestReadyzWhileShuttingDown(t *testing.T) {
	s := newServer(t, handlers.Config{})
	base := listen(t, s)
	waitUp(t, base)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	// The listener is closed; the handler answers 503 in-process.
	a := do(t, s, "GET", "/readyz", "")
	if p := problem(t, a); a.Status != 503 || !hasField(p, "shutdown") {
		t.Errorf("/readyz after shutdown: %d %s", a.Status, a)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the listener still accepts connections after Shutdown")
	}
}

func TestRouting(t *testing.T) {
	s := newServer(t, handlers.Config{})
	t.Run("UnknownRoute", func(t *testing.T) {
		for _, target := range []string{"/nope", "/api/v1/nope", "/api/v2/calculations", "/static/missing.css"} {
			a := do(t, s, "GET", target, "")
			if p := problem(t, a); a.Status != 404 || p.Instance != strings.Split(target, "?")[0] {
				t.Errorf("%s: %d %s", target, a.Status, a)
			}
		}
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		a := do(t, s, "GET", "/api/v1/calculations", "")
		if problem(t, a); a.Status != 405 || !strings.Contains(a.Header.Get("Allow"), "POST") {
			t.Errorf("GET calculations: %d Allow %q", a.Status, a.Header.Get("Allow"))
		}
		a = do(t, s, "DELETE", "/healthz", "")
		if problem(t, a); a.Status != 405 {
			t.Errorf("DELETE /healthz: %d", a.Status)
		}
	})
	t.Run("RequestID", func(t *testing.T) {
		a := do(t, s, "POST", "/api/v1/calculations", "{", "Content-Type", "application/json", "X-Request-Id", "abc-123")
		if a.Header.Get("X-Request-Id") != "abc-123" || problem(t, a).RequestID != "abc-123" {
			t.Errorf("request id not echoed: %q", a.Header.Get("X-Request-Id"))
		}
		a = do(t, s, "GET", "/healthz", "", "X-Request-Id", "bad id\"<>")
		if id := a.Header.Get("X-Request-Id"); id == "" || strings.ContainsAny(id, " \"<>") {
			t.Errorf("unsafe request id kept: %q", id)
		}
	})
	t.Run("HeadersTooLarge", func(t *testing.T) {
		// The server answers 431 and closes while the client may still be
		// sending the header; the peer's reset can then discard the answer
		// before it is read (a TCP race, not a server fault). So the header
		// goes out from a goroutine, the answer is read as it comes, and
		// only a reset is retried: a wrong answer fails at once.
		base := listen(t, newServer(t, handlers.Config{}))
		waitUp(t, base)
		var resp *http.Response
		for attempt := 0; attempt < 5 && resp == nil; attempt++ {
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			go fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 64<<10))
			r, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err == nil {
				_, _ = io.Copy(io.Discard, r.Body)
				r.Body.Close()
				resp = r
			} else if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			conn.Close()
		}
		if resp == nil {
			t.Fatal("no answer in 5 attempts: every connection was reset")
		}
		if resp.StatusCode != 431 || resp.Header.Get("Content-Type") != handlers.ContentTypeProblem {
			t.Errorf("64 KiB header: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
	t.Run("OversizedOverTheWire", func(t *testing.T) {
		// The server refuses on the Content-Length header, before the
		// body: send the headers only and read the answer.
		base := listen(t, newServer(t, handlers.Config{BodyLimit: 1 << 10, UploadLimit: 1 << 10}))
		waitUp(t, base)
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(conn, "POST /api/v1/calculations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 10<<20)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 || resp.Header.Get("Content-Type") != handlers.ContentTypeProblem {
			t.Errorf("10 MB body: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

func TestPages(t *testing.T) {
	s := newServer(t, handlers.Config{})
	t.Run("FormRussianByDefault", func(t *testing.T) {
		a := do(t, s, "GET", "/", "")
		if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET /: %d %q", a.Status, a.Header.Get("Content-Type"))
		}
		for _, want := range []string{`<html lang="ru">`, "Сумма кредита", `name="loan.amount"`, `<label for="loan-amount">`,
			`name="project.participants[4].share"`, `action="/calculate?lang=ru"`} {
			if !strings.Contains(a.String(), want) && !bytes.Contains(a.Body, []byte(want)) {
				t.Errorf("form lacks %q", want)
			}
		}
		if csp := a.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
	})
	t.Run("FormEnglish", func(t *testing.T) {
		for _, h := range [][2]string{{"/?lang=en", ""}, {"/", "en-US,en;q=0.9,ru;q=0.5"}} {
			a := do(t, s, "GET", h[0], "", "Accept-Language", h[1])
			if !bytes.Contains(a.Body, []byte(`<html lang="en">`)) || !bytes.Contains(a.Body, []byte("Loan amount")) {
				t.Errorf("%s with Accept-Language %q is not English", h[0], h[1])
			}
		}
		a := do(t, s, "GET", "/?lang=ru", "", "Accept-Language", "en")
		if !bytes.Contains(a.Body, []byte(`<html lang="ru">`)) {
			t.Error("?lang=ru does not win over Accept-Language")
		}
	})
	t.Run("FormPrefilled", func(t *testing.T) {
		a := do(t, s, "GET", "/?loan.amount=123&project.participants%5B7%5D.share=9&lang=en", "")
		if !bytes.Contains(a.Body, []byte(`value="123"`)) || !bytes.Contains(a.Body, []byte(`name="project.participants[7].share" type="text" value="9"`)) {
			t.Errorf("query values not kept")
		}
	})

	form := url.Values{
		"project.name":                    {"Завод <script>"},
		"project.participants[0].country": {"BY"},
		"project.participants[0].share":   {"40"},
		"project.participants[1].country": {"RU"},
		"project.participants[1].share":   {"35"},
		"project.participants[3].country": {"KZ"}, // a blank row between is ignored
		"project.participants[3].share":   {"25"},
		"loan.amount":                     {"1 000 000 000,00"},
		"loan.currency":                   {"RUB"},
		"loan.rate":                       {"24,5"},
		"loan.issue_date":                 {"14.03.2025"},
		"loan.term_months":                {"60"},
		"loan.repayment":                  {"annuity"},
		"loan.frequency":                  {"monthly"},
		"loan.grace_months":               {""},
		"loan.day_count":                  {"act/act"},
		"subsidy.programme":               {"eaeu-industrial"},
		"unknown.field.is.ignored":        {"x"},
	}
	postForm := func(target string, v url.Values) answer {
		return do(t, s, "POST", target, v.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	}
	t.Run("Result", func(t *testing.T) {
		a := postForm("/calculate", form)
		if a.Status != 200 {
			t.Fatalf("status %d: %s", a.Status, a)
		}
		api := postJSON(t, s, strings.Replace(eaeuLoan, `"Electric bus components"`, `"Завод"`, 1))
		var res calc.Result
		if err := json.Unmarshal(api.Body, &res); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`id="total-subsidy" data-value="` + res.Totals.SubsidyPaid.String() + `"`,
			handlers.FormatMoney(res.Totals.SubsidyPaid, "ru"),
			"Завод &lt;script&gt;",
			`<svg class="chart-svg"`,
			`formaction="/calculate?format=csv&amp;lang=ru"`,
			`<input type="hidden" name="loan.amount" value="1 000 000 000,00">`,
		} {
			if !bytes.Contains(a.Body, []byte(want)) {
				t.Errorf("result page lacks %q", want)
			}
		}
		if bytes.Contains(a.Body, []byte("<script>")) {
			t.Error("user text not escaped")
		}
		if bytes.Contains(a.Body, []byte(`id="download-xlsx"`)) {
			t.Error("workbook button shown without a workbook encoder")
		}
	})
	t.Run("DownloadWorkbook", func(t *testing.T) {
		ws := newServer(t, handlers.Config{Workbook: report.WriteCalculation})
		page := do(t, ws, "POST", "/calculate?lang=en", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if !bytes.Contains(page.Body, []byte(`id="download-xlsx"`)) || !bytes.Contains(page.Body, []byte(`formaction="/calculate?format=xlsx&amp;lang=en"`)) {
			t.Fatal("no workbook button on the result page")
		}
		// The button posts the page's hidden fields.
		hidden := url.Values{}
		for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllSubmatch(page.Body, -1) {
			hidden.Set(html.UnescapeString(string(m[1])), html.UnescapeString(string(m[2])))
		}
		a := do(t, ws, "POST", "/calculate?format=xlsx&lang=en", hidden.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "application/vnd.openxmlformats") || !bytes.HasPrefix(a.Body, []byte("PK")) {
			t.Errorf("workbook download: %d %q", a.Status, a.Header.Get("Content-Type"))
		}
	})
	t.Run("ResultCSV", func(t *testing.T) {
		a := postForm("/calculate?format=csv", form)
		if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("status %d type %q", a.Status, a.Header.Get("Content-Type"))
		}
	})
	t.Run("InvalidKeepsValues", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("loan.amount", "много")
		bad.Set("loan.rate", "-3")
		bad.Set("project.participants[3].share", "30")
		a := postForm("/calculate", bad)
		if a.Status != 422 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("status %d type %q", a.Status, a.Header.Get("Content-Type"))
		}
		for _, want := range []string{
			`id="error-summary"`,
			`id="loan-amount-error"`, `value="много"`,
			`id="loan-rate-error"`, `value="-3"`,
			`id="participants-error"`,
			`aria-invalid="true"`,
			`value="Завод &lt;script&gt;"`,
		} {
			if !bytes.Contains(a.Body, []byte(want)) {
				t.Errorf("form with errors lacks %q", want)
			}
		}
	})
	t.Run("InvalidParticipantRow", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("project.participants[3].country", "ZZ")
		a := postForm("/calculate?lang=en", bad)
		if a.Status != 422 || !bytes.Contains(a.Body, []byte(`id="project-participants-3-country-error"`)) {
			t.Errorf("row 3's error not at row 3: %d", a.Status)
		}
	})
	t.Run("WrongContentType", func(t *testing.T) {
		a := do(t, s, "POST", "/calculate", eaeuLoan, "Content-Type", "application/json")
		if problem(t, a); a.Status != 415 {
			t.Errorf("status %d", a.Status)
		}
	})
	t.Run("Multipart", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString("--XX\r\nContent-Disposition: form-data; name=\"loan.amount\"\r\n\r\nabc\r\n--XX--\r\n")
		a := do(t, s, "POST", "/calculate", b.String(), "Content-Type", "multipart/form-data; boundary=XX")
		if a.Status != 422 || !bytes.Contains(a.Body, []byte(`value="abc"`)) {
			t.Errorf("multipart form: %d", a.Status)
		}
	})
	t.Run("Static", func(t *testing.T) {
		for _, f := range []string{"app.css", "app.js"} {
			a := do(t, s, "GET", "/static/"+f, "")
			if a.Status != 200 || len(a.Body) == 0 || a.Header.Get("ETag") == "" {
				t.Fatalf("%s: %d", f, a.Status)
			}
			b := do(t, s, "GET", "/static/"+f, "", "If-None-Match", a.Header.Get("ETag"))
			if b.Status != 304 {
				t.Errorf("%s with its ETag: %d", f, b.Status)
			}
		}
	})
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		m      calc.Money
		ru, en string
	}{
		{123456789, "1\u00a0234\u00a0567,89", "1,234,567.89"},
		{-5, "\u22120,05", "\u22120.05"}, // a true minus sign
		{100000, "1\u00a0000,00", "1,000.00"},
		{99999, "999,99", "999.99"},
	} {
		if got := handlers.FormatMoney(tc.m, "ru"); got != tc.ru {
			t.Errorf("FormatMoney(%d, ru) = %q, want %q", tc.m, got, tc.ru)
		}
		if got := handlers.FormatMoney(tc.m, "en"); got != tc.en {
			t.Errorf("FormatMoney(%d, en) = %q, want %q", tc.m, got, tc.en)
		}
	}
	if got := handlers.FormatDate(calc.MustDate("2025-03-14"), "ru"); got != "14.03.2025" {
		t.Errorf("FormatDate ru = %q", got)
	}
	if got := handlers.FormatDate(calc.MustDate("2025-03-14"), "en"); got != "2025-03-14" {
		t.Errorf("FormatDate en = %q", got)
	}
}

func TestParseDecimal(t *testing.T) {
	for _, ok := range []string{"0", "-1", "1234.56", "1e6", "1E-5", "007", "123456789012345678901234567890.12"} {
		if _, err := wire.ParseDecimal(ok); err != nil {
			t.Errorf("ParseDecimal(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", " 1", "+1", ".5", "5.", "1,5", "NaN", "inf", "0x1", "1e", "1e+", "--1", "1.2.3"} {
		if _, err := wire.ParseDecimal(bad); !errors.Is(err, wire.ErrNumberSyntax) {
			t.Errorf("ParseDecimal(%q) = %v, want ErrNumberSyntax", bad, err)
		}
	}
	for _, huge := range []string{"1e999999999", "1e31", "1e-31", "0e99999", strings.Repeat("9", 65), "1." + strings.Repeat("1", 31)} {
		if _, err := wire.ParseDecimal(huge); !errors.Is(err, wire.ErrNumberRange) {
			t.Errorf("ParseDecimal(%q) = %v, want ErrNumberRange", huge, err)
		}
	}
}
