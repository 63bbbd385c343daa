package web

import (
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/labstack/echo/v4"
)

// InFlight counts the clients' requests being served: pages, form posts
// and API calls, those waiting for a read slot included; not static
// files, /health, /metrics, nor the deliveries the demo receiver takes
// from the worker itself. The notification worker reads it to give
// way to them (notify.Worker.Busy): main makes one and hands it to both.
type InFlight struct{ n atomic.Int64 }

// Busy says whether more requests are in flight than there are CPUs to
// serve them: the service's own clients are waiting on it.
func (f *InFlight) Busy() bool { return f.n.Load() > int64(runtime.GOMAXPROCS(0)) }

// saturatedPerCPU is how many clients' requests in flight per CPU make
// the service saturated.
const saturatedPerCPU = 4

// Saturated says whether the requests in flight are saturatedPerCPU
// times the CPUs or more: not a moment's overlap but a queue at every
// CPU, as under a burst of events from a supplier's systems. Deliveries
// wait for it to pass (notify.Worker.Saturated).
func (f *InFlight) Saturated() bool {
	return f.n.Load() >= saturatedPerCPU*int64(runtime.GOMAXPROCS(0))
}

// counts says whether a request is a client's.
func (*InFlight) counts(r *http.Request) bool {
	p := r.URL.Path
	if p == "/demo/webhooks" && r.Method == http.MethodPost {
		return false
	}
	return !strings.HasPrefix(p, "/static/") && p != "/health" && p != "/metrics"
}

func (f *InFlight) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !f.counts(c.Request()) {
			return next(c)
		}
		f.n.Add(1)
		defer f.n.Add(-1)
		return next(c)
	}
}
