package api_test

import (
	"encoding/json"
	"fmt"
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// upstreamAllocation is the contract's Allocation schema (testdata/contract
// v1/allocation.yaml, copied unchanged), loaded with its references.
func upstreamAllocation(t *testing.T) *openapi3.Schema {
	t.Helper()
	return upstreamSchema(t, "Allocation", "v1/allocation.yaml#/Allocation")
}

// upstreamSchema loads one schema of the contract copied in testdata.
func upstreamSchema(t *testing.T, name, ref string) *openapi3.Schema {
	t.Helper()
	wrapper := []byte(`{"openapi":"3.0.3","info":{"title":"allocations","version":"1"},"paths":{},
		"components":{"schemas":{"` + name + `":{"$ref":"` + ref + `"}}}}`)
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	abs, err := filepath.Abs(filepath.Join("testdata", "contract", "allocations.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loader.LoadFromDataWithPath(wrapper, &url.URL{Path: abs})
	if err != nil {
		t.Fatalf("loading the contract: %v", err)
	}
	return doc.Components.Schemas[name].Value
}

// The allocation API: an internal client creates, reads, changes the date
// and cancels; a supplier's client reads only; each answer's data has
// upstream's shape; moves filter on their allocation.
func TestAllocationAPI(t *testing.T) {
	e := handlertest.NewEnv(t)
	schema := upstreamAllocation(t)
	id, secret := e.Client("")
	internal := e.Token(id, secret)
	serco := e.SupplierToken("serco")
	shape := func(what string, data any) {
		t.Helper()
		b, _ := json.Marshal(data)
		var v any
		_ = json.Unmarshal(b, &v)
		// Upstream's schema writes null as oneOf [type, 'null'] (3.1
		// style); the validator reads only 3.0, so nulls are dropped first.
		if err := schema.VisitJSON(dropNulls(v), openapi3.MultiErrors()); err != nil {
			t.Errorf("%s does not match upstream's Allocation: %v", what, err)
		}
	}
	body := map[string]any{"data": map[string]any{"type": "allocations",
		"attributes": map[string]any{"moves_count": 2, "date": "2026-11-30", "estate": "adult_female", "prisoner_category": "open",
			"sentence_length": "long", "complete_in_full": true, "requested_by": "PMU tool",
			"complex_cases": []any{map[string]any{"key": "self_harm", "title": "x", "answer": true, "allocation_complex_case_id": moves.ComplexCases[1].ID}}},
		"relationships": map[string]any{"from_location": map[string]any{"data": map[string]any{"type": "locations", "id": e.Loc("BAI")}},
			"to_location": map[string]any{"data": map[string]any{"type": "locations", "id": e.Loc("WWI")}}}}}
	e.Do("POST", "/api/allocations", serco, body).Want(t, http.StatusForbidden)
	r := e.Do("POST", "/api/allocations", internal, body).Want(t, http.StatusCreated)
	data := r.JSON["data"].(map[string]any)
	shape("POST /api/allocations", data)
	allocID := data["id"].(string)
	attrs := data["attributes"].(map[string]any)
	if attrs["moves_count"] != float64(2) || attrs["status"] != "unfilled" || attrs["sentence_length"] != "long" {
		t.Errorf("attributes %v", attrs)
	}
	// The shape check has teeth: a wrong status or count fails it.
	wrong := map[string]any{"type": "allocations", "attributes": map[string]any{"moves_count": "two", "date": "2026-11-30", "status": "half"}}
	if err := schema.VisitJSON(wrong, openapi3.MultiErrors()); err == nil {
		t.Fatal("upstream's schema accepted a wrong allocation")
	}
	bad := map[string]any{"data": map[string]any{"type": "allocations", "attributes": map[string]any{"moves_count": 0, "date": "2026-11-30"},
		"relationships": body["data"].(map[string]any)["relationships"]}}
	e.Do("POST", "/api/allocations", internal, bad).Want(t, http.StatusUnprocessableEntity)

	r = e.Do("GET", "/api/allocations/"+allocID, serco, nil).Want(t, http.StatusOK)
	shape("GET /api/allocations/:id", r.JSON["data"])
	ids := r.JSON["data"].(map[string]any)["relationships"].(map[string]any)["moves"].(map[string]any)["data"].([]any)
	if len(ids) != 2 {
		t.Fatalf("%d moves in the allocation", len(ids))
	}
	moveID := ids[0].(map[string]any)["id"].(string)
	r = e.Do("GET", "/api/moves/"+moveID, internal, nil).Want(t, http.StatusOK)
	rel := r.JSON["data"].(map[string]any)["relationships"].(map[string]any)
	if rel["allocation"].(map[string]any)["data"].(map[string]any)["id"] != allocID || rel["person"].(map[string]any)["data"] != nil {
		t.Errorf("move relationships %v", rel)
	}
	r = e.Do("GET", "/api/moves?filter[has_relationship_to_allocation]=true&per_page=100", internal, nil).Want(t, http.StatusOK)
	for _, m := range r.JSON["data"].([]any) {
		if m.(map[string]any)["relationships"].(map[string]any)["allocation"].(map[string]any)["data"] == nil {
			t.Error("a move without an allocation passed the filter")
		}
	}
	e.Do("GET", "/api/moves?filter[has_relationship_to_allocation]=maybe", internal, nil).Want(t, http.StatusUnprocessableEntity)

	r = e.Do("GET", "/api/allocations?filter[status]=unfilled", serco, nil).Want(t, http.StatusOK)
	if len(r.JSON["data"].([]any)) == 0 {
		t.Error("the supplier's list is empty")
	}
	for _, d := range r.JSON["data"].([]any) {
		shape("GET /api/allocations item", d)
	}
	geo := e.SupplierToken("geoamey")
	e.Do("GET", "/api/allocations/"+allocID, geo, nil).Want(t, http.StatusNotFound)

	patch := map[string]any{"data": map[string]any{"type": "allocations", "id": allocID, "attributes": map[string]any{"date": "2026-12-01", "date_changed_reason": "other"}}}
	e.Do("PATCH", "/api/allocations/"+allocID, serco, patch).Want(t, http.StatusForbidden)
	r = e.Do("PATCH", "/api/allocations/"+allocID, internal, patch).Want(t, http.StatusOK)
	if got := r.JSON["data"].(map[string]any)["attributes"].(map[string]any)["date"]; got != "2026-12-01" {
		t.Errorf("date after PATCH %v", got)
	}
	cancel := map[string]any{"data": map[string]any{"type": "allocations", "attributes": map[string]any{"timestamp": "2026-11-23T10:00:00Z", "cancellation_reason": "made_in_error"}}}
	e.Do("POST", "/api/allocations/"+allocID+"/cancel", internal, cancel).Want(t, http.StatusNoContent)
	r = e.Do("GET", "/api/allocations/"+allocID, internal, nil).Want(t, http.StatusOK)
	shape("a cancelled allocation", r.JSON["data"])
	if got := r.JSON["data"].(map[string]any)["attributes"].(map[string]any)["status"]; got != "cancelled" {
		t.Errorf("status after cancel %v", got)
	}
	r = e.Do("GET", "/api/reference/allocation_complex_cases", serco, nil).Want(t, http.StatusOK)
	if len(r.JSON["data"].([]any)) != len(moves.ComplexCases) {
		t.Errorf("complex cases %v", r.JSON["data"])
	}
	r = e.Do("GET", "/api/reference/regions", serco, nil).Want(t, http.StatusOK)
	if len(r.JSON["data"].([]any)) == 0 {
		t.Error("no regions")
	}
}

func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if val != nil {
				out[k] = dropNulls(val)
			}
		}
		return out
	case []any:
		for i := range x {
			x[i] = dropNulls(x[i])
		}
	}
	return v
}

// Lists filter in the store, so pages and counts agree: POST
// /api/allocations/filtered with filter[to_locations] and one per page
// counts only the allocations to that prison, and each page holds one of
// them. The complex-case reference list has upstream's shape.
func TestAllocationAPIFiltersAndPages(t *testing.T) {
	e := handlertest.NewEnv(t)
	id, secret := e.Client("")
	internal := e.Token(id, secret)
	create := func(to string) string {
		t.Helper()
		body := map[string]any{"data": map[string]any{"type": "allocations",
			"attributes": map[string]any{"moves_count": 1, "date": "2026-11-30", "estate": "juvenile_male", "sentence_length": "short"},
			"relationships": map[string]any{"from_location": map[string]any{"data": map[string]any{"type": "locations", "id": e.Loc("BAI")}},
				"to_location": map[string]any{"data": map[string]any{"type": "locations", "id": e.Loc(to)}}}}}
		return e.Do("POST", "/api/allocations", internal, body).Want(t, http.StatusCreated).JSON["data"].(map[string]any)["id"].(string)
	}
	// All on 30 November: the demo's allocations are on other days.
	toWWI := map[string]bool{create("WWI"): true, create("WWI"): true}
	create("BXI")
	seen := map[string]bool{}
	for page := 1; page <= 2; page++ {
		r := e.Do("POST", fmt.Sprintf("/api/allocations/filtered?filter[to_locations]=%s&filter[date_from]=2026-11-30&filter[date_to]=2026-11-30&per_page=1&page=%d", e.Loc("WWI"), page), internal, map[string]any{}).
			Want(t, http.StatusOK)
		total := r.JSON["meta"].(map[string]any)["pagination"].(map[string]any)["total_objects"]
		data := r.JSON["data"].([]any)
		if total != float64(2) || len(data) != 1 {
			t.Fatalf("page %d: %d allocations of %v", page, len(data), total)
		}
		got := data[0].(map[string]any)
		if !toWWI[got["id"].(string)] {
			t.Errorf("page %d holds %v, not an allocation to Wandsworth", page, got["id"])
		}
		seen[got["id"].(string)] = true
	}
	if len(seen) != 2 {
		t.Errorf("the two pages held %v", seen)
	}
	// The same filters in the body (a list as a JSON array, inside
	// data.attributes or not) give the same list.
	for _, body := range []map[string]any{
		{"filter": map[string]any{"to_locations": []string{e.Loc("WWI"), e.Loc("HOI")}, "date_from": "2026-11-30", "date_to": "2026-11-30"}, "per_page": 10},
		{"data": map[string]any{"attributes": map[string]any{"filter": map[string]any{"to_locations": e.Loc("WWI"), "date_from": "2026-11-30",
			"date_to": "2026-11-30"}}}},
	} {
		r := e.Do("POST", "/api/allocations/filtered", internal, body).Want(t, http.StatusOK)
		got := map[string]bool{}
		for _, d := range r.JSON["data"].([]any) {
			got[d.(map[string]any)["id"].(string)] = true
		}
		if len(got) != 2 || !got[keys(toWWI)[0]] || !got[keys(toWWI)[1]] {
			t.Errorf("body %v listed %v, want the two to Wandsworth", body, got)
		}
	}
	// A filter it does not know, a value of the wrong shape, or one given
	// twice is refused, naming it.
	e.Do("POST", "/api/allocations/filtered", internal, map[string]any{"filter": map[string]any{"to_location": e.Loc("WWI")}}).
		WantError(t, http.StatusBadRequest, "", "unknown_parameter")
	e.Do("POST", "/api/allocations/filtered", internal, map[string]any{"filter": map[string]any{"status": map[string]any{"x": 1}}}).
		WantError(t, http.StatusBadRequest, "", "")
	e.Do("POST", "/api/allocations/filtered?filter[status]=filled", internal, map[string]any{"filter": map[string]any{"status": "unfilled"}}).
		WantError(t, http.StatusBadRequest, "", "")
	e.Do("POST", "/api/allocations/filtered", internal, map[string]any{"filter": map[string]any{"status": "unfilled"}, "filter[status]": "filled"}).
		WantError(t, http.StatusBadRequest, "", "")
	e.Do("POST", "/api/allocations/filtered", internal, `{"filter": {}} {"page": 2}`).WantError(t, http.StatusBadRequest, "", "")
	e.Do("POST", "/api/allocations/filtered", internal, map[string]any{"filter": nil, "page": nil}).Want(t, http.StatusOK)
	// The address takes POST alone: not an allocation's id.
	res := e.Do("GET", "/api/allocations/filtered", internal, nil)
	res.WantError(t, http.StatusMethodNotAllowed, "", "")
	if allow := res.Header.Get("Allow"); allow != "POST" {
		t.Errorf("Allow %q, want POST", allow)
	}
	r := e.Do("GET", "/api/reference/allocation_complex_cases", internal, nil).Want(t, http.StatusOK)
	schema := upstreamSchema(t, "AllocationComplexCase", "v1/allocation_complex_case.yaml#/AllocationComplexCase")
	for _, d := range r.JSON["data"].([]any) {
		if err := schema.VisitJSON(dropNulls(d), openapi3.MultiErrors()); err != nil {
			t.Errorf("complex case %v does not match upstream's: %v", d, err)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestAllocationPlaceDateOnlyWithTheAllocation: an allocation's places
// change date together, on the allocation. A supplier moving one place
// to another day, by PATCH or by a MoveDateChanged event, is refused and
// nothing changes; the allocation's own change still moves every place.
func TestAllocationPlaceDateOnlyWithTheAllocation(t *testing.T) {
	e := handlertest.NewEnv(t)
	internal := e.Token(e.Client(""))
	serco := e.SupplierToken("serco")
	body := map[string]any{"data": map[string]any{"type": "allocations",
		"attributes":    map[string]any{"moves_count": 2, "date": "2026-11-30", "estate": "adult_male", "prisoner_category": "c", "sentence_length": "short"},
		"relationships": map[string]any{"from_location": rel("locations", e.Loc("BAI")), "to_location": rel("locations", e.Loc("WWI"))}}}
	a := e.Do(http.MethodPost, "/api/allocations", internal, body).Want(t, http.StatusCreated).Data()
	allocID := a["id"].(string)
	places := handlertest.ListOf(a["relationships"].(map[string]any)["moves"].(map[string]any)["data"])
	placeID := places[0].(map[string]any)["id"].(string)
	before := len(e.Do(http.MethodGet, "/api/moves/"+placeID+"/events", internal, nil).Want(t, http.StatusOK).List())

	patch := map[string]any{"data": map[string]any{"type": "moves", "id": placeID, "attributes": map[string]any{"date": "2026-12-02", "date_changed_reason": "other"}}}
	e.Do(http.MethodPatch, "/api/moves/"+placeID, serco, patch).WantError(t, http.StatusUnprocessableEntity, "/data/attributes/date", "allocated")
	ev := handlertest.EventBody(moves.EventMoveDateChanged, placeID, "2026-11-23T10:00:00Z", map[string]any{"date": "2026-12-02"}, nil)
	e.Do(http.MethodPost, "/api/events", serco, ev).WantError(t, http.StatusUnprocessableEntity, "/data/attributes/details/date", "allocated")
	if got := handlertest.Attrs(e.GetMove(internal, placeID))["date"]; got != "2026-11-30" {
		t.Fatalf("the place's date is %v after refusals; want 2026-11-30", got)
	}
	if after := len(e.Do(http.MethodGet, "/api/moves/"+placeID+"/events", internal, nil).Want(t, http.StatusOK).List()); after != before {
		t.Fatalf("the refusals added %d events to the place's log", after-before)
	}

	// The allocation's own change moves its places.
	change := map[string]any{"data": map[string]any{"type": "allocations", "id": allocID, "attributes": map[string]any{"date": "2026-12-03", "date_changed_reason": "other"}}}
	e.Do(http.MethodPatch, "/api/allocations/"+allocID, internal, change).Want(t, http.StatusOK)
	for _, p := range places {
		id := p.(map[string]any)["id"].(string)
		if got := handlertest.Attrs(e.GetMove(internal, id))["date"]; got != "2026-12-03" {
			t.Errorf("place %s on %v after the allocation's change; want 2026-12-03", id, got)
		}
	}
}

// TestRejectEmptyPlaceWithoutRebook: an allocation's empty place has
// nobody to propose again, so a rejection asking to rebook it is refused
// whole (422 on the detail), and one without rebook applies.
func TestRejectEmptyPlaceWithoutRebook(t *testing.T) {
	e := handlertest.NewEnv(t)
	internal := e.Token(e.Client(""))
	body := map[string]any{"data": map[string]any{"type": "allocations",
		"attributes":    map[string]any{"moves_count": 1, "date": "2026-11-30", "estate": "adult_male", "prisoner_category": "c", "sentence_length": "short"},
		"relationships": map[string]any{"from_location": rel("locations", e.Loc("BAI")), "to_location": rel("locations", e.Loc("WWI"))}}}
	a := e.Do(http.MethodPost, "/api/allocations", internal, body).Want(t, http.StatusCreated).Data()
	placeID := handlertest.ListOf(a["relationships"].(map[string]any)["moves"].(map[string]any)["data"])[0].(map[string]any)["id"].(string)
	reject := func(rebook bool) *handlertest.Resp {
		return e.Do(http.MethodPost, "/api/events", internal, handlertest.EventBody(moves.EventMoveReject, placeID, "2026-11-23T10:00:00Z",
			map[string]any{"rejection_reason": moves.RejectionMoreInfo, "rebook": rebook}, nil))
	}
	reject(true).WantError(t, http.StatusUnprocessableEntity, "/data/attributes/details/rebook", "invalid")
	if got := handlertest.Attrs(e.GetMove(internal, placeID))["status"]; got != "requested" {
		t.Fatalf("after the refused rejection the place is %v", got)
	}
	reject(false).Want(t, http.StatusCreated)
	if got := handlertest.Attrs(e.GetMove(internal, placeID))["status"]; got != "cancelled" {
		t.Fatalf("after the rejection the place is %v", got)
	}
}

// adultMaleC is an allocation's criteria: adult male estate, category C.
var adultMaleC = map[string]any{"estate": "adult_male", "prisoner_category": "c"}

// apiNewAllocation creates an allocation of n places through the API and
// returns its id and its places' ids.
func apiNewAllocation(t *testing.T, e *handlertest.Env, token string, n int, attrs map[string]any) (string, []string) {
	t.Helper()
	a := map[string]any{"moves_count": n, "date": "2026-11-30"}
	for k, v := range attrs {
		a[k] = v
	}
	body := map[string]any{"data": map[string]any{"type": "allocations", "attributes": a,
		"relationships": map[string]any{"from_location": rel("locations", e.Loc("BAI")), "to_location": rel("locations", e.Loc("WWI"))}}}
	d := e.Do(http.MethodPost, "/api/allocations", token, body).Want(t, http.StatusCreated).Data()
	var ids []string
	for _, p := range handlertest.ListOf(d["relationships"].(map[string]any)["moves"].(map[string]any)["data"]) {
		ids = append(ids, p.(map[string]any)["id"].(string))
	}
	return d["id"].(string), ids
}

// TestAllocationCancelAsTheContractSays: POST /api/allocations/:id/cancel
// takes the contract's body (type "cancels", v1
// post_allocation_cancel.yaml) and the older type "allocations"; the
// comment is optional whatever the reason, "other" included.
func TestAllocationCancelAsTheContractSays(t *testing.T) {
	e := handlertest.NewEnv(t)
	internal := e.Token(e.Client(""))
	cancel := func(typ string, attrs map[string]any) map[string]any {
		attrs["timestamp"] = "2026-11-23T10:00:00Z"
		return map[string]any{"data": map[string]any{"type": typ, "attributes": attrs}}
	}
	status := func(id string) any {
		return e.Do(http.MethodGet, "/api/allocations/"+id, internal, nil).Want(t, http.StatusOK).Data()["attributes"].(map[string]any)["status"]
	}
	for _, c := range []struct {
		name, typ string
		attrs     map[string]any
	}{
		{"the contract's type", "cancels", map[string]any{"cancellation_reason": "made_in_error"}},
		{"other without a comment", "cancels", map[string]any{"cancellation_reason": "other"}},
		{"other with a null comment", "cancels", map[string]any{"cancellation_reason": "other", "cancellation_reason_comment": nil}},
		{"a null reason", "cancels", map[string]any{"cancellation_reason": nil}},
		{"the older type", "allocations", map[string]any{"cancellation_reason": "supplier_declined_to_move"}},
	} {
		id, _ := apiNewAllocation(t, e, internal, 1, adultMaleC)
		e.Do(http.MethodPost, "/api/allocations/"+id+"/cancel", internal, cancel(c.typ, c.attrs)).Want(t, http.StatusNoContent)
		if got := status(id); got != "cancelled" {
			t.Errorf("%s: status %v after cancel", c.name, got)
		}
	}
	id, _ := apiNewAllocation(t, e, internal, 1, adultMaleC)
	e.Do(http.MethodPost, "/api/allocations/"+id+"/cancel", internal, cancel("moves", map[string]any{"cancellation_reason": "other"})).
		WantError(t, http.StatusUnprocessableEntity, "/data/type", "inclusion")
	e.Do(http.MethodPost, "/api/allocations/"+id+"/cancel", internal, cancel("cancels", map[string]any{"cancellation_reason": "whim"})).
		WantError(t, http.StatusUnprocessableEntity, "/data/attributes/cancellation_reason", "blank")
	if got := status(id); got != "unfilled" {
		t.Errorf("refused cancellations left the allocation %v", got)
	}
}

// TestCancelledAllocationCounts: as the contract (v1 allocation.yaml) and
// upstream have them, moves_count counts the moves not cancelled (none,
// once the allocation is cancelled), and a cancelled allocation's
// meta.moves.total counts every move it had, a place removed before the
// cancellation included; its moves relationship lists them all.
func TestCancelledAllocationCounts(t *testing.T) {
	e := handlertest.NewEnv(t)
	internal := e.Token(e.Client(""))
	id, places := apiNewAllocation(t, e, internal, 3, adultMaleC)
	if err := e.St.RemoveAllocationPlace(e.Ctx, id, places[2], store.AllocationChange{By: "pmu", Role: moves.RolePMU}); err != nil {
		t.Fatal(err)
	}
	counts := func(when string, wantCount, wantTotal, wantMoves int) {
		t.Helper()
		d := e.Do(http.MethodGet, "/api/allocations/"+id, internal, nil).Want(t, http.StatusOK).Data()
		got := d["attributes"].(map[string]any)["moves_count"]
		meta := d["meta"].(map[string]any)["moves"].(map[string]any)
		n := len(handlertest.ListOf(d["relationships"].(map[string]any)["moves"].(map[string]any)["data"]))
		if got != float64(wantCount) || meta["total"] != float64(wantTotal) || n != wantMoves {
			t.Errorf("%s: moves_count %v, meta.moves %v, %d moves related; want moves_count %d, total %d, %d moves",
				when, got, meta, n, wantCount, wantTotal, wantMoves)
		}
	}
	counts("a place removed", 2, 2, 2)
	cancel := map[string]any{"data": map[string]any{"type": "cancels", "attributes": map[string]any{"timestamp": "2026-11-23T10:00:00Z",
		"cancellation_reason": "made_in_error"}}}
	e.Do(http.MethodPost, "/api/allocations/"+id+"/cancel", internal, cancel).Want(t, http.StatusNoContent)
	counts("cancelled", 0, 3, 3)
	// The list says the same.
	r := e.Do(http.MethodGet, "/api/allocations?filter[status]=cancelled&per_page=100", internal, nil).Want(t, http.StatusOK)
	for _, item := range r.List() {
		d := item.(map[string]any)
		if d["id"] != id {
			continue
		}
		if c := d["attributes"].(map[string]any)["moves_count"]; c != float64(0) {
			t.Errorf("listed: moves_count %v, want 0", c)
		}
		if tot := d["meta"].(map[string]any)["moves"].(map[string]any)["total"]; tot != float64(3) {
			t.Errorf("listed: meta.moves.total %v, want 3", tot)
		}
	}
}

// TestAllocationAPIOptionalFields: as in the contract (v1
// allocation.yaml) and upstream, an allocation needs only moves_count,
// date and its two locations: the estate (null or left out) and the rest
// of the criteria are optional, checked against their lists when given.
// PATCH takes a new date without date_changed_reason, as PATCH
// /api/moves/:id does, checking it when given.
func TestAllocationAPIOptionalFields(t *testing.T) {
	e := handlertest.NewEnv(t)
	internal := e.Token(e.Client(""))
	schema := upstreamAllocation(t)
	for _, attrs := range []map[string]any{nil, {"estate": nil, "prisoner_category": nil, "sentence_length": nil}, {"estate": "adult_male"},
		{"estate": "other_estate"}, {"prisoner_category": "c"}} {
		id, _ := apiNewAllocation(t, e, internal, 1, attrs)
		d := e.Do(http.MethodGet, "/api/allocations/"+id, internal, nil).Want(t, http.StatusOK).Data()
		b, _ := json.Marshal(d)
		var v any
		_ = json.Unmarshal(b, &v)
		if err := schema.VisitJSON(dropNulls(v), openapi3.MultiErrors()); err != nil {
			t.Errorf("%v: the allocation does not match upstream's: %v", attrs, err)
		}
		if want := attrs["estate"]; d["attributes"].(map[string]any)["estate"] != want {
			t.Errorf("%v: estate %v", attrs, d["attributes"].(map[string]any)["estate"])
		}
	}
	post := func(attrs map[string]any) *handlertest.Resp {
		a := map[string]any{"moves_count": 1, "date": "2026-11-30"}
		for k, v := range attrs {
			a[k] = v
		}
		return e.Do(http.MethodPost, "/api/allocations", internal, map[string]any{"data": map[string]any{"type": "allocations", "attributes": a,
			"relationships": map[string]any{"from_location": rel("locations", e.Loc("BAI")), "to_location": rel("locations", e.Loc("WWI"))}}})
	}
	post(map[string]any{"estate": "adult"}).WantError(t, http.StatusUnprocessableEntity, "/data/attributes/estate", "inclusion")
	post(map[string]any{"estate": "adult_male", "prisoner_category": "open"}).
		WantError(t, http.StatusUnprocessableEntity, "/data/attributes/prisoner_category", "inclusion")
	post(map[string]any{"prisoner_category": "a"}).WantError(t, http.StatusUnprocessableEntity, "/data/attributes/prisoner_category", "inclusion")

	id, places := apiNewAllocation(t, e, internal, 2, nil)
	patch := func(attrs map[string]any) *handlertest.Resp {
		return e.Do(http.MethodPatch, "/api/allocations/"+id, internal, map[string]any{"data": map[string]any{"type": "allocations", "id": id,
			"attributes": attrs}})
	}
	patch(map[string]any{"date": "2026-12-02", "date_changed_reason": "whim"}).
		WantError(t, http.StatusUnprocessableEntity, "/data/attributes/date_changed_reason", "inclusion")
	if got := patch(map[string]any{"date": "2026-12-01"}).Want(t, http.StatusOK).Data()["attributes"].(map[string]any)["date"]; got != "2026-12-01" {
		t.Errorf("date after a PATCH without a reason: %v", got)
	}
	patch(map[string]any{"date": "2026-12-02", "date_changed_reason": nil}).Want(t, http.StatusOK)
	for _, p := range places {
		if got := handlertest.Attrs(e.GetMove(internal, p))["date"]; got != "2026-12-02" {
			t.Errorf("place %s on %v, want 2026-12-02", p, got)
		}
	}
}
