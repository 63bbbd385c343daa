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

	"github.com/jackc/pgx/v5"
	"github.com/securemove/securemove/moves"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Store is the database. Writes go through one connection, so SQLite never
// has to arbitrate between writers; reads use a pool of their own. On
// PostgreSQL each instance keeps that shape, and the database arbitrates
// between instances (engine.go).
type Store struct {
	eng *engine
	w   *writeDB
	r   *readDB
	Now func() time.Time
	// rand, when set, makes references deterministic in tests.
	refSource func() (string, error)
	locs      locCache
	recips    atomic.Pointer[recipients]
	users     memo[string, User]
	// tokens holds access tokens looked up, by hash, for one auth
	// version: it moves on when a unit of work touches clients or tokens
	// (here or, seen by the checkpointer or the listener, in another
	// process).
	tokens memo[string, tokenEntry]
	// sweptKeys is when expired idempotency keys were last deleted.
	sweptKeys atomic.Int64
	writer    *writer
	ckpt      *checkpointer
	listen    *listener
	// notify is this instance's channel and name on PostgreSQL.
	notify *notifier
	// pgcfg is the PostgreSQL connection's settings, for connections of
	// their own (the background lock).
	pgcfg *pgx.ConnConfig
	// outboxHook is called after a commit that wrote notifications
	// (notify_outbox.go), to wake the delivery worker.
	outboxHook atomic.Pointer[func()]
	// reading counts the reads under way (Reading), which pace the
	// writer's commits (writer.go).
	reading atomic.Int64
	// emailOff: this server sends no e-mail (no SMTP configured), so no
	// e-mail notifications are written (SendsEmail).
	emailOff atomic.Bool
}

// Reading marks a read, a page or an API GET, as under way until done is
// called. While any is, the SQLite writer spaces its commits commitGap
// apart, since each one empties every reading connection's page cache.
func (s *Store) Reading() (done func()) {
	s.reading.Add(1)
	return func() { s.reading.Add(-1) }
}

// Open opens the database and applies any migrations it lacks: a
// postgres:// (or postgresql://) URL opens PostgreSQL, anything else is
// the path of a SQLite file, created if need be.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{eng: sqliteEngine, w: &writeDB{db: w}, Now: time.Now}
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
		// 8 MB of pages per reading connection. Each connection keeps a
		// cache of its own, filled to the brim on a large database: at
		// 32 MB each, a million-move database held the server at 326 MB
		// (four readers), against under 100 MB at 100,000 moves; pages
		// beyond it come from the operating system's file cache. At 8 MB
		// it peaked at 147 MB, at 12 MB 177 MB, with the same latencies.
		q.Add("_pragma", "cache_size(-8000)")
	} else {
		// The writer's cache is as small, for its own reason: every
		// commit walks it (SQLite drops cached pages past the end of the
		// file), which took 7% of the CPU of event ingestion at 32 MB and
		// 3% at 8 MB, while the pages an event touches are few.
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
	if s.listen != nil {
		s.listen.close()
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
// PostgreSQL checks its pages as it reads them (and has no such pragma):
// there it answers "ok" when the database answers.
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	if s.eng.pg {
		err := s.w.QueryRowContext(ctx, "SELECT 'ok'").Scan(&res)
		return res, err
	}
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

// loadMigrations reads an engine's migrations: migrations/sqlite or
// migrations/postgres, numbered alike, each number doing the same on both.
func loadMigrations(eng *engine) ([]migration, error) {
	dir := "migrations/" + eng.name
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		var v int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &v); err != nil || v == 0 {
			return nil, fmt.Errorf("store: migration %q is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	// Numbers are handed out to pieces of work before they land, so a
	// number may be missing; each may be used once, and they apply in order.
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
	ms, err := loadMigrations(s.eng)
	if err != nil {
		return err
	}
	return s.applyMigrations(ctx, ms)
}

func (s *Store) applyMigrations(ctx context.Context, ms []migration) error {
	if _, err := s.w.ExecContext(ctx, s.eng.migrationsTable); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	applied := map[int]string{}
	rows, err := s.w.QueryContext(ctx, "SELECT version, name FROM schema_migrations ORDER BY version")
	if err != nil {
		return fmt.Errorf("store: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			rows.Close()
			return err
		}
		applied[v] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read schema_migrations: %w", err)
	}
	if err := unknownMigrations(applied, ms); err != nil {
		return err
	}
	for _, m := range ms {
		if _, ok := applied[m.version]; ok {
			continue
		}
		// A SQLite migration that rebuilds a table others refer to asks
		// for foreign keys off while it runs (SQLite's documented way to
		// change a table's constraints); they are checked before it
		// commits. PostgreSQL changes such tables with ALTER TABLE.
		fkOff := s.eng.foreignKeysOff(m.sql)
		if err := s.eng.setForeignKeys(ctx, s.w.db, fkOff, false); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		err := s.migrationTx(ctx, func(tx *sql.Tx) error {
			// Instances starting together take turns; each sees what the
			// one before it applied.
			if err := s.eng.lockMigrations(ctx, tx); err != nil {
				return err
			}
			var applied int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&applied); err != nil || applied > 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if fkOff {
				if err := s.eng.checkForeignKeys(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, micros(s.Now()))
			return err
		})
		if ferr := s.eng.setForeignKeys(ctx, s.w.db, fkOff, true); ferr != nil && err == nil {
			err = ferr
		}
		if err != nil {
			return fmt.Errorf("store: migration %s failed, database left as it was: %w", m.name, err)
		}
	}
	return nil
}

// unknownMigrations refuses a database that records migrations this build
// does not have: a newer build changed its schema (or a migration was
// tried and withdrawn), and this build's queries would run against tables
// it does not know the shape of. Running on regardless once turned a
// rebuilt notifications table into deliveries claimed over and over; the
// safe answers are the newer build or a backup, so the error names both.
func unknownMigrations(applied map[int]string, ms []migration) error {
	known := make(map[int]bool, len(ms))
	for _, m := range ms {
		known[m.version] = true
	}
	var unknown []string
	for v, name := range applied {
		if !known[v] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	newest := 0
	if len(ms) > 0 {
		newest = ms[len(ms)-1].version
	}
	return &moves.Error{Code: moves.Conflict, Message: fmt.Sprintf(
		"the database has migrations this build of securemove does not know (%s; this build knows up to %04d): "+
			"it was changed by a newer build. Start that build, or restore a backup taken before it ran",
		strings.Join(unknown, ", "), newest)}
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
