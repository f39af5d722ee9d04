package calc

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

// Conventions name how a schedule was computed (SPEC §8): the day count,
// the balance that accrues, where amounts are rounded and on which day the
// policy rate is fixed.
type Conventions struct {
	// DayCount is "act/act", "act/365", "act/360", "30E/360" (a Loan's
	// "30/360") or "30/360 US".
	DayCount string `json:"day_count"`
	// AccrualBalance is "daily" (the balance of each day, our rule) or
	// "opening" (the period's opening balance for all its days).
	AccrualBalance string `json:"accrual_balance"`
	// Rounding is "period" (the exact sum of a period's pieces rounded
	// once, our rule) or "row" (each piece of constant balance and rates
	// rounded, then added).
	Rounding string `json:"rounding"`
	// BaseFixing is "daily", "period_start" or "payment_date".
	BaseFixing string `json:"base_fixing"`
}

// Values of [Conventions].
const (
	DayCount30E    = "30E/360"
	DayCount30US   = dayCount30US
	AccrualDaily   = "daily"
	AccrualOpening = "opening"
	RoundPeriod    = "period"
	RoundRow       = "row"
)

// Convention values in the order a tie between equally good combinations
// is broken (after the distance from the loan's own conventions).
var (
	reconDayCounts = []string{DayCountActAct, DayCountAct365, DayCountAct360, DayCount30E, DayCount30US}
	reconAccruals  = []string{AccrualDaily, AccrualOpening}
	reconRoundings = []string{RoundPeriod, RoundRow}
)

// BankRow is one row of a bank's schedule: the payment date and the
// figures the bank gives, each in the loan currency with at most two
// decimal places; a nil figure is a column the bank did not give.
type BankRow struct {
	Date             Date             `json:"date"`
	OpeningBalance   *decimal.Decimal `json:"opening_balance,omitempty"`
	Principal        *decimal.Decimal `json:"principal,omitempty"`
	Interest         *decimal.Decimal `json:"interest,omitempty"`
	Subsidy          *decimal.Decimal `json:"subsidy,omitempty"`
	BorrowerInterest *decimal.Decimal `json:"borrower_interest,omitempty"`
}

// ReconcileRequest is a loan (as in [Request]) and the schedule a bank
// computed for it.
type ReconcileRequest struct {
	Request
	// Tolerance is the largest difference accepted in a cell, in the loan
	// currency (default 0.02: two minor units).
	Tolerance *decimal.Decimal `json:"tolerance,omitempty"`
	// BankSchedule is the bank's rows, one per payment date.
	BankSchedule []BankRow `json:"bank_schedule"`
}

// ReconcileFields are the compared columns, in the order of a bank row.
var ReconcileFields = []string{"opening_balance", "principal", "interest", "subsidy", "borrower_interest"}

const nFields = 5

// Reconciliation is the outcome of [Reconcile].
type Reconciliation struct {
	Currency string `json:"currency"`
	// Eligible is the loan's eligibility (SPEC §6); an ineligible loan is
	// paid nothing, so our subsidy is 0 in every row.
	Eligible bool `json:"eligible"`
	// Conventions are those of the combination that reproduces the most
	// bank rows; Own those of the loan as requested.
	Conventions Conventions `json:"conventions"`
	Own         Conventions `json:"own_conventions"`
	// Tolerance in the loan currency.
	Tolerance Money `json:"tolerance"`
	// Columns the bank gave (a subset of [ReconcileFields]).
	Columns []string `json:"columns"`
	// RowsChecked counts the bank's rows, RowsMatching those whose date is
	// one of ours and whose every given figure is within the tolerance,
	// RowsOff the rows of either side that are not (a payment date only
	// one side has counts once).
	RowsChecked  int `json:"rows_checked"`
	RowsMatching int `json:"rows_matching"`
	RowsOff      int `json:"rows_off"`
	// Alternatives are every other combination tried, best first.
	Alternatives []Alternative `json:"alternatives"`
	// Differences lists every cell off by more than the tolerance and every
	// row only one side has, by date.
	Differences []Difference `json:"differences"`
	// Schedule is ours under Conventions (for workbooks; not in the JSON
	// answer).
	Schedule []Period `json:"-"`
}

// Alternative is a combination of conventions and how many rows it leaves
// off. Equivalent is true when it gives exactly the chosen combination's
// figures in every compared cell.
type Alternative struct {
	Conventions Conventions `json:"conventions"`
	RowsOff     int         `json:"rows_off"`
	Equivalent  bool        `json:"equivalent"`
}

// Difference is one cell of the bank's schedule that differs from ours, or
// (Field "row") a payment date only one side has.
type Difference struct {
	// N is our period number (0 when we have no payment on Date);
	// BankRow the 1-based position of the bank's row (0 when the bank has
	// none on Date).
	N       int  `json:"n"`
	BankRow int  `json:"bank_row"`
	Date    Date `json:"date"`
	// Field is one of [ReconcileFields] or "row".
	Field string `json:"field"`
	// Bank and Ours are the two figures (nil on the side that has no
	// row); Difference = Bank − Ours.
	Bank       *Money `json:"bank"`
	Ours       *Money `json:"ours"`
	Difference *Money `json:"difference"`
	// Cause is the likely cause: "missing_row" (the bank has no row for
	// our payment), "extra_row" (we have no payment on the bank's date),
	// "balance" (the row accrues on another balance: its opening balance
	// or an earlier principal differs), "day_count", "accrual_balance",
	// "rounding" or "base_fixing" (changing that one convention gives the
	// bank's figure), "rate_change" (a contract or policy rate changes
	// inside the period), "drawdown" (a drawdown inside the period), "cap"
	// (the annual cap cut the subsidy that year), "ineligible" (the loan
	// fails an eligibility condition and is paid nothing) or
	// "unexplained".
	Cause string `json:"cause"`
}

// Causes of a [Difference], in the order they are tried.
var DifferenceCauses = []string{"missing_row", "extra_row", "ineligible", "balance", "day_count", "accrual_balance", "rounding", "base_fixing", "rate_change", "drawdown", "cap", "unexplained"}

// MaxBankRows bounds a bank's schedule (a 50-year monthly loan has 600).
const MaxBankRows = 5000

// combo is one combination of conventions in the engine's terms.
type combo struct {
	dc, fixing string
	conv       conventions
	c          Conventions
}

// ourDayCount maps a Conventions day count to the engine's name.
func ourDayCount(dc string) string {
	if dc == DayCount30E {
		return DayCount30E360
	}
	return dc
}

func theirDayCount(dc string) string {
	if dc == DayCount30E360 {
		return DayCount30E
	}
	return dc
}

// reconRow is a validated bank row: figures in minor units, has[f] when
// the bank gave column f.
type reconRow struct {
	date Date
	v    [nFields]Money
	has  [nFields]bool
}

// Reconcile recomputes the loan of req under every combination of the
// conventions banks use (five day counts × two accrual balances × two
// roundings × three policy-rate fixings; the fixings only when the rule
// uses the policy rate, since otherwise they give the same rows), and
// picks the combination that leaves the fewest rows off by more than the
// tolerance. Ties go to the smaller sum of absolute differences, then to
// the combination closest to the loan's own conventions (fewest
// conventions changed), then to the order day count, accrual balance,
// rounding, fixing as listed in [Conventions]. Rows are matched by payment
// date; a date only one side has is a difference too. The bank's subsidy
// is compared with our subsidy after the annual cap (subsidy_payable: 0
// for an ineligible loan), its borrower interest with interest −
// subsidy_payable.
//
// Invalid input returns an *[Error] of kind [Invalid] naming every field
// (bank_schedule[3].interest).
func Reconcile(req *ReconcileRequest, opt Options) (*Reconciliation, error) {
	var c checker
	tol := Money(2)
	if req.Tolerance != nil && c.dec("tolerance", *req.Tolerance, decimal.Zero, maxAmount, MinorDigits, true) {
		tol, _ = MoneyFromDecimal(*req.Tolerance)
	}
	rows := make([]reconRow, 0, len(req.BankSchedule))
	var given [nFields]bool
	switch n := len(req.BankSchedule); {
	case n == 0:
		c.add("bank_schedule", Text{
			Ru: "обязательное поле: хотя бы одна строка",
			En: "required: at least one row",
		})
	case n > MaxBankRows:
		c.add("bank_schedule", Text{Ru: "не более %d строк", En: "at most %d rows"}, MaxBankRows)
	default:
		seen := make(map[Date]int, n)
		for i, b := range req.BankSchedule {
			f := func(field string) string { return "bank_schedule[" + strconv.Itoa(i) + "]." + field }
			r := reconRow{date: b.Date}
			if c.date(f("date"), b.Date) {
				if j, dup := seen[b.Date]; dup {
					c.add(f("date"), Text{
						Ru: "дата %s уже есть в строке %d",
						En: "the date %s is also in row %d",
					}, b.Date, j+1)
				}
				seen[b.Date] = i
			}
			for k, v := range [nFields]*decimal.Decimal{b.OpeningBalance, b.Principal, b.Interest, b.Subsidy, b.BorrowerInterest} {
				if v == nil {
					continue
				}
				if m, ok := bankMoney(*v); ok {
					r.v[k], r.has[k], given[k] = m, true, true
				} else if c.dec(f(ReconcileFields[k]), *v, minBankAmount, maxAmount, MinorDigits, true) {
					r.v[k], _ = MoneyFromDecimal(*v)
					r.has[k], given[k] = true, true
				}
			}
			rows = append(rows, r)
		}
	}
	p, err := newPlan(&req.Request, opt)
	if err != nil || len(c.list) > 0 {
		var fields []FieldError
		if e, ok := err.(*Error); ok {
			fields = e.Fields
		} else if err != nil {
			return nil, err
		}
		return nil, &Error{Kind: Invalid, Fields: append(fields, c.list...), Detail: "invalid request"}
	}

	// Eligibility does not depend on the conventions: an ineligible loan
	// is paid nothing (SPEC §6), so a bank's subsidy on it is a difference.
	eligible := p.eligibility().eligible()
	own := Conventions{DayCount: theirDayCount(p.dc), AccrualBalance: AccrualDaily, Rounding: RoundPeriod, BaseFixing: p.rule.BaseFixing}
	combos := reconCombos(own, p.usesBase)

	// The payment dates do not depend on the conventions: match once.
	ours := make([]int, len(rows)) // bank row → period index, −1 when none
	bankOf := make([]int, p.n)     // period index → bank row, −1 when none
	for i := range bankOf {
		bankOf[i] = -1
	}
	for i, r := range rows {
		ours[i] = -1
		if k, ok := slices.BinarySearch(p.dates[1:], r.date); ok {
			ours[i] = k
			bankOf[k] = i
		}
	}
	unmatched := 0
	for _, k := range ours {
		if k < 0 {
			unmatched++
		}
	}
	for _, b := range bankOf {
		if b < 0 {
			unmatched++
		}
	}

	// Every combination's figures, in one array: [combo][period][field].
	vals := make([]Money, len(combos)*p.n*nFields)
	type score struct {
		off int
		abs uint64
		idx int
	}
	scores := make([]score, len(combos))
	// The work shared across combinations: the plan (dates, drawdowns,
	// rate paths, the rule in fixed point) is built once, and a combination that
	// provably gives the rows of another is copied, not computed: without
	// a drawdown inside a period, the opening balance is every day's.
	twin := make([]int, len(combos))
	drawInside := false
	for _, d := range p.draws {
		if _, onDate := slices.BinarySearch(p.dates, d.date); !onDate {
			drawInside = true
		}
	}
	for ci, cb := range combos {
		twin[ci] = ci
		if cb.conv.opening && !drawInside {
			want := cb.c
			want.AccrualBalance = AccrualDaily
			twin[ci] = slices.IndexFunc(combos, func(o combo) bool { return o.c == want })
		}
	}
	var buf []Period
	res := Result{}
	for ci, cb := range combos {
		if twin[ci] != ci {
			continue
		}
		q := *p
		q.dc, q.rule.BaseFixing, q.conv = cb.dc, cb.fixing, cb.conv
		buf = q.schedule(buf)
		if q.canceled != nil { // Options.Context is done
			return nil, q.canceled
		}
		res.Schedule, res.Eligible = buf, eligible
		q.applyCap(&res)
		q.payOut(&res)
		v := vals[ci*p.n*nFields : (ci+1)*p.n*nFields]
		for k := range buf {
			per := &buf[k]
			f := v[k*nFields : (k+1)*nFields]
			f[0], f[1], f[2], f[3], f[4] = per.OpeningBalance, per.Principal, per.Interest, per.SubsidyPayable, per.BorrowerInterest
		}
	}
	for ci := range combos {
		if t := twin[ci]; t != ci {
			copy(vals[ci*p.n*nFields:(ci+1)*p.n*nFields], vals[t*p.n*nFields:(t+1)*p.n*nFields])
		}
		v := vals[ci*p.n*nFields : (ci+1)*p.n*nFields]
		s := score{off: unmatched, idx: ci}
		for i, r := range rows {
			k := ours[i]
			if k < 0 {
				continue
			}
			f := v[k*nFields : (k+1)*nFields]
			off := false
			for j := range nFields {
				if !r.has[j] {
					continue
				}
				d := absDiff(r.v[j], f[j])
				if d > uint64(tol) {
					off = true
				}
				s.abs = satAdd(s.abs, d)
			}
			if off {
				s.off++
			}
		}
		scores[ci] = s
	}
	slices.SortStableFunc(scores, func(a, b score) int {
		return cmp.Or(cmp.Compare(a.off, b.off), cmp.Compare(a.abs, b.abs), cmp.Compare(a.idx, b.idx))
	})
	best := scores[0].idx
	bv := vals[best*p.n*nFields : (best+1)*p.n*nFields]

	out := &Reconciliation{
		Currency: p.currency, Eligible: eligible, Conventions: combos[best].c, Own: own, Tolerance: tol,
		RowsChecked: len(rows), RowsOff: scores[0].off,
		Columns:      []string{},
		Alternatives: make([]Alternative, 0, len(scores)-1),
		Differences:  []Difference{},
	}
	for j, g := range given {
		if g {
			out.Columns = append(out.Columns, ReconcileFields[j])
		}
	}
	for _, s := range scores[1:] {
		v := vals[s.idx*p.n*nFields : (s.idx+1)*p.n*nFields]
		out.Alternatives = append(out.Alternatives, Alternative{
			Conventions: combos[s.idx].c, RowsOff: s.off,
			Equivalent: sameCells(rows, ours, bv, v),
		})
	}

	// Our schedule under the chosen conventions, for the answer.
	q := *p
	cb := combos[best]
	q.dc, q.rule.BaseFixing, q.conv = cb.dc, cb.fixing, cb.conv
	res = Result{Schedule: q.schedule(nil), Eligible: eligible}
	if q.canceled != nil {
		return nil, q.canceled
	}
	q.applyCap(&res)
	q.payOut(&res)
	out.Schedule = res.Schedule

	// Differences, by date: both sides' rows in one walk.
	ex := explainer{p: p, eligible: eligible, combos: combos, vals: vals, best: best, tol: tol, rows: rows, ours: ours, sched: res.Schedule}
	ex.capCut = make(map[int]bool)
	for _, per := range res.Schedule {
		if per.SubsidyPaid < per.Subsidy {
			ex.capCut[p.payYear[per.N]] = true
		}
	}
	bi := make([]int, len(rows)) // bank rows by date
	for i := range bi {
		bi[i] = i
	}
	slices.SortFunc(bi, func(a, b int) int { return cmp.Compare(rows[a].date, rows[b].date) })
	k, i := 0, 0
	for k < p.n || i < len(bi) {
		switch {
		case i == len(bi) || (k < p.n && p.dates[k+1] < rows[bi[i]].date):
			if bankOf[k] < 0 {
				o := bv[k*nFields+1] + bv[k*nFields+2] // the payment the bank leaves out
				out.Differences = append(out.Differences, Difference{N: k + 1, Date: p.dates[k+1], Field: "row", Ours: &o, Cause: "missing_row"})
			}
			k++
		case k == p.n || rows[bi[i]].date < p.dates[k+1]:
			out.Differences = append(out.Differences, Difference{BankRow: bi[i] + 1, Date: rows[bi[i]].date, Field: "row", Cause: "extra_row"})
			i++
		default: // the same date
			r := rows[bi[i]]
			f := bv[k*nFields : (k+1)*nFields]
			off := false
			for j := range nFields {
				if !r.has[j] || absDiff(r.v[j], f[j]) <= uint64(tol) {
					continue
				}
				off = true
				b, o, d := r.v[j], f[j], r.v[j]-f[j]
				out.Differences = append(out.Differences, Difference{
					N: k + 1, BankRow: bi[i] + 1, Date: r.date, Field: ReconcileFields[j],
					Bank: &b, Ours: &o, Difference: &d, Cause: ex.cause(bi[i], k, j),
				})
			}
			if !off {
				out.RowsMatching++
			}
			if r.has[0] && absDiff(r.v[0], f[0]) > uint64(tol) || r.has[1] && absDiff(r.v[1], f[1]) > uint64(tol) {
				ex.balanceOff = true
			}
			k++
			i++
		}
	}
	return out, nil
}

// reconCombos lists the combinations to try, the loan's own first, then
// by the number of conventions that differ from it, then in the order of
// the value lists. Without a policy rate in the rule only the own fixing
// is tried.
func reconCombos(own Conventions, usesBase bool) []combo {
	fixings := []string{own.BaseFixing}
	if usesBase {
		fixings = []string{FixDaily, FixPeriodStart, FixPaymentDate}
	}
	var out []combo
	for _, dc := range reconDayCounts {
		for _, ab := range reconAccruals {
			for _, rd := range reconRoundings {
				for _, fx := range fixings {
					out = append(out, combo{
						dc: ourDayCount(dc), fixing: fx,
						conv: conventions{opening: ab == AccrualOpening, perRow: rd == RoundRow},
						c:    Conventions{DayCount: dc, AccrualBalance: ab, Rounding: rd, BaseFixing: fx},
					})
				}
			}
		}
	}
	dist := func(c Conventions) int {
		n := 0
		for _, d := range [...]bool{c.DayCount != own.DayCount, c.AccrualBalance != own.AccrualBalance, c.Rounding != own.Rounding, c.BaseFixing != own.BaseFixing} {
			if d {
				n++
			}
		}
		return n
	}
	slices.SortStableFunc(out, func(a, b combo) int { return cmp.Compare(dist(a.c), dist(b.c)) })
	return out
}

// explainer names the likely cause of a difference.
type explainer struct {
	p          *plan
	combos     []combo
	vals       []Money
	best       int
	tol        Money
	rows       []reconRow
	ours       []int
	sched      []Period
	capCut     map[int]bool
	eligible   bool
	balanceOff bool // an earlier row's balance or principal differs
}

// cause returns the likely cause of bank row i differing from our period
// index k in field j. The order: an ineligible loan (subsidy columns);
// a balance that already differs; one
// convention that, changed alone, gives the bank's figure; the cap, when
// it cut this period and the bank's figure lies between ours with and
// without it; a rate change or a drawdown inside the period; the cap, when
// it cut the year; unexplained. The causes that can be checked against the
// figure come before those that are only likely.
func (e *explainer) cause(i, k, j int) string {
	r := e.rows[i]
	if j >= 3 && !e.eligible { // our subsidy is 0 in every row
		return "ineligible"
	}
	if e.balanceOff || (j != 0 && r.has[0] && absDiff(r.v[0], e.vals[(e.best*e.p.n+k)*nFields]) > uint64(e.tol)) {
		return "balance"
	}
	b := e.combos[e.best].c
	for _, name := range []string{"day_count", "accrual_balance", "rounding", "base_fixing"} {
		for ci, cb := range e.combos {
			if ci == e.best || !onlyDiffers(b, cb.c, name) {
				continue
			}
			if absDiff(r.v[j], e.vals[(ci*e.p.n+k)*nFields+j]) <= uint64(e.tol) {
				return name
			}
		}
	}
	per := &e.sched[k]
	if j >= 3 && per.SubsidyPaid < per.Subsidy && e.capExplains(r.v[j], per, j) {
		return "cap"
	}
	start, end := per.Start, per.End
	for _, lr := range e.p.loanRates[1:] {
		if lr.date > start && lr.date < end {
			return "rate_change"
		}
	}
	if e.p.usesBase && j >= 3 {
		for _, s := range e.p.baseSegs[min(1, len(e.p.baseSegs)):] {
			if s.Start > start && s.Start < end {
				return "rate_change"
			}
		}
	}
	for _, d := range e.p.draws {
		if d.date > start && d.date < end {
			return "drawdown"
		}
	}
	if j >= 3 && e.capCut[e.p.payYear[per.N]] {
		return "cap"
	}
	return "unexplained"
}

// capExplains reports whether the bank's figure v of field j (subsidy or
// borrower interest) lies between ours after the annual cap and ours
// without it (within the tolerance), in a period the cap cut: a bank that
// ignores the cap, or applies it otherwise.
func (e *explainer) capExplains(v Money, per *Period, j int) bool {
	lo, hi := per.SubsidyPayable, per.Subsidy // the subsidy: after the cap, without it
	if j == 4 {
		lo, hi = per.Interest-per.Subsidy, per.Interest-per.SubsidyPayable
	}
	return v >= lo-e.tol && v <= hi+e.tol
}

// onlyDiffers reports whether a and b differ in the named convention and
// in no other.
func onlyDiffers(a, b Conventions, name string) bool {
	diff := [4]bool{a.DayCount != b.DayCount, a.AccrualBalance != b.AccrualBalance, a.Rounding != b.Rounding, a.BaseFixing != b.BaseFixing}
	want := slices.Index([]string{"day_count", "accrual_balance", "rounding", "base_fixing"}, name)
	for i, d := range diff {
		if d != (i == want) {
			return false
		}
	}
	return true
}

// sameCells reports whether two combinations' figures agree in every cell
// the bank gave.
func sameCells(rows []reconRow, ours []int, a, b []Money) bool {
	for i, r := range rows {
		k := ours[i]
		if k < 0 {
			continue
		}
		for j := range nFields {
			if r.has[j] && a[k*nFields+j] != b[k*nFields+j] {
				return false
			}
		}
	}
	return true
}

var minBankAmount = maxAmount.Neg()

// bankMoney converts a short decimal (at most two places, at most
// maxAmount in size) to Money without allocating; ok is false for any
// other, which the full validation then judges.
func bankMoney(d decimal.Decimal) (Money, bool) {
	e := d.Exponent()
	if e < -MinorDigits || e > 0 || d.NumDigits() > 17 {
		return 0, false
	}
	v := d.CoefficientInt64()
	for ; e > -MinorDigits; e-- {
		v *= 10
	}
	if v > maxBankMinor || v < -maxBankMinor {
		return 0, false
	}
	return Money(v), true
}

const maxBankMinor = 100_000_000_000_000_000 // maxAmount in minor units

func absDiff(a, b Money) uint64 {
	if a > b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}
