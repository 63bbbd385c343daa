package main

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/store"
)

// copyDB copies a closed database file (no WAL beside it) to dst,
// replacing whatever was there.
func copyDB(src, dst string) error {
	removeDB(dst)
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// workingCopy copies a cached database to work for one run or profile,
// after migrating the cached one (once: later copies find it current), so
// that no copy pays for the migrations again.
func workingCopy(ctx context.Context, cached, work string) error {
	st, err := store.Open(ctx, cached)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	return copyDB(cached, work)
}

// removeDB deletes a working copy of a database and the files beside it.
func removeDB(path string) {
	for _, suf := range []string{"", "-wal", "-shm", ".session-key"} {
		_ = os.Remove(path + suf)
	}
}

// readDB opens a database for the checks a benchmark makes beside the
// server: the store's own settings, read-only.
func readDB(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	return db, nil
}

// moveIDs returns up to limit ids of moves from or to a location.
func moveIDs(ctx context.Context, db *sql.DB, locationID string, limit int) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM moves WHERE from_location_id = ? UNION ALL
		SELECT id FROM moves WHERE to_location_id = ? LIMIT ?`, locationID, locationID, limit)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// scanIDs reads a column of ids and closes the rows.
func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// userOf returns the loaded user with a role.
func userOf(meta bulk.BulkResult, role string) (bulk.BulkUser, bool) {
	for _, u := range meta.Users {
		if u.Role == role {
			return u, true
		}
	}
	return bulk.BulkUser{}, false
}

// logErrors counts the server log's error lines and returns the first few.
func logErrors(path string) (int, []string) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil
	}
	defer f.Close()
	n := 0
	var first []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, `"level":"ERROR"`) {
			n++
			if len(first) < 3 {
				first = append(first, firstLine(line))
			}
		}
	}
	return n, first
}
