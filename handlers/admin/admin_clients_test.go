package admin_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/store"
)

// adminBrowser is a signed-in person: it keeps cookies between requests.
type adminBrowser struct {
	e       *handlertest.Env
	t       *testing.T
	cookies map[string]*http.Cookie
}

func (b *adminBrowser) send(req *http.Request) *handlertest.Resp {
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	r := b.e.Serve(req)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return r
}

func (b *adminBrowser) get(path string) *handlertest.Resp {
	return b.send(httptest.NewRequest(http.MethodGet, path, nil))
}

func (b *adminBrowser) post(path string, form url.Values) *handlertest.Resp {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// page parses an HTML answer.
func (b *adminBrowser) page(r *handlertest.Resp) *goquery.Document {
	b.t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(r.Body)))
	if err != nil {
		b.t.Fatal(err)
	}
	return doc
}

// csrf is the form token on a page.
func (b *adminBrowser) csrf(r *handlertest.Resp) string {
	b.t.Helper()
	tok, ok := b.page(r).Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok || tok == "" {
		b.t.Fatalf("no CSRF token on the page: %s", r.Body)
	}
	return tok
}

// signIn signs in as a demo user.
func adminSignIn(t *testing.T, e *handlertest.Env, username string) *adminBrowser {
	t.Helper()
	b := &adminBrowser{e: e, t: t, cookies: map[string]*http.Cookie{}}
	r := b.get("/sign-in").Want(t, http.StatusOK)
	b.post("/sign-in", url.Values{"_csrf": {b.csrf(r)}, "username": {username}, "password": {"demo-password"}}).Want(t, http.StatusSeeOther)
	return b
}

// asAdmin starts the server on the demo data and signs in its
// administrator.
func asAdmin(t *testing.T) (*handlertest.Env, *adminBrowser) {
	t.Helper()
	e := handlertest.NewEnv(t)
	return e, adminSignIn(t, e, "admin")
}

func TestAdminClientsPages(t *testing.T) {
	e, b := asAdmin(t)
	list := b.get("/admin/clients").Want(t, http.StatusOK)
	// The demo has a client per supplier.
	for _, dc := range store.DemoClients {
		if !strings.Contains(string(list.Body), dc.ClientID) {
			t.Fatalf("demo client %s not listed", dc.ClientID)
		}
	}
	form := b.get("/admin/clients/new").Want(t, http.StatusOK)
	csrf := b.csrf(form)
	doc := b.page(form)
	if doc.Find(`input[name="supplier"]`).Length() != 3 || doc.Find(`#name`).Length() != 1 {
		t.Fatalf("the form should offer both suppliers and internal: %s", form.Body)
	}

	// CSRF is enforced.
	b.post("/admin/clients", url.Values{"name": {"Serco production"}, "supplier": {"serco"}}).Want(t, http.StatusForbidden)
	b.post("/admin/clients", url.Values{"_csrf": {"wrong"}, "name": {"Serco production"}, "supplier": {"serco"}}).Want(t, http.StatusForbidden)
	if cls, _ := e.St.Clients(e.Ctx); len(cls) != len(store.DemoClients) {
		t.Fatal("a client was created without a valid CSRF token")
	}

	// Errors: GOV.UK error summary, 422, "Error: " title.
	r := b.post("/admin/clients", url.Values{"_csrf": {csrf}, "name": {""}}).Want(t, http.StatusUnprocessableEntity)
	doc = b.page(r)
	if !strings.HasPrefix(doc.Find("title").Text(), "Error: ") || doc.Find(".govuk-error-summary a[href='#name']").Length() != 1 ||
		doc.Find(".govuk-error-summary a[href='#supplier']").Length() != 1 {
		t.Fatalf("error page: %s", r.Body)
	}

	// Create: 303 to the page that shows the secret, once.
	r = b.post("/admin/clients", url.Values{"_csrf": {csrf}, "name": {"Serco production"}, "supplier": {"serco"}}).Want(t, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/admin/clients/serco-") || !strings.HasSuffix(loc, "/secret") {
		t.Fatalf("Location %q", loc)
	}
	shown := b.get(loc).Want(t, http.StatusOK)
	doc = b.page(shown)
	id, secret := strings.TrimSpace(doc.Find("#client-id").Text()), strings.TrimSpace(doc.Find("#client-secret").Text())
	if id == "" || len(secret) < 40 || shown.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("secret page: %s", shown.Body)
	}
	tok := e.Token(id, secret)
	e.Do(http.MethodGet, "/api/moves", tok, nil).Want(t, http.StatusOK)
	again := b.get(loc).Want(t, http.StatusOK)
	if strings.Contains(string(again.Body), secret) || !strings.Contains(string(again.Body), "no longer shown") {
		t.Fatal("the secret was shown twice")
	}
	for _, c := range b.cookies {
		if strings.Contains(c.Value, secret) {
			t.Fatal("the secret is in a cookie in clear")
		}
	}
	list = b.get("/admin/clients").Want(t, http.StatusOK)
	if !strings.Contains(string(list.Body), "Serco production") || !strings.Contains(string(list.Body), id) || strings.Contains(string(list.Body), secret) {
		t.Fatal("the list should show the client, not its secret")
	}

	// The form sent twice from one showing (a double click) creates one
	// client; the second sending goes to its secret page, which says the
	// secret is no longer shown.
	newForm := b.page(b.get("/admin/clients/new").Want(t, http.StatusOK))
	twice := url.Values{"_csrf": {csrf}, "name": {"Serco staging"}, "supplier": {"serco"},
		"submission": {newForm.Find(`input[name="submission"]`).AttrOr("value", "")}}
	before, _ := e.St.Clients(e.Ctx)
	first := b.post("/admin/clients", twice).Want(t, http.StatusSeeOther).Header.Get("Location")
	second := b.post("/admin/clients", twice).Want(t, http.StatusSeeOther).Header.Get("Location")
	if after, _ := e.St.Clients(e.Ctx); len(after) != len(before)+1 || first != second {
		t.Fatalf("sent twice: %d clients created, sent to %q and %q", len(after)-len(before), first, second)
	}

	// Rotate: a second secret, shown once; both work.
	page := b.get("/admin/clients/"+id).Want(t, http.StatusOK)
	r = b.post("/admin/clients/"+id+"/rotate", url.Values{"_csrf": {b.csrf(page)}}).Want(t, http.StatusSeeOther)
	newSecret := strings.TrimSpace(b.page(b.get(r.Header.Get("Location")).Want(t, http.StatusOK)).Find("#client-secret").Text())
	if newSecret == "" || newSecret == secret {
		t.Fatalf("rotated secret %q", newSecret)
	}
	e.Token(id, secret)
	newTok := e.Token(id, newSecret)
	page = b.get("/admin/clients/"+id).Want(t, http.StatusOK)
	if !strings.Contains(string(page.Body), "Retire the older secret (ending …"+secret[len(secret)-4:]+")") ||
		strings.Contains(string(page.Body), "Make a new secret") {
		t.Fatalf("client page with two secrets: %s", page.Body)
	}

	// Retire the older.
	r = b.post("/admin/clients/"+id+"/retire-secret", url.Values{"_csrf": {b.csrf(page)}}).Want(t, http.StatusSeeOther)
	page = b.get(r.Header.Get("Location")).Want(t, http.StatusOK)
	if !strings.Contains(string(page.Body), "Older secret retired") {
		t.Fatalf("no confirmation: %s", page.Body)
	}
	tr := e.TokenRequest(url.Values{"grant_type": {"client_credentials"}}, id, secret).Want(t, http.StatusUnauthorized)
	if tr.JSON["error"] != "invalid_client" {
		t.Fatal("the retired secret still works")
	}
	// Retiring again, with one secret left, is refused with a message.
	r = b.post("/admin/clients/"+id+"/retire-secret", url.Values{"_csrf": {b.csrf(page)}}).Want(t, http.StatusSeeOther)
	if p := b.get(r.Header.Get("Location")); !strings.Contains(string(p.Body), "only one live secret") {
		t.Fatalf("retiring the last secret: %s", p.Body)
	}
	e.Token(id, newSecret)

	// Disable: tokens stop at once.
	page = b.get("/admin/clients/" + id)
	b.post("/admin/clients/"+id+"/disable", url.Values{"_csrf": {b.csrf(page)}}).Want(t, http.StatusSeeOther)
	handlertest.WantTokenInvalid(t, e.Do(http.MethodGet, "/api/moves", newTok, nil))
	page = b.get("/admin/clients/"+id).Want(t, http.StatusOK)
	if !strings.Contains(string(page.Body), "Disabled") || strings.Contains(string(page.Body), "Disable this client") {
		t.Fatal("a disabled client's page still offers to disable it")
	}

	// An internal client.
	r = b.post("/admin/clients", url.Values{"_csrf": {b.csrf(page)}, "name": {"Back office"}, "supplier": {"internal"}}).Want(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "/admin/clients/internal-") {
		t.Fatalf("internal client at %q", r.Header.Get("Location"))
	}
	b.get("/admin/clients/"+handlertest.NewUUID()).Want(t, http.StatusNotFound)
}

// Only administrators manage clients.
func TestAdminClientsOnlyForAdmins(t *testing.T) {
	e := handlertest.NewEnv(t)
	id, _ := e.Client("serco")
	for _, user := range []string{"pmu", "prison", "court", "supplier"} {
		t.Run(user, func(t *testing.T) {
			b := adminSignIn(t, e, user)
			home := b.get("/")
			csrf := b.csrf(home)
			for _, p := range []string{"/admin/clients", "/admin/clients/new", "/admin/clients/" + id, "/admin/clients/" + id + "/secret"} {
				b.get(p).Want(t, http.StatusForbidden)
			}
			for _, p := range []string{"/admin/clients", "/admin/clients/" + id + "/rotate", "/admin/clients/" + id + "/retire-secret", "/admin/clients/" + id + "/disable"} {
				b.post(p, url.Values{"_csrf": {csrf}, "name": {"x"}, "supplier": {"serco"}}).Want(t, http.StatusForbidden)
			}
		})
	}
	cl, _ := e.St.Client(e.Ctx, id)
	if cl.Disabled || len(cl.Secrets) != 1 {
		t.Fatal("a non-admin changed a client")
	}
	cls, _ := e.St.Clients(e.Ctx)
	if len(cls) != 1+len(store.DemoClients) {
		t.Fatal("a non-admin created a client")
	}
	// Not signed in: to the sign-in page.
	anon := &adminBrowser{e: e, t: t, cookies: map[string]*http.Cookie{}}
	r := anon.get("/admin/clients").Want(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		t.Fatalf("Location %q", r.Header.Get("Location"))
	}
}
