//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The "Request a move" journeys: a custody officer requests a court
// appearance for someone found by PNC number and finds it in the outgoing
// list; prison staff request a transfer for someone found by prison
// number, which goes to PMU for review. Each runs with JavaScript on and
// off, and every page visited is checked with axe-core.

func reqE2EPerson(t *testing.T, st *store.Store, lastName string) moves.Person {
	t.Helper()
	ps, err := st.FindPeople(context.Background(), store.PeopleFilter{LastName: lastName})
	if err != nil || len(ps) != 1 {
		t.Fatalf("demo person %s: %v (%d found)", lastName, err, len(ps))
	}
	return ps[0]
}

func reqE2ERole(page playwright.Page, role playwright.AriaRole, name string) playwright.Locator {
	return page.GetByRole(role, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// reqE2EPress presses a button, waits for the next page and checks it.
func reqE2EPress(t *testing.T, page playwright.Page, button, nextHeading string) {
	t.Helper()
	must(t, reqE2ERole(page, *playwright.AriaRoleButton, button).Click(), "press %q", button)
	must(t, page.WaitForLoadState(), "load after %q", button)
	h1 := page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Level: playwright.Int(1)})
	if err := expect.Locator(h1).ToContainText(nextHeading); err != nil {
		t.Fatalf("after pressing %q, want the page %q; now at %s%s: %v", button, nextHeading, page.URL(), pageSummary(page), err)
	}
	checkA11y(t, page)
}

// reqE2EStart opens "Request a move" from the service navigation.
func reqE2EStart(t *testing.T, page playwright.Page) {
	t.Helper()
	menu := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Menu"})
	must(t, menu.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Request a move", Exact: playwright.Bool(true)}).Click(),
		"open Request a move")
	must(t, page.WaitForLoadState(), "load Request a move")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/move/new/[a-z2-7]{16}/person$`)), "a new journey")
	must(t, expect.Locator(page.Locator("h1")).ToContainText("Who is being moved?"), "first question")
	checkA11y(t, page)
}

func TestRequestCourtAppearanceByCustodyOfficer(t *testing.T) {
	runBoth(t, "court-appearance", func(t *testing.T, js bool) {
		srv := startServer(t)
		st := srv.Store(t)
		person := reqE2EPerson(t, st, "Bennett")
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "police") // chooses the first location: Guildford Police Station
		must(t, expect.Locator(page.Locator("header")).ToContainText("Guildford Police Station"), "Guildford is the current location")
		checkA11y(t, page)
		reqE2EStart(t, page)

		// Who: by PNC number, typed in lower case.
		must(t, expect.Locator(page.Locator("main")).ToContainText("Move from: Guildford Police Station"), "where the move starts")
		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "PNC number or prison number").Fill(strings.ToLower(person.PNC)), "type the PNC number")
		reqE2EPress(t, page, "Search", "1 person found")
		must(t, expect.Locator(reqE2ERole(page, *playwright.AriaRoleRadio, person.FullName())).ToBeChecked(), "the one person found is chosen")
		reqE2EPress(t, page, "Continue", "Where are they going?")

		// Where: a court appearance at Guildford Crown Court at 10am.
		must(t, reqE2ERole(page, *playwright.AriaRoleRadio, "Court appearance").Check(), "choose Court appearance")
		reqE2EPress(t, page, "Continue", "Which court are they going to?")
		must(t, reqE2ERole(page, *playwright.AriaRoleCombobox, "Name of court").Fill("Guildford Crown Court"), "type the court")
		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "Time due at court (optional)").Fill("10am"), "type the time due")
		reqE2EPress(t, page, "Continue", "When are they moving?")

		// When: tomorrow.
		tomorrow := londonDay(1)
		must(t, page.GetByRole(*playwright.AriaRoleRadio, playwright.PageGetByRoleOptions{Name: "Tomorrow"}).Check(), "choose tomorrow")
		reqE2EPress(t, page, "Continue", "section 46 of PACE")
		must(t, reqE2ERole(page, *playwright.AriaRoleRadio, "Yes").Check(), "subject to section 46")
		reqE2EPress(t, page, "Continue", "Does the court need to know anything")

		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "Interpreter").Check(), "an interpreter")
		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "Give details about Interpreter (optional)").Fill("Polish"), "the language")
		reqE2EPress(t, page, "Continue", "Are there any risks")
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "No, there are no known risks").Check(), "no risks")
		reqE2EPress(t, page, "Continue", "health needs")
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "No, there are no health needs").Check(), "no health needs")
		reqE2EPress(t, page, "Continue", "Check your answers")

		main := page.Locator("main")
		for _, want := range []string{person.FullName(), "Guildford Crown Court", "10am", "Interpreter: Polish"} {
			must(t, expect.Locator(main).ToContainText(want), "check your answers shows %q", want)
		}
		reqE2EPress(t, page, "Request move", "Move requested")

		ref, err := page.Locator(".govuk-panel__body strong").TextContent()
		must(t, err, "read the reference")
		ref = strings.TrimSpace(ref)
		if !regexp.MustCompile(`^[A-Z]{3}[0-9]{4}[A-Z]$`).MatchString(ref) {
			t.Fatalf("reference %q", ref)
		}
		must(t, expect.Locator(main).ToContainText("The move for "+person.FullName()+" to Guildford Crown Court"), "confirmation sentence")
		must(t, expect.Locator(reqE2ERole(page, *playwright.AriaRoleLink, "View the move")).ToBeVisible(), "link to the move")

		m, err := st.MoveByReference(context.Background(), ref)
		if err != nil {
			t.Fatalf("move %s: %v", ref, err)
		}
		if m.Status != moves.StatusRequested || m.Date != tomorrow || m.PersonID != person.ID || m.CreatedBy != "police" {
			t.Errorf("stored move %+v", m)
		}

		// It is in tomorrow's outgoing list.
		goTo(t, page, srv.BaseURL+"/moves/outgoing/"+tomorrow)
		checkA11y(t, page)
		must(t, expect.Locator(main.GetByText(ref, playwright.LocatorGetByTextOptions{Exact: playwright.Bool(true)})).ToHaveCount(1),
			"tomorrow's outgoing list shows %s", ref)
	})
}

func TestRequestPrisonTransfer(t *testing.T) {
	runBoth(t, "prison-transfer", func(t *testing.T, js bool) {
		srv := startServer(t)
		st := srv.Store(t)
		person := reqE2EPerson(t, st, "Hughes")
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "prison") // HMP Brixton
		checkA11y(t, page)
		reqE2EStart(t, page)

		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "PNC number or prison number").Fill(person.PrisonNumber), "type the prison number")
		reqE2EPress(t, page, "Search", "1 person found")
		reqE2EPress(t, page, "Continue", "Where are they going?")

		must(t, reqE2ERole(page, *playwright.AriaRoleRadio, "Prison transfer").Check(), "choose Prison transfer")
		reqE2EPress(t, page, "Continue", "Which prison or other establishment are they going to?")
		must(t, reqE2ERole(page, *playwright.AriaRoleCombobox, "Name of prison or other establishment").Fill("HMP Wandsworth"), "type the prison")
		reqE2EPress(t, page, "Continue", "When could they move?")

		earliest, _ := time.Parse(time.DateOnly, londonDay(3))
		must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "Earliest date of travel").Fill(earliest.Format("2/1/2006")), "earliest date")
		reqE2EPress(t, page, "Continue", "Why are they being moved?")
		must(t, reqE2ERole(page, *playwright.AriaRoleRadio, "Resettlement").Check(), "the reason")
		reqE2EPress(t, page, "Continue", "Are there any risks")
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "No, there are no known risks").Check(), "no risks")
		reqE2EPress(t, page, "Continue", "health needs")
		must(t, reqE2ERole(page, *playwright.AriaRoleCheckbox, "No, there are no health needs").Check(), "no health needs")
		reqE2EPress(t, page, "Continue", "Check your answers")
		must(t, expect.Locator(page.Locator("main")).ToContainText("HMP Wandsworth"), "check your answers shows the destination")
		reqE2EPress(t, page, "Send for review", "Move sent for review")
		must(t, expect.Locator(page.Locator("main")).ToContainText("has been sent to the Population Management Unit (PMU) for review"), "confirmation sentence")

		ref, err := page.Locator(".govuk-panel__body strong").TextContent()
		must(t, err, "read the reference")
		m, err := st.MoveByReference(context.Background(), strings.TrimSpace(ref))
		if err != nil {
			t.Fatalf("move %s: %v", ref, err)
		}
		if m.Status != moves.StatusProposed || m.MoveType != moves.PrisonTransfer || m.DateFrom != londonDay(3) || m.PersonID != person.ID ||
			m.Details.TransferReason != "resettlement" {
			t.Errorf("stored move %+v", m)
		}
	})
}

// With JavaScript, each step of the journey is submitted in place: a
// validation error appears without reloading the page (a marker set on
// the window survives) with its summary linking to the field, and a good
// answer moves to the next step, still without a reload, at the next
// step's address.
func TestRequestStepsInPlace(t *testing.T) {
	srv := startServer(t)
	st := srv.Store(t)
	person := reqE2EPerson(t, st, "Bennett")
	page := newPage(t, true)
	signIn(t, page, srv.BaseURL, "police")
	reqE2EStart(t, page)
	_, err := page.Evaluate(`() => { window.__notReloaded = true }`)
	must(t, err, "mark the window")
	notReloaded := func(when string) {
		t.Helper()
		kept, err := page.Evaluate(`() => window.__notReloaded === true`)
		must(t, err, "read the marker")
		if kept != true {
			t.Fatalf("%s: the page was reloaded, not submitted in place", when)
		}
	}

	must(t, reqE2ERole(page, *playwright.AriaRoleButton, "Search").Click(), "search for nobody")
	summary := page.Locator(".govuk-error-summary")
	must(t, expect.Locator(summary).ToBeVisible(), "error summary")
	must(t, expect.Locator(summary.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Enter a PNC number or a prison number"})).
		ToHaveAttribute("href", "#number"), "the summary links to the field")
	notReloaded("after an empty search")
	checkA11y(t, page)

	must(t, reqE2ERole(page, *playwright.AriaRoleTextbox, "PNC number or prison number").Fill(person.PNC), "type the PNC number")
	must(t, reqE2ERole(page, *playwright.AriaRoleButton, "Search").Click(), "search")
	must(t, expect.Locator(page.Locator("h1")).ToContainText("1 person found"), "the results step")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/move/new/[a-z2-7]{16}/results$`)), "the results step's address")
	must(t, expect.Locator(summary).ToHaveCount(0), "no error summary any more")
	notReloaded("after a search that found someone")
	checkA11y(t, page)
}
