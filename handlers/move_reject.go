package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// MoveRejectForm asks PMU why a request is rejected and whether to propose
// it again in a week.
func (h *Handlers) MoveRejectForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionReject, func(d moveData) error {
		return serve.Render(c, http.StatusOK, views.MoveRejectPage(views.MoveRejectForm{
			MoveForm: h.moveFormBase(c, d, "Reject this request", nil, nil),
			Reasons:  moveChoices(moves.RejectionReasons, moves.RejectionReasonLabels),
			NoRebook: !moves.Rebookable(d.m),
		}))
	})
}

// MoveReject records MoveReject. With rebook, the store proposes the same
// move again seven days later, linked to this one.
func (h *Handlers) MoveReject(c echo.Context) error {
	return h.movePost(c, moves.ActionReject, func(d moveData, version int64) error {
		f := views.MoveRejectForm{
			Reasons:  moveChoices(moves.RejectionReasons, moves.RejectionReasonLabels),
			Reason:   strings.TrimSpace(c.FormValue("rejection_reason")),
			Rebook:   strings.TrimSpace(c.FormValue("rebook")),
			NoRebook: !moves.Rebookable(d.m),
		}
		var fe moves.FieldErrors
		if !moveChoiceIn(f.Reasons, f.Reason) {
			fe.Add("rejection_reason", "blank", "Select why you are rejecting the request")
		}
		switch {
		case f.NoRebook && f.Rebook == "true":
			// The form does not ask (nobody to propose again), and the
			// move's version is checked, so only a forged form says so.
			return echo.NewHTTPError(http.StatusBadRequest, "this move cannot be proposed again")
		case f.NoRebook:
			f.Rebook = "false"
		case f.Rebook != "true" && f.Rebook != "false":
			fe.Add("rebook", "blank", "Select whether the move should be proposed again")
		}
		f.Comment = moveComment(c, &fe)
		show := func(fe moves.FieldErrors) error {
			f.MoveForm = h.moveFormBase(c, d, "Reject this request", fe, nil)
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveRejectPage(f))
		}
		if len(fe) > 0 {
			return show(fe)
		}
		details := map[string]any{"rejection_reason": f.Reason, "rebook": f.Rebook == "true"}
		if f.Comment != "" {
			details["cancellation_reason_comment"] = f.Comment
		}
		r, err := h.moveAppend(c, d.m, version, moves.EventMoveReject, details, nil)
		if err != nil {
			return err
		}
		if len(r.fields) > 0 {
			return show(r.fields)
		}
		text := "Reason: " + moves.Label(moves.RejectionReasonLabels, f.Reason) + "."
		if f.Rebook == "true" {
			if nb, err := h.Store.RebookedFrom(c.Request().Context(), d.m.ID); err == nil {
				text += " It has been proposed again as move " + nb.Reference + moveFromDate(nb) + "."
			} else {
				text += fmt.Sprintf(" It will be proposed again %d days later.", moves.RebookDays)
			}
		}
		return h.moveDone(c, r, "Request rejected", text)
	})
}
