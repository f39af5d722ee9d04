package report_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// writeFile writes b to a file in a fresh temp dir and returns its path.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readAll reads every loan of path.
func readAll(t testing.TB, path string, opt report.ReadOptions) (*report.LoanReader, []*report.Loan) {
	t.Helper()
	r, err := report.OpenLoans(path, opt)
	if err != nil {
		t.Fatalf("OpenLoans: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	var loans []*report.Loan
	for {
		l, err := r.Next()
		if err == io.EOF {
			return r, loans
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		loans = append(loans, l)
	}
}

// problemsOf returns "column: en" of each problem of l.
func problemsOf(l *report.Loan) []string {
	var s []string
	for _, p := range l.Problems {
		s = append(s, p.Column+": "+p.En)
	}
	return s
}

func hasProblem(l *report.Loan, column, substr string) bool {
	for _, p := range l.Problems {
		if p.Column == column && strings.Contains(p.En, substr) && p.Ru != "" {
			return true
		}
	}
	return false
}

const csvHeaderRu = "Номер кредита (id);Проект (project);Участники (participants);Сумма кредита (amount);Валюта (currency);Ставка (rate);Дата выдачи (issue_date);Срок (term_months);Программа (programme)\n"

func TestReadLoansCSV(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		check func(t *testing.T, r *report.LoanReader, loans []*report.Loan)
	}{{
		name: "Windows1251Semicolons",
		data: func() []byte {
			s := csvHeaderRu +
				"K-1;Станки «Восток»;BY:40;RU:35;KZ:25;1 000 000 000,50;RUB;24,5;14.03.2025;60;eaeu-industrial\n"
			s = strings.Replace(s, "BY:40;RU:35;KZ:25", `"BY:40;RU:35;KZ:25"`, 1)
			b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
			if err != nil {
				panic(err)
			}
			return b
		}(),
		check: func(t *testing.T, r *report.LoanReader, loans []*report.Loan) {
			if r.Encoding != "windows-1251" || r.Separator != ";" {
				t.Errorf("encoding %s separator %q", r.Encoding, r.Separator)
			}
			l := loans[0]
			if l.Request == nil {
				t.Fatalf("rejected: %v", problemsOf(l))
			}
			q := l.Request
			if l.Project != "Станки «Восток»" || q.Loan.Amount.String() != "1000000000.5" || q.Loan.Rate.String() != "24.5" ||
				q.Loan.IssueDate != calc.MustDate("2025-03-14") || q.Loan.TermMonths != 60 || len(q.Project.Participants) != 3 ||
				q.Project.Participants[2].Country != "KZ" || q.Subsidy.Programme != "eaeu-industrial" {
				t.Errorf("decoded %+v %+v", l, q.Loan)
			}
		},
	}, {
		// A cell the reader cannot read and a cell the engine refuses, in
		// one row: both are reported (the page and the Errors sheet list
		// every bad cell of a row, not the first).
		name: "EveryBadCellOfARow",
		data: []byte("id,amount,currency,rate,issue_date,term_months,programme\n" +
			"A,lots,RUB,250,2025-03-14,60,eaeu-industrial\n"),
		check: func(t *testing.T, r *report.LoanReader, loans []*report.Loan) {
			l := loans[0]
			if l.Request != nil {
				t.Fatal("row accepted")
			}
			cols := map[string]bool{}
			for _, p := range l.Problems {
				cols[p.Column] = true
			}
			if !cols["amount"] || !cols["rate"] || len(l.Problems) != 2 {
				t.Errorf("problems %v, want amount and rate", problemsOf(l))
			}
		},
	}, {
		name: "UTF8BOMCommasSerialDate",
		data: []byte("\uFEFFid,amount,currency,rate,issue_date,term_months,programme,frequency,cap_fx,extra\r\n" +
			"A,\"1,000,000.00\",KZT,19.5,45730,24,eaeu-industrial,quarterly,\"0,18\",x\r\n" +
			",,,,,,,,,\r\n" +
			"B,500000,RUB,20,2025-03-14T00:00:00,12,custom,Ежемесячно,,\r\n"),
		check: func(t *testing.T, r *report.LoanReader, loans []*report.Loan) {
			if r.Encoding != "utf-8" || r.Separator != "," {
				t.Errorf("encoding %s separator %q", r.Encoding, r.Separator)
			}
			if len(loans) != 2 || r.EmptyRows() != 1 {
				t.Fatalf("%d loans, %d empty rows", len(loans), r.EmptyRows())
			}
			a, b := loans[0], loans[1]
			if a.Request == nil || b.Request == nil {
				t.Fatalf("rejected: %v %v", problemsOf(a), problemsOf(b))
			}
			if a.Row != 2 || b.Row != 4 {
				t.Errorf("rows %d %d, want 2 4", a.Row, b.Row)
			}
			if a.Request.Loan.IssueDate != calc.MustDate("2025-03-14") || a.Request.Loan.Frequency != "quarterly" ||
				a.Request.Subsidy.FX[0].Rate.String() != "0.18" || a.Request.Loan.Amount.String() != "1000000" {
				t.Errorf("row A: %+v", a.Request)
			}
			if b.Request.Loan.Frequency != "monthly" {
				t.Errorf("label Ежемесячно read as %q", b.Request.Loan.Frequency)
			}
			if len(r.Warnings()) != 1 || !strings.Contains(r.Warnings()[0].En, "extra") {
				t.Errorf("warnings %+v", r.Warnings())
			}
		},
	}, {
		name: "BadCellsDuplicateIDs",
		data: []byte("id;amount;currency;rate;issue_date;term_months;programme;participants;grace_months;repayment\n" +
			"1;abc;RUB;20;14.03.2025;60;eaeu-industrial;RU:100;;\n" +
			"2;100;RUB;20;31.02.2025;60,5;eaeu-industrial;RU;;\n" +
			"1;100;RUB;20%;14.03.2025;60;eaeu-industrial;RU:100;1,5;weekly\n" +
			";100;RUB;20;14.03.2025;60;;RU:100;;\n"),
		check: func(t *testing.T, r *report.LoanReader, loans []*report.Loan) {
			if len(loans) != 4 {
				t.Fatalf("%d loans, want 4", len(loans))
			}
			want := []struct{ col, msg string }{
				{"amount", "not a number"},
				{"issue_date", "not a date"}, {"term_months", "whole number"}, {"participants", "COUNTRY:SHARE"},
				{"id", "same id as row 2"}, {"grace_months", "whole number"}, {"repayment", "allowed"},
				{"id", "empty"}, {"programme", "empty"},
			}
			rows := []int{0, 1, 1, 1, 2, 2, 2, 3, 3}
			for i, w := range want {
				if !hasProblem(loans[rows[i]], w.col, w.msg) {
					t.Errorf("row %d: no %s problem %q in %v", loans[rows[i]].Row, w.col, w.msg, problemsOf(loans[rows[i]]))
				}
			}
			if loans[2].Request != nil || loans[2].Problems[0].Column != "id" {
				t.Errorf("a duplicate id must be rejected: %v", problemsOf(loans[2]))
			}
			if r := loans[2]; hasProblem(r, "rate", "") {
				t.Errorf("20%% is a valid rate in CSV: %v", problemsOf(r))
			}
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, loans := readAll(t, writeFile(t, "in.csv", tc.data), report.ReadOptions{})
			tc.check(t, r, loans)
		})
	}
}

// workbook builds an xlsx file with excelize: rows of cells on "Loans",
// then edit for anything else (styles, merges, formulas, sheets).
func workbook(t testing.TB, rows [][]any, edit func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Loans"); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Loans", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	p := filepath.Join(t.TempDir(), "in.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadLoansXLSX(t *testing.T) {
	header := []any{"Сумма кредита (amount)", "Валюта (currency)", "id", "Ставка (rate)", "issue_date", "term_months", "programme", "Примечание"}
	dateCell := func(f *excelize.File, cell string) {
		st, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		_ = f.SetCellValue("Loans", cell, time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC))
		_ = f.SetCellStyle("Loans", cell, cell, st)
	}
	rows := [][]any{
		header,
		{1000000.5, "RUB", "ok-1", 24.5, "14.03.2025", 60, "eaeu-industrial", "note"},          // 2: fine
		{"много", "RUB", "bad-amount", 24.5, "2025-03-14", 60, "eaeu-industrial"},              // 3: text in a number cell
		{nil, nil, nil, nil, nil, nil, nil},                                                    // 4: empty
		{500000, "RUB", "date-cell", 20, nil, 36, "ru-industrial-0.7"},                         // 5: date cell set below
		{500000, "RUB", "pct", 0.245, "2025-03-14", 36, "eaeu-industrial"},                     // 6: percent-formatted rate
		{500000, "RUB", "merged-top", 20, "2025-03-14", 36, "eaeu-industrial"},                 // 7: id merged with row 8
		{nil, "RUB", nil, 20, "2025-03-14", 36, "eaeu-industrial"},                             // 8: under the merge
		{500000, "RUB", "formula", nil, "2025-03-14", 36, "eaeu-industrial"},                   // 9: rate is a formula without a cached value
		{0.1 + 0.2, "RUB", "float", 19.999999999999996, "2025-03-14", 36.0, "eaeu-industrial"}, // 10: float noise
	}
	path := workbook(t, rows, func(f *excelize.File) {
		dateCell(f, "E5")
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		_ = f.SetCellStyle("Loans", "D6", "D6", pct)
		_ = f.MergeCell("Loans", "A7", "A8")
		_ = f.MergeCell("Loans", "C7", "C8")
		_ = f.SetCellFormula("Loans", "D9", "=20+1")
		_ = f.SetCellFloat("Loans", "D10", 19.999999999999996, 17, 64)
		_, _ = f.NewSheet("Second")
		_ = f.SetSheetRow("Second", "A1", &[]any{"id", "amount"})
		_ = f.SetSheetRow("Second", "A2", &[]any{"x", 1})
		_, _ = f.NewSheet("Instructions")
		_ = f.SetCellValue("Instructions", "A5", "text")
	})
	r, loans := readAll(t, path, report.ReadOptions{})
	if r.Format != "xlsx" || r.Sheet != "Loans" {
		t.Errorf("format %s sheet %s", r.Format, r.Sheet)
	}
	byID := map[string]*report.Loan{}
	for _, l := range loans {
		byID[l.ID] = l
	}
	if len(loans) != 8 || r.EmptyRows() != 1 {
		t.Fatalf("%d loans and %d empty rows, want 8 and 1", len(loans), r.EmptyRows())
	}
	ok := func(id string) *calc.Request {
		t.Helper()
		l := byID[id]
		if l == nil || l.Request == nil {
			t.Fatalf("%s rejected: %v", id, problemsOf(l))
		}
		return l.Request
	}
	if q := ok("ok-1"); q.Loan.Amount.String() != "1000000.5" || q.Loan.IssueDate != calc.MustDate("2025-03-14") {
		t.Errorf("ok-1: %+v", q.Loan)
	}
	if q := ok("date-cell"); q.Loan.IssueDate != calc.MustDate("2025-03-14") {
		t.Errorf("date cell read as %s", q.Loan.IssueDate)
	}
	if q := ok("float"); q.Loan.Amount.String() != "0.3" || q.Loan.Rate.String() != "20" || q.Loan.TermMonths != 36 {
		t.Errorf("float noise: amount %s rate %s", q.Loan.Amount, q.Loan.Rate)
	}
	checks := []struct{ id, col, msg string }{
		{"bad-amount", "amount", "not a number"},
		{"pct", "rate", "percent-formatted"},
		{"formula", "rate", "empty"},
	}
	for _, c := range checks {
		if l := byID[c.id]; l == nil || !hasProblem(l, c.col, c.msg) {
			t.Errorf("%s: want a %s problem %q, got %v", c.id, c.col, c.msg, problemsOf(l))
		}
	}
	// The row under the merged cells has no id and no amount: rejected,
	// with its row number.
	var under *report.Loan
	for _, l := range loans {
		if l.Row == 8 {
			under = l
		}
	}
	if under == nil || !hasProblem(under, "id", "empty") || !hasProblem(under, "amount", "empty") {
		t.Errorf("row under the merge: %+v", under)
	}
	var warned bool
	for _, w := range r.Warnings() {
		if strings.Contains(w.En, `"Second"`) {
			warned = true
		}
		if strings.Contains(w.En, "Instructions") {
			t.Errorf("the instructions sheet must not be warned about: %s", w.En)
		}
	}
	if !warned || len(r.Warnings()) != 2 {
		t.Errorf("warnings %+v: want the unknown column and the second sheet", r.Warnings())
	}
}

func TestOpenLoansRefuses(t *testing.T) {
	pngHeader := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
	cases := []struct {
		name string
		path func(t *testing.T) string
		opt  report.ReadOptions
		want string
	}{
		{"Empty", func(t *testing.T) string { return writeFile(t, "e.csv", nil) }, report.ReadOptions{}, "empty"},
		{"PNG", func(t *testing.T) string { return writeFile(t, "x.xlsx", pngHeader) }, report.ReadOptions{}, "not a spreadsheet"},
		{"PDF", func(t *testing.T) string {
			return writeFile(t, "x.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01"))
		}, report.ReadOptions{}, "not a spreadsheet"},
		{"XLS", func(t *testing.T) string {
			return writeFile(t, "x.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...))
		}, report.ReadOptions{}, ".xls"},
		{"UTF16", func(t *testing.T) string { return writeFile(t, "x.csv", []byte{0xFF, 0xFE, 'i', 0, 'd', 0}) }, report.ReadOptions{}, "UTF-16"},
		{"BrokenZip", func(t *testing.T) string {
			return writeFile(t, "x.xlsx", []byte("PK\x03\x04garbage that is no zip at all"))
		}, report.ReadOptions{}, "not a readable .xlsx"},
		{"PlainText", func(t *testing.T) string {
			return writeFile(t, "x.txt", []byte("Dear budget officer,\nplease find attached.\n"))
		}, report.ReadOptions{}, "required columns are missing"},
		{"MissingColumn", func(t *testing.T) string {
			return writeFile(t, "x.csv", []byte("id;amount;currency;rate;issue_date;programme\n1;2;RUB;3;2025-01-01;custom\n"))
		}, report.ReadOptions{}, "term_months"},
		{"DuplicateColumn", func(t *testing.T) string {
			return writeFile(t, "x.csv", []byte("id;amount;Сумма (amount);currency;rate;issue_date;term_months;programme\n"))
		}, report.ReadOptions{}, "appears twice"},
		{"TooLarge", func(t *testing.T) string {
			return writeFile(t, "x.csv", bytes.Repeat([]byte("id;amount\n"), 200))
		}, report.ReadOptions{MaxBytes: 1000}, "more than the 1000 allowed"},
		{"ZipBomb1GiB", func(t *testing.T) string { return zipBomb(t, 1<<30, false) }, report.ReadOptions{}, "unpacks to 1024 MiB, more than"},
		{"ZipBombLyingSize", func(t *testing.T) string { return zipBomb(t, 64<<20, true) }, report.ReadOptions{}, "more than the 1000 bytes it declares"},
		{"NoSheets", func(t *testing.T) string {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("hello.txt")
			w.Write([]byte("hi"))
			zw.Close()
			return writeFile(t, "x.xlsx", b.Bytes())
		}, report.ReadOptions{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r, err := report.OpenLoans(tc.path(t), tc.opt)
			if err == nil {
				// A file may open and still hold nothing: it must then end
				// without rows, never with made-up ones.
				defer r.Close()
				l, err := r.Next()
				if err == nil {
					t.Fatalf("read a loan from a bad file: %+v", l)
				}
				if err != io.EOF {
					var ie *report.InputError
					if !errors.As(err, &ie) {
						t.Fatalf("Next: %T %v, want an InputError", err, err)
					}
				}
				return
			}
			var ie *report.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T %v, want *report.InputError", err, err)
			}
			if !strings.Contains(ie.En, tc.want) || ie.Ru == "" {
				t.Errorf("error %q, want it to say %q", ie.En, tc.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("refusing took %v", d)
			}
		})
	}
}

// zipBomb writes a workbook whose sheet inflates to size bytes (spaces)
// while the file stays near size/1000 bytes: one deflate block of
// repeated bytes, copied. With lie the zip declares 1,000 bytes instead.
func zipBomb(t testing.TB, size int64, lie bool) string {
	t.Helper()
	const chunk = 1 << 20
	zeros := bytes.Repeat([]byte{' '}, chunk)
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(zeros)
	fw.Flush()
	a := buf.Len()
	fw.Write(zeros)
	fw.Flush()
	b := buf.Len()
	fw.Write(zeros)
	fw.Flush()
	c := buf.Len()
	fw.Close()
	all := buf.Bytes()
	block := all[a:b]
	if !bytes.Equal(block, all[b:c]) {
		t.Fatal("deflate blocks differ; cannot build the bomb")
	}
	n := int(size/chunk) - 1
	var stream bytes.Buffer
	stream.Write(all[:a])
	for range n {
		stream.Write(block)
	}
	stream.Write(all[c:])
	crc := uint32(0)
	for range n + 1 {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	total := uint64(n+1) * chunk

	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	small := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Loans" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(small[name]))
	}
	declared := total
	if lie {
		declared = 1000
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(stream.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(stream.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if out.Len() > int(size/500) {
		t.Fatalf("bomb is %d bytes on disk", out.Len())
	}
	return writeFile(t, "bomb.xlsx", out.Bytes())
}

// TestTooManyRows: a CSV file over the row limit is refused when it is
// opened (its lines are counted first), naming the count.
func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,amount,currency,rate,issue_date,term_months,programme\n")
	for i := range 12 {
		b.WriteString(strings.Repeat("x", i+1) + ",1000,RUB,20,2025-01-01,12,custom\n\n")
	}
	_, err := report.OpenLoans(writeFile(t, "x.csv", []byte(b.String())), report.ReadOptions{MaxRows: 10})
	var ie *report.InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.En, "12 loans, more than the 10 allowed") {
		t.Fatalf("over the limit: %v", err)
	}
	r, err := report.OpenLoans(writeFile(t, "x.csv", []byte(b.String())), report.ReadOptions{MaxRows: 12})
	if err != nil {
		t.Fatalf("at the limit (blank lines do not count): %v", err)
	}
	r.Close()
}

// TestTemplateReadsBack: the template's example row, in xlsx and CSV and
// both languages, reads back as a valid request that calc computes.
func TestTemplateReadsBack(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		for _, format := range []string{"xlsx", "csv"} {
			t.Run(lang+"-"+format, func(t *testing.T) {
				var buf bytes.Buffer
				var err error
				if format == "xlsx" {
					err = report.WriteTemplate(&buf, lang)
				} else {
					err = report.WriteTemplateCSV(&buf, lang)
				}
				if err != nil {
					t.Fatal(err)
				}
				_, loans := readAll(t, writeFile(t, "template."+format, buf.Bytes()), report.ReadOptions{})
				if len(loans) != 1 {
					t.Fatalf("%d rows, want the example row", len(loans))
				}
				l := loans[0]
				if l.Request == nil {
					t.Fatalf("example row rejected: %v", problemsOf(l))
				}
				if l.ID != "KD-2025-001" || l.ApplicationDate == nil || *l.ApplicationDate != calc.MustDate("2025-02-20") {
					t.Errorf("example row: %+v", l)
				}
				res, err := calc.Calculate(l.Request, calc.Options{})
				if err != nil {
					t.Fatalf("example row does not compute: %v", err)
				}
				if res.Totals.SubsidyPaid <= 0 {
					t.Errorf("example row earns no subsidy")
				}
			})
		}
	}
}

// TestTemplateWorkbook checks the template's drop-down lists, frozen header
// and the instructions sheet.
func TestTemplateWorkbook(t *testing.T) {
	var buf bytes.Buffer
	if err := report.WriteTemplate(&buf, "en"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Loans|Instructions" {
		t.Fatalf("sheets %s", got)
	}
	rows, _ := f.GetRows("Loans")
	if len(rows) != 2 || rows[0][4] != "Loan amount / Сумма кредита (amount)" {
		t.Fatalf("header %q", rows[0])
	}
	dvs, err := f.GetDataValidations("Loans")
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists[dv.Sqref[:1]] = dv.Formula1
		}
	}
	for col, want := range map[string]string{"D": "eaeu-industrial", "F": "KZT", "J": "equal_principal", "K": "quarterly", "M": "30/360"} {
		if !strings.Contains(lists[col], want) {
			t.Errorf("column %s drop-down %q lacks %s", col, lists[col], want)
		}
	}
	instr, _ := f.GetRows("Instructions")
	if len(instr) < len(report.Columns())+5 {
		t.Errorf("instructions have %d rows", len(instr))
	}
}

// A cell longer than any loan needs is refused and not kept: many rows
// pointing at one long text must not fill the report.
func TestLongCellRefused(t *testing.T) {
	long := strings.Repeat("x", 5000)
	csv := "id;programme;amount;currency;rate;issue_date;term_months\n" +
		long + ";eaeu-industrial;1000000;RUB;20;2025-01-10;24\n" +
		"L2;eaeu-industrial;1000000;RUB;20;2025-01-10;" + long + "\n"
	r, err := report.OpenLoans(writeFile(t, "loans.csv", []byte(csv)), report.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for row := 0; ; row++ {
		l, err := r.Next()
		if err != nil {
			if row != 2 {
				t.Fatalf("after %d rows: %v", row, err)
			}
			break
		}
		found := false
		for _, p := range l.Problems {
			if strings.Contains(p.En, "too long") {
				found = true
			}
			if len(p.Value) > 200 {
				t.Errorf("row %d keeps a %d-byte value", l.Row, len(p.Value))
			}
		}
		if !found || len(l.ID) > 200 {
			t.Errorf("row %d: problems %+v, id of %d bytes", l.Row, l.Problems, len(l.ID))
		}
	}
}
