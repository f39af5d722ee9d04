package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/eaeu-subsidy/subsidy/storage/storagetest"
)

// TestBatchReplicas runs two servers on one PostgreSQL database, each with
// its own data directory, as two replicas behind a load balancer: a batch
// is uploaded to the first; the second shows its progress (status and
// events); the first is stopped while the job runs and the second
// finishes it; the report is downloaded from the second.
func TestBatchReplicas(t *testing.T) {
	url := storagetest.PostgresURL(t)
	if url == "" {
		t.Skip("no PostgreSQL")
	}
	replica := func() *handlers.Server {
		db, err := storage.Open(t.Context(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return newBatchServer(t, handlers.Config{Registry: db, BatchEvents: 20 * time.Second,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, batch.Options{Parallel: 1})
	}
	s1 := replica()
	// Enough rows (several MiB, so several chunks) that the job runs for
	// seconds.
	const rows = 40_000
	ct, body := multipartBody(t, "loans.csv", batchCSV(rows))
	a := doRaw(t, s1, http.MethodPost, "/api/v1/batches", ct, body)
	if a.Status != http.StatusAccepted {
		t.Fatalf("POST to the first replica: %d %s", a.Status, a)
	}
	j := decodeJob(t, a)
	deadline := time.Now().Add(60 * time.Second)
	for j.Status != "running" || j.Rows.Done == 0 {
		if j.Status == "done" {
			t.Skip("the job finished before the second replica started")
		}
		if time.Now().After(deadline) {
			t.Fatalf("job never ran: %+v", j)
		}
		time.Sleep(10 * time.Millisecond)
		j = decodeJob(t, do(t, s1, http.MethodGet, j.StatusURL, ""))
	}

	// The second replica starts while the first runs the job: it shows it.
	s2 := replica()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s2.Shutdown(ctx)
	})
	base2 := listen(t, s2)
	// Its progress reaches the database at least twice a second.
	for v := decodeJob(t, do(t, s2, http.MethodGet, j.StatusURL, "")); v.Status != "running" || v.Rows.Done == 0; v = decodeJob(t, do(t, s2, http.MethodGet, j.StatusURL, "")) {
		if v.Status != "running" || time.Now().After(deadline) {
			t.Fatalf("the second replica shows %+v", v)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The events of the second replica, followed as a browser does: a
	// stream that ends (Config.BatchEvents) before the job is reopened.
	type event struct {
		Status string
		Done   int
	}
	events := make(chan event, 10000)
	go func() {
		defer close(events)
		end := time.Now().Add(5 * time.Minute)
		for time.Now().Before(end) {
			stream, err := http.Get(base2 + j.StatusURL + "/events")
			if err != nil {
				return
			}
			last := ""
			sc := bufio.NewScanner(stream.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && d != "{}" {
					var v struct {
						Status string
						Rows   struct{ Done int }
					}
					if json.Unmarshal([]byte(d), &v) == nil {
						events <- event{v.Status, v.Rows.Done}
						last = v.Status
					}
				}
			}
			stream.Body.Close()
			if last != "running" && last != "queued" {
				return
			}
		}
	}()

	// The first replica stops while the job runs; the second finishes it.
	time.Sleep(500 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s1.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	var seen []event
	for e := range events {
		seen = append(seen, e)
	}
	if len(seen) < 3 || seen[0].Status != "running" || seen[len(seen)-1].Status != "done" {
		t.Fatalf("events from the second replica: %+v", seen)
	}
	j = decodeJob(t, do(t, s2, http.MethodGet, j.StatusURL, ""))
	if j.Status != "done" || j.Summary == nil || j.Summary.Rows != rows {
		t.Fatalf("finished job: %+v", j)
	}
	// Started twice: on the first replica, then on the second.
	db, err := storage.Open(t.Context(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := db.BatchJob(t.Context(), j.ID)
	db.Close()
	if err != nil || rec.Attempts != 2 {
		t.Fatalf("stored job: %+v %v", rec, err)
	}
	r := do(t, s2, http.MethodGet, j.ReportURL, "")
	if r.Status != http.StatusOK {
		t.Fatalf("report from the second replica: %d", r.Status)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	x.Close()
}
