//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHarnessSelf checks the harness itself against tiny pages served by
// httptest, so that it can be trusted before (and independently of) the
// application: the browser starts, JavaScript really is off in js-off
// contexts, the app's kind of CSP is enforced yet does not stop axe-core,
// axe-core passes an accessible page and catches an unlabelled input, and
// the sign-in helpers work with and without JavaScript.
func TestHarnessSelf(t *testing.T) {
	srv := httptest.NewServer(fakeApp())
	t.Cleanup(srv.Close)

	runBoth(t, "loads page", func(t *testing.T, js bool) {
		page := newPage(t, js)
		resp, err := page.Goto(srv.URL + "/")
		must(t, err, "GET /")
		if csp, _ := resp.HeaderValue("Content-Security-Policy"); csp != fakeCSP {
			t.Fatalf("Content-Security-Policy = %q, want %q", csp, fakeCSP)
		}
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Harness self-test"), "h1")

		want := "JavaScript did not run"
		if js {
			want = "JavaScript ran"
		}
		must(t, expect.Locator(page.Locator("#js-status")).ToHaveText(want), "#js-status with js=%v", js)

		// The inline script would change the title if CSP let it run.
		title, err := page.Title()
		must(t, err, "title")
		if title != "Harness self-test" {
			t.Errorf("title = %q: the inline script ran despite the CSP", title)
		}
	})

	runBoth(t, "checkA11y passes accessible page", func(t *testing.T, js bool) {
		page := newPage(t, js)
		goTo(t, page, srv.URL+"/")
		checkA11y(t, page)
		// A second run reuses the injected axe-core.
		checkA11y(t, page)
	})

	runBoth(t, "a11yViolations finds unlabelled input", func(t *testing.T, js bool) {
		page := newPage(t, js)
		goTo(t, page, srv.URL+"/unlabelled")
		vs, err := a11yViolations(page)
		must(t, err, "a11yViolations")
		found := false
		for _, v := range vs {
			if v.ID == "label" {
				for _, n := range v.Nodes {
					if strings.Contains(strings.Join(n.Target, " "), "#nameless") {
						found = true
					}
				}
			}
		}
		if !found {
			t.Fatalf("axe-core did not report the unlabelled #nameless input; got %d violation(s): %v", len(vs), vs)
		}
	})

	t.Run("axe-core gives the same results with and without JavaScript", func(t *testing.T) {
		ids := map[bool][]string{}
		for _, js := range []bool{true, false} {
			page := newPage(t, js)
			goTo(t, page, srv.URL+"/broken")
			vs, err := a11yViolations(page)
			must(t, err, "a11yViolations with js=%v", js)
			for _, v := range vs {
				var targets []string
				for _, n := range v.Nodes {
					targets = append(targets, strings.Join(n.Target, " "))
				}
				ids[js] = append(ids[js], v.ID+"["+strings.Join(targets, ", ")+"]")
			}
			slices.Sort(ids[js])
		}
		if !slices.Equal(ids[true], ids[false]) {
			t.Errorf("violations differ:\njs-on:  %v\njs-off: %v", ids[true], ids[false])
		}
		t.Logf("js-off violations: %v", ids[false])
		all := strings.Join(ids[false], " ")
		for _, want := range []string{"label", "image-alt", "color-contrast"} {
			if !strings.Contains(all, want+"[") {
				t.Errorf("js-off: axe-core did not report %q; got %v", want, ids[false])
			}
		}
	})

	t.Run("artefacts are saved", func(t *testing.T) {
		t.Setenv("E2E_TRACE", "1")
		page := newPage(t, false)
		goTo(t, page, srv.URL+"/")
		saveArtifacts(t, page)
		base := filepath.Join(e2eDir, "artifacts", "TestHarnessSelf_artefacts_are_saved")
		saveTrace(t, page.Context(), base)
		t.Cleanup(func() {
			if t.Failed() {
				return
			}
			os.Remove(base + ".png")
			os.Remove(base + ".html")
			os.Remove(base + ".trace.zip")
		})
		// newPage started tracing (E2E_TRACE=1); what it recorded is a zip with the
		// steps taken, the page's load among them.
		trace, err := os.ReadFile(base + ".trace.zip")
		must(t, err, "trace")
		if !bytes.HasPrefix(trace, []byte("PK")) || len(trace) < 512 {
			t.Errorf("%s.trace.zip is not a trace (%d bytes)", base, len(trace))
		}
		png, err := os.ReadFile(base + ".png")
		must(t, err, "screenshot")
		if !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Errorf("%s.png is not a PNG", base)
		}
		html, err := os.ReadFile(base + ".html")
		must(t, err, "page HTML")
		if !bytes.Contains(html, []byte("<h1 class=\"govuk-heading-l\">Harness self-test</h1>")) {
			t.Errorf("%s.html lacks the page's h1:\n%s", base, html)
		}
	})

	t.Run("region allows a GOV.UK back link before main, nothing else", func(t *testing.T) {
		page := newPage(t, false)
		goTo(t, page, srv.URL+"/back-link")
		checkA11y(t, page)

		goTo(t, page, srv.URL+"/back-link?extra="+url.QueryEscape(`<p id="stray">Stray text</p>`))
		vs, err := a11yViolations(page)
		must(t, err, "a11yViolations")
		if len(vs) != 1 || vs[0].ID != "region" || len(vs[0].Nodes) != 1 || !strings.Contains(strings.Join(vs[0].Nodes[0].Target, " "), "#stray") {
			t.Fatalf("want exactly the region violation for #stray, got %v", vs)
		}
	})

	t.Run("checkA11y fails on unlabelled input", func(t *testing.T) {
		page := newPage(t, true)
		goTo(t, page, srv.URL+"/unlabelled")
		rec := runRecorded(t, func(tb testing.TB) { checkA11y(tb, page) })
		if !rec.failed {
			t.Fatal("checkA11y did not fail on a page with an unlabelled input")
		}
		for _, want := range []string{"accessibility violation", "label", "#nameless"} {
			if !strings.Contains(rec.msg, want) {
				t.Errorf("checkA11y's failure message lacks %q:\n%s", want, rec.msg)
			}
		}
	})

	runBoth(t, "signIn and signOut", func(t *testing.T, js bool) {
		page := newPage(t, js)
		signIn(t, page, srv.URL, "pmu")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Signed in as pmu"), "h1 after sign in")
		checkA11y(t, page)
		signOut(t, page)
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Sign in"), "h1 after sign out")
	})

	runBoth(t, "wrong password", func(t *testing.T, js bool) {
		page := newPage(t, js)
		submitSignIn(t, page, srv.URL, "pmu", "wrong")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("Enter a valid username and password"), "error summary")
		checkA11y(t, page)
	})

	t.Run("server that exits is reported", func(t *testing.T) {
		s := fakeServer(t, "false")
		err := s.waitHealthy(5 * time.Second)
		if err == nil || !strings.Contains(err.Error(), "exited before answering") {
			t.Fatalf("waitHealthy = %v, want an 'exited before answering' error", err)
		}
	})

	t.Run("server that never answers times out", func(t *testing.T) {
		s := fakeServer(t, "sleep", "30")
		start := time.Now()
		err := s.waitHealthy(time.Second)
		if err == nil || !strings.Contains(err.Error(), "no 200 from GET /health within 1s") {
			t.Fatalf("waitHealthy = %v, want a timeout error", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("waitHealthy took %s for a 1s timeout", d)
		}
		s.stop(t)
	})
}

// fakeServer starts a process that is not a web server, to check how the
// harness reports a server that dies or never becomes healthy.
func fakeServer(t *testing.T, name string, args ...string) *Server {
	t.Helper()
	addr, err := freeAddr()
	must(t, err, "free port")
	s := &Server{BaseURL: "http://" + addr, log: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(name, args...)
	must(t, s.cmd.Start(), "start %s", name)
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() { s.stop(t) })
	return s
}

// recordingTB is a testing.TB whose failures are recorded instead of failing
// the real test, so that the harness's own failure paths can be tested.
type recordingTB struct {
	testing.TB // the real test, for Name, TempDir, Cleanup and the like

	mu     sync.Mutex
	failed bool
	msg    string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msg += fmt.Sprintf(format, args...) + "\n"
}
func (r *recordingTB) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recordingTB) Fail()             { r.Errorf("Fail") }
func (r *recordingTB) FailNow()          { r.Fail(); runtime.Goexit() }
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recordingTB) Fatal(args ...any) { r.Error(args...); runtime.Goexit() }
func (r *recordingTB) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recordingTB) Logf(format string, args ...any) {}
func (r *recordingTB) Log(args ...any)                 {}

// runRecorded runs fn with a recordingTB on its own goroutine (so that
// Fatal's Goexit ends only fn) and returns what it recorded.
func runRecorded(t *testing.T, fn func(tb testing.TB)) *recordingTB {
	rec := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec
}

// fakeCSP is the kind of policy the application sends: no inline scripts.
const fakeCSP = "default-src 'self'"

// fakeApp serves accessible GOV.UK-like pages and a minimal sign-in flow
// (sign in, choose a location, sign out) that works without JavaScript.
func fakeApp() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writePage(w, http.StatusOK, "Harness self-test", "", `
<h1 class="govuk-heading-l">Harness self-test</h1>
<p id="js-status">JavaScript did not run</p>
<form method="get" action="/">
  <label for="q">Search moves</label>
  <input id="q" name="q" type="text">
  <button type="submit">Search</button>
</form>`)
	})
	mux.HandleFunc("GET /unlabelled", func(w http.ResponseWriter, r *http.Request) {
		writePage(w, http.StatusOK, "Unlabelled input", "", `
<h1>Unlabelled input</h1>
<form method="get" action="/"><input id="nameless" name="x" type="text"></form>`)
	})
	mux.HandleFunc("GET /broken", func(w http.ResponseWriter, r *http.Request) {
		writePage(w, http.StatusOK, "Broken page", "", `
<h1>Broken page</h1>
<p class="faint">This text is too faint to read.</p>
<img src="/missing.png">
<form method="get" action="/"><input id="nameless" name="x" type="text"></form>`)
	})
	mux.HandleFunc("GET /back-link", func(w http.ResponseWriter, r *http.Request) {
		writePageBefore(w, http.StatusOK, "Back link", "",
			`<a href="/" class="govuk-back-link">Back</a>`+r.URL.Query().Get("extra"),
			`<h1>Back link before main</h1>`)
	})
	mux.HandleFunc("GET /app.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `body { font-family: sans-serif; margin: 2em; } .faint { color: #d0d0d0; background: #fff; }`)
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById('js-status') && (document.getElementById('js-status').textContent = 'JavaScript ran');`)
	})

	const signOutForm = `<form method="post" action="/sign-out"><button type="submit">Sign out</button></form>`

	signInForm := func(w http.ResponseWriter, status int, errMsg string) {
		var errHTML, fieldErr string
		if errMsg != "" {
			errHTML = `<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<ul class="govuk-error-summary__list"><li><a href="#username">` + html.EscapeString(errMsg) + `</a></li></ul></div></div>`
			fieldErr = ` aria-describedby="username-error"`
		}
		body := errHTML + `
<h1>Sign in</h1>
<form method="post" action="/sign-in" novalidate>
  <label for="username">Username</label>
  <input id="username" name="username" type="text" autocomplete="username"` + fieldErr + `>
  ` + map[bool]string{true: `<p id="username-error">Error: ` + html.EscapeString(errMsg) + `</p>`, false: ""}[errMsg != ""] + `
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password">
  <button type="submit">Sign in</button>
</form>`
		writePage(w, status, "Sign in", "", body)
	}
	mux.HandleFunc("GET /sign-in", func(w http.ResponseWriter, r *http.Request) { signInForm(w, http.StatusOK, "") })
	mux.HandleFunc("POST /sign-in", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("password") != demoPassword || r.FormValue("username") == "" {
			signInForm(w, http.StatusOK, "Enter a valid username and password")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "user", Value: r.FormValue("username"), Path: "/"})
		http.Redirect(w, r, "/choose-location", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /choose-location", func(w http.ResponseWriter, r *http.Request) {
		writePage(w, http.StatusOK, "Choose your location", signOutForm, `
<form method="post" action="/choose-location">
  <fieldset>
    <legend><h1>Choose your location</h1></legend>
    <input id="loc-1" name="location" type="radio" value="HMP Leeds"><label for="loc-1">HMP Leeds</label>
    <input id="loc-2" name="location" type="radio" value="HMP Hull"><label for="loc-2">HMP Hull</label>
  </fieldset>
  <button type="submit">Continue</button>
</form>`)
	})
	mux.HandleFunc("POST /choose-location", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("location") == "" {
			http.Redirect(w, r, "/choose-location", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("user")
		if err != nil || c.Value == "" {
			http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
			return
		}
		writePage(w, http.StatusOK, "Home", signOutForm, `<h1>Signed in as `+html.EscapeString(c.Value)+`</h1>`)
	})
	mux.HandleFunc("POST /sign-out", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "user", Value: "", Path: "/", MaxAge: -1})
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
	})
	return mux
}

func writePage(w http.ResponseWriter, status int, title, headerExtra, main string) {
	writePageBefore(w, status, title, headerExtra, "", main)
}

func writePageBefore(w http.ResponseWriter, status int, title, headerExtra, beforeMain, main string) {
	w.Header().Set("Content-Security-Policy", fakeCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<link rel="stylesheet" href="/app.css">
<script>document.title = 'inline script ran';</script>
</head>
<body>
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="govuk-header"><a href="/">Book a secure move</a>%s</header>
%s<main id="main-content">%s</main>
<footer><p>Self-test footer</p></footer>
<script src="/app.js"></script>
</body>
</html>`, html.EscapeString(title), headerExtra, beforeMain, main)
}
