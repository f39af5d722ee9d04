package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
	"github.com/shopspring/decimal"
)

// BenchmarkCommitments sums the commitments of 10,000 approved agreements,
// each with a five-year plan and three countries' benefits, on every
// engine (SPEC §11: the figures are stored, not recomputed per query).
//
//	go test ./storage -run '^$' -bench Commitments -benchtime 20x
func BenchmarkCommitments(b *testing.B) {
	for name, db := range storagetest.Engines(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			stamp := storage.Stamp{RulesVersion: "v", RatesHash: "r", InputHash: "i", CreatedBy: "bench"}
			if err := db.PutBudget(ctx, &storage.Budget{Programme: "eaeu-industrial", Year: 2026, Amount: 900000000000, Currency: "RUB", Stamp: stamp,
				Contributions: []calc.CountryShare{{Country: "RU", Share: decimal.RequireFromString("100")}}}); err != nil {
				b.Fatal(err)
			}
			for i := range 10_000 {
				a := storage.Agreement{Number: fmt.Sprint("KD-", i), Date: "2025-01-01", Status: "approved", Programme: "eaeu-industrial",
					Currency: "RUB", Eligible: true, Request: []byte(`{}`), Result: []byte(`{}`), Stamp: stamp}
				for y := 2025; y < 2030; y++ {
					a.Years = append(a.Years, storage.AgreementYear{Year: y, Payable: calc.Money(1_000_000 + i)})
					for _, c := range []string{"BY", "KZ", "RU"} {
						a.Benefits = append(a.Benefits, storage.CountryYear{Year: y, Country: c, Amount: calc.Money(300_000 + i)})
					}
				}
				if err := db.CreateAgreement(ctx, &a); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				years, err := db.Commitments(ctx, "eaeu-industrial")
				if err != nil || len(years) != 5 || years[0].Agreements != 10_000 {
					b.Fatalf("%v %+v", err, years)
				}
			}
		})
	}
}
