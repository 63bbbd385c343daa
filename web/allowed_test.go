package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/securemove/securemove/web"
)

// An API path used with a method it does not answer gets 405 with an
// Allow header and a JSON:API error; a missing resource is still 404.
func TestAPIMethodNotAllowed(t *testing.T) {
	h := secHarness(t, web.Config{}, nil)
	api := newAPIClient(t, h, "serco", "Serco")
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodDelete, "/api/moves/00000000-0000-0000-0000-000000000000", http.StatusMethodNotAllowed, "GET, PATCH"},
		{http.MethodPut, "/api/events", http.StatusMethodNotAllowed, "POST"},
		{http.MethodDelete, "/api/reference/locations", http.StatusMethodNotAllowed, "GET"},
		{http.MethodGet, "/api/moves/00000000-0000-0000-0000-000000000000", http.StatusNotFound, ""},
		{http.MethodGet, "/api/no-such-thing", http.StatusNotFound, ""},
	} {
		r := apiCall(t, h, api.token, tc.method, tc.path, nil)
		if r.StatusCode != tc.status || r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, %q", tc.method, tc.path, r.StatusCode, r.Header.Get("Allow"), tc.status, tc.allow)
			continue
		}
		var doc struct {
			Errors []struct{ Status, Title, Detail string } `json:"errors"`
		}
		if err := json.Unmarshal(r.body, &doc); err != nil || len(doc.Errors) != 1 || doc.Errors[0].Detail == "" {
			t.Errorf("%s %s: body %s", tc.method, tc.path, r.body)
		}
	}
}
