package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/securemove/securemove/moves"
)

// MoveFilter narrows ListMoves and the counts. Empty fields match all;
// lists match any of their values.
type MoveFilter struct {
	IDs     []string
	FromIDs []string
	ToIDs   []string
	// EitherIDs matches moves from or to any of these locations.
	EitherIDs   []string
	SupplierIDs []string
	Statuses    []moves.Status
	MoveTypes   []moves.MoveType
	// Date range on the move's date, inclusive, YYYY-MM-DD.
	DateFrom string
	DateTo   string
	// Window range on a proposed move's earliest date, inclusive.
	WindowFrom string
	WindowTo   string
	// Creation time range: From inclusive, To exclusive.
	CreatedFrom time.Time
	CreatedTo   time.Time
	PersonID    string
	// AllocationID keeps an allocation's places; HasAllocation, when set,
	// keeps the moves that are (true) or are not (false) part of one.
	AllocationID  string
	HasAllocation *bool
	References    []string
	// OriginalIDs keeps the moves rebooked or sent again from any of
	// these (original_move_id): what became of rejected requests.
	OriginalIDs         []string
	CancellationReasons []string
	RejectionReasons    []string
	// Sort is one of date, date_from, created_at, name, from_location,
	// to_location, reference; Desc reverses it.
	Sort   string
	Desc   bool
	Limit  int
	Offset int
}

// personColsP is personCols for the people table aliased p.
// Every column may be NULL: lists LEFT JOIN people, since an allocation's
// place has no person until it is filled.
const personColsP = `COALESCE(p.id,''), COALESCE(p.first_names,''), COALESCE(p.last_name,''), COALESCE(p.date_of_birth,''), COALESCE(p.gender,''),
	COALESCE(p.ethnicity,''), COALESCE(p.pnc,''), COALESCE(p.prison_number,''), COALESCE(p.created_at,0), COALESCE(p.created_by,''), COALESCE(p.updated_at,0), COALESCE(p.updated_by,'')`

// MoveRow is a move with what a list shows beside it.
type MoveRow struct {
	moves.Move
	Person moves.Person
	From   string // location titles
	To     string
	// Flags are the flags of the move's profile, read with the row so
	// that a list needs no query per move for them.
	Flags []moves.Flag
}

func (f MoveFilter) where() (string, []any) {
	var c conds
	c.in("m.id", f.IDs)
	c.in("m.from_location_id", f.FromIDs)
	c.in("m.to_location_id", f.ToIDs)
	if len(f.EitherIDs) > 0 {
		p := placeholders(len(f.EitherIDs))
		args := make([]any, 0, 2*len(f.EitherIDs))
		for range 2 {
			for _, v := range f.EitherIDs {
				args = append(args, v)
			}
		}
		c.raw("(m.from_location_id IN ("+p+") OR m.to_location_id IN ("+p+"))", args...)
	}
	supplier := "m.supplier_id"
	if len(f.FromIDs)+len(f.ToIDs)+len(f.EitherIDs) > 0 {
		// A place's moves are far fewer than a supplier's: the term is
		// written so that neither engine walks moves_by_supplier_date for
		// it, which without statistics can look as good as the place's
		// (place, date) index.
		supplier = "(m.supplier_id || '')"
	}
	c.in(supplier, f.SupplierIDs)
	c.in("m.status", statusStrings(f.Statuses))
	var ts []string
	for _, t := range f.MoveTypes {
		ts = append(ts, string(t))
	}
	c.in("m.move_type", ts)
	c.in("m.reference", f.References)
	c.in("m.original_move_id", f.OriginalIDs)
	c.in("m.cancellation_reason", f.CancellationReasons)
	c.in("m.rejection_reason", f.RejectionReasons)
	if f.DateFrom != "" && f.DateFrom == f.DateTo {
		// One day, as an equality: the (place or supplier, date, status)
		// indexes then give the day's moves in status order, and the
		// counts by status need no sort (a range, even of one day, did:
		// 0.6 ms for a supplier's 560 moves of a day at a million).
		c.str("m.date = ?", f.DateFrom)
	} else {
		c.str("m.date >= ?", f.DateFrom)
		c.str("m.date <= ?", f.DateTo)
	}
	c.str("m.date_from >= ?", f.WindowFrom)
	c.str("m.date_from <= ?", f.WindowTo)
	c.at("m.created_at >= ?", f.CreatedFrom)
	c.at("m.created_at < ?", f.CreatedTo)
	c.str("m.person_id = ?", f.PersonID)
	c.str("m.allocation_id = ?", f.AllocationID)
	if f.HasAllocation != nil {
		if *f.HasAllocation {
			c.raw("m.allocation_id IS NOT NULL")
		} else {
			c.raw("m.allocation_id IS NULL")
		}
	}
	return c.sql(), c.args
}

func (f MoveFilter) order() string {
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	switch f.Sort {
	case "created_at":
		return "m.created_at " + dir + ", m.reference"
	case "date_from":
		return "m.date_from " + dir + ", m.created_at, m.reference"
	case "name":
		return "p.last_name COLLATE NOCASE " + dir + ", p.first_names COLLATE NOCASE " + dir + ", m.reference"
	case "from_location":
		return "lf.title " + dir + ", m.person_last, m.person_first"
	case "to_location":
		return "lt.title " + dir + ", m.person_last, m.person_first"
	case "reference":
		return "m.reference " + dir
	default:
		// The person's names as the move keeps them (migration 0023), so
		// that moves_api_order gives the page in order with no join.
		return "m.date " + dir + ", m.time_due, m.person_last, m.person_first, m.reference"
	}
}

// ListMoves returns a page of moves with their people and location names,
// and how many match in all.
//
// Unless the page is sorted by a location's title, the titles come from
// the locations in memory rather than from two joins: two index lookups
// a row fewer (GET /api/moves lists 100 moves a page).
func (s *Store) ListMoves(ctx context.Context, f MoveFilter) ([]MoveRow, int, error) {
	return s.listMoves(ctx, f, f.Sort == "from_location" || f.Sort == "to_location")
}

// listMoves is ListMoves, with the titles joined in SQL or not.
func (s *Store) listMoves(ctx context.Context, f MoveFilter, joinTitles bool) ([]MoveRow, int, error) {
	where, args := f.where()
	total, err := s.CountMoves(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var locs map[string]moves.Location
	if !joinTitles {
		if locs, err = s.allLocations(ctx); err != nil {
			return nil, 0, err
		}
	}
	rows, err := s.r.QueryContext(ctx, f.listQuery(where, joinTitles, s.eng.pg), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list moves: %w", err)
	}
	defer rows.Close()
	var out []MoveRow
	for rows.Next() {
		var r MoveRow
		var p moves.Person
		var pc, pu int64
		var flags string
		dest := []any{&p.ID, &p.FirstNames, &p.LastName, &p.DateOfBirth, &p.Gender, &p.Ethnicity, &p.PNC, &p.PrisonNumber,
			&pc, &p.CreatedBy, &pu, &p.UpdatedBy, &r.From, &r.To, &flags}
		if !joinTitles {
			dest = append(dest[:12], &flags)
		}
		m, err := scanMove(rows, dest...)
		if err != nil {
			return nil, 0, err
		}
		if !joinTitles {
			r.From, r.To = locs[m.FromID].Title, locs[m.ToID].Title
		}
		if r.Flags, err = decodeFlags(flags); err != nil {
			return nil, 0, fmt.Errorf("store: profile flags of move %s: %w", m.Reference, err)
		}
		p.CreatedAt, p.UpdatedAt = fromMicros(pc), fromMicros(pu)
		r.Move, r.Person = m, p
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// listQuery is listMoves' query: a page of moves (100 unless f says)
// with their people and profiles, and the titles of both ends when
// joinTitles.
func (f MoveFilter) listQuery(where string, joinTitles, pg bool) string {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	titles, titleJoins := "", ""
	if joinTitles {
		titles, titleJoins = ", lf.title, COALESCE(lt.title, '')",
			" JOIN locations lf ON lf.id = m.from_location_id LEFT JOIN locations lt ON lt.id = m.to_location_id"
	}
	q := "SELECT " + moveCols + ", " + personColsP + titles + `, COALESCE(pr.flags, '[]')
		FROM moves m LEFT JOIN people p ON p.id = m.person_id` + titleJoins + ` LEFT JOIN profiles pr ON pr.id = m.profile_id`
	if joinTitles {
		return q + where + " ORDER BY " + f.order() + fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(0, f.Offset))
	}
	return q + f.pageOf(where, limit, pg)
}

// statusStrings are statuses as a condition's values.
func statusStrings(ss []moves.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// pageOf is the rest of the list's query, from WHERE on: the page's
// moves are chosen by their sort keys (pageByKeys). A supplier's moves in
// the API's default order are the first entries of moves_api_order
// (migrations 0019 and 0023), which holds the names they are sorted by;
// read whole, every move of the latest date was (770 at a million moves,
// 20 ms), and with the names read from people, every tie of a date and
// time (180 people at a million moves, 1.3 ms).
func (f MoveFilter) pageOf(where string, limit int, pg bool) string {
	return pageByKeys(pg, "", where, f.order(), limit, f.Offset)
}

// CountMoves returns how many moves match.
func (s *Store) CountMoves(ctx context.Context, f MoveFilter) (int, error) {
	if f.tallied() {
		return s.countTallied(ctx, f)
	}
	if f.dayTallied() {
		return s.countDayTallied(ctx, f)
	}
	where, args := f.where()
	var n int
	join := ""
	if strings.Contains(where, "p.") {
		join = " LEFT JOIN people p ON p.id = m.person_id"
	}
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM moves m"+join+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count moves: %w", err)
	}
	return n, nil
}

// CountByStatus returns how many moves match in each status, ignoring the
// filter's own statuses (so each filter tab can show its count). A
// supplier's day and PMU's day at every place are read from the tallies by
// day; a place's day walks its (place, date, status) index.
func (s *Store) CountByStatus(ctx context.Context, f MoveFilter) (map[moves.Status]int, error) {
	f.Statuses = nil
	if f.dayTallied() {
		return s.countByStatusTallied(ctx, f)
	}
	where, args := f.where()
	return s.statusCounts(ctx, "SELECT m.status, COUNT(*) FROM moves m"+where+" GROUP BY m.status", args)
}

// statusCounts runs a query of (status, count) rows into a map without
// zeros (the tallies keep rows whose count has come back to zero).
func (s *Store) statusCounts(ctx context.Context, q string, args []any) (map[moves.Status]int, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count by status: %w", err)
	}
	defer rows.Close()
	out := map[moves.Status]int{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		if n != 0 {
			out[moves.Status(st)] = int(n)
		}
	}
	return out, rows.Err()
}

// MoveVisibleToSupplier reports whether a supplier serves a move: it is
// the move's assigned supplier.
func (s *Store) MoveVisibleToSupplier(ctx context.Context, moveID, supplierID string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM moves WHERE id = ? AND supplier_id = ?", moveID, supplierID).Scan(&one)
	return one > 0, err
}

// RebookedFrom returns the move rebooked from id, if any.
func (s *Store) RebookedFrom(ctx context.Context, id string) (moves.Move, error) {
	var newID string
	if err := s.r.QueryRowContext(ctx, "SELECT id FROM moves WHERE original_move_id = ?", id).Scan(&newID); err != nil {
		return moves.Move{}, notFound("rebooked move")
	}
	return s.Move(ctx, newID)
}
