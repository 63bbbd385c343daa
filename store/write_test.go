package store_test

import (
	"context"
	"errors"
	"github.com/securemove/securemove/store/storetest"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// keyedEvent is what an API handler does for POST /api/events with a key:
// the event and its rendered answer, in one unit of work.
func keyedEvent(st *store.Store, e moves.Event, key string) (store.Answer, error) {
	return st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "c1", Key: key, Fingerprint: "fp-" + e.MoveID}},
		func(u *store.Unit) (store.Answer, error) {
			ev, _, err := st.AppendEvent(u.Context(), e, store.AppendOptions{By: "test"})
			if err != nil {
				return store.Answer{Status: 422}, err
			}
			return store.Answer{Status: 201, ContentType: "application/vnd.api+json", Body: []byte(`{"id":"` + ev.ID + `"}`)}, nil
		})
}

// A unit that fails after its writes leaves nothing of them, and moves no
// version on.
func TestFailedUnitLeavesNothing(t *testing.T) {
	storetest.ForEachEngine(t, testFailedUnitLeavesNothing)
}

func testFailedUnitLeavesNothing(t *testing.T) {
	f := newFixture(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	events, before := countRows(t, f.st, "events"), f.st.MoveVersion(m.ID)
	boom := errors.New("boom")
	ans, err := f.st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "c1", Key: "k", Fingerprint: "fp"}},
		func(u *store.Unit) (store.Answer, error) {
			if _, _, err := f.st.AppendEvent(u.Context(), f.event(m.ID, moves.EventMoveAccept, f.now, nil), store.AppendOptions{By: "test"}); err != nil {
				t.Fatal(err)
			}
			if _, err := u.ExecContext(u.Context(), "INSERT INTO regions (id, key, name) VALUES ('r', 'r', 'R')"); err != nil {
				t.Fatal(err)
			}
			return store.Answer{Status: 500}, boom
		})
	if !errors.Is(err, boom) || ans.Status != 500 {
		t.Fatalf("Write: %+v %v", ans, err)
	}
	if countRows(t, f.st, "events") != events || countRows(t, f.st, "regions") != 0 || countRows(t, f.st, "idempotency_keys") != 0 {
		t.Fatal("a failed unit left rows behind")
	}
	if got, _ := f.st.Move(context.Background(), m.ID); got.Status != m.Status || got.Version != m.Version {
		t.Fatalf("a failed unit changed the move: %+v", got)
	}
	if f.st.MoveVersion(m.ID) != before {
		t.Fatal("a failed unit moved its move's version on")
	}
	// A store call that fails inside a unit undoes only its own writes:
	// the unit goes on and commits the rest.
	_, err = f.st.Write(context.Background(), store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
		if _, err := u.ExecContext(u.Context(), "INSERT INTO regions (id, key, name) VALUES ('r', 'r', 'R')"); err != nil {
			return store.Answer{}, err
		}
		dup := moves.Region{Key: "r", Name: "Again"}
		if err := f.st.CreateRegion(u.Context(), &dup); moves.ErrorCode(err) != moves.Conflict {
			t.Errorf("duplicate region inside a unit: %v", err)
		}
		return store.Answer{Status: 201}, nil
	})
	if err != nil || countRows(t, f.st, "regions") != 1 {
		t.Fatalf("unit with a failed inner call: %v, %d regions", err, countRows(t, f.st, "regions"))
	}
}

// The same key sent many times at once makes one change; every answer is
// the first one's.
func TestSameKeyConcurrentlyMakesOneChange(t *testing.T) {
	storetest.ForEachEngine(t, testSameKeyConcurrentlyMakesOneChange)
}

func testSameKeyConcurrentlyMakesOneChange(t *testing.T) {
	f := newFixture(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	events := countRows(t, f.st, "events")
	const n = 16
	answers := make([]store.Answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := keyedEvent(f.st, f.event(m.ID, moves.EventMoveAccept, f.now, nil), "same")
			if err != nil {
				t.Error(err)
			}
			answers[i] = a
		}()
	}
	wg.Wait()
	wantOneChange(t, countRows(t, f.st, "events")-events, answers)
	// Another request with the key is refused, and changes nothing.
	other := f.event(m.ID, moves.EventMoveAccept, f.now, nil)
	_, err := f.st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "c1", Key: "same", Fingerprint: "other"}},
		func(u *store.Unit) (store.Answer, error) {
			_, _, err := f.st.AppendEvent(u.Context(), other, store.AppendOptions{By: "test"})
			return store.Answer{Status: 201}, err
		})
	if !errors.Is(err, store.ErrKeyReused) || countRows(t, f.st, "events")-events != 1 {
		t.Fatalf("other request with the key: %v", err)
	}
}

// A request whose server died after the commit, before the client heard
// back, is replayed on retry, not repeated: the answer was kept with the
// change.
func TestRetryAfterCommitIsReplayed(t *testing.T) {
	storetest.ForEachEngine(t, testRetryAfterCommitIsReplayed)
}

func testRetryAfterCommitIsReplayed(t *testing.T) {
	path := storetest.DSN(t)
	f := newFixtureAt(t, path)
	m := f.courtMove(t, f.person, "2026-11-23")
	e := f.event(m.ID, moves.EventMoveAccept, f.now, nil)
	first, err := keyedEvent(f.st, e, "k1")
	if err != nil {
		t.Fatal(err)
	}
	_ = first // the answer is lost with the server
	events := countRows(t, f.st, "events")
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return f.now.Add(time.Second) }
	again, err := keyedEvent(st, e, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || again.Status != 201 || string(again.Body) != string(first.Body) {
		t.Fatalf("retry after commit: %+v, first %+v", again, first)
	}
	if countRows(t, st, "events") != events {
		t.Fatal("the retry stored the event again")
	}
}

// A request whose server died before the commit left nothing, its key
// included: the retry, at once, performs it (no 409, no waiting). The
// crash is simulated by copying the database files, as they are on disk,
// while the unit is still running.
func TestRetryAfterUncommittedAttemptRuns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	f := newFixtureAt(t, path)
	m := f.courtMove(t, f.person, "2026-11-23")
	e := f.event(m.ID, moves.EventMoveAccept, f.now, nil)
	events := countRows(t, f.st, "events")
	crashed := filepath.Join(dir, "crashed.db")
	_, err := f.st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "c1", Key: "k1", Fingerprint: "fp-" + m.ID}},
		func(u *store.Unit) (store.Answer, error) {
			if _, _, err := f.st.AppendEvent(u.Context(), e, store.AppendOptions{By: "test"}); err != nil {
				return store.Answer{}, err
			}
			// SIGKILL here: the disk holds what it holds now.
			for _, suffix := range []string{"", "-wal"} {
				if err := copyFile(path+suffix, crashed+suffix); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
			return store.Answer{Status: 201, Body: []byte("first")}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), crashed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return f.now.Add(time.Second) }
	if n := countRows(t, st, "events"); n != events {
		t.Fatalf("the crashed attempt left %d events, want %d", n, events)
	}
	again, err := keyedEvent(st, e, "k1")
	if err != nil || again.Replayed || again.Status != 201 {
		t.Fatalf("retry after an uncommitted attempt: %+v %v", again, err)
	}
	if n := countRows(t, st, "events"); n != events+1 {
		t.Fatalf("%d events after the retry, want %d", n, events+1)
	}
	// A claim without an answer, as the previous version of the service
	// left when it died mid-request, does not block the key either.
	if _, err := st.DB().Exec("INSERT INTO idempotency_keys (client_id, key, fingerprint, created_at) VALUES ('c1', 'old', ?, ?)",
		"fp-"+m.ID, f.now.UnixMicro()); err != nil {
		t.Fatal(err)
	}
	if a, err := keyedEvent(st, e, "old"); err != nil || a.Replayed || a.Status != 201 {
		t.Fatalf("retry of an old claim: %+v %v", a, err)
	}
}

// Keys are kept for IdempotencyTTL: within it another request is refused,
// after it the key is free again.
func TestKeysExpire(t *testing.T) { storetest.ForEachEngine(t, testKeysExpire) }

func testKeysExpire(t *testing.T) {
	f := newFixture(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	if _, err := keyedEvent(f.st, f.event(m.ID, moves.EventMoveAccept, f.now, nil), "k"); err != nil {
		t.Fatal(err)
	}
	other := func() error {
		_, err := f.st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "c1", Key: "k", Fingerprint: "other"}},
			func(u *store.Unit) (store.Answer, error) { return store.Answer{Status: 201}, nil })
		return err
	}
	f.now = f.now.Add(store.IdempotencyTTL - time.Minute)
	if err := other(); !errors.Is(err, store.ErrKeyReused) {
		t.Fatalf("within the TTL: %v", err)
	}
	f.now = f.now.Add(2 * time.Minute)
	if err := other(); err != nil {
		t.Fatalf("after the TTL: %v", err)
	}
	// Another client's key of the same name is its own.
	if _, err := f.st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "c2", Key: "k", Fingerprint: "x"}},
		func(u *store.Unit) (store.Answer, error) { return store.Answer{Status: 201}, nil }); err != nil {
		t.Fatalf("another client's key: %v", err)
	}
}

// wantOneChange holds concurrent requests with one key to one change
// (events, the events stored since they started) and one answer, given
// by the first to commit and replayed to the others.
func wantOneChange(t *testing.T, events int, answers []store.Answer) {
	t.Helper()
	if events != 1 {
		t.Fatalf("%d events stored for one key", events)
	}
	replayed := 0
	for _, a := range answers {
		if a.Status != 201 || string(a.Body) != string(answers[0].Body) {
			t.Fatalf("answers differ: %+v vs %+v", a, answers[0])
		}
		if a.Replayed {
			replayed++
		}
	}
	if n := len(answers); replayed != n-1 {
		t.Fatalf("%d of %d answers replayed, want %d", replayed, n, n-1)
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// The writer prepares a statement once, not once per transaction: the
// first transaction to run a query prepares it, and the ones after it
// find it kept, also after a unit that failed, and get the right rows.
func TestWriterKeepsStatementsAcrossTransactions(t *testing.T) {
	storetest.ForEachEngine(t, testWriterKeepsStatementsAcrossTransactions)
}

func testWriterKeepsStatementsAcrossTransactions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const q = "SELECT COUNT(*) FROM regions WHERE id <> ? /* kept-statement test */"
	type state struct {
		kept, prepared bool
		n              int
	}
	run := func(fail bool) state {
		t.Helper()
		var s state
		_, err := f.st.Write(ctx, store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
			if err := u.QueryRowContext(u.Context(), q, "none").Scan(&s.n); err != nil {
				t.Fatal(err)
			}
			s.kept, s.prepared = u.StmtState(q)
			if fail {
				return store.Answer{}, errors.New("boom")
			}
			return store.Answer{Status: 200}, nil
		})
		if fail != (err != nil) {
			t.Fatalf("fail=%v: err = %v", fail, err)
		}
		return s
	}
	var regions int
	if err := f.st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM regions").Scan(&regions); err != nil {
		t.Fatal(err)
	}
	if s := run(true); s.kept || !s.prepared || s.n != regions {
		t.Fatalf("first transaction: %+v, want prepared here, %d rows", s, regions)
	}
	for i := range 3 {
		if s := run(false); !s.kept || s.prepared || s.n != regions {
			t.Fatalf("transaction %d after the first: %+v, want kept, not prepared again, %d rows", i+2, s, regions)
		}
	}
}

// Migration 0024 moves SQLite's kept answers out of the key's b-tree: a
// request retried across the upgrade still gets the answer kept before
// it, and a key kept before it still refuses another request.
func TestKeptAnswersSurviveTheirMove(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// The table as it was before 0024, holding one kept answer.
	for _, q := range []string{
		"DROP TABLE idempotency_keys",
		`CREATE TABLE idempotency_keys (client_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER,
			body BLOB, content_type TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (client_id, key)) STRICT, WITHOUT ROWID`,
		"CREATE INDEX idempotency_keys_by_created ON idempotency_keys(created_at)",
		"DELETE FROM schema_migrations WHERE version = 24",
	} {
		if _, err := st.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.DB().Exec(`INSERT INTO idempotency_keys (client_id, key, fingerprint, status, body, content_type, created_at)
		VALUES ('c1', 'k1', 'fp', 201, CAST('{"kept":true}' AS BLOB), 'application/vnd.api+json', ?)`, now.Add(-time.Hour).UnixMicro()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ran := false
	write := func(fp string) (store.Answer, error) {
		return st.Write(ctx, store.WriteOptions{Idempotency: &store.Key{Client: "c1", Key: "k1", Fingerprint: fp}},
			func(u *store.Unit) (store.Answer, error) {
				ran = true
				return store.Answer{Status: 201, Body: []byte("again")}, nil
			})
	}
	a, err := write("fp")
	if err != nil || !a.Replayed || a.Status != 201 || string(a.Body) != `{"kept":true}` || a.ContentType != "application/vnd.api+json" || ran {
		t.Fatalf("the retry after the migration: %+v %v (ran again: %v)", a, err, ran)
	}
	if _, err := write("another"); !errors.Is(err, store.ErrKeyReused) || ran {
		t.Fatalf("another request with the kept key: %v (ran: %v)", err, ran)
	}
	// Once its time is up the key is free again, and its row is replaced,
	// not doubled: the key's index is unique.
	st.Now = func() time.Time { return now.Add(store.IdempotencyTTL) }
	if a, err := write("another"); err != nil || a.Replayed || !ran {
		t.Fatalf("the key after its time: %+v %v (ran: %v)", a, err, ran)
	}
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM idempotency_keys WHERE client_id = 'c1' AND key = 'k1'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d rows for the key, %v", n, err)
	}
}

// On PostgreSQL the writer's lanes commit side by side: a write does not
// wait for another that is still under way (a slow unit, or one waiting
// for a row another instance holds). On SQLite there is one writer, and
// the second write waits its turn.
func TestWritesSideBySideOnPostgres(t *testing.T) {
	storetest.ForEachEngine(t, testWritesSideBySideOnPostgres)
}

func testWritesSideBySideOnPostgres(t *testing.T) {
	f := newFixture(t)
	m := f.courtMove(t, f.person, "2026-11-23")
	ctx := context.Background()
	running, hold := make(chan struct{}), make(chan struct{})
	held := make(chan error, 1)
	go func() {
		_, err := f.st.Write(ctx, store.WriteOptions{}, func(u *store.Unit) (store.Answer, error) {
			close(running)
			<-hold
			return store.Answer{Status: 200}, nil
		})
		held <- err
	}()
	<-running
	second := make(chan error, 1)
	go func() {
		_, err := keyedEvent(f.st, moves.Event{MoveID: m.ID, Type: moves.EventMoveNotifyPremisesOfArrivalIn30Mins,
			OccurredAt: f.now, RecordedAt: f.now, CreatedBy: "test"}, "side-by-side")
		second <- err
	}()
	pg := f.st.Engine() == "postgres"
	select {
	case err := <-second:
		if !pg {
			t.Fatalf("on SQLite a write went through while another held the writer (err %v)", err)
		}
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(map[bool]time.Duration{true: 10 * time.Second, false: 300 * time.Millisecond}[pg]):
		if pg {
			t.Fatal("on PostgreSQL a write waited for another unit still under way")
		}
	}
	close(hold)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if !pg {
		if err := <-second; err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, f.st, "idempotency_keys"); n != 1 {
		t.Errorf("%d keys kept, want 1", n)
	}
}
