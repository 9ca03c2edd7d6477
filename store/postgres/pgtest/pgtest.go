// Package pgtest gives tests a PostgreSQL schema of their own on the
// server TEND_TEST_POSTGRES names (.ci/postgres starts one).
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// DSN returns a DSN for a new, empty schema on the test server, dropped
// when the test ends. Without TEND_TEST_POSTGRES the test is skipped, but
// not in CI (CI=true): there a store left untested would pass unnoticed.
func DSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("TEND_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("postgres: TEND_TEST_POSTGRES is not set in CI (see .ci/postgres)")
		}
		tb.Skip("postgres: set TEND_TEST_POSTGRES=postgres://… to run (see .ci/postgres)")
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("TEND_TEST_POSTGRES: %v", err)
	}
	schema := "t_" + strings.ToLower(rand.Text()[:12])
	Exec(tb, base, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { Exec(tb, base, "DROP SCHEMA "+schema+" CASCADE") })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs q on the database at dsn, as another client would.
func Exec(tb testing.TB, dsn, q string) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		tb.Fatalf("postgres: %s: %v", q, err)
	}
}
