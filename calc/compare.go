package calc

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

// Comparison is one loan and project under several programmes (SPEC §9).
type Comparison struct {
	Currency string `json:"currency"`
	// Interest is the loan's total interest and EffectiveRateWithoutSubsidy
	// the borrower's XIRR without support (percent, 4 places): the loan's
	// schedule is the same under every programme.
	Interest                    Money           `json:"interest"`
	EffectiveRateWithoutSubsidy decimal.Decimal `json:"effective_rate_without_subsidy"`
	// Programmes, sorted by SubsidyPresentValue, largest first (ties:
	// eligible first, then the order asked for).
	Programmes []ComparedProgramme `json:"programmes"`
	// Schedule is the loan's schedule (its subsidy columns are those of no
	// programme); each programme's payable subsidy per period is in its
	// Payable. For reports; not part of the API answer.
	Schedule []Period `json:"-"`
}

// ComparedProgramme is one programme's figures for the compared loan; each
// equals the same figure of [Calculate] on the request under that
// programme.
type ComparedProgramme struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	Confidence string `json:"confidence,omitempty"`
	// Rule is the rule applied (after the request's overrides).
	Rule     RuleParams `json:"rule"`
	Eligible bool       `json:"eligible"`
	// FailedChecks are the eligibility checks the loan fails, or, when
	// the request cannot be computed under this programme at all, one
	// entry per problem with code "invalid_request".
	FailedChecks []FailedCheck `json:"failed_checks"`
	// SubsidyPaid is what the programme would pay if the conditions were
	// met; SubsidyPayable what it pays (0 when not eligible).
	SubsidyPaid              Money           `json:"subsidy_paid"`
	SubsidyPayable           Money           `json:"subsidy_payable"`
	SubsidyPresentValue      Money           `json:"subsidy_present_value"`
	EffectiveRateWithSubsidy decimal.Decimal `json:"effective_rate_with_subsidy"`
	GrantElement             decimal.Decimal `json:"grant_element"`
	Years                    []YearPayable   `json:"years"`
	Payable                  []Money         `json:"-"` // per period of Comparison.Schedule
	order                    int
}

// FailedCheck names a condition the loan does not meet. Field is set for
// a request problem (code "invalid_request").
type FailedCheck struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// CheckInvalidRequest is the FailedCheck code of a request that cannot be
// computed under a programme (e.g. a cap in another currency without an
// exchange rate).
const CheckInvalidRequest = "invalid_request"

// comparisonBase is the programme a comparison's plan of the loan alone
// is built with: it needs no policy rate, cap or condition, so it never
// adds a problem of its own.
var comparisonBase = Programme{ID: "comparison", Rule: RuleParams{LoanShare: d("1"), BaseFixing: FixDaily}}

// Compare computes req under each programme of req.Programmes (every
// built-in one but custom when empty); req.Subsidy.Programme is ignored.
// The loan is validated and scheduled once; each programme then resolves
// only its own terms, and an ineligible one computes no subsidy at all.
// Invalid input common to all programmes is an *[Error] of kind Invalid;
// a problem of one programme only (a missing exchange rate for its cap)
// makes that programme's entry ineligible with code "invalid_request".
func Compare(req *Request, opt Options) (*Comparison, error) {
	ids, err := comparedIDs(req)
	if err != nil {
		return nil, err
	}
	o := opt
	o.Into, o.programme = nil, &comparisonBase
	base, err := newPlan(req, o)
	if err != nil {
		return nil, err
	}
	cmpRes := &Comparison{Currency: base.currency}
	shared := Result{Eligible: false}
	base.noSub = &solvedRate{}                          // filled by borrowerFigures, then shared
	base.winStart, base.winEnd = base.issue, base.issue // no subsidy to accrue
	shared.Schedule = base.schedule(nil)
	base.settle(&shared) // not eligible: payable 0, the borrower's figures without support
	base.borrowerFigures(&shared)
	cmpRes.Schedule = shared.Schedule
	cmpRes.Interest = shared.Totals.Interest
	cmpRes.EffectiveRateWithoutSubsidy = shared.EffectiveRates.WithoutSubsidy

	// Each eligible programme recomputes the subsidy columns of the
	// shared schedule in place (they are restored at the end); programmes
	// whose subsidy terms are the same as an earlier one's share its
	// figures; ineligible ones share the zeros.
	work := Result{Eligible: true, Schedule: shared.Schedule}
	zeros, noYears := make([]Money, len(shared.Schedule)), zeroYears(shared.Years)
	type done struct {
		q  *plan
		cp *ComparedProgramme
	}
	var computed []done
	for i, id := range ids {
		pr, _ := LookupProgramme(id)
		cp := ComparedProgramme{ID: pr.ID, Name: pr.Name().In(base.lang), Source: pr.Source, Confidence: pr.Confidence,
			FailedChecks: []FailedCheck{}, order: i,
			EffectiveRateWithSubsidy: shared.EffectiveRates.WithSubsidy, GrantElement: decimal.Zero}
		q, err := planFor(base, pr, opt)
		if err != nil {
			cp.Rule = pr.ruleFor(base.currency)
			for _, f := range err.(*Error).Fields {
				cp.FailedChecks = append(cp.FailedChecks, FailedCheck{Code: CheckInvalidRequest, Field: f.Field, Message: f.Field + ": " + f.In(base.lang)})
			}
			cp.Years, cp.Payable = noYears, zeros
			cmpRes.Programmes = append(cmpRes.Programmes, cp)
			continue
		}
		cp.Rule = q.rule
		checks := q.eligibility()
		cp.Eligible = checks.eligible()
		for _, c := range checks.list {
			if c.Kind == KindEligibility && !c.OK {
				cp.FailedChecks = append(cp.FailedChecks, FailedCheck{Code: c.Code, Message: c.Message()})
			}
		}
		if !cp.Eligible {
			// Nothing is payable: the figures of a loan without support.
			cp.Years, cp.Payable = noYears, zeros
			cmpRes.Programmes = append(cmpRes.Programmes, cp)
			continue
		}
		if j := slices.IndexFunc(computed, func(d done) bool { return sameSubsidy(d.q, q) }); j >= 0 {
			prev := computed[j].cp
			cp.SubsidyPaid, cp.SubsidyPayable, cp.SubsidyPresentValue = prev.SubsidyPaid, prev.SubsidyPayable, prev.SubsidyPresentValue
			cp.EffectiveRateWithSubsidy, cp.GrantElement = prev.EffectiveRateWithSubsidy, prev.GrantElement
			cp.Years, cp.Payable = prev.Years, prev.Payable
			cmpRes.Programmes = append(cmpRes.Programmes, cp)
			continue
		}
		scratch := &work
		scratch.Years = scratch.Years[:0]
		q.subsidyOnly(scratch.Schedule)
		q.settle(scratch)
		q.borrowerFigures(scratch)
		cp.SubsidyPaid = scratch.Totals.SubsidyPaid
		cp.SubsidyPayable = scratch.Totals.SubsidyPayable
		cp.SubsidyPresentValue = scratch.SubsidyPresentValue
		cp.EffectiveRateWithSubsidy = scratch.EffectiveRates.WithSubsidy
		cp.GrantElement = scratch.GrantElement
		cp.Years = make([]YearPayable, len(scratch.Years))
		for j, y := range scratch.Years {
			cp.Years[j] = YearPayable{Year: y.Year, SubsidyPayable: y.SubsidyPayable}
		}
		cp.Payable = make([]Money, len(scratch.Schedule))
		for j := range scratch.Schedule {
			cp.Payable[j] = scratch.Schedule[j].SubsidyPayable
		}
		cmpRes.Programmes = append(cmpRes.Programmes, cp)
		computed = append(computed, done{q, &cp})
	}
	if len(computed) > 0 { // the shared schedule without support again
		for i := range shared.Schedule {
			per := &shared.Schedule[i]
			per.Subsidy, per.SubsidyPaid, per.SubsidyPayable = 0, 0, 0
			per.BorrowerInterest, per.BorrowerPayment = per.Interest, per.Payment
		}
	}
	// Sort an index (the entries are large): by present value, then
	// eligible first, then the order asked for.
	idx := make([]int, len(cmpRes.Programmes))
	for i := range idx {
		idx[i] = i
	}
	ps := cmpRes.Programmes
	slices.SortFunc(idx, func(x, y int) int {
		a, b := &ps[x], &ps[y]
		if c := cmp.Compare(b.SubsidyPresentValue, a.SubsidyPresentValue); c != 0 {
			return c
		}
		if a.Eligible != b.Eligible {
			if a.Eligible {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.order, b.order)
	})
	cmpRes.Programmes = make([]ComparedProgramme, len(ps))
	for i, k := range idx {
		cmpRes.Programmes[i] = ps[k]
	}
	return cmpRes, nil
}

func zeroYears(ys []Year) []YearPayable {
	out := make([]YearPayable, len(ys))
	for i, y := range ys {
		out[i] = YearPayable{Year: y.Year}
	}
	return out
}

// comparedIDs returns the programmes to compare, checking req.Programmes.
func comparedIDs(req *Request) ([]string, error) {
	if len(req.Programmes) == 0 {
		var ids []string
		for _, pr := range programmes {
			if pr.ID != "custom" {
				ids = append(ids, pr.ID)
			}
		}
		return ids, nil
	}
	c := &checker{}
	if len(req.Programmes) > len(programmes) {
		c.add("programmes", Text{Ru: "не более %d программ", En: "at most %d programmes"}, len(programmes))
		return nil, c.err()
	}
	for i, id := range req.Programmes {
		f := "programmes[" + strconv.Itoa(i) + "]"
		if !c.enum(f, id, ProgrammeIDs()) {
			continue
		}
		if slices.Index(req.Programmes, id) < i {
			c.add(f, Text{Ru: "программа %q указана дважды", En: "programme %q is listed twice"}, id)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return req.Programmes, nil
}

// planFor returns base's loan under programme pr: base's validated loan
// with pr's terms resolved as newPlan resolves them (the same overrides,
// window, cap and policy rates), or the problems of this programme alone.
func planFor(base *plan, pr Programme, opt Options) (*plan, error) {
	q := *base
	q.prog = &pr
	q.overridden = nil
	q.cap, q.capLoan, q.fxUsed = nil, nil, nil
	q.baseSegs, q.baseCountry, q.baseScenario = nil, "", false
	q.assumed, q.steps = nil, nil
	c := &checker{}
	q.resolveRule(c)
	q.resolveWindow()
	q.resolveCap(c)
	if q.needBase {
		q.resolveBase(c, opt)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	s := &q.req.Subsidy
	if len(s.Contributions) > 0 {
		q.contributions = s.Contributions
		if pr.ID != "custom" && !sameShares(s.Contributions, pr.Contributions) {
			q.overridden = append(q.overridden, "subsidy.contributions")
		}
	} else {
		q.contributions = pr.Contributions
	}
	q.ruleRates()
	return &q, nil
}

// solvedRate is the borrower's effective rate without subsidy (a
// fraction), solved once for a comparison: it depends on the loan alone.
type solvedRate struct {
	r       float64
	ok, set bool
}

// rateWithoutSubsidy solves the XIRR of the borrower's flows without
// subsidy on sched, built in buf when they fit, and returns their series
// as solved; or it takes the rate a comparison has already solved for the
// same loan, and the series is empty.
func (p *plan) rateWithoutSubsidy(buf []xirrFlow, sched []Period, guess float64) (float64, bool, xirrSeries) {
	if p.noSub != nil && p.noSub.set {
		return p.noSub.r, p.noSub.ok, xirrSeries{}
	}
	s := p.borrowerFlows(buf, sched)
	r, ok := s.solve(guess)
	if p.noSub != nil {
		*p.noSub = solvedRate{r: r, ok: ok, set: true}
	}
	return r, ok, s
}

// sameSubsidy reports whether a and b, plans of the same loan, pay the
// same subsidy: the same rule, window, cap and policy rates (eaeu-industrial
// and union-state, for one).
func sameSubsidy(a, b *plan) bool {
	return sameRule(a.rule, b.rule) && a.winStart == b.winStart && a.winEnd == b.winEnd &&
		sameCap(a.cap, b.cap) && slices.Equal(a.capLoan, b.capLoan) &&
		a.usesBase == b.usesBase && a.baseCountry == b.baseCountry && a.baseScenario == b.baseScenario &&
		len(a.baseSegs) == len(b.baseSegs)
}

func sameRule(a, b RuleParams) bool {
	eq := func(x, y *decimal.Decimal) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Equal(*y)
	}
	return eq(a.BaseShare, b.BaseShare) && eq(a.PlusPoints, b.PlusPoints) && a.MinusLoan == b.MinusLoan &&
		eq(a.LoanShare, b.LoanShare) && eq(a.BorrowerFloor, b.BorrowerFloor) && eq(a.FloorBaseShare, b.FloorBaseShare) &&
		a.BaseFixing == b.BaseFixing && slices.EqualFunc(a.Steps, b.Steps, sameStep)
}
