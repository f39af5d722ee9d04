package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// sampleReconciliation is a bank's schedule of a golden loan with one
// interest cell altered.
func sampleReconciliation(t testing.TB) *calc.Reconciliation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "drawdowns-ratechange.json"))
	if err != nil {
		t.Fatal(err)
	}
	var req calc.Request
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	res, err := calc.Calculate(&req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rr := &calc.ReconcileRequest{Request: req}
	for _, p := range res.Schedule {
		i, s := p.Interest.Decimal(), p.SubsidyPayable.Decimal()
		rr.BankSchedule = append(rr.BankSchedule, calc.BankRow{Date: p.End, Interest: &i, Subsidy: &s})
	}
	v := rr.BankSchedule[6].Interest.Add(decimal.NewFromInt(15))
	rr.BankSchedule[6].Interest = &v
	rec, err := calc.Reconcile(rr, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestWriteReconciliation(t *testing.T) {
	rec := sampleReconciliation(t)
	for _, lang := range []string{"ru", "en"} {
		var b bytes.Buffer
		if err := report.WriteReconciliation(&b, rec, lang); err != nil {
			t.Fatal(err)
		}
		if out := os.Getenv("RECONCILE_XLSX_OUT"); out != "" {
			_ = os.WriteFile(filepath.Join(out, "reconcile-"+lang+".xlsx"), b.Bytes(), 0o644)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 4 {
			t.Fatalf("%s: sheets %v", lang, sheets)
		}
		rows, _ := f.GetRows(sheets[1])
		var found []string
		for _, r := range rows {
			if len(r) == 8 && r[0] == "7" {
				found = r
			}
		}
		if found == nil || found[4] == found[5] {
			t.Fatalf("%s: difference row of payment 7 missing: %q", lang, rows)
		}
		ours, _ := f.GetRows(sheets[3])
		if len(ours) != 25 {
			t.Fatalf("%s: our schedule has %d rows", lang, len(ours))
		}
		f.Close()
	}
}
