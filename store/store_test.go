package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"github.com/securemove/securemove/store/storetest"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

func TestMain(m *testing.M) {
	store.SetBcryptCostForTests(4)
	os.Exit(m.Run())
}

// MustOpen opens a fresh database on the test's engine (storetest.DSN).
func MustOpen(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), storetest.DSN(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// fixture holds a small world: locations of each kind, a supplier, a person.
type fixture struct {
	st                        *store.Store
	police, police2, court    moves.Location
	prison, prison2, hospital moves.Location
	disabled                  moves.Location
	supplier                  moves.Supplier
	person                    moves.Person
	today                     string
	now                       time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureAt(t, storetest.DSN(t))
}

// newFixtureAt makes the fixture in the database at path (a SQLite file
// or a PostgreSQL URL).
func newFixtureAt(t testing.TB, path string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), today: "2026-11-22"}
	f.st.Now = func() time.Time { return f.now }
	mk := func(title, code string, typ moves.LocationType, disabled bool) moves.Location {
		l := moves.Location{Title: title, Code: code, Type: typ, Disabled: disabled}
		if err := f.st.CreateLocation(ctx, &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	f.police = mk("Guildford Police Station", "SRY016", moves.LocPolice, false)
	f.police2 = mk("Staines Police Station", "SRY014", moves.LocPolice, false)
	f.court = mk("Guildford Crown Court", "GUILCC", moves.LocCourt, false)
	f.prison = mk("HMP Brixton", "BXI", moves.LocPrison, false)
	f.prison2 = mk("HMP Wandsworth", "WWI", moves.LocPrison, false)
	f.hospital = mk("Royal Surrey County Hospital", "RSURCH", moves.LocHospital, false)
	f.disabled = mk("Rainsbrook Secure Training Centre", "STC1", moves.LocSTC, true)
	f.supplier = moves.Supplier{Key: "serco", Name: "Serco"}
	if err := f.st.CreateSupplier(ctx, &f.supplier); err != nil {
		t.Fatal(err)
	}
	for _, l := range []moves.Location{f.police, f.police2, f.court, f.prison, f.prison2, f.hospital} {
		if err := f.st.AddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: f.supplier.ID, LocationID: l.ID, EffectiveFrom: "2020-01-01"}); err != nil {
			t.Fatal(err)
		}
	}
	f.person = f.newPerson(t, "Anderson")
	return f
}

func (f *fixture) newPerson(t testing.TB, last string) moves.Person {
	t.Helper()
	p := moves.Person{FirstNames: "James", LastName: last, DateOfBirth: "1988-03-14", Gender: "male", CreatedBy: "test"}
	if err := f.st.CreatePerson(context.Background(), &p, f.today); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) courtMove(t testing.TB, person moves.Person, date string) moves.Move {
	t.Helper()
	m, err := f.st.CreateMove(context.Background(), store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID,
		Date: date, PersonID: person.ID, CreatedBy: "officer"})
	if err != nil {
		t.Fatalf("create move: %v", err)
	}
	return m
}

func (f *fixture) transfer(t testing.TB, person moves.Person) moves.Move {
	t.Helper()
	m, err := f.st.CreateMove(context.Background(), store.NewMove{MoveType: moves.PrisonTransfer, FromID: f.prison.ID, ToID: f.prison2.ID,
		DateFrom: "2026-11-25", DateTo: "2026-12-02", PersonID: person.ID, CreatedBy: "prison.officer"})
	if err != nil {
		t.Fatalf("create transfer: %v", err)
	}
	return m
}

func (f *fixture) event(moveID string, typ moves.EventType, at time.Time, details map[string]any) moves.Event {
	return moves.Event{MoveID: moveID, Type: typ, OccurredAt: at, RecordedAt: at, CreatedBy: "Serco", SupplierID: f.supplier.ID, Details: details}
}

// exec runs SQL by hand, the way no store code writes, for tests of what
// the triggers keep whatever writes.
func (f *fixture) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := f.st.DB().ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func countRows(t testing.TB, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMigrationsApplyOnceAndRecord(t *testing.T) {
	storetest.ForEachEngine(t, testMigrationsApplyOnceAndRecord)
}

func testMigrationsApplyOnceAndRecord(t *testing.T) {
	path := storetest.DSN(t)
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := st.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("schema version %d, %v", v1, err)
	}
	st.Close()
	st, err = store.Open(ctx, path) // again: nothing to apply, nothing fails
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	v2, _ := st.SchemaVersion(ctx)
	if v1 != v2 {
		t.Fatalf("version changed on reopen: %d → %d", v1, v2)
	}
	// Numbers are handed out ahead of time, so there may be gaps: one row
	// per file of the engine's, whatever the numbers.
	files, err := os.ReadDir(filepath.Join("migrations", st.Engine()))
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, st, "schema_migrations"); n != len(files) {
		t.Fatalf("%d migrations recorded, want %d", n, len(files))
	}
	if st.Engine() != "sqlite" {
		return
	}
	var fk, journal string
	st.DB().QueryRow("PRAGMA foreign_keys").Scan(&fk)
	st.DB().QueryRow("PRAGMA journal_mode").Scan(&journal)
	if fk != "1" || journal != "wal" {
		t.Fatalf("foreign_keys=%s journal_mode=%s", fk, journal)
	}
}

func TestRefusesADatabaseFromANewerBuild(t *testing.T) {
	storetest.ForEachEngine(t, testRefusesADatabaseFromANewerBuild)
}

// A database a newer build has migrated is refused with a message that
// says so, and is left as it was: once the newer build's record is gone
// (a restored backup), this build opens it again.
func testRefusesADatabaseFromANewerBuild(t *testing.T) {
	path := storetest.DSN(t)
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := st.SchemaVersion(ctx)
	newer := fmt.Sprintf("%04d_from_a_newer_build.sql", v+100)
	if _, err := st.DB().ExecContext(ctx, fmt.Sprintf(
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', 0)", v+100, newer)); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = store.Open(ctx, path)
	if err == nil {
		st.Close()
		t.Fatal("a database with a migration this build does not know was opened")
	}
	if moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("error %v has code %s, want conflict", err, moves.ErrorCode(err))
	}
	e, _ := moves.AsError(err)
	for _, want := range []string{newer, fmt.Sprintf("knows up to %04d", v), "newer build", "backup"} {
		if !strings.Contains(e.Message, want) {
			t.Fatalf("message %q does not say %q", e.Message, want)
		}
	}

	// Nothing was applied or changed on the way to the refusal.
	driver := "sqlite" // both drivers are registered by the store itself
	if store.IsPostgres(path) {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, fmt.Sprintf("DELETE FROM schema_migrations WHERE version = %d", v+100)); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after the newer record went: %v", err)
	}
	defer st.Close()
	if after := countRows(t, st, "schema_migrations"); after != n-1 {
		t.Fatalf("%d migrations recorded after reopening, want %d", after, n-1)
	}
}

func TestFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	storetest.ForEachEngine(t, testFailedMigrationLeavesDatabaseAsItWas)
}

func testFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	ctx := context.Background()
	st := MustOpen(t)
	before, _ := st.SchemaVersion(ctx)
	bad := store.Migration{Version: before + 1, Name: fmt.Sprintf("%04d_bad.sql", before+1),
		SQL: "CREATE TABLE half_done (id INTEGER); INSERT INTO nowhere VALUES (1);"}
	err := st.ApplyMigrationsForTest(ctx, bad)
	if err == nil {
		t.Fatal("a broken migration applied")
	}
	if want := bad.Name; !containsStr(err.Error(), want) {
		t.Fatalf("error %q does not name the migration", err)
	}
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM half_done").Scan(&n); err == nil {
		t.Fatal("the failed migration's first statement was kept")
	}
	after, _ := st.SchemaVersion(ctx)
	if after != before {
		t.Fatalf("version moved from %d to %d", before, after)
	}
}

func containsStr(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0))
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestCreateMoveRecordsCreationEventAndSupplier(t *testing.T) {
	storetest.ForEachEngine(t, testCreateMoveRecordsCreationEventAndSupplier)
}

func testCreateMoveRecordsCreationEventAndSupplier(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	if m.Status != moves.StatusRequested || m.SupplierID != f.supplier.ID || !moves.ValidReference(m.Reference) {
		t.Fatalf("move %+v", m)
	}
	log, err := f.st.Events(ctx, m.ID)
	if err != nil || len(log) != 1 || log[0].Type != moves.EventMoveRequested || log[0].CreatedBy != "officer" {
		t.Fatalf("log %+v, %v", log, err)
	}
	tr := f.transfer(t, f.person)
	if tr.Status != moves.StatusProposed || tr.Date != "" || tr.DateFrom != "2026-11-25" {
		t.Fatalf("transfer %+v", tr)
	}
	log, _ = f.st.Events(ctx, tr.ID)
	if log[0].Type != moves.EventMoveProposed {
		t.Fatalf("transfer opens with %s", log[0].Type)
	}
}

func TestCreateMoveRefusesBadLocationsAndChangesNothing(t *testing.T) {
	storetest.ForEachEngine(t, testCreateMoveRefusesBadLocationsAndChangesNothing)
}

func testCreateMoveRefusesBadLocationsAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before := countRows(t, f.st, "moves")
	cases := []struct {
		name  string
		nm    store.NewMove
		field string
	}{
		{"court move to a prison", store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.prison.ID, Date: "2026-11-23"}, "to_location"},
		{"to itself", store.NewMove{MoveType: moves.PoliceTransfer, FromID: f.police.ID, ToID: f.police.ID, Date: "2026-11-23"}, "to_location"},
		{"disabled destination", store.NewMove{MoveType: moves.PrisonRemand, FromID: f.court.ID, ToID: f.disabled.ID, Date: "2026-11-23"}, "to_location"},
		{"unknown destination", store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: uuid.NewString(), Date: "2026-11-23"}, "to_location"},
		{"no date", store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID}, "date"},
		{"unknown type", store.NewMove{MoveType: "teleport", FromID: f.police.ID, ToID: f.court.ID, Date: "2026-11-23"}, "move_type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.nm.PersonID = f.person.ID
			_, err := f.st.CreateMove(ctx, c.nm)
			e, ok := moves.AsError(err)
			if !ok || e.Code != moves.Invalid || !e.Fields.Has(c.field) {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
	if after := countRows(t, f.st, "moves"); after != before {
		t.Fatalf("moves went from %d to %d", before, after)
	}
	if n := countRows(t, f.st, "profiles"); n != 0 {
		t.Fatalf("%d profiles left behind by refused moves", n)
	}
}

func TestDuplicateActiveMoveRefusedWithExistingID(t *testing.T) {
	storetest.ForEachEngine(t, testDuplicateActiveMoveRefusedWithExistingID)
}

func testDuplicateActiveMoveRefusedWithExistingID(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.courtMove(t, f.person, "2026-11-23")
	_, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID, Date: "2026-11-23", PersonID: f.person.ID})
	e, ok := moves.AsError(err)
	if !ok || e.Code != moves.Conflict || e.ExistingID != first.ID || !e.Fields.Has("date") {
		t.Fatalf("got %v, want a conflict naming %s", err, first.ID)
	}
	if !strings.Contains(e.Message, "on Monday 23 November 2026 (reference "+first.Reference+")") {
		t.Errorf("message %q does not give the date as people write it", e.Message)
	}
	// Another day, another person, or after cancelling the first: allowed.
	f.courtMove(t, f.person, "2026-11-24")
	f.courtMove(t, f.newPerson(t, "Bennett"), "2026-11-23")
	if _, _, err := f.st.AppendEvent(ctx, f.event(first.ID, moves.EventMoveCancel, f.now, map[string]any{"cancellation_reason": "made_in_error"}), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	f.courtMove(t, f.person, "2026-11-23")
	// Proposed moves do not count: two proposals for the same person are fine.
	f.transfer(t, f.person)
	f.transfer(t, f.person)
}

func TestApproveIntoDuplicateRefused(t *testing.T) {
	storetest.ForEachEngine(t, testApproveIntoDuplicateRefused)
}

func testApproveIntoDuplicateRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tr := f.transfer(t, f.person)
	// An active move on the day the approval would pick.
	existing, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: f.prison.ID, ToID: f.prison2.ID,
		DateFrom: "2026-11-26", PersonID: f.person.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.AppendEvent(ctx, f.event(existing.ID, moves.EventMoveApprove, f.now, map[string]any{"date": "2026-11-26"}), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	before := countRows(t, f.st, "events")
	_, _, err = f.st.AppendEvent(ctx, f.event(tr.ID, moves.EventMoveApprove, f.now, map[string]any{"date": "2026-11-26"}), store.AppendOptions{})
	if e, ok := moves.AsError(err); !ok || e.Code != moves.Conflict || e.ExistingID != existing.ID {
		t.Fatalf("got %v", err)
	}
	if countRows(t, f.st, "events") != before {
		t.Fatal("the refused approval left an event")
	}
}

func TestInvalidEventLeavesNoRowAndNoChange(t *testing.T) {
	storetest.ForEachEngine(t, testInvalidEventLeavesNoRowAndNoChange)
}

func testInvalidEventLeavesNoRowAndNoChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	before := countRows(t, f.st, "events")
	bad := []moves.Event{
		f.event(m.ID, "MoveTeleport", f.now, nil),
		f.event(m.ID, moves.EventMoveCancel, f.now, map[string]any{"cancellation_reason": "bored"}),
		f.event(m.ID, moves.EventMoveCancel, f.now, nil),
		f.event(m.ID, moves.EventMoveApprove, f.now, map[string]any{"date": "23/11/2026"}),
		{MoveID: m.ID, Type: moves.EventMoveAccept, CreatedBy: "x"}, // no timestamps
		f.event(m.ID, moves.EventMoveRequested, f.now, nil),         // creation events are the service's
		f.event(uuid.NewString(), moves.EventMoveAccept, f.now, nil),
	}
	redirect := f.event(m.ID, moves.EventMoveRedirect, f.now, nil)
	redirect.Rels = map[string]string{"to_location": uuid.NewString()}
	bad = append(bad, redirect)
	for _, ev := range bad {
		_, _, err := f.st.AppendEvent(ctx, ev, store.AppendOptions{})
		if err == nil {
			t.Fatalf("%s accepted", ev.Type)
		}
		if c := moves.ErrorCode(err); c != moves.Invalid && c != moves.NotFound {
			t.Fatalf("%s: code %v (%v)", ev.Type, c, err)
		}
	}
	if after := countRows(t, f.st, "events"); after != before {
		t.Fatalf("events went from %d to %d", before, after)
	}
	got, _ := f.st.Move(ctx, m.ID)
	if got.Status != moves.StatusRequested || got.Version != m.Version {
		t.Fatalf("move changed: %+v", got)
	}
}

func TestLateEventPlacedInOrderAndStateRecomputed(t *testing.T) {
	storetest.ForEachEngine(t, testLateEventPlacedInOrderAndStateRecomputed)
}

func testLateEventPlacedInOrderAndStateRecomputed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	at := func(h int) time.Time { return time.Date(2026, 11, 23, h, 0, 0, 0, time.UTC) }
	mustAppend := func(ev moves.Event) moves.Event {
		t.Helper()
		got, _, err := f.st.AppendEvent(ctx, ev, store.AppendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	mustAppend(f.event(m.ID, moves.EventMoveAccept, at(8), nil))
	complete := mustAppend(f.event(m.ID, moves.EventMoveComplete, at(11), nil))
	if complete.Applied {
		t.Fatal("complete applied to a booked move")
	}
	// The start arrives late, dated before the completion.
	start := mustAppend(f.event(m.ID, moves.EventMoveStart, at(9), nil))
	if !start.Applied || !start.Late {
		t.Fatalf("start applied=%v late=%v", start.Applied, start.Late)
	}
	got, _ := f.st.Move(ctx, m.ID)
	if got.Status != moves.StatusCompleted {
		t.Fatalf("status %s, want completed", got.Status)
	}
	log, _ := f.st.Events(ctx, m.ID)
	var types []moves.EventType
	for _, e := range log {
		types = append(types, e.Type)
		if !e.Applied {
			t.Fatalf("%s still marked not applied: %s", e.Type, e.Reason)
		}
	}
	want := []moves.EventType{moves.EventMoveRequested, moves.EventMoveAccept, moves.EventMoveStart, moves.EventMoveComplete}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Fatalf("log order %v, want %v", types, want)
	}
	// A start on a cancelled move is kept, not applied, with a reason.
	m2 := f.courtMove(t, f.newPerson(t, "Clarke"), "2026-11-23")
	mustAppend(f.event(m2.ID, moves.EventMoveCancel, at(8), map[string]any{"cancellation_reason": "made_in_error"}))
	s := mustAppend(f.event(m2.ID, moves.EventMoveStart, at(9), nil))
	if s.Applied || s.Reason == "" {
		t.Fatalf("start on cancelled: applied=%v reason=%q", s.Applied, s.Reason)
	}
}

func TestCreationEventOpensLogWhateverItsTime(t *testing.T) {
	storetest.ForEachEngine(t, testCreationEventOpensLogWhateverItsTime)
}

func testCreationEventOpensLogWhateverItsTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23") // created at f.now (22 Nov 09:00)
	early := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	ev, _, err := f.st.AppendEvent(ctx, f.event(m.ID, moves.EventMoveAccept, early, nil), store.AppendOptions{})
	if err != nil || !ev.Applied {
		t.Fatalf("early accept: %+v %v", ev, err)
	}
	log, _ := f.st.Events(ctx, m.ID)
	if log[0].Type != moves.EventMoveRequested {
		t.Fatalf("log opens with %s", log[0].Type)
	}
}

func TestRejectWithRebookCreatesOneLinkedMoveSevenDaysLater(t *testing.T) {
	storetest.ForEachEngine(t, testRejectWithRebookCreatesOneLinkedMoveSevenDaysLater)
}

func testRejectWithRebookCreatesOneLinkedMoveSevenDaysLater(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tr := f.transfer(t, f.person)
	_, got, err := f.st.AppendEvent(ctx, f.event(tr.ID, moves.EventMoveReject, f.now,
		map[string]any{"rejection_reason": "no_space_at_receiving_prison", "rebook": true}), store.AppendOptions{By: "pmu"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != moves.StatusCancelled || got.Cancellation.Reason != "rejected" || got.Cancellation.RejectionReason != "no_space_at_receiving_prison" {
		t.Fatalf("rejected move %+v", got)
	}
	nb, err := f.st.RebookedFrom(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Status != moves.StatusProposed || nb.DateFrom != "2026-12-02" || nb.DateTo != "2026-12-09" || nb.OriginalID != tr.ID || nb.PersonID != tr.PersonID {
		t.Fatalf("rebooked %+v", nb)
	}
	// A list finds what became of rejected requests by their ids (the
	// single requests list, in one query for a page of them).
	again, total, err := f.st.ListMoves(ctx, store.MoveFilter{OriginalIDs: []string{tr.ID, nb.ID}})
	if err != nil || total != 1 || len(again) != 1 || again[0].ID != nb.ID {
		t.Fatalf("moves proposed again after %s: %d (%v)", tr.Reference, total, err)
	}
	// Another event on the rejected move replays the log: still one rebook.
	if _, _, err := f.st.AppendEvent(ctx, f.event(tr.ID, moves.EventMoveNotifyPremisesOfArrivalIn30Mins, f.now, nil), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	var n int
	f.st.DB().QueryRow("SELECT COUNT(*) FROM moves WHERE original_move_id = ?", tr.ID).Scan(&n)
	if n != 1 {
		t.Fatalf("%d rebooked moves", n)
	}
}

func TestConcurrentConflictingChangesExactlyOneWins(t *testing.T) {
	storetest.ForEachEngine(t, testConcurrentConflictingChangesExactlyOneWins)
}

func testConcurrentConflictingChangesExactlyOneWins(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for round := 0; round < 20; round++ {
		tr := f.transfer(t, f.newPerson(t, fmt.Sprintf("Round%d", round)))
		const workers = 16
		var wg sync.WaitGroup
		results := make([]error, workers)
		start := make(chan struct{})
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				var ev moves.Event
				if i%2 == 0 {
					ev = f.event(tr.ID, moves.EventMoveApprove, f.now, map[string]any{"date": "2026-11-26"})
				} else {
					ev = f.event(tr.ID, moves.EventMoveReject, f.now, map[string]any{"rejection_reason": "no_transport_available"})
				}
				_, _, results[i] = f.st.AppendEvent(ctx, ev, store.AppendOptions{ExpectedVersion: tr.Version, By: fmt.Sprint("user", i)})
			}(i)
		}
		close(start)
		wg.Wait()
		wins := 0
		for i, err := range results {
			switch {
			case err == nil:
				wins++
			case moves.ErrorCode(err) == moves.Conflict:
				if e, _ := moves.AsError(err); e.Message == "" {
					t.Fatalf("worker %d: conflict without an explanation", i)
				}
			default:
				t.Fatalf("worker %d: %v", i, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d changes won", round, wins)
		}
		log, _ := f.st.Events(ctx, tr.ID)
		if len(log) != 2 {
			t.Fatalf("round %d: %d events stored, want creation + the winner", round, len(log))
		}
		got, _ := f.st.Move(ctx, tr.ID)
		if got.Status == moves.StatusProposed || got.Version != tr.Version+1 {
			t.Fatalf("round %d: move %s v%d", round, got.Status, got.Version)
		}
	}
}

func TestConcurrentAppendsAreAllKept(t *testing.T) {
	storetest.ForEachEngine(t, testConcurrentAppendsAreAllKept)
}

func testConcurrentAppendsAreAllKept(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ev := f.event(m.ID, moves.EventMoveNotifyPremisesOfEta, f.now.Add(time.Duration(i)*time.Minute),
				map[string]any{"expected_at": "2026-11-23T10:00:00Z"})
			_, _, err := f.st.AppendEvent(ctx, ev, store.AppendOptions{})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	log, _ := f.st.Events(ctx, m.ID)
	if len(log) != 65 {
		t.Fatalf("%d events, want 65", len(log))
	}
}

func TestReferencesUniqueOverAMillion(t *testing.T) {
	storetest.ForEachEngine(t, testReferencesUniqueOverAMillion)
}

func testReferencesUniqueOverAMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("a million references")
	}
	seen := make(map[string]struct{}, 1_000_000)
	collisions := 0
	for i := 0; i < 1_000_000; i++ {
		r, err := moves.NewReference(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !moves.ValidReference(r) {
			t.Fatalf("invalid reference %q", r)
		}
		if _, ok := seen[r]; ok {
			collisions++
		}
		seen[r] = struct{}{}
	}
	// The space is 17³·9⁴·17 ≈ 5.5e8, so about 900 draws in a million
	// collide; the store draws again on a collision, and the unique index
	// is the guarantee. What must hold is that every stored reference is
	// unique: check that the store retries rather than failing.
	t.Logf("%d raw collisions in a million draws", collisions)
	f := newFixture(t)
	ctx := context.Background()
	refs := []string{"ACE1234F", "ACE1234F", "ACE1234F", "HJK5678M"}
	i := 0
	store.SetReferenceSourceForTest(f.st, func() (string, error) { r := refs[i%len(refs)]; i++; return r, nil })
	a := f.courtMove(t, f.person, "2026-11-23")
	b := f.courtMove(t, f.person, "2026-11-24")
	if a.Reference == b.Reference {
		t.Fatal("two moves share a reference")
	}
	if _, err := f.st.MoveByReference(ctx, b.Reference); err != nil {
		t.Fatal(err)
	}
}

func TestReferenceUniquenessEnforcedByDatabase(t *testing.T) {
	storetest.ForEachEngine(t, testReferenceUniquenessEnforcedByDatabase)
}

func testReferenceUniquenessEnforcedByDatabase(t *testing.T) {
	f := newFixture(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	_, err := f.st.DB().Exec("UPDATE moves SET reference = ? WHERE id != ?", m.Reference, m.ID)
	// Only one move exists, so make a second and collide.
	m2 := f.courtMove(t, f.person, "2026-11-24")
	_, err = f.st.DB().Exec("UPDATE moves SET reference = ? WHERE id = ?", m.Reference, m2.ID)
	if err == nil {
		t.Fatal("two moves could share a reference")
	}
}

func TestListQueriesUseIndexes(t *testing.T) {
	st := MustOpen(t)
	for _, q := range []string{
		"SELECT id FROM moves m WHERE m.to_location_id = 'x' AND m.date >= '2026-01-01' AND m.date <= '2026-01-01'",
		"SELECT id FROM moves m WHERE m.from_location_id = 'x' AND m.date >= '2026-01-01' AND m.date <= '2026-01-01'",
		"SELECT id FROM moves m WHERE m.status IN ('proposed') AND m.move_type IN ('prison_transfer')",
		"SELECT id FROM people WHERE pnc_canonical = 'x'",
		"SELECT id FROM people WHERE prison_number = 'x'",
		"SELECT id FROM people WHERE last_name = 'x' COLLATE NOCASE AND date_of_birth = 'y'",
		"SELECT id FROM moves WHERE person_id = ? AND from_location_id = ? AND to_location_id IS NOT DISTINCT FROM ? AND date = ?",
		"SELECT seq FROM events WHERE move_id = 'x' ORDER BY creation DESC, occurred_at, recorded_at, seq",
	} {
		rows, err := st.DB().Query("EXPLAIN QUERY PLAN "+q, anyArgs(q)...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		plan := ""
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			plan += detail + "; "
		}
		rows.Close()
		if !containsStr(plan, "USING INDEX") && !containsStr(plan, "USING COVERING INDEX") {
			t.Errorf("%s\n  plan: %s", q, plan)
		}
		if containsStr(plan, "TEMP B-TREE") {
			t.Errorf("%s sorts in a temporary b-tree: %s", q, plan)
		}
	}
}

func anyArgs(q string) []any {
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
		}
	}
	out := make([]any, n)
	for i := range out {
		out[i] = "x"
	}
	return out
}

func TestListMovesFiltersAndCounts(t *testing.T) {
	storetest.ForEachEngine(t, testListMovesFiltersAndCounts)
}

func testListMovesFiltersAndCounts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.courtMove(t, f.person, "2026-11-23")
	f.courtMove(t, f.newPerson(t, "Bennett"), "2026-11-23")
	f.courtMove(t, f.newPerson(t, "Clarke"), "2026-11-24")
	f.transfer(t, f.person)
	if _, _, err := f.st.AppendEvent(ctx, f.event(a.ID, moves.EventMoveAccept, f.now, nil), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, total, err := f.st.ListMoves(ctx, store.MoveFilter{ToIDs: []string{f.court.ID}, DateFrom: "2026-11-23", DateTo: "2026-11-23", Sort: "name"})
	if err != nil || total != 2 || len(rows) != 2 || rows[0].Person.LastName != "Anderson" || rows[0].From != f.police.Title || rows[0].To != f.court.Title {
		t.Fatalf("rows %+v total %d err %v", rows, total, err)
	}
	counts, _ := f.st.CountByStatus(ctx, store.MoveFilter{ToIDs: []string{f.court.ID}, Statuses: []moves.Status{moves.StatusBooked}})
	if counts[moves.StatusBooked] != 1 || counts[moves.StatusRequested] != 2 {
		t.Fatalf("counts %v", counts)
	}
	people, _ := f.st.FindPeople(ctx, store.PeopleFilter{LastName: "anderson", DateOfBirth: "1988-03-14"})
	if len(people) != 1 || people[0].ID != f.person.ID {
		t.Fatalf("people %+v", people)
	}
	if _, err := f.st.Move(ctx, uuid.NewString()); moves.ErrorCode(err) != moves.NotFound {
		t.Fatalf("unknown move: %v", err)
	}
	var dummy sql.NullString
	_ = dummy
	_ = errors.New
}

// TestStoredStateIsTheReplayOfTheLog appends random events in random
// arrival orders (so some take the in-order fast path and some the full
// replay) and checks that the stored move and marks always equal a replay
// of the whole log from scratch.
func TestStoredStateIsTheReplayOfTheLog(t *testing.T) {
	storetest.ForEachEngine(t, testStoredStateIsTheReplayOfTheLog)
}

func testStoredStateIsTheReplayOfTheLog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	types := []moves.EventType{moves.EventMoveAccept, moves.EventMoveStart, moves.EventMoveComplete, moves.EventMoveLockout,
		moves.EventMoveCancel, moves.EventMoveNotifyPremisesOfArrivalIn30Mins, moves.EventMoveRedirect, moves.EventMoveDateChanged}
	rng := mrand.New(mrand.NewPCG(1, 2))
	for round := 0; round < 40; round++ {
		m := f.courtMove(t, f.newPerson(t, fmt.Sprintf("Replay%d", round)), "2026-11-23")
		for i := 0; i < 8; i++ {
			typ := types[rng.IntN(len(types))]
			at := time.Date(2026, 11, 23, 6+rng.IntN(12), rng.IntN(60), 0, 0, time.UTC)
			ev := f.event(m.ID, typ, at, nil)
			switch typ {
			case moves.EventMoveLockout:
				ev.Details = map[string]any{"authorised_by": "PMU"}
				ev.Rels = map[string]string{"from_location": f.court.ID}
			case moves.EventMoveCancel:
				ev.Details = map[string]any{"cancellation_reason": "made_in_error"}
			case moves.EventMoveRedirect:
				ev.Rels = map[string]string{"to_location": []string{f.court.ID, f.hospital.ID}[rng.IntN(2)]}
				if ev.Rels["to_location"] == f.hospital.ID {
					ev.Details = map[string]any{"move_type": "hospital"}
				}
			case moves.EventMoveDateChanged:
				ev.Details = map[string]any{"date": fmt.Sprintf("2026-11-%02d", 23+rng.IntN(5))}
			}
			if _, _, err := f.st.AppendEvent(ctx, ev, store.AppendOptions{}); err != nil && moves.ErrorCode(err) != moves.Conflict {
				t.Fatalf("round %d: %s: %v", round, typ, err)
			}
		}
		got, _ := f.st.Move(ctx, m.ID)
		log, _ := f.st.Events(ctx, m.ID)
		stored := make(map[string]moves.Event, len(log))
		for _, e := range log {
			stored[e.ID] = e
		}
		all, _ := f.st.LocationMap(ctx, f.police.ID, f.court.ID, f.hospital.ID)
		base := moves.State{Status: moves.StatusRequested, MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID, Date: "2026-11-23"}
		want := moves.Replay(base, log, mapLocations(all))
		if got.State() != want {
			t.Fatalf("round %d: stored %+v, replay %+v", round, got.State(), want)
		}
		for _, e := range log {
			s := stored[e.ID]
			if s.Applied != e.Applied || s.Reason != e.Reason || s.Late != e.Late {
				t.Fatalf("round %d: %s stored applied=%v late=%v %q, replay applied=%v late=%v %q", round, e.Type, s.Applied, s.Late, s.Reason, e.Applied, e.Late, e.Reason)
			}
		}
	}
}

type mapLocations map[string]moves.Location

func (m mapLocations) Location(id string) (moves.Location, bool) { l, ok := m[id]; return l, ok }

func TestRejectRequestedCourtMoveWithRebook(t *testing.T) {
	storetest.ForEachEngine(t, testRejectRequestedCourtMoveWithRebook)
}

func testRejectRequestedCourtMoveWithRebook(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	_, got, err := f.st.AppendEvent(ctx, f.event(m.ID, moves.EventMoveReject, f.now,
		map[string]any{"rejection_reason": "more_info_required", "rebook": true}), store.AppendOptions{})
	if err != nil || got.Status != moves.StatusCancelled {
		t.Fatalf("reject: %v %+v", err, got)
	}
	nb, err := f.st.RebookedFrom(ctx, m.ID)
	if err != nil || nb.Status != moves.StatusProposed || nb.DateFrom != "2026-11-30" || nb.MoveType != moves.CourtAppearance {
		t.Fatalf("rebooked: %v %+v", err, nb)
	}
}

func TestActiveLocationsFollowChanges(t *testing.T) {
	storetest.ForEachEngine(t, testActiveLocationsFollowChanges)
}

func testActiveLocationsFollowChanges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	all, err := f.st.ActiveLocations(ctx, nil)
	if err != nil || len(all) != 6 || all[0].Title != "Guildford Crown Court" {
		t.Fatalf("all active: %d %v", len(all), err)
	}
	some, _ := f.st.ActiveLocations(ctx, []string{f.police.ID, f.disabled.ID})
	if len(some) != 1 || some[0].ID != f.police.ID {
		t.Fatalf("by id: %+v", some)
	}
	if err := f.st.SetLocationDisabled(ctx, f.police.ID, true); err != nil {
		t.Fatal(err)
	}
	if some, _ := f.st.ActiveLocations(ctx, []string{f.police.ID}); len(some) != 0 {
		t.Fatal("a disabled location is still active in the cache")
	}
}

// HeldLocations keeps the disabled ones (a user still holds them), and
// follows changes as ActiveLocations does.
func TestHeldLocationsKeepTheDisabled(t *testing.T) {
	storetest.ForEachEngine(t, testHeldLocationsKeepTheDisabled)
}

func testHeldLocationsKeepTheDisabled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	active, _ := f.st.ActiveLocations(ctx, nil)
	all, err := f.st.HeldLocations(ctx, nil)
	if err != nil || len(all) != len(active)+1 {
		t.Fatalf("all held: %d (active %d) %v", len(all), len(active), err)
	}
	some, err := f.st.HeldLocations(ctx, []string{f.disabled.ID, f.police.ID, "no-such-place"})
	if err != nil || len(some) != 2 || !some[0].Disabled && !some[1].Disabled {
		t.Fatalf("by id: %+v %v", some, err)
	}
	if err := f.st.SetLocationDisabled(ctx, f.police.ID, true); err != nil {
		t.Fatal(err)
	}
	if some, _ := f.st.HeldLocations(ctx, []string{f.police.ID}); len(some) != 1 || !some[0].Disabled {
		t.Fatalf("once disabled: %+v", some)
	}
}

// LocationMap holds the places asked for, disabled ones included, and
// nothing else: not an unknown id, not "".
func TestLocationMap(t *testing.T) { storetest.ForEachEngine(t, testLocationMap) }

func testLocationMap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	got, err := f.st.LocationMap(ctx, f.police.ID, "", f.disabled.ID, "no-such-place", f.police.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[f.police.ID].Title != f.police.Title || got[f.disabled.ID].Title != f.disabled.Title || !got[f.disabled.ID].Disabled {
		t.Errorf("LocationMap = %+v", got)
	}
	if none, err := f.st.LocationMap(ctx); err != nil || len(none) != 0 {
		t.Errorf("LocationMap() = %+v, %v", none, err)
	}
}
