package handlers

import (
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

// Every action on a move (approve, reject, cancel, redirect, change date)
// is a GOV.UK question page at /move/:id/<action>: GET shows the form,
// POST records the matching catalogue event with the user as created_by.
// The checks run in this order:
//
//  1. a move the user may not see is not found (404);
//  2. an action the user's role may never take on this move is forbidden
//     (403);
//  3. a form made from an older version of the move is a conflict (409),
//     naming what changed it, and nothing is saved;
//  4. an action the move's current status does not allow is forbidden;
//  5. invalid answers show the form again with an error summary (422);
//  6. the event is appended with the version as ExpectedVersion, so a
//     change that lands in between is a conflict too.

// maxCommentLength bounds free-text answers.
const maxCommentLength = moves.MaxComment

// errMoveStale says the form was made from an older version of the move.
var errMoveStale = errors.New("the move changed after the form was made")

func moveForbidden() error {
	return moves.Errorf(moves.Forbidden, "you may not do that to this move")
}

// moveMayEver reports whether the user's role could take the action on
// this move in some status: for police and prison staff, only on moves
// from their own locations.
func moveMayEver(u *serve.Principal, a moves.Action, m moves.Move, from moves.Location) bool {
	if u == nil {
		return false
	}
	if !moves.ActsFromOwnLocation(u.Viewer(), m) {
		return false
	}
	for _, s := range moves.Statuses {
		mm := m
		mm.Status = s
		if moves.Allowed(u.Role, a, mm, from) {
			return true
		}
	}
	return false
}

// moveForForm loads a move for an action's form: visible, and the action
// allowed now.
func (h *Handlers) moveForForm(c echo.Context, a moves.Action) (moves.Move, error) {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil {
		return m, err
	}
	if !h.mayAct(c, a, m) {
		return m, moveForbidden()
	}
	return m, nil
}

// moveForPost loads a move for an action's submission and the version the
// form was made from. errMoveStale means the move changed since.
func (h *Handlers) moveForPost(c echo.Context, a moves.Action) (moves.Move, int64, error) {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil {
		return m, 0, err
	}
	from, err := h.Store.Location(c.Request().Context(), m.FromID)
	if err != nil {
		return m, 0, err
	}
	if !moveMayEver(serve.CurrentUser(c), a, m, from) {
		return m, 0, moveForbidden()
	}
	version, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("version")), 10, 64)
	if err != nil || version <= 0 {
		return m, 0, echo.NewHTTPError(http.StatusBadRequest, "the form has no move version")
	}
	if version != m.Version {
		return m, version, errMoveStale
	}
	if !h.mayAct(c, a, m) {
		return m, version, moveForbidden()
	}
	return m, version, nil
}

// moveFormBase fills what every action's form shows.
func (h *Handlers) moveFormBase(c echo.Context, d moveData, title string, fe moves.FieldErrors, ids map[string]string) views.MoveForm {
	m := d.m
	p := h.page(c, title)
	p.Back = &views.Link{Text: "Back", Href: "/move/" + m.ID}
	f := views.MoveForm{
		Page:       p,
		MoveID:     m.ID,
		Reference:  m.Reference,
		PersonName: d.person.FullName(),
		Version:    m.Version,
		Errors:     serve.ViewErrors(fe, ids),
	}
	f.Page.HasErrors = len(f.Errors) > 0
	f.Summary = []views.MovePageRow{
		{Key: "From", Value: d.location(m.FromID)},
		{Key: "To", Value: orNotGiven(d.location(m.ToID))},
	}
	if m.Date != "" {
		f.Summary = append(f.Summary, views.MovePageRow{Key: "Date", Value: views.LongDate(m.Date)})
	} else if w := moveWindow(m); w != "" {
		f.Summary = append(f.Summary, views.MovePageRow{Key: "Dates asked for", Value: strings.ToUpper(w[:1]) + w[1:]})
	}
	f.Summary = append(f.Summary, views.MovePageRow{Key: "Move type", Value: m.MoveType.Label()})
	return f
}

// moveConflict answers a form made from an older version of the move:
// 409, naming what changed it; nothing was saved.
func (h *Handlers) moveConflict(c echo.Context, id string) error {
	ctx := c.Request().Context()
	m, err := h.Store.Move(ctx, id)
	if err != nil {
		return err
	}
	d, err := h.loadMove(ctx, m)
	if err != nil {
		return err
	}
	var lines []string
	var latest *moves.Event
	for i := range d.events {
		if e := &d.events[i]; e.Applied && !e.Type.IsCreation() && (latest == nil || e.Seq > latest.Seq) {
			latest = e
		}
	}
	if latest != nil {
		t := views.DescribeEvent(*latest, d.names())
		lines = append(lines, fmt.Sprintf("It changed while you were working on it. The latest change: %s, recorded by %s at %s. %s",
			strings.ToLower(t.Heading[:1])+t.Heading[1:], t.RecordedBy, views.TimelineTime(latest.CreatedAt), t.Sentence))
	} else {
		lines = append(lines, "It changed while you were working on it.")
	}
	lines = append(lines, "The move is now "+strings.ToLower(m.Status.Label())+".")
	p := h.page(c, "This move has changed")
	return serve.Render(c, http.StatusConflict, views.MoveConflictPage(views.MoveConflict{Page: p, MoveID: m.ID, Lines: lines}))
}

// moveAppendResult is what recording an action's event gave.
type moveAppendResult struct {
	event moves.Event
	move  moves.Move
	// fields are problems to show on the form (422), with existing set
	// when the change would duplicate another move.
	fields   moves.FieldErrors
	existing *views.Link
}

// moveAppend records an action's event as the signed-in user, refusing it
// if the move has moved on from version. A stale version gives
// errMoveStale; problems the person can fix come back as fields.
func (h *Handlers) moveAppend(c echo.Context, m moves.Move, version int64, t moves.EventType, details map[string]any, rels map[string]string) (moveAppendResult, error) {
	u := serve.CurrentUser(c)
	now := h.Now().UTC()
	ev := moves.Event{Type: t, MoveID: m.ID, OccurredAt: now, RecordedAt: now, CreatedBy: u.Username, Details: details, Rels: rels}
	e, nm, err := h.Store.AppendEvent(c.Request().Context(), ev, store.AppendOptions{ExpectedVersion: version, By: u.Username})
	if err == nil {
		return moveAppendResult{event: e, move: nm}, nil
	}
	me, ok := moves.AsError(err)
	switch {
	case ok && me.Code == moves.Conflict && me.ExistingID != "":
		res := moveAppendResult{fields: me.Fields}
		if len(res.fields) == 0 {
			res.fields = moves.FieldErrors{{Field: "date", Code: "taken", Message: me.Message}}
		}
		if ex, err := h.Store.Move(c.Request().Context(), me.ExistingID); err == nil {
			res.existing = &views.Link{Text: "View the existing move " + ex.Reference, Href: "/move/" + ex.ID}
		}
		return res, nil
	case ok && me.Code == moves.Conflict:
		return moveAppendResult{}, errMoveStale
	case ok && me.Code == moves.Invalid && len(me.Fields) > 0:
		return moveAppendResult{fields: me.Fields}, nil
	}
	return moveAppendResult{}, err
}

// moveDone ends a successful submission: the banner for the move page,
// then 303 to it. An event that was stored but could not apply is told as
// it is.
func (h *Handlers) moveDone(c echo.Context, r moveAppendResult, title, text string) error {
	if !r.event.Applied {
		h.Sessions.SetFlash(c, serve.Flash{Important: true, Title: "Your change was recorded but not applied",
			Text: r.event.Reason + ". The move has not changed; check it and its timeline."})
	} else {
		h.Sessions.SetFlash(c, serve.Flash{Title: title, Text: text})
	}
	return serve.Redirect(c, "/move/"+r.move.ID)
}

// moveDateParts splits YYYY-MM-DD into day, month and year as a date
// input shows them.
func moveDateParts(d string) (day, month, year string) {
	parts := strings.Split(d, "-")
	if len(parts) != 3 {
		return "", "", ""
	}
	trim := func(s string) string {
		if t := strings.TrimLeft(s, "0"); t != "" {
			return t
		}
		return s
	}
	return trim(parts[2]), trim(parts[1]), parts[0]
}

// moveReadDate reads a GOV.UK date input named date-day, date-month and
// date-year. It returns the date as YYYY-MM-DD, or a message.
func moveReadDate(c echo.Context) (date, day, month, year, msg string) {
	day = strings.TrimSpace(c.FormValue("date-day"))
	month = strings.TrimSpace(c.FormValue("date-month"))
	year = strings.TrimSpace(c.FormValue("date-year"))
	var missing []string
	for _, p := range []struct{ name, v string }{{"day", day}, {"month", month}, {"year", year}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	switch {
	case len(missing) == 3:
		return "", day, month, year, "Enter the date"
	case len(missing) > 0:
		return "", day, month, year, "The date must include a " + strings.Join(missing, " and a ")
	}
	if len(year) != 4 {
		return "", day, month, year, "The year must include 4 numbers"
	}
	d, err1 := strconv.Atoi(day)
	mo, err2 := strconv.Atoi(month)
	y, err3 := strconv.Atoi(year)
	if err1 != nil || err2 != nil || err3 != nil {
		return "", day, month, year, "The date must be a real date"
	}
	date, err := moves.ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, mo, d))
	if err != nil {
		return "", day, month, year, "The date must be a real date"
	}
	return date, day, month, year, ""
}

// moveReadFutureDate reads the date fields and refuses a past date: no
// action moves anything into the past.
func (h *Handlers) moveReadFutureDate(c echo.Context) (date, day, month, year, msg string) {
	date, day, month, year, msg = moveReadDate(c)
	if msg == "" && date < h.Today() {
		msg = "The date must be today or in the future"
	}
	return date, day, month, year, msg
}

// moveChoices turns keys into choices with their labels.
func moveChoices(keys []string, labels map[string]string) []views.MoveChoice {
	out := make([]views.MoveChoice, 0, len(keys))
	for _, k := range keys {
		out = append(out, views.MoveChoice{Value: k, Text: moves.Label(labels, k)})
	}
	return out
}

func moveChoiceIn(choices []views.MoveChoice, v string) bool {
	for _, c := range choices {
		if c.Value == v {
			return true
		}
	}
	return false
}

// moveComment reads an optional free-text answer.
func moveComment(c echo.Context, fe *moves.FieldErrors) string {
	s := strings.TrimSpace(c.FormValue("cancellation_reason_comment"))
	if len([]rune(s)) > maxCommentLength {
		fe.Add("cancellation_reason_comment", "too_long", fmt.Sprintf("More information must be %d characters or fewer", maxCommentLength))
	}
	return s
}

// movePost is the skeleton every action's POST shares: load and check the
// move, then let submit validate and record, answering a stale form with
// the conflict page.
func (h *Handlers) movePost(c echo.Context, a moves.Action, submit func(d moveData, version int64) error) error {
	m, version, err := h.moveForPost(c, a)
	if errors.Is(err, errMoveStale) {
		return h.moveConflict(c, m.ID)
	}
	if err != nil {
		return err
	}
	d, err := h.loadMove(c.Request().Context(), m)
	if err != nil {
		return err
	}
	err = submit(d, version)
	if errors.Is(err, errMoveStale) {
		return h.moveConflict(c, m.ID)
	}
	return err
}

// moveFormGet is the skeleton every action's GET shares: a visible move
// and the action allowed now.
func (h *Handlers) moveFormGet(c echo.Context, a moves.Action, show func(d moveData) error) error {
	m, err := h.moveForForm(c, a)
	if err != nil {
		return err
	}
	d, err := h.loadMove(c.Request().Context(), m)
	if err != nil {
		return err
	}
	return show(d)
}
