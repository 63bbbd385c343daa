package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/store"
)

// Hashing demo passwords at full cost would dominate these tests. This is
// an init, not a TestMain, so that it cannot clash with another file's
// TestMain in the same package.
func init() { store.SetBcryptCostForTests(4) }

// listsNow is the lists tests' clock: Thursday 3 December 2026, midday in
// London (GMT).
var listsNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

const listsToday = "2026-12-03"

// listsApp is the real server on a store seeded with the demo data as of
// listsNow.
type listsApp struct {
	app *handlertest.App
	st  *store.Store
	srv *httptest.Server
}

func newListsApp(t testing.TB) *listsApp {
	t.Helper()
	app := handlertest.Start(t, handlertest.Options{Now: listsNow, Demo: true})
	return &listsApp{app: app, st: app.Store, srv: app.Server}
}

// locationID returns the id of the location with a code.
func (a *listsApp) locationID(t testing.TB, code string) string {
	t.Helper()
	ls, err := a.st.Locations(context.Background(), store.LocationFilter{Codes: []string{code}, IncludeDisabled: true})
	if err != nil || len(ls) != 1 {
		t.Fatalf("location %s: %v (%d found)", code, err, len(ls))
	}
	return ls[0].ID
}

// listsClient is a browser without JavaScript: it keeps cookies and does
// not follow redirects by itself.
type listsClient struct {
	t   testing.TB
	app *listsApp
	v   *handlertest.Visitor
}

func (a *listsApp) client(t testing.TB) *listsClient {
	return &listsClient{t: t, app: a, v: handlertest.Visit(t, a.srv.URL, nil)}
}

// signIn signs in as a demo user and, when given a location code,
// chooses it.
func (a *listsApp) signIn(t testing.TB, username, locationCode string) *listsClient {
	t.Helper()
	return &listsClient{t: t, app: a, v: handlertest.Visit(t, a.srv.URL, a.app.SignIn(t, username, locationCode))}
}

func (c *listsClient) do(req *http.Request) *http.Response { return c.v.Do(req) }

func (c *listsClient) get(path string, headers ...string) *http.Response {
	return c.v.Get(path, headers...)
}

func (c *listsClient) post(path string, form url.Values) *http.Response {
	return c.v.Post(path, form)
}

// page GETs path, expects status and parses the HTML.
func (c *listsClient) page(path string, status int, headers ...string) *goquery.Document {
	return c.v.Page("", path, status, headers...)
}

// csrf reads the session's CSRF token from a page.
func (c *listsClient) csrf(path string) string { return c.v.CSRF(path) }

// listsText is a selection's listsText with whitespace collapsed.
func listsText(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// listsGroups reads a day list's groups: each group's title and the names
// on its cards, in page order.
type listsGroup struct {
	Title string
	Names []string
}

func listsGroups(doc *goquery.Document) []listsGroup {
	var out []listsGroup
	doc.Find("#moves-results .app-move-group").Each(func(_ int, g *goquery.Selection) {
		title := g.Find("h2").Clone()
		title.Find(".govuk-caption-m").Remove()
		lg := listsGroup{Title: listsText(title)}
		g.Find(".app-move-card .app-card__title a").Each(func(_ int, a *goquery.Selection) {
			lg.Names = append(lg.Names, listsText(a))
		})
		out = append(out, lg)
	})
	return out
}

// listsFilterCounts reads a day list's status filter: label → count.
func listsFilterCounts(doc *goquery.Document) (map[string]int, []string) {
	counts := map[string]int{}
	var order []string
	doc.Find("#moves-results .app-filter__link").Each(func(_ int, a *goquery.Selection) {
		label := listsText(a.Find(".app-filter__label"))
		n := 0
		count := a.Find(".app-filter__count").Clone()
		count.Find(".govuk-visually-hidden").Remove()
		for _, r := range listsText(count) {
			n = n*10 + int(r-'0')
		}
		counts[label] = n
		order = append(order, label)
	})
	return counts, order
}
