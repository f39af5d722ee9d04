package calc_test

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestAnnuityPaymentMatchesBigFloat holds the double-double instalment to a
// 128-bit big.Float computation over random balances (up to 10^17 minor
// units), rates (up to 100 %, 6 places), frequencies and terms.
func TestAnnuityPaymentMatchesBigFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	ppys := []int{1, 2, 4, 12}
	for n := 0; n < 20000; n++ {
		bal := calc.Money(1 + r.Int64N(1e11))
		if n%5 == 0 {
			bal = calc.Money(1 + r.Int64N(1e17))
		}
		rate := decimal.New(r.Int64N(100_000_001), -6)
		if n%7 == 0 {
			rate = decimal.New(r.Int64N(100), -6) // tiny rates: q − 1 is small
		}
		ppy := ppys[r.IntN(len(ppys))]
		m := 1 + r.IntN(600/(12/ppy))
		got := calc.AnnuityPayment(bal, rate, ppy, m)
		want := calc.AnnuityPaymentBig(bal, rate, ppy, m)
		if got != want {
			t.Fatalf("balance %s rate %s ppy %d m %d: double-double %s, big.Float %s", bal, rate, ppy, m, got, want)
		}
	}
}

// TestAnnuityPaymentKnown checks spreadsheet values: PMT(1%;120;-1000000)
// = 14347.09 and PMT(24.5%/12;60;-10^9) = 29058916.37.
func TestAnnuityPaymentKnown(t *testing.T) {
	cases := []struct {
		bal  calc.Money
		rate string
		m    int
		want string
	}{
		{100_000_000, "12", 120, "14347.09"},
		{100_000_000_000, "24.5", 60, "29058916.37"},
		{100, "0", 3, "0.33"},
	}
	for _, c := range cases {
		if got := calc.AnnuityPayment(c.bal, decimal.RequireFromString(c.rate), 12, c.m).String(); got != c.want {
			t.Errorf("%s at %s%% over %d: %s, want %s", c.bal, c.rate, c.m, got, c.want)
		}
	}
}
