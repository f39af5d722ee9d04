package batch_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// loan is one generated loan, its cells by column key as they go into the
// input file.
type loan map[string]string

// generate makes n loans from seed. uniform makes every loan a 60-month
// monthly annuity (the benchmark's loans); otherwise terms, repayments,
// frequencies, currencies and programmes vary.
func generate(n int, seed uint64, uniform bool) []loan {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	parts := []string{"BY:40;RU:35;KZ:25", "RU:50;KZ:30;AM:20", "KG:34;RU:33;BY:33", "RU:60;BY:40"}
	repay := []string{"annuity", "equal_principal", "bullet", ""}
	freq := []string{"monthly", "quarterly", "semiannual", "annual", ""}
	days := []string{"act/act", "act/365", "act/360", "30/360", ""}
	out := make([]loan, n)
	for i := range out {
		l := loan{
			report.ColID:           fmt.Sprintf("L%06d", i+1),
			report.ColProject:      fmt.Sprintf("Проект %d", i+1),
			report.ColParticipants: parts[r.IntN(len(parts))],
			report.ColProgramme:    "eaeu-industrial",
			report.ColCurrency:     "RUB",
			report.ColAmount:       fmt.Sprintf("%d.%02d", 10_000_000+r.IntN(4_990_000_000), r.IntN(100)),
			report.ColRate:         fmt.Sprintf("%d.%d", 16+r.IntN(11), r.IntN(10)),
			report.ColIssueDate:    calc.MustDate("2024-06-07").AddMonths(r.IntN(24)).String(),
			report.ColTermMonths:   "60",
		}
		if d := r.IntN(28); d > 0 {
			l[report.ColIssueDate] = (calc.MustDate(l[report.ColIssueDate]) + calc.Date(d)).String()
		}
		if r.IntN(3) == 0 {
			l[report.ColApplicationDate] = (calc.MustDate(l[report.ColIssueDate]) - calc.Date(10+r.IntN(60))).String()
		}
		if !uniform {
			f := freq[r.IntN(len(freq))]
			step := map[string]int{"": 1, "monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}[f]
			periods := 1 + r.IntN(60/step)
			l[report.ColFrequency] = f
			l[report.ColTermMonths] = fmt.Sprint(periods * step)
			l[report.ColRepayment] = repay[r.IntN(len(repay))]
			l[report.ColDayCount] = days[r.IntN(len(days))]
			if periods > 2 && r.IntN(3) == 0 {
				l[report.ColGraceMonths] = fmt.Sprint(step * (1 + r.IntN(periods/2)))
			}
			switch r.IntN(8) {
			case 0:
				l[report.ColCurrency], l[report.ColCapFX] = "KZT", "0.18"
			case 1:
				l[report.ColCurrency], l[report.ColCapFX] = "BYN", "28.5"
			case 2:
				l[report.ColProgramme], l[report.ColTermMonths] = "ru-industrial-0.7", "48"
			case 3:
				l[report.ColProgramme], l[report.ColCurrency] = "by-refinancing-share", "BYN"
			}
		}
		out[i] = l
	}
	return out
}

// request is the JSON request of POST /api/v1/calculations for l: what a
// single calculation of the loan would send.
func (l loan) request(lang string) string {
	loanPart := map[string]any{
		"amount": l[report.ColAmount], "currency": l[report.ColCurrency], "rate": l[report.ColRate],
		"issue_date": l[report.ColIssueDate],
	}
	var term int
	fmt.Sscan(l[report.ColTermMonths], &term)
	loanPart["term_months"] = term
	for _, k := range []string{report.ColRepayment, report.ColFrequency, report.ColDayCount} {
		if l[k] != "" {
			loanPart[k] = l[k]
		}
	}
	if g := l[report.ColGraceMonths]; g != "" {
		var n int
		fmt.Sscan(g, &n)
		loanPart["grace_months"] = n
	}
	var participants []map[string]string
	for _, p := range strings.Split(l[report.ColParticipants], ";") {
		c, s, _ := strings.Cut(p, ":")
		participants = append(participants, map[string]string{"country": c, "share": s})
	}
	sub := map[string]any{"programme": l[report.ColProgramme]}
	if fx := l[report.ColCapFX]; fx != "" {
		sub["fx"] = []map[string]string{{"rate": fx}}
	}
	b, _ := json.Marshal(map[string]any{
		"project": map[string]any{"name": l[report.ColProject], "participants": participants},
		"loan":    loanPart, "subsidy": sub, "lang": lang,
	})
	return string(b)
}

// writeInput writes loans into a copy of the template (xlsx, through the
// StreamWriter so that large inputs are quick) or as CSV with ";" and
// decimal commas, and returns the path.
func writeInput(tb testing.TB, dir string, loans []loan, format string, extra [][]string) string {
	tb.Helper()
	cols := report.Columns()
	path := filepath.Join(dir, "loans."+format)
	switch format {
	case "csv":
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(c.Label("ru"))
		}
		b.WriteByte('\n')
		row := func(vals []string) {
			for i, v := range vals {
				if i > 0 {
					b.WriteByte(';')
				}
				if strings.ContainsAny(v, ";\"") {
					v = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
				}
				b.WriteString(v)
			}
			b.WriteByte('\n')
		}
		for _, l := range loans {
			vals := make([]string, len(cols))
			for i, c := range cols {
				v := l[c.Key]
				if c.Kind == report.KindMoney || c.Kind == report.KindNumber {
					v = strings.Replace(v, ".", ",", 1)
				}
				if c.Kind == report.KindDate && v != "" {
					y, m, d := calc.MustDate(v).Civil()
					v = fmt.Sprintf("%02d.%02d.%04d", d, int(m), y)
				}
				vals[i] = v
			}
			row(vals)
		}
		for _, e := range extra {
			row(e)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		_ = f.SetSheetName("Sheet1", "Loans")
		sw, err := f.NewStreamWriter("Loans")
		if err != nil {
			tb.Fatal(err)
		}
		header := make([]any, len(cols))
		for i, c := range cols {
			header[i] = c.Label("en")
		}
		if err := sw.SetRow("A1", header); err != nil {
			tb.Fatal(err)
		}
		dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
		for n, l := range loans {
			vals := make([]any, len(cols))
			for i, c := range cols {
				v := l[c.Key]
				if v == "" {
					continue
				}
				switch c.Kind {
				case report.KindMoney, report.KindNumber, report.KindInteger:
					var f float64
					fmt.Sscan(v, &f)
					vals[i] = f
				case report.KindDate:
					vals[i] = excelize.Cell{StyleID: dateStyle, Value: int(calc.MustDate(v)) + 25569}
				default:
					vals[i] = v
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+2)
			if err := sw.SetRow(cell, vals); err != nil {
				tb.Fatal(err)
			}
		}
		for k, e := range extra {
			vals := make([]any, len(e))
			for i, v := range e {
				vals[i] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, len(loans)+k+2)
			if err := sw.SetRow(cell, vals); err != nil {
				tb.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			tb.Fatal(err)
		}
		if err := f.SaveAs(path); err != nil {
			tb.Fatal(err)
		}
	default:
		tb.Fatalf("format %s", format)
	}
	return path
}

// sheet reads a sheet of a report workbook with raw values.
func sheet(tb testing.TB, path, name string) [][]string {
	tb.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		tb.Fatalf("sheet %s: %v (sheets %q)", name, err, f.GetSheetList())
	}
	return rows
}

// column returns the index of the header cell that starts with prefix.
func column(tb testing.TB, header []string, prefix string) int {
	tb.Helper()
	for i, h := range header {
		if strings.HasPrefix(h, prefix) {
			return i
		}
	}
	tb.Fatalf("no column %q in %q", prefix, header)
	return -1
}
