package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/api/openapi"
	"github.com/securemove/securemove/handlers/serve"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/views"
)

// The published OpenAPI document is the hand-written one in
// handlers/api/openapi, with each event type's details schema added from the
// catalogue in moves, so that the documentation and the validation never
// disagree.
var (
	apiDocOnce sync.Once
	apiDoc     map[string]any
	apiDocErr  error
)

func docLoad() (map[string]any, error) {
	apiDocOnce.Do(func() {
		var doc map[string]any
		if apiDocErr = json.Unmarshal(openapi.Document, &doc); apiDocErr != nil {
			apiDocErr = fmt.Errorf("openapi.json: %w", apiDocErr)
			return
		}
		docAddCatalogue(doc)
		apiDoc = doc
	})
	return apiDoc, apiDocErr
}

// docDetailSchema is the JSON Schema of one event detail.
func docDetailSchema(d moves.DetailSpec) map[string]any {
	s := map[string]any{"description": d.Description}
	switch d.Kind {
	case moves.KindEnum:
		s["type"] = "string"
		s["enum"] = d.Values
	case moves.KindDate:
		s["type"] = "string"
		s["format"] = "date"
	case moves.KindDateTime:
		s["type"] = "string"
		s["format"] = "date-time"
	case moves.KindBool:
		s["type"] = "boolean"
	case moves.KindStringList:
		s["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}
	case moves.KindPostcode:
		s["type"] = "string"
		s["description"] = d.Description + " A full UK postcode."
	default:
		s["type"] = "string"
	}
	return s
}

// docAddCatalogue adds an EventDetails<Type> schema per event type, and the
// list of event types to the event schemas.
func docAddCatalogue(doc map[string]any) {
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if schemas == nil {
		return
	}
	var all, postable []any
	// Journey events are posted too (eventable journeys); lodging events
	// are only read, the service's record of lodgings planned and changed.
	specs := append(append(moves.Catalogue(), moves.JourneyCatalogue()...), moves.LodgingCatalogue()...)
	for _, sp := range specs {
		all = append(all, string(sp.Type))
		if sub, _ := moves.SubjectOf(sp.Type); sp.Creation || (sub != moves.SubjectMove && !moves.ClientMayPost(sp.Type)) {
			continue
		}
		postable = append(postable, string(sp.Type))
		props := map[string]any{}
		var required []any
		for _, d := range sp.Details {
			props[d.Key] = docDetailSchema(d)
			if d.Required {
				required = append(required, d.Key)
			}
		}
		s := map[string]any{"type": "object", "additionalProperties": false, "properties": props,
			"description": sp.Description + docEventRels(sp)}
		if len(required) > 0 {
			s["required"] = required
		}
		schemas["EventDetails"+string(sp.Type)] = s
	}
	setEnum := func(schema string, path []string, values []any) {
		m, _ := schemas[schema].(map[string]any)
		for _, p := range path {
			m, _ = m[p].(map[string]any)
		}
		if m != nil {
			m["enum"] = values
		}
	}
	setEnum("Event", []string{"properties", "attributes", "properties", "event_type"}, all)
	setEnum("EventRequest", []string{"properties", "data", "properties", "attributes", "properties", "event_type"}, postable)
}

func docEventRels(sp moves.EventSpec) string {
	if len(sp.Rels) == 0 {
		return ""
	}
	var parts []string
	for _, r := range sp.Rels {
		w := "optional"
		if r.Required {
			w = "required"
		}
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", r.Name, r.Kind, w))
	}
	return " Relationships: " + strings.Join(parts, ", ") + "."
}

// APIDocsJSON serves the OpenAPI document: GET /api/docs.json.
func (h *Handlers) APIDocsJSON(c echo.Context) error {
	doc, err := docLoad()
	if err != nil {
		return err
	}
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		out[k] = v
	}
	out["servers"] = []any{map[string]any{"url": h.apiBase(c), "description": "This service"}}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, b)
}

// APIDocs renders the OpenAPI document as a page: GET /api/docs.
func (h *Handlers) APIDocs(c echo.Context) error {
	doc, err := docLoad()
	if err != nil {
		return err
	}
	m := docView(doc)
	m.Page = views.Page{Title: "Supplier API documentation"}
	m.BaseURL = h.apiBase(c)
	return serve.Render(c, http.StatusOK, views.APIDocsPage(m))
}

var docMethodOrder = []string{"get", "post", "patch", "put", "delete"}

func docView(doc map[string]any) views.APIDocs {
	info := docMap(doc["info"])
	m := views.APIDocs{Title: docStr(info["title"]), Intro: docStr(info["description"]), Version: docStr(info["version"])}
	comps := docMap(doc["components"])
	// Sections in the order of the document's tags.
	secIdx := map[string]int{}
	for _, t := range docList(doc["tags"]) {
		tm := docMap(t)
		secIdx[docStr(tm["name"])] = len(m.Sections)
		m.Sections = append(m.Sections, views.APISection{Name: docStr(tm["name"]), Description: docStr(tm["description"]), ID: docAnchor(docStr(tm["name"]))})
	}
	paths := docMap(doc["paths"])
	var pathNames []string
	for p := range paths {
		pathNames = append(pathNames, p)
	}
	sort.Strings(pathNames)
	for _, p := range pathNames {
		item := docMap(paths[p])
		for _, method := range docMethodOrder {
			o, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			op := views.APIOperation{ID: docAnchor(docStr(o["operationId"])), Method: strings.ToUpper(method), Path: p,
				Summary: docStr(o["summary"]), Description: docStr(o["description"]), Auth: "Bearer token"}
			// An operation with its own security list needs no bearer token.
			if _, ok := o["security"].([]any); ok {
				op.Auth = "None"
				if strings.HasPrefix(p, "/oauth/") {
					op.Auth = "Client credentials (HTTP Basic or form fields)"
				}
			}
			for _, pr := range docList(o["parameters"]) {
				pm := docResolve(comps, docMap(pr))
				typ := docStr(docMap(pm["schema"])["type"])
				if enum := docList(docMap(pm["schema"])["enum"]); len(enum) > 0 {
					var vs []string
					for _, v := range enum {
						vs = append(vs, fmt.Sprint(v))
					}
					typ = "one of " + strings.Join(vs, ", ")
				}
				op.Parameters = append(op.Parameters, views.APIParameter{Name: docStr(pm["name"]), In: docStr(pm["in"]), Required: pm["required"] == true,
					Description: docStr(pm["description"]), Type: typ})
			}
			if rb := docMap(o["requestBody"]); rb != nil {
				for ctype, cv := range docMap(rb["content"]) {
					op.RequestType = ctype
					op.RequestExamples = docExamples(docMap(cv))
				}
			}
			for _, code := range apiSortedKeys(docMap(o["responses"])) {
				rm := docResolve(comps, docMap(docMap(o["responses"])[code]))
				r := views.APIResponse{Status: code, Description: docStr(rm["description"])}
				for ctype, cv := range docMap(rm["content"]) {
					r.ContentType = ctype
					r.Examples = docExamples(docMap(cv))
				}
				op.Responses = append(op.Responses, r)
			}
			tag := ""
			if tags := docList(o["tags"]); len(tags) > 0 {
				tag = docStr(tags[0])
			}
			i, ok := secIdx[tag]
			if !ok {
				secIdx[tag] = len(m.Sections)
				i = len(m.Sections)
				m.Sections = append(m.Sections, views.APISection{Name: tag, ID: docAnchor(tag)})
			}
			m.Sections[i].Operations = append(m.Sections[i].Operations, op)
		}
	}
	for _, sp := range moves.Catalogue() {
		et := views.APIEventType{Type: string(sp.Type), Description: sp.Description, Classification: string(sp.Class), Creation: sp.Creation,
			ChangesStatus: sp.ChangesStatus}
		for _, d := range sp.Details {
			et.Details = append(et.Details, views.APIEventDetail{Key: d.Key, Kind: d.Kind.String(), Required: d.Required,
				Values: strings.Join(d.Values, ", "), Description: d.Description})
		}
		for _, r := range sp.Rels {
			et.Relationships = append(et.Relationships, views.APIEventRel{Name: r.Name, Kind: r.Kind, Required: r.Required})
		}
		if len(sp.AnyOf) > 0 {
			et.AnyOf = strings.Join(sp.AnyOf, " or ")
		}
		m.EventTypes = append(m.EventTypes, et)
	}
	return m
}

func docAnchor(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

func docMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func docList(v any) []any {
	l, _ := v.([]any)
	return l
}

func docStr(v any) string {
	s, _ := v.(string)
	return s
}

// docResolve follows a local $ref into components.
func docResolve(comps, m map[string]any) map[string]any {
	for i := 0; i < 5; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
		if len(parts) != 2 {
			return m
		}
		m = docMap(docMap(comps[parts[0]])[parts[1]])
	}
	return m
}

func docExamples(content map[string]any) []views.APIExample {
	var out []views.APIExample
	if ex, ok := content["example"]; ok {
		out = append(out, views.APIExample{JSON: docPrettyJSON(ex)})
	}
	exs := docMap(content["examples"])
	for _, k := range apiSortedKeys(exs) {
		e := docMap(exs[k])
		out = append(out, views.APIExample{Title: docStr(e["summary"]), JSON: docPrettyJSON(e["value"])})
	}
	return out
}

func docPrettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}
