package calc_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// weights parses decimal weights.
func weights(t testing.TB, ws ...string) []decimal.Decimal {
	t.Helper()
	out := make([]decimal.Decimal, len(ws))
	for i, w := range ws {
		d, err := decimal.NewFromString(w)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = d
	}
	return out
}

var eaeuNormatives = []string{"1.220", "4.560", "7.055", "1.900", "85.265"} // AM BY KZ KG RU

func TestSplitLargestRemainder(t *testing.T) {
	tests := []struct {
		name    string
		total   calc.Money
		weights []string
		want    []calc.Money
	}{
		{"ThreeEqual", 100, []string{"1", "1", "1"}, []calc.Money{34, 33, 33}},
		{"TiesEarlierFirst", 2, []string{"1", "1", "1"}, []calc.Money{1, 1, 0}},
		{"EAEUNormatives", 1234567, eaeuNormatives, []calc.Money{15062, 56296, 87099, 23457, 1052653}},
		{"EAEUNormativesExact", 100000, eaeuNormatives, []calc.Money{1220, 4560, 7055, 1900, 85265}},
		{"UnionState", 3, []string{"65", "35"}, []calc.Money{2, 1}},
		{"OneKopeck", 1, []string{"65", "35"}, []calc.Money{1, 0}},
		{"NotSummingTo100", 100, []string{"2", "1"}, []calc.Money{67, 33}},
		{"MixedScales", 1000, []string{"0.5", "2", "0.25"}, []calc.Money{182, 727, 91}},
		{"Negative", -100, []string{"1", "1", "1"}, []calc.Money{-34, -33, -33}},
		{"ZeroWeight", 100, []string{"0", "1", "0"}, []calc.Money{0, 100, 0}},
		{"ZeroWeightNeverGetsLeftover", 5, []string{"0", "1", "1", "1", "0"}, []calc.Money{0, 2, 2, 1, 0}},
		{"OneWeight", 12345, []string{"7"}, []calc.Money{12345}},
		{"ZeroTotal", 0, []string{"1", "2"}, []calc.Money{0, 0}},
		{"AllZeroWeights", 100, []string{"0", "0.00"}, []calc.Money{0, 0}},
		{"NoWeights", 100, []string{}, []calc.Money{}},
		{"MaxMoney", math.MaxInt64, []string{"1", "1"}, []calc.Money{4611686018427387904, 4611686018427387903}},
		{"MinMoney", math.MinInt64, []string{"1", "2"}, []calc.Money{-3074457345618258603, -6148914691236517205}},
		{"BigPathTinyWeight", 101, []string{"1e-30", "1"}, []calc.Money{0, 101}},
		{"BigPath", 1000001, []string{"0.000000000000000000000000000001", "0.000000000000000000000000000003"}, []calc.Money{250000, 750001}},
		{"BigPathSum", 10, []string{"9000000000000000000", "9000000000000000000", "1"}, []calc.Money{5, 5, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := calc.SplitLargestRemainder(tt.total, weights(t, tt.weights...))
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("SplitLargestRemainder(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
			}
		})
	}
}

func TestSplitLargestRemainderNegativeWeight(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a negative weight")
		}
	}()
	calc.SplitLargestRemainder(100, weights(t, "1", "-1"))
}

// referenceSplit is the largest-remainder method written the plain way,
// with rationals.
func referenceSplit(total calc.Money, ws []decimal.Decimal) []calc.Money {
	sum := new(big.Rat)
	for _, w := range ws {
		sum.Add(sum, w.Rat())
	}
	out := make([]calc.Money, len(ws))
	if sum.Sign() == 0 {
		return out
	}
	mag := new(big.Int).Abs(big.NewInt(int64(total)))
	rems := make([]*big.Rat, len(ws))
	left := new(big.Int).Set(mag)
	for i, w := range ws {
		exact := new(big.Rat).Mul(new(big.Rat).SetInt(mag), w.Rat())
		exact.Quo(exact, sum)
		q := new(big.Int).Quo(exact.Num(), exact.Denom())
		out[i] = calc.Money(q.Int64())
		left.Sub(left, q)
		rems[i] = new(big.Rat).Sub(exact, new(big.Rat).SetInt(q))
	}
	order := make([]int, len(ws))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].Cmp(rems[order[b]]) > 0 })
	for _, i := range order[:left.Int64()] {
		out[i]++
	}
	if total < 0 {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out
}

// randomWeights returns n weights with up to 6 decimals, some zero, some
// repeated, so that ties occur.
func randomWeights(rng *rand.Rand, n int) []decimal.Decimal {
	ws := make([]decimal.Decimal, n)
	for i := range ws {
		switch rng.IntN(6) {
		case 0:
			ws[i] = decimal.Zero
		case 1:
			if i > 0 {
				ws[i] = ws[i-1]
				continue
			}
			fallthrough
		default:
			ws[i] = decimal.New(rng.Int64N(100_000_000), -int32(rng.IntN(7)))
		}
	}
	return ws
}

func TestSplitLargestRemainderProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2026))
	huge := decimal.RequireFromString("1000000000000000000000000000001")
	for i := range 5000 {
		n := 1 + rng.IntN(12)
		ws := randomWeights(rng, n)
		var total calc.Money
		switch rng.IntN(3) {
		case 0:
			total = calc.Money(rng.Int64N(1000) - 500)
		case 1:
			total = calc.Money(rng.Int64N(1e12) - 5e11)
		default:
			total = calc.Money(rng.Int64())
		}
		got := calc.SplitLargestRemainder(total, ws)
		want := referenceSplit(total, ws)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: SplitLargestRemainder(%d, %v) = %v, the plain method gives %v", i, total, ws, got, want)
		}

		allZero := !slices.ContainsFunc(ws, func(w decimal.Decimal) bool { return !w.IsZero() })
		var sum calc.Money
		for _, p := range got {
			sum += p
		}
		if !allZero && sum != total {
			t.Errorf("case %d: parts add up to %d, total %d", i, sum, total)
		}
		// Each part within one minor unit of its exact share.
		wsum := decimal.Sum(decimal.Zero, ws...)
		for j, p := range got {
			if allZero {
				if p != 0 {
					t.Errorf("case %d: part %d is %d with all weights zero", i, j, p)
				}
				continue
			}
			exact := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(total)), ws[j].Rat())
			exact.Quo(exact, wsum.Rat())
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(p)), exact)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Errorf("case %d: part %d = %d, exact %s", i, j, p, exact.FloatString(4))
			}
		}
		// Deterministic, and the big-integer path (weights with 31 digits)
		// gives what the 64-bit path gives.
		if again := calc.SplitLargestRemainder(total, ws); !slices.Equal(again, got) {
			t.Errorf("case %d: second call gives %v, first %v", i, again, got)
		}
		scaled := make([]decimal.Decimal, n)
		for j, w := range ws {
			scaled[j] = w.Mul(huge)
		}
		if viaBig := calc.SplitLargestRemainder(total, scaled); !slices.Equal(viaBig, got) {
			t.Errorf("case %d: big-integer path %v, 64-bit path %v", i, viaBig, got)
		}
	}
}

func TestSplitLargestRemainderAllocations(t *testing.T) {
	ws := weights(t, eaeuNormatives...)
	if n := testing.AllocsPerRun(100, func() { calc.SplitLargestRemainder(1234567, ws) }); n != 1 {
		t.Errorf("%v allocations, want 1 (the result)", n)
	}
}

func BenchmarkSplitLargestRemainder(b *testing.B) {
	ws := weights(b, eaeuNormatives...)
	b.ReportAllocs()
	for b.Loop() {
		calc.SplitLargestRemainder(123456789, ws)
	}
}

// The EAEU budget is funded in the import-duty normatives' shares: a
// year's subsidy of RUB 12,345.67 splits among AM, BY, KZ, KG and RU so
// that the kopecks add up.
func ExampleSplitLargestRemainder() {
	shares := []decimal.Decimal{
		decimal.RequireFromString("1.220"),
		decimal.RequireFromString("4.560"),
		decimal.RequireFromString("7.055"),
		decimal.RequireFromString("1.900"),
		decimal.RequireFromString("85.265"),
	}
	fmt.Println(calc.SplitLargestRemainder(1234567, shares))
	// Output: [150.62 562.96 870.99 234.57 10526.53]
}

// TestSplitPreparedMatches holds the engine's prepared splitter (weights
// scaled once per loan, no allocation per year) to SplitLargestRemainder.
func TestSplitPreparedMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for n := 0; n < 20000; n++ {
		k := 1 + r.IntN(6)
		switch {
		case n%7 == 0: // more weights than the selection handles: sorted
			k = 17 + r.IntN(100)
		case n%11 == 0: // up to the selection's 16
			k = 7 + r.IntN(10)
		}
		ws := make([]decimal.Decimal, k)
		for i := range ws {
			ws[i] = decimal.New(r.Int64N(100_000), -int32(r.IntN(4)))
			if n%4 == 1 && r.IntN(3) == 0 { // zero weights never get a leftover unit
				ws[i] = decimal.Zero
			}
		}
		if n%3 == 0 { // equal weights: remainders tie, the earlier index wins
			for i := range ws {
				ws[i] = ws[0]
			}
		}
		if n%50 == 0 {
			ws[0] = decimal.New(1, -30) // too fine for the 64-bit path
		}
		total := calc.Money(r.Int64N(1e15))
		if n%5 == 2 { // a few minor units: most parts 0, ties among the rest
			total = calc.Money(r.Int64N(int64(2 * k)))
		}
		if n%10 == 0 {
			total = -total
		}
		got, want := calc.SplitPrepared(total, ws), calc.SplitLargestRemainder(total, ws)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("split %s by %v: prepared %v, SplitLargestRemainder %v", total, ws, got, want)
			}
		}
	}
}
