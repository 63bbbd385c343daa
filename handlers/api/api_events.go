package api

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// apiMove loads a move the calling client may see: a supplier's client
// sees only the moves its supplier serves; an internal client sees all.
// Anything else is not found, so that a move's existence is not revealed.
func (h *Handlers) apiMove(c echo.Context, id string) (moves.Move, error) {
	notFound := moves.Errorf(moves.NotFound, "No move with id %q", id)
	cl := apiClient(c)
	if cl == nil || id == "" {
		return moves.Move{}, notFound
	}
	m, err := h.Store.Move(c.Request().Context(), id)
	if err != nil {
		if moves.ErrorCode(err) == moves.NotFound {
			return moves.Move{}, notFound
		}
		return moves.Move{}, err
	}
	if !apiClientSees(cl, m) {
		return moves.Move{}, notFound
	}
	return m, nil
}

// apiClientSees reports whether a client may see a move.
func apiClientSees(cl *store.APIClient, m moves.Move) bool {
	return cl.SupplierID == "" || m.SupplierID == cl.SupplierID
}

// apiEventRelNames are every relationship an event may have besides its
// eventable.
func apiEventRelNames() []string {
	var out []string
	for _, sp := range append(moves.Catalogue(), moves.JourneyCatalogue()...) {
		for _, r := range sp.Rels {
			if !slices.Contains(out, r.Name) {
				out = append(out, r.Name)
			}
		}
	}
	return out
}

var apiEventBodySpec = apiBodySpec{
	Type:  "events",
	Attrs: []string{"event_type", "occurred_at", "recorded_at", "notes", "details"},
	Rels:  append([]string{"eventable"}, apiEventRelNames()...),
}

// MaxNotes is the longest notes or additional information accepted.
const MaxNotes = 10_000

// apiDecodeEvent reads a POST /api/events body into an event, checking what
// the body itself can tell: the event type, the timestamps, which details
// and relationships this type has, and that the eventable is a move.
// Detail values and related resources are checked by the store.
func apiDecodeEvent(body []byte) (moves.Event, error) {
	in, err := apiDecodeResource(body, apiEventBodySpec)
	if err != nil {
		return moves.Event{}, err
	}
	r := &apiAttrReader{attrs: in.Attrs}
	e := moves.Event{Details: map[string]any{}, Rels: map[string]string{}}
	typ, _ := r.str("event_type")
	e.Type = moves.EventType(typ)
	// A move's events have the move as their eventable, a journey's the
	// journey; lodgings' events are the service's own record.
	subject, _ := moves.SubjectOf(e.Type)
	sp, known := moves.SpecFor(e.Type)
	if subject == moves.SubjectJourney {
		sp, known = moves.JourneySpecFor(e.Type)
	}
	switch {
	case r.errs.Has(apiAttrPointer("event_type")):
	case typ == "":
		r.errs.Add(apiAttrPointer("event_type"), "blank", "event_type is required")
	case !known:
		r.errs.Add(apiAttrPointer("event_type"), "inclusion", fmt.Sprintf("event_type %q is not a known event type; see /api/docs for the catalogue", typ))
	case sp.Creation && subject == moves.SubjectJourney:
		r.errs.Add(apiAttrPointer("event_type"), "inclusion", fmt.Sprintf("%s is recorded by the service when a journey is created (POST /api/moves/{id}/journeys), and cannot be posted", typ))
	case sp.Creation:
		r.errs.Add(apiAttrPointer("event_type"), "inclusion", fmt.Sprintf("%s is recorded by the service when a move is created, and cannot be posted", typ))
	case subject == moves.SubjectJourney && !moves.ClientMayPost(e.Type):
		r.errs.Add(apiAttrPointer("event_type"), "inclusion", fmt.Sprintf("%s is recorded by the service itself when a journey is changed (PATCH /api/moves/{id}/journeys/{journey_id}), and cannot be posted", typ))
	}
	e.OccurredAt, _ = r.timestamp("occurred_at", true)
	e.RecordedAt, _ = r.timestamp("recorded_at", true)
	e.Notes, _ = r.str("notes")
	if len(e.Notes) > MaxNotes {
		r.errs.Add(apiAttrPointer("notes"), "too_long", fmt.Sprintf("notes must be %d characters or fewer", MaxNotes))
	}
	if details, _ := r.object("details"); details != nil {
		for _, k := range apiSortedKeys(details) {
			if known {
				if _, ok := sp.Detail(k); !ok {
					r.errs.Add("/data/attributes/details/"+apiEscapePointer(k), "unknown_detail", apiUnknownDetail(sp, k))
					continue
				}
			}
			e.Details[k] = details[k]
		}
	}
	ev, ok := in.Rels["eventable"]
	switch {
	case !ok || ev.Null:
		r.errs.Add("/data/relationships/eventable", "blank", "eventable is required: the move the event is about, {\"data\": {\"type\": \"moves\", \"id\": …}}, or for a journey event the journey")
	case known && subject == moves.SubjectJourney && ev.Type != "journeys":
		r.errs.Add("/data/relationships/eventable/data/type", "inclusion", fmt.Sprintf("%s is about a journey: eventable must be a journey (type \"journeys\"), not %q", typ, ev.Type))
	case known && subject == moves.SubjectJourney:
		e.JourneyID = ev.ID
	case ev.Type != "moves":
		r.errs.Add("/data/relationships/eventable/data/type", "inclusion", fmt.Sprintf("eventable must be a move (type \"moves\"), not %q", ev.Type))
	default:
		e.MoveID = ev.ID
	}
	for name, ref := range in.Rels {
		if name == "eventable" || ref.Null {
			continue
		}
		if known {
			if _, ok := sp.Rel(name); !ok {
				r.errs.Add("/data/relationships/"+name, "unknown_relationship", fmt.Sprintf("%s events have no %s relationship", typ, name))
				continue
			}
		}
		// The kind of resource is the catalogue's: the seed's own example
		// names a previous_move with type "locations".
		e.Rels[name] = ref.ID
	}
	slices.SortFunc(r.errs, func(a, b moves.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return e, r.err()
}

func apiUnknownDetail(sp moves.EventSpec, key string) string {
	if len(sp.Details) == 0 {
		return fmt.Sprintf("%s events have no details; %q is not one", sp.Type, key)
	}
	var keys []string
	for _, d := range sp.Details {
		keys = append(keys, d.Key)
	}
	return fmt.Sprintf("%q is not a detail of %s events; details: %s", key, sp.Type, strings.Join(keys, ", "))
}

// beforeTheUnit are the routes whose request is decoded before their
// unit of work waits for the store's single writer, by method and route:
// decoding needs no store, and inside the unit it held the writer (the
// event's JSON was 7% of the writer's time under a stream of events).
var beforeTheUnit = map[string]func(echo.Context){
	http.MethodPost + " /api/events": decodeEventFirst,
}

// decodeEventFirst decodes POST /api/events' body for PostEvent, errors
// included: PostEvent answers them inside the unit, where an answer to a
// request with an Idempotency-Key is kept with it.
func decodeEventFirst(c echo.Context) { c.Set(decodedEventKey, decodeEvent(c)) }

const decodedEventKey = "api.decoded-event"

// decoded is a request's event as decodeEvent read it, or why it could not.
type decoded struct {
	e   moves.Event
	err error
}

func decodeEvent(c echo.Context) decoded {
	body, err := apiReadBody(c)
	if err != nil {
		return decoded{err: err}
	}
	e, err := apiDecodeEvent(body)
	return decoded{e, err}
}

// decodedEvent is the event of POST /api/events: decoded before the unit
// when it was, else now. Its details and relationships are copies, since
// a unit the writer runs again (after a deadlock) runs the handler again.
func decodedEvent(c echo.Context) (moves.Event, error) {
	d, ok := c.Get(decodedEventKey).(decoded)
	if !ok {
		d = decodeEvent(c)
	}
	e := d.e
	e.Details, e.Rels = maps.Clone(e.Details), maps.Clone(e.Rels)
	return e, d.err
}

// PostEvent records an event about a move: POST /api/events.
func (h *Handlers) PostEvent(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	e, err := decodedEvent(c)
	if err != nil {
		return err
	}
	cl := apiClient(c)
	if e.JourneyID != "" && cl != nil {
		return h.postJourneyEvent(c, e)
	}
	if cl == nil || e.MoveID == "" {
		return moves.Errorf(moves.NotFound, "No move with id %q", e.MoveID)
	}
	e.CreatedBy = apiActor(c)
	e.SupplierID = cl.SupplierID
	if e.Type == moves.EventMoveDateChanged || e.Type == moves.EventMoveApprove {
		// The date an event gives a move must be plausible on the day it
		// is given, as PATCH /api/moves/:id asks of it: measured from
		// today, not from occurred_at, which the client also sends.
		if d, err := moves.ParseDate(e.Str("date")); err == nil {
			if msg := moves.CheckMoveDate("date", d, h.Today()); msg != "" {
				err := moves.InvalidFields(moves.FieldErrors{{Field: "/data/attributes/details/date", Code: "out_of_range", Message: msg}})
				h.countEvent(err)
				return err
			}
		}
	}
	// The store checks the client may see the move inside the write, so
	// the move is read once, not once here and again there.
	stored, _, err := h.Store.AppendEvent(c.Request().Context(), e, store.AppendOptions{ClientID: cl.ID, By: e.CreatedBy,
		Visible: func(m moves.Move) bool { return apiClientSees(cl, m) }})
	h.countEvent(err)
	if moves.ErrorCode(err) == moves.NotFound {
		return moves.Errorf(moves.NotFound, "No move with id %q", e.MoveID)
	}
	if err != nil {
		return detailPointers(duplicateAsInvalid(err, "/data/attributes/details/date"), e.Type)
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/events/"+stored.ID)
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: h.eventResource(c, stored)})
}

// detailPointers points the field errors of an event's details at
// /data/attributes/details/KEY: the store names a detail by its key, which
// pointerFor would take for a move's attribute of that name (an event's
// date is a detail, not the event's attribute).
func detailPointers(err error, t moves.EventType) error {
	e, ok := moves.AsError(err)
	sp, known := moves.SpecFor(t)
	if !ok || !known || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i, f := range out.Fields {
		if slices.ContainsFunc(sp.Details, func(d moves.DetailSpec) bool { return d.Key == f.Field }) {
			out.Fields[i].Field = "/data/attributes/details/" + f.Field
		}
	}
	return &out
}

// duplicateAsInvalid turns the store's duplicate-move conflict into the
// contract's 422: code "taken" with meta.existing_id, pointing at the
// date that collides.
func duplicateAsInvalid(err error, datePointer string) error {
	e, ok := moves.AsError(err)
	if !ok || e.ExistingID == "" {
		return err
	}
	out := &moves.Error{Code: moves.Invalid, Message: e.Message, ExistingID: e.ExistingID, Fields: slices.Clone(e.Fields)}
	for i := range out.Fields {
		if out.Fields[i].Field == "date" {
			out.Fields[i].Field = datePointer
		}
	}
	if len(out.Fields) == 0 {
		out.Fields = moves.FieldErrors{{Field: datePointer, Code: "taken", Message: e.Message}}
	}
	return out
}

// GetEvent shows one event: GET /api/events/:id.
func (h *Handlers) GetEvent(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	id := c.Param("id")
	e, err := h.Store.Event(c.Request().Context(), id)
	if err != nil {
		if moves.ErrorCode(err) == moves.NotFound {
			return moves.Errorf(moves.NotFound, "No event with id %q", id)
		}
		return err
	}
	if _, err := h.apiMove(c, e.MoveID); err != nil {
		return moves.Errorf(moves.NotFound, "No event with id %q", id)
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: h.eventResource(c, e)})
}

// GetMoveEvents lists a move's events in log order: GET
// /api/moves/:id/events.
func (h *Handlers) GetMoveEvents(c echo.Context) error {
	if err := newAPIQueryReader(c).err(); err != nil {
		return err
	}
	m, err := h.apiMove(c, c.Param("id"))
	if err != nil {
		return err
	}
	evs, err := h.Store.Events(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	data := make([]apiResource, 0, len(evs))
	for _, e := range evs {
		data = append(data, h.eventResource(c, e))
	}
	return apiWriteDoc(c, http.StatusOK, apiDocument{Data: data, Links: map[string]string{"self": h.apiBase(c) + "/api/moves/" + m.ID + "/events"},
		Meta: map[string]any{"total_objects": len(data)}})
}

// postJourneyEvent records an event about a journey posted to /api/events
// (eventable type journeys): a journey on a move the client may not see
// is not found.
func (h *Handlers) postJourneyEvent(c echo.Context, e moves.Event) error {
	stored, _, err := h.Store.AppendJourneyEvent(c.Request().Context(), e, h.roadOptions(c))
	h.countEvent(err)
	if moves.ErrorCode(err) == moves.NotFound {
		return moves.Errorf(moves.NotFound, "No journey with id %q", e.JourneyID)
	}
	if err != nil {
		return apiJourneyError(err)
	}
	c.Response().Header().Set(echo.HeaderLocation, h.apiBase(c)+"/api/events/"+stored.ID)
	return apiWriteDoc(c, http.StatusCreated, apiDocument{Data: h.eventResource(c, stored)})
}
