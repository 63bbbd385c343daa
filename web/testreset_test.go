package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/handlers/api"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// POST /test/reset exists only with TestEndpoints in demo mode and never
// in production.
func TestTestResetAbsentWithoutTheFlag(t *testing.T) {
	for name, cfg := range map[string]web.Config{
		"without the flag": {},
		"in production":    {TestEndpoints: true, Production: true},
	} {
		h := secHarness(t, cfg, nil)
		if r := do(t, h.client(), http.MethodPost, h.ts.URL+"/test/reset", nil, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: POST /test/reset answered %d, want 404", name, r.StatusCode)
		}
		if n := countRows(t, h, "moves"); n == 0 {
			t.Errorf("%s: the demo data is gone", name)
		}
	}
}

// A reset undoes every change, at once, and no page kept from before it
// is served after it.
func TestTestResetPutsTheDemoBack(t *testing.T) {
	h := secHarness(t, web.Config{TestEndpoints: true, DemoStart: secStart}, nil)
	ctx := context.Background()
	d, err := store.PlanDemo(secStart)
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.Move("in-transit-court-guildford")
	if !ok {
		t.Fatal("no in-transit demo move")
	}
	pmu := signInAs(t, h, "pmu")
	status := func() string {
		t.Helper()
		r := do(t, pmu, http.MethodGet, h.ts.URL+"/move/"+m.ID, nil, nil)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("move page: %d", r.StatusCode)
		}
		doc := r.doc()
		return strings.TrimSpace(doc.Find(`[data-testid="move-status"]`).First().Text())
	}
	if got := status(); got != "In transit" {
		t.Fatalf("before: status %q", got)
	}
	// Changes: the move is completed, a client and a person are added.
	h.advance(time.Minute)
	if _, _, err := h.st.AppendEvent(ctx, moves.Event{ID: uuid.NewString(), MoveID: m.ID, Type: moves.EventMoveComplete,
		OccurredAt: h.clock(), RecordedAt: h.clock(), CreatedBy: "Serco"}, store.AppendOptions{By: "Serco"}); err != nil {
		t.Fatal(err)
	}
	newAPIClient(t, h, "serco", "Made during a test")
	if got := status(); got != "Completed" {
		t.Fatalf("after completing: status %q", got)
	}
	moveRows, clientRows, eventRows := countRows(t, h, "moves"), countRows(t, h, "api_clients"), countRows(t, h, "events")

	start := time.Now()
	r := do(t, h.client(), http.MethodPost, h.ts.URL+"/test/reset", nil, nil)
	took := time.Since(start)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d %s", r.StatusCode, r.body)
	}
	var ans struct {
		Status, Today string
		Moves         int
	}
	if err := json.Unmarshal(r.body, &ans); err != nil || ans.Status != "reset" || ans.Today != d.Today || ans.Moves != len(d.Moves) {
		t.Fatalf("reset answered %s (%v)", r.body, err)
	}
	// The one-second promise is the store's to keep, checked on CPU time
	// in store's TestResetDemo (wall time here counts the race detector
	// and the packages running beside this one); here only a reset gone
	// wrong is caught.
	if took > 15*time.Second {
		t.Errorf("reset took %v", took)
	}
	// The cached page moved on; the session survived.
	if got := status(); got != "In transit" {
		t.Errorf("after reset: status %q", got)
	}
	if n := countRows(t, h, "api_clients"); n != len(store.DemoClients) || n >= clientRows {
		t.Errorf("%d API clients after reset, want the %d of the demo", n, len(store.DemoClients))
	}
	// The planned moves (the demo allocations' places among them).
	if n := countRows(t, h, "moves"); n != len(d.Moves) || n != moveRows {
		t.Errorf("%d moves after reset, want %d", n, len(d.Moves))
	}
	if n := countRows(t, h, "events"); n != eventRows-1 {
		t.Errorf("%d events after reset, want %d", n, eventRows-1)
	}
	got, err := h.st.MoveByReference(ctx, m.Reference)
	if err != nil || got.ID != m.ID || got.Status != moves.StatusInTransit {
		t.Errorf("after reset %s is %+v (%v)", m.Reference, got, err)
	}
}

func countRows(t *testing.T, h *harness, table string) int {
	t.Helper()
	var n int
	if err := h.st.DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// demoToken asks /oauth/token for a token for the first demo client and
// returns the status.
func demoToken(t *testing.T, h *harness) int {
	t.Helper()
	c := store.DemoClients[0]
	return do(t, nil, http.MethodPost, h.ts.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {c.ClientID}, "client_secret": {c.Secret}}, nil).StatusCode
}

// A suite asks for a new token after each reset, as the guide tells it
// to: the token endpoint's limit per client counts from the reset, so
// more than TokenRequestsPerMinute resets a minute still get tokens. The
// limit itself stays.
func TestTestResetForgetsTokenRequests(t *testing.T) {
	h := secHarness(t, web.Config{TestEndpoints: true, DemoStart: secStart}, nil)
	for i := range api.TokenRequestsPerMinute {
		if got := demoToken(t, h); got != http.StatusOK {
			t.Fatalf("token request %d: %d", i+1, got)
		}
	}
	if got := demoToken(t, h); got != http.StatusTooManyRequests {
		t.Fatalf("token request %d in a minute: %d, want 429", api.TokenRequestsPerMinute+1, got)
	}
	if r := do(t, nil, http.MethodPost, h.ts.URL+"/test/reset", nil, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d %s", r.StatusCode, r.body)
	}
	for i := range api.TokenRequestsPerMinute {
		if got := demoToken(t, h); got != http.StatusOK {
			t.Fatalf("after the reset, token request %d: %d", i+1, got)
		}
	}
	if got := demoToken(t, h); got != http.StatusTooManyRequests {
		t.Fatalf("after the reset, token request %d in a minute: %d, want 429", api.TokenRequestsPerMinute+1, got)
	}
}

// A test's failed sign-ins do not hold up the next test's: the reset
// forgets them.
func TestTestResetForgetsFailedSignIns(t *testing.T) {
	h := secHarness(t, web.Config{TestEndpoints: true, DemoStart: secStart}, nil)
	signIn := func(password string) int {
		t.Helper()
		c := h.client()
		return do(t, c, http.MethodPost, h.ts.URL+"/sign-in", url.Values{"_csrf": {csrfOf(t, h, c)}, "username": {"pmu"}, "password": {password}}, nil).StatusCode
	}
	for i := range 4 {
		if got := signIn("wrong"); got != http.StatusUnauthorized && got != http.StatusTooManyRequests {
			t.Fatalf("wrong password %d: %d", i+1, got)
		}
	}
	if got := signIn(store.DemoPassword); got != http.StatusTooManyRequests {
		t.Fatalf("the right password before the reset: %d, want 429 (the throttle)", got)
	}
	if r := do(t, nil, http.MethodPost, h.ts.URL+"/test/reset", nil, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d %s", r.StatusCode, r.body)
	}
	if got := signIn(store.DemoPassword); got != http.StatusSeeOther {
		t.Fatalf("the right password after the reset: %d, want 303", got)
	}
}

// The reset runs Config.AfterReset (main's: the demo receiver's
// subscriptions made again) once the data is back, and empties
// /demo/webhooks; a failure there fails the reset.
func TestTestResetRunsAfterReset(t *testing.T) {
	var calls int
	var fail error
	var h *harness
	h = secHarness(t, web.Config{TestEndpoints: true, DemoStart: secStart, AfterReset: func(ctx context.Context) error {
		calls++
		if n := countRows(t, h, "moves"); n == 0 {
			t.Error("AfterReset ran before the demo data was back")
		}
		return fail
	}}, nil)
	// Something arrives at the demo receiver (unsigned: kept, refused).
	if r := do(t, nil, http.MethodPost, h.ts.URL+"/demo/webhooks", nil, nil); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned delivery: %d", r.StatusCode)
	}
	if len(h.srv.Handlers.DemoSink.Arrivals()) != 1 {
		t.Fatal("the demo receiver kept nothing")
	}
	if r := do(t, nil, http.MethodPost, h.ts.URL+"/test/reset", nil, nil); r.StatusCode != http.StatusOK || calls != 1 {
		t.Fatalf("reset: %d, AfterReset ran %d times", r.StatusCode, calls)
	}
	if n := len(h.srv.Handlers.DemoSink.Arrivals()); n != 0 {
		t.Errorf("%d arrivals kept after the reset", n)
	}
	if r := do(t, nil, http.MethodGet, h.ts.URL+"/demo/webhooks", nil, nil); !strings.Contains(string(r.body), "Nothing has arrived yet") {
		t.Errorf("/demo/webhooks after the reset: %d", r.StatusCode)
	}
	fail = errors.New("no subscriptions")
	if r := do(t, nil, http.MethodPost, h.ts.URL+"/test/reset", nil, nil); r.StatusCode != http.StatusInternalServerError {
		t.Fatalf("reset whose AfterReset failed: %d", r.StatusCode)
	}
}
