//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A police officer requests a court move for someone who needs a special
// vehicle and is held under PACE section 46: ticking the special vehicle
// interrupts the journey, the officer goes back and gives the details the
// page asks for, and requests the move. Afterwards they change the risk
// information, and PMU sees the change in the move's timeline.
func TestRequestSpecialVehicleSection46ThenChangeRisk(t *testing.T) {
	runBoth(t, "special-vehicle", func(t *testing.T, js bool) {
		srv := startServer(t)
		st := srv.Store(t)
		person := reqE2EPerson(t, st, "Bennett")
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "police") // Guildford Police Station
		reqE2EStart(t, page)

		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "PNC number or prison number").Fill(person.PNC), "type the PNC number")
		reqE2EPress(t, page, "Search", "1 person found")
		reqE2EPress(t, page, "Continue", "Where are they going?")
		must(t, reqE2ERole(page, *playwright.AriaRoleRadio, "Court appearance").Check(), "choose Court appearance")
		reqE2EPress(t, page, "Continue", "Which court are they going to?")
		must(t, reqE2ERole(page, *playwright.AriaRoleCombobox, "Name of court").Fill("Guildford Crown Court"), "type the court")
		reqE2EPress(t, page, "Continue", "When are they moving?")
		must(t, page.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Tomorrow"}).Check(), "choose tomorrow")
		reqE2EPress(t, page, "Continue", "section 46 of PACE")
		must(t, reqE2ERole(page, *playwright.AriaRoleRadio, "Yes").Check(), "subject to section 46")
		reqE2EPress(t, page, "Continue", "Does the court need to know anything")
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "No, there is nothing the court needs to know").Check(), "nothing for the court")
		reqE2EPress(t, page, "Continue", "Are there any risks")
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "No, there are no known risks").Check(), "no risks")
		reqE2EPress(t, page, "Continue", "health needs")

		// Yes to the special vehicle: the journey stops to say what to do.
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "Needs to travel in a special vehicle").Check(), "needs a special vehicle")
		reqE2EPress(t, page, "Continue", "This person needs a special vehicle")
		must(t, expect.Locator(page.Locator("main")).ToContainText("say what the person needs in the health details"), "what to do")
		// Back to the health page, to give the details as the page says.
		must(t, reqE2ERole(page, *playwright.AriaRoleLink, "Back").Click(), "go back")
		must(t, page.WaitForLoadState(), "load the health page")
		must(t, expect.Locator(page.Locator("h1")).ToContainText("health needs"), "back at the health page")
		checkA11y(t, page)
		must(t, expect.Locator(reqE2ERole(page, *playwright.AriaRoleCheckbox, "Needs to travel in a special vehicle")).ToBeChecked(), "the answer is kept")
		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "Give details about Needs to travel in a special vehicle (optional)").
			Fill("Cellular van with a tail lift"), "the vehicle needed")
		reqE2EPress(t, page, "Continue", "This person needs a special vehicle")
		must(t, reqE2ERole(page, *playwright.AriaRoleLink, "Continue").Click(), "go on")
		must(t, page.WaitForLoadState(), "load check your answers")
		must(t, expect.Locator(page.Locator("h1")).ToContainText("Check your answers"), "check your answers")
		checkA11y(t, page)
		main := page.Locator("main")
		for _, want := range []string{"Needs to travel in a special vehicle: Cellular van with a tail lift", "Subject to PACE section 46"} {
			must(t, expect.Locator(main).ToContainText(want), "check your answers shows %q", want)
		}
		reqE2EPress(t, page, "Request move", "Move requested")
		ref, err := page.Locator(".govuk-panel__body strong").TextContent()
		must(t, err, "read the reference")
		m, err := st.MoveByReference(context.Background(), strings.TrimSpace(ref))
		must(t, err, "the move")

		// The move page warns of section 46; the officer changes the risks.
		must(t, reqE2ERole(page, *playwright.AriaRoleLink, "View the move").Click(), "view the move")
		must(t, page.WaitForLoadState(), "load the move")
		must(t, expect.Locator(main).ToContainText("This move is subject to PACE Section 46."), "section 46 warning strip")
		checkA11y(t, page)
		must(t, page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Change risk information", Exact: playwright.Bool(true)}).Click(), "change risk")
		must(t, expect.Locator(page.Locator("h1")).ToContainText("risk"), "risk form")
		checkA11y(t, page)
		// Without JavaScript, "no risks" (answered when requesting) is
		// unticked by hand; with it, ticking a risk unticks it too.
		must(t, mvLabel(page, "No, there are no known risks").Uncheck(), "untick no risks")
		must(t, mvLabel(page, "Escape risk").Check(), "tick escape risk")
		mvClick(t, page, "Save changes")
		mvSuccess(t, page, "Risk information changed", "")
		checkA11y(t, page)

		signOut(t, page)
		signIn(t, page, srv.BaseURL, "pmu")
		goTo(t, page, srv.BaseURL+"/move/"+m.ID)
		must(t, expect.Locator(page.Locator("main")).ToContainText("Risk information: added Escape risk"), "PMU sees the change in the timeline")
		must(t, expect.Locator(page.Locator("main")).ToContainText("This move is subject to PACE Section 46."), "PMU sees the section 46 warning")
		checkA11y(t, page)
	})
}
