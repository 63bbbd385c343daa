package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// MaxLiveSecrets is how many secrets a client may hold at once: two, so
// that a supplier can move to a new secret without downtime.
const MaxLiveSecrets = 2

// APIClient is a system allowed to call the supplier API with OAuth2
// client credentials. A client with a supplier sees and changes only the
// moves its supplier serves; an internal client (no supplier) sees all.
type APIClient struct {
	ID           string // the public client_id
	Name         string
	SupplierID   string // "" for an internal client
	SupplierKey  string
	SupplierName string
	Disabled     bool
	DisabledAt   *time.Time
	CreatedAt    time.Time
	CreatedBy    string
	// Secrets are the client's secrets, oldest first (Client and Clients
	// fill them in).
	Secrets []ClientSecret
}

// Internal reports whether the client belongs to no supplier.
func (c APIClient) Internal() bool { return c.SupplierID == "" }

// LiveSecrets returns the secrets not yet retired, oldest first.
func (c APIClient) LiveSecrets() []ClientSecret {
	var out []ClientSecret
	for _, s := range c.Secrets {
		if s.Live() {
			out = append(out, s)
		}
	}
	return out
}

// ClientSecret is one of a client's secrets, without the secret itself:
// only its hash is stored.
type ClientSecret struct {
	ID        string
	Hint      string // the secret's last four characters
	CreatedAt time.Time
	RetiredAt *time.Time
}

// Live reports whether the secret still works.
func (s ClientSecret) Live() bool { return s.RetiredAt == nil }

// NewClient is what an administrator gives to create a client.
type NewClient struct {
	Name string
	// Supplier is the supplier's key or id; "" makes an internal client.
	Supplier  string
	CreatedBy string
}

// randomSecret returns 32 random bytes, base64url-encoded (43 characters).
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is how secrets and tokens are stored. Both are 256 random
// bits, so a plain SHA-256 cannot be reversed by guessing; a slow hash
// (bcrypt) would add nothing but a cost on every token request.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func secretHint(s string) string {
	if len(s) < 4 {
		return s
	}
	return s[len(s)-4:]
}

const clientCols = `c.id, c.name, COALESCE(c.supplier_id,''), COALESCE(sp.key,''), COALESCE(sp.name,''), c.disabled_at, c.created_at, c.created_by`

const clientFrom = ` FROM api_clients c LEFT JOIN suppliers sp ON sp.id = c.supplier_id`

func scanClient(sc interface{ Scan(...any) error }, extra ...any) (APIClient, error) {
	var c APIClient
	var disabled sql.NullInt64
	var created int64
	dest := []any{&c.ID, &c.Name, &c.SupplierID, &c.SupplierKey, &c.SupplierName, &disabled, &created, &c.CreatedBy}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return c, err
	}
	c.DisabledAt = nullTime(disabled)
	c.Disabled = disabled.Valid
	c.CreatedAt = fromMicros(created)
	return c, nil
}

// CreateClient creates a client with one secret and returns the secret:
// the only time it is ever available, since only its hash is kept.
func (s *Store) CreateClient(ctx context.Context, nc NewClient) (APIClient, string, error) {
	var fe moves.FieldErrors
	name := strings.TrimSpace(nc.Name)
	if name == "" {
		fe.Add("name", "blank", "Enter a name for the client")
	} else if len(name) > 100 {
		fe.Add("name", "too_long", "The name must be 100 characters or fewer")
	}
	var sp moves.Supplier
	if key := strings.TrimSpace(nc.Supplier); key != "" {
		var err error
		if sp, err = s.Supplier(ctx, key); err != nil {
			if moves.ErrorCode(err) != moves.NotFound {
				return APIClient{}, "", err
			}
			fe.Add("supplier", "not_found", fmt.Sprintf("There is no supplier %q", key))
		}
	}
	if len(fe) > 0 {
		return APIClient{}, "", moves.InvalidFields(fe)
	}
	prefix := "internal"
	if sp.ID != "" {
		prefix = sp.Key
	}
	idb := make([]byte, 8)
	if _, err := rand.Read(idb); err != nil {
		return APIClient{}, "", err
	}
	secret, err := randomSecret()
	if err != nil {
		return APIClient{}, "", err
	}
	now := s.Now().UTC()
	c := APIClient{ID: prefix + "-" + hex.EncodeToString(idb), Name: name, SupplierID: sp.ID, SupplierKey: sp.Key,
		SupplierName: sp.Name, CreatedAt: now, CreatedBy: nc.CreatedBy}
	sec := ClientSecret{ID: uuid.NewString(), Hint: secretHint(secret), CreatedAt: now}
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		// New rows: no token kept in memory is made stale.
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_clients (id, name, supplier_id, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
			c.ID, c.Name, nullStr(c.SupplierID), micros(now), c.CreatedBy); err != nil {
			return fmt.Errorf("store: create client: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO client_secrets (id, client_id, secret_hash, hint, created_at) VALUES (?, ?, ?, ?, ?)`,
			sec.ID, c.ID, hashSecret(secret), sec.Hint, micros(now))
		return err
	})
	if err != nil {
		return APIClient{}, "", err
	}
	c.Secrets = []ClientSecret{sec}
	return c, secret, nil
}

// Client returns one client with its secrets.
func (s *Store) Client(ctx context.Context, id string) (APIClient, error) {
	c, err := scanClient(s.r.QueryRowContext(ctx, "SELECT "+clientCols+clientFrom+" WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("API client")
	}
	if err != nil {
		return c, fmt.Errorf("store: client: %w", err)
	}
	secrets, err := s.clientSecrets(ctx, []string{c.ID})
	c.Secrets = secrets[c.ID]
	return c, err
}

// Clients lists every client with its secrets: live clients first, then
// by supplier and name.
func (s *Store) Clients(ctx context.Context) ([]APIClient, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+clientCols+clientFrom+
		" ORDER BY c.disabled_at IS NOT NULL, COALESCE(sp.name, ''), c.name COLLATE NOCASE, c.created_at")
	if err != nil {
		return nil, fmt.Errorf("store: clients: %w", err)
	}
	defer rows.Close()
	var out []APIClient
	var ids []string
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		ids = append(ids, c.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	secrets, err := s.clientSecrets(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Secrets = secrets[out[i].ID]
	}
	return out, nil
}

func (s *Store) clientSecrets(ctx context.Context, ids []string) (map[string][]ClientSecret, error) {
	out := map[string][]ClientSecret{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT client_id, id, hint, created_at, retired_at FROM client_secrets
		WHERE client_id IN (`+placeholders(len(ids))+`) ORDER BY created_at, rowid`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: client secrets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid string
		var sec ClientSecret
		var created int64
		var retired sql.NullInt64
		if err := rows.Scan(&cid, &sec.ID, &sec.Hint, &created, &retired); err != nil {
			return nil, err
		}
		sec.CreatedAt = fromMicros(created)
		sec.RetiredAt = nullTime(retired)
		out[cid] = append(out[cid], sec)
	}
	return out, rows.Err()
}

// liveClient loads a client inside a transaction and refuses a missing or
// disabled one.
func liveClient(ctx context.Context, tx *sql.Tx, id string) error {
	var disabled sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT disabled_at FROM api_clients WHERE id = ?", id).Scan(&disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("API client")
	}
	if err != nil {
		return err
	}
	if disabled.Valid {
		return moves.Errorf(moves.Conflict, "the client %s is disabled", id)
	}
	return nil
}

// RotateClientSecret adds a second live secret to a client and returns
// it (the only time it is available). A client already holding two live
// secrets must retire the older first.
func (s *Store) RotateClientSecret(ctx context.Context, clientID string) (string, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", err
	}
	now := s.Now().UTC()
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		// New rows: no token kept in memory is made stale.
		if err := liveClient(ctx, tx, clientID); err != nil {
			return err
		}
		var live int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM client_secrets WHERE client_id = ? AND retired_at IS NULL", clientID).Scan(&live); err != nil {
			return err
		}
		if live >= MaxLiveSecrets {
			return moves.Errorf(moves.Conflict, "the client %s already has %d live secrets; retire the older one first", clientID, live)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO client_secrets (id, client_id, secret_hash, hint, created_at) VALUES (?, ?, ?, ?, ?)`,
			uuid.NewString(), clientID, hashSecret(secret), secretHint(secret), micros(now))
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// RetireOlderSecret retires the older of a client's two live secrets once
// the supplier has moved to the newer one: it no longer gets tokens, and
// tokens issued with it stop working. A client keeps at least one live
// secret; to stop a client altogether, disable it.
func (s *Store) RetireOlderSecret(ctx context.Context, clientID string) (ClientSecret, error) {
	var out ClientSecret
	now := s.Now().UTC()
	err := s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchAuth()
		if err := liveClient(ctx, tx, clientID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, hint, created_at FROM client_secrets WHERE client_id = ? AND retired_at IS NULL
			ORDER BY created_at, rowid`, clientID)
		if err != nil {
			return err
		}
		var live []ClientSecret
		for rows.Next() {
			var sec ClientSecret
			var created int64
			if err := rows.Scan(&sec.ID, &sec.Hint, &created); err != nil {
				rows.Close()
				return err
			}
			sec.CreatedAt = fromMicros(created)
			live = append(live, sec)
		}
		rows.Close()
		if len(live) < 2 {
			return moves.Errorf(moves.Conflict, "the client %s has only one live secret, which it needs; rotate first", clientID)
		}
		out = live[0]
		out.RetiredAt = &now
		if _, err := tx.ExecContext(ctx, "UPDATE client_secrets SET retired_at = ? WHERE id = ?", micros(now), out.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE access_tokens SET revoked_at = ? WHERE secret_id = ? AND revoked_at IS NULL", micros(now), out.ID)
		return err
	})
	return out, err
}

// DisableClient stops a client: it gets no more tokens and the tokens it
// holds stop working at once. Disabling a disabled client does nothing.
func (s *Store) DisableClient(ctx context.Context, clientID string) error {
	now := s.Now().UTC()
	return s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchAuth()
		res, err := tx.ExecContext(ctx, "UPDATE api_clients SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?", micros(now), clientID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("API client")
		}
		_, err = tx.ExecContext(ctx, "UPDATE access_tokens SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL", micros(now), clientID)
		return err
	})
}

// errInvalidClient is the one answer to every failed client
// authentication, whichever part was wrong.
var errInvalidClient = moves.Errorf(moves.Unauthorized, "invalid client")

// AuthenticateClient checks a client's credentials: the client must exist,
// not be disabled, and the secret must be one of its live secrets. It
// returns the client and the id of the secret used.
func (s *Store) AuthenticateClient(ctx context.Context, clientID, secret string) (APIClient, string, error) {
	if clientID == "" || secret == "" {
		return APIClient{}, "", errInvalidClient
	}
	var secretID string
	c, err := scanClient(s.r.QueryRowContext(ctx, "SELECT "+clientCols+", cs.id"+clientFrom+
		` JOIN client_secrets cs ON cs.client_id = c.id
		WHERE c.id = ? AND cs.secret_hash = ? AND cs.retired_at IS NULL AND c.disabled_at IS NULL`, clientID, hashSecret(secret)), &secretID)
	if errors.Is(err, sql.ErrNoRows) {
		return APIClient{}, "", errInvalidClient
	}
	if err != nil {
		return APIClient{}, "", fmt.Errorf("store: authenticate client: %w", err)
	}
	return c, secretID, nil
}

// IssueToken stores a new access token for a client, valid from now for
// ttl, and returns it: only its hash is kept. Expired tokens are cleared
// out on the way.
func (s *Store) IssueToken(ctx context.Context, clientID, secretID string, now time.Time, ttl time.Duration) (string, time.Time, error) {
	token, err := randomSecret()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := now.Add(ttl).UTC()
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		// New rows: no token kept in memory is made stale.
		if err := liveClient(ctx, tx, clientID); err != nil {
			return err
		}
		// Tokens a day past their expiry are no use to anyone.
		if _, err := tx.ExecContext(ctx, "DELETE FROM access_tokens WHERE expires_at < ?", micros(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO access_tokens (token_hash, client_id, secret_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashSecret(token), clientID, nullStr(secretID), micros(now), micros(expires))
		return err
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return token, expires, nil
}

// ClientForToken returns the client an access token was issued to, if the
// token is known, unexpired at now and not revoked, and the client is not
// disabled. Anything else is Unauthorized.
//
// Every API request asks, so tokens found are kept in memory (by hash,
// until they expire) for as long as no token is revoked and no client
// disabled: the auth version moves on when one is (TouchAuth).
func (s *Store) ClientForToken(ctx context.Context, token string, now time.Time) (APIClient, error) {
	if token == "" {
		return APIClient{}, moves.Errorf(moves.Unauthorized, "Token invalid")
	}
	hash := hashSecret(token)
	v := s.w.v.auth.Load()
	if t, ok := s.tokens.get(hash, v); ok && now.Before(t.expires) {
		return t.client, nil
	}
	var expires int64
	c, err := scanClient(s.r.QueryRowContext(ctx, "SELECT "+clientCols+", t.expires_at"+clientFrom+
		` JOIN access_tokens t ON t.client_id = c.id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND c.disabled_at IS NULL`, hash, micros(now)), &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return APIClient{}, moves.Errorf(moves.Unauthorized, "Token invalid")
	}
	if err != nil {
		return APIClient{}, fmt.Errorf("store: token: %w", err)
	}
	s.tokens.put(hash, v, tokenEntry{client: c, expires: fromMicros(expires)})
	return c, nil
}

// RevokeToken revokes an access token at its client's request (RFC 7009).
// A token that is unknown, already revoked or another client's is left
// as it is, and the answer is the same: nothing is learnt of other
// clients' tokens.
func (s *Store) RevokeToken(ctx context.Context, clientID, token string) error {
	if token == "" {
		return nil
	}
	return s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchAuth()
		_, err := tx.ExecContext(ctx, "UPDATE access_tokens SET revoked_at = ? WHERE token_hash = ? AND client_id = ? AND revoked_at IS NULL",
			micros(s.Now().UTC()), hashSecret(token), clientID)
		return err
	})
}

// tokenEntry is a token found: its client and when it expires.
type tokenEntry struct {
	client  APIClient
	expires time.Time
}

// changedElsewhere is called when another process has committed: nothing
// kept in memory can be trusted.
func (s *Store) changedElsewhere() {
	s.w.changedAll()
}
