package calc

import (
	"errors"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// ClaimRequest is a claim on actual figures (SPEC §7, API.md "Claims on
// actual figures"): the loan and its programme as in a [Request], the
// parties printed on the claim form, the ledger of what really happened
// and the claim periods. Balances come from Ledger alone; Loan's own
// disbursements and rate changes describe the plan the claim is compared
// with.
type ClaimRequest struct {
	// ID names the loan in a register (required there, free elsewhere).
	ID       string        `json:"id,omitempty"`
	Project  Project       `json:"project"`
	Loan     Loan          `json:"loan"`
	Subsidy  SubsidyTerms  `json:"subsidy"`
	Borrower Party         `json:"borrower"`
	Bank     Party         `json:"bank"`
	Contract Contract      `json:"contract"`
	Ledger   []LedgerEntry `json:"ledger"`
	Claims   ClaimPeriods  `json:"claims"`
	// Lang is "ru" (default) or "en", as in [Request].
	Lang string `json:"lang,omitempty"`
}

// Party is the borrower or the bank as the claim form names them. TaxID
// is the borrower's taxpayer number; Code the bank's identifier (BIC).
// Text only, printed as given (at most 300 characters each).
type Party struct {
	Name  string `json:"name,omitempty"`
	TaxID string `json:"tax_id,omitempty"`
	Code  string `json:"code,omitempty"`
}

// Contract is the loan agreement's number and date, for the form header.
type Contract struct {
	Number string `json:"number,omitempty"`
	Date   *Date  `json:"date,omitempty"`
}

// Ledger entry types.
const (
	LedgerDrawdown   = "drawdown"
	LedgerRepayment  = "repayment"
	LedgerRateChange = "rate_change"
	LedgerOverdue    = "overdue"
)

var ledgerTypes = []string{LedgerDrawdown, LedgerRepayment, LedgerRateChange, LedgerOverdue}

// LedgerEntry is one fact about the loan. A drawdown or repayment has Date
// and Amount (loan currency, > 0, at most two decimals); a rate_change has
// Date and Rate (the contract rate from Date on, percent a year); an
// overdue has From, To and Amount: that much principal is overdue on the
// days [From, To) and earns no subsidy there. Entries come in date order
// (an overdue entry by its From).
type LedgerEntry struct {
	Type   string           `json:"type"`
	Date   Date             `json:"date,omitzero"`
	Amount decimal.Decimal  `json:"amount,omitzero"`
	Rate   *decimal.Decimal `json:"rate,omitempty"`
	From   Date             `json:"from,omitzero"`
	To     Date             `json:"to,omitzero"`
}

// when is the date that orders the entry: From for overdue, else Date.
func (e *LedgerEntry) when() Date {
	if e.Type == LedgerOverdue {
		return e.From
	}
	return e.Date
}

// ClaimPeriods chooses the periods claimed: Frequency ("monthly" or
// "quarterly") with From and To gives calendar months or quarters (1 Jan,
// 1 Apr, 1 Jul, 1 Oct) cut to [From, To) and to the loan term; or Periods
// lists them explicitly, in order, not overlapping, inside the term.
type ClaimPeriods struct {
	Frequency string      `json:"frequency,omitempty"`
	From      Date        `json:"from,omitzero"`
	To        Date        `json:"to,omitzero"`
	Periods   []DateRange `json:"periods,omitempty"`
}

// DateRange is the days [From, To).
type DateRange struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// ClaimResult is the outcome of [Claim].
type ClaimResult struct {
	ID string `json:"id,omitempty"`
	// Eligible is false when an eligibility check of the loan fails; every
	// period's Payable is then 0.
	Eligible bool   `json:"eligible"`
	Currency string `json:"currency"`
	// DayCount, IssueDate and Maturity repeat the loan's terms used.
	DayCount  string        `json:"day_count"`
	IssueDate Date          `json:"issue_date"`
	Maturity  Date          `json:"maturity"`
	Checks    []Check       `json:"checks"`
	Periods   []ClaimPeriod `json:"periods"`
	Totals    ClaimTotals   `json:"totals"`
	Programme ProgrammeRef  `json:"programme"`
}

// ClaimPeriod is one claim period [From, To) and its rows.
type ClaimPeriod struct {
	From Date `json:"from"`
	To   Date `json:"to"`
	// Year is the calendar year of the period's last day (To − 1), whose
	// annual cap the claim counts against.
	Year int        `json:"year"`
	Rows []ClaimRow `json:"rows"`
	// Claimed is the sum of the rows' Amount.
	Claimed Money `json:"claimed"`
	// CapApplied is true when the annual cap cut Claimed; CapLeft is what
	// is left of the year's cap after this period (nil: no cap).
	CapApplied bool   `json:"cap_applied"`
	CapLeft    *Money `json:"cap_left"`
	// Payable is Claimed after the cap, 0 for an ineligible loan.
	Payable Money `json:"payable"`
	// Planned is the payable subsidy of the same days by the plan (the
	// loan's schedule under SPEC §2–3), computed row by row as the claim
	// is; Difference = Payable − Planned.
	Planned    Money `json:"planned"`
	Difference Money `json:"difference"`
	// Causes name what differs from the plan in this period, in this
	// order: "repayment", "drawdown", "rate_change", "overdue", "cap";
	// empty when Difference is 0.
	Causes []string `json:"causes"`
}

// ClaimRow is one stretch of constant figures [From, To) of a period.
// Amounts are loan currency; rates percent a year.
type ClaimRow struct {
	From Date `json:"from"`
	To   Date `json:"to"`
	// Days are counted by the loan's day count (30E/360 days for 30/360);
	// YearDays is 365 or 366 (act/act: the length of the row's calendar
	// year), 365 (act/365) or 360.
	Days     int `json:"days"`
	YearDays int `json:"year_days"`
	// Balance is the principal outstanding by the ledger; Overdue the
	// overdue part of it; SubsidisedBalance = max(0, Balance − Overdue).
	Balance           Money `json:"balance"`
	Overdue           Money `json:"overdue"`
	SubsidisedBalance Money `json:"subsidised_balance"`
	// BaseRate is the policy rate used (nil when the rule uses none),
	// RuleRate the rule's subsidy rate (SPEC §3; 0 outside the subsidy
	// window), AmountRule = SubsidisedBalance × RuleRate × Days / YearDays
	// / 100.
	BaseRate   *decimal.Decimal `json:"base_rate"`
	RuleRate   decimal.Decimal  `json:"rule_rate"`
	AmountRule Money            `json:"amount_rule"`
	// LoanRate is the contract rate; LimitRate = c × LoanRate (c the
	// rule's loan share, 1 when the rule has none); AmountLimit =
	// SubsidisedBalance × LimitRate × Days / YearDays / 100.
	LoanRate    decimal.Decimal `json:"loan_rate"`
	LimitRate   decimal.Decimal `json:"limit_rate"`
	AmountLimit Money           `json:"amount_limit"`
	// Amount = min(AmountRule, AmountLimit). Each amount is rounded half
	// away from zero to the minor unit on its own row.
	Amount Money `json:"amount"`
}

// ClaimTotals sum the periods.
type ClaimTotals struct {
	Claimed    Money `json:"claimed"`
	Payable    Money `json:"payable"`
	Planned    Money `json:"planned"`
	Difference Money `json:"difference"`
}

// Causes of a difference from the plan (ClaimPeriod.Causes).
const (
	CauseRepayment  = "repayment"
	CauseDrawdown   = "drawdown"
	CauseRateChange = "rate_change"
	CauseOverdue    = "overdue"
	CauseCap        = "cap"
)

// CheckClaimCap is the check that the annual cap cut a claim.
const CheckClaimCap = "claim_cap_reached"

// Bounds of a claim request.
const (
	maxLedger       = 10_000
	maxClaimPeriods = 1_000
	maxText         = 300
)

// Claim computes a claim on actual figures (SPEC §7). It validates req
// (every problem at once, as an *[Error] of kind [Invalid] naming fields
// such as "ledger[3].amount"), computes the plan of the same loan as
// [Calculate] does (schedule, caps, eligibility checks), and then,
// for each period, the rows of constant balance, overdue, contract rate
// and policy rate, their amounts (each rounded half away from zero to the
// minor unit), the period's claim, the annual cap and the comparison with
// the plan. Rows are cut at every ledger event, every policy-rate change
// (daily fixing) or interest period boundary (fixing on the period start
// or payment date), every contract-rate change, 1 January and the subsidy
// window's ends. Claim does not modify req.
func Claim(req *ClaimRequest, opt Options) (*ClaimResult, error) {
	return claim(req, opt, nil)
}

// claim is Claim; fixed, when not nil, replaces req.Claims with periods
// a register has already chosen (possibly none).
func claim(req *ClaimRequest, opt Options, fixed func(issue, maturity Date) []DateRange) (*ClaimResult, error) {
	c := &checker{}
	preq := req.planRequest()
	p, perr := newPlan(preq, opt)
	var pe *Error
	if perr != nil && !errors.As(perr, &pe) {
		return nil, perr
	}
	loanOK := pe == nil || !hasField(pe, "loan.issue_date", "loan.term_months", "loan.frequency", "loan.rate", "loan.amount")
	issue, maturity := req.Loan.IssueDate, Date(0)
	if loanOK {
		maturity = issue.AddMonths(req.Loan.TermMonths)
	}
	f := req.validate(c, loanOK, issue, maturity)
	if fixed == nil {
		req.validatePeriods(c, loanOK, issue, maturity)
	}
	if pe != nil {
		pe.Fields = append(pe.Fields, c.list...)
		return nil, pe
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	// The plan's schedule, caps and checks; a claim needs neither the
	// borrower's effective rates nor the budget shares.
	res := planResults.Get().(*Result)
	defer planResults.Put(res)
	*res = Result{Currency: p.currency, Schedule: res.Schedule[:0], Years: res.Years[:0]}
	res.Schedule = p.schedule(res.Schedule)
	if p.canceled != nil {
		return nil, p.canceled
	}
	checks := p.eligibility()
	res.Eligible = checks.eligible()
	p.settle(res)
	res.EffectiveRates.Converged = true // its check is the plan's, not the claim's
	res.Checks = p.outcomeChecks(checks, res)
	res.Programme = p.programmeRef()
	cl := newClaimer(p, res)
	out := &ClaimResult{
		ID: req.ID, Eligible: res.Eligible, Currency: p.currency,
		DayCount: p.dc, IssueDate: p.issue, Maturity: p.maturity,
		Programme: res.Programme,
	}
	var periods []DateRange
	if fixed != nil {
		periods = fixed(p.issue, p.maturity)
	} else {
		periods = req.periods(p)
	}
	if err := cl.run(f, periods, out); err != nil {
		return nil, err
	}
	out.Checks = cl.checks(res.Checks, out)
	return out, nil
}

// planResults recycles the plan's schedule between claims: a claim keeps
// nothing of it (the plan's flows and checks are copied out).
var planResults = sync.Pool{New: func() any { return new(Result) }}

func hasField(e *Error, names ...string) bool {
	for _, f := range e.Fields {
		if slices.Contains(names, f.Field) {
			return true
		}
	}
	return false
}

// planRequest is the calculation request of the loan as planned.
func (r *ClaimRequest) planRequest() *Request {
	return &Request{Project: r.Project, Loan: r.Loan, Subsidy: r.Subsidy, Lang: r.Lang}
}

// fact is the ledger made ready for the row loop: balance steps, the
// contract rate path and overdue spans. The plan is put in the same form.
type fact struct {
	steps   []balStep // sorted by date, one per date
	rates   []ratePt  // contract rate from each date on
	overdue []overdueSpan
	odDates []Date // sorted, unique: every overdue span's ends
}

// balStep is the balance and the cumulative drawdowns and repayments from
// date on.
type balStep struct {
	date               Date
	bal, drawn, repaid Money
}

type overdueSpan struct {
	from, to Date
	amt      Money
}

func (f *fact) addFlow(d Date, amt Money) {
	n := len(f.steps)
	var last balStep
	if n > 0 {
		last = f.steps[n-1]
	}
	if n == 0 || last.date != d {
		f.steps = append(f.steps, balStep{date: d, bal: last.bal, drawn: last.drawn, repaid: last.repaid})
		n++
	}
	s := &f.steps[n-1]
	s.bal += amt
	if amt > 0 {
		s.drawn += amt
	} else {
		s.repaid -= amt
	}
}

// stepAt returns the balance step in force on d (zero before the first).
func (f *fact) stepAt(d Date) balStep {
	i := sort.Search(len(f.steps), func(i int) bool { return f.steps[i].date > d })
	if i == 0 {
		return balStep{}
	}
	return f.steps[i-1]
}

// rateAt returns the index of the contract rate in force on d.
func (f *fact) rateAt(d Date) int {
	i := sort.Search(len(f.rates), func(i int) bool { return f.rates[i].date > d })
	return max(i-1, 0)
}

func (f *fact) overdueAt(d Date) Money {
	var s Money
	for _, o := range f.overdue {
		if o.from <= d && d < o.to {
			s += o.amt
		}
	}
	return s
}

// validate checks the claim's own fields and returns the ledger as a fact.
// loanOK says whether issue and maturity are usable.
func (r *ClaimRequest) validate(c *checker, loanOK bool, issue, maturity Date) *fact {
	text := func(field, v string) {
		if utf8.RuneCountInString(v) > maxText {
			c.add(field, Text{Ru: "не более %d символов", En: "at most %d characters"}, maxText)
		}
	}
	text("id", r.ID)
	text("borrower.name", r.Borrower.Name)
	text("borrower.tax_id", r.Borrower.TaxID)
	text("borrower.code", r.Borrower.Code)
	text("bank.name", r.Bank.Name)
	text("bank.tax_id", r.Bank.TaxID)
	text("bank.code", r.Bank.Code)
	text("contract.number", r.Contract.Number)
	if r.Contract.Date != nil {
		c.date("contract.date", *r.Contract.Date)
	}

	f := &fact{steps: make([]balStep, 0, len(r.Ledger))}
	if loanOK && r.Loan.Rate != nil {
		f.rates = append(f.rates, ratePt{issue, newRateVal(*r.Loan.Rate)})
	}
	switch {
	case len(r.Ledger) == 0:
		c.add("ledger", Text{
			Ru: "обязательное поле: хотя бы одна выдача (drawdown)",
			En: "required: at least one drawdown",
		})
	case len(r.Ledger) > maxLedger:
		c.add("ledger", Text{Ru: "не более %d записей", En: "at most %d entries"}, maxLedger)
		return f
	}
	amount, amountOK := Money(0), false
	if m, err := MoneyFromDecimal(r.Loan.Amount); err == nil && m > 0 {
		amount, amountOK = m, true
	}
	var prev Date
	var drawn, repaid Money
	ordered := true
	for i := range r.Ledger {
		e := &r.Ledger[i]
		fi := ledgerField(i)
		if !slices.Contains(ledgerTypes, e.Type) {
			c.enum(fi(".type"), e.Type, ledgerTypes)
			ordered = false
			continue
		}
		dateName := ".date"
		if e.Type == LedgerOverdue {
			dateName = ".from"
			if e.Date != 0 {
				c.add(fi(".date"), Text{
					Ru: "не используется для просрочки: укажите from и to",
					En: "not used by an overdue entry: give from and to",
				})
			}
		} else {
			if e.From != 0 || e.To != 0 {
				c.add(fi(".from"), Text{
					Ru: "используется только для просрочки (overdue)",
					En: "used only by an overdue entry",
				})
			}
		}
		if e.Type == LedgerRateChange {
			if !e.Amount.IsZero() {
				c.add(fi(".amount"), Text{
					Ru: "не используется для изменения ставки",
					En: "not used by a rate_change entry",
				})
			}
		} else if e.Rate != nil {
			c.add(fi(".rate"), Text{
				Ru: "используется только для изменения ставки (rate_change)",
				En: "used only by a rate_change entry",
			})
		}
		when := e.when()
		dateField := func() string { return fi(dateName) }
		dateOK := when >= minDate && when <= maxDate
		if !dateOK {
			c.date(dateField(), when)
		}
		if dateOK && loanOK {
			switch {
			case when < issue:
				c.add(dateField(), Text{
					Ru: "раньше даты выдачи кредита %s",
					En: "before the issue date %s",
				}, issue)
				dateOK = false
			case e.Type == LedgerRateChange && when == issue:
				c.add(dateField(), Text{
					Ru: "ставка на дату выдачи — loan.rate; изменение должно быть позже",
					En: "the rate on the issue date is loan.rate; a change must come later",
				})
				dateOK = false
			}
		}
		if dateOK && ordered && when < prev {
			c.add(dateField(), Text{
				Ru: "нарушен порядок: записи должны идти по датам (%s после %s)",
				En: "out of order: the ledger must be sorted by date (%s comes after %s)",
			}, when, prev)
			ordered = false
		}
		if dateOK {
			prev = max(prev, when)
		} else {
			ordered = false
		}
		switch e.Type {
		case LedgerDrawdown, LedgerRepayment, LedgerOverdue:
			if e.Amount.IsZero() && sane(e.Amount) {
				c.add(fi(".amount"), Text{
					Ru: "обязательное поле; больше 0",
					En: "required; greater than 0",
				})
				continue
			}
			m, plain := plainMoney(e.Amount)
			if !plain {
				if !c.dec(fi(".amount"), e.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
					continue
				}
				m = moneyOf(e.Amount)
			}
			switch e.Type {
			case LedgerDrawdown:
				drawn += m
				if amountOK && drawn > amount {
					c.add(fi(".amount"), Text{
						Ru: "выдачи в сумме %s превышают сумму кредита %s",
						En: "drawdowns add up to %s, more than the loan amount %s",
					}, drawn, amount)
				}
				if dateOK {
					f.addFlow(when, m)
				}
			case LedgerRepayment:
				repaid += m
				if repaid > drawn {
					c.add(fi(".amount"), Text{
						Ru: "погашено больше выданного: погашено %s, выдано %s на %s",
						En: "repays more than was drawn: %s repaid, %s drawn by %s",
					}, repaid, drawn, when)
					repaid = drawn
				}
				if dateOK {
					f.addFlow(when, -m)
				}
			case LedgerOverdue:
				toOK := c.date(fi(".to"), e.To)
				if toOK && dateOK && e.To <= e.From {
					c.add(fi(".to"), Text{Ru: "должна быть позже from", En: "must be after from"})
					toOK = false
				}
				if toOK && dateOK {
					if bal := drawn - repaid; m > bal {
						c.add(fi(".amount"), Text{
							Ru: "просрочено %s — больше остатка долга %s на %s",
							En: "overdue %s is more than the balance %s on %s",
						}, m, bal, e.From)
					}
					f.overdue = append(f.overdue, overdueSpan{e.From, e.To, m})
				}
			}
		case LedgerRateChange:
			if e.Rate == nil {
				c.add(fi(".rate"), Text{
					Ru: "обязательное поле; процентов годовых, от 0 до 100",
					En: "required; percent a year, 0 to 100",
				})
				continue
			}
			if !plainRate(*e.Rate) && !c.dec(fi(".rate"), *e.Rate, decimal.Zero, hundred, maxRateDigits, true) {
				continue
			}
			if dateOK && loanOK && len(f.rates) > 0 {
				if f.rates[len(f.rates)-1].date == when {
					c.add(dateField(), Text{
						Ru: "второе изменение ставки на %s",
						En: "a second rate change on %s",
					}, when)
					continue
				}
				f.rates = append(f.rates, ratePt{when, newRateVal(*e.Rate)})
			}
		}
	}
	if len(r.Ledger) > 0 && drawn == 0 && len(c.list) == 0 {
		c.add("ledger", Text{
			Ru: "нет ни одной выдачи (drawdown): остаток был бы нулевым",
			En: "no drawdown: the balance would be 0 throughout",
		})
	}
	for _, o := range f.overdue {
		f.odDates = append(f.odDates, o.from, o.to)
	}
	slices.Sort(f.odDates)
	f.odDates = slices.Compact(f.odDates)

	return f
}

// ledgerField returns a function naming a field of ledger entry i
// ("ledger[3].amount"); the name is built only when a problem needs it.
func ledgerField(i int) func(string) string {
	return func(suffix string) string { return "ledger[" + strconv.Itoa(i) + "]" + suffix }
}

// plainMoney returns d in minor units and true, without allocating, when
// d is an amount c.dec would accept: greater than 0, below 10^15, at most
// two decimals written.
func plainMoney(d decimal.Decimal) (Money, bool) {
	e := d.Exponent()
	if e < -MinorDigits || e > 0 || d.Sign() <= 0 || d.NumDigits() > 15 {
		return 0, false
	}
	v := d.CoefficientInt64()
	for ; e > -MinorDigits; e-- {
		v *= 10
	}
	return Money(v), true
}

// plainRate reports, without allocating, that d is a rate c.dec would
// accept: 0 to 100 with at most maxRateDigits decimals.
func plainRate(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -maxRateDigits && e <= 0 && d.NumDigits() <= 12 && d.Sign() >= 0 && decCmp(d, hundred) <= 0
}

// moneyOf converts a validated amount (at most two decimals) to Money
// without the big-integer detour of MoneyFromDecimal for short amounts.
func moneyOf(d decimal.Decimal) Money {
	if e := d.Exponent(); e >= -MinorDigits && e <= 0 && d.NumDigits() <= 16 {
		v := d.CoefficientInt64()
		for ; e > -MinorDigits; e-- {
			v *= 10
		}
		return Money(v)
	}
	m, _ := MoneyFromDecimal(d)
	return m
}

func (r *ClaimRequest) validatePeriods(c *checker, loanOK bool, issue, maturity Date) {
	cp := &r.Claims
	if len(cp.Periods) > 0 {
		if cp.Frequency != "" || cp.From != 0 || cp.To != 0 {
			c.add("claims.periods", Text{
				Ru: "укажите либо periods, либо frequency с from и to",
				En: "give either periods or frequency with from and to, not both",
			})
			return
		}
		if len(cp.Periods) > maxClaimPeriods {
			c.add("claims.periods", Text{Ru: "не более %d периодов", En: "at most %d periods"}, maxClaimPeriods)
			return
		}
		var prev Date
		for i, pr := range cp.Periods {
			fi := func(s string) string { return "claims.periods[" + strconv.Itoa(i) + "]" + s }
			a, b := c.date(fi(".from"), pr.From), c.date(fi(".to"), pr.To)
			if !a || !b {
				continue
			}
			switch {
			case pr.To <= pr.From:
				c.add(fi(".to"), Text{Ru: "должна быть позже from", En: "must be after from"})
			case loanOK && (pr.From < issue || pr.To > maturity):
				c.add(fi(".from"), Text{
					Ru: "период должен лежать в пределах срока кредита: %s – %s",
					En: "the period must lie inside the loan term %s to %s",
				}, issue, maturity)
			case pr.From < prev:
				c.add(fi(".from"), Text{
					Ru: "периоды должны идти по порядку и не пересекаться",
					En: "periods must be in order and must not overlap",
				})
			}
			prev = max(prev, pr.To)
		}
		return
	}
	if cp.Frequency == "" && cp.From == 0 && cp.To == 0 {
		c.add("claims", Text{
			Ru: "обязательное поле: frequency (monthly или quarterly) с from и to, или periods",
			En: "required: frequency (monthly or quarterly) with from and to, or periods",
		})
		return
	}
	c.enum("claims.frequency", cp.Frequency, []string{"monthly", "quarterly"})
	a, b := c.date("claims.from", cp.From), c.date("claims.to", cp.To)
	if !a || !b {
		return
	}
	switch {
	case cp.To <= cp.From:
		c.add("claims.to", Text{Ru: "должна быть позже from", En: "must be after from"})
	case loanOK && (cp.To <= issue || cp.From >= maturity):
		c.add("claims.from", Text{
			Ru: "периоды лежат вне срока кредита: %s – %s",
			En: "the periods fall outside the loan term %s to %s",
		}, issue, maturity)
	}
}

// periods returns the claim periods of a validated request.
func (r *ClaimRequest) periods(p *plan) []DateRange {
	cp := &r.Claims
	if len(cp.Periods) > 0 {
		return cp.Periods
	}
	lo, hi := max(cp.From, p.issue), min(cp.To, p.maturity)
	step := 1
	if cp.Frequency == "quarterly" {
		step = 3
	}
	var out []DateRange
	for cur := lo; cur < hi; {
		y, m, _ := cur.Civil()
		mi := (int(m)-1)/step*step + step // next boundary, months from January
		next := Date(daysFromCivil(y+mi/12, mi%12+1, 1))
		out = append(out, DateRange{cur, min(next, hi)})
		cur = next
	}
	return out
}

// claimer computes rows for a plan.
type claimer struct {
	p         *plan
	yearDays  int
	capYear0  int     // the first year of capLeft and planLeft
	capLeft   []Money // per year from capYear0, fact
	planLeft  []Money // per year, plan
	capSeen   []bool  // the year's cap is set
	missingFX []int
	fxAt      func(year int) (int, bool) // p.fxIndex, made on first use
	memo      []ruleMemo                 // few distinct pairs: a linear scan beats a map
	planFact  *fact
}

type ruleKey struct {
	step int // the rule's step by loan year (0: the rule itself)
	bi   int
	loan int64  // the contract rate in fixed point, when exact
	s    string // else its text
}

type ruleMemo struct {
	k ruleKey
	v ruleRates
}

type ruleRates struct {
	rule, limit rateVal
}

func newClaimer(p *plan, res *Result) *claimer {
	cl := &claimer{p: p}
	switch p.dc {
	case DayCountAct360, DayCount30E360:
		cl.yearDays = 360
	default:
		cl.yearDays = 365
	}
	// The plan in the form of a ledger: its drawdowns, the principal of
	// each scheduled payment, its contract rates.
	pf := &fact{rates: p.loanRates, steps: make([]balStep, 0, len(p.draws)+len(res.Schedule))}
	// Merge the drawdowns and the payments' principal, both in date order
	// (a drawdown before a payment on the same day).
	di := 0
	for _, per := range res.Schedule {
		for di < len(p.draws) && p.draws[di].date <= per.End {
			pf.addFlow(p.draws[di].date, p.draws[di].amt)
			di++
		}
		if per.Principal > 0 {
			pf.addFlow(per.End, -per.Principal)
		}
	}
	for ; di < len(p.draws); di++ {
		pf.addFlow(p.draws[di].date, p.draws[di].amt)
	}
	cl.planFact = pf
	return cl
}

// capFor returns the annual cap of year y in the loan currency (ok false:
// no cap). The conversion is p.resolveCap's: cap / fx rounded down.
func (cl *claimer) capFor(y int) (Money, bool) {
	p := cl.p
	if p.cap == nil {
		return 0, false
	}
	if p.cap.Currency == p.currency {
		return moneyOf(p.cap.Amount), true
	}
	if cl.fxAt == nil {
		cl.fxAt = p.fxIndex()
	}
	i, ok := cl.fxAt(y)
	if !ok {
		if !slices.Contains(cl.missingFX, y) {
			cl.missingFX = append(cl.missingFX, y)
		}
		return 0, true
	}
	q, _ := p.cap.Amount.QuoRem(p.req.Subsidy.FX[i].Rate, MinorDigits)
	return moneyRoundDown(q), true
}

func (cl *claimer) run(f *fact, periods []DateRange, out *ClaimResult) error {
	p := cl.p
	ny := p.maturity.Year() - p.issue.Year() + 2
	cl.capYear0 = p.issue.Year()
	cl.capLeft, cl.planLeft, cl.capSeen = make([]Money, ny), make([]Money, ny), make([]bool, ny)
	out.Periods = make([]ClaimPeriod, 0, len(periods))
	capLefts := make([]Money, len(periods)) // CapLeft points into it
	// One backing array for every period's rows, sized for the usual
	// number of breaks: the periods, the ledger's events, the policy-rate
	// breaks and New Years.
	est := len(periods) + len(f.steps) + len(f.rates) + len(f.odDates) + p.maturity.Year() - p.issue.Year() + 3
	if p.rule.BaseFixing == FixDaily {
		est += len(p.baseSegs)
	} else {
		est += len(p.dates)
	}
	all := make([]ClaimRow, 0, est)
	planRows := make([]ClaimRow, 0, 32)
	for _, pr := range periods {
		cp := ClaimPeriod{From: pr.From, To: pr.To, Year: (pr.To - 1).Year()}
		n := len(all)
		all = cl.rows(f, pr.From, pr.To, all)
		cp.Rows = all[n:len(all):len(all)]
		for _, r := range cp.Rows {
			cp.Claimed += r.Amount
		}
		var planned Money
		planRows = planRows[:0]
		if cl.samePlan(f, pr.From, pr.To) {
			planned = cp.Claimed // the same rows, figure for figure
		} else {
			planRows = cl.rows(cl.planFact, pr.From, pr.To, planRows)
			for _, r := range planRows {
				planned += r.Amount
			}
		}
		cp.Payable = cp.Claimed
		planCut := false
		if p.cap != nil {
			yi := min(max(cp.Year-cl.capYear0, 0), len(cl.capLeft)-1)
			left, pleft := cl.capLeft[yi], cl.planLeft[yi]
			if !cl.capSeen[yi] {
				capAmt, _ := cl.capFor(cp.Year)
				left, pleft = capAmt, capAmt
				cl.capSeen[yi] = true
			}
			if cp.Payable > left {
				cp.Payable, cp.CapApplied = max(left, 0), true
			}
			left -= cp.Payable
			if planned > pleft {
				planned, planCut = max(pleft, 0), true
			}
			pleft -= planned
			cl.capLeft[yi], cl.planLeft[yi] = left, pleft
			capLefts[len(out.Periods)] = left
			cp.CapLeft = &capLefts[len(out.Periods)]
		}
		if !out.Eligible {
			cp.Payable, planned = 0, 0
		}
		cp.Planned = planned
		cp.Difference = cp.Payable - cp.Planned
		cp.Causes = []string{}
		if cp.Difference != 0 {
			cp.Causes = cl.causes(f, &cp, planRows, planCut)
		}
		out.Totals.Claimed += cp.Claimed
		out.Totals.Payable += cp.Payable
		out.Totals.Planned += cp.Planned
		out.Periods = append(out.Periods, cp)
	}
	out.Totals.Difference = out.Totals.Payable - out.Totals.Planned
	if len(cl.missingFX) > 0 {
		slices.Sort(cl.missingFX)
		years := ""
		for i, y := range cl.missingFX {
			if i > 0 {
				years += ", "
			}
			years += strconv.Itoa(y)
		}
		c := &checker{}
		c.add("subsidy.fx", Text{
			Ru: "годовой лимит в %s, кредит в %s: укажите курс (%[1]s за 1 %[2]s) на %s или один курс без года",
			En: "the annual cap is in %s and the loan in %s: give the exchange rate (%[1]s per 1 %[2]s) for %s, or one rate without a year",
		},
			p.cap.Currency, p.currency, years)
		return c.err()
	}
	return nil
}

// samePlan reports whether the fact and the plan have the same balances,
// the same break dates and the same contract rates on [from, to), and no
// overdue principal there: their rows are then identical, and so are the
// amounts. Loans that keep to their schedule skip the plan's rows.
func (cl *claimer) samePlan(f *fact, from, to Date) bool {
	pf := cl.planFact
	for _, o := range f.overdue {
		if o.from < to && o.to > from {
			return false
		}
	}
	// Both step lists from the last step on or before from: equal from
	// there to the last step before to.
	i := sort.Search(len(f.steps), func(i int) bool { return f.steps[i].date > from })
	j := sort.Search(len(pf.steps), func(i int) bool { return pf.steps[i].date > from })
	if (i > 0) != (j > 0) || i > 0 && f.steps[i-1].bal != pf.steps[j-1].bal {
		return false
	}
	for ; i < len(f.steps) && f.steps[i].date < to; i, j = i+1, j+1 {
		if j >= len(pf.steps) || f.steps[i].date != pf.steps[j].date || f.steps[i].bal != pf.steps[j].bal {
			return false
		}
	}
	if j < len(pf.steps) && pf.steps[j].date < to {
		return false
	}
	ra, rb := f.rateAt(from), pf.rateAt(from)
	for {
		if !f.rates[ra].rate.d.Equal(pf.rates[rb].rate.d) {
			return false
		}
		na, nb := ra+1 < len(f.rates) && f.rates[ra+1].date < to, rb+1 < len(pf.rates) && pf.rates[rb+1].date < to
		if na != nb {
			return false
		}
		if !na {
			return true
		}
		ra, rb = ra+1, rb+1
		if f.rates[ra].date != pf.rates[rb].date {
			return false
		}
	}
}

// causes names what differs between the fact and the plan in a period:
// the cumulative repayments, the cumulative drawdowns or the contract rate
// on some day of the period (they change only on row starts of either
// side), overdue principal, or the cap.
func (cl *claimer) causes(f *fact, cp *ClaimPeriod, planRows []ClaimRow, planCut bool) []string {
	var rep, draw, rate, over bool
	check := func(d Date) {
		a, b := f.stepAt(d), cl.planFact.stepAt(d)
		rep = rep || a.repaid != b.repaid
		draw = draw || a.drawn != b.drawn
		ra, rb := f.rates[f.rateAt(d)].rate.d, cl.planFact.rates[cl.planFact.rateAt(d)].rate.d
		rate = rate || !ra.Equal(rb)
	}
	for _, r := range cp.Rows {
		check(r.From)
		over = over || r.Overdue > 0
	}
	for _, r := range planRows {
		check(r.From)
	}
	var out []string
	for _, c := range []struct {
		on   bool
		name string
	}{{rep, CauseRepayment}, {draw, CauseDrawdown}, {rate, CauseRateChange}, {over, CauseOverdue}, {cp.CapApplied || planCut, CauseCap}} {
		if c.on {
			out = append(out, c.name)
		}
	}
	return out
}

// nextAfter returns the first date in sorted ds after d, or none.
func nextAfter(ds []Date, d, none Date) Date {
	i := sort.Search(len(ds), func(i int) bool { return ds[i] > d })
	if i < len(ds) && ds[i] < none {
		return ds[i]
	}
	return none
}

// rows cuts [from, to) into rows of constant figures of f and appends
// them to out.
func (cl *claimer) rows(f *fact, from, to Date, out []ClaimRow) []ClaimRow {
	p := cl.p
	daily := p.rule.BaseFixing == FixDaily
	si := sort.Search(len(f.steps), func(i int) bool { return f.steps[i].date > from })
	ri := f.rateAt(from)
	y := from.Year()
	jan1 := yearStart(y + 1)
	bi := -1
	if p.usesBase && len(p.baseSegs) > 0 && daily {
		bi = p.segIndex(from)
	}
	// The rule's step by loan year (SPEC §9) in force, and the next one's
	// start.
	step := 0
	for step+1 < len(p.steps) && p.steps[step+1].from <= from {
		step++
	}
	for cur := from; cur < to; {
		for step+1 < len(p.steps) && p.steps[step+1].from <= cur {
			step++
		}
		if cur >= jan1 {
			y++
			jan1 = yearStart(y + 1)
		}
		// The next break after cur.
		next := to
		if si < len(f.steps) && f.steps[si].date < next {
			next = f.steps[si].date
		}
		if ri+1 < len(f.rates) && f.rates[ri+1].date < next {
			next = f.rates[ri+1].date
		}
		next = nextAfter(f.odDates, cur, next)
		if jan1 < next {
			next = jan1
		}
		if step+1 < len(p.steps) && p.steps[step+1].from < next {
			next = p.steps[step+1].from
		}
		if p.winStart > cur && p.winStart < next {
			next = p.winStart
		}
		if p.winEnd > cur && p.winEnd < next {
			next = p.winEnd
		}
		if p.usesBase && len(p.baseSegs) > 0 {
			if daily {
				for bi+1 < len(p.baseSegs) && p.baseSegs[bi+1].Start <= cur {
					bi++
				}
				if bi+1 < len(p.baseSegs) && p.baseSegs[bi+1].Start < next {
					next = p.baseSegs[bi+1].Start
				}
			} else {
				k := sort.Search(len(p.dates), func(i int) bool { return p.dates[i] > cur }) - 1
				k = min(max(k, 0), len(p.dates)-2)
				at := p.dates[k]
				if p.rule.BaseFixing == FixPaymentDate {
					at = p.dates[k+1]
				}
				bi = p.segIndex(at)
				if p.dates[k+1] < next {
					next = p.dates[k+1]
				}
			}
		}

		row := ClaimRow{From: cur, To: next, YearDays: cl.yearDays}
		st := balStep{}
		if si > 0 {
			st = f.steps[si-1]
		}
		row.Balance = max(st.bal, 0)
		row.Overdue = f.overdueAt(cur)
		row.SubsidisedBalance = max(row.Balance-row.Overdue, 0)
		days, cls := int(next-cur), classMain
		switch p.dc {
		case DayCountActAct:
			if isLeap(y) {
				row.YearDays, cls = 366, classLeap
			}
		case DayCount30E360:
			days = days30E360(next) - days30E360(cur)
		}
		row.Days = days
		lr := f.rates[ri].rate
		row.LoanRate = lr.d
		base := decimal.Zero
		if bi >= 0 {
			row.BaseRate = &p.baseSegs[bi].Rate // shared, never written
			base = p.baseSegs[bi].Rate
		}
		rr := cl.rates(step, bi, base, lr)
		inWin := cur >= p.winStart && cur < p.winEnd
		row.LimitRate = rr.limit.d
		if inWin {
			row.RuleRate = rr.rule.d
			row.AmountRule = rowAmount(row.SubsidisedBalance, rr.rule, days, cls, p.dc)
		} else {
			row.RuleRate = decimal.Zero
		}
		row.AmountLimit = rowAmount(row.SubsidisedBalance, rr.limit, days, cls, p.dc)
		row.Amount = min(row.AmountRule, row.AmountLimit)
		out = append(out, row)

		cur = next
		for si < len(f.steps) && f.steps[si].date <= cur {
			si++
		}
		for ri+1 < len(f.rates) && f.rates[ri+1].date <= cur {
			ri++
		}
	}
	return out
}

// rates returns the rule's rate and the limit rate for a policy rate
// segment and a contract rate, computed once per pair.
func (cl *claimer) rates(step, bi int, base decimal.Decimal, loan rateVal) ruleRates {
	k := ruleKey{step: step, bi: bi, loan: loan.i}
	if !loan.ok {
		k = ruleKey{step: step, bi: bi, loan: -1, s: loan.d.String()}
	}
	if n := len(cl.memo); n > 0 && cl.memo[n-1].k == k {
		return cl.memo[n-1].v
	}
	for i := len(cl.memo) - 1; i >= 0; i-- {
		if cl.memo[i].k == k {
			m := cl.memo[i]
			cl.memo[i] = cl.memo[len(cl.memo)-1]
			cl.memo[len(cl.memo)-1] = m // the last found is looked at first
			return m.v
		}
	}
	rule := cl.p.rateRule
	if len(cl.p.steps) > 0 {
		rule = cl.p.steps[step].rule
	}
	v := ruleRates{rule: newRateVal(rule.rate(base, loan.d)), limit: loan}
	if rule.hasC {
		v.limit = newRateVal(rule.c.Mul(loan.d))
	}
	cl.memo = append(cl.memo, ruleMemo{k, v})
	return v
}

// rowAmount is balance × rate × days / year length / 100, rounded half
// away from zero to the minor unit (the accrual of one piece).
func rowAmount(bal Money, r rateVal, days, cls int, dc string) Money {
	if bal <= 0 || days <= 0 {
		return 0
	}
	if r.ok {
		// One piece: balance × rate × days over 100 × rateScale × the
		// year's length, the same exact quotient the accrual forms.
		var n u128
		n.addMul(uint64(bal), uint64(r.i), uint64(days))
		yd := uint64(360)
		switch {
		case dc == DayCountActAct && cls == classLeap:
			yd = 366
		case dc == DayCountActAct || dc == DayCountAct365:
			yd = 365
		}
		den := 100 * rateScale * yd
		if n.hi < den {
			q, rem := bits.Div64(n.hi, n.lo, den)
			if 2*rem >= den {
				q++
			}
			return Money(q)
		}
	}
	var a accrual
	a.reset(r.ok)
	a.add(bal, r, days, cls)
	return a.total(dc)
}

// segIndex returns the index of the policy rate segment holding day t.
func (p *plan) segIndex(t Date) int {
	i := sort.Search(len(p.baseSegs), func(i int) bool { return p.baseSegs[i].Start > t })
	return max(i-1, 0)
}

// checks returns the plan's checks that concern the loan (not its
// planned figures) and the claim's own.
func (cl *claimer) checks(plan []Check, out *ClaimResult) []Check {
	list := &checkList{lang: cl.p.lang}
	for _, ch := range plan {
		if ch.Code == CheckAnnualCapReached || ch.Code == CheckEffectiveRate {
			continue
		}
		list.list = append(list.list, ch)
	}
	for _, cp := range out.Periods {
		if !cp.CapApplied {
			continue
		}
		cp := cp
		list.add(CheckClaimCap, KindInfo, false, func(en bool) string {
			if en {
				return "the annual cap for " + itoa(cp.Year) + " is reached in the claim for " + cp.From.String() + " – " + (cp.To - 1).String() + ": " + cp.Claimed.String() + " claimed, " + cp.Payable.String() + " payable"
			}
			return "годовой лимит " + itoa(cp.Year) + " г. достигнут в заявке за " + ruDate(cp.From) + " – " + ruDate(cp.To-1) + ": заявлено " + GroupDigits(cp.Claimed.String(), true) + ", к выплате " + GroupDigits(cp.Payable.String(), true)
		})
	}
	return list.list
}
