package store_test

import (
	"context"
	"fmt"
	"github.com/securemove/securemove/store/storetest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

func TestDemoPasswordHash(t *testing.T) {
	st := MustOpen(t)
	if _, err := st.SeedDemo(context.Background(), time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	u, err := st.UserByUsername(context.Background(), "court")
	if err != nil {
		t.Fatal(err)
	}
	if !store.CheckPassword(u.PasswordHash, store.DemoPassword) || store.CheckPassword(u.PasswordHash, "demo-passwor") {
		t.Fatal("the demo users' hash is not DemoPassword's")
	}
}

// The same present gives the same demo data, ids and references included;
// another present gives other dates.
func TestPlanDemoIsDeterministic(t *testing.T) {
	at := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	a, err := store.PlanDemo(at)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := store.PlanDemo(at)
	if !reflect.DeepEqual(a.Moves, b.Moves) || len(a.Moves) < 40 {
		t.Fatal("two plans at the same present differ")
	}
	if !reflect.DeepEqual(a.Journeys, b.Journeys) || !reflect.DeepEqual(a.Lodgings, b.Lodgings) || len(a.Journeys) == 0 || len(a.Lodgings) == 0 {
		t.Fatal("two plans at the same present have other journeys or lodgings")
	}
	c, _ := store.PlanDemo(at.AddDate(0, 0, 1))
	if c.Moves[0].Date == a.Moves[0].Date || c.Today != "2026-01-16" {
		t.Errorf("a day later the first move is still on %s", c.Moves[0].Date)
	}
	if m, ok := a.Move("proposed-transfer-brixton"); !ok || m.Status != moves.StatusProposed {
		t.Errorf("proposed-transfer-brixton: %+v", m)
	}
}

// Whatever the hour, no demo event is dated after the present, and what
// is written is what the store itself reads back and replays: an event a
// suite posts at the present always applies after the demo's own (the
// issue: seeded just after midnight, a MoveComplete posted then fell
// before the demo's MoveStart dated 08:00 and was not applied).
func TestDemoNeverDatesEventsAfterThePresent(t *testing.T) {
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	for _, now := range []time.Time{
		time.Date(2026, 1, 15, 0, 5, 0, 0, london),
		time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 1, 23, 59, 0, 0, london),
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			st.Now = func() time.Time { return now }
			if _, err := st.SeedDemo(ctx, now); err != nil {
				t.Fatal(err)
			}
			d, _ := store.PlanDemo(now)
			var latest int64
			if err := st.DB().QueryRow("SELECT max(max(occurred_at, recorded_at, created_at)) FROM events").Scan(&latest); err != nil {
				t.Fatal(err)
			}
			if time.UnixMicro(latest).After(now) {
				t.Fatalf("an event is dated %s, after the present %s", time.UnixMicro(latest).UTC(), now.UTC())
			}
			for _, dm := range d.Moves {
				m, err := st.Move(ctx, dm.ID)
				if err != nil || m.Reference != dm.Reference || m.Status != dm.Status {
					t.Fatalf("%s: stored %+v (%v), planned %+v", dm.Reference, m, err, dm)
				}
			}
			m, _ := d.Move("in-transit-court-guildford")
			ev, after, err := st.AppendEvent(ctx, moves.Event{ID: uuid.NewString(), MoveID: m.ID, Type: moves.EventMoveComplete,
				OccurredAt: now.UTC(), RecordedAt: now.UTC(), CreatedBy: "Serco"}, store.AppendOptions{By: "Serco"})
			if err != nil || !ev.Applied || after.Status != moves.StatusCompleted {
				t.Fatalf("MoveComplete at the present: applied=%v reason=%q status %s (%v)", ev.Applied, ev.Reason, after.Status, err)
			}
		})
	}
}

// A reset undoes every change and leaves what a fresh seed leaves.
func TestResetDemo(t *testing.T) { storetest.ForEachEngine(t, testResetDemo) }

// seededDemo is a store seeded with the demo data planned around now, the
// plan, and one of its requested moves.
func seededDemo(t *testing.T, now time.Time) (*store.Store, *store.DemoData, store.DemoMove) {
	t.Helper()
	st := MustOpen(t)
	if _, err := st.SeedDemo(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	d, err := store.PlanDemo(now)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.Move("requested-court-guildford")
	if !ok {
		t.Fatal("the demo plan has no move requested-court-guildford")
	}
	return st, d, m
}

func testResetDemo(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	st, d, m := seededDemo(t, now)
	if _, cancelled, err := st.AppendEvent(ctx, moves.Event{ID: uuid.NewString(), MoveID: m.ID, Type: moves.EventMoveCancel, OccurredAt: now,
		RecordedAt: now, CreatedBy: "pmu", Details: map[string]any{"cancellation_reason": "other"}}, store.AppendOptions{By: "pmu"}); err != nil ||
		cancelled.Status != moves.StatusCancelled {
		t.Fatalf("cancel before the reset: %s %v", cancelled.Status, err)
	}
	before := st.Version()
	if _, err := st.ResetDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	if st.Version() == before {
		t.Error("the data version did not move on")
	}
	got, err := st.Move(ctx, m.ID)
	if err != nil || got.Status != moves.StatusRequested {
		t.Fatalf("after reset: %+v %v", got, err)
	}
	var n int
	if err := st.DB().QueryRow("SELECT count(*) FROM moves").Scan(&n); err != nil || n != len(d.Moves) {
		t.Fatalf("%d moves after reset, want %d", n, len(d.Moves))
	}
	// The demo allocations' places (3, 2 and 2) are planned moves too,
	// with the plan's ids and references.
	places := 0
	for _, dm := range d.Moves {
		if !strings.HasPrefix(dm.Name, "allocation_") {
			continue
		}
		places++
		got, err := st.Move(ctx, dm.ID)
		if err != nil || got.AllocationID == "" || got.Reference != dm.Reference || got.Status != dm.Status {
			t.Errorf("place %s: %+v %v", dm.Name, got, err)
		}
	}
	if places != 7 {
		t.Errorf("%d allocation places planned, want 7", places)
	}
	checkDemoRoad(t, st, d)
	// Twice in a row is fine, and fast. The promise (a reset within a
	// second) is about a quiet machine; wall time here also counts whatever
	// else runs beside the test (packages side by side on two cores, -race),
	// so the budget is checked on the CPU the process spent, which load does
	// not inflate, and only without the race detector, which does. The wall
	// time gets a generous bound that still catches a reset gone wrong;
	// BenchmarkResetDemo measures it quietly.
	cpu0, cpuOK := processCPU()
	start := time.Now()
	if _, err := st.ResetDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	cpu1, _ := processCPU()
	checkDemoRoad(t, st, d)
	t.Logf("reset: %v (wall), %v of CPU", took, cpu1-cpu0)
	if cpu := cpu1 - cpu0; cpuOK && !raceEnabled && cpu > time.Second {
		t.Errorf("reset took %v of CPU, want under a second", cpu)
	}
	if took > 15*time.Second {
		t.Errorf("reset took %v", took)
	}
}

// checkDemoRoad: the demo's journeys (on the road, in the demo van) and
// lodge are on their moves with the plan's ids.
func checkDemoRoad(t *testing.T, st *store.Store, d *store.DemoData) {
	t.Helper()
	ctx := context.Background()
	if len(d.Journeys) != 1 || len(d.Lodgings) != 1 {
		t.Fatalf("planned %d journeys and %d lodgings, want 1 and 1", len(d.Journeys), len(d.Lodgings))
	}
	for _, dj := range d.Journeys {
		m, _ := d.Move(dj.Move)
		js, err := st.MoveJourneys(ctx, m.ID)
		if err != nil || len(js) != 1 || js[0].ID != dj.ID || js[0].Status != moves.JourneyInProgress ||
			js[0].Vehicle.Registration != store.DemoVehicle || js[0].Date != d.Today {
			t.Errorf("journeys of %s: %+v %v", dj.Move, js, err)
		}
	}
	dl := d.Lodgings[0]
	m, _ := d.Move(dl.Move)
	ls, err := st.MoveLodgings(ctx, m.ID)
	if err != nil || len(ls) != 1 || ls[0].ID != dl.ID || ls[0].Status != moves.LodgingProposed || ls[0].StartDate != m.Date || ls[0].Nights() != 1 {
		t.Errorf("lodgings of %s: %+v %v", dl.Move, ls, err)
	}
}

// BenchmarkResetDemo measures a reset of the demo data (the second in a
// row, as a tester's is), the speed TestResetDemo cannot judge on a busy
// machine.
func BenchmarkResetDemo(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	st := MustOpen(b)
	if _, err := st.SeedDemo(ctx, now); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := st.ResetDemo(ctx, now); err != nil {
			b.Fatal(err)
		}
	}
}

// ResetDemo empties the tables it lists, one by one, so that the SQL stays
// plain: the list must name every table the migrations make (but their
// own record and the recipients' version row), each before the tables it
// refers to. (Checked on SQLite's
// catalogue; TestMigrationsMatchAcrossEngines keeps PostgreSQL's tables the
// same.)
func TestDemoTablesAreEveryTable(t *testing.T) {
	st := MustOpen(t)
	rows, err := st.DB().Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'recipients_version')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	listed := map[string]int{}
	for i, n := range store.DemoTables {
		listed[n] = i
	}
	var all []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		all = append(all, n)
		if _, ok := listed[n]; !ok {
			t.Errorf("table %s is missing from the tables a demo reset empties", n)
		}
	}
	if len(all) != len(store.DemoTables) {
		t.Errorf("the migrations make %d tables, the reset lists %d: %v", len(all), len(store.DemoTables), store.DemoTables)
	}
	for _, n := range all {
		fks, err := st.DB().Query(`SELECT "table" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			t.Fatal(err)
		}
		for fks.Next() {
			var parent string
			if err := fks.Scan(&parent); err != nil {
				t.Fatal(err)
			}
			if parent != n && listed[parent] < listed[n] {
				t.Errorf("%s refers to %s but is emptied after it", n, parent)
			}
		}
		fks.Close()
	}
}

// A reset writes the same rows whenever it runs: everything it writes is
// dated by the plan's present, not by the running clock, so two resets
// some seconds apart (a suite's, with -now) leave identical data.
func TestResetDemoIgnoresTheRunningClock(t *testing.T) {
	storetest.ForEachEngine(t, testResetDemoIgnoresTheRunningClock)
}

func testResetDemoIgnoresTheRunningClock(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	st := MustOpen(t)
	clock := start
	st.Now = func() time.Time { return clock }
	if _, err := st.SeedDemo(ctx, start); err != nil {
		t.Fatal(err)
	}
	seeded := dumpDemoTables(t, st)
	var dumps [2][]string
	for i := range dumps {
		clock = clock.Add(5 * time.Second)
		if _, err := st.ResetDemo(ctx, start); err != nil {
			t.Fatal(err)
		}
		dumps[i] = dumpDemoTables(t, st)
	}
	for i, d := range [][]string{dumps[0], dumps[1]} {
		if diff := diffRows(seeded, d); diff != "" {
			t.Errorf("reset %d, %v after the start, wrote other rows than the start's seed:\n%s", i+1, 5*time.Second*time.Duration(i+1), diff)
		}
	}
}

// dumpDemoTables is every row of every table a reset writes, each as text,
// sorted within its table.
func dumpDemoTables(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	for _, table := range store.DemoTables {
		rows, err := st.DB().Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString(table)
			for i, v := range vals {
				if cols[i] == "rowid" {
					// Where a row is kept, not what it says: PostgreSQL's
					// stand-in for SQLite's rowid is a sequence a reset
					// does not rewind.
					continue
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			lines = append(lines, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(lines)
		out = append(out, lines...)
	}
	return out
}

// diffRows lists the rows one dump has and the other lacks.
func diffRows(a, b []string) string {
	var out strings.Builder
	inA, inB := map[string]int{}, map[string]int{}
	for _, r := range a {
		inA[r]++
	}
	for _, r := range b {
		inB[r]++
	}
	for _, r := range a {
		if inB[r] == 0 {
			out.WriteString("- " + r + "\n")
		} else {
			inB[r]--
		}
	}
	for _, r := range b {
		if inA[r] == 0 {
			out.WriteString("+ " + r + "\n")
		} else {
			inA[r]--
		}
	}
	return out.String()
}
