package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/loadgen"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/server"
	"github.com/securemove/securemove/store"
)

// "Tell suppliers" measured (issue 12): event ingestion with one active
// subscription against none, and the delivery lag from a client's 201 to
// the receiver's arrival while the receiver keeps up.
//
// A supplier is not told of its own events, so the events are Serco's on
// Serco moves whose destination GEOAmey serves, and the one subscription
// is GEOAmey's: every event posted with it active writes a notification
// (create_event) in its transaction, which the worker then delivers to a
// receiver in this process that verifies both signatures.

const (
	// notifyLagRate is the event rate of the lag measurement, a pace a
	// supplier's systems might keep up for a while.
	notifyLagRate = 20
	notifyLagFor  = 10 * time.Second
	// notifyDrainLimit bounds the wait for a backlog to be delivered.
	notifyDrainLimit = 3 * time.Minute
	// notifySlices is how many turns of benchPhase/notifySlices the load
	// with the subscription takes (see notifyPhase).
	notifySlices = 4
)

type notifyResult struct {
	// None and One are the same event load without and with the
	// subscription.
	None, One *phase
	// Acked counts the One phase's 201s (its warm-ups' too); Drain is how
	// long after the load the last of their notifications arrived (Missing
	// never did).
	Acked   int
	Drain   time.Duration
	Missing int
	// Lag is acknowledgement to arrival at notifyLagRate, sorted.
	Lag        []time.Duration
	LagPosted  int
	LagMissing int
	Receiver   receiverCounts
	Skipped    string
	// CPU used per acknowledged event, by the server and by this process
	// (load generator, and the receiver in the One phase), over the load
	// and, for One, until the last notification arrived: what delivering
	// costs, whatever else the machine is doing.
	NoneCPU, OneCPU cpuShare
}

// cpuShare is CPU time per acknowledged event.
type cpuShare struct{ Server, Bench time.Duration }

func (c cpuShare) String() string {
	return fmt.Sprintf("%s server · %s bench", loadgen.Ms(c.Server), loadgen.Ms(c.Bench))
}

// cpuMeter reads the server's and this process's CPU time.
type cpuMeter struct{ pid int }

func (m cpuMeter) read() (srv, self time.Duration) {
	srv, _ = server.ProcCPU(m.pid)
	self, _ = server.ProcCPU(os.Getpid())
	return srv, self
}

// cpuUsed is CPU time used by the server and by this process.
type cpuUsed struct{ Server, Bench time.Duration }

func (c cpuUsed) add(o cpuUsed) cpuUsed { return cpuUsed{c.Server + o.Server, c.Bench + o.Bench} }

// per is the CPU used per event.
func (c cpuUsed) per(events int) cpuShare {
	if events <= 0 {
		return cpuShare{}
	}
	return cpuShare{Server: c.Server / time.Duration(events), Bench: c.Bench / time.Duration(events)}
}

// since is the CPU used since (s0, b0).
func (m cpuMeter) since(s0, b0 time.Duration) cpuUsed {
	if m.pid == 0 {
		return cpuUsed{}
	}
	s1, b1 := m.read()
	return cpuUsed{Server: s1 - s0, Bench: b1 - b0}
}

// lagPercentile is the p-th percentile of the lags.
func (n *notifyResult) lagPercentile(p float64) time.Duration {
	if len(n.Lag) == 0 {
		return 0
	}
	return n.Lag[min(len(n.Lag)-1, int(p/100*float64(len(n.Lag))))]
}

// crossingMoves returns up to limit moves of one supplier whose
// destination another serves: an event on one tells the other. Rejected
// requests are left out: the other was never told of them, nor is of
// their events.
func crossingMoves(ctx context.Context, db *sql.DB, from, to string, limit int) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT m.id FROM moves m JOIN supplier_locations sl ON sl.location_id = m.to_location_id
		WHERE m.supplier_id = ? AND sl.supplier_id = ? AND sl.effective_to IS NULL AND m.status <> 'proposed'
		AND COALESCE(m.cancellation_reason, '') <> 'rejected'
		ORDER BY m.id LIMIT ?`, from, to, limit)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// crossingMovesOf is crossingMoves on the database at dbRef.
func crossingMovesOf(ctx context.Context, dbRef, from, to string, limit int) ([]string, error) {
	st, err := store.Open(ctx, dbRef)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return crossingMoves(ctx, st.DB(), from, to, limit)
}

// acks collects the ids of acknowledged events and when each 201 came.
type acks struct {
	mu  sync.Mutex
	ids []string
	at  map[string]time.Time
}

func (a *acks) add(id string, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.at == nil {
		a.at = map[string]time.Time{}
	}
	a.ids = append(a.ids, id)
	a.at[id] = at
}

// postAcked posts one event and notes it when acknowledged.
func postAcked(ctx context.Context, hc *http.Client, req *http.Request, a *acks) loadgen.Result {
	resp, err := hc.Do(req)
	if err != nil {
		return loadgen.Result{Err: err}
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	at := time.Now()
	if err == nil && resp.StatusCode == http.StatusCreated && a != nil {
		if id := server.EventID(body); id != "" {
			a.add(id, at)
		}
	}
	return loadgen.Result{Status: resp.StatusCode, Bytes: int64(len(body)), Err: err}
}

// notifyPhase measures against a running server on dbRef; clients[0] is
// Serco's API client, signed in.
//
// The two loads are taken in turns, the subscription turned on and off
// between them (notifySlices of each, the load without at both ends,
// half as long), and each is the sum of its turns. Why: on a shared
// machine the rate of the same load wanders by a third over tens of
// seconds, and ingestion slows a little as the database grows; one run
// of each, even with the load without split around the load with, left
// the ratio at the mercy of when the machine was busy elsewhere (from 62%
// to 101% over nine runs of the same code). While the subscription is
// off its notifications wait, so each turn with it carries the deliveries
// the worker makes alongside the load, as a run of its own would; those
// left when the last turn ends are the drain, timed once it is on again.
func notifyPhase(ctx context.Context, hc *http.Client, bin, dbRef, base string, serverPid int, serco *server.Client, meta bulk.BulkResult) *notifyResult {
	res := &notifyResult{}
	cpu := cpuMeter{pid: serverPid}
	ids, err := crossingMovesOf(ctx, dbRef, meta.Suppliers["serco"], meta.Suppliers["geoamey"], 5000)
	if err != nil || len(ids) == 0 {
		res.Skipped = fmt.Sprintf("not measured: no Serco moves to GEOAmey locations (%v)", err)
		return res
	}
	rngs := make([]*rand.Rand, benchClients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 12))
	}
	load := func(a *acks, d time.Duration) *loadgen.Stats {
		return loadgen.Run(ctx, loadgen.Options{Clients: benchClients, Duration: d, Warmup: benchWarmup / 2, MaxRequests: benchMaxRequests},
			func(ctx context.Context, w, i int) loadgen.Result {
				req, _ := eventRequest(ctx, base, serco, ids, rngs[w])
				return postAcked(ctx, hc, req, a)
			})
	}

	rc, err := startReceiver()
	if err != nil {
		res.Skipped = "not measured: " + err.Error()
		return res
	}
	defer rc.Close()
	subID, secret, err := server.CreateSubscription(ctx, bin, dbRef, "geoamey", rc.URL)
	if err == nil {
		err = rc.SetSecret(secret)
	}
	if err != nil {
		res.Skipped = "not measured: " + firstLine(err.Error())
		return res
	}
	// The cached database outlives the run (and is copied into
	// PostgreSQL): the subscription must not go on with it, to a receiver
	// that is gone.
	enabled := true
	turn := func(ctx context.Context, on bool) error {
		if enabled == on {
			return nil
		}
		enabled = on
		return server.SetSubscriptionEnabled(ctx, bin, dbRef, subID, on)
	}
	defer func() {
		if err := turn(context.WithoutCancel(ctx), false); err != nil {
			logf("  %v", err)
		}
	}()

	// side is one of the two loads: its acknowledgements, turns and CPU.
	type side struct {
		acks  acks
		runs  []*loadgen.Stats
		cpu   cpuUsed
		label string
	}
	none, one := &side{label: "without"}, &side{label: "with"}
	slice := benchPhase / notifySlices
	logf("  POST /api/events on %d moves crossing to GEOAmey: %d turns without GEOAmey's webhook subscription and %d with, loading...",
		len(ids), notifySlices+1, notifySlices)
	for i := 0; i <= 2*notifySlices; i++ {
		on := i%2 == 1
		d := slice
		if i == 0 || i == 2*notifySlices {
			d = slice / 2
		}
		if err := turn(ctx, on); err != nil {
			res.Skipped = "not measured: " + firstLine(err.Error())
			return res
		}
		sd := none
		if on {
			sd = one
		}
		s0, b0 := cpu.read()
		st := load(&sd.acks, d)
		sd.runs, sd.cpu = append(sd.runs, st), sd.cpu.add(cpu.since(s0, b0))
		logf("    %-8s %.0f events/s", sd.label+":", st.RPS())
	}
	asPhase := func(name string, sd *side) *phase {
		return &phase{Name: name, URL: base + "/api/events", Expected: []int{http.StatusCreated}, Stats: loadgen.Merge(sd.runs...)}
	}
	res.None = asPhase(fmt.Sprintf("POST /api/events on %d moves crossing to GEOAmey, no subscription (%d turns)", len(ids), len(none.runs)), none)
	res.One = asPhase(fmt.Sprintf("The same with one active subscription, GEOAmey's webhook (%d turns between)", len(one.runs)), one)
	res.NoneCPU = none.cpu.per(len(none.acks.ids))
	for _, p := range []*phase{res.None, res.One} {
		logf("    %s: %.0f events/s, p50 %s, p99 %s", p.Name, p.Stats.RPS(), loadgen.Ms(p.Stats.Percentile(50)), loadgen.Ms(p.Stats.Percentile(99)))
	}

	res.Acked = len(one.acks.ids)
	logf("  waiting for the %d notifications to be delivered...", res.Acked)
	s0, b0 := cpu.read()
	end := time.Now()
	if err := turn(ctx, true); err != nil {
		res.Skipped = "not measured: " + firstLine(err.Error())
		return res
	}
	missing, _ := rc.WaitFor(ctx, one.acks.ids, notifyDrainLimit)
	res.Missing = len(missing)
	res.Drain = time.Since(end)
	res.OneCPU = one.cpu.add(cpu.since(s0, b0)).per(len(one.acks.ids))
	logf("    delivered in %s after the load (%d missing)", res.Drain.Round(100*time.Millisecond), res.Missing)
	if res.Missing == 0 {
		res.Lag, res.LagPosted, res.LagMissing = measureLag(ctx, hc, base, serco, ids, rc)
		logf("  delivery lag at %d events/s: p50 %s, p99 %s (%d of %d arrived)", notifyLagRate,
			loadgen.Ms(res.lagPercentile(50)), loadgen.Ms(res.lagPercentile(99)), len(res.Lag), res.LagPosted)
	}
	res.Receiver = rc.Counts()
	if err := turn(ctx, false); err != nil {
		res.Skipped = "not measured: " + firstLine(err.Error())
	}
	return res
}

// measureLag posts events at notifyLagRate for notifyLagFor, one at a
// time as they fall due, and returns for each acknowledged one the time
// from its 201 to its notification's arrival (0 when the notification
// came first), sorted.
func measureLag(ctx context.Context, hc *http.Client, base string, c *server.Client, ids []string, rc *receiver) ([]time.Duration, int, int) {
	var a acks
	rng := rand.New(rand.NewPCG(7, 7))
	var reqs []*http.Request
	for i := 0; i < int(notifyLagFor.Seconds())*notifyLagRate; i++ {
		req, _ := eventRequest(ctx, base, c, ids, rng)
		reqs = append(reqs, req)
	}
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / notifyLagRate)
	for _, req := range reqs {
		<-tick.C
		wg.Add(1)
		go func() { defer wg.Done(); postAcked(ctx, hc, req, &a) }()
	}
	tick.Stop()
	wg.Wait()
	missing, _ := rc.WaitFor(ctx, a.ids, 30*time.Second)
	var lag []time.Duration
	for _, id := range a.ids {
		if got, ok := rc.EventArrival(id); ok {
			lag = append(lag, max(0, got.Sub(a.at[id])))
		}
	}
	slices.Sort(lag)
	return lag, len(reqs), len(missing)
}

// notifyRows adds the notification rows to a size's table.
func notifyRows(t *report.Table, n *notifyResult) {
	if n == nil {
		return
	}
	if n.Skipped != "" {
		t.Row("Tell suppliers", n.Skipped, "", "", "", "")
		return
	}
	phaseRow(t, n.None, "events/s")
	phaseRow(t, n.One, "events/s")
	ratioRow(t, "Event ingestion with one subscription / with none", n.One, n.None)
	if n.Acked > 0 {
		rate := float64(n.Acked-n.Missing) / (n.One.Stats.Elapsed + n.Drain).Seconds()
		t.Row("Their notifications delivered (both signatures verified by the receiver)",
			fmt.Sprintf("%d of %d, the last %.1f s after the load (about %.0f/s)", n.Acked-n.Missing, n.Acked, n.Drain.Seconds(), rate), "", "", "", "")
	}
	if n.NoneCPU.Server > 0 {
		t.Row("CPU per acknowledged event, no subscription", n.NoneCPU.String(), "", "", "", "")
		t.Row("CPU per acknowledged event, one subscription, until delivered", n.OneCPU.String(), "", "", "", "")
	}
	if len(n.Lag) > 0 {
		t.Row(fmt.Sprintf("Delivery lag, 201 to receipt, at %d events/s", notifyLagRate), fmt.Sprintf("%d of %d arrived", len(n.Lag), n.LagPosted),
			loadgen.Ms(n.lagPercentile(50)), loadgen.Ms(n.lagPercentile(99)), "", "")
	}
	if c := n.Receiver; c.Bad > 0 {
		t.Note(fmt.Sprintf("The receiver refused %d requests whose signatures or ids did not verify, e.g. %s", c.Bad, c.BadExample))
	}
}

// notifySummary adds the targets of issue 12 to the summary.
func notifySummary(t *report.Table, label string, n *notifyResult) {
	if n == nil {
		return
	}
	if n.Skipped != "" {
		t.Row("Ingestion with one subscription ≥ 90% of none ("+label+")", n.Skipped, "not measured")
		return
	}
	x, ok := ratio(n.One, n.None)
	fig := fmt.Sprintf("%.0f%%", x*100)
	if ok {
		fig += fmt.Sprintf(" (%.0f vs %.0f events/s)", n.One.Stats.RPS(), n.None.Stats.RPS())
	}
	t.Row("Ingestion with one subscription ≥ 90% of none ("+label+")", fig, verdict(x >= 0.9, ok))
	p99 := n.lagPercentile(99)
	lagOK := len(n.Lag) > 0 && n.LagMissing == 0
	t.Row(fmt.Sprintf("Delivery lag p99 < 1 s at %d events/s (%s)", notifyLagRate, label),
		fmt.Sprintf("p50 %s, p99 %s", loadgen.Ms(n.lagPercentile(50)), loadgen.Ms(p99)), verdict(p99 < time.Second, lagOK))
	t.Row("Every acknowledged event notified, signatures verified ("+label+")",
		fmt.Sprintf("%d of %d; %d refused by the receiver", n.Acked-n.Missing, n.Acked, n.Receiver.Bad),
		verdict(n.Missing == 0 && n.Receiver.Bad == 0, n.Acked > 0))
}

// notifyBad counts unexpected answers in the notification phases.
func notifyBad(n *notifyResult) int {
	if n == nil {
		return 0
	}
	return n.None.bad() + n.One.bad()
}
