package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// PMU's overnight lodges (issue 11): add one to a move (where, and how
// many nights), change its place or length, cancel it with a reason.
// GOV.UK question pages at /move/:id/lodge[/:lodging_id[/cancel]], each
// one write through the store (CreateLodging, UpdateLodging,
// CancelLodging) and a 303 to the move's page.

// maxLodgeNights bounds "another number of nights": a stay of weeks is a
// move to somewhere, not a lodge.
const maxLodgeNights = 14

// lodgeKinds are the places a person may lodge overnight.
var lodgeKinds = []moves.LocationType{moves.LocPolice, moves.LocPrison, moves.LocYOI, moves.LocSCH, moves.LocSTC}

// lodgeLocations are the places a lodge of m may be: in use, of a kind
// that holds people overnight, and neither end of the move.
func (h *Handlers) lodgeLocations(c echo.Context, m moves.Move) ([]views.MoveChoice, map[string]bool, error) {
	locs, err := h.Store.Locations(c.Request().Context(), store.LocationFilter{Types: lodgeKinds})
	if err != nil {
		return nil, nil, err
	}
	var out []views.MoveChoice
	ok := map[string]bool{}
	for _, l := range locs {
		if l.Disabled || l.ID == m.FromID || l.ID == m.ToID {
			continue
		}
		ok[l.ID] = true
		out = append(out, views.MoveChoice{Value: l.ID, Text: l.Title + " (" + l.Type.Label() + ")"})
	}
	return out, ok, nil
}

// liveLodgings are a move's lodgings that are not cancelled.
func liveLodgings(ls []moves.Lodging) []moves.Lodging {
	var out []moves.Lodging
	for _, l := range ls {
		if l.Status != moves.LodgingCancelled {
			out = append(out, l)
		}
	}
	return out
}

// lodgeStart is the first night of a new lodge: the move's date, or the
// day its last lodge ends, and never before today. A lodge added today
// for a move whose date has passed (one still on the road, locked out)
// starts tonight: dated in the past, the supplier's MoveLodgingStart
// there tonight would not apply and the lodge would never start.
func lodgeStart(d moveData, today string) string {
	start := d.m.Date
	for _, l := range liveLodgings(d.lodgings) {
		if l.EndDate > start {
			start = l.EndDate
		}
	}
	return max(start, today)
}

// lodgeNightsValue is how a number of nights is shown on the form.
func lodgeNightsValue(n int) (nights, other string) {
	switch n {
	case 0:
		return "", ""
	case 1, 2:
		return strconv.Itoa(n), ""
	}
	return "other", strconv.Itoa(n)
}

// readLodgeForm reads where and how many nights, checking them against
// the places offered.
func readLodgeForm(c echo.Context, allowed map[string]bool, fe *moves.FieldErrors) (loc string, nights int, f views.MoveLodgeForm) {
	f.Location = strings.TrimSpace(c.FormValue("location"))
	f.Nights = strings.TrimSpace(c.FormValue("nights"))
	f.NightsOther = strings.TrimSpace(c.FormValue("nights_other"))
	switch {
	case f.Location == "":
		fe.Add("location", "blank", "Choose where the person will lodge overnight")
	case !allowed[f.Location]:
		fe.Add("location", "invalid", "Choose a place from the list")
	}
	switch f.Nights {
	case "1", "2":
		nights, _ = strconv.Atoi(f.Nights)
	case "other":
		n, err := strconv.Atoi(f.NightsOther)
		switch {
		case f.NightsOther == "":
			fe.Add("nights_other", "blank", "Enter the number of nights")
		case err != nil || n < 1:
			fe.Add("nights_other", "invalid", "The number of nights must be a whole number, 1 or more")
		case n > maxLodgeNights:
			fe.Add("nights_other", "invalid", fmt.Sprintf("The number of nights must be %d or fewer", maxLodgeNights))
		default:
			nights = n
		}
	default:
		fe.Add("nights", "blank", "Select how many nights the person will lodge")
	}
	return f.Location, nights, f
}

// lodgeStoreErrors turns the store's refusal into the form's errors: the
// place, or the dates (the nights asked for).
func lodgeStoreErrors(err error) (moves.FieldErrors, error) {
	e, ok := moves.AsError(err)
	if !ok || e.Code != moves.Invalid {
		return nil, err
	}
	var fe moves.FieldErrors
	for _, f := range e.Fields {
		field := "nights"
		if f.Field == "location" {
			field = "location"
		}
		fe.Add(field, f.Code, f.Message)
	}
	return fe, nil
}

func lodgeStarts(start string) string {
	return "The person will lodge from " + views.LongDate(start) + "."
}

func (h *Handlers) lodgeForm(c echo.Context, d moveData, f views.MoveLodgeForm, fe moves.FieldErrors) views.MoveLodgeForm {
	f.MoveForm = h.moveFormBase(c, d, f.Heading, fe, nil)
	if f.LodgingVersion == 0 {
		// Adding a lodge: the token makes it add once (serve.Once).
		f.Submission = serve.KeptFormToken(c)
	}
	return f
}

// MoveLodgeNewForm asks where the person lodges and for how many nights.
func (h *Handlers) MoveLodgeNewForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionLodge, func(d moveData) error {
		locs, _, err := h.lodgeLocations(c, d.m)
		if err != nil {
			return err
		}
		f := views.MoveLodgeForm{Action: "lodge", Heading: "Add an overnight lodge", Button: "Add the overnight lodge",
			Locations: locs, Starts: lodgeStarts(lodgeStart(d, h.Today()))}
		return serve.Render(c, http.StatusOK, views.MoveLodgePage(h.lodgeForm(c, d, f, nil)))
	})
}

// MoveLodgeCreate adds the overnight lodge.
func (h *Handlers) MoveLodgeCreate(c echo.Context) error {
	return h.movePost(c, moves.ActionLodge, func(d moveData, _ int64) error {
		locs, allowed, err := h.lodgeLocations(c, d.m)
		if err != nil {
			return err
		}
		start := lodgeStart(d, h.Today())
		var fe moves.FieldErrors
		loc, nights, f := readLodgeForm(c, allowed, &fe)
		show := func(fe moves.FieldErrors) error {
			f.Action, f.Heading, f.Button, f.Locations, f.Starts = "lodge", "Add an overnight lodge", "Add the overnight lodge", locs, lodgeStarts(start)
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveLodgePage(h.lodgeForm(c, d, f, fe)))
		}
		if len(fe) > 0 {
			return show(fe)
		}
		var l moves.Lodging
		id, replayed, err := serve.Once(c, h.Store, "lodge", serve.FormToken(c), func(ctx context.Context) (string, error) {
			var err error
			l, err = h.Store.CreateLodging(ctx, d.m.ID, moves.NewLodging{LocationID: loc, StartDate: start,
				EndDate: moves.AddDays(start, nights)}, h.lodgeOptions(c))
			return l.ID, err
		})
		if err != nil {
			if fe, err := lodgeStoreErrors(err); err == nil {
				return show(fe)
			}
			return err
		}
		if replayed {
			// Sent twice: the second sending is told of the lodge the
			// first added, as it is now.
			if l, err = h.Store.Lodging(c.Request().Context(), d.m.ID, id); err != nil {
				return err
			}
		}
		h.Sessions.SetFlash(c, serve.Flash{Title: "Overnight lodge added", Text: "The person will lodge at " + h.lodgeTitle(c, l.LocationID) + lodgeStay(l) + "."})
		return serve.Redirect(c, "/move/"+d.m.ID)
	})
}

// lodgeOptions is who is writing: the signed-in user.
func (h *Handlers) lodgeOptions(c echo.Context) store.RoadOptions {
	return store.RoadOptions{By: serve.CurrentUser(c).Username}
}

// lodgeTitle names a lodge's place, which may not be among the move's
// locations yet (a new lodge).
func (h *Handlers) lodgeTitle(c echo.Context, id string) string {
	l, err := h.Store.Location(c.Request().Context(), id)
	if err != nil {
		return "the place chosen"
	}
	return l.Title
}

// lodgeStay is " from Monday 23 November 2026 to Tuesday 24 November 2026
// (1 night)".
func lodgeStay(l moves.Lodging) string {
	n := l.Nights()
	nights := "1 night"
	if n != 1 {
		nights = strconv.Itoa(n) + " nights"
	}
	return " from " + views.LongDate(l.StartDate) + " to " + views.LongDate(l.EndDate) + " (" + nights + ")"
}

// lodgeForPost is lodgeOf for a submitted form, which must carry the
// version of the lodge it was made from: one changed meanwhile is
// errMoveStale (the "changed meanwhile" page), as the store also checks
// in its transaction (lodgeWriteOptions).
func lodgeForPost(c echo.Context, d moveData) (moves.Lodging, error) {
	version, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("lodging_version")), 10, 64)
	if err != nil || version <= 0 {
		return moves.Lodging{}, echo.NewHTTPError(http.StatusBadRequest, "the form has no lodge version")
	}
	l, err := lodgeOf(c, d)
	// A lodge cancelled or completed since the form was made (the form
	// sent twice, say) is a change made meanwhile too, not a refusal.
	if (err == nil || moves.ErrorCode(err) == moves.Forbidden) && l.Version != version {
		return l, errMoveStale
	}
	return l, err
}

// lodgeWriteOptions are lodgeOptions for a write to l, refused by the
// store if l moved on after it was read.
func (h *Handlers) lodgeWriteOptions(c echo.Context, l moves.Lodging) store.RoadOptions {
	o := h.lodgeOptions(c)
	o.LodgingVersion = l.Version
	return o
}

// lodgeOf finds the lodging of the path among the move's, one that may
// still change (proposed or started).
func lodgeOf(c echo.Context, d moveData) (moves.Lodging, error) {
	id := c.Param("lodging_id")
	for _, l := range d.lodgings {
		if l.ID == id {
			if l.Status == moves.LodgingCancelled || l.Status == moves.LodgingCompleted {
				return l, moves.Errorf(moves.Forbidden, "this overnight lodge is %s and cannot change", l.Status)
			}
			return l, nil
		}
	}
	return moves.Lodging{}, moves.Errorf(moves.NotFound, "no such overnight lodge")
}

func lodgeChangeForm(d moveData, l moves.Lodging, locs []views.MoveChoice) views.MoveLodgeForm {
	f := views.MoveLodgeForm{Action: "lodge/" + l.ID, Heading: "Change the overnight lodge", Button: "Save the change",
		Locations: locs, Location: l.LocationID, Starts: lodgeStarts(l.StartDate), LodgingVersion: l.Version}
	if l.Status == moves.LodgingStarted {
		// The person is there already: only the length can change.
		f.Locations = []views.MoveChoice{{Value: l.LocationID, Text: d.location(l.LocationID)}}
	}
	return f
}

// MoveLodgeChangeForm changes a lodge's place or number of nights.
func (h *Handlers) MoveLodgeChangeForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionLodge, func(d moveData) error {
		l, err := lodgeOf(c, d)
		if err != nil {
			return err
		}
		locs, _, err := h.lodgeLocations(c, d.m)
		if err != nil {
			return err
		}
		f := lodgeChangeForm(d, l, locs)
		f.Nights, f.NightsOther = lodgeNightsValue(l.Nights())
		return serve.Render(c, http.StatusOK, views.MoveLodgePage(h.lodgeForm(c, d, f, nil)))
	})
}

// MoveLodgeChange saves the change; a longer stay moves the move's later
// lodges by as many days (the store's UpdateLodging).
func (h *Handlers) MoveLodgeChange(c echo.Context) error {
	return h.movePost(c, moves.ActionLodge, func(d moveData, _ int64) error {
		l, err := lodgeForPost(c, d)
		if err != nil {
			return err
		}
		locs, allowed, err := h.lodgeLocations(c, d.m)
		if err != nil {
			return err
		}
		allowed[l.LocationID] = true
		var fe moves.FieldErrors
		loc, nights, read := readLodgeForm(c, allowed, &fe)
		show := func(fe moves.FieldErrors) error {
			f := lodgeChangeForm(d, l, locs)
			f.Location, f.Nights, f.NightsOther = read.Location, read.Nights, read.NightsOther
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveLodgePage(h.lodgeForm(c, d, f, fe)))
		}
		if len(fe) > 0 {
			return show(fe)
		}
		after, err := h.Store.UpdateLodging(c.Request().Context(), d.m.ID, l.ID, moves.LodgingChanges{LocationID: loc,
			EndDate: moves.AddDays(l.StartDate, nights)}, h.lodgeWriteOptions(c, l))
		if errors.Is(err, store.ErrLodgingStale) {
			return errMoveStale
		}
		if me, ok := moves.AsError(err); ok && me.Code == moves.Conflict {
			return show(moves.FieldErrors{{Field: "location", Code: "invalid", Message: me.Message}})
		}
		if err != nil {
			if fe, err := lodgeStoreErrors(err); err == nil {
				return show(fe)
			}
			return err
		}
		text := "No change was needed."
		for _, a := range after {
			if a.ID == l.ID && (a.LocationID != l.LocationID || a.EndDate != l.EndDate) {
				text = "The person will lodge at " + h.lodgeTitle(c, a.LocationID) + lodgeStay(a) + "."
			}
		}
		h.Sessions.SetFlash(c, serve.Flash{Title: "Overnight lodge changed", Text: text})
		return serve.Redirect(c, "/move/"+d.m.ID)
	})
}

func (h *Handlers) lodgeCancelForm(c echo.Context, d moveData, l moves.Lodging, fe moves.FieldErrors) views.MoveLodgeCancelForm {
	f := views.MoveLodgeCancelForm{MoveForm: h.moveFormBase(c, d, "Cancel the overnight lodge", fe, nil), Action: "lodge/" + l.ID + "/cancel",
		Reasons: moveChoices(moves.LodgingCancellationReasons, moves.LodgingCancellationReasonLabels), LodgingVersion: l.Version}
	f.Summary = append(f.Summary, views.MovePageRow{Key: "Overnight lodge", Value: d.location(l.LocationID) + lodgeStay(l)})
	return f
}

// MoveLodgeCancelForm asks why the lodge is cancelled.
func (h *Handlers) MoveLodgeCancelForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionLodge, func(d moveData) error {
		l, err := lodgeOf(c, d)
		if err != nil {
			return err
		}
		return serve.Render(c, http.StatusOK, views.MoveLodgeCancelPage(h.lodgeCancelForm(c, d, l, nil)))
	})
}

// MoveLodgeCancel cancels the lodge (a proposed one: the person is not
// there yet).
func (h *Handlers) MoveLodgeCancel(c echo.Context) error {
	return h.movePost(c, moves.ActionLodge, func(d moveData, _ int64) error {
		l, err := lodgeForPost(c, d)
		if err != nil {
			return err
		}
		var fe moves.FieldErrors
		reason := strings.TrimSpace(c.FormValue("cancellation_reason"))
		comment := moveComment(c, &fe)
		show := func(fe moves.FieldErrors) error {
			f := h.lodgeCancelForm(c, d, l, fe)
			f.Reason, f.Comment = reason, comment
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveLodgeCancelPage(f))
		}
		if !moveChoiceIn(moveChoices(moves.LodgingCancellationReasons, nil), reason) {
			fe.Add("cancellation_reason", "blank", "Select why the overnight lodge is being cancelled")
		}
		if len(fe) > 0 {
			return show(fe)
		}
		_, err = h.Store.CancelLodging(c.Request().Context(), d.m.ID, l.ID, reason, comment, h.lodgeWriteOptions(c, l))
		if errors.Is(err, store.ErrLodgingStale) {
			return errMoveStale
		}
		if me, ok := moves.AsError(err); ok && me.Code == moves.Conflict {
			return show(moves.FieldErrors{{Field: "cancellation_reason", Code: "invalid", Message: me.Message}})
		}
		if err != nil {
			return err
		}
		h.Sessions.SetFlash(c, serve.Flash{Title: "Overnight lodge cancelled", Text: "The overnight lodge at " + d.location(l.LocationID) + " is cancelled."})
		return serve.Redirect(c, "/move/"+d.m.ID)
	})
}

// moveLodges are the move's lodges that are not cancelled, for its page,
// with PMU's links to change or cancel each.
func (h *Handlers) moveLodges(c echo.Context, d moveData) []views.MoveLodge {
	live := liveLodgings(d.lodgings)
	may := h.mayAct(c, moves.ActionLodge, d.m)
	var out []views.MoveLodge
	for i, l := range live {
		title := "Overnight lodge"
		if len(live) > 1 {
			title = fmt.Sprintf("Overnight lodge %d", i+1)
		}
		nights := strconv.Itoa(l.Nights())
		v := views.MoveLodge{ID: l.ID, Title: title, Rows: []views.MovePageRow{
			{Key: "Where", Value: d.location(l.LocationID)},
			{Key: "Arrives", Value: views.LongDate(l.StartDate)},
			{Key: "Leaves", Value: views.LongDate(l.EndDate)},
			{Key: "Nights", Value: nights},
			{Key: "Status", Value: l.Status.Label()},
		}}
		if may && (l.Status == moves.LodgingProposed || l.Status == moves.LodgingStarted) {
			v.Actions = append(v.Actions, views.Link{Text: "Change", Href: "/move/" + d.m.ID + "/lodge/" + l.ID})
		}
		if may && l.Status == moves.LodgingProposed {
			v.Actions = append(v.Actions, views.Link{Text: "Cancel", Href: "/move/" + d.m.ID + "/lodge/" + l.ID + "/cancel"})
		}
		out = append(out, v)
	}
	return out
}

// lodgeBannerTitle names the lodge's banner, which police at the custody
// suite also find their "Add events" on (custodyBanner).
const lodgeBannerTitle = "This move includes an overnight lodge"

// lodgeBanner says the move includes an overnight lodge, and where.
func lodgeBanner(d moveData) (views.MoveBanner, bool) {
	live := liveLodgings(d.lodgings)
	if len(live) == 0 {
		return views.MoveBanner{}, false
	}
	b := views.MoveBanner{Title: lodgeBannerTitle}
	for _, l := range live {
		b.Lines = append(b.Lines, "At "+d.location(l.LocationID)+lodgeStay(l)+".")
	}
	return b, true
}
