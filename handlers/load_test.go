package handlers_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestLoad measures requests per second and latency at 32 connections
// against a server on 127.0.0.1: POST /api/v1/calculations with a 60-month
// EAEU loan, and GET /healthz as the framework's ceiling on this machine.
// It runs only with SUBSIDY_LOAD=1 (seconds per route in
// SUBSIDY_LOAD_SECONDS, default 5):
//
//	SUBSIDY_LOAD=1 go test -run TestLoad -v ./handlers
//
// Target (issue 3): the calculation route at no less than a third of the
// health route's rate.
func TestLoad(t *testing.T) {
	if os.Getenv("SUBSIDY_LOAD") != "1" {
		t.Skip("load test: set SUBSIDY_LOAD=1 to run it")
	}
	secs := 5
	if v, err := strconv.Atoi(os.Getenv("SUBSIDY_LOAD_SECONDS")); err == nil && v > 0 && v <= 120 {
		secs = v
	}
	const conns = 32
	// Production settings, JSON access log included (written to nowhere).
	s := newServer(t, handlers.Config{Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	base := listen(t, s)
	waitUp(t, base)
	addr := strings.TrimPrefix(base, "http://")

	health := fmt.Sprintf("GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
	calc := fmt.Sprintf("POST /api/v1/calculations HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, len(eaeuLoan), eaeuLoan)

	hz := runLoad(t, addr, []byte(health), conns, time.Duration(secs)*time.Second)
	cl := runLoad(t, addr, []byte(calc), conns, time.Duration(secs)*time.Second)
	t.Logf("GET  /healthz             %d conns: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests)", conns, hz.rps, ms(hz.p50), ms(hz.p99), hz.n)
	t.Logf("POST /api/v1/calculations %d conns: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests)", conns, cl.rps, ms(cl.p50), ms(cl.p99), cl.n)
	t.Logf("calculation / health rate: %.2f (target ≥ 0.33)", cl.rps/hz.rps)
	if cl.rps < hz.rps/3 {
		// On a shared machine the figures move with the neighbours; fail
		// only when asked to.
		msg := fmt.Sprintf("calculation route at %.0f req/s is below a third of /healthz's %.0f", cl.rps, hz.rps)
		if os.Getenv("SUBSIDY_LOAD_STRICT") == "1" {
			t.Error(msg)
		} else {
			t.Log("BELOW TARGET: " + msg + " (SUBSIDY_LOAD_STRICT=1 makes this a failure)")
		}
	}
}

type loadResult struct {
	n        int
	rps      float64
	p50, p99 time.Duration
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// runLoad sends req over conns keep-alive connections for d (bounded: it
// stops by itself) and checks every answer is 200.
func runLoad(t *testing.T, addr string, req []byte, conns int, d time.Duration) loadResult {
	t.Helper()
	var (
		mu    sync.Mutex
		lat   []time.Duration
		wg    sync.WaitGroup
		fails int
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				mu.Lock()
				fails++
				mu.Unlock()
				return
			}
			defer c.Close()
			r := bufio.NewReaderSize(c, 64<<10)
			local := make([]time.Duration, 0, 1<<14)
			for time.Now().Before(deadline) {
				t0 := time.Now()
				_ = c.SetDeadline(t0.Add(10 * time.Second))
				if _, err := c.Write(req); err != nil {
					break
				}
				status, err := readResponse(r)
				if err != nil || status != 200 {
					mu.Lock()
					fails++
					mu.Unlock()
					break
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if fails > 0 {
		t.Fatalf("%d connections failed", fails)
	}
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatal("no request completed")
	}
	return loadResult{
		n:   len(lat),
		rps: float64(len(lat)) / elapsed.Seconds(),
		p50: lat[len(lat)*50/100],
		p99: lat[len(lat)*99/100],
	}
}

// readResponse reads one HTTP/1.1 answer with a Content-Length (the server
// always sends one) and returns its status.
func readResponse(r *bufio.Reader) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 12 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, err
	}
	length := -1
	for {
		h, err := r.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(h, []byte(":")); ok && bytes.EqualFold(k, []byte("Content-Length")) {
			length, err = strconv.Atoi(string(bytes.TrimSpace(v)))
			if err != nil {
				return 0, err
			}
		}
	}
	if length < 0 {
		return 0, fmt.Errorf("answer without Content-Length")
	}
	_, err = r.Discard(length)
	return status, err
}
