package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// The Content-Security-Policy allows scripts, styles, fonts and images
// from this origin only: no inline script or style anywhere.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (s *Server) middleware() {
	e := s.Echo
	// 308, not 301: a client follows a 301 to a POST with a GET and no
	// body, so a supplier's POST /api/events/ would end as a 405.
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusPermanentRedirect,
		Skipper: func(c echo.Context) bool { return c.Request().URL.Path == "/" }}))
	e.Use(s.requestID)
	if s.cfg.Metrics != nil {
		e.Use(s.observe)
	}
	e.Use(s.logRequests)
	e.Use(s.recoverPanics)
	e.Use(s.cfg.InFlight.middleware)
	e.Use(newReadSlots(s.cfg.ReadSlots).middleware)
	e.Use(markReads(s.Handlers.Store.Reading))
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimit("1MiB"))
	e.Use(validUTF8)
	e.Use(compress)
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID gives every request an id, echoed in X-Request-Id and put on
// every log line about it.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			id = newRequestID()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		l := s.log.With("request_id", id)
		c.Set("log", l)
		return next(c)
	}
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		l, _ := c.Get("log").(*slog.Logger)
		if l == nil {
			l = s.log
		}
		status := c.Response().Status
		level := slog.LevelInfo
		switch {
		case status >= 500:
			level = slog.LevelError
		case strings.HasPrefix(c.Request().URL.Path, "/static/") || c.Request().URL.Path == "/health":
			level = slog.LevelDebug
		}
		// Never the query string of /oauth, nor any body: they can carry secrets.
		l.Log(c.Request().Context(), level, "request", "method", method(c.Request()), "path", c.Request().URL.Path,
			"status", status, "duration_ms", float64(time.Since(start).Microseconds())/1000, "bytes", c.Response().Size)
		return nil
	}
}

func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				l, _ := c.Get("log").(*slog.Logger)
				if l == nil {
					l = s.log
				}
				l.Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// validUTF8 refuses an address (path or query) or a form that is not
// UTF-8 text (400): browsers send UTF-8 to pages served as UTF-8, so other
// bytes were made by hand, and would otherwise be stored as U+FFFD in place
// of what was sent, or, on PostgreSQL, refused by the database as an
// internal error. NUL is refused too: no text a person types holds it, and
// PostgreSQL's text cannot. (JSON bodies are checked where the API reads
// them.)
func validUTF8(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !utf8Text(r.URL.Path) || !utf8Values(r.URL.Query()) {
			return echo.NewHTTPError(http.StatusBadRequest, "The address is not valid UTF-8 text")
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		if mt == echo.MIMEApplicationForm && (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) {
			if err := r.ParseForm(); err != nil {
				var he *echo.HTTPError
				if errors.As(err, &he) {
					return he
				}
				return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read")
			}
			if !utf8Values(r.PostForm) {
				return echo.NewHTTPError(http.StatusBadRequest, "The form is not valid UTF-8 text")
			}
		}
		return next(c)
	}
}

func utf8Values(v url.Values) bool {
	for k, vs := range v {
		if !utf8Text(k) {
			return false
		}
		for _, s := range vs {
			if !utf8Text(s) {
				return false
			}
		}
	}
	return true
}

// utf8Text says whether s is UTF-8 without NUL.
func utf8Text(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.cfg.TLS || c.Request().TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}
