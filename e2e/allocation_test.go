//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The allocation journey (issue 13): PMU creates an allocation of three;
// allocation staff at HMP Belmarsh fill two places and remove one person;
// PMU removes an empty place, changes the date and cancels. With
// JavaScript on, each step is checked where people see it: the allocation
// page, the moves' timelines and the day lists. Without it, the same forms
// (one place filled and emptied) work as plain HTML posts; the pages that
// only show are the same either way, so that run leaves them out to keep
// the suite fast. axe runs on every page visited.

// alLink follows a link (or a link styled as a button) by its accessible
// name and waits for the page it leads to.
func alLink(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	link := page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)}).
		Or(page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})).First()
	must(t, link.Click(), "follow %q", name)
	must(t, page.WaitForLoadState(), "load after %q", name)
}

// alChoose checks the radio labelled label in the fieldset with legend.
func alChoose(t *testing.T, page playwright.Page, legend, label string) {
	t.Helper()
	group := page.GetByRole(*playwright.AriaRoleGroup, playwright.PageGetByRoleOptions{Name: legend, Exact: playwright.Bool(true)})
	must(t, group.GetByLabel(label, playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Check(), "%s: %s", legend, label)
}

// alDate fills the page's one date input.
func alDate(t *testing.T, page playwright.Page, date string) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	must(t, err, "date %s", date)
	must(t, mvLabel(page, "Day").Fill(fmt.Sprint(d.Day())), "day")
	must(t, mvLabel(page, "Month").Fill(fmt.Sprint(int(d.Month()))), "month")
	must(t, mvLabel(page, "Year").Fill(fmt.Sprint(d.Year())), "year")
}

// alHeading waits for the page's h1.
func alHeading(t *testing.T, page playwright.Page, text string) {
	t.Helper()
	must(t, expect.Locator(page.Locator("h1")).ToHaveText(text), "h1 %q", text)
}

// alTimeline checks that a move's timeline holds each text.
func alTimeline(t *testing.T, page playwright.Page, env *mvEnv, m store.MoveRow, texts ...string) {
	t.Helper()
	goTo(t, page, env.url("/move/"+m.ID))
	for _, s := range texts {
		must(t, expect.Locator(page.Locator("#move-timeline")).ToContainText(s), "move %s's timeline shows %q", m.Reference, s)
	}
	checkA11y(t, page)
}

// alCard checks a move's card in a day's outgoing list.
func alCard(t *testing.T, page playwright.Page, env *mvEnv, path string, m store.MoveRow, text string) {
	t.Helper()
	goTo(t, page, env.url(path))
	must(t, expect.Locator(page.Locator("#move-"+m.ID)).ToContainText(text), "%s shows %s with %q", path, m.Reference, text)
	checkA11y(t, page)
}

// alLeft is the allocation page's progress for allocation staff.
func alLeft(n int) string {
	if n == 1 {
		return "1 person remaining to add."
	}
	return fmt.Sprintf("%d people remaining to add.", n)
}

func TestAllocationJourney(t *testing.T) {
	env := newMvEnv(t)
	run := 0
	runBoth(t, "allocation", func(t *testing.T, js bool) {
		run++
		ctx := context.Background()
		date, newDate := londonDay(10+run), londonDay(20+run)
		var people []moves.Person
		for i, last := range []string{"Quinn", "Rahman"} {
			p := moves.Person{FirstNames: "Lee", LastName: last, DateOfBirth: "1990-04-1" + fmt.Sprint(i), Gender: "male",
				PrisonNumber: fmt.Sprintf("A8%d0%dAA", run, i+1), CreatedBy: "test"}
			must(t, env.st.CreatePerson(ctx, &p, londonDay(0)), "create %s", last)
			people = append(people, p)
		}
		heading := "3 people from HMP Belmarsh to HMP Wandsworth on " + mvLongDate(date)

		// PMU creates an allocation of three.
		pmu := newPage(t, js)
		signIn(t, pmu, env.srv.BaseURL, "pmu")
		goTo(t, pmu, env.url("/allocations"))
		checkA11y(t, pmu)
		alLink(t, pmu, "Create an allocation")
		alHeading(t, pmu, "Allocation details")
		must(t, mvLabel(pmu, "Number of prisoners").Fill("3"), "count")
		_, err := mvLabel(pmu, "Move from").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"HMP Belmarsh"}})
		must(t, err, "from")
		_, err = mvLabel(pmu, "Move to").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"HMP Wandsworth"}})
		must(t, err, "to")
		alDate(t, pmu, date)
		checkA11y(t, pmu)
		mvClick(t, pmu, "Continue")
		alHeading(t, pmu, "Allocation criteria")
		alChoose(t, pmu, "Select estate", "Adult male")
		alChoose(t, pmu, "Prisoner category for adult male", "Category C")
		alChoose(t, pmu, "Time left to serve", "Any time to serve")
		alChoose(t, pmu, "Does this allocation have to be filled in full?", "No")
		alChoose(t, pmu, "Are there other criteria?", "No")
		checkA11y(t, pmu)
		mvClick(t, pmu, "Continue")
		alHeading(t, pmu, "Check your answers")
		checkA11y(t, pmu)
		mvClick(t, pmu, "Create allocation")
		must(t, expect.Locator(pmu.Locator(".govuk-panel")).ToContainText("Allocation requested"), "confirmation panel")
		checkA11y(t, pmu)
		alLink(t, pmu, "View the allocation")
		alHeading(t, pmu, heading)
		allocURL := pmu.URL()
		id := allocURL[strings.LastIndex(allocURL, "/")+1:]
		places, err := env.st.AllocationPlaces(ctx, id)
		if err != nil || len(places) != 3 {
			t.Fatalf("%d places (%v)", len(places), err)
		}
		must(t, expect.Locator(pmu.Locator("main").GetByText("Person to be added")).ToHaveCount(3), "three empty places")
		checkA11y(t, pmu)

		// Allocation staff at Belmarsh fill two places (one without
		// JavaScript): the first agreed, the second not yet.
		oca := newPage(t, js)
		signIn(t, oca, env.srv.BaseURL, "oca")
		filled := people
		if !js {
			filled = people[:1]
		}
		// The second time round, the pages are those checked the first.
		for i, p := range filled {
			first := i == 0
			goTo(t, oca, allocURL)
			alLink(t, oca, fmt.Sprintf("Add a person to place %d", i+1))
			alHeading(t, oca, "Who is being moved?")
			must(t, mvLabel(oca, "Prison number").Fill(strings.ToLower(p.PrisonNumber)), "prison number")
			mvClick(t, oca, "Search")
			must(t, expect.Locator(oca.Locator("#results")).ToHaveText("1 person found"), "search result")
			if first {
				checkA11y(t, oca)
			}
			alLink(t, oca, "Choose "+p.FullName())
			alHeading(t, oca, "Add "+p.FullName()+" to this allocation")
			if first {
				alChoose(t, oca, "Has the receiving prison agreed to this move?", "Yes")
				must(t, mvLabel(oca, "Who agreed it?").Fill("Governor Ellis"), "who agreed")
			} else {
				alChoose(t, oca, "Has the receiving prison agreed to this move?", "No")
			}
			alChoose(t, oca, "Does this person need to travel in a special vehicle?", "No")
			if first {
				checkA11y(t, oca)
			}
			mvClick(t, oca, "Add person")
			mvSuccess(t, oca, "Person added", p.FullName()+" has been added to the allocation.")
			checkA11y(t, oca)
		}
		must(t, expect.Locator(oca.Locator("#allocation-progress")).ToHaveText(alLeft(3-len(filled))), "progress")
		if js {
			// The day's outgoing list shows the person on the move.
			alCard(t, oca, env, "/moves/outgoing/"+date, places[0], "QUINN, Lee")
		}

		// ... and remove the last person added again.
		gone, empty := filled[len(filled)-1], places[len(filled)-1]
		goTo(t, oca, allocURL)
		alLink(t, oca, "Remove "+gone.FullName()+" from the allocation")
		checkA11y(t, oca)
		mvClick(t, oca, "Remove from allocation")
		mvSuccess(t, oca, "Person removed", gone.FullName()+" has been removed from the allocation.")
		must(t, expect.Locator(oca.Locator("#allocation-progress")).ToHaveText(alLeft(4-len(filled))), "progress")
		checkA11y(t, oca)
		if js {
			alCard(t, oca, env, "/moves/outgoing/"+date, empty, "Person to be added")
		}

		// PMU removes an empty place.
		goTo(t, pmu, allocURL)
		alLink(t, pmu, "Remove Person 3 from allocation")
		alHeading(t, pmu, "Remove a place from this allocation")
		checkA11y(t, pmu)
		mvClick(t, pmu, "Remove place")
		mvSuccess(t, pmu, "Place removed", "The allocation is now for 2 people.")
		alHeading(t, pmu, "2 people from HMP Belmarsh to HMP Wandsworth on "+mvLongDate(date))
		checkA11y(t, pmu)

		// PMU changes the date.
		alLink(t, pmu, "Change date of allocation")
		alHeading(t, pmu, "Change date of allocation")
		checkA11y(t, pmu)
		alDate(t, pmu, newDate)
		alChoose(t, pmu, "Why are you changing the allocation date?", "The Population Management Unit (PMU) changed the date")
		mvClick(t, pmu, "Change date")
		mvSuccess(t, pmu, "Allocation updated", "The allocation and its moves are now on "+mvLongDate(newDate)+".")
		checkA11y(t, pmu)
		if js {
			alCard(t, oca, env, "/moves/outgoing/"+newDate, places[0], "QUINN, Lee")
		}

		// PMU cancels it: first without a reason, then with one.
		goTo(t, pmu, allocURL)
		alLink(t, pmu, "Cancel this allocation")
		alHeading(t, pmu, "Cancel this allocation")
		mvClick(t, pmu, "Cancel allocation")
		must(t, expect.Locator(pmu.Locator(".govuk-error-summary")).ToContainText("Select why the allocation is cancelled"), "error summary")
		checkA11y(t, pmu)
		alChoose(t, pmu, "Why are you cancelling it?", "Made in error")
		mvClick(t, pmu, "Cancel allocation")
		mvSuccess(t, pmu, "Allocation cancelled", "Every move of the allocation has been cancelled.")
		must(t, expect.Locator(pmu.Locator("main")).ToContainText("This allocation is cancelled."), "cancelled page")
		checkA11y(t, pmu)
		for _, p := range places {
			if m, err := env.st.Move(ctx, p.ID); err != nil || m.Status != moves.StatusCancelled {
				t.Errorf("place %s is %s (%v)", p.Reference, m.Status, err)
			}
		}
		if !js {
			return
		}
		alCard(t, oca, env, "/moves/outgoing/"+newDate+"?status=cancelled", places[0], "Cancelled")

		// Each step is in the moves' timelines.
		alTimeline(t, pmu, env, places[0], "Person added to the allocation",
			people[0].FullName()+" ("+people[0].PrisonNumber+") was added to this move. The move was agreed by Governor Ellis.",
			"The move date is now "+mvLongDate(newDate)+".", "The allocation was cancelled")
		alTimeline(t, oca, env, places[1], "Person removed from the allocation",
			people[1].FullName()+" ("+people[1].PrisonNumber+") was removed from this move.",
			"The receiving prison has not agreed to the move yet.")
		alTimeline(t, pmu, env, places[2], "Move cancelled", "Place removed from the allocation")
	})
}
