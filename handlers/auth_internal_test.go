package handlers

import "testing"

// safeNext keeps the redirect after sign-in (or after choosing a location)
// on this site, however the address is dressed up.
func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"":                           "/",
		"/moves/outgoing?date=today": "/moves/outgoing?date=today",
		"/move/abc#timeline":         "/move/abc#timeline",
		"//evil.example/x":           "/",
		"/\\evil.example":            "/",
		"/x\\..\\\\evil.example":     "/",
		"https://evil.example/":      "/",
		"javascript:alert(1)":        "/",
		"/\t/evil.example":           "/",
		"/\n/evil.example":           "/",
		"/\r\n/evil.example":         "/",
		"/\x7f/evil.example":         "/",
		"moves":                      "/",
		"/%2F/evil.example":          "/%2F/evil.example", // a path on this site: the browser does not decode it into //
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
