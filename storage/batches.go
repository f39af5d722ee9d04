package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// Batch job statuses as stored. A job is "receiving" while its upload is
// copied in: no replica runs it or shows it.
const (
	BatchReceiving = "receiving"
	BatchQueued    = "queued"
	BatchRunning   = "running"
	BatchDone      = "done"
	BatchFailed    = "failed"
	BatchCancelled = "cancelled"
)

// Kinds of a batch job's stored files.
const (
	ChunkInput  = "input"
	ChunkReport = "report"
)

// ChunkSize is the size of the chunks files are stored in: a reader or a
// writer holds one chunk in memory, never the whole file.
const ChunkSize = 1 << 20

// BatchJob is a batch job's row. Status, Attempts, Owner and LeaseUntil
// are the queue's; Data is the job as the batch package keeps it (JSON).
type BatchJob struct {
	ID         string
	Status     string
	Attempts   int
	Owner      string
	LeaseUntil time.Time // zero: no lease
	Version    int64
	Created    time.Time
	Finished   time.Time // zero: not finished
	Data       []byte
}

func parseStamp(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s.String)
	return t
}

func nullStamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return stamp(t)
}

// InsertBatchJob stores a new job (status BatchReceiving while its upload
// is copied in).
func (db *DB) InsertBatchJob(ctx context.Context, j *BatchJob) error {
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO batch_jobs
		(id, status, attempts, version, created_at, finished_at, job) VALUES (?, ?, ?, 0, ?, ?, ?)`),
		j.ID, j.Status, j.Attempts, stamp(j.Created), nullStamp(j.Finished), string(j.Data))
	if err != nil {
		return fmt.Errorf("storage: batch job: %w", err)
	}
	return nil
}

const batchColumns = `id, status, attempts, owner, lease_until, version, created_at, finished_at, job`

func scanBatchJob(row interface{ Scan(...any) error }) (*BatchJob, error) {
	var (
		j                        BatchJob
		owner, lease, fin, creat sql.NullString
		data                     string
	)
	if err := row.Scan(&j.ID, &j.Status, &j.Attempts, &owner, &lease, &j.Version, &creat, &fin, &data); err != nil {
		return nil, err
	}
	j.Owner, j.LeaseUntil, j.Created, j.Finished, j.Data = owner.String, parseStamp(lease), parseStamp(creat), parseStamp(fin), []byte(data)
	return &j, nil
}

// BatchJob returns the job with id, or ErrNotFound.
func (db *DB) BatchJob(ctx context.Context, id string) (*BatchJob, error) {
	j, err := scanBatchJob(db.sql.QueryRowContext(ctx, db.q(`SELECT `+batchColumns+` FROM batch_jobs WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("storage: batch job: %w", err)
	}
	return j, nil
}

// BatchJobVersion returns the version of the job with id (it changes at
// every change of the job), or ErrNotFound.
func (db *DB) BatchJobVersion(ctx context.Context, id string) (int64, error) {
	var v int64
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT version FROM batch_jobs WHERE id = ?`), id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return v, err
}

// CountBatchJobs counts the jobs in status.
func (db *DB) CountBatchJobs(ctx context.Context, status string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM batch_jobs WHERE status = ?`), status).Scan(&n)
	return n, err
}

// QueueBatchJob makes a received job (BatchReceiving) queued, with data.
func (db *DB) QueueBatchJob(ctx context.Context, id string, data []byte) error {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs SET status = ?, job = ?, version = version + 1
		WHERE id = ? AND status = ?`), BatchQueued, string(data), id, BatchReceiving)
	return affected(res, err)
}

func affected(res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("storage: batch job: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// ClaimBatchJob gives the oldest job that is queued, or running under a
// lease that ran out before now (its replica died), to owner until
// now+lease, counting an attempt. It returns nil when there is none. Two
// replicas never get the same job: the claim is a conditional UPDATE.
func (db *DB) ClaimBatchJob(ctx context.Context, owner string, now time.Time, lease time.Duration) (*BatchJob, error) {
	for range 5 {
		rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id FROM batch_jobs
			WHERE status = ? OR (status = ? AND (lease_until IS NULL OR lease_until < ?)) ORDER BY created_at, id LIMIT 8`),
			BatchQueued, BatchRunning, stamp(now))
		if err != nil {
			return nil, fmt.Errorf("storage: claiming a batch job: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, nil
		}
		for _, id := range ids {
			res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs
				SET status = ?, owner = ?, lease_until = ?, attempts = attempts + 1, version = version + 1
				WHERE id = ? AND (status = ? OR (status = ? AND (lease_until IS NULL OR lease_until < ?)))`),
				BatchRunning, owner, stamp(now.Add(lease)), id, BatchQueued, BatchRunning, stamp(now))
			if err := affected(res, err); errors.Is(err, ErrNotFound) {
				continue // another replica was quicker
			} else if err != nil {
				return nil, err
			}
			return db.BatchJob(ctx, id)
		}
	}
	return nil, nil
}

// RenewBatchLease extends owner's lease of a running job to until; false
// when owner no longer holds it.
func (db *DB) RenewBatchLease(ctx context.Context, id, owner string, until time.Time) (bool, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs SET lease_until = ?
		WHERE id = ? AND owner = ? AND status = ?`), stamp(until), id, owner, BatchRunning)
	return held(res, err)
}

func held(res sql.Result, err error) (bool, error) {
	err = affected(res, err)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SaveBatchJob writes the state of a job that owner runs: status (running,
// or finished: done or failed, which ends the lease), attempts, finished
// and data. It returns false, writing nothing, when owner no longer holds
// the job (its lease ran out and another replica took it up).
func (db *DB) SaveBatchJob(ctx context.Context, owner string, j *BatchJob) (bool, error) {
	if j.Status == BatchRunning {
		res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs SET attempts = ?, job = ?, version = version + 1
			WHERE id = ? AND owner = ? AND status = ?`), j.Attempts, string(j.Data), j.ID, owner, BatchRunning)
		return held(res, err)
	}
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs
		SET status = ?, attempts = ?, finished_at = ?, job = ?, owner = NULL, lease_until = NULL, version = version + 1
		WHERE id = ? AND owner = ? AND status = ?`),
		j.Status, j.Attempts, nullStamp(j.Finished), string(j.Data), j.ID, owner, BatchRunning)
	return held(res, err)
}

// ReleaseBatchJob puts a job owner runs back in the queue (the replica is
// stopping), with data, so that another replica (or the next start) runs
// it at once.
func (db *DB) ReleaseBatchJob(ctx context.Context, id, owner string, data []byte) (bool, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs
		SET status = ?, owner = NULL, lease_until = NULL, job = ?, version = version + 1
		WHERE id = ? AND owner = ? AND status = ?`), BatchQueued, string(data), id, owner, BatchRunning)
	return held(res, err)
}

// CancelBatchJob makes a queued or running job cancelled (finished at
// finished, with data), whichever replica runs it: that replica's next
// write finds the job no longer its own. False when the job is not queued
// or running.
func (db *DB) CancelBatchJob(ctx context.Context, id string, finished time.Time, data []byte) (bool, error) {
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE batch_jobs
		SET status = ?, finished_at = ?, job = ?, owner = NULL, lease_until = NULL, version = version + 1
		WHERE id = ? AND status IN (?, ?)`), BatchCancelled, stamp(finished), string(data), id, BatchQueued, BatchRunning)
	return held(res, err)
}

// BatchQueuePosition returns the place of a queued job in the queue (1:
// next to run), or 0 when it is not queued.
func (db *DB) BatchQueuePosition(ctx context.Context, id string) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM batch_jobs q, batch_jobs j
		WHERE j.id = ? AND j.status = ? AND q.status = ?
		AND (q.created_at < j.created_at OR (q.created_at = j.created_at AND q.id <= j.id))`),
		id, BatchQueued, BatchQueued).Scan(&n)
	return n, err
}

// StaleBatchJobs returns the ids of the jobs finished before finishedBefore
// and of uploads still being received since before receivedBefore (their
// replica died while copying).
func (db *DB) StaleBatchJobs(ctx context.Context, finishedBefore, receivedBefore time.Time) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id FROM batch_jobs
		WHERE (status IN (?, ?, ?) AND finished_at < ?) OR (status = ? AND created_at < ?)`),
		BatchDone, BatchFailed, BatchCancelled, stamp(finishedBefore), BatchReceiving, stamp(receivedBefore))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DeleteBatchJob removes a job and its files.
func (db *DB) DeleteBatchJob(ctx context.Context, id string) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM batch_chunks WHERE job_id = ?`), id); err != nil {
		return err
	}
	_, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM batch_jobs WHERE id = ?`), id)
	return err
}

// DeleteBatchChunks removes a job's file of kind.
func (db *DB) DeleteBatchChunks(ctx context.Context, id, kind string) error {
	_, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM batch_chunks WHERE job_id = ? AND kind = ?`), id, kind)
	return err
}

// ChunkWriter stores a file in chunks of ChunkSize as it is written; Close
// stores the last one. It holds one chunk in memory.
type ChunkWriter struct {
	db       *DB
	ctx      context.Context
	id, kind string
	seq      int
	buf      []byte
	err      error
}

// NewChunkWriter starts writing job id's file of kind (which must not
// exist yet).
func (db *DB) NewChunkWriter(ctx context.Context, id, kind string) *ChunkWriter {
	return &ChunkWriter{db: db, ctx: ctx, id: id, kind: kind, buf: make([]byte, 0, ChunkSize)}
}

// Write implements io.Writer.
func (w *ChunkWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		if w.err != nil {
			return n, w.err
		}
		k := min(len(b), ChunkSize-len(w.buf))
		w.buf = append(w.buf, b[:k]...)
		b, n = b[k:], n+k
		if len(w.buf) == ChunkSize {
			w.flush()
		}
	}
	return n, w.err
}

func (w *ChunkWriter) flush() {
	if w.err != nil || len(w.buf) == 0 {
		return
	}
	_, err := w.db.sql.ExecContext(w.ctx, w.db.q(`INSERT INTO batch_chunks (job_id, kind, seq, data) VALUES (?, ?, ?, ?)`),
		w.id, w.kind, w.seq, w.buf)
	if err != nil {
		w.err = fmt.Errorf("storage: writing a chunk: %w", err)
		return
	}
	w.seq++
	w.buf = w.buf[:0]
}

// Close stores what is left.
func (w *ChunkWriter) Close() error {
	w.flush()
	w.buf = nil
	return w.err
}

// ChunkReader reads a stored file chunk by chunk, in order.
type ChunkReader struct {
	db       *DB
	ctx      context.Context
	id, kind string
	seq, n   int
	size     int64
	buf      []byte
}

// NewChunkReader opens job id's file of kind; ErrNotFound when there is
// none.
func (db *DB) NewChunkReader(ctx context.Context, id, kind string) (*ChunkReader, error) {
	var (
		n    int
		size int64
	)
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM batch_chunks
		WHERE job_id = ? AND kind = ?`), id, kind).Scan(&n, &size)
	if err != nil {
		return nil, fmt.Errorf("storage: reading a file: %w", err)
	}
	if n == 0 {
		return nil, ErrNotFound
	}
	return &ChunkReader{db: db, ctx: ctx, id: id, kind: kind, n: n, size: size}, nil
}

// Size is the file's size in bytes.
func (r *ChunkReader) Size() int64 { return r.size }

// Read implements io.Reader.
func (r *ChunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.seq >= r.n {
			return 0, io.EOF
		}
		var b []byte
		err := r.db.sql.QueryRowContext(r.ctx, r.db.q(`SELECT data FROM batch_chunks WHERE job_id = ? AND kind = ? AND seq = ?`),
			r.id, r.kind, r.seq).Scan(&b)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("storage: chunk %d of %s's %s is missing: %w", r.seq, r.id, r.kind, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return 0, fmt.Errorf("storage: reading a chunk: %w", err)
		}
		r.buf = b
		r.seq++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Close releases the reader.
func (r *ChunkReader) Close() error {
	r.buf = nil
	r.seq = r.n
	return nil
}
