package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

func TestMain(m *testing.M) {
	store.SetBcryptCostForTests(4)
	os.Exit(m.Run())
}

type harness struct {
	t   *testing.T
	srv *web.Server
	ts  *httptest.Server
	st  *store.Store
	clk *handlertest.Clock
}

// webStart is the clock's start in the web tests.
var webStart = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// serveOn serves st (in demo mode, with a test session key unless cfg has
// one, logging to log or nowhere) on a clock that starts at start.
func serveOn(t *testing.T, st *store.Store, start time.Time, cfg web.Config, log *slog.Logger) *harness {
	t.Helper()
	h := &harness{t: t, st: st, clk: handlertest.NewClock(start)}
	if cfg.SessionKey == nil {
		cfg.SessionKey = []byte("test-session-key-test-session-key-0123")
	}
	cfg.Demo = true
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h.srv = web.New(cfg, st, log)
	h.srv.Handlers.Now = h.clock
	h.ts = httptest.NewServer(h.srv)
	t.Cleanup(h.ts.Close)
	return h
}

func newHarness(t *testing.T, cfg web.Config) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.SeedDemo(ctx, webStart); err != nil {
		t.Fatal(err)
	}
	return serveOn(t, st, webStart, cfg, nil)
}

func (h *harness) clock() time.Time { return h.clk.Now() }

func (h *harness) advance(d time.Duration) { h.clk.Add(d) }

// client is a browser-like client: a cookie jar, no automatic redirects.
func (h *harness) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (h *harness) get(c *http.Client, path string) (*http.Response, *goquery.Document) {
	h.t.Helper()
	resp, err := c.Get(h.ts.URL + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp, doc
}

func (h *harness) post(c *http.Client, path string, form url.Values) (*http.Response, *goquery.Document) {
	h.t.Helper()
	resp, err := c.PostForm(h.ts.URL+path, form)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	return resp, doc
}

func csrfFrom(t *testing.T, doc *goquery.Document) string {
	t.Helper()
	tok, ok := doc.Find(`input[name="_csrf"]`).Attr("value")
	if !ok || tok == "" {
		t.Fatal("no CSRF token on the page")
	}
	return tok
}

func (h *harness) signIn(c *http.Client, username, password string) (*http.Response, *goquery.Document) {
	h.t.Helper()
	_, doc := h.get(c, "/sign-in")
	return h.post(c, "/sign-in", url.Values{"_csrf": {csrfFrom(h.t, doc)}, "username": {username}, "password": {password}})
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == "securemove_session" {
			return ck
		}
	}
	return nil
}

func TestHealth(t *testing.T) {
	h := newHarness(t, web.Config{})
	resp, err := http.Get(h.ts.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"status":"ok"`) || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
	h.st.Close()
	resp, err = http.Get(h.ts.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "unavailable") {
		t.Fatalf("health with the database closed: %d %s", resp.StatusCode, body)
	}
}

func TestSignInPageIsGOVUKForm(t *testing.T) {
	h := newHarness(t, web.Config{})
	resp, doc := h.get(h.client(), "/sign-in")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`label[for="username"]:contains("Username")`, `label[for="password"]:contains("Password")`,
		`input#password[type="password"]`, `button:contains("Sign in")`, `a.govuk-skip-link[href="#main-content"]`,
		`.govuk-generic-header:contains("Book a secure move")`, `footer .govuk-footer`, `form[action="/sign-in"] input[name="_csrf"]`} {
		if doc.Find(want).Length() == 0 {
			t.Errorf("sign-in page lacks %s", want)
		}
	}
	if got := doc.Find("title").Text(); !strings.HasPrefix(got, "Sign in") {
		t.Errorf("title %q", got)
	}
}

func TestEveryDemoUserSignsInAndOut(t *testing.T) {
	h := newHarness(t, web.Config{})
	names := map[string]string{"pmu": "Priya Sharma", "police": "Dan Mitchell", "prison": "Helen Carter", "court": "Gareth Jones",
		"supplier": "Sam Okoro", "admin": "Alex Admin"}
	for user, name := range names {
		t.Run(user, func(t *testing.T) {
			c := h.client()
			_, before := h.get(c, "/sign-in")
			oldToken := csrfFrom(t, before)
			var oldCookie string
			u, _ := url.Parse(h.ts.URL)
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "securemove_session" {
					oldCookie = ck.Value
				}
			}
			resp, _ := h.post(c, "/sign-in", url.Values{"_csrf": {oldToken}, "username": {user}, "password": {"demo-password"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in: %d", resp.StatusCode)
			}
			ck := sessionCookie(resp)
			if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Value == oldCookie {
				t.Fatalf("session cookie not renewed with the right flags: %+v", ck)
			}
			loc := resp.Header.Get("Location")
			if strings.HasPrefix(loc, "/locations") {
				_, doc := h.get(c, loc)
				id, _ := doc.Find(`input[name="location"]`).First().Attr("value")
				resp, _ = h.post(c, "/locations", url.Values{"_csrf": {csrfFrom(t, doc)}, "location": {id}, "next": {"/"}})
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("choose location: %d", resp.StatusCode)
				}
			}
			resp, doc := h.get(c, "/")
			if resp.StatusCode != 200 {
				t.Fatalf("home: %d", resp.StatusCode)
			}
			if doc.Find("h1").Length() != 1 || !strings.Contains(doc.Find("header").Text(), name) || doc.Find(`header button:contains("Sign out")`).Length() != 1 {
				t.Fatalf("home page for %s lacks a heading, the user's name or Sign out", user)
			}
			if tok := csrfFrom(t, doc); tok == oldToken {
				t.Fatal("the CSRF token survived sign-in")
			}
			resp, _ = h.post(c, "/sign-out", url.Values{"_csrf": {csrfFrom(t, doc)}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
				t.Fatalf("sign out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if ck := sessionCookie(resp); ck == nil || ck.MaxAge >= 0 {
				t.Fatalf("sign out did not clear the cookie: %+v", ck)
			}
			resp, _ = h.get(c, "/")
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
				t.Fatalf("after sign out, home answered %d", resp.StatusCode)
			}
		})
	}
}

func TestWrongCredentialsGetOneGenericMessage(t *testing.T) {
	h := newHarness(t, web.Config{})
	for _, creds := range [][2]string{{"pmu", "wrong-password"}, {"nobody", "demo-password"}} {
		resp, doc := h.signIn(h.client(), creds[0], creds[1])
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%v: status %d", creds, resp.StatusCode)
		}
		summary := doc.Find(".govuk-error-summary").Text()
		if !strings.Contains(summary, "Enter a valid username and password") {
			t.Fatalf("%v: summary %q", creds, summary)
		}
		if href, _ := doc.Find(".govuk-error-summary a").Attr("href"); doc.Find(href).Length() != 1 {
			t.Fatalf("error summary link %q points at nothing", href)
		}
		if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
			t.Fatal("title not prefixed with Error:")
		}
		if sessionCookie(resp) != nil && doc.Find(`header button:contains("Sign out")`).Length() > 0 {
			t.Fatal("signed in with wrong credentials")
		}
	}
	resp, doc := h.signIn(h.client(), "", "")
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find(".govuk-error-summary li").Length() != 2 {
		t.Fatalf("blank form: %d", resp.StatusCode)
	}
}

func TestRepeatedFailuresAreSlowedDown(t *testing.T) {
	h := newHarness(t, web.Config{})
	for i := 0; i < 3; i++ {
		if resp, _ := h.signIn(h.client(), "police", "nope"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
	}
	h.signIn(h.client(), "police", "nope") // the fourth starts the wait
	resp, doc := h.signIn(h.client(), "POLICE", "demo-password")
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(doc.Find(".govuk-error-summary").Text(), "Too many failed attempts") {
		t.Fatalf("the right password during the wait: %d", resp.StatusCode)
	}
	// Other users are not held up.
	if resp, _ := h.signIn(h.client(), "court", "demo-password"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another user: %d", resp.StatusCode)
	}
	h.advance(10 * time.Minute)
	if resp, _ := h.signIn(h.client(), "police", "demo-password"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the wait: %d", resp.StatusCode)
	}
}

func TestCSRFMissingOrWrongIsRefused(t *testing.T) {
	h := newHarness(t, web.Config{})
	c := h.client()
	h.get(c, "/sign-in")
	for _, form := range []url.Values{
		{"username": {"pmu"}, "password": {"demo-password"}},
		{"_csrf": {"forged"}, "username": {"pmu"}, "password": {"demo-password"}},
	} {
		resp, doc := h.post(c, "/sign-in", form)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find("h1").Text(), "form has expired") {
			t.Fatalf("status %d, heading %q", resp.StatusCode, doc.Find("h1").Text())
		}
		if sessionCookie(resp) != nil && strings.Contains(doc.Text(), "Sign out") {
			t.Fatal("signed in without a valid token")
		}
	}
	// A browser saying the form came from another site is refused even
	// with the right token.
	_, doc := h.get(c, "/sign-in")
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/sign-in", strings.NewReader(url.Values{"_csrf": {csrfFrom(t, doc)},
		"username": {"pmu"}, "password": {"demo-password"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", resp.StatusCode)
	}
}

func TestErrorPagesNeverShowRawErrors(t *testing.T) {
	h := newHarness(t, web.Config{})
	h.srv.Echo.GET("/test-boom", func(c echo.Context) error { panic("secret internal detail") })
	h.srv.Echo.GET("/test-fail", func(c echo.Context) error { return io.ErrUnexpectedEOF })
	c := h.client()
	h.signIn(c, "pmu", "demo-password")
	resp, doc := h.get(c, "/no/such/page")
	if resp.StatusCode != 404 || doc.Find("h1").Text() != "Page not found" || !strings.Contains(doc.Find("title").Text(), "Page not found") {
		t.Fatalf("404: %d %q", resp.StatusCode, doc.Find("h1").Text())
	}
	for _, p := range []string{"/test-boom", "/test-fail"} {
		resp, doc = h.get(c, p)
		body := doc.Text()
		if resp.StatusCode != 500 || !strings.Contains(doc.Find("h1").Text(), "Sorry, there is a problem with the service") {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if strings.Contains(body, "secret internal detail") || strings.Contains(body, "unexpected EOF") {
			t.Fatalf("%s shows raw error text", p)
		}
		if ref := resp.Header.Get("X-Request-Id"); ref == "" || !strings.Contains(body, ref) {
			t.Fatalf("%s: the page does not give the reference %q", p, ref)
		}
	}
	// Signed out, an unknown page is still a GOV.UK 404, not a sign-in.
	resp, doc = h.get(h.client(), "/no/such/page")
	if resp.StatusCode != 404 || doc.Find(".govuk-generic-header").Length() != 1 {
		t.Fatalf("signed-out 404: %d", resp.StatusCode)
	}
}

func TestSignedOutPagesRedirectToSignIn(t *testing.T) {
	h := newHarness(t, web.Config{})
	for _, p := range []string{"/", "/locations"} {
		resp, _ := h.get(h.client(), p)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in?next=") {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/health", "/sign-in"} {
		if resp, _ := h.get(h.client(), p); resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, web.Config{})
	resp, _ := h.get(h.client(), "/sign-in")
	csp := resp.Header.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"} {
		if resp.Header.Get(k) != v {
			t.Errorf("%s = %q", k, resp.Header.Get(k))
		}
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	tls := newHarness(t, web.Config{TLS: true})
	resp, _ = tls.get(tls.client(), "/sign-in")
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS when served over TLS")
	}
	resp, _ = tls.signIn(tls.client(), "pmu", "demo-password")
	if ck := sessionCookie(resp); ck == nil || !ck.Secure {
		t.Errorf("session cookie not Secure behind TLS: %+v", ck)
	}
}

func TestUserWithSeveralLocationsChoosesOne(t *testing.T) {
	h := newHarness(t, web.Config{})
	c := h.client()
	resp, _ := h.signIn(c, "police", "demo-password")
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/locations") {
		t.Fatalf("police with two locations went to %q", loc)
	}
	// Until they choose, other pages send them to the chooser.
	resp, _ = h.get(c, "/")
	if !strings.HasPrefix(resp.Header.Get("Location"), "/locations") {
		t.Fatalf("home before choosing: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc := h.get(c, "/locations")
	if doc.Find(`input[name="location"]`).Length() != 2 || !strings.Contains(doc.Find("h1").Text(), "Choose your location") {
		t.Fatal("chooser does not offer the two police stations")
	}
	resp, doc = h.post(c, "/locations", url.Values{"_csrf": {csrfFrom(t, doc)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || doc.Find(`.govuk-error-summary a[href="#location"]`).Length() != 1 {
		t.Fatalf("choosing nothing: %d", resp.StatusCode)
	}
	// A location that is not theirs is refused.
	resp, doc = h.post(c, "/locations", url.Values{"_csrf": {csrfFrom(t, doc)}, "location": {"not-mine"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("someone else's location: %d", resp.StatusCode)
	}
	var staines string
	doc.Find(`input[name="location"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if strings.Contains(doc.Find(`label[for="`+id+`"]`).Text(), "Staines") {
			staines, _ = s.Attr("value")
		}
	})
	resp, _ = h.post(c, "/locations", url.Values{"_csrf": {csrfFrom(t, doc)}, "location": {staines}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choose: %d", resp.StatusCode)
	}
	_, doc = h.get(c, "/")
	header := doc.Find("header").Text()
	if !strings.Contains(header, "Staines Police Station") || doc.Find(`header a:contains("Change location")`).Length() != 1 {
		t.Fatalf("header does not show the location and Change location: %q", header)
	}
	// A user with one location is never asked.
	c2 := h.client()
	resp, _ = h.signIn(c2, "prison", "demo-password")
	if resp.Header.Get("Location") != "/" {
		t.Fatalf("prison user sent to %q", resp.Header.Get("Location"))
	}
	_, doc = h.get(c2, "/")
	if !strings.Contains(doc.Find("header").Text(), "HMP Brixton") || doc.Find(`header a:contains("Change location")`).Length() != 0 {
		t.Fatal("single-location user: header wrong")
	}
}

// submitForm posts the first form of doc as a browser would: to its
// action, with its hidden inputs, plus the fields given.
func (h *harness) submitForm(c *http.Client, doc *goquery.Document, fields url.Values) (*http.Response, *goquery.Document) {
	h.t.Helper()
	form := doc.Find("main form").First()
	action, ok := form.Attr("action")
	if !ok {
		h.t.Fatal("the form has no action")
	}
	values := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		values.Add(name, value)
	})
	for k, v := range fields {
		values[k] = v
	}
	return h.post(c, action, values)
}

// TestSignInGoesBackToThePageAsked: a page asked for signed out sends to
// /sign-in?next=…, and the sign-in form, submitted as rendered, goes back
// to it (the form once posted to /sign-in with no next, and everyone
// landed on the home page). A failed attempt keeps it too.
func TestSignInGoesBackToThePageAsked(t *testing.T) {
	h := newHarness(t, web.Config{})
	c := h.client()
	resp, _ := h.get(c, "/moves/review")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/sign-in?next=%2Fmoves%2Freview" {
		t.Fatalf("signed out: %d to %q", resp.StatusCode, loc)
	}
	_, doc := h.get(c, resp.Header.Get("Location"))
	// A wrong password, then none: each page that says so still knows.
	resp, doc = h.submitForm(c, doc, url.Values{"username": {"pmu"}, "password": {"wrong-password"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	resp, doc = h.submitForm(c, doc, url.Values{"username": {"pmu"}, "password": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no password: %d", resp.StatusCode)
	}
	resp, _ = h.submitForm(c, doc, url.Values{"username": {"pmu"}, "password": {"demo-password"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/moves/review" {
		t.Fatalf("signed in: %d to %q, want /moves/review", resp.StatusCode, loc)
	}
	if resp, _ := h.get(c, "/moves/review"); resp.StatusCode != http.StatusOK {
		t.Fatalf("then /moves/review: %d", resp.StatusCode)
	}
	// Another site is never carried over, nor gone to.
	c = h.client()
	_, doc = h.get(c, "/sign-in?next="+url.QueryEscape("//evil.example/x"))
	if doc.Find(`input[name="next"]`).Length() != 0 {
		t.Fatal("the sign-in page carries another site's address")
	}
	resp, _ = h.submitForm(c, doc, url.Values{"username": {"pmu"}, "password": {"demo-password"}})
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Fatalf("next=//evil.example/x: signed in to %q", loc)
	}
}

func TestOpenRedirectRefusedAfterSignIn(t *testing.T) {
	h := newHarness(t, web.Config{})
	c := h.client()
	_, doc := h.get(c, "/sign-in")
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
		resp, _ := h.post(c, "/sign-in?next="+url.QueryEscape(next), url.Values{"_csrf": {csrfFrom(t, doc)}, "username": {"court"}, "password": {"demo-password"}, "next": {next}})
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Fatalf("next=%q redirected to %q", next, loc)
		}
		_, doc = h.get(c, "/sign-in")
		if doc.Find(`input[name="_csrf"]`).Length() == 0 {
			// Signed in already: sign out to try the next case.
			c = h.client()
			_, doc = h.get(c, "/sign-in")
		}
	}
}

func TestGracefulShutdownLetsRequestsFinish(t *testing.T) {
	h := newHarness(t, web.Config{})
	started := make(chan struct{})
	h.srv.Echo.GET("/test-slow", func(c echo.Context) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.String(200, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.srv.Serve(ctx, ln, 5*time.Second) }()
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/test-slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel()
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/health"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestExpiredSessionSendsHTMXToSignIn(t *testing.T) {
	h := newHarness(t, web.Config{})
	req, _ := http.NewRequest(http.MethodGet, h.ts.URL+"/", nil)
	req.Header.Set("HX-Request", "true")
	resp, err := h.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("HX-Redirect") != "/sign-in" {
		t.Fatalf("htmx request without a session: %d, HX-Redirect %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
	}
}
