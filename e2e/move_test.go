//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The move page journeys: approve, reject with rebook, cancel, redirect, a
// live update and a court user's read-only view. Fixture moves are made
// straight in the server's database (the same SQLite file, opened by the
// test process), as a prison or police user would have requested them.

// mvLongDate is "Friday 4 December 2026".
func mvLongDate(d string) string {
	t, _ := time.Parse(time.DateOnly, d)
	return t.Format("Monday 2 January 2006")
}

// mvEnv is a running server and its database.
type mvEnv struct {
	srv  *Server
	st   *store.Store
	locs map[string]moves.Location // by code
	n    atomic.Int64
}

func newMvEnv(t *testing.T) *mvEnv {
	t.Helper()
	srv := startServer(t)
	st := srv.Store(t)
	ls, err := st.Locations(context.Background(), store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	env := &mvEnv{srv: srv, st: st, locs: map[string]moves.Location{}}
	for _, l := range ls {
		env.locs[l.Code] = l
	}
	return env
}

// move books a move for a new person, as createdBy, and returns it with
// the person's name.
func (env *mvEnv) move(t *testing.T, nm store.NewMove, createdBy string) (moves.Move, string) {
	t.Helper()
	ctx := context.Background()
	n := env.n.Add(1)
	p := moves.Person{FirstNames: "Alex", LastName: fmt.Sprintf("Journey%s%d", strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, t.Name()), n), DateOfBirth: "1991-05-17", Gender: "male", CreatedBy: createdBy}
	if err := env.st.CreatePerson(ctx, &p, londonDay(0)); err != nil {
		t.Fatal(err)
	}
	nm.PersonID, nm.CreatedBy = p.ID, createdBy
	nm.Flags = []moves.Flag{{Category: moves.FlagRisk, Key: "violent", Details: "Assaulted staff during arrest"}}
	m, err := env.st.CreateMove(ctx, nm)
	if err != nil {
		t.Fatalf("create move: %v", err)
	}
	return m, p.FullName()
}

// event appends an event to a move as its supplier's system would.
func (env *mvEnv) event(t *testing.T, m moves.Move, typ moves.EventType, details map[string]any) {
	t.Helper()
	now := time.Now().UTC()
	e, _, err := env.st.AppendEvent(context.Background(), moves.Event{Type: typ, MoveID: m.ID, OccurredAt: now, RecordedAt: now,
		CreatedBy: "serco-api", SupplierID: m.SupplierID, Details: details}, store.AppendOptions{})
	if err != nil || !e.Applied {
		t.Fatalf("append %s: %v %s", typ, err, e.Reason)
	}
}

func (env *mvEnv) url(path string) string { return env.srv.BaseURL + path }

func mvButton(page playwright.Page, name string) playwright.Locator {
	return page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

func mvLabel(page playwright.Page, label string) playwright.Locator {
	return page.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
}

// mvClick clicks a button and waits for the page it leads to.
func mvClick(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	btn, err := mvButton(page, name).ElementHandle()
	must(t, err, "find %q", name)
	must(t, btn.Click(), "click %q", name)
	// With JavaScript the form is submitted in place (htmx), so there is no
	// page load to wait for: wait until the page that held the button has
	// been replaced, whichever way it happened.
	if err := btn.WaitForElementState("hidden"); err != nil && !strings.Contains(err.Error(), "not attached") {
		must(t, err, "leave the page after %q", name) // detached already is what we wait for
	}
	must(t, page.WaitForLoadState(), "load after %q", name)
}

// mvSuccess checks the success banner after an action.
func mvSuccess(t *testing.T, page playwright.Page, title, text string) {
	t.Helper()
	banner := page.Locator(".govuk-notification-banner--success")
	must(t, expect.Locator(banner).ToContainText(title), "success banner %q", title)
	if text != "" {
		must(t, expect.Locator(banner).ToContainText(text), "success banner text %q", text)
	}
}

func mvStatus(t *testing.T, page playwright.Page, status string) {
	t.Helper()
	must(t, expect.Locator(page.Locator("#move-status")).ToContainText(status), "status %q", status)
}

// mvChooseLocation makes title the current location.
func mvChooseLocation(t *testing.T, page playwright.Page, env *mvEnv, title string) {
	t.Helper()
	goTo(t, page, env.url("/locations"))
	must(t, mvLabel(page, title).Check(), "choose %s", title)
	mvClick(t, page, "Continue")
}

// mvListShows checks whether a day's list shows a move (by reference).
func mvListShows(t *testing.T, page playwright.Page, env *mvEnv, path, ref string, want bool) {
	t.Helper()
	goTo(t, page, env.url(path))
	checkA11y(t, page)
	n := 0
	if want {
		n = 1
	}
	must(t, expect.Locator(page.Locator("main").GetByText(ref, playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)})).ToHaveCount(n),
		"%s shows %s %d times", path, ref, n)
}

// A prison's proposed transfer: PMU approves it for a date, and it shows in
// the prison's outgoing list and the receiving prison's incoming list for
// that date.
func TestMoveApproveJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "approve", func(t *testing.T, js bool) {
		m, name := env.move(t, store.NewMove{MoveType: moves.PrisonTransfer, FromID: env.locs["BXI"].ID, ToID: env.locs["WWI"].ID,
			DateFrom: londonDay(2), DateTo: londonDay(9)}, "prison")
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "pmu")
		goTo(t, page, env.url("/move/"+m.ID))
		must(t, expect.Locator(page.Locator("h1")).ToHaveText(name), "h1")
		must(t, expect.Locator(page.Locator("#move-live")).ToContainText("This request needs to be reviewed by PMU"), "proposed banner")
		mvStatus(t, page, "Proposed")
		checkA11y(t, page)

		mvClick(t, page, "Approve")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Approve this request"), "approve form")
		checkA11y(t, page)
		// Outside the window first: the error is shown against the field.
		must(t, mvLabel(page, "Day").Fill("1"), "day")
		must(t, mvLabel(page, "Month").Fill("1"), "month")
		must(t, mvLabel(page, "Year").Fill("2020"), "year")
		mvClick(t, page, "Approve and request the move")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("today or in the future"), "error summary")
		checkA11y(t, page)
		date := londonDay(3)
		d, _ := time.Parse(time.DateOnly, date)
		must(t, mvLabel(page, "Day").Fill(fmt.Sprint(d.Day())), "day")
		must(t, mvLabel(page, "Month").Fill(fmt.Sprint(int(d.Month()))), "month")
		must(t, mvLabel(page, "Year").Fill(fmt.Sprint(d.Year())), "year")
		mvClick(t, page, "Approve and request the move")
		mvSuccess(t, page, "Move approved", "The move is now requested with Serco for "+mvLongDate(date))
		mvStatus(t, page, "Requested")
		// The approval is in the timeline; the demo receiver may already have
		// been sent the request, so a "Supplier told" entry can stand above it.
		must(t, expect.Locator(page.Locator("#move-timeline .moj-timeline__item").Filter(playwright.LocatorFilterOptions{HasText: "Move approved"})).ToHaveCount(1), "timeline")
		checkA11y(t, page)

		// The prison's outgoing list and the receiving prison's incoming list
		// for that date.
		prison := newPage(t, js)
		signIn(t, prison, env.srv.BaseURL, "prison")
		mvListShows(t, prison, env, "/moves/outgoing/"+date, m.Reference, true)
		mvChooseLocation(t, page, env, "HMP Wandsworth")
		mvListShows(t, page, env, "/moves/incoming/"+date, m.Reference, true)
		mvListShows(t, page, env, "/moves/incoming/"+londonDay(2), m.Reference, false)
	})
}

// PMU rejects a proposed move with rebook: a new proposed move exists,
// seven days later, linked from the rejected one.
func TestMoveRejectJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "reject with rebook", func(t *testing.T, js bool) {
		m, _ := env.move(t, store.NewMove{MoveType: moves.PrisonTransfer, FromID: env.locs["BXI"].ID, ToID: env.locs["HOI"].ID,
			DateFrom: londonDay(2), DateTo: londonDay(5)}, "prison")
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "pmu")
		goTo(t, page, env.url("/move/"+m.ID))
		mvClick(t, page, "Reject")
		checkA11y(t, page)
		mvClick(t, page, "Reject the request")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("Select why you are rejecting the request"), "error summary")
		checkA11y(t, page)
		must(t, mvLabel(page, "No space at the receiving prison").Check(), "reason")
		must(t, mvLabel(page, "Rebook in 7 days").Check(), "rebook")
		must(t, mvLabel(page, "More information (optional)").Fill("Full until next week"), "comment")
		mvClick(t, page, "Reject the request")
		mvSuccess(t, page, "Request rejected", "No space at the receiving prison")
		mvStatus(t, page, "Cancelled")
		checkA11y(t, page)

		nb, err := env.st.RebookedFrom(context.Background(), m.ID)
		if err != nil {
			t.Fatalf("no rebooked move: %v", err)
		}
		if nb.Status != moves.StatusProposed || nb.DateFrom != londonDay(9) || nb.DateTo != londonDay(12) {
			t.Errorf("rebooked move is %s from %s to %s, want proposed from %s to %s", nb.Status, nb.DateFrom, nb.DateTo, londonDay(9), londonDay(12))
		}
		link := page.Locator("#move-live .moj-banner").GetByRole(*playwright.AriaRoleLink)
		must(t, expect.Locator(link).ToContainText(nb.Reference), "link to the rebooked move")
		must(t, link.Click(), "follow it")
		must(t, page.WaitForLoadState(), "load")
		must(t, expect.Locator(page.Locator(".govuk-caption-l")).ToHaveText("Move reference "+nb.Reference), "rebooked move's page")
		mvStatus(t, page, "Proposed")
		earliest := page.Locator("#move-details .govuk-summary-list__row", playwright.PageLocatorOptions{HasText: "Earliest date"})
		must(t, expect.Locator(earliest).ToContainText(mvLongDate(londonDay(9))), "earliest date")
		checkA11y(t, page)
	})
}

// A custody officer cancels a move from their custody suite.
func TestMoveCancelJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "cancel", func(t *testing.T, js bool) {
		m, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
			Date: londonDay(1)}, "police")
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "police") // chooses Guildford, the first of their locations
		goTo(t, page, env.url("/move/"+m.ID))
		checkA11y(t, page)
		mvClick(t, page, "Cancel move")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Cancel this move"), "cancel form")
		checkA11y(t, page)
		must(t, mvLabel(page, "Case not ready for court").Check(), "reason")
		mvClick(t, page, "Cancel the move")
		mvSuccess(t, page, "Move cancelled", "Case not ready for court")
		mvStatus(t, page, "Cancelled")
		must(t, expect.Locator(page.Locator("#move-live .moj-banner")).ToContainText("Reason: Case not ready for court"), "cancelled banner")
		must(t, expect.Locator(page.Locator("#move-actions")).ToHaveCount(0), "no actions left")
		checkA11y(t, page)
		if got, _ := env.st.Move(context.Background(), m.ID); got.Status != moves.StatusCancelled || got.Cancellation.Reason != "case_not_court_ready" {
			t.Errorf("move is %s (%+v)", got.Status, got.Cancellation)
		}
	})
}

// A custody officer's cancel form, sent after the supplier changed the
// move: the "This move has changed" page, with JavaScript on as off (htmx
// swaps the 409's page in rather than dropping it), and nothing changed.
func TestMoveStaleFormJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "stale cancel", func(t *testing.T, js bool) {
		m, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
			Date: londonDay(1)}, "police")
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "police")
		goTo(t, page, env.url("/move/"+m.ID+"/cancel"))
		must(t, mvLabel(page, "Case not ready for court").Check(), "reason")
		env.event(t, m, moves.EventMoveAccept, nil)
		mvClick(t, page, "Cancel the move")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("This move has changed"), "the changed-meanwhile page")
		must(t, expect.Locator(page.Locator("main")).ToContainText("The move is now booked."), "what it is now")
		checkA11y(t, page)
		if got, _ := env.st.Move(context.Background(), m.ID); got.Status != moves.StatusBooked {
			t.Errorf("move is %s, want booked", got.Status)
		}
	})
}

// PMU redirects a court appearance to another court: it leaves the first
// court's incoming list and joins the second's.
func TestMoveRedirectJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "redirect", func(t *testing.T, js bool) {
		date := londonDay(1)
		m, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
			Date: date}, "police")
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "pmu")
		mvChooseLocation(t, page, env, "Guildford Crown Court")
		mvListShows(t, page, env, "/moves/incoming/"+date, m.Reference, true)
		mvChooseLocation(t, page, env, "Guildford Magistrates' Court")
		mvListShows(t, page, env, "/moves/incoming/"+date, m.Reference, false)

		goTo(t, page, env.url("/move/"+m.ID))
		mvClick(t, page, "Change destination")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Change the destination"), "redirect form")
		checkA11y(t, page)
		_, err := mvLabel(page, "New destination").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Guildford Magistrates' Court (Court)"}})
		must(t, err, "choose the destination")
		must(t, mvLabel(page, "No space at the destination").Check(), "reason")
		mvClick(t, page, "Change the destination")
		mvSuccess(t, page, "Destination changed", "The move now goes to Guildford Magistrates' Court")
		must(t, expect.Locator(page.Locator("#move-to")).ToHaveText("Guildford Magistrates' Court"), "new destination")
		must(t, expect.Locator(page.Locator("#move-timeline")).ToContainText("Redirected to Guildford Magistrates' Court because there was no space."), "timeline")
		checkA11y(t, page)

		mvListShows(t, page, env, "/moves/incoming/"+date, m.Reference, true)
		mvChooseLocation(t, page, env, "Guildford Crown Court")
		mvListShows(t, page, env, "/moves/incoming/"+date, m.Reference, false)
	})
}

// An event the supplier posts shows on an open move page within 15
// seconds, with the new status, without reloading the page.
func TestMoveLiveJourney(t *testing.T) {
	env := newMvEnv(t)
	m, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
		Date: londonDay(0)}, "police")
	env.event(t, m, moves.EventMoveAccept, nil)
	page := newPage(t, true)
	signIn(t, page, env.srv.BaseURL, "police")
	goTo(t, page, env.url("/move/"+m.ID))
	mvStatus(t, page, "Booked")
	checkA11y(t, page)
	// A mark that a reload would wipe.
	_, err := page.Evaluate(`() => { window.__moveMark = 'still here' }`)
	must(t, err, "mark the page")

	env.event(t, m, moves.EventMoveStart, nil)
	env.event(t, m, moves.EventMoveNotifyPremisesOfEta, map[string]any{"expected_at": time.Now().Add(40 * time.Minute).UTC().Format(time.RFC3339)})

	// The page polls every 10 s: 25 s allows for a poll just missed.
	live := playwright.LocatorAssertionsToContainTextOptions{Timeout: playwright.Float(25_000)}
	must(t, expect.Locator(page.Locator("#move-timeline")).ToContainText("Expected arrival time", live), "the new event by the next poll")
	must(t, expect.Locator(page.Locator("#move-timeline")).ToContainText("Move in transit"), "the start")
	mvStatus(t, page, "In transit")
	if mark, err := page.Evaluate(`() => window.__moveMark`); err != nil || mark != "still here" {
		t.Errorf("the page reloaded (mark %v, %v)", mark, err)
	}
	// In transit, the police may no longer change it.
	must(t, expect.Locator(page.Locator("#move-actions")).ToHaveCount(0), "no actions in transit")
	checkA11y(t, page)
}

// A court user cannot see a move unrelated to their court, and gets no
// action buttons on one to it.
func TestMoveCourtUserJourney(t *testing.T) {
	env := newMvEnv(t)
	related, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
		Date: londonDay(1)}, "police")
	unrelated, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["BXI"].ID, ToID: env.locs["SWRKCC"].ID,
		Date: londonDay(1)}, "prison")
	page := newPage(t, true)
	signIn(t, page, env.srv.BaseURL, "court")

	for _, path := range []string{"/move/" + unrelated.ID, "/move/" + unrelated.ID + "/cancel", "/move/" + unrelated.ID + "/timeline"} {
		resp, err := page.Goto(env.url(path))
		must(t, err, "GET %s", path)
		if resp.Status() != 404 {
			t.Errorf("GET %s = %d, want 404", path, resp.Status())
		}
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Page not found"), "not found page")
		checkA11y(t, page)
	}

	goTo(t, page, env.url("/move/"+related.ID))
	mvStatus(t, page, "Requested")
	must(t, expect.Locator(page.Locator("#move-actions")).ToHaveCount(0), "no actions")
	for _, name := range []string{"Approve", "Reject", "Change date", "Change destination", "Cancel move"} {
		must(t, expect.Locator(mvButton(page, name)).ToHaveCount(0), "no %q", name)
	}
	checkA11y(t, page)
	resp, err := page.Goto(env.url("/move/" + related.ID + "/cancel"))
	must(t, err, "GET cancel")
	if resp.Status() != 403 {
		t.Errorf("a court user's cancel form = %d, want 403", resp.Status())
	}
	must(t, expect.Locator(page.Locator("h1")).ToHaveText(regexp.MustCompile("permission")), "forbidden page")
	checkA11y(t, page)
}

// With JavaScript, a move action's validation error is shown in place: the
// page is not reloaded (a marker set on the window survives), the error
// summary links to the field, and the address is the form's.
func TestMoveValidationInPlace(t *testing.T) {
	env := newMvEnv(t)
	m, _ := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
		Date: londonDay(1)}, "police")
	page := newPage(t, true)
	signIn(t, page, env.srv.BaseURL, "police")
	goTo(t, page, env.url("/move/"+m.ID+"/cancel"))
	_, err := page.Evaluate(`() => { window.__notReloaded = true }`)
	must(t, err, "mark the window")
	must(t, mvButton(page, "Cancel the move").Click(), "submit without a reason")
	summary := page.Locator(".govuk-error-summary")
	must(t, expect.Locator(summary).ToBeVisible(), "error summary")
	must(t, expect.Locator(summary.Locator("a")).ToHaveCount(1), "one error")
	kept, err := page.Evaluate(`() => window.__notReloaded === true`)
	must(t, err, "read the marker")
	if kept != true {
		t.Fatal("the page was reloaded: the form was not submitted in place")
	}
	checkA11y(t, page)
	if got, _ := env.st.Move(context.Background(), m.ID); got.Status == moves.StatusCancelled {
		t.Fatal("an invalid form cancelled the move")
	}
}
