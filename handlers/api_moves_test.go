package handlers_test

import (
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
	e := newAPIEnv(t)
	serco, geo := e.supplierToken("serco"), e.supplierToken("geoamey")
	internal := e.token(e.client(""))
	sercoMove := e.courtMove()                                               // Guildford: Serco
	geoMove := e.move("WYP1", "LEEDMC", moves.CourtAppearance, "2026-11-23") // Leeds: GEOAmey
	if sercoMove.SupplierID != e.sups["serco"].ID || geoMove.SupplierID != e.sups["geoamey"].ID {
		t.Fatal("fixture moves have the wrong suppliers")
	}
	all := func(tok string) []string {
		r := e.do(http.MethodGet, "/api/moves?per_page=200", tok, nil).want(t, http.StatusOK)
		return apiIDs(r.list())
	}
	total, _ := e.st.CountMoves(e.ctx, store.MoveFilter{})
	sercoCount, _ := e.st.CountMoves(e.ctx, store.MoveFilter{SupplierIDs: []string{e.sups["serco"].ID}})
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
	r := e.do(http.MethodGet, "/api/moves?filter[supplier_id]="+e.sups["geoamey"].ID, serco, nil).want(t, http.StatusOK)
	if len(r.list()) != 0 {
		t.Fatalf("serco sees geoamey's moves through the filter: %d", len(r.list()))
	}
	// Everything about the other supplier's move is not found.
	e.do(http.MethodGet, "/api/moves/"+geoMove.ID, serco, nil).wantError(t, http.StatusNotFound, "", "")
	e.do(http.MethodGet, "/api/moves/"+geoMove.ID+"/events", serco, nil).wantError(t, http.StatusNotFound, "", "")
	e.do(http.MethodPatch, "/api/moves/"+geoMove.ID, serco, map[string]any{"data": map[string]any{"type": "moves",
		"attributes": map[string]any{"additional_information": "x"}}}).wantError(t, http.StatusNotFound, "", "")
	r = e.do(http.MethodPost, "/api/events", serco, apiEventBody(moves.EventMoveAccept, geoMove.ID, "2026-11-23T09:00:00Z", nil, nil))
	r.wantError(t, http.StatusNotFound, "", "")
	if evs, _ := e.st.Events(e.ctx, geoMove.ID); len(evs) != 1 {
		t.Fatal("an event was stored on another supplier's move")
	}
	// Not found reads the same as a move that does not exist.
	missing := e.do(http.MethodGet, "/api/moves/"+apiNewUUID(), serco, nil)
	if missing.Code != 404 || len(missing.errors()) != 1 {
		t.Fatal("a missing move should be 404")
	}
	// An event of the other supplier's move is hidden too.
	geoEvent := e.do(http.MethodPost, "/api/events", geo, apiEventBody(moves.EventMoveAccept, geoMove.ID, "2026-11-23T09:00:00Z", nil, nil)).
		want(t, http.StatusCreated).data()["id"].(string)
	e.do(http.MethodGet, "/api/events/"+geoEvent, serco, nil).wantError(t, http.StatusNotFound, "", "")
	e.do(http.MethodGet, "/api/events/"+geoEvent, geo, nil).want(t, http.StatusOK)
	e.do(http.MethodGet, "/api/events/"+geoEvent, internal, nil).want(t, http.StatusOK)
	// The internal client sees and acts on both.
	e.getMove(internal, sercoMove.ID)
	e.getMove(internal, geoMove.ID)
	ev := e.do(http.MethodPost, "/api/events", internal, apiEventBody(moves.EventMoveNotifySupplierOfMoveRequest, sercoMove.ID, "2026-11-23T09:00:00Z", nil, nil),
		"X-Current-User", "priya.sharma").want(t, http.StatusCreated).data()
	if apiAttrs(ev)["created_by"] != "priya.sharma" || apiRelID(ev, "supplier") != "" {
		t.Errorf("internal client's event: created_by %v, supplier %q", apiAttrs(ev)["created_by"], apiRelID(ev, "supplier"))
	}
}

func TestListMovesFiltersSortAndPages(t *testing.T) {
	e := newAPIEnv(t)
	tok := e.token(e.client(""))
	get := func(q string) *apiResp {
		t.Helper()
		return e.do(http.MethodGet, "/api/moves?"+q, tok, nil).want(t, http.StatusOK)
	}
	check := func(q string, ok func(a map[string]any, res map[string]any) bool) int {
		t.Helper()
		r := get(q + "&per_page=200")
		for _, x := range r.list() {
			res := x.(map[string]any)
			if !ok(apiAttrs(res), res) {
				t.Fatalf("%s: move %v does not match", q, apiAttrs(res))
			}
		}
		return len(r.list())
	}
	total, _ := e.st.CountMoves(e.ctx, store.MoveFilter{})
	if n := check("filter[status]=requested,booked", func(a, _ map[string]any) bool { return a["status"] == "requested" || a["status"] == "booked" }); n == 0 || n == total {
		t.Fatalf("status filter matched %d of %d", n, total)
	}
	check("filter[move_type]=prison_transfer", func(a, _ map[string]any) bool { return a["move_type"] == "prison_transfer" })
	guildford := e.loc("SRY016")
	if n := check("filter[from_location_id]="+guildford, func(_, r map[string]any) bool { return apiRelID(r, "from_location") == guildford }); n < 5 {
		t.Fatalf("from filter: %d", n)
	}
	crown := e.loc("GUILCC")
	check("filter[to_location_id]="+crown+","+e.loc("GUILMC"), func(_, r map[string]any) bool {
		return apiRelID(r, "to_location") == crown || apiRelID(r, "to_location") == e.loc("GUILMC")
	})
	if n := check("filter[date_from]=2026-11-24&filter[date_to]=2026-11-24", func(a, _ map[string]any) bool { return a["date"] == "2026-11-24" }); n == 0 {
		t.Fatal("no moves tomorrow")
	}
	// Created on a London date: the demo's moves on the 23rd, one more
	// late on the 25th.
	e.clock.Add(2*24*time.Hour + 14*time.Hour + 30*time.Minute) // 2026-11-25T23:30Z
	tok = e.token(e.client(""))
	m := e.courtMove()
	if ids := apiIDs(get("filter[created_at_from]=2026-11-25&filter[created_at_to]=2026-11-25").list()); len(ids) != 1 || ids[0] != m.ID {
		t.Fatalf("created on the 25th: %v", ids)
	}
	if ids := apiIDs(get("filter[created_at_to]=2026-11-24&per_page=200").list()); len(ids) != total || slices.Contains(ids, m.ID) {
		t.Fatalf("created by the 24th: %d of %d", len(ids), total)
	}
	if n := len(get("filter[created_at_from]=2026-11-26").list()); n != 0 {
		t.Fatalf("created from the 26th: %d", n)
	}
	total++
	// Sort by date, ascending and descending (the default).
	dates := func(q string) []string {
		var out []string
		for _, x := range get(q + "&filter[status]=requested,booked&per_page=200").list() {
			out = append(out, apiAttrs(x.(map[string]any))["date"].(string))
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
	if len(r.list()) != 7 {
		t.Fatalf("page size %d", len(r.list()))
	}
	pm := r.JSON["meta"].(map[string]any)["pagination"].(map[string]any)
	pages := (total + 6) / 7
	if pm["per_page"] != float64(7) || pm["total_objects"] != float64(total) || pm["total_pages"] != float64(pages) {
		t.Fatalf("pagination %v (total %d)", pm, total)
	}
	links := r.JSON["links"].(map[string]any)
	for name, page := range map[string]string{"self": "2", "first": "1", "prev": "1", "next": "3", "last": apiItoa(pages)} {
		u, err := url.Parse(links[name].(string))
		if err != nil || u.Scheme+"://"+u.Host != apiTestBase || u.Path != "/api/moves" || u.Query().Get("page") != page ||
			u.Query().Get("per_page") != "7" || !strings.Contains(u.Query().Get("filter[status]"), "in_transit") {
			t.Errorf("link %s = %v", name, links[name])
		}
	}
	last := get("per_page=7&page=" + apiItoa(pages))
	if last.JSON["links"].(map[string]any)["next"] != nil || len(last.list()) == 0 {
		t.Errorf("last page: next %v, %d moves", last.JSON["links"].(map[string]any)["next"], len(last.list()))
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
	if len(empty.list()) != 0 || !strings.Contains(empty.JSON["links"].(map[string]any)["last"].(string), "page=1") {
		t.Errorf("empty list %s", empty.Body)
	}
}

func TestListMovesBadParameters(t *testing.T) {
	e := newAPIEnv(t)
	tok := e.supplierToken("serco")
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
		{"include=journeys", "include", 400},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			r := e.do(http.MethodGet, "/api/moves?"+tc.q, tok, nil)
			r.wantError(t, tc.status, tc.param, "")
		})
	}
	m := e.courtMove()
	e.do(http.MethodGet, "/api/moves/"+m.ID+"?include=profile,journeys", tok, nil).wantError(t, http.StatusBadRequest, "include", "unsupported_include")
}

func TestGetMoveIncludes(t *testing.T) {
	e := newAPIEnv(t)
	tok := e.supplierToken("serco")
	m := e.courtMove()
	e.record(m, moves.EventMoveAccept, "2026-11-23T08:00:00Z", nil)
	r := e.do(http.MethodGet, "/api/moves/"+m.ID+"?include=events,from_location,to_location,profile,profile.person,person,supplier", tok, nil).
		want(t, http.StatusOK)
	d := r.data()
	a := apiAttrs(d)
	if d["type"] != "moves" || d["id"] != m.ID || a["reference"] != m.Reference || a["status"] != "booked" || a["date"] != "2026-11-23" ||
		a["move_type"] != "court_appearance" || a["date_from"] != nil || a["is_lockout"] != false {
		t.Fatalf("move %s", r.Body)
	}
	if apiRelID(d, "from_location") != e.loc("SRY016") || apiRelID(d, "to_location") != e.loc("GUILCC") || apiRelID(d, "profile") != m.ProfileID ||
		apiRelID(d, "person") != m.PersonID || apiRelID(d, "supplier") != e.sups["serco"].ID {
		t.Fatalf("relationships %v", d["relationships"])
	}
	got := map[string]int{}
	var person map[string]any
	for _, x := range apiListOf(r.JSON["included"]) {
		res := x.(map[string]any)
		got[res["type"].(string)]++
		if res["type"] == "people" {
			person = res
		}
	}
	if got["events"] != 2 || got["locations"] != 2 || got["profiles"] != 1 || got["people"] != 1 || got["suppliers"] != 1 {
		t.Fatalf("included %v", got)
	}
	if apiAttrs(person)["last_name"] == "" {
		t.Fatalf("person %v", person)
	}
	evRel := d["relationships"].(map[string]any)["events"].(map[string]any)
	if len(apiListOf(evRel["data"])) != 2 {
		t.Fatalf("events relationship %v", evRel)
	}
	// Without include, nothing is included and events are a link.
	r = e.do(http.MethodGet, "/api/moves/"+m.ID, tok, nil).want(t, http.StatusOK)
	if r.JSON["included"] != nil {
		t.Fatal("included without include")
	}
	if links := r.data()["relationships"].(map[string]any)["events"].(map[string]any)["links"].(map[string]any); links["related"] != apiTestBase+"/api/moves/"+m.ID+"/events" {
		t.Fatalf("events link %v", links)
	}
}

// A young offender institution is shown as a prison with the flag, as the
// contract has it.
func TestLocationsAsTheContractHasThem(t *testing.T) {
	e := newAPIEnv(t)
	tok := e.supplierToken("serco")
	r := e.do(http.MethodGet, "/api/reference/locations?filter[nomis_agency_id]=FMI,BXI,STC1", tok, nil).want(t, http.StatusOK)
	byCode := map[string]map[string]any{}
	for _, x := range r.list() {
		a := apiAttrs(x.(map[string]any))
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
	prisons := e.do(http.MethodGet, "/api/reference/locations?filter[location_type]=prison&per_page=200", tok, nil).want(t, http.StatusOK)
	yois := e.do(http.MethodGet, "/api/reference/locations?filter[location_type]=young_offender_institution", tok, nil).want(t, http.StatusOK)
	if len(prisons.list()) != 17 || len(yois.list()) != 4 {
		t.Errorf("prisons %d, YOIs %d", len(prisons.list()), len(yois.list()))
	}
	all := e.do(http.MethodGet, "/api/reference/locations", tok, nil).want(t, http.StatusOK)
	if len(all.list()) != 20 || all.JSON["meta"].(map[string]any)["pagination"].(map[string]any)["total_objects"] != float64(len(e.locs)) {
		t.Errorf("locations page: %d, meta %v", len(all.list()), all.JSON["meta"])
	}
	e.do(http.MethodGet, "/api/reference/locations?filter[location_type]=spaceport", tok, nil).wantError(t, 422, "filter[location_type]", "inclusion")
	one := e.do(http.MethodGet, "/api/reference/locations/"+e.loc("FMI"), tok, nil).want(t, http.StatusOK).data()
	if apiAttrs(one)["key"] == "" || apiAttrs(one)["can_upload_documents"] != false {
		t.Errorf("location %v", one)
	}
	e.do(http.MethodGet, "/api/reference/locations/"+apiNewUUID(), tok, nil).wantError(t, 404, "", "")
	sps := e.do(http.MethodGet, "/api/reference/suppliers", tok, nil).want(t, http.StatusOK)
	if len(sps.list()) != 2 {
		t.Fatalf("suppliers %s", sps.Body)
	}
	sp := e.do(http.MethodGet, "/api/reference/suppliers/serco", tok, nil).want(t, http.StatusOK).data()
	if apiAttrs(sp)["name"] != "Serco" || sp["id"] != e.sups["serco"].ID {
		t.Errorf("supplier %v", sp)
	}
}

func apiItoa(n int) string { return strconv.Itoa(n) }
