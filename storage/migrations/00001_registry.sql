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

CREATE TABLE budgets (
    programme     TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    amount        BIGINT  NOT NULL,
    currency      TEXT    NOT NULL,
    contributions TEXT    NOT NULL,
    rules_version TEXT    NOT NULL,
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
CREATE TABLE agreement_years (
    agreement_id TEXT    NOT NULL REFERENCES agreements (id),
    year         INTEGER NOT NULL,
    payable      BIGINT  NOT NULL,
    fx_rate      TEXT    NOT NULL,
    fx_currency  TEXT    NOT NULL,
    PRIMARY KEY (agreement_id, year)
);
CREATE TABLE agreement_benefits (
    agreement_id TEXT    NOT NULL REFERENCES agreements (id),
    year         INTEGER NOT NULL,
    country      TEXT    NOT NULL,
    amount       BIGINT  NOT NULL,
    PRIMARY KEY (agreement_id, year, country)
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
DROP TABLE agreement_benefits;
DROP TABLE agreement_years;
DROP TABLE agreements;
DROP TABLE budgets;
DROP TABLE tokens;
