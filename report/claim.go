package report

import (
	"compress/flate"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// Columns of a claim sheet's table, 1-based.
const (
	clN = iota + 1
	clFrom
	clTo
	clDays
	clYearDays
	clBalance
	clOverdue
	clSubsidised
	clBase
	clRule
	clAmountRule
	clLoan
	clLimit
	clAmountLimit
	clAmount
	clColumns = clAmount
)

var claimHeader = [clColumns]calc.Text{
	{Ru: "№", En: "No."},
	{Ru: "С", En: "From"},
	{Ru: "По", En: "To"},
	{Ru: "Дней", En: "Days"},
	{Ru: "Дней в году", En: "Days in year"},
	{Ru: "Остаток ссудной задолженности", En: "Loan balance"},
	{Ru: "В т.ч. просроченная", En: "Of which overdue"},
	{Ru: "Остаток для расчёта субсидии", En: "Balance for the subsidy"},
	{Ru: "Ставка ЦБ, %", En: "Policy rate, %"},
	{Ru: "Ставка субсидии по правилу, %", En: "Subsidy rate by the rule, %"},
	{Ru: "Сумма по правилу", En: "Amount by the rule"},
	{Ru: "Ставка по кредиту, %", En: "Loan rate, %"},
	{Ru: "Предельная ставка, %", En: "Limit rate, %"},
	{Ru: "Сумма по предельной ставке", En: "Amount at the limit"},
	{Ru: "Размер субсидии (меньшая из сумм)", En: "Subsidy (the smaller amount)"},
}

var claimWidths = [clColumns]float64{5, 11, 11, 6, 7, 17, 14, 17, 9, 11, 15, 10, 10, 15, 16}

// claimTableRow is the row of the table's header on a period sheet.
const claimTableRow = 13

var (
	claimTitle    = calc.Text{Ru: "Расчёт размера субсидии", En: "Subsidy calculation"}
	claimSummary  = calc.Text{Ru: "Итоги", En: "Summary"}
	claimPeriodSh = calc.Text{Ru: "Период ", En: "Period "}
	causeText     = map[string]calc.Text{
		calc.CauseRepayment:  {Ru: "погашение", En: "repayment"},
		calc.CauseDrawdown:   {Ru: "выдача", En: "drawdown"},
		calc.CauseRateChange: {Ru: "ставка по кредиту", En: "loan rate"},
		calc.CauseOverdue:    {Ru: "просрочка", En: "overdue"},
		calc.CauseCap:        {Ru: "годовой лимит", En: "annual cap"},
	}
)

// WriteClaim writes the printable claim form (SPEC §7, the Russian
// "Расчёт размера субсидии") of res to w in lang: a summary sheet and one
// sheet per period with the form's header (borrower, taxpayer number,
// bank, bank code, contract, the period, issue date, maturity, amount,
// loan rate, policy rate), one row per stretch and signature lines. Every
// amount is a live formula, ROUND(balance*days*rate/year_days/100, 2) and
// MIN of the two, whose cached value is the engine's; totals are SUMs.
// Sheets print A4 landscape, one page wide, with the table's header
// repeated and page numbers in the footer.
func WriteClaim(w io.Writer, req *calc.ClaimRequest, res *calc.ClaimResult, lang string) error {
	if req == nil || res == nil {
		return errors.New("report: WriteClaim needs a request and its result")
	}
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	b := &claimBook{f: f, st: st, req: req, res: res, lang: lang}
	if err := b.write(); err != nil {
		return err
	}
	return writeWorkbook(f, w, flate.DefaultCompression)
}

type claimBook struct {
	f    *excelize.File
	st   *styles
	req  *calc.ClaimRequest
	res  *calc.ClaimResult
	lang string

	label, value, center, rate, title2, sign int
	payableCell                              []string // per period: the sheet's payable cell
}

func (b *claimBook) t(t calc.Text) string { return t.In(b.lang) }

func (b *claimBook) write() error {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	rateFmt := "0.00##"
	defs := []struct {
		dst *int
		st  excelize.Style
	}{
		{&b.label, excelize.Style{Font: &excelize.Font{Color: "444444"}}},
		{&b.value, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "left", ShrinkToFit: true}}},
		{&b.center, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&b.title2, excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center"}}},
		{&b.rate, excelize.Style{CustomNumFmt: &rateFmt, Border: border}},
		{&b.sign, excelize.Style{Alignment: &excelize.Alignment{Vertical: "bottom"}}},
	}
	for _, d := range defs {
		id, err := b.f.NewStyle(&d.st)
		if err != nil {
			return err
		}
		*d.dst = id
	}
	// Table cells with borders.
	var err error
	if b.st.header, err = b.f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}},
	}); err != nil {
		return err
	}
	for _, s := range []struct {
		dst  *int
		fmt  int
		bold bool
	}{{&b.st.money, numFmtMoney, false}, {&b.st.moneyBold, numFmtMoney, true}, {&b.st.date, numFmtDate, false}, {&b.st.integer, numFmtInteger, false}, {&b.st.integerBold, numFmtInteger, true}} {
		if *s.dst, err = b.f.NewStyle(&excelize.Style{NumFmt: s.fmt, Border: border, Font: &excelize.Font{Bold: s.bold}}); err != nil {
			return err
		}
	}

	summary := b.t(claimSummary)
	if err := b.f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	if err := b.pageSetup(summary, 0); err != nil {
		return err
	}
	b.payableCell = make([]string, len(b.res.Periods))
	for i := range b.res.Periods {
		name := b.t(claimPeriodSh) + strconv.Itoa(i+1)
		if _, err := b.f.NewSheet(name); err != nil {
			return err
		}
		if err := b.pageSetup(name, claimTableRow); err != nil {
			return err
		}
		if err := b.writePeriod(name, i); err != nil {
			return err
		}
	}
	if err := b.writeSummary(summary); err != nil {
		return err
	}
	return b.f.SetDocProps(&excelize.DocProperties{Title: b.t(claimTitle), Creator: "subsidy"})
}

// pageSetup prints a sheet on A4 landscape, one page wide, with page
// numbers in the footer and, when titleRow > 0, that row repeated on every
// page. It runs before the sheet's StreamWriter opens (see printSetup).
func (b *claimBook) pageSetup(sheet string, titleRow int) error {
	landscape, wide, long, a4, fit := "landscape", 1, 0, 9, true
	if err := b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	if err := b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	m := 0.4
	if err := b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}); err != nil {
		return err
	}
	footer := b.t(calc.Text{Ru: "&LРасчёт размера субсидии&RСтраница &P из &N", En: "&LSubsidy calculation&RPage &P of &N"})
	if err := b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return err
	}
	if titleRow > 0 {
		r := "$" + strconv.Itoa(titleRow)
		return b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet, RefersTo: quote(sheet) + "!" + r + ":" + r})
	}
	return nil
}

// dateCell is a date cell, or an empty one for a missing date.
func (b *claimBook) dateCell(d *calc.Date) excelize.Cell {
	if d == nil || *d == 0 {
		return cellOf(b.value, "")
	}
	return cellOf(b.dateValue(), serial(*d))
}

func (b *claimBook) dateValue() int {
	id, _ := b.f.NewStyle(&excelize.Style{NumFmt: numFmtDate, Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "left"}})
	return id
}

// rateCell is a rate in percent as a number (21 for 21 %), as the
// formulas divide by 100.
func (b *claimBook) rateCell(d *decimal.Decimal) excelize.Cell {
	if d == nil {
		return cellOf(b.rate, "")
	}
	return cellOf(b.rate, number(*d))
}

func (b *claimBook) writePeriod(name string, i int) error {
	p := &b.res.Periods[i]
	req := b.req
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for c, wd := range claimWidths {
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return err
		}
	}
	row := 1
	put := func(vals ...any) error {
		err := sw.SetRow(ref(1, row), vals)
		row++
		return err
	}
	merge := func(r, c1, c2 int) error { return sw.MergeCell(ref(c1, r), ref(c2, r)) }
	if err := put(cellOf(b.center, b.t(claimTitle))); err != nil {
		return err
	}
	period := b.t(calc.Text{Ru: "за период с ", En: "for the period from "}) + dateText(p.From, b.lang) +
		b.t(calc.Text{Ru: " по ", En: " to "}) + dateText(p.To-1, b.lang)
	if err := put(cellOf(b.title2, period)); err != nil {
		return err
	}
	for r := 1; r <= 2; r++ {
		if err := merge(r, 1, clColumns); err != nil {
			return err
		}
	}
	row++ // blank
	// Header pairs: label B:D, value E:H; label I:K, value L:O.
	firstRate := p.Rows[0].LoanRate
	pair := func(l1 calc.Text, v1 excelize.Cell, l2 calc.Text, v2 excelize.Cell) error {
		vals := make([]any, clColumns)
		for k := range vals {
			vals[k] = nil
		}
		vals[1] = cellOf(b.label, b.t(l1))
		vals[4] = v1
		vals[8] = cellOf(b.label, b.t(l2))
		vals[11] = v2
		r := row
		if err := put(vals...); err != nil {
			return err
		}
		for _, m := range [][2]int{{2, 4}, {5, 8}, {9, 11}, {12, 15}} {
			if err := merge(r, m[0], m[1]); err != nil {
				return err
			}
		}
		return nil
	}
	txt := func(s string) excelize.Cell { return cellOf(b.value, safeText(s)) }
	amountStyle, _ := b.f.NewStyle(&excelize.Style{NumFmt: numFmtMoney, Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "left"}})
	loanAmt := decimalMoney(req.Loan.Amount)
	rows := [][4]any{
		{calc.Text{Ru: "Заёмщик", En: "Borrower"}, txt(req.Borrower.Name), calc.Text{Ru: "ИНН заёмщика", En: "Taxpayer number"}, txt(req.Borrower.TaxID)},
		{calc.Text{Ru: "Банк", En: "Bank"}, txt(req.Bank.Name), calc.Text{Ru: "БИК банка", En: "Bank code"}, txt(req.Bank.Code)},
		{calc.Text{Ru: "Кредитный договор №", En: "Loan contract No."}, txt(req.Contract.Number), calc.Text{Ru: "Дата договора", En: "Contract date"}, b.dateCell(req.Contract.Date)},
		{calc.Text{Ru: "Дата выдачи кредита", En: "Issue date"}, b.dateCell(&b.res.IssueDate), calc.Text{Ru: "Дата погашения", En: "Maturity"}, b.dateCell(&b.res.Maturity)},
		{calc.Text{Ru: "Сумма кредита, " + b.res.Currency, En: "Loan amount, " + b.res.Currency}, cellOf(amountStyle, loanAmt), calc.Text{Ru: "Ставка по кредиту, %", En: "Loan rate, %"}, txt(rateList(p, func(r *calc.ClaimRow) *decimal.Decimal { return &r.LoanRate }, firstRate, b.lang))},
		{calc.Text{Ru: "Ставка ЦБ, %", En: "Policy rate, %"}, txt(rateList(p, func(r *calc.ClaimRow) *decimal.Decimal { return r.BaseRate }, decimal.Zero, b.lang)), calc.Text{Ru: "Программа", En: "Programme"}, txt(b.res.Programme.Name)},
		{calc.Text{Ru: "База начисления", En: "Day count"}, txt(b.res.DayCount), calc.Text{Ru: "Валюта", En: "Currency"}, txt(b.res.Currency)},
	}
	for _, r := range rows {
		if err := pair(r[0].(calc.Text), r[1].(excelize.Cell), r[2].(calc.Text), r[3].(excelize.Cell)); err != nil {
			return err
		}
	}
	row = claimTableRow
	hdr := make([]any, clColumns)
	for c, h := range claimHeader {
		s := b.t(h)
		if c+1 == clBalance || c+1 == clOverdue || c+1 == clSubsidised || c+1 == clAmountRule || c+1 == clAmountLimit || c+1 == clAmount {
			s += ", " + b.res.Currency
		}
		hdr[c] = cellOf(b.st.header, s)
	}
	if err := sw.SetRow(ref(1, row), hdr, excelize.RowOpts{Height: 80}); err != nil {
		return err
	}
	row++
	first := row
	for k := range p.Rows {
		r := &p.Rows[k]
		n := strconv.Itoa(row)
		vals := []any{
			cellOf(b.st.integer, k+1),
			cellOf(b.st.date, serial(r.From)),
			cellOf(b.st.date, serial(r.To-1)),
			cellOf(b.st.integer, r.Days),
			cellOf(b.st.integer, r.YearDays),
			cellOf(b.st.money, money(r.Balance)),
			cellOf(b.st.money, money(r.Overdue)),
			formula(b.st.money, "MAX(0,F"+n+"-G"+n+")", money(r.SubsidisedBalance)),
			b.rateCell(r.BaseRate),
			b.rateCell(&r.RuleRate),
			formula(b.st.money, "ROUND(H"+n+"*D"+n+"*J"+n+"/E"+n+"/100,2)", money(r.AmountRule)),
			b.rateCell(&r.LoanRate),
			b.rateCell(&r.LimitRate),
			formula(b.st.money, "ROUND(H"+n+"*D"+n+"*M"+n+"/E"+n+"/100,2)", money(r.AmountLimit)),
			formula(b.st.money, "MIN(K"+n+",N"+n+")", money(r.Amount)),
		}
		if err := sw.SetRow(ref(1, row), vals); err != nil {
			return err
		}
		row++
	}
	last := row - 1
	sum := func(c int) string { return "SUM(" + ref(c, first) + ":" + ref(c, last) + ")" }
	var days int
	var ar, al calc.Money
	for _, r := range p.Rows {
		days += r.Days
		ar += r.AmountRule
		al += r.AmountLimit
	}
	total := make([]any, clColumns)
	total[0] = cellOf(b.st.header, b.t(calc.Text{Ru: "Итого", En: "Total"}))
	for c := 2; c <= clColumns; c++ {
		total[c-1] = cellOf(b.st.moneyBold, "")
	}
	total[clDays-1] = formula(b.st.integerBold, sum(clDays), days)
	total[clAmountRule-1] = formula(b.st.moneyBold, sum(clAmountRule), money(ar))
	total[clAmountLimit-1] = formula(b.st.moneyBold, sum(clAmountLimit), money(al))
	total[clAmount-1] = formula(b.st.moneyBold, sum(clAmount), money(p.Claimed))
	totalRow := row
	if err := sw.SetRow(ref(1, row), total); err != nil {
		return err
	}
	if err := merge(row, 1, 3); err != nil {
		return err
	}
	row += 2

	// The period's figures below the table: label J:N, value O.
	line := func(label calc.Text, v excelize.Cell) (string, error) {
		vals := make([]any, clColumns)
		vals[clRule-1] = cellOf(b.label, b.t(label))
		vals[clAmount-1] = v
		r := row
		if err := put(vals...); err != nil {
			return "", err
		}
		return ref(clAmount, r), merge(r, clRule, clAmountLimit)
	}
	mb := b.st.moneyBold
	claimed, err := line(calc.Text{Ru: "Заявлено за период", En: "Claimed for the period"}, formula(mb, ref(clAmount, totalRow), money(p.Claimed)))
	if err != nil {
		return err
	}
	payF := claimed
	if p.CapLeft != nil {
		before := *p.CapLeft + p.Payable
		if !b.res.Eligible {
			before = *p.CapLeft
		}
		capCell, err := line(calc.Text{Ru: "Остаток годового лимита на начало периода", En: "Annual cap left before the period"}, cellOf(mb, money(before)))
		if err != nil {
			return err
		}
		payF = "MIN(" + claimed + "," + capCell + ")"
	}
	if !b.res.Eligible {
		payF = "0"
	}
	payable, err := line(calc.Text{Ru: "К выплате", En: "Payable"}, formula(mb, payF, money(p.Payable)))
	if err != nil {
		return err
	}
	b.payableCell[i] = quote(name) + "!" + payable
	planned, err := line(calc.Text{Ru: "По плану (график кредита)", En: "Planned (the loan's schedule)"}, cellOf(mb, money(p.Planned)))
	if err != nil {
		return err
	}
	if _, err := line(calc.Text{Ru: "Отклонение от плана", En: "Difference from the plan"}, formula(mb, payable+"-"+planned, money(p.Difference))); err != nil {
		return err
	}
	if len(p.Causes) > 0 {
		if _, err := line(calc.Text{Ru: "Причины отклонения", En: "Causes"}, cellOf(b.value, b.causes(p.Causes))); err != nil {
			return err
		}
	}
	if !b.res.Eligible {
		row++
		if err := put(cellOf(b.st.bad, b.t(calc.Text{Ru: "Кредит не соответствует условиям программы: субсидия не выплачивается.", En: "The loan does not meet the programme's conditions: no subsidy is paid."}))); err != nil {
			return err
		}
	}
	row++
	for _, s := range []calc.Text{
		{Ru: "Руководитель организации-заёмщика  ______________  /  ______________________  /", En: "Head of the borrower  ______________  /  ______________________  /"},
		{Ru: "Главный бухгалтер  ______________  /  ______________________  /", En: "Chief accountant  ______________  /  ______________________  /"},
		{Ru: "М.П.          «____» ______________ 20___ г.", En: "Seal          date  ____ / ____ / ________"},
		{Ru: "Расчёт подтверждён банком:  ______________  /  ______________________  /", En: "Confirmed by the bank:  ______________  /  ______________________  /"},
	} {
		r := row
		if err := sw.SetRow(ref(1, row), []any{cellOf(b.sign, b.t(s))}, excelize.RowOpts{Height: 24}); err != nil {
			return err
		}
		row++
		if err := merge(r, 1, clColumns); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func (b *claimBook) causes(cs []string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = b.t(causeText[c])
	}
	return strings.Join(parts, ", ")
}

// writeSummary lists the periods, their payable claims (formulas
// referring to each period's sheet), the plan and the totals.
func (b *claimBook) writeSummary(name string) error {
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := []float64{6, 12, 12, 18, 18, 18, 18, 30}
	for c, wd := range widths {
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return err
		}
	}
	row := 1
	put := func(vals ...any) error { err := sw.SetRow(ref(1, row), vals); row++; return err }
	if err := put(cellOf(b.st.title, b.t(claimTitle)+": "+safeText(b.req.Borrower.Name))); err != nil {
		return err
	}
	elig := b.t(calc.Text{Ru: "кредит соответствует условиям программы", En: "the loan meets the programme's conditions"})
	if !b.res.Eligible {
		elig = b.t(calc.Text{Ru: "кредит НЕ соответствует условиям программы: к выплате 0", En: "the loan does NOT meet the programme's conditions: nothing is payable"})
	}
	if err := put(cellOf(b.label, elig)); err != nil {
		return err
	}
	row++
	cur := ", " + b.res.Currency
	hdr := []any{}
	for _, h := range []calc.Text{{Ru: "№", En: "No."}, {Ru: "С", En: "From"}, {Ru: "По", En: "To"}, {Ru: "Заявлено" + cur, En: "Claimed" + cur}, {Ru: "К выплате" + cur, En: "Payable" + cur},
		{Ru: "По плану" + cur, En: "Planned" + cur}, {Ru: "Отклонение" + cur, En: "Difference" + cur}, {Ru: "Причины", En: "Causes"}} {
		hdr = append(hdr, cellOf(b.st.header, b.t(h)))
	}
	if err := sw.SetRow(ref(1, row), hdr, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	row++
	first := row
	for i, p := range b.res.Periods {
		n := strconv.Itoa(row)
		if err := put(cellOf(b.st.integer, i+1), cellOf(b.st.date, serial(p.From)), cellOf(b.st.date, serial(p.To-1)),
			cellOf(b.st.money, money(p.Claimed)),
			formula(b.st.money, b.payableCell[i], money(p.Payable)),
			cellOf(b.st.money, money(p.Planned)),
			formula(b.st.money, "E"+n+"-F"+n, money(p.Difference)),
			cellOf(b.st.wrap, b.causes(p.Causes))); err != nil {
			return err
		}
	}
	last := row - 1
	sum := func(c string) string { return "SUM(" + c + strconv.Itoa(first) + ":" + c + strconv.Itoa(last) + ")" }
	t := b.res.Totals
	if err := put(cellOf(b.st.header, b.t(calc.Text{Ru: "Итого", En: "Total"})), cellOf(b.st.moneyBold, ""), cellOf(b.st.moneyBold, ""),
		formula(b.st.moneyBold, sum("D"), money(t.Claimed)), formula(b.st.moneyBold, sum("E"), money(t.Payable)),
		formula(b.st.moneyBold, sum("F"), money(t.Planned)), formula(b.st.moneyBold, sum("G"), money(t.Difference))); err != nil {
		return err
	}
	row++
	if err := put(cellOf(b.label, b.t(calc.Text{Ru: "Проверки:", En: "Checks:"}))); err != nil {
		return err
	}
	for _, ch := range b.res.Checks {
		st := b.st.good
		if !ch.OK && ch.Kind == calc.KindEligibility {
			st = b.st.bad
		} else if !ch.OK {
			st = b.st.muted
		}
		if err := put(cellOf(st, safeText(ch.Message()))); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// rateList writes the distinct rates of a period's rows, in order, with
// the Russian decimal comma in Russian: "21; 20".
func rateList(p *calc.ClaimPeriod, get func(*calc.ClaimRow) *decimal.Decimal, _ decimal.Decimal, lang string) string {
	var out []string
	for k := range p.Rows {
		d := get(&p.Rows[k])
		if d == nil {
			continue
		}
		s := d.String()
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, "; ")
}

// dateText is dd.mm.yyyy in Russian, ISO in English.
func dateText(d calc.Date, lang string) string {
	if lang == "en" {
		return d.String()
	}
	y, m, dd := d.Civil()
	return pad2(dd) + "." + pad2(int(m)) + "." + strconv.Itoa(y)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// decimalMoney is an amount in currency units for a cell.
func decimalMoney(d decimal.Decimal) float64 {
	f, _ := d.Float64()
	return f
}

// claimCSVHeader are the columns of the claim CSV.
var claimCSVHeader = []calc.Text{
	{Ru: "Период с", En: "Period from"}, {Ru: "Период по", En: "Period to"},
	{Ru: "С", En: "From"}, {Ru: "По", En: "To"}, {Ru: "Дней", En: "Days"}, {Ru: "Дней в году", En: "Days in year"},
	{Ru: "Остаток", En: "Balance"}, {Ru: "Просрочено", En: "Overdue"}, {Ru: "Остаток для субсидии", En: "Subsidised balance"},
	{Ru: "Ставка ЦБ, %", En: "Policy rate, %"}, {Ru: "Ставка по правилу, %", En: "Rule rate, %"}, {Ru: "Сумма по правилу", En: "Amount by the rule"},
	{Ru: "Ставка по кредиту, %", En: "Loan rate, %"}, {Ru: "Предельная ставка, %", En: "Limit rate, %"}, {Ru: "Сумма по предельной ставке", En: "Amount at the limit"},
	{Ru: "Субсидия", En: "Subsidy"}, {Ru: "Валюта", En: "Currency"},
}

// WriteClaimCSV writes the rows of every period of res as CSV in the
// service's CSV dialect of lang (see [WriteScheduleCSV]: Russian with ";"
// and decimal commas, dd.mm.yyyy; English with "," and points, ISO dates;
// UTF-8 with a byte order mark; every cell through [CSVText]). "To"
// columns give the last day, as the printed form does.
func WriteClaimCSV(w io.Writer, res *calc.ClaimResult, lang string) error {
	d := dialectOf(lang)
	cw, err := newCSVWriter(w, d)
	if err != nil {
		return err
	}
	header := make([]string, len(claimCSVHeader))
	for i, h := range claimCSVHeader {
		header[i] = h.In(d.lang)
	}
	if err := cw.write(header); err != nil {
		return err
	}
	rate := func(x *decimal.Decimal) string {
		if x == nil {
			return ""
		}
		return d.number(x.String())
	}
	m := func(x calc.Money) string { return d.number(x.String()) }
	for _, p := range res.Periods {
		for k := range p.Rows {
			r := &p.Rows[k]
			if err := cw.write([]string{d.date(p.From), d.date(p.To - 1), d.date(r.From), d.date(r.To - 1),
				strconv.Itoa(r.Days), strconv.Itoa(r.YearDays), m(r.Balance), m(r.Overdue), m(r.SubsidisedBalance),
				rate(r.BaseRate), rate(&r.RuleRate), m(r.AmountRule), rate(&r.LoanRate), rate(&r.LimitRate),
				m(r.AmountLimit), m(r.Amount), res.Currency}); err != nil {
				return err
			}
		}
	}
	return cw.flush()
}

// WriteRegister writes the register of claims (SPEC §7) to w in lang: one
// row per loan and totals per currency (SUMIF formulas whose cached values
// are the engine's), A4 landscape with the header repeated.
func WriteRegister(w io.Writer, reg *calc.RegisterResult, lang string) error {
	if reg == nil {
		return errors.New("report: WriteRegister needs a register")
	}
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	b := &claimBook{f: f, st: st, lang: lang}
	name := b.t(calc.Text{Ru: "Реестр", En: "Register"})
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	if err := b.pageSetup(name, 3); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	widths := []float64{6, 14, 16, 11, 28, 14, 8, 18, 9, 18, 18, 18, 18, 24}
	for c, wd := range widths {
		if err := sw.SetColWidth(c+1, c+1, wd); err != nil {
			return err
		}
	}
	title := b.t(calc.Text{Ru: "Реестр заявок на субсидию за период с ", En: "Register of subsidy claims for "}) + dateText(reg.Period.From, lang) +
		b.t(calc.Text{Ru: " по ", En: " to "}) + dateText(reg.Period.To-1, lang)
	if err := sw.SetRow("A1", []any{cellOf(st.title, title)}); err != nil {
		return err
	}
	hdr := []any{}
	for _, h := range []calc.Text{{Ru: "№", En: "No."}, {Ru: "Идентификатор", En: "Id"}, {Ru: "Договор №", En: "Contract"}, {Ru: "Дата договора", En: "Contract date"},
		{Ru: "Заёмщик", En: "Borrower"}, {Ru: "ИНН", En: "Taxpayer number"}, {Ru: "Валюта", En: "Currency"}, {Ru: "Сумма кредита", En: "Loan amount"},
		{Ru: "Условия выполнены", En: "Eligible"}, {Ru: "Заявлено за период", En: "Claimed this period"}, {Ru: "Заявлено с 1 января " + strconv.Itoa(reg.Year), En: "Claimed since 1 January " + strconv.Itoa(reg.Year)},
		{Ru: "Остаток годового лимита", En: "Cap left this year"}, {Ru: "По плану за период", En: "Planned this period"}, {Ru: "Не выполнены условия", En: "Conditions not met"}} {
		hdr = append(hdr, cellOf(st.header, b.t(h)))
	}
	if err := sw.SetRow("A3", hdr, excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	row := 4
	for i, r := range reg.Rows {
		capLeft := any(cellOf(st.money, ""))
		if r.CapLeft != nil {
			capLeft = cellOf(st.money, money(*r.CapLeft))
		}
		var cd any = cellOf(st.text, "")
		if r.ContractDate != nil {
			cd = cellOf(st.date, serial(*r.ContractDate))
		}
		if err := sw.SetRow(ref(1, row), []any{cellOf(st.integer, i+1), cellOf(st.text, safeText(r.ID)), cellOf(st.text, safeText(r.Contract)), cd,
			cellOf(st.wrap, safeText(r.Borrower)), cellOf(st.text, safeText(r.BorrowerTaxID)), cellOf(st.text, r.Currency),
			cellOf(st.money, money(r.LoanAmount)), cellOf(st.text, yesNo(r.Eligible, lang)), cellOf(st.money, money(r.Claimed)),
			cellOf(st.money, money(r.ClaimedYear)), capLeft, cellOf(st.money, money(r.Planned)), cellOf(st.text, strings.Join(r.Failed, ", "))}); err != nil {
			return err
		}
		row++
	}
	last := row - 1
	row++
	for _, t := range reg.Totals {
		sumif := func(c int) string {
			return "SUMIF(" + absRange(name, 7, 4, max(last, 4)) + ",\"" + t.Currency + "\"," + absRange(name, c, 4, max(last, 4)) + ")"
		}
		if err := sw.SetRow(ref(1, row), []any{cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"})), nil, nil, nil,
			cellOf(st.bold, strconv.Itoa(t.Loans)+b.t(calc.Text{Ru: " кредитов", En: " loans"})), nil, cellOf(st.bold, t.Currency),
			formula(st.moneyBold, sumif(8), money(t.LoanAmount)), nil,
			formula(st.moneyBold, sumif(10), money(t.Claimed)), formula(st.moneyBold, sumif(11), money(t.ClaimedYear)), nil,
			formula(st.moneyBold, sumif(13), money(t.Planned))}); err != nil {
			return err
		}
		row++
	}
	row++
	if err := sw.SetRow(ref(1, row), []any{cellOf(st.text, b.t(calc.Text{Ru: "Кредитов, соответствующих условиям: ", En: "Eligible loans: "})+strconv.Itoa(reg.Eligible)+
		b.t(calc.Text{Ru: "; не соответствующих: ", En: "; ineligible: "})+strconv.Itoa(reg.Ineligible))}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return writeWorkbook(f, w, flate.DefaultCompression)
}
