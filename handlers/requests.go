package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Single requests: police and prison staff's own requests for PMU to
// review, and what became of them (upstream's "Single requests" list,
// which its requesters use to follow what they sent). The tabs are PMU's
// review statuses (store.ReviewStatuses) with the same meaning, for the
// requests sent from the current location only: moves that started as a
// proposal (a prison transfer, or a request proposed again or sent
// again), pending review, approved, rejected or cancelled. A move
// requested directly (a court appearance, an allocation's place) is on
// none of them, even when PMU rejected it: the day lists show it. A
// proposed move has no date until PMU approves it, and one rejected or
// cancelled while proposed never gets one, so the day lists cannot show
// them; this list is where the sending location finds them, and sends
// again those PMU asked more information for.

// sentRequestsPath is the list's address.
const sentRequestsPath = "/moves/requested"

// sentRequestTab is one tab of the list: its key in the query string (a
// store review status), its label (upstream's), the columns its table
// has, and its order.
type sentRequestTab struct {
	Key   string
	Label string
	// Empty is what the tab says when it has nothing.
	Empty string
	View  views.SentRequestsTab
	// Sort is the store.ReviewFilter sort: the soonest earliest date of
	// travel first while pending, the newest request first once PMU or
	// someone else has dealt with it.
	Sort string
	Desc bool
}

// sentRequestTabs are the list's tabs, in the order shown; the first is
// the default.
var sentRequestTabs = []sentRequestTab{
	{Key: store.ReviewPending, Label: reviewLabels[store.ReviewPending], Empty: "No single requests pending review",
		View: views.SentPending, Sort: "earliest"},
	{Key: store.ReviewApproved, Label: reviewLabels[store.ReviewApproved], Empty: "No approved single requests",
		View: views.SentApproved, Sort: "sent", Desc: true},
	{Key: store.ReviewRejected, Label: reviewLabels[store.ReviewRejected], Empty: "No rejected single requests",
		View: views.SentRejected, Sort: "sent", Desc: true},
	{Key: store.ReviewCancelled, Label: reviewLabels[store.ReviewCancelled], Empty: "No cancelled single requests",
		View: views.SentCancelled, Sort: "sent", Desc: true},
}

// sentRequestTabFor is the tab named key, or the default one.
func sentRequestTabFor(key string) sentRequestTab {
	for _, t := range sentRequestTabs {
		if t.Key == key {
			return t
		}
	}
	return sentRequestTabs[0]
}

// sentRequestsHref is the address of a tab's page.
func sentRequestsHref(tab string, page int) string {
	v := url.Values{"status": {tab}}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return sentRequestsPath + "?" + v.Encode()
}

// mayListSentRequests reports whether u's role sends requests from a
// location of theirs, which this list is for: police and prison staff.
// PMU review every request at /moves/review.
func mayListSentRequests(u *serve.Principal) bool {
	return u != nil && (u.Role == moves.RolePolice || u.Role == moves.RolePrison)
}

// sentRequestsFilter is the requests sent from the user's current
// location (all their locations when they have none chosen; nothing when
// they hold none): PMU's review query, narrowed to where they were sent
// from. With no tab's key, every status (for the counts).
func sentRequestsFilter(u *serve.Principal, tab sentRequestTab) store.ReviewFilter {
	f := store.ReviewFilter{Status: tab.Key, Sort: tab.Sort, Desc: tab.Desc}
	switch {
	case u.Current != nil:
		f.FromIDs = []string{u.Current.ID}
	case len(u.Locations) > 0:
		for _, l := range u.Locations {
			f.FromIDs = append(f.FromIDs, l.ID)
		}
	default:
		f.FromIDs = []string{"-"}
	}
	return f
}

// countSentRequests counts u's requests in each tab, by tab key, in one
// query.
func (h *Handlers) countSentRequests(c echo.Context, u *serve.Principal) (map[string]int, error) {
	return h.Store.CountReviewRequests(c.Request().Context(), sentRequestsFilter(u, sentRequestTab{}))
}

// SentRequests lists the single requests sent from the current location
// in four tabs, as PMU's review does: pending review (soonest earliest
// date first), approved (with the date of travel), rejected (with the
// reason, what PMU added, and what became of them or a link to send them
// again) and cancelled (with the reason), the last three newest first,
// in pages of 20.
func (h *Handlers) SentRequests(c echo.Context) error {
	u := serve.CurrentUser(c)
	if !mayListSentRequests(u) {
		return moves.Errorf(moves.Forbidden, "only police and prison staff list the requests they sent")
	}
	if listNeedsLocation(u) {
		return chooseLocationFirst(c)
	}
	ctx := c.Request().Context()
	tab := sentRequestTabFor(c.QueryParam("status"))
	counts, err := h.countSentRequests(c, u)
	if err != nil {
		return err
	}
	total := counts[tab.Key]
	pages := max(1, (total+reviewPageSize-1)/reviewPageSize)
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = min(max(page, 1), pages)
	loc := listLocationName(u)
	m := views.SentRequests{
		Page:     h.page(c, "Single requests from "+loc+": "+tab.Label),
		Location: loc,
		Status:   tab.Label,
		Tab:      tab.View,
	}
	for _, t := range sentRequestTabs {
		m.Tabs = append(m.Tabs, views.ListFilter{Key: t.Key, Label: t.Label, Count: counts[t.Key], Href: sentRequestsHref(t.Key, 0),
			Current: t.Key == tab.Key})
	}
	if total == 0 {
		m.Empty = tab.Empty
		return serve.Render(c, http.StatusOK, views.SentRequestsPage(m))
	}
	f := sentRequestsFilter(u, tab)
	f.Limit, f.Offset = reviewPageSize, (page-1)*reviewPageSize
	rows, err := h.Store.ReviewPage(ctx, f)
	if err != nil {
		return err
	}
	var next map[string]moves.Move
	if tab.View == views.SentRejected {
		if next, err = h.sentAgain(c, rows); err != nil {
			return err
		}
	}
	for _, r := range rows {
		row := views.SentRequestRow{
			Href:      "/move/" + r.ID,
			Name:      listPersonName(r.Person),
			Reference: r.Reference,
			SentOn:    r.CreatedAt.In(serve.London).Format("2 January 2006"),
			To:        serve.Or(r.To, "Not given"),
			Earliest:  serve.Or(views.ShortDate(r.DateFrom), "Not given"),
			Latest:    serve.Or(views.ShortDate(r.DateTo), "Not given"),
		}
		switch tab.View {
		case views.SentApproved:
			row.Date = serve.Or(views.ShortDate(r.Date), "Not given")
		case views.SentRejected:
			row.Dates = sentRequestDates(r.Move)
			row.Reason = moves.Label(moves.RejectionReasonLabels, r.Cancellation.RejectionReason)
			row.Comment = r.Cancellation.Comment
			from, err := h.Store.Location(ctx, r.FromID) // from memory
			if err != nil {
				return err
			}
			row.Next = sentRequestNext(u, r.Move, from, next)
		case views.SentCancelled:
			row.Reason = moves.Label(moves.CancellationReasonLabels, r.Cancellation.Reason)
			row.Comment = r.Cancellation.Comment
		}
		m.Rows = append(m.Rows, row)
	}
	first := (page-1)*reviewPageSize + 1
	m.Showing = fmt.Sprintf("Showing %d to %d of %d %s", first, first+len(rows)-1, total, map[bool]string{true: "request", false: "requests"}[total == 1])
	m.Pagination = pageLinks(page, pages, func(n int) string { return sentRequestsHref(tab.Key, n) })
	return serve.Render(c, http.StatusOK, views.SentRequestsPage(m))
}

// sentAgain reads, in one query, the moves proposed again after the
// rejected requests of rows (rebooked by PMU, or sent again with more
// information), by the rejected move's id.
func (h *Handlers) sentAgain(c echo.Context, rows []store.ListRow) (map[string]moves.Move, error) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	again, _, err := h.Store.ListMoves(c.Request().Context(), store.MoveFilter{OriginalIDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	out := make(map[string]moves.Move, len(again))
	for _, a := range again {
		out[a.OriginalID] = a.Move
	}
	return out, nil
}

// sentRequestDates is the dates a rejected request asked for: its
// window, or the date of a move that was requested with one.
func sentRequestDates(m moves.Move) string {
	switch {
	case m.DateFrom != "" && m.DateTo != "":
		return views.ShortDate(m.DateFrom) + " to " + views.ShortDate(m.DateTo)
	case m.DateFrom != "":
		return "From " + views.ShortDate(m.DateFrom)
	case m.Date != "":
		return views.ShortDate(m.Date)
	}
	return "Not given"
}

// sentRequestNext is what became of a rejected request, as its page's
// banner says it: proposed again (a link to the new request), to be
// proposed again, or not; or, for one rejected because more information
// was needed, the way to send it again when u may.
func sentRequestNext(u *serve.Principal, m moves.Move, from moves.Location, next map[string]moves.Move) views.SentRequestNext {
	if n, ok := next[m.ID]; ok {
		text := "Proposed again as " + n.Reference
		if moves.Resubmittable(m) {
			text = "Sent again as " + n.Reference
		}
		return views.SentRequestNext{Text: text, Href: "/move/" + n.ID}
	}
	switch {
	case m.Cancellation.Rebook:
		return views.SentRequestNext{Text: fmt.Sprintf("To be proposed again %d days later", moves.RebookDays)}
	case moves.Resubmittable(m) && moves.MayAct(u.Viewer(), moves.ActionResubmit, m, from):
		return views.SentRequestNext{Text: "Add information and send again", Href: "/move/" + m.ID + "/resubmit", Action: true}
	}
	return views.SentRequestNext{Text: "Not proposed again"}
}

// homeSentRequests is the home page's section of single requests sent
// from the current location: how many are in each of the list's tabs
// (pending review, approved, rejected, cancelled, as upstream's home
// counts them), each linking to its tab.
func (h *Handlers) homeSentRequests(c echo.Context, u *serve.Principal) (views.HomeSection, error) {
	counts, err := h.countSentRequests(c, u)
	if err != nil {
		return views.HomeSection{}, err
	}
	l := views.HomeCountList{Caption: "Sent from " + listLocationName(u)}
	for _, t := range sentRequestTabs {
		l.Counts = append(l.Counts, views.CountLink{Count: counts[t.Key], Label: t.Label, Href: sentRequestsHref(t.Key, 0)})
	}
	return views.HomeSection{Heading: "Single requests", ID: "home-requests", Lists: []views.HomeCountList{l}}, nil
}

// sentRequestsCrumb is the breadcrumb back to the single requests list
// for a police or prison user's own request that no day list shows: one
// waiting for PMU, or one rejected or cancelled before PMU gave it a
// date; false for any other move. A cancelled move without a date was
// cancelled while proposed (every move requested directly has a date,
// and approval gives a proposal one), so it is on the list's rejected or
// cancelled tab. One cancelled once it had a date is on the day list of
// its date, where the breadcrumbs lead otherwise.
func sentRequestsCrumb(u *serve.Principal, m moves.Move) (views.Link, bool) {
	if !mayListSentRequests(u) || !moves.ActsFromOwnLocation(u.Viewer(), m) {
		return views.Link{}, false
	}
	switch {
	case m.Status == moves.StatusProposed:
		return views.Link{Text: "Single requests", Href: sentRequestsHref(store.ReviewPending, 0)}, true
	case m.Status == moves.StatusCancelled && m.Date == "" && m.Cancellation.Reason == "rejected":
		return views.Link{Text: "Single requests", Href: sentRequestsHref(store.ReviewRejected, 0)}, true
	case m.Status == moves.StatusCancelled && m.Date == "":
		return views.Link{Text: "Single requests", Href: sentRequestsHref(store.ReviewCancelled, 0)}, true
	}
	return views.Link{}, false
}
