package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// ListDir is which way a day's list looks from the current location.
type ListDir string

// The two day lists.
const (
	ListOutgoing ListDir = "outgoing"
	ListIncoming ListDir = "incoming"
)

// listCardLimit caps the cards on one page: a day's list for one location
// is far shorter, but "All locations" on a busy day is not, and the CSV
// download always has every move.
const listCardLimit = 500

// activeStatuses are the statuses of moves still going ahead (or done).
var activeStatuses = []moves.Status{moves.StatusRequested, moves.StatusBooked, moves.StatusInTransit, moves.StatusCompleted}

// statusGroup is one entry of a list's status filter.
type statusGroup struct {
	Key      string
	Label    string
	Statuses []moves.Status
}

// listStatusGroups are each day list's status filters, in the order shown;
// the first is the default.
var listStatusGroups = map[ListDir][]statusGroup{
	ListOutgoing: {
		{"active", "Active", activeStatuses},
		{"requested", "Requested", []moves.Status{moves.StatusRequested}},
		{"booked", "Booked", []moves.Status{moves.StatusBooked}},
		{"in_transit", "In transit", []moves.Status{moves.StatusInTransit}},
		{"completed", "Completed", []moves.Status{moves.StatusCompleted}},
		{"cancelled", "Cancelled", []moves.Status{moves.StatusCancelled}},
	},
	ListIncoming: {
		{"active", "Active", activeStatuses},
		{"awaiting_collection", "Awaiting collection", []moves.Status{moves.StatusRequested, moves.StatusBooked}},
		{"in_transit", "In transit", []moves.Status{moves.StatusInTransit}},
		{"arrived", "Arrived", []moves.Status{moves.StatusCompleted}},
		{"cancelled", "Cancelled", []moves.Status{moves.StatusCancelled}},
	},
}

// listGroupFor returns the status filter named key, or the default one.
func listGroupFor(dir ListDir, key string) statusGroup {
	for _, g := range listStatusGroups[dir] {
		if g.Key == key {
			return g
		}
	}
	return listStatusGroups[dir][0]
}

func (g statusGroup) count(counts map[moves.Status]int) int {
	n := 0
	for _, s := range g.Statuses {
		n += counts[s]
	}
	return n
}

// listDayURL is the address of a day's list, with a status filter.
func listDayURL(dir ListDir, date, status string) string {
	return listHref(dir, date, false, status, false)
}

// listHref is the address of a day's list (a week's, starting on first,
// with week), with a status filter and grouped by vehicle when asked.
func listHref(dir ListDir, first string, week bool, status string, byVehicle bool) string {
	u := "/moves/" + string(dir) + "/"
	if week {
		u += "week/"
	}
	u += first
	sep := "?"
	if status != "" {
		u += sep + "status=" + url.QueryEscape(status)
		sep = "&"
	}
	if byVehicle {
		u += sep + "group=vehicle"
	}
	return u
}

// href is the address of this list with another status filter.
func (d listDayData) href(status string) string {
	return listHref(d.Dir, d.Date, d.week(), status, d.ByVehicle)
}

// MovesToday sends /moves/outgoing and /moves/incoming to today's list,
// keeping the status filter.
func (h *Handlers) MovesToday(dir ListDir) echo.HandlerFunc {
	return func(c echo.Context) error {
		to := "/moves/" + string(dir) + "/" + h.Today()
		if s := c.QueryParam("status"); s != "" {
			to += "?status=" + url.QueryEscape(s)
		}
		return c.Redirect(http.StatusFound, to)
	}
}

// MovesIndex sends /moves to today's outgoing list.
func (h *Handlers) MovesIndex(c echo.Context) error {
	return c.Redirect(http.StatusFound, "/moves/outgoing/"+h.Today())
}

// listNeedsLocation reports whether a user must choose a location before
// a list can show anything: everyone but PMU and supplier staff lists the
// moves of one location at a time.
func listNeedsLocation(u *serve.Principal) bool {
	return u.Current == nil && u.Role != moves.RolePMU && u.Role != moves.RoleSupplier && len(u.Locations) > 1
}

// addVary adds a request header to Vary, as one comma-separated value.
func addVary(c echo.Context, header string) {
	h := c.Response().Header()
	vals := h.Values(echo.HeaderVary)
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), header) {
				return
			}
		}
	}
	h.Set(echo.HeaderVary, strings.Join(append(vals, header), ", "))
}

func chooseLocationFirst(c echo.Context) error {
	return c.Redirect(http.StatusSeeOther, "/locations?next="+url.QueryEscape(c.Request().URL.RequestURI()))
}

// dayFilter is what a user may see of a day's list: the scope of their
// role narrowed to the current location (from it for outgoing, to it for
// incoming) when there is one. Naming one location and one date lets
// SQLite walk the (location, date) index.
func (h *Handlers) dayFilter(u *serve.Principal, dir ListDir, date string) store.MoveFilter {
	return h.rangeFilter(u, dir, date, date)
}

// rangeFilter is dayFilter for the days from first to last (a week).
func (h *Handlers) rangeFilter(u *serve.Principal, dir ListDir, first, last string) store.MoveFilter {
	f := h.scopeFilter(u)
	if u.Current != nil {
		// The current location is always one of the user's own (LoadUser
		// sees to that), so it narrows the scope.
		f.EitherIDs = nil
		if dir == ListOutgoing {
			f.FromIDs = []string{u.Current.ID}
		} else {
			f.ToIDs = []string{u.Current.ID}
		}
	}
	f.DateFrom, f.DateTo = first, last
	return f
}

// listDayData is a day's list as loaded: the counts for every filter, the
// chosen filter and its moves.
type listDayData struct {
	Dir  ListDir
	Date string
	// Last is the last day shown: Date for a day's list, the Sunday of
	// a week's.
	Last     string
	Group    statusGroup
	Counts   map[moves.Status]int
	Rows     []store.ListRow
	Matching int
	// ByVehicle groups a day's cards by vehicle instead of location.
	ByVehicle bool
	// Marks are the rows' vehicles, notices and important events
	// (store.ListMarks), read in one more query for them all.
	Marks map[string]store.MoveMarks
}

// week reports whether the list is a week's.
func (d listDayData) week() bool { return d.Last != d.Date }

// version identifies what a day's list shows: the counts and, for each
// move shown, its id and version (bumped on every change).
func (d listDayData) version() string {
	hash := sha256.New()
	for _, g := range listStatusGroups[d.Dir] {
		fmt.Fprintf(hash, "%s=%d;", g.Key, g.count(d.Counts))
	}
	for _, r := range d.Rows {
		// The person's details are the card's too, and a change of them
		// leaves the move's version alone (a finished move's included).
		p := &r.Person
		fmt.Fprintf(hash, "%s@%d|%s|%s|%s|%s|%s|%s;", r.ID, r.Version, p.LastName, p.FirstNames, p.DateOfBirth, p.Gender, p.PNC, p.PrisonNumber)
		// A journey or an event changes what the card shows without
		// changing the move's version.
		if mk, ok := d.Marks[r.ID]; ok {
			fmt.Fprintf(hash, "%s|%s|%v|%v|%d;", mk.Registration, mk.JourneyStatus, mk.ExpectedCollection, mk.ExpectedArrival, len(mk.Important))
		}
	}
	return hex.EncodeToString(hash.Sum(nil))[:16]
}

// loadDay runs the day list's two queries: one GROUP BY for the filter
// counts, one for the moves of the chosen filter with their people,
// location titles and flags.
func (h *Handlers) loadDay(c echo.Context, dir ListDir, date, status string, limit int) (listDayData, error) {
	return h.loadList(c, dir, date, date, status, limit)
}

// loadList loads the list of the days from first to last, with the
// rows' marks.
func (h *Handlers) loadList(c echo.Context, dir ListDir, first, last, status string, limit int) (listDayData, error) {
	u := serve.CurrentUser(c)
	ctx := c.Request().Context()
	d := listDayData{Dir: dir, Date: first, Last: last, Group: listGroupFor(dir, status)}
	f := h.rangeFilter(u, dir, first, last)
	var err error
	if d.Counts, err = h.Store.CountByStatus(ctx, f); err != nil {
		return d, err
	}
	d.Matching = d.Group.count(d.Counts)
	if d.Matching == 0 {
		return d, nil
	}
	f.Statuses = d.Group.Statuses
	groupBy := store.ByDestination
	if dir == ListIncoming {
		groupBy = store.ByOrigin
	}
	if first == last {
		d.Rows, err = h.Store.DayMoves(ctx, f, groupBy, limit)
	} else {
		d.Rows, err = h.Store.WeekMoves(ctx, f, groupBy, limit)
	}
	if err != nil || limit == 0 {
		// The CSV (no limit) has no cards to mark.
		return d, err
	}
	ids := make([]string, len(d.Rows))
	for i, r := range d.Rows {
		ids[i] = r.ID
	}
	d.Marks, err = h.Store.ListMarks(ctx, ids)
	return d, err
}

// listDay reads the day a list is for. A date that is not one is a page
// that does not exist; a user who must choose a location first is sent to
// the chooser (date "" and no error: the redirect is written).
func listDay(c echo.Context) (string, error) {
	date, err := moves.ParseDate(c.Param("date"))
	if err != nil {
		return "", moves.Errorf(moves.NotFound, "no such date")
	}
	if listNeedsLocation(serve.CurrentUser(c)) {
		return "", chooseLocationFirst(c)
	}
	return date, nil
}

// MovesDay shows a day's outgoing or incoming moves for the current
// location (all the user may see when there is none): a status filter
// with counts, and cards grouped by the other end of the move. htmx
// requests (the live refresh) get just the results region.
func (h *Handlers) MovesDay(dir ListDir) echo.HandlerFunc {
	return func(c echo.Context) error {
		date, err := listDay(c)
		if err != nil || date == "" {
			return err
		}
		addVary(c, "HX-Request")
		status := c.QueryParam("status")
		jump, errs, done, err := h.listJump(c, func(to string) string {
			return listHref(dir, to, false, status, c.QueryParam("group") == "vehicle")
		})
		if done || err != nil {
			return err
		}
		d, err := h.loadDay(c, dir, date, status, listCardLimit)
		if err != nil {
			return err
		}
		d.ByVehicle = c.QueryParam("group") == "vehicle"
		return h.renderList(c, d, jump, errs, h.dayPage)
	}
}

// renderList answers with a day's or a week's list: to htmx, the results
// region (or 204 when the live refresh of a list including today finds
// it unchanged); otherwise the page page builds, with the jump's error.
func (h *Handlers) renderList(c echo.Context, d listDayData, jump string, errs views.Errors,
	page func(echo.Context, listDayData, views.MovesResults) views.MovesDay) error {
	if serve.IsHTMX(c) && len(errs) == 0 {
		if v := c.QueryParam("v"); v != "" && v == d.version() && d.Date <= h.Today() && h.Today() <= d.Last {
			// The live refresh of an unchanged list: nothing to swap.
			return c.NoContent(http.StatusNoContent)
		}
		return serve.Render(c, http.StatusOK, views.MovesResultsRegion(h.dayResults(d)))
	}
	m := page(c, d, h.dayResults(d))
	m.Jump.Value = jump
	m.Errors = errs
	code := http.StatusOK
	if len(errs) > 0 {
		m.Page.HasErrors = true
		code = http.StatusUnprocessableEntity
	}
	return serve.Render(c, code, views.MovesDayPage(m))
}

// listJump answers "Jump to date": with a date, a 303 to the list at
// href(date) (done); with something else, the error to show on the list.
func (h *Handlers) listJump(c echo.Context, href func(date string) string) (jump string, errs views.Errors, done bool, err error) {
	if !c.QueryParams().Has("jump") {
		return "", nil, false, nil
	}
	jump = strings.TrimSpace(c.QueryParam("jump"))
	to, msg := h.parseJump(jump)
	if msg == "" {
		return jump, nil, true, c.Redirect(http.StatusSeeOther, href(to))
	}
	return jump, views.Errors{{ID: "jump", Message: msg}}, false, nil
}

// parseJump reads "Jump to date": the date, or a message for the user.
func (h *Handlers) parseJump(s string) (string, string) {
	if s == "" {
		return "", "Enter the date you want to view"
	}
	d, err := moves.ParseHumanDate(s, h.Now().In(serve.London))
	if err != nil {
		return "", "Enter a real date, such as 22/11/2026, 22 November 2026, tomorrow or next Friday"
	}
	return d, ""
}

// dayPage builds the page around a day's results.
func (h *Handlers) dayPage(c echo.Context, d listDayData, res views.MovesResults) views.MovesDay {
	u := serve.CurrentUser(c)
	heading := "Outgoing moves"
	if d.Dir == ListIncoming {
		heading = "Incoming moves"
	}
	loc := listLocationName(u)
	dateLabel := listDateLabel(d.Date, h.Today())
	m := views.MovesDay{
		Page:      h.page(c, fmt.Sprintf("%s: %s, %s", heading, loc, dateLabel)),
		Heading:   heading,
		Location:  loc,
		DateLabel: dateLabel,
		Results:   res,
	}
	day, _ := time.Parse(time.DateOnly, d.Date)
	prev, next := day.AddDate(0, 0, -1).Format(time.DateOnly), day.AddDate(0, 0, 1).Format(time.DateOnly)
	status := d.Group.Key
	m.Nav = views.DayNav{
		Previous:      views.Link{Text: "Previous day", Href: listHref(d.Dir, prev, false, status, d.ByVehicle)},
		PreviousLabel: views.LongDate(prev),
		Today:         views.Link{Text: "Today", Href: listHref(d.Dir, h.Today(), false, status, d.ByVehicle)},
		IsToday:       d.Date == h.Today(),
		Next:          views.Link{Text: "Next day", Href: listHref(d.Dir, next, false, status, d.ByVehicle)},
		NextLabel:     views.LongDate(next),
	}
	m.Jump = views.DateJump{Action: "/moves/" + string(d.Dir) + "/" + d.Date, Status: status}
	if d.ByVehicle {
		m.Jump.Group = "vehicle"
		m.Switches = append(m.Switches, views.ListSwitch{ID: "group-switch", Text: "Group by location", Href: listHref(d.Dir, d.Date, false, status, false)})
	} else {
		m.Switches = append(m.Switches, views.ListSwitch{ID: "group-switch", Text: "Group by vehicle", Href: listHref(d.Dir, d.Date, false, status, true)})
	}
	m.Switches = append(m.Switches, views.ListSwitch{ID: "period-switch", Text: "Switch to week view", Href: listHref(d.Dir, weekStart(d.Date), true, status, false)})
	return m
}

// listLocationName is what a list is for: the current location, or the
// scope of the user's role.
func listLocationName(u *serve.Principal) string {
	if u.Current != nil {
		return u.Current.Title
	}
	if u.LocationName != "" {
		return u.LocationName
	}
	return "All locations"
}

// dayResults builds the live region of a day's list: filters with counts,
// the cards grouped by the other end, the download link.
func (h *Handlers) dayResults(d listDayData) views.MovesResults {
	r := views.MovesResults{
		Matching: d.Matching,
		Shown:    len(d.Rows),
		CSVHref:  "/moves/" + string(d.Dir) + "/" + d.Date + "/download.csv?status=" + url.QueryEscape(d.Group.Key),
		Filter:   d.Group.Label,
	}
	if d.week() {
		r.CSVHref = "/moves/" + string(d.Dir) + "/week/" + d.Date + "/download.csv?status=" + url.QueryEscape(d.Group.Key)
	}
	if today := h.Today(); d.Date <= today && today <= d.Last {
		r.PollURL = d.href(d.Group.Key) + "&v=" + d.version()
	}
	for _, g := range listStatusGroups[d.Dir] {
		r.Filters = append(r.Filters, views.ListFilter{Key: g.Key, Label: g.Label, Count: g.count(d.Counts),
			Href: d.href(g.Key), Current: g.Key == d.Group.Key})
	}
	if d.Matching == 0 {
		r.Empty = "No moves"
		if d.Group.Key != listStatusGroups[d.Dir][0].Key {
			r.Empty = "No " + strings.ToLower(d.Group.Label) + " moves"
		}
	}
	switch {
	case d.week():
		r.Groups = weekGroups(d)
	case d.ByVehicle:
		r.Groups = vehicleGroups(d)
	default:
		r.Groups = locationGroups(d)
	}
	for i := range r.Groups {
		r.Groups[i].ID = fmt.Sprintf("group-%d", i+1)
	}
	return r
}

// locationGroups groups a day's cards by the other end of the moves, in
// the order the store sorted them.
func locationGroups(d listDayData) []views.MoveGroup {
	var out []views.MoveGroup
	var cur *views.MoveGroup
	curKey := "\x00"
	for _, row := range d.Rows {
		key, title := row.ToID, row.To
		if d.Dir == ListIncoming {
			key, title = row.FromID, row.From
		}
		if title == "" {
			title = "No destination given"
		}
		if cur == nil || key != curKey {
			out = append(out, views.MoveGroup{Title: title})
			cur = &out[len(out)-1]
			curKey = key
		}
		cur.Cards = append(cur.Cards, d.card(row))
	}
	return out
}

// moveCard is a move as a list's card shows it.
func moveCard(r store.ListRow, onDate string) views.MoveCard {
	c := views.MoveCard{
		ID:           r.ID,
		Href:         "/move/" + r.ID,
		Name:         listPersonName(r.Person),
		Reference:    r.Reference,
		StatusLabel:  r.Status.Label(),
		StatusClass:  views.StatusTagClass(r.Status),
		MoveType:     r.MoveType.Label(),
		PNC:          r.Person.PNC,
		PrisonNumber: r.Person.PrisonNumber,
		DateOfBirth:  listDateOfBirth(r.Person.DateOfBirth, onDate),
	}
	if r.TimeDue != nil {
		c.TimeDue = r.TimeDue.In(serve.London).Format("15:04")
	}
	if r.Lodge {
		c.Warnings = append(c.Warnings, views.CardTag{Text: "Overnight lodge", Class: "govuk-tag--purple"})
	}
	for _, f := range r.Flags {
		c.Warnings = append(c.Warnings, views.CardTag{Text: f.Label(), Class: views.FlagTagClass(f.Category)})
	}
	return c
}

// listPersonName is "SURNAME, First names", as lists show people.
func listPersonName(p moves.Person) string {
	if p.ID == "" {
		return "Person to be added" // an allocation's place not filled yet
	}
	return strings.ToUpper(p.LastName) + ", " + p.FirstNames
}

// listDateLabel is a list's date, saying when it is today, tomorrow or
// yesterday.
func listDateLabel(date, today string) string {
	s := views.LongDate(date)
	t, err1 := time.Parse(time.DateOnly, date)
	n, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return s
	}
	switch int(t.Sub(n).Hours() / 24) {
	case 0:
		s += " (today)"
	case 1:
		s += " (tomorrow)"
	case -1:
		s += " (yesterday)"
	}
	return s
}

// listDateOfBirth is "14 March 1988 (age 38)", the age on the list's date.
func listDateOfBirth(dob, on string) string {
	b, err1 := time.Parse(time.DateOnly, dob)
	d, err2 := time.Parse(time.DateOnly, on)
	if err1 != nil {
		return dob
	}
	s := b.Format("2 January 2006")
	if err2 != nil || d.Before(b) {
		return s
	}
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return s + " (age " + strconv.Itoa(age) + ")"
}

// MovesDayCSV downloads a day's list, with the same filter, as CSV: every
// move, not just the first page of cards.
func (h *Handlers) MovesDayCSV(dir ListDir) echo.HandlerFunc {
	return func(c echo.Context) error {
		date, err := listDay(c)
		if err != nil || date == "" {
			return err
		}
		d, err := h.loadDay(c, dir, date, c.QueryParam("status"), 0)
		if err != nil {
			return err
		}
		return listCSV(c, d, fmt.Sprintf("Moves on %s (%s).csv", date, dir))
	}
}

// listCSV answers with a list's moves as CSV.
func listCSV(c echo.Context, d listDayData, filename string) error {
	header := []string{"Reference", "Status", "Move type", "Date", "Time due", "From", "To",
		"Last name", "First names", "Date of birth", "Gender", "PNC number", "Prison number", "Warnings"}
	var rows [][]string
	for _, r := range d.Rows {
		due := ""
		if r.TimeDue != nil {
			due = r.TimeDue.In(serve.London).Format("15:04")
		}
		var warn []string
		for _, f := range r.Flags {
			w := f.Label()
			if f.Details != "" {
				w += ": " + f.Details
			}
			warn = append(warn, w)
		}
		rows = append(rows, []string{r.Reference, r.Status.Label(), r.MoveType.Label(), r.Date, due, r.From, r.To,
			r.Person.LastName, r.Person.FirstNames, r.Person.DateOfBirth, moves.Label(moves.GenderLabels, r.Person.Gender),
			r.Person.PNC, r.Person.PrisonNumber, strings.Join(warn, "; ")})
	}
	return writeCSV(c, filename, header, rows)
}
