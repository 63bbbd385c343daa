package handlertest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Visitor is a browser without JavaScript on a test's server (Browser: it
// keeps cookies and does not follow redirects): every request it cannot
// send fails the test, and every answer's body is closed when the test
// ends. The page tests of each audience wrap it with what they check.
type Visitor struct {
	T    testing.TB
	URL  string // the server's address
	HTTP *http.Client
}

// Visit is a visitor of the server at url in a browser of its own, or in
// b when given (a signed-in browser from App.SignIn).
func Visit(t testing.TB, url string, b *http.Client) *Visitor {
	if b == nil {
		b = Browser()
	}
	return &Visitor{T: t, URL: url, HTTP: b}
}

// Do sends req.
func (v *Visitor) Do(req *http.Request) *http.Response {
	v.T.Helper()
	res, err := v.HTTP.Do(req)
	if err != nil {
		v.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	v.T.Cleanup(func() { res.Body.Close() })
	return res
}

// Get GETs path with headers given as name, value pairs.
func (v *Visitor) Get(path string, headers ...string) *http.Response {
	v.T.Helper()
	req, err := http.NewRequest(http.MethodGet, v.URL+path, nil)
	if err != nil {
		v.T.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return v.Do(req)
}

// Post sends a form as a browser does.
func (v *Visitor) Post(path string, form url.Values) *http.Response {
	v.T.Helper()
	req, err := http.NewRequest(http.MethodPost, v.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		v.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.Do(req)
}

// Page GETs path, wants status and parses the HTML; who names the visitor
// in the failure.
func (v *Visitor) Page(who, path string, status int, headers ...string) *goquery.Document {
	v.T.Helper()
	res := v.Get(path, headers...)
	if res.StatusCode != status {
		body, _ := io.ReadAll(res.Body)
		v.T.Fatalf("%sGET %s: status %d, want %d (Location %q)\n%.3000s", who, path, res.StatusCode, status, res.Header.Get("Location"), body)
	}
	return Doc(v.T, res)
}

// CSRF reads the session's CSRF token from the last form on the page at
// path.
func (v *Visitor) CSRF(path string) string {
	v.T.Helper()
	tok, ok := v.Page("", path, http.StatusOK).Find(`form input[name="_csrf"]`).Last().Attr("value")
	if !ok || tok == "" {
		v.T.Fatalf("no CSRF token on %s", path)
	}
	return tok
}

// Doc parses an answer's HTML.
func Doc(t testing.TB, res *http.Response) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
