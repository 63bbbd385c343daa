// Package static serves the built front-end assets (static/dist, produced by
// assets/build.sh and committed) from the binary, under content-hashed URLs.
//
// Every embedded file gets a fingerprinted URL:
//
//	dist/app.css                              -> /static/app.<hash>.css
//	dist/assets/fonts/bold-b542beb274-v2.woff2 -> /static/assets/fonts/bold-b542beb274-v2.<hash>.woff2
//
// where <hash> is the first 10 hex digits of the SHA-256 of the content as
// served. In CSS files, url(/static/...) references to other embedded files
// are rewritten to their fingerprinted URLs before the CSS is hashed, so a
// changed font or image also changes the CSS's URL.
//
// Pages link to files with Path, e.g. static.Path("app.css"). Handler serves
// fingerprinted URLs as immutable and also the plain URLs (/static/app.css)
// with Cache-Control: no-cache, for references fixed in third-party files
// (such as the icon paths in assets/manifest.json). Mount Handler at /static/
// without stripping the prefix.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed dist
var dist embed.FS

// Prefix is the URL path under which Handler serves files.
const Prefix = "/static/"

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
	hashLen         = 10
)

// file is one embedded file, ready to serve.
type file struct {
	name        string // path within dist, e.g. "assets/fonts/x.woff2"
	url         string // fingerprinted URL path
	plainURL    string // un-fingerprinted URL path, Prefix+name
	hash        string
	contentType string
	body        []byte
	gz          []byte // gzip-compressed body; nil when not worth compressing
}

type index struct {
	byName map[string]*file
	byURL  map[string]route
}

type route struct {
	f         *file
	immutable bool
}

var loadIndex = sync.OnceValue(func() *index {
	idx, err := build(dist, "dist")
	if err != nil {
		// The embedded tree is fixed at compile time, so this is a build
		// error that the package's tests catch.
		panic("static: " + err.Error())
	}
	return idx
})

// contentTypes maps extensions to Content-Type. It is explicit rather than
// mime.TypeByExtension, whose answers depend on the host's mime tables.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".json":  "application/json",
	".map":   "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".woff":  "font/woff",
	".txt":   "text/plain; charset=utf-8",
}

// compressible lists the extensions stored with a gzip copy.
var compressible = map[string]bool{
	".css": true, ".js": true, ".mjs": true, ".svg": true, ".json": true,
	".map": true, ".txt": true, ".ico": true,
}

// cssURL matches url(...) references to files under /static/ in CSS,
// quoted or not. Group 1 is the opening quote, 2 the path, 3 any ?query or
// #fragment, 4 the closing quote.
var cssURL = regexp.MustCompile(`url\(\s*(["']?)(/static/[^"'()\s?#]+)([?#][^"'()\s]*)?(["']?)\s*\)`)

func build(fsys fs.FS, root string) (*index, error) {
	idx := &index{byName: map[string]*file{}, byURL: map[string]route{}}
	var names []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, strings.TrimPrefix(p, root+"/"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("no files embedded (run assets/build.sh)")
	}
	sort.Strings(names)

	// Everything but CSS first, so CSS can refer to their fingerprints.
	var css []string
	for _, name := range names {
		if path.Ext(name) == ".css" {
			css = append(css, name)
			continue
		}
		body, err := fs.ReadFile(fsys, root+"/"+name)
		if err != nil {
			return nil, err
		}
		if err := idx.add(name, body); err != nil {
			return nil, err
		}
	}
	for _, name := range css {
		body, err := fs.ReadFile(fsys, root+"/"+name)
		if err != nil {
			return nil, err
		}
		if err := idx.add(name, idx.rewriteCSS(body)); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

// rewriteCSS replaces url(/static/<name>) with the fingerprinted URL of
// <name> when it is an embedded, already-indexed file. Other references
// (including to CSS files) are left alone.
func (idx *index) rewriteCSS(body []byte) []byte {
	return cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		f, ok := idx.byName[strings.TrimPrefix(string(sub[2]), Prefix)]
		if !ok {
			return m
		}
		var b bytes.Buffer
		b.WriteString("url(")
		b.Write(sub[1])
		b.WriteString(f.url)
		b.Write(sub[3])
		b.Write(sub[4])
		b.WriteString(")")
		return b.Bytes()
	})
}

func (idx *index) add(name string, body []byte) error {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])[:hashLen]
	ext := path.Ext(name)
	ct, ok := contentTypes[ext]
	if !ok {
		ct = "application/octet-stream"
	}
	f := &file{
		name:        name,
		url:         Prefix + fingerprint(name, hash),
		plainURL:    Prefix + name,
		hash:        hash,
		contentType: ct,
		body:        body,
	}
	if compressible[ext] {
		gz, err := gzipBytes(body)
		if err != nil {
			return fmt.Errorf("gzip %s: %w", name, err)
		}
		if len(gz) < len(body) {
			f.gz = gz
		}
	}
	if _, dup := idx.byURL[f.url]; dup {
		return fmt.Errorf("two files fingerprint to %s", f.url)
	}
	if _, dup := idx.byURL[f.plainURL]; dup {
		return fmt.Errorf("%s is both a file and a fingerprinted URL", f.plainURL)
	}
	idx.byName[name] = f
	idx.byURL[f.url] = route{f: f, immutable: true}
	idx.byURL[f.plainURL] = route{f: f}
	return nil
}

// fingerprint inserts hash before the extension of name's base:
// "assets/x.min.js" -> "assets/x.min.<hash>.js"; "LICENCE" -> "LICENCE.<hash>".
func fingerprint(name, hash string) string {
	ext := path.Ext(name)
	if ext == path.Base(name) { // dotfile; build.sh forbids these anyway
		ext = ""
	}
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func cleanName(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, Prefix), "/")
}

// Path returns the fingerprinted URL path of the embedded file name, given
// relative to static/dist: Path("app.css") is "/static/app.<hash>.css",
// Path("assets/images/favicon.ico") is "/static/assets/images/favicon.<hash>.ico".
// For an unknown name it returns "/static/"+name, which Handler answers with
// 404; use MustHave (in a test or at start-up) to catch unknown names.
func Path(name string) string {
	name = cleanName(name)
	if f, ok := loadIndex().byName[name]; ok {
		return f.url
	}
	return Prefix + name
}

// MustHave returns an error naming every name that is not an embedded file.
func MustHave(names ...string) error {
	idx := loadIndex()
	var missing []string
	for _, name := range names {
		if _, ok := idx.byName[cleanName(name)]; !ok {
			missing = append(missing, strconv.Quote(name))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("static: not in static/dist: %s (run assets/build.sh?)", strings.Join(missing, ", "))
	}
	return nil
}

// Size returns the size in bytes of the embedded file name as served: raw,
// and gzip-compressed as sent to clients that accept gzip (equal to raw for
// files that are not compressed). Both are 0 for an unknown name.
func Size(name string) (raw, gzipped int) {
	f, ok := loadIndex().byName[cleanName(name)]
	if !ok {
		return 0, 0
	}
	if f.gz == nil {
		return len(f.body), len(f.body)
	}
	return len(f.body), len(f.gz)
}

// Handler serves the embedded files: fingerprinted URLs with a one-year
// immutable Cache-Control, plain URLs with no-cache. Anything else (unknown
// names, stale hashes, directories, paths with .. or //) is 404. Only GET
// and HEAD are allowed.
func Handler() http.Handler {
	return handler{idx: loadIndex()}
}

type handler struct{ idx *index }

var zeroTime time.Time

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")

	p := r.URL.Path
	if !strings.HasPrefix(p, Prefix) {
		// Tolerate being mounted behind http.StripPrefix("/static", ...).
		p = strings.TrimSuffix(Prefix, "/") + p
	}
	rt, ok := h.idx.byURL[p]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	f := rt.f

	if rt.immutable {
		hdr.Set("Cache-Control", cacheImmutable)
	} else {
		hdr.Set("Cache-Control", cacheRevalidate)
	}
	hdr.Set("Content-Type", f.contentType)

	body, etag := f.body, `"`+f.hash+`"`
	if f.gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, etag = f.gz, `"`+f.hash+`-gz"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("ETag", etag)
	// ServeContent handles HEAD, If-None-Match (304) and Range.
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(body))
}

// acceptsGzip reports whether Accept-Encoding values allow gzip: "gzip" (or
// "x-gzip", or "*" without an explicit gzip entry) with a non-zero q.
func acceptsGzip(values []string) bool {
	star := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			for _, param := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(param), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				return q > 0
			case "*":
				star = q > 0
			}
		}
	}
	return star
}
