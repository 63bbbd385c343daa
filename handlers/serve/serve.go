// Package serve holds the plumbing every audience's handlers share (the
// staff pages in handlers, the supplier API in handlers/api, the
// administration in handlers/admin): the one error-code → status mapping,
// rendering and redirecting, the London clock, the request's logger and the
// Sessions interface handlers read a session through (web keeps the cookies). It
// knows nothing of any audience, so none of them need import another.
package serve

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
)

// London is the zone every date and time is shown in.
var London = mustLoadLondon()

func mustLoadLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic("serve: Europe/London time zone data is missing: " + err.Error())
	}
	return l
}

// Today is now's date in Europe/London, as YYYY-MM-DD.
func Today(now time.Time) string { return now.In(London).Format("2006-01-02") }

// Render buffers a component and writes it with a status, so a failure
// half-way never sends half a page.
func Render(c echo.Context, status int, comp templ.Component) error {
	buf := renderBufs.Get().(*bytes.Buffer)
	defer putRenderBuf(buf)
	buf.Reset()
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	if status >= 400 && status != http.StatusUnprocessableEntity && c.Request().Header.Get("HX-Request") == "true" {
		// An error page answered to htmx goes in place of the whole
		// body: a form sent with JavaScript on (hx-boost) that the server
		// refuses (409 changed meanwhile, 403, 404, 400, a 5xx) shows the
		// page it shows with JavaScript off, rather than htmx dropping it
		// and the button seeming to do nothing; a fragment's error page is
		// a whole page too. 422 (the form again, with its errors) swaps
		// where htmx asked. The layout's htmx-config swaps every status.
		h.Set("HX-Retarget", "body")
		h.Set("HX-Reswap", "innerHTML")
	}
	// Every writer a response passes through copies what it is given
	// (the page cache's capture, gzip, the connection), so the buffer is
	// free again once Blob returns.
	return c.Blob(status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// renderBufs keeps the buffers pages are rendered into. A page is tens of
// kilobytes: grown from nothing, a fresh buffer was reallocated and copied
// a dozen times per page, a twentieth of the CPU of a move page rendered
// afresh, and its garbage a share of the collector's.
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuf(b *bytes.Buffer) {
	if poolable(b) {
		renderBufs.Put(b)
	}
}

// poolable says whether a buffer may go back to its pool (the render
// buffers' or the capture writers'): one very long page (a CSV, a huge
// timeline) should not stay held by either.
func poolable(b *bytes.Buffer) bool { return b.Cap() <= 1<<20 }

// IsHTMX reports whether htmx asked for a fragment of a page (not a boosted
// navigation or a history restore, which need the whole page).
func IsHTMX(c echo.Context) bool {
	r := c.Request()
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") != "true" &&
		r.Header.Get("HX-History-Restore-Request") != "true"
}

// Redirect answers a successful POST with 303 See Other.
func Redirect(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

// ErrCSRF is the error of a form whose CSRF token is missing or wrong.
var ErrCSRF error = &CSRFError{}

// CSRFError is ErrCSRF's type, for errors.As.
type CSRFError struct{}

func (*CSRFError) Error() string { return "csrf token missing or wrong" }

// Status maps an error's code to an HTTP status: the one place this is
// decided, for pages and the API alike.
func Status(err error) int {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code
	}
	var ce *CSRFError
	if errors.As(err, &ce) {
		return http.StatusForbidden
	}
	var hs interface{ HTTPStatus() int }
	if errors.As(err, &hs) {
		return hs.HTTPStatus()
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

// LogFor is the request's logger, which carries its request_id (set by
// web's requestID middleware); fallback when the request has none (tests).
func LogFor(c echo.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := c.Get("log").(*slog.Logger); ok && l != nil {
		return l
	}
	return fallback
}

// CaptureWriter keeps what a handler writes instead of sending it (for
// the page cache and the API's kept answers).
type CaptureWriter struct {
	header      http.Header
	Status      int
	WroteHeader bool
	Body        bytes.Buffer
}

// NewCaptureWriter captures into header.
func NewCaptureWriter(header http.Header) *CaptureWriter {
	return &CaptureWriter{header: header}
}

// BorrowCaptureWriter is NewCaptureWriter from a pool, for a caller that
// gives it back with Release once nothing it wrote is needed any more.
func BorrowCaptureWriter(header http.Header) *CaptureWriter {
	w := captureWriters.Get().(*CaptureWriter)
	w.header = header
	return w
}

// Release gives a borrowed CaptureWriter back; neither it nor its Body's
// bytes may be used after.
func (w *CaptureWriter) Release() {
	if !poolable(&w.Body) {
		return
	}
	w.header, w.Status, w.WroteHeader = nil, 0, false
	w.Body.Reset()
	captureWriters.Put(w)
}

var captureWriters = sync.Pool{New: func() any { return new(CaptureWriter) }}

func (w *CaptureWriter) Header() http.Header { return w.header }

func (w *CaptureWriter) WriteHeader(code int) {
	if !w.WroteHeader {
		w.Status, w.WroteHeader = code, true
	}
}

func (w *CaptureWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.Body.Write(b)
}

// Loggable keeps a client-supplied id short and printable for the logs.
func Loggable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
