package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/securemove/securemove/notify"
)

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store: closed")

// writer commits every write the store makes, as units of work (unit.go).
// SQLite takes one writer at a time and every commit costs a sync to
// disk; a goroutine that gathers all the units waiting at that moment into
// one transaction, each inside its own savepoint, pays that cost once per
// batch instead of once per write. A unit that fails is rolled back to its
// savepoint alone. On PostgreSQL, several lanes each commit one unit at a
// time instead (pgWriteLanes).
type writer struct {
	s    *Store
	reqs chan *writeReq
	done chan struct{}
	mu   sync.RWMutex
	shut bool
	// MaxBatch bounds how many writes share a transaction.
	maxBatch int
	// lanes take writes from reqs side by side, each with a connection of
	// its own: one on SQLite, which has one writer at a time whatever we
	// do; pgWriteLanes on PostgreSQL (see there).
	lanes int
	wg    sync.WaitGroup
	// kept are the statements kept across transactions (stmts.go).
	kept *keptStmts
	// now and sleep are the writer's clock (pace); tests set them before
	// the first write.
	now   func() time.Time
	sleep func(time.Duration)
}

// lane is one goroutine of the writer and what only it uses.
type lane struct {
	// committed is when the lane's last commit ended, before anyone heard
	// back (pace).
	committed time.Time
}

// pgWriteLanes is how many transactions the PostgreSQL writer has open at
// once, each of one unit of work.
//
// Why: every statement is a round trip to the server, about ten for a
// keyed event, and on a busy machine each waits its turn for a CPU. One
// writer doing them one after another, batch after batch, could not keep
// up with the busy day (bench, 10,000 moves, two rounds: 157 and 177 of
// the 200 events a second posted, events p99 632 and 496 ms, and the
// backlog growing). Four lanes kept up (199 and 198 a second, p99 124
// and 214 ms) and took keyed events alone 10% faster (561–619 against
// 509–563 a second). The pages' p99 rose from 62–84 to 123–159 ms: the
// server now does all the work it is sent, on the same two cores.
//
// Two lanes did no better than one: PostgreSQL commits transactions that
// send a NOTIFY (each unit's word to the other instances) one at a time,
// each with its WAL flush, so lanes gain by overlapping statements, not
// commits. Row locks keep units on the same move apart and a deadlock is
// broken and tried again, as between instances; but lanes that batched
// units deadlocked over moves taken in opposite orders, a second each
// for the detector (45 events in 10 s), so a transaction holds one unit.
const pgWriteLanes = 4

// commitGap is how long the SQLite writer lets pass after a commit
// before the next while reads are under way (Store.Reading).
//
// Why: a commit makes every reading connection drop its whole page cache
// when it next begins (SQLite's WAL mode cannot tell which pages
// changed), so a page rendered after a commit reads every page it needs
// from the file again. With suppliers posting 200 events a second, each
// committed on its own, that was nearly every page: in-process at 10,000
// moves (bench profile, PROFILE_EVENTS_PER_SECOND=200), the day list
// afresh took 1.31–1.63 ms at one client and ran 565–856 a second at 32;
// with commits 15 ms apart, 1.04 ms and 971–1,345 a second, about what it
// does with no events at all.
//
// The cost is the events' wait, and the busy day bounds it (events p99
// under 50 ms). Over HTTP, busy-day pages p99 · events p99, old against
// 10 ms and 15 ms apart: 43–54 · 21–29 ms against 36–37 · 33–34 and
// 29–31 · 36–39 at 10,000 moves; 36–42 · 19–175 against 35–53 · 30–47 and
// 34–43 · 38–56 at 100,000. On a second machine, alternated: no gap
// against 10 ms, events p99 23–36 against 39–57 ms (over 50 at a million
// moves) for pages p99 no better; 5 ms against no gap, events p99 31–43
// against 24–38 and pages p99 47–54 against 47–75 at 10,000, 60–61
// against 67–71 at a million (rounds not disturbed by the machine). So
// 5 ms: what the pages gain, for little of the events' cost. With nobody
// reading (an import, a stream of events alone) the writer commits at
// once, as before.
const commitGap = 5 * time.Millisecond

type writeReq struct {
	ctx context.Context
	fn  func(u *Unit) (any, error)
	res chan writeRes
}

type writeRes struct {
	v   any
	err error
}

func newWriter(s *Store) *writer {
	w := &writer{s: s, reqs: make(chan *writeReq, 4096), done: make(chan struct{}), maxBatch: 256, lanes: 1,
		kept: newKeptStmts(), now: time.Now, sleep: time.Sleep}
	if s.eng.pg {
		w.maxBatch, w.lanes = 1, pgWriteLanes
	}
	for range w.lanes {
		w.wg.Add(1)
		go w.loop(&lane{})
	}
	go func() {
		w.wg.Wait()
		w.kept.close()
		close(w.done)
	}()
	return w
}

// submit queues fn and waits for its batch to commit. The write is not
// abandoned when ctx ends: once queued it completes, so that a client that
// gave up can learn the outcome by retrying with the same idempotency key.
func (w *writer) submit(ctx context.Context, fn func(u *Unit) (any, error)) writeRes {
	req := &writeReq{ctx: ctx, fn: fn, res: make(chan writeRes, 1)}
	w.mu.RLock()
	if w.shut {
		w.mu.RUnlock()
		return writeRes{err: ErrClosed}
	}
	select {
	case w.reqs <- req:
	case <-ctx.Done():
		w.mu.RUnlock()
		return writeRes{err: ctx.Err()}
	}
	w.mu.RUnlock()
	return <-req.res
}

func (w *writer) loop(l *lane) {
	defer w.wg.Done()
	for first := range w.reqs {
		w.pace(l)
		batch := []*writeReq{first}
	gather:
		for len(batch) < w.maxBatch {
			select {
			case r, ok := <-w.reqs:
				if !ok {
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		w.run(l, batch)
	}
}

// pace holds the next commit back until commitGap after the last one
// while pages are being read on SQLite; what is submitted meanwhile joins
// the batch. PostgreSQL's readers share one buffer cache that a commit
// does not empty.
func (w *writer) pace(l *lane) {
	if w.s.eng.pg || w.s.reading.Load() == 0 {
		return
	}
	if d := commitGap - w.now().Sub(l.committed); d > 0 {
		w.sleep(d)
	}
}

func (w *writer) run(l *lane, batch []*writeReq) {
	db := w.s.w
	results, all, err := w.commit(batch)
	// On PostgreSQL a lane's transaction may meet another's (or another
	// instance's) after its unit went through: a deadlock over the
	// notifications written at the end, say. The database failed it and
	// nothing of it was kept, so it goes again from the start.
	for try := 2; err != nil && w.s.eng.pg && retryable(err) && try <= 3; try++ {
		results, all, err = w.commit(batch)
	}
	// Versions move on before anyone hears back, so a client that reads
	// after its write never gets a page cached before it. When the outcome
	// is unknown (a failed commit), everything is taken as changed.
	if err != nil {
		db.apply(touched{kinds: touchedAll})
		for _, r := range batch {
			r.res <- writeRes{err: err}
		}
		return
	}
	l.committed = w.now()
	db.apply(all)
	if all.kinds&touchedOutbox != 0 {
		w.s.outboxWritten()
	}
	for i, r := range batch {
		r.res <- results[i]
	}
}

// commit runs a batch's units in one transaction, each in a savepoint of
// its own, and commits it: each unit's outcome, and what the units that
// went through touched. An error is the transaction's: nothing of it was
// kept.
func (w *writer) commit(batch []*writeReq) ([]writeRes, touched, error) {
	db := w.s.w
	results := make([]writeRes, len(batch))
	ctx := context.Background()
	sqlTx, err := db.begin(ctx)
	if err != nil {
		return nil, touched{}, fmt.Errorf("store: begin: %w", err)
	}
	tx := newTxStmts(sqlTx, w.kept)
	// Whatever the outcome, what this transaction prepared is kept for
	// the next, once its connection is free again, and before anyone
	// hears back (the next write may be theirs, on another lane).
	defer func() { w.kept.keep(ctx, db.db, tx.missed) }()
	abort := func(err error) ([]writeRes, touched, error) {
		tx.Rollback()
		return nil, touched{}, err
	}
	var all touched
	var notes []notify.Notification
	if w.s.eng.pg && len(batch) == 1 {
		// One unit (PostgreSQL's lanes): the transaction is its
		// savepoint, two round trips fewer. A unit that fails leaves
		// nothing to commit; one that met another transaction goes again
		// from the start (run).
		r := batch[0]
		u := &Unit{s: w.s, tx: tx, batchNotes: &notes}
		u.ctx = context.WithValue(context.WithoutCancel(r.ctx), unitKey{}, u)
		var v any
		err := callUnit(func(u *Unit) error {
			var err error
			v, err = r.fn(u)
			return err
		}, u)
		if err != nil {
			tx.Rollback()
			if retryable(err) {
				return nil, touched{}, err
			}
			return []writeRes{{err: err}}, touched{}, nil
		}
		all, notes = u.touched, u.notes
		results[0] = writeRes{v: v}
		batch = nil // done: on to the notifications and the commit
	}
	for i, r := range batch {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			return abort(fmt.Errorf("store: savepoint: %w", err))
		}
		var v any
		var u *Unit
		var err error
		// On PostgreSQL another instance's writes may deadlock with this
		// unit's; the database breaks the tie by failing one, which goes
		// again from its savepoint (its locks went with the rollback).
		for try := 1; ; try++ {
			u = &Unit{s: w.s, tx: tx, batchNotes: &notes}
			u.ctx = context.WithValue(context.WithoutCancel(r.ctx), unitKey{}, u)
			err = callUnit(func(u *Unit) error {
				var err error
				v, err = r.fn(u)
				return err
			}, u)
			if err == nil || !retryable(err) || try == 3 {
				break
			}
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
				break
			}
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
				return abort(fmt.Errorf("store: rollback to savepoint: %w", rerr))
			}
		} else {
			all.add(u.touched)
			if u.emptiedOutbox {
				notes = notes[:0]
			}
			notes = append(notes, u.notes...)
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE w"); rerr != nil {
			return abort(fmt.Errorf("store: release savepoint: %w", rerr))
		}
		results[i] = writeRes{v: v, err: err}
	}
	if err := writeNotes(ctx, tx, notes); err != nil {
		return abort(err)
	}
	if err := w.s.notifyTouched(ctx, tx, all); err != nil {
		return abort(fmt.Errorf("store: notify: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return nil, touched{}, fmt.Errorf("store: commit: %w", err)
	}
	return results, all, nil
}

// close stops taking writes, finishes those queued, and waits.
func (w *writer) close() {
	w.mu.Lock()
	if w.shut {
		w.mu.Unlock()
		return
	}
	w.shut = true
	close(w.reqs)
	w.mu.Unlock()
	<-w.done
}
