package calc

// ScheduleUnder computes req's schedule (after the annual cap) under the
// conventions c, as Reconcile tries them; decimalOnly forces the plain
// decimal accrual.
func ScheduleUnder(req *Request, c Conventions, decimalOnly bool) ([]Period, error) {
	p, err := newPlan(req, Options{})
	if err != nil {
		return nil, err
	}
	if decimalOnly {
		p.fast = false
	}
	p.dc, p.rule.BaseFixing = ourDayCount(c.DayCount), c.BaseFixing
	p.conv = conventions{opening: c.AccrualBalance == AccrualOpening, perRow: c.Rounding == RoundRow}
	res := Result{Schedule: p.schedule(nil), Eligible: p.eligibility().eligible()}
	p.applyCap(&res)
	p.payOut(&res)
	return res.Schedule, nil
}

// AllConventions lists every combination Reconcile can try.
func AllConventions() []Conventions {
	var out []Conventions
	for _, cb := range reconCombos(Conventions{DayCount: DayCountActAct, AccrualBalance: AccrualDaily, Rounding: RoundPeriod, BaseFixing: FixDaily}, true) {
		out = append(out, cb.c)
	}
	return out
}
