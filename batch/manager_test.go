package batch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/report"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t *testing.T, opt batch.Options) *batch.Manager {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = quiet
	}
	m, err := batch.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(context.Background()) })
	return m
}

func submit(t *testing.T, m *batch.Manager, path string, p batch.Params) *batch.Job {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	j, err := m.Submit(bytes.NewReader(b), p)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return j
}

func wait(t *testing.T, m *batch.Manager, id string) *batch.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	j, err := m.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !j.IsFinished() {
		t.Fatalf("job %s still %s", id, j.Status)
	}
	return j
}

func TestManagerRunsJobs(t *testing.T) {
	for engine, db := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testManagerRunsJobs(t, db) })
	}
}

func testManagerRunsJobs(t *testing.T, db *storage.DB) {
	dir := t.TempDir()
	m := open(t, batch.Options{Dir: dir, Workers: 2, DB: db})
	input := writeInput(t, t.TempDir(), generate(30, 11, false), "xlsx", nil)
	ids := map[string]bool{}
	var jobs []*batch.Job
	for range 3 {
		j := submit(t, m, input, batch.Params{Lang: "en", Filename: "../../etc/loans.xlsx", AnnualBudget: "100000000"})
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(j.ID) || ids[j.ID] {
			t.Fatalf("job id %q", j.ID)
		}
		ids[j.ID] = true
		if j.Status != batch.StatusQueued || j.Params.Filename != "loans.xlsx" {
			t.Errorf("submitted job %+v", j)
		}
		// The upload is in the database when Submit returns, byte for byte.
		r, err := db.NewChunkReader(t.Context(), j.ID, storage.ChunkInput)
		if err != nil {
			t.Fatalf("upload not stored: %v", err)
		}
		got, _ := io.ReadAll(r)
		if want, _ := os.ReadFile(input); !bytes.Equal(got, want) || r.Size() != int64(len(want)) {
			t.Errorf("stored upload: %d bytes (size %d), want %d", len(got), r.Size(), len(want))
		}
		jobs = append(jobs, j)
	}
	for _, j := range jobs {
		done := wait(t, m, j.ID)
		if done.Status != batch.StatusDone || done.Rows.Total != 30 || done.Rows.Done+done.Rows.Failed != 30 || done.Attempts != 1 {
			t.Fatalf("finished job %+v", done)
		}
		if len(done.Outcome.Allocation) == 0 {
			t.Errorf("no allocation in %+v", done.Outcome)
		}
		f, err := m.Report(j.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil || int64(len(b)) != f.Size() {
			t.Fatalf("report: %d bytes of %d: %v", len(b), f.Size(), err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("report is no workbook: %v", err)
		}
		x.Close()
		// The database says the same.
		rec, err := db.BatchJob(t.Context(), j.ID)
		if err != nil || rec.Status != storage.BatchDone || rec.Owner != "" {
			t.Errorf("stored job: %v %+v", err, rec)
		}
	}
	// Nothing but temporary files, none left, in the data directory.
	if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) > 0 {
		t.Errorf("%d files left in tmp", len(tmp))
	}
	if _, err := m.Get("0123456789abcdef0123456789abcdef"); !errors.Is(err, batch.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := m.Get("../../etc/passwd"); !errors.Is(err, batch.ErrNotFound) {
		t.Errorf("bad id: %v", err)
	}
}

func TestManagerRefuses(t *testing.T) {
	dir := t.TempDir()
	db := storagetest.Engines(t)[storage.SQLite]
	m := open(t, batch.Options{Dir: dir, DB: db, Read: report.ReadOptions{MaxBytes: 4096}})
	cases := []struct {
		name   string
		body   []byte
		params batch.Params
		check  func(error) bool
	}{
		{"NotASpreadsheet", []byte("\x89PNG\r\n\x1a\n\x00\x00"), batch.Params{}, func(err error) bool {
			var ie *report.InputError
			return errors.As(err, &ie)
		}},
		{"TooLarge", bytes.Repeat([]byte("a;b\n"), 2000), batch.Params{}, func(err error) bool { return errors.Is(err, batch.ErrTooLarge) }},
		{"BadParams", []byte("id\n"), batch.Params{Programme: "nope", Allocation: "random", AnnualBudget: "x"}, func(err error) bool {
			var ce *calc.Error
			return errors.As(err, &ce) && len(ce.Fields) == 3
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := m.Submit(bytes.NewReader(c.body), c.params)
			if !c.check(err) {
				t.Errorf("Submit: %T %v", err, err)
			}
		})
	}
	// Nothing is kept of refused uploads.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() && e.Name() != "tmp" {
			t.Errorf("directory %s left behind", e.Name())
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) > 0 {
		t.Errorf("%d files left in tmp", len(tmp))
	}
	for _, st := range []string{storage.BatchReceiving, storage.BatchQueued} {
		if n, err := db.CountBatchJobs(t.Context(), st); n != 0 || err != nil {
			t.Errorf("%d jobs %s in the database (%v)", n, st, err)
		}
	}
}

// TestManagerRestart stops the service while a job runs: the job goes
// back to the queue, and the next start runs it again and finishes it.
func TestManagerRestart(t *testing.T) {
	for engine, db := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testManagerRestart(t, db) })
	}
}

func testManagerRestart(t *testing.T, db *storage.DB) {
	dir := t.TempDir()
	input := writeInput(t, t.TempDir(), generate(50, 13, true), "csv", nil)
	started := make(chan struct{})
	var once sync.Once
	block := func(req *calc.Request, into *calc.Result) (*calc.Result, error) {
		once.Do(func() { close(started) })
		time.Sleep(20 * time.Millisecond) // a slow engine: the stop comes mid-job
		return calc.Calculate(req, calc.Options{Into: into})
	}
	m1, err := batch.Open(batch.Options{Dir: dir, DB: db, Calculate: block, Parallel: 1, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	j := submit(t, m1, input, batch.Params{Lang: "ru"})
	<-started
	if err := m1.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec, err := db.BatchJob(t.Context(), j.ID)
	if err != nil || rec.Status != storage.BatchQueued || rec.Attempts != 1 || rec.Owner != "" {
		t.Fatalf("after the stop the job is %+v (%v), want queued again", rec, err)
	}
	if _, err := db.NewChunkReader(t.Context(), j.ID, storage.ChunkReport); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("a report exists for an interrupted job: %v", err)
	}

	m2 := open(t, batch.Options{Dir: dir, DB: db})
	done := wait(t, m2, j.ID)
	if done.Status != batch.StatusDone || done.Attempts != 2 || done.Rows.Done+done.Rows.Failed != 50 {
		t.Fatalf("after restart: %+v", done)
	}
	f, err := m2.Report(j.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestManagerGivesUp: a job that was interrupted MaxAttempts times (its
// replica died each time) is failed instead of run again.
func TestManagerGivesUp(t *testing.T) {
	db := storagetest.Engines(t)[storage.SQLite]
	id := "00112233445566778899aabbccddeeff"
	b, _ := json.Marshal(batch.Job{ID: id, Status: batch.StatusRunning, Attempts: 3, Created: time.Now()})
	if err := db.InsertBatchJob(t.Context(), &storage.BatchJob{ID: id, Status: storage.BatchRunning, Attempts: 3, Created: time.Now(), Data: b}); err != nil {
		t.Fatal(err)
	}
	m := open(t, batch.Options{Dir: t.TempDir(), DB: db})
	j := wait(t, m, id)
	if j.Status != batch.StatusFailed || j.Error == nil || !strings.Contains(j.Error.En, "interrupted 3 times") || j.Attempts != 3 {
		t.Fatalf("%+v %+v", j, j.Error)
	}
}

func TestManagerExpires(t *testing.T) {
	for engine, db := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testManagerExpires(t, db) })
	}
}

func testManagerExpires(t *testing.T, db *storage.DB) {
	m := open(t, batch.Options{Dir: t.TempDir(), DB: db, TTL: 300 * time.Millisecond, Poll: 20 * time.Millisecond})
	input := writeInput(t, t.TempDir(), generate(3, 17, true), "csv", nil)
	j := submit(t, m, input, batch.Params{})
	wait(t, m, j.ID)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := m.Get(j.ID)
		if errors.Is(err, batch.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job did not expire")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, kind := range []string{storage.ChunkInput, storage.ChunkReport} {
		if _, err := db.NewChunkReader(t.Context(), j.ID, kind); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired job's %s still stored: %v", kind, err)
		}
	}
}

// TestManagerRowLimit: a file whose rows are counted over the limit is
// refused at upload; one whose count was not known then fails at the
// limit, saying how far it got, without a report.
func TestManagerRowLimit(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	db := storagetest.Engines(t)[storage.SQLite]
	m := open(t, batch.Options{Dir: t.TempDir(), DB: db, Read: report.ReadOptions{MaxRows: 5}, Calculate: func(r *calc.Request, into *calc.Result) (*calc.Result, error) {
		<-release
		return calc.Calculate(r, calc.Options{Into: into})
	}})
	defer once.Do(func() { close(release) })
	big := writeInput(t, t.TempDir(), generate(8, 19, true), "csv", nil)
	b, _ := os.ReadFile(big)
	_, err := m.Submit(bytes.NewReader(b), batch.Params{Lang: "en"})
	var ie *report.InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.En, "8 loans, more than the 5 allowed") {
		t.Fatalf("Submit of 8 rows with a limit of 5: %v", err)
	}

	// The first job holds the worker; the second job's input grows on
	// the database before it runs: the job fails, saying why, without a
	// report.
	small := writeInput(t, t.TempDir(), generate(2, 19, true), "csv", nil)
	first := submit(t, m, small, batch.Params{Lang: "en"})
	j := submit(t, m, small, batch.Params{Lang: "en"})
	if err := db.DeleteBatchChunks(t.Context(), j.ID, storage.ChunkInput); err != nil {
		t.Fatal(err)
	}
	w := db.NewChunkWriter(t.Context(), j.ID, storage.ChunkInput)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	once.Do(func() { close(release) })
	wait(t, m, first.ID)
	done := wait(t, m, j.ID)
	if done.Status != batch.StatusFailed || done.Error == nil || !strings.Contains(done.Error.En, "8 loans, more than the 5 allowed") {
		t.Fatalf("%+v %+v", done, done.Error)
	}
	if _, err := m.Report(j.ID); !errors.Is(err, batch.ErrNotReady) {
		t.Errorf("report of a failed job: %v", err)
	}
}

func TestManagerBusy(t *testing.T) {
	release := make(chan struct{})
	m := open(t, batch.Options{Dir: t.TempDir(), Queue: 1, Calculate: func(r *calc.Request, into *calc.Result) (*calc.Result, error) {
		<-release
		return calc.Calculate(r, calc.Options{Into: into})
	}})
	defer close(release)
	input := writeInput(t, t.TempDir(), generate(2, 23, true), "csv", nil)
	first := submit(t, m, input, batch.Params{})
	// Wait until the first job runs, so that the next one waits in the queue.
	for {
		j, _ := m.Get(first.ID)
		if j.Status == batch.StatusRunning {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	submit(t, m, input, batch.Params{})
	b, _ := os.ReadFile(input)
	if _, err := m.Submit(bytes.NewReader(b), batch.Params{}); !errors.Is(err, batch.ErrBusy) {
		t.Errorf("third job: %v, want ErrBusy", err)
	}
}

// TestManagerLock: one data directory, one manager.
func TestManagerLock(t *testing.T) {
	dir := t.TempDir()
	m := open(t, batch.Options{Dir: dir})
	if _, err := batch.Open(batch.Options{Dir: dir, Logger: quiet}); !errors.Is(err, batch.ErrLocked) {
		t.Fatalf("second manager: %v, want ErrLocked", err)
	}
	m.Close(context.Background())
	m2, err := batch.Open(batch.Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	m2.Close(context.Background())
}

// TestManagerCancel: a running job and a queued one are cancelled (no
// report, never run again, no place in the queue); a finished job cannot
// be; a done job's report opens in either language.
func TestManagerCancel(t *testing.T) {
	input := writeInput(t, t.TempDir(), generate(50, 17, true), "csv", nil)
	started := make(chan struct{})
	var once sync.Once
	slow := func(req *calc.Request, into *calc.Result) (*calc.Result, error) {
		once.Do(func() { close(started) })
		time.Sleep(20 * time.Millisecond)
		return calc.Calculate(req, calc.Options{Into: into})
	}
	m := open(t, batch.Options{Calculate: slow, Parallel: 1, Workers: 1, Dir: t.TempDir()})
	running := submit(t, m, input, batch.Params{Lang: "ru"})
	queued := submit(t, m, input, batch.Params{Lang: "ru"})
	<-started
	if pos := m.Position(queued.ID); pos != 1 {
		t.Fatalf("queued job at %d, want 1", pos)
	}
	j, err := m.Cancel(queued.ID)
	if err != nil || j.Status != batch.StatusCancelled || m.Position(queued.ID) != 0 {
		t.Fatalf("queued: %+v %v", j, err)
	}
	j, err = m.Cancel(running.ID)
	if err != nil || j.Status != batch.StatusCancelled {
		t.Fatalf("running: %+v %v", j, err)
	}
	for _, id := range []string{running.ID, queued.ID} {
		if _, err := m.Report(id); !errors.Is(err, batch.ErrNotReady) {
			t.Errorf("report of cancelled %s: %v", id, err)
		}
		if _, err := m.Cancel(id); !errors.Is(err, batch.ErrFinished) {
			t.Errorf("second cancel of %s: %v", id, err)
		}
	}
	// A new job runs to the end, and its report is there in both languages.
	done := wait(t, m, submit(t, m, input, batch.Params{Lang: "ru"}).ID)
	if done.Status != batch.StatusDone {
		t.Fatalf("after the cancels: %+v", done)
	}
	for lang, sheet := range map[string]string{"ru": "Сводка", "en": "Summary"} {
		f, err := m.ReportIn(done.ID, lang)
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := x.GetSheetList()[0]; got != sheet {
			t.Errorf("%s report's first sheet %q", lang, got)
		}
		x.Close()
	}
}
