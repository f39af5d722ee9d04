package calc_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

func TestAllocate(t *testing.T) {
	const huge = calc.Money(math.MaxInt64)
	tests := []struct {
		name   string
		budget calc.Money
		demand []calc.Money
		method string
		want   []calc.Money
	}{
		{"ProRataBelowBudget", 1000, []calc.Money{100, 200, 300}, calc.ProRata, []calc.Money{100, 200, 300}},
		{"ProRataEqualsBudget", 600, []calc.Money{100, 200, 300}, calc.ProRata, []calc.Money{100, 200, 300}},
		{"ProRataAboveBudget", 100, []calc.Money{100, 200, 300}, calc.ProRata, []calc.Money{17, 33, 50}},
		{"ProRataHalf", 300, []calc.Money{100, 200, 300}, calc.ProRata, []calc.Money{50, 100, 150}},
		{"ProRataTies", 2, []calc.Money{5, 5, 5}, calc.ProRata, []calc.Money{1, 1, 0}},
		{"ProRataZeroBudget", 0, []calc.Money{5, 5, 5}, calc.ProRata, []calc.Money{0, 0, 0}},
		{"ProRataZeroDemand", 100, []calc.Money{0, 500, 0}, calc.ProRata, []calc.Money{0, 100, 0}},
		{"ProRataNoProjects", 100, []calc.Money{}, calc.ProRata, []calc.Money{}},
		{"ProRataDemandBeyondMoney", 3_000_000_000_000_000_000, []calc.Money{huge, huge, huge}, calc.ProRata,
			[]calc.Money{1_000_000_000_000_000_000, 1_000_000_000_000_000_000, 1_000_000_000_000_000_000}},
		{"FirstComeBelowBudget", 1000, []calc.Money{100, 200, 300}, calc.FirstCome, []calc.Money{100, 200, 300}},
		{"FirstComeEqualsBudget", 600, []calc.Money{100, 200, 300}, calc.FirstCome, []calc.Money{100, 200, 300}},
		{"FirstComeAboveBudget", 250, []calc.Money{100, 200, 300}, calc.FirstCome, []calc.Money{100, 150, 0}},
		{"FirstComeRunsOutOnBoundary", 300, []calc.Money{100, 200, 300}, calc.FirstCome, []calc.Money{100, 200, 0}},
		{"FirstComeZeroDemandServed", 150, []calc.Money{100, 0, 100, 0}, calc.FirstCome, []calc.Money{100, 0, 50, 0}},
		{"FirstComeZeroBudget", 0, []calc.Money{100, 200}, calc.FirstCome, []calc.Money{0, 0}},
		{"FirstComeDemandBeyondMoney", 10, []calc.Money{huge, huge}, calc.FirstCome, []calc.Money{10, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			demand := slices.Clone(tt.demand)
			got, err := calc.Allocate(tt.budget, demand, tt.method)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("Allocate(%d, %v, %s) = %v, want %v", tt.budget, tt.demand, tt.method, got, tt.want)
			}
			if !slices.Equal(demand, tt.demand) {
				t.Error("Allocate changed the demand")
			}
		})
	}
}

func TestAllocateErrors(t *testing.T) {
	tests := []struct {
		name   string
		budget calc.Money
		demand []calc.Money
		method string
		fields []string
	}{
		{"ErrUnknownMethod", 100, []calc.Money{1}, "lottery", []string{"allocation"}},
		{"ErrNoMethod", 100, []calc.Money{1}, "", []string{"allocation"}},
		{"ErrNegativeBudget", -1, []calc.Money{1}, calc.ProRata, []string{"annual_budget"}},
		{"ErrNegativeDemand", 100, []calc.Money{1, -5}, calc.FirstCome, []string{"demand[1]"}},
		{"ErrEverything", -1, []calc.Money{-1, 2, -3}, "pro-rata", []string{"allocation", "annual_budget", "demand[0]", "demand[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := calc.Allocate(tt.budget, tt.demand, tt.method)
			if got != nil {
				t.Errorf("allocation %v returned with the error", got)
			}
			var e *calc.Error
			if !errors.As(err, &e) || e.Kind != calc.Invalid {
				t.Fatalf("err = %#v, want *calc.Error of kind Invalid", err)
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
				if f.En == "" || f.Ru == "" {
					t.Errorf("field %s lacks a message", f.Field)
				}
			}
			if !slices.Equal(fields, tt.fields) {
				t.Errorf("fields %v, want %v (%v)", fields, tt.fields, err)
			}
		})
	}
}

func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	for i := range 4000 {
		n := rng.IntN(30)
		demand := make([]calc.Money, n)
		total := new(big.Int)
		for j := range demand {
			switch rng.IntN(5) {
			case 0: // no demand
			case 1:
				demand[j] = calc.Money(rng.Int64())
			default:
				demand[j] = calc.Money(rng.Int64N(1e11))
			}
			total.Add(total, big.NewInt(int64(demand[j])))
		}
		budget := calc.Money(rng.Int64N(5e11))
		if rng.IntN(8) == 0 {
			budget = calc.Money(rng.Int64())
		}
		want := new(big.Int).Set(total) // min(budget, total demand)
		if b := big.NewInt(int64(budget)); b.Cmp(total) < 0 {
			want = b
		}
		for _, method := range []string{calc.ProRata, calc.FirstCome} {
			got, err := calc.Allocate(budget, demand, method)
			if err != nil {
				t.Fatal(err)
			}
			sum := new(big.Int)
			for j, a := range got {
				if a < 0 || a > demand[j] {
					t.Errorf("case %d %s: project %d gets %d of demand %d", i, method, j, a, demand[j])
				}
				sum.Add(sum, big.NewInt(int64(a)))
			}
			if sum.Cmp(want) != 0 {
				t.Errorf("case %d %s: allocated %s, want min(budget, demand) = %s", i, method, sum, want)
			}
			if again, _ := calc.Allocate(budget, demand, method); !slices.Equal(again, got) {
				t.Errorf("case %d %s: not deterministic", i, method)
			}
			switch method {
			case calc.ProRata:
				checkProRata(t, budget, demand, total, got)
			case calc.FirstCome:
				left := budget
				for j, a := range got {
					if w := min(demand[j], left); a != w {
						t.Fatalf("case %d first_come: project %d gets %d, want %d", i, j, a, w)
					}
					left -= a
				}
			}
		}
	}
}

// checkProRata checks the pro_rata rule directly, in big integers: each
// share is budget × demand / total rounded down, plus at most one minor
// unit, the extra units going by largest remainder; a larger demand never
// gets less.
func checkProRata(t *testing.T, budget calc.Money, demand []calc.Money, total *big.Int, got []calc.Money) {
	t.Helper()
	if total.Cmp(big.NewInt(int64(budget))) <= 0 {
		if !slices.Equal(got, demand) {
			t.Errorf("demand within budget: got %v, want the demand %v", got, demand)
		}
		return
	}
	ws := make([]decimal.Decimal, len(demand))
	for j, d := range demand {
		ws[j] = decimal.New(int64(d), 0)
		q := new(big.Int).Mul(big.NewInt(int64(budget)), big.NewInt(int64(d)))
		q.Quo(q, total)
		if diff := big.NewInt(int64(got[j])); diff.Sub(diff, q).Sign() < 0 || diff.Cmp(big.NewInt(1)) > 0 {
			t.Errorf("project %d: %d, rounded-down share %s", j, got[j], q)
		}
	}
	if want := referenceSplit(budget, ws); !slices.Equal(got, want) {
		t.Errorf("pro_rata %v, largest remainder by demand %v", got, want)
	}
	for a := range demand {
		for b := range demand {
			if demand[a] < demand[b] && got[a] > got[b] {
				t.Errorf("demand %d gets %d, larger demand %d gets %d", demand[a], got[a], demand[b], got[b])
			}
		}
	}
}

// A budget of RUB 1,000 for three projects asking for 500, 700 and 800.
func ExampleAllocate() {
	demand := []calc.Money{50000, 70000, 80000}
	for _, method := range []string{calc.ProRata, calc.FirstCome} {
		got, err := calc.Allocate(100000, demand, method)
		fmt.Println(method, got, err)
	}
	// Output:
	// pro_rata [250.00 350.00 400.00] <nil>
	// first_come [500.00 500.00 0.00] <nil>
}

// TestDemand: the payable subsidy by year, converted into the budget's
// currency rounded down; nothing for an ineligible loan; no rate, no part.
func TestDemand(t *testing.T) {
	d := func(s string) *decimal.Decimal { v := decimal.RequireFromString(s); return &v }
	year := func(y int, payable calc.Money, fx *decimal.Decimal) calc.Year {
		return calc.Year{Year: y, SubsidyPaid: payable, SubsidyPayable: payable, FXRate: fx}
	}
	rubCap := &calc.Cap{Amount: decimal.NewFromInt(350_000_000), Currency: "RUB"}
	tests := []struct {
		name string
		res  calc.Result
		fx   *decimal.Decimal
		want []calc.YearDemand
		err  bool
	}{
		{name: "SameCurrency", res: calc.Result{Currency: "RUB", Eligible: true,
			Years: []calc.Year{year(2025, 100_00, nil), year(2026, 0, nil), year(2027, 5, nil)}},
			want: []calc.YearDemand{{2025, 100_00}, {2027, 5}}},
		// 1 234 567,89 KZT × 0.18 = 222 222,2202 RUB, rounded down.
		{name: "CapRateRoundsDown", res: calc.Result{Currency: "KZT", Eligible: true,
			Programme: calc.ProgrammeRef{Cap: rubCap}, Years: []calc.Year{year(2025, 1_234_567_89, d("0.18"))}},
			want: []calc.YearDemand{{2025, 222_222_22}}},
		// 999,99 BYN × 28.5 = 28 499,715 RUB → 28 499,71.
		{name: "RowRate", res: calc.Result{Currency: "BYN", Eligible: true, Years: []calc.Year{year(2026, 999_99, nil)}},
			fx: d("28.5"), want: []calc.YearDemand{{2026, 28_499_71}}},
		{name: "Ineligible", res: calc.Result{Currency: "RUB", Eligible: false,
			Years: []calc.Year{{Year: 2025, SubsidyPaid: 100_00, SubsidyPayable: 0}}}},
		{name: "NoRate", res: calc.Result{Currency: "KZT", Eligible: true, Years: []calc.Year{year(2025, 100, nil)}}, err: true},
		{name: "CapInAnotherCurrency", res: calc.Result{Currency: "KZT", Eligible: true,
			Programme: calc.ProgrammeRef{Cap: &calc.Cap{Amount: decimal.NewFromInt(1), Currency: "USD"}},
			Years:     []calc.Year{year(2025, 100, d("0.002"))}}, err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := calc.Demand(&tc.res, "RUB", tc.fx)
			var ce *calc.Error
			if tc.err {
				if !errors.As(err, &ce) || ce.Fields[0].Field != "subsidy.fx" || ce.Fields[0].Ru == "" {
					t.Fatalf("%v, want a subsidy.fx error", err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("%v %v, want %v", got, err, tc.want)
			}
		})
	}
}

// TestAllocateYears: the order projects are served in (dated applications
// first, earliest first, then input order; undated after, in input order)
// and each year shared on its own.
func TestAllocateYears(t *testing.T) {
	date := func(s string) *calc.Date { v := calc.MustDate(s); return &v }
	apps := []calc.Application{
		{Seq: 2, Years: []calc.YearDemand{{2025, 50}, {2026, 10}}},                           // undated, first in the file
		{Seq: 3, Date: date("2025-02-01"), Years: []calc.YearDemand{{2025, 60}}},             // dated later
		{Seq: 4, Date: date("2025-01-15"), Years: []calc.YearDemand{{2025, 30}, {2026, 30}}}, // dated earliest
		{Seq: 5, Years: []calc.YearDemand{{2025, 40}}},                                       // undated
		{Seq: 1, Date: date("2025-02-01"), Years: []calc.YearDemand{{2026, 5}}},              // same date as Seq 3, earlier row
	}
	got, err := calc.AllocateYears(100, calc.FirstCome, apps)
	if err != nil {
		t.Fatal(err)
	}
	want := []calc.AllocatedYear{
		// 2025: served 4 (30), 3 (60), then 2 gets the 10 left, 5 nothing.
		{Year: 2025, Projects: []int{2, 1, 0, 3}, Demand: []calc.Money{30, 60, 50, 40}, Allocated: []calc.Money{30, 60, 10, 0}},
		// 2026: everyone in full (45 ≤ 100), in the same order.
		{Year: 2026, Projects: []int{2, 4, 0}, Demand: []calc.Money{30, 5, 10}, Allocated: []calc.Money{30, 5, 10}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if _, err := calc.AllocateYears(100, "lottery", nil); err == nil {
		t.Error("an unknown method with no demand passed")
	}
}
