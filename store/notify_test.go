package store_test

import (
	"context"
	"errors"
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
		var n int
		if err := u.QueryRowContext(u.Context(), "SELECT COUNT(*) FROM notifications").Scan(&n); err != nil || n != 3 {
			t.Errorf("inside the unit: %d notifications (%v), want 3", n, err)
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
		if err := ob.Record(ctx, notify.Attempt{NotificationID: d.Notification.ID, SubscriptionID: sub.ID, Channel: notify.ChannelWebhook,
			Number: 1, At: f.now, Outcome: notify.Delivered, Status: 204}); err != nil {
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
	if err := ob.Record(ctx, notify.Attempt{NotificationID: next[0].Notification.ID, Number: 1, At: f.now, Outcome: notify.Retry,
		NextAttemptAt: f.now.Add(time.Hour), Status: 500, Error: "500 Internal Server Error"}); err != nil {
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
	if err := ob.DisableSubscription(ctx, sub.ID, f.now, "receiver answered 410 Gone"); err != nil {
		t.Fatal(err)
	}
	if ds, _ := ob.Claim(ctx, notify.ClaimRequest{Now: f.now.Add(24 * time.Hour), LeaseUntil: f.now.Add(25 * time.Hour), Channels: req.Channels, Limit: 8}); len(ds) != 0 {
		t.Fatalf("claimed for a disabled subscription: %+v", ds)
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
