package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func init() {
	register(command{name: "health", summary: "probe the local service (for container health checks)", run: runHealth})
}

// runHealth asks the service on this machine for /healthz (or /readyz with
// --ready) and exits 0 when it answers 200, 1 otherwise. The address comes
// from --addr, else from the command line of the serve process --pid
// names (what a container's health check needs: the server is process 1
// and may have been given --addr), else from SUBSIDY_ADDR like serve's; a
// host that listens on every interface (":8080", "0.0.0.0:8080") and a
// port alone ("18101") are probed on the loopback.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("health", "[--addr host:port] [--pid 1] [--ready] [--timeout 3s]", `
Probes the local service: exits 0 when /healthz (or /readyz with --ready)
answers 200, 1 otherwise. Made for container health checks.`, stdout, stderr)
	addr := c.fs.String("addr", "", "`ADDR` the service listens on, host:port or a port (default: $SUBSIDY_ADDR, else :8080)")
	pid := c.fs.Int("pid", 0, "take the address from the command line and environment of the 'subsidy serve' process with this `PID` (in a container: 1), unless --addr is given; when that process is no 'subsidy serve', $SUBSIDY_ADDR")
	ready := c.fs.Bool("ready", false, "probe /readyz instead of /healthz")
	timeout := c.fs.Duration("timeout", 3*time.Second, "give up after this `DURATION`")
	return c.run(args, 0, 0, func() error {
		a := *addr
		if a == "" && *pid > 0 {
			// Not a serve process (docker run --init puts an init process
			// first): the environment's address, as without --pid.
			a, _ = serveAddrOf(*pid)
		}
		if a == "" {
			a = envOr("SUBSIDY_ADDR", ":8080")
		}
		url := probeURL(a, *ready)
		ctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s answered %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
		}
		fmt.Fprintf(stdout, "%s\n", strings.TrimSpace(string(body)))
		return nil
	})
}

// serveAddrOf reads the listen address of the serve process pid from
// /proc: its --addr flag, else its SUBSIDY_ADDR, else the default.
func serveAddrOf(pid int) (string, error) {
	dir := "/proc/" + strconv.Itoa(pid)
	cmdline, err := os.ReadFile(dir + "/cmdline")
	if err != nil {
		return "", err
	}
	environ, _ := os.ReadFile(dir + "/environ") // unreadable: this process's environment
	return serveAddrFrom(cmdline, environ)
}

// serveAddrFrom parses a process's NUL-separated command line and
// environment as serve would and returns its listen address.
func serveAddrFrom(cmdline, environ []byte) (string, error) {
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	if len(args) < 2 || args[1] != "serve" {
		return "", fmt.Errorf("process is not 'subsidy serve': %q", args)
	}
	getenv := os.Getenv
	if len(environ) > 0 {
		env := map[string]string{}
		for _, kv := range strings.Split(string(environ), "\x00") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
		getenv = func(k string) string { return env[k] }
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg serveConfig
	if _, err := serveFlags(fs, &cfg, getenv); err != nil {
		return "", err
	}
	if err := fs.Parse(reorderFlags(fs, args[2:])); err != nil {
		return "", fmt.Errorf("serve's command line: %v", err)
	}
	return cfg.addr, nil
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
	host, port, err := net.SplitHostPort(listenAddr(addr))
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
