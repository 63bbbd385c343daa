package store_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// Several instances on one PostgreSQL database: each a Store of its own
// on the same schema, as two servers behind a load balancer would be.

func twoInstances(t *testing.T) (*fixture, *store.Store) {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	open := func() *store.Store {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	f := newFixtureAt(t, dsn)
	a := f.st
	b := open()
	b.Now = a.Now
	return f, b
}

// within waits up to a second for cond, as an instance promises to see
// another's commits.
func within(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after a second, %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// What one instance keeps in memory (users, tokens, and the data version
// its cached pages hang on) follows the other's commits within a second.
func TestInstancesSeeEachOthersCommits(t *testing.T) {
	f, b := twoInstances(t)
	a := f.st
	ctx := context.Background()
	u := store.User{Username: "two.instances", FullName: "Two Instances", Role: "court", LocationIDs: []string{f.court.ID}}
	if err := a.CreateUser(ctx, &u, "two-instances-password"); err != nil {
		t.Fatal(err)
	}
	var kept store.User
	within(t, "instance B does not see the user created on A", func() bool {
		var err error
		kept, err = b.User(ctx, u.ID)
		return err == nil
	})
	if _, err := b.User(ctx, u.ID); err != nil || kept.SessionGeneration != 0 {
		t.Fatalf("kept on B: %+v %v", kept, err)
	}
	v := b.Version()
	if err := a.EndSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	within(t, "B still has the user's old session generation", func() bool {
		got, err := b.User(ctx, u.ID)
		return err == nil && got.SessionGeneration == 1
	})
	if b.Version() == v {
		t.Fatal("B's data version did not move on after A's commit")
	}

	// A token issued on A works on B; revoked on A, it stops on B.
	now := f.now
	cl, secret, err := a.CreateClient(ctx, store.NewClient{Name: "Serco", Supplier: "serco", CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	_, secretID, err := a.AuthenticateClient(ctx, cl.ID, secret)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.IssueToken(ctx, cl.ID, secretID, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := b.ClientForToken(ctx, tok, now); err != nil || c.ID != cl.ID {
		t.Fatalf("A's token on B: %v %v", c, err)
	}
	if err := a.DisableClient(ctx, cl.ID); err != nil {
		t.Fatal(err)
	}
	within(t, "B still takes the token of a client disabled on A", func() bool {
		_, err := b.ClientForToken(ctx, tok, now)
		return moves.ErrorCode(err) == moves.Unauthorized
	})

	// A's own commits do not make A drop what it keeps.
	va := a.Version()
	if err := b.EndSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	within(t, "A did not hear B's commit", func() bool { return a.Version() != va })
}

// When the listener's connection drops, notifications sent meanwhile are
// lost: the instance drops everything it keeps, and listens again.
func TestInstancesDropCachesWhenTheListenerReconnects(t *testing.T) {
	f, b := twoInstances(t)
	ctx := context.Background()
	v := b.Version()
	// Both instances' listeners go; each drops what it keeps. Only this
	// test's: its schema names the channel, and other tests (the other
	// half of the package, in another process) listen on the same cluster.
	var n int
	if err := f.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE query LIKE 'LISTEN %securemove_changes_' || current_schema() || '%' AND pid != pg_backend_pid()`).Scan(&n); err != nil {
		t.Fatalf("terminate the listeners: %v", err)
	}
	if n < 2 {
		t.Fatalf("terminated %d listeners, want both instances'", n)
	}
	within(t, "B kept its caches when its listener's connection dropped", func() bool { return b.Version() != v })
	// Listening again, B hears A's commits.
	time.Sleep(700 * time.Millisecond)
	u := store.User{Username: "after.reconnect", FullName: "After Reconnect", Role: "court", LocationIDs: []string{f.court.ID}}
	if err := f.st.CreateUser(ctx, &u, "after-reconnect-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.User(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	v = b.Version()
	if err := f.st.EndSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	within(t, "B did not hear A after listening again", func() bool { return b.Version() != v })
}

// Events posted on one move through two instances at once are all kept,
// late ones placed in order: the move's row is locked while its log is
// replayed, so the stored state is the replay of the whole log.
func TestInstancesAppendToOneMoveInTurn(t *testing.T) {
	f, b := twoInstances(t)
	ctx := context.Background()
	types := []moves.EventType{moves.EventMoveAccept, moves.EventMoveStart, moves.EventMoveComplete, moves.EventMoveLockout,
		moves.EventMoveNotifyPremisesOfArrivalIn30Mins, moves.EventMoveRedirect, moves.EventMoveDateChanged}
	for round := 0; round < 8; round++ {
		m := f.courtMove(t, f.newPerson(t, fmt.Sprintf("Turn%d", round)), "2026-11-23")
		var wg sync.WaitGroup
		var kept atomic.Int64
		errs := make(chan error, 64)
		start := make(chan struct{})
		for i := 0; i < 64; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				rng := mrand.New(mrand.NewPCG(uint64(round), uint64(i)))
				typ := types[rng.IntN(len(types))]
				at := time.Date(2026, 11, 23, 6+rng.IntN(12), rng.IntN(60), 0, 0, time.UTC)
				ev := f.event(m.ID, typ, at, nil)
				switch typ {
				case moves.EventMoveLockout:
					ev.Details = map[string]any{"authorised_by": "PMU"}
					ev.Rels = map[string]string{"from_location": f.court.ID}
				case moves.EventMoveRedirect:
					ev.Rels = map[string]string{"to_location": f.court.ID}
				case moves.EventMoveDateChanged:
					ev.Details = map[string]any{"date": fmt.Sprintf("2026-11-%02d", 23+rng.IntN(5))}
				}
				st := f.st
				if i%2 == 1 {
					st = b
				}
				_, _, err := st.AppendEvent(ctx, ev, store.AppendOptions{})
				if err == nil {
					kept.Add(1)
				} else if moves.ErrorCode(err) != moves.Conflict {
					errs <- err
				}
			}(i)
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
		log, err := b.Events(ctx, m.ID)
		if err != nil || int64(len(log)) != kept.Load()+1 {
			t.Fatalf("round %d: %d events in the log, %d acknowledged (+1 creation) %v", round, len(log), kept.Load(), err)
		}
		want, marks, err := store.ReplayedForTest(ctx, b, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.st.Move(ctx, m.ID)
		if got.State() != want {
			t.Fatalf("round %d: stored %+v, the log replayed %+v", round, got.State(), want)
		}
		for i, e := range log {
			if marks[i].Applied != e.Applied || marks[i].Late != e.Late || marks[i].Reason != e.Reason {
				t.Fatalf("round %d: event %d stored applied=%v late=%v, replay applied=%v late=%v", round, i, e.Applied, e.Late, marks[i].Applied, marks[i].Late)
			}
		}
	}
}

// Two events on one move, one through each instance at the same moment:
// whichever commits second must replay with the first in its log. Without
// the row lock the second computes the move from a log that lacks the
// first (accepted, then started: it would find the move not yet booked).
func TestInstancesTwoEventsOnOneMoveAtOnce(t *testing.T) {
	f, b := twoInstances(t)
	ctx := context.Background()
	for round := 0; round < 30; round++ {
		m := f.courtMove(t, f.newPerson(t, fmt.Sprintf("Pair%d", round)), "2026-11-23")
		accept := f.event(m.ID, moves.EventMoveAccept, time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC), nil)
		begin := f.event(m.ID, moves.EventMoveStart, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), nil)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i, p := range []struct {
			st *store.Store
			ev moves.Event
		}{{f.st, accept}, {b, begin}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, _, errs[i] = p.st.AppendEvent(ctx, p.ev, store.AppendOptions{})
			}()
		}
		close(start)
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v", round, errs)
		}
		got, err := f.st.Move(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		log, _ := f.st.Events(ctx, m.ID)
		if got.Status != moves.StatusInTransit || len(log) != 3 || !log[1].Applied || !log[2].Applied {
			t.Fatalf("round %d: move %s after accept and start posted at once (%d events)", round, got.Status, len(log))
		}
	}
}

// The same move booked at once on two instances is booked once.
func TestInstancesBookTheSameMoveOnce(t *testing.T) {
	f, b := twoInstances(t)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		p := f.newPerson(t, fmt.Sprintf("Twice%d", i))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j, st := range []*store.Store{f.st, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[j] = st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: f.police.ID, ToID: f.court.ID,
					Date: "2026-11-24", PersonID: p.ID, CreatedBy: "officer"})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case moves.ErrorCode(err) != moves.Conflict:
				t.Fatalf("booking %d: %v", i, err)
			}
		}
		if ok != 1 {
			t.Fatalf("booking %d: %d of two instances booked the same move (%v)", i, ok, errs)
		}
	}
}

// Background work runs on one instance at a time, and another takes over
// when that one stops.
func TestBackgroundRunsOnOneInstance(t *testing.T) {
	f, b := twoInstances(t)
	var runsA, runsB atomic.Int64
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	var wg sync.WaitGroup
	wg.Add(2)
	work := func(ctx context.Context) error { _, err := f.st.CleanUp(ctx, f.now); return err }
	go func() {
		defer wg.Done()
		f.st.RunBackground(ctxA, 40*time.Millisecond, work, func(err error) {
			if err != nil {
				t.Error(err)
			}
			runsA.Add(1)
		})
	}()
	go func() {
		defer wg.Done()
		b.RunBackground(ctxB, 40*time.Millisecond, work, func(err error) {
			if err != nil {
				t.Error(err)
			}
			runsB.Add(1)
		})
	}()
	// The first run needs a tick, a connection and the lock: wait for it
	// rather than guess how long a loaded machine takes, then give the
	// other instance a few ticks in which it must not run.
	within(t, "neither instance ran the background work", func() bool { return runsA.Load()+runsB.Load() > 0 })
	time.Sleep(200 * time.Millisecond)
	a1, b1 := runsA.Load(), runsB.Load()
	if (a1 == 0) == (b1 == 0) {
		t.Fatalf("runs: A %d, B %d; want one instance only", a1, b1)
	}
	// Stop the one working: the other takes over.
	idle := &runsB
	if a1 == 0 {
		stopB()
		idle = &runsA
	} else {
		stopA()
	}
	before := idle.Load()
	within(t, "no instance took over the background work", func() bool { return idle.Load() > before })
	stopA()
	stopB()
	wg.Wait()
}

// One key sent to two instances at once makes one change: the key is
// locked until the first instance's commit, and the second replays it.
func TestInstancesSameKeyMakesOneChange(t *testing.T) {
	f, b := twoInstances(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	events := countRows(t, f.st, "events")
	const n = 16
	answers := make([]store.Answer, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st := f.st
			if i%2 == 1 {
				st = b
			}
			a, err := keyedEvent(st, f.event(m.ID, moves.EventMoveAccept, f.now, nil), "same")
			if err != nil {
				t.Error(err)
			}
			answers[i] = a
		}()
	}
	close(start)
	wg.Wait()
	// One key sent to two instances: still one change.
	wantOneChange(t, countRows(t, f.st, "events")-events, answers)
}

// Another instance's event makes stale, on this one, what it touched and
// nothing else: its move's page and its places' lists, not other moves'
// pages nor the data every page shows.
func TestInstancesHearWhatWasTouched(t *testing.T) {
	f, b := twoInstances(t)
	ctx := context.Background()
	m := f.courtMove(t, f.person, "2026-11-23")
	other := f.transfer(t, f.newPerson(t, "Elsewhere"))
	if store.SharesSlot(m.ID, other.ID) || store.SharesSlot(other.FromID, m.FromID) || store.SharesSlot(other.FromID, m.ToID) {
		t.Skip("the two moves share a version slot")
	}
	// The bookings' notifications arrive before a later commit's do (the
	// database sends them in commit order, the listener takes them one by
	// one): once B has heard a marker written after them, it has heard them.
	marker := b.Version()
	if err := f.st.CreateSupplier(ctx, &moves.Supplier{Key: "marker", Name: "Marker"}); err != nil {
		t.Fatal(err)
	}
	within(t, "B did not hear the marker", func() bool { return b.Version() != marker })
	data, move, otherMove, place := b.Version(), b.MoveVersion(m.ID), b.MoveVersion(other.ID), b.LocationVersion(other.FromID)
	if _, _, err := f.st.AppendEvent(ctx, f.event(m.ID, moves.EventMoveAccept, f.now, nil), store.AppendOptions{By: "test"}); err != nil {
		t.Fatal(err)
	}
	within(t, "B's version of the move did not move on", func() bool { return b.MoveVersion(m.ID) != move })
	if b.LocationVersion(m.FromID) == 0 {
		t.Error("B's version of the move's place never moved")
	}
	if b.Version() != data || b.MoveVersion(other.ID) != otherMove || b.LocationVersion(other.FromID) != place {
		t.Fatalf("an event on one move made B drop more than it touched: data %d→%d, other move %d→%d, other place %d→%d",
			data, b.Version(), otherMove, b.MoveVersion(other.ID), place, b.LocationVersion(other.FromID))
	}
}
