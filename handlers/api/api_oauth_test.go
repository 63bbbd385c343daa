package api_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The whole life of a token and of the secrets behind it: issue, use,
// expiry, rotation with two live secrets, retirement, disabling.
func TestTokenLifecycle(t *testing.T) {
	e := handlertest.NewEnv(t)
	id, secret := e.Client("serco")

	// Issue, by HTTP Basic: the guide's body, not cached.
	r := e.TokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, secret).Want(t, http.StatusOK)
	if r.JSON["token_type"] != "bearer" || r.JSON["expires_in"] != float64(3600) || r.JSON["access_token"] == "" {
		t.Fatalf("token response %s", r.Body)
	}
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("token headers %v", r.Header)
	}
	tok := r.JSON["access_token"].(string)

	// And by form fields.
	formTok := e.TokenRequest(url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}, "", "").
		Want(t, http.StatusOK).JSON["access_token"].(string)
	if formTok == tok {
		t.Fatal("two requests gave the same token")
	}

	// Use.
	e.Do(http.MethodGet, "/api/moves", tok, nil).Want(t, http.StatusOK)

	// Stored only as a hash: the token is nowhere in the database.
	var n int
	if err := e.St.DB().QueryRow("SELECT COUNT(*) FROM access_tokens WHERE token_hash = ?", tok).Scan(&n); err != nil || n != 0 {
		t.Fatalf("token stored in clear (%d, %v)", n, err)
	}

	// Expiry: still good just before an hour, gone after.
	e.Clock.Add(59*time.Minute + 59*time.Second)
	e.Do(http.MethodGet, "/api/moves", tok, nil).Want(t, http.StatusOK)
	e.Clock.Add(2 * time.Second)
	handlertest.WantTokenInvalid(t, e.Do(http.MethodGet, "/api/moves", tok, nil))

	// Rotation: two live secrets, both get tokens.
	newSecret, err := e.St.RotateClientSecret(e.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	oldTok := e.Token(id, secret)
	newTok := e.Token(id, newSecret)
	e.Do(http.MethodGet, "/api/moves", oldTok, nil).Want(t, http.StatusOK)
	e.Do(http.MethodGet, "/api/moves", newTok, nil).Want(t, http.StatusOK)
	if _, err := e.St.RotateClientSecret(e.Ctx, id); err == nil {
		t.Fatal("a third live secret was allowed")
	}

	// Retirement: the older secret gets invalid_client, its tokens stop;
	// the newer goes on.
	if _, err := e.St.RetireOlderSecret(e.Ctx, id); err != nil {
		t.Fatal(err)
	}
	r = e.TokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, secret).Want(t, http.StatusUnauthorized)
	if r.JSON["error"] != "invalid_client" {
		t.Fatalf("retired secret: %s", r.Body)
	}
	handlertest.WantTokenInvalid(t, e.Do(http.MethodGet, "/api/moves", oldTok, nil))
	e.Do(http.MethodGet, "/api/moves", newTok, nil).Want(t, http.StatusOK)
	e.Token(id, newSecret)

	// Disabling: no more tokens, and the ones held stop at once.
	if err := e.St.DisableClient(e.Ctx, id); err != nil {
		t.Fatal(err)
	}
	handlertest.WantTokenInvalid(t, e.Do(http.MethodGet, "/api/moves", newTok, nil))
	r = e.TokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, newSecret).Want(t, http.StatusUnauthorized)
	if r.JSON["error"] != "invalid_client" {
		t.Fatalf("disabled client: %s", r.Body)
	}
}

// A configured lifetime is what expires_in says and what the service keeps.
func TestTokenTTLConfigurable(t *testing.T) {
	e := handlertest.NewEnv(t)
	e.Srv.API.TokenTTL = 10 * time.Minute
	id, secret := e.Client("serco")
	r := e.TokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, secret).Want(t, http.StatusOK)
	if r.JSON["expires_in"] != float64(600) {
		t.Fatalf("expires_in %v", r.JSON["expires_in"])
	}
	tok := r.JSON["access_token"].(string)
	e.Clock.Add(10*time.Minute + time.Second)
	handlertest.WantTokenInvalid(t, e.Do(http.MethodGet, "/api/moves", tok, nil))
}

func TestTokenErrors(t *testing.T) {
	e := handlertest.NewEnv(t)
	id, secret := e.Client("serco")
	cc := url.Values{"grant_type": {"client_credentials"}}
	tests := []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		err        string
	}{
		{"wrong secret", cc, id, "not-the-secret", 401, "invalid_client"},
		{"unknown client", cc, "nobody", secret, 401, "invalid_client"},
		{"no credentials", cc, "", "", 401, "invalid_client"},
		{"missing grant_type", url.Values{}, id, secret, 400, "invalid_request"},
		{"password grant", url.Values{"grant_type": {"password"}}, id, secret, 400, "unsupported_grant_type"},
		{"both ways", url.Values{"grant_type": {"client_credentials"}, "client_secret": {secret}}, id, secret, 400, "invalid_request"},
		{"form without secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {id}}, "", "", 401, "invalid_client"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.TokenRequest(tc.form, tc.user, tc.pass).Want(t, tc.status)
			if r.JSON["error"] != tc.err {
				t.Fatalf("error %v, want %s (%s)", r.JSON["error"], tc.err, r.Body)
			}
			if _, ok := r.JSON["access_token"]; ok {
				t.Fatal("a token came with an error")
			}
		})
	}
	// A refusal is the client's mistake: nothing for an operator's error
	// log, which anyone could otherwise fill.
	if logs := e.App.Logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Fatalf("refused token requests were logged as errors:\n%s", logs)
	}
}

// Token requests are limited per client: the eleventh in a minute waits.
func TestTokenRateLimit(t *testing.T) {
	e := handlertest.NewEnv(t)
	id, secret := e.Client("serco")
	other, otherSecret := e.Client("geoamey")
	cc := url.Values{"grant_type": {"client_credentials"}}
	for i := 0; i < 10; i++ {
		e.TokenRequest(cc, id, secret).Want(t, http.StatusOK)
		e.Clock.Add(time.Second)
	}
	r := e.TokenRequest(cc, id, secret).Want(t, http.StatusTooManyRequests)
	wait, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if r.JSON["error"] == nil {
		t.Fatalf("429 body %s", r.Body)
	}
	// Wrong secrets count too, so a secret cannot be guessed quickly.
	e.TokenRequest(cc, id, "guess").Want(t, http.StatusTooManyRequests)
	// Another client is not held up.
	e.TokenRequest(cc, other, otherSecret).Want(t, http.StatusOK)
	// Once the minute has passed, the client may ask again.
	e.Clock.Add(time.Duration(wait) * time.Second)
	e.TokenRequest(cc, id, secret).Want(t, http.StatusOK)
}

// Every /api call needs a valid bearer token; the documentation does not.
func TestBearerTokenRequired(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	paths := []struct{ method, path string }{
		{"GET", "/api/moves"}, {"GET", "/api/moves/" + m.ID}, {"GET", "/api/moves/" + m.ID + "/events"},
		{"POST", "/api/events"}, {"GET", "/api/events/" + handlertest.NewUUID()}, {"POST", "/api/moves"}, {"PATCH", "/api/moves/" + m.ID},
		{"GET", "/api/people?filter[prison_number]=A1234BC"}, {"POST", "/api/people"}, {"GET", "/api/reference/locations"},
		{"GET", "/api/reference/suppliers"}, {"GET", "/api/nothing-here"},
	}
	for _, auth := range []string{"", "Bearer", "Bearer not-a-token", "Basic " + tok, "bearer " + tok + "x"} {
		for _, p := range paths {
			var body any
			if p.method != "GET" {
				body = "{}"
			}
			r := e.Do(p.method, p.path, "", body, "Authorization", auth)
			if r.Code != http.StatusUnauthorized {
				t.Fatalf("%s %s with %q: %d", p.method, p.path, auth, r.Code)
			}
			handlertest.WantTokenInvalid(t, r)
		}
	}
	// The scheme is case-insensitive.
	e.Do("GET", "/api/moves", "", nil, "Authorization", "bearer "+tok).Want(t, http.StatusOK)
	e.Do("GET", "/api/docs.json", "", nil).Want(t, http.StatusOK)
	e.Do("GET", "/api/docs", "", nil).Want(t, http.StatusOK)
}

// RFC 7009 revocation: a client ends its own token at once; another
// client's token, an unknown one or a revoked one is left alone with the
// same 200; bad requests and bad credentials are refused.
func TestTokenRevocation(t *testing.T) {
	e := handlertest.NewEnv(t)
	id, secret := e.Client("serco")
	otherID, otherSecret := e.Client("geoamey")
	tok := e.Token(id, secret)
	keep := e.Token(id, secret)
	other := e.Token(otherID, otherSecret)
	e.Do(http.MethodGet, "/api/moves", tok, nil).Want(t, http.StatusOK) // now kept in memory too

	revoke := func(form url.Values, basicID, basicSecret string) *handlertest.Resp {
		req := httptest.NewRequest(http.MethodPost, "/oauth/revoke", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basicID != "" {
			req.SetBasicAuth(basicID, basicSecret)
		}
		return e.Serve(req)
	}

	// Another client's token: 200, and it still works.
	r := revoke(url.Values{"token": {other}}, id, secret).Want(t, http.StatusOK)
	if len(r.Body) != 0 || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("revocation answer: %q, %v", r.Body, r.Header)
	}
	e.Do(http.MethodGet, "/api/moves", other, nil).Want(t, http.StatusOK)
	// Unknown: 200 all the same.
	revoke(url.Values{"token": {"not-a-token"}}, id, secret).Want(t, http.StatusOK)

	// Its own, with credentials in the form this time: gone at once.
	revoke(url.Values{"token": {tok}, "token_type_hint": {"access_token"}, "client_id": {id}, "client_secret": {secret}}, "", "").Want(t, http.StatusOK)
	handlertest.WantTokenInvalid(t, e.Do(http.MethodGet, "/api/moves", tok, nil))
	e.Do(http.MethodGet, "/api/moves", keep, nil).Want(t, http.StatusOK)
	revoke(url.Values{"token": {tok}}, id, secret).Want(t, http.StatusOK) // twice is fine

	// Refused.
	for _, tc := range []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		errorCode  string
	}{
		{"no token", url.Values{}, id, secret, http.StatusBadRequest, "invalid_request"},
		{"refresh token hint", url.Values{"token": {keep}, "token_type_hint": {"refresh_token"}}, id, secret, http.StatusBadRequest, "unsupported_token_type"},
		{"wrong secret", url.Values{"token": {keep}}, id, secret + "x", http.StatusUnauthorized, "invalid_client"},
		{"no credentials", url.Values{"token": {keep}}, "", "", http.StatusUnauthorized, "invalid_client"},
	} {
		r := revoke(tc.form, tc.user, tc.pass)
		if r.Code != tc.status || r.JSON["error"] != tc.errorCode {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.Code, r.Body, tc.status, tc.errorCode)
		}
	}
	e.Do(http.MethodGet, "/api/moves", keep, nil).Want(t, http.StatusOK)
}
