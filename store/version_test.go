package store_test

import (
	"context"
	"github.com/securemove/securemove/store/storetest"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// Every way the store writes moves the data version on, and does so
// before the writer hears back, so whatever was built from the database
// before the write is stale by the time anyone can ask for it again.
func TestVersionMovesOnWithEveryWrite(t *testing.T) {
	storetest.ForEachEngine(t, testVersionMovesOnWithEveryWrite)
}

func testVersionMovesOnWithEveryWrite(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	u := store.User{Username: "version.test", FullName: "Version Test", Role: "court", LocationIDs: []string{f.court.ID}}
	if err := f.st.CreateUser(ctx, &u, "version-test-password"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		name  string
		write func() error
	}{
		{"a person (one statement)", func() error { f.newPerson(t, "Brown"); return nil }},
		{"a location disabled (one statement)", func() error { return f.st.SetLocationDisabled(ctx, f.hospital.ID, true) }},
		{"a move (a transaction)", func() error { f.courtMove(t, f.person, "2026-11-24"); return nil }},
		{"sessions ended (a transaction)", func() error { return f.st.EndSessions(ctx, u.ID) }},
	} {
		before := f.st.Version()
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if after := f.st.Version(); after <= before {
			t.Errorf("%s: version %d, then %d", w.name, before, after)
		}
	}
	// An event moves on the versions of its move, its places and all
	// events, and leaves the data version (and other places) alone.
	other := f.transfer(t, f.newPerson(t, "Other"))
	before := struct{ all, events, move, from, to, otherMove, otherPlace uint64 }{f.st.Version(), f.st.EventsVersion(),
		f.st.MoveVersion(m.ID), f.st.LocationVersion(m.FromID), f.st.LocationVersion(m.ToID), f.st.MoveVersion(other.ID), f.st.LocationVersion(other.ToID)}
	if _, _, err := f.st.AppendEvent(ctx, f.event(m.ID, moves.EventMoveAccept, f.now, nil), store.AppendOptions{By: "test"}); err != nil {
		t.Fatal(err)
	}
	if f.st.Version() != before.all {
		t.Errorf("an event moved the data version on")
	}
	if f.st.EventsVersion() <= before.events || f.st.MoveVersion(m.ID) <= before.move ||
		f.st.LocationVersion(m.FromID) <= before.from || f.st.LocationVersion(m.ToID) <= before.to {
		t.Errorf("an event left the versions of its move or places where they were")
	}
	if !store.SharesSlot(other.ID, m.ID) && f.st.MoveVersion(other.ID) != before.otherMove {
		t.Errorf("an event on one move moved another's version on")
	}
	if !store.SharesSlot(other.ToID, m.FromID) && !store.SharesSlot(other.ToID, m.ToID) && f.st.LocationVersion(other.ToID) != before.otherPlace {
		t.Errorf("an event moved the version of a place it does not touch")
	}

	// Reads leave it alone.
	v := f.st.Version()
	if _, err := f.st.Move(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.User(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if f.st.Version() != v {
		t.Errorf("a read moved the version on")
	}
}

// Users are kept for one data version: a change to a user is seen at once.
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
