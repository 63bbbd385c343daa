package handlers_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// A day list and a move page are kept rendered while nothing is written,
// and are never older than the last write: a write through the app is seen
// at once, by every user, and one made on another connection (another
// process) within moments.
func TestPageCacheKeepsPagesUntilAWrite(t *testing.T) {
	a := newMvApp(t)
	pages := a.web.Handlers.Pages
	court := a.signIn(t, "court", "")
	pmu := a.signIn(t, "pmu", "")
	m := a.fixture(mvCourt, moves.StatusBooked)
	person := a.move(m.ID).PersonID
	day := "/moves/incoming/" + mvDay(1)
	movePage := "/move/" + m.ID
	// The store's watch for other connections' commits sees the fixture's
	// too, within 200 ms; let it, so that it does not count here.
	time.Sleep(300 * time.Millisecond)

	dayText := func() string { return mvText(court.page(day, http.StatusOK).Find("#moves-results")) }
	moveText := func(c *mvClient, headers ...string) string {
		return mvText(c.page(movePage, http.StatusOK, headers...).Find("main"))
	}
	before := dayText()
	if !strings.Contains(strings.ToLower(before), "person") {
		t.Fatalf("the day list does not show the fixture's person: %q", before)
	}
	if got := moveText(court); !strings.Contains(got, "Booked") {
		t.Fatalf("move page before: %q", got)
	}

	// Nothing written: both pages come from the cache.
	hits, misses := pages.Hits.Load(), pages.Misses.Load()
	if got := dayText(); got != before {
		t.Errorf("the day list changed without a write:\n%s\nwas\n%s", got, before)
	}
	moveText(court)
	if h, m := pages.Hits.Load()-hits, pages.Misses.Load()-misses; h != 2 || m != 0 {
		t.Errorf("two pages seen again: %d from the cache, %d rendered; want 2 and 0", h, m)
	}
	// A hard reload (Cache-Control: no-cache) renders afresh.
	hits, misses = pages.Hits.Load(), pages.Misses.Load()
	moveText(court, "Cache-Control", "no-cache")
	if h, m := pages.Hits.Load()-hits, pages.Misses.Load()-misses; h != 0 || m != 1 {
		t.Errorf("Cache-Control: no-cache: %d from the cache, %d rendered; want 0 and 1", h, m)
	}

	// Written by another process (a connection of its own), behind the
	// store's back: seen within moments all the same.
	var path string
	if err := a.st.DB().QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("UPDATE people SET last_name = 'Elsewhere' WHERE id = ?", person); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(moveText(court), "Elsewhere") {
		if time.Now().After(deadline) {
			t.Fatal("2 s after a change made on another connection, the move page still shows the old name")
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A write through the app: every kept page is stale at once, for every
	// user, including those who did not write.
	moveText(court)
	dayText()
	form := a.validForm(moves.ActionCancel, m)
	form.Set("_csrf", pmu.csrf("/"))
	if res := pmu.post(movePage+"/cancel", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	if got := moveText(court); !strings.Contains(got, "Cancelled") {
		t.Errorf("the move page after the cancellation is not fresh: %q", got)
	}
	if got := dayText(); got == before || !strings.Contains(got, "Cancelled 1 move") {
		t.Errorf("the day list after the cancellation is not fresh: %q", got)
	}
	if got := mvText(court.page(day+"?status=cancelled", http.StatusOK).Find("#moves-results")); !strings.Contains(strings.ToLower(got), "elsewhere") {
		t.Errorf("the cancelled moves of the day do not show the person's new name: %q", got)
	}
	// The one who wrote sees the message once, then the page without it.
	doc := pmu.page(movePage, http.StatusOK)
	if doc.Find(".govuk-notification-banner--success").Length() != 1 {
		t.Errorf("the cancellation message is not shown")
	}
	if pmu.page(movePage, http.StatusOK).Find(".govuk-notification-banner--success").Length() != 0 {
		t.Errorf("the cancellation message is shown twice")
	}
}

// A kept page belongs to one session: its header names its user and its
// forms carry its own CSRF token, never another's.
func TestPageCacheIsPerSession(t *testing.T) {
	a := newMvApp(t)
	m := a.fixture(mvCourt, moves.StatusBooked)
	path := "/move/" + m.ID
	clients := []*mvClient{a.signIn(t, "pmu", ""), a.signIn(t, "pmu", ""), a.signIn(t, "police", "SRY016"), a.signIn(t, "court", "")}
	names := map[string]string{"pmu": "", "police": "", "court": ""}
	tokens := map[string]bool{}
	for round := 0; round < 2; round++ {
		for _, c := range clients {
			doc := c.page(path, http.StatusOK)
			name := mvText(doc.Find(".app-header__name"))
			if prev, ok := names[c.user]; ok && prev != "" && prev != name {
				t.Errorf("%s's page names %q, then %q", c.user, prev, name)
			}
			names[c.user] = name
			tok, _ := doc.Find(`form input[name="_csrf"]`).First().Attr("value")
			if tok != c.csrf("/") {
				t.Errorf("%s's page carries a CSRF token that is not its session's", c.user)
			}
			tokens[tok] = true
		}
	}
	if len(tokens) != len(clients) {
		t.Errorf("%d sessions, %d distinct CSRF tokens on their pages", len(clients), len(tokens))
	}
	if names["pmu"] == names["police"] || names["police"] == names["court"] {
		t.Errorf("users' pages name the same person: %v", names)
	}
}

// The live region and the whole page are kept apart: an htmx request for
// the same address gets the fragment, a plain one the page, in any order.
func TestPageCacheKeepsFragmentsApart(t *testing.T) {
	a := newMvApp(t)
	court := a.signIn(t, "court", "")
	a.fixture(mvCourt, moves.StatusBooked)
	day := "/moves/incoming/" + mvDay(1)
	for i := 0; i < 2; i++ {
		full := court.page(day, http.StatusOK)
		if full.Find("html head title").Length() != 1 {
			t.Fatalf("round %d: the page has no title", i)
		}
		frag := court.page(day, http.StatusOK, "HX-Request", "true")
		if frag.Find("title").Length() != 0 || frag.Find(".app-header__name").Length() != 0 {
			t.Fatalf("round %d: the htmx answer is a whole page", i)
		}
		if frag.Find(".app-move-card").Length() == 0 {
			t.Fatalf("round %d: the htmx answer has no cards", i)
		}
	}
}

// A kept page is sent compressed, with the headers of the page it was
// made from, and a client that takes no gzip gets the page as it is.
func TestPageCacheHeaders(t *testing.T) {
	a := newMvApp(t)
	court := a.signIn(t, "court", "")
	m := a.fixture(mvCourt, moves.StatusBooked)
	path := "/move/" + m.ID
	first := court.get(path)
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, a.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res := court.do(req)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		for _, h := range []string{"Content-Type", "Cache-Control", "Content-Security-Policy", "X-Content-Type-Options"} {
			if res.Header.Get(h) != first.Header.Get(h) || res.Header.Get(h) == "" {
				t.Errorf("%s: %q, the page made afresh had %q", h, res.Header.Get(h), first.Header.Get(h))
			}
		}
		if v := strings.Join(res.Header.Values("Vary"), ","); !strings.Contains(v, "Accept-Encoding") {
			t.Errorf("Vary: %q", v)
		}
		if res.Header.Get("X-Request-Id") == first.Header.Get("X-Request-Id") {
			t.Errorf("a kept page repeats another request's id")
		}
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, a.srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "identity")
	res := court.do(req)
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("a client without gzip got Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	doc := mvDoc(t, res)
	if !strings.Contains(mvText(doc.Find("main")), "Booked") {
		t.Errorf("the page without gzip is not the move page")
	}
}

// An event makes stale only what shows its move: the move's page and the
// lists of its places (both of them, when it is redirected). Other moves'
// pages stay kept.
func TestPageCacheEventsStaleOnlyWhatTheyShow(t *testing.T) {
	a := newMvApp(t)
	pages := a.web.Handlers.Pages
	court := a.signIn(t, "court", "")
	pmu := a.signIn(t, "pmu", "GUILMC")
	mA := a.fixture(mvCourt, moves.StatusBooked)
	mB := a.fixture(mvCourt, moves.StatusBooked)
	mC := a.fixture(mvTransfer, moves.StatusBooked)
	time.Sleep(300 * time.Millisecond)
	courtDay := "/moves/incoming/" + mvDay(1)
	magistratesDay := "/moves/incoming/" + mvDay(1)

	// served says whether a GET was answered from the cache, and returns
	// the page's main text.
	served := func(c *mvClient, path string) (bool, string) {
		t.Helper()
		h := pages.Hits.Load()
		text := mvText(c.page(path, http.StatusOK).Find("main"))
		return pages.Hits.Load() > h, text
	}
	for _, p := range []string{"/move/" + mA.ID, "/move/" + mB.ID, courtDay} {
		served(court, p)
	}
	served(pmu, "/move/"+mC.ID)
	_, before := served(pmu, magistratesDay)
	beforeA := a.st.MoveVersion(mA.ID)
	versionsB := [2]uint64{a.st.MoveVersion(mB.ID), a.st.MoveVersion(mC.ID)}

	ev := moves.Event{MoveID: mA.ID, Type: moves.EventType("MoveNotifyPremisesOfArrivalIn30Mins"), OccurredAt: mvNow, RecordedAt: mvNow, CreatedBy: "serco"}
	if _, _, err := a.st.AppendEvent(context.Background(), ev, store.AppendOptions{By: "serco"}); err != nil {
		t.Fatal(err)
	}
	if a.st.MoveVersion(mA.ID) == beforeA {
		t.Fatal("the event did not move its move's version on")
	}
	if hit, _ := served(court, "/move/"+mA.ID); hit {
		t.Errorf("the page of the move with a new event was served from the cache")
	}
	for i, m := range []moves.Move{mB, mC} {
		c := court
		if m.ID == mC.ID {
			c = pmu
		}
		// Unless the two ids share a slot, the other moves' pages stay.
		if hit, _ := served(c, "/move/"+m.ID); !hit && a.st.MoveVersion(m.ID) == versionsB[i] {
			t.Errorf("the page of another move (%s) was rendered again", m.Reference)
		}
	}
	if hit, _ := served(court, courtDay); hit {
		t.Errorf("the list of the move's destination was served from the cache")
	}

	// Redirected from the Crown Court to the magistrates' court: both
	// lists show it at once.
	form := a.validForm(moves.ActionRedirect, a.move(mA.ID))
	form.Set("_csrf", pmu.csrf("/"))
	if res := pmu.post("/move/"+mA.ID+"/redirect", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("redirect: %d", res.StatusCode)
	}
	ref := a.move(mA.ID).Reference
	if _, text := served(court, courtDay); strings.Contains(text, ref) {
		t.Errorf("the Crown Court's list still shows the redirected move %s", ref)
	}
	if _, text := served(pmu, magistratesDay); text == before || !strings.Contains(text, ref) {
		t.Errorf("the magistrates' court's list does not show the redirected move %s: %q", ref, text)
	}
}

// A keyed event (as POST /api/events with an Idempotency-Key writes it:
// the event and its kept answer in one unit of work) makes stale only what
// shows its move; the key's bookkeeping, and a replay, make nothing stale.
func TestPageCacheKeyedEventLeavesOtherListsCached(t *testing.T) {
	a := newMvApp(t)
	pages := a.web.Handlers.Pages
	court := a.signIn(t, "court", "")
	mA := a.fixture(mvCourt, moves.StatusBooked)
	mT := a.fixture(mvTransfer, moves.StatusBooked) // between prisons: not on the court's list
	time.Sleep(300 * time.Millisecond)
	courtDay := "/moves/incoming/" + mvDay(1)
	served := func(path string) bool {
		t.Helper()
		h := pages.Hits.Load()
		court.page(path, http.StatusOK)
		return pages.Hits.Load() > h
	}
	served(courtDay)
	served("/move/" + mA.ID)
	if !served(courtDay) {
		t.Fatal("the court's list was not kept to begin with")
	}
	keyed := func() store.Answer {
		t.Helper()
		ev := moves.Event{MoveID: mT.ID, Type: moves.EventType("MoveNotifyPremisesOfArrivalIn30Mins"), OccurredAt: mvNow, RecordedAt: mvNow, CreatedBy: "serco"}
		ans, err := a.st.Write(context.Background(), store.WriteOptions{Idempotency: &store.Key{Client: "serco-client", Key: "k1", Fingerprint: "fp"}},
			func(u *store.Unit) (store.Answer, error) {
				_, _, err := a.st.AppendEvent(u.Context(), ev, store.AppendOptions{By: "serco"})
				return store.Answer{Status: http.StatusCreated, Body: []byte("{}")}, err
			})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	for _, replay := range []bool{false, true} {
		if ans := keyed(); ans.Replayed != replay {
			t.Fatalf("keyed event: replayed %v, want %v", ans.Replayed, replay)
		}
		onCourtList := store.SharesSlot(mT.FromID, mA.ToID) || store.SharesSlot(mT.ToID, mA.ToID)
		if !served(courtDay) && !onCourtList {
			t.Errorf("a keyed event on a prison transfer (replayed %v) made the court's list stale", replay)
		}
		if !served("/move/"+mA.ID) && !store.SharesSlot(mT.ID, mA.ID) {
			t.Errorf("a keyed event on another move (replayed %v) made a move page stale", replay)
		}
	}
}
