package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/store"
)

// crashOptions shape a crash run. Zero values take the defaults of
// `make crash`.
type crashOptions struct {
	Kills int
	// Moves sizes the cached database copied for the run, when DB is "".
	Moves int
	// Bin and DB, when set, are used as they are (DB is changed).
	Bin, DB string
	Meta    *bulk.BulkResult
	// PG, when set, is the postgres:// URL of an empty PostgreSQL
	// database: the SQLite seed is copied into it (store.CopyToPostgres)
	// and the server runs on it.
	PG string
	// RestartDB, when set, crashes and restarts the database server in
	// each round while events are posted, before the service is killed
	// (PostgreSQL: pgCluster.CrashRestart). Requests answered 5xx meanwhile
	// are retried with their keys after the restart, as unanswered ones
	// are.
	RestartDB func(context.Context) error
	// Notify runs "Tell suppliers" through the crashes (crash_notify.go):
	// GEOAmey subscribes to a receiver in this process, Serco's events go
	// to moves crossing to GEOAmey, and the receiver is down or slow for a
	// while; at the end every acknowledged event must have been notified.
	Notify bool
	// Dir holds the working files; default bench/out.
	Dir string
	// Posters is how many clients post events at once; default 16.
	Posters int
	// PostFor is how long events are posted before each kill, drawn
	// between PostFor and 2×PostFor; default 1 s.
	PostFor time.Duration
	// MaxStartup is how soon after a restart /health must answer 200;
	// default 1 s.
	MaxStartup time.Duration
	Out        io.Writer
	Logf       func(string, ...any)
}

// crashRound is what one kill and restart showed.
type crashRound struct {
	Acked, InFlight, Total, Missing int
	// Of the requests that got no answer before the kill, retried with
	// the same key and body after the restart: replayed (the first
	// attempt had committed), performed (it had not), refused (anything
	// but 201).
	Replayed, Performed, Refused int
	// Duplicated counts requests stored more than once, all rounds.
	Duplicated int
	Integrity  string
	Startup    time.Duration
	// DBRestart is how long the database server took to crash and start
	// again (RestartDB); AckedAfterDB counts the events acknowledged after
	// it, before the kill.
	DBRestart              time.Duration
	AckedAfterDB           int
	APIChecked, APIMissing int
	Failures               []string
}

// crashResult is the whole run.
type crashResult struct {
	Rounds   []crashRound
	Failures []string
	Notify   *crashNotify
}

func (o *crashOptions) defaults() {
	if o.Kills <= 0 {
		o.Kills = 10
	}
	if o.Moves <= 0 {
		o.Moves = 10_000
	}
	if o.Dir == "" {
		o.Dir = outDir
	}
	if o.Posters <= 0 {
		o.Posters = 16
	}
	if o.PostFor <= 0 {
		o.PostFor = time.Second
	}
	if o.MaxStartup <= 0 {
		o.MaxStartup = time.Second
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Logf == nil {
		o.Logf = logf
	}
}

// runCrash is `make crash`: it fails when any round fails.
func runCrash(ctx context.Context, o crashOptions) error {
	res, err := crash(ctx, o)
	if err != nil {
		return err
	}
	if len(res.Failures) > 0 {
		return fmt.Errorf("crash test failed: %s", strings.Join(res.Failures, "; "))
	}
	return nil
}

// crash posts events to the real server, each with its own
// Idempotency-Key, and kills it with SIGKILL, Kills times. After every
// restart it retries, as a client would, every request that got no answer,
// with the same key and body: each must be answered 201 (replayed if its
// first attempt committed, performed if not), never refused. Then each
// event whose 201 was received, before the kill or on retry, must be in
// the database once and no request stored twice, PRAGMA integrity_check
// must say ok, and /health must answer 200 within MaxStartup.
func crash(ctx context.Context, o crashOptions) (*crashResult, error) {
	o.defaults()
	if o.Bin == "" {
		o.Bin = filepath.Join(o.Dir, "securemove")
		o.Logf("building the server into %s...", o.Bin)
		if err := server.Build(ctx, o.Bin); err != nil {
			return nil, err
		}
	}
	if o.DB == "" {
		cached, err := seed.Ensure(ctx, o.Dir, o.Moves, o.Logf)
		if err != nil {
			return nil, err
		}
		o.DB = filepath.Join(o.Dir, "crash.db")
		if err := workingCopy(ctx, cached.Path, o.DB); err != nil {
			return nil, err
		}
		o.Meta = &cached.Meta
	}
	if o.Meta == nil {
		return nil, fmt.Errorf("crash: no description of the database %s", o.DB)
	}
	meta := *o.Meta
	var pgStore *store.Store
	if o.PG != "" {
		if !store.IsPostgres(o.PG) {
			return nil, fmt.Errorf("crash: %q is not a postgres:// URL", o.PG)
		}
		o.Logf("copying %s into PostgreSQL...", o.DB)
		if _, err := store.CopyToPostgres(ctx, o.DB, o.PG); err != nil {
			return nil, fmt.Errorf("crash: copy the seed into PostgreSQL: %w", err)
		}
		o.DB = o.PG
		st, err := store.Open(ctx, o.PG)
		if err != nil {
			return nil, err
		}
		defer st.Close()
		pgStore = st
	}
	var err error
	var clients []*server.Client
	var targets [][]string
	for _, sup := range []string{"serco", "geoamey"} {
		c, err := server.CreateClient(ctx, o.Bin, o.DB, sup)
		if err != nil {
			return nil, err
		}
		clients = append(clients, c)
		targets = append(targets, meta.SampleMoves[meta.Suppliers[sup]])
	}
	var cn *crashNotify
	if o.Notify {
		if cn, err = startCrashNotify(ctx, o, meta); err != nil {
			return nil, err
		}
		defer cn.rc.Close()
		// Serco's client posts everything, to moves GEOAmey must hear of.
		clients, targets = clients[:1], [][]string{cn.moves}
	}
	logPath := filepath.Join(o.Dir, "server-crash.log")
	_ = os.Remove(logPath)
	hc := loadgen.NewClient(o.Posters)
	var check *sql.DB
	if pgStore != nil {
		check = pgStore.DB() // takes the same queries, rebound for PostgreSQL
	} else {
		if check, err = sql.Open("sqlite", store.DSN(o.DB)); err != nil {
			return nil, err
		}
		defer check.Close()
		check.SetMaxOpenConns(1)
	}

	res := &crashResult{}
	var acked []string // every event whose 201 was received, all rounds
	var keys []string  // the key of every request sent, all rounds
	start := func() (*server.Server, error) {
		return server.Start(ctx, server.Options{Bin: o.Bin, DB: o.DB, LogPath: logPath, Ready: 30 * time.Second})
	}
	srv, err := start()
	if err != nil {
		return nil, err
	}
	for i, c := range clients {
		if err := c.GetToken(ctx, hc, srv.Base); err != nil {
			srv.Kill()
			return nil, err
		}
		if len(targets[i]) == 0 {
			srv.Kill()
			return nil, fmt.Errorf("crash: no moves of supplier %d to post events to", i)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for round := 1; round <= o.Kills; round++ {
		var r crashRound
		if cn != nil {
			cn.round(round) // the receiver goes down, or slow, for a while
		}
		// Post events until the kill.
		var mu sync.Mutex
		var roundAcked []string
		var unanswered []eventPost
		inFlight := 0
		var dbBack atomic.Bool
		postCtx, stopPosting := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for p := 0; p < o.Posters; p++ {
			wg.Add(1)
			go func(p int) {
				defer wg.Done()
				prng := rand.New(rand.NewPCG(uint64(round), uint64(p)))
				k := p % len(clients)
				for postCtx.Err() == nil {
					post := newEventPost(k, targets[k], prng)
					mu.Lock()
					keys = append(keys, post.key)
					mu.Unlock()
					resp, err := hc.Do(post.request(context.Background(), srv.Base, clients[k]))
					if err != nil {
						mu.Lock()
						inFlight++ // sent, no answer: may or may not be stored
						unanswered = append(unanswered, post)
						mu.Unlock()
						if postCtx.Err() != nil {
							return
						}
						time.Sleep(5 * time.Millisecond)
						continue
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					switch {
					case err == nil && resp.StatusCode == http.StatusCreated:
						if id := server.EventID(body); id != "" {
							mu.Lock()
							roundAcked = append(roundAcked, id)
							if dbBack.Load() {
								r.AckedAfterDB++
							}
							mu.Unlock()
						}
					case resp.StatusCode >= 500:
						// In doubt (the database went away during the
						// request): a client retries it with its key.
						mu.Lock()
						inFlight++
						unanswered = append(unanswered, post)
						mu.Unlock()
						time.Sleep(50 * time.Millisecond)
					}
				}
			}(p)
		}
		wait := o.PostFor + time.Duration(rng.Int64N(int64(o.PostFor)))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		if o.RestartDB != nil {
			// The database server crashes under the load and starts again;
			// the service, still running, must serve again before it is
			// killed in turn.
			t0 := time.Now()
			if err := o.RestartDB(ctx); err != nil {
				stopPosting()
				srv.Kill()
				return nil, fmt.Errorf("round %d: restart the database server: %w", round, err)
			}
			r.DBRestart = time.Since(t0)
			dbBack.Store(true)
			select {
			case <-time.After(dbRecovery):
			case <-ctx.Done():
			}
		}
		srv.Kill() // SIGKILL while the posters are still sending
		stopPosting()
		wg.Wait()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		mu.Lock()
		acked = append(acked, roundAcked...)
		r.Acked, r.InFlight, r.Total = len(roundAcked), inFlight, len(acked)
		mu.Unlock()
		if r.Acked == 0 {
			r.Failures = append(r.Failures, "no event was acknowledged before the kill")
		}
		if o.RestartDB != nil {
			if r.AckedAfterDB == 0 {
				r.Failures = append(r.Failures, fmt.Sprintf("no event acknowledged within %s of the database server's restart", dbRecovery))
			}
			if err := pingUntil(ctx, check, 30*time.Second); err != nil {
				return nil, fmt.Errorf("round %d: the database server after its restart: %w", round, err)
			}
		}

		// Restart: /health must answer soon.
		srv, err = start()
		if err != nil {
			r.Failures = append(r.Failures, "restart: "+err.Error())
			res.Rounds = append(res.Rounds, r)
			res.Failures = append(res.Failures, fmt.Sprintf("round %d: %s", round, strings.Join(r.Failures, ", ")))
			break
		}
		r.Startup = srv.Startup
		if srv.Startup > o.MaxStartup {
			r.Failures = append(r.Failures, fmt.Sprintf("/health answered after %s (limit %s)", srv.Startup.Round(time.Millisecond), o.MaxStartup))
		}
		// Retry what got no answer, at once, with the same key and body.
		var refusedEg string
		for _, post := range unanswered {
			st, body, replayed, err := retryPost(hc, post.request(ctx, srv.Base, clients[post.client]))
			switch {
			case err == nil && st == http.StatusCreated:
				if replayed {
					r.Replayed++
				} else {
					r.Performed++
				}
				if id := server.EventID(body); id != "" {
					acked = append(acked, id)
				}
			default:
				r.Refused++
				if refusedEg == "" {
					refusedEg = fmt.Sprintf("%d %v %s", st, err, firstLine(string(body)))
				}
			}
		}
		r.Total = len(acked)
		if r.Refused > 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("%d retries refused, e.g. %s", r.Refused, refusedEg))
		}
		dups, err := duplicatedRequests(ctx, check, keys)
		if err != nil {
			r.Failures = append(r.Failures, "reading the database: "+err.Error())
		}
		r.Duplicated = dups
		if dups > 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("%d requests stored more than once", dups))
		}
		// Every acknowledged event, of every round so far, is stored.
		missing, err := missingEvents(ctx, check, acked)
		if err != nil {
			r.Failures = append(r.Failures, "reading the database: "+err.Error())
		}
		r.Missing = len(missing)
		if len(missing) > 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("%d acknowledged events missing, e.g. %s", len(missing), missing[0]))
		}
		if pgStore != nil {
			// PostgreSQL has no integrity_check; it checks pages as it
			// reads them, and the store answers "ok" when it answers.
			if r.Integrity, err = pgStore.IntegrityCheck(ctx); err != nil {
				r.Integrity = err.Error()
			}
		} else if err := check.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&r.Integrity); err != nil {
			r.Integrity = err.Error()
		}
		if r.Integrity != "ok" {
			r.Failures = append(r.Failures, "integrity_check: "+r.Integrity)
		}
		// And the API serves the last ones acknowledged before the kill.
		for j := max(0, len(roundAcked)-10); j < len(roundAcked); j++ {
			r.APIChecked++
			if !apiHasEvent(ctx, hc, srv.Base, clients, roundAcked[j]) {
				r.APIMissing++
			}
		}
		if r.APIMissing > 0 {
			r.Failures = append(r.Failures, fmt.Sprintf("GET /api/events/:id found %d of the last %d acknowledged events missing", r.APIMissing, r.APIChecked))
		}
		res.Rounds = append(res.Rounds, r)
		if len(r.Failures) > 0 {
			res.Failures = append(res.Failures, fmt.Sprintf("round %d: %s", round, strings.Join(r.Failures, ", ")))
		}
		o.Logf("round %d: %d acknowledged (%d in flight at the kill: %d replayed, %d performed, %d refused on retry), %d stored of %d, %d duplicated, integrity %s, /health after %s",
			round, r.Acked, r.InFlight, r.Replayed, r.Performed, r.Refused, r.Total-r.Missing, r.Total, r.Duplicated, r.Integrity, r.Startup.Round(time.Millisecond))
	}
	if cn != nil && srv != nil {
		// The receiver is well again: everything acknowledged must reach
		// it, whatever the kills interrupted.
		res.Notify = cn.finish(ctx, acked)
		res.Failures = append(res.Failures, res.Notify.Failures...)
	}
	if srv != nil {
		if err := srv.Stop(); err != nil {
			res.Failures = append(res.Failures, "final graceful stop: "+err.Error())
		}
	}

	dbName := filepath.Base(o.DB)
	if pgStore != nil {
		dbName = "PostgreSQL"
		if o.RestartDB != nil {
			dbName = "PostgreSQL, its server crashed and restarted under the load before every kill"
		}
	}
	if o.Notify {
		dbName += "; GEOAmey's subscription notified of every event"
	}
	t := report.New(fmt.Sprintf("Crash: SIGKILL while %d clients post events, %d times (%s)", o.Posters, o.Kills, dbName),
		"Kill", "Acknowledged (201)", "No answer or 5xx (in doubt)", "Retried: replayed", "Retried: performed", "Retried: refused",
		"Acknowledged so far", "Lost", "Duplicated", "integrity_check", "Database restart", "/health after restart", "API check", "Result")
	for i, r := range res.Rounds {
		verdict := "ok"
		if len(r.Failures) > 0 {
			verdict = "FAIL: " + strings.Join(r.Failures, "; ")
		}
		t.Row(fmt.Sprint(i+1), comma(r.Acked), comma(r.InFlight), comma(r.Replayed), comma(r.Performed), comma(r.Refused),
			comma(r.Total), fmt.Sprint(r.Missing), fmt.Sprint(r.Duplicated), r.Integrity, dbRestart(r),
			fmt.Sprintf("%d ms", r.Startup.Milliseconds()), fmt.Sprintf("%d of %d found", r.APIChecked-r.APIMissing, r.APIChecked), verdict)
	}
	if len(res.Failures) == 0 {
		t.Note(fmt.Sprintf("PASS: all %s acknowledged events survived %d kills, every unanswered request retried with its key was answered 201, none stored twice: 0 lost, 0 duplicated, 0 refused; integrity ok; /health within %s every time",
			comma(len(acked)), len(res.Rounds), o.MaxStartup))
	} else {
		t.Note("FAIL: " + strings.Join(res.Failures, "; "))
	}
	fmt.Fprintln(o.Out, t.Markdown())
	if res.Notify != nil {
		fmt.Fprintln(o.Out, res.Notify.table(o).Markdown())
	}
	return res, nil
}

func dbRestart(r crashRound) string {
	if r.DBRestart == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f s, then %d acknowledged in %s", r.DBRestart.Seconds(), r.AckedAfterDB, dbRecovery)
}

// dbRecovery is how long events are posted after the database server's
// restart before the service is killed: some must be acknowledged.
const dbRecovery = 2 * time.Second

// pingUntil waits for the database to answer again.
func pingUntil(ctx context.Context, db *sql.DB, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := db.PingContext(ctx)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// retryPost sends a retry and says whether its answer was replayed.
func retryPost(hc *http.Client, req *http.Request) (int, []byte, bool, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header.Get("Idempotency-Replayed") == "true", err
}

// duplicatedRequests counts the requests, by key (which each event's notes
// carry), stored as more than one event.
func duplicatedRequests(ctx context.Context, db *sql.DB, keys []string) (int, error) {
	n := 0
	for start := 0; start < len(keys); start += 500 {
		batch := keys[start:min(start+500, len(keys))]
		args := make([]any, len(batch))
		for i, k := range batch {
			args[i] = "key " + k
		}
		var c int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT notes FROM events WHERE notes IN (?"+strings.Repeat(",?", len(batch)-1)+
			") GROUP BY notes HAVING COUNT(*) > 1) AS d", args...).Scan(&c); err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// missingEvents returns the ids not in the events table.
func missingEvents(ctx context.Context, db *sql.DB, ids []string) ([]string, error) {
	var missing []string
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := db.QueryContext(ctx, "SELECT id FROM events WHERE id IN (?"+strings.Repeat(",?", len(batch)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		found := map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			found[id] = true
		}
		rows.Close()
		for _, id := range batch {
			if !found[id] {
				missing = append(missing, id)
			}
		}
	}
	return missing, nil
}

// apiHasEvent asks the API for an event with each client's token (the
// event belongs to one supplier's move).
func apiHasEvent(ctx context.Context, hc *http.Client, base string, clients []*server.Client, id string) bool {
	for _, c := range clients {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/events/"+id, nil)
		req.Header.Set("Accept", "application/vnd.api+json")
		req.Header.Set("Authorization", "Bearer "+c.Token)
		if r := loadgen.Do(hc, req); r.Err == nil && r.Status == http.StatusOK {
			return true
		}
	}
	return false
}
