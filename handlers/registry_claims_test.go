package handlers_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// A claim filed against an agreement from its ledger (the loan taken from
// the agreement) stores each period's payable amount, and they equal the
// claims route's answer for the same loan and ledger.
func TestRegistryLedgerClaim(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			s, _, officer, _ := registryServer(t, db)
			as := []string{"Content-Type", "application/json", "Authorization", "Bearer " + officer}
			a := do(t, s, "POST", "/api/v1/agreements", `{"number": "KD-1", "date": "2025-03-10", "status": "approved", "request": `+eaeuLoan+`}`, as...)
			id := regexp.MustCompile(`"id":"([0-9a-f]+)"`).FindStringSubmatch(string(a.Body))[1]
			ledger := `"ledger": [{"type": "drawdown", "date": "2025-03-14", "amount": "1000000000.00"},
				{"type": "repayment", "date": "2025-06-14", "amount": "50000000.00"}],
				"claims": {"frequency": "quarterly", "from": "2025-03-14", "to": "2026-01-01"}`
			a = do(t, s, "POST", "/api/v1/agreements/"+id+"/claims", `{`+ledger+`}`, as...)
			if a.Status != 201 {
				t.Fatalf("ledger claim: %s", a)
			}
			var got struct {
				Claims []struct {
					From, To, Amount, Status string
				} `json:"claims"`
			}
			json.Unmarshal(a.Body, &got)
			full := strings.TrimSuffix(strings.TrimSpace(eaeuLoan), "}") + `, ` + ledger + `}`
			w := do(t, s, "POST", "/api/v1/claims", full, "Content-Type", "application/json")
			var want struct {
				Periods []struct {
					From, To, Payable string
				} `json:"periods"`
			}
			if err := json.Unmarshal(w.Body, &want); err != nil || w.Status != 200 {
				t.Fatalf("claims route: %s", w)
			}
			if len(got.Claims) != len(want.Periods) || len(got.Claims) != 4 {
				t.Fatalf("%d stored claims, %d periods: %s", len(got.Claims), len(want.Periods), a)
			}
			for i, c := range got.Claims {
				p := want.Periods[i]
				if c.From != p.From || c.To != p.To || c.Amount != p.Payable || c.Status != "filed" {
					t.Errorf("claim %d: %+v, want %+v", i, c, p)
				}
			}
		})
	}
}
