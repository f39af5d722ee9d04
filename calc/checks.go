package calc

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Check codes (SPEC §6). They are stable: clients may rely on them.
const (
	CheckMinMemberStates   = "min_member_states"
	CheckRequiredCountries = "required_countries"
	CheckMemberCurrency    = "member_currency"
	CheckCurrency          = "programme_currency"
	CheckRateCeiling       = "rate_ceiling"
	CheckRateBasePlus      = "rate_equals_base_plus"
	CheckSubsidyTerm       = "subsidy_term"
	CheckMinLoanTerm       = "min_loan_term"
	CheckMaxLoanTerm       = "max_loan_term"
	CheckMaxAmount         = "max_amount"
	CheckAnnualCapReached  = "annual_cap_reached"
	CheckBaseRateAssumed   = "base_rate_assumed"
	CheckDeparture         = "programme_departure"
	CheckEffectiveRate     = "effective_rate"
	CheckSubsidyWindow     = "subsidy_window"
)

// Kinds of [Check].
const (
	KindEligibility = "eligibility"
	KindWarning     = "warning"
	KindInfo        = "info"
)

type checkList struct {
	lang string
	list []Check
}

// eligible reports whether every eligibility check so far holds.
func (l *checkList) eligible() bool {
	for _, c := range l.list {
		if c.Kind == KindEligibility && !c.OK {
			return false
		}
	}
	return true
}

// add appends a check; its message is formatted when read, in the
// request's language only: msg(true) is the English text, msg(false) the
// Russian (see [Check]).
func (l *checkList) add(code, kind string, ok bool, msg func(en bool) string) {
	l.list = append(l.list, Check{Code: code, OK: ok, Kind: kind, lang: l.lang, msg: msg})
}

// pct formats a percentage as the pages do: two decimals, "24.50 %" (more
// when the figure needs them: "7.055 %").
func pct(d decimal.Decimal) string {
	var buf [32]byte
	return string(append(appendPct(buf[:0], d), " %"...))
}

// pctRu formats a percentage the Russian way: "24,50 %".
func pctRu(d decimal.Decimal) string {
	var buf [32]byte
	b := appendPct(buf[:0], d)
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		b[i] = ','
	}
	return string(append(b, "\u00a0%"...))
}

// appendPct appends d with at least two decimals and no trailing zeros
// beyond them ("21.00", "7.055"). It goes through [AppendDecimal], which
// formats short decimals in int64: check messages are built for every
// loan of a batch, and d.StringFixed costs a big.Int conversion.
func appendPct(b []byte, d decimal.Decimal) []byte {
	n := len(b)
	b = AppendDecimal(b, d)
	places := 0
	if i := bytes.IndexByte(b[n:], '.'); i >= 0 {
		places = len(b) - n - i - 1
	} else {
		b = append(b, '.')
	}
	for ; places < 2; places++ {
		b = append(b, '0')
	}
	return b
}

// decimalRu writes d with a decimal comma: "6,5".
func decimalRu(d decimal.Decimal) string {
	var buf [40]byte
	return string(appendDecimalRu(buf[:0], d))
}

// appendDecimalRu appends d with a decimal comma.
func appendDecimalRu(b []byte, d decimal.Decimal) []byte {
	n := len(b)
	b = AppendDecimal(b, d)
	if i := bytes.IndexByte(b[n:], '.'); i >= 0 {
		b[n+i] = ','
	}
	return b
}

var itoa = strconv.Itoa

// group formats d with places decimals and thousands separators: en
// "350,000,000.00", ru "350 000 000,00" (no-break spaces). A d with at
// most places decimals (every amount the checks name) is formatted
// without d.StringFixed's big.Int.
func group(d decimal.Decimal, places int32, ru bool) string {
	if d.Exponent() < -places || d.Exponent() > 0 || d.NumDigits() > 18 {
		return GroupDigits(d.StringFixed(places), ru)
	}
	var buf [48]byte
	b := AppendDecimal(buf[:0], d)
	have := int32(0)
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		have = int32(len(b) - i - 1)
	} else if places > 0 {
		b = append(b, '.')
	}
	for ; have < places; have++ {
		b = append(b, '0')
	}
	var out [64]byte
	return string(appendGrouped(out[:0], b, ru))
}

// GroupDigits regroups a plain number string ("-1234567.89"): English
// "-1,234,567.89", Russian (ru) "-1 234 567,89" with no-break spaces.
func GroupDigits(s string, ru bool) string {
	var out [64]byte
	return string(appendGrouped(out[:0], []byte(s), ru))
}

// appendGrouped appends the plain number s ("-1234567.89") with thousands
// separators: English "-1,234,567.89", Russian (ru) "-1 234 567,89" with
// no-break spaces.
func appendGrouped(b, s []byte, ru bool) []byte {
	if len(s) > 0 && s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	intPart, frac, hasFrac := bytes.Cut(s, []byte{'.'})
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			if ru {
				b = append(b, "\u00a0"...)
			} else {
				b = append(b, ',')
			}
		}
		b = append(b, c)
	}
	if hasFrac {
		if ru {
			b = append(b, ',')
		} else {
			b = append(b, '.')
		}
		b = append(b, frac...)
	}
	return b
}

// checks lists every check in the order it appears in Result.Checks: the
// programme's eligibility conditions first, then the warnings and
// information about the outcome. A new programme condition is one method
// below and one line here.
//
// An eligibility check depends on the request alone, never on the computed
// figures, so it is known before the subsidy is paid out: a failed one
// makes the loan ineligible and its payable subsidy 0 (SPEC §6). An
// outcome check reads the computed Result. Each adds nothing when it does
// not apply (the programme has no such condition, the loan no cap...).
var checks = []struct {
	code        string
	eligibility func(*plan, *checkList)          // before the schedule
	outcome     func(*plan, *checkList, *Result) // after it
}{
	{CheckMinMemberStates, (*plan).checkMinMemberStates, nil},
	{CheckRequiredCountries, (*plan).checkRequiredCountries, nil},
	{CheckMemberCurrency, (*plan).checkMemberCurrency, nil},
	{CheckCurrency, (*plan).checkCurrency, nil},
	{CheckRateCeiling, (*plan).checkRateCeiling, nil},
	{CheckRateBasePlus, (*plan).checkRateBasePlus, nil},
	{CheckSubsidyTerm, (*plan).checkSubsidyTerm, nil},
	{CheckMinLoanTerm, (*plan).checkMinLoanTerm, nil},
	{CheckMaxLoanTerm, (*plan).checkMaxLoanTerm, nil},
	{CheckMaxAmount, (*plan).checkMaxAmount, nil},
	{CheckSubsidyWindow, nil, (*plan).checkSubsidyWindow},
	{CheckAnnualCapReached, nil, (*plan).checkAnnualCap},
	{CheckBaseRateAssumed, nil, (*plan).checkBaseRateAssumed},
	{CheckDeparture, nil, (*plan).checkDeparture},
	{CheckEffectiveRate, nil, (*plan).checkEffectiveRate},
}

// eligibility runs the programme's conditions on the loan and the project
// (the eligibility entries of [checks]).
func (p *plan) eligibility() *checkList {
	l := &checkList{lang: p.lang, list: make([]Check, 0, 8)} // a programme has up to ~8 checks
	for _, c := range checks {
		if c.eligibility != nil {
			c.eligibility(p, l)
		}
	}
	return l
}

// outcomeChecks appends to l the warnings and information that depend on
// the computed result (the outcome entries of [checks]) and returns the
// whole list.
func (p *plan) outcomeChecks(l *checkList, res *Result) []Check {
	for _, c := range checks {
		if c.outcome != nil {
			c.outcome(p, l, res)
		}
	}
	return l.list
}

// memberStates returns the member states taking part in the project, each
// once, in the order of the participants. Countries outside the union do
// not count.
func (p *plan) memberStates(buf []string) []string {
	states := buf[:0]
	var seen [len(memberStates)]bool
	for _, pa := range p.participants {
		if i := memberIndex(pa.Country); i >= 0 && !seen[i] {
			seen[i] = true
			states = append(states, memberStates[i])
		}
	}
	return states
}

// checkMinMemberStates: enterprises of at least n member states take part.
func (p *plan) checkMinMemberStates(l *checkList) {
	n := p.prog.Conditions.MinMemberStates
	if n <= 0 {
		return
	}
	var seen [8]string
	got := len(p.memberStates(seen[:0]))
	l.add(CheckMinMemberStates, KindEligibility, got >= n, func(en bool) string {
		if en {
			return itoa(got) + " member states take part (at least " + itoa(n) + " required)"
		}
		return "участвуют предприятия " + itoa(got) + " государств-членов (требуется не менее " + itoa(n) + ")"
	})
}

// checkRequiredCountries: each of the programme's required states takes
// part; the message names the missing ones.
func (p *plan) checkRequiredCountries(l *checkList) {
	req := p.prog.Conditions.RequiredCountries
	if len(req) == 0 {
		return
	}
	var seen [8]string
	states := p.memberStates(seen[:0])
	var missing []string
	for _, c := range req {
		if !slices.Contains(states, c) {
			missing = append(missing, c)
		}
	}
	all := strings.Join(req, ", ")
	if len(missing) == 0 {
		l.add(CheckRequiredCountries, KindEligibility, true, func(en bool) string {
			if en {
				return "participants from " + all + " take part"
			}
			return "участвуют предприятия " + all
		})
	} else {
		l.add(CheckRequiredCountries, KindEligibility, false, func(en bool) string {
			if en {
				return "participants from " + all + " are required; missing: " + strings.Join(missing, ", ")
			}
			return "требуются предприятия " + all + "; нет: " + strings.Join(missing, ", ")
		})
	}
}

// checkMemberCurrency: the loan is in a member state's currency.
func (p *plan) checkMemberCurrency(l *checkList) {
	if !p.prog.Conditions.MemberCurrency {
		return
	}
	_, ok := CurrencyCountry(p.currency)
	cur := p.currency // the message keeps a copy, not the plan (see Check)
	l.add(CheckMemberCurrency, KindEligibility, ok, func(en bool) string {
		if en {
			return "the loan is in " + cur + ", " + yesNo(ok, "", "not ") + "a member state's currency"
		}
		return "кредит в " + cur + " — " + yesNo(ok, "", "не ") + "валюта государства-члена"
	})
}

// checkCurrency: the loan is in one of the programme's currencies.
func (p *plan) checkCurrency(l *checkList) {
	cs := p.prog.Conditions.Currencies
	if len(cs) == 0 {
		return
	}
	ok := slices.Contains(cs, p.currency)
	cur := p.currency
	l.add(CheckCurrency, KindEligibility, ok, func(en bool) string {
		if en {
			return "the loan is in " + cur + "; the programme lends in " + strings.Join(cs, ", ")
		}
		return "кредит в " + cur + "; программа допускает " + strings.Join(cs, ", ")
	})
}

// baseAtIssue returns the policy rate on the issue date, and false when
// no policy rate is known at all (the check is then left out). A rate
// assumed from the nearest known one is recorded for base_rate_assumed;
// recording it twice is harmless (addAssumed merges the same segment).
func (p *plan) baseAtIssue() (decimal.Decimal, bool) {
	if len(p.baseSegs) == 0 {
		return decimal.Decimal{}, false
	}
	i := p.segAt(p.issue)
	seg := p.baseSegs[i]
	if seg.Assumed {
		p.assumed = addAssumed(p.assumed, assumedSpan{p.issue, p.issue + 1, seg.Rate, i})
	}
	return seg.Rate, true
}

// checkRateCeiling: the contract rate on the issue date is at most the
// policy rate that day plus the programme's points.
func (p *plan) checkRateCeiling(l *checkList) {
	pts := p.prog.Conditions.RateCeilingPoints
	if pts == nil {
		return
	}
	base, known := p.baseAtIssue()
	if !known {
		return
	}
	loan0 := p.loanRates[0].rate.d
	var ok bool
	// In fixed point when the three rates fit it (decimal.Add allocates).
	if b, pp, lr := newRateVal(base), newRateVal(*pts), p.loanRates[0].rate; b.ok && pp.ok && lr.ok {
		ok = lr.i <= b.i+pp.i
	} else {
		ok = decCmp(loan0, base.Add(*pts)) <= 0
	}
	issue := p.issue
	l.add(CheckRateCeiling, KindEligibility, ok, func(en bool) string {
		ceil := base.Add(*pts)
		if en {
			return "loan rate " + pct(loan0) + " " + yesNo(ok, "is within", "exceeds") + " the ceiling " + pct(ceil) + " (policy rate " + pct(base) + " + " + decimalString(*pts) + " pp on " + issue.String() + ")"
		}
		return "ставка по кредиту " + pctRu(loan0) + " " + yesNo(ok, "не превышает", "превышает") + " предел " + pctRu(ceil) + " (ставка ЦБ " + pctRu(base) + " + " + decimalRu(*pts) + " п.п. на " + ruDate(issue) + ")"
	})
}

// checkRateBasePlus: the contract rate on the issue date equals the policy
// rate that day plus the programme's points, exactly.
func (p *plan) checkRateBasePlus(l *checkList) {
	pts := p.prog.Conditions.RateEqualsBasePlus
	if pts == nil {
		return
	}
	base, known := p.baseAtIssue()
	if !known {
		return
	}
	loan0 := p.loanRates[0].rate.d
	want := base.Add(*pts)
	ok := loan0.Equal(want)
	issue := p.issue
	l.add(CheckRateBasePlus, KindEligibility, ok, func(en bool) string {
		if en {
			return "loan rate " + pct(loan0) + "; the programme requires the base rate + " + decimalString(*pts) + " pp = " + pct(want) + " (on " + issue.String() + ")"
		}
		return "ставка по кредиту " + pctRu(loan0) + "; программа требует базовую ставку + " + decimalRu(*pts) + " п.п. = " + pctRu(want) + " (на " + ruDate(issue) + ")"
	})
}

// checkSubsidyTerm: the subsidy window, cut at maturity, is at most the
// programme's maximum term (or, for a programme without one, the
// request's). The condition is the programme's own maximum; a request that
// widens it (subsidy.max_term_months) is computed as asked, fails this
// check and is named by programme_departure.
func (p *plan) checkSubsidyTerm(l *checkList) {
	maxTerm := p.prog.MaxTermMonths
	if maxTerm == 0 {
		maxTerm = p.maxTerm
	}
	if maxTerm <= 0 {
		return
	}
	// Subsidy stops with the loan: a window past maturity is not longer.
	end := min(p.winEnd, p.maturity)
	limit := p.winStart.AddMonths(maxTerm)
	ok := end <= limit
	start := p.winStart
	l.add(CheckSubsidyTerm, KindEligibility, ok, func(en bool) string {
		if en {
			return "subsidy from " + start.String() + " to " + end.String() + "; at most " + itoa(maxTerm) + " months"
		}
		return "субсидия с " + ruDate(start) + " по " + ruDate(end) + "; не более " + itoa(maxTerm) + " мес."
	})
}

// checkMinLoanTerm: the loan term is at least the programme's minimum.
func (p *plan) checkMinLoanTerm(l *checkList) {
	n := p.prog.Conditions.MinLoanMonths
	if n <= 0 {
		return
	}
	term := p.req.Loan.TermMonths
	l.add(CheckMinLoanTerm, KindEligibility, term >= n, func(en bool) string {
		if en {
			return "loan term " + itoa(term) + " months (at least " + itoa(n) + " required)"
		}
		return "срок кредита " + itoa(term) + " мес. (требуется не менее " + itoa(n) + ")"
	})
}

// checkMaxLoanTerm: the loan term is at most the programme's maximum.
func (p *plan) checkMaxLoanTerm(l *checkList) {
	n := p.prog.Conditions.MaxLoanMonths
	if n <= 0 {
		return
	}
	term := p.req.Loan.TermMonths
	l.add(CheckMaxLoanTerm, KindEligibility, term <= n, func(en bool) string {
		if en {
			return "loan term " + itoa(term) + " months (at most " + itoa(n) + ")"
		}
		return "срок кредита " + itoa(term) + " мес. (не более " + itoa(n) + ")"
	})
}

// checkMaxAmount: the amount is at most the programme's limit. A loan in
// another currency than the limit's fails: the two are not converted.
func (p *plan) checkMaxAmount(l *checkList) {
	cond := p.prog.Conditions
	m := cond.MaxAmount
	if m == nil {
		return
	}
	amt := p.amount.Decimal()
	cur := p.currency
	if cur == cond.MaxAmountCurrency {
		ok := decCmp(amt, *m) <= 0
		l.add(CheckMaxAmount, KindEligibility, ok, func(en bool) string {
			if en {
				return "amount " + group(amt, 2, false) + " " + cur + "; at most " + group(*m, 0, false) + " " + cur
			}
			return "сумма " + group(amt, 2, true) + " " + cur + "; не более " + group(*m, 0, true) + " " + cur
		})
	} else {
		l.add(CheckMaxAmount, KindEligibility, false, func(en bool) string {
			if en {
				return "the limit is " + group(*m, 0, false) + " " + cond.MaxAmountCurrency + " and the loan is in " + cur + ": not comparable"
			}
			return "лимит " + group(*m, 0, true) + " " + cond.MaxAmountCurrency + ", а кредит в " + cur + ": сравнить нельзя"
		})
	}
}

// checkSubsidyWindow warns when the subsidy window is empty or outside the
// loan term: no subsidy is paid.
func (p *plan) checkSubsidyWindow(l *checkList, _ *Result) {
	if p.winEnd > p.issue && p.winStart < p.maturity && p.winStart < p.winEnd {
		return
	}
	from, to := p.winStart, p.winEnd
	l.add(CheckSubsidyWindow, KindWarning, false, func(en bool) string {
		if en {
			return "the subsidy window " + from.String() + " – " + to.String() + " is empty or outside the loan term: no subsidy"
		}
		return "период субсидирования " + ruDate(from) + " – " + ruDate(to) + " пуст или вне срока кредита: субсидии нет"
	})
}

// checkAnnualCap tells, for a loan with an annual cap, the years where the
// cap cut the subsidy, or that it never did.
func (p *plan) checkAnnualCap(l *checkList, res *Result) {
	if p.cap == nil {
		return
	}
	c := p.cap
	var years []int // the years the cap cut the subsidy
	for _, y := range res.Years {
		if y.CapReached {
			years = append(years, y.Year)
		}
	}
	l.add(CheckAnnualCapReached, KindInfo, len(years) == 0, func(en bool) string {
		var in []string
		for _, y := range years {
			in = append(in, itoa(y))
		}
		switch {
		case en && len(years) == 0:
			return "the annual cap of " + group(c.Amount, 0, false) + " " + c.Currency + " is not reached"
		case en:
			return "the annual cap of " + group(c.Amount, 0, false) + " " + c.Currency + " is reached in " + strings.Join(in, ", ") + "; the subsidy is cut"
		case len(years) == 0:
			return "годовой лимит " + group(c.Amount, 0, true) + "\u00a0" + c.Currency + " не достигнут"
		}
		return "годовой лимит " + group(c.Amount, 0, true) + "\u00a0" + c.Currency + " достигнут в " + strings.Join(in, ", ") + "; субсидия уменьшена"
	})
}

// checkBaseRateAssumed, when the policy rate is used, warns once for each
// span where it was not known and the nearest known value was assumed, or
// says that every day used was known.
func (p *plan) checkBaseRateAssumed(l *checkList, _ *Result) {
	if !p.needBase {
		return
	}
	src := p.baseCountry
	if p.baseScenario {
		src = "subsidy.base_rates"
	}
	if len(p.assumed) == 0 {
		l.add(CheckBaseRateAssumed, KindWarning, true, func(en bool) string {
			if en {
				return "policy rates (" + src + ") are known for every day used"
			}
			return "ставки (" + src + ") известны на все использованные дни"
		})
	}
	for _, a := range p.assumed {
		to := a.to - 1
		l.add(CheckBaseRateAssumed, KindWarning, false, func(en bool) string {
			if en {
				return "the policy rate (" + src + ") is not known for " + a.from.String() + " – " + to.String() + "; " + a.rate.StringFixed(2) + " % assumed (the nearest known value)"
			}
			return "ставка (" + src + ") неизвестна на " + ruDate(a.from) + " – " + ruDate(to) + "; принята " + strings.Replace(a.rate.StringFixed(2), ".", ",", 1) + "\u00a0% (ближайшее известное значение)"
		})
	}
}

// checkDeparture names the request's fields that depart from the
// programme (plan.overridden), when there are any.
func (p *plan) checkDeparture(l *checkList, _ *Result) {
	if len(p.overridden) == 0 {
		return
	}
	f := strings.Join(p.overridden, ", ")
	prog := p.prog.ID
	l.add(CheckDeparture, KindWarning, false, func(en bool) string {
		if en {
			return "the calculation departs from the " + prog + " programme in: " + f
		}
		return "расчёт отступает от программы " + prog + ": " + f
	})
}

// checkEffectiveRate warns when the effective rate did not converge.
func (p *plan) checkEffectiveRate(l *checkList, res *Result) {
	if res.EffectiveRates.Converged {
		return
	}
	l.add(CheckEffectiveRate, KindWarning, false, func(en bool) string {
		if en {
			return "the effective rate could not be solved for these cash flows"
		}
		return "эффективную ставку для этих потоков определить не удалось"
	})
}

func yesNo(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// ruDate formats t as dd.mm.yyyy.
func ruDate(t Date) string {
	y, m, d := t.Civil()
	if y < 1000 || y > 9999 {
		return fmt.Sprintf("%02d.%02d.%04d", d, int(m), y)
	}
	b := [10]byte{byte('0' + d/10), byte('0' + d%10), '.', byte('0' + int(m)/10), byte('0' + int(m)%10), '.',
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)}
	return string(b[:])
}
