package calc_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// bankRows turns a schedule into a bank's rows with the given columns
// (indexes into calc.ReconcileFields).
func bankRows(sched []calc.Period, cols []int) []calc.BankRow {
	out := make([]calc.BankRow, len(sched))
	for i, p := range sched {
		out[i].Date = p.End
		vals := [5]calc.Money{p.OpeningBalance, p.Principal, p.Interest, p.SubsidyPayable, p.BorrowerInterest}
		ptrs := [5]**decimal.Decimal{&out[i].OpeningBalance, &out[i].Principal, &out[i].Interest, &out[i].Subsidy, &out[i].BorrowerInterest}
		for _, c := range cols {
			d := vals[c].Decimal()
			*ptrs[c] = &d
		}
	}
	return out
}

func cellsOf(p calc.Period) [5]calc.Money {
	return [5]calc.Money{p.OpeningBalance, p.Principal, p.Interest, p.SubsidyPayable, p.BorrowerInterest}
}

// sameOn reports whether two schedules agree in the given columns.
func sameOn(a, b []calc.Period, cols []int) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		ca, cb := cellsOf(a[k]), cellsOf(b[k])
		for _, c := range cols {
			if ca[c] != cb[c] {
				return false
			}
		}
	}
	return true
}

// TestReconcileReference holds the engine under other banks' conventions
// to the exact-fraction reference (testdata/reconcile/conventions.py), and
// Reconcile to finding them.
func TestReconcileReference(t *testing.T) {
	dir := "../testdata/reconcile"
	var cases []struct {
		Request     string
		Bank        string
		Conventions calc.Conventions
	}
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil || len(cases) < 10 {
		t.Fatalf("cases.json: %v, %d cases", err, len(cases))
	}
	all := []int{0, 1, 2, 3, 4}
	for _, c := range cases {
		t.Run(c.Bank, func(t *testing.T) {
			req := loadRequest(t, filepath.Join(goldenDir, c.Request))
			want := readCSV(t, filepath.Join(dir, c.Bank))
			for _, decimalOnly := range []bool{false, true} {
				sched, err := calc.ScheduleUnder(req, c.Conventions, decimalOnly)
				if err != nil {
					t.Fatal(err)
				}
				if len(sched) != len(want)-1 {
					t.Fatalf("%d periods, reference %d", len(sched), len(want)-1)
				}
				for k, p := range sched {
					got := []string{p.End.String(), p.OpeningBalance.String(), p.Principal.String(), p.Interest.String(), p.SubsidyPayable.String(), p.BorrowerInterest.String()}
					if !slices.Equal(got, want[k+1]) {
						t.Errorf("decimal=%v period %d:\n got %v\nwant %v", decimalOnly, k+1, got, want[k+1])
					}
				}
			}
			sched, _ := calc.ScheduleUnder(req, c.Conventions, false)
			rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bankRows(sched, all)}, calc.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Differences) != 0 || rec.RowsOff != 0 || rec.RowsMatching != len(sched) {
				t.Fatalf("found %+v with %d rows off: %+v", rec.Conventions, rec.RowsOff, rec.Differences)
			}
			got, _ := calc.ScheduleUnder(req, rec.Conventions, false)
			if !sameOn(got, sched, all) {
				t.Errorf("found %+v, which is not equivalent to %+v", rec.Conventions, c.Conventions)
			}
		})
	}
}

// TestReconcileProperty: for random loans, a schedule the engine computed
// under any combination is recognised as that combination or an
// equivalent one (identical figures in every column the bank gives) with
// no difference; with k cells altered, exactly those cells are flagged.
func TestReconcileProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 8))
	convs := calc.AllConventions()
	cases := 300
	if testing.Short() {
		cases = 60
	}
	for i := 0; i < cases; i++ {
		req := randomRequest(r)
		c := convs[r.IntN(len(convs))]
		sched, err := calc.ScheduleUnder(req, c, false)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		var cols []int
		for j := range 5 {
			if r.IntN(10) < 7 {
				cols = append(cols, j)
			}
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d, conventions %+v, columns %v: %s\nrequest: %s", i, c, cols, fmt.Sprintf(format, args...), mustJSON(t, req))
		}
		rreq := &calc.ReconcileRequest{Request: *req, BankSchedule: bankRows(sched, cols)}
		rec, err := calc.Reconcile(rreq, calc.Options{})
		if err != nil {
			fail("%v", err)
		}
		if rec.RowsOff != 0 || len(rec.Differences) != 0 {
			fail("found %+v, %d rows off: %+v", rec.Conventions, rec.RowsOff, rec.Differences)
		}
		got, _ := calc.ScheduleUnder(req, rec.Conventions, false)
		if !sameOn(got, sched, cols) {
			fail("found %+v, not equivalent", rec.Conventions)
		}
		if len(cols) == 0 {
			continue
		}
		// Alter k cells in k distinct rows by a distinctive amount.
		k := 1 + r.IntN(min(5, len(sched)))
		altered := map[string]bool{}
		for _, row := range r.Perm(len(sched))[:k] {
			col := cols[r.IntN(len(cols))]
			b := &rreq.BankSchedule[row]
			ptr := [5]**decimal.Decimal{&b.OpeningBalance, &b.Principal, &b.Interest, &b.Subsidy, &b.BorrowerInterest}[col]
			delta := decimal.New(1_000_003+r.Int64N(1_000_000_000), -2)
			if r.IntN(2) == 0 {
				delta = delta.Neg()
			}
			v := (*ptr).Add(delta)
			*ptr = &v
			altered[fmt.Sprintf("%d/%s", row+1, calc.ReconcileFields[col])] = true
		}
		rec, err = calc.Reconcile(rreq, calc.Options{})
		if err != nil {
			fail("%v", err)
		}
		flagged := map[string]bool{}
		for _, d := range rec.Differences {
			flagged[fmt.Sprintf("%d/%s", d.BankRow, d.Field)] = true
		}
		if fmt.Sprint(flagged) != fmt.Sprint(altered) || rec.RowsOff != k || rec.RowsMatching != len(sched)-k {
			fail("altered %v, flagged %v (rows off %d, matching %d, conventions %+v)", altered, flagged, rec.RowsOff, rec.RowsMatching, rec.Conventions)
		}
	}
}

// TestReconcileConventionsDiffer guards the property test: on a loan with
// a drawdown, a rate change and a policy rate change inside periods, every
// convention changes some figure.
func TestReconcileConventionsDiffer(t *testing.T) {
	var req calc.Request
	err := json.Unmarshal([]byte(`{
	  "loan": {"amount": "10000000.37", "currency": "RUB", "rate": "16.37", "issue_date": "2023-10-31",
	    "term_months": 24, "disbursements": [{"date": "2023-10-31", "amount": "6000000.37"}, {"date": "2024-03-05", "amount": "4000000"}],
	    "rate_changes": [{"date": "2024-02-10", "rate": "15.11"}, {"date": "2024-05-13", "rate": "14.77"}, {"date": "2024-09-17", "rate": "14.3"}, {"date": "2024-12-07", "rate": "14.05"}, {"date": "2025-04-21", "rate": "13.33"}]},
	  "subsidy": {"programme": "custom", "annual_cap": null,
	    "rule": {"base_share": "0.9", "loan_share": "1"},
	    "base_rates": [{"date": "2023-01-01", "rate": "13"}, {"date": "2024-02-20", "rate": "16"},
	      {"date": "2024-06-03", "rate": "15.5"}, {"date": "2024-11-11", "rate": "14"}]}}`), &req)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]calc.Conventions{}
	for _, c := range calc.AllConventions() {
		s, err := calc.ScheduleUnder(&req, c, false)
		if err != nil {
			t.Fatal(err)
		}
		key := mustJSON(t, s)
		if prev, dup := seen[key]; dup {
			t.Errorf("%+v and %+v give the same schedule", prev, c)
		}
		seen[key] = c
	}
}

// TestReconcileRows: rows only one side has, the tolerance, causes and
// the order of ties.
func TestReconcileRows(t *testing.T) {
	req := loadRequest(t, filepath.Join(goldenDir, "drawdowns-ratechange.json"))
	own := calc.Conventions{DayCount: "act/act", AccrualBalance: "daily", Rounding: "period", BaseFixing: "daily"}
	sched, _ := calc.ScheduleUnder(req, own, false)

	t.Run("OwnFirstOnTies", func(t *testing.T) {
		// Dates only: every combination matches; the loan's own wins.
		rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bankRows(sched, nil)}, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rec.Conventions != own || rec.RowsOff != 0 || len(rec.Columns) != 0 {
			t.Fatalf("%+v", rec)
		}
		for _, a := range rec.Alternatives {
			if !a.Equivalent {
				t.Fatalf("dates only: %+v not equivalent", a)
			}
		}
	})
	t.Run("MissingAndExtra", func(t *testing.T) {
		bank := bankRows(sched, []int{2})
		bank = slices.Delete(bank, 3, 4)                                     // our period 4 is missing
		bank = append(bank, calc.BankRow{Date: calc.MustDate("2027-02-01")}) // after maturity
		bank[0].Date = bank[0].Date + 1                                      // shifted: extra + missing
		rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bank}, calc.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range rec.Differences {
			got = append(got, fmt.Sprintf("%d/%d/%s/%s/%s", d.N, d.BankRow, d.Date, d.Field, d.Cause))
		}
		want := []string{
			"1/0/2025-02-20/row/missing_row", "0/1/2025-02-21/row/extra_row",
			"4/0/2025-05-20/row/missing_row", "0/24/2027-02-01/row/extra_row",
		}
		if !slices.Equal(got, want) || rec.RowsOff != 4 || rec.RowsMatching != 22 || rec.RowsChecked != 24 {
			t.Fatalf("got %v (off %d, matching %d, checked %d)\nwant %v", got, rec.RowsOff, rec.RowsMatching, rec.RowsChecked, want)
		}
	})
	t.Run("Tolerance", func(t *testing.T) {
		bank := bankRows(sched, []int{2})
		v := bank[5].Interest.Add(decimal.RequireFromString("0.02"))
		bank[5].Interest = &v
		rec, _ := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bank}, calc.Options{})
		if len(rec.Differences) != 0 {
			t.Fatalf("2 minor units off is within the default tolerance: %+v", rec.Differences)
		}
		zero := decimal.Zero
		rec, _ = calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bank, Tolerance: &zero}, calc.Options{})
		if len(rec.Differences) != 1 || rec.Differences[0].N != 6 || *rec.Differences[0].Difference != 2 {
			t.Fatalf("tolerance 0: %+v", rec.Differences)
		}
	})
	t.Run("Causes", func(t *testing.T) {
		// The bank accrues period 2 (with the drawdown of 2025-03-05) on
		// its opening balance, everything else as we do.
		opening := own
		opening.AccrualBalance = "opening"
		other, _ := calc.ScheduleUnder(req, opening, false)
		bank := bankRows(sched, []int{2, 3})
		for _, k := range []int{1} {
			i, s := other[k].Interest.Decimal(), other[k].SubsidyPayable.Decimal()
			bank[k].Interest, bank[k].Subsidy = &i, &s
		}
		rec, _ := calc.Reconcile(&calc.ReconcileRequest{Request: *req, BankSchedule: bank}, calc.Options{})
		var got []string
		for _, d := range rec.Differences {
			got = append(got, fmt.Sprintf("%d/%s/%s", d.N, d.Field, d.Cause))
		}
		if !slices.Equal(got, []string{"2/interest/accrual_balance", "2/subsidy/accrual_balance"}) {
			t.Fatalf("%v (%+v)", got, rec.Conventions)
		}
	})
}

// TestReconcileIneligible: a bank's subsidy on a loan the programme does
// not pay (no participants: min_member_states fails) is a difference.
func TestReconcileIneligible(t *testing.T) {
	rate := decimal.RequireFromString("24.5")
	req := calc.Request{Loan: calc.Loan{Amount: decimal.NewFromInt(1_000_000), Currency: "RUB", Rate: &rate,
		IssueDate: calc.MustDate("2025-03-14"), TermMonths: 6}, Subsidy: calc.SubsidyTerms{Programme: "eaeu-industrial"}}
	res, err := calc.Calculate(&req, calc.Options{})
	if err != nil || res.Eligible {
		t.Fatalf("%v, eligible %v", err, res.Eligible)
	}
	var bank []calc.BankRow
	for _, p := range res.Schedule {
		i, s := p.Interest.Decimal(), p.SubsidyPaid.Decimal()
		bank = append(bank, calc.BankRow{Date: p.End, Interest: &i, Subsidy: &s})
	}
	rec, err := calc.Reconcile(&calc.ReconcileRequest{Request: req, BankSchedule: bank}, calc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Eligible || len(rec.Differences) != 6 || rec.RowsOff != 6 {
		t.Fatalf("%+v", rec)
	}
	for _, d := range rec.Differences {
		if d.Field != "subsidy" || d.Cause != "ineligible" || *d.Ours != 0 {
			t.Errorf("%+v", d)
		}
	}
}

// TestReconcileInvalid: every problem named by its field, the loan's and
// the bank's together.
func TestReconcileInvalid(t *testing.T) {
	req := loadRequest(t, filepath.Join(goldenDir, "drawdowns-ratechange.json"))
	req.Loan.TermMonths = 0
	bad := decimal.RequireFromString("1.005")
	neg := decimal.RequireFromString("-1")
	rr := &calc.ReconcileRequest{Request: *req, Tolerance: &neg, BankSchedule: []calc.BankRow{
		{Date: calc.MustDate("2025-02-20")},
		{Date: calc.MustDate("2025-02-20"), Interest: &bad},
		{},
	}}
	_, err := calc.Reconcile(rr, calc.Options{})
	e, ok := err.(*calc.Error)
	if !ok || e.Kind != calc.Invalid {
		t.Fatalf("%v", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	got := strings.Join(fields, " ")
	for _, want := range []string{"loan.term_months", "tolerance", "bank_schedule[1].date", "bank_schedule[1].interest", "bank_schedule[2].date"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %s in %s", want, got)
		}
	}
	_, err = calc.Reconcile(&calc.ReconcileRequest{Request: *loadRequest(t, filepath.Join(goldenDir, "drawdowns-ratechange.json"))}, calc.Options{})
	if e, ok := err.(*calc.Error); !ok || e.Fields[0].Field != "bank_schedule" {
		t.Fatalf("empty bank schedule: %v", err)
	}
}
