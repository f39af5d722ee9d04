package batch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/storage"
)

// Statuses of a job.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
	// StatusCancelled: stopped by Cancel; it has no report.
	StatusCancelled = "cancelled"
)

// Errors of the Manager.
var (
	// ErrNotFound: no job has this id (never had, or it expired).
	ErrNotFound = errors.New("batch: no such job")
	// ErrBusy: the queue is full; retry later.
	ErrBusy = errors.New("batch: too many jobs waiting")
	// ErrChecksBusy: too many uploads are being checked at once; retry
	// shortly. It is an ErrBusy.
	ErrChecksBusy = fmt.Errorf("%w: too many uploads being checked", ErrBusy)
	// ErrTooLarge: the upload is larger than ReadOptions.MaxBytes.
	ErrTooLarge = errors.New("batch: upload too large")
	// ErrNotReady: the job has no report (not finished, or failed).
	ErrNotReady = errors.New("batch: report not ready")
	// ErrClosed: the manager is shut down.
	ErrClosed = errors.New("batch: manager closed")
	// ErrFinished: the job is finished and can no longer be cancelled.
	ErrFinished = errors.New("batch: job already finished")
	// ErrLocked: another manager (in this or another process) has the
	// data directory (its temporary files).
	ErrLocked = errors.New("batch: data directory in use by another process")
)

// Message is a text in both languages: the project's one [calc.Text]. Job
// files and rows store it as {"ru": …, "en": …}.
type Message = calc.Text

// Params are the options of an upload (API.md: programme, annual_budget,
// allocation; and schedules, lang).
type Params struct {
	// Programme is the programme of rows that name none.
	Programme string `json:"programme,omitempty"`
	// AnnualBudget is the budget of each year as given ("5000000000 RUB");
	// empty: no allocation.
	AnnualBudget string `json:"annual_budget,omitempty"`
	// Allocation is calc.ProRata (default) or calc.FirstCome; without a
	// budget it has no effect.
	Allocation string `json:"allocation,omitempty"`
	// Schedules adds every loan's schedule to the report.
	Schedules bool `json:"schedules,omitempty"`
	// Lang of the report: "ru" or "en".
	Lang string `json:"lang"`
	// Filename is the uploaded file's name, shown in the report.
	Filename string `json:"filename,omitempty"`
	// Scenarios names built-in policy-rate scenarios, comma-separated
	// ("low,base,high"; see ParseScenarios); empty: none.
	Scenarios string `json:"scenarios,omitempty"`
}

// Check validates p and returns the budget it gives (nil: none). Problems
// come back as a *calc.Error of kind Invalid naming the form fields.
func (p *Params) Check() (*Budget, error) {
	var fields []calc.FieldError
	p.Lang = report.Lang(p.Lang)
	p.Programme = strings.TrimSpace(p.Programme)
	if p.Programme != "" {
		if _, ok := calc.LookupProgramme(p.Programme); !ok {
			fields = append(fields, calc.FieldError{Field: "programme",
				Text: calc.Text{
					Ru: "неизвестная программа; допустимы: " + strings.Join(calc.ProgrammeIDs(), ", "),
					En: "unknown programme; allowed: " + strings.Join(calc.ProgrammeIDs(), ", "),
				}})
		}
	}
	p.Allocation = strings.TrimSpace(p.Allocation)
	if p.Allocation != "" && p.Allocation != calc.ProRata && p.Allocation != calc.FirstCome {
		fields = append(fields, calc.FieldError{Field: "allocation",
			Text: calc.Text{Ru: "допустимы: pro_rata, first_come", En: "allowed: pro_rata, first_come"}})
	}
	if names, fe := ParseScenarios(p.Scenarios); fe != nil {
		fields = append(fields, *fe)
	} else {
		p.Scenarios = strings.Join(names, ",")
	}
	var budget *Budget
	if strings.TrimSpace(p.AnnualBudget) != "" {
		b, err := ParseBudget(p.AnnualBudget, p.Lang, BudgetCurrency(p.Programme))
		var ce *calc.Error
		if errors.As(err, &ce) {
			fields = append(fields, ce.Fields...)
		}
		budget = b
	}
	if len(fields) > 0 {
		return nil, &calc.Error{Kind: calc.Invalid, Fields: fields, Detail: "invalid batch options"}
	}
	p.Filename = cleanName(p.Filename)
	return budget, nil
}

// cleanName keeps the base name of an uploaded file, without control
// characters, at most 200 bytes.
func cleanName(s string) string {
	s = filepath.Base(strings.ReplaceAll(s, `\`, "/"))
	if s == "." || s == "/" {
		return ""
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// Job is a batch job as stored in the database and shown by the API.
type Job struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// Rows: Total is an estimate until the job is done, then exactly Done
	// (computed) + Failed (rejected).
	Rows     Progress   `json:"rows"`
	Params   Params     `json:"params"`
	Created  time.Time  `json:"created_at"`
	Started  *time.Time `json:"started_at,omitempty"`
	Finished *time.Time `json:"finished_at,omitempty"`
	// Attempts counts the starts of the job (a restart runs it again).
	Attempts int `json:"attempts"`
	// Error says why a failed job failed.
	Error *Message `json:"error,omitempty"`
	// Outcome sums up a done job.
	Outcome *Outcome `json:"outcome,omitempty"`
}

// IsFinished reports whether the job is done or failed.
func (j *Job) IsFinished() bool {
	return j.Status == StatusDone || j.Status == StatusFailed || j.Status == StatusCancelled
}

// Options configure a [Manager]; a zero field takes its default.
type Options struct {
	// DB keeps the jobs, their uploads and reports, shared by every
	// replica (default: SQLite in Dir, owned and closed by the manager).
	DB *storage.DB
	// Dir is the data directory: only temporary files live there (uploads
	// being received, a job's input and report while it runs). Default:
	// the user's cache directory, subsidy/batches, else the temp dir.
	Dir string
	// Workers is the number of jobs run at once (default 1); Parallel the
	// calculations at once within a job (default the number of CPUs).
	Workers  int
	Parallel int
	// Queue is the most jobs waiting to run (default 100), counted over
	// every replica; more get ErrBusy.
	Queue int
	// TTL is how long a finished job is kept (default 24 h).
	TTL time.Duration
	// MaxAttempts is how often a job is started before a job that keeps
	// stopping the process is failed (default 3).
	MaxAttempts int
	// Lease is how long a replica holds a running job without renewing it
	// (it renews every Lease/3): a job whose replica died is taken up by
	// another one after at most Lease (default 30 s).
	Lease time.Duration
	// Poll is how often idle workers look for jobs queued by other
	// replicas, and watchers of a job run elsewhere read its progress
	// (default 250 ms).
	Poll time.Duration
	// Read bounds the uploads (bytes, rows, unzip limits). Its TempDir is
	// always the data directory's own tmp folder.
	Read report.ReadOptions
	// Checks is the number of uploads whose header is checked at once
	// (default 2); an upload that finds them busy waits up to CheckWait
	// (default 2 s), then gets ErrBusy. Checking opens the workbook, which
	// costs memory: this bounds it however many clients upload at once.
	Checks    int
	CheckWait time.Duration
	// MinFree is the free space, bytes, the data directory keeps: below it
	// uploads are refused with ErrDiskFull, jobs fail early ("disk full")
	// and Ready reports the manager not ready (default DefaultMinFree).
	MinFree int64
	// Disk is the file system (default OSDisk); tests fake a full disk.
	Disk Disk
	// Calculate computes a row (default calc.Calculate with the built-in
	// rate book).
	Calculate CalculateFunc
	// Logger gets the jobs' lifecycle and internal errors (default
	// slog.Default()).
	Logger *slog.Logger
}

// DefaultDir is the data directory used when Options.Dir is empty.
func DefaultDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "subsidy", "batches")
	}
	return filepath.Join(os.TempDir(), "subsidy-batches")
}

// Manager keeps batch jobs in the database and runs them on a bounded pool
// of workers. Several managers (replicas) can share one database: any of
// them accepts uploads, runs queued jobs, shows a job's progress and
// serves its report. It is safe for concurrent use.
type Manager struct {
	opt   Options
	log   *slog.Logger
	db    *storage.DB
	ownDB bool
	owner string // this manager's name in the jobs' leases

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[string]*entry // the jobs this manager runs
	wake    chan struct{}
	closed  bool
	killed  bool // tests: stop as a killed process would, releasing nothing
	lock    *os.File
	checks  chan struct{} // header checks in progress, see Options.Checks
}

// lockDir takes an exclusive lock on dir/.lock, so that two managers never
// share (and clean) one temporary directory. The lock goes with the
// process.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("batch: data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
		}
		return nil, fmt.Errorf("batch: locking %s: %w", dir, err)
	}
	return f, nil
}

// entry is a job this manager runs; changed is closed (and replaced) at
// every change.
type entry struct {
	job     Job
	changed chan struct{}
	saved   time.Time
	// cancel stops the job (Cancel).
	cancel context.CancelFunc
}

// Open opens (creating it) the data directory and the database, and starts
// the workers, which run queued jobs, jobs released by a replica that
// stopped and jobs whose replica died (lease ran out), and the expiry of
// finished jobs.
func Open(opt Options) (*Manager, error) {
	if opt.Dir == "" {
		opt.Dir = DefaultDir()
	}
	if opt.Workers <= 0 {
		opt.Workers = 1
	}
	if opt.Parallel <= 0 {
		opt.Parallel = runtime.GOMAXPROCS(0)
	}
	if opt.Queue <= 0 {
		opt.Queue = 100
	}
	if opt.TTL <= 0 {
		opt.TTL = 24 * time.Hour
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 3
	}
	if opt.Lease <= 0 {
		opt.Lease = 30 * time.Second
	}
	if opt.Poll <= 0 {
		opt.Poll = 250 * time.Millisecond
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Checks <= 0 {
		opt.Checks = 2
	}
	if opt.CheckWait <= 0 {
		opt.CheckWait = 2 * time.Second
	}
	if opt.MinFree <= 0 {
		opt.MinFree = DefaultMinFree
	}
	if opt.Disk == nil {
		opt.Disk = OSDisk{}
	}
	opt.Read.TempDir = filepath.Join(opt.Dir, "tmp")
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("batch: data directory: %w", err)
	}
	lock, err := lockDir(opt.Dir)
	if err != nil {
		return nil, err
	}
	owner, err := newID()
	if err != nil {
		lock.Close()
		return nil, err
	}
	db, ownDB := opt.DB, false
	if db == nil {
		db, err = storage.Open(context.Background(), "", opt.Dir)
		if err != nil {
			lock.Close()
			return nil, fmt.Errorf("batch: %w", err)
		}
		ownDB = true
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{opt: opt, log: opt.Logger, db: db, ownDB: ownDB, owner: owner, ctx: ctx, cancel: cancel, lock: lock,
		running: map[string]*entry{}, wake: make(chan struct{}, 1), checks: make(chan struct{}, opt.Checks)}
	if err := m.cleanTemp(); err != nil {
		cancel()
		lock.Close()
		if ownDB {
			db.Close()
		}
		return nil, err
	}
	for range opt.Workers {
		m.wg.Go(m.worker)
	}
	m.wg.Go(m.janitor)
	return m, nil
}

// Dir returns the data directory.
func (m *Manager) Dir() string { return m.opt.Dir }

func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// newID returns a random 128-bit id, in hex.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// validID reports whether id has the form of a job id (32 lower-case hex
// digits).
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// dbctx bounds one database call. Writes that must happen while the
// manager closes (releasing a job) do not use m.ctx.
func dbctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// Submit saves the upload (streamed to a temporary file, then into the
// database), checks that it is a batch input with the required columns,
// and queues the job. It returns the queued job; a file that is not a
// usable batch input gives a *report.InputError, invalid params a
// *calc.Error, a full queue or too many uploads being checked ErrBusy, a
// file over the byte limit ErrTooLarge, a full disk ErrDiskFull. Nothing
// is kept of a refused upload.
func (m *Manager) Submit(src io.Reader, p Params) (*Job, error) {
	if _, err := p.Check(); err != nil {
		return nil, err
	}
	u, err := m.NewUpload()
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(u, src); err != nil {
		u.Abort()
		return nil, err
	}
	return m.SubmitUpload(u, p)
}

// SubmitUpload queues the job of a received upload, as [Manager.Submit]
// does; the upload is consumed either way.
func (m *Manager) SubmitUpload(u *Upload, p Params) (*Job, error) {
	defer u.Abort() // the temporary file goes either way
	if _, err := p.Check(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	ctx, cancel := dbctx()
	defer cancel()
	queued, err := m.db.CountBatchJobs(ctx, StatusQueued)
	if err != nil {
		return nil, err
	}
	if queued >= m.opt.Queue {
		return nil, ErrBusy
	}
	if err := u.finish(); err != nil {
		return nil, err
	}
	// The header is read now, so that a file that is no batch input is
	// refused at once rather than as a failed job; a few at a time, as
	// opening a workbook costs memory.
	t := time.NewTimer(m.opt.CheckWait)
	select {
	case m.checks <- struct{}{}:
		t.Stop()
	case <-t.C:
		return nil, ErrChecksBusy
	}
	ro := m.readOptions()
	ro.Programme = p.Programme
	r, err := report.OpenLoans(u.path, ro)
	<-m.checks
	if err != nil {
		return nil, err
	}
	est := r.Estimate()
	r.Close()
	id, err := newID()
	if err != nil {
		return nil, err
	}
	j := Job{ID: id, Status: StatusQueued, Params: p, Created: time.Now().UTC(), Rows: Progress{Total: est}}
	data, err := json.Marshal(&j)
	if err != nil {
		return nil, err
	}
	if err := m.db.InsertBatchJob(ctx, &storage.BatchJob{ID: id, Status: storage.BatchReceiving, Created: j.Created, Data: data}); err != nil {
		return nil, dbFull(err)
	}
	ok := false
	defer func() {
		if !ok {
			dctx, cancel := dbctx()
			_ = m.db.DeleteBatchJob(dctx, id)
			cancel()
		}
	}()
	// Copying in takes a fraction of a second a MiB; a database that
	// answers at all is not given up on for ten minutes.
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Minute)
	err = m.storeFile(sctx, id, storage.ChunkInput, u.path)
	scancel()
	if err != nil {
		return nil, dbFull(err)
	}
	if err := m.db.QueueBatchJob(ctx, id, data); err != nil {
		return nil, err
	}
	ok = true
	m.signal()
	m.log.Info("batch: job queued", "id", id, "file", p.Filename, "rows", est)
	return &j, nil
}

// dbFull marks a database write that failed for want of space (SQLite in
// the data directory) as ErrDiskFull.
func dbFull(err error) error {
	if err != nil && (isDiskFull(err) || strings.Contains(err.Error(), "disk is full")) {
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return err
}

// storeFile copies the local file path into the database as job id's file
// of kind, chunk by chunk.
func (m *Manager) storeFile(ctx context.Context, id, kind, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := m.db.NewChunkWriter(ctx, id, kind)
	_, err = io.Copy(w, f)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// MaxRows is the most loans an upload may hold (Options.Read.MaxRows, by
// default report.DefaultMaxRows), for the upload form to show.
func (m *Manager) MaxRows() int {
	if m.opt.Read.MaxRows > 0 {
		return m.opt.Read.MaxRows
	}
	return report.DefaultMaxRows
}

func (m *Manager) readOptions() report.ReadOptions {
	ro := m.opt.Read
	if ro.MaxBytes <= 0 {
		ro.MaxBytes = report.DefaultMaxBytes
	}
	return ro
}

// load reads a job from the database, with its version.
func (m *Manager) load(ctx context.Context, id string) (*Job, int64, error) {
	rec, err := m.db.BatchJob(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || err == nil && rec.Status == storage.BatchReceiving {
		return nil, 0, ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	j, err := decode(rec)
	return j, rec.Version, err
}

// decode is the job of a row: the JSON, with the queue's columns.
func decode(rec *storage.BatchJob) (*Job, error) {
	var j Job
	if err := json.Unmarshal(rec.Data, &j); err != nil {
		return nil, fmt.Errorf("batch: job %s unreadable: %w", rec.ID, err)
	}
	j.ID, j.Status, j.Attempts = rec.ID, rec.Status, rec.Attempts
	return &j, nil
}

// Get returns a copy of the job with id.
func (m *Manager) Get(id string) (*Job, error) {
	j, _, err := m.Watch(id)
	return j, err
}

// Watch returns a copy of the job and a channel that is closed at its next
// change (progress, status). For a finished job the channel is nil. A job
// this manager runs is followed in memory; one run by another replica (or
// still queued) is read from the database every Options.Poll.
func (m *Manager) Watch(id string) (*Job, <-chan struct{}, error) {
	if !validID(id) {
		return nil, nil, ErrNotFound
	}
	m.mu.Lock()
	if en, ok := m.running[id]; ok {
		j := en.job
		ch := en.changed
		m.mu.Unlock()
		if j.IsFinished() {
			return &j, nil, nil
		}
		return &j, ch, nil
	}
	m.mu.Unlock()
	ctx, cancel := dbctx()
	defer cancel()
	j, ver, err := m.load(ctx, id)
	if err != nil || j.IsFinished() {
		return j, nil, err
	}
	ch := make(chan struct{})
	// The poller outlives the call: it keeps its own copy of id, which a
	// caller may have taken from a request buffer that is reused once the
	// request is answered (Fiber's c.Params is such a string).
	go m.poll(strings.Clone(id), ver, ch)
	return j, ch, nil
}

// poll closes ch when the job's version differs from ver, the job starts
// running here, the manager closes or a minute passed.
func (m *Manager) poll(id string, ver int64, ch chan struct{}) {
	defer close(ch)
	t := time.NewTicker(m.opt.Poll)
	defer t.Stop()
	end := time.Now().Add(time.Minute)
	for time.Now().Before(end) {
		select {
		case <-m.ctx.Done():
			return
		case <-t.C:
		}
		m.mu.Lock()
		_, here := m.running[id]
		m.mu.Unlock()
		if here {
			return
		}
		ctx, cancel := dbctx()
		v, err := m.db.BatchJobVersion(ctx, id)
		cancel()
		if err != nil || v != ver {
			return
		}
	}
}

// Wait blocks until the job is finished or ctx is done, and returns the
// job as it is then.
func (m *Manager) Wait(ctx context.Context, id string) (*Job, error) {
	for {
		j, ch, err := m.Watch(id)
		if err != nil || ch == nil {
			return j, err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return j, nil
		case <-m.ctx.Done():
			return j, nil
		}
	}
}

// ReportFile is a job's report read from the database chunk by chunk.
type ReportFile struct {
	*storage.ChunkReader
	finished time.Time
}

// ModTime is when the report was written (the job finished).
func (f *ReportFile) ModTime() time.Time { return f.finished }

// Report opens the report workbook of a done job, in the job's language.
func (m *Manager) Report(id string) (*ReportFile, error) { return m.ReportIn(id, "") }

// reportKind is the stored file of the report in lang of a job in jobLang:
// storage.ChunkReport in the job's own language ("" included).
func reportKind(jobLang, lang string) string {
	if lang == "" || report.Lang(lang) == report.Lang(jobLang) {
		return storage.ChunkReport
	}
	return storage.ChunkReport + "-" + report.Lang(lang)
}

// ReportIn opens the report workbook of a done job in lang ("ru" or "en";
// "" is the job's language). Jobs are reported in both languages; a job
// done before that has its own language only, which is then the answer.
func (m *Manager) ReportIn(id, lang string) (*ReportFile, error) {
	j, err := m.Get(id)
	if err != nil {
		return nil, err
	}
	if j.Status != StatusDone {
		return nil, ErrNotReady
	}
	fin := j.Created
	if j.Finished != nil {
		fin = *j.Finished
	}
	if kind := reportKind(j.Params.Lang, lang); kind != storage.ChunkReport {
		if r, err := m.db.NewChunkReader(context.Background(), id, kind); err == nil {
			return &ReportFile{r, fin}, nil
		}
	}
	r, err := m.db.NewChunkReader(context.Background(), id, storage.ChunkReport)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &ReportFile{r, fin}, nil
}

// errCancelled is the cause of a job's stop by Cancel.
var errCancelled = errors.New("batch: job cancelled")

// Position returns the place of a queued job in the queue shared by every
// replica (1: next to run), or 0 when the job is not waiting.
func (m *Manager) Position(id string) int {
	if !validID(id) {
		return 0
	}
	ctx, cancel := dbctx()
	defer cancel()
	n, err := m.db.BatchQueuePosition(ctx, id)
	if err != nil {
		m.log.Error("batch: queue position", "id", id, "err", err)
		return 0
	}
	return n
}

// Cancel stops a queued or running job, on whichever replica it runs: it
// becomes "cancelled", keeps no report and never runs again. A finished
// job gives ErrFinished. The job is marked cancelled in the database at
// once; the replica running it loses it at its next write (within half a
// second) and stops; here it is stopped at once.
func (m *Manager) Cancel(id string) (*Job, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	ctx, cancel := dbctx()
	defer cancel()
	j, _, err := m.load(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.IsFinished() {
		return nil, ErrFinished
	}
	fin := time.Now().UTC()
	j.Status, j.Finished = StatusCancelled, &fin
	j.Error = &Message{Ru: "отменено", En: "cancelled"}
	data, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	ok, err := m.db.CancelBatchJob(ctx, id, fin, data)
	if err != nil {
		return nil, err
	}
	if !ok {
		// It finished (or expired) meanwhile.
		if j, _, err := m.load(ctx, id); err != nil {
			return nil, err
		} else if j.IsFinished() {
			return nil, ErrFinished
		}
		return nil, ErrNotFound
	}
	m.log.Info("batch: job cancelled", "id", id)
	m.mu.Lock()
	var stop context.CancelFunc
	if en, ok := m.running[id]; ok {
		stop = en.cancel
	}
	m.mu.Unlock()
	if stop != nil {
		stop()
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	return m.Wait(wctx, id)
}

// Close stops the workers: a running job is stopped where it is and put
// back in the queue, so that another replica, or the next start, runs it
// again. Close waits for the workers to stop or ctx to end.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.cancel()
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		m.mu.Lock()
		if m.lock != nil {
			m.lock.Close() // releases the lock
			m.lock = nil
		}
		if m.ownDB {
			// Calls after Close get "database is closed" errors.
			m.db.Close()
			m.ownDB = false
		}
		m.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done is closed when the manager is closing, for long-lived readers
// (server-sent events) to end.
func (m *Manager) Done() <-chan struct{} { return m.ctx.Done() }

// errFailed: the job was failed already, saying why.
var errFailed = errors.New("batch: job failed")

// errLeaseLost stops a job whose lease another replica took over.
var errLeaseLost = errors.New("batch: the job's lease was lost")

// update changes a job this manager runs and tells watchers. When persist
// is true, or the last write is older than half a second, the new state is
// written to the database before anyone here can see it, so that a job
// seen finished is finished for every replica too. It returns false when
// the lease was lost (nothing is written then).
func (m *Manager) update(en *entry, persist bool, f func(j *Job)) bool {
	m.mu.Lock()
	j := en.job
	f(&j)
	write := persist || time.Since(en.saved) > 500*time.Millisecond
	if write {
		en.saved = time.Now()
	}
	m.mu.Unlock()
	held := true
	if write {
		held = m.save(&j)
	}
	m.mu.Lock()
	if held {
		en.job = j
	}
	close(en.changed)
	en.changed = make(chan struct{})
	m.mu.Unlock()
	return held
}

// save writes a running or finished job; false when the lease was lost.
func (m *Manager) save(j *Job) bool {
	data, err := json.Marshal(j)
	if err != nil {
		m.log.Error("batch: encoding job", "id", j.ID, "err", err)
		return true
	}
	rec := &storage.BatchJob{ID: j.ID, Status: j.Status, Attempts: j.Attempts, Data: data}
	if j.Finished != nil {
		rec.Finished = *j.Finished
	}
	ctx, cancel := dbctx()
	defer cancel()
	held, err := m.db.SaveBatchJob(ctx, m.owner, rec)
	if err != nil {
		m.log.Error("batch: saving job status", "id", j.ID, "err", err)
		return true
	}
	if !held {
		m.log.Warn("batch: job no longer held here (cancelled, or taken over by another replica)", "id", j.ID)
	}
	return held
}

func (m *Manager) worker() {
	for {
		if m.ctx.Err() != nil {
			return
		}
		rec, err := m.db.ClaimBatchJob(m.ctx, m.owner, time.Now(), m.opt.Lease)
		if err != nil && m.ctx.Err() == nil {
			m.log.Error("batch: looking for jobs", "err", err)
		}
		if rec == nil {
			t := time.NewTimer(m.opt.Poll)
			select {
			case <-m.wake:
			case <-t.C:
			case <-m.ctx.Done():
			}
			t.Stop()
			continue
		}
		m.signal() // another worker may find more
		m.run(rec)
	}
}

// hold renews the lease of a running job every Lease/3 until ctx ends; it
// stops the job (errLeaseLost) when another replica has taken it, or when
// the lease could not be renewed for a whole Lease.
func (m *Manager) hold(ctx context.Context, id string, stop context.CancelCauseFunc) {
	t := time.NewTicker(m.opt.Lease / 3)
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		dctx, cancel := dbctx()
		held, err := m.db.RenewBatchLease(dctx, id, m.owner, time.Now().Add(m.opt.Lease))
		cancel()
		switch {
		case err != nil:
			m.log.Error("batch: renewing a job's lease", "id", id, "err", err)
			if time.Since(renewed) > m.opt.Lease {
				stop(errLeaseLost)
				return
			}
		case !held:
			stop(errLeaseLost)
			return
		default:
			renewed = time.Now()
		}
	}
}

// run executes one job this manager has claimed.
func (m *Manager) run(rec *storage.BatchJob) {
	id := rec.ID
	j, err := decode(rec)
	if err != nil {
		m.log.Error("batch: unreadable job, removed", "id", id, "err", err)
		ctx, cancel := dbctx()
		_ = m.db.DeleteBatchJob(ctx, id)
		cancel()
		return
	}
	en := &entry{job: *j, changed: make(chan struct{})}
	m.mu.Lock()
	m.running[id] = en
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.running, id)
		close(en.changed)
		m.mu.Unlock()
	}()
	ctx, stop := context.WithCancelCause(m.ctx)
	defer stop(nil)
	m.wg.Go(func() { m.hold(ctx, id, stop) })
	m.mu.Lock()
	en.cancel = func() { stop(errCancelled) }
	m.mu.Unlock()

	if j.Attempts > m.opt.MaxAttempts {
		n := j.Attempts - 1
		m.log.Error("batch: job interrupted too often, failed", "id", id, "attempts", n)
		m.fail(en, Message{
			Ru: fmt.Sprintf("задание прерывалось %d раза и больше не запускается", n),
			En: fmt.Sprintf("the job was interrupted %d times and is not run again", n),
		}, func(j *Job) { j.Attempts = n })
		return
	}
	if j.Attempts > 1 {
		m.log.Info("batch: job interrupted before, run again", "id", id, "attempts", j.Attempts)
	}
	var params Params
	now := time.Now().UTC()
	if !m.update(en, true, func(j *Job) {
		j.Status, j.Started, j.Finished, j.Error, j.Outcome = StatusRunning, &now, nil, nil, nil
		j.Rows = Progress{Total: j.Rows.Total}
		params = j.Params
	}) {
		return
	}
	budget, err := params.Check()
	if err != nil {
		m.fail(en, Message{Ru: err.Error(), En: err.Error()}, nil)
		return
	}
	if err := m.checkFree(); err != nil {
		m.log.Error("batch: job not started", "id", id, "err", err)
		m.fail(en, diskFullMessage(0), nil)
		return
	}
	cfg := Config{
		Programme: params.Programme, Budget: budget, Allocation: params.Allocation,
		Schedules: params.Schedules, Lang: params.Lang, Parallel: m.opt.Parallel,
		Read: m.opt.Read, Calculate: m.opt.Calculate, Source: params.Filename,
		TempDir: m.tmp(), Logger: m.log,
	}
	cfg.Scenarios, _ = ParseScenarios(params.Scenarios)
	var rows int
	started := time.Now()
	outcome, err := m.execute(ctx, stop, en, cfg, &rows)
	if err != nil {
		var ie *report.InputError
		cause := context.Cause(ctx)
		switch {
		case errors.Is(err, errFailed):
		case errors.Is(cause, errCancelled):
			m.log.Info("batch: running job cancelled, stopped here", "id", id)
		case errors.Is(cause, errLeaseLost) || errors.Is(err, errLeaseLost):
			m.log.Warn("batch: job no longer held here (cancelled, or taken over by another replica); stopped", "id", id)
		case m.ctx.Err() != nil:
			// Stopped by Close: the job goes back to the queue, for
			// another replica or the next start.
			m.release(en)
		case isDiskFull(err) || isDiskFull(cause):
			m.log.Error("batch: job failed: disk full", "id", id, "err", err, "cause", cause)
			m.fail(en, diskFullMessage(rows), nil)
		case errors.As(err, &ie):
			m.fail(en, Message{Ru: ie.Ru, En: ie.En}, nil)
		default:
			m.log.Error("batch: job failed", "id", id, "err", err)
			m.fail(en, Message{Ru: "внутренняя ошибка: пакет не удалось обработать", En: "internal error: the batch could not be completed"}, nil)
		}
		return
	}
	fin := time.Now().UTC()
	if !m.update(en, true, func(j *Job) {
		j.Status, j.Finished, j.Outcome = StatusDone, &fin, outcome
		j.Rows = Progress{Total: outcome.Rows, Done: outcome.Computed, Failed: outcome.Rejected}
	}) {
		return
	}
	m.log.Info("batch: job done", "id", id, "rows", outcome.Rows, "computed", outcome.Computed,
		"rejected", outcome.Rejected, "seconds", time.Since(started).Seconds())
}

// execute runs a job: its input is copied from the database to the
// temporary directory, the report written there (excelize reads and
// writes files) and then copied into the database. The local files are
// gone when it returns.
func (m *Manager) execute(ctx context.Context, stop context.CancelCauseFunc, en *entry, cfg Config, rows *int) (*Outcome, error) {
	id := en.job.ID
	input := filepath.Join(m.tmp(), "input-"+id)
	tmp := filepath.Join(m.tmp(), "report-"+id+".xlsx")
	tmpOther := filepath.Join(m.tmp(), "report-"+id+"-"+otherLang(cfg.Lang)+".xlsx")
	defer os.Remove(input)
	defer os.Remove(tmp)
	defer os.Remove(tmpOther)
	if err := m.fetchInput(ctx, id, input); err != nil {
		return nil, err
	}
	outcome, err := m.compute(ctx, stop, en, input, tmp, tmpOther, cfg, rows)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ kind, path string }{
		{storage.ChunkReport, tmp},
		{reportKind(cfg.Lang, otherLang(cfg.Lang)), tmpOther},
	} {
		if err := m.db.DeleteBatchChunks(ctx, id, f.kind); err != nil {
			return nil, err
		}
		if err := m.storeFile(ctx, id, f.kind, f.path); err != nil {
			return nil, dbFull(err)
		}
	}
	return outcome, nil
}

// fetchInput copies job id's upload from the database to the local file
// path.
func (m *Manager) fetchInput(ctx context.Context, id, path string) error {
	r, err := m.db.NewChunkReader(ctx, id, storage.ChunkInput)
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := m.opt.Disk.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// compute runs the job on the local input, writing the report to tmp and
// the same report in the other language to tmpOther.
func (m *Manager) compute(ctx context.Context, stop context.CancelCauseFunc, en *entry, input, tmp, tmpOther string, cfg Config, rows *int) (*Outcome, error) {
	out, err := m.opt.Disk.Create(tmp)
	var other File
	if err == nil {
		other, err = m.opt.Disk.Create(tmpOther)
		if err != nil {
			out.Close()
		}
	}
	if err != nil {
		m.log.Error("batch: creating report", "id", en.job.ID, "err", err)
		if !isDiskFull(err) {
			m.fail(en, Message{Ru: "отчёт не удалось записать", En: "the report could not be written"}, nil)
			err = errFailed
		}
		return nil, err
	}
	cfg.Other = other
	// The free space is looked at about once a second while the job runs:
	// a disk that fills up stops the job at once, not after every row was
	// computed.
	lastCheck := time.Now()
	outcome, err := Run(ctx, input, cfg, out, func(p Progress) {
		*rows = p.Done + p.Failed
		if !m.update(en, false, func(j *Job) { j.Rows = p }) {
			stop(errLeaseLost)
		}
		if time.Since(lastCheck) > time.Second {
			lastCheck = time.Now()
			if err := m.checkFree(); err != nil {
				stop(err)
			}
		}
	})
	// Every row is computed: other replicas see it while the reports are
	// written and stored (seconds for a large batch).
	if err == nil && !m.update(en, true, func(*Job) {}) {
		err = errLeaseLost
	}
	for _, f := range []File{out, other} {
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return outcome, err
}

// release puts a job this manager runs back in the queue.
func (m *Manager) release(en *entry) {
	m.mu.Lock()
	killed := m.killed
	j := en.job
	m.mu.Unlock()
	if killed {
		return
	}
	j.Status, j.Rows = StatusQueued, Progress{Total: j.Rows.Total}
	data, err := json.Marshal(&j)
	if err != nil {
		return
	}
	ctx, cancel := dbctx()
	defer cancel()
	if _, err := m.db.ReleaseBatchJob(ctx, j.ID, m.owner, data); err != nil {
		m.log.Error("batch: releasing a job", "id", j.ID, "err", err)
		return
	}
	m.log.Info("batch: job stopped by shutdown, queued again", "id", j.ID)
}

// diskFullMessage says a job failed for want of disk space, after rows
// rows.
func diskFullMessage(rows int) Message {
	return Message{
		Ru: fmt.Sprintf("диск заполнен: в каталоге данных сервера закончилось место после %d строк; отчёт не записан. Загрузите файл позже ещё раз", rows),
		En: fmt.Sprintf("disk full: the server's data directory ran out of space after %d rows; no report was written. Upload the file again later", rows),
	}
}

func (m *Manager) fail(en *entry, msg Message, also func(j *Job)) {
	fin := time.Now().UTC()
	m.update(en, true, func(j *Job) {
		j.Status, j.Finished, j.Error = StatusFailed, &fin, &msg
		if also != nil {
			also(j)
		}
	})
}

// janitor removes finished jobs older than the TTL, and uploads whose
// replica died while copying them in.
func (m *Manager) janitor() {
	every := min(max(m.opt.TTL/4, 10*time.Millisecond), time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-t.C:
			m.expire()
		}
	}
}

func (m *Manager) expire() {
	ctx, cancel := dbctx()
	defer cancel()
	now := time.Now()
	ids, err := m.db.StaleBatchJobs(ctx, now.Add(-m.opt.TTL), now.Add(-time.Hour))
	if err != nil {
		if m.ctx.Err() == nil {
			m.log.Error("batch: looking for expired jobs", "err", err)
		}
		return
	}
	for _, id := range ids {
		if err := m.db.DeleteBatchJob(ctx, id); err != nil {
			m.log.Error("batch: removing expired job", "id", id, "err", err)
		}
	}
}
