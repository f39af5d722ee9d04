package report_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

func TestReadBankSchedule(t *testing.T) {
	t.Run("RussianCSV", func(t *testing.T) {
		in := "График платежей по договору КД-17;;;\n" +
			"№;Дата платежа;Остаток ссудной задолженности;Погашение основного долга;Проценты;Сумма субсидии;Проценты к уплате заёмщиком\n" +
			"1;14.04.2025;1 000 000,00;10 000,50;20 548,00;17 260,27;3 287,73\n" +
			"2;2025-05-14;990 000,00;-;20 000,00;;\n" +
			";Итого;;10 000,50;40 548,00;;\n"
		bs, err := report.ReadBankSchedule([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(bs.Rows) != 2 || bs.Format != "csv" || len(bs.Warnings) != 2 || bs.Lines[1] != 4 {
			t.Fatalf("%+v", bs)
		}
		r := bs.Rows[0]
		if r.Date != calc.MustDate("2025-04-14") || r.OpeningBalance.String() != "1000000" || r.Principal.String() != "10000.5" ||
			r.Subsidy.String() != "17260.27" || r.BorrowerInterest.String() != "3287.73" {
			t.Fatalf("row 1: %+v", r)
		}
		if r2 := bs.Rows[1]; r2.Principal != nil || r2.Subsidy != nil || r2.Interest.String() != "20000" {
			t.Fatalf("row 2: %+v", r2)
		}
		if got := bs.Columns; len(got) != 6 {
			t.Fatalf("columns %v", got)
		}
	})
	t.Run("KeysXLSX", func(t *testing.T) {
		f := excelize.NewFile()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"date", "Interest (interest)"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{45761, 123.45})
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		bs, err := report.ReadBankSchedule(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(bs.Rows) != 1 || bs.Rows[0].Date != calc.MustDate("2025-04-14") || bs.Rows[0].Interest.String() != "123.45" || bs.Rows[0].Principal != nil {
			t.Fatalf("%+v %+v", bs, bs.Rows)
		}
	})
	t.Run("BadCells", func(t *testing.T) {
		in := "date,interest,principal\n2025-04-14,12.5,1\n2025-13-14,abc,2\n"
		_, err := report.ReadBankSchedule([]byte(in))
		var ce *report.BankCellError
		if !errors.As(err, &ce) || len(ce.Problems) != 2 || ce.Problems[0].Field != "bank_schedule[1].date" || ce.Problems[1].Field != "bank_schedule[1].interest" || ce.Problems[1].Line != 3 {
			t.Fatalf("%v", err)
		}
	})
	t.Run("NoHeader", func(t *testing.T) {
		for _, in := range []string{"a,b\n1,2\n", "", "\x00\x01"} {
			_, err := report.ReadBankSchedule([]byte(in))
			var ie *report.InputError
			if !errors.As(err, &ie) {
				t.Errorf("%q: %v", in, err)
			}
		}
	})
}

// TestReadBankScheduleLimits: a row reaching the last column keeps a
// bounded number of cells, and too many rows are refused as a whole.
func TestReadBankScheduleLimits(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"date", "interest"})
	_ = f.SetCellValue("Sheet1", "XFD1", "far")
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"2025-04-14", "1"})
	var b bytes.Buffer
	_ = f.Write(&b)
	bs, err := report.ReadBankSchedule(b.Bytes())
	if err != nil || len(bs.Rows) != 1 {
		t.Fatalf("%v %+v", err, bs)
	}
	var big bytes.Buffer
	big.WriteString("date;interest\n")
	for i := 0; i < calc.MaxBankRows+1; i++ {
		big.WriteString("14.04.2025;1\n")
	}
	_, err = report.ReadBankSchedule(big.Bytes())
	var ie *report.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("%d rows: %v", calc.MaxBankRows+1, err)
	}
}

// FuzzReadBankSchedule: any bytes give rows or an error, never a panic.
func FuzzReadBankSchedule(f *testing.F) {
	f.Add([]byte("date;interest\n14.04.2025;1 000,50\n"))
	f.Add([]byte("Дата платежа,Проценты,Субсидия\n2025-04-14,\"1,5\",x\nИтого,,\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		bs, err := report.ReadBankSchedule(b)
		if err == nil && len(bs.Rows) == 0 {
			t.Fatal("no rows and no error")
		}
	})
}
