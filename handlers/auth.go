package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// regionChoicePrefix marks a region in the location choice and session.
const regionChoicePrefix = "region:"

// LoadUser puts the signed-in user, if any, on the context.
func (h *Handlers) LoadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := h.Sessions.Str(c, serve.KeyUserID)
		if id == "" {
			return next(c)
		}
		u, err := h.Store.User(c.Request().Context(), id)
		gen, _ := h.Sessions.Value(c, serve.KeyGeneration).(int64)
		if err != nil || u.Disabled || gen != u.SessionGeneration {
			// Unknown or disabled user, or a session that has ended
			// (signed out, perhaps elsewhere): signed out here too.
			_ = h.Sessions.Clear(c)
			return next(c)
		}
		p := &serve.Principal{User: u}
		if u.Role.SeesEveryLocation() {
			// PMU work across every location (the active ones: those a
			// move may be requested from). Administrators hold none
			// (DOMAIN.md): they have no current location to choose.
			p.Locations, err = h.Store.ActiveLocations(c.Request().Context(), u.LocationIDs)
		} else if len(u.LocationIDs) > 0 && u.Role != moves.RoleAdmin {
			// Everyone else keeps every location they hold, a disabled one
			// included: it is refused for new moves (the request journey,
			// the store), but the moves already booked from or to it keep
			// it, and its staff keep seeing and working them, choosing it
			// as their location to do so (the chooser says it is no
			// longer in use).
			p.Locations, err = h.Store.HeldLocations(c.Request().Context(), u.LocationIDs)
		}
		if err != nil {
			return err
		}
		if loc := h.Sessions.Str(c, serve.KeyLocation); u.Role == moves.RolePMU && strings.HasPrefix(loc, regionChoicePrefix) {
			rs, err := h.Store.Regions(c.Request().Context())
			if err != nil {
				return err
			}
			// A region's lists cover its disabled locations too: their
			// moves already booked are still to be carried out.
			all, err := h.Store.HeldLocations(c.Request().Context(), nil)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if regionChoicePrefix+r.ID == loc {
					r := r
					p.Region, p.LocationName = &r, r.Name
					p.RegionLocationIDs = []string{}
					for _, l := range all {
						if l.RegionID == r.ID {
							p.RegionLocationIDs = append(p.RegionLocationIDs, l.ID)
						}
					}
				}
			}
		} else if loc != "" {
			if i := slices.IndexFunc(p.Locations, func(l moves.Location) bool { return l.ID == loc }); i >= 0 {
				// A copy: PMU's Locations are shared by every request.
				l := p.Locations[i]
				p.Current = &l
				p.LocationName = locationName(l)
			}
		}
		if p.Current == nil && p.Region == nil {
			switch {
			case len(p.Locations) == 1 && !u.Role.SeesEveryLocation():
				l := p.Locations[0]
				p.Current = &l
				p.LocationName = locationName(l)
			case u.Role == moves.RolePMU:
				p.LocationName = "All locations"
			case u.Role == moves.RoleSupplier:
				p.LocationName = "All locations your supplier serves"
			}
		}
		c.Set("user", p)
		return next(c)
	}
}

// noLongerInUse is what a disabled location is called where a user who
// holds it chooses or works at it.
const noLongerInUse = "no longer in use"

// locationName is the header's name of the location a user works at,
// saying when it is no longer in use.
func locationName(l moves.Location) string {
	if l.Disabled {
		return l.Title + " (" + noLongerInUse + ")"
	}
	return l.Title
}

// RequireUser sends anyone not signed in to the sign-in page, and a user
// who has locations to choose from but has not chosen to the chooser.
func (h *Handlers) RequireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := serve.CurrentUser(c)
		if u == nil {
			if c.Request().Header.Get("HX-Request") == "true" {
				// A live region polling after the session ended: send the
				// whole page to sign-in rather than swapping the sign-in
				// form into a fragment.
				c.Response().Header().Set("HX-Redirect", "/sign-in")
				return c.NoContent(http.StatusUnauthorized)
			}
			if c.Request().Method != http.MethodGet {
				return moves.Errorf(moves.Unauthorized, "sign in first")
			}
			return c.Redirect(http.StatusSeeOther, "/sign-in?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		if u.Current == nil && len(u.Locations) > 1 && u.Role.ChoosesLocation() &&
			h.Sessions.Str(c, serve.KeyChosen) == "" && !strings.HasPrefix(c.Path(), "/locations") {
			return c.Redirect(http.StatusSeeOther, "/locations?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return next(c)
	}
}

// RequireRole answers 403 to users without one of the roles.
func RequireRole(roles ...moves.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := serve.CurrentUser(c)
			for _, r := range roles {
				if u != nil && u.Role == r {
					return next(c)
				}
			}
			return moves.Errorf(moves.Forbidden, "your role may not do this")
		}
	}
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	// Browsers drop tabs and line breaks from a URL before reading it,
	// so "/\t/evil.example" is "//evil.example", another site: any
	// control character, or a backslash (read as a slash), refuses it.
	// "//x" and "///x" are another site too; url.Parse sees a host only
	// in the first.
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// ShowSignIn renders the sign-in page.
func (h *Handlers) ShowSignIn(c echo.Context) error {
	if serve.CurrentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return serve.Render(c, http.StatusOK, views.SignInPage(views.SignIn{Page: h.page(c, "Sign in"), Demo: h.Demo, Next: signInNext(c)}))
}

// signInNext is where to go once signed in: the next the form posted
// (the sign-in page carries it over), else the one in the address
// (RequireUser's /sign-in?next=…), kept on this site; "/" when neither.
func signInNext(c echo.Context) string {
	if next := safeNext(c.Request().PostFormValue("next")); next != "/" {
		return next
	}
	return safeNext(c.QueryParam("next"))
}

// maxSignInUsername is longer than any username (the administration pages
// allow 50 characters); a longer one is refused before it is looked up,
// remembered by the throttle or logged.
const maxSignInUsername = 100

// SignIn checks a username and password. Wrong credentials get one
// generic message whichever was wrong; repeated failures for a username
// are slowed down.
func (h *Handlers) SignIn(c echo.Context) error {
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	fail := func(msg string, status int) error {
		p := h.page(c, "Sign in")
		p.HasErrors = true
		return serve.Render(c, status, views.SignInPage(views.SignIn{Page: p, Username: username, Demo: h.Demo, Next: signInNext(c),
			Errors: views.Errors{{ID: "username", Message: msg}}}))
	}
	if username == "" || password == "" {
		p := h.page(c, "Sign in")
		p.HasErrors = true
		var errs views.Errors
		if username == "" {
			errs = append(errs, views.FieldError{ID: "username", Message: "Enter your username"})
		}
		if password == "" {
			errs = append(errs, views.FieldError{ID: "password", Message: "Enter your password"})
		}
		return serve.Render(c, http.StatusUnprocessableEntity, views.SignInPage(views.SignIn{Page: p, Username: username, Demo: h.Demo, Next: signInNext(c), Errors: errs}))
	}
	if len(username) > maxSignInUsername {
		// Nobody has a username this long: refused like any wrong
		// credentials, without keeping or logging what was sent.
		h.logFor(c).Info("sign-in failed", "username", serve.Loggable(username), "username_bytes", len(username))
		username = ""
		return fail("Enter a valid username and password", http.StatusUnauthorized)
	}
	if wait := h.Throttle.Wait(username, h.Now()); wait > 0 {
		h.logFor(c).Warn("sign-in throttled", "username", username, "wait", wait.Round(time.Second).String())
		return fail("Too many failed attempts to sign in. Wait a minute, then try again.", http.StatusTooManyRequests)
	}
	u, err := h.Store.UserByUsername(c.Request().Context(), username)
	hash := u.PasswordHash
	if err != nil || u.Disabled {
		hash = ""
	}
	if !store.CheckPassword(hash, password) {
		h.Throttle.Fail(username, h.Now())
		h.logFor(c).Info("sign-in failed", "username", username)
		return fail("Enter a valid username and password", http.StatusUnauthorized)
	}
	h.Throttle.Reset(username)
	values := map[any]any{serve.KeyUserID: u.ID, serve.KeySignedIn: h.Now().Unix(), serve.KeyGeneration: u.SessionGeneration}
	if len(u.LocationIDs) == 1 && !u.Role.SeesEveryLocation() {
		values[serve.KeyLocation] = u.LocationIDs[0]
	}
	if err := h.Sessions.Renew(c, values); err != nil {
		return err
	}
	h.logFor(c).Info("signed in", "user", u.Username, "role", u.Role)
	next := signInNext(c)
	if len(u.LocationIDs) > 1 && u.Role.ChoosesLocation() {
		return serve.Redirect(c, "/locations?next="+url.QueryEscape(next))
	}
	return serve.Redirect(c, next)
}

// SignOut ends the session: the cookie is deleted, and the user's sessions
// end on the server too, so that a copy of the cookie (from another device,
// or taken from this one) no longer signs anyone in.
func (h *Handlers) SignOut(c echo.Context) error {
	if u := serve.CurrentUser(c); u != nil {
		if err := h.Store.EndSessions(c.Request().Context(), u.ID); err != nil {
			return err
		}
		h.logFor(c).Info("signed out", "user", u.Username)
	}
	if err := h.Sessions.Clear(c); err != nil {
		return err
	}
	return serve.Redirect(c, "/sign-in")
}

// ShowLocations lets a user with several locations choose one.
func (h *Handlers) ShowLocations(c echo.Context) error {
	return h.renderLocations(c, nil, http.StatusOK)
}

func (h *Handlers) renderLocations(c echo.Context, errs views.Errors, status int) error {
	u := serve.CurrentUser(c)
	m := views.ChooseLocation{Page: h.page(c, "Choose your location"), Next: safeNext(c.QueryParam("next")), Errors: errs,
		AllowAll: u.Role.SeesEveryLocation()}
	if len(errs) > 0 {
		m.Page.HasErrors = true
	}
	m.AllChecked = m.AllowAll && u.Current == nil && u.Region == nil
	if u.Role == "pmu" {
		rs, err := h.Store.Regions(c.Request().Context())
		if err != nil {
			return err
		}
		for _, r := range rs {
			m.Regions = append(m.Regions, views.LocationChoice{ID: regionChoicePrefix + r.ID, Title: r.Key + ". " + r.Name,
				Checked: u.Region != nil && u.Region.ID == r.ID})
		}
	}
	for _, l := range u.Locations {
		choice := views.LocationChoice{ID: l.ID, Title: l.Title, Type: string(l.Type),
			Checked: u.Current != nil && u.Current.ID == l.ID}
		if l.Disabled {
			choice.Hint = "No longer in use: for its moves already booked; no new move can be requested from it"
		}
		m.Locations = append(m.Locations, choice)
	}
	return serve.Render(c, status, views.ChooseLocationPage(m))
}

// ChooseLocation sets the current location.
func (h *Handlers) ChooseLocation(c echo.Context) error {
	u := serve.CurrentUser(c)
	loc := c.FormValue("location")
	next := safeNext(c.FormValue("next"))
	switch {
	case loc == "all" && u.Role.SeesEveryLocation():
		h.Sessions.Set(c, serve.KeyLocation, "")
	case u.Role == moves.RolePMU && strings.HasPrefix(loc, regionChoicePrefix) && h.regionExists(c, strings.TrimPrefix(loc, regionChoicePrefix)):
		h.Sessions.Set(c, serve.KeyLocation, loc)
	case loc != "" && u.HasLocation(loc):
		h.Sessions.Set(c, serve.KeyLocation, loc)
	default:
		c.QueryParams().Set("next", next)
		return h.renderLocations(c, views.Errors{{ID: "location", Message: "Select your location"}}, http.StatusUnprocessableEntity)
	}
	h.Sessions.Set(c, serve.KeyChosen, "1")
	if err := h.Sessions.Save(c); err != nil {
		return err
	}
	return serve.Redirect(c, next)
}

// Throttle slows down repeated failed sign-ins for a username: after a few
// failures each further attempt must wait, doubling up to a limit.
type Throttle struct {
	mu       sync.Mutex
	failures map[string]*failures
	// Free is how many failures cost nothing.
	Free int
	Base time.Duration
	Max  time.Duration
}

type failures struct {
	n    int
	last time.Time
}

// NewThrottle returns the service's sign-in throttle.
func NewThrottle() *Throttle {
	return &Throttle{failures: map[string]*failures{}, Free: 3, Base: 2 * time.Second, Max: 5 * time.Minute}
}

func throttleKey(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// Wait returns how long the username must still wait before trying again.
func (t *Throttle) Wait(username string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.failures[throttleKey(username)]
	if f == nil || f.n < t.Free {
		return 0
	}
	d := t.Base << min(f.n-t.Free, 16)
	if d > t.Max || d <= 0 {
		d = t.Max
	}
	if left := f.last.Add(d).Sub(now); left > 0 {
		return left
	}
	return 0
}

// Fail records a failed attempt.
func (t *Throttle) Fail(username string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := throttleKey(username)
	f := t.failures[k]
	if f == nil || now.Sub(f.last) > time.Hour {
		f = &failures{}
		t.failures[k] = f
	}
	f.n++
	f.last = now
	if len(t.failures) > 100_000 {
		// Bound memory under a spray of made-up usernames.
		for k, v := range t.failures {
			if now.Sub(v.last) > 15*time.Minute {
				delete(t.failures, k)
			}
		}
	}
}

// Reset forgets failures after a successful sign-in.
func (t *Throttle) Reset(username string) {
	t.mu.Lock()
	delete(t.failures, throttleKey(username))
	t.mu.Unlock()
}

// Clear forgets every username's failures: POST /test/reset calls it, so
// that a test's failed sign-ins do not hold up the next test's.
func (t *Throttle) Clear() {
	t.mu.Lock()
	clear(t.failures)
	t.mu.Unlock()
}

// regionExists reports whether id is a region's.
func (h *Handlers) regionExists(c echo.Context, id string) bool {
	rs, err := h.Store.Regions(c.Request().Context())
	if err != nil {
		return false
	}
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}
