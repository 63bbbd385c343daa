package api_test

import (
	"encoding/json"
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/securemove/securemove/moves"
)

// upstreamAllocation is the contract's Allocation schema (testdata/contract
// v1/allocation.yaml, copied unchanged), loaded with its references.
func upstreamAllocation(t *testing.T) *openapi3.Schema {
	return upstreamSchema(t, "v1/allocation.yaml", "Allocation")
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
