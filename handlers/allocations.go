package handlers

import (
	"errors"
	"fmt"
	"github.com/securemove/securemove/handlers/serve"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// Allocations (issue 13): PMU creates them, allocation staff (oca) at the
// sending prison fill their places, suppliers look. The route table lets
// in pmu, oca and supplier; each handler checks the allocation itself
// (visibleAllocation: not found when the user may not see it) and the
// action (moves.AllocationAllowed: forbidden).

// allocationRoles may reach the allocation pages at all.
var allocationRoles = []moves.Role{moves.RolePMU, moves.RoleOCA, moves.RoleSupplier}

// AllocationRoles is for the route table.
func AllocationRoles() []moves.Role { return append([]moves.Role(nil), allocationRoles...) }

// visibleAllocation loads an allocation the user may see: PMU every one,
// oca those from one of their prisons, a supplier's staff those with a
// place their supplier carries.
func (h *Handlers) visibleAllocation(c echo.Context, id string) (store.AllocationRow, error) {
	ctx := c.Request().Context()
	a, err := h.Store.Allocation(ctx, id)
	if err != nil {
		return a, err
	}
	u := serve.CurrentUser(c)
	hidden := moves.Errorf(moves.NotFound, "allocation not found")
	switch {
	case u == nil:
		return a, hidden
	case u.Role == "pmu":
		return a, nil
	case u.Role == "oca":
		if u.HasLocation(a.FromID) {
			return a, nil
		}
	case u.Role == "supplier":
		places, err := h.Store.AllocationPlaces(ctx, id)
		if err != nil {
			return a, err
		}
		for _, p := range places {
			if u.SupplierID != "" && p.SupplierID == u.SupplierID {
				return a, nil
			}
		}
	}
	return a, hidden
}

// mayAllocation checks the action; a cancelled allocation answers 409.
func mayAllocation(c echo.Context, a store.AllocationRow, action moves.AllocationAction) error {
	u := serve.CurrentUser(c)
	if u != nil && moves.AllocationAllowed(u.Role, action, a.Allocation) {
		return nil
	}
	if a.Status() == moves.AllocationCancelled {
		return moves.Errorf(moves.Conflict, "The allocation has been cancelled")
	}
	return moves.Errorf(moves.Forbidden, "You cannot do that to this allocation")
}

func allocChange(c echo.Context, version int64) store.AllocationChange {
	u := serve.CurrentUser(c)
	return store.AllocationChange{By: u.Username, Role: u.Role, Version: version}
}

func allocHref(id string) string { return "/allocation/" + id }

// allocHeading is "3 people from HMP Brixton to HMP Wandsworth on …".
func allocHeading(a store.AllocationRow) string {
	return fmt.Sprintf("%s from %s to %s on %s", peopleCount(a.Total), a.From, a.To, views.LongDate(a.Date))
}

func peopleCount(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// prisonChoices lists the detained locations in use, for the wizard.
func (h *Handlers) prisonChoices(c echo.Context) ([]views.MoveChoice, error) {
	ls, err := h.Store.Locations(c.Request().Context(), store.LocationFilter{Types: []moves.LocationType{moves.LocPrison, moves.LocYOI, moves.LocSCH, moves.LocSTC}})
	if err != nil {
		return nil, err
	}
	out := make([]views.MoveChoice, 0, len(ls))
	for _, l := range ls {
		if !l.Disabled {
			out = append(out, views.MoveChoice{Value: l.ID, Text: l.Title})
		}
	}
	return out, nil
}

// invalidOr splits a store error: field errors to show on the form, or
// anything else to return.
func invalidOr(err error) (moves.FieldErrors, error) {
	var me *moves.Error
	if errors.As(err, &me) && me.Code == moves.Invalid && len(me.Fields) > 0 {
		return me.Fields, nil
	}
	return nil, err
}

func formVersion(c echo.Context) int64 {
	v, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	return v
}

// --- The allocation page ---

// AllocationPage shows an allocation's places, criteria and the actions
// the user may take.
func (h *Handlers) AllocationPage(c echo.Context) error {
	a, err := h.visibleAllocation(c, c.Param("id"))
	if err != nil {
		return err
	}
	places, err := h.Store.AllocationPlaces(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	u := serve.CurrentUser(c)
	role := u.Role
	v := views.AllocationView{Page: h.page(c, allocHeading(a)), Heading: allocHeading(a), CompleteInFull: a.Criteria.CompleteInFull,
		Criteria: allocCriteriaRows(a.Allocation, nil), Assigner: role == moves.RoleOCA}
	// Named for its week: "Allocations" alone is the navigation's link to
	// this week, and one name must lead to one place.
	v.Page.Breadcrumbs = []views.Link{{Text: "Allocations, week of " + views.ShortDate(weekStart(a.Date)), Href: "/allocations/" + weekStart(a.Date)}}
	v.Details = []views.AllocRow{
		{Key: "Status", Value: allocStatusLabel(a.Allocation)},
		{Key: "Move from", Value: a.From}, {Key: "Move to", Value: a.To}, {Key: "Date", Value: views.LongDate(a.Date)},
		{Key: "Requested by", Value: serve.Or(a.RequestedBy, a.CreatedBy)},
		{Key: "Created on", Value: a.CreatedAt.In(serve.London).Format("2 January 2006")},
	}
	switch st := a.Status(); {
	case st == moves.AllocationCancelled:
		v.Cancelled = moves.Label(moves.AllocationCancellationReasonLabels, a.CancellationReason)
		if a.CancellationComment != "" {
			v.Cancelled += " (" + a.CancellationComment + ")"
		}
		v.Progress = "This allocation is cancelled."
	case st == moves.AllocationFilled:
		v.Progress = "This allocation is filled."
	case role == moves.RoleOCA:
		v.Progress = fmt.Sprintf("%s remaining to add.", peopleCount(a.Unfilled()))
	default:
		v.Progress = fmt.Sprintf("%d of %s added.", a.Filled, peopleCount(a.Total))
	}
	may := func(act moves.AllocationAction) bool { return moves.AllocationAllowed(role, act, a.Allocation) }
	if may(moves.AllocCancel) {
		v.CancelHref = allocHref(a.ID) + "/cancel"
	}
	if may(moves.AllocChangeDate) {
		editable := true
		for _, p := range places {
			if p.Status != moves.StatusCancelled && !moves.PlaceMayChange(p.Move) {
				editable = false
			}
		}
		if editable {
			v.DateHref = allocHref(a.ID) + "/date"
		}
	}
	n := 0
	for _, p := range places {
		if p.Status == moves.StatusCancelled && a.Status() != moves.AllocationCancelled {
			continue // a removed place is no longer part of it
		}
		n++
		pl := views.AllocPlace{N: n, Reference: p.Reference, MoveHref: "/move/" + p.ID, Status: p.Status.Label(),
			StatusClass: views.StatusTagClass(p.Status), Cancelled: p.Status == moves.StatusCancelled}
		if p.PersonID != "" {
			pl.Name, pl.PrisonNumber = p.Person.FullName(), p.Person.PrisonNumber
			if p.MoveAgreed != nil {
				pl.Agreed = "No"
				if *p.MoveAgreed {
					pl.Agreed = "Yes, by " + serve.Or(p.MoveAgreedBy, "the receiving prison")
				}
			}
		}
		open := moves.PlaceMayChange(p.Move)
		switch {
		case p.PersonID == "" && open && may(moves.AllocFill):
			pl.FillHref = fmt.Sprintf("%s/fill/%s", allocHref(a.ID), p.ID)
		case p.PersonID != "" && open && may(moves.AllocEmpty):
			pl.EmptyHref = fmt.Sprintf("%s/empty/%s", allocHref(a.ID), p.ID)
		}
		if p.PersonID == "" && !pl.Cancelled && may(moves.AllocRemovePlace) {
			pl.RemoveHref = fmt.Sprintf("%s/remove/%s", allocHref(a.ID), p.ID)
		}
		v.Places = append(v.Places, pl)
	}
	return serve.Render(c, http.StatusOK, views.AllocationPage(v))
}

func allocStatusLabel(a moves.Allocation) string {
	switch a.Status() {
	case moves.AllocationFilled:
		return "Filled"
	case moves.AllocationCancelled:
		return "Cancelled"
	}
	if a.Filled == 0 {
		return "None added"
	}
	return fmt.Sprintf("%d remaining", a.Unfilled())
}

// allocCriteriaRows lists the criteria; with change links on the check
// page (change, when not nil, gives each row's link).
func allocCriteriaRows(a moves.Allocation, change func(step, field string) string) []views.AllocRow {
	c := a.Criteria
	link := func(step, field string) string {
		if change == nil {
			return ""
		}
		return change(step, field)
	}
	// An allocation made through the API may give no estate, or a
	// category alone.
	var parts []string
	if c.Estate != "" {
		parts = append(parts, moves.Label(moves.EstateLabels, c.Estate))
	}
	if c.PrisonerCategory != "" {
		parts = append(parts, moves.Label(moves.PrisonerCategoryLabels, c.PrisonerCategory))
	}
	estate := serve.Or(strings.Join(parts, ", "), "Not given")
	if c.EstateComment != "" {
		estate += ": " + c.EstateComment
	}
	sentence := moves.Label(moves.SentenceLengthLabels, c.SentenceLength)
	if c.SentenceLengthComment != "" {
		sentence += ": " + c.SentenceLengthComment
	}
	var cases []string
	for _, cc := range c.ComplexCases {
		if cc.Answer {
			cases = append(cases, cc.Title)
		}
	}
	full := "No"
	if c.CompleteInFull {
		full = "Yes"
	}
	return []views.AllocRow{
		{Key: "Estate", Value: estate, ChangeHref: link("criteria", "estate"), ChangeText: "estate"},
		{Key: "Time left to serve", Value: sentence, ChangeHref: link("criteria", "sentence_length"), ChangeText: "time left to serve"},
		{Key: "Complex cases", Value: serve.Or(strings.Join(cases, ", "), "None"), ChangeHref: link("criteria", "complex_cases"), ChangeText: "complex cases"},
		{Key: "Must be filled in full", Value: full, ChangeHref: link("criteria", "complete_in_full"), ChangeText: "whether it must be filled in full"},
		{Key: "Other criteria", Value: serve.Or(c.OtherCriteria, "None"), ChangeHref: link("criteria", "has_other_criteria"), ChangeText: "other criteria"},
	}
}
