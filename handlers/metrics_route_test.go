package handlers_test

import (
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
)

// TestMetricsRouteOfUnmatched: a request no route answers is counted under
// a label of its own, never under a real route such as the form page's
// "/" (which would make the form look broken when scanners probe paths).
func TestMetricsRouteOfUnmatched(t *testing.T) {
	s := newServer(t, handlers.Config{})
	for _, r := range []struct {
		method, target string
		status         int
	}{
		{"GET", "/no-such-page", 404},
		{"GET", "/api/v1/no-such-thing", 404},
		{"DELETE", "/", 405},
		{"PUT", "/api/v1/calculations", 405},
		{"GET", "/", 200},
	} {
		if a := do(t, s, r.method, r.target, ""); a.Status != r.status {
			t.Fatalf("%s %s: %d, want %d", r.method, r.target, a.Status, r.status)
		}
	}
	body := string(do(t, s, "GET", "/metrics", "").Body)
	for _, want := range []string{
		`subsidy_http_requests_total{method="GET",route="unmatched",code="404"} 2`,
		`subsidy_http_requests_total{method="DELETE",route="unmatched",code="405"} 1`,
		`subsidy_http_requests_total{method="PUT",route="unmatched",code="405"} 1`,
		`subsidy_http_requests_total{method="GET",route="/",code="200"} 1`,
		`subsidy_http_request_duration_seconds_count{route="/"} 1`,
		`subsidy_http_request_duration_seconds_count{route="unmatched"} 4`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, `route="/"`) && (strings.Contains(line, `code="404"`) || strings.Contains(line, `code="405"`)) {
			t.Errorf("an unmatched request counted under the form page: %s", line)
		}
	}
}
