package store

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// Version is the data version: it moves on after every commit on the write
// connection, the only connection that writes. Whatever is built from the
// database (a rendered page, a user) can be kept while the version stays
// the same.
//
// A reader takes the version before it reads. A commit that lands while it
// reads moves the version on after the commit, so what the reader built is
// stale as soon as it is stored and is never served. The version moves on
// whether a commit succeeded or not: a cache emptied once too often costs
// a render, one emptied too rarely would show an old page.
func (s *Store) Version() uint64 { return s.w.version.Load() }

// writeDB is the write connection. Its only ways to change the database
// move the version on afterwards, so no write can forget to.
type writeDB struct {
	db      *sql.DB
	version *atomic.Uint64
	// dirty tells the checkpointer there is something to copy back.
	dirty atomic.Bool
}

func (w *writeDB) changed() {
	w.version.Add(1)
	w.dirty.Store(true)
}

// ExecContext runs one statement in a transaction of its own.
func (w *writeDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	defer w.changed()
	return w.db.ExecContext(ctx, query, args...)
}

// QueryContext and QueryRowContext read on the write connection: the
// migrations, the integrity check and statements that write and return.
func (w *writeDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	defer w.changed()
	return w.db.QueryContext(ctx, query, args...)
}

func (w *writeDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	defer w.changed()
	return w.db.QueryRowContext(ctx, query, args...)
}

// begin starts a write transaction; the caller must call done after it
// commits or rolls back.
func (w *writeDB) begin(ctx context.Context) (*sql.Tx, error) { return w.db.BeginTx(ctx, nil) }

// done marks the end of a transaction begun with begin.
func (w *writeDB) done() { w.changed() }

func (w *writeDB) close() error {
	_, _ = w.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return w.db.Close()
}
