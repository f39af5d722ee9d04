package calc_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// FuzzCalculateJSON decodes arbitrary bytes as a request, as the API does,
// and requires Calculate to return promptly without panicking: either an
// Invalid *calc.Error naming fields, or a result that repays the amount
// exactly, ends at zero and never pays more subsidy than interest.
//
// The normal test run only runs the seeds (the golden requests and a few
// hand-written ones); fuzz with
//
//	go test ./calc -run '^$' -fuzz FuzzCalculateJSON -fuzztime 3m
func FuzzCalculateJSON(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no golden requests: %v", err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"loan":{"amount":"1000000","currency":"RUB","rate":"20","issue_date":"2026-01-15","term_months":24},"subsidy":{"programme":"eaeu-industrial"},"project":{"participants":[{"country":"RU","share":50},{"country":"BY","share":30},{"country":"KZ","share":20}]}}`,
		`{"loan":{"amount":"1000000","currency":"AMD","rate":"15","issue_date":"2023-07-01","term_months":12,"frequency":"quarterly"},"subsidy":{"programme":"eaeu-industrial","fx":[{"rate":"0.21"}]}}`,
		`{"loan":{"amount":"200000000","currency":"KZT","rate":"18.75","issue_date":"2024-03-01","term_months":36,"repayment":"equal_principal"},"subsidy":{"programme":"kz-isker-aimak"},"lang":"en"}`,
		`{"loan":{"amount":"5000000","currency":"RUB","rate":"20","issue_date":"2024-07-01","term_months":36,"repayment":"bullet","day_count":"act/360"},"subsidy":{"programme":"ru-industrial-0.7"}}`,
		`{"loan":{"amount":"10000000","currency":"BYN","rate":"15","issue_date":"2023-07-01","term_months":24,"grace_months":6},"subsidy":{"programme":"by-refinancing-share","rule":{"base_share":"0.5"}}}`,
		`{"loan":{"amount":"0.01","currency":"RUB","rate":"100","issue_date":"2099-12-31","term_months":12,"frequency":"annual"},"subsidy":{"programme":"union-state","annual_cap":null}}`,
		`{"loan":{"amount":1e9999,"currency":"RUB","rate":-0,"issue_date":"1990-01-01","term_months":600},"subsidy":{"programme":"custom","rule":{"borrower_floor":"0"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var req calc.Request
		if err := json.Unmarshal(data, &req); err != nil {
			return
		}
		checkFuzzResult(t, &req)
	})
}

// FuzzCalculateFields builds a request from typed values, so that the fuzzer
// spends its time inside the engine rather than in the JSON decoder, and
// checks the same invariants as FuzzCalculateJSON. Run it with
//
//	go test ./calc -run '^$' -fuzz FuzzCalculateFields -fuzztime 3m
func FuzzCalculateFields(f *testing.F) {
	// amount (minor units), rate (1e-6 %), issue (days since 1970), term,
	// choices (programme, currency, frequency, repayment, day count, fixing
	// packed in bytes), grace, second drawdown offset and share (per
	// mille), rate change offset and rate, base rate and change offset,
	// cap (minor units, 0: none), window start and end offsets.
	f.Add(int64(100000000000), int64(20000000), int32(19783), 24, uint64(0), 0, 0, 0, 0, int64(0), int64(16000000), 0, int64(0), 0, 0)
	f.Add(int64(30000000000000), int64(19500000), int32(20249), 24, uint64(0x050101), 3, 40, 500, 200, int64(21000000), int64(16500000), 125, int64(35000000000), 0, 365)
	f.Add(int64(1), int64(100000000), int32(7305), 600, uint64(0x0203020100), 0, 0, 0, 0, int64(0), int64(0), 0, int64(1), 10, 0)
	f.Add(int64(100000000000000000), int64(0), int32(47481), 12, uint64(0x0102030405), 11, 1, 999, 5, int64(1), int64(100000000), 1, int64(0), 0, 0)
	programmes := []string{"eaeu-industrial", "ru-industrial-0.7", "kz-isker-aimak", "by-refinancing-share", "union-state", "custom"}
	currencies := []string{"RUB", "KZT", "BYN", "AMD", "KGS", "USD"}
	freqs := []string{"monthly", "quarterly", "semiannual", "annual"}
	repays := []string{"annuity", "equal_principal", "bullet"}
	dcs := []string{"act/act", "act/365", "act/360", "30/360"}
	fixes := []string{"daily", "period_start", "payment_date"}
	f.Fuzz(func(t *testing.T, amount, rate int64, issue int32, term int, choice uint64, grace, drawOff, drawShare, changeOff int,
		changeRate, baseRate int64, baseOff int, capMinor int64, startOff, endOff int) {
		pick := func(list []string, shift uint) string { return list[int(choice>>shift&0xff)%len(list)] }
		req := &calc.Request{
			Loan: calc.Loan{
				Amount: decimal.New(amount, -2), Currency: pick(currencies, 8), Rate: ptr(decimal.New(rate, -6)),
				IssueDate: calc.Date(issue), TermMonths: term, Frequency: pick(freqs, 16), Repayment: pick(repays, 24),
				DayCount: pick(dcs, 32), GraceMonths: grace,
			},
			Subsidy: calc.SubsidyTerms{Programme: pick(programmes, 0), BaseCountry: "RU"},
		}
		if choice>>56&1 == 1 {
			req.Lang = "en"
		}
		req.Subsidy.Rule = &calc.RuleOverride{BaseFixing: ptr(pick(fixes, 40))}
		if req.Subsidy.Programme == "custom" {
			switch choice >> 48 & 3 {
			case 0:
				req.Subsidy.Rule.BaseShare, req.Subsidy.Rule.LoanShare = ptr(dec("1")), ptr(dec("1"))
			case 1:
				req.Subsidy.Rule.BaseShare, req.Subsidy.Rule.LoanShare = ptr(dec("0.7")), ptr(dec("1"))
			case 2:
				req.Subsidy.Rule.LoanShare, req.Subsidy.Rule.BorrowerFloor = ptr(dec("0.4")), ptr(dec("12.6"))
			case 3:
				req.Subsidy.Rule.BaseShare, req.Subsidy.Rule.PlusPoints, req.Subsidy.Rule.MinusLoan = ptr(dec("1")), ptr(dec("3")), ptr(true)
			}
		}
		if drawOff > 0 && drawShare > 0 && drawShare < 1000 && amount > 1 {
			second := amount / 1000 * int64(drawShare)
			req.Loan.Disbursements = []calc.Disbursement{
				{Date: calc.Date(issue), Amount: decimal.New(amount-second, -2)},
				{Date: calc.Date(issue) + calc.Date(drawOff), Amount: decimal.New(second, -2)},
			}
		}
		if changeOff > 0 {
			req.Loan.RateChanges = []calc.RatePoint{{Date: calc.Date(issue) + calc.Date(changeOff), Rate: decimal.New(changeRate, -6)}}
		}
		if baseRate > 0 {
			req.Subsidy.BaseRates = []calc.RatePoint{{Date: calc.Date(issue) - 30, Rate: decimal.New(baseRate, -6)}}
			if baseOff > 0 {
				req.Subsidy.BaseRates = append(req.Subsidy.BaseRates, calc.RatePoint{Date: calc.Date(issue) + calc.Date(baseOff), Rate: decimal.New(baseRate/2, -6)})
			}
		}
		if capMinor != 0 {
			req.Subsidy.AnnualCap = calc.OptionalCap{Set: true, Cap: &calc.Cap{Amount: decimal.New(capMinor, -2), Currency: "RUB"}}
		}
		req.Subsidy.FX = []calc.FXRate{{Rate: dec("0.2")}}
		if startOff > 0 {
			req.Subsidy.Start = ptr(calc.Date(issue) + calc.Date(startOff))
		}
		if endOff > 0 {
			req.Subsidy.End = ptr(calc.Date(issue) + calc.Date(endOff))
		}
		checkFuzzResult(t, req)
	})
}

// checkFuzzResult runs Calculate on req with a time limit and checks the
// invariants every answer must hold.
func checkFuzzResult(t *testing.T, req *calc.Request) {
	t.Helper()
	type out struct {
		res *calc.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := calc.Calculate(req, calc.Options{})
		done <- out{res, err}
	}()
	timer := time.NewTimer(10 * time.Second)
	var o out
	select {
	case o = <-done:
		timer.Stop()
	case <-timer.C:
		t.Fatalf("Calculate did not return within 10 s")
	}
	if o.err != nil {
		var e *calc.Error
		if !errors.As(o.err, &e) || e.Kind != calc.Invalid || len(e.Fields) == 0 {
			t.Fatalf("error %T %v: want an Invalid *calc.Error naming fields", o.err, o.err)
		}
		for _, fe := range e.Fields {
			if fe.Field == "" || fe.En == "" || fe.Ru == "" {
				t.Fatalf("incomplete field error %+v", fe)
			}
		}
		return
	}
	res := o.res
	amount, err := calc.MoneyFromDecimal(req.Loan.Amount)
	if err != nil {
		t.Fatalf("accepted amount %s: %v", req.Loan.Amount, err)
	}
	if len(res.Schedule) == 0 {
		t.Fatalf("empty schedule")
	}
	var principal calc.Money
	for _, p := range res.Schedule {
		if p.Subsidy > p.Interest || p.SubsidyPaid > p.Subsidy || p.SubsidyPaid < 0 {
			t.Fatalf("period %d: interest %s subsidy %s paid %s", p.N, p.Interest, p.Subsidy, p.SubsidyPaid)
		}
		if want := payable(res, p.SubsidyPaid); p.SubsidyPayable != want || p.BorrowerInterest != p.Interest-want {
			t.Fatalf("period %d: payable %s borrower interest %s (eligible %v, paid %s)", p.N, p.SubsidyPayable, p.BorrowerInterest, res.Eligible, p.SubsidyPaid)
		}
		if p.Interest < 0 || p.Principal < 0 || p.ClosingBalance < 0 {
			t.Fatalf("period %d: negative amount %+v", p.N, p)
		}
		principal += p.Principal
	}
	if principal != amount {
		t.Fatalf("principal repaid %s, lent %s", principal, amount)
	}
	if last := res.Schedule[len(res.Schedule)-1]; last.ClosingBalance != 0 {
		t.Fatalf("last closing balance %s", last.ClosingBalance)
	}
	var paid calc.Money
	for _, y := range res.Years {
		if y.Cap != nil && y.SubsidyPaid > *y.Cap {
			t.Fatalf("year %d: paid %s over the cap %s", y.Year, y.SubsidyPaid, *y.Cap)
		}
		var shares calc.Money
		for _, b := range y.BudgetShares {
			shares += b.Amount
		}
		if len(y.BudgetShares) > 0 && shares != y.SubsidyPayable {
			t.Fatalf("year %d: budget shares add up to %s, payable %s", y.Year, shares, y.SubsidyPayable)
		}
		if y.SubsidyPayable != payable(res, y.SubsidyPaid) {
			t.Fatalf("year %d: payable %s, paid %s, eligible %v", y.Year, y.SubsidyPayable, y.SubsidyPaid, res.Eligible)
		}
		paid += y.SubsidyPaid
	}
	if paid != res.Totals.SubsidyPaid {
		t.Fatalf("years add up to %s, total %s", paid, res.Totals.SubsidyPaid)
	}
	if res.Totals.SubsidyPayable != payable(res, res.Totals.SubsidyPaid) {
		t.Fatalf("total payable %s, paid %s, eligible %v", res.Totals.SubsidyPayable, res.Totals.SubsidyPaid, res.Eligible)
	}
	if res.Totals.SubsidyPaid > res.Totals.Interest {
		t.Fatalf("paid subsidy %s over interest %s", res.Totals.SubsidyPaid, res.Totals.Interest)
	}
}

// payable is what an invariant expects to be paid of paid: all of it for an
// eligible loan, nothing for an ineligible one; and the result must call a
// loan eligible exactly when no eligibility check failed.
func payable(res *calc.Result, paid calc.Money) calc.Money {
	eligible := true
	for _, c := range res.Checks {
		if c.Kind == calc.KindEligibility && !c.OK {
			eligible = false
		}
	}
	if eligible != res.Eligible {
		return -1 // never a payable amount: the caller's comparison fails
	}
	if !eligible {
		return 0
	}
	return paid
}
