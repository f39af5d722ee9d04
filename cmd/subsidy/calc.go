package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
)

func init() {
	register(command{name: "calc", summary: "compute one request (JSON) into JSON, xlsx or csv", run: runCalc})
	// The service's ?format=xlsx answers with the report package's
	// workbook (cmd/subsidy/serve.go leaves the hook nil).
	workbook = report.WriteCalculation
}

// maxRequestBytes bounds a request file, as the API bounds a body.
const maxRequestBytes = 1 << 20

// runCalc reads a calculation request (the JSON of POST
// /api/v1/calculations, decoded as strictly as the API does) and writes
// the result: JSON to standard output by default, the Excel report for
// -o result.xlsx, the schedule as CSV for -o result.csv.
func runCalc(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("calc", "request.json [-o result.json|result.xlsx|result.csv] [flags]", `
Computes one calculation request (the JSON body of POST /api/v1/calculations;
- reads standard input) and writes the result: JSON on standard output, or
the file -o names, in the format of its extension (or --format).`, stdout, stderr)
	rf := newRequestFlags(c, "output `FILE`: .json, .xlsx (Excel report) or .csv (schedule); - or none: JSON on standard output", "output `FORMAT` whatever the file's name: json, xlsx or csv", "the report")
	out, lang := rf.out, rf.lang
	return c.run(args, 1, 1, func() error {
		f, book, body, err := rf.load(formatJSON, formatXLSX, formatCSV)
		if err != nil {
			return err
		}
		req, err := wire.DecodeRequest(body, *lang)
		if err != nil {
			explainProblem(c, err)
			return exitCode(1)
		}
		rf.settleLang(&req.Lang)
		res, err := calc.Calculate(req, calc.Options{Rates: book})
		if err != nil {
			explainProblem(c, err)
			return exitCode(1)
		}
		return writeFile(*out, stdout, f, func(w io.Writer) error {
			switch f {
			case formatXLSX:
				return report.WriteCalculation(w, req, res, *lang)
			case formatCSV:
				return report.WriteScheduleCSV(w, res, *lang)
			}
			// The API's encoder (one wire for both), indented for people.
			var b bytes.Buffer
			if err := json.Indent(&b, wire.EncodeResult(res), "", "  "); err != nil {
				return err
			}
			b.WriteByte('\n')
			_, err := w.Write(b.Bytes())
			return err
		})
	})
}

// printProblem explains an invalid request on w, one field a line, in
// lang, for subsidy calc (see explainProblem).
func printProblem(w io.Writer, err error, lang string) {
	explainProblem(&cmdline{name: "calc", stderr: w, lang: lang}, err)
}

// explainProblem explains an invalid request on the command's stderr, one
// field a line, in its language.
func explainProblem(c *cmdline, err error) {
	var ce *calc.Error
	var p *wire.Problem
	switch {
	case errors.As(err, &ce):
		c.say(calc.Text{
			Ru: "subsidy " + c.name + ": запрос с ошибками:",
			En: "subsidy " + c.name + ": invalid request:",
		})
		for _, f := range ce.Fields {
			fmt.Fprintf(c.stderr, "  %s: %s\n", f.Field, f.In(c.lang))
		}
		if len(ce.Fields) == 0 {
			fmt.Fprintln(c.stderr, " ", ce.Detail)
		}
	case errors.As(err, &p):
		c.say(calc.Text{
			Ru: "subsidy " + c.name + ": запрос не читается:",
			En: "subsidy " + c.name + ": the request cannot be read:",
		})
		if p.Detail != "" {
			fmt.Fprintln(c.stderr, " ", p.Detail)
		}
		for _, f := range p.Errors {
			fmt.Fprintf(c.stderr, "  %s: %s\n", f.Field, f.Message)
		}
	default:
		fmt.Fprintln(c.stderr, "subsidy "+c.name+":", localizeError(err, c.lang))
	}
}

// readInput reads a file (or standard input for -) of at most max bytes.
func readInput(path string, max int64) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, failf(calc.Text{Ru: "%s больше %d байт", En: "%s is larger than %d bytes"}, path, max)
	}
	return b, nil
}

// loadRates reads a policy rate file, or returns nil for the built-in
// record.
func loadRates(path string) (*calc.RateBook, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // names the file
	}
	defer f.Close()
	book, err := calc.ParseRateBook(f)
	if err != nil {
		return nil, failf(calc.Text{Ru: "ставки %s: %v", En: "policy rates %s: %v"}, path, err)
	}
	return book, nil
}
