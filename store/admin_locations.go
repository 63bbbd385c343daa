package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

// Location statuses for AdminLocationFilter.Status.
const (
	LocationsActive   = "active"
	LocationsDisabled = "disabled"
)

// AdminLocationFilter narrows AdminLocations. Empty fields match
// everything.
type AdminLocationFilter struct {
	// Search is part of the name or code, case-insensitive.
	Search   string
	Type     moves.LocationType
	RegionID string
	// Status is LocationsActive, LocationsDisabled or "" for both.
	Status string
	// Date (YYYY-MM-DD) is the day whose supplier each row names.
	Date   string
	Limit  int
	Offset int
}

// AdminLocation is a location as administrators see it.
type AdminLocation struct {
	moves.Location
	RegionName string
	// SupplierName serves the location on the filter's date ("" for none).
	SupplierName string
	CreatedBy    string
	UpdatedAt    *time.Time
	UpdatedBy    string
}

const adminLocationSelect = `SELECT ` + adminLocationCols + `, COALESCE(r.name, ''),
	COALESCE((SELECT sp.name FROM supplier_locations sl JOIN suppliers sp ON sp.id = sl.supplier_id
		WHERE sl.location_id = l.id AND (sl.effective_from IS NULL OR sl.effective_from <= ?1) AND (sl.effective_to IS NULL OR sl.effective_to >= ?1)
		ORDER BY sl.effective_from DESC LIMIT 1), ''),
	l.created_by, l.updated_at, l.updated_by
	FROM locations l LEFT JOIN regions r ON r.id = l.region_id`

func scanAdminLocation(sc interface{ Scan(...any) error }) (AdminLocation, error) {
	var a AdminLocation
	var updated sql.NullInt64
	l, err := scanLocation(withTail{sc, []any{&a.RegionName, &a.SupplierName, &a.CreatedBy, &updated, &a.UpdatedBy}})
	if err != nil {
		return a, err
	}
	a.Location = l
	a.UpdatedAt = nullTime(updated)
	return a, nil
}

// withTail scans extra columns that come after a row's own.
type withTail struct {
	sc   interface{ Scan(...any) error }
	tail []any
}

func (w withTail) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.tail...)...) }

func (f AdminLocationFilter) where() (string, []any) {
	var where []string
	var args []any
	if f.Search != "" {
		// lower() on both sides: SQLite's LIKE ignores case, PostgreSQL's not.
		where = append(where, `(lower(l.title) LIKE lower(?) ESCAPE '\' OR lower(l.code) LIKE lower(?) ESCAPE '\')`)
		pat := "%" + likeEscape(f.Search) + "%"
		args = append(args, pat, pat)
	}
	if f.Type != "" {
		where = append(where, "l.location_type = ?")
		args = append(args, string(f.Type))
	}
	if f.RegionID != "" {
		where = append(where, "l.region_id = ?")
		args = append(args, f.RegionID)
	}
	switch f.Status {
	case LocationsActive:
		where = append(where, "l.disabled_at IS NULL")
	case LocationsDisabled:
		where = append(where, "l.disabled_at IS NOT NULL")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// AdminLocations lists one page of locations by name, and how many match
// in all.
func (s *Store) AdminLocations(ctx context.Context, f AdminLocationFilter) ([]AdminLocation, int, error) {
	where, args := f.where()
	var total int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM locations l"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count admin locations: %w", err)
	}
	// ?1 is the date; the filter's own arguments follow it.
	q := adminLocationSelect + renumber(where, 2) + " ORDER BY l.title COLLATE NOCASE, l.code"
	all := append([]any{f.Date}, args...)
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.r.QueryContext(ctx, q, all...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: admin locations: %w", err)
	}
	defer rows.Close()
	var out []AdminLocation
	for rows.Next() {
		a, err := scanAdminLocation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// renumber turns a clause's ? placeholders into ?N, ?N+1, …, so that it
// can follow numbered parameters.
func renumber(clause string, from int) string {
	var b strings.Builder
	n := from
	for _, r := range clause {
		if r == '?' {
			fmt.Fprintf(&b, "?%d", n)
			n++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AdminLocation returns one location as administrators see it, naming
// the supplier serving it on date.
func (s *Store) AdminLocation(ctx context.Context, id, date string) (AdminLocation, error) {
	a, err := scanAdminLocation(s.r.QueryRowContext(ctx, adminLocationSelect+" WHERE l.id = ?2", date, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("location")
	}
	if err != nil {
		return a, fmt.Errorf("store: admin location: %w", err)
	}
	return a, nil
}

// LocationInput is a new location as an administrator types it.
type LocationInput struct {
	Title    string
	Code     string
	Type     string
	RegionID string
}

var locationCodePattern = regexp.MustCompile(`^[A-Z0-9]{2,10}$`)

// NormaliseLocationCode trims and upper-cases a location code.
func NormaliseLocationCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// AdminCreateLocation adds a location. Problems are moves.InvalidFields
// with the form's field names: title, code, location_type, region.
func (s *Store) AdminCreateLocation(ctx context.Context, in LocationInput, by string) (moves.Location, error) {
	var fe moves.FieldErrors
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	switch {
	case in.Title == "":
		fe.Add("title", "blank", "Enter the location's name")
	case utf8.RuneCountInString(in.Title) > 100:
		fe.Add("title", "too_long", "Name must be 100 characters or fewer")
	}
	in.Code = NormaliseLocationCode(in.Code)
	switch {
	case in.Code == "":
		fe.Add("code", "blank", "Enter the location's code")
	case !locationCodePattern.MatchString(in.Code):
		fe.Add("code", "invalid", "Code must be 2 to 10 letters and numbers, with no spaces, like BXI or SRY016")
	default:
		var title string
		err := s.r.QueryRowContext(ctx, "SELECT title FROM locations WHERE code = ? COLLATE NOCASE OR key = ?", in.Code, strings.ToLower(in.Code)).Scan(&title)
		switch {
		case err == nil:
			fe.Add("code", "taken", fmt.Sprintf("%s is already the code of %s", in.Code, title))
		case !errors.Is(err, sql.ErrNoRows):
			return moves.Location{}, fmt.Errorf("store: location code taken: %w", err)
		}
	}
	typ := moves.LocationType(in.Type)
	switch {
	case in.Type == "":
		fe.Add("location_type", "blank", "Select the type of location")
	case !typ.Valid():
		fe.Add("location_type", "inclusion", "Select one of the types of location listed")
	}
	var regionName string
	if in.RegionID == "" {
		fe.Add("region", "blank", "Select the region")
	} else {
		err := s.r.QueryRowContext(ctx, "SELECT name FROM regions WHERE id = ?", in.RegionID).Scan(&regionName)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			fe.Add("region", "inclusion", "Select one of the regions listed")
		case err != nil:
			return moves.Location{}, fmt.Errorf("store: region: %w", err)
		}
	}
	if len(fe) > 0 {
		return moves.Location{}, moves.InvalidFields(fe)
	}
	now := s.Now()
	l := moves.Location{ID: uuid.NewString(), Key: strings.ToLower(in.Code), Title: in.Title, Type: typ, Code: in.Code,
		RegionID: in.RegionID, CreatedAt: now.UTC()}
	err := s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchLocations()
		_, err := tx.ExecContext(ctx, `INSERT INTO locations (id, key, title, location_type, code, region_id, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, l.Key, l.Title, string(l.Type), l.Code, l.RegionID, micros(now), by)
		if isConstraint(err) {
			var fe moves.FieldErrors
			fe.Add("code", "taken", fmt.Sprintf("%s is already the code of another location", in.Code))
			return moves.InvalidFields(fe)
		}
		if err != nil {
			return fmt.Errorf("store: create location: %w", err)
		}
		return audit(ctx, tx, now, by, AuditLocation, l.ID, "location.create",
			fmt.Sprintf("Created as %s %s in %s", strings.ToLower(l.Type.Label()), l.Code, regionName))
	})
	return l, err
}

// AdminSetLocationDisabled disables or re-enables a location, recording
// who did. A disabled location is refused as a move's destination (and
// origin) from then on; moves already made are not changed.
func (s *Store) AdminSetLocationDisabled(ctx context.Context, id string, disabled bool, by string) error {
	l, err := s.Location(ctx, id)
	if err != nil {
		return err
	}
	if l.Disabled == disabled {
		return nil
	}
	now := s.Now()
	var at any
	action, summary := "location.enable", "Enabled: may be chosen for moves again"
	if disabled {
		at = micros(now)
		action, summary = "location.disable", "Disabled: may not be chosen for new moves"
	}
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchLocations()
		if _, err := tx.ExecContext(ctx, "UPDATE locations SET disabled_at = ?, updated_at = ?, updated_by = ? WHERE id = ?",
			at, micros(now), by, id); err != nil {
			return fmt.Errorf("store: disable location: %w", err)
		}
		return audit(ctx, tx, now, by, AuditLocation, id, action, summary)
	})
	return err
}

// CountLocationUsers counts the users who hold a location.
func (s *Store) CountLocationUsers(ctx context.Context, id string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM user_locations WHERE location_id = ?", id).Scan(&n)
	return n, err
}

// SupplierRange is a supplier serving a location over a date range; an
// empty bound is open.
type SupplierRange struct {
	// Seq identifies the range.
	Seq              int64
	SupplierID       string
	SupplierKey      string
	SupplierName     string
	LocationID       string
	LocationTitle    string
	LocationCode     string
	LocationType     moves.LocationType
	LocationDisabled bool
	From             string
	To               string
	CreatedAt        *time.Time
	CreatedBy        string
	UpdatedAt        *time.Time
	UpdatedBy        string
}

// Covers reports whether the range includes date (YYYY-MM-DD).
func (r SupplierRange) Covers(date string) bool {
	return (r.From == "" || r.From <= date) && (r.To == "" || r.To >= date)
}

// SupplierRangeFilter chooses whose ranges SupplierRanges lists.
type SupplierRangeFilter struct {
	LocationID string
	SupplierID string
}

// SupplierRanges lists supplier ranges: a location's by start date, or a
// supplier's by location name then start date.
func (s *Store) SupplierRanges(ctx context.Context, f SupplierRangeFilter) ([]SupplierRange, error) {
	return supplierRanges(ctx, s.r, f)
}

func supplierRanges(ctx context.Context, q querier, f SupplierRangeFilter) ([]SupplierRange, error) {
	var where []string
	var args []any
	if f.LocationID != "" {
		where = append(where, "sl.location_id = ?")
		args = append(args, f.LocationID)
	}
	if f.SupplierID != "" {
		where = append(where, "sl.supplier_id = ?")
		args = append(args, f.SupplierID)
	}
	query := `SELECT sl.rowid, sp.id, sp.key, sp.name, l.id, l.title, l.code, l.location_type, l.disabled_at IS NOT NULL,
		COALESCE(sl.effective_from, ''), COALESCE(sl.effective_to, ''), sl.created_at, sl.created_by, sl.updated_at, sl.updated_by
		FROM supplier_locations sl JOIN suppliers sp ON sp.id = sl.supplier_id JOIN locations l ON l.id = sl.location_id`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY l.title COLLATE NOCASE, COALESCE(sl.effective_from, ''), sl.rowid"
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: supplier ranges: %w", err)
	}
	defer rows.Close()
	var out []SupplierRange
	for rows.Next() {
		var r SupplierRange
		var typ string
		var created, updated sql.NullInt64
		if err := rows.Scan(&r.Seq, &r.SupplierID, &r.SupplierKey, &r.SupplierName, &r.LocationID, &r.LocationTitle, &r.LocationCode,
			&typ, &r.LocationDisabled, &r.From, &r.To, &created, &r.CreatedBy, &updated, &r.UpdatedBy); err != nil {
			return nil, err
		}
		r.LocationType = moves.LocationType(typ)
		r.CreatedAt, r.UpdatedAt = nullTime(created), nullTime(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

// LongDate is a YYYY-MM-DD date as "3 December 2026".
func LongDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

// describeRange is "from 1 April 2027 to 31 March 2028", "from 1 April
// 2027 with no end date" or "with no start or end date".
func describeRange(from, to string) string {
	switch {
	case from == "" && to == "":
		return "with no start or end date"
	case from == "":
		return "until " + LongDate(to)
	case to == "":
		return "from " + LongDate(from) + " with no end date"
	}
	return "from " + LongDate(from) + " to " + LongDate(to)
}

// AdminAddSupplierLocation records that a supplier (id or key) serves a
// location over a date range. A location has one supplier at a time, so a
// range that overlaps another is refused, except that a range with no end
// date which began before the new one is ended the day before it (a
// change of contract): that range is returned. Problems are
// moves.InvalidFields on supplier, from or to.
func (s *Store) AdminAddSupplierLocation(ctx context.Context, sl moves.SupplierLocation, by string) (*SupplierRange, error) {
	var fe moves.FieldErrors
	var sp moves.Supplier
	if sl.SupplierID == "" {
		fe.Add("supplier", "blank", "Select the supplier")
	} else {
		var err error
		sp, err = s.Supplier(ctx, sl.SupplierID)
		switch {
		case moves.ErrorCode(err) == moves.NotFound:
			fe.Add("supplier", "inclusion", "Select one of the suppliers listed")
		case err != nil:
			return nil, err
		}
	}
	for _, d := range []struct{ field, v string }{{"from", sl.EffectiveFrom}, {"to", sl.EffectiveTo}} {
		if d.v != "" {
			if _, err := time.Parse(time.DateOnly, d.v); err != nil {
				fe.Add(d.field, "invalid", "The date must be a real date")
			}
		}
	}
	if sl.EffectiveFrom != "" && sl.EffectiveTo != "" && sl.EffectiveTo < sl.EffectiveFrom && !fe.Has("to") {
		fe.Add("to", "before_from", "The end date must be the same as or after the start date")
	}
	loc, err := s.Location(ctx, sl.LocationID)
	if err != nil {
		return nil, err
	}
	if len(fe) > 0 {
		return nil, moves.InvalidFields(fe)
	}
	sl.SupplierID = sp.ID
	now := s.Now()
	var ended *SupplierRange
	err = s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		un.TouchReference()
		existing, err := supplierRanges(ctx, tx, SupplierRangeFilter{LocationID: loc.ID})
		if err != nil {
			return err
		}
		newR := SupplierRange{From: sl.EffectiveFrom, To: sl.EffectiveTo}
		for i, e := range existing {
			if !rangesOverlap(e, newR) {
				continue
			}
			if e.To == "" && e.From < newR.From && newR.From != "" && ended == nil {
				if e.SupplierID == sp.ID {
					return fieldProblem("from", "overlap", fmt.Sprintf("%s already serves %s %s", e.SupplierName, loc.Title, describeRange(e.From, e.To)))
				}
				dayBefore, _ := time.Parse(time.DateOnly, newR.From)
				e.To = dayBefore.AddDate(0, 0, -1).Format(time.DateOnly)
				existing[i] = e
				ended = &existing[i]
				continue
			}
			return fieldProblem("from", "overlap", fmt.Sprintf("The dates overlap %s's range %s: a location is served by one supplier at a time",
				e.SupplierName, describeRange(e.From, e.To)))
		}
		if ended != nil {
			// Ending it must not leave it overlapping another range.
			for _, e := range existing {
				if e.Seq != ended.Seq && rangesOverlap(e, *ended) {
					return fieldProblem("from", "overlap", fmt.Sprintf("The dates overlap %s's range %s: a location is served by one supplier at a time",
						e.SupplierName, describeRange(e.From, e.To)))
				}
			}
			if _, err := tx.ExecContext(ctx, "UPDATE supplier_locations SET effective_to = ?, updated_at = ?, updated_by = ? WHERE rowid = ?",
				ended.To, micros(now), by, ended.Seq); err != nil {
				return fmt.Errorf("store: end supplier range: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_locations (supplier_id, location_id, effective_from, effective_to, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?)`, sp.ID, loc.ID, nullStr(sl.EffectiveFrom), nullStr(sl.EffectiveTo), micros(now), by); err != nil {
			if isConstraint(err) {
				return fieldProblem("to", "invalid", "The end date must be the same as or after the start date")
			}
			return fmt.Errorf("store: add supplier range: %w", err)
		}
		summary := fmt.Sprintf("Served by %s %s", sp.Name, describeRange(sl.EffectiveFrom, sl.EffectiveTo))
		if ended != nil {
			summary += fmt.Sprintf("; %s's range now ends on %s", ended.SupplierName, LongDate(ended.To))
		}
		if err := audit(ctx, tx, now, by, AuditLocation, loc.ID, "location.supplier", summary); err != nil {
			return err
		}
		return audit(ctx, tx, now, by, AuditSupplier, sp.ID, "supplier.location", loc.Title+": "+summary)
	})
	if err != nil {
		return nil, err
	}
	return ended, nil
}

func fieldProblem(field, code, msg string) error {
	var fe moves.FieldErrors
	fe.Add(field, code, msg)
	return moves.InvalidFields(fe)
}

// rangesOverlap reports whether two date ranges share a day; empty bounds
// are open.
func rangesOverlap(a, b SupplierRange) bool {
	startsBeforeBEnds := a.From == "" || b.To == "" || a.From <= b.To
	bStartsBeforeAEnds := b.From == "" || a.To == "" || b.From <= a.To
	return startsBeforeBEnds && bStartsBeforeAEnds
}
