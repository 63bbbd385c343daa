//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/store"
)

// The administration journeys: an administrator adds a police user who
// holds one custody suite, and that user signs in and works there; the
// administrator disables a location and looks round the suppliers. Each
// runs with JavaScript on and off, and every page visited is checked with
// axe-core.

// admE2ERole finds an element by role and exact accessible name.
func admE2ERole(scope interface {
	GetByRole(playwright.AriaRole, ...playwright.PageGetByRoleOptions) playwright.Locator
}, role playwright.AriaRole, name string) playwright.Locator {
	return scope.GetByRole(role, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// admE2EField is a form field by its label.
func admE2EField(page playwright.Page, label string) playwright.Locator {
	return page.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
}

// admE2EHeading waits for the page's h1 to contain text, then checks the
// page's accessibility.
func admE2EHeading(t *testing.T, page playwright.Page, text string) {
	t.Helper()
	must(t, page.WaitForLoadState(), "load the page %q", text)
	h1 := page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Level: playwright.Int(1)})
	if err := expect.Locator(h1).ToContainText(text); err != nil {
		t.Fatalf("want the page %q; now at %s%s: %v", text, page.URL(), pageSummary(page), err)
	}
	checkA11y(t, page)
}

// admE2EMenu follows a link of the service navigation.
func admE2EMenu(t *testing.T, page playwright.Page, item, heading string) {
	t.Helper()
	menu := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Menu"})
	must(t, menu.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: item, Exact: playwright.Bool(true)}).Click(), "open %q", item)
	admE2EHeading(t, page, heading)
}

// admE2EPress presses a button (or a link styled as one) and waits for
// the page that follows.
func admE2EPress(t *testing.T, page playwright.Page, button, heading string) {
	t.Helper()
	ctl := admE2ERole(page, *playwright.AriaRoleButton, button)
	must(t, ctl.Click(), "press %q", button)
	admE2EHeading(t, page, heading)
}

// admE2ESuccess checks the success banner.
func admE2ESuccess(t *testing.T, page playwright.Page, text string) {
	t.Helper()
	banner := page.Locator(".govuk-notification-banner--success")
	must(t, expect.Locator(banner).ToContainText(text), "a success banner saying %q", text)
}

// admE2EOpen starts a server of the test's own, signs its administrator
// in and opens the administration section named menu, whose page is headed
// heading.
func admE2EOpen(t *testing.T, js bool, menu, heading string) (*Server, playwright.Page) {
	t.Helper()
	srv := startServer(t)
	page := newPage(t, js)
	signIn(t, page, srv.BaseURL, "admin")
	admE2EHeading(t, page, "Service administration")
	admE2EMenu(t, page, menu, heading)
	return srv, page
}

// admE2EEmptyForm opens the form behind the button open (a page headed
// heading), sends it with nothing filled in by pressing submit, and
// returns the error summary once it says want.
func admE2EEmptyForm(t *testing.T, page playwright.Page, open, heading, submit, want string) playwright.Locator {
	t.Helper()
	admE2EPress(t, page, open, heading)
	admE2EPress(t, page, submit, heading)
	summary := page.Locator(".govuk-error-summary")
	must(t, expect.Locator(summary).ToContainText(want), "the error summary")
	return summary
}

func TestAdminAddsAPoliceUser(t *testing.T) {
	runBoth(t, "add-police-user", func(t *testing.T, js bool) {
		srv, page := admE2EOpen(t, js, "Users", "Users")
		// Nothing filled in: the error summary, and the page still passes.
		summary := admE2EEmptyForm(t, page, "Add a user", "Add a user", "Add user", "Enter a username")
		must(t, expect.Page(page).ToHaveTitle("Error: Add a user – Book a secure move"), "the title says there is an error")
		must(t, summary.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Select the user's role"}).Click(), "follow the role error")
		must(t, expect.Locator(page.Locator("#role")).ToBeInViewport(), "the role question is shown")

		must(t, admE2EField(page, "Username").Fill("erin.officer"), "type the username")
		must(t, admE2EField(page, "Full name").Fill("Erin Officer"), "type the name")
		must(t, admE2ERole(page, *playwright.AriaRoleRadio, "Police custody suite staff").Check(), "choose the police role")
		must(t, page.Locator("summary", playwright.PageLocatorOptions{HasText: "Police custody suites"}).Click(), "open the police custody suites")
		must(t, admE2ERole(page, *playwright.AriaRoleCheckbox, "Staines Police Station").Check(), "choose Staines")
		must(t, admE2EField(page, "Password").Fill("a police password"), "type a password")
		admE2EPress(t, page, "Add user", "Erin Officer")
		admE2ESuccess(t, page, "can now sign in as erin.officer")
		details := page.Locator("#user-details")
		must(t, expect.Locator(details).ToContainText("Staines Police Station"), "the user's location")
		must(t, expect.Locator(details).ToContainText("Police custody suite staff"), "the user's role")

		// The change-details page is accessible too, with the location ticked.
		admE2EPress(t, page, "Change details", "Change Erin Officer")
		must(t, expect.Locator(admE2ERole(page, *playwright.AriaRoleCheckbox, "Staines Police Station")).ToBeChecked(), "Staines is held")
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Cancel", Exact: playwright.Bool(true)}).Click(), "cancel")
		admE2EHeading(t, page, "Erin Officer")

		// The new user signs in, and works at Staines without choosing.
		officer := newPage(t, js)
		goTo(t, officer, srv.BaseURL+"/sign-in")
		checkA11y(t, officer)
		submitSignIn(t, officer, srv.BaseURL, "erin.officer", "a police password")
		must(t, expect.Locator(signOutControl(officer)).ToBeVisible(), "the new user is signed in")
		must(t, expect.Locator(officer.Locator("header")).ToContainText("Staines Police Station"), "the new user's location in the header")
		must(t, expect.Locator(officer.Locator("header")).ToContainText("Erin Officer"), "the new user's name in the header")
		checkA11y(t, officer)
		must(t, expect.Locator(officer.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Change location"})).ToHaveCount(0),
			"a user with one location has nothing to choose")
	})
}

func TestAdminDisablesALocation(t *testing.T) {
	runBoth(t, "disable-location", func(t *testing.T, js bool) {
		srv, page := admE2EOpen(t, js, "Locations", "Locations")
		must(t, expect.Locator(page.Locator("#showing")).ToContainText("Showing 1 to 20 of"), "the first page of locations")

		// Find it by name and type.
		must(t, admE2EField(page, "Name or code").Fill("magistrates"), "search")
		_, err := page.GetByLabel("Type", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).SelectOption(playwright.SelectOptionValues{Values: &[]string{"court"}})
		must(t, err, "choose the courts")
		admE2EPress(t, page, "Apply filters", "Locations")
		table := page.Locator("#locations")
		must(t, expect.Locator(table).ToContainText("Guildford Magistrates' Court"), "the court is found")
		must(t, expect.Locator(table).Not().ToContainText("Crown Court"), "only magistrates' courts are listed")

		must(t, table.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Guildford Magistrates' Court", Exact: playwright.Bool(true)}).Click(), "open the court")
		admE2EHeading(t, page, "Guildford Magistrates' Court")
		admE2EPress(t, page, "Disable this location", "Guildford Magistrates' Court")
		admE2ESuccess(t, page, "Location disabled")
		must(t, expect.Locator(page.Locator("#location-details")).ToContainText("Disabled"), "the location's status")
		must(t, expect.Locator(page.Locator("#history")).ToContainText("Disabled"), "the change in its history")

		st := srv.Store(t)
		ls, err := st.Locations(context.Background(), store.LocationFilter{Codes: []string{"GUILMC"}, IncludeDisabled: true})
		if err != nil || len(ls) != 1 || !ls[0].Disabled {
			t.Fatalf("Guildford Magistrates' Court is not disabled: %+v %v", ls, err)
		}

		// Who serves it: the form to add a supplier.
		admE2EPress(t, page, "Add a supplier", "Add a supplier")
		must(t, expect.Locator(page.Locator("main")).ToContainText("Serco serves it today"), "who serves it now")
		admE2EPress(t, page, "Add supplier", "Add a supplier")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("Select the supplier"), "the errors")
		checkA11y(t, page)

		// The suppliers.
		admE2EMenu(t, page, "Suppliers", "Suppliers")
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Serco", Exact: playwright.Bool(true)}).Click(), "open Serco")
		admE2EHeading(t, page, "Serco")
		must(t, expect.Locator(page.Locator("#ranges")).ToContainText("Guildford Magistrates' Court (disabled)"), "the disabled location on Serco's page")

		// Adding a location: the form, with its errors.
		admE2EMenu(t, page, "Locations", "Locations")
		admE2EPress(t, page, "Add a location", "Add a location")
		must(t, admE2EField(page, "Code").Fill("bad code!"), "type a bad code")
		admE2EPress(t, page, "Add location", "Add a location")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("letters and numbers"), "the code's error")
		checkA11y(t, page)
		if strings.Contains(page.URL(), "?") {
			t.Errorf("the form's answers went into the address: %s", page.URL())
		}
	})
}
