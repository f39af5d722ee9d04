package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/eaeu-subsidy/subsidy/report"
)

func init() {
	register(command{name: "template", summary: "write the batch input template (xlsx or csv)", run: runTemplate})
}

// runTemplate writes the batch template: an xlsx workbook, or CSV when
// the output ends in .csv or --format csv is given.
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file (.xlsx or .csv); - or empty writes xlsx to standard output")
	lang := fs.String("lang", "ru", "language of the headers and instructions: ru or en")
	format := fs.String("format", "", "xlsx or csv (default: from the output file's extension, else xlsx)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy template [-o template.xlsx|template.csv] [--lang ru|en]\n\nWrites the batch input template: one row per loan, headers in Russian or\nEnglish with the column keys, drop-down lists, an example row and a sheet\nof instructions (xlsx), or the same columns as CSV.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "subsidy template: unexpected argument %q\n", fs.Arg(0))
		return exitCode(2)
	}
	if *lang != "ru" && *lang != "en" {
		fmt.Fprintf(stderr, "subsidy template: --lang %q: want ru or en\n", *lang)
		return exitCode(2)
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = "xlsx"
		if strings.EqualFold(filepath.Ext(*out), ".csv") {
			f = "csv"
		}
	}
	var write func(io.Writer) error
	switch f {
	case "xlsx":
		write = func(w io.Writer) error { return report.WriteTemplate(w, *lang) }
	case "csv":
		write = func(w io.Writer) error { return report.WriteTemplateCSV(w, *lang) }
	default:
		fmt.Fprintf(stderr, "subsidy template: --format %q: want xlsx or csv\n", *format)
		return exitCode(2)
	}
	return writeOutput(*out, stdout, write)
}
