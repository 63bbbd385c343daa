package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

func lastEvent(t *testing.T, st *store.Store, moveID string) moves.Event {
	t.Helper()
	evs, err := st.Events(context.Background(), moveID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events: %v, %d", err, len(evs))
	}
	return evs[len(evs)-1]
}

func TestUpdatePersonRecordsWhoAndWhenAndLogsOpenMoves(t *testing.T) {
	storetest.ForEachEngine(t, testUpdatePersonRecordsWhoAndWhenAndLogsOpenMoves)
}

func testUpdatePersonRecordsWhoAndWhenAndLogsOpenMoves(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	open := f.courtMove(t, f.person, "2026-11-25")
	done := f.courtMove(t, f.person, "2026-11-26")
	for _, typ := range []moves.EventType{moves.EventMoveAccept, moves.EventMoveStart} {
		if _, _, err := f.st.AppendEvent(ctx, f.event(done.ID, typ, f.now, nil), store.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	before := f.st.MoveVersion(open.ID)
	p := f.person
	p.LastName, p.PNC = "Andersen", "2008/0056560Z"
	f.now = f.now.Add(time.Hour)
	got, err := f.st.UpdatePerson(ctx, store.PersonChange{Person: p, Seen: f.person.UpdatedAt, By: "pmu.user", Today: f.today})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Fields) != 2 || got.Fields[0] != "last_name" || got.Fields[1] != "pnc" {
		t.Errorf("fields %v", got.Fields)
	}
	if len(got.Moves) != 1 || got.Moves[0] != open.ID {
		t.Errorf("logged on %v, want only the move still in custody", got.Moves)
	}
	stored, _ := f.st.Person(ctx, p.ID)
	if stored.LastName != "Andersen" || stored.UpdatedBy != "pmu.user" || !stored.UpdatedAt.Equal(f.now) {
		t.Errorf("stored %+v", stored)
	}
	if e := lastEvent(t, f.st, open.ID); e.Type != moves.EventPersonUpdate || e.Str("last_name") != "Andersen" || !e.Applied {
		t.Errorf("open move's last event %+v", e)
	}
	if e := lastEvent(t, f.st, done.ID); e.Type == moves.EventPersonUpdate {
		t.Error("a move in transit was given the change")
	}
	if f.st.MoveVersion(open.ID) == before {
		t.Error("the move's page was not made stale")
	}
	if found, _ := f.st.FindPeople(ctx, store.PeopleFilter{PNC: "08/56560Z"}); len(found) != 1 {
		t.Errorf("found by the new PNC: %d", len(found))
	}

	// A form made before that change is refused and changes nothing.
	p.FirstNames = "Jim"
	_, err = f.st.UpdatePerson(ctx, store.PersonChange{Person: p, Seen: f.person.UpdatedAt, By: "other", Today: f.today})
	if moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("stale change: %v", err)
	}
	if again, _ := f.st.Person(ctx, p.ID); again.FirstNames != "James" {
		t.Errorf("stale change written: %+v", again)
	}
	// Bad details are refused.
	p.LastName = ""
	if _, err := f.st.UpdatePerson(ctx, store.PersonChange{Person: p, Seen: stored.UpdatedAt, By: "x", Today: f.today}); moves.ErrorCode(err) != moves.Invalid {
		t.Errorf("blank last name: %v", err)
	}
}

func TestChangeMoveDetailsAndProfile(t *testing.T) {
	storetest.ForEachEngine(t, testChangeMoveDetailsAndProfile)
}

func testChangeMoveDetailsAndProfile(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pr := moves.Profile{PersonID: f.person.ID, Flags: []moves.Flag{{Category: moves.FlagRisk, Key: "escape"}, {Category: moves.FlagHealth, Key: "medication", Details: "Insulin"}}}
	if err := f.st.CreateProfile(ctx, &pr); err != nil {
		t.Fatal(err)
	}
	m, err := f.st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID,
		Date: "2026-11-25", PersonID: f.person.ID, ProfileID: pr.ID, CreatedBy: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
	r, err := f.st.ChangeMoveDetails(ctx, store.MoveDetailsChange{MoveID: m.ID, Version: m.Version, By: "officer", TimeDue: &due, Notes: "Ramp needed"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Move.Version != m.Version+1 || r.Move.Notes != "Ramp needed" || r.Move.TimeDue == nil || !r.Move.TimeDue.Equal(due) {
		t.Errorf("move after %+v", r.Move)
	}
	if r.Event.Type != moves.EventMoveUpdate || r.Event.Str("additional_information") != "Ramp needed" {
		t.Errorf("event %+v", r.Event)
	}
	// The same answers again change nothing and record nothing.
	same, err := f.st.ChangeMoveDetails(ctx, store.MoveDetailsChange{MoveID: m.ID, Version: r.Move.Version, By: "officer", TimeDue: &due, Notes: "Ramp needed"})
	if err != nil || same.Event.ID != "" || same.Move.Version != r.Move.Version {
		t.Errorf("no-op change: %+v, %v", same, err)
	}
	// A stale form is a conflict.
	if _, err := f.st.ChangeMoveDetails(ctx, store.MoveDetailsChange{MoveID: m.ID, Version: m.Version, By: "x", Notes: "old"}); moves.ErrorCode(err) != moves.Conflict {
		t.Errorf("stale: %v", err)
	}

	r2, err := f.st.ChangeProfile(ctx, store.ProfileChange{MoveID: m.ID, Version: r.Move.Version, By: "officer", Category: moves.FlagRisk,
		Flags: []moves.Flag{{Category: moves.FlagRisk, Key: "violent", Details: "Spat at staff"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Event.Type != moves.EventProfileUpdate || r2.Event.Str("category") != "risk" {
		t.Errorf("event %+v", r2.Event)
	}
	np, _ := f.st.Profile(ctx, r2.Move.ProfileID)
	if r2.Move.ProfileID == pr.ID || len(np.Flags) != 2 {
		t.Fatalf("new profile %+v", np)
	}
	old, _ := f.st.Profile(ctx, pr.ID)
	if len(old.Flags) != 2 || old.Flags[0].Key != "escape" {
		t.Errorf("old profile changed: %+v", old)
	}

	// Once the person has left custody, nothing changes.
	for _, typ := range []moves.EventType{moves.EventMoveAccept, moves.EventMoveStart} {
		if _, _, err := f.st.AppendEvent(ctx, f.event(m.ID, typ, f.now, nil), store.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := f.st.Move(ctx, m.ID)
	n, _ := f.st.Events(ctx, m.ID)
	if _, err := f.st.ChangeMoveDetails(ctx, store.MoveDetailsChange{MoveID: m.ID, Version: cur.Version, By: "x", Notes: "late"}); moves.ErrorCode(err) != moves.Forbidden {
		t.Errorf("in transit: %v", err)
	}
	if after, _ := f.st.Events(ctx, m.ID); len(after) != len(n) {
		t.Error("a refused change left an event")
	}
}
