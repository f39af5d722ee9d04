package handlers_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// TestRegistryRefuses holds the registry to the rules every route keeps:
// bad input is a 4xx naming the field (never a 500, on either engine), a
// claim fits its agreement, secrets never come from the query string.
func TestRegistryRefuses(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			s, viewer, officer, _ := registryServer(t, db)
			as := func(token string) []string {
				return []string{"Content-Type", "application/json", "Authorization", "Bearer " + token}
			}
			a := do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-1", "date": "2025-03-10", "status": "approved", "request": `+eaeuLoan+`}`, as(officer)...)
			id := regexp.MustCompile(`"id":"([0-9a-f]+)"`).FindStringSubmatch(string(a.Body))[1]
			var ag struct {
				SubsidyPayable string `json:"subsidy_payable"`
			}
			json.Unmarshal(a.Body, &ag)
			two := strings.Replace(eaeuLoan, `"country": "KZ"`, `"country": "RU"`, 1)
			a = do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-2", "date": "2025-03-10", "status": "approved", "request": `+two+`}`, as(officer)...)
			ineligible := regexp.MustCompile(`"id":"([0-9a-f]+)"`).FindStringSubmatch(string(a.Body))[1]

			tests := []struct {
				name, method, target, body string
				want                       int
				field                      string
			}{
				{"NUL in a query", "GET", "/api/v1/agreements?programme=%00", "", 400, "programme"},
				{"invalid UTF-8 in a query", "GET", "/api/v1/agreements?status=%ff", "", 400, "status"},
				{"NUL in a string", "POST", "/api/v1/agreements", `{"number": "X\u0000", "date": "2025-03-10", "request": ` + eaeuLoan + `}`, 400, ""},
				{"a path id that cannot exist", "GET", "/api/v1/agreements/%00", "", 404, ""},
				{"duplicate member", "PUT", "/api/v1/budgets/eaeu-industrial/2025", `{"amount": "5000", "amount": "6000", "currency": "RUB"}`, 400, "amount"},
				{"trailing data", "PUT", "/api/v1/budgets/eaeu-industrial/2025", `{"amount": "5000", "currency": "RUB"} {"x": 1}`, 400, ""},
				{"type error names the index", "PUT", "/api/v1/budgets/eaeu-industrial/2025", `{"amount": "5000", "currency": "RUB", "contributions": [{"country": "RU", "share": true}]}`, 400, "contributions[0].share"},
				{"a state twice", "PUT", "/api/v1/budgets/eaeu-industrial/2025", `{"amount": "5000", "currency": "RUB", "contributions": [{"country": "RU", "share": "50"}, {"country": "BY", "share": "25"}, {"country": "RU", "share": "25"}]}`, 422, "contributions[2].country"},
				{"an absurd budget", "PUT", "/api/v1/budgets/eaeu-industrial/2025", `{"amount": "90000000000000000", "currency": "RUB"}`, 422, "amount"},
				{"a number for an amount", "PUT", "/api/v1/budgets/eaeu-industrial/2026", `{"amount": 5000, "currency": "RUB"}`, 200, ""},
				{"a claim over the whole plan", "POST", "/api/v1/agreements/" + id + "/claims", `{"from": "2025-03-14", "to": "2025-04-01", "amount": "90000000000000000"}`, 422, "amount"},
				{"a claim filed as paid", "POST", "/api/v1/agreements/" + id + "/claims", `{"from": "2025-03-14", "to": "2025-04-01", "amount": "1.00", "status": "paid"}`, 422, "status"},
				{"a claim on an ineligible agreement", "POST", "/api/v1/agreements/" + ineligible + "/claims", `{"from": "2025-03-14", "to": "2025-04-01", "amount": "1.00"}`, 422, "agreement"},
				{"the commitments workbook", "GET", "/api/v1/commitments?programme=eaeu-industrial&format=xlsx", "", 200, ""},
				{"an unknown format", "GET", "/api/v1/commitments?programme=eaeu-industrial&format=pdf", "", 406, ""},
				{"audit since with an offset", "GET", "/api/v1/audit?since=2000-01-01T00:00:00%2B02:00", "", 200, ""},
				{"audit since not a time", "GET", "/api/v1/audit?since=T", "", 422, "since"},
			}
			for _, tt := range tests {
				tok := officer
				if tt.method == "GET" {
					tok = viewer
				}
				a := do(t, s, tt.method, tt.target, tt.body, as(tok)...)
				if a.Status != tt.want {
					t.Errorf("%s: %d, want %d: %s", tt.name, a.Status, tt.want, a)
					continue
				}
				if tt.want >= 400 {
					p := problem(t, a)
					if tt.field != "" && !hasField(p, tt.field) {
						t.Errorf("%s: the problem does not name %s: %s", tt.name, tt.field, a)
					}
				}
			}
			if a := do(t, s, "PUT", "/api/v1/budgets/eaeu-industrial/2027", `{"amount": "1", "currency": "RUB"}`, "Content-Type", "text/plain", "Authorization", "Bearer "+officer); a.Status != 415 {
				t.Errorf("text/plain: %d, want 415", a.Status)
			}
			if a := do(t, s, "POST", "/api/v1/agreements", `{"number": "`+strings.Repeat("x", 2<<20)+`", "date": "2025-03-10", "request": `+eaeuLoan+`}`, as(officer)...); a.Status != 413 {
				t.Errorf("a 2 MiB body: %d, want 413", a.Status)
			}
			a = do(t, s, "GET", "/api/v1/budgets/eaeu-industrial", "", as(viewer)...)
			if !regexp.MustCompile(`"rates_hash":"[0-9a-f]{64}"`).Match(a.Body) {
				t.Errorf("a stored budget lost its rates hash: %s", a)
			}
			if a := do(t, s, "POST", "/registry/session?token="+officer, "", "Content-Type", "application/x-www-form-urlencoded"); a.Status == 303 {
				t.Errorf("a token in the query string signed in")
			}
		})
	}
}
