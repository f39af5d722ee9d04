package calc

import (
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

// TestScheduleSimpleWritesEveryField: scheduleSimple reuses the memory it
// is given without clearing it, so it must write every field of every
// period. Into a buffer whose every field holds a value the schedule never
// gives, it must give what it gives into new memory, for loans whose
// periods take each path (one piece, several, in and out of the window,
// in grace, a bullet). A field of a kind the filler does not know fails
// the test, so a field added to Period is checked too.
func TestScheduleSimpleWritesEveryField(t *testing.T) {
	rate := decimal.RequireFromString("22.5")
	loan := func(months, grace int, repay string) *Request {
		return &Request{
			Project: Project{Name: "reuse", Participants: []Participant{
				{Country: "BY", Share: decimal.NewFromInt(40)},
				{Country: "RU", Share: decimal.NewFromInt(60)},
			}},
			Loan: Loan{
				Amount: decimal.New(100_000_000_000, -2), Currency: "RUB", Rate: &rate,
				IssueDate: MustDate("2025-03-14"), TermMonths: months, GraceMonths: grace, Repayment: repay,
			},
			Subsidy: SubsidyTerms{Programme: "eaeu-industrial"},
		}
	}
	for _, req := range []*Request{loan(12, 0, ""), loan(120, 0, ""), loan(36, 6, RepayEqualPrincipal), loan(24, 0, RepayBullet)} {
		fresh, err := newPlan(req, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !fresh.simpleSchedule() {
			t.Fatalf("%d months: not a simple loan", req.Loan.TermMonths)
		}
		want, ok := fresh.scheduleSimple(nil)
		if !ok {
			t.Fatalf("%d months: no simple schedule", req.Loan.TermMonths)
		}
		reused, _ := newPlan(req, Options{})
		buf := make([]Period, len(want))
		for i := range buf {
			fillFields(t, reflect.ValueOf(&buf[i]).Elem())
		}
		got, _ := reused.scheduleSimple(buf)
		if &got[0] != &buf[0] {
			t.Fatalf("%d months: the buffer was not reused", req.Loan.TermMonths)
		}
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Fatalf("%d months, period %d: into used memory\n%+v\ninto new memory\n%+v", req.Loan.TermMonths, k+1, got[k], want[k])
			}
		}
	}
}

// fillFields sets every field of struct v to a value no schedule gives.
func fillFields(t *testing.T, v reflect.Value) {
	dec := reflect.ValueOf(decimal.New(-7, -3))
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Type() == dec.Type():
			f.Set(dec)
		case f.CanInt():
			f.SetInt(-7)
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("Period.%s: a field of a kind fillFields does not fill", v.Type().Field(i).Name)
		}
	}
}
