package serve

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

const sessionName = "securemove_session"

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

// Sessions wraps gorilla/sessions' signed and encrypted cookie store. A
// session lives in one cookie: HttpOnly, SameSite=Lax, Secure behind TLS.
type Sessions struct {
	Cookies *sessions.CookieStore
	// MaxAge is how long a signed-in session lasts without use.
	MaxAge  time.Duration
	decoded decodedCookies
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
	return &Sessions{Cookies: st, MaxAge: maxAge}
}

// get returns the request's session, or a new one when the cookie is
// missing or was signed with another key.
func (s *Sessions) Get(c echo.Context) *sessions.Session {
	if v, ok := c.Get("session").(*sessions.Session); ok {
		return v
	}
	var sess *sessions.Session
	ck, _ := c.Request().Cookie(sessionName)
	if ck != nil {
		if vals, ok := s.decoded.get(ck.Value, time.Now()); ok {
			sess = sessions.NewSession(s.Cookies, sessionName)
			sess.Values = vals
			opts := *s.Cookies.Options
			sess.Options = &opts
		}
	}
	if sess == nil {
		var err error
		sess, err = s.Cookies.Get(c.Request(), sessionName)
		if err != nil {
			// A cookie we cannot read (old key, tampering) is simply replaced.
			sess, _ = s.Cookies.New(c.Request(), sessionName)
		} else if ck != nil && !sess.IsNew {
			s.decoded.put(ck.Value, sess.Values, s.MaxAge)
		}
	}
	c.Set("session", sess)
	return sess
}

// decodedCookies remembers what session cookies decoded to. Checking a
// cookie's signature, decrypting it and decoding its gob cost more than
// the rest of serving a cached page; the same cookie comes back with every
// request until the session changes. Only cookies that decoded, and so
// were signed by us, are kept, each until it expires.
type decodedCookies struct {
	mu sync.Mutex
	m  map[string]decodedCookie
}

type decodedCookie struct {
	values  map[any]any
	expires time.Time
}

// get returns a copy of what the cookie decoded to: handlers change their
// session's values.
func (d *decodedCookies) get(cookie string, now time.Time) (map[any]any, bool) {
	d.mu.Lock()
	e, ok := d.m[cookie]
	d.mu.Unlock()
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return maps.Clone(e.values), true
}

// put keeps a cookie that decoded until it expires: securecookie signs the
// time it was made into it, and refuses it maxAge later.
func (d *decodedCookies) put(cookie string, values map[any]any, maxAge time.Duration) {
	made, ok := cookieTime(cookie)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= 10000 {
		d.m = map[string]decodedCookie{}
	}
	d.m[cookie] = decodedCookie{values: maps.Clone(values), expires: made.Add(maxAge)}
}

// cookieTime reads the time a securecookie value was made: it is
// base64("time|value|mac").
func cookieTime(cookie string) (time.Time, bool) {
	raw, err := base64.URLEncoding.DecodeString(cookie)
	if err != nil {
		return time.Time{}, false
	}
	ts, _, ok := strings.Cut(string(raw), "|")
	if !ok {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

func (s *Sessions) Save(c echo.Context) error {
	return s.Get(c).Save(c.Request(), c.Response())
}

// renew replaces the session with a fresh one holding only what is given,
// so nothing from before sign-in survives it and the CSRF token changes.
func (s *Sessions) Renew(c echo.Context, values map[any]any) error {
	sess, _ := s.Cookies.New(c.Request(), sessionName)
	sess.IsNew = true
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[KeyCSRF] = RandomToken()
	c.Set("session", sess)
	return sess.Save(c.Request(), c.Response())
}

// clear ends the session: the cookie is deleted.
func (s *Sessions) Clear(c echo.Context) error {
	sess := s.Get(c)
	sess.Values = map[any]any{}
	sess.Options = &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Cookies.Options.Secure, SameSite: http.SameSiteLaxMode}
	return sess.Save(c.Request(), c.Response())
}

func (s *Sessions) Str(c echo.Context, key string) string {
	v, _ := s.Get(c).Values[key].(string)
	return v
}

func (s *Sessions) Set(c echo.Context, key string, v any) {
	s.Get(c).Values[key] = v
}

func RandomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSRFToken returns the session's CSRF token, creating one if need be.
func (s *Sessions) CSRFToken(c echo.Context) string {
	t := s.Str(c, KeyCSRF)
	if t == "" {
		t = RandomToken()
		s.Set(c, KeyCSRF, t)
		_ = s.Save(c)
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
			return ErrCSRF
		}
		want := s.Str(c, KeyCSRF)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return ErrCSRF
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
	s.Set(c, KeyFlash, []string{f.Title, f.Text, map[bool]string{true: "important"}[f.Important]})
	_ = s.Save(c)
}

// TakeFlash returns and clears the pending message.
func (s *Sessions) TakeFlash(c echo.Context) *Flash {
	v, ok := s.Get(c).Values[KeyFlash].([]string)
	if !ok || len(v) < 2 {
		return nil
	}
	delete(s.Get(c).Values, KeyFlash)
	_ = s.Save(c)
	f := &Flash{Title: v[0], Text: v[1]}
	if len(v) > 2 && v[2] == "important" {
		f.Important = true
	}
	return f
}
