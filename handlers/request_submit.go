package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/views"
)

// --- Check your answers ---

// reqPerson returns the person the journey is about: the one chosen, or
// the new one to add.
func (j *reqJourney) person() (moves.Person, bool, error) {
	if np := j.d.NewPerson; np != nil {
		return moves.Person{FirstNames: np.FirstNames, LastName: np.LastName, DateOfBirth: np.DateOfBirth, Gender: np.Gender,
			Ethnicity: np.Ethnicity, PNC: np.PNC, PrisonNumber: np.PrisonNumber}, true, nil
	}
	p, err := j.h.Store.Person(j.c.Request().Context(), j.d.PersonID)
	return p, false, err
}

func reqOrNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func (j *reqJourney) checkModel() (views.RequestCheck, error) {
	d := j.d
	proposed := j.proposed()
	m := views.RequestCheck{Heading: "Check your answers before requesting the move", Button: "Request move", Action: j.url(reqStepCheck)}
	if proposed {
		m.Heading, m.Button = "Check your answers before sending the request for review", "Send for review"
	}
	p, isNew, err := j.person()
	if err != nil {
		return m, err
	}
	change := func(step, field string) string {
		u := reqURL(j.id, step) + "?change=1"
		if field != "" {
			u += "#" + field
		}
		return u
	}
	person := views.RequestSummarySection{Title: "Person"}
	row := func(key, value, href, hidden string) views.RequestSummaryRow {
		return views.RequestSummaryRow{Key: key, Lines: []string{value}, ChangeHref: href, ChangeHidden: hidden}
	}
	if isNew {
		person.Rows = []views.RequestSummaryRow{
			row("First names", p.FirstNames, change(reqStepNewPerson, "first_names"), "first names"),
			row("Last name", p.LastName, change(reqStepNewPerson, "last_name"), "last name"),
			row("Date of birth", views.ShortDate(p.DateOfBirth), change(reqStepNewPerson, "dob-day"), "date of birth"),
			row("Gender", moves.Label(moves.GenderLabels, p.Gender), change(reqStepNewPerson, "gender"), "gender"),
			row("Ethnicity", reqOrNone(p.Ethnicity, "Not known"), change(reqStepNewPerson, "ethnicity"), "ethnicity"),
			row("PNC number", reqOrNone(p.PNC, "Not given"), change(reqStepNewPerson, "pnc"), "PNC number"),
			row("Prison number", reqOrNone(p.PrisonNumber, "Not given"), change(reqStepNewPerson, "prison_number"), "prison number"),
		}
	} else {
		person.Rows = []views.RequestSummaryRow{
			row("Name", p.FullName(), change(j.searchStep(), ""), "person"),
			row("Date of birth", views.ShortDate(p.DateOfBirth), "", ""),
			row("PNC number", reqOrNone(p.PNC, "Not given"), "", ""),
			row("Prison number", reqOrNone(p.PrisonNumber, "Not given"), "", ""),
		}
	}
	t := moves.MoveType(d.MoveType)
	move := views.RequestSummarySection{Title: "Move"}
	move.Rows = append(move.Rows,
		row("From", j.from.Title, "", ""),
		row("Type of move", t.Label(), change(reqStepMoveType, "move_type"), "type of move"))
	to := "Not given"
	if l := j.toLocation(); l != nil {
		to = l.Title
	}
	move.Rows = append(move.Rows, row("To", to, change(reqStepDestination, "to"), "destination"))
	if label, _ := reqTimeDueFor(t); label != "" {
		due := "Not given"
		if d.TimeDue != "" {
			due = reqTimeLabel(d.TimeDue)
		}
		move.Rows = append(move.Rows, row("Time due", due, change(reqStepDestination, "time_due"), "time due"))
	}
	if proposed {
		move.Rows = append(move.Rows,
			row("Earliest date of travel", views.LongDate(d.DateFrom), change(reqStepDate, "date_from"), "earliest date of travel"),
			row("Latest date of travel", reqOrNone(views.LongDate(d.DateTo), "No latest date"), change(reqStepDate, "date_to"), "latest date of travel"))
	} else {
		move.Rows = append(move.Rows, row("Date", views.LongDate(d.Date), change(reqStepDate, "date_type"), "date"))
	}
	move.Rows = append(move.Rows, j.detailRows(change)...)
	move.Rows = append(move.Rows, row("Additional information", reqOrNone(d.Notes, "None"), change(reqStepDestination, "notes"), "additional information"))
	if j.section46Applies() {
		move.Rows = append(move.Rows, row("Subject to PACE section 46", reqYesNo(d.S46), change(reqStepSection46, "s46"), "PACE section 46"))
	}
	info := views.RequestSummarySection{Title: "Risk, health and court information"}
	for _, fp := range requestFlagPages {
		step := string(fp.Category)
		if step == reqStepCourt && !j.courtApplies() {
			continue
		}
		var lines []string
		for _, f := range d.flags(step) {
			l := moves.Flag{Key: f.K}.Label()
			if f.D != "" {
				l += ": " + f.D
			}
			lines = append(lines, l)
		}
		if len(lines) == 0 {
			lines = []string{"None"}
		}
		info.Rows = append(info.Rows, views.RequestSummaryRow{Key: fp.Summary, Lines: lines,
			ChangeHref: change(step, step), ChangeHidden: strings.ToLower(fp.Summary)})
	}
	m.Sections = []views.RequestSummarySection{person, move, info}
	m.Page = j.page(reqStepCheck, m.Heading, false)
	return m, nil
}

func (j *reqJourney) showCheck() error {
	m, err := j.checkModel()
	if err != nil {
		return err
	}
	return serve.Render(j.c, http.StatusOK, views.RequestCheckPage(m))
}

func (j *reqJourney) renderCheckProblem(text string, links []views.Link) error {
	m, err := j.checkModel()
	if err != nil {
		return err
	}
	m.Page.HasErrors = true
	m.ProblemText, m.ProblemLinks = text, links
	return serve.Render(j.c, http.StatusUnprocessableEntity, views.RequestCheckPage(m))
}

// reqProblem is a problem found on submitting, and where to fix it.
type reqProblem struct {
	step  string
	field string
	msg   string
}

func (j *reqJourney) problemLinks(ps []reqProblem) []views.Link {
	var links []views.Link
	for _, p := range ps {
		href := reqURL(j.id, p.step) + "?change=1"
		if p.field != "" {
			href += "#" + p.field
		}
		links = append(links, views.Link{Text: p.msg, Href: href})
	}
	return links
}

// recheck validates the whole journey again, as things may have changed
// since each page was answered: the date may have passed, a location may
// have been disabled, the person may be gone.
func (j *reqJourney) recheck() ([]reqProblem, error) {
	ctx := j.c.Request().Context()
	d := j.d
	today := j.h.Today()
	var ps []reqProblem
	if d.NewPerson != nil {
		p, _, _ := j.person()
		for _, fe := range moves.ValidatePerson(p, today) {
			ps = append(ps, reqProblem{reqStepNewPerson, reqPersonFieldIDs[fe.Field], fe.Message})
		}
	} else if _, err := j.h.Store.Person(ctx, d.PersonID); err != nil {
		if moves.ErrorCode(err) != moves.NotFound {
			return nil, err
		}
		ps = append(ps, reqProblem{reqStepFind, "number", "The person chosen could not be found: find them again"})
	}
	t := moves.MoveType(d.MoveType)
	to := j.toLocation()
	if d.ToID != "" && to == nil {
		ps = append(ps, reqProblem{reqStepDestination, "to", "The destination chosen could not be found: choose it again"})
	} else if fe := moves.CheckLocations(t, j.from, to); fe.Has("to_location") {
		ps = append(ps, reqProblem{reqStepDestination, "to", fe.For("to_location")})
	}
	if j.proposed() {
		if d.DateFrom < today {
			ps = append(ps, reqProblem{reqStepDate, "date_from", "The earliest date of travel has passed: enter another"})
		}
	} else {
		if d.Date < today {
			ps = append(ps, reqProblem{reqStepDate, "date_type", "The date of the move has passed: choose another"})
		} else if due := reqTimeDue(d.Date, d.TimeDue); due != nil && d.Date == today && due.Before(j.h.Now()) {
			ps = append(ps, reqProblem{reqStepDestination, "time_due", "The time due has passed: change the time or the date"})
		}
	}
	return append(ps, j.recheckDetails()...), nil
}

// reqStoreFields maps the store's field errors to the step and field to
// change.
var reqStoreFields = map[string][2]string{
	"move_type":   {reqStepMoveType, "move_type"},
	"to_location": {reqStepDestination, "to"},
	"date":        {reqStepDate, "date_type"},
	"date_from":   {reqStepDate, "date_from"},
	"date_to":     {reqStepDate, "date_to"},
	"person":      {reqStepFind, "number"},

	"recall_date":            {reqStepRecall, "recall_date-day"},
	"prison_transfer_reason": {reqStepReason, "reason"},
	"extradition_flight":     {reqStepFlight, "flight_number"},
}

// submit requests the move: one transaction adds the new person (if any),
// the move, its profile and its first event.
func (j *reqJourney) submit() error {
	ps, err := j.recheck()
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return j.renderCheckProblem("", j.problemLinks(ps))
	}
	d := j.d
	nm := store.NewMove{
		MoveType: moves.MoveType(d.MoveType), FromID: j.from.ID, ToID: d.ToID, Notes: d.Notes, Details: j.details(),
		PersonID: d.PersonID, CreatedBy: j.u.Username, At: j.h.Now(),
	}
	if j.proposed() {
		nm.DateFrom, nm.DateTo = d.DateFrom, d.DateTo
	} else {
		nm.Date = d.Date
		nm.TimeDue = reqTimeDue(d.Date, d.TimeDue)
	}
	for _, fp := range requestFlagPages {
		step := string(fp.Category)
		if step == reqStepCourt && !j.courtApplies() {
			continue
		}
		for _, f := range d.flags(step) {
			nm.Flags = append(nm.Flags, moves.Flag{Category: fp.Category, Key: f.K, Details: f.D})
		}
	}
	if j.section46Applies() && d.S46 == "yes" {
		nm.Flags = append(nm.Flags, moves.Flag{Category: moves.FlagMove, Key: moves.FlagSection46})
	}
	// A journey requests one move: the form sent twice at once (its
	// answers are in a cookie both sendings carry) finds the first's move.
	var m moves.Move
	id, replayed, err := serve.Once(j.c, j.h.Store, "request", j.id, func(ctx context.Context) (string, error) {
		var err error
		if d.NewPerson != nil {
			p, _, _ := j.person()
			p.CreatedBy = j.u.Username
			m, _, err = j.h.Store.CreateMoveWithPerson(ctx, p, j.h.Today(), nm)
		} else {
			m, err = j.h.Store.CreateMove(ctx, nm)
		}
		return m.ID, err
	})
	if e, ok := moves.AsError(err); ok {
		switch {
		case e.Code == moves.Conflict && e.ExistingID != "":
			return j.renderDuplicate(e.ExistingID)
		case e.Code == moves.Invalid:
			for _, fe := range e.Fields {
				if at, ok := reqStoreFields[fe.Field]; ok {
					ps = append(ps, reqProblem{at[0], at[1], fe.Message})
				} else if id, ok := reqPersonFieldIDs[fe.Field]; ok {
					ps = append(ps, reqProblem{reqStepNewPerson, id, fe.Message})
				} else {
					ps = append(ps, reqProblem{reqStepCheck, "", fe.Message})
				}
			}
			return j.renderCheckProblem("The move could not be requested:", j.problemLinks(ps))
		}
	}
	if err != nil {
		return err
	}
	if !replayed {
		j.h.logFor(j.c).Info("move requested", "move", m.ID, "reference", m.Reference, "status", string(m.Status), "by", j.u.Username)
	}
	// The journey now leads only to its confirmation, so that going back
	// cannot request the move again.
	j.d = &reqDraft{User: j.u.ID, From: j.from.ID, Done: id}
	return j.saveOr("/move/"+id+"/confirmation", nil)
}

// renderDuplicate explains that the move already exists, linking to it
// and to the answers that would make this one different.
func (j *reqJourney) renderDuplicate(existingID string) error {
	p, _, err := j.person()
	if err != nil {
		return err
	}
	text := "A move already exists for " + p.FullName() + " from " + j.from.Title
	if to := j.toLocation(); to != nil {
		text += " to " + to.Title
	}
	text += " on " + views.LongDate(j.d.Date) + "."
	return j.renderCheckProblem(text, []views.Link{
		{Text: "View the existing move", Href: "/move/" + existingID},
		{Text: "Change the date", Href: reqURL(j.id, reqStepDate) + "?change=1#date_type"},
		{Text: "Change the destination", Href: reqURL(j.id, reqStepDestination) + "?change=1#to"},
	})
}

// --- Confirmation ---

// RequestConfirmation confirms a move just requested, with its reference.
func (h *Handlers) RequestConfirmation(c echo.Context) error {
	m, err := h.visibleMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	person, err := h.Store.Person(ctx, m.PersonID)
	if err != nil {
		return err
	}
	where := ""
	if m.ToID != "" {
		if to, err := h.Store.Location(ctx, m.ToID); err == nil {
			where = " to " + to.Title
		}
	}
	cm := views.RequestConfirmation{Reference: m.Reference, MoveHref: "/move/" + m.ID, AnotherHref: "/move/new"}
	if m.Status == moves.StatusProposed {
		cm.Title = "Move sent for review"
		when := " on or after " + views.LongDate(m.DateFrom)
		if m.DateTo != "" {
			when = " between " + views.LongDate(m.DateFrom) + " and " + views.LongDate(m.DateTo)
		}
		cm.Sentence = fmt.Sprintf("The move for %s%s%s has been sent to the Population Management Unit (PMU) for review.", person.FullName(), where, when)
	} else {
		cm.Title = "Move requested"
		supplier := "the supplier"
		if m.SupplierID != "" {
			if sp, err := h.Store.Supplier(ctx, m.SupplierID); err == nil {
				supplier = sp.Name
			}
		}
		cm.Sentence = fmt.Sprintf("The move for %s%s on %s has been requested with %s.", person.FullName(), where, views.LongDate(m.Date), supplier)
	}
	cm.Page = h.page(c, cm.Title)
	return serve.Render(c, http.StatusOK, views.RequestConfirmationPage(cm))
}
