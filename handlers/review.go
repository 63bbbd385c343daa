package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// reviewPageSize is how many requests one page of the table shows.
const reviewPageSize = 20

// reviewCSVLimit bounds a download of requests.
const reviewCSVLimit = 20000

// reviewLabels name the review statuses.
var reviewLabels = map[string]string{
	store.ReviewPending:   "Pending review",
	store.ReviewApproved:  "Approved",
	store.ReviewRejected:  "Rejected",
	store.ReviewCancelled: "Cancelled",
}

// reviewColumns are the table's columns, each sortable: the sort key in
// the query string and the heading.
var reviewColumns = []struct{ Key, Label string }{
	{"name", "Name"},
	{"reference", "Reference"},
	{"sent", "Sent on"},
	{"from", "Move from"},
	{"to", "Move to"},
	{"earliest", "Earliest date"},
	{"latest", "Latest date"},
}

// reviewQuery is the requests table's state, all of it in the query
// string: status, sort, page and filters (dates as the user typed them).
type reviewQuery struct {
	Status       string
	Sort         string
	Desc         bool
	Page         int
	From         string
	Region       string
	EarliestFrom string
	EarliestTo   string
	SentFrom     string
	SentTo       string
	Age          string // a moves.AgeGroup key
}

// values encodes q, leaving out defaults, so that links are short and
// every state has one address.
func (q reviewQuery) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("status", q.Status)
	if q.Sort != "" && q.Sort != "earliest" || q.Desc {
		v.Set("sort", q.Sort)
		if q.Sort == "" {
			v.Set("sort", "earliest")
		}
		v.Set("direction", map[bool]string{false: "ascending", true: "descending"}[q.Desc])
	}
	set("from", q.From)
	set("region", q.Region)
	set("earliest_from", q.EarliestFrom)
	set("earliest_to", q.EarliestTo)
	set("sent_from", q.SentFrom)
	set("sent_to", q.SentTo)
	set("age", q.Age)
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

func (q reviewQuery) url(path string) string {
	if enc := q.values().Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}

func (q reviewQuery) filtered() bool {
	return q.From != "" || q.Region != "" || q.EarliestFrom != "" || q.EarliestTo != "" || q.SentFrom != "" || q.SentTo != "" || q.Age != ""
}

// parseReviewQuery reads the table's state and turns it into a store
// filter. Dates that cannot be read are reported for the error summary
// and left out of the filter.
func (h *Handlers) parseReviewQuery(c echo.Context) (reviewQuery, store.ReviewFilter, views.Errors) {
	q := reviewQuery{
		Status:       c.QueryParam("status"),
		Sort:         c.QueryParam("sort"),
		Desc:         c.QueryParam("direction") == "descending",
		From:         strings.TrimSpace(c.QueryParam("from")),
		Region:       strings.TrimSpace(c.QueryParam("region")),
		EarliestFrom: strings.TrimSpace(c.QueryParam("earliest_from")),
		EarliestTo:   strings.TrimSpace(c.QueryParam("earliest_to")),
		SentFrom:     strings.TrimSpace(c.QueryParam("sent_from")),
		SentTo:       strings.TrimSpace(c.QueryParam("sent_to")),
		Age:          strings.TrimSpace(c.QueryParam("age")),
	}
	if _, ok := reviewLabels[q.Status]; !ok {
		q.Status = store.ReviewPending
	}
	known := false
	for _, col := range reviewColumns {
		known = known || col.Key == q.Sort
	}
	if !known {
		q.Sort = "earliest"
	}
	q.Page, _ = strconv.Atoi(c.QueryParam("page"))
	if q.Page < 1 {
		q.Page = 1
	}
	f := store.ReviewFilter{Status: q.Status, Sort: q.Sort, Desc: q.Desc, RegionID: q.Region}
	if q.From != "" {
		f.FromIDs = []string{q.From}
	}
	var errs views.Errors
	today := h.Now().In(serve.London)
	date := func(id, value, what string) string {
		if value == "" {
			return ""
		}
		d, err := moves.ParseHumanDate(value, today)
		if err != nil {
			errs = append(errs, views.FieldError{ID: id, Message: what + " must be a real date, such as 22/11/2026 or 22 November 2026"})
			return ""
		}
		return d
	}
	f.EarliestFrom = date("earliest_from", q.EarliestFrom, "Earliest date from")
	f.EarliestTo = date("earliest_to", q.EarliestTo, "Earliest date to")
	if f.EarliestFrom != "" && f.EarliestTo != "" && f.EarliestTo < f.EarliestFrom {
		errs = append(errs, views.FieldError{ID: "earliest_to", Message: "Earliest date to must be the same as or after earliest date from"})
		f.EarliestTo = ""
	}
	sentFrom := date("sent_from", q.SentFrom, "Sent from")
	sentTo := date("sent_to", q.SentTo, "Sent to")
	if sentFrom != "" && sentTo != "" && sentTo < sentFrom {
		errs = append(errs, views.FieldError{ID: "sent_to", Message: "Sent to must be the same as or after sent from"})
		sentTo = ""
	}
	if sentFrom != "" {
		f.SentFrom = listDayStart(sentFrom)
	}
	if sentTo != "" {
		f.SentTo = listDayStart(sentTo).AddDate(0, 0, 1)
	}
	if q.Age != "" {
		if g, ok := moves.AgeGroupFor(q.Age); ok {
			f.BornFrom, f.BornTo = g.BornBetween(h.Today())
		} else {
			errs = append(errs, views.FieldError{ID: "age", Message: "Select an age from the list"})
		}
	}
	return q, f, errs
}

// ReviewRequests is PMU's table of requests to review: proposed prison
// transfers and what became of them, with a status filter and counts,
// sortable columns, pages of 20, filters by location, region and dates,
// and a CSV download.
func (h *Handlers) ReviewRequests(c echo.Context) error {
	if u := serve.CurrentUser(c); u == nil || u.Role != moves.RolePMU {
		return moves.Errorf(moves.Forbidden, "only PMU reviews requests")
	}
	ctx := c.Request().Context()
	q, f, errs := h.parseReviewQuery(c)
	if err := h.checkReviewChoices(c, &f, &errs); err != nil {
		return err
	}
	all := f
	all.Status = "" // every status's count, for the tabs
	counts, err := h.Store.CountReviewRequests(ctx, all)
	if err != nil {
		return err
	}
	total := counts[q.Status]
	pages := max(1, (total+reviewPageSize-1)/reviewPageSize)
	if q.Page > pages {
		q.Page = pages
	}
	f.Limit, f.Offset = reviewPageSize, (q.Page-1)*reviewPageSize
	rows, err := h.Store.ReviewPage(ctx, f)
	if err != nil {
		return err
	}
	m := views.Review{
		Page:   h.page(c, "Requests to review: "+reviewLabels[q.Status]),
		Errors: errs,
		Status: reviewLabels[q.Status],
		Total:  total,
		CSVHref: func() string {
			cq := q
			cq.Page = 0
			return cq.url("/moves/review/download.csv")
		}(),
		FiltersOpen: q.filtered() || len(errs) > 0,
		ClearHref:   reviewQuery{Status: q.Status, Sort: q.Sort, Desc: q.Desc}.url("/moves/review"),
	}
	m.Page.HasErrors = len(errs) > 0
	for _, st := range store.ReviewStatuses {
		sq := q
		sq.Status, sq.Page = st, 0
		m.Tabs = append(m.Tabs, views.ListFilter{Key: st, Label: reviewLabels[st], Count: counts[st], Href: sq.url("/moves/review"), Current: st == q.Status})
	}
	for _, col := range reviewColumns {
		sq := q
		sq.Page = 0
		hd := views.ReviewHeader{Key: col.Key, Label: col.Label, Sort: "none"}
		if q.Sort == col.Key {
			hd.Sort = map[bool]string{false: "ascending", true: "descending"}[q.Desc]
			sq.Desc = !q.Desc
		} else {
			sq.Sort, sq.Desc = col.Key, false
		}
		hd.Href = sq.url("/moves/review")
		m.Headers = append(m.Headers, hd)
	}
	for _, r := range rows {
		m.Rows = append(m.Rows, views.ReviewRow{
			ID:        r.ID,
			Href:      "/move/" + r.ID,
			Name:      listPersonName(r.Person),
			Reference: r.Reference,
			SentOn:    r.CreatedAt.In(serve.London).Format("2 January 2006"),
			From:      r.From,
			To:        serve.Or(r.To, "Not given"),
			Earliest:  serve.Or(views.ShortDate(r.DateFrom), "Not given"),
			Latest:    serve.Or(views.ShortDate(r.DateTo), "Not given"),
		})
	}
	if total == 0 {
		m.Empty = "No requests to review"
		if q.Status != store.ReviewPending {
			m.Empty = "No " + strings.ToLower(reviewLabels[q.Status]) + " requests"
		}
	} else {
		first := (q.Page-1)*reviewPageSize + 1
		m.Showing = fmt.Sprintf("Showing %d to %d of %d %s", first, first+len(rows)-1, total, map[bool]string{true: "request", false: "requests"}[total == 1])
	}
	m.Pagination = reviewPagination(q, pages)
	if err := h.reviewFilterForm(c, q, &m); err != nil {
		return err
	}
	code := http.StatusOK
	if len(errs) > 0 {
		code = http.StatusUnprocessableEntity
	}
	return serve.Render(c, code, views.ReviewPage(m))
}

// reviewPagination is the numbered page links: the first and last pages,
// the current one and its neighbours, with gaps between.
func reviewPagination(q reviewQuery, pages int) *views.ReviewPagination {
	return pageLinks(q.Page, pages, func(n int) string {
		pq := q
		pq.Page = n
		return pq.url("/moves/review")
	})
}

// pageLinks is a table's page links (of pages, page being shown; at is
// the address of page n): previous and next, the first and last pages,
// the current one and its neighbours, with gaps between. Nil for one
// page.
func pageLinks(page, pages int, at func(n int) string) *views.ReviewPagination {
	if pages <= 1 {
		return nil
	}
	p := &views.ReviewPagination{}
	if page > 1 {
		p.Previous = at(page - 1)
	}
	if page < pages {
		p.Next = at(page + 1)
	}
	gap := false
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= page-1 && n <= page+1) {
			p.Items = append(p.Items, views.ReviewPageLink{Number: n, Href: at(n), Current: n == page})
			gap = false
		} else if !gap {
			p.Items = append(p.Items, views.ReviewPageLink{Ellipsis: true})
			gap = true
		}
	}
	return p
}

// checkReviewChoices reports a location or region filter that is not one
// of the form's choices (only a hand-made address has one), and leaves it
// out of the filter, as parseReviewQuery does with dates. Its errors come
// first, as its fields do on the page.
func (h *Handlers) checkReviewChoices(c echo.Context, f *store.ReviewFilter, errs *views.Errors) error {
	ctx := c.Request().Context()
	var choices views.Errors
	defer func() { *errs = append(choices, *errs...) }()
	if len(f.FromIDs) > 0 {
		l, err := h.Store.Location(ctx, f.FromIDs[0])
		if err != nil && moves.ErrorCode(err) != moves.NotFound {
			return err
		}
		if err != nil || !l.Type.Detained() {
			choices = append(choices, views.FieldError{ID: "from", Message: "Select a location from the list"})
			f.FromIDs = nil
		}
	}
	if f.RegionID != "" {
		regions, err := h.Store.Regions(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(regions, func(r moves.Region) bool { return r.ID == f.RegionID }) {
			choices = append(choices, views.FieldError{ID: "region", Message: "Select a region from the list"})
			f.RegionID = ""
		}
	}
	return nil
}

const reviewEarliestHeading = "Earliest date"

// reviewFilterForm fills in the filter form: the detained locations
// requests come from, the regions, and what was typed.
func (h *Handlers) reviewFilterForm(c echo.Context, q reviewQuery, m *views.Review) error {
	ctx := c.Request().Context()
	locs, err := h.Store.Locations(ctx, store.LocationFilter{Types: []moves.LocationType{moves.LocPrison, moves.LocYOI, moves.LocSCH, moves.LocSTC},
		IncludeDisabled: true})
	if err != nil {
		return err
	}
	regions, err := h.Store.Regions(ctx)
	if err != nil {
		return err
	}
	ff := views.ReviewFilters{Status: q.Status, Sort: q.Sort, Direction: map[bool]string{false: "ascending", true: "descending"}[q.Desc],
		From: q.From, Region: q.Region, EarliestFrom: q.EarliestFrom, EarliestTo: q.EarliestTo, SentFrom: q.SentFrom, SentTo: q.SentTo, Age: q.Age}
	// Each filter in force is a tag whose link is the same page without
	// it (MOJ "selected filters"): a plain link, so it works without
	// JavaScript.
	applied := func(heading, label string, without func(*reviewQuery)) {
		rq := q
		rq.Page = 0
		without(&rq)
		m.Applied = append(m.Applied, views.ReviewApplied{Heading: heading, Label: label, RemoveHref: rq.url("/moves/review")})
	}
	ff.Locations = append(ff.Locations, views.ReviewOption{Value: "", Text: "Any location"})
	for _, l := range locs {
		ff.Locations = append(ff.Locations, views.ReviewOption{Value: l.ID, Text: l.Title})
		if l.ID == q.From {
			applied("Move from", l.Title, func(rq *reviewQuery) { rq.From = "" })
		}
	}
	ff.Regions = append(ff.Regions, views.ReviewOption{Value: "", Text: "Any region"})
	for _, r := range regions {
		ff.Regions = append(ff.Regions, views.ReviewOption{Value: r.ID, Text: r.Name})
		if r.ID == q.Region {
			applied("Region", r.Name, func(rq *reviewQuery) { rq.Region = "" })
		}
	}
	ff.Ages = append(ff.Ages, views.ReviewOption{Value: "", Text: "No filter applied"})
	for _, g := range moves.AgeGroups {
		ff.Ages = append(ff.Ages, views.ReviewOption{Value: g.Key, Text: g.Label})
		if g.Key == q.Age {
			applied("Age", g.Label, func(rq *reviewQuery) { rq.Age = "" })
		}
	}
	between := func(what, from, to string) {
		t := h.Now().In(serve.London)
		a, errA := moves.ParseHumanDate(from, t)
		b, errB := moves.ParseHumanDate(to, t)
		label := ""
		switch {
		case from != "" && errA == nil && to != "" && errB == nil:
			label = "From " + views.ShortDate(a) + " to " + views.ShortDate(b)
		case from != "" && errA == nil:
			label = "On or after " + views.ShortDate(a)
		case to != "" && errB == nil:
			label = "On or before " + views.ShortDate(b)
		default:
			return
		}
		applied(what, label, func(rq *reviewQuery) {
			if what == reviewEarliestHeading {
				rq.EarliestFrom, rq.EarliestTo = "", ""
			} else {
				rq.SentFrom, rq.SentTo = "", ""
			}
		})
	}
	between(reviewEarliestHeading, q.EarliestFrom, q.EarliestTo)
	between("Date sent", q.SentFrom, q.SentTo)
	m.Filters = ff
	return nil
}

// ReviewRequestsCSV downloads the requests to review, with the table's
// status, filters and sort, every page at once.
func (h *Handlers) ReviewRequestsCSV(c echo.Context) error {
	if u := serve.CurrentUser(c); u == nil || u.Role != moves.RolePMU {
		return moves.Errorf(moves.Forbidden, "only PMU reviews requests")
	}
	q, f, errs := h.parseReviewQuery(c)
	if err := h.checkReviewChoices(c, &f, &errs); err != nil {
		return err
	}
	if len(errs) > 0 {
		// Not a download of something other than what was asked for:
		// the table, with what is wrong with the filters.
		return h.ReviewRequests(c)
	}
	f.Limit = reviewCSVLimit
	rows, err := h.Store.ReviewPage(c.Request().Context(), f)
	if err != nil {
		return err
	}
	header := []string{"Reference", "Review status", "Move status", "Last name", "First names", "Date of birth", "PNC number", "Prison number",
		"Sent on", "Move from", "Move to", "Earliest date", "Latest date", "Move date", "Rejection or cancellation reason"}
	var out [][]string
	for _, r := range rows {
		reason := ""
		if r.Cancellation.Reason == "rejected" {
			reason = "Rejected: " + moves.Label(moves.RejectionReasonLabels, r.Cancellation.RejectionReason)
		} else if r.Cancellation.Reason != "" {
			reason = moves.Label(moves.CancellationReasonLabels, r.Cancellation.Reason)
		}
		out = append(out, []string{r.Reference, reviewLabels[reviewStatusOf(r.Move)], r.Status.Label(), r.Person.LastName, r.Person.FirstNames,
			r.Person.DateOfBirth, r.Person.PNC, r.Person.PrisonNumber, r.CreatedAt.In(serve.London).Format("2006-01-02 15:04"),
			r.From, r.To, r.DateFrom, r.DateTo, r.Date, reason})
	}
	return writeCSV(c, fmt.Sprintf("Requests to review, %s (%s).csv", strings.ToLower(reviewLabels[q.Status]), h.Today()), header, out)
}

// reviewStatusOf is what became of a proposed move.
func reviewStatusOf(m moves.Move) string {
	switch {
	case m.Status == moves.StatusProposed:
		return store.ReviewPending
	case m.Status == moves.StatusCancelled && m.Cancellation.Reason == "rejected":
		return store.ReviewRejected
	case m.Status == moves.StatusCancelled:
		return store.ReviewCancelled
	}
	return store.ReviewApproved
}
