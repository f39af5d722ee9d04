package storage_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// TestBatchChunks: files are stored in chunks of ChunkSize and read back
// byte for byte, whatever the sizes of the writes and reads.
func TestBatchChunks(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			if err := db.InsertBatchJob(ctx, &storage.BatchJob{ID: "j1", Status: storage.BatchReceiving, Created: time.Now(), Data: []byte("{}")}); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			for _, size := range []int{0, 1, storage.ChunkSize, 2*storage.ChunkSize + 12345} {
				want := make([]byte, size)
				for i := range want {
					want[i] = byte(r.IntN(256))
				}
				if err := db.DeleteBatchChunks(ctx, "j1", storage.ChunkReport); err != nil {
					t.Fatal(err)
				}
				w := db.NewChunkWriter(ctx, "j1", storage.ChunkReport)
				for rest := want; len(rest) > 0; {
					n := min(len(rest), 1+r.IntN(300_000))
					if _, err := w.Write(rest[:n]); err != nil {
						t.Fatal(err)
					}
					rest = rest[n:]
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				rd, err := db.NewChunkReader(ctx, "j1", storage.ChunkReport)
				if size == 0 {
					if !errors.Is(err, storage.ErrNotFound) {
						t.Errorf("empty file: %v, want ErrNotFound", err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(io.LimitReader(rd, int64(size)+1))
				if err != nil || !bytes.Equal(got, want) || rd.Size() != int64(size) {
					t.Errorf("size %d: read %d bytes (Size %d), equal %v, %v", size, len(got), rd.Size(), bytes.Equal(got, want), err)
				}
			}
		})
	}
}

// TestBatchClaim: a job is claimed by one owner at a time, in the order
// jobs were created; a running job is claimed again only when its lease
// ran out; a replica that lost the lease can no longer write the job.
func TestBatchClaim(t *testing.T) {
	for name, db := range storagetest.Engines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			now := time.Now()
			for i, id := range []string{"a", "b"} {
				if err := db.InsertBatchJob(ctx, &storage.BatchJob{ID: id, Status: storage.BatchReceiving, Created: now.Add(time.Duration(i) * time.Second), Data: []byte("{}")}); err != nil {
					t.Fatal(err)
				}
			}
			if j, err := db.ClaimBatchJob(ctx, "r1", now, time.Minute); j != nil || err != nil {
				t.Fatalf("claimed a job still being received: %+v %v", j, err)
			}
			for _, id := range []string{"b", "a"} {
				if err := db.QueueBatchJob(ctx, id, []byte(`{"queued":true}`)); err != nil {
					t.Fatal(err)
				}
			}
			j1, err := db.ClaimBatchJob(ctx, "r1", now, time.Minute)
			if err != nil || j1 == nil || j1.ID != "a" || j1.Owner != "r1" || j1.Attempts != 1 || j1.Status != storage.BatchRunning {
				t.Fatalf("first claim: %+v %v", j1, err)
			}
			j2, err := db.ClaimBatchJob(ctx, "r2", now, time.Minute)
			if err != nil || j2 == nil || j2.ID != "b" {
				t.Fatalf("second claim: %+v %v", j2, err)
			}
			if j, err := db.ClaimBatchJob(ctx, "r3", now.Add(59*time.Second), time.Minute); j != nil || err != nil {
				t.Fatalf("claimed a job under a live lease: %+v %v", j, err)
			}
			// r1 renews; r2 does not and its lease runs out: r3 takes b.
			if ok, err := db.RenewBatchLease(ctx, "a", "r1", now.Add(2*time.Minute)); !ok || err != nil {
				t.Fatalf("renew: %v %v", ok, err)
			}
			j3, err := db.ClaimBatchJob(ctx, "r3", now.Add(61*time.Second), time.Minute)
			if err != nil || j3 == nil || j3.ID != "b" || j3.Owner != "r3" || j3.Attempts != 2 {
				t.Fatalf("claim after the lease ran out: %+v %v", j3, err)
			}
			// r2 comes back: it holds nothing any more.
			if ok, err := db.RenewBatchLease(ctx, "b", "r2", now.Add(time.Hour)); ok || err != nil {
				t.Errorf("r2 renewed a lease it lost: %v %v", ok, err)
			}
			if ok, err := db.SaveBatchJob(ctx, "r2", &storage.BatchJob{ID: "b", Status: storage.BatchDone, Finished: now, Data: []byte("{}")}); ok || err != nil {
				t.Errorf("r2 finished a job it lost: %v %v", ok, err)
			}
			if ok, err := db.SaveBatchJob(ctx, "r3", &storage.BatchJob{ID: "b", Status: storage.BatchDone, Attempts: 2, Finished: now, Data: []byte(`{"done":true}`)}); !ok || err != nil {
				t.Errorf("r3 could not finish its job: %v %v", ok, err)
			}
			if ok, err := db.ReleaseBatchJob(ctx, "a", "r1", []byte("{}")); !ok || err != nil {
				t.Errorf("release: %v %v", ok, err)
			}
			a, err := db.BatchJob(ctx, "a")
			if err != nil || a.Status != storage.BatchQueued || a.Owner != "" || !a.LeaseUntil.IsZero() || a.Attempts != 1 {
				t.Errorf("released job: %+v %v", a, err)
			}
			b, err := db.BatchJob(ctx, "b")
			if err != nil || b.Status != storage.BatchDone || string(b.Data) != `{"done":true}` || b.Finished.IsZero() {
				t.Errorf("finished job: %+v %v", b, err)
			}
			stale, err := db.StaleBatchJobs(ctx, now.Add(time.Second), now)
			if err != nil || len(stale) != 1 || stale[0] != "b" {
				t.Errorf("stale: %v %v", stale, err)
			}
			if err := db.DeleteBatchJob(ctx, "b"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.BatchJob(ctx, "b"); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("deleted job: %v", err)
			}
		})
	}
}

// BenchmarkBatchChunks stores and reads back a 32 MiB file (the largest
// upload) in chunks.
func BenchmarkBatchChunks(b *testing.B) {
	data := make([]byte, 32<<20)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	for name, db := range storagetest.Engines(b) {
		b.Run(name, func(b *testing.B) {
			ctx := b.Context()
			if err := db.InsertBatchJob(ctx, &storage.BatchJob{ID: "bench", Status: storage.BatchReceiving, Created: time.Now(), Data: []byte("{}")}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := db.DeleteBatchChunks(ctx, "bench", storage.ChunkInput); err != nil {
					b.Fatal(err)
				}
				w := db.NewChunkWriter(ctx, "bench", storage.ChunkInput)
				if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				rd, err := db.NewChunkReader(ctx, "bench", storage.ChunkInput)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, rd); err != nil || n != int64(len(data)) {
					b.Fatal(n, err)
				}
			}
		})
	}
}
