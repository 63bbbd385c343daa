package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// personOf returns a fixture move's person.
func (a *mvApp) personOf(m moves.Move) moves.Person {
	a.t.Helper()
	p, err := a.st.Person(context.Background(), m.PersonID)
	if err != nil {
		a.t.Fatal(err)
	}
	return p
}

func TestPersonPageListsVisibleMovesNewestFirst(t *testing.T) {
	a := newMvApp(t)
	court := a.fixture(mvCourt, moves.StatusBooked)
	p := a.personOf(court)
	pmu := a.signIn(t, "pmu", "")

	// The move page links to the person's page.
	doc := pmu.page("/move/"+court.ID, http.StatusOK)
	if href, _ := doc.Find(`a[href="/person/` + p.ID + `"]`).Attr("href"); href == "" {
		t.Fatal("the move page does not link to the person")
	}
	doc = pmu.page("/person/"+p.ID, http.StatusOK)
	if h := mvText(doc.Find("h1")); h != p.FullName() {
		t.Errorf("heading %q", h)
	}
	rows := mvRows(doc.Selection)
	for _, want := range []string{"Date of birth", "1 January 1990", "PNC number"} {
		if !strings.Contains(rows, want) {
			t.Errorf("details %q lack %q", rows, want)
		}
	}
	links := doc.Find("#person-moves tbody tr")
	if links.Length() != 1 || mvText(links.Find("a")) != court.Reference || !strings.Contains(mvText(links), "Booked") {
		t.Errorf("moves table %q", mvText(links))
	}
	if doc.Find(`a[href="/person/`+p.ID+`/edit"]`).Length() != 1 {
		t.Error("PMU is not offered the change")
	}

	// The court sees the person through their move, without the change;
	// a supplier that does not serve it does not see the person.
	cdoc := a.signIn(t, "court", "").page("/person/"+p.ID, http.StatusOK)
	if cdoc.Find(`a[href$="/edit"]`).Length() != 0 {
		t.Error("court staff are offered to change personal details")
	}
	// A person with no move the court can see is not found for them.
	tr := a.fixture(mvTransfer, moves.StatusProposed)
	a.signIn(t, "court", "").page("/person/"+tr.PersonID, http.StatusNotFound)
	// Prison staff may request moves, so they see anyone they can find.
	pdoc := a.signIn(t, "prison", "").page("/person/"+p.ID, http.StatusOK)
	if pdoc.Find("#person-moves").Length() != 0 || !strings.Contains(mvText(pdoc.Find("main")), "no moves") {
		t.Error("prison staff see a move from a police station they do not hold")
	}
	a.signIn(t, "admin", "").page("/person/"+p.ID, http.StatusForbidden)
}

func TestPeopleSearchThreeWays(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusRequested)
	p := a.personOf(m)
	p.PNC, p.PrisonNumber = "2008/0056560Z", "A1234ZZ"
	if _, err := a.st.UpdatePerson(context.Background(), personChange(p)); err != nil {
		t.Fatal(err)
	}
	police := a.signIn(t, "police", "SRY016")
	for _, q := range []string{
		"by=number&number=" + url.QueryEscape("08/56560z"),
		"by=number&number=a1234zz",
		"by=name&last_name=" + strings.ToLower(p.LastName) + "&dob-day=1&dob-month=1&dob-year=1990",
	} {
		doc := police.page("/people?"+q, http.StatusOK)
		res := doc.Find("#people-results tbody tr")
		if res.Length() != 1 {
			t.Errorf("%s: %d results", q, res.Length())
			continue
		}
		if href, _ := res.Find("a").Attr("href"); href != "/person/"+p.ID {
			t.Errorf("%s: links to %q", q, href)
		}
	}
	// Bad searches say what is wrong, linked to the field.
	for q, want := range map[string]string{
		"by=number&number=":      "#number",
		"by=number&number=12345": "#number",
		"by=name&last_name=&dob-day=1&dob-month=1&dob-year=1990": "#last_name",
		"by=name&last_name=Smith":                                "#dob-day",
	} {
		doc := police.page("/people?"+q, http.StatusUnprocessableEntity)
		if doc.Find(`.govuk-error-summary a[href="`+want+`"]`).Length() != 1 {
			t.Errorf("%s: no error linked to %s", q, want)
		}
		if !strings.HasPrefix(doc.Find("title").Text(), "Error:") {
			t.Errorf("%s: title %q", q, doc.Find("title").Text())
		}
	}
	if doc := police.page("/people?by=number&number=A9999AA", http.StatusOK); !strings.Contains(mvText(doc.Find("main")), "No people found") {
		t.Error("no result is not said")
	}
	a.signIn(t, "court", "").page("/people", http.StatusForbidden)
}

func TestPersonEditRecordsWhoAndWhenAndLogsTheMove(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusBooked)
	p := a.personOf(m)
	police := a.signIn(t, "police", "SRY016")
	path := "/person/" + p.ID + "/edit"
	doc := police.page(path, http.StatusOK)
	seen, _ := doc.Find(`input[name="seen"]`).Attr("value")
	form := url.Values{"_csrf": {police.csrf(path)}, "seen": {seen}, "first_names": {"Test"}, "last_name": {"Smyth"},
		"dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {"1990"}, "gender": {"male"}, "pnc": {"2008/0056560Z"}, "prison_number": {""}}

	// Bad answers: 422, errors linked to their fields, nothing saved.
	bad := cloneForm(form)
	bad.Set("last_name", "")
	bad.Set("pnc", "123")
	res := police.post(path, bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad answers: %d", res.StatusCode)
	}
	bdoc := mvDoc(t, res)
	for _, id := range []string{"#last_name", "#pnc"} {
		if bdoc.Find(`.govuk-error-summary a[href="`+id+`"]`).Length() != 1 {
			t.Errorf("no error linked to %s", id)
		}
	}
	// Every problem once, the date of birth's unreadable as well.
	bad.Set("prison_number", "12345")
	bad.Set("dob-month", "13")
	bdoc = mvDoc(t, police.post(path, bad))
	for _, id := range []string{"#last_name", "#dob-day", "#pnc", "#prison_number"} {
		if n := bdoc.Find(`.govuk-error-summary a[href="` + id + `"]`).Length(); n != 1 {
			t.Errorf("%d errors linked to %s, want 1: %s", n, id, mvText(bdoc.Find(".govuk-error-summary")))
		}
	}
	if a.personOf(m).LastName != p.LastName {
		t.Fatal("bad answers were saved")
	}

	res = police.post(path, form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/person/"+p.ID {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	got := a.personOf(m)
	if got.LastName != "Smyth" || got.PNC != "2008/0056560Z" || got.UpdatedBy != "police" {
		t.Errorf("saved %+v", got)
	}
	page := police.page("/person/"+p.ID, http.StatusOK)
	if c := mvText(page.Find("#person-changed")); !strings.Contains(c, "last changed by") || !strings.Contains(c, "3 December 2026") {
		t.Errorf("who and when: %q", c)
	}
	last := mvLastArrived(a.events(m.ID))
	if last.Type != moves.EventPersonUpdate || last.Str("last_name") != "Smyth" {
		t.Errorf("the move's log ends with %s %v", last.Type, last.Details)
	}
	// The move's timeline says what changed.
	tl := mvText(a.signIn(t, "pmu", "").page("/move/"+m.ID, http.StatusOK).Find("main"))
	if !strings.Contains(tl, "Personal details changed") || !strings.Contains(tl, "last name to Smyth") {
		t.Errorf("timeline lacks the change: %q", tl)
	}

	// The same form again is stale: 409, naming the change, nothing saved.
	again := cloneForm(form)
	again.Set("first_names", "Other")
	res = police.post(path, again)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale form: %d", res.StatusCode)
	}
	if w := mvText(mvDoc(t, res).Find(".govuk-warning-text")); !strings.Contains(w, "changed by") {
		t.Errorf("stale warning %q", w)
	}
	if a.personOf(m).FirstNames != "Test" {
		t.Error("a stale form was saved")
	}
	// Court staff may not change personal details.
	court := a.signIn(t, "court", "")
	form.Set("_csrf", court.csrf("/person/"+p.ID))
	form.Set("seen", strconv.FormatInt(got.UpdatedAt.UnixMicro(), 10))
	if res := court.post(path, form); res.StatusCode != http.StatusForbidden {
		t.Errorf("court: %d", res.StatusCode)
	}
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func personChange(p moves.Person) store.PersonChange {
	return store.PersonChange{Person: p, Seen: p.UpdatedAt, By: "test", Today: mvDay(0)}
}

// TestPersonEditOnlyByWhoMayChangeTheirMoves: a change of a person is
// written into each of their open moves, so police at Guildford may not
// rename someone whose only move is another place's (which Guildford is
// not even shown): no "Change" link, the form forbidden, nothing written.
// PMU may.
func TestPersonEditOnlyByWhoMayChangeTheirMoves(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusBooked) // from Guildford
	p := a.personOf(m)
	staines := a.signIn(t, "police", "SRY014") // holds Guildford too, but works at Staines
	path := "/person/" + p.ID + "/edit"
	if doc := staines.page("/person/"+p.ID, http.StatusOK); doc.Find(`a[href="`+path+`"]`).Length() != 0 {
		t.Errorf("working at Staines, the officer is offered to change the person on Guildford's move")
	}
	if res := staines.get(path); res.StatusCode != http.StatusForbidden {
		t.Errorf("GET %s at Staines: %d, want 403", path, res.StatusCode)
	}
	cur, err := a.st.Person(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"_csrf": {staines.csrf("/")}, "seen": {strconv.FormatInt(cur.UpdatedAt.UnixMicro(), 10)}, "first_names": {"Renamed"},
		"last_name": {cur.LastName}, "dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {"1990"}, "gender": {"male"}}
	if res := staines.post(path, form); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST %s at Staines: %d, want 403", path, res.StatusCode)
	}
	evs, err := a.st.Events(context.Background(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Type == moves.EventPersonUpdate {
			t.Errorf("Guildford's move got %s by %s", e.Type, e.CreatedBy)
		}
	}
	if got, _ := a.st.Person(context.Background(), p.ID); got.FirstNames == "Renamed" {
		t.Error("the person was renamed")
	}
	pmu := a.signIn(t, "pmu", "")
	if doc := pmu.page("/person/"+p.ID, http.StatusOK); doc.Find(`a[href="`+path+`"]`).Length() != 1 {
		t.Errorf("PMU is not offered to change the person")
	}
}
