package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
)

func init() {
	register(command{name: "claim", summary: "compute a subsidy claim (JSON) into JSON, xlsx or csv", run: runClaim})
}

// runClaim reads a claim on actual figures (the JSON of POST
// /api/v1/claims, decoded as strictly as the API does) and writes the
// claim: JSON to standard output by default, the printable form for
// -o claim.xlsx, the rows as CSV for -o claim.csv.
func runClaim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("claim", "request.json [-o claim.json|claim.xlsx|claim.csv] [flags]", `
Computes a claim on actual figures (the JSON body of POST /api/v1/claims:
the loan, its ledger and the claim periods; - reads standard input) and
writes it: JSON on standard output, or the file -o names, in the format of
its extension (or --format): the printable form "Расчёт размера субсидии"
for .xlsx, the rows for .csv.`, stdout, stderr)
	rf := newRequestFlags(c, "output `FILE`: .json, .xlsx (the printable form) or .csv (the rows); - or none: JSON on standard output", "output `FORMAT` whatever the file's name: json, xlsx or csv", "the form")
	out, lang := rf.out, rf.lang
	return c.run(args, 1, 1, func() error {
		f, book, body, err := rf.load(formatJSON, formatXLSX, formatCSV)
		if err != nil {
			return err
		}
		req, err := wire.DecodeClaim(body, *lang)
		if err != nil {
			explainProblem(c, err)
			return exitCode(1)
		}
		rf.settleLang(&req.Lang)
		res, err := calc.Claim(req, calc.Options{Rates: book})
		if err != nil {
			explainProblem(c, err)
			return exitCode(1)
		}
		return writeFile(*out, stdout, f, func(w io.Writer) error {
			switch f {
			case formatXLSX:
				return report.WriteClaim(w, req, res, *lang)
			case formatCSV:
				return report.WriteClaimCSV(w, res, *lang)
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		})
	})
}
