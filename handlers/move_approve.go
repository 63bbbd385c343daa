package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

var moveDateIDs = map[string]string{"date": "date-day"}

func moveApproveHint(m moves.Move) string {
	if w := moveWindow(m); w != "" {
		return "The move was asked for " + w + ". For example, 27 11 2026"
	}
	return "For example, 27 11 2026"
}

// MoveApproveForm asks PMU for the date to approve a proposed move for,
// starting from the earliest date asked for.
func (h *Handlers) MoveApproveForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionApprove, func(d moveData) error {
		f := views.MoveApproveForm{MoveForm: h.moveFormBase(c, d, "Approve this request", nil, nil), Hint: moveApproveHint(d.m)}
		start := d.m.DateFrom
		if start == "" || start < h.Today() && (d.m.DateTo == "" || d.m.DateTo >= h.Today()) {
			start = h.Today()
		}
		f.Day, f.Month, f.Year = moveDateParts(start)
		return serve.Render(c, http.StatusOK, views.MoveApprovePage(f))
	})
}

// MoveApprove records MoveApprove with the chosen date, which must fall
// inside the window asked for and not be in the past.
func (h *Handlers) MoveApprove(c echo.Context) error {
	return h.movePost(c, moves.ActionApprove, func(d moveData, version int64) error {
		m := d.m
		date, day, month, year, fe := h.moveDateAnswer(c, func(date string) string { return moveOutsideWindow(m, date) })
		show := func(fe moves.FieldErrors, existing *views.Link) error {
			f := views.MoveApproveForm{MoveForm: h.moveFormBase(c, d, "Approve this request", fe, moveDateIDs),
				Day: day, Month: month, Year: year, Hint: moveApproveHint(m)}
			f.Existing = existing
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveApprovePage(f))
		}
		if len(fe) > 0 {
			return show(fe, nil)
		}
		r, err := h.moveAppend(c, m, version, moves.EventMoveApprove, map[string]any{"date": date}, nil)
		if err != nil {
			return err
		}
		if len(r.fields) > 0 {
			return show(r.fields, r.existing)
		}
		text := "The move is now requested for " + views.LongDate(date) + "."
		if s := d.supplier(); s != "" {
			text = "The move is now requested with " + s + " for " + views.LongDate(date) + "."
		}
		return h.moveDone(c, r, "Move approved", text)
	})
}

// moveOutsideWindow says why date is outside the window a proposed move
// was asked for, or "".
func moveOutsideWindow(m moves.Move, date string) string {
	from, to := m.DateFrom, m.DateTo
	switch {
	case (from == "" || date >= from) && (to == "" || date <= to):
		return ""
	case from != "" && to != "":
		return "The date must be between " + views.LongDate(from) + " and " + views.LongDate(to)
	case from != "":
		return "The date must be on or after " + views.LongDate(from)
	}
	return "The date must be on or before " + views.LongDate(to)
}
