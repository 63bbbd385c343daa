package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// activeStatuses are the statuses of moves still going ahead.
var activeStatuses = []moves.Status{moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit, moves.StatusCompleted}

// Home shows the signed-in user's overview.
func (h *Handlers) Home(c echo.Context) error {
	u := currentUser(c)
	ctx := c.Request().Context()
	today := h.Today()
	m := views.Home{Page: h.page(c, "Your overview"), Heading: "Your overview"}
	m.Page.Nav = navFor(u, "/")
	scope := h.scopeFilter(u)
	count := func(f store.MoveFilter) (int, error) { return h.Store.CountMoves(ctx, f) }
	switch u.Role {
	case "admin":
		m.Heading = "Service administration"
		m.Intro = "Manage users, locations, suppliers and API clients."
		m.Links = []views.Link{{Text: "Users", Href: "/admin/users"}, {Text: "Locations", Href: "/admin/locations"}, {Text: "API clients", Href: "/admin/clients"}}
		return render(c, http.StatusOK, views.HomePage(m))
	case "pmu":
		f := scope
		f.Statuses = []moves.Status{moves.StatusProposed}
		n, err := count(f)
		if err != nil {
			return err
		}
		m.Sections = append(m.Sections, views.HomeSection{Heading: "Requests to review", Caption: "Prison transfers waiting for PMU",
			Counts: []views.CountLink{{Count: n, Label: "awaiting review", Href: "/moves/review"}}})
	}
	out := scope
	in := scope
	if u.Current != nil {
		out.FromIDs = []string{u.Current.ID}
		in.ToIDs = []string{u.Current.ID}
		out.EitherIDs, in.EitherIDs = nil, nil
	}
	out.DateFrom, out.DateTo = today, today
	in.DateFrom, in.DateTo = today, today
	out.Statuses, in.Statuses = activeStatuses, activeStatuses
	no, err := count(out)
	if err != nil {
		return err
	}
	ni, err := count(in)
	if err != nil {
		return err
	}
	if u.Current != nil || u.Role == "pmu" || u.Role == "supplier" {
		m.Sections = append(m.Sections,
			views.HomeSection{Heading: "Outgoing moves", Caption: "Today", Counts: []views.CountLink{{Count: no, Label: "active moves", Href: "/moves/outgoing"}}},
			views.HomeSection{Heading: "Incoming moves", Caption: "Today", Counts: []views.CountLink{{Count: ni, Label: "active moves", Href: "/moves/incoming"}}})
	}
	return render(c, http.StatusOK, views.HomePage(m))
}

// scopeFilter limits a move query to what a user may see: PMU everything,
// a supplier the moves its supplier serves, everyone else moves from or to
// their locations.
func (h *Handlers) scopeFilter(u *Principal) store.MoveFilter {
	var f store.MoveFilter
	switch u.Role {
	case "pmu":
	case "supplier":
		f.SupplierIDs = []string{u.SupplierID}
		if f.SupplierIDs[0] == "" {
			f.IDs = []string{"-"} // a supplier user without a supplier sees nothing
		}
	default:
		ids := make([]string, 0, len(u.Locations))
		for _, l := range u.Locations {
			ids = append(ids, l.ID)
		}
		if len(ids) == 0 {
			ids = []string{"-"}
		}
		f.EitherIDs = ids
	}
	return f
}
