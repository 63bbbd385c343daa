//go:build e2e

package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// PMU adds an overnight lodge to a move, changes its length and cancels
// it (issue 11), with JavaScript on and off, every page checked with axe.
func TestLodgeJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "lodge", func(t *testing.T, js bool) {
		m, name := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
			Date: londonDay(1)}, "police")
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "pmu")
		goTo(t, page, env.url("/move/"+m.ID))
		must(t, expect.Locator(page.Locator("h1")).ToHaveText(name), "h1")
		checkA11y(t, page)

		// Add: nothing chosen first, then two nights at Staines.
		mvClick(t, page, "Add an overnight lodge")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Add an overnight lodge"), "add form")
		must(t, expect.Locator(page.Locator("main form")).ToContainText("The person will lodge from "+mvLongDate(m.Date)), "start hint")
		checkA11y(t, page)
		mvClick(t, page, "Add the overnight lodge")
		summary := page.Locator(".govuk-error-summary")
		must(t, expect.Locator(summary).ToContainText("Choose where the person will lodge overnight"), "error: where")
		must(t, expect.Locator(summary).ToContainText("Select how many nights the person will lodge"), "error: nights")
		checkA11y(t, page)
		_, err := mvLabel(page, "Where will the person lodge overnight?").SelectOption(playwright.SelectOptionValues{Values: &[]string{env.locs["SRY014"].ID}})
		must(t, err, "choose Staines")
		must(t, mvLabel(page, "Two nights").Check(), "two nights")
		mvClick(t, page, "Add the overnight lodge")
		mvSuccess(t, page, "Overnight lodge added", "The person will lodge at Staines Police Station from "+mvLongDate(m.Date))
		live := page.Locator("#move-live")
		must(t, expect.Locator(live).ToContainText("This move includes an overnight lodge"), "lodge banner")
		must(t, expect.Locator(live).ToContainText("(2 nights)"), "lodge banner nights")
		must(t, expect.Locator(page.Locator("#move-timeline")).ToContainText("Overnight lodge planned"), "timeline")
		checkA11y(t, page)

		// Change: another number of nights, 3.
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Change (Overnight lodge)", Exact: playwright.Bool(true)}).Click(), "change link")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Change the overnight lodge"), "change form")
		checkA11y(t, page)
		must(t, mvLabel(page, "Another number of nights").Check(), "another number")
		must(t, mvLabel(page, "Number of nights, if another number").Fill("3"), "number of nights")
		checkA11y(t, page)
		mvClick(t, page, "Save the change")
		mvSuccess(t, page, "Overnight lodge changed", "(3 nights)")
		must(t, expect.Locator(live).ToContainText("(3 nights)"), "banner after the change")
		checkA11y(t, page)

		// Cancel: a reason is needed.
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Cancel (Overnight lodge)", Exact: playwright.Bool(true)}).Click(), "cancel link")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Cancel the overnight lodge"), "cancel form")
		checkA11y(t, page)
		mvClick(t, page, "Cancel the overnight lodge")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("Select why the overnight lodge is being cancelled"), "error: reason")
		checkA11y(t, page)
		must(t, mvLabel(page, "Made in error").Check(), "reason")
		mvClick(t, page, "Cancel the overnight lodge")
		mvSuccess(t, page, "Overnight lodge cancelled", "Staines Police Station")
		must(t, expect.Locator(live).Not().ToContainText("This move includes an overnight lodge"), "banner gone")
		must(t, expect.Locator(page.Locator("#move-timeline")).ToContainText("Overnight lodge cancelled"), "timeline: cancelled")
		checkA11y(t, page)
		ls, err := env.st.MoveLodgings(t.Context(), m.ID)
		if err != nil || len(ls) != 1 || ls[0].Status != moves.LodgingCancelled || ls[0].Nights() != 3 {
			t.Fatalf("lodgings after the journey: %+v %v", ls, err)
		}
	})
}
