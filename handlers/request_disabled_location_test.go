package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// A location an administrator disables is no longer offered as a
// destination in the request journey, is refused there if typed, and is
// refused by the store.
func TestAdminDisabledLocationIsNotADestination(t *testing.T) {
	a := newReqApp(t)
	court := a.location(t, "GUILCC")
	person := a.person(t, "Hughes")

	destinationsOffered := func(c *reqClient) (string, string) {
		base := reqJourneyBase(c.start())
		c.next(base+"/person", reqForm("number", person.PrisonNumber))
		c.next(base+"/results", reqForm("person", person.ID))
		c.next(base+"/move-type", reqForm("move_type", "court_appearance"))
		var titles []string
		c.page(base+"/destination", http.StatusOK).Find("datalist#to-list option").Each(func(_ int, o *goquery.Selection) {
			titles = append(titles, o.AttrOr("value", ""))
		})
		return base, strings.Join(titles, "; ")
	}
	police := a.signIn(t, "police", "SRY016")
	if _, offered := destinationsOffered(police); !strings.Contains(offered, court.Title) {
		t.Fatalf("%s is not offered before it is disabled: %s", court.Title, offered)
	}

	admin := a.signIn(t, "admin", "")
	if res := admin.post("/admin/locations/"+court.ID+"/disable", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}

	base, offered := destinationsOffered(police)
	if strings.Contains(offered, court.Title) {
		t.Errorf("a disabled location is offered as a destination: %s", offered)
	}
	if !strings.Contains(offered, "Guildford Magistrates' Court") {
		t.Errorf("the other courts are no longer offered: %s", offered)
	}
	police.invalid(base+"/destination", reqForm("to", court.Title, "time_due", "10am"), "to: no longer in use")

	_, err := a.st.CreateMove(context.Background(), store.NewMove{MoveType: moves.CourtAppearance, FromID: a.location(t, "SRY016").ID,
		ToID: court.ID, PersonID: person.ID, Date: reqTomorrow, CreatedBy: "test"})
	if e, ok := moves.AsError(err); !ok || e.Code != moves.Invalid || !e.Fields.Has("to_location") {
		t.Fatalf("the store made a move to a disabled location: %v", err)
	}
}
