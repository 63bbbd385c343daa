package store

// Planned moves written as rows. The demo data (demo_seed.go) and the
// benchmark loader (bench/bulk) both plan whole moves in memory, with
// every event each will receive, and write the rows CreateMove and
// AppendEvent would have left, without going through them one event at a
// time. What those rows are is the store's business, so it lives here,
// once: playing a planned log through the state machine in arrival order
// as AppendEvent plays it, and turning people, profiles, moves and events
// into the columns of their tables. bench/bulk's tests check the result
// against the real CreateMove and AppendEvent.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"time"

	"github.com/securemove/securemove/moves"
)

// PlannedEvent is one planned event and when it reaches the service.
type PlannedEvent struct {
	moves.Event
	// ClientID is the API client that sends it, if a supplier does.
	ClientID string
	// Arrive is when the service receives it: the log's arrival order.
	Arrive time.Time
}

// PlannedMove is one planned move: as CreateMove makes it (Initial, with
// its Profile) and its events in arrival order, the creation event first.
// Play fills in Final and the events' marks.
type PlannedMove struct {
	Initial moves.Move
	Profile moves.Profile
	Events  []PlannedEvent
	// Final is the move as stored once every event has arrived.
	Final moves.Move
}

// Play runs the planned events through the state machine in arrival
// order, exactly as AppendEvent does: an event that goes at the end of
// the log is applied to the state so far; a late one makes a whole
// replay. The move's version counts the state changes; updated_at and
// updated_by are those of the last change. An invalid event is an error
// of the plan.
func (pm *PlannedMove) Play(refs moves.Refs) error {
	m := pm.Initial
	log := make([]moves.Event, 0, len(pm.Events))
	for i := range pm.Events {
		pe := &pm.Events[i]
		pe.Seq = int64(i + 1) // relative; AddMove numbers the rows
		pe.Details = moves.NormalizeDetails(pe.Type, pe.Details)
		if pe.Details == nil {
			pe.Details = map[string]any{}
		}
		if pe.Rels == nil {
			pe.Rels = map[string]string{}
		}
		pe.CreatedAt = pe.Arrive.UTC()
		// The supplier its entry names, as appendTx keeps it (a plan's
		// move keeps its supplier throughout).
		pe.Event = moves.KeepMoveSupplier(pe.Event, m.SupplierID)
		if i == 0 {
			pe.Applied = true
			log = append(log, pe.Event)
			continue
		}
		if fe := moves.ValidateEvent(pe.Event, refs); len(fe) > 0 {
			return fmt.Errorf("store: planned an invalid %s event: %v", pe.Type, fe)
		}
		// In order when it goes after every non-creation event so far.
		inOrder := true
		for _, p := range log[1:] {
			if pe.OccurredAt.Before(p.OccurredAt) || (pe.OccurredAt.Equal(p.OccurredAt) && pe.RecordedAt.Before(p.RecordedAt)) {
				inOrder = false
				break
			}
		}
		var state moves.State
		if inOrder {
			var reason string
			state, reason = moves.Apply(m.State(), pe.Event, refs)
			pe.Applied, pe.Reason, pe.Late = reason == "", reason, false
			log = append(log, pe.Event)
		} else {
			log = append(log, pe.Event)
			sorted := append([]moves.Event(nil), log...)
			state = moves.Replay(pm.baseState(), sorted, refs)
			marks := make(map[string]moves.Event, len(sorted))
			for _, e := range sorted {
				marks[e.ID] = e
			}
			for j := range log {
				mk := marks[log[j].ID]
				log[j].Applied, log[j].Reason, log[j].Late = mk.Applied, mk.Reason, mk.Late
			}
		}
		if state != m.State() {
			m.SetState(state)
			m.Version++
			m.UpdatedAt = pe.CreatedAt
			if pe.CreatedBy != "" {
				m.UpdatedBy = pe.CreatedBy
			}
		}
	}
	for i := range pm.Events {
		pm.Events[i].Applied, pm.Events[i].Reason, pm.Events[i].Late = log[i].Applied, log[i].Reason, log[i].Late
	}
	pm.Final = m
	return nil
}

func (pm *PlannedMove) baseState() moves.State {
	m := pm.Initial
	return moves.State{Status: m.Status, MoveType: m.MoveType, FromID: m.FromID, ToID: m.ToID, Date: m.Date,
		DateFrom: m.DateFrom, DateTo: m.DateTo}
}

// RowSet is the rows of one table waiting to be written, flattened.
type RowSet struct {
	Table string
	Cols  []string
	args  []any
}

// NewRowSet starts the rows of a table with these columns.
func NewRowSet(table string, cols ...string) *RowSet { return &RowSet{Table: table, Cols: cols} }

// Len is how many rows there are.
func (t *RowSet) Len() int { return len(t.args) / len(t.Cols) }

// Add adds a row: one value per column, in order.
func (t *RowSet) Add(vals ...any) {
	if len(vals) != len(t.Cols) {
		panic(fmt.Sprintf("store: %s: %d values for %d columns", t.Table, len(vals), len(t.Cols)))
	}
	t.args = append(t.args, vals...)
}

// Args are the values of n rows from row off, for InsertSQL(n).
func (t *RowSet) Args(off, n int) []any { return t.args[off*len(t.Cols) : (off+n)*len(t.Cols)] }

// InsertSQL is a standard multi-row INSERT of n rows.
func (t *RowSet) InsertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.Table + " (" + strings.Join(t.Cols, ", ") + ") VALUES ")
	row := "(" + placeholders(len(t.Cols)) + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// maxInsertArgs bounds the values bound in one statement: SQLite's limit
// (32766; PostgreSQL allows 65535).
const maxInsertArgs = 32766

// insertRows writes a table's rows in as few statements as the limit on
// bound values allows.
func insertRows(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, t *RowSet) error {
	per := maxInsertArgs / len(t.Cols)
	for off, n := 0, t.Len(); off < n; off += per {
		k := min(per, n-off)
		if _, err := ex.ExecContext(ctx, t.InsertSQL(k), t.Args(off, k)...); err != nil {
			return fmt.Errorf("insert into %s: %w", t.Table, err)
		}
	}
	return nil
}

// MoveRows holds the rows of people, profiles, moves and events.
type MoveRows struct {
	People, Profiles, Moves, Events *RowSet
}

// NewMoveRows starts empty rows of the four tables.
func NewMoveRows() *MoveRows {
	return &MoveRows{
		People: NewRowSet("people", "id", "first_names", "last_name", "date_of_birth", "gender", "ethnicity", "pnc", "pnc_canonical",
			"prison_number", "created_at", "created_by", "updated_at", "updated_by"),
		Profiles: NewRowSet("profiles", "id", "person_id", "flags", "created_at", "created_by"),
		Moves: NewRowSet("moves", "id", "reference", "status", "move_type", "from_location_id", "to_location_id", "date", "date_from", "date_to",
			"time_due", "notes", "supplier_id", "profile_id", "person_id", "original_move_id", "initial_status", "initial_move_type",
			"initial_to_location_id", "initial_date", "initial_date_from", "initial_date_to", "version", "created_at", "created_by",
			"updated_at", "updated_by", "is_lockout", "cancellation_reason", "cancellation_comment", "rejection_reason", "rebook"),
		Events: NewRowSet("events", "seq", "id", "move_id", "event_type", "creation", "occurred_at", "recorded_at", "notes", "details", "rels",
			"created_by", "supplier_id", "client_id", "applied", "reason", "late", "created_at", "move_supplier_id"),
	}
}

// Tables are the four row sets, in an order their references allow.
func (r *MoveRows) Tables() []*RowSet { return []*RowSet{r.People, r.Profiles, r.Moves, r.Events} }

// Len is how many rows the four tables hold.
func (r *MoveRows) Len() int {
	return r.People.Len() + r.Profiles.Len() + r.Moves.Len() + r.Events.Len()
}

// AddPerson adds a person as CreatePerson stores one (normalised already):
// the creator is the last to have updated it.
func (r *MoveRows) AddPerson(p moves.Person) {
	r.People.Add(p.ID, p.FirstNames, p.LastName, p.DateOfBirth, p.Gender, p.Ethnicity, nullStr(p.PNC), nullStr(moves.NormalizePNC(p.PNC)),
		nullStr(p.PrisonNumber), micros(p.CreatedAt), p.CreatedBy, micros(p.UpdatedAt), p.CreatedBy)
}

// AddMove adds a played move's profile, move and event rows; the events
// take the sequence numbers from *seq on.
func (r *MoveRows) AddMove(pm *PlannedMove, seq *int64) error {
	pr := pm.Profile
	flags, err := json.Marshal(pr.Flags)
	if err != nil {
		return err
	}
	r.Profiles.Add(pr.ID, pr.PersonID, string(flags), micros(pr.CreatedAt), pr.CreatedBy)
	m, in := pm.Final, pm.Initial
	r.Moves.Add(m.ID, m.Reference, string(m.Status), string(m.MoveType), m.FromID, nullStr(m.ToID), nullStr(m.Date),
		nullStr(m.DateFrom), nullStr(m.DateTo), nullMicros(m.TimeDue), m.Notes, nullStr(m.SupplierID), m.ProfileID, m.PersonID,
		nullStr(m.OriginalID), string(in.Status), string(in.MoveType), nullStr(in.ToID), nullStr(in.Date), nullStr(in.DateFrom),
		nullStr(in.DateTo), m.Version, micros(m.CreatedAt), m.CreatedBy, micros(m.UpdatedAt), m.UpdatedBy, boolInt(m.Lockout),
		nullStr(m.Cancellation.Reason), m.Cancellation.Comment, nullStr(m.Cancellation.RejectionReason), boolInt(m.Cancellation.Rebook))
	for _, e := range pm.Events {
		details, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		rels, err := json.Marshal(e.Rels)
		if err != nil {
			return err
		}
		spec, _ := moves.SpecFor(e.Type)
		r.Events.Add(*seq, e.ID, e.MoveID, string(e.Type), boolInt(spec.Creation), micros(e.OccurredAt), micros(e.RecordedAt),
			e.Notes, string(details), string(rels), e.CreatedBy, nullStr(e.SupplierID), nullStr(e.ClientID), boolInt(e.Applied),
			e.Reason, boolInt(e.Late), micros(e.CreatedAt), nullStr(e.MoveSupplierID))
		*seq++
	}
	return nil
}

// RandReader turns a seeded generator into an io.Reader, for ids and
// references that are the same on every run.
type RandReader struct{ R *rand.Rand }

func (r RandReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r.R.Uint32())
	}
	return len(p), nil
}
