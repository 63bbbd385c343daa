package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// moveCancelForm fills the parts of the cancel form that depend on the
// move: the reasons offered for its type, and a warning when it is due
// today.
func (h *Handlers) moveCancelForm(c echo.Context, d moveData, fe moves.FieldErrors) views.MoveCancelForm {
	f := views.MoveCancelForm{
		MoveForm: h.moveFormBase(c, d, "Cancel this move", fe, nil),
		Reasons:  moveChoices(moves.CancellationReasonsFor(d.m.MoveType), moves.CancellationReasonLabels),
	}
	if d.m.Date == h.Today() && d.m.Status != moves.StatusProposed {
		who := d.supplier()
		if who == "" {
			who = "the supplier"
		}
		f.SameDay = "This move is due today. You must also tell " + who + " that it is cancelled."
	}
	return f
}

// MoveCancelForm asks why a move is cancelled, offering the reasons for
// its type.
func (h *Handlers) MoveCancelForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionCancel, func(d moveData) error {
		return serve.Render(c, http.StatusOK, views.MoveCancelPage(h.moveCancelForm(c, d, nil)))
	})
}

// MoveCancel records MoveCancel with the reason and optional comment.
func (h *Handlers) MoveCancel(c echo.Context) error {
	return h.movePost(c, moves.ActionCancel, func(d moveData, version int64) error {
		reason := strings.TrimSpace(c.FormValue("cancellation_reason"))
		var fe moves.FieldErrors
		reasons := moveChoices(moves.CancellationReasonsFor(d.m.MoveType), moves.CancellationReasonLabels)
		if !moveChoiceIn(reasons, reason) {
			fe.Add("cancellation_reason", "blank", "Select why you are cancelling the move")
		}
		comment := moveComment(c, &fe)
		if reason == "other" && comment == "" {
			fe.Add("cancellation_reason_comment", "blank", "Say why you are cancelling the move")
		}
		show := func(fe moves.FieldErrors) error {
			f := h.moveCancelForm(c, d, fe)
			f.Reason, f.Comment = reason, comment
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveCancelPage(f))
		}
		if len(fe) > 0 {
			return show(fe)
		}
		details := map[string]any{"cancellation_reason": reason}
		if comment != "" {
			details["cancellation_reason_comment"] = comment
		}
		r, err := h.moveAppend(c, d.m, version, moves.EventMoveCancel, details, nil)
		if err != nil {
			return err
		}
		if len(r.fields) > 0 {
			return show(r.fields)
		}
		return h.moveDone(c, r, "Move cancelled", "Reason: "+moves.Label(moves.CancellationReasonLabels, reason)+".")
	})
}
