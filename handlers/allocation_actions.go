package handlers

import (
	"fmt"
	"github.com/securemove/securemove/handlers/serve"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// What PMU does to an allocation (cancel it, change its date, remove an
// empty place) and what allocation staff do to its places (add a person,
// remove them). Each is a GOV.UK question page posting back the version
// seen, then 303 to the allocation with a message.

func (h *Handlers) allocActionFrame(c echo.Context, a store.AllocationRow, title, action, button string, errs views.Errors) views.AllocForm {
	p := h.page(c, title)
	p.HasErrors = len(errs) > 0
	return views.AllocForm{Page: p, Errors: errs, Caption: allocHeading(a), Heading: title, Action: action, Button: button,
		Back:   views.Link{Text: "Go back to the allocation", Href: allocHref(a.ID)},
		Hidden: []views.Hidden{{Name: "version", Value: fmt.Sprint(a.Version)}}}
}

// allocAction loads the allocation and checks the action for every
// allocation action page.
func (h *Handlers) allocAction(c echo.Context, act moves.AllocationAction) (store.AllocationRow, error) {
	a, err := h.visibleAllocation(c, c.Param("id"))
	if err != nil {
		return a, err
	}
	return a, mayAllocation(c, a, act)
}

// allocDone flashes a message and goes back to the allocation.
func (h *Handlers) allocDone(c echo.Context, id, title, text string) error {
	h.Sessions.SetFlash(c, serve.Flash{Title: title, Text: text})
	return serve.Redirect(c, allocHref(id))
}

// allocDuplicate reads the store's refusal of a change that would give a
// person a second active move from and to the same places on the same
// day. DOMAIN.md wants that refused with a message linking to the move
// that exists, as the request and the move's own pages do, so the form is
// shown again with what was typed; ok is false for any other error. The
// link is given only to a move the user may open.
func (h *Handlers) allocDuplicate(c echo.Context, err error) (existing *moves.Move, ok bool) {
	me, isMove := moves.AsError(err)
	if !isMove || me.Code != moves.Conflict || me.ExistingID == "" {
		return nil, false
	}
	if m, err := h.visibleMove(c, me.ExistingID); err == nil {
		return &m, true
	}
	return nil, true
}

// allocExistingLink links to the move a change would duplicate.
func allocExistingLink(m *moves.Move) *views.Link {
	if m == nil {
		return nil
	}
	return &views.Link{Text: "View the existing move " + m.Reference, Href: "/move/" + m.ID}
}

// maxAgreedBy bounds "Who agreed to the move?": a name and a role.
const maxAgreedBy = 200

// --- Cancel ---

func (h *Handlers) allocCancelForm(c echo.Context, a store.AllocationRow, fe moves.FieldErrors) views.AllocReasonForm {
	f := views.AllocReasonForm{AllocForm: h.allocActionFrame(c, a, "Cancel this allocation", allocHref(a.ID)+"/cancel", "Cancel allocation",
		serve.ViewErrors(fe, map[string]string{"cancellation_reason": "reason", "cancellation_reason_comment": "comment"})),
		Reasons: moveChoices(moves.AllocationCancellationReasons, moves.AllocationCancellationReasonLabels), ReasonLegend: "Why are you cancelling it?",
		AskComment: true}
	f.ButtonWarning = true
	f.Warning = "Every move of the allocation is cancelled, and the supplier is told."
	return f
}

// AllocationCancelForm asks why the allocation is cancelled.
func (h *Handlers) AllocationCancelForm(c echo.Context) error {
	a, err := h.allocAction(c, moves.AllocCancel)
	if err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AllocReasonPage(h.allocCancelForm(c, a, nil)))
}

// CancelAllocation cancels it and every move in it, in one unit of work.
func (h *Handlers) CancelAllocation(c echo.Context) error {
	a, err := h.allocAction(c, moves.AllocCancel)
	if err != nil {
		return err
	}
	reason, comment := c.FormValue("reason"), strings.TrimSpace(c.FormValue("comment"))
	// The page asks for the reason when it is "other" (the store, as the
	// API, takes a cancellation without one).
	if reason == "other" && comment == "" {
		err = moves.InvalidFields(moves.FieldErrors{{Field: "cancellation_reason_comment", Code: "blank", Message: "Give the reason"}})
	} else {
		err = h.Store.CancelAllocation(c.Request().Context(), a.ID, reason, comment, allocChange(c, formVersion(c)))
	}
	if fe, other := invalidOr(err); other != nil {
		return other
	} else if len(fe) > 0 {
		f := h.allocCancelForm(c, a, fe)
		f.Reason, f.Comment = reason, comment
		return serve.Render(c, http.StatusUnprocessableEntity, views.AllocReasonPage(f))
	}
	return h.allocDone(c, a.ID, "Allocation cancelled", "Every move of the allocation has been cancelled.")
}

// --- Change the date ---

func (h *Handlers) allocDateForm(c echo.Context, a store.AllocationRow, fe moves.FieldErrors) views.AllocReasonForm {
	f := views.AllocReasonForm{AllocForm: h.allocActionFrame(c, a, "Change date of allocation", allocHref(a.ID)+"/date", "Change date",
		serve.ViewErrors(fe, map[string]string{"date": "date-day", "date_changed_reason": "reason"})),
		Reasons: moveChoices(moves.DateChangedReasons, moves.DateChangedReasonLabels), ReasonLegend: "Why are you changing the allocation date?",
		AskDate: true}
	f.Warning = "Every move of the allocation changes date. Tell the supplier too if the move is soon."
	return f
}

// AllocationDateForm asks for the new date and why.
func (h *Handlers) AllocationDateForm(c echo.Context) error {
	a, err := h.allocAction(c, moves.AllocChangeDate)
	if err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AllocReasonPage(h.allocDateForm(c, a, nil)))
}

// ChangeAllocationDate moves the allocation and each of its moves (each
// with MoveDateChanged) in one unit of work.
func (h *Handlers) ChangeAllocationDate(c echo.Context) error {
	a, err := h.allocAction(c, moves.AllocChangeDate)
	if err != nil {
		return err
	}
	date, day, month, year, msg := moveReadDate(c)
	reason := c.FormValue("reason")
	var fe moves.FieldErrors
	var existing *moves.Move
	// The page asks why (the store, as the API, takes a change without a
	// reason): without one, nothing is sent and the date is checked here.
	if msg != "" || reason == "" {
		if msg != "" {
			fe.Add("date", "invalid", msg)
		} else {
			_, fe = moves.ValidateNewAllocationDate(date, h.Today())
		}
		if reason == "" {
			fe.Add("date_changed_reason", "blank", "Select why the date is changing")
		}
	} else {
		err = h.Store.ChangeAllocationDate(c.Request().Context(), a.ID, date, reason, h.Today(), allocChange(c, formVersion(c)))
		if ex, dup := h.allocDuplicate(c, err); dup {
			existing = ex
			fe.Add("date", "taken", h.allocDateTaken(c, ex, a, date))
		} else {
			var other error
			if fe, other = invalidOr(err); other != nil {
				return other
			}
		}
	}
	if len(fe) > 0 {
		f := h.allocDateForm(c, a, fe)
		f.Reason, f.Day, f.Month, f.Year = reason, day, month, year
		f.Existing = allocExistingLink(existing)
		return serve.Render(c, http.StatusUnprocessableEntity, views.AllocReasonPage(f))
	}
	return h.allocDone(c, a.ID, "Allocation updated", "The allocation and its moves are now on "+views.LongDate(date)+".")
}

// allocDateTaken says that a person in the allocation already has a move
// between its prisons on the new date, naming them when the user may see
// that move.
func (h *Handlers) allocDateTaken(c echo.Context, ex *moves.Move, a store.AllocationRow, date string) string {
	who := "Someone in this allocation"
	if ex != nil {
		if p, err := h.Store.Person(c.Request().Context(), ex.PersonID); err == nil {
			who = p.FullName()
		}
	}
	return fmt.Sprintf("%s already has a move from %s to %s on %s: choose another date", who, a.From, a.To, views.LongDate(date))
}

// --- Remove an empty place ---

// allocPlace finds one of the allocation's places by the :move parameter.
func (h *Handlers) allocPlace(c echo.Context, a store.AllocationRow) (store.MoveRow, error) {
	places, err := h.Store.AllocationPlaces(c.Request().Context(), a.ID)
	if err != nil {
		return store.MoveRow{}, err
	}
	for _, p := range places {
		if p.ID == c.Param("move") {
			return p, nil
		}
	}
	return store.MoveRow{}, moves.Errorf(moves.NotFound, "place not found")
}

// AllocationRemoveForm asks PMU to confirm removing an empty place.
func (h *Handlers) AllocationRemoveForm(c echo.Context) error {
	a, err := h.allocAction(c, moves.AllocRemovePlace)
	if err != nil {
		return err
	}
	p, err := h.allocPlace(c, a)
	if err != nil {
		return err
	}
	f := views.AllocReasonForm{AllocForm: h.allocActionFrame(c, a, "Remove a place from this allocation", allocHref(a.ID)+"/remove/"+p.ID, "Remove place", nil)}
	f.ButtonWarning = true
	f.Warning = fmt.Sprintf("This will reduce the number of prisoners for this allocation from %d to %d. Its move %s is cancelled.", a.Total, a.Total-1, p.Reference)
	return serve.Render(c, http.StatusOK, views.AllocReasonPage(f))
}

// RemoveAllocationPlace cancels the place's move.
func (h *Handlers) RemoveAllocationPlace(c echo.Context) error {
	a, err := h.allocAction(c, moves.AllocRemovePlace)
	if err != nil {
		return err
	}
	if err := h.Store.RemoveAllocationPlace(c.Request().Context(), a.ID, c.Param("move"), allocChange(c, formVersion(c))); err != nil {
		return err
	}
	return h.allocDone(c, a.ID, "Place removed", fmt.Sprintf("The allocation is now for %s.", peopleCount(a.Total-1)))
}

// --- Fill a place (oca) ---

var prisonNumberRE = regexp.MustCompile(`^[A-Z][0-9]{4}[A-Z]{2}$`)

func (h *Handlers) allocEmptyPlace(c echo.Context, act moves.AllocationAction) (store.AllocationRow, store.MoveRow, error) {
	a, err := h.allocAction(c, act)
	if err != nil {
		return a, store.MoveRow{}, err
	}
	p, err := h.allocPlace(c, a)
	if err != nil {
		return a, p, err
	}
	if !moves.PlaceMayChange(p.Move) {
		return a, p, moves.Errorf(moves.Conflict, "A person cannot be added or removed once the move is in transit, completed or cancelled")
	}
	return a, p, nil
}

// AllocationFillSearch finds the person for an empty place by prison
// number (a GET form: the search is in the URL).
func (h *Handlers) AllocationFillSearch(c echo.Context) error {
	a, p, err := h.allocEmptyPlace(c, moves.AllocFill)
	if err != nil {
		return err
	}
	if p.PersonID != "" {
		return moves.Errorf(moves.Conflict, "That place already has a person")
	}
	base := fmt.Sprintf("%s/fill/%s", allocHref(a.ID), p.ID)
	f := views.AllocFillSearch{AllocForm: h.allocActionFrame(c, a, "Who is being moved?", base, "", nil)}
	f.Method, f.Hidden = "get", nil
	number := strings.ToUpper(strings.TrimSpace(c.QueryParam("prison_number")))
	f.PrisonNumber = number
	if _, asked := c.QueryParams()["prison_number"]; asked {
		f.Searched = true
		if !prisonNumberRE.MatchString(number) {
			f.Errors = views.Errors{{ID: "prison_number", Message: "Enter a prison number in the correct format, like A1234AB"}}
			f.Page.HasErrors = true
			return serve.Render(c, http.StatusUnprocessableEntity, views.AllocFillSearchPage(f))
		}
		people, err := h.Store.FindPeople(c.Request().Context(), store.PeopleFilter{PrisonNumber: number, Limit: 10})
		if err != nil {
			return err
		}
		for _, person := range people {
			f.Results = append(f.Results, views.AllocPerson{Name: person.FullName(), DateOfBirth: views.ShortDate(person.DateOfBirth),
				PrisonNumber: person.PrisonNumber, ChooseHref: base + "/" + person.ID})
		}
	}
	return serve.Render(c, http.StatusOK, views.AllocFillSearchPage(f))
}

func (h *Handlers) allocFillForm(c echo.Context, a store.AllocationRow, p store.MoveRow, person moves.Person, fe moves.FieldErrors) views.AllocFillForm {
	action := fmt.Sprintf("%s/fill/%s/%s", allocHref(a.ID), p.ID, person.ID)
	f := views.AllocFillForm{AllocForm: h.allocActionFrame(c, a, "Add "+person.FullName()+" to this allocation", action, "Add person", serve.ViewErrors(fe, nil)),
		Name: person.FullName(), PrisonNumber: person.PrisonNumber}
	f.Hidden = []views.Hidden{{Name: "version", Value: fmt.Sprint(p.Version)}}
	f.Summary = []views.AllocRow{{Key: "Prison number", Value: person.PrisonNumber}, {Key: "Date of birth", Value: views.ShortDate(person.DateOfBirth)}}
	return f
}

// AllocationFillForm asks whether the move is agreed and whether the
// person needs a special vehicle.
func (h *Handlers) AllocationFillForm(c echo.Context) error {
	a, p, err := h.allocEmptyPlace(c, moves.AllocFill)
	if err != nil {
		return err
	}
	person, err := h.Store.Person(c.Request().Context(), c.Param("person"))
	if err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.AllocFillPage(h.allocFillForm(c, a, p, person, nil)))
}

// FillAllocationPlace adds the person to the place, unless they need a
// special vehicle (then the page says what to do instead).
func (h *Handlers) FillAllocationPlace(c echo.Context) error {
	a, p, err := h.allocEmptyPlace(c, moves.AllocFill)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	person, err := h.Store.Person(ctx, c.Param("person"))
	if err != nil {
		return err
	}
	agreed, by, special := c.FormValue("move_agreed"), strings.TrimSpace(c.FormValue("move_agreed_by")), c.FormValue("special_vehicle")
	var fe moves.FieldErrors
	if agreed != "yes" && agreed != "no" {
		fe.Add("move_agreed", "blank", "Select whether the receiving prison agreed to the move")
	} else if agreed == "yes" && by == "" {
		fe.Add("move_agreed_by", "blank", "Enter who agreed to the move")
	} else if len([]rune(by)) > maxAgreedBy {
		fe.Add("move_agreed_by", "too_long", fmt.Sprintf("Who agreed to the move must be %d characters or fewer", maxAgreedBy))
	}
	if special != "yes" && special != "no" {
		fe.Add("special_vehicle", "blank", "Select whether the person needs a special vehicle")
	}
	if len(fe) == 0 && special == "yes" {
		v := views.AllocCannotAdd{Page: h.page(c, "This person cannot be added to this allocation"), Name: person.FullName(),
			ChooseAgainHref: fmt.Sprintf("%s/fill/%s", allocHref(a.ID), p.ID), AllocationHref: allocHref(a.ID), SingleRequestHref: "/move/new"}
		return serve.Render(c, http.StatusOK, views.AllocCannotAddPage(v))
	}
	var existing *moves.Move
	if len(fe) == 0 {
		_, err = h.Store.FillAllocationPlace(ctx, store.FillPlace{MoveID: p.ID, PersonID: person.ID, Agreed: agreed == "yes", AgreedBy: by,
			Version: formVersion(c)}, allocChange(c, 0))
		if ex, dup := h.allocDuplicate(c, err); dup {
			// The page has no question about the person, so the message
			// goes on its first question, where the summary can link.
			existing = ex
			fe.Add("move_agreed", "taken", fmt.Sprintf("%s already has a move from %s to %s on %s: choose someone else for this place",
				person.FullName(), a.From, a.To, views.LongDate(p.Date)))
		} else {
			var other error
			if fe, other = invalidOr(err); other != nil {
				return other
			}
		}
	}
	if len(fe) > 0 {
		f := h.allocFillForm(c, a, p, person, fe)
		f.Page.HasErrors = true
		f.Agreed, f.AgreedBy, f.Special = agreed, by, special
		f.Existing = allocExistingLink(existing)
		return serve.Render(c, http.StatusUnprocessableEntity, views.AllocFillPage(f))
	}
	return h.allocDone(c, a.ID, "Person added", person.FullName()+" has been added to the allocation.")
}

// --- Remove a person (oca) ---

// AllocationEmptyForm asks to confirm removing the person from a place.
func (h *Handlers) AllocationEmptyForm(c echo.Context) error {
	a, p, err := h.allocEmptyPlace(c, moves.AllocEmpty)
	if err != nil {
		return err
	}
	if p.PersonID == "" {
		return moves.Errorf(moves.Conflict, "That place has nobody to remove")
	}
	f := views.AllocReasonForm{AllocForm: h.allocActionFrame(c, a, "Remove "+p.Person.FullName()+" from this allocation",
		fmt.Sprintf("%s/empty/%s", allocHref(a.ID), p.ID), "Remove from allocation", nil)}
	f.Hidden = []views.Hidden{{Name: "version", Value: fmt.Sprint(p.Version)}}
	f.ButtonWarning = true
	f.Warning = "The place stays in the allocation, waiting for someone else."
	return serve.Render(c, http.StatusOK, views.AllocReasonPage(f))
}

// EmptyAllocationPlace removes the person from the place.
func (h *Handlers) EmptyAllocationPlace(c echo.Context) error {
	a, p, err := h.allocEmptyPlace(c, moves.AllocEmpty)
	if err != nil {
		return err
	}
	if _, err := h.Store.EmptyAllocationPlace(c.Request().Context(), p.ID, formVersion(c), allocChange(c, 0)); err != nil {
		return err
	}
	return h.allocDone(c, a.ID, "Person removed", p.Person.FullName()+" has been removed from the allocation.")
}
