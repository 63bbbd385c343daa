package handlers

import (
	"net/http"

	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// The questions only some types of move ask (moves/move_details.go): the
// date of arrest for a prison recall (before the date of the move, as
// upstream asks it), the reason for a prison transfer or an approved
// premises move, and the flight of an extradition (after the date).

const (
	reqStepRecall = "recall"
	reqStepReason = "reason"
	reqStepFlight = "flight"
)

func (j *reqJourney) moveType() moves.MoveType { return moves.MoveType(j.d.MoveType) }

// clearDetails forgets the answers a new type of move does not ask.
func (d *reqDraft) clearDetails(t moves.MoveType) {
	if !moves.RecallDateApplies(t) {
		d.RecallDate = ""
	}
	if !moves.TransferReasonApplies(t) {
		d.Reason = ""
	} else if d.Reason != "" {
		ok := false
		for _, r := range moves.TransferReasonsFor(t) {
			ok = ok || r.Key == d.Reason
		}
		if !ok {
			d.Reason = ""
		}
	}
	if !moves.FlightApplies(t) {
		d.FlightNumber, d.FlightDate, d.FlightTime = "", "", ""
	}
}

// details are the journey's answers as the move will keep them.
func (j *reqJourney) details() moves.MoveDetails {
	d, t := j.d, j.moveType()
	var out moves.MoveDetails
	if moves.RecallDateApplies(t) {
		out.RecallDate = d.RecallDate
	}
	if moves.TransferReasonApplies(t) {
		out.TransferReason = d.Reason
	}
	if moves.FlightApplies(t) && d.FlightNumber != "" {
		out.Flight = &moves.ExtraditionFlight{Number: d.FlightNumber}
		if at := reqTimeDue(d.FlightDate, d.FlightTime); at != nil {
			out.Flight.Time = *at
		}
	}
	return out
}

// --- When were they arrested? ---

const reqRecallQuestion = "When were they arrested for recall?"

var reqRecallWords = reqDateWords{blank: "Enter the date they were arrested for recall", name: "The date of arrest"}

func (j *reqJourney) showRecall() error {
	return j.renderRecall(reqDateParts(j.d.RecallDate), nil)
}

func (j *reqJourney) renderRecall(date views.RequestDateParts, errs views.Errors) error {
	return serve.Render(j.c, reqStatus(errs), views.RequestDateQuestionPage(views.RequestDateQuestion{
		Page: j.page(reqStepRecall, reqRecallQuestion, len(errs) > 0), Action: j.url(reqStepRecall), Prefix: "recall_date",
		Question: reqRecallQuestion, Hint: "The day they returned to police custody. For example, 27 3 2026", Date: date, Errors: errs,
	}))
}

func (j *reqJourney) saveRecall() error {
	date := views.RequestDateParts{Day: j.form("recall_date-day"), Month: j.form("recall_date-month"), Year: j.form("recall_date-year")}
	iso, fe, parts := reqParseDateParts("recall_date", reqRecallWords, date)
	if fe == nil {
		if msg := moves.CheckRecallDate(iso, j.h.Today()); msg != "" {
			fe, parts = &views.FieldError{ID: "recall_date-day", Message: msg}, []string{"day", "month", "year"}
		}
	}
	if fe != nil {
		date.ErrorParts = parts
		return j.renderRecall(date, views.Errors{*fe})
	}
	j.d.RecallDate = iso
	return j.saveOr(j.next(reqStepRecall), nil)
}

// --- Why are they moving? ---

const reqReasonQuestion = "Why are they being moved?"

func (j *reqJourney) showReason() error { return j.renderReason(j.d.Reason, nil) }

func (j *reqJourney) renderReason(value string, errs views.Errors) error {
	m := views.RequestChoice{Page: j.page(reqStepReason, reqReasonQuestion, len(errs) > 0), Action: j.url(reqStepReason), Name: "reason",
		Question: reqReasonQuestion, Value: value, Errors: errs}
	for _, r := range moves.TransferReasonsFor(j.moveType()) {
		m.Options = append(m.Options, views.RequestOption{Value: r.Key, Label: r.Label})
	}
	return serve.Render(j.c, reqStatus(errs), views.RequestChoicePage(m))
}

func (j *reqJourney) saveReason() error {
	v := j.form("reason")
	for _, r := range moves.TransferReasonsFor(j.moveType()) {
		if r.Key == v {
			j.d.Reason = v
			return j.saveOr(j.next(reqStepReason), nil)
		}
	}
	return j.renderReason("", views.Errors{{ID: "reason", Message: "Select the reason for the move"}})
}

// --- The extradition flight ---

var reqFlightDateWords = reqDateWords{blank: "Enter the date of the flight", name: "The date of the flight"}

func (j *reqJourney) showFlight() error {
	d := j.d
	return j.renderFlight(views.RequestFlight{Number: d.FlightNumber, Date: reqDateParts(d.FlightDate), Time: reqTimeLabel(d.FlightTime)}, nil)
}

func (j *reqJourney) renderFlight(m views.RequestFlight, errs views.Errors) error {
	m.Page = j.page(reqStepFlight, "What is the extradition flight?", len(errs) > 0)
	m.Action = j.url(reqStepFlight)
	m.Errors = errs
	return serve.Render(j.c, reqStatus(errs), views.RequestFlightPage(m))
}

func (j *reqJourney) saveFlight() error {
	m := views.RequestFlight{Number: j.form("flight_number"), Time: j.form("flight_time"),
		Date: views.RequestDateParts{Day: j.form("flight_date-day"), Month: j.form("flight_date-month"), Year: j.form("flight_date-year")}}
	var errs views.Errors
	if msg := moves.CheckFlightNumber(m.Number); msg != "" {
		errs = append(errs, views.FieldError{ID: "flight_number", Message: msg})
	}
	date, fe, parts := reqParseDateParts("flight_date", reqFlightDateWords, m.Date)
	if fe == nil && date < j.h.Today() {
		fe, parts = &views.FieldError{ID: "flight_date-day", Message: "The date of the flight must be today or in the future"}, []string{"day", "month", "year"}
	}
	if fe != nil {
		errs = append(errs, *fe)
		m.Date.ErrorParts = parts
	}
	hhmm, ok := reqParseTime(m.Time)
	switch {
	case m.Time == "":
		errs = append(errs, views.FieldError{ID: "flight_time", Message: "Enter the time of the flight"})
	case !ok:
		errs = append(errs, views.FieldError{ID: "flight_time", Message: "Enter a time in the correct format, like 9am or 14:30"})
	case fe == nil:
		if at := reqTimeDue(date, hhmm); at != nil && at.Before(j.h.Now()) {
			errs = append(errs, views.FieldError{ID: "flight_time", Message: "The flight must be in the future"})
		}
	}
	if len(errs) > 0 {
		return j.renderFlight(m, errs)
	}
	j.d.FlightNumber, j.d.FlightDate, j.d.FlightTime = moves.NormalizeFlightNumber(m.Number), date, hhmm
	return j.saveOr(j.next(reqStepFlight), nil)
}

// reqStatus is 422 when a page is shown again with errors.
func reqStatus(errs views.Errors) int {
	if len(errs) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// detailRows are check your answers' rows for the type's own details.
func (j *reqJourney) detailRows(change func(step, field string) string) []views.RequestSummaryRow {
	d, t := j.d, j.moveType()
	row := func(key, value, href, hidden string) views.RequestSummaryRow {
		return views.RequestSummaryRow{Key: key, Lines: []string{value}, ChangeHref: href, ChangeHidden: hidden}
	}
	var rows []views.RequestSummaryRow
	if moves.RecallDateApplies(t) {
		rows = append(rows, row("Date of arrest for recall", views.LongDate(d.RecallDate), change(reqStepRecall, "recall_date-day"), "date of arrest"))
	}
	if moves.TransferReasonApplies(t) {
		rows = append(rows, row("Reason for the move", moves.TransferReasonLabel(d.Reason), change(reqStepReason, "reason"), "reason for the move"))
	}
	if moves.FlightApplies(t) {
		at := reqTimeDue(d.FlightDate, d.FlightTime)
		when := ""
		if at != nil {
			when = views.LongDate(d.FlightDate) + " at " + reqTimeLabel(d.FlightTime)
		}
		rows = append(rows, row("Extradition flight", d.FlightNumber+", "+when, change(reqStepFlight, "flight_number"), "extradition flight"))
	}
	return rows
}

// recheckDetails finds details that no longer hold when the move is
// requested: a flight that has left meanwhile.
func (j *reqJourney) recheckDetails() []reqProblem {
	fl := j.details().Flight
	if fl != nil && fl.Time.Before(j.h.Now()) {
		return []reqProblem{{reqStepFlight, "flight_date-day", "The flight has left: change its date and time"}}
	}
	return nil
}
