package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

const eventCols = `seq, id, move_id, event_type, occurred_at, recorded_at, notes, details, rels, created_by,
	COALESCE(supplier_id,''), applied, reason, late, created_at, COALESCE(journey_id,''), COALESCE(lodging_id,''), COALESCE(move_supplier_id,'')`

func scanEvent(sc interface{ Scan(...any) error }) (moves.Event, error) {
	var e moves.Event
	var typ, details, rels string
	var occurred, recorded, created int64
	var applied, late int
	if err := sc.Scan(&e.Seq, &e.ID, &e.MoveID, &typ, &occurred, &recorded, &e.Notes, &details, &rels, &e.CreatedBy,
		&e.SupplierID, &applied, &e.Reason, &late, &created, &e.JourneyID, &e.LodgingID, &e.MoveSupplierID); err != nil {
		return e, err
	}
	e.Type = moves.EventType(typ)
	e.OccurredAt = fromMicros(occurred)
	e.RecordedAt = fromMicros(recorded)
	e.CreatedAt = fromMicros(created)
	e.Applied = applied == 1
	e.Late = late == 1
	// Most events have no relationships and many no details: "{}" is
	// the empty map json.Unmarshal would make, without its decoder.
	if details == "{}" {
		e.Details = map[string]any{}
	} else if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
		return e, fmt.Errorf("store: event %s details: %w", e.ID, err)
	}
	if rels == "{}" {
		e.Rels = map[string]string{}
	} else if err := json.Unmarshal([]byte(rels), &e.Rels); err != nil {
		return e, fmt.Errorf("store: event %s relationships: %w", e.ID, err)
	}
	return e, nil
}

func insertEvent(ctx context.Context, q querier, e *moves.Event, clientID string) (int64, error) {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	if e.Rels == nil {
		e.Rels = map[string]string{}
	}
	details, err := json.Marshal(e.Details)
	if err != nil {
		return 0, err
	}
	rels, err := json.Marshal(e.Rels)
	if err != nil {
		return 0, err
	}
	// Only the move's own creation event is flagged: a journey's or a
	// lodging's opens its own log, not the move's.
	spec, _ := moves.SpecFor(e.Type)
	// RETURNING rather than LastInsertId, which PostgreSQL has not.
	err = q.QueryRowContext(ctx, `INSERT INTO events (id, move_id, event_type, creation, occurred_at, recorded_at, notes, details, rels,
		created_by, supplier_id, client_id, applied, reason, late, created_at, journey_id, lodging_id, move_supplier_id)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING seq`,
		e.ID, e.MoveID, string(e.Type), boolInt(spec.Creation), micros(e.OccurredAt), micros(e.RecordedAt), e.Notes, string(details), string(rels),
		e.CreatedBy, nullStr(e.SupplierID), nullStr(clientID), boolInt(e.Applied), e.Reason, boolInt(e.Late), micros(e.CreatedAt),
		nullStr(e.JourneyID), nullStr(e.LodgingID), nullStr(e.MoveSupplierID)).Scan(&e.Seq)
	if err != nil {
		return 0, fmt.Errorf("store: insert event: %w", err)
	}
	return e.Seq, nil
}

// Events returns a move's log in order: its own events and those of its
// journeys and lodgings (JourneyID or LodgingID set), everything its
// timeline shows. moves.Replay leaves the journeys' and lodgings' alone.
func (s *Store) Events(ctx context.Context, moveID string) ([]moves.Event, error) {
	return queryEvents(ctx, s.r, "move_id = ?", moveID)
}

// ownEventsOnly narrows a query of events to a move's own.
const ownEventsOnly = " AND journey_id IS NULL AND lodging_id IS NULL"

// moveEvents is a move's own log in order, without its journeys' and
// lodgings' events: what the move's replays read.
func moveEvents(ctx context.Context, q querier, moveID string) ([]moves.Event, error) {
	return queryEvents(ctx, q, "move_id = ?"+ownEventsOnly, moveID)
}

func queryEvents(ctx context.Context, q querier, where string, args ...any) ([]moves.Event, error) {
	out, err := collect(ctx, q, scanEvent, "SELECT "+eventCols+" FROM events WHERE "+where+" ORDER BY creation DESC, occurred_at, recorded_at, seq", args...)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	return out, nil
}

// Event returns one event by id.
func (s *Store) Event(ctx context.Context, id string) (moves.Event, error) {
	e, err := scanEvent(s.r.QueryRowContext(ctx, "SELECT "+eventCols+" FROM events WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("event")
	}
	return e, err
}

// AppendOptions qualify AppendEvent.
type AppendOptions struct {
	// ExpectedVersion, when not zero, is the move version the person acted
	// on: if the move has changed since, the event is refused as a conflict
	// and nothing is stored.
	ExpectedVersion int64
	ClientID        string
	By              string // who, for the move's updated_by
	// Visible, when set, says whether the one posting may see the move:
	// a move it refuses is not found, before anything else about the
	// event is said (so nothing is learnt of moves one may not see).
	Visible func(moves.Move) bool
	// AllocationDate is the allocation's own change of date, which moves
	// all its places together (ChangeAllocationDate). Any other
	// MoveDateChanged on a place of an allocation is refused: a place on
	// another day than its allocation would be booked twice over, once
	// by the allocation and once by itself.
	AllocationDate bool
	// NotifyAs, when set, is how the move's suppliers are told of the
	// event: a service's record of an edit made in the browser (the
	// move's details, the person, the profile) is told as the move
	// updated (update_move), as upstream tells such an edit, rather than
	// as an event recorded (create_event).
	NotifyAs moves.Change
}

// told is how the event appended with these options is told.
func (o AppendOptions) told() moves.Change {
	if o.NotifyAs != 0 {
		return o.NotifyAs
	}
	return moves.ChangeEvent
}

// AppendEvent validates an event, places it in its move's log and
// recomputes the move from the whole log, all in one transaction: both
// commit or neither does. An event invalid in itself is refused with field
// errors and nothing is stored; one that cannot apply at its place in the
// log is kept, marked not applied with the reason.
//
// Concurrent calls are committed together on SQLite: a single writer
// goroutine takes every append waiting at the time into one transaction,
// each inside its own savepoint, so one refused event never undoes another
// and a crash loses no acknowledged event. On PostgreSQL each commits on
// its own, several at once (pgWriteLanes).
func (s *Store) AppendEvent(ctx context.Context, e moves.Event, opt AppendOptions) (moves.Event, moves.Move, error) {
	spec, ok := moves.SpecFor(e.Type)
	if !ok {
		return e, moves.Move{}, moves.InvalidFields(moves.FieldErrors{{Field: "event_type", Code: "inclusion",
			Message: fmt.Sprintf("event_type %q is not a known event type", e.Type)}})
	}
	if spec.Creation {
		return e, moves.Move{}, moves.InvalidFields(moves.FieldErrors{{Field: "event_type", Code: "inclusion",
			Message: fmt.Sprintf("event_type %s is recorded by the service when a move is created, and cannot be posted", e.Type)}})
	}
	all, err := s.allLocations(ctx)
	if err != nil {
		return e, moves.Move{}, err
	}
	e.Details = moves.NormalizeDetails(e.Type, e.Details)
	refs := locationLookup{all: all}
	if fe := moves.ValidateEvent(e, refsWithoutMoves{refs}); len(fe) > 0 {
		// Refuse what is wrong in itself before queueing for the writer;
		// references to moves are checked inside the transaction. A move
		// the poster may not see is not found first, as it is inside.
		if opt.Visible != nil {
			if m, err := s.Move(ctx, e.MoveID); err != nil || !opt.Visible(m) {
				return e, moves.Move{}, notFound("move")
			}
		}
		return e, moves.Move{}, moves.InvalidFields(fe)
	}
	var ev moves.Event
	var m moves.Move
	err = s.unit(ctx, func(u *Unit) error {
		var err error
		ev, m, err = s.appendTx(u.Context(), u, e, opt, all)
		if err == nil {
			u.TouchMove(m)
		}
		return err
	})
	if err != nil {
		return moves.Event{}, moves.Move{}, err
	}
	return ev, m, nil
}

// refsWithoutMoves answers every move reference as existing, so the
// pre-check outside the transaction leaves them to the check inside it.
type refsWithoutMoves struct{ locationLookup }

func (refsWithoutMoves) MoveExists(string) bool { return true }

// appendTx does AppendEvent's work inside a transaction.
func (s *Store) appendTx(ctx context.Context, u *Unit, e moves.Event, opt AppendOptions, all map[string]moves.Location) (moves.Event, moves.Move, error) {
	tx := u.tx
	refs := locationLookup{all: all, moves: func(id string) bool {
		var one int
		return tx.QueryRowContext(ctx, "SELECT 1 FROM moves WHERE id = ?", id).Scan(&one) == nil
	}}
	m, err := s.lockMove(ctx, tx, e.MoveID)
	if err == nil {
		// As it was: a change of places leaves the old ones' lists stale.
		u.TouchMove(m)
	}
	if err == nil && opt.Visible != nil && !opt.Visible(m) {
		err = notFound("move")
	}
	if opt.Visible != nil && err != nil {
		return e, m, err
	}
	if fe := moves.ValidateEvent(e, refs); len(fe) > 0 {
		return e, moves.Move{}, moves.InvalidFields(fe)
	}
	if err != nil {
		return e, m, err
	}
	if e.Type == moves.EventMoveDateChanged {
		if err := s.dateMayChange(ctx, tx, m, opt); err != nil {
			return e, m, err
		}
	}
	if e.Type == moves.EventMoveReject && e.Bool("rebook") && !moves.Rebookable(m) {
		// Refused whole, rather than failing in the rebooking: a move
		// with nobody on it (an allocation's empty place) has no one to
		// propose again.
		return e, m, moves.InvalidFields(moves.FieldErrors{{Field: "rebook", Code: "invalid",
			Message: "This move has no person, so there is nobody to propose again: reject it without rebook"}})
	}
	if opt.ExpectedVersion != 0 && opt.ExpectedVersion != m.Version {
		return e, m, s.conflictSince(ctx, tx.Tx, m)
	}
	// Most events arrive in order: they go at the end of the log, so the
	// move's stored state (the log replayed so far) is where they apply and
	// nothing earlier changes. Only a late event needs the whole replay.
	var lastOcc, lastRec int64
	inOrder := false
	err = tx.QueryRowContext(ctx, `SELECT occurred_at, recorded_at FROM events WHERE move_id = ? AND creation = 0`+ownEventsOnly+`
		ORDER BY occurred_at DESC, recorded_at DESC LIMIT 1`, m.ID).Scan(&lastOcc, &lastRec)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		inOrder = true
	case err != nil:
		return e, m, err
	default:
		occ, rec := micros(e.OccurredAt), micros(e.RecordedAt)
		inOrder = occ > lastOcc || (occ == lastOcc && rec >= lastRec)
	}
	// The demo's own events (an allocation's places cancelled while it
	// is seeded) are dated by its plan, so that a reset writes the same
	// rows whenever it runs.
	now := writeNow(u)
	if e.ID == "" {
		e.ID = newEventID()
	}
	e.CreatedAt = now
	e.Applied, e.Reason, e.Late = true, "", false
	// The supplier its entry names, as the move has it now; keepSupplier
	// corrects it once the event has applied, should that hand the move to
	// another supplier.
	e = moves.KeepMoveSupplier(e, m.SupplierID)
	if inOrder {
		state, reason := moves.Apply(m.State(), e, refs)
		if reason != "" {
			e.Applied, e.Reason = false, reason
		}
		if _, err := insertEvent(ctx, tx, &e, opt.ClientID); err != nil {
			return e, m, err
		}
		if m, err = s.saveState(ctx, u, m, state, opt.By, now); err != nil {
			return e, m, err
		}
		if err := keepSupplier(ctx, tx, &e, m); err != nil {
			return e, m, err
		}
		if e.Type == moves.EventMoveLodgingStart || e.Type == moves.EventMoveLodgingEnd {
			// Whether it applies is the lodgings' to say.
			if err := s.replayLodgings(ctx, u, m); err != nil {
				return e, m, err
			}
			if e, err = scanEvent(tx.QueryRowContext(ctx, "SELECT "+eventCols+" FROM events WHERE id = ?", e.ID)); err != nil {
				return e, m, err
			}
		}
		return e, m, u.notifyChange(ctx, opt.told(), m, &e)
	}
	log, err := moveEvents(ctx, tx, m.ID)
	if err != nil {
		return e, m, err
	}
	if _, err := insertEvent(ctx, tx, &e, opt.ClientID); err != nil {
		return e, m, err
	}
	m, err = s.replay(ctx, u, m, append(log, e), refs, opt.By, now)
	if err != nil {
		return e, m, err
	}
	if err := keepSupplier(ctx, tx, &e, m); err != nil {
		return e, m, err
	}
	// The move's replay marked its lodging events as the move sees them;
	// the lodgings have the last word.
	if err := s.replayLodgings(ctx, u, m); err != nil {
		return e, m, err
	}
	// Read back the marks the replay gave the new event.
	if e, err = scanEvent(tx.QueryRowContext(ctx, "SELECT "+eventCols+" FROM events WHERE id = ?", e.ID)); err != nil {
		return e, m, err
	}
	return e, m, u.notifyChange(ctx, opt.told(), m, &e)
}

// keepSupplier keeps on an event that names the move's supplier the one
// the move is with once the event has applied: an approval, or a new date,
// can hand the move to the supplier serving its from-location on its date
// (saveState), and "approved and requested with" names that one. Written
// only then: every other event was inserted with it already.
func keepSupplier(ctx context.Context, tx querier, e *moves.Event, m moves.Move) error {
	if !moves.KeepsMoveSupplier(*e) || m.SupplierID == "" || m.SupplierID == e.MoveSupplierID {
		return nil
	}
	e.MoveSupplierID = m.SupplierID
	if _, err := tx.ExecContext(ctx, "UPDATE events SET move_supplier_id = ? WHERE id = ?", e.MoveSupplierID, e.ID); err != nil {
		return fmt.Errorf("store: supplier of event %s: %w", e.ID, err)
	}
	return nil
}

// replay recomputes a move from its initial state and whole log, stores the
// changed marks and state, and books the rebooked move a rejection asks
// for. It runs inside the caller's transaction.
func (s *Store) replay(ctx context.Context, u *Unit, m moves.Move, log []moves.Event, refs locationLookup, by string, now time.Time) (moves.Move, error) {
	tx := u.sqlTx()
	var base moves.State
	var initStatus, initType string
	var initTo, initDate, initFrom, initTo2 sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT initial_status, initial_move_type, initial_to_location_id, initial_date, initial_date_from, initial_date_to
		FROM moves WHERE id = ?`, m.ID).Scan(&initStatus, &initType, &initTo, &initDate, &initFrom, &initTo2); err != nil {
		return m, err
	}
	base = moves.State{Status: moves.Status(initStatus), MoveType: moves.MoveType(initType), FromID: m.FromID,
		ToID: initTo.String, Date: initDate.String, DateFrom: initFrom.String, DateTo: initTo2.String}
	before := make(map[string]moves.Event, len(log))
	for _, ev := range log {
		before[ev.ID] = ev
	}
	state := moves.Replay(base, log, refs)
	for _, ev := range log {
		old := before[ev.ID]
		if old.Applied == ev.Applied && old.Reason == ev.Reason && old.Late == ev.Late {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE events SET applied = ?, reason = ?, late = ? WHERE id = ?",
			boolInt(ev.Applied), ev.Reason, boolInt(ev.Late), ev.ID); err != nil {
			return m, err
		}
	}
	return s.saveState(ctx, u, m, state, by, now)
}

// saveState stores a move's recomputed state when it changed: it refuses a
// state that would duplicate another active move, bumps the version, and
// books the rebooked move a rejection asks for.
func (s *Store) saveState(ctx context.Context, u *Unit, m moves.Move, state moves.State, by string, now time.Time) (moves.Move, error) {
	tx := u.sqlTx()
	if state == m.State() {
		return m, nil
	}
	prev := m
	m.SetState(state)
	if m.Active() && (m.Date != prev.Date || m.ToID != prev.ToID || !prev.Active()) {
		if err := s.checkDuplicate(ctx, tx, m); err != nil {
			return m, err
		}
	}
	m.Version++
	m.UpdatedAt = now
	if by != "" {
		m.UpdatedBy = by
	}
	if _, err := tx.ExecContext(ctx, `UPDATE moves SET status = ?, move_type = ?, to_location_id = ?, date = ?, date_from = ?, date_to = ?,
		is_lockout = ?, cancellation_reason = ?, cancellation_comment = ?, rejection_reason = ?, rebook = ?, version = ?, updated_at = ?, updated_by = ?
		WHERE id = ?`, string(m.Status), string(m.MoveType), nullStr(m.ToID), nullStr(m.Date), nullStr(m.DateFrom), nullStr(m.DateTo),
		boolInt(m.Lockout), nullStr(m.Cancellation.Reason), m.Cancellation.Comment, nullStr(m.Cancellation.RejectionReason),
		boolInt(m.Cancellation.Rebook), m.Version, micros(now), m.UpdatedBy, m.ID); err != nil {
		return m, fmt.Errorf("store: update move: %w", err)
	}
	if m.Date != "" && m.Date != prev.Date {
		// A move's supplier is the one serving its from-location on its
		// date: approved for a date, or given a new one, it may be
		// another than the one of its window's first day or of its old
		// date (a contract changing hands in between). The new supplier
		// is then told of it as created, and the old one, if it was told
		// of it, that it is no longer theirs (notifyChange). Written
		// apart: the tallies' triggers fire on any write of supplier_id.
		sup, err := supplierFor(ctx, tx, m.FromID, m.Date)
		if err != nil {
			return m, err
		}
		if sup != "" && sup != m.SupplierID {
			m.SupplierID = sup
			if _, err := tx.ExecContext(ctx, "UPDATE moves SET supplier_id = ? WHERE id = ?", sup, m.ID); err != nil {
				return m, fmt.Errorf("store: supplier of the approved move: %w", err)
			}
		}
	}
	change := moves.ChangeUpdated
	if m.Status != prev.Status {
		change = moves.ChangeStatus
	}
	if err := u.notifyChange(ctx, change, m, nil); err != nil {
		return m, err
	}
	if m.Status == moves.StatusCancelled && m.Cancellation.Reason == "rejected" && m.Cancellation.Rebook {
		var exists int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM moves WHERE original_move_id = ?", m.ID).Scan(&exists)
		if errors.Is(err, sql.ErrNoRows) {
			nb := moves.Rebook(m)
			if _, err := s.createMoveTx(ctx, u, NewMove{
				MoveType: nb.MoveType, FromID: nb.FromID, ToID: nb.ToID, DateFrom: nb.DateFrom, DateTo: nb.DateTo, Notes: m.Notes, Details: m.Details,
				PersonID: m.PersonID, ProfileID: m.ProfileID, SupplierID: m.SupplierID, CreatedBy: m.UpdatedBy, At: now,
			}, m.ID); err != nil {
				return m, fmt.Errorf("store: rebook: %w", err)
			}
		} else if err != nil {
			return m, err
		}
	}
	return m, nil
}

// dateMayChange refuses a MoveDateChanged of m, whole, that would leave
// it apart from what follows from its date: an allocation's place moves
// only with its allocation (opt.AllocationDate), and a lodge is booked
// for nights that follow from the date (as upstream, a move with a lodge
// keeps its date; cancel the lodge first).
func (s *Store) dateMayChange(ctx context.Context, tx *txStmts, m moves.Move, opt AppendOptions) error {
	if m.AllocationID != "" && !opt.AllocationDate {
		return moves.InvalidFields(moves.FieldErrors{{Field: "date", Code: "allocated",
			Message: "This move is a place of an allocation, whose moves change date together: change the allocation's date instead"}})
	}
	lodged, err := hasLiveLodging(ctx, tx, m.ID)
	if err != nil {
		return err
	}
	if lodged {
		return moves.InvalidFields(moves.FieldErrors{{Field: "date", Code: "lodged",
			Message: fmt.Sprintf("Move %s has an overnight lodge booked for its present dates: cancel the lodge before changing its date", m.Reference)}})
	}
	return nil
}

// conflictSince reports what last changed a move after the version a
// person acted on; moves.ChangedMeanwhile words it.
func (s *Store) conflictSince(ctx context.Context, tx *sql.Tx, m moves.Move) error {
	var typ, by string
	var at int64
	err := tx.QueryRowContext(ctx, `SELECT event_type, created_by, created_at FROM events WHERE move_id = ? AND applied = 1`+ownEventsOnly+`
		ORDER BY seq DESC LIMIT 1`, m.ID).Scan(&typ, &by, &at)
	if err != nil {
		return moves.ChangedMeanwhile(nil, m.Status)
	}
	t := fromMicros(at)
	if london, lerr := time.LoadLocation("Europe/London"); lerr == nil {
		t = t.In(london)
	}
	return moves.ChangedMeanwhile(&moves.LastChange{Type: moves.EventType(typ), By: by, At: t}, m.Status)
}

// newEventID makes an event's id: a version 7 UUID, which starts with the
// time, so new ids go at the end of the events' id index instead of onto
// a random page of it (a page less to read and write back per event).
func newEventID() string {
	if id, err := uuid.NewV7(); err == nil {
		return id.String()
	}
	return uuid.NewString()
}
