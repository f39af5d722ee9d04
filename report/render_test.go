package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// needPoppler returns the path of a poppler tool (pdftotext, pdftoppm),
// skipping the test when it is missing and failing it in CI.
func needPoppler(t *testing.T, tool string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing: .ci/run must install poppler-utils", tool)
		}
		t.Skipf("%s (poppler-utils) missing; print test skipped", tool)
	}
	return bin
}

// pdfPages returns the text of every page of the PDF.
func pdfPages(t *testing.T, pdf string) []string {
	t.Helper()
	bin := needPoppler(t, "pdftotext")
	out, err := exec.Command(bin, "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// pagesBySheet counts the printed pages of each sheet: the footer's first
// word(s), the sheet's name, say which sheet a page belongs to.
func pagesBySheet(t *testing.T, pages []string, sheets []string) map[string]int {
	t.Helper()
	n := map[string]int{}
	for i, p := range pages {
		lines := strings.Split(strings.TrimRight(p, "\n "), "\n")
		footer := strings.TrimSpace(lines[len(lines)-1])
		found := ""
		for _, s := range sheets {
			if strings.HasPrefix(footer, s) && len(s) > len(found) {
				found = s
			}
		}
		if found == "" {
			t.Errorf("page %d: footer %q names no sheet of %q", i+1, footer, sheets)
			continue
		}
		n[found]++
	}
	return n
}

// savePage1 renders page 1 of the PDF as a PNG into the directory named by
// SUBSIDY_README_IMG (the README's pictures), when it is set.
func savePage1(t *testing.T, pdf, name string) {
	t.Helper()
	dir := os.Getenv("SUBSIDY_README_IMG")
	if dir == "" {
		return
	}
	bin := needPoppler(t, "pdftoppm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	if b, err := exec.Command(bin, "-r", "60", "-f", "1", "-l", "1", "-png", "-singlefile", pdf, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	t.Logf("wrote %s.png", out)
}

// TestCalculationPrints prints the single-calculation workbook through
// LibreOffice: the summary fits one A4 page, no cell shows ###, every page
// has the footer, and the whole workbook stays within a few pages.
func TestCalculationPrints(t *testing.T) {
	needSoffice(t)
	needPoppler(t, "pdftotext")
	cases := []struct {
		name     string
		req      func() *calc.Request
		lang     string
		sheets   []string
		maxPages int
		want     []string // texts the print must show
		img      string
	}{
		{"EligibleEn", apiExample, "en", []string{"Summary", "Schedule", "Years", "Budget shares", "Chart"}, 6,
			[]string{"meets the programme's conditions", "Belarus", "Number of member states", "Page 1 of"}, "workbook-calculation"},
		{"IneligibleRu", twoStates, "ru", []string{"Сводка", "График", "По годам", "Доли бюджета", "Диаграмма"}, 6,
			[]string{"НЕ соответствует условиям программы", "Число государств-членов", "Беларусь", "Стр. 1 из"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := tc.req()
			req.Lang = tc.lang
			res, err := calc.Calculate(req, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := report.WriteCalculation(&buf, req, res, tc.lang); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "calc.xlsx")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			pdf := toPDF(t, path)
			pages := pdfPages(t, pdf)
			checkPrint(t, pages, tc.sheets, tc.maxPages, tc.want)
			if n := pagesBySheet(t, pages, tc.sheets)[tc.sheets[0]]; n != 1 {
				t.Errorf("summary on %d pages, want 1", n)
			}
			if tc.lang == "en" {
				checkEnglish(t, pages)
			}
			if tc.lang == "ru" {
				// User data and the engine's message naming a request field.
				checkRussian(t, pages, "Plant", "Two-state", "project", "subsidy.base_rates")
			}
			if !strings.Contains(pages[0], res.Programme.RulesVersion) {
				t.Errorf("footer lacks the rules version %s", res.Programme.RulesVersion)
			}
			if tc.img != "" {
				savePage1(t, pdf, tc.img)
			}
		})
	}
}

// checkPrint checks what every print must be: at most maxPages pages, no
// ### (a number too wide for its column), the texts of want.
func checkPrint(t *testing.T, pages []string, sheets []string, maxPages int, want []string) {
	t.Helper()
	if len(pages) == 0 || len(pages) > maxPages {
		t.Errorf("%d pages, want 1…%d", len(pages), maxPages)
	}
	all := strings.Join(pages, "\n")
	if strings.Contains(all, "###") {
		for i, p := range pages {
			for _, l := range strings.Split(p, "\n") {
				if strings.Contains(l, "###") {
					t.Errorf("page %d shows ###: %q", i+1, strings.TrimSpace(l))
				}
			}
		}
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("the print lacks %q", w)
		}
	}
	pagesBySheet(t, pages, sheets)
}

// cyrillic matches a word in Cyrillic letters.
var cyrillic = regexp.MustCompile(`[\p{Cyrillic}]+`)

// checkEnglish fails on a Russian word in an English print that is not
// user data listed in allowed.
func checkEnglish(t *testing.T, pages []string, allowed ...string) {
	t.Helper()
	ok := map[string]bool{}
	for _, a := range allowed {
		for _, w := range cyrillic.FindAllString(a, -1) {
			ok[w] = true
		}
	}
	for i, p := range pages {
		for _, w := range cyrillic.FindAllString(p, -1) {
			if !ok[w] {
				t.Errorf("page %d of the English print shows %q", i+1, w)
			}
		}
	}
}

// latin matches a word in Latin letters.
var latin = regexp.MustCompile(`[A-Za-z][A-Za-z_.-]{2,}`)

// checkRussian fails on an English word in a Russian print: every Latin
// word must be a code, a unit or user data listed in allowed.
func checkRussian(t *testing.T, pages []string, allowed ...string) {
	t.Helper()
	ok := map[string]bool{"RUB": true, "UTC": true, "EAEU-": true, "SEEC": true, "EIC": true}
	for _, a := range allowed {
		ok[a] = true
	}
	for i, p := range pages {
		for _, w := range latin.FindAllString(p, -1) {
			if !ok[w] {
				t.Errorf("page %d of the Russian print shows %q", i+1, w)
			}
		}
	}
}

// tenLoans is a batch input of ten loans: seven eligible, two with
// participants from two member states only (ineligible), one rejected
// (an amount that is no number).
const tenLoans = "id;project;participants;programme;amount;currency;rate;issue_date;term_months;application_date\n" +
	"A-01;Электробусы;\"BY:40;RU:35;KZ:25\";eaeu-industrial;1000000000;RUB;20;2025-03-14;60;2025-02-01\n" +
	"A-02;Станки;\"KZ:50;RU:30;AM:20\";eaeu-industrial;2500000000;RUB;19,5;2025-06-01;48;2025-05-10\n" +
	"A-03;Удобрения;\"RU:34;BY:33;KG:33\";eaeu-industrial;800000000;RUB;21;2025-09-15;36;\n" +
	"A-04;Лифты;\"BY:60;RU:20;AM:20\";eaeu-industrial;1200000000;RUB;18;2026-01-20;60;2025-12-01\n" +
	"A-05;Кабель;\"RU:60;BY:40\";eaeu-industrial;900000000;RUB;20;2025-04-01;60;\n" +
	"A-06;Подшипники;\"KZ:40;KG:30;RU:30\";eaeu-industrial;3000000000;RUB;22;2025-11-11;60;2025-10-01\n" +
	"A-07;Шины;\"RU:50;BY:50\";eaeu-industrial;600000000;RUB;19;2026-03-01;24;\n" +
	"A-08;Стекло;\"AM:34;RU:33;KZ:33\";eaeu-industrial;700000000;RUB;17,5;2025-07-07;48;\n" +
	"A-09;Трансформаторы;\"BY:40;RU:40;KZ:20\";eaeu-industrial;не число;RUB;20;2025-05-05;60;\n" +
	"A-10;Насосы;\"RU:40;KZ:30;BY:30\";eaeu-industrial;1500000000;RUB;21,5;2025-08-20;60;2025-07-01\n"

// TestBatchReportPrints prints a ten-loan batch report through
// LibreOffice in both languages: the Summary fits one A4 page, nothing
// shows ###, every page has its footer.
func TestBatchReportPrints(t *testing.T) {
	needSoffice(t)
	needPoppler(t, "pdftotext")
	dir := t.TempDir()
	input := filepath.Join(dir, "loans.csv")
	if err := os.WriteFile(input, []byte(tenLoans), 0o644); err != nil {
		t.Fatal(err)
	}
	ruPath, enPath := filepath.Join(dir, "ru.xlsx"), filepath.Join(dir, "en.xlsx")
	ru, err := os.Create(ruPath)
	if err != nil {
		t.Fatal(err)
	}
	en, err := os.Create(enPath)
	if err != nil {
		t.Fatal(err)
	}
	budget := &batch.Budget{Amount: 300_000_000_00, Currency: "RUB"}
	o, err := batch.Run(context.Background(), input, batch.Config{Lang: "ru", Budget: budget, Source: "loans.csv", Other: en}, ru, nil)
	ru.Close()
	en.Close()
	if err != nil {
		t.Fatal(err)
	}
	if o.Eligible != 7 || o.Ineligible != 2 || o.Rejected != 1 {
		t.Fatalf("outcome %+v, want 7 eligible, 2 ineligible, 1 rejected", o)
	}
	cases := []struct {
		name, path string
		sheets     []string
		want       []string
		img        string
	}{
		{"ru", ruPath, []string{"Сводка", "Проекты", "Распределение", "Ошибки"},
			[]string{"Условия не выполнены", "Число государств-членов", "Беларусь", "пропорционально потребности", "Стр. 1 из"}, "workbook-batch"},
		{"en", enPath, []string{"Summary", "Projects", "Allocation", "Errors"},
			[]string{"Ineligible", "Number of member states", "Belarus", "pro rata to demand", "Page 1 of"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pdf := toPDF(t, tc.path)
			pages := pdfPages(t, pdf)
			checkPrint(t, pages, tc.sheets, 6, tc.want)
			if n := pagesBySheet(t, pages, tc.sheets)[tc.sheets[0]]; n != 1 {
				t.Errorf("summary on %d pages, want 1", n)
			}
			if tc.name == "en" {
				// The projects' names and a rejected cell's value.
				checkEnglish(t, pages, tenLoans)
			}
			if tc.name == "ru" {
				// The file's name and format, the programme's code in its
				// code column, the input column's key beside its name.
				checkRussian(t, pages, "loans.csv", "csv", "utf-", "eaeu-industrial", "amount")
			}
			if tc.img != "" {
				savePage1(t, pdf, tc.img)
			}
		})
	}
}

// TestBatchReportRecalculated opens the ten-loan batch report in
// LibreOffice, which recalculates every formula (the totals, counts and
// allocation figures of the Summary, the Allocation sheet's shortfalls),
// and compares each with the figure the report wrote as its cached value.
func TestBatchReportRecalculated(t *testing.T) {
	needSoffice(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "loans.csv")
	if err := os.WriteFile(input, []byte(tenLoans), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "batch.xlsx")
			out, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			budget := &batch.Budget{Amount: 300_000_000_00, Currency: "RUB"}
			// With the scenarios: the Policy-rate scenarios sheet's totals
			// are formulas too.
			scen := []string{"low", "base", "high"}
			_, err = batch.Run(context.Background(), input, batch.Config{Lang: lang, Budget: budget, Allocation: calc.FirstCome, Scenarios: scen}, out, nil)
			out.Close()
			if err != nil {
				t.Fatal(err)
			}
			sheets, cells := formulas(t, path)
			if len(cells) < 40 {
				t.Fatalf("only %d formula cells", len(cells))
			}
			scnSheet := map[string]string{"ru": "Сценарии ключевой ставки", "en": "Policy-rate scenarios"}[lang]
			nScn := 0
			for _, c := range cells {
				if c.sheet == scnSheet {
					nScn++
				}
			}
			if nScn < len(scen) {
				t.Fatalf("%d formula cells on %q", nScn, scnSheet)
			}
			got := recalc(t, path, sheets)
			for _, c := range cells {
				lo := lookup(got[c.sheet], c.row, c.col)
				if !sameFigure(lo, c.cached) {
					t.Errorf("%s!%s = %s: LibreOffice %q, report %q", c.sheet, c.cell, c.formula, lo, c.cached)
				}
			}
		})
	}
}

// sameFigure compares LibreOffice's raw export of a cell with a cached
// value: equal numbers, or a percentage ("52.75%") equal to the fraction
// to 12 places.
func sameFigure(lo, cached string) bool {
	if p, ok := strings.CutSuffix(strings.TrimSpace(lo), "%"); ok {
		x, err1 := decimal.NewFromString(p)
		y, err2 := decimal.NewFromString(cached)
		return err1 == nil && err2 == nil && x.Shift(-2).Sub(y).Abs().LessThan(decimal.New(1, -12))
	}
	return sameNumber(lo, cached)
}
