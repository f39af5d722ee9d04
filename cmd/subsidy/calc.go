package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
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
	fs := flag.NewFlagSet("calc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file: .xlsx (Excel report), .csv (schedule) or .json; empty or - is JSON on standard output")
	format := fs.String("format", "", "json, xlsx or csv (default: from the output file's extension, else json)")
	lang := fs.String("lang", "ru", "language of messages and headers: ru or en")
	rates := fs.String("rates", "", "policy rate CSV file (the format of the built-in record); empty: the built-in record")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy calc request.json [-o result.xlsx|result.csv|result.json] [--lang ru|en]\n\nComputes one calculation request (the JSON body of POST /api/v1/calculations;\n- reads standard input) and writes the result.\n\nflags:")
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
		fmt.Fprintf(stderr, "subsidy calc: --lang %q: want ru or en\n", *lang)
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
		fmt.Fprintf(stderr, "subsidy calc: --format %q: want json, xlsx or csv\n", *format)
		return exitCode(2)
	}
	if f == "xlsx" && (*out == "" || *out == "-") && isTerminal(stdout) {
		fmt.Fprintln(stderr, "subsidy calc: refusing to write a workbook to a terminal; use -o result.xlsx")
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
	res, err := calc.Calculate(req, calc.Options{Rates: book})
	if err != nil {
		printProblem(stderr, err, *lang)
		return exitCode(1)
	}
	return writeOutput(*out, stdout, func(w io.Writer) error {
		switch f {
		case "xlsx":
			return report.WriteCalculation(w, req, res, *lang)
		case "csv":
			return report.WriteScheduleCSV(w, res, *lang)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	})
}

// printProblem explains an invalid request on stderr, one field a line.
func printProblem(w io.Writer, err error, lang string) {
	var ce *calc.Error
	var p *handlers.Problem
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(w, "subsidy calc: invalid request:")
		for _, f := range ce.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message(lang))
		}
		if len(ce.Fields) == 0 {
			fmt.Fprintln(w, " ", ce.Detail)
		}
	case errors.As(err, &p):
		fmt.Fprintf(w, "subsidy calc: %s", p.Title)
		if p.Detail != "" {
			fmt.Fprintf(w, ": %s", p.Detail)
		}
		fmt.Fprintln(w)
		for _, f := range p.Errors {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message)
		}
	default:
		fmt.Fprintln(w, "subsidy calc:", err)
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
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
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
		return nil, fmt.Errorf("policy rates: %w", err)
	}
	defer f.Close()
	book, err := calc.ParseRateBook(f)
	if err != nil {
		return nil, fmt.Errorf("policy rates %s: %w", path, err)
	}
	return book, nil
}

// writeOutput runs write into the file path (through a temporary file
// renamed at the end, so a failed run leaves no half-written file), or
// into stdout for "" and "-".
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// reorder moves flags given after the positional arguments to the front,
// so that "subsidy calc req.json -o out.xlsx" works like "-o out.xlsx
// req.json". valued names the flags that take a value.
func reorder(args []string, valued map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && valued[name] && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}
