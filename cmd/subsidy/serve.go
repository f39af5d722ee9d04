package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/eaeu-subsidy/subsidy/batch"
	"github.com/eaeu-subsidy/subsidy/calc"
	"github.com/eaeu-subsidy/subsidy/handlers"
	"github.com/eaeu-subsidy/subsidy/report"
)

func init() {
	register(command{name: "serve", summary: "run the web calculator and the JSON API", run: runServe})
}

// serveConfig is what the serve command reads from its flags and the
// environment.
type serveConfig struct {
	addr            string
	rates           string
	database        string
	logLevel        string
	bodyLimit       byteSize
	uploadLimit     byteSize
	readTimeout     time.Duration
	writeTimeout    time.Duration
	idleTimeout     time.Duration
	shutdownTimeout time.Duration
	maxInFlight     int
	calcTimeout     time.Duration
	maxConns        int
	dataDir         string
	jobTTL          time.Duration
	gcPercent       int
	memoryLimit     byteSize
}

// envFlag describes one setting: its flag, its environment variable and
// its help text. The flag's default is the variable's value when set.
type envFlag struct {
	name, env, usage string
	value            flag.Value
}

// serveFlags declares the flags of serve on fs with their environment
// equivalents; it reports an environment variable that cannot be parsed.
func serveFlags(fs *flag.FlagSet, cfg *serveConfig, getenv func(string) string) ([]envFlag, error) {
	*cfg = serveConfig{
		addr:            ":8080",
		logLevel:        "info",
		bodyLimit:       byteSize(handlers.DefaultBodyLimit),
		uploadLimit:     byteSize(handlers.DefaultUploadLimit),
		readTimeout:     handlers.DefaultReadTimeout,
		writeTimeout:    handlers.DefaultWriteTimeout,
		idleTimeout:     handlers.DefaultIdleTimeout,
		shutdownTimeout: 8 * time.Second,
		calcTimeout:     handlers.DefaultCalcTimeout,
		maxConns:        handlers.DefaultMaxConns,
		jobTTL:          handlers.DefaultJobTTL,
		gcPercent:       400,
		memoryLimit:     defaultMemoryLimit,
	}
	flags := []envFlag{
		{"addr", "SUBSIDY_ADDR", "listen address, host:port (a port alone listens on every interface: 8080 is :8080)", (*stringValue)(&cfg.addr)},
		{"rates", "SUBSIDY_RATES", "policy rate CSV file (the format of the built-in policy-rates.csv); empty: the built-in record", (*stringValue)(&cfg.rates)},
		{"log-level", "SUBSIDY_LOG_LEVEL", "log level: debug, info, warn, error (JSON logs on stderr)", (*stringValue)(&cfg.logLevel)},
		{"body-limit", "SUBSIDY_BODY_LIMIT", "largest JSON or form body (bytes, or with KiB/MiB); larger is 413", &cfg.bodyLimit},
		{"upload-limit", "SUBSIDY_UPLOAD_LIMIT", "largest batch upload (bytes, or with KiB/MiB)", &cfg.uploadLimit},
		{"read-timeout", "SUBSIDY_READ_TIMEOUT", "time to read a whole request", (*durationValue)(&cfg.readTimeout)},
		{"write-timeout", "SUBSIDY_WRITE_TIMEOUT", "time to write an answer", (*durationValue)(&cfg.writeTimeout)},
		{"idle-timeout", "SUBSIDY_IDLE_TIMEOUT", "how long an idle keep-alive connection stays open", (*durationValue)(&cfg.idleTimeout)},
		{"shutdown-timeout", "SUBSIDY_SHUTDOWN_TIMEOUT", "on SIGTERM, how long requests in flight may take to finish (keep it under the container's stop timeout, 10s in Docker)", (*durationValue)(&cfg.shutdownTimeout)},
		{"max-in-flight", "SUBSIDY_MAX_IN_FLIGHT", "calculations computed at once; more wait up to 5s, then 503 (0: 4 × CPUs)", (*intValue)(&cfg.maxInFlight)},
		{"calc-timeout", "SUBSIDY_CALC_TIMEOUT", "time budget of one calculation or reconciliation; past it the answer is 503 with Retry-After", (*durationValue)(&cfg.calcTimeout)},
		{"max-conns", "SUBSIDY_MAX_CONNS", "open connections at most", (*intValue)(&cfg.maxConns)},
		{"data-dir", "SUBSIDY_DATA_DIR", "data directory: the SQLite database (without --database) and batch temporary files; empty: the user cache directory/subsidy (~/.cache/subsidy), else $TMPDIR/subsidy", (*stringValue)(&cfg.dataDir)},
		{"database", "SUBSIDY_DATABASE", "the database of the registry and of batch jobs: postgres://user:pass@host/db for PostgreSQL (several replicas share it); empty: an SQLite file subsidy.db in the data directory", (*stringValue)(&cfg.database)},
		{"job-ttl", "SUBSIDY_JOB_TTL", "how long finished batch jobs are kept", (*durationValue)(&cfg.jobTTL)},
		{"gc-percent", "SUBSIDY_GC_PERCENT", "garbage collector target (GOGC); the live heap is small and every request allocates, so 400 trades a little memory for ~20% more calculations a second; GOGC in the environment wins", (*intValue)(&cfg.gcPercent)},
		{"memory-limit", "SUBSIDY_MEMORY_LIMIT", "soft limit of the Go heap (GOMEMLIMIT): nearing it, the garbage collector runs sooner than --gc-percent says, so that a 100,000-loan batch job stays under 150 MB; GOMEMLIMIT in the environment wins", &cfg.memoryLimit},
	}
	for _, f := range flags {
		if v, ok := lookupEnv(getenv, f.env); ok {
			if err := f.value.Set(v); err != nil {
				return nil, fmt.Errorf("%s=%q: %v", f.env, v, err)
			}
		}
		fs.Var(f.value, f.name, f.usage+" ($"+f.env+")")
	}
	return flags, nil
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newCmdline("serve", "[flags]", `
Serves the calculator page (GET /), the JSON API (/api/v1/...), /healthz,
/readyz, /metrics and /openapi.yaml. Every flag has an environment variable
equivalent; a flag given on the command line wins over the variable.
Stops gracefully on SIGTERM or SIGINT.`, stdout, stderr)
	var cfg serveConfig
	flags, err := serveFlags(c.fs, &cfg, os.Getenv)
	if err != nil {
		return c.report(usagef(calc.Text{Ru: "%v", En: "%v"}, err))
	}
	c.flagHelp = func(w io.Writer) { serveUsage(w, c.fs, flags) }
	return c.run(args, 0, 0, func() error { return serve(ctx, cfg, stderr) })
}

// serve runs the service until ctx is done, then shuts it down.
func serve(ctx context.Context, cfg serveConfig, stderr io.Writer) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return usagef(calc.Text{
			Ru: "--log-level %q: want debug, info, warn or error",
			En: "--log-level %q: want debug, info, warn or error",
		}, cfg.logLevel)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	if os.Getenv("GOGC") == "" && cfg.gcPercent > 0 {
		debug.SetGCPercent(cfg.gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(cfg.memoryLimit))
	}

	book, source := calc.DefaultRateBook(), "built-in"
	if cfg.rates != "" {
		f, err := os.Open(cfg.rates)
		if err != nil {
			return fmt.Errorf("policy rates: %w", err)
		}
		book, err = calc.ParseRateBook(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("policy rates %s: %w", cfg.rates, err)
		}
		source = cfg.rates
	}
	db, err := openDatabase(ctx, cfg.database, cfg.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	logger.Info("database", slog.String("engine", db.Engine()))
	// The calculation slots are shared by single calculations and batch
	// rows; the batch manager is handed to the server, whose Shutdown
	// closes it. When it cannot open (another process holds the data
	// directory) the calculator still serves and the batch routes answer
	// 503 saying why.
	slots := handlers.NewSlots(cfg.maxInFlight)
	dataDir := cfg.dataDir
	if dataDir == "" {
		dataDir = handlers.DefaultDataDir()
	}
	batches, batchesErr := batch.Open(batch.Options{
		DB:        db,
		Dir:       filepath.Join(dataDir, "batches"),
		TTL:       cfg.jobTTL,
		Read:      report.ReadOptions{MaxBytes: int64(cfg.uploadLimit)},
		Logger:    logger,
		Calculate: slots.Calculate(book),
	})
	srv, err := handlers.New(handlers.Config{
		Batches:          batches,
		BatchesErr:       batchesErr,
		Slots:            slots,
		Registry:         db,
		RegistryWorkbook: report.WriteRegistry,
		Rates:            book,
		RatesSource:      source,
		Logger:           logger,
		BodyLimit:        int(cfg.bodyLimit),
		UploadLimit:      int(cfg.uploadLimit),
		ReadTimeout:      cfg.readTimeout,
		WriteTimeout:     cfg.writeTimeout,
		IdleTimeout:      cfg.idleTimeout,
		MaxConns:         cfg.maxConns,
		MaxInFlight:      cfg.maxInFlight,
		CalcTimeout:      cfg.calcTimeout,
		Workbook:         workbook,
		Version:          buildVersion(),

		CompareWorkbook: compareWorkbook, // compare.go
	})
	if err != nil {
		if batches != nil {
			_ = batches.Close(context.Background())
		}
		return err
	}
	ln, err := net.Listen("tcp", listenAddr(cfg.addr))
	if err != nil {
		_ = srv.Shutdown(context.Background()) // closes the batch manager
		return err
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("rates", source),
		slog.Int("countries", len(book.Countries())))

	served := make(chan error, 1)
	go func() { served <- srv.App().Listener(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", slog.Duration("timeout", cfg.shutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), cfg.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown", slog.String("error", err.Error()))
		return exitCode(1)
	}
	logger.Info("stopped")
	return nil
}

// workbook is the ?format=xlsx encoder of calculations (and the result
// page's download button).
var workbook handlers.WorkbookFunc = report.WriteCalculation

// serveUsage lists serve's flags with their environment variables.
func serveUsage(w io.Writer, fs *flag.FlagSet, flags []envFlag) {
	for _, f := range flags {
		def := fs.Lookup(f.name).DefValue
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(w, "  --%-17s %s\n  %-19s env %s, default %s\n", f.name, f.usage, "", f.env, def)
	}
}

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string     { return string(*s) }

type intValue int

func (i *intValue) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return errors.New("want a whole number ≥ 0")
	}
	*i = intValue(n)
	return nil
}
func (i *intValue) String() string { return strconv.Itoa(int(*i)) }

type durationValue time.Duration

func (d *durationValue) Set(v string) error {
	t, err := time.ParseDuration(v)
	if err != nil || t <= 0 {
		return errors.New("want a positive duration such as 30s or 2m")
	}
	*d = durationValue(t)
	return nil
}
func (d *durationValue) String() string { return time.Duration(*d).String() }

// byteSize is a size in bytes, written as a number with an optional unit:
// 1048576, 512KiB, 1MiB, 2GiB (KB, MB, GB are taken as binary too).
type byteSize int64

func (b *byteSize) Set(v string) error {
	s := strings.TrimSpace(v)
	mult := int64(1)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return errors.New("want a size such as 1048576, 512KiB or 1MiB")
	}
	*b = byteSize(n * mult)
	return nil
}

func (b *byteSize) String() string {
	n := int64(*b)
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10)
}

// listenAddr reads a listen address as serve and health take it: host:port,
// or a port alone ("8080", which is ":8080").
func listenAddr(addr string) string {
	if addr != "" && strings.Trim(addr, "0123456789") == "" {
		return ":" + addr
	}
	return addr
}
