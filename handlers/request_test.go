package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

func reqForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// requestCourtJourney takes the custody officer at Guildford through to
// check your answers for a court appearance, and returns the journey's
// base path.
func requestCourtJourney(t *testing.T, c *reqClient, person moves.Person) string {
	t.Helper()
	step := c.start()
	base := reqJourneyBase(step)
	doc := c.page(step, http.StatusOK)
	if h := reqText(doc.Find("h1")); !strings.Contains(h, "Who is being moved?") {
		t.Fatalf("first step h1 %q", h)
	}
	if hint := reqText(doc.Find("#number-hint")); !strings.Contains(hint, "2008/0123456M") || !moves.ValidPNC("2008/0123456M") {
		t.Errorf("PNC hint %q: want a valid example", hint)
	}
	if doc.Find(`form input[name="_csrf"]`).Length() == 0 {
		t.Error("the form has no CSRF token")
	}
	if !strings.Contains(reqText(doc.Find("main")), "Move from: Guildford Police Station") {
		t.Errorf("the first step does not say where the move is from")
	}
	if got := c.next(step, reqForm("number", strings.ToLower(person.PNC))); got != base+"/results" {
		t.Fatalf("search leads to %q", got)
	}
	doc = c.page(base+"/results", http.StatusOK)
	if h := reqText(doc.Find("h1")); !strings.Contains(h, "1 person found") {
		t.Errorf("results h1 %q", h)
	}
	radio := doc.Find(`input[name="person"][value="` + person.ID + `"]`)
	if _, checked := radio.Attr("checked"); !checked {
		t.Errorf("the one person found is not preselected")
	}
	if label := reqText(doc.Find(`label[for="person"]`)); label != person.FullName() {
		t.Errorf("first person label %q, want %q", label, person.FullName())
	}
	if got := c.next(base+"/results", reqForm("person", person.ID)); got != base+"/move-type" {
		t.Fatalf("choosing the person leads to %q", got)
	}
	doc = c.page(base+"/move-type", http.StatusOK)
	if !strings.Contains(reqText(doc.Find("main")), "Move from: Guildford Police Station") {
		t.Errorf("move type page does not say where the move is from")
	}
	var offered []string
	doc.Find(`input[name="move_type"]`).Each(func(_ int, s *goquery.Selection) { offered = append(offered, s.AttrOr("value", "")) })
	if strings.Join(offered, ",") != "court_appearance,hospital,prison_recall,police_transfer,video_remand" {
		t.Errorf("police offered %v", offered)
	}
	if got := c.next(base+"/move-type", reqForm("move_type", "court_appearance")); got != base+"/destination" {
		t.Fatalf("move type leads to %q", got)
	}
	doc = c.page(base+"/destination", http.StatusOK)
	if h := reqText(doc.Find("h1")); !strings.Contains(h, "Which court are they going to?") {
		t.Errorf("destination h1 %q", h)
	}
	courts := doc.Find(`datalist#to-list option`)
	if courts.Length() == 0 || doc.Find(`#to[list="to-list"]`).Length() != 1 {
		t.Fatalf("no searchable list of courts")
	}
	courts.Each(func(_ int, o *goquery.Selection) {
		if !strings.Contains(o.AttrOr("value", ""), "Court") {
			t.Errorf("court list offers %q", o.AttrOr("value", ""))
		}
	})
	if got := c.next(base+"/destination", reqForm("to", "guildford crown court", "time_due", "10am", "notes", "Bring the case papers")); got != base+"/date" {
		t.Fatalf("destination leads to %q", got)
	}
	doc = c.page(base+"/date", http.StatusOK)
	if l := reqText(doc.Find(`label[for="date_type-2"]`)); l != "Tomorrow (Friday 4 December 2026)" {
		t.Errorf("tomorrow's label %q", l)
	}
	if got := c.next(base+"/date", reqForm("date_type", "tomorrow")); got != base+"/section-46" {
		t.Fatalf("date leads to %q", got)
	}
	if got := c.next(base+"/section-46", reqForm("s46", "no")); got != base+"/court" {
		t.Fatalf("section 46 leads to %q", got)
	}
	if got := c.next(base+"/court", reqForm("court", "interpreter", "court_interpreter_details", "Polish", "court_solicitor_details", "not ticked")); got != base+"/risk" {
		t.Fatalf("court leads to %q", got)
	}
	if got := c.next(base+"/risk", url.Values{"risk": {"violent", "escape"}, "risk_violent_details": {"Assaulted staff"}}); got != base+"/health" {
		t.Fatalf("risk leads to %q", got)
	}
	if got := c.next(base+"/health", reqForm("health", "none")); got != base+"/check" {
		t.Fatalf("health leads to %q", got)
	}
	return base
}

func TestRequestPoliceCourtAppearance(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	person := a.person(t, "Bennett")
	base := requestCourtJourney(t, c, person)

	doc := c.page(base+"/check", http.StatusOK)
	rows := reqSummaryRows(doc)
	for key, want := range map[string]string{
		"Person / Name":                 person.FullName(),
		"Move / From":                   "Guildford Police Station",
		"Move / Type of move":           "Court appearance",
		"Move / To":                     "Guildford Crown Court",
		"Move / Time due":               "10am",
		"Move / Date":                   "Friday 4 December 2026",
		"Move / Additional information": "Bring the case papers",
		"Risk, health and court information / Court information": "Interpreter: Polish",
		"Risk, health and court information / Risks":             "Violent: Assaulted staff | Escape risk",
		"Risk, health and court information / Health":            "None",
	} {
		if rows[key] != want {
			t.Errorf("check your answers %q = %q, want %q", key, rows[key], want)
		}
	}
	if b := reqText(doc.Find("main form button")); b != "Request move" {
		t.Errorf("button %q", b)
	}
	if href := doc.Find(`a[href*="/date?change=1"]`).First().AttrOr("href", ""); !strings.HasPrefix(href, base+"/date?change=1") {
		t.Errorf("no Change link to the date: %q", href)
	}

	conf := c.next(base+"/check", nil)
	id := strings.TrimSuffix(strings.TrimPrefix(conf, "/move/"), "/confirmation")
	ctx := context.Background()
	m, err := a.st.Move(ctx, id)
	if err != nil {
		t.Fatalf("move %q: %v", conf, err)
	}
	if m.Status != moves.StatusRequested || m.MoveType != moves.CourtAppearance || m.FromID != a.location(t, "SRY016").ID ||
		m.ToID != a.location(t, "GUILCC").ID || m.Date != reqTomorrow || m.PersonID != person.ID ||
		m.Notes != "Bring the case papers" || m.CreatedBy != "police" {
		t.Errorf("move %+v", m)
	}
	if want := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC); m.TimeDue == nil || !m.TimeDue.Equal(want) {
		t.Errorf("time due %v, want %v", m.TimeDue, want)
	}
	pr, err := a.st.Profile(ctx, m.ProfileID)
	if err != nil {
		t.Fatal(err)
	}
	wantFlags := []moves.Flag{
		{Category: moves.FlagCourt, Key: "interpreter", Details: "Polish"},
		{Category: moves.FlagRisk, Key: "violent", Details: "Assaulted staff"},
		{Category: moves.FlagRisk, Key: "escape"},
	}
	if len(pr.Flags) != len(wantFlags) {
		t.Fatalf("flags %+v, want %+v", pr.Flags, wantFlags)
	}
	for i := range wantFlags {
		if pr.Flags[i] != wantFlags[i] {
			t.Errorf("flag %d = %+v, want %+v", i, pr.Flags[i], wantFlags[i])
		}
	}
	evs, err := a.st.Events(ctx, m.ID)
	if err != nil || len(evs) != 1 || evs[0].Type != moves.EventMoveRequested || evs[0].CreatedBy != "police" {
		t.Fatalf("events %+v %v", evs, err)
	}

	doc = c.page(conf, http.StatusOK)
	if h := reqText(doc.Find(".govuk-panel__title")); h != "Move requested" {
		t.Errorf("panel %q", h)
	}
	if !strings.Contains(reqText(doc.Find(".govuk-panel__body")), m.Reference) {
		t.Errorf("panel %q lacks the reference %s", reqText(doc.Find(".govuk-panel__body")), m.Reference)
	}
	want := "The move for " + person.FullName() + " to Guildford Crown Court on Friday 4 December 2026 has been requested with Serco."
	if !strings.Contains(reqText(doc.Find("main")), want) {
		t.Errorf("confirmation lacks %q: %s", want, reqText(doc.Find("main")))
	}
	if doc.Find(`a[href="/move/`+m.ID+`"]`).Length() != 1 || doc.Find(`a[href="/move/new"]`).Length() == 0 {
		t.Errorf("confirmation lacks its links")
	}

	// The journey is over: going back to it leads to the confirmation,
	// and sending the form again requests nothing more.
	if res := c.get(base + "/check"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != conf {
		t.Errorf("GET check after submitting: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := c.next(base+"/check", nil); got != conf {
		t.Errorf("POST check again leads to %q", got)
	}
	if n, err := a.st.CountMoves(ctx, store.MoveFilter{PersonID: person.ID, FromIDs: []string{m.FromID}, DateFrom: reqTomorrow, DateTo: reqTomorrow}); n != 1 || err != nil {
		t.Errorf("%d moves for the person tomorrow (%v), want 1", n, err)
	}
}

// requestTo takes a journey from its first step to the date: the person
// found by number, the type of move and the destination.
func requestTo(t *testing.T, c *reqClient, number, personID, moveType string, destination url.Values) string {
	t.Helper()
	base := reqJourneyBase(c.start())
	c.next(base+"/person", reqForm("number", number))
	c.next(base+"/results", reqForm("person", personID))
	c.next(base+"/move-type", reqForm("move_type", moveType))
	c.next(base+"/destination", destination)
	return base
}

func TestRequestPrisonTransferIsProposed(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "prison", "")
	person := a.person(t, "Hughes")
	step := c.start()
	base := reqJourneyBase(step)
	c.next(step, reqForm("number", " "+strings.ToLower(person.PrisonNumber)+" "))
	doc := c.page(base+"/results", http.StatusOK)
	if !strings.Contains(reqText(doc.Find("main")), "prison number "+person.PrisonNumber) {
		t.Errorf("results do not say what was searched for")
	}
	c.next(base+"/results", reqForm("person", person.ID))
	c.next(base+"/move-type", reqForm("move_type", "prison_transfer"))
	doc = c.page(base+"/destination", http.StatusOK)
	if doc.Find(`datalist#to-list option[value="HMP Brixton"]`).Length() != 0 {
		t.Error("the current location is offered as a destination")
	}
	if doc.Find(`datalist#to-list option[value="Rainsbrook Secure Training Centre"]`).Length() != 0 {
		t.Error("a disabled location is offered as a destination")
	}
	if doc.Find(`datalist#to-list option[value="HMP Wandsworth"]`).Length() != 1 {
		t.Error("HMP Wandsworth is not offered")
	}
	if doc.Find("#time_due").Length() != 0 {
		t.Error("a prison transfer is asked for a time due")
	}
	if got := c.next(base+"/destination", reqForm("to", "HMP Wandsworth")); got != base+"/date" {
		t.Fatalf("destination leads to %q", got)
	}
	doc = c.page(base+"/date", http.StatusOK)
	if doc.Find("#date_from").Length() != 1 || doc.Find("#date_to").Length() != 1 || doc.Find(`input[name="date_type"]`).Length() != 0 {
		t.Fatal("a prison transfer is not asked for earliest and latest dates")
	}
	// No court questions for a prison transfer.
	if got := c.next(base+"/date", reqForm("date_from", "10/12/2026", "date_to", "17 December 2026")); got != base+"/reason" {
		t.Fatalf("date leads to %q", got)
	}
	if got := c.next(base+"/reason", reqForm("reason", "resettlement")); got != base+"/risk" {
		t.Fatalf("reason leads to %q", got)
	}
	if res := c.get(base + "/court"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("court step for a prison transfer: %d", res.StatusCode)
	}
	if res := c.get(base + "/date-other"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"/date" {
		t.Errorf("another date for a prison transfer: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	c.next(base+"/risk", reqForm("risk", "none"))
	c.next(base+"/health", url.Values{"health": {"wheelchair"}})
	doc = c.page(base+"/check", http.StatusOK)
	rows := reqSummaryRows(doc)
	if rows["Move / Earliest date of travel"] != "Thursday 10 December 2026" || rows["Move / Latest date of travel"] != "Thursday 17 December 2026" {
		t.Errorf("window rows %q, %q", rows["Move / Earliest date of travel"], rows["Move / Latest date of travel"])
	}
	if _, ok := rows["Risk, health and court information / Court information"]; ok {
		t.Error("court information asked for a prison transfer")
	}
	if b := reqText(doc.Find("main form button")); b != "Send for review" {
		t.Errorf("button %q", b)
	}
	conf := c.next(base+"/check", nil)
	id := strings.TrimSuffix(strings.TrimPrefix(conf, "/move/"), "/confirmation")
	ctx := context.Background()
	m, err := a.st.Move(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != moves.StatusProposed || m.MoveType != moves.PrisonTransfer || m.DateFrom != "2026-12-10" || m.DateTo != "2026-12-17" ||
		m.Date != "" || m.ToID != a.location(t, "WWI").ID || m.FromID != a.location(t, "BXI").ID {
		t.Errorf("move %+v", m)
	}
	evs, _ := a.st.Events(ctx, m.ID)
	if len(evs) != 1 || evs[0].Type != moves.EventMoveProposed || evs[0].CreatedBy != "prison" {
		t.Errorf("events %+v", evs)
	}
	pr, _ := a.st.Profile(ctx, m.ProfileID)
	if len(pr.Flags) != 1 || pr.Flags[0] != (moves.Flag{Category: moves.FlagHealth, Key: "wheelchair"}) {
		t.Errorf("flags %+v", pr.Flags)
	}
	doc = c.page(conf, http.StatusOK)
	if h := reqText(doc.Find(".govuk-panel__title")); h != "Move sent for review" {
		t.Errorf("panel %q", h)
	}
	want := "The move for " + person.FullName() + " to HMP Wandsworth between Thursday 10 December 2026 and Thursday 17 December 2026 has been sent to the Population Management Unit (PMU) for review."
	if !strings.Contains(reqText(doc.Find("main")), want) {
		t.Errorf("confirmation lacks %q: %s", want, reqText(doc.Find("main")))
	}
}

// TestRequestNewPerson adds a person along with the move: nothing is
// stored until the move is requested, and then both are.
func TestRequestNewPerson(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY014")
	base := reqJourneyBase(c.start())
	doc := c.page(base+"/person", http.StatusOK)
	if href := doc.Find(`a[href="` + base + `/person-name"]`); reqText(href) != "Search by last name and date of birth instead" {
		t.Errorf("no way to search by name: %q", reqText(href))
	}
	c.next(base+"/person-name", reqForm("last_name", "Nobody", "dob-day", "1", "dob-month", "2", "dob-year", "1990"))
	doc = c.page(base+"/results", http.StatusOK)
	if h := reqText(doc.Find("h1")); !strings.Contains(h, "No people found") {
		t.Errorf("h1 %q", h)
	}
	if back := doc.Find(".govuk-back-link").AttrOr("href", ""); back != base+"/person-name" {
		t.Errorf("back from the results to %q", back)
	}
	if doc.Find(`a[href="`+base+`/new-person"]`).Length() == 0 {
		t.Fatal("no way to add a new person")
	}
	doc = c.page(base+"/new-person", http.StatusOK)
	if doc.Find("#last_name").AttrOr("value", "") != "Nobody" || doc.Find("#dob-year").AttrOr("value", "") != "1990" {
		t.Error("the new person is not prefilled from the search")
	}
	pnc := "2008/0123456M"
	if got := c.next(base+"/new-person", reqForm("first_names", "Ann", "last_name", "Nobody", "dob-day", "1", "dob-month", "2", "dob-year", "1990",
		"gender", "female", "ethnicity", "White: Irish", "pnc", pnc)); got != base+"/move-type" {
		t.Fatalf("new person leads to %q", got)
	}
	c.next(base+"/move-type", reqForm("move_type", "video_remand"))
	c.next(base+"/destination", reqForm("to", ""))
	if got := c.next(base+"/date", reqForm("date_type", "other")); got != base+"/date-other" {
		t.Fatalf("another date leads to %q", got)
	}
	doc = c.page(base+"/date-other", http.StatusOK)
	if back := doc.Find(".govuk-back-link").AttrOr("href", ""); back != base+"/date" {
		t.Errorf("back from the other date to %q", back)
	}
	if got := c.next(base+"/date-other", reqForm("date_custom", "next Friday")); got != base+"/section-46" {
		t.Fatalf("another date leads to %q", got)
	}
	if got := c.next(base+"/section-46", reqForm("s46", "no")); got != base+"/risk" {
		t.Fatalf("section 46 leads to %q", got)
	}
	c.next(base+"/risk", reqForm("risk", "none"))
	c.next(base+"/health", reqForm("health", "none"))
	ctx := context.Background()
	if ps, _ := a.st.FindPeople(ctx, store.PeopleFilter{PNC: pnc}); len(ps) != 0 {
		t.Fatal("the person was added before the move was requested")
	}
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if rows["Person / Last name"] != "Nobody" || rows["Move / To"] != "Not given" || rows["Move / Date"] != "Friday 4 December 2026" {
		t.Errorf("check your answers %v", rows)
	}
	conf := c.next(base+"/check", nil)
	ps, _ := a.st.FindPeople(ctx, store.PeopleFilter{PNC: pnc})
	if len(ps) != 1 || ps[0].FirstNames != "Ann" || ps[0].Ethnicity != "White: Irish" || ps[0].CreatedBy != "police" {
		t.Fatalf("people %+v", ps)
	}
	m, err := a.st.Move(ctx, strings.TrimSuffix(strings.TrimPrefix(conf, "/move/"), "/confirmation"))
	if err != nil || m.PersonID != ps[0].ID || m.ToID != "" || m.MoveType != moves.VideoRemand || m.Date != reqTomorrow {
		t.Errorf("move %+v %v", m, err)
	}
	if !strings.Contains(reqText(c.page(conf, http.StatusOK).Find("main")), "The move for Ann Nobody on Friday 4 December 2026 has been requested with Serco.") {
		t.Error("confirmation sentence without a destination")
	}
}

// TestRequestChangeReturnsToCheck follows Change links from check your
// answers.
func TestRequestChangeReturnsToCheck(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	base := requestCourtJourney(t, c, a.person(t, "Bennett"))
	doc := c.page(base+"/date?change=1", http.StatusOK)
	if back := doc.Find(".govuk-back-link").AttrOr("href", ""); back != base+"/check" {
		t.Errorf("back link in change mode %q", back)
	}
	if got := c.next(base+"/date?change=1", reqForm("date_type", "other")); got != base+"/date-other?change=1" {
		t.Errorf("another date leads to %q", got)
	}
	if got := c.next(base+"/date-other?change=1", reqForm("date_custom", "22/12/2026")); got != base+"/check" {
		t.Errorf("changing the date leads to %q", got)
	}
	// Changing the destination alone keeps the rest.
	if got := c.next(base+"/destination?change=1", reqForm("to", "Guildford Magistrates' Court", "time_due", "2:30pm")); got != base+"/check" {
		t.Errorf("changing the destination leads to %q", got)
	}
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if rows["Move / To"] != "Guildford Magistrates' Court" || rows["Move / Date"] != "Tuesday 22 December 2026" || rows["Move / Time due"] != "2:30pm" {
		t.Errorf("after changes %v", rows)
	}
	// A police transfer asks for its destination again, and has no court
	// questions.
	if got := c.next(base+"/move-type?change=1", reqForm("move_type", "police_transfer")); got != base+"/destination?change=1" {
		t.Errorf("changing the type of move leads to %q", got)
	}
	if res := c.get(base + "/check"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"/destination" {
		t.Errorf("check your answers without a destination: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := c.next(base+"/destination?change=1", reqForm("to", "Staines")); got != base+"/check" {
		t.Errorf("the new destination leads to %q", got)
	}
	rows = reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if rows["Move / To"] != "Staines Police Station" || rows["Move / Date"] != "Tuesday 22 December 2026" {
		t.Errorf("after changing the type %v", rows)
	}
	if _, ok := rows["Risk, health and court information / Court information"]; ok {
		t.Error("court information kept for a police transfer")
	}
	// Back to a court move: the destination and the court question are
	// asked again, then check your answers.
	c.next(base+"/move-type?change=1", reqForm("move_type", "court_appearance"))
	if got := c.next(base+"/destination?change=1", reqForm("to", "Guildford Crown Court")); got != base+"/court?change=1" {
		t.Errorf("the court destination leads to %q", got)
	}
	if got := c.next(base+"/court?change=1", reqForm("court", "none")); got != base+"/check" {
		t.Errorf("the court question leads to %q", got)
	}
	// Changing the person goes through the search and back.
	c.next(base+"/person-name?change=1", reqForm("last_name", "anderson", "dob-day", "14", "dob-month", "3", "dob-year", "1988"))
	if got := c.next(base+"/results?change=1", reqForm("person", a.person(t, "Anderson").ID)); got != base+"/check" {
		t.Errorf("changing the person leads to %q", got)
	}
	if rows := reqSummaryRows(c.page(base+"/check", http.StatusOK)); rows["Person / Name"] != "James Anderson" {
		t.Errorf("person now %q", rows["Person / Name"])
	}
}

func TestRequestJourneysAreSeparate(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	one, two := c.start(), c.start()
	if one == two {
		t.Fatal("two journeys share an id")
	}
	c.next(one, reqForm("number", a.person(t, "Bennett").PNC))
	c.next(reqJourneyBase(two)+"/person-name", reqForm("last_name", "Anderson", "dob-day", "14", "dob-month", "3", "dob-year", "1988"))
	if !strings.Contains(reqText(c.page(reqJourneyBase(one)+"/results", 200).Find("main")), "PNC number") ||
		!strings.Contains(reqText(c.page(reqJourneyBase(two)+"/results", 200).Find("main")), "last name Anderson") {
		t.Error("the journeys' answers mixed")
	}
	// A step of a journey that does not exist (or has expired) starts again;
	// answers sent to it are not taken.
	if res := c.get("/move/new/aaaaaaaaaaaaaaaa/destination"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/move/new" {
		t.Errorf("unknown journey: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.post("/move/new/aaaaaaaaaaaaaaaa/move-type", reqForm("move_type", "hospital")); res.StatusCode != http.StatusOK ||
		!strings.Contains(reqText(reqDoc(t, res).Find("h1")), "expired") {
		t.Errorf("answers to an unknown journey: %d", res.StatusCode)
	}
	if res := c.get("/move/new/not-a-journey/person"); res.StatusCode != http.StatusNotFound {
		t.Errorf("malformed journey id: %d", res.StatusCode)
	}
	if res := c.get(reqJourneyBase(one) + "/nowhere"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown step: %d", res.StatusCode)
	}
	// Steps cannot be skipped.
	for _, step := range []string{"/check", "/destination", "/risk"} {
		if res := c.get(reqJourneyBase(one) + step); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != reqJourneyBase(one)+"/person" {
			t.Errorf("skipping to %s: %d %q", step, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// Another user signing in on the same browser does not get the
	// journey, though its cookies are still there.
	c.signIn("pmu", "SRY016")
	if res := c.get(reqJourneyBase(one) + "/results"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/move/new" {
		t.Errorf("another user's journey: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestRequestValidation(t *testing.T) {
	a := newReqApp(t)
	ctx := context.Background()
	police := a.signIn(t, "police", "SRY016")
	prison := a.signIn(t, "prison", "")
	bennett := a.person(t, "Bennett")
	hughes := a.person(t, "Hughes")

	// A police journey up to the type of move; one for each destination
	// question; one up to the date.
	pBase := reqJourneyBase(police.start())
	police.next(pBase+"/person", reqForm("number", bennett.PNC))
	police.next(pBase+"/results", reqForm("person", bennett.ID))
	typed := map[string]string{}
	for _, mt := range []string{"court_appearance", "hospital", "prison_recall", "police_transfer", "video_remand"} {
		b := reqJourneyBase(police.start())
		police.next(b+"/person", reqForm("number", bennett.PNC))
		police.next(b+"/results", reqForm("person", bennett.ID))
		police.next(b+"/move-type", reqForm("move_type", mt))
		typed[mt] = b + "/destination"
	}
	dBase := requestTo(t, police, bennett.PNC, bennett.ID, "court_appearance", reqForm("to", "Guildford Crown Court"))
	police.next(dBase+"/date", reqForm("date_type", "other"))
	// A prison transfer up to the date.
	tBase := requestTo(t, prison, hughes.PrisonNumber, hughes.ID, "prison_transfer", reqForm("to", "HMP Wandsworth"))

	if err := a.st.SetLocationDisabled(ctx, a.location(t, "GUILMC").ID, true); err != nil {
		t.Fatal(err)
	}
	stc := a.location(t, "STC1") // disabled in the demo data

	cases := []struct {
		name  string
		c     *reqClient
		path  string
		form  url.Values
		wants []string
	}{
		{"blank number", police, pBase + "/person", reqForm(), []string{"number: Enter a PNC number or a prison number"}},
		{"bad PNC check letter", police, pBase + "/person", reqForm("number", "2008/0123456A"), []string{"number: Enter a PNC number in the correct format, like 2008/0123456M"}},
		{"malformed PNC", police, pBase + "/person", reqForm("number", "12345"), []string{"number: Enter a PNC number in the correct format"}},
		{"bad prison number", police, pBase + "/person", reqForm("number", "A12BC"), []string{"number: Enter a prison number in the correct format, like A1234BC"}},
		{"blank name and date of birth", police, pBase + "/person-name", reqForm(), []string{"last_name: Enter the person's last name", "dob-day: Enter the person's date of birth"}},
		{"bad date of birth", police, pBase + "/person-name", reqForm("last_name", "X", "dob-day", "31", "dob-month", "2", "dob-year", "1990"), []string{"dob-day: must be a real date"}},
		{"date of birth without a month", police, pBase + "/person-name", reqForm("last_name", "X", "dob-day", "3", "dob-year", "1990"), []string{"dob-month: must include a month"}},
		{"short year", police, pBase + "/person-name", reqForm("last_name", "X", "dob-day", "3", "dob-month", "4", "dob-year", "90"), []string{"dob-year: Year must include 4 numbers"}},
		{"future date of birth", police, pBase + "/person-name", reqForm("last_name", "X", "dob-day", "3", "dob-month", "4", "dob-year", "2027"), []string{"dob-day: today or in the past"}},
		{"no person chosen", police, pBase + "/results", reqForm(), []string{"person: Select the person to move"}},
		{"person not found by the search", police, pBase + "/results", reqForm("person", hughes.ID), []string{"person: Select the person to move"}},
		{"blank new person", police, pBase + "/new-person", reqForm(), []string{"first_names: Enter the person's first names", "last_name: Enter the person's last name",
			"dob-day: Enter the person's date of birth", "gender: Select the person's gender"}},
		{"new person's details", police, pBase + "/new-person", reqForm("first_names", "A", "last_name", "B", "dob-day", "1", "dob-month", "1", "dob-year", "2030",
			"gender", "robot", "ethnicity", "Martian", "pnc", "08/1234567Z", "prison_number", "1234"), []string{"dob-day: today or in the past",
			"gender: Select the person's gender", "ethnicity: Select an ethnicity from the list", "pnc: PNC number", "prison_number: prison number"}},
		{"new person already known", police, pBase + "/new-person", reqForm("first_names", "Olivia", "last_name", "Bennett", "dob-day", "2", "dob-month", "7",
			"dob-year", "1995", "gender", "female", "pnc", bennett.PNC), []string{"pnc: Someone with this PNC number is already on the service"}},
		{"no move type", police, pBase + "/move-type", reqForm(), []string{"move_type: Select the type of move"}},
		{"move type not offered to the police", police, pBase + "/move-type", reqForm("move_type", "prison_transfer"), []string{"move_type: Select one of the types of move listed"}},
		{"made-up move type", police, pBase + "/move-type", reqForm("move_type", "teleport"), []string{"move_type: Select one of the types of move listed"}},
		{"blank court", police, typed["court_appearance"], reqForm(), []string{"to: Enter the name of the court"}},
		{"unknown court", police, typed["court_appearance"], reqForm("to", "Narnia"), []string{"to: Enter the name of a court from the list"}},
		{"ambiguous court", police, typed["court_appearance"], reqForm("to", "Leeds"), []string{"to: More than one court"}},
		{"disabled court by id", police, typed["court_appearance"], reqForm("to", a.location(t, "GUILMC").ID), []string{"to: Guildford Magistrates' Court is no longer in use"}},
		{"disabled court by name", police, typed["court_appearance"], reqForm("to", "Guildford Magistrates' Court"), []string{"to: no longer in use"}},
		{"disabled destination id", police, typed["prison_recall"], reqForm("to", stc.ID), []string{"to: no longer in use"}},
		{"destination is the current location", police, typed["police_transfer"], reqForm("to", a.location(t, "SRY016").ID), []string{"to: The destination must be different"}},
		{"current location by name", police, typed["police_transfer"], reqForm("to", "Guildford Police Station"), []string{"to: The destination must be different"}},
		{"wrong kind of destination", police, typed["court_appearance"], reqForm("to", a.location(t, "RSURCH").ID), []string{"to: must go to a court"}},
		{"bad time due", police, typed["court_appearance"], reqForm("to", "Guildford Crown Court", "time_due", "25 o'clock"), []string{"time_due: Enter a time in the correct format"}},
		{"hospital without a time", police, typed["hospital"], reqForm("to", "Royal Surrey County Hospital"), []string{"time_due: Enter the time they are due at the hospital"}},
		{"notes too long", police, typed["video_remand"], reqForm("notes", strings.Repeat("x", 1001)), []string{"notes: 1000 characters or fewer"}},
		{"prison transfer to a disabled establishment", prison, tBase + "/destination", reqForm("to", stc.ID), []string{"to: no longer in use"}},
		{"no date", police, dBase + "/date", reqForm(), []string{"date_type: Select when they are moving"}},
		{"blank other date", police, dBase + "/date-other", reqForm(), []string{"date_custom: Enter the date of the move"}},
		{"bad date", police, dBase + "/date-other", reqForm("date_custom", "32/13/2026"), []string{"date_custom: real date"}},
		{"past date", police, dBase + "/date-other", reqForm("date_custom", "yesterday"), []string{"date_custom: The date of the move must be today or in the future"}},
		{"no earliest date", prison, tBase + "/date", reqForm(), []string{"date_from: Enter the earliest date of travel"}},
		{"past earliest date", prison, tBase + "/date", reqForm("date_from", "1 December 2026"), []string{"date_from: must be today or in the future"}},
		{"bad latest date", prison, tBase + "/date", reqForm("date_from", "10/12/2026", "date_to", "someday"), []string{"date_to: real date"}},
		{"latest before earliest", prison, tBase + "/date", reqForm("date_from", "10/12/2026", "date_to", "9/12/2026"),
			[]string{"date_to: The latest date of travel must be the same as or after the earliest date"}},
		{"no risk answer", prison, tBase + "/risk", reqForm(), []string{"risk: Select the risks"}},
		{"risks and none", prison, tBase + "/risk", url.Values{"risk": {"violent", "none"}}, []string{"risk: not both"}},
		{"made-up risk", prison, tBase + "/risk", reqForm("risk", "dragons"), []string{"risk: Select the risks"}},
		{"details too long", prison, tBase + "/risk", reqForm("risk", "violent", "risk_violent_details", strings.Repeat("y", 501)), []string{"risk_violent_details: 500 characters or fewer"}},
	}
	// The risk step needs the date answered first.
	prison.next(tBase+"/date", reqForm("date_from", "10/12/2026"))
	prison.next(tBase+"/reason", reqForm("reason", "parole"))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.t = t
			doc := tc.c.invalid(tc.path, tc.form, tc.wants...)
			if doc.Find(`form input[name="_csrf"]`).Length() == 0 {
				t.Error("the form has no CSRF token")
			}
		})
	}
	police.t, prison.t = t, t
	// What was typed is kept on the page in error.
	doc := police.invalid(typed["court_appearance"], reqForm("to", "Narnia", "time_due", "10am", "notes", "Keep me"))
	if doc.Find("#to").AttrOr("value", "") != "Narnia" || doc.Find("#time_due").AttrOr("value", "") != "10am" || reqText(doc.Find("#notes")) != "Keep me" {
		t.Error("the answers given are not kept")
	}
	doc = prison.invalid(tBase+"/risk", url.Values{"risk": {"violent", "none"}, "risk_violent_details": {"Keep me too"}})
	if _, ok := doc.Find(`input[name="risk"][value="violent"]`).Attr("checked"); !ok || reqText(doc.Find("#risk_violent_details")) != "Keep me too" {
		t.Error("the boxes ticked are not kept")
	}
}

// TestRequestRecheckOnSubmit: what was valid on its page may not be by the
// time the move is requested.
func TestRequestRecheckOnSubmit(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	base := requestCourtJourney(t, c, a.person(t, "Bennett"))
	if err := a.st.SetLocationDisabled(context.Background(), a.location(t, "GUILCC").ID, true); err != nil {
		t.Fatal(err)
	}
	res := c.post(base+"/check", nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	doc := reqDoc(t, res)
	link := doc.Find(".govuk-error-summary__list a").First()
	if !strings.Contains(reqText(link), "no longer in use") || link.AttrOr("href", "") != base+"/destination?change=1#to" {
		t.Errorf("problem %q → %q", reqText(link), link.AttrOr("href", ""))
	}
	if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
		t.Error("title lacks Error:")
	}
	if n, _ := a.st.CountMoves(context.Background(), store.MoveFilter{PersonID: a.person(t, "Bennett").ID, DateFrom: reqTomorrow, DateTo: reqTomorrow}); n != 0 {
		t.Errorf("%d moves stored", n)
	}
}

func TestRequestDuplicate(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	person := a.person(t, "Bennett")
	first := c.next(requestCourtJourney(t, c, person)+"/check", nil)
	existing := strings.TrimSuffix(strings.TrimPrefix(first, "/move/"), "/confirmation")

	base := requestCourtJourney(t, c, person)
	res := c.post(base+"/check", nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate: %d", res.StatusCode)
	}
	doc := reqDoc(t, res)
	summary := doc.Find(".govuk-error-summary")
	want := "A move already exists for " + person.FullName() + " from Guildford Police Station to Guildford Crown Court on Friday 4 December 2026."
	if !strings.Contains(reqText(summary), want) {
		t.Errorf("summary %q lacks %q", reqText(summary), want)
	}
	for href, text := range map[string]string{
		"/move/" + existing:               "View the existing move",
		base + "/date?change=1#date_type": "Change the date",
		base + "/destination?change=1#to": "Change the destination",
	} {
		if l := summary.Find(`a[href="` + href + `"]`); reqText(l) != text {
			t.Errorf("link to %s: %q, want %q", href, reqText(l), text)
		}
	}
	// Another date makes it a different move.
	c.next(base+"/date-other?change=1", reqForm("date_custom", "8/12/2026"))
	if got := c.next(base+"/check", nil); got == first {
		t.Error("the second move was not requested")
	}
}

func TestRequestWhoMay(t *testing.T) {
	a := newReqApp(t)
	for _, user := range []string{"court", "supplier", "admin"} {
		c := a.signIn(t, user, "")
		if res := c.get("/move/new"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: GET /move/new %d, want 403", user, res.StatusCode)
		}
		if res := c.post("/move/new/aaaaaaaaaaaaaaaa/person", reqForm("number", "2008/0123456M")); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: POST a step %d, want 403", user, res.StatusCode)
		}
	}

	// Signed out: sent to sign in.
	if res := a.client(t).get("/move/new"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in") {
		t.Errorf("signed out: %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	// PMU with all locations is asked to choose one first.
	pmu := a.signIn(t, "pmu", "")
	doc := pmu.page("/move/new", http.StatusOK)
	if h := reqText(doc.Find("h1")); h != "Choose a location first" || doc.Find(`a[href^="/locations"]`).Length() == 0 {
		t.Errorf("PMU without a location: %q", h)
	}
	// With one, they get what moves.MoveTypesFor offers there.
	p := a.person(t, "Hughes")
	for code, typ := range map[string]moves.LocationType{"BXI": moves.LocPrison, "GUILCC": moves.LocCourt} {
		pmu.signIn("pmu", code)
		base := reqJourneyBase(pmu.start())
		pmu.next(base+"/person", reqForm("number", p.PrisonNumber))
		pmu.next(base+"/results", reqForm("person", p.ID))
		var offered []string
		pmu.page(base+"/move-type", http.StatusOK).Find(`input[name="move_type"]`).Each(func(_ int, s *goquery.Selection) {
			offered = append(offered, s.AttrOr("value", ""))
		})
		var want []string
		for _, t := range moves.MoveTypesFor(moves.RolePMU, typ) {
			want = append(want, string(t))
		}
		if strings.Join(offered, ",") != strings.Join(want, ",") {
			t.Errorf("PMU at %s offered %v, want %v", code, offered, want)
		}
	}

	// Prison staff are not offered police moves, even by hand.
	prison := a.signIn(t, "prison", "")
	base := reqJourneyBase(prison.start())
	prison.next(base+"/person", reqForm("number", p.PrisonNumber))
	prison.next(base+"/results", reqForm("person", p.ID))
	prison.invalid(base+"/move-type", reqForm("move_type", "police_transfer"), "move_type: Select one of the types")
}

func TestRequestFromDisabledLocation(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "prison", "")
	step := c.start()
	if err := a.st.SetLocationDisabled(context.Background(), a.location(t, "BXI").ID, true); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/move/new", step} {
		res := c.get(path)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s from a disabled location: %d, want 403", path, res.StatusCode)
			continue
		}
		if h := reqText(reqDoc(t, res).Find("h1")); h != "You cannot request a move from this location" {
			t.Errorf("GET %s: h1 %q", path, h)
		}
	}
	if res := c.post(step, reqForm("number", "A1234BC")); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST from a disabled location: %d, want 403", res.StatusCode)
	}
}

func TestRequestCSRF(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	step := c.start()
	for name, f := range map[string]url.Values{
		"missing": reqForm("number", "2008/0123456M", "_csrf", ""),
		"wrong":   reqForm("number", "2008/0123456M", "_csrf", "not-the-token"),
	} {
		if res := c.post(step, f); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s CSRF token: %d, want 403", name, res.StatusCode)
		}
	}
	if got := c.next(step, reqForm("number", "2008/0123456M")); !strings.HasSuffix(got, "/results") {
		t.Errorf("with the token: %q", got)
	}
}

// TestRequestKindOfDateFollowsDestination: a prison transfer asks for a
// window of dates, other moves for a date; changing one into the other
// asks again.
func TestRequestKindOfDateFollowsDestination(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "prison", "")
	hughes := a.person(t, "Hughes")
	base := requestTo(t, c, hughes.PrisonNumber, hughes.ID, "prison_transfer", reqForm("to", "HMP Wandsworth"))
	c.next(base+"/date", reqForm("date_from", "10/12/2026"))
	c.next(base+"/reason", reqForm("reason", "parole"))
	c.next(base+"/risk", reqForm("risk", "none"))
	c.next(base+"/health", reqForm("health", "none"))
	c.next(base+"/move-type?change=1", reqForm("move_type", "hospital"))
	if got := c.next(base+"/destination?change=1", reqForm("to", "St Thomas' Hospital", "time_due", "14:30")); got != base+"/date?change=1" {
		t.Fatalf("a hospital move after a transfer leads to %q", got)
	}
	doc := c.page(base+"/date?change=1", http.StatusOK)
	if doc.Find(`input[name="date_type"]`).Length() != 3 {
		t.Fatal("a hospital move is not asked for a date")
	}
	if got := c.next(base+"/date?change=1", reqForm("date_type", "tomorrow")); got != base+"/check" {
		t.Fatalf("the date leads to %q", got)
	}
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if rows["Move / Date"] != "Friday 4 December 2026" || rows["Move / Time due"] != "2:30pm" || rows["Move / Type of move"] != "Hospital" {
		t.Errorf("check your answers %v", rows)
	}
	if _, ok := rows["Move / Earliest date of travel"]; ok {
		t.Error("the window of dates is still asked for")
	}
	conf := c.next(base+"/check", nil)
	m, err := a.st.Move(context.Background(), strings.TrimSuffix(strings.TrimPrefix(conf, "/move/"), "/confirmation"))
	if err != nil || m.Status != moves.StatusRequested || m.Date != reqTomorrow || m.DateFrom != "" || m.TimeDue == nil ||
		!m.TimeDue.Equal(time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("move %+v %v", m, err)
	}
}
