package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/shopspring/decimal"
)

// committedStatuses are the agreements whose payable plan is committed.
var committedStatuses = []string{"approved", "closed"}

// CommitmentYear is one year of a programme's envelope against what its
// agreements commit (SPEC §11), in the envelope's currency.
type CommitmentYear struct {
	Year     int    `json:"year"`
	Currency string `json:"currency"`
	// Envelope is the year's budget; nil when none is set (Left is then
	// nil too).
	Envelope *calc.Money `json:"envelope"`
	// Committed is the payable plan of approved and closed agreements.
	Committed calc.Money  `json:"committed"`
	Left      *calc.Money `json:"left"`
	// ClaimsFiled sums the claims not rejected; ClaimsPaid those paid.
	ClaimsFiled calc.Money `json:"claims_filed"`
	ClaimsPaid  calc.Money `json:"claims_paid"`
	// Agreements counts the committed agreements with a payment in the
	// year; Unconverted those left out because their currency differs from
	// the envelope's and no exchange rate into it is known.
	Agreements  int                 `json:"agreements"`
	Unconverted int                 `json:"unconverted"`
	Countries   []CountryCommitment `json:"countries"`
}

// CountryCommitment is a member state's contribution to the year's
// commitments (split by the budget's contribution shares) and what its
// enterprises receive.
type CountryCommitment struct {
	Country      string     `json:"country"`
	Contribution calc.Money `json:"contribution"`
	Benefit      calc.Money `json:"benefit"`
}

// Commitments sums a programme's committed plan, claims and benefits by
// year against its budgets. Everything is summed by the database from the
// figures stored with each agreement; nothing is recomputed per query.
func (db *DB) Commitments(ctx context.Context, programme string) ([]CommitmentYear, error) {
	budgets, err := db.Budgets(ctx, programme)
	if err != nil {
		return nil, err
	}
	years := map[int]*CommitmentYear{}
	get := func(y int) *CommitmentYear {
		if c, ok := years[y]; ok {
			return c
		}
		c := &CommitmentYear{Year: y, Countries: []CountryCommitment{}}
		years[y] = c
		return c
	}
	budgetOf := map[int]*Budget{}
	for i := range budgets {
		b := &budgets[i]
		budgetOf[b.Year] = b
		c := get(b.Year)
		c.Currency = b.Currency
		env := b.Amount
		c.Envelope = &env
	}
	// A year without a budget is summed in the currency of the programme's
	// cap (the envelope's in practice), or RUB for a programme without one.
	fallback := "RUB"
	if p, ok := calc.LookupProgramme(programme); ok && p.Cap != nil {
		fallback = p.Cap.Currency
	}
	yearCurrency := func(y int) string {
		if b := budgetOf[y]; b != nil {
			return b.Currency
		}
		return fallback
	}
	// into converts an amount in currency cur (with the year's fx into
	// fxCur) into the currency of year y; false when it cannot.
	into := func(y int, cur string, amt calc.Money, fx, fxCur string) (calc.Money, bool) {
		want := yearCurrency(y)
		if cur == want {
			return amt, true
		}
		if fx == "" || fxCur != want {
			return 0, false
		}
		rate, err := decimal.NewFromString(fx)
		if err != nil {
			return 0, false
		}
		return calc.Convert(amt, rate), true
	}

	in := "'" + committedStatuses[0] + "', '" + committedStatuses[1] + "'"
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT year, currency, fx_rate, fx_currency, SUM(amount), SUM(agreements)
		FROM commitment_totals
		WHERE programme = ? AND status IN (`+in+`) AND country = '' AND agreements <> 0
		GROUP BY year, currency, fx_rate, fx_currency`), programme)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	for rows.Next() {
		var y, n int
		var cur, fx, fxCur string
		var sum int64
		if err := rows.Scan(&y, &cur, &fx, &fxCur, &sum, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: %w", err)
		}
		c := get(y)
		c.Currency = yearCurrency(y)
		if m, ok := into(y, cur, calc.Money(sum), fx, fxCur); ok {
			c.Committed += m
			c.Agreements += n
		} else {
			c.Unconverted += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}

	// What each country's enterprises receive, converted the same way.
	benefit := map[int]map[string]calc.Money{}
	rows, err = db.sql.QueryContext(ctx, db.q(`SELECT year, country, currency, fx_rate, fx_currency, SUM(amount)
		FROM commitment_totals
		WHERE programme = ? AND status IN (`+in+`) AND country <> ''
		GROUP BY year, country, currency, fx_rate, fx_currency`), programme)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	for rows.Next() {
		var y int
		var country, cur, fx, fxCur string
		var sum int64
		if err := rows.Scan(&y, &country, &cur, &fx, &fxCur, &sum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: %w", err)
		}
		if m, ok := into(y, cur, calc.Money(sum), fx, fxCur); ok {
			if benefit[y] == nil {
				benefit[y] = map[string]calc.Money{}
			}
			benefit[y][country] += m
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}

	// Claims by the year of their period's end.
	rows, err = db.sql.QueryContext(ctx, db.q(`SELECT c.year, a.currency, c.status, SUM(c.amount)
		FROM claims c JOIN agreements a ON a.id = c.agreement_id
		WHERE a.programme = ? AND c.status <> 'rejected'
		GROUP BY c.year, a.currency, c.status`), programme)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	for rows.Next() {
		var y int
		var cur, status string
		var sum int64
		if err := rows.Scan(&y, &cur, &status, &sum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("storage: %w", err)
		}
		c := get(y)
		c.Currency = yearCurrency(y)
		if c.Currency != cur {
			continue // claims are in the loan currency; only like is added
		}
		c.ClaimsFiled += calc.Money(sum)
		if status == "paid" {
			c.ClaimsPaid += calc.Money(sum)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}

	out := make([]CommitmentYear, 0, len(years))
	for _, c := range years {
		if c.Envelope != nil {
			left := *c.Envelope - c.Committed
			c.Left = &left
		}
		// Contributions split the committed amount by the budget's shares.
		var contrib []calc.Money
		var shares []calc.CountryShare
		if b := budgetOf[c.Year]; b != nil && len(b.Contributions) > 0 {
			shares = b.Contributions
			w := make([]decimal.Decimal, len(shares))
			for i, s := range shares {
				w[i] = s.Share
			}
			contrib = calc.SplitLargestRemainder(c.Committed, w)
		}
		for _, country := range calc.MemberStates {
			cc := CountryCommitment{Country: country, Benefit: benefit[c.Year][country]}
			if i := slices.IndexFunc(shares, func(s calc.CountryShare) bool { return s.Country == country }); i >= 0 {
				cc.Contribution = contrib[i]
			}
			if cc.Contribution != 0 || cc.Benefit != 0 || slices.ContainsFunc(shares, func(s calc.CountryShare) bool { return s.Country == country }) {
				c.Countries = append(c.Countries, cc)
			}
		}
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b CommitmentYear) int { return a.Year - b.Year })
	return out, nil
}
