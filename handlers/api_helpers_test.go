package handlers_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// Hashing passwords for the demo users is the slowest part of a test
// server's start; a low cost keeps the suite fast. (An init rather than a
// TestMain, so that other test files of this package may have theirs.)
func init() { store.SetBcryptCostForTests(4) }

// apiEnv is the real server on a fresh database seeded with the demo
// data: real locations, the two suppliers, people and moves.
type apiEnv struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	srv   *web.Server
	clock *handlertest.Clock
	locs  map[string]moves.Location // by code
	sups  map[string]moves.Supplier // by key
	seq   int
}

const apiTestBase = "http://example.test"

// apiStart is the time every test starts at (the demo data is around it).
var apiStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	ctx := context.Background()
	app := handlertest.Start(t, handlertest.Options{Now: apiStart, SessionKey: strings.Repeat("s", 32), BaseURL: apiTestBase})
	st, srv, clk := app.Store, app.Web, app.Clock
	e := &apiEnv{t: t, ctx: ctx, st: st, srv: srv, clock: clk, locs: map[string]moves.Location{}, sups: map[string]moves.Supplier{}}
	ls, err := st.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		e.locs[l.Code] = l
	}
	sps, err := st.Suppliers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range sps {
		e.sups[sp.Key] = sp
	}
	return e
}

func (e *apiEnv) loc(code string) string {
	e.t.Helper()
	l, ok := e.locs[code]
	if !ok {
		e.t.Fatalf("no location %s", code)
	}
	return l.ID
}

// client creates an API client of a supplier ("" for an internal one).
func (e *apiEnv) client(supplierKey string) (id, secret string) {
	e.t.Helper()
	name := "internal tools"
	if supplierKey != "" {
		name = supplierKey + " systems"
	}
	cl, secret, err := e.st.CreateClient(e.ctx, store.NewClient{Name: name, Supplier: supplierKey, CreatedBy: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	return cl.ID, secret
}

// token gets a token with HTTP Basic credentials.
func (e *apiEnv) token(id, secret string) string {
	e.t.Helper()
	r := e.tokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, secret)
	r.want(e.t, http.StatusOK)
	tok, _ := r.JSON["access_token"].(string)
	if tok == "" {
		e.t.Fatalf("no access_token in %s", r.Body)
	}
	return tok
}

// supplierToken makes a client of a supplier and returns a token for it.
func (e *apiEnv) supplierToken(key string) string {
	e.t.Helper()
	return e.token(e.client(key))
}

func (e *apiEnv) tokenRequest(form url.Values, basicID, basicSecret string) *apiResp {
	req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" || basicSecret != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(basicID)+":"+url.QueryEscape(basicSecret))))
	}
	return e.serve(req)
}

// apiResp is an answer, with its body decoded when it is JSON.
type apiResp struct {
	Code   int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

func (r *apiResp) want(t *testing.T, code int) *apiResp {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d; body: %s", r.Code, code, r.Body)
	}
	return r
}

// data is the primary data of a single-resource document.
func (r *apiResp) data() map[string]any {
	d, _ := r.JSON["data"].(map[string]any)
	return d
}

func (r *apiResp) list() []any {
	d, _ := r.JSON["data"].([]any)
	return d
}

func (r *apiResp) errors() []map[string]any {
	var out []map[string]any
	for _, e := range apiListOf(r.JSON["errors"]) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// hasError reports whether one of the errors points where asked (a
// pointer, parameter or header) with the code, when code is not empty.
func (r *apiResp) hasError(where, code string) bool {
	for _, e := range r.errors() {
		src, _ := e["source"].(map[string]any)
		if src["pointer"] == where || src["parameter"] == where || src["header"] == where {
			if code == "" || e["code"] == code {
				return true
			}
		}
	}
	return false
}

func (r *apiResp) wantError(t *testing.T, code int, where, errCode string) {
	t.Helper()
	r.want(t, code)
	if ct := r.Header.Get("Content-Type"); ct != "application/vnd.api+json" {
		t.Errorf("Content-Type %q, want application/vnd.api+json", ct)
	}
	if where != "" && !r.hasError(where, errCode) {
		t.Fatalf("no error at %q with code %q in %s", where, errCode, r.Body)
	}
	for _, e := range r.errors() {
		if e["status"] != fmt.Sprint(code) || e["title"] == "" {
			t.Errorf("error object without its status %d or title: %v", code, e)
		}
	}
}

func (e *apiEnv) serve(req *http.Request) *apiResp {
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	r := &apiResp{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	_ = json.Unmarshal(r.Body, &r.JSON)
	return r
}

// do sends an API request. body may be a string, []byte or anything to
// marshal; a body gets the JSON:API content type unless headers say
// otherwise (pairs of name, value).
func (e *apiEnv) do(method, path, token string, body any, headers ...string) *apiResp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.serve(req)
}

// person adds a new person (each move gets its own, so that moves never
// collide as duplicates).
func (e *apiEnv) person() moves.Person {
	e.t.Helper()
	e.seq++
	p := moves.Person{FirstNames: "Test", LastName: fmt.Sprintf("Person%d", e.seq), DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
	if err := e.st.CreatePerson(e.ctx, &p, "2026-11-23"); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// move books a move through the store: a court appearance, hospital or
// other requested move with a date, or a proposed prison transfer with a
// window when both ends are detained.
func (e *apiEnv) move(from, to string, typ moves.MoveType, date string) moves.Move {
	e.t.Helper()
	nm := store.NewMove{MoveType: typ, FromID: e.loc(from), PersonID: e.person().ID, CreatedBy: "test", Date: date}
	if to != "" {
		nm.ToID = e.loc(to)
	}
	if typ == moves.PrisonTransfer {
		nm.Date, nm.DateFrom, nm.DateTo = "", date, moves.AddDays(date, 10)
	}
	m, err := e.st.CreateMove(e.ctx, nm)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// courtMove is a requested court appearance from Guildford police
// station (served by Serco) to Guildford Crown Court, today.
func (e *apiEnv) courtMove() moves.Move {
	return e.move("SRY016", "GUILCC", moves.CourtAppearance, "2026-11-23")
}

// record appends an event through the store, to set a move up.
func (e *apiEnv) record(m moves.Move, typ moves.EventType, at string, details map[string]any) moves.Event {
	e.t.Helper()
	ts, err := moves.ParseTimestamp(at)
	if err != nil {
		e.t.Fatal(err)
	}
	ev, _, err := e.st.AppendEvent(e.ctx, moves.Event{MoveID: m.ID, Type: typ, OccurredAt: ts, RecordedAt: ts, CreatedBy: "setup", Details: details},
		store.AppendOptions{By: "setup"})
	if err != nil {
		e.t.Fatal(err)
	}
	if !ev.Applied {
		e.t.Fatalf("setup event %s did not apply: %s", typ, ev.Reason)
	}
	return ev
}

// getMove reads a move back through the API.
func (e *apiEnv) getMove(token, id string) map[string]any {
	e.t.Helper()
	return e.do(http.MethodGet, "/api/moves/"+id, token, nil).want(e.t, http.StatusOK).data()
}

// eventBody builds a POST /api/events body.
func apiEventBody(typ moves.EventType, moveID, occurred string, details map[string]any, rels map[string][2]string) map[string]any {
	if details == nil {
		details = map[string]any{}
	}
	relationships := map[string]any{"eventable": map[string]any{"data": map[string]any{"type": "moves", "id": moveID}}}
	for name, r := range rels {
		relationships[name] = map[string]any{"data": map[string]any{"type": r[0], "id": r[1]}}
	}
	return map[string]any{"data": map[string]any{
		"type": "events",
		"attributes": map[string]any{"event_type": string(typ), "occurred_at": occurred, "recorded_at": occurred,
			"notes": "test", "details": details},
		"relationships": relationships,
	}}
}

func apiAttrs(res map[string]any) map[string]any {
	a, _ := res["attributes"].(map[string]any)
	return a
}

func apiMeta(res map[string]any) map[string]any {
	m, _ := res["meta"].(map[string]any)
	return m
}

// relID is the id a resource's to-one relationship points at ("" for null).
func apiRelID(res map[string]any, name string) string {
	rels, _ := res["relationships"].(map[string]any)
	rel, _ := rels[name].(map[string]any)
	d, _ := rel["data"].(map[string]any)
	id, _ := d["id"].(string)
	return id
}

func apiRelType(res map[string]any, name string) string {
	rels, _ := res["relationships"].(map[string]any)
	rel, _ := rels[name].(map[string]any)
	d, _ := rel["data"].(map[string]any)
	t, _ := d["type"].(string)
	return t
}

func apiListOf(v any) []any {
	l, _ := v.([]any)
	return l
}

func apiNewUUID() string { return uuid.NewString() }

func apiNewRequest(method, path string, body io.Reader) *http.Request {
	return httptest.NewRequest(method, path, body)
}
