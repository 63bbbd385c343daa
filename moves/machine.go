package moves

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// State is the part of a move that its event log decides.
type State struct {
	Status       Status
	MoveType     MoveType
	FromID, ToID string
	Date         string
	DateFrom     string
	DateTo       string
	Lockout      bool
	Cancellation Cancellation
}

// State returns the log-derived part of m.
func (m Move) State() State {
	return State{
		Status:       m.Status,
		MoveType:     m.MoveType,
		FromID:       m.FromID,
		ToID:         m.ToID,
		Date:         m.Date,
		DateFrom:     m.DateFrom,
		DateTo:       m.DateTo,
		Lockout:      m.Lockout,
		Cancellation: m.Cancellation,
	}
}

// SetState copies s onto m.
func (m *Move) SetState(s State) {
	m.Status = s.Status
	m.MoveType = s.MoveType
	m.FromID = s.FromID
	m.ToID = s.ToID
	m.Date = s.Date
	m.DateFrom = s.DateFrom
	m.DateTo = s.DateTo
	m.Lockout = s.Lockout
	m.Cancellation = s.Cancellation
}

// Locations looks locations up by id.
type Locations interface {
	Location(id string) (Location, bool)
}

// Transition returns the status an event of type t leads to from s, and
// whether it may happen at all. Unlike upstream, a completed move cannot
// be cancelled: it has happened. Creation events are never a transition;
// they only open a log (see Replay).
func Transition(s Status, t EventType) (Status, bool) {
	if !s.Valid() {
		return s, false
	}
	switch t {
	case EventMoveApprove:
		if s == StatusProposed {
			return StatusRequested, true
		}
	case EventMoveReject:
		if s == StatusProposed || s == StatusRequested {
			return StatusCancelled, true
		}
	case EventMoveAccept:
		if s == StatusRequested {
			return StatusBooked, true
		}
	case EventMoveStart:
		if s == StatusBooked {
			return StatusInTransit, true
		}
	case EventMoveComplete:
		if s == StatusInTransit {
			return StatusCompleted, true
		}
	case EventMoveCancel:
		if !s.Final() {
			return StatusCancelled, true
		}
	case EventMoveRedirect, EventMoveLockout:
		if !s.Final() {
			return s, true
		}
	case EventMoveDateChanged:
		// A proposed move has a window, not a date; approval gives it one.
		if !s.Final() && s != StatusProposed {
			return s, true
		}
	case EventPersonUpdate, EventMoveUpdate, EventProfileUpdate:
		// Only until the person leaves custody.
		if ChangeableStatus(s) {
			return s, true
		}
	case EventMoveResubmit:
		// Only a rejected request is sent again (Resubmittable says which).
		if s == StatusCancelled {
			return s, true
		}
	case EventMoveProposed, EventMoveRequested:
		return s, false
	default:
		if t.Known() {
			return s, true
		}
	}
	return s, false
}

// verbs word the refusal of a transition: "A move that is booked cannot
// be approved".
var verbs = map[EventType]string{
	EventMoveApprove:     "approved",
	EventMoveReject:      "rejected",
	EventMoveAccept:      "accepted",
	EventMoveStart:       "started",
	EventMoveComplete:    "completed",
	EventMoveCancel:      "cancelled",
	EventMoveRedirect:    "redirected",
	EventMoveLockout:     "marked as locked out",
	EventMoveDateChanged: "given a new date",
	EventPersonUpdate:    "changed: the person has left custody",
	EventMoveUpdate:      "changed: the person has left custody",
	EventProfileUpdate:   "changed: the person has left custody",
	EventMoveResubmit:    "sent again: only a rejected request can be",
}

func statusWords(s Status) string {
	if s == StatusInTransit {
		return "in transit"
	}
	if s == "" {
		return "without a status"
	}
	return string(s)
}

// Apply applies one event to s. It returns the new state, or s unchanged
// and a plain-English reason when the event cannot apply at this point of
// the log. It assumes e passed ValidateEvent, but it does not trust that:
// a bad value gives a reason, never a panic.
func Apply(s State, e Event, locs Locations) (State, string) {
	if e.Type.IsCreation() {
		return s, "The move was already created, so this creation event does not apply"
	}
	if !e.Type.Known() {
		return s, fmt.Sprintf("%q is not a known event type", string(e.Type))
	}
	next, ok := Transition(s.Status, e.Type)
	if !ok {
		if e.Type == EventMoveDateChanged && s.Status == StatusProposed {
			return s, "A proposed move gets its date when it is approved, so its date cannot be changed"
		}
		return s, fmt.Sprintf("A move that is %s cannot be %s", statusWords(s.Status), verbs[e.Type])
	}
	out := s
	out.Status = next
	switch e.Type {
	case EventMoveApprove:
		date, err := ParseDate(e.Str("date"))
		if err != nil {
			return s, "The approval has no valid date"
		}
		if s.DateFrom != "" && date < s.DateFrom {
			return s, fmt.Sprintf("The approved date %s is before the earliest date asked for, %s", date, s.DateFrom)
		}
		if s.DateTo != "" && date > s.DateTo {
			return s, fmt.Sprintf("The approved date %s is after the latest date asked for, %s", date, s.DateTo)
		}
		out.Date = date
	case EventMoveReject:
		out.Cancellation = Cancellation{
			Reason:          "rejected",
			RejectionReason: e.Str("rejection_reason"),
			Comment:         e.Str("cancellation_reason_comment"),
			Rebook:          e.Bool("rebook"),
		}
	case EventMoveCancel:
		out.Cancellation = Cancellation{
			Reason:  e.Str("cancellation_reason"),
			Comment: e.Str("cancellation_reason_comment"),
		}
	case EventMoveRedirect:
		if mt := MoveType(e.Str("move_type")); mt != "" {
			out.MoveType = mt
		}
		if reason := redirectProblem(out.MoveType, s.FromID, e.Rels["to_location"], locs); reason != "" {
			return s, reason
		}
		out.ToID = e.Rels["to_location"]
	case EventMoveLockout:
		out.Lockout = true
	case EventMoveDateChanged:
		date, err := ParseDate(e.Str("date"))
		if err != nil {
			return s, "The date change has no valid date"
		}
		out.Date = date
	}
	return out, ""
}

// redirectProblem says why a move of type t from fromID may not go to
// toID, or "" when it may.
func redirectProblem(t MoveType, fromID, toID string, locs Locations) string {
	if !t.Valid() {
		return fmt.Sprintf("%q is not a known move type", string(t))
	}
	if toID == "" {
		return "The redirect does not say where the move should go"
	}
	if toID == fromID {
		return "A move cannot be redirected to the location it starts from"
	}
	if locs == nil {
		return "The new destination is not a known location"
	}
	to, ok := locs.Location(toID)
	if !ok {
		return "The new destination is not a known location"
	}
	if to.Disabled {
		return fmt.Sprintf("%s is no longer in use, so the move cannot be redirected there", titleOf(to))
	}
	// The starting location may have closed since the move began; that
	// does not stop the move going somewhere else.
	from, ok := locs.Location(fromID)
	if !ok {
		return "The move's starting location is not known"
	}
	if msg := fromProblem(t, from.Type); msg != "" {
		return msg
	}
	if msg := toProblem(t, to.Type); msg != "" {
		return msg
	}
	return ""
}

func titleOf(l Location) string {
	if l.Title != "" {
		return l.Title
	}
	return "That location"
}

// before reports whether a comes before b in log order, leaving the
// opening creation event aside. The id is a last resort so that the order
// never depends on how the slice arrived.
func before(a, b Event) int {
	return cmp.Or(
		a.OccurredAt.Compare(b.OccurredAt),
		a.RecordedAt.Compare(b.RecordedAt),
		cmp.Compare(a.Seq, b.Seq),
		cmp.Compare(a.ID, b.ID),
	)
}

// openingIndex is the event that created the move: the creation event
// that arrived first. Another creation event (which a client should not
// be able to post) takes its place by time and does not apply.
func openingIndex(events []Event) int {
	idx := -1
	for i, e := range events {
		if !e.Type.IsCreation() {
			continue
		}
		if idx < 0 || cmp.Or(cmp.Compare(e.Seq, events[idx].Seq), before(e, events[idx])) < 0 {
			idx = i
		}
	}
	return idx
}

// SortLog puts events in log order: the event that created the move
// first, whatever its timestamps say (clocks differ between systems, and
// an event dated before the move existed still belongs to it), then by
// occurred_at, recorded_at and arrival.
func SortLog(events []Event) {
	start := 0
	if i := openingIndex(events); i >= 0 {
		events[0], events[i] = events[i], events[0]
		start = 1
	}
	slices.SortStableFunc(events[start:], before)
}

// Replay recomputes a move's state from its whole log. base is the move as
// it was created, before any event; the opening creation event resets the
// status to the one it records and clears the lockout and cancellation,
// so a base read from the move's current row cannot leak into the result.
// It sorts events in place and sets each one's Applied, Reason and Late.
//
// Events about a journey or a lodging (JourneyID or LodgingID set) share
// the move's log in the store but are not the move's own: they are put in
// order with the rest and left exactly as they are, marks included (their
// own replays, ReplayJourney and the store's, decide those).
func Replay(base State, events []Event, locs Locations) State {
	if own, ok := ownEvents(events); ok {
		s := Replay(base, own, locs)
		// Both sorted by the same order, the move's own events of the
		// whole log come in the order of own: copy the marks across.
		SortLog(events)
		k := 0
		for i := range events {
			if events[i].JourneyID == "" && events[i].LodgingID == "" {
				events[i].Applied, events[i].Reason, events[i].Late = own[k].Applied, own[k].Reason, own[k].Late
				k++
			}
		}
		return s
	}
	SortLog(events)
	s := base
	for i := range events {
		e := &events[i]
		if i == 0 && e.Type.IsCreation() {
			s.Status = StatusRequested
			if e.Type == EventMoveProposed {
				s.Status = StatusProposed
			}
			s.Lockout = false
			s.Cancellation = Cancellation{}
			e.Applied, e.Reason = true, ""
			continue
		}
		var reason string
		s, reason = Apply(s, *e, locs)
		e.Applied, e.Reason = reason == "", reason
	}
	// An event is late when something placed after it had already arrived.
	minSeq := int64(0)
	for i := len(events) - 1; i >= 0; i-- {
		events[i].Late = i < len(events)-1 && minSeq < events[i].Seq
		if i == len(events)-1 || events[i].Seq < minSeq {
			minSeq = events[i].Seq
		}
	}
	return s
}

// fromProblem says why a move of type t may not start at a location of
// type from, or "".
func fromProblem(t MoveType, from LocationType) string {
	switch t {
	case PoliceTransfer:
		if from != LocPolice {
			return "A police transfer must start at a police custody suite"
		}
	case PrisonRecall:
		if from != LocPolice {
			return "A prison recall must start at a police custody suite"
		}
	case VideoRemand:
		if from != LocPolice {
			return "A video remand must start at a police custody suite"
		}
	case PrisonTransfer:
		if !from.Detained() {
			return "A prison transfer must start at a prison, young offender institution, secure children's home or secure training centre"
		}
	}
	return ""
}

// toProblem says why a move of type t may not go to a location of type
// to, or "".
func toProblem(t MoveType, to LocationType) string {
	if slices.Contains(destinationTypes(t), to) {
		return ""
	}
	switch t {
	case CourtAppearance:
		return "A court appearance must go to a court"
	case CourtOther:
		return "An other court move must not go to a prison, young offender institution, secure children's home or secure training centre"
	case Hospital:
		return "A hospital move must go to a hospital or a high security hospital"
	case PoliceTransfer:
		return "A police transfer must go to a police custody suite"
	case PrisonRemand:
		return "A prison remand must go to a prison, young offender institution, secure children's home or secure training centre"
	case PrisonTransfer:
		return "A prison transfer must go to a prison, young offender institution, secure children's home or secure training centre"
	case ApprovedPremises:
		return "An approved premises move must go to approved premises"
	case Extradition:
		return "An extradition must go to a police custody suite"
	}
	return fmt.Sprintf("A %s move cannot go to that kind of location", lowerFirst(t.Label()))
}

// destinationTypes is DestinationTypes without the copy.
func destinationTypes(t MoveType) []LocationType {
	switch t {
	case CourtAppearance:
		return []LocationType{LocCourt}
	case CourtOther:
		return []LocationType{LocPolice, LocCourt, LocHospital, LocHighSecurityHospital, LocApprovedPremises}
	case Hospital:
		return []LocationType{LocHospital, LocHighSecurityHospital}
	case PoliceTransfer:
		return []LocationType{LocPolice}
	case PrisonRemand, PrisonTransfer:
		return []LocationType{LocPrison, LocYOI, LocSCH, LocSTC}
	case ApprovedPremises:
		return []LocationType{LocApprovedPremises}
	case Extradition:
		// Upstream hands extradited people over at a police custody suite
		// that deals with extraditions.
		return []LocationType{LocPolice}
	case PrisonRecall, VideoRemand:
		// DOMAIN.md sets no rule on these destinations.
		return LocationTypes
	}
	return nil
}

// DestinationTypes lists the location types a move of type t may go to,
// in the order of LocationTypes. It is empty for an unknown type.
func DestinationTypes(t MoveType) []LocationType {
	return append([]LocationType(nil), destinationTypes(t)...)
}

// DestinationOptional reports whether a move of type t may be created
// without a destination.
func DestinationOptional(t MoveType) bool { return t == PrisonRecall || t == VideoRemand }

// CheckLocations checks a new move's type against its locations. to is
// nil when no destination was chosen.
func CheckLocations(t MoveType, from Location, to *Location) FieldErrors {
	var fe FieldErrors
	if !t.Valid() {
		if t == "" {
			fe.Add("move_type", "blank", "Select the type of move")
		} else {
			fe.Add("move_type", "inclusion", "move_type must be one of "+joinTypes(MoveTypes))
		}
		return fe
	}
	if from.Disabled {
		fe.Add("from_location", "invalid", fmt.Sprintf("%s is no longer in use, so a move cannot start there", titleOf(from)))
	} else if msg := fromProblem(t, from.Type); msg != "" {
		fe.Add("from_location", "invalid", msg)
	}
	switch {
	case to == nil:
		if !DestinationOptional(t) {
			fe.Add("to_location", "blank", fmt.Sprintf("Select where the %s is going", lowerFirst(t.Label())+" move"))
		}
	case to.Disabled:
		fe.Add("to_location", "invalid", fmt.Sprintf("%s is no longer in use, so a move cannot go there", titleOf(*to)))
	case to.ID != "" && to.ID == from.ID:
		fe.Add("to_location", "invalid", "The destination must be different from the location the move starts from")
	default:
		if msg := toProblem(t, to.Type); msg != "" {
			fe.Add("to_location", "invalid", msg)
		}
	}
	return fe
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

func joinTypes(ts []MoveType) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += ", "
		}
		out += string(t)
	}
	return out
}

// InitialStatus is the status a new move starts in: proposed, to wait for
// PMU, when it goes between two detained locations; requested otherwise.
func InitialStatus(t MoveType, from Location, to *Location) Status {
	if to != nil && from.Type.Detained() && to.Type.Detained() {
		return StatusProposed
	}
	return StatusRequested
}

// ValidateNewMove checks a move about to be created. Its status is taken
// from InitialStatus, not from m.Status: where a move starts is a rule,
// not a choice.
func ValidateNewMove(m Move, from Location, to *Location) FieldErrors {
	fe := CheckLocations(m.MoveType, from, to)
	if m.FromID == "" && from.ID == "" {
		// Rules about the starting location mean nothing without one.
		fe = slices.DeleteFunc(fe, func(f FieldError) bool { return f.Field == "from_location" })
		at := 0
		for at < len(fe) && fe[at].Field == "move_type" {
			at++
		}
		fe = slices.Insert(fe, at, FieldError{Field: "from_location", Code: "blank", Message: "Select where the move starts"})
	}
	if InitialStatus(m.MoveType, from, to) == StatusProposed {
		first, okFirst := checkDate(&fe, "date_from", m.DateFrom, "Enter the earliest date the move could happen")
		if m.DateTo != "" {
			if last, ok := checkDate(&fe, "date_to", m.DateTo, ""); ok && okFirst && last < first {
				fe.Add("date_to", "invalid", "The latest date must be the same as or after the earliest date")
			}
		}
	} else {
		checkDate(&fe, "date", m.Date, "Enter the date of the move")
	}
	if TimeDueRequired(m.MoveType) && m.TimeDue == nil && m.OriginalID == "" {
		fe.Add("time_due", "blank", "Enter the time they are due at the hospital")
	}
	return fe
}

// TimeDueRequired reports whether a move of type t must say when the
// person is due at the destination: a hospital expects them at an
// appointment's time. A move rebooked after a rejection (OriginalID set)
// is exempt; its time is agreed when it is approved.
func TimeDueRequired(t MoveType) bool { return t == Hospital }

func checkDate(fe *FieldErrors, field, value, blankMsg string) (string, bool) {
	if value == "" {
		if blankMsg != "" {
			fe.Add(field, "blank", blankMsg)
		}
		return "", false
	}
	d, err := ParseDate(value)
	if err != nil {
		fe.Add(field, "invalid", field+" must be a real date written YYYY-MM-DD")
		return "", false
	}
	return d, true
}

// CreationEvent is the event that records the creation of a move that
// starts in status s.
func CreationEvent(s Status) EventType {
	if s == StatusProposed {
		return EventMoveProposed
	}
	return EventMoveRequested
}

// RebookDays is how far a rejected move is proposed again.
const RebookDays = 7

// Rebookable reports whether a rejection of m may ask for it to be
// proposed again. A move is booked for a person, so an allocation's place
// that nobody has been added to cannot be: there is nobody to propose.
func Rebookable(m Move) bool { return m.PersonID != "" }

// Rebook returns the proposed move that a rejection with rebook creates:
// the same person, places and supplier, a window a week later, linked to
// m. The caller gives it an id and a reference, and creates it only once.
func Rebook(m Move) Move {
	start := m.DateFrom
	if start == "" {
		start = m.Date
	}
	n := Move{
		Status:     StatusProposed,
		MoveType:   m.MoveType,
		FromID:     m.FromID,
		ToID:       m.ToID,
		DateFrom:   AddDays(start, RebookDays),
		SupplierID: m.SupplierID,
		ProfileID:  m.ProfileID,
		PersonID:   m.PersonID,
		OriginalID: m.ID,
	}
	if m.DateTo != "" {
		n.DateTo = AddDays(m.DateTo, RebookDays)
	}
	return n
}

// AddDays returns date moved by n days, or "" when date is not a valid
// YYYY-MM-DD date.
func AddDays(date string, n int) string {
	if _, err := ParseDate(date); err != nil {
		return ""
	}
	t, _ := time.Parse(time.DateOnly, date)
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// ownEvents returns the move's own events of a log that also holds events
// about its journeys or lodgings; ok is false when every event is the
// move's own.
func ownEvents(events []Event) ([]Event, bool) {
	n := 0
	for _, e := range events {
		if e.JourneyID == "" && e.LodgingID == "" {
			n++
		}
	}
	if n == len(events) {
		return nil, false
	}
	own := make([]Event, 0, n)
	for _, e := range events {
		if e.JourneyID == "" && e.LodgingID == "" {
			own = append(own, e)
		}
	}
	return own, true
}
