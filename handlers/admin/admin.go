// Package admin holds the handlers of the administration pages: users,
// API clients, locations and suppliers. It shares only handlers/serve with
// the staff pages and the supplier API, and imports neither.
package admin

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
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

// formErrors is a refused change's errors for the fields of its form
// (ids maps a field to its input's id where they differ), or false when
// the change was refused as a whole.
func formErrors(err error, ids map[string]string) (views.Errors, bool) {
	if e, ok := moves.AsError(err); ok && len(e.Fields) > 0 {
		return serve.ViewErrors(e.Fields, ids), true
	}
	return nil, false
}

// A secret just made (an API client's, a subscription's signing secret)
// is shown once: kept in the encrypted session as [id, secret] under key
// for the page the redirect leads to, and gone from the session as soon as
// that page has been built.

// showSecretOnce keeps the secret and goes to page, which shows it.
func (h *Handlers) showSecretOnce(c echo.Context, key, id, secret, page string) error {
	h.Sessions.Set(c, key, []string{id, secret})
	if err := h.Sessions.Save(c); err != nil {
		return err
	}
	return serve.Redirect(c, page)
}

// takeSecret returns the secret kept under key for id and forgets it; ""
// when there is none (the page reloaded, or another id's).
func (h *Handlers) takeSecret(c echo.Context, key, id string) (string, error) {
	v, ok := h.Sessions.Value(c, key).([]string)
	if !ok || len(v) != 2 || v[0] != id {
		return "", nil
	}
	h.Sessions.Delete(c, key)
	return v[1], h.Sessions.Save(c)
}
