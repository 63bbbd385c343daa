package api

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
)

// An extradition move's flight, shaped as upstream's extradition_flight
// resource (contract v1 extradition_flight.yaml). The flight is kept on
// the move itself (the request journey asks for it), so the resource has
// no row of its own: its id is derived from the move's, and stays the
// same as the flight changes.

// apiFlightNamespace seeds the flight ids derived from move ids.
var apiFlightNamespace = uuid.MustParse("5d0c7a2e-8f64-4c1b-9a57-3e2f6b1d9c40")

type apiFlightAttributes struct {
	FlightNumber string `json:"flight_number"`
	FlightTime   string `json:"flight_time"`
}

func (h *Handlers) flightResource(c echo.Context, m moves.Move) apiResource {
	return apiResource{
		ID:         uuid.NewSHA1(apiFlightNamespace, []byte(m.ID)).String(),
		Type:       "extradition_flight",
		Attributes: apiFlightAttributes{FlightNumber: m.Details.Flight.Number, FlightTime: apiTime(m.Details.Flight.Time)},
		Relationships: map[string]any{
			"move": apiToOne("moves", m.ID),
		},
		Links: map[string]string{"self": h.apiBase(c) + "/api/moves/" + m.ID + "/extradition_flight"},
	}
}

// noFlight is the 404 for a move without a flight: not an extradition
// move, or one whose flight is not known yet.
func noFlight(m moves.Move) error {
	if !moves.FlightApplies(m.MoveType) {
		return moves.Errorf(moves.NotFound, "Move %s is not an extradition move, so it has no flight", m.Reference)
	}
	return moves.Errorf(moves.NotFound, "Move %s has no flight yet: add one with POST", m.Reference)
}

// GetExtraditionFlight shows a move's flight: GET
// /api/moves/:id/extradition_flight.
func (h *Handlers) GetExtraditionFlight(c echo.Context) error {
	m, err := h.apiMoveNoQuery(c)
	if err != nil {
		return err
	}
	if !moves.FlightApplies(m.MoveType) || m.Details.Flight == nil {
		return noFlight(m)
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.flightResource(c, m)})
}

// PostExtraditionFlight adds the flight of an extradition move that has
// none: POST /api/moves/:id/extradition_flight (201; 409 when it has one).
func (h *Handlers) PostExtraditionFlight(c echo.Context) error {
	return h.writeFlight(c, true)
}

// PatchExtraditionFlight changes a move's flight: PATCH
// /api/moves/:id/extradition_flight. Both attributes are required, as
// the flight is one fact.
func (h *Handlers) PatchExtraditionFlight(c echo.Context) error {
	return h.writeFlight(c, false)
}

func (h *Handlers) writeFlight(c echo.Context, create bool) error {
	m, err := h.apiMoveNoQuery(c)
	if err != nil {
		return err
	}
	// Another type of move has no flight to write: 404 before the body is
	// looked at, as GET answers.
	if !moves.FlightApplies(m.MoveType) || (!create && m.Details.Flight == nil) {
		return noFlight(m)
	}
	spec := apiBodySpec{Type: "extradition_flight", Attrs: []string{"flight_number", "flight_time"}, Rels: []string{"move"}}
	if !create && m.Details.Flight != nil {
		spec.ID = h.flightResource(c, m).ID
	}
	in, err := apiReadResource(c, spec)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	if id := apiRelID(in, "move", "moves", &r.errs); id != "" && id != m.ID {
		r.errs.Add("/data/relationships/move", "invalid", "move must be the move of the path, or left out")
	}
	number, _ := r.str("flight_number")
	if msg := moves.CheckFlightNumber(number); msg != "" {
		code := "invalid"
		if moves.NormalizeFlightNumber(number) == "" {
			code = "blank"
		}
		r.errs.Add(apiAttrPointer("flight_number"), code, "flight_number: "+msg)
	}
	at, _ := r.timestamp("flight_time", true)
	if !at.IsZero() && at.Before(h.Now()) {
		r.errs.Add(apiAttrPointer("flight_time"), "invalid", "flight_time must be in the future")
	}
	if err := r.err(); err != nil {
		return err
	}
	m, err = h.Store.SetExtraditionFlight(c.Request().Context(), m.ID, moves.ExtraditionFlight{Number: number, Time: at}, create, apiActor(c))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if create {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/moves/"+m.ID+"/extradition_flight")
	}
	return apiWriteDoc(c, status, apiDocument{Data: h.flightResource(c, m)})
}
