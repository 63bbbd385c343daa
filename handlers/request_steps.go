package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

func (j *reqJourney) form(name string) string { return strings.TrimSpace(j.c.FormValue(name)) }

// saveOr keeps the answers and goes to next; answers too long to keep are
// refused with the page's own error (tooLarge).
func (j *reqJourney) saveOr(next string, tooLarge func() error) error {
	err := j.h.saveDraft(j.c, j.id, j.d)
	if errors.Is(err, errReqTooLarge) && tooLarge != nil {
		return tooLarge()
	}
	if err != nil {
		return err
	}
	return serve.Redirect(j.c, next)
}

// --- Who is being moved? ---

func (j *reqJourney) showFind() error {
	m := views.RequestFind{ByName: j.c.Param("step") == reqStepFindName}
	if s := j.d.Search; s != nil {
		m.Number = s.PNC + s.PrisonNumber
		m.LastName, m.DOB = s.LastName, reqDateParts(s.DateOfBirth)
	}
	return j.renderFind(m, nil)
}

func (j *reqJourney) renderFind(m views.RequestFind, errs views.Errors) error {
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	step, other := reqStepFind, reqStepFindName
	if m.ByName {
		step, other = other, step
	}
	m.Page = j.page(step, "Who is being moved?", len(errs) > 0)
	m.Action = j.url(step)
	m.OtherHref = j.url(other)
	m.MoveFrom = j.from.Title
	m.PNCExample = reqPNCExample
	m.NewPersonHref = j.url(reqStepNewPerson)
	m.Errors = errs
	return serve.Render(j.c, status, views.RequestFindPage(m))
}

// saveFind searches by a PNC or prison number (told apart by their
// formats, which do not overlap), or by last name and date of birth.
func (j *reqJourney) saveFind() error {
	m := views.RequestFind{ByName: j.c.Param("step") == reqStepFindName,
		Number: j.form("number"), LastName: j.form("last_name"),
		DOB: views.RequestDateParts{Day: j.form("dob-day"), Month: j.form("dob-month"), Year: j.form("dob-year")}}
	var errs views.Errors
	var s *reqSearch
	if !m.ByName {
		number := strings.ToUpper(strings.ReplaceAll(m.Number, " ", ""))
		switch {
		case number == "":
			errs = append(errs, views.FieldError{ID: "number", Message: "Enter a PNC number or a prison number"})
		case moves.ValidPrisonNumber(number):
			s = &reqSearch{By: "prison_number", PrisonNumber: number}
		case moves.ValidPNC(number):
			s = &reqSearch{By: "pnc", PNC: number}
		case number[0] >= 'A' && number[0] <= 'Z':
			errs = append(errs, views.FieldError{ID: "number", Message: "Enter a prison number in the correct format, like A1234BC"})
		default:
			errs = append(errs, views.FieldError{ID: "number", Message: "Enter a PNC number in the correct format, like " + reqPNCExample})
		}
	} else {
		switch {
		case m.LastName == "":
			errs = append(errs, views.FieldError{ID: "last_name", Message: "Enter the person's last name"})
		case utf8.RuneCountInString(m.LastName) > moves.MaxNameLength:
			errs = append(errs, views.FieldError{ID: "last_name", Message: fmt.Sprintf("Last name must be %d characters or fewer", moves.MaxNameLength)})
		}
		dob, fe, parts := reqParseDateParts("dob", reqDOBWords, m.DOB)
		if fe == nil && dob > j.h.Today() {
			fe, parts = &views.FieldError{ID: "dob-day", Message: "Date of birth must be today or in the past"}, []string{"day", "month", "year"}
		}
		if fe != nil {
			errs = append(errs, *fe)
			m.DOB.ErrorParts = parts
		}
		s = &reqSearch{By: "name", LastName: m.LastName, DateOfBirth: dob}
	}
	if len(errs) > 0 {
		return j.renderFind(m, errs)
	}
	j.d.Search = s
	return j.saveOr(j.url(reqStepResults), nil)
}

// reqDateParts splits YYYY-MM-DD for a GOV.UK date input.
func reqDateParts(iso string) views.RequestDateParts {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return views.RequestDateParts{}
	}
	return views.RequestDateParts{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
}

// reqDateWords names a GOV.UK date input's date in its messages.
type reqDateWords struct {
	blank string // when nothing is entered
	name  string // starts the other messages, capitalised
}

var reqDOBWords = reqDateWords{blank: "Enter the person's date of birth", name: "Date of birth"}

// reqParseDateParts reads a GOV.UK date input named prefix-day, -month and
// -year. On a problem it returns the error (linked to the first field
// concerned) and the fields to mark.
func reqParseDateParts(prefix string, w reqDateWords, p views.RequestDateParts) (string, *views.FieldError, []string) {
	all := []string{"day", "month", "year"}
	values := map[string]string{"day": p.Day, "month": p.Month, "year": p.Year}
	var missing []string
	for _, k := range all {
		if values[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) == 3 {
		return "", &views.FieldError{ID: prefix + "-day", Message: w.blank}, all
	}
	if len(missing) > 0 {
		what := missing[0]
		if len(missing) == 2 {
			what = missing[0] + " and " + missing[1]
		}
		return "", &views.FieldError{ID: prefix + "-" + missing[0], Message: w.name + " must include a " + what}, missing
	}
	d, errD := strconv.Atoi(p.Day)
	mo, errM := strconv.Atoi(p.Month)
	y, errY := strconv.Atoi(p.Year)
	if errY == nil && len(p.Year) != 4 {
		return "", &views.FieldError{ID: prefix + "-year", Message: "Year must include 4 numbers"}, []string{"year"}
	}
	if errD != nil || errM != nil || errY != nil || mo < 1 || mo > 12 || d < 1 || d > 31 {
		return "", &views.FieldError{ID: prefix + "-day", Message: w.name + " must be a real date"}, all
	}
	t := time.Date(y, time.Month(mo), d, 12, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", &views.FieldError{ID: prefix + "-day", Message: w.name + " must be a real date"}, all
	}
	iso := t.Format(time.DateOnly)
	if _, err := moves.ParseDate(iso); err != nil {
		return "", &views.FieldError{ID: prefix + "-year", Message: w.name + " must be after 1 January 1900"}, []string{"year"}
	}
	return iso, nil, nil
}

// --- People found ---

func (j *reqJourney) searchFilter() store.PeopleFilter {
	s := j.d.Search
	f := store.PeopleFilter{Limit: 50}
	switch s.By {
	case "pnc":
		f.PNC = s.PNC
	case "prison_number":
		f.PrisonNumber = s.PrisonNumber
	default:
		f.LastName, f.DateOfBirth = s.LastName, s.DateOfBirth
	}
	return f
}

func (j *reqJourney) searchedFor() string {
	s := j.d.Search
	switch s.By {
	case "pnc":
		return "PNC number " + s.PNC
	case "prison_number":
		return "prison number " + s.PrisonNumber
	}
	return "last name " + s.LastName + ", born " + views.ShortDate(s.DateOfBirth)
}

func (j *reqJourney) found() ([]moves.Person, error) {
	return j.h.Store.FindPeople(j.c.Request().Context(), j.searchFilter())
}

func reqPersonLines(p moves.Person) []string {
	lines := []string{"Date of birth: " + views.ShortDate(p.DateOfBirth)}
	if p.PNC != "" {
		lines = append(lines, "PNC number: "+p.PNC)
	}
	if p.PrisonNumber != "" {
		lines = append(lines, "Prison number: "+p.PrisonNumber)
	}
	return lines
}

func (j *reqJourney) showResults() error {
	return j.renderResults("", nil)
}

func (j *reqJourney) renderResults(selected string, errs views.Errors) error {
	people, err := j.found()
	if err != nil {
		return err
	}
	heading := "No people found"
	switch n := len(people); {
	case n == 1:
		heading = "1 person found"
	case n > 1:
		heading = strconv.Itoa(n) + " people found"
	}
	m := views.RequestResults{Page: j.page(reqStepResults, heading, len(errs) > 0), Action: j.url(reqStepResults), Heading: heading,
		SearchedFor: j.searchedFor(), Selected: selected, SearchAgainHref: j.url(j.searchStep()), NewPersonHref: j.url(reqStepNewPerson), Errors: errs}
	for _, p := range people {
		m.People = append(m.People, views.RequestPersonChoice{ID: p.ID, Name: p.FullName(), Details: reqPersonLines(p)})
		if len(errs) == 0 && selected == "" && p.ID == j.d.PersonID {
			m.Selected = p.ID
		}
	}
	if len(errs) == 0 && m.Selected == "" && len(people) == 1 {
		m.Selected = people[0].ID
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return serve.Render(j.c, status, views.RequestResultsPage(m))
}

func (j *reqJourney) saveResults() error {
	v := j.form("person")
	if v == "new" {
		return serve.Redirect(j.c, j.url(reqStepNewPerson))
	}
	people, err := j.found()
	if err != nil {
		return err
	}
	if v == "" || !slices.ContainsFunc(people, func(p moves.Person) bool { return p.ID == v }) {
		return j.renderResults("", views.Errors{{ID: "person", Message: "Select the person to move, or add a new person"}})
	}
	j.d.PersonID, j.d.NewPerson = v, nil
	return j.saveOr(j.next(reqStepResults), nil)
}

// --- Add a new person ---

func (j *reqJourney) personForm() views.RequestPersonForm {
	m := views.RequestPersonForm{Ethnicities: reqEthnicities, PNCExample: reqPNCExample}
	for _, g := range moves.Genders {
		m.Genders = append(m.Genders, views.RequestOption{Value: g, Label: moves.GenderLabels[g]})
	}
	return m
}

func (j *reqJourney) showNewPerson() error {
	m := j.personForm()
	if p := j.d.NewPerson; p != nil {
		m.FirstNames, m.LastName, m.Gender, m.Ethnicity, m.PNC, m.PrisonNumber = p.FirstNames, p.LastName, p.Gender, p.Ethnicity, p.PNC, p.PrisonNumber
		m.DOB = reqDateParts(p.DateOfBirth)
	} else if s := j.d.Search; s != nil {
		m.PNC, m.PrisonNumber, m.LastName = s.PNC, s.PrisonNumber, s.LastName
		m.DOB = reqDateParts(s.DateOfBirth)
	}
	return j.renderNewPerson(m, nil)
}

func (j *reqJourney) renderNewPerson(m views.RequestPersonForm, errs views.Errors) error {
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	m.Page = j.page(reqStepNewPerson, "Add a new person", len(errs) > 0)
	m.Action = j.url(reqStepNewPerson)
	m.Errors = errs
	return serve.Render(j.c, status, views.RequestPersonPage(m))
}

// reqPersonFieldIDs maps moves.ValidatePerson's fields to the page's ids.
var reqPersonFieldIDs = map[string]string{
	"first_names": "first_names", "last_name": "last_name", "date_of_birth": "dob-day", "gender": "gender",
	"ethnicity": "ethnicity", "police_national_computer": "pnc", "prison_number": "prison_number",
}

func (j *reqJourney) saveNewPerson() error {
	m := j.personForm()
	m.FirstNames, m.LastName, m.Gender, m.Ethnicity = j.form("first_names"), j.form("last_name"), j.form("gender"), j.form("ethnicity")
	m.PNC, m.PrisonNumber = j.form("pnc"), j.form("prison_number")
	m.DOB = views.RequestDateParts{Day: j.form("dob-day"), Month: j.form("dob-month"), Year: j.form("dob-year")}
	dob, dobErr, parts := reqParseDateParts("dob", reqDOBWords, m.DOB)
	p := moves.Person{FirstNames: m.FirstNames, LastName: m.LastName, DateOfBirth: dob, Gender: m.Gender, Ethnicity: m.Ethnicity,
		PNC: strings.ToUpper(strings.ReplaceAll(m.PNC, " ", "")), PrisonNumber: moves.NormalizePrisonNumber(m.PrisonNumber)}
	fe := moves.ValidatePerson(p, j.h.Today())
	if dobErr != nil {
		fe = slices.DeleteFunc(fe, func(e moves.FieldError) bool { return e.Field == "date_of_birth" })
	}
	if m.Ethnicity != "" && !slices.Contains(reqEthnicities, m.Ethnicity) {
		fe.Add("ethnicity", "inclusion", "Select an ethnicity from the list")
	}
	if fe.Has("gender") && fe.For("gender") != "Select the person's gender" {
		fe = slices.DeleteFunc(fe, func(e moves.FieldError) bool { return e.Field == "gender" })
		fe.Add("gender", "inclusion", "Select the person's gender")
	}
	// The summary lists problems in the order of the fields on the page.
	var errs views.Errors
	for _, field := range []string{"first_names", "last_name", "date_of_birth", "gender", "ethnicity", "police_national_computer", "prison_number"} {
		if field == "date_of_birth" && dobErr != nil {
			errs = append(errs, *dobErr)
			m.DOB.ErrorParts = parts
			continue
		}
		if msg := fe.For(field); msg != "" {
			errs = append(errs, views.FieldError{ID: reqPersonFieldIDs[field], Message: msg})
			if field == "date_of_birth" {
				m.DOB.ErrorParts = []string{"day", "month", "year"}
			}
		}
	}
	if len(errs) == 0 {
		// Someone already on the service is chosen, not added again.
		known, err := j.alreadyKnown(p)
		if err != nil {
			return err
		}
		errs = known
	}
	if len(errs) > 0 {
		return j.renderNewPerson(m, errs)
	}
	j.d.NewPerson = &reqPerson{FirstNames: p.FirstNames, LastName: p.LastName, DateOfBirth: p.DateOfBirth, Gender: p.Gender,
		Ethnicity: p.Ethnicity, PNC: p.PNC, PrisonNumber: p.PrisonNumber}
	j.d.PersonID = ""
	return j.saveOr(j.next(reqStepNewPerson), nil)
}

// alreadyKnown reports a new person's PNC or prison number that belongs
// to someone already on the service.
func (j *reqJourney) alreadyKnown(p moves.Person) (views.Errors, error) {
	var errs views.Errors
	for _, f := range []struct {
		id, what string
		filter   store.PeopleFilter
	}{
		{"pnc", "PNC number", store.PeopleFilter{PNC: p.PNC, Limit: 1}},
		{"prison_number", "prison number", store.PeopleFilter{PrisonNumber: p.PrisonNumber, Limit: 1}},
	} {
		if f.filter.PNC == "" && f.filter.PrisonNumber == "" {
			continue
		}
		found, err := j.h.Store.FindPeople(j.c.Request().Context(), f.filter)
		if err != nil {
			return nil, err
		}
		if len(found) > 0 {
			errs = append(errs, views.FieldError{ID: f.id,
				Message: "Someone with this " + f.what + " is already on the service: search for them by it instead of adding them again"})
		}
	}
	return errs, nil
}

// --- Where are they going? ---

// reqDestination describes the destination question of a type of move.
type reqDestination struct {
	heading string
	label   string
	hint    string
	blank   string
	noun    string
}

func reqDestinationFor(t moves.MoveType) reqDestination {
	switch t {
	case moves.CourtAppearance:
		return reqDestination{heading: "Which court are they going to?", label: "Name of court", blank: "Enter the name of the court", noun: "court"}
	case moves.Hospital:
		return reqDestination{heading: "Which hospital are they going to?", label: "Name of hospital", blank: "Enter the name of the hospital", noun: "hospital"}
	case moves.PoliceTransfer:
		return reqDestination{heading: "Which police custody suite are they going to?", label: "Name of police custody suite",
			blank: "Enter the name of the police custody suite", noun: "police custody suite"}
	case moves.PrisonTransfer, moves.PrisonRemand:
		return reqDestination{heading: "Which prison or other establishment are they going to?", label: "Name of prison or other establishment",
			hint:  "A prison, young offender institution, secure children's home or secure training centre",
			blank: "Enter the name of the prison or other establishment", noun: "prison or other establishment"}
	case moves.ApprovedPremises:
		return reqDestination{heading: "Which approved premises are they going to?", label: "Name of approved premises",
			blank: "Enter the name of the approved premises", noun: "approved premises"}
	case moves.Extradition:
		return reqDestination{heading: "Which police custody suite are they being handed over at?", label: "Name of police custody suite",
			hint:  "The custody suite that deals with the extradition",
			blank: "Enter the name of the police custody suite", noun: "police custody suite"}
	case moves.PrisonRecall, moves.VideoRemand:
		return reqDestination{heading: "Where are they going?", label: "Destination (optional)", noun: "location"}
	}
	return reqDestination{heading: "Where are they going?", label: "Destination", blank: "Enter the destination", noun: "location"}
}

// reqTimeDueFor is the label of a type's time-due question and whether it
// must be answered ("" when the type has none).
func reqTimeDueFor(t moves.MoveType) (string, bool) {
	switch t {
	case moves.CourtAppearance:
		return "Time due at court (optional)", false
	case moves.Hospital:
		return "Time due at hospital", true
	}
	return "", false
}

func reqMoveTypeHint(t moves.MoveType) string {
	switch t {
	case moves.PrisonTransfer:
		return "Between prisons and other secure establishments. The Population Management Unit (PMU) reviews these requests."
	case moves.PrisonRecall:
		return "Back to prison after a recall"
	case moves.VideoRemand:
		return "For a remand hearing by video link"
	case moves.ApprovedPremises:
		return "On release to approved premises"
	case moves.Extradition:
		return "To be handed over for a flight out of the country"
	}
	return ""
}

func (j *reqJourney) showMoveType() error {
	return j.renderMoveType(j.d.MoveType, nil)
}

func (j *reqJourney) renderMoveType(value string, errs views.Errors) error {
	m := views.RequestMoveType{Page: j.page(reqStepMoveType, "Where are they going?", len(errs) > 0), Action: j.url(reqStepMoveType),
		MoveFrom: j.from.Title, MoveType: value, Errors: errs}
	for _, t := range j.types {
		m.Types = append(m.Types, views.RequestOption{Value: string(t), Label: t.Label(), Hint: reqMoveTypeHint(t)})
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return serve.Render(j.c, status, views.RequestMoveTypePage(m))
}

func (j *reqJourney) saveMoveType() error {
	t := moves.MoveType(j.form("move_type"))
	switch {
	case t == "":
		return j.renderMoveType("", views.Errors{{ID: "move_type", Message: "Select the type of move"}})
	case !slices.Contains(j.types, t):
		return j.renderMoveType("", views.Errors{{ID: "move_type", Message: "Select one of the types of move listed"}})
	}
	d := j.d
	if d.MoveType != string(t) {
		// The destination and its time due depend on the type of move, so
		// they are asked again (and with them, whether a date or a window
		// of dates is wanted: see saveDestination).
		d.MoveType, d.Dest, d.ToID, d.TimeDue = string(t), false, "", ""
		j.to, j.toLoaded = nil, true
		if !j.courtApplies() {
			d.clearFlags(reqStepCourt)
		}
		d.clearDetails(t)
	}
	return j.saveOr(j.next(reqStepMoveType), nil)
}

// destinations lists the places a move of type t may go: the right kind
// of place, in use, and not the starting location.
func (j *reqJourney) destinations(t moves.MoveType) ([]moves.Location, error) {
	all, err := j.h.Store.Locations(j.c.Request().Context(), store.LocationFilter{Types: moves.DestinationTypes(t)})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(l moves.Location) bool { return l.ID == j.from.ID || l.Disabled }), nil
}

func (j *reqJourney) showDestination() error {
	m := views.RequestDestination{Notes: j.d.Notes, TimeValue: reqTimeLabel(j.d.TimeDue)}
	if to := j.toLocation(); to != nil {
		m.DestValue = to.Title
	}
	return j.renderDestination(m, nil)
}

func (j *reqJourney) renderDestination(m views.RequestDestination, errs views.Errors) error {
	t := moves.MoveType(j.d.MoveType)
	dests, err := j.destinations(t)
	if err != nil {
		return err
	}
	dq := reqDestinationFor(t)
	m.Heading, m.DestLabel, m.DestHint = dq.heading, dq.label, dq.hint
	if m.DestHint == "" {
		m.DestHint = "Start typing the name, then choose it from the list"
	}
	m.Context = t.Label() + " from " + j.from.Title
	for _, l := range dests {
		m.Destinations = append(m.Destinations, l.Title)
	}
	m.TimeLabel, _ = reqTimeDueFor(t)
	m.Page = j.page(reqStepDestination, dq.heading, len(errs) > 0)
	m.Action = j.url(reqStepDestination)
	m.NotesMax = reqNotesMax
	m.Errors = errs
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return serve.Render(j.c, status, views.RequestDestinationPage(m))
}

// resolveDestination finds the location typed (or, from a hand-made
// request, the id posted) for a move of type t. It returns nil with no
// message when no destination was given and none is needed.
func (j *reqJourney) resolveDestination(t moves.MoveType, text string) (*moves.Location, string, error) {
	dq := reqDestinationFor(t)
	if text == "" {
		if moves.DestinationOptional(t) {
			return nil, "", nil
		}
		return nil, dq.blank, nil
	}
	all, err := j.h.Store.Locations(j.c.Request().Context(), store.LocationFilter{IncludeDisabled: true})
	if err != nil {
		return nil, "", err
	}
	var found *moves.Location
	for _, match := range []func(moves.Location) bool{
		func(l moves.Location) bool { return l.ID == text },
		func(l moves.Location) bool { return strings.EqualFold(l.Title, text) && !l.Disabled },
		func(l moves.Location) bool {
			return strings.EqualFold(l.Title, text) || strings.EqualFold(l.Code, text)
		},
	} {
		if i := slices.IndexFunc(all, match); i >= 0 {
			found = &all[i]
			break
		}
	}
	if found == nil {
		// Part of a name is enough when it names one place that fits.
		types := moves.DestinationTypes(t)
		var matches []moves.Location
		for _, l := range all {
			if !l.Disabled && l.ID != j.from.ID && slices.Contains(types, l.Type) && strings.Contains(strings.ToLower(l.Title), strings.ToLower(text)) {
				matches = append(matches, l)
			}
		}
		switch len(matches) {
		case 0:
			return nil, fmt.Sprintf("Enter the name of a %s from the list", dq.noun), nil
		case 1:
			found = &matches[0]
		case 2, 3:
			names := make([]string, len(matches))
			for i, l := range matches {
				names[i] = l.Title
			}
			return nil, fmt.Sprintf("More than one %s matches “%s”: enter the full name, such as %s", dq.noun, text,
				strings.Join(names[:len(names)-1], ", ")+" or "+names[len(names)-1]), nil
		default:
			return nil, fmt.Sprintf("More than one %s matches “%s”: enter the full name", dq.noun, text), nil
		}
	}
	if fe := moves.CheckLocations(t, j.from, found); fe.Has("to_location") {
		return nil, fe.For("to_location"), nil
	}
	return found, "", nil
}

func (j *reqJourney) saveDestination() error {
	t := moves.MoveType(j.d.MoveType)
	m := views.RequestDestination{DestValue: j.form("to"), TimeValue: j.form("time_due"), Notes: j.form("notes")}
	var errs views.Errors
	to, msg, err := j.resolveDestination(t, m.DestValue)
	if err != nil {
		return err
	}
	if msg != "" {
		errs = append(errs, views.FieldError{ID: "to", Message: msg})
	}
	timeDue := ""
	if label, required := reqTimeDueFor(t); label != "" {
		switch {
		case m.TimeValue == "" && required:
			errs = append(errs, views.FieldError{ID: "time_due", Message: "Enter the time they are due at the " + reqDestinationFor(t).noun})
		case m.TimeValue != "":
			hhmm, ok := reqParseTime(m.TimeValue)
			if !ok {
				errs = append(errs, views.FieldError{ID: "time_due", Message: "Enter a time in the correct format, like 10am or 14:30"})
			}
			timeDue = hhmm
		}
	}
	if reqTooLong(m.Notes, reqNotesMax) {
		errs = append(errs, views.FieldError{ID: "notes", Message: fmt.Sprintf("Additional information must be %d characters or fewer", reqNotesMax)})
	}
	if len(errs) > 0 {
		return j.renderDestination(m, errs)
	}
	hadDate := j.complete(reqStepDate)
	wasProposed := j.proposed()
	d := j.d
	d.Dest, d.ToID, d.TimeDue, d.Notes = true, "", timeDue, m.Notes
	if to != nil {
		d.ToID = to.ID
	}
	j.to, j.toLoaded = to, true
	if hadDate && wasProposed != j.proposed() {
		// A date where a window is wanted, or the other way round.
		d.Date, d.DateFrom, d.DateTo = "", "", ""
	}
	return j.saveOr(j.next(reqStepDestination), func() error {
		return j.renderDestination(m, views.Errors{{ID: "notes", Message: "Your answers are too long to keep: shorten the additional information"}})
	})
}

// --- When? ---

func (j *reqJourney) today() time.Time { return j.h.Now().In(serve.London) }

func (j *reqJourney) showDate() error {
	m := views.RequestWhen{Other: j.c.Param("step") == reqStepDateOther}
	today := j.h.Today()
	switch d := j.d; {
	case j.proposed():
		m.DateFrom, m.DateTo = views.ShortDate(d.DateFrom), views.ShortDate(d.DateTo)
	case d.Date == "":
	case d.Date == today && !m.Other:
		m.DateType = "today"
	case d.Date == moves.AddDays(today, 1) && !m.Other:
		m.DateType = "tomorrow"
	default:
		m.DateType, m.DateCustom = "other", views.ShortDate(d.Date)
	}
	return j.renderDate(m, nil)
}

func (j *reqJourney) renderDate(m views.RequestWhen, errs views.Errors) error {
	today := j.h.Today()
	m.Proposed = j.proposed()
	m.Today = "Today (" + views.LongDate(today) + ")"
	m.Tomorrow = "Tomorrow (" + views.LongDate(moves.AddDays(today, 1)) + ")"
	step, title := reqStepDate, "When are they moving?"
	switch {
	case m.Proposed:
		title = "When could they move?"
	case m.Other:
		step, title = reqStepDateOther, "What date are they moving?"
	}
	m.Page = j.page(step, title, len(errs) > 0)
	m.Action = j.url(step)
	m.Errors = errs
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return serve.Render(j.c, status, views.RequestWhenPage(m))
}

// parseDay reads a date typed by a person, which must not have passed;
// what names it in messages.
func (j *reqJourney) parseDay(text, what string) (string, string) {
	d, err := moves.ParseHumanDate(text, j.today())
	if err != nil {
		return "", "Enter the " + what + " as a real date, like 22/11/2026, 22 November 2026 or next Friday"
	}
	if d < j.h.Today() {
		return "", reqCapitalise("the "+what) + " must be today or in the future"
	}
	return d, ""
}

func reqCapitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (j *reqJourney) saveDate() error {
	var errs views.Errors
	today := j.h.Today()
	d := j.d
	if j.proposed() {
		m := views.RequestWhen{DateFrom: j.form("date_from"), DateTo: j.form("date_to")}
		from, to := "", ""
		if m.DateFrom == "" {
			errs = append(errs, views.FieldError{ID: "date_from", Message: "Enter the earliest date of travel"})
		} else if v, msg := j.parseDay(m.DateFrom, "earliest date of travel"); msg != "" {
			errs = append(errs, views.FieldError{ID: "date_from", Message: msg})
		} else {
			from = v
		}
		if m.DateTo != "" {
			if v, msg := j.parseDay(m.DateTo, "latest date of travel"); msg != "" {
				errs = append(errs, views.FieldError{ID: "date_to", Message: msg})
			} else if from != "" && v < from {
				errs = append(errs, views.FieldError{ID: "date_to", Message: "The latest date of travel must be the same as or after the earliest date"})
			} else {
				to = v
			}
		}
		if len(errs) > 0 {
			return j.renderDate(m, errs)
		}
		d.Date, d.DateFrom, d.DateTo = "", from, to
		return j.saveOr(j.next(reqStepDate), nil)
	}
	m := views.RequestWhen{Other: j.c.Param("step") == reqStepDateOther, DateType: j.form("date_type"), DateCustom: j.form("date_custom")}
	if m.Other {
		m.DateType = "other"
	}
	date := ""
	switch m.DateType {
	case "today":
		date = today
	case "tomorrow":
		date = moves.AddDays(today, 1)
	case "other":
		if !m.Other {
			// Which date is asked on the next page.
			return serve.Redirect(j.c, j.url(reqStepDateOther))
		}
		if m.DateCustom == "" {
			errs = append(errs, views.FieldError{ID: "date_custom", Message: "Enter the date of the move"})
		} else if v, msg := j.parseDay(m.DateCustom, "date of the move"); msg != "" {
			errs = append(errs, views.FieldError{ID: "date_custom", Message: msg})
		} else {
			date = v
		}
	default:
		errs = append(errs, views.FieldError{ID: "date_type", Message: "Select when they are moving"})
	}
	if len(errs) > 0 {
		return j.renderDate(m, errs)
	}
	d.Date, d.DateFrom, d.DateTo = date, "", ""
	return j.saveOr(j.next(reqStepDate), nil)
}

// --- Risk, health and court information ---

func reqDetailsID(cat, key string) string { return cat + "_" + key + "_details" }

func (j *reqJourney) flagsModel(step string) views.RequestFlags {
	fp, _ := reqFlagPageFor(step)
	m := views.RequestFlags{Name: step, Title: fp.Title, Hint: fp.Hint, None: fp.None, DetailsMax: reqDetailsMax}
	for _, o := range fp.Options {
		m.Options = append(m.Options, views.RequestFlagChoice{Key: o.Key, Label: o.Label, DetailsID: reqDetailsID(step, o.Key)})
	}
	return m
}

func (j *reqJourney) showFlags() error {
	step := j.c.Param("step")
	m := j.flagsModel(step)
	flags := j.d.flags(step)
	for i, o := range m.Options {
		for _, f := range flags {
			if f.K == o.Key {
				m.Options[i].Checked, m.Options[i].Details = true, f.D
			}
		}
	}
	m.NoneChecked = j.d.answered(step) && len(flags) == 0
	return j.renderFlags(step, m, nil)
}

func (j *reqJourney) renderFlags(step string, m views.RequestFlags, errs views.Errors) error {
	m.Page = j.page(step, m.Title, len(errs) > 0)
	m.Action = j.url(step)
	m.Errors = errs
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return serve.Render(j.c, status, views.RequestFlagsPage(m))
}

func (j *reqJourney) saveFlags() error {
	step := j.c.Param("step")
	fp, _ := reqFlagPageFor(step)
	form, err := j.c.FormParams()
	if err != nil {
		return err
	}
	chosen := form[step]
	m := j.flagsModel(step)
	var errs views.Errors
	var flags []reqFlag
	known := true
	for _, v := range chosen {
		if v != "none" && !slices.ContainsFunc(fp.Options, func(o reqFlagOption) bool { return o.Key == v }) {
			known = false
		}
	}
	m.NoneChecked = slices.Contains(chosen, "none")
	for i, o := range m.Options {
		m.Options[i].Details = j.form(o.DetailsID)
		if !slices.Contains(chosen, o.Key) {
			continue
		}
		m.Options[i].Checked = true
		if reqTooLong(m.Options[i].Details, reqDetailsMax) {
			errs = append(errs, views.FieldError{ID: o.DetailsID, Message: fmt.Sprintf("Details must be %d characters or fewer", reqDetailsMax)})
		}
		flags = append(flags, reqFlag{C: step[:1], K: o.Key, D: m.Options[i].Details})
	}
	switch {
	case !known, len(chosen) == 0:
		errs = append(views.Errors{{ID: step, Message: fp.Blank}}, errs...)
	case m.NoneChecked && len(flags) > 0:
		errs = append(views.Errors{{ID: step, Message: fp.Both}}, errs...)
	}
	if len(errs) > 0 {
		return j.renderFlags(step, m, errs)
	}
	j.d.setFlags(step, flags)
	next := j.next(step)
	if step == reqStepHealth && j.d.reqVehicleNeed() != "" {
		next = j.url(reqStepSpecialVehicle)
	}
	return j.saveOr(next, func() error {
		id := step
		if len(flags) > 0 {
			id = reqDetailsID(step, flags[0].K)
		}
		return j.renderFlags(step, m, views.Errors{{ID: id, Message: "Your answers are too long to keep: shorten the details"}})
	})
}
