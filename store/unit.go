package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
)

// Unit is one unit of work: a change of any kind and every row that goes
// with it, written in one transaction by the group-commit writer (inside
// its own savepoint, so a unit that fails leaves nothing, whatever other
// units share its commit). It records what it touched; after the commit,
// and before anyone hears back, the versions of those things move on and
// the caches built on them are stale (version.go). Nothing else moves a
// version, so a write that forgets to record what it touched shows old
// pages: every write the store does goes through a Unit.
//
// A feature that needs rows of its own written with a change (an outbox
// of notifications, say) adds them with ExecContext on the same Unit:
// they commit or roll back with it. Store methods called with a Unit's
// Context join the unit rather than start another.
type Unit struct {
	s       *Store
	ctx     context.Context
	tx      *txStmts
	touched touched
	depth   int
	// notes are the notifications this unit wrote, and batchNotes those
	// of the units before it in the writer's batch: all are inserted
	// together before the batch commits (writeNotes).
	notes      []notify.Notification
	batchNotes *[]notify.Notification
	// emptiedOutbox: the unit deleted every notification (a demo reset),
	// those of the units before it in the batch included, had they been
	// written already.
	emptiedOutbox bool
}

type unitKey struct{}

// unitFrom returns the unit ctx carries for s, if any.
func (s *Store) unitFrom(ctx context.Context) *Unit {
	u, _ := ctx.Value(unitKey{}).(*Unit)
	if u == nil || u.s != s {
		return nil
	}
	return u
}

// Context carries the unit: store methods called with it write inside
// this unit. It is not cancelled when the caller's context is: once a
// unit runs, it completes or fails on its own merits (a cancelled
// statement could otherwise abort the transaction other units share).
func (u *Unit) Context() context.Context { return u.ctx }

// Now is the store's clock.
func (u *Unit) Now() time.Time { return u.s.Now() }

// ExecContext, QueryContext and QueryRowContext run statements inside the
// unit's transaction (prepared once per commit).
func (u *Unit) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return u.tx.ExecContext(ctx, q, args...)
}

func (u *Unit) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return u.tx.QueryContext(ctx, q, args...)
}

func (u *Unit) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return u.tx.QueryRowContext(ctx, q, args...)
}

// sqlTx is the transaction, for the store's helpers written for *sql.Tx.
func (u *Unit) sqlTx() *sql.Tx { return u.tx.Tx }

// TouchMove records a move (as it was or as it is now) as changed: its
// page, the page of the move it was rebooked from, which names it, and
// the lists of its places.
func (u *Unit) TouchMove(m moves.Move) {
	u.touched.move(m)
}

// TouchMoveIDs records moves whose pages changed but whose places' lists
// did not.
func (u *Unit) TouchMoveIDs(ids ...string) { u.touched.moves = append(u.touched.moves, ids...) }

// TouchPlaces records places whose lists changed.
func (u *Unit) TouchPlaces(ids ...string) { u.touched.places = append(u.touched.places, ids...) }

// TouchUsers records a change to users (their names, roles, locations,
// sessions): every page shows its user.
func (u *Unit) TouchUsers() { u.touched.kinds |= touchedUsers }

// TouchAuth records a change to API clients, their secrets or tokens:
// tokens kept in memory are looked up again. No page depends on them.
func (u *Unit) TouchAuth() { u.touched.kinds |= touchedAuth }

// TouchLocations records a change to locations (added, disabled):
// the locations kept in memory and every page are stale.
func (u *Unit) TouchLocations() { u.touched.kinds |= touchedLocations }

// TouchReference records a change to reference data (regions, suppliers,
// which supplier serves where): every page is stale.
func (u *Unit) TouchReference() { u.touched.kinds |= touchedReference }

// TouchAll records that anything may have changed: every version moves
// on. It is the conservative fallback for writes that cannot say what
// they touched (migrations, another process's commits).
func (u *Unit) TouchAll() { u.touched.kinds |= touchedAll }

// Savepoint runs fn inside the unit, in a savepoint of its own: if fn
// fails, what it wrote is undone and the unit goes on (to keep the answer
// to a request that failed, say, without anything the request wrote).
func (u *Unit) Savepoint(fn func(u *Unit) error) error { return u.nested(fn) }

// unit runs fn as a unit of work. With a ctx that carries a unit of this
// store, fn joins it, inside a savepoint of its own: if fn fails, what it
// wrote is undone and the enclosing unit goes on. Otherwise fn is queued
// for the writer, which commits it with the units waiting alongside.
func (s *Store) unit(ctx context.Context, fn func(u *Unit) error) error {
	if u := s.unitFrom(ctx); u != nil {
		return u.nested(fn)
	}
	res := s.writer.submit(ctx, func(u *Unit) (any, error) { return nil, fn(u) })
	return res.err
}

// nested runs fn inside the unit, in a savepoint of its own.
func (u *Unit) nested(fn func(u *Unit) error) error {
	u.depth++
	name := fmt.Sprintf("n%d", u.depth)
	defer func() { u.depth-- }()
	if _, err := u.tx.Tx.ExecContext(u.ctx, "SAVEPOINT "+name); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	notes, emptied := u.notes, u.emptiedOutbox
	err := callUnit(fn, u)
	if err != nil {
		// Undone with the rest of what fn wrote.
		u.notes, u.emptiedOutbox = notes, emptied
		if _, rerr := u.tx.Tx.ExecContext(u.ctx, "ROLLBACK TO "+name); rerr != nil {
			return fmt.Errorf("store: rollback to savepoint: %w (after %w)", rerr, err)
		}
	}
	if _, rerr := u.tx.Tx.ExecContext(u.ctx, "RELEASE "+name); rerr != nil && err == nil {
		err = fmt.Errorf("store: release savepoint: %w", rerr)
	}
	return err
}

// callUnit runs fn, turning a panic into an error: fn runs on the
// writer's goroutine, which must survive to answer the other units.
func callUnit(fn func(u *Unit) error, u *Unit) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: unit of work panicked: %v", p)
		}
	}()
	return fn(u)
}
