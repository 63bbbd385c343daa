package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// PMU's overnight lodges (issue 11): add, change and cancel, as GOV.UK
// question pages that work without JavaScript; the move's page and the
// day's list say the move includes one.

func (a *mvApp) lodgings(id string) []moves.Lodging {
	a.t.Helper()
	ls, err := a.st.MoveLodgings(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return ls
}

// lodgeForm is a submission of the lodge form for move m.
func lodgeForm(c *mvClient, m moves.Move, kv ...string) url.Values {
	v := url.Values{"version": {fmt.Sprint(m.Version)}, "_csrf": {c.csrf("/move/" + m.ID)}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// wantFormErrors posts a form expecting it back (422) with an error
// summary linking to each of the fields, and nothing stored.
func wantFormErrors(t *testing.T, a *mvApp, c *mvClient, m moves.Move, path string, form url.Values, fields ...string) {
	t.Helper()
	before := len(a.events(m.ID))
	res := c.post(path, form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("POST %s %v = %d, want 422", path, form, res.StatusCode)
	}
	doc := mvDoc(t, res)
	summary := doc.Find(".govuk-error-summary")
	for _, f := range fields {
		link := summary.Find(`a[href="#` + f + `"]`)
		if link.Length() != 1 {
			t.Errorf("no error summary link to #%s: %s", f, mvText(summary))
		}
		if doc.Find("#"+f).Length() != 1 {
			t.Errorf("the summary links to #%s, which is not on the page", f)
		}
	}
	if n := len(a.events(m.ID)); n != before {
		t.Errorf("an invalid form recorded %d events", n-before)
	}
}

func TestMoveLodgeAddChangeCancel(t *testing.T) {
	a := newMvApp(t)
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvCourt, moves.StatusBooked)
	movePath := "/move/" + m.ID

	// The move page offers PMU the lodge.
	page := pmu.page(movePath, http.StatusOK)
	add := page.Find(`#move-actions a[href="` + movePath + `/lodge"]`)
	if add.Length() != 1 || mvText(add) != "Add an overnight lodge" {
		t.Fatalf("no button to add a lodge: %s", mvText(page.Find("#move-actions")))
	}
	form := pmu.page(movePath+"/lodge", http.StatusOK)
	if form.Find(`select#location option[value="`+a.locs["SRY014"]+`"]`).Length() != 1 ||
		form.Find(`select#location option[value="`+a.locs["SRY016"]+`"]`).Length() != 0 {
		t.Error("the places offered: Staines yes, the move's own start no")
	}
	if form.Find(`input[name="nights"]`).Length() != 3 || !strings.Contains(mvText(form.Find("form")), "The person will lodge from "+strings.TrimSpace(mvLong(m.Date))) {
		t.Errorf("nights question: %s", mvText(form.Find("form")))
	}

	// Invalid answers: errors linked to their fields, nothing stored.
	wantFormErrors(t, a, pmu, m, movePath+"/lodge", lodgeForm(pmu, m), "location", "nights")
	wantFormErrors(t, a, pmu, m, movePath+"/lodge", lodgeForm(pmu, m, "location", a.locs["SRY014"], "nights", "other"), "nights_other")
	wantFormErrors(t, a, pmu, m, movePath+"/lodge", lodgeForm(pmu, m, "location", a.locs["SRY014"], "nights", "other", "nights_other", "40"), "nights_other")
	wantFormErrors(t, a, pmu, m, movePath+"/lodge", lodgeForm(pmu, m, "location", a.locs["GUILCC"], "nights", "1"), "location")

	// Two nights at Staines: 303 to the move, which says so. Sent again
	// (a double click), the one lodge is added.
	addForm := lodgeForm(pmu, m, "location", a.locs["SRY014"], "nights", "2",
		"submission", pmu.page(movePath+"/lodge", http.StatusOK).Find(`input[name="submission"]`).AttrOr("value", ""))
	var res *http.Response
	for range 2 {
		res = pmu.post(movePath+"/lodge", addForm)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != movePath {
			t.Fatalf("add = %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
	}
	ls := a.lodgings(m.ID)
	if len(ls) != 1 || ls[0].LocationID != a.locs["SRY014"] || ls[0].StartDate != m.Date || ls[0].EndDate != moves.AddDays(m.Date, 2) || ls[0].CreatedBy != "pmu" {
		t.Fatalf("lodgings %+v", ls)
	}
	lodge := ls[0]
	page = pmu.page(movePath, http.StatusOK)
	banner := mvText(page.Find(`[aria-label="This move includes an overnight lodge"]`))
	if !strings.Contains(banner, "At Staines Police Station from "+mvLong(m.Date)) || !strings.Contains(banner, "(2 nights)") {
		t.Errorf("banner %q", banner)
	}
	card := page.Find("#lodge-" + lodge.ID)
	if rows := mvRows(card); !strings.Contains(rows, "Where Staines Police Station") || !strings.Contains(rows, "Nights 2") || !strings.Contains(rows, "Status Proposed") {
		t.Errorf("lodge card %q", rows)
	}
	if card.Find(`a[href="`+movePath+`/lodge/`+lodge.ID+`"]`).Length() != 1 || card.Find(`a[href="`+movePath+`/lodge/`+lodge.ID+`/cancel"]`).Length() != 1 {
		t.Errorf("the card's actions: %s", mvText(card.Find(".govuk-summary-card__actions")))
	}
	if tl := mvText(page.Find("#move-timeline")); !strings.Contains(tl, "The person will lodge overnight at Staines Police Station from "+mvLong(m.Date)) {
		t.Errorf("timeline %q", tl)
	}
	// The day's list carries the lodge on the move's card.
	list := pmu.page("/moves/outgoing/"+m.Date, http.StatusOK)
	if tags := mvText(list.Find("#move-" + m.ID + " .app-move-card__warnings")); !strings.Contains(tags, "Overnight lodge") {
		t.Errorf("card warnings %q", tags)
	}

	// Change: the form shows the lodge as it is; three nights at HMP
	// High Down instead. Change and cancel forms post back the lodge's
	// version (lv: as it is now).
	lv := func() string { return fmt.Sprint(a.lodgings(m.ID)[0].Version) }
	change := pmu.page(movePath+"/lodge/"+lodge.ID, http.StatusOK)
	if v := change.Find(`input[name="lodging_version"]`).AttrOr("value", ""); v != lv() {
		t.Errorf("the change form carries lodging_version %q, want %s", v, lv())
	}
	if v, _ := change.Find(`input[name="nights"][checked]`).Attr("value"); v != "2" {
		t.Errorf("nights checked %q", v)
	}
	if change.Find(`select#location option[selected]`).AttrOr("value", "") != a.locs["SRY014"] {
		t.Error("the lodge's place is not selected")
	}
	wantFormErrors(t, a, pmu, m, movePath+"/lodge/"+lodge.ID, lodgeForm(pmu, m, "lodging_version", lv(), "location", a.locs["SRY014"], "nights", "other", "nights_other", "none"), "nights_other")
	res = pmu.post(movePath+"/lodge/"+lodge.ID, lodgeForm(pmu, m, "lodging_version", lv(), "location", a.locs["HOI"], "nights", "other", "nights_other", "3"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change = %d", res.StatusCode)
	}
	if l := a.lodgings(m.ID)[0]; l.LocationID != a.locs["HOI"] || l.EndDate != moves.AddDays(m.Date, 3) {
		t.Fatalf("after the change %+v", l)
	}

	// Cancel: a reason is needed; then the lodge is gone from the page.
	cancelPath := movePath + "/lodge/" + lodge.ID + "/cancel"
	if txt := mvText(pmu.page(cancelPath, http.StatusOK).Find("main")); !strings.Contains(txt, "Cancel the overnight lodge") || !strings.Contains(txt, "HMP High Down") {
		t.Errorf("cancel page %q", txt)
	}
	wantFormErrors(t, a, pmu, m, cancelPath, lodgeForm(pmu, m, "lodging_version", lv()), "cancellation_reason")
	cancelForm := lodgeForm(pmu, m, "lodging_version", lv(), "cancellation_reason", "cancelled_by_pmu", "cancellation_reason_comment", "Space found at court")
	res = pmu.post(cancelPath, cancelForm)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel = %d", res.StatusCode)
	}
	// Sent again (a double click): the "changed meanwhile" page, naming
	// the cancellation, not a refusal.
	res = pmu.post(cancelPath, cancelForm)
	if txt := mvText(mvDoc(t, res).Find("main")); res.StatusCode != http.StatusConflict || !strings.Contains(txt, "Overnight lodge cancelled") {
		t.Fatalf("cancel sent again = %d: %s", res.StatusCode, txt)
	}
	if l := a.lodgings(m.ID)[0]; l.Status != moves.LodgingCancelled || l.CancellationComment != "Space found at court" {
		t.Fatalf("after cancelling %+v", l)
	}
	page = pmu.page(movePath, http.StatusOK)
	if page.Find(`[aria-label="This move includes an overnight lodge"]`).Length() != 0 || page.Find("#lodge-"+lodge.ID).Length() != 0 {
		t.Error("a cancelled lodge is still shown")
	}
	if tl := mvText(page.Find("#move-timeline")); !strings.Contains(tl, "Overnight lodge cancelled") || !strings.Contains(tl, "Reason: Cancelled by the Population Management Unit (PMU)") {
		t.Errorf("timeline %q", tl)
	}
	// A cancelled lodge cannot be changed or cancelled again.
	pmu.page(cancelPath, http.StatusForbidden)
	pmu.page(movePath+"/lodge/"+lodge.ID, http.StatusForbidden)
	pmu.page(movePath+"/lodge/"+"no-such-lodge", http.StatusNotFound)
}

// A change or cancel form made before the lodge changed is refused with
// the "changed meanwhile" page and changes nothing: lodge writes leave the
// move's version alone, so the lodge's own version is what tells.
func TestMoveLodgeStaleForm(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusBooked)
	pmu := a.signIn(t, "pmu", "")
	ctx := context.Background()
	lodge, err := a.st.CreateLodging(ctx, m.ID, moves.NewLodging{LocationID: a.locs["SRY014"], StartDate: m.Date, EndDate: moves.AddDays(m.Date, 1)}, store.RoadOptions{By: "fixture"})
	if err != nil {
		t.Fatal(err)
	}
	m = a.move(m.ID)
	path := "/move/" + m.ID + "/lodge/" + lodge.ID
	seen := pmu.page(path, http.StatusOK).Find(`input[name="lodging_version"]`).AttrOr("value", "")
	// Someone else makes it two nights meanwhile.
	if _, err := a.st.UpdateLodging(ctx, m.ID, lodge.ID, moves.LodgingChanges{EndDate: moves.AddDays(m.Date, 2)}, store.RoadOptions{By: "other"}); err != nil {
		t.Fatal(err)
	}
	if a.move(m.ID).Version != m.Version {
		t.Fatal("the lodge's change moved the move's version: this test no longer shows the lodge's own check")
	}
	res := pmu.post(path, lodgeForm(pmu, m, "lodging_version", seen, "location", a.locs["HOI"], "nights", "1"))
	if res.StatusCode != http.StatusConflict {
		t.Errorf("stale change = %d, want 409", res.StatusCode)
	} else if txt := mvText(mvDoc(t, res).Find("main")); !strings.Contains(txt, "changed while you were working on it") {
		t.Errorf("stale change page %q", txt)
	}
	res = pmu.post(path+"/cancel", lodgeForm(pmu, m, "lodging_version", seen, "cancellation_reason", "cancelled_by_pmu"))
	if res.StatusCode != http.StatusConflict {
		t.Errorf("stale cancel = %d, want 409", res.StatusCode)
	}
	if l := a.lodgings(m.ID)[0]; l.LocationID != a.locs["SRY014"] || l.Nights() != 2 || l.Status != moves.LodgingProposed {
		t.Errorf("a stale form changed the lodge: %+v", l)
	}
	// Without the lodge's version the form is not one of ours.
	if res := pmu.post(path+"/cancel", lodgeForm(pmu, m, "cancellation_reason", "cancelled_by_pmu")); res.StatusCode != http.StatusBadRequest {
		t.Errorf("no lodging_version = %d, want 400", res.StatusCode)
	}
}

// Only PMU lodges; others who see the move are refused, those who do not
// see it find nothing; a form from an older version of the move is a
// conflict; without JavaScript the form is a plain POST.
func TestMoveLodgeWhoMay(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusBooked)
	police := a.signIn(t, "police", "SRY016")
	police.page("/move/"+m.ID+"/lodge", http.StatusForbidden)
	if police.page("/move/"+m.ID, http.StatusOK).Find(`a[href="/move/`+m.ID+`/lodge"]`).Length() != 0 {
		t.Error("police are offered the lodge")
	}
	form := lodgeForm(police, m, "location", a.locs["SRY014"], "nights", "1")
	if res := police.post("/move/"+m.ID+"/lodge", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("police POST = %d", res.StatusCode)
	}
	prison := a.signIn(t, "prison", "")
	prison.page("/move/"+m.ID+"/lodge", http.StatusNotFound)

	pmu := a.signIn(t, "pmu", "")
	// A completed move gets no lodge.
	done := a.fixture(mvCourt, moves.StatusCompleted)
	pmu.page("/move/"+done.ID+"/lodge", http.StatusForbidden)
	// A stale form: the move changed meanwhile.
	stale := lodgeForm(pmu, m, "location", a.locs["SRY014"], "nights", "1")
	if _, _, err := a.st.AppendEvent(context.Background(), moves.Event{Type: moves.EventMoveStart, MoveID: m.ID, OccurredAt: mvNow, RecordedAt: mvNow,
		CreatedBy: "fixture"}, store.AppendOptions{By: "fixture"}); err != nil {
		t.Fatal(err)
	}
	if res := pmu.post("/move/"+m.ID+"/lodge", stale); res.StatusCode != http.StatusConflict {
		t.Errorf("stale form = %d, want 409", res.StatusCode)
	}
	if len(a.lodgings(m.ID)) != 0 {
		t.Error("a stale form added a lodge")
	}
	// The form has no script-only parts: it posts to itself with the
	// version and token, and the nights' other number is a plain input.
	doc := pmu.page("/move/"+m.ID+"/lodge", http.StatusOK)
	f := doc.Find(`form[method="post"][action="/move/` + m.ID + `/lodge"]`)
	if f.Find(`input[name="version"]`).Length() != 1 || f.Find(`input[name="_csrf"]`).Length() != 1 || f.Find(`input#nights_other`).Length() != 1 {
		t.Error("the lodge form is not a plain form")
	}
	// The other number sits under its choice, shown without a script
	// (no reveal: that would mark the radio aria-expanded).
	other := f.Find(`.govuk-radios__conditional:not(.govuk-radios__conditional--hidden) input#nights_other`)
	if other.Length() != 1 || f.Find(`[data-aria-controls]`).Length() != 0 {
		t.Error("the other number of nights is not shown under its choice")
	}
	if l := f.Find(`label[for="nights_other"]`).Text(); !strings.Contains(l, "if another number") {
		t.Errorf("the other number's label %q does not say what it belongs to", l)
	}
}

// Journey events appear on the move's timeline in plain English.
func TestMoveTimelineShowsJourneys(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusInTransit)
	ctx := context.Background()
	yes := true
	opt := store.RoadOptions{By: "Serco", SupplierID: m.SupplierID}
	j, err := a.st.CreateJourney(ctx, moves.NewJourney{MoveID: m.ID, SupplierID: m.SupplierID, FromID: m.FromID, ToID: m.ToID,
		Timestamp: mvNow.Add(-time.Hour), Billable: &yes}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.st.AppendJourneyEvent(ctx, moves.Event{JourneyID: j.ID, Type: moves.EventJourneyStart, OccurredAt: mvNow.Add(-50 * time.Minute),
		RecordedAt: mvNow.Add(-50 * time.Minute), Details: map[string]any{"vehicle_reg": "AB12 CDE"}}, opt); err != nil {
		t.Fatal(err)
	}
	pmu := a.signIn(t, "pmu", "")
	tl := mvText(pmu.page("/move/"+m.ID, http.StatusOK).Find("#move-timeline"))
	for _, want := range []string{
		"Journey 1 from Guildford Police Station to Guildford Crown Court was added",
		"Journey 1 from Guildford Police Station to Guildford Crown Court started, vehicle AB12 CDE",
		"Journey in progress",
	} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q: %s", want, tl)
		}
	}
}

// mvLong is a date as pages write it.
func mvLong(date string) string {
	d, _ := time.Parse(time.DateOnly, date)
	return d.Format("Monday 2 January 2006")
}

// TestLodgeNeverStartsInThePast: a move dated yesterday is still on the
// road (locked out); PMU adds a one-night lodge today. It starts tonight,
// not on the move's date, so the supplier's MoveLodgingStart there
// tonight applies.
func TestLodgeNeverStartsInThePast(t *testing.T) {
	a := newMvApp(t)
	ctx := context.Background()
	p := moves.Person{FirstNames: "Past", LastName: "Lodger", DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
	if err := a.st.CreatePerson(ctx, &p, mvDay(-3)); err != nil {
		t.Fatal(err)
	}
	m, err := a.st.CreateMove(ctx, store.NewMove{PersonID: p.ID, CreatedBy: "test", At: mvNow.Add(-72 * time.Hour),
		MoveType: moves.CourtAppearance, FromID: a.locs["SRY016"], ToID: a.locs["GUILCC"], Date: mvDay(-1)})
	if err != nil {
		t.Fatal(err)
	}
	for i, typ := range []moves.EventType{moves.EventMoveAccept, moves.EventMoveStart} {
		at := mvNow.Add(time.Duration(i-30) * time.Hour)
		if _, m, err = a.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: typ, OccurredAt: at, RecordedAt: at, CreatedBy: "fixture"}, store.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pmu := a.signIn(t, "pmu", "")
	if res := pmu.post("/move/"+m.ID+"/lodge", lodgeForm(pmu, m, "location", a.locs["SRY014"], "nights", "1")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add = %d", res.StatusCode)
	}
	ls := a.lodgings(m.ID)
	if len(ls) != 1 || ls[0].StartDate != mvDay(0) || ls[0].EndDate != mvDay(1) {
		t.Fatalf("the lodge added today is %+v; want tonight, %s to %s", ls, mvDay(0), mvDay(1))
	}
	ev, _, err := a.st.AppendEvent(ctx, moves.Event{MoveID: m.ID, Type: moves.EventMoveLodgingStart, OccurredAt: mvNow.Add(6 * time.Hour),
		RecordedAt: mvNow.Add(6 * time.Hour), CreatedBy: "Serco", Details: map[string]any{"reason": "overnight_lodging"},
		Rels: map[string]string{"location": a.locs["SRY014"]}}, store.AppendOptions{})
	if err != nil || !ev.Applied {
		t.Errorf("tonight's MoveLodgingStart at the lodge: %v, not applied: %s", err, ev.Reason)
	}
}

// TestMoveWithALodgeKeepsItsDate: a lodge's nights follow from its move's
// date, so once a move has one the date change is neither offered nor
// taken (403), and the move and its lodge keep their dates.
func TestMoveWithALodgeKeepsItsDate(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusBooked)
	pmu := a.signIn(t, "pmu", "")
	movePath := "/move/" + m.ID
	if doc := pmu.page(movePath, http.StatusOK); doc.Find(`a[href="`+movePath+`/date"]`).Length() != 1 {
		t.Fatal("without a lodge, PMU is not offered to change the date")
	}
	if res := pmu.post(movePath+"/lodge", lodgeForm(pmu, m, "location", a.locs["SRY014"], "nights", "1")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add lodge = %d", res.StatusCode)
	}
	m = a.move(m.ID)
	if doc := pmu.page(movePath, http.StatusOK); doc.Find(`a[href="`+movePath+`/date"]`).Length() != 0 {
		t.Error("with a lodge, PMU is offered to change the date")
	}
	form := a.validForm(moves.ActionChangeDate, m)
	form.Set("_csrf", pmu.csrf(movePath))
	if res := pmu.post(movePath+"/date", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("changing the date of a move with a lodge: %d, want 403", res.StatusCode)
	}
	after, ls := a.move(m.ID), a.lodgings(m.ID)
	if after.Date != m.Date || ls[0].StartDate != m.Date {
		t.Errorf("the move is on %s and its lodge from %s; want both on %s", after.Date, ls[0].StartDate, m.Date)
	}
}
