package handlers_test

// Fuzz targets for what the service parses from strangers: the sign-in
// form (and its next= redirect), the day lists' date and "jump to date"
// (moves.ParseDate and moves.ParseHumanDate behind a handler), and the
// supplier API's event request decoder and validator. Each goes through
// the real server (web.New) on a small database made by bulk.BulkLoad,
// and checks what must hold whatever the input: never a 5xx, only the
// statuses the contract allows, redirects that stay on the site, input
// shown escaped, and nothing stored by a refused event.
//
// `make fuzz` runs each for FUZZTIME; `go test` runs the seeds.

import (
	"context"
	"database/sql"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// fuzzEnv is a real server on a small bulk-loaded database.
type fuzzEnv struct {
	srv  *web.Server
	st   *store.Store
	meta bulk.BulkResult
	path string
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	f.Helper()
	ctx := context.Background()
	path := filepath.Join(f.TempDir(), "fuzz.db")
	meta, err := bulk.BulkLoad(ctx, path, bulk.BulkSpec{Moves: 120, Locations: 60, Seed: 11})
	if err != nil {
		f.Fatal(err)
	}
	app := handlertest.StartOn(f, path, handlertest.Options{SessionKey: strings.Repeat("k", 32), BaseURL: "http://example.test"})
	return &fuzzEnv{srv: app.Web, st: app.Store, meta: meta, path: path}
}

func (e *fuzzEnv) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return rec
}

var fuzzCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// fuzzCookies merges a response's cookies into a Cookie header value.
func fuzzCookies(prev string, rec *httptest.ResponseRecorder) string {
	jar := map[string]string{}
	for _, part := range strings.Split(prev, "; ") {
		if k, v, ok := strings.Cut(part, "="); ok {
			jar[k] = v
		}
	}
	for _, c := range rec.Result().Cookies() {
		jar[c.Name] = c.Value
	}
	var parts []string
	for k, v := range jar {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

// anonymous returns a signed-out session's cookie and CSRF token.
func (e *fuzzEnv) anonymous(f *testing.F) (cookie, csrf string) {
	rec := e.serve(httptest.NewRequest(http.MethodGet, "/sign-in", nil))
	m := fuzzCSRF.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		f.Fatalf("GET /sign-in: %d, CSRF token found: %v", rec.Code, m != nil)
	}
	return fuzzCookies("", rec), m[1]
}

// signIn returns a signed-in session's cookie.
func (e *fuzzEnv) signIn(f *testing.F, username string) string {
	cookie, csrf := e.anonymous(f)
	form := url.Values{"username": {username}, "password": {bulk.BulkPassword}, "_csrf": {csrf}}
	req := httptest.NewRequest(http.MethodPost, "/sign-in", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	rec := e.serve(req)
	if rec.Code != http.StatusSeeOther {
		f.Fatalf("sign in as %s: %d", username, rec.Code)
	}
	return fuzzCookies(cookie, rec)
}

// fuzzLocalRedirect reports whether a Location stays on this site.
func fuzzLocalRedirect(loc string) bool {
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		return false
	}
	u, err := url.Parse(loc)
	return err == nil && u.Host == "" && u.Scheme == ""
}

// FuzzSignInForm posts arbitrary sign-in form bodies (username, password,
// next, anything else) with a valid CSRF token appended.
func FuzzSignInForm(f *testing.F) {
	e := newFuzzEnv(f)
	cookie, csrf := e.anonymous(f)
	if e.signIn(f, "bench.pmu") == "" {
		f.Fatal("no session after signing in")
	}
	for _, seed := range []string{
		"username=bench.pmu&password=" + bulk.BulkPassword,
		"username=bench.pmu&password=" + bulk.BulkPassword + "&next=%2Fmoves%2Fincoming",
		"username=bench.pmu&password=" + bulk.BulkPassword + "&next=%2F%2Fevil.example",
		"username=bench.pmu&password=" + bulk.BulkPassword + "&next=%2F%5Cevil.example",
		"username=bench.pmu&password=" + bulk.BulkPassword + "&next=https%3A%2F%2Fevil.example",
		"username=nobody&password=wrong-password",
		"username=%3Cscript%3Ealert(1)%3C%2Fscript%3E&password=x",
		"username=%27%20OR%201%3D1%20--&password=%27%20OR%20%27%27%3D%27",
		"username=&password=",
		"username=%FF%FE&password=%00",
		"username=bench.pmu&username=bench.admin&password=" + bulk.BulkPassword,
		"_csrf=wrong&username=bench.pmu&password=x",
		"%%%&&&===",
		strings.Repeat("username=a&", 200),
	} {
		f.Add(seed)
	}
	post := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/sign-in", strings.NewReader(body+"&_csrf="+url.QueryEscape(csrf)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		return e.serve(req)
	}
	// The pages a refused sign-in shows for a harmless username: what the
	// page holds anyway is not an echo of the input.
	baseline := map[int]string{}
	for _, b := range []string{"username=fuzz-baseline&password=", "username=fuzz-baseline&password=wrong-password"} {
		rec := post(b)
		baseline[rec.Code] = rec.Body.String()
	}
	for i := 0; i < 8; i++ {
		rec := post("username=fuzz-throttled&password=wrong-password")
		baseline[rec.Code] = rec.Body.String()
	}
	f.Fuzz(func(t *testing.T, body string) {
		rec := post(body)
		switch rec.Code {
		case http.StatusSeeOther:
			if loc := rec.Header().Get("Location"); !fuzzLocalRedirect(loc) {
				t.Fatalf("signing in redirects off the site: Location %q for body %q", loc, body)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity,
			http.StatusTooManyRequests, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("POST /sign-in %q: status %d\n%s", body, rec.Code, rec.Body.String())
		}
		// What was typed comes back escaped: markup in the username never
		// reaches the page as it was typed.
		if vals, err := url.ParseQuery(body); err == nil {
			u := strings.TrimSpace(vals.Get("username"))
			if strings.ContainsAny(u, "<>\"'&") && strings.Contains(rec.Body.String(), u) && !strings.Contains(baseline[rec.Code], u) {
				t.Fatalf("the username %q is shown unescaped (status %d)", u, rec.Code)
			}
		}
	})
}

// FuzzDayListDate asks for a day list with an arbitrary date in the path
// and an arbitrary "jump to date" answer: moves.ParseDate and
// moves.ParseHumanDate behind the handler.
func FuzzDayListDate(f *testing.F) {
	e := newFuzzEnv(f)
	cookie := e.signIn(f, "bench.pmu")
	for _, s := range [][2]string{
		{e.meta.Today, ""}, {e.meta.Today, "tomorrow"}, {e.meta.Today, "next Friday"}, {e.meta.Today, "22/11/2026"},
		{e.meta.Today, "22 November 2026"}, {e.meta.Today, "31/02/2026"}, {"2026-02-30", ""}, {"0000-01-01", ""},
		{"9999-12-31", "yesterday"}, {"2026-1-1", "1/1/1"}, {"today", "<script>alert(1)</script>"},
		{e.meta.Today, "' OR 1=1 --"}, {e.meta.Today, "\xff\xfe"}, {"../../etc/passwd", ""}, {e.meta.Today, strings.Repeat("9", 500)},
	} {
		f.Add(s[0], s[1])
	}
	dateRE := regexp.MustCompile(`^/moves/incoming/\d{4}-\d{2}-\d{2}(\?|$)`)
	f.Fuzz(func(t *testing.T, date, jump string) {
		u := "/moves/incoming/" + url.PathEscape(date) + "?jump=" + url.QueryEscape(jump)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL, _ = url.Parse(u)
		if req.URL == nil {
			return
		}
		req.RequestURI = u
		req.Header.Set("Cookie", cookie)
		rec := e.serve(req)
		switch rec.Code {
		case http.StatusSeeOther:
			if loc := rec.Header().Get("Location"); !dateRE.MatchString(loc) {
				t.Fatalf("jump %q redirects to %q", jump, loc)
			}
		case http.StatusOK, http.StatusPermanentRedirect, http.StatusNotFound, http.StatusBadRequest:
		case http.StatusUnprocessableEntity:
			if j := strings.TrimSpace(jump); strings.ContainsAny(j, "<>\"") && strings.Contains(rec.Body.String(), j) {
				t.Fatalf("the jump answer %q is shown unescaped", j)
			}
		default:
			t.Fatalf("GET %s: status %d\n%s", u, rec.Code, rec.Body.String())
		}
	})
}

// FuzzPostEvent posts arbitrary bodies to POST /api/events as an internal
// client: whatever the body, the answer is 201 or a 4xx with a JSON:API
// error document, and a refused event leaves the events table as it was.
func FuzzPostEvent(f *testing.F) {
	e := newFuzzEnv(f)
	ctx := context.Background()
	cl, secret, err := e.st.CreateClient(ctx, store.NewClient{Name: "fuzz", CreatedBy: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	_, secretID, err := e.st.AuthenticateClient(ctx, cl.ID, secret)
	if err != nil {
		f.Fatal(err)
	}
	token, _, err := e.st.IssueToken(ctx, cl.ID, secretID, time.Now(), time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	count := func(t *testing.T) int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM events").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var move string
	for _, ids := range e.meta.SampleMoves {
		move = ids[0]
	}
	loc := e.meta.BusyLocationID
	ev := func(typ string, attrs map[string]any, rels map[string]any) string {
		a := map[string]any{"event_type": typ, "occurred_at": "2026-06-17T10:20:30+01:00", "recorded_at": "2026-06-17T10:21:00+01:00"}
		for k, v := range attrs {
			a[k] = v
		}
		r := map[string]any{"eventable": map[string]any{"data": map[string]any{"type": "moves", "id": move}}}
		for k, v := range rels {
			r[k] = v
		}
		b, _ := json.Marshal(map[string]any{"data": map[string]any{"type": "events", "attributes": a, "relationships": r}})
		return string(b)
	}
	locRel := map[string]any{"data": map[string]any{"type": "locations", "id": loc}}
	post := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/vnd.api+json")
		req.Header.Set("Accept", "application/vnd.api+json")
		req.Header.Set("Authorization", "Bearer "+token)
		return e.serve(req)
	}
	valid := ev("MoveNotifyPremisesOfEta", map[string]any{"details": map[string]any{"expected_at": "2026-06-17T11:00:00+01:00"}}, nil)
	if rec := post(valid); rec.Code != http.StatusCreated {
		f.Fatalf("a valid event is refused: %d %s", rec.Code, rec.Body.String())
	}
	for _, s := range []string{
		valid,
		ev("MoveNotifyPremisesOfArrivalIn30Mins", map[string]any{"notes": "<script>alert(1)</script>'; DROP TABLE events; --"}, nil),
		ev("MoveCancel", map[string]any{"details": map[string]any{"cancellation_reason": "other", "cancellation_reason_comment": "x"}}, nil),
		ev("MoveRedirect", map[string]any{"details": map[string]any{"move_type": "court_appearance"}}, map[string]any{"to_location": locRel}),
		ev("MoveLodgingStart", map[string]any{"details": map[string]any{"reason": "overnight_lodging"}}, map[string]any{"location": locRel}),
		ev("PersonMoveVehicleBrokeDown", map[string]any{"details": map[string]any{"vehicle_reg": "AB12 CDE", "reported_at": "2026-06-17T10:00:00Z", "postcode": "SW1H 9AJ"}}, nil),
		ev("MoveAccept", map[string]any{"occurred_at": "2026-06-17T10:20:30"}, nil),
		ev("MoveAccept", map[string]any{"occurred_at": "10000-01-01T00:00:00Z"}, nil),
		ev("MoveAccept", map[string]any{"occurred_at": 1718619630}, nil),
		ev("MoveRequested", nil, nil),
		ev("NoSuchEvent", nil, nil),
		ev("MoveCancel", map[string]any{"details": map[string]any{"cancellation_reason": 42}}, nil),
		ev("MoveCancel", map[string]any{"details": "not an object"}, nil),
		ev("MoveRedirect", nil, map[string]any{"to_location": map[string]any{"data": map[string]any{"type": "locations", "id": "nowhere"}}}),
		`{"data":{"type":"events","attributes":{"event_type":"MoveAccept","occurred_at":"2026-06-17T10:20:30Z","recorded_at":"2026-06-17T10:20:30Z"}}}`,
		`{"data":{"type":"events","attributes":{},"relationships":{"eventable":{"data":{"type":"people","id":"x"}}}}}`,
		`{"data":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `}`,
		`{"data":{"type":"events","attributes":{"event_type":"MoveAccept","notes":"` + strings.Repeat("a", 20000) + `"}}}`,
		"{\"data\":{\"type\":\"events\",\"attributes\":{\"event_type\":\"Move\xffAccept\"}}}",
		`{"data":null}`, `[]`, `null`, ``, `{`, `{"data":{"type":"moves"}}`, `{"data":{"type":"events","id":1}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		before := count(t)
		rec := post(body)
		after := count(t)
		switch {
		case rec.Code == http.StatusCreated:
			var doc struct {
				Data struct {
					ID string `json:"id"`
				} `json:"data"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.Data.ID == "" {
				t.Fatalf("201 without an event id: %s", rec.Body.String())
			}
			if after != before+1 {
				t.Fatalf("201 but %d events stored (before %d, after %d)", after-before, before, after)
			}
		case rec.Code >= 400 && rec.Code < 500:
			if after != before {
				t.Fatalf("refused with %d but the events table changed (%d -> %d) for %q", rec.Code, before, after, body)
			}
			var doc struct {
				Errors []map[string]any `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || len(doc.Errors) == 0 {
				t.Fatalf("%d without a JSON:API errors document: %s", rec.Code, rec.Body.String())
			}
		default:
			t.Fatalf("POST /api/events %q: status %d\n%s", body, rec.Code, html.UnescapeString(rec.Body.String()))
		}
	})
}
