package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

var fingerprinted = regexp.MustCompile(`^/static/(?:[a-z0-9_-]+/)*[A-Za-z0-9._-]+\.[0-9a-f]{10}\.[a-z0-9]+$`)

func get(t testing.TB, h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://example.test"+target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("gzip.NewReader: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

func TestPathFingerprints(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "js-enabled.js", "htmx.min.js", "assets/images/favicon.ico", "assets/fonts/bold-b542beb274-v2.woff2"} {
		p := Path(name)
		if !fingerprinted.MatchString(p) {
			t.Errorf("Path(%q) = %q, not a fingerprinted path", name, p)
		}
		if Path(name) != p {
			t.Errorf("Path(%q) not stable", name)
		}
		if Path("/"+name) != p || Path("/static/"+name) != p {
			t.Errorf("Path(%q) differs with a leading / or /static/", name)
		}
	}
	if got, want := Path("htmx.min.js"), "/static/htmx.min."; !strings.HasPrefix(got, want) {
		t.Errorf("Path(htmx.min.js) = %q, want prefix %q", got, want)
	}
	if got, want := Path("assets/fonts/bold-b542beb274-v2.woff2"), "/static/assets/fonts/bold-b542beb274-v2."; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, ".woff2") {
		t.Errorf("font path = %q", got)
	}
	if got := Path("no-such-file.css"); got != "/static/no-such-file.css" {
		t.Errorf("Path(unknown) = %q, want /static/no-such-file.css", got)
	}
}

func TestMustHave(t *testing.T) {
	if err := MustHave("app.css", "app.js"); err != nil {
		t.Errorf("MustHave(known) = %v", err)
	}
	err := MustHave("app.css", "nope.js", "assets/nope.png")
	if err == nil || !strings.Contains(err.Error(), "nope.js") || !strings.Contains(err.Error(), "assets/nope.png") || strings.Contains(err.Error(), `"app.css"`) {
		t.Errorf("MustHave(unknown) = %v", err)
	}
}

// The hash is the SHA-256 prefix of the content as served.
func TestHashIsContentBased(t *testing.T) {
	h := Handler()
	for _, name := range []string{"app.css", "app.js", "assets/images/favicon.svg"} {
		p := Path(name)
		rec := get(t, h, http.MethodGet, p)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", p, rec.Code)
		}
		sum := sha256.Sum256(rec.Body.Bytes())
		if want := hex.EncodeToString(sum[:])[:10]; !strings.Contains(p, "."+want+".") {
			t.Errorf("%s: path %s does not carry content hash %s", name, p, want)
		}
	}
	// Non-CSS files are served byte for byte as built.
	raw, err := fs.ReadFile(dist, "dist/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(t, h, http.MethodGet, Path("app.js")); !bytes.Equal(rec.Body.Bytes(), raw) {
		t.Error("app.js served differs from dist/app.js")
	}
}

func TestBuildIsStableAndContentBased(t *testing.T) {
	mk := func(font string) fstest.MapFS {
		return fstest.MapFS{
			"d/app.css":            {Data: []byte(`@font-face{src:url("/static/assets/f.woff2") format("woff2"),url(/static/assets/f.woff?v=1#x)}a{background:url('/static/i.svg')}b{background:url(/static/missing.png)}`)},
			"d/assets/f.woff2":     {Data: []byte(font)},
			"d/assets/f.woff":      {Data: []byte("woff")},
			"d/i.svg":              {Data: []byte("<svg/>")},
			"d/x.min.js":           {Data: []byte("x")},
			"d/copy-of-f.woff2":    {Data: []byte(font)},
			"d/assets/images/a.js": {Data: []byte("x")},
		}
	}
	a, err := build(mk("font one"), "d")
	if err != nil {
		t.Fatal(err)
	}
	a2, err := build(mk("font one"), "d")
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(mk("font two"), "d")
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range a.byName {
		if a2.byName[name].url != f.url {
			t.Errorf("%s: fingerprint not stable: %s vs %s", name, f.url, a2.byName[name].url)
		}
	}
	// Same content, same hash, whatever the name.
	if a.byName["assets/f.woff2"].hash != a.byName["copy-of-f.woff2"].hash {
		t.Error("same content, different hashes")
	}
	if a.byName["x.min.js"].hash != a.byName["assets/images/a.js"].hash {
		t.Error("same content, different hashes")
	}
	if got := a.byName["x.min.js"].url; !strings.HasPrefix(got, "/static/x.min.") || !strings.HasSuffix(got, ".js") {
		t.Errorf("x.min.js url = %s", got)
	}
	// A changed font changes the font's and the CSS's hash, and nothing else.
	if a.byName["assets/f.woff2"].url == b.byName["assets/f.woff2"].url {
		t.Error("font content changed, font URL did not")
	}
	if a.byName["app.css"].url == b.byName["app.css"].url {
		t.Error("font changed, CSS URL did not")
	}
	if a.byName["i.svg"].url != b.byName["i.svg"].url {
		t.Error("unrelated file's URL changed")
	}
	css := string(a.byName["app.css"].body)
	for _, want := range []string{
		`url("` + a.byName["assets/f.woff2"].url + `")`,
		`url(` + a.byName["assets/f.woff"].url + `?v=1#x)`,
		`url('` + a.byName["i.svg"].url + `')`,
		`url(/static/missing.png)`, // unknown: left alone
	} {
		if !strings.Contains(css, want) {
			t.Errorf("rewritten CSS lacks %s:\n%s", want, css)
		}
	}
}

func TestBuildEmpty(t *testing.T) {
	if _, err := build(fstest.MapFS{"d/.keep": {Data: nil}}, "x"); err == nil {
		t.Error("build of a missing root succeeded")
	}
}

var cssRef = regexp.MustCompile(`url\(\s*["']?([^"')]+)`)

// Every url() in app.css points at a fingerprinted, served file.
func TestCSSReferencesResolve(t *testing.T) {
	h := Handler()
	rec := get(t, h, http.MethodGet, Path("app.css"))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET app.css = %d", rec.Code)
	}
	refs := cssRef.FindAllStringSubmatch(rec.Body.String(), -1)
	if len(refs) == 0 {
		t.Fatal("app.css has no url() references; fonts missing?")
	}
	fonts := 0
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		if !fingerprinted.MatchString(ref) {
			t.Errorf("app.css reference %q is not fingerprinted", ref)
			continue
		}
		if strings.HasPrefix(ref, "/static/assets/fonts/") {
			fonts++
		}
		if r := get(t, h, http.MethodGet, ref); r.Code != http.StatusOK || r.Header().Get("Cache-Control") != cacheImmutable {
			t.Errorf("app.css reference %s: GET = %d, Cache-Control %q", ref, r.Code, r.Header().Get("Cache-Control"))
		}
	}
	if fonts < 2 {
		t.Errorf("app.css references %d fonts, want the GDS Transport woff2 files", fonts)
	}
}

func TestHandlerServesFingerprinted(t *testing.T) {
	h := Handler()
	p := Path("app.css")
	rec := get(t, h, http.MethodGet, p, "Accept-Encoding", "br;q=1.0, gzip;q=0.8, *;q=0.1")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d", p, rec.Code)
	}
	hdr := rec.Header()
	for k, want := range map[string]string{
		"Cache-Control":          "public, max-age=31536000, immutable",
		"Content-Type":           "text/css; charset=utf-8",
		"Content-Encoding":       "gzip",
		"Vary":                   "Accept-Encoding",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := hdr.Get(k); got != want {
			t.Errorf("%s: %s = %q, want %q", p, k, got, want)
		}
	}
	etag := hdr.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{10}-gz"$`).MatchString(etag) {
		t.Errorf("ETag = %q", etag)
	}
	if hdr.Get("Content-Length") != "" && hdr.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
		t.Errorf("Content-Length %s, body %d", hdr.Get("Content-Length"), rec.Body.Len())
	}
	raw, gz := Size("app.css")
	if rec.Body.Len() != gz || gz >= raw {
		t.Errorf("gzip body %d bytes, Size = %d, %d", rec.Body.Len(), raw, gz)
	}
	plain := gunzip(t, rec.Body.Bytes())
	if len(plain) != raw {
		t.Errorf("gunzipped %d bytes, want %d", len(plain), raw)
	}

	// Without gzip: identity, a different ETag, still Vary.
	rec2 := get(t, h, http.MethodGet, p)
	if rec2.Code != http.StatusOK || rec2.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec2.Body.Bytes(), plain) {
		t.Errorf("identity GET: %d, encoding %q", rec2.Code, rec2.Header().Get("Content-Encoding"))
	}
	if rec2.Header().Get("ETag") == etag || rec2.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("identity ETag %q Vary %q", rec2.Header().Get("ETag"), rec2.Header().Get("Vary"))
	}
	for _, ae := range []string{"gzip;q=0", "br", "identity", "*;q=0"} {
		if r := get(t, h, http.MethodGet, p, "Accept-Encoding", ae); r.Header().Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q got gzip", ae)
		}
	}
	for _, ae := range []string{"gzip", "GZIP", "deflate, gzip", "*", "x-gzip"} {
		if r := get(t, h, http.MethodGet, p, "Accept-Encoding", ae); r.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("Accept-Encoding %q did not get gzip", ae)
		}
	}

	// Conditional request.
	rec3 := get(t, h, http.MethodGet, p, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if rec3.Code != http.StatusNotModified || rec3.Body.Len() != 0 {
		t.Errorf("If-None-Match: %d, %d bytes", rec3.Code, rec3.Body.Len())
	}

	// HEAD: headers, no body.
	rec4 := get(t, h, http.MethodHead, p, "Accept-Encoding", "gzip")
	if rec4.Code != http.StatusOK || rec4.Body.Len() != 0 || rec4.Header().Get("Cache-Control") != cacheImmutable {
		t.Errorf("HEAD: %d, %d bytes", rec4.Code, rec4.Body.Len())
	}

	// Other methods.
	rec5 := get(t, h, http.MethodPost, p)
	if rec5.Code != http.StatusMethodNotAllowed || rec5.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", rec5.Code, rec5.Header().Get("Allow"))
	}
}

func TestHandlerPlainPathsRevalidate(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/static/app.css", "/static/assets/images/favicon.ico", "/static/assets/manifest.json", "/static/assets/fonts/bold-b542beb274-v2.woff2"} {
		rec := get(t, h, http.MethodGet, p)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d", p, rec.Code)
			continue
		}
		if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", p, got)
		}
		if rec.Header().Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", p)
		}
	}
}

func TestHandlerStrippedPrefix(t *testing.T) {
	h := http.StripPrefix("/static", Handler())
	if rec := get(t, h, http.MethodGet, Path("app.js")); rec.Code != http.StatusOK {
		t.Errorf("behind StripPrefix: %d", rec.Code)
	}
}

func TestHandlerNotFound(t *testing.T) {
	h := Handler()
	css := Path("app.css")
	stale := strings.Replace(css, ".css", "", 1)
	stale = stale[:len(stale)-10] + "0000000000.css"
	for _, p := range []string{
		"/static/",
		"/static",
		"/static/assets",
		"/static/assets/",
		"/static/assets/fonts/",
		"/static/dist/app.css",
		"/static/nope.css",
		"/static/app.0123456789.css",
		stale,
		"/static/../static/app.css",
		"/static/assets/../app.css",
		"/static/./app.css",
		"/static//app.css",
		"/static/%2e%2e/static.go",
		"/static/../static.go",
		"/static/static.go",
		"/static/" + strings.TrimPrefix(css, "/static/") + "/",
		strings.ToUpper(css),
		"/static/app.css.gz",
		"/static/app.css.map",
		"/",
	} {
		req := httptest.NewRequest(http.MethodGet, "http://example.test/", nil)
		req.URL.Path = p // bypass any cleaning
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %q = %d, want 404", p, rec.Code)
		}
		if rec.Header().Get("Cache-Control") == cacheImmutable {
			t.Errorf("GET %q: 404 cached as immutable", p)
		}
	}
}

func TestContentTypes(t *testing.T) {
	h := Handler()
	for name, want := range map[string]string{
		"app.css":                               "text/css; charset=utf-8",
		"app.js":                                "text/javascript; charset=utf-8",
		"htmx.min.js":                           "text/javascript; charset=utf-8",
		"js-enabled.js":                         "text/javascript; charset=utf-8",
		"assets/fonts/bold-b542beb274-v2.woff2": "font/woff2",
		"assets/fonts/bold-affa96571d-v2.woff":  "font/woff",
		"assets/images/govuk-icon-180.png":      "image/png",
		"assets/images/favicon.svg":             "image/svg+xml",
		"assets/images/favicon.ico":             "image/x-icon",
		"assets/manifest.json":                  "application/json",
		"LICENCES.txt":                          "text/plain; charset=utf-8",
	} {
		rec := get(t, h, http.MethodGet, Path(name), "Accept-Encoding", "gzip")
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", name, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", name, got, want)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", name)
		}
	}
	// Fonts and PNGs are not re-compressed.
	for _, name := range []string{"assets/fonts/bold-b542beb274-v2.woff2", "assets/images/govuk-icon-180.png"} {
		rec := get(t, h, http.MethodGet, Path(name), "Accept-Encoding", "gzip")
		if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Vary") != "" {
			t.Errorf("%s: Content-Encoding %q Vary %q", name, rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"))
		}
		if raw, gz := Size(name); raw == 0 || raw != gz {
			t.Errorf("Size(%s) = %d, %d", name, raw, gz)
		}
	}
	if raw, gz := Size("nope"); raw != 0 || gz != 0 {
		t.Errorf("Size(unknown) = %d, %d", raw, gz)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"deflate", "gzip;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.0"}, false},
		{[]string{"*"}, true},
		{[]string{"*, gzip;q=0"}, false},
		{[]string{"br, deflate"}, false},
		{[]string{"identity"}, false},
	} {
		if got := acceptsGzip(tc.in); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func BenchmarkServeCSS(b *testing.B) {
	h := Handler()
	p := Path("app.css")
	_, gz := Size("app.css")
	req := httptest.NewRequest(http.MethodGet, "http://example.test"+p, nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	b.SetBytes(int64(gz))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
