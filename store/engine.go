package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// engine is what differs between the two databases the store runs on:
// SQLite (an embedded file, the default) and PostgreSQL (pgx/v5, for
// several instances on one database). The queries are written once, in
// SQLite's spelling with ? placeholders; on PostgreSQL the connections
// rebind them to $n (pgdriver.go). What cannot be rebound is here, and
// the schema does the rest: each engine has its own numbered migrations
// (migrations/sqlite, migrations/postgres, the same numbers), and on
// PostgreSQL a collation named nocase makes COLLATE NOCASE read the same.
type engine struct {
	name string // "sqlite" or "postgres"
	pg   bool
	// forUpdate ends a SELECT that reads a row the transaction will
	// change from what it read (a move whose log is replayed): on
	// PostgreSQL it locks the row against other instances until the
	// commit. SQLite needs nothing: its one writer holds the database.
	forUpdate string
	// migrationsTable creates the table recording applied migrations.
	migrationsTable string
}

var (
	sqliteEngine = &engine{
		name: "sqlite",
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`,
	}
	postgresEngine = &engine{
		name: "postgres", pg: true, forUpdate: " FOR UPDATE",
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
	}
)

// IsPostgres reports whether a -db value names a PostgreSQL database
// (postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Engine names the database the store runs on: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.eng.name }

// migrationLock keeps instances starting together from migrating at once:
// the first takes it, the others wait and then find nothing to do.
const migrationLockKey = 7_316_771_201

func (e *engine) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if !e.pg {
		return nil // the transaction holds SQLite's write lock already
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(migrationLockKey))
	return err
}

// lockKey serialises, until the transaction ends, the writers that check
// something spanning rows no single row lock covers (one active move per
// person, from, to and date; one supplier per location at a time). On
// SQLite the single writer serialises them already.
func (e *engine) lockKey(ctx context.Context, q querier, scope, key string) error {
	if !e.pg {
		return nil
	}
	_, err := q.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", scope+":"+key)
	return err
}

// isConstraint reports whether err is a constraint violation (unique,
// foreign key, check, not null) on either engine.
func isConstraint(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "23")
	}
	return false
}

// violates reports whether err is a constraint violation naming column:
// SQLite names it in the message ("UNIQUE constraint failed:
// moves.reference"), PostgreSQL in the detail ("Key (reference)=…").
func violates(err error, column string) bool {
	if !isConstraint(err) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.Contains(pe.Detail, "("+column+")") || strings.Contains(pe.ColumnName, column) ||
			strings.Contains(pe.ConstraintName, column)
	}
	return strings.Contains(err.Error(), column)
}

// retryable reports whether a write failed only because it met another
// instance's (a deadlock PostgreSQL broke, or a serialisation failure):
// the same write, tried again, will go through.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// attempt runs a statement that may fail on a constraint while the
// transaction goes on (a reference drawn twice is drawn again).
// PostgreSQL aborts a transaction at its first error unless the statement
// had a savepoint of its own; SQLite undoes the failed statement alone.
func (e *engine) attempt(ctx context.Context, q querier, fn func() error) error {
	if !e.pg {
		return fn()
	}
	if _, err := q.ExecContext(ctx, "SAVEPOINT attempt"); err != nil {
		return err
	}
	err := fn()
	if err != nil {
		if _, rerr := q.ExecContext(ctx, "ROLLBACK TO SAVEPOINT attempt"); rerr != nil {
			return errors.Join(err, rerr)
		}
	}
	if _, rerr := q.ExecContext(ctx, "RELEASE SAVEPOINT attempt"); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// syncIdentities moves PostgreSQL's identity columns (events.seq,
// admin_changes.seq, the rowid columns) on past the highest value a
// statement wrote itself, as rows written whole (the demo data) do:
// SQLite takes the next rowid from the table, PostgreSQL from a sequence
// the explicit values left behind.
func (e *engine) syncIdentities(ctx context.Context, q querier) error {
	if !e.pg {
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`)
	if err != nil {
		return err
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			rows.Close()
			return err
		}
		cols = append(cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range cols {
		// The names come from the catalogue, not from a user.
		if _, err := q.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX("`+c[1]+`"), 0) + 1, false) FROM "`+c[0]+`"`,
			c[0], c[1]); err != nil {
			return fmt.Errorf("store: move %s.%s on: %w", c[0], c[1], err)
		}
	}
	return nil
}

// foreignKeysMarker opens a SQLite migration that must run with foreign
// keys off: one that rebuilds (creates anew, copies, drops, renames) a
// table other tables refer to, which SQLite cannot change in place.
const foreignKeysMarker = "-- foreign_keys: off"

// foreignKeysOff reports whether a migration asks for foreign keys off.
// Only SQLite honours the marker: PostgreSQL alters such tables in place.
func (e *engine) foreignKeysOff(migration string) bool {
	return !e.pg && strings.HasPrefix(migration, foreignKeysMarker)
}

// setForeignKeys turns SQLite's foreign keys on or off around a migration
// that asked for it (when is false otherwise). The pragma is a no-op
// inside a transaction, so it goes on the write pool's one connection,
// which the migration's transaction then uses.
func (e *engine) setForeignKeys(ctx context.Context, db *sql.DB, when, on bool) error {
	if !when || e.pg {
		return nil
	}
	v := "OFF"
	if on {
		v = "ON"
	}
	_, err := db.ExecContext(ctx, "PRAGMA foreign_keys = "+v)
	return err
}

// checkForeignKeys fails the migration, before it commits, if a row it
// left behind refers to one that is not there.
func (e *engine) checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	bad := rows.Next()
	if err := rows.Close(); err != nil {
		return err
	}
	if bad {
		return errors.New("a foreign key no longer matches")
	}
	return nil
}
