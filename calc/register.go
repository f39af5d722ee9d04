package calc

import (
	"errors"
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// RegisterRequest asks for the register of many loans' claims for one
// period (SPEC §7 "Register"). Each loan is a [ClaimRequest] with an ID;
// its Claims may give only Frequency ("monthly" or "quarterly", default
// quarterly), the length of the earlier periods of the year.
type RegisterRequest struct {
	Period DateRange      `json:"period"`
	Loans  []ClaimRequest `json:"loans"`
	Lang   string         `json:"lang,omitempty"`
}

// RegisterResult is the register: one row per loan in request order and
// totals per currency.
type RegisterResult struct {
	Period DateRange `json:"period"`
	// Year is the calendar year of the period's last day: the year whose
	// claims "since 1 January" and cap the register counts.
	Year   int             `json:"year"`
	Rows   []RegisterRow   `json:"rows"`
	Totals []RegisterTotal `json:"totals"`
	// Eligible and Ineligible count the loans.
	Eligible   int `json:"eligible"`
	Ineligible int `json:"ineligible"`
}

// RegisterRow is one loan of a register. Amounts are in the loan's
// currency.
type RegisterRow struct {
	ID            string `json:"id"`
	Contract      string `json:"contract"`
	ContractDate  *Date  `json:"contract_date,omitempty"`
	Borrower      string `json:"borrower"`
	BorrowerTaxID string `json:"borrower_tax_id,omitempty"`
	Currency      string `json:"currency"`
	LoanAmount    Money  `json:"loan_amount"`
	Eligible      bool   `json:"eligible"`
	// Claimed is the payable claim of the period; ClaimedYear the payable
	// claims from 1 January of Year to the period's end, this period
	// included; Planned the plan's figure for the period.
	Claimed     Money `json:"claimed"`
	ClaimedYear Money `json:"claimed_year"`
	Planned     Money `json:"planned"`
	// CapLeft is what is left of the year's cap after the period (nil: no
	// cap).
	CapLeft *Money `json:"cap_left"`
	// Failed lists the eligibility conditions the loan does not meet.
	Failed []string `json:"failed,omitempty"`
}

// RegisterTotal sums the rows of one currency.
type RegisterTotal struct {
	Currency    string `json:"currency"`
	Loans       int    `json:"loans"`
	LoanAmount  Money  `json:"loan_amount"`
	Claimed     Money  `json:"claimed"`
	ClaimedYear Money  `json:"claimed_year"`
	Planned     Money  `json:"planned"`
}

// MaxRegisterLoans bounds the loans of one register.
const MaxRegisterLoans = 50_000

// Register computes the register of req.Loans for req.Period. For each
// loan the periods claimed are the calendar months or quarters (the loan's
// claims.frequency, default quarterly) from 1 January of the period's year
// (or the issue date) up to the period, then the period itself, all cut to
// the loan's term; the annual cap runs across them. Loans are computed in
// parallel on GOMAXPROCS goroutines; the result is in request order. An
// invalid loan makes the whole register an *[Error] of kind [Invalid]
// whose fields are prefixed "loans[i]."; every problem of every loan is
// listed (at most 200).
func Register(req *RegisterRequest, opt Options) (*RegisterResult, error) {
	c := &checker{}
	pr := req.Period
	pOK := c.date("period.from", pr.From) && c.date("period.to", pr.To)
	if pOK && pr.To <= pr.From {
		c.add("period.to", Text{Ru: "должна быть позже period.from", En: "must be after period.from"})
		pOK = false
	}
	switch {
	case len(req.Loans) == 0:
		c.add("loans", Text{
			Ru: "обязательное поле: хотя бы один кредит",
			En: "required: at least one loan",
		})
	case len(req.Loans) > MaxRegisterLoans:
		c.add("loans", Text{Ru: "не более %d кредитов", En: "at most %d loans"}, MaxRegisterLoans)
	}
	if req.Lang != "" && req.Lang != "ru" && req.Lang != "en" {
		c.enum("lang", req.Lang, []string{"ru", "en"})
	}
	ids := make(map[string]int, len(req.Loans))
	for i := range req.Loans {
		l := &req.Loans[i]
		f := "loans[" + strconv.Itoa(i) + "]"
		switch prev, dup := ids[l.ID]; {
		case l.ID == "":
			c.add(f+".id", Text{
				Ru: "обязательное поле: идентификатор кредита в реестре",
				En: "required: the loan's id in the register",
			})
		case dup:
			c.add(f+".id", Text{
				Ru: "идентификатор %q уже у loans[%d]",
				En: "the id %q is also loans[%d]'s",
			}, l.ID, prev)
		default:
			ids[l.ID] = i
		}
		cl := &l.Claims
		if cl.From != 0 || cl.To != 0 || len(cl.Periods) > 0 {
			c.add(f+".claims", Text{
				Ru: "периоды задаёт период реестра: укажите только claims.frequency",
				En: "the register's period sets the periods: give only claims.frequency",
			})
		}
		if cl.Frequency != "" {
			c.enum(f+".claims.frequency", cl.Frequency, []string{"monthly", "quarterly"})
		}
	}
	if len(c.list) > 0 || len(req.Loans) > MaxRegisterLoans {
		return nil, c.err()
	}
	year := (pr.To - 1).Year()
	jan1 := yearStart(year)

	out := &RegisterResult{Period: pr, Year: year, Rows: make([]RegisterRow, len(req.Loans))}
	errs := make([]error, len(req.Loans))
	var next int
	var mu sync.Mutex
	work := func() {
		for {
			mu.Lock()
			i := next
			next++
			mu.Unlock()
			if i >= len(req.Loans) {
				return
			}
			errs[i] = registerRow(&req.Loans[i], req.Lang, opt, pr, jan1, &out.Rows[i])
		}
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(req.Loans)) {
		wg.Go(work)
	}
	wg.Wait()

	const maxProblems = 200
	for i, err := range errs {
		if err == nil {
			continue
		}
		var ce *Error
		if !errors.As(err, &ce) {
			return nil, err
		}
		for _, f := range ce.Fields {
			if len(c.list) >= maxProblems {
				break
			}
			f.Field = "loans[" + strconv.Itoa(i) + "]." + f.Field
			c.list = append(c.list, f)
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	for _, r := range out.Rows {
		if r.Eligible {
			out.Eligible++
		} else {
			out.Ineligible++
		}
		k := slices.IndexFunc(out.Totals, func(t RegisterTotal) bool { return t.Currency == r.Currency })
		if k < 0 {
			out.Totals = append(out.Totals, RegisterTotal{Currency: r.Currency})
			k = len(out.Totals) - 1
		}
		t := &out.Totals[k]
		t.Loans++
		t.LoanAmount += r.LoanAmount
		t.Claimed += r.Claimed
		t.ClaimedYear += r.ClaimedYear
		t.Planned += r.Planned
	}
	return out, nil
}

// registerRow computes one loan's row.
func registerRow(l *ClaimRequest, lang string, opt Options, pr DateRange, jan1 Date, row *RegisterRow) error {
	cr := *l
	if cr.Lang == "" {
		cr.Lang = lang
	}
	freq := l.Claims.Frequency
	step := 3
	if freq == "monthly" {
		step = 1
	}
	res, err := claim(&cr, opt, func(issue, maturity Date) []DateRange {
		var ps []DateRange
		lo, hi := max(jan1, issue), min(pr.From, maturity)
		for cur := lo; cur < hi; {
			y, m, _ := cur.Civil()
			mi := (int(m)-1)/step*step + step
			nxt := Date(daysFromCivil(y+mi/12, mi%12+1, 1))
			ps = append(ps, DateRange{cur, min(nxt, hi)})
			cur = nxt
		}
		if a, b := max(pr.From, issue), min(pr.To, maturity); a < b {
			ps = append(ps, DateRange{a, b})
		}
		return ps
	})
	if err != nil {
		return err
	}
	*row = RegisterRow{
		ID: l.ID, Contract: l.Contract.Number, ContractDate: l.Contract.Date,
		Borrower: l.Borrower.Name, BorrowerTaxID: l.Borrower.TaxID,
		Currency: res.Currency, LoanAmount: moneyOf(l.Loan.Amount), Eligible: res.Eligible,
	}
	for _, p := range res.Periods {
		if p.Year == jan1.Year() {
			row.ClaimedYear += p.Payable
			row.CapLeft = p.CapLeft
		}
		if p.To > pr.From && p.From < pr.To {
			row.Claimed += p.Payable
			row.Planned += p.Planned
		}
	}
	if row.CapLeft == nil && res.Programme.Cap != nil {
		// No period of the year: the whole cap is left.
		cl := claimer{p: &plan{cap: res.Programme.Cap, currency: res.Currency, req: &Request{Subsidy: l.Subsidy}}}
		if m, ok := cl.capFor(jan1.Year()); ok && len(cl.missingFX) == 0 {
			row.CapLeft = &m
		}
	}
	for _, ch := range res.Checks {
		if ch.Kind == KindEligibility && !ch.OK {
			row.Failed = append(row.Failed, ch.Code)
		}
	}
	return nil
}
