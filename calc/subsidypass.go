package calc

// subsidyOnly recomputes the rule's subsidy (before caps) of every period
// of sched, a schedule of p's loan, in place: Subsidy is set, everything
// else is left as it is. The schedule of a loan does not depend on the
// programme or the policy rate (SPEC §2), so a comparison and the
// scenarios compute it once and only redo this pass, which accrues the
// same pieces as [plan.schedule] but only inside the subsidy window and
// without interest and principal. The accrual is exact, so the amounts
// are those schedule gives (TestSubsidyOnlyEqualsSchedule).
func (p *plan) subsidyOnly(sched []Period) {
	di, li, bi := 0, 0, 0
	daily := p.rule.BaseFixing == FixDaily
	var sa accrual
	for k := range sched {
		per := &sched[k]
		start, end := per.Start, per.End
		per.Subsidy = 0
		cur, stop := max(start, p.winStart), min(end, p.winEnd)
		if cur >= stop {
			continue
		}
		sa.reset(p.fast)
		balance := per.OpeningBalance
		for di < len(p.draws) && p.draws[di].date < start {
			di++ // in the opening balance already
		}
		if k == 0 {
			for di < len(p.draws) && p.draws[di].date == start {
				di++ // the issue-date drawdowns open period 1
			}
		}
		fixedBI := -1
		if p.usesBase && !daily {
			at := start
			if p.rule.BaseFixing == FixPaymentDate {
				at = end
			}
			fixedBI = p.segAt(at)
		}
		var nextJan1 Date
		leap := false
		if p.dc == DayCountActAct {
			y := cur.Year()
			nextJan1, leap = yearStart(y+1), isLeap(y)
		}
		nextStep := p.stepAt(cur)
		for cur < stop {
			for di < len(p.draws) && p.draws[di].date <= cur {
				balance += p.draws[di].amt
				di++
			}
			for li+1 < len(p.loanRates) && p.loanRates[li+1].date <= cur {
				li++
			}
			for bi+1 < len(p.baseSegs) && p.baseSegs[bi+1].Start <= cur {
				bi++
			}
			if nextStep != 0 && nextStep <= cur {
				nextStep = p.stepAt(cur)
			}
			next := stop
			if di < len(p.draws) && p.draws[di].date < next {
				next = p.draws[di].date
			}
			if li+1 < len(p.loanRates) && p.loanRates[li+1].date < next {
				next = p.loanRates[li+1].date
			}
			if daily && p.usesBase && bi+1 < len(p.baseSegs) && p.baseSegs[bi+1].Start < next {
				next = p.baseSegs[bi+1].Start
			}
			if nextJan1 != 0 && nextJan1 < next {
				next = nextJan1
			}
			if nextStep != 0 && nextStep < next {
				next = nextStep
			}
			days, cls := int(next-cur), classMain
			switch p.dc {
			case DayCountActAct:
				if leap {
					cls = classLeap
				}
				if next == nextJan1 {
					y := nextJan1.Year()
					nextJan1, leap = yearStart(y+1), isLeap(y)
				}
			case DayCount30E360:
				days = days30E360(next) - days30E360(cur)
			}
			b := bi
			if fixedBI >= 0 {
				b = fixedBI
			}
			sa.add(balance, *p.srate(b, li), days, cls)
			cur = next
		}
		per.Subsidy = min(sa.total(p.dc), per.Interest)
	}
}
