package api_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"strings"
	"testing"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store/storetest"
)

// Requests with a body must be JSON:API; answers always are.
func TestMediaTypes(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	body := handlertest.EventBody(moves.EventMoveAccept, m.ID, "2026-11-23T09:00:00Z", nil, nil)
	for _, ct := range []string{"application/json", "text/plain", "", "application/x-www-form-urlencoded", "application/vnd.api+jsonx"} {
		r := e.Do(http.MethodPost, "/api/events", tok, body, "Content-Type", ct)
		r.WantError(t, http.StatusUnsupportedMediaType, "Content-Type", "")
		if e := r.Errors()[0]; e["title"] != "Invalid Media Type" || e["detail"] != "Content-Type must be application/vnd.api+json" {
			t.Fatalf("415 body %s", r.Body)
		}
	}
	for _, path := range []string{"/api/moves", "/api/people"} {
		e.Do(http.MethodPost, path, tok, "{}", "Content-Type", "application/json").WantError(t, 415, "Content-Type", "")
	}
	e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, "{}", "Content-Type", "application/json").WantError(t, 415, "Content-Type", "")
	if evs, _ := e.St.Events(e.Ctx, m.ID); len(evs) != 1 {
		t.Fatal("a refused request changed the move")
	}
	// With a charset parameter it is still JSON:API.
	e.Do(http.MethodPost, "/api/events", tok, body, "Content-Type", "application/vnd.api+json; charset=utf-8").Want(t, http.StatusCreated)
	// Every answer, success or error, is JSON:API.
	for _, r := range []*handlertest.Resp{
		e.Do(http.MethodGet, "/api/moves", tok, nil),
		e.Do(http.MethodGet, "/api/moves/"+m.ID, tok, nil),
		e.Do(http.MethodGet, "/api/moves/"+handlertest.NewUUID(), tok, nil),
		e.Do(http.MethodGet, "/api/reference/suppliers", tok, nil),
		e.Do(http.MethodDelete, "/api/moves/"+m.ID, tok, nil),
		e.Do(http.MethodGet, "/api/nowhere", tok, nil),
	} {
		if ct := r.Header.Get("Content-Type"); ct != "application/vnd.api+json" {
			t.Errorf("status %d answered as %q", r.Code, ct)
		}
	}
}

// Bodies over 1 MiB are refused with a JSON:API 413, whether or not they
// say their length.
func TestBodyTooLarge(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	doc := handlertest.EventBody(moves.EventMoveAccept, m.ID, "2026-11-23T09:00:00Z", nil, nil)
	doc["data"].(map[string]any)["attributes"].(map[string]any)["notes"] = strings.Repeat("x", 1<<20)
	e.Do(http.MethodPost, "/api/events", tok, doc).WantError(t, http.StatusRequestEntityTooLarge, "", "")
	// Without a Content-Length (chunked), the limit still holds.
	big := `{"data":{"type":"events","attributes":{"notes":"` + strings.Repeat("y", 1<<20+10) + `"}}}`
	req := handlertest.NewRequest(http.MethodPost, "/api/events", strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/vnd.api+json")
	req.Header.Set("Authorization", "Bearer "+tok)
	e.Serve(req).WantError(t, http.StatusRequestEntityTooLarge, "", "")
	if evs, _ := e.St.Events(e.Ctx, m.ID); len(evs) != 1 {
		t.Fatal("an oversized request was stored")
	}
	// Notes up to the limit the API sets are fine; longer ones are a 422.
	doc["data"].(map[string]any)["attributes"].(map[string]any)["notes"] = strings.Repeat("x", 10_001)
	e.Do(http.MethodPost, "/api/events", tok, doc).WantError(t, 422, "/data/attributes/notes", "too_long")
}

// Idempotency-Key: the same key and body replay the first answer without
// doing anything again; another body with the key is a 409.
func TestIdempotencyKey(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	body := handlertest.EventBody(moves.EventMoveAccept, m.ID, "2026-11-23T09:00:00Z", nil, nil)
	first := e.Do(http.MethodPost, "/api/events", tok, body, "Idempotency-Key", "key-1").Want(t, http.StatusCreated)
	if first.Header.Get("Idempotency-Replayed") != "" {
		t.Fatal("a first answer marked as replayed")
	}
	again := e.Do(http.MethodPost, "/api/events", tok, body, "Idempotency-Key", "key-1").Want(t, http.StatusCreated)
	if again.Header.Get("Idempotency-Replayed") != "true" || string(again.Body) != string(first.Body) ||
		again.Header.Get("Content-Type") != "application/vnd.api+json" {
		t.Fatalf("replay: %v %s", again.Header, again.Body)
	}
	if evs, _ := e.St.Events(e.Ctx, m.ID); len(evs) != 2 {
		t.Fatalf("the event was recorded %d times", len(evs)-1)
	}
	// The same key with another body.
	other := handlertest.EventBody(moves.EventMoveStart, m.ID, "2026-11-23T09:30:00Z", nil, nil)
	r := e.Do(http.MethodPost, "/api/events", tok, other, "Idempotency-Key", "key-1")
	r.WantError(t, http.StatusConflict, "Idempotency-Key", "idempotency_key_reused")
	if evs, _ := e.St.Events(e.Ctx, m.ID); len(evs) != 2 {
		t.Fatal("a conflicting request was carried out")
	}
	// Keys are per client: another client's same key is its own.
	tok2 := e.SupplierToken("serco")
	e.Do(http.MethodPost, "/api/events", tok2, other, "Idempotency-Key", "key-1").Want(t, http.StatusCreated)
	// The same body under the same key to another path is a different request.
	e.Do(http.MethodPost, "/api/moves", tok, body, "Idempotency-Key", "key-1").WantError(t, http.StatusConflict, "Idempotency-Key", "")
	// Errors are kept too: the same mistake gets the same answer.
	bad := handlertest.EventBody(moves.EventMoveCancel, m.ID, "2026-11-23T09:40:00Z", nil, nil)
	b1 := e.Do(http.MethodPost, "/api/events", tok, bad, "Idempotency-Key", "key-2").Want(t, 422)
	b2 := e.Do(http.MethodPost, "/api/events", tok, bad, "Idempotency-Key", "key-2").Want(t, 422)
	if b2.Header.Get("Idempotency-Replayed") != "true" || string(b1.Body) != string(b2.Body) {
		t.Fatal("a 422 was not replayed")
	}
	// Booking a move twice with one key books it once.
	p := e.Person()
	mb := apiMoveBody(map[string]any{"move_type": "court_appearance", "date": "2026-11-26"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}})
	c1 := e.Do(http.MethodPost, "/api/moves", tok, mb, "Idempotency-Key", "book-1").Want(t, http.StatusCreated)
	c2 := e.Do(http.MethodPost, "/api/moves", tok, mb, "Idempotency-Key", "book-1").Want(t, http.StatusCreated)
	if c1.Data()["id"] != c2.Data()["id"] {
		t.Fatal("the move was booked twice")
	}
	// Kept for 24 hours, then the key is free again.
	e.Clock.Add(24*60*60*1e9 + 1e9)
	tok = e.SupplierToken("serco")
	e.Do(http.MethodPost, "/api/events", tok, other, "Idempotency-Key", "key-1").Want(t, http.StatusCreated)
	// Keys must be 1 to 200 printable characters.
	e.Do(http.MethodPost, "/api/events", tok, body, "Idempotency-Key", strings.Repeat("k", 201)).WantError(t, 400, "Idempotency-Key", "")
	// Without a key, nothing is kept.
	e.Do(http.MethodPost, "/api/events", tok, handlertest.EventBody(moves.EventMoveNotifyPremisesOfArrivalIn30Mins, m.ID, "2026-11-23T09:50:00Z", nil, nil)).
		Want(t, http.StatusCreated)
}

// A keyed PATCH answers with the move as changed (the handler renders its
// answer inside the unit of work, before the commit, and reads what the
// unit wrote); a keyed request that fails keeps its answer and nothing of
// what it wrote.
func TestIdempotentPatchShowsItsChange(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	patch := map[string]any{"data": map[string]any{"type": "moves", "id": m.ID, "attributes": map[string]any{"additional_information": "bring the paperwork"}}}
	r := e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, patch, "Idempotency-Key", "patch-1").Want(t, http.StatusOK)
	if !strings.Contains(string(r.Body), "bring the paperwork") {
		t.Fatalf("the keyed PATCH answered with the move before the change: %s", r.Body)
	}
	again := e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, patch, "Idempotency-Key", "patch-1").Want(t, http.StatusOK)
	if again.Header.Get("Idempotency-Replayed") != "true" || string(again.Body) != string(r.Body) {
		t.Fatalf("replay: %q %s", again.Header.Get("Idempotency-Replayed"), again.Body)
	}
}

// Text with NUL in it, or an address that is not UTF-8, is refused before
// it reaches the database, on both engines: PostgreSQL's text cannot hold
// NUL, and answered such writes and lookups with an internal error.
func TestNULAndNonUTF8AreRefusedOnEveryEngine(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T) {
		e := handlertest.NewEnvOn(t, storetest.DSN(t))
		tok := e.SupplierToken("serco")
		m := e.CourtMove()
		patch := `{"data":{"type":"moves","attributes":{"additional_information":"a\u0000b"}}}`
		r := e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, patch)
		r.WantError(t, http.StatusBadRequest, "", "")
		if d := r.Errors()[0]["detail"]; !strings.Contains(d.(string), "NUL") {
			t.Fatalf("detail %q does not name NUL", d)
		}
		if got, _ := handlertest.Attrs(e.GetMove(tok, m.ID))["additional_information"].(string); got != m.Notes {
			t.Fatalf("a refused request changed additional_information to %q", got)
		}
		person := `{"data":{"type":"people","attributes":{"first_names":"Ann\u0000","last_name":"Smith"}}}`
		e.Do(http.MethodPost, "/api/people", tok, person).WantError(t, http.StatusBadRequest, "", "")
		// An escaped backslash before u0000 is text, not NUL.
		text := `{"data":{"type":"moves","attributes":{"additional_information":"C:\\u0000"}}}`
		e.Do(http.MethodPatch, "/api/moves/"+m.ID, tok, text).Want(t, http.StatusOK)
		for _, path := range []string{"/api/moves/%00", "/api/moves/%FF", "/api/people/%C3", "/api/moves/%FF/events",
			"/api/events/%00", "/api/reference/suppliers/%00", "/api/moves?filter[reference]=%00"} {
			e.Do(http.MethodGet, path, tok, nil).WantError(t, http.StatusBadRequest, "", "")
		}
		if got := handlertest.Attrs(e.GetMove(tok, m.ID))["additional_information"]; got != `C:\u0000` {
			t.Fatalf("additional_information %q, want the text the accepted request sent", got)
		}
	})
}

// A trailing slash is redirected with 308, which clients follow with the
// same method and body (a 301 turned a POST into a bodiless GET).
func TestTrailingSlashKeepsTheMethod(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	body := handlertest.EventBody(moves.EventMoveAccept, m.ID, "2026-11-23T09:00:00Z", nil, nil)
	r := e.Do(http.MethodPost, "/api/events/", tok, body).Want(t, http.StatusPermanentRedirect)
	if loc := r.Header.Get("Location"); loc != "/api/events" {
		t.Fatalf("Location %q, want /api/events", loc)
	}
	if evs, _ := e.St.Events(e.Ctx, m.ID); len(evs) != 1 {
		t.Fatal("the redirected request was served as well")
	}
}

// A body that is not JSON is described in the client's terms, never in
// encoding/json's (Go types).
func TestBadJSONIsDescribedPlainly(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	for body, want := range map[string]string{
		`{"data":{"type":"people","attributes":{"last_name":1e999999}}}`: "a number is out of range (line 1, column",
		"\xef\xbb\xbf" + `{"data":{"type":"people","attributes":{}}}`:    "byte order mark",
		`{"data":`: "it ends too soon",
	} {
		r := e.Do(http.MethodPost, "/api/people", tok, body)
		r.WantError(t, http.StatusBadRequest, "", "")
		d, _ := r.Errors()[0]["detail"].(string)
		if !strings.Contains(d, want) || strings.Contains(d, "Go value") || strings.Contains(d, "float64") {
			t.Errorf("body %q: detail %q, want it to say %q", body, d, want)
		}
	}
}

// An Idempotency-Key names one request, its query included: the same key
// with another query is a different request (409), not a replay of the
// first's answer; a read sent with POST takes no key.
func TestIdempotencyKeyCoversTheQuery(t *testing.T) {
	e := handlertest.NewEnv(t)
	tok := e.SupplierToken("serco")
	m := e.CourtMove()
	body := handlertest.EventBody(moves.EventMoveCollectionByEscort, m.ID, "2026-11-23T12:00:00Z", map[string]any{"vehicle_type": "c4"}, nil)
	e.Do(http.MethodPost, "/api/events?include=eventable", tok, body, "Idempotency-Key", "q1").WantError(t, http.StatusBadRequest, "", "")
	e.Do(http.MethodPost, "/api/events", tok, body, "Idempotency-Key", "q1").WantError(t, http.StatusConflict, "", "idempotency_key_reused")
	e.Do(http.MethodPost, "/api/events", tok, body, "Idempotency-Key", "q2").Want(t, http.StatusCreated)
	if r := e.Do(http.MethodPost, "/api/events", tok, body, "Idempotency-Key", "q2").Want(t, http.StatusCreated); r.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatal("the same request with its key was not replayed")
	}
}
