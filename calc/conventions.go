package calc

// conventions are the ways other banks compute a schedule that the engine
// can reproduce when it checks a bank's schedule (SPEC §8). The zero value
// is the programme's own practice (SPEC §2), so every calculation that does
// not set them gives exactly the figures it always gave. The day count and
// the policy-rate fixing live in plan.dc and plan.rule.BaseFixing.
type conventions struct {
	// opening accrues every day of a period on the period's opening
	// balance (after the drawdowns of its first day): a drawdown inside
	// the period earns nothing until the next one. Otherwise: the balance
	// of each day.
	opening bool
	// perRow rounds every piece of constant balance and rates (a "row" of
	// a bank's interest statement) half away from zero to the minor unit
	// and adds the rounded pieces. Otherwise: the exact sum of the pieces
	// is rounded once.
	perRow bool
}

// dayCount30US is the US 30/360 day count (ISDA 2006 4.16(f), "Bond
// Basis"), which a Loan does not accept: only a bank's schedule is checked
// against it. Its year is 360 days, like 30E/360.
const dayCount30US = "30/360 US"

// days30US is the 30/360 US serial of t for a period that starts on start:
// D1 = 31 counts as 30, and D2 = 31 counts as 30 when D1 is 30 or 31. With
// the start fixed the serial is additive over the pieces of the period, so
// days30US(start, b) − days30US(start, a) is the count of [a, b) and the
// pieces of [start, end) add up to the count of the whole period.
func days30US(start, t Date) int {
	_, _, d1 := start.Civil()
	y, m, d := t.Civil()
	if d == 31 && d1 >= 30 {
		d = 30
	}
	return 360*y + 30*int(m) + d
}

// accrue adds one piece to an accrual: exactly (our rule: rounded once per
// period) or, under conventions.perRow, rounded on its own to the minor
// unit, half away from zero.
func (p *plan) accrue(a *accrual, balance Money, rate rateVal, days, cls int) {
	if !p.conv.perRow {
		a.add(balance, rate, days, cls)
		return
	}
	var one accrual
	one.reset(a.fast)
	one.add(balance, rate, days, cls)
	a.rows += one.total(p.dc)
}
