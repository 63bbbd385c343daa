package web

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

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
)

const sessionName = "securemove_session"

// Sessions keeps the staff app's sessions (serve.Sessions) in
// gorilla/sessions' signed and encrypted cookie store. A session lives in
// one cookie: HttpOnly, SameSite=Lax, Secure behind TLS.
type Sessions struct {
	cookies *sessions.CookieStore
	// maxAge is how long a signed-in session lasts without use.
	maxAge  time.Duration
	decoded decodedCookies
}

var _ serve.Sessions = (*Sessions)(nil)

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
	return &Sessions{cookies: st, maxAge: maxAge}
}

// get returns the request's session, or a new one when the cookie is
// missing or was signed with another key.
func (s *Sessions) get(c echo.Context) *sessions.Session {
	if v, ok := c.Get("session").(*sessions.Session); ok {
		return v
	}
	var sess *sessions.Session
	ck, _ := c.Request().Cookie(sessionName)
	if ck != nil {
		if vals, ok := s.decoded.get(ck.Value, time.Now()); ok {
			sess = sessions.NewSession(s.cookies, sessionName)
			sess.Values = vals
			opts := *s.cookies.Options
			sess.Options = &opts
		}
	}
	if sess == nil {
		var err error
		sess, err = s.cookies.Get(c.Request(), sessionName)
		if err != nil {
			// A cookie we cannot read (old key, tampering) is simply replaced.
			sess, _ = s.cookies.New(c.Request(), sessionName)
		} else if ck != nil && !sess.IsNew {
			s.decoded.put(ck.Value, sess.Values, s.maxAge)
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

func (s *Sessions) Value(c echo.Context, key string) any { return s.get(c).Values[key] }

func (s *Sessions) Delete(c echo.Context, key string) { delete(s.get(c).Values, key) }

func (s *Sessions) Encode(name string, value any) (string, error) {
	return securecookie.EncodeMulti(name, value, s.cookies.Codecs...)
}

func (s *Sessions) Decode(name, value string, dst any) error {
	return securecookie.DecodeMulti(name, value, dst, s.cookies.Codecs...)
}

func (s *Sessions) MaxAge() time.Duration { return s.maxAge }

func (s *Sessions) Secure() bool { return s.cookies.Options.Secure }

func (s *Sessions) Save(c echo.Context) error {
	return s.get(c).Save(c.Request(), c.Response())
}

func (s *Sessions) Renew(c echo.Context, values map[any]any) error {
	sess, _ := s.cookies.New(c.Request(), sessionName)
	sess.IsNew = true
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.Values[serve.KeyCSRF] = randomToken()
	c.Set("session", sess)
	return sess.Save(c.Request(), c.Response())
}

func (s *Sessions) Clear(c echo.Context) error {
	sess := s.get(c)
	sess.Values = map[any]any{}
	sess.Options = &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cookies.Options.Secure, SameSite: http.SameSiteLaxMode}
	return sess.Save(c.Request(), c.Response())
}

func (s *Sessions) Str(c echo.Context, key string) string {
	v, _ := s.get(c).Values[key].(string)
	return v
}

func (s *Sessions) Set(c echo.Context, key string, v any) {
	s.get(c).Values[key] = v
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Sessions) CSRFToken(c echo.Context) string {
	t := s.Str(c, serve.KeyCSRF)
	if t == "" {
		t = randomToken()
		s.Set(c, serve.KeyCSRF, t)
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
			return serve.ErrCSRF
		}
		want := s.Str(c, serve.KeyCSRF)
		got := c.Request().Header.Get("X-CSRF-Token")
		if got == "" {
			got = c.FormValue("_csrf")
		}
		if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
			return serve.ErrCSRF
		}
		return next(c)
	}
}

func (s *Sessions) SetFlash(c echo.Context, f serve.Flash) {
	s.Set(c, serve.KeyFlash, []string{f.Title, f.Text, map[bool]string{true: "important"}[f.Important]})
	_ = s.Save(c)
}

func (s *Sessions) TakeFlash(c echo.Context) *serve.Flash {
	v, ok := s.get(c).Values[serve.KeyFlash].([]string)
	if !ok || len(v) < 2 {
		return nil
	}
	delete(s.get(c).Values, serve.KeyFlash)
	_ = s.Save(c)
	f := &serve.Flash{Title: v[0], Text: v[1]}
	if len(v) > 2 && v[2] == "important" {
		f.Important = true
	}
	return f
}
