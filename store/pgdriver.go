package store

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/stdlib"
)

// pgConnector hands database/sql PostgreSQL connections (pgx's stdlib
// driver) that take the store's queries as written, with ? placeholders,
// and rebind them to PostgreSQL's $1, $2… on the way through. Every query
// of the store keeps one text, whichever the engine.
//
// On the write pool (notify set) each transaction also sends, inside
// itself just before it commits, a notification on the store's channel:
// PostgreSQL delivers it to the other instances when, and only if, the
// commit succeeds, and they drop what they keep in memory (listener.go).
type pgConnector struct {
	inner  driver.Connector
	notify *notifier
}

// notifier is the channel and this instance's payload, by which the
// instance knows its own notifications.
type notifier struct {
	channel, payload string
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{Conn: conn.(*stdlib.Conn), notify: c.notify}, nil
}

func (c *pgConnector) Driver() driver.Driver { return c.inner.Driver() }

type pgConn struct {
	*stdlib.Conn
	notify *notifier
	inTx   bool
	// notified: the transaction sent its own notification (the writer's,
	// saying what it touched), so the commit sends no plain one.
	notified bool
}

func (c *pgConn) Prepare(q string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(q))
}

func (c *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(q))
}

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx, c.notified = true, false
	return &pgTx{Tx: tx, c: c, ctx: ctx}, nil
}

// ExecContext outside a transaction, on the write pool, runs in one of its
// own so that the notification goes with the commit.
func (c *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if c.notify == nil || c.inTx {
		if c.inTx && strings.HasPrefix(q, "SELECT pg_notify(") {
			c.notified = true
		}
		return c.Conn.ExecContext(ctx, rebind(q), args)
	}
	tx, err := c.BeginTx(ctx, driver.TxOptions{})
	if err != nil {
		return nil, err
	}
	res, err := c.Conn.ExecContext(ctx, rebind(q), args)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return res, nil
}

// QueryContext reads. (The store writes with a query only inside a
// transaction, INSERT … RETURNING, whose commit notifies.)
func (c *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(q), args)
}

func (c *pgConn) sendNotify(ctx context.Context) error {
	_, err := c.Conn.Conn().Exec(ctx, "SELECT pg_notify($1, $2)", c.notify.channel, c.notify.payload)
	return err
}

type pgTx struct {
	driver.Tx
	c   *pgConn
	ctx context.Context
}

func (t *pgTx) Commit() error {
	t.c.inTx = false
	if t.c.notify != nil && !t.c.notified {
		if err := t.c.sendNotify(t.ctx); err != nil {
			_ = t.Tx.Rollback()
			return err
		}
	}
	return t.Tx.Commit()
}

func (t *pgTx) Rollback() error {
	t.c.inTx = false
	return t.Tx.Rollback()
}

// rebound caches rebind's answers: the store has a few hundred query
// texts, each rebound once. Queries with IN lists of any length have
// many; past maxRebound texts the rest are rebound every time.
var (
	rebound     sync.Map
	reboundSize atomic.Int64
)

const maxRebound = 4096

// rebind turns ? and ?NNN placeholders into $n and $NNN, leaving quoted
// strings, quoted identifiers and comments as they are.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case ch == '\'' || ch == '"':
			j := i + 1
			for j < len(q) && q[j] != ch {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case ch == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case ch == '/' && i+1 < len(q) && q[i+1] == '*':
			j := strings.Index(q[i+2:], "*/")
			end := len(q)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(q[i:end])
			i = end - 1
		case ch == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				b.WriteString(q[i+1 : j]) // ?NNN names its argument
			} else {
				n++
				b.WriteString(itoa(n))
			}
			i = j - 1
		default:
			b.WriteByte(ch)
		}
	}
	out := b.String()
	if reboundSize.Add(1) <= maxRebound {
		rebound.Store(q, out)
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
