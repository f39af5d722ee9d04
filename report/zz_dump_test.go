package report_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/eaeu-subsidy/subsidy/batch"
)

func TestZZDump(t *testing.T) {
	dir := os.Getenv("DUMP_DIR")
	if dir == "" {
		t.Skip()
	}
	input := filepath.Join(dir, "loans.csv")
	os.WriteFile(input, []byte(tenLoans), 0o644)
	ru, _ := os.Create(filepath.Join(dir, "b-ru.xlsx"))
	en, _ := os.Create(filepath.Join(dir, "b-en.xlsx"))
	budget := &batch.Budget{Amount: 300_000_000_00, Currency: "RUB"}
	_, err := batch.Run(context.Background(), input, batch.Config{Lang: "ru", Budget: budget, Source: "loans.csv", Other: en}, ru, nil)
	ru.Close()
	en.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"b-ru", "b-en"} {
		pdf := toPDF(t, filepath.Join(dir, n+".xlsx"))
		b, _ := os.ReadFile(pdf)
		os.WriteFile(filepath.Join(dir, n+".pdf"), b, 0o644)
	}
}
