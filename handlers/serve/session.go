package serve

import (
	"time"

	"github.com/labstack/echo/v4"
)

// Session keys.
const (
	KeyUserID   = "uid"
	KeyLocation = "loc"
	KeyChosen   = "chosen"
	KeyCSRF     = "csrf"
	KeyFlash    = "flash"
	KeySignedIn = "at"
	// KeyGeneration is the user's session generation at sign-in: when
	// the user signs out, the store moves on to the next, and every
	// cookie of the older one stops working (LoadUser).
	KeyGeneration = "gen"
)

// Sessions is what handlers read and write of a browser's session. The
// cookies, their keys and the CSRF check are web's (web.NewSessions): the
// server's assembly decides how a session is kept, and handlers only see
// its values, so they never import web.
type Sessions interface {
	// Value is the session's value for key, or nil.
	Value(c echo.Context, key string) any
	// Str is the session's string for key, or "".
	Str(c echo.Context, key string) string
	// Set and Delete change the request's session; Save sends it.
	Set(c echo.Context, key string, v any)
	Delete(c echo.Context, key string)
	Save(c echo.Context) error
	// Renew replaces the session with a fresh one holding only values
	// (and a new CSRF token), so nothing from before sign-in survives it.
	Renew(c echo.Context, values map[any]any) error
	// Clear ends the session: its cookie is deleted.
	Clear(c echo.Context) error
	// CSRFToken is the session's CSRF token, made when there is none.
	CSRFToken(c echo.Context) string
	// SetFlash keeps a message for the next page (saving at once, since a
	// redirect follows); TakeFlash returns and forgets it.
	SetFlash(c echo.Context, f Flash)
	TakeFlash(c echo.Context) *Flash
	CookieCodec
}

// CookieCodec signs and encrypts values for cookies of the handlers' own
// (the request journey's answers) with the session's keys, so that they
// last as long as a session and no longer.
type CookieCodec interface {
	Encode(name string, value any) (string, error)
	Decode(name, value string, dst any) error
	// MaxAge is how long a session lasts without use.
	MaxAge() time.Duration
	// Secure is whether cookies are sent over HTTPS only.
	Secure() bool
}

// Flash is a message for the next page.
type Flash struct {
	Title     string
	Text      string
	Important bool
}
