package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/securemove/securemove/moves"
)

// TableCount is a table and how many rows it holds.
type TableCount struct {
	Table string
	Rows  int64
}

// CopyReport says what CopyToPostgres copied and checked.
type CopyReport struct {
	Tables []TableCount // in the order copied
	// Moves is how many moves were checked: on PostgreSQL each is its
	// log replayed, equal to the move as it was on SQLite.
	Moves int
}

// CopyToPostgres copies a SQLite deployment (the file at from) into an
// empty PostgreSQL database (the URL to), the way up from one machine:
// both are first migrated to the same schema version, every row goes over
// in one transaction (so a failed copy leaves the target empty), and then
// the copy is checked: the same number of rows in every table, and every
// move's log, replayed on PostgreSQL, gives the move as SQLite had it.
// The SQLite file is only read (and migrated, as the server would).
func CopyToPostgres(ctx context.Context, from, to string) (CopyReport, error) {
	var rep CopyReport
	if IsPostgres(from) || !IsPostgres(to) {
		return rep, moves.Errorf(moves.Invalid, "copy from a SQLite file to a postgres:// URL")
	}
	src, err := Open(ctx, from)
	if err != nil {
		return rep, err
	}
	defer src.Close()
	dst, err := Open(ctx, to)
	if err != nil {
		return rep, err
	}
	sv, err := src.SchemaVersion(ctx)
	if err != nil {
		dst.Close()
		return rep, err
	}
	dv, err := dst.SchemaVersion(ctx)
	if err != nil || sv != dv {
		dst.Close()
		return rep, errors.Join(err, fmt.Errorf("store: schema versions differ: SQLite %d, PostgreSQL %d", sv, dv))
	}
	tables, err := copyOrder(ctx, src.w.db)
	if err != nil {
		dst.Close()
		return rep, err
	}
	for _, t := range append(slices.Clone(tables), "schema_migrations") {
		var n int64
		q := "SELECT COUNT(*) FROM " + t
		if t == "schema_migrations" {
			q += " WHERE version > " + fmt.Sprint(dv) // none: the target has exactly what it migrated
		}
		if err := dst.w.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			dst.Close()
			return rep, fmt.Errorf("store: PostgreSQL has no table %s the SQLite database has: %w", t, err)
		}
		if n > 0 {
			dst.Close()
			return rep, moves.Errorf(moves.Conflict, "the PostgreSQL database is not empty (%s has %d rows): copy only into an empty database", t, n)
		}
	}
	dst.Close()

	conn, err := pgx.Connect(ctx, to)
	if err != nil {
		return rep, fmt.Errorf("store: connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback(context.Background())
	for _, t := range tables {
		n, err := copyTable(ctx, src.w.db, tx, t)
		if err != nil {
			return rep, fmt.Errorf("store: copy %s: %w", t, err)
		}
		rep.Tables = append(rep.Tables, TableCount{Table: t, Rows: n})
	}
	// Identity columns go on from the highest value copied.
	rows, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return rep, err
	}
	type col struct{ table, name string }
	var ids []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.name); err != nil {
			rows.Close()
			return rep, err
		}
		ids = append(ids, c)
	}
	rows.Close()
	for _, c := range ids {
		t, n := pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.name}.Sanitize()
		if _, err := tx.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(%s), 0) + 1, false) FROM %s", n, t),
			c.table, c.name); err != nil {
			return rep, fmt.Errorf("store: move %s.%s on: %w", c.table, c.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return rep, fmt.Errorf("store: commit the copy: %w", err)
	}
	if err := analyzeCopy(ctx, conn); err != nil {
		return rep, err
	}

	dst, err = Open(ctx, to)
	if err != nil {
		return rep, err
	}
	defer dst.Close()
	for _, tc := range rep.Tables {
		var n int64
		if err := dst.w.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+tc.Table).Scan(&n); err != nil {
			return rep, err
		}
		if n != tc.Rows {
			return rep, fmt.Errorf("store: check: %s has %d rows on SQLite, %d on PostgreSQL", tc.Table, tc.Rows, n)
		}
	}
	if err := checkTallies(ctx, src, dst); err != nil {
		return rep, err
	}
	rep.Moves, err = checkMoves(ctx, src, dst)
	return rep, err
}

// transientTables hold rows that come and go within a day: idempotency
// keys (IdempotencyTTL), access tokens, the outbox. What they hold when
// the copy is made says nothing of what they will hold.
var transientTables = []string{"access_tokens", "idempotency_keys", "notifications"}

// analyzeCopy gives the planner statistics of what the copy filled, now
// rather than at autovacuum's leisure: without them PostgreSQL took
// move_notices for nearly empty and scanned it whole for every day list
// (14 ms a page instead of 0.6). The transient tables are left to
// autovacuum. Statistics of the copy's handful of idempotency keys had
// each key's lookup planned as a scan of the table, a plan kept with the
// writer's prepared statement while thousands of keys arrived (event
// ingestion at two thirds of its rate); a table never analysed is assumed
// to be of some size, and is looked up by its key.
func analyzeCopy(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
	if err != nil {
		return fmt.Errorf("store: analyze the copy: %w", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("store: analyze the copy: %w", err)
	}
	for _, t := range tables {
		if slices.Contains(transientTables, t) {
			continue
		}
		if _, err := conn.Exec(ctx, "ANALYZE "+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("store: analyze %s: %w", t, err)
		}
	}
	return nil
}

// talliesRead are the tallies of moves (migrations 0018 and 0020) and the
// latest notices (0022), kept by triggers, each as a query of its rows
// (the tallies' non-zero ones) in one order, for checkTallies.
var talliesRead = map[string]string{
	"move_tallies": `SELECT supplier_id || ' ' || status || ' ' || proposal || ' ' || rejected, n FROM move_tallies
		WHERE n != 0 ORDER BY supplier_id, status, proposal, rejected`,
	"move_day_tallies": `SELECT date || ' ' || supplier_id || ' ' || status, n FROM move_day_tallies
		WHERE n != 0 ORDER BY date, supplier_id, status`,
	"review_sent_tallies": `SELECT hour || ' ' || status || ' ' || rejected, n FROM review_sent_tallies
		WHERE n != 0 ORDER BY hour, status, rejected`,
	// The latest notices (migration 0022), by the seq of the event each is.
	"move_notices": `SELECT move_id || ' ' || event_type || ' ' || occurred_at || ' ' || details, seq FROM move_notices
		ORDER BY move_id, event_type`,
}

// checkTallies compares the two databases' tallies of moves: PostgreSQL's
// (and its latest notices) were made by its triggers from the rows copied.
func checkTallies(ctx context.Context, src, dst *Store) error {
	read := func(s *Store, q string) (string, error) {
		rows, err := s.w.db.QueryContext(ctx, q)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var key string
			var n int64
			if err := rows.Scan(&key, &n); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%s: %d\n", key, n)
		}
		return b.String(), rows.Err()
	}
	for _, table := range slices.Sorted(maps.Keys(talliesRead)) {
		a, err := read(src, talliesRead[table])
		if err != nil {
			return err
		}
		b, err := read(dst, talliesRead[table])
		if err != nil {
			return err
		}
		if a != b {
			return fmt.Errorf("store: check: %s differ:\nSQLite:\n%sPostgreSQL:\n%s", table, a, b)
		}
	}
	return nil
}

// copyOrder lists the SQLite database's tables, each after those its
// foreign keys refer to. The tallies and the latest notices are not among
// them: PostgreSQL's triggers build them as the moves and events arrive,
// and the check compares the two.
// Nor is recipients_version, a row of bookkeeping each database keeps.
func copyOrder(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'move_tallies', 'move_day_tallies', 'review_sent_tallies', 'move_notices',
		'recipients_version') ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	deps := map[string][]string{}
	for _, n := range names {
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return nil, err
			}
			if d != n {
				deps[n] = append(deps[n], d)
			}
		}
		rows.Close()
	}
	var out []string
	done := map[string]bool{}
	var visit func(n string, seen map[string]bool) error
	visit = func(n string, seen map[string]bool) error {
		if done[n] {
			return nil
		}
		if seen[n] {
			return fmt.Errorf("store: tables refer to each other in a circle through %s", n)
		}
		seen[n] = true
		for _, d := range deps[n] {
			if err := visit(d, seen); err != nil {
				return err
			}
		}
		done[n] = true
		out = append(out, n)
		return nil
	}
	for _, n := range names {
		if err := visit(n, map[string]bool{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// copyTable copies one table's rows with COPY, in the order SQLite stored
// them (a move rebooked from another comes after it). A column that
// PostgreSQL has and SQLite has not must be SQLite's implicit rowid.
func copyTable(ctx context.Context, db *sql.DB, tx pgx.Tx, table string) (int64, error) {
	rows, err := tx.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return 0, err
	}
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, err
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) == 0 {
		return 0, fmt.Errorf("PostgreSQL has no table %s", table)
	}
	srcCols := map[string]bool{}
	info, err := db.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return 0, err
	}
	for info.Next() {
		var c string
		if err := info.Scan(&c); err != nil {
			info.Close()
			return 0, err
		}
		srcCols[c] = true
	}
	info.Close()
	if len(srcCols) != len(cols) && !(len(srcCols) == len(cols)-1 && slices.Contains(cols, "rowid") && !srcCols["rowid"]) {
		return 0, fmt.Errorf("the columns differ: SQLite %d, PostgreSQL %v", len(srcCols), cols)
	}
	sel := make([]string, len(cols))
	for i, c := range cols {
		if !srcCols[c] && c != "rowid" {
			return 0, fmt.Errorf("SQLite has no column %s", c)
		}
		sel[i] = `"` + c + `"`
	}
	order := ""
	var probe any
	if db.QueryRowContext(ctx, "SELECT rowid FROM "+table+" LIMIT 1").Scan(&probe) != nil {
		order = "" // a WITHOUT ROWID table (or an empty one): any order
	} else {
		order = " ORDER BY rowid"
	}
	src, err := db.QueryContext(ctx, "SELECT "+joinCols(sel)+" FROM "+table+order)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var scanErr error
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if !src.Next() {
			return nil, src.Err()
		}
		if scanErr = src.Scan(ptrs...); scanErr != nil {
			return nil, scanErr
		}
		return vals, nil
	}))
	return n, err
}

func joinCols(cols []string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// checkMoves checks every move: on PostgreSQL its log replayed gives the
// move as stored on SQLite, and the events' marks agree.
func checkMoves(ctx context.Context, src, dst *Store) (int, error) {
	rows, err := src.r.QueryContext(ctx, "SELECT id FROM moves ORDER BY id")
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	all, err := dst.allLocations(ctx)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		want, err := src.Move(ctx, id)
		if err != nil {
			return 0, err
		}
		got, err := dst.Move(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("store: check: move %s: %w", want.Reference, err)
		}
		if !sameMove(got, want) {
			return 0, fmt.Errorf("store: check: move %s differs: SQLite %+v, PostgreSQL %+v", want.Reference, want, got)
		}
		state, marks, err := dst.replayed(ctx, id, all)
		if err != nil {
			return 0, err
		}
		if state != want.State() {
			return 0, fmt.Errorf("store: check: move %s replayed on PostgreSQL gives %+v, SQLite had %+v", want.Reference, state, want.State())
		}
		log, err := src.Events(ctx, id)
		if err != nil {
			return 0, err
		}
		if len(log) != len(marks) {
			return 0, fmt.Errorf("store: check: move %s has %d events on SQLite, %d on PostgreSQL", want.Reference, len(log), len(marks))
		}
		for i, e := range log {
			if m := marks[i]; m.ID != e.ID || m.Applied != e.Applied || m.Reason != e.Reason || m.Late != e.Late {
				return 0, fmt.Errorf("store: check: move %s event %d differs after the replay: SQLite %s applied=%v, PostgreSQL %s applied=%v",
					want.Reference, i, e.ID, e.Applied, m.ID, m.Applied)
			}
		}
	}
	return len(ids), nil
}

// replayed is a move's state computed afresh from its initial state and
// its whole log, with the log as the replay marks it.
func (s *Store) replayed(ctx context.Context, id string, all map[string]moves.Location) (moves.State, []moves.Event, error) {
	m, err := s.Move(ctx, id)
	if err != nil {
		return moves.State{}, nil, err
	}
	var initStatus, initType string
	var initTo, initDate, initFrom, initTo2 sql.NullString
	if err := s.r.QueryRowContext(ctx, `SELECT initial_status, initial_move_type, initial_to_location_id, initial_date, initial_date_from, initial_date_to
		FROM moves WHERE id = ?`, id).Scan(&initStatus, &initType, &initTo, &initDate, &initFrom, &initTo2); err != nil {
		return moves.State{}, nil, err
	}
	base := moves.State{Status: moves.Status(initStatus), MoveType: moves.MoveType(initType), FromID: m.FromID,
		ToID: initTo.String, Date: initDate.String, DateFrom: initFrom.String, DateTo: initTo2.String}
	log, err := s.Events(ctx, id)
	if err != nil {
		return moves.State{}, nil, err
	}
	refs := locationLookup{all: all, moves: func(mid string) bool {
		var one int
		return s.r.QueryRowContext(ctx, "SELECT 1 FROM moves WHERE id = ?", mid).Scan(&one) == nil
	}}
	state := moves.Replay(base, log, refs)
	// Lodging events are marked by the lodgings, as the store does.
	ls, err := s.MoveLodgings(ctx, id)
	if err != nil {
		return moves.State{}, nil, err
	}
	moves.ReplayLodgings(ls, log)
	return state, log, nil
}

// sameMove compares two moves field by field, the time due by value.
func sameMove(a, b moves.Move) bool {
	if (a.TimeDue == nil) != (b.TimeDue == nil) || (a.TimeDue != nil && !a.TimeDue.Equal(*b.TimeDue)) {
		return false
	}
	// Pointers are compared by what they point at.
	if (a.MoveAgreed == nil) != (b.MoveAgreed == nil) || (a.MoveAgreed != nil && *a.MoveAgreed != *b.MoveAgreed) {
		return false
	}
	a.TimeDue, b.TimeDue = nil, nil
	a.MoveAgreed, b.MoveAgreed = nil, nil
	return a == b
}
