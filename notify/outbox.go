package notify

import (
	"context"
	"time"
)

// Outbox is what the store implements. Notifications are written to it in
// the same transaction as the change they describe, so a change that is
// acknowledged is never left unannounced; the worker then drains it.
//
// The worker works in batches so that delivering costs the store's single
// writer two transactions per batch (one Claim, one Record) rather than two
// per notification: the writer is also the one that takes events in.
type Outbox interface {
	// Claim returns due notifications (not delivered, not given up,
	// NextAttemptAt <= req.Now, of an enabled subscription, on one of
	// req.Channels): for each of at most req.Limit subscriptions (those
	// waiting longest first, none in req.Exclude), up to
	// req.PerSubscription of its earliest due, in due order, together. In
	// ONE transaction it moves each claimed one's next attempt time to
	// req.LeaseUntil, so no other worker takes it meanwhile and, if this
	// process dies mid-batch, it comes due again by itself.
	Claim(ctx context.Context, req ClaimRequest) ([]Delivery, error)
	// Record stores the outcomes of a batch in ONE transaction. For each
	// attempt: Attempts = a.Number and the time; on Delivered the delivered
	// time; on Retry the next attempt time; on Failed or Disabled that the
	// notification is finished; on Disabled also that the subscription is
	// turned off (the receiver answered 410 Gone; its pending notifications
	// stay, unclaimed, until it is enabled again). Each released one, if it
	// is still leased as claimed, is due again at its former time, with no
	// attempt counted.
	Record(ctx context.Context, r Results) error
}

// ClaimRequest says what the worker can take now.
type ClaimRequest struct {
	Now        time.Time
	LeaseUntil time.Time
	Channels   []Channel
	Exclude    []string // subscription ids with a batch in flight
	// Limit is how many subscriptions' batches the worker can start.
	Limit int
	// PerSubscription bounds each subscription's batch; 1 when 0.
	PerSubscription int
}

// Results is what one batch of one subscription came to.
type Results struct {
	Attempts []Attempt
	// Released were claimed but not attempted: the batch stopped early
	// (a failure, a 410, or too little of the lease left).
	Released []Release
}

// Release hands back a claimed notification that was not attempted.
type Release struct {
	NotificationID string
	Due            time.Time // due again then (its time before the claim)
	LeaseUntil     time.Time // the claim's lease: released only if still so
}

// Attempt is the outcome of one try at one notification.
type Attempt struct {
	NotificationID string
	SubscriptionID string
	Channel        Channel
	Number         int // 1 for the first attempt
	At             time.Time
	Outcome        Outcome
	NextAttemptAt  time.Time // set when Outcome is Retry
	Status         int       // HTTP status or SMTP reply code; 0 when none
	Error          string    // short reason, for the admin pages; no secrets
	Duration       time.Duration
}

// Observer is told every outcome; metrics.Metrics satisfies it.
type Observer interface {
	ObserveDelivery(channel, outcome string)
}
