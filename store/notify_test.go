package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

func testSealer(t testing.TB) *notify.Sealer {
	t.Helper()
	s, err := notify.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func subscribe(t testing.TB, st *store.Store, supplier, url string) store.SubscriptionInfo {
	t.Helper()
	si, secret, err := st.CreateSubscription(context.Background(), store.SubscriptionInput{Supplier: supplier, CallbackURL: url}, testSealer(t), "admin")
	if err != nil {
		t.Fatalf("create subscription: %v", err)
	}
	if !strings.HasPrefix(secret, notify.SecretPrefix) {
		t.Fatalf("secret %q", secret)
	}
	return si
}

// outboxRow is a notification as a test sees it.
type outboxRow struct{ Sub, Type, Move, Event string }

func outbox(t testing.TB, st *store.Store) []outboxRow {
	t.Helper()
	rows, err := st.DB().Query("SELECT subscription_id, event_type, move_id, event_id FROM notifications WHERE delivered_at IS NULL ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Sub, &r.Type, &r.Move, &r.Event); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// crossing adds a second supplier serving a court of its own.
func (f *fixture) crossing(t testing.TB) (moves.Supplier, moves.Location) {
	t.Helper()
	ctx := context.Background()
	geo := moves.Supplier{Key: "geoamey", Name: "GEOAmey"}
	if err := f.st.CreateSupplier(ctx, &geo); err != nil {
		t.Fatal(err)
	}
	court := moves.Location{Title: "Leeds Crown Court", Code: "LEEDCC", Type: moves.LocCourt}
	if err := f.st.CreateLocation(ctx, &court); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddSupplierLocation(ctx, moves.SupplierLocation{SupplierID: geo.ID, LocationID: court.ID, EffectiveFrom: "2020-01-01"}); err != nil {
		t.Fatal(err)
	}
	return geo, court
}

func TestOutboxCommitsAndRollsBackWithTheChange(t *testing.T) {
	storetest.ForEachEngine(t, testOutboxCommitsAndRollsBackWithTheChange)
}

func testOutboxCommitsAndRollsBackWithTheChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub := subscribe(t, f.st, "serco", "https://serco.example/hooks")
	m := f.courtMove(t, f.person, "2026-11-24")
	if got := outbox(t, f.st); len(got) != 1 || got[0] != (outboxRow{sub.ID, "create_move", m.ID, ""}) {
		t.Fatalf("after booking: %+v", got)
	}
	// A unit that records an event and then fails keeps neither the event
	// nor its notifications.
	boom := errors.New("boom")
	_, err := f.st.Write(ctx, store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
		if _, _, err := f.st.AppendEvent(u.Context(), moves.Event{MoveID: m.ID, Type: moves.EventMoveCancel, OccurredAt: f.now, RecordedAt: f.now,
			CreatedBy: "pmu", Details: map[string]any{"cancellation_reason": "other"}}, store.AppendOptions{By: "pmu"}); err != nil {
			t.Fatalf("append inside unit: %v", err)
		}
		return store.Answer{}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("write: %v", err)
	}
	if got := outbox(t, f.st); len(got) != 1 {
		t.Fatalf("after the failed unit: %+v", got)
	}
	// A refused change (a duplicate move) writes nothing either.
	if _, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID,
		Date: "2026-11-24", PersonID: f.person.ID, CreatedBy: "officer"}); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("duplicate: %v", err)
	}
	if got := outbox(t, f.st); len(got) != 1 {
		t.Fatalf("after the refused move: %+v", got)
	}
	// The same change committed writes its rows.
	ev, _, err := f.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveCancel, OccurredAt: f.now, RecordedAt: f.now,
		CreatedBy: "pmu", Details: map[string]any{"cancellation_reason": "other"}}, store.AppendOptions{By: "pmu"})
	if err != nil {
		t.Fatal(err)
	}
	want := []outboxRow{{sub.ID, "create_move", m.ID, ""}, {sub.ID, "update_move_status", m.ID, ""}, {sub.ID, "create_event", m.ID, ev.ID}}
	if got := outbox(t, f.st); !slices.Equal(got, want) {
		t.Fatalf("after cancelling:\n got %+v\nwant %+v", got, want)
	}
}

// The notifications of a batch's units are written together at its end:
// a unit still sees those it wrote itself, and those of the units before
// it, when it asks whether a supplier has heard of a move; a unit that
// fails leaves none, whatever else the batch holds.
func TestNotificationsOfABatch(t *testing.T) { storetest.ForEachEngine(t, testNotificationsOfABatch) }

func testNotificationsOfABatch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sub := subscribe(t, f.st, "serco", "https://serco.example/hooks")
	// Booked and changed in one unit: told of it once as created, then
	// as updated.
	var m moves.Move
	if _, err := f.st.Write(ctx, store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
		var err error
		if m, err = f.st.CreateMove(u.Context(), store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID,
			Date: "2026-11-24", PersonID: f.person.ID, CreatedBy: "officer"}); err != nil {
			return store.Answer{}, err
		}
		notes := "Needs an interpreter"
		_, err = f.st.UpdateMoveDetails(u.Context(), m.ID, &notes, nil, false, "officer")
		return store.Answer{}, err
	}); err != nil {
		t.Fatal(err)
	}
	want := []outboxRow{{sub.ID, "create_move", m.ID, ""}, {sub.ID, "update_move", m.ID, ""}}
	if got := outbox(t, f.st); !slices.Equal(got, want) {
		t.Fatalf("booked and changed in one unit:\n got %+v\nwant %+v", got, want)
	}
	// Many units at once, so that the writer takes several in a batch;
	// every third fails after recording its event, and another third
	// records a second in a savepoint that fails.
	clear(t, f.st)
	const n = 60
	errs := make(chan error, n)
	evs := make(chan string, n)
	boom := errors.New("boom")
	for i := range n {
		go func() {
			_, err := f.st.Write(ctx, store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
				ev, _, err := f.st.AppendEvent(u.Context(), moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins,
					CreatedBy: "pmu.user", OccurredAt: f.now, RecordedAt: f.now}, store.AppendOptions{By: "pmu.user"})
				if err != nil {
					return store.Answer{}, err
				}
				if i%3 == 0 {
					return store.Answer{}, boom
				}
				// A savepoint that fails inside a unit that goes on: its
				// event is undone, and so is its notification.
				if i%3 == 1 {
					_ = u.Savepoint(func(u *store.Unit) error {
						if _, _, err := f.st.AppendEvent(u.Context(), moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins,
							CreatedBy: "pmu.user", OccurredAt: f.now, RecordedAt: f.now}, store.AppendOptions{By: "pmu.user"}); err != nil {
							return err
						}
						return boom
					})
				}
				evs <- ev.ID
				return store.Answer{}, nil
			})
			if i%3 == 0 && errors.Is(err, boom) {
				err = nil
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(evs)
	var committed []string
	for id := range evs {
		committed = append(committed, id)
	}
	var told []string
	for _, r := range outbox(t, f.st) {
		if r.Type != "create_event" || r.Sub != sub.ID || r.Move != m.ID {
			t.Errorf("unexpected %+v", r)
		}
		told = append(told, r.Event)
	}
	slices.Sort(committed)
	slices.Sort(told)
	if len(committed) != n-n/3 || !slices.Equal(told, committed) {
		t.Fatalf("%d events committed, %d told:\n%v\n%v", len(committed), len(told), committed, told)
	}
}

func TestWhoIsNotified(t *testing.T) { storetest.ForEachEngine(t, testWhoIsNotified) }

func testWhoIsNotified(t *testing.T) {
	ctx := context.Background()
	type world struct {
		f        *fixture
		serco    store.SubscriptionInfo
		geo      store.SubscriptionInfo
		geoID    string
		geoCourt moves.Location
	}
	setup := func(t *testing.T) *world {
		f := newFixture(t)
		geo, court := f.crossing(t)
		w := &world{f: f, geoID: geo.ID, geoCourt: court}
		w.serco = subscribe(t, f.st, "serco", "https://serco.example/hooks")
		w.geo = subscribe(t, f.st, "geoamey", "https://geoamey.example/hooks")
		return w
	}
	append := func(t *testing.T, w *world, e moves.Event) moves.Event {
		t.Helper()
		if e.OccurredAt.IsZero() {
			e.OccurredAt, e.RecordedAt = w.f.now, w.f.now
		}
		ev, _, err := w.f.st.AppendEvent(ctx, e, store.AppendOptions{By: e.CreatedBy})
		if err != nil {
			t.Fatalf("append %s: %v", e.Type, err)
		}
		return ev
	}
	tests := []struct {
		name string
		// act makes the change after the outbox was emptied and returns
		// the rows expected (with "$move" and "$event" placeholders).
		act func(t *testing.T, w *world) (moveID, eventID string, want []outboxRow)
	}{
		{"proposed move booked: nobody", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.transfer(t, w.f.person)
			return m.ID, "", nil
		}},
		{"proposed move approved: its supplier told of it as created, and of PMU's event", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.transfer(t, w.f.person)
			clear(t, w.f.st)
			ev := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveApprove, CreatedBy: "pmu.user", Details: map[string]any{"date": "2026-11-26"}})
			return m.ID, ev.ID, []outboxRow{{w.serco.ID, "create_move", "$move", ""}, {w.serco.ID, "create_event", "$move", "$event"}}
		}},
		{"requested move booked: its supplier only", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			return m.ID, "", []outboxRow{{w.serco.ID, "create_move", "$move", ""}}
		}},
		{"move crossing suppliers: both", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m, err := w.f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: w.f.police.ID, ToID: w.geoCourt.ID,
				Date: "2026-11-24", PersonID: w.f.person.ID, CreatedBy: "officer"})
			if err != nil {
				t.Fatal(err)
			}
			return m.ID, "", []outboxRow{{w.serco.ID, "create_move", "$move", ""}, {w.geo.ID, "cross_supplier_move_add", "$move", ""}}
		}},
		{"supplier's own event: not told of the event, told of the status", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			clear(t, w.f.st)
			append(t, w, w.f.event(m.ID, moves.EventMoveAccept, time.Time{}, nil))
			return m.ID, "", []outboxRow{{w.serco.ID, "update_move_status", "$move", ""}}
		}},
		{"PMU's event that changes nothing: create_event", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			clear(t, w.f.st)
			ev := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins, CreatedBy: "pmu.user"})
			return m.ID, ev.ID, []outboxRow{{w.serco.ID, "create_event", "$move", "$event"}}
		}},
		{"one supplier's event on a crossing move: told to the other", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m, err := w.f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: w.f.police.ID, ToID: w.geoCourt.ID,
				Date: "2026-11-24", PersonID: w.f.person.ID, CreatedBy: "officer"})
			if err != nil {
				t.Fatal(err)
			}
			clear(t, w.f.st)
			ev := append(t, w, w.f.event(m.ID, moves.EventMoveNotifyPremisesOfArrivalIn30Mins, time.Time{}, nil))
			return m.ID, ev.ID, []outboxRow{{w.geo.ID, "create_event", "$move", "$event"}}
		}},
		{"notes changed: update_move", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			clear(t, w.f.st)
			notes := "Needs an interpreter"
			if _, err := w.f.st.UpdateMoveDetails(ctx, m.ID, &notes, nil, false, "officer"); err != nil {
				t.Fatal(err)
			}
			return m.ID, "", []outboxRow{{w.serco.ID, "update_move", "$move", ""}}
		}},
		{"proposal rejected, then resubmitted: nothing, the supplier never knew it", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.transfer(t, w.f.person)
			append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveReject, CreatedBy: "pmu.user",
				Details: map[string]any{"rejection_reason": moves.RejectionMoreInfo, "rebook": false}})
			m, _ = w.f.st.Move(ctx, m.ID)
			if _, err := w.f.st.ResubmitMove(ctx, store.Resubmission{MoveID: m.ID, Version: m.Version, By: "prison.officer", Information: "more", DateFrom: "2026-11-30"}); err != nil {
				t.Fatal(err)
			}
			return m.ID, "", nil
		}},
		{"an event on a move cancelled before its supplier was ever told (subscribed later): told", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveCancel, CreatedBy: "pmu.user", Details: map[string]any{"cancellation_reason": "made_in_error"}})
			w.f.exec(t, "DELETE FROM notifications")
			ev := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins, CreatedBy: "pmu.user",
				OccurredAt: w.f.now.Add(time.Minute), RecordedAt: w.f.now.Add(time.Minute)})
			return m.ID, ev.ID, []outboxRow{{w.serco.ID, "create_event", "$move", "$event"}}
		}},
		{"an event by an internal client's user called system: told", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			clear(t, w.f.st)
			ev := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins, CreatedBy: moves.SystemActor})
			return m.ID, ev.ID, []outboxRow{{w.serco.ID, "create_event", "$move", "$event"}}
		}},
		{"lodging on a crossing move: both suppliers", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m, err := w.f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: w.f.police.ID, ToID: w.geoCourt.ID,
				Date: "2026-11-23", PersonID: w.f.person.ID, CreatedBy: "officer"})
			if err != nil {
				t.Fatal(err)
			}
			clear(t, w.f.st)
			if _, err := w.f.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: w.f.prison.ID, StartDate: "2026-11-23", EndDate: "2026-11-24"},
				store.RoadOptions{By: "pmu.user"}); err != nil {
				t.Fatal(err)
			}
			return m.ID, "", []outboxRow{{w.serco.ID, "create_lodging", "$move", ""}, {w.geo.ID, "create_lodging", "$move", ""}}
		}},
		{"redirected away from the other supplier's court: that supplier told of the end", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m, err := w.f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: w.f.police.ID, ToID: w.geoCourt.ID,
				Date: "2026-11-23", PersonID: w.f.person.ID, CreatedBy: "officer"})
			if err != nil {
				t.Fatal(err)
			}
			clear(t, w.f.st)
			ev := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveRedirect, CreatedBy: "pmu.user",
				Details: map[string]any{"reason": "other"}, Rels: map[string]string{"to_location": w.f.court.ID}})
			return m.ID, ev.ID, []outboxRow{{w.serco.ID, "update_move", "$move", ""}, {w.serco.ID, "create_event", "$move", "$event"},
				{w.geo.ID, "cross_supplier_move_remove", "$move", ""}}
		}},
		{"redirected away and back: told of the end, then of the crossing again", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m, err := w.f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: w.f.police.ID, ToID: w.geoCourt.ID,
				Date: "2026-11-23", PersonID: w.f.person.ID, CreatedBy: "officer"})
			if err != nil {
				t.Fatal(err)
			}
			append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveRedirect, CreatedBy: "pmu.user",
				Details: map[string]any{"reason": "other"}, Rels: map[string]string{"to_location": w.f.court.ID}})
			clear(t, w.f.st)
			at := w.f.now.Add(time.Minute)
			ev := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveRedirect, CreatedBy: "pmu.user", OccurredAt: at, RecordedAt: at,
				Details: map[string]any{"reason": "other"}, Rels: map[string]string{"to_location": w.geoCourt.ID}})
			// A third change: no second end, no second crossing.
			later := append(t, w, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins, CreatedBy: "pmu.user",
				OccurredAt: at.Add(time.Minute), RecordedAt: at.Add(time.Minute)})
			return m.ID, ev.ID, []outboxRow{{w.serco.ID, "update_move", "$move", ""}, {w.serco.ID, "create_event", "$move", "$event"},
				{w.geo.ID, "cross_supplier_move_add", "$move", ""}, {w.geo.ID, "create_event", "$move", "$event"},
				{w.serco.ID, "create_event", "$move", later.ID}, {w.geo.ID, "create_event", "$move", later.ID}}
		}},
		{"details changed in the browser: update_move, as upstream, not create_event", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			clear(t, w.f.st)
			if _, err := w.f.st.ChangeMoveDetails(ctx, store.MoveDetailsChange{MoveID: m.ID, Version: m.Version, By: "officer", Notes: "Needs an interpreter"}); err != nil {
				t.Fatal(err)
			}
			return m.ID, "", []outboxRow{{w.serco.ID, "update_move", "$move", ""}}
		}},
		{"the person's name changed: update_move for their move", func(t *testing.T, w *world) (string, string, []outboxRow) {
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			clear(t, w.f.st)
			p, err := w.f.st.Person(ctx, w.f.person.ID)
			if err != nil {
				t.Fatal(err)
			}
			p.LastName = "Andersen"
			if _, err := w.f.st.UpdatePerson(ctx, store.PersonChange{Person: p, Seen: p.UpdatedAt, By: "pmu.user", Today: w.f.today}); err != nil {
				t.Fatal(err)
			}
			return m.ID, "", []outboxRow{{w.serco.ID, "update_move", "$move", ""}}
		}},
		{"disabled subscription: nothing written for it", func(t *testing.T, w *world) (string, string, []outboxRow) {
			if err := w.f.st.SetSubscriptionEnabled(ctx, w.serco.ID, false, "admin"); err != nil {
				t.Fatal(err)
			}
			m := w.f.courtMove(t, w.f.person, "2026-11-24")
			return m.ID, "", nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := setup(t)
			moveID, eventID, want := tt.act(t, w)
			for i := range want {
				want[i].Move = strings.ReplaceAll(want[i].Move, "$move", moveID)
				want[i].Event = strings.ReplaceAll(want[i].Event, "$event", eventID)
			}
			got := outbox(t, w.f.st)
			// Rows of one change are in subscription order, which is
			// not what the case is about.
			byKey := func(a, b outboxRow) int { return strings.Compare(a.Type+a.Sub, b.Type+b.Sub) }
			slices.SortFunc(got, byKey)
			slices.SortFunc(want, byKey)
			if !slices.Equal(got, want) {
				t.Fatalf("\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// clear marks the outbox delivered, so a case sees only its own change's
// rows (and suppliers have still heard of their moves).
func clear(t testing.TB, st *store.Store) {
	t.Helper()
	if _, err := st.DB().Exec("UPDATE notifications SET delivered_at = 1"); err != nil {
		t.Fatal(err)
	}
}

func TestClaimLeasesOnePerSubscriptionAndRecordNotesTheRequest(t *testing.T) {
	storetest.ForEachEngine(t, testClaimLeasesOnePerSubscriptionAndRecordNotesTheRequest)
}

func testClaimLeasesOnePerSubscriptionAndRecordNotesTheRequest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub := subscribe(t, f.st, "serco", "https://serco.example/hooks")
	m := f.courtMove(t, f.person, "2026-11-24")
	notes := "x"
	if _, err := f.st.UpdateMoveDetails(ctx, m.ID, &notes, nil, false, "officer"); err != nil {
		t.Fatal(err)
	}
	ob := f.st.Outbox()
	if n, oldest, err := ob.Undelivered(); err != nil || n != 2 || !oldest.Equal(f.now) {
		t.Fatalf("undelivered %d %v %v", n, oldest, err)
	}
	req := notify.ClaimRequest{Now: f.now, LeaseUntil: f.now.Add(time.Minute), Channels: []notify.Channel{notify.ChannelWebhook}, Limit: 8}
	ds, err := ob.Claim(ctx, req)
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %d %v", len(ds), err)
	}
	d := ds[0]
	if d.Notification.EventType != "create_move" || d.Subscription.ID != sub.ID || len(d.Subscription.SealedSecrets) != 1 {
		t.Fatalf("claimed %+v", d)
	}
	secret, err := testSealer(t).Open(d.Subscription.SealedSecrets[0], "secret:"+sub.ID)
	if err != nil || !strings.HasPrefix(secret, notify.SecretPrefix) {
		t.Fatalf("sealed secret does not open: %v", err)
	}
	// Leased: not claimed again before the lease ends (the worker
	// excludes the subscription while its attempt is in flight).
	if ds, _ := ob.Claim(ctx, req); len(ds) != 1 || ds[0].Notification.ID == d.Notification.ID {
		t.Fatalf("claimed again while leased: %+v", ds)
	}
	if ds, _ := ob.Claim(ctx, notify.ClaimRequest{Now: f.now.Add(2 * time.Minute), LeaseUntil: f.now.Add(3 * time.Minute),
		Channels: req.Channels, Exclude: []string{sub.ID}, Limit: 8}); len(ds) != 0 {
		t.Fatalf("claimed for an excluded subscription: %+v", ds)
	}
	// The lease runs out: it comes due again (a worker died mid-attempt).
	again, err := ob.Claim(ctx, notify.ClaimRequest{Now: f.now.Add(2 * time.Minute), LeaseUntil: f.now.Add(3 * time.Minute), Channels: req.Channels, Limit: 8})
	if err != nil || len(again) != 1 || again[0].Notification.ID != d.Notification.ID {
		t.Fatalf("after the lease: %+v %v", again, err)
	}
	for i := 0; i < 2; i++ { // recorded twice (two workers): one event
		if err := ob.Record(ctx, notify.Results{Attempts: []notify.Attempt{{NotificationID: d.Notification.ID, SubscriptionID: sub.ID,
			Channel: notify.ChannelWebhook, Number: 1, At: f.now, Outcome: notify.Delivered, Status: 204}}}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := f.st.Events(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	var told []moves.Event
	for _, e := range evs {
		if e.Type == moves.EventMoveNotifySupplierOfMoveRequest {
			told = append(told, e)
		}
	}
	if len(told) != 1 || told[0].CreatedBy != moves.SystemActor {
		t.Fatalf("notify-supplier events: %+v", told)
	}
	// That system event is not itself notified; the update comes next
	// (its lease, taken above, has run out).
	next, err := ob.Claim(ctx, notify.ClaimRequest{Now: f.now.Add(5 * time.Minute), LeaseUntil: f.now.Add(6 * time.Minute), Channels: req.Channels, Limit: 8})
	if err != nil || len(next) != 1 || next[0].Notification.EventType != "update_move" {
		t.Fatalf("next: %+v %v", next, err)
	}
	if err := ob.Record(ctx, notify.Results{Attempts: []notify.Attempt{{NotificationID: next[0].Notification.ID, Number: 1, At: f.now,
		Outcome: notify.Retry, NextAttemptAt: f.now.Add(time.Hour), Status: 500, Error: "500 Internal Server Error"}}}); err != nil {
		t.Fatal(err)
	}
	log, err := f.st.SubscriptionLog(ctx, sub.ID, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("log %+v %v", log, err)
	}
	if log[0].State() != "pending" || log[0].Attempts != 1 || log[0].LastStatus != 500 || !log[0].NextAttemptAt.Equal(f.now.Add(time.Hour)) {
		t.Fatalf("retried entry %+v", log[0])
	}
	if log[1].State() != "delivered" {
		t.Fatalf("delivered entry %+v", log[1])
	}
	if n, _, _ := ob.Undelivered(); n != 1 {
		t.Fatalf("undelivered %d, want 1", n)
	}
	// Resend starts it again now; a test notification joins the queue.
	if err := f.st.ResendNotification(ctx, sub.ID, log[1].ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SendTestNotification(ctx, sub.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := ob.Undelivered(); n != 3 {
		t.Fatalf("undelivered after resend and test: %d, want 3", n)
	}
	// A 410 recorded disables the subscription in the same unit.
	if err := ob.Record(ctx, notify.Results{Attempts: []notify.Attempt{{NotificationID: log[1].ID, SubscriptionID: sub.ID, Number: 2,
		At: f.now, Outcome: notify.Disabled, Status: 410, Error: "receiver answered 410"}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.Subscription(ctx, sub.ID); got.Enabled {
		t.Fatal("a 410 left the subscription enabled")
	}
	if ds, _ := ob.Claim(ctx, notify.ClaimRequest{Now: f.now.Add(24 * time.Hour), LeaseUntil: f.now.Add(25 * time.Hour), Channels: req.Channels, Limit: 8}); len(ds) != 0 {
		t.Fatalf("claimed for a disabled subscription: %+v", ds)
	}
	// Its notifications wait for it to be enabled again: they are not
	// counted as the outbox's, nor age it.
	if n, oldest, _ := ob.Undelivered(); n != 0 || !oldest.IsZero() {
		t.Fatalf("undelivered of a disabled subscription: %d, oldest %v", n, oldest)
	}
	if err := f.st.SetSubscriptionEnabled(ctx, sub.ID, true, "admin"); err != nil {
		t.Fatal(err)
	}
	// (The one answered 410 was given up.)
	if n, _, _ := ob.Undelivered(); n != 2 {
		t.Fatalf("undelivered once enabled again: %d, want 2", n)
	}
}

// A server without SMTP writes no e-mail notifications, and does not count
// those written before as waiting; the webhook is told as ever.
func TestOutboxWithoutEmail(t *testing.T) { storetest.ForEachEngine(t, testOutboxWithoutEmail) }

func testOutboxWithoutEmail(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, _, err := f.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: "serco", CallbackURL: "https://serco.example/hooks",
		Email: "moves@serco.example"}, testSealer(t), "admin"); err != nil {
		t.Fatal(err)
	}
	channels := func() map[string]int {
		t.Helper()
		rows, err := f.st.DB().Query("SELECT channel, COUNT(*) FROM notifications GROUP BY channel")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var ch string
			var n int
			if err := rows.Scan(&ch, &n); err != nil {
				t.Fatal(err)
			}
			out[ch] = n
		}
		return out
	}
	m := f.courtMove(t, f.person, "2026-11-24")
	ob := f.st.Outbox()
	if got := channels(); got["webhook"] != 1 || got["email"] != 1 {
		t.Fatalf("with e-mail: %v", got)
	}
	if n, _, _ := ob.Undelivered(); n != 2 {
		t.Fatalf("undelivered with e-mail: %d, want 2", n)
	}
	f.st.SendsEmail(false)
	if n, _, _ := ob.Undelivered(); n != 1 {
		t.Fatalf("undelivered without e-mail: %d, want the webhook's 1", n)
	}
	notes := "x"
	if _, err := f.st.UpdateMoveDetails(ctx, m.ID, &notes, nil, false, "officer"); err != nil {
		t.Fatal(err)
	}
	if got := channels(); got["webhook"] != 2 || got["email"] != 1 {
		t.Fatalf("without e-mail, a change wrote %v", got)
	}
	f.st.SendsEmail(true)
	if n, _, _ := ob.Undelivered(); n != 3 {
		t.Fatalf("undelivered with e-mail again: %d, want 3", n)
	}
}

// A test notification to a subscription with only an e-mail address, on a
// server without SMTP, has nowhere to go: it is refused (Conflict, which
// the pages and the command say), and neither a notification nor a log
// entry saying it was sent is written.
func TestTestNotificationWithNothingToSend(t *testing.T) {
	storetest.ForEachEngine(t, testTestNotificationWithNothingToSend)
}

func testTestNotificationWithNothingToSend(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	si, _, err := f.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: "serco", Email: "moves@serco.example"}, testSealer(t), "admin")
	if err != nil {
		t.Fatal(err)
	}
	count := func(table string) int {
		t.Helper()
		var n int
		if err := f.st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	notes, logged := count("notifications"), count("admin_changes")
	f.st.SendsEmail(false)
	err = f.st.SendTestNotification(ctx, si.ID, "admin")
	if moves.ErrorCode(err) != moves.Conflict || !strings.Contains(err.Error(), store.NothingToSend) {
		t.Fatalf("e-mail only, no e-mail sent: %v", err)
	}
	if count("notifications") != notes || count("admin_changes") != logged {
		t.Fatal("a test with nothing to send wrote something")
	}
	f.st.SendsEmail(true)
	if err := f.st.SendTestNotification(ctx, si.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if count("notifications") != notes+1 || count("admin_changes") != logged+1 {
		t.Fatal("a test with e-mail on wrote no notification and log entry")
	}
}

func TestSubscriptionsAreCheckedSealedAndRotated(t *testing.T) {
	storetest.ForEachEngine(t, testSubscriptionsAreCheckedSealedAndRotated)
}

func testSubscriptionsAreCheckedSealedAndRotated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sealer := testSealer(t)
	private := func(context.Context, string) error { return errors.New("private") }
	bad := []struct {
		in    store.SubscriptionInput
		field string
	}{
		{store.SubscriptionInput{Supplier: "nobody", CallbackURL: "https://x.example/"}, "supplier"},
		{store.SubscriptionInput{Supplier: "serco"}, "callback_url"},
		{store.SubscriptionInput{Supplier: "serco", CallbackURL: "ftp://x.example/"}, "callback_url"},
		{store.SubscriptionInput{Supplier: "serco", CallbackURL: "https://u:p@x.example/"}, "callback_url"},
		{store.SubscriptionInput{Supplier: "serco", CallbackURL: "http://127.0.0.1/", CheckURL: private}, "callback_url"},
		{store.SubscriptionInput{Supplier: "serco", Email: "not an address"}, "email"},
		{store.SubscriptionInput{Supplier: "serco", Email: "ops@serco.example", BasicPassword: "pw"}, "basic_user"},
	}
	for _, b := range bad {
		_, _, err := f.st.CreateSubscription(ctx, b.in, sealer, "admin")
		e, ok := moves.AsError(err)
		if !ok || e.Code != moves.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != b.field {
			t.Errorf("%+v: got %v, want an error on %s", b.in, err, b.field)
		}
	}
	if n := countRows(t, f.st, "subscriptions"); n != 0 {
		t.Fatalf("%d subscriptions after refusals", n)
	}
	si, secret, err := f.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: f.supplier.ID, CallbackURL: "https://serco.example/hooks",
		Email: "ops@serco.example", BasicUser: "serco", BasicPassword: "hunter2hunter2"}, sealer, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if si.SupplierKey != "serco" || !si.Enabled || !si.HasPassword || si.LiveSecrets != 1 {
		t.Fatalf("created %+v", si)
	}
	var raw string
	if err := f.st.DB().QueryRow("SELECT sealed_secret || sealed_basic_password FROM subscriptions").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(raw, secret) || strings.Contains(raw, "hunter2") {
		t.Fatal("secret or password stored in the clear")
	}
	next, err := f.st.RotateSubscriptionSecret(ctx, si.ID, sealer, "admin")
	if err != nil || next == secret {
		t.Fatalf("rotate: %v", err)
	}
	if _, err := f.st.RotateSubscriptionSecret(ctx, si.ID, sealer, "admin"); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("third secret: %v", err)
	}
	got, _ := f.st.Subscription(ctx, si.ID)
	if !got.Rotating() {
		t.Fatalf("not rotating: %+v", got)
	}
	// Deliveries carry both, oldest first.
	if err := f.st.SendTestNotification(ctx, si.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	ds := claimAll(t, f.st, si.ID)
	if len(ds) != 1 || len(ds[0].Subscription.SealedSecrets) != 2 {
		t.Fatalf("while rotating: %+v", ds)
	}
	if creds, err := sealer.OpenCredentials(ds[0].Subscription); err != nil || creds.Secrets[0] != secret || creds.Secrets[1] != next {
		t.Fatalf("credentials while rotating: %v", err)
	}
	if err := f.st.RetireSubscriptionSecret(ctx, si.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RetireSubscriptionSecret(ctx, si.ID, "admin"); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("retiring the last secret: %v", err)
	}
	if err := f.st.SendTestNotification(ctx, si.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	ds = claimAll(t, f.st, si.ID)
	if len(ds) != 1 || len(ds[0].Subscription.SealedSecrets) != 1 {
		t.Fatalf("after retiring: %+v", ds)
	}
	creds, err := sealer.OpenCredentials(ds[0].Subscription)
	if err != nil || creds.Secrets[0] != next || creds.BasicPassword != "hunter2hunter2" {
		t.Fatalf("credentials after retiring: %+v %v", creds, err)
	}
	changes, err := f.st.AdminChanges(ctx, store.AuditSupplier, f.supplier.ID, 10)
	if err != nil || len(changes) != 5 {
		t.Fatalf("admin log: %+v %v", changes, err)
	}
}

// claimAll claims what is due for a subscription, on every channel.
func claimAll(t testing.TB, st *store.Store, subID string) []notify.Delivery {
	t.Helper()
	now := st.Now().Add(time.Hour)
	ds, err := st.Outbox().Claim(context.Background(), notify.ClaimRequest{Now: now, LeaseUntil: now.Add(time.Minute),
		Channels: []notify.Channel{notify.ChannelWebhook, notify.ChannelEmail}, Limit: 8})
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Delivery
	for _, d := range ds {
		if d.Subscription.ID == subID {
			out = append(out, d)
		}
	}
	return out
}

func TestClaimAndRecordABatch(t *testing.T) { storetest.ForEachEngine(t, testClaimAndRecordABatch) }

// The worker's two transactions per batch: Claim leases up to
// PerSubscription of each subscription's earliest due at once, in due
// order; Record stores every outcome and hands back the unattempted.
func testClaimAndRecordABatch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, court := f.crossing(t)
	sub := subscribe(t, f.st, "serco", "https://serco.example/hooks")
	other := subscribe(t, f.st, "geoamey", "https://geoamey.example/hooks")
	m := f.courtMove(t, f.person, "2026-11-24")
	for i := range 4 {
		f.now = f.now.Add(time.Second)
		notes := fmt.Sprint("note ", i)
		if _, err := f.st.UpdateMoveDetails(ctx, m.ID, &notes, nil, false, "officer"); err != nil {
			t.Fatal(err)
		}
	}
	// GEOAmey hears of a move crossing to its court (cross_supplier_move_add).
	if _, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: court.ID,
		Date: "2026-11-25", PersonID: f.person.ID, CreatedBy: "officer"}); err != nil {
		t.Fatal(err)
	}
	ob := f.st.Outbox()
	t0 := f.now
	lease1 := t0.Add(time.Minute)
	req := notify.ClaimRequest{Now: t0, LeaseUntil: lease1, Channels: []notify.Channel{notify.ChannelWebhook}, Limit: 8, PerSubscription: 3}
	first, err := ob.Claim(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var mine []notify.Delivery
	var types []string
	for _, d := range first {
		if d.Subscription.ID == sub.ID {
			mine = append(mine, d)
			types = append(types, d.Notification.EventType)
		}
	}
	if len(first) != 4 {
		t.Fatalf("claimed %d, want 3 of Serco's and 1 of GEOAmey's", len(first))
	}
	if want := []string{"create_move", "update_move", "update_move"}; !slices.Equal(types, want) {
		t.Fatalf("Serco's batch %v, want %v (due order)", types, want)
	}
	if !mine[0].Due.Equal(f.now.Add(-4*time.Second)) || !mine[1].Due.Before(mine[2].Due) {
		t.Errorf("due times %v %v %v", mine[0].Due, mine[1].Due, mine[2].Due)
	}
	lease2 := t0.Add(2 * time.Minute)
	second, err := ob.Claim(ctx, notify.ClaimRequest{Now: t0, LeaseUntil: lease2, Channels: req.Channels, Limit: 8, PerSubscription: 10})
	// Serco's other three: two updates and the create_move of the
	// crossing move.
	if err != nil || len(second) != 3 || second[0].Subscription.ID != sub.ID {
		t.Fatalf("second claim: %d %v, want Serco's other 3", len(second), err)
	}
	for _, d := range second {
		for _, e := range first {
			if d.Notification.ID == e.Notification.ID {
				t.Fatalf("%s claimed twice", d.Notification.ID)
			}
		}
	}
	if again, _ := ob.Claim(ctx, req); len(again) != 0 {
		t.Fatalf("claimed while leased: %d", len(again))
	}
	// One batch's outcomes: delivered, retry, failed; the second claim's
	// two handed back; and a stale release (another lease) ignored.
	at := t0.Add(time.Second)
	res := notify.Results{
		Attempts: []notify.Attempt{
			{NotificationID: mine[0].Notification.ID, SubscriptionID: sub.ID, Number: 1, At: at, Outcome: notify.Delivered, Status: 200},
			{NotificationID: mine[1].Notification.ID, SubscriptionID: sub.ID, Number: 1, At: at, Outcome: notify.Retry, Status: 503,
				Error: "receiver answered 503", NextAttemptAt: t0.Add(time.Hour)},
			{NotificationID: mine[2].Notification.ID, SubscriptionID: sub.ID, Number: 10, At: at, Outcome: notify.Failed, Status: 500},
		},
		Released: []notify.Release{
			{NotificationID: second[0].Notification.ID, Due: second[0].Due, LeaseUntil: lease2},
			{NotificationID: second[1].Notification.ID, Due: second[1].Due, LeaseUntil: lease1},
		},
	}
	if err := ob.Record(ctx, res); err != nil {
		t.Fatal(err)
	}
	log, err := f.st.SubscriptionLog(ctx, sub.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.NotificationEntry{}
	for _, e := range log {
		byID[e.ID] = e
	}
	check := func(id, state string, attempts, status int, next time.Time) {
		t.Helper()
		e := byID[id]
		if e.State() != state || e.Attempts != attempts || e.LastStatus != status || (!next.IsZero() && !e.NextAttemptAt.Equal(next)) {
			t.Errorf("%s: %s, %d attempts, status %d, next %v; want %s, %d, %d, %v", id, e.State(), e.Attempts, e.LastStatus,
				e.NextAttemptAt, state, attempts, status, next)
		}
	}
	check(mine[0].Notification.ID, "delivered", 1, 200, time.Time{})
	check(mine[1].Notification.ID, "pending", 1, 503, t0.Add(time.Hour))
	check(mine[2].Notification.ID, "failed", 10, 500, time.Time{})
	check(second[0].Notification.ID, "pending", 0, 0, second[0].Due)
	check(second[1].Notification.ID, "pending", 0, 0, lease2)
	if byID[mine[1].Notification.ID].LastError != "receiver answered 503" {
		t.Errorf("last error %q", byID[mine[1].Notification.ID].LastError)
	}
	// The delivered create_move told Serco of its request: logged once,
	// even when recorded again by a second worker.
	if err := ob.Record(ctx, notify.Results{Attempts: res.Attempts[:1]}); err != nil {
		t.Fatal(err)
	}
	evs, err := f.st.Events(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, e := range evs {
		if e.Type == moves.EventMoveNotifySupplierOfMoveRequest {
			told++
		}
	}
	if told != 1 {
		t.Errorf("%d MoveNotifySupplierOfMoveRequest events, want 1", told)
	}
	// The handed back one is due at once; the one with the stale release
	// waits for its lease.
	next, err := ob.Claim(ctx, notify.ClaimRequest{Now: t0, LeaseUntil: lease1, Channels: req.Channels, Limit: 8, PerSubscription: 10})
	if err != nil || len(next) != 1 || next[0].Notification.ID != second[0].Notification.ID || next[0].Notification.Attempts != 0 {
		t.Fatalf("after the release: %+v %v", next, err)
	}
	// A 410 in a batch turns the subscription off in the same unit.
	if err := ob.Record(ctx, notify.Results{Attempts: []notify.Attempt{{NotificationID: next[0].Notification.ID, SubscriptionID: sub.ID,
		Number: 1, At: at, Outcome: notify.Disabled, Status: 410}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.Subscription(ctx, sub.ID); got.Enabled || got.DisabledReason != "receiver answered 410 Gone" {
		t.Errorf("after a 410: %+v", got)
	}
	if got, _ := f.st.Subscription(ctx, other.ID); !got.Enabled {
		t.Error("a 410 for Serco disabled GEOAmey's subscription")
	}
	// An empty batch is allowed and changes nothing.
	if err := ob.Record(ctx, notify.Results{}); err != nil {
		t.Fatal(err)
	}
}

// A move crossing between suppliers when only one of them subscribes:
// the destination's supplier alone is told that the move crosses to it,
// the move's own alone of the move (the destination's supplier is looked
// up only when someone else subscribes).
func TestCrossingWithOneSubscriber(t *testing.T) {
	storetest.ForEachEngine(t, testCrossingWithOneSubscriber)
}

func testCrossingWithOneSubscriber(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		subscriber, want string
	}{
		{"geoamey", "cross_supplier_move_add"},
		{"serco", "create_move"},
	} {
		t.Run(tc.subscriber, func(t *testing.T) {
			f := newFixture(t)
			_, court := f.crossing(t)
			sub := subscribe(t, f.st, tc.subscriber, "https://"+tc.subscriber+".example/hooks")
			m, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: court.ID,
				Date: "2026-11-24", PersonID: f.person.ID, CreatedBy: "officer"})
			if err != nil {
				t.Fatal(err)
			}
			want := []outboxRow{{sub.ID, tc.want, m.ID, ""}}
			if got := outbox(t, f.st); !slices.Equal(got, want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

// A demo reset deletes every notification. In the batch it shares with an
// event, the event's notification goes with the rest, as it did when each
// was inserted with its change: nothing is told of an event that the reset
// removed.
func TestResetInTheBatchOfAnEvent(t *testing.T) {
	storetest.ForEachEngine(t, testResetInTheBatchOfAnEvent)
}

func testResetInTheBatchOfAnEvent(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	st, _, m := seededDemo(t, now)
	subscribe(t, st, "serco", "https://serco.example/hooks")
	queued, release := st.HoldWriter()
	errs := make(chan error, 2)
	wait := func(n int) {
		deadline := time.Now().Add(10 * time.Second)
		for queued() < n {
			if time.Now().After(deadline) {
				release()
				t.Fatalf("%d writes queued, want %d", queued(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	go func() {
		_, _, err := st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins,
			CreatedBy: "pmu.user", OccurredAt: now, RecordedAt: now}, store.AppendOptions{By: "pmu.user"})
		errs <- err
	}()
	wait(1)
	go func() {
		_, err := st.ResetDemo(ctx, now)
		errs <- err
	}()
	wait(2)
	release()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var stray int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM notifications n WHERE n.event_id <> ''
		AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = n.event_id)`).Scan(&stray); err != nil {
		t.Fatal(err)
	}
	if stray != 0 {
		t.Errorf("%d notifications of events the reset removed", stray)
	}
}

// TestApprovedMoveIsTheSupplierOfItsDate: a proposal whose window spans a
// change of contract is carried out, and told, by the supplier serving
// its from-location on the date PMU approves, not the one of its
// window's first day.
func TestApprovedMoveIsTheSupplierOfItsDate(t *testing.T) {
	storetest.ForEachEngine(t, testApprovedMoveIsTheSupplierOfItsDate)
}

func testApprovedMoveIsTheSupplierOfItsDate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	geo, serco, geoSub := f.prisonsChangeHands(t)
	m := f.transfer(t, f.person) // window 25 November to 2 December
	if m.SupplierID != f.supplier.ID {
		t.Fatalf("proposed with supplier %s, want Serco's %s (its window's first day)", m.SupplierID, f.supplier.ID)
	}
	e := moves.Event{MoveID: m.ID, Type: moves.EventMoveApprove, OccurredAt: f.now, RecordedAt: f.now, CreatedBy: "pmu.user",
		Details: map[string]any{"date": "2026-12-01"}}
	_, after, err := f.st.AppendEvent(ctx, e, store.AppendOptions{By: "pmu.user"})
	if err != nil {
		t.Fatal(err)
	}
	if after.SupplierID != geo.ID {
		t.Errorf("approved for %s, the move's supplier is %s, want GEOAmey %s", after.Date, after.SupplierID, geo.ID)
	}
	if stored, err := f.st.Move(ctx, m.ID); err != nil || stored.SupplierID != geo.ID {
		t.Errorf("stored supplier %s (%v), want GEOAmey", stored.SupplierID, err)
	}
	var toGeo []string
	for _, r := range outbox(t, f.st) {
		if r.Sub == serco.ID {
			t.Errorf("Serco, which does not serve the prison on %s, was told %s", after.Date, r.Type)
		}
		if r.Sub == geoSub.ID {
			toGeo = append(toGeo, r.Type)
		}
	}
	slices.Sort(toGeo)
	if !slices.Equal(toGeo, []string{"create_event", "create_move"}) {
		t.Errorf("GEOAmey was told %v, want create_move and create_event", toGeo)
	}
}

// TestNewDateNewSupplier: an allocation moved to a day on which another
// supplier serves its prisons goes to that supplier, which is told of
// each place as created; the old supplier, told of them before, is told
// they are no longer its.
func TestNewDateNewSupplier(t *testing.T) { storetest.ForEachEngine(t, testNewDateNewSupplier) }

func testNewDateNewSupplier(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	geo, serco, geoSub := f.prisonsChangeHands(t)
	a := f.allocation(t, 2) // 30 November: Serco's
	for _, p := range f.places(t, a.ID) {
		if p.SupplierID != f.supplier.ID {
			t.Fatalf("place %s on %s is not Serco's", p.Reference, p.Date)
		}
	}
	clear(t, f.st)
	if err := f.st.ChangeAllocationDate(ctx, a.ID, "2026-12-02", "other", f.today, pmuBy); err != nil {
		t.Fatal(err)
	}
	told := map[string][]string{}
	for _, r := range outbox(t, f.st) {
		told[r.Sub+" "+r.Move] = append(told[r.Sub+" "+r.Move], r.Type)
	}
	for _, p := range f.places(t, a.ID) {
		if p.SupplierID != geo.ID {
			t.Errorf("place %s now on %s is still Serco's, want GEOAmey's", p.Reference, p.Date)
		}
		if got := told[serco.ID+" "+p.ID]; !slices.Equal(got, []string{"cross_supplier_move_remove"}) {
			t.Errorf("Serco told %v of place %s, want cross_supplier_move_remove", got, p.Reference)
		}
		got := told[geoSub.ID+" "+p.ID]
		slices.Sort(got)
		if !slices.Equal(got, []string{"create_event", "create_move"}) {
			t.Errorf("GEOAmey told %v of place %s, want create_move and create_event", got, p.Reference)
		}
	}
}

// prisonsChangeHands makes the fixture's two prisons Serco's until 30
// November and GEOAmey's from 1 December, and subscribes both suppliers.
func (f *fixture) prisonsChangeHands(t *testing.T) (geo moves.Supplier, serco, geoSub store.SubscriptionInfo) {
	t.Helper()
	geo, _ = f.crossing(t)
	f.exec(t, "UPDATE supplier_locations SET effective_to = '2026-11-30' WHERE location_id IN (?, ?)", f.prison.ID, f.prison2.ID)
	for _, l := range []moves.Location{f.prison, f.prison2} {
		if err := f.st.AddSupplierLocation(context.Background(), moves.SupplierLocation{SupplierID: geo.ID, LocationID: l.ID, EffectiveFrom: "2026-12-01"}); err != nil {
			t.Fatal(err)
		}
	}
	return geo, subscribe(t, f.st, "serco", "https://serco.example/hooks"), subscribe(t, f.st, "geoamey", "https://geoamey.example/hooks")
}
