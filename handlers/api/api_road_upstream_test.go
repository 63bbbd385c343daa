package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
)

// Journeys and lodgings where upstream's contract says how they behave.

// PATCH with a vehicle replaces the journey's whole vehicle, as upstream's
// does: a new registration alone does not keep the old vehicle's id. The
// replay of the log gives the same.
func TestJourneyPatchReplacesTheVehicle(t *testing.T) {
	r := newRoad(t)
	e := r.e
	m := e.CourtMove()
	body := r.journeyBody("SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
	body["data"].(map[string]any)["attributes"].(map[string]any)["vehicle"] = map[string]any{"id": "V1", "registration": "AB12 CDE", "depot": "Guildford"}
	id := e.Do(http.MethodPost, "/api/moves/"+m.ID+"/journeys", r.tok, body).Want(t, http.StatusCreated).Data()["id"].(string)
	path := "/api/moves/" + m.ID + "/journeys/" + id
	patch := func(vehicle map[string]any) map[string]any {
		t.Helper()
		return e.Do(http.MethodPatch, path, r.tok, map[string]any{"data": map[string]any{"type": "journeys", "id": id,
			"attributes": map[string]any{"vehicle": vehicle}}}).Want(t, http.StatusOK).Data()
	}
	wantVehicle := func(what string, got any, want map[string]any) {
		t.Helper()
		v, _ := got.(map[string]any)
		if len(v) != len(want) {
			t.Errorf("%s: vehicle %v; want %v", what, v, want)
			return
		}
		for k, w := range want {
			if v[k] != w {
				t.Errorf("%s: vehicle %v; want %v", what, v, want)
				return
			}
		}
	}
	want := map[string]any{"registration": "XY99 ZZZ"}
	wantVehicle("PATCH answer", handlertest.Attrs(patch(map[string]any{"registration": "XY99 ZZZ"}))["vehicle"], want)
	wantVehicle("GET", handlertest.Attrs(r.journey(m, id))["vehicle"], want)
	// A later event replays the log: the vehicle stays as replaced.
	r.post(moves.EventJourneyStart, id, "2026-11-23T08:30:00Z", nil, nil)
	wantVehicle("after a replay", handlertest.Attrs(r.journey(m, id))["vehicle"], want)
	// An empty vehicle removes it.
	wantVehicle("emptied", handlertest.Attrs(patch(map[string]any{}))["vehicle"], map[string]any{})
	log, err := e.St.JourneyEvents(e.Ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var updates []moves.Event
	for _, ev := range log {
		if ev.Type == moves.EventJourneyUpdate {
			updates = append(updates, ev)
		}
	}
	if len(updates) != 2 || updates[0].Details[moves.DetailVehicleReplaced] != true || updates[0].Str("vehicle_reg") != "XY99 ZZZ" ||
		updates[0].Str("vehicle_id") != "" || updates[1].Details[moves.DetailVehicleReplaced] != true {
		t.Errorf("journey updates %+v", updates)
	}
}

// A lodging is cancelled for any reason a move may be, as upstream's
// lodgings share its one list of cancellation reasons; anything else is a
// 422, and the published document lists the same reasons.
func TestLodgingCancelTakesTheMovesReasons(t *testing.T) {
	r := newRoad(t)
	e := r.e
	m := e.CourtMove()
	base := "/api/moves/" + m.ID + "/lodgings"
	cancel := func(reason string) map[string]any {
		return map[string]any{"data": map[string]any{"type": "lodgings", "attributes": map[string]any{"cancellation_reason": reason}}}
	}
	for i, reason := range []string{"court_closure", "prisoner_unfit_to_travel", "supplier_no_resource"} {
		l := e.Lodge(m, "SRY014", moves.AddDays("2026-11-23", 2*i))
		got := e.Do(http.MethodPost, base+"/"+l.ID+"/cancel", r.tok, cancel(reason)).Want(t, http.StatusOK).Data()
		if a := handlertest.Attrs(got); a["status"] != "cancelled" || a["cancellation_reason"] != reason {
			t.Errorf("%s: %v", reason, a)
		}
	}
	l := e.Lodge(m, "SRY014", "2026-11-30")
	for _, reason := range []string{"bored", "database_correction"} {
		e.Do(http.MethodPost, base+"/"+l.ID+"/cancel", r.tok, cancel(reason)).WantError(t, 422, "/data/attributes/cancellation_reason", "inclusion")
		e.Do(http.MethodPost, base+"/cancel", r.tok, cancel(reason)).WantError(t, 422, "/data/attributes/cancellation_reason", "inclusion")
	}
	all := e.Do(http.MethodPost, base+"/cancel", r.tok, cancel("tornado_event")).Want(t, http.StatusOK)
	if len(all.List()) != 1 || handlertest.Attrs(all.List()[0].(map[string]any))["cancellation_reason"] != "tornado_event" {
		t.Errorf("cancel all: %s", all.Body)
	}

	_, raw := apiPublishedDoc(t, e)
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	attrs := func(schema string) map[string]any {
		s := schemas[schema].(map[string]any)["properties"].(map[string]any)
		if d, ok := s["data"]; ok {
			s = d.(map[string]any)["properties"].(map[string]any)
		}
		return s["attributes"].(map[string]any)["properties"].(map[string]any)
	}
	for _, schema := range []string{"LodgingCancelRequest", "Lodging"} {
		var listed []string
		for _, v := range attrs(schema)["cancellation_reason"].(map[string]any)["enum"].([]any) {
			if s, ok := v.(string); ok {
				listed = append(listed, s)
			}
		}
		if !slices.Equal(listed, moves.CancellationReasons) {
			t.Errorf("%s lists cancellation reasons %v; want %v", schema, listed, moves.CancellationReasons)
		}
	}
}

// The contract's journey includes: from_location.suppliers and
// to_location.suppliers include the place with a suppliers relationship,
// and those suppliers: the one serving it on the date of each journey
// that reaches it.
func TestJourneyIncludesSuppliersOfItsEnds(t *testing.T) {
	r := newRoad(t)
	e := r.e
	m := e.CourtMove()
	court := e.Loc("GUILCC")
	before, err := e.St.SupplierFor(e.Ctx, court, "2026-11-23")
	if err != nil || before == "" {
		t.Fatalf("who serves the court: %q, %v", before, err)
	}
	after := e.Sups["geoamey"].ID
	if before == after {
		after = e.Sups["serco"].ID
	}
	// The court changes supplier on the 24th.
	if _, err := e.St.AdminAddSupplierLocation(e.Ctx, moves.SupplierLocation{SupplierID: after, LocationID: court, EffectiveFrom: "2026-11-24"}, "test"); err != nil {
		t.Fatal(err)
	}
	police, err := e.St.SupplierFor(e.Ctx, e.Loc("SRY016"), "2026-11-23")
	if err != nil || police == "" {
		t.Fatalf("who serves the police station: %q, %v", police, err)
	}
	first := r.addJourney(m, "SRY016", "GUILCC", "2026-11-23T08:00:00Z", true)
	later := r.journeyBody("GUILMC", "GUILCC", "2026-11-23T09:00:00Z", true)
	later["data"].(map[string]any)["attributes"].(map[string]any)["date"] = "2026-11-25"
	e.Do(http.MethodPost, "/api/moves/"+m.ID+"/journeys", r.tok, later).Want(t, http.StatusCreated)
	base := "/api/moves/" + m.ID + "/journeys"

	// included, by type/id; a location's suppliers relationship as ids.
	type doc struct {
		locs map[string]map[string]any
		sups map[string]bool
	}
	get := func(path string) doc {
		t.Helper()
		res := e.Do(http.MethodGet, path, r.tok, nil).Want(t, http.StatusOK)
		d := doc{locs: map[string]map[string]any{}, sups: map[string]bool{}}
		for _, x := range handlertest.ListOf(res.JSON["included"]) {
			o := x.(map[string]any)
			switch o["type"] {
			case "locations":
				d.locs[o["id"].(string)] = o
			case "suppliers":
				d.sups[o["id"].(string)] = true
				if handlertest.Attrs(o)["key"] == nil {
					t.Errorf("%s: supplier without its attributes %v", path, o)
				}
			default:
				t.Errorf("%s: included %v", path, o)
			}
		}
		return d
	}
	suppliersOf := func(d doc, loc string) []string {
		t.Helper()
		l, ok := d.locs[loc]
		if !ok {
			t.Fatalf("location %s not included", loc)
		}
		rels, _ := l["relationships"].(map[string]any)
		if rels == nil {
			return nil
		}
		out := []string{}
		for _, x := range handlertest.ListOf(rels["suppliers"].(map[string]any)["data"]) {
			ref := x.(map[string]any)
			if ref["type"] != "suppliers" || !d.sups[ref["id"].(string)] {
				t.Errorf("supplier %v of %s is not included", ref, loc)
			}
			out = append(out, ref["id"].(string))
		}
		return out
	}

	one := get(base + "/" + first + "?include=from_location.suppliers,to_location.suppliers")
	if got := suppliersOf(one, e.Loc("SRY016")); !slices.Equal(got, []string{police}) {
		t.Errorf("the police station's suppliers %v; want %v", got, []string{police})
	}
	if got := suppliersOf(one, court); !slices.Equal(got, []string{before}) {
		t.Errorf("the court's suppliers on the 23rd %v; want %v", got, []string{before})
	}
	list := get(base + "?include=to_location.suppliers")
	if len(list.locs) != 1 {
		t.Errorf("only the court was asked for: %v", list.locs)
	}
	if got := suppliersOf(list, court); !slices.Equal(got, []string{before, after}) {
		t.Errorf("the court's suppliers on the journeys' dates %v; want %v", got, []string{before, after})
	}
	// A place asked for without .suppliers has no relationships, unless
	// it is asked for with them too.
	plain := get(base + "?include=from_location")
	if got := suppliersOf(plain, e.Loc("SRY016")); got != nil || len(plain.sups) != 0 {
		t.Errorf("plain from_location: suppliers %v, included %v", got, plain.sups)
	}
	both := get(base + "?include=from_location,from_location.suppliers")
	if got := suppliersOf(both, e.Loc("GUILMC")); len(got) != 1 {
		t.Errorf("from_location and from_location.suppliers: %v", got)
	}
	e.Do(http.MethodGet, base+"?include=from_location.region", r.tok, nil).WantError(t, http.StatusBadRequest, "include", "unsupported_include")
}
