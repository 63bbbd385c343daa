// Package handlers holds the echo handlers of the staff pages (the API is
// in handlers/api, the administration in handlers/admin, what they share
// in handlers/serve):
// parsing forms and JSON, checking who may do what, calling the store and
// rendering views. It never writes SQL and never builds HTML by hand.
package handlers

import (
	"encoding/gob"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

func init() {
	gob.Register([]string{})
}

// Handlers holds what every handler needs.
type Handlers struct {
	Store    *store.Store
	Sessions serve.Sessions
	Log      *slog.Logger
	// Now is the clock; tests replace it.
	Now  func() time.Time
	Demo bool
	// BaseURL is the public address, for links in the API.
	BaseURL  string
	Throttle *Throttle
	// Pages, when set, keeps rendered pages for the routes marked CachedDay
	// or CachedMove.
	Pages *PageCache
	// DemoSink, in demo mode, is the built-in webhook receiver whose
	// arrivals /demo/webhooks shows.
	DemoSink *notify.Sink
}

// Today is the current date in Europe/serve.London, as YYYY-MM-DD.
func (h *Handlers) Today() string { return serve.Today(h.Now()) }

// logFor is the request's logger (see serve.LogFor).
func (h *Handlers) logFor(c echo.Context) *slog.Logger { return serve.LogFor(c, h.Log) }

// page builds the layout's model for the signed-in user (serve.PageFor).
func (h *Handlers) page(c echo.Context, title string) views.Page {
	return serve.PageFor(c, h.Sessions, title)
}
