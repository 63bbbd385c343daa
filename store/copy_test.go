package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// The way up: the demo deployment on SQLite, with API clients, tokens,
// idempotency keys and administrators' changes, copied into an empty
// PostgreSQL database, checked, and then working there.
func TestCopyToPostgres(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "securemove.db")
	src, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	src.Now = func() time.Time { return now }
	if _, err := src.SeedDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	cl, secret, err := src.CreateClient(ctx, store.NewClient{Name: "Serco production", Supplier: "serco", CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	_, secretID, err := src.AuthenticateClient(ctx, cl.ID, secret)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := src.IssueToken(ctx, cl.ID, secretID, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	key := store.WriteOptions{Idempotency: &store.Key{Client: cl.ID, Key: "key-1", Fingerprint: "fp"}}
	if _, err := src.Write(ctx, key, func(u *store.Unit) (store.Answer, error) {
		return store.Answer{Status: 201, Body: []byte("kept")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	police, err := src.UserByUsername(ctx, "police")
	if err != nil {
		t.Fatal(err)
	}
	if err := src.AdminSetUserDisabled(ctx, police.ID, true, "admin"); err != nil {
		t.Fatal(err)
	}
	wantMoves, err := src.CountMoves(ctx, store.MoveFilter{})
	if err != nil || wantMoves == 0 {
		t.Fatalf("the demo has %d moves (%v)", wantMoves, err)
	}
	src.Close()

	to := storetest.PostgresDSN(t)
	rep, err := store.CopyToPostgres(ctx, path, to)
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	if rep.Moves != wantMoves {
		t.Fatalf("checked %d moves, the demo has %d", rep.Moves, wantMoves)
	}
	rows := map[string]int64{}
	for _, tc := range rep.Tables {
		rows[tc.Table] = tc.Rows
	}
	for _, table := range []string{"regions", "locations", "suppliers", "supplier_locations", "users", "user_locations", "people",
		"profiles", "moves", "events", "api_clients", "client_secrets", "access_tokens", "idempotency_keys", "admin_changes"} {
		if rows[table] == 0 {
			t.Errorf("%s: nothing copied (%v)", table, rep.Tables)
		}
	}

	// The copy leaves the planner statistics of what it filled, but for
	// the tables whose rows come and go (store.TransientTables), which
	// are left to autovacuum: a table never analysed has reltuples -1.
	conn, err := pgx.Connect(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range rep.Tables {
		var tuples float64
		if err := conn.QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = $1::regclass", tc.Table).Scan(&tuples); err != nil {
			t.Fatal(err)
		}
		transient := slices.Contains(store.TransientTables, tc.Table)
		switch {
		case tc.Rows > 0 && !transient && tuples < 0:
			t.Errorf("%s (%d rows) copied without planner statistics", tc.Table, tc.Rows)
		case transient && tuples >= 0:
			t.Errorf("%s, whose rows come and go, was analysed: its copy-time statistics would plan its lookups as scans", tc.Table)
		}
	}
	for _, table := range []string{"move_notices", "move_tallies"} {
		var tuples float64
		if err := conn.QueryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = $1::regclass", table).Scan(&tuples); err != nil || tuples < 0 {
			t.Errorf("%s, filled by triggers during the copy, has no statistics (%v, %v)", table, tuples, err)
		}
	}
	conn.Close(ctx)

	// A second copy into what is no longer empty is refused, and changes
	// nothing.
	if _, err := store.CopyToPostgres(ctx, path, to); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("copy into a database with data: %v", err)
	}

	pg, err := store.Open(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	pg.Now = func() time.Time { return now }
	if n, err := pg.CountMoves(ctx, store.MoveFilter{}); err != nil || n != wantMoves {
		t.Fatalf("after a refused second copy, %d moves (%v), want %d", n, err, wantMoves)
	}
	if u, err := pg.UserByUsername(ctx, "POLICE"); err != nil || !u.Disabled {
		t.Fatalf("user police on PostgreSQL: %+v %v", u, err)
	}
	if c, err := pg.ClientForToken(ctx, tok, now.Add(time.Minute)); err != nil || c.ID != cl.ID {
		t.Fatalf("the token issued on SQLite on PostgreSQL: %+v %v", c, err)
	}
	if a, err := pg.Write(ctx, key, func(u *store.Unit) (store.Answer, error) {
		return store.Answer{Status: 500}, nil
	}); err != nil || !a.Replayed || string(a.Body) != "kept" {
		t.Fatalf("the idempotency key on PostgreSQL: %+v %v", a, err)
	}
	// Sequences go on from the copied rows: a new event comes after them.
	list, _, err := pg.ListMoves(ctx, store.MoveFilter{Statuses: []moves.Status{moves.StatusBooked}, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("a requested move: %v %v", list, err)
	}
	m := list[0].Move
	before, err := pg.Events(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	ev, _, err := pg.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins,
		OccurredAt: now, RecordedAt: now, CreatedBy: "test"}, store.AppendOptions{})
	if err != nil {
		t.Fatalf("append on PostgreSQL after the copy: %v", err)
	}
	if ev.Seq <= before[len(before)-1].Seq {
		t.Fatalf("new event seq %d not after the copied %d", ev.Seq, before[len(before)-1].Seq)
	}
}
