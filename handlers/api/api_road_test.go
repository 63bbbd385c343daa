package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// The journeys and lodgings API (issue 11): every endpoint and journey
// event, valid, invalid (nothing stored), out of order, in the wrong
// state (kept, not applied), on another supplier's move (404) and
// retried with its Idempotency-Key; then the supplier guide's walkthroughs.

// road is a test's API client on one environment.
type road struct {
	t   *testing.T
	e   *handlertest.Env
	tok string
}

func newRoad(t *testing.T) *road {
	e := handlertest.NewEnv(t)
	return &road{t: t, e: e, tok: e.SupplierToken("serco")}
}

func rel(typ, id string) map[string]any {
	return map[string]any{"data": map[string]any{"type": typ, "id": id}}
}

// journeyBody is a POST /api/moves/:id/journeys body between two
// locations (codes); billable is left out when nil.
func (r *road) journeyBody(from, to, ts string, billable any) map[string]any {
	attrs := map[string]any{"timestamp": ts}
	if billable != nil {
		attrs["billable"] = billable
	}
	return map[string]any{"data": map[string]any{"type": "journeys", "attributes": attrs,
		"relationships": map[string]any{"from_location": rel("locations", r.e.Loc(from)), "to_location": rel("locations", r.e.Loc(to))}}}
}

// addJourney adds a journey through the API and returns its id.
func (r *road) addJourney(m moves.Move, from, to, ts string, billable bool) string {
	r.t.Helper()
	return r.e.Do(http.MethodPost, "/api/moves/"+m.ID+"/journeys", r.tok, r.journeyBody(from, to, ts, billable)).Want(r.t, http.StatusCreated).Data()["id"].(string)
}

// journeyEvent is a POST /api/events body about a journey.
func journeyEvent(typ moves.EventType, journeyID, at string, details map[string]any, rels map[string]string) map[string]any {
	if details == nil {
		details = map[string]any{}
	}
	relationships := map[string]any{"eventable": rel("journeys", journeyID)}
	for name, id := range rels {
		relationships[name] = rel("locations", id)
	}
	return map[string]any{"data": map[string]any{"type": "events",
		"attributes":    map[string]any{"event_type": string(typ), "occurred_at": at, "recorded_at": at, "details": details},
		"relationships": relationships}}
}

// post records a journey event through /api/events and returns it.
func (r *road) post(typ moves.EventType, journeyID, at string, details map[string]any, rels map[string]string) map[string]any {
	r.t.Helper()
	return r.e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(typ, journeyID, at, details, rels)).Want(r.t, http.StatusCreated).Data()
}

func (r *road) journey(m moves.Move, id string) map[string]any {
	r.t.Helper()
	return r.e.Do(http.MethodGet, "/api/moves/"+m.ID+"/journeys/"+id, r.tok, nil).Want(r.t, http.StatusOK).Data()
}

func (r *road) state(m moves.Move, id string) string {
	r.t.Helper()
	return handlertest.Attrs(r.journey(m, id))["state"].(string)
}

func (r *road) eventCount(m moves.Move) int {
	r.t.Helper()
	evs, err := r.e.St.Events(r.e.Ctx, m.ID)
	if err != nil {
		r.t.Fatal(err)
	}
	return len(evs)
}

func wantShape(t *testing.T, schema *openapi3.Schema, what string, data any) {
	t.Helper()
	b, _ := json.Marshal(data)
	var v any
	_ = json.Unmarshal(b, &v)
	if err := schema.VisitJSON(dropNulls(v), openapi3.MultiErrors()); err != nil {
		t.Errorf("%s does not match upstream's schema: %v", what, err)
	}
}

func TestJourneyAPI(t *testing.T) {
	r := newRoad(t)
	e := r.e
	shape := upstreamSchema(t, "GetJourney", "v1/get_journey.yaml#/GetJourney")
	m := e.CourtMove()
	e.Record(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil)
	base := "/api/moves/" + m.ID + "/journeys"

	// Created proposed, numbered, the move's date, the client's supplier.
	body := r.journeyBody("SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
	body["data"].(map[string]any)["attributes"].(map[string]any)["vehicle"] = map[string]any{"registration": "AB12 CDE", "id": "V1"}
	res := e.Do(http.MethodPost, base, r.tok, body).Want(t, http.StatusCreated)
	j := res.Data()
	wantShape(t, shape, "POST journeys", j)
	a := handlertest.Attrs(j)
	if a["state"] != "proposed" || a["number"] != float64(1) || a["date"] != "2026-11-23" || a["billable"] != true ||
		a["vehicle"].(map[string]any)["registration"] != "AB12 CDE" || handlertest.RelID(j, "supplier") != e.Sups["serco"].ID {
		t.Fatalf("journey %v", j)
	}
	id := j["id"].(string)
	if res.Header.Get("Location") != handlertest.EnvBaseURL+base+"/"+id {
		t.Errorf("Location %q", res.Header.Get("Location"))
	}
	// The shape check has teeth.
	if err := shape.VisitJSON(map[string]any{"type": "journeys", "attributes": map[string]any{"state": "driving"}}); err == nil {
		t.Fatal("upstream's schema accepted a wrong journey")
	}
	// An earlier timestamp takes number 1.
	first := r.addJourney(m, "SRY014", "SRY016", "2026-11-23T07:30:00Z", true)
	list := e.Do(http.MethodGet, base+"?include=from_location,to_location", r.tok, nil).Want(t, http.StatusOK)
	if len(list.List()) != 2 || list.List()[0].(map[string]any)["id"] != first || len(handlertest.ListOf(list.JSON["included"])) != 3 {
		t.Fatalf("list %s", list.Body)
	}
	for _, d := range list.List() {
		wantShape(t, shape, "GET journeys item", d)
	}
	if got := handlertest.Attrs(r.journey(m, id))["number"]; got != float64(2) {
		t.Errorf("number after an earlier journey: %v", got)
	}

	// Invalid: nothing stored.
	n := r.eventCount(m)
	e.Do(http.MethodPost, base, r.tok, r.journeyBody("SRY016", "SRY016", "2026-11-23T08:00:00Z", true)).WantError(t, 422, "/data/relationships/to_location", "invalid")
	e.Do(http.MethodPost, base, r.tok, r.journeyBody("SRY016", "GUILMC", "", true)).WantError(t, 422, "/data/attributes/timestamp", "blank")
	e.Do(http.MethodPost, base, r.tok, r.journeyBody("SRY016", "GUILMC", "2026-11-23T08:00:00Z", "yes")).WantError(t, 422, "/data/attributes/billable", "invalid")
	e.Do(http.MethodPost, base, r.tok, r.journeyBody("SRY016", "GUILMC", "2026-11-23T08:00:00Z", nil)).WantError(t, 422, "/data/attributes/billable", "blank")
	bad := r.journeyBody("SRY016", "GUILMC", "2026-11-23T08:00:00Z", true)
	bad["data"].(map[string]any)["relationships"].(map[string]any)["to_location"] = rel("locations", handlertest.NewUUID())
	e.Do(http.MethodPost, base, r.tok, bad).WantError(t, 422, "/data/relationships/to_location", "not_found")
	bad = r.journeyBody("SRY016", "GUILMC", "2026-11-23T08:00:00Z", true)
	bad["data"].(map[string]any)["relationships"].(map[string]any)["supplier"] = rel("suppliers", e.Sups["geoamey"].ID)
	e.Do(http.MethodPost, base, r.tok, bad).WantError(t, 422, "/data/relationships/supplier", "invalid")
	// A second live journey with the same ends: a clear 422 naming it.
	dup := e.Do(http.MethodPost, base, r.tok, r.journeyBody("SRY016", "GUILCC", "2026-11-23T09:00:00Z", true))
	dup.WantError(t, 422, "/data/relationships/to_location", "taken")
	if meta, _ := dup.Errors()[0]["meta"].(map[string]any); meta["existing_id"] != id {
		t.Errorf("duplicate's meta %v", dup.Errors()[0])
	}
	if r.eventCount(m) != n {
		t.Fatal("a refused journey left events")
	}

	// PATCH: billable and vehicle, recorded as a JourneyUpdate; the
	// timestamp is discarded.
	patch := map[string]any{"data": map[string]any{"type": "journeys", "id": id, "attributes": map[string]any{
		"timestamp": "2026-11-20T00:00:00Z", "billable": false, "vehicle": map[string]any{"registration": "XY99 ZZZ"}}}}
	pj := e.Do(http.MethodPatch, base+"/"+id, r.tok, patch).Want(t, http.StatusOK).Data()
	wantShape(t, shape, "PATCH journey", pj)
	if pa := handlertest.Attrs(pj); pa["billable"] != false || pa["vehicle"].(map[string]any)["registration"] != "XY99 ZZZ" || pa["number"] != float64(2) {
		t.Fatalf("patched %v", pa)
	}
	log, _ := e.St.JourneyEvents(e.Ctx, id)
	if len(log) != 2 || log[1].Type != moves.EventJourneyUpdate {
		t.Fatalf("journey log %+v", log)
	}
	e.Do(http.MethodPatch, base+"/"+id, r.tok, map[string]any{"data": map[string]any{"type": "journeys", "attributes": map[string]any{"date": "someday"}}}).
		WantError(t, 422, "/data/attributes/date", "invalid")

	// Idempotent retry: one journey, the same answer.
	retry := r.journeyBody("GUILCC", "GUILMC", "2026-11-23T10:00:00Z", true)
	one := e.Do(http.MethodPost, base, r.tok, retry, "Idempotency-Key", "journey-1").Want(t, http.StatusCreated)
	two := e.Do(http.MethodPost, base, r.tok, retry, "Idempotency-Key", "journey-1").Want(t, http.StatusCreated)
	if two.Header.Get("Idempotency-Replayed") != "true" || two.Data()["id"] != one.Data()["id"] {
		t.Fatalf("retry: %s", two.Body)
	}
	if js, _ := e.St.MoveJourneys(e.Ctx, m.ID); len(js) != 3 {
		t.Fatalf("%d journeys after a retried create", len(js))
	}

	// Another supplier's client: 404 everywhere, nothing stored.
	geo := e.SupplierToken("geoamey")
	n = r.eventCount(m)
	e.Do(http.MethodGet, base, geo, nil).WantError(t, 404, "", "")
	e.Do(http.MethodGet, base+"/"+id, geo, nil).WantError(t, 404, "", "")
	e.Do(http.MethodPost, base, geo, r.journeyBody("SRY016", "GUILMC", "2026-11-23T08:00:00Z", true)).WantError(t, 404, "", "")
	e.Do(http.MethodPatch, base+"/"+id, geo, patch).WantError(t, 404, "", "")
	e.Do(http.MethodPost, base+"/"+id+"/start", geo, map[string]any{"data": map[string]any{"type": "starts", "attributes": map[string]any{"timestamp": "2026-11-23T08:00:00Z"}}}).WantError(t, 404, "", "")
	e.Do(http.MethodPost, "/api/events", geo, journeyEvent(moves.EventJourneyStart, id, "2026-11-23T08:00:00Z", nil, nil)).WantError(t, 404, "", "")
	if r.eventCount(m) != n {
		t.Fatal("another supplier's requests left events")
	}
	e.Do(http.MethodGet, base+"/"+handlertest.NewUUID(), r.tok, nil).WantError(t, 404, "", "")
	// A journey of another move is not found under this one.
	other := e.CourtMove()
	e.Do(http.MethodGet, "/api/moves/"+other.ID+"/journeys/"+id, r.tok, nil).WantError(t, 404, "", "")

	// The move offers its journeys and lodgings.
	e.Lodge(m, "SRY014", "2026-11-23")
	mv := e.Do(http.MethodGet, "/api/moves/"+m.ID+"?include=journeys,lodgings", r.tok, nil).Want(t, http.StatusOK)
	rels := mv.Data()["relationships"].(map[string]any)
	if len(handlertest.ListOf(rels["journeys"].(map[string]any)["data"])) != 3 || len(handlertest.ListOf(rels["lodgings"].(map[string]any)["data"])) != 1 {
		t.Fatalf("move relationships %v", rels)
	}
	kinds := map[string]int{}
	for _, inc := range handlertest.ListOf(mv.JSON["included"]) {
		kinds[inc.(map[string]any)["type"].(string)]++
	}
	if kinds["journeys"] != 3 || kinds["lodgings"] != 1 {
		t.Errorf("included %v", kinds)
	}
}

// Every journey event type through POST /api/events, on a journey in a
// state it applies to; the creation and update events are the service's.
func TestEveryJourneyEventType(t *testing.T) {
	r := newRoad(t)
	e := r.e
	opt := store.RoadOptions{By: "setup"}
	for _, sp := range moves.JourneyCatalogue() {
		t.Run(string(sp.Type), func(t *testing.T) {
			r := &road{t: t, e: e, tok: r.tok}
			m := e.CourtMove()
			id := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
			setup := map[moves.EventType][]moves.EventType{
				moves.EventJourneyComplete:   {moves.EventJourneyStart},
				moves.EventJourneyCancel:     {moves.EventJourneyStart},
				moves.EventJourneyUncancel:   {moves.EventJourneyStart, moves.EventJourneyCancel},
				moves.EventJourneyUncomplete: {moves.EventJourneyStart, moves.EventJourneyComplete},
			}[sp.Type]
			for i, typ := range setup {
				at, _ := moves.ParseTimestamp("2026-11-23T08:0" + string(rune('1'+i)) + ":00Z")
				if _, _, err := e.St.AppendJourneyEvent(e.Ctx, moves.Event{JourneyID: id, Type: typ, OccurredAt: at, RecordedAt: at}, opt); err != nil {
					t.Fatal(err)
				}
			}
			details := map[string]any{}
			for _, d := range sp.Details {
				if d.Key != "previous_vehicle_reg" {
					details[d.Key] = apiExampleValue(d)
				}
			}
			rels := map[string]string{}
			for _, rl := range sp.Rels {
				rels[rl.Name] = e.Loc("GUILMC")
			}
			res := e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(sp.Type, id, "2026-11-23T09:15:00+00:00", details, rels))
			if !moves.ClientMayPost(sp.Type) {
				res.WantError(t, 422, "/data/attributes/event_type", "inclusion")
				return
			}
			ev := res.Want(t, http.StatusCreated).Data()
			if handlertest.Meta(ev)["applied"] != true || handlertest.RelType(ev, "eventable") != "journeys" || handlertest.RelID(ev, "eventable") != id {
				t.Fatalf("event %v", ev)
			}
			for name := range rels {
				if handlertest.RelID(ev, name) != e.Loc("GUILMC") {
					t.Errorf("%s: %v", name, ev["relationships"])
				}
			}
			want := map[moves.EventType]string{moves.EventJourneyStart: "in_progress", moves.EventJourneyComplete: "completed",
				moves.EventJourneyCancel: "cancelled", moves.EventJourneyReject: "rejected", moves.EventJourneyUncancel: "in_progress",
				moves.EventJourneyUncomplete: "in_progress"}[sp.Type]
			if want != "" && r.state(m, id) != want {
				t.Errorf("state %s, want %s", r.state(m, id), want)
			}
			// Shown in the move's log, the move itself untouched.
			got := e.Do(http.MethodGet, "/api/events/"+ev["id"].(string), r.tok, nil).Want(t, http.StatusOK).Data()
			if handlertest.Attrs(got)["event_type"] != string(sp.Type) {
				t.Errorf("GET event %v", got)
			}
			if mv := e.GetMove(r.tok, m.ID); handlertest.Attrs(mv)["status"] != "requested" {
				t.Errorf("the move's status changed: %v", handlertest.Attrs(mv)["status"])
			}
		})
	}
}

func TestJourneyEventsOutOfOrderWrongStateInvalidAndRetried(t *testing.T) {
	r := newRoad(t)
	e := r.e
	m := e.CourtMove()
	id := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)

	// Out of order: the completion arrives before the start.
	done := r.post(moves.EventJourneyComplete, id, "2026-11-23T10:00:00Z", nil, nil)
	if handlertest.Meta(done)["applied"] != false || handlertest.Meta(done)["reason"] != "A journey that is proposed cannot be completed" {
		t.Fatalf("complete first: %v", handlertest.Meta(done))
	}
	start := r.post(moves.EventJourneyStart, id, "2026-11-23T09:00:00Z", map[string]any{"vehicle_reg": "AB12 CDE"}, nil)
	if handlertest.Meta(start)["applied"] != true || handlertest.Meta(start)["late"] != true {
		t.Fatalf("late start: %v", handlertest.Meta(start))
	}
	j := r.journey(m, id)
	if handlertest.Attrs(j)["state"] != "completed" || handlertest.Attrs(j)["vehicle"].(map[string]any)["registration"] != "AB12 CDE" {
		t.Fatalf("journey after the late start %v", handlertest.Attrs(j))
	}
	again := e.Do(http.MethodGet, "/api/events/"+done["id"].(string), r.tok, nil).Want(t, http.StatusOK).Data()
	if handlertest.Meta(again)["applied"] != true {
		t.Fatalf("the completion after the late start: %v", handlertest.Meta(again))
	}

	// Wrong state: kept, not applied, with the reason.
	rej := r.post(moves.EventJourneyReject, id, "2026-11-23T11:00:00Z", nil, nil)
	if handlertest.Meta(rej)["applied"] != false || handlertest.Meta(rej)["reason"] != "A journey that is completed cannot be rejected" {
		t.Fatalf("reject a completed journey: %v", handlertest.Meta(rej))
	}

	// Invalid: refused, nothing stored.
	n := r.eventCount(m)
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyChangeVehicle, id, "2026-11-23T11:00:00Z", nil, nil)).
		WantError(t, 422, "/data/attributes/details/vehicle_reg", "blank")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyPersonBoardsVehicle, id, "2026-11-23T11:00:00Z",
		map[string]any{"vehicle_type": "tank", "vehicle_reg": "AB12 CDE"}, nil)).WantError(t, 422, "/data/attributes/details/vehicle_type", "inclusion")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyLockout, id, "2026-11-23T11:00:00Z", nil, nil)).
		WantError(t, 422, "/data/relationships/from_location", "blank")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyStart, id, "2026-11-23T11:00:00", nil, nil)).
		WantError(t, 422, "/data/attributes/occurred_at", "invalid")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyStart, id, "2026-11-23T11:00:00Z", map[string]any{"colour": "red"}, nil)).
		WantError(t, 422, "/data/attributes/details/colour", "unknown_detail")
	e.Do(http.MethodPost, "/api/events", r.tok, handlertest.EventBody(moves.EventJourneyStart, m.ID, "2026-11-23T11:00:00Z", nil, nil)).
		WantError(t, 422, "/data/relationships/eventable/data/type", "inclusion")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventMoveStart, id, "2026-11-23T11:00:00Z", nil, nil)).
		WantError(t, 422, "/data/relationships/eventable/data/type", "inclusion")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventLodgingCreate, id, "2026-11-23T11:00:00Z", nil, nil)).
		WantError(t, 422, "/data/attributes/event_type", "")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyStart, handlertest.NewUUID(), "2026-11-23T11:00:00Z", nil, nil)).WantError(t, 404, "", "")
	if r.eventCount(m) != n {
		t.Fatal("a refused event was stored")
	}

	// Retried with its key: recorded once.
	body := journeyEvent(moves.EventJourneyHandoverToDestination, id, "2026-11-23T10:30:00Z", map[string]any{"supplier_personnel_number": "S1"}, nil)
	one := e.Do(http.MethodPost, "/api/events", r.tok, body, "Idempotency-Key", "handover").Want(t, http.StatusCreated)
	two := e.Do(http.MethodPost, "/api/events", r.tok, body, "Idempotency-Key", "handover").Want(t, http.StatusCreated)
	if two.Header.Get("Idempotency-Replayed") != "true" || one.Data()["id"] != two.Data()["id"] || r.eventCount(m) != n+1 {
		t.Fatalf("retried event: %s", two.Body)
	}
}

// The older journey event endpoints: each records its event and answers
// 204, applied or not.
func TestJourneyActionEndpoints(t *testing.T) {
	r := newRoad(t)
	e := r.e
	m := e.CourtMove()
	id := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
	base := "/api/moves/" + m.ID + "/journeys/" + id + "/"
	act := func(action, typ, at string, attrs map[string]any, rels map[string]any) *handlertest.Resp {
		if attrs == nil {
			attrs = map[string]any{}
		}
		if at != "" {
			attrs["timestamp"] = at
		}
		data := map[string]any{"type": typ, "attributes": attrs}
		if rels != nil {
			data["relationships"] = rels
		}
		return e.Do(http.MethodPost, base+action, r.tok, map[string]any{"data": data})
	}
	steps := []struct {
		action, typ string
		attrs       map[string]any
		rels        map[string]any
		state       string
	}{
		{"reject", "rejects", nil, nil, "proposed"}, // placed last: see below
		{"start", "starts", map[string]any{"vehicle_reg": "AB12 CDE", "vehicle_depot": "Guildford"}, nil, "in_progress"},
		{"lockouts", "lockouts", nil, map[string]any{"from_location": rel("locations", e.Loc("GUILCC"))}, "in_progress"},
		{"lodgings", "lodgings", nil, map[string]any{"to_location": rel("locations", e.Loc("SRY014"))}, "in_progress"},
		{"cancel", "cancels", nil, nil, "cancelled"},
		{"uncancel", "uncancels", nil, nil, "in_progress"},
		{"complete", "completes", map[string]any{"vehicle_reg": "AB12 CDE"}, nil, "completed"},
		{"uncomplete", "uncompletes", nil, nil, "in_progress"},
	}
	for i, s := range steps {
		at := "2026-11-23T09:0" + string(rune('1'+i)) + ":00Z"
		if s.action == "reject" {
			at = "2026-11-23T23:00:00Z" // after everything: a rejection of a journey in progress does not apply
		}
		act(s.action, s.typ, at, s.attrs, s.rels).Want(t, http.StatusNoContent)
		if s.action != "reject" {
			if got := r.state(m, id); got != s.state {
				t.Fatalf("after %s: %s, want %s", s.action, got, s.state)
			}
		}
	}
	log, _ := e.St.JourneyEvents(e.Ctx, id)
	last := log[len(log)-1]
	if last.Type != moves.EventJourneyReject || last.Applied || last.Reason == "" {
		t.Fatalf("the rejection: %+v", last)
	}
	if log[1].Type != moves.EventJourneyStart || log[1].Str("vehicle_depot") != "Guildford" || !log[1].OccurredAt.Equal(log[1].RecordedAt) {
		t.Fatalf("the start: %+v", log[1])
	}
	n := r.eventCount(m)
	act("start", "starts", "", nil, nil).WantError(t, 422, "/data/attributes/timestamp", "blank")
	act("start", "start", "2026-11-23T10:00:00Z", nil, nil).WantError(t, 422, "/data/type", "inclusion")
	act("lockouts", "lockouts", "2026-11-23T10:00:00Z", nil, nil).WantError(t, 422, "/data/relationships/from_location", "blank")
	act("complete", "completes", "2026-11-23T10:00:00Z", map[string]any{"vehicle_depot": "x"}, nil).WantError(t, 422, "/data/attributes/vehicle_depot", "unknown_attribute")
	if r.eventCount(m) != n {
		t.Fatal("a refused action was stored")
	}
	e.Do(http.MethodPost, "/api/moves/"+m.ID+"/journeys/"+handlertest.NewUUID()+"/start", r.tok,
		map[string]any{"data": map[string]any{"type": "starts", "attributes": map[string]any{"timestamp": "2026-11-23T10:00:00Z"}}}).WantError(t, 404, "", "")
	// Retried with its key: recorded once.
	body := map[string]any{"data": map[string]any{"type": "cancels", "attributes": map[string]any{"timestamp": "2026-11-23T12:00:00Z"}}}
	e.Do(http.MethodPost, base+"cancel", r.tok, body, "Idempotency-Key", "cancel-1").Want(t, http.StatusNoContent)
	e.Do(http.MethodPost, base+"cancel", r.tok, body, "Idempotency-Key", "cancel-1").Want(t, http.StatusNoContent)
	if r.eventCount(m) != n+1 {
		t.Fatalf("%d events after a retried cancel, want %d", r.eventCount(m), n+1)
	}
}

func TestLodgingAPI(t *testing.T) {
	r := newRoad(t)
	e := r.e
	shape := upstreamSchema(t, "Lodging", "v1/lodging.yaml#/Lodging")
	m := e.CourtMove()
	base := "/api/moves/" + m.ID + "/lodgings"
	body := func(code, start, end string) map[string]any {
		return map[string]any{"data": map[string]any{"type": "lodgings", "attributes": map[string]any{"start_date": start, "end_date": end},
			"relationships": map[string]any{"location": rel("locations", e.Loc(code))}}}
	}
	first := e.Do(http.MethodPost, base, r.tok, body("SRY014", "2026-11-23", "2026-11-24")).Want(t, http.StatusCreated).Data()
	wantShape(t, shape, "POST lodgings", first)
	if a := handlertest.Attrs(first); a["status"] != "proposed" || a["start_date"] != "2026-11-23" || handlertest.RelID(first, "location") != e.Loc("SRY014") {
		t.Fatalf("lodging %v", first)
	}
	firstID := first["id"].(string)
	second := e.Do(http.MethodPost, base, r.tok, body("GUILMC", "2026-11-24", "2026-11-25")).Want(t, http.StatusCreated).Data()["id"].(string)

	// Invalid: nothing stored.
	n := r.eventCount(m)
	e.Do(http.MethodPost, base, r.tok, body("SRY014", "2026-11-25", "2026-11-25")).WantError(t, 422, "/data/attributes/end_date", "invalid")
	e.Do(http.MethodPost, base, r.tok, body("SRY016", "2026-11-25", "2026-11-26")).WantError(t, 422, "/data/relationships/location", "invalid")
	e.Do(http.MethodPost, base, r.tok, body("HOI", "2026-11-23", "2026-11-24")).WantError(t, 422, "/data/attributes/start_date", "taken")
	e.Do(http.MethodPost, base, r.tok, body("HOI", "23/11/2026", "2026-11-24")).WantError(t, 422, "/data/attributes/start_date", "invalid")
	if r.eventCount(m) != n {
		t.Fatal("a refused lodging left events")
	}

	// Two nights instead of one: the later lodging moves a day on.
	patch := map[string]any{"data": map[string]any{"type": "lodgings", "id": firstID, "attributes": map[string]any{"end_date": "2026-11-25"}}}
	p := e.Do(http.MethodPatch, base+"/"+firstID, r.tok, patch).Want(t, http.StatusOK)
	wantShape(t, shape, "PATCH lodging", p.Data())
	if moved := handlertest.ListOf(p.JSON["meta"].(map[string]any)["moved"]); len(moved) != 1 || moved[0] != second {
		t.Fatalf("moved %v", p.JSON["meta"])
	}
	got := e.Do(http.MethodGet, base+"/"+second, r.tok, nil).Want(t, http.StatusOK).Data()
	if a := handlertest.Attrs(got); a["start_date"] != "2026-11-25" || a["end_date"] != "2026-11-26" {
		t.Fatalf("the later lodging %v", a)
	}
	list := e.Do(http.MethodGet, base+"?include=location", r.tok, nil).Want(t, http.StatusOK)
	if len(list.List()) != 2 || len(handlertest.ListOf(list.JSON["included"])) != 2 {
		t.Fatalf("list %s", list.Body)
	}
	for _, d := range list.List() {
		wantShape(t, shape, "GET lodgings item", d)
	}

	// Cancel one; again is a conflict; the reason must be one of the list.
	cancel := func(reason string) map[string]any {
		return map[string]any{"data": map[string]any{"type": "lodgings", "attributes": map[string]any{"cancellation_reason": reason, "cancellation_reason_comment": "No longer needed"}}}
	}
	e.Do(http.MethodPost, base+"/"+second+"/cancel", r.tok, cancel("bored")).WantError(t, 422, "/data/attributes/cancellation_reason", "inclusion")
	c := e.Do(http.MethodPost, base+"/"+second+"/cancel", r.tok, cancel("cancelled_by_pmu")).Want(t, http.StatusOK).Data()
	if a := handlertest.Attrs(c); a["status"] != "cancelled" || a["cancellation_reason"] != "cancelled_by_pmu" || a["cancellation_reason_comment"] != "No longer needed" {
		t.Fatalf("cancelled %v", a)
	}
	e.Do(http.MethodPost, base+"/"+second+"/cancel", r.tok, cancel("cancelled_by_pmu")).WantError(t, 409, "", "")
	e.Do(http.MethodPatch, base+"/"+second, r.tok, map[string]any{"data": map[string]any{"type": "lodgings", "attributes": map[string]any{"end_date": "2026-11-28"}}}).WantError(t, 409, "", "")

	// Cancel all, retried with its key: only the proposed one, once.
	all := e.Do(http.MethodPost, base+"/cancel", r.tok, cancel("made_in_error"), "Idempotency-Key", "all").Want(t, http.StatusOK)
	again := e.Do(http.MethodPost, base+"/cancel", r.tok, cancel("made_in_error"), "Idempotency-Key", "all").Want(t, http.StatusOK)
	if len(all.List()) != 1 || all.List()[0].(map[string]any)["id"] != firstID || again.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("cancel all: %s / %s", all.Body, again.Body)
	}
	cancels := 0
	evs, _ := e.St.Events(e.Ctx, m.ID)
	for _, ev := range evs {
		if ev.Type == moves.EventLodgingCancel {
			cancels++
		}
	}
	if cancels != 2 {
		t.Fatalf("%d LodgingCancel events, want 2", cancels)
	}
	// Lodging events are the service's own: not posted.
	e.Do(http.MethodPost, "/api/events", r.tok, handlertest.EventBody(moves.EventLodgingCreate, m.ID, "2026-11-23T10:00:00Z", nil, nil)).WantError(t, 422, "", "")

	// Another supplier's client: 404, nothing stored.
	geo := e.SupplierToken("geoamey")
	n = r.eventCount(m)
	e.Do(http.MethodGet, base, geo, nil).WantError(t, 404, "", "")
	e.Do(http.MethodGet, base+"/"+firstID, geo, nil).WantError(t, 404, "", "")
	e.Do(http.MethodPost, base, geo, body("HOI", "2026-11-27", "2026-11-28")).WantError(t, 404, "", "")
	e.Do(http.MethodPatch, base+"/"+firstID, geo, patch).WantError(t, 404, "", "")
	e.Do(http.MethodPost, base+"/"+firstID+"/cancel", geo, cancel("other")).WantError(t, 404, "", "")
	e.Do(http.MethodPost, base+"/cancel", geo, cancel("other")).WantError(t, 404, "", "")
	if r.eventCount(m) != n {
		t.Fatal("another supplier's requests left events")
	}
	e.Do(http.MethodGet, base+"/"+handlertest.NewUUID(), r.tok, nil).WantError(t, 404, "", "")
}

// --- The supplier guide's walkthroughs ---

func (r *road) moveEvent(m moves.Move, typ moves.EventType, at string, details map[string]any, rels map[string][2]string) map[string]any {
	r.t.Helper()
	ev := r.e.Do(http.MethodPost, "/api/events", r.tok, handlertest.EventBody(typ, m.ID, at, details, rels)).Want(r.t, http.StatusCreated).Data()
	if handlertest.Meta(ev)["applied"] != true {
		r.t.Fatalf("%s did not apply: %v", typ, handlertest.Meta(ev))
	}
	return ev
}

func (r *road) moveStatus(m moves.Move) string {
	r.t.Helper()
	return handlertest.Attrs(r.e.GetMove(r.tok, m.ID))["status"].(string)
}

func (r *road) billable(m moves.Move, id string) bool {
	return handlertest.Attrs(r.journey(m, id))["billable"].(bool)
}

func TestWalkthroughSingleJourney(t *testing.T) {
	r := newRoad(t)
	m := r.e.CourtMove()
	r.moveEvent(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil, nil)
	j := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T07:05:00Z", moves.Billable(moves.CausePlanned))
	r.moveEvent(m, moves.EventMoveStart, "2026-11-23T08:00:00Z", nil, nil)
	r.post(moves.EventJourneyStart, j, "2026-11-23T08:00:01Z", map[string]any{"vehicle_reg": "AB12 CDE"}, nil)
	r.post(moves.EventJourneyComplete, j, "2026-11-23T08:40:00Z", nil, nil)
	r.moveEvent(m, moves.EventMoveComplete, "2026-11-23T08:41:00Z", nil, nil)
	if r.moveStatus(m) != "completed" || r.state(m, j) != "completed" || !r.billable(m, j) {
		t.Fatalf("move %s, journey %s", r.moveStatus(m), r.state(m, j))
	}
	if v := handlertest.Attrs(r.journey(m, j))["vehicle"].(map[string]any); v["registration"] != "AB12 CDE" {
		t.Errorf("vehicle %v", v)
	}
}

func TestWalkthroughRedirectBeforeStart(t *testing.T) {
	r := newRoad(t)
	m := r.e.CourtMove()
	r.moveEvent(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil, nil)
	first := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T07:05:00Z", true)
	r.moveEvent(m, moves.EventMoveRedirect, "2026-11-23T07:30:00Z", map[string]any{"reason": "no_space"}, map[string][2]string{"to_location": {"locations", r.e.Loc("GUILMC")}})
	// Not yet driven, the first journey is rejected and one to the new
	// destination takes its place.
	r.post(moves.EventJourneyReject, first, "2026-11-23T07:31:00Z", nil, nil)
	second := r.addJourney(m, "SRY016", "GUILMC", "2026-11-23T07:32:00Z", moves.Billable(moves.CauseRedirectedByPMU))
	r.moveEvent(m, moves.EventMoveStart, "2026-11-23T08:00:00Z", nil, nil)
	r.post(moves.EventJourneyStart, second, "2026-11-23T08:00:01Z", nil, nil)
	r.post(moves.EventJourneyComplete, second, "2026-11-23T08:30:00Z", nil, nil)
	r.moveEvent(m, moves.EventMoveComplete, "2026-11-23T08:31:00Z", nil, nil)
	mv := r.e.GetMove(r.tok, m.ID)
	if handlertest.RelID(mv, "to_location") != r.e.Loc("GUILMC") || r.state(m, first) != "rejected" || r.state(m, second) != "completed" || !r.billable(m, second) {
		t.Fatalf("move to %s; journeys %s, %s", handlertest.RelID(mv, "to_location"), r.state(m, first), r.state(m, second))
	}
	// A rejected journey's ends are free again; the live one's are not.
	r.e.Do(http.MethodPost, "/api/moves/"+m.ID+"/journeys", r.tok, r.journeyBody("SRY016", "GUILMC", "2026-11-23T09:00:00Z", true)).WantError(t, 422, "/data/relationships/to_location", "taken")
}

func TestWalkthroughRedirectAfterStart(t *testing.T) {
	for _, ending := range []moves.EventType{moves.EventJourneyCancel, moves.EventJourneyComplete} {
		t.Run(string(ending), func(t *testing.T) {
			r := newRoad(t)
			m := r.e.CourtMove()
			r.moveEvent(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil, nil)
			first := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T07:05:00Z", true)
			r.moveEvent(m, moves.EventMoveStart, "2026-11-23T08:00:00Z", nil, nil)
			r.post(moves.EventJourneyStart, first, "2026-11-23T08:00:01Z", map[string]any{"vehicle_reg": "AB12 CDE"}, nil)
			r.moveEvent(m, moves.EventMoveRedirect, "2026-11-23T08:20:00Z", map[string]any{"reason": "no_space"}, map[string][2]string{"to_location": {"locations", r.e.Loc("GUILMC")}})
			// The leg on the road ends (cancelled where the vehicle turned,
			// or completed at the old destination) and a second leg goes
			// to the new one; PMU's redirect makes it billable.
			r.post(ending, first, "2026-11-23T08:21:00Z", nil, nil)
			from := "SRY016"
			if ending == moves.EventJourneyComplete {
				from = "GUILCC"
			}
			second := r.addJourney(m, from, "GUILMC", "2026-11-23T08:22:00Z", moves.Billable(moves.CauseRedirectedByPMU))
			r.post(moves.EventJourneyStart, second, "2026-11-23T08:23:00Z", nil, nil)
			r.post(moves.EventJourneyComplete, second, "2026-11-23T08:50:00Z", nil, nil)
			r.moveEvent(m, moves.EventMoveComplete, "2026-11-23T08:51:00Z", nil, nil)
			wantFirst := map[moves.EventType]string{moves.EventJourneyCancel: "cancelled", moves.EventJourneyComplete: "completed"}[ending]
			if r.state(m, first) != wantFirst || r.state(m, second) != "completed" || !r.billable(m, second) || r.moveStatus(m) != "completed" {
				t.Fatalf("journeys %s, %s (billable %v); move %s", r.state(m, first), r.state(m, second), r.billable(m, second), r.moveStatus(m))
			}
			list := r.e.Do(http.MethodGet, "/api/moves/"+m.ID+"/journeys", r.tok, nil).Want(t, http.StatusOK).List()
			if len(list) != 2 || handlertest.Attrs(list[1].(map[string]any))["number"] != float64(2) {
				t.Fatalf("journeys %v", list)
			}
		})
	}
}

func TestWalkthroughLockoutWithOvernightLodge(t *testing.T) {
	r := newRoad(t)
	e := r.e
	m := e.CourtMove()
	r.moveEvent(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil, nil)
	r.moveEvent(m, moves.EventMoveStart, "2026-11-23T08:00:00Z", nil, nil)
	first := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
	r.post(moves.EventJourneyStart, first, "2026-11-23T08:00:01Z", map[string]any{"vehicle_reg": "AB12 CDE"}, nil)
	// Locked out at the court: the move is marked, PMU plans a night at
	// Staines, the leg ends and one to the lodge is driven (the
	// supplier's lockout: not billable).
	r.moveEvent(m, moves.EventMoveLockout, "2026-11-23T16:00:00Z", map[string]any{"authorised_by": "PMU", "reason": "no_space"},
		map[string][2]string{"from_location": {"locations", e.Loc("GUILCC")}})
	r.post(moves.EventJourneyLockout, first, "2026-11-23T16:00:01Z", nil, map[string]string{"from_location": e.Loc("GUILCC")})
	r.post(moves.EventJourneyComplete, first, "2026-11-23T16:01:00Z", nil, nil)
	lodge := e.Do(http.MethodPost, "/api/moves/"+m.ID+"/lodgings", r.tok, map[string]any{"data": map[string]any{"type": "lodgings",
		"attributes":    map[string]any{"start_date": "2026-11-23", "end_date": "2026-11-24"},
		"relationships": map[string]any{"location": rel("locations", e.Loc("SRY014"))}}}).Want(t, http.StatusCreated).Data()["id"].(string)
	toLodge := r.addJourney(m, "GUILCC", "SRY014", "2026-11-23T16:05:00Z", moves.Billable(moves.CauseLockout))
	r.post(moves.EventJourneyStart, toLodge, "2026-11-23T16:10:00Z", nil, nil)
	r.post(moves.EventJourneyLodging, toLodge, "2026-11-23T16:50:00Z", nil, map[string]string{"to_location": e.Loc("SRY014")})
	r.post(moves.EventJourneyComplete, toLodge, "2026-11-23T16:51:00Z", nil, nil)
	lodging := func() string {
		return handlertest.Attrs(e.Do(http.MethodGet, "/api/moves/"+m.ID+"/lodgings/"+lodge, r.tok, nil).Want(t, http.StatusOK).Data())["status"].(string)
	}
	r.moveEvent(m, moves.EventMoveLodgingStart, "2026-11-23T17:00:00Z", map[string]any{"reason": "lockout"}, map[string][2]string{"location": {"locations", e.Loc("SRY014")}})
	if lodging() != "started" {
		t.Fatalf("lodging after MoveLodgingStart: %s", lodging())
	}
	// The next morning: collected from the lodge and on to court.
	r.moveEvent(m, moves.EventMoveLodgingEnd, "2026-11-24T08:00:00Z", nil, map[string][2]string{"location": {"locations", e.Loc("SRY014")}})
	if lodging() != "completed" {
		t.Fatalf("lodging after MoveLodgingEnd: %s", lodging())
	}
	on := r.addJourney(m, "SRY014", "GUILCC", "2026-11-24T08:00:01Z", moves.Billable(moves.CausePlanned))
	r.post(moves.EventJourneyStart, on, "2026-11-24T08:01:00Z", nil, nil)
	r.post(moves.EventJourneyComplete, on, "2026-11-24T08:40:00Z", nil, nil)
	r.moveEvent(m, moves.EventMoveComplete, "2026-11-24T08:41:00Z", nil, nil)
	if r.billable(m, toLodge) || !r.billable(m, on) || r.state(m, on) != "completed" || r.moveStatus(m) != "completed" {
		t.Fatalf("to the lodge billable %v; on %v %s; move %s", r.billable(m, toLodge), r.billable(m, on), r.state(m, on), r.moveStatus(m))
	}
	if mv := r.e.GetMove(r.tok, m.ID); handlertest.Attrs(mv)["is_lockout"] != true {
		t.Error("not marked as a lockout")
	}
	// The lodge end with no lodging started there: kept, not applied.
	ev := e.Do(http.MethodPost, "/api/events", r.tok, handlertest.EventBody(moves.EventMoveLodgingEnd, m.ID, "2026-11-24T09:00:00Z", nil,
		map[string][2]string{"location": {"locations", e.Loc("HOI")}})).Want(t, http.StatusCreated).Data()
	if handlertest.Meta(ev)["applied"] != false || handlertest.Meta(ev)["reason"] != "The move has no overnight lodging at this location" {
		t.Fatalf("a lodge end elsewhere: %v", handlertest.Meta(ev))
	}
}

// TestSupplierChangesOnlyItsOwnJourneys: a journey an internal client
// booked for GEOAmey on a Serco move is GEOAmey's work and pay. Serco's
// client may read it with its move but neither PATCH it nor record its
// events; the internal client still may.
func TestSupplierChangesOnlyItsOwnJourneys(t *testing.T) {
	r := newRoad(t)
	e := r.e
	internal := e.Token(e.Client(""))
	m := e.CourtMove() // Serco's
	base := "/api/moves/" + m.ID + "/journeys"
	body := r.journeyBody("SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
	body["data"].(map[string]any)["relationships"].(map[string]any)["supplier"] = rel("suppliers", e.Sups["geoamey"].ID)
	j := e.Do(http.MethodPost, base, internal, body).Want(t, http.StatusCreated).Data()
	if handlertest.RelID(j, "supplier") != e.Sups["geoamey"].ID {
		t.Fatalf("journey supplier %v", j["relationships"])
	}
	id := j["id"].(string)
	patch := map[string]any{"data": map[string]any{"type": "journeys", "id": id, "attributes": map[string]any{"billable": false}}}
	e.Do(http.MethodPatch, base+"/"+id, r.tok, patch).WantError(t, http.StatusForbidden, "", "")
	e.Do(http.MethodPost, "/api/events", r.tok, journeyEvent(moves.EventJourneyCancel, id, "2026-11-23T08:05:00Z", nil, nil)).WantError(t, http.StatusForbidden, "", "")
	got := handlertest.Attrs(e.Do(http.MethodGet, base+"/"+id, r.tok, nil).Want(t, http.StatusOK).Data())
	if got["billable"] != true || got["state"] != "proposed" {
		t.Fatalf("Serco's refused changes changed GEOAmey's journey: %v", got)
	}
	e.Do(http.MethodPatch, base+"/"+id, internal, patch).Want(t, http.StatusOK)
}
