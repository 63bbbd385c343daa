package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// deliverAll delivers every notification waiting, as a worker whose
// receivers all answer 204 would, and returns what each subscription was
// sent, in order.
func deliverAll(t testing.TB, st *store.Store, now time.Time) map[string][]string {
	t.Helper()
	ctx := context.Background()
	sent := map[string][]string{}
	for range 50 {
		ds, err := st.Outbox().Claim(ctx, notify.ClaimRequest{Now: now, LeaseUntil: now.Add(time.Minute),
			Channels: []notify.Channel{notify.ChannelWebhook}, Limit: 8, PerSubscription: 20})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			return sent
		}
		var res notify.Results
		for _, d := range ds {
			res.Attempts = append(res.Attempts, notify.Attempt{NotificationID: d.Notification.ID, SubscriptionID: d.Subscription.ID,
				Channel: notify.ChannelWebhook, Number: 1, At: now, Outcome: notify.Delivered, Status: 204})
			sent[d.Subscription.ID] = append(sent[d.Subscription.ID], d.Notification.EventType)
		}
		if err := st.Outbox().Record(ctx, res); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the outbox never emptied")
	return nil
}

// TestEventsKeepTheSupplierOfTheirTime: a move passes from Serco to
// GEOAmey when it is given a date on which GEOAmey serves its prison. The
// events whose timeline entry names the move's supplier keep the one of
// their time: the approval and the request sent to Serco keep Serco, the
// request then sent to GEOAmey (recorded in its turn) and what PMU records
// after keep GEOAmey. Keeping it changes neither the event's supplier (who
// posted it: the API's supplier relationship) nor who is told of it.
func TestEventsKeepTheSupplierOfTheirTime(t *testing.T) {
	storetest.ForEachEngine(t, testEventsKeepTheSupplierOfTheirTime)
}

func testEventsKeepTheSupplierOfTheirTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	geo, sercoSub, geoSub := f.prisonsChangeHands(t)
	serco := f.supplier
	pmu := func(m moves.Move, typ moves.EventType, details map[string]any) moves.Event {
		t.Helper()
		ev, _, err := f.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: typ, OccurredAt: f.now, RecordedAt: f.now, CreatedBy: "pmu.user",
			Details: details}, store.AppendOptions{By: "pmu.user"})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return ev
	}

	m := f.transfer(t, f.person) // proposed, window 25 November to 2 December: Serco's
	pmu(m, moves.EventMoveApprove, map[string]any{"date": "2026-11-27"})
	if sent := deliverAll(t, f.st, f.now); !slices.Contains(sent[sercoSub.ID], "create_move") {
		t.Fatalf("Serco was sent %v, want its create_move", sent[sercoSub.ID])
	}
	f.now = f.now.Add(time.Hour)
	dateChange := pmu(m, moves.EventMoveDateChanged, map[string]any{"date": "2026-12-01"})
	if after, err := f.st.Move(ctx, m.ID); err != nil || after.SupplierID != geo.ID {
		t.Fatalf("moved to 1 December, the move's supplier is %s (%v), want GEOAmey's %s", after.SupplierID, err, geo.ID)
	}
	sent := deliverAll(t, f.st, f.now)
	if got := sent[geoSub.ID]; !slices.Contains(got, "create_move") || !slices.Contains(got, "create_event") {
		t.Errorf("GEOAmey was sent %v, want create_move and create_event (of the new date)", got)
	}
	f.now = f.now.Add(time.Hour)
	accept := pmu(m, moves.EventMoveAccept, nil)
	sent = deliverAll(t, f.st, f.now)
	// PMU's acceptance keeps GEOAmey, which is still told of it: keeping
	// the supplier an entry names is not recording that supplier's own
	// event.
	if !slices.Contains(sent[geoSub.ID], "create_event") {
		t.Errorf("GEOAmey was sent %v of PMU's acceptance, want create_event", sent[geoSub.ID])
	}

	evs, err := f.st.Events(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	type kept struct {
		typ           moves.EventType
		by, moveSuppl string
	}
	var got []kept
	for _, e := range evs {
		if e.SupplierID != "" {
			t.Errorf("%s by %s has supplier %s: only a supplier's client's events do", e.Type, e.CreatedBy, e.SupplierID)
		}
		got = append(got, kept{e.Type, e.CreatedBy, e.MoveSupplierID})
	}
	want := []kept{
		{moves.EventMoveProposed, "prison.officer", ""}, // names no supplier
		{moves.EventMoveApprove, "pmu.user", serco.ID},
		{moves.EventMoveNotifySupplierOfMoveRequest, moves.SystemActor, serco.ID},
		{moves.EventMoveDateChanged, "pmu.user", ""}, // names no supplier
		{moves.EventMoveNotifySupplierOfMoveRequest, moves.SystemActor, geo.ID},
		{moves.EventMoveAccept, "pmu.user", geo.ID},
	}
	if !slices.Equal(got, want) {
		t.Errorf("the log keeps\n %v\nwant\n %v", got, want)
	}
	if dateChange.MoveSupplierID != "" || accept.MoveSupplierID != geo.ID {
		t.Errorf("AppendEvent answered the date change keeping %q, the acceptance %q", dateChange.MoveSupplierID, accept.MoveSupplierID)
	}
	// Delivered again (a second worker): no second event for either.
	deliverAll(t, f.st, f.now)
	if again, err := f.st.Events(ctx, m.ID); err != nil || len(again) != len(evs) {
		t.Errorf("%d events after delivering again, want %d (%v)", len(again), len(evs), err)
	}

	// Approved straight for a date on which GEOAmey serves the prison: the
	// approval, written while the move was Serco's proposal, keeps the
	// supplier it was approved and requested with.
	m2 := f.transfer(t, f.newPerson(t, "Baker"))
	approve := pmu(m2, moves.EventMoveApprove, map[string]any{"date": "2026-12-01"})
	if approve.MoveSupplierID != geo.ID {
		t.Errorf("the approval for 1 December answered keeping %q, want GEOAmey's %s", approve.MoveSupplierID, geo.ID)
	}
	if stored, err := f.st.Event(ctx, approve.ID); err != nil || stored.MoveSupplierID != geo.ID || stored.SupplierID != "" {
		t.Errorf("the approval for 1 December keeps %q (supplier %q, %v), want GEOAmey's %s", stored.MoveSupplierID, stored.SupplierID, err, geo.ID)
	}
	if creation, err := f.st.Events(ctx, m2.ID); err != nil || creation[0].MoveSupplierID != "" {
		t.Errorf("the proposal keeps %+v (%v): it names no supplier", creation[0], err)
	}
	// A request booked with Serco keeps Serco.
	req := f.courtMove(t, f.newPerson(t, "Clark"), "2026-11-24")
	if evs, err := f.st.Events(ctx, req.ID); err != nil || evs[0].Type != moves.EventMoveRequested || evs[0].MoveSupplierID != serco.ID {
		t.Errorf("the request keeps %+v (%v), want Serco's %s", evs[0], err, serco.ID)
	}
	// An allocation's place, requested with Serco on 30 November, still
	// was once the allocation moves to GEOAmey's 2 December.
	a := f.allocation(t, 1)
	if err := f.st.ChangeAllocationDate(ctx, a.ID, "2026-12-02", "other", f.today, pmuBy); err != nil {
		t.Fatal(err)
	}
	for _, p := range f.places(t, a.ID) {
		evs, err := f.st.Events(ctx, p.ID)
		if err != nil || p.SupplierID != geo.ID || evs[0].Type != moves.EventMoveRequested || evs[0].MoveSupplierID != serco.ID {
			t.Errorf("place %s, now %s's, was requested keeping %+v (%v), want Serco's %s", p.Reference, p.SupplierID, evs[0], err, serco.ID)
		}
	}
}

// TestDemoEventsKeepTheSupplierTheyName: the demo's moves, written as rows
// rather than through AppendEvent, keep the move's supplier on the same
// events as AppendEvent would (each demo move keeps its supplier).
func TestDemoEventsKeepTheSupplierTheyName(t *testing.T) {
	storetest.ForEachEngine(t, testDemoEventsKeepTheSupplierTheyName)
}

func testDemoEventsKeepTheSupplierTheyName(t *testing.T) {
	ctx := context.Background()
	st, d, _ := seededDemo(t, time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
	kept := 0
	for _, dm := range d.Moves {
		m, err := st.Move(ctx, dm.ID)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := st.Events(ctx, dm.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			want := ""
			if moves.KeepsMoveSupplier(e) {
				want = m.SupplierID
			}
			if e.MoveSupplierID != want {
				t.Errorf("move %s: %s by %q keeps %q, want %q", m.Reference, e.Type, e.CreatedBy, e.MoveSupplierID, want)
			}
			if e.MoveSupplierID != "" {
				kept++
			}
		}
	}
	if kept == 0 {
		t.Error("no demo event keeps a supplier")
	}
}
