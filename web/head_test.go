package web_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// HEAD gets what GET would, without the body; a path answered with other
// methods gets 405 and Allow, in its audience's format.
func TestHeadAndMethodNotAllowed(t *testing.T) {
	h := newHarness(t, web.Config{})
	c := h.client()
	for _, tc := range []struct {
		method, path string
		status       int
		allow, ctype string
	}{
		{http.MethodHead, "/health", http.StatusOK, "", "application/json"},
		{http.MethodHead, "/sign-in", http.StatusOK, "", "text/html; charset=UTF-8"},
		{http.MethodHead, "/api/docs", http.StatusOK, "", "text/html; charset=UTF-8"},
		{http.MethodHead, "/no-such-page", http.StatusNotFound, "", "text/html; charset=UTF-8"},
		{http.MethodGet, "/oauth/token", http.StatusMethodNotAllowed, "POST", "application/vnd.api+json"},
		{http.MethodDelete, "/oauth/revoke", http.StatusMethodNotAllowed, "POST", "application/vnd.api+json"},
		// Staff pages show a wrong method as "Page not found".
		{http.MethodGet, "/sign-out", http.StatusNotFound, "", "text/html; charset=UTF-8"},
	} {
		req, _ := http.NewRequest(tc.method, h.ts.URL+tc.path, nil)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, Allow %q", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.status, tc.allow)
		}
		if ct := res.Header.Get("Content-Type"); len(ct) < len(tc.ctype) || ct[:len(tc.ctype)] != tc.ctype {
			t.Errorf("%s %s: Content-Type %q, want %q", tc.method, tc.path, ct, tc.ctype)
		}
		if tc.method == http.MethodHead && len(body) != 0 {
			t.Errorf("HEAD %s sent a body of %d bytes", tc.path, len(body))
		}
		if tc.method == http.MethodHead && len(res.Header.Values("Set-Cookie")) > 0 {
			t.Errorf("HEAD %s set cookies: %v", tc.path, res.Header.Values("Set-Cookie"))
		}
	}
	// A HEAD takes nothing from the session: the flash a GET would show
	// (here, the one after signing in) is still there for the GET.
	h.signIn(c, "pmu", store.DemoPassword)
	req, _ := http.NewRequest(http.MethodHead, h.ts.URL+"/", nil)
	if res, err := c.Do(req); err != nil || len(res.Header.Values("Set-Cookie")) > 0 {
		t.Fatalf("HEAD / as a signed-in user: %v, cookies %v", err, res.Header.Values("Set-Cookie"))
	}
}
