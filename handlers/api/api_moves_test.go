package api_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// ids lists the ids of a list's resources.
func apiIDs(list []any) []string {
	var out []string
	for _, x := range list {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

// Scoping: a supplier's client sees and changes only the moves its
// supplier serves; everything else is 404. An internal client sees all.
func TestSupplierScoping(t *testing.T) {
	e := handlertest.NewEnv(t)
	serco, geo := e.SupplierToken("serco"), e.SupplierToken("geoamey")
	internal := e.Token(e.Client(""))
	sercoMove := e.CourtMove()                                               // Guildford: Serco
	geoMove := e.Move("WYP1", "LEEDMC", moves.CourtAppearance, "2026-11-23") // Leeds: GEOAmey
	if sercoMove.SupplierID != e.Sups["serco"].ID || geoMove.SupplierID != e.Sups["geoamey"].ID {
		t.Fatal("fixture moves have the wrong suppliers")
	}
	all := func(tok string) []string {
		r := e.Do(http.MethodGet, "/api/moves?per_page=200", tok, nil).Want(t, http.StatusOK)
		return apiIDs(r.List())
	}
	total, _ := e.St.CountMoves(e.Ctx, store.MoveFilter{})
	sercoCount, _ := e.St.CountMoves(e.Ctx, store.MoveFilter{SupplierIDs: []string{e.Sups["serco"].ID}})
	sl, gl, il := all(serco), all(geo), all(internal)
	if len(sl) != sercoCount || len(il) != total || len(sl)+len(gl) != total {
		t.Fatalf("serco %d (of %d), geoamey %d, internal %d (of %d)", len(sl), sercoCount, len(gl), len(il), total)
	}
	for _, id := range sl {
		if slices.Contains(gl, id) {
			t.Fatalf("move %s seen by both suppliers", id)
		}
	}
	if !slices.Contains(sl, sercoMove.ID) || slices.Contains(sl, geoMove.ID) || !slices.Contains(gl, geoMove.ID) {
		t.Fatal("each supplier should see its own move only")
	}
	// Asking for the other supplier's moves gives none.
	r := e.Do(http.MethodGet, "/api/moves?filter[supplier_id]="+e.Sups["geoamey"].ID, serco, nil).Want(t, http.StatusOK)
	if len(r.List()) != 0 {
		t.Fatalf("serco sees geoamey's moves through the filter: %d", len(r.List()))
	}
	// Everything about the other supplier's move is not found.
	e.Do(http.MethodGet, "/api/moves/"+geoMove.ID, serco, nil).WantError(t, http.StatusNotFound, "", "")
	e.Do(http.MethodGet, "/api/moves/"+geoMove.ID+"/events", serco, nil).WantError(t, http.StatusNotFound, "", "")
	e.Do(http.MethodPatch, "/api/moves/"+geoMove.ID, serco, map[string]any{"data": map[string]any{"type": "moves",
		"attributes": map[string]any{"additional_information": "x"}}}).WantError(t, http.StatusNotFound, "", "")
	r = e.Do(http.MethodPost, "/api/events", serco, handlertest.EventBody(moves.EventMoveAccept, geoMove.ID, "2026-11-23T09:00:00Z", nil, nil))
	r.WantError(t, http.StatusNotFound, "", "")
	if evs, _ := e.St.Events(e.Ctx, geoMove.ID); len(evs) != 1 {
		t.Fatal("an event was stored on another supplier's move")
	}
	// Not found reads the same as a move that does not exist.
	missing := e.Do(http.MethodGet, "/api/moves/"+handlertest.NewUUID(), serco, nil)
	if missing.Code != 404 || len(missing.Errors()) != 1 {
		t.Fatal("a missing move should be 404")
	}
	// An event of the other supplier's move is hidden too.
	geoEvent := e.Do(http.MethodPost, "/api/events", geo, handlertest.EventBody(moves.EventMoveAccept, geoMove.ID, "2026-11-23T09:00:00Z", nil, nil)).
		Want(t, http.StatusCreated).Data()["id"].(string)
	e.Do(http.MethodGet, "/api/events/"+geoEvent, serco, nil).WantError(t, http.StatusNotFound, "", "")
	e.Do(http.MethodGet, "/api/events/"+geoEvent, geo, nil).Want(t, http.StatusOK)
	e.Do(http.MethodGet, "/api/events/"+geoEvent, internal, nil).Want(t, http.StatusOK)
	// The internal client sees and acts on both.
	e.GetMove(internal, sercoMove.ID)
	e.GetMove(internal, geoMove.ID)
	ev := e.Do(http.MethodPost, "/api/events", internal, handlertest.EventBody(moves.EventMoveNotifySupplierOfMoveRequest, sercoMove.ID, "2026-11-23T09:00:00Z", nil, nil),
		"X-Current-User", "priya.sharma").Want(t, http.StatusCreated).Data()
	if handlertest.Attrs(ev)["created_by"] != "priya.sharma" || handlertest.RelID(ev, "supplier") != "" {
		t.Errorf("internal client's event: created_by %v, supplier %q", handlertest.Attrs(ev)["created_by"], handlertest.RelID(ev, "supplier"))
	}
}

func TestListMovesFiltersSortAndPages(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.Token(e.Client(""))
	get := func(q string) *handlertest.Resp {
		t.Helper()
		return e.Do(http.MethodGet, "/api/moves?"+q, tok, nil).Want(t, http.StatusOK)
	}
	check := func(q string, ok func(a map[string]any, res map[string]any) bool) int {
		t.Helper()
		r := get(q + "&per_page=200")
		for _, x := range r.List() {
			res := x.(map[string]any)
			if !ok(handlertest.Attrs(res), res) {
				t.Fatalf("%s: move %v does not match", q, handlertest.Attrs(res))
			}
		}
		return len(r.List())
	}
	total, _ := e.St.CountMoves(e.Ctx, store.MoveFilter{})
	if n := check("filter[status]=requested,booked", func(a, _ map[string]any) bool { return a["status"] == "requested" || a["status"] == "booked" }); n == 0 || n == total {
		t.Fatalf("status filter matched %d of %d", n, total)
	}
	check("filter[move_type]=prison_transfer", func(a, _ map[string]any) bool { return a["move_type"] == "prison_transfer" })
	guildford := e.Loc("SRY016")
	if n := check("filter[from_location_id]="+guildford, func(_, r map[string]any) bool { return handlertest.RelID(r, "from_location") == guildford }); n < 5 {
		t.Fatalf("from filter: %d", n)
	}
	crown := e.Loc("GUILCC")
	check("filter[to_location_id]="+crown+","+e.Loc("GUILMC"), func(_, r map[string]any) bool {
		return handlertest.RelID(r, "to_location") == crown || handlertest.RelID(r, "to_location") == e.Loc("GUILMC")
	})
	if n := check("filter[date_from]=2026-11-24&filter[date_to]=2026-11-24", func(a, _ map[string]any) bool { return a["date"] == "2026-11-24" }); n == 0 {
		t.Fatal("no moves tomorrow")
	}
	// Created on a London date: the demo's moves on the 23rd, one more
	// late on the 25th.
	e.Clock.Add(2*24*time.Hour + 14*time.Hour + 30*time.Minute) // 2026-11-25T23:30Z
	tok = e.Token(e.Client(""))
	m := e.CourtMove()
	if ids := apiIDs(get("filter[created_at_from]=2026-11-25&filter[created_at_to]=2026-11-25").List()); len(ids) != 1 || ids[0] != m.ID {
		t.Fatalf("created on the 25th: %v", ids)
	}
	if ids := apiIDs(get("filter[created_at_to]=2026-11-24&per_page=200").List()); len(ids) != total || slices.Contains(ids, m.ID) {
		t.Fatalf("created by the 24th: %d of %d", len(ids), total)
	}
	if n := len(get("filter[created_at_from]=2026-11-26").List()); n != 0 {
		t.Fatalf("created from the 26th: %d", n)
	}
	total++
	// Sort by date, ascending and descending (the default).
	dates := func(q string) []string {
		var out []string
		for _, x := range get(q + "&filter[status]=requested,booked&per_page=200").List() {
			out = append(out, handlertest.Attrs(x.(map[string]any))["date"].(string))
		}
		return out
	}
	asc, desc := dates("sort[by]=date&sort[direction]=asc"), dates("")
	if !slices.IsSorted(asc) || slices.IsSorted(desc) || len(asc) != len(desc) {
		t.Fatalf("sort: %v / %v", asc, desc)
	}
	for _, by := range []string{"created_at", "date_from", "name", "from_location", "to_location"} {
		get("sort[by]=" + by + "&sort[direction]=desc")
	}
	// Pages: links built from the base URL, keeping the filters.
	r := get("per_page=7&page=2&filter[status]=requested,booked,proposed,in_transit,completed,cancelled")
	if len(r.List()) != 7 {
		t.Fatalf("page size %d", len(r.List()))
	}
	pm := r.JSON["meta"].(map[string]any)["pagination"].(map[string]any)
	pages := (total + 6) / 7
	if pm["per_page"] != float64(7) || pm["total_objects"] != float64(total) || pm["total_pages"] != float64(pages) {
		t.Fatalf("pagination %v (total %d)", pm, total)
	}
	links := r.JSON["links"].(map[string]any)
	for name, page := range map[string]string{"self": "2", "first": "1", "prev": "1", "next": "3", "last": apiItoa(pages)} {
		u, err := url.Parse(links[name].(string))
		if err != nil || u.Scheme+"://"+u.Host != handlertest.EnvBaseURL || u.Path != "/api/moves" || u.Query().Get("page") != page ||
			u.Query().Get("per_page") != "7" || !strings.Contains(u.Query().Get("filter[status]"), "in_transit") {
			t.Errorf("link %s = %v", name, links[name])
		}
	}
	last := get("per_page=7&page=" + apiItoa(pages))
	if last.JSON["links"].(map[string]any)["next"] != nil || len(last.List()) == 0 {
		t.Errorf("last page: next %v, %d moves", last.JSON["links"].(map[string]any)["next"], len(last.List()))
	}
	if get("").JSON["meta"].(map[string]any)["pagination"].(map[string]any)["per_page"] != float64(20) {
		t.Error("default page size is not 20")
	}
	if get("per_page=1000").JSON["meta"].(map[string]any)["pagination"].(map[string]any)["per_page"] != float64(200) {
		t.Error("page size is not capped at 200")
	}
	first := get("")
	if first.JSON["links"].(map[string]any)["prev"] != nil {
		t.Error("first page has a prev link")
	}
	// Empty result: one page, last is page 1.
	empty := get("filter[reference]=NONE")
	if len(empty.List()) != 0 || !strings.Contains(empty.JSON["links"].(map[string]any)["last"].(string), "page=1") {
		t.Errorf("empty list %s", empty.Body)
	}
}

func TestListMovesBadParameters(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	tests := []struct {
		q, param string
		status   int
	}{
		{"filter[status]=finished", "filter[status]", 422},
		{"filter[status]=booked,finished", "filter[status]", 422},
		{"filter[move_type]=teleport", "filter[move_type]", 422},
		{"filter[date_from]=24/11/2026", "filter[date_from]", 422},
		{"filter[date_to]=2026-02-30", "filter[date_to]", 422},
		{"filter[date_from]=2026-11-25&filter[date_to]=2026-11-24", "filter[date_to]", 422},
		{"filter[created_at_from]=yesterday", "filter[created_at_from]", 422},
		{"filter[from_location_id]=SRY016", "filter[from_location_id]", 422},
		{"sort[by]=colour", "sort[by]", 422},
		{"sort[direction]=desc", "sort[direction]", 422},
		{"sort[by]=date&sort[direction]=up", "sort[direction]", 422},
		{"page=0", "page", 422},
		{"per_page=lots", "per_page", 422},
		{"filter[colour]=red", "filter[colour]", 400},
		{"colour=red", "colour", 400},
		{"include=court_hearing", "include", 400},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			r := e.Do(http.MethodGet, "/api/moves?"+tc.q, tok, nil)
			r.WantError(t, tc.status, tc.param, "")
		})
	}
	m := e.CourtMove()
	e.Do(http.MethodGet, "/api/moves/"+m.ID+"?include=profile,court_hearing", tok, nil).WantError(t, http.StatusBadRequest, "include", "unsupported_include")
}

func TestGetMoveIncludes(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	e.Record(m, moves.EventMoveAccept, "2026-11-23T08:00:00Z", nil)
	r := e.Do(http.MethodGet, "/api/moves/"+m.ID+"?include=events,from_location,to_location,profile,profile.person,person,supplier", tok, nil).
		Want(t, http.StatusOK)
	d := r.Data()
	a := handlertest.Attrs(d)
	if d["type"] != "moves" || d["id"] != m.ID || a["reference"] != m.Reference || a["status"] != "booked" || a["date"] != "2026-11-23" ||
		a["move_type"] != "court_appearance" || a["date_from"] != nil || a["is_lockout"] != false {
		t.Fatalf("move %s", r.Body)
	}
	if handlertest.RelID(d, "from_location") != e.Loc("SRY016") || handlertest.RelID(d, "to_location") != e.Loc("GUILCC") || handlertest.RelID(d, "profile") != m.ProfileID ||
		handlertest.RelID(d, "person") != m.PersonID || handlertest.RelID(d, "supplier") != e.Sups["serco"].ID {
		t.Fatalf("relationships %v", d["relationships"])
	}
	got := map[string]int{}
	var person map[string]any
	for _, x := range handlertest.ListOf(r.JSON["included"]) {
		res := x.(map[string]any)
		got[res["type"].(string)]++
		if res["type"] == "people" {
			person = res
		}
	}
	if got["events"] != 2 || got["locations"] != 2 || got["profiles"] != 1 || got["people"] != 1 || got["suppliers"] != 1 {
		t.Fatalf("included %v", got)
	}
	if handlertest.Attrs(person)["last_name"] == "" {
		t.Fatalf("person %v", person)
	}
	evRel := d["relationships"].(map[string]any)["events"].(map[string]any)
	if len(handlertest.ListOf(evRel["data"])) != 2 {
		t.Fatalf("events relationship %v", evRel)
	}
	// Without include, nothing is included and events are a link.
	r = e.Do(http.MethodGet, "/api/moves/"+m.ID, tok, nil).Want(t, http.StatusOK)
	if r.JSON["included"] != nil {
		t.Fatal("included without include")
	}
	if links := r.Data()["relationships"].(map[string]any)["events"].(map[string]any)["links"].(map[string]any); links["related"] != handlertest.EnvBaseURL+"/api/moves/"+m.ID+"/events" {
		t.Fatalf("events link %v", links)
	}
}

// A young offender institution is shown as a prison with the flag, as the
// contract has it.
func TestLocationsAsTheContractHasThem(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	r := e.Do(http.MethodGet, "/api/reference/locations?filter[nomis_agency_id]=FMI,BXI,STC1", tok, nil).Want(t, http.StatusOK)
	byCode := map[string]map[string]any{}
	for _, x := range r.List() {
		a := handlertest.Attrs(x.(map[string]any))
		byCode[a["nomis_agency_id"].(string)] = a
	}
	if a := byCode["FMI"]; a["location_type"] != "prison" || a["young_offender_institution"] != true || a["title"] != "HMYOI Feltham" {
		t.Errorf("YOI %v", a)
	}
	if a := byCode["BXI"]; a["location_type"] != "prison" || a["young_offender_institution"] != false || a["disabled_at"] != nil {
		t.Errorf("prison %v", a)
	}
	if a := byCode["STC1"]; a == nil || a["disabled_at"] == nil {
		t.Errorf("a disabled location should be listed with disabled_at: %v", a)
	}
	// prison includes YOIs; young_offender_institution gives them alone.
	prisons := e.Do(http.MethodGet, "/api/reference/locations?filter[location_type]=prison&per_page=200", tok, nil).Want(t, http.StatusOK)
	yois := e.Do(http.MethodGet, "/api/reference/locations?filter[location_type]=young_offender_institution", tok, nil).Want(t, http.StatusOK)
	if len(prisons.List()) != 17 || len(yois.List()) != 4 {
		t.Errorf("prisons %d, YOIs %d", len(prisons.List()), len(yois.List()))
	}
	all := e.Do(http.MethodGet, "/api/reference/locations", tok, nil).Want(t, http.StatusOK)
	if len(all.List()) != 20 || all.JSON["meta"].(map[string]any)["pagination"].(map[string]any)["total_objects"] != float64(len(e.Locs)) {
		t.Errorf("locations page: %d, meta %v", len(all.List()), all.JSON["meta"])
	}
	e.Do(http.MethodGet, "/api/reference/locations?filter[location_type]=spaceport", tok, nil).WantError(t, 422, "filter[location_type]", "inclusion")
	one := e.Do(http.MethodGet, "/api/reference/locations/"+e.Loc("FMI"), tok, nil).Want(t, http.StatusOK).Data()
	if handlertest.Attrs(one)["key"] == "" || handlertest.Attrs(one)["can_upload_documents"] != false {
		t.Errorf("location %v", one)
	}
	e.Do(http.MethodGet, "/api/reference/locations/"+handlertest.NewUUID(), tok, nil).WantError(t, 404, "", "")
	sps := e.Do(http.MethodGet, "/api/reference/suppliers", tok, nil).Want(t, http.StatusOK)
	if len(sps.List()) != 2 {
		t.Fatalf("suppliers %s", sps.Body)
	}
	sp := e.Do(http.MethodGet, "/api/reference/suppliers/serco", tok, nil).Want(t, http.StatusOK).Data()
	if handlertest.Attrs(sp)["name"] != "Serco" || sp["id"] != e.Sups["serco"].ID {
		t.Errorf("supplier %v", sp)
	}
}

func apiItoa(n int) string { return strconv.Itoa(n) }
