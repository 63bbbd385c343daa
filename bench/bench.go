package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/static"
	"github.com/securemove/securemove/store"
	_ "modernc.org/sqlite"
)

// Load shape of every measurement.
const (
	benchClients = 32
	benchPhase   = 10 * time.Second
	benchWarmup  = time.Second
	// benchMaxRequests bounds each phase whatever the rate.
	benchMaxRequests = 2_000_000
)

// sizeResult is everything measured for one database size.
type sizeResult struct {
	Moves int
	// Engine is "SQLite" or "PostgreSQL" (phase_pg.go).
	Engine  string
	Meta    bulk.BulkResult
	DBBytes int64
	Cached  bool
	SeedSec float64

	Day, DayStatic, Move, MoveStatic *phase
	// DayFresh is the day page rendered for every request (Cache-Control:
	// no-cache, as a hard reload sends): the cost of a list that changed.
	DayFresh      *phase
	Ingest, Plain *phase
	// Fresh is every page rendered afresh and the busy day (phase_fresh.go).
	Fresh *freshResult

	Startup, StartupMax time.Duration
	PeakRSS             int64
	FirstPage           firstPage
	// Notify is "Tell suppliers" measured (phase_notify.go).
	Notify *notifyResult
	Notes  []string
}

// phase is one measured load.
type phase struct {
	Name  string
	URL   string
	Stats *loadgen.Stats
	// Single is the same request from one client at a time: latency
	// without queueing, less swayed by other work on the machine.
	Single    *loadgen.Stats
	Raw, Wire int // bytes of one answer: uncompressed and as sent
	Skipped   string
	Expected  []int
}

func (p *phase) ok() bool { return p != nil && p.Skipped == "" && p.Stats != nil }

// bad counts answers other than the expected statuses, and transport errors.
func (p *phase) bad() int {
	if !p.ok() {
		return 0
	}
	n := p.Stats.Requests - p.Stats.OK(p.Expected...)
	if p.Single != nil {
		n += p.Single.Requests - p.Single.OK(p.Expected...)
	}
	return n
}

// sound says whether a phase's figures stand for what it measured: it ran
// and every answer was one expected. Latencies of refusals (a 401 in a
// few microseconds) would otherwise meet a target for a page never served.
func (p *phase) sound() bool { return p.ok() && p.bad() == 0 }

type firstPage struct {
	Files   []string
	Wire    int
	Raw     int
	Skipped string
}

func runBench(ctx context.Context, quick bool) error {
	sizes := []int{10_000, 100_000, 1_000_000}
	if quick {
		sizes = sizes[:1]
	}
	// BENCH_SIZES (comma-separated numbers of moves) measures those
	// sizes only, e.g. BENCH_SIZES=1000000 to look again at one size.
	if v := os.Getenv("BENCH_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				return fmt.Errorf("BENCH_SIZES: %q is not a number of moves", f)
			}
			sizes = append(sizes, n)
		}
	}
	start := time.Now()
	loadAtStart := loadAverage()
	bin := outPath("securemove")
	logf("building the server into %s...", bin)
	if err := server.Build(ctx, bin); err != nil {
		return err
	}
	var results []*sizeResult
	for _, n := range sizes {
		r, err := benchSize(ctx, bin, n, nil)
		if err != nil {
			return fmt.Errorf("%d moves: %w", n, err)
		}
		results = append(results, r)
		fmt.Println(sizeTable(r).Markdown())
	}
	sum := summary(results, quick)
	fmt.Println(sum.Markdown())
	// The same measurements on PostgreSQL, side by side (phase_pg.go).
	pgTables, err := benchPostgres(ctx, bin, quick, results)
	if err != nil {
		return err
	}
	fmt.Printf("Load average (1, 5, 15 min) at the start: %s; at the end: %s.\n\n", loadAtStart, loadAverage())
	var md strings.Builder
	fmt.Fprintf(&md, "# Benchmark report\n\nRun %s on %s (%d CPUs, GOMAXPROCS %d), %s; took %.0f s. Load: %d clients per phase, %s each after %s warm-up, closed loop over loopback; the load generator shares the machine with the server.\n\n",
		time.Now().UTC().Format(time.RFC3339), hostname(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(),
		time.Since(start).Seconds(), benchClients, benchPhase, benchWarmup)
	fmt.Fprintf(&md, "Load average (1, 5, 15 min) at the start: %s; at the end: %s. Anything else running on the machine skews every figure.\n\n",
		loadAtStart, loadAverage())
	for _, r := range results {
		md.WriteString(sizeTable(r).Markdown())
		md.WriteString("\n")
	}
	md.WriteString(sum.Markdown())
	for _, t := range pgTables {
		md.WriteString("\n" + t.Markdown())
	}
	report := outPath(reportName(os.Getenv("BENCH_PHASES")))
	if err := os.WriteFile(report, []byte(md.String()), 0o644); err != nil {
		return err
	}
	logf("report written to %s (%.0f s)", report, time.Since(start).Seconds())
	return nil
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// benchSize measures one size on SQLite, or on PostgreSQL when pg is set
// (the cached database copied into it).
func benchSize(ctx context.Context, bin string, n int, pg *pgCluster) (*sizeResult, error) {
	db, err := seed.Ensure(ctx, outDir, n, logf)
	if err != nil {
		return nil, err
	}
	r := &sizeResult{Moves: n, Engine: "SQLite", Meta: db.Meta, Cached: db.Cached, SeedSec: db.Seconds}
	dbRef, err := benchDatabase(ctx, pg, db, r)
	if err != nil {
		return nil, err
	}
	if pg == nil {
		defer removeDB(dbRef)
	}
	logPath := outPath(fmt.Sprintf("server-%s-%d.log", strings.ToLower(r.Engine), n))
	_ = os.Remove(logPath)
	hc := loadgen.NewClient(benchClients)

	// API clients first: the command opens the database as the server does.
	var clients []*server.Client
	var clientErr error
	for _, sup := range []string{"serco", "geoamey"} {
		c, err := server.CreateClient(ctx, bin, dbRef, sup)
		if err != nil {
			clientErr = err
			break
		}
		clients = append(clients, c)
	}

	// Start-up: one start to apply any migration newer than the cached
	// database (not measured), then three, each to the first 200 from
	// /health.
	warm, err := server.Start(ctx, server.Options{Bin: bin, DB: dbRef, LogPath: logPath, Ready: 10 * time.Minute})
	if err != nil {
		return nil, err
	}
	if err := warm.Stop(); err != nil {
		return nil, err
	}
	var startups []time.Duration
	var srv *server.Server
	for i := 0; i < 3; i++ {
		s, err := server.Start(ctx, server.Options{Bin: bin, DB: dbRef, LogPath: logPath})
		if err != nil {
			return nil, err
		}
		startups = append(startups, s.Startup)
		if i < 2 {
			if err := s.Stop(); err != nil {
				return nil, err
			}
			continue
		}
		srv = s
	}
	defer func() { srv.Stop() }()
	sort.Slice(startups, func(i, j int) bool { return startups[i] < startups[j] })
	r.Startup, r.StartupMax = startups[1], startups[2]
	logf("%d moves: server up in %s (median of 3)", n, r.Startup.Round(time.Millisecond))

	if !phaseOn("pages") {
		r.FirstPage.Skipped = notSelected
		r.Day, r.DayFresh, r.DayStatic = skipped("Day page"), skipped("Day page rendered afresh"), skipped("Day page's static file")
		r.Move, r.MoveStatic = skipped("Move page"), skipped("Move page's static file")
	} else {
		r.FirstPage = measureFirstPage(ctx, hc, srv.Base)

		// Pages, as PMU with the busy court chosen.
		se, err := server.SignIn(ctx, hc, srv.Base, "bench.pmu", bulk.BulkPassword, db.Meta.BusyLocationID)
		if err != nil {
			return nil, err
		}
		dayURL := fmt.Sprintf("%s/moves/incoming/%s", srv.Base, db.Meta.Today)
		r.Day = pagePhase(ctx, hc, se, fmt.Sprintf("Day page: incoming, %s, %s", db.Meta.BusyLocationTitle, db.Meta.Today), dayURL,
			`class="app-card app-move-card"`, db.Meta.BusyIncoming, false)
		r.DayFresh = pagePhase(ctx, hc, se, "Day page rendered afresh for every request (Cache-Control: no-cache)", dayURL,
			`class="app-card app-move-card"`, db.Meta.BusyIncoming, true)
		r.DayStatic = staticPhase(ctx, hc, srv.Base, r.Day)
		moveURL := fmt.Sprintf("%s/move/%s", srv.Base, db.Meta.LongMoveID)
		r.Move = pagePhase(ctx, hc, se, fmt.Sprintf("Move page, %d-event timeline", db.Meta.LongMoveEvents), moveURL,
			`data-event-type=`, db.Meta.LongMoveEvents, false)
		r.MoveStatic = staticPhase(ctx, hc, srv.Base, r.Move)
	}

	// Pages rendered afresh and the busy day, on a server of their own
	// whose clock is the database's today, before the events of the
	// ingestion phase grow the timelines.
	if phaseOn("pages") || phaseOn("busy") {
		if err := srv.Stop(); err != nil {
			r.Notes = append(r.Notes, "server stop: "+err.Error())
		}
		r.Fresh = freshPhases(ctx, hc, bin, dbRef, logPath, db.Meta, clients, clientErr)
		if srv, err = server.Start(ctx, server.Options{Bin: bin, DB: dbRef, LogPath: logPath}); err != nil {
			return nil, err
		}
	}

	// Event ingestion, then plain inserts on the same disk. Both wait on
	// fsync, so each starts with nothing else left to write back.
	syscall.Sync()
	if phaseOn("ingest") {
		r.Ingest = ingestPhase(ctx, hc, srv.Base, clients, clientErr, db.Meta)
	} else {
		r.Ingest = skipped("POST /api/events")
	}
	if rss, err := srv.PeakRSS(); err == nil {
		r.PeakRSS = rss
	}
	if r.Fresh != nil && r.Fresh.PeakRSS > r.PeakRSS {
		r.PeakRSS = r.Fresh.PeakRSS
	}
	if phaseOn("notify") && clientErr == nil && len(clients) > 0 {
		// Ingestion signs the clients in; without it, Serco's is signed in here.
		if !phaseOn("ingest") {
			clientErr = clients[0].GetToken(ctx, hc, srv.Base)
		}
		if clientErr == nil {
			r.Notify = notifyPhase(ctx, hc, bin, dbRef, srv.Base, srv.Pid(), clients[0], db.Meta)
		} else {
			r.Notify = &notifyResult{Skipped: "not measured: " + firstLine(clientErr.Error())}
		}
	}
	if err := srv.Stop(); err != nil {
		r.Notes = append(r.Notes, "server stop: "+err.Error())
	}
	syscall.Sync()
	if phaseOn("ingest") {
		r.Plain = plainFor(ctx, pg, n)
	} else {
		r.Plain = skipped("Plain single-row insert transactions")
	}
	if n := freshBad(r.Fresh); n > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("unexpected answers in the fresh phases and the busy day: %d (see %s)", n, logPath))
	}
	if bad := phaseErrors(r); bad != "" {
		r.Notes = append(r.Notes, "unexpected answers: "+bad+" (see "+logPath+")")
	}
	return r, nil
}

// BENCH_PHASES (comma-separated: pages, with those rendered afresh and
// the busy day; busy, the busy day alone; ingest, with plain inserts;
// notify) measures only
// those phases at each size, e.g. BENCH_PHASES=notify to see "Tell
// suppliers" alone; unset, every phase. Start-up is always measured.
func phaseOn(name string) bool {
	v := os.Getenv("BENCH_PHASES")
	if v == "" {
		return true
	}
	on := strings.Split(v, ",")
	return slices.Contains(on, name) || name == "busy" && slices.Contains(on, "pages")
}

// reportName is where a run's report goes: report.md for a run of every
// phase, report-<phases>.md for a partial one, so that measuring one phase
// again does not overwrite the full run's tables.
func reportName(phases string) string {
	var names []string
	for _, p := range strings.Split(phases, ",") {
		p = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(p))
		if p != "" {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return "report.md"
	}
	return "report-" + strings.Join(names, "-") + ".md"
}

const notSelected = "not measured (not in BENCH_PHASES)"

func skipped(name string) *phase { return &phase{Name: name, Skipped: notSelected} }

func phaseErrors(r *sizeResult) string {
	var out []string
	for _, p := range []*phase{r.Day, r.DayFresh, r.DayStatic, r.Move, r.MoveStatic, r.Ingest, r.Plain} {
		if p.ok() && p.bad() > 0 {
			out = append(out, fmt.Sprintf("%s: %d of %d (%v; %s)", p.Name, p.bad(), p.Stats.Requests, p.Stats.ByStatus,
				strings.Join(p.Stats.FirstErrors, "; ")))
		}
	}
	return strings.Join(out, "; ")
}

// fetch makes one request and returns the status, the body and how many
// bytes came over the wire.
func fetch(hc *http.Client, req *http.Request) (int, []byte, int, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, len(b), err
}

// pagePhase checks a page once (status, what it shows, sizes) and then
// loads it. A fresh phase asks for the page to be rendered every time,
// bypassing the server's page cache.
func pagePhase(ctx context.Context, hc *http.Client, se *server.Session, name, u, marker string, want int, fresh bool) *phase {
	p := &phase{Name: name, URL: u, Expected: []int{http.StatusOK}}
	request := func(ctx context.Context) *http.Request {
		req := se.Request(ctx, u)
		if fresh {
			req.Header.Set("Cache-Control", "no-cache")
		}
		return req
	}
	status, body, wire, err := fetch(hc, request(ctx))
	if err != nil || status != http.StatusOK {
		p.Skipped = fmt.Sprintf("not measured: %s answered %d %v", strings.TrimPrefix(u, "http://"), status, err)
		return p
	}
	p.Wire = wire
	req := request(ctx)
	req.Header.Del("Accept-Encoding")
	status, body, _, err = fetch(hc, req)
	if err != nil || status != http.StatusOK {
		p.Skipped = fmt.Sprintf("not measured: %s answered %d %v without gzip", u, status, err)
		return p
	}
	p.Raw = len(body)
	if got := strings.Count(string(body), marker); want >= 0 && got != want {
		p.Name += fmt.Sprintf(" [shows %d items, expected %d]", got, want)
	}
	logf("  %s: %d bytes (%d gzip); loading...", name, p.Raw, p.Wire)
	p.Single = loadgen.Run(ctx, loadgen.Options{Clients: 1, Duration: 3 * time.Second, Warmup: 300 * time.Millisecond, MaxRequests: 3000},
		func(ctx context.Context, w, i int) loadgen.Result {
			return loadgen.Do(hc, request(ctx))
		})
	p.Stats = loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: benchPhase, Warmup: benchWarmup, MaxRequests: benchMaxRequests},
		func(ctx context.Context, w, i int) loadgen.Result {
			return loadgen.Do(hc, request(ctx))
		})
	logf("    %.0f req/s, p50 %s, p99 %s (one client: p50 %s)", p.Stats.RPS(), loadgen.Ms(p.Stats.Percentile(50)),
		loadgen.Ms(p.Stats.Percentile(99)), loadgen.Ms(p.Single.Percentile(50)))
	return p
}

// staticFiles lists the embedded files with their sizes as served to a
// browser that accepts gzip.
func staticFiles() []struct {
	name      string
	raw, wire int
} {
	var out []struct {
		name      string
		raw, wire int
	}
	_ = filepath.WalkDir("static/dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		name := strings.TrimPrefix(filepath.ToSlash(p), "static/dist/")
		raw, wire := static.Size(name)
		if raw > 0 {
			out = append(out, struct {
				name      string
				raw, wire int
			}{name, raw, wire})
		}
		return nil
	})
	return out
}

// staticPhase loads the static file whose size as sent is closest to the
// page's.
func staticPhase(ctx context.Context, hc *http.Client, base string, page *phase) *phase {
	p := &phase{Name: "Static file of about the same size", Expected: []int{http.StatusOK}}
	if !page.ok() && page.Wire == 0 {
		p.Skipped = "not measured: no page to compare with"
		return p
	}
	best, bestDiff := "", math.MaxInt
	for _, f := range staticFiles() {
		if d := abs(f.wire - page.Wire); d < bestDiff {
			best, bestDiff = f.name, d
			p.Raw, p.Wire = f.raw, f.wire
		}
	}
	if best == "" {
		p.Skipped = "not measured: no static files found"
		return p
	}
	u := base + static.Path(best)
	p.URL = u
	p.Name = "Static file " + static.Path(best)
	req := func(ctx context.Context) *http.Request {
		r, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		r.Header.Set("Accept-Encoding", "gzip")
		return r
	}
	status, _, wire, err := fetch(hc, req(ctx))
	if err != nil || status != http.StatusOK {
		p.Skipped = fmt.Sprintf("not measured: %s answered %d %v", u, status, err)
		return p
	}
	p.Wire = wire
	p.Stats = loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: benchPhase, Warmup: benchWarmup, MaxRequests: benchMaxRequests},
		func(ctx context.Context, w, i int) loadgen.Result {
			return loadgen.Do(hc, req(ctx))
		})
	logf("  %s (%d bytes, %d gzip): %.0f req/s, p50 %s, p99 %s", p.Name, p.Raw, p.Wire, p.Stats.RPS(),
		loadgen.Ms(p.Stats.Percentile(50)), loadgen.Ms(p.Stats.Percentile(99)))
	return p
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// informational events apply to a move in any status and change nothing,
// so any number may be posted to any move.
var informational = []string{"MoveNotifyPremisesOfEta", "MoveNotifyPremisesOfArrivalIn30Mins"}

// eventPost is one event as a client sends it: the body and the
// Idempotency-Key the README asks clients to send (a new key per event,
// kept to retry with), which the notes also carry, so that a stored event
// can be traced to its request.
type eventPost struct {
	client int
	key    string
	body   []byte
}

// newEventPost draws an informational event about one of moveIDs.
func newEventPost(client int, moveIDs []string, rng *rand.Rand) eventPost {
	id := moveIDs[rng.IntN(len(moveIDs))]
	typ := informational[rng.IntN(len(informational))]
	now := time.Now().UTC()
	var details map[string]any
	if typ == "MoveNotifyPremisesOfEta" {
		details = map[string]any{"expected_at": now.Add(40 * time.Minute).Format(time.RFC3339)}
	}
	key := uuid.NewString()
	var doc map[string]any
	_ = json.Unmarshal(server.EventBody(typ, id, now, details), &doc)
	doc["data"].(map[string]any)["attributes"].(map[string]any)["notes"] = "key " + key
	body, _ := json.Marshal(doc)
	return eventPost{client: client, key: key, body: body}
}

// request makes the POST, with its key.
func (p eventPost) request(ctx context.Context, base string, c *server.Client) *http.Request {
	req := c.PostEvent(ctx, base, p.body)
	req.Header.Set("Idempotency-Key", p.key)
	return req
}

// eventRequest builds a valid keyed POST /api/events for worker w's client.
func eventRequest(ctx context.Context, base string, c *server.Client, moveIDs []string, rng *rand.Rand) (*http.Request, string) {
	p := newEventPost(0, moveIDs, rng)
	return p.request(ctx, base, c), p.key
}

func ingestPhase(ctx context.Context, hc *http.Client, base string, clients []*server.Client, clientErr error, meta bulk.BulkResult) *phase {
	p := &phase{Name: fmt.Sprintf("POST /api/events with Idempotency-Key, %d clients", benchClients), URL: base + "/api/events", Expected: []int{http.StatusCreated}}
	if clientErr != nil {
		p.Skipped = "not measured: " + firstLine(clientErr.Error())
		return p
	}
	var moveIDs [][]string
	for i, c := range clients {
		if err := c.GetToken(ctx, hc, base); err != nil {
			p.Skipped = "not measured: " + firstLine(err.Error())
			return p
		}
		sup := meta.Suppliers[[]string{"serco", "geoamey"}[i]]
		moveIDs = append(moveIDs, meta.SampleMoves[sup])
		if len(meta.SampleMoves[sup]) == 0 {
			p.Skipped = "not measured: no sample moves for " + sup
			return p
		}
	}
	rngs := make([]*rand.Rand, benchClients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 42))
	}
	// One event first, to check the API answers as expected.
	req, _ := eventRequest(ctx, base, clients[0], moveIDs[0], rngs[0])
	status, body, _, err := fetch(hc, req)
	if err != nil || status != http.StatusCreated {
		p.Skipped = fmt.Sprintf("not measured: POST /api/events answered %d %v %s", status, err, firstLine(string(body)))
		return p
	}
	p.Raw = len(body)
	logf("  %s: loading...", p.Name)
	p.Stats = loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: benchPhase, Warmup: benchWarmup, MaxRequests: benchMaxRequests},
		func(ctx context.Context, w, i int) loadgen.Result {
			k := w % len(clients)
			req, _ := eventRequest(ctx, base, clients[k], moveIDs[k], rngs[w])
			return loadgen.Do(hc, req)
		})
	logf("    %.0f events/s, p50 %s, p99 %s", p.Stats.RPS(), loadgen.Ms(p.Stats.Percentile(50)), loadgen.Ms(p.Stats.Percentile(99)))
	return p
}

// plainPhase measures single-row insert transactions from 32 goroutines
// through one connection, on a separate file on the same disk, with the
// store's own connection settings.
func plainPhase(ctx context.Context, path string) *phase {
	p := &phase{Name: fmt.Sprintf("Plain single-row insert transactions, %d goroutines, one connection", benchClients), Expected: []int{1}}
	for _, suf := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suf)
	}
	defer func() {
		for _, suf := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suf)
		}
	}()
	plainInserts(ctx, p, p.Name, "sqlite", store.DSN(path), `CREATE TABLE plain (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
		move_id TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT`, "INSERT INTO plain (id, move_id, body, created_at) VALUES (?, ?, ?, ?)")
	return p
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+\.(?:css|js))"`)

// measureFirstPage adds up what a browser downloads for the sign-in page
// with gzip: the HTML, then every stylesheet and script it links to.
func measureFirstPage(ctx context.Context, hc *http.Client, base string) firstPage {
	var fp firstPage
	get := func(u string) (int, []byte, int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Accept", "text/html,*/*")
		status, _, wire, err := fetch(hc, req)
		if err != nil || status != http.StatusOK {
			return status, nil, wire, fmt.Errorf("%s answered %d %v", u, status, err)
		}
		req2, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+u, nil)
		_, raw, _, err := fetch(hc, req2)
		return status, raw, wire, err
	}
	_, html, wire, err := get("/sign-in")
	if err != nil {
		fp.Skipped = "not measured: " + err.Error()
		return fp
	}
	fp.Files = append(fp.Files, fmt.Sprintf("/sign-in %d", wire))
	fp.Wire += wire
	fp.Raw += len(html)
	for _, m := range assetRE.FindAllStringSubmatch(string(html), -1) {
		_, raw, w, err := get(m[1])
		if err != nil {
			fp.Skipped = "not measured: " + err.Error()
			return fp
		}
		fp.Files = append(fp.Files, fmt.Sprintf("%s %d", m[1], w))
		fp.Wire += w
		fp.Raw += len(raw)
	}
	return fp
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// --- tables ---

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

func phaseRow(t *report.Table, p *phase, unit string) {
	if p == nil {
		return
	}
	if !p.ok() {
		t.Row(p.Name, p.Skipped, "", "", "", "")
		return
	}
	size := ""
	switch {
	case p.Wire > 0:
		size = fmt.Sprintf("%s (%s sent)", kb(p.Raw), kb(p.Wire))
	case p.Raw > 0:
		size = kb(p.Raw) + " answer"
	}
	bad := ""
	if n := p.bad(); n > 0 {
		bad = fmt.Sprintf("%d unexpected", n)
	}
	t.Row(p.Name, fmt.Sprintf("%.0f %s", p.Stats.RPS(), unit), loadgen.Ms(p.Stats.Percentile(50)), loadgen.Ms(p.Stats.Percentile(99)),
		size, fmt.Sprintf("%d%s", p.Stats.Requests, map[bool]string{true: ", " + bad, false: ""}[bad != ""]))
	if p.Single != nil && p.Single.Requests > 0 {
		t.Row("  the same, one client at a time", fmt.Sprintf("%.0f %s", p.Single.RPS(), unit), loadgen.Ms(p.Single.Percentile(50)),
			loadgen.Ms(p.Single.Percentile(99)), "", fmt.Sprint(p.Single.Requests))
	}
}

func ratio(a, b *phase) (float64, bool) {
	if !a.ok() || !b.ok() || b.Stats.RPS() == 0 {
		return 0, false
	}
	return a.Stats.RPS() / b.Stats.RPS(), true
}

// ratioFigure is a ratio target's figure: the ratio of a's rate to b's,
// or why it was not measured (0% would read as a measurement).
func ratioFigure(x float64, ok bool, a, b *phase) string {
	if ok {
		return fmt.Sprintf("%.0f%%", x*100)
	}
	for _, p := range []*phase{a, b} {
		if p != nil && p.Skipped != "" {
			return p.Skipped
		}
	}
	return "not measured"
}

func ratioRow(t *report.Table, name string, a, b *phase) {
	x, ok := ratio(a, b)
	t.Row(name, ratioFigure(x, ok, a, b), "", "", "", "")
}

func sizeTable(r *sizeResult) *report.Table {
	cached := "cached database"
	if !r.Cached {
		cached = fmt.Sprintf("database built in %.0f s", r.SeedSec)
	}
	t := report.New(fmt.Sprintf("%s: %s moves (%s events, %s people, %d locations; %s file, %s)", r.Engine, comma(r.Meta.Moves), comma(r.Meta.Events),
		comma(r.Meta.People), r.Meta.Locations, mb(r.DBBytes), cached),
		"Measure", "Rate", "p50", "p99", "Size of one answer", "Requests")
	phaseRow(t, r.Day, "req/s")
	phaseRow(t, r.DayFresh, "req/s")
	phaseRow(t, r.DayStatic, "req/s")
	ratioRow(t, "Day page rate / static file rate", r.Day, r.DayStatic)
	phaseRow(t, r.Move, "req/s")
	phaseRow(t, r.MoveStatic, "req/s")
	ratioRow(t, "Move page rate / static file rate", r.Move, r.MoveStatic)
	freshRows(t, r.Fresh)
	phaseRow(t, r.Ingest, "events/s")
	phaseRow(t, r.Plain, "tx/s")
	ratioRow(t, "Event ingestion rate / plain insert rate", r.Ingest, r.Plain)
	notifyRows(t, r.Notify)
	t.Row("Start-up to first 200 from /health", fmt.Sprintf("%d ms (median of 3; max %d ms)", r.Startup.Milliseconds(), r.StartupMax.Milliseconds()), "", "", "", "")
	if r.PeakRSS > 0 {
		t.Row("Peak RSS under load (VmHWM)", mb(r.PeakRSS), "", "", "", "")
	} else {
		t.Row("Peak RSS under load (VmHWM)", "not measured", "", "", "", "")
	}
	if r.FirstPage.Skipped != "" {
		t.Row("First page: sign-in HTML + CSS + JS, gzip", r.FirstPage.Skipped, "", "", "", "")
	} else {
		t.Row("First page: sign-in HTML + CSS + JS, gzip", fmt.Sprintf("%s (%s uncompressed)", kb(r.FirstPage.Wire), kb(r.FirstPage.Raw)),
			"", "", strings.Join(r.FirstPage.Files, ", "), "")
	}
	for _, n := range r.Notes {
		t.Note(n)
	}
	return t
}

func comma(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func verdict(ok, measured bool) string {
	switch {
	case !measured:
		return "not measured"
	case ok:
		return "met"
	}
	return "NOT MET"
}

func summary(rs []*sizeResult, quick bool) *report.Table {
	t := report.New("Summary: targets", "Target", "Figure", "Result")
	first, last := rs[0], rs[len(rs)-1]
	if quick || len(rs) < 2 {
		why := "BENCH_QUICK: 10,000 only"
		if !quick {
			why = "one size only"
		}
		t.Row("Day page at 1,000,000 moves within 1.3× its latency at 10,000", "not measured ("+why+")", "not measured")
	} else {
		latencyRatioRows(t, "", first.Day, last.Day)
		latencyRatioRows(t, ", rendered afresh", first.DayFresh, last.DayFresh)
	}
	for _, r := range rs {
		sz := comma(r.Moves)
		x, ok := ratio(r.Day, r.DayStatic)
		t.Row("Day page ≥ 40% of the static-file rate ("+sz+")", ratioFigure(x, ok, r.Day, r.DayStatic), verdict(x >= 0.4, ok))
	}
	for _, r := range rs {
		sz := comma(r.Moves)
		x, ok := ratio(r.Ingest, r.Plain)
		fig := ratioFigure(x, ok, r.Ingest, r.Plain)
		if ok {
			fig += fmt.Sprintf(" (%.0f events/s vs %.0f tx/s)", r.Ingest.Stats.RPS(), r.Plain.Stats.RPS())
		}
		t.Row("Event ingestion ≥ 50% of the plain-insert rate ("+sz+")", fig, verdict(x >= 0.5, ok))
		// What "Fast without the cache" asks (issue 16): keyed events at
		// least as fast as plain single-row inserts on the same disk.
		t.Row("Event ingestion ≥ 100% of the plain-insert rate ("+sz+")", fig, verdict(x >= 1, ok))
	}
	for _, r := range rs {
		sz := comma(r.Moves)
		for _, p := range []*phase{r.Day, r.DayFresh, r.Move, r.Ingest} {
			if p == nil {
				continue
			}
			label := strings.SplitN(p.Name, ",", 2)[0]
			if p == r.DayFresh {
				label = "Day page rendered afresh"
			}
			if p.ok() {
				p99 := p.Stats.Percentile(99)
				t.Row(fmt.Sprintf("p99 < 25 ms at 32 clients: %s (%s)", label, sz), loadgen.Ms(p99), verdict(p99 < 25*time.Millisecond, true))
			} else {
				t.Row(fmt.Sprintf("p99 < 25 ms at 32 clients: %s (%s)", label, sz), p.Skipped, "not measured")
			}
		}
	}
	freshSummary(t, rs)
	for _, r := range rs {
		t.Row("Start-up < 1 s ("+comma(r.Moves)+")", fmt.Sprintf("%d ms median of 3 (max %d ms)", r.Startup.Milliseconds(), r.StartupMax.Milliseconds()),
			verdict(r.Startup < time.Second, true))
	}
	for _, r := range rs {
		t.Row("Peak RSS < 150 MB ("+comma(r.Moves)+")", mb(r.PeakRSS), verdict(r.PeakRSS < 150<<20, r.PeakRSS > 0))
	}
	for _, r := range rs {
		notifySummary(t, comma(r.Moves), r.Notify)
	}
	fp := last.FirstPage
	t.Row("First page < 120 KB (HTML + CSS + JS, gzip)", kb(fp.Wire), verdict(fp.Wire < 120*1024, fp.Skipped == ""))
	bad := 0
	for _, r := range rs {
		for _, p := range []*phase{r.Day, r.DayFresh, r.DayStatic, r.Move, r.MoveStatic, r.Ingest, r.Plain} {
			bad += p.bad()
		}
		bad += freshBad(r.Fresh)
		bad += notifyBad(r.Notify)
	}
	t.Row("No unexpected answers (5xx, errors) during the benchmark", fmt.Sprint(bad), verdict(bad == 0, true))
	return t
}

// latencyRatioRows compare the day page's latency at the largest size
// with the smallest, one client at a time and at 32 clients.
func latencyRatioRows(t *report.Table, how string, first, last *phase) {
	name := "Day page at 1,000,000 moves within 1.3× its latency at 10,000" + how
	if !first.ok() || !last.ok() {
		t.Row(name, "not measured: day page missing", "not measured")
		return
	}
	if first.Single != nil && last.Single != nil && first.Single.Requests > 0 && last.Single.Requests > 0 {
		a, b := first.Single.Percentile(50), last.Single.Percentile(50)
		x := float64(b) / float64(a)
		t.Row(name+" (one client)", fmt.Sprintf("p50 %s vs %s: %.2f×", loadgen.Ms(b), loadgen.Ms(a), x), verdict(x <= 1.3, true))
	}
	a, b := first.Stats.Percentile(50), last.Stats.Percentile(50)
	x := float64(b) / float64(a)
	t.Row(name+" (32 clients)", fmt.Sprintf("p50 %s vs %s: %.2f× (p99 %s vs %s)", loadgen.Ms(b), loadgen.Ms(a), x,
		loadgen.Ms(last.Stats.Percentile(99)), loadgen.Ms(first.Stats.Percentile(99))), verdict(x <= 1.3, true))
}
