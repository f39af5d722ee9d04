package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
)

func init() {
	register(command{name: "compare", summary: "one loan under every programme (JSON in; table, JSON or xlsx out)", run: runCompare})
	compareWorkbook = report.WriteComparison
}

// compareWorkbook is the comparison routes' ?format=xlsx encoder; serve
// hands it to handlers.Config.CompareWorkbook.
var compareWorkbook handlers.CompareWorkbookFunc

// runCompare reads a calculation request (subsidy.programme is ignored;
// "programmes" limits the list) and writes the comparison: a table on
// standard output by default, JSON for -o x.json or --format json, the
// workbook for -o x.xlsx.
func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("compare", "request.json [-o comparison.txt|comparison.json|comparison.xlsx] [--lang ru|en]", `
Computes one loan (the JSON of POST /api/v1/comparisons; - reads standard input)
under every built-in programme, or those its "programmes" lists, best first: a
table on standard output, or the file -o names, in the format of its
extension (or --format).`, stdout, stderr)
	rf := newRequestFlags(c, "output `FILE`: .txt (table), .json or .xlsx (workbook); - or none: the table on standard output", "output `FORMAT` whatever the file's name: text, json or xlsx", "the output")
	out, lang := rf.out, rf.lang
	return c.run(args, 1, 1, func() error {
		f, book, body, err := rf.load(formatText, formatJSON, formatXLSX)
		if err != nil {
			return err
		}
		req, err := wire.DecodeRequest(body, *lang)
		if err != nil {
			explainProblem(c, err)
			return exitCode(1)
		}
		rf.settleLang(&req.Lang)
		cmp, err := calc.Compare(req, calc.Options{Rates: book})
		if err != nil {
			explainProblem(c, err)
			return exitCode(1)
		}
		return writeFile(*out, stdout, f, func(w io.Writer) error {
			switch f {
			case formatXLSX:
				return report.WriteComparison(w, req, cmp, *lang)
			case formatJSON:
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(cmp)
			}
			return writeComparisonTable(w, cmp, *lang)
		})
	})
}

// writeComparisonTable prints the comparison as an aligned table.
func writeComparisonTable(w io.Writer, cmp *calc.Comparison, lang string) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, calc.Text{
		Ru: "программа\tдоступна\tк выплате\tприв. стоимость\tставка с субсидией\tгрант-элемент\t\n",
		En: "programme\teligible\tpayable\tpresent value\trate with subsidy\tgrant element\t\n",
	}.In(lang))
	yes, no := calc.Text{Ru: "да", En: "yes"}.In(lang), calc.Text{Ru: "нет", En: "no"}.In(lang)
	for _, p := range cmp.Programmes {
		el := no
		if p.Eligible {
			el = yes
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %%\t%s %%\t\n", p.ID, el, p.SubsidyPayable, p.SubsidyPresentValue, p.EffectiveRateWithSubsidy, p.GrantElement)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range cmp.Programmes {
		for _, c := range p.FailedChecks {
			fmt.Fprintf(w, "%s: %s\n", p.ID, c.Message)
		}
	}
	_, err := fmt.Fprintf(w, "%s; %s %s %%\n", cmp.Currency, calc.Text{
		Ru: "эффективная ставка без субсидии",
		En: "effective rate without subsidy",
	}.In(lang), cmp.EffectiveRateWithoutSubsidy)
	return err
}
