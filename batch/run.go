// Package batch runs many loans at once: it reads a batch input file
// (report.OpenLoans), computes every valid row with calc.Calculate on a
// bounded number of goroutines, shares an annual budget among the projects
// (calc.Allocate) and writes the report workbook (report.BatchWriter).
//
// [Run] does one batch synchronously (the command line uses it). A
// [Manager] keeps batch jobs on disk under a data directory and runs them on
// a bounded worker pool: an upload is on disk before it is accepted, status
// and progress are written as a job runs, a job that was running when the
// process stopped runs again at the next start, and finished jobs expire.
package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// CalculateFunc computes one request: [calc.Calculate] with fixed options
// and Options.Into set to into. into is nil or a result the run has
// recorded and handed back, whose memory the calculation may reuse.
type CalculateFunc func(req *calc.Request, into *calc.Result) (*calc.Result, error)

// Config is one batch run.
type Config struct {
	// Programme is the programme of rows that name none.
	Programme string
	// Budget, when not nil, is shared every year among the projects by
	// Allocation (calc.ProRata, the default, or calc.FirstCome).
	Budget     *Budget
	Allocation string
	// Schedules adds every loan's schedule to the report.
	Schedules bool
	// Lang of the report and of check messages: "ru" (default) or "en".
	Lang string
	// Parallel is the number of calculations at once (default: the number
	// of CPUs).
	Parallel int
	// Read bounds the input (rows, bytes, unzip limits).
	Read report.ReadOptions
	// Calculate computes a row (default calc.Calculate with the built-in
	// rate book).
	Calculate CalculateFunc
	// Source names the input in the report (the uploaded file's name).
	Source string
	// Other, when not nil, gets the same report in the other language
	// (English when Lang is Russian and the reverse), so that either can be
	// downloaded later. Check messages from the engine are in Lang; the
	// other report names the failed conditions without them.
	Other io.Writer
	// TempDir holds temporary files of the report (default os.TempDir).
	TempDir string
	// Logger gets internal errors (default slog.Default()).
	Logger *slog.Logger
	// Scenarios names built-in policy-rate scenarios (calc.Scenarios):
	// every loan is computed under each, and the report and the outcome
	// give the eligible loans' payable subsidy by year under each, summed
	// by currency (SPEC §10). Check names with [ParseScenarios].
	Scenarios []string
}

// Budget is a programme's budget for each calendar year.
type Budget struct {
	Amount   calc.Money
	Currency string
}

// Progress is how far a run is. Total is an estimate (the rows of the sheet
// or the lines of the CSV file) while the run reads; at the end it is
// exactly Done + Failed.
type Progress struct {
	Total  int `json:"total"`
	Done   int `json:"done"`
	Failed int `json:"failed"`
}

// Outcome sums up a finished run.
//
// Rows = Computed + Rejected and Computed = Eligible + Ineligible, always.
// Only eligible loans count in the sums and the allocation (SPEC §6).
type Outcome struct {
	Rows       int              `json:"rows"`
	Computed   int              `json:"computed"`
	Eligible   int              `json:"eligible"`
	Ineligible int              `json:"ineligible"`
	Rejected   int              `json:"rejected"`
	EmptyRows  int              `json:"empty_rows"`
	Format     string           `json:"format"`
	Warnings   []report.Warning `json:"warnings,omitempty"`
	// SubsidyPayable sums the payable subsidy of the eligible loans, by
	// currency (decimal strings). SubsidyPaid is the same sum, under its
	// earlier name.
	SubsidyPayable map[string]string `json:"subsidy_payable,omitempty"`
	SubsidyPaid    map[string]string `json:"subsidy_paid,omitempty"`
	// IneligibleBy counts the ineligible loans failing each eligibility
	// check, by check code.
	IneligibleBy map[string]int `json:"ineligible_by,omitempty"`
	// IneligibleLoans are the first ineligible loans (at most 100) with
	// their failed conditions, for a page to show.
	IneligibleLoans []IneligibleLoan `json:"ineligible_loans,omitempty"`
	// Allocation by year, when a budget was given.
	Allocation []YearAllocation `json:"allocation,omitempty"`
	// Errors are the first problems of rejected rows (at most 100), for a
	// page to show; ErrorsOmitted counts the ones left out (the report
	// lists them all).
	Errors        []RowError `json:"errors,omitempty"`
	ErrorsOmitted int        `json:"errors_omitted,omitempty"`
	// Scenarios are the eligible loans' payable subsidy under each
	// scenario asked for, by currency and calendar year.
	Scenarios []ScenarioSum `json:"scenarios,omitempty"`
}

// YearAllocation is one year of the budget's allocation, in the budget's
// currency.
type YearAllocation struct {
	Year      int    `json:"year"`
	Currency  string `json:"currency"`
	Budget    string `json:"budget"`
	Demand    string `json:"demand"`
	Allocated string `json:"allocated"`
	Shortfall string `json:"shortfall"`
}

// RowError is one rejected cell.
type RowError struct {
	Row    int    `json:"row"`
	ID     string `json:"id"`
	Column string `json:"column"`
	En     string `json:"en"`
	Ru     string `json:"ru"`
}

// IneligibleLoan is a computed loan that fails an eligibility check.
type IneligibleLoan struct {
	Row    int           `json:"row"`
	ID     string        `json:"id"`
	Failed []FailedCheck `json:"failed"`
}

// FailedCheck is a failed eligibility check: its code and the engine's
// message in the run's language.
type FailedCheck struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// maxOutcomeErrors bounds Outcome.Errors and Outcome.IneligibleLoans.
const maxOutcomeErrors = 100

// Run reads the batch input at path, computes every valid row and writes
// the report workbook to out. progress, when not nil, is called from Run's
// goroutine as rows finish (about every 100 rows and at the end). A file
// that cannot be read as a whole returns a *report.InputError and writes
// nothing; a cancelled ctx stops the run and returns ctx.Err().
//
// Every data row ends up either computed or rejected, in input order in
// the report: rows = computed + rejected, always. A row that makes the
// engine fail unexpectedly (an error that is not calc's Invalid, or a
// panic) is rejected with an internal-error reason and logged.
func Run(ctx context.Context, path string, cfg Config, out io.Writer, progress func(Progress)) (*Outcome, error) {
	cfg.defaults()
	if _, fe := ParseScenarios(strings.Join(cfg.Scenarios, ",")); fe != nil {
		return nil, &calc.Error{Kind: calc.Invalid, Detail: "invalid batch options", Fields: []calc.FieldError{*fe}}
	}
	cfg.Read.Programme = cfg.Programme
	cfg.Read.Lang = cfg.Lang
	r, err := report.OpenLoans(path, cfg.Read)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	langs := []string{cfg.Lang}
	if cfg.Other != nil {
		langs = append(langs, otherLang(cfg.Lang))
	}
	var writers []*report.BatchWriter
	defer func() {
		for _, w := range writers {
			w.Close()
		}
	}()
	for _, lang := range langs {
		bw, err := report.NewBatchWriter(report.BatchOptions{
			Lang: lang, Schedules: cfg.Schedules, Allocation: cfg.Budget != nil, TempDir: cfg.TempDir,
			Scenarios: cfg.Scenarios,
		})
		if err != nil {
			return nil, err
		}
		writers = append(writers, bw)
	}
	bw := writers[0]

	started := time.Now()
	st := &runState{cfg: &cfg, bw: bw, writers: writers,
		outcome: &Outcome{Format: r.Format, SubsidyPayable: map[string]string{}, SubsidyPaid: map[string]string{}},
		paid:    map[string]*report.Sum{}, scen: scenarioTotals{}}
	if err := st.pipeline(ctx, r, progress); err != nil {
		return nil, err
	}
	o := st.outcome
	o.EmptyRows = r.EmptyRows()
	o.Warnings = r.Warnings()
	o.Computed, o.Eligible, o.Rejected = bw.Counts()
	o.Ineligible = o.Computed - o.Eligible
	o.Rows = o.Computed + o.Rejected
	for c, s := range st.paid {
		o.SubsidyPayable[c] = s.Decimal().StringFixed(2)
		o.SubsidyPaid[c] = o.SubsidyPayable[c]
	}
	var alloc *report.Allocation
	if cfg.Budget != nil {
		alloc, err = st.allocate()
		if err != nil {
			return nil, err
		}
		for _, y := range alloc.Years {
			short := y.Demand
			short.Sub(y.Allocated)
			o.Allocation = append(o.Allocation, YearAllocation{
				Year: y.Year, Currency: alloc.Currency, Budget: alloc.Budget.String(),
				Demand: y.Demand.Decimal().StringFixed(2), Allocated: y.Allocated.Decimal().StringFixed(2),
				Shortfall: short.Decimal().StringFixed(2),
			})
		}
	}
	if progress != nil {
		progress(Progress{Total: o.Rows, Done: o.Computed, Failed: o.Rejected})
	}
	sum := report.BatchSummary{
		Source: cfg.Source, Format: r.Format, Sheet: r.Sheet, Encoding: r.Encoding, Programme: cfg.Programme,
		Started: started, Finished: time.Now(), EmptyRows: o.EmptyRows, Warnings: o.Warnings, Allocation: alloc,
		Method: cfg.Allocation,
	}
	if len(cfg.Scenarios) > 0 {
		sum.Scenarios = st.scen.blocks()
		o.Scenarios = scenarioSums(sum.Scenarios)
	}
	if cfg.Budget != nil {
		sum.Budget, sum.Currency = &cfg.Budget.Amount, cfg.Budget.Currency
	}
	// Each report is closed as soon as it is written: the other one is
	// then written without the first one's records and buffers in memory.
	outs := []io.Writer{out, cfg.Other}
	for i, w := range writers {
		if err := w.Finish(outs[i], sum); err != nil {
			return nil, err
		}
		w.Close()
	}
	return o, nil
}

// otherLang is the report language that lang is not.
func otherLang(lang string) string {
	if report.Lang(lang) == "en" {
		return "ru"
	}
	return "en"
}

func (c *Config) defaults() {
	if c.Parallel <= 0 {
		c.Parallel = runtime.GOMAXPROCS(0)
	}
	if c.Calculate == nil {
		c.Calculate = func(req *calc.Request, into *calc.Result) (*calc.Result, error) {
			return calc.Calculate(req, calc.Options{Into: into})
		}
	}
	if c.Allocation == "" {
		c.Allocation = calc.ProRata
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Lang = report.Lang(c.Lang)
}

// runState is what a run gathers as rows finish, in input order.
type runState struct {
	cfg     *Config
	bw      *report.BatchWriter   // the first of writers: the counts
	writers []*report.BatchWriter // one a language
	outcome *Outcome
	paid    map[string]*report.Sum
	scen    scenarioTotals
	demands []demandRec
	exclude []report.AllocationExcluded
}

// demandRec is a computed project's claim on the budget.
type demandRec struct {
	row int
	id  string
	app calc.Application
}

// item is one row on its way through the pipeline.
type item struct {
	seq  int
	loan *report.Loan
	res  *calc.Result
	err  error
}

func (st *runState) pipeline(ctx context.Context, r *report.LoanReader, progress func(Progress)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := st.cfg.Parallel
	// window bounds the rows between the reader and the in-order writer,
	// so a slow row never lets finished ones pile up without limit.
	window := make(chan struct{}, workers*32)
	in := make(chan *item, workers*4)
	done := make(chan *item, workers*4)
	// free holds the results recorded by the writer, for the next rows to
	// be computed in (calc.Options.Into): a batch then allocates a quarter
	// fewer bytes (docs/performance.md, "Batch against the excelize
	// floor"). No more than the window's rows hold a result at once.
	free := make(chan *calc.Result, cap(window))

	var readErr error
	go func() {
		defer close(in)
		for seq := 0; ; seq++ {
			l, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				readErr = err
				return
			}
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case in <- &item{seq: seq, loan: l}:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for it := range in {
				if it.loan.Request != nil {
					var into *calc.Result
					select {
					case into = <-free:
					default:
					}
					it.res, it.err = st.calculate(it.loan.Request, into)
				}
				done <- it
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	pending := map[int]*item{}
	next := 0
	var writeErr error
	last := time.Now()
	for it := range done {
		if writeErr != nil {
			continue // drain
		}
		pending[it.seq] = it
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-window
			if err := st.handle(p); err != nil {
				writeErr = err
				cancel()
				break
			}
			if p.res != nil {
				select {
				case free <- p.res:
				default:
				}
			}
		}
		if progress != nil && (next%100 == 0 || time.Since(last) > 200*time.Millisecond) {
			last = time.Now()
			c, _, rej := st.bw.Counts()
			progress(Progress{Total: max(r.Estimate(), c+rej), Done: c, Failed: rej})
		}
	}
	if writeErr != nil {
		return writeErr
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

// calculate runs the engine on one row, turning a panic into an error.
func (st *runState) calculate(req *calc.Request, into *calc.Result) (res *calc.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("calc panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return st.cfg.Calculate(withScenarios(req, st.cfg.Scenarios), into)
}

// handle records one finished row, in input order.
func (st *runState) handle(it *item) error {
	l := it.loan
	if l.Request != nil && it.err != nil {
		var ce *calc.Error
		if errors.As(it.err, &ce) && ce.Kind == calc.Invalid {
			for _, f := range ce.Fields {
				col := report.FieldColumn(f.Field)
				l.Problems = append(l.Problems, report.Problem{Column: col, Value: l.Cell(col), Text: f.Text})
			}
		}
		if len(l.Problems) == 0 {
			st.cfg.Logger.Error("batch row failed", "row", l.Row, "id", l.ID, "err", it.err)
			l.Problems = append(l.Problems, report.Problem{Text: calc.Text{
				Ru: "внутренняя ошибка: кредит не удалось рассчитать",
				En: "internal error: the loan could not be computed",
			}})
		}
		l.Request = nil
	}
	if l.Request == nil {
		for _, p := range l.Problems {
			if len(st.outcome.Errors) < maxOutcomeErrors {
				st.outcome.Errors = append(st.outcome.Errors, RowError{Row: l.Row, ID: l.ID, Column: p.Column, En: p.En, Ru: p.Ru})
			} else {
				st.outcome.ErrorsOmitted++
			}
		}
		for _, w := range st.writers {
			if err := w.Rejected(l); err != nil {
				return err
			}
		}
		return nil
	}
	res := it.res
	if res.Eligible {
		// Only an eligible loan is paid, counts in the sums and asks for
		// budget (SPEC §6).
		s := st.paid[res.Currency]
		if s == nil {
			s = &report.Sum{}
			st.paid[res.Currency] = s
		}
		s.Add(res.Totals.SubsidyPayable)
		st.scen.add(res)
		if st.cfg.Budget != nil {
			st.demand(l, res)
		}
	} else {
		st.ineligible(l, res)
	}
	for _, w := range st.writers {
		if err := w.Computed(l, res); err != nil {
			return err
		}
	}
	return nil
}

// ineligible records why a computed loan is not eligible.
func (st *runState) ineligible(l *report.Loan, res *calc.Result) {
	o := st.outcome
	if o.IneligibleBy == nil {
		o.IneligibleBy = map[string]int{}
	}
	il := IneligibleLoan{Row: l.Row, ID: l.ID}
	for _, c := range res.Checks {
		if !c.OK && c.Kind == calc.KindEligibility {
			o.IneligibleBy[c.Code]++
			il.Failed = append(il.Failed, FailedCheck{Code: c.Code, Message: c.Message()})
		}
	}
	if len(o.IneligibleLoans) < maxOutcomeErrors {
		o.IneligibleLoans = append(o.IneligibleLoans, il)
	}
}

// demand records the project's claim on the budget: its payable subsidy
// by year in the budget's currency (calc.Demand: the conversion rules live
// there). A loan that cannot take part is left out of the allocation and
// listed with the reason.
func (st *runState) demand(l *report.Loan, res *calc.Result) {
	var rowFX *decimal.Decimal
	for _, fx := range l.Request.Subsidy.FX {
		if fx.Year == nil {
			v := fx.Rate
			rowFX = &v
		}
	}
	years, err := calc.Demand(res, st.cfg.Budget.Currency, rowFX)
	var ce *calc.Error
	if errors.As(err, &ce) && len(ce.Fields) > 0 {
		st.exclude = append(st.exclude, report.AllocationExcluded{
			Row: l.Row, ID: l.ID, Currency: res.Currency, Text: ce.Fields[0].Text})
		return
	}
	if len(years) > 0 {
		st.demands = append(st.demands, demandRec{row: l.Row, id: l.ID,
			app: calc.Application{Seq: l.Row, Date: l.ApplicationDate, Years: years}})
	}
}

// allocate shares each year's budget among that year's demands (SPEC §5)
// with calc.AllocateYears, which fixes the order projects are served in.
func (st *runState) allocate() (*report.Allocation, error) {
	b := st.cfg.Budget
	apps := make([]calc.Application, len(st.demands))
	for i := range st.demands {
		apps[i] = st.demands[i].app
	}
	years, err := calc.AllocateYears(b.Amount, st.cfg.Allocation, apps)
	if err != nil {
		return nil, err
	}
	a := &report.Allocation{Method: st.cfg.Allocation, Budget: b.Amount, Currency: b.Currency, Excluded: st.exclude}
	for _, y := range years {
		ay := report.AllocationYear{Year: y.Year, Projects: make([]report.AllocatedProject, len(y.Projects))}
		for k, i := range y.Projects {
			ay.Demand.Add(y.Demand[k])
			ay.Allocated.Add(y.Allocated[k])
			ay.Projects[k] = report.AllocatedProject{Row: st.demands[i].row, ID: st.demands[i].id, Demand: y.Demand[k], Allocated: y.Allocated[k]}
		}
		a.Years = append(a.Years, ay)
	}
	return a, nil
}

// ParseBudget reads an annual budget as the upload form gives it: an
// amount with an optional ISO currency code ("5000000000", "5 000 000 000,00
// RUB"), the amount read by [calc.ParseNumber] in the writer's language
// lang ("5,000" is 5000 in English, ambiguous otherwise). Without a code
// the budget is in defaultCurrency.
func ParseBudget(s, lang, defaultCurrency string) (*Budget, error) {
	s = strings.TrimSpace(s)
	cur := defaultCurrency
	if f := strings.Fields(s); len(f) > 1 {
		last := strings.ToUpper(f[len(f)-1])
		if len(last) == 3 && strings.Trim(last, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
			cur = last
			s = strings.Join(f[:len(f)-1], " ")
		}
	}
	d, err := calc.ParseNumber(s, lang)
	if ne := (*calc.NumberError)(nil); errors.As(err, &ne) && ne.Kind == calc.NumberAmbiguous {
		return nil, &calc.Error{Kind: calc.Invalid, Detail: "invalid annual budget", Fields: []calc.FieldError{{
			Field: "annual_budget", Text: calc.Text{Ru: "годовой бюджет: " + ne.Ru, En: "the annual budget is " + ne.En},
		}}}
	}
	if err != nil || d.IsNegative() {
		return nil, &calc.Error{Kind: calc.Invalid, Detail: "invalid annual budget", Fields: []calc.FieldError{{
			Field: "annual_budget",
			Text: calc.Text{
				Ru: "годовой бюджет — сумма, за которой может идти код валюты: 5000000000 RUB",
				En: "the annual budget must be an amount, optionally followed by a currency code: 5000000000 RUB",
			},
		}}}
	}
	m, err := calc.MoneyFromDecimal(d)
	if err != nil {
		return nil, &calc.Error{Kind: calc.Invalid, Detail: "invalid annual budget", Fields: []calc.FieldError{{
			Field: "annual_budget",
			Text: calc.Text{
				Ru: "в годовом бюджете больше двух знаков после запятой или он слишком велик",
				En: "the annual budget has more than two decimals or is too large",
			},
		}}}
	}
	return &Budget{Amount: m, Currency: cur}, nil
}

// BudgetCurrency is the currency of a budget given without one
// (calc.BudgetCurrency): the annual cap's currency of the programme, or
// its only allowed currency, or RUB.
func BudgetCurrency(programme string) string { return calc.BudgetCurrency(programme) }
