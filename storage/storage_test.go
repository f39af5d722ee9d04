package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
	"github.com/shopspring/decimal"
)

func money(s string) calc.Money {
	m, err := calc.MoneyFromDecimal(decimal.RequireFromString(s))
	if err != nil {
		panic(err)
	}
	return m
}

func TestTokens(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			tok, secret, err := db.CreateToken(ctx, "Ivanova", storage.RoleOfficer)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Authenticate(ctx, secret)
			if err != nil || got.ID != tok.ID || got.Role != storage.RoleOfficer || got.Name != "Ivanova" {
				t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, tok)
			}
			if _, err := db.Authenticate(ctx, secret+"x"); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("a wrong secret: %v, want ErrNotFound", err)
			}
			if _, _, err := db.CreateToken(ctx, "x", "admin"); err == nil {
				t.Error("role admin accepted")
			}
		})
	}
}

func TestRegistry(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			stamp := storage.Stamp{RulesVersion: "v1", RatesHash: "r", InputHash: "i", CreatedBy: "officer"}
			for _, b := range []storage.Budget{
				{Programme: "eaeu-industrial", Year: 2025, Amount: money("1000000.00"), Currency: "RUB",
					Contributions: []calc.CountryShare{{Country: "RU", Share: decimal.RequireFromString("60")}, {Country: "KZ", Share: decimal.RequireFromString("40")}}, Stamp: stamp},
				{Programme: "eaeu-industrial", Year: 2025, Amount: money("5000000.00"), Currency: "RUB", // replaces the first
					Contributions: []calc.CountryShare{{Country: "RU", Share: decimal.RequireFromString("70")}, {Country: "KZ", Share: decimal.RequireFromString("30")}}, Stamp: stamp},
				{Programme: "eaeu-industrial", Year: 2026, Amount: money("100.00"), Currency: "RUB", Stamp: stamp},
			} {
				if err := db.PutBudget(ctx, &b); err != nil {
					t.Fatal(err)
				}
			}
			budgets, err := db.Budgets(ctx, "eaeu-industrial")
			if err != nil || len(budgets) != 2 || budgets[0].Amount != money("5000000.00") || budgets[0].Contributions[0].Share.String() != "70" {
				t.Fatalf("budgets = %+v, %v", budgets, err)
			}

			add := func(status, cur string, years []storage.AgreementYear, benefits []storage.CountryYear) string {
				a := storage.Agreement{Number: "KD-" + status, Date: "2025-01-10", Bank: "Bank", Status: status,
					Programme: "eaeu-industrial", Currency: cur, Eligible: true, Request: []byte(`{}`), Result: []byte(`{}`),
					Years: years, Benefits: benefits, Stamp: stamp}
				if err := db.CreateAgreement(ctx, &a); err != nil {
					t.Fatal(err)
				}
				return a.ID
			}
			a1 := add("approved", "RUB", []storage.AgreementYear{{Year: 2025, Payable: money("1000.00")}, {Year: 2026, Payable: money("50.00")}},
				[]storage.CountryYear{{Year: 2025, Country: "BY", Amount: money("600.00")}, {Year: 2025, Country: "RU", Amount: money("400.00")}, {Year: 2026, Country: "RU", Amount: money("50.00")}})
			add("approved", "KZT", []storage.AgreementYear{{Year: 2025, Payable: money("10000.00"), FX: "0.18", FXCurrency: "RUB"}},
				[]storage.CountryYear{{Year: 2025, Country: "KZ", Amount: money("10000.00")}})
			add("approved", "KGS", []storage.AgreementYear{{Year: 2025, Payable: money("7.00")}}, nil) // no fx: left out
			add("applied", "RUB", []storage.AgreementYear{{Year: 2025, Payable: money("999999.00")}}, nil)

			if err := db.CreateClaim(ctx, &storage.Claim{AgreementID: a1, Status: "filed", From: "2025-01-01", To: "2025-04-01", Year: 2025, Amount: money("300.00"), Request: []byte(`{}`), Stamp: stamp}); err != nil {
				t.Fatal(err)
			}
			paid := storage.Claim{AgreementID: a1, Status: "filed", From: "2025-04-01", To: "2025-07-01", Year: 2025, Amount: money("200.00"), Request: []byte(`{}`), Stamp: stamp}
			if err := db.CreateClaim(ctx, &paid); err != nil {
				t.Fatal(err)
			}
			if err := db.SetClaimStatus(ctx, a1, paid.ID, "paid", "officer"); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateClaim(ctx, &storage.Claim{AgreementID: "nope", Status: "filed", Request: []byte(`{}`)}); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("claim on a missing agreement: %v", err)
			}

			list, err := db.Agreements(ctx, "eaeu-industrial", "approved")
			if err != nil || len(list) != 3 {
				t.Fatalf("approved agreements: %d, %v", len(list), err)
			}
			got, err := db.Agreement(ctx, a1)
			if err != nil || got.Number != "KD-approved" || string(got.Request) != "{}" {
				t.Fatalf("Agreement = %+v, %v", got, err)
			}
			if _, err := db.Agreement(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("missing agreement: %v", err)
			}

			com, err := db.Commitments(ctx, "eaeu-industrial")
			if err != nil {
				t.Fatal(err)
			}
			if len(com) != 2 {
				t.Fatalf("commitments: %+v", com)
			}
			y := com[0]
			// 1,000.00 RUB + 10,000.00 KZT × 0.18 = 1,800.00 RUB.
			if y.Year != 2025 || y.Committed != money("2800.00") || *y.Left != money("4997200.00") || y.Agreements != 2 || y.Unconverted != 1 {
				t.Errorf("2025: committed %s left %v agreements %d unconverted %d", y.Committed, y.Left, y.Agreements, y.Unconverted)
			}
			if y.ClaimsFiled != money("500.00") || y.ClaimsPaid != money("200.00") {
				t.Errorf("2025 claims: filed %s paid %s", y.ClaimsFiled, y.ClaimsPaid)
			}
			want := map[string][2]calc.Money{ // contribution 70/30 of 2,800; benefit
				"BY": {0, money("600.00")}, "KZ": {money("840.00"), money("1800.00")}, "RU": {money("1960.00"), money("400.00")},
			}
			if len(y.Countries) != len(want) {
				t.Errorf("2025 countries: %+v", y.Countries)
			}
			for _, c := range y.Countries {
				if w := want[c.Country]; c.Contribution != w[0] || c.Benefit != w[1] {
					t.Errorf("2025 %s: contribution %s benefit %s, want %s %s", c.Country, c.Contribution, c.Benefit, w[0], w[1])
				}
			}
			if com[1].Year != 2026 || com[1].Committed != money("50.00") || *com[1].Left != money("50.00") {
				t.Errorf("2026: %+v", com[1])
			}

			if err := db.SetAgreementStatus(ctx, a1, "closed", "officer"); err != nil {
				t.Fatal(err)
			}
			log, err := db.Audit(ctx, time.Time{}, 100)
			if err != nil {
				t.Fatal(err)
			}
			// 3 budgets, 4 agreements, 2 claims, 1 claim status, 1 agreement status.
			if len(log) != 11 || log[len(log)-1].Action != "status" || log[len(log)-1].Entity != "agreement" {
				t.Errorf("audit: %d entries, last %+v", len(log), log[len(log)-1])
			}
			lastAt, err := time.Parse(time.RFC3339Nano, log[len(log)-1].At)
			if err != nil {
				t.Fatal(err)
			}
			later, _ := db.Audit(ctx, lastAt, 100)
			if len(later) != 1 {
				t.Errorf("audit since the last: %d entries", len(later))
			}
		})
	}
}

// Two officers changing one agreement's status at once must leave the
// running sums counting it once (PostgreSQL's read committed would let
// both take the same old status out of them).
func TestConcurrentStatusChanges(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a := storage.Agreement{Number: "KD", Date: "2025-01-01", Status: "applied", Programme: "eaeu-industrial", Currency: "RUB",
				Eligible: true, SubsidyPayable: money("100.00"), Request: []byte(`{}`), Result: []byte(`{}`),
				Years:    []storage.AgreementYear{{Year: 2025, Payable: money("100.00")}},
				Benefits: []storage.CountryYear{{Year: 2025, Country: "RU", Amount: money("100.00")}}}
			if err := db.CreateAgreement(ctx, &a); err != nil {
				t.Fatal(err)
			}
			for range 10 {
				done := make(chan error, 2)
				for _, st := range []string{"approved", "closed"} {
					go func() { done <- db.SetAgreementStatus(ctx, a.ID, st, "officer") }()
				}
				for range 2 {
					if err := <-done; err != nil {
						t.Fatal(err)
					}
				}
				if err := db.SetAgreementStatus(ctx, a.ID, "applied", "officer"); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.SetAgreementStatus(ctx, a.ID, "approved", "officer"); err != nil {
				t.Fatal(err)
			}
			com, err := db.Commitments(ctx, "eaeu-industrial")
			if err != nil || len(com) != 1 || com[0].Committed != money("100.00") || com[0].Agreements != 1 || com[0].Countries[0].Benefit != money("100.00") {
				t.Fatalf("after the races: %+v, %v", com, err)
			}
		})
	}
}

// A year without a budget sums in the programme's cap currency: a loan in
// another currency with no exchange rate into it is left out, its
// enterprises' benefit too.
func TestCommitmentsCurrencyWithoutBudget(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for _, cur := range []string{"KZT", "RUB"} { // KZT first: row order must not matter
				a := storage.Agreement{Number: cur, Date: "2025-01-01", Status: "approved", Programme: "eaeu-industrial", Currency: cur,
					Eligible: true, Request: []byte(`{}`), Result: []byte(`{}`),
					Years:    []storage.AgreementYear{{Year: 2027, Payable: money("100.00")}},
					Benefits: []storage.CountryYear{{Year: 2027, Country: "KZ", Amount: money("100.00")}}}
				if err := db.CreateAgreement(ctx, &a); err != nil {
					t.Fatal(err)
				}
			}
			com, err := db.Commitments(ctx, "eaeu-industrial")
			if err != nil || len(com) != 1 {
				t.Fatalf("%+v, %v", com, err)
			}
			y := com[0]
			if y.Currency != "RUB" || y.Committed != money("100.00") || y.Unconverted != 1 || len(y.Countries) != 1 || y.Countries[0].Benefit != money("100.00") {
				t.Errorf("2027: %+v", y)
			}
		})
	}
}
