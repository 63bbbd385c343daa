package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// BenchmarkReadFloor measures what the two largest lists cost to read
// against the least that any code reading the same rows through
// database/sql and this driver can pay: the store's own query with every
// column read as raw bytes (no conversion, no string made), and the rows'
// ids alone (the index walk and the joins, one column read). The gap
// between the first two is the store's own work; the second is the floor
// under a page rendered afresh (README, "What a fresh page cannot go
// below").
//
// It runs on each engine, PostgreSQL's when SECUREMOVE_TEST_PG names a
// server:
//
//	go test ./store -run '^$' -bench ReadFloor
func BenchmarkReadFloor(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(e, readFloor)
	}
}

// floorList is one list the floor is measured on: how the store reads
// it, and its query with the arguments.
type floorList struct {
	name string
	rows int
	read func() ([]string, error) // the ids of the moves, as the store reads them
	q    string
	args []any
}

// floorLists makes a hundred moves, fifty of them on the day list of the
// fixture's court, and returns the two lists.
func floorLists(t testing.TB) (*fixture, []floorList) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 100 {
		p := f.newPerson(t, fmt.Sprintf("Person%03d", i))
		m := f.courtMove(t, p, f.today)
		if i >= 50 {
			f.exec(t, "UPDATE moves SET date = ? WHERE id = ?", "2026-11-23", m.ID)
		}
	}
	day := store.MoveFilter{ToIDs: []string{f.court.ID}, DateFrom: f.today, DateTo: f.today}
	api := store.MoveFilter{SupplierIDs: []string{f.supplier.ID}, Limit: 100}
	dq, dargs := store.DayMovesQuery(day)
	aq, aargs := f.st.ListMovesQuery(api)
	return f, []floorList{
		{"day list", 50, func() ([]string, error) {
			rows, err := f.st.DayMoves(ctx, day, "", 0)
			ids := make([]string, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			return ids, err
		}, dq, dargs},
		{"API page", 100, func() ([]string, error) {
			rows, _, err := f.st.ListMoves(ctx, api)
			ids := make([]string, len(rows))
			for i, r := range rows {
				ids[i] = r.ID
			}
			return ids, err
		}, aq, aargs},
	}
}

// TestReadFloorQueries holds the floor benchmark to the store: the
// queries it times as raw bytes give the moves the store's lists give.
func TestReadFloorQueries(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T) {
		f, lists := floorLists(t)
		for _, l := range lists {
			want, err := l.read()
			if err != nil || len(want) != l.rows {
				t.Fatalf("%s: %d moves, %v; want %d", l.name, len(want), err, l.rows)
			}
			got := ids(t, f.st, "SELECT m.id FROM ("+l.q+") m", l.args...)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s: the query's moves are not the store's:\n got %v\nwant %v", l.name, got, want)
			}
		}
	})
}

func readFloor(b *testing.B) {
	f, lists := floorLists(b)
	for _, l := range lists {
		b.Run(l.name+"/store", func(b *testing.B) {
			for b.Loop() {
				ids, err := l.read()
				if err != nil || len(ids) != l.rows {
					b.Fatalf("%d rows, %v; want %d", len(ids), err, l.rows)
				}
			}
		})
		b.Run(l.name+"/raw bytes", func(b *testing.B) {
			for b.Loop() {
				if n := rawRows(b, f.st.DB(), l.q, l.args); n != l.rows {
					b.Fatalf("%d rows; want %d", n, l.rows)
				}
			}
		})
		ids := "SELECT m.id FROM (" + l.q + ") m"
		b.Run(l.name+"/ids only", func(b *testing.B) {
			for b.Loop() {
				if n := rawRows(b, f.st.DB(), ids, l.args); n != l.rows {
					b.Fatalf("%d rows; want %d", n, l.rows)
				}
			}
		})
	}
}

// rawRows runs q and reads every column of every row as sql.RawBytes,
// the least a reader through database/sql can do, returning the rows.
func rawRows(b *testing.B, db *sql.DB, q string, args []any) int {
	rows, err := db.Query(q, args...)
	if err != nil {
		b.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		b.Fatal(err)
	}
	dest := make([]any, len(cols))
	for i := range dest {
		dest[i] = new(sql.RawBytes)
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}
