package report

import (
	"io"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/xuri/excelize/v2"
)

// WriteRegistry writes a programme's registry as a workbook in lang: the
// commitments by year against the envelope (totals as live formulas) and
// the agreements. Amounts are in the envelope's currency for commitments
// and in each loan's currency for agreements.
func WriteRegistry(w io.Writer, programme string, years []storage.CommitmentYear, agreements []storage.Agreement, lang string) error {
	lang = Lang(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	com := calc.Text{Ru: "Обязательства", En: "Commitments"}.In(lang)
	if err := f.SetSheetName("Sheet1", com); err != nil {
		return err
	}
	header := []any{
		calc.Text{Ru: "Год", En: "Year"}.In(lang), calc.Text{Ru: "Валюта", En: "Currency"}.In(lang), calc.Text{Ru: "Лимит бюджета", En: "Envelope"}.In(lang),
		calc.Text{Ru: "Обязательства", En: "Committed"}.In(lang), calc.Text{Ru: "Остаток", En: "Left"}.In(lang),
		calc.Text{Ru: "Заявлено", En: "Claims filed"}.In(lang), calc.Text{Ru: "Выплачено", En: "Claims paid"}.In(lang),
		calc.Text{Ru: "Соглашений", En: "Agreements"}.In(lang), calc.Text{Ru: "Не пересчитано", En: "Not converted"}.In(lang),
	}
	title := calc.Text{Ru: "Реестр соглашений: ", En: "Registry of agreements: "}.In(lang) + programme
	rows := [][]any{{cellOf(st.title, title)}, {}, cellsOf(st.header, header)}
	first := len(rows) + 1
	for i, y := range years {
		r := first + i
		var env, left any = "", ""
		if y.Envelope != nil {
			env = cellOf(st.money, money(*y.Envelope))
			left = formula(st.money, ref(3, r)+"-"+ref(4, r), money(*y.Left))
		}
		rows = append(rows, []any{cellOf(st.integer, y.Year), y.Currency, env, cellOf(st.money, money(y.Committed)), left,
			cellOf(st.money, money(y.ClaimsFiled)), cellOf(st.money, money(y.ClaimsPaid)), cellOf(st.integer, y.Agreements), cellOf(st.integer, y.Unconverted)})
	}
	if len(years) > 0 {
		last := first + len(years) - 1
		sum := func(c int, cached calc.Money) excelize.Cell {
			return formula(st.moneyBold, "SUM("+ref(c, first)+":"+ref(c, last)+")", money(cached))
		}
		var tc, tf, tp calc.Money
		for _, y := range years {
			tc, tf, tp = tc+y.Committed, tf+y.ClaimsFiled, tp+y.ClaimsPaid
		}
		rows = append(rows, []any{cellOf(st.bold, calc.Text{Ru: "Итого", En: "Total"}.In(lang)), "", "", sum(4, tc), "", sum(6, tf), sum(7, tp)})
	}
	if err := writeRows(f, com, rows, []float64{8, 9, 20, 20, 20, 18, 18, 12, 16}); err != nil {
		return err
	}
	if err := f.SetRowHeight(com, 3, 32); err != nil { // two lines of header
		return err
	}
	if err := registryPrint(f, com, "$3:$3", lang); err != nil {
		return err
	}

	ag := calc.Text{Ru: "Соглашения", En: "Agreements"}.In(lang)
	if _, err := f.NewSheet(ag); err != nil {
		return err
	}
	header = []any{
		calc.Text{Ru: "Номер", En: "Number"}.In(lang), calc.Text{Ru: "Дата", En: "Date"}.In(lang), calc.Text{Ru: "Банк", En: "Bank"}.In(lang),
		calc.Text{Ru: "Статус", En: "Status"}.In(lang), calc.Text{Ru: "Условия выполнены", En: "Eligible"}.In(lang),
		calc.Text{Ru: "Субсидия к выплате", En: "Payable subsidy"}.In(lang), calc.Text{Ru: "Валюта", En: "Currency"}.In(lang),
		calc.Text{Ru: "Версия правил", En: "Rules version"}.In(lang), calc.Text{Ru: "Внесено", En: "Stored by"}.In(lang), "id",
	}
	rows = [][]any{cellsOf(st.header, header)}
	dateFmt := calc.Text{Ru: "dd.mm.yyyy", En: "yyyy-mm-dd"}.In(lang)
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	for _, a := range agreements {
		date := any(a.Date)
		if d, err := calc.ParseDate(a.Date); err == nil {
			date = cellOf(dateStyle, serial(d))
		}
		rows = append(rows, []any{safeText(a.Number), date, safeText(a.Bank), statusName(a.Status, lang), yesNo(a.Eligible, lang),
			cellOf(st.money, money(a.SubsidyPayable)), a.Currency, a.RulesVersion, safeText(a.CreatedBy), a.ID})
	}
	if err := writeRows(f, ag, rows, []float64{14, 12, 22, 12, 12, 20, 9, 22, 30, 34}); err != nil {
		return err
	}
	if err := f.SetRowHeight(ag, 1, 32); err != nil {
		return err
	}
	if err := registryPrint(f, ag, "$1:$1", lang); err != nil {
		return err
	}
	return writeWorkbook(f, w, 6)
}

// statusName is an agreement status in lang.
func statusName(s, lang string) string {
	names := map[string]calc.Text{"applied": {Ru: "заявка", En: "applied"}, "approved": {Ru: "одобрено", En: "approved"},
		"rejected": {Ru: "отклонено", En: "rejected"}, "closed": {Ru: "закрыто", En: "closed"}}
	if t, ok := names[s]; ok {
		return t.In(lang)
	}
	return s
}

func cellsOf(style int, vs []any) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = cellOf(style, v)
	}
	return out
}

// writeRows writes rows from A1 and sets the column widths.
func writeRows(f *excelize.File, sheet string, rows [][]any, widths []float64) error {
	for i, r := range rows {
		if len(r) == 0 {
			continue
		}
		for j, v := range r {
			cell := ref(j+1, i+1)
			c, isCell := v.(excelize.Cell)
			if !isCell {
				c = excelize.Cell{Value: v}
			}
			if c.Formula != "" {
				if err := f.SetCellFormula(sheet, cell, c.Formula); err != nil {
					return err
				}
			}
			if c.Value != nil && c.Formula == "" {
				if err := f.SetCellValue(sheet, cell, c.Value); err != nil {
					return err
				}
			}
			if c.StyleID != 0 {
				if err := f.SetCellStyle(sheet, cell, cell, c.StyleID); err != nil {
					return err
				}
			}
		}
	}
	for i, w := range widths {
		if err := f.SetColWidth(sheet, col(i+1), col(i+1), w); err != nil {
			return err
		}
	}
	return nil
}

// registryPrint sets A4 landscape one page wide, the header row repeated
// and a footer with the page number and the generation time.
func registryPrint(f *excelize.File, sheet, titles, lang string) error {
	if err := printSetup(f, sheet); err != nil {
		return err
	}
	a4 := 9
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quote(sheet) + "!" + titles, Scope: sheet}); err != nil {
		return err
	}
	page := calc.Text{Ru: "Стр. &P из &N", En: "Page &P of &N"}.In(lang)
	return f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L" + calc.Text{Ru: "Сформировано ", En: "Generated "}.In(lang) + time.Now().UTC().Format("2006-01-02 15:04") + " UTC&R" + page,
	})
}
