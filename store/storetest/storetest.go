// Package storetest runs the store's tests on both engines: every test
// wrapped in ForEachEngine runs once on a SQLite file and once on a
// PostgreSQL schema of its own, and DSN gives each run a fresh database.
//
// PostgreSQL is the server at SECUREMOVE_TEST_PG (a postgres:// URL; make
// test starts a throwaway cluster and sets it, see scripts/pg-test.sh).
// Without it the PostgreSQL runs skip, unless SECUREMOVE_REQUIRE_PG=1
// (which make test also sets) turns the skip into a failure.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Engines are the engines a test runs on, in order.
var Engines = []string{"sqlite", "postgres"}

// ForEachEngine runs fn as a subtest per engine, named after it.
func ForEachEngine(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, e := range Engines {
		t.Run(e, fn)
	}
}

// Engine is the engine a test runs on: the one ForEachEngine named in its
// subtest, SQLite for a test that is not wrapped.
func Engine(t testing.TB) string {
	parts := strings.Split(t.Name(), "/")
	if len(parts) > 1 && parts[1] == "postgres" {
		return "postgres"
	}
	return "sqlite"
}

// DSN returns where a fresh, empty database for the test is: a file in a
// temporary folder on SQLite, a schema of its own on PostgreSQL (dropped
// when the test ends).
func DSN(t testing.TB) string {
	t.Helper()
	if Engine(t) != "postgres" {
		return filepath.Join(t.TempDir(), "test.db")
	}
	return PostgresDSN(t)
}

// PostgresDSN returns the URL of a fresh schema on the test server.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("SECUREMOVE_TEST_PG")
	if base == "" {
		if os.Getenv("SECUREMOVE_REQUIRE_PG") == "1" {
			t.Fatal("SECUREMOVE_REQUIRE_PG=1 but SECUREMOVE_TEST_PG is not set: the PostgreSQL tests cannot run")
		}
		t.Skip("SECUREMOVE_TEST_PG is not set: PostgreSQL tests skipped (make test runs them on a cluster of its own)")
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "t_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to SECUREMOVE_TEST_PG: %v", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connect to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("SECUREMOVE_TEST_PG: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
