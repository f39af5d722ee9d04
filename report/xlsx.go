package report

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// fontFamily is the one font of every workbook, cells and charts alike:
// Arial is on every office machine, and LibreOffice without it takes its
// metric twin Liberation Sans (or DejaVu Sans), never a serif face.
const fontFamily = "Arial"

// fontSize is the size of body text, in points.
const fontSize = 10

// styles are the cell styles of one workbook.
type styles struct {
	title, header, bold, text, wrap         int
	money, moneyBold, date, percent, fx     int
	integer, integerBold, good, bad, muted  int
	center, banner, bannerBad, number, note int
}

func font(bold bool, size float64, color string) *excelize.Font {
	return &excelize.Font{Family: fontFamily, Bold: bold, Size: size, Color: color}
}

func newStyles(f *excelize.File) (*styles, error) {
	if err := f.SetDefaultFont(fontFamily); err != nil {
		return nil, err
	}
	var s styles
	pf, fxf := percentFormat, fxFormat
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	plain := font(false, fontSize, "000000")
	top := &excelize.Alignment{Vertical: "top"}
	defs := []struct {
		dst *int
		st  excelize.Style
	}{
		{&s.title, excelize.Style{Font: font(true, 13, "000000")}},
		{&s.header, excelize.Style{
			Font:      font(true, fontSize, "000000"),
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
			Border:    border,
		}},
		{&s.bold, excelize.Style{Font: font(true, fontSize, "000000"), Alignment: top}},
		{&s.text, excelize.Style{NumFmt: 49, Font: plain, Alignment: top}}, // "@": text, so a code such as 0012 stays text
		{&s.wrap, excelize.Style{Font: plain, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.money, excelize.Style{NumFmt: numFmtMoney, Font: plain, Alignment: top}},
		{&s.moneyBold, excelize.Style{NumFmt: numFmtMoney, Font: font(true, fontSize, "000000"), Alignment: top}},
		{&s.date, excelize.Style{NumFmt: numFmtDate, Font: plain, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}}},
		{&s.percent, excelize.Style{CustomNumFmt: &pf, Font: plain, Alignment: top}},
		{&s.fx, excelize.Style{CustomNumFmt: &fxf, Font: plain, Alignment: top}},
		{&s.integer, excelize.Style{NumFmt: numFmtInteger, Font: plain, Alignment: top}},
		{&s.integerBold, excelize.Style{NumFmt: numFmtInteger, Font: font(true, fontSize, "000000"), Alignment: top}},
		{&s.good, excelize.Style{Font: font(false, fontSize, "1E7B34"), Alignment: top}},
		{&s.bad, excelize.Style{Font: font(true, fontSize, "C00000"), Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.muted, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: fontSize, Color: "555555", Italic: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&s.center, excelize.Style{Font: plain, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&s.banner, excelize.Style{Font: font(true, 11, "1E7B34"),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2EFDA"}}}},
		{&s.bannerBad, excelize.Style{Font: font(true, 11, "C00000"),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4E4"}}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: fontSize, Color: "555555", Italic: true}}},
		{&s.number, excelize.Style{Font: plain, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top"}}},
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

// localDates makes the workbook's dates read the way its language writes
// them: 14.03.2025 in Russian, 2025-03-14 in English (a built-in short
// date would follow the reader's locale, and a Russian workbook opened on
// an English machine would show 3/14/2025).
func (s *styles) localDates(f *excelize.File, lang string) error {
	layout := "dd.mm.yyyy"
	if Lang(lang) == "en" {
		layout = "yyyy-mm-dd"
	}
	id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &layout, Font: font(false, fontSize, "000000"),
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "top"}})
	s.date = id
	return err
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
	header   []string
	style    int // of the header
	widths   []float64
	page     page
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

func newSpill(f *excelize.File, base string, header []string, style int, widths []float64, pg page) *spill {
	pg.TitleRows = 1
	return &spill{f: f, base: base, header: header, style: style, widths: widths, page: pg, capacity: spillRows}
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
	if err := setPage(s.f, name, s.page); err != nil {
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
	cells, opts := headerRow(s.style, s.header, s.widths)
	if err := sw.SetRow("A1", cells, opts); err != nil {
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

// page is how a sheet prints: A4, Landscape or portrait, as many pages wide
// as Wide (1 unless set), TitleRows (rows 1…TitleRows) repeated at the top
// of every page, and a footer with the sheet's name, Footer (the rules
// version and generation time) and the page number.
type page struct {
	Landscape bool
	Wide      int
	TitleRows int
	Footer    string
	Lang      string
}

// paperA4 is the paper size code of A4 in SpreadsheetML.
const paperA4 = 9

// setPage applies p to sheet. It must run before the sheet's StreamWriter
// is opened: the writer keeps these settings, and setting them after a
// flush would make excelize read the whole streamed sheet back.
func setPage(f *excelize.File, sheet string, p page) error {
	orient, size, long, fit := "portrait", paperA4, 0, true
	if p.Landscape {
		orient = "landscape"
	}
	wide := max(p.Wide, 1)
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	lr, tb, hf := 0.4, 0.5, 0.25
	bottom := 0.65
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &lr, Right: &lr, Top: &tb, Bottom: &bottom, Header: &hf, Footer: &hf}); err != nil {
		return err
	}
	ft := `&"` + fontFamily + `,Regular"&8`
	pageOf := calc.Text{Ru: "Стр. &P из &N", En: "Page &P of &N"}.In(p.Lang)
	footer := "&L" + ft + "&A&C" + ft + footerText(p.Footer) + "&R" + ft + pageOf
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return err
	}
	if p.TitleRows > 0 {
		return f.SetDefinedName(&excelize.DefinedName{
			Name: "_xlnm.Print_Titles", Scope: sheet,
			RefersTo: fmt.Sprintf("%s!$1:$%d", quote(sheet), p.TitleRows),
		})
	}
	return nil
}

// footerText escapes s for a header or footer (& starts a code there) and
// cuts it so that the whole footer stays within the 255 characters a
// footer holds.
func footerText(s string) string {
	s = strings.ReplaceAll(s, "&", "&&")
	if r := []rune(s); len(r) > 150 {
		s = string(r[:150])
	}
	return s
}

// footerLine is the footer's middle: the programme's rules version and the
// generation time, in lang.
func footerLine(rules string, at time.Time, lang string) string {
	gen := calc.Text{Ru: "сформировано ", En: "generated "}.In(lang) + at.UTC().Format("2006-01-02 15:04") + " UTC"
	if rules == "" {
		return gen
	}
	return calc.Text{Ru: "правила ", En: "rules "}.In(lang) + rules + " · " + gen
}

// lines returns how many lines s takes in a cell width characters wide
// when the cell wraps its text; bold text is wider. The estimate errs on
// the generous side (fonts differ between programs: Arial, Liberation
// Sans, DejaVu Sans), so a row sized by it never cuts its text.
func lines(s string, width float64, bold bool) int {
	if s == "" {
		return 1
	}
	per := 1.05 // characters of the column's unit a character takes
	if bold {
		per = 1.12
	}
	room := max(width-1, 1)
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n++
		used := 0.0
		for i, w := range strings.Fields(para) {
			lw := float64(utf8.RuneCountInString(w)) * per
			if i > 0 && used+per+lw > room {
				n++
				used = 0
			} else if i > 0 {
				used += per
			}
			for lw > room { // a word longer than the column breaks
				n++
				lw -= room
			}
			used += lw
		}
	}
	return n
}

// rowHeight is the height in points of a row whose tallest cell has n
// lines of body text.
func rowHeight(n int) float64 { return float64(max(n, 1))*13 + 3 }

// headerRow returns the header cells for labels in style st and the row
// options that make the row tall enough for the wrapped labels in their
// column widths.
func headerRow(st int, labels []string, widths []float64) ([]any, excelize.RowOpts) {
	cells := make([]any, len(labels))
	n := 1
	for i, l := range labels {
		cells[i] = cellOf(st, l)
		w := 10.0
		if i < len(widths) {
			w = widths[i]
		}
		n = max(n, lines(l, w, true))
	}
	return cells, excelize.RowOpts{Height: rowHeight(n)}
}

// printSetup makes a sheet print landscape and one page wide (as many
// pages long as it needs). Like setPage it must run before the sheet's
// StreamWriter is opened.
func printSetup(f *excelize.File, sheet string) error {
	landscape, wide, long, fit := "landscape", 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	return f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
}
