package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/securemove/securemove/moves"
)

// Allocations: PMU's requests to move a number of people between two
// prisons on a date. Each place is a requested prison transfer created
// without a person; the allocation's counts and status are worked out from
// its places whenever it is read, so they can never disagree with them
// (a place cancelled through the API counts at once).

// AllocationRow is an allocation with its locations' titles.
type AllocationRow struct {
	moves.Allocation
	From string
	To   string
}

// placeCounts sums each allocation's places: live (not cancelled), all
// (every place it ever had, cancelled or not: a cancelled allocation's
// size, as upstream's meta.moves.total counts it) and filled (live with a
// person). Portable SQL: no engine-specific functions.
const placeCounts = `SELECT allocation_id,
	SUM(CASE WHEN status <> 'cancelled' THEN 1 ELSE 0 END) AS live,
	COUNT(*) AS allplaces,
	SUM(CASE WHEN status <> 'cancelled' AND person_id IS NOT NULL THEN 1 ELSE 0 END) AS filled
	FROM moves WHERE allocation_id IS NOT NULL GROUP BY allocation_id`

// allocationSizeSQL is AllocationRow.Total in SQL, for sorting by the
// size the pages show: the live places, every place once cancelled.
const allocationSizeSQL = `(CASE WHEN a.cancellation_reason IS NOT NULL THEN COALESCE(c.allplaces, 0) ELSE COALESCE(c.live, 0) END)`

// allocationMovesCountSQL is Allocation.MovesCount in SQL, for sorting by
// the API's moves_count: the live places, none once cancelled.
const allocationMovesCountSQL = `(CASE WHEN a.cancellation_reason IS NOT NULL THEN 0 ELSE COALESCE(c.live, 0) END)`

// allocationStatusSQL is moves.AllocationStatusOf in SQL, for filtering
// and counting by status (TestAllocationStatusSQLMatchesRule keeps them
// together).
const allocationStatusSQL = `(CASE WHEN a.cancellation_reason IS NOT NULL THEN 'cancelled'
	WHEN COALESCE(c.live, 0) > 0 AND COALESCE(c.filled, 0) >= c.live THEN 'filled' ELSE 'unfilled' END)`

const allocationSelect = `SELECT a.id, a.from_location_id, a.to_location_id, a.date, a.estate, a.estate_comment, a.prisoner_category,
	a.sentence_length, a.sentence_length_comment, a.complex_cases, a.complete_in_full, a.other_criteria, a.requested_by,
	COALESCE(a.cancellation_reason, ''), a.cancellation_comment, a.version, a.created_at, a.created_by, a.updated_at, a.updated_by,
	COALESCE(c.live, 0), COALESCE(c.allplaces, 0), COALESCE(c.filled, 0), lf.title, lt.title
	FROM allocations a JOIN locations lf ON lf.id = a.from_location_id JOIN locations lt ON lt.id = a.to_location_id
	LEFT JOIN (` + placeCounts + `) c ON c.allocation_id = a.id`

func scanAllocation(sc interface{ Scan(...any) error }) (AllocationRow, error) {
	var r AllocationRow
	a := &r.Allocation
	var cases string
	var full int
	var live, all int
	var created, updated int64
	err := sc.Scan(&a.ID, &a.FromID, &a.ToID, &a.Date, &a.Criteria.Estate, &a.Criteria.EstateComment, &a.Criteria.PrisonerCategory,
		&a.Criteria.SentenceLength, &a.Criteria.SentenceLengthComment, &cases, &full, &a.Criteria.OtherCriteria, &a.RequestedBy,
		&a.CancellationReason, &a.CancellationComment, &a.Version, &created, &a.CreatedBy, &updated, &a.UpdatedBy,
		&live, &all, &a.Filled, &r.From, &r.To)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(cases), &a.Criteria.ComplexCases); err != nil {
		return r, fmt.Errorf("store: allocation complex cases: %w", err)
	}
	a.Criteria.CompleteInFull = full == 1
	// Once cancelled, every place it had counts (those removed before
	// included), as the API's meta.moves.total says.
	a.Total = live
	if a.CancellationReason != "" {
		a.Total, a.Filled = all, 0
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return r, nil
}

// Allocation returns one allocation by id.
func (s *Store) Allocation(ctx context.Context, id string) (AllocationRow, error) {
	return getAllocation(ctx, s.r, id)
}

func getAllocation(ctx context.Context, q querier, id string) (AllocationRow, error) {
	r, err := scanAllocation(q.QueryRowContext(ctx, allocationSelect+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("allocation")
	}
	if err != nil {
		return r, fmt.Errorf("store: allocation: %w", err)
	}
	return r, nil
}

// AllocationPlaces returns an allocation's moves in the order they were
// made (place 1 first), with their people when filled.
func (s *Store) AllocationPlaces(ctx context.Context, id string) ([]MoveRow, error) {
	rows, _, err := s.ListMoves(ctx, MoveFilter{AllocationID: id, Sort: "created_at", Limit: moves.MaxAllocationSize * 4})
	return rows, err
}

// AllocationFilter selects allocations for a list.
type AllocationFilter struct {
	DateFrom, DateTo string // YYYY-MM-DD, inclusive
	// FromIDs limits to allocations from these locations (OCA's prisons,
	// or PMU's region), ToIDs to those to them; EitherIDs to those from or
	// to them.
	FromIDs   []string
	ToIDs     []string
	EitherIDs []string
	// SupplierID limits to allocations with a place that supplier serves.
	SupplierID string
	Status     moves.AllocationStatus
	// Sort is one of date, moves_count (the API's: none once cancelled),
	// size (the pages': Total), from_location, to_location, status; Desc
	// reverses it.
	Sort   string
	Desc   bool
	Limit  int
	Offset int
}

func (f AllocationFilter) where(withStatus bool) (string, []any) {
	var c conds
	c.str("a.date >= ?", f.DateFrom)
	c.str("a.date <= ?", f.DateTo)
	c.in("a.from_location_id", f.FromIDs)
	c.in("a.to_location_id", f.ToIDs)
	if len(f.EitherIDs) > 0 {
		p := placeholders(len(f.EitherIDs))
		var args []any
		for range 2 {
			for _, v := range f.EitherIDs {
				args = append(args, v)
			}
		}
		c.raw("(a.from_location_id IN ("+p+") OR a.to_location_id IN ("+p+"))", args...)
	}
	c.str("EXISTS (SELECT 1 FROM moves sm WHERE sm.allocation_id = a.id AND sm.supplier_id = ?)", f.SupplierID)
	if withStatus && f.Status != "" {
		c.raw(allocationStatusSQL+" = ?", string(f.Status))
	}
	return c.sql(), c.args
}

func (f AllocationFilter) order() string {
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	switch f.Sort {
	case "moves_count":
		return allocationMovesCountSQL + " " + dir + ", a.date, a.id"
	case "size":
		return allocationSizeSQL + " " + dir + ", a.date, a.id"
	case "from_location":
		return "lf.title " + dir + ", a.date, a.id"
	case "to_location":
		return "lt.title " + dir + ", a.date, a.id"
	case "status":
		return allocationStatusSQL + " " + dir + ", a.date, a.id"
	default:
		return "a.date " + dir + ", lf.title, lt.title, a.id"
	}
}

// ListAllocations returns a page of allocations and how many match.
func (s *Store) ListAllocations(ctx context.Context, f AllocationFilter) ([]AllocationRow, int, error) {
	where, args := f.where(true)
	var total int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM allocations a LEFT JOIN ("+placeCounts+") c ON c.allocation_id = a.id"+where, args...).
		Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count allocations: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.r.QueryContext(ctx, allocationSelect+where+" ORDER BY "+f.order()+fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(0, f.Offset)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list allocations: %w", err)
	}
	defer rows.Close()
	var out []AllocationRow
	for rows.Next() {
		r, err := scanAllocation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// CountAllocationsByStatus counts the filter's allocations in each status,
// ignoring its own status (each filter tab shows its count).
func (s *Store) CountAllocationsByStatus(ctx context.Context, f AllocationFilter) (map[moves.AllocationStatus]int, error) {
	where, args := f.where(false)
	rows, err := s.r.QueryContext(ctx, "SELECT "+allocationStatusSQL+", COUNT(*) FROM allocations a LEFT JOIN ("+placeCounts+
		") c ON c.allocation_id = a.id"+where+" GROUP BY "+allocationStatusSQL, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count allocations: %w", err)
	}
	defer rows.Close()
	out := map[moves.AllocationStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[moves.AllocationStatus(st)] = n
	}
	return out, rows.Err()
}

// CreateAllocation validates and records an allocation with its places:
// that many requested prison transfers without a person, each opening its
// log with MoveRequested, all in one unit of work (all or nothing). today
// is the Europe/London date the date may not be before.
func (s *Store) CreateAllocation(ctx context.Context, na moves.NewAllocation, by, today string) (AllocationRow, error) {
	var from, to *moves.Location
	if l, err := s.location(ctx, na.FromID); err == nil {
		from = &l
	}
	if l, err := s.location(ctx, na.ToID); err == nil {
		to = &l
	}
	fe := moves.ValidateAllocationDetails(na, from, to, today)
	// Only what is given is checked: the API's contract makes the estate
	// and the rest optional; the wizard asks its own questions first.
	fe = append(fe, moves.ValidateCriteriaGiven(na.Criteria)...)
	if len(fe) > 0 {
		return AllocationRow{}, moves.InvalidFields(fe)
	}
	cases, err := json.Marshal(nonNilCases(na.ComplexCases))
	if err != nil {
		return AllocationRow{}, err
	}
	var out AllocationRow
	err = s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		now := writeNow(u)
		id := plannedID(ctx)
		c := na.Criteria
		if _, err := u.ExecContext(ctx, `INSERT INTO allocations (id, from_location_id, to_location_id, date, estate, estate_comment,
			prisoner_category, sentence_length, sentence_length_comment, complex_cases, complete_in_full, other_criteria, requested_by,
			version, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?,?,?,?)`,
			id, na.FromID, na.ToID, na.Date, c.Estate, c.EstateComment, c.PrisonerCategory, c.SentenceLength, c.SentenceLengthComment,
			string(cases), boolInt(c.CompleteInFull), c.OtherCriteria, na.RequestedBy, micros(now), by, micros(now), by); err != nil {
			return fmt.Errorf("store: insert allocation: %w", err)
		}
		supplier, err := supplierFor(ctx, u.sqlTx(), na.FromID, na.Date)
		if err != nil {
			return err
		}
		for i := 0; i < na.Count; i++ {
			// Each place a microsecond apart, the last at now (never in
			// the future), so "place 1, 2, 3" keeps the order they were
			// made in.
			at := now.Add(-time.Duration(na.Count-1-i) * time.Microsecond)
			if err := s.insertPlace(ctx, u, id, na, supplier, by, at); err != nil {
				return err
			}
		}
		out, err = getAllocation(ctx, u.sqlTx(), id)
		return err
	})
	if err != nil {
		return AllocationRow{}, err
	}
	return out, nil
}

func nonNilCases(cs []moves.ComplexCaseAnswer) []moves.ComplexCaseAnswer {
	if cs == nil {
		return []moves.ComplexCaseAnswer{}
	}
	return cs
}

// insertPlace makes one empty place: a requested prison transfer with no
// person, and its MoveRequested event.
func (s *Store) insertPlace(ctx context.Context, u *Unit, allocationID string, na moves.NewAllocation, supplier, by string, now time.Time) error {
	tx := u.sqlTx()
	m := moves.Move{ID: plannedID(ctx), Status: moves.StatusRequested, MoveType: moves.PrisonTransfer, FromID: na.FromID, ToID: na.ToID,
		Date: na.Date, SupplierID: supplier, AllocationID: allocationID, Version: 1, CreatedAt: now, UpdatedAt: now, CreatedBy: by, UpdatedBy: by}
	var err error
	for attempt := 0; ; attempt++ {
		if m.Reference, err = s.plannedReference(ctx); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO moves (id, reference, status, move_type, from_location_id, to_location_id, date,
			supplier_id, allocation_id, initial_status, initial_move_type, initial_to_location_id, initial_date,
			version, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			m.ID, m.Reference, string(m.Status), string(m.MoveType), m.FromID, m.ToID, m.Date, nullStr(m.SupplierID), allocationID,
			string(m.Status), string(m.MoveType), m.ToID, m.Date, m.Version, micros(now), by, micros(now), by)
		if err == nil {
			break
		}
		if isConstraint(err) && strings.Contains(err.Error(), "reference") && attempt < 20 {
			continue
		}
		return fmt.Errorf("store: insert allocation place: %w", err)
	}
	ev := moves.Event{ID: seededID(ctx), MoveID: m.ID, Type: moves.EventMoveRequested, OccurredAt: now, RecordedAt: now,
		Notes: "Created for an allocation", CreatedBy: by, Applied: true, CreatedAt: now}
	ev = moves.KeepMoveSupplier(ev, m.SupplierID)
	if _, err := insertEvent(ctx, tx, &ev, ""); err != nil {
		return err
	}
	u.TouchMove(m)
	// A place is a requested move like any other: its supplier is told of
	// it now, not when someone is added.
	return u.notifyChange(ctx, moves.ChangeCreated, m, nil)
}

// bumpAllocation records a change to the allocation itself.
func bumpAllocation(ctx context.Context, u *Unit, id, by string) error {
	_, err := u.ExecContext(ctx, "UPDATE allocations SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?",
		micros(writeNow(u)), by, id)
	return err
}

// allocationForChange reads an allocation inside a unit and checks that
// the role may take the action, and that the version is the one the
// person saw (0: not checked).
func allocationForChange(ctx context.Context, u *Unit, id string, role moves.Role, a moves.AllocationAction, version int64) (AllocationRow, error) {
	// Every change to an allocation or its places takes this lock first
	// (then its moves'), so that on PostgreSQL a cancel and a fill of the
	// same allocation queue instead of one filling a place the other is
	// cancelling, and never lock in opposite orders.
	if err := u.s.eng.lockKey(ctx, u.tx, "allocation", id); err != nil {
		return AllocationRow{}, err
	}
	r, err := getAllocation(ctx, u.sqlTx(), id)
	if err != nil {
		return r, err
	}
	if !moves.AllocationAllowed(role, a, r.Allocation) {
		if r.Status() == moves.AllocationCancelled {
			return r, moves.Errorf(moves.Conflict, "The allocation has been cancelled")
		}
		return r, moves.Errorf(moves.Forbidden, "You cannot do that to this allocation")
	}
	if version != 0 && version != r.Version {
		return r, moves.Errorf(moves.Conflict, "The allocation changed since you opened it: look at it again")
	}
	return r, nil
}

// appendIn records an event on a move inside the unit u (it joins it).
func (s *Store) appendIn(u *Unit, m moves.Move, typ moves.EventType, details map[string]any, by string) error {
	now := writeNow(u)
	_, _, err := s.AppendEvent(u.Context(), moves.Event{ID: seededID(u.Context()), MoveID: m.ID, Type: typ, OccurredAt: now, RecordedAt: now, Details: details,
		CreatedBy: by}, AppendOptions{ExpectedVersion: m.Version, By: by, AllocationDate: true})
	return err
}

// placePersonEvent records in a place's log that allocation staff added a
// person to it or removed them (MoveUpdate, changed: person), so the
// timeline and the supplier hear of it. The state machine has the last
// word: once the person has left custody it does not apply, and nothing
// is written.
func (s *Store) placePersonEvent(u *Unit, m moves.Move, details map[string]any, by string) error {
	now := writeNow(u)
	details["changed"] = []string{moves.ChangedPerson}
	ev, _, err := s.AppendEvent(u.Context(), moves.Event{ID: seededID(u.Context()), MoveID: m.ID, Type: moves.EventMoveUpdate, OccurredAt: now,
		RecordedAt: now, Details: details, CreatedBy: by}, AppendOptions{ExpectedVersion: m.Version, By: by})
	if err != nil {
		return err
	}
	if !ev.Applied {
		return moves.Errorf(moves.Conflict, "%s", ev.Reason)
	}
	return nil
}

// AllocationChange says who changes an allocation, and which version of it
// they saw (0: any).
type AllocationChange struct {
	By      string
	Role    moves.Role
	Version int64
}

// ChangeAllocationDate moves the allocation and every place not cancelled
// to a new date, each place with its MoveDateChanged, in one unit of work.
// A place that has left custody cannot change date, so neither can the
// allocation then. The reason is optional (as upstream's, and PATCH
// /api/moves/:id's), one of DateChangedReasons when given; the staff page
// asks for it itself.
func (s *Store) ChangeAllocationDate(ctx context.Context, id, date, reason, today string, ch AllocationChange) error {
	date, fe := moves.ValidateNewAllocationDate(date, today)
	if reason != "" && !containsString(moves.DateChangedReasons, reason) {
		fe.Add("date_changed_reason", "inclusion", "Select why the date is changing from the list")
	}
	if len(fe) > 0 {
		return moves.InvalidFields(fe)
	}
	return s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		a, err := allocationForChange(ctx, u, id, ch.Role, moves.AllocChangeDate, ch.Version)
		if err != nil {
			return err
		}
		if a.Date == date {
			return moves.InvalidFields(moves.FieldErrors{{Field: "date", Code: "same", Message: "The new date must be different from the date the allocation is on now"}})
		}
		places, err := livePlaces(ctx, u, id)
		if err != nil {
			return err
		}
		for _, m := range places {
			if !moves.PlaceMayChange(m) {
				return moves.Errorf(moves.Conflict, "A move of this allocation (%s) has left custody, so its date cannot change", m.Reference)
			}
		}
		details := map[string]any{"date": date}
		if reason != "" {
			details["date_changed_reason"] = reason
		}
		for _, m := range places {
			if err := s.appendIn(u, m, moves.EventMoveDateChanged, details, ch.By); err != nil {
				return err
			}
		}
		if _, err := u.ExecContext(ctx, "UPDATE allocations SET date = ? WHERE id = ?", date, id); err != nil {
			return err
		}
		return bumpAllocation(ctx, u, id, ch.By)
	})
}

// CancelAllocation cancels the allocation and every place not cancelled
// yet (each with its MoveCancel, reason allocation_cancelled), in one unit
// of work. The comment is optional, as the API's contract has it; the
// staff page asks for one with "other" itself.
func (s *Store) CancelAllocation(ctx context.Context, id, reason, comment string, ch AllocationChange) error {
	if !moves.AllocationCancellationReasonValid(reason) {
		return moves.InvalidFields(moves.FieldErrors{{Field: "cancellation_reason", Code: "blank", Message: "Select why the allocation is cancelled"}})
	}
	if len([]rune(comment)) > moves.MaxComment {
		return moves.InvalidFields(moves.FieldErrors{{Field: "cancellation_reason_comment", Code: "too_long",
			Message: fmt.Sprintf("More information must be %d characters or fewer", moves.MaxComment)}})
	}
	return s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		if _, err := allocationForChange(ctx, u, id, ch.Role, moves.AllocCancel, ch.Version); err != nil {
			return err
		}
		places, err := livePlaces(ctx, u, id)
		if err != nil {
			return err
		}
		label := moves.Label(moves.AllocationCancellationReasonLabels, reason)
		if comment != "" {
			label += ": " + comment
		}
		for _, m := range places {
			if m.Status.Final() {
				continue // completed: it happened
			}
			if err := s.appendIn(u, m, moves.EventMoveCancel, map[string]any{"cancellation_reason": "allocation_cancelled",
				"cancellation_reason_comment": "Allocation cancelled (" + label + ")"}, ch.By); err != nil {
				return err
			}
		}
		if _, err := u.ExecContext(ctx, "UPDATE allocations SET cancellation_reason = ?, cancellation_comment = ? WHERE id = ?",
			reason, comment, id); err != nil {
			return err
		}
		return bumpAllocation(ctx, u, id, ch.By)
	})
}

// RemoveAllocationPlace takes an empty place away: its move is cancelled
// and the allocation is one smaller. A filled place is emptied first.
func (s *Store) RemoveAllocationPlace(ctx context.Context, id, moveID string, ch AllocationChange) error {
	return s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		if _, err := allocationForChange(ctx, u, id, ch.Role, moves.AllocRemovePlace, ch.Version); err != nil {
			return err
		}
		m, err := getMove(ctx, u.sqlTx(), moveID)
		if err != nil || m.AllocationID != id {
			return notFound("move")
		}
		if m.Status == moves.StatusCancelled {
			return moves.Errorf(moves.Conflict, "That place has already been removed")
		}
		if m.PersonID != "" {
			return moves.Errorf(moves.Conflict, "That place has a person: they must be removed from it first")
		}
		if err := s.appendIn(u, m, moves.EventMoveCancel, map[string]any{"cancellation_reason": "cancelled_by_pmu",
			"cancellation_reason_comment": "Place removed from the allocation"}, ch.By); err != nil {
			return err
		}
		return bumpAllocation(ctx, u, id, ch.By)
	})
}

func livePlaces(ctx context.Context, u *Unit, id string) ([]moves.Move, error) {
	rows, err := u.QueryContext(ctx, "SELECT "+moveCols+" FROM moves m WHERE m.allocation_id = ? AND m.status <> 'cancelled' ORDER BY m.created_at, m.id", id)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func(sc interface{ Scan(...any) error }) (moves.Move, error) { return scanMove(sc) })
}

// scanAll reads every row with scan and closes rows.
func scanAll[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// placeForChange reads a place for allocation staff's change inside u:
// the allocation is checked (and locked) first, then the move is read
// again under its own lock, the order every allocation change keeps.
func (s *Store) placeForChange(u *Unit, moveID string, role moves.Role, act moves.AllocationAction) (moves.Move, error) {
	ctx := u.Context()
	m, err := getMove(ctx, u.sqlTx(), moveID)
	if err != nil || m.AllocationID == "" {
		return m, notFound("move")
	}
	if _, err := allocationForChange(ctx, u, m.AllocationID, role, act, 0); err != nil {
		return m, err
	}
	return s.lockMove(ctx, u.tx, moveID)
}

// FillPlace adds a person to an allocation's empty place, with whether the
// receiving prison agreed to the move and who agreed. A person already on
// another active move from and to the same prisons that day is refused,
// as for any move.
type FillPlace struct {
	MoveID   string
	PersonID string
	Agreed   bool
	AgreedBy string
	// Version is the move's version the person saw (0: any).
	Version int64
}

// FillAllocationPlace adds a person to a place (see FillPlace).
func (s *Store) FillAllocationPlace(ctx context.Context, f FillPlace, ch AllocationChange) (moves.Move, error) {
	var out moves.Move
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		tx := u.sqlTx()
		m, err := s.placeForChange(u, f.MoveID, ch.Role, moves.AllocFill)
		if err != nil {
			return err
		}
		if f.Version != 0 && f.Version != m.Version {
			return moves.Errorf(moves.Conflict, "The place changed since you opened it: look at it again")
		}
		switch {
		case !moves.PlaceMayChange(m):
			return moves.Errorf(moves.Conflict, "A person can be added only while the move is requested or booked")
		case m.PersonID != "":
			return moves.Errorf(moves.Conflict, "That place already has a person")
		}
		person, err := scanPerson(tx.QueryRowContext(ctx, "SELECT "+personCols+" FROM people WHERE id = ?", f.PersonID))
		if err != nil {
			return moves.InvalidFields(moves.FieldErrors{{Field: "person", Code: "not_found", Message: "The person does not exist"}})
		}
		m.PersonID = person.ID
		if err := s.checkDuplicate(ctx, tx, m); err != nil {
			return err
		}
		var taken string
		err = tx.QueryRowContext(ctx, "SELECT reference FROM moves WHERE allocation_id = ? AND person_id = ? AND status <> 'cancelled'",
			m.AllocationID, person.ID).Scan(&taken)
		if err == nil {
			return moves.Errorf(moves.Conflict, "%s is already in this allocation (move %s)", person.FullName(), taken)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		pr := moves.Profile{ID: seededID(ctx), PersonID: person.ID, CreatedBy: ch.By}
		if err := s.createProfile(ctx, tx, &pr); err != nil {
			return err
		}
		m.ProfileID = pr.ID
		agreed := f.Agreed
		m.MoveAgreed, m.MoveAgreedBy = &agreed, strings.TrimSpace(f.AgreedBy)
		if !agreed {
			m.MoveAgreedBy = ""
		}
		details := map[string]any{moves.DetailPersonAdded: moves.PersonLabel(person), "move_agreed": agreed}
		if m.MoveAgreedBy != "" {
			details["move_agreed_by"] = m.MoveAgreedBy
		}
		if err := s.placePersonEvent(u, m, details, ch.By); err != nil {
			return err
		}
		m.Version++
		m.UpdatedAt, m.UpdatedBy = writeNow(u), ch.By
		if _, err := tx.ExecContext(ctx, `UPDATE moves SET person_id = ?, profile_id = ?, move_agreed = ?, move_agreed_by = ?, version = ?,
			updated_at = ?, updated_by = ? WHERE id = ?`, m.PersonID, m.ProfileID, boolInt(agreed), m.MoveAgreedBy, m.Version,
			micros(m.UpdatedAt), ch.By, m.ID); err != nil {
			return fmt.Errorf("store: fill place: %w", err)
		}
		u.TouchMove(m)
		// The move changed (it has a person now): update_move, as
		// upstream sends when a place's profile is set.
		if err := u.notifyChange(ctx, moves.ChangeUpdated, m, nil); err != nil {
			return err
		}
		out = m
		return bumpAllocation(ctx, u, m.AllocationID, ch.By)
	})
	return out, err
}

// EmptyAllocationPlace removes the person from a place while its move is
// requested or booked; the place waits for someone else.
func (s *Store) EmptyAllocationPlace(ctx context.Context, moveID string, version int64, ch AllocationChange) (moves.Move, error) {
	var out moves.Move
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		tx := u.sqlTx()
		m, err := s.placeForChange(u, moveID, ch.Role, moves.AllocEmpty)
		if err != nil {
			return err
		}
		if version != 0 && version != m.Version {
			return moves.Errorf(moves.Conflict, "The place changed since you opened it: look at it again")
		}
		switch {
		case m.PersonID == "":
			return moves.Errorf(moves.Conflict, "That place has nobody to remove")
		case !moves.PlaceMayChange(m):
			return moves.Errorf(moves.Conflict, "A person cannot be removed once the move is in transit, completed or cancelled")
		}
		person, err := scanPerson(tx.QueryRowContext(ctx, "SELECT "+personCols+" FROM people WHERE id = ?", m.PersonID))
		if err != nil {
			return fmt.Errorf("store: the place's person: %w", err)
		}
		if err := s.placePersonEvent(u, m, map[string]any{moves.DetailPersonRemoved: moves.PersonLabel(person)}, ch.By); err != nil {
			return err
		}
		u.TouchMove(m) // the person's lists lose it too
		m.PersonID, m.ProfileID, m.MoveAgreed, m.MoveAgreedBy = "", "", nil, ""
		m.Version++
		m.UpdatedAt, m.UpdatedBy = writeNow(u), ch.By
		if _, err := tx.ExecContext(ctx, `UPDATE moves SET person_id = NULL, profile_id = NULL, move_agreed = NULL, move_agreed_by = '',
			version = ?, updated_at = ?, updated_by = ? WHERE id = ?`, m.Version, micros(m.UpdatedAt), ch.By, m.ID); err != nil {
			return fmt.Errorf("store: empty place: %w", err)
		}
		if err := u.notifyChange(ctx, moves.ChangeUpdated, m, nil); err != nil {
			return err
		}
		out = m
		return bumpAllocation(ctx, u, m.AllocationID, ch.By)
	})
	return out, err
}
