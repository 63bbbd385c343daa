package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// The police custody form (upstream's "Add lockout events" and "Add
// overnight lodge events"): police at the custody suite a person was
// lodged in record what happened there, each ticked item as its catalogue
// event (moves.ValidateLockoutForm) with the officer as created_by, all in
// one unit of work. Who may: moves.CustodyRecordingLocation.

// custodyPlace is where the signed-in officer may record custody events
// for m, and whether they may.
func (h *Handlers) custodyPlace(c echo.Context, m moves.Move) (string, bool, error) {
	u := serve.CurrentUser(c)
	if u == nil || u.Role != moves.RolePolice {
		return "", false, nil
	}
	custody, err := h.Store.CustodyLocations(c.Request().Context(), m.ID)
	if err != nil {
		return "", false, err
	}
	current := ""
	if u.Current != nil {
		current = u.Current.ID
	}
	loc, ok := moves.CustodyRecordingLocation(u.Viewer(), m, custody, current)
	return loc, ok, nil
}

// custodyMove loads a move the officer may record custody events for: a
// move they cannot see is not found, one they see but may not record for
// is forbidden.
func (h *Handlers) custodyMove(c echo.Context) (moveData, string, error) {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil {
		return moveData{}, "", err
	}
	loc, ok, err := h.custodyPlace(c, m)
	if err != nil {
		return moveData{}, "", err
	}
	if !ok {
		return moveData{}, "", moveForbidden()
	}
	d, err := h.loadMove(c.Request().Context(), m)
	return d, loc, err
}

// custodyHeading names the form after what kept the person overnight.
func custodyHeading(m moves.Move) (heading, done string) {
	if m.Lockout {
		return "Add lockout events", "Lockout events added"
	}
	return "Add overnight lodge events", "Overnight lodge events added"
}

// custodyForm builds the form with what was submitted, if anything.
func (h *Handlers) custodyForm(c echo.Context, d moveData, loc string, a moves.LockoutAnswers, fe moves.FieldErrors) views.CustodyEventsForm {
	heading, _ := custodyHeading(d.m)
	ids := map[string]string{moves.LockoutEventsField: views.CustodyEventsName}
	f := views.CustodyEventsForm{MoveForm: h.moveFormBase(c, d, heading, fe, ids), Heading: heading, Location: d.location(loc)}
	f.Submission = serve.KeptFormToken(c)
	f.Summary = append(f.Summary, views.MovePageRow{Key: "Custody suite", Value: d.location(loc)})
	qs := moves.LockoutQuestions()
	for gi, g := range moves.LockoutGroups {
		grp := views.CustodyEventGroup{Heading: g.Heading, IDPrefix: views.CustodyEventsName}
		if gi > 0 {
			grp.IDPrefix = views.CustodyEventsName + "-" + g.Key
		}
		for _, q := range qs {
			if q.Group != g.Key {
				continue
			}
			grp.Items = append(grp.Items, views.CustodyEventItem{Value: q.Value, Label: q.Label, Hint: q.Hint,
				Checked: slices.Contains(a.Selected, q.Value), DetailsField: q.DetailsField, DetailsLabel: q.DetailsLabel,
				Details: a.Details[q.DetailsField]})
		}
		f.Groups = append(f.Groups, grp)
	}
	return f
}

// CustodyEventsForm shows the police custody form.
func (h *Handlers) CustodyEventsForm(c echo.Context) error {
	d, loc, err := h.custodyMove(c)
	if err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.CustodyEventsPage(h.custodyForm(c, d, loc, moves.LockoutAnswers{}, nil)))
}

// CustodyEvents records the ticked events, or shows the form again with
// what is wrong (422, nothing recorded).
func (h *Handlers) CustodyEvents(c echo.Context) error {
	d, loc, err := h.custodyMove(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "the form could not be read")
	}
	a := moves.LockoutAnswers{Selected: form[moves.LockoutEventsField], Details: map[string]string{}}
	for _, q := range moves.LockoutQuestions() {
		a.Details[q.DetailsField] = form.Get(q.DetailsField)
	}
	var long moves.FieldErrors
	for _, q := range moves.LockoutQuestions() {
		if slices.Contains(a.Selected, q.Value) && len([]rune(a.Details[q.DetailsField])) > maxCommentLength {
			long.Add(q.DetailsField, "too_long", fmt.Sprintf("Details must be %d characters or fewer", maxCommentLength))
		}
	}
	if len(long) > 0 {
		return serve.Render(c, http.StatusUnprocessableEntity, views.CustodyEventsPage(h.custodyForm(c, d, loc, a, long)))
	}
	u := serve.CurrentUser(c)
	events, fe := moves.ValidateLockoutForm(a, moves.LockoutContext{MoveID: d.m.ID, LocationID: loc, At: h.Now().UTC(), By: u.Username})
	if len(fe) > 0 {
		return serve.Render(c, http.StatusUnprocessableEntity, views.CustodyEventsPage(h.custodyForm(c, d, loc, a, fe)))
	}
	// Sent twice (a double click), the events are recorded once.
	if _, _, err := serve.Once(c, h.Store, "custody", serve.FormToken(c), func(ctx context.Context) (string, error) {
		_, _, err := h.Store.AppendEvents(ctx, events, store.AppendOptions{By: u.Username})
		return d.m.ID, err
	}); err != nil {
		if me, ok := moves.AsError(err); ok && me.Code == moves.Invalid && len(me.Fields) > 0 {
			return serve.Render(c, http.StatusUnprocessableEntity, views.CustodyEventsPage(h.custodyForm(c, d, loc, a, me.Fields)))
		}
		return err
	}
	_, done := custodyHeading(d.m)
	text := "1 event was added to the move's history."
	if len(events) > 1 {
		text = fmt.Sprintf("%d events were added to the move's history.", len(events))
	}
	h.Sessions.SetFlash(c, serve.Flash{Title: done, Text: text})
	return serve.Redirect(c, "/move/"+d.m.ID)
}

// custodyBanner offers police at the custody suite "Add events": on the
// lockout banner of a locked-out move, else on the overnight lodge's
// banner (one region for the lodge, not two), or on a banner of its own
// when the lodge was recorded without being planned. Everyone else gets
// the banners as they are.
func (h *Handlers) custodyBanner(c echo.Context, d moveData, banners []views.MoveBanner) []views.MoveBanner {
	loc, ok, err := h.custodyPlace(c, d.m)
	if err != nil || !ok {
		return banners
	}
	link := &views.Link{Text: "Add events", Href: "/move/" + d.m.ID + "/custody-events"}
	if d.m.Lockout {
		for i := range banners {
			if banners[i].Title == lockoutBannerTitle {
				banners[i].Link = link
				return banners
			}
		}
	}
	ask := "Record anything that happened while the person was in your custody at " + d.location(loc) + "."
	for i := range banners {
		if banners[i].Title == lodgeBannerTitle {
			banners[i].Lines = append(banners[i].Lines, ask)
			banners[i].Link = link
			return banners
		}
	}
	return append(banners, views.MoveBanner{Warning: true, Title: "Overnight lodge in police custody",
		Lines: []string{"The person was lodged at " + d.location(loc) + ". Record anything that happened while they were in your custody."},
		Link:  link})
}
