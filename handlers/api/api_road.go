package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// On the road (issue 11): a move's journeys and lodgings, shaped as
// upstream's v1 journey and lodging resources. Every write runs inside
// the request's unit of work (APIIdempotency), so its events, the row and
// the answer kept for an Idempotency-Key commit together.

// apiJourneyAttributes are a journey's attributes (contract v1
// get_journey.yaml).
type apiJourneyAttributes struct {
	State     string        `json:"state"`
	Billable  bool          `json:"billable"`
	Date      string        `json:"date"`
	Number    int           `json:"number"`
	Timestamp string        `json:"timestamp"`
	Vehicle   moves.Vehicle `json:"vehicle"`
	CreatedAt string        `json:"created_at"`
	UpdatedAt string        `json:"updated_at"`
}

func (h *Handlers) journeyResource(c echo.Context, j moves.Journey) apiResource {
	return apiResource{
		ID:   j.ID,
		Type: "journeys",
		Attributes: apiJourneyAttributes{State: string(j.Status), Billable: j.Billable, Date: j.Date, Number: j.Number,
			Timestamp: apiTime(j.Timestamp), Vehicle: j.Vehicle, CreatedAt: apiTime(j.CreatedAt), UpdatedAt: apiTime(j.UpdatedAt)},
		Relationships: map[string]any{
			"move":          apiToOne("moves", j.MoveID),
			"from_location": apiToOne("locations", j.FromID),
			"to_location":   apiToOne("locations", j.ToID),
			"supplier":      apiToOne("suppliers", j.SupplierID),
		},
		Links: map[string]string{"self": h.apiBase(c) + "/api/moves/" + j.MoveID + "/journeys/" + j.ID},
	}
}

// apiLodgingAttributes are a lodging's attributes (contract v1
// lodging.yaml, with its status and cancellation).
type apiLodgingAttributes struct {
	StartDate                 string  `json:"start_date"`
	EndDate                   string  `json:"end_date"`
	Status                    string  `json:"status"`
	CancellationReason        *string `json:"cancellation_reason"`
	CancellationReasonComment *string `json:"cancellation_reason_comment"`
	CreatedAt                 string  `json:"created_at"`
	UpdatedAt                 string  `json:"updated_at"`
}

func (h *Handlers) lodgingResource(c echo.Context, l moves.Lodging) apiResource {
	return apiResource{
		ID:   l.ID,
		Type: "lodgings",
		Attributes: apiLodgingAttributes{StartDate: l.StartDate, EndDate: l.EndDate, Status: string(l.Status),
			CancellationReason: apiStrPtr(l.CancellationReason), CancellationReasonComment: apiStrPtr(l.CancellationComment),
			CreatedAt: apiTime(l.CreatedAt), UpdatedAt: apiTime(l.UpdatedAt)},
		Relationships: map[string]any{
			"move":     apiToOne("moves", l.MoveID),
			"location": apiToOne("locations", l.LocationID),
		},
		Links: map[string]string{"self": h.apiBase(c) + "/api/moves/" + l.MoveID + "/lodgings/" + l.ID},
	}
}

// roadOptions is who is writing, for the store: the client, its supplier
// and the moves it may see.
func (h *Handlers) roadOptions(c echo.Context) store.RoadOptions {
	cl := apiClient(c)
	opt := store.RoadOptions{By: apiActor(c)}
	if cl != nil {
		opt.ClientID, opt.SupplierID = cl.ID, cl.SupplierID
		opt.Visible = func(m moves.Move) bool { return apiClientSees(cl, m) }
	}
	return opt
}

// apiAttrFields points the domain's field errors named in attrs at the
// request's attributes (the domain names them plainly: "timestamp").
func apiAttrFields(err error, attrs ...string) error {
	e, ok := moves.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := &moves.Error{Code: e.Code, Message: e.Message, ExistingID: e.ExistingID, Fields: slices.Clone(e.Fields)}
	for i, f := range out.Fields {
		if slices.Contains(attrs, f.Field) {
			out.Fields[i].Field = apiAttrPointer(f.Field)
		}
	}
	return out
}

func journeyNotFound(id string) error {
	return moves.Errorf(moves.NotFound, "No journey with id %q on this move", id)
}
func lodgingNotFound(id string) error {
	return moves.Errorf(moves.NotFound, "No lodging with id %q on this move", id)
}

// apiJourney loads a journey of a move the client may see.
func (h *Handlers) apiJourney(c echo.Context) (moves.Move, moves.Journey, error) {
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return m, moves.Journey{}, err
	}
	id := c.Param("journey_id")
	j, err := h.Store.Journey(c.Request().Context(), m.ID, id)
	if moves.ErrorCode(err) == moves.NotFound {
		return m, j, journeyNotFound(id)
	}
	return m, j, err
}

// apiJourneyIncludes are the contract's (v1 journey_include_parameter):
// an end of the journey, or an end with the suppliers serving it.
var apiJourneyIncludes = []string{"from_location", "to_location", "from_location.suppliers", "to_location.suppliers"}

// includeJourneyPlaces adds the ends of the journeys asked for. An end
// asked for with .suppliers comes with a suppliers relationship, and those
// suppliers are included too: the supplier serving the place on the date
// of each journey of the answer that reaches it that way (none when no
// supplier serves it then), as a move's supplier is the one serving its
// from-location on its date.
func (h *Handlers) includeJourneyPlaces(c echo.Context, js []moves.Journey, inc map[string]bool, in *apiIncluded) error {
	ctx := c.Request().Context()
	var ids []string
	serving := map[string][]string{} // location → suppliers, for the ends asked with .suppliers
	asked := map[[2]string]bool{}    // (location, date) already looked up
	for _, j := range js {
		for _, end := range []struct{ name, id string }{{"from_location", j.FromID}, {"to_location", j.ToID}} {
			withSuppliers := inc[end.name+".suppliers"]
			if !inc[end.name] && !withSuppliers {
				continue
			}
			ids = append(ids, end.id)
			if !withSuppliers {
				continue
			}
			if _, ok := serving[end.id]; !ok {
				serving[end.id] = []string{}
			}
			if asked[[2]string{end.id, j.Date}] {
				continue
			}
			asked[[2]string{end.id, j.Date}] = true
			sup, err := h.Store.SupplierFor(ctx, end.id, j.Date)
			if err != nil {
				return err
			}
			if sup != "" && !slices.Contains(serving[end.id], sup) {
				serving[end.id] = append(serving[end.id], sup)
			}
		}
	}
	if len(serving) == 0 {
		return h.includeLocations(c, ids, in)
	}
	locs, err := h.Store.LocationMap(ctx, ids...)
	if err != nil {
		return err
	}
	sps, err := h.suppliersByID(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		l, ok := locs[id]
		if !ok {
			continue
		}
		res := h.locationResource(c, l)
		if sups, ok := serving[id]; ok {
			refs := make([]apiIdent, 0, len(sups))
			for _, sup := range sups {
				refs = append(refs, apiIdent{Type: "suppliers", ID: sup})
			}
			res.Relationships = map[string]any{"suppliers": apiRelationship{Data: refs}}
		}
		in.add(res)
	}
	for _, id := range ids {
		for _, sup := range serving[id] {
			if sp, ok := sps[sup]; ok {
				in.add(apiSupplierResource(sp))
			}
		}
	}
	return nil
}

// includeLocations adds the locations with ids to included, in order.
func (h *Handlers) includeLocations(c echo.Context, ids []string, in *apiIncluded) error {
	if len(ids) == 0 {
		return nil
	}
	locs, err := h.Store.LocationMap(c.Request().Context(), ids...)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if l, ok := locs[id]; ok {
			in.add(h.locationResource(c, l))
		}
	}
	return nil
}

// ListJourneys lists a move's journeys in number order: GET
// /api/moves/:id/journeys.
func (h *Handlers) ListJourneys(c echo.Context) error {
	q := newAPIQueryReader(c, "include")
	inc := q.include(apiJourneyIncludes)
	if err := q.err(); err != nil {
		return err
	}
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	js, err := h.Store.MoveJourneys(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	data := make([]apiResource, 0, len(js))
	for _, j := range js {
		data = append(data, h.journeyResource(c, j))
	}
	var in apiIncluded
	if err := h.includeJourneyPlaces(c, js, inc, &in); err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data, Included: in.list,
		Links: map[string]string{"self": h.apiBase(c) + "/api/moves/" + m.ID + "/journeys"}, Meta: map[string]any{"total_objects": len(data)}})
}

// GetJourney shows one journey: GET /api/moves/:id/journeys/:journey_id.
func (h *Handlers) GetJourney(c echo.Context) error {
	q := newAPIQueryReader(c, "include")
	inc := q.include(apiJourneyIncludes)
	if err := q.err(); err != nil {
		return err
	}
	_, j, err := h.apiJourney(c)
	if err != nil {
		return err
	}
	var in apiIncluded
	if err := h.includeJourneyPlaces(c, []moves.Journey{j}, inc, &in); err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.journeyResource(c, j), Included: in.list})
}

var apiJourneyBody = apiBodySpec{Type: "journeys", Attrs: []string{"timestamp", "billable", "date", "vehicle"},
	Rels: []string{"from_location", "to_location", "supplier"}}

// readBillable reads the billable attribute: nil when it was not sent.
func (r *apiAttrReader) boolean(name string) *bool {
	raw, present := r.attrs[name]
	if !present || raw == nil {
		return nil
	}
	b, ok := raw.(bool)
	if !ok {
		r.errs.Add(apiAttrPointer(name), "invalid", name+" must be true or false")
		return nil
	}
	return &b
}

// vehicle reads the vehicle attribute: an object of id, registration and
// depot strings; nil when it was not sent.
func (r *apiAttrReader) vehicle() *moves.Vehicle {
	obj, _ := r.object("vehicle")
	if obj == nil {
		return nil
	}
	var v moves.Vehicle
	for _, k := range apiSortedKeys(obj) {
		s, ok := obj[k].(string)
		if obj[k] != nil && !ok {
			r.errs.Add("/data/attributes/vehicle/"+apiEscapePointer(k), "invalid", "vehicle "+k+" must be a string")
			continue
		}
		switch k {
		case "id":
			v.ID = s
		case "registration":
			v.Registration = s
		case "depot":
			v.Depot = s
		default:
			r.errs.Add("/data/attributes/vehicle/"+apiEscapePointer(k), "unknown_attribute", fmt.Sprintf("%q is not part of a vehicle; send id, registration and depot", k))
		}
	}
	return &v
}

// PostJourney adds a journey to a move, proposed: POST
// /api/moves/:id/journeys. The supplier is the client's own (a supplier's
// client may not name another) or, for an internal client, the one named
// or the move's.
func (h *Handlers) PostJourney(c echo.Context) error {
	m, err := h.apiMoveNoQuery(c)
	if err != nil {
		return err
	}
	in, err := apiReadResource(c, apiJourneyBody)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	nj := moves.NewJourney{MoveID: m.ID, SupplierID: m.SupplierID}
	nj.Timestamp, _ = r.timestamp("timestamp", true)
	nj.Billable = r.boolean("billable")
	nj.Date, _ = r.date("date")
	if v := r.vehicle(); v != nil {
		nj.Vehicle = *v
	}
	nj.FromID = apiRelID(in, "from_location", "locations", &r.errs)
	nj.ToID = apiRelID(in, "to_location", "locations", &r.errs)
	cl := apiClient(c)
	if sup := apiRelID(in, "supplier", "suppliers", &r.errs); sup != "" {
		if cl.SupplierID != "" && sup != cl.SupplierID {
			r.errs.Add("/data/relationships/supplier", "invalid", "supplier must be your own supplier, or left out")
		}
		nj.SupplierID = sup
	}
	if cl.SupplierID != "" {
		nj.SupplierID = cl.SupplierID
	}
	if err := r.err(); err != nil {
		return err
	}
	if nj.SupplierID != "" {
		if _, err := h.Store.Supplier(c.Request().Context(), nj.SupplierID); err != nil {
			return moves.InvalidFields(moves.FieldErrors{{Field: "/data/relationships/supplier", Code: "not_found", Message: "supplier does not match a known supplier"}})
		}
	}
	j, err := h.Store.CreateJourney(c.Request().Context(), nj, h.roadOptions(c))
	if err != nil {
		return apiJourneyError(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/moves/"+m.ID+"/journeys/"+j.ID)
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: h.journeyResource(c, j)})
}

// apiJourneyError points a journey's field errors at the body and turns a
// second live journey with the same ends into a 422 naming the first.
func apiJourneyError(err error) error {
	e, ok := moves.AsError(err)
	if ok && e.Code == moves.Conflict && e.ExistingID != "" {
		return &moves.Error{Code: moves.Invalid, Message: e.Message, ExistingID: e.ExistingID,
			Fields: moves.FieldErrors{{Field: "/data/relationships/to_location", Code: "taken", Message: e.Message}}}
	}
	return apiAttrFields(err, "timestamp", "billable", "date", "cause")
}

// PatchJourney changes a journey's billing, date or vehicle: PATCH
// /api/moves/:id/journeys/:journey_id. A timestamp sent is discarded, as
// upstream does: the journey keeps its number.
func (h *Handlers) PatchJourney(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	m, j, err := h.apiJourney(c)
	if err != nil {
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	spec := apiJourneyBody
	spec.Rels, spec.ID = nil, j.ID
	in, err := apiDecodeResource(body, spec)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	r.timestamp("timestamp", false)
	var ch moves.JourneyChanges
	ch.Billable = r.boolean("billable")
	if d, present := r.date("date"); present && d != "" {
		ch.Date = &d
	}
	ch.Vehicle = r.vehicle()
	if err := r.err(); err != nil {
		return err
	}
	j, err = h.Store.UpdateJourney(c.Request().Context(), m.ID, j.ID, ch, h.roadOptions(c))
	if err != nil {
		return apiJourneyError(err)
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.journeyResource(c, j)})
}

// apiJourneyAction is one of the legacy journey event endpoints: its body
// type, the event it records and the attributes and relationship it takes.
type apiJourneyAction struct {
	BodyType string
	Event    moves.EventType
	Attrs    []string
	Rel      string
}

// journeyActions are the legacy journey event endpoints, by path segment.
var journeyActions = map[string]apiJourneyAction{
	"start":      {"starts", moves.EventJourneyStart, []string{"vehicle_reg", "vehicle_depot"}, ""},
	"complete":   {"completes", moves.EventJourneyComplete, []string{"vehicle_reg"}, ""},
	"cancel":     {"cancels", moves.EventJourneyCancel, nil, ""},
	"uncancel":   {"uncancels", moves.EventJourneyUncancel, nil, ""},
	"uncomplete": {"uncompletes", moves.EventJourneyUncomplete, nil, ""},
	"reject":     {"rejects", moves.EventJourneyReject, nil, ""},
	"lockouts":   {"lockouts", moves.EventJourneyLockout, nil, "from_location"},
	"lodgings":   {"lodgings", moves.EventJourneyLodging, nil, "to_location"},
}

// JourneyAction records a journey event the legacy way: POST
// /api/moves/:id/journeys/:journey_id/<action>, its timestamp both when it
// happened and when it was recorded. 204 whether or not it applied (the
// event's meta, at /api/moves/:id/events, says).
func (h *Handlers) JourneyAction(action string) echo.HandlerFunc {
	a := journeyActions[action]
	spec := apiBodySpec{Type: a.BodyType, Attrs: append([]string{"timestamp", "notes"}, a.Attrs...)}
	if a.Rel != "" {
		spec.Rels = []string{a.Rel}
	}
	return func(c echo.Context) error {
		if err := newAPIQueryReader(c).err(); err != nil {
			return err
		}
		m, j, err := h.apiJourney(c)
		if err != nil {
			return err
		}
		in, err := apiReadResource(c, spec)
		if err != nil {
			return err
		}
		r := &apiAttrReader{attrs: in.Attrs}
		e := moves.Event{Type: a.Event, MoveID: m.ID, JourneyID: j.ID, Details: map[string]any{}, Rels: map[string]string{}}
		e.OccurredAt, _ = r.timestamp("timestamp", true)
		e.RecordedAt = e.OccurredAt
		e.Notes, _ = r.str("notes")
		if len(e.Notes) > MaxNotes {
			r.errs.Add(apiAttrPointer("notes"), "too_long", fmt.Sprintf("notes must be %d characters or fewer", MaxNotes))
		}
		for _, k := range a.Attrs {
			if v, _ := r.str(k); v != "" {
				e.Details[k] = v
			}
		}
		if a.Rel != "" {
			if id := apiRelID(in, a.Rel, "locations", &r.errs); id != "" {
				e.Rels[a.Rel] = id
			}
		}
		if err := r.err(); err != nil {
			return err
		}
		_, _, err = h.Store.AppendJourneyEvent(c.Request().Context(), e, h.roadOptions(c))
		h.countEvent(err)
		if moves.ErrorCode(err) == moves.NotFound {
			return journeyNotFound(j.ID)
		}
		if err != nil {
			return apiJourneyEventError(err)
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// apiJourneyEventError points a journey event's field errors at the body:
// the legacy endpoints' details are attributes of their own.
func apiJourneyEventError(err error) error {
	e, ok := moves.AsError(err)
	if !ok {
		return err
	}
	if e.Code == moves.Conflict && e.ExistingID != "" {
		return &moves.Error{Code: moves.Invalid, Message: e.Message, ExistingID: e.ExistingID,
			Fields: moves.FieldErrors{{Field: "/data/attributes/event_type", Code: "taken", Message: e.Message}}}
	}
	out := &moves.Error{Code: e.Code, Message: e.Message, Fields: slices.Clone(e.Fields)}
	for i, f := range out.Fields {
		switch f.Field {
		case "occurred_at", "recorded_at":
			out.Fields[i].Field = apiAttrPointer("timestamp")
		case "vehicle_reg", "vehicle_depot", "notes":
			out.Fields[i].Field = apiAttrPointer(f.Field)
		}
	}
	return out
}

// --- Lodgings ---

// apiLodging loads a lodging of a move the client may see.
func (h *Handlers) apiLodging(c echo.Context) (moves.Move, moves.Lodging, error) {
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return m, moves.Lodging{}, err
	}
	id := c.Param("lodging_id")
	l, err := h.Store.Lodging(c.Request().Context(), m.ID, id)
	if moves.ErrorCode(err) == moves.NotFound {
		return m, l, lodgingNotFound(id)
	}
	return m, l, err
}

// ListLodgings lists a move's lodgings by start date, cancelled ones too:
// GET /api/moves/:id/lodgings.
func (h *Handlers) ListLodgings(c echo.Context) error {
	q := newAPIQueryReader(c, "include")
	inc := q.include([]string{"location"})
	if err := q.err(); err != nil {
		return err
	}
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	ls, err := h.Store.MoveLodgings(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	var in apiIncluded
	if err := h.includeLodgingPlaces(c, ls, inc, &in); err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.lodgingResources(c, ls), Included: in.list,
		Links: map[string]string{"self": h.apiBase(c) + "/api/moves/" + m.ID + "/lodgings"}, Meta: map[string]any{"total_objects": len(ls)}})
}

func (h *Handlers) lodgingResources(c echo.Context, ls []moves.Lodging) []apiResource {
	out := make([]apiResource, 0, len(ls))
	for _, l := range ls {
		out = append(out, h.lodgingResource(c, l))
	}
	return out
}

func (h *Handlers) includeLodgingPlaces(c echo.Context, ls []moves.Lodging, inc map[string]bool, in *apiIncluded) error {
	if !inc["location"] {
		return nil
	}
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.LocationID)
	}
	return h.includeLocations(c, ids, in)
}

// GetLodging shows one lodging: GET /api/moves/:id/lodgings/:lodging_id
// (where lodging notifications point).
func (h *Handlers) GetLodging(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	_, l, err := h.apiLodging(c)
	if err != nil {
		return err
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.lodgingResource(c, l)})
}

var apiLodgingBody = apiBodySpec{Type: "lodgings", Attrs: []string{"start_date", "end_date"}, Rels: []string{"location"}}

// lodgingFields points a lodging's field errors at the body.
func lodgingFields(err error) error {
	return apiAttrFields(err, "start_date", "end_date", "cancellation_reason", "cancellation_reason_comment")
}

// PostLodging plans an overnight lodging: POST /api/moves/:id/lodgings.
func (h *Handlers) PostLodging(c echo.Context) error {
	m, err := h.apiMoveNoQuery(c)
	if err != nil {
		return err
	}
	in, err := apiReadResource(c, apiLodgingBody)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	var nl moves.NewLodging
	nl.StartDate, _ = r.str("start_date")
	nl.EndDate, _ = r.str("end_date")
	nl.LocationID = apiRelID(in, "location", "locations", &r.errs)
	if err := r.err(); err != nil {
		return err
	}
	l, err := h.Store.CreateLodging(c.Request().Context(), m.ID, nl, h.roadOptions(c))
	if err != nil {
		return lodgingFields(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/moves/"+m.ID+"/lodgings/"+l.ID)
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: h.lodgingResource(c, l)})
}

// PatchLodging changes a lodging's place or dates: PATCH
// /api/moves/:id/lodgings/:lodging_id. A longer stay moves the move's
// later lodgings by as many days; those are listed in meta.moved.
func (h *Handlers) PatchLodging(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	m, l, err := h.apiLodging(c)
	if err != nil {
		return err
	}
	body, err := apiReadBody(c)
	if err != nil {
		return err
	}
	spec := apiLodgingBody
	spec.ID = l.ID
	in, err := apiDecodeResource(body, spec)
	if err != nil {
		return err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	var ch moves.LodgingChanges
	ch.StartDate, _ = r.str("start_date")
	ch.EndDate, _ = r.str("end_date")
	ch.LocationID = apiRelID(in, "location", "locations", &r.errs)
	if err := r.err(); err != nil {
		return err
	}
	before, err := h.Store.MoveLodgings(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	after, err := h.Store.UpdateLodging(c.Request().Context(), m.ID, l.ID, ch, h.roadOptions(c))
	if err != nil {
		return lodgingFields(err)
	}
	moved := []string{}
	for _, a := range after {
		i := slices.IndexFunc(before, func(b moves.Lodging) bool { return b.ID == a.ID })
		if a.ID == l.ID {
			l = a
		} else if i >= 0 && (before[i].StartDate != a.StartDate || before[i].EndDate != a.EndDate) {
			moved = append(moved, a.ID)
		}
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.lodgingResource(c, l), Meta: map[string]any{"moved": moved}})
}

var apiLodgingCancelBody = apiBodySpec{Type: "lodgings", Attrs: []string{"timestamp", "cancellation_reason", "cancellation_reason_comment"}}

// readLodgingCancel reads a cancellation's reason and comment.
func readLodgingCancel(c echo.Context) (reason, comment string, err error) {
	in, err := apiReadResource(c, apiLodgingCancelBody)
	if err != nil {
		return "", "", err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	r.timestamp("timestamp", false)
	reason, _ = r.str("cancellation_reason")
	comment, _ = r.str("cancellation_reason_comment")
	if len(comment) > MaxNotes {
		r.errs.Add(apiAttrPointer("cancellation_reason_comment"), "too_long", fmt.Sprintf("cancellation_reason_comment must be %d characters or fewer", MaxNotes))
	}
	return strings.TrimSpace(reason), comment, r.err()
}

// CancelLodging cancels one proposed lodging: POST
// /api/moves/:id/lodgings/:lodging_id/cancel. A started, completed or
// already cancelled one is a 409.
func (h *Handlers) CancelLodging(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	m, l, err := h.apiLodging(c)
	if err != nil {
		return err
	}
	reason, comment, err := readLodgingCancel(c)
	if err != nil {
		return err
	}
	l, err = h.Store.CancelLodging(c.Request().Context(), m.ID, l.ID, reason, comment, h.roadOptions(c))
	if err != nil {
		return lodgingFields(err)
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.lodgingResource(c, l)})
}

// CancelLodgings cancels every proposed lodging of a move: POST
// /api/moves/:id/lodgings/cancel. It answers with those it cancelled.
func (h *Handlers) CancelLodgings(c echo.Context) error {
	m, err := h.apiMoveNoQuery(c)
	if err != nil {
		return err
	}
	reason, comment, err := readLodgingCancel(c)
	if err != nil {
		return err
	}
	ls, err := h.Store.CancelLodgings(c.Request().Context(), m.ID, reason, comment, h.roadOptions(c))
	if err != nil {
		return lodgingFields(err)
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.lodgingResources(c, ls), Meta: map[string]any{"total_objects": len(ls)}})
}

// includeRoad adds a move's journeys and lodgings when include asks for
// them, and links the move to them.
func (h *Handlers) includeRoad(c echo.Context, ms []moves.Move, res []apiResource, inc map[string]bool, in *apiIncluded) error {
	ctx := c.Request().Context()
	for i, m := range ms {
		if inc["journeys"] {
			js, err := h.Store.MoveJourneys(ctx, m.ID)
			if err != nil {
				return err
			}
			ids := make([]apiIdent, 0, len(js))
			for _, j := range js {
				in.add(h.journeyResource(c, j))
				ids = append(ids, apiIdent{Type: "journeys", ID: j.ID})
			}
			moveRels(res[i]).Journeys = &apiRelationship{Data: ids,
				Links: map[string]string{"related": h.apiBase(c) + "/api/moves/" + m.ID + "/journeys"}}
		}
		if inc["lodgings"] {
			ls, err := h.Store.MoveLodgings(ctx, m.ID)
			if err != nil {
				return err
			}
			ids := make([]apiIdent, 0, len(ls))
			for _, l := range ls {
				in.add(h.lodgingResource(c, l))
				ids = append(ids, apiIdent{Type: "lodgings", ID: l.ID})
			}
			moveRels(res[i]).Lodgings = &apiRelationship{Data: ids,
				Links: map[string]string{"related": h.apiBase(c) + "/api/moves/" + m.ID + "/lodgings"}}
		}
	}
	return nil
}

// apiReadResource reads and decodes a request body by spec.
func apiReadResource(c echo.Context, spec apiBodySpec) (apiResourceInput, error) {
	body, err := apiReadBody(c)
	if err != nil {
		return apiResourceInput{}, err
	}
	return apiDecodeResource(body, spec)
}

// apiMoveNoQuery loads the move of the path, for requests that take no
// query parameters.
func (h *Handlers) apiMoveNoQuery(c echo.Context) (moves.Move, error) {
	if err := newAPIQueryReader(c).err(); err != nil {
		return moves.Move{}, err
	}
	return h.apiMove(c, c.Param("id"))
}
