package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Ticking "Needs to travel in a special vehicle" interrupts the journey
// with what to do, then goes on to check your answers; the page cannot be
// reached without the box ticked.
func TestRequestSpecialVehicleInterruption(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	base := requestCourtJourney(t, c, a.person(t, "Bennett"))
	if got := c.get(base + "/special-vehicle"); got.StatusCode != http.StatusSeeOther || got.Header.Get("Location") != base+"/health" {
		t.Errorf("without the box: %d %s", got.StatusCode, got.Header.Get("Location"))
	}
	doc := c.page(base+"/health", http.StatusOK)
	if doc.Find(`input[name="health"][value="special_vehicle"]`).Length() != 1 {
		t.Fatal("the special vehicle question is not asked")
	}
	if got := c.next(base+"/health", url.Values{"health": {"special_vehicle"}, "health_special_vehicle_details": {"Wheelchair van"}}); got != base+"/special-vehicle" {
		t.Fatalf("health with a special vehicle leads to %q", got)
	}
	doc = c.page(base+"/special-vehicle", http.StatusOK)
	if h := reqText(doc.Find("h1")); h != "This person needs a special vehicle" {
		t.Errorf("h1 %q", h)
	}
	if !strings.Contains(reqText(doc.Find("main")), "call the supplier") {
		t.Error("the page does not say what to do")
	}
	if href, _ := doc.Find(".govuk-panel--interruption a").Attr("href"); href != base+"/check" {
		t.Errorf("continue leads to %q", href)
	}
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	found := false
	for k, v := range rows {
		if strings.Contains(k+" "+v, "special vehicle") {
			found = true
		}
	}
	if !found {
		t.Errorf("check your answers does not show the special vehicle: %v", rows)
	}
	// Pregnant or using a wheelchair interrupts too, saying why.
	if got := c.next(base+"/health", url.Values{"health": {"wheelchair"}}); got != base+"/special-vehicle" {
		t.Fatalf("health with a wheelchair leads to %q", got)
	}
	if !strings.Contains(reqText(c.page(base+"/special-vehicle", http.StatusOK).Find("main")), "pregnant or uses a wheelchair") {
		t.Error("the page does not say why")
	}
	if got := c.next(base+"/health", reqForm("health", "none")); got != base+"/check" {
		t.Fatalf("no health needs lead to %q", got)
	}
}
