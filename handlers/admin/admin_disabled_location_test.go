package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
)

// The reviewer's case: disabling a location once hid the moves already
// booked from or to it from its own staff (404), though README promises
// such moves keep it.
func TestRev3DisabledLocationHidesBookedMovesFromItsStaff(t *testing.T) {
	e, admin := asAdmin(t)
	m := e.Move("BXI", "GUILCC", moves.CourtAppearance, "2026-11-24")
	prison := adminSignIn(t, e, "prison")
	prison.get("/move/"+m.ID).Want(t, http.StatusOK)
	page := "/admin/locations/" + e.Loc("BXI")
	admin.done(page+"/disable", admForm(admin.csrfOf(page)))
	if r := prison.get("/move/" + m.ID); r.Code != http.StatusOK {
		t.Fatalf("after Brixton was disabled, its prison staff get %d for a move already booked from it, want 200", r.Code)
	}
}

// Staff of a disabled location keep working its moves already booked: they
// see them in its lists, act on them as before (cancel), and still see
// moves to it; but no move is requested from it, and the chooser of a
// user who holds it says it is no longer in use. A signed-in session
// notices at once (no new sign-in needed).
func TestDisabledLocationKeepsItsBookedMovesForItsStaff(t *testing.T) {
	e, admin := asAdmin(t)
	out := e.Move("BXI", "GUILCC", moves.CourtAppearance, "2026-11-24")
	in := e.Move("SRY016", "BXI", moves.PrisonRemand, "2026-11-24")
	prison := adminSignIn(t, e, "prison")
	police := admSignInAt(t, e, "police", "SRY014")

	disable := func(code string) {
		t.Helper()
		page := "/admin/locations/" + e.Loc(code)
		admin.done(page+"/disable", admForm(admin.csrfOf(page)))
	}
	disable("BXI")

	// Seen, in its lists, and acted on as before.
	prison.get("/move/"+in.ID).Want(t, http.StatusOK)
	if doc := prison.doc("/moves/outgoing/2026-11-24", http.StatusOK); !strings.Contains(handlertest.Text(doc.Find("main")), out.Reference) {
		t.Errorf("Brixton's outgoing list no longer shows %s", out.Reference)
	}
	if doc := prison.doc("/moves/incoming/2026-11-24", http.StatusOK); !strings.Contains(handlertest.Text(doc.Find("main")), in.Reference) {
		t.Errorf("Brixton's incoming list no longer shows %s", in.Reference)
	}
	cancel := "/move/" + out.ID + "/cancel"
	form := url.Values{}
	prison.doc(cancel, http.StatusOK).Find(`main form input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		form.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	form.Set("cancellation_reason", "other")
	form.Set("cancellation_reason_comment", "court closed")
	prison.done(cancel, form)
	if got, err := e.St.Move(e.Ctx, out.ID); err != nil || got.Status != moves.StatusCancelled {
		t.Fatalf("prison staff could not cancel a move from their disabled prison: %v %v", got.Status, err)
	}

	// The header says so.
	if got := handlertest.Text(prison.doc("/", http.StatusOK).Find("header")); !strings.Contains(got, "HMP Brixton (no longer in use)") {
		t.Errorf("the header of Brixton's staff: %q", got)
	}

	// No new move from it.
	r := prison.get("/move/new")
	if r.Code != http.StatusForbidden || !strings.Contains(handlertest.Text(prison.page(r).Find("main")), "HMP Brixton is no longer in use") {
		t.Fatalf("a request from a disabled prison: %d\n%s", r.Code, handlertest.Text(prison.page(r).Find("main")))
	}

	// An officer holding two suites, one disabled, is offered both, the
	// disabled one marked; choosing it is for its moves already booked.
	disable("SRY016")
	doc := police.doc("/locations", http.StatusOK)
	var offered []string
	doc.Find(".govuk-radios__item").Each(func(_ int, item *goquery.Selection) {
		offered = append(offered, handlertest.Text(item))
	})
	if len(offered) != 2 || !strings.Contains(strings.Join(offered, "|"), "No longer in use") {
		t.Fatalf("the chooser offers %q, want both suites, the disabled one marked", offered)
	}
	police.get("/move/"+in.ID).Want(t, http.StatusOK)
	police.done("/locations", admForm(police.csrfOf("/locations"), "location", e.Loc("SRY016"), "next", "/"))
	if r := police.get("/move/new"); r.Code != http.StatusForbidden {
		t.Fatalf("a request from a disabled suite chosen: %d", r.Code)
	}
}

// PMU who chose a region keep seeing, in its lists, the moves already
// booked at one of its locations once it is disabled.
func TestDisabledLocationStaysInItsRegionsLists(t *testing.T) {
	e, admin := asAdmin(t)
	m := e.Move("BXI", "GUILCC", moves.CourtAppearance, "2026-11-24")
	brixton, err := e.St.Location(e.Ctx, e.Loc("BXI"))
	if err != nil || brixton.RegionID == "" {
		t.Fatalf("Brixton's region: %+v %v", brixton, err)
	}
	pmu := adminSignIn(t, e, "pmu")
	pmu.done("/locations", admForm(pmu.csrfOf("/locations"), "location", "region:"+brixton.RegionID, "next", "/"))
	listed := func() bool {
		doc := pmu.doc("/moves/outgoing/2026-11-24", http.StatusOK)
		return strings.Contains(handlertest.Text(doc.Find("main")), m.Reference)
	}
	if !listed() {
		t.Fatalf("%s is not in its region's outgoing list", m.Reference)
	}
	page := "/admin/locations/" + brixton.ID
	admin.done(page+"/disable", admForm(admin.csrfOf(page)))
	if !listed() {
		t.Fatalf("once Brixton was disabled, %s left its region's outgoing list", m.Reference)
	}
}
