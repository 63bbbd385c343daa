package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/securemove/securemove/moves"
)

// On the road (issue 11): a move's journeys and lodgings. Every write here
// is one unit of work that locks the move's row first (so writes to one
// move queue behind each other, whatever they touch), records its events
// in the events table with the move's and touches the move, so the move's
// page and lists follow. A journey's state is its own log replayed
// (moves.ReplayJourney) in the same transaction as the insert; a
// lodging's status is the move's MoveLodgingStart and MoveLodgingEnd
// events replayed over the move's lodgings (moves.ReplayLodgings).

// RoadOptions qualify a write of a journey or a lodging.
type RoadOptions struct {
	// By is who made the change: the events' created_by and the rows'
	// updated_by.
	By string
	// SupplierID is the supplier of the API client making the change, if
	// any, kept on the events it records; ClientID the client.
	SupplierID string
	ClientID   string
	// Visible, when set, says whether the one writing may see the move: a
	// move it refuses is not found.
	Visible func(moves.Move) bool
	// At is when the change happened by the client's clock (a journey's
	// timestamp); zero for the store's clock.
	At time.Time
	// LodgingVersion, when set, is the version of the lodging the writer
	// saw (a form made earlier): UpdateLodging and CancelLodging refuse
	// with ErrLodgingStale, in the same transaction, if it has moved on.
	// Lodging writes do not change the move's version, so the move's
	// check alone would let a stale lodge form through.
	LodgingVersion int64
}

// ErrLodgingStale refuses a lodging write made from an older version of
// the lodging (RoadOptions.LodgingVersion).
var ErrLodgingStale = moves.Errorf(moves.Conflict, "The overnight lodge changed while you were working on it")

// checkLodgingVersion refuses l if the writer saw another version of it.
func (o RoadOptions) checkLodgingVersion(l moves.Lodging) error {
	if o.LodgingVersion != 0 && l.Version != o.LodgingVersion {
		return ErrLodgingStale
	}
	return nil
}

func (o RoadOptions) at(now time.Time) time.Time {
	if o.At.IsZero() {
		return now
	}
	return o.At.UTC()
}

const journeyCols = `id, move_id, supplier_id, from_location_id, to_location_id, client_timestamp, status, date, billable,
	vehicle_id, vehicle_registration, vehicle_depot, version, created_at, created_by, updated_at`

func scanJourney(sc interface{ Scan(...any) error }) (moves.Journey, error) {
	var j moves.Journey
	var ts, created, updated int64
	var status string
	var billable int
	if err := sc.Scan(&j.ID, &j.MoveID, &j.SupplierID, &j.FromID, &j.ToID, &ts, &status, &j.Date, &billable,
		&j.Vehicle.ID, &j.Vehicle.Registration, &j.Vehicle.Depot, &j.Version, &created, &j.CreatedBy, &updated); err != nil {
		return j, err
	}
	j.Timestamp, j.CreatedAt, j.UpdatedAt = fromMicros(ts), fromMicros(created), fromMicros(updated)
	j.Status = moves.JourneyStatus(status)
	j.Billable = billable == 1
	return j, nil
}

// journeysOf is a move's journeys, numbered, in number order.
func journeysOf(ctx context.Context, q querier, moveID string) ([]moves.Journey, error) {
	out, err := collect(ctx, q, scanJourney, "SELECT "+journeyCols+" FROM journeys WHERE move_id = ? ORDER BY client_timestamp, created_at, id", moveID)
	if err != nil {
		return nil, fmt.Errorf("store: journeys: %w", err)
	}
	moves.NumberJourneys(out)
	slices.SortFunc(out, func(a, b moves.Journey) int { return a.Number - b.Number })
	return out, nil
}

// MoveJourneys returns a move's journeys in number order (the client's
// timestamps), each numbered.
func (s *Store) MoveJourneys(ctx context.Context, moveID string) ([]moves.Journey, error) {
	return journeysOf(ctx, s.r, moveID)
}

// Journey returns one journey of a move, numbered among the move's.
func (s *Store) Journey(ctx context.Context, moveID, id string) (moves.Journey, error) {
	return journeyOf(ctx, s.r, moveID, id)
}

func journeyOf(ctx context.Context, q querier, moveID, id string) (moves.Journey, error) {
	js, err := journeysOf(ctx, q, moveID)
	if err != nil {
		return moves.Journey{}, err
	}
	for _, j := range js {
		if j.ID == id {
			return j, nil
		}
	}
	return moves.Journey{}, notFound("journey")
}

// JourneyEvents returns a journey's own log in order.
func (s *Store) JourneyEvents(ctx context.Context, journeyID string) ([]moves.Event, error) {
	return queryEvents(ctx, s.r, "journey_id = ?", journeyID)
}

// roadMove locks the move a journey or lodging write is about and checks
// the writer may see it; the move is touched as it was.
func (s *Store) roadMove(ctx context.Context, u *Unit, moveID string, opt RoadOptions) (moves.Move, error) {
	m, err := s.lockMove(ctx, u.tx, moveID)
	if err != nil {
		return m, err
	}
	if opt.Visible != nil && !opt.Visible(m) {
		return moves.Move{}, notFound("move")
	}
	u.TouchMove(m)
	return m, nil
}

// roadEvent fills what the store gives every event it records for a
// journey or a lodging, and inserts it.
func (s *Store) roadEvent(ctx context.Context, u *Unit, e *moves.Event, opt RoadOptions) error {
	if e.ID == "" {
		e.ID = seededID(ctx)
	}
	e.CreatedBy, e.SupplierID, e.CreatedAt = opt.By, opt.SupplierID, writeNow(u)
	_, err := insertEvent(ctx, u.tx, e, opt.ClientID)
	return err
}

// CreateJourney adds a journey to a move, proposed, with the JourneyCreate
// event that opens its log. A second live journey with the same ends is a
// Conflict naming the first (its ExistingID).
func (s *Store) CreateJourney(ctx context.Context, nj moves.NewJourney, opt RoadOptions) (moves.Journey, error) {
	all, err := s.allLocations(ctx)
	if err != nil {
		return moves.Journey{}, err
	}
	var out moves.Journey
	err = s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.roadMove(ctx, u, nj.MoveID, opt)
		if err != nil {
			return err
		}
		existing, err := journeysOf(ctx, u.tx, m.ID)
		if err != nil {
			return err
		}
		j, err := moves.ValidateNewJourney(m, nj, existing, locationLookup{all: all})
		if err != nil {
			return err
		}
		now := writeNow(u)
		j.ID, j.Version, j.CreatedAt, j.CreatedBy, j.UpdatedAt = plannedID(ctx), 1, now, opt.By, now
		if _, err := u.ExecContext(ctx, `INSERT INTO journeys (id, move_id, supplier_id, from_location_id, to_location_id, client_timestamp,
			status, date, billable, vehicle_id, vehicle_registration, vehicle_depot, version, created_at, created_by, updated_at, updated_by)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, j.ID, j.MoveID, j.SupplierID, j.FromID, j.ToID, micros(j.Timestamp),
			string(j.Status), j.Date, boolInt(j.Billable), j.Vehicle.ID, j.Vehicle.Registration, j.Vehicle.Depot, j.Version,
			micros(now), opt.By, micros(now), opt.By); err != nil {
			return fmt.Errorf("store: insert journey: %w", err)
		}
		ev := moves.JourneyCreateEvent(j, opt.at(now))
		ev.Applied = true
		if err := s.roadEvent(ctx, u, &ev, opt); err != nil {
			return err
		}
		if err := u.notifyChange(ctx, moves.ChangeEvent, m, &ev); err != nil {
			return err
		}
		out, err = journeyOf(ctx, u.tx, m.ID, j.ID)
		return err
	})
	return out, err
}

// UpdateJourney changes a journey's billing, date or vehicle, recorded as
// a JourneyUpdate event; a change that changes nothing records nothing.
func (s *Store) UpdateJourney(ctx context.Context, moveID, journeyID string, c moves.JourneyChanges, opt RoadOptions) (moves.Journey, error) {
	var out moves.Journey
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.roadMove(ctx, u, moveID, opt)
		if err != nil {
			return err
		}
		j, err := journeyOf(ctx, u.tx, m.ID, journeyID)
		if err != nil {
			return err
		}
		ev, changed, err := moves.JourneyUpdateEvent(j.JourneyState, c, writeNow(u))
		if err != nil || !changed {
			out = j
			return err
		}
		ev.MoveID, ev.JourneyID = m.ID, j.ID
		out, err = s.appendJourneyTx(ctx, u, m, j, &ev, opt)
		return err
	})
	return out, err
}

// AppendJourneyEvent records a client's event about a journey (e.JourneyID;
// e.MoveID, when set, must be the journey's move) and replays the
// journey's log in the same transaction: an event placed among those that
// happened after it is late, one that cannot apply at its place is kept,
// marked not applied with the reason, and an invalid one is refused with
// nothing stored.
func (s *Store) AppendJourneyEvent(ctx context.Context, e moves.Event, opt RoadOptions) (moves.Event, moves.Journey, error) {
	if _, ok := moves.JourneySpecFor(e.Type); !ok || !moves.ClientMayPost(e.Type) {
		return e, moves.Journey{}, moves.InvalidFields(moves.FieldErrors{{Field: "event_type", Code: "inclusion",
			Message: fmt.Sprintf("event_type %s is not an event a client may record about a journey", e.Type)}})
	}
	all, err := s.allLocations(ctx)
	if err != nil {
		return e, moves.Journey{}, err
	}
	e.Details = moves.NormalizeDetails(e.Type, e.Details)
	var out moves.Journey
	err = s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		var moveID string
		err := u.QueryRowContext(ctx, "SELECT move_id FROM journeys WHERE id = ?", e.JourneyID).Scan(&moveID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && e.MoveID != "" && e.MoveID != moveID) {
			return notFound("journey")
		}
		if err != nil {
			return err
		}
		m, err := s.roadMove(ctx, u, moveID, opt)
		if moves.ErrorCode(err) == moves.NotFound {
			// Nothing is said of a journey on a move one may not see.
			return notFound("journey")
		}
		if err != nil {
			return err
		}
		// Checked once the journey is known visible: a journey one may not
		// see is not found, whatever is wrong with the event.
		if fe := moves.ValidateJourneyEvent(e, locationLookup{all: all}); len(fe) > 0 {
			return moves.InvalidFields(fe)
		}
		j, err := journeyOf(ctx, u.tx, m.ID, e.JourneyID)
		if err != nil {
			return err
		}
		e.MoveID = m.ID
		moves.PrepareJourneyEvent(&e, j.JourneyState)
		out, err = s.appendJourneyTx(ctx, u, m, j, &e, opt)
		return err
	})
	if err != nil {
		return moves.Event{}, moves.Journey{}, err
	}
	return e, out, nil
}

// appendJourneyTx inserts e into journey j's log, replays the log, stores
// the marks that changed and the journey's new state, and tells the
// move's suppliers. e's marks are set as the replay left them.
//
// A supplier changes only its own journeys: one an internal client booked
// for another supplier on its move is that supplier's work and pay
// (billing counts journeys by their supplier), which it may read but not
// change.
func (s *Store) appendJourneyTx(ctx context.Context, u *Unit, m moves.Move, j moves.Journey, e *moves.Event, opt RoadOptions) (moves.Journey, error) {
	if opt.SupplierID != "" && j.SupplierID != "" && j.SupplierID != opt.SupplierID {
		return j, moves.Errorf(moves.Forbidden, "This journey is another supplier's: only that supplier, or an internal client, may change it")
	}
	log, err := queryEvents(ctx, u.tx, "journey_id = ?", j.ID)
	if err != nil {
		return j, err
	}
	if err := s.roadEvent(ctx, u, e, opt); err != nil {
		return j, err
	}
	log = append(log, *e)
	before := make(map[string]moves.Event, len(log))
	for _, ev := range log {
		before[ev.ID] = ev
	}
	state, _ := moves.ReplayJourney(log)
	for _, ev := range log {
		if ev.ID == e.ID {
			e.Applied, e.Reason, e.Late = ev.Applied, ev.Reason, ev.Late
		}
		if old := before[ev.ID]; ev.ID != e.ID && old.Applied == ev.Applied && old.Reason == ev.Reason && old.Late == ev.Late {
			continue
		}
		if _, err := u.ExecContext(ctx, "UPDATE events SET applied = ?, reason = ?, late = ? WHERE id = ?",
			boolInt(ev.Applied), ev.Reason, boolInt(ev.Late), ev.ID); err != nil {
			return j, err
		}
	}
	if state.Status.Live() && !j.Status.Live() {
		// Put back in progress, it would be a second live journey with
		// the same ends: refused, as creating it would be.
		others, err := journeysOf(ctx, u.tx, m.ID)
		if err != nil {
			return j, err
		}
		if d, dup := moves.DuplicateJourney(others, j.FromID, j.ToID, j.ID); dup {
			e := moves.Errorf(moves.Conflict, "This move already has a journey from and to the same places that is not cancelled or rejected (journey %d), so journey %d cannot be put back in progress", d.Number, j.Number)
			e.ExistingID = d.ID
			return j, e
		}
	}
	now := writeNow(u)
	if state != j.JourneyState {
		if _, err := u.ExecContext(ctx, `UPDATE journeys SET status = ?, date = ?, billable = ?, vehicle_id = ?, vehicle_registration = ?,
			vehicle_depot = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?`,
			string(state.Status), state.Date, boolInt(state.Billable), state.Vehicle.ID, state.Vehicle.Registration, state.Vehicle.Depot,
			micros(now), opt.By, j.ID); err != nil {
			return j, fmt.Errorf("store: update journey: %w", err)
		}
	}
	if err := u.notifyChange(ctx, moves.ChangeEvent, m, e); err != nil {
		return j, err
	}
	return journeyOf(ctx, u.tx, m.ID, j.ID)
}

// --- Lodgings ---

const lodgingCols = `id, move_id, location_id, start_date, end_date, status, COALESCE(cancellation_reason,''), cancellation_comment,
	version, created_at, created_by, updated_at`

func scanLodging(sc interface{ Scan(...any) error }) (moves.Lodging, error) {
	var l moves.Lodging
	var status string
	var created, updated int64
	if err := sc.Scan(&l.ID, &l.MoveID, &l.LocationID, &l.StartDate, &l.EndDate, &status, &l.CancellationReason,
		&l.CancellationComment, &l.Version, &created, &l.CreatedBy, &updated); err != nil {
		return l, err
	}
	l.Status = moves.LodgingStatus(status)
	l.CreatedAt, l.UpdatedAt = fromMicros(created), fromMicros(updated)
	return l, nil
}

func lodgingsOf(ctx context.Context, q querier, moveID string) ([]moves.Lodging, error) {
	out, err := collect(ctx, q, scanLodging, "SELECT "+lodgingCols+" FROM lodgings WHERE move_id = ? ORDER BY start_date, end_date, created_at, id", moveID)
	if err != nil {
		return nil, fmt.Errorf("store: lodgings: %w", err)
	}
	return out, nil
}

// collect runs a query and scans every row it gives with scan.
func collect[T any](ctx context.Context, q querier, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scan)
}

// liveLodgingQuery finds a move's lodging that is not cancelled, by the
// lodgings' index by move.
const liveLodgingQuery = "SELECT 1 FROM lodgings WHERE move_id = ? AND status <> 'cancelled' LIMIT 1"

// hasLiveLodging says whether a move has an overnight lodge that is not
// cancelled.
func hasLiveLodging(ctx context.Context, q querier, moveID string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, liveLodgingQuery, moveID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// MoveLodgings returns a move's lodgings by start date, cancelled ones
// included.
func (s *Store) MoveLodgings(ctx context.Context, moveID string) ([]moves.Lodging, error) {
	return lodgingsOf(ctx, s.r, moveID)
}

// Lodging returns one lodging of a move.
func (s *Store) Lodging(ctx context.Context, moveID, id string) (moves.Lodging, error) {
	l, err := scanLodging(s.r.QueryRowContext(ctx, "SELECT "+lodgingCols+" FROM lodgings WHERE id = ? AND move_id = ?", id, moveID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("lodging")
	}
	return l, err
}

// lodgingMove is roadMove for lodgings: a move that is over (completed or
// cancelled) gets no new plans.
func (s *Store) lodgingMove(ctx context.Context, u *Unit, moveID string, opt RoadOptions) (moves.Move, error) {
	m, err := s.roadMove(ctx, u, moveID, opt)
	if err == nil && m.Status.Final() {
		return m, moves.Errorf(moves.Conflict, "The move is %s, so its overnight lodges cannot change", m.Status)
	}
	return m, err
}

// CreateLodging plans an overnight lodging of a move, with its
// LodgingCreate event. A MoveLodgingStart already recorded for its place
// and date starts it at once.
func (s *Store) CreateLodging(ctx context.Context, moveID string, nl moves.NewLodging, opt RoadOptions) (moves.Lodging, error) {
	all, err := s.allLocations(ctx)
	if err != nil {
		return moves.Lodging{}, err
	}
	var out moves.Lodging
	err = s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.lodgingMove(ctx, u, moveID, opt)
		if err != nil {
			return err
		}
		existing, err := lodgingsOf(ctx, u.tx, m.ID)
		if err != nil {
			return err
		}
		l, err := moves.ValidateNewLodging(m, nl, existing, locationLookup{all: all})
		if err != nil {
			return err
		}
		now := writeNow(u)
		l.ID, l.Version, l.CreatedAt, l.CreatedBy, l.UpdatedAt = plannedID(ctx), 1, now, opt.By, now
		if _, err := u.ExecContext(ctx, `INSERT INTO lodgings (id, move_id, location_id, start_date, end_date, status, version,
			created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, l.ID, l.MoveID, l.LocationID,
			l.StartDate, l.EndDate, string(l.Status), l.Version, micros(now), opt.By, micros(now), opt.By); err != nil {
			return fmt.Errorf("store: insert lodging: %w", err)
		}
		ev := moves.LodgingCreateEvent(l, opt.at(now))
		ev.Applied = true
		if err := s.roadEvent(ctx, u, &ev, opt); err != nil {
			return err
		}
		if err := s.replayLodgings(ctx, u, m); err != nil {
			return err
		}
		if err := u.NotifyLodging(ctx, "create_lodging", l.ID, m); err != nil {
			return err
		}
		out, err = lodgingOf(ctx, u.tx, m.ID, l.ID)
		return err
	})
	return out, err
}

func lodgingOf(ctx context.Context, q querier, moveID, id string) (moves.Lodging, error) {
	l, err := scanLodging(q.QueryRowContext(ctx, "SELECT "+lodgingCols+" FROM lodgings WHERE id = ? AND move_id = ?", id, moveID))
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("lodging")
	}
	return l, err
}

// UpdateLodging changes a lodging's place or dates (moves.UpdateLodging):
// a longer stay moves the move's later lodgings by the same number of
// days. Each lodging changed gets its LodgingUpdate event. It returns the
// move's lodgings as they are after.
func (s *Store) UpdateLodging(ctx context.Context, moveID, lodgingID string, c moves.LodgingChanges, opt RoadOptions) ([]moves.Lodging, error) {
	all, err := s.allLocations(ctx)
	if err != nil {
		return nil, err
	}
	var out []moves.Lodging
	err = s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.lodgingMove(ctx, u, moveID, opt)
		if err != nil {
			return err
		}
		ls, err := lodgingsOf(ctx, u.tx, m.ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.ID == lodgingID {
				if err := opt.checkLodgingVersion(l); err != nil {
					return err
				}
			}
		}
		now := writeNow(u)
		changes, err := moves.UpdateLodging(m, ls, lodgingID, c, opt.at(now), locationLookup{all: all})
		if err != nil {
			return err
		}
		for _, ch := range changes {
			a := ch.After
			if _, err := u.ExecContext(ctx, `UPDATE lodgings SET location_id = ?, start_date = ?, end_date = ?, version = version + 1,
				updated_at = ?, updated_by = ? WHERE id = ?`, a.LocationID, a.StartDate, a.EndDate, micros(now), opt.By, a.ID); err != nil {
				return fmt.Errorf("store: update lodging: %w", err)
			}
			ev := ch.Event
			ev.Applied = true
			if err := s.roadEvent(ctx, u, &ev, opt); err != nil {
				return err
			}
			if err := u.NotifyLodging(ctx, "update_lodging", a.ID, m); err != nil {
				return err
			}
		}
		if len(changes) > 0 {
			if err := s.replayLodgings(ctx, u, m); err != nil {
				return err
			}
		}
		out, err = lodgingsOf(ctx, u.tx, m.ID)
		return err
	})
	return out, err
}

// CancelLodging cancels one proposed lodging, with its LodgingCancel event.
func (s *Store) CancelLodging(ctx context.Context, moveID, lodgingID, reason, comment string, opt RoadOptions) (moves.Lodging, error) {
	var out moves.Lodging
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.lodgingMove(ctx, u, moveID, opt)
		if err != nil {
			return err
		}
		l, err := lodgingOf(ctx, u.tx, m.ID, lodgingID)
		if err != nil {
			return err
		}
		if err := opt.checkLodgingVersion(l); err != nil {
			return err
		}
		out, err = s.cancelLodgingTx(ctx, u, m, l, reason, comment, opt)
		return err
	})
	return out, err
}

// CancelLodgings cancels every proposed lodging of a move; those started,
// completed or already cancelled stay as they are. It returns those it
// cancelled.
func (s *Store) CancelLodgings(ctx context.Context, moveID, reason, comment string, opt RoadOptions) ([]moves.Lodging, error) {
	var out []moves.Lodging
	err := s.unit(ctx, func(u *Unit) error {
		ctx := u.Context()
		m, err := s.lodgingMove(ctx, u, moveID, opt)
		if err != nil {
			return err
		}
		ls, err := lodgingsOf(ctx, u.tx, m.ID)
		if err != nil {
			return err
		}
		out = nil
		for _, l := range ls {
			if l.Status != moves.LodgingProposed {
				continue
			}
			c, err := s.cancelLodgingTx(ctx, u, m, l, reason, comment, opt)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		if len(out) == 0 {
			// Still check the reason: a bad request is bad with nothing to do.
			if _, _, err := moves.CancelLodging(moves.Lodging{Status: moves.LodgingProposed}, reason, comment, u.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func (s *Store) cancelLodgingTx(ctx context.Context, u *Unit, m moves.Move, l moves.Lodging, reason, comment string, opt RoadOptions) (moves.Lodging, error) {
	now := writeNow(u)
	c, ev, err := moves.CancelLodging(l, reason, comment, opt.at(now))
	if err != nil {
		return l, err
	}
	if _, err := u.ExecContext(ctx, `UPDATE lodgings SET status = ?, cancellation_reason = ?, cancellation_comment = ?, version = version + 1,
		updated_at = ?, updated_by = ? WHERE id = ?`, string(c.Status), c.CancellationReason, c.CancellationComment, micros(now), opt.By, l.ID); err != nil {
		return l, fmt.Errorf("store: cancel lodging: %w", err)
	}
	ev.Applied = true
	if err := s.roadEvent(ctx, u, &ev, opt); err != nil {
		return l, err
	}
	if err := u.NotifyLodging(ctx, "cancel_lodging", l.ID, m); err != nil {
		return l, err
	}
	return lodgingOf(ctx, u.tx, m.ID, l.ID)
}

// replayLodgings recomputes the status of a move's lodgings from its
// MoveLodgingStart and MoveLodgingEnd events (moves.ReplayLodgings) and
// stores what changed: the lodgings' statuses and those events' marks.
// It runs after anything that may change either: such an event, a late
// event (whose replay of the move marks them afresh) and any change of a
// lodging.
func (s *Store) replayLodgings(ctx context.Context, u *Unit, m moves.Move) error {
	ls, err := lodgingsOf(ctx, u.tx, m.ID)
	if err != nil {
		return err
	}
	log, err := moveEvents(ctx, u.tx, m.ID)
	if err != nil {
		return err
	}
	moves.SortLog(log)
	before := make(map[string]moves.Event, len(log))
	for _, e := range log {
		before[e.ID] = e
	}
	after, _ := moves.ReplayLodgings(ls, log)
	for _, e := range log {
		if old := before[e.ID]; old.Applied == e.Applied && old.Reason == e.Reason {
			continue
		}
		if _, err := u.ExecContext(ctx, "UPDATE events SET applied = ?, reason = ? WHERE id = ?", boolInt(e.Applied), e.Reason, e.ID); err != nil {
			return err
		}
	}
	now := writeNow(u)
	for i, l := range after {
		if l.Status == ls[i].Status {
			continue
		}
		if _, err := u.ExecContext(ctx, "UPDATE lodgings SET status = ?, version = version + 1, updated_at = ? WHERE id = ?",
			string(l.Status), micros(now), l.ID); err != nil {
			return fmt.Errorf("store: lodging status: %w", err)
		}
	}
	return nil
}
