-- Batch jobs, shared by every replica: the job (its status and lease as
-- columns, the rest as the JSON the API shows), its upload and its report
-- in chunks of about 1 MiB. The same SQL runs on SQLite and PostgreSQL
-- (BYTEA is a blob column to SQLite too).

-- +goose Up
CREATE TABLE batch_jobs (
    id          TEXT    PRIMARY KEY,
    -- receiving (upload being copied in), queued, running, done, failed
    status      TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    -- The replica running the job and until when it holds it: a job whose
    -- lease ran out is taken up by another replica.
    owner       TEXT,
    lease_until TEXT,
    -- Bumped at every change, so a watcher can tell that something changed.
    version     BIGINT  NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    finished_at TEXT,
    job         TEXT    NOT NULL
);
CREATE INDEX batch_jobs_status ON batch_jobs (status, created_at);

CREATE TABLE batch_chunks (
    job_id TEXT    NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
    -- input or report
    kind   TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    data   BYTEA   NOT NULL,
    PRIMARY KEY (job_id, kind, seq)
);

-- +goose Down
DROP TABLE batch_chunks;
DROP TABLE batch_jobs;
