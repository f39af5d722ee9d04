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
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the batch report.
var (
	sheetProjects   = text{"Проекты", "Projects"}
	sheetAllocation = text{"Распределение", "Allocation"}
	sheetErrors     = text{"Ошибки", "Errors"}
	sheetSchedules  = text{"Графики", "Schedules"}
)

// Statuses of a loan in the batch report (Projects sheet, API).
const (
	StatusOK         = "ok"         // computed; every eligibility check passed
	StatusIneligible = "ineligible" // computed; an eligibility check failed
	StatusRejected   = "rejected"   // not computed: the row is invalid
)

var statusLabels = map[string]text{
	StatusOK:         {"рассчитан", "computed"},
	StatusIneligible: {"рассчитан, условия не выполнены", "computed, conditions not met"},
	StatusRejected:   {"отклонён", "rejected"},
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
	Row      int
	ID       string
	Currency string
	En, Ru   string
}

// BatchSummary is what the caller knows about the run as a whole.
type BatchSummary struct {
	// Source names the input file; Format is "xlsx" or "csv".
	Source, Format, Sheet, Encoding string
	Programme                       string
	Started, Finished               time.Time
	EmptyRows                       int
	Warnings                        []Warning
	Allocation                      *Allocation
}

// projectRec is what the report keeps of one loan until the end: a few
// hundred bytes, so that 100,000 loans take tens of megabytes.
type projectRec struct {
	row                                   int
	id, project, programme, currency      string
	status                                string
	amount                                decimal.Decimal
	rate                                  *decimal.Decimal
	issue                                 calc.Date
	term                                  int
	interest, subsidy, paid, borrower, pv calc.Money
	grant, effWithout, effWith            decimal.Decimal
	years                                 []yearPaid
	note                                  string
}

type yearPaid struct {
	year int
	paid calc.Money
}

type yearKey struct {
	currency string
	year     int
}

type yearTotals struct {
	loans                                int
	interest, subsidy, paid, borrowerInt Sum
}

type countryKey struct{ currency, country string }

type countryTotals struct{ benefit, contribution, net Sum }

// BatchWriter writes the report workbook of a batch run: Summary (counts,
// totals by year and by member state, allocation against the budget),
// Projects (one row per input row: status, figures, paid subsidy by year,
// failed checks), Allocation (when a budget is given), Errors (every
// rejected cell with row, id, column and reason) and, when asked, the
// schedules of all loans on spill-over sheets. Add rows in input order with
// Computed and Rejected, then call Finish once; Close releases temporary
// files in every case.
type BatchWriter struct {
	opt  BatchOptions
	lang string
	f    *excelize.File
	st   *styles

	projects  []projectRec
	problems  int
	computed  int
	eligible  int
	rejected  int
	years     map[yearKey]*yearTotals
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
	if err != nil {
		f.Close()
		return nil, err
	}
	b := &BatchWriter{opt: opt, lang: lang, f: f, st: st,
		years: map[yearKey]*yearTotals{}, countries: map[countryKey]*countryTotals{}}
	if err := f.SetSheetName("Sheet1", sheetSummary.in(lang)); err != nil {
		f.Close()
		return nil, err
	}
	names := []text{sheetProjects}
	if opt.Allocation {
		names = append(names, sheetAllocation)
	}
	names = append(names, sheetErrors)
	for _, n := range names {
		if _, err := f.NewSheet(n.in(lang)); err != nil {
			f.Close()
			return nil, err
		}
	}
	if opt.Schedules {
		header := []any{cellOf(st.header, text{"Строка", "Row"}.in(lang)), cellOf(st.header, "id")}
		for i, h := range scheduleHeader {
			if plain, ok := plainHeader[i+1]; ok {
				h = plain
			}
			header = append(header, cellOf(st.header, h.in(lang)))
		}
		header = append(header, cellOf(st.header, text{"Валюта", "Currency"}.in(lang)))
		widths := append([]float64{7, 16}, scheduleWidths...)
		b.sched = newSpill(f, sheetSchedules.in(lang), header, append(widths, 8))
	}
	return b, nil
}

func (b *BatchWriter) t(t text) string { return t.in(b.lang) }

// Computed records a computed loan (its row, in input order) and its
// result.
func (b *BatchWriter) Computed(l *Loan, res *calc.Result) error {
	if b.finished {
		return errors.New("report: BatchWriter already finished")
	}
	req := l.Request
	p := projectRec{
		row: l.Row, id: l.ID, project: l.Project, programme: res.Programme.ID, currency: res.Currency,
		status: StatusOK, amount: req.Loan.Amount, rate: req.Loan.Rate, issue: req.Loan.IssueDate, term: req.Loan.TermMonths,
		interest: res.Totals.Interest, subsidy: res.Totals.Subsidy, paid: res.Totals.SubsidyPaid,
		borrower: res.Totals.BorrowerInterest, pv: res.SubsidyPresentValue, grant: res.GrantElement,
		effWithout: res.EffectiveRates.WithoutSubsidy, effWith: res.EffectiveRates.WithSubsidy,
	}
	var notes []string
	for _, c := range res.Checks {
		if c.OK {
			continue
		}
		if c.Kind == "eligibility" {
			p.status = StatusIneligible
		}
		notes = append(notes, c.Code+": "+c.Message)
	}
	p.note = strings.Join(notes, "; ")
	for _, y := range res.Years {
		if y.SubsidyPaid != 0 {
			p.years = append(p.years, yearPaid{y.Year, y.SubsidyPaid})
			if b.minYear == 0 || y.Year < b.minYear {
				b.minYear = y.Year
			}
			b.maxYear = max(b.maxYear, y.Year)
		}
		k := yearKey{res.Currency, y.Year}
		yt := b.years[k]
		if yt == nil {
			yt = &yearTotals{}
			b.years[k] = yt
		}
		if y.SubsidyPaid != 0 {
			yt.loans++
		}
		yt.interest.Add(y.Interest)
		yt.subsidy.Add(y.Subsidy)
		yt.paid.Add(y.SubsidyPaid)
		yt.borrowerInt.Add(y.BorrowerInterest)
	}
	for _, c := range res.Countries {
		k := countryKey{res.Currency, c.Country}
		ct := b.countries[k]
		if ct == nil {
			ct = &countryTotals{}
			b.countries[k] = ct
		}
		ct.benefit.Add(c.Benefit)
		ct.contribution.Add(c.Contribution)
		ct.net.Add(c.Net)
	}
	b.computed++
	if p.status == StatusOK {
		b.eligible++
	}
	b.projects = append(b.projects, p)
	if b.sched != nil {
		return b.schedule(l, res)
	}
	return nil
}

func (b *BatchWriter) schedule(l *Loan, res *calc.Result) error {
	st := b.st
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
				cellOf(st.money, money(p.BorrowerInterest)), cellOf(st.money, money(p.BorrowerPayment)),
				vary, res.Currency,
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
		notes[i] = p.Column + ": " + p.Message(b.lang)
	}
	rec := projectRec{row: l.Row, id: l.ID, project: l.Project, status: StatusRejected, note: strings.Join(notes, "; ")}
	if l.Request != nil {
		rec.programme, rec.currency = l.Request.Subsidy.Programme, l.Request.Loan.Currency
	}
	b.projects = append(b.projects, rec)
	b.rejected++
	b.problems += max(len(l.Problems), 1)
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

// Close releases the workbook's temporary files.
func (b *BatchWriter) Close() error { return b.f.Close() }

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
	if err := b.writeErrors(); err != nil {
		return err
	}
	if err := b.writeSummary(s); err != nil {
		return err
	}
	if err := b.f.SetDocProps(&excelize.DocProperties{
		Title: b.t(text{"Пакетный расчёт субсидий", "Batch subsidy calculation"}), Creator: "subsidy",
	}); err != nil {
		return err
	}
	return writeWorkbook(b.f, w, flate.BestSpeed)
}

func (b *BatchWriter) stream(name text, widths []float64, header []any) (*excelize.StreamWriter, *rowWriter, error) {
	sw, err := b.f.NewStreamWriter(name.in(b.lang))
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
		for i, h := range header {
			header[i] = cellOf(b.st.header, h)
		}
		rw.line(header...)
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

func (b *BatchWriter) writeProjects() error {
	st := b.st
	header := []any{
		b.t(text{"Строка", "Row"}), "id", b.t(text{"Проект", "Project"}), b.t(text{"Статус", "Status"}),
		b.t(text{"Программа", "Programme"}), b.t(text{"Валюта", "Currency"}), b.t(text{"Сумма кредита", "Loan amount"}),
		b.t(text{"Ставка", "Rate"}), b.t(text{"Дата выдачи", "Issue date"}), b.t(text{"Срок, мес.", "Term, months"}),
		b.t(text{"Проценты", "Interest"}), b.t(text{"Субсидия по правилу", "Subsidy (rule)"}),
		b.t(text{"Субсидия к выплате", "Subsidy paid"}), b.t(text{"Проценты заёмщика", "Borrower interest"}),
		b.t(text{"Приведённая стоимость субсидии", "Subsidy present value"}), b.t(text{"Грант-элемент", "Grant element"}),
		b.t(text{"Эфф. ставка без субсидии", "Effective rate without subsidy"}),
		b.t(text{"Эфф. ставка с субсидией", "Effective rate with subsidy"}),
	}
	fixed := len(header)
	nYears := 0
	if b.minYear > 0 {
		nYears = b.maxYear - b.minYear + 1
	}
	for y := 0; y < nYears; y++ {
		header = append(header, fmt.Sprintf("%s %d", b.t(text{"Субсидия к выплате", "Subsidy paid"}), b.minYear+y))
	}
	header = append(header, b.t(text{"Невыполненные проверки / причина отказа", "Failed checks / why rejected"}))
	widths := []float64{7, 16, 28, 18, 18, 8, 18, 9, 11, 8, 18, 18, 18, 18, 18, 10, 10, 10}
	for y := 0; y < nYears; y++ {
		widths = append(widths, 16)
	}
	widths = append(widths, 80)
	sw, rw, err := b.stream(sheetProjects, widths, header)
	if err != nil {
		return err
	}
	row := make([]any, len(header))
	for i := range b.projects {
		p := &b.projects[i]
		clear(row)
		row[0], row[1], row[2] = p.row, safeText(p.id), safeText(p.project)
		style := st.good
		switch p.status {
		case StatusIneligible:
			style = st.bad
		case StatusRejected:
			style = st.bad
		}
		row[3] = cellOf(style, statusLabels[p.status].in(b.lang))
		row[4], row[5] = p.programme, p.currency
		if p.status != StatusRejected {
			row[6] = cellOf(st.money, number(p.amount))
			if p.rate != nil {
				row[7] = cellOf(st.percent, fraction(*p.rate))
			}
			row[8] = cellOf(st.date, serial(p.issue))
			row[9] = p.term
			row[10] = cellOf(st.money, money(p.interest))
			row[11] = cellOf(st.money, money(p.subsidy))
			row[12] = cellOf(st.money, money(p.paid))
			row[13] = cellOf(st.money, money(p.borrower))
			row[14] = cellOf(st.money, money(p.pv))
			row[15] = cellOf(st.percent, fraction(p.grant))
			row[16] = cellOf(st.percent, fraction(p.effWithout))
			row[17] = cellOf(st.percent, fraction(p.effWith))
			for y := 0; y < nYears; y++ {
				row[fixed+y] = cellOf(st.money, 0.0)
			}
			for _, y := range p.years {
				row[fixed+y.year-b.minYear] = cellOf(st.money, money(y.paid))
			}
		}
		row[len(row)-1] = safeText(p.note)
		rw.line(row...)
	}
	return b.end(sw, rw, len(header))
}

func (b *BatchWriter) writeAllocation(a *Allocation) error {
	st := b.st
	cur := ""
	if a != nil {
		cur = ", " + a.Currency
	}
	header := []any{
		b.t(text{"Год", "Year"}), b.t(text{"Очередь", "Order"}), b.t(text{"Строка", "Row"}), "id",
		b.t(text{"Потребность", "Demand"}) + cur, b.t(text{"Выделено", "Allocated"}) + cur,
		b.t(text{"Недостаёт", "Shortfall"}) + cur, b.t(text{"Покрытие", "Coverage"}),
	}
	sw, rw, err := b.stream(sheetAllocation, []float64{8, 8, 8, 16, 18, 18, 18, 10}, header)
	if err != nil {
		return err
	}
	if a != nil {
		for _, y := range a.Years {
			for i, p := range y.Projects {
				cover := any(nil)
				if p.Demand > 0 {
					cover = cellOf(st.percent, number(p.Allocated.Decimal().DivRound(p.Demand.Decimal(), 6)))
				}
				rw.line(y.Year, i+1, p.Row, safeText(p.ID), cellOf(st.money, money(p.Demand)),
					cellOf(st.money, money(p.Allocated)), cellOf(st.money, money(p.Demand-p.Allocated)), cover)
			}
		}
	}
	if err := b.end(sw, rw, len(header)); err != nil {
		return err
	}
	return nil
}

func (b *BatchWriter) writeErrors() error {
	header := []any{b.t(text{"Строка", "Row"}), "id", b.t(text{"Столбец", "Column"}),
		b.t(text{"Значение", "Value"}), b.t(text{"Причина", "Reason"})}
	sw, rw, err := b.stream(sheetErrors, []float64{8, 16, 18, 24, 100}, header)
	if err != nil {
		return err
	}
	for _, e := range b.errs {
		if len(e.problems) == 0 {
			rw.line(e.row, safeText(e.id), "", "", b.t(text{"строка отклонена", "row rejected"}))
		}
		for _, p := range e.problems {
			rw.line(e.row, safeText(e.id), p.Column, safeText(p.Value), cellOf(b.st.wrap, p.Message(b.lang)))
		}
	}
	return b.end(sw, rw, len(header))
}

func (b *BatchWriter) writeSummary(s BatchSummary) error {
	st := b.st
	sw, rw, err := b.stream(sheetSummary, []float64{40, 16, 20, 20, 20, 20, 20, 14}, nil)
	if err != nil {
		return err
	}
	kv := func(label text, v any) { rw.line(b.t(label), v) }
	rw.line(cellOf(st.title, b.t(text{"Пакетный расчёт субсидий", "Batch subsidy calculation"})))
	kv(text{"Сформировано (UTC)", "Generated (UTC)"}, time.Now().UTC().Format("2006-01-02 15:04:05"))
	if s.Source != "" {
		kv(text{"Файл", "File"}, safeText(s.Source))
	}
	if s.Format != "" {
		desc := s.Format
		if s.Sheet != "" {
			desc += ", " + b.t(text{"лист", "sheet"}) + " " + s.Sheet
		}
		if s.Encoding != "" {
			desc += ", " + s.Encoding
		}
		kv(text{"Формат", "Format"}, safeText(desc))
	}
	if s.Programme != "" {
		kv(text{"Программа по умолчанию", "Default programme"}, s.Programme)
	}
	if !s.Started.IsZero() && !s.Finished.IsZero() {
		kv(text{"Время расчёта, с", "Run time, s"}, s.Finished.Sub(s.Started).Round(time.Millisecond).Seconds())
	}
	rw.skip()
	rw.line(cellOf(st.title, b.t(text{"Строки", "Rows"})))
	total := b.computed + b.rejected
	kv(text{"Строк с кредитами в файле", "Loan rows in the file"}, cellOf(st.integerBold, total))
	kv(text{"Рассчитано", "Computed"}, cellOf(st.integer, b.computed))
	kv(text{"  из них условия программы выполнены", "  of which meet the programme's conditions"}, cellOf(st.integer, b.eligible))
	kv(text{"  из них условия не выполнены", "  of which fail a condition"}, cellOf(st.integer, b.computed-b.eligible))
	kv(text{"Отклонено (см. лист «Ошибки»)", "Rejected (see the Errors sheet)"}, cellOf(st.integer, b.rejected))
	if s.EmptyRows > 0 {
		kv(text{"Пустых строк пропущено", "Empty rows skipped"}, cellOf(st.integer, s.EmptyRows))
	}
	if len(s.Warnings) > 0 {
		rw.skip()
		rw.line(cellOf(st.title, b.t(text{"Предупреждения", "Warnings"})))
		for _, w := range s.Warnings {
			rw.line(cellOf(st.wrap, w.Message(b.lang)))
		}
	}

	rw.skip()
	rw.line(cellOf(st.title, b.t(text{"Итоги по годам (год платежа)", "Totals by year (of payment)"})))
	rw.line(cellOf(st.header, b.t(text{"Валюта", "Currency"})), cellOf(st.header, b.t(text{"Год", "Year"})),
		cellOf(st.header, b.t(text{"Кредитов с субсидией", "Loans with a subsidy"})),
		cellOf(st.header, b.t(text{"Проценты", "Interest"})), cellOf(st.header, b.t(text{"Субсидия по правилу", "Subsidy (rule)"})),
		cellOf(st.header, b.t(text{"Субсидия к выплате", "Subsidy paid"})), cellOf(st.header, b.t(text{"Проценты заёмщика", "Borrower interest"})))
	yk := make([]yearKey, 0, len(b.years))
	for k := range b.years {
		yk = append(yk, k)
	}
	sort.Slice(yk, func(i, j int) bool {
		if yk[i].currency != yk[j].currency {
			return yk[i].currency < yk[j].currency
		}
		return yk[i].year < yk[j].year
	})
	var curTotal *yearTotals
	flushTotal := func(cur string) {
		if curTotal == nil {
			return
		}
		rw.line(cellOf(st.bold, cur), cellOf(st.bold, b.t(text{"итого", "total"})), "",
			cellOf(st.moneyBold, curTotal.interest.float()), cellOf(st.moneyBold, curTotal.subsidy.float()),
			cellOf(st.moneyBold, curTotal.paid.float()), cellOf(st.moneyBold, curTotal.borrowerInt.float()))
		curTotal = nil
	}
	for i, k := range yk {
		if i > 0 && yk[i-1].currency != k.currency {
			flushTotal(yk[i-1].currency)
		}
		if curTotal == nil {
			curTotal = &yearTotals{}
		}
		y := b.years[k]
		curTotal.interest.AddSum(y.interest)
		curTotal.subsidy.AddSum(y.subsidy)
		curTotal.paid.AddSum(y.paid)
		curTotal.borrowerInt.AddSum(y.borrowerInt)
		rw.line(k.currency, k.year, cellOf(st.integer, y.loans), cellOf(st.money, y.interest.float()),
			cellOf(st.money, y.subsidy.float()), cellOf(st.money, y.paid.float()), cellOf(st.money, y.borrowerInt.float()))
	}
	if len(yk) > 0 {
		flushTotal(yk[len(yk)-1].currency)
	}

	rw.skip()
	rw.line(cellOf(st.title, b.t(text{"Итоги по государствам", "Totals by member state"})))
	rw.line(cellOf(st.header, b.t(text{"Валюта", "Currency"})), cellOf(st.header, b.t(text{"Государство", "Member state"})),
		cellOf(st.header, b.t(text{"Получают предприятия", "Benefit"})),
		cellOf(st.header, b.t(text{"Платит в бюджет", "Contribution"})),
		cellOf(st.header, b.t(text{"Чистая позиция", "Net position"})))
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
		rw.line(k.currency, k.country, cellOf(st.money, c.benefit.float()), cellOf(st.money, c.contribution.float()),
			cellOf(st.money, c.net.float()))
	}

	if a := s.Allocation; b.opt.Allocation && a != nil {
		rw.skip()
		method := a.Method
		if l, ok := map[string]text{calc.ProRata: {"пропорционально", "pro rata"}, calc.FirstCome: {"в порядке очереди", "first come"}}[a.Method]; ok {
			method = l.in(b.lang) + " (" + a.Method + ")"
		}
		rw.line(cellOf(st.title, b.t(text{"Распределение бюджета", "Allocation of the budget"})))
		kv(text{"Способ", "Method"}, method)
		rw.line(b.t(text{"Бюджет на год", "Budget a year"}), cellOf(st.money, money(a.Budget)), a.Currency)
		rw.line(cellOf(st.header, b.t(text{"Год", "Year"})), cellOf(st.header, b.t(text{"Бюджет", "Budget"})),
			cellOf(st.header, b.t(text{"Потребность", "Demand"})), cellOf(st.header, b.t(text{"Выделено", "Allocated"})),
			cellOf(st.header, b.t(text{"Недостаёт", "Shortfall"})), cellOf(st.header, b.t(text{"Остаток бюджета", "Budget left"})),
			cellOf(st.header, b.t(text{"Покрытие", "Coverage"})))
		for _, y := range a.Years {
			short := y.Demand
			short.Sub(y.Allocated)
			var left Sum
			left.Add(a.Budget)
			left.Sub(y.Allocated)
			cover := any(nil)
			if !y.Demand.IsZero() {
				cover = cellOf(st.percent, number(y.Allocated.Decimal().DivRound(y.Demand.Decimal(), 6)))
			}
			rw.line(y.Year, cellOf(st.money, money(a.Budget)), cellOf(st.money, y.Demand.float()),
				cellOf(st.money, y.Allocated.float()), cellOf(st.money, short.float()), cellOf(st.money, left.float()), cover)
		}
		for _, e := range a.Excluded {
			rw.line(cellOf(st.wrap, fmt.Sprintf("%s %d (%s): %s", b.t(text{"Строка", "Row"}), e.Row, safeText(e.ID), text{e.Ru, e.En}.in(b.lang))))
		}
	}
	if rw.err != nil {
		return rw.err
	}
	return sw.Flush()
}

func memberOrder(c string) int {
	for i, m := range calc.MemberStates {
		if m == c {
			return i
		}
	}
	return len(calc.MemberStates)
}
