// Package handlertest is the one harness of the handler tests: the real
// server (web.New) on its own copy of a SQLite database seeded with the
// demo data, behind an httptest server, on a clock the test controls.
//
// Seeding is the slow part (very slow under the race detector), so the
// database is seeded once per starting time and each test gets a copy of
// the file in its own t.TempDir().
package handlertest

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// Options say how to start the server. Now is required: the demo data is
// seeded around it and the clock starts there.
type Options struct {
	Now        time.Time
	SessionKey string // at least 32 bytes; a fixed test key when empty
	BaseURL    string
	Demo       bool
}

// App is a running server and what a test needs to reach into.
type App struct {
	Store  *store.Store
	Web    *web.Server
	Server *httptest.Server
	Clock  *Clock
	// Logs holds what the server logged at WARN and above.
	Logs *LogBuffer
}

// LogBuffer keeps log lines written from any goroutine.
type LogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Clock is a clock the test moves by hand; it starts at Options.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock at start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// seeds holds one seeded database file per starting time.
var seeds = struct {
	mu sync.Mutex
	by map[time.Time]*seed
}{by: map[time.Time]*seed{}}

type seed struct {
	once sync.Once
	db   []byte
	err  error
}

func seeded(now time.Time) ([]byte, error) {
	seeds.mu.Lock()
	s := seeds.by[now]
	if s == nil {
		s = &seed{}
		seeds.by[now] = s
	}
	seeds.mu.Unlock()
	s.once.Do(func() {
		dir, err := os.MkdirTemp("", "securemove-handlertest")
		if err != nil {
			s.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "seed.db")
		ctx := context.Background()
		st, err := store.Open(ctx, path)
		if err != nil {
			s.err = err
			return
		}
		st.Now = func() time.Time { return now }
		_, err = st.SeedDemo(ctx, now)
		// Closing checkpoints the write-ahead log into the file.
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			s.db, err = os.ReadFile(path)
		}
		s.err = err
	})
	return s.db, s.err
}

// Start serves the demo data as of o.Now; everything is closed when the
// test ends. Call store.SetBcryptCostForTests first (in init or TestMain)
// so that seeding and signing in are quick.
func Start(t testing.TB, o Options) *App {
	t.Helper()
	if o.Now.IsZero() {
		t.Fatal("handlertest: Options.Now is required")
	}
	db, err := seeded(o.Now)
	if err != nil {
		t.Fatalf("handlertest: seeding the demo data: %v", err)
	}
	path := filepath.Join(t.TempDir(), "handlers.db")
	if err := os.WriteFile(path, db, 0o600); err != nil {
		t.Fatal(err)
	}
	return StartOn(t, path, o)
}

// StartOn serves the database file at path (made by the test, for example
// with store.BulkLoad). With a zero o.Now the server keeps the real clock.
func StartOn(t testing.TB, path string, o Options) *App {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	clk := NewClock(o.Now)
	if !o.Now.IsZero() {
		st.Now = clk.Now
	}
	key := o.SessionKey
	if key == "" {
		key = "handlertest-session-key-0123456789abcdef"
	}
	logs := &LogBuffer{}
	srv := web.New(web.Config{SessionKey: []byte(key), BaseURL: o.BaseURL, Demo: o.Demo}, st,
		slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if !o.Now.IsZero() {
		srv.Handlers.Now = clk.Now
	}
	a := &App{Store: st, Web: srv, Server: httptest.NewServer(srv), Clock: clk, Logs: logs}
	t.Cleanup(func() {
		a.Server.Close()
		st.Close()
	})
	return a
}

// Browser is an HTTP client like a browser without JavaScript: it keeps
// cookies and does not follow redirects by itself.
func Browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Locations maps every location's code (disabled ones too) to it.
func (a *App) Locations(t testing.TB) map[string]moves.Location {
	t.Helper()
	ls, err := a.Store.Locations(context.Background(), store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]moves.Location, len(ls))
	for _, l := range ls {
		out[l.Code] = l
	}
	return out
}

// csrfField finds a page's CSRF token, in the hidden field every form has.
var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF loads path in the browser and returns the CSRF token of its forms.
func (a *App) CSRF(t testing.TB, b *http.Client, path string) string {
	t.Helper()
	res, err := b.Get(a.Server.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: %d, no CSRF token", path, res.StatusCode)
	}
	return html.UnescapeString(string(m[1]))
}

// post sends a form from the browser, with the CSRF token of the page at
// tokenFrom, and returns the answer's status (its body is discarded).
func (a *App) post(t testing.TB, b *http.Client, path, tokenFrom string, form url.Values) int {
	t.Helper()
	form.Set("_csrf", a.CSRF(t, b, tokenFrom))
	res, err := b.PostForm(a.Server.URL+path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// SignIn opens a new browser, signs in as the demo user username (one per
// role: pmu, police, prison, court, supplier, admin) and, when given a
// location's code, chooses that location.
func (a *App) SignIn(t testing.TB, username, locationCode string) *http.Client {
	t.Helper()
	b := Browser()
	if st := a.post(t, b, "/sign-in", "/sign-in", url.Values{"username": {username}, "password": {store.DemoPassword}}); st != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", username, st)
	}
	if locationCode != "" {
		l, ok := a.Locations(t)[locationCode]
		if !ok {
			t.Fatalf("no location %s", locationCode)
		}
		if st := a.post(t, b, "/locations", "/locations", url.Values{"location": {l.ID}, "next": {"/"}}); st != http.StatusSeeOther {
			t.Fatalf("choose %s: %d", locationCode, st)
		}
	}
	return b
}
