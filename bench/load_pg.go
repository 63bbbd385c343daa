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
	probeEvery       = time.Second
)

// propagationProbe posts an event through one instance and reads the
// move's page, as kept by the other instance for a PMU user's session,
// until the event shows there; then the other way round.
//
// The reads start every probePoll whatever the earlier ones are doing, so
// that a slow answer (the page rendered afresh on a busy machine) does not
// hide when the change became visible: a change is seen within the limit
// when every read started more than propagationLimit after the 201 shows
// it. The time until an answer showing it is complete is reported too.
type propagationProbe struct {
	hc     *http.Client
	srvs   []*server.Server
	client *server.Client
	se     *server.Session
	moveID string
}

const probePoll = 20 * time.Millisecond

type probeResult struct {
	// Visible is, for each probe, from the 201 to the start of the first
	// read that showed the change; Shown to the end of the first answer
	// showing it. Both sorted.
	Visible, Shown []time.Duration
	// Late counts probes whose change a read started after
	// propagationLimit did not show (or that failed).
	Late     int
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
			o, err := p.once(ctx, p.srvs[i%2], p.srvs[(i+1)%2])
			if err != nil {
				if len(res.Failures) < 3 {
					res.Failures = append(res.Failures, err.Error())
				}
				res.Late++
			} else {
				res.Visible = append(res.Visible, o.visible)
				res.Shown = append(res.Shown, o.shown)
				if o.visible > propagationLimit || o.staleAfterLimit {
					res.Late++
				}
			}
			time.Sleep(max(0, probeEvery-time.Since(t0)))
		}
		slices.Sort(res.Visible)
		slices.Sort(res.Shown)
		done <- res
	}()
	return done
}

type probeOutcome struct {
	visible, shown  time.Duration
	staleAfterLimit bool
}

// once makes one change through a and reads b until it shows it.
func (p *propagationProbe) once(ctx context.Context, a, b *server.Server) (probeOutcome, error) {
	var o probeOutcome
	post := newEventPost(0, []string{p.moveID}, rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3)))
	resp, err := p.hc.Do(post.request(ctx, a.Base, p.client))
	if err != nil {
		return o, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	acked := time.Now()
	id := server.EventID(body)
	if resp.StatusCode != http.StatusCreated || id == "" {
		return o, fmt.Errorf("probe event through %s: %d %s", a.Base, resp.StatusCode, firstLine(string(body)))
	}
	marker := `id="event-` + id + `"`
	type read struct {
		sent, done time.Time
		shown      bool
		err        error
	}
	reads := make(chan read, 512)
	inFlight, found := 0, false
	first := read{}
	tick := time.NewTicker(probePoll)
	defer tick.Stop()
	deadline := time.After(5 * time.Second)
	for !found || inFlight > 0 {
		select {
		case <-tick.C:
			if found {
				continue
			}
			inFlight++
			go func(sent time.Time) {
				// As a browser asks: the page the instance keeps, if any.
				req := p.se.Request(ctx, b.Base+"/move/"+p.moveID)
				req.Header.Del("Accept-Encoding")
				resp, err := p.hc.Do(req)
				if err != nil {
					reads <- read{sent: sent, err: err}
					return
				}
				page, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				reads <- read{sent: sent, done: time.Now(), shown: resp.StatusCode == http.StatusOK && strings.Contains(string(page), marker)}
			}(time.Now())
		case r := <-reads:
			inFlight--
			switch {
			case r.err != nil:
				return o, r.err
			case r.shown:
				if !found || r.sent.Before(first.sent) {
					first = r
				}
				if !found || r.done.Sub(acked) < o.shown {
					o.shown = r.done.Sub(acked)
				}
				found = true
			case r.sent.Sub(acked) > propagationLimit:
				o.staleAfterLimit = true
			}
		case <-deadline:
			return o, fmt.Errorf("event %s posted through %s not shown by %s after 5 s", id, a.Base, b.Base)
		}
	}
	o.visible = max(0, first.sent.Sub(acked))
	return o, nil
}

func (p *propagationProbe) wait(done chan probeResult) probeResult { return <-done }

// note adds the probe's findings to the load's table and says whether
// they fail it.
func (p *propagationProbe) note(t *report.Table, r probeResult) bool {
	if p == nil {
		return false
	}
	pct := func(l []time.Duration, q float64) time.Duration {
		if len(l) == 0 {
			return 0
		}
		return l[min(len(l)-1, int(q/100*float64(len(l))))]
	}
	n := len(r.Visible) + len(r.Failures)
	t.Row("probe: a change through one instance, visible through the other", comma(n), fmt.Sprintf("%d later than %s", r.Late, propagationLimit),
		loadgen.Ms(pct(r.Visible, 50)), loadgen.Ms(pct(r.Visible, 99)), fmt.Sprint(r.Late))
	if len(r.Visible) > 0 {
		t.Note(fmt.Sprintf("Propagation between the instances, %d probes (an event posted through one; its move page read through the other, for the same session, a read started every %s): "+
			"visible to reads started p50 %s, p99 %s, at most %s after the 201 (limit %s); an answer showing it complete p50 %s, p99 %s after the 201 (the rest is the page's rendering on a busy machine)",
			len(r.Visible), probePoll, loadgen.Ms(pct(r.Visible, 50)), loadgen.Ms(pct(r.Visible, 99)), loadgen.Ms(r.Visible[len(r.Visible)-1]), propagationLimit,
			loadgen.Ms(pct(r.Shown, 50)), loadgen.Ms(pct(r.Shown, 99))))
	}
	for _, f := range r.Failures {
		t.Note("Probe failed: " + f)
	}
	return r.Late > 0 || n == 0
}
