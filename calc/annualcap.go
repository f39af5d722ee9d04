package calc

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// checkCap checks the annual cap given in the request (an amount like the
// loan's, a known currency) and the exchange rates (above 0, at most
// 10^6, 10 decimals; each year 1990 to 2100 once, at most one rate
// without a year). It reports whether all of them are valid: only then is
// the cap resolved (resolveCap).
func (p *plan) checkCap(c *checker) bool {
	s := &p.req.Subsidy
	n := len(c.list)
	if s.AnnualCap.Set && s.AnnualCap.Cap != nil {
		cp := s.AnnualCap.Cap
		c.dec("subsidy.annual_cap.amount", cp.Amount, decimal.Zero, maxAmount, MinorDigits, false)
		c.enum("subsidy.annual_cap.currency", cp.Currency, Currencies)
	}
	fxYears := map[int]bool{}
	fxDefault := false
	fxList := s.FX
	if !c.within("subsidy.fx", len(s.FX), MaxFXRates) {
		fxList = nil
	}
	for i, fx := range fxList {
		f := "subsidy.fx[" + strconv.Itoa(i) + "]"
		c.dec(f+".rate", fx.Rate, decimal.Zero, decimal.New(1, 6), 10, false)
		if fx.Year == nil {
			if fxDefault {
				c.add(f+".year", Text{Ru: "допускается только один курс без года", En: "only one rate without a year is allowed"})
			}
			fxDefault = true
		} else if *fx.Year < 1990 || *fx.Year > 2100 {
			c.add(f+".year", Text{Ru: "должен быть от 1990 до 2100", En: "must be 1990 to 2100"})
		} else if fxYears[*fx.Year] {
			c.add(f+".year", Text{Ru: "год %d повторяется", En: "duplicate year %d"}, *fx.Year)
		} else {
			fxYears[*fx.Year] = true
		}
	}
	return len(c.list) == n
}

// resolveCap fixes the cap and converts it into the loan currency for
// every year that can receive subsidy: cap / fx, rounded down to the minor
// unit (a conversion never pays more than the cap allows).
//
// A year can receive subsidy when one of its periods (named by the year of
// its payment date) overlaps the window [winStart, winEnd). The periods
// that do are consecutive, from the first ending after winStart to the
// last beginning before winEnd: two binary searches, not a test of every
// period (0.7k instructions for a 10-year monthly loan, not 4.3k). Their
// years are every year from the first one's to the last one's, as two
// payment dates at most 12 months apart are in the same or the next year.
// None overlap when the window is outside the term, or when it ends before
// it starts in an earlier period.
func (p *plan) resolveCap(c *checker) {
	s := &p.req.Subsidy
	p.cap = p.prog.Cap
	if s.AnnualCap.Set {
		p.cap = s.AnnualCap.Cap
		if p.prog.ID != "custom" && !sameCap(p.cap, p.prog.Cap) {
			p.overridden = append(p.overridden, "subsidy.annual_cap")
		}
	}
	if p.cap == nil {
		return
	}
	y0 := p.payYear[0]
	p.capLoan = make([]capYear, p.payYear[p.n]-y0+1)
	// Periods k = first..last overlap the window: dates[k] > winStart and
	// dates[k-1] < winEnd.
	first, _ := slices.BinarySearch(p.dates, p.winStart+1)
	last, _ := slices.BinarySearch(p.dates, p.winEnd)
	first, last = max(first, 1), min(last, p.n)
	if first > last {
		return
	}
	capAmt := p.cap.Amount
	if p.cap.Currency == p.currency {
		capSame, _ := MoneyFromDecimal(capAmt)
		for y := p.payYear[first]; y <= p.payYear[last]; y++ {
			p.capLoan[y-y0] = capYear{amt: capSame, set: true}
		}
		return
	}
	var missing []string
	fxAt := p.fxIndex()
	var tooBig []int // fx entries whose conversion does not fit
	for y := p.payYear[first]; y <= p.payYear[last]; y++ {
		cy := &p.capLoan[y-y0]
		cy.set = true
		i, ok := fxAt(y)
		if !ok {
			missing = append(missing, fmt.Sprint(y))
			continue
		}
		fx := s.FX[i].Rate
		if p.fxUsed == nil {
			p.fxUsed = map[int]decimal.Decimal{}
		}
		p.fxUsed[y] = fx
		q, _ := capAmt.QuoRem(fx, MinorDigits)
		if decCmp(q, maxAmount) > 0 {
			if !slices.Contains(tooBig, i) {
				tooBig = append(tooBig, i)
			}
			continue
		}
		cy.amt = moneyRoundDown(q)
	}
	// A converted cap is an amount in the loan currency and keeps to the
	// bound of every such amount (10^15), so that sums of it fit Money: a
	// rate of 0.0000000001 once showed a cap of 92233720368547758.07.
	for _, i := range tooBig {
		c.add("subsidy.fx["+strconv.Itoa(i)+"].rate", Text{Ru: "по этому курсу годовой лимит %s %s больше %s %s — наибольшей допустимой суммы; курс — это %[2]s за 1 %[4]s", En: "at this rate the annual cap of %s %s is more than %s %s, the largest amount allowed; the rate is %[2]s for 1 %[4]s"}, capAmt.String(), p.cap.Currency, maxAmount.String(), p.currency)
	}
	if len(missing) > 0 {
		c.add("subsidy.fx", Text{Ru: "годовой лимит в %s, кредит в %s: укажите курс (%[1]s за 1 %[2]s) на %s или один курс без года", En: "the annual cap is in %s and the loan in %s: give the exchange rate (%[1]s per 1 %[2]s) for %s, or one rate without a year"}, p.cap.Currency, p.currency, strings.Join(missing, ", "))
	}
}

// capYear is the cap of one payment year in the loan currency; set when
// some period of the year can earn subsidy (unset years have none).
type capYear struct {
	amt Money
	set bool
}

func sameCap(a, b *Cap) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Currency == b.Currency && a.Amount.Equal(b.Amount)
}

// fxIndex returns a function giving the index in subsidy.fx of the rate
// for a year: the year's own, else the one without a year. The list is
// indexed once, so each year costs a look-up rather than a scan.
func (p *plan) fxIndex() func(year int) (int, bool) {
	def := -1
	byYear := make(map[int]int, len(p.req.Subsidy.FX))
	for i, fx := range p.req.Subsidy.FX {
		if fx.Year == nil {
			def = i
		} else if _, dup := byYear[*fx.Year]; !dup {
			byYear[*fx.Year] = i
		}
	}
	return func(year int) (int, bool) {
		if i, ok := byYear[year]; ok {
			return i, true
		}
		return def, def >= 0
	}
}
