//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// On the road, in the browser (issue 11): police at the custody suite a
// person was lodged in record what happened there and see it on the
// timeline; a journey a supplier starts through the API puts its
// vehicle on the day list grouped by vehicle; the week view. Each with
// JavaScript on and off, axe on every page.

// rdAPI calls the API as a demo supplier's client (docs/TESTING.md).
func rdAPI(t *testing.T, env *mvEnv, method, path string, body any) map[string]any {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, env.url("/oauth/token"), strings.NewReader(form.Encode()))
	req.SetBasicAuth("demo-serco", "demo-serco-secret")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok map[string]any
	rdDo(t, req, &tok)
	b, _ := json.Marshal(body)
	req, _ = http.NewRequest(method, env.url(path), bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok["access_token"].(string))
	req.Header.Set("Content-Type", "application/vnd.api+json")
	var out map[string]any
	rdDo(t, req, &out)
	return out
}

func rdDo(t *testing.T, req *http.Request, out any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, b.String())
	}
	if res.StatusCode == http.StatusNoContent {
		return
	}
	must(t, json.NewDecoder(res.Body).Decode(out), "decode %s", req.URL.Path)
}

func rdLink(page playwright.Page, name string) playwright.Locator {
	return page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

func TestRoadPoliceRecordLockoutEvents(t *testing.T) {
	runBoth(t, "lockout", func(t *testing.T, js bool) {
		env := newMvEnv(t)
		ctx := context.Background()
		m, name := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID, Date: londonDay(0)}, "e2e")
		env.event(t, m, moves.EventMoveAccept, nil)
		env.event(t, m, moves.EventMoveStart, nil)
		// Locked out of the court, lodged overnight at Staines (one of the
		// officer's custody suites).
		now := time.Now().UTC()
		for _, e := range []moves.Event{
			{Type: moves.EventMoveLockout, Details: map[string]any{"reason": "no_space", "authorised_by": "PMU"}, Rels: map[string]string{"from_location": env.locs["GUILCC"].ID}},
			{Type: moves.EventMoveLodgingStart, Details: map[string]any{"reason": "lockout"}, Rels: map[string]string{"location": env.locs["SRY014"].ID}},
		} {
			e.MoveID, e.OccurredAt, e.RecordedAt, e.CreatedBy, e.SupplierID = m.ID, now, now, "serco-api", m.SupplierID
			if _, _, err := env.st.AppendEvent(ctx, e, store.AppendOptions{}); err != nil {
				t.Fatalf("%s: %v", e.Type, err)
			}
		}
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "police")
		goTo(t, page, env.url("/move/"+m.ID))
		must(t, expect.Locator(page.GetByText("Lockout", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)}).First()).ToBeVisible(), "the lockout banner")
		checkA11y(t, page)
		must(t, rdLink(page, "Add events").Click(), "Add events")
		must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Level: playwright.Int(1)})).ToHaveText("Add lockout events"), "the form")
		checkA11y(t, page)

		// Nothing ticked, then a ticked item without its details.
		mvClick(t, page, "Save events")
		summary := page.GetByRole(*playwright.AriaRoleAlert).Filter(playwright.LocatorFilterOptions{HasText: "There is a problem"})
		must(t, expect.Locator(summary).ToContainText("Select any events that happened during police custody"), "nothing selected")
		checkA11y(t, page)
		must(t, page.GetByRole(*playwright.AriaRoleCheckbox, playwright.PageGetByRoleOptions{Name: "Violence"}).Check(), "tick Violence")
		must(t, page.GetByRole(*playwright.AriaRoleCheckbox, playwright.PageGetByRoleOptions{Name: "Medication given"}).Check(), "tick Medication given")
		must(t, page.GetByRole(*playwright.AriaRoleTextbox, playwright.PageGetByRoleOptions{Name: "Give details about Medication given"}).Fill("Paracetamol 500mg at 22:00"), "medication details")
		mvClick(t, page, "Save events")
		must(t, expect.Locator(summary).ToContainText("Enter details of any violence that has taken place"), "violence needs details")
		checkA11y(t, page)
		must(t, page.GetByRole(*playwright.AriaRoleTextbox, playwright.PageGetByRoleOptions{Name: "Give details about Violence"}).Fill("Kicked the cell door for an hour"), "violence details")
		mvClick(t, page, "Save events")
		mvSuccess(t, page, "Lockout events added", "2 events")
		checkA11y(t, page)

		// On the timeline, as incidents, recorded by the officer.
		violence := page.GetByTestId("timeline-item").Filter(playwright.LocatorFilterOptions{HasText: "Kicked the cell door"})
		must(t, expect.Locator(violence).ToContainText("Violence"), "the violence in the timeline")
		must(t, expect.Locator(violence).ToContainText("Incident"), "marked as an incident")
		must(t, expect.Locator(page.GetByTestId("timeline-item").Filter(playwright.LocatorFilterOptions{HasText: "Paracetamol"})).ToContainText("Medical"), "the medication, medical")

		// The day list's card tags them, each linking to the timeline.
		goTo(t, page, env.url("/moves/outgoing/"+londonDay(0)))
		card := page.Locator("[data-testid=move-card]").Filter(playwright.LocatorFilterOptions{HasText: strings.ToUpper(strings.Fields(name)[len(strings.Fields(name))-1])})
		must(t, expect.Locator(card.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Violence"})).ToBeVisible(), "the card's tag")
		checkA11y(t, page)
		must(t, card.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: "Violence"}).Click(), "follow the tag")
		lstExpectURL(t, page, `/move/`+m.ID+`/timeline#event-`)
		checkA11y(t, page)
	})
}

func TestRoadDayListByVehicle(t *testing.T) {
	runBoth(t, "vehicle", func(t *testing.T, js bool) {
		env := newMvEnv(t)
		m, name := env.move(t, store.NewMove{MoveType: moves.CourtAppearance, FromID: env.locs["SRY016"].ID, ToID: env.locs["GUILCC"].ID, Date: londonDay(0)}, "e2e")
		env.event(t, m, moves.EventMoveAccept, nil)
		// Serco's system adds a journey and starts it with a registration.
		ts := time.Now().UTC().Format(time.RFC3339)
		rel := func(id string) map[string]any {
			return map[string]any{"data": map[string]any{"type": "locations", "id": id}}
		}
		j := rdAPI(t, env, http.MethodPost, "/api/moves/"+m.ID+"/journeys", map[string]any{"data": map[string]any{"type": "journeys",
			"attributes":    map[string]any{"timestamp": ts, "billable": true, "vehicle": map[string]any{"registration": "RD26 VAN"}},
			"relationships": map[string]any{"from_location": rel(m.FromID), "to_location": rel(m.ToID)}}})
		jid := j["data"].(map[string]any)["id"].(string)
		rdAPI(t, env, http.MethodPost, "/api/moves/"+m.ID+"/journeys/"+jid+"/start", map[string]any{"data": map[string]any{"type": "starts",
			"attributes": map[string]any{"timestamp": ts}}})
		env.event(t, m, moves.EventMoveStart, nil)

		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "police")
		goTo(t, page, env.url("/moves/outgoing/"+londonDay(0)))
		checkA11y(t, page)
		must(t, rdLink(page, "Group by vehicle").Click(), "group by vehicle")
		lstExpectURL(t, page, `/moves/outgoing/`+londonDay(0)+`\?status=active&group=vehicle$`)
		groups := page.Locator("section.app-move-group")
		must(t, expect.Locator(groups.First().GetByRole(*playwright.AriaRoleHeading, playwright.LocatorGetByRoleOptions{Level: playwright.Int(2)})).ToContainText("Awaiting vehicle"),
			"moves awaiting a vehicle first")
		van := page.GetByRole(*playwright.AriaRoleRegion, playwright.PageGetByRoleOptions{Name: "Vehicle RD26 VAN"})
		must(t, expect.Locator(van).ToBeVisible(), "the vehicle's group")
		must(t, expect.Locator(van.GetByRole(*playwright.AriaRoleLink, playwright.LocatorGetByRoleOptions{Name: strings.ToUpper(strings.Fields(name)[len(strings.Fields(name))-1])})).ToBeVisible(), "its move")
		must(t, expect.Locator(van.GetByTestId("vehicle-status")).ToHaveText("Left custody"), "the vehicle has left custody")
		checkA11y(t, page)
		must(t, rdLink(page, "Group by location").Click(), "back to locations")
		must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleRegion, playwright.PageGetByRoleOptions{Name: "Guildford Crown Court"})).ToBeVisible(), "grouped by destination")
		checkA11y(t, page)
	})
}

func TestRoadWeekView(t *testing.T) {
	runBoth(t, "week", func(t *testing.T, js bool) {
		env := newMvEnv(t)
		page := newPage(t, js)
		signIn(t, page, env.srv.BaseURL, "police")
		goTo(t, page, env.url("/moves/outgoing/"+londonDay(0)))
		must(t, rdLink(page, "Switch to week view").Click(), "week view")
		lstExpectURL(t, page, `/moves/outgoing/week/\d{4}-\d{2}-\d{2}\?status=active$`)
		h1 := page.GetByRole(*playwright.AriaRoleHeading, playwright.PageGetByRoleOptions{Level: playwright.Int(1)})
		must(t, expect.Locator(h1).ToContainText("(this week)"), "this week")
		// Today's moves are under today's heading.
		must(t, expect.Locator(page.GetByRole(*playwright.AriaRoleRegion, playwright.PageGetByRoleOptions{Name: mvLongDate(londonDay(0))})).ToBeVisible(), "today's day in the week")
		checkA11y(t, page)
		weeks := page.GetByRole(*playwright.AriaRoleNavigation, playwright.PageGetByRoleOptions{Name: "Weeks"})
		must(t, lstLink(weeks, "Next week").Click(), "next week")
		must(t, expect.Locator(h1).ToContainText("(next week)"), "next week")
		checkA11y(t, page)
		must(t, lstLink(weeks, "This week").Click(), "back")
		must(t, expect.Locator(h1).ToContainText("(this week)"), "this week again")
		must(t, rdLink(page, "Switch to day view").Click(), "day view")
		lstExpectURL(t, page, `/moves/outgoing/`+londonDay(0)+`\?status=active$`)
		checkA11y(t, page)
	})
}
