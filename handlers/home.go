package handlers

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Home shows the signed-in user's overview: counts of today's moves for
// the current location, each linking into the list it counts (and, for
// PMU, the requests waiting for review; for police and prison staff,
// their single requests pending review, approved, rejected or
// cancelled); for administrators,
// links to administration.
func (h *Handlers) Home(c echo.Context) error {
	u := serve.CurrentUser(c)
	ctx := c.Request().Context()
	today := h.Today()
	m := views.Home{Page: h.page(c, "Your overview"), Heading: "Your overview"}
	m.Page.Nav = serve.NavFor(u, "/")
	if u.Role == moves.RoleAdmin {
		m.Heading = "Service administration"
		m.Intro = "Manage users, locations, suppliers and API clients."
		m.Links = []views.Link{{Text: "Users", Href: "/admin/users"}, {Text: "Locations", Href: "/admin/locations"},
			{Text: "Suppliers", Href: "/admin/suppliers"}, {Text: "API clients", Href: "/admin/clients"}}
		return serve.Render(c, http.StatusOK, views.HomePage(m))
	}
	if listNeedsLocation(u) {
		return chooseLocationFirst(c)
	}
	m.Location = listLocationName(u)
	if u.Role == moves.RolePMU {
		s, err := h.homeReview(c)
		if err != nil {
			return err
		}
		m.Sections = append(m.Sections, s)
	}
	if u.Role == "pmu" || u.Role == "oca" {
		s, err := h.homeAllocations(c, u)
		if err != nil {
			return err
		}
		m.Sections = append(m.Sections, s)
	}
	dateLabel := "Today, " + views.LongDate(today)
	section := func(dir ListDir, heading string) (views.HomeSection, error) {
		counts, err := h.Store.CountByStatus(ctx, h.dayFilter(u, dir, today))
		if err != nil {
			return views.HomeSection{}, err
		}
		s := views.HomeSection{Heading: heading, ID: "home-" + string(dir), Lists: []views.HomeCountList{{Caption: dateLabel}}}
		for _, g := range listStatusGroups[dir] {
			s.Lists[0].Counts = append(s.Lists[0].Counts, views.CountLink{Count: g.count(counts), Label: g.Label,
				Href: listDayURL(dir, today, g.Key)})
		}
		return s, nil
	}
	if u.Current != nil {
		out, err := section(ListOutgoing, "Outgoing moves")
		if err != nil {
			return err
		}
		in, err := section(ListIncoming, "Incoming moves")
		if err != nil {
			return err
		}
		m.Sections = append(m.Sections, out, in)
	} else {
		// PMU with "All locations" and supplier staff: outgoing and
		// incoming are the same moves, so one section counts them.
		all, err := section(ListOutgoing, "Moves today")
		if err != nil {
			return err
		}
		all.Heading = "All moves"
		if u.Role == moves.RoleSupplier {
			all.Heading = "Moves your supplier carries out"
		}
		m.Sections = append(m.Sections, all)
	}
	if mayListSentRequests(u) {
		// Their requests for PMU to review and what became of them;
		// those without a date (waiting for PMU, or rejected or
		// cancelled before PMU gave one) the counts above never include.
		s, err := h.homeSentRequests(c, u)
		if err != nil {
			return err
		}
		m.Sections = append(m.Sections, s)
	}
	if u.Role == moves.RolePolice || u.Role == moves.RolePrison {
		m.Actions = append(m.Actions, views.Link{Text: "Request a move", Href: "/move/new"})
	}
	return serve.Render(c, http.StatusOK, views.HomePage(m))
}

// homeReview counts PMU's requests: every one still pending, and what
// became of those sent this week (Monday to Sunday, serve.London time).
func (h *Handlers) homeReview(c echo.Context) (views.HomeSection, error) {
	ctx := c.Request().Context()
	pending, err := h.Store.CountReviewRequests(ctx, store.ReviewFilter{Status: store.ReviewPending})
	if err != nil {
		return views.HomeSection{}, err
	}
	mon, sun := listWeek(h.Now())
	from, to := listDayStart(mon), listDayStart(sun).AddDate(0, 0, 1)
	week, err := h.Store.CountReviewRequests(ctx, store.ReviewFilter{SentFrom: from, SentTo: to})
	if err != nil {
		return views.HomeSection{}, err
	}
	s := views.HomeSection{Heading: "Requests to review", ID: "home-review"}
	s.Lists = append(s.Lists, views.HomeCountList{Caption: "Prison transfers waiting for PMU", Counts: []views.CountLink{
		{Count: pending[store.ReviewPending], Label: reviewLabels[store.ReviewPending], Href: "/moves/review?status=" + store.ReviewPending}}})
	week2 := views.HomeCountList{Caption: "Sent this week, " + listDateRange(mon, sun)}
	for _, st := range []string{store.ReviewApproved, store.ReviewRejected, store.ReviewCancelled} {
		q := url.Values{"status": {st}, "sent_from": {mon}, "sent_to": {sun}}
		week2.Counts = append(week2.Counts, views.CountLink{Count: week[st], Label: reviewLabels[st], Href: "/moves/review?" + q.Encode()})
	}
	s.Lists = append(s.Lists, week2)
	return s, nil
}

// listWeek is the Monday and Sunday, YYYY-MM-DD, of now's week in serve.London.
func listWeek(now time.Time) (string, string) {
	t := now.In(serve.London)
	d := time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC)
	mon := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	return mon.Format(time.DateOnly), mon.AddDate(0, 0, 6).Format(time.DateOnly)
}

// listDateRange is "16 to 22 November 2026", "30 November to 6 December
// 2026" or, across years, both dates in full.
func listDateRange(from, to string) string {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	switch {
	case err1 != nil || err2 != nil || a.Year() != b.Year():
		return views.ShortDate(from) + " to " + views.ShortDate(to)
	case a.Month() != b.Month():
		return a.Format("2 January") + " to " + b.Format("2 January 2006")
	}
	return a.Format("2") + " to " + b.Format("2 January 2006")
}

// listDayStart is midnight at the start of a serve.London date.
func listDayStart(date string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, date, serve.London)
	if err != nil {
		return time.Time{}
	}
	return t
}

// scopeFilter limits a move query to what a user may see: PMU everything,
// a supplier the moves its supplier serves, everyone else moves from or to
// their locations.
func (h *Handlers) scopeFilter(u *serve.Principal) store.MoveFilter {
	var f store.MoveFilter
	switch u.Role {
	case moves.RolePMU:
		if u.Region != nil {
			// A region chosen: its locations' moves, from or to.
			f.EitherIDs = append([]string{"-"}, u.RegionLocationIDs...)
		}
	case moves.RoleAdmin:
		f.IDs = []string{"-"} // administrators see no moves
	case moves.RoleSupplier:
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
