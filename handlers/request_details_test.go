package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
)

// reqSubmit requests the move at check your answers and returns it.
func reqSubmit(t *testing.T, a *reqApp, c *reqClient, base string) moves.Move {
	t.Helper()
	conf := c.next(base+"/check", nil)
	m, err := a.st.Move(context.Background(), strings.TrimSuffix(strings.TrimPrefix(conf, "/move/"), "/confirmation"))
	if err != nil {
		t.Fatalf("move after %q: %v", conf, err)
	}
	return m
}

// A prison recall asks when the person was arrested, before the date of
// the move; the date is kept with the move and shown on its page.
func TestRequestRecallAsksDateOfArrest(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "police", "SRY016")
	person := a.person(t, "Bennett")
	base := requestTo(t, c, person.PNC, person.ID, "prison_recall", reqForm("to", ""))
	if res := c.get(base + "/date"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"/recall" {
		t.Fatalf("the date before the date of arrest: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	c.invalid(base+"/recall", reqForm(), "recall_date-day: Enter the date they were arrested for recall")
	c.invalid(base+"/recall", reqForm("recall_date-day", "4", "recall_date-month", "12", "recall_date-year", "2026"),
		"recall_date-day: The date of arrest must be today or in the past")
	c.invalid(base+"/recall", reqForm("recall_date-day", "31", "recall_date-month", "11", "recall_date-year", "2026"),
		"recall_date-day: The date of arrest must be a real date")
	c.invalid(base+"/recall", reqForm("recall_date-day", "1", "recall_date-year", "2026"),
		"recall_date-month: The date of arrest must include a month")
	if got := c.next(base+"/recall", reqForm("recall_date-day", "1", "recall_date-month", "12", "recall_date-year", "2026")); got != base+"/date" {
		t.Fatalf("date of arrest leads to %q", got)
	}
	c.next(base+"/date", reqForm("date_type", "tomorrow"))
	c.next(base+"/section-46", reqForm("s46", "no"))
	c.next(base+"/risk", reqForm("risk", "none"))
	c.next(base+"/health", reqForm("health", "none"))
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if got := rows["Move / Date of arrest for recall"]; got != "Tuesday 1 December 2026" {
		t.Errorf("check your answers: date of arrest %q", got)
	}
	m := reqSubmit(t, a, c, base)
	if m.MoveType != moves.PrisonRecall || m.Details.RecallDate != "2026-12-01" {
		t.Fatalf("move %+v", m)
	}
	doc := c.page("/move/"+m.ID, http.StatusOK)
	if got := reqText(doc.Find("#move-recall-date")); !strings.Contains(got, "Tuesday 1 December 2026") {
		t.Errorf("move page: date of arrest %q", got)
	}
}

// A prison transfer and an approved premises move ask why; approved
// premises offer only MAPPA and another reason. Changing the type of move
// forgets an answer the new type does not ask.
func TestRequestTransferReason(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "prison", "")
	person := a.person(t, "Hughes")
	base := requestTo(t, c, person.PrisonNumber, person.ID, "approved_premises", reqForm("to", "Ealing Approved Premises"))
	if got := c.next(base+"/date", reqForm("date_type", "tomorrow")); got != base+"/reason" {
		t.Fatalf("date leads to %q", got)
	}
	doc := c.page(base+"/reason", http.StatusOK)
	var offered []string
	doc.Find(`input[name="reason"]`).Each(func(_ int, s *goquery.Selection) { offered = append(offered, s.AttrOr("value", "")) })
	if strings.Join(offered, ",") != "mappa,another_reason" {
		t.Errorf("approved premises reasons offered: %v", offered)
	}
	c.invalid(base+"/reason", reqForm(), "reason: Select the reason for the move")
	c.invalid(base+"/reason", reqForm("reason", "parole"), "reason: Select the reason for the move")
	c.next(base+"/reason", reqForm("reason", "mappa"))
	c.next(base+"/risk", reqForm("risk", "none"))
	c.next(base+"/health", reqForm("health", "none"))
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if got := rows["Move / Reason for the move"]; got != moves.TransferReasonLabel("mappa") {
		t.Errorf("check your answers: reason %q", got)
	}
	m := reqSubmit(t, a, c, base)
	if m.MoveType != moves.ApprovedPremises || m.Status != moves.StatusRequested || m.Details.TransferReason != "mappa" {
		t.Fatalf("move %+v", m)
	}
	doc = c.page("/move/"+m.ID, http.StatusOK)
	if got := reqText(doc.Find("#move-reason")); !strings.Contains(got, moves.TransferReasonLabel("mappa")) {
		t.Errorf("move page: reason %q", got)
	}

	// A court move asks no reason: the answer is forgotten.
	base = requestTo(t, c, person.PrisonNumber, person.ID, "prison_transfer", reqForm("to", "HMP Wandsworth"))
	c.next(base+"/date", reqForm("date_from", "10/12/2026"))
	c.next(base+"/reason", reqForm("reason", "parole"))
	c.next(base+"/move-type", reqForm("move_type", "hospital"))
	if res := c.get(base + "/reason"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("reason step for a hospital move: %d", res.StatusCode)
	}
}

// An extradition goes to a police custody suite and asks for its flight,
// which must not have left; the flight is kept and shown.
func TestRequestExtraditionFlight(t *testing.T) {
	a := newReqApp(t)
	c := a.signIn(t, "prison", "")
	person := a.person(t, "Hughes")
	base := requestTo(t, c, person.PrisonNumber, person.ID, "extradition", reqForm("to", "Guildford Police Station"))
	if got := c.next(base+"/date", reqForm("date_type", "tomorrow")); got != base+"/flight" {
		t.Fatalf("date leads to %q", got)
	}
	c.invalid(base+"/flight", reqForm(),
		"flight_number: Enter the flight number", "flight_date-day: Enter the date of the flight", "flight_time: Enter the time of the flight")
	c.invalid(base+"/flight", reqForm("flight_number", "1234", "flight_date-day", "2", "flight_date-month", "12", "flight_date-year", "2026", "flight_time", "25:00"),
		"flight_number: Enter a flight number in the correct format, like BA1234",
		"flight_date-day: The date of the flight must be today or in the future",
		"flight_time: Enter a time in the correct format, like 9am or 14:30")
	// Today, but an hour ago (the clock is midday).
	c.invalid(base+"/flight", reqForm("flight_number", "BA1234", "flight_date-day", "3", "flight_date-month", "12", "flight_date-year", "2026", "flight_time", "11am"),
		"flight_time: The flight must be in the future")
	c.next(base+"/flight", reqForm("flight_number", "ba 1234", "flight_date-day", "4", "flight_date-month", "12", "flight_date-year", "2026", "flight_time", "2:30pm"))
	c.next(base+"/risk", reqForm("risk", "none"))
	c.next(base+"/health", reqForm("health", "none"))
	rows := reqSummaryRows(c.page(base+"/check", http.StatusOK))
	if got := rows["Move / Extradition flight"]; got != "BA1234, Friday 4 December 2026 at 2:30pm" {
		t.Errorf("check your answers: flight %q", got)
	}
	m := reqSubmit(t, a, c, base)
	want := time.Date(2026, 12, 4, 14, 30, 0, 0, time.UTC)
	if m.MoveType != moves.Extradition || m.Details.Flight == nil || m.Details.Flight.Number != "BA1234" || !m.Details.Flight.Time.Equal(want) {
		t.Fatalf("move %+v, flight %+v", m, m.Details.Flight)
	}
	doc := c.page("/move/"+m.ID, http.StatusOK)
	if got := reqText(doc.Find("#move-flight")); !strings.Contains(got, "BA1234") {
		t.Errorf("move page: flight %q", got)
	}
}

// Who is offered the new types: prison staff at a prison are; police are
// not, and a hand-made answer is refused.
func TestRequestNewTypesOffered(t *testing.T) {
	a := newReqApp(t)
	typesOffered := func(c *reqClient, number, personID string) (string, []string) {
		base := reqJourneyBase(c.start())
		c.next(base+"/person", reqForm("number", number))
		c.next(base+"/results", reqForm("person", personID))
		var out []string
		c.page(base+"/move-type", http.StatusOK).Find(`input[name="move_type"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, s.AttrOr("value", ""))
		})
		return base, out
	}
	hughes := a.person(t, "Hughes")
	_, got := typesOffered(a.signIn(t, "prison", ""), hughes.PrisonNumber, hughes.ID)
	if !slices.Contains(got, "approved_premises") || !slices.Contains(got, "extradition") {
		t.Errorf("prison staff are offered %v", got)
	}
	police := a.signIn(t, "police", "SRY016")
	bennett := a.person(t, "Bennett")
	base, got := typesOffered(police, bennett.PNC, bennett.ID)
	if slices.Contains(got, "approved_premises") || slices.Contains(got, "extradition") {
		t.Errorf("police are offered %v", got)
	}
	police.invalid(base+"/move-type", reqForm("move_type", "extradition"), "move_type: Select one of the types of move listed")
}
