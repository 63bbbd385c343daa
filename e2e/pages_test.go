//go:build e2e

package e2e

// Page helpers a tester can copy, and the tests that show them working on
// the documented demo data (docs/TESTING.md): an instance started with a
// fixed clock and the test endpoints, each test on data of its own (a
// fresh instance, or /test/reset), and a screenshot and the HTML under
// e2e/artifacts/ when a test fails (and a Playwright trace, with
// E2E_TRACE=1).

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/store"
)

// suiteNow is the clock the tests start the service with: the guide's.
const suiteNow = "2026-01-15T09:00:00Z"

// startSuiteServer starts the service as docs/TESTING.md says a suite
// should: -demo on a fresh database, -now fixed, -test-endpoints.
func startSuiteServer(t *testing.T) *Server {
	t.Helper()
	return launch(t, []string{"-db", filepath.Join(t.TempDir(), "suite.db"), "-demo", "-now", suiteNow, "-test-endpoints"},
		envWithout(os.Environ(), "SECUREMOVE_ENV", "SECUREMOVE_NOW"), healthTimeout)
}

// Pages is one browser page of a test against a suite server.
type Pages struct {
	t    *testing.T
	Page playwright.Page
	srv  *Server
	demo *store.DemoData
}

// openPages opens a page (JavaScript on); like every page of the suite it
// leaves a screenshot in e2e/artifacts/ when the test fails, and with
// E2E_TRACE=1 a Playwright trace, <TestName>.trace.zip (newPage).
func openPages(t *testing.T, srv *Server) *Pages {
	t.Helper()
	page := newPage(t, true)
	at, _ := time.Parse(time.RFC3339, suiteNow)
	d, err := store.PlanDemo(at)
	if err != nil {
		t.Fatal(err)
	}
	return &Pages{t: t, Page: page, srv: srv, demo: d}
}

// SignIn signs in as the demo user of a role (police choose Guildford).
func (p *Pages) SignIn(role string) { p.t.Helper(); signIn(p.t, p.Page, p.srv.BaseURL, role) }

// Move is a named demo move (see docs/TESTING.md).
func (p *Pages) Move(name string) store.DemoMove {
	p.t.Helper()
	m, ok := p.demo.Move(name)
	if !ok {
		p.t.Fatalf("no demo move named %q", name)
	}
	return m
}

// OpenMove opens the page of the demo move with a reference.
func (p *Pages) OpenMove(ref string) {
	p.t.Helper()
	for _, m := range p.demo.Moves {
		if m.Reference == ref {
			goTo(p.t, p.Page, p.srv.BaseURL+"/move/"+m.ID)
			return
		}
	}
	p.t.Fatalf("no demo move has the reference %q", ref)
}

// Status is the move status tag of the page (the first, on a list).
func (p *Pages) Status() string {
	p.t.Helper()
	s, err := p.Page.GetByTestId("move-status").First().TextContent()
	must(p.t, err, "read the status tag")
	return strings.TrimSpace(s)
}

// WaitForSwap waits until no region is updating: htmx requests mark the
// element that made them and their target aria-busy="true" until the swap
// has settled.
func (p *Pages) WaitForSwap() {
	p.t.Helper()
	must(p.t, p.Page.Locator(`[aria-busy="true"]`).First().WaitFor(playwright.LocatorWaitForOptions{
		State: playwright.WaitForSelectorStateDetached,
	}), "wait for htmx swaps to settle")
}

// Reset puts the demo data back (POST /test/reset).
func (p *Pages) Reset() {
	p.t.Helper()
	resp, err := http.Post(p.srv.BaseURL+"/test/reset", "", nil)
	if err != nil {
		p.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("POST /test/reset: %d", resp.StatusCode)
	}
}

// PostEvent posts an event on a move as the supplier's demo API client.
func (p *Pages) PostEvent(supplier, moveID, eventType string) (applied bool) {
	p.t.Helper()
	var c store.DemoClient
	for _, dc := range store.DemoClients {
		if dc.Supplier == supplier {
			c = dc
		}
	}
	req, _ := http.NewRequest(http.MethodPost, p.srv.BaseURL+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.SetBasicAuth(c.ClientID, c.Secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	p.doJSON(req, &tok)
	// The service's clock started at suiteNow and has run since; no demo
	// event is dated after its start, so an event dated then falls last.
	when := suiteNow
	body := `{"data":{"type":"events","attributes":{"event_type":"` + eventType + `","occurred_at":"` + when + `","recorded_at":"` + when +
		`","details":{}},"relationships":{"eventable":{"data":{"type":"moves","id":"` + moveID + `"}}}}}`
	req, _ = http.NewRequest(http.MethodPost, p.srv.BaseURL+"/api/events", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	var ans struct {
		Data struct {
			Meta struct {
				Applied bool `json:"applied"`
			} `json:"meta"`
		} `json:"data"`
	}
	p.doJSON(req, &ans)
	return ans.Data.Meta.Applied
}

func (p *Pages) doJSON(req *http.Request, out any) {
	p.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		p.t.Fatalf("%s %s: %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		p.t.Fatal(err)
	}
}

// A suite's day: the documented move is where the guide says, a supplier
// completes it through the API, the page shows it, and a reset undoes it.
func TestSuiteOnTheDocumentedDemo(t *testing.T) {
	srv := startSuiteServer(t)
	p := openPages(t, srv)
	p.SignIn("pmu")
	m := p.Move("in-transit-court-guildford")
	p.OpenMove(m.Reference)
	if got := p.Status(); got != "In transit" {
		t.Fatalf("%s: status %q, want In transit", m.Reference, got)
	}
	timeline := p.Page.GetByRole(*playwright.AriaRoleList, playwright.PageGetByRoleOptions{Name: "Timeline"})
	if n, _ := timeline.GetByTestId("timeline-item").Count(); n != m.Events {
		t.Errorf("timeline has %d items, want the %d events of the plan", n, m.Events)
	}
	if !p.PostEvent("serco", m.ID, "MoveComplete") {
		t.Fatal("MoveComplete posted at the present was not applied")
	}
	p.OpenMove(m.Reference)
	if got := p.Status(); got != "Completed" {
		t.Fatalf("after MoveComplete: status %q", got)
	}
	p.Reset()
	p.OpenMove(m.Reference)
	if got := p.Status(); got != "In transit" {
		t.Fatalf("after reset: status %q", got)
	}
	if n, _ := timeline.GetByTestId("timeline-item").Count(); n != m.Events {
		t.Errorf("after reset the timeline has %d items, want %d", n, m.Events)
	}
}

// While an htmx request is in flight the region says it is busy; a suite
// waits on that, not on time.
func TestSwapsSayTheyAreBusy(t *testing.T) {
	srv := startSuiteServer(t)
	p := openPages(t, srv)
	p.SignIn("pmu")
	goTo(t, p.Page, srv.BaseURL+"/moves/review")
	// Hold the filtered page back so the busy state can be seen.
	release := make(chan struct{})
	must(t, p.Page.Route("**/moves/review?*", func(r playwright.Route) {
		// Not on the driver's goroutine, which must stay free.
		go func() {
			<-release
			_ = r.Continue()
		}()
	}), "hold the filter request")
	must(t, p.Page.GetByText("Filter requests").Click(), "open the filters")
	must(t, p.Page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Apply filters"}).Click(), "apply filters")
	busy := p.Page.Locator(`[aria-busy="true"]`).First()
	if err := busy.WaitFor(); err != nil {
		close(release)
		t.Fatalf("no region is aria-busy during the request: %v", err)
	}
	close(release)
	p.WaitForSwap()
	if n, _ := p.Page.Locator(`[aria-busy="true"]`).Count(); n != 0 {
		t.Errorf("%d regions still busy after the swap", n)
	}
	if got, _ := p.Page.Locator("body").GetAttribute("aria-busy"); got != "false" {
		t.Errorf("the swapped region says aria-busy=%q, want false", got)
	}
}
