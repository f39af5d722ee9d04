package calc_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// comparableRequest draws a request for a comparison: randomRequest's
// loans in the currencies of several programmes, with the built-in policy
// rate record or a scenario, the programmes' own rules or overrides (steps
// and a floor tied to the policy rate among them), caps with and without
// exchange rates.
func comparableRequest(r *rand.Rand) *calc.Request {
	req := randomRequest(r)
	req.Subsidy.Programme = ""
	req.Loan.Currency = []string{"RUB", "RUB", "KZT", "AMD", "BYN", "USD"}[r.IntN(6)]
	if r.IntN(2) == 0 { // the built-in record: loans around its end
		req.Subsidy.BaseRates = nil
		issue := calc.NewDate(2023, 1, 1) + calc.Date(r.IntN(1500))
		shift := issue - req.Loan.IssueDate
		req.Loan.IssueDate = issue
		for i := range req.Loan.Disbursements {
			req.Loan.Disbursements[i].Date += shift
		}
		for i := range req.Loan.RateChanges {
			req.Loan.RateChanges[i].Date += shift
		}
		if req.Subsidy.Start != nil {
			s, e := *req.Subsidy.Start+shift, *req.Subsidy.End+shift
			req.Subsidy.Start, req.Subsidy.End = &s, &e
		}
		if req.Loan.IssueDate.AddMonths(req.Loan.TermMonths) > calc.NewDate(2100, 1, 1) {
			req.Loan.TermMonths = 12
			req.Loan.GraceMonths = 0
			req.Loan.Frequency = "monthly"
			req.Loan.Disbursements, req.Loan.RateChanges = nil, nil
		}
	}
	switch r.IntN(4) {
	case 0, 1:
		req.Subsidy.Rule = nil // each programme's own rule
	case 2:
		f, g := decimal.RequireFromString("0.3"), decimal.NewFromInt(3)
		half := decimal.RequireFromString("0.5")
		req.Subsidy.Rule.FloorBaseShare, req.Subsidy.Rule.BorrowerFloor = &f, &g
		req.Subsidy.Rule.Steps = []calc.RuleStep{{FromYear: 2, LoanShare: &half}, {FromYear: 3 + r.IntN(3), FloorBaseShare: &half}}
	}
	if r.IntN(2) == 0 {
		req.Subsidy.AnnualCap = calc.OptionalCap{}
	}
	if r.IntN(3) == 0 {
		fx := decimal.RequireFromString("0.18")
		req.Subsidy.FX = []calc.FXRate{{Rate: fx}}
	}
	if r.IntN(3) == 0 {
		countries := []string{"AM", "BY", "KZ", "KG", "RU"}
		r.Shuffle(len(countries), func(i, j int) { countries[i], countries[j] = countries[j], countries[i] })
		k := 1 + r.IntN(4)
		req.Project.Participants = nil
		for i := 0; i < k; i++ {
			share := decimal.NewFromInt(int64(100 / k))
			if i == 0 {
				share = share.Add(decimal.NewFromInt(int64(100 % k)))
			}
			req.Project.Participants = append(req.Project.Participants, calc.Participant{Country: countries[i], Share: share})
		}
	}
	return req
}

// TestCompareEqualsCalculate holds each programme's figures in a comparison
// to a single calculation of the same request under that programme, over
// random requests.
func TestCompareEqualsCalculate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 12))
	cases := 400
	if testing.Short() {
		cases = 60
	}
	compared, eligible := 0, 0
	for i := 0; i < cases; i++ {
		req := comparableRequest(r)
		cmp, err := calc.Compare(req, calc.Options{})
		if err != nil {
			// A problem common to every programme: each calculation fails too.
			for _, id := range calc.ProgrammeIDs() {
				if id == "custom" {
					continue
				}
				one := *req
				one.Subsidy.Programme = id
				if _, err2 := calc.Calculate(&one, calc.Options{}); err2 == nil {
					t.Fatalf("case %d: Compare fails (%v) but %s computes\n%s", i, err, id, mustJSON(t, req))
				}
			}
			continue
		}
		compared++
		if len(cmp.Programmes) != len(calc.ProgrammeIDs())-1 {
			t.Fatalf("case %d: %d programmes", i, len(cmp.Programmes))
		}
		for j, cp := range cmp.Programmes {
			if j > 0 && cmp.Programmes[j-1].SubsidyPresentValue < cp.SubsidyPresentValue {
				t.Fatalf("case %d: not sorted by present value", i)
			}
			one := *req
			one.Subsidy.Programme = cp.ID
			res, err := calc.Calculate(&one, calc.Options{})
			if err != nil {
				var ce *calc.Error
				if !errors.As(err, &ce) || len(cp.FailedChecks) != len(ce.Fields) || cp.Eligible {
					t.Fatalf("case %d %s: Calculate: %v; comparison %+v", i, cp.ID, err, cp.FailedChecks)
				}
				for k, f := range ce.Fields {
					if cp.FailedChecks[k].Code != calc.CheckInvalidRequest || cp.FailedChecks[k].Field != f.Field {
						t.Fatalf("case %d %s: %+v vs %v", i, cp.ID, cp.FailedChecks[k], f)
					}
				}
				continue
			}
			if res.Eligible {
				eligible++
			}
			var failed []string
			for _, c := range res.Checks {
				if c.Kind == calc.KindEligibility && !c.OK {
					failed = append(failed, c.Code+": "+c.Message())
				}
			}
			var got []string
			for _, c := range cp.FailedChecks {
				got = append(got, c.Code+": "+c.Message)
			}
			years := make([]calc.YearPayable, len(res.Years))
			for k, y := range res.Years {
				years[k] = calc.YearPayable{Year: y.Year, SubsidyPayable: y.SubsidyPayable}
			}
			if cp.Eligible != res.Eligible || !slices.Equal(got, failed) ||
				cp.SubsidyPayable != res.Totals.SubsidyPayable ||
				cp.SubsidyPresentValue != res.SubsidyPresentValue ||
				!cp.EffectiveRateWithSubsidy.Equal(res.EffectiveRates.WithSubsidy) ||
				!cp.GrantElement.Equal(res.GrantElement) || !slices.Equal(cp.Years, years) ||
				!cmp.EffectiveRateWithoutSubsidy.Equal(res.EffectiveRates.WithoutSubsidy) ||
				cmp.Interest != res.Totals.Interest {
				t.Fatalf("case %d %s: comparison %+v\ncalculation eligible=%v failed=%v payable=%s pv=%s eff=%s/%s ge=%s years=%v\n%s",
					i, cp.ID, cp, res.Eligible, failed, res.Totals.SubsidyPayable, res.SubsidyPresentValue,
					res.EffectiveRates.WithoutSubsidy, res.EffectiveRates.WithSubsidy, res.GrantElement, years, mustJSON(t, req))
			}
			if !cp.Eligible && cp.SubsidyPaid != 0 {
				continue // not computed for an ineligible programme
			}
			for k := range res.Schedule {
				if cp.Payable[k] != res.Schedule[k].SubsidyPayable {
					t.Fatalf("case %d %s: period %d payable %s, want %s", i, cp.ID, k+1, cp.Payable[k], res.Schedule[k].SubsidyPayable)
				}
			}
		}
	}
	if compared < cases/2 || eligible < cases/4 {
		t.Fatalf("only %d comparisons and %d eligible programmes out of %d requests: the generator is too narrow", compared, eligible, cases)
	}
}

func TestCompareProgrammesList(t *testing.T) {
	req := eaeuLoan(0)
	req.Programmes = []string{"union-state", "eaeu-industrial"}
	cmp, err := calc.Compare(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Programmes) != 2 {
		t.Fatalf("%d programmes", len(cmp.Programmes))
	}
	for _, tc := range []struct {
		name  string
		list  []string
		field string
	}{
		{"Unknown", []string{"eaeu-industrial", "nope"}, "programmes[1]"},
		{"Twice", []string{"ru-kip", "ru-kip"}, "programmes[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req.Programmes = tc.list
			_, err := calc.Compare(req, calc.Options{})
			var ce *calc.Error
			if !errors.As(err, &ce) || ce.Fields[0].Field != tc.field {
				t.Fatalf("err %v, want a problem with %s", err, tc.field)
			}
		})
	}
}

// BenchmarkCompareAll compares every preset for the 120-month EAEU loan;
// BenchmarkCalculate120 is the same loan under one programme.
func BenchmarkCompareAll(b *testing.B) {
	req := eaeuLoan(0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := calc.Compare(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompareRatio reports the CPU time of comparing every preset
// over that of one calculation, for the 120-month EAEU loan, the two run
// in alternating blocks (the goal: ≤ 3).
func BenchmarkCompareRatio(b *testing.B) {
	req := eaeuLoan(0)
	cpuRatio(b, 200, "x-one-calculation", func() {
		if _, err := calc.Calculate(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	}, func() {
		if _, err := calc.Compare(req, calc.Options{}); err != nil {
			b.Fatal(err)
		}
	})
}
