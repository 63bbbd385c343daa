package handlers_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// roadBrowser is a signed-in browser on an Env, without JavaScript.
type roadBrowser struct {
	t *testing.T
	e *handlertest.Env
	c *http.Client
}

func roadSignIn(t *testing.T, e *handlertest.Env, user, loc string) *roadBrowser {
	t.Helper()
	return &roadBrowser{t: t, e: e, c: e.App.SignIn(t, user, loc)}
}

// get answers with the status and the page (nil when it is not HTML).
func (b *roadBrowser) get(path string, headers ...string) (int, *goquery.Document, []byte) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.App.Server.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
	return res.StatusCode, doc, body
}

func (b *roadBrowser) page(path string, want int) *goquery.Document {
	b.t.Helper()
	code, doc, body := b.get(path)
	if code != want {
		b.t.Fatalf("GET %s: %d, want %d\n%.1500s", path, code, want, body)
	}
	return doc
}

// post sends a form with the CSRF token of the page at tokenFrom, and
// the page form's submission token when it has one and form does not.
func (b *roadBrowser) post(path, tokenFrom string, form url.Values) (*http.Response, *goquery.Document) {
	b.t.Helper()
	page := b.page(tokenFrom, http.StatusOK)
	form.Set("_csrf", page.Find(`form input[name="_csrf"]`).Last().AttrOr("value", ""))
	if tok, ok := page.Find(`form input[name="submission"]`).Attr("value"); ok && !form.Has("submission") {
		form.Set("submission", tok)
	}
	res, err := b.c.PostForm(b.e.App.Server.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	return res, doc
}

func roadLodge(e *handlertest.Env, m moves.Move, code string) {
	e.T.Helper()
	at := e.Clock.Now().UTC()
	if _, _, err := e.St.AppendEvent(e.Ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveLodgingStart, OccurredAt: at, RecordedAt: at,
		CreatedBy: "setup", Details: map[string]any{"reason": "lockout"}, Rels: map[string]string{"location": e.Loc(code)}},
		store.AppendOptions{By: "setup"}); err != nil {
		e.T.Fatal(err)
	}
}

func TestCustodyEventsWhoMay(t *testing.T) {
	e := handlertest.NewEnv(t)
	leeds := e.Move("LEI", "LEEDCC", moves.CourtAppearance, "2026-11-23")
	own := e.CourtMove()
	police := roadSignIn(t, e, "police", "SRY016")
	// Before any lodge: Leeds' move is not Guildford's to see, and its
	// own move offers no form.
	police.page("/move/"+leeds.ID, http.StatusNotFound)
	police.page("/move/"+leeds.ID+"/custody-events", http.StatusNotFound)
	police.page("/move/"+own.ID+"/custody-events", http.StatusForbidden)
	if doc := police.page("/move/"+own.ID, http.StatusOK); doc.Find(`a[href$="/custody-events"]`).Length() != 0 {
		t.Error("a move without a lodge offers Add events")
	}
	roadLodge(e, leeds, "SRY016")
	doc := police.page("/move/"+leeds.ID, http.StatusOK)
	link := doc.Find(`.govuk-notification-banner a[href="/move/` + leeds.ID + `/custody-events"], a[href="/move/` + leeds.ID + `/custody-events"]`)
	if link.Length() == 0 || handlertest.Text(link.First()) != "Add events" {
		t.Fatalf("the lodged move's page offers no Add events: %q", handlertest.Text(doc.Find("main")))
	}
	doc = police.page("/move/"+leeds.ID+"/custody-events", http.StatusOK)
	if h1 := handlertest.Text(doc.Find("h1")); h1 != "Add overnight lodge events" {
		t.Errorf("heading %q", h1)
	}
	var legends []string
	doc.Find("legend").Each(func(_ int, s *goquery.Selection) { legends = append(legends, handlertest.Text(s)) })
	if strings.Join(legends, ",") != "Risk,Health,Property,Other" {
		t.Errorf("groups %v", legends)
	}
	if doc.Find(`input[type=checkbox][name=events]`).Length() != len(moves.LockoutQuestions()) || doc.Find("#events").Length() != 1 || doc.Find("textarea#violent_details").Length() != 1 {
		t.Error("the form lacks its boxes")
	}
	// Others: PMU sees but may not record; prison, court and Serco's staff
	// do not see the Leeds move at all.
	roadSignIn(t, e, "pmu", "").page("/move/"+leeds.ID+"/custody-events", http.StatusForbidden)
	for _, u := range []string{"prison", "court", "supplier"} {
		roadSignIn(t, e, u, "").page("/move/"+leeds.ID+"/custody-events", http.StatusNotFound)
	}
	// A cancelled move takes no more custody events.
	e.Record(leeds, moves.EventMoveCancel, "2026-11-23T09:30:00Z", map[string]any{"cancellation_reason": "other"})
	police.page("/move/"+leeds.ID+"/custody-events", http.StatusForbidden)
}

// A planned lodge at the officer's custody suite shows one banner region:
// the lodge's details with the officer's "Add events", not a second
// banner about the same night.
func TestCustodyEventsOnTheLodgeBanner(t *testing.T) {
	e := handlertest.NewEnv(t)
	leeds := e.Move("LEI", "LEEDCC", moves.CourtAppearance, "2026-11-23")
	e.LodgeStarted(leeds, "SRY016", "2026-11-23")
	doc := roadSignIn(t, e, "police", "SRY016").page("/move/"+leeds.ID, http.StatusOK)
	var lodgeRegions []string
	doc.Find(`[role="region"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(strings.ToLower(s.AttrOr("aria-label", "")), "lodge") {
			lodgeRegions = append(lodgeRegions, s.AttrOr("aria-label", ""))
		}
	})
	if len(lodgeRegions) != 1 || lodgeRegions[0] != "This move includes an overnight lodge" {
		t.Fatalf("lodge banners %q, want one", lodgeRegions)
	}
	banner := doc.Find(`[aria-label="This move includes an overnight lodge"]`)
	text := handlertest.Text(banner)
	if !strings.Contains(text, "(1 night)") || !strings.Contains(text, "in your custody at") {
		t.Errorf("the banner says %q", text)
	}
	if link := banner.Find(`a[href="/move/` + leeds.ID + `/custody-events"]`); handlertest.Text(link) != "Add events" {
		t.Error("the lodge banner offers no Add events")
	}
	// PMU sees the lodge, without the officer's line or link.
	pmu := roadSignIn(t, e, "pmu", "").page("/move/"+leeds.ID, http.StatusOK).Find(`[aria-label="This move includes an overnight lodge"]`)
	if pmu.Length() != 1 || pmu.Find(`a[href$="/custody-events"]`).Length() != 0 || strings.Contains(handlertest.Text(pmu), "your custody") {
		t.Errorf("PMU's lodge banner: %q", handlertest.Text(pmu))
	}
}

func TestCustodyEventsRecorded(t *testing.T) {
	e := handlertest.NewEnv(t)
	m := e.CourtMove()
	e.Record(m, moves.EventMoveAccept, "2026-11-23T08:00:00Z", nil)
	lockAt := time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)
	if _, _, err := e.St.AppendEvent(e.Ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveLockout, OccurredAt: lockAt, RecordedAt: lockAt, CreatedBy: "setup",
		Details: map[string]any{"reason": "no_space", "authorised_by": "PMU"}, Rels: map[string]string{"from_location": e.Loc("GUILCC")}},
		store.AppendOptions{By: "setup"}); err != nil {
		t.Fatal(err)
	}
	roadLodge(e, m, "SRY016")
	police := roadSignIn(t, e, "police", "SRY016")
	path := "/move/" + m.ID + "/custody-events"
	doc := police.page("/move/"+m.ID, http.StatusOK)
	if doc.Find(`a[href="`+path+`"]`).Length() != 1 {
		t.Fatal("the lockout banner offers no Add events")
	}
	if h1 := handlertest.Text(police.page(path, http.StatusOK).Find("h1")); h1 != "Add lockout events" {
		t.Errorf("heading %q", h1)
	}
	before, err := e.St.Events(e.Ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing ticked; a ticked item without its details; details too long.
	for _, tc := range []struct {
		form url.Values
		want []string
	}{
		{url.Values{}, []string{"events: Select any events that happened during police custody"}},
		{url.Values{"events": {"violent", "medication"}, "medication_details": {"Paracetamol 500mg at 22:00"}},
			[]string{"violent_details: Enter details of any violence that has taken place"}},
		{url.Values{"events": {"other"}, "other_details": {strings.Repeat("x", 1001)}}, []string{"other_details: 1000 characters or fewer"}},
	} {
		res, doc := police.post(path, path, tc.form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d, want 422", tc.form, res.StatusCode)
		}
		handlertest.CheckSummary(t, doc, tc.want...)
		if v, _ := doc.Find("#medication_details").Attr("name"); tc.form.Has("medication_details") && handlertest.Text(doc.Find("#medication_details")) != "Paracetamol 500mg at 22:00" {
			t.Errorf("the details typed were not kept (%s)", v)
		}
	}
	if after, _ := e.St.Events(e.Ctx, m.ID); len(after) != len(before) {
		t.Fatalf("a refused form recorded %d events", len(after)-len(before))
	}
	// Sent twice from one showing of the form (a double click), the
	// events are recorded once.
	tok := police.page(path, http.StatusOK).Find(`input[name="submission"]`).AttrOr("value", "")
	// A token in a link's query is not taken up by the form.
	if got := police.page(path+"?submission=abcdefghijklmnop", http.StatusOK).Find(`input[name="submission"]`).AttrOr("value", ""); got == "abcdefghijklmnop" || got == "" {
		t.Fatalf("the form's token from a link: %q", got)
	}
	for range 2 {
		res, _ := police.post(path, path, url.Values{"events": {"violent", "medication"}, "submission": {tok},
			"violent_details": {"Punched a cell door"}, "medication_details": {"Paracetamol 500mg at 22:00"}, "weapons_details": {"not ticked"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/move/"+m.ID {
			t.Fatalf("saving: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
	}
	after, err := e.St.Events(e.Ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	added := after[len(before):]
	if len(added) != 2 || added[0].Type != moves.EventPerViolentDangerous || added[1].Type != moves.EventPerMedicalMedication {
		t.Fatalf("recorded %+v", added)
	}
	for _, ev := range added {
		if ev.CreatedBy != "police" || ev.Rels["location"] != e.Loc("SRY016") || !ev.Applied || ev.Notes == "" {
			t.Errorf("event %s: by %q at %q, applied %v, notes %q", ev.Type, ev.CreatedBy, ev.Rels["location"], ev.Applied, ev.Notes)
		}
	}
	doc = police.page("/move/"+m.ID, http.StatusOK)
	if !strings.Contains(handlertest.Text(doc.Find(".govuk-notification-banner")), "Lockout events added") {
		t.Errorf("no success banner: %q", handlertest.Text(doc.Find(".govuk-notification-banner")))
	}
	item := doc.Find("#event-" + added[0].ID)
	if item.Length() != 1 || !strings.Contains(handlertest.Text(item), "Violence") || !strings.Contains(handlertest.Text(item), "Incident") ||
		!strings.Contains(handlertest.Text(item), "Punched a cell door") {
		t.Errorf("timeline item: %q", handlertest.Text(item))
	}
	// The list card tags the important events, each linking to it.
	doc = police.page("/moves/outgoing/2026-11-23", http.StatusOK)
	card := doc.Find("#move-" + m.ID)
	var tags []string
	card.Find("a.app-move-card__event").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		tags = append(tags, handlertest.Text(a)+" "+href)
	})
	want := []string{"Violence /move/" + m.ID + "/timeline#event-" + added[0].ID, "Medication given /move/" + m.ID + "/timeline#event-" + added[1].ID}
	if strings.Join(tags, "|") != strings.Join(want, "|") {
		t.Errorf("card tags %v, want %v", tags, want)
	}
}

func TestWeekView(t *testing.T) {
	e := handlertest.NewEnv(t) // Monday 23 November 2026
	wed := e.Move("SRY016", "GUILMC", moves.CourtAppearance, "2026-11-25")
	sun := e.Move("SRY016", "GUILCC", moves.CourtAppearance, "2026-11-29")
	later := e.Move("SRY016", "GUILCC", moves.CourtAppearance, "2026-11-30")
	police := roadSignIn(t, e, "police", "SRY016")
	if code, _, _ := police.get("/moves/outgoing/week/2026-11-26?status=active"); code != http.StatusFound {
		t.Errorf("a Thursday: %d, want a redirect to its Monday", code)
	}
	res, err := police.c.Get(e.App.Server.URL + "/moves/outgoing/week/2026-11-26?status=active")
	if err != nil || res.Header.Get("Location") != "/moves/outgoing/week/2026-11-23?status=active" {
		t.Fatalf("redirect to %q (%v)", res.Header.Get("Location"), err)
	}
	res.Body.Close()
	doc := police.page("/moves/outgoing/week/2026-11-23", http.StatusOK)
	if got := handlertest.Text(doc.Find("h1 .app-list-heading__date")); got != "23 to 29 November 2026 (this week)" {
		t.Errorf("week %q", got)
	}
	for id, want := range map[string]string{"day-previous": "/moves/outgoing/week/2026-11-16?status=active", "day-today": "/moves/outgoing/week/2026-11-23?status=active",
		"day-next": "/moves/outgoing/week/2026-11-30?status=active", "period-switch": "/moves/outgoing/2026-11-23?status=active"} {
		if href, _ := doc.Find("#" + id).Attr("href"); href != want {
			t.Errorf("#%s links to %q, want %q", id, href, want)
		}
	}
	groups := map[string][]string{}
	var order []string
	doc.Find("section.app-move-group").Each(func(_ int, s *goquery.Selection) {
		title := strings.TrimSpace(s.Find("h2").Contents().First().Text())
		if title == "Vehicle "+store.DemoVehicle {
			return // the demo's own van, on the road today: not the test's
		}
		order = append(order, title)
		s.Find("[data-testid=move-card]").Each(func(_ int, c *goquery.Selection) {
			id, _ := c.Attr("id")
			groups[title] = append(groups[title], id)
		})
	})
	if len(order) == 0 || order[0] != "Monday 23 November 2026" {
		t.Errorf("days %v: Monday first", order)
	}
	if !contains(groups["Wednesday 25 November 2026"], "move-"+wed.ID) || !contains(groups["Sunday 29 November 2026"], "move-"+sun.ID) {
		t.Errorf("the week's moves are not under their days: %v", groups)
	}
	for _, ids := range groups {
		if contains(ids, "move-"+later.ID) {
			t.Error("next Monday's move is in this week")
		}
	}
	// The filter counts the week; the CSV has the week's moves.
	count := func(doc *goquery.Document) int {
		n, _ := strconv.Atoi(strings.Fields(handlertest.Text(doc.Find("#filter-active .app-filter__count")))[0])
		return n
	}
	day := police.page("/moves/outgoing/2026-11-23", http.StatusOK)
	if week := count(doc); week < count(day)+2 {
		t.Errorf("the week counts %d active moves, the day %d: the week's two more are missing", week, count(day))
	}
	code, _, body := police.get("/moves/outgoing/week/2026-11-23/download.csv?status=active")
	if code != http.StatusOK || !strings.Contains(string(body), wed.Reference) || !strings.Contains(string(body), sun.Reference) || strings.Contains(string(body), later.Reference) {
		t.Errorf("week CSV %d:\n%s", code, body)
	}
	// Jump to a date: its week.
	res, err = police.c.Get(e.App.Server.URL + "/moves/outgoing/week/2026-11-23?status=active&jump=" + url.QueryEscape("1 December 2026"))
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/moves/outgoing/week/2026-11-30?status=active" {
		t.Errorf("jump: %v %d %q", err, res.StatusCode, res.Header.Get("Location"))
	}
	res.Body.Close()
	next := police.page("/moves/outgoing/week/2026-11-30", http.StatusOK)
	if next.Find("#move-"+later.ID).Length() != 1 || !strings.HasSuffix(handlertest.Text(next.Find("h1 .app-list-heading__date")), "(next week)") {
		t.Errorf("next week: %q", handlertest.Text(next.Find("h1")))
	}
	police.page("/moves/incoming/week/2026-11-23", http.StatusOK)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// roadVehicleGroups reads a list grouped by vehicle: title → the card ids
// and the group's text.
func roadVehicleGroups(doc *goquery.Document) (order []string, cards map[string][]string, text map[string]string) {
	cards, text = map[string][]string{}, map[string]string{}
	doc.Find("section.app-move-group").Each(func(_ int, s *goquery.Selection) {
		title := strings.TrimSpace(s.Find("h2").Contents().First().Text())
		if title == "Vehicle "+store.DemoVehicle {
			return // the demo's own van, on the road today: not the test's
		}
		order = append(order, title)
		var parts []string
		s.Find(".app-move-group__meta").Find("dt, dd").Each(func(_ int, x *goquery.Selection) { parts = append(parts, handlertest.Text(x)) })
		text[title] = strings.Join(parts, " ")
		s.Find("[data-testid=move-card]").Each(func(_ int, c *goquery.Selection) {
			id, _ := c.Attr("id")
			cards[title] = append(cards[title], strings.TrimPrefix(id, "move-"))
		})
	})
	return
}

func TestGroupByVehicle(t *testing.T) {
	e := handlertest.NewEnv(t)
	a := e.CourtMove()
	b := e.CourtMove()
	c := e.CourtMove()
	police := roadSignIn(t, e, "police", "SRY016")
	path := "/moves/outgoing/2026-11-23?status=active&group=vehicle"
	doc := police.page(path, http.StatusOK)
	order, cards, _ := roadVehicleGroups(doc)
	if len(order) != 1 || order[0] != "Awaiting vehicle" || !contains(cards["Awaiting vehicle"], a.ID) {
		t.Fatalf("before any journey: %v", order)
	}
	if href, _ := doc.Find("#group-switch").Attr("href"); href != "/moves/outgoing/2026-11-23?status=active" {
		t.Errorf("switch back to locations: %q", href)
	}
	if href, _ := doc.Find("#filter-booked").Attr("href"); href != "/moves/outgoing/2026-11-23?status=booked&group=vehicle" {
		t.Errorf("the filters forget the grouping: %q", href)
	}
	poll, _ := doc.Find("#moves-results").Attr("hx-get")
	// Two vehicles: a and b in one, expected at 10:30 and 10:00 (the
	// group takes the earlier), c in another expected at 09:45. A
	// cancelled later journey of c does not count.
	at := func(s string) time.Time { ts, _ := time.Parse(time.RFC3339, s); return ts }
	e.Journey(a, moves.Journey{Timestamp: at("2026-11-23T07:00:00Z"), JourneyState: moves.JourneyState{Status: moves.JourneyProposed, Vehicle: moves.Vehicle{Registration: "AB12 CDE"}}})
	e.Journey(b, moves.Journey{Timestamp: at("2026-11-23T07:00:00Z"), JourneyState: moves.JourneyState{Status: moves.JourneyProposed, Vehicle: moves.Vehicle{Registration: "AB12 CDE"}}})
	e.Journey(c, moves.Journey{Timestamp: at("2026-11-23T07:30:00Z"), JourneyState: moves.JourneyState{Status: moves.JourneyCancelled, Vehicle: moves.Vehicle{Registration: "OLD 1"}}})
	e.Journey(c, moves.Journey{Timestamp: at("2026-11-23T07:00:00Z"), JourneyState: moves.JourneyState{Status: moves.JourneyProposed, Vehicle: moves.Vehicle{Registration: "XY34 ZZZ"}}})
	e.Record(a, moves.EventMoveNotifyPremisesOfExpectedCollectionTime, "2026-11-23T08:00:00Z", map[string]any{"expected_at": "2026-11-23T10:30:00Z"})
	e.Record(b, moves.EventMoveNotifyPremisesOfExpectedCollectionTime, "2026-11-23T08:00:00Z", map[string]any{"expected_at": "2026-11-23T10:00:00Z"})
	e.Record(c, moves.EventMoveNotifyPremisesOfExpectedCollectionTime, "2026-11-23T08:00:00Z", map[string]any{"expected_at": "2026-11-23T09:45:00Z"})
	// The live refresh sees the change, though the moves' versions moved
	// only with the events: the list's token covers the vehicles too.
	if code, _, _ := police.get(poll, "HX-Request", "true"); code != http.StatusOK {
		t.Errorf("the poll after journeys were added: %d, want 200 with the new list", code)
	}
	doc = police.page(path, http.StatusOK)
	order, cards, text := roadVehicleGroups(doc)
	if len(order) < 3 || order[0] != "Awaiting vehicle" || order[1] != "Vehicle XY34 ZZZ" || order[2] != "Vehicle AB12 CDE" {
		t.Fatalf("groups %v: awaiting first, then by expected time", order)
	}
	if !contains(cards["Vehicle AB12 CDE"], a.ID) || !contains(cards["Vehicle AB12 CDE"], b.ID) || !contains(cards["Vehicle XY34 ZZZ"], c.ID) {
		t.Errorf("cards %v", cards)
	}
	if got := text["Vehicle AB12 CDE"]; got != "Expected collection 10:00 People 2" {
		t.Errorf("AB12 CDE says %q", got)
	}
	// Both of AB12 CDE's moves start: it has left custody; then arrived.
	for _, m := range []moves.Move{a, b} {
		e.Record(m, moves.EventMoveAccept, "2026-11-23T08:10:00Z", nil)
		e.Record(m, moves.EventMoveStart, "2026-11-23T10:05:00Z", nil)
	}
	_, _, text = roadVehicleGroups(police.page(path, http.StatusOK))
	if !strings.HasSuffix(text["Vehicle AB12 CDE"], "Vehicle status Left custody") || strings.Contains(text["Vehicle XY34 ZZZ"], "Vehicle status") {
		t.Errorf("after the start: %q / %q", text["Vehicle AB12 CDE"], text["Vehicle XY34 ZZZ"])
	}
	for _, m := range []moves.Move{a, b} {
		e.Record(m, moves.EventMoveComplete, "2026-11-23T11:00:00Z", nil)
	}
	_, _, text = roadVehicleGroups(police.page(path, http.StatusOK))
	if !strings.HasSuffix(text["Vehicle AB12 CDE"], "Vehicle status Arrived") {
		t.Errorf("after the arrival: %q", text["Vehicle AB12 CDE"])
	}
	// Incoming at the court: the expected arrival.
	e.Record(c, moves.EventMoveNotifyPremisesOfEta, "2026-11-23T08:05:00Z", map[string]any{"expected_at": "2026-11-23T11:15:00Z"})
	_, _, text = roadVehicleGroups(roadSignIn(t, e, "court", "").page("/moves/incoming/2026-11-23?status=active&group=vehicle", http.StatusOK))
	if got := text["Vehicle XY34 ZZZ"]; got != "Expected arrival 11:15 People 1" {
		t.Errorf("incoming XY34 ZZZ says %q", got)
	}
}

func TestBilling(t *testing.T) {
	e := handlertest.NewEnv(t)
	m := e.CourtMove()
	serco := e.Sups["serco"]
	e.Journey(m, moves.Journey{SupplierID: serco.ID, Timestamp: e.Clock.Now(), JourneyState: moves.JourneyState{Date: "2026-11-23",
		Status: moves.JourneyCompleted, Billable: true, Vehicle: moves.Vehicle{Registration: "AB12 CDE"}}})
	e.Journey(m, moves.Journey{SupplierID: serco.ID, Timestamp: e.Clock.Now().Add(time.Hour), FromID: e.Loc("GUILCC"), ToID: e.Loc("SRY014"),
		JourneyState: moves.JourneyState{Date: "2026-11-23", Status: moves.JourneyCancelled}})
	pmu := roadSignIn(t, e, "pmu", "")
	doc := pmu.page("/billing", http.StatusOK)
	if doc.Find(`nav a[href="/billing"]`).Length() == 0 {
		t.Error("no Billing in PMU's navigation")
	}
	if v, _ := doc.Find("#month option[selected]").Attr("value"); v != "2026-10" {
		t.Errorf("default month %q, want last month", v)
	}
	if doc.Find(`input[name=supplier][value=serco]`).Length() != 1 || doc.Find(`input[name=supplier][value=geoamey]`).Length() != 1 {
		t.Error("suppliers not offered")
	}
	code, doc, _ := pmu.get("/billing?supplier=&month=")
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("unanswered: %d", code)
	}
	handlertest.CheckSummary(t, doc, "supplier: Select the supplier", "month: Select the month")
	code, doc, _ = pmu.get("/billing?supplier=serco&month=2027-01")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a future month: %d", code)
	}
	doc = pmu.page("/billing?supplier=serco&month=2026-11", http.StatusOK)
	// Only m's journeys: the demo has its own on the road today.
	rows := doc.Find("table.app-billing__table tbody tr").FilterFunction(func(_ int, r *goquery.Selection) bool {
		return handlertest.Text(r.Find("td, th").First()) == m.Reference
	})
	var first []string
	rows.First().Find("td, th").Each(func(_ int, x *goquery.Selection) { first = append(first, handlertest.Text(x)) })
	if rows.Length() != 2 || strings.Join(first, "|") != m.Reference+"|1|Guildford Police Station|Guildford Crown Court|23 Nov 2026|AB12 CDE|Completed|Yes" {
		t.Errorf("table: %d rows, first %q", rows.Length(), first)
	}
	href, _ := doc.Find("#billing-csv").Attr("href")
	if href != "/billing/journeys.csv?supplier=serco&month=2026-11" {
		t.Fatalf("CSV link %q", href)
	}
	code, _, body := pmu.get(href)
	if code != http.StatusOK {
		t.Fatalf("CSV: %d", code)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Move reference", "Journey number", "From", "To", "Date", "Vehicle", "State", "Billable"},
		{m.Reference, "1", "Guildford Police Station", "Guildford Crown Court", "2026-11-23", "AB12 CDE", "Completed", "Yes"},
		{m.Reference, "2", "Guildford Crown Court", "Staines Police Station", "2026-11-23", "", "Cancelled", "No"},
	}
	mine := recs[:min(1, len(recs))]
	for _, r := range recs[min(1, len(recs)):] {
		if r[0] == m.Reference {
			mine = append(mine, r)
		}
	}
	recs = mine
	if len(recs) != len(want) {
		t.Fatalf("CSV rows %v", recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("CSV row %d: %v, want %v", i, recs[i], want[i])
		}
	}
	// GEOAmey had none; the CSV of an unanswered question sends back.
	if doc := pmu.page("/billing?supplier=geoamey&month=2026-11", http.StatusOK); doc.Find("table.app-billing__table").Length() != 0 ||
		!strings.Contains(handlertest.Text(doc.Find("#billing-result").Parent()), "0 journeys") {
		t.Errorf("GEOAmey: %q", handlertest.Text(doc.Find(".app-billing")))
	}
	if res, err := pmu.c.Get(e.App.Server.URL + "/billing/journeys.csv?supplier=serco"); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Errorf("CSV without a month: %v %d", err, res.StatusCode)
	}
	roadSignIn(t, e, "admin", "").page("/billing?supplier=serco&month=2026-11", http.StatusOK)
	for _, u := range []string{"police", "prison", "court", "supplier", "oca"} {
		loc := ""
		if u == "police" {
			loc = "SRY016"
		}
		b := roadSignIn(t, e, u, loc)
		b.page("/billing", http.StatusForbidden)
		if code, _, _ := b.get("/billing/journeys.csv?supplier=serco&month=2026-11"); code != http.StatusForbidden {
			t.Errorf("%s downloads billing: %d", u, code)
		}
		if doc := b.page("/", http.StatusOK); doc.Find(`a[href="/billing"]`).Length() != 0 {
			t.Errorf("%s is offered Billing", u)
		}
	}
}
