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
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

func init() {
	gob.Register([]string{})
}

// Handlers holds what every handler needs.
type Handlers struct {
	Store    *store.Store
	Sessions *Sessions
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
}

// Today is the current date in Europe/serve.London, as YYYY-MM-DD.
func (h *Handlers) Today() string { return serve.Today(h.Now()) }

// logFor is the request's logger (see serve.LogFor).
func (h *Handlers) logFor(c echo.Context) *slog.Logger { return serve.LogFor(c, h.Log) }

// page builds the layout's model for the signed-in user.
func (h *Handlers) page(c echo.Context, title string) views.Page {
	p := views.Page{Title: title, CSRF: h.Sessions.CSRFToken(c)}
	u := currentUser(c)
	if u == nil {
		return p
	}
	p.User = &views.User{Name: u.FullName}
	p.Location = u.LocationName
	p.CanChangeLocation = u.CanChooseLocation()
	p.Nav = navFor(u, c.Path())
	if f := h.Sessions.TakeFlash(c); f != nil {
		p.Flash = &views.Flash{Title: f.Title, Text: f.Text, Important: f.Important}
	}
	return p
}

// viewErrors turns field errors into the view's, mapping field names to
// the ids of the inputs on the page.
func viewErrors(fe moves.FieldErrors, ids map[string]string) views.Errors {
	out := make(views.Errors, 0, len(fe))
	for _, e := range fe {
		id := e.Field
		if ids != nil {
			if v, ok := ids[e.Field]; ok {
				id = v
			}
		}
		out = append(out, views.FieldError{ID: id, Message: e.Message})
	}
	return out
}
