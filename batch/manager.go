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
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
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
	// data directory.
	ErrLocked = errors.New("batch: data directory in use by another process")
)

// Message is a text in both languages: the project's one [calc.Text]. Job
// files store it as {"ru": …, "en": …}.
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
}

// Check validates p and returns the budget it gives (nil: none). Problems
// come back as a *calc.Error of kind Invalid naming the form fields.
func (p *Params) Check() (*Budget, error) {
	var fields []calc.FieldError
	p.Lang = report.Lang(p.Lang)
	p.Programme = strings.TrimSpace(p.Programme)
	if p.Programme != "" {
		if _, ok := calc.LookupProgramme(p.Programme); !ok {
			fields = append(fields, calc.FieldError{Field: "programme", Text: calc.Text{
				Ru: "неизвестная программа; допустимы: " + strings.Join(calc.ProgrammeIDs(), ", "),
				En: "unknown programme; allowed: " + strings.Join(calc.ProgrammeIDs(), ", ")}})
		}
	}
	p.Allocation = strings.TrimSpace(p.Allocation)
	if p.Allocation != "" && p.Allocation != calc.ProRata && p.Allocation != calc.FirstCome {
		fields = append(fields, calc.FieldError{Field: "allocation",
			Text: calc.Text{Ru: "допустимы: pro_rata, first_come", En: "allowed: pro_rata, first_come"}})
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

// Job is a batch job as stored in its job.json and shown by the API.
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
	// Dir holds the jobs, one directory each (default: the user's cache
	// directory, subsidy/batches, else the temp dir).
	Dir string
	// Workers is the number of jobs run at once (default 1); Parallel the
	// calculations at once within a job (default the number of CPUs).
	Workers  int
	Parallel int
	// Queue is the most jobs waiting to run (default 100); more get
	// ErrBusy.
	Queue int
	// TTL is how long a finished job is kept (default 24 h).
	TTL time.Duration
	// MaxAttempts is how often a job is started before a job that keeps
	// stopping the process is failed (default 3).
	MaxAttempts int
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

// Manager keeps batch jobs on disk and runs them on a bounded pool of
// workers. It is safe for concurrent use.
type Manager struct {
	opt Options
	log *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	jobs    map[string]*entry
	pending []string
	wake    chan struct{}
	closed  bool
	lock    *os.File
	checks  chan struct{} // header checks in progress, see Options.Checks
}

// lockDir takes an exclusive lock on dir/.lock, so that two managers never
// run the same recovered job. The lock goes with the process.
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

// entry is a job in memory; changed is closed (and replaced) at every
// change.
type entry struct {
	job     Job
	changed chan struct{}
	saved   time.Time
	// cancel stops the job while it runs (nil otherwise); stop records a
	// Cancel that came between the queue and the start.
	cancel context.CancelFunc
	stop   bool
}

// Open opens (creating it) the data directory, takes up the jobs found
// there — queued jobs and jobs that were running when the process stopped
// run again — and starts the workers and the expiry of finished jobs.
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
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{opt: opt, log: opt.Logger, ctx: ctx, cancel: cancel, lock: lock,
		jobs: map[string]*entry{}, wake: make(chan struct{}, 1), checks: make(chan struct{}, opt.Checks)}
	err = m.cleanTemp()
	if err == nil {
		err = m.recover()
	}
	if err != nil {
		cancel()
		lock.Close()
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

// recover loads every job directory: finished jobs are kept (or removed
// when expired), queued and interrupted ones are queued again in the
// order they were created.
func (m *Manager) recover() error {
	ents, err := os.ReadDir(m.opt.Dir)
	if err != nil {
		return err
	}
	var requeue []*entry
	for _, e := range ents {
		if !e.IsDir() || !validID(e.Name()) {
			continue
		}
		dir := filepath.Join(m.opt.Dir, e.Name())
		b, err := os.ReadFile(filepath.Join(dir, "job.json"))
		if err != nil {
			// An upload interrupted before it was accepted.
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				_ = os.RemoveAll(dir)
			}
			continue
		}
		var j Job
		if err := json.Unmarshal(b, &j); err != nil || j.ID != e.Name() {
			m.log.Error("batch: unreadable job, removed", "dir", dir, "err", err)
			_ = os.RemoveAll(dir)
			continue
		}
		en := &entry{job: j, changed: make(chan struct{})}
		switch j.Status {
		case StatusDone, StatusFailed, StatusCancelled:
			if j.Finished != nil && time.Since(*j.Finished) > m.opt.TTL {
				_ = os.RemoveAll(dir)
				continue
			}
		default:
			if j.Status == StatusRunning {
				m.log.Info("batch: job interrupted by a stop, run again", "id", j.ID, "attempts", j.Attempts)
			}
			if j.Attempts >= m.opt.MaxAttempts {
				now := time.Now().UTC()
				en.job.Status, en.job.Finished = StatusFailed, &now
				en.job.Error = &Message{
					Ru: fmt.Sprintf("задание прерывалось %d раза и больше не запускается", j.Attempts),
					En: fmt.Sprintf("the job was interrupted %d times and is not run again", j.Attempts),
				}
				if err := m.save(&en.job); err != nil {
					return err
				}
			} else {
				en.job.Status = StatusQueued
				en.job.Rows = Progress{Total: j.Rows.Total}
				requeue = append(requeue, en)
			}
		}
		m.jobs[j.ID] = en
	}
	sort.Slice(requeue, func(i, k int) bool { return requeue[i].job.Created.Before(requeue[k].job.Created) })
	for _, en := range requeue {
		m.pending = append(m.pending, en.job.ID)
	}
	if len(m.pending) > 0 {
		m.signal()
	}
	return nil
}

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
// digits), before it is used in a path.
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

func (m *Manager) dir(id string) string { return filepath.Join(m.opt.Dir, id) }

// Submit saves the upload to disk (synced), checks that it is a batch
// input with the required columns, and queues the job. It returns the
// queued job; a file that is not a usable batch input gives a
// *report.InputError, invalid params a *calc.Error, a full queue or too
// many uploads being checked ErrBusy, a file over the byte limit
// ErrTooLarge, a full disk ErrDiskFull. Nothing is kept of a refused
// upload.
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
	ok := false
	defer func() {
		if !ok {
			u.Abort()
		}
	}()
	if _, err := p.Check(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	closed, full := m.closed, len(m.pending) >= m.opt.Queue
	m.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if full {
		return nil, ErrBusy
	}
	if err := u.finish(); err != nil {
		return nil, err
	}
	id, err := newID()
	if err != nil {
		return nil, err
	}
	dir := m.dir(id)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			_ = os.RemoveAll(dir)
		}
	}()
	input := filepath.Join(dir, "input")
	if err := os.Rename(u.path, input); err != nil {
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
	r, err := report.OpenLoans(input, ro)
	<-m.checks
	if err != nil {
		return nil, err
	}
	est := r.Estimate()
	r.Close()
	j := Job{ID: id, Status: StatusQueued, Params: p, Created: time.Now().UTC(), Rows: Progress{Total: est}}
	if err := m.save(&j); err != nil {
		if isDiskFull(err) {
			err = fmt.Errorf("%w: %v", ErrDiskFull, err)
		}
		return nil, err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	m.jobs[id] = &entry{job: j, changed: make(chan struct{})}
	m.pending = append(m.pending, id)
	m.mu.Unlock()
	ok = true
	m.signal()
	m.log.Info("batch: job queued", "id", id, "file", p.Filename, "rows", est)
	return &j, nil
}

func (m *Manager) readOptions() report.ReadOptions {
	ro := m.opt.Read
	if ro.MaxBytes <= 0 {
		ro.MaxBytes = report.DefaultMaxBytes
	}
	return ro
}

// save writes j to its job.json atomically (a temporary file renamed over
// it), so a reader or a crash never sees half a file.
func (m *Manager) save(j *Job) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	dir := m.dir(j.ID)
	tmp, err := os.CreateTemp(dir, "job-*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, "job.json"))
}

// Get returns a copy of the job with id.
func (m *Manager) Get(id string) (*Job, error) {
	j, _, err := m.Watch(id)
	return j, err
}

// Watch returns a copy of the job and a channel that is closed at its next
// change (progress, status). For a finished job the channel is nil.
func (m *Manager) Watch(id string) (*Job, <-chan struct{}, error) {
	if !validID(id) {
		return nil, nil, ErrNotFound
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	en, ok := m.jobs[id]
	if !ok {
		return nil, nil, ErrNotFound
	}
	j := en.job
	if j.IsFinished() {
		return &j, nil, nil
	}
	return &j, en.changed, nil
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

// Report opens the report workbook of a done job, in the job's language.
func (m *Manager) Report(id string) (*os.File, error) { return m.ReportIn(id, "") }

// ReportIn opens the report workbook of a done job in lang ("ru" or "en";
// "" is the job's language). Jobs are reported in both languages; a job
// done before that has its own language only, which is then the answer.
func (m *Manager) ReportIn(id, lang string) (*os.File, error) {
	j, err := m.Get(id)
	if err != nil {
		return nil, err
	}
	if j.Status != StatusDone {
		return nil, ErrNotReady
	}
	if lang != "" && report.Lang(lang) != report.Lang(j.Params.Lang) {
		f, err := os.Open(filepath.Join(m.dir(id), otherReport(j.Params.Lang)))
		if err == nil {
			return f, nil
		}
	}
	f, err := os.Open(filepath.Join(m.dir(id), "report.xlsx"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// otherReport is the file name of a job's report in the language other
// than its own.
func otherReport(lang string) string { return "report-" + otherLang(lang) + ".xlsx" }

// errCancelled is the cause of a job's stop by Cancel.
var errCancelled = errors.New("batch: job cancelled")

// Position returns the place of a queued job in the queue (1: next to
// run), or 0 when the job is not waiting.
func (m *Manager) Position(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, p := range m.pending {
		if p == id {
			return i + 1
		}
	}
	return 0
}

// Cancel stops a queued or running job: it becomes "cancelled", keeps no
// report and never runs again. A finished job gives ErrFinished.
func (m *Manager) Cancel(id string) (*Job, error) {
	if !validID(id) {
		return nil, ErrNotFound
	}
	m.mu.Lock()
	en, ok := m.jobs[id]
	if !ok {
		m.mu.Unlock()
		return nil, ErrNotFound
	}
	if en.job.IsFinished() {
		m.mu.Unlock()
		return nil, ErrFinished
	}
	queued := false
	for i, p := range m.pending {
		if p == id {
			m.pending = append(m.pending[:i], m.pending[i+1:]...)
			queued = true
			break
		}
	}
	stop := en.cancel
	if stop == nil && !queued {
		en.stop = true // taken from the queue, not started yet
	}
	m.mu.Unlock()
	if stop != nil || !queued {
		if stop != nil {
			stop() // run sees it and marks the job cancelled
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return m.Wait(ctx, id)
	}
	if queued {
		m.cancelled(id)
	}
	return m.Get(id)
}

func (m *Manager) cancelled(id string) {
	fin := time.Now().UTC()
	m.update(id, true, func(j *Job) {
		j.Status, j.Finished = StatusCancelled, &fin
		j.Error = &Message{Ru: "отменено", En: "cancelled"}
	})
	m.log.Info("batch: job cancelled", "id", id)
}

// Close stops the workers: a running job is stopped where it is and stays
// "running" on disk, so that the next Open runs it again. Close waits for
// the workers to stop or ctx to end.
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

// update changes the job and tells watchers. A job's updates come from
// the one worker that runs it. When persist is true, or the last write is
// older than half a second, the new state is written to job.json before
// anyone can see it, so that a job seen finished is finished on disk too.
func (m *Manager) update(id string, persist bool, f func(j *Job)) {
	m.mu.Lock()
	en, ok := m.jobs[id]
	if !ok {
		m.mu.Unlock()
		return
	}
	j := en.job
	f(&j)
	write := persist || time.Since(en.saved) > 500*time.Millisecond
	if write {
		en.saved = time.Now()
	}
	m.mu.Unlock()
	if write {
		if err := m.save(&j); err != nil {
			m.log.Error("batch: saving job status", "id", id, "err", err)
		}
	}
	m.mu.Lock()
	en.job = j
	close(en.changed)
	en.changed = make(chan struct{})
	m.mu.Unlock()
}

func (m *Manager) worker() {
	for {
		m.mu.Lock()
		var id string
		if len(m.pending) > 0 && !m.closed {
			id = m.pending[0]
			m.pending = m.pending[1:]
		}
		more := len(m.pending) > 0
		m.mu.Unlock()
		if more {
			m.signal()
		}
		if id == "" {
			select {
			case <-m.wake:
				continue
			case <-m.ctx.Done():
				return
			}
		}
		m.run(id)
		if m.ctx.Err() != nil {
			return
		}
	}
}

// run executes one job.
func (m *Manager) run(id string) {
	var params Params
	now := time.Now().UTC()
	m.update(id, true, func(j *Job) {
		j.Status, j.Started, j.Finished, j.Error, j.Outcome = StatusRunning, &now, nil, nil, nil
		j.Attempts++
		params = j.Params
	})
	budget, err := params.Check()
	if err != nil {
		m.fail(id, Message{Ru: err.Error(), En: err.Error()})
		return
	}
	if err := m.checkFree(); err != nil {
		m.log.Error("batch: job not started", "id", id, "err", err)
		m.fail(id, diskFullMessage(0))
		return
	}
	cfg := Config{
		Programme: params.Programme, Budget: budget, Allocation: params.Allocation,
		Schedules: params.Schedules, Lang: params.Lang, Parallel: m.opt.Parallel,
		Read: m.opt.Read, Calculate: m.opt.Calculate, Source: params.Filename,
		TempDir: m.tmp(), Logger: m.log,
	}
	dir := m.dir(id)
	tmp := filepath.Join(dir, "report.xlsx.tmp")
	tmpOther := filepath.Join(dir, otherReport(params.Lang)+".tmp")
	out, err := m.opt.Disk.Create(tmp)
	var other File
	if err == nil {
		other, err = m.opt.Disk.Create(tmpOther)
		if err != nil {
			out.Close()
		}
	}
	if err != nil {
		m.log.Error("batch: creating report", "id", id, "err", err)
		if isDiskFull(err) {
			m.fail(id, diskFullMessage(0))
		} else {
			m.fail(id, Message{Ru: "отчёт не удалось записать", En: "the report could not be written"})
		}
		_ = os.Remove(tmp)
		_ = os.Remove(tmpOther)
		return
	}
	cfg.Other = other
	started := time.Now()
	// The free space is looked at about once a second while the job runs:
	// a disk that fills up stops the job at once, not after every row was
	// computed. Cancel stops it with errCancelled.
	ctx, stop := context.WithCancelCause(m.ctx)
	defer stop(nil)
	m.mu.Lock()
	if en := m.jobs[id]; en != nil {
		en.cancel = func() { stop(errCancelled) }
		if en.stop {
			stop(errCancelled)
		}
	}
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		if en := m.jobs[id]; en != nil {
			en.cancel = nil
		}
		m.mu.Unlock()
	}()
	var rows int
	lastCheck := time.Now()
	outcome, err := Run(ctx, filepath.Join(dir, "input"), cfg, out, func(p Progress) {
		rows = p.Done + p.Failed
		m.update(id, false, func(j *Job) { j.Rows = p })
		if time.Since(lastCheck) > time.Second {
			lastCheck = time.Now()
			if err := m.checkFree(); err != nil {
				stop(err)
			}
		}
	})
	for _, f := range []File{out, other} {
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmpOther, filepath.Join(dir, otherReport(params.Lang)))
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, "report.xlsx"))
	}
	if err != nil {
		_ = os.Remove(tmp)
		_ = os.Remove(tmpOther)
		var ie *report.InputError
		cause := context.Cause(ctx)
		switch {
		case m.ctx.Err() == nil && errors.Is(cause, errCancelled):
			m.cancelled(id)
		case m.ctx.Err() != nil:
			// Stopped by Close: the job stays "running" on disk and runs
			// again at the next start.
			m.log.Info("batch: job stopped by shutdown", "id", id)
		case isDiskFull(err) || isDiskFull(cause):
			m.log.Error("batch: job failed: disk full", "id", id, "err", err, "cause", cause)
			m.fail(id, diskFullMessage(rows))
		case errors.As(err, &ie):
			m.fail(id, Message{Ru: ie.Ru, En: ie.En})
		default:
			m.log.Error("batch: job failed", "id", id, "err", err)
			m.fail(id, Message{Ru: "внутренняя ошибка: пакет не удалось обработать", En: "internal error: the batch could not be completed"})
		}
		return
	}
	fin := time.Now().UTC()
	m.update(id, true, func(j *Job) {
		j.Status, j.Finished, j.Outcome = StatusDone, &fin, outcome
		j.Rows = Progress{Total: outcome.Rows, Done: outcome.Computed, Failed: outcome.Rejected}
	})
	m.log.Info("batch: job done", "id", id, "rows", outcome.Rows, "computed", outcome.Computed,
		"rejected", outcome.Rejected, "seconds", time.Since(started).Seconds())
}

// diskFullMessage says a job failed for want of disk space, after rows
// rows.
func diskFullMessage(rows int) Message {
	return Message{
		Ru: fmt.Sprintf("диск заполнен: в каталоге данных сервера закончилось место после %d строк; отчёт не записан. Загрузите файл позже ещё раз", rows),
		En: fmt.Sprintf("disk full: the server's data directory ran out of space after %d rows; no report was written. Upload the file again later", rows),
	}
}

func (m *Manager) fail(id string, msg Message) {
	fin := time.Now().UTC()
	m.update(id, true, func(j *Job) {
		j.Status, j.Finished, j.Error = StatusFailed, &fin, &msg
	})
}

// janitor removes finished jobs older than the TTL.
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
	m.mu.Lock()
	var gone []string
	for id, en := range m.jobs {
		if en.job.IsFinished() && en.job.Finished != nil && time.Since(*en.job.Finished) > m.opt.TTL {
			gone = append(gone, id)
		}
	}
	m.mu.Unlock()
	for _, id := range gone {
		// The files go first: a job that can be found has its files.
		if err := os.RemoveAll(m.dir(id)); err != nil {
			m.log.Error("batch: removing expired job", "id", id, "err", err)
			continue
		}
		m.mu.Lock()
		delete(m.jobs, id)
		m.mu.Unlock()
	}
}
