package handlers

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// The road in the lists (issue 11): the week view, cards grouped by
// vehicle, and the important-event tags on every card. What the cards
// show besides the move comes from store.ListMarks, one query for the
// whole list.

// weekLabel is a week's dates in words (listDateRange).
func weekLabel(monday string) string { return listDateRange(monday, moves.AddDays(monday, 6)) }

// card is a row as the list's card shows it: the move, and its important
// events as tags linking to the timeline, one per kind with a count
// when it happened more than once.
func (d listDayData) card(r store.ListRow) views.MoveCard {
	on := d.Date
	if r.Date != "" {
		on = r.Date
	}
	c := moveCard(r, on)
	var seen []moves.EventType
	count := map[moves.EventType]int{}
	first := map[moves.EventType]string{}
	for _, e := range d.Marks[r.ID].Important {
		if count[e.Type] == 0 {
			seen = append(seen, e.Type)
			first[e.Type] = e.ID
		}
		count[e.Type]++
	}
	for _, t := range seen {
		text := views.EventHeading(t)
		if n := count[t]; n > 1 {
			text += fmt.Sprintf(" (%d)", n)
		}
		c.Events = append(c.Events, views.CardTag{Text: text, Class: views.ImportantEventTagClass(t),
			Href: "/move/" + r.ID + "/timeline#event-" + first[t]})
	}
	return c
}

// weekGroups groups a week's cards by day, Monday to Sunday, leaving out
// the days without moves.
func weekGroups(d listDayData) []views.MoveGroup {
	var out []views.MoveGroup
	for _, r := range d.Rows {
		title := views.LongDate(r.Date)
		if len(out) == 0 || out[len(out)-1].Title != title {
			out = append(out, views.MoveGroup{Title: title})
		}
		g := &out[len(out)-1]
		g.Cards = append(g.Cards, d.card(r))
	}
	return out
}

// vehicleGroup is a vehicle's moves while they are grouped.
type vehicleGroup struct {
	reg      string
	expected *time.Time
	rows     []store.ListRow
}

// vehicleGroups groups a day's cards by the vehicle of each move's latest
// live journey: the moves still awaiting a vehicle first, then the
// vehicles by the time the supplier expects them (collection on outgoing
// lists, arrival on incoming ones; unknown last), then by registration.
// Each vehicle says when it is expected, how many people it carries and
// whether it has left custody or arrived.
func vehicleGroups(d listDayData) []views.MoveGroup {
	var groups []*vehicleGroup
	by := map[string]*vehicleGroup{}
	for _, r := range d.Rows {
		mk := d.Marks[r.ID]
		g := by[mk.Registration]
		if g == nil {
			g = &vehicleGroup{reg: mk.Registration}
			by[mk.Registration] = g
			groups = append(groups, g)
		}
		g.rows = append(g.rows, r)
		at := mk.ExpectedCollection
		if d.Dir == ListIncoming {
			at = mk.ExpectedArrival
		}
		if at != nil && (g.expected == nil || at.Before(*g.expected)) {
			g.expected = at
		}
	}
	slices.SortStableFunc(groups, func(a, b *vehicleGroup) int {
		if (a.reg == "") != (b.reg == "") {
			if a.reg == "" {
				return -1
			}
			return 1
		}
		if (a.expected == nil) != (b.expected == nil) {
			if a.expected == nil {
				return 1
			}
			return -1
		}
		if a.expected != nil {
			if c := a.expected.Compare(*b.expected); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.reg, b.reg)
	})
	expectedKey := "Expected collection"
	if d.Dir == ListIncoming {
		expectedKey = "Expected arrival"
	}
	out := make([]views.MoveGroup, 0, len(groups))
	for _, g := range groups {
		vg := views.MoveGroup{Title: "Vehicle " + g.reg}
		if g.reg == "" {
			vg.Title = "Awaiting vehicle"
		}
		if g.expected != nil {
			vg.Meta = append(vg.Meta, views.MoveGroupMeta{Key: expectedKey, Value: g.expected.In(serve.London).Format("15:04")})
		} else if g.reg != "" {
			vg.Meta = append(vg.Meta, views.MoveGroupMeta{Key: expectedKey, Value: "Not given yet"})
		}
		vg.Meta = append(vg.Meta, views.MoveGroupMeta{Key: "People", Value: fmt.Sprint(len(g.rows))})
		if g.reg != "" {
			vg.Tag = vehicleTag(g.rows)
		}
		for _, r := range g.rows {
			vg.Cards = append(vg.Cards, d.card(r))
		}
		out = append(out, vg)
	}
	return out
}

// vehicleTag says a vehicle has arrived (every move on it completed) or
// left custody (every move on it in transit or completed); nil before.
func vehicleTag(rows []store.ListRow) *views.CardTag {
	arrived, left := true, true
	for _, r := range rows {
		arrived = arrived && r.Status == moves.StatusCompleted
		left = left && (r.Status == moves.StatusInTransit || r.Status == moves.StatusCompleted)
	}
	switch {
	case arrived:
		return &views.CardTag{Text: "Arrived", Class: "govuk-tag--green"}
	case left:
		return &views.CardTag{Text: "Left custody", Class: "govuk-tag--green"}
	}
	return nil
}

// listWeekParam reads the week a list is for: the Monday. A date that is not
// one is a page that does not exist; another day of the week is sent to
// its Monday (monday "" and no error: the redirect is written), as is a
// user who must choose a location first.
func listWeekParam(c echo.Context, dir ListDir, csv bool) (string, error) {
	date, err := moves.ParseDate(c.Param("date"))
	if err != nil {
		return "", moves.Errorf(moves.NotFound, "no such date")
	}
	if listNeedsLocation(serve.CurrentUser(c)) {
		return "", chooseLocationFirst(c)
	}
	if m := weekStart(date); m != date {
		to := listHref(dir, m, true, c.QueryParam("status"), false)
		if csv {
			to = "/moves/" + string(dir) + "/week/" + m + "/download.csv?status=" + url.QueryEscape(c.QueryParam("status"))
		}
		return "", c.Redirect(http.StatusFound, to)
	}
	return date, nil
}

// MovesWeek shows a week's outgoing or incoming moves, Monday to Sunday,
// grouped by day, with the status filter counting the whole week.
func (h *Handlers) MovesWeek(dir ListDir) echo.HandlerFunc {
	return func(c echo.Context) error {
		monday, err := listWeekParam(c, dir, false)
		if err != nil || monday == "" {
			return err
		}
		addVary(c, "HX-Request")
		status := c.QueryParam("status")
		jump, errs, done, err := h.listJump(c, func(to string) string { return listHref(dir, weekStart(to), true, status, false) })
		if done || err != nil {
			return err
		}
		sunday := moves.AddDays(monday, 6)
		d, err := h.loadList(c, dir, monday, sunday, status, listCardLimit)
		if err != nil {
			return err
		}
		return h.renderList(c, d, jump, errs, h.weekPage)
	}
}

// weekPage builds the page around a week's results.
func (h *Handlers) weekPage(c echo.Context, d listDayData, res views.MovesResults) views.MovesDay {
	u := serve.CurrentUser(c)
	heading := "Outgoing moves"
	if d.Dir == ListIncoming {
		heading = "Incoming moves"
	}
	loc := listLocationName(u)
	this := weekStart(h.Today())
	label := weekLabel(d.Date)
	switch d.Date {
	case this:
		label += " (this week)"
	case moves.AddDays(this, 7):
		label += " (next week)"
	case moves.AddDays(this, -7):
		label += " (last week)"
	}
	prev, next := moves.AddDays(d.Date, -7), moves.AddDays(d.Date, 7)
	status := d.Group.Key
	m := views.MovesDay{
		Page:      h.page(c, fmt.Sprintf("%s: %s, %s", heading, loc, label)),
		Heading:   heading,
		Location:  loc,
		DateLabel: label,
		Results:   res,
		Nav: views.DayNav{
			Label:         "Weeks",
			Previous:      views.Link{Text: "Previous week", Href: listHref(d.Dir, prev, true, status, false)},
			PreviousLabel: weekLabel(prev),
			Today:         views.Link{Text: "This week", Href: listHref(d.Dir, this, true, status, false)},
			IsToday:       d.Date == this,
			Next:          views.Link{Text: "Next week", Href: listHref(d.Dir, next, true, status, false)},
			NextLabel:     weekLabel(next),
		},
		Jump: views.DateJump{Action: "/moves/" + string(d.Dir) + "/week/" + d.Date, Status: status},
	}
	day := h.Today()
	if day < d.Date || day > d.Last {
		day = d.Date
	}
	m.Switches = []views.ListSwitch{{ID: "period-switch", Text: "Switch to day view", Href: listHref(d.Dir, day, false, status, false)}}
	return m
}

// MovesWeekCSV downloads a week's list, with the same filter, as CSV.
func (h *Handlers) MovesWeekCSV(dir ListDir) echo.HandlerFunc {
	return func(c echo.Context) error {
		monday, err := listWeekParam(c, dir, true)
		if err != nil || monday == "" {
			return err
		}
		d, err := h.loadList(c, dir, monday, moves.AddDays(monday, 6), c.QueryParam("status"), 0)
		if err != nil {
			return err
		}
		return listCSV(c, d, fmt.Sprintf("Moves in the week of %s (%s).csv", monday, dir))
	}
}
