package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Changing a request before the person leaves custody (moves.ActionChange):
// the move's time due and additional information at /move/:id/details,
// and the person's risk, health or court information at
// /move/:id/information/:category. They share the move actions' checks
// (move_actions.go): visible, allowed for the role and status, the form's
// version current, so a change made meanwhile is refused naming it.

// changeDone ends a successful change: a banner, then 303 to the move.
func (h *Handlers) changeDone(c echo.Context, r store.RequestChanged, title, text string) error {
	if r.Event.ID == "" {
		h.Sessions.SetFlash(c, serve.Flash{Title: "Nothing changed", Text: "Your answers are the ones already recorded."})
	} else {
		h.Sessions.SetFlash(c, serve.Flash{Title: title, Text: text})
	}
	return serve.Redirect(c, "/move/"+r.Move.ID)
}

// changeError turns the store's refusal of a change into what the form
// shows: a stale version is the conflict page.
func changeError(err error) error {
	if moves.ErrorCode(err) == moves.Conflict {
		return errMoveStale
	}
	return err
}

func (h *Handlers) moveDetailsForm(c echo.Context, d moveData, fe views.Errors) views.MoveDetailsForm {
	f := views.MoveDetailsForm{MoveForm: h.moveFormBase(c, d, "Change move details", nil, nil), Notes: d.m.Notes,
		HasDate: d.m.Date != "", NotesMax: reqNotesMax}
	f.Errors = fe
	f.Page.HasErrors = len(fe) > 0
	if d.m.TimeDue != nil {
		f.TimeDue = d.m.TimeDue.In(serve.London).Format("15:04")
	}
	return f
}

// MoveDetailsForm asks for a move's new time due and additional
// information.
func (h *Handlers) MoveDetailsForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionChange, func(d moveData) error {
		return serve.Render(c, http.StatusOK, views.MoveDetailsPage(h.moveDetailsForm(c, d, nil)))
	})
}

// MoveChangeDetails records MoveUpdate with the new time due and
// additional information.
func (h *Handlers) MoveChangeDetails(c echo.Context) error {
	return h.movePost(c, moves.ActionChange, func(d moveData, version int64) error {
		timeValue := strings.TrimSpace(c.FormValue("time_due"))
		notes := strings.TrimSpace(c.FormValue("additional_information"))
		var errs views.Errors
		hhmm := ""
		if timeValue != "" && d.m.Date != "" {
			var ok bool
			if hhmm, ok = reqParseTime(timeValue); !ok {
				errs = append(errs, views.FieldError{ID: "time_due", Message: "Enter a time in the correct format, like 10am or 14:30"})
			}
		}
		if reqTooLong(notes, reqNotesMax) {
			errs = append(errs, views.FieldError{ID: "additional_information", Message: fmt.Sprintf("Additional information must be %d characters or fewer", reqNotesMax)})
		}
		if len(errs) > 0 {
			f := h.moveDetailsForm(c, d, errs)
			f.TimeDue, f.Notes = timeValue, notes
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveDetailsPage(f))
		}
		due := d.m.TimeDue
		if d.m.Date != "" {
			due = reqTimeDue(d.m.Date, hhmm)
		}
		u := serve.CurrentUser(c)
		r, err := h.Store.ChangeMoveDetails(c.Request().Context(), store.MoveDetailsChange{MoveID: d.m.ID, Version: version, By: u.Username,
			TimeDue: due, Notes: notes})
		if err != nil {
			return changeError(err)
		}
		return h.changeDone(c, r, "Move details changed", "The supplier will be told of the change.")
	})
}

// moveFlagsForm fills the question of one category from the move's
// profile.
func (h *Handlers) moveFlagsForm(c echo.Context, d moveData, fp reqFlagPage) views.MoveFlagsForm {
	cat := string(fp.Category)
	f := views.MoveFlagsForm{MoveForm: h.moveFormBase(c, d, fp.Title, nil, nil), Category: cat,
		Flags: views.RequestFlags{Name: cat, Title: fp.Title, Hint: fp.Hint, None: fp.None, DetailsMax: reqDetailsMax}}
	answered := false
	for _, o := range fp.Options {
		ch := views.RequestFlagChoice{Key: o.Key, Label: o.Label, DetailsID: reqDetailsID(cat, o.Key)}
		for _, fl := range d.profile.Flags {
			if fl.Category == fp.Category && fl.Key == o.Key {
				ch.Checked, ch.Details, answered = true, fl.Details, true
			}
		}
		f.Flags.Options = append(f.Flags.Options, ch)
	}
	f.Flags.NoneChecked = !answered
	return f
}

// moveFlagPage is the question of the category in the address. Court
// information exists only on court moves (the request asks it of them
// alone, and upstream answers 404 on others), so on any other move its
// page is not found, whoever asks, as an unknown category is.
func (h *Handlers) moveFlagPage(c echo.Context) (reqFlagPage, error) {
	fp, ok := reqFlagPageFor(c.Param("category"))
	if !ok {
		return fp, moves.Errorf(moves.NotFound, "no such information")
	}
	if fp.Category == moves.FlagCourt {
		m, err := h.visibleMove(c, c.Param("id"))
		if err != nil {
			return fp, err
		}
		if !moves.FlagCategoryApplies(m.MoveType, fp.Category) {
			return fp, moves.Errorf(moves.NotFound, "no court information on this move")
		}
	}
	return fp, nil
}

// moveFlagsNoPerson answers the flag pages of an allocation's place that
// nobody has been added to yet: the information belongs to a person's
// profile, and the place has neither, so there is nothing to change until
// allocation staff add someone.
func (h *Handlers) moveFlagsNoPerson(c echo.Context, d moveData, sent bool) error {
	title := "Add a person to this place first"
	v := views.MoveConflict{Page: h.page(c, title), Heading: title, MoveID: d.m.ID, Unsent: !sent,
		Lines: []string{"Move " + d.m.Reference + " is a place in an allocation that nobody has been added to yet.",
			"Risk, health and court information is about the person being moved, so it can be changed once someone is added to the place."}}
	if d.m.AllocationID != "" {
		v.Next = &views.Link{Text: "Go to the allocation", Href: allocHref(d.m.AllocationID)}
	}
	return serve.Render(c, http.StatusConflict, views.MoveConflictPage(v))
}

// MoveFlagsForm asks again the request's risk, health or court question,
// with the answers recorded.
func (h *Handlers) MoveFlagsForm(c echo.Context) error {
	fp, err := h.moveFlagPage(c)
	if err != nil {
		return err
	}
	return h.moveFormGet(c, moves.ActionChange, func(d moveData) error {
		if d.m.PersonID == "" {
			return h.moveFlagsNoPerson(c, d, false)
		}
		return serve.Render(c, http.StatusOK, views.MoveFlagsPage(h.moveFlagsForm(c, d, fp)))
	})
}

// MoveChangeFlags records ProfileUpdate with what was added, removed or
// given new details.
func (h *Handlers) MoveChangeFlags(c echo.Context) error {
	fp, err := h.moveFlagPage(c)
	if err != nil {
		return err
	}
	return h.movePost(c, moves.ActionChange, func(d moveData, version int64) error {
		if d.m.PersonID == "" {
			return h.moveFlagsNoPerson(c, d, true)
		}
		form, err := c.FormParams()
		if err != nil {
			return err
		}
		cat := string(fp.Category)
		chosen := form[cat]
		f := h.moveFlagsForm(c, d, fp)
		var errs views.Errors
		var flags []moves.Flag
		known := true
		for _, v := range chosen {
			if v != "none" && !slices.ContainsFunc(fp.Options, func(o reqFlagOption) bool { return o.Key == v }) {
				known = false
			}
		}
		f.Flags.NoneChecked = slices.Contains(chosen, "none")
		for i, o := range f.Flags.Options {
			f.Flags.Options[i].Details = strings.TrimSpace(c.FormValue(o.DetailsID))
			f.Flags.Options[i].Checked = slices.Contains(chosen, o.Key)
			if !f.Flags.Options[i].Checked {
				continue
			}
			if reqTooLong(f.Flags.Options[i].Details, reqDetailsMax) {
				errs = append(errs, views.FieldError{ID: o.DetailsID, Message: fmt.Sprintf("Details must be %d characters or fewer", reqDetailsMax)})
			}
			flags = append(flags, moves.Flag{Category: fp.Category, Key: o.Key, Details: f.Flags.Options[i].Details})
		}
		switch {
		case !known, len(chosen) == 0:
			errs = append(views.Errors{{ID: cat, Message: fp.Blank}}, errs...)
		case f.Flags.NoneChecked && len(flags) > 0:
			errs = append(views.Errors{{ID: cat, Message: fp.Both}}, errs...)
		}
		if len(errs) > 0 {
			f.Errors, f.Flags.Errors = errs, errs
			f.Page.HasErrors = true
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveFlagsPage(f))
		}
		u := serve.CurrentUser(c)
		r, err := h.Store.ChangeProfile(c.Request().Context(), store.ProfileChange{MoveID: d.m.ID, Version: version, By: u.Username,
			Category: fp.Category, Flags: flags})
		if err != nil {
			return changeError(err)
		}
		what := moves.Label(moves.FlagCategoryLabels, cat)
		return h.changeDone(c, r, what+" changed", "The supplier will be told of the change.")
	})
}
