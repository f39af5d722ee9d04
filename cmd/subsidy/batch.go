package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
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
	c := newCmdline("batch", "input.xlsx|input.csv [-o report.xlsx] [flags]", `
Computes every loan of a batch file (see 'subsidy template') and writes the
report workbook: Summary, Projects, Allocation (with --budget), Errors and,
with --schedules, every schedule, with --scenarios, the payable subsidy by
year under each policy-rate scenario. Rejected rows are listed with their row,
column and reason; the exit status is 0 when the report was written.`, stdout, stderr)
	out := c.fs.String("o", "", "report `FILE` to write, .xlsx; - for standard output (default: the input's name with -report.xlsx)")
	programme := c.fs.String("programme", "", "`ID`: the programme of rows that name none: "+strings.Join(calc.ProgrammeIDs(), ", "))
	budget := c.fs.String("budget", "", "annual `BUDGET` to share among the projects, \"5000000000 RUB\" (default currency: the programme's cap currency)")
	allocation := c.fs.String("allocation", "", "`MODE` of sharing the budget: pro_rata (default) or first_come")
	schedules := c.fs.Bool("schedules", false, "add every loan's schedule to the report")
	scenarios := c.fs.String("scenarios", "", "`NAMES` of policy-rate scenarios, comma-separated (low,base,high): the report adds the payable subsidy by year under each")
	lang := c.withLang("the report")
	parallel := c.fs.Int("parallel", 0, "`N` calculations at once (0: the number of CPUs)")
	maxRows := c.fs.Int("max-rows", report.DefaultMaxRows, "largest number of loans in a file, `N`")
	maxBytes := c.fs.Int64("max-bytes", report.DefaultMaxBytes, "largest input file, `BYTES`")
	rates := c.fs.String("rates", "", "policy rate CSV `FILE`; none: the built-in record")
	quiet := c.fs.Bool("q", false, "no progress bar")
	memLimit := byteSize(defaultMemoryLimit)
	c.fs.Var(&memLimit, "memory-limit", "soft limit of the Go heap in `BYTES` (100MiB, 1GiB): the garbage collector runs only as the heap nears it; GOGC or GOMEMLIMIT in the environment win")
	return c.run(args, 1, 1, func() error {
		input := c.fs.Arg(0)
		p := batch.Params{Programme: *programme, AnnualBudget: *budget, Allocation: *allocation,
			Schedules: *schedules, Lang: *lang, Filename: filepath.Base(input), Scenarios: *scenarios}
		b, err := p.Check()
		if err != nil {
			var ce *calc.Error
			if errors.As(err, &ce) && len(ce.Fields) > 0 {
				f := ce.Fields[0]
				flag := "--" + strings.ReplaceAll(f.Field, "annual_", "")
				return &failure{Text: calc.Text{Ru: flag + ": " + f.Ru, En: flag + ": " + f.En}, code: 2}
			}
			return err
		}
		scen, _ := batch.ParseScenarios(p.Scenarios) // checked by p.Check
		book, err := loadRates(*rates)
		if err != nil {
			return err
		}
		if *out == "" {
			*out = strings.TrimSuffix(input, filepath.Ext(input)) + "-report.xlsx"
		}
		f, err := chooseFormat(*out, "", formatXLSX)
		if err != nil {
			return err
		}
		cfg := batch.Config{
			Programme: p.Programme, Budget: b, Allocation: p.Allocation, Schedules: p.Schedules, Lang: p.Lang,
			Parallel: *parallel, Source: p.Filename, Scenarios: scen,
			Read: report.ReadOptions{MaxRows: *maxRows, MaxBytes: *maxBytes},
			Calculate: func(req *calc.Request, into *calc.Result) (*calc.Result, error) {
				return calc.Calculate(req, calc.Options{Rates: book, Into: into})
			},
		}
		if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
			defer collectNearLimit(int64(memLimit))()
		}
		bar := newProgressBar(c, *quiet)
		start := time.Now()
		var outcome *batch.Outcome
		err = writeFile(*out, stdout, f, func(w io.Writer) error {
			var err error
			outcome, err = batch.Run(ctx, input, cfg, w, bar.update)
			return err
		})
		bar.done()
		if err != nil {
			var ie *report.InputError
			if errors.As(err, &ie) {
				return &failure{Text: calc.Text{Ru: input + ": " + ie.Ru, En: input + ": " + ie.En}, code: 1}
			}
			if errors.Is(err, context.Canceled) {
				c.say(calc.Text{
					Ru: "subsidy batch: прервано; отчёт не записан",
					En: "subsidy batch: interrupted; no report written",
				})
				return exitCode(130)
			}
			return err
		}
		c.say(calc.Text{
			Ru: "строк: %d; рассчитано %d (условиям программы отвечают %d), отклонено %d; %s за %.1f с",
			En: "%d rows: %d computed (%d meet the programme's conditions), %d rejected; %s in %.1fs",
		},
			outcome.Rows, outcome.Computed, outcome.Eligible, outcome.Rejected, *out, time.Since(start).Seconds())
		for _, s := range outcome.Scenarios {
			c.say(calc.Text{
				Ru: "сценарий %s: к выплате %s %s",
				En: "scenario %s: %s %s payable",
			}, s.Name, s.SubsidyPayable, s.Currency)
		}
		for _, w := range outcome.Warnings {
			fmt.Fprintln(stderr, calc.Text{Ru: "предупреждение:", En: "warning:"}.In(c.lang), w.In(c.lang))
		}
		return nil
	})
}

// defaultMemoryLimit is the soft limit of the Go heap of serve and batch
// (--memory-limit). A batch keeps ~40 MB live whatever its number of loans
// (its records wait on disk), so a 100,000-loan run, or a service job
// writing both languages, stays under 150 MB of RSS within it.
const defaultMemoryLimit = 100 << 20

// collectNearLimit makes the garbage collector run only as the heap nears
// limit (GOGC off, GOMEMLIMIT limit) and returns the function that puts
// the previous settings back. A batch allocates much and keeps little:
// collecting each time the heap doubles cost a 100,000-loan run ~15 % of
// its CPU time (docs/performance.md, "Batch against the excelize floor").
func collectNearLimit(limit int64) (restore func()) {
	gc := debug.SetGCPercent(-1)
	mem := debug.SetMemoryLimit(limit)
	return func() {
		debug.SetMemoryLimit(mem)
		debug.SetGCPercent(gc)
	}
}

// progressBar draws "[=====>    ]  52%  5200/10000 rows, rejected 3" on a
// terminal, redrawn in place; on a file or pipe it prints a line every
// 10 %.
type progressBar struct {
	w        io.Writer
	tty      bool
	off      bool
	last     time.Time
	lastTens int
	drawn    bool
	// rows and rejected are the words of the bar in the command's
	// language.
	rows, rejected string
}

func newProgressBar(c *cmdline, quiet bool) *progressBar {
	return &progressBar{w: c.stderr, tty: isTerminal(c.stderr), off: quiet, lastTens: -1,
		rows: calc.Text{
			Ru: "строк",
			En: "rows",
		}.In(c.lang), rejected: calc.Text{
			Ru: "отклонено",
			En: "rejected",
		}.In(c.lang)}
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
			fmt.Fprintf(b.w, "%3d%% %d/%d %s, %s %d\n", pct, n, p.Total, b.rows, b.rejected, p.Failed)
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
	fmt.Fprintf(b.w, "\r[%s] %3d%% %d/%d %s, %s %d ", bar, pct, n, p.Total, b.rows, b.rejected, p.Failed)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
