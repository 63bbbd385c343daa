package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiFilteredParams adds a POST …/filtered request's JSON body to its
// query parameters. The body holds what the query would, as upstream's
// does: {"filter": {"from_locations": "id1,id2"}, "sort": {"by": "date"},
// "page": 2, "per_page": 50}, also inside {"data": {"attributes": …}}; a
// list may be a JSON array. A name given in both the body and the query,
// or a value that is not text, a number or a list of them, is refused.
func apiFilteredParams(c echo.Context, query url.Values) (url.Values, error) {
	body, err := apiReadBody(c)
	if err != nil {
		return nil, err
	}
	out := maps.Clone(query)
	if len(bytes.TrimSpace(body)) == 0 {
		return out, nil
	}
	bad := func(detail string) error {
		return apiProblemOf(http.StatusBadRequest, detail, nil)
	}
	var top map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil || dec.More() {
		return nil, bad("The body must be one JSON object of the list's parameters, such as {\"filter\": {\"from_locations\": \"<id>,<id>\"}}")
	}
	if data, ok := top["data"]; ok && len(top) == 1 {
		var wrapped struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		}
		if err := json.Unmarshal(data, &wrapped); err != nil || wrapped.Attributes == nil {
			return nil, bad("data must be an object with the list's parameters in its attributes")
		}
		top = wrapped.Attributes
	}
	// A value decoded into a RawMessage carries no surrounding space.
	add := func(name string, raw json.RawMessage) error {
		if string(raw) == "null" {
			return nil // as if not given
		}
		v, ok := apiParamValue(raw)
		if !ok {
			return bad(fmt.Sprintf("%s must be text, a number, or a list of them", name))
		}
		if _, dup := out[name]; dup {
			if _, inQuery := query[name]; inQuery {
				return bad(fmt.Sprintf("%s is given both in the address and in the body; give it once", name))
			}
			return bad(fmt.Sprintf("%s is given twice in the body; give it once", name))
		}
		out.Set(name, v)
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		raw := top[k]
		var group map[string]json.RawMessage
		if (k == "filter" || k == "sort") && string(raw) != "null" && json.Unmarshal(raw, &group) == nil {
			for _, g := range slices.Sorted(maps.Keys(group)) {
				if err := add(k+"["+g+"]", group[g]); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := add(k, raw); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// apiParamValue writes a JSON value as a query parameter's: text as it
// is, a number in its digits, a list joined with commas.
func apiParamValue(raw json.RawMessage) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	one := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return "", false
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := one(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), true
	}
	return one(v)
}

// apiNotFiltered answers a GET or PATCH of /api/allocations/filtered,
// which the :id routes would otherwise take for an allocation's id: the
// address takes POST only.
func apiNotFiltered(c echo.Context) error {
	if c.Param("id") != "filtered" {
		return nil
	}
	c.Response().Header().Set(echo.HeaderAllow, http.MethodPost)
	return echo.NewHTTPError(http.StatusMethodNotAllowed, c.Request().Method+" is not allowed here; use POST")
}
