package handlers

import (
	"bytes"
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
	"github.com/securemove/securemove/handlers/serve"
)

// PageCache keeps the pages people keep open and reload all day (the day
// lists, which htmx also polls, and move pages) rendered and compressed,
// so a page that has not changed costs no queries, no rendering and no
// compression. An entry belongs to one session (the key holds its CSRF
// token, which is in every page) and to two versions of the store, read
// before the page is rendered: store.Version, which moves on when users,
// locations or reference data change (every page shows some), and a finer
// version for what the route shows (one move, one place's moves, or all
// moves). Every write is a unit of work that records what it touched, and
// those versions move on from that record after its commit and before
// the writer answers; so a cached page is never older than the database,
// and a write leaves the pages that do not show what it touched cached (an
// event on one move leaves other places' lists alone; an Idempotency-Key's
// bookkeeping, nothing at all).
type PageCache struct {
	// Hits and Misses count the pages served from the cache and those
	// rendered for it.
	Hits, Misses atomic.Int64
	mu           sync.Mutex
	version      uint64
	entries      map[[32]byte]*cachedPage
	size         int
	maxBytes     int
}

// cachedPage is a response as written: its status, the headers the
// handler set and the body, gzip-compressed; and the finer version (of
// its move, its place or all moves) it was rendered at.
type cachedPage struct {
	status int
	header http.Header
	gz     []byte
	fine   uint64
}

// NewPageCache makes a cache holding at most maxBytes of compressed pages.
func NewPageCache(maxBytes int) *PageCache {
	return &PageCache{entries: map[[32]byte]*cachedPage{}, maxBytes: maxBytes}
}

// sync empties the cache when store.Version has moved on (users,
// locations or reference data changed). It reports whether pages of
// version v may be used or stored.
func (pc *PageCache) sync(v uint64) bool {
	if v > pc.version {
		clear(pc.entries)
		pc.size = 0
		pc.version = v
	}
	return v == pc.version
}

func (pc *PageCache) get(key [32]byte, v, fine uint64) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !pc.sync(v) {
		return nil
	}
	if p := pc.entries[key]; p != nil && p.fine == fine {
		return p
	}
	return nil
}

func (pc *PageCache) put(key [32]byte, v uint64, p *cachedPage) {
	n := len(p.gz) + 512
	if n > pc.maxBytes/8 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if !pc.sync(v) {
		return
	}
	if old, ok := pc.entries[key]; ok {
		pc.size -= len(old.gz) + 512
	}
	// Over the limit, drop pages at random (map order): cheap, and a
	// dropped page costs one render.
	for k, e := range pc.entries {
		if pc.size+n <= pc.maxBytes {
			break
		}
		delete(pc.entries, k)
		pc.size -= len(e.gz) + 512
	}
	pc.entries[key] = p
	pc.size += n
}

// pageKey is what a cached page depends on besides the data: the session
// (user, CSRF token, current location), the day (pages say "today" and
// people's ages), the address and the htmx headers that choose between a
// page and a fragment. It reports false for requests that must not use the
// cache: not GET, a client that does not take gzip, or a session with a
// message to show once.
func (h *Handlers) pageKey(c echo.Context) ([32]byte, bool) {
	r := c.Request()
	if r.Method != http.MethodGet || !strings.Contains(r.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		return [32]byte{}, false
	}
	ss := h.Sessions
	uid, csrf := ss.Str(c, serve.KeyUserID), ss.Str(c, serve.KeyCSRF)
	if uid == "" || csrf == "" || ss.Value(c, serve.KeyFlash) != nil {
		return [32]byte{}, false
	}
	loc, chosen := ss.Str(c, serve.KeyLocation), ss.Str(c, serve.KeyChosen)
	var b strings.Builder
	for _, s := range []string{uid, csrf, loc, chosen, h.Today(), r.Header.Get("HX-Request"), r.Header.Get("HX-Boosted"),
		r.Header.Get("HX-History-Restore-Request"), r.URL.RequestURI()} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	return sha256.Sum256([]byte(b.String())), true
}

// CachedMove and CachedDay keep a route's pages: a move's page depends on
// the move (store.MoveVersion: any unit that touched it), a day's list on
// the moves from or to its place (store.LocationVersion) or, for a list of
// many places, on every move (store.EventsVersion).
func (h *Handlers) CachedMove(next echo.HandlerFunc) echo.HandlerFunc {
	return h.cached(next, func(c echo.Context) uint64 { return h.Store.MoveVersion(c.Param("id")) })
}

func (h *Handlers) CachedDay(next echo.HandlerFunc) echo.HandlerFunc {
	return h.cached(next, func(c echo.Context) uint64 {
		if u := serve.CurrentUser(c); u != nil && u.Current != nil {
			return h.Store.LocationVersion(u.Current.ID)
		}
		return h.Store.EventsVersion()
	})
}

// cached serves a route from the page cache when it can, and fills the
// cache from what the handler writes when it cannot. Only complete 200 and
// 204 answers that set no cookie are kept. A page is kept for one
// store.Version and one finer version, both read before the page is
// rendered: a write that lands while it renders makes it stale at once.
func (h *Handlers) cached(next echo.HandlerFunc, fineVersion func(echo.Context) uint64) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.Pages == nil {
			return next(c)
		}
		key, ok := h.pageKey(c)
		if !ok {
			return next(c)
		}
		v, fine := h.Store.Version(), fineVersion(c)
		res := c.Response()
		// A request for a fresh page (Cache-Control: no-cache, as a hard
		// reload sends) is rendered, and what it renders kept.
		fresh := strings.Contains(c.Request().Header.Get("Cache-Control"), "no-cache")
		if p := h.Pages.get(key, v, fine); p != nil && !fresh {
			h.Pages.Hits.Add(1)
			writeCached(res, p)
			return nil
		}
		h.Pages.Misses.Add(1)
		orig := res.Writer
		// Borrowed: a page rendered afresh is tens of kilobytes, copied
		// here and then compressed or written, never kept as it is.
		cw := serve.BorrowCaptureWriter(orig.Header())
		defer cw.Release()
		res.Writer = cw
		err := next(c)
		res.Writer = orig
		if !cw.WroteHeader {
			return err
		}
		if err != nil || (cw.Status != http.StatusOK && cw.Status != http.StatusNoContent) ||
			orig.Header().Get("Set-Cookie") != "" {
			// Not for keeping: pass it on as written.
			orig.WriteHeader(cw.Status)
			n, werr := orig.Write(cw.Body.Bytes())
			res.Size = int64(n)
			if err == nil {
				err = werr
			}
			return err
		}
		p := &cachedPage{status: cw.Status, header: keptHeaders(orig.Header()), gz: gzipBytes(cw.Body.Bytes()), fine: fine}
		h.Pages.put(key, v, p)
		writeCached(res, p)
		return nil
	}
}

// keptHeaders are the headers a cached page is served with: those its
// handler set, not the request's own (its id) nor the body's length and
// encoding, which writeCached sets.
func keptHeaders(hd http.Header) http.Header {
	out := hd.Clone()
	for _, k := range []string{echo.HeaderXRequestID, echo.HeaderContentLength, echo.HeaderContentEncoding} {
		out.Del(k)
	}
	return out
}

// writeCached writes a cached page, already compressed (the gzip
// middleware leaves a body with a Content-Encoding alone), straight to the
// response's writer: on a miss echo's response has already been written to
// once, by the handler into the capture.
func writeCached(res *echo.Response, p *cachedPage) {
	hd := res.Header()
	for k, v := range p.header {
		hd[k] = v
	}
	n := 0
	if p.status == http.StatusNoContent {
		res.Writer.WriteHeader(p.status)
	} else {
		hd.Set(echo.HeaderContentEncoding, "gzip")
		hd.Set(echo.HeaderContentLength, strconv.Itoa(len(p.gz)))
		res.Writer.WriteHeader(p.status)
		n, _ = res.Writer.Write(p.gz)
	}
	res.Status, res.Committed, res.Size = p.status, true, int64(n)
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// gzipBytes compresses a page once, when it is cached, at the fastest
// level: while writes keep coming (events every few milliseconds), pages
// are rendered more often than they are served again.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 6)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}
