package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
	"github.com/securemove/securemove/web"
)

// instanceOn is one more server on the database at dsn, sharing the
// session key, as instances behind a load balancer do.
func instanceOn(t *testing.T, dsn string, seed bool) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if seed {
		if _, err := st.SeedDemo(ctx, webStart); err != nil {
			t.Fatal(err)
		}
	}
	return serveOn(t, st, webStart, web.Config{SessionKey: []byte("test-session-key-shared-by-instances-0123")}, nil)
}

// A session started on one instance works on another; signed out on the
// first, the same cookie stops working on the second within a second (the
// session generation is in the database, and the second instance hears
// the first one's commit).
func TestSessionsAcrossInstances(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a := instanceOn(t, dsn, true)
	b := instanceOn(t, dsn, false)
	c := signInAs(t, a, "pmu")
	tok := csrfOf(t, a, c)
	cookie := &http.Cookie{Name: "securemove_session", Value: sessionValue(a, c)}
	ub, _ := url.Parse(b.ts.URL)
	onB := cookieClient(ub, cookie)
	if r := do(t, onB, http.MethodGet, b.ts.URL+"/", nil, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("A's session on B: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := do(t, c, http.MethodPost, a.ts.URL+"/sign-out", url.Values{"_csrf": {tok}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on A: %d", r.StatusCode)
	}
	deadline := time.Now().Add(time.Second)
	for {
		r := do(t, onB, http.MethodGet, b.ts.URL+"/", nil, nil)
		if r.StatusCode == http.StatusSeeOther && strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a second after signing out on A, the cookie on B: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
