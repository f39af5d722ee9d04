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
	"github.com/shopspring/decimal"
)

func init() {
	register(command{name: "reconcile", summary: "check a bank's schedule (xlsx/CSV) against the loan's request", run: runReconcile})
}

// exitDifferences is the exit status when the bank's schedule differs
// from ours (as diff(1) answers 1; 1 is taken by errors here).
const exitDifferences = 3

// runReconcile reads a loan's request (the JSON of POST
// /api/v1/reconciliations, with or without bank_schedule) and the bank's
// schedule file, and writes the conventions found and every difference:
// a table on standard output by default, JSON or the workbook with -o.
func runReconcile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file: .xlsx (workbook) or .json; empty or - is a table on standard output")
	format := fs.String("format", "", "text, json or xlsx (default: from the output file's extension, else text)")
	lang := fs.String("lang", "ru", "language of messages and headers: ru or en")
	rates := fs.String("rates", "", "policy rate CSV file; empty: the built-in record")
	tolerance := fs.String("tolerance", "", "largest difference accepted in a cell, in the loan currency (default 0.02, or the request's)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy reconcile request.json [bank.xlsx|bank.csv] [-o result.xlsx|result.json] [--lang ru|en]\n\nRecomputes the loan of request.json (the body of POST /api/v1/reconciliations;\nthe bank's rows in its bank_schedule or in the file) under every common\nconvention and lists every row of the bank's schedule that still differs.\nExit status: 0 no differences, 3 differences found, 1 error, 2 usage.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorder(args, map[string]bool{"o": true, "format": true, "lang": true, "rates": true, "tolerance": true})); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(2)
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		fs.Usage()
		return exitCode(2)
	}
	if *lang != "ru" && *lang != "en" {
		fmt.Fprintf(stderr, "subsidy reconcile: --lang %q: want ru or en\n", *lang)
		return exitCode(2)
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
		if f != "xlsx" && f != "json" {
			f = "text"
		}
	}
	if f != "text" && f != "json" && f != "xlsx" {
		fmt.Fprintf(stderr, "subsidy reconcile: --format %q: want text, json or xlsx\n", *format)
		return exitCode(2)
	}
	if f == "xlsx" && (*out == "" || *out == "-") && isTerminal(stdout) {
		fmt.Fprintln(stderr, "subsidy reconcile: refusing to write a workbook to a terminal; use -o result.xlsx")
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
	rreq, err := handlers.DecodeReconcileRequest(body, *lang)
	if err != nil {
		reconcileProblem(stderr, err, *lang)
		return exitCode(1)
	}
	if rreq.Lang == "" {
		rreq.Lang = *lang
	}
	if *tolerance != "" {
		d, err := decimal.NewFromString(*tolerance)
		if err != nil {
			fmt.Fprintf(stderr, "subsidy reconcile: --tolerance %q: not a number\n", *tolerance)
			return exitCode(2)
		}
		rreq.Tolerance = &d
	}
	if fs.NArg() == 2 {
		if len(rreq.BankSchedule) > 0 {
			fmt.Fprintln(stderr, "subsidy reconcile: the request has bank_schedule and a bank file is given too: give one")
			return exitCode(2)
		}
		data, err := readInput(fs.Arg(1), report.MaxBankFileBytes)
		if err != nil {
			return err
		}
		bs, err := report.ReadBankSchedule(data)
		if err != nil {
			reconcileProblem(stderr, handlers.BankFileProblem(err, *lang), *lang)
			return exitCode(1)
		}
		rreq.BankSchedule = bs.Rows
		for _, w := range bs.Warnings {
			fmt.Fprintln(stderr, "subsidy reconcile:", w.Message(*lang))
		}
	}
	rec, err := calc.Reconcile(rreq, calc.Options{Rates: book})
	if err != nil {
		reconcileProblem(stderr, err, *lang)
		return exitCode(1)
	}
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		switch f {
		case "xlsx":
			return report.WriteReconciliation(w, rec, *lang)
		case "json":
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rec)
		}
		return writeReconcileText(w, rec, *lang)
	})
	if err != nil {
		return err
	}
	if len(rec.Differences) > 0 {
		return exitCode(exitDifferences)
	}
	return nil
}

// writeReconcileText writes the result as a plain table. Every text
// taken from the input files (none but dates and amounts) is formatted
// by the program, so nothing the files hold reaches the terminal as is.
func writeReconcileText(w io.Writer, rec *calc.Reconciliation, lang string) error {
	tr := func(ru, en string) string {
		if lang == "en" {
			return en
		}
		return ru
	}
	c := rec.Conventions
	fmt.Fprintf(w, "%s: %s; %s; %s; %s\n", tr("Соглашения банка", "The bank's conventions"), c.DayCount,
		report.ConventionText("accrual_balance", c.AccrualBalance, lang), report.ConventionText("rounding", c.Rounding, lang),
		report.ConventionText("base_fixing", c.BaseFixing, lang))
	fmt.Fprintf(w, "%s: %d, %s: %d, %s: %d\n", tr("Строк у банка", "Bank rows"), rec.RowsChecked,
		tr("совпали", "matching"), rec.RowsMatching, tr("расходятся", "off"), rec.RowsOff)
	if len(rec.Differences) == 0 {
		fmt.Fprintln(w, tr("Расхождений нет.", "No differences."))
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t %s\n", tr("№", "n"), tr("строка банка", "bank row"), tr("дата", "date"),
		tr("показатель", "field"), tr("банк", "bank"), tr("наш расчёт", "ours"), tr("разница", "difference"), tr("причина", "cause"))
	m := func(v *calc.Money) string {
		if v == nil {
			return "-"
		}
		return v.String()
	}
	for _, d := range rec.Differences {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t %s\n", d.N, d.BankRow, d.Date, d.Field, m(d.Bank), m(d.Ours), m(d.Difference),
			report.CauseText(d.Cause, lang))
	}
	return tw.Flush()
}

// reconcileProblem explains an invalid request or file on stderr, one
// field a line.
func reconcileProblem(w io.Writer, err error, lang string) {
	var ce *calc.Error
	var p *handlers.Problem
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(w, "subsidy reconcile: invalid request:")
		for _, f := range ce.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message(lang))
		}
	case errors.As(err, &p):
		fmt.Fprintf(w, "subsidy reconcile: %s", p.Title)
		if p.Detail != "" {
			fmt.Fprintf(w, ": %s", p.Detail)
		}
		fmt.Fprintln(w)
		for _, f := range p.Errors {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message)
		}
	default:
		fmt.Fprintln(w, "subsidy reconcile:", err)
	}
}
