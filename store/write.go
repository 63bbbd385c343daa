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

// sweepEvery is how often expired keys are deleted, inside a keyed write.
const sweepEvery = time.Minute

// Key is an Idempotency-Key: a client's key for one request, identified
// by its fingerprint (a hash of what the request asks).
type Key struct {
	Client, Key, Fingerprint string
}

// WriteOptions qualify Write.
type WriteOptions struct {
	// Idempotency, when set, makes the write happen at most once per
	// client and key: see Write.
	Idempotency *Key
}

// Answer is what a write answered: an HTTP status, content type and body,
// kept with its Idempotency-Key.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
	// Replayed: the answer is the one kept from the first time the
	// request was made; nothing was done again.
	Replayed bool
}

// ErrKeyReused is Write's error for an Idempotency-Key used before (within
// IdempotencyTTL) for a different request.
var ErrKeyReused = errors.New("store: idempotency key already used for a different request")

// Write runs fn as one unit of work (unit.go): fn makes the change through
// u (and store methods called with u.Context()) and renders its answer;
// the change, its rows and, with opt.Idempotency, the answer kept for the
// key, commit together or not at all. If fn fails, nothing it wrote is
// kept, and Write returns fn's answer with the error, for the caller to
// send.
//
// With a key, the key is looked up inside the same transaction: a request
// made before with the same key and fingerprint gets its kept answer
// (Replayed) and nothing runs; another fingerprint is ErrKeyReused. As the
// key is kept only with a committed change, a retry after a crash finds
// either the answer (the change committed) or nothing (it did not, and the
// request runs now); two requests with one key are serialised (by
// SQLite's single writer; on PostgreSQL by a lock on the key), so the
// second replays the first. Key bookkeeping touches
// nothing: no version moves for it.
func (s *Store) Write(ctx context.Context, opt WriteOptions, fn func(u *Unit) (Answer, error)) (Answer, error) {
	var ans Answer
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		k := opt.Idempotency
		now := u.Now()
		if k != nil {
			// Instances sharing a PostgreSQL database each have a writer:
			// the key is locked until the commit, so a second instance
			// given the same key waits, then finds the first's answer.
			if err := s.eng.lockKey(ctx, u, "idempotency", k.Client+"\n"+k.Key); err != nil {
				return err
			}
			kept, found, err := u.keptAnswer(k, now)
			if err != nil {
				return err
			}
			if found {
				ans = kept
				return nil
			}
		}
		a, err := fn(u)
		ans = a
		if err != nil || k == nil {
			return err
		}
		// The key is kept with the change; a row left from an expired use
		// of the key gives way.
		// (An upsert both engines read alike.)
		if _, err := u.ExecContext(ctx, `INSERT INTO idempotency_keys (client_id, key, fingerprint, status, body, content_type, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (client_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
				body = excluded.body, content_type = excluded.content_type, created_at = excluded.created_at`, k.Client, k.Key, k.Fingerprint, a.Status, a.Body, a.ContentType, micros(now)); err != nil {
			return err
		}
		if last := s.sweptKeys.Load(); now.UnixMicro()-last > sweepEvery.Microseconds() && s.sweptKeys.CompareAndSwap(last, now.UnixMicro()) {
			if _, err := u.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < ?", micros(now.Add(-IdempotencyTTL))); err != nil {
				return err
			}
		}
		return nil
	})
	return ans, err
}

// keptAnswerQuery finds a key's kept answer. On SQLite it reads the key's
// narrow unique index, and the row only when the key is known (migration
// 0024): a new key, the usual case, costs the index alone.
const keptAnswerQuery = `SELECT fingerprint, status, body, content_type FROM idempotency_keys
	WHERE client_id = ? AND key = ? AND created_at >= ?`

// keptAnswer looks a key up: its answer if the same request was answered
// within IdempotencyTTL, ErrKeyReused if another was.
func (u *Unit) keptAnswer(k *Key, now time.Time) (Answer, bool, error) {
	var fp string
	var status sql.NullInt64
	var body []byte
	var ctype sql.NullString
	err := u.QueryRowContext(u.Context(), keptAnswerQuery, k.Client, k.Key, micros(now.Add(-IdempotencyTTL))).Scan(&fp, &status, &body, &ctype)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Answer{}, false, nil
	case err != nil:
		return Answer{}, false, err
	case fp != k.Fingerprint:
		return Answer{}, false, ErrKeyReused
	case !status.Valid:
		// A claim left by an older version of the service, which claimed
		// keys before answering: its request never finished (claims and
		// answers are one transaction now), so this one runs.
		_, err := u.ExecContext(u.Context(), "DELETE FROM idempotency_keys WHERE client_id = ? AND key = ?", k.Client, k.Key)
		return Answer{}, false, err
	}
	if body == nil {
		body = []byte{}
	}
	return Answer{Status: int(status.Int64), ContentType: ctype.String, Body: body, Replayed: true}, true, nil
}
