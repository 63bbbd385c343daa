//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The lists journeys: a custody officer works through today's outgoing
// list (status filter, the next day and back, jump to date), and PMU sorts
// and filters the requests to review. Each runs with JavaScript on (htmx
// boosts the links and forms) and off (plain page loads).

// lstLink is the link named name (a substring) inside the landmark or
// element loc.
func lstLink(loc playwright.Locator, name string) playwright.Locator {
	return loc.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: name})
}

// lstExpectURL waits until the page's address matches re.
func lstExpectURL(t *testing.T, page playwright.Page, re string) {
	t.Helper()
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(re)), "address should match %s (now %s)", re, page.URL())
}

// lstCards is the move cards on a day's list.
func lstCards(page playwright.Page) playwright.Locator {
	return page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Level: playwright.Int(3)})
}

// lstBookCourtMove books a court appearance today from Guildford Police
// Station to Guildford Crown Court, as another officer would.
func lstBookCourtMove(t *testing.T, st *store.Store, first, last string) moves.Move {
	t.Helper()
	ctx := context.Background()
	locs, err := st.Locations(ctx, store.LocationFilter{Codes: []string{"SRY016", "GUILCC"}})
	if err != nil || len(locs) != 2 {
		t.Fatalf("locations: %v", err)
	}
	ids := map[string]string{}
	for _, l := range locs {
		ids[l.Code] = l.ID
	}
	p := moves.Person{FirstNames: first, LastName: last, DateOfBirth: "1991-05-05", Gender: "female", CreatedBy: "e2e"}
	if err := st.CreatePerson(ctx, &p, londonDay(0)); err != nil {
		t.Fatal(err)
	}
	m, err := st.CreateMove(ctx, store.NewMove{MoveType: moves.CourtAppearance, FromID: ids["SRY016"], ToID: ids["GUILCC"],
		Date: londonDay(0), PersonID: p.ID, CreatedBy: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestListsCustodyOfficerOutgoing(t *testing.T) {
	runBoth(t, "outgoing", func(t *testing.T, js bool) {
		srv := startServer(t)
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "police") // chooses the first location: Guildford Police Station
		must(t, expect.Locator(page.Locator("header")).ToContainText("Guildford Police Station"), "Guildford is the current location")
		checkA11y(t, page)

		today, tomorrow := londonDay(0), londonDay(1)
		menu := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Menu"})
		must(t, menu.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Outgoing", Exact: playwright.Bool(true)}).Click(), "open Outgoing")
		lstExpectURL(t, page, `/moves/outgoing/`+today+`$`)
		h1 := page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Level: playwright.Int(1)})
		must(t, expect.Locator(h1).ToContainText("Outgoing moves"), "h1 names the list")
		must(t, expect.Locator(h1).ToContainText("(today)"), "h1 says today")
		must(t, expect.Locator(lstCards(page)).ToHaveCount(4), "today's four active moves")
		must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Name: "Guildford Crown Court"})).ToBeVisible(),
			"cards grouped by destination")
		checkA11y(t, page)

		if js {
			// Live: a move booked elsewhere appears by the next poll (every
			// 10 s; 25 s allows for a poll just missed and a slow render),
			// in place, without reloading the page (the marker survives).
			_, err := page.Evaluate(`() => { window.lstMarker = 'still here' }`)
			must(t, err, "mark the page")
			lstBookCourtMove(t, srv.Store(t), "Nadia", "Quinn")
			must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "QUINN, Nadia"})).
				ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(25_000)}), "the new move appears by itself")
			must(t, expect.Locator(lstCards(page)).ToHaveCount(5), "five active moves now")
			marker, err := page.Evaluate(`() => window.lstMarker`)
			must(t, err, "read the marker")
			if marker != "still here" {
				t.Fatalf("the page was reloaded (marker %v)", marker)
			}
			checkA11y(t, page)
		}

		// Printing needs JavaScript (window.print); without it the button
		// is not offered and the browser's own print uses the print styles.
		printButton := page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Print this page"})
		if js {
			must(t, expect.Locator(printButton).ToBeVisible(), "print button shown with JavaScript")
		} else {
			must(t, expect.Locator(printButton).ToBeHidden(), "no print button without JavaScript")
		}
		must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Download these moves (CSV)"})).
			ToHaveAttribute("href", "/moves/outgoing/"+today+"/download.csv?status=active"), "download link")

		// Filter by status.
		filters := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Filter moves by status"})
		must(t, lstLink(filters, "Booked").Click(), "filter by Booked")
		lstExpectURL(t, page, `/moves/outgoing/`+today+`\?status=booked$`)
		must(t, expect.Locator(lstLink(filters, "Booked")).ToHaveAttribute("aria-current", "page"), "Booked is the current filter")
		must(t, expect.Locator(lstCards(page)).ToHaveCount(1), "one booked move today")
		must(t, expect.Locator(lstCards(page)).ToHaveText("ANDERSON, James"), "the booked move")
		if js {
			// htmx swapped the page in: no reload.
			marker, err := page.Evaluate(`() => window.lstMarker`)
			must(t, err, "read the marker")
			if marker != "still here" {
				t.Errorf("the filter reloaded the page (marker %v)", marker)
			}
		}
		checkA11y(t, page)

		// The next day, and back: the filter stays.
		days := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Days"})
		must(t, lstLink(days, "Next day").Click(), "go to the next day")
		lstExpectURL(t, page, `/moves/outgoing/`+tomorrow+`\?status=booked$`)
		must(t, expect.Locator(h1).ToContainText("(tomorrow)"), "h1 says tomorrow")
		must(t, expect.Locator(lstCards(page)).ToHaveText("WRIGHT, Thomas"), "tomorrow's booked move")
		checkA11y(t, page)
		must(t, lstLink(days, "Previous day").Click(), "go back a day")
		lstExpectURL(t, page, `/moves/outgoing/`+today+`\?status=booked$`)
		must(t, expect.Locator(h1).ToContainText("(today)"), "back to today")
		checkA11y(t, page)

		// Jump to a date typed as words; nonsense first.
		field := page.GetByLabel("Date you want to view", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
		goButton := page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Go to date", Exact: playwright.Bool(true)})
		must(t, field.Fill("the day after never"), "type nonsense")
		must(t, goButton.Click(), "go to date")
		summary := page.GetByRole(*playwright.AriaRoleAlert).Filter(playwright.LocatorFilterOptions{HasText: "There is a problem"})
		must(t, expect.Locator(summary).ToContainText("Enter a real date"), "the error summary explains")
		checkA11y(t, page)
		must(t, field.Fill("tomorrow"), "type tomorrow")
		must(t, goButton.Click(), "go to date")
		lstExpectURL(t, page, `/moves/outgoing/`+tomorrow+`\?status=booked$`)
		must(t, expect.Locator(h1).ToContainText("(tomorrow)"), "jumped to tomorrow")
		must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleAlert).Filter(playwright.LocatorFilterOptions{HasText: "There is a problem"})).ToHaveCount(0),
			"no error after a good date")
		checkA11y(t, page)

		// History is right: back to the page with the error, then today.
		if js {
			_, err := page.GoBack()
			must(t, err, "go back")
			lstExpectURL(t, page, `/moves/outgoing/`+today+`\?`)
		}
	})
}

func TestListsPMUReviewRequests(t *testing.T) {
	runBoth(t, "review", func(t *testing.T, js bool) {
		srv := startServer(t)
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "pmu")
		checkA11y(t, page)
		menu := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Menu"})
		must(t, lstLink(menu, "Requests to review").Click(), "open Requests to review")
		lstExpectURL(t, page, `/moves/review$`)
		table := page.GetByRole(*playwright.AriaRoleTable)
		rows := table.Locator("tbody").GetByRole(*playwright.AriaRoleRow)
		must(t, expect.Locator(rows).ToHaveCount(6), "six requests pending review")
		checkA11y(t, page)

		// Sort by name, then reverse it.
		nameHeader := table.GetByRole(*playwright.AriaRoleColumnheader, playwright.LocatorGetByRoleOptions{Name: "Name"})
		must(t, lstLink(nameHeader, "Name").Click(), "sort by name")
		lstExpectURL(t, page, `sort=name`)
		must(t, expect.Locator(nameHeader).ToHaveAttribute("aria-sort", "ascending"), "sorted by name, ascending")
		must(t, expect.Locator(rows.First().GetByRole(*playwright.AriaRoleLink)).ToHaveText("BAKER, Freya"), "first by name")
		checkA11y(t, page)
		must(t, lstLink(nameHeader, "Name").Click(), "sort by name again")
		lstExpectURL(t, page, `direction=descending`)
		must(t, expect.Locator(nameHeader).ToHaveAttribute("aria-sort", "descending"), "sorted by name, descending")
		must(t, expect.Locator(rows.First().GetByRole(*playwright.AriaRoleLink)).ToHaveText("YOUNG, Leah"), "last by name first")
		checkA11y(t, page)

		// Filter by the location the requests come from.
		must(t, page.GetByText("Filter requests", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)}).Click(), "open the filters")
		_, err := page.GetByLabel("Move from", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).
			SelectOption(playwright.SelectOptionValues{Labels: &[]string{"HMP Brixton"}})
		must(t, err, "choose HMP Brixton")
		must(t, page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Apply filters"}).Click(), "apply filters")
		lstExpectURL(t, page, `from=`)
		must(t, expect.Locator(rows).ToHaveCount(2), "two requests from Brixton")
		must(t, expect.Locator(nameHeader).ToHaveAttribute("aria-sort", "descending"), "the sort is kept")
		checkA11y(t, page)
	})
}

// Prison staff find the requests they sent from the navigation: "Single
// requests", with PMU's four review statuses as tabs: those waiting for
// PMU, the one PMU approved, the one PMU rejected, and none cancelled.
func TestListsPrisonSingleRequests(t *testing.T) {
	runBoth(t, "single requests", func(t *testing.T, js bool) {
		srv := startServer(t)
		page := newPage(t, js)
		signIn(t, page, srv.BaseURL, "prison")
		home := page.Locator("#home-requests")
		must(t, expect.Locator(home).ToContainText("Pending review"), "single requests on Home")
		checkA11y(t, page)
		menu := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Menu"})
		must(t, lstLink(menu, "Single requests").Click(), "open Single requests")
		lstExpectURL(t, page, `/moves/requested$`)
		table := page.GetByRole(*playwright.AriaRoleTable)
		rows := table.Locator("tbody").GetByRole(*playwright.AriaRoleRow)
		must(t, expect.Locator(rows).ToHaveCount(2), "two of Brixton's requests pending review")
		checkA11y(t, page)

		tabs := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Single requests by status"})
		must(t, lstLink(tabs, "Rejected").Click(), "open the rejected tab")
		lstExpectURL(t, page, `status=rejected`)
		must(t, expect.Locator(rows).ToHaveCount(1), "one of Brixton's requests rejected")
		must(t, expect.Locator(rows.First()).ToContainText("No space at the receiving prison"), "the reason")
		checkA11y(t, page)

		must(t, lstLink(tabs, "Approved").Click(), "open the approved tab")
		lstExpectURL(t, page, `status=approved`)
		must(t, expect.Locator(rows).ToHaveCount(1), "one of Brixton's requests approved")
		must(t, expect.Locator(rows.First()).ToContainText("HMP Thameside"), "where it goes")
		checkA11y(t, page)

		must(t, lstLink(tabs, "Cancelled").Click(), "open the cancelled tab")
		lstExpectURL(t, page, `status=cancelled`)
		must(t, expect.Locator(page.Locator(".app-list-empty")).ToHaveText("No cancelled single requests"), "the cancelled tab is empty")
		checkA11y(t, page)
	})
}
