package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// Cheap password hashing for the demo users (an init, not a TestMain, so
// that it cannot clash with another test file of this package).
func init() { store.SetBcryptCostForTests(4) }

// mvNow is these tests' clock: Thursday 3 December 2026, midday in London.
var mvNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

// mvDay is today plus n days, as YYYY-MM-DD.
func mvDay(n int) string { return mvNow.AddDate(0, 0, n).Format(time.DateOnly) }

// mvApp is the real server on a store seeded with the demo data.
type mvApp struct {
	app  *handlertest.App
	t    testing.TB
	st   *store.Store
	web  *web.Server
	srv  *httptest.Server
	locs map[string]string // code → id
	seq  atomic.Int64
}

func newMvApp(t testing.TB) *mvApp {
	t.Helper()
	app := handlertest.Start(t, handlertest.Options{Now: mvNow, Demo: true})
	a := &mvApp{t: t, app: app, st: app.Store, web: app.Web, srv: app.Server, locs: map[string]string{}}
	for code, l := range app.Locations(t) {
		a.locs[code] = l.ID
	}
	return a
}

// mvKind is a kind of fixture move.
type mvKind string

const (
	// mvCourt is a court appearance from Guildford police station (one of
	// the police user's) to Guildford Crown Court (the court user's).
	mvCourt mvKind = "court appearance from police"
	// mvTransfer is a prison transfer from HMP Brixton (the prison user's)
	// to HMP Wandsworth.
	mvTransfer mvKind = "prison transfer from prison"
)

// fixture creates a move of a kind, brought to a status through events,
// for a person of its own (so that moves never duplicate each other).
func (a *mvApp) fixture(kind mvKind, status moves.Status) moves.Move {
	a.t.Helper()
	ctx := context.Background()
	n := a.seq.Add(1)
	p := moves.Person{FirstNames: "Test", LastName: fmt.Sprintf("Person%03d", n), DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
	if err := a.st.CreatePerson(ctx, &p, mvDay(0)); err != nil {
		a.t.Fatal(err)
	}
	nm := store.NewMove{PersonID: p.ID, CreatedBy: "test", At: mvNow.Add(-48 * time.Hour),
		Flags: []moves.Flag{{Category: moves.FlagRisk, Key: "violent", Details: "Assaulted staff"}, {Category: moves.FlagCourt, Key: "interpreter", Details: "Polish"}}}
	switch kind {
	case mvCourt:
		nm.MoveType, nm.FromID, nm.ToID, nm.Date = moves.CourtAppearance, a.locs["SRY016"], a.locs["GUILCC"], mvDay(1)
	case mvTransfer:
		nm.MoveType, nm.FromID, nm.ToID, nm.DateFrom, nm.DateTo = moves.PrisonTransfer, a.locs["BXI"], a.locs["WWI"], mvDay(3), mvDay(10)
	}
	m, err := a.st.CreateMove(ctx, nm)
	if err != nil {
		a.t.Fatalf("fixture %s: %v", kind, err)
	}
	var steps []moves.Event
	add := func(t moves.EventType, details map[string]any) {
		steps = append(steps, moves.Event{Type: t, Details: details})
	}
	if kind == mvTransfer && status != moves.StatusProposed {
		add(moves.EventMoveApprove, map[string]any{"date": mvDay(4)})
	}
	switch status {
	case moves.StatusBooked, moves.StatusInTransit, moves.StatusCompleted:
		add(moves.EventMoveAccept, nil)
	}
	switch status {
	case moves.StatusInTransit, moves.StatusCompleted:
		add(moves.EventMoveStart, nil)
	}
	if status == moves.StatusCompleted {
		add(moves.EventMoveComplete, nil)
	}
	if status == moves.StatusCancelled {
		add(moves.EventMoveCancel, map[string]any{"cancellation_reason": "other", "cancellation_reason_comment": "Fixture"})
	}
	for i, e := range steps {
		e.MoveID = m.ID
		e.OccurredAt = mvNow.Add(time.Duration(i-40) * time.Minute)
		e.RecordedAt = e.OccurredAt
		e.CreatedBy = "fixture"
		ev, mm, err := a.st.AppendEvent(ctx, e, store.AppendOptions{By: "fixture"})
		if err != nil || !ev.Applied {
			a.t.Fatalf("fixture %s %s: %v %s", kind, e.Type, err, ev.Reason)
		}
		m = mm
	}
	if m.Status != status {
		a.t.Fatalf("fixture %s is %s, want %s", kind, m.Status, status)
	}
	return m
}

func (a *mvApp) move(id string) moves.Move {
	a.t.Helper()
	m, err := a.st.Move(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return m
}

func (a *mvApp) events(id string) []moves.Event {
	a.t.Helper()
	evs, err := a.st.Events(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return evs
}

// lastArrived is the event that arrived last.
func mvLastArrived(evs []moves.Event) moves.Event {
	var last moves.Event
	for _, e := range evs {
		if e.Seq > last.Seq {
			last = e
		}
	}
	return last
}

// mvClient is a browser without JavaScript: cookies, no automatic
// redirects.
type mvClient struct {
	t    testing.TB
	app  *mvApp
	v    *handlertest.Visitor
	user string
}

// signIn signs in as a demo user (choosing a location by code when given).
func (a *mvApp) signIn(t testing.TB, username, locationCode string) *mvClient {
	t.Helper()
	return &mvClient{t: t, app: a, user: username, v: handlertest.Visit(t, a.srv.URL, a.app.SignIn(t, username, locationCode))}
}

func (c *mvClient) do(req *http.Request) *http.Response { return c.v.Do(req) }

func (c *mvClient) get(path string, headers ...string) *http.Response {
	return c.v.Get(path, headers...)
}

func (c *mvClient) post(path string, form url.Values) *http.Response {
	return c.v.Post(path, form)
}

func mvDoc(t testing.TB, res *http.Response) *goquery.Document { return handlertest.Doc(t, res) }

// page GETs path, expects status and parses the HTML.
func (c *mvClient) page(path string, status int, headers ...string) *goquery.Document {
	return c.v.Page(c.user+": ", path, status, headers...)
}

// csrf reads the session's CSRF token from a page.
func (c *mvClient) csrf(path string) string { return c.v.CSRF(path) }

func mvText(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// mvRows reads summary lists as "Key Value; Key Value".
func mvRows(s *goquery.Selection) string {
	var rows []string
	s.Find(".govuk-summary-list__row").Each(func(_ int, r *goquery.Selection) {
		rows = append(rows, mvText(r.Find(".govuk-summary-list__key"))+" "+mvText(r.Find(".govuk-summary-list__value")))
	})
	return strings.Join(rows, "; ")
}

func mvVaries(res *http.Response) bool {
	for _, v := range res.Header.Values("Vary") {
		if strings.Contains(v, "HX-Request") {
			return true
		}
	}
	return false
}

// mvSignedIn signs in every role once.
func (a *mvApp) signedIn(t testing.TB) map[string]*mvClient {
	return map[string]*mvClient{
		"pmu":      a.signIn(t, "pmu", ""),
		"police":   a.signIn(t, "police", "SRY016"),
		"prison":   a.signIn(t, "prison", ""),
		"court":    a.signIn(t, "court", ""),
		"supplier": a.signIn(t, "supplier", ""),
		"admin":    a.signIn(t, "admin", ""),
	}
}

var mvRoles = []string{"pmu", "police", "prison", "court", "supplier", "admin"}

// mvActions are the actions, with the path of their page and the event
// each records.
var mvActions = []struct {
	action moves.Action
	path   string
	event  moves.EventType
}{
	{moves.ActionApprove, "approve", moves.EventMoveApprove},
	{moves.ActionReject, "reject", moves.EventMoveReject},
	{moves.ActionCancel, "cancel", moves.EventMoveCancel},
	{moves.ActionRedirect, "redirect", moves.EventMoveRedirect},
	{moves.ActionChangeDate, "date", moves.EventMoveDateChanged},
}

// mvCase is one kind of move in one status.
type mvCase struct {
	kind   mvKind
	status moves.Status
}

var mvCases = []mvCase{
	{mvTransfer, moves.StatusProposed},
	{mvTransfer, moves.StatusRequested},
	{mvTransfer, moves.StatusBooked},
	{mvTransfer, moves.StatusCancelled},
	{mvCourt, moves.StatusRequested},
	{mvCourt, moves.StatusBooked},
	{mvCourt, moves.StatusInTransit},
	{mvCourt, moves.StatusCompleted},
	{mvCourt, moves.StatusCancelled},
}

// mvVisible says who may see each kind of move, written out by hand from
// DOMAIN.md rather than computed by the code under test.
var mvVisible = map[mvKind]map[string]bool{
	mvCourt:    {"pmu": true, "police": true, "court": true, "supplier": true},
	mvTransfer: {"pmu": true, "prison": true, "supplier": true},
}

// mvAllowed says, by hand, in which statuses each role may take each
// action on each kind of move. Anything not listed is refused.
var mvAllowed = map[mvKind]map[string]map[moves.Action][]moves.Status{
	mvTransfer: {
		"pmu": {
			moves.ActionApprove:    {moves.StatusProposed},
			moves.ActionReject:     {moves.StatusProposed, moves.StatusRequested},
			moves.ActionCancel:     {moves.StatusProposed, moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit},
			moves.ActionRedirect:   {moves.StatusProposed, moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit},
			moves.ActionChangeDate: {moves.StatusRequested, moves.StatusBooked},
		},
		"prison": {
			moves.ActionCancel:     {moves.StatusProposed, moves.StatusRequested, moves.StatusBooked},
			moves.ActionChangeDate: {moves.StatusRequested, moves.StatusBooked},
		},
	},
	mvCourt: {
		"pmu": {
			moves.ActionReject:     {moves.StatusRequested},
			moves.ActionCancel:     {moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit},
			moves.ActionRedirect:   {moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit},
			moves.ActionChangeDate: {moves.StatusRequested, moves.StatusBooked},
		},
		"police": {
			moves.ActionCancel:     {moves.StatusRequested, moves.StatusBooked},
			moves.ActionRedirect:   {moves.StatusRequested, moves.StatusBooked},
			moves.ActionChangeDate: {moves.StatusRequested, moves.StatusBooked},
		},
	},
}

func mvIsAllowed(kind mvKind, role string, a moves.Action, s moves.Status) bool {
	for _, st := range mvAllowed[kind][role][a] {
		if st == s {
			return true
		}
	}
	return false
}

// mvValidForm is a correct answer to an action's form for a move.
func (a *mvApp) validForm(act moves.Action, m moves.Move) url.Values {
	v := url.Values{"version": {fmt.Sprint(m.Version)}}
	switch act {
	case moves.ActionApprove:
		d, _ := time.Parse(time.DateOnly, m.DateFrom)
		v.Set("date-day", fmt.Sprint(d.Day()))
		v.Set("date-month", fmt.Sprint(int(d.Month())))
		v.Set("date-year", fmt.Sprint(d.Year()))
	case moves.ActionReject:
		v.Set("rejection_reason", "no_space_at_receiving_prison")
		v.Set("rebook", "false")
		v.Set("cancellation_reason_comment", "Full this week")
	case moves.ActionCancel:
		v.Set("cancellation_reason", moves.CancellationReasonsFor(m.MoveType)[0])
	case moves.ActionRedirect:
		to := a.locs["HOI"]
		if m.MoveType == moves.CourtAppearance {
			to = a.locs["GUILMC"]
		}
		v.Set("to_location", to)
		v.Set("move_type", string(m.MoveType))
		v.Set("reason", "no_space")
	case moves.ActionChangeDate:
		v.Set("date-day", "9")
		v.Set("date-month", "12")
		v.Set("date-year", "2026")
		v.Set("date_changed_reason", "other")
	}
	return v
}

// checkDone checks what an allowed action did to the move.
func (a *mvApp) checkDone(t *testing.T, act moves.Action, before, after moves.Move) {
	t.Helper()
	switch act {
	case moves.ActionApprove:
		if after.Status != moves.StatusRequested || after.Date != before.DateFrom {
			t.Errorf("after approval: %s on %q, want requested on %s", after.Status, after.Date, before.DateFrom)
		}
	case moves.ActionReject:
		if after.Status != moves.StatusCancelled || after.Cancellation.Reason != "rejected" ||
			after.Cancellation.RejectionReason != "no_space_at_receiving_prison" || after.Cancellation.Comment != "Full this week" {
			t.Errorf("after rejection: %s %+v", after.Status, after.Cancellation)
		}
	case moves.ActionCancel:
		if after.Status != moves.StatusCancelled || after.Cancellation.Reason != moves.CancellationReasonsFor(before.MoveType)[0] {
			t.Errorf("after cancellation: %s %+v", after.Status, after.Cancellation)
		}
	case moves.ActionRedirect:
		if after.ToID == before.ToID || (after.ToID != a.locs["HOI"] && after.ToID != a.locs["GUILMC"]) || after.Status != before.Status {
			t.Errorf("after redirect: to %s (was %s), %s", after.ToID, before.ToID, after.Status)
		}
	case moves.ActionChangeDate:
		if after.Date != "2026-12-09" || after.Status != before.Status {
			t.Errorf("after date change: %s on %q", after.Status, after.Date)
		}
	}
}

// Every role × every action × a representative set of statuses: the form
// and its submission are allowed (200, 303) exactly where DOMAIN.md says,
// refused (403) where the user may see the move but not do that, and not
// found (404) where they may not see it. An allowed submission records
// exactly the matching event, by the user, and changes the move as the
// domain says; a refused one records nothing.
func TestMoveActionsByRoleAndStatus(t *testing.T) {
	a := newMvApp(t)
	users := a.signedIn(t)
	tokens := map[string]string{}
	for role, c := range users {
		tokens[role] = c.csrf("/")
	}
	for _, mc := range mvCases {
		shared := a.fixture(mc.kind, mc.status)
		for _, role := range mvRoles {
			c := users[role]
			for _, act := range mvActions {
				name := fmt.Sprintf("%s/%s/%s/%s", mc.kind, mc.status, role, act.path)
				t.Run(name, func(t *testing.T) {
					c.t = t
					allowed := mvIsAllowed(mc.kind, role, act.action, mc.status)
					want := http.StatusForbidden
					switch {
					case !mvVisible[mc.kind][role]:
						want = http.StatusNotFound
					case allowed:
						want = http.StatusOK
					}
					path := "/move/" + shared.ID + "/" + act.path
					if res := c.get(path); res.StatusCode != want {
						t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
					}

					m := shared
					if allowed {
						m = a.fixture(mc.kind, mc.status)
						path = "/move/" + m.ID + "/" + act.path
						want = http.StatusSeeOther
					}
					before := len(a.events(m.ID))
					form := a.validForm(act.action, m)
					form.Set("_csrf", tokens[role])
					res := c.post(path, form)
					if res.StatusCode != want {
						body, _ := io.ReadAll(res.Body)
						t.Fatalf("POST %s = %d, want %d\n%.1500s", path, res.StatusCode, want, body)
					}
					evs := a.events(m.ID)
					if !allowed {
						if len(evs) != before {
							t.Errorf("a refused action recorded %d events", len(evs)-before)
						}
						return
					}
					if loc := res.Header.Get("Location"); loc != "/move/"+m.ID {
						t.Errorf("redirected to %q", loc)
					}
					if len(evs) != before+1 {
						t.Fatalf("recorded %d events, want 1", len(evs)-before)
					}
					last := mvLastArrived(evs)
					if last.Type != act.event || last.CreatedBy != role || !last.Applied {
						t.Errorf("recorded %s by %q (applied %v), want %s by %q", last.Type, last.CreatedBy, last.Applied, act.event, role)
					}
					a.checkDone(t, act.action, m, a.move(m.ID))
				})
			}
		}
	}
}

// A successful action is confirmed on the move page by a success banner,
// once.
func TestMoveApproveBanner(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvTransfer, moves.StatusProposed)
	doc := pmu.page("/move/"+m.ID+"/approve", http.StatusOK)
	if got, _ := doc.Find("#date-day").Attr("value"); got != "6" {
		t.Errorf("day prefilled with %q, want the earliest date's day (6)", got)
	}
	form := a.validForm(moves.ActionApprove, m)
	form.Set("_csrf", pmu.csrf("/"))
	if res := pmu.post("/move/"+m.ID+"/approve", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST = %d", res.StatusCode)
	}
	doc = pmu.page("/move/"+m.ID, http.StatusOK)
	banner := mvText(doc.Find(".govuk-notification-banner--success"))
	if !strings.Contains(banner, "Move approved") || !strings.Contains(banner, "The move is now requested with Serco for Sunday 6 December 2026") {
		t.Errorf("banner %q", banner)
	}
	if got := mvText(doc.Find("#move-status")); !strings.Contains(got, "Requested") {
		t.Errorf("status %q", got)
	}
	doc = pmu.page("/move/"+m.ID, http.StatusOK)
	if doc.Find(".govuk-notification-banner--success").Length() != 0 {
		t.Error("the banner shows twice")
	}
}

// Rejecting with rebook proposes the same move again seven days later,
// linked to the rejected one, and both pages say so.
func TestMoveRejectWithRebook(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvTransfer, moves.StatusProposed)
	form := a.validForm(moves.ActionReject, m)
	form.Set("rebook", "true")
	form.Set("_csrf", pmu.csrf("/"))
	if res := pmu.post("/move/"+m.ID+"/reject", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST = %d", res.StatusCode)
	}
	nb, err := a.st.RebookedFrom(context.Background(), m.ID)
	if err != nil {
		t.Fatalf("no rebooked move: %v", err)
	}
	if nb.Status != moves.StatusProposed || nb.DateFrom != mvDay(10) || nb.DateTo != mvDay(17) || nb.OriginalID != m.ID ||
		nb.PersonID != m.PersonID || nb.FromID != m.FromID || nb.ToID != m.ToID {
		t.Errorf("rebooked move: %+v", nb)
	}
	doc := pmu.page("/move/"+m.ID, http.StatusOK)
	if got := mvText(doc.Find(".govuk-notification-banner--success")); !strings.Contains(got, "Request rejected") || !strings.Contains(got, nb.Reference) {
		t.Errorf("success banner %q", got)
	}
	banner := doc.Find(".moj-banner").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "Request rejected")
	})
	if !strings.Contains(mvText(banner), "No space at the receiving prison") {
		t.Errorf("rejection banner %q", mvText(banner))
	}
	if href, _ := banner.Find("a").Attr("href"); href != "/move/"+nb.ID {
		t.Errorf("rebook link %q, want /move/%s", href, nb.ID)
	}
	doc = pmu.page("/move/"+nb.ID, http.StatusOK)
	if got := mvText(doc.Find("#move-live")); !strings.Contains(got, "This request needs to be reviewed by PMU") || !strings.Contains(got, m.Reference) {
		t.Errorf("new move's banners %q", got)
	}
}

// A form made from an older version of the move is a conflict: 409, a
// page naming what changed, and nothing saved — even when the change took
// the action away.
func TestMoveStaleVersion(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	ctx := context.Background()
	tok := pmu.csrf("/")

	m := a.fixture(mvTransfer, moves.StatusProposed)
	form := a.validForm(moves.ActionApprove, m) // carries the version as it is now
	if _, _, err := a.st.AppendEvent(ctx, moves.Event{Type: moves.EventMoveApprove, MoveID: m.ID, OccurredAt: mvNow, RecordedAt: mvNow,
		CreatedBy: "police", Details: map[string]any{"date": mvDay(5)}}, store.AppendOptions{By: "police"}); err != nil {
		t.Fatal(err)
	}
	before := len(a.events(m.ID))
	form.Set("_csrf", tok)
	res := pmu.post("/move/"+m.ID+"/approve", form)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale approval = %d, want 409", res.StatusCode)
	}
	body := mvText(mvDoc(t, res).Find("main"))
	for _, want := range []string{"This move has changed", "move approved", "Dan Mitchell", "now requested", "Nothing you sent has been saved"} {
		if !strings.Contains(body, want) {
			t.Errorf("conflict page lacks %q: %q", want, body)
		}
	}
	if n := len(a.events(m.ID)); n != before {
		t.Errorf("a stale form recorded %d events", n-before)
	}
	if got := a.move(m.ID); got.Date != mvDay(5) {
		t.Errorf("date is %s, want the other approval's", got.Date)
	}

	// Same status, still allowed, but changed meanwhile.
	m = a.fixture(mvCourt, moves.StatusRequested)
	form = a.validForm(moves.ActionCancel, m)
	if _, _, err := a.st.AppendEvent(ctx, moves.Event{Type: moves.EventMoveDateChanged, MoveID: m.ID, OccurredAt: mvNow, RecordedAt: mvNow,
		CreatedBy: "pmu", Details: map[string]any{"date": mvDay(2)}}, store.AppendOptions{By: "pmu"}); err != nil {
		t.Fatal(err)
	}
	before = len(a.events(m.ID))
	form.Set("_csrf", tok)
	if res := pmu.post("/move/"+m.ID+"/cancel", form); res.StatusCode != http.StatusConflict {
		t.Fatalf("stale cancellation = %d, want 409", res.StatusCode)
	}
	if got := a.move(m.ID); got.Status != moves.StatusRequested || len(a.events(m.ID)) != before {
		t.Errorf("after a stale cancellation the move is %s with %d new events", got.Status, len(a.events(m.ID))-before)
	}
}

// Without the CSRF token nothing happens.
func TestMoveActionNeedsCSRF(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvCourt, moves.StatusRequested)
	before := len(a.events(m.ID))
	for _, act := range mvActions {
		res := pmu.post("/move/"+m.ID+"/"+act.path, a.validForm(act.action, m))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without a token = %d, want 403", act.path, res.StatusCode)
		}
	}
	if got := a.move(m.ID); got.Version != m.Version || len(a.events(m.ID)) != before {
		t.Errorf("the move changed: version %d → %d, %d events", m.Version, got.Version, len(a.events(m.ID)))
	}
}

// Invalid answers show the form again (422) with an error summary whose
// links each land on a field of the page, and the answers kept.
func TestMoveActionValidation(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	tok := pmu.csrf("/")
	proposed := a.fixture(mvTransfer, moves.StatusProposed)
	requested := a.fixture(mvCourt, moves.StatusRequested)
	tests := []struct {
		name   string
		m      moves.Move
		path   string
		form   url.Values
		hrefs  []string
		phrase string
	}{
		{"approve with nothing", proposed, "approve", url.Values{}, []string{"#date-day"}, "Enter the date"},
		{"approve outside the window", proposed, "approve", url.Values{"date-day": {"30"}, "date-month": {"12"}, "date-year": {"2026"}},
			[]string{"#date-day"}, "The date must be between Sunday 6 December 2026 and Sunday 13 December 2026"},
		{"approve in the past", proposed, "approve", url.Values{"date-day": {"1"}, "date-month": {"12"}, "date-year": {"2026"}},
			[]string{"#date-day"}, "today or in the future"},
		{"approve 31 November", proposed, "approve", url.Values{"date-day": {"31"}, "date-month": {"11"}, "date-year": {"2026"}},
			[]string{"#date-day"}, "real date"},
		{"approve without a month", proposed, "approve", url.Values{"date-day": {"7"}, "date-year": {"2026"}},
			[]string{"#date-day"}, "must include a month"},
		{"reject with nothing", proposed, "reject", url.Values{}, []string{"#rejection_reason", "#rebook"}, "Select why you are rejecting"},
		{"reject with a made-up reason", proposed, "reject", url.Values{"rejection_reason": {"bored"}, "rebook": {"false"}},
			[]string{"#rejection_reason"}, "Select why you are rejecting"},
		{"cancel with nothing", requested, "cancel", url.Values{}, []string{"#cancellation_reason"}, "Select why you are cancelling"},
		{"cancel with a transfer-only reason", requested, "cancel", url.Values{"cancellation_reason": {"tornado_event"}},
			[]string{"#cancellation_reason"}, "Select why you are cancelling"},
		{"cancel for another reason without saying", requested, "cancel", url.Values{"cancellation_reason": {"other"}},
			[]string{"#cancellation_reason_comment"}, "Say why"},
		{"cancel with too long a comment", requested, "cancel", url.Values{"cancellation_reason": {"court_closure"},
			"cancellation_reason_comment": {strings.Repeat("x", 1001)}}, []string{"#cancellation_reason_comment"}, "1000 characters"},
		{"redirect with nothing", requested, "redirect", url.Values{}, []string{"#to_location", "#move_type", "#reason"}, "Choose the new destination"},
		{"redirect a court appearance to a prison", requested, "redirect", url.Values{"to_location": {a.locs["HOI"]},
			"move_type": {"court_appearance"}, "reason": {"no_space"}}, []string{"#to_location"}, "must go to a court"},
		{"redirect to where it goes", requested, "redirect", url.Values{"to_location": {a.locs["GUILCC"]},
			"move_type": {"court_appearance"}, "reason": {"no_space"}}, []string{"#to_location"}, "different from where the move goes now"},
		{"change date with nothing", requested, "date", url.Values{}, []string{"#date-day"}, "Enter the date"},
		{"change date to the same date", requested, "date", url.Values{"date-day": {"4"}, "date-month": {"12"}, "date-year": {"2026"}},
			[]string{"#date-day"}, "different from the date"},
		{"change date with a two-digit year", requested, "date", url.Values{"date-day": {"4"}, "date-month": {"12"}, "date-year": {"26"}},
			[]string{"#date-day"}, "4 numbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pmu.t = t
			before := len(a.events(tt.m.ID))
			tt.form.Set("_csrf", tok)
			tt.form.Set("version", fmt.Sprint(tt.m.Version))
			res := pmu.post("/move/"+tt.m.ID+"/"+tt.path, tt.form)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.StatusCode)
			}
			doc := mvDoc(t, res)
			if title := mvText(doc.Find("title")); !strings.HasPrefix(title, "Error: ") {
				t.Errorf("title %q lacks the Error: prefix", title)
			}
			summary := doc.Find(".govuk-error-summary")
			if !strings.Contains(mvText(summary), tt.phrase) {
				t.Errorf("summary %q lacks %q", mvText(summary), tt.phrase)
			}
			var hrefs []string
			summary.Find("a").Each(func(_ int, s *goquery.Selection) {
				href, _ := s.Attr("href")
				hrefs = append(hrefs, href)
				if doc.Find(href).Length() != 1 {
					t.Errorf("summary link %s lands on no field", href)
				}
				if tag := goquery.NodeName(doc.Find(href)); tag != "input" && tag != "select" && tag != "textarea" {
					t.Errorf("summary link %s lands on a <%s>", href, tag)
				}
			})
			if strings.Join(hrefs, " ") != strings.Join(tt.hrefs, " ") {
				t.Errorf("summary links %v, want %v", hrefs, tt.hrefs)
			}
			for k, v := range tt.form {
				if k == "_csrf" || k == "version" || len(v[0]) > 100 {
					continue
				}
				doc.Find(fmt.Sprintf(`[name=%q]`, k)).Each(func(_ int, s *goquery.Selection) {
					switch {
					case goquery.NodeName(s) == "select":
						if s.Find(fmt.Sprintf(`option[value=%q]`, v[0])).Length() > 0 && s.Find("option[selected]").AttrOr("value", "") != v[0] {
							t.Errorf("choice %s=%q was not kept", k, v[0])
						}
					case s.AttrOr("type", "") == "radio":
						if _, checked := s.Attr("checked"); s.AttrOr("value", "") == v[0] && !checked {
							t.Errorf("choice %s=%q was not kept", k, v[0])
						}
					case goquery.NodeName(s) == "textarea":
						if strings.TrimSpace(s.Text()) != v[0] {
							t.Errorf("answer %s=%q was not kept: %q", k, v[0], s.Text())
						}
					default:
						if s.AttrOr("value", "") != v[0] {
							t.Errorf("answer %s=%q was not kept: %q", k, v[0], s.AttrOr("value", ""))
						}
					}
				})
			}
			if n := len(a.events(tt.m.ID)); n != before {
				t.Errorf("an invalid form recorded %d events", n-before)
			}
		})
	}
}

// The timeline labels a late event and one kept but not applied, with the
// reason; incidents stand out.
func TestMoveTimelineLabels(t *testing.T) {
	a := newMvApp(t)
	ctx := context.Background()
	m := a.fixture(mvCourt, moves.StatusBooked)
	// Happened before the acceptance, arrives after it: late.
	if _, _, err := a.st.AppendEvent(ctx, moves.Event{Type: moves.EventMoveNotifySupplierOfMoveRequest, MoveID: m.ID,
		OccurredAt: mvNow.Add(-45 * time.Minute), RecordedAt: mvNow.Add(-30 * time.Minute), CreatedBy: "Serco", SupplierID: m.SupplierID},
		store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	// A booked move cannot be completed: kept, not applied.
	if _, _, err := a.st.AppendEvent(ctx, moves.Event{Type: moves.EventMoveComplete, MoveID: m.ID, OccurredAt: mvNow, RecordedAt: mvNow,
		CreatedBy: "Serco", SupplierID: m.SupplierID}, store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.st.AppendEvent(ctx, moves.Event{Type: moves.EventPersonMoveAssault, MoveID: m.ID, OccurredAt: mvNow, RecordedAt: mvNow,
		CreatedBy: "Serco", SupplierID: m.SupplierID, Details: map[string]any{"fault_classification": "supplier"}}, store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	c := a.signIn(t, "court", "")
	doc := c.page("/move/"+m.ID, http.StatusOK)
	items := doc.Find("#move-timeline .moj-timeline__item")
	find := func(heading string) *goquery.Selection {
		return items.FilterFunction(func(_ int, s *goquery.Selection) bool {
			return mvText(s.Find(".moj-timeline__title")) == heading
		})
	}
	late := find("Supplier told about the request")
	if !strings.Contains(mvText(late), "Arrived late") || !strings.Contains(mvText(late), "Recorded at 11:30 on Thursday 3 December 2026") {
		t.Errorf("late event: %q", mvText(late))
	}
	done := find("Move completed")
	if !done.HasClass("app-not-applied") || !strings.Contains(mvText(done), "Not applied") ||
		!strings.Contains(mvText(done), "A move that is booked cannot be completed") {
		t.Errorf("not-applied event: %q (classes %q)", mvText(done), done.AttrOr("class", ""))
	}
	if strings.Contains(mvText(done.Find(".govuk-tag")), "Completed") {
		t.Error("a status change that did not apply shows the status")
	}
	assault := find("Assault")
	if assault.Find(".app-incident").Length() != 1 || !strings.Contains(mvText(assault.Find(".govuk-tag--red")), "Incident") ||
		!strings.Contains(mvText(assault), "Fault: The supplier's fault") || !strings.Contains(mvText(assault), "Recorded by Serco") {
		t.Errorf("incident: %q", mvText(assault))
	}
	booked := find("Move booked")
	if !strings.Contains(mvText(booked.Find(".govuk-tag")), "Booked") {
		t.Errorf("status change shows no status tag: %q", mvText(booked))
	}
	if first := mvText(items.First().Find(".moj-timeline__title")); first != "Assault" && first != "Move completed" {
		t.Errorf("newest first: the first item is %q", first)
	}
	if last := mvText(items.Last().Find(".moj-timeline__title")); last != "Move requested" {
		t.Errorf("the oldest item is %q, want the creation", last)
	}
}

// A court user sees a move to their court, with no action buttons, and
// every action refused; a move elsewhere is not found.
func TestMoveCourtUserReadOnly(t *testing.T) {
	a := newMvApp(t)
	court := a.signIn(t, "court", "")
	m := a.fixture(mvCourt, moves.StatusRequested)
	doc := court.page("/move/"+m.ID, http.StatusOK)
	if doc.Find("#move-actions").Length() != 0 {
		t.Errorf("a court user is offered actions: %q", mvText(doc.Find("#move-actions")))
	}
	doc.Find("a").Each(func(_ int, s *goquery.Selection) {
		href := s.AttrOr("href", "")
		for _, act := range mvActions {
			if strings.HasSuffix(href, "/"+act.path) {
				t.Errorf("link to %s", href)
			}
		}
	})
	other := a.fixture(mvTransfer, moves.StatusRequested)
	court.page("/move/"+other.ID, http.StatusNotFound)
	court.page("/move/"+other.ID+"/timeline", http.StatusNotFound)
	court.page("/move/not-a-move", http.StatusNotFound)
}

// The move page shows who, where, when, the warnings and the banners.
func TestMovePageContent(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvTransfer, moves.StatusProposed)
	doc := pmu.page("/move/"+m.ID, http.StatusOK)
	if got := mvText(doc.Find("h1")); !strings.HasPrefix(got, "Test Person") {
		t.Errorf("h1 %q", got)
	}
	if got := mvText(doc.Find(".govuk-caption-l")); got != "Move reference "+m.Reference {
		t.Errorf("caption %q", got)
	}
	live := mvText(doc.Find("#move-live"))
	for _, want := range []string{"Proposed", "This request needs to be reviewed by PMU", "Approve", "Reject", "Change destination", "Cancel move"} {
		if !strings.Contains(live, want) {
			t.Errorf("status and actions lack %q: %q", want, live)
		}
	}
	if strings.Contains(live, "Change date") {
		t.Error("a proposed move offers Change date")
	}
	details := mvRows(doc.Find("#move-details"))
	for _, want := range []string{"HMP Brixton", "HMP Wandsworth", "Earliest date Sunday 6 December 2026", "Latest date Sunday 13 December 2026",
		"Prison transfer", "Serco"} {
		if !strings.Contains(details, want) {
			t.Errorf("details lack %q: %q", want, details)
		}
	}
	warnings := doc.Find("#move-warnings-heading").Parent()
	if !strings.Contains(mvText(warnings.Find(".govuk-tag--red")), "Violent") || !strings.Contains(mvText(warnings), "Assaulted staff") ||
		!strings.Contains(mvText(warnings), "Polish") {
		t.Errorf("warnings %q", mvText(warnings))
	}
	if got, _ := doc.Find("#move-live").Attr("hx-get"); !strings.HasPrefix(got, "/move/"+m.ID+"/timeline?seen=") {
		t.Errorf("live region polls %q", got)
	}

	// A video remand may have no destination.
	vr, _, err := a.st.ListMoves(context.Background(), store.MoveFilter{MoveTypes: []moves.MoveType{moves.VideoRemand}})
	if err != nil || len(vr) == 0 {
		t.Fatalf("no demo video remand: %v", err)
	}
	doc = pmu.page("/move/"+vr[0].ID, http.StatusOK)
	if got := mvText(doc.Find("#move-to")); got != "Not given" {
		t.Errorf("video remand's destination reads %q", got)
	}

	c := a.fixture(mvCourt, moves.StatusCancelled)
	doc = pmu.page("/move/"+c.ID, http.StatusOK)
	if got := mvText(doc.Find("#move-live .moj-banner")); !strings.Contains(got, "Move cancelled") || !strings.Contains(got, "Reason: Another reason") ||
		!strings.Contains(got, "Fixture") {
		t.Errorf("cancelled banner %q", got)
	}
}

// htmx gets only the refreshing parts; an unchanged move is a 204; a new
// event shows on the next poll.
func TestMoveLiveRefresh(t *testing.T) {
	a := newMvApp(t)
	police := a.signIn(t, "police", "SRY016")
	m := a.fixture(mvCourt, moves.StatusBooked)
	doc := police.page("/move/"+m.ID, http.StatusOK)
	poll, _ := doc.Find("#move-live").Attr("hx-get")

	res := police.get(poll, "HX-Request", "true")
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("unchanged poll = %d, want 204", res.StatusCode)
	}
	if !mvVaries(res) {
		t.Errorf("Vary %q", res.Header.Values("Vary"))
	}
	if _, _, err := a.st.AppendEvent(context.Background(), moves.Event{Type: moves.EventMoveNotifyPremisesOfEta, MoveID: m.ID,
		OccurredAt: mvNow, RecordedAt: mvNow, CreatedBy: "Serco", SupplierID: m.SupplierID,
		Details: map[string]any{"expected_at": "2026-12-04T09:30:00Z"}}, store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	res = police.get(poll, "HX-Request", "true")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("changed poll = %d, want 200", res.StatusCode)
	}
	frag := mvDoc(t, res)
	if frag.Find("header, footer, h1").Length() != 0 {
		t.Error("the fragment has the page's layout")
	}
	if got := mvText(frag.Find("#move-timeline")); !strings.Contains(got, "Expected arrival time") || !strings.Contains(got, "09:30 on Friday 4 December 2026") {
		t.Errorf("timeline %q", got)
	}
	if oob, _ := frag.Find("#move-timeline").Attr("hx-swap-oob"); oob != "true" {
		t.Errorf("timeline hx-swap-oob %q", oob)
	}
	next, _ := frag.Find("#move-live").Attr("hx-get")
	if next == poll || police.get(next, "HX-Request", "true").StatusCode != http.StatusNoContent {
		t.Errorf("the refreshed region polls %q", next)
	}
	// The page itself answers htmx with the fragment too, and varies on it.
	res = police.get("/move/"+m.ID, "HX-Request", "true")
	if !mvVaries(res) || mvDoc(t, res).Find("#move-live").Length() != 1 {
		t.Error("GET /move/:id to htmx is not the fragment")
	}
	// Without htmx the timeline is a page.
	doc = police.page("/move/"+m.ID+"/timeline", http.StatusOK)
	if !strings.Contains(mvText(doc.Find("h1")), "Timeline for") || doc.Find(".moj-timeline__item").Length() < 3 {
		t.Errorf("timeline page %q", mvText(doc.Find("main")))
	}
}

// Cancelling on the day the move is due warns that the supplier must be
// told.
func TestMoveCancelSameDayWarning(t *testing.T) {
	a := newMvApp(t)
	police := a.signIn(t, "police", "SRY016")
	m := a.fixture(mvCourt, moves.StatusBooked)
	doc := police.page("/move/"+m.ID+"/cancel", http.StatusOK)
	if doc.Find(".govuk-warning-text").Length() != 0 {
		t.Error("a move tomorrow warns about today")
	}
	if _, _, err := a.st.AppendEvent(context.Background(), moves.Event{Type: moves.EventMoveDateChanged, MoveID: m.ID, OccurredAt: mvNow,
		RecordedAt: mvNow, CreatedBy: "pmu", Details: map[string]any{"date": mvDay(0)}}, store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	doc = police.page("/move/"+m.ID+"/cancel", http.StatusOK)
	if got := mvText(doc.Find(".govuk-warning-text")); !strings.Contains(got, "due today") || !strings.Contains(got, "Serco") {
		t.Errorf("warning %q", got)
	}
	// Only the reasons for its type are offered.
	if doc.Find(`input[name="cancellation_reason"][value="tornado_event"]`).Length() != 0 ||
		doc.Find(`input[name="cancellation_reason"][value="court_closure"]`).Length() != 1 {
		t.Error("cancellation reasons are not the court appearance's")
	}
}

// Redirecting offers only places the move may go, and may change its
// type.
func TestMoveRedirectOptions(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvCourt, moves.StatusRequested)
	doc := pmu.page("/move/"+m.ID+"/redirect", http.StatusOK)
	opts := doc.Find("#to_location option")
	if opts.FilterFunction(func(_ int, s *goquery.Selection) bool { return s.AttrOr("value", "") == a.locs["SRY016"] }).Length() != 0 {
		t.Error("the starting location is offered")
	}
	if opts.FilterFunction(func(_ int, s *goquery.Selection) bool { return s.AttrOr("value", "") == a.locs["STC1"] }).Length() != 0 {
		t.Error("a disabled location is offered")
	}
	if got, _ := doc.Find(`input[name="move_type"][checked]`).Attr("value"); got != "court_appearance" {
		t.Errorf("move type checked %q", got)
	}
	form := url.Values{"_csrf": {pmu.csrf("/")}, "version": {fmt.Sprint(m.Version)}, "to_location": {a.locs["RSURCH"]},
		"move_type": {"hospital"}, "reason": {"other"}}
	if res := pmu.post("/move/"+m.ID+"/redirect", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("redirect with a type change = %d", res.StatusCode)
	}
	got := a.move(m.ID)
	if got.ToID != a.locs["RSURCH"] || got.MoveType != moves.Hospital {
		t.Errorf("after redirect: to %s as %s", got.ToID, got.MoveType)
	}
	last := mvLastArrived(a.events(m.ID))
	if last.Str("move_type") != "hospital" || last.Str("reason") != "other" || last.Rels["to_location"] != a.locs["RSURCH"] {
		t.Errorf("recorded %+v %+v", last.Details, last.Rels)
	}
}

// An action whose event is stored but cannot apply at its place in the log
// is told as it is. Here a supplier's clock put the approval an hour ahead,
// so a date change made now lands before it, on a proposed move.
func TestMoveNotAppliedIsTold(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvTransfer, moves.StatusProposed)
	ahead := mvNow.Add(time.Hour)
	if _, _, err := a.st.AppendEvent(context.Background(), moves.Event{Type: moves.EventMoveApprove, MoveID: m.ID, OccurredAt: ahead,
		RecordedAt: ahead, CreatedBy: "pmu", Details: map[string]any{"date": mvDay(4)}}, store.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
	m = a.move(m.ID)
	form := a.validForm(moves.ActionChangeDate, m)
	form.Set("_csrf", pmu.csrf("/"))
	if res := pmu.post("/move/"+m.ID+"/date", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST = %d", res.StatusCode)
	}
	last := mvLastArrived(a.events(m.ID))
	if last.Type != moves.EventMoveDateChanged || last.Applied {
		t.Fatalf("last event %s applied %v", last.Type, last.Applied)
	}
	doc := pmu.page("/move/"+m.ID, http.StatusOK)
	if doc.Find(".govuk-notification-banner--success").Length() != 0 {
		t.Error("a change that did not apply is reported as a success")
	}
	banner := mvText(doc.Find(".govuk-notification-banner"))
	if !strings.Contains(banner, "recorded but not applied") || !strings.Contains(banner, last.Reason) {
		t.Errorf("banner %q, want the reason %q", banner, last.Reason)
	}
	if got := a.move(m.ID); got.Date != mvDay(4) {
		t.Errorf("date %s, want the approved %s", got.Date, mvDay(4))
	}
}

// TestPoliceActFromTheSuiteTheyWorkAt: the demo officer holds Guildford
// and Staines. Working at Staines they still open Guildford's move, but
// neither are offered nor may take its actions until they choose
// Guildford.
func TestPoliceActFromTheSuiteTheyWorkAt(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusRequested) // from SRY016, Guildford
	police := a.signIn(t, "police", "SRY014")
	doc := police.page("/move/"+m.ID, http.StatusOK)
	if doc.Find(`a[href="/move/`+m.ID+`/cancel"]`).Length() != 0 {
		t.Errorf("working at Staines, the officer is offered to cancel Guildford's move")
	}
	form := url.Values{"version": {fmt.Sprint(m.Version)}, "cancellation_reason": {moves.CancellationReasonsFor(m.MoveType)[0]}}
	form.Set("_csrf", police.csrf("/"))
	if res := police.post("/move/"+m.ID+"/cancel", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("working at Staines, cancelling Guildford's move: %d, want 403", res.StatusCode)
	}
	if got := a.move(m.ID).Status; got != moves.StatusRequested {
		t.Fatalf("the move is %s", got)
	}
	guildford := a.signIn(t, "police", "SRY016")
	form.Set("_csrf", guildford.csrf("/"))
	if res := guildford.post("/move/"+m.ID+"/cancel", form); res.StatusCode != http.StatusSeeOther {
		t.Errorf("working at Guildford, cancelling its move: %d, want 303", res.StatusCode)
	}
}
