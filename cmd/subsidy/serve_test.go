package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects a command's output from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeFlagsFromEnvironment(t *testing.T) {
	env := map[string]string{
		"SUBSIDY_ADDR":          "127.0.0.1:9000",
		"SUBSIDY_BODY_LIMIT":    "2MiB",
		"SUBSIDY_READ_TIMEOUT":  "3s",
		"SUBSIDY_MAX_IN_FLIGHT": "7",
		"SUBSIDY_DATA_DIR":      "/srv/jobs",
		"SUBSIDY_CALC_TIMEOUT":  "250ms",
		"SUBSIDY_MEMORY_LIMIT":  "64MiB",
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg serveConfig
	if _, err := serveFlags(fs, &cfg, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:9000" || cfg.bodyLimit != 2<<20 || cfg.readTimeout != 3*time.Second || cfg.maxInFlight != 7 || cfg.dataDir != "/srv/jobs" || cfg.calcTimeout != 250*time.Millisecond || cfg.memoryLimit != 64<<20 {
		t.Errorf("environment not applied: %+v", cfg)
	}
	// A flag wins over its variable.
	if err := fs.Parse([]string{"--addr", ":7000", "--body-limit", "512KiB"}); err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":7000" || cfg.bodyLimit != 512<<10 {
		t.Errorf("flags did not win: %+v", cfg)
	}
}

func TestServeFlagsDefaults(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg serveConfig
	if _, err := serveFlags(fs, &cfg, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if cfg.addr != ":8080" || cfg.rates != "" || cfg.logLevel != "info" || cfg.bodyLimit != 1<<20 || cfg.memoryLimit != defaultMemoryLimit {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestServeBadEnvironment(t *testing.T) {
	for k, v := range map[string]string{"SUBSIDY_BODY_LIMIT": "lots", "SUBSIDY_READ_TIMEOUT": "-1s", "SUBSIDY_MAX_IN_FLIGHT": "x"} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		var cfg serveConfig
		if _, err := serveFlags(fs, &cfg, func(name string) string {
			if name == k {
				return v
			}
			return ""
		}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error %v", k, v, err)
		}
	}
}

func TestServeHelp(t *testing.T) {
	var out bytes.Buffer
	if err := runServe(context.Background(), []string{"--help"}, &out, io.Discard); err != errHelp {
		t.Fatal(err)
	}
	for _, want := range []string{"SUBSIDY_ADDR", "SUBSIDY_RATES", "SUBSIDY_LOG_LEVEL", "SUBSIDY_BODY_LIMIT", "SUBSIDY_UPLOAD_LIMIT",
		"SUBSIDY_READ_TIMEOUT", "SUBSIDY_WRITE_TIMEOUT", "SUBSIDY_IDLE_TIMEOUT", "SUBSIDY_SHUTDOWN_TIMEOUT",
		"SUBSIDY_MAX_IN_FLIGHT", "SUBSIDY_MAX_CONNS", "SUBSIDY_DATA_DIR", "SUBSIDY_JOB_TTL", "SUBSIDY_GC_PERCENT", "SUBSIDY_MEMORY_LIMIT", "--addr", "default :8080"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestServeRejectsBadInput(t *testing.T) {
	for _, args := range [][]string{{"--log-level", "loud"}, {"extra"}, {"--nope"}} {
		err := runServe(context.Background(), args, io.Discard, io.Discard)
		if code, ok := err.(exitCode); !ok || code != 2 {
			t.Errorf("serve %v: %v, want exit status 2", args, err)
		}
	}
	if err := runServe(context.Background(), []string{"--rates", "/nonexistent.csv", "--addr", "127.0.0.1:0"}, io.Discard, io.Discard); err == nil {
		t.Error("a missing rates file was accepted")
	}
}

// TestServeAndHealth runs serve on a free port, probes it with the health
// command and stops it as SIGTERM would (by cancelling its context).
func TestServeAndHealth(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, []string{"--addr", "127.0.0.1:0", "--log-level", "info", "--data-dir", t.TempDir()}, io.Discard, logs)
	}()

	var addr string
	for i := 0; i < 500 && addr == ""; i++ {
		for _, line := range strings.Split(logs.String(), "\n") {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr = rec.Addr
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" {
		t.Fatalf("serve did not start: %s", logs.String())
	}
	var out, errOut bytes.Buffer
	if err := runHealth(context.Background(), []string{"--addr", addr}, &out, &errOut); err != nil {
		t.Fatalf("health: %v %s", err, errOut.String())
	}
	if err := runHealth(context.Background(), []string{"--addr", addr, "--ready"}, &out, &errOut); err != nil {
		t.Fatalf("health --ready: %v %s", err, errOut.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no stop logged: %s", logs.String())
	}
	if !strings.Contains(logs.String(), `"request_id"`) {
		t.Errorf("requests not logged with their id: %s", logs.String())
	}
	// Nothing listens any more.
	if err := runHealth(context.Background(), []string{"--addr", addr, "--timeout", "1s"}, io.Discard, io.Discard); err == nil {
		t.Error("health passed after shutdown")
	}
}

func TestProbeURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":             "http://127.0.0.1:8080/healthz",
		"0.0.0.0:9000":      "http://127.0.0.1:9000/healthz",
		"[::]:8080":         "http://127.0.0.1:8080/healthz",
		"10.1.2.3:80":       "http://10.1.2.3:80/healthz",
		"http://example:1/": "http://example:1/healthz",
		"localhost":         "http://localhost:8080/healthz",
		"18101":             "http://127.0.0.1:18101/healthz",
		"127.0.0.1:18101":   "http://127.0.0.1:18101/healthz",
	} {
		if got := probeURL(addr, false); got != want {
			t.Errorf("probeURL(%q) = %q, want %q", addr, got, want)
		}
	}
	if got := probeURL(":8080", true); got != "http://127.0.0.1:8080/readyz" {
		t.Errorf("ready probe %q", got)
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "1MiB": 1 << 20, "2 MB": 2 << 20, "1g": 1 << 30} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("byteSize(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "1TB", "MiB", "1.5MiB"} {
		var b byteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("byteSize(%q) accepted", bad)
		}
	}
}

// TestServeAddrFrom: health --pid reads the listen address from the serve
// process's command line and environment, as serve itself reads them.
func TestServeAddrFrom(t *testing.T) {
	nul := func(s ...string) []byte { return []byte(strings.Join(s, "\x00") + "\x00") }
	for _, c := range []struct {
		cmdline, environ []byte
		want             string
	}{
		{nul("/usr/local/bin/subsidy", "serve"), nul("PATH=/bin"), ":8080"},
		{nul("/usr/local/bin/subsidy", "serve"), nul("SUBSIDY_ADDR=:9000"), ":9000"},
		{nul("subsidy", "serve", "--addr", "127.0.0.1:7000"), nul("SUBSIDY_ADDR=:9000"), "127.0.0.1:7000"},
		{nul("subsidy", "serve", "--log-level=debug", "-addr=18101"), nil, "18101"},
	} {
		got, err := serveAddrFrom(c.cmdline, c.environ)
		if err != nil || got != c.want {
			t.Errorf("serveAddrFrom(%q, %q) = %q, %v; want %q", c.cmdline, c.environ, got, err, c.want)
		}
	}
	if _, err := serveAddrFrom(nul("/bin/sh", "-c", "x"), nil); err == nil {
		t.Error("a process that is not subsidy serve was taken")
	}
	if got := listenAddr("18101"); got != ":18101" {
		t.Errorf("listenAddr(18101) = %q", got)
	}
	for _, a := range []string{":8080", "127.0.0.1:80", "localhost:1", ""} {
		if got := listenAddr(a); got != a {
			t.Errorf("listenAddr(%q) = %q", a, got)
		}
	}
}
