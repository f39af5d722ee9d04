package report_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

func comparison(t *testing.T) (*calc.Request, *calc.Comparison) {
	t.Helper()
	rate := decimal.RequireFromString("24.5")
	req := &calc.Request{
		Project: calc.Project{Name: "Электробусы", Participants: []calc.Participant{
			{Country: "BY", Share: decimal.NewFromInt(40)}, {Country: "RU", Share: decimal.NewFromInt(60)}}},
		Loan: calc.Loan{Amount: decimal.RequireFromString("1000000000"), Currency: "RUB", Rate: &rate,
			IssueDate: calc.MustDate("2025-03-14"), TermMonths: 60},
	}
	cmp, err := calc.Compare(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return req, cmp
}

// TestComparisonWorkbook checks the sheets and that LibreOffice, which
// recalculates every formula, gets each programme's payable total.
func TestComparisonWorkbook(t *testing.T) {
	req, cmp := comparison(t)
	var b bytes.Buffer
	if err := report.WriteComparison(&b, req, cmp, "en"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2+len(cmp.Programmes) || sheets[0] != "Comparison" {
		t.Fatalf("sheets %v", sheets)
	}
	f.Close()
	path := filepath.Join(t.TempDir(), "cmp.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := recalc(t, path, sheets)
	for i, p := range cmp.Programmes {
		row := got["Comparison"][7+i] // header on row 7
		if row[1] != p.Name+" ("+p.ID+")" {
			t.Fatalf("row %d: %v", i, row)
		}
		want, _ := strconv.ParseFloat(p.SubsidyPayable.String(), 64)
		if v, err := strconv.ParseFloat(row[4], 64); err != nil || math.Abs(v-want) > 0.004 {
			t.Errorf("%s: payable %q after recalculation, want %s", p.ID, row[4], p.SubsidyPayable)
		}
	}
}

// TestScenarioSheet checks the scenario sheet of a calculation's workbook
// after LibreOffice recalculates its totals.
func TestScenarioSheet(t *testing.T) {
	rate := decimal.RequireFromString("19")
	req := &calc.Request{
		Loan:      calc.Loan{Amount: decimal.RequireFromString("500000000"), Currency: "RUB", Rate: &rate, IssueDate: calc.MustDate("2026-02-10"), TermMonths: 48},
		Subsidy:   calc.SubsidyTerms{Programme: "ru-industrial-0.7"},
		Scenarios: []calc.ScenarioRef{{Name: "low"}, {Name: "base"}, {Name: "high"}},
	}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteCalculation(&b, req, res, "en"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "calc.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := recalc(t, path, []string{"Rate scenarios"})["Rate scenarios"]
	total := got[3+len(res.Years)]
	for j, s := range res.Scenarios {
		want, _ := strconv.ParseFloat(s.SubsidyPayable.String(), 64)
		if v, err := strconv.ParseFloat(total[2+j], 64); err != nil || math.Abs(v-want) > 0.004 {
			t.Errorf("%s: total %q, want %s (row %v)", s.Name, total[2+j], s.SubsidyPayable, total)
		}
	}
}

// TestRuleInWordsInWorkbook: a rule with steps and a floor tied to the
// policy rate is written in words on the summary sheet.
func TestRuleInWordsInWorkbook(t *testing.T) {
	rate := decimal.RequireFromString("19")
	half := decimal.RequireFromString("0.5")
	req := &calc.Request{
		Loan:    calc.Loan{Amount: decimal.RequireFromString("500000000"), Currency: "RUB", Rate: &rate, IssueDate: calc.MustDate("2025-02-10"), TermMonths: 48},
		Subsidy: calc.SubsidyTerms{Programme: "ru-kip", Rule: &calc.RuleOverride{Steps: []calc.RuleStep{{FromYear: 4, FloorBaseShare: &half}}}},
	}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "the borrower pays at least 0.3 × policy rate + 3 pp; from year 4: the borrower pays at least 0.5 × policy rate + 3 pp",
		"ru": "с 4-го года — заёмщик платит не менее 0,5 × ставки ЦБ + 3\u00a0п.п.",
	} {
		var b bytes.Buffer
		if err := report.WriteCalculation(&b, req, res, lang); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		found := false
		for _, r := range rows {
			for _, c := range r {
				found = found || strings.Contains(c, want)
			}
		}
		if !found {
			t.Errorf("%s: %q not on the summary sheet", lang, want)
		}
		f.Close()
	}
}
