package store

import (
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// checkpointEvery is how often the background checkpointer copies what
// was committed to the write-ahead log back into the database file. Each
// copy ends with an fsync of the file that commits queue behind; once a
// second measured a lower p99 for event posts than five times a second.
const checkpointEvery = time.Second

// watchEvery is how often it looks for other processes' commits.
const watchEvery = 200 * time.Millisecond

// walBackstop (pages, about 200 MB) is where the writer checkpoints by
// itself, should the background checkpointer fall behind. It is more than
// two seconds of log at the fastest the log has been seen to grow
// (peakLogPerSecond), so the writer never does it while the checkpointer
// keeps its once a second. At 20,000 (80 MB) a stream of keyed events at
// a million moves reached it within the second: the writer then copied up
// to 80 MB back and synced the file while every write waited, and the
// events' p99 was 103–139 ms; at 50,000, 25–28 ms, at the same rate.
// SQLite's default is 1,000.
const walBackstop = 50000

// peakLogPerSecond is the most log seen written in a second (pages): keyed
// events from 32 clients at a million moves, each event's pages spread
// over the indexes of ten million events.
const peakLogPerSecond = 20000

// checkpointer copies the write-ahead log back into the database file on a
// connection of its own. Left to SQLite, the commit that takes the log past
// 1,000 pages does the copying and its fsync itself, while every write
// waiting behind it waits too: the slowest answers of event ingestion. In
// the background the copy runs beside the writer, which keeps committing.
//
// It also watches for commits made by other processes (the clients
// command disabling a client while the server runs): SQLite's data_version,
// read on the write connection, changes with every commit made on any
// other connection, and when it does, onChange makes everything kept in
// memory stale. (The write connection's own commits leave it alone: they
// have moved the versions on already.)
type checkpointer struct {
	db       *sql.DB
	watch    *sql.DB
	dirty    *atomic.Bool
	onChange func()
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

func newCheckpointer(path string, watch *sql.DB, dirty *atomic.Bool, onChange func()) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: open %s for checkpoints: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	c := &checkpointer{db: db, watch: watch, dirty: dirty, onChange: onChange, stop: make(chan struct{}), done: make(chan struct{})}
	// The first data_version is read now, before anything is kept in
	// memory, so that no commit from then on goes unseen.
	seen, err := c.dataVersion()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: data version: %w", err)
	}
	go c.loop(seen)
	return c, nil
}

func (c *checkpointer) dataVersion() (int64, error) {
	var dv int64
	err := c.watch.QueryRow("PRAGMA data_version").Scan(&dv)
	return dv, err
}

func (c *checkpointer) loop(seen int64) {
	defer close(c.done)
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		if dv, err := c.dataVersion(); err == nil && dv != seen {
			c.onChange()
			seen = dv
		}
		if time.Since(last) < checkpointEvery || !c.dirty.Swap(false) {
			continue
		}
		last = time.Now()
		// PASSIVE never waits for readers or the writer: what it cannot
		// copy now is copied next time (or by the writer's backstop).
		_, _ = c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// close stops the checkpointer; closing twice does nothing more.
func (c *checkpointer) close() error {
	var err error
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		err = c.db.Close()
	})
	return err
}
