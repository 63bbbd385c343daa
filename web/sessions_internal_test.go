package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
)

// Decoded session cookies are kept, but only those that decoded, each only
// until it expires, and each request gets values of its own.
func TestDecodedCookies(t *testing.T) {
	s := NewSessions([]byte("session-internal-test-key-0123456789"), false)
	made := time.Now()
	cookie, err := securecookie.EncodeMulti(sessionName, map[any]any{serve.KeyUserID: "u1", serve.KeyCSRF: "token"}, s.cookies.Codecs...)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := cookieTime(cookie); !ok || got.Before(made.Add(-2*time.Second)) || got.After(made.Add(2*time.Second)) {
		t.Fatalf("cookieTime = %v, %v; made at %v", got, ok, made)
	}
	get := func(value string) (string, echo.Context) {
		e := echo.New()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: sessionName, Value: value})
		c := e.NewContext(req, httptest.NewRecorder())
		return s.Str(c, serve.KeyUserID), c
	}
	if uid, _ := get(cookie); uid != "u1" {
		t.Fatalf("first decode: user %q", uid)
	}
	vals, ok := s.decoded.get(cookie, time.Now())
	if !ok || vals[serve.KeyUserID] != "u1" {
		t.Fatalf("the decoded cookie was not kept: %v %v", vals, ok)
	}
	// Each request's values are its own.
	_, c := get(cookie)
	s.Set(c, serve.KeyUserID, "changed")
	if uid, _ := get(cookie); uid != "u1" {
		t.Errorf("a request's change reached the kept values: %q", uid)
	}
	// Kept no longer than securecookie would accept it.
	if _, ok := s.decoded.get(cookie, made.Add(s.maxAge+2*time.Second)); ok {
		t.Errorf("an expired cookie is still served from memory")
	}
	// A cookie that does not decode is never kept.
	tampered := cookie[:len(cookie)-4] + "AAAA"
	if uid, _ := get(tampered); uid != "" {
		t.Errorf("a tampered cookie signed in %q", uid)
	}
	if _, ok := s.decoded.get(tampered, time.Now()); ok {
		t.Errorf("a tampered cookie was kept")
	}
}
