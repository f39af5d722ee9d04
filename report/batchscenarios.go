package report

import (
	"fmt"
	"slices"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// sheetScenarios is the batch report's sheet of payable subsidy by year
// under each policy-rate scenario (SPEC §10).
var sheetScenarios = calc.Text{Ru: "Сценарии ключевой ставки", En: "Policy-rate scenarios"}

// ScenarioBlock is a batch's payable subsidy by year under each scenario in
// one currency: the eligible loans' scenarios added up (calc.ScenarioTotals).
type ScenarioBlock struct {
	Currency  string
	Scenarios []calc.ScenarioResult
}

// writeScenarios writes the Policy-rate scenarios sheet: one row per
// currency and year, one column per scenario, and per currency a total
// row whose figures are SUM formulas over its years.
func (b *BatchWriter) writeScenarios(blocks []ScenarioBlock) error {
	st := b.st
	names := b.opt.Scenarios
	header := []string{b.t(calc.Text{Ru: "Валюта", En: "Currency"}), b.t(calc.Text{Ru: "Год", En: "Year"})}
	widths := []float64{9, 12}
	for _, n := range names {
		header = append(header, safeText(n))
		widths = append(widths, 20)
	}
	sw, rw, err := b.stream(sheetScenarios, b.page(false, 1), widths, header)
	if err != nil {
		return err
	}
	for _, bl := range blocks {
		var years []int
		for _, s := range bl.Scenarios {
			for _, y := range s.Years {
				if i, found := slices.BinarySearch(years, y.Year); !found {
					years = slices.Insert(years, i, y.Year)
				}
			}
		}
		first := rw.row + 1
		for _, y := range years {
			row := []any{cellOf(st.text, bl.Currency), cellOf(st.number, y)}
			for _, n := range names {
				var v calc.Money
				if s := scenarioNamed(bl.Scenarios, n); s != nil {
					for _, sy := range s.Years {
						if sy.Year == y {
							v = sy.SubsidyPayable
						}
					}
				}
				row = append(row, cellOf(st.money, money(v)))
			}
			rw.line(row...)
		}
		last := rw.row
		row := []any{cellOf(st.bold, bl.Currency), cellOf(st.bold, b.t(calc.Text{Ru: "Итого", En: "Total"}))}
		for j, n := range names {
			var v calc.Money
			if s := scenarioNamed(bl.Scenarios, n); s != nil {
				v = s.SubsidyPayable
			}
			c := col(3 + j)
			f := "0"
			if last >= first {
				f = fmt.Sprintf("ROUND(SUM(%s%d:%s%d),2)", c, first, c, last)
			}
			row = append(row, formula(st.moneyBold, f, money(v)))
		}
		rw.line(row...)
	}
	if len(blocks) == 0 {
		rw.line(b.t(calc.Text{Ru: "Нет рассчитанных кредитов, отвечающих условиям", En: "No eligible loans were computed"}))
	}
	return b.end(sw, rw, 0)
}

func scenarioNamed(list []calc.ScenarioResult, name string) *calc.ScenarioResult {
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}
