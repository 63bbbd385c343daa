package web_test

import (
	"context"
	"encoding/base64"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// TestCSRFOnEveryFormRoute sends every state-changing form of the route
// table (every POST outside /api and /oauth) four ways that must be
// refused — without _csrf, with a made-up one, with another session's, and
// with the right one from a page another site made (Sec-Fetch-Site:
// cross-site) — and checks that each gets the GOV.UK "form has expired"
// 403, that the database is unchanged and that the user is still signed
// in; then sends it properly and gets the table's status, so each refused
// form was one that would have worked.
func TestCSRFOnEveryFormRoute(t *testing.T) {
	cases := routeTable()
	sort.SliceStable(cases, func(i, j int) bool { return casePhase(cases[i]) < casePhase(cases[j]) })
	staff := []string{"pmu", "police", "prison", "court", "supplier", "admin"}
	// Each form is forged as the first role it works for (pmu when it
	// works for nobody).
	forgeAs := map[int]string{}
	byCol := map[string]bool{}
	for i, rc := range cases {
		// POST /test/reset is outside the staff app on purpose (test
		// instances only; docs/TESTING.md says why it takes no token).
		if rc.method == http.MethodGet || rc.method == http.MethodHead || isAPIPath(rc.path) || strings.HasPrefix(rc.route, "echo_route_not_found") ||
			rc.route == "POST /test/reset" {
			continue
		}
		col := "pmu"
		for _, s := range staff {
			if st := rc.want[slices.Index(tableColumns, s)]; st >= 200 && st < 400 {
				col = s
				break
			}
		}
		forgeAs[i] = col
		byCol[col] = true
	}
	forged := map[string]bool{}
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	t.Run("forms", func(t *testing.T) {
		for _, col := range staff {
			if !byCol[col] {
				continue
			}
			ci := slices.Index(tableColumns, col)
			t.Run(col, func(t *testing.T) {
				t.Parallel()
				h := secHarness(t, tableConfig, nil)
				fx := newTableFixtures(t, h)
				serco := newAPIClient(t, h, "serco", "Serco table client")
				spare := newAPIClient(t, h, "geoamey", "Spare table client")
				fx.repl["{client}"], fx.repl["{clientSecret}"], fx.repl["{spare}"] = serco.id, serco.secret, spare.id
				c := signInAs(t, h, col)
				tok := csrfOf(t, h, c)
				otherTok := csrfOf(t, h, h.client())
				fx.repl["{journey}"] = "aaaaaaaaaaaaaaaa"
				if col == "police" || col == "prison" {
					loc := do(t, c, http.MethodGet, h.ts.URL+"/move/new", nil, nil).Header.Get("Location")
					fx.repl["{journey}"] = strings.Split(loc, "/")[3]
				}
				fx.repl["{own}"] = fx.expand(t, map[string]string{"pmu": "all", "police": "{SRY016}", "prison": "{BXI}"}[col]+map[bool]string{true: "{GUILCC}"}[col != "pmu" && col != "police" && col != "prison"])
				for i, rc := range cases {
					if rc.method == http.MethodGet || rc.method == http.MethodHead || rc.body != "" || strings.HasPrefix(rc.path, "/oauth/") ||
						strings.HasPrefix(rc.route, "echo_route_not_found") {
						continue
					}
					path := fx.expand(t, rc.path)
					form := url.Values{}
					for k, vs := range rc.form {
						for _, v := range vs {
							form.Add(k, fx.expand(t, v))
						}
					}
					name := rc.method + " " + path
					if forgeAs[i] == col {
						before := fingerprint(t, h)
						for _, v := range []struct {
							what string
							csrf string
							hdr  http.Header
						}{
							{"without a token", "", nil},
							{"with a made-up token", "forged-token-forged-token-forged-token-12", nil},
							{"with another session's token", otherTok, nil},
							{"with a made-up X-CSRF-Token header", "", http.Header{"X-Csrf-Token": {"forged"}}},
							{"from another site", tok, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
						} {
							f := url.Values{}
							for k, vs := range form {
								f[k] = vs
							}
							if v.csrf != "" {
								f.Set("_csrf", v.csrf)
							}
							r := do(t, c, rc.method, h.ts.URL+path, f, v.hdr)
							if r.StatusCode != http.StatusForbidden || !strings.Contains(r.doc().Find("h1").Text(), "form has expired") {
								t.Errorf("%s %s as %s: %d %q, want the 403 form-expired page", name, v.what, col, r.StatusCode, r.doc().Find("h1").Text())
							}
							if ck := sessionCookieOf(r.Response); ck != nil && ck.MaxAge < 0 {
								t.Errorf("%s %s as %s: the session cookie was cleared", name, v.what, col)
							}
						}
						if after := fingerprint(t, h); after != before {
							t.Errorf("%s: a refused form changed the database: %s", name, fingerprintDiff(before, after))
						}
						if r := do(t, c, http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusOK {
							t.Errorf("%s: after the refused forms, / answered %d: no longer signed in", name, r.StatusCode)
						}
						<-mu
						forged[rc.route] = true
						mu <- struct{}{}
					}
					form.Set("_csrf", tok)
					if r := do(t, c, rc.method, h.ts.URL+path, form, nil); r.StatusCode != rc.want[ci] {
						t.Errorf("%s as %s with the right token: %d, want %d", name, col, r.StatusCode, rc.want[ci])
					}
				}
			})
		}
	})
	// Every state-changing route of the staff app was forged.
	t.Logf("%d forms forged five ways each, on %d routes", len(forgeAs), len(forged))
	h := secHarness(t, web.Config{}, nil)
	for _, r := range h.srv.Echo.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == "echo_route_not_found" || isAPIPath(r.Path) {
			continue
		}
		if !forged[routeKey(r.Method, r.Path)] {
			t.Errorf("%s %s: no form of the route table was forged against it", r.Method, r.Path)
		}
	}
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, ck := range resp.Cookies() {
		if ck.Name == "securemove_session" {
			return ck
		}
	}
	return nil
}

// TestSessionCookieLifecycle: the session cookie is HttpOnly and
// SameSite=Lax (Secure under TLS); signing in replaces it and the CSRF
// token (so a cookie planted before sign-in signs nobody in); signing out
// clears it, and a copy of it taken before — from this browser or another
// device — no longer works, because the session ended on the server.
func TestSessionCookieLifecycle(t *testing.T) {
	for _, tls := range []bool{false, true} {
		name := map[bool]string{false: "http", true: "tls"}[tls]
		t.Run(name, func(t *testing.T) {
			h := secHarness(t, web.Config{TLS: tls}, nil)
			u, _ := url.Parse(h.ts.URL)
			c := h.client()
			// Before sign-in: an anonymous session holding a CSRF token.
			r := do(t, c, http.MethodGet, h.ts.URL+"/sign-in", nil, nil)
			anon := sessionCookieOf(r.Response)
			if anon == nil {
				t.Fatal("no session cookie on the sign-in page")
			}
			checkCookieFlags(t, anon, tls)
			anonTok := csrfFrom(t, r.doc())
			r = do(t, c, http.MethodPost, h.ts.URL+"/sign-in", url.Values{"_csrf": {anonTok}, "username": {"prison"}, "password": {store.DemoPassword}}, nil)
			signedIn := sessionCookieOf(r.Response)
			if r.StatusCode != http.StatusSeeOther || signedIn == nil {
				t.Fatalf("sign in: %d", r.StatusCode)
			}
			checkCookieFlags(t, signedIn, tls)
			if signedIn.Value == anon.Value {
				t.Error("signing in kept the cookie from before")
			}
			home := do(t, c, http.MethodGet, h.ts.URL+"/", nil, nil)
			if home.StatusCode != http.StatusOK {
				t.Fatalf("home: %d", home.StatusCode)
			}
			tok := csrfFrom(t, home.doc())
			if tok == anonTok {
				t.Error("signing in kept the CSRF token from before")
			}
			// The cookie from before sign-in (say, planted by someone else)
			// is not signed in, and its token does not work with the new one.
			planted := cookieClient(u, anon)
			if r := do(t, planted, http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusSeeOther {
				t.Errorf("the pre-sign-in cookie reached home: %d", r.StatusCode)
			}
			if r := do(t, c, http.MethodPost, h.ts.URL+"/locations", url.Values{"_csrf": {anonTok}, "location": {demoLocation(t, h, "BXI").ID}}, nil); r.StatusCode != http.StatusForbidden {
				t.Errorf("the pre-sign-in CSRF token was accepted: %d", r.StatusCode)
			}
			// A copy of the signed-in cookie, on another device, works …
			stolen := cookieClient(u, &http.Cookie{Name: "securemove_session", Value: sessionValue(h, c)})
			if r := do(t, stolen, http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("a copy of the session cookie: %d", r.StatusCode)
			}
			// … until the user signs out: the cookie is cleared …
			r = do(t, c, http.MethodPost, h.ts.URL+"/sign-out", url.Values{"_csrf": {tok}}, nil)
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in" {
				t.Fatalf("sign out: %d %q", r.StatusCode, r.Header.Get("Location"))
			}
			if ck := sessionCookieOf(r.Response); ck == nil || ck.MaxAge >= 0 || ck.Value != "" && ck.Value == signedIn.Value {
				t.Errorf("sign out did not clear the cookie: %+v", ck)
			}
			// … and the copy, replayed, is signed out too, for pages and forms.
			for _, p := range []string{"/", "/moves/outgoing", "/move/new"} {
				r := do(t, stolen, http.MethodGet, h.ts.URL+p, nil, nil)
				if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
					t.Errorf("the copied cookie after sign-out, %s: %d %q", p, r.StatusCode, r.Header.Get("Location"))
				}
			}
			replay := cookieClient(u, &http.Cookie{Name: "securemove_session", Value: signedIn.Value})
			before := fingerprint(t, h)
			r = do(t, replay, http.MethodPost, h.ts.URL+"/move/new/aaaaaaaaaaaaaaaa/person", url.Values{"_csrf": {tok}, "number": {"A1234BC"}}, nil)
			// Its session is gone, and its CSRF token with it.
			if r.StatusCode != http.StatusForbidden && (r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in") {
				t.Errorf("a form sent with the old cookie after sign-out: %d %q", r.StatusCode, r.Header.Get("Location"))
			}
			if after := fingerprint(t, h); after != before {
				t.Errorf("the old cookie changed the database: %s", fingerprintDiff(before, after))
			}
			// Signing in again works, with a new session.
			c2 := signInAs(t, h, "prison")
			if v := sessionValue(h, c2); v == signedIn.Value || v == "" {
				t.Error("signing in again gave no new session")
			}
			if r := do(t, c2, http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusOK {
				t.Errorf("signed in again: %d", r.StatusCode)
			}
			if r := do(t, stolen, http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusSeeOther {
				t.Errorf("the old copy works again after a new sign-in: %d", r.StatusCode)
			}
			// The answers of "Request a move" ride in cookies of their own,
			// with the same flags, scoped to the journey.
			jr := do(t, c2, http.MethodGet, h.ts.URL+"/move/new", nil, nil)
			var journey *http.Cookie
			for _, ck := range jr.Cookies() {
				if strings.HasPrefix(ck.Name, "securemove_request_") {
					journey = ck
				}
			}
			if journey == nil {
				t.Fatal("no journey cookie")
			}
			if !journey.HttpOnly || journey.SameSite != http.SameSiteLaxMode || journey.Secure != tls || journey.Path != strings.TrimSuffix(jr.Header.Get("Location"), "/person") {
				t.Errorf("journey cookie flags: %+v", journey)
			}
			// A tampered cookie is no session at all.
			tampered := []byte(signedIn.Value)
			tampered[len(tampered)/2] ^= 1
			if r := do(t, cookieClient(u, &http.Cookie{Name: "securemove_session", Value: string(tampered)}), http.MethodGet, h.ts.URL+"/", nil, nil); r.StatusCode != http.StatusSeeOther {
				t.Errorf("a tampered cookie: %d", r.StatusCode)
			}
		})
	}
}

func checkCookieFlags(t *testing.T, ck *http.Cookie, tls bool) {
	t.Helper()
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure != tls {
		t.Errorf("session cookie flags: HttpOnly %v, SameSite %v, Path %q, Secure %v (want Secure %v)", ck.HttpOnly, ck.SameSite, ck.Path, ck.Secure, tls)
	}
}

// cookieClient is a client holding one cookie.
func cookieClient(u *url.URL, ck *http.Cookie) *http.Client {
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestSecurityHeadersOverTLS: served over TLS, every kind of answer —
// pages, errors, redirects, API, static files — carries HSTS along with
// the other headers; the route table checks them over plain HTTP.
func TestSecurityHeadersOverTLS(t *testing.T) {
	h := secHarness(t, web.Config{TLS: true}, nil)
	fx := newTableFixtures(t, h)
	api := newAPIClient(t, h, "serco", "Serco")
	c := signInAs(t, h, "pmu")
	for _, p := range []string{"/", "/sign-in", "/moves/review", "/move/" + fx.moves["gfdBooked"].ID, "/moves/outgoing/" + h.srv.Handlers.Today() + "/download.csv",
		"/no/such/page", "/admin/clients", "/api/docs", "/api/docs.json", "/health", fx.repl["{css}"], "/moves"} {
		r := do(t, c, http.MethodGet, h.ts.URL+p, nil, nil)
		if msg := checkSecurityHeaders(r, true); msg != "" {
			t.Errorf("GET %s (%d): %s", p, r.StatusCode, msg)
		}
	}
	// Served over TLS directly (no proxy, no Config.TLS), HSTS is sent too.
	direct := secHarness(t, web.Config{}, nil)
	ts := httptest.NewTLSServer(direct.srv)
	defer ts.Close()
	for _, p := range []string{"/sign-in", "/api/moves", "/no/such/page"} {
		resp, err := ts.Client().Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if msg := checkSecurityHeaders(response{resp, nil}, true); msg != "" {
			t.Errorf("GET %s over TLS: %s", p, msg)
		}
	}
	for _, r := range []response{
		apiCall(t, h, api.token, http.MethodGet, "/api/moves", nil),
		apiCall(t, h, "not-a-token", http.MethodGet, "/api/moves", nil),
		do(t, nil, http.MethodPost, h.ts.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}}, nil),
	} {
		if msg := checkSecurityHeaders(r, true); msg != "" {
			t.Errorf("%s %s (%d): %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, msg)
		}
	}
}

// TestSecretsNeverLoggedOrStoredInClear signs in (rightly and wrongly),
// asks for tokens with HTTP Basic and form credentials (and with secrets
// in the query string, where they do not belong), calls the API with the
// tokens, and creates and rotates a client in the browser, capturing every
// log line; then checks that neither the log nor any table of the database
// holds a password, a client secret, an access token or a session cookie.
func TestSecretsNeverLoggedOrStoredInClear(t *testing.T) {
	var logs syncBuffer
	h := secHarness(t, web.Config{}, &logs)
	fx := newTableFixtures(t, h)
	var secrets []string
	keep := func(what, s string) {
		t.Helper()
		if len(s) < 8 {
			t.Fatalf("%s %q: too short to look for", what, s)
		}
		secrets = append(secrets, s)
	}
	keep("demo password", store.DemoPassword)
	const wrong = "Wrong-Password-123!"
	keep("wrong password", wrong)

	// Sign-ins, right and wrong.
	var sessions []*http.Client
	for _, u := range []string{"pmu", "police", "admin"} {
		c := signInAs(t, h, u)
		sessions = append(sessions, c)
		keep("session cookie of "+u, sessionValue(h, c))
	}
	anon := h.client()
	do(t, anon, http.MethodPost, h.ts.URL+"/sign-in", url.Values{"_csrf": {csrfOf(t, h, anon)}, "username": {"court"}, "password": {wrong}}, nil)
	do(t, anon, http.MethodPost, h.ts.URL+"/sign-in", url.Values{"_csrf": {csrfOf(t, h, anon)}, "username": {"nobody-at-all"}, "password": {wrong}}, nil)
	keep("anonymous session cookie", sessionValue(h, anon))

	// Clients: one made in the store, one in the browser (its secret shown
	// once), then rotated.
	cl, secret, err := h.st.CreateClient(context.Background(), store.NewClient{Name: "Serco logs", Supplier: "serco", CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	keep("client secret", secret)
	admin := sessions[2]
	r := do(t, admin, http.MethodPost, h.ts.URL+"/admin/clients", url.Values{"_csrf": {csrfOf(t, h, admin)}, "name": {"Browser client"}, "supplier": {"internal"}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create a client: %d", r.StatusCode)
	}
	secretPage := do(t, admin, http.MethodGet, h.ts.URL+r.Header.Get("Location"), nil, nil)
	browserSecret := strings.TrimSpace(secretPage.doc().Find("#client-secret").Text())
	keep("browser client secret", browserSecret)
	keep("admin session after showing the secret", sessionValue(h, admin))
	browserID := strings.Split(r.Header.Get("Location"), "/")[3]
	r = do(t, admin, http.MethodPost, h.ts.URL+"/admin/clients/"+browserID+"/rotate", url.Values{"_csrf": {csrfOf(t, h, admin)}}, nil)
	rotated := strings.TrimSpace(do(t, admin, http.MethodGet, h.ts.URL+r.Header.Get("Location"), nil, nil).doc().Find("#client-secret").Text())
	keep("rotated secret", rotated)

	// Tokens: HTTP Basic, form fields, wrong secrets, secrets in the query.
	var tokens []string
	basic := func(id, sec string) http.Header {
		return http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(sec)))}}
	}
	for _, req := range []struct {
		form url.Values
		hdr  http.Header
		ok   bool
	}{
		{url.Values{"grant_type": {"client_credentials"}}, basic(cl.ID, secret), true},
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {browserID}, "client_secret": {browserSecret}}, nil, true},
		{url.Values{"grant_type": {"client_credentials"}}, basic(browserID, rotated), true},
		{url.Values{"grant_type": {"client_credentials"}}, basic(cl.ID, wrong+"-secret"), false},
		{url.Values{"grant_type": {"client_credentials"}, "client_id": {cl.ID}, "client_secret": {secret + "x"}}, nil, false},
	} {
		r := do(t, nil, http.MethodPost, h.ts.URL+"/oauth/token", req.form, req.hdr)
		if (r.StatusCode == http.StatusOK) != req.ok {
			t.Fatalf("token request: %d %s", r.StatusCode, r.body)
		}
		if req.ok {
			tok := regexp.MustCompile(`"access_token":"([^"]+)"`).FindStringSubmatch(string(r.body))
			keep("access token", tok[1])
			tokens = append(tokens, tok[1])
		}
	}
	do(t, nil, http.MethodPost, h.ts.URL+"/oauth/token?client_id="+cl.ID+"&client_secret="+secret+"&grant_type=client_credentials", url.Values{}, nil)
	do(t, nil, http.MethodGet, h.ts.URL+"/api/moves?access_token="+tokens[0], nil, nil)

	// API calls with the tokens, good and bad.
	for _, tok := range tokens {
		apiCall(t, h, tok, http.MethodGet, "/api/moves?filter[status]=booked", nil)
		apiCall(t, h, tok, http.MethodGet, "/api/moves/"+fx.moves["gfdBooked"].ID, nil)
		apiCall(t, h, tok, http.MethodPost, "/api/events", []byte(`{"data":{"type":"events","attributes":{"event_type":"NoSuchEvent"}}}`))
	}
	apiCall(t, h, tokens[0]+"x", http.MethodGet, "/api/moves", nil)
	// Signing out, and a page that fails.
	for _, c := range sessions[:2] {
		do(t, c, http.MethodPost, h.ts.URL+"/sign-out", url.Values{"_csrf": {csrfOf(t, h, c)}}, nil)
	}

	log := logs.String()
	if !strings.Contains(log, `"msg":"signed in"`) || !strings.Contains(log, `"msg":"token issued"`) || !strings.Contains(log, `"msg":"request"`) {
		t.Fatalf("the log was not captured: %.500s", log)
	}
	all := dbRows(t, h.st.DB())
	var db strings.Builder
	for tb, rows := range all {
		db.WriteString(tb + "\n" + strings.Join(rows, "\n") + "\n")
	}
	for _, s := range secrets {
		if strings.Contains(log, s) {
			i := strings.Index(log, s)
			t.Errorf("the log holds a secret %.12s…: %s", s, log[max(0, i-200):min(len(log), i+100)])
		}
		if strings.Contains(db.String(), s) {
			t.Errorf("the database holds a secret %.12s… in clear", s)
		}
	}
	// Passwords are bcrypt hashes; secrets and tokens SHA-256 hashes.
	rows, err := h.st.DB().Query("SELECT username, password_hash FROM users")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var u, hash string
		if err := rows.Scan(&u, &hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$2a$") && !strings.HasPrefix(hash, "$2b$") {
			t.Errorf("%s's password is not stored as a bcrypt hash: %.10s…", u, hash)
		}
	}
	rows.Close()
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	for _, q := range []string{"SELECT secret_hash FROM client_secrets", "SELECT token_hash FROM access_tokens"} {
		rows, err := h.st.DB().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			n++
			if !hex64.MatchString(v) {
				t.Errorf("%s: %.10s… is not a SHA-256 hash", q, v)
			}
		}
		rows.Close()
		if n == 0 {
			t.Errorf("%s: nothing stored", q)
		}
	}
}

// TestInjectedFindsMarkup proves the check the suites rely on: it finds
// each payload when it is not escaped, in any case, and nothing when it is.
func TestInjectedFindsMarkup(t *testing.T) {
	page := func(body string) *goquery.Document {
		d, err := goquery.NewDocumentFromReader(strings.NewReader(`<!doctype html><html><head><script src="/static/app.js"></script></head><body>` + body + `</body></html>`))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, raw := range []string{`<script>alert(1)</script>`, `<p title=""><img src=x onerror=alert(1)>">`, `<IMG SRC=X ONERROR=ALERT(1)>`,
		`<a href="JavaScript:alert(1)">x</a>`, `<div style="x">`, `<svg onload=alert(1)>`, `<iframe src="//evil"></iframe>`} {
		if len(injected(page(raw))) == 0 {
			t.Errorf("not found: %s", raw)
		}
	}
	escaped := html.EscapeString(`<script>alert(1)</script> "><img src=x onerror=alert(1)>`)
	if bad := injected(page(`<p>` + escaped + `</p><input value="` + escaped + `"><img src="/static/x.png">`)); len(bad) > 0 {
		t.Errorf("escaped text reported: %v", bad)
	}
}

// TestAdministratorsChangesTakeEffectAtOnce: permission is read on every
// request, and sessions end on the server, so what an administrator does
// to a user applies to the sessions they already have: new locations at
// once, and disabling or a new password signs them out everywhere — for
// good, not only until they are enabled again.
func TestAdministratorsChangesTakeEffectAtOnce(t *testing.T) {
	h := secHarness(t, web.Config{}, nil)
	fx := newTableFixtures(t, h)
	admin := signInAs(t, h, "admin")
	court := signInAs(t, h, "court")
	courtUser, err := h.st.UserByUsername(context.Background(), "court")
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, form url.Values) {
		t.Helper()
		form.Set("_csrf", csrfOf(t, h, admin))
		if r := do(t, admin, http.MethodPost, h.ts.URL+path, form, nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %s", path, r.StatusCode, strings.Join(strings.Fields(r.doc().Find(".govuk-error-summary").Text()), " "))
		}
	}
	status := func(c *http.Client, path string) int {
		return do(t, c, http.MethodGet, h.ts.URL+path, nil, nil).StatusCode
	}
	gfd := "/move/" + fx.moves["gfdBooked"].ID
	if st := status(court, gfd); st != http.StatusOK {
		t.Fatalf("court's move: %d", st)
	}
	post("/admin/users/"+courtUser.ID+"/edit", url.Values{"username": {"court"}, "full_name": {courtUser.FullName}, "role": {"court"}, "locations": {fx.repl["{GUILMC}"]}})
	if st := status(court, gfd); st != http.StatusNotFound {
		t.Errorf("after moving court to another location, the old location's move: %d", st)
	}
	post("/admin/users/"+courtUser.ID+"/disable", url.Values{})
	if st := status(court, "/"); st != http.StatusSeeOther {
		t.Errorf("a disabled user's session: %d", st)
	}
	post("/admin/users/"+courtUser.ID+"/enable", url.Values{})
	if st := status(court, "/"); st != http.StatusSeeOther {
		t.Errorf("the session of a user disabled then enabled: %d", st)
	}
	again := signInAs(t, h, "court")
	post("/admin/users/"+courtUser.ID+"/password", url.Values{"password": {"a-new-long-password-3"}})
	if st := status(again, "/"); st != http.StatusSeeOther {
		t.Errorf("a session from before a password reset: %d", st)
	}
	if st := status(admin, "/admin/users"); st != http.StatusOK {
		t.Errorf("the administrator: %d", st)
	}
}
