package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
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
// them back. Any answer other than the expected one fails the run.
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
	meta := cached.Meta
	work := outPath("load.db")
	if err := copyDB(cached.Path, work); err != nil {
		return err
	}
	var apiClients []*server.Client
	for _, sup := range []string{"serco", "geoamey"} {
		c, err := server.CreateClient(ctx, bin, work, sup)
		if err != nil {
			return err
		}
		apiClients = append(apiClients, c)
	}
	rdb, err := readDB(work)
	if err != nil {
		return err
	}
	defer rdb.Close()
	logPath := outPath("server-load.log")
	srv, err := server.Start(ctx, server.Options{Bin: bin, DB: work, LogPath: logPath})
	if err != nil {
		return err
	}
	defer srv.Stop()
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
	today, _ := time.Parse(time.DateOnly, meta.Today)
	rngs := make([]*rand.Rand, clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 7))
	}
	expect := map[string]int{}
	logf("mixed load: %d clients for %d s against %s (%d moves)...", clients, secs, srv.Base, meta.Moves)
	stats := loadgen.Run(ctx, loadgen.Options{Clients: clients, Duration: time.Duration(secs) * time.Second, MaxRequests: 10_000_000},
		func(ctx context.Context, w, i int) loadgen.Result {
			rng := rngs[w]
			if w%4 == 0 {
				// A supplier's system: posts events, sometimes reads a log back.
				k := (w / 4) % len(apiClients)
				c := apiClients[k]
				if rng.IntN(5) == 0 {
					id := apiMoves[k][rng.IntN(len(apiMoves[k]))]
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.Base+"/api/moves/"+id+"/events", nil)
					req.Header.Set("Accept", "application/vnd.api+json")
					req.Header.Set("Authorization", "Bearer "+c.Token)
					r := loadgen.Do(hc, req)
					r.Kind = "api: GET /api/moves/:id/events"
					return r
				}
				req, _ := eventRequest(ctx, srv.Base, c, apiMoves[k], rng)
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
			r := loadgen.Do(hc, u.se.Request(ctx, srv.Base+path))
			r.Kind = u.role + ": " + kind
			return r
		})
	for _, k := range stats.Kinds() {
		expect[k] = http.StatusOK
		if strings.HasSuffix(k, "POST /api/events") {
			expect[k] = http.StatusCreated
		}
	}
	rss, rssErr := srv.PeakRSS()
	stopErr := srv.Stop()
	nErr, firstErrs := logErrors(logPath)

	t := report.New(fmt.Sprintf("Mixed load: %d clients, %.0f s, %s moves (%.0f requests/s in all)", clients, stats.Elapsed.Seconds(),
		comma(meta.Moves), stats.RPS()), "Request", "Requests", "Statuses", "p50", "p99", "Unexpected")
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
		t.Note(fmt.Sprintf("Server peak RSS (VmHWM): %s", mb(rss)))
	}
	t.Note(fmt.Sprintf("Server log: %d error lines%s (%s)", nErr, map[bool]string{true: ": " + strings.Join(firstErrs, " | "), false: ""}[nErr > 0], logPath))
	if stopErr != nil {
		t.Note("Graceful stop: " + stopErr.Error())
	}
	for _, e := range stats.FirstErrors {
		t.Note("Transport error: " + e)
	}
	verdict := "PASS: no 5xx, no unexpected status, no transport error"
	failed := unexpected > 0 || stats.Errors > 0 || nErr > 0 || stopErr != nil
	if failed {
		verdict = "FAIL: unexpected answers or errors (target: none)"
	}
	t.Note(verdict)
	fmt.Println(t.Markdown())
	if failed {
		return fmt.Errorf("mixed load: %d unexpected answers, %d transport errors, %d server errors", unexpected, stats.Errors, nErr)
	}
	return nil
}
