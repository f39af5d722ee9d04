package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// loadOpenAPI parses and validates the served document.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(handlers.OpenAPI())
	if err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

var fiberParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// TestOpenAPIRoutes fails when the app serves a route the document does
// not describe, or the document describes one the app does not serve.
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	s := newServer(t, handlers.Config{})

	served := map[string]bool{}
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == http.MethodHead { // Fiber adds HEAD to every GET
			continue
		}
		served[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range served {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("served but not in openapi.yaml: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("in openapi.yaml but not served: %v", extra)
	}
}

// TestOpenAPIExamples validates every example request body against its
// schema, sends it, and validates the answer against the document. It
// also validates the answers of the GET routes and of an error.
func TestOpenAPIExamples(t *testing.T) {
	doc := loadOpenAPI(t)
	doc.Servers = openapi3.Servers{{URL: "http://localhost:8080"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, handlers.Config{})
	ctx := context.Background()

	// check sends req to the app and validates request and answer.
	check := func(t *testing.T, req *http.Request, body []byte, wantStatus int) {
		t.Helper()
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("no route in the document for %s %s: %v", req.Method, req.URL, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		// Validation may rewrite the body (it fills in defaults): the app
		// gets a fresh copy of the request.
		sent := req.Clone(ctx)
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
			sent.Body = io.NopCloser(bytes.NewReader(body))
			sent.ContentLength = int64(len(body))
		}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("request does not match the document: %v", err)
		}
		resp, err := s.App().Test(sent, -1)
		if err != nil {
			t.Fatal(err)
		}
		respBody, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, wantStatus, respBody)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
			Header: resp.Header, Body: io.NopCloser(bytes.NewReader(respBody)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("answer does not match the document: %.2000v", err)
		}
	}

	op := doc.Paths.Find("/api/v1/calculations").Post
	media := op.RequestBody.Value.Content.Get("application/json")
	if len(media.Examples) == 0 {
		t.Fatal("no example requests in the document")
	}
	for name, ex := range media.Examples {
		t.Run("Example/"+name, func(t *testing.T) {
			if err := media.Schema.Value.VisitJSON(ex.Value.Value); err != nil {
				t.Fatalf("example does not match its schema: %v", err)
			}
			body, err := json.Marshal(ex.Value.Value)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("POST", "http://localhost:8080/api/v1/calculations", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			check(t, req, body, 200)
		})
	}

	for _, tc := range []struct {
		target string
		status int
	}{
		{"/api/v1/programmes", 200},
		{"/api/v1/base-rates?country=RU", 200},
		{"/api/v1/base-rates", 200},
		{"/api/v1/base-rates?country=XX", 400},
		{"/healthz", 200},
		{"/readyz", 200},
	} {
		t.Run("GET"+strings.ReplaceAll(tc.target, "/", "_"), func(t *testing.T) {
			check(t, httptest.NewRequest("GET", "http://localhost:8080"+tc.target, nil), nil, tc.status)
		})
	}

	t.Run("Problem422", func(t *testing.T) {
		body := []byte(`{"loan":{"amount":"-1","currency":"RUB","rate":"20","issue_date":"2025-03-14","term_months":24},"subsidy":{"programme":"eaeu-industrial"}}`)
		req := httptest.NewRequest("POST", "http://localhost:8080/api/v1/calculations", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		check(t, req, body, 422)
	})
}

// TestOpenAPIComparisonsAndScenarios validates the comparison and
// scenario routes' answers against the document.
func TestOpenAPIComparisonsAndScenarios(t *testing.T) {
	doc := loadOpenAPI(t)
	doc.Servers = openapi3.Servers{{URL: "http://localhost:8080"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, handlers.Config{})
	ctx := context.Background()
	for _, tc := range []struct {
		method, target, body string
		status               int
	}{
		{"GET", "/api/v1/scenarios", "", 200},
		{"POST", "/api/v1/comparisons", `{"project":{"participants":[{"country":"BY","share":"40"},{"country":"RU","share":"35"},{"country":"KZ","share":"25"}]},"loan":{"amount":"1000000000.00","currency":"RUB","rate":"21","issue_date":"2025-03-14","term_months":60}}`, 200},
		{"POST", "/api/v1/comparisons", `{"loan":{"amount":"1000000","currency":"KZT","rate":"21","issue_date":"2025-03-14","term_months":60},"programmes":["eaeu-industrial","kz-baiterek"]}`, 200},
		{"POST", "/api/v1/comparisons", `{"loan":{"amount":"-1","currency":"RUB","rate":"21","issue_date":"2025-03-14","term_months":60}}`, 422},
		{"POST", "/api/v1/calculations", `{"loan":{"amount":"1000000","currency":"RUB","rate":"21","issue_date":"2026-03-14","term_months":36},"subsidy":{"programme":"ru-kip","rule":{"steps":[{"from_year":2,"floor_base_share":"0.5"}]}},"scenarios":["low","base","high"]}`, 200},
	} {
		t.Run(tc.method+strings.ReplaceAll(tc.target, "/", "_"), func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req := httptest.NewRequest(tc.method, "http://localhost:8080"+tc.target, body)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("request does not match the document: %v", err)
			}
			sent := httptest.NewRequest(tc.method, "http://localhost:8080"+tc.target, strings.NewReader(tc.body))
			if tc.body != "" {
				sent.Header.Set("Content-Type", "application/json")
			}
			resp, err := s.App().Test(sent, -1)
			if err != nil {
				t.Fatal(err)
			}
			respBody, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, respBody)
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode,
				Header: resp.Header, Body: io.NopCloser(bytes.NewReader(respBody)),
				Options: &openapi3filter.Options{IncludeResponseStatus: true}}
			if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
				t.Errorf("answer does not match the document: %.2000v", err)
			}
		})
	}
}
