package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// NormaliseUsername trims and lower-cases a username.
func NormaliseUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// AdminUser is a user as administrators see them: with their supplier's
// name, their locations and who created and last changed them.
type AdminUser struct {
	User
	SupplierKey       string
	SupplierName      string
	Locations         []moves.Location // by title
	CreatedAt         time.Time
	CreatedBy         string
	UpdatedAt         *time.Time
	UpdatedBy         string
	DisabledAt        *time.Time
	PasswordChangedAt *time.Time
}

// UserInput is what an administrator sets on a user. Username is used
// only when creating; Supplier is a supplier's id or key.
type UserInput struct {
	Username    string
	FullName    string
	Role        moves.Role
	Supplier    string
	LocationIDs []string
}

const adminUserCols = `u.id, u.username, u.full_name, u.role, COALESCE(u.supplier_id, ''), COALESCE(sp.key, ''), COALESCE(sp.name, ''),
	u.disabled_at, u.created_at, u.created_by, u.updated_at, u.updated_by, u.password_changed_at`

func scanAdminUser(sc interface{ Scan(...any) error }) (AdminUser, error) {
	var u AdminUser
	var disabled, updated, pwChanged sql.NullInt64
	var created int64
	err := sc.Scan(&u.ID, &u.Username, &u.FullName, &u.Role, &u.SupplierID, &u.SupplierKey, &u.SupplierName,
		&disabled, &created, &u.CreatedBy, &updated, &u.UpdatedBy, &pwChanged)
	if err != nil {
		return u, err
	}
	u.Disabled = disabled.Valid
	u.DisabledAt = nullTime(disabled)
	u.CreatedAt = fromMicros(created)
	u.UpdatedAt = nullTime(updated)
	u.PasswordChangedAt = nullTime(pwChanged)
	return u, nil
}

// AdminUsers lists every user by username, with their locations.
func (s *Store) AdminUsers(ctx context.Context) ([]AdminUser, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+adminUserCols+` FROM users u LEFT JOIN suppliers sp ON sp.id = u.supplier_id
		ORDER BY u.username`)
	if err != nil {
		return nil, fmt.Errorf("store: admin users: %w", err)
	}
	var out []AdminUser
	index := map[string]int{}
	for rows.Next() {
		u, err := scanAdminUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		index[u.ID] = len(out)
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	locs, err := s.userLocations(ctx, "")
	if err != nil {
		return nil, err
	}
	for userID, ls := range locs {
		if i, ok := index[userID]; ok {
			out[i].Locations = ls
			for _, l := range ls {
				out[i].LocationIDs = append(out[i].LocationIDs, l.ID)
			}
		}
	}
	return out, nil
}

// userLocations returns the locations users hold, by user id, each list
// by title: one user's when userID is given, everyone's otherwise.
func (s *Store) userLocations(ctx context.Context, userID string) (map[string][]moves.Location, error) {
	q := `SELECT ul.user_id, ` + adminLocationCols + ` FROM user_locations ul JOIN locations l ON l.id = ul.location_id`
	var args []any
	if userID != "" {
		q += " WHERE ul.user_id = ?"
		args = append(args, userID)
	}
	q += " ORDER BY l.title"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: user locations: %w", err)
	}
	defer rows.Close()
	out := map[string][]moves.Location{}
	for rows.Next() {
		var uid string
		l, err := scanLocation(withExtra{rows, []any{&uid}})
		if err != nil {
			return nil, err
		}
		out[uid] = append(out[uid], l)
	}
	return out, rows.Err()
}

// adminLocationCols are locationCols for a join where locations are "l".
const adminLocationCols = `l.id, l.key, l.title, l.location_type, l.code, COALESCE(l.region_id, ''), l.disabled_at, l.created_at`

// withExtra scans extra columns that come before a row's own.
type withExtra struct {
	sc    interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.sc.Scan(append(w.extra, dest...)...) }

// AdminUser returns one user as administrators see them.
func (s *Store) AdminUser(ctx context.Context, id string) (AdminUser, error) {
	u, err := scanAdminUser(s.r.QueryRowContext(ctx, "SELECT "+adminUserCols+` FROM users u
		LEFT JOIN suppliers sp ON sp.id = u.supplier_id WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user")
	}
	if err != nil {
		return u, fmt.Errorf("store: admin user: %w", err)
	}
	locs, err := s.userLocations(ctx, u.ID)
	if err != nil {
		return u, err
	}
	u.Locations = locs[u.ID]
	for _, l := range u.Locations {
		u.LocationIDs = append(u.LocationIDs, l.ID)
	}
	return u, nil
}

// checkUser validates what an administrator set on a new user (existing
// nil) or a user being changed, normalising in: the username trimmed and
// lower-cased, the supplier resolved to its id (and dropped for roles
// without one), the locations deduplicated (and dropped for roles without
// any). Field names are those of the form: username, full_name, role,
// supplier, locations.
func (s *Store) checkUser(ctx context.Context, in *UserInput, existing *AdminUser, by string) (moves.FieldErrors, error) {
	var fe moves.FieldErrors
	if existing == nil {
		in.Username = NormaliseUsername(in.Username)
		switch {
		case in.Username == "":
			fe.Add("username", "blank", "Enter a username")
		case utf8.RuneCountInString(in.Username) > 50:
			fe.Add("username", "too_long", "Username must be 50 characters or fewer")
		case !usernamePattern.MatchString(in.Username):
			fe.Add("username", "invalid", "Username must start with a letter or number and contain only letters, numbers, full stops, hyphens and underscores")
		default:
			var n int
			if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = ?", in.Username).Scan(&n); err != nil {
				return nil, fmt.Errorf("store: username taken: %w", err)
			}
			if n > 0 {
				fe.Add("username", "taken", "A user with that username already exists")
			}
		}
	}
	in.FullName = strings.Join(strings.Fields(in.FullName), " ")
	switch {
	case in.FullName == "":
		fe.Add("full_name", "blank", "Enter the user's full name")
	case utf8.RuneCountInString(in.FullName) > 100:
		fe.Add("full_name", "too_long", "Full name must be 100 characters or fewer")
	}
	switch {
	case in.Role == "":
		fe.Add("role", "blank", "Select the user's role")
	case !in.Role.Valid():
		fe.Add("role", "inclusion", "Select one of the roles listed")
	case existing != nil && existing.Role != in.Role && strings.EqualFold(existing.Username, by):
		fe.Add("role", "self", "You cannot change your own role")
	}
	if in.Role == moves.RoleSupplier {
		if in.Supplier == "" {
			fe.Add("supplier", "blank", "Select the supplier the user works for")
		} else if sp, err := s.Supplier(ctx, in.Supplier); err != nil {
			if moves.ErrorCode(err) != moves.NotFound {
				return nil, err
			}
			fe.Add("supplier", "inclusion", "Select one of the suppliers listed")
		} else {
			in.Supplier = sp.ID
		}
	} else {
		in.Supplier = ""
	}
	ids := slices.Compact(slices.Sorted(slices.Values(in.LocationIDs)))
	ids = slices.DeleteFunc(ids, func(id string) bool { return strings.TrimSpace(id) == "" })
	if !in.Role.HoldsLocations() {
		ids = nil
	}
	in.LocationIDs = ids
	if msg, err := s.checkUserLocations(ctx, in.Role, ids, existing); err != nil {
		return nil, err
	} else if msg != "" && in.Role != "" && in.Role.Valid() {
		fe.Add("locations", "invalid", msg)
	}
	return fe, nil
}

// checkUserLocations says what is wrong with the locations chosen for a
// role, or "". A disabled location may be kept by a user who holds it
// already, not newly given.
func (s *Store) checkUserLocations(ctx context.Context, role moves.Role, ids []string, existing *AdminUser) (string, error) {
	types := role.LocationKinds()
	if len(ids) == 0 {
		if types != nil {
			return "Select at least one location the user works at", nil
		}
		return "", nil
	}
	found, err := s.LocationMap(ctx, ids...)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		l, ok := found[id]
		if !ok {
			return "Select locations from the list", nil
		}
		if l.Disabled && (existing == nil || !slices.Contains(existing.LocationIDs, id)) {
			return l.Title + " is disabled: select another location", nil
		}
		if msg := role.CheckLocationKind(l.Type, l.Title); msg != "" {
			return msg, nil
		}
	}
	return "", nil
}

// AdminCreateUser adds a user with a password set by an administrator
// (by, their username). Problems are moves.InvalidFields with the form's
// field names (username, full_name, role, supplier, locations, password).
func (s *Store) AdminCreateUser(ctx context.Context, in UserInput, password, by string) (User, error) {
	fe, err := s.checkUser(ctx, &in, nil, by)
	if err != nil {
		return User{}, err
	}
	if msg := moves.CheckPassword(password, in.Username); msg != "" {
		fe.Add("password", "invalid", msg)
	}
	if len(fe) > 0 {
		return User{}, moves.InvalidFields(fe)
	}
	// Hash outside the transaction: bcrypt is slow on purpose, and the
	// write connection is shared.
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	u := User{ID: uuid.NewString(), Username: in.Username, FullName: in.FullName, Role: in.Role, SupplierID: in.Supplier,
		LocationIDs: in.LocationIDs, PasswordHash: hash}
	now := s.Now()
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchUsers()
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, full_name, password_hash, role, supplier_id, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Username, u.FullName, hash, u.Role, nullStr(u.SupplierID), micros(now), by)
		if isConstraint(err) {
			var fe moves.FieldErrors
			fe.Add("username", "taken", "A user with that username already exists")
			return moves.InvalidFields(fe)
		}
		if err != nil {
			return fmt.Errorf("store: create user: %w", err)
		}
		if err := insertUserLocations(ctx, tx, u.ID, u.LocationIDs); err != nil {
			return err
		}
		summary, err := s.userSummary(ctx, tx, "Created as "+strings.ToLower(u.Role.Label()), u.SupplierID, u.LocationIDs)
		if err != nil {
			return err
		}
		return audit(ctx, tx, now, by, AuditUser, u.ID, "user.create", summary)
	})
	return u, err
}

func insertUserLocations(ctx context.Context, tx *sql.Tx, userID string, ids []string) error {
	for _, l := range ids {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_locations (user_id, location_id) VALUES (?, ?)", userID, l); err != nil {
			return fmt.Errorf("store: user location: %w", err)
		}
	}
	return nil
}

// userSummary is a sentence for the audit log: what, then the supplier
// and locations named.
func (s *Store) userSummary(ctx context.Context, q querier, what, supplierID string, locationIDs []string) (string, error) {
	out := what
	if supplierID != "" {
		name, err := supplierName(ctx, q, supplierID)
		if err != nil {
			return "", err
		}
		out += " for " + name
	}
	if len(locationIDs) > 0 {
		names, err := locationTitles(ctx, q, locationIDs)
		if err != nil {
			return "", err
		}
		out += ", at " + strings.Join(names, ", ")
	}
	return out, nil
}

func supplierName(ctx context.Context, q querier, id string) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, "SELECT name FROM suppliers WHERE id = ?", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil
	}
	return name, err
}

func locationTitles(ctx context.Context, q querier, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, "SELECT title FROM locations WHERE id IN ("+placeholders(len(ids))+") ORDER BY title", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AdminUpdateUser changes a user's name, role, supplier and locations
// (the username never changes: the move logs name people by it). An
// administrator may not change their own role. It reports whether
// anything changed.
func (s *Store) AdminUpdateUser(ctx context.Context, id string, in UserInput, by string) (bool, error) {
	old, err := s.AdminUser(ctx, id)
	if err != nil {
		return false, err
	}
	fe, err := s.checkUser(ctx, &in, &old, by)
	if err != nil {
		return false, err
	}
	if len(fe) > 0 {
		return false, moves.InvalidFields(fe)
	}
	var changes []string
	if in.FullName != old.FullName {
		changes = append(changes, fmt.Sprintf("name changed from %s to %s", old.FullName, in.FullName))
	}
	if in.Role != old.Role {
		changes = append(changes, fmt.Sprintf("role changed from %s to %s", strings.ToLower(old.Role.Label()), strings.ToLower(in.Role.Label())))
	}
	oldIDs := slices.Sorted(slices.Values(old.LocationIDs))
	locsChanged := !slices.Equal(oldIDs, in.LocationIDs)
	supplierChanged := in.Supplier != old.SupplierID
	if len(changes) == 0 && !locsChanged && !supplierChanged {
		return false, nil
	}
	now := s.Now()
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchUsers()
		res, err := tx.ExecContext(ctx, `UPDATE users SET full_name = ?, role = ?, supplier_id = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
			in.FullName, in.Role, nullStr(in.Supplier), micros(now), by, id)
		if err != nil {
			return fmt.Errorf("store: update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("user")
		}
		if locsChanged {
			if _, err := tx.ExecContext(ctx, "DELETE FROM user_locations WHERE user_id = ?", id); err != nil {
				return fmt.Errorf("store: user locations: %w", err)
			}
			if err := insertUserLocations(ctx, tx, id, in.LocationIDs); err != nil {
				return err
			}
			if len(in.LocationIDs) == 0 {
				changes = append(changes, "locations removed")
			} else {
				names, err := locationTitles(ctx, tx, in.LocationIDs)
				if err != nil {
					return err
				}
				changes = append(changes, "locations set to "+strings.Join(names, ", "))
			}
		}
		if supplierChanged {
			if in.Supplier == "" {
				changes = append(changes, "supplier removed")
			} else {
				name, err := supplierName(ctx, tx, in.Supplier)
				if err != nil {
					return err
				}
				changes = append(changes, "supplier set to "+name)
			}
		}
		summary := strings.Join(changes, "; ")
		summary = strings.ToUpper(summary[:1]) + summary[1:]
		return audit(ctx, tx, now, by, AuditUser, id, "user.update", summary)
	})
	return err == nil, err
}

// AdminSetUserDisabled disables or re-enables a user. A disabled user
// cannot sign in, and a session they hold stops working at its next
// request. An administrator may not disable themselves (a Conflict).
func (s *Store) AdminSetUserDisabled(ctx context.Context, id string, disabled bool, by string) error {
	u, err := s.AdminUser(ctx, id)
	if err != nil {
		return err
	}
	if u.Disabled == disabled {
		return nil
	}
	if disabled && strings.EqualFold(u.Username, by) {
		return moves.Errorf(moves.Conflict, "You cannot disable your own account")
	}
	now := s.Now()
	var at any
	action, summary := "user.enable", "Enabled: may sign in again"
	if disabled {
		at = micros(now)
		action, summary = "user.disable", "Disabled: may not sign in"
	}
	return s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchUsers()
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled_at = ?, updated_at = ?, updated_by = ? WHERE id = ?",
			at, micros(now), by, id); err != nil {
			return fmt.Errorf("store: disable user: %w", err)
		}
		return audit(ctx, tx, now, by, AuditUser, id, action, summary)
	})
}

// AdminSetPassword sets a new password chosen by an administrator. A
// problem with it is moves.InvalidFields on "password".
func (s *Store) AdminSetPassword(ctx context.Context, id, password, by string) error {
	u, err := s.AdminUser(ctx, id)
	if err != nil {
		return err
	}
	if msg := moves.CheckPassword(password, u.Username); msg != "" {
		var fe moves.FieldErrors
		fe.Add("password", "invalid", msg)
		return moves.InvalidFields(fe)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchUsers()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
			hash, micros(now), micros(now), by, id); err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		return audit(ctx, tx, now, by, AuditUser, id, "user.password", "Password reset")
	})
}
