package report

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
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
	calc.Text
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
	where := calc.Text{Ru: "строка %d файла, «%s»: %s", En: "row %d of the file, %q: %s"}
	return fmt.Sprintf(where.In(lang), p.Line, cut(p.Value, 40), p.In(lang))
}

// bankColumns are the keys of a bank's schedule, with the headers that
// name a column exactly (after a currency or unit at the end, ", RUB" or
// "(руб.)", and a formula after "=" are cut off) and the words that
// recognise a Russian or English header (any group, all words of it).
var bankColumns = []struct {
	key   string
	exact []string
	words [][]string
	label calc.Text
}{
	{"date", []string{"дата", "date", "дата платежа", "payment date", "дата погашения", "срок платежа", "due date"},
		[][]string{{"дата"}, {"date"}, {"срок", "платеж"}}, calc.Text{Ru: "Дата платежа", En: "Payment date"}},
	{"opening_balance", []string{"остаток на начало", "остаток на начало периода", "остаток долга", "остаток долга на начало периода",
		"остаток ссудной задолженности", "остаток основного долга", "opening balance", "outstanding balance", "balance"},
		[][]string{{"остаток"}, {"balance"}, {"outstanding"}, {"задолженност"}}, calc.Text{Ru: "Остаток долга на начало периода", En: "Opening balance"}},
	{"principal", []string{"основной долг", "погашение основного долга", "погашение долга", "principal", "principal repayment"},
		[][]string{{"основн"}, {"principal"}, {"погашение", "долг"}}, calc.Text{Ru: "Основной долг", En: "Principal"}},
	{"interest", []string{"проценты", "interest", "сумма процентов", "начисленные проценты"},
		[][]string{{"процент"}, {"interest"}}, calc.Text{Ru: "Проценты", En: "Interest"}},
	{"subsidy", []string{"субсидия", "subsidy", "сумма субсидии", "субсидия к выплате", "subsidy payable", "subsidy paid"},
		[][]string{{"субсид"}, {"subsid"}, {"возмещ"}}, calc.Text{Ru: "Субсидия", En: "Subsidy"}},
	{"borrower_interest", []string{"проценты заемщика", "borrower interest", "проценты к уплате заемщиком"},
		[][]string{{"заемщик", "процент"}, {"borrower", "interest"}}, calc.Text{Ru: "Проценты заёмщика", En: "Borrower interest"}},
}

// BankColumnKeys are the column keys of a bank's schedule file.
var BankColumnKeys = []string{"date", "opening_balance", "principal", "interest", "subsidy", "borrower_interest"}

// Scores of a header's match: the key itself beats a header named
// exactly, which beats any words found in it (the more letters matched,
// the better).
const (
	scoreKey   = 1 << 20
	scoreExact = 1 << 16
)

// currencySuffix is a currency or unit after a header: ", RUB", " (руб.)".
var currencySuffix = regexp.MustCompile(`\s*[,(]\s*(руб\.?|рублей|тыс\.? руб\.?|[a-z]{3})\)?$`)

// bankHeaderKey maps a header cell to a column key with a score (higher is
// surer) and where in the header the words matched (earlier is surer): the
// key itself, a label with the key in parentheses, a header named exactly,
// or a Russian or English header that holds the column's words. A rate or
// percentage ("Ставка субсидии, % годовых") is never an amount, a closing
// balance never the opening balance, a period's start never its date.
func bankHeaderKey(h string) (key string, score, pos int) {
	low := strings.ToLower(strings.Join(strings.Fields(h), " "))
	low = strings.ReplaceAll(low, "ё", "е")
	for _, k := range BankColumnKeys {
		if low == k || strings.HasSuffix(low, "("+k+")") {
			return k, scoreKey, 0
		}
	}
	if i := strings.IndexByte(low, '='); i > 0 { // "Проценты заёмщика = проценты − субсидия"
		low = strings.TrimSpace(low[:i])
	}
	low = currencySuffix.ReplaceAllString(low, "")
	words := strings.FieldsFunc(low, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '%' })
	has := func(prefixes ...string) bool {
		for _, w := range words {
			for _, p := range prefixes {
				if strings.HasPrefix(w, p) {
					return true
				}
			}
		}
		return false
	}
	isRate := strings.Contains(low, "%") || has("ставк", "процентн") || slices.Contains(words, "rate") || slices.Contains(words, "rates")
	isClosing := has("конец", "конц", "closing", "end", "после")
	isStart := has("начал", "start")
	for _, c := range bankColumns {
		switch {
		case c.key != "date" && isRate,
			c.key == "opening_balance" && isClosing,
			c.key == "date" && isStart:
			continue
		}
		if slices.Contains(c.exact, low) || low == strings.ToLower(strings.ReplaceAll(c.label.Ru, "ё", "е")) || low == strings.ToLower(c.label.En) {
			if scoreExact > score {
				key, score, pos = c.key, scoreExact, 0
			}
			continue
		}
		for _, g := range c.words {
			n, first := 0, len(low)
			for _, w := range g {
				i := strings.Index(low, w)
				if i < 0 {
					n = 0
					break
				}
				n += utf8.RuneCountInString(w)
				first = min(first, i)
			}
			if n > score || (n > 0 && n == score && first < pos) {
				key, score, pos = c.key, n, first
			}
		}
	}
	return key, score, pos
}

// bankHeader maps the cells of a row to column keys: each cell to its
// surest key, each key to the surest of its cells (the first of equals).
// lost are the cells that named a key another cell took.
func bankHeader(row []string) (keys []string, lost []int) {
	keys = make([]string, len(row))
	type cand struct{ score, pos int }
	cands := make([]cand, len(row))
	best := map[string]int{}
	for j, h := range row {
		k, score, pos := bankHeaderKey(h)
		if k == "" {
			continue
		}
		cands[j] = cand{score, pos}
		keys[j] = k
		if b, ok := best[k]; !ok || score > cands[b].score {
			best[k] = j
		}
	}
	for j, k := range keys {
		if k != "" && best[k] != j {
			keys[j] = ""
			lost = append(lost, j)
		}
	}
	return keys, lost
}

// findBankHeader returns the header row among the first 30 of rows: the
// one that names a date and the most other columns (the first of equals),
// or −1; n is the number of columns it names.
func findBankHeader(rows [][]string) (header, n int) {
	header = -1
	for i := 0; i < len(rows) && i < 30; i++ {
		keys, _ := bankHeader(rows[i])
		if !slices.Contains(keys, "date") {
			continue
		}
		c := 0
		for _, k := range keys {
			if k != "" {
				c++
			}
		}
		if c > n {
			header, n = i, c
		}
	}
	return header, n
}

// Limits of a bank's file beyond its size. A schedule of 5,000 rows has
// some thousands of texts at most, each a few words: every cell is
// bounded, and so are the shared strings, by number (ten a row of
// calc.MaxBankRows), by the byte and each by the byte, before excelize
// reads any of them.
const (
	// MaxBankCellBytes is the most text of one cell kept; a longer cell
	// (a disclaimer under the table) is cut to it. No date, number or
	// header is that long (1,000 Cyrillic letters take 2,000 bytes).
	MaxBankCellBytes = 2048
	// maxBankTextBytes bounds the text of all cells kept.
	maxBankTextBytes = 16 << 20
	// bankUnzipLimit bounds a bank workbook unpacked (sheets of 5,000
	// rows take a few MiB).
	bankUnzipLimit = 64 << 20
	// maxBankSheets is how many sheets are looked at for the schedule.
	maxBankSheets = 32
)

var bankZipLimits = zipLimits{
	unzip:         bankUnzipLimit,
	sstBytes:      DefaultUnzipXMLSizeLimit, // so excelize keeps them in memory, parsed once
	sharedStrings: 10 * (calc.MaxBankRows + 100),
	stringBytes:   128 << 10, // Excel's longest cell, 32,767 characters, as XML
	lengths:       true,
}

// maxBankSheetText bounds the XML bytes of the shared strings the cells
// of all sheets point at, counted once a cell: excelize copies the string
// for every cell that points at it. A schedule of 5,000 rows points at a
// few MiB at most.
const maxBankSheetText = 64 << 20

// ReadBankSchedule reads a bank's schedule from an xlsx workbook or a CSV
// file (told apart by content). The header row is the one of the first
// 30 rows that names a date column and the most other columns; the
// workbook's sheet is the one with the best such header (the service's
// own workbook has it on its second sheet); the CSV separator is the one
// that gives the best such header. Numbers and dates are read as in batch
// files (a decimal comma, spaces between thousands; ISO, dd.mm.yyyy or a
// date cell). Rows without a date (a totals row) are skipped with a
// warning. A file that cannot be read as a whole gives an *[InputError];
// unreadable cells a *[BankCellError] (a formula saved without its value
// is one).
func ReadBankSchedule(data []byte) (*BankSchedule, error) {
	switch {
	case len(data) == 0:
		return nil, inputErr(calc.Text{Ru: "файл пуст", En: "the file is empty"})
	case len(data) > MaxBankFileBytes:
		return nil, inputErr(calc.Text{Ru: "файл занимает %d байт, больше допустимых %d", En: "the file is %d bytes, more than the %d allowed"}, len(data), MaxBankFileBytes)
	}
	var (
		src    *bankSource
		format string
		err    error
	)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		format = "xlsx"
		src, err = bankXLSXRows(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		err = inputErr(calc.Text{
			Ru: "книги Excel 97-2003 (.xls) и книги с паролем не читаются: сохраните файл как .xlsx без пароля или как CSV",
			En: "Excel 97-2003 (.xls) and password-protected workbooks are not read: save the file as .xlsx without a password, or as CSV",
		})
	case looksLikeText(data[:min(len(data), sniffSize)]):
		format = "csv"
		src = &bankSource{}
		src.rows, err = bankCSVRows(data)
	default:
		err = notSpreadsheet()
	}
	if err != nil {
		return nil, err
	}
	return decodeBankRows(src, format)
}

// bankSource is what a file gives decodeBankRows: its rows, and for a
// workbook the date system, the cells that hold a formula saved without
// its value (by 0-based row and column), and warnings.
type bankSource struct {
	rows     [][]string
	date1904 bool
	uncached map[[2]int]bool
	warnings []Warning
}

// bankXLSXRows reads the sheet with the best schedule header, after the
// batch reader's checks of the workbook's parts with bankZipLimits (a zip
// bomb, or a huge text many cells point at, is refused before excelize
// unpacks it).
func bankXLSXRows(data []byte) (*bankSource, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, inputErr(calc.Text{Ru: "файл не читается как книга .xlsx (%v)", En: "the file is not a readable .xlsx workbook (%v)"}, err)
	}
	info, err := checkZipReader(zr, bankZipLimits)
	if err != nil {
		return nil, err
	}
	// Every worksheet is scanned before excelize reads any: its formulas
	// without values, how wide its rows are, how much text it points at.
	scans := map[string]sheetScan{}
	var cells, text int64
	for _, zf := range zr.File {
		if partKind(zf.Name) != "sheet" {
			continue
		}
		sc := scanSheet(zf, calc.MaxBankRows+101, info.stringLens)
		cells, text = cells+sc.cells, text+sc.text
		if cells > maxBankSheetCells {
			return nil, partErr(zf.Name, calc.Text{
				Ru: "её строки занимают %d ячеек (уходят далеко вправо), больше допустимых для графика %d: удалите столбцы правее графика",
				En: "its rows span %d cells (they reach far to the right), more than the %d a schedule may: delete the columns after the schedule's",
			}, cells, maxBankSheetCells)
		}
		if text > maxBankSheetText {
			return nil, partErr(zf.Name, calc.Text{
				Ru: "её ячейки ссылаются на %d МиБ текста, больше допустимых для графика %d МиБ",
				En: "its cells point at %d MiB of text, more than the %d MiB a schedule may",
			}, text>>20, maxBankSheetText>>20)
		}
		scans[path.Clean(strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/")))] = sc
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    bankUnzipLimit,
		UnzipXMLSizeLimit: DefaultUnzipXMLSizeLimit,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, inputErr(calc.Text{Ru: "книга в распакованном виде больше %d МиБ", En: "the workbook unpacks to more than %d MiB"}, bankUnzipLimit>>20)
		}
		return nil, inputErr(calc.Text{Ru: "файл не читается как книга .xlsx (%v)", En: "the file is not a readable .xlsx workbook (%v)"}, cutErr(err))
	}
	defer f.Close()
	src := &bankSource{}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		src.date1904 = *p.Date1904
	}
	var budget int
	sheets := f.GetSheetList()
	chosen, bestN := "", 0
	var firstRows [][]string
	for i, sheet := range sheets {
		if i == maxBankSheets {
			break
		}
		head, err := bankSheetRows(f, sheet, 30, &budget)
		if err != nil {
			return nil, err
		}
		if firstRows == nil && slices.ContainsFunc(head, func(r []string) bool { return !isEmptyRow(r) }) {
			firstRows = head
		}
		if _, n := findBankHeader(head); n > bestN {
			chosen, bestN = sheet, n
		}
	}
	if chosen == "" {
		if firstRows == nil {
			return nil, inputErr(calc.Text{Ru: "в книге нет строк", En: "the workbook has no rows"})
		}
		src.rows = firstRows // decodeBankRows says there is no header
		return src, nil
	}
	src.uncached = scans[info.parts[chosen]].uncached
	budget = 0
	if src.rows, err = bankSheetRows(f, chosen, calc.MaxBankRows+101, &budget); err != nil {
		return nil, err
	}
	if chosen != sheets[0] {
		src.warnings = append(src.warnings, Warning{
			Ru: fmt.Sprintf("график прочитан с листа «%s», на котором его заголовок", cut(chosen, 40)),
			En: fmt.Sprintf("the schedule was read from sheet %q, the one with its header", cut(chosen, 40)),
		})
	}
	return src, nil
}

// bankSheetRows reads up to limit rows of sheet, keeping maxBankColumns
// cells of each and refusing a cell over MaxBankCellBytes, or more than
// maxBankTextBytes of text in all (counted in *budget).
func bankSheetRows(f *excelize.File, sheet string, limit int, budget *int) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, inputErr(calc.Text{Ru: "лист «%s» не читается (%v)", En: "sheet %q cannot be read (%v)"}, cut(sheet, 40), cutErr(err))
	}
	defer it.Close()
	var out [][]string
	for len(out) < limit && it.Next() {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, inputErr(calc.Text{Ru: "строка %d листа «%s» не читается (%v)", En: "row %d of sheet %q cannot be read (%v)"}, len(out)+1, cut(sheet, 40), cutErr(err))
		}
		row := slicesClone(cells)
		if err := checkBankCells(row, len(out)+1, budget); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	if err := it.Error(); err != nil {
		return nil, inputErr(calc.Text{Ru: "лист «%s» повреждён (%v)", En: "sheet %q is damaged (%v)"}, cut(sheet, 40), cutErr(err))
	}
	return out, nil
}

// checkBankCells shortens a cell of row over MaxBankCellBytes (no date,
// number or header is that long: it stays unreadable, or ignored, as it
// was, and every message about it short) and refuses text over
// maxBankTextBytes in all (counted in *budget).
func checkBankCells(row []string, line int, budget *int) error {
	for j, c := range row {
		if len(c) > MaxBankCellBytes {
			k := MaxBankCellBytes
			for k > 0 && !utf8.RuneStart(c[k]) {
				k--
			}
			row[j] = strings.Clone(c[:k]) + "…"
		}
		*budget += len(row[j])
	}
	if *budget > maxBankTextBytes {
		return inputErr(calc.Text{
			Ru: "в файле больше %d МиБ текста в первых %d строках: это не график",
			En: "the file holds more than %d MiB of text in its first %d rows: it is not a schedule",
		}, maxBankTextBytes>>20, line)
	}
	return nil
}

// cutErr shortens an error's text for a message (excelize quotes what it
// could not read, which may be a whole cell).
func cutErr(err error) string { return cut(err.Error(), 200) }

// sheetScan is what scanSheet learns of a worksheet part.
type sheetScan struct {
	// uncached are the cells (by 0-based row and column, within
	// maxBankColumns columns) that hold a formula but no value: a file
	// written by a program that does not compute formulas. excelize reads
	// them as empty.
	uncached map[[2]int]bool
	// cells is the sum over rows of the last column of each row: what
	// excelize allocates to read them.
	cells int64
	// text is the XML bytes of the shared strings its cells point at,
	// once a cell.
	text int64
}

// maxBankSheetCells bounds sheetScan.cells: a schedule of 5,000 rows of
// 20 columns spans 100,000 cells; 5,000 rows each reaching column XFD
// span 82 million, which excelize would pad one string at a time.
const maxBankSheetCells = 4_000_000

// scanSheet reads the worksheet part zf up to row rows; lens are the
// shared strings' lengths.
func scanSheet(zf *zip.File, rows int, lens []int32) sheetScan {
	var out sheetScan
	rc, err := zf.Open()
	if err != nil {
		return out
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	row, colN, last := 0, 0, 0
	inCell, hasF, hasV, shared, inV := false, false, false, false, false
	for {
		tok, err := d.RawToken()
		if err != nil {
			out.cells += int64(last)
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				out.cells += int64(last)
				if out.cells > maxBankSheetCells {
					return out
				}
				n := row + 1
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if v, err := strconv.Atoi(a.Value); err == nil {
							n = v
						}
					}
				}
				if n > rows {
					return out
				}
				row, colN, last = n, 0, 0
			case "c":
				colN++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if c, _, err := excelize.CellNameToCoordinates(a.Value); err == nil {
							colN = c
						}
					}
				}
				last = max(last, colN)
				inCell, hasF, hasV, shared = true, false, false, false
				for _, a := range t.Attr {
					if a.Name.Local == "t" && a.Value == "s" {
						shared = true
					}
				}
			case "f":
				hasF = inCell
			case "v", "is":
				hasV = inCell
				inV = inCell && t.Name.Local == "v"
			}
		case xml.CharData:
			if inV && shared {
				if i, err := strconv.Atoi(strings.TrimSpace(string(t))); err == nil && i >= 0 && i < len(lens) {
					out.text += int64(lens[i])
				}
			}
		case xml.EndElement:
			if t.Name.Local == "v" {
				inV = false
			}
			if t.Name.Local == "c" && inCell {
				if hasF && !hasV && row >= 1 && colN >= 1 && colN <= maxBankColumns {
					if out.uncached == nil {
						out.uncached = map[[2]int]bool{}
					}
					out.uncached[[2]int{row - 1, colN - 1}] = true
				}
				inCell = false
			}
		}
	}
}

// maxBankColumns is how many cells of a row are kept: a schedule has a
// handful of columns, and a row that reaches column XFD must not hold
// 16,384 strings for each of 5,000 rows.
const maxBankColumns = 64

func slicesClone(s []string) []string {
	return append([]string(nil), s[:min(len(s), maxBankColumns)]...)
}

// bankCSVRows reads CSV in UTF-8 (with or without a BOM) or Windows-1251,
// with the separator (";", "," or tab) that gives the best header row
// (title lines above the header may have no separator at all); a tie goes
// to the separator of the first line.
func bankCSVRows(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1251.NewDecoder().Bytes(data)
		if err != nil {
			return nil, inputErr(calc.Text{Ru: "файл не является текстом в UTF-8 или Windows-1251", En: "the file is neither UTF-8 nor Windows-1251 text"})
		}
		data = dec
	}
	first := data
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	sep := detectSeparator(first)
	bestN := -1
	for _, c := range []rune{sep, ';', ',', '\t'} {
		head, err := readBankCSV(data, c, 30)
		if err != nil {
			continue
		}
		if _, n := findBankHeader(head); n > bestN {
			sep, bestN = c, n
		}
	}
	return readBankCSV(data, sep, calc.MaxBankRows+101)
}

// readBankCSV reads up to limit records of data with separator sep.
func readBankCSV(data []byte, sep rune, limit int) ([][]string, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	var out [][]string
	budget := 0
	for len(out) < limit {
		rec, err := cr.Read()
		if err == io.EOF {
			break
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
		row := slicesClone(rec)
		if err := checkBankCells(row, len(out)+1, &budget); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// errUncached is a formula saved without its value.
var errUncached = &cellError{calc.Text{
	Ru: "в ячейке формула, сохранённая без значения (файл записан программой, которая не вычисляет формулы): откройте его в табличном редакторе и сохраните или сохраните как CSV",
	En: "the cell holds a formula saved without its value (a program that does not compute formulas wrote the file): open it in a spreadsheet program and save it, or save it as CSV",
}}

// decodeBankRows finds the header and reads every data row.
func decodeBankRows(src *bankSource, format string) (*BankSchedule, error) {
	rows, date1904 := src.rows, src.date1904
	bs := &BankSchedule{Format: format, Warnings: src.warnings}
	header, _ := findBankHeader(rows)
	if header < 0 {
		return nil, inputErr(calc.Text{
			Ru: "нет строки заголовков: в первых строках должны быть названы дата и столбцы сумм (%s)",
			En: "no header row naming the columns: the first rows must name date and the amount columns (%s)",
		}, strings.Join(BankColumnKeys, ", "))
	}
	cols, lost := bankHeader(rows[header])
	for _, k := range BankColumnKeys {
		if slices.Contains(cols, k) {
			bs.Columns = append(bs.Columns, k)
		}
	}
	for j, h := range rows[header] {
		switch {
		case slices.Contains(lost, j):
			k, _, _ := bankHeaderKey(h)
			w := slices.Index(cols, k)
			bs.Warnings = append(bs.Warnings, Warning{
				Ru: fmt.Sprintf("столбец %s «%s» пропущен: как %s читается столбец %s «%s»", col(j+1), cut(h, 40), k, col(w+1), cut(rows[header][w], 40)),
				En: fmt.Sprintf("column %s %q was ignored: column %s %q is read as %s", col(j+1), cut(h, 40), col(w+1), cut(rows[header][w], 40), k),
			})
		case cols[j] == "" && strings.TrimSpace(h) != "":
			bs.Warnings = append(bs.Warnings, Warning{
				Ru: fmt.Sprintf("столбец %s «%s» не входит в график и пропущен", col(j+1), cut(h, 40)),
				En: fmt.Sprintf("column %s %q is not a schedule column and was ignored", col(j+1), cut(h, 40)),
			})
		}
	}
	reported := map[[2]int]bool{}
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
		bad := func(key, value string, err error) {
			var ce *cellError
			msg := calc.Text{Ru: err.Error(), En: err.Error()}
			if errors.As(err, &ce) {
				msg = ce.Text
			}
			cellErr.Problems = append(cellErr.Problems, BankProblem{
				Field: "bank_schedule[" + strconv.Itoa(idx) + "]." + key, Line: line, Value: value, Text: msg,
			})
		}
		// uncached reports (once) a formula saved without its value in
		// cell j: its figure is unknown, not absent.
		uncached := func(j int, key string) bool {
			at := [2]int{i, j}
			if !src.uncached[at] || (j < len(cells) && strings.TrimSpace(cells[j]) != "") {
				return false
			}
			reported[at] = true
			bad(key, "", errUncached)
			return true
		}
		dateCell, dateCol := "", slices.Index(cols, "date")
		if dateCol < len(cells) {
			dateCell = strings.TrimSpace(cells[dateCol])
		}
		if uncached(dateCol, "date") {
			continue
		}
		if !strings.ContainsAny(dateCell, "0123456789") { // empty, or a label such as "Итого"
			bs.Warnings = append(bs.Warnings, Warning{
				Ru: fmt.Sprintf("строка %d без даты пропущена (строка итогов?)", line),
				En: fmt.Sprintf("row %d has no date and was skipped (a totals row?)", line),
			})
			continue
		}
		for j, k := range cols {
			if k == "" || uncached(j, k) || j >= len(cells) {
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
	// Formulas without a value elsewhere (a totals row, an ignored column)
	// change no figure, but are not passed over in silence.
	var other []string
	for _, at := range slices.SortedFunc(maps.Keys(src.uncached), func(a, b [2]int) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	}) {
		if !reported[at] {
			other = append(other, ref(at[1]+1, at[0]+1))
		}
	}
	if len(other) > 0 {
		list := strings.Join(other[:min(len(other), 5)], ", ")
		if len(other) > 5 {
			list += ", …"
		}
		bs.Warnings = append(bs.Warnings, Warning{
			Ru: fmt.Sprintf("в %d ячейках (%s) формулы сохранены без значений и прочитаны как пустые: откройте файл в табличном редакторе и сохраните, чтобы записать значения", len(other), list),
			En: fmt.Sprintf("%d cells (%s) hold formulas saved without their values and were read as empty: open the file in a spreadsheet program and save it to store the values", len(other), list),
		})
	}
	if len(bs.Rows) == 0 {
		return nil, inputErr(calc.Text{Ru: "в графике нет строк под заголовком", En: "the schedule has no rows under its header"})
	}
	return bs, nil
}
