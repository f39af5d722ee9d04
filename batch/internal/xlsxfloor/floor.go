// Package xlsxfloor is the floor a batch run is measured against (issue
// 14): a bare excelize program that does what a batch run cannot avoid,
// and nothing else. It reads a batch input with excelize's row iterator
// and writes a Projects sheet of the batch report's shape (29 columns:
// 20 fixed, the payable subsidy of 8 years, a note; one row per loan,
// numbers as numbers, the report's number formats) with excelize's
// StreamWriter, compressed at the report's level (flate.BestSpeed).
//
// It computes nothing: the figures of a row are derived from its amount
// by a multiplication, so that the sheet holds as many digits as a real
// report. It is competent, not deliberately slow: one reused row slice,
// raw cell values, no per-cell formatting through fmt.
//
// It lives under internal/ and is run only by its test (TestRun), so it
// is never part of the shipped binary; see docs/performance.md.
package xlsxfloor

import (
	"archive/zip"
	"compress/flate"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Columns of the floor's Projects sheet, as in the batch report.
const (
	fixedColumns = 20
	yearColumns  = 8
	columns      = fixedColumns + yearColumns + 1
)

// Run reads the first sheet of the xlsx batch input at in (its header row
// naming the columns as the template does) and writes the Projects sheet
// to out. It returns the number of loan rows written.
func Run(in string, out io.Writer) (int, error) {
	src, err := excelize.OpenFile(in)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	rows, err := src.Rows(src.GetSheetList()[0])
	if err != nil {
		return 0, err
	}
	defer rows.Close()

	dst := excelize.NewFile()
	defer dst.Close()
	money, err := dst.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return 0, err
	}
	percent, err := dst.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return 0, err
	}
	date, err := dst.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return 0, err
	}
	if err := dst.SetSheetName("Sheet1", "Projects"); err != nil {
		return 0, err
	}
	sw, err := dst.NewStreamWriter("Projects")
	if err != nil {
		return 0, err
	}
	header := make([]any, columns)
	for i := range header {
		header[i] = "column " + strconv.Itoa(i+1)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return 0, err
	}

	raw := excelize.Options{RawCellValue: true}
	var col map[string]int // input column of each key
	row := make([]any, columns)
	cells := make([]excelize.Cell, columns)
	n := 0
	for rows.Next() {
		in, err := rows.Columns(raw)
		if err != nil {
			return n, err
		}
		if col == nil {
			col = map[string]int{}
			for i, h := range in {
				if _, key, ok := strings.Cut(h, "("); ok {
					col[strings.TrimSuffix(key, ")")] = i
				}
			}
			continue
		}
		get := func(key string) string {
			if i, ok := col[key]; ok && i < len(in) {
				return in[i]
			}
			return ""
		}
		amount, _ := strconv.ParseFloat(get("amount"), 64)
		rate, _ := strconv.ParseFloat(get("rate"), 64)
		issue, _ := strconv.ParseFloat(get("issue_date"), 64)
		term, _ := strconv.Atoi(get("term_months"))
		n++
		cell := func(i int, style int, v any) { cells[i] = excelize.Cell{StyleID: style, Value: v}; row[i] = &cells[i] }
		cell(0, 0, n+1)
		cell(1, 0, get("id"))
		cell(2, 0, get("project"))
		cell(3, 0, "computed")
		cell(4, 0, "yes")
		cell(5, 0, get("programme"))
		cell(6, 0, get("currency"))
		cell(7, money, amount)
		cell(8, percent, rate/100)
		cell(9, date, issue)
		cell(10, 0, term)
		for i := 11; i < 17; i++ { // interest, subsidy, …, present value
			cell(i, money, cents(amount*float64(i)/29))
		}
		for i := 17; i < 20; i++ { // grant element, effective rates
			cell(i, percent, math.Round(rate*float64(i)*100)/1e6)
		}
		for i := fixedColumns; i < fixedColumns+yearColumns; i++ {
			cell(i, money, cents(amount*float64(i)/97))
		}
		cell(columns-1, 0, get("participants"))
		if err := sw.SetRow("A"+strconv.Itoa(n+1), row); err != nil {
			return n, err
		}
	}
	if err := rows.Error(); err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	dst.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	return n, dst.Write(out)
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }
