package handlers

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
)

// metrics are the service's Prometheus metrics, kept by hand: a few
// counters and one histogram do not need a client library.
type metrics struct {
	start    time.Time
	version  string
	inFlight atomic.Int64
	rejected atomic.Int64 // 503 answers of the calculation limit

	mu       sync.RWMutex
	requests map[requestKey]*atomic.Int64
	duration map[string]*histogram // by route
	calcs    map[string]*atomic.Int64
}

type requestKey struct {
	method, route string
	code          int
}

// durationBuckets are the upper bounds of the request duration histogram,
// seconds.
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts [14]atomic.Int64 // len(durationBuckets)+1, the last is +Inf
	sumNs  atomic.Int64
}

func newMetrics(version string) *metrics {
	return &metrics{
		start:    time.Now(),
		version:  version,
		requests: map[requestKey]*atomic.Int64{},
		duration: map[string]*histogram{},
		calcs:    map[string]*atomic.Int64{},
	}
}

// observe counts one finished request.
func (m *metrics) observe(method, route string, code int, d time.Duration) {
	k := requestKey{method, route, code}
	m.mu.RLock()
	c, ok1 := m.requests[k]
	h, ok2 := m.duration[route]
	m.mu.RUnlock()
	if !ok1 || !ok2 {
		m.mu.Lock()
		if c = m.requests[k]; c == nil {
			c = new(atomic.Int64)
			m.requests[k] = c
		}
		if h = m.duration[route]; h == nil {
			h = new(histogram)
			m.duration[route] = h
		}
		m.mu.Unlock()
	}
	c.Add(1)
	sec := d.Seconds()
	i, _ := slices.BinarySearch(durationBuckets, sec)
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

// calculation counts one calculation by outcome: "ok", "invalid" (input
// refused), "timeout" (abandoned at Config.CalcTimeout) or "error".
func (m *metrics) calculation(outcome string) {
	m.mu.RLock()
	c := m.calcs[outcome]
	m.mu.RUnlock()
	if c == nil {
		m.mu.Lock()
		if c = m.calcs[outcome]; c == nil {
			c = new(atomic.Int64)
			m.calcs[outcome] = c
		}
		m.mu.Unlock()
	}
	c.Add(1)
}

// write renders every metric in the Prometheus text format 0.0.4.
func (m *metrics) write(b *bytes.Buffer) {
	m.mu.RLock()
	defer m.mu.RUnlock()

	fmt.Fprintf(b, "# HELP subsidy_build_info Version of the running service.\n# TYPE subsidy_build_info gauge\n")
	fmt.Fprintf(b, "subsidy_build_info{version=%s,goversion=%s} 1\n", quoteLabel(m.version), quoteLabel(runtime.Version()))

	fmt.Fprintf(b, "# HELP subsidy_http_requests_total HTTP requests answered, by method, route and status code.\n# TYPE subsidy_http_requests_total counter\n")
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		return cmpAll(strings.Compare(a.route, b.route), strings.Compare(a.method, b.method), a.code-b.code)
	})
	for _, k := range keys {
		fmt.Fprintf(b, "subsidy_http_requests_total{method=%s,route=%s,code=\"%d\"} %d\n",
			quoteLabel(k.method), quoteLabel(k.route), k.code, m.requests[k].Load())
	}

	fmt.Fprintf(b, "# HELP subsidy_http_request_duration_seconds Time to answer a request, by route.\n# TYPE subsidy_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.duration))
	for r := range m.duration {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		h := m.duration[r]
		var cum int64
		for i, le := range durationBuckets {
			cum += h.counts[i].Load()
			fmt.Fprintf(b, "subsidy_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", quoteLabel(r), strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		cum += h.counts[len(durationBuckets)].Load()
		fmt.Fprintf(b, "subsidy_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", quoteLabel(r), cum)
		fmt.Fprintf(b, "subsidy_http_request_duration_seconds_sum{route=%s} %s\n", quoteLabel(r), formatFloat(float64(h.sumNs.Load())/1e9))
		fmt.Fprintf(b, "subsidy_http_request_duration_seconds_count{route=%s} %d\n", quoteLabel(r), cum)
	}

	fmt.Fprintf(b, "# HELP subsidy_http_requests_in_flight Requests being answered now.\n# TYPE subsidy_http_requests_in_flight gauge\nsubsidy_http_requests_in_flight %d\n", m.inFlight.Load())
	fmt.Fprintf(b, "# HELP subsidy_calculations_total Calculations run, by outcome (ok, invalid, timeout, error).\n# TYPE subsidy_calculations_total counter\n")
	outcomes := []string{"ok", "invalid", "timeout", "error"}
	for o := range m.calcs {
		if !slices.Contains(outcomes, o) {
			outcomes = append(outcomes, o)
		}
	}
	for _, o := range outcomes {
		var n int64
		if c := m.calcs[o]; c != nil {
			n = c.Load()
		}
		fmt.Fprintf(b, "subsidy_calculations_total{outcome=%s} %d\n", quoteLabel(o), n)
	}
	fmt.Fprintf(b, "# HELP subsidy_calculations_rejected_total Calculations refused with 503 because every slot was busy.\n# TYPE subsidy_calculations_rejected_total counter\nsubsidy_calculations_rejected_total %d\n", m.rejected.Load())

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(b, "# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(b, "# HELP go_memstats_heap_alloc_bytes Bytes of allocated heap objects.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	fmt.Fprintf(b, "# HELP go_gc_cycles_total Completed GC cycles.\n# TYPE go_gc_cycles_total counter\ngo_gc_cycles_total %d\n", ms.NumGC)
	fmt.Fprintf(b, "# HELP process_start_time_seconds Start time of the process since the Unix epoch, seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %s\n", formatFloat(float64(m.start.UnixNano())/1e9))
}

func cmpAll(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// quoteLabel quotes a label value as the text format wants: backslash,
// double quote and newline escaped.
func quoteLabel(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// serveMetrics is GET /metrics.
func (s *Server) serveMetrics(c *fiber.Ctx) error {
	var b bytes.Buffer
	s.metrics.write(&b)
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b.Bytes())
}
