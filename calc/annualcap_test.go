package calc

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

// TestResolveCapYears holds resolveCap's two binary searches to the rule
// they stand for: a payment year gets the cap when one of its periods
// overlaps the window [winStart, winEnd). Windows start and end on payment
// dates, a day either side, inside one period, before or after the term,
// and backwards (a start after the end); in the loan's currency and in
// another one (the exchange rate's years are listed then).
func TestResolveCapYears(t *testing.T) {
	issue := NewDate(2024, 11, 30)
	for _, step := range []int{1, 3, 12} {
		base := &plan{step: step, n: 36 / step, issue: issue}
		base.resolveDates()
		last := base.dates[base.n]
		edges := []Date{issue - 400, issue - 1, issue, issue + 1, last - 1, last, last + 1, last + 400}
		for _, d := range base.dates {
			edges = append(edges, d-1, d, d+1)
		}
		for _, from := range edges {
			for _, to := range edges {
				for _, cur := range []string{"RUB", "USD"} {
					p := *base
					p.req = &Request{Subsidy: SubsidyTerms{FX: []FXRate{{Rate: decimal.NewFromInt(90)}}}}
					p.prog = &Programme{ID: "custom", Cap: &Cap{Amount: decimal.NewFromInt(9_000_000), Currency: "RUB"}}
					p.currency = cur
					p.winStart, p.winEnd = from, to
					c := &checker{}
					p.resolveCap(c)
					want := make([]bool, len(p.capLoan))
					var years []int
					for k := 1; k <= p.n; k++ {
						if p.dates[k-1] < to && p.dates[k] > from {
							want[p.payYear[k]-p.payYear[0]] = true
						}
					}
					for i, w := range want {
						if w {
							years = append(years, p.payYear[0]+i)
						}
						if p.capLoan[i].set != w {
							t.Fatalf("step %d, window %s..%s, %s: year %d set %v, want %v", step, from, to, cur, p.payYear[0]+i, p.capLoan[i].set, w)
						}
						wantAmt := Money(0)
						if w {
							wantAmt = 900_000_000 // RUB 9,000,000.00
							if cur == "USD" {
								wantAmt = 10_000_000 // at 90 RUB per USD
							}
						}
						if p.capLoan[i].amt != wantAmt {
							t.Fatalf("step %d, window %s..%s, %s: year %d cap %d, want %d", step, from, to, cur, p.payYear[0]+i, p.capLoan[i].amt, wantAmt)
						}
					}
					var used []int
					for y := range p.fxUsed {
						used = append(used, y)
					}
					slices.Sort(used)
					if cur == "RUB" {
						years = nil // no exchange rate used
					}
					if fmt.Sprint(used) != fmt.Sprint(years) || c.err() != nil {
						t.Fatalf("step %d, window %s..%s, %s: exchange rates used for %v, want %v; problems %v", step, from, to, cur, used, years, c.err())
					}
				}
			}
		}
	}
}
