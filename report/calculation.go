package report

import (
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the calculation workbook, in Russian and English. Each is
// a valid sheet name (at most 31 characters, none of []:*?/\) and formulas
// quote it, so Cyrillic names work in every spreadsheet program.
var (
	sheetSummary  = calc.Text{Ru: "Сводка", En: "Summary"}
	sheetSchedule = calc.Text{Ru: "График", En: "Schedule"}
	sheetYears    = calc.Text{Ru: "По годам", En: "Years"}
	sheetShares   = calc.Text{Ru: "Доли бюджета", En: "Budget shares"}
	sheetChart    = calc.Text{Ru: "Диаграмма", En: "Chart"}
)

// Columns of the workbook's Schedule sheet (1-based): what the programme
// would pay (after the cap) and what is payable stand side by side.
const (
	wcN = iota + 1
	wcStart
	wcEnd
	wcDays
	wcOpening
	wcDrawdown
	wcInterest
	wcPrincipal
	wcPayment
	wcClosing
	wcContractRate
	wcBaseRate
	wcSubsidyRate
	wcSubsidy
	wcSubsidyPaid
	wcSubsidyPayable
	wcBorrowerInterest
	wcBorrowerPayment
	wcRatesVary
	wcColumns = wcRatesVary
)

var bookHeader = [...]calc.Text{
	wcN - 1:                {Ru: "№", En: "No."},
	wcStart - 1:            {Ru: "Начало периода", En: "Period start"},
	wcEnd - 1:              {Ru: "Дата платежа", En: "Payment date"},
	wcDays - 1:             {Ru: "Дней", En: "Days"},
	wcOpening - 1:          {Ru: "Остаток на начало", En: "Opening balance"},
	wcDrawdown - 1:         {Ru: "Выдача в периоде", En: "Drawdown"},
	wcInterest - 1:         {Ru: "Проценты", En: "Interest"},
	wcPrincipal - 1:        {Ru: "Основной долг", En: "Principal"},
	wcPayment - 1:          {Ru: "Платёж = проценты + долг", En: "Payment = interest + principal"},
	wcClosing - 1:          {Ru: "Остаток на конец = начало + выдача − долг", En: "Closing balance = opening + drawdown − principal"},
	wcContractRate - 1:     {Ru: "Ставка по кредиту", En: "Contract rate"},
	wcBaseRate - 1:         {Ru: "Ставка ЦБ", En: "Policy rate"},
	wcSubsidyRate - 1:      {Ru: "Ставка субсидии", En: "Subsidy rate"},
	wcSubsidy - 1:          {Ru: "Субсидия по правилу", En: "Subsidy under the rule"},
	wcSubsidyPaid - 1:      {Ru: "Субсидия после лимита (если условия выполнены)", En: "Subsidy after the cap (if the conditions are met)"},
	wcSubsidyPayable - 1:   {Ru: "Субсидия к выплате", En: "Subsidy payable"},
	wcBorrowerInterest - 1: {Ru: "Проценты заёмщика = проценты − к выплате", En: "Borrower interest = interest − payable"},
	wcBorrowerPayment - 1:  {Ru: "Платёж заёмщика = платёж − к выплате", En: "Borrower payment = payment − payable"},
	wcRatesVary - 1:        {Ru: "Ставки менялись в периоде", En: "Rates changed in the period"},
}

// bookWidths fit a money figure up to 999 999 999 999,99 and the
// wrapped headers in both languages.
var bookWidths = []float64{5, 11, 11, 6, 17, 16, 16, 17, 17, 17, 9, 9, 9, 16, 16, 16, 17, 17, 10}

// isBookMoney reports whether a Schedule sheet column holds money (its header
// then names the currency).
func isBookMoney(c int) bool {
	return c >= wcOpening && c <= wcClosing || c >= wcSubsidy && c <= wcBorrowerPayment
}

// WriteCalculation writes the workbook of one calculation to w: the sheets
// Summary (inputs, programme and its parameters, rules version, generation
// time, headline figures, checks), Schedule (spilling onto "Schedule (2)"…
// past a sheet's 1,048,576 rows), Years, Budget shares and Chart, with
// headers and names in lang ("ru", the default, or "en").
//
// The workbook is live: every total is a ROUND(SUM(…), 2) formula, each
// schedule row recomputes its payment, closing balance, borrower interest
// and borrower payment from its own cells, and the figures by year are
// SUMIFS over the schedule. Each formula carries the engine's figure as its
// cached value, and recomputed it gives the same figure to the kopeck
// (money is rounded half away from zero to two places, as the engine does).
// req is the request as given (before defaults); res its result.
func WriteCalculation(w io.Writer, req *calc.Request, res *calc.Result, lang string) error {
	return writeCalculation(w, req, res, lang, spillRows)
}

// writeCalculation is WriteCalculation with rows schedule rows a sheet.
func writeCalculation(w io.Writer, req *calc.Request, res *calc.Result, lang string, rows int) error {
	if req == nil || res == nil {
		return errors.New("report: WriteCalculation needs a request and its result")
	}
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := st.localDates(f, lang); err != nil {
		return err
	}
	b := &calcBook{f: f, st: st, req: req, res: res, lang: lang, spillRows: rows, now: time.Now()}
	if err := b.write(); err != nil {
		return err
	}
	return writeWorkbook(f, w, flate.DefaultCompression)
}

type calcBook struct {
	f    *excelize.File
	st   *styles
	req  *calc.Request
	res  *calc.Result
	lang string
	now  time.Time

	sched     *spill
	spillRows int
	// yearsFirst and yearsLast are the first and last data rows of the
	// Years sheet.
	yearsFirst, yearsLast int
}

func (b *calcBook) t(t calc.Text) string { return t.In(b.lang) }

// page returns the print settings of a sheet of this workbook.
func (b *calcBook) page(landscape bool, titleRows int) page {
	return page{Landscape: landscape, TitleRows: titleRows, Lang: b.lang,
		Footer: footerLine(b.res.Programme.RulesVersion, b.now, b.lang)}
}

func (b *calcBook) write() error {
	summary := b.t(sheetSummary)
	if err := b.f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	if err := setPage(b.f, summary, b.page(false, 0)); err != nil {
		return err
	}
	sumSW, err := b.f.NewStreamWriter(summary)
	if err != nil {
		return err
	}
	if err := b.writeSchedule(); err != nil {
		return err
	}
	for _, s := range []struct {
		name      calc.Text
		landscape bool
		titles    int
	}{{sheetYears, true, 1}, {sheetShares, false, 0}, {sheetChart, false, 0}} {
		if _, err := b.f.NewSheet(b.t(s.name)); err != nil {
			return err
		}
		if err := setPage(b.f, b.t(s.name), b.page(s.landscape, s.titles)); err != nil {
			return err
		}
	}
	if err := b.writeYears(); err != nil {
		return err
	}
	if err := b.writeShares(); err != nil {
		return err
	}
	if err := b.writeSummary(sumSW); err != nil {
		return err
	}
	if err := b.writeChart(); err != nil {
		return err
	}
	if err := writeScenarioSheet(b.f, b.st, b.res, b.lang); err != nil { // scenarios.go
		return err
	}
	return b.f.SetDocProps(&excelize.DocProperties{
		Title:   b.t(calc.Text{Ru: "Расчёт субсидии по кредиту", En: "Interest subsidy calculation"}),
		Creator: "subsidy",
	})
}

func (b *calcBook) moneyHeader(t calc.Text) string { return b.t(t) + ", " + b.res.Currency }

func (b *calcBook) writeSchedule() error {
	st := b.st
	header := make([]string, wcColumns)
	for i, h := range bookHeader {
		header[i] = b.t(h)
		if isBookMoney(i + 1) {
			header[i] += ", " + b.res.Currency
		}
	}
	b.sched = newSpill(b.f, b.t(sheetSchedule), header, st.header, bookWidths, b.page(true, 1))
	b.sched.capacity = b.spillRows
	for i := range b.res.Schedule {
		p := &b.res.Schedule[i]
		err := b.sched.add(func(r int) []any {
			vary := ""
			if p.RatesVary {
				vary = yesNo(true, b.lang)
			}
			return []any{
				cellOf(st.integer, p.N),
				cellOf(st.date, serial(p.Start)),
				cellOf(st.date, serial(p.End)),
				cellOf(st.integer, p.Days),
				cellOf(st.money, money(p.OpeningBalance)),
				cellOf(st.money, money(p.Drawdown)),
				cellOf(st.money, money(p.Interest)),
				cellOf(st.money, money(p.Principal)),
				formula(st.money, fmt.Sprintf("ROUND(G%d+H%d,2)", r, r), money(p.Payment)),
				formula(st.money, fmt.Sprintf("ROUND(E%d+F%d-H%d,2)", r, r, r), money(p.ClosingBalance)),
				cellOf(st.percent, fraction(p.ContractRate)),
				cellOf(st.percent, fraction(p.BaseRate)),
				cellOf(st.percent, fraction(p.SubsidyRate)),
				cellOf(st.money, money(p.Subsidy)),
				cellOf(st.money, money(p.SubsidyPaid)),
				cellOf(st.money, money(p.SubsidyPayable)),
				formula(st.money, fmt.Sprintf("ROUND(G%d-%s%d,2)", r, col(wcSubsidyPayable), r), money(p.BorrowerInterest)),
				formula(st.money, fmt.Sprintf("ROUND(I%d-%s%d,2)", r, col(wcSubsidyPayable), r), money(p.BorrowerPayment)),
				cellOf(st.center, vary),
			}
		})
		if err != nil {
			return err
		}
	}
	t := b.res.Totals
	totals := map[int]calc.Money{
		wcDrawdown: b.sumDrawdown(), wcInterest: t.Interest, wcPrincipal: t.Principal,
		wcPayment: t.Payments, wcSubsidy: t.Subsidy, wcSubsidyPaid: t.SubsidyPaid, wcSubsidyPayable: t.SubsidyPayable,
		wcBorrowerInterest: t.BorrowerInterest, wcBorrowerPayment: t.BorrowerPayments,
	}
	return b.sched.close(func(r int) []any {
		row := make([]any, wcColumns)
		row[0] = cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"}))
		row[wcDays-1] = formula(st.integerBold, "SUM("+b.sched.ranges(wcDays)+")", b.totalDays())
		for c, m := range totals {
			row[c-1] = formula(st.moneyBold, "ROUND(SUM("+b.sched.ranges(c)+"),2)", money(m))
		}
		return row
	})
}

// sumDrawdown is the total of the Drawdown column: drawdowns after the
// first day of their period (the opening balances hold the others).
func (b *calcBook) sumDrawdown() calc.Money {
	var s calc.Money
	for i := range b.res.Schedule {
		s += b.res.Schedule[i].Drawdown
	}
	return s
}

func (b *calcBook) totalDays() int {
	n := 0
	for i := range b.res.Schedule {
		n += b.res.Schedule[i].Days
	}
	return n
}

// scheduleTotal returns a reference to the schedule's totals cell of column c.
func (b *calcBook) scheduleTotal(c int) string {
	return quote(b.sched.lastSheet()) + "!$" + col(c) + "$" + fmt.Sprint(b.sched.totalsRow)
}

// Columns of the Years sheet.
const (
	yrYear = iota + 1
	yrInterest
	yrPrincipal
	yrSubsidy
	yrSubsidyPaid
	yrSubsidyPayable
	yrBorrowerInterest
	yrCap
	yrCapUsed
	yrCapReached
	yrFX
	yrBalance
	yrColumns = yrBalance
)

// yearSource maps a Years column summed from the schedule to the schedule
// column it sums.
var yearSource = map[int]int{
	yrInterest: wcInterest, yrPrincipal: wcPrincipal, yrSubsidy: wcSubsidy,
	yrSubsidyPaid: wcSubsidyPaid, yrSubsidyPayable: wcSubsidyPayable, yrBorrowerInterest: wcBorrowerInterest,
}

func (b *calcBook) writeYears() error {
	st := b.st
	name := b.t(sheetYears)
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := []float64{7, 17, 18, 17, 18, 17, 17, 17, 17, 10, 10, 18}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	rw := &rowWriter{sw: sw}
	rw.header(st.header, widths,
		b.t(calc.Text{Ru: "Год", En: "Year"}),
		b.moneyHeader(calc.Text{Ru: "Проценты", En: "Interest"}),
		b.moneyHeader(calc.Text{Ru: "Основной долг", En: "Principal"}),
		b.moneyHeader(calc.Text{Ru: "Субсидия по правилу", En: "Subsidy under the rule"}),
		b.moneyHeader(calc.Text{Ru: "После лимита (если условия выполнены)", En: "After the cap (if the conditions are met)"}),
		b.moneyHeader(calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}),
		b.moneyHeader(calc.Text{Ru: "Проценты заёмщика", En: "Borrower interest"}),
		b.moneyHeader(calc.Text{Ru: "Годовой лимит", En: "Annual cap"}),
		b.moneyHeader(calc.Text{Ru: "Использовано лимита", En: "Cap used"}),
		b.t(calc.Text{Ru: "Лимит достигнут", En: "Cap reached"}),
		b.t(calc.Text{Ru: "Курс для лимита", En: "FX rate for the cap"}),
		b.moneyHeader(calc.Text{Ru: "Остаток долга на конец года", En: "Balance at year end"}),
	)
	// The payment date (column C of the schedule) decides a period's year.
	dates := b.sched.rangesOf(wcEnd)
	b.yearsFirst = rw.row + 1
	for _, y := range b.res.Years {
		r := rw.row + 1
		row := make([]any, yrColumns)
		row[yrYear-1] = cellOf(st.number, y.Year)
		figures := map[int]calc.Money{
			yrInterest: y.Interest, yrPrincipal: y.Principal, yrSubsidy: y.Subsidy,
			yrSubsidyPaid: y.SubsidyPaid, yrSubsidyPayable: y.SubsidyPayable, yrBorrowerInterest: y.BorrowerInterest,
		}
		for c, sc := range yearSource {
			sums := b.sched.rangesOf(sc)
			parts := make([]string, len(sums))
			for i := range sums {
				parts[i] = fmt.Sprintf(`SUMIFS(%s,%s,">="&DATE($A%d,1,1),%s,"<"&DATE($A%d+1,1,1))`, sums[i], dates[i], r, dates[i], r)
			}
			row[c-1] = formula(st.money, "ROUND("+strings.Join(parts, "+")+",2)", money(figures[c]))
		}
		if y.Cap != nil {
			row[yrCap-1] = cellOf(st.money, money(*y.Cap))
		} else {
			row[yrCap-1] = cellOf(st.center, b.t(calc.Text{Ru: "нет", En: "none"}))
		}
		row[yrCapUsed-1] = cellOf(st.money, money(y.CapUsed))
		row[yrCapReached-1] = cellOf(st.center, yesNo(y.CapReached, b.lang))
		if y.FXRate != nil {
			row[yrFX-1] = cellOf(st.fx, number(*y.FXRate))
		}
		row[yrBalance-1] = cellOf(st.money, money(b.balanceAt(y.Year)))
		rw.line(row...)
	}
	b.yearsLast = rw.row
	rw.skip()
	t := b.res.Totals
	var capUsed calc.Money
	for _, y := range b.res.Years {
		capUsed += y.CapUsed
	}
	totals := make([]any, yrColumns)
	totals[0] = cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"}))
	for c, m := range map[int]calc.Money{
		yrInterest: t.Interest, yrPrincipal: t.Principal, yrSubsidy: t.Subsidy,
		yrSubsidyPaid: t.SubsidyPaid, yrSubsidyPayable: t.SubsidyPayable, yrBorrowerInterest: t.BorrowerInterest, yrCapUsed: capUsed,
	} {
		totals[c-1] = formula(st.moneyBold, b.yearSum(c), money(m))
	}
	rw.line(totals...)
	if rw.err != nil {
		return rw.err
	}
	if len(b.res.Years) > 0 {
		if err := b.f.AutoFilter(name, fmt.Sprintf("A1:%s", ref(yrColumns, b.yearsLast)), nil); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// yearSum is the formula summing column c of the Years sheet.
func (b *calcBook) yearSum(c int) string {
	last := max(b.yearsLast, b.yearsFirst)
	return fmt.Sprintf("ROUND(SUM(%s%d:%s%d),2)", col(c), b.yearsFirst, col(c), last)
}

// balanceAt returns the closing balance of the last period paid in year y.
func (b *calcBook) balanceAt(y int) calc.Money {
	var bal calc.Money
	for i := range b.res.Schedule {
		p := &b.res.Schedule[i]
		if p.End.Year() > y {
			break
		}
		bal = p.ClosingBalance
	}
	return bal
}

// rangesOf returns the data range of column c on each sheet of the spill.
func (s *spill) rangesOf(c int) []string {
	out := make([]string, len(s.sheets))
	for i, name := range s.sheets {
		out[i] = absRange(name, c, 2, max(s.rows[i], 2))
	}
	return out
}

// rowWriter writes consecutive rows with a StreamWriter and keeps the
// first error.
type rowWriter struct {
	sw  *excelize.StreamWriter
	row int
	err error
}

func (w *rowWriter) line(values ...any) int {
	w.row++
	if w.err == nil {
		w.err = w.sw.SetRow(ref(1, w.row), values)
	}
	return w.row
}

// tall writes a row of the given height in points.
func (w *rowWriter) tall(height float64, values ...any) int {
	w.row++
	if w.err == nil {
		w.err = w.sw.SetRow(ref(1, w.row), values, excelize.RowOpts{Height: height})
	}
	return w.row
}

// header writes a header row tall enough for its wrapped labels.
func (w *rowWriter) header(style int, widths []float64, labels ...string) int {
	cells, opts := headerRow(style, labels, widths)
	w.row++
	if w.err == nil {
		w.err = w.sw.SetRow(ref(1, w.row), cells, opts)
	}
	return w.row
}

// merged writes label in column A and text in columns B…last merged and
// wrapped, the row as tall as the text needs in width (the merged
// columns' width).
func (w *rowWriter) merged(label any, style int, s string, last int, width float64) int {
	r := w.tall(rowHeight(lines(s, width, false)), label, cellOf(style, s))
	if w.err == nil && last > 2 {
		w.err = w.sw.MergeCell(ref(2, r), ref(last, r))
	}
	return r
}

func (w *rowWriter) skip() { w.row++ }

// sharesWidths are the columns of the Budget shares sheet: a label or
// year, then amounts.
var sharesWidths = []float64{24, 16, 16, 16, 16, 16, 17}

func (b *calcBook) writeShares() error {
	st := b.st
	name := b.t(sheetShares)
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range sharesWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	rw := &rowWriter{sw: sw}
	res := b.res

	// Who pays: each year's payable subsidy split among the member states,
	// a year a row, a state a column.
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Кто платит: доли государств-членов в бюджете", En: "Who pays: member states' shares in the budget"})))
	rw.line(cellOf(st.note, b.t(calc.Text{Ru: "Субсидия к выплате по годам платежа, ", En: "Subsidy payable by year of payment, "})+res.Currency))
	states := make([]string, len(res.BudgetShares))
	labels := []string{b.t(calc.Text{Ru: "Год", En: "Year"})}
	for i, s := range res.BudgetShares {
		states[i] = s.Country
		labels = append(labels, CountryName(s.Country, b.lang))
	}
	labels = append(labels, b.t(calc.Text{Ru: "Итого", En: "Total"}))
	totalCol := len(states) + 2
	rw.header(st.header, sharesWidths, labels...)
	first := rw.row + 1
	for _, y := range res.Years {
		r := rw.row + 1
		row := make([]any, totalCol)
		row[0] = cellOf(st.number, y.Year)
		for i, c := range states {
			var m calc.Money
			for _, s := range y.BudgetShares {
				if s.Country == c {
					m = s.Amount
				}
			}
			row[i+1] = cellOf(st.money, money(m))
		}
		row[totalCol-1] = formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(B%d:%s%d),2)", r, col(totalCol-1), r), money(y.SubsidyPayable))
		rw.line(row...)
	}
	last := max(rw.row, first)
	row := make([]any, totalCol)
	row[0] = cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"}))
	for i, s := range res.BudgetShares {
		row[i+1] = formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(%s%d:%s%d),2)", col(i+2), first, col(i+2), last), money(s.Amount))
	}
	row[totalCol-1] = formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(%s%d:%s%d),2)", col(totalCol), first, col(totalCol), last), money(sumShares(res.BudgetShares)))
	rw.line(row...)
	row = make([]any, totalCol)
	row[0] = b.t(calc.Text{Ru: "Доля в бюджете", En: "Share of the budget"})
	for i, s := range res.BudgetShares {
		row[i+1] = cellOf(st.percent, fraction(s.Share))
	}
	rw.line(row...)

	// Who benefits: the participants.
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Кто получает: участники проекта", En: "Who benefits: the project's participants"})))
	rw.header(st.header, sharesWidths,
		b.t(calc.Text{Ru: "Участник", En: "Participant"}),
		b.t(calc.Text{Ru: "Государство", En: "Member state"}),
		b.t(calc.Text{Ru: "Доля", En: "Share"}),
		b.moneyHeader(calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}),
	)
	pFirst := rw.row + 1
	var pSum calc.Money
	for _, p := range res.Participants {
		pSum += p.Subsidy
		rw.line(cellOf(st.wrap, safeText(p.Name)), CountryName(p.Country, b.lang), cellOf(st.percent, fraction(p.Share)), cellOf(st.money, money(p.Subsidy)))
	}
	pLast := max(rw.row, pFirst)
	rw.line(cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"})), "", "",
		formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(D%d:D%d),2)", pFirst, pLast), money(pSum)))

	// Net positions.
	rw.skip()
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Чистая позиция государств", En: "Member states' net position"})))
	rw.header(st.header, sharesWidths,
		b.t(calc.Text{Ru: "Государство", En: "Member state"}),
		b.moneyHeader(calc.Text{Ru: "Получают предприятия", En: "Benefit"}),
		b.moneyHeader(calc.Text{Ru: "Платит в бюджет", En: "Contribution"}),
		b.moneyHeader(calc.Text{Ru: "Чистая позиция = получают − платит", En: "Net = benefit − contribution"}),
	)
	for _, c := range res.Countries {
		r := rw.row + 1
		rw.line(CountryName(c.Country, b.lang), cellOf(st.money, money(c.Benefit)), cellOf(st.money, money(c.Contribution)),
			formula(st.money, fmt.Sprintf("ROUND(B%d-C%d,2)", r, r), money(c.Net)))
	}
	if rw.err != nil {
		return rw.err
	}
	return sw.Flush()
}

func sumShares(s []calc.CountryAmount) calc.Money {
	var m calc.Money
	for _, c := range s {
		m += c.Amount
	}
	return m
}

// Labels of enumerated request values.
var enumLabels = map[string]calc.Text{
	"annuity":         {Ru: "аннуитет", En: "annuity"},
	"equal_principal": {Ru: "равными долями", En: "equal principal"},
	"bullet":          {Ru: "в конце срока", En: "bullet"},
	"monthly":         {Ru: "ежемесячно", En: "monthly"},
	"quarterly":       {Ru: "ежеквартально", En: "quarterly"},
	"semiannual":      {Ru: "раз в полгода", En: "semiannual"},
	"annual":          {Ru: "ежегодно", En: "annual"},
	"daily":           {Ru: "на каждый день", En: "daily"},
	"period_start":    {Ru: "на начало периода", En: "period start"},
	"payment_date":    {Ru: "на дату платежа", En: "payment date"},
	"act/act":         {Ru: "фактические дни / дни в году", En: "actual/actual"},
	"act/365":         {Ru: "фактические дни / 365", En: "actual/365"},
	"act/360":         {Ru: "фактические дни / 360", En: "actual/360"},
	"30/360":          {Ru: "30/360", En: "30/360"},
	"eligibility":     {Ru: "условие программы", En: "eligibility"},
	"warning":         {Ru: "предупреждение", En: "warning"},
	"info":            {Ru: "сведения", En: "info"},
}

// enum returns the label of v, or the default's label marked as default
// when v is empty.
func (b *calcBook) enum(v, def string) string {
	suffix := ""
	if v == "" {
		v, suffix = def, b.t(calc.Text{Ru: " (по умолчанию)", En: " (default)"})
	}
	if l, ok := enumLabels[v]; ok {
		return l.In(b.lang) + suffix
	}
	return v + suffix
}

// Widths of the Summary sheet's columns.
var summaryWidths = []float64{40, 22, 14, 46}

// failedChecks returns the eligibility checks that failed.
func failedChecks(res *calc.Result) []calc.Check {
	var out []calc.Check
	for _, c := range res.Checks {
		if !c.OK && c.Kind == calc.KindEligibility {
			out = append(out, c)
		}
	}
	return out
}

func (b *calcBook) writeSummary(sw *excelize.StreamWriter) error {
	st, req, res := b.st, b.req, b.res
	for i, w := range summaryWidths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	rest := summaryWidths[1] + summaryWidths[2] + summaryWidths[3]
	rw := &rowWriter{sw: sw}
	kv := func(label calc.Text, v any) { rw.line(b.t(label), v) }
	rw.tall(20, cellOf(st.title, b.t(calc.Text{Ru: "Расчёт субсидии по кредиту", En: "Interest subsidy calculation"})))

	// The verdict comes first: an ineligible loan is paid nothing.
	if res.Eligible {
		r := rw.tall(18, cellOf(st.banner, b.t(calc.Text{Ru: "Кредит соответствует условиям программы: субсидия выплачивается", En: "The loan meets the programme's conditions: the subsidy is payable"})))
		if rw.err == nil {
			rw.err = sw.MergeCell(ref(1, r), ref(4, r))
		}
	} else {
		r := rw.tall(18, cellOf(st.bannerBad, b.t(calc.Text{Ru: "Кредит НЕ соответствует условиям программы: субсидия не выплачивается (0)", En: "The loan does NOT meet the programme's conditions: nothing is payable (0)"})))
		if rw.err == nil {
			rw.err = sw.MergeCell(ref(1, r), ref(4, r))
		}
		for _, c := range failedChecks(res) {
			rw.merged(cellOf(st.bad, CheckName(c.Code, b.lang)), st.wrap, safeText(c.Message()), 4, rest)
		}
	}
	rw.line(b.t(calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}), formula(st.moneyBold, b.scheduleTotal(wcSubsidyPayable), money(res.Totals.SubsidyPayable)), res.Currency)
	if !res.Eligible {
		rw.line(cellOf(st.note, b.t(calc.Text{Ru: "Справочно: при выполнении условий", En: "For reference, if the conditions were met"})),
			formula(st.money, b.scheduleTotal(wcSubsidyPaid), money(res.Totals.SubsidyPaid)), res.Currency,
			cellOf(st.note, b.t(calc.Text{Ru: "не к выплате", En: "not payable"})))
	}
	kv(calc.Text{Ru: "Сформировано (UTC)", En: "Generated (UTC)"}, b.now.UTC().Format("2006-01-02 15:04:05"))
	rw.skip()

	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Исходные данные", En: "Inputs"})))
	rw.merged(b.t(calc.Text{Ru: "Проект", En: "Project"}), st.wrap, safeText(req.Project.Name), 4, rest)
	rw.line(b.t(calc.Text{Ru: "Сумма кредита", En: "Loan amount"}), cellOf(st.money, number(req.Loan.Amount)), req.Loan.Currency)
	if req.Loan.Rate != nil {
		kv(calc.Text{Ru: "Ставка по кредиту, % годовых", En: "Contract rate, % a year"}, cellOf(st.percent, fraction(*req.Loan.Rate)))
	}
	kv(calc.Text{Ru: "Дата выдачи", En: "Issue date"}, cellOf(st.date, serial(req.Loan.IssueDate)))
	kv(calc.Text{Ru: "Срок, месяцев", En: "Term, months"}, cellOf(st.integer, req.Loan.TermMonths))
	kv(calc.Text{Ru: "Погашение", En: "Repayment"}, b.enum(req.Loan.Repayment, "annuity"))
	kv(calc.Text{Ru: "Периодичность платежей", En: "Payment frequency"}, b.enum(req.Loan.Frequency, "monthly"))
	kv(calc.Text{Ru: "Льготный период, месяцев", En: "Grace period, months"}, cellOf(st.integer, req.Loan.GraceMonths))
	kv(calc.Text{Ru: "Расчётная база (дни)", En: "Day count"}, b.enum(req.Loan.DayCount, "act/act"))
	if req.DiscountRate != nil {
		kv(calc.Text{Ru: "Ставка дисконтирования", En: "Discount rate"}, cellOf(st.percent, fraction(*req.DiscountRate)))
	}
	if len(req.Project.Participants) > 0 {
		rw.header(st.header, summaryWidths, b.t(calc.Text{Ru: "Участник", En: "Participant"}),
			b.t(calc.Text{Ru: "Государство", En: "Member state"}), b.t(calc.Text{Ru: "Доля", En: "Share"}))
		for _, p := range req.Project.Participants {
			rw.line(cellOf(st.wrap, safeText(p.Name)), CountryName(p.Country, b.lang), cellOf(st.percent, fraction(p.Share)))
		}
	}
	if len(req.Loan.Disbursements) > 0 {
		rw.header(st.header, summaryWidths, b.t(calc.Text{Ru: "Выдача", En: "Drawdown"}),
			b.t(calc.Text{Ru: "Дата", En: "Date"}), b.t(calc.Text{Ru: "Сумма", En: "Amount"}))
		for i, d := range req.Loan.Disbursements {
			rw.line(cellOf(st.number, i+1), cellOf(st.date, serial(d.Date)), cellOf(st.money, number(d.Amount)))
		}
	}
	b.ratePoints(rw, calc.Text{Ru: "Изменение ставки по кредиту", En: "Contract rate change"}, req.Loan.RateChanges)
	b.ratePoints(rw, calc.Text{Ru: "Ставка ЦБ (задана в запросе)", En: "Policy rate (given in the request)"}, req.Subsidy.BaseRates)
	for _, fx := range req.Subsidy.FX {
		year := b.t(calc.Text{Ru: "остальные годы", En: "other years"})
		if fx.Year != nil {
			year = fmt.Sprint(*fx.Year)
		}
		rw.line(b.t(calc.Text{Ru: "Курс для лимита, ", En: "FX rate for the cap, "})+year, cellOf(st.fx, number(fx.Rate)))
	}
	rw.skip()

	pr := res.Programme
	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Программа", En: "Programme"})))
	name := pr.Name
	if p, ok := calc.LookupProgramme(pr.ID); ok {
		name = p.Name().In(b.lang)
	}
	rw.merged(b.t(calc.Text{Ru: "Название", En: "Name"}), st.wrap, name, 4, rest)
	kv(calc.Text{Ru: "Версия правил", En: "Rules version"}, pr.RulesVersion)
	rw.merged(b.t(calc.Text{Ru: "Ставка субсидии", En: "Subsidy rate"}), st.wrap,
		b.t(calc.Text{Ru: "наибольшее из 0 и наименьшего из: a × ставка ЦБ + b − e × ставка кредита; c × ставка кредита; ставка кредита − m", En: "the larger of 0 and the least of: a × policy rate + b − e × loan rate; c × loan rate; loan rate − m"}), 4, rest)
	optDec := func(label calc.Text, d *decimal.Decimal, style int, v func(decimal.Decimal) float64) {
		if d == nil {
			kv(label, b.t(calc.Text{Ru: "не применяется", En: "not applied"}))
			return
		}
		kv(label, cellOf(style, v(*d)))
	}
	optDec(calc.Text{Ru: "a — доля ставки ЦБ", En: "a — share of the policy rate"}, pr.Rule.BaseShare, st.number, number)
	optDec(calc.Text{Ru: "b — надбавка, п. п.", En: "b — plus points, pp"}, pr.Rule.PlusPoints, st.number, number)
	minus := 0
	if pr.Rule.MinusLoan {
		minus = 1
	}
	kv(calc.Text{Ru: "e — вычитать ставку кредита (1/0)", En: "e — subtract the loan rate (1/0)"}, cellOf(st.number, minus))
	optDec(calc.Text{Ru: "c — доля ставки по кредиту", En: "c — share of the loan rate"}, pr.Rule.LoanShare, st.number, number)
	optDec(calc.Text{Ru: "m — наименьшая ставка для заёмщика", En: "m — borrower's minimum rate"}, pr.Rule.BorrowerFloor, st.percent, fraction)
	if pr.Rule.FloorBaseShare != nil || len(pr.Rule.Steps) > 0 { // SPEC §9's terms, in words (calc.RuleText)
		rw.merged(b.t(calc.Text{Ru: "Правило словами", En: "The rule in words"}), st.wrap, strings.Join(calc.RuleText(pr.Rule, b.lang), "; "), 4, rest)
	}
	kv(calc.Text{Ru: "Ставка ЦБ берётся", En: "Policy rate fixed"}, b.enum(pr.Rule.BaseFixing, ""))
	if pr.BaseCountry != "" {
		kv(calc.Text{Ru: "Ставка ЦБ государства", En: "Policy rate of"}, CountryName(pr.BaseCountry, b.lang))
	}
	if pr.Cap != nil {
		rw.line(b.t(calc.Text{Ru: "Годовой лимит на проект", En: "Annual cap per project"}), cellOf(st.money, number(pr.Cap.Amount)), pr.Cap.Currency)
	} else {
		kv(calc.Text{Ru: "Годовой лимит на проект", En: "Annual cap per project"}, b.t(calc.Text{Ru: "нет", En: "none"}))
	}
	kv(calc.Text{Ru: "Субсидия с", En: "Subsidy from"}, cellOf(st.date, serial(pr.WindowStart)))
	kv(calc.Text{Ru: "Субсидия до (не включая)", En: "Subsidy until (exclusive)"}, cellOf(st.date, serial(pr.WindowEnd)))
	if len(pr.Overridden) > 0 {
		rw.merged(b.t(calc.Text{Ru: "Отступления от программы", En: "Departures from the programme"}), st.wrap, strings.Join(pr.Overridden, ", "), 4, rest)
	}
	rw.skip()

	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Итоги", En: "Figures"})), cellOf(st.bold, res.Currency))
	t := res.Totals
	total := func(label calc.Text, c int, m calc.Money) {
		rw.line(b.t(label), formula(st.moneyBold, b.scheduleTotal(c), money(m)))
	}
	total(calc.Text{Ru: "Проценты за весь срок", En: "Interest over the term"}, wcInterest, t.Interest)
	total(calc.Text{Ru: "Основной долг", En: "Principal repaid"}, wcPrincipal, t.Principal)
	total(calc.Text{Ru: "Платежи банку", En: "Payments to the bank"}, wcPayment, t.Payments)
	total(calc.Text{Ru: "Субсидия по правилу", En: "Subsidy under the rule"}, wcSubsidy, t.Subsidy)
	if res.Eligible {
		total(calc.Text{Ru: "Субсидия после годового лимита", En: "Subsidy after the annual cap"}, wcSubsidyPaid, t.SubsidyPaid)
	} else {
		total(calc.Text{Ru: "Справочно: при выполнении условий", En: "For reference, if the conditions were met"}, wcSubsidyPaid, t.SubsidyPaid)
	}
	total(calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}, wcSubsidyPayable, t.SubsidyPayable)
	total(calc.Text{Ru: "Проценты, которые платит заёмщик", En: "Interest the borrower pays"}, wcBorrowerInterest, t.BorrowerInterest)
	total(calc.Text{Ru: "Платежи заёмщика", En: "Borrower's payments"}, wcBorrowerPayment, t.BorrowerPayments)
	er := res.EffectiveRates
	kv(calc.Text{Ru: "Эффективная ставка без субсидии", En: "Effective rate without the subsidy"}, cellOf(st.percent, fraction(er.WithoutSubsidy)))
	kv(calc.Text{Ru: "Эффективная ставка с субсидией", En: "Effective rate with the payable subsidy"}, cellOf(st.percent, fraction(er.WithSubsidy)))
	kv(calc.Text{Ru: "Ставка дисконтирования", En: "Discount rate"}, cellOf(st.percent, fraction(res.DiscountRate)))
	kv(calc.Text{Ru: "Приведённая стоимость субсидии", En: "Present value of the payable subsidy"}, cellOf(st.money, money(res.SubsidyPresentValue)))
	kv(calc.Text{Ru: "Грант-элемент", En: "Grant element"}, cellOf(st.percent, fraction(res.GrantElement)))
	rw.skip()

	rw.line(cellOf(st.title, b.t(calc.Text{Ru: "Проверки", En: "Checks"})))
	rw.header(st.header, summaryWidths, b.t(calc.Text{Ru: "Проверка", En: "Check"}), b.t(calc.Text{Ru: "Результат", En: "Result"}),
		b.t(calc.Text{Ru: "Вид", En: "Kind"}), b.t(calc.Text{Ru: "Пояснение", En: "Explanation"}))
	for _, c := range res.Checks {
		result, style := b.t(calc.Text{Ru: "выполнено", En: "passed"}), st.good
		if !c.OK {
			result, style = b.t(calc.Text{Ru: "НЕ выполнено", En: "FAILED"}), st.bad
			if c.Kind != calc.KindEligibility {
				result = b.t(calc.Text{Ru: "внимание", En: "attention"})
			}
		}
		kind := c.Kind
		if l, ok := enumLabels[kind]; ok {
			kind = l.In(b.lang)
		}
		name, msg := CheckName(c.Code, b.lang), safeText(c.Message())
		n := max(lines(name, summaryWidths[0], false), lines(msg, summaryWidths[3], false),
			lines(result, summaryWidths[1], true), lines(kind, summaryWidths[2], false))
		rw.tall(rowHeight(n), cellOf(st.wrap, name), cellOf(style, result), cellOf(st.wrap, kind), cellOf(st.wrap, msg))
	}
	if rw.err != nil {
		return rw.err
	}
	return sw.Flush()
}

func (b *calcBook) ratePoints(rw *rowWriter, label calc.Text, pts []calc.RatePoint) {
	if len(pts) == 0 {
		return
	}
	rw.header(b.st.header, summaryWidths, b.t(label), b.t(calc.Text{Ru: "С даты", En: "From"}), b.t(calc.Text{Ru: "Ставка", En: "Rate"}))
	for i, p := range pts {
		rw.line(cellOf(b.st.number, i+1), cellOf(b.st.date, serial(p.Date)), cellOf(b.st.percent, fraction(p.Rate)))
	}
}

// chartFont is the font of a chart's texts: the workbook's family, black.
func chartFont(size float64, bold bool) excelize.Font {
	return excelize.Font{Family: fontFamily, Size: size, Bold: bold, Color: "000000"}
}

// chartAxis returns an axis with black labels in the workbook's font and
// the given title.
func chartAxis(title, numFmt string, grid bool) excelize.ChartAxis {
	tf := chartFont(9, false)
	return excelize.ChartAxis{
		MajorGridLines: grid,
		Font:           chartFont(9, false),
		NumFmt:         excelize.ChartNumFmt{CustomNumFmt: numFmt},
		Title:          excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title, Font: &tf}}},
	}
}

// chartRows is the height of each chart in rows of the Chart sheet
// (rows there are 15 points, 20 pixels, tall).
const chartRows = 19

// writeChart puts two native charts on the Chart sheet, a normal (not
// streamed) sheet, one below the other: interest, payable subsidy and
// borrower interest by year, and the balance at each year's end. Both have
// years on the category axis, a visible legend and axis titles, black
// labels in the workbook's font.
func (b *calcBook) writeChart() error {
	name := b.t(sheetChart)
	years := b.t(sheetYears)
	if len(b.res.Years) == 0 {
		return nil
	}
	h := uint(chartRows * 20)
	vary := false
	// Rows of a fixed height (15 points, 20 pixels), so that the charts'
	// anchors fall where every program computes them.
	for r := 1; r <= 2*chartRows+12; r++ {
		if err := b.f.SetRowHeight(name, r, 15); err != nil {
			return err
		}
	}
	lf := chartFont(9, false)
	cats := absRange(years, yrYear, b.yearsFirst, b.yearsLast)
	series := []excelize.ChartSeries{
		{Name: quote(years) + "!$B$1", Categories: cats, Values: absRange(years, yrInterest, b.yearsFirst, b.yearsLast)},
		{Name: quote(years) + "!$F$1", Categories: cats, Values: absRange(years, yrSubsidyPayable, b.yearsFirst, b.yearsLast)},
		{Name: quote(years) + "!$G$1", Categories: cats, Values: absRange(years, yrBorrowerInterest, b.yearsFirst, b.yearsLast)},
	}
	yearLabel := b.t(calc.Text{Ru: "Год платежа", En: "Year of payment"})
	err := b.f.AddChart(name, "A1", &excelize.Chart{
		Type:       excelize.Col,
		VaryColors: &vary,
		Series:     series,
		Title:      b.chartTitle(calc.Text{Ru: "Проценты и субсидия к выплате по годам", En: "Interest and payable subsidy by year"}),
		Dimension:  excelize.ChartDimension{Width: 680, Height: h},
		Legend:     excelize.ChartLegend{Position: "bottom", Font: &lf},
		XAxis:      chartAxis(yearLabel, "0", false),
		YAxis:      chartAxis(b.res.Currency, "#,##0", true),
	})
	if err != nil {
		return err
	}
	return b.f.AddChart(name, ref(1, chartRows+7), &excelize.Chart{
		Type:       excelize.Col,
		VaryColors: &vary,
		Series: []excelize.ChartSeries{{
			Name:       quote(years) + "!$" + col(yrBalance) + "$1",
			Categories: cats,
			Values:     absRange(years, yrBalance, b.yearsFirst, b.yearsLast),
		}},
		Title:     b.chartTitle(calc.Text{Ru: "Остаток долга на конец года", En: "Balance at the end of each year"}),
		Dimension: excelize.ChartDimension{Width: 680, Height: h},
		Legend:    excelize.ChartLegend{Position: "bottom", Font: &lf},
		XAxis:     chartAxis(yearLabel, "0", false),
		YAxis:     chartAxis(b.res.Currency, "#,##0", true),
	})
}

func (b *calcBook) chartTitle(t calc.Text) excelize.ChartTitle {
	f := chartFont(11, true)
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: b.t(t) + ", " + b.res.Currency, Font: &f}}}
}

// bookPlain are the Schedule sheet's headers without the formulas they
// spell out, for the batch report's Schedules sheet, whose cells are
// values.
var bookPlain = map[int]calc.Text{
	wcPayment:          {Ru: "Платёж", En: "Payment"},
	wcClosing:          {Ru: "Остаток на конец", En: "Closing balance"},
	wcBorrowerInterest: {Ru: "Проценты заёмщика", En: "Borrower interest"},
	wcBorrowerPayment:  {Ru: "Платёж заёмщика", En: "Borrower payment"},
}
