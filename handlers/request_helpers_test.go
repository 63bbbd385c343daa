package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The request tests' clock: Thursday 3 December 2026, midday in London.
var reqNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

const (
	reqToday    = "2026-12-03"
	reqTomorrow = "2026-12-04"
)

// reqApp is the real server on a store seeded with the demo data.
type reqApp struct {
	st  *store.Store
	srv *httptest.Server
}

func newReqApp(t testing.TB) *reqApp {
	t.Helper()
	app := handlertest.Start(t, handlertest.Options{Now: reqNow, Demo: true})
	return &reqApp{st: app.Store, srv: app.Server}
}

func (a *reqApp) location(t testing.TB, code string) moves.Location {
	t.Helper()
	ls, err := a.st.Locations(context.Background(), store.LocationFilter{Codes: []string{code}, IncludeDisabled: true})
	if err != nil || len(ls) != 1 {
		t.Fatalf("location %s: %v (%d found)", code, err, len(ls))
	}
	return ls[0]
}

// person returns a seeded person by last name.
func (a *reqApp) person(t testing.TB, lastName string) moves.Person {
	t.Helper()
	ps, err := a.st.FindPeople(context.Background(), store.PeopleFilter{LastName: lastName})
	if err != nil || len(ps) != 1 {
		t.Fatalf("person %s: %v (%d found)", lastName, err, len(ps))
	}
	return ps[0]
}

// reqClient is a browser without JavaScript: it keeps cookies, does not
// follow redirects by itself, and knows its session's CSRF token.
type reqClient struct {
	t    testing.TB
	app  *reqApp
	v    *handlertest.Visitor
	csrf string
}

func (a *reqApp) client(t testing.TB) *reqClient {
	return &reqClient{t: t, app: a, v: handlertest.Visit(t, a.srv.URL, nil)}
}

// signIn signs in as a demo user in a new browser, choosing a location
// when given its code.
func (a *reqApp) signIn(t testing.TB, username, locationCode string) *reqClient {
	t.Helper()
	c := a.client(t)
	c.signIn(username, locationCode)
	return c
}

// signIn signs in (again) in this browser.
func (c *reqClient) signIn(username, locationCode string) {
	c.t.Helper()
	if res := c.get("/sign-in"); res.StatusCode == http.StatusSeeOther {
		if res := c.post("/sign-out", url.Values{}); res.StatusCode != http.StatusSeeOther {
			c.t.Fatalf("sign out: %d", res.StatusCode)
		}
	}
	c.csrf = c.token("/sign-in")
	res := c.post("/sign-in", url.Values{"username": {username}, "password": {store.DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: %d", username, res.StatusCode)
	}
	c.csrf = c.token("/locations")
	if locationCode != "" {
		res := c.post("/locations", url.Values{"location": {c.app.location(c.t, locationCode).ID}, "next": {"/"}})
		if res.StatusCode != http.StatusSeeOther {
			c.t.Fatalf("choose %s: %d", locationCode, res.StatusCode)
		}
	}
}

func (c *reqClient) do(req *http.Request) *http.Response { return c.v.Do(req) }

func (c *reqClient) get(path string) *http.Response { return c.v.Get(path) }

// post sends a form with the session's CSRF token (unless the form has
// its own _csrf entry, even an empty one).
func (c *reqClient) post(path string, form url.Values) *http.Response {
	c.t.Helper()
	if _, ok := form["_csrf"]; !ok {
		form = reqCloneValues(form)
		form.Set("_csrf", c.csrf)
	}
	return c.v.Post(path, form)
}

func reqCloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func reqDoc(t testing.TB, res *http.Response) *goquery.Document { return handlertest.Doc(t, res) }

// page GETs path, expects status and parses the HTML.
func (c *reqClient) page(path string, status int) *goquery.Document {
	return c.v.Page("", path, status)
}

// token reads the session's CSRF token from a page.
func (c *reqClient) token(path string) string { return c.v.CSRF(path) }

// next POSTs a step and expects a 303, returning where it leads.
func (c *reqClient) next(path string, form url.Values) string {
	c.t.Helper()
	res := c.post(path, form)
	if res.StatusCode != http.StatusSeeOther {
		body, _ := io.ReadAll(res.Body)
		c.t.Fatalf("POST %s: status %d, want 303\n%.3000s", path, res.StatusCode, reqSummaryText(body))
	}
	return res.Header.Get("Location")
}

// invalid POSTs a step, expects 422 and checks the GOV.UK error summary:
// every link points at an element on the page, and the messages include
// each of wants (as "id: part of the message").
func (c *reqClient) invalid(path string, form url.Values, wants ...string) *goquery.Document {
	c.t.Helper()
	res := c.post(path, form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		c.t.Fatalf("POST %s %v: status %d, want 422 (Location %q)", path, form, res.StatusCode, res.Header.Get("Location"))
	}
	doc := reqDoc(c.t, res)
	reqCheckSummary(c.t, doc, wants...)
	return doc
}

// reqCheckSummary checks a page's error summary (see invalid).
func reqCheckSummary(t testing.TB, doc *goquery.Document, wants ...string) {
	t.Helper()
	handlertest.CheckSummary(t, doc, wants...)
}

func reqSummaryText(body []byte) string { return handlertest.SummaryText(body) }

func reqText(s *goquery.Selection) string { return handlertest.Text(s) }

// start begins a journey and returns its first step's path.
func (c *reqClient) start() string {
	c.t.Helper()
	res := c.get("/move/new")
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("GET /move/new: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	if !regexp.MustCompile(`^/move/new/[a-z2-7]{16}/person$`).MatchString(loc) {
		c.t.Fatalf("GET /move/new leads to %q", loc)
	}
	return loc
}

// journeyBase is /move/new/<journey> of a step path.
func reqJourneyBase(step string) string {
	step, _, _ = strings.Cut(step, "?")
	return step[:strings.LastIndex(step, "/")]
}

// summaryRows reads check your answers: "Card title / key" → value.
func reqSummaryRows(doc *goquery.Document) map[string]string {
	out := map[string]string{}
	doc.Find(".govuk-summary-card").Each(func(_ int, card *goquery.Selection) {
		title := reqText(card.Find(".govuk-summary-card__title"))
		card.Find(".govuk-summary-list__row").Each(func(_ int, row *goquery.Selection) {
			value := row.Find(".govuk-summary-list__value")
			if ps := value.Find("p"); ps.Length() > 0 {
				var lines []string
				ps.Each(func(_ int, p *goquery.Selection) { lines = append(lines, reqText(p)) })
				out[title+" / "+reqText(row.Find(".govuk-summary-list__key"))] = strings.Join(lines, " | ")
				return
			}
			out[title+" / "+reqText(row.Find(".govuk-summary-list__key"))] = reqText(value)
		})
	})
	return out
}
