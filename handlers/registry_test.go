package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// registryServer serves the registry on db with a viewer's and an
// officer's token, and the log it writes.
func registryServer(t *testing.T, db *storage.DB) (s *handlers.Server, viewer, officer string, logs *bytes.Buffer) {
	t.Helper()
	logs = new(bytes.Buffer)
	s = newServer(t, handlers.Config{Registry: db, RegistryWorkbook: report.WriteRegistry, Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	_, viewer, err := db.CreateToken(context.Background(), "viewer one", storage.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	_, officer, err = db.CreateToken(context.Background(), "officer one", storage.RoleOfficer)
	if err != nil {
		t.Fatal(err)
	}
	return s, viewer, officer, logs
}

func TestRegistryAccess(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			s, viewer, officer, logs := registryServer(t, db)
			budget := `{"amount": "5000000000", "currency": "RUB"}`
			tests := []struct {
				name, method, target, body, token string
				want                              int
			}{
				{"no token", "GET", "/api/v1/commitments?programme=eaeu-industrial", "", "", 401},
				{"unknown token", "GET", "/api/v1/commitments?programme=eaeu-industrial", "", "sbs_nope", 401},
				{"viewer reads", "GET", "/api/v1/commitments?programme=eaeu-industrial", "", viewer, 200},
				{"viewer cannot write", "PUT", "/api/v1/budgets/eaeu-industrial/2025", budget, viewer, 403},
				{"officer writes", "PUT", "/api/v1/budgets/eaeu-industrial/2025", budget, officer, 200},
				{"viewer reads budgets", "GET", "/api/v1/budgets/eaeu-industrial", "", viewer, 200},
				{"calculator stays open", "POST", "/api/v1/calculations", eaeuLoan, "", 200},
			}
			for _, tt := range tests {
				h := []string{"Content-Type", "application/json"}
				if tt.token != "" {
					h = append(h, "Authorization", "Bearer "+tt.token)
				}
				a := do(t, s, tt.method, tt.target, tt.body, h...)
				if a.Status != tt.want {
					t.Errorf("%s: %d, want %d: %s", tt.name, a.Status, tt.want, a)
				}
				if tt.want >= 400 {
					problem(t, a)
				}
			}
			for _, secret := range []string{viewer, officer} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("a token appears in the log")
				}
			}
		})
	}
}

func TestRegistryAgreements(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			s, viewer, officer, _ := registryServer(t, db)
			as := func(token string) []string {
				return []string{"Content-Type", "application/json", "Authorization", "Bearer " + token}
			}
			a := do(t, s, "PUT", "/api/v1/budgets/eaeu-industrial/2026", `{"amount": "9000000000", "currency": "RUB"}`, as(officer)...)
			if a.Status != 200 {
				t.Fatalf("budget: %s", a)
			}
			// The same loan as a calculation, stored as an agreement.
			calcAns := postJSON(t, s, eaeuLoan)
			var want struct {
				Eligible bool `json:"eligible"`
				Totals   struct {
					SubsidyPayable string `json:"subsidy_payable"`
				} `json:"totals"`
				Years []struct {
					Year           int    `json:"year"`
					SubsidyPayable string `json:"subsidy_payable"`
				} `json:"years"`
			}
			if err := json.Unmarshal(calcAns.Body, &want); err != nil {
				t.Fatal(err)
			}
			a = do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-1", "date": "2025-03-10", "bank": "Bank", "status": "approved", "request": `+eaeuLoan+`}`, as(officer)...)
			if a.Status != 201 {
				t.Fatalf("agreement: %s", a)
			}
			var ag struct {
				ID             string `json:"id"`
				Eligible       bool   `json:"eligible"`
				SubsidyPayable string `json:"subsidy_payable"`
				RulesVersion   string `json:"rules_version"`
				RatesHash      string `json:"rates_hash"`
				InputHash      string `json:"input_hash"`
				CreatedBy      string `json:"created_by"`
			}
			json.Unmarshal(a.Body, &ag)
			if !ag.Eligible || ag.SubsidyPayable != want.Totals.SubsidyPayable || ag.RulesVersion == "" || len(ag.RatesHash) != 64 || len(ag.InputHash) != 64 || !strings.HasPrefix(ag.CreatedBy, "officer one") {
				t.Errorf("stored agreement %+v; calculation payable %s", ag, want.Totals.SubsidyPayable)
			}
			// A two-state project is stored, ineligible, with nothing payable.
			two := strings.Replace(eaeuLoan, `{"name": "Plant C", "country": "KZ", "share": "25"}`, `{"name": "Plant C", "country": "RU", "share": "25"}`, 1)
			a = do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-2", "date": "2025-03-10", "status": "approved", "request": `+two+`}`, as(officer)...)
			var ag2 struct {
				Eligible       bool   `json:"eligible"`
				SubsidyPayable string `json:"subsidy_payable"`
			}
			json.Unmarshal(a.Body, &ag2)
			if a.Status != 201 || ag2.Eligible || ag2.SubsidyPayable != "0.00" {
				t.Errorf("two-state agreement: %s", a)
			}
			// Bad input names the field, under request. for the calculation.
			for body, field := range map[string]string{
				`{"number": "", "date": "2025-03-10", "request": ` + eaeuLoan + `}`:                                                        "number",
				`{"number": "X", "date": "10.03.2025", "request": ` + eaeuLoan + `}`:                                                       "date",
				`{"number": "X", "date": "2025-03-10", "status": "won", "request": ` + eaeuLoan + `}`:                                      "status",
				`{"number": "X", "date": "2025-03-10", "request": ` + strings.Replace(eaeuLoan, `"rate": "24.5"`, `"rate": "-1"`, 1) + `}`: "request.loan.rate",
				`{"number": "X", "date": "2025-03-10", "colour": "red"}`:                                                                   "colour",
			} {
				a := do(t, s, "POST", "/api/v1/agreements", body, as(officer)...)
				if a.Status != 400 && a.Status != 422 || !hasField(problem(t, a), field) {
					t.Errorf("%s: %d %s; want the field %s", body[:40], a.Status, a, field)
				}
			}

			// Commitments: the eligible agreement's plan for 2026 against the envelope.
			a = do(t, s, "GET", "/api/v1/commitments?programme=eaeu-industrial", "", as(viewer)...)
			var com struct {
				Years []struct {
					Year      int     `json:"year"`
					Envelope  *string `json:"envelope"`
					Committed string  `json:"committed"`
					Left      *string `json:"left"`
				} `json:"years"`
			}
			json.Unmarshal(a.Body, &com)
			var plan2026 string
			for _, y := range want.Years {
				if y.Year == 2026 {
					plan2026 = y.SubsidyPayable
				}
			}
			found := false
			for _, y := range com.Years {
				if y.Year == 2026 {
					found = true
					if y.Committed != plan2026 || y.Envelope == nil || *y.Envelope != "9000000000.00" || y.Left == nil {
						t.Errorf("2026: %+v, plan %s", y, plan2026)
					}
				}
			}
			if !found {
				t.Errorf("no 2026 in %s", a)
			}

			// Recompute with the same rules and rates changes nothing.
			a = do(t, s, "GET", "/api/v1/agreements/"+ag.ID+"/recompute", "", as(viewer)...)
			var re struct {
				Changed bool `json:"changed"`
			}
			if json.Unmarshal(a.Body, &re); a.Status != 200 || re.Changed {
				t.Errorf("recompute: %s", a)
			}
			// A claim, its status, and the audit log of it all.
			a = do(t, s, "POST", "/api/v1/agreements/"+ag.ID+"/claims", `{"from": "2026-01-01", "to": "2026-04-01", "amount": "1000.00"}`, as(officer)...)
			var cl struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(a.Body, &cl); a.Status != 201 || cl.ID == "" {
				t.Fatalf("claim: %s", a)
			}
			if a := do(t, s, "PATCH", "/api/v1/agreements/"+ag.ID+"/claims/"+cl.ID, `{"status": "paid"}`, as(officer)...); a.Status != 200 {
				t.Errorf("claim status: %s", a)
			}
			if a := do(t, s, "PATCH", "/api/v1/agreements/"+ag.ID, `{"status": "closed"}`, as(viewer)...); a.Status != 403 {
				t.Errorf("viewer PATCH: %d", a.Status)
			}
			if a := do(t, s, "GET", "/api/v1/agreements/nope", "", as(viewer)...); a.Status != 404 {
				t.Errorf("missing agreement: %d", a.Status)
			}
			a = do(t, s, "GET", "/api/v1/audit", "", as(viewer)...)
			var audit struct {
				Entries []struct {
					Action, Entity, Actor string
				} `json:"entries"`
			}
			json.Unmarshal(a.Body, &audit)
			if len(audit.Entries) != 5 { // budget, 2 agreements, claim, claim status
				t.Errorf("audit: %s", a)
			}
			if a := do(t, s, "GET", "/api/v1/commitments?programme=nope", "", as(viewer)...); a.Status != 422 || !hasField(problem(t, a), "programme") {
				t.Errorf("unknown programme: %s", a)
			}
			_ = http.MethodGet
		})
	}
}
