package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// listener is PostgreSQL's counterpart of the checkpointer's watch: it
// LISTENs on the store's channel, where every instance's write
// transactions notify as they commit (pgdriver.go), and when another
// instance has committed it makes everything kept in memory stale. A
// notification is delivered only once its transaction has committed, so
// nothing cached after it is older than the commit.
//
// Notifications sent while the listener was disconnected are lost, not
// replayed: so losing the connection drops everything kept, and so does
// getting it back.
type listener struct {
	cfg     *pgx.ConnConfig
	channel string
	// heard takes each notification's payload; lost is called when
	// notifications may have been missed.
	heard  func(payload string)
	lost   func()
	cancel context.CancelFunc
	done   chan struct{}
}

// listenRetry is how long the listener waits before connecting again.
const listenRetry = 500 * time.Millisecond

func newListener(ctx context.Context, cfg *pgx.ConnConfig, channel string, heard func(string), lost func()) (*listener, error) {
	l := &listener{cfg: cfg, channel: channel, heard: heard, lost: lost, done: make(chan struct{})}
	// Listening starts now, before anything is kept in memory, so that no
	// commit from then on goes unseen.
	conn, err := l.connect(ctx)
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go l.loop(lctx, conn)
	return l, nil
}

func (l *listener) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

func (l *listener) loop(ctx context.Context, conn *pgx.Conn) {
	defer close(l.done)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err == nil {
			l.heard(n.Payload)
			continue
		}
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		// Whatever was committed while we were away went unheard.
		l.lost()
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(listenRetry):
			}
			if conn, err = l.connect(ctx); err == nil {
				break
			}
		}
		l.lost()
	}
}

func (l *listener) close() {
	l.cancel()
	<-l.done
}
