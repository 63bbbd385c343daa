package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// The writer keeps who can be told (the enabled subscriptions, the
// suppliers' areas) in memory. Whoever changes them, and however, the next
// change of a move must be told to exactly whom the tables say.
func TestRecipientsFollowEveryChange(t *testing.T) {
	storetest.ForEachEngine(t, testRecipientsFollowEveryChange)
}

func testRecipientsFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	geo, court := f.crossing(t)
	serco := subscribe(t, f.st, "serco", "https://serco.example/hooks")
	geoSub := subscribe(t, f.st, "geoamey", "https://geoamey.example/hooks")
	m, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: court.ID,
		Date: "2026-11-24", PersonID: f.person.ID, CreatedBy: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	pmuEvent := func(ctx context.Context) (moves.Event, error) {
		ev, _, err := f.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins,
			CreatedBy: "pmu.user", OccurredAt: f.now, RecordedAt: f.now}, store.AppendOptions{By: "pmu.user"})
		return ev, err
	}
	// told records a PMU event on the move and returns who was told of it.
	told := func(t *testing.T) []string {
		t.Helper()
		clear(t, f.st)
		ev, err := pmuEvent(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var subs []string
		for _, r := range outbox(t, f.st) {
			if r.Event == ev.ID {
				subs = append(subs, r.Sub)
			}
		}
		slices.Sort(subs)
		return subs
	}
	// outside changes the tables past the store, as another process or
	// instance would: nothing in this one hears of it.
	outside := func(t *testing.T, q string, args ...any) {
		t.Helper()
		if _, err := f.st.DB().Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	var added store.SubscriptionInfo
	steps := []struct {
		name   string
		change func(t *testing.T)
		want   func() []string
	}{
		{"both subscribed, the court GEOAmey's", func(*testing.T) {}, func() []string { return sorted(serco.ID, geoSub.ID) }},
		{"GEOAmey's subscription disabled from outside", func(t *testing.T) {
			outside(t, "UPDATE subscriptions SET enabled = 0 WHERE id = ?", geoSub.ID)
		}, func() []string { return sorted(serco.ID) }},
		{"and enabled again from outside", func(t *testing.T) {
			outside(t, "UPDATE subscriptions SET enabled = 1 WHERE id = ?", geoSub.ID)
		}, func() []string { return sorted(serco.ID, geoSub.ID) }},
		{"the court handed to Serco from outside", func(t *testing.T) {
			outside(t, "UPDATE supplier_locations SET supplier_id = ? WHERE location_id = ?", f.supplier.ID, court.ID)
		}, func() []string { return sorted(serco.ID) }},
		{"a unit that hands it back, records an event and fails; then another change", func(t *testing.T) {
			boom := errors.New("boom")
			_, err := f.st.Write(ctx, store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
				if _, err := u.ExecContext(u.Context(), "UPDATE supplier_locations SET supplier_id = ? WHERE location_id = ?", geo.ID, court.ID); err != nil {
					return store.Answer{}, err
				}
				// The writer reads who is told with GEOAmey serving the court.
				if _, err := pmuEvent(u.Context()); err != nil {
					return store.Answer{}, err
				}
				return store.Answer{}, boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("write: %v", err)
			}
			// The version moves on again: it must not come back to the
			// one read inside the unit that failed.
			outside(t, "UPDATE subscriptions SET callback_url = ? WHERE id = ?", "https://serco.example/hooks/v2", serco.ID)
		}, func() []string { return sorted(serco.ID) }},
		{"the court GEOAmey's again, its first subscription disabled and another added through the store", func(t *testing.T) {
			outside(t, "UPDATE supplier_locations SET supplier_id = ? WHERE location_id = ?", geo.ID, court.ID)
			if err := f.st.SetSubscriptionEnabled(ctx, geoSub.ID, false, "admin"); err != nil {
				t.Fatal(err)
			}
			added = subscribe(t, f.st, "geoamey", "https://geoamey.example/other")
		}, func() []string { return sorted(serco.ID, added.ID) }},
		{"Serco's removed from outside", func(t *testing.T) {
			outside(t, "DELETE FROM notifications WHERE subscription_id = ?", serco.ID)
			outside(t, "DELETE FROM subscriptions WHERE id = ?", serco.ID)
		}, func() []string { return sorted(added.ID) }},
	}
	for _, s := range steps {
		s.change(t)
		if got, want := told(t), s.want(); !slices.Equal(got, want) {
			t.Fatalf("%s: told %v, want %v", s.name, got, want)
		}
	}
}
