package api_test

import (
	"github.com/securemove/securemove/handlers/handlertest"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
)

// The documentation page renders the published document for people: every
// endpoint with its parameters, examples and answers, the token flow and
// every event type. It needs no sign-in and no token.
func TestAPIDocsPage(t *testing.T) {
	e := handlertest.NewEnv(t)
	r := e.Do(http.MethodGet, "/api/docs", "", nil).Want(t, http.StatusOK)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Find("h1").Text() != "Book a secure move: supplier API" || !strings.Contains(doc.Find("title").Text(), "Supplier API documentation") {
		t.Errorf("heading %q, title %q", doc.Find("h1").Text(), doc.Find("title").Text())
	}
	body := doc.Find("main").Text()
	for _, want := range []string{
		"POST /oauth/token", "POST /api/events", "GET /api/events/{id}", "GET /api/moves", "POST /api/moves", "GET /api/moves/{id}",
		"PATCH /api/moves/{id}", "GET /api/moves/{id}/events", "GET /api/people", "POST /api/people", "GET /api/people/{id}",
		"POST /api/people/{id}/profiles", "GET /api/reference/locations", "GET /api/reference/locations/{id}", "GET /api/reference/suppliers",
		"GET /api/reference/suppliers/{key}",
		// The token flow, with this service's address.
		"curl -s -u \"$CLIENT_ID:$CLIENT_SECRET\" -d grant_type=client_credentials", handlertest.EnvBaseURL + "/oauth/token", "Authorization: Bearer",
		"invalid_client", "unsupported_grant_type", "retire",
		// Parameters, examples and error bodies.
		"filter[from_location_id]", "sort[by]", "Idempotency-Key", "Request example: Accept a requested move",
		`"detail": "Token invalid"`, `"existing_id"`, "Invalid Media Type", "source",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not mention %q", want)
		}
	}
	for _, sp := range moves.Catalogue() {
		if doc.Find("#event-"+string(sp.Type)).Length() != 1 {
			t.Errorf("no section for %s", sp.Type)
		}
		for _, d := range sp.Details {
			if !strings.Contains(doc.Find("#event-"+string(sp.Type)).Parent().Text(), d.Key) {
				t.Errorf("%s: detail %s not described", sp.Type, d.Key)
			}
		}
	}
	// Every contents link goes somewhere on the page.
	doc.Find("nav a[href^='#']").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if doc.Find(href).Length() != 1 {
			t.Errorf("contents link %s leads nowhere", href)
		}
	})
	// No inline scripts or styles (the CSP forbids them).
	if doc.Find("script:not([src])").Length() != 0 || doc.Find("[style]").Length() != 0 || doc.Find("style").Length() != 0 {
		t.Error("inline script or style on the page")
	}
}
