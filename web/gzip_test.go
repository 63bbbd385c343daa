package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The compression middleware: what it compresses and what it leaves alone.
func TestCompress(t *testing.T) {
	big := strings.Repeat("<p>Moves</p>", 200)
	pre := gzipped(t, big)
	e := echo.New()
	e.Use(compress)
	e.GET("/big", func(c echo.Context) error { return c.HTML(http.StatusOK, big) })
	e.GET("/small", func(c echo.Context) error { return c.HTML(http.StatusOK, "<p>Hi</p>") })
	e.GET("/none", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/redirect", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/big") })
	e.GET("/encoded", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
		return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, pre)
	})
	e.GET("/static/x.css", func(c echo.Context) error { return c.String(http.StatusOK, big) })
	e.GET("/streamed", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusOK)
		for i := 0; i < 200; i++ {
			_, _ = c.Response().Write([]byte("<p>Moves</p>"))
		}
		return nil
	})

	for _, tc := range []struct {
		path, accept string
		status       int
		encoding     string
		body         string
		vary         bool
	}{
		{"/big", "gzip, deflate, br", 200, "gzip", big, true},
		{"/big", "", 200, "", big, true},
		{"/small", "gzip", 200, "", "<p>Hi</p>", true},
		{"/none", "gzip", 204, "", "", true},
		{"/redirect", "gzip", 303, "", "", true},
		{"/encoded", "gzip", 200, "gzip", big, true},
		{"/static/x.css", "gzip", 200, "", big, false},
		{"/streamed", "gzip", 200, "gzip", strings.Repeat("<p>Moves</p>", 200), true},
	} {
		t.Run(tc.path+" "+tc.accept, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			req.Header.Set("Accept-Encoding", tc.accept)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Header().Get("Content-Encoding"); got != tc.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tc.encoding)
			}
			if got := strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding"); got != tc.vary {
				t.Errorf("Vary: Accept-Encoding is %v, want %v", got, tc.vary)
			}
			body := rec.Body.Bytes()
			if tc.encoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				// Compressed twice, the body would read as gzip here.
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if string(body) != tc.body {
				t.Errorf("body %.80q…, want %.80q…", body, tc.body)
			}
		})
	}
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
