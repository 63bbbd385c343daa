package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

const sessionName = "securemove_session"

// Session keys.
const (
	keyUserID   = "uid"
	keyLocation = "loc"
	keyChosen   = "chosen"
	keyCSRF     = "csrf"
	keyFlash    = "flash"
	keySignedIn = "at"
	// keyGeneration is the user's session generation at sign-in: when
	// the user signs out, the store moves on to the next, and every
	// cookie of the older one stops working (LoadUser).
	keyGeneration = "gen"
)

// Sessions wraps gorilla/sessions' signed and encrypted cookie store. A
// session lives in one cookie: HttpOnly, SameSite=Lax, Secure behind TLS.
type Sessions struct {
	store *sessions.CookieStore
	// MaxAge is how long a signed-in session lasts without use.
	MaxAge time.Duration
}

// NewSessions derives separate signing and encryption keys from one secret.
func NewSessions(secret []byte, secure bool) *Sessions {
	hash := sha256.Sum256(append([]byte("securemove session signing:"), secret...))
	block := sha256.Sum256(append([]byte("securemove session encryption:"), secret...))
	st := sessions.NewCookieStore(hash[:], block[:])
	maxAge := 8 * time.Hour
	st.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(maxAge.Seconds()),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	st.MaxAge(int(maxAge.Seconds()))
	return &Sessions{store: st, MaxAge: maxAge}
}

// get returns the request's session, or a new one when the cookie is
// missing or was signed with another key.
func (s *Sessions) get(c echo.Context) *sessions.Session {
	if v, ok := c.Get("session").(*sessions.Session); ok {
		return v
	}
	sess, err := s.store.Get(c.Request(), sessionName)
	if err != nil {
		// A cookie we cannot read (old key, tampering) is simply replaced.
		sess, _ = s.store.New(c.Request(), sessionName)
	}
	c.Set("session", sess)
	return sess
}

func (s *Sessions) save(c echo.Context) error {
	return s.get(c).Save(c.Request(), c.Response())
}

// renew replaces the session with a fresh one holding only what is given,
// so nothing from before sign-in survives it and the CSRF token changes.
func (s *Sessions) renew(c echo.Context, values map[any]any) error {
	sess, _ := s.store.New(c.Request(), sessionName)
	sess.IsNew = true
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[keyCSRF] = randomToken()
	c.Set("session", sess)
	return sess.Save(c.Request(), c.Response())
}

// clear ends the session: the cookie is deleted.
func (s *Sessions) clear(c echo.Context) error {
	sess := s.get(c)
	sess.Values = map[any]any{}
	sess.Options = &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.store.Options.Secure, SameSite: http.SameSiteLaxMode}
	return sess.Save(c.Request(), c.Response())
}

func (s *Sessions) str(c echo.Context, key string) string {
	v, _ := s.get(c).Values[key].(string)
	return v
}

func (s *Sessions) set(c echo.Context, key string, v any) {
	s.get(c).Values[key] = v
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSRFToken returns the session's CSRF token, creating one if need be.
func (s *Sessions) CSRFToken(c echo.Context) string {
	t := s.str(c, keyCSRF)
	if t == "" {
		t = randomToken()
		s.set(c, keyCSRF, t)
		_ = s.save(c)
	}
	return t
}

// CSRF refuses any state-changing request whose token (form field _csrf or
// header X-CSRF-Token) does not match the session's, and any that a
// browser says came from another site. A session-bound token is used
// rather than echo's middleware because that one stops checking tokens
// whenever the browser sends Sec-Fetch-Site, and we want both checks.
func (s *Sessions) CSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if site := c.Request().Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			return errCSRF
		}
		want := s.str(c, keyCSRF)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return errCSRF
		}
		return next(c)
	}
}

// Flash is a message for the next page.
type Flash struct {
	Title     string
	Text      string
	Important bool
}

// SetFlash stores a message to show once on the next page, saving the
// session at once because a redirect follows.
func (s *Sessions) SetFlash(c echo.Context, f Flash) {
	s.set(c, keyFlash, []string{f.Title, f.Text, map[bool]string{true: "important"}[f.Important]})
	_ = s.save(c)
}

// TakeFlash returns and clears the pending message.
func (s *Sessions) TakeFlash(c echo.Context) *Flash {
	v, ok := s.get(c).Values[keyFlash].([]string)
	if !ok || len(v) < 2 {
		return nil
	}
	delete(s.get(c).Values, keyFlash)
	_ = s.save(c)
	f := &Flash{Title: v[0], Text: v[1]}
	if len(v) > 2 && v[2] == "important" {
		f.Important = true
	}
	return f
}
