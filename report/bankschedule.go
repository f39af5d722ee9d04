package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// MaxBankFileBytes is the largest bank schedule file read: a schedule of
// 600 rows is some tens of kilobytes.
const MaxBankFileBytes = 8 << 20

// BankSchedule is a bank's schedule read from a file (SPEC §8).
type BankSchedule struct {
	// Format is "xlsx" or "csv".
	Format string
	// Rows are the data rows in file order.
	Rows []calc.BankRow
	// Lines are the rows' numbers as a spreadsheet program shows them.
	Lines []int
	// Columns are the keys of the columns found (date first).
	Columns  []string
	Warnings []Warning
}

// BankCellError lists the cells of a bank's file that could not be read;
// each Field is the JSON path of the value it would give
// ("bank_schedule[3].interest", 0-based data rows, as in the JSON form).
type BankCellError struct {
	Problems []BankProblem
}

// BankProblem is one unreadable cell.
type BankProblem struct {
	Field string
	Line  int // the row number in the file
	Value string
	En    string
	Ru    string
}

func (e *BankCellError) Error() string {
	if len(e.Problems) == 0 {
		return "bank schedule: unreadable cells"
	}
	p := e.Problems[0]
	return fmt.Sprintf("%s (row %d %q): %s", p.Field, p.Line, p.Value, p.En)
}

// Message returns the problem in lang, naming the file's row.
func (p BankProblem) Message(lang string) string {
	if Lang(lang) == "en" {
		return fmt.Sprintf("row %d of the file, %q: %s", p.Line, cut(p.Value, 40), p.En)
	}
	return fmt.Sprintf("строка %d файла, «%s»: %s", p.Line, cut(p.Value, 40), p.Ru)
}

// bankColumns are the keys of a bank's schedule, with the words that
// recognise a Russian or English header, tried in this order (the
// borrower's interest before interest, the subsidy before both).
var bankColumns = []struct {
	key   string
	words [][]string // any of these groups, all words of a group
	label calc.Text
}{
	{"borrower_interest", [][]string{{"заемщик", "процент"}, {"заёмщик", "процент"}, {"borrower", "interest"}}, calc.Text{Ru: "Проценты заёмщика", En: "Borrower interest"}},
	{"subsidy", [][]string{{"субсид"}, {"subsid"}, {"возмещ"}}, calc.Text{Ru: "Субсидия", En: "Subsidy"}},
	{"opening_balance", [][]string{{"остаток"}, {"balance"}, {"outstanding"}, {"задолженност"}}, calc.Text{Ru: "Остаток долга на начало периода", En: "Opening balance"}},
	{"principal", [][]string{{"основн"}, {"principal"}, {"погашение", "долг"}}, calc.Text{Ru: "Основной долг", En: "Principal"}},
	{"interest", [][]string{{"процент"}, {"interest"}}, calc.Text{Ru: "Проценты", En: "Interest"}},
	{"date", [][]string{{"дата"}, {"date"}, {"срок", "платеж"}}, calc.Text{Ru: "Дата платежа", En: "Payment date"}},
}

// BankColumnKeys are the column keys of a bank's schedule file.
var BankColumnKeys = []string{"date", "opening_balance", "principal", "interest", "subsidy", "borrower_interest"}

// bankHeaderKey maps a header cell to a column key: the key itself, a
// label with the key in parentheses, or a Russian or English header that
// holds the column's words.
func bankHeaderKey(h string) (string, bool) {
	low := strings.ToLower(strings.Join(strings.Fields(h), " "))
	low = strings.ReplaceAll(low, "ё", "е")
	for _, k := range BankColumnKeys {
		if low == k || strings.HasSuffix(low, "("+k+")") {
			return k, true
		}
	}
	for _, c := range bankColumns {
		for _, g := range c.words {
			all := true
			for _, w := range g {
				if !strings.Contains(low, strings.ReplaceAll(w, "ё", "е")) {
					all = false
					break
				}
			}
			if all {
				return c.key, true
			}
		}
	}
	return "", false
}

// ReadBankSchedule reads a bank's schedule from an xlsx workbook or a CSV
// file (told apart by content). The header row is the first of the first
// 30 rows that names a date column; its other columns are optional.
// Numbers and dates are read as in batch files (a decimal comma, spaces
// between thousands; ISO, dd.mm.yyyy or a date cell). Rows without a date
// (a totals row) are skipped with a warning. A file that cannot be read
// as a whole gives an *[InputError]; unreadable cells a *[BankCellError].
func ReadBankSchedule(data []byte) (*BankSchedule, error) {
	switch {
	case len(data) == 0:
		return nil, inputErr(calc.Text{Ru: "файл пуст", En: "the file is empty"})
	case len(data) > MaxBankFileBytes:
		return nil, inputErr(calc.Text{Ru: "файл занимает %d байт, больше допустимых %d", En: "the file is %d bytes, more than the %d allowed"}, len(data), MaxBankFileBytes)
	}
	var (
		rows     [][]string
		date1904 bool
		format   string
		err      error
	)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		format = "xlsx"
		rows, date1904, err = bankXLSXRows(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		err = inputErr(calc.Text{Ru: "книги Excel 97-2003 (.xls) и книги с паролем не читаются: сохраните файл как .xlsx без пароля или как CSV", En: "Excel 97-2003 (.xls) and password-protected workbooks are not read: save the file as .xlsx without a password, or as CSV"})
	case looksLikeText(data[:min(len(data), sniffSize)]):
		format = "csv"
		rows, err = bankCSVRows(data)
	default:
		err = notSpreadsheet()
	}
	if err != nil {
		return nil, err
	}
	return decodeBankRows(rows, format, date1904)
}

// bankXLSXRows reads the first sheet with data, with the batch reader's
// size limits (a zip bomb is refused before it is unpacked).
func bankXLSXRows(data []byte) ([][]string, bool, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    DefaultUnzipSizeLimit,
		UnzipXMLSizeLimit: DefaultUnzipXMLSizeLimit,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, false, inputErr(calc.Text{Ru: "книга в распакованном виде больше %d МиБ", En: "the workbook unpacks to more than %d MiB"}, DefaultUnzipSizeLimit>>20)
		}
		return nil, false, inputErr(calc.Text{Ru: "файл не читается как книга .xlsx (%v)", En: "the file is not a readable .xlsx workbook (%v)"}, err)
	}
	defer f.Close()
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	for _, sheet := range f.GetSheetList() {
		it, err := f.Rows(sheet)
		if err != nil {
			continue
		}
		var out [][]string
		for it.Next() {
			if len(out) > calc.MaxBankRows+100 {
				break // decodeBankRows refuses it
			}
			cells, err := it.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				it.Close()
				return nil, false, inputErr(calc.Text{Ru: "строка %d листа «%s» не читается (%v)", En: "row %d of sheet %q cannot be read (%v)"}, len(out)+1, sheet, err)
			}
			out = append(out, slicesClone(cells))
		}
		rerr := it.Error()
		it.Close()
		if rerr != nil {
			return nil, false, inputErr(calc.Text{Ru: "лист «%s» повреждён (%v)", En: "sheet %q is damaged (%v)"}, sheet, rerr)
		}
		for _, r := range out {
			if !isEmptyRow(r) {
				return out, date1904, nil
			}
		}
	}
	return nil, false, inputErr(calc.Text{Ru: "в книге нет строк", En: "the workbook has no rows"})
}

// maxBankColumns is how many cells of a row are kept: a schedule has a
// handful of columns, and a row that reaches column XFD must not hold
// 16,384 strings for each of 5,000 rows.
const maxBankColumns = 64

func slicesClone(s []string) []string {
	return append([]string(nil), s[:min(len(s), maxBankColumns)]...)
}

// bankCSVRows reads CSV in UTF-8 (with or without a BOM) or Windows-1251,
// with the separator of its first line.
func bankCSVRows(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	var src io.Reader = bytes.NewReader(data)
	if !utf8.Valid(data) {
		src = charmap.Windows1251.NewDecoder().Reader(src)
	}
	first := data
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	cr := csv.NewReader(src)
	cr.Comma = detectSeparator(first)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var out [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && rec == nil {
				return nil, inputErr(calc.Text{Ru: "запись CSV %d не читается (%v)", En: "CSV record %d cannot be read (%v)"}, len(out)+1, pe.Err)
			}
			if rec == nil {
				return nil, err
			}
		}
		out = append(out, slicesClone(rec))
		if len(out) > calc.MaxBankRows+100 {
			return out, nil
		}
	}
}

// decodeBankRows finds the header and reads every data row.
func decodeBankRows(rows [][]string, format string, date1904 bool) (*BankSchedule, error) {
	bs := &BankSchedule{Format: format}
	header := -1
	var cols []string
	for i := 0; i < len(rows) && i < 30 && header < 0; i++ {
		keys := make([]string, len(rows[i]))
		where := map[string]int{}
		for j, h := range rows[i] {
			if k, ok := bankHeaderKey(h); ok {
				if _, dup := where[k]; !dup {
					where[k] = j
					keys[j] = k
				}
			}
		}
		if _, ok := where["date"]; ok {
			header, cols = i, keys
		}
	}
	if header < 0 {
		return nil, inputErr(calc.Text{Ru: "нет строки заголовков: в первых строках должны быть названы дата и столбцы сумм (%s)", En: "no header row naming the columns: the first rows must name date and the amount columns (%s)"}, strings.Join(BankColumnKeys, ", "))
	}
	for _, k := range BankColumnKeys {
		for _, c := range cols {
			if c == k {
				bs.Columns = append(bs.Columns, k)
				break
			}
		}
	}
	for j, h := range rows[header] {
		if cols[j] == "" && strings.TrimSpace(h) != "" {
			bs.Warnings = append(bs.Warnings, Warning{
				En: fmt.Sprintf("column %s %q is not a schedule column and was ignored", col(j+1), h),
				Ru: fmt.Sprintf("столбец %s «%s» не входит в график и пропущен", col(j+1), h),
			})
		}
	}
	var cellErr BankCellError
	for i := header + 1; i < len(rows); i++ {
		cells := rows[i]
		if isEmptyRow(cells) {
			continue
		}
		line := i + 1
		if len(bs.Rows) >= calc.MaxBankRows {
			return nil, inputErr(calc.Text{Ru: "в графике больше %d строк", En: "the schedule has more than %d rows"}, calc.MaxBankRows)
		}
		idx := len(bs.Rows)
		var r calc.BankRow
		var dateCell string
		for j, k := range cols {
			if k == "date" && j < len(cells) {
				dateCell = strings.TrimSpace(cells[j])
			}
		}
		if !strings.ContainsAny(dateCell, "0123456789") { // empty, or a label such as "Итого"
			bs.Warnings = append(bs.Warnings, Warning{
				En: fmt.Sprintf("row %d has no date and was skipped (a totals row?)", line),
				Ru: fmt.Sprintf("строка %d без даты пропущена (строка итогов?)", line),
			})
			continue
		}
		bad := func(key, value string, err error) {
			var ce *cellError
			en, ru := err.Error(), err.Error()
			if errors.As(err, &ce) {
				en, ru = ce.En, ce.Ru
			}
			cellErr.Problems = append(cellErr.Problems, BankProblem{
				Field: "bank_schedule[" + strconv.Itoa(idx) + "]." + key, Line: line, Value: value, En: en, Ru: ru,
			})
		}
		for j, k := range cols {
			if k == "" || j >= len(cells) {
				continue
			}
			v := strings.TrimSpace(cells[j])
			if k == "date" {
				d, err := parseDate(v, date1904)
				if err != nil {
					bad(k, v, err)
				}
				r.Date = d
				continue
			}
			if v == "" || v == "-" || v == "—" {
				continue // no figure in this row
			}
			d, err := parseNumber(v)
			if err != nil {
				bad(k, v, err)
				continue
			}
			dd := d
			switch k {
			case "opening_balance":
				r.OpeningBalance = &dd
			case "principal":
				r.Principal = &dd
			case "interest":
				r.Interest = &dd
			case "subsidy":
				r.Subsidy = &dd
			case "borrower_interest":
				r.BorrowerInterest = &dd
			}
		}
		bs.Rows = append(bs.Rows, r)
		bs.Lines = append(bs.Lines, line)
	}
	if len(cellErr.Problems) > 0 {
		return nil, &cellErr
	}
	if len(bs.Rows) == 0 {
		return nil, inputErr(calc.Text{Ru: "в графике нет строк под заголовком", En: "the schedule has no rows under its header"})
	}
	return bs, nil
}
