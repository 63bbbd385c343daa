package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/notify"
)

// The outbox of "Tell suppliers" (issue 12). Every write of a move or of
// an event goes through createMoveTx, saveState, UpdateMoveDetails or
// appendTx, and each of those calls notifyChange inside its unit of work:
// the notification rows commit or roll back with the change they report,
// so a change acknowledged to anyone is never left unannounced, and no
// caller has to remember to enqueue them. The rules of who is told what
// are moves.NotificationType's.

// OnOutbox sets f to be called after every commit that wrote
// notifications (the delivery worker's Wake). f must not block.
func (s *Store) OnOutbox(f func()) {
	if f == nil {
		s.outboxHook.Store(nil)
		return
	}
	s.outboxHook.Store(&f)
}

func (s *Store) outboxWritten() {
	if f := s.outboxHook.Load(); f != nil {
		(*f)()
	}
}

// notifyChange writes the notifications of one change of move m (as it is
// after the change) for the enabled subscriptions of its supplier and, when
// the move crosses between suppliers, of its destination's supplier. ev is
// set for ChangeEvent.
func (u *Unit) notifyChange(ctx context.Context, change moves.Change, m moves.Move, ev *moves.Event) error {
	if m.Status == moves.StatusProposed {
		return nil // never told, whoever the suppliers are: skip the queries
	}
	// Every enabled subscription first (a handful at most): with none,
	// or none but the move's own supplier's, the destination's supplier
	// cannot be told, and is not looked for.
	r, err := u.recipients(ctx)
	if err != nil || len(r.subs) == 0 {
		return err
	}
	recipients := r.suppliersOf(m)
	subs := r.of(recipients...)
	now := u.Now()
	// What each subscription was last told of the move, read once, when
	// a notice's type can depend on it (moves.HeardOfMatters): not for an
	// event, by far the most, unless on a rejected proposal; nothing for
	// a move just created.
	rejected := m.Cancellation.Reason == "rejected"
	told := map[string]string{}
	if change != moves.ChangeCreated && moves.HeardOfMatters(change, m.Status, rejected) {
		if told, err = u.toldOf(ctx, m.ID); err != nil {
			return err
		}
	}
	if change != moves.ChangeEvent {
		// The change may have taken the move away from a supplier that
		// was told of it (a redirect away from the place it crossed to; a
		// new date on which another supplier serves its from-location or
		// destination): that supplier is told it is no longer theirs.
		for _, t := range r.subs {
			if moves.Introduces(told[t.id]) && !slices.ContainsFunc(subs, func(s subTarget) bool { return s.id == t.id }) {
				if err := u.enqueue(ctx, t, notify.Notification{EventType: moveRemoved, CreatedAt: now, MoveID: m.ID,
					MoveReference: m.Reference}); err != nil {
					return err
				}
			}
		}
	}
	for _, sub := range subs {
		// Told of the move and not since told it is no longer theirs.
		heard := moves.Introduces(told[sub.id])
		n := moves.Notice{Change: change, Status: m.Status, Own: sub.supplierID == m.SupplierID, HeardOf: heard, Recipient: sub.supplierID,
			Rejected: rejected}
		eventID := ""
		if ev != nil && change == moves.ChangeEvent {
			n.EventSupplierID, n.EventBy, n.EventType = ev.SupplierID, ev.CreatedBy, ev.Type
			eventID = ev.ID
		}
		typ := moves.NotificationType(n)
		if typ == "" {
			continue
		}
		if err := u.enqueue(ctx, sub, notify.Notification{EventType: typ, CreatedAt: now, MoveID: m.ID, MoveReference: m.Reference, EventID: eventID}); err != nil {
			return err
		}
	}
	return nil
}

// NotifyLodging tells of a lodging change (create_lodging,
// update_lodging, cancel_lodging), in the same unit of work as the
// change. The move's suppliers are told as for any change of the move:
// its own, and the destination's when the move crosses to another.
func (u *Unit) NotifyLodging(ctx context.Context, eventType, lodgingID string, m moves.Move) error {
	switch eventType {
	case "create_lodging", "update_lodging", "cancel_lodging":
	default:
		return fmt.Errorf("store: %q is not a lodging notification", eventType)
	}
	if m.Status == moves.StatusProposed {
		return nil
	}
	r, err := u.recipients(ctx)
	if err != nil || len(r.subs) == 0 {
		return err
	}
	for _, sub := range r.of(r.suppliersOf(m)...) {
		if err := u.enqueue(ctx, sub, notify.Notification{EventType: eventType, CreatedAt: u.Now(), MoveID: m.ID,
			MoveReference: m.Reference, LodgingID: lodgingID}); err != nil {
			return err
		}
	}
	return nil
}

type subTarget struct {
	id, supplierID, callbackURL, email string
}

// suppliersOf are the suppliers told of a change of move m, as upstream
// chooses them: the move's own supplier, and the supplier serving its
// destination on its date when that is another (a move that crosses
// between suppliers). The destination's is looked for only when some
// enabled subscription is of a supplier other than the move's own.
func (r *recipients) suppliersOf(m moves.Move) []string {
	out := make([]string, 0, 2)
	if m.SupplierID != "" {
		out = append(out, m.SupplierID)
	}
	others := slices.ContainsFunc(r.subs, func(t subTarget) bool { return t.supplierID != m.SupplierID })
	if m.ToID != "" && others {
		day := m.Date
		if day == "" {
			day = m.DateFrom
		}
		if other := r.supplierFor(m.ToID, day); other != "" && !slices.Contains(out, other) {
			out = append(out, other)
		}
	}
	return out
}

// moveRemoved tells a supplier that a move it was told of is no longer
// its to carry out or receive, as upstream tells the supplier a move no
// longer crosses to.
const moveRemoved = "cross_supplier_move_remove"

// toldQuery's event_type term is the partial index notifications_told's
// condition, word for word (migration 0025).
const toldQuery = `SELECT subscription_id, event_type FROM notifications WHERE move_id = ?
	AND event_type IN ('create_move','cross_supplier_move_add','cross_supplier_move_remove') ORDER BY id`

// toldOf returns, by subscription, the last notification that introduced
// a move to it (create_move, cross_supplier_move_add) or took it away
// (cross_supplier_move_remove): those written, then those of the units
// before this one in the batch and this unit's own, which are later.
func (u *Unit) toldOf(ctx context.Context, moveID string) (map[string]string, error) {
	last := map[string]string{}
	rows, err := u.QueryContext(ctx, toldQuery, moveID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var sub, typ string
		if err := rows.Scan(&sub, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		last[sub] = typ
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	pending := func(ns []notify.Notification) {
		for _, n := range ns {
			if n.MoveID == moveID && (moves.Introduces(n.EventType) || n.EventType == moveRemoved) {
				last[n.SubscriptionID] = n.EventType
			}
		}
	}
	if u.batchNotes != nil {
		pending(*u.batchNotes)
	}
	pending(u.notes)
	return last, nil
}

// enqueue writes one notification per channel of the subscription: at
// the end of the writer's batch, in the same transaction (writeNotes), or
// not at all if this unit fails.
func (u *Unit) enqueue(ctx context.Context, sub subTarget, n notify.Notification) error {
	for _, ch := range subChannels(sub.callbackURL, sub.email, !u.s.emailOff.Load()) {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		n.ID, n.SubscriptionID, n.Channel = id.String(), sub.id, ch
		u.notes = append(u.notes, n)
	}
	u.touched.kinds |= touchedOutbox
	return nil
}

// notesPerInsert is the most rows one INSERT of writeNotes carries; it
// also writes 32, 16, …, 1 at a time, so that a handful of statements,
// kept by the writer, serve every count.
const notesPerInsert = 64

const noteCols = 10

// writeNotes inserts the notifications of a batch's units, many rows to a
// statement. One notification per event is most of what a subscription
// adds to the single writer's work; written with the event, inside its
// savepoint, each one was a statement of its own, and every page it
// touched was first copied to the savepoint's journal.
func writeNotes(ctx context.Context, tx *txStmts, notes []notify.Notification) error {
	args := make([]any, 0, notesPerInsert*noteCols)
	for len(notes) > 0 {
		k := notesPerInsert
		for k > len(notes) {
			k /= 2
		}
		args = args[:0]
		for _, n := range notes[:k] {
			args = append(args, n.ID, n.SubscriptionID, string(n.Channel), n.EventType, micros(n.CreatedAt), n.MoveID, n.MoveReference,
				n.EventID, n.LodgingID, micros(n.CreatedAt))
		}
		if _, err := tx.ExecContext(ctx, insertNotes[k], args...); err != nil {
			return fmt.Errorf("store: write notifications: %w", err)
		}
		notes = notes[k:]
	}
	return nil
}

// insertNotes holds the INSERT of k notifications at k = 1, 2, 4, …, 64.
var insertNotes = func() (qs [notesPerInsert + 1]string) {
	row := "(?" + strings.Repeat(",?", noteCols-1) + ")"
	for k := 1; k <= notesPerInsert; k *= 2 {
		qs[k] = `INSERT INTO notifications (id, subscription_id, channel, event_type, created_at, move_id, move_reference, event_id,
		lodging_id, next_attempt_at) VALUES ` + row + strings.Repeat(","+row, k-1)
	}
	return qs
}()

// subChannels are the channels a subscription is told by: e-mail only
// when this server sends it (SendsEmail).
func subChannels(callbackURL, email string, sendsEmail bool) []notify.Channel {
	var chs []notify.Channel
	if callbackURL != "" {
		chs = append(chs, notify.ChannelWebhook)
	}
	if email != "" && sendsEmail {
		chs = append(chs, notify.ChannelEmail)
	}
	return chs
}

// Outbox is the store as notify.Outbox: the worker claims and records
// through it.
type Outbox struct{ s *Store }

// Outbox returns the store's outbox for the delivery worker.
func (s *Store) Outbox() Outbox { return Outbox{s: s} }

var _ notify.Outbox = Outbox{}

const notificationCols = `n.id, n.subscription_id, n.channel, n.event_type, n.created_at, n.move_id, n.move_reference,
	n.event_id, n.lodging_id, n.attempts, n.next_attempt_at`

const subscriptionCols = `s.id, s.supplier_id, s.callback_url, s.email, s.sealed_secret, COALESCE(s.sealed_secret_next,''),
	s.basic_user, s.sealed_basic_password, s.enabled`

func scanNotification(sc interface{ Scan(...any) error }, extra ...any) (notify.Notification, int64, error) {
	var n notify.Notification
	var ch string
	var created, next int64
	err := sc.Scan(append([]any{&n.ID, &n.SubscriptionID, &ch, &n.EventType, &created, &n.MoveID, &n.MoveReference,
		&n.EventID, &n.LodgingID, &n.Attempts, &next}, extra...)...)
	n.Channel = notify.Channel(ch)
	n.CreatedAt = fromMicros(created)
	return n, next, err
}

func scanSubscription(sc interface{ Scan(...any) error }, extra ...any) (notify.Subscription, error) {
	var s notify.Subscription
	var first, next string
	var enabled int
	err := sc.Scan(append([]any{&s.ID, &s.SupplierID, &s.CallbackURL, &s.Email, &first, &next, &s.BasicUser,
		&s.SealedBasicPassword, &enabled}, extra...)...)
	s.SealedSecrets = []string{first}
	if next != "" {
		s.SealedSecrets = append(s.SealedSecrets, next)
	}
	s.Enabled = enabled == 1
	return s, err
}

// Claim implements notify.Outbox. Candidates are found on a read
// connection (polling costs no write): each subscription's earliest due,
// up to req.PerSubscription. Then all of them are leased in one unit of
// work by one statement, each only if it is still due, so two workers
// never take the same one, in one process or (PostgreSQL: FOR UPDATE SKIP
// LOCKED, then the same check) in several instances on one database.
func (o Outbox) Claim(ctx context.Context, req notify.ClaimRequest) ([]notify.Delivery, error) {
	if req.Limit <= 0 || len(req.Channels) == 0 {
		return nil, nil
	}
	per := max(req.PerSubscription, 1)
	s := o.s
	rows, err := s.r.QueryContext(ctx, "SELECT "+subscriptionCols+" FROM subscriptions s WHERE s.enabled = 1 ORDER BY s.id")
	if err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	var subs []notify.Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if !slices.Contains(req.Exclude, sub.ID) {
			subs = append(subs, sub)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	chq := "?" + strings.Repeat(",?", len(req.Channels)-1)
	var batches [][]notify.Delivery
	for _, sub := range subs {
		args := []any{sub.ID, micros(req.Now)}
		for _, c := range req.Channels {
			args = append(args, string(c))
		}
		args = append(args, per)
		batch, err := s.dueOf(ctx, sub, `SELECT `+notificationCols+` FROM notifications n
			WHERE n.subscription_id = ? AND n.delivered_at IS NULL AND n.failed_at IS NULL AND n.next_attempt_at <= ?
			AND n.channel IN (`+chq+`) ORDER BY n.next_attempt_at, n.id LIMIT ?`, args)
		if err != nil {
			return nil, fmt.Errorf("store: claim: %w", err)
		}
		if len(batch) > 0 {
			batches = append(batches, batch)
		}
	}
	if len(batches) == 0 {
		return nil, nil
	}
	// The longest waiting first, when there are more than the worker can take.
	slices.SortStableFunc(batches, func(a, b []notify.Delivery) int { return a[0].Due.Compare(b[0].Due) })
	if len(batches) > req.Limit {
		batches = batches[:req.Limit]
	}
	var ids []string
	for _, b := range batches {
		for _, d := range b {
			ids = append(ids, d.Notification.ID)
		}
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	// Several instances poll one database: on PostgreSQL a row another
	// instance is leasing right now is skipped, not waited for (the check
	// of next_attempt_at alone would be safe but would queue behind that
	// instance's transaction). Leased rows are no longer due, so a row is
	// taken at most once whoever asks.
	q := `UPDATE notifications SET next_attempt_at = ? WHERE id IN (SELECT value FROM json_each(?))
		AND next_attempt_at <= ? AND delivered_at IS NULL AND failed_at IS NULL RETURNING id`
	if s.eng.pg {
		q = `UPDATE notifications SET next_attempt_at = ? WHERE id IN (SELECT id FROM notifications
			WHERE id IN (SELECT jsonb_array_elements_text(CAST(? AS jsonb))) AND next_attempt_at <= ?
			AND delivered_at IS NULL AND failed_at IS NULL FOR UPDATE SKIP LOCKED) RETURNING id`
	}
	leased := map[string]bool{}
	err = s.unit(ctx, func(u *Unit) error {
		clear(leased)
		rows, err := u.QueryContext(u.Context(), q, micros(req.LeaseUntil), string(list), micros(req.Now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			leased[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim: %w", err)
	}
	out := make([]notify.Delivery, 0, len(leased))
	for _, b := range batches {
		for _, d := range b {
			if leased[d.Notification.ID] {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// dueOf reads one subscription's due notifications.
func (s *Store) dueOf(ctx context.Context, sub notify.Subscription, q string, args []any) ([]notify.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Delivery
	for rows.Next() {
		n, next, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, notify.Delivery{Notification: n, Subscription: sub, Due: fromMicros(next)})
	}
	return out, rows.Err()
}

// recorded is one attempt as the statement of Record reads it: the
// columns it sets, null where an outcome leaves one as it is.
type recorded struct {
	ID        string `json:"id"`
	Attempts  int    `json:"attempts"`
	At        int64  `json:"at"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	Next      *int64 `json:"next"`
	Delivered *int64 `json:"delivered"`
	Failed    *int64 `json:"failed"`
}

// Record implements notify.Outbox: one unit of work, and one statement
// for all the attempts whatever their number. When a move's own supplier
// has been sent the notification of its request (create_move), the move's
// log records MoveNotifySupplierOfMoveRequest, by the system, once.
func (o Outbox) Record(ctx context.Context, r notify.Results) error {
	s := o.s
	var recs []recorded
	var disable []notify.Attempt
	for _, a := range r.Attempts {
		rec := recorded{ID: a.NotificationID, Attempts: a.Number, At: micros(a.At), Status: a.Status, Error: a.Error}
		end := micros(a.At.Add(a.Duration))
		switch a.Outcome {
		case notify.Delivered:
			rec.Delivered = &end
		case notify.Retry:
			next := micros(a.NextAttemptAt)
			rec.Next = &next
		case notify.Failed:
			rec.Failed = &end
		case notify.Disabled:
			rec.Failed = &end
			disable = append(disable, a)
		default:
			return fmt.Errorf("store: unknown delivery outcome %q", a.Outcome)
		}
		recs = append(recs, rec)
	}
	attempts, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	type release struct {
		ID    string `json:"id"`
		Due   int64  `json:"due"`
		Lease int64  `json:"lease"`
	}
	var rels []release
	for _, rl := range r.Released {
		rels = append(rels, release{rl.NotificationID, micros(rl.Due), micros(rl.LeaseUntil)})
	}
	released, err := json.Marshal(rels)
	if err != nil {
		return err
	}
	// SQLite: a statement per row. It runs in process, so that costs no
	// round trips, and its planner would join a json_each the wrong way
	// round (every undelivered row for each attempt).
	setAttempt := `UPDATE notifications SET attempts = ?, last_attempt_at = ?, last_status = ?, last_error = ?,
		next_attempt_at = COALESCE(?, next_attempt_at), delivered_at = ?, failed_at = ?
		WHERE id = ? AND delivered_at IS NULL AND failed_at IS NULL`
	setReleased := `UPDATE notifications SET next_attempt_at = ?
		WHERE id = ? AND next_attempt_at = ? AND delivered_at IS NULL AND failed_at IS NULL`
	var setAttempts string
	if s.eng.pg {
		// PostgreSQL: one statement for the lot, one round trip each.
		setAttempts = `UPDATE notifications SET attempts = j.attempts, last_attempt_at = j.at, last_status = j.status,
			last_error = j.error, next_attempt_at = COALESCE(j.next, notifications.next_attempt_at),
			delivered_at = j.delivered, failed_at = j.failed
			FROM jsonb_to_recordset(CAST(? AS jsonb)) AS j(id text, attempts integer, at bigint, status integer,
				error text, next bigint, delivered bigint, failed bigint)
			WHERE notifications.id = j.id AND notifications.delivered_at IS NULL AND notifications.failed_at IS NULL
			RETURNING notifications.id, notifications.delivered_at IS NOT NULL`
		setReleased = `UPDATE notifications SET next_attempt_at = j.due
			FROM jsonb_to_recordset(CAST(? AS jsonb)) AS j(id text, due bigint, lease bigint)
			WHERE notifications.id = j.id AND notifications.next_attempt_at = j.lease
			AND notifications.delivered_at IS NULL AND notifications.failed_at IS NULL`
	}
	return s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		for _, a := range disable {
			if err := disableSubscription(ctx, u, a.SubscriptionID, a.At.Add(a.Duration), "receiver answered 410 Gone"); err != nil {
				return err
			}
		}
		var delivered []string
		switch {
		case len(recs) == 0:
		case s.eng.pg:
			rows, err := u.QueryContext(ctx, setAttempts, string(attempts))
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				var done bool
				if err := rows.Scan(&id, &done); err != nil {
					rows.Close()
					return err
				}
				if done {
					delivered = append(delivered, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		default:
			for _, r := range recs {
				res, err := u.ExecContext(ctx, setAttempt, r.Attempts, r.At, r.Status, r.Error, r.Next, r.Delivered, r.Failed, r.ID)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 1 && r.Delivered != nil {
					delivered = append(delivered, r.ID)
				}
			}
		}
		switch {
		case len(rels) == 0:
		case s.eng.pg:
			if _, err := u.ExecContext(ctx, setReleased, string(released)); err != nil {
				return err
			}
		default:
			for _, rl := range rels {
				if _, err := u.ExecContext(ctx, setReleased, rl.Due, rl.ID, rl.Lease); err != nil {
					return err
				}
			}
		}
		return u.noteRequestsDelivered(ctx, delivered)
	})
}

// noteRequestsDelivered looks, among the notifications just recorded as
// delivered (not those delivered before), for ones that told a move's own
// supplier of its request.
func (u *Unit) noteRequestsDelivered(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	in := "SELECT value FROM json_each(?)"
	if u.s.eng.pg {
		in = "SELECT jsonb_array_elements_text(CAST(? AS jsonb))"
	}
	rows, err := u.QueryContext(ctx, `SELECT n.move_id, s.supplier_id FROM notifications n
		JOIN subscriptions s ON s.id = n.subscription_id WHERE n.id IN (`+in+`) AND n.event_type = 'create_move'`, string(list))
	if err != nil {
		return err
	}
	type told struct{ move, supplier string }
	var found []told
	for rows.Next() {
		var t told
		if err := rows.Scan(&t.move, &t.supplier); err != nil {
			rows.Close()
			return err
		}
		found = append(found, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range found {
		if err := u.noteRequestDelivered(ctx, t.move, t.supplier); err != nil {
			return err
		}
	}
	return nil
}

// noteRequestDelivered appends MoveNotifySupplierOfMoveRequest when a
// delivered create_move notification told the move's own supplier (the
// subscription's) of its request: once for each supplier the move is with,
// as a new date can hand it to another, which is sent the request in its
// turn. The event keeps the supplier told (the move's, checked here; see
// appendTx), so that its entry still names that one when the move passes
// to another; its supplier_id stays empty, as the service, not that
// supplier's client, recorded it. (An event written before the supplier
// was kept counts as the move's whichever it was: none is added after
// it.) A refusal of the event (the move has moved on) does not undo the
// delivery's record.
func (u *Unit) noteRequestDelivered(ctx context.Context, moveID, subSupplier string) error {
	if moveID == "" {
		return nil
	}
	// Locked (PostgreSQL; SQLite has one writer): a new date that hands
	// the move to another supplier, committed between this check and the
	// event appended below, would have the entry name that supplier as
	// the one sent the request.
	m, err := u.s.lockMove(ctx, u.tx, moveID)
	if err != nil || m.SupplierID != subSupplier {
		return nil
	}
	var one int
	err = u.QueryRowContext(ctx, `SELECT 1 FROM events WHERE move_id = ? AND event_type = ?
		AND (move_supplier_id = ? OR move_supplier_id IS NULL) LIMIT 1`,
		moveID, string(moves.EventMoveNotifySupplierOfMoveRequest), subSupplier).Scan(&one)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	now := u.Now().UTC()
	_ = u.Savepoint(func(u *Unit) error {
		_, _, err := u.s.AppendEvent(u.Context(), moves.Event{Type: moves.EventMoveNotifySupplierOfMoveRequest, MoveID: moveID,
			OccurredAt: now, RecordedAt: now, CreatedBy: moves.SystemActor, Notes: "Notification delivered"},
			AppendOptions{By: moves.SystemActor})
		return err
	})
	return nil
}

// disableSubscription turns a subscription off: its receiver answered
// 410 Gone.
func disableSubscription(ctx context.Context, u *Unit, subscriptionID string, at time.Time, reason string) error {
	_, err := u.ExecContext(ctx, `UPDATE subscriptions SET enabled = 0, disabled_at = ?, disabled_reason = ?,
		updated_at = ?, updated_by = ? WHERE id = ?`, micros(at), reason, micros(at), moves.SystemActor, subscriptionID)
	return err
}

// undeliveredQuery reads the partial index notifications_due, and each
// enabled subscription once.
const undeliveredQuery = `SELECT COUNT(*), MIN(n.created_at) FROM notifications n
	JOIN subscriptions s ON s.id = n.subscription_id AND s.enabled = 1
	WHERE n.delivered_at IS NULL AND n.failed_at IS NULL AND (n.channel <> 'email' OR ? = 1)`

// SendsEmail says whether this server sends e-mail. When it does not (no
// SMTP configured), e-mail notifications are not written, rather than
// kept for a server that may never send them, and those written before
// are not counted as waiting. Every instance sharing a database should
// say the same.
func (s *Store) SendsEmail(on bool) { s.emailOff.Store(!on) }

// Undelivered feeds the metrics' outbox gauges (metrics.OutboxStats):
// notifications waiting for delivery (neither delivered nor given up, of
// an enabled subscription, by a channel this server sends), and when the
// oldest was written (zero when none). A disabled subscription's
// notifications wait for it to be enabled again, so they do not age the
// outbox.
func (o Outbox) Undelivered() (count int, oldest time.Time, err error) {
	var min sql.NullInt64
	err = o.s.r.QueryRowContext(context.Background(), undeliveredQuery, boolInt(!o.s.emailOff.Load())).Scan(&count, &min)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	if min.Valid {
		oldest = fromMicros(min.Int64)
	}
	return count, oldest, nil
}
