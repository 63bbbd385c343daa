package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store: closed")

// writer commits concurrent writes together. SQLite takes one writer at a
// time and every commit costs a sync to disk; a goroutine that gathers all
// the writes waiting at that moment into one transaction, each inside its
// own savepoint, pays that cost once per batch instead of once per write.
// A write that fails is rolled back to its savepoint alone.
type writer struct {
	db   *writeDB
	reqs chan *writeReq
	done chan struct{}
	mu   sync.RWMutex
	shut bool
	// MaxBatch bounds how many writes share a transaction.
	maxBatch int
}

type writeReq struct {
	fn  func(tx *txStmts) (any, error)
	res chan writeRes
	// fine: fn records in tx.touched everything it changes, so its
	// commit moves on the finer versions rather than the data version.
	fine bool
}

type writeRes struct {
	v   any
	err error
}

func newWriter(db *writeDB) *writer {
	w := &writer{db: db, reqs: make(chan *writeReq, 4096), done: make(chan struct{}), maxBatch: 256}
	go w.loop()
	return w
}

// submit queues fn and waits for its batch to commit. The write is not
// abandoned when ctx ends: once queued it completes, so that a client that
// gave up can learn the outcome by retrying with the same idempotency key.
func (w *writer) submit(ctx context.Context, fine bool, fn func(tx *txStmts) (any, error)) writeRes {
	req := &writeReq{fn: fn, res: make(chan writeRes, 1), fine: fine}
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

func (w *writer) loop() {
	defer close(w.done)
	for first := range w.reqs {
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
		w.run(batch)
	}
}

func (w *writer) run(batch []*writeReq) {
	results := make([]writeRes, len(batch))
	// The version moves on before anyone hears back, so a client that
	// reads after its write never gets a page cached before it.
	fail := func(err error) {
		w.db.done()
		for _, r := range batch {
			r.res <- writeRes{err: err}
		}
	}
	ctx := context.Background()
	sqlTx, err := w.db.begin(ctx)
	if err != nil {
		fail(fmt.Errorf("store: begin: %w", err))
		return
	}
	tx := newTxStmts(sqlTx)
	for i, r := range batch {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("store: savepoint: %w", err))
			return
		}
		v, err := r.fn(tx)
		// On PostgreSQL another instance's writes may deadlock with this
		// one; the database breaks the tie by failing one, which goes
		// again from its savepoint (its locks went with the rollback).
		for try := 1; err != nil && retryable(err) && try < 3; try++ {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
				break
			}
			v, err = r.fn(tx)
		}
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
				tx.Rollback()
				fail(fmt.Errorf("store: rollback to savepoint: %w", rerr))
				return
			}
		}
		if _, rerr := tx.ExecContext(ctx, "RELEASE w"); rerr != nil {
			tx.Rollback()
			fail(fmt.Errorf("store: release savepoint: %w", rerr))
			return
		}
		results[i] = writeRes{v: v, err: err}
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("store: commit: %w", err))
		return
	}
	fine := true
	for _, r := range batch {
		fine = fine && r.fine
	}
	if fine {
		w.db.changedFine(tx.touched)
	} else {
		w.db.done()
	}
	for i, r := range batch {
		r.res <- results[i]
	}
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
