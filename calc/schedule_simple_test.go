package calc_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// TestScheduleSimpleEqualsGeneral holds the schedule of a simple loan
// (scheduleSimple) to the general loop's, period by period, over random
// loans of every repayment, frequency, day count, policy-rate fixing,
// window, grace and cap, under the custom rule with a scenario's policy
// rates and under the built-in programmes with the built-in record
// (assumed rates past its end included). The assumed spans and the pieces
// counted must agree too.
func TestScheduleSimpleEqualsGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	simple := 0
	programmes := []string{"eaeu-industrial", "ru-industrial-0.7", "kz-isker-aimak", "by-union-state"}
	for i := range 3000 {
		req := randomRequest(r)
		req.Loan.Disbursements, req.Loan.RateChanges = nil, nil
		if i%3 == 0 { // a built-in programme on the built-in record
			req.Subsidy = calc.SubsidyTerms{Programme: programmes[r.IntN(len(programmes))]}
			req.Loan.Currency = []string{"RUB", "KZT", "BYN"}[r.IntN(3)]
			req.Loan.IssueDate = calc.MustDate("2022-01-01") + calc.Date(r.IntN(6*365))
		}
		general, fast, ok, sameSpans, samePieces, err := calc.ScheduleBoth(req)
		if err != nil {
			continue // a programme the random loan does not fit
		}
		if !ok {
			continue
		}
		simple++
		if !reflect.DeepEqual(general, fast) {
			for k := range general {
				if !reflect.DeepEqual(general[k], fast[k]) {
					t.Fatalf("loan %d (%s, %s, %s): period %d\ngeneral %+v\nsimple  %+v", i, req.Loan.DayCount, req.Loan.Repayment, req.Subsidy.Programme, k+1, general[k], fast[k])
				}
			}
			t.Fatalf("loan %d: %d periods, simple %d", i, len(general), len(fast))
		}
		if !sameSpans || !samePieces {
			t.Fatalf("loan %d: assumed spans equal %v, pieces equal %v", i, sameSpans, samePieces)
		}
	}
	t.Logf("%d simple", simple)
	if simple < 1500 {
		t.Fatalf("only %d of 3000 loans were simple: the test proves little", simple)
	}
}
