package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/securemove/securemove/moves"
)

const moveCols = `m.id, m.reference, m.status, m.move_type, m.from_location_id, COALESCE(m.to_location_id,''),
	COALESCE(m.date,''), COALESCE(m.date_from,''), COALESCE(m.date_to,''), m.time_due, m.notes, COALESCE(m.supplier_id,''),
	COALESCE(m.profile_id,''), COALESCE(m.person_id,''), COALESCE(m.cancellation_reason,''), m.cancellation_comment, COALESCE(m.rejection_reason,''),
	m.rebook, COALESCE(m.original_move_id,''), m.is_lockout, m.version, m.created_at, m.created_by, m.updated_at, m.updated_by,
	COALESCE(m.allocation_id,''), m.move_agreed, m.move_agreed_by,
	COALESCE(m.recall_date,''), COALESCE(m.prison_transfer_reason,''), COALESCE(m.extradition_flight_number,''), m.extradition_flight_time`

func scanMove(sc interface{ Scan(...any) error }, extra ...any) (moves.Move, error) {
	var m moves.Move
	var status, typ string
	var due sql.NullInt64
	var rebook, lockout int
	var created, updated int64
	var agreed, flightTime sql.NullInt64
	var flightNumber string
	dest := []any{&m.ID, &m.Reference, &status, &typ, &m.FromID, &m.ToID, &m.Date, &m.DateFrom, &m.DateTo, &due, &m.Notes,
		&m.SupplierID, &m.ProfileID, &m.PersonID, &m.Cancellation.Reason, &m.Cancellation.Comment, &m.Cancellation.RejectionReason,
		&rebook, &m.OriginalID, &lockout, &m.Version, &created, &m.CreatedBy, &updated, &m.UpdatedBy,
		&m.AllocationID, &agreed, &m.MoveAgreedBy,
		&m.Details.RecallDate, &m.Details.TransferReason, &flightNumber, &flightTime}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return m, err
	}
	m.Status = moves.Status(status)
	m.MoveType = moves.MoveType(typ)
	m.TimeDue = nullTime(due)
	m.Cancellation.Rebook = rebook == 1
	m.Lockout = lockout == 1
	if agreed.Valid {
		yes := agreed.Int64 == 1
		m.MoveAgreed = &yes
	}
	if flightNumber != "" || flightTime.Valid {
		m.Details.Flight = &moves.ExtraditionFlight{Number: flightNumber}
		if t := nullTime(flightTime); t != nil {
			m.Details.Flight.Time = *t
		}
	}
	m.CreatedAt = fromMicros(created)
	m.UpdatedAt = fromMicros(updated)
	return m, nil
}

// Move returns one move by id.
func (s *Store) Move(ctx context.Context, id string) (moves.Move, error) {
	return getMove(ctx, s.r, id)
}

func getMove(ctx context.Context, q querier, id string) (moves.Move, error) {
	return getMoveLocked(ctx, q, id, "")
}

// lockMove reads a move the transaction is about to change from what it
// read (its log replayed, its version moved on), locking its row until the
// commit so that writers elsewhere wait their turn (engine.forUpdate).
func (s *Store) lockMove(ctx context.Context, q querier, id string) (moves.Move, error) {
	return getMoveLocked(ctx, q, id, s.eng.forUpdate)
}

func getMoveLocked(ctx context.Context, q querier, id, forUpdate string) (moves.Move, error) {
	m, err := scanMove(q.QueryRowContext(ctx, "SELECT "+moveCols+" FROM moves m WHERE m.id = ?"+forUpdate, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("move")
	}
	if err != nil {
		return m, fmt.Errorf("store: move: %w", err)
	}
	return m, nil
}

// MoveByReference returns one move by its reference.
func (s *Store) MoveByReference(ctx context.Context, ref string) (moves.Move, error) {
	m, err := scanMove(s.r.QueryRowContext(ctx, "SELECT "+moveCols+" FROM moves m WHERE m.reference = ?", strings.ToUpper(ref)))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("move")
	}
	return m, err
}

// NewMove is what a person or a client asks for when booking a move.
type NewMove struct {
	MoveType moves.MoveType
	FromID   string
	ToID     string
	Date     string
	DateFrom string
	DateTo   string
	TimeDue  *time.Time
	Notes    string
	// Details are the type's own details (recall date, transfer reason,
	// extradition flight); moves.CheckMoveDetails checks them.
	Details  moves.MoveDetails
	PersonID string
	// ProfileID reuses a profile; when empty one is made from Flags.
	ProfileID string
	Flags     []moves.Flag
	// SupplierID is the booking client's supplier; when empty, the
	// supplier serving the from-location on the date is chosen.
	SupplierID string
	CreatedBy  string
	ClientID   string
	// CreationNotes, when set, are the notes of the event that opens the
	// move's log.
	CreationNotes string
	// At is when the booking was made (the creation event's timestamps).
	At time.Time
}

// CreateMove validates and books a move: the first event of its log is
// MoveProposed or MoveRequested. A second active move for the same person,
// from, to and date is refused as a conflict naming the existing move.
func (s *Store) CreateMove(ctx context.Context, nm NewMove) (moves.Move, error) {
	var out moves.Move
	err := s.unit(ctx, func(un *Unit) error {
		m, err := s.createMoveTx(un.Context(), un, nm, "")
		out = m
		return err
	})
	if err != nil {
		return moves.Move{}, err
	}
	return out, nil
}

// createMoveTx books a move inside a unit of work, recording it as
// touched.
func (s *Store) createMoveTx(ctx context.Context, u *Unit, nm NewMove, originalID string) (moves.Move, error) {
	tx := u.sqlTx()
	now := s.Now().UTC()
	at := nm.At
	if at.IsZero() {
		at = now
	}
	var fe moves.FieldErrors
	from, err := s.location(ctx, nm.FromID)
	if err != nil {
		fe.Add("from_location", "not_found", "Choose a location the move starts from")
	}
	var to *moves.Location
	if nm.ToID != "" {
		l, err := s.location(ctx, nm.ToID)
		if err != nil {
			fe.Add("to_location", "not_found", "Choose a destination that exists")
		} else {
			to = &l
		}
	}
	var person moves.Person
	if nm.PersonID == "" {
		fe.Add("person", "blank", "Choose the person to move")
	} else if person, err = scanPerson(tx.QueryRowContext(ctx, "SELECT "+personCols+" FROM people WHERE id = ?", nm.PersonID)); err != nil {
		fe.Add("person", "not_found", "The person does not exist")
	}
	if len(fe) > 0 {
		return moves.Move{}, moves.InvalidFields(fe)
	}
	m := moves.Move{
		MoveType: nm.MoveType, FromID: nm.FromID, ToID: nm.ToID, Date: nm.Date, DateFrom: nm.DateFrom, DateTo: nm.DateTo,
		TimeDue: nm.TimeDue, Notes: nm.Notes, PersonID: person.ID, ProfileID: nm.ProfileID, OriginalID: originalID,
		Details: nm.Details,
	}
	if originalID != "" {
		m.Status = moves.StatusProposed
	} else {
		m.Status = moves.InitialStatus(nm.MoveType, from, to)
	}
	if m.Status == moves.StatusProposed {
		if m.DateFrom == "" && m.Date != "" {
			m.DateFrom = m.Date
		}
		m.Date = ""
	}
	vm := m
	if originalID != "" && vm.Date == "" {
		// A rebooked move is proposed whatever its type; for a type that is
		// normally requested, its earliest date stands for the date.
		vm.Date = vm.DateFrom
	}
	fe = moves.ValidateNewMove(vm, from, to)
	if originalID == "" {
		// A rebooked move keeps the original's details as they were.
		fe = append(fe, moves.CheckMoveDetails(m.MoveType, m.Details, moves.LondonDate(now), now)...)
	}
	if len(fe) > 0 {
		return moves.Move{}, moves.InvalidFields(fe)
	}
	if m.Active() {
		if err := s.checkDuplicate(ctx, tx, m); err != nil {
			return moves.Move{}, err
		}
	}
	if m.ProfileID == "" {
		pr := moves.Profile{PersonID: person.ID, Flags: nm.Flags, CreatedBy: nm.CreatedBy}
		if err := s.createProfile(ctx, tx, &pr); err != nil {
			return moves.Move{}, err
		}
		m.ProfileID = pr.ID
	} else {
		var pid string
		if err := tx.QueryRowContext(ctx, "SELECT person_id FROM profiles WHERE id = ?", m.ProfileID).Scan(&pid); err != nil || pid != person.ID {
			return moves.Move{}, moves.InvalidFields(moves.FieldErrors{{Field: "profile", Code: "invalid", Message: "The profile does not belong to the person"}})
		}
	}
	m.SupplierID = nm.SupplierID
	if m.SupplierID == "" {
		day := m.Date
		if day == "" {
			day = m.DateFrom
		}
		if m.SupplierID, err = supplierFor(ctx, tx, m.FromID, day); err != nil {
			return moves.Move{}, err
		}
	}
	m.ID = uuid.NewString()
	m.CreatedAt, m.UpdatedAt = now, now
	m.CreatedBy, m.UpdatedBy = nm.CreatedBy, nm.CreatedBy
	m.Version = 1
	for attempt := 0; ; attempt++ {
		if m.Reference, err = s.newReference(); err != nil {
			return moves.Move{}, err
		}
		err = s.eng.attempt(ctx, tx, func() error {
			_, err := tx.ExecContext(ctx, `INSERT INTO moves (id, reference, status, move_type, from_location_id, to_location_id, date, date_from, date_to,
			time_due, notes, supplier_id, profile_id, person_id, original_move_id, initial_status, initial_move_type, initial_to_location_id,
			initial_date, initial_date_from, initial_date_to, version, created_at, created_by, updated_at, updated_by,
			recall_date, prison_transfer_reason, extradition_flight_number, extradition_flight_time)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				m.ID, m.Reference, string(m.Status), string(m.MoveType), m.FromID, nullStr(m.ToID), nullStr(m.Date), nullStr(m.DateFrom), nullStr(m.DateTo),
				nullMicros(m.TimeDue), m.Notes, nullStr(m.SupplierID), m.ProfileID, m.PersonID, nullStr(m.OriginalID),
				string(m.Status), string(m.MoveType), nullStr(m.ToID), nullStr(m.Date), nullStr(m.DateFrom), nullStr(m.DateTo),
				m.Version, micros(now), m.CreatedBy, micros(now), m.UpdatedBy,
				nullStr(m.Details.RecallDate), nullStr(m.Details.TransferReason), nullStr(flightNumber(m.Details)), nullMicros(flightTime(m.Details)))
			return err
		})
		if err == nil {
			break
		}
		if violates(err, "reference") && attempt < 20 {
			continue // a reference collision: draw another
		}
		if violates(err, "original_move_id") {
			return moves.Move{}, moves.Errorf(moves.Conflict, "this move has already been rebooked")
		}
		return moves.Move{}, fmt.Errorf("store: insert move: %w", err)
	}
	ev := moves.Event{
		ID: newEventID(), MoveID: m.ID, Type: moves.CreationEvent(m.Status), OccurredAt: at.UTC(), RecordedAt: at.UTC(),
		CreatedBy: nm.CreatedBy, SupplierID: nm.SupplierID, Applied: true, CreatedAt: now,
	}
	ev = moves.KeepMoveSupplier(ev, m.SupplierID) // "requested with": the supplier it was booked with
	if nm.CreationNotes != "" {
		ev.Notes = nm.CreationNotes
	} else if originalID != "" {
		ev.Notes = "Rebooked automatically after the original move was rejected"
	}
	if _, err := insertEvent(ctx, tx, &ev, nm.ClientID); err != nil {
		return moves.Move{}, err
	}
	u.TouchMove(m)
	if err := u.notifyChange(ctx, moves.ChangeCreated, m, nil); err != nil {
		return moves.Move{}, err
	}
	return m, nil
}

// checkDuplicate refuses a second active move for the same person, from,
// to and date. The person is locked first so that two instances cannot
// both find no duplicate and both book.
func (s *Store) checkDuplicate(ctx context.Context, q querier, m moves.Move) error {
	if err := s.eng.lockKey(ctx, q, "person", m.PersonID); err != nil {
		return err
	}
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM moves WHERE person_id = ? AND from_location_id = ? AND to_location_id IS NOT DISTINCT FROM ? AND date = ?
		AND status NOT IN ('proposed','cancelled') AND id != ? LIMIT 1`,
		m.PersonID, m.FromID, nullStr(m.ToID), m.Date, m.ID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var ref string
	_ = q.QueryRowContext(ctx, "SELECT reference FROM moves WHERE id = ?", id).Scan(&ref)
	return &moves.Error{
		Code:       moves.Conflict,
		Message:    fmt.Sprintf("A move already exists for this person from the same place to the same destination on %s (reference %s)", moves.LongDate(m.Date), ref),
		ExistingID: id,
		Fields:     moves.FieldErrors{{Field: "date", Code: "taken", Message: "A move already exists for this person, from and to these locations on this date"}},
	}
}

func (s *Store) newReference() (string, error) {
	if s.refSource != nil {
		return s.refSource()
	}
	return moves.NewReference(rand.Reader)
}

// UpdateMoveDetails changes a move's notes and time due (neither is part
// of its state machine), recording who did it.
func (s *Store) UpdateMoveDetails(ctx context.Context, id string, notes *string, timeDue *time.Time, clearTimeDue bool, by string) (moves.Move, error) {
	var out moves.Move
	err := s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		m, err := s.lockMove(ctx, tx, id)
		if err != nil {
			return err
		}
		un.TouchMove(m)
		if notes != nil {
			m.Notes = *notes
		}
		if timeDue != nil {
			m.TimeDue = timeDue
		} else if clearTimeDue {
			m.TimeDue = nil
		}
		out, err = un.saveMoveFields(m, by, "notes = ?, time_due = ?", m.Notes, nullMicros(m.TimeDue))
		return err
	})
	return out, err
}

// saveMoveFields writes a move's changed columns (set, with args),
// moves its version on, records who changed it, and tells suppliers, for
// changes that are not events of the move's state machine.
func (un *Unit) saveMoveFields(m moves.Move, by, set string, args ...any) (moves.Move, error) {
	ctx := un.Context()
	m.Version++
	m.UpdatedAt, m.UpdatedBy = un.Now().UTC(), by
	args = append(args, m.Version, micros(m.UpdatedAt), by, m.ID)
	if _, err := un.sqlTx().ExecContext(ctx, "UPDATE moves SET "+set+", version = ?, updated_at = ?, updated_by = ? WHERE id = ?", args...); err != nil {
		return m, err
	}
	return m, un.notifyChange(ctx, moves.ChangeUpdated, m, nil)
}

func flightNumber(d moves.MoveDetails) string {
	if d.Flight == nil {
		return ""
	}
	return moves.NormalizeFlightNumber(d.Flight.Number)
}

func flightTime(d moves.MoveDetails) *time.Time {
	if d.Flight == nil || d.Flight.Time.IsZero() {
		return nil
	}
	t := d.Flight.Time.UTC()
	return &t
}

// SetExtraditionFlight gives an extradition move its flight (create) or
// changes the one it has (!create), as the supplier API's
// /api/moves/:id/extradition_flight does. It refuses a move of another
// type, a second flight, a change to a move without one, a bad flight and
// a move whose person has left custody; suppliers hear of the change as of
// any other change to the move.
func (s *Store) SetExtraditionFlight(ctx context.Context, id string, f moves.ExtraditionFlight, create bool, by string) (moves.Move, error) {
	var out moves.Move
	err := s.unit(ctx, func(un *Unit) error {
		ctx, tx := un.Context(), un.sqlTx()
		m, err := s.lockMove(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case !moves.FlightApplies(m.MoveType):
			return moves.Errorf(moves.NotFound, "Move %s is not an extradition move, so it has no flight", m.Reference)
		case create && m.Details.Flight != nil:
			return moves.Errorf(moves.Conflict, "Move %s already has a flight: change it with PATCH", m.Reference)
		case !create && m.Details.Flight == nil:
			return moves.Errorf(moves.NotFound, "Move %s has no flight yet: add one with POST", m.Reference)
		case !moves.ChangeableStatus(m.Status):
			return moves.Errorf(moves.Conflict, "A move that is %s cannot have its flight changed: the person has left custody or the move is over", m.Status.Label())
		}
		now := un.Now().UTC()
		d := moves.MoveDetails{Flight: &f}
		if fe := moves.CheckMoveDetails(m.MoveType, d, moves.LondonDate(now), now); len(fe) > 0 {
			return moves.InvalidFields(fe)
		}
		un.TouchMove(m)
		m.Details.Flight = &moves.ExtraditionFlight{Number: flightNumber(d), Time: f.Time.UTC()}
		out, err = un.saveMoveFields(m, by, "extradition_flight_number = ?, extradition_flight_time = ?", flightNumber(d), nullMicros(flightTime(d)))
		return err
	})
	return out, err
}
