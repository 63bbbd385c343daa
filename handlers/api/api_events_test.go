package api_test

import (
	"encoding/json"
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// seedExample reads one of the seed's request examples, unchanged.
func apiSeedExample(t *testing.T, typ string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "moves", "testdata", "seed-examples", typ+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// pointAt swaps the example's ids for real ones: the eventable for the
// move, each other relationship for ids (its type is left as the seed
// wrote it).
func apiPointAt(doc map[string]any, moveID string, rels map[string]string) {
	data := doc["data"].(map[string]any)
	r := data["relationships"].(map[string]any)
	r["eventable"].(map[string]any)["data"].(map[string]any)["id"] = moveID
	for name, id := range rels {
		if rel, ok := r[name].(map[string]any); ok {
			rel["data"].(map[string]any)["id"] = id
		}
	}
}

// Each of the seed's request examples, posted unchanged but for its ids
// against a move it fits, does what its trigger says.
func TestSeedRequestExamples(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	files, err := filepath.Glob(filepath.Join("..", "..", "moves", "testdata", "seed-examples", "*.json"))
	if err != nil || len(files) < 20 {
		t.Fatalf("seed examples: %v %d", err, len(files))
	}
	// Set-up events happen before the examples' own times (2020-12-03
	// 10:51), so that the examples fall after them in the log.
	const before1, before2 = "2020-12-03T08:00:00Z", "2020-12-03T09:00:00Z"
	booked := func() moves.Move {
		m := e.CourtMove()
		e.Record(m, moves.EventMoveAccept, before1, nil)
		return m
	}
	inTransit := func() moves.Move {
		m := booked()
		e.Record(m, moves.EventMoveStart, before2, nil)
		return m
	}
	proposed := func() moves.Move {
		// A prison transfer in London, Serco's, with a window around
		// the date the approval gives (the example's own, 2020-06-16,
		// is too far in the past to give a move today).
		m, err := e.St.CreateMove(e.Ctx, store.NewMove{MoveType: moves.PrisonTransfer, FromID: e.Loc("BXI"), ToID: e.Loc("WWI"),
			DateFrom: "2026-11-25", DateTo: "2026-12-05", PersonID: e.Person().ID, SupplierID: e.Sups["serco"].ID, CreatedBy: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	other := e.CourtMove()
	cases := map[string]struct {
		move  func() moves.Move
		rels  map[string]string
		check func(t *testing.T, m, ev map[string]any)
		// lodge, when set, is the move's lodging the event starts or ends.
		lodge func(m moves.Move)
		// date, when set, replaces the example's details.date: a date
		// given to a move must be within moves.CheckMoveDate's window of
		// today, which the seed's 2020 dates are not.
		date string
	}{
		"MoveAccept": {move: e.CourtMove, check: apiWantStatus("booked")},
		"MoveApprove": {move: proposed, date: "2026-11-30", check: func(t *testing.T, m, ev map[string]any) {
			apiWantStatus("requested")(t, m, ev)
			if handlertest.Attrs(m)["date"] != "2026-11-30" {
				t.Errorf("date %v", handlertest.Attrs(m)["date"])
			}
		}},
		"MoveReject": {move: proposed, check: func(t *testing.T, m, ev map[string]any) {
			apiWantStatus("cancelled")(t, m, ev)
			a := handlertest.Attrs(m)
			if a["cancellation_reason"] != "rejected" || a["rejection_reason"] != "no_space_at_receiving_prison" ||
				a["cancellation_reason_comment"] != "It was a mistake" {
				t.Errorf("rejection %v", a)
			}
		}},
		"MoveCancel": {move: booked, check: func(t *testing.T, m, ev map[string]any) {
			apiWantStatus("cancelled")(t, m, ev)
			if handlertest.Attrs(m)["cancellation_reason"] != "made_in_error" {
				t.Errorf("cancellation_reason %v", handlertest.Attrs(m)["cancellation_reason"])
			}
		}},
		"MoveStart":    {move: booked, check: apiWantStatus("in_transit")},
		"MoveComplete": {move: inTransit, check: apiWantStatus("completed")},
		"MoveRedirect": {move: booked, rels: map[string]string{"to_location": e.Loc("GUILMC")}, check: func(t *testing.T, m, ev map[string]any) {
			apiWantStatus("booked")(t, m, ev)
			if handlertest.RelID(m, "to_location") != e.Loc("GUILMC") || handlertest.Attrs(m)["move_type"] != "court_appearance" {
				t.Errorf("redirect: to %s, type %v", handlertest.RelID(m, "to_location"), handlertest.Attrs(m)["move_type"])
			}
			if handlertest.RelID(ev, "to_location") != e.Loc("GUILMC") || handlertest.RelType(ev, "to_location") != "locations" {
				t.Errorf("event to_location %v", ev["relationships"])
			}
		}},
		"MoveLockout": {move: inTransit, rels: map[string]string{"from_location": e.Loc("GUILCC")}, check: func(t *testing.T, m, ev map[string]any) {
			apiWantStatus("in_transit")(t, m, ev)
			if handlertest.Attrs(m)["is_lockout"] != true {
				t.Error("not marked as a lockout")
			}
			if handlertest.RelID(ev, "from_location") != e.Loc("GUILCC") {
				t.Errorf("event from_location %v", ev["relationships"])
			}
		}},
		"MoveLodgingStart": {move: inTransit, rels: map[string]string{"location": e.Loc("SRY014")}, check: apiWantLocation(e.Loc("SRY014"), "in_transit"),
			lodge: func(m moves.Move) { e.Lodge(m, "SRY014", "2020-12-03") }},
		"MoveLodgingEnd": {move: inTransit, rels: map[string]string{"location": e.Loc("SRY014")}, check: apiWantLocation(e.Loc("SRY014"), "in_transit"),
			lodge: func(m moves.Move) { e.LodgeStarted(m, "SRY014", "2020-12-02") }},
		"MoveOperationSafeguard":                     {move: inTransit, check: apiWantStatus("in_transit")},
		"MoveOperationTornado":                       {move: inTransit, check: apiWantStatus("in_transit")},
		"MoveOperationHmcts":                         {move: inTransit, check: apiWantDetail("court_cell_number", "6b")},
		"MoveNotifyPremisesOfExpectedCollectionTime": {move: booked, check: apiWantDetail("expected_at", "2020-06-16T10:20:30+01:00")},
		"MoveNotifyPremisesOfEta":                    {move: inTransit, check: apiWantDetail("expected_at", "2020-12-03T12:20:30+00:00")},
		"MoveNotifyPremisesOfArrivalIn30Mins":        {move: inTransit, check: apiWantStatus("in_transit")},
		"MoveCollectionByEscort":                     {move: booked, check: apiWantDetail("vehicle_type", "pro_cab")},
		"MoveCrossSupplierDropOff":                   {move: inTransit, check: apiWantStatus("in_transit")},
		"MoveCrossSupplierPickUp": {move: inTransit, rels: map[string]string{"previous_move": other.ID}, check: func(t *testing.T, m, ev map[string]any) {
			// The seed names the previous move with type "locations"; it
			// is looked up, and answered, as a move.
			if handlertest.RelID(ev, "previous_move") != other.ID || handlertest.RelType(ev, "previous_move") != "moves" {
				t.Errorf("previous_move %v", ev["relationships"])
			}
		}},
		"PersonMoveBookedIntoReceivingEstablishment": {move: inTransit, rels: map[string]string{"location": e.Loc("HOI")},
			check: apiWantLocation(e.Loc("HOI"), "in_transit")},
	}
	seen := 0
	for _, f := range files {
		typ := strings.TrimSuffix(filepath.Base(f), ".json")
		tc, ok := cases[typ]
		if !ok {
			t.Errorf("no case for the seed example %s", typ)
			continue
		}
		seen++
		t.Run(typ, func(t *testing.T) {
			m := tc.move()
			if tc.lodge != nil {
				tc.lodge(m)
			}
			doc := apiSeedExample(t, typ)
			apiPointAt(doc, m.ID, tc.rels)
			if tc.date != "" {
				doc["data"].(map[string]any)["attributes"].(map[string]any)["details"].(map[string]any)["date"] = tc.date
			}
			r := e.Do(http.MethodPost, "/api/events", tok, doc).Want(t, http.StatusCreated)
			ev := r.Data()
			if ev["type"] != "events" || handlertest.Attrs(ev)["event_type"] != typ || handlertest.RelID(ev, "eventable") != m.ID {
				t.Fatalf("event %s", r.Body)
			}
			if handlertest.Meta(ev)["applied"] != true || handlertest.Meta(ev)["reason"] != nil {
				t.Fatalf("not applied: %v", handlertest.Meta(ev))
			}
			if handlertest.Attrs(ev)["created_by"] != "Serco" || handlertest.RelID(ev, "supplier") != e.Sups["serco"].ID {
				t.Errorf("created_by %v, supplier %s", handlertest.Attrs(ev)["created_by"], handlertest.RelID(ev, "supplier"))
			}
			src := doc["data"].(map[string]any)["attributes"].(map[string]any)
			if handlertest.Attrs(ev)["occurred_at"] != src["occurred_at"] || handlertest.Attrs(ev)["notes"] != src["notes"] {
				t.Errorf("times or notes changed: %v", handlertest.Attrs(ev))
			}
			if r.Header.Get("Location") != handlertest.EnvBaseURL+"/api/events/"+ev["id"].(string) {
				t.Errorf("Location %q", r.Header.Get("Location"))
			}
			// Shown at once in the move's log, in the store and the API.
			// (Last, but for a lodging planned after a 2020 seed example.)
			evs, err := e.St.Events(e.Ctx, m.ID)
			if err != nil || !slices.ContainsFunc(evs, func(x moves.Event) bool { return x.ID == ev["id"] }) ||
				(tc.lodge == nil && evs[len(evs)-1].ID != ev["id"]) {
				t.Fatalf("not last in the log: %v", err)
			}
			tc.check(t, e.GetMove(tok, m.ID), ev)
			got := e.Do(http.MethodGet, "/api/events/"+ev["id"].(string), tok, nil).Want(t, http.StatusOK).Data()
			if handlertest.Attrs(got)["event_type"] != typ {
				t.Errorf("GET event: %v", got)
			}
		})
	}
	if seen != len(cases) {
		t.Errorf("%d examples, %d cases", seen, len(cases))
	}
}

func apiWantStatus(s string) func(t *testing.T, m, ev map[string]any) {
	return func(t *testing.T, m, ev map[string]any) {
		t.Helper()
		if handlertest.Attrs(m)["status"] != s {
			t.Errorf("status %v, want %s", handlertest.Attrs(m)["status"], s)
		}
	}
}

func apiWantLocation(id, status string) func(t *testing.T, m, ev map[string]any) {
	return func(t *testing.T, m, ev map[string]any) {
		t.Helper()
		apiWantStatus(status)(t, m, ev)
		if handlertest.RelID(ev, "location") != id || handlertest.RelType(ev, "location") != "locations" {
			t.Errorf("location %v", ev["relationships"])
		}
	}
}

func apiWantDetail(key string, v any) func(t *testing.T, m, ev map[string]any) {
	return func(t *testing.T, m, ev map[string]any) {
		t.Helper()
		d, _ := handlertest.Attrs(ev)["details"].(map[string]any)
		if d[key] != v {
			t.Errorf("details %v, want %s=%v", d, key, v)
		}
	}
}

// exampleValue is a valid value for a detail.
func apiExampleValue(d moves.DetailSpec) any {
	switch d.Kind {
	case moves.KindEnum:
		return d.Values[0]
	case moves.KindDate:
		return "2026-11-24"
	case moves.KindDateTime:
		return "2026-11-23T09:30:00Z"
	case moves.KindBool:
		return false
	case moves.KindStringList:
		return []any{"S1234", "S5678"}
	case moves.KindPostcode:
		return "SW1H 9AJ"
	}
	return "text"
}

// Every event type the catalogue lets a client post is accepted, with its
// details and relationships as the catalogue describes them; the two
// creation events are refused.
func TestEveryCatalogueEventType(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	other := e.CourtMove()
	for _, sp := range moves.Catalogue() {
		t.Run(string(sp.Type), func(t *testing.T) {
			// A move in a state the event can apply to.
			var m moves.Move
			switch sp.Type {
			case moves.EventMoveApprove:
				m = e.Move("BXI", "WWI", moves.PrisonTransfer, "2026-11-23")
			case moves.EventMoveAccept, moves.EventMoveReject:
				m = e.CourtMove()
			case moves.EventMoveResubmit:
				// Only a rejected request is sent again.
				m = e.CourtMove()
				e.Record(m, moves.EventMoveReject, "2026-11-23T08:00:00Z", map[string]any{"rejection_reason": moves.RejectionMoreInfo})
			default:
				m = e.CourtMove()
				e.Record(m, moves.EventMoveAccept, "2026-11-23T08:00:00Z", nil)
				if sp.Type == moves.EventMoveComplete {
					e.Record(m, moves.EventMoveStart, "2026-11-23T08:30:00Z", nil)
				}
			}
			switch sp.Type {
			case moves.EventMoveLodgingStart:
				e.Lodge(m, "GUILMC", "2026-11-23")
			case moves.EventMoveLodgingEnd:
				e.LodgeStarted(m, "GUILMC", "2026-11-22")
			}
			details := map[string]any{}
			for _, d := range sp.Details {
				details[d.Key] = apiExampleValue(d)
			}
			rels := map[string][2]string{}
			for _, r := range sp.Rels {
				if r.Kind == "moves" {
					rels[r.Name] = [2]string{"moves", other.ID}
				} else {
					rels[r.Name] = [2]string{"locations", e.Loc("GUILMC")}
				}
			}
			r := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(sp.Type, m.ID, "2026-11-23T09:15:00+00:00", details, rels))
			if sp.Creation {
				r.WantError(t, http.StatusUnprocessableEntity, "/data/attributes/event_type", "inclusion")
				return
			}
			r.Want(t, http.StatusCreated)
			ev := r.Data()
			if handlertest.Meta(ev)["applied"] != true {
				t.Fatalf("not applied: %v", handlertest.Meta(ev))
			}
			if handlertest.Attrs(ev)["classification"] != string(sp.Class) {
				t.Errorf("classification %v", handlertest.Attrs(ev)["classification"])
			}
			got, _ := handlertest.Attrs(ev)["details"].(map[string]any)
			var gk, wk []string
			for k := range got {
				gk = append(gk, k)
			}
			for k := range details {
				wk = append(wk, k)
			}
			sort.Strings(gk)
			sort.Strings(wk)
			if strings.Join(gk, ",") != strings.Join(wk, ",") {
				t.Errorf("details %v, want keys %v", got, wk)
			}
			for name := range rels {
				if handlertest.RelID(ev, name) == "" {
					t.Errorf("relationship %s missing: %v", name, ev["relationships"])
				}
			}
		})
	}
}

// Events arrive out of order: a MoveComplete before the MoveStart that
// preceded it is kept, not applied, and applies once the start arrives.
func TestOutOfOrderEvents(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	e.Record(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil)

	complete := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveComplete, m.ID, "2026-11-23T10:00:00+00:00", nil, nil)).
		Want(t, http.StatusCreated).Data()
	if handlertest.Meta(complete)["applied"] != false || handlertest.Meta(complete)["reason"] != "A move that is booked cannot be completed" {
		t.Fatalf("complete before start: %v", handlertest.Meta(complete))
	}
	if handlertest.Attrs(e.GetMove(tok, m.ID))["status"] != "booked" {
		t.Fatal("status changed by an event that did not apply")
	}
	start := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveStart, m.ID, "2026-11-23T08:30:00+01:00", nil, nil)).
		Want(t, http.StatusCreated).Data()
	if handlertest.Meta(start)["applied"] != true || handlertest.Meta(start)["late"] != true {
		t.Fatalf("late start: %v", handlertest.Meta(start))
	}
	if handlertest.Attrs(start)["occurred_at"] != "2026-11-23T07:30:00+00:00" {
		t.Errorf("occurred_at not shown in London time: %v", handlertest.Attrs(start)["occurred_at"])
	}
	if got := handlertest.Attrs(e.GetMove(tok, m.ID))["status"]; got != "completed" {
		t.Fatalf("status %v, want completed", got)
	}
	again := e.Do(http.MethodGet, "/api/events/"+complete["id"].(string), tok, nil).Want(t, http.StatusOK).Data()
	if handlertest.Meta(again)["applied"] != true || handlertest.Meta(again)["reason"] != nil {
		t.Fatalf("the complete should now apply: %v", handlertest.Meta(again))
	}
	// The log, in order: creation, accept, start, complete.
	list := e.Do(http.MethodGet, "/api/moves/"+m.ID+"/events", tok, nil).Want(t, http.StatusOK).List()
	var types []string
	for _, x := range list {
		types = append(types, handlertest.Attrs(x.(map[string]any))["event_type"].(string))
	}
	if strings.Join(types, ",") != "MoveRequested,MoveAccept,MoveStart,MoveComplete" {
		t.Fatalf("log %v", types)
	}
}

// An event valid in itself that cannot apply is kept and answered 201
// with applied false and the reason; nothing about the move changes.
func TestEventThatCannotApply(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	e.Record(m, moves.EventMoveCancel, "2026-11-23T07:00:00Z", map[string]any{"cancellation_reason": "made_in_error"})
	r := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveStart, m.ID, "2026-11-23T08:00:00Z", nil, nil)).Want(t, http.StatusCreated)
	if handlertest.Meta(r.Data())["applied"] != false || handlertest.Meta(r.Data())["reason"] != "A move that is cancelled cannot be started" {
		t.Fatalf("meta %v", handlertest.Meta(r.Data()))
	}
	if handlertest.Attrs(e.GetMove(tok, m.ID))["status"] != "cancelled" {
		t.Fatal("status changed")
	}
	evs, _ := e.St.Events(e.Ctx, m.ID)
	if len(evs) != 3 || evs[2].Applied {
		t.Fatalf("the event should be kept, marked not applied: %+v", evs)
	}
}

// Invalid events are refused with a pointer to what is wrong, and nothing
// is stored.
func TestInvalidEvents(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	ok := func() map[string]any {
		return handlertest.EventBody(moves.EventMoveCancel, m.ID, "2026-11-23T08:00:00Z", map[string]any{"cancellation_reason": "made_in_error"}, nil)
	}
	set := func(path string, v any) map[string]any {
		doc := ok()
		cur := doc
		parts := strings.Split(path, "/")
		for _, p := range parts[:len(parts)-1] {
			cur = cur[p].(map[string]any)
		}
		if v == nil {
			delete(cur, parts[len(parts)-1])
		} else {
			cur[parts[len(parts)-1]] = v
		}
		return doc
	}
	tests := []struct {
		name    string
		body    any
		status  int
		pointer string
		code    string
	}{
		{"no zone", set("data/attributes/occurred_at", "2026-11-23T08:00:00"), 422, "/data/attributes/occurred_at", "invalid"},
		{"missing recorded_at", set("data/attributes/recorded_at", nil), 422, "/data/attributes/recorded_at", "blank"},
		{"timestamp not a string", set("data/attributes/occurred_at", 1606992688), 422, "/data/attributes/occurred_at", "invalid"},
		{"unknown event_type", set("data/attributes/event_type", "MoveTeleport"), 422, "/data/attributes/event_type", "inclusion"},
		{"missing required detail", set("data/attributes/details", map[string]any{}), 422, "/data/attributes/details/cancellation_reason", "blank"},
		{"detail not in the list", set("data/attributes/details", map[string]any{"cancellation_reason": "bored"}), 422, "/data/attributes/details/cancellation_reason", "inclusion"},
		{"unknown detail", set("data/attributes/details", map[string]any{"cancellation_reason": "other", "cancelation_comment": "x"}), 422, "/data/attributes/details/cancelation_comment", "unknown_detail"},
		{"details not an object", set("data/attributes/details", "none"), 422, "/data/attributes/details", "invalid"},
		{"notes not a string", set("data/attributes/notes", 42.0), 422, "/data/attributes/notes", "invalid"},
		{"unknown attribute", set("data/attributes/colour", "red"), 422, "/data/attributes/colour", "unknown_attribute"},
		{"wrong type", set("data/type", "moves"), 422, "/data/type", "inclusion"},
		{"no eventable", set("data/relationships", map[string]any{}), 422, "/data/relationships/eventable", "blank"},
		{"eventable not a move", set("data/relationships/eventable", map[string]any{"data": map[string]any{"type": "people", "id": m.PersonID}}), 422, "/data/relationships/eventable/data/type", "inclusion"},
		{"relationship the type has not", set("data/relationships/to_location", map[string]any{"data": map[string]any{"type": "locations", "id": e.Loc("GUILMC")}}), 422, "/data/relationships/to_location", "unknown_relationship"},
		{"unknown top-level member", set("dta", map[string]any{}), 400, "/dta", ""},
		{"unknown member of data", set("data/attrs", map[string]any{}), 400, "/data/attrs", ""},
		{"data not an object", map[string]any{"data": []any{}}, 400, "/data", ""},
		{"malformed JSON", `{"data": {"type": "events",}}`, 400, "", ""},
		{"two JSON values", `{"data":{}} {}`, 400, "", ""},
		{"empty body", ``, 400, "/data", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Do(http.MethodPost, "/api/events", tok, tc.body)
			r.WantError(t, tc.status, tc.pointer, tc.code)
			if tc.status == 400 && tc.pointer == "" && !strings.Contains(r.Errors()[0]["detail"].(string), "JSON") {
				t.Errorf("detail %v", r.Errors()[0]["detail"])
			}
		})
	}
	// An unknown location in a relationship.
	r := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveRedirect, m.ID, "2026-11-23T08:00:00Z", nil,
		map[string][2]string{"to_location": {"locations", handlertest.NewUUID()}}))
	r.WantError(t, 422, "/data/relationships/to_location", "not_found")
	evs, _ := e.St.Events(e.Ctx, m.ID)
	if len(evs) != 1 {
		t.Fatalf("invalid events were stored: %d", len(evs))
	}
}
