package calc

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// TestParticipantSplitterMatchesShares holds the split by the participants'
// millionths from their check (participantSplitter) to the split by the
// shares themselves (newSplitter) on random valid shares, written short
// and long ("40", "40.000000000000000000000"), and random totals,
// negative ones included.
func TestParticipantSplitterMatchesShares(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for range 3000 {
		n := 1 + rng.IntN(16)
		ms := make([]int64, n) // millionths of a percent, each > 0, adding up to 10^8
		left := int64(100_000_000) - int64(n)
		for i := range ms {
			ms[i] = 1
		}
		for left > 0 {
			i := rng.IntN(n)
			d := 1 + rng.Int64N(left)
			if rng.IntN(3) > 0 {
				d = min(left, (1+rng.Int64N(100))*pow10i64[rng.IntN(8)])
			}
			ms[i] += d
			left -= d
		}
		p := &plan{}
		w := make([]decimal.Decimal, n)
		for i, m := range ms {
			w[i] = decimal.New(m, -6)
			switch rng.IntN(3) {
			case 0:
				w[i] = decimal.RequireFromString(w[i].String())
			case 1:
				w[i] = decimal.RequireFromString(w[i].StringFixed(21))
			}
		}
		c := &checker{}
		c.shares("project.participants", n, func(i int) (string, decimal.Decimal) { return "RU", w[i] }, p.partMicros[:])
		if err := c.err(); err != nil {
			t.Fatalf("shares %v: %v", w, err)
		}
		ps, want := p.participantSplitter(w), newSplitter(w, nil)
		for range 5 {
			total := Money(rng.Int64N(1 << uint(1+rng.IntN(62))))
			if rng.IntN(8) == 0 {
				total = -total
			}
			got, exp := make([]Money, n), make([]Money, n)
			ps.into(total, got)
			want.into(total, exp)
			for i := range got {
				if got[i] != exp[i] {
					t.Fatalf("shares %v, total %d: %v, want %v", w, total, got, exp)
				}
			}
		}
	}
}
