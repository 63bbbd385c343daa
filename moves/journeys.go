package moves

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// JourneyStatus is where a journey stands. Only rejected is final:
// cancelled and completed journeys can be put back in progress.
type JourneyStatus string

const (
	JourneyProposed   JourneyStatus = "proposed"
	JourneyInProgress JourneyStatus = "in_progress"
	JourneyCompleted  JourneyStatus = "completed"
	JourneyCancelled  JourneyStatus = "cancelled"
	JourneyRejected   JourneyStatus = "rejected"
)

// JourneyStatuses lists every journey status in lifecycle order.
var JourneyStatuses = []JourneyStatus{JourneyProposed, JourneyInProgress, JourneyCompleted, JourneyCancelled, JourneyRejected}

// Valid reports whether s is a known journey status.
func (s JourneyStatus) Valid() bool { return slices.Contains(JourneyStatuses, s) }

// Live reports whether the journey still counts as one the move will
// drive: neither cancelled nor rejected. Two live journeys of a move may
// not share their ends.
func (s JourneyStatus) Live() bool { return s != JourneyCancelled && s != JourneyRejected }

// Label is the status in plain English.
func (s JourneyStatus) Label() string { return Label(JourneyStatusLabels, string(s)) }

// JourneyStatusLabels names each journey status.
var JourneyStatusLabels = map[string]string{
	string(JourneyProposed):   "Proposed",
	string(JourneyInProgress): "In progress",
	string(JourneyCompleted):  "Completed",
	string(JourneyCancelled):  "Cancelled",
	string(JourneyRejected):   "Rejected",
}

// Vehicle is the vehicle a journey is driven in.
type Vehicle struct {
	ID           string `json:"id,omitempty"`
	Registration string `json:"registration,omitempty"`
	Depot        string `json:"depot,omitempty"`
}

// Journey is one leg of a move actually driven, with the state its event
// log gives it.
type Journey struct {
	ID         string
	MoveID     string
	SupplierID string
	FromID     string
	ToID       string
	// Timestamp is the client's own time for the journey; journeys are
	// numbered by it.
	Timestamp time.Time
	// Number is the 1-based position among the move's journeys by
	// Timestamp (see NumberJourneys); it is not stored.
	Number int
	JourneyState
	Version   int64
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
}

// JourneyState is the part of a journey that its log decides: everything
// a JourneyCreate, a JourneyUpdate or a state change can set.
type JourneyState struct {
	Status   JourneyStatus
	Date     string // YYYY-MM-DD
	Billable bool
	Vehicle  Vehicle
}

// JourneyTransition returns the status an event of type t leads to from
// s, and whether it may happen there. Upstream's table, with one choice of
// ours: a rejected journey never happened, so nothing but an update of its
// attributes applies to it any more.
func JourneyTransition(s JourneyStatus, t EventType) (JourneyStatus, bool) {
	if !s.Valid() {
		return s, false
	}
	switch t {
	case EventJourneyStart:
		if s == JourneyProposed {
			return JourneyInProgress, true
		}
	case EventJourneyReject:
		if s == JourneyProposed {
			return JourneyRejected, true
		}
	case EventJourneyComplete:
		if s == JourneyInProgress {
			return JourneyCompleted, true
		}
	case EventJourneyUncomplete:
		if s == JourneyCompleted {
			return JourneyInProgress, true
		}
	case EventJourneyCancel:
		if s == JourneyInProgress {
			return JourneyCancelled, true
		}
	case EventJourneyUncancel:
		if s == JourneyCancelled {
			return JourneyInProgress, true
		}
	case EventJourneyChangeVehicle:
		// A vehicle can only be changed on a journey yet to end.
		if s == JourneyProposed || s == JourneyInProgress {
			return s, true
		}
	case EventJourneyUpdate:
		// Billing can be corrected whatever became of the journey.
		return s, true
	case EventJourneyCreate:
		return s, false
	default:
		if _, ok := journeyIndex[t]; ok && s != JourneyRejected {
			return s, true
		}
	}
	return s, false
}

// journeyVerbs word the refusal of a transition: "A journey that is
// proposed cannot be completed".
var journeyVerbs = map[EventType]string{
	EventJourneyStart:         "started",
	EventJourneyReject:        "rejected",
	EventJourneyComplete:      "completed",
	EventJourneyUncomplete:    "put back in progress as it is not completed",
	EventJourneyCancel:        "cancelled",
	EventJourneyUncancel:      "put back in progress as it is not cancelled",
	EventJourneyChangeVehicle: "given another vehicle",
}

func journeyStatusWords(s JourneyStatus) string {
	switch s {
	case JourneyInProgress:
		return "in progress"
	case "":
		return "without a status"
	}
	return string(s)
}

// ApplyJourney applies one event to a journey's state, or returns s
// unchanged with the reason it cannot apply at this point of the log.
func ApplyJourney(s JourneyState, e Event) (JourneyState, string) {
	if e.Type == EventJourneyCreate {
		return s, "The journey was already created, so this creation event does not apply"
	}
	if _, ok := journeyIndex[e.Type]; !ok {
		if sub, ok := SubjectOf(e.Type); ok {
			return s, fmt.Sprintf("%s is an event about %s, not a journey", string(e.Type), sub.words())
		}
		return s, fmt.Sprintf("%q is not a known journey event type", string(e.Type))
	}
	next, ok := JourneyTransition(s.Status, e.Type)
	if !ok {
		if s.Status == JourneyRejected {
			return s, "The journey was rejected, so nothing more can happen on it"
		}
		if e.Type == EventJourneyCancel && s.Status == JourneyProposed {
			return s, "A proposed journey is rejected, not cancelled"
		}
		return s, fmt.Sprintf("A journey that is %s cannot be %s", journeyStatusWords(s.Status), journeyVerbs[e.Type])
	}
	out := s
	out.Status = next
	switch e.Type {
	case EventJourneyUpdate:
		out = setJourneyAttrs(out, e)
	case EventJourneyStart, EventJourneyComplete, EventJourneyChangeVehicle:
		if reg := strings.TrimSpace(e.Str("vehicle_reg")); reg != "" {
			if reg != out.Vehicle.Registration {
				// A different vehicle: its id no longer holds.
				out.Vehicle.ID = ""
			}
			out.Vehicle.Registration = reg
		}
		if d := strings.TrimSpace(e.Str("vehicle_depot")); d != "" {
			out.Vehicle.Depot = d
		}
	}
	return out, ""
}

// DetailVehicleReplaced marks a JourneyUpdate whose vehicle_id,
// vehicle_reg and vehicle_depot are the whole new vehicle: those it leaves
// out are removed, as upstream's PATCH replaces the vehicle. An update
// without it (recorded before it existed) sets only what it names.
const DetailVehicleReplaced = "vehicle_replaced"

// setJourneyAttrs copies the attributes a JourneyCreate or JourneyUpdate
// gives onto s; those it leaves out stay as they were, except the vehicle
// of an update marked DetailVehicleReplaced, which is replaced whole.
func setJourneyAttrs(s JourneyState, e Event) JourneyState {
	if b, ok := e.Details["billable"].(bool); ok {
		s.Billable = b
	}
	if d, err := ParseDate(e.Str("date")); err == nil {
		s.Date = d
	}
	if replaced, _ := e.Details[DetailVehicleReplaced].(bool); replaced {
		s.Vehicle = Vehicle{}
	}
	if v := strings.TrimSpace(e.Str("vehicle_id")); v != "" {
		s.Vehicle.ID = v
	}
	if v := strings.TrimSpace(e.Str("vehicle_reg")); v != "" {
		s.Vehicle.Registration = v
	}
	if v := strings.TrimSpace(e.Str("vehicle_depot")); v != "" {
		s.Vehicle.Depot = v
	}
	return s
}

// Outcome is what a replay decided about one event of a log.
type Outcome struct {
	EventID string
	Applied bool
	Reason  string
	// Late is true when an event placed after it had already arrived.
	Late bool
}

// ReplayJourney recomputes a journey's state from its whole log. The log
// needs no base: its JourneyCreate event carries everything the journey
// started with. It sorts events in place (the creating event first, then
// occurred_at, recorded_at and arrival), sets each one's Applied, Reason
// and Late, and returns the outcomes in log order too.
func ReplayJourney(events []Event) (JourneyState, []Outcome) {
	sortJourneyLog(events)
	var s JourneyState
	outcomes := make([]Outcome, len(events))
	for i := range events {
		e := &events[i]
		var reason string
		if i == 0 && e.Type == EventJourneyCreate {
			s = setJourneyAttrs(JourneyState{Status: JourneyProposed}, *e)
		} else if i == 0 {
			reason = "The journey's log does not start with its creation, so this event cannot apply"
		} else {
			s, reason = ApplyJourney(s, *e)
		}
		e.Applied, e.Reason = reason == "", reason
	}
	markLate(events)
	for i, e := range events {
		outcomes[i] = Outcome{EventID: e.ID, Applied: e.Applied, Reason: e.Reason, Late: e.Late}
	}
	return s, outcomes
}

// sortJourneyLog is SortLog for a journey: its first-arrived creation
// event opens the log.
func sortJourneyLog(events []Event) {
	idx := -1
	for i, e := range events {
		if e.Type != EventJourneyCreate {
			continue
		}
		if idx < 0 || cmp.Or(cmp.Compare(e.Seq, events[idx].Seq), before(e, events[idx])) < 0 {
			idx = i
		}
	}
	start := 0
	if idx >= 0 {
		events[0], events[idx] = events[idx], events[0]
		start = 1
	}
	slices.SortStableFunc(events[start:], before)
}

// markLate sets Late on every event of a sorted log that arrived after
// something placed later than it.
func markLate(events []Event) {
	minSeq := int64(0)
	for i := len(events) - 1; i >= 0; i-- {
		events[i].Late = i < len(events)-1 && minSeq < events[i].Seq
		if i == len(events)-1 || events[i].Seq < minSeq {
			minSeq = events[i].Seq
		}
	}
}

// NumberJourneys sets each journey's Number: its 1-based position among
// the move's journeys by the client's timestamp. Equal timestamps keep
// their creation order, then id order, so numbers never depend on how the
// slice arrived. It does not reorder js.
func NumberJourneys(js []Journey) {
	order := make([]int, len(js))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(js[a].Timestamp.Compare(js[b].Timestamp), js[a].CreatedAt.Compare(js[b].CreatedAt), cmp.Compare(js[a].ID, js[b].ID))
	})
	for n, i := range order {
		js[i].Number = n + 1
	}
}

// NewJourney is what a client sends to add a journey to a move.
type NewJourney struct {
	MoveID     string
	SupplierID string
	FromID     string
	ToID       string
	Timestamp  time.Time
	// Billable is nil when the client did not say; then Cause decides
	// (see Billable), and without a cause either it is an error.
	Billable *bool
	Cause    JourneyCause
	Date     string // "" for the move's date
	Vehicle  Vehicle
}

// ValidateNewJourney checks a journey about to be added to move m, given
// the move's other journeys (whatever their status) and the locations.
// It returns the journey to create (status proposed, the move's date
// when none was given) or field errors. A second live journey with the
// same ends is a Conflict, not a field error: it is the request as a
// whole that repeats one already made.
func ValidateNewJourney(m Move, nj NewJourney, existing []Journey, locs Locations) (Journey, error) {
	var fe FieldErrors
	checkEnd := func(field, id, what string) {
		switch {
		case strings.TrimSpace(id) == "":
			fe.Add(field, "blank", "Select where the journey "+what)
		case locs == nil:
			fe.Add(field, "not_found", field+" does not match a known location")
		default:
			l, ok := locs.Location(id)
			switch {
			case !ok:
				fe.Add(field, "not_found", field+" does not match a known location")
			case l.Disabled && id != m.FromID && id != m.ToID && !slices.ContainsFunc(existing, func(j Journey) bool { return j.FromID == id || j.ToID == id }):
				// The move's own ends, and places its journeys already
				// reach, stay reachable: a move under way when a place
				// closed must still be driven from it.
				fe.Add(field, "invalid", titleOf(l)+" is no longer in use, so a journey cannot "+what+" there")
			}
		}
	}
	checkEnd("from_location", nj.FromID, "starts")
	checkEnd("to_location", nj.ToID, "ends")
	if nj.FromID != "" && nj.FromID == nj.ToID && !fe.Has("to_location") {
		fe.Add("to_location", "invalid", "The journey must end somewhere other than where it starts")
	}
	if nj.Timestamp.IsZero() {
		fe.Add("timestamp", "blank", "timestamp is required and must be a date and time with a time zone")
	}
	billable := false
	switch {
	case nj.Billable != nil:
		billable = *nj.Billable
	case nj.Cause == "":
		fe.Add("billable", "blank", "billable is required and must be true or false")
	case !slices.Contains(JourneyCauses, nj.Cause):
		fe.Add("cause", "inclusion", "Select why the journey is driven")
	default:
		billable = Billable(nj.Cause)
	}
	date := nj.Date
	if date == "" {
		date = m.Date
		if date == "" {
			fe.Add("date", "blank", "Enter the date of the journey; the move has no date yet")
		}
	} else if d, err := ParseDate(date); err != nil {
		fe.Add("date", "invalid", "date must be a real date written YYYY-MM-DD")
	} else {
		date = d
	}
	if strings.TrimSpace(nj.SupplierID) == "" {
		fe.Add("supplier", "blank", "Select the supplier driving the journey")
	}
	if len(fe) > 0 {
		return Journey{}, InvalidFields(fe)
	}
	if d, ok := DuplicateJourney(existing, nj.FromID, nj.ToID, ""); ok {
		e := Errorf(Conflict, "This move already has a journey from and to the same places that is not cancelled or rejected (journey %d); change that journey instead", d.Number)
		e.ExistingID = d.ID
		return Journey{}, e
	}
	return Journey{
		MoveID:     m.ID,
		SupplierID: nj.SupplierID,
		FromID:     nj.FromID,
		ToID:       nj.ToID,
		Timestamp:  nj.Timestamp.UTC(),
		JourneyState: JourneyState{
			Status:   JourneyProposed,
			Date:     date,
			Billable: billable,
			Vehicle:  trimVehicle(nj.Vehicle),
		},
	}, nil
}

func trimVehicle(v Vehicle) Vehicle {
	return Vehicle{ID: strings.TrimSpace(v.ID), Registration: strings.TrimSpace(v.Registration), Depot: strings.TrimSpace(v.Depot)}
}

// DuplicateJourney finds a live journey among js from fromID to toID,
// other than the one with id except (for a journey being put back in
// progress). Numbers are those NumberJourneys gives.
func DuplicateJourney(js []Journey, fromID, toID, except string) (Journey, bool) {
	numbered := slices.Clone(js)
	NumberJourneys(numbered)
	for _, j := range numbered {
		if j.ID != except && j.FromID == fromID && j.ToID == toID && j.Status.Live() {
			return j, true
		}
	}
	return Journey{}, false
}

// JourneyCreateEvent is the event that opens the log of j, a journey
// ValidateNewJourney accepted: it carries everything the journey starts
// with, so that ReplayJourney needs nothing else. The caller sets ID,
// JourneyID, CreatedBy, SupplierID and Seq.
func JourneyCreateEvent(j Journey, at time.Time) Event {
	d := map[string]any{"billable": j.Billable, "date": j.Date}
	if j.Vehicle.ID != "" {
		d["vehicle_id"] = j.Vehicle.ID
	}
	if j.Vehicle.Registration != "" {
		d["vehicle_reg"] = j.Vehicle.Registration
	}
	if j.Vehicle.Depot != "" {
		d["vehicle_depot"] = j.Vehicle.Depot
	}
	return Event{
		MoveID: j.MoveID, JourneyID: j.ID, Type: EventJourneyCreate,
		OccurredAt: at, RecordedAt: at, Details: d,
		Rels: map[string]string{"from_location": j.FromID, "to_location": j.ToID},
	}
}

// JourneyChanges is a client's change to a journey's attributes; nil
// fields are left alone. A timestamp sent with it is discarded upstream,
// and here too: the journey's number does not move.
type JourneyChanges struct {
	Billable *bool
	Date     *string
	Vehicle  *Vehicle // replaces the whole vehicle
}

// JourneyUpdateEvent validates changes to a journey in state s and
// returns the JourneyUpdate event recording them, or field errors; ok is
// false when nothing would change, so that nothing is recorded.
func JourneyUpdateEvent(s JourneyState, c JourneyChanges, at time.Time) (Event, bool, error) {
	var fe FieldErrors
	d := map[string]any{}
	if c.Billable != nil && *c.Billable != s.Billable {
		d["billable"] = *c.Billable
	}
	if c.Date != nil {
		if date, err := ParseDate(*c.Date); err != nil {
			fe.Add("date", "invalid", "date must be a real date written YYYY-MM-DD")
		} else if date != s.Date {
			d["date"] = date
		}
	}
	if c.Vehicle != nil {
		v := trimVehicle(*c.Vehicle)
		if v != s.Vehicle {
			// The vehicle sent is the whole vehicle: what it leaves out (the
			// old vehicle's id when only a registration is sent) goes.
			d[DetailVehicleReplaced] = true
			if v.ID != "" {
				d["vehicle_id"] = v.ID
			}
			if v.Registration != "" {
				d["vehicle_reg"] = v.Registration
			}
			if v.Depot != "" {
				d["vehicle_depot"] = v.Depot
			}
		}
	}
	if len(fe) > 0 {
		return Event{}, false, InvalidFields(fe)
	}
	if len(d) == 0 {
		return Event{}, false, nil
	}
	return Event{Type: EventJourneyUpdate, OccurredAt: at, RecordedAt: at, Details: d}, true, nil
}

// PrepareJourneyEvent fills what the service adds to a client's journey
// event before it is stored: a JourneyChangeVehicle without the previous
// registration gets the journey's current one.
func PrepareJourneyEvent(e *Event, s JourneyState) {
	if e.Type != EventJourneyChangeVehicle || !blank(e.Details["previous_vehicle_reg"]) || s.Vehicle.Registration == "" {
		return
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details["previous_vehicle_reg"] = s.Vehicle.Registration
}

// JourneyCause is why a leg was driven, which decides who pays for it.
type JourneyCause string

const (
	// CausePlanned is a leg of the move as booked, lodgings included.
	CausePlanned JourneyCause = "planned"
	// CauseRedirectedByPMU is a leg added because PMU (or another
	// authority) sent the move somewhere else.
	CauseRedirectedByPMU JourneyCause = "redirected_by_pmu"
	// CauseLockout is a leg driven because the vehicle was locked out.
	CauseLockout JourneyCause = "lockout"
	// CauseSupplierFault is a leg re-driven or diverted because of the
	// supplier's own failing (a breakdown, a missed slot).
	CauseSupplierFault JourneyCause = "supplier_fault"
)

// JourneyCauses lists every cause.
var JourneyCauses = []JourneyCause{CausePlanned, CauseRedirectedByPMU, CauseLockout, CauseSupplierFault}

// Billable says whether the supplier is paid for a leg driven for cause.
// DOMAIN.md: a journey is billable unless the supplier caused it; a
// lockout leg counts as caused by the supplier, and a leg added because
// PMU redirected the move is billable. An unknown cause is not billable:
// paying for a leg should rest on a known reason.
func Billable(cause JourneyCause) bool {
	switch cause {
	case CausePlanned, CauseRedirectedByPMU:
		return true
	}
	return false
}
