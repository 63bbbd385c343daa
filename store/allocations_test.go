package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

var (
	pmuBy = store.AllocationChange{By: "pmu.user", Role: moves.RolePMU}
	ocaBy = store.AllocationChange{By: "oca.user", Role: moves.RoleOCA}
)

func (f *fixture) allocation(t testing.TB, n int) store.AllocationRow {
	t.Helper()
	a, err := f.st.CreateAllocation(context.Background(), moves.NewAllocation{Count: n, FromID: f.prison.ID, ToID: f.prison2.ID,
		Date: "2026-11-30", RequestedBy: "Pat PMU", Criteria: moves.Criteria{Estate: moves.EstateAdultMale, PrisonerCategory: "c",
			SentenceLength: "any", ComplexCases: moves.ComplexCaseAnswers([]string{"self_harm"}), CompleteInFull: true}},
		"pmu.user", f.today)
	if err != nil {
		t.Fatalf("create allocation: %v", err)
	}
	return a
}

func (f *fixture) places(t testing.TB, id string) []store.MoveRow {
	t.Helper()
	ps, err := f.st.AllocationPlaces(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func (f *fixture) allocStatus(t testing.TB, id string) (moves.AllocationStatus, int, int) {
	t.Helper()
	a, err := f.st.Allocation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Status(), a.Total, a.Filled
}

// onTheRoad has the supplier accept and start a move.
func (f *fixture) onTheRoad(t testing.TB, moveID string) {
	t.Helper()
	for _, typ := range []moves.EventType{moves.EventMoveAccept, moves.EventMoveStart} {
		if _, _, err := f.st.AppendEvent(context.Background(), f.event(moveID, typ, f.now, nil), store.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func codeOf(err error) moves.Code {
	var me *moves.Error
	if errors.As(err, &me) {
		return me.Code
	}
	return moves.Internal
}

func TestCreateAllocationMakesRequestedPlacesWithoutPeople(t *testing.T) {
	storetest.ForEachEngine(t, testCreateAllocationMakesRequestedPlacesWithoutPeople)
}

func testCreateAllocationMakesRequestedPlacesWithoutPeople(t *testing.T) {
	f := newFixture(t)
	a := f.allocation(t, 3)
	if a.Total != 3 || a.Filled != 0 || a.Status() != moves.AllocationUnfilled || a.From != "HMP Brixton" || a.To != "HMP Wandsworth" {
		t.Fatalf("allocation %+v", a)
	}
	if len(a.Criteria.ComplexCases) != len(moves.ComplexCases) || !a.Criteria.CompleteInFull || a.Criteria.PrisonerCategory != "c" {
		t.Fatalf("criteria not kept: %+v", a.Criteria)
	}
	ps := f.places(t, a.ID)
	if len(ps) != 3 {
		t.Fatalf("%d places, want 3", len(ps))
	}
	for _, p := range ps {
		m := p.Move
		if m.Status != moves.StatusRequested || m.MoveType != moves.PrisonTransfer || m.PersonID != "" || m.Date != "2026-11-30" ||
			m.AllocationID != a.ID || m.SupplierID != f.supplier.ID {
			t.Fatalf("place %+v", m)
		}
		evs, err := f.st.Events(context.Background(), m.ID)
		if err != nil || len(evs) != 1 || evs[0].Type != moves.EventMoveRequested {
			t.Fatalf("place log %+v %v", evs, err)
		}
	}
}

func TestCreateAllocationRefusesBadInputAndChangesNothing(t *testing.T) {
	storetest.ForEachEngine(t, testCreateAllocationRefusesBadInputAndChangesNothing)
}

func testCreateAllocationRefusesBadInputAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	base := moves.NewAllocation{Count: 2, FromID: f.prison.ID, ToID: f.prison2.ID, Date: "2026-11-30",
		Criteria: moves.Criteria{Estate: moves.EstateJuvenileMale, SentenceLength: "short"}}
	cases := []struct {
		name  string
		edit  func(*moves.NewAllocation)
		field string
	}{
		{"none", func(n *moves.NewAllocation) { n.Count = 0 }, "moves_count"},
		{"too many", func(n *moves.NewAllocation) { n.Count = moves.MaxAllocationSize + 1 }, "moves_count"},
		{"same prison", func(n *moves.NewAllocation) { n.ToID = f.prison.ID }, "to_location"},
		{"to a court", func(n *moves.NewAllocation) { n.ToID = f.court.ID }, "to_location"},
		{"from police", func(n *moves.NewAllocation) { n.FromID = f.police.ID }, "from_location"},
		{"unknown", func(n *moves.NewAllocation) { n.FromID = "nope" }, "from_location"},
		{"past", func(n *moves.NewAllocation) { n.Date = "2026-11-21" }, "date"},
		{"over two years ahead", func(n *moves.NewAllocation) { n.Date = "2062-11-30" }, "date"},
		// Criteria given are checked; none is required (the wizard asks).
		{"unknown estate", func(n *moves.NewAllocation) { n.Estate = "martian" }, "estate"},
		{"a category the estate has not", func(n *moves.NewAllocation) { n.PrisonerCategory = "b" }, "prisoner_category"},
		{"adult male open", func(n *moves.NewAllocation) { n.Estate, n.PrisonerCategory = moves.EstateAdultMale, "open" }, "prisoner_category"},
		{"unknown category", func(n *moves.NewAllocation) { n.Estate, n.PrisonerCategory = "", "a" }, "prisoner_category"},
		{"unknown sentence", func(n *moves.NewAllocation) { n.SentenceLength = "life" }, "sentence_length"},
	}
	for _, c := range cases {
		na := base
		c.edit(&na)
		_, err := f.st.CreateAllocation(context.Background(), na, "pmu", f.today)
		var me *moves.Error
		if !errors.As(err, &me) || me.Code != moves.Invalid || !me.Fields.Has(c.field) {
			t.Errorf("%s: got %v, want invalid %s", c.name, err, c.field)
		}
	}
	if n := countRows(t, f.st, "allocations"); n != 0 {
		t.Fatalf("%d allocations kept", n)
	}
	if n := countRows(t, f.st, "moves"); n != 0 {
		t.Fatalf("%d moves kept", n)
	}
	// The contract's optional criteria may be left out: no estate, or an
	// estate without its category or details.
	for _, c := range []moves.Criteria{{SentenceLength: "any"}, {PrisonerCategory: "c", SentenceLength: "any"},
		{Estate: moves.EstateAdultMale, SentenceLength: "any"}, {Estate: moves.EstateOther, SentenceLength: "other"}} {
		na := base
		na.Criteria = c
		if _, err := f.st.CreateAllocation(context.Background(), na, "api", f.today); err != nil {
			t.Errorf("criteria %+v: %v", c, err)
		}
	}
}

func TestFillAndEmptyPlacesMoveTheStatus(t *testing.T) {
	storetest.ForEachEngine(t, testFillAndEmptyPlacesMoveTheStatus)
}

func testFillAndEmptyPlacesMoveTheStatus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.allocation(t, 2)
	ps := f.places(t, a.ID)
	second := f.newPerson(t, "Brown")
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[0].ID, PersonID: f.person.ID, Agreed: true, AgreedBy: "Jo Governor"}, pmuBy); codeOf(err) != moves.Forbidden {
		t.Fatalf("pmu filling: %v, want forbidden", err)
	}
	m, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[0].ID, PersonID: f.person.ID, Agreed: true, AgreedBy: "Jo Governor"}, ocaBy)
	if err != nil || m.PersonID != f.person.ID || m.MoveAgreed == nil || !*m.MoveAgreed || m.MoveAgreedBy != "Jo Governor" {
		t.Fatalf("fill: %+v %v", m, err)
	}
	if st, total, filled := f.allocStatus(t, a.ID); st != moves.AllocationUnfilled || total != 2 || filled != 1 {
		t.Fatalf("after one: %s %d/%d", st, filled, total)
	}
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[1].ID, PersonID: f.person.ID}, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("same person twice: %v, want conflict", err)
	}
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[0].ID, PersonID: second.ID}, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("filled place again: %v, want conflict", err)
	}
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[1].ID, PersonID: second.ID}, ocaBy); err != nil {
		t.Fatal(err)
	}
	if st, _, filled := f.allocStatus(t, a.ID); st != moves.AllocationFilled || filled != 2 {
		t.Fatalf("after two: %s %d", st, filled)
	}
	got, err := f.st.Move(ctx, ps[1].ID)
	if err != nil || got.PersonID != second.ID || got.ProfileID == "" {
		t.Fatalf("filled move %+v %v", got, err)
	}
	if _, err := f.st.EmptyAllocationPlace(ctx, ps[1].ID, 0, ocaBy); err != nil {
		t.Fatal(err)
	}
	if st, _, filled := f.allocStatus(t, a.ID); st != moves.AllocationUnfilled || filled != 1 {
		t.Fatalf("after emptying: %s %d", st, filled)
	}
	if _, err := f.st.EmptyAllocationPlace(ctx, ps[1].ID, 0, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("emptying an empty place: %v", err)
	}
	// Once on the road, the person stays.
	f.onTheRoad(t, ps[0].ID)
	if _, err := f.st.EmptyAllocationPlace(ctx, ps[0].ID, 0, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("emptying a move in transit: %v, want conflict", err)
	}
}

func TestRemovingTheEmptyPlaceFillsTheAllocation(t *testing.T) {
	storetest.ForEachEngine(t, testRemovingTheEmptyPlaceFillsTheAllocation)
}

func testRemovingTheEmptyPlaceFillsTheAllocation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.allocation(t, 2)
	ps := f.places(t, a.ID)
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[0].ID, PersonID: f.person.ID}, ocaBy); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RemoveAllocationPlace(ctx, a.ID, ps[0].ID, pmuBy); codeOf(err) != moves.Conflict {
		t.Fatalf("removing a filled place: %v, want conflict", err)
	}
	if err := f.st.RemoveAllocationPlace(ctx, a.ID, ps[1].ID, ocaBy); codeOf(err) != moves.Forbidden {
		t.Fatalf("oca removing a place: %v, want forbidden", err)
	}
	if err := f.st.RemoveAllocationPlace(ctx, a.ID, ps[1].ID, pmuBy); err != nil {
		t.Fatal(err)
	}
	if st, total, filled := f.allocStatus(t, a.ID); st != moves.AllocationFilled || total != 1 || filled != 1 {
		t.Fatalf("after removing: %s %d/%d", st, filled, total)
	}
	m, _ := f.st.Move(ctx, ps[1].ID)
	if m.Status != moves.StatusCancelled || m.Cancellation.Reason != "cancelled_by_pmu" {
		t.Fatalf("removed place %+v", m)
	}
	if err := f.st.RemoveAllocationPlace(ctx, a.ID, ps[0].ID, pmuBy); codeOf(err) != moves.Forbidden {
		t.Fatalf("removing the last place: %v, want forbidden", err)
	}
	// Cancelled, it counts every place it had, the one removed before
	// included (upstream's meta.moves.total), and moves none (the API's
	// moves_count).
	if err := f.st.CancelAllocation(ctx, a.ID, "made_in_error", "", pmuBy); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.Allocation(ctx, a.ID); got.MovesCount() != 0 {
		t.Errorf("a cancelled allocation's moves_count is %d, want 0", got.MovesCount())
	}
	if st, total, filled := f.allocStatus(t, a.ID); st != moves.AllocationCancelled || total != 2 || filled != 0 {
		t.Fatalf("after cancelling: %s %d/%d", st, filled, total)
	}
}

func TestAllocationDateChangeCascadesInOneUnit(t *testing.T) {
	storetest.ForEachEngine(t, testAllocationDateChangeCascadesInOneUnit)
}

func testAllocationDateChangeCascadesInOneUnit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.allocation(t, 3)
	ps := f.places(t, a.ID)
	if err := f.st.ChangeAllocationDate(ctx, a.ID, "2026-12-03", "pmu_amended_date", f.today, pmuBy); err != nil {
		t.Fatal(err)
	}
	for _, p := range f.places(t, a.ID) {
		evs, _ := f.st.Events(ctx, p.ID)
		if p.Date != "2026-12-03" || len(evs) != 2 || evs[1].Type != moves.EventMoveDateChanged || evs[1].Str("date_changed_reason") != "pmu_amended_date" {
			t.Fatalf("place after date change: %+v %+v", p.Move, evs)
		}
	}
	got, _ := f.st.Allocation(ctx, a.ID)
	if got.Date != "2026-12-03" || got.Version != a.Version+1 {
		t.Fatalf("allocation %+v", got)
	}
	// One place in transit: the whole change is refused, nothing moves.
	f.onTheRoad(t, ps[2].ID)
	if err := f.st.ChangeAllocationDate(ctx, a.ID, "2026-12-04", "other", f.today, pmuBy); codeOf(err) != moves.Conflict {
		t.Fatalf("date change with a move in transit: %v, want conflict", err)
	}
	for _, p := range f.places(t, a.ID) {
		if p.Date != "2026-12-03" {
			t.Fatalf("a place moved to %s though the change was refused", p.Date)
		}
	}
	for _, c := range []struct{ date, reason, field string }{{"2026-11-01", "other", "date"}, {"2062-12-05", "other", "date"}, {"2026-12-05", "whim", "date_changed_reason"}} {
		var me *moves.Error
		if err := f.st.ChangeAllocationDate(ctx, a.ID, c.date, c.reason, f.today, pmuBy); !errors.As(err, &me) || !me.Fields.Has(c.field) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if err := f.st.ChangeAllocationDate(ctx, a.ID, "2026-12-05", "other", f.today, ocaBy); codeOf(err) == moves.Invalid || err == nil {
		t.Fatalf("oca changing the date: %v", err)
	}
	// The reason is optional, as upstream's: the places' events then
	// carry none.
	b := f.allocation(t, 2)
	if err := f.st.ChangeAllocationDate(ctx, b.ID, "2026-12-05", "", f.today, pmuBy); err != nil {
		t.Fatalf("date change without a reason: %v", err)
	}
	for _, p := range f.places(t, b.ID) {
		evs, _ := f.st.Events(ctx, p.ID)
		last := evs[len(evs)-1]
		if p.Date != "2026-12-05" || last.Type != moves.EventMoveDateChanged || last.Details["date_changed_reason"] != nil {
			t.Errorf("place after a date change without a reason: %+v %+v", p.Move, last)
		}
	}
}

func TestCancelAllocationCascadesAndIsFinal(t *testing.T) {
	storetest.ForEachEngine(t, testCancelAllocationCascadesAndIsFinal)
}

func testCancelAllocationCascadesAndIsFinal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.allocation(t, 3)
	ps := f.places(t, a.ID)
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[0].ID, PersonID: f.person.ID}, ocaBy); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CancelAllocation(ctx, a.ID, "", "", pmuBy); codeOf(err) != moves.Invalid {
		t.Fatalf("no reason: %v", err)
	}
	if err := f.st.CancelAllocation(ctx, a.ID, "made_in_error", "", ocaBy); codeOf(err) != moves.Forbidden {
		t.Fatalf("oca cancelling: %v", err)
	}
	// The filled place has been carried out: the cancel leaves it be.
	f.onTheRoad(t, ps[0].ID)
	if _, _, err := f.st.AppendEvent(ctx, f.event(ps[0].ID, moves.EventMoveComplete, f.now, nil), store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CancelAllocation(ctx, a.ID, "made_in_error", "", pmuBy); err != nil {
		t.Fatal(err)
	}
	if st, total, _ := f.allocStatus(t, a.ID); st != moves.AllocationCancelled || total != 3 {
		t.Fatalf("after cancel: %s %d", st, total)
	}
	for _, p := range f.places(t, a.ID) {
		evs, _ := f.st.Events(ctx, p.ID)
		last := evs[len(evs)-1]
		if p.ID == ps[0].ID {
			if p.Status != moves.StatusCompleted || last.Type != moves.EventMoveComplete {
				t.Fatalf("the completed place after cancel %+v %+v", p.Move, last)
			}
			continue
		}
		if p.Status != moves.StatusCancelled || last.Type != moves.EventMoveCancel || last.Str("cancellation_reason") != "allocation_cancelled" {
			t.Fatalf("place after cancel %+v %+v", p.Move, last)
		}
	}
	if err := f.st.CancelAllocation(ctx, a.ID, "made_in_error", "", pmuBy); codeOf(err) != moves.Conflict {
		t.Fatalf("cancel twice: %v", err)
	}
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[1].ID, PersonID: f.person.ID}, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("filling a cancelled allocation: %v", err)
	}
}

func TestAllocationListsFilterCountAndScope(t *testing.T) {
	storetest.ForEachEngine(t, testAllocationListsFilterCountAndScope)
}

func testAllocationListsFilterCountAndScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a1 := f.allocation(t, 1)
	a2 := f.allocation(t, 2)
	a3 := f.allocation(t, 1)
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: f.places(t, a1.ID)[0].ID, PersonID: f.person.ID}, ocaBy); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CancelAllocation(ctx, a3.ID, "other", "not needed", pmuBy); err != nil {
		t.Fatal(err)
	}
	week := store.AllocationFilter{DateFrom: "2026-11-30", DateTo: "2026-12-06"}
	counts, err := f.st.CountAllocationsByStatus(ctx, week)
	if err != nil || counts[moves.AllocationFilled] != 1 || counts[moves.AllocationUnfilled] != 1 || counts[moves.AllocationCancelled] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
	// The SQL status agrees with moves.AllocationStatusOf for each.
	for _, st := range moves.AllocationStatuses {
		f2 := week
		f2.Status = st
		rows, n, err := f.st.ListAllocations(ctx, f2)
		if err != nil || n != 1 || len(rows) != 1 || rows[0].Status() != st {
			t.Fatalf("%s: %d rows %v", st, n, err)
		}
	}
	rows, n, _ := f.st.ListAllocations(ctx, store.AllocationFilter{DateFrom: "2026-11-30", DateTo: "2026-12-06", Sort: "moves_count", Desc: true})
	if n != 3 || rows[0].ID != a2.ID {
		t.Fatalf("sorted by size: %d %+v", n, rows)
	}
	if _, n, _ := f.st.ListAllocations(ctx, store.AllocationFilter{DateFrom: "2026-12-07", DateTo: "2026-12-13"}); n != 0 {
		t.Fatalf("next week: %d", n)
	}
	if _, n, _ := f.st.ListAllocations(ctx, store.AllocationFilter{FromIDs: []string{f.prison2.ID}}); n != 0 {
		t.Fatalf("from the other prison: %d", n)
	}
	if _, n, _ := f.st.ListAllocations(ctx, store.AllocationFilter{ToIDs: []string{f.prison2.ID}}); n != 3 {
		t.Fatalf("to the other prison: %d", n)
	}
	if _, n, _ := f.st.ListAllocations(ctx, store.AllocationFilter{ToIDs: []string{f.prison.ID}}); n != 0 {
		t.Fatalf("to the sending prison: %d", n)
	}
	if _, n, _ := f.st.ListAllocations(ctx, store.AllocationFilter{SupplierID: f.supplier.ID}); n != 3 {
		t.Fatalf("supplier's: %d", n)
	}
	yes := true
	if ms, n, _ := f.st.ListMoves(ctx, store.MoveFilter{HasAllocation: &yes}); n != 4 || len(ms) != 4 {
		t.Fatalf("moves with an allocation: %d", n)
	}
}

// Migration 0010 rebuilt moves: ordinary moves still read back whole,
// foreign keys are on again, and a move needs a person unless it is an
// allocation's place.
func TestAllocationsMigrationKeepsMoveRules(t *testing.T) {
	storetest.ForEachEngine(t, testAllocationsMigrationKeepsMoveRules)
}

func testAllocationsMigrationKeepsMoveRules(t *testing.T) {
	f := newFixture(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	if _, err := f.st.CreateAllocation(context.Background(), moves.NewAllocation{}, "x", f.today); codeOf(err) != moves.Invalid {
		t.Fatalf("empty allocation: %v", err)
	}
	got, err := f.st.Move(context.Background(), m.ID)
	if err != nil || got.PersonID != f.person.ID || got.AllocationID != "" {
		t.Fatalf("move %+v %v", got, err)
	}
	if storetest.Engine(t) == "sqlite" {
		// The migration asked for foreign keys off while it ran.
		var fkOn int
		if err := f.st.DB().QueryRow("PRAGMA foreign_keys").Scan(&fkOn); err != nil || fkOn != 1 {
			t.Fatalf("foreign keys left off: %d %v", fkOn, err)
		}
	}
	// The role check now knows oca (rebuilt on SQLite, altered on
	// PostgreSQL), and still refuses a role nobody has.
	ins := "INSERT INTO users (id, username, full_name, password_hash, role, created_at) VALUES (?, ?, 'X', 'x', ?, 0)"
	if _, err := f.st.DB().Exec(ins, "u-oca", "oca.check", "oca"); err != nil {
		t.Fatalf("the oca role is refused: %v", err)
	}
	if _, err := f.st.DB().Exec(ins, "u-bad", "bad.check", "warden"); err == nil {
		t.Fatal("an unknown role was accepted")
	}
	if _, err := f.st.DB().Exec("INSERT INTO moves (id, reference, status, move_type, from_location_id, initial_status, initial_move_type, created_at, created_by, updated_at, updated_by) VALUES ('x','ABC1234D','requested','court_appearance',?,'requested','court_appearance',0,'',0,'')", f.police.ID); err == nil {
		t.Fatal("a move with neither person nor allocation was accepted")
	}
}

// Allocation moves notify suppliers as any move does, each change in the
// unit of work that makes it: a place is created (create_move), a person
// is added or removed (the MoveUpdate that says so, and the move's
// update), a place removed or the allocation cancelled (the status and the
// MoveCancel), the date changed (the move's update and MoveDateChanged).
// A refused change writes nothing.
func TestAllocationChangesNotifySuppliers(t *testing.T) {
	storetest.ForEachEngine(t, testAllocationChangesNotifySuppliers)
}

func testAllocationChangesNotifySuppliers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub := subscribe(t, f.st, "serco", "https://serco.example/hooks")
	a := f.allocation(t, 3)
	ps := f.places(t, a.ID)
	// rows is the outbox since the last call, as "type move" with the
	// event's type for create_event.
	rows := func() []string {
		t.Helper()
		var out []string
		for _, r := range outbox(t, f.st) {
			if r.Sub != sub.ID {
				t.Fatalf("a row for another subscription: %+v", r)
			}
			s := r.Type + " " + r.Move
			if r.Event != "" {
				var typ string
				if err := f.st.DB().QueryRow("SELECT event_type FROM events WHERE id = ?", r.Event).Scan(&typ); err != nil {
					t.Fatal(err)
				}
				s += " " + typ
			}
			out = append(out, s)
		}
		clear(t, f.st)
		slices.Sort(out)
		return out
	}
	want := func(what string, w ...string) {
		t.Helper()
		slices.Sort(w)
		if got := rows(); !slices.Equal(got, w) {
			t.Fatalf("%s:\n got %q\nwant %q", what, got, w)
		}
	}
	want("creating three places", "create_move "+ps[0].ID, "create_move "+ps[1].ID, "create_move "+ps[2].ID)

	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[0].ID, PersonID: f.person.ID, Agreed: true, AgreedBy: "Jo Governor"}, ocaBy); err != nil {
		t.Fatal(err)
	}
	want("filling a place", "create_event "+ps[0].ID+" MoveUpdate", "update_move "+ps[0].ID)
	// Refused: the same person twice, and a filled place again.
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[1].ID, PersonID: f.person.ID}, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("same person twice: %v", err)
	}
	want("a refused fill")

	if _, err := f.st.EmptyAllocationPlace(ctx, ps[0].ID, 0, ocaBy); err != nil {
		t.Fatal(err)
	}
	want("removing the person", "create_event "+ps[0].ID+" MoveUpdate", "update_move "+ps[0].ID)

	if err := f.st.RemoveAllocationPlace(ctx, a.ID, ps[2].ID, pmuBy); err != nil {
		t.Fatal(err)
	}
	want("removing a place", "create_event "+ps[2].ID+" MoveCancel", "update_move_status "+ps[2].ID)

	if err := f.st.ChangeAllocationDate(ctx, a.ID, "2026-12-02", "pmu_amended_date", f.today, pmuBy); err != nil {
		t.Fatal(err)
	}
	want("changing the date (the removed place stays as it was)",
		"create_event "+ps[0].ID+" MoveDateChanged", "update_move "+ps[0].ID,
		"create_event "+ps[1].ID+" MoveDateChanged", "update_move "+ps[1].ID)

	if err := f.st.CancelAllocation(ctx, a.ID, "made_in_error", "", pmuBy); err != nil {
		t.Fatal(err)
	}
	want("cancelling", "create_event "+ps[0].ID+" MoveCancel", "update_move_status "+ps[0].ID,
		"create_event "+ps[1].ID+" MoveCancel", "update_move_status "+ps[1].ID)
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: ps[1].ID, PersonID: f.person.ID}, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("filling a cancelled allocation: %v", err)
	}
	want("a refused fill of a cancelled allocation")
}

// Adding and removing a person is in the place's log, in plain words the
// timeline shows: who, and whether the receiving prison agreed. Once the
// move is on the road, nobody is added or removed and nothing is logged.
func TestPlacePersonChangesAreInTheMovesLog(t *testing.T) {
	storetest.ForEachEngine(t, testPlacePersonChangesAreInTheMovesLog)
}

func testPlacePersonChangesAreInTheMovesLog(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.allocation(t, 1)
	p := f.places(t, a.ID)[0]
	person := f.newPerson(t, "Okafor")
	if _, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: p.ID, PersonID: person.ID, Agreed: true, AgreedBy: "Jo Governor"}, ocaBy); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.EmptyAllocationPlace(ctx, p.ID, 0, ocaBy); err != nil {
		t.Fatal(err)
	}
	m, err := f.st.FillAllocationPlace(ctx, store.FillPlace{MoveID: p.ID, PersonID: f.person.ID}, ocaBy)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := f.st.Events(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs[1:] {
		if e.Type != moves.EventMoveUpdate || !e.Applied || e.CreatedBy != "oca.user" {
			t.Fatalf("event %+v", e)
		}
		got = append(got, fmt.Sprintf("%v|%s|%s|%v|%s", e.Details["changed"], e.Str("person_added"), e.Str("person_removed"),
			e.Bool("move_agreed"), e.Str("move_agreed_by")))
	}
	want := []string{"[person]|James Okafor||true|Jo Governor", "[person]||James Okafor|false|", "[person]|James Anderson||false|"}
	if !slices.Equal(got, want) {
		t.Fatalf("log:\n got %q\nwant %q", got, want)
	}
	// On the road: refused, and the log is as it was.
	f.onTheRoad(t, m.ID)
	if _, err := f.st.EmptyAllocationPlace(ctx, p.ID, 0, ocaBy); codeOf(err) != moves.Conflict {
		t.Fatalf("emptying a move in transit: %v", err)
	}
	if after, _ := f.st.Events(ctx, p.ID); len(after) != len(evs)+2 {
		t.Fatalf("%d events after the refusal, want %d", len(after), len(evs)+2)
	}
}

// TestEmptyPlaceHasNoProfileToChange: an allocation's empty place has no
// person, so no profile; a change of its flags is a conflict the pages
// can word, never a failed read (a 500), and nothing is written.
func TestEmptyPlaceHasNoProfileToChange(t *testing.T) {
	storetest.ForEachEngine(t, testEmptyPlaceHasNoProfileToChange)
}

func testEmptyPlaceHasNoProfileToChange(t *testing.T) {
	f := newFixture(t)
	a := f.allocation(t, 1)
	m := f.places(t, a.ID)[0].Move
	_, err := f.st.ChangeProfile(context.Background(), store.ProfileChange{MoveID: m.ID, Version: m.Version, By: "pmu.user",
		Category: moves.FlagRisk, Flags: []moves.Flag{{Category: moves.FlagRisk, Key: "violent", Details: "x"}}})
	if codeOf(err) != moves.Conflict {
		t.Fatalf("changing an empty place's risk: %v, want a conflict", err)
	}
	after, err := f.st.Move(context.Background(), m.ID)
	if err != nil || after.Version != m.Version {
		t.Fatalf("the place changed: version %d → %d (%v)", m.Version, after.Version, err)
	}
}

func TestAllocationSortsBySizeAndMovesCount(t *testing.T) {
	storetest.ForEachEngine(t, testAllocationSortsBySizeAndMovesCount)
}

// Sorted by moves_count (the API's), a cancelled allocation moves nobody
// and comes first; sorted by size (the pages'), it counts every place it
// had, as each shows it.
func testAllocationSortsBySizeAndMovesCount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cancelled := f.allocation(t, 3)
	if err := f.st.CancelAllocation(ctx, cancelled.ID, "made_in_error", "", pmuBy); err != nil {
		t.Fatal(err)
	}
	open := f.allocation(t, 2)
	for _, c := range []struct{ sort, first string }{{"moves_count", cancelled.ID}, {"size", open.ID}} {
		rows, _, err := f.st.ListAllocations(ctx, store.AllocationFilter{Sort: c.sort, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rows {
			if r.ID == cancelled.ID || r.ID == open.ID {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) != 2 || ids[0] != c.first {
			t.Errorf("sorted by %s: %v, want %s first", c.sort, ids, c.first)
		}
	}
}
