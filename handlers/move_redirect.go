package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// moveRedirectOptions are what a redirect may choose from: the move's own
// type and the others the user may book from where it starts, and every
// location in use that one of those types may go to, except where the
// move starts and where it goes now.
type moveRedirectOptions struct {
	from      moves.Location
	types     []views.MoveChoice
	locations []views.MoveChoice
	byID      map[string]moves.Location
}

func (h *Handlers) moveRedirectOptions(c echo.Context, m moves.Move) (moveRedirectOptions, error) {
	ctx := c.Request().Context()
	var o moveRedirectOptions
	var err error
	if o.from, err = h.Store.Location(ctx, m.FromID); err != nil {
		return o, err
	}
	types := []moves.MoveType{m.MoveType}
	for _, t := range moves.MoveTypesFor(serve.CurrentUser(c).Role, o.from.Type) {
		if t != m.MoveType {
			types = append(types, t)
		}
	}
	seen := map[moves.LocationType]bool{}
	var locTypes []moves.LocationType
	for i, t := range types {
		ch := views.MoveChoice{Value: string(t), Text: t.Label()}
		if i == 0 {
			ch.Hint = "Current type"
		}
		o.types = append(o.types, ch)
		for _, lt := range moves.DestinationTypes(t) {
			if !seen[lt] {
				seen[lt] = true
				locTypes = append(locTypes, lt)
			}
		}
	}
	locs, err := h.Store.Locations(ctx, store.LocationFilter{Types: locTypes})
	if err != nil {
		return o, err
	}
	o.byID = map[string]moves.Location{}
	for _, l := range locs {
		if l.ID == m.FromID || l.ID == m.ToID || l.Disabled {
			continue
		}
		o.byID[l.ID] = l
		o.locations = append(o.locations, views.MoveChoice{Value: l.ID, Text: l.Title + " (" + l.Type.Label() + ")"})
	}
	return o, nil
}

func (h *Handlers) moveRedirectForm(c echo.Context, d moveData, o moveRedirectOptions, fe moves.FieldErrors) views.MoveRedirectForm {
	return views.MoveRedirectForm{
		MoveForm:  h.moveFormBase(c, d, "Change the destination", fe, nil),
		Locations: o.locations,
		MoveTypes: o.types,
		MoveType:  string(d.m.MoveType),
		Reasons:   moveChoices(moves.RedirectReasons, moves.RedirectReasonLabels),
	}
}

// MoveRedirectForm asks where a move should go instead, whether its type
// changes, and why.
func (h *Handlers) MoveRedirectForm(c echo.Context) error {
	return h.moveFormGet(c, moves.ActionRedirect, func(d moveData) error {
		o, err := h.moveRedirectOptions(c, d.m)
		if err != nil {
			return err
		}
		return serve.Render(c, http.StatusOK, views.MoveRedirectPage(h.moveRedirectForm(c, d, o, nil)))
	})
}

// MoveRedirect records MoveRedirect to the new destination, with the new
// move type when it changes.
func (h *Handlers) MoveRedirect(c echo.Context) error {
	return h.movePost(c, moves.ActionRedirect, func(d moveData, version int64) error {
		m := d.m
		o, err := h.moveRedirectOptions(c, m)
		if err != nil {
			return err
		}
		toID := strings.TrimSpace(c.FormValue("to_location"))
		typ := strings.TrimSpace(c.FormValue("move_type"))
		reason := strings.TrimSpace(c.FormValue("reason"))
		var fe moves.FieldErrors
		to, okTo := o.byID[toID]
		switch {
		case toID == "":
			fe.Add("to_location", "blank", "Choose the new destination")
		case toID == m.ToID:
			fe.Add("to_location", "invalid", "Choose a destination different from where the move goes now")
		case !okTo:
			fe.Add("to_location", "invalid", "Choose a destination from the list")
		}
		if !moveChoiceIn(o.types, typ) {
			fe.Add("move_type", "blank", "Select the type of move")
		}
		if !moveChoiceIn(moveChoices(moves.RedirectReasons, nil), reason) {
			fe.Add("reason", "blank", "Select why the destination is changing")
		}
		if !fe.Has("to_location") && !fe.Has("move_type") {
			for _, f := range moves.CheckLocations(moves.MoveType(typ), o.from, &to) {
				if f.Field == "to_location" {
					fe.Add("to_location", f.Code, f.Message)
				} else {
					fe.Add("move_type", f.Code, f.Message)
				}
			}
		}
		show := func(fe moves.FieldErrors, existing *views.Link) error {
			f := h.moveRedirectForm(c, d, o, fe)
			f.ToLocation, f.MoveType, f.Reason, f.Existing = toID, typ, reason, existing
			return serve.Render(c, http.StatusUnprocessableEntity, views.MoveRedirectPage(f))
		}
		if len(fe) > 0 {
			return show(fe, nil)
		}
		details := map[string]any{"reason": reason}
		if typ != string(m.MoveType) {
			details["move_type"] = typ
		}
		r, err := h.moveAppend(c, m, version, moves.EventMoveRedirect, details, map[string]string{"to_location": toID})
		if err != nil {
			return err
		}
		if len(r.fields) > 0 {
			// A duplicate is about the destination here.
			for i := range r.fields {
				if r.fields[i].Field == "date" {
					r.fields[i].Field = "to_location"
				}
			}
			return show(r.fields, r.existing)
		}
		text := "The move now goes to " + to.Title + "."
		if typ != string(m.MoveType) {
			text += " Its type is now " + strings.ToLower(moves.MoveType(typ).Label()) + "."
		}
		return h.moveDone(c, r, "Destination changed", text)
	})
}
