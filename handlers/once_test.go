package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

// newReqAppOn is newReqApp on the engine of the test (storetest).
func newReqAppOn(t *testing.T) *reqApp {
	t.Helper()
	app := handlertest.StartOn(t, storetest.DSN(t), handlertest.Options{Now: reqNow})
	if _, err := app.Store.SeedDemo(context.Background(), reqNow); err != nil {
		t.Fatal(err)
	}
	return &reqApp{st: app.Store, srv: app.Server}
}

// sendAtOnce POSTs form to path n times at once, every time with the
// cookies the browser has now (as a double click sends them: the answer
// to the first has not set any yet), and returns where each was sent.
func (c *reqClient) sendAtOnce(path string, form url.Values, n int) []string {
	c.t.Helper()
	form = reqCloneValues(form)
	form.Set("_csrf", c.csrf)
	u, err := url.Parse(c.app.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	cookies := c.v.HTTP.Jar.Cookies(u)
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	out := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range cookies {
				req.AddCookie(ck)
			}
			res, err := noRedirects.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			res.Body.Close()
			out[i] = res.Status + " " + res.Header.Get("Location")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			c.t.Fatal(err)
		}
	}
	return out
}

// A move request with a new person, sent several times at once (a double
// click without JavaScript), adds the person and requests the move once;
// every sending is shown the one confirmation.
func TestRequestSentTwiceRequestsOnce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T) {
		a := newReqAppOn(t)
		c := a.signIn(t, "police", "SRY014")
		base := reqJourneyBase(c.start())
		c.next(base+"/person-name", reqForm("last_name", "Twice", "dob-day", "1", "dob-month", "2", "dob-year", "1990"))
		pnc := "2008/0123456M"
		c.next(base+"/new-person", reqForm("first_names", "Ann", "last_name", "Twice", "dob-day", "1", "dob-month", "2", "dob-year", "1990",
			"gender", "female", "pnc", pnc))
		c.next(base+"/move-type", reqForm("move_type", "video_remand"))
		c.next(base+"/destination", reqForm("to", ""))
		c.next(base+"/date", reqForm("date_type", "tomorrow"))
		c.next(base+"/section-46", reqForm("s46", "no"))
		c.next(base+"/risk", reqForm("risk", "none"))
		c.next(base+"/health", reqForm("health", "none"))
		got := c.sendAtOnce(base+"/check", url.Values{}, 4)
		for _, g := range got {
			if g != got[0] || !strings.HasPrefix(g, "303 See Other /move/") || !strings.HasSuffix(g, "/confirmation") {
				t.Fatalf("the sendings were answered %q, want one confirmation for all", got)
			}
		}
		ctx := context.Background()
		ps, err := a.st.FindPeople(ctx, store.PeopleFilter{PNC: pnc})
		if err != nil || len(ps) != 1 {
			t.Fatalf("%d people added (%v), want 1", len(ps), err)
		}
		ms, n, err := a.st.ListMoves(ctx, store.MoveFilter{PersonID: ps[0].ID, Limit: 10})
		if err != nil || n != 1 {
			t.Fatalf("%d moves requested (%v), want 1", n, err)
		}
		if !strings.Contains(got[0], ms[0].ID) {
			t.Fatalf("sent to %q, not to move %s", got[0], ms[0].ID)
		}
	})
}

// "Create allocation" sent twice at once, and again later from the same
// page (the browser's back button), creates one allocation.
func TestCreateAllocationSentTwiceCreatesOnce(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T) {
		a := newReqAppOn(t)
		ctx := context.Background()
		pmu := a.signIn(t, "pmu", "")
		answers := url.Values{"moves_count": {"2"}, "from_location": {a.location(t, "BAI").ID}, "to_location": {a.location(t, "WWI").ID},
			"date": {"2026-12-10"}, "criteria": {"1"}, "estate": {"juvenile_male"}, "sentence_length": {"any"},
			"complete_in_full": {"no"}, "has_other_criteria": {"no"}}
		count := func() int {
			t.Helper()
			_, n, err := a.st.ListAllocations(ctx, store.AllocationFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()

		// A form without a token (from before tokens, or a script)
		// creates as forms always did.
		noToken := pmu.post("/allocation/new/check", answers)
		if loc := noToken.Header.Get("Location"); noToken.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "/confirmation") {
			t.Fatalf("a form without its token: %d to %q, want its confirmation", noToken.StatusCode, loc)
		}
		if n := count(); n != before+1 {
			t.Fatalf("a form without its token created %d allocations, want 1", n-before)
		}
		before++

		doc := pmu.page("/allocation/new/check?"+answers.Encode(), http.StatusOK)
		form := url.Values{}
		doc.Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
			if n, _ := s.Attr("name"); n != "_csrf" {
				form.Add(n, s.AttrOr("value", ""))
			}
		})
		if form.Get("submission") == "" {
			t.Fatal("the check page's form has no submission token")
		}
		got := pmu.sendAtOnce("/allocation/new/check", form, 3)
		got = append(got, pmu.sendAtOnce("/allocation/new/check", form, 1)...)
		for _, g := range got {
			if g != got[0] || !strings.HasPrefix(g, "303 See Other /allocation/") || !strings.HasSuffix(g, "/confirmation") {
				t.Fatalf("the sendings were answered %q, want one confirmation for all", got)
			}
		}
		if n := count(); n != before+1 {
			t.Fatalf("%d allocations created, want 1", n-before)
		}
		// The check page shown again is a new showing: it creates another.
		doc = pmu.page("/allocation/new/check?"+answers.Encode(), http.StatusOK)
		again := reqCloneValues(form)
		again.Set("submission", doc.Find(`input[name="submission"]`).AttrOr("value", ""))
		if again.Get("submission") == form.Get("submission") {
			t.Fatal("the check page shown twice has one token")
		}
		if res := pmu.sendAtOnce("/allocation/new/check", again, 1); res[0] == got[0] {
			t.Fatalf("a new showing of the check page replayed the first: %q", res)
		}
		if n := count(); n != before+2 {
			t.Fatalf("%d allocations created, want 2", n-before)
		}
	})
}
