//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// pplIdentifiers makes a PNC number (with its right check letter) and a
// prison number that no other run uses.
func pplIdentifiers(n int64) (pnc, prisonNo string) {
	const letters = "ZABCDEFGHJKLMNPQRTUVWXY"
	serial := (time.Now().UnixNano()/1000 + n) % 10_000_000
	pnc = fmt.Sprintf("26/%07d%c", serial, letters[(26*10_000_000+serial)%23])
	prisonNo = fmt.Sprintf("P%04dZX", serial%10_000)
	return pnc, prisonNo
}

// A police officer finds a person three ways, opens their page, goes to
// their move and changes the risk information; PMU then sees the change in
// the move's timeline.
func TestPeopleFindAndChangeJourney(t *testing.T) {
	env := newMvEnv(t)
	runBoth(t, "people", func(t *testing.T, js bool) {
		m, name := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID,
			Date: londonDay(2)}, "police")
		ctx := context.Background()
		p, err := env.st.Person(ctx, m.PersonID)
		must(t, err, "person")
		p.PNC, p.PrisonNumber = pplIdentifiers(env.n.Add(1))
		_, err = env.st.UpdatePerson(ctx, store.PersonChange{Person: p, Seen: p.UpdatedAt, By: "police", Today: londonDay(0)})
		must(t, err, "give the person identifiers")

		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "police")
		goTo(t, page, env.url("/"))
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Find a person", Exact: playwright.Bool(true)}).Click(), "nav")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText("Find a person"), "search page")
		checkA11y(t, page)

		results := page.Locator("#people-results")
		personLink := results.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
		// By PNC number, then by prison number.
		for _, number := range []string{p.PNC, p.PrisonNumber} {
			must(t, mvLabel(page, "PNC number or prison number").Fill(number), "number")
			mvClick(t, page, "Search by number")
			must(t, expect.Locator(personLink).ToHaveCount(1), "found by %s", number)
			checkA11y(t, page)
		}
		// A number in no known format is an error linked to the field.
		must(t, mvLabel(page, "PNC number or prison number").Fill("12345"), "bad number")
		mvClick(t, page, "Search by number")
		must(t, expect.Locator(page.Locator(".govuk-error-summary")).ToContainText("PNC number in the correct format"), "error")
		checkA11y(t, page)
		// By last name and date of birth.
		must(t, mvLabel(page, "Last name").Fill(p.LastName), "last name")
		must(t, mvLabel(page, "Day").Fill("17"), "day")
		must(t, mvLabel(page, "Month").Fill("5"), "month")
		must(t, mvLabel(page, "Year").Fill("1991"), "year")
		mvClick(t, page, "Search by name")
		must(t, expect.Locator(personLink).ToHaveCount(1), "found by name")

		// The person's page lists their move.
		must(t, personLink.Click(), "open the person")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText(name), "person page")
		must(t, expect.Locator(page.Locator("#person-moves")).ToContainText(m.Reference), "moves table")
		checkA11y(t, page)
		must(t, page.Locator("#person-moves").GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: m.Reference}).Click(), "open the move")
		must(t, expect.Locator(page.Locator("h1")).ToHaveText(name), "move page")

		// Change the risk information.
		must(t, page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Change risk information", Exact: playwright.Bool(true)}).Click(), "change risk")
		must(t, expect.Locator(page.Locator("h1")).ToContainText("risk"), "risk form")
		checkA11y(t, page)
		must(t, mvLabel(page, "Escape risk").Check(), "tick escape risk")
		mvClick(t, page, "Save changes")
		mvSuccess(t, page, "Risk information changed", "")
		checkA11y(t, page)

		signOut(t, page)
		signIn(t, page, env.srv.BaseURL, "pmu")
		goTo(t, page, env.url("/move/"+m.ID))
		must(t, expect.Locator(page.Locator("main")).ToContainText("Risk information: added Escape risk"), "PMU sees the change in the timeline")
		checkA11y(t, page)
	})
}
