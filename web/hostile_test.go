package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/web"
)

// Hostile input: every way of sending something wrong gets a 4xx with an
// error that says what is wrong — never a 5xx — and changes nothing, except
// where what was sent is legitimately text (notes or names holding HTML or
// SQL): that is kept exactly as sent, and shown escaped on every page.

// Payloads that must be harmless wherever they land.
const (
	sqlDrop  = `'; DROP TABLE moves; --`
	sqlOr    = `" OR 1=1 --`
	htmlTag  = `<script>alert(1)</script>`
	htmlAttr = `"><img src=x onerror=alert(1)>`
)

var textPayloads = []string{sqlDrop, sqlOr, htmlTag, htmlAttr}

// rawInvalidUTF8 stands in a JSON template for a string holding bytes that
// are not UTF-8.
const rawInvalidUTF8 = "\x00invalid-utf8\x00"

// jsonBody marshals a document, then puts the invalid UTF-8 string where
// rawInvalidUTF8 was and deep nesting where nested(n) was (encoding/json
// would have mended the one and refused the other).
func jsonBody(doc any) []byte {
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	b = bytes.ReplaceAll(b, []byte(`"\u0000invalid-utf8\u0000"`), []byte("\"bad \xff\xfe bytes \xc3\x28\""))
	return nestedRE.ReplaceAllFunc(b, func(m []byte) []byte {
		n, _ := strconv.Atoi(string(nestedRE.FindSubmatch(m)[1]))
		return []byte(strings.Repeat("[", n) + "1" + strings.Repeat("]", n))
	})
}

var nestedRE = regexp.MustCompile(`"\\u0000nested:(\d+)\\u0000"`)

// nested stands in a document for depth levels of arrays around a value.
func nested(depth int) string { return fmt.Sprintf("\x00nested:%d\x00", depth) }

// obj is a JSON object under construction.
type obj = map[string]any

// with returns a deep copy of doc with the value at path (member names
// separated by /) set to v.
func with(doc obj, path string, v any) obj {
	return withMember(doc, path[:max(0, strings.LastIndex(path, "/"))], path[strings.LastIndex(path, "/")+1:], v)
}

// withMember returns a deep copy of doc with member key (any text) of the
// object at parent set to v.
func withMember(doc obj, parent, key string, v any) obj {
	cp := deepCopy(doc).(obj)
	cur := cp
	if parent != "" {
		for _, k := range strings.Split(parent, "/") {
			next, ok := cur[k].(obj)
			if !ok {
				next = obj{}
				cur[k] = next
			}
			cur = next
		}
	}
	cur[key] = v
	return cp
}

// without returns a deep copy of doc without the member at path.
func without(doc obj, path string) obj {
	cp := with(doc, path, nil)
	parent, key := path[:max(0, strings.LastIndex(path, "/"))], path[strings.LastIndex(path, "/")+1:]
	cur := cp
	for _, k := range strings.Split(parent, "/") {
		if k != "" {
			cur = cur[k].(obj)
		}
	}
	delete(cur, key)
	return cp
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case obj:
		out := obj{}
		for k, vv := range x {
			out[k] = deepCopy(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = deepCopy(x[i])
		}
		return out
	}
	return v
}

// apiHostileCase is one hostile API request.
type apiHostileCase struct {
	name   string
	method string
	path   string
	body   []byte
	ct     string // Content-Type; "" for JSON:API
	hdr    http.Header
	// want is the exact status; 0 means any 4xx (but 401 and 403, which
	// would mean the request was judged on something else).
	want int
	// accepted: the input is legitimate (text that happens to hold HTML
	// or SQL, or null for an optional member); the request succeeds and
	// stored, when set, says what must now be stored exactly.
	accepted bool
	stored   *storedText
	// asSupplier sends it with Serco's client rather than an internal one.
	asSupplier bool
	// keepsAnswer: the answer is kept for its Idempotency-Key, the one
	// change a refused request makes.
	keepsAnswer bool
	// readOnly: an accepted request that changes nothing.
	readOnly bool
	// maxAnswer, when set, bounds the answer's size: a big mistake gets a
	// short answer.
	maxAnswer int
}

// storedText is text that must be stored exactly as sent: read back from
// the API at path (after the response's id replaces {id}) at a JSON
// pointer.
type storedText struct {
	path    string
	pointer string
	text    string
}

func apiHostileCases(fx *tableFixtures) []apiHostileCase {
	move, hidden := fx.repl["{gfdBooked}"], fx.repl["{bmiCompleted}"]
	requested := fx.repl["{gfdRequested}"]
	event := obj{"data": obj{"type": "events",
		"attributes": obj{"event_type": "MoveNotifyPremisesOfArrivalIn30Mins", "occurred_at": "2026-11-22T09:30:00Z", "recorded_at": "2026-11-22T09:30:05Z",
			"notes": "On the A3", "details": obj{}},
		"relationships": obj{"eventable": obj{"data": obj{"type": "moves", "id": move}}}}}
	cancel := with(with(event, "data/attributes/event_type", "MoveCancel"), "data/attributes/details",
		obj{"cancellation_reason": "other", "cancellation_reason_comment": "Ran out of time"})
	reject := with(with(with(event, "data/attributes/event_type", "MoveReject"), "data/attributes/details",
		obj{"rejection_reason": "no_space_at_receiving_prison", "rebook": false}), "data/relationships/eventable/data/id", fx.repl["{bxiProposed}"])
	newMove := obj{"data": obj{"type": "moves",
		"attributes": obj{"move_type": "court_appearance", "date": "2026-12-01", "additional_information": "Needs an interpreter"},
		"relationships": obj{"from_location": obj{"data": obj{"type": "locations", "id": fx.repl["{SRY016}"]}},
			"to_location": obj{"data": obj{"type": "locations", "id": fx.repl["{GUILMC}"]}},
			"person":      obj{"data": obj{"type": "people", "id": fx.repl["{person}"]}}}}}
	patch := obj{"data": obj{"type": "moves", "id": requested, "attributes": obj{"additional_information": "Bring the warrant"}}}
	person := obj{"data": obj{"type": "people", "attributes": obj{"first_names": "Alex", "last_name": "Hostile", "date_of_birth": "1990-01-01", "gender": "male"}}}
	profile := obj{"data": obj{"type": "profiles", "attributes": obj{"assessment_answers": []any{obj{"category": "risk", "key": "violent", "comments": "Spat at staff"}}}}}
	long := strings.Repeat("x", 100<<10)

	var cs []apiHostileCase
	add := func(c apiHostileCase) { cs = append(cs, c) }
	post := func(name, path string, doc any, want int) {
		add(apiHostileCase{name: name, method: http.MethodPost, path: path, body: jsonBody(doc), want: want})
	}
	patchMove := func(name string, doc any, want int) {
		add(apiHostileCase{name: name, method: http.MethodPatch, path: "/api/moves/" + requested, body: jsonBody(doc), want: want})
	}

	// --- POST /api/events ---
	// Every text member holding SQL or HTML: refused, except the notes and
	// a free-text detail, which are text and kept as sent.
	for i, p := range textPayloads {
		for _, ptr := range []string{"data/type", "data/attributes/event_type", "data/attributes/occurred_at", "data/attributes/recorded_at",
			"data/relationships/eventable/data/type", "data/relationships/eventable/data/id"} {
			post("event "+ptr+" = "+p, "/api/events", with(event, ptr, p), 0)
		}
		post("event details key = "+p, "/api/events", with(event, "data/attributes/details", obj{p: "x"}), 0)
		post("event attribute name = "+p, "/api/events", withMember(event, "data/attributes", p, "x"), 0)
		post("event relationship name = "+p, "/api/events", withMember(event, "data/relationships", p, obj{"data": obj{"type": "locations", "id": move}}), 0)
		post("event resource member name = "+p, "/api/events", withMember(event, "data", p, "x"), 0)
		post("event document member name = "+p, "/api/events", withMember(event, "", p, "x"), 0)
		post("MoveCancel cancellation_reason = "+p, "/api/events", with(cancel, "data/attributes/details/cancellation_reason", p), 0)
		text := fmt.Sprintf("Note %d: %s", i, p)
		add(apiHostileCase{name: "event notes = " + p, method: http.MethodPost, path: "/api/events", body: jsonBody(with(event, "data/attributes/notes", text)),
			accepted: true, stored: &storedText{"/api/events/{id}", "/data/attributes/notes", text}})
		add(apiHostileCase{name: "MoveCancel comment = " + p, method: http.MethodPost, path: "/api/events",
			body:     jsonBody(with(with(cancel, "data/attributes/details/cancellation_reason_comment", text), "data/relationships/eventable/data/id", hidden)),
			accepted: true, stored: &storedText{"/api/events/{id}", "/data/attributes/details/cancellation_reason_comment", text}})
	}
	// Invalid UTF-8, anywhere.
	for _, ptr := range []string{"data/attributes/notes", "data/attributes/event_type", "data/relationships/eventable/data/id", "data/attributes/details/cancellation_reason_comment"} {
		post("event "+ptr+" not UTF-8", "/api/events", with(cancel, ptr, rawInvalidUTF8), http.StatusBadRequest)
	}
	add(apiHostileCase{name: "event body with a byte-order mark", method: http.MethodPost, path: "/api/events", body: append([]byte("\xef\xbb\xbf"), jsonBody(event)...), want: http.StatusBadRequest})
	add(apiHostileCase{name: "event body Latin-1", method: http.MethodPost, path: "/api/events", body: bytes.ReplaceAll(jsonBody(event), []byte("On the A3"), []byte("Caf\xe9")), want: http.StatusBadRequest})
	// Deeply nested and huge.
	for _, depth := range []int{10_000, 100_000} {
		post(fmt.Sprintf("event details nested %d deep", depth), "/api/events", with(event, "data/attributes/details", obj{"vehicle_reg": nested(depth)}), http.StatusBadRequest)
		add(apiHostileCase{name: fmt.Sprintf("body nested %d deep", depth), method: http.MethodPost, path: "/api/events", body: jsonBody(nested(depth)), want: http.StatusBadRequest})
	}
	post("event notes over 1 MiB", "/api/events", with(event, "data/attributes/notes", strings.Repeat("n", 1<<20+10)), http.StatusRequestEntityTooLarge)
	manyKeys := obj{}
	for i := range 40_000 {
		manyKeys[fmt.Sprintf("k%05d", i)] = 1
	}
	add(apiHostileCase{name: "event details with 40,000 members", method: http.MethodPost, path: "/api/events",
		body: jsonBody(with(event, "data/attributes/details", manyKeys)), want: http.StatusUnprocessableEntity, maxAnswer: 64 << 10})
	post("event notes 100 KB", "/api/events", with(event, "data/attributes/notes", long), http.StatusUnprocessableEntity)
	post("event event_type 100 KB", "/api/events", with(event, "data/attributes/event_type", long), http.StatusUnprocessableEntity)
	// Wrong types.
	for _, tc := range []struct {
		ptr string
		v   any
	}{
		{"data/attributes/event_type", 123}, {"data/attributes/occurred_at", 1763800000}, {"data/attributes/notes", 42},
		{"data/attributes/notes", true}, {"data/attributes/event_type", obj{}}, {"data/relationships/eventable/data/id", 7},
		{"data/attributes", []any{}}, {"data/attributes/details", []any{}}, {"data/relationships", []any{}},
		{"data/relationships/eventable", []any{}}, {"data/relationships/eventable/data", []any{obj{"type": "moves", "id": move}}},
		{"data", []any{}}, {"data/type", 1},
	} {
		post(fmt.Sprintf("event %s = %v", tc.ptr, tc.v), "/api/events", with(event, tc.ptr, tc.v), 0)
	}
	post("MoveReject rebook = \"yes\"", "/api/events", with(reject, "data/attributes/details/rebook", "yes"), http.StatusUnprocessableEntity)
	post("MoveReject rebook = \"true\"", "/api/events", with(reject, "data/attributes/details/rebook", "true"), http.StatusUnprocessableEntity)
	post("MoveReject rebook = 1", "/api/events", with(reject, "data/attributes/details/rebook", 1), http.StatusUnprocessableEntity)
	post("MoveReject rejection_reason = 3", "/api/events", with(reject, "data/attributes/details/rejection_reason", 3), http.StatusUnprocessableEntity)
	// Timestamps without zones or out of range.
	for _, ts := range []string{"2020-06-16T10:20:30", "99999-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2026-02-30T10:00:00Z",
		"2026-11-22 10:00:00", "22/11/2026 10:00", "2026-11-22T25:00:00Z", "2026-11-22T10:00:00+24:00", "", "now"} {
		post("event occurred_at = "+ts, "/api/events", with(event, "data/attributes/occurred_at", ts), http.StatusUnprocessableEntity)
		post("event recorded_at = "+ts, "/api/events", with(event, "data/attributes/recorded_at", ts), http.StatusUnprocessableEntity)
	}
	// Unknown event types, the wrong details, missing parts.
	for _, typ := range []string{"NoSuchEvent", "moveaccept", "MoveProposed", "MoveRequested", " MoveAccept", "MoveAccept\n"} {
		post("event_type = "+typ, "/api/events", with(event, "data/attributes/event_type", typ), http.StatusUnprocessableEntity)
	}
	post("MoveCancel without its reason", "/api/events", without(cancel, "data/attributes/details/cancellation_reason"), http.StatusUnprocessableEntity)
	post("MoveRedirect without to_location", "/api/events", with(event, "data/attributes/event_type", "MoveRedirect"), http.StatusUnprocessableEntity)
	post("event without eventable", "/api/events", without(event, "data/relationships/eventable"), http.StatusUnprocessableEntity)
	post("event without relationships", "/api/events", without(event, "data/relationships"), http.StatusUnprocessableEntity)
	post("event eventable without data", "/api/events", without(event, "data/relationships/eventable/data"), http.StatusUnprocessableEntity)
	post("event eventable a person", "/api/events", with(event, "data/relationships/eventable/data/type", "people"), http.StatusUnprocessableEntity)
	post("event eventable unknown", "/api/events", with(event, "data/relationships/eventable/data/id", fx.repl["{missing}"]), http.StatusNotFound)
	post("event without attributes", "/api/events", without(event, "data/attributes"), http.StatusUnprocessableEntity)
	post("event without data", "/api/events", obj{"meta": obj{}}, http.StatusBadRequest)
	post("event with an id", "/api/events", with(event, "data/id", "3f1e0c3a-8d6b-4c59-9a7e-2b9f1d0c4e12"), http.StatusBadRequest)
	// null everywhere: refused where a value is needed, accepted where a
	// member is optional (notes, details).
	for _, ptr := range []string{"data", "data/type", "data/attributes", "data/attributes/event_type", "data/attributes/occurred_at",
		"data/attributes/recorded_at", "data/relationships", "data/relationships/eventable", "data/relationships/eventable/data"} {
		post("event "+ptr+" = null", "/api/events", with(event, ptr, nil), 0)
	}
	add(apiHostileCase{name: "event null notes and details", method: http.MethodPost, path: "/api/events",
		body: jsonBody(with(with(event, "data/attributes/notes", nil), "data/attributes/details", nil)), accepted: true})
	add(apiHostileCase{name: "body null", method: http.MethodPost, path: "/api/events", body: []byte("null"), want: http.StatusBadRequest})
	add(apiHostileCase{name: "body empty", method: http.MethodPost, path: "/api/events", body: []byte(""), want: http.StatusBadRequest})
	add(apiHostileCase{name: "body two documents", method: http.MethodPost, path: "/api/events", body: append(jsonBody(event), jsonBody(event)...), want: http.StatusBadRequest})
	add(apiHostileCase{name: "body truncated", method: http.MethodPost, path: "/api/events", body: jsonBody(event)[:50], want: http.StatusBadRequest})
	add(apiHostileCase{name: "body as a form", method: http.MethodPost, path: "/api/events", body: []byte("event_type=MoveAccept"), ct: "application/x-www-form-urlencoded", want: http.StatusUnsupportedMediaType})
	add(apiHostileCase{name: "body as HTML", method: http.MethodPost, path: "/api/events", body: []byte(htmlTag), ct: "text/html", want: http.StatusUnsupportedMediaType})
	add(apiHostileCase{name: "event with a long Idempotency-Key", method: http.MethodPost, path: "/api/events", body: jsonBody(event),
		hdr: http.Header{"Idempotency-Key": {strings.Repeat("k", 5000)}}, want: http.StatusBadRequest})
	add(apiHostileCase{name: "event with an Idempotency-Key of HTML and a hostile body", method: http.MethodPost, path: "/api/events",
		body: jsonBody(with(event, "data/attributes/event_type", htmlTag)), hdr: http.Header{"Idempotency-Key": {htmlAttr}}, want: http.StatusUnprocessableEntity, keepsAnswer: true})

	// --- POST /api/moves ---
	for i, p := range textPayloads {
		for _, ptr := range []string{"data/attributes/move_type", "data/attributes/date", "data/attributes/date_from", "data/attributes/time_due",
			"data/attributes/status", "data/relationships/from_location/data/id", "data/relationships/to_location/data/id",
			"data/relationships/person/data/id", "data/relationships/person/data/type"} {
			post("move "+ptr+" = "+p, "/api/moves", with(newMove, ptr, p), 0)
		}
		text := fmt.Sprintf("Info %d: %s", i, p)
		add(apiHostileCase{name: "move additional_information = " + p, method: http.MethodPost, path: "/api/moves",
			body:     jsonBody(with(with(newMove, "data/attributes/additional_information", text), "data/attributes/date", fmt.Sprintf("2026-12-%02d", 2+i))),
			accepted: true, stored: &storedText{"/api/moves/{id}", "/data/attributes/additional_information", text}})
	}
	post("move additional_information not UTF-8", "/api/moves", with(newMove, "data/attributes/additional_information", rawInvalidUTF8), http.StatusBadRequest)
	post("move additional_information 100 KB", "/api/moves", with(newMove, "data/attributes/additional_information", long), http.StatusUnprocessableEntity)
	for _, d := range []string{"2020-06-16T10:20:30", "99999-01-01", "0001-01-01", "2026-02-30", "1/12/2026"} {
		post("move date = "+d, "/api/moves", with(newMove, "data/attributes/date", d), http.StatusUnprocessableEntity)
	}
	post("move time_due without a zone", "/api/moves", with(newMove, "data/attributes/time_due", "2026-12-01T10:00:00"), http.StatusUnprocessableEntity)
	post("move date = 20261201", "/api/moves", with(newMove, "data/attributes/date", 20261201), http.StatusUnprocessableEntity)
	post("move without from_location", "/api/moves", without(newMove, "data/relationships/from_location"), http.StatusUnprocessableEntity)
	post("move without a person", "/api/moves", without(newMove, "data/relationships/person"), http.StatusUnprocessableEntity)
	post("move relationships null", "/api/moves", with(newMove, "data/relationships", nil), http.StatusUnprocessableEntity)
	post("move from_location data an array", "/api/moves", with(newMove, "data/relationships/from_location/data", []any{}), http.StatusUnprocessableEntity)
	post("move attributes null", "/api/moves", with(newMove, "data/attributes", nil), http.StatusUnprocessableEntity)
	post("move nested", "/api/moves", with(newMove, "data/attributes/move_type", nested(10_001)), http.StatusBadRequest)
	post("move status booked", "/api/moves", with(newMove, "data/attributes/status", "booked"), http.StatusUnprocessableEntity)

	// --- PATCH /api/moves/:id ---
	for i, p := range textPayloads {
		for _, ptr := range []string{"data/attributes/date", "data/attributes/time_due", "data/attributes/date_changed_reason", "data/attributes/status",
			"data/attributes/move_type", "data/id", "data/type"} {
			patchMove("patch "+ptr+" = "+p, with(patch, ptr, p), 0)
		}
		text := fmt.Sprintf("Patched %d: %s", i, p)
		add(apiHostileCase{name: "patch additional_information = " + p, method: http.MethodPatch, path: "/api/moves/" + requested,
			body: jsonBody(with(patch, "data/attributes/additional_information", text)), accepted: true,
			stored: &storedText{"/api/moves/" + requested, "/data/attributes/additional_information", text}})
	}
	for _, d := range []string{"2020-06-16T10:20:30", "99999-01-01", "0001-01-01"} {
		patchMove("patch date = "+d, with(patch, "data/attributes/date", d), http.StatusUnprocessableEntity)
		patchMove("patch time_due = "+d, with(patch, "data/attributes/time_due", d), http.StatusUnprocessableEntity)
	}
	patchMove("patch date = null", with(patch, "data/attributes/date", nil), http.StatusUnprocessableEntity)
	patchMove("patch additional_information = 12", with(patch, "data/attributes/additional_information", 12), http.StatusUnprocessableEntity)
	patchMove("patch additional_information 100 KB", with(patch, "data/attributes/additional_information", long), http.StatusUnprocessableEntity)
	patchMove("patch additional_information not UTF-8", with(patch, "data/attributes/additional_information", rawInvalidUTF8), http.StatusBadRequest)
	patchMove("patch to_location", with(patch, "data/relationships", obj{"to_location": obj{"data": obj{"type": "locations", "id": fx.repl["{GUILMC}"]}}}), http.StatusUnprocessableEntity)
	patchMove("patch nested", with(patch, "data/attributes", nested(10_001)), http.StatusBadRequest)
	patchMove("patch attributes an array", with(patch, "data/attributes", []any{"date"}), http.StatusUnprocessableEntity)
	add(apiHostileCase{name: "patch a move by SQL", method: http.MethodPatch, path: "/api/moves/" + url.PathEscape(sqlOr), body: jsonBody(patch), want: http.StatusNotFound})
	add(apiHostileCase{name: "patch another supplier's move", method: http.MethodPatch, path: "/api/moves/" + hidden,
		body: jsonBody(with(patch, "data/id", hidden)), want: http.StatusNotFound, asSupplier: true})
	add(apiHostileCase{name: "event on another supplier's move", method: http.MethodPost, path: "/api/events",
		body: jsonBody(with(event, "data/relationships/eventable/data/id", hidden)), want: http.StatusNotFound, asSupplier: true})

	// --- POST /api/people and profiles ---
	for i, p := range textPayloads {
		for _, ptr := range []string{"data/attributes/date_of_birth", "data/attributes/gender", "data/attributes/police_national_computer", "data/attributes/prison_number", "data/type"} {
			post("person "+ptr+" = "+p, "/api/people", with(person, ptr, p), 0)
		}
		for _, ptr := range []string{"first_names", "last_name"} {
			text := fmt.Sprintf("%s %d", p, i)
			add(apiHostileCase{name: "person " + ptr + " = " + p, method: http.MethodPost, path: "/api/people",
				body: jsonBody(with(person, "data/attributes/"+ptr, text)), accepted: true, stored: &storedText{"/api/people/{id}", "/data/attributes/" + ptr, text}})
		}
		post("profile category = "+p, "/api/people/"+fx.repl["{person}"]+"/profiles", with(profile, "data/attributes/assessment_answers", []any{obj{"category": p, "key": "violent"}}), http.StatusUnprocessableEntity)
		add(apiHostileCase{name: "profile comments = " + p, method: http.MethodPost, path: "/api/people/" + fx.repl["{person}"] + "/profiles",
			body: jsonBody(with(profile, "data/attributes/assessment_answers", []any{obj{"category": "risk", "key": "violent", "comments": p}})), accepted: true})
	}
	post("person first_names 100 KB", "/api/people", with(person, "data/attributes/first_names", long), http.StatusUnprocessableEntity)
	post("person last_name not UTF-8", "/api/people", with(person, "data/attributes/last_name", rawInvalidUTF8), http.StatusBadRequest)
	post("person first_names = 7", "/api/people", with(person, "data/attributes/first_names", 7), http.StatusUnprocessableEntity)
	post("person names null", "/api/people", with(with(person, "data/attributes/first_names", nil), "data/attributes/last_name", nil), http.StatusUnprocessableEntity)
	post("person date_of_birth in the future", "/api/people", with(person, "data/attributes/date_of_birth", "2999-01-01"), http.StatusUnprocessableEntity)
	post("person date_of_birth 0001-01-01", "/api/people", with(person, "data/attributes/date_of_birth", "0001-01-01"), http.StatusUnprocessableEntity)
	post("person attributes an array", "/api/people", with(person, "data/attributes", []any{}), http.StatusUnprocessableEntity)
	post("profile answers an object", "/api/people/"+fx.repl["{person}"]+"/profiles", with(profile, "data/attributes/assessment_answers", obj{"category": "risk"}), http.StatusUnprocessableEntity)
	post("profile answers of strings", "/api/people/"+fx.repl["{person}"]+"/profiles", with(profile, "data/attributes/assessment_answers", []any{"risk"}), http.StatusUnprocessableEntity)
	post("profile key 100 KB", "/api/people/"+fx.repl["{person}"]+"/profiles", with(profile, "data/attributes/assessment_answers", []any{obj{"category": "risk", "key": long}}), http.StatusUnprocessableEntity)
	post("profile for a person by SQL", "/api/people/"+url.PathEscape(sqlDrop)+"/profiles", profile, http.StatusNotFound)

	// --- Query filters ---
	get := func(name, path string, want int) {
		add(apiHostileCase{name: name, method: http.MethodGet, path: path, want: want})
	}
	for _, p := range append(textPayloads, "\xff") {
		q := url.QueryEscape(p)
		bad := func(want int) int {
			if p == "\xff" {
				return http.StatusBadRequest // not UTF-8: refused before any parameter or id is read
			}
			return want
		}
		get("moves filter[status] = "+p, "/api/moves?filter[status]="+q, bad(http.StatusUnprocessableEntity))
		get("moves filter[from_location_id] = "+p, "/api/moves?filter[from_location_id]="+q, bad(http.StatusUnprocessableEntity))
		get("moves filter[date_from] = "+p, "/api/moves?filter[date_from]="+q, bad(http.StatusUnprocessableEntity))
		if p == "\xff" {
			get("moves filter[reference] = "+p, "/api/moves?filter[reference]="+q, http.StatusBadRequest)
		} else {
			add(apiHostileCase{name: "moves filter[reference] = " + p, method: http.MethodGet, path: "/api/moves?filter[reference]=" + q, accepted: true, readOnly: true})
		}
		get("moves sort[by] = "+p, "/api/moves?sort[by]="+q, bad(http.StatusUnprocessableEntity))
		get("moves include = "+p, "/api/moves?include="+q, bad(http.StatusBadRequest))
		get("moves filter named "+p, "/api/moves?filter["+q+"]=1", bad(http.StatusBadRequest))
		get("people filter[police_national_computer] = "+p, "/api/people?filter[police_national_computer]="+q, bad(http.StatusUnprocessableEntity))
		get("locations filter[location_type] = "+p, "/api/reference/locations?filter[location_type]="+q, bad(http.StatusUnprocessableEntity))
		get("move by id "+p, "/api/moves/"+url.PathEscape(p), bad(http.StatusNotFound))
		get("move events by id "+p, "/api/moves/"+url.PathEscape(p)+"/events", bad(http.StatusNotFound))
		get("event by id "+p, "/api/events/"+url.PathEscape(p), bad(http.StatusNotFound))
		get("person by id "+p, "/api/people/"+url.PathEscape(p), bad(http.StatusNotFound))
		get("location by id "+p, "/api/reference/locations/"+url.PathEscape(p), bad(http.StatusNotFound))
		get("supplier by key "+p, "/api/reference/suppliers/"+url.PathEscape(p), bad(http.StatusNotFound))
	}
	for _, q := range []string{"filter[date_from]=99999-01-01", "filter[date_from]=0001-01-01", "filter[date_to]=2020-06-16T10:20:30",
		"page=0", "page=-1", "page=1e9", "page=99999999999999999999", "page=9223372036854775807", "per_page=0", "per_page=-5",
		"filter[status]=booked&filter[status]=requested", "filter[reference]=" + strings.Repeat("ABC1234D,", 40_000),
		"filter[from_location_id]=" + strings.Repeat(fx.repl["{SRY016}"]+",", 300), "filter[status]=" + strings.Repeat("booked,", 300)} {
		get("moves ?"+q, "/api/moves?"+q, 0)
	}
	// A filter that matches nothing is a question with an empty answer.
	add(apiHostileCase{name: "a long reference", method: http.MethodGet, path: "/api/moves?filter[reference]=" + strings.Repeat("A", 5000), accepted: true, readOnly: true})
	for _, p := range []string{"/api/people", "/api/reference/locations", "/api/moves"} {
		extra := ""
		if p == "/api/people" {
			extra = "&filter[police_national_computer]=" + url.QueryEscape(fx.repl["{pnc}"])
		}
		for _, n := range []string{"9223372036854775807", "4611686018427387904", "461168601842738790"} {
			get(p+" page="+n, p+"?page="+n+extra, 0)
		}
	}
	return cs
}

// TestHostileAPIInput sends every case of the API table with an internal
// client's token and checks the answer and the database.
func TestHostileAPIInput(t *testing.T) {
	h := secHarness(t, web.Config{}, nil)
	fx := newTableFixtures(t, h)
	api := newAPIClient(t, h, "", "Internal hostile client")
	serco := newAPIClient(t, h, "serco", "Serco hostile client")
	cases := apiHostileCases(fx)
	accepted := 0
	for _, tc := range cases {
		if tc.accepted {
			accepted++
		}
	}
	t.Logf("%d hostile API requests: %d refused, %d legitimate text kept as sent", len(cases), len(cases)-accepted, accepted)
	for _, tc := range cases {
		fp := fingerprint
		if tc.keepsAnswer {
			fp = contentFingerprint
		}
		before := fp(t, h)
		hdr := bearer(api.token)
		if tc.asSupplier {
			hdr = bearer(serco.token)
		}
		for k, v := range tc.hdr {
			hdr[k] = v
		}
		ct := tc.ct
		if ct == "" && tc.body != nil {
			ct = "application/vnd.api+json"
		}
		r := doRaw(t, nil, tc.method, h.ts.URL+tc.path, ct, tc.body, hdr)
		name := fmt.Sprintf("%s %s (%s)", tc.method, shorten(tc.path), shorten(tc.name))
		if msg := checkSecurityHeaders(r, false); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
		if tc.accepted {
			if r.StatusCode != http.StatusOK && r.StatusCode != http.StatusCreated {
				t.Errorf("%s: legitimate input refused: %d %.300s", name, r.StatusCode, r.body)
				continue
			}
			if changed := fp(t, h) != before; changed == tc.readOnly {
				// The fingerprint sees every write; here, one that happened.
				t.Errorf("%s: accepted; the fingerprint changed: %v, want %v", name, changed, !tc.readOnly)
			}
			if tc.stored != nil {
				var doc struct {
					Data struct {
						ID string `json:"id"`
					} `json:"data"`
				}
				_ = json.Unmarshal(r.body, &doc)
				back := apiCall(t, h, api.token, http.MethodGet, strings.ReplaceAll(tc.stored.path, "{id}", doc.Data.ID), nil)
				if got := jsonPointer(t, back.body, tc.stored.pointer); got != tc.stored.text {
					t.Errorf("%s: stored %q, sent %q", name, got, tc.stored.text)
				}
			}
			continue
		}
		switch {
		case tc.want != 0 && r.StatusCode != tc.want:
			t.Errorf("%s: %d, want %d: %.300s", name, r.StatusCode, tc.want, r.body)
		case tc.want == 0 && (r.StatusCode < 400 || r.StatusCode >= 500 || r.StatusCode == http.StatusUnauthorized || r.StatusCode == http.StatusForbidden):
			t.Errorf("%s: %d, want a 4xx: %.300s", name, r.StatusCode, r.body)
		}
		if msg := checkAPIError(r); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
		if tc.maxAnswer > 0 && len(r.body) > tc.maxAnswer {
			t.Errorf("%s: an answer of %d bytes to %d", name, len(r.body), len(tc.body))
		}
		if after := fp(t, h); after != before {
			if diff := fingerprintDiff(before, after); !tc.keepsAnswer || !onlyIdempotency(diff) {
				t.Errorf("%s: refused, yet the database changed: %s", name, diff)
			}
		}
	}
}

// onlyIdempotency reports whether a fingerprint difference is one answer
// kept for an Idempotency-Key and nothing else.
func onlyIdempotency(diff string) bool {
	for _, d := range strings.Split(diff, ", ") {
		if !strings.HasPrefix(d, "idempotency_keys:0:") || !strings.Contains(d, "→ idempotency_keys:1:") {
			return false
		}
	}
	return true
}

func shorten(s string) string {
	if len(s) > 90 {
		return fmt.Sprintf("%s… (%d bytes)", s[:80], len(s))
	}
	return s
}

// checkAPIError checks an API error answer: JSON:API errors, each with its
// status, a title and a detail that says what is wrong.
func checkAPIError(r response) string {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.api+json") {
		return "error answer with Content-Type " + r.Header.Get("Content-Type")
	}
	var doc struct {
		Errors []struct {
			Status string `json:"status"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || len(doc.Errors) == 0 {
		return fmt.Sprintf("error answer without JSON:API errors: %.200s", r.body)
	}
	for _, e := range doc.Errors {
		if e.Status != fmt.Sprint(r.StatusCode) || e.Title == "" || len(e.Detail) < 8 {
			return fmt.Sprintf("an error object without its status, a title or a clear detail: %+v", e)
		}
		if strings.Contains(e.Detail, "panic") || strings.Contains(e.Detail, "sql") || strings.Contains(e.Detail, "SQLITE") {
			return "an error object that shows internals: " + e.Detail
		}
	}
	return ""
}

// jsonPointer reads a string at a JSON pointer.
func jsonPointer(t *testing.T, body []byte, ptr string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %.200s", body)
	}
	for _, k := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Sprintf("<no %s in %.200s>", ptr, body)
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// --- The staff app's forms ---

// formsClient posts a signed-in user's forms and checks the answers.
type formsClient struct {
	t     *testing.T
	h     *harness
	c     *http.Client
	token string
}

func newFormsClient(t *testing.T, h *harness, c *http.Client) formsClient {
	return formsClient{t: t, h: h, c: c, token: csrfOf(t, h, c)}
}

// csrf is the session's token, which stays the same until sign-in or out.
func (f formsClient) csrf() string { return f.token }

// refused posts (or, with form nil, gets) something hostile and checks
// that it is refused with want (0: any 4xx) on a proper page saying what
// is wrong, and that nothing in the database changed.
func (f formsClient) refused(name, method, path string, form url.Values, want int) response {
	t := f.t
	t.Helper()
	before := fingerprint(t, f.h)
	refusedCount.Add(1)
	if form != nil {
		form.Set("_csrf", f.csrf())
	}
	r := do(t, f.c, method, f.h.ts.URL+path, form, nil)
	label := fmt.Sprintf("%s %s (%s)", method, shorten(path), shorten(name))
	switch {
	case want != 0 && r.StatusCode != want:
		t.Errorf("%s: %d, want %d (Location %q)", label, r.StatusCode, want, r.Header.Get("Location"))
	case want == 0 && (r.StatusCode < 400 || r.StatusCode >= 500):
		t.Errorf("%s: %d, want a 4xx (Location %q)", label, r.StatusCode, r.Header.Get("Location"))
	}
	if msg := checkFormAnswer(r); msg != "" {
		t.Errorf("%s: %s", label, msg)
	}
	if after := fingerprint(t, f.h); after != before {
		t.Errorf("%s: refused, yet the database changed: %s", label, fingerprintDiff(before, after))
	}
	return r
}

// refusedCount counts the hostile requests the staff app refused.
var refusedCount atomic.Int64

// accepted posts legitimate input (perhaps text holding HTML) and
// expects a redirect (303) onwards; it returns where to.
func (f formsClient) accepted(name, path string, form url.Values) string {
	f.t.Helper()
	form.Set("_csrf", f.csrf())
	r := do(f.t, f.c, http.MethodPost, f.h.ts.URL+path, form, nil)
	if r.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("POST %s (%s): %d, want 303: %s", path, name, r.StatusCode, strings.Join(strings.Fields(r.doc().Find(".govuk-error-summary, h1").Text()), " "))
	}
	return r.Header.Get("Location")
}

// checkFormAnswer checks a refused form's page: a whole GOV.UK page with
// one heading, an error summary whose links point at fields on the page
// when it is a 422 (or 401/429 for sign-in), and nothing of what was sent
// turned into markup.
func checkFormAnswer(r response) string {
	if !r.isHTML() {
		return "answer with Content-Type " + r.Header.Get("Content-Type")
	}
	doc := r.doc()
	if n := doc.Find("h1").Length(); n != 1 {
		return fmt.Sprintf("%d h1 headings", n)
	}
	if bad := injected(doc); len(bad) > 0 {
		return fmt.Sprintf("markup made from the input: %v", bad)
	}
	switch r.StatusCode {
	case http.StatusUnprocessableEntity, http.StatusUnauthorized, http.StatusTooManyRequests:
		sum := doc.Find(".govuk-error-summary")
		if sum.Length() != 1 || !strings.HasPrefix(doc.Find("title").Text(), "Error: ") {
			return "no error summary or Error: title"
		}
		var msg string
		sum.Find("a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if strings.TrimSpace(a.Text()) == "" || !strings.HasPrefix(href, "#") || doc.Find(href).Length() == 0 {
				msg = fmt.Sprintf("error summary link %q (%q) points at nothing", href, a.Text())
			}
		})
		return msg
	default:
		if strings.TrimSpace(doc.Find("h1").Text()) == "" || doc.Find("main p").Length() == 0 {
			return "an error page that says nothing"
		}
	}
	return ""
}

// textShown checks that a page shows each text as text: present in the
// page's text, and not one element made from it.
func textShown(t *testing.T, what string, r response, texts ...string) {
	t.Helper()
	if r.StatusCode != http.StatusOK {
		t.Errorf("%s: %d", what, r.StatusCode)
		return
	}
	doc := r.doc()
	if bad := injected(doc); len(bad) > 0 {
		t.Errorf("%s: markup made from stored text: %v", what, bad)
	}
	page := doc.Text()
	for _, s := range texts {
		if !strings.Contains(page, s) && !strings.Contains(page, strings.ToUpper(s)) {
			t.Errorf("%s: does not show %q", what, s)
		}
	}
}

// formPayloads are the values every field that is not free text must
// refuse: SQL, HTML, a long string and, as its own case, bytes that are
// not UTF-8 (400 for those, before any handler).
var formPayloads = append(append([]string{}, textPayloads...), strings.Repeat("9", 100<<10))

// TestHostileForms posts hostile values into every field of the staff
// forms — sign-in, each step of "Request a move", the move actions, the
// location chooser — and sends them to "Jump to date" and the review
// filters: each is refused with a page that says what is wrong, and
// nothing changes. Text fields take HTML and SQL as text, and the pages
// that show it show it escaped.
func TestHostileForms(t *testing.T) {
	start := refusedCount.Load()
	defer func() { t.Logf("%d hostile requests to the staff app refused", refusedCount.Load()-start) }()
	h := secHarness(t, web.Config{}, nil)
	fx := newTableFixtures(t, h)
	today := h.srv.Handlers.Today()
	notUTF8 := "Caf\xe9 \xff"
	long := strings.Repeat("x", 100<<10)

	// --- Sign-in ---
	anon := newFormsClient(t, h, h.client())
	for i, p := range formPayloads {
		anon.refused("username "+p, http.MethodPost, "/sign-in", url.Values{"username": {p}, "password": {"demo-password"}}, http.StatusUnauthorized)
		users := []string{"pmu", "police", "prison", "court", "supplier", "admin"}
		anon.refused("password "+p, http.MethodPost, "/sign-in", url.Values{"username": {users[i%len(users)]}, "password": {p}}, 0)
	}
	anon.refused("username not UTF-8", http.MethodPost, "/sign-in", url.Values{"username": {notUTF8}, "password": {"demo-password"}}, http.StatusBadRequest)
	anon.refused("username 1 MiB", http.MethodPost, "/sign-in", url.Values{"username": {strings.Repeat("u", 1<<20)}, "password": {"x"}}, http.StatusRequestEntityTooLarge)

	police := newFormsClient(t, h, signInAs(t, h, "police"))
	pmu := newFormsClient(t, h, signInAs(t, h, "pmu"))

	// --- The location chooser ---
	for _, p := range formPayloads {
		police.refused("location "+p, http.MethodPost, "/locations", url.Values{"location": {p}, "next": {"/"}}, http.StatusUnprocessableEntity)
	}
	police.refused("location not UTF-8", http.MethodPost, "/locations", url.Values{"location": {notUTF8}}, http.StatusBadRequest)
	police.refused("location with NUL", http.MethodPost, "/locations", url.Values{"location": {"a\x00b"}}, http.StatusBadRequest)
	for _, next := range []string{"javascript:alert(1)", "//evil.example/x", "https://evil.example/", "/\\evil.example", htmlAttr,
		"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/x\\..\\\\evil.example"} {
		if to := police.accepted("next "+next, "/locations", url.Values{"location": {fx.repl["{SRY016}"]}, "next": {next}}); to != "/" {
			t.Errorf("choosing a location with next=%q sent to %q", next, to)
		}
	}

	// --- Request a move: every step, hostile values first ---
	loc := do(t, police.c, http.MethodGet, h.ts.URL+"/move/new", nil, nil).Header.Get("Location")
	j := strings.TrimSuffix(loc, "/person")
	if !strings.HasPrefix(j, "/move/new/") {
		t.Fatalf("starting a journey: %q", loc)
	}
	step := func(s string) string { return j + "/" + s }
	for _, p := range formPayloads {
		police.refused("number "+p, http.MethodPost, step("person"), url.Values{"number": {p}}, http.StatusUnprocessableEntity)
		police.refused("dob-day "+p, http.MethodPost, step("person-name"), url.Values{"last_name": {"Smith"}, "dob-day": {p}, "dob-month": {"1"}, "dob-year": {"1990"}}, http.StatusUnprocessableEntity)
		police.refused("dob-year "+p, http.MethodPost, step("person-name"), url.Values{"last_name": {"Smith"}, "dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {p}}, http.StatusUnprocessableEntity)
	}
	for _, y := range []string{"99999", "0001", "2999"} {
		police.refused("date of birth in "+y, http.MethodPost, step("person-name"), url.Values{"last_name": {"Smith"}, "dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {y}}, http.StatusUnprocessableEntity)
	}
	police.refused("number not UTF-8", http.MethodPost, step("person"), url.Values{"number": {notUTF8}}, http.StatusBadRequest)
	police.refused("last name 100 KB", http.MethodPost, step("person-name"), url.Values{"last_name": {long}, "dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {"1990"}}, http.StatusUnprocessableEntity)
	// A search by a last name holding HTML is a search: the results say
	// what was searched for, escaped.
	to := police.accepted("search by an HTML last name", step("person-name"), url.Values{"last_name": {htmlTag}, "dob-day": {"1"}, "dob-month": {"1"}, "dob-year": {"1990"}})
	textShown(t, "results for an HTML last name", do(t, police.c, http.MethodGet, h.ts.URL+to, nil, nil), htmlTag)
	// Someone found: only they (or a new person) may be chosen.
	police.accepted("search by PNC", step("person"), url.Values{"number": {fx.repl["{pnc}"]}})
	for _, p := range append(append([]string{}, formPayloads...), fx.repl["{missing}"], fx.moves["bmiCompleted"].PersonID) {
		police.refused("results: "+p, http.MethodPost, step("results"), url.Values{"person": {p}}, http.StatusUnprocessableEntity)
	}

	pnc := freshPNC(t)
	person := url.Values{"first_names": {htmlTag}, "last_name": {htmlAttr}, "dob-day": {"1"}, "dob-month": {"2"}, "dob-year": {"1990"},
		"gender": {"male"}, "ethnicity": {""}, "pnc": {pnc}, "prison_number": {""}}
	for _, field := range []string{"dob-day", "dob-month", "dob-year", "gender", "ethnicity", "pnc", "prison_number"} {
		for _, p := range formPayloads {
			f := cloneValues(person)
			f.Set(field, p)
			police.refused("new person "+field+" "+p, http.MethodPost, step("new-person"), f, http.StatusUnprocessableEntity)
		}
	}
	for _, field := range []string{"first_names", "last_name"} {
		f := cloneValues(person)
		f.Set(field, long)
		police.refused("new person "+field+" 100 KB", http.MethodPost, step("new-person"), f, http.StatusUnprocessableEntity)
		f.Set(field, notUTF8)
		police.refused("new person "+field+" not UTF-8", http.MethodPost, step("new-person"), f, http.StatusBadRequest)
	}
	police.accepted("a new person whose names hold HTML", step("new-person"), person)

	for _, p := range append(formPayloads, "prison_transfer") {
		police.refused("move_type "+p, http.MethodPost, step("move-type"), url.Values{"move_type": {p}}, http.StatusUnprocessableEntity)
	}
	police.accepted("court appearance", step("move-type"), url.Values{"move_type": {"court_appearance"}})

	dest := url.Values{"to": {"Guildford Crown Court"}, "time_due": {"10am"}, "notes": {"Interpreter needed"}}
	for _, field := range []string{"to", "time_due"} {
		for _, p := range formPayloads {
			f := cloneValues(dest)
			f.Set(field, p)
			police.refused("destination "+field+" "+p, http.MethodPost, step("destination"), f, http.StatusUnprocessableEntity)
		}
	}
	f := cloneValues(dest)
	f.Set("notes", long)
	police.refused("notes 100 KB", http.MethodPost, step("destination"), f, http.StatusUnprocessableEntity)
	f.Set("notes", notUTF8)
	police.refused("notes not UTF-8", http.MethodPost, step("destination"), f, http.StatusBadRequest)
	notes := "Notes: " + htmlTag + " " + sqlDrop + " " + htmlAttr
	dest.Set("notes", notes)
	police.accepted("notes holding HTML and SQL", step("destination"), dest)

	for _, p := range formPayloads {
		police.refused("date_type "+p, http.MethodPost, step("date"), url.Values{"date_type": {p}}, http.StatusUnprocessableEntity)
	}
	for _, d := range append(append([]string{}, formPayloads...), "99999-01-01", "0001-01-01", "2020-06-16T10:20:30", "yesterday", "31/02/2027") {
		police.refused("date_custom "+d, http.MethodPost, step("date-other"), url.Values{"date_custom": {d}}, http.StatusUnprocessableEntity)
	}
	police.accepted("today", step("date"), url.Values{"date_type": {"today"}})
	for _, p := range formPayloads {
		police.refused("s46 "+p, http.MethodPost, step("section-46"), url.Values{"s46": {p}}, http.StatusUnprocessableEntity)
	}
	police.accepted("section 46", step("section-46"), url.Values{"s46": {"no"}})

	flagDetails := map[string]string{}
	for _, cat := range []string{"court", "risk", "health"} {
		for _, p := range formPayloads {
			police.refused(cat+" "+p, http.MethodPost, step(cat), url.Values{cat: {p}}, http.StatusUnprocessableEntity)
		}
		key := map[string]string{"court": "interpreter", "risk": "violent", "health": "medication"}[cat]
		police.refused(cat+" details 100 KB", http.MethodPost, step(cat), url.Values{cat: {key}, cat + "_" + key + "_details": {long}}, http.StatusUnprocessableEntity)
		police.refused(cat+" none and a box", http.MethodPost, step(cat), url.Values{cat: {"none", key}}, http.StatusUnprocessableEntity)
		details := fmt.Sprintf("%s details: %s %s", cat, htmlAttr, sqlOr)
		flagDetails[cat] = details
		police.accepted(cat+" details holding HTML", step(cat), url.Values{cat: {key}, cat + "_" + key + "_details": {details}})
	}
	// Check your answers shows it all as text.
	textShown(t, "check your answers", do(t, police.c, http.MethodGet, h.ts.URL+step("check"), nil, nil),
		htmlTag, htmlAttr, notes, flagDetails["court"], flagDetails["risk"], flagDetails["health"])
	done := police.accepted("request the move", step("check"), url.Values{})
	textShown(t, "confirmation", do(t, police.c, http.MethodGet, h.ts.URL+done, nil, nil), htmlTag, htmlAttr)
	moveID := strings.Split(done, "/")[2]
	for _, c := range []formsClient{police, pmu} {
		textShown(t, "the move's page", do(t, c.c, http.MethodGet, h.ts.URL+"/move/"+moveID, nil, nil), htmlTag, htmlAttr, notes, flagDetails["risk"], flagDetails["health"], flagDetails["court"])
		textShown(t, "the move's timeline", do(t, c.c, http.MethodGet, h.ts.URL+"/move/"+moveID+"/timeline", nil, nil))
		textShown(t, "the cancel form", do(t, c.c, http.MethodGet, h.ts.URL+"/move/"+moveID+"/cancel", nil, nil), htmlTag, htmlAttr)
		textShown(t, "the redirect form", do(t, c.c, http.MethodGet, h.ts.URL+"/move/"+moveID+"/redirect", nil, nil), htmlTag, htmlAttr)
	}
	textShown(t, "outgoing list", do(t, police.c, http.MethodGet, h.ts.URL+"/moves/outgoing/"+today, nil, nil), htmlTag, htmlAttr)
	textShown(t, "incoming list at the court", do(t, signInAs(t, h, "court"), http.MethodGet, h.ts.URL+"/moves/incoming/"+today, nil, nil), htmlTag, htmlAttr)
	textShown(t, "home", do(t, police.c, http.MethodGet, h.ts.URL+"/", nil, nil))
	checkCSV(t, "outgoing CSV", do(t, police.c, http.MethodGet, h.ts.URL+"/moves/outgoing/"+today+"/download.csv", nil, nil), htmlTag, htmlAttr)

	// --- The move actions, as pmu ---
	type action struct {
		path   string
		move   string
		form   url.Values
		fields []string
	}
	for _, a := range []action{
		{"cancel", "gfdBooked", url.Values{"cancellation_reason": {"other"}, "cancellation_reason_comment": {"Bail"}}, []string{"cancellation_reason"}},
		{"approve", "bxiProposed", url.Values{"date-day": {fx.repl["{windowDay}"]}, "date-month": {fx.repl["{windowMonth}"]}, "date-year": {fx.repl["{windowYear}"]}}, []string{"date-day", "date-month", "date-year"}},
		{"reject", "bxiProposed", url.Values{"rejection_reason": {"no_transport_available"}, "rebook": {"false"}}, []string{"rejection_reason", "rebook"}},
		{"redirect", "gfdBooked", url.Values{"to_location": {fx.repl["{GUILMC}"]}, "move_type": {"court_appearance"}, "reason": {"no_space"}}, []string{"to_location", "move_type", "reason"}},
		{"date", "gfdHospital", url.Values{"date-day": {"27"}, "date-month": {"11"}, "date-year": {"2026"}, "date_changed_reason": {""}}, []string{"date-day", "date-month", "date-year", "date_changed_reason"}},
	} {
		path := "/move/" + fx.moves[a.move].ID + "/" + a.path
		version := fmt.Sprint(fx.moves[a.move].Version)
		for _, field := range a.fields {
			for _, p := range append(append([]string{}, formPayloads...), "99999", "0001", "-1") {
				if (p == "-1" || p == "0001" || p == "99999") && !strings.HasPrefix(field, "date-") {
					continue
				}
				f := cloneValues(a.form)
				f.Set("version", version)
				f.Set(field, p)
				pmu.refused(a.path+" "+field+" "+p, http.MethodPost, path, f, http.StatusUnprocessableEntity)
			}
			f := cloneValues(a.form)
			f.Set("version", version)
			f.Set(field, notUTF8)
			pmu.refused(a.path+" "+field+" not UTF-8", http.MethodPost, path, f, http.StatusBadRequest)
		}
		for _, v := range append(append([]string{}, textPayloads...), "", "0", "1e3") {
			f := cloneValues(a.form)
			f.Set("version", v)
			pmu.refused(a.path+" version "+v, http.MethodPost, path, f, http.StatusBadRequest)
		}
		f := cloneValues(a.form)
		f.Set("version", "99999")
		pmu.refused(a.path+" an old version", http.MethodPost, path, f, http.StatusConflict)
	}
	f = url.Values{"version": {fmt.Sprint(fx.moves["gfdBooked"].Version)}, "cancellation_reason": {"other"}, "cancellation_reason_comment": {long}}
	pmu.refused("cancel comment 100 KB", http.MethodPost, "/move/"+fx.moves["gfdBooked"].ID+"/cancel", f, http.StatusUnprocessableEntity)
	comment := "Cancelled: " + htmlAttr + " " + sqlDrop
	pmu.accepted("cancel with a comment holding HTML", "/move/"+fx.moves["gfdBooked"].ID+"/cancel",
		url.Values{"version": {fmt.Sprint(fx.moves["gfdBooked"].Version)}, "cancellation_reason": {"other"}, "cancellation_reason_comment": {comment}})
	textShown(t, "a cancelled move's page", do(t, pmu.c, http.MethodGet, h.ts.URL+"/move/"+fx.moves["gfdBooked"].ID, nil, nil), comment)
	textShown(t, "a cancelled move's timeline", do(t, pmu.c, http.MethodGet, h.ts.URL+"/move/"+fx.moves["gfdBooked"].ID+"/timeline", nil, nil), comment)

	// --- Jump to date, list filters and addresses ---
	for _, p := range append(append([]string{}, formPayloads...), "99999-01-01", "0001-01-01", "2020-06-16T10:20:30", "32/13/2026") {
		police.refused("jump "+p, http.MethodGet, "/moves/outgoing/"+today+"?jump="+url.QueryEscape(p), nil, http.StatusUnprocessableEntity)
		police.refused("list date "+p, http.MethodGet, "/moves/incoming/"+url.PathEscape(p), nil, http.StatusNotFound)
		police.refused("CSV date "+p, http.MethodGet, "/moves/incoming/"+url.PathEscape(p)+"/download.csv", nil, http.StatusNotFound)
		pmu.refused("move page "+p, http.MethodGet, "/move/"+url.PathEscape(p), nil, http.StatusNotFound)
		pmu.refused("move action "+p, http.MethodPost, "/move/"+url.PathEscape(p)+"/cancel", url.Values{"version": {"1"}}, http.StatusNotFound)
		police.refused("journey "+p, http.MethodGet, "/move/new/"+url.PathEscape(p)+"/person", nil, http.StatusNotFound)
		police.refused("journey step "+p, http.MethodPost, step(url.PathEscape(p)), url.Values{"number": {"A1234BC"}}, http.StatusNotFound)
	}
	police.refused("jump not UTF-8", http.MethodGet, "/moves/outgoing/"+today+"?jump=%FF", nil, http.StatusBadRequest)

	// --- The review filters ---
	for _, field := range []string{"earliest_from", "earliest_to", "sent_from", "sent_to", "from", "region"} {
		for _, p := range append(append([]string{}, formPayloads...), "99999-01-01", "0001-01-01") {
			pmu.refused("review "+field+" "+p, http.MethodGet, "/moves/review?"+field+"="+url.QueryEscape(p), nil, http.StatusUnprocessableEntity)
		}
		pmu.refused("review CSV "+field+" "+htmlAttr, http.MethodGet, "/moves/review/download.csv?"+field+"="+url.QueryEscape(htmlAttr), nil, http.StatusUnprocessableEntity)
		pmu.refused("review "+field+" not UTF-8", http.MethodGet, "/moves/review?"+field+"=%FF", nil, http.StatusBadRequest)
	}
	// The table's state in links (status, sort, direction, page): a value
	// no link makes falls back to the default, and is never echoed as markup.
	for _, field := range []string{"status", "sort", "direction", "page"} {
		for _, p := range formPayloads {
			r := do(t, pmu.c, http.MethodGet, h.ts.URL+"/moves/review?"+field+"="+url.QueryEscape(p), nil, nil)
			if r.StatusCode != http.StatusOK || len(injected(r.doc())) > 0 {
				t.Errorf("review %s=%s: %d %v", field, shorten(p), r.StatusCode, injected(r.doc()))
			}
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// freshPNC is a valid PNC number that no demo person has.
func freshPNC(t *testing.T) string {
	t.Helper()
	for _, c := range "ABCDEFGHJKLMNPQRTUVWXYZ" {
		s := fmt.Sprintf("19/%07d%c", 4321987, c)
		if moves.ValidPNC(s) {
			return s
		}
	}
	t.Fatal("no PNC")
	return ""
}

// checkCSV checks a download: text/csv, an attachment, every cell that a
// spreadsheet would run as a formula made text, and the texts present
// verbatim.
func checkCSV(t *testing.T, what string, r response, texts ...string) [][]string {
	t.Helper()
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("%s: %d %s %s", what, r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
		return nil
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Errorf("%s: not CSV: %v", what, err)
		return nil
	}
	all := ""
	for _, row := range rows {
		for _, cell := range row {
			all += cell + "\n"
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s: a cell a spreadsheet would run: %q", what, cell)
			}
		}
	}
	for _, s := range texts {
		if !strings.Contains(all, s) && !strings.Contains(all, strings.ToUpper(s)) {
			t.Errorf("%s: does not hold %q", what, s)
		}
	}
	return rows
}

// TestHostileTextFromTheAPIIsShownEscaped: people whose names hold HTML
// (or a spreadsheet formula), moves whose additional information holds
// HTML and SQL, and events whose notes and comments do, all sent through
// the API, are kept as sent and shown as text on every staff page that
// shows them — the move page and timeline, the day lists and their CSV,
// PMU's review table and its CSV, the search results and check your
// answers of "Request a move" — and in CSV every cell a spreadsheet would
// run is made text.
func TestHostileTextFromTheAPIIsShownEscaped(t *testing.T) {
	h := secHarness(t, web.Config{}, nil)
	fx := newTableFixtures(t, h)
	today := h.srv.Handlers.Today()
	api := newAPIClient(t, h, "", "Internal display client")
	create := func(path string, doc obj) string {
		t.Helper()
		r := apiCall(t, h, api.token, http.MethodPost, path, jsonBody(doc))
		if r.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %.300s", path, r.StatusCode, r.body)
		}
		return jsonPointer(t, r.body, "/data/id")
	}
	pnc := freshPNC(t)
	htmlPerson := create("/api/people", obj{"data": obj{"type": "people", "attributes": obj{"first_names": htmlTag, "last_name": htmlAttr,
		"date_of_birth": "1985-03-04", "gender": "female", "police_national_computer": pnc}}})
	const formulaFirst, formulaLast = `=HYPERLINK("http://evil.example","Click")`, `+SUM(1+1)`
	formulaPerson := create("/api/people", obj{"data": obj{"type": "people", "attributes": obj{"first_names": formulaFirst, "last_name": formulaLast,
		"date_of_birth": "1986-03-04", "gender": "male", "ethnicity": "@cmd " + htmlTag}}})
	info := "Info: " + htmlTag + " " + htmlAttr + " " + sqlDrop
	move := func(person, from, to, typ string, attrs obj) string {
		attrs["move_type"] = typ
		return create("/api/moves", obj{"data": obj{"type": "moves", "attributes": attrs,
			"relationships": obj{"from_location": obj{"data": obj{"type": "locations", "id": fx.repl["{"+from+"}"]}},
				"to_location": obj{"data": obj{"type": "locations", "id": fx.repl["{"+to+"}"]}},
				"person":      obj{"data": obj{"type": "people", "id": person}}}}})
	}
	fx.repl["{WSTRMC}"] = demoLocation(t, h, "WSTRMC").ID
	fx.repl["{OLDBCC}"] = demoLocation(t, h, "OLDBCC").ID
	fx.repl["{WWI}"] = demoLocation(t, h, "WWI").ID
	fx.repl["{HOI}"] = demoLocation(t, h, "HOI").ID
	courtMove := move(htmlPerson, "BXI", "WSTRMC", "court_appearance", obj{"date": today, "additional_information": info})
	proposal := move(htmlPerson, "BXI", "WWI", "prison_transfer", obj{"date_from": moves.AddDays(today, 3), "additional_information": info})
	formulaMove := move(formulaPerson, "BXI", "OLDBCC", "court_appearance", obj{"date": today, "additional_information": "-1+2 " + formulaFirst})
	formulaProposal := move(formulaPerson, "BXI", "HOI", "prison_transfer", obj{"date_from": moves.AddDays(today, 4)})
	eventNotes := "Event: " + htmlAttr + " " + sqlOr
	// An internal client may name who acted; that is text too.
	r := doRaw(t, nil, http.MethodPost, h.ts.URL+"/api/events", "application/vnd.api+json", jsonBody(obj{"data": obj{"type": "events",
		"attributes":    obj{"event_type": "MoveNotifyPremisesOfArrivalIn30Mins", "occurred_at": "2026-11-22T09:35:00Z", "recorded_at": "2026-11-22T09:35:05Z"},
		"relationships": obj{"eventable": obj{"data": obj{"type": "moves", "id": courtMove}}}}}),
		http.Header{"Authorization": {"Bearer " + api.token}, "X-Current-User": {htmlTag}})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("event with X-Current-User: %d %s", r.StatusCode, r.body)
	}
	event := func(moveID, typ string, details obj) {
		create("/api/events", obj{"data": obj{"type": "events",
			"attributes":    obj{"event_type": typ, "occurred_at": "2026-11-22T09:40:00Z", "recorded_at": "2026-11-22T09:40:05Z", "notes": eventNotes, "details": details},
			"relationships": obj{"eventable": obj{"data": obj{"type": "moves", "id": moveID}}}}})
	}
	event(courtMove, "MoveNotifyPremisesOfArrivalIn30Mins", obj{})
	rejectComment := "Rejected: " + htmlTag
	event(formulaProposal, "MoveReject", obj{"rejection_reason": "no_space_at_receiving_prison", "rebook": false, "cancellation_reason_comment": rejectComment})
	names := []string{htmlTag, htmlAttr}

	pmu := signInAs(t, h, "pmu")
	prison := signInAs(t, h, "prison")
	supplier := signInAs(t, h, "supplier")
	get := func(c *http.Client, path string) response { return do(t, c, http.MethodGet, h.ts.URL+path, nil, nil) }
	for _, c := range []*http.Client{pmu, prison, supplier} {
		textShown(t, "the move's page", get(c, "/move/"+courtMove), append(names, info, eventNotes)...)
		textShown(t, "the move's timeline", get(c, "/move/"+courtMove+"/timeline"), eventNotes, htmlTag)
		textShown(t, "a proposal's page", get(c, "/move/"+proposal), append(names, info)...)
		textShown(t, "a rejected proposal's page", get(c, "/move/"+formulaProposal), formulaFirst, formulaLast, rejectComment, eventNotes)
		textShown(t, "outgoing list", get(c, "/moves/outgoing/"+today), append(names, formulaFirst, formulaLast)...)
		textShown(t, "home", get(c, "/"))
	}
	textShown(t, "outgoing list by status", get(prison, "/moves/outgoing/"+today+"?status=active"), names...)
	textShown(t, "the cancel form", get(prison, "/move/"+courtMove+"/cancel"), names...)
	textShown(t, "the date form", get(prison, "/move/"+courtMove+"/date"), names...)
	textShown(t, "the approve form", get(pmu, "/move/"+proposal+"/approve"), names...)
	textShown(t, "the reject form", get(pmu, "/move/"+proposal+"/reject"), names...)
	textShown(t, "the redirect form", get(pmu, "/move/"+courtMove+"/redirect"), names...)
	textShown(t, "requests to review", get(pmu, "/moves/review"), names...)
	textShown(t, "rejected requests", get(pmu, "/moves/review?status=rejected"), formulaFirst, formulaLast)
	for _, c := range []*http.Client{pmu, prison} {
		rows := checkCSV(t, "outgoing CSV", get(c, "/moves/outgoing/"+today+"/download.csv"), htmlTag, htmlAttr, "'"+formulaFirst, "'"+formulaLast)
		if len(rows) < 3 {
			t.Errorf("outgoing CSV: %d rows", len(rows))
		}
	}
	checkCSV(t, "review CSV", get(pmu, "/moves/review/download.csv"), htmlTag, htmlAttr)
	checkCSV(t, "rejected review CSV", get(pmu, "/moves/review/download.csv?status=rejected"), "'"+formulaFirst, "'"+formulaLast)
	_ = formulaMove

	// Request a move for the person found by PNC: the results and check
	// your answers show the names as text.
	f := newFormsClient(t, h, prison)
	loc := get(prison, "/move/new").Header.Get("Location")
	j := strings.TrimSuffix(loc, "/person")
	to := f.accepted("search by PNC", j+"/person", url.Values{"number": {pnc}})
	textShown(t, "search results", get(prison, to), names...)
	for _, s := range []struct {
		step string
		form url.Values
	}{
		{"results", url.Values{"person": {htmlPerson}}},
		{"move-type", url.Values{"move_type": {"court_appearance"}}},
		{"destination", url.Values{"to": {"Southwark Crown Court"}, "time_due": {""}, "notes": {htmlAttr}}},
		{"date", url.Values{"date_type": {"tomorrow"}}},
		{"court", url.Values{"court": {"none"}}},
		{"risk", url.Values{"risk": {"none"}}},
		{"health", url.Values{"health": {"none"}}},
	} {
		f.accepted(s.step, j+"/"+s.step, s.form)
	}
	textShown(t, "check your answers", get(prison, j+"/check"), append(names, htmlAttr)...)
}

// TestHostileAdminInput: the administrators' forms refuse hostile values
// in fields that are not free text, and a user's name or a location's
// title holding HTML is text wherever it is shown: the administration
// pages, the header of the user's own pages, the destinations offered
// when requesting a move.
func TestHostileAdminInput(t *testing.T) {
	h := secHarness(t, web.Config{}, nil)
	fx := newTableFixtures(t, h)
	admin := newFormsClient(t, h, signInAs(t, h, "admin"))
	user := url.Values{"username": {"xss.user"}, "full_name": {htmlTag}, "role": {"police"}, "locations": {fx.repl["{SRY016}"]}, "password": {"a-long-enough-password-9"}}
	for _, field := range []string{"username", "role", "locations", "supplier"} {
		for _, p := range formPayloads {
			f := cloneValues(user)
			f.Set(field, p)
			if field == "supplier" {
				f.Set("role", "supplier")
				f.Del("locations")
			}
			admin.refused("user "+field+" "+p, http.MethodPost, "/admin/users", f, http.StatusUnprocessableEntity)
		}
	}
	f := cloneValues(user)
	f.Set("full_name", strings.Repeat("n", 100<<10))
	admin.refused("user full_name 100 KB", http.MethodPost, "/admin/users", f, http.StatusUnprocessableEntity)
	admin.accepted("a user whose name is HTML", "/admin/users", user)
	textShown(t, "users", do(t, admin.c, http.MethodGet, h.ts.URL+"/admin/users", nil, nil), htmlTag)
	xss := signInWith(t, h, "xss.user", user.Get("password"))
	textShown(t, "the user's own home page", do(t, xss, http.MethodGet, h.ts.URL+"/", nil, nil), htmlTag)

	loc := url.Values{"title": {htmlAttr}, "code": {"XSSCC"}, "location_type": {"court"}, "region": {"south"}}
	for _, field := range []string{"code", "location_type", "region"} {
		for _, p := range formPayloads {
			f := cloneValues(loc)
			f.Set(field, p)
			admin.refused("location "+field+" "+p, http.MethodPost, "/admin/locations", f, http.StatusUnprocessableEntity)
		}
	}
	admin.accepted("a location whose title is HTML", "/admin/locations", loc)
	textShown(t, "locations", do(t, admin.c, http.MethodGet, h.ts.URL+"/admin/locations?q="+url.QueryEscape(htmlAttr), nil, nil))
	for _, p := range formPayloads {
		admin.refused("supplier range supplier "+p, http.MethodPost, "/admin/locations/"+fx.repl["{APEAL1}"]+"/suppliers",
			url.Values{"supplier": {p}, "from-day": {"1"}, "from-month": {"1"}, "from-year": {"2027"}}, http.StatusUnprocessableEntity)
		admin.refused("supplier range date "+p, http.MethodPost, "/admin/locations/"+fx.repl["{APEAL1}"]+"/suppliers",
			url.Values{"supplier": {"serco"}, "from-day": {p}, "from-month": {"1"}, "from-year": {"2027"}}, http.StatusUnprocessableEntity)
	}
	// Police at Guildford requesting a court appearance are offered it.
	police := newFormsClient(t, h, xss)
	j := strings.TrimSuffix(do(t, xss, http.MethodGet, h.ts.URL+"/move/new", nil, nil).Header.Get("Location"), "/person")
	police.accepted("search", j+"/person", url.Values{"number": {fx.repl["{pnc}"]}})
	police.accepted("person", j+"/results", url.Values{"person": {fx.repl["{person}"]}})
	police.accepted("court", j+"/move-type", url.Values{"move_type": {"court_appearance"}})
	r := do(t, xss, http.MethodGet, h.ts.URL+j+"/destination", nil, nil)
	textShown(t, "destinations", r)
	found := false
	r.doc().Find("datalist option").Each(func(_ int, o *goquery.Selection) {
		found = found || o.AttrOr("value", "") == htmlAttr
	})
	if !found {
		t.Error("the destinations offered do not hold the new court's title intact")
	}
}
