package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/server"
)

// Pages rendered afresh, and a busy day (issue 16). A page people keep
// open is kept rendered until what it shows changes; on a busy day
// suppliers' events change today's moves all day, so what people wait
// for is the page rendered again. These phases measure that, on a server
// of their own whose clock is the database's today (so home pages count
// the busy day), next to the kept page measured in the same run.

// busyEventsPerSecond is the suppliers' combined rate in the busy day.
const busyEventsPerSecond = 200

// freshResult is what the fresh phases measured at one size.
type freshResult struct {
	Skipped string
	// Kept is the day page served from the cache, one client at a time:
	// the latency the fresh pages are compared with.
	Kept  *phase
	Pages []*phase
	Busy  *busyResult
	// PeakRSS is this server's, measured after the busy day.
	PeakRSS int64
}

// busyResult is the busy day: pages and events measured together.
type busyResult struct {
	Skipped string
	// Stats are the pages'.
	Stats *loadgen.Stats
	// Hits and Misses are the server's page cache counts over the phase
	// (its warm-up included).
	Hits, Misses float64
	// EventLatencies (sorted) and EventStatus are the events posted after
	// the warm-up; Missed counts ticks that found 64 events waiting.
	EventLatencies []time.Duration
	EventStatus    map[int]int
	Missed         int
	Elapsed        time.Duration
	// Sessions is how many people browsed, each signed in on their own.
	Sessions int
}

// metricsToken lets the bench read the page cache's counts from /metrics.
const metricsToken = "bench-metrics-token"

// freshPhases starts a server with the clock at the database's today and
// measures every page rendered afresh, then the busy day.
func freshPhases(ctx context.Context, hc *http.Client, bin, dbPath, logPath string, meta bulk.BulkResult, clients []*server.Client, clientErr error) *freshResult {
	fr := &freshResult{}
	srv, err := server.Start(ctx, server.Options{Bin: bin, DB: dbPath, LogPath: logPath,
		Env: []string{"SECUREMOVE_NOW=" + benchNow(meta.Today), "SECUREMOVE_METRICS_TOKEN=" + metricsToken}})
	if err != nil {
		fr.Skipped = "not measured: " + firstLine(err.Error())
		return fr
	}
	defer srv.Stop()
	sessions := map[string]*server.Session{}
	signIn := func(role, location string) (*server.Session, error) {
		if se, ok := sessions[role]; ok {
			return se, nil
		}
		u, ok := userOf(meta, role)
		if !ok {
			return nil, fmt.Errorf("no %s user", role)
		}
		se, err := server.SignIn(ctx, hc, srv.Base, u.Username, bulk.BulkPassword, location)
		if err == nil {
			sessions[role] = se
		}
		return se, err
	}
	pmu, err := signIn("pmu", meta.BusyLocationID)
	if err != nil {
		fr.Skipped = "not measured: " + firstLine(err.Error())
		return fr
	}
	if phaseOn("pages") {
		dayURL := fmt.Sprintf("%s/moves/incoming/%s", srv.Base, meta.Today)
		moveURL := fmt.Sprintf("%s/move/%s", srv.Base, meta.LongMoveID)
		fr.Kept = singlePhase(ctx, hc, pmu, "Day page kept (served from the page cache), one client", dayURL, false)
		add := func(p *phase) { fr.Pages = append(fr.Pages, p) }
		add(pagePhase(ctx, hc, pmu, fmt.Sprintf("Afresh: day page, incoming, %d moves", meta.BusyIncoming), dayURL,
			`class="app-card app-move-card"`, meta.BusyIncoming, true))
		add(pagePhase(ctx, hc, pmu, fmt.Sprintf("Afresh: move page, %d-event timeline", meta.LongMoveEvents), moveURL,
			`data-event-type=`, meta.LongMoveEvents, true))
		add(pagePhase(ctx, hc, pmu, "Afresh: requests to review", srv.Base+"/moves/review", `app-review`, -1, true))
		for _, role := range []string{"pmu", "police", "prison", "court", "supplier", "admin"} {
			se, err := signIn(role, "")
			if err != nil {
				add(&phase{Name: "Afresh: home page, " + role, Skipped: "not measured: " + firstLine(err.Error())})
				continue
			}
			add(pagePhase(ctx, hc, se, "Afresh: home page, "+role, srv.Base+"/", `govuk-heading-xl`, -1, true))
		}
		add(apiMovesPhase(ctx, hc, srv.Base, clients, clientErr))
	}
	fr.Busy = busyDay(ctx, hc, srv, pmu, meta, clients, clientErr)
	if rss, err := srv.PeakRSS(); err == nil {
		fr.PeakRSS = rss
	}
	return fr
}

// singlePhase is a page from one client at a time only.
func singlePhase(ctx context.Context, hc *http.Client, se *server.Session, name, u string, fresh bool) *phase {
	p := &phase{Name: name, URL: u, Expected: []int{http.StatusOK}}
	p.Stats = loadgen.Run(ctx, loadgen.Options{Clients: 1, Duration: 3 * time.Second, Warmup: 300 * time.Millisecond, MaxRequests: 3000},
		func(ctx context.Context, w, i int) loadgen.Result {
			req := se.Request(ctx, u)
			if fresh {
				req.Header.Set("Cache-Control", "no-cache")
			}
			return loadgen.Do(hc, req)
		})
	return p
}

// apiMovesPhase loads GET /api/moves: a page of 100 of a supplier's moves
// with their locations and people, as a supplier's system asks for them.
func apiMovesPhase(ctx context.Context, hc *http.Client, base string, clients []*server.Client, clientErr error) *phase {
	p := &phase{Name: "Afresh: GET /api/moves, 100 moves with locations and people", URL: base + apiMovesPath, Expected: []int{http.StatusOK}}
	if clientErr != nil || len(clients) == 0 {
		p.Skipped = fmt.Sprintf("not measured: no API client (%v)", clientErr)
		return p
	}
	c := clients[0]
	if err := c.GetToken(ctx, hc, base); err != nil {
		p.Skipped = "not measured: " + firstLine(err.Error())
		return p
	}
	request := func(ctx context.Context) *http.Request {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
		req.Header.Set("Accept", "application/vnd.api+json")
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		return req
	}
	status, body, wire, err := fetch(hc, request(ctx))
	if err != nil || status != http.StatusOK {
		p.Skipped = fmt.Sprintf("not measured: GET /api/moves answered %d %v %s", status, err, firstLine(string(body)))
		return p
	}
	p.Wire = wire
	req := request(ctx)
	req.Header.Del("Accept-Encoding")
	if _, body, _, err = fetch(hc, req); err == nil {
		p.Raw = len(body)
		if n := strings.Count(string(body), `"type":"moves"`); n != 100 {
			p.Name += fmt.Sprintf(" [shows %d moves, expected 100]", n)
		}
	}
	logf("  %s: %d bytes (%d gzip); loading...", p.Name, p.Raw, p.Wire)
	p.Single = loadgen.Run(ctx, loadgen.Options{Clients: 1, Duration: 3 * time.Second, Warmup: 300 * time.Millisecond, MaxRequests: 3000},
		func(ctx context.Context, w, i int) loadgen.Result { return loadgen.Do(hc, request(ctx)) })
	p.Stats = loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: benchPhase, Warmup: benchWarmup, MaxRequests: benchMaxRequests},
		func(ctx context.Context, w, i int) loadgen.Result { return loadgen.Do(hc, request(ctx)) })
	logf("    %.0f req/s, p50 %s, p99 %s (one client: p50 %s)", p.Stats.RPS(), loadgen.Ms(p.Stats.Percentile(50)),
		loadgen.Ms(p.Stats.Percentile(99)), loadgen.Ms(p.Single.Percentile(50)))
	return p
}

// busyDay runs 32 people browsing today's lists and move pages of the
// busy place (the cache serving what has not changed) while the
// suppliers post keyed events to today's moves there, paced to
// busyEventsPerSecond in all.
func busyDay(ctx context.Context, hc *http.Client, srv *server.Server, se *server.Session, meta bulk.BulkResult,
	clients []*server.Client, clientErr error) *busyResult {
	b := &busyResult{}
	if clientErr != nil || len(clients) == 0 {
		b.Skipped = fmt.Sprintf("not measured: no API client (%v)", clientErr)
		return b
	}
	// Today's moves at the busy place, by supplier: the ones people look
	// at and the ones events are about, read beside the server from
	// either engine.
	q := `SELECT id, COALESCE(supplier_id, '') FROM moves WHERE date = ? AND (to_location_id = ? OR from_location_id = ?)`
	var rdb *sql.DB
	var err error
	if strings.HasPrefix(srv.DB, "postgres") {
		rdb, err = sql.Open("pgx", srv.DB)
		q = strings.NewReplacer("date = ?", "date = $1", "to_location_id = ?", "to_location_id = $2", "from_location_id = ?", "from_location_id = $3").Replace(q)
	} else {
		rdb, err = readDB(srv.DB)
	}
	if err != nil {
		b.Skipped = "not measured: " + err.Error()
		return b
	}
	defer rdb.Close()
	bySupplier := map[string][]string{}
	var todays []string
	rows, err := rdb.QueryContext(ctx, q, meta.Today, meta.BusyLocationID, meta.BusyLocationID)
	if err != nil {
		b.Skipped = "not measured: " + err.Error()
		return b
	}
	for rows.Next() {
		var id, sup string
		if rows.Scan(&id, &sup) == nil {
			todays = append(todays, id)
			bySupplier[sup] = append(bySupplier[sup], id)
		}
	}
	rows.Close()
	type poster struct {
		c   *server.Client
		ids []string
	}
	var posters []poster
	for i, c := range clients {
		if err := c.GetToken(ctx, hc, srv.Base); err != nil {
			b.Skipped = "not measured: " + firstLine(err.Error())
			return b
		}
		if ids := bySupplier[meta.Suppliers[[]string{"serco", "geoamey"}[i%2]]]; len(ids) > 0 {
			posters = append(posters, poster{c, ids})
		}
	}
	if len(todays) == 0 || len(posters) == 0 {
		b.Skipped = "not measured: no moves today at the busy place with a supplier that has a client"
		return b
	}
	pages := []string{srv.Base + "/moves/incoming/" + meta.Today, srv.Base + "/moves/outgoing/" + meta.Today, srv.Base + "/"}
	for _, id := range todays {
		pages = append(pages, srv.Base+"/move/"+id)
	}
	// Thirty-two people, each signed in with a session of their own (the
	// page cache keeps a page per session, as every page carries its
	// session's CSRF token): one session shared by every client would
	// let one person's render serve all thirty-two.
	people := []*server.Session{se}
	if u, ok := userOf(meta, "pmu"); ok {
		for len(people) < benchClients {
			p, err := server.SignIn(ctx, hc, srv.Base, u.Username, bulk.BulkPassword, meta.BusyLocationID)
			if err != nil {
				b.Skipped = "not measured: " + firstLine(err.Error())
				return b
			}
			people = append(people, p)
		}
	}
	if len(people) < benchClients {
		b.Skipped = "not measured: no PMU user to sign in"
		return b
	}
	b.Sessions = len(people)
	hits0, miss0, err := pageCacheCounts(ctx, hc, srv.Base)
	if err != nil {
		b.Skipped = "not measured: " + err.Error()
		return b
	}
	// The events are posted open-loop, each at its tick whatever the
	// answers before it (a closed loop would post only as fast as the
	// server answers), from their own connections; at most 64 wait at
	// once, and a tick that finds 64 waiting is counted as missed.
	evCtx, stopEvents := context.WithCancel(ctx)
	defer stopEvents()
	ehc := loadgen.NewClient(64)
	var (
		mu     sync.Mutex
		wg     sync.WaitGroup
		from   = time.Now().Add(benchWarmup) // the pages' warm-up is not measured; nor are its events
		sem    = make(chan struct{}, 64)
		ticker = time.NewTicker(time.Second / busyEventsPerSecond)
	)
	b.EventStatus = map[int]int{}
	go func() {
		defer ticker.Stop()
		for n := 0; ; n++ {
			select {
			case <-evCtx.Done():
				return
			case <-ticker.C:
			}
			select {
			case sem <- struct{}{}:
			default:
				mu.Lock()
				b.Missed++
				mu.Unlock()
				continue
			}
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				defer func() { <-sem }()
				po := posters[n%len(posters)]
				req, _ := eventRequest(evCtx, srv.Base, po.c, po.ids, rand.New(rand.NewPCG(uint64(n), 16)))
				t0 := time.Now()
				r := loadgen.Do(ehc, req)
				el := time.Since(t0)
				if t0.Before(from) || evCtx.Err() != nil {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				b.EventLatencies = append(b.EventLatencies, el)
				if r.Err != nil {
					b.EventStatus[-1]++
				} else {
					b.EventStatus[r.Status]++
				}
			}(n)
		}
	}()
	rngs := make([]*rand.Rand, benchClients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 16))
	}
	logf("  busy day: %d people, each with a session, browsing %d pages while %d events/s are posted...", benchClients, len(pages), busyEventsPerSecond)
	b.Stats = loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: benchPhase, Warmup: benchWarmup, MaxRequests: benchMaxRequests},
		func(ctx context.Context, w, i int) loadgen.Result {
			return loadgen.Do(hc, people[w].Request(ctx, pages[rngs[w].IntN(len(pages))]))
		})
	b.Elapsed = time.Since(from)
	stopEvents()
	wg.Wait()
	slices.Sort(b.EventLatencies)
	hits1, miss1, err := pageCacheCounts(ctx, hc, srv.Base)
	if err != nil {
		b.Skipped = "not measured: " + err.Error()
		return b
	}
	b.Hits, b.Misses = hits1-hits0, miss1-miss0
	logf("    pages p99 %s, events p99 %s, %.0f events/s, %.0f%% of pages from the cache", loadgen.Ms(b.Stats.Percentile(99)),
		loadgen.Ms(b.eventPercentile(99)), b.eventRate(), 100*b.hitShare())
	return b
}

// eventPercentile is a percentile of the measured events' latencies.
func (b *busyResult) eventPercentile(p float64) time.Duration {
	if len(b.EventLatencies) == 0 {
		return 0
	}
	i := int(float64(len(b.EventLatencies)-1) * p / 100)
	return b.EventLatencies[i]
}

// eventRate is the measured events per second.
func (b *busyResult) eventRate() float64 {
	if b.Elapsed <= 0 {
		return 0
	}
	return float64(len(b.EventLatencies)) / b.Elapsed.Seconds()
}

// eventsBad counts events answered other than 201, or not at all.
func (b *busyResult) eventsBad() int {
	return len(b.EventLatencies) - b.EventStatus[http.StatusCreated]
}

func (b *busyResult) hitShare() float64 {
	if b.Hits+b.Misses == 0 {
		return 0
	}
	return b.Hits / (b.Hits + b.Misses)
}

// pageCacheCounts reads the page cache's hits and misses from /metrics.
func pageCacheCounts(ctx context.Context, hc *http.Client, base string) (hits, misses float64, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("/metrics answered %d", resp.StatusCode)
	}
	found := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, perr := strconv.ParseFloat(value, 64)
		switch name {
		case `securemove_page_cache_requests_total{result="hit"}`:
			hits, found = v, found+1
		case `securemove_page_cache_requests_total{result="miss"}`:
			misses, found = v, found+1
		default:
			continue
		}
		if perr != nil {
			return 0, 0, perr
		}
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("/metrics has no securemove_page_cache_requests_total")
	}
	return hits, misses, sc.Err()
}

// freshRows adds the fresh phases to a size's table.
func freshRows(t *report.Table, fr *freshResult) {
	if fr == nil {
		return
	}
	if fr.Skipped != "" {
		t.Row("Pages rendered afresh", fr.Skipped, "", "", "", "")
		return
	}
	keptP50 := time.Duration(0)
	if fr.Kept != nil && fr.Kept.Stats != nil && fr.Kept.Stats.Requests > 0 {
		keptP50 = fr.Kept.Stats.Percentile(50)
		t.Row(fr.Kept.Name, fmt.Sprintf("%.0f req/s", fr.Kept.Stats.RPS()), loadgen.Ms(keptP50), loadgen.Ms(fr.Kept.Stats.Percentile(99)),
			"", fmt.Sprint(fr.Kept.Stats.Requests))
	}
	for _, p := range fr.Pages {
		phaseRow(t, p, "req/s")
		if p.ok() && p.Single != nil && p.Single.Requests > 0 && keptP50 > 0 {
			t.Row("  one client, p50 / kept day page p50", fmt.Sprintf("%.1f×", float64(p.Single.Percentile(50))/float64(keptP50)), "", "", "", "")
		}
	}
	b := fr.Busy
	if b == nil {
		return
	}
	name := fmt.Sprintf("Busy day: %d people (%d sessions) on today's lists and move pages, events posted at %d/s with keys", benchClients, b.Sessions, busyEventsPerSecond)
	if b.Skipped != "" {
		t.Row(name, b.Skipped, "", "", "", "")
		return
	}
	t.Row(name, "", "", "", "", "")
	t.Row("  pages", fmt.Sprintf("%.0f req/s, %.0f%% from the cache", b.Stats.RPS(), 100*b.hitShare()), loadgen.Ms(b.Stats.Percentile(50)),
		loadgen.Ms(b.Stats.Percentile(99)), "", statusCounts(b.Stats.ByStatus))
	missed := ""
	if b.Missed > 0 {
		missed = fmt.Sprintf(", %d not sent (64 waiting)", b.Missed)
	}
	t.Row("  events", fmt.Sprintf("%.0f events/s", b.eventRate()), loadgen.Ms(b.eventPercentile(50)),
		loadgen.Ms(b.eventPercentile(99)), "", statusCounts(b.EventStatus)+missed)
}

func statusCounts(m map[int]int) string {
	var parts []string
	for code, n := range m {
		parts = append(parts, fmt.Sprintf("%d × %d", n, code))
	}
	return strings.Join(parts, ", ")
}

// freshSummary adds the targets of the fresh phases to the summary.
func freshSummary(t *report.Table, rs []*sizeResult) {
	for _, r := range rs {
		fr, sz := r.Fresh, comma(r.Moves)
		if fr == nil || fr.Skipped != "" {
			continue
		}
		keptP50 := time.Duration(0)
		if fr.Kept != nil && fr.Kept.Stats != nil && fr.Kept.Stats.Requests > 0 {
			keptP50 = fr.Kept.Stats.Percentile(50)
		}
		for _, p := range fr.Pages {
			label := strings.TrimPrefix(strings.SplitN(p.Name, " [", 2)[0], "Afresh: ")
			if !p.ok() {
				t.Row(fmt.Sprintf("Afresh, %s (%s)", label, sz), p.Skipped, "not measured")
				continue
			}
			if !p.sound() {
				t.Row(fmt.Sprintf("Afresh, %s (%s)", label, sz), fmt.Sprintf("%d unexpected answers", p.bad()), verdict(false, true))
				continue
			}
			if keptP50 > 0 && p.Single != nil && p.Single.Requests > 0 {
				x := float64(p.Single.Percentile(50)) / float64(keptP50)
				t.Row(fmt.Sprintf("Afresh ≤ 3× the kept page, one client: %s (%s)", label, sz),
					fmt.Sprintf("p50 %s vs %s: %.1f×", loadgen.Ms(p.Single.Percentile(50)), loadgen.Ms(keptP50), x), verdict(x <= 3, true))
			}
			p99 := p.Stats.Percentile(99)
			t.Row(fmt.Sprintf("Afresh p99 < 25 ms at 32 clients: %s (%s)", label, sz), loadgen.Ms(p99), verdict(p99 < 25*time.Millisecond, true))
		}
		if b := fr.Busy; b != nil && b.Skipped == "" {
			pp, ep := b.Stats.Percentile(99), b.eventPercentile(99)
			// Measured as it reads only with a session per person: shared,
			// one person's render serves the others from the cache.
			t.Row("Busy day: pages p99 < 25 ms ("+sz+")", fmt.Sprintf("%s (%d sessions, %.0f%% from the cache)", loadgen.Ms(pp), b.Sessions, 100*b.hitShare()),
				verdict(pp < 25*time.Millisecond && b.Sessions >= benchClients, true))
			t.Row("Busy day: events p99 < 50 ms ("+sz+")", fmt.Sprintf("%s (%.0f events/s)", loadgen.Ms(ep), b.eventRate()),
				verdict(ep < 50*time.Millisecond, true))
		}
	}
	for _, pair := range freshPairs(rs) {
		t.Row(pair[0], pair[1], pair[2])
	}
}

// freshPairs compares each fresh page at the largest size with the
// smallest, one client at a time: within 1.3×.
func freshPairs(rs []*sizeResult) [][3]string {
	if len(rs) < 2 || rs[0].Fresh == nil || rs[len(rs)-1].Fresh == nil {
		return nil
	}
	var out [][3]string
	first, last := rs[0].Fresh, rs[len(rs)-1].Fresh
	for i, p := range first.Pages {
		if i >= len(last.Pages) {
			break
		}
		q := last.Pages[i]
		if !p.sound() || !q.sound() || p.Single == nil || q.Single == nil || p.Single.Requests == 0 || q.Single.Requests == 0 {
			continue
		}
		a, b := p.Single.Percentile(50), q.Single.Percentile(50)
		x := float64(b) / float64(a)
		label := strings.TrimPrefix(strings.SplitN(p.Name, " [", 2)[0], "Afresh: ")
		out = append(out, [3]string{fmt.Sprintf("Afresh at %s moves within 1.3× of %s: %s (one client)", comma(rs[len(rs)-1].Moves), comma(rs[0].Moves), label),
			fmt.Sprintf("p50 %s vs %s: %.2f×", loadgen.Ms(b), loadgen.Ms(a), x), verdict(x <= 1.3, true)})
	}
	return out
}

// freshBad counts unexpected answers in the fresh phases.
func freshBad(fr *freshResult) int {
	if fr == nil {
		return 0
	}
	n := 0
	for _, p := range fr.Pages {
		n += p.bad()
	}
	if b := fr.Busy; b != nil && b.Stats != nil {
		n += b.Stats.Requests - b.Stats.OK(http.StatusOK) + b.eventsBad()
	}
	return n
}
