// Package storage keeps the registry (budgets, agreements, claims), the
// access tokens and the audit log in a SQL database: SQLite in a file of the
// data directory by default (pure Go, nothing to install), PostgreSQL when
// given a postgres:// URL so that several replicas share one database.
// The schema lives in versioned migrations (migrations/*.sql, run by goose
// at Open); the same SQL serves both engines.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("storage: not found")

// DB is an open registry database. Its methods are safe for concurrent use.
type DB struct {
	sql    *sql.DB
	engine string
	now    func() time.Time
}

// Open connects to the database named by url and brings its schema up to
// date. An empty url opens (or creates) dataDir/subsidy.db with SQLite; a
// url starting with postgres:// or postgresql:// connects to PostgreSQL;
// a url starting with sqlite: or file: names another SQLite file. Anything
// else is an error.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	var (
		db     *sql.DB
		engine string
		err    error
	)
	switch {
	case url == "" || strings.HasPrefix(url, "sqlite:") || strings.HasPrefix(url, "file:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "file:")
		if path == "" {
			if dataDir == "" {
				return nil, errors.New("storage: no data directory for the SQLite database")
			}
			if err := os.MkdirAll(dataDir, 0o755); err != nil {
				return nil, fmt.Errorf("storage: %w", err)
			}
			path = filepath.Join(dataDir, "subsidy.db")
		}
		engine = SQLite
		// WAL lets readers run beside the one writer; busy_timeout makes a
		// writer wait for another instead of failing at once.
		dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
		db, err = sql.Open("sqlite", dsn)
	case strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://"):
		engine = Postgres
		db, err = sql.Open("pgx", url)
	default:
		return nil, fmt.Errorf("storage: unknown database %q: give postgres://… or a SQLite file (sqlite:PATH)", redact(url))
	}
	if err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	if engine == SQLite {
		db.SetMaxOpenConns(4)
	}
	s := &DB{sql: db, engine: engine, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrate runs every migration not yet applied.
func (db *DB) migrate(ctx context.Context) error {
	dialect := goose.DialectSQLite3
	if db.engine == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.sql, mustSub(migrations, "migrations"))
	if err != nil {
		return fmt.Errorf("storage: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("storage: migrations: %w", err)
	}
	return nil
}

// Engine names the database engine: [SQLite] or [Postgres].
func (db *DB) Engine() string { return db.engine }

// Ping checks that the database answers, for readiness.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// q rewrites a query written with ? placeholders for the engine:
// PostgreSQL numbers them ($1, $2, …). No query of this package has a ?
// inside a string literal.
func (db *DB) q(query string) string {
	if db.engine != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// stamp is the storage form of a time: RFC 3339 in UTC with nanoseconds,
// which sorts as text.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// redact hides a URL's password, for error messages and logs.
func redact(url string) string {
	at := strings.LastIndexByte(url, '@')
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 {
		return url
	}
	user := url[scheme+3 : at]
	if name, _, ok := strings.Cut(user, ":"); ok {
		return url[:scheme+3] + name + ":***" + url[at:]
	}
	return url
}
