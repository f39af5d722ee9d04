package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	ch chan []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.ch <- bytes.Clone(p)
	return len(p), nil
}

func TestPanicIsLoggedAndAnswered(t *testing.T) {
	logs := &syncBuffer{ch: make(chan []byte, 100)}
	s, err := New(Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.app.Get("/boom", func(*fiber.Ctx) error { panic("secret detail") })
	resp, err := s.app.Test(httptest.NewRequest("GET", "/boom", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || resp.Header.Get("Content-Type") != ContentTypeProblem {
		t.Fatalf("status %d type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if strings.Contains(string(body), "secret") {
		t.Errorf("panic text leaked to the client: %s", body)
	}
	var sawPanic bool
	for len(logs.ch) > 0 {
		line := <-logs.ch
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if rec["msg"] == "panic" && strings.Contains(rec["stack"].(string), "server_internal_test.go") {
			sawPanic = true
			if rec["request_id"] != resp.Header.Get("X-Request-Id") {
				t.Errorf("panic logged with request id %v, answer has %s", rec["request_id"], resp.Header.Get("X-Request-Id"))
			}
		}
	}
	if !sawPanic {
		t.Error("the panic was not logged with its stack")
	}
}

func TestConcurrencyLimit(t *testing.T) {
	s, err := New(Config{MaxInFlight: 1, QueueTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.slots.Acquire() // a calculation holds the only slot
	req := httptest.NewRequest("POST", "/api/v1/calculations", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != ContentTypeProblem {
		t.Errorf("busy: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	s.slots.Release() // released: the next request goes through
	req = httptest.NewRequest("POST", "/api/v1/calculations", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if resp, err = s.app.Test(req, -1); err != nil || resp.StatusCode != 422 {
		t.Errorf("after release: %v %d", err, resp.StatusCode)
	}
	// GET routes are not limited.
	s.slots.Acquire()
	if resp, err = s.app.Test(httptest.NewRequest("GET", "/healthz", nil), -1); err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz while busy: %v %d", err, resp.StatusCode)
	}
}

// TestGracefulShutdown starts a slow request, shuts down, and checks that
// the request still gets its answer while new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	s.app.Get("/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.SendString("done")
	})
	var hookRan bool
	s.onShutdown(func(context.Context) error { hookRan = true; return nil })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.app.Listener(ln) }()
	base := "http://" + ln.Addr().String()

	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{body: string(b)}
	}()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("slow request did not start")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	r := <-done
	if r.err != nil || r.body != "done" {
		t.Errorf("request in flight: %q, %v", r.body, r.err)
	}
	if !hookRan {
		t.Error("shutdown hook did not run")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("new connections accepted after Shutdown")
	}
}

func TestNegotiateLang(t *testing.T) {
	for header, want := range map[string]string{
		"":                         "ru",
		"en":                       "en",
		"en-GB,en;q=0.9,ru;q=0.8":  "en",
		"ru-RU,ru;q=0.9,en;q=0.8":  "ru",
		"de,en;q=0.5":              "en",
		"de,fr":                    "ru",
		"en;q=0,ru;q=0.1":          "ru",
		"en;q=0.4,ru;q=0.6":        "ru",
		"EN-us":                    "en",
		"en;q=abc":                 "ru",
		strings.Repeat("x,", 1000): "ru",
	} {
		if got := negotiateLang(header); got != want {
			t.Errorf("negotiateLang(%q) = %q, want %q", header, got, want)
		}
	}
}

// TestFormNumbers: the form reads numbers with calc.ParseNumber in the
// page's language (the grammar's own cases are in calc), so the English
// "5,000" is 5000, and in Russian it is refused with the reason.
func TestFormNumbers(t *testing.T) {
	for _, tc := range []struct{ in, lang, want, says string }{
		{"1 000 000,50", "ru", "1000000.5", ""},
		{"1,000,000.50", "en", "1000000.5", ""},
		{"5,000", "en", "5000", ""},
		{"2,5", "en", "2.5", ""},
		{"24,5", "ru", "24.5", ""},
		{"5,000", "ru", "", "неоднозначно"},
		{"abc", "ru", "", "введите число"},
		{"1e999999", "en", "", "enter a number"},
		{strings.Repeat("9", 40), "en", "", "too large"},
	} {
		errs := formErrors{}
		d, ok := formDecimal(errs, "loan.amount", tc.in, tc.lang, true)
		if tc.want != "" {
			if !ok || d.String() != tc.want || len(errs) > 0 {
				t.Errorf("formDecimal(%q, %s) = %s, %v %v; want %s", tc.in, tc.lang, d, ok, errs, tc.want)
			}
			continue
		}
		if ok || len(errs["loan.amount"]) != 1 || !strings.Contains(errs["loan.amount"][0], tc.says) {
			t.Errorf("formDecimal(%q, %s): %v %v; want an error saying %q", tc.in, tc.lang, ok, errs, tc.says)
		}
	}
	for _, tc := range []struct {
		in, lang string
		want     int
		ok       bool
	}{{"60", "ru", 60, true}, {"1 000", "ru", 1000, true}, {"1,000", "en", 1000, true}, {"1,000", "ru", 0, false}, {"2.5", "en", 0, false}, {"2000000", "en", 0, false}} {
		errs := formErrors{}
		n, ok := formInt(errs, "loan.term_months", tc.in, tc.lang, true)
		if ok != tc.ok || n != tc.want {
			t.Errorf("formInt(%q, %s) = %d, %v %v", tc.in, tc.lang, n, ok, errs)
		}
	}
}

func TestFormFieldOf(t *testing.T) {
	rowOf := []int{0, 1, 3}
	for path, want := range map[string]string{
		"project.participants[2].country": "project.participants[3].country",
		"project.participants[0].share":   "project.participants[0].share",
		"project.participants":            "project.participants",
		"project.participants[9].share":   "project.participants",
		"subsidy.fx[0].rate":              "subsidy.fx",
		"loan.amount":                     "loan.amount",
		"subsidy.start":                   "",
	} {
		if got := formFieldOf(path, rowOf); got != want {
			t.Errorf("formFieldOf(%q) = %q, want %q", path, got, want)
		}
	}
}
