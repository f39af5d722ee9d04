-- The registry (budgets, agreements, claims), access tokens and the audit
-- log. The same SQL runs on SQLite and PostgreSQL: text ids and ISO
-- timestamps, money as BIGINT minor units, JSON as TEXT.

-- +goose Up
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Sessions of the registry pages: a cookie holds the secret, the table
-- its hash, the token it acts for and the CSRF token of its forms.
CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    token_id   TEXT NOT NULL REFERENCES tokens (id),
    csrf       TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE budgets (
    programme     TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    amount        BIGINT  NOT NULL,
    currency      TEXT    NOT NULL,
    contributions TEXT    NOT NULL,
    rules_version TEXT    NOT NULL,
    rates_hash    TEXT    NOT NULL,
    input_hash    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (programme, year)
);

CREATE TABLE agreements (
    id              TEXT    PRIMARY KEY,
    number          TEXT    NOT NULL,
    date            TEXT    NOT NULL,
    bank            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    programme       TEXT    NOT NULL,
    currency        TEXT    NOT NULL,
    eligible        BOOLEAN NOT NULL,
    subsidy_payable BIGINT  NOT NULL,
    request         TEXT    NOT NULL,
    result          TEXT    NOT NULL,
    rules_version   TEXT    NOT NULL,
    rates_hash      TEXT    NOT NULL,
    input_hash      TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX agreements_programme_status ON agreements (programme, status);

-- The payable plan of each agreement by payment year, and by year and
-- country what the project's enterprises receive: commitments are summed
-- from here, never recomputed per query.
-- programme, status and currency repeat the agreement's so that sums by
-- year read one table (kept in step by SetAgreementStatus).
CREATE TABLE agreement_years (
    agreement_id TEXT    NOT NULL REFERENCES agreements (id),
    programme    TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    payable      BIGINT  NOT NULL,
    fx_rate      TEXT    NOT NULL,
    fx_currency  TEXT    NOT NULL,
    PRIMARY KEY (agreement_id, year)
);
CREATE INDEX agreement_years_programme ON agreement_years (programme, status);
CREATE TABLE agreement_benefits (
    agreement_id TEXT    NOT NULL REFERENCES agreements (id),
    programme    TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    fx_rate      TEXT    NOT NULL,
    fx_currency  TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    country      TEXT    NOT NULL,
    amount       BIGINT  NOT NULL,
    PRIMARY KEY (agreement_id, year, country)
);
CREATE INDEX agreement_benefits_programme ON agreement_benefits (programme, status);

-- Running sums of the two tables above by programme, status, year,
-- currency, exchange rate and country ('' for the plan itself), kept in the
-- same transaction as every change: commitments read a few rows whatever
-- the number of agreements.
CREATE TABLE commitment_totals (
    programme   TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    currency    TEXT    NOT NULL,
    fx_rate     TEXT    NOT NULL,
    fx_currency TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    amount      BIGINT  NOT NULL,
    agreements  BIGINT  NOT NULL,
    PRIMARY KEY (programme, status, year, currency, fx_rate, fx_currency, country)
);

CREATE TABLE claims (
    id            TEXT    PRIMARY KEY,
    agreement_id  TEXT    NOT NULL REFERENCES agreements (id),
    status        TEXT    NOT NULL,
    period_from   TEXT    NOT NULL,
    period_to     TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    amount        BIGINT  NOT NULL,
    request       TEXT    NOT NULL,
    rules_version TEXT    NOT NULL,
    rates_hash    TEXT    NOT NULL,
    input_hash    TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX claims_agreement ON claims (agreement_id);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE audit (
    id            TEXT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    rates_hash    TEXT NOT NULL,
    input_hash    TEXT NOT NULL,
    detail        TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at);

-- +goose Down
DROP TABLE audit;
DROP TABLE claims;
DROP TABLE commitment_totals;
DROP TABLE agreement_benefits;
DROP TABLE agreement_years;
DROP TABLE agreements;
DROP TABLE budgets;
DROP TABLE sessions;
DROP TABLE tokens;
