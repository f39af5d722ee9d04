package calc

import (
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// The subsidy's terms (Request.Subsidy) other than the cap and the policy
// rates (annualcap.go, policyrate.go), and the request's options.

// checkProgramme resolves subsidy.programme; a comparison's loan-only plan
// brings its programme in opt (compare.go).
func (p *plan) checkProgramme(c *checker, opt Options) bool {
	id := p.req.Subsidy.Programme
	switch {
	case opt.programme != nil:
		pr := *opt.programme // the caller's may change after
		p.prog = &pr
		return true
	case id == "":
		c.add("subsidy.programme", Text{Ru: "обязательное поле; допустимые значения: %s", En: "required; one of: %s"}, strings.Join(ProgrammeIDs(), ", "))
		return false
	}
	pr := builtinProgramme(id)
	if pr == nil {
		c.add("subsidy.programme", Text{Ru: "неизвестная программа %q; допустимые: %s", En: "unknown programme %q; allowed: %s"}, id, strings.Join(ProgrammeIDs(), ", "))
		return false
	}
	p.prog = pr
	return true
}

// resolveRule checks subsidy.rule's terms (each within its bounds, the
// fixing a known code, the steps: rule.go) and applies them to the
// programme's rule, naming in plan.overridden each one that departs from
// the programme (never for custom, nor for a term the programme leaves
// free). The resulting rule needs at least one term. It also settles the
// maximum subsidy term: subsidy.max_term_months, else the programme's.
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
		c.add("subsidy.rule", Text{Ru: "для программы %s нужен хотя бы один член формулы ставки (base_share, plus_points, loan_share, borrower_floor)", En: "the %s programme needs at least one term of the rate rule (base_share, plus_points, loan_share, borrower_floor)"}, p.prog.ID)
	}
	p.rule = r
	if pr := programmeRules[ruleIdentityOf(r)]; pr != nil {
		p.rateRule, p.usesBase, p.ruleStep0 = pr.first.rule, pr.usesBase, &pr.first
	} else {
		p.rateRule, p.usesBase, p.ruleStep0 = newRateRule(r), ruleUsesBase(r), nil
	}
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

// checkWindow checks the subsidy window's fields: max_term_months (1 to
// 600), start inside the loan term, end after start, or after the issue
// date when start is not given. The term's bounds are checked only when
// the term is known.
func (p *plan) checkWindow(c *checker, ok validFields) {
	s := &p.req.Subsidy
	if s.MaxTermMonths != nil && (*s.MaxTermMonths < 1 || *s.MaxTermMonths > 600) {
		c.add("subsidy.max_term_months", Text{Ru: "должен быть от 1 до 600 месяцев", En: "must be 1 to 600 months"})
	}
	if s.Start != nil {
		if c.date("subsidy.start", *s.Start) && ok.span && (*s.Start < p.issue || *s.Start > p.maturity) {
			c.add("subsidy.start", Text{Ru: "должна быть в пределах срока кредита: %s – %s", En: "must be inside the loan term %s to %s"}, p.issue, p.maturity)
		}
	}
	if s.End != nil && c.date("subsidy.end", *s.End) {
		if s.Start != nil && *s.End <= *s.Start {
			c.add("subsidy.end", Text{Ru: "должна быть позже subsidy.start", En: "must be after subsidy.start"})
		} else if ok.span && *s.End <= p.issue {
			c.add("subsidy.end", Text{Ru: "должна быть позже даты выдачи %s", En: "must be after the issue date %s"}, p.issue)
		}
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
		p.maxTermEnd = p.issue.AddMonths(p.maxTerm)
		p.winEnd = min(p.winEnd, p.maxTermEnd)
	}
	if s.End != nil {
		p.winEnd = *s.End
		if p.prog.ID != "custom" && p.maxTerm > 0 && *s.End != p.maxTermEnd {
			p.overridden = append(p.overridden, "subsidy.end")
		}
	}
	if s.Start != nil && *s.Start != p.issue && p.prog.ID != "custom" {
		p.overridden = append(p.overridden, "subsidy.start")
	}
}

// checkContributions checks the states' contributions to the subsidy
// (member states, shares adding up to 100); normalise takes them.
func (p *plan) checkContributions(c *checker) {
	cs := p.req.Subsidy.Contributions
	if len(cs) > 0 && c.within("subsidy.contributions", len(cs), MaxContributions) {
		c.shares("subsidy.contributions", len(cs), func(i int) (string, decimal.Decimal) { return cs[i].Country, cs[i].Share }, nil)
	}
}

// checkOptions checks the request's discount_rate (0 to 100 percent) and
// lang (ru or en; empty means ru).
func (p *plan) checkOptions(c *checker) {
	req := p.req
	if req.DiscountRate != nil {
		c.dec("discount_rate", *req.DiscountRate, decimal.Zero, hundred, maxRateDigits, true)
	}
	if req.Lang != "" && req.Lang != "ru" && req.Lang != "en" {
		c.enum("lang", req.Lang, []string{"ru", "en"})
	}
}
