package api_test

import (
	"net/http"
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
