// Package store keeps the service's data in SQLite (modernc.org/sqlite, no
// cgo): embedded numbered migrations, transactions and the queries the
// screens and the API need. It knows nothing of HTTP or HTML; errors it
// returns carry a moves.Code.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/securemove/securemove/moves"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the database. Writes go through one connection, so SQLite never
// has to arbitrate between writers; reads use a pool of their own.
type Store struct {
	w   *writeDB
	r   *readDB
	Now func() time.Time
	// rand, when set, makes references deterministic in tests.
	refSource func() (string, error)
	locs      locCache
	users     memo[string, User]
	// tokens holds access tokens looked up, by hash, for one auth
	// version: it moves on when a unit of work touches clients or tokens
	// (here or, seen by the checkpointer, in another process).
	tokens memo[string, tokenEntry]
	// sweptKeys is when expired idempotency keys were last deleted.
	sweptKeys atomic.Int64
	writer    *writer
	ckpt      *checkpointer
}

// Open opens (creating if need be) the database at path and applies any
// migrations it lacks.
func Open(ctx context.Context, path string) (*Store, error) {
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{w: &writeDB{db: w}, Now: time.Now}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	s.writer = newWriter(s)
	if s.ckpt, err = newCheckpointer(path, w, &s.w.dirty, s.changedElsewhere); err != nil {
		s.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.r = newReadDB(r)
	return s, nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	// synchronous=FULL: a 201 means the event is on disk, even if the
	// machine loses power. The writer's group commit keeps that affordable.
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		// 32 MB of pages per reading connection.
		q.Add("_pragma", "cache_size(-32000)")
	} else {
		// The writer's cache is smaller: every commit walks it (SQLite
		// drops cached pages past the end of the file), which took 7% of
		// the CPU of event ingestion at 32 MB and 3% at 8 MB, while the
		// pages an event touches are few.
		q.Add("_pragma", "cache_size(-8000)")
		// Take the write lock when a transaction begins, so a transaction
		// never fails half-way upgrading a read lock.
		q.Set("_txlock", "immediate")
		// The background checkpointer copies the log back; the writer
		// does only if it falls far behind (checkpoint.go).
		q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walBackstop))
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes both pools, checkpointing the WAL.
func (s *Store) Close() error {
	var errs []error
	if s.writer != nil {
		s.writer.close()
	}
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its first line.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := s.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	return res, err
}

// DB exposes the write pool for tools and benchmarks that measure the raw
// database (the plain-insert rate) and for tests that look inside. Writes
// through it are outside any unit of work and move no version on: caches
// would not see them. The service never writes through it.
func (s *Store) DB() *sql.DB { return s.w.db }

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &v); err != nil || v == 0 {
			return nil, fmt.Errorf("store: migration %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	// Numbers are handed out to branches ahead of time, so a branch may
	// have a gap until the others land; two files with one number is the
	// mistake to catch.
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("store: migrations %s and %s share a number", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies each missing migration in its own transaction and records
// it, so a failed migration leaves the database as it was.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return s.applyMigrations(ctx, ms)
}

func (s *Store) applyMigrations(ctx context.Context, ms []migration) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	applied := map[int]bool{}
	rows, err := s.w.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("store: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		// A migration that rebuilds a table others refer to asks for
		// foreign keys off while it runs (SQLite's documented way to
		// change a table's constraints); it is checked before it commits.
		// The write pool holds one connection, so the pragma applies to it.
		fkOff := strings.HasPrefix(m.sql, "-- foreign_keys: off")
		if fkOff {
			if _, err := s.w.db.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
		}
		err := s.migrationTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if fkOff {
				rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
				if err != nil {
					return err
				}
				bad := rows.Next()
				rows.Close()
				if bad {
					return errors.New("a foreign key no longer matches")
				}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, micros(s.Now()))
			return err
		})
		if fkOff {
			if _, ferr := s.w.db.ExecContext(ctx, "PRAGMA foreign_keys = ON"); ferr != nil && err == nil {
				err = ferr
			}
		}
		if err != nil {
			return fmt.Errorf("store: migration %s failed, database left as it was: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.r.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	return int(v.Int64), err
}

// migrationTx runs a migration in a transaction of its own, before the
// writer starts: the one write outside a unit of work. It cannot say what
// it touched, so it moves every version on (the conservative fallback).
func (s *Store) migrationTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer s.w.changedAll()
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return micros(*t)
}

func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isConstraint reports whether err is a SQLite constraint violation.
func isConstraint(err error, codes ...int) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	if len(codes) == 0 {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	for _, c := range codes {
		if se.Code() == c {
			return true
		}
	}
	return false
}

func notFound(what string) error {
	return moves.Errorf(moves.NotFound, "%s not found", what)
}

// placeholders returns "?,?,?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// DSN is the data source name Open uses for the writer connection of the
// database at path: the same pragmas (WAL, synchronous FULL, busy timeout,
// foreign keys, cache) and immediate transactions. Benchmarks use it to
// measure the plain insert rate under the service's own settings, and the
// bulk loader (bench/bulk) to open the file it fills.
func DSN(path string) string { return dsn(path, false) }
