package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// A ledger file (SPEC §7, the page /claims) has a header row naming its
// columns by key (type, date, amount, rate, from, to), in any order, as
// the key itself, a Russian or English header, or "Header (key)" as the
// template writes it; other columns are ignored. Each further row is one
// ledger entry: type is drawdown, repayment, rate_change or overdue (or
// выдача, погашение, ставка, просрочка); dates and numbers as the batch
// reader takes them (2025-03-14, 14.03.2025 or a date cell; 1 000 000,50).
var ledgerKeys = []struct {
	key  string
	head calc.Text
	alt  []string
}{
	{"type", calc.Text{Ru: "Тип", En: "Type"}, []string{"тип", "вид", "операция"}},
	{"date", calc.Text{Ru: "Дата", En: "Date"}, []string{"дата"}},
	{"amount", calc.Text{Ru: "Сумма", En: "Amount"}, []string{"сумма"}},
	{"rate", calc.Text{Ru: "Ставка, %", En: "Rate, %"}, []string{"ставка", "ставка, %"}},
	{"from", calc.Text{Ru: "Просрочка с", En: "Overdue from"}, []string{"с", "просрочка с"}},
	{"to", calc.Text{Ru: "Просрочка по (не включая)", En: "Overdue to (exclusive)"}, []string{"по", "просрочка по", "просрочка по (не включая)"}},
}

var ledgerTypeWords = map[string]string{
	"drawdown": calc.LedgerDrawdown, "выдача": calc.LedgerDrawdown,
	"repayment": calc.LedgerRepayment, "погашение": calc.LedgerRepayment,
	"rate_change": calc.LedgerRateChange, "ставка": calc.LedgerRateChange, "изменение ставки": calc.LedgerRateChange,
	"overdue": calc.LedgerOverdue, "просрочка": calc.LedgerOverdue,
}

// Bounds of a ledger file.
const (
	maxLedgerFile     = 4 << 20
	maxLedgerProblems = 50
)

// ReadLedger reads a ledger file, xlsx or CSV (comma or semicolon; UTF-8),
// from b. A problem is an *calc.Error of kind calc.Invalid whose fields
// name the place as "row 3, column amount" (rows as a spreadsheet shows
// them, the header being row 1); up to 50 problems are listed. Values are
// checked only for form here; calc.Claim checks the ledger's rules.
func ReadLedger(b []byte) ([]calc.LedgerEntry, error) {
	fail := func(place string, t calc.Text) error {
		return &calc.Error{Kind: calc.Invalid, Detail: "invalid ledger file", Fields: []calc.FieldError{{Field: place, Text: t}}}
	}
	if len(b) > maxLedgerFile {
		return nil, fail("ledger_file", calc.Text{Ru: fmt.Sprintf("файл больше %d МиБ", maxLedgerFile>>20), En: fmt.Sprintf("the file is larger than %d MiB", maxLedgerFile>>20)})
	}
	var rows [][]string
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20, RawCellValue: true})
		if err != nil {
			return nil, fail("ledger_file", calc.Text{Ru: "не удалось прочитать книгу xlsx", En: "not a readable xlsx workbook"})
		}
		defer f.Close()
		rs, err := f.Rows(f.GetSheetName(0))
		if err != nil {
			return nil, fail("ledger_file", calc.Text{Ru: "не удалось прочитать книгу xlsx", En: "not a readable xlsx workbook"})
		}
		defer rs.Close()
		for rs.Next() {
			cols, err := rs.Columns()
			if err != nil {
				return nil, fail("ledger_file", calc.Text{Ru: "не удалось прочитать книгу xlsx", En: "not a readable xlsx workbook"})
			}
			rows = append(rows, cols)
			if len(rows) > calc.MaxRegisterLoans {
				break
			}
		}
	} else {
		b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		if bytes.IndexByte(b, 0) >= 0 {
			return nil, fail("ledger_file", calc.Text{Ru: "не книга xlsx и не текстовый файл CSV", En: "neither an xlsx workbook nor a CSV text file"})
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
			r.Comma = ';'
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fail("ledger_file", calc.Text{Ru: "не удалось прочитать CSV: " + err.Error(), En: "not a readable CSV file: " + err.Error()})
			}
			rows = append(rows, rec)
		}
	}
	if len(rows) == 0 {
		return nil, fail("ledger_file", calc.Text{Ru: "файл пуст: нужна строка заголовка", En: "the file is empty: a header row is required"})
	}
	cols := map[string]int{}
	for i, h := range rows[0] {
		if k := ledgerKey(h); k != "" {
			if _, dup := cols[k]; !dup {
				cols[k] = i
			}
		}
	}
	if _, ok := cols["type"]; !ok {
		return nil, fail("row 1", calc.Text{Ru: "нет столбца type: строка заголовка называет столбцы type, date, amount, rate, from, to", En: "no column type: the header row names the columns type, date, amount, rate, from, to"})
	}
	var p problems
	var out []calc.LedgerEntry
	for ri, rec := range rows[1:] {
		rowNo := ri + 2
		cell := func(k string) string {
			if i, ok := cols[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		empty := true
		for _, k := range ledgerKeys {
			if cell(k.key) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		bad := func(k string, t calc.Text) {
			if len(p.list) < maxLedgerProblems {
				p.list = append(p.list, calc.FieldError{Field: "row " + strconv.Itoa(rowNo) + ", column " + k, Text: t})
			}
		}
		var e calc.LedgerEntry
		t, ok := ledgerTypeWords[strings.ToLower(cell("type"))]
		if !ok {
			bad("type", calc.Text{Ru: "неизвестный тип: drawdown (выдача), repayment (погашение), rate_change (ставка) или overdue (просрочка)", En: "unknown type: drawdown, repayment, rate_change or overdue"})
			continue
		}
		e.Type = t
		date := func(k string, dst *calc.Date) {
			if s := cell(k); s != "" {
				d, err := parseDate(s, false)
				if err != nil {
					var ce *cellError
					if errors.As(err, &ce) {
						bad(k, ce.Text)
					}
					return
				}
				*dst = d
			}
		}
		num := func(k string) *decimal.Decimal {
			s := cell(k)
			if s == "" {
				return nil
			}
			d, err := parseNumber(s)
			if err != nil {
				var ce *cellError
				if errors.As(err, &ce) {
					bad(k, ce.Text)
				}
				return nil
			}
			return &d
		}
		date("date", &e.Date)
		date("from", &e.From)
		date("to", &e.To)
		if a := num("amount"); a != nil {
			e.Amount = *a
		}
		e.Rate = num("rate")
		out = append(out, e)
	}
	if len(p.list) > 0 {
		err := p.err()
		err.Detail = "invalid ledger file"
		return nil, err
	}
	return out, nil
}

// problems collects field errors of a file.
type problems struct{ list []calc.FieldError }

func (p *problems) err() *calc.Error {
	return &calc.Error{Kind: calc.Invalid, Fields: p.list}
}

// ledgerKey recognises a header cell.
func ledgerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
	if i := strings.LastIndexByte(h, '('); i >= 0 && strings.HasSuffix(h, ")") {
		h = strings.TrimSpace(h[i+1 : len(h)-1])
	}
	for _, k := range ledgerKeys {
		if h == k.key || h == strings.ToLower(k.head.En) {
			return k.key
		}
		for _, a := range k.alt {
			if h == a {
				return k.key
			}
		}
	}
	return ""
}

// ledgerExample are the template's example rows.
var ledgerExample = [][]string{
	{"drawdown", "2025-03-14", "1000000000.00", "", "", ""},
	{"repayment", "2025-06-14", "50000000.00", "", "", ""},
	{"overdue", "", "15000000.00", "", "2025-07-14", "2025-07-20"},
	{"rate_change", "2025-09-01", "", "23", "", ""},
}

// WriteLedgerTemplate writes the ledger template: a workbook (csv false)
// with one sheet of keyed columns, a drop-down list of types, date and
// number formats and the example rows, and a sheet of instructions; or
// (csv true) a CSV file with the keys as header and the example rows.
func WriteLedgerTemplate(w io.Writer, lang string, asCSV bool) error {
	lang = Lang(lang)
	if asCSV {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		head := make([]string, len(ledgerKeys))
		for i, k := range ledgerKeys {
			head[i] = k.key
		}
		if err := cw.Write(head); err != nil {
			return err
		}
		if err := cw.WriteAll(ledgerExample); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	sheet := calc.Text{Ru: "Операции", En: "Ledger"}.In(lang)
	instr := calc.Text{Ru: "Инструкция", En: "Instructions"}.In(lang)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(instr); err != nil {
		return err
	}
	for i, k := range ledgerKeys {
		c := col(i + 1)
		if err := f.SetCellValue(sheet, c+"1", k.head.In(lang)+" ("+k.key+")"); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, c, c, 22); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", col(len(ledgerKeys))+"1", st.header); err != nil {
		return err
	}
	for r, ex := range ledgerExample {
		n := strconv.Itoa(r + 2)
		for i, v := range ex {
			c := col(i+1) + n
			if v == "" {
				continue
			}
			switch ledgerKeys[i].key {
			case "date", "from", "to":
				d := calc.MustDate(v)
				if err := f.SetCellValue(sheet, c, serial(d)); err != nil {
					return err
				}
				if err := f.SetCellStyle(sheet, c, c, st.date); err != nil {
					return err
				}
			case "amount", "rate":
				v, _ := decimal.NewFromString(v)
				if err := f.SetCellValue(sheet, c, number(v)); err != nil {
					return err
				}
			default:
				if err := f.SetCellValue(sheet, c, v); err != nil {
					return err
				}
			}
		}
	}
	dv := excelize.NewDataValidation(true)
	dv.Sqref = "A2:A10000"
	if err := dv.SetDropList([]string{"drawdown", "repayment", "rate_change", "overdue"}); err != nil {
		return err
	}
	if err := f.AddDataValidation(sheet, dv); err != nil {
		return err
	}
	lines := []calc.Text{
		{Ru: "Одна строка — одна операция по кредиту, по порядку дат.", En: "One row per fact about the loan, in date order."},
		{Ru: "type: drawdown (выдача), repayment (погашение, плановое или досрочное), rate_change (новая ставка по договору), overdue (просроченный основной долг).", En: "type: drawdown, repayment (scheduled or early), rate_change (the new contract rate), overdue (overdue principal)."},
		{Ru: "drawdown, repayment: date и amount. rate_change: date и rate (% годовых). overdue: from, to (первый день после просрочки) и amount.", En: "drawdown, repayment: date and amount. rate_change: date and rate (% a year). overdue: from, to (the first day no longer overdue) and amount."},
		{Ru: "Даты: 14.03.2025, 2025-03-14 или ячейка даты. Суммы: 1 000 000,50 или 1000000.50.", En: "Dates: 2025-03-14, 14.03.2025 or a date cell. Amounts: 1,000,000.50 or 1000000.50."},
		{Ru: "Остатки долга считаются только по этим операциям, а не по графику.", En: "Balances come from these rows alone, never from the schedule."},
	}
	for i, l := range lines {
		if err := f.SetCellValue(instr, "A"+strconv.Itoa(i+1), l.In(lang)); err != nil {
			return err
		}
	}
	return writeWorkbook(f, w, 6)
}
