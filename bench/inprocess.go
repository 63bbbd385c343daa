package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/notify"
	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/web"
)

// profileKinds are the requests `bench profile` and the in-process Go
// benchmarks serve. A -fresh kind asks past the page cache
// (Cache-Control: no-cache), as a hard reload does and as every request
// after a change does in effect; review, home pages and the API are never
// kept, so they are always rendered.
var profileKinds = []string{"day", "day-fresh", "move", "move-fresh", "review", "home-pmu", "home-police", "home-prison",
	"home-court", "home-supplier", "home-admin", "api-moves", "events", "events-cross", "events-sub"}

// inProcess is the server assembled in this process (web.New) on a copy
// of a cached benchmark database: no network, no second process, so a
// profile or an allocation count is of the service alone.
type inProcess struct {
	st   *store.Store
	srv  *web.Server
	meta bulk.BulkResult
	work string
	// now is the service's clock: the benchmark database's today, so that
	// home pages count the busy day's moves.
	now func() time.Time
}

// benchClock starts at 10:00 in London on the database's today and runs
// from there, as the server's -now does.
func benchClock(today string) (func() time.Time, error) {
	d, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, fmt.Errorf("today %q: %w", today, err)
	}
	// 09:00 UTC is 10:00 in London in summer, 09:00 in winter: the
	// working day either way.
	at, started := d.Add(9*time.Hour), time.Now()
	return func() time.Time { return at.Add(time.Since(started)) }, nil
}

// benchNow is benchClock's start as the server's -now takes it.
func benchNow(today string) string { return today + "T09:00:00Z" }

func openInProcess(ctx context.Context, n int, name string) (*inProcess, error) {
	cached, err := seed.Ensure(ctx, outDir, n, logf)
	if err != nil {
		return nil, err
	}
	work := outPath(name + ".db")
	if err := workingCopy(ctx, cached.Path, work); err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, work)
	if err != nil {
		return nil, err
	}
	now, err := benchClock(cached.Meta.Today)
	if err != nil {
		st.Close()
		return nil, err
	}
	srv := web.New(web.Config{SessionKey: []byte(server.SessionKey), BaseURL: "http://127.0.0.1", Now: now}, st,
		slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})))
	return &inProcess{st: st, srv: srv, meta: cached.Meta, work: work, now: now}, nil
}

func (p *inProcess) Close() error { return p.st.Close() }

func (p *inProcess) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	return rec
}

// requests returns a maker of one kind of request, signed in as it needs.
func (p *inProcess) requests(ctx context.Context, kind string) (func() *http.Request, error) {
	meta := p.meta
	page := func(role, location, u string, fresh bool) (func() *http.Request, error) {
		user, ok := userOf(meta, role)
		if !ok {
			return nil, fmt.Errorf("the benchmark database has no %s user", role)
		}
		cookie, err := inProcessSignIn(p.serve, user.Username, location)
		if err != nil {
			return nil, err
		}
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, u, nil)
			r.Header.Set("Cookie", cookie)
			r.Header.Set("Accept-Encoding", "gzip")
			if fresh {
				// Past the page cache: the cost of rendering.
				r.Header.Set("Cache-Control", "no-cache")
			}
			return r
		}, nil
	}
	switch kind {
	case "day", "day-fresh":
		return page("pmu", meta.BusyLocationID, "/moves/incoming/"+meta.Today, kind == "day-fresh")
	case "move", "move-fresh":
		return page("pmu", meta.BusyLocationID, "/move/"+meta.LongMoveID, kind == "move-fresh")
	case "review":
		return page("pmu", "", "/moves/review", false)
	case "api-moves", "events", "events-cross", "events-sub":
		token, err := p.apiToken(ctx, "serco")
		if err != nil {
			return nil, err
		}
		if kind == "api-moves" {
			return func() *http.Request {
				r := httptest.NewRequest(http.MethodGet, apiMovesPath, nil)
				r.Header.Set("Accept", "application/vnd.api+json")
				r.Header.Set("Accept-Encoding", "gzip")
				r.Header.Set("Authorization", "Bearer "+token)
				return r
			}, nil
		}
		ids := meta.SampleMoves[meta.Suppliers["serco"]]
		if kind != "events" {
			// What "Tell suppliers" adds to an event's write: Serco's
			// events on moves to GEOAmey's places, which GEOAmey is told
			// of when it has a subscription (events-sub). Nothing
			// delivers here: the outbox only fills.
			if ids, err = crossingMoves(ctx, p.st.DB(), meta.Suppliers["serco"], meta.Suppliers["geoamey"], 5000); err != nil {
				return nil, err
			}
			if len(ids) == 0 {
				return nil, fmt.Errorf("%s: no Serco moves to GEOAmey locations", kind)
			}
			if kind == "events-sub" {
				if err := p.subscribe(ctx, "geoamey"); err != nil {
					return nil, err
				}
			}
		}
		var i int
		var mu sync.Mutex
		return func() *http.Request {
			mu.Lock()
			i++
			id := ids[i%len(ids)]
			mu.Unlock()
			body := server.EventBody("MoveNotifyPremisesOfArrivalIn30Mins", id, p.now().UTC(), nil)
			r := httptest.NewRequest(http.MethodPost, "/api/events", strings.NewReader(string(body)))
			r.Header.Set("Content-Type", "application/vnd.api+json")
			r.Header.Set("Authorization", "Bearer "+token)
			// Keyed, as the benchmark's clients and the README ask: the
			// key's lookup and its kept answer are part of every event.
			r.Header.Set("Idempotency-Key", uuid.NewString())
			return r
		}, nil
	}
	if role, ok := strings.CutPrefix(kind, "home-"); ok {
		loc := ""
		if role == "pmu" {
			loc = meta.BusyLocationID
		}
		return page(role, loc, "/", false)
	}
	return nil, fmt.Errorf("profile what? one of %s", strings.Join(profileKinds, ", "))
}

// apiMovesPath is the API list the benchmarks ask for: a page of 100 of
// the supplier's moves with their locations and people.
const apiMovesPath = "/api/moves?per_page=100&include=from_location,to_location,person"

// apiToken makes an API client of a supplier in the store and issues it
// a token.
func (p *inProcess) apiToken(ctx context.Context, supplier string) (string, error) {
	c, secret, err := p.st.CreateClient(ctx, store.NewClient{Name: "bench " + supplier, Supplier: supplier, CreatedBy: "bench"})
	if err != nil {
		return "", err
	}
	_, secretID, err := p.st.AuthenticateClient(ctx, c.ID, secret)
	if err != nil {
		return "", err
	}
	token, _, err := p.st.IssueToken(ctx, c.ID, secretID, p.now(), time.Hour)
	return token, err
}

// subscribe gives a supplier an enabled webhook subscription.
func (p *inProcess) subscribe(ctx context.Context, supplier string) error {
	sealer, err := notify.NewSealer(make([]byte, 32))
	if err != nil {
		return err
	}
	_, _, err = p.st.CreateSubscription(ctx, store.SubscriptionInput{Supplier: supplier, CallbackURL: "https://receiver.example/webhooks"},
		sealer, "bench")
	return err
}
