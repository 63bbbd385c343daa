// Package admin holds the handlers of the administration pages: users,
// API clients, locations and suppliers. It shares only handlers/serve with
// the staff pages and the supplier API, and imports neither.
package admin

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
)

// Handlers holds what every administration handler needs.
type Handlers struct {
	Store    *store.Store
	Sessions serve.Sessions
	Log      *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// BaseURL is the public address, for the token URL shown with a
	// client's credentials.
	BaseURL string
	// Notify, when set, turns on the subscription pages
	// (admin_subscriptions.go).
	Notify *serve.NotifyDeps
}

// Today is the current date in Europe/London, as YYYY-MM-DD.
func (h *Handlers) Today() string { return serve.Today(h.Now()) }

func (h *Handlers) logFor(c echo.Context) *slog.Logger { return serve.LogFor(c, h.Log) }
