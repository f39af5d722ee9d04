package calc

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

// The loan's terms (Request.Loan) and the project's participants: each
// check records what it accepts in the plan.

// checkLoan checks the amount, the currency, the contract rate, the issue
// date, the repayment, the frequency and the day count (the last three
// default to annuity, monthly and act/act), then the term and the grace.
func (p *plan) checkLoan(c *checker, ok *validFields) {
	l := &p.req.Loan
	if m, fits := scaledOK(l.Amount, MinorDigits, maxAmountMinor); fits {
		p.amount, ok.amount = Money(m), true // the usual case
	} else if l.Amount.IsZero() && sane(l.Amount) {
		c.add("loan.amount", Text{Ru: "обязательное поле; больше 0", En: "required; greater than 0"})
	} else if c.dec("loan.amount", l.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
		p.amount, _ = MoneyFromDecimal(l.Amount)
		ok.amount = true
	}
	ok.currency = currencyIndex(l.Currency) >= 0 || c.enum("loan.currency", l.Currency, Currencies)
	p.currency = l.Currency
	if l.Rate == nil {
		c.add("loan.rate", Text{Ru: "обязательное поле; процентов годовых, от 0 до 100", En: "required; percent a year, 0 to 100"})
	} else {
		ok.rate = c.dec("loan.rate", *l.Rate, decimal.Zero, hundred, maxRateDigits, true)
	}
	ok.issue = c.date("loan.issue_date", l.IssueDate)
	p.issue = l.IssueDate

	p.repay = l.Repayment
	if p.repay == "" {
		p.repay = RepayAnnuity
	}
	c.enum("loan.repayment", p.repay, repayments)
	freq := l.Frequency
	if freq == "" {
		freq = "monthly"
	}
	freqOK := c.enum("loan.frequency", freq, freqNames)
	p.step = frequencies[freq]
	p.dc = l.DayCount
	if p.dc == "" {
		p.dc = DayCountActAct
	}
	c.enum("loan.day_count", p.dc, dayCounts)
	p.checkTerm(c, ok, freq, freqOK)
}

// checkTerm checks term_months (1 to 600, a whole number of periods, the
// loan ending by 2100-12-31) and grace_months (0 or more, shorter than the
// term, a whole number of periods). The term is not checked against the
// frequency while the frequency is wrong, nor the grace against the term
// while the term is wrong.
func (p *plan) checkTerm(c *checker, ok *validFields, freq string, freqOK bool) {
	l := &p.req.Loan
	switch {
	case l.TermMonths == 0:
		c.add("loan.term_months", Text{Ru: "обязательное поле; от 1 до 600 месяцев", En: "required; 1 to 600 months"})
	case l.TermMonths < 1 || l.TermMonths > 600:
		c.add("loan.term_months", Text{Ru: "должен быть от 1 до 600 месяцев", En: "must be 1 to 600 months"})
	case freqOK && l.TermMonths%p.step != 0:
		c.add("loan.term_months", Text{Ru: "должен быть кратен периоду платежей (%[2]d мес., %[1]s)", En: "must be a whole number of %s periods (%d months each)"}, freq, p.step)
	default:
		ok.term = freqOK
	}
	if ok.term {
		p.n = l.TermMonths / p.step
		p.ppy = 12 / p.step
	}
	if ok.term && ok.issue {
		p.maturity = p.issue.AddMonths(l.TermMonths)
		if p.maturity > maxDate {
			c.add("loan.term_months", Text{Ru: "кредит закончился бы после 31.12.2100", En: "the loan would end after 2100-12-31"})
			ok.term = false
		}
	}
	switch {
	case l.GraceMonths < 0:
		c.add("loan.grace_months", Text{Ru: "не может быть отрицательным", En: "must not be negative"})
	case ok.term && l.GraceMonths >= l.TermMonths:
		c.add("loan.grace_months", Text{Ru: "должен быть меньше срока кредита", En: "must be shorter than the term"})
	case ok.term && l.GraceMonths%p.step != 0:
		c.add("loan.grace_months", Text{Ru: "должен быть кратен периоду платежей (%d мес.)", En: "must be a whole number of periods (%d months each)"}, p.step)
	case ok.term:
		p.graceN = l.GraceMonths / p.step
	}
	ok.span = ok.term && ok.issue
}

// checkDisbursements checks the drawdowns and sets plan.draws, sorted by
// date with same-day drawdowns merged. Each is dated inside the term
// (from the issue date to before maturity, when both are known) with an
// amount like the loan's; they add up to the amount exactly, checked only
// when every drawdown and the amount are valid. Without drawdowns the
// whole amount is drawn on the issue date.
func (p *plan) checkDisbursements(c *checker, ok validFields) {
	l := &p.req.Loan
	span := ok.span
	if len(l.Disbursements) > 0 && c.within("loan.disbursements", len(l.Disbursements), MaxDisbursements) {
		// The sum in minor units; past the range of Money it cannot be
		// the amount, and the message adds the decimals up again.
		var sum Money
		over := false
		minor := func(amt decimal.Decimal) Money { m, _ := MoneyFromDecimal(amt); return m } // of a valid amount
		take := func(m Money, date Date) {
			over = over || sum > maxMoney-m
			sum += m
			p.draws = append(p.draws, draw{date, m})
		}
		allOK := true
		p.draws = make([]draw, 0, len(l.Disbursements))
		for i, d := range l.Disbursements {
			if dateOK(d.Date) && !(span && (d.Date < p.issue || d.Date >= p.maturity)) {
				if m, fits := scaledOK(d.Amount, MinorDigits, maxAmountMinor); fits {
					take(Money(m), d.Date) // the usual case: no field path to build
					continue
				}
				if decOK(d.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
					take(minor(d.Amount), d.Date)
					continue
				}
			}
			f := "loan.disbursements[" + strconv.Itoa(i) + "]"
			if c.date(f+".date", d.Date) && span && (d.Date < p.issue || d.Date >= p.maturity) {
				c.add(f+".date", Text{Ru: "должна быть в пределах срока: с %s до %s", En: "must be inside the term, from %s to before %s"}, p.issue, p.maturity)
				allOK = false
			}
			if c.dec(f+".amount", d.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
				take(minor(d.Amount), d.Date)
			} else {
				allOK = false
			}
		}
		if allOK && ok.amount && (over || sum != p.amount) {
			dsum := decimal.Zero
			for _, d := range l.Disbursements {
				dsum = dsum.Add(d.Amount)
			}
			c.add("loan.disbursements", Text{Ru: "в сумме %s, должны составлять сумму кредита %s", En: "add up to %s, must add up to the amount %s"}, dsum.StringFixed(2), l.Amount.StringFixed(2))
		}
	} else if ok.amount && len(l.Disbursements) == 0 {
		p.draws = append(p.drawBuf[:0], draw{p.issue, p.amount})
	}
	slices.SortStableFunc(p.draws, func(a, b draw) int { return cmp.Compare(a.date, b.date) })
	p.draws = mergeDraws(p.draws)
}

// checkRatePath checks the contract rate's changes and sets
// plan.loanRates: the rate from the issue date, then each change in date
// order. A change falls strictly inside the term when the term is known.
func (p *plan) checkRatePath(c *checker, ok validFields) {
	l := &p.req.Loan
	p.loanRates = p.rateBuf[:0]
	if len(l.RateChanges) > 0 {
		p.loanRates = make([]ratePt, 0, 1+len(l.RateChanges))
	}
	if ok.rate {
		p.loanRates = append(p.loanRates, ratePt{p.issue, newRateVal(*l.Rate)})
	}
	if len(l.RateChanges) > 0 && c.within("loan.rate_changes", len(l.RateChanges), MaxRateChanges) {
		lo, hi := minDate, maxDate
		if ok.span {
			lo, hi = p.issue+1, p.maturity-1
		}
		c.ratePath("loan.rate_changes", l.RateChanges, lo, hi)
		pts := slices.Clone(l.RateChanges)
		slices.SortStableFunc(pts, func(a, b RatePoint) int { return cmp.Compare(a.Date, b.Date) })
		for _, pt := range pts {
			p.loanRates = append(p.loanRates, ratePt{pt.Date, newRateVal(pt.Rate)})
		}
	}
}

// checkParticipants checks the project's participants (member states,
// shares adding up to 100) and records them for the eligibility checks.
func (p *plan) checkParticipants(c *checker) {
	ps := p.req.Project.Participants
	if len(ps) > 0 && c.within("project.participants", len(ps), MaxParticipants) {
		c.shares("project.participants", len(ps), func(i int) (string, decimal.Decimal) { return ps[i].Country, ps[i].Share }, p.partMicros[:])
		p.participants = ps
	}
}
