package store

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/securemove/securemove/moves"
)

// Version is the data version: it moves on after every commit on the write
// connection, the only connection that writes, but for events (see
// fineVersions). Whatever is built from the database (a rendered page, a
// user) can be kept while the version stays the same.
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
	version atomic.Uint64
	// dirty tells the checkpointer there is something to copy back.
	dirty atomic.Bool
	fine  fineVersions
}

func (w *writeDB) changed() {
	w.version.Add(1)
	w.dirty.Store(true)
}

// Events are most of the writes, and each changes one move and the lists
// of its places; moving the data version on for each would leave nothing
// kept for long while suppliers post. So a batch of events moves on finer
// versions instead: the events version, and one for each move and each
// place it touched, each held in one of a fixed number of slots chosen by
// a hash of the id (two ids sharing a slot only make a page stale early).
const (
	moveSlots     = 4096
	locationSlots = 1024
)

type fineVersions struct {
	events    atomic.Uint64
	moves     [moveSlots]atomic.Uint64
	locations [locationSlots]atomic.Uint64
}

func slot(id string, n uint32) uint32 {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return h % n
}

// touched are the moves and places a batch of events changed.
type touched struct {
	moves, locations []string
}

// move records a move (as it was or as it is now): itself, its places,
// and the move it was rebooked from, whose page names it.
func (t *touched) move(m moves.Move) {
	t.moves = append(t.moves, m.ID)
	if m.OriginalID != "" {
		t.moves = append(t.moves, m.OriginalID)
	}
	t.locations = append(t.locations, m.FromID)
	if m.ToID != "" {
		t.locations = append(t.locations, m.ToID)
	}
}

// changedFine moves on the versions of what a batch of events touched.
func (w *writeDB) changedFine(t touched) {
	for _, id := range t.moves {
		w.fine.moves[slot(id, moveSlots)].Add(1)
	}
	for _, id := range t.locations {
		w.fine.locations[slot(id, locationSlots)].Add(1)
	}
	w.fine.events.Add(1)
	w.dirty.Store(true)
}

// MoveVersion moves on whenever an event changes the move (or a move
// rebooked from it). What shows one move depends on it and on Version.
func (s *Store) MoveVersion(id string) uint64 { return s.w.fine.moves[slot(id, moveSlots)].Load() }

// LocationVersion moves on whenever an event changes a move from or to
// the place. A place's lists depend on it and on Version.
func (s *Store) LocationVersion(id string) uint64 {
	return s.w.fine.locations[slot(id, locationSlots)].Load()
}

// EventsVersion moves on with every batch of events. What shows moves of
// many places depends on it and on Version.
func (s *Store) EventsVersion() uint64 { return s.w.fine.events.Load() }

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
