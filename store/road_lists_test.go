package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// putJourney adds a journey through the store's write path
// (handlertest.PutJourney).
func putJourney(t testing.TB, st *store.Store, m moves.Move, j moves.Journey) moves.Journey {
	t.Helper()
	return handlertest.PutJourney(t, st, m, j)
}

func TestListMarks(t *testing.T) { storetest.ForEachEngine(t, testListMarks) }

func testListMarks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := f.courtMove(t, f.person, f.today)
	other := f.courtMove(t, f.newPerson(t, "Brown"), f.today)
	quiet := f.courtMove(t, f.newPerson(t, "Clarke"), f.today)
	at := func(min int) time.Time { return f.now.Add(time.Duration(min) * time.Minute) }
	sup := f.supplier.ID
	// Journeys by the client's timestamp: the latest live one gives the
	// vehicle, whatever order they were written in; a cancelled one, even
	// later, does not count.
	putJourney(t, f.st, m, moves.Journey{SupplierID: sup, Timestamp: at(20), JourneyState: moves.JourneyState{Status: moves.JourneyInProgress, Vehicle: moves.Vehicle{Registration: "AB12 CDE"}}})
	putJourney(t, f.st, m, moves.Journey{SupplierID: sup, Timestamp: at(10), FromID: f.court.ID, ToID: f.police2.ID,
		JourneyState: moves.JourneyState{Status: moves.JourneyCompleted, Vehicle: moves.Vehicle{Registration: "OLD 1"}}})
	putJourney(t, f.st, m, moves.Journey{SupplierID: sup, Timestamp: at(30), FromID: f.police.ID, ToID: f.police2.ID,
		JourneyState: moves.JourneyState{Status: moves.JourneyCancelled, Vehicle: moves.Vehicle{Registration: "GONE 1"}}})
	putJourney(t, f.st, other, moves.Journey{SupplierID: sup, Timestamp: at(5)})
	rec := func(mv moves.Move, typ moves.EventType, min int, details map[string]any) moves.Event {
		t.Helper()
		ev, _, err := f.st.AppendEvent(ctx, f.event(mv.ID, typ, at(min), details), store.AppendOptions{})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return ev
	}
	rec(m, moves.EventMoveNotifyPremisesOfExpectedCollectionTime, 1, map[string]any{"expected_at": at(60).Format(time.RFC3339)})
	rec(m, moves.EventMoveNotifyPremisesOfExpectedCollectionTime, 2, map[string]any{"expected_at": at(75).Format(time.RFC3339)})
	rec(m, moves.EventMoveNotifyPremisesOfEta, 3, map[string]any{"expected_at": at(120).Format(time.RFC3339)})
	violence := rec(m, moves.EventPerViolentDangerous, 4, nil)
	rec(m, moves.EventPerGeneric, 5, map[string]any{"summary": "nothing of note"})
	property := rec(m, moves.EventPerPropertyChange, 6, nil)
	rec(other, moves.EventMoveNotifyPremisesOfEta, 3, map[string]any{"expected_at": at(120).Format(time.RFC3339)})
	rec(other, moves.EventMoveNotifyPremisesOfArrivalIn30Mins, 50, nil)

	marks, err := f.st.ListMarks(ctx, []string{m.ID, other.ID, quiet.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := marks[m.ID]
	if got.Registration != "AB12 CDE" || got.JourneyStatus != moves.JourneyInProgress {
		t.Errorf("vehicle %q %q, want AB12 CDE in progress", got.Registration, got.JourneyStatus)
	}
	if got.ExpectedCollection == nil || !got.ExpectedCollection.Equal(at(75)) {
		t.Errorf("expected collection %v, want the latest notice's %v", got.ExpectedCollection, at(75))
	}
	if got.ExpectedArrival == nil || !got.ExpectedArrival.Equal(at(120)) {
		t.Errorf("expected arrival %v, want %v", got.ExpectedArrival, at(120))
	}
	if len(got.Important) != 2 || got.Important[0].ID != violence.ID || got.Important[1].ID != property.ID {
		t.Errorf("important %+v, want the violence then the property change", got.Important)
	}
	o := marks[other.ID]
	if o.Registration != "" || o.JourneyStatus != moves.JourneyProposed {
		t.Errorf("a journey without a vehicle: %q %q", o.Registration, o.JourneyStatus)
	}
	if o.ExpectedArrival == nil || !o.ExpectedArrival.Equal(at(80)) {
		t.Errorf("arrival in 30 minutes, after the ETA: %v, want %v", o.ExpectedArrival, at(80))
	}
	if _, ok := marks[quiet.ID]; ok {
		t.Errorf("a move with nothing has marks: %+v", marks[quiet.ID])
	}
	if empty, err := f.st.ListMarks(ctx, nil); err != nil || len(empty) != 0 {
		t.Errorf("no moves: %v %v", empty, err)
	}
}

func TestCustodyLocationsAndAppendEvents(t *testing.T) {
	storetest.ForEachEngine(t, testCustodyLocationsAndAppendEvents)
}

func testCustodyLocationsAndAppendEvents(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := f.courtMove(t, f.person, f.today)
	if locs, err := f.st.CustodyLocations(ctx, m.ID); err != nil || len(locs) != 0 {
		t.Fatalf("no lodge yet: %v %v", locs, err)
	}
	lodge := f.event(m.ID, moves.EventMoveLodgingStart, f.now, map[string]any{"reason": "lockout"})
	lodge.Rels = map[string]string{"location": f.police2.ID}
	if _, _, err := f.st.AppendEvent(ctx, lodge, store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	if locs, err := f.st.CustodyLocations(ctx, m.ID); err != nil || len(locs) != 1 || locs[0] != f.police2.ID {
		t.Fatalf("custody %v %v, want Staines", locs, err)
	}
	before := countRows(t, f.st, "events")
	at := f.now.Add(time.Hour)
	good := moves.Event{MoveID: m.ID, Type: moves.EventPerWeapons, OccurredAt: at, RecordedAt: at, CreatedBy: "officer",
		Rels: map[string]string{"location": f.police2.ID}}
	bad := moves.Event{MoveID: m.ID, Type: moves.EventPerMedicalAid, OccurredAt: at, RecordedAt: at, CreatedBy: "officer",
		Details: map[string]any{"advised_at": "not a time"}}
	if _, _, err := f.st.AppendEvents(ctx, []moves.Event{good, bad}, store.AppendOptions{By: "officer"}); moves.ErrorCode(err) != moves.Invalid {
		t.Fatalf("a batch with an invalid event: %v, want invalid", err)
	}
	if n := countRows(t, f.st, "events"); n != before {
		t.Fatalf("a refused batch kept %d events", n-before)
	}
	bad.Details = nil
	evs, nm, err := f.st.AppendEvents(ctx, []moves.Event{good, bad}, store.AppendOptions{By: "officer", ExpectedVersion: m.Version})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || !evs[0].Applied || !evs[1].Applied || evs[0].CreatedBy != "officer" || nm.ID != m.ID {
		t.Fatalf("recorded %+v", evs)
	}
	if n := countRows(t, f.st, "events"); n != before+2 {
		t.Fatalf("%d events recorded, want 2", n-before)
	}
}

func TestSupplierJourneys(t *testing.T) { storetest.ForEachEngine(t, testSupplierJourneys) }

func testSupplierJourneys(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	other := moves.Supplier{Key: "geoamey", Name: "GEOAmey"}
	if err := f.st.CreateSupplier(ctx, &other); err != nil {
		t.Fatal(err)
	}
	a := f.courtMove(t, f.person, "2026-11-30")
	b := f.courtMove(t, f.newPerson(t, "Brown"), "2026-11-22")
	ts := func(h int) time.Time { return time.Date(2026, 11, 1, h, 0, 0, 0, time.UTC) }
	sup := f.supplier.ID
	// Move a: journey 1 in November, journey 2 on 1 December (another
	// month), journey 3 in November again but written first.
	putJourney(t, f.st, a, moves.Journey{SupplierID: sup, Timestamp: ts(9), JourneyState: moves.JourneyState{Date: "2026-11-30",
		Status: moves.JourneyCompleted, Billable: true, Vehicle: moves.Vehicle{Registration: "AB12 CDE"}}})
	putJourney(t, f.st, a, moves.Journey{SupplierID: sup, Timestamp: ts(12), FromID: f.court.ID, ToID: f.police2.ID,
		JourneyState: moves.JourneyState{Date: "2026-11-30", Status: moves.JourneyCancelled}})
	putJourney(t, f.st, a, moves.Journey{SupplierID: sup, Timestamp: ts(10), FromID: f.court.ID, ToID: f.prison.ID,
		JourneyState: moves.JourneyState{Date: "2026-12-01", Status: moves.JourneyInProgress, Billable: true}})
	putJourney(t, f.st, b, moves.Journey{SupplierID: sup, Timestamp: ts(8), JourneyState: moves.JourneyState{Date: "2026-11-01", Status: moves.JourneyProposed}})
	putJourney(t, f.st, b, moves.Journey{SupplierID: other.ID, Timestamp: ts(9), FromID: f.court.ID, ToID: f.prison.ID, JourneyState: moves.JourneyState{Date: "2026-11-02", Status: moves.JourneyProposed}})
	got, err := f.st.SupplierJourneys(ctx, sup, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	want := []store.BillingRow{
		{MoveReference: b.Reference, Number: 1, From: f.police.Title, To: f.court.Title, Date: "2026-11-01", Status: moves.JourneyProposed},
		{MoveReference: a.Reference, Number: 1, From: f.police.Title, To: f.court.Title, Date: "2026-11-30", Registration: "AB12 CDE", Status: moves.JourneyCompleted, Billable: true},
		{MoveReference: a.Reference, Number: 3, From: f.court.Title, To: f.police2.Title, Date: "2026-11-30", Status: moves.JourneyCancelled},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v\nwant %+v", i, got[i], want[i])
		}
	}
	dec, err := f.st.SupplierJourneys(ctx, sup, "2026-12")
	if err != nil || len(dec) != 1 || dec[0].Number != 2 || dec[0].To != f.prison.Title {
		t.Errorf("December: %+v %v, want journey 2 to the prison", dec, err)
	}
	if none, err := f.st.SupplierJourneys(ctx, other.ID, "2026-10"); err != nil || len(none) != 0 {
		t.Errorf("October: %+v %v", none, err)
	}
	if _, err := f.st.SupplierJourneys(ctx, sup, "November"); moves.ErrorCode(err) != moves.Invalid {
		t.Errorf("a bad month: %v", err)
	}
}

func TestLatestNoticesKept(t *testing.T) { storetest.ForEachEngine(t, testLatestNoticesKept) }

// move_notices (migration 0022) is kept by triggers to be, at every
// moment, the latest applied notice of each kind on each move, by
// occurred_at then arrival: whatever order the notices arrive in, and
// when one is marked not applied, applied again, or removed.
func testLatestNoticesKept(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m := f.courtMove(t, f.person, f.today)
	other := f.courtMove(t, f.newPerson(t, "Brown"), f.today)
	at := func(min int) time.Time { return f.now.Add(time.Duration(min) * time.Minute) }
	rec := func(mv moves.Move, typ moves.EventType, min, expected int) moves.Event {
		t.Helper()
		var details map[string]any
		if typ != moves.EventMoveNotifyPremisesOfArrivalIn30Mins {
			details = map[string]any{"expected_at": at(expected).Format(time.RFC3339)}
		}
		ev, _, err := f.st.AppendEvent(ctx, f.event(mv.ID, typ, at(min), details), store.AppendOptions{})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return ev
	}
	// kept reads move_notices as "move type seq" lines; want computes the
	// same from the events themselves.
	lines := func(q string) string {
		t.Helper()
		rows, err := f.st.DB().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var move, typ string
			var seq int64
			if err := rows.Scan(&move, &typ, &seq); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s %d\n", move, typ, seq)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	check := func(when string, wantRows int) {
		t.Helper()
		kept := lines("SELECT move_id, event_type, seq FROM move_notices ORDER BY move_id, event_type")
		want := lines(`SELECT e.move_id, e.event_type, e.seq FROM events e WHERE e.applied = 1
			AND e.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
			AND NOT EXISTS (SELECT 1 FROM events l WHERE l.move_id = e.move_id AND l.event_type = e.event_type AND l.applied = 1
				AND (l.occurred_at > e.occurred_at OR (l.occurred_at = e.occurred_at AND l.seq > e.seq)))
			ORDER BY e.move_id, e.event_type`)
		if kept != want {
			t.Errorf("%s: move_notices\n%swant\n%s", when, kept, want)
		}
		if n := strings.Count(kept, "\n"); n != wantRows {
			t.Errorf("%s: %d notices kept, want %d:\n%s", when, n, wantRows, kept)
		}
	}
	check("no notices", 0)
	rec(m, moves.EventMoveNotifyPremisesOfEta, 10, 120)
	latest := rec(m, moves.EventMoveNotifyPremisesOfEta, 20, 130)
	// Late: happened before the one kept, so it is not the latest.
	rec(m, moves.EventMoveNotifyPremisesOfEta, 5, 90)
	// The same moment as the latest, written after it: it is the latest.
	tie := rec(m, moves.EventMoveNotifyPremisesOfEta, 20, 140)
	rec(m, moves.EventMoveNotifyPremisesOfExpectedCollectionTime, 1, 60)
	rec(other, moves.EventMoveNotifyPremisesOfArrivalIn30Mins, 30, 0)
	rec(m, moves.EventPerViolentDangerous, 40, 0)
	check("after the notices", 3)
	marks, err := f.st.ListMarks(ctx, []string{m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got := marks[m.ID].ExpectedArrival; got == nil || !got.Equal(at(140)) {
		t.Errorf("expected arrival %v, want the tie written last, %v", got, at(140))
	}
	// The triggers keep it however events change, through any write.
	f.exec(t, "UPDATE events SET applied = 0 WHERE id = ?", tie.ID)
	check("the latest not applied", 3)
	f.exec(t, "UPDATE events SET applied = 0 WHERE id = ?", latest.ID)
	check("the next not applied either", 3)
	f.exec(t, "UPDATE events SET applied = 1 WHERE id = ?", tie.ID)
	check("applied again", 3)
	f.exec(t, "UPDATE events SET occurred_at = occurred_at - 3600000000 WHERE id = ?", tie.ID)
	check("moved earlier", 3)
	f.exec(t, "UPDATE events SET event_type = 'MoveNotifyPremisesOfArrivalIn30Mins' WHERE id = ?", tie.ID)
	check("of another kind", 4)
	f.exec(t, "UPDATE events SET move_id = ? WHERE id = ?", other.ID, tie.ID)
	check("on another move", 3)
	f.exec(t, "DELETE FROM events WHERE move_id = ? AND event_type = 'MoveNotifyPremisesOfArrivalIn30Mins'", other.ID)
	check("removed", 2)
}
