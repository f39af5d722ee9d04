package main

import (
	"context"
	"io"

	"github.com/eaeu-subsidy/subsidy/report"
)

func init() {
	register(command{name: "template", summary: "write the batch input template (xlsx or csv)", run: runTemplate})
}

// runTemplate writes the batch template: an xlsx workbook, or CSV when
// the output ends in .csv or --format csv is given.
func runTemplate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("template", "[-o template.xlsx|template.csv] [--lang ru|en]", `
Writes the batch input template: one row per loan, headers in Russian or
English with the column keys, drop-down lists, an example row and a sheet
of instructions (xlsx), or the same columns as CSV. Without -o the workbook
goes to standard output, unless that is a terminal.`, stdout, stderr)
	out := c.fs.String("o", "", "output `FILE`, .xlsx or .csv; - or none: standard output")
	format := c.fs.String("format", "", "output `FORMAT` whatever the file's name: xlsx or csv")
	lang := c.withLang("the headers and instructions")
	return c.run(args, 0, 0, func() error {
		f, err := chooseFormat(*out, *format, formatXLSX, formatCSV)
		if err != nil {
			return err
		}
		return writeFile(*out, stdout, f, func(w io.Writer) error {
			if f == formatCSV {
				return report.WriteTemplateCSV(w, *lang)
			}
			return report.WriteTemplate(w, *lang)
		})
	})
}
