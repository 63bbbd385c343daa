package store

import (
	"context"
	"slices"
)

// Migration is a migration a test supplies.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ApplyMigrationsForTest applies extra migrations after the embedded ones.
func (s *Store) ApplyMigrationsForTest(ctx context.Context, extra ...Migration) error {
	ms, err := loadMigrations(s.eng)
	if err != nil {
		return err
	}
	for _, m := range extra {
		ms = append(ms, migration{version: m.Version, name: m.Name, sql: m.SQL})
	}
	return s.applyMigrations(ctx, ms)
}

// SetReferenceSourceForTest makes references come from fn.
func SetReferenceSourceForTest(s *Store, fn func() (string, error)) { s.refSource = fn }

// AuthVersion, UsersVersion and LocationsVersion are the versions of the
// store's own memos.
func (s *Store) AuthVersion() uint64      { return s.w.v.auth.Load() }
func (s *Store) UsersVersion() uint64     { return s.w.v.users.Load() }
func (s *Store) LocationsVersion() uint64 { return s.w.v.locations.Load() }

// SetAfterLocationsRead runs fn between reading the locations and keeping
// them (nil to stop).
func SetAfterLocationsRead(fn func()) { afterLocationsRead = fn }

// DemoTables is what ResetDemo empties, in order.
var DemoTables = demoTables

// StmtState says whether the unit's transaction found q among the
// statements the writer keeps, and whether it had to prepare q itself.
func (u *Unit) StmtState(q string) (kept, prepared bool) {
	return u.tx.kept.get(q) != nil, slices.Contains(u.tx.missed, q)
}

// HoldWriter keeps the writer busy, each of its lanes in a unit of its
// own, until release is called, so that the writes submitted meanwhile
// queue up and are then taken as one batch (on SQLite; on PostgreSQL
// each goes on its own), in the order submitted; queued says how many
// wait.
func (s *Store) HoldWriter() (queued func() int, release func()) {
	hold := make(chan struct{})
	for range s.writer.lanes {
		running := make(chan struct{})
		go s.unit(context.Background(), func(*Unit) error {
			close(running)
			<-hold
			return nil
		})
		<-running
	}
	return func() int { return len(s.writer.reqs) }, func() { close(hold) }
}

// TransientTables are the tables a copy to PostgreSQL leaves unanalysed.
var TransientTables = transientTables

// DayMovesQuery is DayMoves' query for f, and its arguments.
func DayMovesQuery(f MoveFilter) (string, []any) {
	where, args := f.where()
	return daySelect + where, args
}

// ListMovesQuery is ListMoves' query for f (titles from memory), and its
// arguments.
func (s *Store) ListMovesQuery(f MoveFilter) (string, []any) {
	where, args := f.where()
	return f.listQuery(where, false, s.eng.pg), args
}
