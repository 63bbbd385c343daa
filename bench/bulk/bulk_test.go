package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// bulkTestDB loads a small benchmark database.
func bulkTestDB(t *testing.T, spec BulkSpec) (*store.Store, BulkResult) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.db")
	res, err := BulkLoad(ctx, path, spec)
	if err != nil {
		t.Fatalf("BulkLoad: %v", err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, res
}

// bulkRows reads a query's rows as column name -> value printed as text.
func bulkRows(t *testing.T, q *sql.DB, query string, args ...any) []map[string]string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []map[string]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, c := range cols {
			switch v := vals[i].(type) {
			case nil:
				m[c] = "NULL"
			case []byte:
				m[c] = string(v)
			default:
				m[c] = fmt.Sprint(v)
			}
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Replaying each move's stored log through moves.Replay gives the stored
// move state and the stored marks of every event; the shape of the data is
// what the benchmarks rely on.
func TestBulkLoadReplaysToStoredState(t *testing.T) {
	ctx := context.Background()
	// A short span of days, so that moves still to come (requested,
	// proposed) are common.
	const n = 600
	st, res := bulkTestDB(t, BulkSpec{Moves: n, Seed: 7, Days: 90})
	if res.Moves != n {
		t.Fatalf("loaded %d moves, want %d", res.Moves, n)
	}
	// About ten per move over the default two years (the benchmarks show
	// the figure); fewer here, where a third of the moves are still to come.
	if avg := float64(res.Events) / float64(res.Moves); avg < 6 || avg > 12 {
		t.Errorf("%.1f events per move on average, want 6 to 12", avg)
	}
	ls, err := st.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	refs := testRefs{}
	for _, l := range ls {
		refs[l.ID] = l
	}
	ids := bulkRows(t, st.DB(), "SELECT id, initial_status, initial_move_type, COALESCE(initial_to_location_id,'') AS ito, COALESCE(initial_date,'') AS idate, COALESCE(initial_date_from,'') AS ifrom, COALESCE(initial_date_to,'') AS ito2 FROM moves")
	if len(ids) != n {
		t.Fatalf("%d moves in the table", len(ids))
	}
	statuses := map[moves.Status]int{}
	notApplied, late := 0, 0
	for _, row := range ids {
		m, err := st.Move(ctx, row["id"])
		if err != nil {
			t.Fatal(err)
		}
		log, err := st.Events(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) == 0 || !log[0].Type.IsCreation() {
			t.Fatalf("move %s: log does not open with its creation event", m.Reference)
		}
		stored := append([]moves.Event(nil), log...)
		base := moves.State{Status: moves.Status(row["initial_status"]), MoveType: moves.MoveType(row["initial_move_type"]),
			FromID: m.FromID, ToID: row["ito"], Date: row["idate"], DateFrom: row["ifrom"], DateTo: row["ito2"]}
		got := moves.Replay(base, log, refs)
		if got != m.State() {
			t.Fatalf("move %s: replay gives %+v, stored %+v", m.Reference, got, m.State())
		}
		marks := map[string]moves.Event{}
		for _, e := range log {
			marks[e.ID] = e
		}
		for _, e := range stored {
			r := marks[e.ID]
			if r.Applied != e.Applied || r.Reason != e.Reason || r.Late != e.Late {
				t.Fatalf("move %s event %s: replay marks applied=%v late=%v %q, stored applied=%v late=%v %q",
					m.Reference, e.Type, r.Applied, r.Late, r.Reason, e.Applied, e.Late, e.Reason)
			}
			if !e.Applied {
				notApplied++
			}
			if e.Late {
				late++
			}
		}
		statuses[m.Status]++
	}
	for _, s := range moves.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no %s moves", s)
		}
	}
	if notApplied == 0 || late == 0 {
		t.Errorf("%d not-applied and %d late events; want some of each", notApplied, late)
	}
	// The busy court's day and the long move.
	var busy int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM moves WHERE to_location_id = ? AND date = ? AND status IN ('requested','booked','in_transit','completed')`,
		res.BusyLocationID, res.Today).Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if busy != 50 || res.BusyIncoming != 50 {
		t.Errorf("busy court has %d active moves on %s (result says %d), want 50", busy, res.Today, res.BusyIncoming)
	}
	long, err := st.Events(ctx, res.LongMoveID)
	if err != nil || len(long) != 50 {
		t.Errorf("long move has %d events (%v), want 50", len(long), err)
	}
	for sup, ms := range res.SampleMoves {
		for _, id := range ms[:min(len(ms), 20)] {
			m, err := st.Move(ctx, id)
			if err != nil || m.SupplierID != sup {
				t.Errorf("sample move %s: supplier %q, want %q (%v)", id, m.SupplierID, sup, err)
			}
		}
	}
	if len(res.SampleMoves) != 2 {
		t.Errorf("sample moves for %d suppliers, want 2", len(res.SampleMoves))
	}
	// Sound database, every index of the migrations in place, users able to sign in.
	if ok, err := st.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Errorf("integrity_check: %q %v", ok, err)
	}
	if fk := bulkRows(t, st.DB(), "PRAGMA foreign_key_check"); len(fk) > 0 {
		t.Errorf("foreign key violations: %v", fk[:min(5, len(fk))])
	}
	fresh, err := store.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	const schema = "SELECT type, name, COALESCE(sql,'') AS sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"
	if want, got := bulkRows(t, fresh.DB(), schema), bulkRows(t, st.DB(), schema); !reflect.DeepEqual(want, got) {
		t.Errorf("schema differs from a migrated database:\nwant %v\ngot  %v", want, got)
	}
	var mode string
	if err := st.DB().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}
	for _, u := range res.Users {
		usr, err := st.UserByUsername(ctx, u.Username)
		if err != nil || !store.CheckPassword(usr.PasswordHash, BulkPassword) {
			t.Errorf("user %s cannot sign in: %v", u.Username, err)
		}
	}
}

// The loader writes exactly the rows CreateMove and AppendEvent write:
// every move of a loaded database, booked again through them in a fresh
// database with the same clock, gives the same rows.
func TestBulkRowsMatchCreateMoveAndAppendEvent(t *testing.T) {
	ctx := context.Background()
	const n = 100
	a, _ := bulkTestDB(t, BulkSpec{Moves: n, Seed: 9, BusyIncoming: 5, Days: 90})
	// The replayed database commits every event on its own, each with an
	// fsync: on a memory file system where there is one.
	dir := t.TempDir()
	if shm, err := os.MkdirTemp("/dev/shm", "bulk-test-"); err == nil {
		dir = shm
		t.Cleanup(func() { os.RemoveAll(shm) })
	}
	b, err := store.Open(ctx, filepath.Join(dir, "replayed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var now time.Time
	b.Now = func() time.Time { return now }

	// The same reference data and people, with the same ids.
	for _, r := range bulkRows(t, a.DB(), "SELECT id, key, name FROM regions") {
		if err := b.CreateRegion(ctx, &moves.Region{ID: r["id"], Key: r["key"], Name: r["name"]}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range bulkRows(t, a.DB(), "SELECT id, key, name FROM suppliers") {
		if err := b.CreateSupplier(ctx, &moves.Supplier{ID: r["id"], Key: r["key"], Name: r["name"]}); err != nil {
			t.Fatal(err)
		}
	}
	locs, err := a.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locs {
		if err := b.CreateLocation(ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range bulkRows(t, a.DB(), "SELECT supplier_id, location_id, effective_from FROM supplier_locations") {
		if err := b.AddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: r["supplier_id"], LocationID: r["location_id"],
			EffectiveFrom: r["effective_from"]}); err != nil {
			t.Fatal(err)
		}
	}
	people := bulkRows(t, a.DB(), "SELECT DISTINCT person_id FROM moves")
	for _, r := range people {
		p, err := a.Person(ctx, r["person_id"])
		if err != nil {
			t.Fatal(err)
		}
		now = p.CreatedAt
		if err := b.CreatePerson(ctx, &p, ""); err != nil {
			t.Fatal(err)
		}
	}

	// Every move, in the order the loader wrote them, through CreateMove
	// and AppendEvent.
	const moveSQL = "SELECT * FROM moves m WHERE id = ?"
	const eventSQL = "SELECT * FROM events WHERE move_id = ? ORDER BY seq"
	order := bulkRows(t, a.DB(), "SELECT move_id FROM events WHERE creation = 1 ORDER BY seq")
	for _, o := range order {
		aid := o["move_id"]
		am, err := a.Move(ctx, aid)
		if err != nil {
			t.Fatal(err)
		}
		aRow := bulkRows(t, a.DB(), moveSQL, aid)[0]
		log := bulkRows(t, a.DB(), eventSQL, aid)
		pr, err := a.Profile(ctx, am.ProfileID)
		if err != nil {
			t.Fatal(err)
		}
		creation, err := a.Event(ctx, log[0]["id"])
		if err != nil {
			t.Fatal(err)
		}
		nm := store.NewMove{MoveType: moves.MoveType(aRow["initial_move_type"]), FromID: am.FromID, Notes: am.Notes, PersonID: am.PersonID,
			TimeDue: am.TimeDue, Flags: pr.Flags, CreatedBy: am.CreatedBy, At: creation.OccurredAt}
		for k, dst := range map[string]*string{"initial_to_location_id": &nm.ToID, "initial_date": &nm.Date,
			"initial_date_from": &nm.DateFrom, "initial_date_to": &nm.DateTo} {
			if v := aRow[k]; v != "NULL" {
				*dst = v
			}
		}
		now = creation.CreatedAt
		bm, err := b.CreateMove(ctx, nm)
		if err != nil {
			t.Fatalf("move %s: CreateMove: %v", am.Reference, err)
		}
		// The creation event keeps its id in the comparison below.
		if _, err := b.DB().Exec("UPDATE events SET id = ? WHERE move_id = ? AND creation = 1", creation.ID, bm.ID); err != nil {
			t.Fatal(err)
		}
		for _, row := range log[1:] {
			e, err := a.Event(ctx, row["id"])
			if err != nil {
				t.Fatal(err)
			}
			now = e.CreatedAt
			ev := moves.Event{ID: e.ID, MoveID: bm.ID, Type: e.Type, OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt, Notes: e.Notes,
				Details: e.Details, Rels: e.Rels, CreatedBy: e.CreatedBy, SupplierID: e.SupplierID}
			if _, _, err := b.AppendEvent(ctx, ev, store.AppendOptions{ClientID: strings.TrimSuffix(row["client_id"], "NULL"), By: e.CreatedBy}); err != nil {
				t.Fatalf("move %s: AppendEvent %s: %v", am.Reference, e.Type, err)
			}
		}
		bRow := bulkRows(t, b.DB(), moveSQL, bm.ID)[0]
		for _, k := range []string{"id", "reference", "profile_id"} {
			delete(aRow, k)
			delete(bRow, k)
		}
		if !reflect.DeepEqual(aRow, bRow) {
			t.Fatalf("move %s: loaded row\n%v\ndiffers from CreateMove+AppendEvent's\n%v", am.Reference, aRow, bRow)
		}
		bLog := bulkRows(t, b.DB(), eventSQL, bm.ID)
		if len(bLog) != len(log) {
			t.Fatalf("move %s: %d events loaded, %d appended", am.Reference, len(log), len(bLog))
		}
		for i := range log {
			delete(log[i], "move_id")
			delete(bLog[i], "move_id")
			if !reflect.DeepEqual(log[i], bLog[i]) {
				t.Fatalf("move %s event %d: loaded row\n%v\ndiffers from AppendEvent's\n%v", am.Reference, i, log[i], bLog[i])
			}
		}
		// Profiles: the same flags, by the same person, at the same time.
		var af, bf string
		if err := a.DB().QueryRow("SELECT flags || created_at || created_by FROM profiles WHERE id = ?", am.ProfileID).Scan(&af); err != nil {
			t.Fatal(err)
		}
		if err := b.DB().QueryRow("SELECT flags || created_at || created_by FROM profiles WHERE id = ?", bm.ProfileID).Scan(&bf); err != nil {
			t.Fatal(err)
		}
		if af != bf {
			t.Fatalf("move %s: profile %s, want %s", am.Reference, af, bf)
		}
	}
	if len(order) != n {
		t.Errorf("compared %d moves, want %d", len(order), n)
	}
}

// The DSN helper gives the benchmarks the store's own settings.
func TestDSNIsTheWritersDSN(t *testing.T) {
	d := store.DSN("/x/y.db")
	for _, want := range []string{"journal_mode%28WAL%29", "busy_timeout%2810000%29", "_txlock=immediate"} {
		if !strings.Contains(d, want) {
			t.Errorf("DSN %q lacks %q", d, want)
		}
	}
	db, err := sql.Open("sqlite", store.DSN(filepath.Join(t.TempDir(), "d.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q (%v), want wal", mode, err)
	}
}

// testRefs answers the rules' questions about locations from a map; every
// move exists.
type testRefs map[string]moves.Location

func (r testRefs) Location(id string) (moves.Location, bool) { l, ok := r[id]; return l, ok }

func (testRefs) MoveExists(string) bool { return true }
