package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

const locationCols = `id, key, title, location_type, code, COALESCE(region_id, ''), disabled_at, created_at`

func scanLocation(sc interface{ Scan(...any) error }) (moves.Location, error) {
	var l moves.Location
	var typ string
	var disabled sql.NullInt64
	var created int64
	if err := sc.Scan(&l.ID, &l.Key, &l.Title, &typ, &l.Code, &l.RegionID, &disabled, &created); err != nil {
		return l, err
	}
	l.Type = moves.LocationType(typ)
	l.DisabledAt = nullTime(disabled)
	l.Disabled = disabled.Valid
	l.CreatedAt = fromMicros(created)
	return l, nil
}

// CreateRegion adds a region, filling in its id.
func (s *Store) CreateRegion(ctx context.Context, r *moves.Region) error {
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	err := s.unit(ctx, func(u *Unit) error {
		u.TouchReference()
		_, err := u.ExecContext(u.Context(), "INSERT INTO regions (id, key, name) VALUES (?, ?, ?)", r.ID, r.Key, r.Name)
		return err
	})
	if isConstraint(err) {
		return moves.Errorf(moves.Conflict, "a region with key %q already exists", r.Key)
	}
	return err
}

// Regions lists regions by name.
func (s *Store) Regions(ctx context.Context) ([]moves.Region, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, key, name FROM regions ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: regions: %w", err)
	}
	defer rows.Close()
	var out []moves.Region
	for rows.Next() {
		var r moves.Region
		if err := rows.Scan(&r.ID, &r.Key, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateLocation adds a location, filling in its id and creation time.
func (s *Store) CreateLocation(ctx context.Context, l *moves.Location) error {
	var fe moves.FieldErrors
	if strings.TrimSpace(l.Title) == "" {
		fe.Add("title", "blank", "Enter the location's name")
	}
	if !l.Type.Valid() {
		fe.Add("location_type", "inclusion", "Choose a known location type")
	}
	if strings.TrimSpace(l.Code) == "" {
		fe.Add("code", "blank", "Enter the location's code")
	}
	if len(fe) > 0 {
		return moves.InvalidFields(fe)
	}
	if l.ID == "" {
		l.ID = uuid.NewString()
	}
	if l.Key == "" {
		l.Key = strings.ToLower(strings.ReplaceAll(l.Code, " ", "_"))
	}
	l.CreatedAt = s.Now().UTC()
	var disabled any
	if l.Disabled {
		t := s.Now()
		l.DisabledAt = &t
		disabled = micros(t)
	}
	err := s.unit(ctx, func(u *Unit) error {
		u.TouchLocations()
		_, err := u.ExecContext(u.Context(), `INSERT INTO locations (id, key, title, location_type, code, region_id, disabled_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.ID, l.Key, l.Title, string(l.Type), l.Code, nullStr(l.RegionID), disabled, micros(l.CreatedAt))
		return err
	})
	if isConstraint(err) {
		return moves.Errorf(moves.Conflict, "a location with code %q already exists", l.Code)
	}
	return err
}

// SetLocationDisabled disables or re-enables a location.
func (s *Store) SetLocationDisabled(ctx context.Context, id string, disabled bool) error {
	var v any
	if disabled {
		v = micros(s.Now())
	}
	return s.unit(ctx, func(u *Unit) error {
		u.TouchLocations()
		res, err := u.ExecContext(u.Context(), "UPDATE locations SET disabled_at = ? WHERE id = ?", v, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("location")
		}
		return nil
	})
}

// Location returns one location by id.
func (s *Store) Location(ctx context.Context, id string) (moves.Location, error) {
	// From memory (locCache): a move page asks for both ends, and for
	// what each action may do there.
	return s.location(ctx, id)
}

// LocationFilter narrows Locations. Empty fields match everything.
type LocationFilter struct {
	Types           []moves.LocationType
	Codes           []string
	IDs             []string
	Search          string // part of the title or code, case-insensitive
	IncludeDisabled bool
}

// Locations lists locations by title. Without a search they come from
// memory (locCache), filtered as the query would: pages render the
// choices of a filter or a form from them on every request.
func (s *Store) Locations(ctx context.Context, f LocationFilter) ([]moves.Location, error) {
	if f.Search != "" {
		return s.queryLocations(ctx, f)
	}
	_, sorted, _, err := s.locations(ctx)
	if err != nil {
		return nil, err
	}
	var out []moves.Location
	for _, l := range sorted {
		if (l.Disabled && !f.IncludeDisabled) || (len(f.Types) > 0 && !slices.Contains(f.Types, l.Type)) ||
			(len(f.IDs) > 0 && !slices.Contains(f.IDs, l.ID)) || (len(f.Codes) > 0 && !slices.ContainsFunc(f.Codes,
			func(c string) bool { return strings.ToUpper(c) == l.Code })) {
			continue
		}
		out = append(out, l)
	}
	return out, nil
}

// queryLocations is Locations read from the database.
func (s *Store) queryLocations(ctx context.Context, f LocationFilter) ([]moves.Location, error) {
	var where []string
	var args []any
	if len(f.Types) > 0 {
		where = append(where, "location_type IN ("+placeholders(len(f.Types))+")")
		for _, t := range f.Types {
			args = append(args, string(t))
		}
	}
	if len(f.Codes) > 0 {
		where = append(where, "code IN ("+placeholders(len(f.Codes))+")")
		for _, c := range f.Codes {
			args = append(args, strings.ToUpper(c))
		}
	}
	if len(f.IDs) > 0 {
		where = append(where, "id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Search != "" {
		// lower() on both sides: SQLite's LIKE ignores case, PostgreSQL's not.
		where = append(where, "(lower(title) LIKE lower(?) ESCAPE '\\' OR lower(code) LIKE lower(?) ESCAPE '\\')")
		pat := "%" + likeEscape(f.Search) + "%"
		args = append(args, pat, pat)
	}
	if !f.IncludeDisabled {
		where = append(where, "disabled_at IS NULL")
	}
	q := "SELECT " + locationCols + " FROM locations"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY title"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: locations: %w", err)
	}
	defer rows.Close()
	var out []moves.Location
	for rows.Next() {
		l, err := scanLocation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// LocationMap returns the given locations keyed by id, for lookups while
// building views and replaying logs.
func (s *Store) LocationMap(ctx context.Context, ids ...string) (map[string]moves.Location, error) {
	out := map[string]moves.Location{}
	if len(ids) == 0 {
		return out, nil
	}
	// Looked up in the map kept in memory: filtering the sorted list by a
	// list of ids compared every location with every id (a page of the
	// API names two hundred places, of four hundred).
	all, err := s.allLocations(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if l, ok := all[id]; ok {
			out[id] = l
		}
	}
	return out, nil
}

// CreateSupplier adds a supplier.
func (s *Store) CreateSupplier(ctx context.Context, sp *moves.Supplier) error {
	if sp.ID == "" {
		sp.ID = uuid.NewString()
	}
	err := s.unit(ctx, func(u *Unit) error {
		u.TouchReference()
		_, err := u.ExecContext(u.Context(), "INSERT INTO suppliers (id, key, name) VALUES (?, ?, ?)", sp.ID, sp.Key, sp.Name)
		return err
	})
	if isConstraint(err) {
		return moves.Errorf(moves.Conflict, "a supplier with key %q already exists", sp.Key)
	}
	return err
}

// Suppliers lists suppliers by name.
func (s *Store) Suppliers(ctx context.Context) ([]moves.Supplier, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, key, name FROM suppliers ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: suppliers: %w", err)
	}
	defer rows.Close()
	var out []moves.Supplier
	for rows.Next() {
		var sp moves.Supplier
		if err := rows.Scan(&sp.ID, &sp.Key, &sp.Name); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// Supplier returns one supplier by id or key.
func (s *Store) Supplier(ctx context.Context, idOrKey string) (moves.Supplier, error) {
	var sp moves.Supplier
	err := s.r.QueryRowContext(ctx, "SELECT id, key, name FROM suppliers WHERE id = ? OR key = ?", idOrKey, idOrKey).
		Scan(&sp.ID, &sp.Key, &sp.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return sp, notFound("supplier")
	}
	return sp, err
}

// AddSupplierLocation records that a supplier serves a location over a
// date range (empty bounds are open).
func (s *Store) AddSupplierLocation(ctx context.Context, sl moves.SupplierLocation) error {
	err := s.unit(ctx, func(u *Unit) error {
		u.TouchReference()
		_, err := u.ExecContext(u.Context(), `INSERT INTO supplier_locations (supplier_id, location_id, effective_from, effective_to)
		VALUES (?, ?, ?, ?)`, sl.SupplierID, sl.LocationID, nullStr(sl.EffectiveFrom), nullStr(sl.EffectiveTo))
		return err
	})
	if isConstraint(err) {
		return moves.Errorf(moves.Invalid, "supplier location is not valid")
	}
	return err
}

// SupplierLocations lists the locations a supplier serves, with ranges.
func (s *Store) SupplierLocations(ctx context.Context, supplierID string) ([]moves.SupplierLocation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT supplier_id, location_id, COALESCE(effective_from,''), COALESCE(effective_to,'')
		FROM supplier_locations WHERE supplier_id = ?`, supplierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []moves.SupplierLocation
	for rows.Next() {
		var sl moves.SupplierLocation
		if err := rows.Scan(&sl.SupplierID, &sl.LocationID, &sl.EffectiveFrom, &sl.EffectiveTo); err != nil {
			return nil, err
		}
		out = append(out, sl)
	}
	return out, rows.Err()
}

// supplierFor returns the supplier serving a location on a date, or "".
func supplierFor(ctx context.Context, q querier, locationID, date string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT supplier_id FROM supplier_locations
		WHERE location_id = ? AND (effective_from IS NULL OR effective_from <= ?) AND (effective_to IS NULL OR effective_to >= ?)
		ORDER BY effective_from DESC LIMIT 1`, locationID, date, date).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// SupplierFor returns the id of the supplier serving a location on a date.
func (s *Store) SupplierFor(ctx context.Context, locationID, date string) (string, error) {
	return supplierFor(ctx, s.r, locationID, date)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// locCache holds every location in memory: there are a few hundred, they
// change rarely (an admin adds or disables one), and every event insert
// needs them to replay a log. It is kept for one locations version, as
// memo.go describes: the version is read before the locations are, and
// what was read is kept only if no commit touching locations landed
// meanwhile, so a read that raced a change is used once, never kept.
type locCache struct {
	mu      sync.RWMutex
	version uint64
	all     map[string]moves.Location
	sorted  []moves.Location // by title, as Locations orders them
	active  []moves.Location // sorted, without the disabled
}

// afterLocationsRead, when set by a test, runs between reading the
// locations and keeping them: where a change can land unseen.
var afterLocationsRead func()

// locations returns every location (as a map, sorted, and the active ones
// sorted), from memory when they are current.
func (s *Store) locations(ctx context.Context) (all map[string]moves.Location, sorted, active []moves.Location, err error) {
	v := s.w.v.locations.Load()
	s.locs.mu.RLock()
	if s.locs.all != nil && s.locs.version == v {
		all, sorted, active = s.locs.all, s.locs.sorted, s.locs.active
	}
	s.locs.mu.RUnlock()
	if all != nil {
		return all, sorted, active, nil
	}
	ls, err := s.queryLocations(ctx, LocationFilter{IncludeDisabled: true})
	if err != nil {
		return nil, nil, nil, err
	}
	all = make(map[string]moves.Location, len(ls))
	for _, l := range ls {
		all[l.ID] = l
	}
	active = make([]moves.Location, 0, len(ls))
	for _, l := range ls {
		if !l.Disabled {
			active = append(active, l)
		}
	}
	if afterLocationsRead != nil {
		afterLocationsRead()
	}
	s.locs.mu.Lock()
	if s.w.v.locations.Load() == v {
		s.locs.all, s.locs.sorted, s.locs.active, s.locs.version = all, ls, active, v
	}
	s.locs.mu.Unlock()
	return all, ls, active, nil
}

func (s *Store) allLocations(ctx context.Context) (map[string]moves.Location, error) {
	all, _, _, err := s.locations(ctx)
	return all, err
}

// ActiveLocations returns the enabled locations with the given ids (all of
// them when ids is empty), by title, from memory: every signed-in request
// needs its user's locations, and PMU's are all of them. The slice of all
// of them is shared: callers must not change it.
func (s *Store) ActiveLocations(ctx context.Context, ids []string) ([]moves.Location, error) {
	_, sorted, active, err := s.locations(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return active, nil
	}
	return pickLocations(sorted, ids, false), nil
}

// pickLocations are the locations of sorted whose ids are in ids, in
// sorted's order; disabled ones only withDisabled.
func pickLocations(sorted []moves.Location, ids []string, withDisabled bool) []moves.Location {
	out := make([]moves.Location, 0, len(ids))
	for _, l := range sorted {
		if (withDisabled || !l.Disabled) && slices.Contains(ids, l.ID) {
			out = append(out, l)
		}
	}
	return out
}

// HeldLocations returns the locations with the given ids, disabled ones
// included (every location when ids is empty), by title, from memory. A
// user keeps holding a location an administrator disables: its moves
// already booked keep it, and so do the staff who see and work them. The
// slice of all of them is shared: callers must not change it.
func (s *Store) HeldLocations(ctx context.Context, ids []string) ([]moves.Location, error) {
	_, sorted, _, err := s.locations(ctx)
	if err != nil || len(ids) == 0 {
		return sorted, err
	}
	return pickLocations(sorted, ids, true), nil
}

// location returns a location from the cache.
func (s *Store) location(ctx context.Context, id string) (moves.Location, error) {
	all, err := s.allLocations(ctx)
	if err != nil {
		return moves.Location{}, err
	}
	l, ok := all[id]
	if !ok {
		return l, notFound("location")
	}
	return l, nil
}

// locationLookup adapts the cache to moves.Locations and moves.Refs.
type locationLookup struct {
	all   map[string]moves.Location
	moves func(id string) bool
}

func (l locationLookup) Location(id string) (moves.Location, bool) {
	loc, ok := l.all[id]
	return loc, ok
}

func (l locationLookup) MoveExists(id string) bool { return l.moves != nil && l.moves(id) }
