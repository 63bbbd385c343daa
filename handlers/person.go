package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// A person's page, finding people, and changing a person's details.
//
// Those who may request moves (PMU, police and prison staff) find people
// and see anyone's page, as the request journey already lets them; court
// and supplier staff reach a person only through a move they can see, and
// see only the moves they could see anyway. Administrators see no people.

// mayRequest reports whether the user's role may request moves, and so
// find people and change their details.
func mayRequest(u *serve.Principal) bool {
	return u != nil && (u.Role == moves.RolePMU || u.Role == moves.RolePolice || u.Role == moves.RolePrison)
}

// personMovesLimit bounds the moves a person's page lists.
const personMovesLimit = 100

// visiblePerson loads a person the user may see, with the moves of theirs
// the user may see, newest first. A person the user may not see is not
// found, never forbidden.
func (h *Handlers) visiblePerson(c echo.Context, id string) (moves.Person, []store.MoveRow, error) {
	ctx := c.Request().Context()
	u := serve.CurrentUser(c)
	p, err := h.Store.Person(ctx, id)
	if err != nil {
		return p, nil, err
	}
	f := h.scopeFilter(u)
	f.PersonID, f.Sort, f.Desc, f.Limit = p.ID, "created_at", true, personMovesLimit
	rows, _, err := h.Store.ListMoves(ctx, f)
	if err != nil {
		return p, nil, err
	}
	if u == nil || u.Role == moves.RoleAdmin || (!mayRequest(u) && len(rows) == 0) {
		return moves.Person{}, nil, moves.Errorf(moves.NotFound, "person not found")
	}
	return p, rows, nil
}

// personDetailRows describe a person.
func (h *Handlers) personDetailRows(p moves.Person) []views.MovePageRow {
	return h.movePersonRows(moveData{person: p})
}

// personChanged says who last changed a person's details and when.
func (h *Handlers) personChanged(c echo.Context, p moves.Person) string {
	if p.UpdatedBy == "" || !p.UpdatedAt.After(p.CreatedAt) && p.UpdatedBy == p.CreatedBy {
		return ""
	}
	who := p.UpdatedBy
	if names, err := h.Store.UserFullNames(c.Request().Context(), []string{p.UpdatedBy}); err == nil && names[p.UpdatedBy] != "" {
		who = names[p.UpdatedBy]
	}
	return "Personal details last changed by " + who + " at " + views.TimelineTime(p.UpdatedAt) + "."
}

// PersonPage shows a person's details and the moves of theirs the user
// may see, newest first.
func (h *Handlers) PersonPage(c echo.Context) error {
	p, rows, err := h.visiblePerson(c, c.Param("id"))
	if err != nil {
		return err
	}
	pg := h.page(c, p.FullName())
	pg.Wide = true
	pg.Breadcrumbs = []views.Link{{Text: "Home", Href: "/"}}
	if mayRequest(serve.CurrentUser(c)) {
		pg.Breadcrumbs = append(pg.Breadcrumbs, views.Link{Text: "Find a person", Href: "/people"})
	}
	pg.Breadcrumbs = append(pg.Breadcrumbs, views.Link{Text: p.FullName()})
	m := views.PersonPage{Page: pg, Name: p.FullName(), Details: h.personDetailRows(p), Changed: h.personChanged(c, p)}
	if ok, err := h.mayChangePerson(c, p, rows); err != nil {
		return err
	} else if ok {
		m.EditHref = "/person/" + p.ID + "/edit"
	}
	for _, r := range rows {
		date := views.ShortDate(r.Date)
		if r.Date == "" {
			date = orNotGiven(strings.TrimSpace(moveWindowShort(r.Move)))
		}
		m.Moves = append(m.Moves, views.PersonMoveRow{Reference: r.Reference, Href: "/move/" + r.ID, From: r.From,
			To: orNotGiven(r.To), Date: date, Status: r.Status})
	}
	return serve.Render(c, http.StatusOK, views.PersonPageView(m))
}

// moveWindowShort is a proposed move's window in short dates.
func moveWindowShort(m moves.Move) string {
	switch {
	case m.DateFrom != "" && m.DateTo != "":
		return views.ShortDate(m.DateFrom) + " to " + views.ShortDate(m.DateTo)
	case m.DateFrom != "":
		return "From " + views.ShortDate(m.DateFrom)
	}
	return ""
}

// PeopleSearch finds people by a PNC or prison number (told apart by
// their formats), or by last name and date of birth. It is a GET form, so
// a search can be bookmarked and shared; with nothing asked it shows the
// empty forms.
func (h *Handlers) PeopleSearch(c echo.Context) error {
	m := views.PeopleSearch{Page: h.page(c, "Find a person"), PNCExample: reqPNCExample,
		Number: strings.TrimSpace(c.QueryParam("number")), LastName: strings.TrimSpace(c.QueryParam("last_name")),
		DOB: views.RequestDateParts{Day: strings.TrimSpace(c.QueryParam("dob-day")), Month: strings.TrimSpace(c.QueryParam("dob-month")),
			Year: strings.TrimSpace(c.QueryParam("dob-year"))}}
	m.Page.Back = &views.Link{Text: "Back", Href: "/"}
	var f store.PeopleFilter
	switch c.QueryParam("by") {
	case "number":
		number := strings.ToUpper(strings.ReplaceAll(m.Number, " ", ""))
		switch {
		case number == "":
			m.Errors = append(m.Errors, views.FieldError{ID: "number", Message: "Enter a PNC number or a prison number"})
		case moves.ValidPrisonNumber(number):
			f.PrisonNumber, m.SearchedFor = number, "prison number "+number
		case moves.ValidPNC(number):
			f.PNC, m.SearchedFor = number, "PNC number "+number
		case number[0] >= 'A' && number[0] <= 'Z':
			m.Errors = append(m.Errors, views.FieldError{ID: "number", Message: "Enter a prison number in the correct format, like A1234BC"})
		default:
			m.Errors = append(m.Errors, views.FieldError{ID: "number", Message: "Enter a PNC number in the correct format, like " + reqPNCExample})
		}
	case "name":
		switch {
		case m.LastName == "":
			m.Errors = append(m.Errors, views.FieldError{ID: "last_name", Message: "Enter the person's last name"})
		case len([]rune(m.LastName)) > moves.MaxNameLength:
			m.Errors = append(m.Errors, views.FieldError{ID: "last_name", Message: fmt.Sprintf("Last name must be %d characters or fewer", moves.MaxNameLength)})
		}
		dob, fe, parts := reqParseDateParts("dob", reqDOBWords, m.DOB)
		if fe == nil && dob > h.Today() {
			fe, parts = &views.FieldError{ID: "dob-day", Message: "Date of birth must be today or in the past"}, []string{"day", "month", "year"}
		}
		if fe != nil {
			m.Errors = append(m.Errors, *fe)
			m.DOB.ErrorParts = parts
		}
		f.LastName, f.DateOfBirth = m.LastName, dob
		m.SearchedFor = "last name " + m.LastName + ", born " + views.ShortDate(dob)
	default:
		return serve.Render(c, http.StatusOK, views.PeopleSearchPage(m))
	}
	if len(m.Errors) > 0 {
		m.Page.HasErrors = true
		return serve.Render(c, http.StatusUnprocessableEntity, views.PeopleSearchPage(m))
	}
	f.Limit = 50
	found, err := h.Store.FindPeople(c.Request().Context(), f)
	if err != nil {
		return err
	}
	m.Searched = true
	m.Page.Title = views.PeopleFound(len(found)) + " – Find a person"
	for _, p := range found {
		m.Results = append(m.Results, views.PersonResult{Name: p.FullName(), Href: "/person/" + url.PathEscape(p.ID),
			DateOfBirth: views.ShortDate(p.DateOfBirth), PNC: orNotGiven(p.PNC), PrisonNumber: orNotGiven(p.PrisonNumber)})
	}
	return serve.Render(c, http.StatusOK, views.PeopleSearchPage(m))
}

// personEditForm fills the change form from a person.
func (h *Handlers) personEditForm(c echo.Context, p moves.Person, name string) views.PersonEdit {
	pg := h.page(c, "Change personal details")
	pg.Back = &views.Link{Text: "Back", Href: "/person/" + p.ID}
	m := views.PersonEdit{Page: pg, ID: p.ID, Name: name, Seen: strconv.FormatInt(p.UpdatedAt.UnixMicro(), 10),
		FirstNames: p.FirstNames, LastName: p.LastName, DOB: reqDateParts(p.DateOfBirth), Gender: p.Gender,
		PNC: p.PNC, PrisonNumber: p.PrisonNumber}
	for _, g := range moves.Genders {
		m.Genders = append(m.Genders, views.MoveChoice{Value: g, Text: moves.Label(moves.GenderLabels, g)})
	}
	return m
}

// personForEdit loads a person the user may see and change.
func (h *Handlers) personForEdit(c echo.Context) (moves.Person, error) {
	p, rows, err := h.visiblePerson(c, c.Param("id"))
	if err != nil {
		return p, err
	}
	ok, err := h.mayChangePerson(c, p, rows)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, moves.Errorf(moves.Forbidden, "you may not change this person's details")
	}
	return p, nil
}

// mayChangePerson reports whether the user may change a person's
// details. A change is recorded on every open move of theirs (the
// supplier is told of each), so police and prison staff may make it only
// when they may change each of those moves: all from the place they work
// at. Otherwise an officer could rewrite the details of someone on
// another place's move, one the officer is not even shown. PMU may
// always; so may police and prison staff for someone with no open move
// (about to be requested).
func (h *Handlers) mayChangePerson(c echo.Context, p moves.Person, seen []store.MoveRow) (bool, error) {
	u := serve.CurrentUser(c)
	if !mayRequest(u) {
		return false, nil
	}
	if u.Role == moves.RolePMU {
		return true, nil
	}
	// seen are the person's moves the user sees (visiblePerson): every
	// move they may change starts at a place of theirs, so is among them.
	// Those must all be changeable by the user, and be all the open moves
	// the person has.
	open := 0
	for _, r := range seen {
		if !moves.ChangeableStatus(r.Status) {
			continue
		}
		if !h.mayAct(c, moves.ActionChange, r.Move) {
			return false, nil
		}
		open++
	}
	all, err := h.Store.CountMoves(c.Request().Context(), store.MoveFilter{PersonID: p.ID,
		Statuses: []moves.Status{moves.StatusProposed, moves.StatusRequested, moves.StatusBooked}})
	if err != nil {
		return false, err
	}
	return all == open, nil
}

// PersonEditForm asks for a person's new details.
func (h *Handlers) PersonEditForm(c echo.Context) error {
	p, err := h.personForEdit(c)
	if err != nil {
		return err
	}
	return serve.Render(c, http.StatusOK, views.PersonEditPage(h.personEditForm(c, p, p.FullName())))
}

// personEditIDs map the person's fields to the inputs the summary links
// to.
var personEditIDs = map[string]string{"date_of_birth": "dob-day", "gender": "gender", "police_national_computer": "pnc"}

// PersonEdit stores a person's new details: recorded with who and when,
// and as a PersonUpdate event on every move of theirs still in custody. A
// form made before someone else's change is shown again, naming that
// change, and nothing is saved.
func (h *Handlers) PersonEdit(c echo.Context) error {
	p, err := h.personForEdit(c)
	if err != nil {
		return err
	}
	seen, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("seen")), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "the form does not say which details it changes")
	}
	m := h.personEditForm(c, p, p.FullName())
	m.FirstNames, m.LastName = strings.TrimSpace(c.FormValue("first_names")), strings.TrimSpace(c.FormValue("last_name"))
	m.DOB = views.RequestDateParts{Day: strings.TrimSpace(c.FormValue("dob-day")), Month: strings.TrimSpace(c.FormValue("dob-month")),
		Year: strings.TrimSpace(c.FormValue("dob-year"))}
	m.Gender = strings.TrimSpace(c.FormValue("gender"))
	m.PNC = strings.ToUpper(strings.ReplaceAll(c.FormValue("pnc"), " ", ""))
	m.PrisonNumber = moves.NormalizePrisonNumber(c.FormValue("prison_number"))
	show := func(status int) error {
		m.Page.HasErrors = len(m.Errors) > 0
		return serve.Render(c, status, views.PersonEditPage(m))
	}
	if seen != p.UpdatedAt.UnixMicro() {
		return h.personStale(c, p)
	}
	dob, fe, parts := reqParseDateParts("dob", reqDOBWords, m.DOB)
	if fe != nil {
		m.Errors = append(m.Errors, *fe)
		m.DOB.ErrorParts = parts
	}
	np := p
	np.FirstNames, np.LastName, np.DateOfBirth, np.Gender, np.PNC, np.PrisonNumber = m.FirstNames, m.LastName, dob, m.Gender, m.PNC, m.PrisonNumber
	// The store checks the details again; checking here as well puts
	// every problem on the page at once, in the fields' order (the date
	// of birth's own, when it could not be read, said above).
	for _, e := range moves.ValidatePerson(np, h.Today()) {
		if e.Field == "date_of_birth" && fe != nil {
			continue
		}
		id := e.Field
		if v, ok := personEditIDs[id]; ok {
			id = v
		}
		if e.Code == "inclusion" {
			e.Message = "Select the person's gender"
		}
		m.Errors = append(m.Errors, views.FieldError{ID: id, Message: e.Message})
	}
	if len(m.Errors) > 0 {
		m.Errors = personOrder(m.Errors)
		return show(http.StatusUnprocessableEntity)
	}
	u := serve.CurrentUser(c)
	res, err := h.Store.UpdatePerson(c.Request().Context(), store.PersonChange{Person: np, Seen: time.UnixMicro(seen), By: u.Username, Today: h.Today()})
	if moves.ErrorCode(err) == moves.Conflict {
		cur, err := h.Store.Person(c.Request().Context(), p.ID)
		if err != nil {
			return err
		}
		return h.personStale(c, cur)
	}
	if err != nil {
		return err
	}
	if len(res.Fields) == 0 {
		h.Sessions.SetFlash(c, serve.Flash{Title: "Nothing changed", Text: "The details you sent are the ones already recorded."})
	} else {
		labels := make([]string, len(res.Fields))
		for i, f := range res.Fields {
			labels[i] = moves.Label(moves.PersonFieldLabels, f)
			if f != "pnc" {
				labels[i] = strings.ToLower(labels[i])
			}
		}
		text := "Changed " + strings.Join(labels, ", ") + "."
		if len(res.Moves) > 0 {
			text += fmt.Sprintf(" The change was added to %d move%s not yet under way, and their suppliers will be told.", len(res.Moves), plural(len(res.Moves)))
		}
		h.Sessions.SetFlash(c, serve.Flash{Title: "Personal details changed", Text: text})
	}
	return serve.Redirect(c, "/person/"+p.ID)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// personOrder puts errors in the order of the fields on the page.
func personOrder(errs views.Errors) views.Errors {
	order := []string{"first_names", "last_name", "dob-day", "dob-month", "dob-year", "gender", "pnc", "prison_number"}
	var out views.Errors
	for _, id := range order {
		for _, e := range errs {
			if e.ID == id {
				out = append(out, e)
			}
		}
	}
	// Anything else follows, rather than going unsaid.
	for _, e := range errs {
		if !slices.Contains(order, e.ID) {
			out = append(out, e)
		}
	}
	return out
}

// personStale answers a change made from an older form: 409, the form
// again with the details as they are now, naming who changed them and
// when; nothing was saved.
func (h *Handlers) personStale(c echo.Context, cur moves.Person) error {
	m := h.personEditForm(c, cur, cur.FullName())
	who := cur.UpdatedBy
	if names, err := h.Store.UserFullNames(c.Request().Context(), []string{cur.UpdatedBy}); err == nil && names[cur.UpdatedBy] != "" {
		who = names[cur.UpdatedBy]
	}
	m.Conflict = "These details were changed by " + who + " at " + views.TimelineTime(cur.UpdatedAt) +
		" while you were working on them. Your changes were not saved: the form now shows the details as they are. Make your changes again."
	return serve.Render(c, http.StatusConflict, views.PersonEditPage(m))
}
