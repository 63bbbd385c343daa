package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/securemove/securemove/store"
)

// pgCluster is the PostgreSQL server the measurements run on: the one
// SECUREMOVE_BENCH_PG names (used as it is, never restarted), or else a
// throwaway cluster of scripts/pg-test.sh in a temporary folder (fsync
// and synchronous_commit on, as in production), stopped by Stop.
type pgCluster struct {
	// URL is the server's maintenance database; Database makes others.
	URL string
	dir string // "" when the server was given
}

// startPG finds or starts the PostgreSQL server.
func startPG(ctx context.Context) (*pgCluster, error) {
	if u := os.Getenv("SECUREMOVE_BENCH_PG"); u != "" {
		if !store.IsPostgres(u) {
			return nil, fmt.Errorf("SECUREMOVE_BENCH_PG=%q is not a postgres:// URL", u)
		}
		return &pgCluster{URL: u}, nil
	}
	dir, err := os.MkdirTemp("", "securemove-bench-pg.")
	if err != nil {
		return nil, err
	}
	logf("starting a throwaway PostgreSQL cluster in %s (scripts/pg-test.sh)...", dir)
	out, err := pgScript(ctx, "start", dir)
	if err != nil {
		_, _ = pgScript(context.Background(), "stop", dir)
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return &pgCluster{URL: strings.TrimSpace(lines[len(lines)-1]), dir: dir}, nil
}

func pgScript(ctx context.Context, cmd, dir string) (string, error) {
	c := exec.CommandContext(ctx, "bash", "scripts/pg-test.sh", cmd, dir)
	c.Stderr = os.Stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("scripts/pg-test.sh %s: %w", cmd, err)
	}
	return string(out), nil
}

// Stop stops a cluster this process started.
func (c *pgCluster) Stop() {
	if c != nil && c.dir != "" {
		_, _ = pgScript(context.Background(), "stop", c.dir)
	}
}

// Restartable says whether CrashRestart can restart the server: only a
// cluster of our own.
func (c *pgCluster) Restartable() bool { return c.dir != "" }

// CrashRestart stops the server as a crash would (immediate mode: no
// checkpoint; the start recovers from the write-ahead log) and starts it
// again on the same port.
func (c *pgCluster) CrashRestart(ctx context.Context) error {
	if !c.Restartable() {
		return errors.New("the PostgreSQL server was given by SECUREMOVE_BENCH_PG: not restarted")
	}
	_, err := pgScript(ctx, "crash-restart", c.dir)
	return err
}

// Database drops and creates an empty database and returns its URL.
func (c *pgCluster) Database(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", err
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// databaseSize is pg_database_size of the database a URL names.
func databaseSize(ctx context.Context, dbURL string) int64 {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0
	}
	defer conn.Close(context.Background())
	var n int64
	_ = conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
	return n
}

// seedPostgres copies a cached SQLite benchmark database into a fresh
// PostgreSQL database (the checked copy of `securemove migrate`) and
// returns its URL.
func seedPostgres(ctx context.Context, pg *pgCluster, sqlitePath, name string) (string, error) {
	u, err := pg.Database(ctx, name)
	if err != nil {
		return "", err
	}
	logf("copying %s into PostgreSQL database %s...", sqlitePath, name)
	if _, err := store.CopyToPostgres(ctx, sqlitePath, u); err != nil {
		return "", fmt.Errorf("copy %s into PostgreSQL: %w", sqlitePath, err)
	}
	return u, nil
}
