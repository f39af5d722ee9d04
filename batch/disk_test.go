package batch_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
)

// fakeDisk is the real file system with a free-space figure the test sets
// and, when full is set, writes that fail with ENOSPC after limit bytes.
type fakeDisk struct {
	free  atomic.Int64
	full  atomic.Bool
	limit int64
}

func (d *fakeDisk) Free(string) (uint64, error) { return uint64(d.free.Load()), nil }

func (d *fakeDisk) Create(path string) (batch.File, error) {
	f, err := batch.OSDisk{}.Create(path)
	if err != nil {
		return nil, err
	}
	if d.full.Load() {
		return &fullFile{File: f, left: d.limit}, nil
	}
	return f, nil
}

type fullFile struct {
	batch.File
	left int64
}

func (f *fullFile) Write(b []byte) (int, error) {
	if int64(len(b)) > f.left {
		n, _ := f.File.Write(b[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: "report", Err: syscall.ENOSPC}
	}
	f.left -= int64(len(b))
	return f.File.Write(b)
}

// TestManagerDiskFull: with the disk full an upload is refused with
// ErrDiskFull and the manager is not ready; a disk that fills up during a
// job stops it early with "disk full", and so does a write that fails with
// ENOSPC; with space again the manager is ready.
func TestManagerDiskFull(t *testing.T) {
	d := &fakeDisk{}
	d.free.Store(1 << 40)
	var calls atomic.Int64
	slow := func(r *calc.Request, into *calc.Result) (*calc.Result, error) {
		calls.Add(1)
		time.Sleep(2 * time.Millisecond)
		return calc.Calculate(r, calc.Options{Into: into})
	}
	m := open(t, batch.Options{Dir: t.TempDir(), Disk: d, Parallel: 1, Calculate: slow})
	input := writeInput(t, t.TempDir(), generate(2000, 29, true), "csv", nil)
	if err := m.Ready(); err != nil {
		t.Fatalf("Ready with space: %v", err)
	}

	t.Run("Upload", func(t *testing.T) {
		d.free.Store(1 << 20)
		defer d.free.Store(1 << 40)
		b, _ := os.ReadFile(input)
		if _, err := m.Submit(bytes.NewReader(b), batch.Params{}); !errors.Is(err, batch.ErrDiskFull) {
			t.Errorf("Submit on a full disk: %v", err)
		}
		if err := m.Ready(); !errors.Is(err, batch.ErrDiskFull) || !strings.Contains(err.Error(), "1 MiB free") {
			t.Errorf("Ready on a full disk: %v", err)
		}
	})

	t.Run("FillsDuringJob", func(t *testing.T) {
		calls.Store(0)
		j := submit(t, m, input, batch.Params{Lang: "en"})
		for calls.Load() < 10 {
			time.Sleep(time.Millisecond)
		}
		d.free.Store(0)
		done := wait(t, m, j.ID)
		d.free.Store(1 << 40)
		if done.Status != batch.StatusFailed || done.Error == nil || !strings.HasPrefix(done.Error.En, "disk full") {
			t.Fatalf("%+v %+v", done, done.Error)
		}
		if n := calls.Load(); n >= 2000 {
			t.Errorf("computed %d rows of 2000 before failing: not early", n)
		}
	})

	t.Run("ENOSPC", func(t *testing.T) {
		small := writeInput(t, t.TempDir(), generate(3, 29, true), "csv", nil)
		j := submit(t, m, small, batch.Params{Lang: "ru"})
		d.limit = 4096 // the upload fits, the report does not
		d.full.Store(true)
		defer d.full.Store(false)
		// The report file is created when the job starts: the job above
		// may have started already; run one more to be sure.
		j2 := submit(t, m, small, batch.Params{Lang: "ru"})
		wait(t, m, j.ID)
		done := wait(t, m, j2.ID)
		if done.Status != batch.StatusFailed || done.Error == nil || !strings.HasPrefix(done.Error.Ru, "диск заполнен") {
			t.Fatalf("%+v %+v", done, done.Error)
		}
	})
	if err := m.Ready(); err != nil {
		t.Errorf("Ready after the disk has space again: %v", err)
	}
}

// TestManagerNotWritable: a data directory that cannot be written makes
// the manager not ready, saying so.
func TestManagerNotWritable(t *testing.T) {
	dir := t.TempDir()
	m := open(t, batch.Options{Dir: dir})
	if err := os.RemoveAll(filepath.Join(dir, "tmp")); err != nil {
		t.Fatal(err)
	}
	if err := m.Ready(); err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("Ready: %v", err)
	}
}

// TestManagerCleansTemp: files a killed process left half-written (an
// excelize temporary file, a report being written, an upload being
// received) are removed at start-up; jobs are kept.
func TestManagerCleansTemp(t *testing.T) {
	dir := t.TempDir()
	m := open(t, batch.Options{Dir: dir})
	input := writeInput(t, t.TempDir(), generate(2, 31, true), "csv", nil)
	j := wait(t, m, submit(t, m, input, batch.Params{}).ID)
	m.Close(t.Context())
	stale := []string{
		filepath.Join(dir, "tmp", "report-"+j.ID+".xlsx"),
		filepath.Join(dir, "tmp", "input-"+j.ID),
		filepath.Join(dir, "tmp", "excelize-987"),
		filepath.Join(dir, "tmp", "upload-abc"),
	}
	for _, p := range stale {
		if err := os.WriteFile(p, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m2 := open(t, batch.Options{Dir: dir})
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", p, err)
		}
	}
	if f, err := m2.Report(j.ID); err != nil {
		t.Errorf("the finished job's report: %v", err)
	} else {
		f.Close()
	}
}

// TestManagerCheckBound: while every header-check slot is taken, an
// upload waits CheckWait and is then refused with ErrBusy, keeping
// nothing.
func TestManagerCheckBound(t *testing.T) {
	dir := t.TempDir()
	m := open(t, batch.Options{Dir: dir, Checks: 1, CheckWait: 50 * time.Millisecond})
	input := writeInput(t, t.TempDir(), generate(2, 37, true), "csv", nil)
	release := batch.HoldChecks(m)
	b, _ := os.ReadFile(input)
	if _, err := m.Submit(bytes.NewReader(b), batch.Params{}); !errors.Is(err, batch.ErrBusy) {
		t.Errorf("Submit with the checks busy: %v, want ErrBusy", err)
	}
	// The refused upload kept nothing. (Looked at before the next upload:
	// the job that one starts writes its own temporary files.)
	ents, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	if len(ents) != 0 {
		t.Errorf("%d files left in tmp by the refused upload", len(ents))
	}
	release()
	submit(t, m, input, batch.Params{})
}
