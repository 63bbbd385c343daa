//go:build e2e

// Package e2e holds the browser tests of "Book a secure move".
//
// The tests drive Debian's Chromium (/usr/bin/chromium) through
// playwright-go, whose driver is the npm package playwright-core 1.52.0 in
// e2e/node_modules, run by the system node. Nothing is downloaded at test
// time: run `bash e2e/setup.sh` once (idempotent) before `go test ./e2e`.
//
// One Playwright driver and one browser serve the whole package (TestMain);
// every test gets its own browser context (newPage), so cookies and sessions
// never leak between tests. A test that needs the application starts its own
// server process (startServer) on a free loopback port with a fresh database.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

const (
	// chromiumPath is Debian's Chromium, installed by setup.sh.
	chromiumPath = "/usr/bin/chromium"
	// serverPkg is the server's main package, relative to the repository root.
	serverPkg = "."
	// demoPassword is the password of every demo user seeded by -demo.
	demoPassword = "demo-password"

	healthTimeout   = 15 * time.Second
	stopTimeout     = 10 * time.Second
	buildTimeout    = 5 * time.Minute
	launchTimeout   = 60 * time.Second
	pageTimeoutMS   = 10_000
	artifactTimeout = 5_000
)

// chromiumArgs are passed to Chromium on top of Playwright's own. We run as
// root, hence --no-sandbox; the rest keep the browser from phoning home.
var chromiumArgs = []string{
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
}

var (
	e2eDir   string // absolute path of e2e/
	repoRoot string // absolute path of the repository root
	tmpDir   string // removed when the package's tests end

	pw        *playwright.Playwright
	browser   playwright.Browser
	launchErr error // why the browser could not be started, if it could not

	buildOnce sync.Once
	serverBin string
	buildErr  error

	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	flag.Parse()
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: getwd:", err)
		return 1
	}
	e2eDir = wd
	repoRoot = filepath.Dir(wd)

	tmpDir, err = os.MkdirTemp("", "securemove-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(tmpDir)

	start := time.Now()
	launchErr = launchBrowser()
	if launchErr != nil {
		// Not fatal here: every test that asks for a page fails with this
		// cause (newPage), so the failure is attributed and cannot be missed.
		fmt.Fprintf(os.Stderr, "e2e: BROWSER NOT AVAILABLE: %v\n", launchErr)
	} else if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "e2e: chromium %s ready in %s\n", browser.Version(), time.Since(start).Round(time.Millisecond))
	}

	code := m.Run()
	if launchErr != nil && code == 0 {
		// No test asked for a page, but a suite without a browser is broken.
		fmt.Fprintf(os.Stderr, "FAIL: e2e: browser not available: %v\n", launchErr)
		code = 1
	}

	if browser != nil {
		_ = browser.Close()
	}
	if pw != nil {
		_ = pw.Stop()
	}
	return code
}

// launchBrowser starts the Playwright driver and Chromium once for the package.
func launchBrowser() error {
	driverDir := filepath.Join(e2eDir, ".driver")
	cli := filepath.Join(driverDir, "package", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("playwright driver not found (%v); run `bash e2e/setup.sh` first", err)
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		return fmt.Errorf("chromium not found (%v); run `bash e2e/setup.sh` first", err)
	}
	if os.Getenv("PLAYWRIGHT_NODEJS_PATH") == "" {
		node, err := exec.LookPath("node")
		if err != nil {
			return fmt.Errorf("node not found on PATH: %w", err)
		}
		if err := os.Setenv("PLAYWRIGHT_NODEJS_PATH", node); err != nil {
			return err
		}
	}

	type result struct {
		pw      *playwright.Playwright
		browser playwright.Browser
		err     error
	}
	done := make(chan result, 1)
	go func() {
		p, err := playwright.Run(&playwright.RunOptions{
			DriverDirectory:     driverDir,
			SkipInstallBrowsers: true,
			Verbose:             false,
			Stdout:              os.Stderr,
			Stderr:              os.Stderr,
		})
		if err != nil {
			done <- result{err: fmt.Errorf("starting playwright driver in %s: %w", driverDir, err)}
			return
		}
		b, err := p.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
			ExecutablePath: playwright.String(chromiumPath),
			Headless:       playwright.Bool(true),
			Args:           chromiumArgs,
			Timeout:        playwright.Float(float64(launchTimeout.Milliseconds())),
		})
		if err != nil {
			_ = p.Stop()
			done <- result{err: fmt.Errorf("launching %s: %w", chromiumPath, err)}
			return
		}
		done <- result{pw: p, browser: b}
	}()
	select {
	case r := <-done:
		pw, browser = r.pw, r.browser
		return r.err
	case <-time.After(launchTimeout + 10*time.Second):
		return fmt.Errorf("playwright/chromium did not start within %s", launchTimeout+10*time.Second)
	}
}

// ---------------------------------------------------------------------------
// Server

// Server is a running instance of the application under test.
type Server struct {
	BaseURL string

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // the process's exit error, valid after done
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// buildServer compiles the server once per package run.
func buildServer() (string, error) {
	buildOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		serverBin = filepath.Join(tmpDir, "securemove")
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", serverBin, serverPkg)
		cmd.Dir = repoRoot
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("`go build -o %s %s` in %s failed: %v\n%s", serverBin, serverPkg, repoRoot, err, out)
		}
	})
	return serverBin, buildErr
}

// startServer builds (once) and starts the application with demo data on a
// free loopback port and a fresh database, waits for GET /health to answer
// 200, and stops it with SIGTERM when the test ends. The server's output is
// printed if the test fails.
func startServer(t testing.TB) *Server {
	t.Helper()
	db := filepath.Join(t.TempDir(), "test.db")
	args := []string{"-db", db, "-demo"}
	ready := healthTimeout
	if os.Getenv("SECUREMOVE_E2E_PG") == "1" {
		// Migrating an empty schema and seeding the demo go over the
		// network, a round trip per statement: on a loaded machine that
		// took 15 s (measured: open 2.9 s, seed 14.6 s at load 35).
		ready = 3 * healthTimeout
		// The server on PostgreSQL (make test runs the sign-in and a
		// move journey so): a schema of its own on SECUREMOVE_TEST_PG,
		// and the session and secrets keys every instance on a database
		// must share.
		db = storetest.PostgresDSN(t)
		args = []string{"-db", db, "-demo", "-session-key", "e2e-session-key-shared-by-every-instance",
			"-secrets-key", "ZTJlLXNlY3JldHMta2V5LXNoYXJlZC1ieS1hbGwtMzI="}
	}
	return launch(t, args, envWithout(os.Environ(), "SECUREMOVE_ENV"), ready)
}

// launch builds the server (once) and runs it with args and env on a free
// loopback port, waits until GET /health answers 200 (at most ready), and
// stops it with SIGTERM when the test ends, printing its output if the
// test failed.
func launch(t testing.TB, args, env []string, ready time.Duration) *Server {
	t.Helper()
	bin, err := buildServer()
	if err != nil {
		t.Fatalf("cannot start the server: %v", err)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatalf("cannot find a free port: %v", err)
	}
	args = append([]string{"-addr", addr}, args...)
	s := &Server{
		BaseURL: "http://" + addr,
		log:     &syncBuffer{},
		done:    make(chan struct{}),
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir = t.TempDir()
	s.cmd.Env = env
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop(t)
		if t.Failed() {
			t.Logf("server log (%s):\n%s", s.BaseURL, indent(s.log.String()))
		}
	})

	if err := s.waitHealthy(ready); err != nil {
		t.Fatalf("server %s did not become healthy: %v", s.BaseURL, err)
	}
	return s
}

// Store opens the running server's database (SQLite in WAL mode, or the
// server's PostgreSQL schema: both may use it at once), to set up a test's
// own data and check what a journey stored. It is closed when the test
// ends.
func (s *Server) Store(t testing.TB) *store.Store {
	t.Helper()
	db := ""
	for i, a := range s.cmd.Args {
		if a == "-db" && i+1 < len(s.cmd.Args) {
			db = s.cmd.Args[i+1]
		}
	}
	if db == "" {
		t.Fatalf("cannot find the server's database in %v", s.cmd.Args)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("open the server's database %q: %v", db, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// londonDay is today in London plus n days, as YYYY-MM-DD.
func londonDay(n int) string {
	return time.Now().In(serve.London).AddDate(0, 0, n).Format(time.DateOnly)
}

func (s *Server) waitHealthy(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	var last string
	for {
		select {
		case <-s.done:
			return fmt.Errorf("server exited before answering GET /health: %v", s.err)
		default:
		}
		resp, err := client.Get(s.BaseURL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = "GET /health answered " + resp.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no 200 from GET /health within %s (last: %s)", timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process to exit (SIGKILL after
// stopTimeout).
func (s *Server) stop(t testing.TB) {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		if s.err != nil {
			t.Logf("server exited after SIGTERM with: %v", s.err)
		}
	case <-time.After(stopTimeout):
		t.Errorf("server did not exit within %s of SIGTERM; killing it", stopTimeout)
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func envWithout(env []string, names ...string) []string {
	out := env[:0:0]
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

func indent(s string) string {
	if s == "" {
		return "    (no output)"
	}
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// ---------------------------------------------------------------------------
// Pages

// newPage opens a page in a fresh browser context (its own cookies and
// storage) with JavaScript on or off. The context is closed when the test
// ends; if the test failed, a full-page screenshot, the page's HTML and a
// Playwright trace of every step (DOM snapshots, network, console) are
// saved to e2e/artifacts/<TestName>.png, .html and .trace.zip first (open
// the trace with `npx playwright show-trace <file>`), and the browser's
// console errors are logged.
func newPage(t testing.TB, js bool) playwright.Page {
	t.Helper()
	if launchErr != nil {
		t.Fatalf("browser not available: %v", launchErr)
	}
	ctx, err := browser.NewContext(playwright.BrowserNewContextOptions{
		JavaScriptEnabled: playwright.Bool(js),
		Viewport:          &playwright.Size{Width: 1280, Height: 900},
		Locale:            playwright.String("en-GB"),
		TimezoneId:        playwright.String("Europe/London"),
	})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	ctx.SetDefaultTimeout(pageTimeoutMS)
	// A trace is asked for with E2E_TRACE=1 (DOM snapshots rather than
	// screencast frames). It is off by default: recording one cost about
	// a fifth of the suite's time (94 s against 75 s for three journeys),
	// with or without snapshots, and a failed test keeps its screenshot,
	// HTML and browser console regardless.
	tracing := os.Getenv("E2E_TRACE") == "1" && ctx.Tracing().Start(playwright.TracingStartOptions{
		Name: playwright.String(unsafeName.ReplaceAllString(t.Name(), "_")), Snapshots: playwright.Bool(true),
	}) == nil
	page, err := ctx.NewPage()
	if err != nil {
		_ = ctx.Close()
		t.Fatalf("new page: %v", err)
	}
	page.SetDefaultTimeout(pageTimeoutMS)
	pageJS.Store(page, js)
	artifactBase := artifactPath(t)

	var mu sync.Mutex
	var console []string
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" || m.Type() == "warning" {
			mu.Lock()
			console = append(console, m.Type()+": "+m.Text())
			mu.Unlock()
		}
	})
	page.OnPageError(func(err error) {
		mu.Lock()
		console = append(console, "uncaught: "+err.Error())
		mu.Unlock()
	})

	t.Cleanup(func() {
		if t.Failed() {
			saveArtifactsTo(t, page, artifactBase)
			if tracing {
				saveTrace(t, ctx, artifactBase)
			} else {
				t.Logf("for a Playwright trace of this test, run it again with E2E_TRACE=1")
			}
			mu.Lock()
			if len(console) > 0 {
				t.Logf("browser console:\n%s", indent(strings.Join(console, "\n")))
			}
			mu.Unlock()
		}
		_ = ctx.Close()
		pageJS.Delete(page)
	})
	return page
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

var (
	artifactMu    sync.Mutex
	artifactPages = map[string]int{} // test name -> pages opened so far
)

// artifactPath returns where a page of test t saves its artefacts (without
// extension): e2e/artifacts/<TestName>, or <TestName>-page<N> for the
// test's Nth page. When a test opens its first page, the artefacts left by
// an earlier run of that test are removed, so e2e/artifacts holds only those
// of tests whose latest run failed (several runs may share the work tree).
func artifactPath(t testing.TB) string {
	base := filepath.Join(e2eDir, "artifacts", unsafeName.ReplaceAllString(t.Name(), "_"))
	artifactMu.Lock()
	artifactPages[t.Name()]++
	n := artifactPages[t.Name()]
	artifactMu.Unlock()
	if n == 1 {
		old, _ := filepath.Glob(base + "-page*")
		for _, f := range append(old, base+".png", base+".html", base+".trace.zip") {
			_ = os.Remove(f)
		}
		return base
	}
	return fmt.Sprintf("%s-page%d", base, n)
}

// saveArtifacts saves a full-page screenshot and the HTML of the page to
// e2e/artifacts/<TestName>.png and .html.
func saveArtifacts(t testing.TB, page playwright.Page) {
	saveArtifactsTo(t, page, filepath.Join(e2eDir, "artifacts", unsafeName.ReplaceAllString(t.Name(), "_")))
}

// saveTrace stops the context's tracing and saves what it recorded to
// <base>.trace.zip.
func saveTrace(t testing.TB, ctx playwright.BrowserContext, base string) {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		t.Logf("cannot save the trace: %v", err)
		return
	}
	if err := ctx.Tracing().Stop(base + ".trace.zip"); err != nil {
		t.Logf("saving the trace: %v", err)
		return
	}
	t.Logf("trace: %s.trace.zip (npx playwright show-trace)", base)
}

func saveArtifactsTo(t testing.TB, page playwright.Page, base string) {
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		t.Logf("cannot save artefacts: %v", err)
		return
	}
	t.Logf("page: %s", page.URL())
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{
		Path:     playwright.String(base + ".png"),
		FullPage: playwright.Bool(true),
		Timeout:  playwright.Float(artifactTimeout),
	}); err != nil {
		t.Logf("screenshot failed: %v", err)
	} else {
		t.Logf("screenshot: %s.png", base)
	}
	html, err := page.Content()
	if err != nil {
		t.Logf("page HTML unavailable: %v", err)
		return
	}
	if err := os.WriteFile(base+".html", []byte(html), 0o644); err != nil {
		t.Logf("saving page HTML: %v", err)
		return
	}
	t.Logf("page HTML: %s.html", base)
}

// runBoth runs fn as subtest name/js-on and again as name/js-off.
func runBoth(t *testing.T, name string, fn func(t *testing.T, js bool)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		t.Run("js-on", func(t *testing.T) { fn(t, true) })
		t.Run("js-off", func(t *testing.T) { fn(t, false) })
	})
}

// expect returns Playwright's retrying assertions (default timeout 10 s).
var expect = playwright.NewPlaywrightAssertions(pageTimeoutMS)

// must fails the test if err is not nil.
func must(t testing.TB, err error, what string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

// goTo navigates to url and fails the test unless the response is 2xx.
func goTo(t testing.TB, page playwright.Page, url string) {
	t.Helper()
	resp, err := page.Goto(url)
	must(t, err, "GET %s", url)
	if resp == nil {
		t.Fatalf("GET %s: no response", url)
	}
	if resp.Status() >= 400 {
		t.Fatalf("GET %s: %d %s", url, resp.Status(), resp.StatusText())
	}
}

// ---------------------------------------------------------------------------
// Signing in and out

// signOutControl is the "Sign out" link or button in the page header (the
// GOV.UK header or the service navigation below it).
func signOutControl(page playwright.Page) playwright.Locator {
	header := page.Locator("header, [role=banner], .govuk-header, .govuk-service-navigation")
	name := playwright.LocatorGetByRoleOptions{Name: "Sign out", Exact: playwright.Bool(true)}
	return header.GetByRole(*playwright.AriaRoleLink, name).
		Or(header.GetByRole(*playwright.AriaRoleButton, name)).First()
}

// submitSignIn opens /sign-in, fills in the form and presses "Sign in".
func submitSignIn(t testing.TB, page playwright.Page, base, username, password string) {
	t.Helper()
	goTo(t, page, base+"/sign-in")
	must(t, page.GetByLabel("Username", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(username), "fill Username")
	must(t, page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(password), "fill Password")
	must(t, page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{
		Name: "Sign in", Exact: playwright.Bool(true),
	}).Click(), "click Sign in")
}

// signIn signs in as a demo user and waits for a signed-in page. If the
// service asks for a location first ("Choose your location"), it picks the
// first one and presses "Continue".
func signIn(t testing.TB, page playwright.Page, base, username string) {
	t.Helper()
	submitSignIn(t, page, base, username, demoPassword)

	out := signOutControl(page)
	chooser := page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{
		Name: "Choose your location",
	})
	if err := out.Or(chooser).First().WaitFor(); err != nil {
		t.Fatalf("signing in as %q: no signed-in page (no %q in the header, no %q heading); now at %s%s: %v",
			username, "Sign out", "Choose your location", page.URL(), pageSummary(page), err)
	}
	if ok, _ := chooser.IsVisible(); ok {
		must(t, page.GetByRole(*playwright.AriaRoleRadio).First().Check(), "choose the first location")
		must(t, page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{
			Name: "Continue", Exact: playwright.Bool(true),
		}).Click(), "click Continue")
		// The chooser may itself show "Sign out": wait for it to go first.
		if err := chooser.WaitFor(playwright.LocatorWaitForOptions{State: playwright.WaitForSelectorStateHidden}); err != nil {
			t.Fatalf("signing in as %q: still on the location chooser after Continue; now at %s%s: %v",
				username, page.URL(), pageSummary(page), err)
		}
		if err := out.WaitFor(); err != nil {
			t.Fatalf("signing in as %q: after choosing a location, no %q in the header; now at %s%s: %v",
				username, "Sign out", page.URL(), pageSummary(page), err)
		}
	}
	must(t, page.WaitForLoadState(), "wait for the page to load")
}

// signOut presses "Sign out" in the header and waits until it has gone.
func signOut(t testing.TB, page playwright.Page) {
	t.Helper()
	ctl := signOutControl(page)
	must(t, ctl.Click(), "click Sign out")
	if err := ctl.WaitFor(playwright.LocatorWaitForOptions{State: playwright.WaitForSelectorStateHidden}); err != nil {
		t.Fatalf("after signing out, %q is still shown; now at %s%s: %v", "Sign out", page.URL(), pageSummary(page), err)
	}
	must(t, page.WaitForLoadState(), "wait for the page to load")
}

// pageSummary describes the page for failure messages: its h1 and any
// GOV.UK error summary.
func pageSummary(page playwright.Page) string {
	var b strings.Builder
	short := playwright.LocatorTextContentOptions{Timeout: playwright.Float(500)}
	if h1, err := page.Locator("h1").First().TextContent(short); err == nil {
		fmt.Fprintf(&b, " (h1 %q", strings.TrimSpace(h1))
	} else {
		b.WriteString(" (no h1")
	}
	if n, _ := page.Locator(".govuk-error-summary").Count(); n > 0 {
		if es, err := page.Locator(".govuk-error-summary").First().TextContent(short); err == nil {
			fmt.Fprintf(&b, ", error summary %q", strings.Join(strings.Fields(es), " "))
		}
	}
	b.WriteString(")")
	return b.String()
}

// ---------------------------------------------------------------------------
// Accessibility

// axeTags are the rule sets checked by checkA11y. No rule is switched off.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// outsideMainOK are the elements that the GOV.UK Design System places
// before <main> (the template's beforeContent), where axe-core's
// best-practice rule "region" (all content inside landmarks) would flag
// them: the back link ("Always place back links at the top of a page,
// before the <main> element", so that "Skip to main content" skips it too)
// and the phase banner. Only the "region" rule ignores them; every other
// rule still checks them, and "region" still checks everything else.
const outsideMainOK = ".govuk-back-link, .govuk-phase-banner"

// Violation is one failed axe-core rule and the elements that fail it.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		Summary string   `json:"failureSummary"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    - %s", strings.Join(n.Target, " "))
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(strings.TrimSpace(n.Summary), "\n", "\n      "))
		}
	}
	return b.String()
}

// checkA11y runs axe-core on the page and fails the test listing every
// violation (rule, help, selectors of the failing elements).
func checkA11y(t testing.TB, page playwright.Page) {
	t.Helper()
	vs, err := a11yViolations(page)
	if err != nil {
		t.Fatalf("running axe-core on %s: %v", page.URL(), err)
	}
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d accessibility violation(s) on %s:", len(vs), page.URL())
	for _, v := range vs {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	t.Fatal(b.String())
}

// a11yViolations runs axe-core on the page and returns its violations.
//
// axe-core is evaluated through Playwright (page.Evaluate), not added as a
// <script> element: the application's Content-Security-Policy forbids
// inline scripts, and DevTools evaluation is not subject to it.
//
// In a context with JavaScript off, evaluated code still runs, but the
// browser never calls back into it (no timers, queueMicrotask,
// MutationObserver, requestAnimationFrame or MessageChannel), while plain
// promise chains and fetch still work. axe-core needs timers between rules,
// so there it is loaded with setTimeout, clearTimeout and queueMicrotask
// replaced by promise-driven stand-ins (lexically, for axe-core only; the
// page's own globals are untouched), which fire timers in order of their
// due time. Page scripts still never run.
func a11yViolations(page playwright.Page) ([]Violation, error) {
	axeOnce.Do(func() {
		p := filepath.Join(e2eDir, "node_modules", "axe-core", "axe.min.js")
		b, err := os.ReadFile(p)
		if err != nil {
			axeErr = fmt.Errorf("%w (run `bash e2e/setup.sh`)", err)
			return
		}
		axeSource = string(b)
	})
	if axeErr != nil {
		return nil, axeErr
	}

	loaded, err := evaluate(page, 5*time.Second, `() => typeof window.axe === 'object'`)
	if err != nil {
		return nil, fmt.Errorf("probing for axe-core: %w", err)
	}
	if loaded != true {
		js, err := scriptsRun(page)
		if err != nil {
			return nil, err
		}
		inject := "() => {\n" + axeSource + "\n;}"
		if !js {
			inject = "() => {\nconst __t = (" + promiseTimersJS + ")();\nwindow.__e2eAxeTimers = __t;\n" +
				"(function (setTimeout, clearTimeout, queueMicrotask) {\n" + axeSource +
				"\n}).call(window, __t.setTimeout, __t.clearTimeout, __t.queueMicrotask);\n}"
		}
		if _, err := evaluate(page, 10*time.Second, inject); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
	}

	res, err := evaluate(page, 60*time.Second, `async ([tags, outsideMainOK]) => {
		try {
			const r = await window.axe.run(document, {
				runOnly: { type: 'tag', values: tags },
				resultTypes: ['violations'],
				elementRef: true,
			});
			const violations = r.violations.map(v => v.id !== 'region' ? v : {
				...v,
				nodes: v.nodes.filter(n => !(n.element && n.element.closest(outsideMainOK))),
			}).filter(v => v.nodes.length > 0);
			return JSON.stringify(violations.map(v => ({
				id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
				nodes: v.nodes.map(n => ({
					target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
					failureSummary: n.failureSummary || '',
				})),
			})));
		} finally {
			if (window.__e2eAxeTimers) window.__e2eAxeTimers.reset();
		}
	}`, []any{axeTags, outsideMainOK})
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	s, ok := res.(string)
	if !ok {
		return nil, fmt.Errorf("axe.run returned %T, not a JSON string", res)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(s), &vs); err != nil {
		return nil, fmt.Errorf("decoding axe-core results: %w", err)
	}
	return vs, nil
}

// promiseTimersJS makes timer functions driven by promise reactions only,
// which still run where the browser's own callbacks do not (JavaScript off).
// Timers fire one at a time in order of due time (virtual time, no real
// waiting), each after a few promise hops so that pending promise work
// runs first. reset() drops pending timers once axe.run has finished.
const promiseTimersJS = `function () {
	const timers = new Map();
	let seq = 0, now = 0, pumping = false, fired = 0;
	const pump = () => {
		if (pumping || timers.size === 0) return;
		pumping = true;
		let p = Promise.resolve();
		for (let i = 0; i < 20; i++) p = p.then(() => {});
		p.then(() => {
			pumping = false;
			let nextId = 0, next = null;
			for (const [id, t] of timers) {
				if (!next || t.at < next.at) { nextId = id; next = t; }
			}
			if (!next) return;
			timers.delete(nextId);
			now = Math.max(now, next.at);
			if (++fired > 100000) { timers.clear(); console.error('e2e axe timers: runaway, stopped'); return; }
			try { next.fn(...next.args); } catch (e) { console.error('e2e axe timer:', e); }
			pump();
		});
	};
	return {
		setTimeout(fn, ms, ...args) {
			const id = ++seq;
			if (typeof fn === 'function') {
				timers.set(id, { at: now + (Number(ms) || 0), fn, args });
				pump();
			}
			return id;
		},
		clearTimeout(id) { timers.delete(id); },
		queueMicrotask(fn) { Promise.resolve().then(fn); },
		reset() { timers.clear(); fired = 0; },
	};
}`

// pageJS records whether each page made by newPage runs page scripts.
var pageJS sync.Map // playwright.Page -> bool

// scriptsRun tells whether the page's browser context runs page scripts.
func scriptsRun(page playwright.Page) (bool, error) {
	if v, ok := pageJS.Load(page); ok {
		return v.(bool), nil
	}
	// Not made by newPage: a browser callback fires only if scripts run.
	v, err := evaluate(page, 2*time.Second, `() => new Promise(r => setTimeout(() => r(true), 0))`)
	if errors.Is(err, errEvalTimeout) {
		return false, nil
	}
	return v == true, err
}

var errEvalTimeout = errors.New("timed out")

// evaluate is page.Evaluate with a time limit: Playwright's own has none, and
// a promise that never settles would otherwise hang the test.
func evaluate(page playwright.Page, limit time.Duration, expr string, arg ...any) (any, error) {
	type result struct {
		v   any
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := page.Evaluate(expr, arg...)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(limit):
		// The pending call returns when the test closes the page's context.
		return nil, fmt.Errorf("page.Evaluate %w after %s", errEvalTimeout, limit)
	}
}
