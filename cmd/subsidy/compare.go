package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
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
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file: .xlsx (workbook) or .json; empty or - writes to standard output")
	format := fs.String("format", "", "text, json or xlsx (default: from the output file's extension, else text)")
	lang := fs.String("lang", "ru", "language: ru or en")
	rates := fs.String("rates", "", "policy rate CSV file; empty: the built-in record")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy compare request.json [-o comparison.xlsx|comparison.json] [--lang ru|en]\n\nComputes one loan (the JSON of POST /api/v1/comparisons; - reads standard input)\nunder every built-in programme, or those its \"programmes\" lists, best first.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorder(args, map[string]bool{"o": true, "format": true, "lang": true, "rates": true})); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(2)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitCode(2)
	}
	if *lang != "ru" && *lang != "en" {
		fmt.Fprintf(stderr, "subsidy compare: --lang %q: want ru or en\n", *lang)
		return exitCode(2)
	}
	f := strings.ToLower(*format)
	if f == "" {
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".xlsx":
			f = "xlsx"
		case ".json":
			f = "json"
		default:
			f = "text"
		}
	}
	if f != "text" && f != "json" && f != "xlsx" {
		fmt.Fprintf(stderr, "subsidy compare: --format %q: want text, json or xlsx\n", *format)
		return exitCode(2)
	}
	if f == "xlsx" && (*out == "" || *out == "-") && isTerminal(stdout) {
		fmt.Fprintln(stderr, "subsidy compare: refusing to write a workbook to a terminal; use -o comparison.xlsx")
		return exitCode(2)
	}
	book, err := loadRates(*rates)
	if err != nil {
		return err
	}
	body, err := readInput(fs.Arg(0), maxRequestBytes)
	if err != nil {
		return err
	}
	req, err := handlers.DecodeRequest(body, *lang)
	if err != nil {
		printProblem(stderr, err, *lang)
		return exitCode(1)
	}
	if req.Lang == "" {
		req.Lang = *lang
	}
	cmp, err := calc.Compare(req, calc.Options{Rates: book})
	if err != nil {
		printProblem(stderr, err, *lang)
		return exitCode(1)
	}
	return writeOutput(*out, stdout, func(w io.Writer) error {
		switch f {
		case "xlsx":
			return report.WriteComparison(w, req, cmp, *lang)
		case "json":
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(cmp)
		}
		return writeComparisonTable(w, cmp, *lang)
	})
}

// writeComparisonTable prints the comparison as an aligned table.
func writeComparisonTable(w io.Writer, cmp *calc.Comparison, lang string) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	head := "programme\teligible\tpayable\tpresent value\trate with subsidy\tgrant element\t\n"
	yes, no := "yes", "no"
	if lang != "en" {
		head = "программа\tдоступна\tк выплате\tприв. стоимость\tставка с субсидией\tгрант-элемент\t\n"
		yes, no = "да", "нет"
	}
	fmt.Fprint(tw, head)
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
	_, err := fmt.Fprintf(w, "%s; %s\n", cmp.Currency, map[bool]string{true: "effective rate without subsidy " + cmp.EffectiveRateWithoutSubsidy.String() + " %", false: "эффективная ставка без субсидии " + cmp.EffectiveRateWithoutSubsidy.String() + " %"}[lang == "en"])
	return err
}
