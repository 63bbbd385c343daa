package store_test

import (
	"context"
	"github.com/securemove/securemove/store/storetest"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// Every kind of write moves on the versions of what it touched, and only
// those, before the writer hears back: what was built before the write
// from what it touched is stale by the time anyone can ask again, and
// everything else stays kept. Key bookkeeping touches nothing.
func TestEveryWriteMovesOnWhatItTouched(t *testing.T) {
	storetest.ForEachEngine(t, testEveryWriteMovesOnWhatItTouched)
}

func testEveryWriteMovesOnWhatItTouched(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mA := f.courtMove(t, f.person, "2026-11-23") // police to court
	mB := f.transfer(t, f.newPerson(t, "Other")) // prison to prison
	u := store.User{Username: "version.test", FullName: "Version Test", Role: "court", LocationIDs: []string{f.court.ID}}
	if err := f.st.CreateUser(ctx, &u, "version-test-password"); err != nil {
		t.Fatal(err)
	}
	cl, secret, err := f.st.CreateClient(ctx, store.NewClient{Name: "Serco test", Supplier: "serco", CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := f.st.CreateClient(ctx, store.NewClient{Name: "Serco other", Supplier: "serco", CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	_ = secret
	token, _, err := f.st.IssueToken(ctx, cl.ID, cl.Secrets[0].ID, f.now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	keyed := func(m moves.Move, key string) func() error {
		return func() error {
			_, err := f.st.Write(ctx, store.WriteOptions{Idempotency: &store.Key{Client: cl.ID, Key: key, Fingerprint: "fp-" + m.ID}},
				func(un *store.Unit) (store.Answer, error) {
					_, _, err := f.st.AppendEvent(un.Context(), f.event(m.ID, moves.EventMoveAccept, f.now, nil), store.AppendOptions{By: "test"})
					return store.Answer{Status: 201, Body: []byte("ok")}, err
				})
			return err
		}
	}
	// The versions looked at, by name.
	type vs map[string]uint64
	snap := func() vs {
		return vs{
			"data": f.st.Version(), "events": f.st.EventsVersion(), "auth": f.st.AuthVersion(), "users": f.st.UsersVersion(),
			"locations": f.st.LocationsVersion(),
			"moveA":     f.st.MoveVersion(mA.ID), "moveB": f.st.MoveVersion(mB.ID),
			"police": f.st.LocationVersion(f.police.ID), "court": f.st.LocationVersion(f.court.ID),
			"prison": f.st.LocationVersion(f.prison.ID), "prison2": f.st.LocationVersion(f.prison2.ID),
		}
	}
	// Fine versions share slots by hash: two ids in one slot move together.
	ids := map[string]string{"moveA": mA.ID, "moveB": mB.ID, "police": f.police.ID, "court": f.court.ID, "prison": f.prison.ID, "prison2": f.prison2.ID}
	for _, w := range []struct {
		name  string
		write func() error
		moves []string // the versions that must move on; all others stay
	}{
		{"an event on a move", func() error {
			_, _, err := f.st.AppendEvent(ctx, f.event(mA.ID, moves.EventMoveAccept, f.now, nil), store.AppendOptions{By: "test"})
			return err
		}, []string{"events", "moveA", "police", "court"}},
		{"a move created", func() error {
			m, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: f.prison.ID, ToID: f.prison2.ID,
				DateFrom: "2026-12-25", DateTo: "2026-12-30", PersonID: f.person.ID, CreatedBy: "officer"})
			ids["created"] = m.ID // its own version may share a slot with another's
			return err
		}, []string{"events", "prison", "prison2", "created"}},
		{"a move's details", func() error {
			notes := "bring the paperwork"
			_, err := f.st.UpdateMoveDetails(ctx, mB.ID, &notes, nil, false, "officer")
			return err
		}, []string{"events", "moveB", "prison", "prison2"}},
		{"a person created", func() error { f.newPerson(t, "Brown"); return nil }, nil},
		{"a user's sessions ended", func() error { return f.st.EndSessions(ctx, u.ID) }, []string{"data", "users"}},
		{"a client disabled", func() error { return f.st.DisableClient(ctx, other.ID) }, []string{"auth"}},
		{"a token revoked", func() error { return f.st.RevokeToken(ctx, cl.ID, token) }, []string{"auth"}},
		{"a location disabled", func() error { return f.st.SetLocationDisabled(ctx, f.hospital.ID, true) }, []string{"data", "locations"}},
		{"a supplier added", func() error {
			return f.st.CreateSupplier(ctx, &moves.Supplier{Key: "geoamey", Name: "GEOAmey"})
		}, []string{"data"}},
		{"a keyed event", keyed(mB, "k1"), []string{"events", "moveB", "prison", "prison2"}},
		{"a keyed event replayed", keyed(mB, "k1"), nil},
	} {
		before := snap()
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		after := snap()
		for name, b := range before {
			must := slices.Contains(w.moves, name)
			switch {
			case must && after[name] <= b:
				t.Errorf("%s: the %s version stayed at %d", w.name, name, b)
			case !must && after[name] != b:
				shares := false
				for _, touched := range w.moves {
					shares = shares || (ids[name] != "" && ids[touched] != "" && store.SharesSlot(ids[name], ids[touched]))
				}
				if !shares {
					t.Errorf("%s: the %s version moved on (%d to %d), though it was not touched", w.name, name, b, after[name])
				}
			}
		}
	}

	// Reads leave every version alone.
	before := snap()
	if _, err := f.st.Move(ctx, mA.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.User(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ActiveLocations(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(before, snap()) {
		t.Errorf("a read moved a version on")
	}
}

// The locations are kept only when no change to them landed while they
// were read (memo.go): a change that commits between the read and the
// keeping is seen by the next reader.
func TestLocationsCacheKeepsNothingStale(t *testing.T) {
	storetest.ForEachEngine(t, testLocationsCacheKeepsNothingStale)
}

func testLocationsCacheKeepsNothingStale(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	raced := false
	store.SetAfterLocationsRead(func() {
		if raced {
			return
		}
		raced = true
		// Lands after the reader read, before it keeps what it read.
		if err := f.st.SetLocationDisabled(ctx, f.hospital.ID, true); err != nil {
			t.Error(err)
		}
	})
	t.Cleanup(func() { store.SetAfterLocationsRead(nil) })
	// The first reader sees the hospital enabled (it read before the change).
	if _, err := f.st.ActiveLocations(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if !raced {
		t.Fatal("the locations were not read from the database")
	}
	active, err := f.st.ActiveLocations(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range active {
		if l.ID == f.hospital.ID {
			t.Fatal("the disabled hospital is still among the active locations: a read that raced the change was kept")
		}
	}
}

// Users are kept for one users version: a change to a user is seen at once.
func TestUserCacheSeesChanges(t *testing.T) { storetest.ForEachEngine(t, testUserCacheSeesChanges) }

func testUserCacheSeesChanges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u := store.User{Username: "cache.test", FullName: "Cache Test", Role: "court", LocationIDs: []string{f.court.ID}}
	if err := f.st.CreateUser(ctx, &u, "cache-test-password"); err != nil {
		t.Fatal(err)
	}
	first, err := f.st.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The caller's copy is its own.
	first.LocationIDs[0] = "changed by the caller"
	again, _ := f.st.User(ctx, u.ID)
	if again.LocationIDs[0] != f.court.ID {
		t.Fatalf("a caller's change reached the kept user: %v", again.LocationIDs)
	}
	if err := f.st.EndSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	after, _ := f.st.User(ctx, u.ID)
	if after.SessionGeneration != again.SessionGeneration+1 {
		t.Errorf("session generation %d after ending sessions, was %d", after.SessionGeneration, again.SessionGeneration)
	}
}
