package api_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
)

func apiMoveBody(attrs map[string]any, rels map[string][2]string) map[string]any {
	r := map[string]any{}
	for name, v := range rels {
		r[name] = map[string]any{"data": map[string]any{"type": v[0], "id": v[1]}}
	}
	return map[string]any{"data": map[string]any{"type": "moves", "attributes": attrs, "relationships": r}}
}

// The guide's first use case: receive a requested booking and accept it,
// or reject it.
func TestUseCaseReceiveAndAcceptOrReject(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	first, second := e.CourtMove(), e.Move("SRY014", "GUILMC", moves.CourtAppearance, "2026-11-23")
	q := url.Values{"filter[status]": {"requested"}, "filter[from_location_id]": {e.Loc("SRY016") + "," + e.Loc("SRY014")},
		"filter[date_from]": {"2026-11-23"}, "filter[date_to]": {"2026-11-23"}, "include": {"from_location,to_location,profile.person"}}
	r := e.Do(http.MethodGet, "/api/moves?"+q.Encode(), tok, nil).Want(t, http.StatusOK)
	found := apiIDs(r.List())
	if len(found) < 2 || !apiContains(found, first.ID) || !apiContains(found, second.ID) {
		t.Fatalf("requested moves: %v", found)
	}
	for _, x := range r.List() {
		if handlertest.Attrs(x.(map[string]any))["status"] != "requested" {
			t.Fatal("a move that is not requested was listed")
		}
	}
	if len(handlertest.ListOf(r.JSON["included"])) == 0 {
		t.Fatal("nothing included")
	}
	// Accept the first.
	ev := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveAccept, first.ID, "2026-11-23T09:05:00Z", nil, nil)).
		Want(t, http.StatusCreated).Data()
	if handlertest.Meta(ev)["applied"] != true || handlertest.Attrs(e.GetMove(tok, first.ID))["status"] != "booked" {
		t.Fatal("accepting did not book the move")
	}
	// A supplier rejects the second (declines it: a cancellation).
	e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveCancel, second.ID, "2026-11-23T09:06:00Z",
		map[string]any{"cancellation_reason": "supplier_declined_to_move", "cancellation_reason_comment": "No van"}, nil)).Want(t, http.StatusCreated)
	a := handlertest.Attrs(e.GetMove(tok, second.ID))
	if a["status"] != "cancelled" || a["cancellation_reason"] != "supplier_declined_to_move" {
		t.Fatalf("declined move %v", a)
	}
	// Neither is listed as requested any more.
	left := apiIDs(e.Do(http.MethodGet, "/api/moves?"+q.Encode(), tok, nil).Want(t, http.StatusOK).List())
	if apiContains(left, first.ID) || apiContains(left, second.ID) {
		t.Fatal("handled moves still listed as requested")
	}
	// A requested move can also be rejected (MoveReject).
	third := e.CourtMove()
	e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveReject, third.ID, "2026-11-23T09:07:00Z",
		map[string]any{"rejection_reason": "no_transport_available"}, nil)).Want(t, http.StatusCreated)
	a = handlertest.Attrs(e.GetMove(tok, third.ID))
	if a["status"] != "cancelled" || a["cancellation_reason"] != "rejected" || a["rejection_reason"] != "no_transport_available" {
		t.Fatalf("rejected move %v", a)
	}
	// A proposed transfer rejected with rebook: true is proposed again a
	// week later, linked to the first.
	fourth := e.Move("BXI", "WWI", moves.PrisonTransfer, "2026-12-01")
	e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveReject, fourth.ID, "2026-11-23T09:08:00Z",
		map[string]any{"rejection_reason": "no_space_at_receiving_prison", "rebook": true}, nil)).Want(t, http.StatusCreated)
	re := e.Do(http.MethodGet, "/api/moves?filter[status]=proposed&filter[from_location_id]="+e.Loc("BXI"), tok, nil).Want(t, http.StatusOK)
	rebooked := false
	for _, x := range re.List() {
		if res := x.(map[string]any); handlertest.RelID(res, "original_move") == fourth.ID {
			rebooked = handlertest.Attrs(res)["date_from"] == "2026-12-08"
		}
	}
	if !rebooked {
		t.Fatal("rebook: true made no linked proposed move a week later")
	}
}

// The guide's second use case: search for a person.
func TestUseCaseSearchForAPerson(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	p := e.Person()
	p.PNC, p.PrisonNumber = "08/0056560Z", "A1234BC"
	// A person with identifiers, added through the API.
	r := e.Do(http.MethodPost, "/api/people", tok, map[string]any{"data": map[string]any{"type": "people", "attributes": map[string]any{
		"first_names": "Ashley", "last_name": "Clarke", "date_of_birth": "1994-02-11", "gender": "female",
		"police_national_computer": "08/0056560Z", "prison_number": "a1234bc"}}}).Want(t, http.StatusCreated)
	id := r.Data()["id"].(string)
	if a := handlertest.Attrs(r.Data()); a["prison_number"] != "A1234BC" || a["police_national_computer"] != "08/0056560Z" || a["ethnicity"] != nil {
		t.Fatalf("person %v", a)
	}
	for _, q := range []string{"filter[police_national_computer]=08/0056560Z", "filter[police_national_computer]=2008/56560z",
		"filter[prison_number]=A1234BC", "filter[prison_number]=a1234bc"} {
		got := apiIDs(e.Do(http.MethodGet, "/api/people?"+q, tok, nil).Want(t, http.StatusOK).List())
		if len(got) != 1 || got[0] != id {
			t.Errorf("%s: %v", q, got)
		}
	}
	if got := e.Do(http.MethodGet, "/api/people?filter[prison_number]=Z9999ZZ", tok, nil).Want(t, http.StatusOK).List(); len(got) != 0 {
		t.Errorf("unknown prison number found %d", len(got))
	}
	e.Do(http.MethodGet, "/api/people", tok, nil).WantError(t, http.StatusBadRequest, "filter[police_national_computer]", "")
	e.Do(http.MethodGet, "/api/people?filter[police_national_computer]=08/0056560A", tok, nil).WantError(t, 422, "filter[police_national_computer]", "invalid")
	e.Do(http.MethodGet, "/api/people?filter[last_name]=Clarke", tok, nil).WantError(t, 400, "filter[last_name]", "")
	got := e.Do(http.MethodGet, "/api/people/"+id, tok, nil).Want(t, http.StatusOK).Data()
	if handlertest.Attrs(got)["first_names"] != "Ashley" {
		t.Fatalf("person %v", got)
	}
	e.Do(http.MethodGet, "/api/people/"+handlertest.NewUUID(), tok, nil).WantError(t, 404, "", "")
	// Invalid people are refused, field by field.
	r = e.Do(http.MethodPost, "/api/people", tok, map[string]any{"data": map[string]any{"type": "people", "attributes": map[string]any{
		"first_names": "", "last_name": "Clarke", "date_of_birth": "2090-01-01", "gender": "robot", "police_national_computer": "08/0056560A"}}})
	r.WantError(t, 422, "/data/attributes/first_names", "blank")
	for _, p := range []string{"/data/attributes/date_of_birth", "/data/attributes/gender", "/data/attributes/police_national_computer"} {
		if !r.HasError(p, "") {
			t.Errorf("no error at %s: %s", p, r.Body)
		}
	}
}

// The guide's third use case: create a booking.
func TestUseCaseCreateABooking(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	p := e.Person()
	body := apiMoveBody(map[string]any{"move_type": "court_appearance", "date": "2026-11-25", "time_due": "2026-11-25T10:00:00Z",
		"additional_information": "Needs an interpreter"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}})
	r := e.Do(http.MethodPost, "/api/moves", tok, body).Want(t, http.StatusCreated)
	d := r.Data()
	a := handlertest.Attrs(d)
	if a["status"] != "requested" || a["date"] != "2026-11-25" || a["time_due"] != "2026-11-25T10:00:00+00:00" ||
		a["additional_information"] != "Needs an interpreter" || !moves.ValidReference(a["reference"].(string)) {
		t.Fatalf("move %v", a)
	}
	if handlertest.RelID(d, "supplier") != e.Sups["serco"].ID || handlertest.RelID(d, "person") != p.ID || handlertest.RelID(d, "profile") == "" {
		t.Fatalf("relationships %v", d["relationships"])
	}
	if r.Header.Get("Location") != handlertest.EnvBaseURL+"/api/moves/"+d["id"].(string) {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	evs, _ := e.St.Events(e.Ctx, d["id"].(string))
	if len(evs) != 1 || evs[0].Type != moves.EventMoveRequested || evs[0].CreatedBy != "Serco" {
		t.Fatalf("creation event %+v", evs)
	}
	// The same again is a duplicate: 422, code taken, naming the first.
	r = e.Do(http.MethodPost, "/api/moves", tok, body)
	r.WantError(t, 422, "/data/attributes/date", "taken")
	if r.Errors()[0]["meta"].(map[string]any)["existing_id"] != d["id"] {
		t.Fatalf("existing_id %v", r.Errors()[0])
	}
	// Between two prisons it is a proposed transfer, waiting for PMU.
	pr := e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_transfer", "date_from": "2026-12-01", "date_to": "2026-12-08"},
		map[string][2]string{"from_location": {"locations", e.Loc("BXI")}, "to_location": {"locations", e.Loc("WWI")}, "person": {"people", p.ID}})).
		Want(t, http.StatusCreated).Data()
	if a := handlertest.Attrs(pr); a["status"] != "proposed" || a["date"] != nil || a["date_from"] != "2026-12-01" || a["date_to"] != "2026-12-08" {
		t.Fatalf("transfer %v", a)
	}
	// With an existing profile (made through the API, as upstream v2 does).
	prof := e.Do(http.MethodPost, "/api/people/"+p.ID+"/profiles", tok, map[string]any{"data": map[string]any{"type": "profiles",
		"attributes": map[string]any{"assessment_answers": []any{map[string]any{"category": "health", "key": "medication", "comments": "Insulin"}}}}}).
		Want(t, http.StatusCreated).Data()
	r = e.Do(http.MethodPost, "/api/moves?", tok, apiMoveBody(map[string]any{"move_type": "hospital", "date": "2026-11-26", "time_due": "2026-11-26T14:30:00Z", "status": "requested"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("RSURCH")}, "profile": {"profiles", prof["id"].(string)}})).
		Want(t, http.StatusCreated)
	if handlertest.RelID(r.Data(), "profile") != prof["id"] || handlertest.RelID(r.Data(), "person") != p.ID {
		t.Fatalf("booked with a profile: %v", r.Data()["relationships"])
	}
	// Invalid bookings, each pointing at what is wrong.
	tests := []struct {
		name    string
		attrs   map[string]any
		rels    map[string][2]string
		pointer string
		code    string
	}{
		{"court appearance to a prison", map[string]any{"move_type": "court_appearance", "date": "2026-11-25"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("HOI")}, "person": {"people", p.ID}},
			"/data/relationships/to_location", "invalid"},
		{"hospital without a time due", map[string]any{"move_type": "hospital", "date": "2026-11-27"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("RSURCH")}, "person": {"people", p.ID}},
			"/data/attributes/time_due", "blank"},
		{"no date", map[string]any{"move_type": "court_appearance"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/attributes/date", "blank"},
		{"bad date", map[string]any{"move_type": "court_appearance", "date": "25/11/2026"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/attributes/date", "invalid"},
		{"date a century back", map[string]any{"move_type": "court_appearance", "date": "1926-11-25"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/attributes/date", "out_of_range"},
		{"window ending decades ahead", map[string]any{"move_type": "prison_transfer", "date_from": "2026-12-01", "date_to": "2062-12-01"},
			map[string][2]string{"from_location": {"locations", e.Loc("BXI")}, "to_location": {"locations", e.Loc("WWI")}, "person": {"people", p.ID}},
			"/data/attributes/date_to", "out_of_range"},
		{"no person", map[string]any{"move_type": "court_appearance", "date": "2026-11-25"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}},
			"/data/relationships/person", "blank"},
		{"no from", map[string]any{"move_type": "court_appearance", "date": "2026-11-25"},
			map[string][2]string{"to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/relationships/from_location", "blank"},
		{"disabled destination", map[string]any{"move_type": "prison_transfer", "date_from": "2026-12-01"},
			map[string][2]string{"from_location": {"locations", e.Loc("BXI")}, "to_location": {"locations", e.Loc("STC1")}, "person": {"people", p.ID}},
			"/data/relationships/to_location", "invalid"},
		{"unknown move type", map[string]any{"move_type": "teleport", "date": "2026-11-25"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/attributes/move_type", "inclusion"},
		{"wrong status asked for", map[string]any{"move_type": "court_appearance", "date": "2026-11-25", "status": "booked"},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/attributes/status", "inclusion"},
		{"location named as a person", map[string]any{"move_type": "court_appearance", "date": "2026-11-25"},
			map[string][2]string{"from_location": {"people", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/relationships/from_location/data/type", "inclusion"},
		{"from a place another supplier serves", map[string]any{"move_type": "court_appearance", "date": "2026-11-25"},
			map[string][2]string{"from_location": {"locations", e.Loc("WYP1")}, "to_location": {"locations", e.Loc("LEEDMC")}, "person": {"people", p.ID}},
			"/data/relationships/from_location", "not_served"},
		{"unknown attribute", map[string]any{"move_type": "court_appearance", "date": "2026-11-25", "move_agreed": true},
			map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}},
			"/data/attributes/move_agreed", "unknown_attribute"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(tc.attrs, tc.rels)).WantError(t, 422, tc.pointer, tc.code)
		})
	}
}

// The guide's fourth use case: redirect a move that is on its way.
func TestUseCaseRedirectInProgressMove(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	e.Record(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil)
	e.Record(m, moves.EventMoveStart, "2026-11-23T08:00:00Z", nil)
	ev := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveRedirect, m.ID, "2026-11-23T08:20:00Z",
		map[string]any{"reason": "other"}, map[string][2]string{"to_location": {"locations", e.Loc("GUILMC")}})).Want(t, http.StatusCreated).Data()
	if handlertest.Meta(ev)["applied"] != true {
		t.Fatalf("redirect not applied: %v", handlertest.Meta(ev))
	}
	d := e.GetMove(tok, m.ID)
	if handlertest.Attrs(d)["status"] != "in_transit" || handlertest.RelID(d, "to_location") != e.Loc("GUILMC") {
		t.Fatalf("after the redirect: %v to %s", handlertest.Attrs(d)["status"], handlertest.RelID(d, "to_location"))
	}
	// A redirect to where a court appearance cannot go is kept but does
	// not apply, with the reason.
	bad := e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveRedirect, m.ID, "2026-11-23T08:25:00Z", nil,
		map[string][2]string{"to_location": {"locations", e.Loc("HOI")}})).Want(t, http.StatusCreated).Data()
	if handlertest.Meta(bad)["applied"] != false || handlertest.Meta(bad)["reason"] != "A court appearance must go to a court" {
		t.Fatalf("bad redirect %v", handlertest.Meta(bad))
	}
	// With a new move type it may go there.
	e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveRedirect, m.ID, "2026-11-23T08:30:00Z", map[string]any{"move_type": "prison_remand"},
		map[string][2]string{"to_location": {"locations", e.Loc("HOI")}})).Want(t, http.StatusCreated)
	d = e.GetMove(tok, m.ID)
	if handlertest.Attrs(d)["move_type"] != "prison_remand" || handlertest.RelID(d, "to_location") != e.Loc("HOI") {
		t.Fatalf("after the second redirect: %v to %s", handlertest.Attrs(d)["move_type"], handlertest.RelID(d, "to_location"))
	}
	// The move shows in the destination's list at once.
	in := apiIDs(e.Do(http.MethodGet, "/api/moves?filter[to_location_id]="+e.Loc("HOI"), tok, nil).Want(t, http.StatusOK).List())
	if !apiContains(in, m.ID) {
		t.Fatal("the redirected move is not listed at its new destination")
	}
}

func TestPatchMove(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	patch := func(id string, attrs map[string]any) *handlertest.Resp {
		return e.Do(http.MethodPatch, "/api/moves/"+id, tok, map[string]any{"data": map[string]any{"type": "moves", "id": id, "attributes": attrs}})
	}
	r := patch(m.ID, map[string]any{"date": "2026-11-25", "date_changed_reason": "supplier_no_resource",
		"additional_information": "Wheelchair user", "time_due": "2026-11-25T14:00:00+00:00"}).Want(t, http.StatusOK)
	a := handlertest.Attrs(r.Data())
	if a["date"] != "2026-11-25" || a["additional_information"] != "Wheelchair user" || a["time_due"] != "2026-11-25T14:00:00+00:00" {
		t.Fatalf("patched %v", a)
	}
	evs, _ := e.St.Events(e.Ctx, m.ID)
	last := evs[len(evs)-1]
	if last.Type != moves.EventMoveDateChanged || last.Str("date") != "2026-11-25" || last.Str("date_changed_reason") != "supplier_no_resource" ||
		last.CreatedBy != "Serco" || !last.Applied {
		t.Fatalf("date change event %+v", last)
	}
	// Clearing the time due and the information.
	a = handlertest.Attrs(patch(m.ID, map[string]any{"time_due": nil, "additional_information": nil}).Want(t, http.StatusOK).Data())
	if a["time_due"] != nil || a["additional_information"] != nil || a["date"] != "2026-11-25" {
		t.Fatalf("cleared %v", a)
	}
	// The same date again records nothing.
	patch(m.ID, map[string]any{"date": "2026-11-25"}).Want(t, http.StatusOK)
	if evs2, _ := e.St.Events(e.Ctx, m.ID); len(evs2) != len(evs) {
		t.Fatal("an unchanged date was recorded")
	}
	// Refused: a proposed move's date, status, locations, unknown fields.
	p := e.Move("BXI", "WWI", moves.PrisonTransfer, "2026-12-01")
	patch(p.ID, map[string]any{"date": "2026-12-02"}).WantError(t, 422, "/data/attributes/date", "invalid")
	patch(m.ID, map[string]any{"status": "completed"}).WantError(t, 422, "/data/attributes/status", "read_only")
	patch(m.ID, map[string]any{"date": "2026-13-01"}).WantError(t, 422, "/data/attributes/date", "invalid")
	// A date more than a year back or two years ahead is a typing
	// mistake, refused with nothing changed.
	before, _ := e.St.Events(e.Ctx, m.ID)
	patch(m.ID, map[string]any{"date": "1900-01-01"}).WantError(t, 422, "/data/attributes/date", "out_of_range")
	patch(m.ID, map[string]any{"date": "2062-11-25", "additional_information": "kept?"}).WantError(t, 422, "/data/attributes/date", "out_of_range")
	if after, _ := e.St.Events(e.Ctx, m.ID); len(after) != len(before) {
		t.Fatal("a refused date was recorded")
	}
	if got, _ := e.St.Move(e.Ctx, m.ID); got.Date != "2026-11-25" || got.Notes != "" {
		t.Fatalf("a refused patch changed the move: date %s, notes %q", got.Date, got.Notes)
	}
	event := func(date string) *handlertest.Resp {
		return e.Do(http.MethodPost, "/api/events", tok, map[string]any{"data": map[string]any{"type": "events", "attributes": map[string]any{
			"event_type": "MoveDateChanged", "occurred_at": "2026-11-23T10:00:00Z", "recorded_at": "2026-11-23T10:00:00Z", "details": map[string]any{"date": date}},
			"relationships": map[string]any{"eventable": map[string]any{"data": map[string]any{"type": "moves", "id": m.ID}}}}})
	}
	event("1900-01-01").WantError(t, 422, "/data/attributes/details/date", "out_of_range")
	event("2028-11-24").WantError(t, 422, "/data/attributes/details/date", "out_of_range") // two years and a day ahead
	// Measured from today, whatever occurred_at says.
	old := e.Do(http.MethodPost, "/api/events", tok, map[string]any{"data": map[string]any{"type": "events", "attributes": map[string]any{
		"event_type": "MoveDateChanged", "occurred_at": "1900-01-01T10:00:00Z", "recorded_at": "1900-01-01T10:00:00Z", "details": map[string]any{"date": "1900-01-02"}},
		"relationships": map[string]any{"eventable": map[string]any{"data": map[string]any{"type": "moves", "id": m.ID}}}}})
	old.WantError(t, 422, "/data/attributes/details/date", "out_of_range")
	event("2026-11-26").Want(t, http.StatusCreated)
	patch(m.ID, map[string]any{"date_changed_reason": "whim"}).WantError(t, 422, "/data/attributes/date_changed_reason", "inclusion")
	patch(m.ID, map[string]any{"time_due": "10:00"}).WantError(t, 422, "/data/attributes/time_due", "invalid")
	e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, map[string]any{"data": map[string]any{"type": "moves",
		"relationships": map[string]any{"to_location": map[string]any{"data": map[string]any{"type": "locations", "id": e.Loc("GUILMC")}}}}}).
		WantError(t, 422, "/data/relationships/to_location", "read_only")
	e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, map[string]any{"data": map[string]any{"type": "moves", "id": p.ID, "attributes": map[string]any{}}}).
		WantError(t, 400, "/data/id", "")
	// A date that makes the move a duplicate of another.
	other := e.Move("SRY016", "GUILCC", moves.CourtAppearance, "2026-11-27")
	dup := e.Do(http.MethodPost, "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "court_appearance", "date": "2026-11-28"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", other.PersonID}})).
		Want(t, http.StatusCreated).Data()
	r = patch(dup["id"].(string), map[string]any{"date": "2026-11-27"})
	r.WantError(t, 422, "/data/attributes/date", "taken")
	if r.Errors()[0]["meta"].(map[string]any)["existing_id"] != other.ID {
		t.Fatalf("duplicate %s", r.Body)
	}
}

func apiContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Events posted through the API show at once in the staff app: on the
// move's page (its timeline, with a not-applied event's reason) and in
// the supplier's staff list.
func TestAPIEventsShowInStaffApp(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	body := handlertest.EventBody(moves.EventMoveAccept, m.ID, "2026-11-23T09:05:00Z", nil, nil)
	body["data"].(map[string]any)["attributes"].(map[string]any)["notes"] = "Van 14 allocated by the night desk"
	e.Do(http.MethodPost, "/api/events", tok, body).Want(t, http.StatusCreated)
	e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveComplete, m.ID, "2026-11-23T09:10:00Z", nil, nil)).Want(t, http.StatusCreated)
	b := e.App.SignIn(t, "pmu", "")
	res, err := b.Get(e.App.Server.URL + "/move/" + m.ID)
	if err != nil {
		t.Fatal(err)
	}
	html, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET the move page: %d, %v", res.StatusCode, err)
	}
	page := string(html)
	for _, want := range []string{"Van 14 allocated by the night desk", "A move that is booked cannot be completed"} {
		if !strings.Contains(page, want) {
			t.Errorf("the move page does not show %q", want)
		}
	}
}
