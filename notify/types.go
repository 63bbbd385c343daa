package notify

import "time"

// Channel is how a notification reaches a subscriber.
type Channel string

const (
	// ChannelWebhook is a signed HTTP POST to the subscription's callback URL.
	ChannelWebhook Channel = "webhook"
	// ChannelEmail is a short plain-text e-mail to the subscription's address.
	ChannelEmail Channel = "email"
)

// Subscription is what the worker needs to know about one supplier's
// subscription. Secrets and the Basic password are kept sealed (see Sealer)
// and only opened by the worker just before an attempt.
type Subscription struct {
	ID          string
	SupplierID  string
	CallbackURL string // "" when the supplier only wants e-mail
	Email       string // "" when the supplier only wants webhooks
	// SealedSecrets holds one signing secret, or two while rotating, oldest
	// first, each sealed with SealSecret. Every delivery carries a Standard
	// Webhooks signature for each; PECS-SIGNATURE uses the oldest (see doc.go).
	SealedSecrets []string
	BasicUser     string // optional HTTP Basic user name
	// SealedBasicPassword is sealed with SealPassword; "" when none.
	SealedBasicPassword string
	Enabled             bool
}

// Notification is one outbox record: one change, for one subscription, on
// one channel (as upstream keeps them). Its ID is sent as webhook-id and
// PECS-NOTIFICATION-ID and is the same on every attempt, so receivers can
// drop duplicates.
type Notification struct {
	ID             string
	SubscriptionID string
	Channel        Channel
	// EventType is upstream's event_type, e.g. "create_move",
	// "update_move_status", "create_event", "cancel_lodging".
	EventType string
	// CreatedAt is when the change was recorded; the body's timestamp.
	CreatedAt time.Time
	// MoveID is the move the notification is about (always set).
	MoveID string
	// MoveReference is the move's human reference, used in e-mails.
	MoveReference string
	// EventID is set for create_event notifications.
	EventID string
	// LodgingID is set for lodging notifications.
	LodgingID string
	// Attempts is how many attempts have already been made.
	Attempts int
}

// Delivery is a due notification together with its subscription, as
// returned by Outbox.Claim.
type Delivery struct {
	Notification Notification
	Subscription Subscription
	// Due is when it came due (its next attempt time before the claim):
	// the time it is given back if the batch ends before its turn.
	Due time.Time
}

// Outcome is the result of one attempt. The strings are the metric labels.
type Outcome string

const (
	// Delivered: any 2xx (webhook) or an accepted message (e-mail).
	Delivered Outcome = "success"
	// Retry: failed, another attempt is scheduled at NextAttemptAt.
	Retry Outcome = "retry"
	// Failed: failed and the schedule is used up; no more attempts.
	Failed Outcome = "failed"
	// Disabled: the receiver answered 410 Gone; the subscription is
	// disabled and this notification is not retried.
	Disabled Outcome = "disabled"
)

// Clock gives the time; tests use a fake one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }
