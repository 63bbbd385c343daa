package moves

import "time"

// EventType names a kind of event, exactly as the API spells it.
type EventType string

// Classification marks events that should stand out in a timeline.
type Classification string

const (
	ClassDefault  Classification = "default"
	ClassIncident Classification = "incident"
	ClassMedical  Classification = "medical"
)

// Event is one entry in a move's log.
type Event struct {
	ID     string
	MoveID string
	// JourneyID is set on a journey's events (eventable type "journeys")
	// and LodgingID on a lodging's; MoveID is then the move they belong
	// to, so that one query finds everything a move's timeline shows.
	JourneyID string
	LodgingID string
	Type      EventType
	// OccurredAt is when it happened (business time, the ordering key);
	// RecordedAt is when the client recorded it. Both are kept in UTC.
	OccurredAt time.Time
	RecordedAt time.Time
	// Seq is the arrival order, assigned by the store; it breaks ties.
	Seq   int64
	Notes string
	// Details holds the event's own detail values as JSON scalars
	// (string, bool, float64); only the catalogue's keys are kept.
	Details map[string]any
	// Rels maps relationship names (location, to_location, from_location,
	// previous_move) to the id they point at.
	Rels      map[string]string
	CreatedBy string
	// SupplierID is the supplier whose client posted the event ("" when
	// not a supplier's client): the API's supplier relationship, and who
	// is not told of its own event.
	SupplierID string
	// MoveSupplierID is the supplier the move was with once the event was
	// written, kept on the events whose timeline entry names the move's
	// supplier (KeepsMoveSupplier): a move can pass to another supplier
	// later, and its log must still name the one of each entry's time.
	// The store sets it; it is "" on other events and on those written
	// before it was kept.
	MoveSupplierID string
	// Applied is false when the event is valid in itself but could not
	// apply at its place in the log; Reason says why.
	Applied bool
	Reason  string
	// Late is true when an event that occurred later had already arrived.
	Late bool
	// CreatedAt is when the service stored it.
	CreatedAt time.Time
}

// Str returns a detail as a string ("" when absent or not a string).
func (e Event) Str(key string) string {
	s, _ := e.Details[key].(string)
	return s
}

// Bool returns a detail as a bool (false when absent or not a bool).
func (e Event) Bool(key string) bool {
	b, _ := e.Details[key].(bool)
	return b
}
