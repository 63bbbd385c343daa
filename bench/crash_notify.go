package main

import (
	"context"
	"fmt"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/report"
	"github.com/securemove/securemove/bench/internal/server"
)

// "Tell suppliers" through the crashes (issue 12): every change
// acknowledged to a client is notified at least once, with stable ids,
// whatever the kills interrupted and though the receiver was down, then
// slow, for a while.
//
// The receiver is down (503) for crashDownFor at the start of the first
// round and slow (crashSlowBy an answer) through the second. A delivery
// refused while down is retried after the schedule's first wait (5 s);
// keeping the receiver down for less than that means no notification is
// refused twice (the second wait is 5 minutes). A notification being
// sent at a kill is leased for 2 minutes and sent again when the lease
// runs out, which bounds the wait at the end.

const (
	crashDownFor = 2 * time.Second
	crashSlowBy  = 50 * time.Millisecond
	// crashNotifyLimit bounds the wait, after the last restart, for every
	// notification: the 2-minute lease of one in flight at a kill, and
	// the backlog's delivery.
	crashNotifyLimit = 4 * time.Minute
)

type crashNotify struct {
	rc    *receiver
	moves []string
	// Results, filled by finish.
	Acked, Notified, Missing int
	// Unstable counts events told of under more than one notification id;
	// Repeats deliveries of a notification already received (allowed: at
	// least once).
	Unstable, Repeats int
	Refused, Bad      int
	Waited            time.Duration
	Failures          []string
}

// startCrashNotify starts the receiver and subscribes GEOAmey to it.
func startCrashNotify(ctx context.Context, o crashOptions, meta bulk.BulkResult) (*crashNotify, error) {
	ids, err := crossingMovesOf(ctx, o.DB, meta.Suppliers["serco"], meta.Suppliers["geoamey"], 2000)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("crash: no Serco moves to GEOAmey locations to notify about")
	}
	rc, err := startReceiver()
	if err != nil {
		return nil, err
	}
	_, secret, err := server.CreateSubscription(ctx, o.Bin, o.DB, "geoamey", rc.URL)
	if err == nil {
		err = rc.SetSecret(secret)
	}
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &crashNotify{rc: rc, moves: ids}, nil
}

// round sets the receiver's behaviour for a round.
func (cn *crashNotify) round(n int) {
	cn.rc.SetDelay(0)
	switch n {
	case 1:
		cn.rc.SetDown(true)
		time.AfterFunc(crashDownFor, func() { cn.rc.SetDown(false) })
	case 2:
		cn.rc.SetDelay(crashSlowBy)
	}
}

// finish waits until every acknowledged event has been told of and checks
// the ids.
func (cn *crashNotify) finish(ctx context.Context, acked []string) *crashNotify {
	cn.rc.SetDown(false)
	cn.rc.SetDelay(0)
	start := time.Now()
	missing, err := cn.rc.WaitFor(ctx, acked, crashNotifyLimit)
	cn.Waited = time.Since(start)
	cn.Acked, cn.Missing = len(acked), len(missing)
	cn.Notified = cn.Acked - cn.Missing
	for _, id := range acked {
		if len(cn.rc.EventNotifications(id)) > 1 {
			cn.Unstable++
		}
	}
	c := cn.rc.Counts()
	cn.Repeats, cn.Refused, cn.Bad = c.Repeats, c.Refused, c.Bad
	if cn.Missing > 0 {
		cn.Failures = append(cn.Failures, fmt.Sprintf("%d acknowledged events never notified (%v), e.g. %s", cn.Missing, err, missing[0]))
	}
	if cn.Unstable > 0 {
		cn.Failures = append(cn.Failures, fmt.Sprintf("%d events told of under more than one notification id", cn.Unstable))
	}
	if cn.Bad > 0 {
		cn.Failures = append(cn.Failures, fmt.Sprintf("%d deliveries failed the receiver's checks, e.g. %s", cn.Bad, c.BadExample))
	}
	if cn.Refused == 0 {
		cn.Failures = append(cn.Failures, "the receiver was never found down: the test did not test retries")
	}
	return cn
}

func (cn *crashNotify) table(o crashOptions) *report.Table {
	t := report.New(fmt.Sprintf("Crash: notifications through %d kills, the receiver down for %s then slow (%s an answer) for a round", o.Kills, crashDownFor, crashSlowBy),
		"Events acknowledged", "Notified (verified)", "Never notified", "Events with more than one notification id",
		"Deliveries repeated (same id)", "Refused while down", "Failed verification", "Last arrival after the last restart", "Result")
	verdict := "ok"
	if len(cn.Failures) > 0 {
		verdict = "FAIL: " + fmt.Sprint(cn.Failures)
	}
	t.Row(comma(cn.Acked), comma(cn.Notified), fmt.Sprint(cn.Missing), fmt.Sprint(cn.Unstable), fmt.Sprint(cn.Repeats),
		fmt.Sprint(cn.Refused), fmt.Sprint(cn.Bad), fmt.Sprintf("%.1f s", cn.Waited.Seconds()), verdict)
	t.Note("At least once: a notification sent when the service was killed is sent again once its 2-minute lease runs out, under the same id; a receiver drops repeats by id.")
	return t
}
