package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens the store on a PostgreSQL database: the same shape as
// on SQLite (one write connection whose transactions the writer groups,
// a pool for reads), plus a listener that hears the other instances'
// commits. Several instances may open the same database at once.
func openPostgres(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: the PostgreSQL URL: %w", err)
	}
	// Times are integer microseconds and the tests compare text byte by
	// byte: UTC spares any conversion in the session.
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	cfg.RuntimeParams["application_name"] = "securemove"
	s := &Store{eng: postgresEngine, Now: time.Now, pgcfg: cfg}
	self := make([]byte, 8)
	if _, err := rand.Read(self); err != nil {
		return nil, err
	}
	n := &notifier{payload: hex.EncodeToString(self)}
	w := sql.OpenDB(&pgConnector{inner: stdlib.GetConnector(*cfg), notify: n})
	// A connection for each of the writer's lanes.
	w.SetMaxOpenConns(pgWriteLanes)
	w.SetMaxIdleConns(pgWriteLanes)
	w.SetConnMaxLifetime(0)
	s.w = &writeDB{db: w}
	// The channel is the schema's: instances on one schema hear each other,
	// other schemas (tests, another deployment) are not their business.
	// (Read before anything is written, so every write has its channel.)
	var schema string
	if err := w.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	n.channel = "securemove_changes_" + schema
	s.notify = n
	if s.listen, err = newListener(ctx, cfg, n.channel, s.heard, s.changedElsewhere); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: listen for other instances: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.writer = newWriter(s)
	r := sql.OpenDB(&pgConnector{inner: stdlib.GetConnector(*cfg)})
	np := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(np)
	r.SetMaxIdleConns(np)
	s.r = newReadDB(r)
	return s, nil
}
