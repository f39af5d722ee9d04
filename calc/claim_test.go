package calc_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// planLedger turns a calculation's plan into the ledger of a loan that
// went exactly to plan: its drawdowns, each payment's principal on its
// date and its contract-rate changes, in date order (drawdowns first on a
// shared date).
func planLedger(req *calc.Request, res *calc.Result) []calc.LedgerEntry {
	var l []calc.LedgerEntry
	if len(req.Loan.Disbursements) == 0 {
		l = append(l, calc.LedgerEntry{Type: calc.LedgerDrawdown, Date: req.Loan.IssueDate, Amount: req.Loan.Amount})
	}
	for _, d := range req.Loan.Disbursements {
		l = append(l, calc.LedgerEntry{Type: calc.LedgerDrawdown, Date: d.Date, Amount: d.Amount})
	}
	for _, rc := range req.Loan.RateChanges {
		rate := rc.Rate
		l = append(l, calc.LedgerEntry{Type: calc.LedgerRateChange, Date: rc.Date, Rate: &rate})
	}
	for _, p := range res.Schedule {
		if p.Principal > 0 {
			l = append(l, calc.LedgerEntry{Type: calc.LedgerRepayment, Date: p.End, Amount: p.Principal.Decimal()})
		}
	}
	order := map[string]int{calc.LedgerDrawdown: 0, calc.LedgerRateChange: 1, calc.LedgerRepayment: 2}
	slices.SortStableFunc(l, func(a, b calc.LedgerEntry) int {
		if a.Date != b.Date {
			return int(a.Date - b.Date)
		}
		return order[a.Type] - order[b.Type]
	})
	return l
}

func claimOf(req *calc.Request, ledger []calc.LedgerEntry, cp calc.ClaimPeriods) *calc.ClaimRequest {
	return &calc.ClaimRequest{Project: req.Project, Loan: req.Loan, Subsidy: req.Subsidy, Ledger: ledger, Claims: cp}
}

// checkClaimInvariants holds what every claim must satisfy.
func checkClaimInvariants(t *testing.T, cr *calc.ClaimRequest, res *calc.ClaimResult, want []calc.DateRange) {
	t.Helper()
	if len(want) > 0 && len(res.Periods) != len(want) {
		t.Fatalf("%d periods, want %d", len(res.Periods), len(want))
	}
	capUsed := map[int]calc.Money{}
	var tot calc.ClaimTotals
	for i, p := range res.Periods {
		if len(want) > 0 && (p.From != want[i].From || p.To != want[i].To) {
			t.Fatalf("period %d is %s–%s, want %s–%s", i, p.From, p.To, want[i].From, want[i].To)
		}
		if i > 0 && p.From < res.Periods[i-1].To {
			t.Fatalf("period %d overlaps the previous one", i)
		}
		// Rows tile the period exactly.
		if len(p.Rows) == 0 || p.Rows[0].From != p.From || p.Rows[len(p.Rows)-1].To != p.To {
			t.Fatalf("period %d rows do not cover %s–%s", i, p.From, p.To)
		}
		var sum calc.Money
		for j, r := range p.Rows {
			if r.To <= r.From || (j > 0 && r.From != p.Rows[j-1].To) {
				t.Fatalf("period %d row %d %s–%s does not follow on", i, j, r.From, r.To)
			}
			if r.From.Year() != (r.To - 1).Year() {
				t.Fatalf("row %s–%s crosses 1 January", r.From, r.To)
			}
			if r.Amount != min(r.AmountRule, r.AmountLimit) || r.Amount > r.AmountLimit || r.Amount < 0 {
				t.Fatalf("row %s: amount %s, rule %s, limit %s", r.From, r.Amount, r.AmountRule, r.AmountLimit)
			}
			if r.SubsidisedBalance != max(0, r.Balance-r.Overdue) {
				t.Fatalf("row %s: subsidised %s of balance %s overdue %s", r.From, r.SubsidisedBalance, r.Balance, r.Overdue)
			}
			if r.RuleRate.IsNegative() {
				t.Fatalf("row %s: negative rule rate %s", r.From, r.RuleRate)
			}
			sum += r.Amount
		}
		if sum != p.Claimed {
			t.Fatalf("period %d: rows add up to %s, claimed %s", i, sum, p.Claimed)
		}
		if p.Payable > p.Claimed || p.Payable < 0 || (p.Payable < p.Claimed && res.Eligible && !p.CapApplied) {
			t.Fatalf("period %d: payable %s of claimed %s (cap %v)", i, p.Payable, p.Claimed, p.CapApplied)
		}
		if !res.Eligible && (p.Payable != 0 || p.Planned != 0) {
			t.Fatalf("ineligible loan pays %s", p.Payable)
		}
		if p.Difference != p.Payable-p.Planned || (p.Difference == 0) != (len(p.Causes) == 0) && p.Difference == 0 {
			t.Fatalf("period %d: difference %s causes %v", i, p.Difference, p.Causes)
		}
		capUsed[p.Year] += p.Payable
		if p.CapLeft != nil && *p.CapLeft < 0 {
			t.Fatalf("period %d: cap left %s", i, *p.CapLeft)
		}
		tot.Claimed += p.Claimed
		tot.Payable += p.Payable
		tot.Planned += p.Planned
	}
	tot.Difference = tot.Payable - tot.Planned
	if tot != res.Totals {
		t.Fatalf("totals %+v, periods add up to %+v", res.Totals, tot)
	}
	if c := cr.Subsidy.AnnualCap.Cap; cr.Subsidy.AnnualCap.Set && c != nil && c.Currency == cr.Loan.Currency {
		capM, _ := calc.MoneyFromDecimal(c.Amount)
		for y, u := range capUsed {
			if u > capM {
				t.Fatalf("year %d pays %s over the cap %s", y, u, capM)
			}
		}
	}
}

// TestClaimProperties: over random loans that went exactly to plan, the
// claim's invariants hold and the claim equals the plan in every period;
// after random early repayments and overdue spans the invariants still
// hold and every difference names a cause.
func TestClaimProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 7))
	ran := 0
	defer func() { t.Logf("%d perturbed claims checked", ran) }()
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := range n {
		req := randomRequest(r)
		if req.Loan.TermMonths > 120 {
			continue
		}
		res, err := calc.Calculate(req, calc.Options{})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		ledger := planLedger(req, res)
		freq := []string{"monthly", "quarterly"}[r.IntN(2)]
		maturity := req.Loan.IssueDate.AddMonths(req.Loan.TermMonths)
		cr := claimOf(req, ledger, calc.ClaimPeriods{Frequency: freq, From: req.Loan.IssueDate, To: maturity})
		cl, err := calc.Claim(cr, calc.Options{})
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, mustJSON(t, cr))
		}
		checkClaimInvariants(t, cr, cl, nil)
		if cl.Periods[0].From != req.Loan.IssueDate || cl.Periods[len(cl.Periods)-1].To != maturity {
			t.Fatalf("case %d: periods %s–%s, loan %s–%s", i, cl.Periods[0].From, cl.Periods[len(cl.Periods)-1].To, req.Loan.IssueDate, maturity)
		}
		for _, p := range cl.Periods {
			if p.Difference != 0 {
				t.Fatalf("case %d: a loan that went to plan differs by %s in %s–%s (%v)\n%s", i, p.Difference, p.From, p.To, p.Causes, mustJSON(t, cr))
			}
		}

		// Claim periods equal to the payment periods: without a cap, each
		// claim is the plan's subsidy up to the rounding of its rows.
		if !req.Subsidy.AnnualCap.Set && req.Subsidy.Rule.LoanShare != nil && req.Subsidy.Rule.BorrowerFloor == nil {
			var per []calc.DateRange
			for _, p := range res.Schedule {
				per = append(per, calc.DateRange{From: p.Start, To: p.End})
			}
			cr2 := claimOf(req, ledger, calc.ClaimPeriods{Periods: per})
			cl2, err := calc.Claim(cr2, calc.Options{})
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			checkClaimInvariants(t, cr2, cl2, per)
			for k, p := range cl2.Periods {
				d := p.Claimed - res.Schedule[k].Subsidy
				if d < 0 {
					d = -d
				}
				if int(d) > len(p.Rows) {
					t.Fatalf("case %d period %d: claimed %s, plan %s, %d rows", i, k+1, p.Claimed, res.Schedule[k].Subsidy, len(p.Rows))
				}
			}
		}

		// Early repayments and overdue.
		bal := calc.Money(0)
		var ledger2 []calc.LedgerEntry
		for _, e := range ledger {
			m, _ := calc.MoneyFromDecimal(e.Amount)
			switch e.Type {
			case calc.LedgerDrawdown:
				bal += m
			case calc.LedgerRepayment:
				if m > bal {
					m = bal
				}
				if m == 0 {
					continue
				}
				e.Amount = m.Decimal()
				bal -= m
			}
			ledger2 = append(ledger2, e)
			if e.Type != calc.LedgerRateChange && bal > 10 && r.IntN(8) == 0 {
				d := e.Date + 1 + calc.Date(r.IntN(20))
				if d < maturity {
					part := calc.Money(1 + r.Int64N(int64(bal/2)))
					if r.IntN(2) == 0 {
						ledger2 = append(ledger2, calc.LedgerEntry{Type: calc.LedgerOverdue, From: d, To: d + 1 + calc.Date(r.IntN(60)), Amount: part.Decimal()})
					} else {
						ledger2 = append(ledger2, calc.LedgerEntry{Type: calc.LedgerRepayment, Date: d, Amount: part.Decimal()})
						bal -= part
					}
				}
			}
		}
		slices.SortStableFunc(ledger2, func(a, b calc.LedgerEntry) int {
			wa, wb := a.Date, b.Date
			if a.Type == calc.LedgerOverdue {
				wa = a.From
			}
			if b.Type == calc.LedgerOverdue {
				wb = b.From
			}
			return int(wa - wb)
		})
		cr3 := claimOf(req, ledger2, calc.ClaimPeriods{Frequency: freq, From: req.Loan.IssueDate, To: maturity})
		cl3, err := calc.Claim(cr3, calc.Options{})
		if err != nil {
			var ce *calc.Error
			if errors.As(err, &ce) && len(ce.Fields) > 0 && strings.HasPrefix(ce.Fields[0].Field, "ledger[") {
				continue // a random repayment may overtake later ones: the validator's business
			}
			t.Fatalf("case %d: %v", i, err)
		}
		ran++
		checkClaimInvariants(t, cr3, cl3, nil)
		for _, p := range cl3.Periods {
			if p.Difference != 0 && len(p.Causes) == 0 {
				t.Fatalf("case %d: %s–%s differs by %s with no cause", i, p.From, p.To, p.Difference)
			}
		}
	}
}

func mustRate(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }

// TestClaimInvalid: every bad ledger and period is a 422 naming the entry.
func TestClaimInvalid(t *testing.T) {
	base := func() *calc.ClaimRequest {
		return &calc.ClaimRequest{
			Loan: calc.Loan{Amount: decimal.RequireFromString("1000000"), Currency: "RUB", Rate: mustRate("20"),
				IssueDate: calc.MustDate("2025-03-14"), TermMonths: 24},
			Subsidy: calc.SubsidyTerms{Programme: "custom", BaseRates: []calc.RatePoint{{Date: calc.MustDate("2025-01-01"), Rate: decimal.NewFromInt(18)}},
				Rule: &calc.RuleOverride{BaseShare: mustRate("1"), LoanShare: mustRate("1")}},
			Ledger: []calc.LedgerEntry{{Type: "drawdown", Date: calc.MustDate("2025-03-14"), Amount: decimal.RequireFromString("1000000")}},
			Claims: calc.ClaimPeriods{Frequency: "quarterly", From: calc.MustDate("2025-03-14"), To: calc.MustDate("2026-01-01")},
		}
	}
	d := calc.MustDate
	amt := decimal.RequireFromString
	tests := []struct {
		name  string
		edit  func(r *calc.ClaimRequest)
		field string
	}{
		{"OK", func(r *calc.ClaimRequest) {}, ""},
		{"RepaysMoreThanDrawn", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "repayment", Date: d("2025-04-14"), Amount: amt("600000")},
				calc.LedgerEntry{Type: "repayment", Date: d("2025-05-14"), Amount: amt("600000")})
		}, "ledger[2].amount"},
		{"BeforeIssue", func(r *calc.ClaimRequest) { r.Ledger[0].Date = d("2025-03-13") }, "ledger[0].date"},
		{"OutOfOrder", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "repayment", Date: d("2025-06-14"), Amount: amt("1000")},
				calc.LedgerEntry{Type: "repayment", Date: d("2025-05-14"), Amount: amt("1000")})
		}, "ledger[2].date"},
		{"OverdueOutOfOrder", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "repayment", Date: d("2025-06-14"), Amount: amt("1000")},
				calc.LedgerEntry{Type: "overdue", From: d("2025-05-14"), To: d("2025-05-20"), Amount: amt("1000")})
		}, "ledger[2].from"},
		{"OverdueEmpty", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "overdue", From: d("2025-05-14"), To: d("2025-05-14"), Amount: amt("1000")})
		}, "ledger[1].to"},
		{"OverdueOverBalance", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "overdue", From: d("2025-05-14"), To: d("2025-05-20"), Amount: amt("1000000.01")})
		}, "ledger[1].amount"},
		{"UnknownType", func(r *calc.ClaimRequest) { r.Ledger[0].Type = "payment" }, "ledger[0].type"},
		{"RateMissing", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "rate_change", Date: d("2025-05-14")})
		}, "ledger[1].rate"},
		{"RateOnIssue", func(r *calc.ClaimRequest) {
			r.Ledger = append(r.Ledger, calc.LedgerEntry{Type: "rate_change", Date: d("2025-03-14"), Rate: mustRate("10")})
		}, "ledger[1].date"},
		{"AmountCents", func(r *calc.ClaimRequest) { r.Ledger[0].Amount = amt("1.001") }, "ledger[0].amount"},
		{"DrawsTooMuch", func(r *calc.ClaimRequest) { r.Ledger[0].Amount = amt("1000000.01") }, "ledger[0].amount"},
		{"NoLedger", func(r *calc.ClaimRequest) { r.Ledger = nil }, "ledger"},
		{"NoClaims", func(r *calc.ClaimRequest) { r.Claims = calc.ClaimPeriods{} }, "claims"},
		{"BadFrequency", func(r *calc.ClaimRequest) { r.Claims.Frequency = "annual" }, "claims.frequency"},
		{"OutsideTerm", func(r *calc.ClaimRequest) {
			r.Claims = calc.ClaimPeriods{Frequency: "monthly", From: d("2030-01-01"), To: d("2030-02-01")}
		}, "claims.from"},
		{"PeriodsOverlap", func(r *calc.ClaimRequest) {
			r.Claims = calc.ClaimPeriods{Periods: []calc.DateRange{{From: d("2025-04-01"), To: d("2025-07-01")}, {From: d("2025-06-01"), To: d("2025-08-01")}}}
		}, "claims.periods[1].from"},
		{"PeriodOutsideTerm", func(r *calc.ClaimRequest) {
			r.Claims = calc.ClaimPeriods{Periods: []calc.DateRange{{From: d("2025-01-01"), To: d("2025-04-01")}}}
		}, "claims.periods[0].from"},
		{"LoanAndLedgerTogether", func(r *calc.ClaimRequest) { r.Loan.Rate = nil; r.Ledger[0].Type = "x" }, "loan.rate"},
		{"FieldUnused", func(r *calc.ClaimRequest) { r.Ledger[0].Rate = mustRate("5") }, "ledger[0].rate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.edit(r)
			_, err := calc.Claim(r, calc.Options{})
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ce *calc.Error
			if !errors.As(err, &ce) || ce.Kind != calc.Invalid {
				t.Fatalf("error %v, want Invalid naming %s", err, tt.field)
			}
			var fields []string
			for _, f := range ce.Fields {
				fields = append(fields, f.Field)
				if f.En == "" || f.Ru == "" {
					t.Errorf("%s: a message is missing: %q / %q", f.Field, f.En, f.Ru)
				}
			}
			if !slices.Contains(fields, tt.field) {
				t.Fatalf("fields %v, want %s", fields, tt.field)
			}
		})
	}
}

// TestClaimRuleSteps: a rule whose terms change with the loan's age
// (SPEC §9) cuts the rows on the anniversary and claims each year at its
// own terms: over the payment periods the claim is the schedule's subsidy
// up to the rows' rounding, and the second year is claimed at half the
// loan rate.
func TestClaimRuleSteps(t *testing.T) {
	half := decimal.RequireFromString("0.5")
	req := &calc.Request{
		Loan: calc.Loan{Amount: decimal.RequireFromString("12000000"), Currency: "RUB", Rate: mustRate("18"),
			IssueDate: calc.MustDate("2025-03-14"), TermMonths: 24, Repayment: "bullet"},
		Subsidy: calc.SubsidyTerms{Programme: "custom", BaseRates: []calc.RatePoint{{Date: calc.MustDate("2025-01-01"), Rate: decimal.NewFromInt(21)}},
			Rule: &calc.RuleOverride{BaseShare: mustRate("1"), LoanShare: mustRate("1"), Steps: []calc.RuleStep{{FromYear: 2, LoanShare: &half}}}},
	}
	res, err := calc.Calculate(req, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var per []calc.DateRange
	for _, p := range res.Schedule {
		per = append(per, calc.DateRange{From: p.Start, To: p.End})
	}
	cr := claimOf(req, planLedger(req, res), calc.ClaimPeriods{Periods: per})
	cl, err := calc.Claim(cr, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkClaimInvariants(t, cr, cl, per)
	for k, p := range cl.Periods {
		if d := p.Claimed - res.Schedule[k].Subsidy; d < -calc.Money(len(p.Rows)) || d > calc.Money(len(p.Rows)) {
			t.Errorf("period %d: claimed %s, schedule %s", k+1, p.Claimed, res.Schedule[k].Subsidy)
		}
		for _, r := range p.Rows {
			want := "18"
			if r.From >= calc.MustDate("2026-03-14") {
				want = "9"
			}
			if r.RuleRate.String() != want || r.LimitRate.String() != want {
				t.Errorf("row %s: rule %s, limit %s, want %s", r.From, r.RuleRate, r.LimitRate, want)
			}
			if r.From < calc.MustDate("2026-03-14") && r.To > calc.MustDate("2026-03-14") {
				t.Errorf("row %s–%s crosses the anniversary", r.From, r.To)
			}
		}
	}
}
