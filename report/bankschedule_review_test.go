package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// threeStates is the reviewer's loan (issue 11 §2): three member states,
// RUB 1 bn at 24.5 % from 2025-03-14 for 60 months, eaeu-industrial.
const threeStates = `{"project": {"name": "Electric bus components", "participants": [
     {"name": "Plant A", "country": "BY", "share": "40"},
     {"name": "Plant B", "country": "RU", "share": "35"},
     {"name": "Plant C", "country": "KZ", "share": "25"}]},
  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5",
           "issue_date": "2025-03-14", "term_months": 60},
  "subsidy": {"programme": "eaeu-industrial"}}`

func threeStatesResult(t testing.TB) (*calc.Request, *calc.Result) {
	t.Helper()
	var req calc.Request
	if err := json.Unmarshal([]byte(threeStates), &req); err != nil {
		t.Fatal(err)
	}
	res, err := calc.Calculate(&req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Eligible || len(res.Schedule) != 60 {
		t.Fatalf("eligible %v, %d periods", res.Eligible, len(res.Schedule))
	}
	return &req, res
}

// rawXLSX is a minimal workbook written part by part: sst is the shared
// strings part's XML content (inside <sst>), sheet the sheetData's.
func rawXLSX(t testing.TB, sst, sheet string) []byte {
	t.Helper()
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook ` + ns + ` xmlns:r="` + rel + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + rel + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<sst ` + ns + `>` + sst + `</sst>`},
		{"xl/worksheets/sheet1.xml", `<worksheet ` + ns + `><sheetData>` + sheet + `</sheetData></worksheet>`},
	} {
		w, err := z.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(p[1]))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hugeStringXLSX is the reviewer's hostile_ss.py: a header row of keys
// and 60 dated rows whose column G points at one shared string of n bytes.
func hugeStringXLSX(t testing.TB, n int) []byte {
	keys := []string{"date", "opening_balance", "principal", "interest", "subsidy", "borrower_interest"}
	var sst, sheet strings.Builder
	for _, k := range keys {
		sst.WriteString("<si><t>" + k + "</t></si>")
	}
	sst.WriteString("<si><t>" + strings.Repeat("A", n) + "</t></si>")
	sheet.WriteString(`<row r="1">`)
	for j := range 7 {
		fmt.Fprintf(&sheet, `<c r="%c1" t="s"><v>%d</v></c>`, 'A'+j, j)
	}
	sheet.WriteString(`</row>`)
	d := calc.MustDate("2025-04-14")
	for r := 2; r < 62; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c><c r="G%d" t="s"><v>6</v></c></row>`, r, r, d.AddMonths(r-2), r)
	}
	return rawXLSX(t, sst.String(), sheet.String())
}

// TestBankScheduleHostileText: a small file whose cells point at one huge
// text, or that holds a huge cell, is read or refused quickly, with little
// memory, naming the part, and never echoes the text: a long cell is cut.
func TestBankScheduleHostileText(t *testing.T) {
	manyStrings := strings.Repeat("<si><t>x</t></si>", 10*(calc.MaxBankRows+100)+1)
	var wide strings.Builder // every row reaches column XFD: excelize pads each to 16,384 cells
	wide.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>interest</t></is></c></row>`)
	for r := 2; r <= calc.MaxBankRows; r++ {
		fmt.Fprintf(&wide, `<row r="%d"><c r="A%d"><v>45761</v></c><c r="XFD%d"><v>1</v></c></row>`, r, r, r)
	}
	var refs strings.Builder // 700 cells point at one 100 KB text (each under the limit of one)
	refs.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row>`)
	for r := 2; r < 102; r++ {
		fmt.Fprintf(&refs, `<row r="%d"><c r="A%d"><v>45761</v></c>`, r, r)
		for c := 'B'; c < 'I'; c++ {
			fmt.Fprintf(&refs, `<c r="%c%d" t="s"><v>0</v></c>`, c, r)
		}
		refs.WriteString(`</row>`)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string // in the refusal; "" when the file is read (or its cells refused)
	}{
		{"SharedString20MB", hugeStringXLSX(t, 20<<20), "xl/sharedStrings.xml"},
		{"SharedString1MB", hugeStringXLSX(t, 1<<20), "xl/sharedStrings.xml"},
		{"ManyStrings", rawXLSX(t, manyStrings, `<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c></row>`), "xl/sharedStrings.xml"},
		{"ManyReferences", rawXLSX(t, "<si><t>"+strings.Repeat("Z", 100<<10)+"</t></si>", refs.String()), "xl/worksheets/sheet1.xml"},
		{"WideRows", rawXLSX(t, "", wide.String()), "xl/worksheets/sheet1.xml"},
		{"SharedString20KB", hugeStringXLSX(t, 20<<10), ""},
		{"InlineCell", rawXLSX(t, "", `<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>`+strings.Repeat("Я", 3000)+`</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>2025-04-14</t></is></c></row>`), ""},
		{"CSVCell", []byte("date;interest\n2025-04-14;" + strings.Repeat("9", 5000) + "\n"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.data) > 200<<10 {
				t.Fatalf("the hostile file takes %d bytes", len(tc.data))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			bs, err := report.ReadBankSchedule(tc.data)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			var msgs []string
			var ie *report.InputError
			var ce *report.BankCellError
			switch {
			case errors.As(err, &ie):
				msgs = append(msgs, ie.In("en"), ie.In("ru"))
				if tc.want == "" || !strings.Contains(ie.In("en")+ie.In("ru"), tc.want) {
					t.Fatalf("%v, want %q", err, tc.want)
				}
			case tc.want != "":
				t.Fatalf("%v, want a refusal naming %s", err, tc.want)
			case errors.As(err, &ce):
				for _, p := range ce.Problems {
					msgs = append(msgs, p.Message("en"), p.Message("ru"))
				}
			case err != nil:
				t.Fatal(err)
			default:
				for _, w := range bs.Warnings {
					msgs = append(msgs, w.En, w.Ru)
				}
			}
			for _, m := range msgs {
				if len(m) > 600 {
					t.Fatalf("message of %d bytes: %.200q", len(m), m)
				}
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 { // the 20 MB string cost 1.9 GB
				t.Errorf("allocated %d MiB", alloc>>20)
			}
			if took > 3*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

// TestBankScheduleLongHeaderWarning: an ignored column's header is cut in
// the warning.
func TestBankScheduleLongHeaderWarning(t *testing.T) {
	bs, err := report.ReadBankSchedule([]byte("date;" + strings.Repeat("z", 1500) + "\n2025-04-14;1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(bs.Warnings) != 1 || len(bs.Warnings[0].En) > 200 || len(bs.Warnings[0].Ru) > 200 {
		t.Fatalf("%+v", bs.Warnings)
	}
}

// TestBankScheduleOwnFiles: the service's own schedule, as CSV in both
// languages and as its workbook (whose first sheet is the summary),
// reconciles with every row matching.
func TestBankScheduleOwnFiles(t *testing.T) {
	req, res := threeStatesResult(t)
	files := map[string][]byte{}
	for _, lang := range []string{"ru", "en"} {
		var b bytes.Buffer
		if err := report.WriteScheduleCSV(&b, res, lang); err != nil {
			t.Fatal(err)
		}
		files["csv-"+lang] = b.Bytes()
		b = bytes.Buffer{}
		if err := report.WriteCalculation(&b, req, res, lang); err != nil {
			t.Fatal(err)
		}
		files["xlsx-"+lang] = b.Bytes()
	}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			bs, err := report.ReadBankSchedule(data)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"date", "opening_balance", "principal", "interest", "subsidy", "borrower_interest"}; !slices.Equal(bs.Columns, want) {
				t.Fatalf("columns %v, want %v", bs.Columns, want)
			}
			rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bs.Rows}, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rec.RowsChecked != 60 || rec.RowsMatching != 60 || rec.RowsOff != 0 || len(rec.Differences) != 0 {
				t.Fatalf("%d checked, %d matching, %d off: %+v", rec.RowsChecked, rec.RowsMatching, rec.RowsOff, rec.Differences[:min(3, len(rec.Differences))])
			}
		})
	}
}

// TestBankHeaderMapping: rates and percentages are never amounts, a
// closing balance never the opening balance, and an exact header beats a
// header that merely holds the words.
func TestBankHeaderMapping(t *testing.T) {
	for _, tc := range []struct {
		headers []string
		want    []string // key of each header, "" ignored
	}{
		{[]string{"Дата платежа", "Ставка субсидии, % годовых", "Субсидия, руб."}, []string{"date", "", "subsidy"}},
		{[]string{"Payment date", "Subsidy rate, % a year", "Subsidy payable, RUB"}, []string{"date", "", "subsidy"}},
		{[]string{"Дата платежа", "Процентная ставка, %", "Проценты"}, []string{"date", "", "interest"}},
		{[]string{"Payment date", "Closing balance, RUB", "Opening balance, RUB"}, []string{"date", "", "opening_balance"}},
		{[]string{"Payment date", "Closing balance, RUB"}, []string{"date", ""}},
		{[]string{"Начало периода", "Дата платежа", "Остаток на конец, RUB", "Остаток на начало, RUB"}, []string{"", "date", "", "opening_balance"}},
		{[]string{"Дата", "Субсидия по правилу, RUB", "Субсидия при выполнении условий, RUB", "Субсидия к выплате, RUB"}, []string{"date", "", "", "subsidy"}},
		{[]string{"Дата", "Проценты заёмщика", "Проценты"}, []string{"date", "borrower_interest", "interest"}},
		{[]string{"date", "Проценты к уплате заёмщиком", "Сумма субсидии", "Погашение основного долга", "Остаток ссудной задолженности"},
			[]string{"date", "borrower_interest", "subsidy", "principal", "opening_balance"}},
		{[]string{"date", "Contract rate, % a year", "Rates changed in the period", "Interest (interest)"}, []string{"date", "", "", "interest"}},
	} {
		t.Run(tc.headers[1], func(t *testing.T) {
			row := make([]string, len(tc.headers)) // column j holds j+1
			for i := range row {
				row[i] = fmt.Sprint(i + 1)
			}
			row[slices.Index(tc.want, "date")] = "2025-04-14"
			in := strings.Join(quoteAll(tc.headers), ";") + "\n" + strings.Join(row, ";") + "\n"
			bs, err := report.ReadBankSchedule([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, k := range report.BankColumnKeys {
				if slices.Contains(tc.want, k) {
					want = append(want, k)
				}
			}
			if !slices.Equal(bs.Columns, want) {
				t.Fatalf("columns %v, want %v", bs.Columns, want)
			}
			r := bs.Rows[0]
			for j, k := range tc.want {
				if k == "" || k == "date" {
					continue
				}
				v := map[string]*decimal.Decimal{"opening_balance": r.OpeningBalance, "principal": r.Principal, "interest": r.Interest,
					"subsidy": r.Subsidy, "borrower_interest": r.BorrowerInterest}[k]
				if v == nil || v.IntPart() != int64(j+1) {
					t.Fatalf("%s read from %v, want column %d", k, v, j+1)
				}
			}
			ignored := 0
			for _, k := range tc.want {
				if k == "" {
					ignored++
				}
			}
			if len(bs.Warnings) != ignored {
				t.Fatalf("%d warnings, want %d: %v", len(bs.Warnings), ignored, bs.Warnings)
			}
		})
	}
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = `"` + v + `"`
	}
	return out
}

// TestBankCSVSeparatorUnderTitle: a comma- or tab-separated file with
// title lines above its header is read with the header's separator.
func TestBankCSVSeparatorUnderTitle(t *testing.T) {
	for _, sep := range []string{",", "\t", ";"} {
		for _, title := range []string{"", "Банк «Тест»: график платежей\r\nКредитный договор № 1\r\n\r\n", "Bank; Schedule\n"} {
			in := title + strings.Join([]string{"№", "Дата платежа", "Остаток ссудной задолженности", "Проценты", "Сумма субсидии", "Платёж"}, sep) + "\r\n" +
				strings.Join([]string{"1", "14.04.2025", `"1 000 000 000,00"`, `"20 808 219,18"`, `"17 835 616,44"`, "x"}, sep) + "\r\n" +
				strings.Join([]string{"2", "14.05.2025", `"991 749 302,81"`, `"19 970 842,13"`, `"17 117 864,68"`, "x"}, sep) + "\r\n"
			bs, err := report.ReadBankSchedule([]byte(in))
			if err != nil {
				t.Fatalf("%q under %q: %v", sep, title, err)
			}
			if len(bs.Rows) != 2 || len(bs.Columns) != 4 || bs.Rows[1].Subsidy.String() != "17117864.68" {
				t.Fatalf("%q under %q: %v %+v", sep, title, bs.Columns, bs.Rows)
			}
		}
	}
}

// TestBankFormulaWithoutValue: a formula saved without its value is an
// error in a schedule column and a warning elsewhere, never a figure that
// silently vanishes.
func TestBankFormulaWithoutValue(t *testing.T) {
	const hdr = `<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>interest</t></is></c><c r="C1" t="inlineStr"><is><t>note</t></is></c></row>`
	row := func(r int, interest, note string) string {
		return fmt.Sprintf(`<row r="%d"><c r="A%d" t="inlineStr"><is><t>2025-0%d-14</t></is></c>%s%s</row>`, r, r, r+2, interest, note)
	}
	t.Run("ScheduleColumn", func(t *testing.T) {
		data := rawXLSX(t, "", hdr+row(2, `<c r="B2"><v>5</v></c>`, "")+row(3, `<c r="B3"><f>2+3</f></c>`, ""))
		_, err := report.ReadBankSchedule(data)
		var ce *report.BankCellError
		if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Field != "bank_schedule[1].interest" || ce.Problems[0].Line != 3 ||
			!strings.Contains(ce.Problems[0].En, "formula") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("Elsewhere", func(t *testing.T) {
		data := rawXLSX(t, "", hdr+row(2, `<c r="B2"><v>5</v></c>`, `<c r="C2"><f>1+1</f></c>`)+row(3, `<c r="B3"><f>2+3</f><v>5</v></c>`, ""))
		bs, err := report.ReadBankSchedule(data)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, w := range bs.Warnings {
			found = found || strings.Contains(w.En, "C2") && strings.Contains(w.En, "formula")
		}
		if !found || len(bs.Rows) != 2 || bs.Rows[1].Interest.String() != "5" {
			t.Fatalf("%+v %+v", bs.Warnings, bs.Rows)
		}
	})
	t.Run("Cached", func(t *testing.T) {
		f := excelize.NewFile()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"date", "interest"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"2025-04-14", 7})
		_ = f.SetCellFormula("Sheet1", "B2", "3+4")
		_ = f.SetCellValue("Sheet1", "B2", 7) // excelize writes the value with the formula
		var b bytes.Buffer
		_ = f.Write(&b)
		if _, err := report.ReadBankSchedule(b.Bytes()); err != nil {
			t.Fatal(err)
		}
	})
}
