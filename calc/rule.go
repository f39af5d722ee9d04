package calc

import (
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// This file holds the two terms SPEC §9 adds to the rate rule of §3:
//
//   - a floor tied to the policy rate: the borrower pays at least
//     f × base + g, so the floor term of the min is loan − (f × base + g)
//     (f is RuleParams.FloorBaseShare, g is RuleParams.BorrowerFloor);
//   - steps by loan year: from the anniversary of the issue date that
//     starts loan year FromYear, the terms a step gives replace those in
//     force before it (steps are cumulative, in order of FromYear). A step
//     that starts inside a payment period breaks the period there: each
//     part accrues at its own rate.

// RuleStep changes terms of the rate rule from loan year FromYear on (year
// 1 starts on the issue date, year 4 on its third anniversary; a 29
// February issue date has its anniversaries on 28 February). A nil term is
// left as it was before the step.
type RuleStep struct {
	// FromYear is the loan year the step starts, 2 to 50.
	FromYear       int              `json:"from_year"`
	BaseShare      *decimal.Decimal `json:"base_share,omitempty"`
	PlusPoints     *decimal.Decimal `json:"plus_points,omitempty"`
	MinusLoan      *bool            `json:"minus_loan,omitempty"`
	LoanShare      *decimal.Decimal `json:"loan_share,omitempty"`
	BorrowerFloor  *decimal.Decimal `json:"borrower_floor,omitempty"`
	FloorBaseShare *decimal.Decimal `json:"floor_base_share,omitempty"`
}

// maxRuleSteps bounds the steps of one rule.
const maxRuleSteps = 20

// planStep is a step resolved for one loan: the day it starts and its
// rule, also in fixed point (see plan.srate).
type planStep struct {
	from  Date
	rule  rateRule
	fr    fixedRule
	fixed bool // fr holds the rule
}

func newPlanStep(from Date, r rateRule) planStep {
	st := planStep{from: from, rule: r}
	st.fr, st.fixed = newFixedRule(r)
	return st
}

// apply returns r with the step's terms put in.
func (s RuleStep) apply(r RuleParams) RuleParams {
	set := func(dst **decimal.Decimal, v *decimal.Decimal) {
		if v != nil {
			vv := *v
			*dst = &vv
		}
	}
	set(&r.BaseShare, s.BaseShare)
	set(&r.PlusPoints, s.PlusPoints)
	set(&r.LoanShare, s.LoanShare)
	set(&r.BorrowerFloor, s.BorrowerFloor)
	set(&r.FloorBaseShare, s.FloorBaseShare)
	if s.MinusLoan != nil {
		r.MinusLoan = *s.MinusLoan
	}
	r.Steps = nil
	return r
}

// ruleFor returns the programme's rule for a loan in currency: a
// programme with a ForeignRule uses it for loans not in its HomeCurrency.
func (pr *Programme) ruleFor(currency string) RuleParams {
	if pr.ForeignRule != nil && currency != pr.HomeCurrency {
		return *pr.ForeignRule
	}
	return pr.Rule
}

// resolveRuleTerms applies the request's floor_base_share and steps to r
// (the other terms are resolveRule's), checking them with field errors.
func (p *plan) resolveRuleTerms(c *checker, r *RuleParams) {
	o := p.req.Subsidy.Rule
	custom := p.prog.ID == "custom"
	if o == nil {
		return
	}
	if v := o.FloorBaseShare; v != nil && c.dec("subsidy.rule.floor_base_share", *v, decimal.Zero, decimal.NewFromInt(10), 8, true) {
		if !custom && (r.FloorBaseShare == nil || !r.FloorBaseShare.Equal(*v)) {
			p.overridden = append(p.overridden, "subsidy.rule.floor_base_share")
		}
		vv := *v
		r.FloorBaseShare = &vv
	}
	if o.Steps == nil {
		return
	}
	if len(o.Steps) > maxRuleSteps {
		c.add("subsidy.rule.steps", Text{Ru: "не более %d ступеней", En: "at most %d steps"}, maxRuleSteps)
		return
	}
	ok := true
	prev := 1
	for i, s := range o.Steps {
		f := "subsidy.rule.steps[" + strconv.Itoa(i) + "]"
		switch {
		case s.FromYear < 2 || s.FromYear > 50:
			c.add(f+".from_year", Text{
				Ru: "должен быть годом кредита от 2 до 50",
				En: "must be a loan year from 2 to 50",
			})
			ok = false
		case s.FromYear <= prev:
			c.add(f+".from_year", Text{
				Ru: "должен быть позже года предыдущей ступени (%d)",
				En: "must be after the previous step's year %d",
			}, prev)
			ok = false
		default:
			prev = s.FromYear
		}
		dec := func(name string, v *decimal.Decimal, lo, hi decimal.Decimal) {
			if v != nil && !c.dec(f+"."+name, *v, lo, hi, 8, true) {
				ok = false
			}
		}
		dec("base_share", s.BaseShare, decimal.Zero, decimal.NewFromInt(10))
		dec("plus_points", s.PlusPoints, hundred.Neg(), hundred)
		dec("loan_share", s.LoanShare, decimal.Zero, decimal.NewFromInt(1))
		dec("borrower_floor", s.BorrowerFloor, decimal.Zero, hundred)
		dec("floor_base_share", s.FloorBaseShare, decimal.Zero, decimal.NewFromInt(10))
		if s.BaseShare == nil && s.PlusPoints == nil && s.MinusLoan == nil && s.LoanShare == nil && s.BorrowerFloor == nil && s.FloorBaseShare == nil {
			c.add(f, Text{
				Ru: "ступень должна менять хотя бы один член (base_share, plus_points, minus_loan, loan_share, borrower_floor, floor_base_share)",
				En: "a step must change at least one term (base_share, plus_points, minus_loan, loan_share, borrower_floor, floor_base_share)",
			})
			ok = false
		}
	}
	if !ok {
		return
	}
	if !custom && !slices.EqualFunc(o.Steps, r.Steps, sameStep) {
		p.overridden = append(p.overridden, "subsidy.rule.steps")
	}
	r.Steps = slices.Clone(o.Steps)
}

func sameStep(a, b RuleStep) bool {
	eq := func(x, y *decimal.Decimal) bool {
		if x == nil || y == nil {
			return x == y
		}
		return x.Equal(*y)
	}
	return a.FromYear == b.FromYear && eq(a.BaseShare, b.BaseShare) && eq(a.PlusPoints, b.PlusPoints) &&
		eq(a.LoanShare, b.LoanShare) && eq(a.BorrowerFloor, b.BorrowerFloor) && eq(a.FloorBaseShare, b.FloorBaseShare) &&
		(a.MinusLoan == nil) == (b.MinusLoan == nil) && (a.MinusLoan == nil || *a.MinusLoan == *b.MinusLoan)
}

// ruleUsesBase reports whether some phase of r needs the policy rate.
func ruleUsesBase(r RuleParams) bool {
	uses := func(r RuleParams) bool {
		return r.BaseShare != nil && !r.BaseShare.IsZero() ||
			r.FloorBaseShare != nil && !r.FloorBaseShare.IsZero()
	}
	if uses(r) {
		return true
	}
	cur := r
	for _, s := range r.Steps {
		cur = s.apply(cur)
		if uses(cur) {
			return true
		}
	}
	return false
}

// ruleHasTerm reports whether r has a term of the min at all.
func ruleHasTerm(r RuleParams) bool {
	return r.BaseShare != nil || r.PlusPoints != nil || r.LoanShare != nil || r.BorrowerFloor != nil || r.FloorBaseShare != nil
}

// ruleRates prepares the evaluation of the subsidy rate (plan.srate) for
// the rule and every step: each rule in fixed point, and nothing
// remembered yet. Call it again after changing the rule or the policy rate
// segments of a plan (a comparison's programme, a scenario's path). The
// rates themselves are evaluated as the schedule meets each pair of
// rates, never for every pair up front.
func (p *plan) ruleRates() {
	p.fast = true
	p.steps = nil // a fresh array: copies of a plan share the old one
	first := p.ruleStep0
	if first == nil {
		st := newPlanStep(minDate, p.rateRule)
		first = &st
	}
	if len(p.rule.Steps) > 0 {
		p.steps = make([]planStep, 0, len(p.rule.Steps)+1)
		p.steps = append(p.steps, *first)
		cur := p.rule
		for _, s := range p.rule.Steps {
			cur = s.apply(cur)
			p.steps = append(p.steps, newPlanStep(p.issue.AddMonths(12*(s.FromYear-1)), newRateRule(cur)))
		}
	}
	p.sr = srateMemo{byBase: p.usesBase && len(p.baseSegs) > 0, step: -1}
	p.sr.use(*first, 0)
}

// ruleIdentity identifies a rule by the very decimals and steps it holds
// (decimals are never changed in place): two rules with the same key are
// the same rule.
type ruleIdentity struct {
	a, b, c, g, f *decimal.Decimal
	minusLoan     bool
	steps         *RuleStep // the first step; nil: none
	nSteps        int
}

func ruleIdentityOf(r RuleParams) ruleIdentity {
	k := ruleIdentity{a: r.BaseShare, b: r.PlusPoints, c: r.LoanShare, g: r.BorrowerFloor,
		f: r.FloorBaseShare, minusLoan: r.MinusLoan, nSteps: len(r.Steps)}
	if len(r.Steps) > 0 {
		k.steps = &r.Steps[0]
	}
	return k
}

// preparedRule is a rule made ready for evaluation: its first step (from
// minDate, the rule in fixed point) and whether a phase needs the policy
// rate.
type preparedRule struct {
	first    planStep
	usesBase bool
}

// programmeRules are the built-in programmes' own rules (Rule and
// ForeignRule) prepared once, by their ruleIdentity: a loan that leaves its
// programme's rule as it is (every built-in request without
// subsidy.rule) takes the rule's fixed-point form and usesBase from here.
// Converting them per loan (newRateRule, newFixedRule, ruleUsesBase) was
// ~400 instructions, 5 % of the plan at 12 months. A request that changes
// a term builds new decimals, so its key differs. The entries are only
// read, so loans computed at once can share them.
var programmeRules = func() map[ruleIdentity]*preparedRule {
	m := map[ruleIdentity]*preparedRule{}
	add := func(r RuleParams) {
		m[ruleIdentityOf(r)] = &preparedRule{first: newPlanStep(minDate, newRateRule(r)), usesBase: ruleUsesBase(r)}
	}
	for i := range programmes {
		add(programmes[i].Rule)
		if fr := programmes[i].ForeignRule; fr != nil {
			add(*fr)
		}
	}
	return m
}()

// stepAt puts in force the step of day t and returns the day the next
// step starts (0: none).
func (p *plan) stepAt(t Date) Date {
	if len(p.steps) == 0 {
		return 0
	}
	i := 0
	for i+1 < len(p.steps) && p.steps[i+1].from <= t {
		i++
	}
	p.sr.use(p.steps[i], i)
	if i+1 < len(p.steps) {
		return p.steps[i+1].from
	}
	return 0
}

// RuleText describes a rate rule in words in lang ("en", anything else
// Russian), one line per phase: "100 % of the policy rate, at most 100 % of
// the loan rate", then "from year 4: 50 % of the loan rate" for each step.
// Pages and workbooks print it under the programme.
func RuleText(r RuleParams, lang string) []string {
	en := lang == "en"
	out := []string{ruleTerms(r, en)}
	cur := r
	for _, s := range r.Steps {
		cur = s.apply(cur)
		if en {
			out = append(out, "from year "+strconv.Itoa(s.FromYear)+": "+ruleTerms(cur, en))
		} else {
			out = append(out, "с "+strconv.Itoa(s.FromYear)+"-го года — "+ruleTerms(cur, en))
		}
	}
	return out
}

// ruleTerms words one phase of a rule.
func ruleTerms(r RuleParams, en bool) string {
	num := func(d decimal.Decimal) string {
		if en {
			return decimalString(d)
		}
		return decimalRu(d)
	}
	// Words keep numbers as short as they are ("50 %", "12.6 %"), unlike
	// the checks' two decimals.
	percent := func(d decimal.Decimal) string {
		if en {
			return decimalString(d) + " %"
		}
		return decimalRu(d) + "\u00a0%"
	}
	share := func(d decimal.Decimal) string { return percent(d.Mul(hundred)) } // a fraction as percent
	pts := func(d decimal.Decimal) string {
		if en {
			return num(d) + " pp"
		}
		return num(d) + "\u00a0п.п."
	}
	base, loan := "ставки ЦБ", "ставки по кредиту"
	if en {
		base, loan = "the policy rate", "the loan rate"
	}
	var parts []string
	hasTerm1 := r.BaseShare != nil || r.PlusPoints != nil
	if hasTerm1 {
		var t string
		a := r.BaseShare != nil && !r.BaseShare.IsZero()
		if a && en {
			t = share(*r.BaseShare) + " of " + base
		} else if a {
			t = share(*r.BaseShare) + " " + base
		}
		if b := r.PlusPoints; b != nil && (!b.IsZero() || !a) {
			switch {
			case !a && en:
				t = "a fixed " + pts(*b)
			case !a:
				t = "фиксированно " + pts(*b)
			case b.Sign() < 0:
				t += " − " + pts(b.Neg())
			default:
				t += " + " + pts(*b)
			}
		}
		if r.MinusLoan {
			if en {
				t += " minus the loan rate"
			} else {
				t += " минус ставка по кредиту"
			}
		}
		parts = append(parts, t)
	}
	if c := r.LoanShare; c != nil {
		switch {
		case hasTerm1 && en:
			parts = append(parts, "at most "+share(*c)+" of "+loan)
		case hasTerm1:
			parts = append(parts, "не более "+share(*c)+" "+loan)
		case en:
			parts = append(parts, share(*c)+" of "+loan)
		default:
			parts = append(parts, share(*c)+" "+loan)
		}
	}
	if r.BorrowerFloor != nil || r.FloorBaseShare != nil {
		var floor string
		g := decimal.Zero
		if r.BorrowerFloor != nil {
			g = *r.BorrowerFloor
		}
		if f := r.FloorBaseShare; f != nil && !f.IsZero() {
			floor = num(*f) + " × " + strings.TrimPrefix(base, "the ")
			if en {
				floor = num(*f) + " × policy rate"
			}
			if !g.IsZero() {
				floor += " + " + pts(g)
			}
		} else {
			floor = percent(g)
		}
		if en {
			parts = append(parts, "the borrower pays at least "+floor)
		} else {
			parts = append(parts, "заёмщик платит не менее "+floor)
		}
	}
	if len(parts) == 0 {
		if en {
			return "no subsidy"
		}
		return "без субсидии"
	}
	if en {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, "; ")
}
