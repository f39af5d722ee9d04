package report

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// InputError is a problem with a batch input file as a whole (not a
// spreadsheet, too large, no header row, a required column missing): no
// row of it is read. Its messages are safe to show to users.
type InputError struct {
	calc.Text // the message (e.In(lang))
}

func (e *InputError) Error() string { return e.En }

func inputErr(t calc.Text, args ...any) *InputError {
	return &InputError{Text: t.Format(args...)}
}

// Problem is why a cell of a row (or the row as a whole, Column "") was
// rejected.
type Problem struct {
	// Column is the input column's key ("amount"), or calc's field path
	// when no column gives the field.
	Column string `json:"column"`
	// Value is the cell as read, cut to 100 characters.
	Value string `json:"value,omitempty"`
	// Text is the reason (p.In(lang)); its JSON fields are "ru" and "en".
	calc.Text
}

// Loan is one data row of a batch input.
type Loan struct {
	// Row is the row's number as a spreadsheet program shows it (the header
	// is usually row 1).
	Row int
	// ID is the loan's reference from the id column.
	ID      string
	Project string
	// ApplicationDate orders a first_come allocation (nil: row order).
	ApplicationDate *calc.Date
	// Request is the decoded calculation; nil when Problems is not empty.
	Request *calc.Request
	// Problems are the cells that could not be read. A row with problems
	// is rejected and never computed.
	Problems []Problem
	// cells are the row's cells by column key, as read.
	cells map[string]string
}

// Cell returns the row's cell of column key as read, cut to 100
// characters ("" when the file has no such column): the value a rejection
// shows beside its reason.
func (l *Loan) Cell(key string) string { return cut(l.cells[key], 100) }

// Warning is a remark about the input that rejects nothing (an unknown
// column, a sheet that was not read), in both languages (w.In(lang)).
type Warning = calc.Text

// Defaults of [ReadOptions].
const (
	DefaultMaxRows           = 200_000
	DefaultMaxBytes          = 128 << 20
	DefaultUnzipSizeLimit    = 512 << 20
	DefaultUnzipXMLSizeLimit = 16 << 20
	// DefaultMaxSharedStrings bounds the distinct texts of a workbook:
	// five a row at the default row limit (a loan has two or three of its
	// own: id, project, participants). excelize keeps an index entry of
	// each in memory.
	DefaultMaxSharedStrings = 5 * DefaultMaxRows
)

// ReadOptions bound what [OpenLoans] accepts; a zero field takes its
// default.
type ReadOptions struct {
	// MaxRows is the most data rows a file may hold (default 200,000).
	MaxRows int
	// MaxBytes is the largest file accepted (default 128 MiB).
	MaxBytes int64
	// UnzipSizeLimit caps the declared unpacked size of all parts of a
	// workbook (default 512 MiB); a zip bomb is refused before it is
	// unpacked. UnzipXMLSizeLimit is the size above which a sheet is
	// unpacked to a temporary file rather than memory (default 16 MiB).
	UnzipSizeLimit    int64
	UnzipXMLSizeLimit int64
	// MaxSharedStrings bounds the distinct texts of a workbook (default
	// five a row of MaxRows). Further limits on the parts are constants:
	// see [DefaultMaxPartSize].
	MaxSharedStrings int
	// Programme is the programme of rows whose programme cell is empty.
	Programme string
	// Lang is the language of check messages in results ("ru" or "en").
	Lang string
	// TempDir is where excelize unpacks large sheets (default os.TempDir).
	TempDir string
}

func (o *ReadOptions) defaults() {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.UnzipSizeLimit <= 0 {
		o.UnzipSizeLimit = DefaultUnzipSizeLimit
	}
	if o.UnzipXMLSizeLimit <= 0 {
		o.UnzipXMLSizeLimit = DefaultUnzipXMLSizeLimit
	}
	o.UnzipXMLSizeLimit = min(o.UnzipXMLSizeLimit, o.UnzipSizeLimit)
	if o.MaxSharedStrings <= 0 {
		o.MaxSharedStrings = 5 * o.MaxRows
	}
}

// LoanReader reads a batch input file row by row: never the whole sheet in
// memory at once.
type LoanReader struct {
	opt ReadOptions
	// Format is "xlsx" or "csv".
	Format string
	// Sheet is the sheet read (xlsx).
	Sheet string
	// Encoding is "utf-8" or "windows-1251" (CSV); Separator "," ";" or
	// "\t".
	Encoding  string
	Separator string

	next     func() ([]string, int, error) // cells and row number, io.EOF at end
	closers  []func() error
	cols     []string // key of each header cell ("" unknown)
	warnings []Warning
	estimate int
	exact    bool // estimate is the number of non-empty rows
	date1904 bool
	xlsx     bool
	rows     int
	empty    int
	seen     map[string]int
}

// sniffSize is how much of a file is looked at to tell its format.
const sniffSize = 64 << 10

// OpenLoans opens the batch input at path, an xlsx workbook or a CSV file
// (told apart by content, not name), and reads its header row. A file that
// is not a spreadsheet, too large, a zip bomb, or without the required
// columns gives an *[InputError].
func OpenLoans(path string, opt ReadOptions) (*LoanReader, error) {
	opt.defaults()
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > opt.MaxBytes {
		return nil, inputErr(calc.Text{Ru: "файл занимает %d байт, больше допустимых %d", En: "the file is %d bytes, more than the %d allowed"},
			fi.Size(), opt.MaxBytes)
	}
	if fi.Size() == 0 {
		return nil, inputErr(calc.Text{Ru: "файл пуст", En: "the file is empty"})
	}
	head := make([]byte, min(fi.Size(), sniffSize))
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	_, err = io.ReadFull(fh, head)
	fh.Close()
	if err != nil {
		return nil, err
	}
	r := &LoanReader{opt: opt, seen: make(map[string]int)}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		err = r.openXLSX(path)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		err = inputErr(calc.Text{Ru: "книги Excel 97-2003 (.xls) и книги с паролем не читаются: сохраните файл как .xlsx без пароля или как CSV", En: "Excel 97-2003 (.xls) and password-protected workbooks are not read: save the file as .xlsx without a password, or as CSV"})
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		err = inputErr(calc.Text{Ru: "текст в UTF-16 не читается: сохраните CSV в UTF-8 или Windows-1251", En: "UTF-16 text is not read: save the CSV as UTF-8 or Windows-1251"})
	case looksLikeText(head):
		err = r.openCSV(path)
	default:
		err = notSpreadsheet()
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	if err := r.readHeader(); err != nil {
		r.Close()
		return nil, err
	}
	if r.exact && r.estimate > opt.MaxRows {
		r.Close()
		return nil, inputErr(calc.Text{Ru: "в файле %d кредитов, больше допустимых %d: разделите его на файлы поменьше", En: "the file has %d loans, more than the %d allowed: split it into smaller files"}, r.estimate, opt.MaxRows)
	}
	return r, nil
}

func notSpreadsheet() *InputError {
	return inputErr(calc.Text{Ru: "файл не является таблицей: загрузите книгу .xlsx или файл CSV", En: "the file is not a spreadsheet: upload an .xlsx workbook or a CSV file"})
}

// looksLikeText reports whether b can be the start of a CSV file: no
// control characters other than tab, new line, carriage return and form
// feed.
func looksLikeText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			return false
		}
		if c == 0x7f {
			return false
		}
	}
	return true
}

func (r *LoanReader) openXLSX(path string) error {
	r.Format, r.xlsx = "xlsx", true
	info, err := checkZip(path, r.opt)
	if err != nil {
		return err
	}
	f, err := excelize.OpenFile(path, excelize.Options{
		UnzipSizeLimit:    r.opt.UnzipSizeLimit,
		UnzipXMLSizeLimit: r.opt.UnzipXMLSizeLimit,
		TmpDir:            r.opt.TempDir,
	})
	if err != nil {
		switch {
		case strings.Contains(err.Error(), "unzip size exceeds"):
			return inputErr(calc.Text{Ru: "книга в распакованном виде больше %d МиБ: разделите её на файлы поменьше", En: "the workbook unpacks to more than %d MiB: split it into smaller files"}, r.opt.UnzipSizeLimit>>20)
		case errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), errors.Is(err, zip.ErrChecksum),
			errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, io.ErrUnexpectedEOF):
			return inputErr(calc.Text{Ru: "файл не читается как книга .xlsx (%v)", En: "the file is not a readable .xlsx workbook (%v)"}, err)
		}
		return inputErr(calc.Text{Ru: "книгу не удалось прочитать (%v)", En: "the workbook cannot be read (%v)"}, err)
	}
	r.closers = append(r.closers, f.Close)
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		r.date1904 = *p.Date1904
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return inputErr(calc.Text{Ru: "в книге нет листов", En: "the workbook has no sheets"})
	}
	r.Sheet = ""
	for _, s := range sheets {
		if isDataSheetName(s) {
			r.Sheet = s
			break
		}
	}
	if r.Sheet == "" {
		for _, s := range sheets {
			if !isInstructionsSheetName(s) {
				r.Sheet = s
				break
			}
		}
	}
	if r.Sheet == "" {
		r.Sheet = sheets[0]
	}
	for _, s := range sheets {
		if s == r.Sheet || isInstructionsSheetName(s) {
			continue
		}
		if hasData(f, s) {
			r.warnings = append(r.warnings, Warning{
				Ru: fmt.Sprintf("лист «%s» не прочитан: кредиты читаются только с листа «%s»", s, r.Sheet),
				En: fmt.Sprintf("sheet %q was not read: loans are read from sheet %q only", s, r.Sheet),
			})
		}
	}
	// checkZip counted the rows with a value; without it (a workbook whose
	// sheets it could not map) the sheet's dimension is an estimate.
	if n, ok := info.rowsOf(r.Sheet); ok {
		r.estimate, r.exact = n, true
	} else if dim, err := f.GetSheetDimension(r.Sheet); err == nil {
		if _, last, ok := strings.Cut(dim, ":"); ok {
			if _, row, err := excelize.CellNameToCoordinates(last); err == nil {
				r.estimate = row
			}
		}
	}
	rows, err := f.Rows(r.Sheet)
	if err != nil {
		return inputErr(calc.Text{Ru: "лист «%s» не читается (%v)", En: "sheet %q cannot be read (%v)"}, r.Sheet, err)
	}
	r.closers = append(r.closers, rows.Close)
	raw := excelize.Options{RawCellValue: true}
	n := 0
	r.next = func() ([]string, int, error) {
		if !rows.Next() {
			if err := rows.Error(); err != nil {
				return nil, n, inputErr(calc.Text{Ru: "лист «%s» повреждён после строки %d (%v)", En: "sheet %q is damaged after row %d (%v)"}, r.Sheet, n, err)
			}
			return nil, n, io.EOF
		}
		n++
		cells, err := rows.Columns(raw)
		if err != nil {
			return nil, n, inputErr(calc.Text{Ru: "строка %d листа «%s» не читается (%v)", En: "row %d of sheet %q cannot be read (%v)"}, n, r.Sheet, err)
		}
		return cells, n, nil
	}
	return nil
}

// hasData reports whether one of the first 1,000 rows of a sheet has a
// value (a chart sheet or an unreadable one counts as empty).
func hasData(f *excelize.File, sheet string) bool {
	rows, err := f.Rows(sheet)
	if err != nil {
		return false
	}
	defer rows.Close()
	for i := 0; i < 1000 && rows.Next(); i++ {
		cells, err := rows.Columns()
		if err != nil {
			return false
		}
		if !isEmptyRow(cells) {
			return true
		}
	}
	return false
}

// Names of the template's sheets, which the reader recognises.
var (
	sheetLoans        = calc.Text{Ru: "Кредиты", En: "Loans"}
	sheetInstructions = calc.Text{Ru: "Инструкция", En: "Instructions"}
)

func isDataSheetName(s string) bool {
	return strings.EqualFold(s, sheetLoans.Ru) || strings.EqualFold(s, sheetLoans.En)
}

func isInstructionsSheetName(s string) bool {
	return strings.EqualFold(s, sheetInstructions.Ru) || strings.EqualFold(s, sheetInstructions.En)
}

func (r *LoanReader) openCSV(path string) error {
	r.Format = "csv"
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	r.closers = append(r.closers, f.Close)
	// One pass over the file: is it UTF-8, how many lines, which
	// separator does the first line use. Files are on disk and bounded by
	// MaxBytes, so a second read is cheap.
	valid, lines, first, err := scanText(f)
	if err != nil {
		return err
	}
	r.estimate, r.exact = lines, true // the header is taken off by readHeader
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r.Encoding = "utf-8"
	if !valid {
		r.Encoding = "windows-1251"
	}
	first = bytes.TrimPrefix(first, []byte("\xEF\xBB\xBF"))
	sep := detectSeparator(first)
	r.Separator = string(sep)
	sc := newCSVScanner(f, byte(sep), !valid)
	sc.skipBOM()
	r.next = func() ([]string, int, error) {
		rec, line, err := sc.next()
		if errors.Is(err, errLongLine) {
			return nil, line, &rowError{Problem{Text: calc.Text{
				Ru: fmt.Sprintf("строка %d длиннее %d КиБ и не прочитана", line, maxRecordBytes>>10),
				En: fmt.Sprintf("line %d is longer than %d KiB and was not read", line, maxRecordBytes>>10),
			}}}
		}
		return rec, line, err
	}
	return nil
}

// rowError is a line of a file that cannot be split into cells: the row is
// rejected with this problem and reading goes on.
type rowError struct{ p Problem }

func (e *rowError) Error() string { return e.p.En }

// scanText reads f once: whether it is valid UTF-8, its number of lines
// with content (a line of separators, quotes and spaces is empty; LF, CR LF
// and a lone CR end a line) and its first line.
func scanText(f io.Reader) (valid bool, lines int, first []byte, err error) {
	valid = true
	buf := make([]byte, 64<<10)
	var carry []byte
	content, prevCR := false, false
	for {
		n, rerr := f.Read(buf)
		chunk := buf[:n]
		if first == nil || (len(first) < 4096 && !bytes.ContainsAny(first, "\r\n")) {
			first = append(first, chunk[:min(len(chunk), 4096)]...)
			if i := bytes.IndexAny(first, "\r\n"); i >= 0 {
				first = first[:i]
			}
		}
		for _, c := range chunk {
			switch c {
			case '\n':
				if !prevCR && content {
					lines++
				}
				if !prevCR {
					content = false
				}
			case '\r':
				if content {
					lines++
				}
				content = false
			case ';', ',', '\t', ' ', '"':
			default:
				content = true
			}
			prevCR = c == '\r'
		}
		if valid {
			data := append(carry, chunk...)
			// Keep an incomplete rune at the end for the next chunk.
			cut := len(data)
			for i := len(data) - 1; i >= 0 && i >= len(data)-3; i-- {
				if utf8.RuneStart(data[i]) {
					if !utf8.FullRune(data[i:]) {
						cut = i
					}
					break
				}
			}
			if !utf8.Valid(data[:cut]) {
				valid = false
			}
			carry = append([]byte(nil), data[cut:]...)
		}
		if rerr == io.EOF {
			if len(carry) > 0 {
				valid = false
			}
			if content {
				lines++
			}
			return valid, lines, first, nil
		}
		if rerr != nil {
			return false, 0, nil, rerr
		}
	}
}

// detectSeparator picks the field separator of a CSV file from its header
// line: the most frequent of ; , and tab outside quotes (; when tied, as
// Russian Excel writes).
func detectSeparator(line []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(line) {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ';' || c == ',' || c == '\t'):
			counts[c]++
		}
	}
	best := ';'
	for _, c := range []rune{',', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// maxColumnWarnings bounds the warnings about unknown columns: a file with
// thousands of them gets the first ones and a count.
const maxColumnWarnings = 20

// readHeader finds the header row (the first non-empty row) and maps its
// cells to column keys.
func (r *LoanReader) readHeader() error {
	for {
		cells, row, err := r.next()
		var re *rowError
		if errors.As(err, &re) {
			return &InputError{Text: calc.Text{Ru: "строка заголовка не читается: " + re.p.Ru, En: "the header row cannot be read: " + re.p.En}}
		}
		if err == io.EOF {
			return inputErr(calc.Text{Ru: "в файле нет строк: первая строка должна называть столбцы (%s)", En: "the file has no rows: the first row must name the columns (%s)"}, requiredKeys())
		}
		if err != nil {
			return err
		}
		if isEmptyRow(cells) {
			continue
		}
		r.cols = make([]string, len(cells))
		where := map[string]int{}
		unknown := 0
		defer func() {
			if unknown > maxColumnWarnings {
				r.warnings = append(r.warnings, Warning{
					Ru: fmt.Sprintf("ещё %d столбцов не входят в шаблон и пропущены", unknown-maxColumnWarnings),
					En: fmt.Sprintf("%d more columns are not input columns and were ignored", unknown-maxColumnWarnings),
				})
			}
		}()
		for i, h := range cells {
			h = strings.TrimSpace(h)
			if h == "" {
				continue
			}
			key, ok := headerKey(h)
			if !ok {
				unknown++
				if unknown <= maxColumnWarnings {
					r.warnings = append(r.warnings, Warning{
						Ru: fmt.Sprintf("столбец %s «%s» не входит в шаблон и пропущен", col(i+1), cut(h, 100)),
						En: fmt.Sprintf("column %s %q is not an input column and was ignored", col(i+1), cut(h, 100)),
					})
				}
				continue
			}
			if j, dup := where[key]; dup {
				return inputErr(calc.Text{Ru: "столбец %s указан дважды (столбцы %s и %s)", En: "column %s appears twice (columns %s and %s)"},
					key, col(j+1), col(i+1))
			}
			where[key] = i
			r.cols[i] = key
		}
		var missing []string
		for _, c := range columns {
			if !c.Required {
				continue
			}
			if _, ok := where[c.Key]; ok {
				continue
			}
			if c.Key == ColProgramme && r.opt.Programme != "" {
				continue
			}
			missing = append(missing, c.Key)
		}
		if len(missing) > 0 {
			m := strings.Join(missing, ", ")
			return &InputError{Text: calc.Text{
				Ru: fmt.Sprintf("нет обязательных столбцов: %s (заголовком считается строка %d); первая строка должна называть столбцы, как в шаблоне", m, row),
				En: fmt.Sprintf("required columns are missing: %s (row %d was taken as the header); the first row must name the columns, as in the template", m, row),
			}}
		}
		if r.exact {
			r.estimate = max(r.estimate-1, 0) // the header had content
		} else {
			r.estimate = max(r.estimate-row, 0) // rows after the header
		}
		return nil
	}
}

func requiredKeys() string {
	var k []string
	for _, c := range columns {
		if c.Required {
			k = append(k, c.Key)
		}
	}
	return strings.Join(k, ", ")
}

func isEmptyRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Estimate returns the number of data rows the file seems to hold (from the
// sheet's dimension or the CSV's lines), for a progress bar; it may count
// empty rows. The exact count is known at the end.
func (r *LoanReader) Estimate() int { return r.estimate }

// Warnings returns the warnings so far (unknown columns, sheets not read).
func (r *LoanReader) Warnings() []Warning { return r.warnings }

// Rows returns the number of data rows read so far; EmptyRows the number of
// empty rows skipped.
func (r *LoanReader) Rows() int      { return r.rows }
func (r *LoanReader) EmptyRows() int { return r.empty }

// Close releases the file.
func (r *LoanReader) Close() error {
	var first error
	for i := len(r.closers) - 1; i >= 0; i-- {
		if err := r.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	r.closers = nil
	return first
}

// Next returns the next data row, decoded, and io.EOF after the last one.
// Empty rows are skipped (and counted); every other row is returned, with
// Problems when a cell could not be read. A file with more than MaxRows
// data rows gives an *[InputError].
func (r *LoanReader) Next() (*Loan, error) {
	for {
		cells, row, err := r.next()
		var re *rowError
		if errors.As(err, &re) {
			// A line that cannot be split is a rejected row, never a
			// silent loss.
			if err := r.count(); err != nil {
				return nil, err
			}
			return &Loan{Row: row, Problems: []Problem{re.p}, cells: map[string]string{}}, nil
		}
		if err != nil {
			return nil, err
		}
		if isEmptyRow(cells) {
			r.empty++
			continue
		}
		if err := r.count(); err != nil {
			return nil, err
		}
		return r.decode(cells, row), nil
	}
}

// count counts one more data row against MaxRows.
func (r *LoanReader) count() error {
	r.rows++
	if r.rows > r.opt.MaxRows {
		return inputErr(calc.Text{Ru: "в файле больше %d кредитов (чтение остановлено после %d строк): разделите его на файлы поменьше", En: "the file has more than %d loans (stopped after %d rows): split it into smaller files"}, r.opt.MaxRows, r.rows-1)
	}
	return nil
}

// maxCellBytes is the longest cell of a loan row, in bytes.
const maxCellBytes = 4096

// decode turns the cells of one row into a Loan.
func (r *LoanReader) decode(cells []string, row int) *Loan {
	l := &Loan{Row: row}
	val := map[string]string{}
	for i, c := range cells {
		if i < len(r.cols) && r.cols[i] != "" {
			val[r.cols[i]] = strings.TrimSpace(c)
		}
	}
	l.cells = val
	problem := func(col string, err error) {
		p := Problem{Column: col, Value: cut(val[col], 100)}
		var ce *cellError
		if errors.As(err, &ce) {
			p.Text = ce.Text
		} else {
			p.En, p.Ru = err.Error(), err.Error()
		}
		l.Problems = append(l.Problems, p)
	}
	// No cell of a loan is long (50 participants fit in 2 KiB); a longer
	// one is refused and not kept, so that a file of many rows pointing at
	// one huge shared string cannot fill the report or the memory.
	for col, v := range val {
		if len(v) > maxCellBytes {
			problem(col, badCell(calc.Text{
				Ru: fmt.Sprintf("слишком длинное значение: не более %d символов", maxCellBytes),
				En: fmt.Sprintf("too long: at most %d characters", maxCellBytes),
			}))
			val[col] = cut(v, 100)
		}
	}
	req := &calc.Request{Lang: Lang(r.opt.Lang)}
	l.ID = val[ColID]
	l.Project = val[ColProject]
	req.Project.Name = l.Project
	if l.ID == "" {
		problem(ColID, badCell(calc.Text{Ru: "пусто: у каждого кредита должен быть номер", En: "empty: every loan needs its reference"}))
	} else if first, dup := r.seen[l.ID]; dup {
		problem(ColID, badCell(
			calc.Text{Ru: fmt.Sprintf("такой же номер, как в строке %d: номера в файле не должны повторяться", first), En: fmt.Sprintf("the same id as row %d: ids must be unique in the file", first)}))
	} else {
		r.seen[l.ID] = row
	}
	for _, c := range columns {
		if !c.Required || c.Key == ColID {
			continue
		}
		if val[c.Key] == "" && !(c.Key == ColProgramme && r.opt.Programme != "") {
			problem(c.Key, badCell(calc.Text{Ru: "пусто: столбец обязателен", En: "empty: the column is required"}))
		}
	}
	num := func(key string) (decimal.Decimal, bool) {
		s := val[key]
		if s == "" {
			return decimal.Zero, false
		}
		if r.xlsx {
			if d, ok := spreadsheetNumber(s); ok {
				return d, true
			}
		}
		d, err := parseNumber(s)
		if err != nil {
			problem(key, err)
			return decimal.Zero, false
		}
		return d, true
	}
	integer := func(key string) int {
		d, ok := num(key)
		if !ok {
			return 0
		}
		if !d.IsInteger() || d.Abs().GreaterThan(decimal.NewFromInt(1_000_000)) {
			problem(key, badCell(calc.Text{Ru: "не целое число", En: "not a whole number"}))
			return 0
		}
		return int(d.IntPart())
	}
	date := func(key string) *calc.Date {
		s := val[key]
		if s == "" {
			return nil
		}
		d, err := parseDate(s, r.date1904)
		if err != nil {
			problem(key, err)
			return nil
		}
		return &d
	}
	code := func(key string, upper bool) string {
		s := val[key]
		if s == "" {
			return ""
		}
		v, err := parseCode(s, columnByKey[key].Values, upper)
		if err != nil {
			problem(key, err)
		}
		return v
	}

	if s := val[ColParticipants]; s != "" {
		ps, err := parseParticipants(s)
		if err != nil {
			problem(ColParticipants, err)
		}
		req.Project.Participants = ps
	}
	req.Subsidy.Programme = code(ColProgramme, false)
	if req.Subsidy.Programme == "" && val[ColProgramme] == "" {
		req.Subsidy.Programme = r.opt.Programme
	}
	if d, ok := num(ColAmount); ok {
		req.Loan.Amount = d
	}
	req.Loan.Currency = code(ColCurrency, true)
	if s := val[ColRate]; s != "" {
		pct := strings.HasSuffix(s, "%")
		var d decimal.Decimal
		var ok bool
		if pct {
			if v, err := parseNumber(strings.TrimSuffix(s, "%")); err == nil {
				d, ok = v, true
			} else {
				problem(ColRate, err)
			}
		} else {
			d, ok = num(ColRate)
		}
		switch {
		case ok && r.xlsx && !pct && d.IsPositive() && d.LessThan(decimal.NewFromInt(1)):
			problem(ColRate, badCell(
				calc.Text{Ru: "похоже на ячейку в формате «процент» (24,5 % хранится как 0,245): укажите ставку числом процентов, 24,5", En: "looks like a percent-formatted cell (24.5 % is stored as 0.245): type the rate as a number of percent, 24.5"}))
		case ok:
			req.Loan.Rate = &d
		}
	}
	if d := date(ColIssueDate); d != nil {
		req.Loan.IssueDate = *d
	}
	req.Loan.TermMonths = integer(ColTermMonths)
	req.Loan.Repayment = code(ColRepayment, false)
	req.Loan.Frequency = code(ColFrequency, false)
	req.Loan.GraceMonths = integer(ColGraceMonths)
	req.Loan.DayCount = code(ColDayCount, false)
	req.Subsidy.Start = date(ColSubsidyStart)
	req.Subsidy.End = date(ColSubsidyEnd)
	if d, ok := num(ColCapFX); ok {
		req.Subsidy.FX = []calc.FXRate{{Rate: d}}
	}
	l.ApplicationDate = date(ColApplicationDate)
	if len(l.Problems) == 0 {
		l.Request = req
	} else {
		l.validateRest(req)
	}
	return l
}

// validateRest adds the engine's objections to the cells that were read
// well, so that a rejected row lists every bad cell at once, not only
// those the reader caught. A column already reported is not reported
// again (its value stood in as zero).
func (l *Loan) validateRest(req *calc.Request) {
	var ce *calc.Error
	if !errors.As(calc.Validate(req), &ce) {
		return
	}
	seen := map[string]bool{}
	for _, p := range l.Problems {
		seen[p.Column] = true
	}
	for _, f := range ce.Fields {
		c := fieldColumn(f.Field)
		if seen[c] || columnByKey[c] == nil {
			continue
		}
		seen[c] = true
		l.Problems = append(l.Problems, Problem{Column: c, Value: cut(l.cells[c], 100), Text: f.Text})
	}
}

// cut shortens s to n runes, looking at no more of s than that: a cell
// may be megabytes long, and turning all of it into runes for every
// message cost 28 MB a call.
func cut(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}
