package handlers

import (
	"fmt"
	"github.com/securemove/securemove/handlers/serve"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// The allocations list: a week at a time (the Monday in the URL), a
// filter by status with counts, a sortable table 20 rows a page, a CSV of
// the whole filtered week. PMU sees every allocation (or those from or to
// the location they chose), oca those from their prisons, a supplier's
// staff those their supplier carries.

const allocPageSize = 20

// weekStart is the Monday of date's week (date itself when not a date).
func weekStart(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
}

func addDays(date string, n int) string {
	t, _ := time.Parse(time.DateOnly, date)
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// allocScope limits a filter to what the user may see.
func allocScope(u *serve.Principal) store.AllocationFilter {
	var f store.AllocationFilter
	switch u.Role {
	case "pmu":
		switch {
		case u.Current != nil:
			f.EitherIDs = []string{u.Current.ID}
		case u.Region != nil:
			f.EitherIDs = append([]string{"-"}, u.RegionLocationIDs...)
		}
	case "oca":
		if u.Current != nil {
			f.FromIDs = []string{u.Current.ID}
		} else {
			f.FromIDs = append([]string{}, u.LocationIDs...)
			if len(f.FromIDs) == 0 {
				f.FromIDs = []string{"-"} // none: nothing to see
			}
		}
	case "supplier":
		f.SupplierID = u.SupplierID
		if f.SupplierID == "" {
			f.SupplierID = "-"
		}
	}
	return f
}

// Allocations sends to this week's list.
func (h *Handlers) Allocations(c echo.Context) error {
	return serve.Redirect(c, "/allocations/"+weekStart(h.Today()))
}

// allocListQuery is the list's state in its URL.
type allocListQuery struct {
	week   string
	status moves.AllocationStatus
	sort   string
	desc   bool
	page   int
}

func (q allocListQuery) href(change func(*allocListQuery)) string {
	if change != nil {
		change(&q)
	}
	v := url.Values{}
	v.Set("status", string(q.status))
	if q.sort != "" {
		v.Set("sort", q.sort)
	}
	if q.desc {
		v.Set("dir", "desc")
	}
	if q.page > 1 {
		v.Set("page", strconv.Itoa(q.page))
	}
	return "/allocations/" + q.week + "?" + v.Encode()
}

func (h *Handlers) allocListQuery(c echo.Context) (allocListQuery, error) {
	d, err := moves.ParseDate(c.Param("date"))
	if err != nil {
		return allocListQuery{}, moves.Errorf(moves.NotFound, "no such week")
	}
	q := allocListQuery{week: weekStart(d), status: moves.AllocationStatus(c.QueryParam("status")), sort: c.QueryParam("sort"),
		desc: c.QueryParam("dir") == "desc"}
	if !q.status.Valid() {
		q.status = moves.AllocationUnfilled
	}
	switch q.sort {
	case "date", "moves_count", "from_location", "to_location", "status":
	default:
		q.sort = ""
	}
	q.page, _ = strconv.Atoi(c.QueryParam("page"))
	q.page = max(1, q.page)
	return q, nil
}

func (q allocListQuery) filter(u *serve.Principal) store.AllocationFilter {
	f := allocScope(u)
	f.DateFrom, f.DateTo = q.week, addDays(q.week, 6)
	f.Status, f.Sort, f.Desc = q.status, q.sort, q.desc
	if q.sort == "moves_count" {
		f.Sort = "size" // the size the list shows (a cancelled one's every place)
	}
	return f
}

// AllocationTag is the progress tag of an allocation: its text and class.
func AllocationTag(a moves.Allocation) (string, string) {
	switch a.Status() {
	case moves.AllocationFilled:
		return "Filled", "govuk-tag--green"
	case moves.AllocationCancelled:
		return "Cancelled", "govuk-tag--grey"
	}
	if a.Filled == 0 {
		return "None added", "govuk-tag--red"
	}
	return fmt.Sprintf("%d remaining", a.Unfilled()), "govuk-tag--yellow"
}

var allocStatusTabs = map[moves.AllocationStatus]string{
	moves.AllocationUnfilled: "unfilled", moves.AllocationFilled: "filled", moves.AllocationCancelled: "cancelled",
}

// AllocationList shows a week's allocations.
func (h *Handlers) AllocationList(c echo.Context) error {
	q, err := h.allocListQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := serve.CurrentUser(c)
	f := q.filter(u)
	f.Limit, f.Offset = allocPageSize, (q.page-1)*allocPageSize
	rows, total, err := h.Store.ListAllocations(ctx, f)
	if err != nil {
		return err
	}
	counts, err := h.Store.CountAllocationsByStatus(ctx, f)
	if err != nil {
		return err
	}
	end := addDays(q.week, 6)
	period := views.ShortDate(q.week) + " to " + views.ShortDate(end)
	if today := h.Today(); weekStart(today) == q.week {
		period += " (this week)"
	}
	m := views.AllocationList{Page: h.page(c, "Allocations for "+period), Heading: "Allocations for", Period: period,
		ShowFrom: u.Role != "oca", CSVHref: "/allocations/" + q.week + "/download.csv?" + url.Values{"status": {string(q.status)}}.Encode()}
	m.Page.Wide = true
	if u.Role == "pmu" {
		m.CreateHref = "/allocation/new"
	}
	m.PeriodNav = []views.Link{
		{Text: "Previous week", Href: q.href(func(q *allocListQuery) { q.week, q.page = addDays(q.week, -7), 1 })},
		{Text: "This week", Href: q.href(func(q *allocListQuery) { q.week, q.page = weekStart(h.Today()), 1 })},
		{Text: "Next week", Href: q.href(func(q *allocListQuery) { q.week, q.page = addDays(q.week, 7), 1 })},
	}
	for _, st := range moves.AllocationStatuses {
		m.Filters = append(m.Filters, views.AllocFilterTab{Text: allocStatusTabs[st], Count: counts[st], Current: st == q.status,
			Href: q.href(func(q *allocListQuery) { q.status, q.page = st, 1 })})
	}
	cols := []struct{ key, text string }{{"moves_count", "Move size"}, {"status", "Progress"}, {"from_location", "Move from"}, {"to_location", "Move to"}, {"date", "Date of travel"}}
	for _, col := range cols {
		if col.key == "from_location" && !m.ShowFrom {
			continue
		}
		th := views.AllocTableHead{Text: col.text, AriaSort: "none"}
		current := q.sort == col.key || (q.sort == "" && col.key == "date")
		desc := false
		if current {
			th.AriaSort = "ascending"
			if q.desc {
				th.AriaSort = "descending"
			}
			desc = !q.desc
		}
		dir := "ascending"
		if desc {
			dir = "descending"
		}
		th.Label = "Sort " + col.text + " " + dir
		th.Href = q.href(func(q *allocListQuery) { q.sort, q.desc, q.page = col.key, desc, 1 })
		m.Head = append(m.Head, th)
	}
	for _, r := range rows {
		tag, class := AllocationTag(r.Allocation)
		m.Rows = append(m.Rows, views.AllocListRow{Size: peopleCount(r.Total), Href: allocHref(r.ID), Tag: tag, TagClass: class,
			From: r.From, To: r.To, Date: views.ShortDate(r.Date)})
	}
	m.Empty = "No " + allocStatusTabs[q.status] + " allocations"
	pages := max(1, (total+allocPageSize-1)/allocPageSize)
	if pages > 1 {
		m.PageLabel = fmt.Sprintf("Page %d of %d", q.page, pages)
	}
	if q.page > 1 {
		m.Prev = &views.Link{Text: "Previous page", Href: q.href(func(q *allocListQuery) { q.page-- })}
	}
	if q.page < pages {
		m.Next = &views.Link{Text: "Next page", Href: q.href(func(q *allocListQuery) { q.page++ })}
	}
	return serve.Render(c, http.StatusOK, views.AllocationListPage(m))
}

// AllocationListCSV downloads the week's allocations of the chosen status.
func (h *Handlers) AllocationListCSV(c echo.Context) error {
	q, err := h.allocListQuery(c)
	if err != nil {
		return err
	}
	f := q.filter(serve.CurrentUser(c))
	f.Limit = 10000
	rows, _, err := h.Store.ListAllocations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		tag, _ := AllocationTag(r.Allocation)
		out = append(out, []string{r.ID, strconv.Itoa(r.Total), strconv.Itoa(r.Filled), tag, r.From, r.To, r.Date,
			moves.Label(moves.EstateLabels, r.Criteria.Estate), r.RequestedBy})
	}
	return writeCSV(c, "allocations-"+q.week+".csv",
		[]string{"Allocation", "People", "Added", "Progress", "Move from", "Move to", "Date", "Estate", "Requested by"}, out)
}

// homeAllocations counts this week's allocations the user may see by
// status, each linking into the list.
func (h *Handlers) homeAllocations(c echo.Context, u *serve.Principal) (views.HomeSection, error) {
	mon := weekStart(h.Today())
	f := allocScope(u)
	f.DateFrom, f.DateTo = mon, addDays(mon, 6)
	counts, err := h.Store.CountAllocationsByStatus(c.Request().Context(), f)
	if err != nil {
		return views.HomeSection{}, err
	}
	list := views.HomeCountList{Caption: "Allocations for this week, " + listDateRange(mon, addDays(mon, 6))}
	for _, st := range moves.AllocationStatuses {
		list.Counts = append(list.Counts, views.CountLink{Count: counts[st], Label: allocStatusTabs[st],
			Href: "/allocations/" + mon + "?status=" + string(st)})
	}
	return views.HomeSection{Heading: "Allocations", ID: "home-allocations", Lists: []views.HomeCountList{list}}, nil
}
