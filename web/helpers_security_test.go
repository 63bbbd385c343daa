package web_test

// Helpers of the security suites (routes_table_test.go, security_test.go,
// hostile_test.go): a harness on a copy of one seeded database, signed-in
// clients for every role, API clients with tokens, named demo moves, a
// fingerprint of the whole database, and checks on the HTML served.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/securemove/securemove/handlers/handlertest"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// secStart is the time the demo data is seeded around, as in newHarness.
var secStart = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// secDemoDB is a database file seeded with the demo data once per test
// binary and copied for each harness: seeding is the slow part.
var secDemoDB struct {
	once sync.Once
	b    []byte
	err  error
}

func secSeededDB() ([]byte, error) {
	secDemoDB.once.Do(func() {
		dir, err := os.MkdirTemp("", "securemove-web-security")
		if err != nil {
			secDemoDB.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "demo.db")
		st, err := store.Open(context.Background(), path)
		if err != nil {
			secDemoDB.err = err
			return
		}
		st.Now = func() time.Time { return secStart }
		if _, err := st.SeedDemo(context.Background(), secStart); err != nil {
			st.Close()
			secDemoDB.err = err
			return
		}
		if err := st.Close(); err != nil { // checkpoints the WAL into the file
			secDemoDB.err = err
			return
		}
		secDemoDB.b, secDemoDB.err = os.ReadFile(path)
	})
	return secDemoDB.b, secDemoDB.err
}

// syncBuffer is a buffer the server's logger may write to from many
// goroutines.
type syncBuffer = handlertest.LogBuffer

// secHarness is a harness on its own copy of the seeded database. Logs go
// to logw (debug level, JSON lines) when it is not nil.
func secHarness(t *testing.T, cfg web.Config, logw io.Writer) *harness {
	t.Helper()
	seeded, err := secSeededDB()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "web.db")
	if err := os.WriteFile(path, seeded, 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if cfg.Notify == nil {
		cfg.Notify = testNotifyDeps(t)
	}
	if logw == nil {
		logw = io.Discard
	}
	h := serveOn(t, st, secStart, cfg, slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug})))
	st.Now = h.clock
	return h
}

// response is an answer read whole.
type response struct {
	*http.Response
	body []byte
}

func (r response) doc() *goquery.Document {
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(r.body))
	if err != nil {
		panic(err)
	}
	return d
}

func (r response) isHTML() bool { return strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") }

// do sends a request with a client (nil: no cookies) and reads the answer.
// A form is sent url-encoded; a body of another kind goes in raw with its
// content type.
func do(t *testing.T, c *http.Client, method, u string, form url.Values, hdr http.Header) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, u, err)
	}
	return response{resp, b}
}

// doRaw sends a body as it is, with a content type.
func doRaw(t *testing.T, c *http.Client, method, u, contentType string, body []byte, hdr http.Header) response {
	t.Helper()
	h := http.Header{}
	for k, v := range hdr {
		h[k] = v
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	if c == nil {
		c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp, b}
}

// csrfOf is the CSRF token a client's session holds, read from a page
// that has a form (the sign-in page when signed out, the home page's
// sign-out form otherwise).
func csrfOf(t *testing.T, h *harness, c *http.Client) string {
	t.Helper()
	for _, p := range []string{"/help/accessibility", "/sign-in", "/locations"} {
		r := do(t, c, http.MethodGet, h.ts.URL+p, nil, nil)
		if tok, ok := r.doc().Find(`input[name="_csrf"]`).Attr("value"); ok && tok != "" {
			return tok
		}
	}
	t.Fatal("no page offers a CSRF token")
	return ""
}

// sessionValue is the client's session cookie's value, or "".
func sessionValue(h *harness, c *http.Client) string {
	u, _ := url.Parse(h.ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "securemove_session" {
			return ck.Value
		}
	}
	return ""
}

// signInAs signs a fresh client in as a demo user; police choose Guildford
// Police Station.
func signInAs(t *testing.T, h *harness, username string) *http.Client {
	t.Helper()
	return signInWith(t, h, username, store.DemoPassword)
}

// signInWith signs a fresh client in with a password; a user with several
// locations chooses Guildford Police Station.
func signInWith(t *testing.T, h *harness, username, password string) *http.Client {
	t.Helper()
	c := h.client()
	tok := csrfOf(t, h, c)
	r := do(t, c, http.MethodPost, h.ts.URL+"/sign-in", url.Values{"_csrf": {tok}, "username": {username}, "password": {password}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", username, r.StatusCode)
	}
	if strings.HasPrefix(r.Header.Get("Location"), "/locations") {
		r = do(t, c, http.MethodPost, h.ts.URL+"/locations", url.Values{"_csrf": {csrfOf(t, h, c)},
			"location": {demoLocation(t, h, "SRY016").ID}, "next": {"/"}}, nil)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s choosing a location: %d", username, r.StatusCode)
		}
	}
	return c
}

// demoLocation is a demo location by its code.
func demoLocation(t *testing.T, h *harness, code string) moves.Location {
	t.Helper()
	ls, err := h.st.Locations(context.Background(), store.LocationFilter{Codes: []string{code}, IncludeDisabled: true})
	if err != nil || len(ls) != 1 {
		t.Fatalf("location %s: %v", code, err)
	}
	return ls[0]
}

// demoMove finds the one demo move from one location code to another
// (to "" for none) in a status. n picks among several (0: the earliest
// created).
func demoMove(t *testing.T, h *harness, from, to string, status moves.Status, n int) moves.Move {
	t.Helper()
	q := `SELECT m.id FROM moves m JOIN locations f ON f.id = m.from_location_id LEFT JOIN locations tl ON tl.id = m.to_location_id
		WHERE f.code = ? AND COALESCE(tl.code, '') = ? AND m.status = ? ORDER BY m.created_at, m.id`
	ids := column(t, h.st.DB(), q, from, to, string(status))
	if n >= len(ids) {
		t.Fatalf("no demo move %s→%s %s #%d (found %d)", from, to, status, n, len(ids))
	}
	m, err := h.st.Move(context.Background(), ids[n])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// apiCreds is an API client's credentials and a token issued to it.
type apiCreds struct {
	id, secret, token string
}

// newAPIClient creates an API client (supplier key, or "" for internal)
// and gets a token for it from /oauth/token.
func newAPIClient(t *testing.T, h *harness, supplier, name string) apiCreds {
	t.Helper()
	cl, secret, err := h.st.CreateClient(context.Background(), store.NewClient{Name: name, Supplier: supplier, CreatedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, nil, http.MethodPost, h.ts.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {cl.ID}, "client_secret": {secret}}, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("token for %s: %d %s", name, r.StatusCode, r.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(r.body, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token for %s: %s", name, r.body)
	}
	return apiCreds{id: cl.ID, secret: secret, token: tok.AccessToken}
}

// bearer is the header of an API call with a token.
func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// apiCall sends a JSON:API request with a token.
func apiCall(t *testing.T, h *harness, token, method, path string, body []byte) response {
	t.Helper()
	ct := ""
	if body != nil {
		ct = "application/vnd.api+json"
	}
	return doRaw(t, nil, method, h.ts.URL+path, ct, body, bearer(token))
}

// column is the one column of text a query answers, row by row.
func column(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dbRows returns every row of every table as text, table by table, rows
// sorted: a complete picture of what the database holds.
func dbRows(t *testing.T, db *sql.DB) map[string][]string {
	t.Helper()
	tables := column(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	out := map[string][]string{}
	for _, tb := range tables {
		rs, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteString("\x1f")
				}
				switch x := v.(type) {
				case []byte:
					b.Write(x)
				case nil:
					b.WriteString("NULL")
				default:
					fmt.Fprint(&b, x)
				}
			}
			lines = append(lines, b.String())
		}
		rs.Close()
		sort.Strings(lines)
		out[tb] = lines
	}
	return out
}

// fingerprint says cheaply whether the database changed: SQLite's
// data_version, read on a connection of its own, changes whenever any
// other connection (the store's writer) commits a transaction. Two equal
// fingerprints mean nothing was written in between; contentFingerprint
// says what changed.
func fingerprint(t *testing.T, h *harness) string {
	t.Helper()
	var version int64
	if err := monitorOf(t, h).QueryRow("PRAGMA data_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("data_version:%d", version)
}

// contentFingerprint sums up everything the database holds: each table's
// row count and a hash of its rows. It is slower than fingerprint, and
// says which tables changed even when rows were only updated.
func contentFingerprint(t *testing.T, h *harness) string {
	t.Helper()
	all := dbRows(t, h.st.DB())
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		sum := sha256.Sum256([]byte(strings.Join(all[n], "\x1e")))
		fmt.Fprintf(&b, "%s:%d:%s ", n, len(all[n]), hex.EncodeToString(sum[:6]))
	}
	return b.String()
}

// monitors are each harness's own read-only connection to its database.
var monitors sync.Map // *harness → *sql.DB

func monitorOf(t *testing.T, h *harness) *sql.DB {
	t.Helper()
	if db, ok := monitors.Load(h); ok {
		return db.(*sql.DB)
	}
	var path string
	if err := h.st.DB().QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // data_version is a connection's own view
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	t.Cleanup(func() { db.Close(); monitors.Delete(h) })
	monitors.Store(h, db)
	return db
}

// fingerprintDiff says how two fingerprints differ: for content
// fingerprints, the tables whose rows differ.
func fingerprintDiff(a, b string) string {
	fa, fb := strings.Fields(a), strings.Fields(b)
	var out []string
	for i := range max(len(fa), len(fb)) {
		var x, y string
		if i < len(fa) {
			x = fa[i]
		}
		if i < len(fb) {
			y = fb[i]
		}
		if x != y {
			out = append(out, x+" → "+y)
		}
	}
	return strings.Join(out, ", ")
}

// injected lists the elements and attributes in a page that hostile text
// would have made had it not been escaped: scripts not from this site's
// static files, images from elsewhere, styles, frames, objects, event
// handler attributes and javascript: links. A page of this service has
// none (its CSP would block them anyway).
func injected(doc *goquery.Document) []string {
	var out []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		src, ok := s.Attr("src")
		if !ok || !strings.HasPrefix(src, "/static/") {
			out = append(out, "<script> "+strings.TrimSpace(s.Text()))
		}
	})
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/static/") && !strings.HasPrefix(src, "data:") {
			out = append(out, fmt.Sprintf("<img src=%q>", src))
		}
	})
	doc.Find("style, iframe, object, embed, base, meta[http-equiv]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, "<"+goquery.NodeName(s)+">")
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			k := strings.ToLower(a.Key)
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if strings.HasPrefix(k, "on") || k == "style" || strings.HasPrefix(v, "javascript:") {
				out = append(out, fmt.Sprintf("<%s %s=%q>", goquery.NodeName(s), a.Key, a.Val))
			}
		}
	})
	return out
}
