package serve

import (
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Principal is the signed-in user with their locations resolved.
type Principal struct {
	store.User
	Locations []moves.Location
	// Current is the chosen location; empty for PMU's "all locations".
	Current      *moves.Location
	LocationName string
	// Region is the region PMU chose instead of one location; its lists
	// then cover RegionLocationIDs.
	Region            *moves.Region
	RegionLocationIDs []string

	// viewer is Viewer's answer, made on first use: a page asks for it
	// for every action it may offer, and PMU hold every location.
	viewer *moves.Viewer
}

// Viewer is the user as the domain's visibility rules see them: their
// role, supplier and the (active) locations they hold. A Principal belongs
// to one request and its fields are set before the handler runs, so the
// answer is made once.
func (p *Principal) Viewer() moves.Viewer {
	if p.viewer == nil {
		ids := make([]string, len(p.Locations))
		for i, l := range p.Locations {
			ids[i] = l.ID
		}
		p.viewer = &moves.Viewer{Role: p.Role, SupplierID: p.SupplierID, LocationIDs: ids}
		if p.Current != nil {
			p.viewer.Current = p.Current.ID
		}
	}
	return *p.viewer
}

// CanChooseLocation reports whether the user has a choice to make.
func (p *Principal) CanChooseLocation() bool {
	return len(p.Locations) > 1 || (p.Role.SeesEveryLocation() && len(p.Locations) > 0)
}

// HasLocation reports whether id is one of the user's locations.
func (p *Principal) HasLocation(id string) bool {
	for _, l := range p.Locations {
		if l.ID == id {
			return true
		}
	}
	return false
}

// CurrentUser is the signed-in user (put on the context by the staff
// handlers' LoadUser), or nil.
func CurrentUser(c echo.Context) *Principal {
	u, _ := c.Get("user").(*Principal)
	return u
}

// PageFor builds the layout's model for the signed-in user: the page every
// audience with a browser (the staff pages, the administration) draws.
func PageFor(c echo.Context, s Sessions, title string) views.Page {
	p := views.Page{Title: title, CSRF: s.CSRFToken(c)}
	u := CurrentUser(c)
	if u == nil {
		return p
	}
	p.User = &views.User{Name: u.FullName}
	p.Location = u.LocationName
	p.CanChangeLocation = u.CanChooseLocation()
	p.Nav = NavFor(u, c.Path())
	if f := s.TakeFlash(c); f != nil {
		p.Flash = &views.Flash{Title: f.Title, Text: f.Text, Important: f.Important}
	}
	return p
}

// ViewErrors turns field errors into the view's, mapping field names to
// the ids of the inputs on the page.
func ViewErrors(fe moves.FieldErrors, ids map[string]string) views.Errors {
	out := make(views.Errors, 0, len(fe))
	for _, e := range fe {
		id := e.Field
		if ids != nil {
			if v, ok := ids[e.Field]; ok {
				id = v
			}
		}
		out = append(out, views.FieldError{ID: id, Message: e.Message})
	}
	return out
}

// Or is s, or def when s is empty.
func Or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
