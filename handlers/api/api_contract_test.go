package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/securemove/securemove/handlers/handlertest"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/oasdiff/yaml"
	"github.com/securemove/securemove/moves"
)

// The contract test: kin-openapi checks that the published document is a
// valid OpenAPI 3 document (its examples included), then validates real
// requests and answers against it; and the document's event and move
// schemas are checked against upstream's.

// publishedDoc fetches /api/docs.json and loads it.
func apiPublishedDoc(t *testing.T, e *handlertest.Env) (*openapi3.T, map[string]any) {
	t.Helper()
	r := e.Do(http.MethodGet, "/api/docs.json", "", nil).Want(t, http.StatusOK)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("docs.json Content-Type %q", r.Header.Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("load the published document: %v", err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatalf("the published document is not valid OpenAPI 3: %v", err)
	}
	return doc, r.JSON
}

// apiExchange is a request made and the answer it got.
type apiExchange struct {
	name string
	req  *http.Request
	body []byte
	resp *handlertest.Resp
	// checkRequest is false for requests that are wrong on purpose.
	checkRequest bool
}

type apiRecorder struct {
	e         *handlertest.Env
	exchanges []apiExchange
}

func (rc *apiRecorder) do(name, method, p, token string, body any, wantStatus int, checkRequest bool, headers ...string) *handlertest.Resp {
	rc.e.T.Helper()
	req, raw := rc.e.Request(method, p, token, body, headers...)
	r := rc.e.Serve(req).Want(rc.e.T, wantStatus)
	rc.exchanges = append(rc.exchanges, apiExchange{name: name, req: req, body: raw, resp: r, checkRequest: checkRequest})
	return r
}

func TestContractResponsesMatchPublishedDocument(t *testing.T) {
	e := handlertest.NewEnv(t)
	doc, _ := apiPublishedDoc(t, e)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	tok := e.SupplierToken("serco")
	rc := &apiRecorder{e: e}
	m := e.CourtMove()
	e.Record(m, moves.EventMoveAccept, "2026-11-23T07:00:00Z", nil)

	// Events: every seed example, and one that does not apply.
	other := e.CourtMove()
	var eventID string
	for _, typ := range []string{"MoveStart", "MoveNotifyPremisesOfEta", "MoveLockout", "MoveCrossSupplierPickUp", "MoveLodgingStart", "MoveRedirect"} {
		doc := apiSeedExample(t, typ)
		apiPointAt(doc, m.ID, map[string]string{"from_location": e.Loc("GUILCC"), "previous_move": other.ID, "location": e.Loc("SRY014"),
			"to_location": e.Loc("GUILMC")})
		r := rc.do("POST /api/events "+typ, "POST", "/api/events", tok, doc, 201, true)
		eventID = r.Data()["id"].(string)
	}
	rc.do("POST /api/events not applied", "POST", "/api/events", tok, handlertest.EventBody(moves.EventMoveApprove, m.ID, "2026-11-23T11:00:00Z",
		map[string]any{"date": "2026-11-24"}, nil), 201, true)
	rc.do("GET /api/events/{id}", "GET", "/api/events/"+eventID, tok, nil, 200, true)
	rc.do("GET /api/moves/{id}/events", "GET", "/api/moves/"+m.ID+"/events", tok, nil, 200, true)

	// Moves.
	rc.do("GET /api/moves", "GET", "/api/moves?include=from_location,to_location,profile,person,supplier&per_page=50&filter[status]=requested,booked,in_transit,proposed,cancelled,completed&sort[by]=date", tok, nil, 200, true)
	rc.do("GET /api/moves page 2", "GET", "/api/moves?page=2&per_page=5", tok, nil, 200, true)
	rc.do("GET /api/moves/{id}", "GET", "/api/moves/"+m.ID+"?include=events,from_location,to_location,profile,profile.person,person,supplier", tok, nil, 200, true)
	p := e.Person()
	mb := apiMoveBody(map[string]any{"move_type": "court_appearance", "date": "2026-11-25", "time_due": "2026-11-25T10:00:00Z", "additional_information": "x"},
		map[string][2]string{"from_location": {"locations", e.Loc("SRY016")}, "to_location": {"locations", e.Loc("GUILCC")}, "person": {"people", p.ID}})
	created := rc.do("POST /api/moves", "POST", "/api/moves", tok, mb, 201, true).Data()["id"].(string)
	rc.do("POST /api/moves duplicate", "POST", "/api/moves", tok, mb, 422, true)
	rc.do("POST /api/moves proposed", "POST", "/api/moves", tok, apiMoveBody(map[string]any{"move_type": "prison_transfer", "date_from": "2026-12-01"},
		map[string][2]string{"from_location": {"locations", e.Loc("FMI")}, "to_location": {"locations", e.Loc("WYI")}, "person": {"people", p.ID}}), 201, true)
	rc.do("PATCH /api/moves/{id}", "PATCH", "/api/moves/"+created, tok, map[string]any{"data": map[string]any{"type": "moves", "id": created,
		"attributes": map[string]any{"date": "2026-11-26", "date_changed_reason": "other", "time_due": nil}}}, 200, true)

	// Journeys and lodgings.
	jm := e.CourtMove()
	jb := map[string]any{"data": map[string]any{"type": "journeys", "attributes": map[string]any{"timestamp": "2026-11-23T08:00:00Z", "billable": true,
		"vehicle": map[string]any{"registration": "AB12 CDE"}},
		"relationships": map[string]any{"from_location": rel("locations", e.Loc("SRY016")), "to_location": rel("locations", e.Loc("GUILCC"))}}}
	jid := rc.do("POST /api/moves/{id}/journeys", "POST", "/api/moves/"+jm.ID+"/journeys", tok, jb, 201, true).Data()["id"].(string)
	rc.do("POST /api/moves/{id}/journeys duplicate", "POST", "/api/moves/"+jm.ID+"/journeys", tok, jb, 422, true)
	jpath := "/api/moves/" + jm.ID + "/journeys/" + jid
	rc.do("GET /api/moves/{id}/journeys", "GET", "/api/moves/"+jm.ID+"/journeys?include=from_location,to_location", tok, nil, 200, true)
	rc.do("GET /api/moves/{id}/journeys/{journey_id}", "GET", jpath, tok, nil, 200, true)
	rc.do("GET /api/moves/{id}/journeys/{journey_id} with suppliers", "GET", jpath+"?include=from_location.suppliers,to_location", tok, nil, 200, true)
	rc.do("GET /api/moves/{id}/journeys with suppliers", "GET", "/api/moves/"+jm.ID+"/journeys?include=from_location,to_location.suppliers", tok, nil, 200, true)
	rc.do("PATCH /api/moves/{id}/journeys/{journey_id}", "PATCH", jpath, tok, map[string]any{"data": map[string]any{"type": "journeys",
		"attributes": map[string]any{"billable": false, "date": "2026-11-23"}}}, 200, true)
	for _, a := range []struct{ seg, typ, rel string }{{"start", "starts", ""}, {"lockouts", "lockouts", "from_location"}, {"lodgings", "lodgings", "to_location"},
		{"cancel", "cancels", ""}, {"uncancel", "uncancels", ""}, {"complete", "completes", ""}, {"uncomplete", "uncompletes", ""}, {"reject", "rejects", ""}} {
		data := map[string]any{"type": a.typ, "attributes": map[string]any{"timestamp": "2026-11-23T09:00:00Z"}}
		if a.rel != "" {
			data["relationships"] = map[string]any{a.rel: rel("locations", e.Loc("GUILMC"))}
		}
		rc.do("POST journeys/{journey_id}/"+a.seg, "POST", jpath+"/"+a.seg, tok, map[string]any{"data": data}, 204, true)
	}
	rc.do("POST /api/events journey", "POST", "/api/events", tok, journeyEvent(moves.EventJourneyChangeVehicle, jid, "2026-11-23T09:30:00Z",
		map[string]any{"vehicle_reg": "XY99 ZZZ"}, nil), 201, true)
	lb := map[string]any{"data": map[string]any{"type": "lodgings", "attributes": map[string]any{"start_date": "2026-11-23", "end_date": "2026-11-24"},
		"relationships": map[string]any{"location": rel("locations", e.Loc("SRY014"))}}}
	lid := rc.do("POST /api/moves/{id}/lodgings", "POST", "/api/moves/"+jm.ID+"/lodgings", tok, lb, 201, true).Data()["id"].(string)
	rc.do("GET /api/moves/{id}/lodgings", "GET", "/api/moves/"+jm.ID+"/lodgings?include=location", tok, nil, 200, true)
	rc.do("GET /api/moves/{id}/lodgings/{lodging_id}", "GET", "/api/moves/"+jm.ID+"/lodgings/"+lid, tok, nil, 200, true)
	rc.do("PATCH /api/moves/{id}/lodgings/{lodging_id}", "PATCH", "/api/moves/"+jm.ID+"/lodgings/"+lid, tok, map[string]any{"data": map[string]any{"type": "lodgings",
		"attributes": map[string]any{"end_date": "2026-11-25"}}}, 200, true)
	lcancel := map[string]any{"data": map[string]any{"type": "lodgings", "attributes": map[string]any{"cancellation_reason": "made_in_error"}}}
	rc.do("POST /api/moves/{id}/lodgings/cancel", "POST", "/api/moves/"+jm.ID+"/lodgings/cancel", tok, lcancel, 200, true)
	rc.do("POST /api/moves/{id}/lodgings/{lodging_id}/cancel 409", "POST", "/api/moves/"+jm.ID+"/lodgings/"+lid+"/cancel", tok, lcancel, 409, true)
	rc.do("GET /api/moves/{id} with journeys", "GET", "/api/moves/"+jm.ID+"?include=journeys,lodgings", tok, nil, 200, true)
	rc.do("GET /api/moves/{id}/events with journeys", "GET", "/api/moves/"+jm.ID+"/events", tok, nil, 200, true)

	// People and reference data.
	person := rc.do("POST /api/people", "POST", "/api/people", tok, map[string]any{"data": map[string]any{"type": "people", "attributes": map[string]any{
		"first_names": "Ashley", "last_name": "Clarke", "date_of_birth": "1994-02-11", "gender": "female", "police_national_computer": "08/0056560Z"}}}, 201, true)
	pid := person.Data()["id"].(string)
	rc.do("GET /api/people", "GET", "/api/people?filter[police_national_computer]=08/0056560Z", tok, nil, 200, true)
	rc.do("GET /api/people/{id}", "GET", "/api/people/"+pid, tok, nil, 200, true)
	rc.do("POST /api/people/{id}/profiles", "POST", "/api/people/"+pid+"/profiles", tok, map[string]any{"data": map[string]any{"type": "profiles",
		"attributes": map[string]any{"assessment_answers": []any{map[string]any{"category": "risk", "key": "violent", "comments": "x"}}}}}, 201, true)
	rc.do("GET /api/reference/locations", "GET", "/api/reference/locations?filter[location_type]=prison&per_page=30", tok, nil, 200, true)
	rc.do("GET /api/reference/locations/{id} disabled", "GET", "/api/reference/locations/"+e.Loc("STC1"), tok, nil, 200, true)
	rc.do("GET /api/reference/suppliers", "GET", "/api/reference/suppliers", tok, nil, 200, true)
	rc.do("GET /api/reference/suppliers/{key}", "GET", "/api/reference/suppliers/geoamey", tok, nil, 200, true)

	// Allocations, by an internal client, with the contract's bodies.
	itok := e.Token(e.Client(""))
	ab := map[string]any{"data": map[string]any{"type": "allocations", "attributes": map[string]any{"moves_count": 2, "date": "2026-11-30",
		"estate": "adult_male", "prisoner_category": "c"},
		"relationships": map[string]any{"from_location": rel("locations", e.Loc("BAI")), "to_location": rel("locations", e.Loc("WWI"))}}}
	aid := rc.do("POST /api/allocations", "POST", "/api/allocations", itok, ab, 201, true).Data()["id"].(string)
	rc.do("GET /api/allocations/{id}", "GET", "/api/allocations/"+aid, tok, nil, 200, true)
	bare := map[string]any{"data": map[string]any{"type": "allocations", "attributes": map[string]any{"moves_count": 1, "date": "2026-11-30",
		"estate": nil, "prisoner_category": nil, "sentence_length": nil, "other_criteria": nil, "requested_by": nil},
		"relationships": ab["data"].(map[string]any)["relationships"]}}
	bid := rc.do("POST /api/allocations without criteria", "POST", "/api/allocations", itok, bare, 201, true).Data()["id"].(string)
	rc.do("PATCH /api/allocations/{id} without a reason", "PATCH", "/api/allocations/"+bid, itok, map[string]any{"data": map[string]any{
		"type": "allocations", "id": bid, "attributes": map[string]any{"date": "2026-12-01", "date_changed_reason": nil}}}, 200, true)
	rc.do("POST /api/allocations/{id}/cancel", "POST", "/api/allocations/"+aid+"/cancel", itok, map[string]any{"data": map[string]any{"type": "cancels",
		"attributes": map[string]any{"timestamp": "2026-11-23T10:00:00Z", "cancellation_reason": "other", "cancellation_reason_comment": nil}}}, 204, true)
	rc.do("GET /api/allocations/{id} cancelled", "GET", "/api/allocations/"+aid, itok, nil, 200, true)

	// Errors.
	rc.do("401", "GET", "/api/moves", "expired", nil, 401, false)
	rc.do("404", "GET", "/api/moves/"+handlertest.NewUUID(), tok, nil, 404, true)
	rc.do("400 malformed", "POST", "/api/events", tok, `{"data":`, 400, false)
	rc.do("400 include", "GET", "/api/moves?include=court_hearing", tok, nil, 400, false)
	rc.do("415", "POST", "/api/events", tok, handlertest.EventBody(moves.EventMoveStart, m.ID, "2026-11-23T12:00:00Z", nil, nil), 415, false, "Content-Type", "application/json")
	rc.do("422 event", "POST", "/api/events", tok, handlertest.EventBody(moves.EventMoveCancel, m.ID, "2026-11-23T12:00:00", nil, nil), 422, false)
	rc.do("422 filter", "GET", "/api/moves?filter[status]=done", tok, nil, 422, false)
	rc.do("409 first", "POST", "/api/events", tok, handlertest.EventBody(moves.EventMoveCollectionByEscort, m.ID, "2026-11-23T12:00:00Z", map[string]any{"vehicle_type": "c4"}, nil), 201, true, "Idempotency-Key", "k1")
	rc.do("201 replayed", "POST", "/api/events", tok, handlertest.EventBody(moves.EventMoveCollectionByEscort, m.ID, "2026-11-23T12:00:00Z", map[string]any{"vehicle_type": "c4"}, nil), 201, true, "Idempotency-Key", "k1")
	rc.do("409", "POST", "/api/events", tok, handlertest.EventBody(moves.EventMoveCollectionByEscort, m.ID, "2026-11-23T12:00:00Z", map[string]any{"vehicle_type": "mpv"}, nil), 409, true, "Idempotency-Key", "k1")
	big := handlertest.EventBody(moves.EventMoveStart, m.ID, "2026-11-23T12:00:00Z", nil, nil)
	big["data"].(map[string]any)["attributes"].(map[string]any)["notes"] = strings.Repeat("n", 1<<20)
	rc.do("413", "POST", "/api/events", tok, big, 413, false)

	ctx := context.Background()
	for _, x := range rc.exchanges {
		t.Run(x.name, func(t *testing.T) {
			// The router matches on the document's server, this service's base URL.
			vreq := httptest.NewRequest(x.req.Method, handlertest.EnvBaseURL+x.req.URL.RequestURI(), bytes.NewReader(x.body))
			vreq.Header = x.req.Header.Clone()
			route, params, err := router.FindRoute(vreq)
			if err != nil {
				t.Fatalf("no documented route for %s %s: %v", x.req.Method, x.req.URL.Path, err)
			}
			opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
				MultiError: true}
			in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
			if x.checkRequest {
				if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
					t.Errorf("the request does not match the document: %v", err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.resp.Code, Header: x.resp.Header,
				Body: io.NopCloser(bytes.NewReader(x.resp.Body)), Options: opts}
			if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
				t.Errorf("the %d answer does not match the document: %v\n%s", x.resp.Code, err, x.resp.Body)
			}
		})
	}
	// The validation has teeth: an answer missing a required attribute, or
	// with a status the document does not list, fails it.
	t.Run("a wrong answer fails", func(t *testing.T) {
		x := rc.exchanges[len(rc.exchanges)-1]
		for _, ex := range rc.exchanges {
			if ex.name == "GET /api/moves/{id}" {
				x = ex
			}
		}
		var body map[string]any
		_ = json.Unmarshal(x.resp.Body, &body)
		delete(body["data"].(map[string]any)["attributes"].(map[string]any), "status")
		bad, _ := json.Marshal(body)
		vreq := httptest.NewRequest(x.req.Method, handlertest.EnvBaseURL+x.req.URL.RequestURI(), nil)
		vreq.Header = x.req.Header.Clone()
		route, params, err := router.FindRoute(vreq)
		if err != nil {
			t.Fatal(err)
		}
		opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
		in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
		if openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200, Header: x.resp.Header,
			Body: io.NopCloser(bytes.NewReader(bad)), Options: opts}) == nil {
			t.Error("a move without its status passed")
		}
		if openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 418, Header: x.resp.Header,
			Body: io.NopCloser(bytes.NewReader(x.resp.Body)), Options: opts}) == nil {
			t.Error("an undocumented status passed")
		}
	})
	// And the token endpoint, whose answers are plain JSON.
	id, secret := e.Client("geoamey")
	for _, tc := range []struct {
		name   string
		form   string
		status int
	}{{"token 200", "grant_type=client_credentials", 200}, {"token 400", "grant_type=password", 400}, {"token 401", "grant_type=client_credentials&client_id=x&client_secret=y", 401}} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", handlertest.EnvBaseURL+"/oauth/token", strings.NewReader(tc.form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.status != 401 {
				req.SetBasicAuth(id, secret)
			}
			r := e.Serve(req).Want(t, tc.status)
			vreq := httptest.NewRequest("POST", handlertest.EnvBaseURL+"/oauth/token", strings.NewReader(tc.form))
			vreq.Header = req.Header.Clone()
			route, params, err := router.FindRoute(vreq)
			if err != nil {
				t.Fatal(err)
			}
			opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
			in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
			if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Code,
				Header: r.Header, Body: io.NopCloser(bytes.NewReader(r.Body)), Options: opts}); err != nil {
				t.Errorf("token answer: %v\n%s", err, r.Body)
			}
		})
	}
}

// Every route the server answers under /api and /oauth is in the
// document, and every operation in the document is a route.
func TestContractDocumentsEveryEndpoint(t *testing.T) {
	e := handlertest.NewEnv(t)
	doc, raw := apiPublishedDoc(t, e)
	documented := map[string]bool{}
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+p] = true
		}
	}
	served := map[string]bool{}
	for _, r := range e.Srv.Echo.Routes() {
		if r.Method == "echo_route_not_found" || !(strings.HasPrefix(r.Path, "/api") || strings.HasPrefix(r.Path, "/oauth")) || strings.HasSuffix(r.Path, "*") || r.Path == "/api" {
			continue
		}
		p := r.Path
		for _, seg := range strings.Split(p, "/") {
			if strings.HasPrefix(seg, ":") {
				p = strings.Replace(p, seg, "{"+seg[1:]+"}", 1)
			}
		}
		served[r.Method+" "+p] = true
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("%s is served but not documented", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("%s is documented but not served", k)
		}
	}
	// The document's lists of values are the domain's.
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	enum := func(schema string, path ...string) []string {
		m := schemas[schema].(map[string]any)
		for _, p := range path {
			m = m[p].(map[string]any)
		}
		var out []string
		for _, v := range m["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	attr := func(name string) []string { return []string{"properties", "attributes", "properties", name} }
	var statuses, types []string
	for _, s := range moves.Statuses {
		statuses = append(statuses, string(s))
	}
	for _, ty := range moves.MoveTypes {
		types = append(types, string(ty))
	}
	for _, c := range []struct {
		got, want []string
		what      string
	}{
		{enum("Move", attr("status")...), statuses, "move statuses"},
		{enum("Move", attr("move_type")...), types, "move types"},
		{enum("Move", attr("rejection_reason")...), moves.RejectionReasons, "rejection reasons"},
		{enum("MovePatchRequest", "properties", "data", "properties", "attributes", "properties", "date_changed_reason"), moves.DateChangedReasons, "date change reasons"},
		{enum("Person", attr("gender")...), moves.Genders, "genders"},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: document %v, domain %v", c.what, c.got, c.want)
		}
	}
	// Each postable event type has its details schema, from the catalogue.
	for _, sp := range moves.Catalogue() {
		s, ok := schemas["EventDetails"+string(sp.Type)]
		if sp.Creation != !ok {
			t.Errorf("%s: details schema present %v", sp.Type, ok)
			continue
		}
		if ok {
			props := s.(map[string]any)["properties"].(map[string]any)
			if len(props) != len(sp.Details) {
				t.Errorf("%s: %d details documented, %d in the catalogue", sp.Type, len(props), len(sp.Details))
			}
		}
	}
}

// --- Against upstream's schemas ---

// upstream loads the copied upstream YAML files and follows their $refs.
type apiUpstream struct {
	t     *testing.T
	dir   string
	files map[string]map[string]any
}

func (u *apiUpstream) file(name string) map[string]any {
	u.t.Helper()
	if f, ok := u.files[name]; ok {
		return f
	}
	m := map[string]any{}
	b, err := os.ReadFile(filepath.Join(u.dir, filepath.FromSlash(name)))
	if err == nil {
		var j []byte
		if j, err = yaml.YAMLToJSON(b); err == nil {
			err = json.Unmarshal(j, &m)
		}
	}
	if err != nil {
		// Errorf, not Fatalf: this may run inside a subtest.
		u.t.Errorf("upstream file %s: %v", name, err)
	}
	u.files[name] = m
	return m
}

// upNode is a schema with the file it comes from, for resolving its refs.
type upNode struct {
	file string // "" for our own document
	m    map[string]any
}

// resolveUp follows an upstream $ref ("../v1/x.yaml#/X" or "x.yaml#/X").
func (u *apiUpstream) resolve(n upNode) upNode {
	for i := 0; i < 10; i++ {
		ref, ok := n.m["$ref"].(string)
		if !ok {
			return n
		}
		file, frag, _ := strings.Cut(ref, "#")
		target := n.file
		if file != "" {
			target = path.Clean(path.Join(path.Dir(n.file), file))
		}
		m := any(u.file(target))
		for _, p := range strings.Split(strings.Trim(frag, "/"), "/") {
			if p != "" {
				m, _ = m.(map[string]any)[p]
			}
		}
		mm, ok := m.(map[string]any)
		if !ok {
			u.t.Errorf("upstream $ref %s (from %s) does not resolve", ref, n.file)
			mm = map[string]any{}
		}
		n = upNode{file: target, m: mm}
	}
	return n
}

// ours resolves a local $ref in our document, merging allOf.
func apiResolveOurs(schemas map[string]any, m map[string]any) map[string]any {
	for i := 0; i < 10; i++ {
		if ref, ok := m["$ref"].(string); ok {
			m = schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
			continue
		}
		if all, ok := m["allOf"].([]any); ok && len(all) == 1 {
			m = all[0].(map[string]any)
			continue
		}
		return m
	}
	return m
}

// typeSet is the JSON types a schema allows.
func apiTypeSet(m map[string]any, resolve func(map[string]any) map[string]any) map[string]bool {
	out := map[string]bool{}
	if t, ok := m["type"].(string); ok {
		out[t] = true
		if t == "integer" {
			out["number"] = true
		}
	}
	if m["nullable"] == true {
		out["null"] = true
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		for _, alt := range handlertest.ListOf(m[k]) {
			for t := range apiTypeSet(resolve(alt.(map[string]any)), resolve) {
				out[t] = true
			}
		}
	}
	if len(out) == 0 {
		// No type: anything goes.
		for _, t := range []string{"object", "array", "string", "number", "integer", "boolean", "null"} {
			out[t] = true
		}
	}
	return out
}

func apiKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// compare checks that our schema offers what upstream's requires: every
// required property exists with a compatible type, recursively; and every
// property both have is of a compatible type.
func (u *apiUpstream) compare(where string, schemas map[string]any, ours map[string]any, theirs upNode, problems *[]string) {
	theirs = u.resolve(theirs)
	ours = apiResolveOurs(schemas, ours)
	res := func(m map[string]any) map[string]any { return u.resolve(upNode{file: theirs.file, m: m}).m }
	ot, tt := apiTypeSet(ours, func(m map[string]any) map[string]any { return apiResolveOurs(schemas, m) }), apiTypeSet(theirs.m, res)
	compatible := false
	for t := range ot {
		if t != "null" && tt[t] {
			compatible = true
		}
	}
	if ot["null"] && len(ot) == 1 {
		compatible = tt["null"]
	}
	if !compatible {
		*problems = append(*problems, fmt.Sprintf("%s: ours is %v, upstream %v", where, apiKeys(ot), apiKeys(tt)))
		return
	}
	// Upstream offers alternatives of references (an event's eventable):
	// ours must fit one of them.
	if alts := handlertest.ListOf(theirs.m["oneOf"]); len(alts) > 0 && theirs.m["properties"] == nil {
		var best []string
		for i, alt := range alts {
			var p []string
			u.compare(fmt.Sprintf("%s(oneOf %d)", where, i), schemas, ours, upNode{file: theirs.file, m: alt.(map[string]any)}, &p)
			if len(p) == 0 {
				return
			}
			if i == 0 {
				best = p
			}
		}
		*problems = append(*problems, best...)
		return
	}
	if e1, e2 := handlertest.ListOf(ours["enum"]), handlertest.ListOf(theirs.m["enum"]); len(e1) > 0 && len(e2) > 0 && where != "" {
		for _, v := range e1 {
			if !slices.Contains(e2, v) && strings.HasSuffix(where, ".type") {
				*problems = append(*problems, fmt.Sprintf("%s: %v is not one of upstream's %v", where, v, e2))
			}
		}
	}
	ourProps, _ := ours["properties"].(map[string]any)
	theirProps, _ := theirs.m["properties"].(map[string]any)
	if items, ok := theirs.m["items"].(map[string]any); ok {
		if oi, ok := ours["items"].(map[string]any); ok && tt["array"] && ot["array"] {
			u.compare(where+"[]", schemas, oi, upNode{file: theirs.file, m: items}, problems)
		}
	}
	for _, req := range handlertest.ListOf(theirs.m["required"]) {
		name := req.(string)
		op, ok := ourProps[name].(map[string]any)
		if !ok {
			*problems = append(*problems, fmt.Sprintf("%s.%s: required upstream, missing here", where, name))
			continue
		}
		tp, ok := theirProps[name].(map[string]any)
		if !ok {
			continue // required but not described upstream
		}
		u.compare(where+"."+name, schemas, op, upNode{file: theirs.file, m: tp}, problems)
	}
	// Properties both describe, though upstream does not require them,
	// must at least have compatible types.
	for name, tp := range theirProps {
		op, ok := ourProps[name].(map[string]any)
		if !ok || slices.Contains(handlertest.ListOf(theirs.m["required"]), any(name)) {
			continue
		}
		var p []string
		tpn := u.resolve(upNode{file: theirs.file, m: tp.(map[string]any)})
		ot := apiTypeSet(apiResolveOurs(schemas, op), func(m map[string]any) map[string]any { return apiResolveOurs(schemas, m) })
		tt := apiTypeSet(tpn.m, func(m map[string]any) map[string]any { return u.resolve(upNode{file: tpn.file, m: m}).m })
		ok = false
		for t := range ot {
			if tt[t] {
				ok = true
			}
		}
		if !ok {
			p = append(p, fmt.Sprintf("%s.%s: ours is %v, upstream %v", where, name, apiKeys(ot), apiKeys(tt)))
		}
		*problems = append(*problems, p...)
	}
}

// The document's schemas against upstream's, copied into
// testdata/contract: every property upstream marks required exists in
// ours with a compatible type, so an integration written against the
// upstream service finds what it expects.
func TestContractMatchesUpstream(t *testing.T) {
	e := handlertest.NewEnv(t)
	_, raw := apiPublishedDoc(t, e)
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	u := &apiUpstream{t: t, dir: filepath.Join("testdata", "contract"), files: map[string]map[string]any{}}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	up := func(file, frag string) upNode { return upNode{file: file, m: map[string]any{"$ref": "#/" + frag}} }
	eventRequest := schemas["EventRequest"].(map[string]any)["properties"].(map[string]any)["data"].(map[string]any)
	cases := []struct {
		name   string
		ours   map[string]any
		theirs upNode
	}{
		{"Event", ref("Event"), up("v2/event.yaml", "EventResponseBody")},
		{"EventRequest", eventRequest, up("v2/event.yaml", "EventRequestPostBody")},
		{"Move", ref("Move"), up("v2/move.yaml", "Move")},
		{"Location", ref("Location"), up("v1/location.yaml", "Location")},
		{"Supplier", ref("Supplier"), up("v1/supplier.yaml", "Supplier")},
		{"Person", ref("Person"), up("v2/person.yaml", "Person")},
		{"Error (422)", ref("Error"), up("v1/errors.yaml", "UnprocessableEntity")},
		{"PaginationLinks", ref("PaginationLinks"), up("v1/pagination_links.yaml", "PaginationLinks")},
		{"Pagination", ref("Pagination"), up("v1/pagination.yaml", "Pagination")},
		{"Journey", ref("Journey"), up("v1/get_journey.yaml", "GetJourney")},
		{"Lodging", ref("Lodging"), up("v1/lodging.yaml", "Lodging")},
		{"GET /api/moves 200", ref("MoveListDocument"), up("v2/get_moves_responses.yaml", "200")},
		{"POST /api/events 201", ref("EventDocument"), up("v2/post_event_responses.yaml", "201")},
		{"errors 422", ref("ErrorDocument"), up("v2/post_event_responses.yaml", "422")},
		{"errors 401", ref("ErrorDocument"), up("v2/post_event_responses.yaml", "401")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var problems []string
			u.compare(c.name, schemas, c.ours, c.theirs, &problems)
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
	// The comparison has teeth: a schema without a required property, or
	// with the wrong type, fails it.
	broken := map[string]any{"type": "object", "properties": map[string]any{"type": map[string]any{"type": "string"},
		"attributes": map[string]any{"type": "object", "properties": map[string]any{"status": map[string]any{"type": "integer"}}}}}
	var problems []string
	u.compare("broken", schemas, broken, up("v2/move.yaml", "Move"), &problems)
	joined := strings.Join(problems, "\n")
	if !strings.Contains(joined, "broken.attributes.move_type: required upstream") || !strings.Contains(joined, "broken.attributes.status: ours is") {
		t.Fatalf("the comparison missed problems:\n%s", joined)
	}
}
