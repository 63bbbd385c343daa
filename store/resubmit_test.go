package store_test

import (
	"context"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

func TestResubmitMove(t *testing.T) { storetest.ForEachEngine(t, testResubmitMove) }

// A request rejected for more information is sent again once, as a new
// proposed move linked to it, with MoveResubmit in the rejected move's
// log; anything else is refused and writes nothing.
func testResubmitMove(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	reject := func(reason string) moves.Move {
		t.Helper()
		m := f.transfer(t, f.newPerson(t, "Rejected"))
		e := f.event(m.ID, moves.EventMoveReject, f.now, map[string]any{"rejection_reason": reason, "rebook": false})
		e.CreatedBy, e.SupplierID = "pmu", ""
		if _, _, err := f.st.AppendEvent(ctx, e, store.AppendOptions{By: "pmu"}); err != nil {
			t.Fatal(err)
		}
		m, err := f.st.Move(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := reject(moves.RejectionMoreInfo)
	before := countRows(t, f.st, "moves")
	if _, err := f.st.ResubmitMove(ctx, store.Resubmission{MoveID: m.ID, Version: m.Version, By: "prison", Information: "  ", DateFrom: "2026-11-30"}); moves.ErrorCode(err) != moves.Invalid {
		t.Errorf("without information: %v", err)
	}
	if _, err := f.st.ResubmitMove(ctx, store.Resubmission{MoveID: m.ID, Version: m.Version - 1, By: "prison", Information: "x", DateFrom: "2026-11-30"}); moves.ErrorCode(err) != moves.Conflict {
		t.Errorf("from a stale form: %v", err)
	}
	other := reject("no_space_at_receiving_prison")
	before++ // the other rejected move
	if _, err := f.st.ResubmitMove(ctx, store.Resubmission{MoveID: other.ID, Version: other.Version, By: "prison", Information: "x", DateFrom: "2026-11-30"}); moves.ErrorCode(err) != moves.Forbidden {
		t.Errorf("rejected for no space: %v", err)
	}
	if n := countRows(t, f.st, "moves"); n != before {
		t.Fatalf("refused resubmissions wrote %d moves", n-before)
	}
	next, err := f.st.ResubmitMove(ctx, store.Resubmission{MoveID: m.ID, Version: m.Version, By: "prison",
		Information: "The receiving prison has agreed", DateFrom: "2026-11-30", DateTo: "2026-12-04"})
	if err != nil {
		t.Fatal(err)
	}
	if next.Status != moves.StatusProposed || next.OriginalID != m.ID || next.DateFrom != "2026-11-30" || next.DateTo != "2026-12-04" ||
		next.PersonID != m.PersonID || next.ToID != m.ToID || next.ProfileID != m.ProfileID || next.CreatedBy != "prison" {
		t.Errorf("new request %+v", next)
	}
	log, err := f.st.Events(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Type != moves.EventMoveResubmit || !last.Applied || last.Rels["resubmitted_move"] != next.ID || last.Str("information") != "The receiving prison has agreed" {
		t.Errorf("last event of the rejected move %+v", last)
	}
	if again, _ := f.st.Move(ctx, m.ID); again.Status != moves.StatusCancelled {
		t.Errorf("the rejected move is now %s", again.Status)
	}
	nlog, _ := f.st.Events(ctx, next.ID)
	if len(nlog) != 1 || nlog[0].Type != moves.EventMoveProposed || nlog[0].Notes == "" {
		t.Errorf("new request's log %+v", nlog)
	}
	m, _ = f.st.Move(ctx, m.ID)
	if _, err := f.st.ResubmitMove(ctx, store.Resubmission{MoveID: m.ID, Version: m.Version, By: "prison", Information: "again", DateFrom: "2026-11-30"}); moves.ErrorCode(err) != moves.Conflict {
		t.Errorf("sent a second time: %v", err)
	}
}
