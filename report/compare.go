package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/xuri/excelize/v2"
)

// Texts of the comparison workbook.
var (
	tCmpSheet     = calc.Text{Ru: "Сравнение", En: "Comparison"}
	tCmpTitle     = calc.Text{Ru: "Сравнение программ субсидирования", En: "Comparing subsidy programmes"}
	tCmpLoan      = calc.Text{Ru: "Кредит", En: "Loan"}
	tCmpInterest  = calc.Text{Ru: "Проценты за весь срок", En: "Interest over the term"}
	tCmpRateNo    = calc.Text{Ru: "Эффективная ставка без субсидии", En: "Effective rate without subsidy"}
	tCmpProg      = calc.Text{Ru: "Программа", En: "Programme"}
	tCmpEligible  = calc.Text{Ru: "Доступна", En: "Eligible"}
	tCmpWhyNot    = calc.Text{Ru: "Почему нет", En: "Why not"}
	tCmpPayable   = calc.Text{Ru: "Субсидия к выплате", En: "Subsidy payable"}
	tCmpPV        = calc.Text{Ru: "Приведённая стоимость", En: "Present value"}
	tCmpRateWith  = calc.Text{Ru: "Эффективная ставка с субсидией", En: "Effective rate with subsidy"}
	tCmpGrant     = calc.Text{Ru: "Грант-элемент", En: "Grant element"}
	tCmpRule      = calc.Text{Ru: "Правило", En: "Rule"}
	tCmpSource    = calc.Text{Ru: "Источник", En: "Source"}
	tCmpConf      = calc.Text{Ru: "Надёжность", En: "Confidence"}
	tCmpByYear    = calc.Text{Ru: "Субсидия к выплате по годам", En: "Subsidy payable by year"}
	tCmpYear      = calc.Text{Ru: "Год", En: "Year"}
	tCmpTotal     = calc.Text{Ru: "Итого", En: "Total"}
	tCmpN         = calc.Text{Ru: "№", En: "No."}
	tCmpDate      = calc.Text{Ru: "Дата платежа", En: "Payment date"}
	tCmpOpening   = calc.Text{Ru: "Остаток на начало", En: "Opening balance"}
	tCmpInt       = calc.Text{Ru: "Проценты", En: "Interest"}
	tCmpBorrower  = calc.Text{Ru: "Проценты заёмщика", En: "Borrower interest"}
	tCmpRank      = calc.Text{Ru: "Место", En: "Rank"}
	tCmpSortNote  = calc.Text{Ru: "Программы упорядочены по приведённой стоимости субсидии к выплате.", En: "Programmes are sorted by the present value of the subsidy payable."}
	tCmpPageFoot  = calc.Text{Ru: "&CСтраница &P из &N", En: "&CPage &P of &N"}
	tCmpIneligNot = calc.Text{Ru: "программа недоступна: к выплате 0", En: "not eligible: nothing payable"}
)

// WriteComparison writes the workbook of a comparison (SPEC §9): a
// comparison sheet (the loan once, the programmes best first, the payable
// subsidy by year) and a sheet per programme with its payable subsidy per
// period. Totals are live formulas. Every sheet prints on A4, one page
// wide, with its header row repeated and page numbers. lang is "ru" or
// "en".
func WriteComparison(w io.Writer, req *calc.Request, cmp *calc.Comparison, lang string) error {
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	main := tCmpSheet.In(lang)
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	cur := cmp.Currency
	set := func(sheet string, c, r int, v any, style int) {
		cell := ref(c, r)
		f.SetCellValue(sheet, cell, v)
		if style != 0 {
			f.SetCellStyle(sheet, cell, cell, style)
		}
	}
	// setF writes a live formula with its value cached (value first:
	// writing a value clears a cell's formula).
	setF := func(sheet string, c, r int, formula string, v any, style int) {
		set(sheet, c, r, v, style)
		f.SetCellFormula(sheet, ref(c, r), formula)
	}
	set(main, 1, 1, tCmpTitle.In(lang), st.title)
	amount, _ := calc.MoneyFromDecimal(req.Loan.Amount)
	rate := ""
	if req.Loan.Rate != nil {
		rate = req.Loan.Rate.String() + " %"
	}
	loan := safeText(strings.TrimSpace(req.Project.Name))
	if loan != "" {
		loan += " · "
	}
	loan += amount.String() + " " + cur + " · " + rate + " · " + strconv.Itoa(req.Loan.TermMonths) + calc.Text{Ru: " мес.", En: " months"}.In(lang) + " · " + req.Loan.IssueDate.String()
	set(main, 1, 2, tCmpLoan.In(lang), st.bold)
	set(main, 2, 2, loan, 0)
	set(main, 1, 3, tCmpInterest.In(lang)+", "+cur, st.bold)
	set(main, 2, 3, money(cmp.Interest), st.money)
	set(main, 1, 4, tCmpRateNo.In(lang), st.bold)
	set(main, 2, 4, fraction(cmp.EffectiveRateWithoutSubsidy), st.percent)
	set(main, 1, 5, tCmpSortNote.In(lang), st.muted)

	const hdr = 7
	heads := []string{tCmpRank.In(lang), tCmpProg.In(lang), tCmpEligible.In(lang), tCmpWhyNot.In(lang),
		tCmpPayable.In(lang) + ", " + cur, tCmpPV.In(lang) + ", " + cur, tCmpRateWith.In(lang), tCmpGrant.In(lang),
		tCmpRule.In(lang), tCmpSource.In(lang), tCmpConf.In(lang)}
	widths := []float64{8, 34, 10, 36, 18, 18, 14, 12, 36, 48, 11}
	for i, h := range heads {
		set(main, i+1, hdr, h, st.header)
	}
	f.SetRowHeight(main, hdr, 30)
	for i, p := range cmp.Programmes {
		r := hdr + 1 + i
		var why []string
		for _, c := range p.FailedChecks {
			why = append(why, c.Message)
		}
		set(main, 1, r, i+1, st.integer)
		set(main, 2, r, safeText(p.Name)+" ("+p.ID+")", st.wrap)
		set(main, 3, r, yesNo(p.Eligible, lang), 0)
		set(main, 4, r, safeText(strings.Join(why, "; ")), st.wrap)
		// The total payable is the sum of the programme's sheet.
		sheet := programmeSheet(p.ID)
		setF(main, 5, r, quote(sheet)+"!"+ref(5, len(cmp.Schedule)+4), money(p.SubsidyPayable), st.money)
		set(main, 6, r, money(p.SubsidyPresentValue), st.money)
		set(main, 7, r, fraction(p.EffectiveRateWithSubsidy), st.percent)
		set(main, 8, r, fraction(p.GrantElement), st.percent)
		set(main, 9, r, safeText(strings.Join(calc.RuleText(p.Rule, lang), "; ")), st.wrap)
		set(main, 10, r, safeText(p.Source), st.wrap)
		set(main, 11, r, p.Confidence, 0)
		// Wrapped cells need their height: lines of the longest one.
		lines := 1
		for c, s := range map[int]string{2: p.Name, 4: strings.Join(why, "; "), 9: strings.Join(calc.RuleText(p.Rule, lang), "; "), 10: p.Source} {
			lines = max(lines, (len([]rune(s))+int(widths[c-1])-1)/int(widths[c-1]-2))
		}
		f.SetRowHeight(main, r, float64(min(lines, 20))*13+2)
	}
	for i, wd := range widths {
		f.SetColWidth(main, col(i+1), col(i+1), wd)
	}
	if err := comparePrint(f, main, hdr, true, lang); err != nil {
		return err
	}

	// Payable by year: a row per year, a column per programme.
	bySheet := tCmpByYear.In(lang)
	if _, err := f.NewSheet(bySheet); err != nil {
		return err
	}
	set(bySheet, 1, 1, tCmpByYear.In(lang)+", "+cur, st.title)
	const yr0 = 2
	set(bySheet, 1, yr0, tCmpYear.In(lang), st.header)
	var years []calc.YearPayable
	if len(cmp.Programmes) > 0 {
		years = cmp.Programmes[0].Years
	}
	for j, p := range cmp.Programmes {
		set(bySheet, j+2, yr0, p.ID, st.header)
		for i, y := range p.Years {
			set(bySheet, j+2, yr0+1+i, money(y.SubsidyPayable), st.money)
		}
		last := yr0 + len(years)
		setF(bySheet, j+2, last+1, "SUM("+ref(j+2, yr0+1)+":"+ref(j+2, last)+")", money(p.SubsidyPayable), st.moneyBold)
		f.SetColWidth(bySheet, col(j+2), col(j+2), 18)
	}
	for i, y := range years {
		set(bySheet, 1, yr0+1+i, y.Year, 0)
	}
	set(bySheet, 1, yr0+1+len(years), tCmpTotal.In(lang), st.bold)
	if err := comparePrint(f, bySheet, yr0, true, lang); err != nil {
		return err
	}

	// A sheet per programme.
	for _, p := range cmp.Programmes {
		sheet := programmeSheet(p.ID)
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		set(sheet, 1, 1, safeText(p.Name), st.title)
		note := safeText(strings.Join(calc.RuleText(p.Rule, lang), "; "))
		if !p.Eligible {
			note = tCmpIneligNot.In(lang) + " — " + note
		}
		set(sheet, 1, 2, note, st.muted)
		heads := []string{tCmpN.In(lang), tCmpDate.In(lang), tCmpOpening.In(lang) + ", " + cur, tCmpInt.In(lang) + ", " + cur,
			tCmpPayable.In(lang) + ", " + cur, tCmpBorrower.In(lang) + ", " + cur}
		for i, h := range heads {
			set(sheet, i+1, 3, h, st.header)
		}
		f.SetRowHeight(sheet, 3, 30)
		for i, per := range cmp.Schedule {
			r := 4 + i
			set(sheet, 1, r, per.N, st.integer)
			set(sheet, 2, r, serial(per.End), st.date)
			set(sheet, 3, r, money(per.OpeningBalance+per.Drawdown), st.money)
			set(sheet, 4, r, money(per.Interest), st.money)
			set(sheet, 5, r, money(p.Payable[i]), st.money)
			setF(sheet, 6, r, ref(4, r)+"-"+ref(5, r), money(per.Interest-p.Payable[i]), st.money)
		}
		tr := 4 + len(cmp.Schedule)
		set(sheet, 1, tr, tCmpTotal.In(lang), st.bold)
		for c, v := range map[int]calc.Money{4: cmp.Interest, 5: p.SubsidyPayable, 6: cmp.Interest - p.SubsidyPayable} {
			setF(sheet, c, tr, "SUM("+ref(c, 4)+":"+ref(c, tr-1)+")", money(v), st.moneyBold)
		}
		for i, wd := range []float64{6, 14, 20, 18, 18, 18} {
			f.SetColWidth(sheet, col(i+1), col(i+1), wd)
		}
		if err := comparePrint(f, sheet, 3, false, lang); err != nil {
			return err
		}
	}
	return writeWorkbook(f, w, 6)
}

// programmeSheet is the sheet name of a programme (ids are short and
// hold no character a sheet name forbids).
func programmeSheet(id string) string {
	if len(id) > 31 {
		return id[:31]
	}
	return id
}

// comparePrint sets A4, one page wide, the header row repeated on every
// page and page numbers in the footer.
func comparePrint(f *excelize.File, sheet string, headerRow int, landscape bool, lang string) error {
	orient := "portrait"
	if landscape {
		orient = "landscape"
	}
	size, wide, long, fit := 9, 1, 0, true // 9: A4
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orient, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: tCmpPageFoot.In(lang)}); err != nil {
		return err
	}
	r := strconv.Itoa(headerRow)
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quote(sheet) + "!$" + r + ":$" + r, Scope: sheet})
}
