package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The single requests list (/moves/requested): police and prison staff's
// own requests that wait for PMU, and those PMU rejected. A proposed move
// has no date, nor has one rejected while proposed, so no day list shows
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

// reject has PMU reject m for reason, with a comment, rebooking it or not.
func (s *sentReqs) reject(m moves.Move, reason, comment string, rebook bool) moves.Move {
	s.t.Helper()
	ctx := context.Background()
	now := s.a.app.Clock.Now()
	e := moves.Event{Type: moves.EventMoveReject, MoveID: m.ID, OccurredAt: now, RecordedAt: now, CreatedBy: "pmu",
		Details: map[string]any{"rejection_reason": reason, "rebook": rebook, "cancellation_reason_comment": comment}}
	if ev, _, err := s.a.st.AppendEvent(ctx, e, store.AppendOptions{By: "pmu"}); err != nil || !ev.Applied {
		s.t.Fatalf("reject %s: %v (%s)", m.Reference, err, ev.Reason)
	}
	m, err := s.a.st.Move(ctx, m.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return m
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
	if want := map[string]string{"Pending review": "3", "Rejected": "3"}; !reflect.DeepEqual(tabs, want) || current != "Pending review" {
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
	if len(counts) != 2 || counts["Pending review"].N != "4" || counts["Rejected"].N != "3" {
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

// Police see the requests of the custody suite they work at that PMU
// rejected (with the way to send again one rejected for more information)
// and the ones PMU proposed again, which have no date; not those of their
// other custody suite until they choose it, nor other forces'.
func TestSentRequestsPolice(t *testing.T) {
	a := newListsApp(t)
	s := &sentReqs{t: t, a: a}
	day := "2026-12-07"
	more := s.reject(s.request(moves.CourtAppearance, "SRY016", "GUILCC", day), moves.RejectionMoreInfo, "Which hearing?", false)
	rebooked := s.reject(s.request(moves.CourtAppearance, "SRY016", "GUILCC", day), "no_transport_available", "", true)
	proposedAgain := s.again(rebooked)
	staines := s.reject(s.request(moves.CourtAppearance, "SRY014", "GUILCC", day), "no_transport_available", "", false)
	// Another force's.
	s.reject(s.request(moves.CourtAppearance, "MPS2", "WSTRMC", day), moves.RejectionMoreInfo, "", false)
	if proposedAgain.Status != moves.StatusProposed || proposedAgain.Date != "" {
		t.Fatalf("proposed again: %s with date %q", proposedAgain.Status, proposedAgain.Date)
	}

	police := a.signIn(t, "police", "SRY016")
	doc := police.page("/moves/requested", http.StatusOK)
	if h := listsText(doc.Find("h1")); h != "Guildford Police Station Single requests" {
		t.Errorf("h1 %q", h)
	}
	if tabs, _ := sentReqsTabs(doc); !reflect.DeepEqual(tabs, map[string]string{"Pending review": "1", "Rejected": "2"}) {
		t.Errorf("Guildford's tabs %v", tabs)
	}
	_, rows, _ := sentReqsTable(doc)
	if got := sentReqsRefs(rows); !reflect.DeepEqual(got, []string{proposedAgain.Reference}) {
		t.Errorf("pending at Guildford %v, want the request proposed again %s", got, proposedAgain.Reference)
	}
	if r := rows[0]; r[3] != "Guildford Crown Court" || r[4] != "14 December 2026" {
		t.Errorf("the request proposed again: %v", r)
	}
	doc = police.page("/moves/requested?status=rejected", http.StatusOK)
	_, rows, links := sentReqsTable(doc)
	if got, want := sentReqsRefs(rows), []string{rebooked.Reference, more.Reference}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rejected at Guildford %v, want %v (newest first)", got, want)
	}
	if r := rows[1]; r[4] != "7 December 2026" || r[5] != "More information is needed PMU said: Which hearing?" ||
		!strings.HasPrefix(r[6], "Add information and send again") || links[1][r[6]] != "/move/"+more.ID+"/resubmit" {
		t.Errorf("the request rejected for more information: %v %v", r, links[1])
	}
	if r := rows[0]; r[5] != "No transport available for this move" || r[6] != "Proposed again as "+proposedAgain.Reference {
		t.Errorf("the rebooked request: %v", r)
	}
	home := police.page("/", http.StatusOK)
	if c := listsHomeCounts(t, home, "home-requests"); c["Pending review"].N != "1" || c["Rejected"].N != "2" {
		t.Errorf("Guildford's home counts %v", c)
	}

	// At Staines: only Staines's request.
	police = a.signIn(t, "police", "SRY014")
	doc = police.page("/moves/requested?status=rejected", http.StatusOK)
	_, rows, _ = sentReqsTable(doc)
	if got := sentReqsRefs(rows); !reflect.DeepEqual(got, []string{staines.Reference}) {
		t.Errorf("rejected at Staines %v, want %v", got, staines.Reference)
	}
	if tabs, _ := sentReqsTabs(doc); !reflect.DeepEqual(tabs, map[string]string{"Pending review": "0", "Rejected": "1"}) {
		t.Errorf("Staines's tabs %v", tabs)
	}
	doc = police.page("/moves/requested", http.StatusOK)
	if got := listsText(doc.Find(".app-list-empty")); got != "No single requests pending review" || doc.Find("#requests").Length() != 0 {
		t.Errorf("Staines's pending tab: %q", got)
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
