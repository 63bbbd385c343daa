//go:build e2e

package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// PMU rejects a prison's request because more information is required;
// the prison adds it and sends the request again; PMU finds the new
// request in review, linked to the rejected one. JavaScript on (the
// handler tests cover the form without it).
func TestMoveResubmitJourney(t *testing.T) {
	env := newMvEnv(t)
	m, _ := env.move(t, store.NewMove{MoveType: moves.PrisonTransfer, FromID: env.locs["BXI"].ID, ToID: env.locs["HOI"].ID,
		DateFrom: londonDay(2), DateTo: londonDay(5)}, "prison")

	pmu := newPage(t, true)
	signIn(t, pmu, env.srv.BaseURL, "pmu")
	goTo(t, pmu, env.url("/move/"+m.ID))
	mvClick(t, pmu, "Reject")
	must(t, mvLabel(pmu, "More information is needed").Check(), "reason")
	must(t, mvLabel(pmu, "Do not rebook").Check(), "no rebook")
	must(t, mvLabel(pmu, "More information (optional)").Fill("Has the receiving prison agreed?"), "comment")
	checkA11y(t, pmu)
	mvClick(t, pmu, "Reject the request")
	mvSuccess(t, pmu, "Request rejected", "")
	mvStatus(t, pmu, "Cancelled")
	checkA11y(t, pmu)

	prison := newPage(t, true)
	signIn(t, prison, env.srv.BaseURL, "prison")
	goTo(t, prison, env.url("/move/"+m.ID))
	mvClick(t, prison, "Add information and send again") // a link styled (and named) as a button
	must(t, expect.Locator(prison.Locator("main")).ToContainText("PMU said: Has the receiving prison agreed?"), "what PMU asked")
	checkA11y(t, prison)
	ukDate := func(d string) string { x, _ := time.Parse(time.DateOnly, d); return x.Format("02/01/2006") }
	must(t, mvLabel(prison, "What information can you add?").Fill("HMP Holloway agreed by phone"), "information")
	must(t, mvLabel(prison, "Earliest date of travel").Fill(ukDate(londonDay(3))), "earliest date")
	must(t, mvLabel(prison, "Latest date of travel (optional)").Fill(ukDate(londonDay(6))), "latest date")
	mvClick(t, prison, "Send the request again")
	mvSuccess(t, prison, "Request sent again", "")
	mvStatus(t, prison, "Proposed")
	checkA11y(t, prison)

	next, err := env.st.RebookedFrom(context.Background(), m.ID)
	if err != nil {
		t.Fatalf("no new request: %v", err)
	}
	if next.DateFrom != londonDay(3) || next.DateTo != londonDay(6) {
		t.Errorf("new request from %s to %s; want %s to %s", next.DateFrom, next.DateTo, londonDay(3), londonDay(6))
	}

	// PMU sees the new request in review and opens it.
	goTo(t, pmu, env.url("/moves/review"))
	checkA11y(t, pmu)
	row := pmu.Locator("#requests tr", playwright.PageLocatorOptions{HasText: next.Reference}).GetByRole(*playwright.AriaRoleLink)
	must(t, expect.Locator(row).ToHaveCount(1), "the new request in review")
	must(t, row.Click(), "open it")
	must(t, pmu.WaitForLoadState(), "load")
	must(t, expect.Locator(pmu.Locator(".govuk-caption-l")).ToHaveText("Move reference "+next.Reference), "the new request's page")
	must(t, expect.Locator(pmu.Locator("main")).ToContainText("HMP Holloway agreed by phone"), "the information added")
	checkA11y(t, pmu)
}
