package report

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Number formats. Money uses the built-in format 4 ("#,##0.00"): a
// spreadsheet program shows it with the reader's own separators, so a
// Russian Excel shows 1 000 000,00 and an English one 1,000,000.00. Dates use
// the built-in format 14, the reader's short date (14.03.2025 in Russian).
const (
	numFmtMoney   = 4
	numFmtDate    = 14
	numFmtInteger = 1
	percentFormat = "0.00##%"
	fxFormat      = "0.0000######"
)

// maxSheetRows is the number of rows a worksheet holds.
const maxSheetRows = excelize.TotalRows

// styles are the cell styles of one workbook.
type styles struct {
	title, header, bold, text, wrap        int
	money, moneyBold, date, percent, fx    int
	integer, integerBold, good, bad, muted int
}

func newStyles(f *excelize.File) (*styles, error) {
	var s styles
	pf, fxf := percentFormat, fxFormat
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	defs := []struct {
		dst *int
		st  excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.header, excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
			Border:    border,
		}},
		{&s.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.text, excelize.Style{NumFmt: 49}}, // "@": text, so a code such as 0012 stays text
		{&s.wrap, excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.money, excelize.Style{NumFmt: numFmtMoney}},
		{&s.moneyBold, excelize.Style{NumFmt: numFmtMoney, Font: &excelize.Font{Bold: true}}},
		{&s.date, excelize.Style{NumFmt: numFmtDate}},
		{&s.percent, excelize.Style{CustomNumFmt: &pf}},
		{&s.fx, excelize.Style{CustomNumFmt: &fxf}},
		{&s.integer, excelize.Style{NumFmt: numFmtInteger}},
		{&s.integerBold, excelize.Style{NumFmt: numFmtInteger, Font: &excelize.Font{Bold: true}}},
		{&s.good, excelize.Style{Font: &excelize.Font{Color: "1E7B34"}}},
		{&s.bad, excelize.Style{Font: &excelize.Font{Color: "C00000", Bold: true}}},
		{&s.muted, excelize.Style{Font: &excelize.Font{Color: "666666", Italic: true}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.st)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return &s, nil
}

// serial returns d as a spreadsheet date serial (1900 date system: 1 is
// 1900-01-01, counted with Lotus's 29 February 1900, so every date from
// 1900-03-01 on is days since 1899-12-30).
func serial(d calc.Date) int { return int(d) + 25569 }

// money returns m as the number of currency units, the double nearest to
// the exact decimal (m is below 2^53 minor units, so the conversion and the
// division are each correctly rounded).
func money(m calc.Money) float64 { return float64(m) / 100 }

// fraction returns a percentage as the fraction a percent-formatted cell
// holds: 24.5 becomes 0.245.
func fraction(p decimal.Decimal) float64 {
	f, _ := p.Shift(-2).Float64()
	return f
}

// number returns d as a float64 for a cell.
func number(d decimal.Decimal) float64 {
	f, _ := d.Float64()
	return f
}

// col returns the letters of column n (1-based): 1 is A, 28 is AB.
func col(n int) string {
	s, _ := excelize.ColumnNumberToName(n)
	return s
}

// ref returns the reference of the cell in column c, row r: ref(2, 3) is "B3".
func ref(c, r int) string { return col(c) + strconv.Itoa(r) }

// quote returns a sheet name as formulas refer to it: 'Сводка'.
func quote(sheet string) string { return "'" + strings.ReplaceAll(sheet, "'", "''") + "'" }

// absRange returns 'Sheet'!$C$r1:$C$r2.
func absRange(sheet string, c, r1, r2 int) string {
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", quote(sheet), col(c), r1, col(c), r2)
}

// cellOf returns a styled cell value for a StreamWriter or SetSheetRow.
func cellOf(style int, v any) excelize.Cell { return excelize.Cell{StyleID: style, Value: v} }

// formula returns a formula cell with its cached value, so that a viewer
// that does not recalculate still shows the right number.
func formula(style int, f string, cached any) excelize.Cell {
	return excelize.Cell{StyleID: style, Formula: f, Value: cached}
}

// safeText returns s for a string cell. Cells written by excelize as
// strings are never evaluated, so no escaping is needed in a workbook; the
// text is only cut to the 32,767 characters a cell holds.
func safeText(s string) string {
	if len(s) > excelize.TotalCellChars {
		r := []rune(s)
		if len(r) > excelize.TotalCellChars {
			s = string(r[:excelize.TotalCellChars])
		}
	}
	return s
}

// writeWorkbook writes f to w as it is zipped, without first building the
// whole file in memory (excelize's Write would buffer it). Level is a
// compress/flate level.
func writeWorkbook(f *excelize.File, w io.Writer, level int) error {
	cw := &countWriter{w: w}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(cw)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, level)
		})
		return zw
	})
	if err := f.Write(io.Discard); err != nil {
		return err
	}
	return cw.err
}

// countWriter remembers the first write error, which excelize's zip
// writer would otherwise report only on Close.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		c.err = err
	}
	return n, err
}

// spill writes rows with a StreamWriter onto a sheet and, when the sheet is
// full, onto further sheets named "Base (2)", "Base (3)", … . Each sheet
// gets the header row, a frozen header, an autofilter and column widths.
type spill struct {
	f        *excelize.File
	base     string
	header   []any
	widths   []float64
	capacity int // data rows per sheet

	sheets []string
	sw     *excelize.StreamWriter
	row    int   // last row written on the current sheet
	rows   []int // last data row of each closed sheet
	// totalsRow is the row of the totals on the last sheet (0: none).
	totalsRow int
}

// spillRows is the number of data rows a spill sheet takes: the sheet's
// rows less the header and two rows kept free for a totals row. Tests
// lower it to see the spill without a million rows.
var spillRows = maxSheetRows - 3

func newSpill(f *excelize.File, base string, header []any, widths []float64) *spill {
	return &spill{f: f, base: base, header: header, widths: widths, capacity: spillRows}
}

// sheetName returns the name of the n-th sheet (1-based).
func (s *spill) sheetName(n int) string {
	if n == 1 {
		return s.base
	}
	return fmt.Sprintf("%s (%d)", s.base, n)
}

// next returns the row the next data row goes to, opening a new sheet when
// needed.
func (s *spill) next() (int, error) {
	if s.sw == nil || s.row-1 >= s.capacity {
		if err := s.flush(); err != nil {
			return 0, err
		}
		if err := s.open(); err != nil {
			return 0, err
		}
	}
	s.row++
	return s.row, nil
}

// add writes one data row; build gets the row number, for formulas that
// refer to the row's own cells.
func (s *spill) add(build func(row int) []any) error {
	r, err := s.next()
	if err != nil {
		return err
	}
	return s.sw.SetRow("A"+strconv.Itoa(r), build(r))
}

// open starts the next sheet.
func (s *spill) open() error {
	name := s.sheetName(len(s.sheets) + 1)
	if idx, _ := s.f.GetSheetIndex(name); idx < 0 {
		if _, err := s.f.NewSheet(name); err != nil {
			return err
		}
	}
	if err := printSetup(s.f, name); err != nil {
		return err
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range s.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", s.header, excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	s.sheets = append(s.sheets, name)
	s.sw, s.row = sw, 1
	return nil
}

// flush closes a full sheet.
func (s *spill) flush() error {
	if s.sw == nil {
		return nil
	}
	s.rows = append(s.rows, s.row)
	return s.end()
}

func (s *spill) end() error {
	last := max(s.rows[len(s.rows)-1], 2)
	if err := s.f.AutoFilter(s.sw.Sheet, "A1:"+ref(len(s.header), last), nil); err != nil {
		return err
	}
	err := s.sw.Flush()
	s.sw = nil
	return err
}

// close ends the last sheet (opening one when no row was written). When
// totals is not nil it writes a totals row one blank row below the data;
// totals may call ranges.
func (s *spill) close(totals func(row int) []any) error {
	if len(s.sheets) == 0 {
		if err := s.open(); err != nil {
			return err
		}
	}
	s.rows = append(s.rows, s.row)
	if totals != nil {
		s.totalsRow = s.row + 2
		if err := s.sw.SetRow(ref(1, s.totalsRow), totals(s.totalsRow)); err != nil {
			return err
		}
	}
	return s.end()
}

// ranges returns the data range of column c on every sheet, for a SUM:
// 'Schedule'!$G$2:$G$61,'Schedule (2)'!$G$2:$G$9. Call it after close.
func (s *spill) ranges(c int) string {
	parts := make([]string, len(s.sheets))
	for i, name := range s.sheets {
		parts[i] = absRange(name, c, 2, max(s.rows[i], 2))
	}
	return strings.Join(parts, ",")
}

// lastSheet returns the name of the last sheet.
func (s *spill) lastSheet() string { return s.sheets[len(s.sheets)-1] }

// printSetup makes a sheet print landscape and one page wide (as many pages
// long as it needs), so that a printed schedule keeps its columns
// together. It must run before the sheet's StreamWriter is opened: the
// writer keeps these settings, and setting them after a flush would make
// excelize read the whole streamed sheet back.
func printSetup(f *excelize.File, sheet string) error {
	landscape, wide, long, fit := "landscape", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	return f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}
