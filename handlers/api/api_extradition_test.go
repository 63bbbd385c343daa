package api_test

import (
	"net/http"
	"testing"

	"github.com/securemove/securemove/handlers/handlertest"
	"github.com/securemove/securemove/moves"
)

func flightBody(number, at string) map[string]any {
	return map[string]any{"data": map[string]any{"type": "extradition_flight",
		"attributes": map[string]any{"flight_number": number, "flight_time": at}}}
}

// An extradition move's flight, as upstream's extradition_flight
// resource: added once (POST), changed (PATCH), read (GET); bad flights
// change nothing; another supplier's move and other types of move have
// none; a retry with the same Idempotency-Key is answered again without
// a second write.
func TestAPIExtraditionFlight(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	ex := e.Move("BXI", "SRY016", moves.Extradition, "2026-11-25")
	path := "/api/moves/" + ex.ID + "/extradition_flight"

	// None yet: GET and PATCH are 404.
	e.Do(http.MethodGet, path, tok, nil).Want(t, http.StatusNotFound)
	e.Do(http.MethodPatch, path, tok, flightBody("BA1234", "2026-11-25T14:30:00Z")).Want(t, http.StatusNotFound)

	// Invalid: nothing stored.
	for _, c := range []struct{ number, at, where string }{
		{"", "2026-11-25T14:30:00Z", "/data/attributes/flight_number"},
		{"12345678", "2026-11-25T14:30:00Z", "/data/attributes/flight_number"},
		{"BA1234", "", "/data/attributes/flight_time"},
		{"BA1234", "2026-11-25", "/data/attributes/flight_time"},
		{"BA1234", "2026-11-22T14:30:00Z", "/data/attributes/flight_time"}, // the past
	} {
		e.Do(http.MethodPost, path, tok, flightBody(c.number, c.at)).WantError(t, http.StatusUnprocessableEntity, c.where, "")
	}
	if m, _ := e.St.Move(e.Ctx, ex.ID); m.Details.Flight != nil || m.Version != ex.Version {
		t.Fatalf("a refused flight was stored: %+v (version %d, was %d)", m.Details.Flight, m.Version, ex.Version)
	}

	// Valid, with a key; the retry replays the same answer and writes once.
	first := e.Do(http.MethodPost, path, tok, flightBody("ba 1234", "2026-11-25T14:30:00Z"), "Idempotency-Key", "flight-1").Want(t, http.StatusCreated)
	again := e.Do(http.MethodPost, path, tok, flightBody("ba 1234", "2026-11-25T14:30:00Z"), "Idempotency-Key", "flight-1").Want(t, http.StatusCreated)
	if again.Header.Get("Idempotency-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Errorf("retry: replayed %q, body %s; first %s", again.Header.Get("Idempotency-Replayed"), again.Body, first.Body)
	}
	d := first.Data()
	attrs := handlertest.Attrs(d)
	if d["type"] != "extradition_flight" || attrs["flight_number"] != "BA1234" || attrs["flight_time"] != "2026-11-25T14:30:00+00:00" ||
		handlertest.RelID(d, "move") != ex.ID {
		t.Errorf("created %v", d)
	}
	if m, _ := e.St.Move(e.Ctx, ex.ID); m.Version != ex.Version+1 {
		t.Errorf("version %d after one write and a replay; want %d", m.Version, ex.Version+1)
	}
	// A second flight without the key is a conflict: change it instead.
	e.Do(http.MethodPost, path, tok, flightBody("AF12", "2026-11-26T08:00:00Z")).Want(t, http.StatusConflict)

	// PATCH changes it, keeping the resource's id; GET shows it.
	e.Do(http.MethodPatch, path, tok, flightBody("AF12", "2026-11-26T08:00:00Z")).Want(t, http.StatusOK)
	got := e.Do(http.MethodGet, path, tok, nil).Want(t, http.StatusOK).Data()
	if a := handlertest.Attrs(got); a["flight_number"] != "AF12" || a["flight_time"] != "2026-11-26T08:00:00+00:00" || got["id"] != d["id"] {
		t.Errorf("after PATCH %v (id was %v)", got, d["id"])
	}
	e.Do(http.MethodPatch, path, tok, flightBody("AF12", "yesterday")).WantError(t, http.StatusUnprocessableEntity, "/data/attributes/flight_time", "")
	if a := handlertest.Attrs(e.Do(http.MethodGet, path, tok, nil).Want(t, http.StatusOK).Data()); a["flight_number"] != "AF12" {
		t.Errorf("a refused PATCH changed the flight: %v", a)
	}

	// Another supplier's move: 404, as if it did not exist.
	geo := e.SupplierToken("geoamey")
	e.Do(http.MethodGet, path, geo, nil).Want(t, http.StatusNotFound)
	e.Do(http.MethodPatch, path, geo, flightBody("U21", "2026-11-27T08:00:00Z")).Want(t, http.StatusNotFound)
	// A move of another type has no flight.
	court := e.CourtMove()
	e.Do(http.MethodGet, "/api/moves/"+court.ID+"/extradition_flight", tok, nil).Want(t, http.StatusNotFound)
	e.Do(http.MethodPost, "/api/moves/"+court.ID+"/extradition_flight", tok, flightBody("BA1234", "2026-11-25T14:30:00Z")).Want(t, http.StatusNotFound)
}
