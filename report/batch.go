package report

import (
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the batch report.
var (
	sheetProjects   = calc.Text{Ru: "Проекты", En: "Projects"}
	sheetAllocation = calc.Text{Ru: "Распределение", En: "Allocation"}
	sheetErrors     = calc.Text{Ru: "Ошибки", En: "Errors"}
	sheetSchedules  = calc.Text{Ru: "Графики", En: "Schedules"}
)

// Statuses of a loan in the batch report (Projects sheet, API).
const (
	StatusOK         = "ok"         // computed; every eligibility check passed
	StatusIneligible = "ineligible" // computed; an eligibility check failed
	StatusRejected   = "rejected"   // not computed: the row is invalid
)

var statusLabels = map[string]calc.Text{
	StatusOK:         {Ru: "рассчитан", En: "computed"},
	StatusIneligible: {Ru: "условия не выполнены", En: "not eligible"},
	StatusRejected:   {Ru: "отклонён", En: "rejected"},
}

// BatchOptions configure a batch report.
type BatchOptions struct {
	// Lang of headers and texts: "ru" (default) or "en".
	Lang string
	// Schedules adds every computed loan's schedule on the sheets
	// "Schedules", "Schedules (2)", … .
	Schedules bool
	// Allocation adds the Allocation sheet (SPEC §5).
	Allocation bool
	// TempDir is where the StreamWriter keeps sheets over 16 MiB.
	TempDir string
	// Scenarios, when not empty, adds the Policy-rate scenarios sheet with
	// a column for each named scenario, in this order (SPEC §10).
	Scenarios []string
}

// Allocation is the outcome of sharing an annual budget among the batch's
// projects (SPEC §5), computed by the caller with [calc.Allocate].
type Allocation struct {
	// Method is calc.ProRata or calc.FirstCome.
	Method string
	// Budget is the budget of every year, in Currency.
	Budget   calc.Money
	Currency string
	Years    []AllocationYear
	// Excluded are the projects that could not take part (no exchange rate
	// to the budget's currency).
	Excluded []AllocationExcluded
}

// AllocationYear is one year's allocation. Projects are in the order
// they were served (application order).
type AllocationYear struct {
	Year      int
	Demand    Sum
	Allocated Sum
	Projects  []AllocatedProject
}

// AllocatedProject is one project's demand and allocation in one year, in
// the budget's currency.
type AllocatedProject struct {
	Row       int
	ID        string
	Demand    calc.Money
	Allocated calc.Money
}

// AllocationExcluded is a project left out of the allocation.
type AllocationExcluded struct {
	Row       int
	ID        string
	Currency  string
	calc.Text // why it is left out
}

// BatchSummary is what the caller knows about the run as a whole.
type BatchSummary struct {
	// Source names the input file; Format is "xlsx" or "csv".
	Source, Format, Sheet, Encoding string
	// Programme is the programme of rows that name none ("" when the rows
	// name theirs).
	Programme         string
	Started, Finished time.Time
	EmptyRows         int
	Warnings          []Warning
	// Budget and Method are the annual budget (nil: none) and the
	// allocation method asked for; Allocation its outcome.
	Budget     *calc.Money
	Currency   string
	Method     string
	Allocation *Allocation
	// Scenarios are the eligible loans' payable subsidy by year under each
	// scenario, by currency (BatchOptions.Scenarios).
	Scenarios []ScenarioBlock
}

type yearKey struct {
	currency string
	year     int
}

type countryKey struct{ currency, country string }

type countryTotals struct{ benefit, contribution Sum }

type gridKey struct {
	currency, country string
	year              int
}

// BatchWriter writes the report workbook of a batch run in one language:
// Summary (the run's options, counts of eligible, ineligible and rejected
// loans and why, totals by currency and by year as formulas over the
// Projects sheet, the payable subsidy by year and member state, net
// positions, the allocation against the budget), Projects (one row per
// input row: status, eligibility, figures, payable subsidy by year, failed
// conditions), Allocation (when a budget is given), Errors (every rejected
// cell with row, id, column and reason) and, when asked, the schedules of
// all loans on spill-over sheets. Every sheet prints on A4 with its header
// repeated and a footer.
//
// Only eligible loans count: an ineligible loan (SPEC §6) is listed with
// its failed conditions and what it would be paid, but adds nothing to the
// totals, the member states' figures or the allocation.
//
// Add rows in input order with Computed and Rejected, then call Finish
// once; Close releases temporary files in every case.
type BatchWriter struct {
	opt  BatchOptions
	lang string
	f    *excelize.File
	st   *styles
	now  time.Time

	recs      *recordFile        // the loans, for the Projects sheet
	years     []yearPaid         // of the loan being recorded
	totals    map[string]*[6]Sum // the eligible loans' totals by currency (currencies)
	yearSums  map[yearKey]*Sum   // their payable subsidy by currency and year
	computed  int
	eligible  int
	rejected  int
	failed    map[string]int // loans failing each eligibility check
	rules     map[string]bool
	programs  map[string]bool
	grid      map[gridKey]*Sum
	countries map[countryKey]*countryTotals
	minYear   int
	maxYear   int
	sched     *spill
	errs      []rejectedRow
	finished  bool
}

// NewBatchWriter starts a batch report.
func NewBatchWriter(opt BatchOptions) (*BatchWriter, error) {
	lang := Lang(opt.Lang)
	f := excelize.NewFile(excelize.Options{TmpDir: opt.TempDir})
	st, err := newStyles(f)
	if err == nil {
		err = st.localDates(f, lang)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	b := &BatchWriter{opt: opt, lang: lang, f: f, st: st, now: time.Now(),
		failed: map[string]int{}, rules: map[string]bool{}, programs: map[string]bool{},
		grid: map[gridKey]*Sum{}, countries: map[countryKey]*countryTotals{},
		totals: map[string]*[6]Sum{}, yearSums: map[yearKey]*Sum{}}
	if b.recs, err = newRecordFile(opt.TempDir); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", sheetSummary.In(lang)); err != nil {
		f.Close()
		return nil, err
	}
	names := []calc.Text{sheetProjects}
	if opt.Allocation {
		names = append(names, sheetAllocation)
	}
	if len(opt.Scenarios) > 0 {
		names = append(names, sheetScenarios)
	}
	names = append(names, sheetErrors)
	for _, n := range names {
		if _, err := f.NewSheet(n.In(lang)); err != nil {
			f.Close()
			return nil, err
		}
	}
	if opt.Schedules {
		header := []string{calc.Text{Ru: "Строка", En: "Row"}.In(lang), "id"}
		for i, h := range bookHeader {
			if plain, ok := bookPlain[i+1]; ok {
				h = plain
			}
			header = append(header, h.In(lang))
		}
		header = append(header, calc.Text{Ru: "Валюта", En: "Currency"}.In(lang))
		widths := append([]float64{7, 14}, bookWidths...)
		b.sched = newSpill(f, sheetSchedules.In(lang), header, st.header, append(widths, 8), b.page(true, 1))
	}
	return b, nil
}

func (b *BatchWriter) t(t calc.Text) string { return t.In(b.lang) }

// page returns the print settings of a sheet; the footer's rules version
// is filled in when the sheet is set up at Finish (the schedules' sheets,
// opened earlier, name the generation time only).
func (b *BatchWriter) page(landscape bool, titleRows int) page {
	return page{Landscape: landscape, TitleRows: titleRows, Lang: b.lang,
		Footer: footerLine(strings.Join(sortedKeys(b.rules), ", "), b.now, b.lang)}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Computed records a computed loan (its row, in input order) and its
// result.
func (b *BatchWriter) Computed(l *Loan, res *calc.Result) error {
	if b.finished {
		return errors.New("report: BatchWriter already finished")
	}
	req := l.Request
	p := projectRec{
		row: l.Row, id: l.ID, project: l.Project, programme: res.Programme.ID, currency: res.Currency,
		status: StatusOK, amount: number(req.Loan.Amount), issue: req.Loan.IssueDate, term: req.Loan.TermMonths,
		interest: res.Totals.Interest, subsidy: res.Totals.Subsidy, paid: res.Totals.SubsidyPaid,
		payable:  res.Totals.SubsidyPayable,
		borrower: res.Totals.BorrowerInterest, pv: res.SubsidyPresentValue, grant: fraction(res.GrantElement),
		effWithout: fraction(res.EffectiveRates.WithoutSubsidy), effWith: fraction(res.EffectiveRates.WithSubsidy),
	}
	if req.Loan.Rate != nil {
		p.rate, p.hasRate = fraction(*req.Loan.Rate), true
	}
	if !res.Eligible {
		p.status = StatusIneligible
	}
	b.rules[res.Programme.RulesVersion] = true
	b.programs[res.Programme.ID] = true
	// The failed conditions by name; the engine's message too when it
	// speaks the report's language.
	sameLang := Lang(req.Lang) == b.lang
	var notes []string
	for _, c := range res.Checks {
		if c.OK || c.Kind != calc.KindEligibility {
			continue
		}
		b.failed[c.Code]++
		n := CheckName(c.Code, b.lang)
		if sameLang {
			if m := c.Message(); m != "" {
				n += ": " + m
			}
		}
		notes = append(notes, n)
	}
	p.note = strings.Join(notes, "; ")
	b.computed++
	if res.Eligible {
		b.eligible++
		t := b.totals[res.Currency]
		if t == nil {
			t = &[6]Sum{}
			b.totals[res.Currency] = t
		}
		t[0].Add(1)
		if m, err := calc.MoneyFromDecimal(req.Loan.Amount); err == nil {
			t[1].Add(m)
		}
		t[2].Add(res.Totals.Interest)
		t[3].Add(res.Totals.SubsidyPayable)
		t[4].Add(res.Totals.BorrowerInterest)
		b.years = b.years[:0]
		for _, y := range res.Years {
			if y.SubsidyPayable == 0 {
				continue
			}
			b.years = append(b.years, yearPaid{y.Year, y.SubsidyPayable})
			k := yearKey{res.Currency, y.Year}
			ys := b.yearSums[k]
			if ys == nil {
				ys = &Sum{}
				b.yearSums[k] = ys
			}
			ys.Add(y.SubsidyPayable)
			if b.minYear == 0 || y.Year < b.minYear {
				b.minYear = y.Year
			}
			b.maxYear = max(b.maxYear, y.Year)
			for _, s := range y.BudgetShares {
				k := gridKey{res.Currency, s.Country, y.Year}
				g := b.grid[k]
				if g == nil {
					g = &Sum{}
					b.grid[k] = g
				}
				g.Add(s.Amount)
			}
		}
		p.years = b.years
		for _, c := range res.Countries {
			k := countryKey{res.Currency, c.Country}
			ct := b.countries[k]
			if ct == nil {
				ct = &countryTotals{}
				b.countries[k] = ct
			}
			ct.benefit.Add(c.Benefit)
			ct.contribution.Add(c.Contribution)
		}
	}
	if err := b.recs.add(&p); err != nil {
		return err
	}
	if b.sched != nil {
		return b.schedule(l, res)
	}
	return nil
}

func (b *BatchWriter) schedule(l *Loan, res *calc.Result) error {
	st := b.st
	if len(b.sched.sheets) == 0 {
		// The first sheet opens now: its footer can name the rules.
		b.sched.page = b.page(true, 1)
	}
	id := safeText(l.ID)
	for i := range res.Schedule {
		p := &res.Schedule[i]
		err := b.sched.add(func(int) []any {
			vary := ""
			if p.RatesVary {
				vary = yesNo(true, b.lang)
			}
			return []any{
				l.Row, id, p.N,
				cellOf(st.date, serial(p.Start)), cellOf(st.date, serial(p.End)), p.Days,
				cellOf(st.money, money(p.OpeningBalance)), cellOf(st.money, money(p.Drawdown)),
				cellOf(st.money, money(p.Interest)), cellOf(st.money, money(p.Principal)),
				cellOf(st.money, money(p.Payment)), cellOf(st.money, money(p.ClosingBalance)),
				cellOf(st.percent, fraction(p.ContractRate)), cellOf(st.percent, fraction(p.BaseRate)),
				cellOf(st.percent, fraction(p.SubsidyRate)),
				cellOf(st.money, money(p.Subsidy)), cellOf(st.money, money(p.SubsidyPaid)),
				cellOf(st.money, money(p.SubsidyPayable)),
				cellOf(st.money, money(p.BorrowerInterest)), cellOf(st.money, money(p.BorrowerPayment)),
				cellOf(st.center, vary), res.Currency,
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Rejected records a rejected row (its Problems say why).
func (b *BatchWriter) Rejected(l *Loan) error {
	if b.finished {
		return errors.New("report: BatchWriter already finished")
	}
	notes := make([]string, len(l.Problems))
	for i, p := range l.Problems {
		notes[i] = p.In(b.lang)
		if c := columnByKey[p.Column]; c != nil {
			notes[i] = calc.Text{Ru: c.Ru, En: c.En}.In(b.lang) + ": " + notes[i]
		} else if p.Column != "" {
			notes[i] = p.Column + ": " + notes[i]
		}
	}
	rec := projectRec{row: l.Row, id: l.ID, project: l.Project, status: StatusRejected, note: strings.Join(notes, "; ")}
	if l.Request != nil {
		rec.programme, rec.currency = l.Request.Subsidy.Programme, l.Request.Loan.Currency
	}
	if err := b.recs.add(&rec); err != nil {
		return err
	}
	b.rejected++
	// The problems themselves are kept for the Errors sheet.
	b.errs = append(b.errs, rejectedRow{row: l.Row, id: l.ID, problems: l.Problems})
	return nil
}

type rejectedRow struct {
	row      int
	id       string
	problems []Problem
}

// Counts returns the rows computed (and of them eligible) and rejected so
// far.
func (b *BatchWriter) Counts() (computed, eligible, rejected int) {
	return b.computed, b.eligible, b.rejected
}

// Close releases the workbook's temporary files and memory, the records
// of the loans with them: a caller writing several reports closes each
// once it is written, before the next one is.
func (b *BatchWriter) Close() error {
	b.errs = nil
	err := b.f.Close()
	if b.recs != nil {
		if rerr := b.recs.close(); err == nil {
			err = rerr
		}
		b.recs = nil
	}
	return err
}

// Finish writes the report to w.
func (b *BatchWriter) Finish(w io.Writer, s BatchSummary) error {
	if b.finished {
		return errors.New("report: BatchWriter already finished")
	}
	b.finished = true
	if b.sched != nil {
		if err := b.sched.close(nil); err != nil {
			return err
		}
	}
	if err := b.writeProjects(); err != nil {
		return err
	}
	if b.opt.Allocation {
		if err := b.writeAllocation(s.Allocation); err != nil {
			return err
		}
	}
	if len(b.opt.Scenarios) > 0 {
		if err := b.writeScenarios(s.Scenarios); err != nil {
			return err
		}
	}
	if err := b.writeErrors(); err != nil {
		return err
	}
	if err := b.writeSummary(s); err != nil {
		return err
	}
	if err := b.f.SetDocProps(&excelize.DocProperties{
		Title: b.t(calc.Text{Ru: "Пакетный расчёт субсидий", En: "Batch subsidy calculation"}), Creator: "subsidy",
	}); err != nil {
		return err
	}
	return writeWorkbook(b.f, w, flate.BestSpeed)
}

// stream opens a sheet with its page setup, column widths and, when
// header is not nil, a frozen header row tall enough for its labels.
func (b *BatchWriter) stream(name calc.Text, pg page, widths []float64, header []string) (*excelize.StreamWriter, *rowWriter, error) {
	sheet := name.In(b.lang)
	if header == nil {
		pg.TitleRows = 0
	}
	if err := setPage(b.f, sheet, pg); err != nil {
		return nil, nil, err
	}
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return nil, nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, nil, err
		}
	}
	rw := &rowWriter{sw: sw}
	if header != nil {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, nil, err
		}
		rw.header(b.st.header, widths, header...)
	}
	return sw, rw, nil
}

func (b *BatchWriter) end(sw *excelize.StreamWriter, rw *rowWriter, columns int) error {
	if rw.err != nil {
		return rw.err
	}
	if columns > 0 {
		if err := b.f.AutoFilter(sw.Sheet, "A1:"+ref(columns, max(rw.row, 2)), nil); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Columns of the Projects sheet (1-based); the payable subsidy of each
// year follows pjFixed, the notes come last.
const (
	pjRow = iota + 1
	pjID
	pjProject
	pjStatus
	pjEligible
	pjProgramme
	pjCurrency
	pjAmount
	pjRate
	pjIssue
	pjTerm
	pjInterest
	pjSubsidy
	pjPaid
	pjPayable
	pjBorrower
	pjPV
	pjGrant
	pjEffWithout
	pjEffWith
	pjFixed = pjEffWith
)

// projectsLast is the last data row of the Projects sheet.
func (b *BatchWriter) projectsLast() int { return max(b.computed+b.rejected+1, 2) }

// projectsRange is the absolute data range of column c of the Projects
// sheet.
func (b *BatchWriter) projectsRange(c int) string {
	return absRange(b.t(sheetProjects), c, 2, b.projectsLast())
}

// yearColumn is the Projects column of the payable subsidy of year y.
func (b *BatchWriter) yearColumn(y int) int { return pjFixed + 1 + y - b.minYear }

func (b *BatchWriter) nYears() int {
	if b.minYear == 0 {
		return 0
	}
	return b.maxYear - b.minYear + 1
}

func (b *BatchWriter) writeProjects() error {
	st := b.st
	header := []string{
		b.t(calc.Text{Ru: "Строка", En: "Row"}), "id", b.t(calc.Text{Ru: "Проект", En: "Project"}), b.t(calc.Text{Ru: "Статус", En: "Status"}),
		b.t(calc.Text{Ru: "Условия выполнены", En: "Eligible"}),
		b.t(calc.Text{Ru: "Программа (код)", En: "Programme (code)"}), b.t(calc.Text{Ru: "Валюта", En: "Currency"}), b.t(calc.Text{Ru: "Сумма кредита", En: "Loan amount"}),
		b.t(calc.Text{Ru: "Ставка", En: "Rate"}), b.t(calc.Text{Ru: "Дата выдачи", En: "Issue date"}), b.t(calc.Text{Ru: "Срок, мес.", En: "Term, months"}),
		b.t(calc.Text{Ru: "Проценты", En: "Interest"}), b.t(calc.Text{Ru: "Субсидия по правилу", En: "Subsidy under the rule"}),
		b.t(calc.Text{Ru: "Выплатили бы при выполнении условий", En: "Would be paid if the conditions were met"}),
		b.t(calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}), b.t(calc.Text{Ru: "Проценты заёмщика", En: "Borrower interest"}),
		b.t(calc.Text{Ru: "Приведённая стоимость субсидии", En: "Subsidy present value"}), b.t(calc.Text{Ru: "Грант-элемент", En: "Grant element"}),
		b.t(calc.Text{Ru: "Эфф. ставка без субсидии", En: "Effective rate without subsidy"}),
		b.t(calc.Text{Ru: "Эфф. ставка с субсидией", En: "Effective rate with subsidy"}),
	}
	nYears := b.nYears()
	for y := 0; y < nYears; y++ {
		header = append(header, fmt.Sprintf("%s %d", b.t(calc.Text{Ru: "К выплате", En: "Payable"}), b.minYear+y))
	}
	header = append(header, b.t(calc.Text{Ru: "Невыполненные условия / причина отказа", En: "Failed conditions / why rejected"}))
	widths := []float64{7, 12, 24, 14, 11, 16, 8, 17, 8, 11, 7, 16, 16, 16, 16, 16, 16, 9, 9, 9}
	for y := 0; y < nYears; y++ {
		widths = append(widths, 15)
	}
	notesWidth := 50.0
	widths = append(widths, notesWidth)
	pg := b.page(true, 1)
	pg.Wide = 1 + len(widths)/28
	sw, rw, err := b.stream(sheetProjects, pg, widths, header)
	if err != nil {
		return err
	}
	recs, err := b.recs.records()
	if err != nil {
		return err
	}
	row := make([]any, len(header))
	var rec projectRec
	for recs.next(&rec) {
		p := &rec
		clear(row)
		note := safeText(p.note)
		row[pjRow-1], row[pjID-1] = cellOf(st.number, p.row), cellOf(st.text, safeText(p.id))
		row[pjProject-1] = cellOf(st.wrap, safeText(p.project))
		style := st.good
		if p.status != StatusOK {
			style = st.bad
		}
		row[pjStatus-1] = cellOf(style, statusLabels[p.status].In(b.lang))
		row[pjProgramme-1], row[pjCurrency-1] = cellOf(st.text, p.programme), cellOf(st.text, p.currency)
		if p.status != StatusRejected {
			row[pjEligible-1] = cellOf(st.center, yesNo(p.status == StatusOK, b.lang))
			row[pjAmount-1] = cellOf(st.money, p.amount)
			if p.hasRate {
				row[pjRate-1] = cellOf(st.percent, p.rate)
			}
			row[pjIssue-1] = cellOf(st.date, serial(p.issue))
			row[pjTerm-1] = cellOf(st.integer, p.term)
			row[pjInterest-1] = cellOf(st.money, money(p.interest))
			row[pjSubsidy-1] = cellOf(st.money, money(p.subsidy))
			row[pjPaid-1] = cellOf(st.money, money(p.paid))
			row[pjPayable-1] = cellOf(st.moneyBold, money(p.payable))
			row[pjBorrower-1] = cellOf(st.money, money(p.borrower))
			row[pjPV-1] = cellOf(st.money, money(p.pv))
			row[pjGrant-1] = cellOf(st.percent, p.grant)
			row[pjEffWithout-1] = cellOf(st.percent, p.effWithout)
			row[pjEffWith-1] = cellOf(st.percent, p.effWith)
			for y := 0; y < nYears; y++ {
				row[pjFixed+y] = cellOf(st.money, 0.0)
			}
			for _, y := range p.years {
				row[b.yearColumn(y.year)-1] = cellOf(st.money, money(y.payable))
			}
		}
		row[len(row)-1] = cellOf(st.wrap, note)
		n := max(lines(note, notesWidth, false), lines(p.project, widths[pjProject-1], false),
			lines(statusLabels[p.status].In(b.lang), widths[pjStatus-1], true))
		if n > 1 {
			rw.tall(rowHeight(n), row...)
		} else {
			rw.line(row...)
		}
	}
	if recs.err != nil {
		return recs.err
	}
	return b.end(sw, rw, len(header))
}

// Columns of the Allocation sheet.
const (
	alYear = iota + 1
	alOrder
	alRow
	alID
	alDemand
	alAllocated
	alShortfall
	alCoverage
	alColumns = alCoverage
)

func (b *BatchWriter) writeAllocation(a *Allocation) error {
	st := b.st
	cur := ""
	if a != nil {
		cur = ", " + a.Currency
	}
	header := []string{
		b.t(calc.Text{Ru: "Год", En: "Year"}), b.t(calc.Text{Ru: "Очередь", En: "Order"}), b.t(calc.Text{Ru: "Строка", En: "Row"}), "id",
		b.t(calc.Text{Ru: "Потребность", En: "Demand"}) + cur, b.t(calc.Text{Ru: "Выделено", En: "Allocated"}) + cur,
		b.t(calc.Text{Ru: "Недостаёт", En: "Shortfall"}) + cur, b.t(calc.Text{Ru: "Покрытие", En: "Coverage"}),
	}
	sw, rw, err := b.stream(sheetAllocation, b.page(false, 1), []float64{7, 9, 8, 14, 18, 18, 18, 10}, header)
	if err != nil {
		return err
	}
	if a != nil {
		for _, y := range a.Years {
			for i, p := range y.Projects {
				r := rw.row + 1
				cover := any(nil)
				if p.Demand > 0 {
					cover = formula(st.percent, fmt.Sprintf("IF(E%d>0,F%d/E%d,\"\")", r, r, r), number(p.Allocated.Decimal().DivRound(p.Demand.Decimal(), 12)))
				}
				rw.line(cellOf(st.number, y.Year), cellOf(st.integer, i+1), cellOf(st.number, p.Row), cellOf(st.text, safeText(p.ID)),
					cellOf(st.money, money(p.Demand)), cellOf(st.money, money(p.Allocated)),
					formula(st.money, fmt.Sprintf("ROUND(E%d-F%d,2)", r, r), money(p.Demand-p.Allocated)), cover)
			}
		}
	}
	return b.end(sw, rw, len(header))
}

// allocationLast is the last data row of the Allocation sheet.
func allocationLast(a *Allocation) int {
	n := 1
	for _, y := range a.Years {
		n += len(y.Projects)
	}
	return max(n, 2)
}

func (b *BatchWriter) writeErrors() error {
	header := []string{b.t(calc.Text{Ru: "Строка", En: "Row"}), "id", b.t(calc.Text{Ru: "Столбец", En: "Column"}),
		b.t(calc.Text{Ru: "Значение", En: "Value"}), b.t(calc.Text{Ru: "Причина", En: "Reason"})}
	widths := []float64{8, 14, 26, 24, 62}
	sw, rw, err := b.stream(sheetErrors, b.page(true, 1), widths, header)
	if err != nil {
		return err
	}
	for _, e := range b.errs {
		if len(e.problems) == 0 {
			rw.line(cellOf(b.st.number, e.row), cellOf(b.st.text, safeText(e.id)), "", "", b.t(calc.Text{Ru: "строка отклонена", En: "row rejected"}))
		}
		for _, p := range e.problems {
			msg := p.In(b.lang)
			column := p.Column
			if c := columnByKey[p.Column]; c != nil {
				column = c.Label(b.lang) // "Сумма кредита (amount)": the name, and the key as in the template
			}
			rw.tall(rowHeight(max(lines(msg, widths[4], false), lines(p.Value, widths[3], false), lines(column, widths[2], false))),
				cellOf(b.st.number, e.row), cellOf(b.st.text, safeText(e.id)), cellOf(b.st.wrap, column),
				cellOf(b.st.wrap, safeText(p.Value)), cellOf(b.st.wrap, msg))
		}
	}
	return b.end(sw, rw, len(header))
}

// summaryBatchWidths are the Summary sheet's columns: labels, then
// figures.
var summaryBatchWidths = []float64{34, 17, 17, 17, 17, 17, 17}

var methodLabels = map[string]calc.Text{
	calc.ProRata:   {Ru: "пропорционально потребности", En: "pro rata to demand"},
	calc.FirstCome: {Ru: "в порядке очереди заявок", En: "first come, first served"},
}

func programmeName(id, lang string) string {
	if p, ok := calc.LookupProgramme(id); ok {
		return p.Name().In(lang)
	}
	return id
}

func (b *BatchWriter) writeSummary(s BatchSummary) error {
	st := b.st
	widths := summaryBatchWidths
	sw, rw, err := b.stream(sheetSummary, b.page(false, 0), widths, nil)
	if err != nil {
		return err
	}
	rest := 0.0
	for _, w := range widths[1:] {
		rest += w
	}
	last := len(widths)
	kv := func(label calc.Text, v any) { rw.line(b.t(label), v) }
	rw.tall(20, cellOf(st.title, b.t(calc.Text{Ru: "Пакетный расчёт субсидий", En: "Batch subsidy calculation"})))
	kv(calc.Text{Ru: "Сформировано (UTC)", En: "Generated (UTC)"}, b.now.UTC().Format("2006-01-02 15:04:05"))
	if s.Source != "" {
		rw.merged(b.t(calc.Text{Ru: "Файл", En: "File"}), st.wrap, safeText(s.Source), last, rest)
	}
	if s.Format != "" {
		desc := s.Format
		if s.Sheet != "" {
			desc += ", " + b.t(calc.Text{Ru: "лист", En: "sheet"}) + " " + s.Sheet
		}
		if s.Encoding != "" {
			desc += ", " + s.Encoding
		}
		kv(calc.Text{Ru: "Формат", En: "Format"}, safeText(desc))
	}
	if s.Programme != "" {
		rw.merged(b.t(calc.Text{Ru: "Программа строк без программы", En: "Programme of rows naming none"}), st.wrap, programmeName(s.Programme, b.lang), last, rest)
	}
	for _, id := range sortedKeys(b.programs) {
		rw.merged(b.t(calc.Text{Ru: "Программа в расчётах", En: "Programme computed"}), st.wrap, programmeName(id, b.lang)+" ("+id+")", last, rest)
	}
	if len(b.rules) > 0 {
		kv(calc.Text{Ru: "Версия правил", En: "Rules version"}, strings.Join(sortedKeys(b.rules), ", "))
	}
	if s.Budget != nil {
		rw.line(b.t(calc.Text{Ru: "Годовой бюджет", En: "Annual budget"}), cellOf(st.moneyBold, money(*s.Budget)), s.Currency)
		method := s.Method
		if l, ok := methodLabels[s.Method]; ok {
			method = l.In(b.lang)
		}
		rw.merged(b.t(calc.Text{Ru: "Способ распределения", En: "Allocation method"}), st.wrap, method, last, rest)
	} else {
		kv(calc.Text{Ru: "Годовой бюджет", En: "Annual budget"}, b.t(calc.Text{Ru: "не задан: без распределения", En: "none: no allocation"}))
	}
	if !s.Started.IsZero() && !s.Finished.IsZero() {
		kv(calc.Text{Ru: "Время расчёта, с", En: "Run time, s"}, cellOf(st.number, s.Finished.Sub(s.Started).Round(time.Millisecond).Seconds()))
	}

	// Counts, as formulas over the Projects sheet.
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Кредиты", En: "Loans"})))
	status, elig := b.projectsRange(pjStatus), b.projectsRange(pjEligible)
	yes, no := yesNo(true, b.lang), yesNo(false, b.lang)
	rEl := rw.line(b.t(calc.Text{Ru: "Условия выполнены: субсидия выплачивается", En: "Eligible: the subsidy is payable"}),
		formula(st.integerBold, fmt.Sprintf(`COUNTIF(%s,"%s")`, elig, yes), b.eligible))
	rIn := rw.line(b.t(calc.Text{Ru: "Условия не выполнены: не выплачивается", En: "Ineligible: nothing is payable"}),
		formula(st.integerBold, fmt.Sprintf(`COUNTIF(%s,"%s")`, elig, no), b.computed-b.eligible))
	rRe := rw.line(b.t(calc.Text{Ru: "Отклонено (см. лист «Ошибки»)", En: "Rejected (see the Errors sheet)"}),
		formula(st.integerBold, fmt.Sprintf(`COUNTIF(%s,"%s")`, status, statusLabels[StatusRejected].In(b.lang)), b.rejected))
	rw.line(b.t(calc.Text{Ru: "Всего строк с кредитами", En: "Loan rows in all"}),
		formula(st.integerBold, fmt.Sprintf("B%d+B%d+B%d", rEl, rIn, rRe), b.computed+b.rejected))
	if s.EmptyRows > 0 {
		kv(calc.Text{Ru: "Пустых строк пропущено", En: "Empty rows skipped"}, cellOf(st.integer, s.EmptyRows))
	}
	if len(b.failed) > 0 {
		rw.header(st.header, widths, b.t(calc.Text{Ru: "Не выплачивается: условие", En: "Not payable: condition"}),
			b.t(calc.Text{Ru: "Кредитов", En: "Loans"}))
		codes := make([]string, 0, len(b.failed))
		for c := range b.failed {
			codes = append(codes, c)
		}
		sort.Slice(codes, func(i, j int) bool {
			if b.failed[codes[i]] != b.failed[codes[j]] {
				return b.failed[codes[i]] > b.failed[codes[j]]
			}
			return codes[i] < codes[j]
		})
		for _, c := range codes {
			rw.line(CheckName(c, b.lang), cellOf(st.integer, b.failed[c]))
		}
	}
	if len(s.Warnings) > 0 {
		rw.skip()
		rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Предупреждения", En: "Warnings"})))
		for _, w := range s.Warnings {
			msg := w.In(b.lang)
			r := rw.tall(rowHeight(lines(msg, rest+widths[0], false)), cellOf(st.wrap, msg))
			if rw.err == nil {
				rw.err = sw.MergeCell(ref(1, r), ref(last, r))
			}
		}
	}

	b.summaryByCurrency(rw)
	b.summaryByYear(rw)
	b.summaryGrid(rw)
	b.summaryCountries(rw)
	if a := s.Allocation; b.opt.Allocation && a != nil {
		b.summaryAllocation(rw, sw, a, rest)
	}
	if rw.err != nil {
		return rw.err
	}
	return sw.Flush()
}

// currencies returns the currencies of the eligible loans, sorted, with
// the eligible loans' totals of each.
func (b *BatchWriter) currencies() ([]string, map[string]*[6]Sum) {
	curs := make([]string, 0, len(b.totals))
	for c := range b.totals {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	return curs, b.totals
}

// summaryByCurrency writes the eligible loans' totals by currency, each a
// SUMIFS over the Projects sheet.
func (b *BatchWriter) summaryByCurrency(rw *rowWriter) {
	st := b.st
	curs, tot := b.currencies()
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Итоги по кредитам, условия которых выполнены", En: "Totals of the eligible loans"})))
	rw.header(st.header, summaryBatchWidths, b.t(calc.Text{Ru: "Валюта", En: "Currency"}), b.t(calc.Text{Ru: "Кредитов", En: "Loans"}),
		b.t(calc.Text{Ru: "Сумма кредитов", En: "Loan amounts"}), b.t(calc.Text{Ru: "Проценты", En: "Interest"}),
		b.t(calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}), b.t(calc.Text{Ru: "Проценты заёмщиков", En: "Borrower interest"}))
	cur, elig := b.projectsRange(pjCurrency), b.projectsRange(pjEligible)
	yes := yesNo(true, b.lang)
	for _, c := range curs {
		t := tot[c]
		r := rw.row + 1
		crit := fmt.Sprintf(`,%s,$A%d,%s,"%s"`, cur, r, elig, yes)
		n, _ := t[0].Money()
		cells := []any{cellOf(st.text, c), formula(st.integer, "COUNTIFS("+crit[1:]+")", int64(n))}
		for i, pc := range []int{pjAmount, pjInterest, pjPayable, pjBorrower} {
			style := st.money
			if pc == pjPayable {
				style = st.moneyBold
			}
			cells = append(cells, formula(style, fmt.Sprintf("ROUND(SUMIFS(%s%s),2)", b.projectsRange(pc), crit), t[i+1].float()))
		}
		rw.line(cells...)
	}
	if len(curs) == 0 {
		rw.line(cellOf(st.note, b.t(calc.Text{Ru: "нет кредитов, условия которых выполнены", En: "no eligible loans"})))
	}
}

// summaryByYear writes the payable subsidy by year and currency, each a
// SUMIF over the year's column of the Projects sheet.
func (b *BatchWriter) summaryByYear(rw *rowWriter) {
	st := b.st
	if b.nYears() == 0 {
		return
	}
	curs, _ := b.currencies()
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Субсидия к выплате по годам платежа", En: "Subsidy payable by year of payment"})))
	labels := []string{b.t(calc.Text{Ru: "Год", En: "Year"})}
	labels = append(labels, curs...)
	rw.header(st.header, summaryBatchWidths, labels...)
	// The figures, by year and currency.
	sums := b.yearSums
	first := rw.row + 1
	for y := b.minYear; y <= b.maxYear; y++ {
		cells := []any{cellOf(st.number, y)}
		for _, c := range curs {
			var v float64
			if s := sums[yearKey{c, y}]; s != nil {
				v = s.float()
			}
			cells = append(cells, formula(st.money, fmt.Sprintf(`ROUND(SUMIF(%s,"%s",%s),2)`,
				b.projectsRange(pjCurrency), c, b.projectsRange(b.yearColumn(y))), v))
		}
		rw.line(cells...)
	}
	lastRow := rw.row
	cells := []any{cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"}))}
	_, tot := b.currencies()
	for i, c := range curs {
		cells = append(cells, formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(%s%d:%s%d),2)", col(i+2), first, col(i+2), lastRow), tot[c][3].float()))
	}
	rw.line(cells...)
}

// summaryGrid writes the payable subsidy by year and member state (who
// pays it into the budget), a grid per currency with totals as formulas.
func (b *BatchWriter) summaryGrid(rw *rowWriter) {
	st := b.st
	if len(b.grid) == 0 {
		return
	}
	curs := map[string]bool{}
	states := map[string]bool{}
	for k := range b.grid {
		curs[k.currency] = true
		states[k.country] = true
	}
	var order []string
	for _, m := range calc.MemberStates {
		if states[m] {
			order = append(order, m)
		}
	}
	for s := range states {
		if memberOrder(s) == len(calc.MemberStates) {
			order = append(order, s)
		}
	}
	for _, c := range sortedKeys(curs) {
		rw.skip()
		rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Кто платит: доли государств-членов по годам, ", En: "Who pays: member states' shares by year, "})+c))
		labels := []string{b.t(calc.Text{Ru: "Год", En: "Year"})}
		for _, s := range order {
			labels = append(labels, CountryName(s, b.lang))
		}
		labels = append(labels, b.t(calc.Text{Ru: "Итого", En: "Total"}))
		rw.header(st.header, summaryBatchWidths, labels...)
		first := rw.row + 1
		totalCol := len(order) + 2
		for y := b.minYear; y <= b.maxYear; y++ {
			r := rw.row + 1
			cells := []any{cellOf(st.number, y)}
			var rowSum Sum
			for _, s := range order {
				var v Sum
				if g := b.grid[gridKey{c, s, y}]; g != nil {
					v = *g
				}
				rowSum.AddSum(v)
				cells = append(cells, cellOf(st.money, v.float()))
			}
			cells = append(cells, formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(B%d:%s%d),2)", r, col(totalCol-1), r), rowSum.float()))
			rw.line(cells...)
		}
		lastRow := rw.row
		cells := []any{cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"}))}
		for i := 2; i <= totalCol; i++ {
			var v Sum
			for y := b.minYear; y <= b.maxYear; y++ {
				for j, s := range order {
					if i == totalCol || i == j+2 {
						if g := b.grid[gridKey{c, s, y}]; g != nil {
							v.AddSum(*g)
						}
					}
				}
			}
			cells = append(cells, formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(%s%d:%s%d),2)", col(i), first, col(i), lastRow), v.float()))
		}
		rw.line(cells...)
	}
}

// summaryCountries writes the member states' net positions.
func (b *BatchWriter) summaryCountries(rw *rowWriter) {
	st := b.st
	if len(b.countries) == 0 {
		return
	}
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Чистая позиция государств", En: "Member states' net position"})))
	rw.header(st.header, summaryBatchWidths, b.t(calc.Text{Ru: "Государство", En: "Member state"}), b.t(calc.Text{Ru: "Валюта", En: "Currency"}),
		b.t(calc.Text{Ru: "Получают предприятия", En: "Benefit"}),
		b.t(calc.Text{Ru: "Платит в бюджет", En: "Contribution"}),
		b.t(calc.Text{Ru: "Чистая позиция = получают − платит", En: "Net = benefit − contribution"}))
	ck := make([]countryKey, 0, len(b.countries))
	for k := range b.countries {
		ck = append(ck, k)
	}
	sort.Slice(ck, func(i, j int) bool {
		if ck[i].currency != ck[j].currency {
			return ck[i].currency < ck[j].currency
		}
		return memberOrder(ck[i].country) < memberOrder(ck[j].country)
	})
	for _, k := range ck {
		c := b.countries[k]
		net := c.benefit
		net.Sub(c.contribution)
		r := rw.row + 1
		rw.line(CountryName(k.country, b.lang), cellOf(st.text, k.currency), cellOf(st.money, c.benefit.float()), cellOf(st.money, c.contribution.float()),
			formula(st.money, fmt.Sprintf("ROUND(C%d-D%d,2)", r, r), net.float()))
	}
}

// summaryAllocation writes the allocation by year: demand and allocation
// as SUMIFs over the Allocation sheet, shortfall, budget left and coverage
// as formulas.
func (b *BatchWriter) summaryAllocation(rw *rowWriter, sw *excelize.StreamWriter, a *Allocation, rest float64) {
	st := b.st
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Распределение бюджета", En: "Allocation of the budget"})+", "+a.Currency))
	rw.header(st.header, summaryBatchWidths, b.t(calc.Text{Ru: "Год", En: "Year"}), b.t(calc.Text{Ru: "Бюджет", En: "Budget"}),
		b.t(calc.Text{Ru: "Потребность", En: "Demand"}), b.t(calc.Text{Ru: "Выделено", En: "Allocated"}),
		b.t(calc.Text{Ru: "Недостаёт", En: "Shortfall"}), b.t(calc.Text{Ru: "Остаток бюджета", En: "Budget left"}),
		b.t(calc.Text{Ru: "Покрытие", En: "Coverage"}))
	sheet := b.t(sheetAllocation)
	lastA := allocationLast(a)
	years := absRange(sheet, alYear, 2, lastA)
	for _, y := range a.Years {
		r := rw.row + 1
		short := y.Demand
		short.Sub(y.Allocated)
		var left Sum
		left.Add(a.Budget)
		left.Sub(y.Allocated)
		cover := any(nil)
		if !y.Demand.IsZero() {
			cover = formula(st.percent, fmt.Sprintf(`IF(C%d>0,D%d/C%d,"")`, r, r, r), number(y.Allocated.Decimal().DivRound(y.Demand.Decimal(), 12)))
		}
		rw.line(cellOf(st.number, y.Year), cellOf(st.money, money(a.Budget)),
			formula(st.money, fmt.Sprintf("ROUND(SUMIF(%s,A%d,%s),2)", years, r, absRange(sheet, alDemand, 2, lastA)), y.Demand.float()),
			formula(st.money, fmt.Sprintf("ROUND(SUMIF(%s,A%d,%s),2)", years, r, absRange(sheet, alAllocated, 2, lastA)), y.Allocated.float()),
			formula(st.money, fmt.Sprintf("ROUND(C%d-D%d,2)", r, r), short.float()),
			formula(st.money, fmt.Sprintf("ROUND(B%d-D%d,2)", r, r), left.float()), cover)
	}
	for _, e := range a.Excluded {
		msg := fmt.Sprintf("%s %d (%s): %s", b.t(calc.Text{Ru: "Строка", En: "Row"}), e.Row, safeText(e.ID), e.In(b.lang))
		r := rw.tall(rowHeight(lines(msg, rest+summaryBatchWidths[0], false)), cellOf(st.wrap, msg))
		if rw.err == nil {
			rw.err = sw.MergeCell(ref(1, r), ref(len(summaryBatchWidths), r))
		}
	}
}

func memberOrder(c string) int {
	for i, m := range calc.MemberStates {
		if m == c {
			return i
		}
	}
	return len(calc.MemberStates)
}
