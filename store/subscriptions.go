package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
)

// Subscriptions of suppliers to notifications (issue 12). Administrators
// manage them in the browser and on the command line; both call these
// methods, which validate, seal secrets and record the change in the
// administrators' log (under the supplier, as subscriptions belong to one).

// SubscriptionInput is what an administrator gives to add a subscription.
type SubscriptionInput struct {
	// Supplier is the supplier's id or key.
	Supplier      string
	CallbackURL   string
	Email         string
	BasicUser     string
	BasicPassword string
	// Secret, when set, is used instead of a new one: the demo receiver's
	// subscriptions share the secret it verifies with.
	Secret string
	// CheckURL, when set, refuses callback URLs the service must not call
	// (notify.Guard.CheckURL: loopback and private addresses).
	CheckURL func(ctx context.Context, raw string) error
}

// SubscriptionInfo is a subscription as administrators see it: never its
// secrets or password.
type SubscriptionInfo struct {
	ID             string
	SupplierID     string
	SupplierKey    string
	SupplierName   string
	CallbackURL    string
	Email          string
	BasicUser      string
	HasPassword    bool
	LiveSecrets    int // 2 while a rotation is under way
	Enabled        bool
	DisabledAt     *time.Time
	DisabledReason string
	CreatedAt      time.Time
	CreatedBy      string
	Pending        int
	Delivered      int
	Failed         int
}

// Rotating says a new secret was added and the old one not yet retired.
func (s SubscriptionInfo) Rotating() bool { return s.LiveSecrets > 1 }

// NotificationEntry is one line of a subscription's delivery log.
type NotificationEntry struct {
	ID            string
	Channel       string
	EventType     string
	CreatedAt     time.Time
	MoveID        string
	MoveReference string
	Attempts      int
	NextAttemptAt time.Time
	LastAttemptAt *time.Time
	LastStatus    int
	LastError     string
	DeliveredAt   *time.Time
	FailedAt      *time.Time
}

// State is "delivered", "failed" or "pending".
func (n NotificationEntry) State() string {
	switch {
	case n.DeliveredAt != nil:
		return "delivered"
	case n.FailedAt != nil:
		return "failed"
	}
	return "pending"
}

// TestEventType is the event_type of a test notification.
const TestEventType = "test_notification"

const subInfoCols = `s.id, s.supplier_id, p.key, p.name, s.callback_url, s.email, s.basic_user, CASE WHEN s.sealed_basic_password = '' THEN 0 ELSE 1 END,
	CASE WHEN s.sealed_secret_next IS NULL THEN 1 ELSE 2 END, s.enabled, s.disabled_at, s.disabled_reason, s.created_at, s.created_by,
	(SELECT COUNT(*) FROM notifications n WHERE n.subscription_id = s.id AND n.delivered_at IS NULL AND n.failed_at IS NULL),
	(SELECT COUNT(*) FROM notifications n WHERE n.subscription_id = s.id AND n.delivered_at IS NOT NULL),
	(SELECT COUNT(*) FROM notifications n WHERE n.subscription_id = s.id AND n.failed_at IS NOT NULL)`

func scanSubInfo(sc interface{ Scan(...any) error }) (SubscriptionInfo, error) {
	var si SubscriptionInfo
	var hasPw, enabled int
	var disabled sql.NullInt64
	var created int64
	err := sc.Scan(&si.ID, &si.SupplierID, &si.SupplierKey, &si.SupplierName, &si.CallbackURL, &si.Email, &si.BasicUser, &hasPw,
		&si.LiveSecrets, &enabled, &disabled, &si.DisabledReason, &created, &si.CreatedBy, &si.Pending, &si.Delivered, &si.Failed)
	si.HasPassword, si.Enabled = hasPw == 1, enabled == 1
	si.DisabledAt = nullTime(disabled)
	si.CreatedAt = fromMicros(created)
	return si, err
}

// Subscriptions lists every subscription, by supplier.
func (s *Store) Subscriptions(ctx context.Context) ([]SubscriptionInfo, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+subInfoCols+` FROM subscriptions s JOIN suppliers p ON p.id = s.supplier_id
		ORDER BY p.name, s.created_at, s.id`)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	defer rows.Close()
	var out []SubscriptionInfo
	for rows.Next() {
		si, err := scanSubInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, si)
	}
	return out, rows.Err()
}

// Subscription returns one subscription.
func (s *Store) Subscription(ctx context.Context, id string) (SubscriptionInfo, error) {
	return subscriptionInfo(ctx, s.r, id)
}

func subscriptionInfo(ctx context.Context, q querier, id string) (SubscriptionInfo, error) {
	si, err := scanSubInfo(q.QueryRowContext(ctx, "SELECT "+subInfoCols+` FROM subscriptions s JOIN suppliers p ON p.id = s.supplier_id
		WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return si, notFound("subscription")
	}
	if err != nil {
		return si, fmt.Errorf("store: subscription: %w", err)
	}
	return si, nil
}

// SubscriptionLog lists a subscription's latest notifications, newest
// first.
func (s *Store) SubscriptionLog(ctx context.Context, id string, limit int) ([]NotificationEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, channel, event_type, created_at, move_id, move_reference, attempts, next_attempt_at,
		last_attempt_at, last_status, last_error, delivered_at, failed_at FROM notifications WHERE subscription_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("store: delivery log: %w", err)
	}
	defer rows.Close()
	var out []NotificationEntry
	for rows.Next() {
		var n NotificationEntry
		var created, next int64
		var last, delivered, failed sql.NullInt64
		if err := rows.Scan(&n.ID, &n.Channel, &n.EventType, &created, &n.MoveID, &n.MoveReference, &n.Attempts, &next,
			&last, &n.LastStatus, &n.LastError, &delivered, &failed); err != nil {
			return nil, err
		}
		n.CreatedAt, n.NextAttemptAt = fromMicros(created), fromMicros(next)
		n.LastAttemptAt, n.DeliveredAt, n.FailedAt = nullTime(last), nullTime(delivered), nullTime(failed)
		out = append(out, n)
	}
	return out, rows.Err()
}

// CreateSubscription checks and adds a subscription with a new signing
// secret, which it returns: the only time the secret is shown. The secret
// and Basic password are sealed before they are stored.
func (s *Store) CreateSubscription(ctx context.Context, in SubscriptionInput, sealer *notify.Sealer, by string) (SubscriptionInfo, string, error) {
	in.CallbackURL, in.Email, in.BasicUser = strings.TrimSpace(in.CallbackURL), strings.TrimSpace(in.Email), strings.TrimSpace(in.BasicUser)
	var fe moves.FieldErrors
	var supplierID, supplierName string
	err := s.r.QueryRowContext(ctx, "SELECT id, name FROM suppliers WHERE id = ? OR key = ?", in.Supplier, strings.ToLower(strings.TrimSpace(in.Supplier))).
		Scan(&supplierID, &supplierName)
	if errors.Is(err, sql.ErrNoRows) {
		fe.Add("supplier", "not_found", "Choose the supplier to notify")
	} else if err != nil {
		return SubscriptionInfo{}, "", err
	}
	if in.CallbackURL == "" && in.Email == "" {
		fe.Add("callback_url", "blank", "Enter a callback URL or an email address, or both")
	}
	if in.CallbackURL != "" {
		if msg := checkCallbackURL(in.CallbackURL); msg != "" {
			fe.Add("callback_url", "invalid", msg)
		} else if in.CheckURL != nil {
			if err := in.CheckURL(ctx, in.CallbackURL); errors.Is(err, notify.ErrForbiddenAddress) {
				fe.Add("callback_url", "forbidden", "Enter a callback URL on the internet: this one is on a private or internal network")
			} else if err != nil {
				fe.Add("callback_url", "unresolved", "Enter a callback URL whose host name can be found")
			}
		}
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			fe.Add("email", "invalid", "Enter an email address in the correct format, like name@example.com")
		}
	}
	if in.BasicPassword != "" && in.BasicUser == "" {
		fe.Add("basic_user", "blank", "Enter the user name that goes with the password")
	}
	if len(fe) > 0 {
		return SubscriptionInfo{}, "", moves.InvalidFields(fe)
	}
	id := uuid.NewString()
	secret := in.Secret
	if secret == "" {
		if secret, err = notify.GenerateSecret(); err != nil {
			return SubscriptionInfo{}, "", err
		}
	} else if err := notify.ValidateSecret(secret); err != nil {
		return SubscriptionInfo{}, "", moves.InvalidFields(moves.FieldErrors{{Field: "secret", Code: "invalid", Message: "The signing secret is not usable"}})
	}
	sealed, err := sealer.SealSecret(id, secret)
	if err != nil {
		return SubscriptionInfo{}, "", err
	}
	sealedPw := ""
	if in.BasicPassword != "" {
		if sealedPw, err = sealer.SealPassword(id, in.BasicPassword); err != nil {
			return SubscriptionInfo{}, "", err
		}
	}
	var out SubscriptionInfo
	err = s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		now := u.Now()
		if _, err := u.ExecContext(ctx, `INSERT INTO subscriptions (id, supplier_id, callback_url, email, sealed_secret, basic_user,
			sealed_basic_password, enabled, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,1,?,?,?,?)`,
			id, supplierID, in.CallbackURL, in.Email, sealed, in.BasicUser, sealedPw, micros(now), by, micros(now), by); err != nil {
			return fmt.Errorf("store: insert subscription: %w", err)
		}
		what := strings.TrimSpace(strings.Join([]string{in.CallbackURL, in.Email}, " "))
		if err := audit(ctx, u.sqlTx(), now, by, AuditSupplier, supplierID, "subscription.create",
			fmt.Sprintf("Added a notification subscription for %s: %s", supplierName, what)); err != nil {
			return err
		}
		var err error
		out, err = subscriptionInfo(ctx, u.tx, id)
		return err
	})
	if err != nil {
		return SubscriptionInfo{}, "", err
	}
	return out, secret, nil
}

// checkCallbackURL says what is wrong with a callback URL, "" if nothing.
func checkCallbackURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "Enter a callback URL starting with https://"
	}
	if u.User != nil {
		return "Enter the user name and password in their own fields, not in the callback URL"
	}
	if len(raw) > 2000 {
		return "Callback URL must be 2000 characters or fewer"
	}
	return ""
}

// changeSubscription runs fn on a subscription's sealed secrets inside a
// unit of work and logs what it did.
func (s *Store) changeSubscription(ctx context.Context, id, by, action string, fn func(u *Unit, sub notify.Subscription, si SubscriptionInfo) (string, error)) error {
	return s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		si, err := subscriptionInfo(ctx, u.tx, id)
		if err != nil {
			return err
		}
		sub, err := scanSubscription(u.QueryRowContext(ctx, "SELECT "+subscriptionCols+" FROM subscriptions s WHERE s.id = ?", id))
		if err != nil {
			return err
		}
		summary, err := fn(u, sub, si)
		if err != nil || summary == "" {
			return err
		}
		return audit(ctx, u.sqlTx(), u.Now(), by, AuditSupplier, si.SupplierID, action, summary)
	})
}

// RotateSubscriptionSecret adds a new signing secret and returns it (shown
// once). Deliveries are signed with both until RetireSubscriptionSecret.
func (s *Store) RotateSubscriptionSecret(ctx context.Context, id string, sealer *notify.Sealer, by string) (string, error) {
	secret, err := notify.GenerateSecret()
	if err != nil {
		return "", err
	}
	sealed, err := sealer.SealSecret(id, secret)
	if err != nil {
		return "", err
	}
	err = s.changeSubscription(ctx, id, by, "subscription.rotate", func(u *Unit, sub notify.Subscription, si SubscriptionInfo) (string, error) {
		if _, err := notify.AddSecret(sub.SealedSecrets, sealed); err != nil {
			return "", moves.Errorf(moves.Conflict, "A new secret was already added: retire the old secret before adding another")
		}
		_, err := u.ExecContext(u.Context(), "UPDATE subscriptions SET sealed_secret_next = ?, updated_at = ?, updated_by = ? WHERE id = ?",
			sealed, micros(u.Now()), by, id)
		return "Added a new signing secret to the subscription " + subjectOf(si), err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RetireSubscriptionSecret retires the oldest of two live secrets.
func (s *Store) RetireSubscriptionSecret(ctx context.Context, id, by string) error {
	return s.changeSubscription(ctx, id, by, "subscription.retire_secret", func(u *Unit, sub notify.Subscription, si SubscriptionInfo) (string, error) {
		if _, err := notify.RetireOldest(sub.SealedSecrets); err != nil {
			return "", moves.Errorf(moves.Conflict, "There is only one secret: add a new secret before retiring the old one")
		}
		_, err := u.ExecContext(u.Context(), `UPDATE subscriptions SET sealed_secret = sealed_secret_next, sealed_secret_next = NULL,
			updated_at = ?, updated_by = ? WHERE id = ?`, micros(u.Now()), by, id)
		return "Retired the old signing secret of the subscription " + subjectOf(si), err
	})
}

// SetSubscriptionEnabled turns a subscription on or off. While off, its
// notifications wait; changes are not written for it.
func (s *Store) SetSubscriptionEnabled(ctx context.Context, id string, enabled bool, by string) error {
	action, verb := "subscription.disable", "Turned off"
	if enabled {
		action, verb = "subscription.enable", "Turned on"
	}
	return s.changeSubscription(ctx, id, by, action, func(u *Unit, sub notify.Subscription, si SubscriptionInfo) (string, error) {
		if si.Enabled == enabled {
			return "", nil
		}
		var err error
		now := micros(u.Now())
		if enabled {
			_, err = u.ExecContext(u.Context(), `UPDATE subscriptions SET enabled = 1, disabled_at = NULL, disabled_reason = '',
				updated_at = ?, updated_by = ? WHERE id = ?`, now, by, id)
		} else {
			_, err = u.ExecContext(u.Context(), `UPDATE subscriptions SET enabled = 0, disabled_at = ?, disabled_reason = ?,
				updated_at = ?, updated_by = ? WHERE id = ?`, now, "Turned off by "+by, now, by, id)
		}
		return verb + " the subscription " + subjectOf(si), err
	})
}

// ResendNotification sends one notification again, with the same id (a
// receiver that kept it drops it), from a fresh retry schedule.
func (s *Store) ResendNotification(ctx context.Context, subscriptionID, notificationID, by string) error {
	return s.changeSubscription(ctx, subscriptionID, by, "subscription.resend", func(u *Unit, _ notify.Subscription, si SubscriptionInfo) (string, error) {
		var typ string
		err := u.QueryRowContext(u.Context(), "SELECT event_type FROM notifications WHERE id = ? AND subscription_id = ?",
			notificationID, subscriptionID).Scan(&typ)
		if errors.Is(err, sql.ErrNoRows) {
			return "", notFound("notification")
		}
		if err != nil {
			return "", err
		}
		if _, err := u.ExecContext(u.Context(), `UPDATE notifications SET attempts = 0, next_attempt_at = ?, delivered_at = NULL,
			failed_at = NULL WHERE id = ?`, micros(u.Now()), notificationID); err != nil {
			return "", err
		}
		u.touched.kinds |= touchedOutbox
		return fmt.Sprintf("Asked for notification %s (%s) to be sent again to %s", notificationID, typ, subjectOf(si)), nil
	})
}

// SendTestNotification queues a test notification on each channel of the
// subscription and writes it in the same unit as the log entry. A
// subscription with only an e-mail address, on a store that sends no
// e-mail (SendsEmail), has no channel left: that is a Conflict, and
// nothing is written (not even the log entry saying it was sent).
func (s *Store) SendTestNotification(ctx context.Context, subscriptionID, by string) error {
	return s.changeSubscription(ctx, subscriptionID, by, "subscription.test", func(u *Unit, sub notify.Subscription, si SubscriptionInfo) (string, error) {
		if len(subChannels(sub.CallbackURL, sub.Email, !u.s.emailOff.Load())) == 0 {
			return "", moves.Errorf(moves.Conflict, "%s", NothingToSend)
		}
		err := u.enqueue(u.Context(), subTarget{id: sub.ID, supplierID: sub.SupplierID, callbackURL: sub.CallbackURL, email: sub.Email},
			notify.Notification{EventType: TestEventType, CreatedAt: u.Now()})
		return "Sent a test notification to " + subjectOf(si), err
	})
}

// NothingToSend is why SendTestNotification refused.
const NothingToSend = "Nothing to send: this subscription has only an e-mail address and this server sends no e-mail"

func subjectOf(si SubscriptionInfo) string {
	what := si.CallbackURL
	if what == "" {
		what = si.Email
	}
	return fmt.Sprintf("%s (%s)", si.ID, what)
}
