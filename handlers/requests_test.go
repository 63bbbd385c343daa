package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The single requests list (/moves/requested): police and prison staff's
// own requests for PMU to review, in PMU's four review statuses (pending
// review, approved, rejected, cancelled). A proposed move has no date,
// nor has one rejected or cancelled while proposed, so no day list shows
// them; here they are, for the current location only.

// sentReqs are the lists tests' fixtures for the list: moves made and
// rejected through the store, as the request pages and PMU would.
type sentReqs struct {
	t *testing.T
	a *listsApp
	n int
}

// request creates a move from code to code for a new person; date is the
// move's date, or the earliest date of a proposed transfer.
func (s *sentReqs) request(typ moves.MoveType, from, to, date string) moves.Move {
	s.t.Helper()
	ctx := context.Background()
	s.n++
	p := moves.Person{FirstNames: "Sent", LastName: fmt.Sprintf("Request%02d", s.n), DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
	if err := s.a.st.CreatePerson(ctx, &p, listsToday); err != nil {
		s.t.Fatal(err)
	}
	// A minute apart, so that "newest first" has one answer.
	s.a.app.Clock.Add(time.Minute)
	nm := store.NewMove{MoveType: typ, FromID: s.a.locationID(s.t, from), ToID: s.a.locationID(s.t, to), PersonID: p.ID, CreatedBy: "test"}
	if typ == moves.PrisonTransfer {
		nm.DateFrom = date
	} else {
		nm.Date = date
	}
	m, err := s.a.st.CreateMove(ctx, nm)
	if err != nil {
		s.t.Fatalf("request from %s to %s: %v", from, to, err)
	}
	return m
}

// event appends an event of type typ with details to m, as by, and
// returns the move after it.
func (s *sentReqs) event(m moves.Move, typ moves.EventType, by string, details map[string]any) moves.Move {
	s.t.Helper()
	ctx := context.Background()
	now := s.a.app.Clock.Now()
	e := moves.Event{Type: typ, MoveID: m.ID, OccurredAt: now, RecordedAt: now, CreatedBy: by, Details: details}
	if ev, _, err := s.a.st.AppendEvent(ctx, e, store.AppendOptions{By: by}); err != nil || !ev.Applied {
		s.t.Fatalf("%s %s: %v (%s)", typ, m.Reference, err, ev.Reason)
	}
	m, err := s.a.st.Move(ctx, m.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return m
}

// approve has PMU approve m for date.
func (s *sentReqs) approve(m moves.Move, date string) moves.Move {
	s.t.Helper()
	return s.event(m, moves.EventMoveApprove, "pmu", map[string]any{"date": date})
}

// cancel has the sender cancel m for reason, with a comment.
func (s *sentReqs) cancel(m moves.Move, reason, comment string) moves.Move {
	s.t.Helper()
	return s.event(m, moves.EventMoveCancel, "prison", map[string]any{"cancellation_reason": reason, "cancellation_reason_comment": comment})
}

// reject has PMU reject m for reason, with a comment, rebooking it or not.
func (s *sentReqs) reject(m moves.Move, reason, comment string, rebook bool) moves.Move {
	s.t.Helper()
	return s.event(m, moves.EventMoveReject, "pmu", map[string]any{"rejection_reason": reason, "rebook": rebook, "cancellation_reason_comment": comment})
}

// again is the move proposed again after m was rejected.
func (s *sentReqs) again(m moves.Move) moves.Move {
	s.t.Helper()
	n, err := s.a.st.RebookedFrom(context.Background(), m.ID)
	if err != nil {
		s.t.Fatalf("nothing proposed again after %s: %v", m.Reference, err)
	}
	return n
}

// sentReqsTabs reads the list's tabs (label → count) and the current one.
func sentReqsTabs(doc *goquery.Document) (map[string]string, string) {
	tabs, current := map[string]string{}, ""
	doc.Find(".moj-sub-navigation__link").Each(func(_ int, s *goquery.Selection) {
		n := listsText(s.Find(".app-filter__count"))
		label := strings.TrimSpace(strings.TrimSuffix(listsText(s), n))
		tabs[label] = n
		if s.AttrOr("aria-current", "") == "page" {
			current = label
		}
	})
	return tabs, current
}

// sentReqsTable reads the table: its column headings and its rows, each
// as the text of its cells, and each row's links (text → href).
func sentReqsTable(doc *goquery.Document) (head []string, rows [][]string, links []map[string]string) {
	doc.Find("#requests thead th").Each(func(_ int, th *goquery.Selection) { head = append(head, listsText(th)) })
	doc.Find("#requests tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var r []string
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { r = append(r, listsText(td)) })
		rows = append(rows, r)
		l := map[string]string{}
		tr.Find("a").Each(func(_ int, a *goquery.Selection) { l[listsText(a)] = a.AttrOr("href", "") })
		links = append(links, l)
	})
	return head, rows, links
}

// sentReqsRow is the row of the move with reference ref, or nil.
func sentReqsRow(rows [][]string, ref string) []string {
	for _, r := range rows {
		if len(r) > 1 && r[1] == ref {
			return r
		}
	}
	return nil
}

// sentReqsRefs is the references of the rows, in order.
func sentReqsRefs(rows [][]string) []string { return listsColumn(rows, 1) }

// theirs lists, through the store, the references of the moves from a
// location in the given statuses (the demo's among them), ordered as the
// list orders that tab.
func (s *sentReqs) theirs(from string, status moves.Status, reasons ...string) []string {
	s.t.Helper()
	f := store.MoveFilter{FromIDs: []string{s.a.locationID(s.t, from)}, Statuses: []moves.Status{status}, CancellationReasons: reasons, Limit: 100}
	rows, _, err := s.a.st.ListMoves(context.Background(), f)
	if err != nil {
		s.t.Fatal(err)
	}
	slices.SortFunc(rows, func(x, y store.MoveRow) int {
		if status == moves.StatusProposed {
			if c := strings.Compare(x.DateFrom, y.DateFrom); c != 0 {
				return c
			}
			if c := x.CreatedAt.Compare(y.CreatedAt); c != 0 {
				return c
			}
			return strings.Compare(x.Reference, y.Reference)
		}
		if c := y.CreatedAt.Compare(x.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(x.Reference, y.Reference)
	})
	var out []string
	for _, r := range rows {
		out = append(out, r.Reference)
	}
	return out
}

// Prison staff at HMP Brixton find the requests they sent that wait for
// PMU, and those PMU rejected with why and what became of them, from the
// navigation and from their home page, and nothing of other prisons'.
// (What the approved and cancelled tabs hold: TestSentRequestsTabs.)
func TestSentRequestsPrison(t *testing.T) {
	a := newListsApp(t)
	s := &sentReqs{t: t, a: a}
	more := s.reject(s.request(moves.PrisonTransfer, "BXI", "WWI", "2026-12-10"), moves.RejectionMoreInfo, "Has HMP Wandsworth agreed?", false)
	rebooked := s.reject(s.request(moves.PrisonTransfer, "BXI", "HOI", "2026-12-08"), "no_transport_available", "", true)
	proposedAgain := s.again(rebooked)
	// Other prisons' requests, pending and rejected; one of them to Brixton.
	other := s.request(moves.PrisonTransfer, "PVI", "BXI", "2026-12-09")
	otherRejected := s.reject(s.request(moves.PrisonTransfer, "PVI", "WWI", "2026-12-09"), moves.RejectionMoreInfo, "Why?", false)

	prison := a.signIn(t, "prison", "")
	home := prison.page("/", http.StatusOK)
	nav := home.Find(`nav a[href="/moves/requested"]`)
	if listsText(nav) != "Single requests" {
		t.Fatalf("navigation link to the single requests: %q", listsText(nav))
	}

	doc := prison.page("/moves/requested", http.StatusOK)
	if h := listsText(doc.Find("h1")); h != "HMP Brixton Single requests" {
		t.Errorf("h1 %q", h)
	}
	if cur := listsText(doc.Find(`nav a[aria-current="page"][href="/moves/requested"]`)); cur != "Single requests" {
		t.Errorf("navigation's current item %q", cur)
	}
	pending := s.theirs("BXI", moves.StatusProposed)
	rejected := s.theirs("BXI", moves.StatusCancelled, "rejected")
	if len(pending) != 3 || len(rejected) != 3 {
		t.Fatalf("fixtures: %d pending, %d rejected from Brixton; want the demo's 2 and 1, and 1 and 2 more", len(pending), len(rejected))
	}
	tabs, current := sentReqsTabs(doc)
	if want := map[string]string{"Pending review": "3", "Approved": "1", "Rejected": "3", "Cancelled": "0"}; !reflect.DeepEqual(tabs, want) ||
		current != "Pending review" {
		t.Errorf("tabs %v (current %q), want %v with pending review current", tabs, current, want)
	}
	head, rows, links := sentReqsTable(doc)
	if want := []string{"Name", "Reference", "Sent on", "Move to", "Earliest date", "Latest date"}; !reflect.DeepEqual(head, want) {
		t.Errorf("pending columns %v", head)
	}
	// The soonest earliest date first.
	if got := sentReqsRefs(rows); !reflect.DeepEqual(got, pending) {
		t.Errorf("pending %v, want %v", got, pending)
	}
	if r := sentReqsRow(rows, proposedAgain.Reference); r == nil || r[3] != "HMP High Down" || r[4] != "15 December 2026" || r[5] != "Not given" {
		t.Errorf("the request proposed again: %v", r)
	}
	for i, r := range rows {
		m, err := a.st.MoveByReference(context.Background(), r[1])
		if err != nil {
			t.Fatal(err)
		}
		if links[i][r[0]] != "/move/"+m.ID {
			t.Errorf("%s: name links %v", r[1], links[i])
		}
	}
	for _, ref := range []string{other.Reference, otherRejected.Reference, more.Reference} {
		if sentReqsRow(rows, ref) != nil {
			t.Errorf("%s is pending from Brixton", ref)
		}
	}
	if got := listsText(doc.Find("#showing")); got != "Showing 1 to 3 of 3 requests" {
		t.Errorf("showing %q", got)
	}

	// Rejected: newest first, with PMU's reason and words, and what
	// became of each.
	href := doc.Find("#status-rejected").AttrOr("href", "")
	doc = prison.page(href, http.StatusOK)
	if tabs, current := sentReqsTabs(doc); current != "Rejected" || tabs["Rejected"] != "3" {
		t.Errorf("%s: tabs %v, current %q", href, tabs, current)
	}
	head, rows, links = sentReqsTable(doc)
	if want := []string{"Name", "Reference", "Sent on", "Move to", "Dates asked for", "Reason for rejection", "What happens next"}; !reflect.DeepEqual(head, want) {
		t.Errorf("rejected columns %v", head)
	}
	if got := sentReqsRefs(rows); !reflect.DeepEqual(got, rejected) {
		t.Errorf("rejected %v, want %v", got, rejected)
	}
	demo, _ := store.PlanDemo(listsNow)
	demoRejected, _ := demo.Move("rejected-transfer-brixton")
	byRef := map[string]int{}
	for i, r := range rows {
		byRef[r[1]] = i
	}
	if r := rows[byRef[demoRejected.Reference]]; r[3] != "HMP Bronzefield" || r[5] != "No space at the receiving prison PMU said: No space until next month" ||
		r[6] != "Not proposed again" {
		t.Errorf("the demo's rejected request: %v", r)
	}
	i := byRef[rebooked.Reference]
	if r := rows[i]; r[4] != "From 8 December 2026" || r[5] != "No transport available for this move" || r[6] != "Proposed again as "+proposedAgain.Reference ||
		links[i][r[6]] != "/move/"+proposedAgain.ID {
		t.Errorf("the rebooked request: %v %v", r, links[i])
	}
	i = byRef[more.Reference]
	send := "Add information and send again: " + rows[i][0] + " (" + more.Reference + ")"
	if r := rows[i]; r[5] != "More information is needed PMU said: Has HMP Wandsworth agreed?" || r[6] != send ||
		links[i][send] != "/move/"+more.ID+"/resubmit" {
		t.Errorf("the request rejected for more information: %v %v", r, links[i])
	}
	if sentReqsRow(rows, otherRejected.Reference) != nil {
		t.Error("Pentonville's rejected request is listed at Brixton")
	}
	// The link is the way to send it again.
	prison.page(links[i][send], http.StatusOK)

	// Sent again: the row says so, and the new request waits.
	sent, err := a.st.ResubmitMove(context.Background(), store.Resubmission{MoveID: more.ID, By: "prison", Information: "Agreed on the phone",
		DateFrom: "2026-12-14"})
	if err != nil {
		t.Fatal(err)
	}
	doc = prison.page(href, http.StatusOK)
	_, rows, links = sentReqsTable(doc)
	if r := sentReqsRow(rows, more.Reference); r == nil || r[6] != "Sent again as "+sent.Reference {
		t.Errorf("after sending again: %v", r)
	}
	tabs, _ = sentReqsTabs(doc)
	if tabs["Pending review"] != "4" {
		t.Errorf("after sending again, %s pending", tabs["Pending review"])
	}

	// Home counts the same, and links to the tabs.
	home = prison.page("/", http.StatusOK)
	counts := listsHomeCounts(t, home, "home-requests")
	if len(counts) != 4 || counts["Pending review"].N != "4" || counts["Approved"].N != "1" || counts["Rejected"].N != "3" || counts["Cancelled"].N != "0" {
		t.Errorf("home counts %v", counts)
	}
	for label, c := range counts {
		tabs, current := sentReqsTabs(prison.page(c.Href, http.StatusOK))
		if current != label || tabs[label] != c.N {
			t.Errorf("home's %q (%s) links to %s, showing %q %v", label, c.N, c.Href, current, tabs)
		}
	}
	if got := listsText(home.Find("#home-requests .app-overview__caption")); got != "Sent from HMP Brixton" {
		t.Errorf("home caption %q", got)
	}

	// A request's page leads back to the list it is in.
	for ref, want := range map[string]string{sent.Reference: "/moves/requested?status=pending", demoRejected.Reference: "/moves/requested?status=rejected"} {
		m, _ := a.st.MoveByReference(context.Background(), ref)
		crumb := prison.page("/move/"+m.ID, http.StatusOK).Find(".govuk-breadcrumbs a").Eq(1)
		if listsText(crumb) != "Single requests" || crumb.AttrOr("href", "") != want {
			t.Errorf("%s: breadcrumb %q to %q, want Single requests to %s", ref, listsText(crumb), crumb.AttrOr("href", ""), want)
		}
	}
}

// The tabs are PMU's review statuses for Brixton's requests: whatever
// started as a proposal from Brixton is on exactly one of them (approved
// ones on Approved with their date of travel; one cancelled before PMU
// reviewed it, or after approval, on Cancelled with the reason), in the
// tab's order; moves requested directly (a court appearance PMU rejected
// or someone cancelled, an allocation's place PMU rejected) are on none,
// nor is anything from another prison, whatever became of it. The counts
// on the tabs and on Home are the tabs' rows.
func TestSentRequestsTabs(t *testing.T) {
	a := newListsApp(t)
	s := &sentReqs{t: t, a: a}
	ctx := context.Background()
	demo, _ := store.PlanDemo(listsNow)
	named := func(name string) moves.Move {
		d, ok := demo.Move(name)
		m, err := a.st.Move(ctx, d.ID)
		if !ok || err != nil {
			t.Fatalf("the demo's %s: %v", name, err)
		}
		return m
	}
	demoPending, demoRejected := named("proposed-transfer-brixton"), named("rejected-transfer-brixton")
	// The demo's other requests from Brixton: one pending, one approved.
	var demoPending2, demoApproved moves.Move
	for _, m := range demoBrixtonTransfers(t, a) {
		switch {
		case m.Status == moves.StatusProposed && m.ID != demoPending.ID:
			demoPending2 = m
		case m.Status == moves.StatusRequested:
			demoApproved = m
		}
	}
	if demoPending2.ID == "" || demoApproved.ID == "" {
		t.Fatal("the demo's second pending and its approved request from Brixton are missing")
	}

	pending := s.request(moves.PrisonTransfer, "BXI", "WWI", "2026-12-20")
	approved := s.approve(s.request(moves.PrisonTransfer, "BXI", "HOI", "2026-12-10"), "2026-12-12")
	rejected := s.reject(s.request(moves.PrisonTransfer, "BXI", "WWI", "2026-12-11"), "no_space_at_receiving_prison", "", false)
	cancelledEarly := s.cancel(s.request(moves.PrisonTransfer, "BXI", "WWI", "2026-12-14"), "operational_issues_prison", "Wing closed")
	cancelledLate := s.cancel(s.approve(s.request(moves.PrisonTransfer, "BXI", "HOI", "2026-12-15"), "2026-12-16"), "prisoner_refusal", "")
	// Requested directly, never proposals.
	courtRejected := s.reject(s.request(moves.CourtAppearance, "BXI", "SWRKCC", "2026-12-09"), "no_transport_available", "", false)
	courtCancelled := s.cancel(s.request(moves.CourtAppearance, "BXI", "SWRKCC", "2026-12-10"), "court_closure", "")
	al, err := a.st.CreateAllocation(ctx, moves.NewAllocation{Count: 1, FromID: a.locationID(t, "BXI"), ToID: a.locationID(t, "WWI"),
		Date: "2026-12-10", Criteria: moves.Criteria{Estate: moves.EstateAdultMale, SentenceLength: "any"}}, "pmu", listsToday)
	if err != nil {
		t.Fatal(err)
	}
	places, err := a.st.AllocationPlaces(ctx, al.ID)
	if err != nil || len(places) != 1 {
		t.Fatalf("the allocation's places: %v %v", places, err)
	}
	placeRejected := s.reject(places[0].Move, "no_space_at_receiving_prison", "", false)
	// Pentonville's, one of each.
	others := []moves.Move{
		s.request(moves.PrisonTransfer, "PVI", "WWI", "2026-12-09"),
		s.approve(s.request(moves.PrisonTransfer, "PVI", "WWI", "2026-12-09"), "2026-12-10"),
		s.reject(s.request(moves.PrisonTransfer, "PVI", "WWI", "2026-12-09"), "no_space_at_receiving_prison", "", false),
		s.cancel(s.request(moves.PrisonTransfer, "PVI", "BXI", "2026-12-09"), "operational_issues_prison", ""),
	}

	refs := func(ms ...moves.Move) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Reference)
		}
		return out
	}
	// Pending: the soonest earliest date first; the rest the newest first
	// (the fixtures a minute apart, after the demo's).
	want := map[string][]string{
		"Pending review": refs(demoPending, demoPending2, pending),
		"Approved":       refs(approved, demoApproved),
		"Rejected":       refs(rejected, demoRejected),
		"Cancelled":      refs(cancelledLate, cancelledEarly),
	}
	slices.SortFunc(want["Pending review"], func(x, y string) int {
		mx, _ := a.st.MoveByReference(ctx, x)
		my, _ := a.st.MoveByReference(ctx, y)
		return strings.Compare(mx.DateFrom, my.DateFrom)
	})
	prison := a.signIn(t, "prison", "")
	seen := map[string]string{}
	for _, key := range []string{"pending", "approved", "rejected", "cancelled"} {
		doc := prison.page("/moves/requested?status="+key, http.StatusOK)
		tabs, current := sentReqsTabs(doc)
		_, rows, _ := sentReqsTable(doc)
		got := sentReqsRefs(rows)
		if !reflect.DeepEqual(got, want[current]) {
			t.Errorf("%s (%q): %v, want %v", key, current, got, want[current])
		}
		for label, refs := range want {
			if tabs[label] != strconv.Itoa(len(refs)) {
				t.Errorf("%s: the %q tab counts %s, want %d", key, label, tabs[label], len(refs))
			}
		}
		if got := listsText(doc.Find("#showing")); got != fmt.Sprintf("Showing 1 to %d of %d requests", len(want[current]), len(want[current])) {
			t.Errorf("%s: showing %q", key, got)
		}
		for _, ref := range got {
			if seen[ref] != "" {
				t.Errorf("%s is on %s and %s", ref, seen[ref], key)
			}
			seen[ref] = key
		}
	}
	for _, m := range append([]moves.Move{courtRejected, courtCancelled, placeRejected}, others...) {
		if seen[m.Reference] != "" {
			t.Errorf("%s (%s from %s) is on Brixton's %s tab", m.Reference, m.MoveType, m.FromID, seen[m.Reference])
		}
	}

	// What the approved and cancelled tabs say of each.
	doc := prison.page("/moves/requested?status=approved", http.StatusOK)
	head, rows, links := sentReqsTable(doc)
	if want := []string{"Name", "Reference", "Sent on", "Move to", "Earliest date", "Latest date", "Date of travel"}; !reflect.DeepEqual(head, want) {
		t.Errorf("approved columns %v", head)
	}
	if r := sentReqsRow(rows, approved.Reference); !reflect.DeepEqual(r, []string{"REQUEST02, Sent", approved.Reference, "3 December 2026", "HMP High Down",
		"10 December 2026", "Not given", "12 December 2026"}) {
		t.Errorf("the approved request: %v", r)
	}
	if i := slices.Index(sentReqsRefs(rows), approved.Reference); i < 0 || links[i]["REQUEST02, Sent"] != "/move/"+approved.ID {
		t.Errorf("the approved request's links %v", links)
	}
	doc = prison.page("/moves/requested?status=cancelled", http.StatusOK)
	head, rows, _ = sentReqsTable(doc)
	if want := []string{"Name", "Reference", "Sent on", "Move to", "Earliest date", "Latest date", "Reason for cancellation"}; !reflect.DeepEqual(head, want) {
		t.Errorf("cancelled columns %v", head)
	}
	if r := sentReqsRow(rows, cancelledEarly.Reference); !reflect.DeepEqual(r, []string{"REQUEST04, Sent", cancelledEarly.Reference, "3 December 2026",
		"HMP Wandsworth", "14 December 2026", "Not given", "Operational problems at the prison More information: Wing closed"}) {
		t.Errorf("the request cancelled before review: %v", r)
	}
	if r := sentReqsRow(rows, cancelledLate.Reference); r == nil || r[6] != "Person refused to move" {
		t.Errorf("the request cancelled once approved: %v", r)
	}

	// Home counts each tab, and links to it.
	counts := listsHomeCounts(t, prison.page("/", http.StatusOK), "home-requests")
	if len(counts) != len(want) {
		t.Errorf("home counts %v", counts)
	}
	for label, refs := range want {
		c := counts[label]
		if c.N != strconv.Itoa(len(refs)) {
			t.Errorf("home's %q: %s, want %d", label, c.N, len(refs))
		}
		if _, current := sentReqsTabs(prison.page(c.Href, http.StatusOK)); current != label {
			t.Errorf("home's %q links to %s, showing %q", label, c.Href, current)
		}
	}

	// The pages of those cancelled before they had a date lead back to
	// their tab; those cancelled with a date, to its day's list.
	for _, tc := range []struct {
		m          moves.Move
		text, href string
	}{
		{cancelledEarly, "Single requests", "/moves/requested?status=cancelled"},
		{rejected, "Single requests", "/moves/requested?status=rejected"},
		{cancelledLate, "Outgoing moves", "/moves/outgoing/2026-12-16"},
		{courtRejected, "Outgoing moves", "/moves/outgoing/2026-12-09"},
	} {
		crumb := prison.page("/move/"+tc.m.ID, http.StatusOK).Find(".govuk-breadcrumbs a").Eq(1)
		if listsText(crumb) != tc.text || crumb.AttrOr("href", "") != tc.href {
			t.Errorf("%s: breadcrumb %q to %q, want %q to %s", tc.m.Reference, listsText(crumb), crumb.AttrOr("href", ""), tc.text, tc.href)
		}
	}

	// Pentonville's staff see theirs (and the demo's pending one), and
	// none of Brixton's.
	if err := a.st.CreateUser(ctx, &store.User{Username: "pentonville", FullName: "Pat Pentonville", Role: moves.RolePrison,
		LocationIDs: []string{a.locationID(t, "PVI")}}, store.DemoPassword); err != nil {
		t.Fatal(err)
	}
	pvi := a.signIn(t, "pentonville", "")
	doc = pvi.page("/moves/requested", http.StatusOK)
	if tabs, _ := sentReqsTabs(doc); !reflect.DeepEqual(tabs, map[string]string{"Pending review": "2", "Approved": "1", "Rejected": "1", "Cancelled": "1"}) {
		t.Errorf("Pentonville's tabs %v", tabs)
	}
	for i, key := range []string{"pending", "approved", "rejected", "cancelled"} {
		_, rows, _ := sentReqsTable(pvi.page("/moves/requested?status="+key, http.StatusOK))
		if sentReqsRow(rows, others[i].Reference) == nil {
			t.Errorf("Pentonville's %s tab lacks %s: %v", key, others[i].Reference, sentReqsRefs(rows))
		}
		for _, ref := range sentReqsRefs(rows) {
			if seen[ref] != "" {
				t.Errorf("Brixton's %s is on Pentonville's %s tab", ref, key)
			}
		}
	}
}

// demoBrixtonTransfers are the demo's prison transfers from HMP Brixton.
func demoBrixtonTransfers(t *testing.T, a *listsApp) []moves.Move {
	t.Helper()
	rows, _, err := a.st.ListMoves(context.Background(), store.MoveFilter{FromIDs: []string{a.locationID(t, "BXI")},
		MoveTypes: []moves.MoveType{moves.PrisonTransfer}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []moves.Move
	for _, r := range rows {
		out = append(out, r.Move)
	}
	return out
}

// Police send no proposals: their court appearances are requested
// directly, and one PMU rejects is on no tab (the day list of its date
// shows it, cancelled, and its page leads there). What PMU proposes again
// after rejecting it is a single request: police see those of the
// custody suite they work at, with the way to send again one PMU rejects
// for more information; not those of their other custody suite until
// they choose it, nor other forces'.
func TestSentRequestsPolice(t *testing.T) {
	a := newListsApp(t)
	s := &sentReqs{t: t, a: a}
	day := "2026-12-07"
	more := s.reject(s.request(moves.CourtAppearance, "SRY016", "GUILCC", day), moves.RejectionMoreInfo, "Which hearing?", false)
	rebooked := s.reject(s.request(moves.CourtAppearance, "SRY016", "GUILCC", day), "no_transport_available", "", true)
	proposedAgain := s.again(rebooked)
	staines := s.reject(s.request(moves.CourtAppearance, "SRY014", "GUILCC", day), "no_transport_available", "", true)
	stainesAgain := s.again(staines)
	// Another force's.
	mps := s.reject(s.request(moves.CourtAppearance, "MPS2", "WSTRMC", day), "no_transport_available", "", true)
	s.reject(s.again(mps), moves.RejectionMoreInfo, "", false)
	if proposedAgain.Status != moves.StatusProposed || proposedAgain.Date != "" {
		t.Fatalf("proposed again: %s with date %q", proposedAgain.Status, proposedAgain.Date)
	}

	police := a.signIn(t, "police", "SRY016")
	doc := police.page("/moves/requested", http.StatusOK)
	if h := listsText(doc.Find("h1")); h != "Guildford Police Station Single requests" {
		t.Errorf("h1 %q", h)
	}
	if tabs, _ := sentReqsTabs(doc); !reflect.DeepEqual(tabs, map[string]string{"Pending review": "1", "Approved": "0", "Rejected": "0", "Cancelled": "0"}) {
		t.Errorf("Guildford's tabs %v", tabs)
	}
	_, rows, _ := sentReqsTable(doc)
	if got := sentReqsRefs(rows); !reflect.DeepEqual(got, []string{proposedAgain.Reference}) {
		t.Errorf("pending at Guildford %v, want the request proposed again %s", got, proposedAgain.Reference)
	}
	if r := rows[0]; r[3] != "Guildford Crown Court" || r[4] != "14 December 2026" {
		t.Errorf("the request proposed again: %v", r)
	}
	// The court appearances PMU rejected were requested, not proposed:
	// on no tab. Their pages lead to the day's outgoing moves.
	for _, m := range []moves.Move{more, rebooked} {
		crumb := police.page("/move/"+m.ID, http.StatusOK).Find(".govuk-breadcrumbs a").Eq(1)
		if listsText(crumb) != "Outgoing moves" || crumb.AttrOr("href", "") != "/moves/outgoing/"+day {
			t.Errorf("%s: breadcrumb %q to %q, want the outgoing moves of %s", m.Reference, listsText(crumb), crumb.AttrOr("href", ""), day)
		}
	}
	doc = police.page("/moves/requested?status=rejected", http.StatusOK)
	if got := listsText(doc.Find(".app-list-empty")); got != "No rejected single requests" || doc.Find("#requests").Length() != 0 {
		t.Errorf("Guildford's rejected tab: %q", got)
	}

	// PMU rejects the request proposed again, for more information: it is
	// rejected, and Guildford may send it again.
	again := s.reject(proposedAgain, moves.RejectionMoreInfo, "Which hearing?", false)
	doc = police.page("/moves/requested?status=rejected", http.StatusOK)
	_, rows, links := sentReqsTable(doc)
	if got, want := sentReqsRefs(rows), []string{again.Reference}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rejected at Guildford %v, want %v", got, want)
	}
	if r := rows[0]; r[4] != "From 14 December 2026" || r[5] != "More information is needed PMU said: Which hearing?" ||
		!strings.HasPrefix(r[6], "Add information and send again") || links[0][r[6]] != "/move/"+again.ID+"/resubmit" {
		t.Errorf("the request rejected for more information: %v %v", r, links[0])
	}
	home := police.page("/", http.StatusOK)
	if c := listsHomeCounts(t, home, "home-requests"); c["Pending review"].N != "0" || c["Rejected"].N != "1" || len(c) != 4 {
		t.Errorf("Guildford's home counts %v", c)
	}

	// At Staines: only Staines's request.
	police = a.signIn(t, "police", "SRY014")
	doc = police.page("/moves/requested", http.StatusOK)
	_, rows, _ = sentReqsTable(doc)
	if got := sentReqsRefs(rows); !reflect.DeepEqual(got, []string{stainesAgain.Reference}) {
		t.Errorf("pending at Staines %v, want %v", got, stainesAgain.Reference)
	}
	if tabs, _ := sentReqsTabs(doc); !reflect.DeepEqual(tabs, map[string]string{"Pending review": "1", "Approved": "0", "Rejected": "0", "Cancelled": "0"}) {
		t.Errorf("Staines's tabs %v", tabs)
	}
	for key, empty := range map[string]string{"approved": "No approved single requests", "rejected": "No rejected single requests",
		"cancelled": "No cancelled single requests"} {
		doc = police.page("/moves/requested?status="+key, http.StatusOK)
		if got := listsText(doc.Find(".app-list-empty")); got != empty || doc.Find("#requests").Length() != 0 {
			t.Errorf("Staines's %s tab: %q", key, got)
		}
	}
}

// Other roles have no single requests list: PMU reviews every request
// at /moves/review, which stays as it was; court, supplier, allocation
// and administration staff send none. The server refuses them, whatever
// the navigation shows.
func TestSentRequestsOnlyPoliceAndPrison(t *testing.T) {
	a := newListsApp(t)
	for _, who := range []string{"pmu", "court", "supplier", "oca", "admin"} {
		c := a.signIn(t, who, "")
		for _, path := range []string{"/moves/requested", "/moves/requested?status=rejected"} {
			if res := c.get(path); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", who, path, res.StatusCode)
			}
		}
		home := c.page("/", http.StatusOK)
		if home.Find(`a[href^="/moves/requested"]`).Length() != 0 || home.Find("#home-requests").Length() != 0 {
			t.Errorf("%s is shown the single requests", who)
		}
	}
	pmu := a.signIn(t, "pmu", "")
	tabs, current := sentReqsTabs(pmu.page("/moves/review", http.StatusOK))
	if want := map[string]string{"Pending review": "6", "Approved": "2", "Rejected": "1", "Cancelled": "0"}; !reflect.DeepEqual(tabs, want) ||
		current != "Pending review" {
		t.Errorf("PMU's review tabs %v (current %q)", tabs, current)
	}
	// Signed out: to sign in.
	if res := a.client(t).get("/moves/requested"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d", res.StatusCode)
	}
}

// Pages of 20, as the requests to review: previous and next, numbers,
// and a page past the last shows the last.
func TestSentRequestsPages(t *testing.T) {
	a := newListsApp(t)
	s := &sentReqs{t: t, a: a}
	for i := range 25 {
		s.request(moves.PrisonTransfer, "BXI", "WWI", fmt.Sprintf("2026-12-%02d", 10+i%10))
	}
	prison := a.signIn(t, "prison", "")
	doc := prison.page("/moves/requested", http.StatusOK)
	_, rows, _ := sentReqsTable(doc)
	if len(rows) != 20 || listsText(doc.Find("#showing")) != "Showing 1 to 20 of 27 requests" {
		t.Fatalf("first page: %d rows, %q", len(rows), listsText(doc.Find("#showing")))
	}
	next := doc.Find(".govuk-pagination__next a").AttrOr("href", "")
	if next != "/moves/requested?page=2&status=pending" {
		t.Errorf("next page %q", next)
	}
	doc = prison.page(next, http.StatusOK)
	_, rows2, _ := sentReqsTable(doc)
	if len(rows2) != 7 || listsText(doc.Find("#showing")) != "Showing 21 to 27 of 27 requests" {
		t.Errorf("second page: %d rows, %q", len(rows2), listsText(doc.Find("#showing")))
	}
	if cur := listsText(doc.Find(`.govuk-pagination__item--current`)); cur != "2" {
		t.Errorf("current page %q", cur)
	}
	all := append(sentReqsRefs(rows), sentReqsRefs(rows2)...)
	if want := s.theirs("BXI", moves.StatusProposed); !reflect.DeepEqual(all, want) {
		t.Errorf("the two pages %v, want %v", all, want)
	}
	_, last, _ := sentReqsTable(prison.page("/moves/requested?page=99", http.StatusOK))
	if !reflect.DeepEqual(last, rows2) {
		t.Error("a page past the last does not show the last")
	}
}
