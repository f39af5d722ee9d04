package handlers_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/wire"
)

// claimExample is API.md's claim request (with three member states).
const claimExample = `{
  "project": {"participants": [{"country": "RU", "share": "40"}, {"country": "BY", "share": "30"}, {"country": "KZ", "share": "30"}]},
  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14", "term_months": 60},
  "subsidy": {"programme": "eaeu-industrial"},
  "borrower": {"name": "Plant A", "tax_id": "7701234567"},
  "bank": {"name": "Bank", "code": "044525225"},
  "contract": {"number": "KD-17", "date": "2025-03-10"},
  "ledger": [
    {"type": "drawdown",    "date": "2025-03-14", "amount": "1000000000.00"},
    {"type": "repayment",   "date": "2025-06-14", "amount": "50000000.00"},
    {"type": "overdue",     "from": "2025-07-14", "to": "2025-07-20", "amount": "15000000.00"},
    {"type": "rate_change", "date": "2025-09-01", "rate": "23"}
  ],
  "claims": {"frequency": "quarterly", "from": "2025-03-14", "to": "2026-01-01"}
}`

func postClaim(tb testing.TB, s *handlers.Server, target, body string, headers ...string) answer {
	tb.Helper()
	return do(tb, s, http.MethodPost, target, body, append([]string{"Content-Type", "application/json"}, headers...)...)
}

// TestClaimAPI: the claim answers JSON equal to calc.Claim, CSV and xlsx;
// bad input is a problem naming the field.
func TestClaimAPI(t *testing.T) {
	s := newServer(t, handlers.Config{})
	a := postClaim(t, s, "/api/v1/claims", claimExample)
	if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d: %s", a.Status, a)
	}
	var got calc.ClaimResult
	if err := json.Unmarshal(a.Body, &got); err != nil {
		t.Fatal(err)
	}
	var req calc.ClaimRequest
	if err := json.Unmarshal([]byte(claimExample), &req); err != nil {
		t.Fatal(err)
	}
	req.Lang = "ru"
	want, err := calc.Claim(&req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Eligible || len(got.Periods) != 4 || got.Totals != want.Totals || got.Periods[2].Causes[0] != "repayment" {
		t.Fatalf("answer %+v, want totals %+v", got.Totals, want.Totals)
	}
	if c := postClaim(t, s, "/api/v1/claims?format=csv&lang=en", claimExample); c.Status != 200 || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") || !bytes.Contains(c.Body, []byte(want.Periods[0].Rows[0].Amount.String())) {
		t.Fatalf("csv: %d %s", c.Status, c)
	}
	if x := postClaim(t, s, "/api/v1/claims?format=xlsx&lang=en", claimExample); x.Status != 200 || !bytes.HasPrefix(x.Body, []byte("PK")) {
		t.Fatalf("xlsx: %d", x.Status)
	}

	for _, tc := range []struct {
		name, from, to string
		status         int
		field          string
	}{
		{"RepaysMoreThanDrawn", `"amount": "50000000.00"}`, `"amount": "1050000000.00"}`, 422, "ledger[1].amount"},
		{"OutOfOrder", `"date": "2025-09-01", "rate": "23"`, `"date": "2025-07-01", "rate": "23"`, 422, "ledger[3].date"},
		{"BeforeIssue", `"date": "2025-03-14", "amount": "1000000000.00"`, `"date": "2025-03-13", "amount": "1000000000.00"`, 422, "ledger[0].date"},
		{"BadAmount", `"amount": "15000000.00"`, `"amount": "15 000"`, 400, "ledger[2].amount"},
		{"BadDate", `"to": "2025-07-20"`, `"to": "2025-02-30"`, 400, "ledger[2].to"},
		{"UnknownField", `"type": "drawdown",`, `"type": "drawdown", "kind": "x",`, 400, "ledger[0].kind"},
		{"BadFrequency", `"frequency": "quarterly"`, `"frequency": "weekly"`, 422, "claims.frequency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Replace(claimExample, tc.from, tc.to, 1)
			if body == claimExample {
				t.Fatal("the edit did not apply")
			}
			a := postClaim(t, s, "/api/v1/claims?lang=en", body)
			if a.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", a.Status, tc.status, a)
			}
			if p := problem(t, a); !hasField(p, tc.field) {
				t.Fatalf("problem %+v does not name %s", p, tc.field)
			}
		})
	}
}

// TestClaimRegisterAPI: the register in JSON and as a workbook.
func TestClaimRegisterAPI(t *testing.T) {
	s := newServer(t, handlers.Config{})
	one := strings.Replace(claimExample, `"claims": {"frequency": "quarterly", "from": "2025-03-14", "to": "2026-01-01"}`, `"id": "L1"`, 1)
	two := strings.Replace(one, `"L1"`, `"L2"`, 1)
	body := `{"period": {"from": "2025-07-01", "to": "2025-10-01"}, "loans": [` + one + `,` + two + `]}`
	a := postClaim(t, s, "/api/v1/claims/register", body)
	if a.Status != 200 {
		t.Fatalf("status %d: %s", a.Status, a)
	}
	var reg calc.RegisterResult
	if err := json.Unmarshal(a.Body, &reg); err != nil {
		t.Fatal(err)
	}
	if len(reg.Rows) != 2 || reg.Rows[0].Claimed == 0 || reg.Rows[0].ClaimedYear <= reg.Rows[0].Claimed || reg.Totals[0].Claimed != 2*reg.Rows[0].Claimed {
		t.Fatalf("register %+v", reg)
	}
	if x := postClaim(t, s, "/api/v1/claims/register?format=xlsx", body); x.Status != 200 || !bytes.HasPrefix(x.Body, []byte("PK")) {
		t.Fatalf("xlsx %d %s", x.Status, x)
	}
	// A register larger than the body limit of other routes (1 MiB) is
	// taken up to the upload limit.
	big := registerBody(1500)
	if len(big) <= handlers.DefaultBodyLimit {
		t.Fatalf("the big register is only %d bytes", len(big))
	}
	if b := postClaim(t, s, "/api/v1/claims/register", string(big)); b.Status != 200 {
		t.Fatalf("a %d-byte register: %d %s", len(big), b.Status, b)
	}
	dup := `{"period": {"from": "2025-07-01", "to": "2025-10-01"}, "loans": [` + one + `,` + one + `]}`
	if p := problem(t, postClaim(t, s, "/api/v1/claims/register", dup)); p.Status != 422 || !hasField(p, "loans[1].id") {
		t.Fatalf("duplicate ids: %+v", p)
	}
	bad := strings.Replace(two, `"amount": "50000000.00"`, `"amount": "5000000000.00"`, 1)
	if p := problem(t, postClaim(t, s, "/api/v1/claims/register", `{"period": {"from": "2025-07-01", "to": "2025-10-01"}, "loans": [`+one+`,`+bad+`]}`)); p.Status != 422 || !hasField(p, "loans[1].ledger[1].amount") {
		t.Fatalf("bad loan: %+v", p)
	}
}

// TestClaimsPage: the page without JavaScript: the form, its submission
// (the figures equal the API's), errors and the downloads.
func TestClaimsPage(t *testing.T) {
	s := newServer(t, handlers.Config{})
	g := do(t, s, http.MethodGet, "/claims?lang=en", "")
	if g.Status != 200 || !bytes.Contains(g.Body, []byte(`id="claim-form"`)) {
		t.Fatalf("GET /claims: %d %s", g.Status, g)
	}
	form := url.Values{
		"programme": {"eaeu-industrial"}, "p0.country": {"RU"}, "p0.share": {"40"}, "p1.country": {"BY"}, "p1.share": {"30"},
		"p2.country": {"KZ"}, "p2.share": {"30"}, "amount": {"1,000,000,000.00"}, "currency": {"RUB"}, "rate": {"24.5"},
		"issue_date": {"2025-03-14"}, "term_months": {"60"}, "repayment": {"annuity"}, "frequency": {"monthly"}, "day_count": {"act/act"},
		"borrower": {"Plant A"}, "ledger": {"type,date,amount,rate,from,to\ndrawdown,2025-03-14,1000000000.00,,,\nrepayment,2025-06-14,50000000.00,,,\noverdue,,15000000.00,,2025-07-14,2025-07-20\nrate_change,2025-09-01,,23,,\n"},
		"claims_frequency": {"quarterly"}, "claims_from": {"2025-03-14"}, "claims_to": {"2026-01-01"},
	}
	p := do(t, s, http.MethodPost, "/claims?lang=en", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	if p.Status != 200 {
		t.Fatalf("POST /claims: %d %s", p.Status, p)
	}
	api := postClaim(t, s, "/api/v1/claims?lang=en", claimExample)
	var res calc.ClaimResult
	if err := json.Unmarshal(api.Body, &res); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(p.Body, []byte(`data-value="`+res.Totals.Payable.String()+`"`)) {
		t.Fatalf("the page does not show the API's payable total %s", res.Totals.Payable)
	}
	// The download buttons post the request back.
	i := bytes.Index(p.Body, []byte(`name="request" value="`))
	if i < 0 {
		t.Fatal("no request field for the downloads")
	}
	rest := p.Body[i+len(`name="request" value="`):]
	raw := string(rest[:bytes.IndexByte(rest, '"')])
	reqJSON := strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#43;", "+").Replace(raw)
	d := do(t, s, http.MethodPost, "/claims/download?format=xlsx", url.Values{"request": {reqJSON}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	if d.Status != 200 || !bytes.HasPrefix(d.Body, []byte("PK")) {
		t.Fatalf("download: %d %s", d.Status, d)
	}
	form.Set("ledger", "type,date,amount\ndrawdown,2025-03-14,1000000000.00\nrepayment,2025-06-14,2000000000.00\n")
	e := do(t, s, http.MethodPost, "/claims?lang=en", form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	if e.Status != 422 || !bytes.Contains(e.Body, []byte("ledger, line 3 (amount)")) {
		t.Fatalf("bad ledger: %d %s", e.Status, e)
	}
	for _, path := range []string{"/claims/ledger-template.xlsx", "/claims/ledger-template.csv"} {
		tpl := do(t, s, http.MethodGet, path, "")
		if tpl.Status != 200 || len(tpl.Body) < 50 {
			t.Fatalf("%s: %d", path, tpl.Status)
		}
		// The template, uploaded as it is, replaces the text area: its
		// example is API.md's ledger, so the page shows the API's figures.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, vs := range form {
			if k != "ledger" {
				mw.WriteField(k, vs[0])
			}
		}
		mw.WriteField("ledger", "this text is ignored when a file is given")
		fw, _ := mw.CreateFormFile("ledger_file", strings.TrimPrefix(path, "/claims/"))
		fw.Write(tpl.Body)
		mw.Close()
		u := do(t, s, http.MethodPost, "/claims?lang=en", body.String(), "Content-Type", mw.FormDataContentType())
		if u.Status != 200 || !bytes.Contains(u.Body, []byte(`data-value="`+res.Totals.Payable.String()+`"`)) {
			t.Fatalf("upload of %s: %d %s", path, u.Status, u)
		}
	}
}

// FuzzDecodeClaim: no body makes the claim decoder and validator panic
// or answer anything but a result, a 400 problem naming fields, or a calc
// error of kind Invalid naming fields.
func FuzzDecodeClaim(f *testing.F) {
	f.Add([]byte(claimExample))
	f.Add([]byte(`{"ledger":[{"type":"overdue","from":"2025-01-01","to":"2024-01-01","amount":"1"}]}`))
	f.Add([]byte(`{"ledger":[{"type":"repayment","date":"2025-03-14","amount":"1e30"}],"claims":{"periods":[{"from":"2025-01-01","to":"2025-01-01"}]}}`))
	f.Add([]byte(strings.Replace(claimExample, `"rate": "23"`, `"rate": "-1"`, 1)))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := wire.DecodeClaim(body, "en")
		if err != nil {
			var p *handlers.Problem
			if !errors.As(err, &p) || p.Status != 400 {
				t.Fatalf("decode error %v", err)
			}
			return
		}
		res, err := calc.Claim(req, calc.Options{})
		if err != nil {
			var ce *calc.Error
			if !errors.As(err, &ce) || ce.Kind != calc.Invalid || len(ce.Fields) == 0 {
				t.Fatalf("claim error %v", err)
			}
			return
		}
		for _, p := range res.Periods {
			if len(p.Rows) == 0 || p.Payable > p.Claimed {
				t.Fatalf("period %+v", p)
			}
		}
	})
}

// TestClaimOpenAPI: the document's claim example matches its schema, and
// the app's answer to it matches the documented result.
func TestClaimOpenAPI(t *testing.T) {
	doc := loadOpenAPI(t)
	op := doc.Paths.Find("/api/v1/claims").Post
	media := op.RequestBody.Value.Content.Get("application/json")
	ex := media.Examples["api"]
	if ex == nil {
		t.Fatal("no claim example in openapi.yaml")
	}
	if err := media.Schema.Value.VisitJSON(ex.Value.Value); err != nil {
		t.Fatalf("example does not match its schema: %v", err)
	}
	body, err := json.Marshal(ex.Value.Value)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, handlers.Config{})
	a := postClaim(t, s, "/api/v1/claims", string(body))
	if a.Status != 200 {
		t.Fatalf("status %d: %s", a.Status, a)
	}
	var v any
	if err := json.Unmarshal(a.Body, &v); err != nil {
		t.Fatal(err)
	}
	schema := op.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	if err := schema.VisitJSON(v); err != nil {
		t.Fatalf("answer does not match the document: %.1500v", err)
	}
}
