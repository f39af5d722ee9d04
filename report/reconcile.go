package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/xuri/excelize/v2"
)

// Texts of the reconciliation workbook.
var (
	recSheetSummary = calc.Text{Ru: "Сверка", En: "Reconciliation"}
	recSheetDiff    = calc.Text{Ru: "Расхождения", En: "Differences"}
	recSheetAlt     = calc.Text{Ru: "Варианты", En: "Alternatives"}
	recSheetOurs    = calc.Text{Ru: "Наш график", En: "Our schedule"}
)

// ConventionText returns a convention's value in lang ("daily" →
// "остаток каждого дня").
func ConventionText(field, value, lang string) string {
	t, ok := conventionTexts[field+"."+value]
	if !ok {
		return value
	}
	return t.In(Lang(lang))
}

var conventionTexts = map[string]calc.Text{
	"accrual_balance.daily":    {Ru: "остаток каждого дня", En: "balance of each day"},
	"accrual_balance.opening":  {Ru: "остаток на начало периода", En: "opening balance of the period"},
	"rounding.period":          {Ru: "за период", En: "per period"},
	"rounding.row":             {Ru: "по строкам (отрезкам)", En: "per row (piece)"},
	"base_fixing.daily":        {Ru: "на каждый день", En: "each day"},
	"base_fixing.period_start": {Ru: "на начало периода", En: "at the period's start"},
	"base_fixing.payment_date": {Ru: "на дату платежа", En: "on the payment date"},
}

// CauseText returns the likely cause of a difference in lang.
func CauseText(cause, lang string) string {
	if t, ok := causeTexts[cause]; ok {
		return t.In(Lang(lang))
	}
	return cause
}

var causeTexts = map[string]calc.Text{
	"missing_row":     {Ru: "у банка нет этого платежа", En: "the bank has no such payment"},
	"extra_row":       {Ru: "у нас нет платежа в эту дату", En: "we have no payment on this date"},
	"balance":         {Ru: "другой остаток долга", En: "another balance"},
	"day_count":       {Ru: "другой базис начисления", En: "another day count"},
	"accrual_balance": {Ru: "начисление на остаток на начало периода", En: "accrual on another balance"},
	"rounding":        {Ru: "другое округление", En: "another rounding"},
	"base_fixing":     {Ru: "ключевая ставка на другую дату", En: "policy rate fixed on another day"},
	"rate_change":     {Ru: "смена ставки внутри периода", En: "a rate change inside the period"},
	"drawdown":        {Ru: "выдача внутри периода", En: "a drawdown inside the period"},
	"cap":             {Ru: "годовой лимит субсидии", En: "the annual cap"},
	"ineligible":      {Ru: "кредит не соответствует условиям программы: субсидия не выплачивается", En: "the loan is ineligible: no subsidy is paid"},
	"unexplained":     {Ru: "причина не определена", En: "cause not found"},
}

// FieldText returns a compared column's name in lang.
func FieldText(field, lang string) string {
	if field == "row" {
		return calc.Text{Ru: "строка", En: "row"}.In(Lang(lang))
	}
	for _, c := range bankColumns {
		if c.key == field {
			return c.label.In(Lang(lang))
		}
	}
	return field
}

// WriteReconciliation writes the result of calc.Reconcile as a workbook
// in lang: the summary with the conventions found and every difference,
// the other combinations tried, and our schedule under the conventions
// found. Each sheet prints on A4, one page wide, with its header row
// repeated on every page and page numbers in the footer.
func WriteReconciliation(w io.Writer, rec *calc.Reconciliation, lang string) error {
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	summary := recSheetSummary.In(lang)
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	set := func(sheet string, row int, vals ...any) error {
		return f.SetSheetRow(sheet, "A"+strconv.Itoa(row), &vals)
	}
	conv := func(c calc.Conventions) []any {
		return []any{c.DayCount, ConventionText("accrual_balance", c.AccrualBalance, lang),
			ConventionText("rounding", c.Rounding, lang), ConventionText("base_fixing", c.BaseFixing, lang)}
	}

	// Summary: what was found, against the loan's own conventions.
	if err := set(summary, 1, calc.Text{Ru: "Сверка графика банка", En: "Checking a bank's schedule"}.In(lang)); err != nil {
		return err
	}
	_ = f.SetCellStyle(summary, "A1", "A1", st.title)
	if err := set(summary, 3, "", calc.Text{Ru: "Найдено", En: "Found"}.In(lang), calc.Text{Ru: "Условия кредита", En: "The loan's own"}.In(lang)); err != nil {
		return err
	}
	_ = f.SetCellStyle(summary, "A3", "C3", st.header)
	found, own := conv(rec.Conventions), conv(rec.Own)
	labels := []string{calc.Text{Ru: "Базис начисления", En: "Day count"}.In(lang), calc.Text{Ru: "Остаток для начисления", En: "Accrual balance"}.In(lang), calc.Text{Ru: "Округление", En: "Rounding"}.In(lang), calc.Text{Ru: "Ключевая ставка", En: "Policy rate"}.In(lang)}
	for i, l := range labels {
		if err := set(summary, 4+i, l, found[i], own[i]); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(summary, "B4", "B7", st.bold)
	row := 9
	facts := []struct {
		label string
		value any
		style int
	}{
		{calc.Text{Ru: "Строк у банка", En: "Bank rows"}.In(lang), rec.RowsChecked, st.integer},
		{calc.Text{Ru: "Совпали", En: "Matching"}.In(lang), rec.RowsMatching, st.integer},
		{calc.Text{Ru: "Расходятся", En: "Rows off"}.In(lang), rec.RowsOff, st.integer},
		{calc.Text{Ru: "Допуск", En: "Tolerance"}.In(lang) + ", " + rec.Currency, money(rec.Tolerance), st.money},
		{calc.Text{Ru: "Сравнены столбцы", En: "Columns compared"}.In(lang), joinFields(rec.Columns, lang), st.wrap},
	}
	for _, fa := range facts {
		if err := f.SetSheetRow(summary, "A"+strconv.Itoa(row), &[]any{fa.label, fa.value}); err != nil {
			return err
		}
		_ = f.SetCellStyle(summary, ref(2, row), ref(2, row), fa.style)
		row++
	}
	row++
	verdict, vstyle := calc.Text{Ru: "Расхождений нет: каждая строка банка совпала с нашей в пределах допуска.", En: "No differences: every bank row matches ours within the tolerance."}.In(lang), st.good
	if len(rec.Differences) > 0 {
		verdict, vstyle = fmt.Sprintf(calc.Text{Ru: "Расхождений: %d, см. лист «%s».", En: "Differences: %d, see the sheet %q."}.In(lang), len(rec.Differences), recSheetDiff.In(lang)), st.bad
	}
	if err := set(summary, row, verdict); err != nil {
		return err
	}
	_ = f.SetCellStyle(summary, ref(1, row), ref(1, row), vstyle)
	if err := pageSetup(f, summary, []float64{30, 30, 30}, 3, "portrait"); err != nil {
		return err
	}

	// Differences.
	diff := recSheetDiff.In(lang)
	if _, err := f.NewSheet(diff); err != nil {
		return err
	}
	if err := set(diff, 1, calc.Text{Ru: "№ платежа", En: "Payment"}.In(lang), calc.Text{Ru: "Строка банка", En: "Bank row"}.In(lang), calc.Text{Ru: "Дата", En: "Date"}.In(lang), calc.Text{Ru: "Показатель", En: "Field"}.In(lang),
		calc.Text{Ru: "Банк", En: "Bank"}.In(lang), calc.Text{Ru: "Наш расчёт", En: "Ours"}.In(lang), calc.Text{Ru: "Разница", En: "Difference"}.In(lang), calc.Text{Ru: "Вероятная причина", En: "Likely cause"}.In(lang)); err != nil {
		return err
	}
	_ = f.SetCellStyle(diff, "A1", "H1", st.header)
	for i, d := range rec.Differences {
		row := i + 2
		vals := []any{nilIfZero(d.N), nilIfZero(d.BankRow), serial(d.Date), FieldText(d.Field, lang), moneyPtr(d.Bank), moneyPtr(d.Ours), moneyPtr(d.Difference), CauseText(d.Cause, lang)}
		if err := f.SetSheetRow(diff, "A"+strconv.Itoa(row), &vals); err != nil {
			return err
		}
		_ = f.SetCellStyle(diff, ref(3, row), ref(3, row), st.date)
		_ = f.SetCellStyle(diff, ref(5, row), ref(7, row), st.money)
	}
	if err := pageSetup(f, diff, []float64{9, 8, 11, 20, 15, 15, 13, 32}, 1, "landscape"); err != nil {
		return err
	}

	// Alternatives.
	alt := recSheetAlt.In(lang)
	if _, err := f.NewSheet(alt); err != nil {
		return err
	}
	if err := set(alt, 1, calc.Text{Ru: "Базис", En: "Day count"}.In(lang), calc.Text{Ru: "Остаток для начисления", En: "Accrual balance"}.In(lang), calc.Text{Ru: "Округление", En: "Rounding"}.In(lang),
		calc.Text{Ru: "Ключевая ставка", En: "Policy rate"}.In(lang), calc.Text{Ru: "Строк расходится", En: "Rows off"}.In(lang), calc.Text{Ru: "Те же суммы", En: "Same figures"}.In(lang)); err != nil {
		return err
	}
	_ = f.SetCellStyle(alt, "A1", "F1", st.header)
	all := append([]calc.Alternative{{Conventions: rec.Conventions, RowsOff: rec.RowsOff, Equivalent: true}}, rec.Alternatives...)
	for i, a := range all {
		vals := append(conv(a.Conventions), a.RowsOff, yesNo(a.Equivalent, lang))
		if err := f.SetSheetRow(alt, "A"+strconv.Itoa(i+2), &vals); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(alt, "A2", "F2", st.bold)
	if err := pageSetup(f, alt, []float64{12, 30, 22, 24, 14, 12}, 1, "portrait"); err != nil {
		return err
	}

	// Our schedule.
	ours := recSheetOurs.In(lang)
	if _, err := f.NewSheet(ours); err != nil {
		return err
	}
	cols := []any{"№", calc.Text{Ru: "Дата платежа", En: "Payment date"}.In(lang)}
	for _, k := range calc.ReconcileFields {
		cols = append(cols, FieldText(k, lang))
	}
	if err := set(ours, 1, cols...); err != nil {
		return err
	}
	_ = f.SetCellStyle(ours, "A1", "G1", st.header)
	for i, p := range rec.Schedule {
		vals := []any{p.N, serial(p.End), money(p.OpeningBalance), money(p.Principal), money(p.Interest), money(p.SubsidyPayable), money(p.BorrowerInterest)}
		if err := f.SetSheetRow(ours, "A"+strconv.Itoa(i+2), &vals); err != nil {
			return err
		}
	}
	if n := len(rec.Schedule); n > 0 {
		_ = f.SetCellStyle(ours, "B2", ref(2, n+1), st.date)
		_ = f.SetCellStyle(ours, "C2", ref(7, n+1), st.money)
	}
	if err := pageSetup(f, ours, []float64{6, 13, 20, 16, 16, 16, 16}, 1, "portrait"); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return writeWorkbook(f, w, 6)
}

// pageSetup sets column widths and prints the sheet on A4, one page wide,
// with rows 1 to header repeated at the top of every page and "page N of
// M" in the footer.
func pageSetup(f *excelize.File, sheet string, widths []float64, header int, orientation string) error {
	for i, w := range widths {
		if err := f.SetColWidth(sheet, col(i+1), col(i+1), w); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sheet, header, 30); err != nil {
		return err
	}
	a4, wide, long, fit := 9, 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orientation, FitToWidth: &wide, FitToHeight: &long}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&C&P / &N"}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quote(sheet), header, header),
	})
}

func joinFields(fields []string, lang string) string {
	s := ""
	for i, k := range fields {
		if i > 0 {
			s += ", "
		}
		s += FieldText(k, lang)
	}
	if s == "" {
		return calc.Text{Ru: "только даты", En: "dates only"}.In(lang)
	}
	return s
}

func moneyPtr(m *calc.Money) any {
	if m == nil {
		return nil
	}
	return money(*m)
}

func nilIfZero(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
