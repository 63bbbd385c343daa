package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Worker drains the outbox. Each subscription has at most one attempt in
// flight and is scheduled on its own: a slow or failing receiver holds only
// its own queue, never another supplier's.
type Worker struct {
	Outbox  Outbox
	Sealer  *Sealer
	Clock   Clock
	Webhook Sender // nil: webhooks off
	Email   Sender // nil: e-mail off (no SMTP URL configured)

	Schedule    Schedule      // DefaultSchedule when nil
	Concurrency int           // attempts in flight at once; 8 when 0
	Poll        time.Duration // how often Run looks for due work; 1 s when 0
	// Lease is how long a claimed notification is kept from other workers;
	// it must outlast an attempt. 2 min when 0.
	Lease    time.Duration
	Observer Observer     // optional
	Logger   *slog.Logger // optional
	Rand     func() float64

	once     sync.Once
	mu       sync.Mutex
	inflight map[string]bool
	wg       sync.WaitGroup
	wake     chan struct{}
}

func (w *Worker) init() {
	w.once.Do(func() {
		if w.Schedule == nil {
			w.Schedule = DefaultSchedule
		}
		if w.Concurrency <= 0 {
			w.Concurrency = 8
		}
		if w.Poll <= 0 {
			w.Poll = time.Second
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
		}
	}
}

// Step claims what is due now and starts an attempt for each, without
// waiting for them (Wait does). It returns how many it started.
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
	ds, err := w.Outbox.Claim(ctx, ClaimRequest{
		Now: now, LeaseUntil: now.Add(w.Lease), Channels: channels, Exclude: exclude, Limit: free,
	})
	if err != nil {
		return 0, err
	}
	started := 0
	for _, d := range ds {
		sub := d.Subscription.ID
		w.mu.Lock()
		busy := w.inflight[sub]
		if !busy {
			w.inflight[sub] = true
		}
		w.mu.Unlock()
		if busy {
			// An Outbox that ignored Exclude; the lease brings it back.
			continue
		}
		started++
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			defer func() {
				w.mu.Lock()
				delete(w.inflight, sub)
				w.mu.Unlock()
				w.Wake()
			}()
			w.attempt(context.WithoutCancel(ctx), d)
		}()
	}
	return started, nil
}

// Wait blocks until every attempt started so far has been recorded.
func (w *Worker) Wait() { w.init(); w.wg.Wait() }

// attempt sends once and records the outcome. It runs detached from the
// caller's cancellation so that an attempt that was made is also recorded;
// the sender's own timeout bounds it.
func (w *Worker) attempt(ctx context.Context, d Delivery) {
	n := d.Notification
	start := w.Clock.Now()
	var res Result
	creds, err := w.Sealer.OpenCredentials(d.Subscription)
	if err != nil {
		res = Result{Err: err}
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
	if a.Outcome == Disabled {
		if err := w.Outbox.DisableSubscription(ctx, d.Subscription.ID, end, "receiver answered 410 Gone"); err != nil {
			w.Logger.Error("notify: disabling subscription", "subscription", d.Subscription.ID, "err", err)
		}
	}
	if err := w.Outbox.Record(ctx, a); err != nil {
		// Not recorded: the lease expires and the notification is sent
		// again — at least once, never lost.
		w.Logger.Error("notify: recording attempt", "notification", n.ID, "err", err)
	}
	if w.Observer != nil {
		w.Observer.ObserveDelivery(string(n.Channel), string(a.Outcome))
	}
	w.Logger.Info("notify: attempt", "notification", n.ID, "subscription", d.Subscription.ID,
		"channel", n.Channel, "attempt", a.Number, "outcome", a.Outcome, "status", a.Status, "error", a.Error)
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
