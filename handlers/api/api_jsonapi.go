package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
)

// maxAPIBody is the largest request body the API reads: 1 MiB.
const maxAPIBody = 1 << 20

// apiTime formats a time as the API shows it: RFC 3339 in Europe/serve.London
// with its offset and no fractions, e.g. 2020-06-16T10:20:30+01:00.
func apiTime(t time.Time) string { return t.In(serve.London).Format("2006-01-02T15:04:05-07:00") }

func apiTimePtr(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := apiTime(*t)
	return &s
}

func apiStrPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiIdent is a JSON:API resource identifier.
type apiIdent struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// apiRelationship is a JSON:API relationship: Data is *ident, []ident or nil
// (written as null).
type apiRelationship struct {
	Data  any               `json:"data"`
	Links map[string]string `json:"links,omitempty"`
}

// apiRelationshipLinks is a relationship given by its link alone, for
// to-many relationships that are not included.
type apiRelationshipLinks struct {
	Links map[string]string `json:"links"`
}

func apiToOne(typ, id string) apiRelationship {
	if id == "" {
		return apiRelationship{Data: nil}
	}
	return apiRelationship{Data: &apiIdent{Type: typ, ID: id}}
}

// apiResource is a JSON:API resource object.
type apiResource struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Attributes any    `json:"attributes"`
	// Relationships is a map[string]any, or for a move its
	// *apiMoveRelationships; nil leaves them out.
	Relationships any               `json:"relationships,omitempty"`
	Links         map[string]string `json:"links,omitempty"`
	Meta          map[string]any    `json:"meta,omitempty"`
}

// apiDocument is a JSON:API top-level document.
type apiDocument struct {
	Data     any            `json:"data"`
	Included []apiResource  `json:"included,omitempty"`
	Links    any            `json:"links,omitempty"`
	Meta     map[string]any `json:"meta,omitempty"`
}

// apiWriteDoc answers with a JSON:API document.
func apiWriteDoc(c echo.Context, status int, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	return c.Blob(status, MIMEJSONAPI, b)
}

// apiIncluded collects included resources once each, in the order first met.
type apiIncluded struct {
	seen map[string]bool
	list []apiResource
}

func (in *apiIncluded) add(r apiResource) {
	if in.seen == nil {
		in.seen = map[string]bool{}
	}
	k := r.Type + "/" + r.ID
	if in.seen[k] {
		return
	}
	in.seen[k] = true
	in.list = append(in.list, r)
}

// --- Request bodies ---

// apiReadBody reads a request body of at most maxAPIBody bytes.
func apiReadBody(c echo.Context) ([]byte, error) {
	r := c.Request()
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxAPIBody+1))
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return nil, apiProblemOf(he.Code, "The request body is larger than 1 MiB", nil)
		}
		return nil, apiProblemOf(http.StatusBadRequest, "The request body could not be read", nil)
	}
	if len(b) > maxAPIBody {
		return nil, apiProblemOf(http.StatusRequestEntityTooLarge, "The request body is larger than 1 MiB", nil)
	}
	// JSON text is UTF-8 (RFC 8259); encoding/json would quietly turn
	// other bytes into U+FFFD and store text nobody sent.
	if !utf8.Valid(b) {
		return nil, apiProblemOf(http.StatusBadRequest, "The request body is not valid UTF-8; send JSON encoded as UTF-8", nil)
	}
	// No text a person writes holds NUL, and PostgreSQL's text cannot:
	// refused here, with the rest of the body's checks, not by the
	// database as an internal error.
	if jsonHasNUL(b) {
		return nil, apiProblemOf(http.StatusBadRequest, `The request body holds a NUL character (\u0000), which text may not contain`, nil)
	}
	// Let a later reader (the handler after the idempotency check) read it again.
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// jsonHasNUL says whether JSON text b escapes U+0000 (\u0000, the only
// way JSON can carry it) outside an escaped backslash.
func jsonHasNUL(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`\u0000`))
		if j < 0 {
			return false
		}
		at := i + j
		slashes := 0
		for k := at - 1; k >= 0 && b[k] == '\\'; k-- {
			slashes++
		}
		if slashes%2 == 0 {
			return true
		}
		i = at + 1
	}
}

// apiRelRef is a relationship as a client sent it.
type apiRelRef struct {
	Null bool // "data": null
	Type string
	ID   string
}

// apiResourceInput is the primary data of a request body.
type apiResourceInput struct {
	Type  string
	Attrs map[string]any
	Rels  map[string]apiRelRef
}

// apiBodySpec says what a request body may hold.
type apiBodySpec struct {
	Type string
	// AlsoTypes are other types accepted for data.type (an older
	// spelling clients may still send).
	AlsoTypes []string
	Attrs     []string
	Rels      []string
	// ID, when set, is the id of the resource being updated: data.id may
	// be given and must match it.
	ID string
}

// apiDecodeResource decodes a JSON:API request body strictly: anything it
// does not know is refused, with a pointer to it. Malformed JSON and a
// wrong document structure are 400; unknown or mistyped members of the
// resource are 422.
func apiDecodeResource(body []byte, spec apiBodySpec) (apiResourceInput, error) {
	var in apiResourceInput
	if len(bytes.TrimSpace(body)) == 0 {
		return in, apiProblemOf(http.StatusBadRequest, "The request body is empty; send a JSON:API document with a data member", &APIErrorSource{Pointer: "/data"})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw any
	if err := dec.Decode(&raw); err != nil {
		return in, apiProblemOf(http.StatusBadRequest, apiJSONSyntaxDetail(body, err), nil)
	}
	if _, err := dec.Token(); err != io.EOF {
		return in, apiProblemOf(http.StatusBadRequest, "The request body holds more than one JSON value", nil)
	}
	top, ok := raw.(map[string]any)
	if !ok {
		return in, apiProblemOf(http.StatusBadRequest, "The request body must be a JSON object with a data member", nil)
	}
	var bad []APIError
	for _, k := range apiSortedKeys(top) {
		switch k {
		case "data", "meta", "jsonapi":
		default:
			bad = append(bad, APIError{Detail: fmt.Sprintf("%q is not a member of a request document; send data (and optionally meta)", k),
				Source: &APIErrorSource{Pointer: "/" + apiEscapePointer(k)}})
		}
	}
	if len(bad) > 0 {
		return in, apiProblemsOf(http.StatusBadRequest, bad...)
	}
	data, ok := top["data"].(map[string]any)
	if !ok {
		return in, apiProblemOf(http.StatusBadRequest, "data is required and must be a resource object", &APIErrorSource{Pointer: "/data"})
	}
	for _, k := range apiSortedKeys(data) {
		switch k {
		case "type", "attributes", "relationships", "meta":
		case "id":
			if spec.ID != "" {
				if id, _ := data["id"].(string); id != spec.ID {
					bad = append(bad, APIError{Code: "invalid", Detail: "id must be the id of the resource in the URL, " + spec.ID,
						Source: &APIErrorSource{Pointer: "/data/id"}})
				}
				continue
			}
			bad = append(bad, APIError{Code: "client_id_not_supported", Detail: "The service gives every resource its id; leave id out",
				Source: &APIErrorSource{Pointer: "/data/id"}})
		default:
			bad = append(bad, APIError{Detail: fmt.Sprintf("%q is not a member of a resource object", k),
				Source: &APIErrorSource{Pointer: "/data/" + apiEscapePointer(k)}})
		}
	}
	if len(bad) > 0 {
		return in, apiProblemsOf(http.StatusBadRequest, bad...)
	}
	var invalid []APIError
	addInvalid := func(code, pointer, detail string) {
		invalid = append(invalid, APIError{Code: code, Detail: detail, Source: &APIErrorSource{Pointer: pointer}})
	}
	switch t, ok := data["type"].(string); {
	case !ok:
		addInvalid("blank", "/data/type", fmt.Sprintf("type is required and must be %q", spec.Type))
	case t != spec.Type && !slices.Contains(spec.AlsoTypes, t):
		addInvalid("inclusion", "/data/type", fmt.Sprintf("type must be %q, not %q", spec.Type, t))
	default:
		in.Type = t
	}
	in.Attrs = map[string]any{}
	if v, present := data["attributes"]; present {
		attrs, ok := v.(map[string]any)
		if !ok {
			addInvalid("invalid", "/data/attributes", "attributes must be an object")
		}
		for _, k := range apiSortedKeys(attrs) {
			if !slices.Contains(spec.Attrs, k) {
				addInvalid("unknown_attribute", "/data/attributes/"+apiEscapePointer(k),
					fmt.Sprintf("%q is not an attribute of %s; known attributes: %s", k, spec.Type, strings.Join(spec.Attrs, ", ")))
				continue
			}
			in.Attrs[k] = attrs[k]
		}
	}
	in.Rels = map[string]apiRelRef{}
	if v, present := data["relationships"]; present {
		rels, ok := v.(map[string]any)
		if !ok {
			addInvalid("invalid", "/data/relationships", "relationships must be an object")
		}
		for _, name := range apiSortedKeys(rels) {
			p := "/data/relationships/" + apiEscapePointer(name)
			if !slices.Contains(spec.Rels, name) {
				known := "none"
				if len(spec.Rels) > 0 {
					known = strings.Join(spec.Rels, ", ")
				}
				addInvalid("unknown_relationship", p, fmt.Sprintf("%q is not a relationship of %s; known relationships: %s", name, spec.Type, known))
				continue
			}
			obj, ok := rels[name].(map[string]any)
			if !ok {
				addInvalid("invalid", p, name+" must be a relationship object with a data member")
				continue
			}
			d, present := obj["data"]
			if !present {
				addInvalid("blank", p+"/data", name+" must have a data member")
				continue
			}
			if d == nil {
				in.Rels[name] = apiRelRef{Null: true}
				continue
			}
			rid, ok := d.(map[string]any)
			if !ok {
				addInvalid("invalid", p+"/data", name+" data must be a resource identifier {\"type\": …, \"id\": …} or null")
				continue
			}
			ref := apiRelRef{}
			if ref.Type, ok = rid["type"].(string); !ok {
				addInvalid("invalid", p+"/data/type", name+" data must have a type, a string")
			}
			if ref.ID, ok = rid["id"].(string); !ok || strings.TrimSpace(ref.ID) == "" {
				addInvalid("invalid", p+"/data/id", name+" data must have an id, a string")
			}
			ref.ID = strings.TrimSpace(ref.ID)
			in.Rels[name] = ref
		}
	}
	if len(invalid) > 0 {
		return in, apiProblemsOf(http.StatusUnprocessableEntity, invalid...)
	}
	return in, nil
}

func apiJSONSyntaxDetail(body []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			return "The request body is not valid JSON: it starts with a byte order mark (U+FEFF); send JSON without one"
		}
		line, col := apiLineCol(body, se.Offset)
		return fmt.Sprintf("The request body is not valid JSON: %s (line %d, column %d)", se.Error(), line, col)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "The request body is not valid JSON: it ends too soon"
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && strings.HasPrefix(te.Value, "number") {
		line, col := apiLineCol(body, te.Offset)
		return fmt.Sprintf("The request body is not valid JSON: a number is out of range (line %d, column %d)", line, col)
	}
	// Anything else encoding/json says is in its own words, not a client's.
	return "The request body is not valid JSON"
}

func apiLineCol(b []byte, off int64) (int, int) {
	line, col := 1, 1
	for i := int64(0); i < off-1 && i < int64(len(b)); i++ {
		if b[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func apiSortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// apiEscapePointer escapes a member name for a JSON pointer (RFC 6901).
func apiEscapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// apiAttrReader reads typed attributes and collects what is wrong with them.
type apiAttrReader struct {
	attrs map[string]any
	errs  moves.FieldErrors
}

func apiAttrPointer(name string) string { return "/data/attributes/" + apiEscapePointer(name) }

// str returns a string attribute. present is false when it was not sent;
// null counts as sent and empty.
func (r *apiAttrReader) str(name string) (v string, present bool) {
	raw, present := r.attrs[name]
	if !present || raw == nil {
		return "", present
	}
	s, ok := raw.(string)
	if !ok {
		r.errs.Add(apiAttrPointer(name), "invalid", name+" must be a string")
		return "", true
	}
	return s, true
}

// timestamp returns a date-time attribute, which must carry a zone.
func (r *apiAttrReader) timestamp(name string, required bool) (t time.Time, present bool) {
	s, present := r.str(name)
	if s == "" {
		if required && !r.errs.Has(apiAttrPointer(name)) {
			r.errs.Add(apiAttrPointer(name), "blank", name+" is required: a date and time with a time zone, such as 2026-11-22T10:20:30+00:00")
		}
		return time.Time{}, present
	}
	t, err := moves.ParseTimestamp(s)
	if err != nil {
		r.errs.Add(apiAttrPointer(name), "invalid", name+" must be an ISO 8601 date and time with a time zone, such as 2026-11-22T10:20:30+00:00")
		return time.Time{}, true
	}
	return t, true
}

// date returns a YYYY-MM-DD attribute.
func (r *apiAttrReader) date(name string) (string, bool) {
	s, present := r.str(name)
	if s == "" {
		return "", present
	}
	d, err := moves.ParseDate(s)
	if err != nil {
		r.errs.Add(apiAttrPointer(name), "invalid", name+" must be a real date written YYYY-MM-DD, such as 2026-11-22")
		return "", true
	}
	return d, true
}

// moveDate returns a date attribute that is to be a move's date on
// today: a real date within moves.MoveDateRange.
func (r *apiAttrReader) moveDate(name, today string) (string, bool) {
	d, present := r.date(name)
	if msg := moves.CheckMoveDate(name, d, today); msg != "" {
		r.errs.Add(apiAttrPointer(name), "out_of_range", msg)
	}
	return d, present
}

// object returns an object attribute.
func (r *apiAttrReader) object(name string) (map[string]any, bool) {
	raw, present := r.attrs[name]
	if !present || raw == nil {
		return nil, present
	}
	m, ok := raw.(map[string]any)
	if !ok {
		r.errs.Add(apiAttrPointer(name), "invalid", name+" must be an object")
		return nil, true
	}
	return m, true
}

// err returns the collected problems as a 422, or nil.
func (r *apiAttrReader) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	return moves.InvalidFields(r.errs)
}
