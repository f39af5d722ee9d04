package batch_test

import (
	"bytes"
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// slowCalc is a calculation engine that takes d a row and counts the rows.
func slowCalc(d time.Duration, n *atomic.Int64) batch.CalculateFunc {
	return func(r *calc.Request, into *calc.Result) (*calc.Result, error) {
		n.Add(1)
		time.Sleep(d)
		return calc.Calculate(r, calc.Options{Into: into})
	}
}

// waitRows waits until n counts at least want rows.
func waitRows(t *testing.T, n *atomic.Int64, want int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for n.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("%d rows computed, want %d", n.Load(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

func reportBytes(t *testing.T, m *batch.Manager, id string) []byte {
	t.Helper()
	f, err := m.Report(id)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil || int64(len(b)) != f.Size() || len(b) == 0 {
		t.Fatalf("report: %d bytes of %d: %v", len(b), f.Size(), err)
	}
	return b
}

// TestReplicasFollow: a job submitted to one manager and run there is
// followed from a second manager on the same database (progress while it
// runs, then the end), and its report downloaded from it, byte for byte.
func TestReplicasFollow(t *testing.T) {
	for engine, db := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			var rows atomic.Int64
			m1 := open(t, batch.Options{Dir: t.TempDir(), DB: db, Parallel: 1, Calculate: slowCalc(10*time.Millisecond, &rows)})
			input := writeInput(t, t.TempDir(), generate(120, 41, true), "csv", nil)
			j := submit(t, m1, input, batch.Params{Lang: "en"})
			waitRows(t, &rows, 1)
			// m2 starts once m1 runs the job: m2 cannot take it (m1 holds
			// its lease); it only follows it.
			m2 := open(t, batch.Options{Dir: t.TempDir(), DB: db, Poll: 50 * time.Millisecond})
			seen := map[int]bool{}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var last *batch.Job
			for {
				cur, ch, err := m2.Watch(j.ID)
				if err != nil {
					t.Fatal(err)
				}
				last = cur
				if cur.Status == batch.StatusRunning {
					seen[cur.Rows.Done+cur.Rows.Failed] = true
				}
				if ch == nil {
					break
				}
				select {
				case <-ch:
				case <-ctx.Done():
					t.Fatalf("job still %s", cur.Status)
				}
			}
			if last.Status != batch.StatusDone || last.Attempts != 1 || last.Rows.Done+last.Rows.Failed != 120 {
				t.Fatalf("followed to %+v", last)
			}
			if len(seen) < 2 {
				t.Errorf("m2 saw the progress %v: want several steps while the job ran", seen)
			}
			if n := rows.Load(); n != 120 {
				t.Errorf("m1 computed %d rows, want 120 (only m1 ran the job)", n)
			}
			if a, b := reportBytes(t, m1, j.ID), reportBytes(t, m2, j.ID); !bytes.Equal(a, b) {
				t.Errorf("the report differs between replicas: %d and %d bytes", len(a), len(b))
			}
		})
	}
}

// TestReplicasTakeOver: the replica running a job is killed (nothing
// released, its lease no longer renewed); after the lease runs out the
// other replica takes the job up and finishes it.
func TestReplicasTakeOver(t *testing.T) {
	for engine, db := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			lease := 600 * time.Millisecond
			var rows1, rows2 atomic.Int64
			m1, err := batch.Open(batch.Options{Dir: t.TempDir(), DB: db, Parallel: 1, Lease: lease, Logger: quiet,
				Calculate: slowCalc(20*time.Millisecond, &rows1)})
			if err != nil {
				t.Fatal(err)
			}
			input := writeInput(t, t.TempDir(), generate(200, 43, true), "csv", nil)
			j := submit(t, m1, input, batch.Params{Lang: "ru"})
			waitRows(t, &rows1, 5)
			m2 := open(t, batch.Options{Dir: t.TempDir(), DB: db, Lease: lease, Poll: 50 * time.Millisecond,
				Calculate: slowCalc(0, &rows2)})
			time.Sleep(2 * lease) // m1 renews its lease meanwhile
			if rows2.Load() != 0 {
				t.Fatal("m2 ran the job while m1 held it")
			}
			killed := time.Now()
			batch.Kill(m1)
			rec, err := db.BatchJob(t.Context(), j.ID)
			if err != nil || rec.Status != storage.BatchRunning || rec.Owner == "" {
				t.Fatalf("after the kill: %+v %v, want still running under m1's lease", rec, err)
			}
			done := wait(t, m2, j.ID)
			if done.Status != batch.StatusDone || done.Attempts != 2 || done.Rows.Done+done.Rows.Failed != 200 {
				t.Fatalf("after the take-over: %+v %+v", done, done.Error)
			}
			if rows2.Load() != 200 {
				t.Errorf("m2 computed %d rows, want all 200", rows2.Load())
			}
			if took := time.Since(killed); took < lease/2 {
				t.Errorf("taken over %v after the kill, before the lease (%v) ran out", took, lease)
			}
			reportBytes(t, m2, j.ID)
		})
	}
}

// TestReplicasCancel: a job running on one replica is cancelled from
// another: it is cancelled at once for both, and the replica running it
// stops computing.
func TestReplicasCancel(t *testing.T) {
	for engine, db := range storagetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			var rows atomic.Int64
			m1 := open(t, batch.Options{Dir: t.TempDir(), DB: db, Parallel: 1, Calculate: slowCalc(10*time.Millisecond, &rows)})
			input := writeInput(t, t.TempDir(), generate(500, 47, true), "csv", nil)
			j := submit(t, m1, input, batch.Params{Lang: "en"})
			waitRows(t, &rows, 3)
			m2 := open(t, batch.Options{Dir: t.TempDir(), DB: db, Poll: 50 * time.Millisecond})
			got, err := m2.Cancel(j.ID)
			if err != nil || got.Status != batch.StatusCancelled {
				t.Fatalf("Cancel from the other replica: %+v %v", got, err)
			}
			done := wait(t, m1, j.ID)
			if done.Status != batch.StatusCancelled {
				t.Fatalf("on the running replica: %+v", done)
			}
			time.Sleep(300 * time.Millisecond)
			n := rows.Load()
			time.Sleep(300 * time.Millisecond)
			if rows.Load() != n || n >= 500 {
				t.Errorf("the running replica kept computing: %d, then %d rows", n, rows.Load())
			}
			if _, err := m2.Report(j.ID); err == nil {
				t.Error("a cancelled job has a report")
			}
		})
	}
}
