package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/store"
)

// loadUser is a signed-in user of the mixed load and what it reads.
type loadUser struct {
	role    string
	se      *server.Session
	moveIDs []string
	review  bool
}

// runLoad runs a bounded mixed load: users of several roles reading day
// lists and move pages, and suppliers' systems posting events and reading
// them back. Any answer other than the expected one fails the run. It runs
// on one instance on SQLite, then on two instances sharing one PostgreSQL
// database (load_pg.go), as LOAD_RUNS (sqlite,postgres) says.
func runLoad(ctx context.Context, secs, clients int) error {
	moves := envInt("LOAD_MOVES", 10_000)
	bin := outPath("securemove")
	logf("building the server into %s...", bin)
	if err := server.Build(ctx, bin); err != nil {
		return err
	}
	cached, err := seed.Ensure(ctx, outDir, moves, logf)
	if err != nil {
		return err
	}
	return runEach(ctx, "LOAD_RUNS", "sqlite,postgres", func(run string) error {
		switch run {
		case "sqlite":
			work := outPath("load.db")
			if err := workingCopy(ctx, cached.Path, work); err != nil {
				return err
			}
			return mixedLoad(ctx, bin, cached.Meta, work, 1, secs, clients)
		case "postgres":
			return loadPostgres(ctx, bin, cached, secs, clients)
		}
		return fmt.Errorf("LOAD_RUNS: unknown run %q (sqlite, postgres)", run)
	})
}

// mixedLoad starts instances of the server on one database (a SQLite file
// or a PostgreSQL URL) and spreads the clients over them: each user signs
// in once, on the first, and its session is used on every instance. With
// more than one instance, a probe measures how soon a change made through
// one is seen through another (load_pg.go).
func mixedLoad(ctx context.Context, bin string, meta bulk.BulkResult, dbRef string, instances, secs, clients int) error {
	var apiClients []*server.Client
	for _, sup := range []string{"serco", "geoamey"} {
		c, err := server.CreateClient(ctx, bin, dbRef, sup)
		if err != nil {
			return err
		}
		apiClients = append(apiClients, c)
	}
	st, err := store.Open(ctx, dbRef)
	if err != nil {
		return err
	}
	rdb := st.DB()
	defer st.Close()
	var srvs []*server.Server
	var logPaths []string
	defer func() {
		for _, s := range srvs {
			s.Stop()
		}
	}()
	for i := 0; i < instances; i++ {
		logPath := outPath(fmt.Sprintf("server-load-%d.log", i+1))
		if instances == 1 {
			logPath = outPath("server-load.log")
		}
		_ = os.Remove(logPath)
		srv, err := server.Start(ctx, server.Options{Bin: bin, DB: dbRef, LogPath: logPath})
		if err != nil {
			return err
		}
		srvs, logPaths = append(srvs, srv), append(logPaths, logPath)
	}
	srv := srvs[0]
	hc := loadgen.NewClient(clients)

	// The users: each role reads what it may see.
	var users []*loadUser
	for _, role := range []string{"pmu", "police", "prison", "court", "supplier"} {
		u, ok := userOf(meta, role)
		if !ok {
			return fmt.Errorf("the loaded database has no %s user", role)
		}
		se, err := server.SignIn(ctx, hc, srv.Base, u.Username, bulk.BulkPassword, "")
		if err != nil {
			return err
		}
		lu := &loadUser{role: role, se: se, review: role == "pmu"}
		switch role {
		case "pmu":
			for _, ids := range meta.SampleMoves {
				lu.moveIDs = append(lu.moveIDs, ids...)
			}
		case "supplier":
			lu.moveIDs = meta.SampleMoves[u.SupplierID]
		default:
			if lu.moveIDs, err = moveIDs(ctx, rdb, u.LocationID, 5000); err != nil {
				return err
			}
		}
		if len(lu.moveIDs) == 0 {
			return fmt.Errorf("no moves for the %s user", role)
		}
		users = append(users, lu)
	}
	var apiMoves [][]string
	for i, c := range apiClients {
		if err := c.GetToken(ctx, hc, srv.Base); err != nil {
			return err
		}
		apiMoves = append(apiMoves, meta.SampleMoves[meta.Suppliers[[]string{"serco", "geoamey"}[i]]])
	}
	// The probe's move takes no other event: its first Serco sample.
	var probe *propagationProbe
	if instances > 1 {
		probe = &propagationProbe{hc: hc, srvs: srvs, client: apiClients[0], se: users[0].se, moveID: apiMoves[0][0]}
		apiMoves[0] = apiMoves[0][1:]
	}
	today, _ := time.Parse(time.DateOnly, meta.Today)
	rngs := make([]*rand.Rand, clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 7))
	}
	expect := map[string]int{}
	logf("mixed load: %d clients for %d s against %d instance(s) on %s (%d moves)...", clients, secs, instances, engineName(dbRef), meta.Moves)
	probeDone := probe.start(ctx, time.Duration(secs)*time.Second)
	stats := loadgen.Run(ctx, loadgen.Options{Clients: clients, Duration: time.Duration(secs) * time.Second, MaxRequests: 10_000_000},
		func(ctx context.Context, w, i int) loadgen.Result {
			rng := rngs[w]
			// Clients take the instances in turn, as a load balancer would.
			base := srvs[w%len(srvs)].Base
			if w%4 == 0 {
				// A supplier's system: posts events, sometimes reads a log back.
				k := (w / 4) % len(apiClients)
				c := apiClients[k]
				if rng.IntN(5) == 0 {
					id := apiMoves[k][rng.IntN(len(apiMoves[k]))]
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/moves/"+id+"/events", nil)
					req.Header.Set("Accept", "application/vnd.api+json")
					req.Header.Set("Authorization", "Bearer "+c.Token)
					r := loadgen.Do(hc, req)
					r.Kind = "api: GET /api/moves/:id/events"
					return r
				}
				req, _ := eventRequest(ctx, base, c, apiMoves[k], rng)
				r := loadgen.Do(hc, req)
				r.Kind = "api: POST /api/events"
				return r
			}
			u := users[w%len(users)]
			var path, kind string
			switch x := rng.IntN(100); {
			case x < 40:
				dir := []string{"incoming", "outgoing"}[rng.IntN(2)]
				day := today.AddDate(0, 0, rng.IntN(7)-3).Format(time.DateOnly)
				path, kind = "/moves/"+dir+"/"+day, "day list"
			case x < 85:
				path, kind = "/move/"+u.moveIDs[rng.IntN(len(u.moveIDs))], "move page"
			case x < 92 && u.review:
				path, kind = "/moves/review", "requests to review"
			case x < 92:
				path, kind = "/moves/outgoing/"+today.Format(time.DateOnly)+"/download.csv", "day list CSV"
			default:
				path, kind = "/", "home"
			}
			r := loadgen.Do(hc, u.se.Request(ctx, base+path))
			r.Kind = u.role + ": " + kind
			return r
		})
	for _, k := range stats.Kinds() {
		expect[k] = http.StatusOK
		if strings.HasSuffix(k, "POST /api/events") {
			expect[k] = http.StatusCreated
		}
	}
	probeRes := probe.wait(probeDone)
	var rss int64
	var rssErr, stopErr error
	nErr := 0
	var firstErrs []string
	for i, s := range srvs {
		r, err := s.PeakRSS()
		rss, rssErr = max(rss, r), errors.Join(rssErr, err)
		if err := s.Stop(); err != nil {
			stopErr = errors.Join(stopErr, fmt.Errorf("instance %d: %w", i+1, err))
		}
		n, first := logErrors(logPaths[i])
		nErr += n
		firstErrs = append(firstErrs, first...)
	}
	srvs = nil
	logPath := strings.Join(logPaths, ", ")

	t := report.New(fmt.Sprintf("Mixed load on %s: %d clients over %d instance(s), %.0f s, %s moves (%.0f requests/s in all)", engineName(dbRef),
		clients, instances, stats.Elapsed.Seconds(), comma(meta.Moves), stats.RPS()), "Request", "Requests", "Statuses", "p50", "p99", "Unexpected")
	unexpected := 0
	for _, k := range stats.Kinds() {
		byStatus := stats.ByKind[k]
		var codes []int
		n, bad := 0, 0
		for code, c := range byStatus {
			codes = append(codes, code)
			n += c
			if code != expect[k] {
				bad += c
			}
		}
		sort.Ints(codes)
		var parts []string
		for _, code := range codes {
			label := fmt.Sprint(code)
			if code == -1 {
				label = "transport error"
			}
			parts = append(parts, fmt.Sprintf("%s × %d", label, byStatus[code]))
		}
		unexpected += bad
		t.Row(k, comma(n), strings.Join(parts, ", "), loadgen.Ms(stats.KindPercentile(k, 50)), loadgen.Ms(stats.KindPercentile(k, 99)), fmt.Sprint(bad))
	}
	t.Row("All", comma(stats.Requests), fmt.Sprintf("%d transport errors", stats.Errors), loadgen.Ms(stats.Percentile(50)),
		loadgen.Ms(stats.Percentile(99)), fmt.Sprint(unexpected))
	if rssErr == nil {
		t.Note(fmt.Sprintf("Server peak RSS (VmHWM, the larger instance): %s", mb(rss)))
	}
	probeFailed := probe.note(t, probeRes)
	t.Note(fmt.Sprintf("Server log: %d error lines%s (%s)", nErr, map[bool]string{true: ": " + strings.Join(firstErrs, " | "), false: ""}[nErr > 0], logPath))
	if stopErr != nil {
		t.Note("Graceful stop: " + stopErr.Error())
	}
	for _, e := range stats.FirstErrors {
		t.Note("Transport error: " + e)
	}
	verdict := "PASS: no 5xx, no unexpected status, no transport error"
	failed := unexpected > 0 || stats.Errors > 0 || nErr > 0 || stopErr != nil || probeFailed
	if probe != nil {
		verdict += "; every change seen through the other instance within a second"
	}
	if failed {
		verdict = "FAIL: unexpected answers or errors (target: none), or a change seen late through the other instance"
	}
	t.Note(verdict)
	fmt.Println(t.Markdown())
	if failed {
		return fmt.Errorf("mixed load: %d unexpected answers, %d transport errors, %d server errors, propagation failed: %v", unexpected, stats.Errors, nErr, probeFailed)
	}
	return nil
}
