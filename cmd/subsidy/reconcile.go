package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/wire"
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
	c := newCmdline("reconcile", "request.json [bank.xlsx|bank.csv] [-o result.txt|result.json|result.xlsx] [flags]", `
Recomputes the loan of request.json (the body of POST /api/v1/reconciliations;
the bank's rows in its bank_schedule or in the file) under every common
convention and lists every row of the bank's schedule that still differs: a
table on standard output, or the file -o names, in the format of its
extension (or --format).
Exit status: 0 no differences, 3 differences found, 1 error, 2 usage.`, stdout, stderr)
	rf := newRequestFlags(c, "output `FILE`: .txt (table), .json or .xlsx (workbook); - or none: the table on standard output", "output `FORMAT` whatever the file's name: text, json or xlsx", "the output")
	out, lang := rf.out, rf.lang
	tolerance := c.fs.String("tolerance", "", "largest difference accepted in a cell, in the loan currency, `AMOUNT` (default 0.02, or the request's)")
	return c.run(args, 1, 2, func() error {
		f, book, body, err := rf.load(formatText, formatJSON, formatXLSX)
		if err != nil {
			return err
		}
		rreq, err := wire.DecodeReconcileRequest(body, *lang)
		if err != nil {
			reconcileProblem(c, err)
			return exitCode(1)
		}
		rf.settleLang(&rreq.Lang)
		if *tolerance != "" {
			d, err := calc.ParseNumber(*tolerance, c.lang)
			if err != nil {
				return usagef(calc.Text{Ru: "--tolerance %q: не число", En: "--tolerance %q: not a number"}, *tolerance)
			}
			rreq.Tolerance = &d
		}
		if c.fs.NArg() == 2 {
			if len(rreq.BankSchedule) > 0 {
				return usagef(calc.Text{
					Ru: "в запросе есть bank_schedule, и указан файл банка: укажите что-то одно",
					En: "the request has bank_schedule and a bank file is given too: give one",
				})
			}
			data, err := readInput(c.fs.Arg(1), report.MaxBankFileBytes)
			if err != nil {
				return err
			}
			bs, err := report.ReadBankSchedule(data)
			if err != nil {
				reconcileProblem(c, wire.BankFileProblem(err, *lang))
				return exitCode(1)
			}
			rreq.BankSchedule = bs.Rows
			for _, w := range bs.Warnings {
				fmt.Fprintln(stderr, "subsidy reconcile:", w.In(*lang))
			}
		}
		rec, err := calc.Reconcile(rreq, calc.Options{Rates: book})
		if err != nil {
			reconcileProblem(c, err)
			return exitCode(1)
		}
		err = writeFile(*out, stdout, f, func(w io.Writer) error {
			switch f {
			case formatXLSX:
				return report.WriteReconciliation(w, rec, *lang)
			case formatJSON:
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
	})
}

// writeReconcileText writes the result as a plain table. Every text
// taken from the input files (none but dates and amounts) is formatted
// by the program, so nothing the files hold reaches the terminal as is.
func writeReconcileText(w io.Writer, rec *calc.Reconciliation, lang string) error {
	c := rec.Conventions
	fmt.Fprintf(w, "%s: %s; %s; %s; %s\n", calc.Text{
		Ru: "Соглашения банка",
		En: "The bank's conventions",
	}.In(lang), c.DayCount,
		report.ConventionText("accrual_balance", c.AccrualBalance, lang), report.ConventionText("rounding", c.Rounding, lang),
		report.ConventionText("base_fixing", c.BaseFixing, lang))
	fmt.Fprintf(w, "%s: %d, %s: %d, %s: %d\n", calc.Text{
		Ru: "Строк у банка",
		En: "Bank rows",
	}.In(lang), rec.RowsChecked,
		calc.Text{
			Ru: "совпали",
			En: "matching",
		}.In(lang), rec.RowsMatching, calc.Text{
			Ru: "расходятся",
			En: "off",
		}.In(lang), rec.RowsOff)
	if len(rec.Differences) == 0 {
		fmt.Fprintln(w, calc.Text{Ru: "Расхождений нет.", En: "No differences."}.In(lang))
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t %s\n", calc.Text{
		Ru: "№",
		En: "n",
	}.In(lang), calc.Text{
		Ru: "строка банка",
		En: "bank row",
	}.In(lang), calc.Text{
		Ru: "дата",
		En: "date",
	}.In(lang),
		calc.Text{
			Ru: "показатель",
			En: "field",
		}.In(lang), calc.Text{
			Ru: "банк",
			En: "bank",
		}.In(lang), calc.Text{
			Ru: "наш расчёт",
			En: "ours",
		}.In(lang), calc.Text{
			Ru: "разница",
			En: "difference",
		}.In(lang), calc.Text{
			Ru: "причина",
			En: "cause",
		}.In(lang))
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
// field a line, in the command's language.
func reconcileProblem(c *cmdline, err error) {
	w := c.stderr
	var ce *calc.Error
	var p *wire.Problem
	switch {
	case errors.As(err, &ce):
		c.say(calc.Text{Ru: "subsidy reconcile: запрос с ошибками:", En: "subsidy reconcile: invalid request:"})
		for _, f := range ce.Fields {
			fmt.Fprintf(w, "  %s: %s\n", f.Field, f.In(c.lang))
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
		fmt.Fprintln(w, "subsidy reconcile:", localizeError(err, c.lang))
	}
}
