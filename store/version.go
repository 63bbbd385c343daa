package store

import (
	"context"
	"database/sql"
	"sync/atomic"

	"github.com/securemove/securemove/moves"
)

// Versions say when something kept in memory (a rendered page, a user, the
// locations, a token) is stale. Each moves on after a commit that touched
// what it covers, as recorded by the commit's units of work (unit.go), and
// before the writer answers. A reader takes the versions it depends on
// before it reads; a commit that lands while it reads moves them on after
// the commit, so what the reader built is stale as soon as it is stored
// and is never served.
//
// The versions, and what moves them:
//   - Version, the data every page may show besides moves: users,
//     locations and reference data (TouchUsers, TouchLocations,
//     TouchReference, TouchAll).
//   - MoveVersion(id), one move's page: TouchMove, TouchMoveIDs.
//   - LocationVersion(id), one place's lists: TouchMove (its places),
//     TouchPlaces.
//   - EventsVersion, lists of many places: any move touched.
//   - the users, locations and auth versions, for the store's own memos.
//
// Idempotency-Key bookkeeping touches nothing: it changes no page.
func (s *Store) Version() uint64 { return s.w.v.data.Load() }

// writeDB is the write connection.
type writeDB struct {
	db *sql.DB
	// dirty tells the checkpointer there is something to copy back.
	dirty atomic.Bool
	v     versions
}

// Moves and places have versions of their own, each held in one of a
// fixed number of slots chosen by a hash of the id (two ids sharing a slot
// only make a page stale early): events are most of the writes, and each
// changes one move and the lists of its places, so moving one version on
// for all would leave nothing kept for long while suppliers post.
const (
	moveSlots     = 4096
	locationSlots = 1024
)

type versions struct {
	data      atomic.Uint64
	users     atomic.Uint64
	locations atomic.Uint64
	auth      atomic.Uint64
	events    atomic.Uint64
	moves     [moveSlots]atomic.Uint64
	places    [locationSlots]atomic.Uint64
}

func slot(id string, n uint32) uint32 {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return h % n
}

// SharesSlot reports whether two ids share a fine version slot (as moves
// or as places), so that a test does not expect them to move apart.
func SharesSlot(a, b string) bool {
	return slot(a, moveSlots) == slot(b, moveSlots) || slot(a, locationSlots) == slot(b, locationSlots)
}

type touchedKind uint8

const (
	touchedUsers touchedKind = 1 << iota
	touchedAuth
	touchedLocations
	touchedReference
	// touchedOutbox: notifications were written; no page depends on them,
	// but the delivery worker is woken after the commit.
	touchedOutbox
	touchedAll = touchedUsers | touchedAuth | touchedLocations | touchedReference | 1<<7
)

// touched is what a unit of work (or a batch of them) changed.
type touched struct {
	moves, places []string
	kinds         touchedKind
}

// move records a move (as it was or as it is now): itself, its places,
// and the move it was rebooked from, whose page names it.
func (t *touched) move(m moves.Move) {
	t.moves = append(t.moves, m.ID)
	if m.OriginalID != "" {
		t.moves = append(t.moves, m.OriginalID)
	}
	if m.FromID != "" {
		t.places = append(t.places, m.FromID)
	}
	if m.ToID != "" {
		t.places = append(t.places, m.ToID)
	}
}

func (t *touched) add(o touched) {
	t.moves = append(t.moves, o.moves...)
	t.places = append(t.places, o.places...)
	t.kinds |= o.kinds
}

// apply moves on the versions of what a commit touched.
func (w *writeDB) apply(t touched) {
	w.dirty.Store(true)
	for _, id := range t.moves {
		w.v.moves[slot(id, moveSlots)].Add(1)
	}
	for _, id := range t.places {
		w.v.places[slot(id, locationSlots)].Add(1)
	}
	if len(t.moves) > 0 || len(t.places) > 0 || t.kinds&touchedAll == touchedAll {
		w.v.events.Add(1)
	}
	if t.kinds&touchedUsers != 0 {
		w.v.users.Add(1)
	}
	if t.kinds&touchedLocations != 0 {
		w.v.locations.Add(1)
	}
	if t.kinds&touchedAuth != 0 {
		w.v.auth.Add(1)
	}
	if t.kinds&(touchedUsers|touchedLocations|touchedReference) != 0 {
		w.v.data.Add(1)
	}
}

// changedAll is the conservative fallback for writes made outside units
// of work (migrations, before the writer starts) and for commits of other
// processes: everything kept is stale.
func (w *writeDB) changedAll() { w.apply(touched{kinds: touchedAll}) }

// MoveVersion moves on whenever a unit of work touches the move (or a move
// rebooked from it). What shows one move depends on it and on Version.
func (s *Store) MoveVersion(id string) uint64 { return s.w.v.moves[slot(id, moveSlots)].Load() }

// LocationVersion moves on whenever a unit of work touches a move from or
// to the place. A place's lists depend on it and on Version.
func (s *Store) LocationVersion(id string) uint64 {
	return s.w.v.places[slot(id, locationSlots)].Load()
}

// EventsVersion moves on with every commit that touches any move. What
// shows moves of many places depends on it and on Version.
func (s *Store) EventsVersion() uint64 { return s.w.v.events.Load() }

// ExecContext runs one statement outside any unit of work: only the
// migrations do, before the writer starts. It moves every version on.
func (w *writeDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	defer w.changedAll()
	return w.db.ExecContext(ctx, query, args...)
}

// QueryContext and QueryRowContext read on the write connection: the
// migrations and the integrity check.
func (w *writeDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return w.db.QueryContext(ctx, query, args...)
}

func (w *writeDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return w.db.QueryRowContext(ctx, query, args...)
}

// begin starts a write transaction: only the writer and the migrations do.
func (w *writeDB) begin(ctx context.Context) (*sql.Tx, error) { return w.db.BeginTx(ctx, nil) }

func (w *writeDB) close() error {
	_, _ = w.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return w.db.Close()
}
