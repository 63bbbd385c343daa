package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// reqRejected makes a prison transfer from HMP Brixton that PMU rejected
// for reason, not rebooked.
func reqRejected(t *testing.T, a *reqApp, lastName, reason string) moves.Move {
	t.Helper()
	ctx := context.Background()
	p := a.person(t, lastName)
	m, err := a.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: a.location(t, "BXI").ID, ToID: a.location(t, "WWI").ID,
		DateFrom: "2026-12-10", PersonID: p.ID, CreatedBy: "prison"})
	if err != nil {
		t.Fatal(err)
	}
	e := moves.Event{Type: moves.EventMoveReject, MoveID: m.ID, OccurredAt: reqNow, RecordedAt: reqNow, CreatedBy: "pmu",
		Details: map[string]any{"rejection_reason": reason, "rebook": false, "cancellation_reason_comment": "Has the receiving prison agreed?"}}
	if _, _, err := a.st.AppendEvent(ctx, e, store.AppendOptions{By: "pmu"}); err != nil {
		t.Fatal(err)
	}
	m, _ = a.st.Move(ctx, m.ID)
	return m
}

// The requester adds the information PMU asked for and sends the request
// again: a new proposed request PMU sees in review, with the story in
// both timelines. Only a request rejected for more information, by those
// who may request from where it starts, and only once.
func TestMoveResubmitMoreInformation(t *testing.T) {
	a := newReqApp(t)
	m := reqRejected(t, a, "Hughes", moves.RejectionMoreInfo)
	prison := a.signIn(t, "prison", "")
	doc := prison.page("/move/"+m.ID, http.StatusOK)
	if doc.Find(`a[href="/move/`+m.ID+`/resubmit"]`).Length() != 1 {
		t.Fatal("no way to send the request again on its page")
	}
	form := prison.page("/move/"+m.ID+"/resubmit", http.StatusOK)
	if !strings.Contains(reqText(form.Find("main")), "Has the receiving prison agreed?") {
		t.Error("the form does not show what PMU asked")
	}
	version := form.Find(`input[name="version"]`).AttrOr("value", "")
	prison.invalid("/move/"+m.ID+"/resubmit", reqForm("version", version, "date_from", "1 December 2026"),
		"information: Enter the information PMU asked for", "date_from: must be today or in the future")
	prison.invalid("/move/"+m.ID+"/resubmit", reqForm("version", version, "information", "Yes", "date_from", "10/12/2026", "date_to", "9/12/2026"),
		"date_to: same as or after the earliest date")
	before, _ := a.st.CountMoves(context.Background(), store.MoveFilter{PersonID: m.PersonID})
	next := prison.next("/move/"+m.ID+"/resubmit", reqForm("version", version, "information", "HMP Wandsworth agreed on 2 December",
		"date_from", "10/12/2026", "date_to", "17/12/2026"))
	after, _ := a.st.CountMoves(context.Background(), store.MoveFilter{PersonID: m.PersonID})
	if after != before+1 {
		t.Fatalf("%d moves after sending again, %d before", after, before)
	}
	nm, err := a.st.Move(context.Background(), strings.TrimPrefix(next, "/move/"))
	if err != nil {
		t.Fatalf("sent again to %q: %v", next, err)
	}
	if nm.Status != moves.StatusProposed || nm.OriginalID != m.ID || nm.DateFrom != "2026-12-10" || nm.DateTo != "2026-12-17" {
		t.Errorf("new request %+v", nm)
	}
	// Once only: the button goes, the form and a second POST are refused.
	if prison.page("/move/"+m.ID, http.StatusOK).Find(`a[href="/move/`+m.ID+`/resubmit"]`).Length() != 0 {
		t.Error("the request can still be sent again")
	}
	// The form and a second POST (from the old form, or a fresh one)
	// answer with a conflict page that says what happened and links to
	// the new request.
	fresh := reqRejectedVersion(t, a, m.ID)
	for name, res := range map[string]*http.Response{
		"form":                   prison.get("/move/" + m.ID + "/resubmit"),
		"POST from the old form": prison.post("/move/"+m.ID+"/resubmit", reqForm("version", version, "information", "Again", "date_from", "10/12/2026")),
		"POST as of now":         prison.post("/move/"+m.ID+"/resubmit", reqForm("version", fresh, "information", "Again", "date_from", "10/12/2026")),
	} {
		if res.StatusCode != http.StatusConflict {
			t.Errorf("%s after sending again: %d; want 409", name, res.StatusCode)
			continue
		}
		doc := reqDoc(t, res)
		text := reqText(doc.Find("main"))
		for _, want := range []string{"This request has already been sent again", "as move " + nm.Reference, "Nothing you sent has been saved"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the conflict page lacks %q: %s", name, want, text)
			}
		}
		if doc.Find(`main a[href="/move/`+nm.ID+`"]`).Length() != 1 {
			t.Errorf("%s: no link to the new request", name)
		}
	}
	if n, _ := a.st.CountMoves(context.Background(), store.MoveFilter{PersonID: m.PersonID}); n != after {
		t.Errorf("the second POST made %d moves", n-after)
	}
	// Someone who may not send it again still gets a plain refusal.
	if res := a.signIn(t, "police", "").get("/move/" + m.ID + "/resubmit"); res.StatusCode == http.StatusConflict || res.StatusCode == http.StatusOK {
		t.Errorf("police user: %d", res.StatusCode)
	}

	// PMU sees it back in review, and the story in both timelines.
	pmu := a.signIn(t, "pmu", "")
	review := pmu.page("/moves/review", http.StatusOK)
	if review.Find(`#requests a[href="/move/`+nm.ID+`"]`).Length() == 0 {
		t.Error("the request sent again is not among the requests to review")
	}
	old := reqText(pmu.page("/move/"+m.ID, http.StatusOK).Find("main"))
	for _, want := range []string{"Request sent again with more information", "as move " + nm.Reference, "Information added: HMP Wandsworth agreed on 2 December"} {
		if !strings.Contains(old, want) {
			t.Errorf("rejected move's page lacks %q", want)
		}
	}
	page := reqText(pmu.page("/move/"+nm.ID, http.StatusOK).Find("main"))
	for _, want := range []string{"Sent again with more information", "HMP Wandsworth agreed on 2 December"} {
		if !strings.Contains(page, want) {
			t.Errorf("new request's page lacks %q", want)
		}
	}
}

func TestMoveResubmitWhoAndWhen(t *testing.T) {
	a := newReqApp(t)
	moreInfo := reqRejected(t, a, "Hughes", moves.RejectionMoreInfo)
	noSpace := reqRejected(t, a, "Hughes", "no_space_at_receiving_prison")
	ctx := context.Background()
	proposed, err := a.st.CreateMove(ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: a.location(t, "BXI").ID, ToID: a.location(t, "WWI").ID,
		DateFrom: "2026-12-11", PersonID: a.person(t, "Hughes").ID, CreatedBy: "prison"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user, loc string
		m         moves.Move
		want      int
	}{
		{"prison", "", moreInfo, http.StatusOK},
		{"pmu", "", moreInfo, http.StatusOK},
		{"prison", "", noSpace, http.StatusForbidden},
		{"prison", "", proposed, http.StatusForbidden},
		{"police", "SRY016", moreInfo, http.StatusNotFound}, // not theirs to see
		{"supplier", "", moreInfo, http.StatusForbidden},
	} {
		cl := a.signIn(t, c.user, c.loc)
		if res := cl.get("/move/" + c.m.ID + "/resubmit"); res.StatusCode != c.want {
			t.Errorf("%s, %s move rejected for %q: GET %d, want %d", c.user, c.m.Status, c.m.Cancellation.RejectionReason, res.StatusCode, c.want)
		}
		if c.want == http.StatusOK {
			continue
		}
		if res := cl.post("/move/"+c.m.ID+"/resubmit", reqForm("version", "1", "information", "x", "date_from", "10/12/2026")); res.StatusCode == http.StatusSeeOther {
			t.Errorf("%s sent %s again", c.user, c.m.Reference)
		}
	}
}

// reqRejectedVersion is a move's version now, as a fresh form has it.
func reqRejectedVersion(t *testing.T, a *reqApp, id string) string {
	t.Helper()
	m, err := a.st.Move(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(m.Version, 10)
}
