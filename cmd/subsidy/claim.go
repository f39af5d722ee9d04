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

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
)

func init() {
	register(command{name: "claim", summary: "compute a claim on actual figures (JSON) into JSON, xlsx or csv", run: runClaim})
}

// runClaim reads a claim request (the JSON of POST /api/v1/claims,
// decoded as strictly as the API does) and writes the claim: JSON to
// standard output by default, the printable form for -o claim.xlsx, the
// rows as CSV for -o claim.csv.
func runClaim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("claim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file: .xlsx (the printable form), .csv (the rows) or .json; empty or - is JSON on standard output")
	format := fs.String("format", "", "json, xlsx or csv (default: from the output file's extension, else json)")
	lang := fs.String("lang", "ru", "language of messages and headers: ru or en")
	rates := fs.String("rates", "", "policy rate CSV file (the format of the built-in record); empty: the built-in record")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy claim request.json [-o claim.xlsx|claim.csv|claim.json] [--lang ru|en]\n\nComputes a claim on actual figures (the JSON body of POST /api/v1/claims;\n- reads standard input) and writes it.\n\nflags:")
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
		fmt.Fprintf(stderr, "subsidy claim: --lang %q: want ru or en\n", *lang)
		return exitCode(2)
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
		if f != "xlsx" && f != "csv" {
			f = "json"
		}
	}
	if f != "json" && f != "xlsx" && f != "csv" {
		fmt.Fprintf(stderr, "subsidy claim: --format %q: want json, xlsx or csv\n", *format)
		return exitCode(2)
	}
	if f == "xlsx" && (*out == "" || *out == "-") && isTerminal(stdout) {
		fmt.Fprintln(stderr, "subsidy claim: refusing to write a workbook to a terminal; use -o claim.xlsx")
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
	req, err := handlers.DecodeClaim(body, *lang)
	if err != nil {
		printProblem(stderr, err, *lang)
		return exitCode(1)
	}
	if req.Lang == "" {
		req.Lang = *lang
	}
	res, err := calc.Claim(req, calc.Options{Rates: book})
	if err != nil {
		printProblem(stderr, err, *lang)
		return exitCode(1)
	}
	return writeOutput(*out, stdout, func(w io.Writer) error {
		switch f {
		case "xlsx":
			return report.WriteClaim(w, req, res, *lang)
		case "csv":
			return report.WriteClaimCSV(w, res, *lang)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	})
}
