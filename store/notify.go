package store

import (
	"context"
	"strconv"
	"strings"
)

// On PostgreSQL each commit of the writer tells the other instances what
// it touched, so that they drop only what it made stale, as the instance
// itself does (version.go): the payload of a notification sent inside the
// transaction, which PostgreSQL delivers when, and only if, it commits.
// A payload names the sender (its own notifications it ignores), the
// kinds touched, and the moves and places; one that would not fit in a
// notification (8000 bytes) says "everything" instead.
const maxPayload = 7900

// encodeTouched writes a payload: sender, kinds, moves, places, separated
// by tabs, the ids by commas.
func encodeTouched(self string, t touched) string {
	var b strings.Builder
	b.WriteString(self)
	b.WriteByte('\t')
	b.WriteString(strconv.Itoa(int(t.kinds)))
	b.WriteByte('\t')
	b.WriteString(strings.Join(t.moves, ","))
	b.WriteByte('\t')
	b.WriteString(strings.Join(t.places, ","))
	if b.Len() > maxPayload {
		return self + "\t" + strconv.Itoa(int(touchedAll)) + "\t\t"
	}
	return b.String()
}

// decodeTouched reads a payload. A payload it cannot read (another
// version's, or the driver's plain "something changed", which is the
// sender alone) counts as everything.
func decodeTouched(payload string) (sender string, t touched) {
	parts := strings.Split(payload, "\t")
	if len(parts) != 4 {
		return parts[0], touched{kinds: touchedAll}
	}
	k, err := strconv.Atoi(parts[1])
	if err != nil || k < 0 || k > 255 {
		return parts[0], touched{kinds: touchedAll}
	}
	t.kinds = touchedKind(k)
	if parts[2] != "" {
		t.moves = strings.Split(parts[2], ",")
	}
	if parts[3] != "" {
		t.places = strings.Split(parts[3], ",")
	}
	return parts[0], t
}

// notifyTouched sends, inside the writer's transaction, what it touched
// (PostgreSQL only; on SQLite other processes watch data_version).
func (s *Store) notifyTouched(ctx context.Context, tx *txStmts, t touched) error {
	if s.notify == nil {
		return nil
	}
	// Through the transaction itself, not a prepared statement: the
	// connection sees the notification go and sends no plain one of its
	// own at the commit (pgdriver.go).
	_, err := tx.Tx.ExecContext(ctx, "SELECT pg_notify(?, ?)", s.notify.channel, encodeTouched(s.notify.payload, t))
	return err
}

// heard applies another instance's notification.
func (s *Store) heard(payload string) {
	sender, t := decodeTouched(payload)
	if sender == s.notify.payload {
		return // our own commit: its versions moved on already
	}
	s.w.apply(t)
}
