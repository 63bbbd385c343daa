package admin_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/securemove/securemove/store"
)

func TestAdminUsersList(t *testing.T) {
	e, b := asAdmin(t)
	home := b.doc("/", http.StatusOK)
	for _, href := range []string{"/admin/users", "/admin/locations", "/admin/suppliers", "/admin/clients"} {
		if home.Find(`main a[href="`+href+`"]`).Length() != 1 || home.Find(`.govuk-service-navigation a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("the admin's home and navigation should link to %s", href)
		}
	}
	doc := b.section("/admin/users", "Users")
	rows := admRows(doc, "#users")
	if len(rows) != 7 {
		t.Fatalf("%d users listed: %v", len(rows), rows)
	}
	want := map[string][]string{
		"police":   {"police", "Dan Mitchell", "Police custody suite staff", "Guildford Police Station, Staines Police Station", "–", "Active"},
		"supplier": {"supplier", "Sam Okoro", "Escort supplier staff", "Those its supplier serves", "Serco", "Active"},
		"pmu":      {"pmu", "Priya Sharma", "Population Management Unit (PMU)", "All locations", "–", "Active"},
		"oca":      {"oca", "Olu Adeyemi", "Allocation staff at a prison (OCA)", "HMP Belmarsh", "–", "Active"},
	}
	for _, r := range rows {
		if w, ok := want[r[0]]; ok && !slices.Equal(r, w) {
			t.Errorf("row %v, want %v", r, w)
		}
	}
	if doc.Find(`#users a[href="/admin/users/`+admUserID(t, e, "court")+`"]`).Length() != 1 {
		t.Error("the list does not link to each user's page")
	}
}

// Each problem with a new user is a 422 with a GOV.UK error summary whose
// links lead to the fields.
func TestAdminUsersValidation(t *testing.T) {
	e, b := asAdmin(t)
	doc := b.doc("/admin/users/new", http.StatusOK)
	for _, id := range []string{"username", "full_name", "role", "supplier", "locations", "password"} {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("the form has no #%s", id)
		}
	}
	if doc.Find(`input[name="locations"]`).Length() < 40 || doc.Find(`details legend`).Length() != 9 {
		t.Errorf("the locations should be grouped by type: %d checkboxes, %d groups", doc.Find(`input[name="locations"]`).Length(), doc.Find(`details legend`).Length())
	}
	if doc.Find(`input[name="locations"][value="`+e.Loc("STC1")+`"]`).Length() != 0 {
		t.Error("a disabled location is offered")
	}
	csrf := b.csrf(b.get("/admin/users/new"))
	good := func(kv ...string) []string {
		base := map[string]string{"username": "jo.bloggs", "full_name": "Jo Bloggs", "role": "police", "locations": e.Loc("SRY016"), "password": "a long enough password"}
		for i := 0; i+1 < len(kv); i += 2 {
			base[kv[i]] = kv[i+1]
		}
		var out []string
		for k, v := range base {
			if v != "-" {
				out = append(out, k, v)
			}
		}
		return out
	}
	cases := []struct {
		name  string
		form  []string
		wants []string
	}{
		{"everything blank", nil, []string{"username: Enter a username", "full_name: Enter the user's full name", "role: Select the user's role", "password: Enter a password"}},
		{"blank name", good("full_name", "  "), []string{"full_name: Enter the user's full name"}},
		{"duplicate username", good("username", "Police"), []string{"username: already exists"}},
		{"bad username", good("username", "jo bloggs!"), []string{"username: only letters, numbers"}},
		{"short password", good("password", "short pass"), []string{"password: 12 characters or more"}},
		{"password is the username", good("password", "jo.bloggs.jo", "username", "jo.bloggs.jo"), []string{"password: must not be the same as the username"}},
		{"no location for police", good("locations", "-"), []string{"locations: Select at least one location"}},
		{"no location for prison", good("role", "prison", "locations", "-"), []string{"locations: Select at least one location"}},
		{"no location for court", good("role", "court", "locations", "-"), []string{"locations: Select at least one location"}},
		{"a prison for a police user", good("locations", e.Loc("BXI")), []string{"locations: must be police custody suites"}},
		{"a disabled location", good("role", "prison", "locations", e.Loc("STC1")), []string{"locations: is disabled"}},
		{"no supplier for supplier staff", good("role", "supplier", "locations", "-"), []string{"supplier: Select the supplier the user works for"}},
		{"an unknown supplier", good("role", "supplier", "supplier", "nobody"), []string{"supplier: Select one of the suppliers listed"}},
		{"an unknown role", good("role", "superuser"), []string{"role: Select one of the roles listed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b.t = t
			doc := b.invalid("/admin/users", admForm(csrf, tc.form...), tc.wants...)
			if n := doc.Find(".govuk-error-summary__list li").Length(); n != len(tc.wants) {
				t.Errorf("%d errors, want %d: %s", n, len(tc.wants), handlertest.Text(doc.Find(".govuk-error-summary")))
			}
			if v, _ := doc.Find("#password").Attr("value"); v != "" {
				t.Error("the password is sent back")
			}
		})
	}
	b.t = t
	// What was typed is kept.
	doc = b.invalid("/admin/users", admForm(csrf, good("password", "short")...), "password: 12 characters")
	if v, _ := doc.Find("#full_name").Attr("value"); v != "Jo Bloggs" {
		t.Errorf("full name %q kept", v)
	}
	if _, ok := doc.Find(`input[name="locations"][value="` + e.Loc("SRY016") + `"]`).Attr("checked"); !ok {
		t.Error("the location chosen is not kept")
	}
	if _, ok := doc.Find(`#role-3`).Attr("checked"); !ok || doc.Find("#role-3").AttrOr("value", "") != "police" {
		t.Error("the role chosen is not kept")
	}
	// Locations in error: the first group is open, so the summary's link lands.
	doc = b.invalid("/admin/users", admForm(csrf, good("locations", "-")...), "locations: at least one")
	if _, open := doc.Find("#locations").Closest("details").Attr("open"); !open {
		t.Error("the first group of locations is closed while in error")
	}
	if admHasUser(e, "jo.bloggs") {
		t.Fatal("an invalid user was created")
	}
}

func TestAdminUsersAddChangeDisable(t *testing.T) {
	e, b := asAdmin(t)
	csrf := b.csrfOf("/admin/users/new")

	// Add a police user with one location.
	loc := b.done("/admin/users", admForm(csrf, "username", " Jo.Bloggs ", "full_name", "Jo Bloggs", "role", "police",
		"locations", e.Loc("SRY014"), "supplier", "serco", "password", "correct horse battery"))
	id := admUserID(t, e, "jo.bloggs")
	if loc != "/admin/users/"+id {
		t.Fatalf("after adding, to %q", loc)
	}
	doc := b.doc(loc, http.StatusOK)
	if f := handlertest.Text(doc.Find(".govuk-notification-banner--success")); !strings.Contains(f, "User added") || !strings.Contains(f, "jo.bloggs") {
		t.Errorf("banner %q", f)
	}
	details := handlertest.Text(doc.Find("#user-details"))
	for _, want := range []string{"jo.bloggs", "Police custody suite staff", "Staines Police Station", "Active", "by admin"} {
		if !strings.Contains(details, want) {
			t.Errorf("user page lacks %q: %s", want, details)
		}
	}
	if strings.Contains(details, "Serco") {
		t.Error("a police user was given a supplier")
	}
	u, _ := e.St.UserByUsername(e.Ctx, "jo.bloggs")
	if !strings.HasPrefix(u.PasswordHash, "$2") || strings.Contains(u.PasswordHash, "correct horse") {
		t.Error("the password is not stored as a bcrypt hash")
	}

	// The new user signs in and works at that location.
	jo, code := admTrySignIn(t, e, "jo.bloggs", "correct horse battery")
	if code != http.StatusSeeOther {
		t.Fatalf("the new user cannot sign in: %d", code)
	}
	if where := handlertest.Text(jo.doc("/", http.StatusOK).Find(".app-location")); !strings.Contains(where, "Staines Police Station") {
		t.Errorf("the new user's location %q", where)
	}

	// Change their role and location: it applies from their next page.
	edit := b.doc("/admin/users/"+id+"/edit", http.StatusOK)
	if _, ok := edit.Find(`input[name="locations"][value="` + e.Loc("SRY014") + `"]`).Attr("checked"); !ok {
		t.Error("the edit form does not show the user's location")
	}
	if edit.Find("#username").Length() != 0 || edit.Find("#password").Length() != 0 {
		t.Error("the edit form asks for the username or password")
	}
	b.invalid("/admin/users/"+id+"/edit", admForm(csrf, "full_name", "Jo Bloggs", "role", "prison", "locations", e.Loc("SRY014")),
		"locations: A prison user's locations must be prisons")
	b.done("/admin/users/"+id+"/edit", admForm(csrf, "full_name", "Joanne Bloggs", "role", "prison", "locations", e.Loc("BXI")))
	if f := b.flash("/admin/users/" + id); !strings.Contains(f, "Changes saved") {
		t.Errorf("banner %q", f)
	}
	if where := handlertest.Text(jo.doc("/", http.StatusOK).Find(".app-location")); !strings.Contains(where, "HMP Brixton") {
		t.Errorf("after the change, the user's location %q", where)
	}
	got, _ := e.St.AdminUser(e.Ctx, id)
	if got.FullName != "Joanne Bloggs" || got.Role != "prison" || got.UpdatedBy != "admin" {
		t.Errorf("after the change %+v", got)
	}
	b.done("/admin/users/"+id+"/edit", admForm(csrf, "full_name", "Joanne Bloggs", "role", "prison", "locations", e.Loc("BXI")))
	if f := b.flash("/admin/users/" + id); !strings.Contains(f, "Nothing was changed") {
		t.Errorf("an unchanged save says %q", f)
	}

	// Disable: the signed-in user is signed out at their next request and
	// cannot sign in again.
	joCopy := &adminBrowser{e: e, t: t, cookies: map[string]*http.Cookie{}}
	for k, v := range jo.cookies {
		joCopy.cookies[k] = v
	}
	b.done("/admin/users/"+id+"/disable", admForm(csrf))
	if f := b.flash("/admin/users/" + id); !strings.Contains(f, "User disabled") {
		t.Errorf("banner %q", f)
	}
	r := jo.get("/")
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		t.Fatalf("a disabled user's session still works: %d %q", r.Code, r.Header.Get("Location"))
	}
	if _, ok := jo.cookies["securemove_session"]; ok {
		t.Error("the disabled user's session cookie was not cleared")
	}
	if _, code := admTrySignIn(t, e, "jo.bloggs", "correct horse battery"); code != http.StatusUnauthorized {
		t.Fatalf("a disabled user signed in: %d", code)
	}
	doc = b.doc("/admin/users", http.StatusOK)
	for _, row := range admRows(doc, "#users") {
		if row[0] == "jo.bloggs" && row[5] != "Disabled" {
			t.Errorf("the list says %v", row)
		}
	}

	// Enable again: they sign in afresh; a copy of the old session's cookie
	// does not come back to life.
	b.done("/admin/users/"+id+"/enable", admForm(csrf))
	jo, code = admTrySignIn(t, e, "jo.bloggs", "correct horse battery")
	if code != http.StatusSeeOther {
		t.Fatalf("an enabled user cannot sign in: %d", code)
	}
	jo.doc("/", http.StatusOK)
	if r := joCopy.get("/"); r.Code != http.StatusSeeOther {
		t.Errorf("a session from before the user was disabled works again: %d", r.Code)
	}

	// Reset the password.
	b.doc("/admin/users/"+id+"/password", http.StatusOK)
	b.invalid("/admin/users/"+id+"/password", admForm(csrf, "password", "too short"), "password: 12 characters or more")
	b.invalid("/admin/users/"+id+"/password", admForm(csrf), "password: Enter a password")
	b.done("/admin/users/"+id+"/password", admForm(csrf, "password", "a brand new passphrase"))
	if f := b.flash("/admin/users/" + id); !strings.Contains(f, "Password reset") {
		t.Errorf("banner %q", f)
	}
	if r := jo.get("/"); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		t.Errorf("the session signed in with the old password still works: %d", r.Code)
	}
	if _, code := admTrySignIn(t, e, "jo.bloggs", "correct horse battery"); code != http.StatusUnauthorized {
		t.Error("the old password still works")
	}
	if _, code := admTrySignIn(t, e, "jo.bloggs", "a brand new passphrase"); code != http.StatusSeeOther {
		t.Error("the new password does not work")
	}

	// Every change is in the user's history, with who made it.
	hist := admRows(b.doc("/admin/users/"+id, http.StatusOK), "#history")
	if len(hist) != 5 || hist[0][1] != "admin" || hist[0][2] != "Password reset" || !strings.HasPrefix(hist[4][2], "Created as police custody suite staff") {
		t.Errorf("history %v", hist)
	}

	// A supplier user: the supplier is kept, locations are not.
	b.done("/admin/users", admForm(csrf, "username", "sam2", "full_name", "Sam Two", "role", "supplier", "supplier", "geoamey",
		"locations", e.Loc("SRY014"), "password", "correct horse battery"))
	s2, _ := e.St.AdminUser(e.Ctx, admUserID(t, e, "sam2"))
	if s2.SupplierKey != "geoamey" || len(s2.LocationIDs) != 0 {
		t.Errorf("supplier user %+v", s2)
	}
}

// An administrator may not disable their own account, nor change their
// own role; they may change their name.
func TestAdminUsersOwnAccount(t *testing.T) {
	e, b := asAdmin(t)
	id := admUserID(t, e, "admin")
	doc := b.doc("/admin/users/"+id, http.StatusOK)
	if doc.Find(`form[action="/admin/users/`+id+`/disable"]`).Length() != 0 {
		t.Error("the admin's own page offers to disable them")
	}
	csrf := b.csrf(b.get("/admin/users/" + id))
	loc := b.done("/admin/users/"+id+"/disable", admForm(csrf))
	banner := handlertest.Text(b.doc(loc, http.StatusOK).Find(".govuk-notification-banner"))
	if !strings.Contains(banner, "You cannot disable your own account") {
		t.Errorf("banner %q", banner)
	}
	if u, _ := e.St.User(e.Ctx, id); u.Disabled {
		t.Fatal("the admin disabled themselves")
	}
	edit := b.doc("/admin/users/"+id+"/edit", http.StatusOK)
	if edit.Find(`input[name="role"][type="radio"]`).Length() != 0 {
		t.Error("the admin is offered to change their own role")
	}
	b.invalid("/admin/users/"+id+"/edit", admForm(csrf, "full_name", "Alex Admin", "role", "pmu"), "role: You cannot change your own role")
	b.done("/admin/users/"+id+"/edit", admForm(csrf, "full_name", "Alex Q Admin", "role", "admin"))
	if u, _ := e.St.User(e.Ctx, id); u.Role != "admin" || u.FullName != "Alex Q Admin" {
		t.Errorf("after editing oneself: %+v", u)
	}
	// Resetting their own password keeps them signed in here.
	b.done("/admin/users/"+id+"/password", admForm(csrf, "password", "my own new passphrase"))
	if f := b.flash("/admin/users/" + id); !strings.Contains(f, "Password reset") {
		t.Errorf("after resetting their own password: %q", f)
	}
	// Another admin's account is theirs to disable.
	b.done("/admin/users", admForm(csrf, "username", "admin2", "full_name", "Second Admin", "role", "admin", "password", "correct horse battery"))
	other := admUserID(t, e, "admin2")
	if b.doc("/admin/users/"+other, http.StatusOK).Find(`form[action="/admin/users/`+other+`/disable"]`).Length() != 1 {
		t.Error("no way to disable another admin")
	}
}

// A user disabled while signed in is signed out at their next request,
// whatever their role, and cannot sign in again.
func TestAdminDisabledUserIsSignedOut(t *testing.T) {
	e := handlertest.NewEnv(t)
	admin := adminSignIn(t, e, "admin")
	csrf := admin.csrfOf("/admin/users")
	for _, name := range []string{"court", "prison", "supplier", "pmu"} {
		u := adminSignIn(t, e, name)
		u.doc("/", http.StatusOK)
		admin.done("/admin/users/"+admUserID(t, e, name)+"/disable", admForm(csrf))
		r := u.get("/moves/outgoing")
		if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
			t.Errorf("%s: still signed in after being disabled (%d %q)", name, r.Code, r.Header.Get("Location"))
		}
		if _, code := admTrySignIn(t, e, name, store.DemoPassword); code != http.StatusUnauthorized {
			t.Errorf("%s: a disabled user signed in (%d)", name, code)
		}
	}
}
