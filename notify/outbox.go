package notify

import (
	"context"
	"time"
)

// Outbox is what the store implements. Notifications are written to it in
// the same transaction as the change they describe, so a change that is
// acknowledged is never left unannounced; the worker then drains it.
type Outbox interface {
	// Claim returns due notifications (not delivered, not given up,
	// NextAttemptAt <= req.Now, of an enabled subscription, on one of
	// req.Channels) — at most ONE per subscription (the earliest due), none
	// for a subscription in req.Exclude, at most req.Limit in all. In the
	// same transaction it moves each claimed one's next attempt time to
	// req.LeaseUntil, so no other worker takes it meanwhile and, if this
	// process dies mid-attempt, it comes due again by itself.
	Claim(ctx context.Context, req ClaimRequest) ([]Delivery, error)
	// Record stores the outcome of an attempt: Attempts = a.Number and the
	// time; on Delivered the delivered time; on Retry the next attempt
	// time; on Failed or Disabled that the notification is finished.
	Record(ctx context.Context, a Attempt) error
	// DisableSubscription turns a subscription off (the receiver answered
	// 410 Gone). Its pending notifications stay, unclaimed, until it is
	// enabled again.
	DisableSubscription(ctx context.Context, subscriptionID string, at time.Time, reason string) error
}

// ClaimRequest says what the worker can take now.
type ClaimRequest struct {
	Now        time.Time
	LeaseUntil time.Time
	Channels   []Channel
	Exclude    []string // subscription ids with an attempt in flight
	Limit      int
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
