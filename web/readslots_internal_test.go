package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// With every read slot taken, another read waits for one, while writes,
// static files and /health go straight through; a read whose client goes
// away while waiting is never served.
func TestReadSlotsHoldReadsNotWrites(t *testing.T) {
	e := echo.New()
	e.Use(newReadSlots(1).middleware)
	release := make(chan struct{})
	entered := make(chan string, 4)
	e.GET("/page/:n", func(c echo.Context) error {
		entered <- c.Param("n")
		<-release
		return c.String(http.StatusOK, "page")
	})
	quick := func(c echo.Context) error { return c.String(http.StatusOK, "ok") }
	e.POST("/api/events", quick)
	e.GET("/static/app.css", quick)
	e.GET("/health", quick)

	serve := func(r *http.Request) <-chan int {
		done := make(chan int, 1)
		go func() {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, r)
			done <- rec.Code
		}()
		return done
	}
	first := serve(httptest.NewRequest(http.MethodGet, "/page/1", nil))
	if got := <-entered; got != "1" {
		t.Fatalf("entered %q first", got)
	}
	second := serve(httptest.NewRequest(http.MethodGet, "/page/2", nil))
	ctx, cancel := context.WithCancel(context.Background())
	gone := serve(httptest.NewRequest(http.MethodGet, "/page/3", nil).WithContext(ctx))

	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/api/events", nil),
		httptest.NewRequest(http.MethodGet, "/static/app.css", nil),
		httptest.NewRequest(http.MethodGet, "/health", nil),
	} {
		select {
		case code := <-serve(r):
			if code != http.StatusOK {
				t.Errorf("%s %s: %d", r.Method, r.URL.Path, code)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s waited for a read slot", r.Method, r.URL.Path)
		}
	}
	select {
	case n := <-entered:
		t.Fatalf("page %s was served while the only slot was taken", n)
	default:
	}
	cancel()
	if code := <-gone; code != 499 {
		t.Errorf("read whose client went away: %d, want 499", code)
	}
	close(release)
	if code := <-first; code != http.StatusOK {
		t.Errorf("first page: %d", code)
	}
	if got := <-entered; got != "2" {
		t.Errorf("after the slot was freed, entered %q, want 2", got)
	}
	if code := <-second; code != http.StatusOK {
		t.Errorf("second page: %d", code)
	}
}

// A negative setting turns the limit off: reads run side by side.
func TestReadSlotsOff(t *testing.T) {
	e := echo.New()
	e.Use(newReadSlots(-1).middleware)
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	e.GET("/page", func(c echo.Context) error {
		entered <- struct{}{}
		<-release
		return c.NoContent(http.StatusOK)
	})
	for range 2 {
		go e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/page", nil))
	}
	for range 2 {
		select {
		case <-entered:
		case <-time.After(10 * time.Second):
			t.Fatal("a second read waited with the limit off")
		}
	}
	close(release)
}

// A read is counted as under way while its handler runs, and only then;
// writes, static files and /health are never counted.
func TestReadsAreMarkedWhileServed(t *testing.T) {
	var under atomic.Int64
	e := echo.New()
	e.Use(markReads(func() func() {
		under.Add(1)
		return func() { under.Add(-1) }
	}))
	seen := map[string]int64{}
	record := func(c echo.Context) error {
		seen[c.Request().Method+" "+c.Request().URL.Path] = under.Load()
		return c.NoContent(http.StatusOK)
	}
	e.GET("/moves/incoming/2026-12-03", record)
	e.GET("/api/moves", record)
	e.POST("/api/events", record)
	e.GET("/static/app.css", record)
	e.GET("/health", record)
	want := map[string]int64{
		"GET /moves/incoming/2026-12-03": 1, "GET /api/moves": 1,
		"POST /api/events": 0, "GET /static/app.css": 0, "GET /health": 0,
	}
	for k := range want {
		method, path, _ := strings.Cut(k, " ")
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, path, nil))
		if n := under.Load(); n != 0 {
			t.Fatalf("after %s, %d reads still counted", k, n)
		}
	}
	for k, w := range want {
		if seen[k] != w {
			t.Errorf("%s: %d reads under way while it was served, want %d", k, seen[k], w)
		}
	}
}
