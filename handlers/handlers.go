// Package handlers holds the echo handlers of the staff app and the API:
// parsing forms and JSON, checking who may do what, calling the store and
// rendering views. It never writes SQL and never builds HTML by hand.
package handlers

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

func init() {
	gob.Register([]string{})
}

// London is the zone every date and time is shown in.
var London = mustLoadLondon()

func mustLoadLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("handlers: Europe/London time zone data is missing: " + err.Error())
	}
	return l
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
	BaseURL string
	// TokenTTL is how long an API access token lives.
	TokenTTL time.Duration
	Throttle *Throttle
	// Pages, when set, keeps rendered pages for the routes marked CachedDay
	// or CachedMove.
	Pages *PageCache
	// AllowedMethods, when set, lists the methods the routes answer a path
	// with (for 405 Method Not Allowed).
	AllowedMethods func(path string) []string
}

// Today is the current date in Europe/London, as YYYY-MM-DD.
func (h *Handlers) Today() string { return h.Now().In(London).Format("2006-01-02") }

// render buffers a component and writes it with a status, so a failure
// half-way never sends half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// isHTMX reports whether htmx asked for a fragment of a page (not a boosted
// navigation or a history restore, which need the whole page).
func isHTMX(c echo.Context) bool {
	r := c.Request()
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true" &&
		r.Header.Get("HX-History-Restore-Request") != "true"
}

// redirect answers a successful POST with 303 See Other.
func redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// Status maps an error's code to an HTTP status: the one place this is
// decided, for pages and the API alike.
func Status(err error) int {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	switch moves.ErrorCode(err) {
	case moves.Invalid:
		return http.StatusUnprocessableEntity
	case moves.NotFound:
		return http.StatusNotFound
	case moves.Conflict:
		return http.StatusConflict
	case moves.Forbidden:
		return http.StatusForbidden
	case moves.Unauthorized:
		return http.StatusUnauthorized
	}
	if errors.Is(err, context.Canceled) {
		return 499
	}
	return http.StatusInternalServerError
}

var errCSRF = &csrfError{}

type csrfError struct{}

func (*csrfError) Error() string { return "csrf token missing or wrong" }

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

// logFor is the request's logger, which carries its request_id (set by
// web's requestID middleware); h.Log when the request has none (tests).
func (h *Handlers) logFor(c echo.Context) *slog.Logger {
	if l, ok := c.Get("log").(*slog.Logger); ok && l != nil {
		return l
	}
	return h.Log
}
