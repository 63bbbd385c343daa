package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
	"golang.org/x/crypto/bcrypt"
)

// User is a person who signs in to the staff app.
type User struct {
	ID           string
	Username     string
	FullName     string
	Role         moves.Role
	SupplierID   string
	LocationIDs  []string
	PasswordHash string
	Disabled     bool
	// SessionGeneration is the generation of the user's sessions: a
	// session signed in under an older one has ended (EndSessions).
	SessionGeneration int64
}

// bcryptCost is a variable so tests can make hashing cheap.
var bcryptCost = 12

// SetBcryptCostForTests lowers the hashing cost; only tests call it.
func SetBcryptCostForTests(c int) { bcryptCost = c }

// HashPassword returns a slow, salted hash of pw.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	return string(h), err
}

// CheckPassword reports whether pw matches hash, taking the same time for
// an unknown user (pass an empty hash) as for a wrong password.
func CheckPassword(hash, pw string) bool {
	if hash == "" {
		// Compare against a fixed hash so a missing user costs the same.
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

var dummy []byte

func dummyHash() []byte {
	if dummy == nil {
		dummy, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcryptCost)
	}
	return dummy
}

// CreateUser adds a user with a password, filling in its id.
func (s *Store) CreateUser(ctx context.Context, u *User, password string) error {
	var fe moves.FieldErrors
	if strings.TrimSpace(u.Username) == "" {
		fe.Add("username", "blank", "Enter a username")
	}
	if strings.TrimSpace(u.FullName) == "" {
		fe.Add("full_name", "blank", "Enter the user's full name")
	}
	if !u.Role.Valid() {
		fe.Add("role", "inclusion", "Choose a role")
	}
	if msg := moves.CheckPassword(password, u.Username); msg != "" {
		fe.Add("password", "invalid", msg)
	}
	if len(fe) > 0 {
		return moves.InvalidFields(fe)
	}
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	return s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchUsers()
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, full_name, password_hash, role, supplier_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Username, u.FullName, u.PasswordHash, u.Role, nullStr(u.SupplierID), micros(s.Now()))
		if isConstraint(err) {
			return moves.Errorf(moves.Conflict, "the username %q is taken", u.Username)
		}
		if err != nil {
			return err
		}
		for _, l := range u.LocationIDs {
			if _, err := tx.ExecContext(ctx, "INSERT INTO user_locations (user_id, location_id) VALUES (?, ?)", u.ID, l); err != nil {
				return fmt.Errorf("store: user location: %w", err)
			}
		}
		return nil
	})
}

// UserByUsername returns a user by username (case-insensitive).
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	return s.user(ctx, "username = ?", username)
}

// User returns a user by id.
// Every signed-in request loads its user, so users are kept in memory for
// as long as the users version stays the same (TouchUsers moves it on).
func (s *Store) User(ctx context.Context, id string) (User, error) {
	v := s.w.v.users.Load()
	if u, ok := s.users.get(id, v); ok {
		// The caller's copy of the locations is its own.
		u.LocationIDs = slices.Clone(u.LocationIDs)
		return u, nil
	}
	u, err := s.user(ctx, "id = ?", id)
	if err == nil {
		kept := u
		kept.LocationIDs = slices.Clone(u.LocationIDs)
		s.users.put(id, v, kept)
	}
	return u, err
}

func (s *Store) user(ctx context.Context, where string, arg any) (User, error) {
	var u User
	var disabled sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, username, full_name, password_hash, role, COALESCE(supplier_id,''), disabled_at, session_generation
		FROM users WHERE `+where, arg).Scan(&u.ID, &u.Username, &u.FullName, &u.PasswordHash, &u.Role, &u.SupplierID, &disabled, &u.SessionGeneration)
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user")
	}
	if err != nil {
		return u, fmt.Errorf("store: user: %w", err)
	}
	u.Disabled = disabled.Valid
	rows, err := s.r.QueryContext(ctx, `SELECT ul.location_id FROM user_locations ul JOIN locations l ON l.id = ul.location_id
		WHERE ul.user_id = ? ORDER BY l.title`, u.ID)
	if err != nil {
		return u, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return u, err
		}
		u.LocationIDs = append(u.LocationIDs, id)
	}
	return u, rows.Err()
}

// EndSessions ends every session the user has signed in so far, on every
// device: they carry an older session generation from now on.
func (s *Store) EndSessions(ctx context.Context, userID string) error {
	return s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchUsers()
		_, err := tx.ExecContext(ctx, "UPDATE users SET session_generation = session_generation + 1 WHERE id = ?", userID)
		return err
	})
}

// Users lists all users by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id FROM users ORDER BY username")
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := s.User(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}
