package handlers_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
)

// newServer builds a server with cfg; the zero Config is the production
// default, with a batch manager as cmd/subsidy serve opens it (unless cfg
// has one or BatchesErr) but on a temporary data directory rather than the
// user's cache.
func newServer(tb testing.TB, cfg handlers.Config) *handlers.Server {
	tb.Helper()
	return newBatchServer(tb, cfg, batch.Options{})
}

// newBatchServer builds a server with cfg and, unless cfg.Batches or
// cfg.BatchesErr is set, a batch manager opened with opt the way
// cmd/subsidy serve does: on cfg.Registry, sharing cfg.Slots, with
// cfg.UploadLimit and cfg.Logger; opt.Dir defaults to a temporary
// directory. A manager that cannot open becomes cfg.BatchesErr, as in
// serve. The server's Shutdown closes the manager.
func newBatchServer(tb testing.TB, cfg handlers.Config, opt batch.Options) *handlers.Server {
	tb.Helper()
	if cfg.Batches == nil && cfg.BatchesErr == nil {
		if cfg.Slots == nil {
			cfg.Slots = handlers.NewSlots(cfg.MaxInFlight)
		}
		rates := cfg.Rates
		if rates == nil {
			rates = calc.DefaultRateBook()
		}
		if opt.Dir == "" {
			opt.Dir = tb.TempDir()
		}
		if opt.DB == nil {
			opt.DB = cfg.Registry
		}
		if opt.Logger == nil {
			opt.Logger = cfg.Logger
		}
		if opt.Logger == nil {
			opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		}
		if opt.Read.MaxBytes == 0 && cfg.UploadLimit > 0 {
			opt.Read.MaxBytes = int64(cfg.UploadLimit)
		}
		if opt.Calculate == nil {
			opt.Calculate = cfg.Slots.Calculate(rates)
		}
		cfg.Batches, cfg.BatchesErr = batch.Open(opt)
	}
	s, err := handlers.New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return s
}

// listen serves s on a loopback port until the test ends and returns its
// base URL.
func listen(tb testing.TB, s *handlers.Server) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = s.App().Listener(ln) }()
	tb.Cleanup(func() { _ = s.App().Shutdown() })
	return "http://" + ln.Addr().String()
}

// waitUp waits until the server at base answers /healthz.
func waitUp(tb testing.TB, base string) {
	tb.Helper()
	for i := 0; i < 200; i++ {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("%s does not answer", base)
}

// answer is a response read whole.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a answer) String() string {
	if len(a.Body) > 600 {
		return string(a.Body[:600]) + "…"
	}
	return string(a.Body)
}

// do sends a request to the in-process app; headers alternate name and
// value.
func do(tb testing.TB, s *handlers.Server, method, target, body string, headers ...string) answer {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.App().Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// postJSON posts body to the calculation route.
func postJSON(tb testing.TB, s *handlers.Server, body string, headers ...string) answer {
	tb.Helper()
	return do(tb, s, http.MethodPost, "/api/v1/calculations", body, append([]string{"Content-Type", "application/json"}, headers...)...)
}

// problem decodes a problem+json answer, failing the test when the answer
// is not one.
func problem(tb testing.TB, a answer) handlers.Problem {
	tb.Helper()
	if ct := a.Header.Get("Content-Type"); ct != handlers.ContentTypeProblem {
		tb.Fatalf("Content-Type %q, want %s; body %s", ct, handlers.ContentTypeProblem, a)
	}
	var p handlers.Problem
	if err := json.Unmarshal(a.Body, &p); err != nil {
		tb.Fatalf("problem body: %v: %s", err, a)
	}
	if p.Status != a.Status || p.Type == "" || p.Title == "" {
		tb.Fatalf("incomplete problem for status %d: %+v", a.Status, p)
	}
	return p
}

// hasField reports whether p names field among its errors.
func hasField(p handlers.Problem, field string) bool {
	for _, e := range p.Errors {
		if e.Field == field && e.Message != "" {
			return true
		}
	}
	return false
}

// eaeuLoan is a 60-month EAEU loan (API.md's example without overrides).
const eaeuLoan = `{
  "project": {"name": "Electric bus components", "participants": [
    {"name": "Plant A", "country": "BY", "share": "40"},
    {"name": "Plant B", "country": "RU", "share": "35"},
    {"name": "Plant C", "country": "KZ", "share": "25"}]},
  "loan": {"amount": "1000000000.00", "currency": "RUB", "rate": "24.5", "issue_date": "2025-03-14",
           "term_months": 60, "repayment": "annuity", "frequency": "monthly", "day_count": "act/act"},
  "subsidy": {"programme": "eaeu-industrial"}
}`
