package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// IdempotencyTTL is how long the answer to a request sent with an
// Idempotency-Key is kept.
const IdempotencyTTL = 24 * time.Hour

// idempotencyStale is how long a request may stay unanswered before
// another with the same key may take its place (the first one crashed).
const idempotencyStale = 2 * time.Minute

// IdempotencyOutcome says what to do with a request that carries a key.
type IdempotencyOutcome int

const (
	// IdempotencyNew: the key is new (or expired); answer the request and
	// record the answer with FinishIdempotent or forget the key with
	// AbandonIdempotent.
	IdempotencyNew IdempotencyOutcome = iota
	// IdempotencyReplay: the same request was answered before; send the
	// stored answer again.
	IdempotencyReplay
	// IdempotencyMismatch: the key was used for a different request.
	IdempotencyMismatch
	// IdempotencyInProgress: the same key is being answered right now.
	IdempotencyInProgress
)

// IdempotentAnswer is a stored answer.
type IdempotentAnswer struct {
	Status      int
	Body        []byte
	ContentType string
}

// BeginIdempotent claims a client's key for a request, identified by its
// fingerprint, or says why it cannot: keys are per client, and kept for
// IdempotencyTTL from their first use.
func (s *Store) BeginIdempotent(ctx context.Context, clientID, key, fingerprint string, now time.Time) (IdempotencyOutcome, IdempotentAnswer, error) {
	var outcome IdempotencyOutcome
	var ans IdempotentAnswer
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < ?", micros(now.Add(-IdempotencyTTL))); err != nil {
			return err
		}
		var fp string
		var status sql.NullInt64
		var body []byte
		var ctype sql.NullString
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT fingerprint, status, body, content_type, created_at FROM idempotency_keys
			WHERE client_id = ? AND key = ?`, clientID, key).Scan(&fp, &status, &body, &ctype, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			outcome = IdempotencyNew
			_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (client_id, key, fingerprint, created_at) VALUES (?, ?, ?, ?)`,
				clientID, key, fingerprint, micros(now))
			return err
		case err != nil:
			return err
		case fp != fingerprint:
			outcome = IdempotencyMismatch
		case status.Valid:
			outcome = IdempotencyReplay
			ans = IdempotentAnswer{Status: int(status.Int64), Body: body, ContentType: ctype.String}
		case now.Sub(fromMicros(created)) > idempotencyStale:
			// The first attempt never finished: this one takes over.
			outcome = IdempotencyNew
			_, err := tx.ExecContext(ctx, "UPDATE idempotency_keys SET created_at = ? WHERE client_id = ? AND key = ?", micros(now), clientID, key)
			return err
		default:
			outcome = IdempotencyInProgress
		}
		return nil
	})
	return outcome, ans, err
}

// FinishIdempotent records the answer to a request whose key was claimed.
func (s *Store) FinishIdempotent(ctx context.Context, clientID, key string, a IdempotentAnswer) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE idempotency_keys SET status = ?, body = ?, content_type = ? WHERE client_id = ? AND key = ?",
			a.Status, a.Body, a.ContentType, clientID, key)
		return err
	})
}

// AbandonIdempotent forgets a claimed key whose request failed in a way
// worth retrying, so that the same key may be sent again.
func (s *Store) AbandonIdempotent(ctx context.Context, clientID, key string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE client_id = ? AND key = ? AND status IS NULL", clientID, key)
		return err
	})
}
