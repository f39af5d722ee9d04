package report

import (
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/xuri/excelize/v2"
)

var (
	tScnSheet = calc.Text{Ru: "Сценарии ставки", En: "Rate scenarios"}
	tScnTitle = calc.Text{Ru: "Субсидия к выплате по годам при сценариях ключевой ставки", En: "Subsidy payable by year under policy-rate scenarios"}
	tScnOwn   = calc.Text{Ru: "По данным ставок", En: "The record"}
	tScnSens  = calc.Text{Ru: "Чувствительность: +1 п.п. ставки ЦБ на всём сроке меняет субсидию к выплате на", En: "Sensitivity: +1 pp on the policy rate throughout changes the payable subsidy by"}
	tScnFill  = calc.Text{Ru: "Ставки сценария использованы с", En: "Scenario rates used from"}
	tScnNone  = calc.Text{Ru: "сценарий не понадобился: данных ставок хватает на весь срок", En: "not needed: the record covers the whole term"}
)

// writeScenarioSheet adds a sheet of the payable subsidy by year under
// each scenario of res (SPEC §10), beside the result's own figures, with
// live totals, the sensitivity and the dates each scenario filled. It
// adds nothing when res has no scenarios.
func writeScenarioSheet(f *excelize.File, st *styles, res *calc.Result, lang string) error {
	if len(res.Scenarios) == 0 {
		return nil
	}
	sheet := tScnSheet.In(lang)
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	set := func(c, r int, v any, style int) {
		f.SetCellValue(sheet, ref(c, r), v)
		if style != 0 {
			f.SetCellStyle(sheet, ref(c, r), ref(c, r), style)
		}
	}
	set(1, 1, tScnTitle.In(lang)+", "+res.Currency, st.title)
	const hdr = 3
	set(1, hdr, tCmpYear.In(lang), st.header)
	set(2, hdr, tScnOwn.In(lang), st.header)
	for j, s := range res.Scenarios {
		set(3+j, hdr, safeText(s.Name), st.header)
	}
	for i, y := range res.Years {
		r := hdr + 1 + i
		set(1, r, y.Year, 0)
		set(2, r, money(y.SubsidyPayable), st.money)
		for j, s := range res.Scenarios {
			for _, sy := range s.Years {
				if sy.Year == y.Year {
					set(3+j, r, money(sy.SubsidyPayable), st.money)
				}
			}
		}
	}
	tr := hdr + 1 + len(res.Years)
	set(1, tr, tCmpTotal.In(lang), st.bold)
	totals := []calc.Money{res.Totals.SubsidyPayable}
	for _, s := range res.Scenarios {
		totals = append(totals, s.SubsidyPayable)
	}
	for j, v := range totals {
		set(2+j, tr, money(v), st.moneyBold)
		f.SetCellFormula(sheet, ref(2+j, tr), "SUM("+ref(2+j, hdr+1)+":"+ref(2+j, tr-1)+")")
		f.SetColWidth(sheet, col(2+j), col(2+j), 20)
	}
	r := tr + 2
	if res.SensitivityPerPP != nil {
		set(1, r, tScnSens.In(lang), 0)
		set(2+len(totals), r, money(*res.SensitivityPerPP), st.moneyBold)
		r += 2
	}
	for _, s := range res.Scenarios {
		line := safeText(s.Name) + ": "
		if len(s.Filled) == 0 {
			line += tScnNone.In(lang)
		} else {
			line += tScnFill.In(lang) + " " + s.Filled[0].From.String()
		}
		if b, ok := calc.LookupScenario(s.Name); ok && b.Source != "" {
			line += " (" + b.Source + ")"
		}
		set(1, r, line, st.muted)
		r++
	}
	return comparePrint(f, sheet, hdr, true, lang)
}
