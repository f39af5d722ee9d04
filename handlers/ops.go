package handlers

import (
	"context"
	_ "embed"
	"net/http"
	"slices"
	"time"

	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/gofiber/fiber/v2"
)

// openapiYAML is the OpenAPI 3 description of the service (API.md),
// served at GET /openapi.yaml and kept in step with the routes by
// openapi_test.go.
//
//go:embed openapi.yaml
var openapiYAML []byte

func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(openapiYAML)
}

// healthBody is the answer of /healthz and /readyz.
type healthBody struct {
	Status  string            `json:"status"`
	Version string            `json:"version,omitempty"`
	Checks  map[string]string `json:"checks,omitempty"`
}

// healthz is GET /healthz: the process is up and answering. It runs no
// checks, so that a slow dependency never gets a live process killed.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(healthBody{Status: "ok", Version: s.cfg.Version})
}

// readyz is GET /readyz: 200 when the service should get traffic (policy
// rates loaded, every registered check passing, not shutting down), else
// 503 problem listing what failed.
func (s *Server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	lang := Lang(c)
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), langKey{}, lang), 2*time.Second)
	defer cancel()
	body := healthBody{Status: "ready", Checks: map[string]string{}}
	var failed []FieldProblem
	if s.draining.Load() {
		failed = append(failed, FieldProblem{Field: "shutdown", Message: calc.Text{Ru: "сервис останавливается", En: "the service is shutting down"}.In(lang)})
	}
	s.mu.Lock()
	names := make([]string, 0, len(s.ready))
	checks := make(map[string]func(context.Context) error, len(s.ready))
	for n, f := range s.ready {
		names = append(names, n)
		checks[n] = f
	}
	s.mu.Unlock()
	slices.Sort(names)
	for _, n := range names {
		if err := checks[n](ctx); err != nil {
			failed = append(failed, FieldProblem{Field: n, Message: err.Error()})
			continue
		}
		body.Checks[n] = "ok"
	}
	if len(failed) > 0 {
		p := NewProblem(http.StatusServiceUnavailable, TypeBlank, lang, calc.Text{Ru: "сервис не готов принимать запросы", En: "the service is not ready for traffic"}.In(lang))
		p.Errors = failed
		return p
	}
	return c.JSON(body)
}

// langKey carries the request's language to readiness checks.
type langKey struct{}

// langOf returns the language a readiness check should answer in.
func langOf(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return LangRu
}
