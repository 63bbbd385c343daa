package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// moveData is everything a move's pages show, loaded once per request.
type moveData struct {
	m         moves.Move
	person    moves.Person
	profile   moves.Profile
	events    []moves.Event
	journeys  []moves.Journey
	lodgings  []moves.Lodging
	locs      map[string]moves.Location
	suppliers map[string]string
	users     map[string]string
	refs      map[string]string
	// rebooked is the move proposed again after this one was rejected;
	// original is the one this was rebooked from.
	rebooked *moves.Move
	original *moves.Move
	// resubmitted is the request sent again with more information after
	// this one was rejected for the lack of it.
	resubmitted *moves.Move
}

// loadMove gathers a move's person, profile, log and the names its log
// refers to.
func (h *Handlers) loadMove(ctx context.Context, m moves.Move) (moveData, error) {
	d := moveData{m: m}
	var err error
	if m.PersonID == "" {
		// An allocation's place not filled yet: the pages name it as the
		// allocation page does.
		d.person = moves.Person{FirstNames: "Person to be", LastName: "added"}
	} else if d.person, err = h.Store.Person(ctx, m.PersonID); err != nil {
		return d, err
	}
	if m.ProfileID != "" {
		if d.profile, err = h.Store.Profile(ctx, m.ProfileID); err != nil && moves.ErrorCode(err) != moves.NotFound {
			return d, err
		}
	}
	if d.events, err = h.Store.Events(ctx, m.ID); err != nil {
		return d, err
	}
	if d.journeys, err = h.Store.MoveJourneys(ctx, m.ID); err != nil {
		return d, err
	}
	if d.lodgings, err = h.Store.MoveLodgings(ctx, m.ID); err != nil {
		return d, err
	}
	locIDs := []string{m.FromID, m.ToID}
	for _, j := range d.journeys {
		locIDs = append(locIDs, j.FromID, j.ToID)
	}
	for _, l := range d.lodgings {
		locIDs = append(locIDs, l.LocationID)
	}
	users := []string{m.CreatedBy}
	var moveIDs []string
	for _, e := range d.events {
		for name, id := range e.Rels {
			if name == "previous_move" {
				moveIDs = append(moveIDs, id)
			} else {
				locIDs = append(locIDs, id)
			}
		}
		users = append(users, e.CreatedBy)
	}
	if d.locs, err = h.Store.LocationMap(ctx, locIDs...); err != nil {
		return d, err
	}
	sups, err := h.Store.Suppliers(ctx)
	if err != nil {
		return d, err
	}
	d.suppliers = make(map[string]string, len(sups))
	for _, s := range sups {
		d.suppliers[s.ID] = s.Name
	}
	if d.users, err = h.Store.UserFullNames(ctx, users); err != nil {
		return d, err
	}
	if d.refs, err = h.Store.MoveReferences(ctx, moveIDs); err != nil {
		return d, err
	}
	if m.Status == moves.StatusCancelled && m.Cancellation.Rebook {
		if r, err := h.Store.RebookedFrom(ctx, m.ID); err == nil {
			d.rebooked = &r
		}
	}
	if moves.Resubmittable(m) {
		if r, err := h.Store.RebookedFrom(ctx, m.ID); err == nil {
			d.resubmitted = &r
		}
	}
	if m.OriginalID != "" {
		if o, err := h.Store.Move(ctx, m.OriginalID); err == nil {
			d.original = &o
		}
	}
	return d, nil
}

func (d moveData) location(id string) string {
	if id == "" {
		return ""
	}
	l, ok := d.locs[id]
	if !ok {
		return "Unknown location"
	}
	if l.Disabled {
		return l.Title + " (no longer in use)"
	}
	return l.Title
}

func (d moveData) supplier() string { return d.suppliers[d.m.SupplierID] }

// userName is a username as people know it: the user's full name when it
// is one of ours.
func (d moveData) userName(username string) string {
	if n := d.users[username]; n != "" {
		return n
	}
	return username
}

func (d moveData) names() views.TimelineNames {
	n := views.TimelineNames{
		Locations:    make(map[string]string, len(d.locs)),
		Suppliers:    d.suppliers,
		Users:        d.users,
		Moves:        d.refs,
		MoveSupplier: d.supplier(),
	}
	for id, l := range d.locs {
		n.Locations[id] = l.Title
	}
	if len(d.journeys) > 0 {
		n.Journeys = make(map[string]views.TimelineJourney, len(d.journeys))
		for _, j := range d.journeys {
			n.Journeys[j.ID] = views.TimelineJourney{Number: j.Number, FromID: j.FromID, ToID: j.ToID}
		}
	}
	return n
}

// pollToken changes whenever the move or its log does.
func movePollToken(m moves.Move, count int, maxSeq int64) string {
	return fmt.Sprintf("%d.%d.%d", m.Version, count, maxSeq)
}

func (d moveData) pollToken() string {
	var maxSeq int64
	for _, e := range d.events {
		maxSeq = max(maxSeq, e.Seq)
	}
	return movePollToken(d.m, len(d.events), maxSeq)
}

// MovePage shows a move: its person, places, date, warnings, the actions
// the user may take and its timeline. To htmx it answers with the parts
// that refresh.
func (h *Handlers) MovePage(c echo.Context) error {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request")
	d, err := h.loadMove(c.Request().Context(), m)
	if err != nil {
		return err
	}
	if serve.IsHTMX(c) {
		return serve.Render(c, http.StatusOK, views.MoveLiveFragment(h.moveLive(c, d)))
	}
	p := h.page(c, d.person.FullName()+" ("+m.Reference+")")
	p.Breadcrumbs = h.moveBreadcrumbs(c, d)
	return serve.Render(c, http.StatusOK, views.MovePageView(views.MovePage{
		Page:       p,
		MoveID:     m.ID,
		Reference:  m.Reference,
		PersonName: d.person.FullName(),
		Person:     movePersonLinked(h.movePersonRows(d), d.person),
		Warnings:   moveWarningGroups(d.profile),
		Live:       h.moveLive(c, d),
	}))
}

// MoveTimeline is a move's timeline. htmx polls it from an open move page
// with the token of what the page shows: an unchanged move is a 204 (no
// swap), a changed one the refreshed parts. Without htmx it is a page.
func (h *Handlers) MoveTimeline(c echo.Context) error {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	c.Response().Header().Add("Vary", "HX-Request")
	if serve.IsHTMX(c) {
		if seen := c.QueryParam("seen"); seen != "" {
			count, maxSeq, err := h.Store.EventsMark(ctx, m.ID)
			if err != nil {
				return err
			}
			if seen == movePollToken(m, count, maxSeq) {
				c.Response().Header().Set("Cache-Control", "no-store")
				return c.NoContent(http.StatusNoContent)
			}
		}
		d, err := h.loadMove(ctx, m)
		if err != nil {
			return err
		}
		return serve.Render(c, http.StatusOK, views.MoveLiveFragment(h.moveLive(c, d)))
	}
	d, err := h.loadMove(ctx, m)
	if err != nil {
		return err
	}
	p := h.page(c, "Timeline for "+d.person.FullName()+" ("+m.Reference+")")
	p.Back = &views.Link{Text: "Back to the move", Href: "/move/" + m.ID}
	return serve.Render(c, http.StatusOK, views.MoveTimelinePageView(views.MoveTimelinePage{
		Page:       p,
		MoveID:     m.ID,
		Reference:  m.Reference,
		PersonName: d.person.FullName(),
		Live:       views.MoveLive{Status: m.Status, Timeline: views.Timeline(d.events, d.names())},
	}))
}

// moveLive builds the parts of the page that refresh.
func (h *Handlers) moveLive(c echo.Context, d moveData) views.MoveLive {
	m := d.m
	return views.MoveLive{
		MoveID:   m.ID,
		PollURL:  "/move/" + m.ID + "/timeline?seen=" + url.QueryEscape(d.pollToken()),
		Status:   m.Status,
		Banners:  h.custodyBanner(c, d, moveBanners(d)),
		Actions:  h.moveActions(c, d),
		Details:  h.moveDetailRows(d),
		Lodges:   h.moveLodges(c, d),
		Timeline: views.Timeline(d.events, d.names()),
	}
}

// moveActionLinks are the actions a move page may offer, in the order
// shown.
var moveActionLinks = []struct {
	action  moves.Action
	path    string
	text    string
	classes string
	// flags is the category of information the page changes, for the
	// pages that need a person and a move the category applies to.
	flags moves.FlagCategory
}{
	{moves.ActionApprove, "approve", "Approve", "", ""},
	{moves.ActionReject, "reject", "Reject", "govuk-button--warning", ""},
	{moves.ActionChangeDate, "date", "Change date", "govuk-button--secondary", ""},
	{moves.ActionRedirect, "redirect", "Change destination", "govuk-button--secondary", ""},
	{moves.ActionCancel, "cancel", "Cancel move", "govuk-button--warning", ""},
	{moves.ActionResubmit, "resubmit", "Add information and send again", "", ""},
	{moves.ActionChange, "details", "Change move details", "govuk-button--secondary", ""},
	{moves.ActionChange, "information/risk", "Change risk information", "govuk-button--secondary", moves.FlagRisk},
	{moves.ActionChange, "information/health", "Change health information", "govuk-button--secondary", moves.FlagHealth},
	{moves.ActionChange, "information/court", "Change court information", "govuk-button--secondary", moves.FlagCourt},
	{moves.ActionLodge, "lodge", "Add an overnight lodge", "govuk-button--secondary", ""},
}

// moveActions are the actions the user may take on the move now.
func (h *Handlers) moveActions(c echo.Context, d moveData) []views.MoveAction {
	m := d.m
	var out []views.MoveAction
	for _, a := range moveActionLinks {
		if a.action == moves.ActionChangeDate && lodgeKeepsDate(d) {
			continue
		}
		if a.flags != "" && (m.PersonID == "" || !moves.FlagCategoryApplies(m.MoveType, a.flags)) {
			// An empty allocation place has no information to change
			// yet; court information is only on court moves.
			continue
		}
		if h.mayAct(c, a.action, m) {
			out = append(out, views.MoveAction{Text: a.text, Href: "/move/" + m.ID + "/" + a.path, Classes: a.classes})
		}
	}
	return out
}

// lockoutBannerTitle names a locked-out move's banner, which police at the
// custody suite find their "Add events" on (custodyBanner).
const lockoutBannerTitle = "Lockout"

// moveBanners explain the move's state: waiting for review, cancelled or
// rejected, rebooked, locked out.
func moveBanners(d moveData) []views.MoveBanner {
	m := d.m
	var out []views.MoveBanner
	switch m.Status {
	case moves.StatusProposed:
		b := views.MoveBanner{Title: "This request needs to be reviewed by PMU",
			Lines: []string{"The Population Management Unit (PMU) will approve it for a date or reject it. It has not been sent to the supplier yet."}}
		if w := moveWindow(m); w != "" {
			b.Lines = append(b.Lines, "Dates asked for: "+w+".")
		}
		out = append(out, b)
	case moves.StatusCancelled:
		cn := m.Cancellation
		if cn.Reason == "rejected" {
			b := views.MoveBanner{Warning: true, Title: "Request rejected",
				Lines: []string{"Reason: " + moves.Label(moves.RejectionReasonLabels, cn.RejectionReason)}}
			if cn.Comment != "" {
				b.Lines = append(b.Lines, "More information: "+cn.Comment)
			}
			switch {
			case cn.Rebook && d.rebooked != nil:
				b.Link = &views.Link{Text: "It has been proposed again as move " + d.rebooked.Reference + moveFromDate(*d.rebooked),
					Href: "/move/" + d.rebooked.ID}
			case cn.Rebook:
				b.Lines = append(b.Lines, fmt.Sprintf("It will be proposed again %d days later.", moves.RebookDays))
			case d.resubmitted != nil:
				b.Link = &views.Link{Text: "It was sent again with more information as move " + d.resubmitted.Reference, Href: "/move/" + d.resubmitted.ID}
			case moves.Resubmittable(m):
				b.Lines = append(b.Lines, "It will not be proposed again. Whoever requested it may add the information and send it again.")
			default:
				b.Lines = append(b.Lines, "It will not be proposed again.")
			}
			out = append(out, b)
		} else {
			b := views.MoveBanner{Warning: true, Title: "Move cancelled",
				Lines: []string{"Reason: " + moves.Label(moves.CancellationReasonLabels, cn.Reason)}}
			if cn.Comment != "" {
				b.Lines = append(b.Lines, "More information: "+cn.Comment)
			}
			out = append(out, b)
		}
	}
	if b, ok := lodgeBanner(d); ok {
		out = append(out, b)
	}
	if d.profile.Has(moves.FlagSection46) {
		out = append(out, views.MoveBanner{Warning: true, Title: "PACE section 46",
			Lines: []string{"This move is subject to PACE Section 46."}})
	}
	if m.Lockout {
		b := views.MoveBanner{Warning: true, Title: lockoutBannerTitle}
		for i := len(d.events) - 1; i >= 0; i-- {
			if e := d.events[i]; e.Type == moves.EventMoveLockout && e.Applied {
				b.Lines = append(b.Lines, views.DescribeEvent(e, d.names()).Sentence)
				break
			}
		}
		if len(b.Lines) == 0 {
			b.Lines = []string{"The escort could not hand the person over where it planned to."}
		}
		out = append(out, b)
	}
	if d.original != nil && moves.Resubmittable(*d.original) {
		out = append(out, views.MoveBanner{Title: "Sent again with more information",
			Lines: []string{"This request was sent again with more information after move " + d.original.Reference + " was rejected. The information is in the timeline."},
			Link:  &views.Link{Text: "View move " + d.original.Reference, Href: "/move/" + d.original.ID}})
	} else if d.original != nil {
		out = append(out, views.MoveBanner{Title: "Proposed again",
			Lines: []string{"This request was proposed again after move " + d.original.Reference + " was rejected."},
			Link:  &views.Link{Text: "View move " + d.original.Reference, Href: "/move/" + d.original.ID}})
	}
	return out
}

// moveWindow is a proposed move's window in words.
func moveWindow(m moves.Move) string {
	switch {
	case m.DateFrom != "" && m.DateTo != "":
		return "between " + views.LongDate(m.DateFrom) + " and " + views.LongDate(m.DateTo)
	case m.DateFrom != "":
		return "from " + views.LongDate(m.DateFrom)
	}
	return ""
}

func moveFromDate(m moves.Move) string {
	if w := moveWindow(m); w != "" {
		return ", " + w
	}
	if m.Date != "" {
		return ", for " + views.LongDate(m.Date)
	}
	return ""
}

func orNotGiven(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Not given"
	}
	return s
}

// moveDetailRows are the move's own details.
func (h *Handlers) moveDetailRows(d moveData) []views.MovePageRow {
	m := d.m
	rows := []views.MovePageRow{
		{Key: "Reference", Value: m.Reference},
		{Key: "From", Value: d.location(m.FromID), ID: "move-from"},
		{Key: "To", Value: orNotGiven(d.location(m.ToID)), ID: "move-to"},
	}
	if m.Status == moves.StatusProposed || m.Date == "" {
		rows = append(rows,
			views.MovePageRow{Key: "Earliest date", Value: orNotGiven(views.LongDate(m.DateFrom))},
			views.MovePageRow{Key: "Latest date", Value: orNotGiven(views.LongDate(m.DateTo))})
	} else {
		rows = append(rows, views.MovePageRow{Key: "Date", Value: views.LongDate(m.Date), ID: "move-date"})
		if w := moveWindow(m); w != "" {
			rows = append(rows, views.MovePageRow{Key: "Dates asked for", Value: strings.ToUpper(w[:1]) + w[1:]})
		}
	}
	due := ""
	if m.TimeDue != nil {
		due = m.TimeDue.In(serve.London).Format("15:04")
	}
	rows = append(rows,
		views.MovePageRow{Key: "Time due", Value: orNotGiven(due)},
		views.MovePageRow{Key: "Move type", Value: m.MoveType.Label(), ID: "move-type"},
	)
	rows = append(rows, moveTypeDetailRows(m)...)
	rows = append(rows,
		views.MovePageRow{Key: "Supplier", Value: orNotGiven(d.supplier())},
		views.MovePageRow{Key: "Additional information", Value: orNotGiven(m.Notes)},
		views.MovePageRow{Key: "Created by", Value: d.userName(m.CreatedBy) + ", " + views.TimelineTime(m.CreatedAt)},
	)
	return rows
}

// moveTypeDetailRows are the details only the move's type carries.
func moveTypeDetailRows(m moves.Move) []views.MovePageRow {
	var rows []views.MovePageRow
	md := m.Details
	if moves.RecallDateApplies(m.MoveType) {
		rows = append(rows, views.MovePageRow{Key: "Date of arrest for recall", Value: orNotGiven(views.LongDate(md.RecallDate)), ID: "move-recall-date"})
	}
	if moves.TransferReasonApplies(m.MoveType) {
		reason := ""
		if md.TransferReason != "" {
			reason = moves.TransferReasonLabel(md.TransferReason)
		}
		rows = append(rows, views.MovePageRow{Key: "Reason for the move", Value: orNotGiven(reason), ID: "move-reason"})
	}
	if moves.FlightApplies(m.MoveType) {
		flight := ""
		if f := md.Flight; f != nil {
			flight = f.Number
			if !f.Time.IsZero() {
				flight += ", " + f.Time.In(serve.London).Format("Monday 2 January 2006 at 15:04")
			}
		}
		rows = append(rows, views.MovePageRow{Key: "Extradition flight", Value: orNotGiven(flight), ID: "move-flight"})
	}
	return rows
}

// movePersonRows describe the person moving.
func (h *Handlers) movePersonRows(d moveData) []views.MovePageRow {
	p := d.person
	dob := orNotGiven(p.DateOfBirth)
	if t, err := time.Parse(time.DateOnly, p.DateOfBirth); err == nil {
		dob = t.Format("2 January 2006")
		if age := moveAge(t, h.Now().In(serve.London)); age >= 0 {
			dob += fmt.Sprintf(" (age %d)", age)
		}
	}
	notRecorded := func(s string) string {
		if s == "" {
			return "Not recorded"
		}
		return s
	}
	return []views.MovePageRow{
		{Key: "Name", Value: p.FullName()},
		{Key: "Date of birth", Value: dob},
		{Key: "Gender", Value: notRecorded(moves.Humanize(p.Gender))},
		{Key: "PNC number", Value: notRecorded(p.PNC)},
		{Key: "Prison number", Value: notRecorded(p.PrisonNumber)},
	}
}

// movePersonLinked links the person's name to their page.
func movePersonLinked(rows []views.MovePageRow, p moves.Person) []views.MovePageRow {
	if len(rows) > 0 {
		rows[0].Href = "/person/" + p.ID
	}
	return rows
}

func moveAge(dob, now time.Time) int {
	age := now.Year() - dob.Year()
	if now.Month() < dob.Month() || (now.Month() == dob.Month() && now.Day() < dob.Day()) {
		age--
	}
	return age
}

// moveWarningGroups are the profile's flags by category: risk, health,
// court.
func moveWarningGroups(pr moves.Profile) []views.MoveWarningGroup {
	var out []views.MoveWarningGroup
	for _, cat := range []struct {
		c       moves.FlagCategory
		heading string
	}{{moves.FlagRisk, "Risk"}, {moves.FlagHealth, "Health"}, {moves.FlagCourt, "Court"}} {
		g := views.MoveWarningGroup{Heading: cat.heading}
		for _, f := range pr.Flags {
			if f.Category == cat.c {
				g.Items = append(g.Items, views.MoveWarning{Text: f.Label(), TagClasses: views.FlagTagClass(f.Category), Details: f.Details})
			}
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// moveBreadcrumbs lead back to the list the move is most likely in for the
// user.
func (h *Handlers) moveBreadcrumbs(c echo.Context, d moveData) []views.Link {
	m := d.m
	u := serve.CurrentUser(c)
	crumbs := []views.Link{{Text: "Home", Href: "/"}}
	day := m.Date
	if day == "" {
		day = h.Today()
	}
	sent, own := sentRequestsCrumb(u, m)
	switch {
	case own:
		// Police and prison staff's own request waiting for PMU, or
		// rejected or cancelled before it had a date: no day list shows
		// it.
		crumbs = append(crumbs, sent)
	case u != nil && u.Role == moves.RolePMU && m.Status == moves.StatusProposed:
		crumbs = append(crumbs, views.Link{Text: "Requests to review", Href: "/moves/review"})
	case u != nil && u.Current != nil && m.ToID == u.Current.ID:
		crumbs = append(crumbs, views.Link{Text: "Incoming moves", Href: "/moves/incoming/" + day})
	default:
		crumbs = append(crumbs, views.Link{Text: "Outgoing moves", Href: "/moves/outgoing/" + day})
	}
	return append(crumbs, views.Link{Text: d.person.FullName() + " (" + m.Reference + ")"})
}
