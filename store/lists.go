package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/securemove/securemove/moves"
)

// ListRow is a move as a list shows it: the move, its person, the titles
// of both ends and the warnings on its profile.
type ListRow struct {
	MoveRow
	Flags []moves.Flag
	// Lodge: the move includes an overnight lodge that is not cancelled.
	Lodge bool
}

// Group orders for DayMoves.
const (
	// ByDestination groups a day's moves by where they go (outgoing lists).
	ByDestination = "destination"
	// ByOrigin groups them by where they come from (incoming lists).
	ByOrigin = "origin"
)

// listPersonCols are the person's columns a list shows, after moveCols.
const listPersonCols = "COALESCE(p.id,''), COALESCE(p.first_names,''), COALESCE(p.last_name,''), COALESCE(p.date_of_birth,''), COALESCE(p.gender,''), COALESCE(p.pnc,''), COALESCE(p.prison_number,'')"

// listLodgeCol says whether the move has an overnight lodge not cancelled
// (the card's lodge tag); lodgings_by_move makes it one index probe a row.
const listLodgeCol = "CASE WHEN EXISTS (SELECT 1 FROM lodgings lg WHERE lg.move_id = m.id AND lg.status <> 'cancelled') THEN 1 ELSE 0 END"

const listSelect = "SELECT " + moveCols + ", " + listPersonCols + ", " +
	`lf.title, COALESCE(lt.title, ''), COALESCE(pr.flags, '[]'), ` + listLodgeCol + `
	FROM moves m LEFT JOIN people p ON p.id = m.person_id JOIN locations lf ON lf.id = m.from_location_id
	LEFT JOIN locations lt ON lt.id = m.to_location_id LEFT JOIN profiles pr ON pr.id = m.profile_id`

// daySelect is what a day's list shows of each move (dayRow): not the
// whole move (moveCols, 32 columns) but the 9 columns its cards and its
// CSV use, with the person, the profile's flags and the lodge. Each
// column fetched costs the driver a conversion and often a string, and
// the list reads every row of the day. The titles come from memory
// (locCache) and the rows are ordered in Go.
const daySelect = `SELECT m.id, m.reference, m.status, m.move_type, m.from_location_id, COALESCE(m.to_location_id,''),
	COALESCE(m.date,''), m.time_due, m.version, ` + listPersonCols + `, COALESCE(pr.flags, '[]'), ` + listLodgeCol + `
	FROM moves m LEFT JOIN people p ON p.id = m.person_id LEFT JOIN profiles pr ON pr.id = m.profile_id`

// dayScanner scans rows of daySelect, its destinations made once for
// all the rows.
type dayScanner struct {
	r           ListRow
	status, typ string
	due         sql.NullInt64
	flags       string
	lodge       int64
	dest        []any
}

func newDayScanner() *dayScanner {
	d := &dayScanner{}
	r, p := &d.r, &d.r.Person
	d.dest = []any{&r.ID, &r.Reference, &d.status, &d.typ, &r.FromID, &r.ToID, &r.Date, &d.due, &r.Version,
		&p.ID, &p.FirstNames, &p.LastName, &p.DateOfBirth, &p.Gender, &p.PNC, &p.PrisonNumber, &d.flags, &d.lodge}
	return d
}

// scan reads the current row into a ListRow holding what daySelect
// reads (DayMoves says which fields).
func (d *dayScanner) scan(rows *sql.Rows) (ListRow, error) {
	d.r = ListRow{}
	if err := rows.Scan(d.dest...); err != nil {
		return ListRow{}, fmt.Errorf("store: day list row: %w", err)
	}
	r := d.r
	r.Status, r.MoveType = moves.Status(d.status), moves.MoveType(d.typ)
	r.TimeDue = nullTime(d.due)
	r.PersonID = r.Person.ID
	r.Lodge = d.lodge == 1
	var err error
	if r.Flags, err = decodeFlags(d.flags); err != nil {
		return ListRow{}, fmt.Errorf("store: profile flags of move %s: %w", r.Reference, err)
	}
	return r, nil
}

func scanListRow(sc interface{ Scan(...any) error }) (ListRow, error) {
	var r ListRow
	return r, scanListRowInto(sc, &r, &r.From, &r.To)
}

// scanListRowInto scans a row of listSelect into r, the titles into
// titles.
func scanListRowInto(sc interface{ Scan(...any) error }, r *ListRow, titles ...any) error {
	var flags string
	var lodge int
	p := &r.Person
	m, err := scanMove(sc, append(append([]any{&p.ID, &p.FirstNames, &p.LastName, &p.DateOfBirth, &p.Gender, &p.PNC, &p.PrisonNumber},
		titles...), &flags, &lodge)...)
	if err != nil {
		return fmt.Errorf("store: list row: %w", err)
	}
	r.Move = m
	r.Lodge = lodge == 1
	if r.Flags, err = decodeFlags(flags); err != nil {
		return fmt.Errorf("store: profile flags of move %s: %w", m.Reference, err)
	}
	return nil
}

// DayMoves returns the moves a day's list shows: each with its person,
// the titles of both ends, its profile's flags and its lodge, ordered by the title
// of the end they are grouped by (moves without a destination last), then
// by the person's last and first names, all without regard to case. f
// should name one location (FromIDs or ToIDs) or supplier and one date,
// so that the engine walks a (location or supplier, date) index. limit <=
// 0 means no limit.
//
// The query joins only the person and the profile: the titles come from
// the locations in memory, which saves two lookups a row (a fifth of the
// list's database time), and the rows are ordered here rather than by the
// engine's sorter. Every row of the day is read either way: the order
// depends on the joined names.
//
// Of each move, only what the list's cards and its CSV show is read: ID,
// Reference, Status, MoveType, FromID, ToID, Date, TimeDue, Version and
// PersonID (the person's); the other fields of the Move are left zero.
func (s *Store) DayMoves(ctx context.Context, f MoveFilter, groupBy string, limit int) ([]ListRow, error) {
	locs, err := s.allLocations(ctx)
	if err != nil {
		return nil, err
	}
	where, args := f.where()
	rows, err := s.r.QueryContext(ctx, daySelect+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: day moves: %w", err)
	}
	defer rows.Close()
	var out []ListRow
	d := newDayScanner()
	for rows.Next() {
		r, err := d.scan(rows)
		if err != nil {
			return nil, err
		}
		r.From = locs[r.FromID].Title
		r.To = locs[r.ToID].Title
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortDay(out, groupBy)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// listRows runs a list's one query over several days (the week view):
// the moves matching where, with both ends' titles joined, ordered by
// order then by the person's names.
func (s *Store) listRows(ctx context.Context, where string, args []any, order string, limit int) ([]ListRow, error) {
	q := listSelect + where + " ORDER BY " + order + ", p.last_name COLLATE NOCASE, p.first_names COLLATE NOCASE, m.reference"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list moves: %w", err)
	}
	defer rows.Close()
	var out []ListRow
	for rows.Next() {
		r, err := scanListRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// sortDay orders a day's rows as DayMoves says. Case is folded as
// COLLATE NOCASE folds it (ASCII letters only), so the order is the one
// the lists had when the engine sorted them.
//
// The rows are large (a whole move and person each): the sort orders
// their indexes, comparing the rows in place, and moves each row once.
func sortDay(rows []ListRow, groupBy string) {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int { return compareDay(&rows[i], &rows[j], groupBy) })
	sorted := make([]ListRow, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// compareDay orders two rows of a day's list.
func compareDay(a, b *ListRow, groupBy string) int {
	if groupBy == ByOrigin {
		if c := cmp.Or(compareNoCase(a.From, b.From), strings.Compare(a.FromID, b.FromID)); c != 0 {
			return c
		}
	} else {
		if c := cmp.Or(cmpBool(a.ToID == "", b.ToID == ""), compareNoCase(a.To, b.To), strings.Compare(a.ToID, b.ToID)); c != 0 {
			return c
		}
	}
	return cmp.Or(compareNoCase(a.Person.LastName, b.Person.LastName), compareNoCase(a.Person.FirstNames, b.Person.FirstNames),
		strings.Compare(a.Reference, b.Reference))
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// compareNoCase compares as SQLite's NOCASE collation: byte by byte with
// ASCII upper case folded to lower case.
func compareNoCase(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return int(x) - int(y)
		}
	}
	return len(a) - len(b)
}

// Review statuses: what became of a move that started as a proposal
// waiting for PMU.
const (
	ReviewPending   = "pending"   // still proposed
	ReviewApproved  = "approved"  // approved: requested, booked, in transit or completed
	ReviewRejected  = "rejected"  // cancelled with the reason "rejected"
	ReviewCancelled = "cancelled" // cancelled for any other reason
)

// ReviewStatuses lists the review statuses in the order they are shown.
var ReviewStatuses = []string{ReviewPending, ReviewApproved, ReviewRejected, ReviewCancelled}

// ReviewFilter narrows the requests to review: moves created as proposals
// (initial status proposed), whatever became of them.
type ReviewFilter struct {
	// Status is one of the Review* statuses; empty matches all.
	Status string
	// FromIDs matches requests from any of these locations.
	FromIDs []string
	// RegionID matches requests from a location in the region.
	RegionID string
	// Range on the earliest date of the proposed window, inclusive, YYYY-MM-DD.
	EarliestFrom string
	EarliestTo   string
	// Range on when the request was sent: From inclusive, To exclusive.
	SentFrom time.Time
	SentTo   time.Time
	// Range on the person's date of birth, inclusive, YYYY-MM-DD (the age
	// filter, moves.AgeGroup).
	BornFrom string
	BornTo   string
	// Sort is one of name, reference, sent, from, to, earliest, latest
	// (default earliest); Desc reverses it.
	Sort   string
	Desc   bool
	Limit  int
	Offset int
}

func (f ReviewFilter) where(withStatus bool) (string, []any) {
	// The literal initial_status term lets SQLite use moves_proposals, the
	// index of proposals only.
	var c conds
	c.raw("m.initial_status = 'proposed'")
	if withStatus {
		switch f.Status {
		case ReviewPending:
			c.raw("m.status = 'proposed'")
		case ReviewApproved:
			c.raw("m.status IN ('requested','booked','in_transit','completed')")
		case ReviewRejected:
			c.raw("m.status = 'cancelled'")
			c.raw("m.cancellation_reason = 'rejected'")
		case ReviewCancelled:
			c.raw("m.status = 'cancelled'")
			c.raw("COALESCE(m.cancellation_reason, '') != 'rejected'")
		}
	}
	c.in("m.from_location_id", f.FromIDs)
	c.str("lf.region_id = ?", f.RegionID)
	c.str("m.date_from >= ?", f.EarliestFrom)
	c.str("m.date_from <= ?", f.EarliestTo)
	c.at("m.created_at >= ?", f.SentFrom)
	c.at("m.created_at < ?", f.SentTo)
	c.str("p.date_of_birth >= ?", f.BornFrom)
	c.str("p.date_of_birth <= ?", f.BornTo)
	return c.sql(), c.args
}

func (f ReviewFilter) order() string {
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	name := "p.last_name COLLATE NOCASE, p.first_names COLLATE NOCASE, m.reference"
	switch f.Sort {
	case "name":
		return "p.last_name COLLATE NOCASE " + dir + ", p.first_names COLLATE NOCASE " + dir + ", m.reference " + dir
	case "reference":
		return "m.reference " + dir
	case "sent":
		return "m.created_at " + dir + ", m.reference " + dir
	case "from":
		return "lf.title COLLATE NOCASE " + dir + ", " + name
	case "to":
		return "lt.title IS NULL, lt.title COLLATE NOCASE " + dir + ", " + name
	case "latest":
		return "m.date_to IS NULL, m.date_to " + dir + ", m.date_from " + dir + ", " + name
	default:
		return "m.date_from " + dir + ", m.created_at " + dir + ", m.reference " + dir
	}
}

// ReviewRequests returns a page of requests to review and how many match
// in all.
func (s *Store) ReviewRequests(ctx context.Context, f ReviewFilter) ([]ListRow, int, error) {
	where, args := f.where(true)
	var total int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM moves m"+listJoins(where)+where, args...).
		Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count requests to review: %w", err)
	}
	out, err := s.ReviewPage(ctx, f)
	return out, total, err
}

// ReviewPage returns a page of requests to review without counting them
// (the table takes its total from CountReviewRequests, which it needs for
// its tabs anyway).
func (s *Store) ReviewPage(ctx context.Context, f ReviewFilter) ([]ListRow, error) {
	q, args := f.pageQuery(s.eng.pg)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: requests to review: %w", err)
	}
	defer rows.Close()
	var out []ListRow
	for rows.Next() {
		r, err := scanListRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// pageQuery is ReviewPage's query, on PostgreSQL (pg) or SQLite.
func (f ReviewFilter) pageQuery(pg bool) (string, []any) {
	where, args := f.where(true)
	order := f.order()
	if f.Limit <= 0 {
		return listSelect + where + " ORDER BY " + order, args
	}
	// The page's moves are chosen by their sort keys (pageByKeys): a tab
	// whose order no index gives (approved requests are four statuses)
	// sorted every request of the tab whole to show twenty (1.1 s for the
	// approved tab at a million moves; 1.2 ms so). In the default order
	// SQLite is told to choose them from moves_review_by_date, which
	// holds its keys: without statistics its planner took moves_proposals
	// and read each row for them. Other orders are left to the planner
	// (moves_proposals holds the sent order of one status and reason).
	index := ""
	if !pg {
		if f.Sort == "" || f.Sort == "earliest" {
			index = "moves_review_by_date"
		}
		index = f.sqliteIndex(index)
	}
	return listSelect + pageByKeys(pg, index, where, order, f.Limit, f.Offset), args
}

// pageByKeys is the rest of a list's query, from WHERE on, that chooses
// the page's moves by their sort keys alone (where and order, joining
// only what those name) and reads only them whole: in no index's order,
// a list otherwise sorted every matching move with all its columns,
// people's and places' included, to show a page. On SQLite the page is
// chosen by rowid, which every index holds, so that the keys are read
// from the index alone; index, when set, is the one SQLite is told to
// choose them from.
func pageByKeys(pg bool, index, where, order string, limit, offset int) string {
	key, from := "m.rowid", " FROM moves m"
	if pg {
		key = "m.id"
	} else if index != "" {
		from += " INDEXED BY " + index
	}
	return " WHERE " + key + " IN (SELECT " + key + from + listJoins(where+order) + where + " ORDER BY " + order +
		fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(0, offset)) + ") ORDER BY " + order
}

// listJoins are the joins of the lists' selects (listSelect, ListMoves's)
// that the SQL text given (a condition, and an order) refers to: the
// counts and the choice of a page join only what their conditions and
// order need.
func listJoins(text string) string {
	j := ""
	if strings.Contains(text, "p.") {
		j += " LEFT JOIN people p ON p.id = m.person_id"
	}
	if strings.Contains(text, "lf.") {
		j += " JOIN locations lf ON lf.id = m.from_location_id"
	}
	if strings.Contains(text, "lt.") {
		j += " LEFT JOIN locations lt ON lt.id = m.to_location_id"
	}
	return j
}

// countQuery counts the requests matching f by move status and
// cancellation reason: the columns moves_proposals starts with, so that
// the engine counts each group as it walks the index, with no sort (a
// GROUP BY of the review status, a CASE, sorted every request's status
// first: twice the work). reviewStatusOf names each group's status.
func (f ReviewFilter) countQuery() (string, []any) {
	where, args := f.where(f.Status != "")
	return "SELECT m.status, CASE WHEN m.cancellation_reason = 'rejected' THEN 1 ELSE 0 END, COUNT(*) FROM moves m" + listJoins(where) + where +
		" GROUP BY m.status, m.cancellation_reason", args
}

// sqliteIndex is the index SQLite is told to read the requests from:
// when the filter names locations (a location's single requests, in any
// order, and their counts on its users' home page; PMU's filter by
// location), moves_review_by_location, which holds each location's
// proposals together; otherwise the one given ("" leaves it to the
// planner). Every other index of requests holds every location's, and
// each of its entries was read for where it came from (300 ms a page with
// 200,000 pending, for a location that sent three).
func (f ReviewFilter) sqliteIndex(otherwise string) string {
	if len(f.FromIDs) > 0 {
		return "moves_review_by_location"
	}
	return otherwise
}

// reviewCountQuery is countQuery as this store's engine runs it.
func (s *Store) reviewCountQuery(f ReviewFilter) (string, []any) {
	q, args := f.countQuery()
	if !s.eng.pg {
		// moves_review_by_date also starts with the status, and SQLite
		// took it for the pending count (a status equality), reading
		// every pending row for its cancellation reason and sorting them
		// to group: counts walk moves_proposals, which holds both.
		q = strings.Replace(q, "FROM moves m", "FROM moves m INDEXED BY "+f.sqliteIndex("moves_proposals"), 1)
	}
	return q, args
}

// reviewStatusOf is the review status of a request in the move status
// given, rejected or not.
func reviewStatusOf(status string, rejected bool) string {
	switch {
	case status == string(moves.StatusProposed):
		return ReviewPending
	case status == string(moves.StatusCancelled) && rejected:
		return ReviewRejected
	case status == string(moves.StatusCancelled):
		return ReviewCancelled
	}
	return ReviewApproved
}

// CountReviewRequests returns how many requests match f in each review
// status, in one query; with f.Status set, only that status is counted.
// With no filter but the tab, or but the tab and the hours sent, the
// tallies answer (tallies.go).
func (s *Store) CountReviewRequests(ctx context.Context, f ReviewFilter) (map[string]int, error) {
	var q string
	var args []any
	switch {
	case f.tallied():
		q = reviewTallyQuery
	case f.sentTallied():
		return s.countReviewSentTallied(ctx, f)
	default:
		q, args = s.reviewCountQuery(f)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count requests to review by status: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var rejected, n int64
		if err := rows.Scan(&status, &rejected, &n); err != nil {
			return nil, err
		}
		// The tallies hold every status, and zeros.
		if st := reviewStatusOf(status, rejected == 1); n != 0 && (f.Status == "" || f.Status == st) {
			out[st] += int(n)
		}
	}
	return out, rows.Err()
}
