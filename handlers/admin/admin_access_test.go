package admin_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/securemove/securemove/store"
)

// admRoute is an administration route with its parameters filled in.
type admRoute struct {
	method, path string
}

// admRoutes lists every route under /admin from the server's own route
// table, so that a route added later is covered too. Parameters are
// filled with real records: the court user, Guildford Crown Court, Serco
// and an API client of Serco's.
func admRoutes(t *testing.T, e *handlertest.Env) []admRoute {
	t.Helper()
	clientID, _ := e.Client("serco")
	var out []admRoute
	for _, r := range e.Srv.Echo.Routes() {
		if !strings.HasPrefix(r.Path, "/admin") {
			continue
		}
		p := r.Path
		switch {
		case strings.HasPrefix(p, "/admin/users/:id"):
			p = strings.Replace(p, ":id", admUserID(t, e, "court"), 1)
		case strings.HasPrefix(p, "/admin/locations/:id"):
			p = strings.Replace(p, ":id", e.Loc("GUILCC"), 1)
		case strings.HasPrefix(p, "/admin/clients/:id"):
			p = strings.Replace(p, ":id", clientID, 1)
		case strings.HasPrefix(p, "/admin/suppliers/:key"):
			p = strings.Replace(p, ":key", "serco", 1)
		}
		if strings.Contains(p, ":") || strings.Contains(p, "*") {
			t.Fatalf("admRoutes does not know how to fill in %s", r.Path)
		}
		out = append(out, admRoute{r.Method, p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].method+out[i].path < out[j].method+out[j].path })
	for _, want := range []string{"GET /admin/users", "POST /admin/users", "GET /admin/locations", "POST /admin/locations", "GET /admin/suppliers"} {
		found := false
		for _, r := range out {
			found = found || r.method+" "+r.path == want
		}
		if !found {
			t.Fatalf("no route %s", want)
		}
	}
	return out
}

// admIntruderForm would change something on any admin route if the gate
// let it through.
func admIntruderForm(csrf string) url.Values {
	f := admForm(csrf, "username", "intruder", "full_name", "Intruder", "role", "admin", "password", "correct horse battery",
		"title", "Nowhere", "code", "ZZZ9", "location_type", "police", "region", "london", "supplier", "geoamey", "name", "Intruder",
		"from-day", "1", "from-month", "1", "from-year", "2030")
	return f
}

// admUnchanged checks that nothing the intruder form asks for happened.
func admUnchanged(t *testing.T, e *handlertest.Env) {
	t.Helper()
	if admHasUser(e, "intruder") {
		t.Error("a user was created")
	}
	court, _ := e.St.User(e.Ctx, admUserID(t, e, "court"))
	if court.Disabled || court.Role != "court" || court.FullName != "Gareth Jones" || !store.CheckPassword(court.PasswordHash, store.DemoPassword) {
		t.Errorf("the court user was changed: %+v", court)
	}
	if ls, _ := e.St.Locations(e.Ctx, store.LocationFilter{Codes: []string{"ZZZ9"}, IncludeDisabled: true}); len(ls) != 0 {
		t.Error("a location was created")
	}
	if l, _ := e.St.Location(e.Ctx, e.Loc("GUILCC")); l.Disabled {
		t.Error("a location was disabled")
	}
	if rs, _ := e.St.SupplierRanges(e.Ctx, store.SupplierRangeFilter{LocationID: e.Loc("GUILCC")}); len(rs) != 1 {
		t.Errorf("a supplier range was added: %v", rs)
	}
	// The demo's clients and the test's own.
	cls, _ := e.St.Clients(e.Ctx)
	if len(cls) != 1+len(store.DemoClients) {
		t.Error("an API client was added")
	}
	for _, cl := range cls {
		if cl.Disabled || len(cl.Secrets) != 1 {
			t.Errorf("API client %s was changed", cl.ID)
		}
	}
}

// Every administration route answers 403 to every other role, GET and
// POST (with a valid CSRF token), and changes nothing.
func TestAdminRoutesForbiddenToOtherRoles(t *testing.T) {
	e := handlertest.NewEnv(t)
	routes := admRoutes(t, e)
	for _, who := range []struct{ user, at string }{{"pmu", ""}, {"police", "SRY016"}, {"prison", ""}, {"court", ""}, {"supplier", ""}} {
		t.Run(who.user, func(t *testing.T) {
			b := admSignInAt(t, e, who.user, who.at)
			csrf := b.csrfOf("/")
			home := b.doc("/", http.StatusOK)
			if home.Find(`a[href^="/admin"]`).Length() != 0 {
				t.Error("links to administration are shown")
			}
			for _, r := range routes {
				var res *handlertest.Resp
				switch r.method {
				case http.MethodGet:
					res = b.get(r.path)
				case http.MethodPost:
					res = b.post(r.path, admIntruderForm(csrf))
				default:
					t.Fatalf("unexpected method %s %s", r.method, r.path)
				}
				if res.Code != http.StatusForbidden {
					t.Errorf("%s %s: %d, want 403", r.method, r.path, res.Code)
				}
			}
			// Still signed in: the 403s did not end the session.
			b.doc("/", http.StatusOK)
		})
	}
	admUnchanged(t, e)

	// Signed out: pages send to sign-in, forms are refused.
	anon := &adminBrowser{e: e, t: t, cookies: map[string]*http.Cookie{}}
	csrf := anon.csrfOf("/sign-in")
	for _, r := range routes {
		if r.method == http.MethodGet {
			res := anon.get(r.path)
			if res.Code != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in") {
				t.Errorf("signed out, GET %s: %d %q", r.path, res.Code, res.Header.Get("Location"))
			}
			continue
		}
		res := anon.post(r.path, admIntruderForm(csrf))
		if res.Code < 400 && (res.Code != http.StatusSeeOther || res.Header.Get("Location") != "/sign-in") {
			t.Errorf("signed out, POST %s: %d %q", r.path, res.Code, res.Header.Get("Location"))
		}
	}
	admUnchanged(t, e)
}

// Every administration form needs the session's CSRF token.
func TestAdminFormsNeedCSRF(t *testing.T) {
	e, b := asAdmin(t)
	for _, r := range admRoutes(t, e) {
		if r.method != http.MethodPost {
			continue
		}
		for name, form := range map[string]url.Values{"missing": admIntruderForm(""), "wrong": admIntruderForm("not-the-token")} {
			if name == "missing" {
				form.Del("_csrf")
			}
			if res := b.post(r.path, form); res.Code != http.StatusForbidden {
				t.Errorf("POST %s with the CSRF token %s: %d, want 403", r.path, name, res.Code)
			}
		}
	}
	admUnchanged(t, e)
	// The same form with the token goes through.
	csrf := b.csrfOf("/admin/users/new")
	b.done("/admin/users", admIntruderForm(csrf))
	if !admHasUser(e, "intruder") {
		t.Fatal("the form with its token did not create the user")
	}
}
