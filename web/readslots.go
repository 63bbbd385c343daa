package web

import (
	"net/http"
	"runtime"
	"strings"

	"github.com/labstack/echo/v4"
)

// readSlots bounds how many reads (pages and API GETs) run at once to a
// few per CPU; the rest wait their turn in order. Writes, static files and
// /health never wait.
//
// Why: every write goes through one writer goroutine, and a supplier's
// event waits for it. With 32 people's page renders all runnable, the
// event's handler and the writer queue behind them for the CPU (a render
// takes milliseconds), so on a busy day an event could wait tens of
// milliseconds for its turn at a core. Bounding the reads that compete
// keeps the run queue short: writes are scheduled within a render or two,
// and reads lose nothing, since no more than this many could use the CPU
// at once anyway.
type readSlots chan struct{}

// readSlotsPerCPU leaves room for a read waiting on SQLite's disk or a
// slow client while others compute.
const readSlotsPerCPU = 2

// newReadSlots makes n slots; 0 is two per CPU, and a negative n no limit
// (nil).
func newReadSlots(n int) readSlots {
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = readSlotsPerCPU * runtime.GOMAXPROCS(0)
	}
	return make(readSlots, n)
}

// waits says whether a request takes a slot.
func (readSlots) waits(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	return !strings.HasPrefix(p, "/static/") && p != "/health" && p != "/metrics"
}

func (rs readSlots) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if rs == nil || !rs.waits(r) {
			return next(c)
		}
		select {
		case rs <- struct{}{}:
		case <-r.Context().Done():
			// The client went away while waiting: nothing to render, and
			// nobody to answer (499, as proxies log it).
			return c.NoContent(499)
		}
		defer func() { <-rs }()
		return next(c)
	}
}

// markReads tells the store while a read (a request that takes a read
// slot) is being served: the SQLite writer then spaces its commits, each
// of which empties every reading connection's page cache
// (store.Reading). It sits inside readSlots, so a read waiting for a slot
// is not yet counted.
func markReads(reading func() func()) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !readSlots(nil).waits(c.Request()) {
				return next(c)
			}
			defer reading()()
			return next(c)
		}
	}
}
