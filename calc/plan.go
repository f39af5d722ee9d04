package calc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// plan is a validated request normalised for the schedule loop.
type plan struct {
	req      *Request
	lang     string
	prog     Programme
	rule     RuleParams
	rateRule rateRule
	usesBase bool // the subsidy rate needs the policy rate
	needBase bool // the rule or a check needs the policy rate

	amount       Money
	currency     string
	step, ppy, n int
	graceN       int
	repay        string
	dc           string
	issue        Date
	maturity     Date
	dates        []Date // n+1 dates: issue, then each payment date
	payYear      []int  // calendar year of each date
	draws        []draw // sorted by date, same-day drawdowns merged
	loanRates    []ratePt
	baseCountry  string
	baseScenario bool
	baseSegs     []RateSegment // cover [issue, maturity+1) when needBase

	winStart, winEnd Date
	maxTerm          int // months; 0: none
	cap              *Cap
	capLoan          []capYear // per payment year from payYear[0], in loan currency
	fxUsed           map[int]decimal.Decimal

	contributions []CountryShare
	participants  []Participant
	discount      decimal.Decimal
	overridden    []string
	fast          bool // start each period on the int128 accrual
	sr            srateMemo
	assumed       []assumedSpan
	conv          conventions // other banks' conventions (reconcile.go); zero: ours

	steps []planStep  // the rule's steps by loan year (rule.go); nil: none
	noSub *solvedRate // the borrower's rate without subsidy, shared by a comparison

	work     workCount  // what the calculation did, for the cost tests
	workOut  *workCount // Options.work: where to copy work, when not nil
	done     <-chan struct{}
	ctx      context.Context
	canceled error // set when ctx was found done
}

type draw struct {
	date Date
	amt  Money
}

type ratePt struct {
	date Date
	rate rateVal
}

// rateScale is the fixed-point scale of rates in the fast accrual: a rate
// of 18.5 % is 1_850_000_000.
const rateScale = 100_000_000

var decRateScale = decimal.NewFromInt(rateScale)
var maxScaledRate = int64(100 * rateScale)

// rateVal is a rate in percent, with its fixed-point form when exact.
type rateVal struct {
	d  decimal.Decimal
	i  int64
	ok bool // i == d × rateScale exactly and 0 ≤ d ≤ 100
}

func newRateVal(d decimal.Decimal) rateVal {
	r := rateVal{d: d}
	// Fast exact conversion for the usual short rates, no allocation.
	if e := d.Exponent(); e >= -8 && e <= 0 && d.NumDigits() <= 12 && d.Sign() >= 0 {
		v := d.CoefficientInt64()
		for ; e > -8; e-- {
			v *= 10
		}
		if v <= maxScaledRate {
			r.i, r.ok = v, true
		}
		return r
	}
	s := d.Mul(decRateScale)
	if s.IsInteger() && s.Sign() >= 0 {
		if b := s.BigInt(); b.IsInt64() && b.Int64() <= maxScaledRate {
			r.i, r.ok = b.Int64(), true
		}
	}
	return r
}

func newPlan(req *Request, opt Options) (*plan, error) {
	c := &checker{}
	p := &plan{req: req, lang: "ru"}
	if req.Lang == "en" {
		p.lang = "en"
	}
	l := &req.Loan

	// Programme.
	progOK := false
	if opt.programme != nil { // a comparison's loan-only plan (compare.go)
		p.prog, progOK = *opt.programme, true
	} else if req.Subsidy.Programme == "" {
		c.add("subsidy.programme", Text{
			Ru: "обязательное поле; допустимые значения: %s",
			En: "required; one of: %s",
		}, strings.Join(ProgrammeIDs(), ", "))
	} else if pr, ok := LookupProgramme(req.Subsidy.Programme); ok {
		p.prog, progOK = pr, true
	} else {
		c.add("subsidy.programme", Text{
			Ru: "неизвестная программа %q; допустимые: %s",
			En: "unknown programme %q; allowed: %s",
		}, req.Subsidy.Programme, strings.Join(ProgrammeIDs(), ", "))
	}

	// Loan.
	amountOK := false
	if l.Amount.IsZero() && sane(l.Amount) {
		c.add("loan.amount", Text{Ru: "обязательное поле; больше 0", En: "required; greater than 0"})
	} else if c.dec("loan.amount", l.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
		p.amount, _ = MoneyFromDecimal(l.Amount)
		amountOK = true
	}
	currencyOK := c.enum("loan.currency", l.Currency, Currencies)
	p.currency = l.Currency
	rateOK := false
	if l.Rate == nil {
		c.add("loan.rate", Text{
			Ru: "обязательное поле; процентов годовых, от 0 до 100",
			En: "required; percent a year, 0 to 100",
		})
	} else {
		rateOK = c.dec("loan.rate", *l.Rate, decimal.Zero, hundred, maxRateDigits, true)
	}
	issueOK := c.date("loan.issue_date", l.IssueDate)
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

	termOK := false
	switch {
	case l.TermMonths == 0:
		c.add("loan.term_months", Text{
			Ru: "обязательное поле; от 1 до 600 месяцев",
			En: "required; 1 to 600 months",
		})
	case l.TermMonths < 1 || l.TermMonths > 600:
		c.add("loan.term_months", Text{Ru: "должен быть от 1 до 600 месяцев", En: "must be 1 to 600 months"})
	case freqOK && l.TermMonths%p.step != 0:
		c.add("loan.term_months", Text{
			Ru: "должен быть кратен периоду платежей (%[2]d мес., %[1]s)",
			En: "must be a whole number of %s periods (%d months each)",
		}, freq, p.step)
	default:
		termOK = freqOK
	}
	if termOK {
		p.n = l.TermMonths / p.step
		p.ppy = 12 / p.step
	}
	if termOK && issueOK {
		p.maturity = p.issue.AddMonths(l.TermMonths)
		if p.maturity > maxDate {
			c.add("loan.term_months", Text{
				Ru: "кредит закончился бы после 31.12.2100",
				En: "the loan would end after 2100-12-31",
			})
			termOK = false
		}
	}
	switch {
	case l.GraceMonths < 0:
		c.add("loan.grace_months", Text{Ru: "не может быть отрицательным", En: "must not be negative"})
	case termOK && l.GraceMonths >= l.TermMonths:
		c.add("loan.grace_months", Text{
			Ru: "должен быть меньше срока кредита",
			En: "must be shorter than the term",
		})
	case termOK && l.GraceMonths%p.step != 0:
		c.add("loan.grace_months", Text{
			Ru: "должен быть кратен периоду платежей (%d мес.)",
			En: "must be a whole number of periods (%d months each)",
		}, p.step)
	case termOK:
		p.graceN = l.GraceMonths / p.step
	}

	span := termOK && issueOK
	// Disbursements.
	if len(l.Disbursements) > 0 && c.within("loan.disbursements", len(l.Disbursements), MaxDisbursements) {
		// The sum in minor units; past the range of Money it cannot be
		// the amount, and the message adds the decimals up again.
		var sum Money
		over := false
		take := func(amt decimal.Decimal, date Date) {
			m, _ := MoneyFromDecimal(amt)
			over = over || sum > maxMoney-m
			sum += m
			p.draws = append(p.draws, draw{date, m})
		}
		allOK := true
		p.draws = make([]draw, 0, len(l.Disbursements))
		for i, d := range l.Disbursements {
			if dateOK(d.Date) && !(span && (d.Date < p.issue || d.Date >= p.maturity)) && decOK(d.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
				take(d.Amount, d.Date) // the usual case: no field path to build
				continue
			}
			f := "loan.disbursements[" + strconv.Itoa(i) + "]"
			if c.date(f+".date", d.Date) && span && (d.Date < p.issue || d.Date >= p.maturity) {
				c.add(f+".date", Text{
					Ru: "должна быть в пределах срока: с %s до %s",
					En: "must be inside the term, from %s to before %s",
				}, p.issue, p.maturity)
				allOK = false
			}
			if c.dec(f+".amount", d.Amount, decimal.Zero, maxAmount, MinorDigits, false) {
				take(d.Amount, d.Date)
			} else {
				allOK = false
			}
		}
		if allOK && amountOK && (over || sum != p.amount) {
			dsum := decimal.Zero
			for _, d := range l.Disbursements {
				dsum = dsum.Add(d.Amount)
			}
			c.add("loan.disbursements", Text{
				Ru: "в сумме %s, должны составлять сумму кредита %s",
				En: "add up to %s, must add up to the amount %s",
			}, dsum.StringFixed(2), l.Amount.StringFixed(2))
		}
	} else if amountOK && len(l.Disbursements) == 0 {
		p.draws = []draw{{p.issue, p.amount}}
	}
	slices.SortStableFunc(p.draws, func(a, b draw) int { return cmp.Compare(a.date, b.date) })
	p.draws = mergeDraws(p.draws)

	// Contract rate path.
	if rateOK {
		p.loanRates = append(p.loanRates, ratePt{p.issue, newRateVal(*l.Rate)})
	}
	if len(l.RateChanges) > 0 && c.within("loan.rate_changes", len(l.RateChanges), MaxRateChanges) {
		lo, hi := minDate, maxDate
		if span {
			lo, hi = p.issue+1, p.maturity-1
		}
		c.ratePath("loan.rate_changes", l.RateChanges, lo, hi)
		pts := slices.Clone(l.RateChanges)
		slices.SortStableFunc(pts, func(a, b RatePoint) int { return cmp.Compare(a.Date, b.Date) })
		for _, pt := range pts {
			p.loanRates = append(p.loanRates, ratePt{pt.Date, newRateVal(pt.Rate)})
		}
	}

	// Participants.
	if len(req.Project.Participants) > 0 && c.within("project.participants", len(req.Project.Participants), MaxParticipants) {
		sum, ok := decimal.Zero, true
		for i, pa := range req.Project.Participants {
			if slices.Contains(MemberStates, pa.Country) && decOK(pa.Share, decimal.Zero, hundred, 6, false) {
				sum = sum.Add(pa.Share) // the usual case: no field path to build
				continue
			}
			f := "project.participants[" + strconv.Itoa(i) + "]"
			if !c.enum(f+".country", pa.Country, MemberStates) {
				ok = false
			}
			if c.dec(f+".share", pa.Share, decimal.Zero, hundred, 6, false) {
				sum = sum.Add(pa.Share)
			} else {
				ok = false
			}
		}
		c.sharesSum("project.participants", sum, ok)
		p.participants = req.Project.Participants
	}

	// Subsidy terms.
	s := &req.Subsidy
	if progOK {
		p.resolveRule(c)
	}
	nBase := len(c.list)
	if s.BaseCountry != "" {
		c.enum("subsidy.base_country", s.BaseCountry, MemberStates)
	}
	if len(s.BaseRates) > 0 && c.within("subsidy.base_rates", len(s.BaseRates), MaxBaseRates) {
		c.ratePath("subsidy.base_rates", s.BaseRates, minDate, maxDate)
	}
	baseOK := len(c.list) == nBase
	if s.MaxTermMonths != nil && (*s.MaxTermMonths < 1 || *s.MaxTermMonths > 600) {
		c.add("subsidy.max_term_months", Text{
			Ru: "должен быть от 1 до 600 месяцев",
			En: "must be 1 to 600 months",
		})
	}
	if s.Start != nil {
		if c.date("subsidy.start", *s.Start) && span && (*s.Start < p.issue || *s.Start > p.maturity) {
			c.add("subsidy.start", Text{
				Ru: "должна быть в пределах срока кредита: %s – %s",
				En: "must be inside the loan term %s to %s",
			}, p.issue, p.maturity)
		}
	}
	if s.End != nil && c.date("subsidy.end", *s.End) {
		if s.Start != nil && *s.End <= *s.Start {
			c.add("subsidy.end", Text{Ru: "должна быть позже subsidy.start", En: "must be after subsidy.start"})
		} else if span && *s.End <= p.issue {
			c.add("subsidy.end", Text{
				Ru: "должна быть позже даты выдачи %s",
				En: "must be after the issue date %s",
			}, p.issue)
		}
	}
	nCap := len(c.list)
	if s.AnnualCap.Set && s.AnnualCap.Cap != nil {
		cp := s.AnnualCap.Cap
		c.dec("subsidy.annual_cap.amount", cp.Amount, decimal.Zero, maxAmount, MinorDigits, false)
		c.enum("subsidy.annual_cap.currency", cp.Currency, Currencies)
	}
	fxYears := map[int]bool{}
	fxDefault := false
	fxList := s.FX
	if !c.within("subsidy.fx", len(s.FX), MaxFXRates) {
		fxList = nil
	}
	for i, fx := range fxList {
		f := "subsidy.fx[" + strconv.Itoa(i) + "]"
		c.dec(f+".rate", fx.Rate, decimal.Zero, decimal.New(1, 6), 10, false)
		if fx.Year == nil {
			if fxDefault {
				c.add(f+".year", Text{
					Ru: "допускается только один курс без года",
					En: "only one rate without a year is allowed",
				})
			}
			fxDefault = true
		} else if *fx.Year < 1990 || *fx.Year > 2100 {
			c.add(f+".year", Text{Ru: "должен быть от 1990 до 2100", En: "must be 1990 to 2100"})
		} else if fxYears[*fx.Year] {
			c.add(f+".year", Text{Ru: "год %d повторяется", En: "duplicate year %d"}, *fx.Year)
		} else {
			fxYears[*fx.Year] = true
		}
	}
	capOK := len(c.list) == nCap
	if len(s.Contributions) > 0 && c.within("subsidy.contributions", len(s.Contributions), MaxContributions) {
		sum, ok := decimal.Zero, true
		for i, cs := range s.Contributions {
			if slices.Contains(MemberStates, cs.Country) && decOK(cs.Share, decimal.Zero, hundred, 6, false) {
				sum = sum.Add(cs.Share) // the usual case: no field path to build
				continue
			}
			f := "subsidy.contributions[" + strconv.Itoa(i) + "]"
			if !c.enum(f+".country", cs.Country, MemberStates) {
				ok = false
			}
			if c.dec(f+".share", cs.Share, decimal.Zero, hundred, 6, false) {
				sum = sum.Add(cs.Share)
			} else {
				ok = false
			}
		}
		c.sharesSum("subsidy.contributions", sum, ok)
	}
	if req.DiscountRate != nil {
		c.dec("discount_rate", *req.DiscountRate, decimal.Zero, hundred, maxRateDigits, true)
	}
	if req.Lang != "" && req.Lang != "ru" && req.Lang != "en" {
		c.enum("lang", req.Lang, []string{"ru", "en"})
	}
	p.checkScenarios(c) // scenario.go

	// The cap's exchange rates and the policy rates need a valid term and
	// programme; they are checked even when other fields are wrong, so
	// that every problem is reported at once.
	if span && progOK {
		p.dates = make([]Date, p.n+1)
		p.payYear = make([]int, p.n+1)
		iy, im, id := p.issue.Civil()
		for k := range p.dates {
			mi := int(im) - 1 + k*p.step
			y, m := iy+mi/12, time.Month(mi%12+1)
			p.dates[k] = Date(daysFromCivil(y, int(m), min(id, daysInMonth(y, m))))
			p.payYear[k] = y
		}
		p.resolveWindow()
		if capOK && currencyOK {
			p.resolveCap(c)
		}
		if p.needBase && baseOK && currencyOK {
			p.resolveBase(c, opt)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if len(s.Contributions) > 0 {
		p.contributions = s.Contributions
		if p.prog.ID != "custom" && !sameShares(s.Contributions, p.prog.Contributions) {
			p.overridden = append(p.overridden, "subsidy.contributions")
		}
	} else {
		p.contributions = p.prog.Contributions
	}
	p.discount = *l.Rate
	if req.DiscountRate != nil {
		p.discount = *req.DiscountRate
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	p.ruleRates()
	p.workOut = opt.work
	if opt.Context != nil {
		p.ctx, p.done = opt.Context, opt.Context.Done()
	}
	return p, nil
}

func mergeDraws(ds []draw) []draw {
	out := ds[:0]
	for _, d := range ds {
		if n := len(out); n > 0 && out[n-1].date == d.date {
			out[n-1].amt += d.amt
			continue
		}
		out = append(out, d)
	}
	return out
}

func sameShares(a, b []CountryShare) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]decimal.Decimal{}
	for _, x := range b {
		m[x.Country] = x.Share
	}
	for _, x := range a {
		if v, ok := m[x.Country]; !ok || !v.Equal(x.Share) {
			return false
		}
	}
	return true
}

// resolveRule applies the request's overrides to the programme's rule.
func (p *plan) resolveRule(c *checker) {
	r := p.prog.ruleFor(p.req.Loan.Currency)
	o := p.req.Subsidy.Rule
	custom := p.prog.ID == "custom"
	if o != nil {
		set := func(field string, dst **decimal.Decimal, v *decimal.Decimal, lo, hi decimal.Decimal) {
			if v == nil {
				return
			}
			if !c.dec("subsidy.rule."+field, *v, lo, hi, 8, true) {
				return
			}
			if !custom && !slices.Contains(p.prog.Free, "subsidy.rule."+field) && (*dst == nil || !(*dst).Equal(*v)) {
				p.overridden = append(p.overridden, "subsidy.rule."+field)
			}
			vv := *v
			*dst = &vv
		}
		set("base_share", &r.BaseShare, o.BaseShare, decimal.Zero, decimal.NewFromInt(10))
		set("plus_points", &r.PlusPoints, o.PlusPoints, hundred.Neg(), hundred)
		set("loan_share", &r.LoanShare, o.LoanShare, decimal.Zero, decimal.NewFromInt(1))
		set("borrower_floor", &r.BorrowerFloor, o.BorrowerFloor, decimal.Zero, hundred)
		if o.MinusLoan != nil {
			if !custom && *o.MinusLoan != r.MinusLoan {
				p.overridden = append(p.overridden, "subsidy.rule.minus_loan")
			}
			r.MinusLoan = *o.MinusLoan
		}
		if o.BaseFixing != nil && c.enum("subsidy.rule.base_fixing", *o.BaseFixing, fixings) {
			if !custom && *o.BaseFixing != r.BaseFixing {
				p.overridden = append(p.overridden, "subsidy.rule.base_fixing")
			}
			r.BaseFixing = *o.BaseFixing
		}
	}
	p.resolveRuleTerms(c, &r)
	if r.BaseFixing == "" {
		r.BaseFixing = FixDaily
	}
	if !ruleHasTerm(r) {
		c.add("subsidy.rule", Text{
			Ru: "для программы %s нужен хотя бы один член формулы ставки (base_share, plus_points, loan_share, borrower_floor)",
			En: "the %s programme needs at least one term of the rate rule (base_share, plus_points, loan_share, borrower_floor)",
		}, p.prog.ID)
	}
	p.rule = r
	p.rateRule = newRateRule(r)
	p.usesBase = ruleUsesBase(r)
	cond := p.prog.Conditions
	p.needBase = p.usesBase || cond.RateCeilingPoints != nil || cond.RateEqualsBasePlus != nil
	if s := p.req.Subsidy.MaxTermMonths; s != nil {
		p.maxTerm = *s
		if !custom && *s != p.prog.MaxTermMonths {
			p.overridden = append(p.overridden, "subsidy.max_term_months")
		}
	} else {
		p.maxTerm = p.prog.MaxTermMonths
	}
}

// resolveWindow sets the subsidy window [winStart, winEnd): by default the
// programme's maximum term from the issue date, never past maturity.
func (p *plan) resolveWindow() {
	s := &p.req.Subsidy
	p.winStart = p.issue
	if s.Start != nil {
		p.winStart = *s.Start
	}
	p.winEnd = p.maturity
	if p.maxTerm > 0 {
		if e := p.issue.AddMonths(p.maxTerm); e < p.winEnd {
			p.winEnd = e
		}
	}
	if s.End != nil {
		p.winEnd = *s.End
		if p.prog.ID != "custom" && p.maxTerm > 0 && *s.End != p.issue.AddMonths(p.maxTerm) {
			p.overridden = append(p.overridden, "subsidy.end")
		}
	}
	if s.Start != nil && *s.Start != p.issue && p.prog.ID != "custom" {
		p.overridden = append(p.overridden, "subsidy.start")
	}
}

// resolveCap fixes the cap and converts it into the loan currency for
// every year that can receive subsidy: cap / fx, rounded down to the minor
// unit (a conversion never pays more than the cap allows).
func (p *plan) resolveCap(c *checker) {
	s := &p.req.Subsidy
	p.cap = p.prog.Cap
	if s.AnnualCap.Set {
		p.cap = s.AnnualCap.Cap
		if p.prog.ID != "custom" && !sameCap(p.cap, p.prog.Cap) {
			p.overridden = append(p.overridden, "subsidy.annual_cap")
		}
	}
	if p.cap == nil {
		return
	}
	p.capLoan = make([]capYear, p.payYear[p.n]-p.payYear[0]+1)
	var missing []string
	capAmt := p.cap.Amount
	capSame, _ := MoneyFromDecimal(capAmt)
	fxAt := p.fxIndex()
	var tooBig []int // fx entries whose conversion does not fit
	for k := 1; k <= p.n; k++ {
		if p.dates[k-1] >= p.winEnd || p.dates[k] <= p.winStart {
			continue // the period earns no subsidy
		}
		y := p.payYear[k]
		cy := &p.capLoan[y-p.payYear[0]]
		if cy.set {
			continue
		}
		cy.set = true
		if p.cap.Currency == p.currency {
			cy.amt = capSame
			continue
		}
		i, ok := fxAt(y)
		if !ok {
			missing = append(missing, fmt.Sprint(y))
			continue
		}
		fx := s.FX[i].Rate
		if p.fxUsed == nil {
			p.fxUsed = map[int]decimal.Decimal{}
		}
		p.fxUsed[y] = fx
		q, _ := capAmt.QuoRem(fx, MinorDigits)
		if decCmp(q, maxAmount) > 0 {
			if !slices.Contains(tooBig, i) {
				tooBig = append(tooBig, i)
			}
			continue
		}
		cy.amt = moneyRoundDown(q)
	}
	// A converted cap is an amount in the loan currency and keeps to the
	// bound of every such amount (10^15), so that sums of it fit Money: a
	// rate of 0.0000000001 once showed a cap of 92233720368547758.07.
	for _, i := range tooBig {
		c.add("subsidy.fx["+strconv.Itoa(i)+"].rate",
			Text{
				Ru: "по этому курсу годовой лимит %s %s больше %s %s — наибольшей допустимой суммы; курс — это %[2]s за 1 %[4]s",
				En: "at this rate the annual cap of %s %s is more than %s %s, the largest amount allowed; the rate is %[2]s for 1 %[4]s",
			},
			capAmt.String(), p.cap.Currency, maxAmount.String(), p.currency)
	}
	if len(missing) > 0 {
		c.add("subsidy.fx", Text{
			Ru: "годовой лимит в %s, кредит в %s: укажите курс (%[1]s за 1 %[2]s) на %s или один курс без года",
			En: "the annual cap is in %s and the loan in %s: give the exchange rate (%[1]s per 1 %[2]s) for %s, or one rate without a year",
		},
			p.cap.Currency, p.currency, strings.Join(missing, ", "))
	}
}

// capYear is the cap of one payment year in the loan currency; set when
// some period of the year can earn subsidy (unset years have none).
type capYear struct {
	amt Money
	set bool
}

func sameCap(a, b *Cap) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Currency == b.Currency && a.Amount.Equal(b.Amount)
}

// fxIndex returns a function giving the index in subsidy.fx of the rate
// for a year: the year's own, else the one without a year. The list is
// indexed once, so each year costs a look-up rather than a scan.
func (p *plan) fxIndex() func(year int) (int, bool) {
	def := -1
	byYear := make(map[int]int, len(p.req.Subsidy.FX))
	for i, fx := range p.req.Subsidy.FX {
		if fx.Year == nil {
			def = i
		} else if _, dup := byYear[*fx.Year]; !dup {
			byYear[*fx.Year] = i
		}
	}
	return func(year int) (int, bool) {
		if i, ok := byYear[year]; ok {
			return i, true
		}
		return def, def >= 0
	}
}

// resolveBase picks the policy rate timeline and cuts it to the loan.
func (p *plan) resolveBase(c *checker, opt Options) {
	s := &p.req.Subsidy
	var tl Timeline
	switch {
	case len(s.BaseRates) > 0:
		tl = ScenarioTimeline(s.BaseRates)
		p.baseScenario = true
		p.baseCountry = s.BaseCountry
	default:
		country := s.BaseCountry
		if country == "" {
			cc, ok := CurrencyCountry(p.currency)
			if !ok {
				c.add("subsidy.base_country", Text{
					Ru: "валюта кредита %s не является валютой государства-члена: укажите государство, чья ключевая ставка применяется, или задайте subsidy.base_rates",
					En: "the loan currency %s is not a member state's: name the state whose policy rate applies, or give subsidy.base_rates",
				}, p.currency)
				return
			}
			country = cc
		}
		p.baseCountry = country
		book := opt.Rates
		if book == nil {
			book = DefaultRateBook()
		}
		tl = book.Timeline(country)
	}
	if tl.Empty() {
		c.add("subsidy.base_rates", Text{
			Ru: "ставка для %s неизвестна: задайте subsidy.base_rates",
			En: "no policy rate is known for %s: give subsidy.base_rates",
		}, p.baseCountry)
		return
	}
	p.baseSegs = tl.Segments(p.issue, p.maturity+1)
}

// srateMemo is the rule in force (the loan year's step) and the last
// subsidy rate srate computed with it.
type srateMemo struct {
	key    uint64 // srateKey of v; 0: none yet
	v      rateVal
	rule   planStep // the rule in force, also in fixed point
	step   int      // its index in plan.steps (0 without steps)
	byBase bool     // the rate depends on the policy rate segment
}

// use puts step i's rule in force; a new rule forgets the last rate.
func (m *srateMemo) use(st planStep, i int) {
	if m.step != i {
		m.rule, m.step, m.key = st, i, 0
	}
}

// srate returns the subsidy rate for policy rate segment bi and contract
// rate li, evaluating the rule when the pair changes. The schedule meets
// the pairs in order (neither index ever goes back), so remembering the
// last one evaluates each pair met once: the rule runs at most once per
// piece of the schedule, never once per pair of the two lists (12,000
// policy rates × 12,500 rate changes once made 150 million pairs). The
// result points into the memo: read it before the next call.
func (p *plan) srate(bi, li int) *rateVal {
	if !p.sr.byBase {
		bi = 0
	}
	if p.sr.key == srateKey(bi, li) {
		return &p.sr.v
	}
	return p.srateEval(bi, li)
}

// srateKey packs a pair of indices, never 0.
func srateKey(bi, li int) uint64 { return uint64(bi)<<32 | uint64(li) | 1<<63 }

// srateEval evaluates the rule for a pair srate has not remembered.
func (p *plan) srateEval(bi, li int) *rateVal {
	base := decimal.Zero
	if p.usesBase && len(p.baseSegs) > 0 {
		base = p.baseSegs[bi].Rate
	}
	m := &p.sr
	v, ok := rateVal{}, false
	if m.rule.fixed {
		v, ok = m.rule.fr.rate(newRateVal(base), p.loanRates[li].rate)
	}
	if !ok {
		v = newRateVal(m.rule.rule.rate(base, p.loanRates[li].rate.d))
	}
	m.key, m.v = srateKey(bi, li), v
	p.work.RuleEvals++
	return &m.v
}

// rateRule is SPEC §3's subsidy rate rule
//
//	max(0, min(a × base + b − e × loan, c × loan, loan − floor))
//
// with absent terms left out of the min.
type rateRule struct {
	term1    bool
	a, b     decimal.Decimal
	aOne     bool // a = 1: skip the multiplication
	cOne     bool // c = 1
	e        bool
	hasC     bool
	c        decimal.Decimal
	hasFloor bool
	floor    decimal.Decimal
	floorF   decimal.Decimal // f of a floor tied to the policy rate (rule.go)
	hasF     bool
}

func newRateRule(r RuleParams) rateRule {
	var rr rateRule
	if r.BaseShare != nil || r.PlusPoints != nil {
		rr.term1 = true
		if r.BaseShare != nil {
			rr.a = *r.BaseShare
		}
		if r.PlusPoints != nil {
			rr.b = *r.PlusPoints
		}
		rr.e = r.MinusLoan
	}
	if r.LoanShare != nil {
		rr.hasC, rr.c = true, *r.LoanShare
		rr.cOne = rr.c.Equal(decimal.NewFromInt(1))
	}
	rr.aOne = rr.a.Equal(decimal.NewFromInt(1))
	if r.BorrowerFloor != nil {
		rr.hasFloor, rr.floor = true, *r.BorrowerFloor
	}
	if f := r.FloorBaseShare; f != nil {
		rr.hasFloor = true
		if !f.IsZero() {
			rr.hasF, rr.floorF = true, *f
		}
	}
	return rr
}

// rate returns the subsidy rate in percent for a policy rate and a contract
// rate, both in percent. Exact: no rounding.
func (r rateRule) rate(base, loan decimal.Decimal) decimal.Decimal {
	var m decimal.Decimal
	have := false
	take := func(v decimal.Decimal) {
		if !have || decCmp(v, m) < 0 {
			m, have = v, true
		}
	}
	if r.term1 {
		v := base
		if !r.aOne {
			v = r.a.Mul(base)
		}
		if !r.b.IsZero() {
			v = v.Add(r.b)
		}
		if r.e {
			v = v.Sub(loan)
		}
		take(v)
	}
	if r.hasC {
		if r.cOne {
			take(loan)
		} else {
			take(r.c.Mul(loan))
		}
	}
	if r.hasFloor {
		if r.hasF { // the borrower pays at least f × base + g
			take(loan.Sub(r.floorF.Mul(base).Add(r.floor)))
		} else {
			take(loan.Sub(r.floor))
		}
	}
	if !have || m.Sign() < 0 {
		return decimal.Zero
	}
	return m
}
