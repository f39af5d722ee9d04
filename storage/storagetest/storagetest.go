// Package storagetest opens fresh registry databases for tests, on every
// engine there is: SQLite always, PostgreSQL when SUBSIDY_TEST_POSTGRES
// names a server (.ci/run starts one with .ci/postgres; under CI=true its
// absence fails the test, elsewhere PostgreSQL is left out with a log line).
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/eaeu-subsidy/subsidy/storage"
)

// Engines opens an empty database on each engine, closed when the test
// ends, by engine name.
func Engines(tb testing.TB) map[string]*storage.DB {
	tb.Helper()
	out := map[string]*storage.DB{}
	ctx := context.Background()
	db, err := storage.Open(ctx, "", tb.TempDir())
	if err != nil {
		tb.Fatalf("sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	out[storage.SQLite] = db
	if url := PostgresURL(tb); url != "" {
		db, err := storage.Open(ctx, url, "")
		if err != nil {
			tb.Fatalf("postgres: %v", err)
		}
		tb.Cleanup(func() { db.Close() })
		out[storage.Postgres] = db
	}
	return out
}

// PostgresURL returns the URL of a new, empty schema on the test server
// (dropped when the test ends), or "" when there is no server outside CI.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("SUBSIDY_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("SUBSIDY_TEST_POSTGRES is not set: .ci/run must start PostgreSQL (.ci/postgres)")
		}
		tb.Log("SUBSIDY_TEST_POSTGRES not set: PostgreSQL not tested")
		return ""
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	tb.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
