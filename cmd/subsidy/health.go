package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func init() {
	register(command{name: "health", summary: "probe the local service (for container health checks)", run: runHealth})
}

// runHealth asks the service on this machine for /healthz (or /readyz with
// --ready) and exits 0 when it answers 200, 1 otherwise. The address comes
// from --addr or SUBSIDY_ADDR like serve's; a host that listens on every
// interface (":8080", "0.0.0.0:8080") is probed on the loopback.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("SUBSIDY_ADDR", ":8080"), "address the service listens on ($SUBSIDY_ADDR)")
	ready := fs.Bool("ready", false, "probe /readyz instead of /healthz")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: subsidy health [--addr host:port] [--ready] [--timeout 3s]\n\nExits 0 when the local service answers 200, 1 otherwise.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitCode(2)
	}
	url := probeURL(*addr, *ready)
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "subsidy health:", err)
		return exitCode(1)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "subsidy health:", err)
		return exitCode(1)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "subsidy health: %s answered %s: %s\n", url, resp.Status, strings.TrimSpace(string(body)))
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "%s\n", strings.TrimSpace(string(body)))
	return nil
}

// probeURL turns a listen address into the URL to probe.
func probeURL(addr string, ready bool) string {
	path := "/healthz"
	if ready {
		path = "/readyz"
	}
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		return strings.TrimSuffix(addr, "/") + path
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, "8080"
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + path
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
