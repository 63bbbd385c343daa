package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/securemove/securemove/moves"
)

// What lists and move pages read of the road (issue 11): the vehicle of a
// move's latest live journey, the times suppliers told the premises, the
// important events cards tag, and where the person was lodged in police
// custody. Journeys and lodgings are written elsewhere (through the unit
// of work, which touches their move): these only read.

// EventMark is an event as a list card tags it.
type EventMark struct {
	ID   string
	Type moves.EventType
}

// MoveMarks is what a list shows of a move besides the move itself.
type MoveMarks struct {
	// Registration is the vehicle of the move's latest live journey (by the
	// client's timestamp), "" when it has none or no vehicle yet;
	// JourneyStatus is that journey's status ("" with no live journey).
	Registration  string
	JourneyStatus moves.JourneyStatus
	// ExpectedCollection is the time of the latest
	// MoveNotifyPremisesOfExpectedCollectionTime; ExpectedArrival that of
	// the latest MoveNotifyPremisesOfEta or, when later,
	// MoveNotifyPremisesOfArrivalIn30Mins (half an hour after it). Nil
	// when the supplier has said nothing.
	ExpectedCollection *time.Time
	ExpectedArrival    *time.Time
	// Important are the move's applied important events, in log order.
	Important []EventMark
}

// WeekMoves returns the moves of a range of days (f.DateFrom to
// f.DateTo) as the week's list shows them, in one query: by date, then
// grouped as DayMoves groups a day's. limit <= 0 means no limit.
func (s *Store) WeekMoves(ctx context.Context, f MoveFilter, groupBy string, limit int) ([]ListRow, error) {
	where, args := f.where()
	group := "m.date, lt.title IS NULL, lt.title COLLATE NOCASE, m.to_location_id"
	if groupBy == ByOrigin {
		group = "m.date, lf.title COLLATE NOCASE, m.from_location_id"
	}
	return s.listRows(ctx, where, args, group, limit)
}

// notifyTypes are the supplier's notices to the premises that give a time.
var notifyTypes = []moves.EventType{moves.EventMoveNotifyPremisesOfExpectedCollectionTime,
	moves.EventMoveNotifyPremisesOfEta, moves.EventMoveNotifyPremisesOfArrivalIn30Mins}

// ListMarks reads the marks of the moves a list shows, in one query for
// them all (a UNION of their live journeys and the events that matter),
// never one per move. Moves without any have no entry.
func (s *Store) ListMarks(ctx context.Context, moveIDs []string) (map[string]MoveMarks, error) {
	out := make(map[string]MoveMarks, len(moveIDs))
	if len(moveIDs) == 0 {
		return out, nil
	}
	q, args := listMarksQuery(moveIDs, s.eng.pg)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list marks: %w", err)
	}
	defer rows.Close()
	var marks []markRow
	for rows.Next() {
		var r markRow
		if err := rows.Scan(&r.moveID, &r.kind, &r.id, &r.typ, &r.text, &r.at, &r.tie); err != nil {
			return nil, fmt.Errorf("store: list marks: %w", err)
		}
		marks = append(marks, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// In order here rather than in SQL: the engine sorted the union's
	// rows, details and all (70 µs of a day list's 360 at a million
	// moves, for 77 notices); a move's marks need only their own order.
	slices.SortFunc(marks, func(a, b markRow) int {
		return cmp.Or(strings.Compare(a.moveID, b.moveID), strings.Compare(a.kind, b.kind), cmp.Compare(a.at, b.at), cmp.Compare(a.tie, b.tie))
	})
	for _, r := range marks {
		moveID, kind, id, typ, text, at := r.moveID, r.kind, r.id, r.typ, r.text, r.at
		mk := out[moveID]
		if kind == "j" {
			// Ordered by the client's timestamp: the last one read is the
			// latest.
			mk.JourneyStatus, mk.Registration = moves.JourneyStatus(typ), text
			out[moveID] = mk
			continue
		}
		t := moves.EventType(typ)
		switch t {
		case moves.EventMoveNotifyPremisesOfExpectedCollectionTime, moves.EventMoveNotifyPremisesOfEta:
			var d struct {
				ExpectedAt string `json:"expected_at"`
			}
			if json.Unmarshal([]byte(text), &d) != nil {
				break
			}
			if ts, err := moves.ParseTimestamp(d.ExpectedAt); err == nil {
				ts = ts.UTC()
				if t == moves.EventMoveNotifyPremisesOfEta {
					mk.ExpectedArrival = &ts
				} else {
					mk.ExpectedCollection = &ts
				}
			}
		case moves.EventMoveNotifyPremisesOfArrivalIn30Mins:
			ts := fromMicros(at).Add(30 * time.Minute)
			mk.ExpectedArrival = &ts
		default:
			mk.Important = append(mk.Important, EventMark{ID: id, Type: t})
		}
		out[moveID] = mk
	}
	return out, nil
}

// markRow is a row of the marks query: a live journey ("j": its status,
// vehicle, client's timestamp) or an event ("e": its id, type, details,
// occurred_at), with what orders it among its move's.
type markRow struct {
	moveID, kind, id, typ, text string
	at, tie                     int64
}

// importantTypes and noticeTypes are moves.ImportantEventTypes and
// notifyTypes as SQL, written out so that the marks query's conditions
// are the partial index's of migration 0016 word for word (an engine
// proves that a query may use a partial index from the query's text, and
// a bound parameter proves nothing), and the notices' the triggers' of
// migration 0022. TestMarksTypes holds them to the Go lists and to the
// migrations.
const (
	importantTypes = `'PersonMoveAssault','PersonMoveDeathInCustody','PersonMoveMajorIncidentOther',` +
		`'PersonMoveMinorIncidentOther','PersonMovePersonEscaped','PersonMovePersonEscapedKpi','PersonMoveReleasedError',` +
		`'PersonMoveRoadTrafficAccident','PersonMoveSeriousInjury','PersonMoveUsedForce','PerViolentDangerous','PerWeapons',` +
		`'PerConcealed','PerSelfHarm','PerEscape','PerMedicalAid','PerMedicalDrugsAlcohol','PerMedicalMedication',` +
		`'PerMedicalMentalHealth','PerPropertyChange'`
	noticeTypes = `'MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins'`
)

// listMarksQuery is ListMarks' one query and its arguments: the moves'
// live journeys, their important events, and the latest notice of each
// kind (only the latest is shown, and a supplier may send many), which
// move_notices keeps (migration 0022), so that the events table is read
// only for the few important events.
//
// SQLite is told which index to use: a database analysed before migration
// 0016 has statistics for the index of every event by move and none for
// the new one, and would walk each move's every event by it.
func listMarksQuery(moveIDs []string, pg bool) (string, []any) {
	important := " INDEXED BY events_important"
	if pg {
		important = ""
	}
	ph := placeholders(len(moveIDs))
	q := `SELECT move_id, 'j', '', status, vehicle_registration, client_timestamp, created_at FROM journeys
		WHERE move_id IN (` + ph + `) AND status NOT IN ('cancelled','rejected')
		UNION ALL
		SELECT move_id, 'e', id, event_type, details, occurred_at, seq FROM events` + important + `
		WHERE move_id IN (` + ph + `) AND applied = 1 AND event_type IN (` + importantTypes + `)
		UNION ALL
		SELECT move_id, 'e', '', event_type, details, occurred_at, seq FROM move_notices
		WHERE move_id IN (` + ph + `)`
	args := make([]any, 0, 3*len(moveIDs))
	for range 3 {
		for _, id := range moveIDs {
			args = append(args, id)
		}
	}
	return q, args
}

// CustodyLocations are the places a move's log says the person was
// lodged at (moves.CustodyLocations), read from its MoveLodgingStart
// events alone.
func (s *Store) CustodyLocations(ctx context.Context, moveID string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT rels FROM events WHERE move_id = ? AND event_type = ?
		ORDER BY occurred_at, recorded_at, seq`, moveID, string(moves.EventMoveLodgingStart))
	if err != nil {
		return nil, fmt.Errorf("store: custody locations: %w", err)
	}
	defer rows.Close()
	var log []moves.Event
	for rows.Next() {
		var rels string
		if err := rows.Scan(&rels); err != nil {
			return nil, err
		}
		e := moves.Event{Type: moves.EventMoveLodgingStart}
		if err := json.Unmarshal([]byte(rels), &e.Rels); err != nil {
			return nil, fmt.Errorf("store: custody locations: %w", err)
		}
		log = append(log, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return moves.CustodyLocations(log), nil
}

// AppendEvents records events of one move together, as one unit of work:
// each through AppendEvent (validated, placed in the log, the move
// recomputed), and all of them or none. The first refusal is returned and
// nothing is kept. opt applies to each; with ExpectedVersion set, the
// events after the first are checked against the version the ones before
// them left.
func (s *Store) AppendEvents(ctx context.Context, events []moves.Event, opt AppendOptions) ([]moves.Event, moves.Move, error) {
	var out []moves.Event
	var m moves.Move
	err := s.unit(ctx, func(u *Unit) error {
		out = out[:0]
		o := opt
		for _, e := range events {
			ev, nm, err := s.AppendEvent(u.Context(), e, o)
			if err != nil {
				return err
			}
			if o.ExpectedVersion != 0 {
				o.ExpectedVersion = nm.Version
			}
			out, m = append(out, ev), nm
		}
		return nil
	})
	if err != nil {
		return nil, moves.Move{}, err
	}
	return out, m, nil
}
