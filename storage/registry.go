package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
)

// Statuses of an agreement and of a claim (SPEC §11).
var (
	AgreementStatuses = []string{"applied", "approved", "rejected", "closed"}
	ClaimStatuses     = []string{"filed", "approved", "paid", "rejected"}
)

// Stamp is what every stored record keeps: the rules version and the
// policy-rate record it was computed under, a hash of its canonical input,
// who stored it and when.
type Stamp struct {
	RulesVersion string `json:"rules_version"`
	RatesHash    string `json:"rates_hash"`
	InputHash    string `json:"input_hash"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// Budget is a programme's envelope for one calendar year and the member
// states' shares in funding it (percent, adding up to 100).
type Budget struct {
	Programme     string              `json:"programme"`
	Year          int                 `json:"year"`
	Amount        calc.Money          `json:"amount"`
	Currency      string              `json:"currency"`
	Contributions []calc.CountryShare `json:"contributions"`
	Stamp
}

// Agreement is an approved (or applied for) project: its calculation
// request and the result computed when it was stored.
type Agreement struct {
	ID             string          `json:"id"`
	Number         string          `json:"number"`
	Date           string          `json:"date"`
	Bank           string          `json:"bank"`
	Status         string          `json:"status"`
	Programme      string          `json:"programme"`
	Currency       string          `json:"currency"`
	Eligible       bool            `json:"eligible"`
	SubsidyPayable calc.Money      `json:"subsidy_payable"`
	Request        json.RawMessage `json:"request,omitempty"`
	Result         json.RawMessage `json:"result,omitempty"`
	UpdatedAt      string          `json:"updated_at"`
	Stamp
	// Years is the payable plan by payment year and Benefits what the
	// project's enterprises receive by year and country; both are derived
	// from Result when the agreement is stored.
	Years    []AgreementYear `json:"-"`
	Benefits []CountryYear   `json:"-"`
}

// AgreementYear is an agreement's payable subsidy in one payment year, in
// the loan currency, with the exchange rate used for that year's cap: FX
// units of FXCurrency for one unit of the loan currency ("" when none was
// needed).
type AgreementYear struct {
	Year       int
	Payable    calc.Money
	FX         string
	FXCurrency string
}

// CountryYear is an amount for one country in one year.
type CountryYear struct {
	Year    int
	Country string
	Amount  calc.Money
}

// Claim is a claim filed against an agreement for the days [From, To).
type Claim struct {
	ID          string     `json:"id"`
	AgreementID string     `json:"agreement_id"`
	Status      string     `json:"status"`
	From        string     `json:"from"`
	To          string     `json:"to"`
	Year        int        `json:"year"`
	Amount      calc.Money `json:"amount"`
	// Request is what was filed (the claim request or its periods).
	Request   json.RawMessage `json:"request,omitempty"`
	UpdatedAt string          `json:"updated_at"`
	Stamp
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID       string `json:"id"`
	At       string `json:"at"`
	Actor    string `json:"actor"`
	Action   string `json:"action"`
	Entity   string `json:"entity"`
	EntityID string `json:"entity_id"`
	Detail   string `json:"detail,omitempty"`
	Stamp
}

// PutBudget stores (or replaces) a budget and logs it.
func (db *DB) PutBudget(ctx context.Context, b *Budget) error {
	contrib, _ := json.Marshal(b.Contributions)
	b.CreatedAt = stamp(db.now())
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM budgets WHERE programme = ? AND year = ?`), b.Programme, b.Year); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO budgets (programme, year, amount, currency, contributions, rules_version, rates_hash, input_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			b.Programme, b.Year, int64(b.Amount), b.Currency, string(contrib), b.RulesVersion, b.RatesHash, b.InputHash, b.CreatedBy, b.CreatedAt); err != nil {
			return err
		}
		return db.audit(ctx, tx, "put", "budget", fmt.Sprintf("%s/%d", b.Programme, b.Year), b.Stamp,
			fmt.Sprintf("%s %s", b.Amount, b.Currency))
	})
}

// Budgets lists a programme's budgets by year.
func (db *DB) Budgets(ctx context.Context, programme string) ([]Budget, error) {
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT programme, year, amount, currency, contributions, rules_version, rates_hash, input_hash, created_by, created_at
		FROM budgets WHERE programme = ? ORDER BY year`), programme)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	defer rows.Close()
	out := []Budget{}
	for rows.Next() {
		var b Budget
		var amount int64
		var contrib string
		if err := rows.Scan(&b.Programme, &b.Year, &amount, &b.Currency, &contrib, &b.RulesVersion, &b.RatesHash, &b.InputHash, &b.CreatedBy, &b.CreatedAt); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
		b.Amount = calc.Money(amount)
		if err := json.Unmarshal([]byte(contrib), &b.Contributions); err != nil {
			return nil, fmt.Errorf("storage: budget %s/%d: %w", b.Programme, b.Year, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// CreateAgreement stores a new agreement with its yearly plan and logs it;
// it fills a.ID, a.CreatedAt and a.UpdatedAt.
func (db *DB) CreateAgreement(ctx context.Context, a *Agreement) error {
	a.ID = newID()
	a.CreatedAt = stamp(db.now())
	a.UpdatedAt = a.CreatedAt
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO agreements (id, number, date, bank, status, programme, currency, eligible, subsidy_payable,
			request, result, rules_version, rates_hash, input_hash, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			a.ID, a.Number, a.Date, a.Bank, a.Status, a.Programme, a.Currency, a.Eligible, int64(a.SubsidyPayable),
			string(a.Request), string(a.Result), a.RulesVersion, a.RatesHash, a.InputHash, a.CreatedBy, a.CreatedAt, a.UpdatedAt); err != nil {
			return err
		}
		fx := map[int]AgreementYear{}
		for _, y := range a.Years {
			fx[y.Year] = y
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO agreement_years (agreement_id, programme, status, currency, year, payable, fx_rate, fx_currency)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
				a.ID, a.Programme, a.Status, a.Currency, y.Year, int64(y.Payable), y.FX, y.FXCurrency); err != nil {
				return err
			}
		}
		for _, b := range a.Benefits {
			y := fx[b.Year]
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO agreement_benefits (agreement_id, programme, status, currency, fx_rate, fx_currency, year, country, amount)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				a.ID, a.Programme, a.Status, a.Currency, y.FX, y.FXCurrency, b.Year, b.Country, int64(b.Amount)); err != nil {
				return err
			}
		}
		if err := db.rollup(ctx, tx, a.ID, a.Status, 1); err != nil {
			return err
		}
		return db.audit(ctx, tx, "create", "agreement", a.ID, a.Stamp, a.Number+" "+a.Status)
	})
}

const agreementColumns = `id, number, date, bank, status, programme, currency, eligible, subsidy_payable,
	rules_version, rates_hash, input_hash, created_by, created_at, updated_at`

func scanAgreement(s interface{ Scan(...any) error }, a *Agreement, extra ...any) error {
	var payable int64
	dst := append([]any{&a.ID, &a.Number, &a.Date, &a.Bank, &a.Status, &a.Programme, &a.Currency, &a.Eligible, &payable,
		&a.RulesVersion, &a.RatesHash, &a.InputHash, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt}, extra...)
	if err := s.Scan(dst...); err != nil {
		return err
	}
	a.SubsidyPayable = calc.Money(payable)
	return nil
}

// Agreements lists agreements, newest first, filtered by programme and
// status when they are not empty; the list leaves out requests and results.
func (db *DB) Agreements(ctx context.Context, programme, status string) ([]Agreement, error) {
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT `+agreementColumns+` FROM agreements
		WHERE (? = '' OR programme = ?) AND (? = '' OR status = ?) ORDER BY created_at DESC, id`),
		programme, programme, status, status)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	defer rows.Close()
	out := []Agreement{}
	for rows.Next() {
		var a Agreement
		if err := scanAgreement(rows, &a); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Agreement returns one agreement with its request and result, or
// [ErrNotFound].
func (db *DB) Agreement(ctx context.Context, id string) (Agreement, error) {
	var a Agreement
	var req, res string
	err := scanAgreement(db.sql.QueryRowContext(ctx, db.q(`SELECT `+agreementColumns+`, request, result FROM agreements WHERE id = ?`), id), &a, &req, &res)
	if errors.Is(err, sql.ErrNoRows) {
		return Agreement{}, ErrNotFound
	}
	if err != nil {
		return Agreement{}, fmt.Errorf("storage: %w", err)
	}
	a.Request, a.Result = json.RawMessage(req), json.RawMessage(res)
	return a, nil
}

// SetAgreementStatus changes an agreement's status and logs who did it.
func (db *DB) SetAgreementStatus(ctx context.Context, id, status, actor string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		// The row is locked by an update before its old status is read,
		// so two changes at once on PostgreSQL (read committed) cannot both
		// take the same old status out of the running sums; SQLite's
		// write transactions are serial already.
		r, err := tx.ExecContext(ctx, db.q(`UPDATE agreements SET updated_at = ? WHERE id = ?`), stamp(db.now()), id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		var old string
		if err := tx.QueryRowContext(ctx, db.q(`SELECT status FROM agreements WHERE id = ?`), id).Scan(&old); err != nil {
			return err
		}
		if old == status {
			return db.audit(ctx, tx, "status", "agreement", id, Stamp{CreatedBy: actor}, status+" (unchanged)")
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE agreements SET status = ? WHERE id = ?`), status, id); err != nil {
			return err
		}
		if err := db.rollup(ctx, tx, id, old, -1); err != nil {
			return err
		}
		if err := db.rollup(ctx, tx, id, status, 1); err != nil {
			return err
		}
		for _, t := range []string{"agreement_years", "agreement_benefits"} { // keep the copies in step
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE `+t+` SET status = ? WHERE agreement_id = ?`), status, id); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, "status", "agreement", id, Stamp{CreatedBy: actor}, status)
	})
}

// CreateClaim stores a claim against an existing agreement and logs it.
func (db *DB) CreateClaim(ctx context.Context, c *Claim) error {
	c.ID = newID()
	c.CreatedAt = stamp(db.now())
	c.UpdatedAt = c.CreatedAt
	return db.tx(ctx, func(tx *sql.Tx) error {
		var one int
		err := tx.QueryRowContext(ctx, db.q(`SELECT 1 FROM agreements WHERE id = ?`), c.AgreementID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO claims (id, agreement_id, status, period_from, period_to, year, amount, request,
			rules_version, rates_hash, input_hash, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.AgreementID, c.Status, c.From, c.To, c.Year, int64(c.Amount), string(c.Request),
			c.RulesVersion, c.RatesHash, c.InputHash, c.CreatedBy, c.CreatedAt, c.UpdatedAt); err != nil {
			return err
		}
		return db.audit(ctx, tx, "create", "claim", c.ID, c.Stamp, fmt.Sprintf("agreement %s: %s %s–%s", c.AgreementID, c.Amount, c.From, c.To))
	})
}

// Claims lists an agreement's claims by period.
func (db *DB) Claims(ctx context.Context, agreementID string) ([]Claim, error) {
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id, agreement_id, status, period_from, period_to, year, amount,
		rules_version, rates_hash, input_hash, created_by, created_at, updated_at
		FROM claims WHERE agreement_id = ? ORDER BY period_from, created_at`), agreementID)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	defer rows.Close()
	out := []Claim{}
	for rows.Next() {
		var c Claim
		var amount int64
		if err := rows.Scan(&c.ID, &c.AgreementID, &c.Status, &c.From, &c.To, &c.Year, &amount,
			&c.RulesVersion, &c.RatesHash, &c.InputHash, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
		c.Amount = calc.Money(amount)
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetClaimStatus changes the status of an agreement's claim and logs it.
func (db *DB) SetClaimStatus(ctx context.Context, agreementID, id, status, actor string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, db.q(`UPDATE claims SET status = ?, updated_at = ? WHERE id = ? AND agreement_id = ?`),
			status, stamp(db.now()), id, agreementID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return db.audit(ctx, tx, "status", "claim", id, Stamp{CreatedBy: actor}, status)
	})
}

// Audit lists the audit log from since (the zero time: from the
// beginning), oldest first, at most limit entries.
func (db *DB) Audit(ctx context.Context, since time.Time, limit int) ([]AuditEntry, error) {
	from := ""
	if !since.IsZero() {
		from = stamp(since)
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id, at, actor, action, entity, entity_id, rules_version, rates_hash, input_hash, detail
		FROM audit WHERE at >= ? ORDER BY at, id LIMIT ?`), from, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.RulesVersion, &e.RatesHash, &e.InputHash, &e.Detail); err != nil {
			return nil, fmt.Errorf("storage: %w", err)
		}
		e.CreatedBy, e.CreatedAt = e.Actor, e.At
		out = append(out, e)
	}
	return out, rows.Err()
}

// rollup adds (sign 1) or takes away (sign −1) an agreement's plan and
// benefits to or from the running sums of status.
func (db *DB) rollup(ctx context.Context, tx *sql.Tx, id, status string, sign int) error {
	const upsert = ` ON CONFLICT (programme, status, year, currency, fx_rate, fx_currency, country)
		DO UPDATE SET amount = commitment_totals.amount + excluded.amount, agreements = commitment_totals.agreements + excluded.agreements`
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO commitment_totals (programme, status, year, currency, fx_rate, fx_currency, country, amount, agreements)
		SELECT programme, ?, year, currency, fx_rate, fx_currency, '', ? * payable, ? * (CASE WHEN payable <> 0 THEN 1 ELSE 0 END)
		FROM agreement_years WHERE agreement_id = ?`+upsert), status, sign, sign, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO commitment_totals (programme, status, year, currency, fx_rate, fx_currency, country, amount, agreements)
		SELECT programme, ?, year, currency, fx_rate, fx_currency, country, ? * amount, 0
		FROM agreement_benefits WHERE agreement_id = ?`+upsert), status, sign, id)
	return err
}

// audit appends a line to the audit log inside tx.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, action, entity, id string, s Stamp, detail string) error {
	at := stamp(db.now())
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO audit (id, at, actor, action, entity, entity_id, rules_version, rates_hash, input_hash, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		at+"-"+newID()[:8], at, s.CreatedBy, action, entity, id, s.RulesVersion, s.RatesHash, s.InputHash, detail)
	return err
}

// tx runs f in a transaction, committed when f returns nil.
func (db *DB) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		if errors.Is(err, ErrNotFound) {
			return err
		}
		return fmt.Errorf("storage: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	return nil
}
