package handlertest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/PuerkitoBio/goquery"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// Env is the real server on a fresh database seeded with the demo
// data: real locations, the two suppliers, people and moves.
type Env struct {
	T     *testing.T
	Ctx   context.Context
	St    *store.Store
	Srv   *web.Server
	App   *App
	Clock *Clock
	Locs  map[string]moves.Location // by code
	Sups  map[string]moves.Supplier // by key
	seq   int
}

const EnvBaseURL = "http://example.test"

// EnvStart is the time every test starts at (the demo data is around it).
var EnvStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func NewEnv(t *testing.T) *Env {
	t.Helper()
	return newEnv(t, Start(t, Options{Now: EnvStart, SessionKey: strings.Repeat("s", 32), BaseURL: EnvBaseURL}))
}

// NewEnvOn is NewEnv on the database at dsn (a fresh one from
// storetest.DSN, so that a test runs on either engine), seeded with the
// demo data as of EnvStart.
func NewEnvOn(t *testing.T, dsn string) *Env {
	t.Helper()
	app := StartOn(t, dsn, Options{Now: EnvStart, SessionKey: strings.Repeat("s", 32), BaseURL: EnvBaseURL})
	if _, err := app.Store.SeedDemo(context.Background(), EnvStart); err != nil {
		t.Fatalf("handlertest: seeding the demo data: %v", err)
	}
	return newEnv(t, app)
}

func newEnv(t *testing.T, app *App) *Env {
	t.Helper()
	ctx := context.Background()
	st, srv, clk := app.Store, app.Web, app.Clock
	e := &Env{T: t, Ctx: ctx, St: st, Srv: srv, App: app, Clock: clk, Locs: map[string]moves.Location{}, Sups: map[string]moves.Supplier{}}
	ls, err := st.Locations(ctx, store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		e.Locs[l.Code] = l
	}
	sps, err := st.Suppliers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range sps {
		e.Sups[sp.Key] = sp
	}
	return e
}

func (e *Env) Loc(code string) string {
	e.T.Helper()
	l, ok := e.Locs[code]
	if !ok {
		e.T.Fatalf("no location %s", code)
	}
	return l.ID
}

// client creates an API client of a supplier ("" for an internal one).
func (e *Env) Client(supplierKey string) (id, secret string) {
	e.T.Helper()
	name := "internal tools"
	if supplierKey != "" {
		name = supplierKey + " systems"
	}
	cl, secret, err := e.St.CreateClient(e.Ctx, store.NewClient{Name: name, Supplier: supplierKey, CreatedBy: "test"})
	if err != nil {
		e.T.Fatal(err)
	}
	return cl.ID, secret
}

// token gets a token with HTTP Basic credentials.
func (e *Env) Token(id, secret string) string {
	e.T.Helper()
	r := e.TokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, secret)
	r.Want(e.T, http.StatusOK)
	tok, _ := r.JSON["access_token"].(string)
	if tok == "" {
		e.T.Fatalf("no access_token in %s", r.Body)
	}
	return tok
}

// supplierToken makes a client of a supplier and returns a token for it.
func (e *Env) SupplierToken(key string) string {
	e.T.Helper()
	return e.Token(e.Client(key))
}

func (e *Env) TokenRequest(form url.Values, basicID, basicSecret string) *Resp {
	req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" || basicSecret != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(basicID)+":"+url.QueryEscape(basicSecret))))
	}
	return e.Serve(req)
}

// Resp is an answer, with its body decoded when it is JSON.
type Resp struct {
	Code   int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

func (r *Resp) Want(t *testing.T, code int) *Resp {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d; body: %s", r.Code, code, r.Body)
	}
	return r
}

// data is the primary data of a single-resource document.
func (r *Resp) Data() map[string]any {
	d, _ := r.JSON["data"].(map[string]any)
	return d
}

func (r *Resp) List() []any {
	d, _ := r.JSON["data"].([]any)
	return d
}

func (r *Resp) Errors() []map[string]any {
	var out []map[string]any
	for _, e := range ListOf(r.JSON["errors"]) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// hasError reports whether one of the errors points where asked (a
// pointer, parameter or header) with the code, when code is not empty.
func (r *Resp) HasError(where, code string) bool {
	for _, e := range r.Errors() {
		src, _ := e["source"].(map[string]any)
		if src["pointer"] == where || src["parameter"] == where || src["header"] == where {
			if code == "" || e["code"] == code {
				return true
			}
		}
	}
	return false
}

func (r *Resp) WantError(t *testing.T, code int, where, errCode string) {
	t.Helper()
	r.Want(t, code)
	if ct := r.Header.Get("Content-Type"); ct != "application/vnd.api+json" {
		t.Errorf("Content-Type %q, want application/vnd.api+json", ct)
	}
	if where != "" && !r.HasError(where, errCode) {
		t.Fatalf("no error at %q with code %q in %s", where, errCode, r.Body)
	}
	for _, e := range r.Errors() {
		if e["status"] != fmt.Sprint(code) || e["title"] == "" {
			t.Errorf("error object without its status %d or title: %v", code, e)
		}
	}
}

func (e *Env) Serve(req *http.Request) *Resp {
	rec := httptest.NewRecorder()
	e.Srv.ServeHTTP(rec, req)
	r := &Resp{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	_ = json.Unmarshal(r.Body, &r.JSON)
	return r
}

// Do sends an API request. body may be a string, []byte or anything to
// marshal; a body gets the JSON:API content type unless headers say
// otherwise (pairs of name, value).
func (e *Env) Do(method, path, token string, body any, headers ...string) *Resp {
	e.T.Helper()
	req, _ := e.Request(method, path, token, body, headers...)
	return e.Serve(req)
}

// Request is the API request Do sends, and its body's bytes.
func (e *Env) Request(method, path, token string, body any, headers ...string) (*http.Request, []byte) {
	e.T.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		raw = j
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(raw)
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
	return req, raw
}

// person adds a new person (each move gets its own, so that moves never
// collide as duplicates).
func (e *Env) Person() moves.Person {
	e.T.Helper()
	e.seq++
	p := moves.Person{FirstNames: "Test", LastName: fmt.Sprintf("Person%d", e.seq), DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
	if err := e.St.CreatePerson(e.Ctx, &p, "2026-11-23"); err != nil {
		e.T.Fatal(err)
	}
	return p
}

// move books a move through the store: a court appearance, hospital or
// other requested move with a date, or a proposed prison transfer with a
// window when both ends are detained.
func (e *Env) Move(from, to string, typ moves.MoveType, date string) moves.Move {
	e.T.Helper()
	nm := store.NewMove{MoveType: typ, FromID: e.Loc(from), PersonID: e.Person().ID, CreatedBy: "test", Date: date}
	if to != "" {
		nm.ToID = e.Loc(to)
	}
	if typ == moves.PrisonTransfer {
		nm.Date, nm.DateFrom, nm.DateTo = "", date, moves.AddDays(date, 10)
	}
	m, err := e.St.CreateMove(e.Ctx, nm)
	if err != nil {
		e.T.Fatal(err)
	}
	return m
}

// courtMove is a requested court appearance from Guildford police
// station (served by Serco) to Guildford Crown Court, today.
func (e *Env) CourtMove() moves.Move {
	return e.Move("SRY016", "GUILCC", moves.CourtAppearance, "2026-11-23")
}

// record appends an event through the store, to set a move up.
func (e *Env) Record(m moves.Move, typ moves.EventType, at string, details map[string]any) moves.Event {
	e.T.Helper()
	ts, err := moves.ParseTimestamp(at)
	if err != nil {
		e.T.Fatal(err)
	}
	ev, _, err := e.St.AppendEvent(e.Ctx, moves.Event{MoveID: m.ID, Type: typ, OccurredAt: ts, RecordedAt: ts, CreatedBy: "setup", Details: details},
		store.AppendOptions{By: "setup"})
	if err != nil {
		e.T.Fatal(err)
	}
	if !ev.Applied {
		e.T.Fatalf("setup event %s did not apply: %s", typ, ev.Reason)
	}
	return ev
}

// getMove reads a move back through the API.
func (e *Env) GetMove(token, id string) map[string]any {
	e.T.Helper()
	return e.Do(http.MethodGet, "/api/moves/"+id, token, nil).Want(e.T, http.StatusOK).Data()
}

// eventBody builds a POST /api/events body.
func EventBody(typ moves.EventType, moveID, occurred string, details map[string]any, rels map[string][2]string) map[string]any {
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

func Attrs(res map[string]any) map[string]any {
	a, _ := res["attributes"].(map[string]any)
	return a
}

func Meta(res map[string]any) map[string]any {
	m, _ := res["meta"].(map[string]any)
	return m
}

// relID is the id a resource's to-one relationship points at ("" for null).
func RelID(res map[string]any, name string) string {
	rels, _ := res["relationships"].(map[string]any)
	rel, _ := rels[name].(map[string]any)
	d, _ := rel["data"].(map[string]any)
	id, _ := d["id"].(string)
	return id
}

func RelType(res map[string]any, name string) string {
	rels, _ := res["relationships"].(map[string]any)
	rel, _ := rels[name].(map[string]any)
	d, _ := rel["data"].(map[string]any)
	t, _ := d["type"].(string)
	return t
}

func ListOf(v any) []any {
	l, _ := v.([]any)
	return l
}

func NewUUID() string { return uuid.NewString() }

func NewRequest(method, path string, body io.Reader) *http.Request {
	return httptest.NewRequest(method, path, body)
}

const tokenInvalidBody = `{"errors":[{"status":"401","title":"unauthorized","detail":"Token invalid"}]}`

// WantTokenInvalid checks the guide's exact 401 answer.
func WantTokenInvalid(t *testing.T, r *Resp) {
	t.Helper()
	r.Want(t, http.StatusUnauthorized)
	if got := string(r.Body); got != tokenInvalidBody+"\n" && got != tokenInvalidBody {
		t.Errorf("401 body %s, want %s", got, tokenInvalidBody)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/vnd.api+json" {
		t.Errorf("401 Content-Type %q", ct)
	}
}

var summaryRE = regexp.MustCompile(`(?s)govuk-error-summary__list.*?</ul>`)

// SummaryText is a page's error summary (or its start, when it has none),
// to show in a failure message.
func SummaryText(body []byte) string {
	if m := summaryRE.Find(body); m != nil {
		return string(m)
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return string(body)
}

// Text is a selection's text with its white space collapsed.
func Text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// CheckSummary checks a page's error summary: an "Error: " title, one
// summary whose links go to fields on the page with inline messages, and
// an error for each of wants ("field-id: part of the message").
func CheckSummary(t testing.TB, doc *goquery.Document, wants ...string) {
	t.Helper()
	if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
		t.Errorf("title %q does not start with Error:", doc.Find("title").Text())
	}
	summary := doc.Find(".govuk-error-summary")
	if summary.Length() != 1 {
		t.Fatalf("want one error summary, found %d", summary.Length())
	}
	got := map[string]string{}
	summary.Find(".govuk-error-summary__list a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if !strings.HasPrefix(href, "#") {
			t.Errorf("error summary link %q is not to a field on the page", href)
			return
		}
		id := strings.TrimPrefix(href, "#")
		if doc.Find(`[id="`+id+`"]`).Length() != 1 {
			t.Errorf("error summary links to #%s, which is not on the page", id)
		}
		got[id] = Text(a)
		if doc.Find(`[id="`+id+`-error"]`).Length() == 0 && doc.Find(".govuk-error-message").Length() == 0 {
			t.Errorf("no inline error message for #%s", id)
		}
	})
	for _, w := range wants {
		id, msg, _ := strings.Cut(w, ": ")
		if m, ok := got[id]; !ok || !strings.Contains(m, msg) {
			t.Errorf("want an error on #%s containing %q; got %v", id, msg, got)
		}
	}
}

// Journey adds a journey to a move through the store's own write path
// (as a supplier's client would: created, then the events that take it to
// j.Status), for tests of what reads journeys. Empty fields take the
// move's ends, date and supplier, and the clock's time.
func (e *Env) Journey(m moves.Move, j moves.Journey) moves.Journey {
	e.T.Helper()
	if j.Timestamp.IsZero() {
		j.Timestamp = e.Clock.Now()
	}
	return PutJourney(e.T, e.St, m, j)
}

// PutJourney is Env.Journey on any store.
func PutJourney(t testing.TB, st *store.Store, m moves.Move, j moves.Journey) moves.Journey {
	t.Helper()
	ctx := context.Background()
	nj := moves.NewJourney{MoveID: m.ID, SupplierID: cmpOr(j.SupplierID, m.SupplierID), FromID: cmpOr(j.FromID, m.FromID), ToID: cmpOr(j.ToID, m.ToID),
		Timestamp: j.Timestamp, Billable: &j.Billable, Date: j.Date, Vehicle: j.Vehicle}
	out, err := st.CreateJourney(ctx, nj, store.RoadOptions{By: "setup"})
	for i, typ := range moves.JourneyEventsTo(j.Status) {
		if err != nil {
			break
		}
		at := j.Timestamp.Add(time.Duration(i+1) * time.Minute)
		_, out, err = st.AppendJourneyEvent(ctx, moves.Event{MoveID: m.ID, JourneyID: out.ID, Type: typ, OccurredAt: at, RecordedAt: at}, store.RoadOptions{By: "setup"})
	}
	if err != nil || out.Status != cmpOr(j.Status, moves.JourneyProposed) {
		t.Fatalf("journey to %s: %v (it is %s)", j.Status, err, out.Status)
	}
	return out
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// Lodge plans an overnight lodging of m at the location with code, for
// the night of start, through the store (as PMU would).
func (e *Env) Lodge(m moves.Move, code, start string) moves.Lodging {
	e.T.Helper()
	l, err := e.St.CreateLodging(e.Ctx, m.ID, moves.NewLodging{LocationID: e.Loc(code), StartDate: start, EndDate: moves.AddDays(start, 1)},
		store.RoadOptions{By: "setup"})
	if err != nil {
		e.T.Fatal(err)
	}
	return l
}

// LodgeStarted is Lodge with the person already there: a MoveLodgingStart
// at the lodging at 18:00 on its first day.
func (e *Env) LodgeStarted(m moves.Move, code, start string) moves.Lodging {
	e.T.Helper()
	l := e.Lodge(m, code, start)
	at, _ := time.Parse(time.DateTime, start+" 18:00:00")
	ev, _, err := e.St.AppendEvent(e.Ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveLodgingStart, OccurredAt: at, RecordedAt: at, CreatedBy: "setup",
		Details: map[string]any{"reason": "overnight_lodging"}, Rels: map[string]string{"location": l.LocationID}}, store.AppendOptions{By: "setup"})
	if err != nil || !ev.Applied {
		e.T.Fatalf("starting the lodging: %v %s", err, ev.Reason)
	}
	return l
}
