package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Worker drains the outbox in batches. Each subscription has at most one
// batch in flight, its notifications sent one after another in due order,
// and is scheduled on its own: a slow or failing receiver holds only its
// own queue, never another supplier's. Batches of different subscriptions
// run concurrently, up to Concurrency at once.
type Worker struct {
	Outbox  Outbox
	Sealer  *Sealer
	Clock   Clock
	Webhook Sender // nil: webhooks off
	Email   Sender // nil: e-mail off (no SMTP URL configured)

	Schedule    Schedule      // DefaultSchedule when nil
	Concurrency int           // subscriptions with a batch in flight at once; 8 when 0
	BatchSize   int           // notifications claimed per subscription at once; 100 when 0
	Poll        time.Duration // how often Run looks for due work; 1 s when 0
	// Gather is how long Run waits after a wake before claiming, so that
	// notifications written meanwhile join the batch; 50 ms when 0.
	Gather time.Duration
	// Lease is how long a claimed batch is kept from other workers. A
	// batch starts no attempt once half of it has passed, so it must be at
	// least twice the longest attempt (the sender's timeout). 2 min when 0.
	Lease    time.Duration
	Observer Observer     // optional
	Logger   *slog.Logger // optional
	Rand     func() float64
	// Busy, when set, says the service's own clients are waiting on it
	// (more requests in flight than CPUs). Deliveries then give way: they
	// are paced to BusyRate attempts a second, all subscriptions together,
	// unless a notification has already waited BusyHold. Why: on one
	// machine an attempt costs about as much CPU as accepting the event it
	// reports (the request, the body, two signatures, recording it), and
	// delivering at full speed through a burst of events slowed the events
	// themselves by a fifth or more; a receiver can wait a few seconds, a
	// supplier's system posting the event is waiting now. Through a burst
	// the outbox fills and empties after; under load that does not end,
	// notifications are about BusyHold late and then keep pace. Nothing is
	// dropped or reordered.
	Busy     func() bool
	BusyRate int           // attempts a second while Busy; 200 when 0
	BusyHold time.Duration // the most a notification is held back; 30 s when 0
	// Saturated, when set, says the clients waiting are many times the
	// CPUs (web.InFlight.Saturated): every CPU has a queue of them, and
	// any attempt made now is CPU taken from a client already queued.
	// Attempts then wait for the queue to shorten (to Busy's pace) or for
	// BusyHold, whichever comes first. Why: paced to 200 a second through
	// such a burst, deliveries (about 0.6 ms of CPU each on one machine,
	// counting the receiver's) still took 5 to 7% of the events' rate;
	// held, the burst's notifications follow it, never more than BusyHold
	// late, which is also what load that does not end gets either way.
	Saturated func() bool

	once     sync.Once
	mu       sync.Mutex
	inflight map[string]bool
	wg       sync.WaitGroup
	wake     chan struct{}
	// pacing while Busy, in real time (Clock may be the service's fixed
	// or fake clock; CPU is spent in real time): the next free slot, and
	// how to wait for it (a field so that tests see the waits).
	paceMu   sync.Mutex
	paceNext time.Time
	realNow  func() time.Time
	sleep    func(time.Duration)
}

func (w *Worker) init() {
	w.once.Do(func() {
		if w.Schedule == nil {
			w.Schedule = DefaultSchedule
		}
		if w.Concurrency <= 0 {
			w.Concurrency = 8
		}
		if w.BatchSize <= 0 {
			w.BatchSize = 100
		}
		if w.Poll <= 0 {
			w.Poll = time.Second
		}
		if w.Gather <= 0 {
			w.Gather = 50 * time.Millisecond
		}
		if w.Lease <= 0 {
			w.Lease = 2 * time.Minute
		}
		if w.Clock == nil {
			w.Clock = SystemClock{}
		}
		if w.Logger == nil {
			w.Logger = slog.Default()
		}
		if w.Rand == nil {
			w.Rand = rand.Float64
		}
		if w.BusyRate <= 0 {
			w.BusyRate = 200
		}
		if w.BusyHold <= 0 {
			w.BusyHold = 30 * time.Second
		}
		if w.realNow == nil {
			w.realNow = time.Now
		}
		if w.sleep == nil {
			w.sleep = time.Sleep
		}
		w.inflight = map[string]bool{}
		w.wake = make(chan struct{}, 1)
	})
}

// Wake asks Run to look for work now; call it after committing a change
// that wrote notifications, so they go out without waiting for the poll.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run claims and sends until ctx ends, then waits for attempts in flight.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		if _, err := w.Step(ctx); err != nil && ctx.Err() == nil {
			w.Logger.Error("notify: claiming due notifications", "err", err)
		}
		select {
		case <-ctx.Done():
			w.Wait()
			return nil
		case <-t.C:
		case <-w.wake:
			// Let what else is being written join the batch: while events
			// stream in, one claim every Gather rather than one per commit
			// keeps the writer's share of delivering small.
			select {
			case <-ctx.Done():
			case <-time.After(w.Gather):
			}
		}
	}
}

// Step claims what is due now, a batch per subscription, and starts
// delivering each batch, without waiting for them (Wait does). It returns
// how many notifications it claimed.
func (w *Worker) Step(ctx context.Context) (int, error) {
	w.init()
	var channels []Channel
	if w.Webhook != nil {
		channels = append(channels, ChannelWebhook)
	}
	if w.Email != nil {
		channels = append(channels, ChannelEmail)
	}
	w.mu.Lock()
	free := w.Concurrency - len(w.inflight)
	exclude := make([]string, 0, len(w.inflight))
	for id := range w.inflight {
		exclude = append(exclude, id)
	}
	w.mu.Unlock()
	if free <= 0 || len(channels) == 0 {
		return 0, nil
	}
	now := w.Clock.Now()
	lease := now.Add(w.Lease)
	ds, err := w.Outbox.Claim(ctx, ClaimRequest{
		Now: now, LeaseUntil: lease, Channels: channels, Exclude: exclude, Limit: free, PerSubscription: w.BatchSize,
	})
	if err != nil {
		return 0, err
	}
	var order []string
	batches := map[string][]Delivery{}
	for _, d := range ds {
		sub := d.Subscription.ID
		if _, ok := batches[sub]; !ok {
			order = append(order, sub)
		}
		batches[sub] = append(batches[sub], d)
	}
	started := 0
	for _, sub := range order {
		batch := batches[sub]
		w.mu.Lock()
		busy := w.inflight[sub]
		if !busy {
			w.inflight[sub] = true
		}
		w.mu.Unlock()
		if busy {
			// An Outbox that ignored Exclude; the lease brings them back.
			continue
		}
		started += len(batch)
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			defer func() {
				w.mu.Lock()
				delete(w.inflight, sub)
				w.mu.Unlock()
				w.Wake()
			}()
			w.deliver(context.WithoutCancel(ctx), ctx, batch, lease)
		}()
	}
	return started, nil
}

// Wait blocks until every batch started so far has been recorded.
func (w *Worker) Wait() { w.init(); w.wg.Wait() }

// deliver sends one subscription's batch in order and records the
// outcomes together. It runs detached from the caller's cancellation so
// that attempts that were made are also recorded; the sender's own
// timeout bounds each.
//
// An attempt that does not succeed stops the batch on its channel only:
// a hanging callback URL must not hold up the subscription's e-mail. The
// notifications after it on that channel are handed back. When the
// receiver as a whole is unwell — no answer at all (refused, timed out),
// 429, 502, 503, 504, or any answer with Retry-After — they are due again
// with the failed one, so that a receiver asking for time gets one request
// per retry rather than the rest of the queue at once; the failed one,
// the oldest, goes first then. Otherwise (a 500, a 4xx: this notification
// was refused) they are due as before, and the next round tries the next
// one while the failed one waits out its backoff, as one at a time would.
// The batch also stops once half the lease has passed, so that no attempt
// outlives the lease and is made twice, and once stop (the worker's own
// context) ends: what is left is handed back for the next worker, not
// sent while this one shuts down.
func (w *Worker) deliver(ctx, stop context.Context, batch []Delivery, lease time.Time) {
	// One subscription's batch: its secrets are opened once.
	creds, credErr := w.Sealer.OpenCredentials(batch[0].Subscription)
	var res Results
	// held: the channels stopped, and when what is left on them is due
	// (zero: due as before).
	held := map[Channel]time.Time{}
	release := func(d Delivery) {
		r := Release{NotificationID: d.Notification.ID, Due: d.Due, LeaseUntil: lease}
		if at := held[d.Notification.Channel]; at.After(r.Due) {
			r.Due = at
		}
		res.Released = append(res.Released, r)
	}
	for i, d := range batch {
		if _, stopped := held[d.Notification.Channel]; stopped {
			release(d)
			continue
		}
		// Paced first, so that the lease is checked after the wait. A
		// worker stopping hands back what it has not attempted rather
		// than wait its turn (its attempts in flight are recorded).
		w.pace(stop, d)
		if stop.Err() != nil || i > 0 && w.Clock.Now().After(lease.Add(-w.Lease/2)) {
			for _, d := range batch[i:] {
				release(d)
			}
			break
		}
		a, unwell := w.attempt(ctx, d, creds, credErr)
		res.Attempts = append(res.Attempts, a)
		if a.Outcome != Delivered {
			var at time.Time
			if unwell && a.Outcome == Retry {
				at = a.NextAttemptAt
			}
			held[d.Notification.Channel] = at
		}
	}
	if err := w.Outbox.Record(ctx, res); err != nil {
		// Not recorded: the lease expires and the notifications are sent
		// again — at least once, never lost.
		w.Logger.Error("notify: recording attempts", "subscription", batch[0].Subscription.ID, "attempts", len(res.Attempts), "err", err)
	}
	for _, a := range res.Attempts {
		if w.Observer != nil {
			w.Observer.ObserveDelivery(string(a.Channel), string(a.Outcome))
		}
		// A line per success would cost more than the delivery at a
		// busy supplier's rate: successes are counted by the metrics and
		// logged at debug level; anything else is logged.
		level := slog.LevelInfo
		if a.Outcome == Delivered {
			level = slog.LevelDebug
		}
		w.Logger.Log(ctx, level, "notify: attempt", "notification", a.NotificationID, "subscription", a.SubscriptionID,
			"channel", a.Channel, "attempt", a.Number, "outcome", a.Outcome, "status", a.Status, "error", a.Error)
	}
}

// saturatedStep is how often a held attempt looks again (see Saturated).
const saturatedStep = 20 * time.Millisecond

// pace waits for the next free slot while the service is busy (see Busy),
// unless d has waited BusyHold since it came due. Slots are BusyRate a
// second across all batches, so concurrent batches take turns rather than
// each going at the rate. While the service is saturated it first waits
// for that to end (see Saturated), BusyHold at most, by the service's
// clock or, should that stand still (a fixed -now), by the real one.
func (w *Worker) pace(stop context.Context, d Delivery) {
	held := func() bool { return w.Clock.Now().Sub(d.Due) >= w.BusyHold }
	if w.Busy == nil || held() || !w.Busy() {
		return
	}
	if w.Saturated != nil {
		for start := w.realNow(); stop.Err() == nil && w.Saturated() && !held() && w.realNow().Sub(start) < w.BusyHold; {
			w.sleep(saturatedStep)
		}
		if stop.Err() != nil || held() || !w.Busy() {
			return
		}
	}
	now := w.realNow()
	w.paceMu.Lock()
	at := w.paceNext
	if at.Before(now) {
		at = now
	}
	w.paceNext = at.Add(time.Second / time.Duration(w.BusyRate))
	w.paceMu.Unlock()
	if d := at.Sub(now); d > 0 {
		w.sleep(d)
	}
}

// attempt sends once and says what came of it, and whether the answer
// (or its absence) says the receiver as a whole is unwell rather than
// refusing this notification (see deliver).
func (w *Worker) attempt(ctx context.Context, d Delivery, creds Credentials, credErr error) (Attempt, bool) {
	n := d.Notification
	start := w.Clock.Now()
	var res Result
	if credErr != nil {
		res = Result{Err: credErr}
	} else {
		var s Sender
		switch n.Channel {
		case ChannelWebhook:
			s = w.Webhook
		case ChannelEmail:
			s = w.Email
		}
		if s == nil {
			// Only reachable with an Outbox that ignored Channels.
			res = Result{Err: errors.New("notify: channel " + string(n.Channel) + " is off")}
		} else {
			res = s.Send(ctx, d, creds)
		}
	}
	end := w.Clock.Now()
	a := Attempt{
		NotificationID: n.ID,
		SubscriptionID: d.Subscription.ID,
		Channel:        n.Channel,
		Number:         n.Attempts + 1,
		At:             start,
		Status:         res.Status,
		Duration:       end.Sub(start),
	}
	switch {
	case res.Err == nil:
		a.Outcome = Delivered
	case res.Gone:
		a.Outcome = Disabled
	default:
		if wait, ok := w.Schedule.Next(a.Number, res.RetryAfter, w.Rand()); ok {
			a.Outcome = Retry
			a.NextAttemptAt = end.Add(wait)
		} else {
			a.Outcome = Failed
		}
	}
	if res.Err != nil {
		a.Error = shortError(res.Err)
	}
	return a, receiverUnwell(n.Channel, res)
}

// receiverUnwell says whether a failed attempt's result speaks for the
// receiver rather than for the one notification: no answer; from a
// callback URL, an answer asking for time or a gateway's; from a mail
// server, 421 (service not available; its other codes are about the
// message or the mailbox).
func receiverUnwell(ch Channel, r Result) bool {
	if r.Err == nil || r.Gone {
		return false
	}
	if r.Status == 0 {
		return true
	}
	if ch == ChannelEmail {
		return r.Status == 421
	}
	switch r.Status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return r.RetryAfter > 0
}

// shortError keeps the stored reason short; URLs and addresses in network
// errors are fine to show to an administrator, secrets never reach here.
func shortError(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
