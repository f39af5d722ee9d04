package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/storage"
	"github.com/gofiber/fiber/v2"
)

// Defaults of [Config]; each works for a single instance with no tuning.
const (
	DefaultBodyLimit       = 1 << 20  // 1 MiB: a calculation request is a few KiB
	DefaultUploadLimit     = 32 << 20 // 32 MiB: a batch workbook of ~100,000 loans
	DefaultReadTimeout     = 15 * time.Second
	DefaultWriteTimeout    = 60 * time.Second
	DefaultIdleTimeout     = 120 * time.Second
	DefaultMaxConns        = 10_000
	DefaultQueueTimeout    = 5 * time.Second
	DefaultCalcTimeout     = 5 * time.Second // the worst request under calc's limits takes ~1 ms
	DefaultJobTTL          = 24 * time.Hour
	defaultMaxInFlightMult = 4 // × GOMAXPROCS calculations at once
)

// WorkbookFunc writes the Excel report of one calculation to w in lang
// ("ru" or "en"). The report package provides it (report.WriteCalculation);
// the handlers do not import it so that either can change alone.
type WorkbookFunc func(w io.Writer, req *calc.Request, res *calc.Result, lang string) error

// RegistryWorkbookFunc writes a programme's commitments by year and its
// agreements as a workbook in lang (report.WriteRegistry).
type RegistryWorkbookFunc func(w io.Writer, programme string, years []storage.CommitmentYear, agreements []storage.Agreement, lang string) error

// Config configures a [Server]. The zero value works: every field has a
// default, documented on the field.
type Config struct {
	// Rates is the policy rate book; nil is calc.DefaultRateBook().
	Rates *calc.RateBook
	// RatesSource names where Rates came from, for /readyz and the logs
	// ("built-in" when empty).
	RatesSource string
	// Logger receives the JSON request log and errors; nil discards.
	Logger *slog.Logger
	// BodyLimit is the largest JSON or form body, bytes (default
	// [DefaultBodyLimit]); a larger one is answered 413.
	BodyLimit int
	// UploadLimit is the largest batch upload, bytes (default
	// [DefaultUploadLimit]). Only the upload routes accept it, streamed to
	// disk; every other route's body is limited to BodyLimit while it is
	// read (handlers/body.go).
	UploadLimit int
	// ReadTimeout, WriteTimeout and IdleTimeout bound reading a request,
	// writing an answer and an idle keep-alive connection (defaults 15 s,
	// 60 s, 120 s).
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// MaxConns is the largest number of open connections (default 10,000).
	MaxConns int
	// MaxInFlight is the largest number of calculations (single or batch
	// rows) computed at once; default 4 × GOMAXPROCS; unused when Slots is
	// given. A request that finds
	// them all busy waits up to QueueTimeout (default 5 s), then gets 503
	// with Retry-After.
	MaxInFlight  int
	QueueTimeout time.Duration
	// CalcTimeout is the time budget of one calculation (default 5 s): a
	// calculation still running when it passes is abandoned and answered
	// 503 with Retry-After (docs/performance.md, "Bounded cost of one
	// calculation").
	CalcTimeout time.Duration
	// Slots are the calculation slots of MaxInFlight, shared with the
	// batch manager's rows (see [Slots]); nil makes NewSlots(MaxInFlight).
	Slots *Slots
	// Batches runs the batch jobs of the batch routes (handlers/batch.go).
	// The caller opens it (batch.Open, with Calculate: Slots.Calculate so
	// that rows share the calculation slots); the server takes it over and
	// Server.Shutdown closes it. nil: the batch routes answer 503 and
	// /readyz is not ready, both saying why from BatchesErr (the error
	// batch.Open returned, e.g. batch.ErrLocked).
	Batches    *batch.Manager
	BatchesErr error
	// BatchWait bounds ?wait=true on a batch upload: a job not finished by
	// then is answered 202 with its status (default 50 s).
	BatchWait time.Duration
	// BatchEvents bounds one server-sent event stream of a batch job; the
	// browser reconnects by itself (default 45 s).
	BatchEvents time.Duration
	// Workbook writes the Excel report for ?format=xlsx; nil answers 406
	// until a report encoder is wired in.
	Workbook WorkbookFunc
	// Registry keeps budgets, agreements, claims, tokens and the audit log
	// (the /api/v1 registry routes); nil answers those routes 503.
	Registry *storage.DB
	// RegistryWorkbook writes the registry's workbook (commitments and
	// agreements of a programme) for the registry page; nil hides it.
	RegistryWorkbook RegistryWorkbookFunc
	// Version is reported by /healthz and the subsidy_build_info metric;
	// empty takes the module version from the build info.
	Version string
	// CompareWorkbook writes a comparison's Excel report; nil answers 406
	// to ?format=xlsx on the comparison routes.
	CompareWorkbook CompareWorkbookFunc
}

func (c *Config) setDefaults() {
	if c.Rates == nil {
		c.Rates = calc.DefaultRateBook()
	}
	if c.RatesSource == "" {
		c.RatesSource = "built-in"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	if c.BodyLimit <= 0 {
		c.BodyLimit = DefaultBodyLimit
	}
	if c.UploadLimit <= 0 {
		c.UploadLimit = DefaultUploadLimit
	}
	if c.ReadTimeout <= 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.QueueTimeout <= 0 {
		c.QueueTimeout = DefaultQueueTimeout
	}
	if c.CalcTimeout <= 0 {
		c.CalcTimeout = DefaultCalcTimeout
	}
	if c.Slots == nil {
		c.Slots = NewSlots(c.MaxInFlight)
	}
	if c.BatchWait <= 0 {
		c.BatchWait = 50 * time.Second
	}
	if c.BatchEvents <= 0 {
		c.BatchEvents = 45 * time.Second
	}
	if c.Version == "" {
		c.Version = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			c.Version = bi.Main.Version
		}
	}
}

// Server is the HTTP service: the Fiber app with every route of API.md,
// its limits, logging and metrics. Create it with [New], serve
// [Server.App] on a listener, stop it with [Server.Shutdown].
type Server struct {
	cfg     Config
	app     *fiber.App
	log     *slog.Logger
	metrics *metrics
	pages   map[string]*template.Template
	static  map[string]staticFile
	slots   *Slots // calculation slots, see Config.MaxInFlight

	draining  atomic.Bool
	mu        sync.Mutex
	closers   []func(context.Context) error          // run by Shutdown after the listener stops
	ready     map[string]func(context.Context) error // readiness checks by name
	ratesHash string                                 // calc.RateBook.Hash of cfg.Rates, stamped on registry records
}

// New builds the server and registers every route.
func New(cfg Config) (*Server, error) {
	cfg.setDefaults()
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		metrics: newMetrics(cfg.Version),
		slots:   cfg.Slots,
		ready:   map[string]func(context.Context) error{},
	}
	if err := s.loadTemplates(); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "subsidy",
		DisableStartupMessage: true,
		ErrorHandler:          s.errorHandler,
		BodyLimit:             max(cfg.BodyLimit, cfg.UploadLimit),
		// Bodies are streamed and each route's limit applies while they
		// are read (limitBody); BodyLimit above only bounds what fasthttp
		// reads ahead (8 KiB). No multipart form is parsed before the
		// route runs.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		ReadTimeout:                  cfg.ReadTimeout,
		WriteTimeout:                 cfg.WriteTimeout,
		IdleTimeout:                  cfg.IdleTimeout,
		Concurrency:                  cfg.MaxConns,
		ReadBufferSize:               16 << 10, // request line + headers
		WriteBufferSize:              64 << 10, // a 60-month result (~40 KiB) in one write
		// Buffers go back to their pools between requests, so idle
		// keep-alive connections hold no 80 KiB each.
		ReduceMemoryUsage: true,
		CaseSensitive:     true,
		StrictRouting:     false,
	})
	s.app.Server().HeaderReceived = s.headerReceived
	s.ready["rates"] = func(context.Context) error {
		if len(s.cfg.Rates.Countries()) == 0 {
			return errors.New("no policy rates loaded")
		}
		return nil
	}
	s.ratesHash = s.cfg.Rates.Hash()
	if db := s.cfg.Registry; db != nil {
		s.ready["database"] = db.Ping
	}
	s.routes()
	return s, nil
}

// App returns the Fiber app, for app.Listener(ln) or app.Test(req).
func (s *Server) App() *fiber.App { return s.app }

// routes registers every route. Batch routes come from batchRoutes
// (handlers/batch.go).
func (s *Server) routes() {
	app := s.app
	app.Use(s.observe, s.limitBody)

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.serveMetrics)
	app.Get("/openapi.yaml", s.openapi)

	api := app.Group("/api/v1")
	api.Post("/calculations", s.limit, s.postCalculation)
	api.Get("/programmes", s.getProgrammes)
	api.Get("/base-rates", s.getBaseRates)

	app.Get("/", s.getForm)
	app.Post("/calculate", s.limit, s.postCalculate)
	app.Get("/static/:file", s.serveStatic)

	s.batchRoutes(api, app)
	s.claimRoutes(api, app)
	s.registryRoutes(api)
	s.registryPageRoutes(app)
	s.reconcileRoutes(api, app)
	s.programmeRoutes(api, app) // compare.go
}

// Shutdown stops accepting connections, marks the service not ready, waits
// for requests in flight to finish (until ctx is done) and then runs the
// shutdown hooks (batch workers).
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	err := s.app.ShutdownWithContext(ctx)
	s.mu.Lock()
	closers := s.closers
	s.mu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		err = errors.Join(err, closers[i](ctx))
	}
	return err
}

// onShutdown registers f to run when the server shuts down, after the
// last request; hooks run in reverse order of registration.
func (s *Server) onShutdown(f func(context.Context) error) {
	s.mu.Lock()
	s.closers = append(s.closers, f)
	s.mu.Unlock()
}

// addReadyCheck adds a named condition of /readyz.
func (s *Server) addReadyCheck(name string, f func(context.Context) error) {
	s.mu.Lock()
	s.ready[name] = f
	s.mu.Unlock()
}

// RequestID returns the id of the request: the client's X-Request-Id when
// it is a short token of letters, digits, '-', '_', '.', else one the
// server made. It is echoed in the X-Request-Id header, in problems and in
// every log line about the request.
func RequestID(c *fiber.Ctx) string {
	if id, ok := c.Locals(localRequestID).(string); ok {
		return id
	}
	return ""
}

type localKey int

const (
	localRequestID localKey = iota
	localPooledBody
	localBody // *limitedBody of an upload route
)

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return false
		}
	}
	return true
}

// observe is the outermost middleware: request id, security headers,
// panic recovery, error mapping, the access log and the metrics.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	self := c.Route() // this middleware's own route, matched by every request
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	s.metrics.inFlight.Add(1)
	defer s.metrics.inFlight.Add(-1)

	if err := s.safeNext(c); err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			c.Status(http.StatusInternalServerError)
		}
	}

	status := c.Response().StatusCode()
	// When no route matched (404, 405), the context's route is still this
	// middleware's (path "/", any method): label it apart, so that probes
	// of unknown paths are not counted as the form page.
	route := "unmatched"
	if r := c.Route(); r != nil && r != self {
		route = r.Path
	}
	elapsed := time.Since(start)
	s.metrics.observe(methodLabel(c.Method()), route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if s.log.Enabled(context.Background(), level) {
		s.log.LogAttrs(context.Background(), level, "request",
			slog.String("request_id", id),
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Int("bytes", responseSize(c)),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", c.IP()),
		)
	}
	return nil
}

// DefaultDataDir is where batch jobs live when no directory is given: the
// user's cache directory ($XDG_CACHE_HOME or ~/.cache on Linux) under
// "subsidy", or the temporary directory when there is none. A private
// directory, not a fixed path in /tmp that other users could occupy.
func DefaultDataDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "subsidy")
	}
	return filepath.Join(os.TempDir(), "subsidy")
}

// responseSize is the body size for the log without touching a streamed
// body (Body() would read the whole stream into memory): -1 when a stream's
// length is unknown.
func responseSize(c *fiber.Ctx) int {
	if r := c.Response(); r.IsBodyStream() {
		return r.Header.ContentLength()
	}
	return len(c.Response().Body())
}

// methodLabel returns a constant string for the method: Fiber's strings
// point into buffers it reuses, so they must not be kept, and unknown
// methods must not grow the metrics without bound.
func methodLabel(m string) string {
	for _, known := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"} {
		if m == known {
			return known
		}
	}
	return "OTHER"
}

// safeNext runs the rest of the chain, turning a panic into an error after
// logging it with its stack.
func (s *Server) safeNext(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", slog.String("request_id", RequestID(c)),
				slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// errorHandler is the one place where errors become answers (see
// problemFor). It is also Fiber's ErrorHandler, for the errors the
// framework raises before any route runs (413, 431, 408, malformed HTTP).
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	lang := Lang(c)
	p, fault := problemFor(err, lang)
	if fault {
		s.log.Error("request failed", slog.String("request_id", RequestID(c)),
			slog.String("path", c.Path()), slog.String("error", err.Error()))
	}
	// Reset what a handler may have written before failing.
	c.Response().ResetBody()
	c.Response().Header.Del(fiber.HeaderContentDisposition)
	if p.Status == http.StatusServiceUnavailable && len(c.Response().Header.Peek(fiber.HeaderRetryAfter)) == 0 {
		c.Set(fiber.HeaderRetryAfter, "1")
	}
	pc := *p // problems may be shared values; fill a copy
	return WriteProblem(c, &pc)
}

// limit holds one of Config.MaxInFlight calculation slots while the rest
// of the chain runs; when none frees up within Config.QueueTimeout it
// answers 503 with Retry-After.
func (s *Server) limit(c *fiber.Ctx) error {
	if !s.slots.AcquireWithin(s.cfg.QueueTimeout) {
		s.metrics.rejected.Add(1)
		c.Set(fiber.HeaderRetryAfter, "1")
		lang := Lang(c)
		return NewProblem(http.StatusServiceUnavailable, TypeOverloaded, lang,
			calc.Text{Ru: "сервис занят другими расчётами; повторите через секунду", En: "the service is busy with other calculations; retry in a second"}.In(lang))
	}
	defer s.slots.Release()
	return c.Next()
}
