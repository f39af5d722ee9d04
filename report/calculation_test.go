package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decp(s string) *decimal.Decimal { d := dec(s); return &d }

func datep(s string) *calc.Date { d := calc.MustDate(s); return &d }

// apiExample is the request of API.md "One calculation".
func apiExample() *calc.Request {
	year := 2025
	return &calc.Request{
		Project: calc.Project{
			Name: "=HYPERLINK(\"http://evil\",\"Electric bus components\")",
			Participants: []calc.Participant{
				{Name: "Plant A", Country: "BY", Share: dec("40")},
				{Name: "Plant B", Country: "RU", Share: dec("35")},
				{Name: "Plant C", Country: "KZ", Share: dec("25")},
			},
		},
		Loan: calc.Loan{
			Amount: dec("1000000000.00"), Currency: "RUB", Rate: decp("24.5"),
			IssueDate: calc.MustDate("2025-03-14"), TermMonths: 60,
			Repayment: "annuity", Frequency: "monthly", GraceMonths: 12, DayCount: "act/act",
			Disbursements: []calc.Disbursement{
				{Date: calc.MustDate("2025-03-14"), Amount: dec("600000000.00")},
				{Date: calc.MustDate("2025-09-01"), Amount: dec("400000000.00")},
			},
			RateChanges: []calc.RatePoint{{Date: calc.MustDate("2026-03-14"), Rate: dec("22")}},
		},
		Subsidy: calc.SubsidyTerms{
			Programme: "eaeu-industrial",
			BaseRates: []calc.RatePoint{{Date: calc.MustDate("2025-01-01"), Rate: dec("21")}},
			AnnualCap: calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: dec("350000000"), Currency: "RUB"}},
			FX:        []calc.FXRate{{Year: &year, Rate: dec("1")}, {Rate: dec("1")}},
			Start:     datep("2025-03-14"),
			End:       datep("2030-03-14"),
		},
		DiscountRate: decp("16"),
		Lang:         "en",
	}
}

// twoStates is apiExample with participants from two member states only:
// the programme asks for three, so nothing is payable (SPEC §6).
func twoStates() *calc.Request {
	r := apiExample()
	r.Project.Name = "Two-state project"
	r.Project.Participants = []calc.Participant{
		{Name: "Plant A", Country: "BY", Share: dec("40")},
		{Name: "Plant B", Country: "RU", Share: dec("60")},
	}
	r.Lang = "ru"
	return r
}

// kztCapped is a tenge loan under the rouble cap, large enough for the cap
// to cut the subsidy.
func kztCapped() *calc.Request {
	return &calc.Request{
		Project: calc.Project{Name: "Станки", Participants: []calc.Participant{
			{Country: "KZ", Share: dec("50")}, {Country: "RU", Share: dec("30")}, {Country: "AM", Share: dec("20")},
		}},
		Loan: calc.Loan{
			Amount: dec("20000000000.00"), Currency: "KZT", Rate: decp("19.5"),
			IssueDate: calc.MustDate("2025-01-31"), TermMonths: 48, Repayment: "equal_principal",
			Frequency: "monthly", DayCount: "act/365",
		},
		Subsidy: calc.SubsidyTerms{
			Programme: "eaeu-industrial",
			FX:        []calc.FXRate{{Rate: dec("0.18")}},
		},
		Lang: "ru",
	}
}

type formulaCell struct {
	sheet, cell, formula, cached string
	col, row                     int
}

// formulas lists every formula cell of the workbook with its cached value.
func formulas(t *testing.T, path string) (sheets []string, cells []formulaCell) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range f.GetSheetList() {
		sheets = append(sheets, s)
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				fm, err := f.GetCellFormula(s, ref)
				if err != nil {
					t.Fatal(err)
				}
				if fm == "" {
					continue
				}
				v, err := f.GetCellValue(s, ref, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				cells = append(cells, formulaCell{s, ref, fm, v, c + 1, r + 1})
			}
		}
	}
	return sheets, cells
}

func lookup(rows [][]string, row, col int) string {
	if row-1 < len(rows) && col-1 < len(rows[row-1]) {
		return rows[row-1][col-1]
	}
	return ""
}

func sameNumber(a, b string) bool {
	x, err1 := decimal.NewFromString(strings.TrimSpace(a))
	y, err2 := decimal.NewFromString(strings.TrimSpace(b))
	return err1 == nil && err2 == nil && x.Equal(y)
}

// TestWriteCalculationRecalculated opens the workbook in LibreOffice,
// which recalculates every formula, and compares each formula's value with
// the figure the engine (and so the JSON API) gives.
func TestWriteCalculationRecalculated(t *testing.T) {
	needSoffice(t)
	cases := []struct {
		name      string
		req       func() *calc.Request
		lang      string
		sheetRows int // schedule rows a sheet (0: the default)
		spills    int // schedule sheets expected
	}{
		{name: "APIExampleEn", req: apiExample, lang: "en", spills: 1},
		{name: "KZTCapRuSpilled", req: kztCapped, lang: "ru", sheetRows: 20, spills: 3},
		{name: "IneligibleRu", req: twoStates, lang: "ru", spills: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := tc.req()
			res, err := calc.Calculate(req, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "calc.xlsx")
			var buf bytes.Buffer
			if tc.sheetRows > 0 {
				err = report.WriteCalculationRows(&buf, req, res, tc.lang, tc.sheetRows)
			} else {
				err = report.WriteCalculation(&buf, req, res, tc.lang)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			sheets, cells := formulas(t, path)
			if len(cells) < len(res.Schedule)*4 {
				t.Fatalf("only %d formula cells for %d periods", len(cells), len(res.Schedule))
			}
			var schedSheets []string
			for _, s := range sheets {
				if strings.HasPrefix(s, "Schedule") || strings.HasPrefix(s, "График") {
					schedSheets = append(schedSheets, s)
				}
			}
			if len(schedSheets) != tc.spills {
				t.Fatalf("schedule sheets %q, want %d", schedSheets, tc.spills)
			}
			got := recalc(t, path, sheets)

			// 1. Every formula, recalculated, gives the figure written as its
			// cached value.
			for _, c := range cells {
				if c.cached == "" {
					t.Errorf("%s!%s (%s) has no cached value", c.sheet, c.cell, c.formula)
					continue
				}
				lo := lookup(got[c.sheet], c.row, c.col)
				if !sameNumber(lo, c.cached) {
					t.Errorf("%s!%s = %s: LibreOffice %q, engine %q", c.sheet, c.cell, c.formula, lo, c.cached)
				}
			}

			// 2. The recalculated values are the JSON figures.
			var js struct {
				Schedule []map[string]any `json:"schedule"`
				Years    []map[string]any `json:"years"`
				Totals   map[string]any   `json:"totals"`
			}
			b, _ := json.Marshal(res)
			if err := json.Unmarshal(b, &js); err != nil {
				t.Fatal(err)
			}
			rowsPer := tc.sheetRows
			if rowsPer == 0 {
				rowsPer = len(res.Schedule) + 1
			}
			schedCols := map[int]string{9: "payment", 10: "closing_balance", 16: "subsidy_payable", 17: "borrower_interest", 18: "borrower_payment"}
			for i, p := range js.Schedule {
				sheet, row := schedSheets[i/rowsPer], i%rowsPer+2
				for c, key := range schedCols {
					if lo := lookup(got[sheet], row, c); !sameNumber(lo, p[key].(string)) {
						t.Errorf("period %d %s: LibreOffice %q, JSON %q", i+1, key, lo, p[key])
					}
				}
			}
			last := got[schedSheets[len(schedSheets)-1]]
			lastData := (len(js.Schedule)-1)%rowsPer + 2
			totalCols := map[int]string{7: "interest", 8: "principal", 9: "payments", 14: "subsidy", 15: "subsidy_paid", 16: "subsidy_payable", 17: "borrower_interest", 18: "borrower_payments"}
			for c, key := range totalCols {
				if lo := lookup(last, lastData+2, c); !sameNumber(lo, js.Totals[key].(string)) {
					t.Errorf("schedule total %s: LibreOffice %q, JSON %q", key, lo, js.Totals[key])
				}
			}
			years := got[sheets[len(schedSheets)+1]]
			yearCols := map[int]string{2: "interest", 3: "principal", 4: "subsidy", 5: "subsidy_paid", 6: "subsidy_payable", 7: "borrower_interest"}
			for i, y := range js.Years {
				for c, key := range yearCols {
					if lo := lookup(years, i+2, c); !sameNumber(lo, y[key].(string)) {
						t.Errorf("year %v %s: LibreOffice %q, JSON %q", y["year"], key, lo, y[key])
					}
				}
			}
		})
	}
}

// TestWriteCalculationLayout checks the workbook without LibreOffice:
// sheets in order, frozen header, autofilter, user text stored as text.
func TestWriteCalculationLayout(t *testing.T) {
	cases := []struct {
		lang   string
		sheets []string
	}{
		{"en", []string{"Summary", "Schedule", "Years", "Budget shares", "Chart"}},
		{"ru", []string{"Сводка", "График", "По годам", "Доли бюджета", "Диаграмма"}},
		{"", []string{"Сводка", "График", "По годам", "Доли бюджета", "Диаграмма"}},
	}
	req := apiExample()
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run("Lang"+tc.lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.WriteCalculation(&buf, req, res, tc.lang); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(tc.sheets, "|") {
				t.Fatalf("sheets %q, want %q", got, tc.sheets)
			}
			panes, err := f.GetPanes(tc.sheets[1])
			if err != nil || !panes.Freeze || panes.YSplit != 1 {
				t.Errorf("schedule header not frozen: %+v %v", panes, err)
			}
			rows, err := f.GetRows(tc.sheets[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(res.Schedule)+3 {
				t.Errorf("schedule has %d rows, want %d periods + header + blank + total", len(rows), len(res.Schedule))
			}
			// The project name that looks like a formula is a string cell.
			found := false
			srows, _ := f.GetRows(tc.sheets[0])
			for r, row := range srows {
				if len(row) > 1 && row[1] == req.Project.Name {
					ref, _ := excelize.CoordinatesToCellName(2, r+1)
					if fm, _ := f.GetCellFormula(tc.sheets[0], ref); fm != "" {
						t.Errorf("project name became a formula: %q", fm)
					}
					found = true
				}
			}
			if !found {
				t.Error("project name not on the summary")
			}
			// Two native charts on the Chart sheet.
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			charts := 0
			for _, zf := range zr.File {
				if strings.HasPrefix(zf.Name, "xl/charts/chart") {
					charts++
				}
			}
			if charts != 2 {
				t.Errorf("%d charts, want 2", charts)
			}
			// The second chart starts below the end of the first.
			for _, zf := range zr.File {
				if zf.Name != "xl/drawings/drawing1.xml" {
					continue
				}
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				m := regexp.MustCompile(`<xdr:from><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>.*?<xdr:to><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>`).FindAllStringSubmatch(string(b), -1)
				if len(m) != 2 {
					t.Fatalf("%d chart anchors", len(m))
				}
				end, _ := strconv.Atoi(m[0][2])
				start, _ := strconv.Atoi(m[1][1])
				if start <= end {
					t.Errorf("the second chart starts at row %d, the first ends at row %d", start, end)
				}
			}
		})
	}
}

func TestWriteScheduleCSV(t *testing.T) {
	req := apiExample()
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteScheduleCSV(&buf, res, "en"); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\uFEFFNo.,Period start,Payment date") {
		t.Errorf("header: %q", s[:min(len(s), 80)])
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) != len(res.Schedule)+1 {
		t.Errorf("%d lines for %d periods", len(lines), len(res.Schedule))
	}
	if !strings.Contains(lines[1], res.Schedule[0].Interest.String()) {
		t.Errorf("first period %q lacks interest %s", lines[1], res.Schedule[0].Interest)
	}
}

func TestCSVText(t *testing.T) {
	cases := map[string]string{
		"=1+2":            "'=1+2",
		"+7 495":          "'+7 495",
		"-x":              "'-x",
		"@SUM(A1)":        "'@SUM(A1)",
		"\tcmd":           "'\tcmd",
		"Plant A":         "Plant A",
		"":                "",
		"Завод = лучший":  "Завод = лучший",
		"'already quoted": "'already quoted",
	}
	for in, want := range cases {
		if got := report.CSVText(in); got != want {
			t.Errorf("CSVText(%q) = %q, want %q", in, got, want)
		}
	}
}
