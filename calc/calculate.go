package calc

import (
	"context"
	"math"
	"slices"

	"github.com/shopspring/decimal"
)

// Options are the environment of a calculation.
type Options struct {
	// Rates is the book of policy rate timelines; nil uses [DefaultRateBook].
	Rates *RateBook
	// Into, when not nil, is the Result to fill: the memory of its
	// Schedule, Years, the years' caps, BudgetShares (with the years'),
	// Participants, Countries and Checks (their messages too) is reused
	// and everything else in it is replaced, so the caller must be done
	// with the old result and every slice and check taken from it: they
	// are overwritten. A server that encodes each result
	// before computing the next keeps a pool of them and allocates a third
	// as much per calculation. The returned *Result is then Into; on an
	// error Into is left as it was, except after a cancellation (its
	// content is then unspecified).
	Into *Result
	// programme, when set, replaces the request's programme (a
	// comparison's plan of the loan alone, compare.go).
	programme *Programme
	// Context, when not nil, abandons the calculation once it is done
	// (deadline passed or cancelled): Calculate then returns an *[Error]
	// of kind [Canceled]. It is looked at once per payment period.
	Context context.Context

	work *workCount // tests: where to record the work done
}

// Calculate validates req and computes its result: schedule, subsidy,
// caps, shares and checks. Invalid input returns an *[Error] of kind
// [Invalid] listing every problem; a failed eligibility check does not stop
// the calculation but appears in Result.Checks. The same request always
// gives the same result. Calculate does not modify req.
func Calculate(req *Request, opt Options) (*Result, error) {
	return calculate(req, opt, false)
}

// calculate is Calculate with the choice of accrual: decimalOnly forces the
// plain decimal accrual that the fast one is proven against.
func calculate(req *Request, opt Options, decimalOnly bool) (*Result, error) {
	var spare *plan
	if opt.Into != nil {
		spare = opt.Into.plan
	}
	p, err := newPlanIn(spare, req, opt)
	if err != nil {
		return nil, err
	}
	if decimalOnly {
		p.fast = false
	}
	res, err := p.result(opt.Into)
	if err != nil {
		return nil, err
	}
	if len(req.Scenarios) > 0 {
		p.scenarios(res, opt) // scenario.go
	}
	if opt.Into != nil {
		res.plan = p // for the next calculation into res (newPlanIn)
	}
	return res, nil
}

// result computes the result of a validated plan into res (nil: a new
// Result), reusing its memory as Options.Into describes; the error is the
// plan's context's when it was done before the schedule was.
func (p *plan) result(res *Result) (*Result, error) {
	if res == nil {
		res = new(Result)
	}
	spare := res.reset(p.currency)
	if p.simpleSchedule() {
		if sched, ok := p.scheduleSimple(res.Schedule); ok {
			res.Schedule = sched
		} else {
			res.Schedule = p.schedule(res.Schedule)
		}
	} else {
		res.Schedule = p.schedule(res.Schedule)
	}
	if p.canceled != nil {
		return nil, p.canceled
	}
	checks := p.eligibilityIn(spare)
	res.Eligible = checks.eligible()
	p.settle(res)
	p.borrowerFigures(res)
	p.shares(res)
	res.Checks = p.outcomeChecks(checks, res)
	res.Programme = p.programmeRef()
	return res, nil
}

// reset empties res for a calculation in currency, keeping the memory
// that the calculation reuses (Options.Into): the slices' backing arrays,
// those of the years' caps and budget shares included, and it returns the
// list that held res's checks (nil: none) for the new ones. Reusing the
// shares' arrays spares their allocations: ~1,000 of the shares step's
// ~4,400 instructions on the 12-month benchmark loan.
func (res *Result) reset(currency string) (checks *checkList) {
	if len(res.Checks) > 0 {
		checks = res.Checks[0].list // nil for decoded checks
	}
	*res = Result{
		Currency: currency, Schedule: res.Schedule[:0], Years: res.Years[:0],
		Participants: res.Participants[:0], Countries: res.Countries[:0],
		shareRows: res.shareRows, caps: res.caps,
	}
	return checks
}

// reuse returns s as n elements when it is not nil and holds them (their
// values are left as they were), else a new slice of n zero elements.
func reuse[T any](s []T, n int) []T {
	if s != nil && cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// programmeRef names the programme and the parameters the plan uses.
func (p *plan) programmeRef() ProgrammeRef {
	ref := ProgrammeRef{
		ID: p.prog.ID, Name: p.prog.NameRu, RulesVersion: p.prog.RulesVersion,
		Rule: p.rule, Cap: p.cap, BaseCountry: p.baseCountry,
		WindowStart: p.winStart, WindowEnd: p.winEnd, Overridden: p.overridden,
	}
	if p.lang == "en" {
		ref.Name = p.prog.NameEn
	}
	if !p.usesBase {
		ref.BaseCountry = ""
	}
	return ref
}

// applyCap pays each period's subsidy up to what is left of its payment
// year's cap; the period that reaches the cap is paid in part (the rest of
// the cap, already in minor units: rounding down), later ones nothing.
// [plan.settle] does the same in its walk.
func (p *plan) applyCap(res *Result) {
	var buf [32]Money
	left := p.capsLeft(&buf)
	for i := range res.Schedule {
		per := &res.Schedule[i]
		per.SubsidyPaid = p.capped(left, per)
	}
}

// capsLeft returns what is left of each payment year's cap, by year from
// the first, in buf when it fits; nil without a cap.
func (p *plan) capsLeft(buf *[32]Money) []Money {
	if p.cap == nil {
		return nil
	}
	left := buf[:0]
	if n := len(p.capLoan); n > len(buf) {
		left = make([]Money, 0, n)
	}
	for _, c := range p.capLoan {
		left = append(left, c.amt)
	}
	return left
}

// capped returns what is paid of per's subsidy under the caps left (nil:
// no cap), and takes it from its year's.
func (p *plan) capped(left []Money, per *Period) Money {
	paid := per.Subsidy
	if left != nil && paid > 0 {
		l := &left[p.payYear[per.N]-p.payYear[0]]
		if paid > *l {
			paid = max(*l, 0)
		}
		*l -= paid
	}
	return paid
}

// payOut sets what is really paid in each period: the paid subsidy of an
// eligible loan, 0 for an ineligible one (SPEC §6), and the borrower's
// interest and payment net of it.
func (p *plan) payOut(res *Result) {
	for i := range res.Schedule {
		res.Schedule[i].payOut(res.Eligible)
	}
}

// payOut sets per's payable subsidy and the borrower's figures net of it.
func (per *Period) payOut(eligible bool) {
	per.SubsidyPayable = 0
	if eligible {
		per.SubsidyPayable = per.SubsidyPaid
	}
	per.BorrowerInterest = per.Interest - per.SubsidyPayable
	per.BorrowerPayment = per.Payment - per.SubsidyPayable
}

// settle finishes a computed schedule in one walk over its periods: each
// period's subsidy is cut to its payment year's cap ([plan.applyCap]) and
// paid out ([plan.payOut]; res.Eligible must be set), and added to its
// year and to the totals. The years then get their caps. One walk instead
// of three was a twentieth of a 10-year loan's calculation.
//
// The walk goes a payment year at a time (payment dates only grow), with
// the year's sums and what is left of its cap in locals: where the sums
// were added up in the Year through a pointer, and each period looked its
// year up twice, this was ~9,200 instructions on a 120-month loan.
func (p *plan) settle(res *Result) {
	var t Totals
	t.Drawdowns = p.amount
	sched, years := res.Schedule, p.payYear
	res.Years = slices.Grow(res.Years[:0], years[p.n]-years[0]+1)
	for i := 0; i < len(sched); {
		y := years[sched[i].N]
		left, capped := Money(0), false
		if ci := y - years[0]; p.cap != nil && ci < len(p.capLoan) {
			left, capped = p.capLoan[ci].amt, true
		}
		yr := Year{Year: y}
		for ; i < len(sched) && years[sched[i].N] == y; i++ {
			per := &sched[i]
			paid := per.Subsidy
			if capped && paid > 0 {
				if paid > left {
					paid = max(left, 0)
				}
				left -= paid
			}
			per.SubsidyPaid = paid
			per.payOut(res.Eligible)
			yr.Interest += per.Interest
			yr.Principal += per.Principal
			yr.Subsidy += per.Subsidy
			yr.SubsidyPaid += paid
			yr.SubsidyPayable += per.SubsidyPayable
			yr.BorrowerInterest += per.BorrowerInterest
			t.Payments += per.Payment
			t.BorrowerPayments += per.BorrowerPayment
		}
		t.Interest += yr.Interest
		t.Principal += yr.Principal
		t.Subsidy += yr.Subsidy
		t.SubsidyPaid += yr.SubsidyPaid
		t.SubsidyPayable += yr.SubsidyPayable
		t.BorrowerInterest += yr.BorrowerInterest
		res.Years = append(res.Years, yr)
	}
	p.yearCaps(res)
	res.Totals = t
}

// yearCaps gives res's years their caps and exchange rates, and their
// budget shares an empty list.
func (p *plan) yearCaps(res *Result) {
	// The years' caps and exchange rates point into two arrays: one
	// allocation each instead of one per year.
	var caps []Money
	var fxs []decimal.Decimal
	if p.cap != nil {
		caps = reuse(res.caps, len(res.Years))
		clear(caps)
		if len(p.fxUsed) > 0 {
			fxs = make([]decimal.Decimal, len(res.Years))
		}
	}
	res.caps = caps // nil without a cap: a Result holds what its own figures use
	for i := range res.Years {
		yr := &res.Years[i]
		yr.BudgetShares = []CountryAmount{}
		if p.cap == nil {
			continue
		}
		ci := yr.Year - p.payYear[0]
		if ci < 0 || ci >= len(p.capLoan) || !p.capLoan[ci].set {
			continue // no subsidy can fall in this year
		}
		c := p.capLoan[ci].amt
		caps[i] = c
		yr.Cap = &caps[i]
		yr.CapUsed = yr.SubsidyPayable
		yr.CapReached = yr.SubsidyPaid < yr.Subsidy
		if fx, ok := p.fxUsed[yr.Year]; ok {
			fxs[i] = fx
			yr.FXRate = &fxs[i]
		}
	}
}

// borrowerFigures computes the effective rates (XIRR on act/365 years of the
// borrower's dated cash flows: drawdowns in, payments out), the present
// value of the paid subsidy at the discount rate and the grant element.
// The rates are solved in binary floating point and reported to 4 decimal
// places; the present value uses floating-point discount factors on exact
// amounts, rounded half away from zero to the minor unit.
func (p *plan) borrowerFigures(res *Result) {
	// Start Newton near the answer: the contract rate compounded per
	// period, scaled by the share of interest the borrower keeps paying.
	nominal := p.loanRates[0].rate.d.InexactFloat64() / 100
	guess := math.Pow(1+nominal/float64(p.ppy), float64(p.ppy)) - 1
	var buf [128]xirrFlow                                            // on the stack for loans of up to ten years monthly
	r1, ok1, s := p.rateWithoutSubsidy(buf[:0], res.Schedule, guess) // compare.go
	if res.Totals.Interest > 0 {
		kept := float64(res.Totals.BorrowerInterest) / float64(res.Totals.Interest)
		if ok1 {
			guess = r1
		}
		guess *= kept
	}
	// With subsidy the flows keep their dates: when s holds them as built
	// and prepared, only the amounts change; else (solve mended s, or the
	// rate came from a comparison) the flows are built again.
	if !s.prepared {
		s = p.borrowerFlows(buf[:0], res.Schedule)
	}
	p.netPayments(&s, res.Schedule)
	r2, ok2 := s.solve(guess)
	res.EffectiveRates = EffectiveRates{Converged: ok1 && ok2, WithoutSubsidy: decimal.Zero, WithSubsidy: decimal.Zero}
	if ok1 {
		res.EffectiveRates.WithoutSubsidy = percent4(r1)
	}
	if ok2 {
		res.EffectiveRates.WithSubsidy = percent4(r2)
	}

	// Present value of the payable subsidy at the issue date.
	pc := powCache{k: -math.Log1p(p.discount.InexactFloat64()/100) / 365}
	pv, df, prev := 0.0, 1.0, p.issue
	sched := res.Schedule // a local, which pow's call to miss cannot change
	for i := range sched {
		per := &sched[i]
		if gap := per.End - prev; gap != 0 {
			df *= pc.pow(int(gap))
			prev = per.End
		}
		if per.SubsidyPayable != 0 {
			pv += float64(per.SubsidyPayable) * df
		}
	}
	res.SubsidyPresentValue = Money(math.Round(pv))
	res.DiscountRate = p.discount
	res.GrantElement = grantElement(res.SubsidyPresentValue, p.amount)
}

// grantElement returns pv / amount × 100, percent rounded to 4 places
// half away from zero, for amount > 0: in int64 when pv × 10^6 fits (a
// tenth of the decimal division's cost), else in decimal.
func grantElement(pv, amount Money) decimal.Decimal {
	const scale = 1_000_000 // × 100 for percent, × 10^4 for 4 places
	if pv > math.MaxInt64/scale || pv < -math.MaxInt64/scale || amount <= 0 {
		return pv.Decimal().Mul(hundred).DivRound(amount.Decimal(), 4)
	}
	q, r := int64(pv)*scale/int64(amount), int64(pv)*scale%int64(amount)
	if r > 0 && r >= int64(amount)-r {
		q++ // 2r >= amount, without overflow
	} else if r < 0 && -r >= int64(amount)+r {
		q--
	}
	return decimal.New(q, -4)
}

// borrowerFlows returns the borrower's cash flows without subsidy as a
// series for [XIRR], in buf when they fit: the drawdowns in, then the
// payments out, each run in date order, days counted from the first
// drawdown.
func (p *plan) borrowerFlows(buf []xirrFlow, sched []Period) xirrSeries {
	nd := len(p.draws)
	fs := xirrBuffer(buf, nd+len(sched))[:nd+len(sched)]
	var d0 Date
	if nd > 0 {
		d0 = p.draws[0].date
	} else if len(sched) > 0 {
		d0 = sched[0].End
	}
	var span xirrSpan
	for i, d := range p.draws {
		fs[i] = xirrFlow{a: float64(d.amt), d: int32(d.date - d0)}
		span = span.with(d.amt)
	}
	pays := fs[nd:]
	for i := range pays {
		per := &sched[i]
		pays[i] = xirrFlow{a: float64(-per.Payment), d: int32(per.End - d0)}
		span = span.with(-per.Payment)
	}
	return xirrSeries{fs: fs, span: span}
}

// netPayments sets the amounts of s, the flows borrowerFlows built (and
// solve at most prepared), to those net of the payable subsidy, and their
// span.
func (p *plan) netPayments(s *xirrSeries, sched []Period) {
	fs := s.fs
	var span xirrSpan
	for i, d := range p.draws {
		fs[i].a = float64(d.amt)
		span = span.with(d.amt)
	}
	pays := fs[len(p.draws):]
	for i := range pays {
		pay := -sched[i].BorrowerPayment
		pays[i].a = float64(pay)
		span = span.with(pay)
	}
	s.span = span
}

// percent4 converts a rate r (a fraction) into percent rounded to 4
// decimal places (half away from zero).
func percent4(r float64) decimal.Decimal {
	v := r * 1e6
	if math.Abs(v) > 1e15 {
		return decimal.NewFromFloat(r * 100).Round(4)
	}
	return decimal.New(int64(math.Round(v)), -4)
}

// shares splits each year's paid subsidy among the contributing member
// states and among the participants (largest remainder, so the parts add
// up to the year's amount), sums them over the years and by country.
//
// It runs once per loan of a batch, so the participants' weights are
// held on the stack and their integers come from their check (up to 16
// participants: participantSplitter), a programme's budget shares use its splitter without copying the
// weights (these two save ~360 of ~4,600 instructions of this step on a
// 12-month loan), and the per-year budget shares, and the loan's, share
// one backing array.
func (p *plan) shares(res *Result) {
	nc, np := len(p.contributions), len(p.participants)
	var wbuf [16]decimal.Decimal
	w := wbuf[:0]
	if np > len(wbuf) {
		w = make([]decimal.Decimal, 0, np)
	}
	for _, pa := range p.participants {
		w = append(w, pa.Share)
	}
	cs, ps := p.contributionSplitter(), p.participantSplitter(w)
	// One backing array: the loan's budget shares, then each year's. Every
	// row starts as the loan's row (Country and Share, Amount 0), copied in
	// doubling blocks, so that a year only sets its Amounts: writing whole
	// CountryAmounts (a string and a decimal each) every year cost ~1,300
	// more of the ~13,300 instructions of this step on the 120-month
	// benchmark loan.
	all := reuse(res.shareRows, (len(res.Years)+1)*nc) // every row is written below
	res.shareRows = all
	res.BudgetShares = all[:nc:nc]
	for i, c := range p.contributions {
		res.BudgetShares[i] = CountryAmount{Country: c.Country, Share: c.Share}
	}
	for n := nc; n < len(all); n *= 2 {
		copy(all[n:], all[:n])
	}
	res.Participants = reuse(res.Participants, np)
	for i, pa := range p.participants {
		res.Participants[i] = ParticipantAmount{Name: pa.Name, Country: pa.Country, Share: pa.Share}
	}
	var pbuf [16]Money
	parts := pbuf[:]
	if n := max(nc, np); n > len(pbuf) {
		parts = make([]Money, n)
	}
	rows := all[nc:]
	for yi := range res.Years {
		yr := &res.Years[yi]
		if nc > 0 {
			row := rows[:nc:nc]
			rows = rows[nc:]
			yr.BudgetShares = row
			cs.into(yr.SubsidyPayable, parts[:nc])
			for i, a := range parts[:nc] {
				row[i].Amount = a
				res.BudgetShares[i].Amount += a
			}
		}
		if np > 0 {
			ps.into(yr.SubsidyPayable, parts[:np])
			for i, a := range parts[:np] {
				res.Participants[i].Subsidy += a
			}
		}
	}
	// Each country's position, in the order of MemberStates. Budget
	// shares and participants are member states (validated).
	var pos [len(memberStates)]CountryPosition
	var in [len(memberStates)]bool
	for _, b := range res.BudgetShares {
		i := memberIndex(b.Country)
		if i < 0 {
			continue // not reached: validated
		}
		pos[i].Contribution += b.Amount
		in[i] = true
	}
	for _, pa := range res.Participants {
		i := memberIndex(pa.Country)
		if i < 0 {
			continue // not reached: validated
		}
		pos[i].Benefit += pa.Subsidy
		in[i] = true
	}
	res.Countries = reuse(res.Countries, len(memberStates))[:0]
	for i, c := range memberStates {
		if in[i] {
			pos[i].Country, pos[i].Net = c, pos[i].Benefit-pos[i].Contribution
			res.Countries = append(res.Countries, pos[i])
		}
	}
}

// contributionSplitter returns the splitter of the plan's budget shares:
// the one built once for a built-in programme when the plan uses the
// programme's own shares, else a new one.
func (p *plan) contributionSplitter() splitter {
	if len(p.contributions) == 0 {
		return splitter{}
	}
	if s, ok := programmeSplitters[&p.contributions[0]]; ok {
		return s
	}
	w := make([]decimal.Decimal, len(p.contributions))
	for i, c := range p.contributions {
		w[i] = c.Share
	}
	return newSplitter(w, nil)
}

// participantSplitter returns the splitter by the participants' shares w.
// Up to 16 participants, it takes the shares in millionths from their
// check (plan.partMicros, adding up to 10^8) as its integer weights
// instead of scaling w again: ~500 instructions a loan, 15 % of the shares
// step at 12 months. A split by integers proportional to the shares is the
// same split (the parts and the order of the remainders do not change
// when every weight is multiplied by one number).
func (p *plan) participantSplitter(w []decimal.Decimal) splitter {
	if len(w) == 0 || len(w) > len(p.partMicros) {
		return newSplitter(w, nil)
	}
	return splitter{weights: w, w: p.partMicros[:len(w)], sum: 100_000_000, fast: true}
}

// programmeSplitters are the built-in programmes' budget-share splitters,
// built once (scaling the shares to integers was ~900 instructions a loan),
// by the first element of the programme's Contributions: a plan whose
// contributions start there uses the programme's own shares. Only
// splitters of up to 16 shares are kept: they have no scratch memory, so
// loans computed at once can share them.
var programmeSplitters = func() map[*CountryShare]splitter {
	m := map[*CountryShare]splitter{}
	for i := range programmes {
		cs := programmes[i].Contributions
		if len(cs) == 0 || len(cs) > 16 {
			continue
		}
		w := make([]decimal.Decimal, len(cs))
		for j, c := range cs {
			w[j] = c.Share
		}
		m[&cs[0]] = newSplitter(w, nil)
	}
	return m
}()
