package calc_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// randomRequest draws a valid request: every repayment, frequency, day count
// and fixing, grace, several drawdowns, contract rate changes, base rate
// scenarios, windows and caps.
func randomRequest(r *rand.Rand) *calc.Request {
	freqs := []struct {
		name string
		step int
	}{{"monthly", 1}, {"quarterly", 3}, {"semiannual", 6}, {"annual", 12}}
	f := freqs[r.IntN(len(freqs))]
	n := 1 + r.IntN(min(120, 600/f.step))
	term := n * f.step
	issue := calc.NewDate(2000+r.IntN(40), 1, 1).AddMonths(r.IntN(12)) + calc.Date(r.IntN(31))
	amountMinor := int64(1 + r.Int64N(1_000_000_000_000))
	if r.IntN(10) == 0 {
		amountMinor = 1 + r.Int64N(100_000_000_000_000_000) // up to 10^15
	}
	amount := decimal.New(amountMinor, -2)
	rate := decimal.New(r.Int64N(4000_000), -5) // 0 .. 40 %, 5 places
	if r.IntN(10) == 0 {
		rate = decimal.New(r.Int64N(100_000_000), -6) // 0 .. 100 %, 6 places
	}
	req := &calc.Request{
		Loan: calc.Loan{
			Amount: amount, Currency: "RUB", Rate: &rate, IssueDate: issue, TermMonths: term,
			Repayment: []string{"annuity", "equal_principal", "bullet"}[r.IntN(3)],
			Frequency: f.name,
			DayCount:  []string{"act/act", "act/365", "act/360", "30/360"}[r.IntN(4)],
		},
		Subsidy: calc.SubsidyTerms{Programme: "custom"},
	}
	if n > 1 && r.IntN(3) == 0 {
		req.Loan.GraceMonths = r.IntN(n) * f.step
	}
	maturity := issue.AddMonths(term)
	span := int(maturity - issue)
	if r.IntN(3) == 0 && span > 2 {
		// Two to four drawdowns, the first on the issue date or later.
		k := 2 + r.IntN(3)
		left := amountMinor
		used := map[calc.Date]bool{}
		for i := 0; i < k && left > 0; i++ {
			part := left
			if i < k-1 {
				part = left/2 + r.Int64N(left/2+1)
				if part == 0 {
					part = left
				}
			}
			d := issue
			if i > 0 || r.IntN(2) == 0 {
				d = issue + calc.Date(r.IntN(span))
			}
			for used[d] {
				d = issue + calc.Date(r.IntN(span))
			}
			used[d] = true
			req.Loan.Disbursements = append(req.Loan.Disbursements, calc.Disbursement{Date: d, Amount: decimal.New(part, -2)})
			left -= part
		}
		if left > 0 {
			req.Loan.Disbursements[0].Amount = req.Loan.Disbursements[0].Amount.Add(decimal.New(left, -2))
		}
	}
	if r.IntN(3) == 0 && span > 3 {
		used := map[calc.Date]bool{}
		for i := 0; i < 1+r.IntN(3); i++ {
			d := issue + 1 + calc.Date(r.IntN(span-2))
			if used[d] {
				continue
			}
			used[d] = true
			req.Loan.RateChanges = append(req.Loan.RateChanges, calc.RatePoint{Date: d, Rate: decimal.New(r.Int64N(3000_000), -5)})
		}
	}
	// Subsidy rule: EAEU-like, Decree 3, Damu, lost income, or a mix.
	one := decimal.NewFromInt(1)
	rule := &calc.RuleOverride{}
	switch r.IntN(4) {
	case 0:
		rule.BaseShare, rule.LoanShare = &one, &one
	case 1:
		a := decimal.RequireFromString("0.7")
		rule.BaseShare, rule.LoanShare = &a, &one
	case 2:
		c, fl := decimal.RequireFromString("0.4"), decimal.RequireFromString("12.6")
		rule.LoanShare, rule.BorrowerFloor = &c, &fl
	case 3:
		b, t := decimal.NewFromInt(3), true
		rule.BaseShare, rule.PlusPoints, rule.MinusLoan = &one, &b, &t
	}
	fix := []string{"daily", "period_start", "payment_date"}[r.IntN(3)]
	rule.BaseFixing = &fix
	req.Subsidy.Rule = rule
	// A base rate scenario with a few changes, starting before or after issue.
	d := issue - calc.Date(r.IntN(400)) + calc.Date(r.IntN(200))
	for i := 0; i < 1+r.IntN(5) && d < maturity; i++ {
		req.Subsidy.BaseRates = append(req.Subsidy.BaseRates, calc.RatePoint{Date: d, Rate: decimal.New(r.Int64N(2500), -2)})
		d += calc.Date(1 + r.IntN(max(1, span/2)))
	}
	if r.IntN(3) == 0 {
		s := issue + calc.Date(r.IntN(span))
		e := s + 1 + calc.Date(r.IntN(int(maturity-s)+60))
		req.Subsidy.Start, req.Subsidy.End = &s, &e
	}
	if r.IntN(2) == 0 {
		capAmt := decimal.New(1+r.Int64N(amountMinor/10+1), -2)
		req.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: capAmt, Currency: "RUB"}}
	}
	if r.IntN(2) == 0 {
		req.Project.Participants = []calc.Participant{
			{Country: "BY", Share: decimal.RequireFromString("33.333")},
			{Country: "RU", Share: decimal.RequireFromString("33.333")},
			{Country: "KZ", Share: decimal.RequireFromString("33.334")},
		}
		req.Subsidy.Contributions = []calc.CountryShare{
			{Country: "AM", Share: decimal.RequireFromString("1.22")},
			{Country: "BY", Share: decimal.RequireFromString("4.56")},
			{Country: "KZ", Share: decimal.RequireFromString("7.055")},
			{Country: "KG", Share: decimal.RequireFromString("1.9")},
			{Country: "RU", Share: decimal.RequireFromString("85.265")},
		}
	}
	return req
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestProperties checks the invariants of SPEC §2–4 over random valid loans.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := 3000
	if testing.Short() {
		cases = 300
	}
	into := new(calc.Result) // reused by every case, as a server's pool does
	for i := 0; i < cases; i++ {
		req := randomRequest(r)
		res, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			t.Fatalf("case %d: valid request refused: %v\n%s", i, err, mustJSON(t, req))
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d: %s\nrequest: %s", i, fmt.Sprintf(format, args...), mustJSON(t, req))
		}
		amount, _ := calc.MoneyFromDecimal(req.Loan.Amount)
		var principal, drawn calc.Money
		drawn = res.Schedule[0].OpeningBalance
		for k, p := range res.Schedule {
			if p.Interest < 0 || p.Principal < 0 || p.ClosingBalance < 0 || p.OpeningBalance < 0 {
				fail("period %d: negative amount %+v", k+1, p)
			}
			if p.OpeningBalance+p.Drawdown-p.Principal != p.ClosingBalance {
				fail("period %d: balance does not roll: %+v", k+1, p)
			}
			if k > 0 && p.OpeningBalance != res.Schedule[k-1].ClosingBalance {
				fail("period %d: opening %s ≠ previous closing", k+1, p.OpeningBalance)
			}
			if p.Payment != p.Interest+p.Principal {
				fail("period %d: payment ≠ interest + principal", k+1)
			}
			if p.Subsidy > p.Interest || p.SubsidyPaid > p.Subsidy || p.SubsidyPaid < 0 {
				fail("period %d: subsidy %s paid %s interest %s", k+1, p.Subsidy, p.SubsidyPaid, p.Interest)
			}
			if want := payable(res, p.SubsidyPaid); p.SubsidyPayable != want || p.BorrowerInterest != p.Interest-want {
				fail("period %d: payable %s, borrower interest %s", k+1, p.SubsidyPayable, p.BorrowerInterest)
			}
			principal += p.Principal
			drawn += p.Drawdown
		}
		if principal != amount || drawn != amount {
			fail("principal repaid %s, drawn %s, lent %s", principal, drawn, amount)
		}
		if last := res.Schedule[len(res.Schedule)-1]; last.ClosingBalance != 0 {
			fail("last closing balance %s", last.ClosingBalance)
		}
		var yPaid calc.Money
		for _, y := range res.Years {
			if y.Cap != nil && y.SubsidyPaid > *y.Cap {
				fail("year %d: paid %s over cap %s", y.Year, y.SubsidyPaid, *y.Cap)
			}
			var s calc.Money
			for _, b := range y.BudgetShares {
				s += b.Amount
			}
			if len(y.BudgetShares) > 0 && s != y.SubsidyPayable {
				fail("year %d: budget shares add up to %s, not %s", y.Year, s, y.SubsidyPayable)
			}
			if y.SubsidyPayable != payable(res, y.SubsidyPaid) {
				fail("year %d: payable %s, paid %s", y.Year, y.SubsidyPayable, y.SubsidyPaid)
			}
			yPaid += y.SubsidyPaid
		}
		if yPaid != res.Totals.SubsidyPaid || res.Totals.Principal != amount || res.Totals.SubsidyPayable != payable(res, yPaid) {
			fail("totals do not match years")
		}
		if len(res.Participants) > 0 {
			var s calc.Money
			for _, pa := range res.Participants {
				s += pa.Subsidy
			}
			if s != res.Totals.SubsidyPayable {
				fail("participants add up to %s, not %s", s, res.Totals.SubsidyPayable)
			}
		}
		// Determinism and the fast path against the plain decimal one.
		again, _ := calc.Calculate(req, calc.Options{})
		if !sameResult(res, again) {
			fail("two runs differ")
		}
		reused, err := calc.Calculate(req, calc.Options{Into: into})
		if err != nil || reused != into {
			fail("Options.Into: %v, result %p, want %p", err, reused, into)
		}
		if !sameResult(res, reused) {
			fail("the result computed in reused memory differs:\nfresh  %s\nreused %s", mustJSON(t, res), mustJSON(t, reused))
		}
		slow, err := calc.CalculateDecimal(req, calc.Options{})
		if err != nil {
			fail("decimal path: %v", err)
		}
		if a, b := mustJSON(t, res), mustJSON(t, slow); a != b {
			fail("fast and decimal accruals differ:\nfast    %s\ndecimal %s", a, b)
		}
	}
}

// sameResult reports whether a and b are the same result: equal fields,
// and checks that say the same (a check's message is formatted when read,
// so the checks are compared by what they say).
func sameResult(a, b *calc.Result) bool {
	ac, bc := calc.WithoutScratch(*a), calc.WithoutScratch(*b)
	ac.Checks, bc.Checks = nil, nil
	ja, _ := json.Marshal(a.Checks)
	jb, _ := json.Marshal(b.Checks)
	return reflect.DeepEqual(ac, bc) && string(ja) == string(jb)
}
