package moves

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"
)

// randomEvent returns a valid event of a random kind. Some kinds come in
// variants that will not apply (an approval outside the window, a
// redirect to the wrong kind of place) so that replays exercise refusals
// as much as successes.
func randomEvent(r *rand.Rand) Event {
	kinds := []EventType{
		EventMoveApprove, EventMoveReject, EventMoveAccept, EventMoveStart,
		EventMoveComplete, EventMoveCancel, EventMoveRedirect, EventMoveLockout,
		EventMoveDateChanged, EventMoveNotifyPremisesOfEta, EventMoveLodgingStart,
		EventPersonMoveUsedForce, EventMoveCollectionByEscort,
	}
	e := validEvent(kinds[r.Intn(len(kinds))])
	switch e.Type {
	case EventMoveApprove:
		e.Details["date"] = AddDays("2026-02-26", r.Intn(16)) // window is 03-01..03-10
	case EventMoveRedirect:
		e.Rels["to_location"] = []string{"court-1", "court-2", "prison-2", "police-1", "court-closed", "hospital-1"}[r.Intn(6)]
		if r.Intn(3) == 0 {
			e.Details["move_type"] = []string{"hospital", "court_appearance", "police_transfer"}[r.Intn(3)]
		}
	case EventMoveDateChanged:
		e.Details["date"] = AddDays("2026-03-01", r.Intn(30))
	case EventMoveCancel:
		e.Details["cancellation_reason"] = CancellationReasons[r.Intn(len(CancellationReasons))]
	case EventMoveReject:
		e.Details["rebook"] = r.Intn(2) == 0
	}
	return e
}

// randomLog builds a log for a move that starts either proposed or
// requested. Occurred times collide on purpose (ties go to recorded_at),
// and some events are dated before the move was created. recorded_at is
// unique, so log order never depends on arrival.
func randomLog(r *rand.Rand) (State, []Event) {
	var base State
	var created EventType
	if r.Intn(2) == 0 {
		base = courtState(pr)
		base.Date = ""
		created = EventMoveProposed
	} else {
		base = courtState(rq)
		created = EventMoveRequested
	}
	n := 1 + r.Intn(14)
	events := []Event{mkEvent("e00", created, t0.Add(30*time.Minute), 0)}
	for i := 1; i <= n; i++ {
		e := randomEvent(r)
		e.ID = fmt.Sprintf("e%02d", i)
		e.OccurredAt = t0.Add(time.Duration(r.Intn(8)*10) * time.Minute)
		e.RecordedAt = e.OccurredAt.Add(time.Duration(r.Intn(1000)*1000+i) * time.Microsecond)
		events = append(events, e)
	}
	return base, events
}

type outcome struct {
	applied bool
	reason  string
}

func outcomes(events []Event) map[string]outcome {
	m := map[string]outcome{}
	for _, e := range events {
		m[e.ID] = outcome{e.Applied, e.Reason}
	}
	return m
}

// lateByDefinition says, by brute force, which events arrived after an
// event that the log places later.
func lateByDefinition(sorted []Event) map[string]bool {
	m := map[string]bool{}
	for i := range sorted {
		for j := i + 1; j < len(sorted); j++ {
			if sorted[j].Seq < sorted[i].Seq {
				m[sorted[i].ID] = true
			}
		}
	}
	return m
}

func TestReplayIgnoresArrivalOrder(t *testing.T) {
	refs := world()
	// The property only means something if the logs reach many states,
	// refuse some events and deliver some late.
	statuses, refused, lateSeen := map[Status]bool{}, 0, 0
	for _, seed := range []int64{1, 2, 20260302} {
		r := rand.New(rand.NewSource(seed))
		for iter := range 400 {
			base, events := randomLog(r)

			// Reference: arrival in log order, so nothing is late.
			ref := cloneEvents(events)
			SortLog(ref)
			for i := range ref {
				ref[i].Seq = int64(i + 1)
			}
			wantState := Replay(base, ref, refs)
			want := outcomes(ref)
			wantOrder := ids(ref)
			statuses[wantState.Status] = true
			for _, e := range ref {
				if !e.Applied {
					refused++
				}
			}
			for _, e := range ref {
				if e.Late {
					t.Fatalf("seed %d/%d: %s late in an in-order log", seed, iter, e.ID)
				}
			}

			for range 15 {
				perm := cloneEvents(events)
				// The creation event arrives first: it is stored with the move.
				rest := perm[1:]
				r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
				for i := range perm {
					perm[i].Seq = int64(i + 1)
				}
				r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })

				gotState := Replay(base, perm, refs)
				if gotState != wantState {
					t.Fatalf("seed %d/%d: state %+v\nwant %+v", seed, iter, gotState, wantState)
				}
				if got := ids(perm); !slices.Equal(got, wantOrder) {
					t.Fatalf("seed %d/%d: order %v; want %v", seed, iter, got, wantOrder)
				}
				got := outcomes(perm)
				for id, w := range want {
					if got[id] != w {
						t.Fatalf("seed %d/%d: %s = %+v; want %+v", seed, iter, id, got[id], w)
					}
				}
				late := lateByDefinition(perm)
				lateSeen += len(late)
				for _, e := range perm {
					if e.Late != late[e.ID] {
						t.Fatalf("seed %d/%d: %s Late=%v; want %v", seed, iter, e.ID, e.Late, late[e.ID])
					}
				}
			}
		}
	}
	if len(statuses) != len(Statuses) || refused == 0 || lateSeen == 0 {
		t.Errorf("weak generator: statuses %v, %d refused, %d late", statuses, refused, lateSeen)
	}
}

func TestReplayIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	refs := world()
	for range 200 {
		base, events := randomLog(r)
		for i := range events {
			events[i].Seq = int64(i + 1)
		}
		a, b := cloneEvents(events), cloneEvents(events)
		if Replay(base, a, refs) != Replay(base, b, refs) {
			t.Fatal("same log, different state")
		}
		for i := range a {
			if a[i].ID != b[i].ID || a[i].Applied != b[i].Applied || a[i].Reason != b[i].Reason || a[i].Late != b[i].Late {
				t.Fatal("same log, different outcomes")
			}
		}
	}
}
