package calc

import (
	"context"

	"github.com/shopspring/decimal"
)

// plan is a validated request normalised for the schedule loop.
type plan struct {
	req  *Request
	lang string
	// prog is the programme, never written through: it may be a
	// built-in programme's own entry. Copying the 424-byte Programme
	// into every plan (twice, through LookupProgramme) cost ~330
	// instructions a loan.
	prog     *Programme
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
	// The arrays of draws and loanRates for the usual loan (drawn on the
	// issue date, no rate change): the plan is allocated anyway, and the
	// two allocations these spare were ~5 % of the plan's cost on the
	// benchmark loan.
	drawBuf      [1]draw
	rateBuf      [1]ratePt
	baseCountry  string
	baseScenario bool
	baseSegs     []RateSegment   // cover [issue, maturity+1) when needBase
	basePts      []timelinePoint // the timeline's points baseSegs come from (baseVal)
	// segBuf holds baseSegs when they fit: a loan of a year or two meets
	// a few policy rates, and allocating their array was ~500
	// instructions, 6.7 % of the plan at 12 months. Copies of a plan
	// read the original's array; none writes it.
	segBuf [8]RateSegment

	winStart, winEnd Date
	maxTerm          int  // months; 0: none
	maxTermEnd       Date // issue + maxTerm months, when maxTerm > 0
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

	// partMicros are the first 16 participants' shares in millionths of
	// a percent, written by their check (checker.shares): the split by
	// participants (plan.shares) uses them as its weights.
	partMicros [16]uint64

	steps []planStep // the rule's steps by loan year (rule.go); nil: none
	// ruleStep0 is rule's first step prepared once (programmeRules), nil
	// when rule is not a built-in programme's own.
	ruleStep0 *planStep
	noSub     *solvedRate // the borrower's rate without subsidy, shared by a comparison

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

// newPlan checks req and normalises it for the schedule loop, in two
// steps:
//
//   - Checking (loanterms.go, subsidyterms.go, annualcap.go,
//     policyrate.go, scenario.go) looks at every field even when
//     others are wrong, so that one answer names every problem (an *[Error]
//     of kind [Invalid]). A check that needs another field (the term for a
//     disbursement date, the programme for the cap) is left out while that
//     field is wrong, rather than reported as a second problem. Checking a
//     field also records it in the plan; what needs the payment dates (the
//     cap's exchange rates, the policy rates) is checked last, once the
//     term and the programme are known.
//   - Normalisation ([plan.normalise]) then fills the defaults of a valid
//     request; it cannot fail.
func newPlan(req *Request, opt Options) (*plan, error) {
	return newPlanIn(nil, req, opt)
}

// newPlanIn is newPlan building the plan in spare when it is not nil: a
// plan of an earlier calculation into the same Result (Options.Into),
// whose struct and payment dates are reused. Nothing of a Result points
// into a plan, so an earlier result's figures do not change, even when
// the new request is invalid. On the 12-month benchmark loan this spares
// the plan's allocation (1,480 bytes) and the two of the dates: ~800 of
// the plan step's ~7,000 instructions.
func newPlanIn(spare *plan, req *Request, opt Options) (*plan, error) {
	p := spare
	if p == nil {
		p = &plan{req: req, lang: "ru"}
	} else {
		dates, years := p.dates, p.payYear
		*p = plan{}
		p.req, p.lang, p.dates, p.payYear = req, "ru", dates, years
	}
	if req.Lang == "en" {
		p.lang = "en"
	}
	c := &checker{}
	var ok validFields
	ok.prog = p.checkProgramme(c, opt)
	p.checkLoan(c, &ok)
	p.checkDisbursements(c, ok)
	p.checkRatePath(c, ok)
	p.checkParticipants(c)
	if ok.prog {
		p.resolveRule(c)
	}
	ok.base = p.checkBaseRates(c)
	p.checkWindow(c, ok)
	ok.cap = p.checkCap(c)
	p.checkContributions(c)
	p.checkOptions(c)
	p.checkScenarios(c) // scenario.go

	// The cap's exchange rates and the policy rates need a valid term and
	// programme; they are checked even when other fields are wrong, so
	// that every problem is reported at once.
	if ok.span && ok.prog {
		p.resolveDates()
		p.resolveWindow()
		if ok.cap && ok.currency {
			p.resolveCap(c)
		}
		if p.needBase && ok.base && ok.currency {
			p.resolveBase(c, opt)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	p.normalise(opt)
	return p, nil
}

// validFields records which fields passed their checks, for the checks
// and the resolution that need them.
type validFields struct {
	prog, amount, currency, rate, issue bool

	term bool // frequency and term_months, ending by 2100-12-31
	span bool // term and issue date: the payment dates are known
	base bool // subsidy.base_country and subsidy.base_rates
	cap  bool // subsidy.annual_cap and subsidy.fx
}

// normalise fills the defaults of a valid request: the programme's
// contributions unless the request gives its own (a departure when they
// differ), the discount rate (the contract rate unless given), the rule's
// fixed-point steps, and the options.
func (p *plan) normalise(opt Options) {
	s := &p.req.Subsidy
	if len(s.Contributions) > 0 {
		p.contributions = s.Contributions
		if p.prog.ID != "custom" && !sameShares(s.Contributions, p.prog.Contributions) {
			p.overridden = append(p.overridden, "subsidy.contributions")
		}
	} else {
		p.contributions = p.prog.Contributions
	}
	p.discount = *p.req.Loan.Rate
	if p.req.DiscountRate != nil {
		p.discount = *p.req.DiscountRate
	}
	p.ruleRates()
	p.workOut = opt.work
	if opt.Context != nil {
		p.ctx, p.done = opt.Context, opt.Context.Done()
	}
}

// resolveDates sets the payment dates: from the issue date, every step
// months on the same day, or the month's last day when it is shorter
// (issue 31 January, monthly: 29 February in a leap year, 31 March...).
// It walks the months from the issue date's, adding each month's length
// to the day its successor begins: a few instructions a date where a
// calendar conversion each was a tenth of a 10-year loan's calculation.
// Each month's length is found once (it gives both the next month's first
// day and the payment day's cap), and the loop writes through local
// slices bounded by len(dates), which spares the bounds checks: together
// 5.3k instructions for 120 monthly dates where the loop that read p's
// fields and each length twice took 7.6k.
func (p *plan) resolveDates() {
	step := p.step
	dates := reuse(p.dates, p.n+1) // every element is written below
	years := reuse(p.payYear, len(dates))
	y, m, id := p.issue.Civil()
	first := p.issue - Date(id-1) // the first day of month m of year y
	dim := daysInMonth(y, m)      // the length of month m
	dates[0], years[0] = p.issue, y
	for k := 1; k < len(dates); k++ {
		for range step {
			first += Date(dim)
			if m++; m > 12 {
				y, m = y+1, 1
			}
			dim = daysInMonth(y, m)
		}
		dates[k] = first + Date(min(id, dim)-1)
		years[k] = y
	}
	p.dates, p.payYear = dates, years
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
	base, bv := decimal.Zero, zeroRateVal
	if p.usesBase && len(p.baseSegs) > 0 {
		base, bv = p.baseSegs[bi].Rate, p.baseVal(bi)
	}
	m := &p.sr
	v, ok := rateVal{}, false
	if m.rule.fixed {
		v, ok = m.rule.fr.rate(bv, p.loanRates[li].rate)
	}
	if !ok {
		v = newRateVal(m.rule.rule.rate(base, p.loanRates[li].rate.d))
	}
	m.key, m.v = srateKey(bi, li), v
	p.work.RuleEvals++
	return &m.v
}

// zeroRateVal is the policy rate the rule sees when it does not use one.
var zeroRateVal = newRateVal(decimal.Zero)

// baseVal returns newRateVal(p.baseSegs[bi].Rate) from the timeline's
// point the segment came from: the built-in record converts its rates
// once, when it is parsed, which saves srateEval about 100 of its 330
// instructions an evaluation. A plan whose segments were
// replaced (a scenario's: scenario.go) may hold segments of another
// timeline; the point's conversion is used only when its rate is the very
// decimal of the segment (the same coefficient and exponent: decimals are
// never changed in place), else the segment's rate is converted here.
func (p *plan) baseVal(bi int) rateVal {
	r := p.baseSegs[bi].Rate
	if bi < len(p.basePts) && p.basePts[bi].val.d == r {
		return p.basePts[bi].val
	}
	return newRateVal(r)
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
