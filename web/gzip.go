package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// gzipMinLength is the smallest body worth compressing.
const gzipMinLength = 1024

// gzipWriters compress at the fastest level: pages are small once
// compressed, and level 5 cost a fifth of a day page's CPU. (Pages served
// from the page cache were compressed once, when cached.)
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// compress gzips answers for clients that take it. Echo's own middleware
// would compress a body that is already compressed; this one leaves alone
// any answer whose handler set a Content-Encoding (the page cache and the
// static files, which are compressed ahead of time), and any answer too
// small to gain.
func compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		if strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		if !strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
			return next(c)
		}
		gw := &gzipWriter{ResponseWriter: res.Writer}
		res.Writer = gw
		defer func() {
			res.Writer = gw.ResponseWriter
			gw.finish()
		}()
		return next(c)
	}
}

// gzipWriter holds back the status and the first bytes until it knows
// whether to compress: not when the handler encoded the body itself, not
// when the whole body is under gzipMinLength.
type gzipWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	zw     *gzip.Writer
	// pass: the decision is made and the body goes straight through.
	pass bool
}

func (w *gzipWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if w.Header().Get(echo.HeaderContentEncoding) != "" || code == http.StatusNoContent || code == http.StatusNotModified || code < 200 {
		w.pass = true
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	switch {
	case w.pass:
		return w.ResponseWriter.Write(b)
	case w.zw != nil:
		return w.zw.Write(b)
	}
	w.buf.Write(b)
	if w.buf.Len() < gzipMinLength {
		return len(b), nil
	}
	hd := w.Header()
	if hd.Get(echo.HeaderContentType) == "" {
		hd.Set(echo.HeaderContentType, http.DetectContentType(w.buf.Bytes()))
	}
	hd.Set(echo.HeaderContentEncoding, "gzip")
	hd.Del(echo.HeaderContentLength)
	w.ResponseWriter.WriteHeader(w.status)
	w.zw = gzipWriters.Get().(*gzip.Writer)
	w.zw.Reset(w.ResponseWriter)
	if _, err := w.zw.Write(w.buf.Bytes()); err != nil {
		return 0, err
	}
	w.buf.Reset()
	return len(b), nil
}

// finish sends what is held back: the compressed stream's end, or a small
// body as it is, or just the status.
func (w *gzipWriter) finish() {
	switch {
	case w.zw != nil:
		_ = w.zw.Close()
		gzipWriters.Put(w.zw)
		w.zw = nil
	case w.pass:
	case w.status != 0:
		w.ResponseWriter.WriteHeader(w.status)
		_, _ = w.ResponseWriter.Write(w.buf.Bytes())
	}
}

// Flush sends what has been written so far (compressing from then on).
func (w *gzipWriter) Flush() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.pass && w.zw == nil {
		w.pass = true
		w.ResponseWriter.WriteHeader(w.status)
		_, _ = w.ResponseWriter.Write(w.buf.Bytes())
		w.buf.Reset()
	}
	if w.zw != nil {
		_ = w.zw.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
