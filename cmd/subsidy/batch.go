package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

func init() {
	register(command{name: "batch", summary: "compute a batch file of loans (xlsx or csv) into a report workbook", run: runBatch})
}

// runBatch does offline what POST /api/v1/batches does: it reads the
// input, computes every loan and writes the report workbook, with a
// progress bar on stderr.
func runBatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("batch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "report workbook to write (default: the input's name with -report.xlsx)")
	programme := fs.String("programme", "", "programme of rows that name none ("+strings.Join(calc.ProgrammeIDs(), ", ")+")")
	budget := fs.String("budget", "", `annual budget to share among the projects, e.g. "5000000000 RUB" (default currency: the programme's cap currency)`)
	allocation := fs.String("allocation", "", "how the budget is shared: pro_rata (default) or first_come")
	schedules := fs.Bool("schedules", false, "add every loan's schedule to the report")
	lang := fs.String("lang", "ru", "language of the report: ru or en")
	parallel := fs.Int("parallel", 0, "calculations at once (0: the number of CPUs)")
	maxRows := fs.Int("max-rows", report.DefaultMaxRows, "largest number of loans in a file")
	maxBytes := fs.Int64("max-bytes", report.DefaultMaxBytes, "largest input file, bytes")
	rates := fs.String("rates", "", "policy rate CSV file; empty: the built-in record")
	quiet := fs.Bool("q", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy batch input.xlsx|input.csv [-o report.xlsx] [flags]\n\nComputes every loan of a batch file (see 'subsidy template') and writes the\nreport workbook: Summary, Projects, Allocation (with --budget), Errors and,\nwith --schedules, every schedule. Rejected rows are listed with their row,\ncolumn and reason; the exit status is 0 when the report was written.\n\nflags:")
		fs.PrintDefaults()
	}
	valued := map[string]bool{"o": true, "programme": true, "budget": true, "allocation": true, "lang": true,
		"parallel": true, "max-rows": true, "max-bytes": true, "rates": true}
	if err := fs.Parse(reorder(args, valued)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(2)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitCode(2)
	}
	input := fs.Arg(0)
	p := batch.Params{Programme: *programme, AnnualBudget: *budget, Allocation: *allocation,
		Schedules: *schedules, Lang: *lang, Filename: filepath.Base(input)}
	if *lang != "ru" && *lang != "en" {
		fmt.Fprintf(stderr, "subsidy batch: --lang %q: want ru or en\n", *lang)
		return exitCode(2)
	}
	b, err := p.Check()
	if err != nil {
		var ce *calc.Error
		if errors.As(err, &ce) {
			for _, f := range ce.Fields {
				fmt.Fprintf(stderr, "subsidy batch: --%s: %s\n", strings.ReplaceAll(f.Field, "annual_", ""), f.Message(*lang))
			}
			return exitCode(2)
		}
		return err
	}
	book, err := loadRates(*rates)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = strings.TrimSuffix(input, filepath.Ext(input)) + "-report.xlsx"
	}
	cfg := batch.Config{
		Programme: p.Programme, Budget: b, Allocation: p.Allocation, Schedules: p.Schedules, Lang: p.Lang,
		Parallel: *parallel, Source: p.Filename,
		Read:      report.ReadOptions{MaxRows: *maxRows, MaxBytes: *maxBytes},
		Calculate: func(req *calc.Request) (*calc.Result, error) { return calc.Calculate(req, calc.Options{Rates: book}) },
	}
	bar := newProgressBar(stderr, *quiet)
	start := time.Now()
	var outcome *batch.Outcome
	err = writeOutput(*out, stdout, func(w io.Writer) error {
		var err error
		outcome, err = batch.Run(ctx, input, cfg, w, bar.update)
		return err
	})
	bar.done()
	if err != nil {
		var ie *report.InputError
		if errors.As(err, &ie) {
			fmt.Fprintf(stderr, "subsidy batch: %s: %s\n", input, ie.Message(*lang))
			return exitCode(1)
		}
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "subsidy batch: interrupted; no report written")
			return exitCode(130)
		}
		return err
	}
	fmt.Fprintf(stderr, "%d rows: %d computed (%d meet the programme's conditions), %d rejected; %s in %.1fs\n",
		outcome.Rows, outcome.Computed, outcome.Eligible, outcome.Rejected, *out, time.Since(start).Seconds())
	for _, w := range outcome.Warnings {
		fmt.Fprintln(stderr, "warning:", w.Message(*lang))
	}
	return nil
}

// progressBar draws "[=====>    ]  52%  5200/10000 rows, 3 rejected" on a
// terminal, redrawn in place; on a file or pipe it prints a line every
// 10 %.
type progressBar struct {
	w        io.Writer
	tty      bool
	off      bool
	last     time.Time
	lastTens int
	drawn    bool
}

func newProgressBar(w io.Writer, quiet bool) *progressBar {
	return &progressBar{w: w, tty: isTerminal(w), off: quiet, lastTens: -1}
}

func (b *progressBar) update(p batch.Progress) {
	if b.off {
		return
	}
	n := p.Done + p.Failed
	pct := 0
	if p.Total > 0 {
		pct = min(100, n*100/p.Total)
	}
	if !b.tty {
		if pct/10 > b.lastTens {
			b.lastTens = pct / 10
			fmt.Fprintf(b.w, "%3d%% %d/%d rows, %d rejected\n", pct, n, p.Total, p.Failed)
		}
		return
	}
	if time.Since(b.last) < 100*time.Millisecond && n < p.Total {
		return
	}
	b.last = time.Now()
	const width = 30
	fill := pct * width / 100
	bar := strings.Repeat("=", fill)
	if fill < width {
		bar += ">" + strings.Repeat(" ", width-fill-1)
	}
	fmt.Fprintf(b.w, "\r[%s] %3d%% %d/%d rows, %d rejected ", bar, pct, n, p.Total, p.Failed)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
