package store

import (
	"context"
	"database/sql"
	"sync"
)

// Parsing SQL is a third of the work of a short query with this driver, and
// database/sql does not keep statements unless asked. readDB keeps a
// prepared statement per query text for the read pool; txStmts keeps them
// for the life of one write transaction (the writer's batch).

// maxCachedStmts bounds the cache: queries with variable IN lists have
// many texts, and only the common ones are worth keeping.
const maxCachedStmts = 512

// readDB is the read pool with a statement cache. It has the methods of
// *sql.DB that the store uses, so call sites read the same.
type readDB struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newReadDB(db *sql.DB) *readDB { return &readDB{DB: db, stmts: map[string]*sql.Stmt{}} }

func (r *readDB) stmt(ctx context.Context, q string) *sql.Stmt {
	r.mu.RLock()
	st := r.stmts[q]
	r.mu.RUnlock()
	if st != nil {
		return st
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if st = r.stmts[q]; st != nil {
		return st
	}
	if len(r.stmts) >= maxCachedStmts {
		return nil
	}
	st, err := r.DB.PrepareContext(ctx, q)
	if err != nil {
		return nil // the uncached call reports the error
	}
	r.stmts[q] = st
	return st
}

// inUnit returns the unit of work ctx carries for this store, if any:
// reads made inside a unit go through its transaction, so that what a
// handler renders inside the unit (an API answer kept for its
// Idempotency-Key) shows the change the unit made, not yet committed.
func (r *readDB) inUnit(ctx context.Context) *Unit {
	u, _ := ctx.Value(unitKey{}).(*Unit)
	if u == nil || u.s.r != r {
		return nil
	}
	return u
}

// QueryContext runs a cached statement.
func (r *readDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if u := r.inUnit(ctx); u != nil {
		return u.tx.QueryContext(ctx, q, args...)
	}
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.DB.QueryContext(ctx, q, args...)
}

// QueryRowContext runs a cached statement.
func (r *readDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if u := r.inUnit(ctx); u != nil {
		return u.tx.QueryRowContext(ctx, q, args...)
	}
	if st := r.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.DB.QueryRowContext(ctx, q, args...)
}

// Close closes the statements and the pool.
func (r *readDB) Close() error {
	r.mu.Lock()
	for _, st := range r.stmts {
		st.Close()
	}
	r.stmts = nil
	r.mu.Unlock()
	return r.DB.Close()
}

// txStmts is a write transaction with statements prepared once for it.
// Statements the writer keeps (kept, prepared on the write pool between
// transactions) join the transaction without being prepared again:
// database/sql reuses a statement already prepared on the transaction's
// connection (and prepares it there once, the first time, when the pool
// has a connection per lane). A query not kept yet is prepared for this
// transaction and noted in missed, for the writer to keep once the
// transaction is over (on SQLite it cannot prepare on the pool while the
// transaction holds its only connection).
type txStmts struct {
	*sql.Tx
	stmts  map[string]*sql.Stmt
	kept   *keptStmts
	missed []string
	// touched collects what the batch's events changed.
	touched touched
}

func newTxStmts(tx *sql.Tx, kept *keptStmts) *txStmts {
	return &txStmts{Tx: tx, stmts: map[string]*sql.Stmt{}, kept: kept}
}

func (t *txStmts) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := t.stmts[q]; st != nil {
		return st
	}
	if len(t.stmts) >= maxCachedStmts {
		return nil
	}
	var st *sql.Stmt
	if k := t.kept.get(q); k != nil {
		st = t.Tx.StmtContext(ctx, k)
	} else {
		var err error
		if st, err = t.Tx.PrepareContext(ctx, q); err != nil {
			return nil
		}
		t.missed = append(t.missed, q)
	}
	t.stmts[q] = st
	return st
}

// keptStmts are the statements the writer keeps on the write pool across
// transactions, shared by its lanes (PostgreSQL's lanes each have a
// connection; database/sql prepares a kept statement on each the first
// time a transaction there uses it).
type keptStmts struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newKeptStmts() *keptStmts { return &keptStmts{m: map[string]*sql.Stmt{}} }

func (k *keptStmts) get(q string) *sql.Stmt {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.m[q]
}

// keep prepares on the write pool, for the transactions to come, the
// statements a transaction that has ended had to prepare for itself. It
// runs on a lane's goroutine between its transactions, when its
// connection is free (SQLite's pool has that one only).
func (k *keptStmts) keep(ctx context.Context, db *sql.DB, missed []string) {
	for _, q := range missed {
		k.mu.RLock()
		skip := k.m[q] != nil || len(k.m) >= maxCachedStmts
		k.mu.RUnlock()
		if skip {
			continue
		}
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		k.mu.Lock()
		if k.m[q] == nil {
			k.m[q], st = st, nil
		}
		k.mu.Unlock()
		if st != nil {
			st.Close() // another lane kept it meanwhile
		}
	}
}

func (k *keptStmts) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, st := range k.m {
		st.Close()
	}
	k.m = map[string]*sql.Stmt{}
}

// QueryContext runs a statement prepared for this transaction.
func (t *txStmts) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

// QueryRowContext runs a statement prepared for this transaction.
func (t *txStmts) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, q, args...)
}

// ExecContext runs a statement prepared for this transaction.
func (t *txStmts) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, q, args...)
}
