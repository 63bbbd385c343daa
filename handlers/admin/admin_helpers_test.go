package admin_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Helpers of the administration tests (users, locations, suppliers).
// They drive the real server (handlertest.NewEnv) with adminBrowser, a browser
// without JavaScript that keeps its cookies.

// admForm is a form: the CSRF token, then pairs of names and values.
func admForm(csrf string, kv ...string) url.Values {
	v := url.Values{"_csrf": {csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// csrfOf reads the CSRF token of the page at path.
func (b *adminBrowser) csrfOf(path string) string {
	b.t.Helper()
	return b.csrf(b.get(path).Want(b.t, http.StatusOK))
}

// doc GETs path, wants status and parses the page.
func (b *adminBrowser) doc(path string, status int) *goquery.Document {
	b.t.Helper()
	r := b.get(path)
	if r.Code != status {
		b.t.Fatalf("GET %s: status %d, want %d (Location %q)\n%.2000s", path, r.Code, status, r.Header.Get("Location"), r.Body)
	}
	return b.page(r)
}

// done POSTs a form, wants 303 and returns where it leads.
func (b *adminBrowser) done(path string, form url.Values) string {
	b.t.Helper()
	r := b.post(path, form)
	if r.Code != http.StatusSeeOther {
		b.t.Fatalf("POST %s: status %d, want 303\n%s", path, r.Code, handlertest.SummaryText(r.Body))
	}
	return r.Header.Get("Location")
}

// invalid POSTs a form, wants 422 and checks the error summary: each link
// is to a field on the page, and the messages include wants ("id: part of
// the message").
func (b *adminBrowser) invalid(path string, form url.Values, wants ...string) *goquery.Document {
	b.t.Helper()
	r := b.post(path, form)
	if r.Code != http.StatusUnprocessableEntity {
		b.t.Fatalf("POST %s %v: status %d, want 422 (Location %q)", path, form, r.Code, r.Header.Get("Location"))
	}
	doc := b.page(r)
	handlertest.CheckSummary(b.t, doc, wants...)
	return doc
}

// flash is the success banner's heading and text on the page at path.
func (b *adminBrowser) flash(path string) string {
	b.t.Helper()
	return handlertest.Text(b.doc(path, http.StatusOK).Find(".govuk-notification-banner--success"))
}

// admTrySignIn signs in with a password in a new browser and returns it
// with the sign-in's status.
func admTrySignIn(t *testing.T, e *handlertest.Env, username, password string) (*adminBrowser, int) {
	t.Helper()
	b := &adminBrowser{e: e, t: t, cookies: map[string]*http.Cookie{}}
	r := b.get("/sign-in").Want(t, http.StatusOK)
	r = b.post("/sign-in", url.Values{"_csrf": {b.csrf(r)}, "username": {username}, "password": {password}})
	return b, r.Code
}

// admSignInAt signs in as a demo user and, given a code, chooses that
// location.
func admSignInAt(t *testing.T, e *handlertest.Env, username, code string) *adminBrowser {
	t.Helper()
	b := adminSignIn(t, e, username)
	if code != "" {
		csrf := b.csrfOf("/locations")
		b.done("/locations", admForm(csrf, "location", e.Loc(code), "next", "/"))
	}
	return b
}

// admUserID is a user's id by username.
func admUserID(t *testing.T, e *handlertest.Env, username string) string {
	t.Helper()
	u, err := e.St.UserByUsername(e.Ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// admRows reads a table's body: each row's cells' text.
func admRows(doc *goquery.Document, table string) [][]string {
	var out [][]string
	doc.Find(table + " tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Find("td, th").Each(func(_ int, td *goquery.Selection) { row = append(row, handlertest.Text(td)) })
		out = append(out, row)
	})
	return out
}

// section GETs the first page of an administration section and wants the
// service navigation to mark nav as the current item.
func (b *adminBrowser) section(path, nav string) *goquery.Document {
	b.t.Helper()
	doc := b.doc(path, http.StatusOK)
	if got := handlertest.Text(doc.Find(`.govuk-service-navigation__link[aria-current="page"]`)); got != nav {
		b.t.Errorf("%s: current navigation item %q, want %q", path, got, nav)
	}
	return doc
}

// admHasUser reports whether a username is in the store.
func admHasUser(e *handlertest.Env, username string) bool {
	_, err := e.St.UserByUsername(e.Ctx, username)
	return err == nil
}

func admContains(doc *goquery.Document, sel, text string) bool {
	return strings.Contains(handlertest.Text(doc.Find(sel)), text)
}
