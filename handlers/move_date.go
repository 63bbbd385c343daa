package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

func moveDateHint(m moves.Move) string {
	return "It is now on " + views.LongDate(m.Date) + ". For example, 27 11 2026"
}

func (h *Handlers) moveDateForm(c echo.Context, d moveData, fe moves.FieldErrors) views.MoveDateForm {
	return views.MoveDateForm{
		MoveForm: h.moveFormBase(c, d, "Change the date", fe, moveDateIDs),
		Hint:     moveDateHint(d.m),
		Reasons:  moveChoices(moves.DateChangedReasons, moves.DateChangedReasonLabels),
	}
}

// MoveDateForm asks for a move's new date and, optionally, why it
// changes. Proposed moves have no date to change: approving gives them one.
func (h *Handlers) MoveDateForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionChangeDate, func(d moveData) error {
		if lodgeKeepsDate(d) {
			return moveForbidden()
		}
		return serve.Render(c, http.StatusOK, views.MoveDatePage(h.moveDateForm(c, d, nil)))
	})
}

// moveDateAnswer reads a form's date question: the date, the day, month
// and year as typed, and its error: the date unreadable or in the past, or
// what rule says against it ("" when nothing).
func (h *Handlers) moveDateAnswer(c echo.Context, rule func(date string) string) (date, day, month, year string, fe moves.FieldErrors) {
	date, day, month, year, msg := h.moveReadFutureDate(c)
	if msg == "" {
		msg = rule(date)
	}
	if msg != "" {
		fe.Add("date", "invalid", msg)
	}
	return date, day, month, year, fe
}

// MoveChangeDate records MoveDateChanged.
func (h *Handlers) MoveChangeDate(c echo.Context) error {
	return h.movePost(c, moves.ActionChangeDate, func(d moveData, version int64) error {
		if lodgeKeepsDate(d) {
			return moveForbidden()
		}
		m := d.m
		date, day, month, year, fe := h.moveDateAnswer(c, func(date string) string {
			if date == m.Date {
				return "The new date must be different from the date the move is on now"
			}
			return ""
		})
		reason := strings.TrimSpace(c.FormValue("date_changed_reason"))
		if reason != "" && !moveChoiceIn(moveChoices(moves.DateChangedReasons, nil), reason) {
			fe.Add("date_changed_reason", "inclusion", "Select a reason from the list")
		}
		show := func(fe moves.FieldErrors, existing *views.Link) error {
			f := h.moveDateForm(c, d, fe)
			f.Day, f.Month, f.Year, f.Reason, f.Existing = day, month, year, reason, existing
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveDatePage(f))
		}
		if len(fe) > 0 {
			return show(fe, nil)
		}
		details := map[string]any{"date": date}
		if reason != "" {
			details["date_changed_reason"] = reason
		}
		r, err := h.moveAppend(c, m, version, moves.EventMoveDateChanged, details, nil)
		if err != nil {
			return err
		}
		if len(r.fields) > 0 {
			return show(r.fields, r.existing)
		}
		return h.moveDone(c, r, "Move date changed", "The move is now on "+views.LongDate(date)+".")
	})
}

// lodgeKeepsDate says a move's overnight lodge keeps it on its date (the
// store refuses the change too): the lodge's nights follow from it.
func lodgeKeepsDate(d moveData) bool { return len(liveLodgings(d.lodgings)) > 0 }
