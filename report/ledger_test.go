package report_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// TestLedgerTemplateRoundTrip: both templates read back as their example
// ledger; Russian headers and types, semicolons and decimal commas are
// read; a bad cell is named by row and column.
func TestLedgerTemplateRoundTrip(t *testing.T) {
	for _, asCSV := range []bool{false, true} {
		var buf bytes.Buffer
		if err := report.WriteLedgerTemplate(&buf, "ru", asCSV); err != nil {
			t.Fatal(err)
		}
		got, err := report.ReadLedger(buf.Bytes())
		if err != nil {
			t.Fatalf("csv=%v: %v", asCSV, err)
		}
		if len(got) != 4 || got[0].Type != calc.LedgerDrawdown || got[0].Date != calc.MustDate("2025-03-14") ||
			got[0].Amount.String() != "1000000000" || got[2].From != calc.MustDate("2025-07-14") || got[2].To != calc.MustDate("2025-07-20") ||
			got[3].Rate == nil || got[3].Rate.String() != "23" {
			t.Fatalf("csv=%v: %+v", asCSV, got)
		}
	}
	ru := "Тип;Дата;Сумма\nвыдача;14.03.2025;1 000 000,50\n;;\nпогашение;14.04.2025;100\n"
	got, err := report.ReadLedger([]byte(ru))
	if err != nil || len(got) != 2 || got[0].Amount.String() != "1000000.5" || got[1].Type != calc.LedgerRepayment {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = report.ReadLedger([]byte("type,date,amount\ndrawdown,2025-03-14,abc\n"))
	var ce *calc.Error
	if !errors.As(err, &ce) || ce.Fields[0].Field != "row 2, column amount" {
		t.Fatalf("error %v", err)
	}
	if _, err := report.ReadLedger([]byte("date,amount\n")); err == nil {
		t.Fatal("a file without a type column was read")
	}
}
