package handlers

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// "Request a move": /move/new starts a journey and sends the user to
// /move/new/<journey id>/<step>. The steps, in order:
//
//	person        Who is being moved? (by PNC or prison number)
//	person-name   the same, by last name and date of birth
//	results       the people found; choose one or add a new person
//	new-person    Add a new person
//	move-type     Where are they going? (the type of move)
//	destination   the destination, time due and additional information
//	recall        When were they arrested for recall? (prison recalls)
//	date          When? (today, tomorrow or another date; or earliest and
//	              latest dates for a prison transfer)
//	date-other    the other date
//	reason        Why are they being moved? (prison transfers and
//	              approved premises moves)
//	flight        the extradition flight (extraditions)
//	section-46    Is the person subject to section 46 of PACE? (police
//	              moves only)
//	court         court information (court moves only)
//	risk          risk information
//	health        health information, with "Does this person need to
//	              travel in a special vehicle?"
//	special-vehicle  what to do when they do (an interruption page)
//	check         Check your answers; its POST requests the move
//
// Questions with follow-ups of more than one part are asked on the next
// page rather than revealed under a radio button, as the GOV.UK Design
// System advises (GOV.UK Frontend's radio reveals also add an ARIA
// attribute that radios may not have).
//
// Each POST validates its page and answers 422 with the page and a GOV.UK
// error summary, or saves the answers (request_draft.go) and 303s to the
// next step. "?change=1" (from the Change links on check your answers)
// returns to check your answers once the journey is complete again.
// Nothing is written to the database until the move is requested.

const (
	reqStepFind        = "person"
	reqStepFindName    = "person-name"
	reqStepResults     = "results"
	reqStepNewPerson   = "new-person"
	reqStepMoveType    = "move-type"
	reqStepDestination = "destination"
	reqStepDate        = "date"
	reqStepDateOther   = "date-other"
	reqStepCourt       = "court"
	reqStepRisk        = "risk"
	reqStepHealth      = "health"
	// reqStepSpecialVehicle interrupts the journey after the health page
	// when the person needs a special vehicle, to say what to do.
	reqStepSpecialVehicle = "special-vehicle"
	// reqStepSection46 asks, for police moves, whether the person is
	// subject to section 46 of PACE.
	reqStepSection46 = "section-46"
	reqStepCheck     = "check"
)

// reqJourney is one journey being worked on in one request.
type reqJourney struct {
	h      *Handlers
	c      echo.Context
	id     string
	u      *serve.Principal
	d      *reqDraft
	from   moves.Location
	types  []moves.MoveType
	change bool

	to       *moves.Location
	toLoaded bool
}

func reqURL(jid, step string) string { return "/move/new/" + jid + "/" + step }

// url is a step's address, keeping the change mode.
func (j *reqJourney) url(step string) string {
	u := reqURL(j.id, step)
	if j.change && step != reqStepCheck {
		u += "?change=1"
	}
	return u
}

// StartRequest begins a journey from the user's current location.
func (h *Handlers) StartRequest(c echo.Context) error {
	u := serve.CurrentUser(c)
	from, blocked := h.requestFrom(c, u)
	if blocked != nil {
		return blocked()
	}
	jid := serve.NewToken()
	if err := h.saveDraft(c, jid, &reqDraft{User: u.ID, From: from.ID}); err != nil {
		return err
	}
	return serve.Redirect(c, reqURL(jid, reqStepFind))
}

// requestFrom checks that the user may request moves from their current
// location and returns it; otherwise it returns a function that renders
// the page explaining why not.
func (h *Handlers) requestFrom(c echo.Context, u *serve.Principal) (moves.Location, func() error) {
	if u.Current == nil {
		if id := h.Sessions.Str(c, serve.KeyLocation); id != "" && (u.Role == moves.RolePMU || slices.Contains(u.LocationIDs, id)) {
			if l, err := h.Store.Location(c.Request().Context(), id); err == nil && l.Disabled {
				return l, func() error { return h.requestCannotFrom(c, l) }
			}
		}
		if u.Role == moves.RolePMU {
			return moves.Location{}, func() error {
				return h.requestBlocked(c, http.StatusOK, "Choose a location first",
					[]string{"You are viewing all locations. To request a move, first choose the location the person is moving from."},
					&views.Link{Text: "Choose a location", Href: "/locations?next=" + url.QueryEscape("/move/new")}, nil)
			}
		}
		return moves.Location{}, func() error {
			return h.requestBlocked(c, http.StatusForbidden, "You cannot request a move",
				[]string{"You do not have a location to request moves from. Contact your service administrator."}, nil, nil)
		}
	}
	if u.Current.Disabled || len(moves.MoveTypesFor(u.Role, u.Current.Type)) == 0 {
		l := *u.Current
		return l, func() error { return h.requestCannotFrom(c, l) }
	}
	return *u.Current, nil
}

func (h *Handlers) requestCannotFrom(c echo.Context, l moves.Location) error {
	line := "Moves cannot be requested from " + l.Title + "."
	if l.Disabled {
		line = l.Title + " is no longer in use, so moves cannot be requested from it."
	}
	var links []views.Link
	if u := serve.CurrentUser(c); u != nil && u.CanChooseLocation() {
		links = append(links, views.Link{Text: "Choose another location", Href: "/locations"})
	}
	return h.requestBlocked(c, http.StatusForbidden, "You cannot request a move from this location", []string{line}, nil, links)
}

func (h *Handlers) requestBlocked(c echo.Context, status int, heading string, lines []string, button *views.Link, links []views.Link) error {
	return serve.Render(c, status, views.RequestBlockedPage(views.RequestBlocked{
		Page: h.page(c, heading), Heading: heading, Lines: lines, Button: button, Links: links,
	}))
}

type reqStepHandlers struct {
	show func(j *reqJourney) error
	save func(j *reqJourney) error
}

var reqSteps map[string]reqStepHandlers

func init() {
	reqSteps = map[string]reqStepHandlers{
		reqStepFind:           {(*reqJourney).showFind, (*reqJourney).saveFind},
		reqStepFindName:       {(*reqJourney).showFind, (*reqJourney).saveFind},
		reqStepResults:        {(*reqJourney).showResults, (*reqJourney).saveResults},
		reqStepNewPerson:      {(*reqJourney).showNewPerson, (*reqJourney).saveNewPerson},
		reqStepMoveType:       {(*reqJourney).showMoveType, (*reqJourney).saveMoveType},
		reqStepDestination:    {(*reqJourney).showDestination, (*reqJourney).saveDestination},
		reqStepDate:           {(*reqJourney).showDate, (*reqJourney).saveDate},
		reqStepDateOther:      {(*reqJourney).showDate, (*reqJourney).saveDate},
		reqStepCourt:          {(*reqJourney).showFlags, (*reqJourney).saveFlags},
		reqStepRisk:           {(*reqJourney).showFlags, (*reqJourney).saveFlags},
		reqStepHealth:         {(*reqJourney).showFlags, (*reqJourney).saveFlags},
		reqStepSpecialVehicle: {(*reqJourney).showSpecialVehicle, (*reqJourney).saveSpecialVehicle},
		reqStepSection46:      {(*reqJourney).showSection46, (*reqJourney).saveSection46},
		reqStepRecall:         {(*reqJourney).showRecall, (*reqJourney).saveRecall},
		reqStepReason:         {(*reqJourney).showReason, (*reqJourney).saveReason},
		reqStepFlight:         {(*reqJourney).showFlight, (*reqJourney).saveFlight},
		reqStepCheck:          {(*reqJourney).showCheck, (*reqJourney).submit},
	}
}

// ShowRequestStep renders a step of a journey.
func (h *Handlers) ShowRequestStep(c echo.Context) error {
	return h.requestStep(c, false)
}

// SaveRequestStep validates and saves a step of a journey.
func (h *Handlers) SaveRequestStep(c echo.Context) error {
	return h.requestStep(c, true)
}

func (h *Handlers) requestStep(c echo.Context, post bool) error {
	jid, step := c.Param("journey"), c.Param("step")
	sh, ok := reqSteps[step]
	if !serve.TokenRE.MatchString(jid) || !ok {
		return moves.Errorf(moves.NotFound, "no such step")
	}
	u := serve.CurrentUser(c)
	d := h.loadDraft(c, jid)
	if d == nil || d.User != u.ID {
		if !post {
			return serve.Redirect(c, "/move/new")
		}
		return h.requestBlocked(c, http.StatusOK, "Your answers have expired",
			[]string{"We could not find the answers you gave about this move, so nothing has been requested. This happens when a page has been left open for a long time.",
				"Start again to request the move."},
			&views.Link{Text: "Start again", Href: "/move/new"}, nil)
	}
	if d.Done != "" {
		return serve.Redirect(c, "/move/"+d.Done+"/confirmation")
	}
	from, err := h.Store.Location(c.Request().Context(), d.From)
	if err != nil {
		return err
	}
	if !u.HasLocation(from.ID) && !from.Disabled {
		return moves.Errorf(moves.Forbidden, "not one of the user's locations")
	}
	types := moves.MoveTypesFor(u.Role, from.Type)
	if from.Disabled || len(types) == 0 {
		return h.requestCannotFrom(c, from)
	}
	j := &reqJourney{h: h, c: c, id: jid, u: u, d: d, from: from, types: types, change: c.QueryParam("change") == "1"}
	if to := j.guard(step); to != "" {
		return serve.Redirect(c, to)
	}
	if post {
		return sh.save(j)
	}
	return sh.show(j)
}

// steps lists the main steps that apply to the journey, in order.
func (j *reqJourney) steps() []string {
	out := []string{reqStepFind, reqStepMoveType, reqStepDestination}
	t := j.moveType()
	if moves.RecallDateApplies(t) {
		out = append(out, reqStepRecall)
	}
	out = append(out, reqStepDate)
	if moves.TransferReasonApplies(t) {
		out = append(out, reqStepReason)
	}
	if moves.FlightApplies(t) {
		out = append(out, reqStepFlight)
	}
	if j.section46Applies() {
		out = append(out, reqStepSection46)
	}
	if j.courtApplies() {
		out = append(out, reqStepCourt)
	}
	return append(out, reqStepRisk, reqStepHealth)
}

func (j *reqJourney) courtApplies() bool {
	return moves.FlagCategoryApplies(moves.MoveType(j.d.MoveType), moves.FlagCourt)
}

// toLocation is the chosen destination, or nil.
func (j *reqJourney) toLocation() *moves.Location {
	if !j.toLoaded {
		j.toLoaded = true
		if j.d.ToID != "" {
			if l, err := j.h.Store.Location(j.c.Request().Context(), j.d.ToID); err == nil {
				j.to = &l
			}
		}
	}
	return j.to
}

// proposed reports whether the move will wait for PMU's review (a prison
// transfer between two detained locations), and so is asked for a window
// of dates rather than a date.
func (j *reqJourney) proposed() bool {
	return moves.InitialStatus(moves.MoveType(j.d.MoveType), j.from, j.toLocation()) == moves.StatusProposed
}

func (j *reqJourney) complete(step string) bool {
	d := j.d
	switch step {
	case reqStepFind:
		return d.PersonID != "" || d.NewPerson != nil
	case reqStepMoveType:
		return slices.Contains(j.types, moves.MoveType(d.MoveType))
	case reqStepDestination:
		return d.Dest
	case reqStepDate:
		if j.proposed() {
			return d.DateFrom != ""
		}
		return d.Date != ""
	case reqStepCourt, reqStepRisk, reqStepHealth:
		return d.answered(step)
	case reqStepSection46:
		return d.S46 != ""
	case reqStepRecall:
		return d.RecallDate != ""
	case reqStepReason:
		return d.Reason != ""
	case reqStepFlight:
		return d.FlightNumber != "" && d.FlightDate != "" && d.FlightTime != ""
	}
	return false
}

// firstIncomplete is the first step still to answer, or check your
// answers when there is none.
func (j *reqJourney) firstIncomplete() string {
	for _, s := range j.steps() {
		if !j.complete(s) {
			return s
		}
	}
	return reqStepCheck
}

// mainStep is the step a sub-page belongs to.
func reqMainStep(step string) string {
	switch step {
	case reqStepFindName, reqStepResults, reqStepNewPerson:
		return reqStepFind
	case reqStepDateOther:
		return reqStepDate
	case reqStepSpecialVehicle:
		return reqStepHealth
	}
	return step
}

// guard returns where to send the user instead when a step cannot be
// shown yet: an earlier answer is missing, or the step does not apply.
func (j *reqJourney) guard(step string) string {
	switch step {
	case reqStepFind, reqStepFindName, reqStepNewPerson:
		return ""
	case reqStepDateOther:
		if j.proposed() {
			return j.url(reqStepDate)
		}
		step = reqStepDate
	case reqStepResults:
		if j.d.Search == nil {
			return j.url(reqStepFind)
		}
		return ""
	case reqStepCheck:
		if s := j.firstIncomplete(); s != reqStepCheck {
			return j.url(s)
		}
		return ""
	case reqStepSpecialVehicle:
		if j.d.reqVehicleNeed() == "" {
			return j.url(reqStepHealth)
		}
		step = reqStepHealth
	}
	steps := j.steps()
	i := slices.Index(steps, step)
	if i < 0 {
		return j.url(j.firstIncomplete())
	}
	for _, s := range steps[:i] {
		if !j.complete(s) {
			return j.url(s)
		}
	}
	return ""
}

// next is where to go once a step has been saved: on to the next step, or
// in change mode to the first unanswered step, or else check your answers.
func (j *reqJourney) next(step string) string {
	if j.change {
		return j.url(j.firstIncomplete())
	}
	steps := j.steps()
	if i := slices.Index(steps, reqMainStep(step)); i >= 0 && i+1 < len(steps) {
		return j.url(steps[i+1])
	}
	return j.url(j.firstIncomplete())
}

// searchStep is the page the person was last looked for on.
func (j *reqJourney) searchStep() string {
	if j.d.Search != nil && j.d.Search.By == "name" {
		return reqStepFindName
	}
	return reqStepFind
}

// back is the page before a step.
func (j *reqJourney) back(step string) *views.Link {
	link := func(s string) *views.Link { return &views.Link{Text: "Back", Href: j.url(s)} }
	search := j.searchStep()
	switch step {
	case reqStepResults:
		return link(search)
	case reqStepNewPerson:
		if j.d.Search != nil {
			return link(reqStepResults)
		}
		return link(search)
	case reqStepDateOther:
		return link(reqStepDate)
	}
	if j.change {
		return link(reqStepCheck)
	}
	switch step {
	case reqStepFind, reqStepFindName:
		return &views.Link{Text: "Back", Href: "/"}
	case reqStepMoveType:
		switch {
		case j.d.NewPerson != nil:
			return link(reqStepNewPerson)
		case j.d.Search != nil:
			return link(reqStepResults)
		}
		return link(reqStepFind)
	case reqStepCheck:
		steps := j.steps()
		return &views.Link{Text: "Back", Href: j.url(steps[len(steps)-1])}
	}
	steps := j.steps()
	if i := slices.Index(steps, step); i > 0 {
		return &views.Link{Text: "Back", Href: j.url(steps[i-1])}
	}
	return nil
}

// page is the layout model for a step.
func (j *reqJourney) page(step, title string, hasErrors bool) views.Page {
	p := j.h.page(j.c, title)
	p.HasErrors = hasErrors
	p.Back = j.back(step)
	return p
}
