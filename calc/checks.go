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

// checkList is a loan's checks and the figures their messages name. Each
// check's message is formatted when it is read ([Check.Message]) by a
// function without captured variables (a checkSay) from the figures the
// check copied here when it was made: the list is one allocation for all
// of a loan's checks and their messages, where a closure a check was one
// allocation each (see docs/performance.md, "Fixed cost per loan, second
// pass").
type checkList struct {
	lang string
	list []Check
	buf  [8]Check // list's first backing array: a programme has up to ~8 checks

	// Figures, each set by the check that names it; a check copies what
	// it names, never the plan (a plan is reused by scenarios, claims...).
	members, minMembers    int             // min_member_states
	required, missing      []string        // required_countries
	currency               string          // the loan's currency
	currencies             []string        // programme_currency
	loanRate, base         decimal.Decimal // rate_ceiling, rate_equals_base_plus
	points, want           decimal.Decimal // the programme's points; base + points (rate_equals_base_plus)
	issue                  Date
	subFrom, subTo         Date // subsidy_term
	maxSubTerm             int
	term, minTerm, maxTerm int // min_loan_term, max_loan_term
	amount, maxAmount      decimal.Decimal
	maxAmountCur           string
	winFrom, winTo         Date // subsidy_window
	cap                    *Cap
	capYears               []int // the years the cap cut the subsidy
	baseSrc                string
	assumed                []assumedSpan // base_rate_assumed: a copy of the plan's
	assumedBuf             [2]assumedSpan
	prog                   string
	overridden             []string
	msgs                   []func(en bool) string // messages added as closures ([checkList.add])
}

// checkSay formats a check's message from the figures of its list, in
// English when en; ok is the check's outcome, arg tells which of several
// checks of one code it is.
type checkSay func(l *checkList, arg int, ok, en bool) string

// newCheckList returns an empty list of checks whose messages are in
// lang: spare emptied, or a new list when spare is nil.
func newCheckList(lang string, spare *checkList) *checkList {
	l := spare
	if l == nil {
		l = new(checkList)
	}
	*l = checkList{}
	l.lang, l.list = lang, l.buf[:0]
	return l
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

// check appends a check whose message say formats, when read, from the
// list's figures.
func (l *checkList) check(code, kind string, ok bool, say checkSay, arg int) {
	l.list = append(l.list, Check{Code: code, OK: ok, Kind: kind, arg: arg, list: l, say: say})
}

// add appends a check whose message a closure formats when read, in the
// request's language only: msg(true) is the English text, msg(false) the
// Russian. For checks made once in a while (a claim's); those of every
// loan use [checkList.check], which allocates nothing.
func (l *checkList) add(code, kind string, ok bool, msg func(en bool) string) {
	l.msgs = append(l.msgs, msg)
	l.check(code, kind, ok, sayClosure, len(l.msgs)-1)
}

func sayClosure(l *checkList, i int, _, en bool) string { return l.msgs[i](en) }

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
func (p *plan) eligibility() *checkList { return p.eligibilityIn(nil) }

// eligibilityIn is eligibility in spare, the list of a result the caller
// is done with (Options.Into), or in a new list when spare is nil: the
// list, ~1 KB, was a fifth of the step on the 12-month benchmark loan.
func (p *plan) eligibilityIn(spare *checkList) *checkList {
	l := newCheckList(p.lang, spare)
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
	l.members, l.minMembers = len(p.memberStates(seen[:0])), n
	l.check(CheckMinMemberStates, KindEligibility, l.members >= n, sayMinMemberStates, 0)
}

func sayMinMemberStates(l *checkList, _ int, _, en bool) string {
	if en {
		return itoa(l.members) + " member states take part (at least " + itoa(l.minMembers) + " required)"
	}
	return "участвуют предприятия " + itoa(l.members) + " государств-членов (требуется не менее " + itoa(l.minMembers) + ")"
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
	l.required, l.missing = req, missing
	l.check(CheckRequiredCountries, KindEligibility, len(missing) == 0, sayRequiredCountries, 0)
}

func sayRequiredCountries(l *checkList, _ int, ok, en bool) string {
	all := strings.Join(l.required, ", ")
	switch {
	case en && ok:
		return "participants from " + all + " take part"
	case en:
		return "participants from " + all + " are required; missing: " + strings.Join(l.missing, ", ")
	case ok:
		return "участвуют предприятия " + all
	}
	return "требуются предприятия " + all + "; нет: " + strings.Join(l.missing, ", ")
}

// checkMemberCurrency: the loan is in a member state's currency.
func (p *plan) checkMemberCurrency(l *checkList) {
	if !p.prog.Conditions.MemberCurrency {
		return
	}
	_, ok := CurrencyCountry(p.currency)
	l.currency = p.currency
	l.check(CheckMemberCurrency, KindEligibility, ok, sayMemberCurrency, 0)
}

func sayMemberCurrency(l *checkList, _ int, ok, en bool) string {
	if en {
		return "the loan is in " + l.currency + ", " + yesNo(ok, "", "not ") + "a member state's currency"
	}
	return "кредит в " + l.currency + " — " + yesNo(ok, "", "не ") + "валюта государства-члена"
}

// checkCurrency: the loan is in one of the programme's currencies.
func (p *plan) checkCurrency(l *checkList) {
	cs := p.prog.Conditions.Currencies
	if len(cs) == 0 {
		return
	}
	l.currency, l.currencies = p.currency, cs
	l.check(CheckCurrency, KindEligibility, slices.Contains(cs, p.currency), sayCurrency, 0)
}

func sayCurrency(l *checkList, _ int, _, en bool) string {
	if en {
		return "the loan is in " + l.currency + "; the programme lends in " + strings.Join(l.currencies, ", ")
	}
	return "кредит в " + l.currency + "; программа допускает " + strings.Join(l.currencies, ", ")
}

// baseAtIssue returns the index of the policy rate segment holding the
// issue date, and false when no policy rate is known at all (the check is
// then left out). A rate assumed from the nearest known one is recorded
// for base_rate_assumed; recording it twice is harmless (addAssumed merges
// the same segment).
func (p *plan) baseAtIssue() (int, bool) {
	segs := p.baseSegs
	if len(segs) == 0 {
		return 0, false
	}
	// The segments start on the issue date: the first one holds it unless
	// a scenario's start elsewhere (segAt's binary search was a twelfth
	// of the eligibility checks).
	i := 0
	if len(segs) > 1 && segs[1].Start <= p.issue {
		i = p.segAt(p.issue)
	}
	if seg := segs[i]; seg.Assumed {
		p.assumed = addAssumed(p.assumed, assumedSpan{p.issue, p.issue + 1, seg.Rate, i})
	}
	return i, true
}

// checkRateCeiling: the contract rate on the issue date is at most the
// policy rate that day plus the programme's points.
func (p *plan) checkRateCeiling(l *checkList) {
	pts := p.prog.Conditions.RateCeilingPoints
	if pts == nil {
		return
	}
	bi, known := p.baseAtIssue()
	if !known {
		return
	}
	base, loan0 := p.baseSegs[bi].Rate, p.loanRates[0].rate.d
	var ok bool
	// In fixed point when the three rates fit it (decimal.Add allocates).
	if b, pp, lr := p.baseVal(bi), newRateVal(*pts), p.loanRates[0].rate; b.ok && pp.ok && lr.ok {
		ok = lr.i <= b.i+pp.i
	} else {
		ok = decCmp(loan0, base.Add(*pts)) <= 0
	}
	l.loanRate, l.base, l.points, l.issue = loan0, base, *pts, p.issue
	l.check(CheckRateCeiling, KindEligibility, ok, sayRateCeiling, 0)
}

func sayRateCeiling(l *checkList, _ int, ok, en bool) string {
	ceil := l.base.Add(l.points)
	if en {
		return "loan rate " + pct(l.loanRate) + " " + yesNo(ok, "is within", "exceeds") + " the ceiling " + pct(ceil) + " (policy rate " + pct(l.base) + " + " + decimalString(l.points) + " pp on " + l.issue.String() + ")"
	}
	return "ставка по кредиту " + pctRu(l.loanRate) + " " + yesNo(ok, "не превышает", "превышает") + " предел " + pctRu(ceil) + " (ставка ЦБ " + pctRu(l.base) + " + " + decimalRu(l.points) + " п.п. на " + ruDate(l.issue) + ")"
}

// checkRateBasePlus: the contract rate on the issue date equals the policy
// rate that day plus the programme's points, exactly.
func (p *plan) checkRateBasePlus(l *checkList) {
	pts := p.prog.Conditions.RateEqualsBasePlus
	if pts == nil {
		return
	}
	bi, known := p.baseAtIssue()
	if !known {
		return
	}
	loan0 := p.loanRates[0].rate.d
	want := p.baseSegs[bi].Rate.Add(*pts)
	l.loanRate, l.points, l.want, l.issue = loan0, *pts, want, p.issue
	l.check(CheckRateBasePlus, KindEligibility, loan0.Equal(want), sayRateBasePlus, 0)
}

func sayRateBasePlus(l *checkList, _ int, _, en bool) string {
	if en {
		return "loan rate " + pct(l.loanRate) + "; the programme requires the base rate + " + decimalString(l.points) + " pp = " + pct(l.want) + " (on " + l.issue.String() + ")"
	}
	return "ставка по кредиту " + pctRu(l.loanRate) + "; программа требует базовую ставку + " + decimalRu(l.points) + " п.п. = " + pctRu(l.want) + " (на " + ruDate(l.issue) + ")"
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
	limit := p.maxTermEnd // the usual window's, found by resolveWindow
	if p.winStart != p.issue || maxTerm != p.maxTerm {
		limit = p.winStart.AddMonths(maxTerm)
	}
	l.subFrom, l.subTo, l.maxSubTerm = p.winStart, end, maxTerm
	l.check(CheckSubsidyTerm, KindEligibility, end <= limit, saySubsidyTerm, 0)
}

func saySubsidyTerm(l *checkList, _ int, _, en bool) string {
	if en {
		return "subsidy from " + l.subFrom.String() + " to " + l.subTo.String() + "; at most " + itoa(l.maxSubTerm) + " months"
	}
	return "субсидия с " + ruDate(l.subFrom) + " по " + ruDate(l.subTo) + "; не более " + itoa(l.maxSubTerm) + " мес."
}

// checkMinLoanTerm: the loan term is at least the programme's minimum.
func (p *plan) checkMinLoanTerm(l *checkList) {
	n := p.prog.Conditions.MinLoanMonths
	if n <= 0 {
		return
	}
	l.term, l.minTerm = p.req.Loan.TermMonths, n
	l.check(CheckMinLoanTerm, KindEligibility, l.term >= n, sayMinLoanTerm, 0)
}

func sayMinLoanTerm(l *checkList, _ int, _, en bool) string {
	if en {
		return "loan term " + itoa(l.term) + " months (at least " + itoa(l.minTerm) + " required)"
	}
	return "срок кредита " + itoa(l.term) + " мес. (требуется не менее " + itoa(l.minTerm) + ")"
}

// checkMaxLoanTerm: the loan term is at most the programme's maximum.
func (p *plan) checkMaxLoanTerm(l *checkList) {
	n := p.prog.Conditions.MaxLoanMonths
	if n <= 0 {
		return
	}
	l.term, l.maxTerm = p.req.Loan.TermMonths, n
	l.check(CheckMaxLoanTerm, KindEligibility, l.term <= n, sayMaxLoanTerm, 0)
}

func sayMaxLoanTerm(l *checkList, _ int, _, en bool) string {
	if en {
		return "loan term " + itoa(l.term) + " months (at most " + itoa(l.maxTerm) + ")"
	}
	return "срок кредита " + itoa(l.term) + " мес. (не более " + itoa(l.maxTerm) + ")"
}

// checkMaxAmount: the amount is at most the programme's limit. A loan in
// another currency than the limit's fails: the two are not converted.
func (p *plan) checkMaxAmount(l *checkList) {
	cond := p.prog.Conditions
	m := cond.MaxAmount
	if m == nil {
		return
	}
	l.amount, l.maxAmount, l.currency, l.maxAmountCur = p.amount.Decimal(), *m, p.currency, cond.MaxAmountCurrency
	if p.currency == cond.MaxAmountCurrency {
		l.check(CheckMaxAmount, KindEligibility, decCmp(l.amount, *m) <= 0, sayMaxAmount, 0)
	} else {
		l.check(CheckMaxAmount, KindEligibility, false, sayMaxAmountOther, 0)
	}
}

func sayMaxAmount(l *checkList, _ int, _, en bool) string {
	cur := l.currency
	if en {
		return "amount " + group(l.amount, 2, false) + " " + cur + "; at most " + group(l.maxAmount, 0, false) + " " + cur
	}
	return "сумма " + group(l.amount, 2, true) + " " + cur + "; не более " + group(l.maxAmount, 0, true) + " " + cur
}

func sayMaxAmountOther(l *checkList, _ int, _, en bool) string {
	if en {
		return "the limit is " + group(l.maxAmount, 0, false) + " " + l.maxAmountCur + " and the loan is in " + l.currency + ": not comparable"
	}
	return "лимит " + group(l.maxAmount, 0, true) + " " + l.maxAmountCur + ", а кредит в " + l.currency + ": сравнить нельзя"
}

// checkSubsidyWindow warns when the subsidy window is empty or outside the
// loan term: no subsidy is paid.
func (p *plan) checkSubsidyWindow(l *checkList, _ *Result) {
	if p.winEnd > p.issue && p.winStart < p.maturity && p.winStart < p.winEnd {
		return
	}
	l.winFrom, l.winTo = p.winStart, p.winEnd
	l.check(CheckSubsidyWindow, KindWarning, false, saySubsidyWindow, 0)
}

func saySubsidyWindow(l *checkList, _ int, _, en bool) string {
	if en {
		return "the subsidy window " + l.winFrom.String() + " – " + l.winTo.String() + " is empty or outside the loan term: no subsidy"
	}
	return "период субсидирования " + ruDate(l.winFrom) + " – " + ruDate(l.winTo) + " пуст или вне срока кредита: субсидии нет"
}

// checkAnnualCap tells, for a loan with an annual cap, the years where the
// cap cut the subsidy, or that it never did.
func (p *plan) checkAnnualCap(l *checkList, res *Result) {
	if p.cap == nil {
		return
	}
	l.cap, l.capYears = p.cap, nil
	for _, y := range res.Years {
		if y.CapReached {
			l.capYears = append(l.capYears, y.Year)
		}
	}
	l.check(CheckAnnualCapReached, KindInfo, len(l.capYears) == 0, sayAnnualCap, 0)
}

func sayAnnualCap(l *checkList, _ int, ok, en bool) string {
	c := l.cap
	var in []string
	for _, y := range l.capYears {
		in = append(in, itoa(y))
	}
	switch {
	case en && ok:
		return "the annual cap of " + group(c.Amount, 0, false) + " " + c.Currency + " is not reached"
	case en:
		return "the annual cap of " + group(c.Amount, 0, false) + " " + c.Currency + " is reached in " + strings.Join(in, ", ") + "; the subsidy is cut"
	case ok:
		return "годовой лимит " + group(c.Amount, 0, true) + "\u00a0" + c.Currency + " не достигнут"
	}
	return "годовой лимит " + group(c.Amount, 0, true) + "\u00a0" + c.Currency + " достигнут в " + strings.Join(in, ", ") + "; субсидия уменьшена"
}

// checkBaseRateAssumed, when the policy rate is used, warns once for each
// span where it was not known and the nearest known value was assumed, or
// says that every day used was known.
func (p *plan) checkBaseRateAssumed(l *checkList, _ *Result) {
	if !p.needBase {
		return
	}
	l.baseSrc = p.baseCountry
	if p.baseScenario {
		l.baseSrc = "subsidy.base_rates"
	}
	if len(p.assumed) == 0 {
		l.check(CheckBaseRateAssumed, KindWarning, true, sayBaseRateKnown, 0)
	}
	// A copy: the plan's spans may be merged further by a later schedule.
	l.assumed = append(l.assumedBuf[:0], p.assumed...)
	for i := range l.assumed {
		l.check(CheckBaseRateAssumed, KindWarning, false, sayBaseRateAssumed, i)
	}
}

func sayBaseRateKnown(l *checkList, _ int, _, en bool) string {
	if en {
		return "policy rates (" + l.baseSrc + ") are known for every day used"
	}
	return "ставки (" + l.baseSrc + ") известны на все использованные дни"
}

func sayBaseRateAssumed(l *checkList, i int, _, en bool) string {
	a := l.assumed[i]
	to := a.to - 1
	if en {
		return "the policy rate (" + l.baseSrc + ") is not known for " + a.from.String() + " – " + to.String() + "; " + a.rate.StringFixed(2) + " % assumed (the nearest known value)"
	}
	return "ставка (" + l.baseSrc + ") неизвестна на " + ruDate(a.from) + " – " + ruDate(to) + "; принята " + strings.Replace(a.rate.StringFixed(2), ".", ",", 1) + "\u00a0% (ближайшее известное значение)"
}

// checkDeparture names the request's fields that depart from the
// programme (plan.overridden), when there are any.
func (p *plan) checkDeparture(l *checkList, _ *Result) {
	if len(p.overridden) == 0 {
		return
	}
	l.prog, l.overridden = p.prog.ID, slices.Clip(p.overridden)
	l.check(CheckDeparture, KindWarning, false, sayDeparture, 0)
}

func sayDeparture(l *checkList, _ int, _, en bool) string {
	f := strings.Join(l.overridden, ", ")
	if en {
		return "the calculation departs from the " + l.prog + " programme in: " + f
	}
	return "расчёт отступает от программы " + l.prog + ": " + f
}

// checkEffectiveRate warns when the effective rate did not converge.
func (p *plan) checkEffectiveRate(l *checkList, res *Result) {
	if res.EffectiveRates.Converged {
		return
	}
	l.check(CheckEffectiveRate, KindWarning, false, sayEffectiveRate, 0)
}

func sayEffectiveRate(_ *checkList, _ int, _, en bool) string {
	if en {
		return "the effective rate could not be solved for these cash flows"
	}
	return "эффективную ставку для этих потоков определить не удалось"
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
