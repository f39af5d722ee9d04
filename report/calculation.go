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
	sheetSummary  = text{"Сводка", "Summary"}
	sheetSchedule = text{"График", "Schedule"}
	sheetYears    = text{"По годам", "Years"}
	sheetShares   = text{"Доли бюджета", "Budget shares"}
	sheetChart    = text{"Диаграмма", "Chart"}
)

// Columns of the Schedule sheet (1-based).
const (
	scN = iota + 1
	scStart
	scEnd
	scDays
	scOpening
	scDrawdown
	scInterest
	scPrincipal
	scPayment
	scClosing
	scContractRate
	scBaseRate
	scSubsidyRate
	scSubsidy
	scSubsidyPaid
	scBorrowerInterest
	scBorrowerPayment
	scRatesVary
	scColumns = scRatesVary
)

var scheduleHeader = [...]text{
	scN - 1:                {"№", "No."},
	scStart - 1:            {"Начало периода", "Period start"},
	scEnd - 1:              {"Дата платежа", "Payment date"},
	scDays - 1:             {"Дней", "Days"},
	scOpening - 1:          {"Остаток на начало", "Opening balance"},
	scDrawdown - 1:         {"Выдача в периоде", "Drawdown"},
	scInterest - 1:         {"Проценты", "Interest"},
	scPrincipal - 1:        {"Основной долг", "Principal"},
	scPayment - 1:          {"Платёж = проценты + долг", "Payment = interest + principal"},
	scClosing - 1:          {"Остаток на конец = начало + выдача − долг", "Closing balance = opening + drawdown − principal"},
	scContractRate - 1:     {"Ставка по кредиту", "Contract rate"},
	scBaseRate - 1:         {"Ставка центрального банка", "Policy rate"},
	scSubsidyRate - 1:      {"Ставка субсидии", "Subsidy rate"},
	scSubsidy - 1:          {"Субсидия по правилу", "Subsidy (rule)"},
	scSubsidyPaid - 1:      {"Субсидия к выплате", "Subsidy paid"},
	scBorrowerInterest - 1: {"Проценты заёмщика = проценты − субсидия", "Borrower interest = interest − subsidy paid"},
	scBorrowerPayment - 1:  {"Платёж заёмщика = платёж − субсидия", "Borrower payment = payment − subsidy paid"},
	scRatesVary - 1:        {"Ставки менялись в периоде", "Rates changed in the period"},
}

var scheduleWidths = []float64{6, 12, 12, 7, 18, 16, 16, 18, 18, 20, 10, 10, 10, 16, 16, 18, 18, 11}

// isMoneyColumn reports whether a schedule column holds money (its header
// then names the currency).
func isMoneyColumn(c int) bool {
	return c >= scOpening && c <= scClosing || c >= scSubsidy && c <= scBorrowerPayment
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
	b := &calcBook{f: f, st: st, req: req, res: res, lang: lang, spillRows: rows}
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

	sched     *spill
	spillRows int
	// yearsTotalRow is the row of the totals on the Years sheet.
	yearsFirst, yearsLast int
}

func (b *calcBook) t(t text) string { return t.in(b.lang) }

func (b *calcBook) write() error {
	summary := b.t(sheetSummary)
	if err := b.f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	if err := printSetup(b.f, summary); err != nil {
		return err
	}
	sumSW, err := b.f.NewStreamWriter(summary)
	if err != nil {
		return err
	}
	if err := b.writeSchedule(); err != nil {
		return err
	}
	for _, name := range []text{sheetYears, sheetShares, sheetChart} {
		if _, err := b.f.NewSheet(b.t(name)); err != nil {
			return err
		}
		if err := printSetup(b.f, b.t(name)); err != nil {
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
		Title:   b.t(text{"Расчёт субсидии по кредиту", "Interest subsidy calculation"}),
		Creator: "subsidy",
	})
}

func (b *calcBook) moneyHeader(t text) string { return b.t(t) + ", " + b.res.Currency }

func (b *calcBook) writeSchedule() error {
	st := b.st
	header := make([]any, scColumns)
	for i, h := range scheduleHeader {
		label := b.t(h)
		if isMoneyColumn(i + 1) {
			label += ", " + b.res.Currency
		}
		header[i] = cellOf(st.header, label)
	}
	b.sched = newSpill(b.f, b.t(sheetSchedule), header, scheduleWidths)
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
				formula(st.money, fmt.Sprintf("ROUND(G%d-O%d,2)", r, r), money(p.BorrowerInterest)),
				formula(st.money, fmt.Sprintf("ROUND(I%d-O%d,2)", r, r), money(p.BorrowerPayment)),
				vary,
			}
		})
		if err != nil {
			return err
		}
	}
	t := b.res.Totals
	totals := map[int]calc.Money{
		scDrawdown: b.sumDrawdown(), scInterest: t.Interest, scPrincipal: t.Principal,
		scPayment: t.Payments, scSubsidy: t.Subsidy, scSubsidyPaid: t.SubsidyPaid,
		scBorrowerInterest: t.BorrowerInterest, scBorrowerPayment: t.BorrowerPayments,
	}
	return b.sched.close(func(r int) []any {
		row := make([]any, scColumns)
		row[0] = cellOf(st.bold, b.t(text{"Итого", "Total"}))
		row[scDays-1] = formula(st.integerBold, "SUM("+b.sched.ranges(scDays)+")", b.totalDays())
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
	yrInterest: scInterest, yrPrincipal: scPrincipal, yrSubsidy: scSubsidy,
	yrSubsidyPaid: scSubsidyPaid, yrBorrowerInterest: scBorrowerInterest,
}

func (b *calcBook) writeYears() error {
	st := b.st
	name := b.t(sheetYears)
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := []float64{8, 18, 18, 18, 18, 18, 18, 18, 12, 12, 20}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	rw := &rowWriter{sw: sw}
	rw.line(
		cellOf(st.header, b.t(text{"Год", "Year"})),
		cellOf(st.header, b.moneyHeader(text{"Проценты", "Interest"})),
		cellOf(st.header, b.moneyHeader(text{"Основной долг", "Principal"})),
		cellOf(st.header, b.moneyHeader(text{"Субсидия по правилу", "Subsidy (rule)"})),
		cellOf(st.header, b.moneyHeader(text{"Субсидия к выплате", "Subsidy paid"})),
		cellOf(st.header, b.moneyHeader(text{"Проценты заёмщика", "Borrower interest"})),
		cellOf(st.header, b.moneyHeader(text{"Годовой лимит", "Annual cap"})),
		cellOf(st.header, b.moneyHeader(text{"Использовано лимита", "Cap used"})),
		cellOf(st.header, b.t(text{"Лимит достигнут", "Cap reached"})),
		cellOf(st.header, b.t(text{"Курс для лимита", "FX rate for the cap"})),
		cellOf(st.header, b.moneyHeader(text{"Остаток долга на конец года", "Balance at year end"})),
	)
	// The payment date (column C of the schedule) decides a period's year.
	dates := b.sched.rangesOf(scEnd)
	b.yearsFirst = rw.row + 1
	for _, y := range b.res.Years {
		r := rw.row + 1
		row := make([]any, yrColumns)
		row[yrYear-1] = cellOf(st.integer, y.Year)
		figures := map[int]calc.Money{
			yrInterest: y.Interest, yrPrincipal: y.Principal, yrSubsidy: y.Subsidy,
			yrSubsidyPaid: y.SubsidyPaid, yrBorrowerInterest: y.BorrowerInterest,
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
			row[yrCap-1] = b.t(text{"нет", "none"})
		}
		row[yrCapUsed-1] = cellOf(st.money, money(y.CapUsed))
		row[yrCapReached-1] = yesNo(y.CapReached, b.lang)
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
	totals[0] = cellOf(st.bold, b.t(text{"Итого", "Total"}))
	for c, m := range map[int]calc.Money{
		yrInterest: t.Interest, yrPrincipal: t.Principal, yrSubsidy: t.Subsidy,
		yrSubsidyPaid: t.SubsidyPaid, yrBorrowerInterest: t.BorrowerInterest, yrCapUsed: capUsed,
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

func (w *rowWriter) skip() { w.row++ }

func (b *calcBook) writeShares() error {
	st := b.st
	name := b.t(sheetShares)
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range []float64{30, 12, 12, 20, 20, 20} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	rw := &rowWriter{sw: sw}
	res := b.res

	// Who pays: each year's paid subsidy split among the member states.
	rw.line(cellOf(st.title, b.t(text{"Кто платит: доли государств-членов в бюджете", "Who pays: member states' shares in the budget"})))
	rw.line(
		cellOf(st.header, b.t(text{"Год", "Year"})),
		cellOf(st.header, b.t(text{"Государство", "Member state"})),
		cellOf(st.header, b.t(text{"Доля", "Share"})),
		cellOf(st.header, b.moneyHeader(text{"Сумма", "Amount"})),
	)
	first := rw.row + 1
	for _, y := range res.Years {
		for _, s := range y.BudgetShares {
			rw.line(cellOf(st.integer, y.Year), s.Country, cellOf(st.percent, fraction(s.Share)), cellOf(st.money, money(s.Amount)))
		}
	}
	last := max(rw.row, first)
	countries := fmt.Sprintf("$B$%d:$B$%d", first, last)
	amounts := fmt.Sprintf("$D$%d:$D$%d", first, last)
	rw.skip()
	rw.line(
		cellOf(st.header, b.t(text{"Итого по государствам", "Total by member state"})),
		cellOf(st.header, b.t(text{"Государство", "Member state"})),
		cellOf(st.header, b.t(text{"Доля", "Share"})),
		cellOf(st.header, b.moneyHeader(text{"Сумма", "Amount"})),
	)
	tFirst := rw.row + 1
	for _, s := range res.BudgetShares {
		r := rw.row + 1
		rw.line("", s.Country, cellOf(st.percent, fraction(s.Share)),
			formula(st.money, fmt.Sprintf(`ROUND(SUMIF(%s,B%d,%s),2)`, countries, r, amounts), money(s.Amount)))
	}
	tLast := max(rw.row, tFirst)
	rw.line(cellOf(st.bold, b.t(text{"Итого", "Total"})), "", "",
		formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(D%d:D%d),2)", tFirst, tLast), money(sumShares(res.BudgetShares))))

	// Who benefits: the participants.
	rw.skip()
	rw.line(cellOf(st.title, b.t(text{"Кто получает: участники проекта", "Who benefits: the project's participants"})))
	rw.line(
		cellOf(st.header, b.t(text{"Участник", "Participant"})),
		cellOf(st.header, b.t(text{"Государство", "Member state"})),
		cellOf(st.header, b.t(text{"Доля", "Share"})),
		cellOf(st.header, b.moneyHeader(text{"Субсидия", "Subsidy"})),
	)
	pFirst := rw.row + 1
	var pSum calc.Money
	for _, p := range res.Participants {
		pSum += p.Subsidy
		rw.line(safeText(p.Name), p.Country, cellOf(st.percent, fraction(p.Share)), cellOf(st.money, money(p.Subsidy)))
	}
	pLast := max(rw.row, pFirst)
	rw.line(cellOf(st.bold, b.t(text{"Итого", "Total"})), "", "",
		formula(st.moneyBold, fmt.Sprintf("ROUND(SUM(D%d:D%d),2)", pFirst, pLast), money(pSum)))

	// Net positions.
	rw.skip()
	rw.line(cellOf(st.title, b.t(text{"Чистая позиция государств", "Member states' net position"})))
	rw.line(
		cellOf(st.header, b.t(text{"Государство", "Member state"})),
		cellOf(st.header, b.moneyHeader(text{"Получают предприятия", "Benefit"})),
		cellOf(st.header, b.moneyHeader(text{"Платит в бюджет", "Contribution"})),
		cellOf(st.header, b.moneyHeader(text{"Чистая позиция = получают − платит", "Net = benefit − contribution"})),
	)
	for _, c := range res.Countries {
		r := rw.row + 1
		rw.line(c.Country, cellOf(st.money, money(c.Benefit)), cellOf(st.money, money(c.Contribution)),
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
var enumLabels = map[string]text{
	"annuity":         {"аннуитет", "annuity"},
	"equal_principal": {"равными долями", "equal principal"},
	"bullet":          {"в конце срока", "bullet"},
	"monthly":         {"ежемесячно", "monthly"},
	"quarterly":       {"ежеквартально", "quarterly"},
	"semiannual":      {"раз в полгода", "semiannual"},
	"annual":          {"ежегодно", "annual"},
	"daily":           {"на каждый день", "daily"},
	"period_start":    {"на начало периода", "period start"},
	"payment_date":    {"на дату платежа", "payment date"},
	"eligibility":     {"условие программы", "eligibility"},
	"warning":         {"предупреждение", "warning"},
	"info":            {"сведения", "info"},
}

// enum returns "label (code)", or the default's label marked as default
// when v is empty.
func (b *calcBook) enum(v, def string) string {
	suffix := ""
	if v == "" {
		v, suffix = def, b.t(text{" — по умолчанию", " — default"})
	}
	if l, ok := enumLabels[v]; ok {
		return l.in(b.lang) + " (" + v + ")" + suffix
	}
	return v + suffix
}

func (b *calcBook) writeSummary(sw *excelize.StreamWriter) error {
	st, req, res := b.st, b.req, b.res
	for i, w := range []float64{44, 30, 18, 90} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	rw := &rowWriter{sw: sw}
	kv := func(label text, v any) { rw.line(b.t(label), v) }
	rw.line(cellOf(st.title, b.t(text{"Расчёт субсидии по кредиту", "Interest subsidy calculation"})))
	kv(text{"Сформировано (UTC)", "Generated (UTC)"}, time.Now().UTC().Format("2006-01-02 15:04:05"))
	rw.skip()

	rw.line(cellOf(st.title, b.t(text{"Исходные данные", "Inputs"})))
	kv(text{"Проект", "Project"}, safeText(req.Project.Name))
	kv(text{"Сумма кредита", "Loan amount"}, cellOf(st.money, number(req.Loan.Amount)))
	kv(text{"Валюта", "Currency"}, req.Loan.Currency)
	if req.Loan.Rate != nil {
		kv(text{"Ставка по кредиту", "Contract rate"}, cellOf(st.percent, fraction(*req.Loan.Rate)))
	}
	kv(text{"Дата выдачи", "Issue date"}, cellOf(st.date, serial(req.Loan.IssueDate)))
	kv(text{"Срок, месяцев", "Term, months"}, cellOf(st.integer, req.Loan.TermMonths))
	kv(text{"Погашение", "Repayment"}, b.enum(req.Loan.Repayment, "annuity"))
	kv(text{"Периодичность платежей", "Payment frequency"}, b.enum(req.Loan.Frequency, "monthly"))
	kv(text{"Льготный период, месяцев", "Grace period, months"}, cellOf(st.integer, req.Loan.GraceMonths))
	kv(text{"Расчётная база (дни)", "Day count"}, b.enum(req.Loan.DayCount, "act/act"))
	if req.DiscountRate != nil {
		kv(text{"Ставка дисконтирования", "Discount rate"}, cellOf(st.percent, fraction(*req.DiscountRate)))
	}
	if len(req.Project.Participants) > 0 {
		rw.line(cellOf(st.header, b.t(text{"Участник", "Participant"})),
			cellOf(st.header, b.t(text{"Государство", "Member state"})),
			cellOf(st.header, b.t(text{"Доля", "Share"})))
		for _, p := range req.Project.Participants {
			rw.line(safeText(p.Name), p.Country, cellOf(st.percent, fraction(p.Share)))
		}
	}
	if len(req.Loan.Disbursements) > 0 {
		rw.line(cellOf(st.header, b.t(text{"Выдача", "Drawdown"})),
			cellOf(st.header, b.t(text{"Дата", "Date"})),
			cellOf(st.header, b.t(text{"Сумма", "Amount"})))
		for i, d := range req.Loan.Disbursements {
			rw.line(i+1, cellOf(st.date, serial(d.Date)), cellOf(st.money, number(d.Amount)))
		}
	}
	b.ratePoints(rw, text{"Изменение ставки по кредиту", "Contract rate change"}, req.Loan.RateChanges)
	b.ratePoints(rw, text{"Ставка центрального банка (задана в запросе)", "Policy rate (given in the request)"}, req.Subsidy.BaseRates)
	for _, fx := range req.Subsidy.FX {
		year := b.t(text{"остальные годы", "other years"})
		if fx.Year != nil {
			year = fmt.Sprint(*fx.Year)
		}
		kv(text{"Курс для лимита, " + year, "FX rate for the cap, " + year}, cellOf(st.fx, number(fx.Rate)))
	}
	rw.skip()

	pr := res.Programme
	rw.line(cellOf(st.title, b.t(text{"Программа", "Programme"})))
	name := pr.Name
	if p, ok := calc.LookupProgramme(pr.ID); ok {
		name = text{p.NameRu, p.NameEn}.in(b.lang)
	}
	kv(text{"Программа", "Programme"}, pr.ID)
	kv(text{"Название", "Name"}, name)
	kv(text{"Версия правил", "Rules version"}, pr.RulesVersion)
	rw.line(b.t(text{"Правило ставки субсидии", "Subsidy rate rule"}),
		"max(0, min(a × base + b − e × loan, c × loan, loan − floor))")
	optDec := func(label text, d *decimal.Decimal, style int, v func(decimal.Decimal) float64) {
		if d == nil {
			kv(label, b.t(text{"не применяется", "not applied"}))
			return
		}
		kv(label, cellOf(style, v(*d)))
	}
	optDec(text{"a — доля ставки ЦБ", "a — share of the policy rate"}, pr.Rule.BaseShare, 0, number)
	optDec(text{"b — надбавка, п.п.", "b — plus points, pp"}, pr.Rule.PlusPoints, 0, number)
	kv(text{"e — вычитать ставку по кредиту", "e — minus the loan rate"}, yesNo(pr.Rule.MinusLoan, b.lang))
	optDec(text{"c — доля ставки по кредиту", "c — share of the loan rate"}, pr.Rule.LoanShare, 0, number)
	optDec(text{"floor — минимальная ставка заёмщика", "floor — borrower's minimum rate"}, pr.Rule.BorrowerFloor, st.percent, fraction)
	if pr.Rule.FloorBaseShare != nil || len(pr.Rule.Steps) > 0 { // SPEC §9's terms, in words (calc.RuleText)
		kv(text{"Правило словами", "The rule in words"}, strings.Join(calc.RuleText(pr.Rule, b.lang), "; "))
	}
	kv(text{"Ставка ЦБ берётся", "Policy rate fixed"}, b.enum(pr.Rule.BaseFixing, ""))
	if pr.BaseCountry != "" {
		kv(text{"Ставка ЦБ государства", "Policy rate of"}, pr.BaseCountry)
	}
	if pr.Cap != nil {
		rw.line(b.t(text{"Годовой лимит на проект", "Annual cap per project"}), cellOf(st.money, number(pr.Cap.Amount)), pr.Cap.Currency)
	} else {
		kv(text{"Годовой лимит на проект", "Annual cap per project"}, b.t(text{"нет", "none"}))
	}
	kv(text{"Субсидия с", "Subsidy from"}, cellOf(st.date, serial(pr.WindowStart)))
	kv(text{"Субсидия до (не включая)", "Subsidy until (exclusive)"}, cellOf(st.date, serial(pr.WindowEnd)))
	if len(pr.Overridden) > 0 {
		kv(text{"Отступления от программы", "Departures from the programme"}, strings.Join(pr.Overridden, ", "))
	}
	rw.skip()

	rw.line(cellOf(st.title, b.t(text{"Итоги", "Headline figures"})), cellOf(st.bold, res.Currency))
	t := res.Totals
	total := func(label text, c int, m calc.Money) {
		rw.line(b.t(label), formula(st.moneyBold, b.scheduleTotal(c), money(m)))
	}
	total(text{"Проценты за весь срок", "Interest over the term"}, scInterest, t.Interest)
	total(text{"Основной долг", "Principal repaid"}, scPrincipal, t.Principal)
	total(text{"Платежи банку", "Payments to the bank"}, scPayment, t.Payments)
	total(text{"Субсидия по правилу", "Subsidy under the rule"}, scSubsidy, t.Subsidy)
	total(text{"Субсидия к выплате (после лимита)", "Subsidy paid (after the cap)"}, scSubsidyPaid, t.SubsidyPaid)
	total(text{"Проценты, которые платит заёмщик", "Interest the borrower pays"}, scBorrowerInterest, t.BorrowerInterest)
	total(text{"Платежи заёмщика", "Borrower's payments"}, scBorrowerPayment, t.BorrowerPayments)
	er := res.EffectiveRates
	kv(text{"Эффективная ставка без субсидии", "Effective rate without the subsidy"}, cellOf(st.percent, fraction(er.WithoutSubsidy)))
	kv(text{"Эффективная ставка с субсидией", "Effective rate with the subsidy"}, cellOf(st.percent, fraction(er.WithSubsidy)))
	kv(text{"Ставка дисконтирования", "Discount rate"}, cellOf(st.percent, fraction(res.DiscountRate)))
	kv(text{"Приведённая стоимость субсидии", "Present value of the subsidy"}, cellOf(st.money, money(res.SubsidyPresentValue)))
	kv(text{"Грант-элемент", "Grant element"}, cellOf(st.percent, fraction(res.GrantElement)))
	rw.skip()

	rw.line(cellOf(st.title, b.t(text{"Проверки", "Checks"})))
	rw.line(cellOf(st.header, b.t(text{"Код", "Code"})),
		cellOf(st.header, b.t(text{"Результат", "Result"})),
		cellOf(st.header, b.t(text{"Вид", "Kind"})),
		cellOf(st.header, b.t(text{"Пояснение", "Message"})))
	for _, c := range res.Checks {
		result, style := b.t(text{"выполнено", "passed"}), st.good
		if !c.OK {
			result, style = b.t(text{"НЕ выполнено", "FAILED"}), st.bad
			if c.Kind != "eligibility" {
				result = b.t(text{"внимание", "attention"})
			}
		}
		kind := c.Kind
		if l, ok := enumLabels[kind]; ok {
			kind = l.in(b.lang)
		}
		rw.line(c.Code, cellOf(style, result), kind, cellOf(st.wrap, safeText(c.Message)))
	}
	if rw.err != nil {
		return rw.err
	}
	return sw.Flush()
}

func (b *calcBook) ratePoints(rw *rowWriter, label text, pts []calc.RatePoint) {
	if len(pts) == 0 {
		return
	}
	rw.line(cellOf(b.st.header, b.t(label)),
		cellOf(b.st.header, b.t(text{"С даты", "From"})),
		cellOf(b.st.header, b.t(text{"Ставка", "Rate"})))
	for i, p := range pts {
		rw.line(i+1, cellOf(b.st.date, serial(p.Date)), cellOf(b.st.percent, fraction(p.Rate)))
	}
}

// writeChart puts two native charts on the Chart sheet, a normal
// (not streamed) sheet: interest and paid subsidy by year, and the
// closing balance by period.
func (b *calcBook) writeChart() error {
	name := b.t(sheetChart)
	years := b.t(sheetYears)
	if len(b.res.Years) > 0 {
		cats := absRange(years, yrYear, b.yearsFirst, b.yearsLast)
		series := []excelize.ChartSeries{
			{Name: quote(years) + "!$B$1", Categories: cats, Values: absRange(years, yrInterest, b.yearsFirst, b.yearsLast)},
			{Name: quote(years) + "!$E$1", Categories: cats, Values: absRange(years, yrSubsidyPaid, b.yearsFirst, b.yearsLast)},
			{Name: quote(years) + "!$F$1", Categories: cats, Values: absRange(years, yrBorrowerInterest, b.yearsFirst, b.yearsLast)},
		}
		err := b.f.AddChart(name, "A1", &excelize.Chart{
			Type:      excelize.Col,
			Series:    series,
			Title:     b.chartTitle(text{"Проценты и субсидия по годам, ", "Interest and subsidy by year, "}),
			Dimension: excelize.ChartDimension{Width: 900, Height: 400},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			YAxis:     excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
		})
		if err != nil {
			return err
		}
	}
	if n := len(b.res.Schedule); n > 0 {
		sheet := b.sched.sheets[0]
		last := b.sched.rows[0]
		err := b.f.AddChart(name, "A22", &excelize.Chart{
			Type: excelize.Line,
			Series: []excelize.ChartSeries{{
				Name:       quote(sheet) + "!$J$1",
				Categories: absRange(sheet, scEnd, 2, last),
				Values:     absRange(sheet, scClosing, 2, last),
			}},
			Title:     b.chartTitle(text{"Остаток долга по периодам, ", "Balance by period, "}),
			Dimension: excelize.ChartDimension{Width: 900, Height: 400},
			Legend:    excelize.ChartLegend{Position: "none"},
			XAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "mm.yyyy"}, TickLabelSkip: max(1, n/24)},
			YAxis:     excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *calcBook) chartTitle(t text) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: b.t(t) + b.res.Currency}}}
}
