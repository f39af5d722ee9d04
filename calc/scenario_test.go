package calc_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// scenarioLoan is a rouble loan under the EAEU programme that runs past
// the end of the built-in key rate record (2026-09-14).
func scenarioLoan() *calc.Request {
	req := eaeuLoan(0)
	req.Loan.IssueDate = calc.MustDate("2026-02-10")
	req.Loan.TermMonths = 48
	r := decimal.RequireFromString("19")
	req.Loan.Rate = &r
	return req
}

// recordWith returns the built-in Russian record up to its end followed by
// the path of s, as explicit base_rates: the same policy rates the
// scenario gives, the long way round.
func recordWith(t *testing.T, s calc.Scenario, shift decimal.Decimal) []calc.RatePoint {
	t.Helper()
	var pts []calc.RatePoint
	var end calc.Date
	for _, row := range calc.DefaultRateBook().Rows("RU") {
		if row.Rate == nil {
			end = row.Effective
			continue
		}
		pts = append(pts, calc.RatePoint{Date: row.Effective, Rate: row.Rate.Add(shift)})
	}
	if end == 0 {
		t.Fatal("the RU record has no end")
	}
	if s.Name == "" {
		return pts
	}
	value := func(y int) decimal.Decimal {
		v := s.Years[0].Rate
		for _, sy := range s.Years {
			if sy.Year <= y {
				v = sy.Rate
			}
		}
		return v
	}
	pts = append(pts, calc.RatePoint{Date: end, Rate: value(end.Year())})
	for y := end.Year() + 1; y <= 2031; y++ {
		pts = append(pts, calc.RatePoint{Date: calc.NewDate(y, 1, 1), Rate: value(y)})
	}
	return pts
}

func TestScenariosBuiltin(t *testing.T) {
	req := scenarioLoan()
	req.Scenarios = []calc.ScenarioRef{{Name: "low"}, {Name: "base"}, {Name: "high"}}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := calc.Calculate(scenarioLoan(), calc.Options{})
	if res.Totals.SubsidyPayable != plain.Totals.SubsidyPayable {
		t.Fatalf("the result's own figures changed with scenarios: %s vs %s", res.Totals.SubsidyPayable, plain.Totals.SubsidyPayable)
	}
	if len(res.Scenarios) != 3 {
		t.Fatalf("%d scenarios", len(res.Scenarios))
	}
	for i, sr := range res.Scenarios {
		s, _ := calc.LookupScenario(sr.Name)
		if len(sr.Filled) == 0 || sr.Filled[0].From != calc.MustDate("2026-09-14") || !sr.Filled[0].Rate.Equal(s.Years[0].Rate) {
			t.Errorf("%s filled %+v", sr.Name, sr.Filled)
		}
		// The same rates given as base_rates, through the full calculation.
		one := scenarioLoan()
		one.Subsidy.BaseRates = recordWith(t, s, decimal.Zero)
		want, err := calc.Calculate(one, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var years []calc.YearPayable
		for _, y := range want.Years {
			years = append(years, calc.YearPayable{Year: y.Year, SubsidyPayable: y.SubsidyPayable})
		}
		if sr.SubsidyPayable != want.Totals.SubsidyPayable || !slices.Equal(sr.Years, years) || sr.Eligible != want.Eligible {
			t.Errorf("%s: %s %v, want %s %v", sr.Name, sr.SubsidyPayable, sr.Years, want.Totals.SubsidyPayable, years)
		}
		if i > 0 && !(res.Scenarios[i-1].SubsidyPayable < sr.SubsidyPayable) {
			t.Errorf("%s pays %s, not more than %s", sr.Name, sr.SubsidyPayable, res.Scenarios[i-1].SubsidyPayable)
		}
	}
	// +1 pp on every day of the record.
	up := scenarioLoan()
	up.Subsidy.BaseRates = recordWith(t, calc.Scenario{}, decimal.NewFromInt(1))
	upRes, err := calc.Calculate(up, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.SensitivityPerPP == nil || *res.SensitivityPerPP != upRes.Totals.SubsidyPayable-plain.Totals.SubsidyPayable || *res.SensitivityPerPP <= 0 {
		t.Errorf("sensitivity %v, want %s", res.SensitivityPerPP, upRes.Totals.SubsidyPayable-plain.Totals.SubsidyPayable)
	}
}

func TestScenarioUserDefined(t *testing.T) {
	req := scenarioLoan()
	req.Scenarios = []calc.ScenarioRef{{Scenario: &calc.Scenario{Name: "flat", Country: "RU",
		Points: []calc.RatePoint{{Date: calc.MustDate("2026-01-01"), Rate: decimal.NewFromInt(10)}}}}}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sr := res.Scenarios[0]
	if len(sr.Filled) != 1 || !sr.Filled[0].Rate.Equal(decimal.NewFromInt(10)) || sr.Filled[0].To != req.Loan.IssueDate.AddMonths(48)+1 {
		t.Errorf("filled %+v", sr.Filled)
	}
	// Another country's scenario fills nothing: the record's figures.
	req.Scenarios[0].Scenario.Country = "KZ"
	res, _ = calc.Calculate(req, calc.Options{})
	if sr := res.Scenarios[0]; len(sr.Filled) != 0 || sr.SubsidyPayable != res.Totals.SubsidyPayable {
		t.Errorf("KZ scenario on a RUB loan: %+v", sr)
	}
}

func TestScenarioErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		refs  []calc.ScenarioRef
		field string
	}{
		{"Unknown", []calc.ScenarioRef{{Name: "optimistic"}}, "scenarios[0]"},
		{"Twice", []calc.ScenarioRef{{Name: "low"}, {Name: "low"}}, "scenarios[1]"},
		{"NoPath", []calc.ScenarioRef{{Scenario: &calc.Scenario{Name: "x", Country: "RU"}}}, "scenarios[0]"},
		{"BadYear", []calc.ScenarioRef{{Scenario: &calc.Scenario{Name: "x", Country: "RU", Years: []calc.ScenarioYear{{Year: 1900, Rate: decimal.NewFromInt(5)}}}}}, "scenarios[0].years[0].year"},
		{"BadCountry", []calc.ScenarioRef{{Scenario: &calc.Scenario{Name: "x", Country: "US", Years: []calc.ScenarioYear{{Year: 2027, Rate: decimal.NewFromInt(5)}}}}}, "scenarios[0].country"},
		{"BadRate", []calc.ScenarioRef{{Scenario: &calc.Scenario{Name: "x", Country: "RU", Points: []calc.RatePoint{{Date: calc.MustDate("2027-01-01"), Rate: decimal.NewFromInt(-1)}}}}}, "scenarios[0].points[0].rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := scenarioLoan()
			req.Scenarios = tc.refs
			_, err := calc.Calculate(req, calc.Options{})
			var ce *calc.Error
			if !errors.As(err, &ce) || ce.Fields[0].Field != tc.field {
				t.Fatalf("err %v, want a problem with %s", err, tc.field)
			}
		})
	}
}

func TestScenarioTotals(t *testing.T) {
	a := &calc.Result{Scenarios: []calc.ScenarioResult{{Name: "low", SubsidyPayable: 300, Years: []calc.YearPayable{{2026, 100}, {2027, 200}}}}}
	b := &calc.Result{Scenarios: []calc.ScenarioResult{{Name: "low", SubsidyPayable: 50, Years: []calc.YearPayable{{2025, 20}, {2027, 30}}}, {Name: "high", SubsidyPayable: 7, Years: []calc.YearPayable{{2026, 7}}}}}
	var totals calc.ScenarioTotals
	for _, r := range []*calc.Result{a, nil, b} {
		totals.Add(r)
	}
	got := totals.Results()
	if len(got) != 2 || got[0].SubsidyPayable != 350 || !slices.Equal(got[0].Years, []calc.YearPayable{{2025, 20}, {2026, 100}, {2027, 230}}) || got[1].SubsidyPayable != 7 {
		t.Fatalf("%+v", got)
	}
}

// BenchmarkScenariosRatio reports the CPU time of a calculation with the
// three built-in scenarios (and the sensitivity) over that of the same
// calculation without them, run in alternating blocks (the goal: ≤ 2.5).
func BenchmarkScenariosRatio(b *testing.B) {
	plain := scenarioLoan()
	plain.Loan.TermMonths = 120
	with := scenarioLoan()
	with.Loan.TermMonths = 120
	with.Scenarios = []calc.ScenarioRef{{Name: "low"}, {Name: "base"}, {Name: "high"}}
	cpuRatio(b, 200, "x-one-calculation", func() {
		if _, err := calc.Calculate(plain, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if _, err := calc.Calculate(with, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	})
}
