package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// A request PMU rejected because more information was required is sent
// again from its page (moves/resubmit.go): the requester adds the
// information and a new window of dates, and the new request waits for
// PMU's review.

var moveResubmitIDs = map[string]string{"information": "information", "date_from": "date_from", "date_to": "date_to"}

func (h *Handlers) moveResubmitForm(c echo.Context, d moveData, fe moves.FieldErrors) views.MoveResubmitForm {
	f := views.MoveResubmitForm{
		MoveForm: h.moveFormBase(c, d, "Add information and send the request again", fe, moveResubmitIDs),
		Asked:    d.m.Cancellation.Comment,
		InfoMax:  moves.MaxResubmitInformation,
	}
	// The window asked for before, while it has not passed.
	if today := h.Today(); d.m.DateFrom >= today {
		f.DateFrom, f.DateTo = views.ShortDate(d.m.DateFrom), views.ShortDate(d.m.DateTo)
	}
	return f
}

// alreadyResubmitted answers a request that was sent again already (a
// second tab, the back button, a double submission) with a conflict page
// that says so and links to the new request, rather than a bare refusal.
// It answers only those who may send the move's requests again; for any
// other case it returns false and the usual checks go on.
func (h *Handlers) alreadyResubmitted(c echo.Context) (bool, error) {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil || !moves.Resubmittable(m) {
		return false, nil
	}
	ctx := c.Request().Context()
	from, err := h.Store.Location(ctx, m.FromID)
	if err != nil || !moveMayEver(serve.CurrentUser(c), moves.ActionResubmit, m, from) {
		return false, nil
	}
	next, err := h.Store.RebookedFrom(ctx, m.ID)
	if moves.ErrorCode(err) == moves.NotFound {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	return true, serve.Render(c, http.StatusConflict, views.MoveConflictPage(views.MoveConflict{
		Page:    h.page(c, "This request has already been sent again"),
		Heading: "This request has already been sent again",
		MoveID:  m.ID,
		Lines: []string{fmt.Sprintf("Request %s was sent again with more information as move %s, which is %s.",
			m.Reference, next.Reference, strings.ToLower(next.Status.Label()))},
		Next: &views.Link{Text: "Go to move " + next.Reference, Href: "/move/" + next.ID},
	}))
}

// MoveResubmitForm asks for the information PMU wanted.
func (h *Handlers) MoveResubmitForm(c echo.Context) error {
	if done, err := h.alreadyResubmitted(c); done {
		return err
	}
	return h.moveFormGet(c, moves.ActionResubmit, func(d moveData) error {
		return serve.Render(c, http.StatusOK, views.MoveResubmitPage(h.moveResubmitForm(c, d, nil)))
	})
}

// MoveResubmit sends the request again and shows the new one.
func (h *Handlers) MoveResubmit(c echo.Context) error {
	if done, err := h.alreadyResubmitted(c); done {
		return err
	}
	return h.movePost(c, moves.ActionResubmit, func(d moveData, version int64) error {
		info := strings.TrimSpace(c.FormValue("information"))
		fromText, toText := strings.TrimSpace(c.FormValue("date_from")), strings.TrimSpace(c.FormValue("date_to"))
		var fe moves.FieldErrors
		switch {
		case info == "":
			fe.Add("information", "blank", "Enter the information PMU asked for")
		case reqTooLong(info, moves.MaxResubmitInformation):
			fe.Add("information", "too_long", fmt.Sprintf("The information must be %d characters or fewer", moves.MaxResubmitInformation))
		}
		day := func(field, text, what string) string {
			d, err := moves.ParseHumanDate(text, h.Now().In(serve.London))
			switch {
			case err != nil:
				fe.Add(field, "invalid", "Enter the "+what+" as a real date, like 22/11/2026, 22 November 2026 or next Friday")
			case d < h.Today():
				fe.Add(field, "past", reqCapitalise("the "+what)+" must be today or in the future")
			default:
				return d
			}
			return ""
		}
		from, to := "", ""
		if fromText == "" {
			fe.Add("date_from", "blank", "Enter the earliest date of travel")
		} else {
			from = day("date_from", fromText, "earliest date of travel")
		}
		if toText != "" {
			if to = day("date_to", toText, "latest date of travel"); to != "" && from != "" && to < from {
				fe.Add("date_to", "invalid", "The latest date of travel must be the same as or after the earliest date")
			}
		}
		show := func(fe moves.FieldErrors) error {
			f := h.moveResubmitForm(c, d, fe)
			f.Information, f.DateFrom, f.DateTo = info, fromText, toText
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveResubmitPage(f))
		}
		if len(fe) > 0 {
			return show(fe)
		}
		u := serve.CurrentUser(c)
		next, err := h.Store.ResubmitMove(c.Request().Context(), store.Resubmission{MoveID: d.m.ID, Version: version, By: u.Username,
			Information: info, DateFrom: from, DateTo: to})
		if e, ok := moves.AsError(err); ok {
			switch {
			case e.Code == moves.Conflict:
				// Changed or sent again meanwhile: the conflict page says
				// what happened.
				if done, err := h.alreadyResubmitted(c); done {
					return err
				}
				return errMoveStale
			case e.Code == moves.Invalid && len(e.Fields) > 0:
				return show(e.Fields)
			}
		}
		if err != nil {
			return err
		}
		h.logFor(c).Info("request sent again", "move", d.m.ID, "new_move", next.ID, "by", u.Username)
		h.Sessions.SetFlash(c, serve.Flash{Title: "Request sent again",
			Text: "Move " + next.Reference + " is waiting for the Population Management Unit (PMU) to review it."})
		return serve.Redirect(c, "/move/"+next.ID)
	})
}
