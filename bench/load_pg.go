package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/store"
)

// Two instances on one PostgreSQL database (issue 15): the mixed load
// spread over both, and a probe that makes a change through one and
// watches for it through the other, in turn, throughout.

// loadPostgres copies the load's database into PostgreSQL and runs the
// mixed load on two instances sharing it.
func loadPostgres(ctx context.Context, bin string, cached seed.DB, secs, clients int) error {
	pg, err := startPG(ctx)
	if err != nil {
		return err
	}
	defer pg.Stop()
	u, err := seedPostgres(ctx, pg, cached.Path, "load")
	if err != nil {
		return err
	}
	return mixedLoad(ctx, bin, cached.Meta, u, 2, secs, clients)
}

func engineName(dbRef string) string {
	if store.IsPostgres(dbRef) {
		return "PostgreSQL"
	}
	return "SQLite"
}

const (
	// propagationLimit is the most a change may take to be seen through
	// another instance.
	propagationLimit = time.Second
	probeEvery       = 500 * time.Millisecond
)

// propagationProbe posts an event through one instance and reads the
// move's page, as kept by the other instance for a PMU user's session,
// until the event shows there; then the other way round.
type propagationProbe struct {
	hc     *http.Client
	srvs   []*server.Server
	client *server.Client
	se     *server.Session
	moveID string
}

type probeResult struct {
	Seen     []time.Duration // sorted
	Late     int             // not seen within propagationLimit
	Failures []string
}

// start runs probes every probeEvery for d; nil does nothing.
func (p *propagationProbe) start(ctx context.Context, d time.Duration) chan probeResult {
	done := make(chan probeResult, 1)
	if p == nil {
		done <- probeResult{}
		return done
	}
	go func() {
		var res probeResult
		end := time.Now().Add(d)
		for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
			t0 := time.Now()
			seen, err := p.once(ctx, p.srvs[i%2], p.srvs[(i+1)%2])
			switch {
			case err != nil:
				if len(res.Failures) < 3 {
					res.Failures = append(res.Failures, err.Error())
				}
				res.Late++
			case seen > propagationLimit:
				res.Late++
				res.Seen = append(res.Seen, seen)
			default:
				res.Seen = append(res.Seen, seen)
			}
			time.Sleep(max(0, probeEvery-time.Since(t0)))
		}
		slices.Sort(res.Seen)
		done <- res
	}()
	return done
}

// once makes one change through a and returns how long after its 201 b
// showed it.
func (p *propagationProbe) once(ctx context.Context, a, b *server.Server) (time.Duration, error) {
	post := newEventPost(0, []string{p.moveID}, rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3)))
	resp, err := p.hc.Do(post.request(ctx, a.Base, p.client))
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	acked := time.Now()
	id := server.EventID(body)
	if resp.StatusCode != http.StatusCreated || id == "" {
		return 0, fmt.Errorf("probe event through %s: %d %s", a.Base, resp.StatusCode, firstLine(string(body)))
	}
	marker := `id="event-` + id + `"`
	deadline := acked.Add(5 * time.Second)
	for {
		// As a browser asks: the page the instance keeps, if it keeps one.
		req := p.se.Request(ctx, b.Base+"/move/"+p.moveID)
		req.Header.Del("Accept-Encoding")
		resp, err := p.hc.Do(req)
		if err != nil {
			return 0, err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.Contains(string(page), marker) {
			return time.Since(acked), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("event %s posted through %s not shown by %s after 5 s (status %d)", id, a.Base, b.Base, resp.StatusCode)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (p *propagationProbe) wait(done chan probeResult) probeResult { return <-done }

// note adds the probe's findings to the load's table and says whether
// they fail it.
func (p *propagationProbe) note(t *report.Table, r probeResult) bool {
	if p == nil {
		return false
	}
	pct := func(q float64) time.Duration {
		if len(r.Seen) == 0 {
			return 0
		}
		return r.Seen[min(len(r.Seen)-1, int(q/100*float64(len(r.Seen))))]
	}
	n := len(r.Seen) + len(r.Failures)
	t.Row("probe: a change through one instance seen through the other", comma(n), fmt.Sprintf("%d later than %s", r.Late, propagationLimit),
		loadgen.Ms(pct(50)), loadgen.Ms(pct(99)), fmt.Sprint(r.Late))
	if len(r.Seen) > 0 {
		t.Note(fmt.Sprintf("Propagation between the instances (an event's 201 from one to its move page shown by the other, for the same session): %d probes, p50 %s, p99 %s, slowest %s (limit %s)",
			len(r.Seen), loadgen.Ms(pct(50)), loadgen.Ms(pct(99)), loadgen.Ms(r.Seen[len(r.Seen)-1]), propagationLimit))
	}
	for _, f := range r.Failures {
		t.Note("Probe failed: " + f)
	}
	return r.Late > 0 || n == 0
}
