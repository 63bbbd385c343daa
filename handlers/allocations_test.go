package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// allocPost posts a form with the page's CSRF token and returns the
// response.
func allocPost(c *listsClient, formPage, path string, form url.Values) *http.Response {
	c.t.Helper()
	form.Set("_csrf", c.csrf(formPage))
	return c.post(path, form)
}

func wantSeeOther(t *testing.T, res *http.Response, prefix string) string {
	t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("status %d to %q, want 303 to %s…", res.StatusCode, loc, prefix)
	}
	return loc
}

// PMU creates an allocation through the three question pages; the first
// page's problems are listed in the error summary linking to each field.
func TestCreateAllocationWizard(t *testing.T) {
	a := newListsApp(t)
	pmu := a.signIn(t, "pmu", "")
	bai, wwi := a.locationID(t, "BAI"), a.locationID(t, "WWI")

	res := allocPost(pmu, "/allocation/new", "/allocation/new", url.Values{"moves_count": {"0"}, "from_location": {bai}, "to_location": {bai},
		"date-day": {"2"}, "date-month": {"12"}, "date-year": {"2026"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad details: %d", res.StatusCode)
	}
	doc := reqDoc(t, res)
	for _, href := range []string{"#moves_count", "#to_location", "#date-day"} {
		if doc.Find(`.govuk-error-summary a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("error summary does not link to %s: %s", href, listsText(doc.Find(".govuk-error-summary")))
		}
	}
	if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
		t.Error("title not prefixed with Error:")
	}
	loc := wantSeeOther(t, allocPost(pmu, "/allocation/new", "/allocation/new", url.Values{"moves_count": {"3"}, "from_location": {bai},
		"to_location": {wwi}, "date-day": {"10"}, "date-month": {"12"}, "date-year": {"2026"}}), "/allocation/new/criteria?")

	doc = pmu.page(loc, http.StatusOK)
	if n := doc.Find(`input[name="complex_cases"][checked]`).Length(); n != len(moves.ComplexCases) {
		t.Errorf("%d complex cases ticked to begin with, want all %d", n, len(moves.ComplexCases))
	}
	hidden := url.Values{}
	doc.Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("name"); n != "_csrf" {
			hidden.Add(n, s.AttrOr("value", ""))
		}
	})
	bad := reqCloneValues(hidden)
	bad.Set("estate", moves.EstateAdultMale) // no category
	if res := allocPost(pmu, loc, "/allocation/new/criteria", bad); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("criteria without a category: %d", res.StatusCode)
	} else if d := reqDoc(t, res); d.Find(`.govuk-error-summary a[href="#prisoner_category-adult_male"]`).Length() != 1 {
		t.Errorf("category error does not link to its radios: %s", listsText(d.Find(".govuk-error-summary")))
	}
	good := reqCloneValues(hidden)
	for k, v := range map[string]string{"estate": moves.EstateAdultMale, "prisoner_category": "c", "sentence_length": "short",
		"complete_in_full": "yes", "has_other_criteria": "yes", "other_criteria": "Enhanced status"} {
		good.Set(k, v)
	}
	good["complex_cases"] = []string{"self_harm"}
	check := wantSeeOther(t, allocPost(pmu, loc, "/allocation/new/criteria", good), "/allocation/new/check?")
	doc = pmu.page(check, http.StatusOK)
	var rowsText []string
	doc.Find(".govuk-summary-list__row").Each(func(_ int, r *goquery.Selection) {
		rowsText = append(rowsText, listsText(r.Find(".govuk-summary-list__key"))+": "+listsText(r.Find(".govuk-summary-list__value")))
	})
	text := strings.Join(rowsText, "; ")
	for _, want := range []string{"Number of prisoners: 3", "HMP Belmarsh", "HMP Wandsworth", "Thursday 10 December 2026", "Adult male, Category C",
		"16 months or less", "Self harm", "Enhanced status"} {
		if !strings.Contains(text, want) {
			t.Errorf("check page lacks %q: %s", want, text)
		}
	}
	final := url.Values{}
	doc.Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("name"); n != "_csrf" {
			final.Add(n, s.AttrOr("value", ""))
		}
	})
	conf := wantSeeOther(t, allocPost(pmu, check, "/allocation/new/check", final), "/allocation/")
	doc = pmu.page(conf, http.StatusOK)
	if got := listsText(doc.Find(".govuk-panel")); !strings.Contains(got, "Allocation requested") ||
		!strings.Contains(got, "3 people from HMP Belmarsh to HMP Wandsworth on Thursday 10 December 2026") {
		t.Errorf("confirmation panel %q", got)
	}
	id := strings.Split(conf, "/")[2]
	places, err := a.st.AllocationPlaces(context.Background(), id)
	if err != nil || len(places) != 3 || places[0].Status != moves.StatusRequested || places[0].PersonID != "" {
		t.Fatalf("places %d %v", len(places), err)
	}
	doc = pmu.page("/allocation/"+id, http.StatusOK)
	if n := strings.Count(listsText(doc.Find("main")), "Person to be added"); n != 3 {
		t.Errorf("%d empty places shown, want 3", n)
	}
	// Others may not create.
	oca := a.signIn(t, "oca", "")
	if res := oca.get("/allocation/new"); res.StatusCode != http.StatusForbidden {
		t.Errorf("oca creating: %d", res.StatusCode)
	}
}

func allocDemo(t *testing.T, a *listsApp, status moves.AllocationStatus, filled int) store.AllocationRow {
	t.Helper()
	rows, _, err := a.st.ListAllocations(context.Background(), store.AllocationFilter{Status: status, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Filled == filled {
			return r
		}
	}
	t.Fatalf("no demo allocation %s with %d filled", status, filled)
	return store.AllocationRow{}
}

// oca fills a place (by prison number, with the move agreed), is stopped
// by a special vehicle, and empties it again; PMU removes a place, changes
// the date and cancels; who may do what is checked on the server.
func TestAllocationActionsByRole(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	open := allocDemo(t, a, moves.AllocationUnfilled, 0)
	part := allocDemo(t, a, moves.AllocationUnfilled, 1)
	places, _ := a.st.AllocationPlaces(ctx, open.ID)
	partPlaces, _ := a.st.AllocationPlaces(ctx, part.ID)
	person := partPlaces[0].Person
	base := "/allocation/" + open.ID

	oca := a.signIn(t, "oca", "")
	doc := oca.page(base, http.StatusOK)
	fill := doc.Find(`a[href="` + base + `/fill/` + places[0].ID + `"]`)
	if fill.Length() != 1 {
		t.Fatal("oca has no link to add a person to the first place")
	}
	if doc.Find(`a[href*="/remove/"]`).Length() != 0 || doc.Find(`a[href="`+base+`/cancel"]`).Length() != 0 {
		t.Error("oca is offered PMU's actions")
	}
	search := base + "/fill/" + places[0].ID
	if res := oca.get(search + "?prison_number=nonsense"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad prison number: %d", res.StatusCode)
	}
	doc = oca.page(search+"?prison_number="+strings.ToLower(person.PrisonNumber), http.StatusOK)
	choose := search + "/" + person.ID
	if doc.Find(`a[href="`+choose+`"]`).Length() != 1 {
		t.Fatalf("search does not offer %s: %s", person.FullName(), listsText(doc.Find("main")))
	}
	// Special vehicle: cannot be added, nothing changes.
	res := allocPost(oca, choose, choose, url.Values{"move_agreed": {"no"}, "special_vehicle": {"yes"}})
	if body := listsText(reqDoc(t, res).Find("main")); res.StatusCode != http.StatusOK || !strings.Contains(body, "cannot be added to this allocation") {
		t.Fatalf("special vehicle: %d %s", res.StatusCode, body)
	}
	if m, _ := a.st.Move(ctx, places[0].ID); m.PersonID != "" {
		t.Fatal("a person needing a special vehicle was added")
	}
	if res := allocPost(oca, choose, choose, url.Values{"move_agreed": {"yes"}, "special_vehicle": {"no"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("agreed without by whom: %d", res.StatusCode)
	}
	// Free text is bounded: a 200,000-character answer is refused, and
	// the error summary links to the field.
	res = allocPost(oca, choose, choose, url.Values{"move_agreed": {"yes"}, "move_agreed_by": {strings.Repeat("G", 200_000)}, "special_vehicle": {"no"}})
	if doc := reqDoc(t, res); res.StatusCode != http.StatusUnprocessableEntity ||
		doc.Find(`.govuk-error-summary a[href="#move_agreed_by"]`).Length() != 1 {
		t.Fatalf("who agreed, 200,000 characters: %d %s", res.StatusCode, listsText(doc.Find(".govuk-error-summary")))
	}
	if m, _ := a.st.Move(ctx, places[0].ID); m.PersonID != "" {
		t.Fatal("a refused answer added the person")
	}
	wantSeeOther(t, allocPost(oca, choose, choose, url.Values{"move_agreed": {"yes"}, "move_agreed_by": {"Governor Ellis"}, "special_vehicle": {"no"}}), base)
	doc = oca.page(base, http.StatusOK)
	if !strings.Contains(listsText(doc.Find("main")), person.FullName()) || !strings.Contains(listsText(doc.Find(".govuk-notification-banner")), "Person added") {
		t.Errorf("after adding: %s", listsText(doc.Find("main")))
	}
	// PMU may not fill; oca may not cancel.
	pmu := a.signIn(t, "pmu", "")
	if res := pmu.get(search); res.StatusCode != http.StatusForbidden {
		t.Errorf("pmu filling: %d", res.StatusCode)
	}
	if res := oca.get(base + "/cancel"); res.StatusCode != http.StatusForbidden {
		t.Errorf("oca cancelling: %d", res.StatusCode)
	}
	// Police and prison staff see no allocations at all.
	for who, at := range map[string]string{"police": "SRY016", "prison": "", "court": ""} {
		if res := a.signIn(t, who, at).get(base); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s sees an allocation: %d", who, res.StatusCode)
		}
	}
	// oca removes the person again.
	empty := base + "/empty/" + places[0].ID
	wantSeeOther(t, allocPost(oca, empty, empty, url.Values{}), base)
	if m, _ := a.st.Move(ctx, places[0].ID); m.PersonID != "" {
		t.Fatal("the person was not removed")
	}
	// PMU removes an empty place: one smaller.
	remove := base + "/remove/" + places[2].ID
	wantSeeOther(t, allocPost(pmu, remove, remove, url.Values{}), base)
	if got, _ := a.st.Allocation(ctx, open.ID); got.Total != 2 {
		t.Fatalf("after removing a place: %d places", got.Total)
	}
	// Date change: every place moves, each with its event.
	date := base + "/date"
	if res := allocPost(pmu, date, date, url.Values{"date-day": {"1"}, "date-month": {"1"}, "date-year": {"2020"}, "reason": {"other"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a past date: %d", res.StatusCode)
	}
	wantSeeOther(t, allocPost(pmu, date, date, url.Values{"date-day": {"14"}, "date-month": {"12"}, "date-year": {"2026"}, "reason": {"pmu_amended_date"}}), base)
	for _, p := range places[:2] {
		if m, _ := a.st.Move(ctx, p.ID); m.Date != "2026-12-14" {
			t.Errorf("place %s on %s", m.Reference, m.Date)
		}
	}
	// Cancel: a reason is needed; then every move is cancelled.
	cancel := base + "/cancel"
	if res := allocPost(pmu, cancel, cancel, url.Values{}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without a reason: %d", res.StatusCode)
	}
	// The page asks for the reason with "other" (the API does not).
	res = allocPost(pmu, cancel, cancel, url.Values{"reason": {"other"}, "comment": {"  "}})
	if doc := reqDoc(t, res); res.StatusCode != http.StatusUnprocessableEntity ||
		doc.Find(`.govuk-error-summary a[href="#comment"]`).Length() != 1 {
		t.Fatalf("cancel for another reason without saying it: %d %s", res.StatusCode, listsText(doc.Find(".govuk-error-summary")))
	}
	res = allocPost(pmu, cancel, cancel, url.Values{"reason": {"other"}, "comment": {strings.Repeat("c", 1001)}})
	if doc := reqDoc(t, res); res.StatusCode != http.StatusUnprocessableEntity ||
		doc.Find(`.govuk-error-summary a[href="#comment"]`).Length() != 1 {
		t.Fatalf("cancel with a comment of 1001 characters: %d %s", res.StatusCode, listsText(doc.Find(".govuk-error-summary")))
	}
	if m, _ := a.st.Move(ctx, places[0].ID); m.Status == moves.StatusCancelled {
		t.Fatal("a refused cancellation cancelled the moves")
	}
	wantSeeOther(t, allocPost(pmu, cancel, cancel, url.Values{"reason": {"made_in_error"}}), base)
	doc = pmu.page(base, http.StatusOK)
	if !strings.Contains(listsText(doc.Find(".govuk-notification-banner")), "Allocation cancelled") {
		t.Errorf("no cancelled banner: %s", listsText(doc.Find("main")))
	}
	for _, p := range places {
		if m, _ := a.st.Move(ctx, p.ID); m.Status != moves.StatusCancelled {
			t.Errorf("place %s is %s", m.Reference, m.Status)
		}
	}
	if res := oca.get(search); res.StatusCode != http.StatusConflict {
		t.Errorf("filling a cancelled allocation: %d", res.StatusCode)
	}
}

// The list shows the week's allocations by status with counts, to PMU,
// oca (their prison's) and suppliers (those they carry).
func TestAllocationListByWeekAndStatus(t *testing.T) {
	a := newListsApp(t)
	pmu := a.signIn(t, "pmu", "")
	res := pmu.get("/allocations")
	week := wantSeeOther(t, res, "/allocations/2026-11-30")
	doc := pmu.page(week, http.StatusOK)
	if got := allocTabs(doc); got != "1 unfilled|0 filled|0 cancelled" {
		t.Errorf("this week's tabs %q", got)
	}
	next := pmu.page("/allocations/2026-12-07?status=cancelled", http.StatusOK)
	if got := allocTabs(next); got != "1 unfilled|0 filled|1 cancelled" {
		t.Errorf("next week's tabs %q", got)
	}
	if got := listsText(next.Find("tbody")); !strings.Contains(got, "2 people") || !strings.Contains(got, "Cancelled") {
		t.Errorf("cancelled tab rows %q", got)
	}
	rows := doc.Find("tbody tr")
	if rows.Length() == 0 || !strings.Contains(listsText(rows.First()), "people") {
		t.Fatalf("rows: %s", listsText(doc.Find("main")))
	}
	if doc.Find(`th[aria-sort]`).Length() != 5 {
		t.Errorf("%d sortable headings", doc.Find(`th[aria-sort]`).Length())
	}
	oca := a.signIn(t, "oca", "")
	if d := oca.page(week, http.StatusOK); d.Find(`th`).Length() != 4 {
		t.Errorf("oca sees the from column: %d headings", d.Find(`th`).Length())
	}
	if res := pmu.get("/allocations/2026-11-30/download.csv"); res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "csv") {
		t.Errorf("csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// allocTabs is the status filter as "N label|N label|…".
func allocTabs(doc *goquery.Document) string {
	var out []string
	doc.Find(`nav[aria-label="Allocation status"] li`).Each(func(_ int, s *goquery.Selection) { out = append(out, listsText(s)) })
	return strings.Join(out, "|")
}

// Home for PMU and oca counts this week's allocations, linking into the list.
func TestHomeCountsThisWeeksAllocations(t *testing.T) {
	a := newListsApp(t)
	for _, who := range []string{"pmu", "oca"} {
		doc := a.signIn(t, who, "").page("/", http.StatusOK)
		sec := doc.Find("#home-allocations")
		if got := listsText(sec); !strings.Contains(got, "Allocations for this week") {
			t.Fatalf("%s home: %q", who, listsText(doc.Find("main")))
		}
		link := sec.Find(`a[href="/allocations/2026-11-30?status=unfilled"]`)
		if !strings.Contains(listsText(link), "1") {
			t.Errorf("%s: unfilled link %q", who, listsText(sec))
		}
	}
	if doc := a.signIn(t, "prison", "").page("/", http.StatusOK); doc.Find("#home-allocations").Length() != 0 {
		t.Error("prison staff see allocations on their home page")
	}
}

// PMU may choose a region as the current location: the header names it
// and the lists cover the region's locations only.
func TestPMUChoosesARegion(t *testing.T) {
	a := newListsApp(t)
	pmu := a.signIn(t, "pmu", "")
	doc := pmu.page("/locations", http.StatusOK)
	regionID := func(title string) string {
		var v string
		doc.Find(`input[name="location"]`).Each(func(_ int, s *goquery.Selection) {
			id, _ := s.Attr("id")
			if strings.HasPrefix(listsText(doc.Find(`label[for="`+id+`"]`)), title) {
				v = s.AttrOr("value", "")
			}
		})
		if !strings.HasPrefix(v, "region:") {
			t.Fatalf("no region %q offered", title)
		}
		return v
	}
	london, north := regionID("london. London and the East of England"), regionID("north. North East")
	choose := func(v string) {
		t.Helper()
		wantSeeOther(t, allocPost(pmu, "/locations", "/locations", url.Values{"location": {v}, "next": {"/allocations/2026-11-30"}}), "/allocations/2026-11-30")
	}
	choose(london)
	doc = pmu.page("/allocations/2026-11-30", http.StatusOK)
	if got := allocTabs(doc); got != "1 unfilled|0 filled|0 cancelled" {
		t.Errorf("London's allocations %q", got)
	}
	if !strings.Contains(listsText(doc.Find("header")), "London and the East of England") {
		t.Errorf("header does not name the region: %s", listsText(doc.Find("header")))
	}
	choose(north)
	if got := allocTabs(pmu.page("/allocations/2026-11-30", http.StatusOK)); got != "0 unfilled|0 filled|0 cancelled" {
		t.Errorf("the North's allocations %q", got)
	}
	// Another role may not choose a region.
	oca := a.signIn(t, "oca", "")
	if res := allocPost(oca, "/locations", "/locations", url.Values{"location": {london}, "next": {"/"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("oca choosing a region: %d", res.StatusCode)
	}
}

// Each step of an allocation shows on its moves: the move page's timeline
// says who was added or removed, that a place was removed, the new date
// and the cancellation; the day lists show the place with its person (or
// "Person to be added") on its date, and cancelled at the end.
func TestAllocationStepsShowOnTheMoves(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	open := allocDemo(t, a, moves.AllocationUnfilled, 0)
	places, _ := a.st.AllocationPlaces(ctx, open.ID)
	base := "/allocation/" + open.ID
	var people []moves.Person
	for i, last := range []string{"Quinn", "Rahman"} {
		p := moves.Person{FirstNames: "Lee", LastName: last, DateOfBirth: "1990-01-0" + fmt.Sprint(i+1), Gender: "male",
			PrisonNumber: fmt.Sprintf("A700%dAA", i+1), CreatedBy: "test"}
		if err := a.st.CreatePerson(ctx, &p, listsToday); err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
	}
	oca := a.signIn(t, "oca", "")
	pmu := a.signIn(t, "pmu", "")
	timeline := func(c *listsClient, m store.MoveRow) string {
		t.Helper()
		return listsText(c.page("/move/"+m.ID, http.StatusOK).Find("#move-timeline"))
	}
	card := func(day string, m store.MoveRow) string {
		t.Helper()
		return listsText(oca.page("/moves/outgoing/"+day, http.StatusOK).Find("#move-" + m.ID))
	}
	cancelledCard := func(day string, m store.MoveRow) string {
		t.Helper()
		return card(day+"?status=cancelled", m)
	}
	wantIn := func(what, got string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q: %s", what, w, got)
			}
		}
	}
	if got := card(open.Date, places[0]); !strings.Contains(got, "Person to be added") {
		t.Errorf("an empty place's card: %q", got)
	}
	// oca fills two places.
	for i, p := range people {
		choose := base + "/fill/" + places[i].ID + "/" + p.ID
		form := url.Values{"move_agreed": {"no"}, "special_vehicle": {"no"}}
		if i == 0 {
			form = url.Values{"move_agreed": {"yes"}, "move_agreed_by": {"Governor Ellis"}, "special_vehicle": {"no"}}
		}
		wantSeeOther(t, allocPost(oca, choose, choose, form), base)
	}
	wantIn("the first place's timeline", timeline(oca, places[0]), "Person added to the allocation",
		"Lee Quinn (A7001AA) was added to this move. The move was agreed by Governor Ellis.")
	wantIn("the second place's timeline", timeline(oca, places[1]), "Lee Rahman (A7002AA) was added to this move. The receiving prison has not agreed to the move yet.")
	wantIn("the first place's card", card(open.Date, places[0]), "QUINN, Lee", "A7001AA")
	// oca removes one person again.
	empty := base + "/empty/" + places[1].ID
	wantSeeOther(t, allocPost(oca, empty, empty, url.Values{}), base)
	wantIn("the emptied place's timeline", timeline(oca, places[1]), "Person removed from the allocation",
		"Lee Rahman (A7002AA) was removed from this move. The place waits for someone else.")
	wantIn("the emptied place's card", card(open.Date, places[1]), "Person to be added")
	// PMU removes an empty place.
	remove := base + "/remove/" + places[2].ID
	wantSeeOther(t, allocPost(pmu, remove, remove, url.Values{}), base)
	wantIn("the removed place's timeline", timeline(pmu, places[2]), "Move cancelled", "Cancelled by the Population Management Unit (PMU)",
		"Place removed from the allocation")
	if got := card(open.Date, places[2]); got != "" {
		t.Errorf("the removed place is still listed as active: %q", got)
	}
	wantIn("the removed place's card", cancelledCard(open.Date, places[2]), "Person to be added")
	// PMU changes the date: the places leave that day's list for the new one.
	date := base + "/date"
	wantSeeOther(t, allocPost(pmu, date, date, url.Values{"date-day": {"14"}, "date-month": {"12"}, "date-year": {"2026"}, "reason": {"pmu_amended_date"}}), base)
	wantIn("the filled place's timeline", timeline(pmu, places[0]), "Move date changed", "The move date is now Monday 14 December 2026.")
	if got := card(open.Date, places[0]); got != "" {
		t.Errorf("the old day still lists the place: %q", got)
	}
	wantIn("the new day's card", card("2026-12-14", places[0]), "QUINN, Lee")
	// PMU cancels: every place left is cancelled, and says why.
	cancel := base + "/cancel"
	wantSeeOther(t, allocPost(pmu, cancel, cancel, url.Values{"reason": {"other"}, "comment": {"Wing closed"}}), base)
	for _, p := range places[:2] {
		wantIn("a place's timeline after the cancel", timeline(pmu, p), "The allocation was cancelled", "Wing closed")
		wantIn("a place's card after the cancel", cancelledCard("2026-12-14", p), "Cancelled")
	}
	// The allocation list says so too. Cancelled, the allocation counts
	// every place it had, the one removed before included (as the API's
	// meta.moves.total does), and its page lists them all under a
	// heading that says as many.
	wantIn("the allocation list", listsText(pmu.page("/allocations/2026-12-14?status=cancelled", http.StatusOK).Find("tbody")), "3 people", "Cancelled")
	doc := pmu.page(base, http.StatusOK)
	wantIn("the cancelled allocation's heading", listsText(doc.Find("h1")), "3 people")
	for _, p := range places {
		if doc.Find(`a[href="/move/`+p.ID+`"]`).Length() == 0 {
			t.Errorf("the cancelled allocation's page does not list place %s", p.Reference)
		}
	}
}

// Who sees what, and stale forms: oca do not see another prison's
// allocation (not found); a supplier's staff see one their supplier
// carries but may change nothing; a form made before someone else changed
// the allocation or the place is refused and changes nothing.
func TestAllocationVisibilityAndStaleForms(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	other, err := a.st.CreateAllocation(ctx, moves.NewAllocation{Count: 1, FromID: a.locationID(t, "BXI"), ToID: a.locationID(t, "WWI"),
		Date: "2026-12-10", Criteria: moves.Criteria{Estate: moves.EstateJuvenileMale, SentenceLength: "any"}}, "pmu", listsToday)
	if err != nil {
		t.Fatal(err)
	}
	oca := a.signIn(t, "oca", "")
	if res := oca.get("/allocation/" + other.ID); res.StatusCode != http.StatusNotFound {
		t.Errorf("oca at Belmarsh opening Brixton's allocation: %d, want 404", res.StatusCode)
	}
	supplier := a.signIn(t, "supplier", "")
	doc := supplier.page("/allocation/"+other.ID, http.StatusOK)
	if n := doc.Find(`main a[href*="/allocation/` + other.ID + `/"]`).Length(); n != 0 {
		t.Errorf("the supplier is offered %d actions", n)
	}
	for _, path := range []string{"/cancel", "/date"} {
		if res := supplier.get("/allocation/" + other.ID + path); res.StatusCode != http.StatusForbidden {
			t.Errorf("supplier GET %s: %d, want 403", path, res.StatusCode)
		}
	}

	// PMU opens the date form; oca then fills a place; PMU's form is stale.
	open := allocDemo(t, a, moves.AllocationUnfilled, 0)
	places, _ := a.st.AllocationPlaces(ctx, open.ID)
	base := "/allocation/" + open.ID
	pmu := a.signIn(t, "pmu", "")
	date := base + "/date"
	form := pmu.page(date, http.StatusOK)
	stale := url.Values{"_csrf": {form.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {form.Find(`input[name="version"]`).AttrOr("value", "")},
		"date-day": {"15"}, "date-month": {"12"}, "date-year": {"2026"}, "reason": {"pmu_amended_date"}}
	// oca opens the fill form for the first place, fills it by another
	// (fresh) form and empties it again: the first form is stale too. The
	// person is the demo's, freed from the part-filled allocation.
	part := allocDemo(t, a, moves.AllocationUnfilled, 1)
	partPlaces, _ := a.st.AllocationPlaces(ctx, part.ID)
	who := partPlaces[0].Person
	if _, err := a.st.EmptyAllocationPlace(ctx, partPlaces[0].ID, 0, store.AllocationChange{By: "oca", Role: moves.RoleOCA}); err != nil {
		t.Fatal(err)
	}
	choose := base + "/fill/" + places[0].ID + "/" + who.ID
	fillForm := oca.page(choose, http.StatusOK)
	staleFill := url.Values{"_csrf": {fillForm.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {fillForm.Find(`input[name="version"]`).AttrOr("value", "")},
		"move_agreed": {"no"}, "special_vehicle": {"no"}}
	wantSeeOther(t, allocPost(oca, choose, choose, url.Values{"move_agreed": {"no"}, "special_vehicle": {"no"}}), base)
	if _, err := a.st.EmptyAllocationPlace(ctx, places[0].ID, 0, store.AllocationChange{By: "oca", Role: moves.RoleOCA}); err != nil {
		t.Fatal(err)
	}
	if res := oca.post(choose, staleFill); res.StatusCode != http.StatusConflict {
		t.Errorf("a stale fill form: %d, want 409", res.StatusCode)
	}
	if m, _ := a.st.Move(ctx, places[0].ID); m.PersonID != "" {
		t.Error("a stale fill form added the person")
	}
	if res := pmu.post(date, stale); res.StatusCode != http.StatusConflict {
		t.Errorf("a stale date form: %d, want 409", res.StatusCode)
	}
	for _, p := range places {
		if m, _ := a.st.Move(ctx, p.ID); m.Date != open.Date {
			t.Errorf("a stale date form moved %s to %s", m.Reference, m.Date)
		}
	}
}

// allocExisting books an approved prison transfer for a person from and
// to the allocation's prisons on date: the move an allocation change
// would duplicate.
func allocExisting(t *testing.T, a *listsApp, al store.AllocationRow, personID, date string) moves.Move {
	t.Helper()
	ctx := context.Background()
	m, err := a.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: al.FromID, ToID: al.ToID, DateFrom: date,
		PersonID: personID, CreatedBy: "test", At: listsNow.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ev, m, err := a.st.AppendEvent(ctx, moves.Event{Type: moves.EventMoveApprove, MoveID: m.ID, OccurredAt: listsNow.Add(-30 * time.Minute),
		RecordedAt: listsNow.Add(-30 * time.Minute), CreatedBy: "test", Details: map[string]any{"date": date}}, store.AppendOptions{By: "test"})
	if err != nil || !ev.Applied || m.Status != moves.StatusRequested {
		t.Fatalf("approving the existing move: %v %s %s", err, ev.Reason, m.Status)
	}
	return m
}

// Filling a place with someone who already has a move between the same
// prisons that day is refused as any duplicate is: the form again (422)
// with what was typed, the message linked from the summary, and a link to
// the existing move.
func TestAllocationFillDuplicateLinksToTheExistingMove(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	open := allocDemo(t, a, moves.AllocationUnfilled, 0)
	places, _ := a.st.AllocationPlaces(ctx, open.ID)
	p := moves.Person{FirstNames: "Dora", LastName: "Twice", DateOfBirth: "1990-01-01", Gender: "male", PrisonNumber: "A9876ZZ", CreatedBy: "test"}
	if err := a.st.CreatePerson(ctx, &p, listsToday); err != nil {
		t.Fatal(err)
	}
	existing := allocExisting(t, a, open, p.ID, places[0].Date)

	oca := a.signIn(t, "oca", "")
	choose := "/allocation/" + open.ID + "/fill/" + places[0].ID + "/" + p.ID
	res := allocPost(oca, choose, choose, url.Values{"move_agreed": {"yes"}, "move_agreed_by": {"Governor Ellis"}, "special_vehicle": {"no"}})
	doc := reqDoc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate fill: %d %s", res.StatusCode, listsText(doc.Find("main")))
	}
	if doc.Find(`main a[href="/move/`+existing.ID+`"]`).Length() != 1 {
		t.Errorf("no link to the existing move %s: %s", existing.Reference, listsText(doc.Find("main")))
	}
	if doc.Find(`.govuk-error-summary a[href="#move_agreed"]`).Length() != 1 || doc.Find("#move_agreed").Length() != 1 {
		t.Errorf("the summary does not link to the first question: %s", listsText(doc.Find(".govuk-error-summary")))
	}
	if v, _ := doc.Find(`input[name="move_agreed_by"]`).Attr("value"); v != "Governor Ellis" {
		t.Errorf("who agreed is %q, not what was typed", v)
	}
	if _, ok := doc.Find(`input[name="move_agreed"][value="yes"]`).Attr("checked"); !ok {
		t.Error("the answer to 'agreed' was lost")
	}
	if m, _ := a.st.Move(ctx, places[0].ID); m.PersonID != "" {
		t.Error("the place was filled")
	}
}

// Changing an allocation's date to one on which someone in it already
// has a move between the same prisons is refused the same way, linked to
// the existing move, keeping the date and reason given.
func TestAllocationDateDuplicateLinksToTheExistingMove(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	part := allocDemo(t, a, moves.AllocationUnfilled, 1)
	places, _ := a.st.AllocationPlaces(ctx, part.ID)
	var person moves.Person
	for _, pl := range places {
		if pl.PersonID != "" {
			person = pl.Person
		}
	}
	day := "2026-12-14"
	if part.Date == day {
		day = "2026-12-15"
	}
	existing := allocExisting(t, a, part, person.ID, day)

	pmu := a.signIn(t, "pmu", "")
	path := "/allocation/" + part.ID + "/date"
	res := allocPost(pmu, path, path, url.Values{"version": {fmt.Sprint(part.Version)}, "date-day": {day[8:]}, "date-month": {"12"}, "date-year": {"2026"},
		"reason": {"pmu_amended_date"}})
	doc := reqDoc(t, res)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate date: %d %s", res.StatusCode, listsText(doc.Find("main")))
	}
	if doc.Find(`main a[href="/move/`+existing.ID+`"]`).Length() != 1 {
		t.Errorf("no link to the existing move %s: %s", existing.Reference, listsText(doc.Find("main")))
	}
	if doc.Find(`.govuk-error-summary a[href="#date-day"]`).Length() != 1 || doc.Find("#date-day").Length() != 1 {
		t.Errorf("the summary does not link to the date: %s", listsText(doc.Find(".govuk-error-summary")))
	}
	if !strings.Contains(listsText(doc.Find(".govuk-error-summary")), person.FullName()) {
		t.Errorf("the message does not name %s: %s", person.FullName(), listsText(doc.Find(".govuk-error-summary")))
	}
	if v, _ := doc.Find(`input[name="date-day"]`).Attr("value"); v != day[8:] {
		t.Errorf("the day is %q, not what was typed", v)
	}
	if _, ok := doc.Find(`input[name="reason"][value="pmu_amended_date"]`).Attr("checked"); !ok {
		t.Error("the reason was lost")
	}
	if got, _ := a.st.Allocation(ctx, part.ID); got.Date != part.Date {
		t.Errorf("the allocation moved to %s", got.Date)
	}
}

// allocSummaryLinksResolve checks that every link of a page's error
// summary leads to an element on that page.
func allocSummaryLinksResolve(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find(".govuk-error-summary a").Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		if !strings.HasPrefix(href, "#") || doc.Find(`[id="`+href[1:]+`"]`).Length() == 0 {
			t.Errorf("error summary links to %q, which is not on the page (%s)", href, listsText(a))
		}
	})
}

// An allocation's place that nobody has been added to cannot be proposed
// again: rejecting it does not ask whether to rebook (the store would
// refuse a move without a person, and the page would point at a question
// it does not have), and rejecting it for more information does not
// invite anyone to send it again.
func TestRejectingAnEmptyPlaceOffersNoRebookOrResubmit(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	open := allocDemo(t, a, moves.AllocationUnfilled, 0)
	places, _ := a.st.AllocationPlaces(ctx, open.ID)
	p := places[0].Move
	pmu := a.signIn(t, "pmu", "")
	path := "/move/" + p.ID + "/reject"
	doc := pmu.page(path, http.StatusOK)
	if doc.Find(`input[name="rebook"]`).Length() != 0 {
		t.Error("rejecting an empty place asks whether to rebook it")
	}
	version := fmt.Sprint(p.Version)
	// Every answer the form can be sent with: none ends in a summary
	// linking to something not on the page, nor in a 5xx.
	for _, form := range []url.Values{
		{"version": {version}},
		{"version": {version}, "rejection_reason": {moves.RejectionMoreInfo}, "rebook": {"true"}},
		{"version": {version}, "rejection_reason": {"nonsense"}},
	} {
		res := allocPost(pmu, path, path, form)
		if res.StatusCode >= 500 || res.StatusCode < 400 {
			t.Fatalf("%v: %d", form, res.StatusCode)
		}
		allocSummaryLinksResolve(t, reqDoc(t, res))
	}
	if m, _ := a.st.Move(ctx, p.ID); m.Version != p.Version {
		t.Fatalf("a refused rejection changed the place: version %d", m.Version)
	}
	wantSeeOther(t, allocPost(pmu, path, path, url.Values{"version": {version}, "rejection_reason": {moves.RejectionMoreInfo},
		"cancellation_reason_comment": {"Which prisoner?"}}), "/move/"+p.ID)
	m, _ := a.st.Move(ctx, p.ID)
	if m.Status != moves.StatusCancelled || m.Cancellation.Reason != "rejected" || m.Cancellation.Rebook {
		t.Fatalf("after rejecting: %s %+v", m.Status, m.Cancellation)
	}
	// Nobody is invited to send it again, and it cannot be.
	doc = pmu.page("/move/"+p.ID, http.StatusOK)
	if doc.Find(`a[href="/move/`+p.ID+`/resubmit"]`).Length() != 0 || strings.Contains(listsText(doc.Find("main")), "send it again") {
		t.Error("an empty place rejected for more information offers to send it again")
	}
	resubmit := "/move/" + p.ID + "/resubmit"
	if res := pmu.get(resubmit); res.StatusCode != http.StatusForbidden {
		t.Errorf("GET resubmit: %d", res.StatusCode)
	}
	res := allocPost(pmu, "/move/"+p.ID, resubmit, url.Values{"version": {fmt.Sprint(m.Version)}, "information": {"Any of them"},
		"date_from": {"10/12/2026"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("POST resubmit: %d", res.StatusCode)
	}
	allocSummaryLinksResolve(t, reqDoc(t, res))
}

// PMU changes a detail from the check page (or goes back from the
// criteria page to the details): the criteria already answered travel
// through the details page, and Continue goes back to the check page with
// them, not to a blank criteria page.
func TestAllocChangeDetailsKeepsCriteria(t *testing.T) {
	a := newListsApp(t)
	pmu := a.signIn(t, "pmu", "")
	bai, wwi := a.locationID(t, "BAI"), a.locationID(t, "WWI")
	answers := url.Values{"moves_count": {"3"}, "from_location": {bai}, "to_location": {wwi}, "date": {"2026-12-10"}, "criteria": {"1"},
		"estate": {"adult_male"}, "prisoner_category": {"c"}, "sentence_length": {"short"}, "complete_in_full": {"yes"},
		"has_other_criteria": {"yes"}, "other_criteria": {"Enhanced status"}, "complex_cases": {"self_harm"}}
	check := "/allocation/new/check?" + answers.Encode()
	var change string
	pmu.page(check, http.StatusOK).Find(".govuk-summary-list__row").Each(func(_ int, r *goquery.Selection) {
		if strings.Contains(r.Find(".govuk-summary-list__key").Text(), "Number of prisoners") {
			change = r.Find("a").AttrOr("href", "")
		}
	})
	change = strings.SplitN(change, "#", 2)[0]
	form := url.Values{}
	pmu.page(change, http.StatusOK).Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("name"); n != "_csrf" {
			form.Add(n, s.AttrOr("value", ""))
		}
	})
	for _, k := range []string{"moves_count", "from_location", "to_location", "date"} {
		if form.Has(k) {
			t.Errorf("the details page carries %s hidden as well as asking it", k)
		}
	}
	form.Set("moves_count", "4")
	form.Set("from_location", bai)
	form.Set("to_location", wwi)
	form.Set("date-day", "10")
	form.Set("date-month", "12")
	form.Set("date-year", "2026")
	loc := wantSeeOther(t, allocPost(pmu, change, "/allocation/new", form), "/allocation/new/")
	if !strings.HasPrefix(loc, "/allocation/new/check?") || !strings.Contains(loc, "other_criteria=Enhanced") {
		t.Fatalf("after changing the number from the check page, sent to %s: the criteria answered are lost", loc)
	}
	u, _ := url.Parse(loc)
	got := u.Query()
	for k, want := range map[string]string{"moves_count": "4", "estate": "adult_male", "prisoner_category": "c", "sentence_length": "short",
		"complete_in_full": "yes", "complex_cases": "self_harm"} {
		if got.Get(k) != want {
			t.Errorf("%s = %q after the change, want %q", k, got.Get(k), want)
		}
	}
	// A problem on the details page keeps them too.
	bad := reqCloneValues(form)
	bad.Set("moves_count", "0")
	res := allocPost(pmu, change, "/allocation/new", bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad number: %d", res.StatusCode)
	}
	kept := url.Values{}
	reqDoc(t, res).Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("name"); n != "_csrf" {
			kept.Add(n, s.AttrOr("value", ""))
		}
	})
	if kept.Get("other_criteria") != "Enhanced status" || kept.Get("criteria") != "1" {
		t.Errorf("the details page shown again with a problem dropped the criteria: %v", kept)
	}
	// Without criteria answered yet, the details page carries none.
	fresh := url.Values{}
	pmu.page("/allocation/new", http.StatusOK).Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("name"); n != "_csrf" {
			fresh.Add(n, s.AttrOr("value", ""))
		}
	})
	if len(fresh) != 0 {
		t.Errorf("a new allocation's details page carries hidden answers: %v", fresh)
	}
}

// The list's "Move size" sorts by the size it shows: a cancelled
// allocation's every place.
func TestCancelledAllocationsSortBySizeShown(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	var ids []string
	for _, c := range []struct {
		n    int
		date string
	}{{1, "2026-12-15"}, {3, "2026-12-16"}} {
		al, err := a.st.CreateAllocation(ctx, moves.NewAllocation{Count: c.n, FromID: a.locationID(t, "BAI"), ToID: a.locationID(t, "WWI"),
			Date: c.date, Criteria: moves.Criteria{Estate: moves.EstateJuvenileMale, SentenceLength: "any"}}, "pmu", listsToday)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.st.CancelAllocation(ctx, al.ID, "made_in_error", "", store.AllocationChange{By: "pmu", Role: moves.RolePMU}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, al.ID)
	}
	pmu := a.signIn(t, "pmu", "")
	var order []string
	pmu.page("/allocations/2026-12-14?status=cancelled&sort=moves_count&dir=desc", http.StatusOK).Find("tbody a").Each(func(_ int, s *goquery.Selection) {
		href := s.AttrOr("href", "")
		for _, id := range ids {
			if href == "/allocation/"+id {
				order = append(order, listsText(s))
			}
		}
	})
	if strings.Join(order, ", ") != "3 people, 1 person" {
		t.Errorf("cancelled allocations by size, largest first: %v", order)
	}
}

// The store takes what the API's contract makes optional (an estate, a
// date change's reason); the staff pages still ask for them, and an
// allocation made without an estate says so.
func TestAllocationPagesStillAskWhatTheAPIMakesOptional(t *testing.T) {
	a := newListsApp(t)
	ctx := context.Background()
	pmu := a.signIn(t, "pmu", "")
	bai, wwi := a.locationID(t, "BAI"), a.locationID(t, "WWI")
	// The wizard's criteria page needs an estate.
	details := url.Values{"moves_count": {"2"}, "from_location": {bai}, "to_location": {wwi}, "date": {"2026-12-10"}}
	criteria := "/allocation/new/criteria?" + details.Encode()
	form := reqCloneValues(details)
	for k, v := range map[string]string{"sentence_length": "any", "complete_in_full": "no", "has_other_criteria": "no"} {
		form.Set(k, v)
	}
	res := allocPost(pmu, criteria, "/allocation/new/criteria", form)
	if doc := reqDoc(t, res); res.StatusCode != http.StatusUnprocessableEntity || doc.Find(`.govuk-error-summary a[href="#estate"]`).Length() != 1 {
		t.Fatalf("criteria without an estate: %d %s", res.StatusCode, listsText(doc.Find(".govuk-error-summary")))
	}
	// An allocation made through the API without an estate.
	al, err := a.st.CreateAllocation(ctx, moves.NewAllocation{Count: 2, FromID: bai, ToID: wwi, Date: "2026-12-10",
		Criteria: moves.Criteria{SentenceLength: "any"}}, "api", listsToday)
	if err != nil {
		t.Fatal(err)
	}
	base := "/allocation/" + al.ID
	var estate string
	pmu.page(base, http.StatusOK).Find(".govuk-summary-list__row").Each(func(_ int, r *goquery.Selection) {
		if listsText(r.Find(".govuk-summary-list__key")) == "Estate" {
			estate = listsText(r.Find(".govuk-summary-list__value"))
		}
	})
	if estate != "Not given" {
		t.Errorf("the estate of an allocation made without one reads %q", estate)
	}
	// The date form needs a reason, and says what else is wrong.
	date := base + "/date"
	res = allocPost(pmu, date, date, url.Values{"date-day": {"14"}, "date-month": {"12"}, "date-year": {"2026"}})
	if doc := reqDoc(t, res); res.StatusCode != http.StatusUnprocessableEntity || doc.Find(`.govuk-error-summary a[href="#reason"]`).Length() != 1 {
		t.Fatalf("a date change without a reason: %d %s", res.StatusCode, listsText(doc.Find(".govuk-error-summary")))
	}
	res = allocPost(pmu, date, date, url.Values{"date-day": {"1"}, "date-month": {"1"}, "date-year": {"2020"}})
	if doc := reqDoc(t, res); res.StatusCode != http.StatusUnprocessableEntity || doc.Find(`.govuk-error-summary a[href="#reason"]`).Length() != 1 ||
		doc.Find(`.govuk-error-summary a[href="#date-day"]`).Length() != 1 {
		t.Fatalf("a past date without a reason: %d %s", res.StatusCode, listsText(doc.Find(".govuk-error-summary")))
	}
	if got, _ := a.st.Allocation(ctx, al.ID); got.Date != "2026-12-10" {
		t.Fatalf("a refused date change moved the allocation to %s", got.Date)
	}
}
