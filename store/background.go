package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// backgroundLockKey is the PostgreSQL advisory lock whose holder does the
// background work of every instance on the database.
const backgroundLockKey = 7_316_771_202

// RunBackground calls work every interval until ctx ends, on one instance
// only of all those sharing the database: background work (clean-ups, and
// later webhook deliveries) runs once, not once per instance.
//
// On PostgreSQL the instance that holds a session advisory lock, on a
// connection of its own, is the one that works; the others try to take
// the lock at every interval, so when the worker stops or its connection
// drops (the lock goes with the session) another takes over within an
// interval. On SQLite one server serves a file: it always works.
//
// onRun, when not nil, is told after each run (tests count runs with it).
func (s *Store) RunBackground(ctx context.Context, interval time.Duration, work func(context.Context) error, onRun func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var lock *pgx.Conn
	defer func() {
		if lock != nil {
			lock.Close(context.Background())
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.eng.pg {
			var err error
			if lock, err = s.holdBackgroundLock(ctx, lock); err != nil || lock == nil {
				continue // another instance works, or the database is away
			}
		}
		err := work(ctx)
		if ctx.Err() != nil {
			return // stopped while working: nothing to report
		}
		if onRun != nil {
			onRun(err)
		}
	}
}

// holdBackgroundLock returns the connection holding the background lock:
// the one given if it still answers, else a new one if the lock is free,
// else nil.
func (s *Store) holdBackgroundLock(ctx context.Context, held *pgx.Conn) (*pgx.Conn, error) {
	if held != nil {
		if err := held.Ping(ctx); err == nil {
			return held, nil
		}
		held.Close(context.Background())
	}
	conn, err := pgx.ConnectConfig(ctx, s.pgcfg)
	if err != nil {
		return nil, err
	}
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", int64(backgroundLockKey)).Scan(&got); err != nil || !got {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// CleanUp deletes what has outlived its use: access tokens a day past
// their expiry and answers kept for idempotency keys past IdempotencyTTL.
// It returns how many rows went.
func (s *Store) CleanUp(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		// Expired tokens are refused as expired anyway; what is kept of
		// them in memory goes too.
		u.TouchAuth()
		for _, q := range []struct {
			sql    string
			before time.Time
		}{
			{"DELETE FROM access_tokens WHERE expires_at < ?", now.Add(-24 * time.Hour)},
			{"DELETE FROM idempotency_keys WHERE created_at < ?", now.Add(-IdempotencyTTL)},
		} {
			res, err := u.ExecContext(ctx, q.sql, micros(q.before))
			if err != nil {
				return fmt.Errorf("store: clean up: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return n, err
}
