package handlers

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestAppendMoney holds the digit writer to calc.Money.String at
// every digit-count boundary, the extremes and random values, appended
// to buffers with and without spare capacity.
func TestAppendMoney(t *testing.T) {
	vals := []int64{0, 1, 5, 9, 10, 99, 100, 101, 999, 1000, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for p := int64(1); p > 0 && p <= math.MaxInt64/10; p *= 10 {
		vals = append(vals, p-1, p, p+1, 10*p-1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		vals = append(vals, r.Int64()>>r.IntN(63))
	}
	for _, v := range vals {
		for _, sign := range []int64{1, -1} {
			m := calc.Money(v * sign)
			want := `x"` + m.String() + `"`
			for _, extra := range []int{0, 1, 40} {
				b := make([]byte, 1, 1+extra)
				b[0] = 'x'
				if got := string(appendMoney(b, m)); got != want {
					t.Fatalf("appendMoney(%d) with %d spare = %s, want %s", int64(m), extra, got, want)
				}
			}
		}
	}
}
