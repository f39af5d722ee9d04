package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
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

func loadClaim(t *testing.T, name string) *calc.ClaimRequest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "golden", "claims", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var req calc.ClaimRequest
	if err := json.Unmarshal(b, &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

// simpleQuarter is a plain loan claimed for one quarter: the form that
// must print on one A4 landscape page.
func simpleQuarter(t *testing.T) (*calc.ClaimRequest, *calc.ClaimResult) {
	t.Helper()
	req := loadClaim(t, "eaeu-eligible")
	req.Project.Participants[0].Name = "=HYPERLINK(\"http://x\")" // text, never a formula
	req.Claims = calc.ClaimPeriods{Periods: []calc.DateRange{{From: calc.MustDate("2025-04-01"), To: calc.MustDate("2025-07-01")}}}
	res, err := calc.Claim(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return req, res
}

func cached(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// claimFirstRow is the first row of a period sheet's table.
const claimFirstRow = 14

// TestClaimWorkbookCachedValues: every amount cell is a formula whose
// cached value is the engine's figure.
func TestClaimWorkbookCachedValues(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		req := loadClaim(t, "overdue-month-end")
		res, err := calc.Claim(req, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.WriteClaim(&buf, req, res, lang); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sheets := f.GetSheetList()
		if len(sheets) != 1+len(res.Periods) {
			t.Fatalf("%s: sheets %v", lang, sheets)
		}
		for i, p := range res.Periods {
			sh := sheets[i+1]
			for k, r := range p.Rows {
				n := strconv.Itoa(claimFirstRow + k)
				for col, want := range map[string]calc.Money{"H": r.SubsidisedBalance, "K": r.AmountRule, "N": r.AmountLimit, "O": r.Amount} {
					fm, _ := f.GetCellFormula(sh, col+n)
					if fm == "" {
						t.Errorf("%s %s%s: no formula", sh, col, n)
					}
					if got := cached(t, f, sh, col+n); !sameAmount(got, want) {
						t.Errorf("%s %s%s cached %s, want %s", sh, col, n, got, want)
					}
				}
			}
		}
		f.Close()
	}
}

func sameAmount(cell string, m calc.Money) bool {
	d, err := decimal.NewFromString(strings.TrimSpace(cell))
	return err == nil && d.Equal(m.Decimal())
}

// TestClaimWorkbookRecalculated: LibreOffice recalculates the form (its
// own ROUND, MIN and SUM) to the API's figures, row by row and in total.
func TestClaimWorkbookRecalculated(t *testing.T) {
	needSoffice(t)
	for _, name := range []string{"overdue-month-end", "cap-mid-quarter", "new-year-leap", "fixing-payment-date-30360", "ineligible"} {
		t.Run(name, func(t *testing.T) {
			req := loadClaim(t, name)
			res, err := calc.Claim(req, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "claim.xlsx")
			var buf bytes.Buffer
			if err := report.WriteClaim(&buf, req, res, "en"); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			names := []string{"Summary"}
			for i := range res.Periods {
				names = append(names, "Period "+strconv.Itoa(i+1))
			}
			got := recalc(t, path, names)
			for i, p := range res.Periods {
				rows := got[names[i+1]]
				cell := func(r, c int) string {
					if r-1 < len(rows) && c-1 < len(rows[r-1]) {
						return rows[r-1][c-1]
					}
					return ""
				}
				for k, r := range p.Rows {
					for c, want := range map[int]calc.Money{8: r.SubsidisedBalance, 11: r.AmountRule, 14: r.AmountLimit, 15: r.Amount} {
						if v := cell(14+k, c); !sameAmount(v, want) {
							t.Errorf("period %d row %d column %d: LibreOffice %q, engine %s", i+1, k+1, c, v, want)
						}
					}
				}
				totalRow := 14 + len(p.Rows)
				if v := cell(totalRow, 15); !sameAmount(v, p.Claimed) {
					t.Errorf("period %d total %q, engine %s", i+1, v, p.Claimed)
				}
				// Payable: the third line under the table when a cap applies.
				found := false
				for r := totalRow + 1; r <= totalRow+8; r++ {
					if strings.HasPrefix(cell(r, 10), "Payable") {
						found = true
						if v := cell(r, 15); !sameAmount(v, p.Payable) {
							t.Errorf("period %d payable %q, engine %s", i+1, v, p.Payable)
						}
					}
				}
				if !found {
					t.Errorf("period %d: no Payable line", i+1)
				}
			}
			sum := got["Summary"]
			for _, line := range sum {
				if len(line) > 4 && line[0] == "Total" {
					if !sameAmount(line[3], res.Totals.Claimed) || !sameAmount(line[4], res.Totals.Payable) {
						t.Errorf("summary totals %v, engine %+v", line, res.Totals)
					}
				}
			}
		})
	}
}

// TestClaimFormPDF renders a quarter of a simple loan to PDF: one A4
// landscape page. SUBSIDY_CLAIM_PNG=dir also writes the page as a PNG.
func TestClaimFormPDF(t *testing.T) {
	needSoffice(t)
	req, res := simpleQuarter(t)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := report.WriteClaim(&buf, req, res, "ru"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "claim.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := toPDF(t, path)
	raw, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	// Two sheets, the summary and the period: one page each, A4 landscape
	// (842 × 595 points).
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(raw, -1)
	if len(pages) != 2 {
		t.Errorf("%d pages, want 2 (the summary and one period)", len(pages))
	}
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)`).FindAllSubmatch(raw, -1)
	if len(boxes) == 0 {
		t.Fatal("no MediaBox in the PDF")
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		if w < 841 || w > 843 || h < 594 || h > 596 {
			t.Errorf("page %.2f × %.2f points, want A4 landscape 841.89 × 595.28", w, h)
		}
	}
	if out := os.Getenv("SUBSIDY_CLAIM_PNG"); out != "" {
		if b, err := exec.Command("pdftoppm", "-png", "-r", "80", pdf, filepath.Join(out, "claim")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, b)
		}
	}
}

func TestClaimCSV(t *testing.T) {
	req := loadClaim(t, "overdue-month-end")
	res, err := calc.Claim(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteClaimCSV(&buf, res, "en"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range res.Periods {
		n += len(p.Rows)
	}
	if len(rows) != n+1 || rows[1][15] != res.Periods[0].Rows[0].Amount.String() || rows[1][3] != (res.Periods[0].Rows[0].To-1).String() {
		t.Fatalf("csv %v", rows[:2])
	}
}

// TestRegisterWorkbook: the register's totals recalculate to the engine's.
func TestRegisterWorkbook(t *testing.T) {
	var loans []calc.ClaimRequest
	for i, n := range []string{"cap-mid-quarter", "ineligible", "late-drawdown"} {
		l := loadClaim(t, n)
		l.ID = "L" + strconv.Itoa(i)
		l.Claims = calc.ClaimPeriods{}
		loans = append(loans, *l)
	}
	reg, err := calc.Register(&calc.RegisterRequest{Period: calc.DateRange{From: calc.MustDate("2025-07-01"), To: calc.MustDate("2025-10-01")}, Loans: loans}, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "register.xlsx")
	var buf bytes.Buffer
	if err := report.WriteRegister(&buf, reg, "en"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := recalc(t, path, []string{"Register"})["Register"]
	ok := false
	for _, line := range got {
		if len(line) > 12 && line[0] == "Total" {
			ok = true
			if !sameAmount(line[9], reg.Totals[0].Claimed) || !sameAmount(line[10], reg.Totals[0].ClaimedYear) {
				t.Errorf("totals %v, engine %+v", line, reg.Totals[0])
			}
		}
	}
	if !ok {
		t.Fatalf("no totals line: %v", got)
	}
}
