package batch_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
)

// TestRunScenarios runs a batch with the built-in scenarios and checks its
// payable subsidy by currency, scenario and year, in the outcome and on the
// report's sheet, against the sum over the eligible loans of single
// calculations asking for the same scenarios.
func TestRunScenarios(t *testing.T) {
	names := []string{"low", "base", "high"}
	loans := generate(60, 7, false)
	input := writeInput(t, t.TempDir(), loans, "csv", nil)
	o, path := run(t, input, batch.Config{Lang: "en", Parallel: 3, Scenarios: names})

	type key struct {
		cur, name string
		year      int // 0: the total
	}
	want := map[key]decimal.Decimal{}
	differ := false
	eligible := 0
	for _, l := range loans {
		var req calc.Request
		if err := json.Unmarshal([]byte(l.request("en")), &req); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			req.Scenarios = append(req.Scenarios, calc.ScenarioRef{Name: n})
		}
		res, err := calc.Calculate(&req, calc.Options{})
		if err != nil {
			t.Fatalf("%s: %v", l[report.ColID], err)
		}
		if !res.Eligible {
			continue
		}
		eligible++
		if len(res.Scenarios) != len(names) {
			t.Fatalf("%s: %d scenarios", l[report.ColID], len(res.Scenarios))
		}
		for _, s := range res.Scenarios {
			if s.SubsidyPayable != res.Scenarios[0].SubsidyPayable {
				differ = true
			}
			k := key{res.Currency, s.Name, 0}
			want[k] = want[k].Add(s.SubsidyPayable.Decimal())
			for _, y := range s.Years {
				k := key{res.Currency, s.Name, y.Year}
				want[k] = want[k].Add(y.SubsidyPayable.Decimal())
			}
		}
	}
	if eligible == 0 || eligible != o.Eligible || !differ {
		t.Fatalf("the test needs eligible loans whose scenarios differ: %d eligible (batch %d), differ %v", eligible, o.Eligible, differ)
	}

	got := map[key]decimal.Decimal{}
	for _, s := range o.Scenarios {
		got[key{s.Currency, s.Name, 0}] = decimal.RequireFromString(s.SubsidyPayable)
		for _, y := range s.Years {
			got[key{s.Currency, s.Name, y.Year}] = decimal.RequireFromString(y.SubsidyPayable)
		}
	}
	compare := func(where string, got map[key]decimal.Decimal) {
		t.Helper()
		for k, w := range want {
			if !got[k].Equal(w) {
				t.Errorf("%s %+v: %s, want %s", where, k, got[k], w)
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok && !g.IsZero() {
				t.Errorf("%s %+v: %s, want nothing", where, k, g)
			}
		}
	}
	compare("outcome", got)

	rows := sheet(t, path, "Policy-rate scenarios")
	if len(rows) < 2 || len(rows[0]) != 2+len(names) {
		t.Fatalf("sheet header %q", rows)
	}
	for j, n := range names {
		if rows[0][2+j] != n {
			t.Fatalf("sheet header %q", rows[0])
		}
	}
	sheetGot := map[key]decimal.Decimal{}
	for _, r := range rows[1:] {
		year := 0
		if r[1] != "Total" {
			if err := json.Unmarshal([]byte(r[1]), &year); err != nil {
				t.Fatalf("row %q", r)
			}
		}
		for j, n := range names {
			sheetGot[key{r[0], n, year}] = decimal.RequireFromString(r[2+j])
		}
	}
	compare("sheet", sheetGot)
}

// TestScenariosInvalid: an unknown or repeated name is an error naming the
// upload field scenarios.
func TestScenariosInvalid(t *testing.T) {
	for _, s := range []string{"low,nope", "low, low", "LOW"} {
		p := batch.Params{Scenarios: s}
		_, err := p.Check()
		var ce *calc.Error
		if !errors.As(err, &ce) || ce.Kind != calc.Invalid || len(ce.Fields) != 1 || ce.Fields[0].Field != "scenarios" {
			t.Errorf("%q: %v", s, err)
		}
	}
	for s, want := range map[string]int{"": 0, " low , high ": 2, "low,base,high": 3} {
		p := batch.Params{Scenarios: s}
		if _, err := p.Check(); err != nil {
			t.Errorf("%q: %v", s, err)
		}
		if got, fe := batch.ParseScenarios(s); fe != nil || len(got) != want {
			t.Errorf("%q: %v %v", s, got, fe)
		}
	}
}
