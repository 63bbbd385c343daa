package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// Police moves ask about section 46 of PACE after the date; a yes is kept
// with the move, shown as a warning strip on its page and a tag on its
// card.
func TestRequestSection46(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	person := a.person(t, "Bennett")
	base := requestCourtJourney(t, c, person)
	// The journey answered no; change it.
	c.invalid(base+"/section-46", reqForm(), "s46: section 46")
	if got := c.next(base+"/section-46", reqForm("s46", "yes")); got != base+"/court" {
		t.Fatalf("section 46 leads to %q", got)
	}
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if rows["Move / Subject to PACE section 46"] != "Yes" {
		t.Errorf("check your answers: %v", rows)
	}
	res := c.post(base+"/check", reqForm())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("request: %d", res.StatusCode)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), "/move/"), "/confirmation")
	doc := c.page("/move/"+id, http.StatusOK)
	if !strings.Contains(reqText(doc.Find("main")), "This move is subject to PACE Section 46.") {
		t.Error("no section 46 warning strip on the move page")
	}
	day := c.page("/moves/outgoing/2026-12-04", http.StatusOK)
	if !strings.Contains(reqText(day.Find("main")), "Subject to PACE section 46") {
		t.Error("no section 46 tag on the card")
	}
}
