package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// roadOpt is a supplier's client writing: what the API passes.
func (f *fixture) roadOpt() store.RoadOptions {
	return store.RoadOptions{By: "Serco", SupplierID: f.supplier.ID, Visible: func(m moves.Move) bool { return m.SupplierID == f.supplier.ID }}
}

func (f *fixture) journey(t *testing.T, m moves.Move, from, to moves.Location, at time.Time) moves.Journey {
	t.Helper()
	yes := true
	j, err := f.st.CreateJourney(context.Background(), moves.NewJourney{MoveID: m.ID, SupplierID: f.supplier.ID, FromID: from.ID, ToID: to.ID,
		Timestamp: at, Billable: &yes}, f.roadOpt())
	if err != nil {
		t.Fatalf("create journey: %v", err)
	}
	return j
}

func (f *fixture) journeyEvent(j moves.Journey, typ moves.EventType, at time.Time, details map[string]any, rels map[string]string) moves.Event {
	return moves.Event{JourneyID: j.ID, Type: typ, OccurredAt: at, RecordedAt: at, Details: details, Rels: rels}
}

func (f *fixture) countEvents(t *testing.T, moveID string) int {
	t.Helper()
	evs, err := f.st.Events(context.Background(), moveID)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func TestJourneysCreatedNumberedAndRefusedTwice(t *testing.T) {
	storetest.ForEachEngine(t, testJourneysCreatedNumberedAndRefusedTwice)
}

func testJourneysCreatedNumberedAndRefusedTwice(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	// Created out of order: numbers follow the client's timestamps.
	second := f.journey(t, m, f.police2, f.court, at.Add(time.Hour))
	first := f.journey(t, m, f.police, f.police2, at)
	js, err := f.st.MoveJourneys(ctx, m.ID)
	if err != nil || len(js) != 2 {
		t.Fatalf("journeys %v %v", js, err)
	}
	if js[0].ID != first.ID || js[0].Number != 1 || js[1].ID != second.ID || js[1].Number != 2 {
		t.Fatalf("numbers: %+v", js)
	}
	if js[0].Status != moves.JourneyProposed || js[0].Date != "2026-11-23" || !js[0].Billable || js[0].SupplierID != f.supplier.ID {
		t.Fatalf("journey %+v", js[0])
	}
	evs, err := f.st.JourneyEvents(ctx, first.ID)
	if err != nil || len(evs) != 1 || evs[0].Type != moves.EventJourneyCreate || evs[0].MoveID != m.ID || !evs[0].Applied ||
		evs[0].Rels["from_location"] != f.police.ID {
		t.Fatalf("journey log %+v %v", evs, err)
	}
	// A second live journey with the same ends: refused, naming the first.
	yes := true
	before := f.countEvents(t, m.ID)
	_, err = f.st.CreateJourney(ctx, moves.NewJourney{MoveID: m.ID, SupplierID: f.supplier.ID, FromID: f.police.ID, ToID: f.police2.ID,
		Timestamp: at, Billable: &yes}, f.roadOpt())
	if e, ok := moves.AsError(err); !ok || e.Code != moves.Conflict || e.ExistingID != first.ID {
		t.Fatalf("duplicate journey: %v", err)
	}
	// Invalid: same ends, unknown place; nothing stored either way.
	_, err = f.st.CreateJourney(ctx, moves.NewJourney{MoveID: m.ID, SupplierID: f.supplier.ID, FromID: f.police.ID, ToID: f.police.ID,
		Timestamp: at, Billable: &yes}, f.roadOpt())
	if codeOf(err) != moves.Invalid {
		t.Fatalf("same ends: %v", err)
	}
	if f.countEvents(t, m.ID) != before {
		t.Fatal("a refused journey left events")
	}
	// Another supplier's client does not find the move.
	other := f.roadOpt()
	other.Visible = func(moves.Move) bool { return false }
	if _, err := f.st.CreateJourney(ctx, moves.NewJourney{MoveID: m.ID, SupplierID: "x", FromID: f.court.ID, ToID: f.police.ID,
		Timestamp: at, Billable: &yes}, other); codeOf(err) != moves.NotFound {
		t.Fatalf("another supplier: %v", err)
	}
	// The move's own state is untouched by its journeys' events.
	got, _ := f.st.Move(ctx, m.ID)
	if got.Status != m.Status {
		t.Fatalf("move status %s", got.Status)
	}
}

func TestJourneyEventsReplayedInTheirOwnLog(t *testing.T) {
	storetest.ForEachEngine(t, testJourneyEventsReplayedInTheirOwnLog)
}

func testJourneyEventsReplayedInTheirOwnLog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	j := f.journey(t, m, f.police, f.court, at)

	// Completed arrives first: kept, not applied, with the reason.
	done, got, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyComplete, at.Add(2*time.Hour), nil, nil), f.roadOpt())
	if err != nil {
		t.Fatal(err)
	}
	if done.Applied || done.Reason != "A journey that is proposed cannot be completed" || got.Status != moves.JourneyProposed {
		t.Fatalf("complete first: %+v, journey %s", done, got.Status)
	}
	// Then the start that happened before it: placed, late, and the
	// completion now applies, in the same write.
	start, got, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyStart, at.Add(time.Hour),
		map[string]any{"vehicle_reg": "AB12 CDE"}, nil), f.roadOpt())
	if err != nil {
		t.Fatal(err)
	}
	if !start.Applied || !start.Late || got.Status != moves.JourneyCompleted || got.Vehicle.Registration != "AB12 CDE" || got.Version != 2 {
		t.Fatalf("late start: %+v, journey %+v", start, got)
	}
	log, _ := f.st.JourneyEvents(ctx, j.ID)
	if len(log) != 3 || log[2].Type != moves.EventJourneyComplete || !log[2].Applied || log[2].Reason != "" {
		t.Fatalf("log after the late start: %+v", log)
	}
	if log[1].SupplierID != f.supplier.ID || log[1].CreatedBy != "Serco" || log[1].MoveID != m.ID {
		t.Fatalf("who recorded it: %+v", log[1])
	}
	// Wrong state: a rejection of a completed journey is kept, not applied.
	rej, got, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyReject, at.Add(3*time.Hour), nil, nil), f.roadOpt())
	if err != nil || rej.Applied || rej.Reason == "" || got.Status != moves.JourneyCompleted {
		t.Fatalf("reject a completed journey: %+v %v", rej, err)
	}
	// Invalid in itself: refused with nothing stored.
	n := f.countEvents(t, m.ID)
	if _, _, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyChangeVehicle, at.Add(4*time.Hour), nil, nil), f.roadOpt()); codeOf(err) != moves.Invalid {
		t.Fatalf("change vehicle without a registration: %v", err)
	}
	if _, _, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyCreate, at, nil, nil), f.roadOpt()); codeOf(err) != moves.Invalid {
		t.Fatalf("a client's JourneyCreate: %v", err)
	}
	if _, _, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyArriveAtOuterGate, at, nil, map[string]string{"location": "nowhere"}), f.roadOpt()); codeOf(err) != moves.Invalid {
		t.Fatalf("an unknown location: %v", err)
	}
	if f.countEvents(t, m.ID) != n {
		t.Fatal("a refused event was stored")
	}
	// Another supplier, or another move: not found.
	other := f.roadOpt()
	other.Visible = func(moves.Move) bool { return false }
	if _, _, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyStart, at, nil, nil), other); codeOf(err) != moves.NotFound {
		t.Fatalf("another supplier: %v", err)
	}
	wrongMove := f.journeyEvent(j, moves.EventJourneyStart, at, nil, nil)
	wrongMove.MoveID = f.courtMove(t, f.newPerson(t, "Baker"), "2026-11-23").ID
	if _, _, err := f.st.AppendJourneyEvent(ctx, wrongMove, f.roadOpt()); codeOf(err) != moves.NotFound {
		t.Fatalf("another move's journey: %v", err)
	}
	// A JourneyChangeVehicle gets the previous registration filled in.
	cv, got, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyUncomplete, at.Add(5*time.Hour), nil, nil), f.roadOpt())
	if err != nil || !cv.Applied || got.Status != moves.JourneyInProgress {
		t.Fatalf("uncomplete: %+v %v", cv, err)
	}
	cv, got, err = f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyChangeVehicle, at.Add(6*time.Hour),
		map[string]any{"vehicle_reg": "XY99 ZZZ"}, nil), f.roadOpt())
	if err != nil || cv.Str("previous_vehicle_reg") != "AB12 CDE" || got.Vehicle.Registration != "XY99 ZZZ" {
		t.Fatalf("change vehicle: %+v %+v %v", cv, got, err)
	}
	// The move's own replay (a late move event) leaves the journey's
	// marks alone.
	if _, _, err := f.st.AppendEvent(ctx, f.event(m.ID, moves.EventMoveAccept, at.Add(-time.Hour), nil), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.st.AppendEvent(ctx, f.event(m.ID, moves.EventMoveNotifyPremisesOfArrivalIn30Mins, at.Add(-2*time.Hour), nil), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	after, _ := f.st.JourneyEvents(ctx, j.ID)
	for i, e := range after {
		if i < len(log) && e.ID == log[i].ID && (e.Applied != log[i].Applied || e.Reason != log[i].Reason) && e.ID != rej.ID {
			t.Errorf("the move's replay changed journey event %s: %+v", e.Type, e)
		}
	}
	mv, _ := f.st.Move(ctx, m.ID)
	if mv.Status != moves.StatusBooked {
		t.Fatalf("move %s", mv.Status)
	}
}

func TestJourneyUpdateAndUncancelDuplicate(t *testing.T) {
	storetest.ForEachEngine(t, testJourneyUpdateAndUncancelDuplicate)
}

func testJourneyUpdateAndUncancelDuplicate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	j := f.journey(t, m, f.police, f.court, at)
	no := false
	got, err := f.st.UpdateJourney(ctx, m.ID, j.ID, moves.JourneyChanges{Billable: &no, Vehicle: &moves.Vehicle{Registration: "AB12 CDE"}}, f.roadOpt())
	if err != nil || got.Billable || got.Vehicle.Registration != "AB12 CDE" {
		t.Fatalf("update: %+v %v", got, err)
	}
	log, _ := f.st.JourneyEvents(ctx, j.ID)
	if len(log) != 2 || log[1].Type != moves.EventJourneyUpdate || log[1].Details["billable"] != false {
		t.Fatalf("log %+v", log)
	}
	// Nothing to change: nothing recorded.
	if _, err := f.st.UpdateJourney(ctx, m.ID, j.ID, moves.JourneyChanges{Billable: &no}, f.roadOpt()); err != nil {
		t.Fatal(err)
	}
	if log, _ = f.st.JourneyEvents(ctx, j.ID); len(log) != 2 {
		t.Fatalf("an empty change was recorded: %d events", len(log))
	}
	bad := "2026-13-01"
	if _, err := f.st.UpdateJourney(ctx, m.ID, j.ID, moves.JourneyChanges{Date: &bad}, f.roadOpt()); codeOf(err) != moves.Invalid {
		t.Fatalf("bad date: %v", err)
	}
	// Started then cancelled, a second journey takes the same ends; the
	// first cannot then be put back in progress.
	for i, typ := range []moves.EventType{moves.EventJourneyStart, moves.EventJourneyCancel} {
		if _, _, err := f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, typ, at.Add(time.Duration(i+1)*time.Minute), nil, nil), f.roadOpt()); err != nil {
			t.Fatal(err)
		}
	}
	j2 := f.journey(t, m, f.police, f.court, at.Add(time.Hour))
	n := f.countEvents(t, m.ID)
	_, _, err = f.st.AppendJourneyEvent(ctx, f.journeyEvent(j, moves.EventJourneyUncancel, at.Add(2*time.Hour), nil, nil), f.roadOpt())
	if e, ok := moves.AsError(err); !ok || e.ExistingID != j2.ID {
		t.Fatalf("uncancel onto a live duplicate: %v", err)
	}
	if f.countEvents(t, m.ID) != n {
		t.Fatal("the refused uncancel was stored")
	}
	cur, _ := f.st.Journey(ctx, m.ID, j.ID)
	if cur.Status != moves.JourneyCancelled {
		t.Fatalf("status %s", cur.Status)
	}
}

// A lodging write made from an older version of the lodging is refused
// in its transaction, changing nothing; the version it saw goes through.
func TestLodgingWritesCheckTheVersionSeen(t *testing.T) {
	storetest.ForEachEngine(t, testLodgingWritesCheckTheVersionSeen)
}

func testLodgingWritesCheckTheVersionSeen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	l, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.prison.ID, StartDate: "2026-11-23", EndDate: "2026-11-24"}, store.RoadOptions{By: "pmu.user"})
	if err != nil {
		t.Fatal(err)
	}
	seen := store.RoadOptions{By: "pmu.user", LodgingVersion: l.Version}
	if _, err := f.st.UpdateLodging(ctx, m.ID, l.ID, moves.LodgingChanges{EndDate: "2026-11-25"}, seen); err != nil {
		t.Fatalf("the version seen: %v", err)
	}
	if _, err := f.st.UpdateLodging(ctx, m.ID, l.ID, moves.LodgingChanges{EndDate: "2026-11-26"}, seen); !errors.Is(err, store.ErrLodgingStale) {
		t.Fatalf("stale change: %v", err)
	}
	if _, err := f.st.CancelLodging(ctx, m.ID, l.ID, "cancelled_by_pmu", "", seen); !errors.Is(err, store.ErrLodgingStale) {
		t.Fatalf("stale cancel: %v", err)
	}
	ls, err := f.st.MoveLodgings(ctx, m.ID)
	if err != nil || len(ls) != 1 || ls[0].EndDate != "2026-11-25" || ls[0].Status != moves.LodgingProposed || ls[0].Version != l.Version+1 {
		t.Fatalf("after the stale writes %+v %v", ls, err)
	}
}

func TestLodgingsPlannedChangedCancelledStartedAndEnded(t *testing.T) {
	storetest.ForEachEngine(t, testLodgingsPlannedChangedCancelledStartedAndEnded)
}

func testLodgingsPlannedChangedCancelledStartedAndEnded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	pmu := store.RoadOptions{By: "pmu.user"}
	first, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.prison.ID, StartDate: "2026-11-23", EndDate: "2026-11-24"}, pmu)
	if err != nil || first.Status != moves.LodgingProposed || first.Nights() != 1 {
		t.Fatalf("lodging %+v %v", first, err)
	}
	second, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.prison2.ID, StartDate: "2026-11-24", EndDate: "2026-11-25"}, pmu)
	if err != nil {
		t.Fatal(err)
	}
	n := f.countEvents(t, m.ID)
	if _, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.hospital.ID, StartDate: "2026-11-23", EndDate: "2026-11-24"}, pmu); codeOf(err) != moves.Invalid {
		t.Fatalf("same dates: %v", err)
	}
	if _, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.court.ID, StartDate: "2026-11-23", EndDate: "2026-11-22"}, pmu); codeOf(err) != moves.Invalid {
		t.Fatalf("the move's destination, ending before it starts: %v", err)
	}
	if f.countEvents(t, m.ID) != n {
		t.Fatal("a refused lodging left events")
	}
	// Two nights instead of one: the later lodging moves a day on.
	ls, err := f.st.UpdateLodging(ctx, m.ID, first.ID, moves.LodgingChanges{EndDate: "2026-11-25"}, pmu)
	if err != nil || len(ls) != 2 {
		t.Fatalf("update: %v %v", ls, err)
	}
	if ls[0].EndDate != "2026-11-25" || ls[1].ID != second.ID || ls[1].StartDate != "2026-11-25" || ls[1].EndDate != "2026-11-26" {
		t.Fatalf("after the longer stay: %+v", ls)
	}
	evs, _ := f.st.Events(ctx, m.ID)
	updates := 0
	for _, e := range evs {
		if e.Type == moves.EventLodgingUpdate {
			updates++
			if e.LodgingID == "" || e.JourneyID != "" {
				t.Errorf("update event %+v", e)
			}
		}
	}
	if updates != 2 {
		t.Fatalf("%d LodgingUpdate events, want 2", updates)
	}
	// MoveLodgingStart on another day, or at another place: kept, not
	// applied; on the day at the place: starts it. MoveLodgingEnd
	// completes it.
	day := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
	lodgeStart := func(at time.Time, loc string) moves.Event {
		e, _, err := f.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveLodgingStart, OccurredAt: at, RecordedAt: at,
			Details: map[string]any{"reason": "overnight_lodging"}, Rels: map[string]string{"location": loc}, CreatedBy: "Serco"}, store.AppendOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if e := lodgeStart(day, f.hospital.ID); e.Applied || e.Reason != "The move has no overnight lodging at this location" {
		t.Fatalf("lodge start elsewhere: %+v", e)
	}
	if e := lodgeStart(day, f.prison.ID); !e.Applied {
		t.Fatalf("lodge start: %+v", e)
	}
	got, _ := f.st.Lodging(ctx, m.ID, first.ID)
	if got.Status != moves.LodgingStarted {
		t.Fatalf("status after the start %s", got.Status)
	}
	end, _, err := f.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveLodgingEnd, OccurredAt: day.Add(40 * time.Hour),
		RecordedAt: day.Add(40 * time.Hour), Rels: map[string]string{"location": f.prison.ID}, CreatedBy: "Serco"}, store.AppendOptions{})
	if err != nil || !end.Applied {
		t.Fatalf("lodge end: %+v %v", end, err)
	}
	if got, _ = f.st.Lodging(ctx, m.ID, first.ID); got.Status != moves.LodgingCompleted {
		t.Fatalf("status after the end %s", got.Status)
	}
	// A started lodging cannot be cancelled; "cancel all" leaves it.
	if _, err := f.st.CancelLodging(ctx, m.ID, first.ID, "other", "", pmu); codeOf(err) != moves.Conflict {
		t.Fatalf("cancel a completed lodging: %v", err)
	}
	if _, err := f.st.CancelLodgings(ctx, m.ID, "", "", pmu); codeOf(err) != moves.Invalid {
		t.Fatalf("cancel without a reason: %v", err)
	}
	cancelled, err := f.st.CancelLodgings(ctx, m.ID, "cancelled_by_pmu", "Not needed", pmu)
	if err != nil || len(cancelled) != 1 || cancelled[0].ID != second.ID || cancelled[0].Status != moves.LodgingCancelled ||
		cancelled[0].CancellationReason != "cancelled_by_pmu" || cancelled[0].CancellationComment != "Not needed" {
		t.Fatalf("cancel all: %+v %v", cancelled, err)
	}
	// A start recorded before its lodging existed applies once it does;
	// a late start replays the lodgings too.
	early := lodgeStart(time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC), f.hospital.ID)
	if early.Applied {
		t.Fatal("a start with no lodging applied")
	}
	third, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.hospital.ID, StartDate: "2026-11-27", EndDate: "2026-11-28"}, pmu)
	if err != nil || third.Status != moves.LodgingStarted {
		t.Fatalf("a lodging whose start was already recorded: %+v %v", third, err)
	}
	if e, _ := f.st.Event(ctx, early.ID); !e.Applied || e.Reason != "" {
		t.Fatalf("the early start after its lodging: %+v", e)
	}
}

// TestMoveWithALodgeKeepsItsDate: a MoveDateChanged on a move with a live
// lodge is refused whole (the lodge's nights follow from the date), from
// any caller; once the lodge is cancelled the date may change.
func TestMoveWithALodgeKeepsItsDate(t *testing.T) {
	storetest.ForEachEngine(t, testMoveWithALodgeKeepsItsDate)
}

func testMoveWithALodgeKeepsItsDate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-24")
	l, err := f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: f.prison.ID, StartDate: "2026-11-24", EndDate: "2026-11-25"}, store.RoadOptions{By: "pmu.user"})
	if err != nil {
		t.Fatal(err)
	}
	change := moves.Event{MoveID: m.ID, Type: moves.EventMoveDateChanged, OccurredAt: f.now, RecordedAt: f.now, CreatedBy: "pmu.user",
		Details: map[string]any{"date": "2026-11-26"}}
	_, _, err = f.st.AppendEvent(ctx, change, store.AppendOptions{By: "pmu.user"})
	if e, ok := moves.AsError(err); !ok || e.Code != moves.Invalid || !e.Fields.Has("date") {
		t.Fatalf("a date change of a move with a lodge: %v, want a field error on date", err)
	}
	if got, _ := f.st.Move(ctx, m.ID); got.Date != "2026-11-24" {
		t.Fatalf("the move is now on %s", got.Date)
	}
	if _, err := f.st.CancelLodging(ctx, m.ID, l.ID, "made_in_error", "", store.RoadOptions{By: "pmu.user"}); err != nil {
		t.Fatal(err)
	}
	if ev, _, err := f.st.AppendEvent(ctx, change, store.AppendOptions{By: "pmu.user"}); err != nil || !ev.Applied {
		t.Fatalf("the date change once the lodge is cancelled: %v %s", err, ev.Reason)
	}
}
