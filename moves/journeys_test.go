package moves

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	jp  = JourneyProposed
	jip = JourneyInProgress
	jco = JourneyCompleted
	jca = JourneyCancelled
	jre = JourneyRejected
)

// journeyChanges is the table written out by hand: for each
// journey event type, the states it applies in and where it leads.
var journeyChanges = map[EventType]map[JourneyStatus]JourneyStatus{
	EventJourneyCreate:        {},
	EventJourneyUpdate:        {jp: jp, jip: jip, jco: jco, jca: jca, jre: jre},
	EventJourneyStart:         {jp: jip},
	EventJourneyReject:        {jp: jre},
	EventJourneyComplete:      {jip: jco},
	EventJourneyUncomplete:    {jco: jip},
	EventJourneyCancel:        {jip: jca},
	EventJourneyUncancel:      {jca: jip},
	EventJourneyChangeVehicle: {jp: jp, jip: jip},
}

// journeyRecords record what happened on the road; they apply in every
// state but rejected and change none.
var journeyRecords = []EventType{
	EventJourneyLockout, EventJourneyLodging, EventJourneyPersonBoardsVehicle, EventJourneyPersonLeaveVehicle,
	EventJourneyArriveAtOuterGate, EventJourneyExitThroughOuterGate, EventJourneyReadyToExit,
	EventJourneyAdmitToReception, EventJourneyAdmitThroughOuterGate, EventJourneyHandoverToDestination,
	EventJourneyHandoverToSupplier,
}

func TestJourneyTransitionEveryStateEveryEvent(t *testing.T) {
	want := map[EventType]map[JourneyStatus]JourneyStatus{}
	for k, v := range journeyChanges {
		want[k] = v
	}
	for _, et := range journeyRecords {
		want[et] = map[JourneyStatus]JourneyStatus{jp: jp, jip: jip, jco: jco, jca: jca}
	}
	if len(want) != len(JourneyCatalogue()) {
		t.Fatalf("table has %d types, catalogue %d", len(want), len(JourneyCatalogue()))
	}
	cells := 0
	for _, sp := range JourneyCatalogue() {
		row, ok := want[sp.Type]
		if !ok {
			t.Errorf("%s missing from the test table", sp.Type)
			continue
		}
		for _, s := range JourneyStatuses {
			cells++
			to, ok := JourneyTransition(s, sp.Type)
			wantTo, wantOK := row[s]
			if !wantOK {
				wantTo = s
			}
			if ok != wantOK || to != wantTo {
				t.Errorf("JourneyTransition(%s, %s) = %s, %v; want %s, %v", s, sp.Type, to, ok, wantTo, wantOK)
			}
		}
	}
	if cells != 5*20 {
		t.Errorf("checked %d cells", cells)
	}
	if _, ok := JourneyTransition(jp, EventMoveStart); ok {
		t.Error("a move event must not change a journey")
	}
	if _, ok := JourneyTransition("parked", EventJourneyStart); ok {
		t.Error("an unknown state must not transition")
	}
	if _, ok := Transition(StatusBooked, EventJourneyStart); ok {
		t.Error("a journey event must not change a move")
	}
}

// validJourneyEvent is an event of type t that ValidateJourneyEvent
// accepts against world().
func validJourneyEvent(t EventType) Event {
	e := Event{ID: "je-" + string(t), MoveID: "move-1", JourneyID: "j-1", Type: t, OccurredAt: t0, RecordedAt: t0,
		Details: map[string]any{}, Rels: map[string]string{}}
	switch t {
	case EventJourneyCreate:
		e.Details["billable"] = true
		e.Details["date"] = "2026-03-02"
		e.Rels["from_location"] = "police-1"
		e.Rels["to_location"] = "court-1"
	case EventJourneyUpdate:
		e.Details["billable"] = false
	case EventJourneyChangeVehicle:
		e.Details["vehicle_reg"] = "XY99 ZZZ"
	case EventJourneyLockout:
		e.Rels["from_location"] = "court-1"
	case EventJourneyLodging:
		e.Rels["to_location"] = "police-2"
	case EventJourneyPersonBoardsVehicle:
		e.Details["vehicle_type"] = "6_cell"
		e.Details["vehicle_reg"] = "AB12 CDE"
	case EventJourneyArriveAtOuterGate, EventJourneyExitThroughOuterGate, EventJourneyReadyToExit, EventJourneyAdmitToReception:
		e.Rels["location"] = "court-1"
	case EventJourneyAdmitThroughOuterGate:
		e.Details["vehicle_reg"] = "AB12 CDE"
		e.Rels["location"] = "court-1"
	}
	return e
}

func TestJourneyEventsValid(t *testing.T) {
	for _, sp := range JourneyCatalogue() {
		e := validJourneyEvent(sp.Type)
		if fe := ValidateJourneyEvent(e, world()); len(fe) > 0 {
			t.Errorf("%s refused: %+v", sp.Type, fe)
		}
		if sp.Description == "" || !strings.HasSuffix(sp.Description, ".") {
			t.Errorf("%s: description %q", sp.Type, sp.Description)
		}
		if sub, ok := SubjectOf(sp.Type); !ok || sub != SubjectJourney {
			t.Errorf("SubjectOf(%s) = %s, %v", sp.Type, sub, ok)
		}
	}
}

// Each rule of each journey event type, broken on its own.
func TestJourneyEventRulesBrokenOneAtATime(t *testing.T) {
	tests := []struct {
		et    EventType
		name  string
		apply func(*Event)
		field string
		code  string
	}{
		{EventJourneyCreate, "no from", dropRel("from_location"), "from_location", "blank"},
		{EventJourneyCreate, "unknown to", setRel("to_location", "nowhere"), "to_location", "not_found"},
		{EventJourneyCreate, "billable string", setDetail("billable", "yes"), "billable", "invalid"},
		{EventJourneyCreate, "bad date", setDetail("date", "2026-02-30"), "date", "invalid"},
		{EventJourneyUpdate, "nothing changed", dropDetail("billable"), "billable", "blank"},
		{EventJourneyUpdate, "vehicle_reg number", setDetail("vehicle_reg", 12.0), "vehicle_reg", "invalid"},
		{EventJourneyStart, "vehicle_reg list", setDetail("vehicle_reg", []any{"A"}), "vehicle_reg", "invalid"},
		{EventJourneyStart, "depot bool", setDetail("vehicle_depot", true), "vehicle_depot", "invalid"},
		{EventJourneyComplete, "vehicle_reg number", setDetail("vehicle_reg", 1.0), "vehicle_reg", "invalid"},
		{EventJourneyChangeVehicle, "no vehicle_reg", dropDetail("vehicle_reg"), "vehicle_reg", "blank"},
		{EventJourneyChangeVehicle, "blank vehicle_reg", setDetail("vehicle_reg", "  "), "vehicle_reg", "blank"},
		{EventJourneyChangeVehicle, "previous number", setDetail("previous_vehicle_reg", 3.0), "previous_vehicle_reg", "invalid"},
		{EventJourneyLockout, "no from_location", dropRel("from_location"), "from_location", "blank"},
		{EventJourneyLockout, "unknown from_location", setRel("from_location", "x"), "from_location", "not_found"},
		{EventJourneyLodging, "no to_location", dropRel("to_location"), "to_location", "blank"},
		{EventJourneyPersonBoardsVehicle, "no vehicle_type", dropDetail("vehicle_type"), "vehicle_type", "blank"},
		{EventJourneyPersonBoardsVehicle, "unknown vehicle_type", setDetail("vehicle_type", "bus"), "vehicle_type", "inclusion"},
		{EventJourneyPersonBoardsVehicle, "no vehicle_reg", dropDetail("vehicle_reg"), "vehicle_reg", "blank"},
		{EventJourneyPersonLeaveVehicle, "vehicle_reg bool", setDetail("vehicle_reg", false), "vehicle_reg", "invalid"},
		{EventJourneyArriveAtOuterGate, "no location", dropRel("location"), "location", "blank"},
		{EventJourneyExitThroughOuterGate, "unknown location", setRel("location", "x"), "location", "not_found"},
		{EventJourneyReadyToExit, "no location", dropRel("location"), "location", "blank"},
		{EventJourneyAdmitToReception, "no location", dropRel("location"), "location", "blank"},
		{EventJourneyAdmitThroughOuterGate, "no vehicle_reg", dropDetail("vehicle_reg"), "vehicle_reg", "blank"},
		{EventJourneyAdmitThroughOuterGate, "number not text", setDetail("supplier_personnel_number", 7.0), "supplier_personnel_number", "invalid"},
		{EventJourneyHandoverToDestination, "number not text", setDetail("supplier_personnel_number", 7.0), "supplier_personnel_number", "invalid"},
		{EventJourneyHandoverToSupplier, "number not text", setDetail("supplier_personnel_number", []any{}), "supplier_personnel_number", "invalid"},
		{EventJourneyStart, "no occurred_at", func(e *Event) { e.OccurredAt = time.Time{} }, "occurred_at", "blank"},
		{EventJourneyCancel, "no recorded_at", func(e *Event) { e.RecordedAt = time.Time{} }, "recorded_at", "blank"},
	}
	for _, tt := range tests {
		e := validJourneyEvent(tt.et)
		tt.apply(&e)
		fe := ValidateJourneyEvent(e, world())
		if len(fe) != 1 || fe[0].Field != tt.field || fe[0].Code != tt.code || fe[0].Message == "" {
			t.Errorf("%s %s: got %+v; want one %s/%s", tt.et, tt.name, fe, tt.field, tt.code)
		}
	}
}

// A journey event sent about a move, or a move event about a journey, is
// refused as the wrong kind of subject.
func TestEventSubjects(t *testing.T) {
	tests := []struct {
		name     string
		fe       FieldErrors
		code     string
		contains string
	}{
		{"journey type for a move", ValidateEvent(validJourneyEvent(EventJourneyStart), world()), "invalid", "JourneyStart is an event about a journey, not a move"},
		{"move type for a journey", ValidateJourneyEvent(validEvent(EventMoveStart), world()), "invalid", "MoveStart is an event about a move, not a journey"},
		{"lodging type for a journey", ValidateJourneyEvent(Event{Type: EventLodgingCreate}, world()), "invalid", "about a lodging"},
		{"unknown for a journey", ValidateJourneyEvent(Event{Type: "JourneyTeleport"}, world()), "inclusion", "not a known event type"},
		{"none for a journey", ValidateJourneyEvent(Event{}, world()), "blank", "required"},
	}
	for _, tt := range tests {
		if len(tt.fe) != 1 || tt.fe[0].Field != "event_type" || tt.fe[0].Code != tt.code || !strings.Contains(tt.fe[0].Message, tt.contains) {
			t.Errorf("%s: %+v", tt.name, tt.fe)
		}
	}
	for _, c := range []struct {
		t    EventType
		want bool
	}{
		{EventJourneyStart, true}, {EventJourneyCreate, false}, {EventJourneyUpdate, false},
		{EventLodgingCreate, false}, {EventLodgingCancel, false}, {EventMoveProposed, false},
		{EventMoveAccept, true}, {EventPerSelfHarm, true}, {"Nope", false},
	} {
		if got := ClientMayPost(c.t); got != c.want {
			t.Errorf("ClientMayPost(%s) = %v", c.t, got)
		}
	}
}

func jev(id string, t EventType, at time.Time, seq int64, details map[string]any) Event {
	e := validJourneyEvent(t)
	e.ID, e.OccurredAt, e.RecordedAt, e.Seq = id, at, at, seq
	for k, v := range details {
		e.Details[k] = v
	}
	return e
}

func TestReplayJourney(t *testing.T) {
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	create := jev("c", EventJourneyCreate, min(0), 1, map[string]any{"vehicle_reg": "AB12 CDE", "vehicle_id": "V1", "vehicle_depot": "Leeds"})
	tests := []struct {
		name    string
		log     []Event
		want    JourneyState
		order   []string
		applied map[string]string // id → reason ("" = applied)
		late    []string
	}{
		{
			name:    "in order",
			log:     []Event{create, jev("s", EventJourneyStart, min(1), 2, nil), jev("k", EventJourneyComplete, min(5), 3, nil)},
			want:    JourneyState{Status: jco, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{ID: "V1", Registration: "AB12 CDE", Depot: "Leeds"}},
			order:   []string{"c", "s", "k"},
			applied: map[string]string{"c": "", "s": "", "k": ""},
		},
		{
			name:  "late start placed before the complete that arrived first",
			log:   []Event{create, jev("k", EventJourneyComplete, min(5), 2, nil), jev("s", EventJourneyStart, min(1), 3, map[string]any{"vehicle_reg": "NEW 1"})},
			want:  JourneyState{Status: jco, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{Registration: "NEW 1", Depot: "Leeds"}},
			order: []string{"c", "s", "k"}, applied: map[string]string{"s": "", "k": ""}, late: []string{"s"},
		},
		{
			name:  "creation dated after the others still opens the log",
			log:   []Event{jev("s", EventJourneyStart, min(1), 2, nil), func() Event { c := create; c.OccurredAt = min(10); return c }()},
			want:  JourneyState{Status: jip, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{ID: "V1", Registration: "AB12 CDE", Depot: "Leeds"}},
			order: []string{"c", "s"}, applied: map[string]string{"c": "", "s": ""},
		},
		{
			name: "cancel on a proposed journey is not applied, reject is",
			log:  []Event{create, jev("x", EventJourneyCancel, min(1), 2, nil), jev("r", EventJourneyReject, min(2), 3, nil), jev("g", EventJourneyArriveAtOuterGate, min(3), 4, nil)},
			want: JourneyState{Status: jre, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{ID: "V1", Registration: "AB12 CDE", Depot: "Leeds"}},
			applied: map[string]string{
				"x": "A proposed journey is rejected, not cancelled",
				"r": "",
				"g": "The journey was rejected, so nothing more can happen on it",
			},
		},
		{
			name: "cancel, uncancel, complete, uncomplete",
			log: []Event{create, jev("s", EventJourneyStart, min(1), 2, nil), jev("x", EventJourneyCancel, min(2), 3, nil),
				jev("u", EventJourneyUncancel, min(3), 4, nil), jev("k", EventJourneyComplete, min(4), 5, nil),
				jev("uk", EventJourneyUncomplete, min(5), 6, nil), jev("uk2", EventJourneyUncomplete, min(6), 7, nil)},
			want: JourneyState{Status: jip, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{ID: "V1", Registration: "AB12 CDE", Depot: "Leeds"}},
			applied: map[string]string{"x": "", "u": "", "k": "", "uk": "",
				"uk2": "A journey that is in progress cannot be put back in progress as it is not completed"},
		},
		{
			name: "update and vehicle change in log order",
			log: []Event{create, jev("v", EventJourneyChangeVehicle, min(3), 2, map[string]any{"vehicle_reg": "ZZ1", "vehicle_depot": "York"}),
				jev("b", EventJourneyUpdate, min(2), 3, map[string]any{"billable": false, "date": "2026-03-03", "vehicle_reg": "MID 1"}),
				jev("s", EventJourneyStart, min(4), 4, nil), jev("k", EventJourneyComplete, min(5), 5, nil),
				jev("v2", EventJourneyChangeVehicle, min(6), 6, map[string]any{"vehicle_reg": "LATE"})},
			want:    JourneyState{Status: jco, Date: "2026-03-03", Billable: false, Vehicle: Vehicle{Registration: "ZZ1", Depot: "York"}},
			order:   []string{"c", "b", "v", "s", "k", "v2"},
			applied: map[string]string{"b": "", "v": "", "v2": "A journey that is completed cannot be given another vehicle"},
			late:    []string{"b"},
		},
		{
			name: "a second creation and a move event do not apply",
			log: []Event{create, func() Event {
				c := jev("c2", EventJourneyCreate, min(1), 2, map[string]any{"billable": false})
				return c
			}(),
				func() Event { e := validEvent(EventMoveStart); e.ID, e.OccurredAt, e.Seq = "m", min(2), 3; return e }()},
			want: JourneyState{Status: jp, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{ID: "V1", Registration: "AB12 CDE", Depot: "Leeds"}},
			applied: map[string]string{
				"c2": "The journey was already created, so this creation event does not apply",
				"m":  "MoveStart is an event about a move, not a journey",
			},
		},
		{
			name:    "a log without its creation applies nothing first",
			log:     []Event{jev("s", EventJourneyStart, min(1), 1, nil)},
			want:    JourneyState{},
			applied: map[string]string{"s": "The journey's log does not start with its creation, so this event cannot apply"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := cloneEvents(tt.log)
			got, outcomes := ReplayJourney(log)
			if got != tt.want {
				t.Errorf("state %+v; want %+v", got, tt.want)
			}
			if len(outcomes) != len(log) {
				t.Fatalf("%d outcomes for %d events", len(outcomes), len(log))
			}
			late := map[string]bool{}
			for _, id := range tt.late {
				late[id] = true
			}
			for i, o := range outcomes {
				if o.EventID != log[i].ID || o.Applied != log[i].Applied || o.Reason != log[i].Reason || o.Late != log[i].Late {
					t.Errorf("outcome %d %+v does not match the event %+v", i, o, log[i])
				}
				if want, ok := tt.applied[o.EventID]; ok && (o.Applied != (want == "") || o.Reason != want) {
					t.Errorf("%s: applied %v, reason %q; want reason %q", o.EventID, o.Applied, o.Reason, want)
				}
				if o.Late != late[o.EventID] {
					t.Errorf("%s: late %v", o.EventID, o.Late)
				}
			}
			if tt.order != nil {
				var ids []string
				for _, e := range log {
					ids = append(ids, e.ID)
				}
				if strings.Join(ids, ",") != strings.Join(tt.order, ",") {
					t.Errorf("order %v; want %v", ids, tt.order)
				}
			}
		})
	}
}

// Replaying a log shuffled any way gives the same state.
func TestReplayJourneyIgnoresArrivalOrder(t *testing.T) {
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	log := []Event{
		jev("c", EventJourneyCreate, min(0), 1, nil), jev("s", EventJourneyStart, min(1), 2, nil),
		jev("x", EventJourneyCancel, min(2), 3, nil), jev("u", EventJourneyUncancel, min(3), 4, nil),
		jev("k", EventJourneyComplete, min(4), 5, nil),
	}
	want, _ := ReplayJourney(cloneEvents(log))
	for _, perm := range [][]int{{4, 3, 2, 1, 0}, {1, 0, 3, 2, 4}, {2, 4, 0, 1, 3}} {
		shuffled := make([]Event, len(log))
		for i, p := range perm {
			shuffled[i] = log[p]
		}
		if got, _ := ReplayJourney(cloneEvents(shuffled)); got != want {
			t.Errorf("perm %v: %+v; want %+v", perm, got, want)
		}
	}
	if want.Status != jco {
		t.Errorf("status %s", want.Status)
	}
}

func TestNumberJourneys(t *testing.T) {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	js := []Journey{
		{ID: "c", Timestamp: at(3)},
		{ID: "a", Timestamp: at(1)},
		{ID: "b2", Timestamp: at(2), CreatedAt: at(9)},
		{ID: "b1", Timestamp: at(2), CreatedAt: at(8)},
		{ID: "e", Timestamp: at(2), CreatedAt: at(9)},
	}
	NumberJourneys(js)
	want := map[string]int{"a": 1, "b1": 2, "b2": 3, "e": 4, "c": 5}
	for _, j := range js {
		if j.Number != want[j.ID] {
			t.Errorf("%s: number %d; want %d", j.ID, j.Number, want[j.ID])
		}
	}
	if js[0].ID != "c" {
		t.Error("NumberJourneys reordered the slice")
	}
}

func TestValidateNewJourney(t *testing.T) {
	yes, no := true, false
	m := Move{ID: "move-1", Date: "2026-03-02", FromID: "police-1", ToID: "court-1"}
	good := NewJourney{MoveID: "move-1", SupplierID: "sup-1", FromID: "police-1", ToID: "court-1", Timestamp: t0, Billable: &yes,
		Vehicle: Vehicle{Registration: " AB12 CDE "}}
	existing := []Journey{
		{ID: "j-rejected", FromID: "police-1", ToID: "court-1", Timestamp: t0, JourneyState: JourneyState{Status: jre}},
		{ID: "j-cancelled", FromID: "police-1", ToID: "court-1", Timestamp: t0.Add(time.Hour), JourneyState: JourneyState{Status: jca}},
		{ID: "j-live", FromID: "police-1", ToID: "police-2", Timestamp: t0.Add(2 * time.Hour), JourneyState: JourneyState{Status: jip}},
	}
	j, err := ValidateNewJourney(m, good, existing, world())
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if j.Status != jp || j.Date != "2026-03-02" || !j.Billable || j.Vehicle.Registration != "AB12 CDE" || j.MoveID != "move-1" || j.SupplierID != "sup-1" {
		t.Errorf("journey %+v", j)
	}

	tests := []struct {
		name   string
		change func(*NewJourney, *Move)
		field  string
		code   string
	}{
		{"no from", func(n *NewJourney, _ *Move) { n.FromID = "" }, "from_location", "blank"},
		{"unknown to", func(n *NewJourney, _ *Move) { n.ToID = "nowhere" }, "to_location", "not_found"},
		{"same ends", func(n *NewJourney, _ *Move) { n.ToID = n.FromID }, "to_location", "invalid"},
		{"no timestamp", func(n *NewJourney, _ *Move) { n.Timestamp = time.Time{} }, "timestamp", "blank"},
		{"billable not given", func(n *NewJourney, _ *Move) { n.Billable = nil }, "billable", "blank"},
		{"bad date", func(n *NewJourney, _ *Move) { n.Date = "2026-13-01" }, "date", "invalid"},
		{"no date anywhere", func(_ *NewJourney, m *Move) { m.Date = "" }, "date", "blank"},
		{"no supplier", func(n *NewJourney, _ *Move) { n.SupplierID = " " }, "supplier", "blank"},
		{"to a place no longer in use", func(n *NewJourney, _ *Move) { n.ToID = "court-closed" }, "to_location", "invalid"},
	}
	for _, tt := range tests {
		n, mm := good, m
		tt.change(&n, &mm)
		_, err := ValidateNewJourney(mm, n, existing, world())
		e, ok := AsError(err)
		if !ok || e.Code != Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || e.Fields[0].Code != tt.code {
			t.Errorf("%s: %v", tt.name, err)
		}
	}

	// A move's own end stays reachable after its place closes: the move
	// under way must still be driven there.
	closedMove := m
	closedMove.ToID = "court-closed"
	toClosed := good
	toClosed.ToID = "court-closed"
	if _, err := ValidateNewJourney(closedMove, toClosed, nil, world()); err != nil {
		t.Errorf("a journey to the move's own closed destination: %v", err)
	}
	// So does a place a journey of the move already reached.
	fromClosed := good
	fromClosed.FromID, fromClosed.ToID = "court-closed", "court-1"
	if _, err := ValidateNewJourney(m, fromClosed, []Journey{{ID: "j-1", FromID: "police-1", ToID: "court-closed", Timestamp: t0,
		JourneyState: JourneyState{Status: JourneyCompleted}}}, world()); err != nil {
		t.Errorf("a journey on from a closed place already reached: %v", err)
	}

	// An explicit date wins over the move's; billable false is kept.
	n := good
	n.Date, n.Billable = "2026-03-04", &no
	if j, err := ValidateNewJourney(m, n, existing, world()); err != nil || j.Date != "2026-03-04" || j.Billable {
		t.Errorf("explicit date: %+v, %v", j, err)
	}

	// Without billable, the cause decides; an unknown cause is refused.
	for _, c := range []struct {
		cause JourneyCause
		want  bool
		field string
	}{
		{CausePlanned, true, ""}, {CauseRedirectedByPMU, true, ""}, {CauseLockout, false, ""},
		{CauseSupplierFault, false, ""}, {"whim", false, "cause"}, {"", false, "billable"},
	} {
		n := good
		n.Billable, n.Cause = nil, c.cause
		j, err := ValidateNewJourney(m, n, existing, world())
		if c.field != "" {
			if e, ok := AsError(err); !ok || !e.Fields.Has(c.field) {
				t.Errorf("cause %q: %v", c.cause, err)
			}
			continue
		}
		if err != nil || j.Billable != c.want {
			t.Errorf("cause %q: billable %v, %v", c.cause, j.Billable, err)
		}
	}
	// A given billable wins over the cause.
	n = good
	n.Billable, n.Cause = &no, CausePlanned
	if j, err := ValidateNewJourney(m, n, existing, world()); err != nil || j.Billable {
		t.Errorf("billable false with a planned cause: %+v, %v", j, err)
	}

	// A second live journey with the same ends is a conflict naming it.
	dup := good
	dup.ToID = "police-2"
	_, err = ValidateNewJourney(m, dup, existing, world())
	e, ok := AsError(err)
	if !ok || e.Code != Conflict || e.ExistingID != "j-live" || !strings.Contains(e.Message, "journey 3") {
		t.Errorf("duplicate: %v", err)
	}
	// The reverse leg is not a duplicate.
	rev := good
	rev.FromID, rev.ToID = "police-2", "police-1"
	if _, err := ValidateNewJourney(m, rev, existing, world()); err != nil {
		t.Errorf("reverse leg refused: %v", err)
	}
}

func TestDuplicateJourney(t *testing.T) {
	js := []Journey{
		{ID: "a", FromID: "x", ToID: "y", JourneyState: JourneyState{Status: jp}},
		{ID: "b", FromID: "x", ToID: "y", JourneyState: JourneyState{Status: jca}},
	}
	for _, tt := range []struct {
		status JourneyStatus
		except string
		want   string
	}{
		{jp, "", "a"}, {jip, "", "a"}, {jco, "", "a"}, {jca, "", ""}, {jre, "", ""}, {jp, "a", ""},
	} {
		js[0].Status = tt.status
		d, ok := DuplicateJourney(js, "x", "y", tt.except)
		if ok != (tt.want != "") || d.ID != tt.want {
			t.Errorf("status %s except %q: %q, %v", tt.status, tt.except, d.ID, ok)
		}
	}
}

func TestBillable(t *testing.T) {
	want := map[JourneyCause]bool{
		CausePlanned:         true,
		CauseRedirectedByPMU: true,
		CauseLockout:         false,
		CauseSupplierFault:   false,
		"":                   false,
		"teleport":           false,
	}
	for c, w := range want {
		if got := Billable(c); got != w {
			t.Errorf("Billable(%q) = %v; want %v", c, got, w)
		}
	}
	if len(JourneyCauses) != 4 {
		t.Errorf("causes %v", JourneyCauses)
	}
}

func TestJourneyCreateEventReplays(t *testing.T) {
	j := Journey{ID: "j-1", MoveID: "move-1", FromID: "police-1", ToID: "court-1",
		JourneyState: JourneyState{Status: jp, Date: "2026-03-02", Billable: false, Vehicle: Vehicle{ID: "V", Registration: "R", Depot: "D"}}}
	e := JourneyCreateEvent(j, t0)
	e.ID = "c"
	if fe := ValidateJourneyEvent(e, world()); len(fe) > 0 {
		t.Fatalf("refused: %+v", fe)
	}
	got, _ := ReplayJourney([]Event{e})
	if got != j.JourneyState {
		t.Errorf("replayed %+v; want %+v", got, j.JourneyState)
	}
}

func TestJourneyUpdateEvent(t *testing.T) {
	s := JourneyState{Status: jip, Date: "2026-03-02", Billable: true, Vehicle: Vehicle{Registration: "AB12 CDE"}}
	no := false
	same := "2026-03-02"
	bad := "03/02/2026"
	later := "2026-03-03"
	tests := []struct {
		name    string
		c       JourneyChanges
		wantOK  bool
		wantErr string
		details map[string]any
	}{
		{"nothing", JourneyChanges{}, false, "", nil},
		{"same values", JourneyChanges{Date: &same, Vehicle: &Vehicle{Registration: "AB12 CDE"}}, false, "", nil},
		{"billable", JourneyChanges{Billable: &no}, true, "", map[string]any{"billable": false}},
		{"date", JourneyChanges{Date: &later}, true, "", map[string]any{"date": "2026-03-03"}},
		{"vehicle", JourneyChanges{Vehicle: &Vehicle{Registration: "NEW", Depot: "Hull"}}, true, "", map[string]any{"vehicle_reg": "NEW", "vehicle_depot": "Hull", DetailVehicleReplaced: true}},
		{"no vehicle", JourneyChanges{Vehicle: &Vehicle{}}, true, "", map[string]any{DetailVehicleReplaced: true}},
		{"bad date", JourneyChanges{Date: &bad}, false, "date", nil},
	}
	for _, tt := range tests {
		e, ok, err := JourneyUpdateEvent(s, tt.c, t0)
		if tt.wantErr != "" {
			if fe, isErr := AsError(err); !isErr || !fe.Fields.Has(tt.wantErr) {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err != nil || ok != tt.wantOK {
			t.Errorf("%s: ok %v err %v", tt.name, ok, err)
			continue
		}
		if !ok {
			continue
		}
		if len(e.Details) != len(tt.details) {
			t.Errorf("%s: details %v", tt.name, e.Details)
		}
		for k, v := range tt.details {
			if e.Details[k] != v {
				t.Errorf("%s: %s = %v; want %v", tt.name, k, e.Details[k], v)
			}
		}
		if fe := ValidateJourneyEvent(e, world()); len(fe) > 0 {
			t.Errorf("%s: the update event is refused: %+v", tt.name, fe)
		}
		next, reason := ApplyJourney(s, e)
		if reason != "" || (tt.name == "date" && next.Date != later) || (tt.name == "vehicle" && next.Vehicle.Depot != "Hull") {
			t.Errorf("%s: applied gives %+v, %q", tt.name, next, reason)
		}
	}
}

// A PATCH's vehicle replaces the journey's whole vehicle, as upstream's
// does: its JourneyUpdate is marked DetailVehicleReplaced and carries the
// new vehicle, and the replay drops what it leaves out. An update recorded
// before the mark existed still sets only the fields it names.
func TestJourneyUpdateReplacesTheVehicle(t *testing.T) {
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	old := Vehicle{ID: "V1", Registration: "AB12 CDE", Depot: "Leeds"}
	create := jev("c", EventJourneyCreate, min(0), 1, map[string]any{"vehicle_id": old.ID, "vehicle_reg": old.Registration, "vehicle_depot": old.Depot})
	update := func(id string, n int, d map[string]any) Event {
		e := jev(id, EventJourneyUpdate, min(n), int64(n+1), d)
		delete(e.Details, "billable")
		return e
	}
	replaced := func(d map[string]any) map[string]any { d[DetailVehicleReplaced] = true; return d }
	tests := []struct {
		name    string
		changes *Vehicle         // sent by PATCH, through JourneyUpdateEvent; nil uses details
		details []map[string]any // updates as stored, in order
		want    Vehicle
	}{
		{name: "a registration alone drops the old id and depot", changes: &Vehicle{Registration: "XY99 ZZZ"},
			want: Vehicle{Registration: "XY99 ZZZ"}},
		{name: "an id and registration", changes: &Vehicle{ID: "V2", Registration: "XY99 ZZZ"},
			want: Vehicle{ID: "V2", Registration: "XY99 ZZZ"}},
		{name: "an empty vehicle removes it", changes: &Vehicle{}, want: Vehicle{}},
		{name: "the same registration without the rest", changes: &Vehicle{Registration: old.Registration},
			want: Vehicle{Registration: old.Registration}},
		{name: "an old update sets only what it names", details: []map[string]any{{"vehicle_reg": "XY99 ZZZ"}},
			want: Vehicle{ID: "V1", Registration: "XY99 ZZZ", Depot: "Leeds"}},
		{name: "an old update after a replacement adds to it",
			details: []map[string]any{replaced(map[string]any{"vehicle_reg": "XY99 ZZZ"}), {"vehicle_depot": "York"}},
			want:    Vehicle{Registration: "XY99 ZZZ", Depot: "York"}},
		{name: "a replacement after an old update",
			details: []map[string]any{{"vehicle_id": "V9"}, replaced(map[string]any{"vehicle_reg": "XY99 ZZZ"})},
			want:    Vehicle{Registration: "XY99 ZZZ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			details := tt.details
			if tt.changes != nil {
				s, _ := ReplayJourney(cloneEvents([]Event{create}))
				e, ok, err := JourneyUpdateEvent(s, JourneyChanges{Vehicle: tt.changes}, min(1))
				if err != nil || !ok {
					t.Fatalf("JourneyUpdateEvent: ok %v, err %v", ok, err)
				}
				if fe := ValidateJourneyEvent(Event{Type: e.Type, JourneyID: "j-1", OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt,
					Details: e.Details}, world()); len(fe) > 0 {
					t.Fatalf("the update event is refused: %+v", fe)
				}
				details = []map[string]any{e.Details}
			}
			log := []Event{create}
			for i, d := range details {
				log = append(log, update("u"+strconv.Itoa(i), i+1, d))
			}
			got, outcomes := ReplayJourney(cloneEvents(log))
			for _, o := range outcomes {
				if !o.Applied {
					t.Errorf("%s not applied: %s", o.EventID, o.Reason)
				}
			}
			if got.Vehicle != tt.want {
				t.Errorf("vehicle %+v; want %+v", got.Vehicle, tt.want)
			}
		})
	}
}

func TestPrepareJourneyEvent(t *testing.T) {
	s := JourneyState{Vehicle: Vehicle{Registration: "OLD 1"}}
	e := validJourneyEvent(EventJourneyChangeVehicle)
	PrepareJourneyEvent(&e, s)
	if e.Str("previous_vehicle_reg") != "OLD 1" {
		t.Errorf("previous not filled: %v", e.Details)
	}
	given := validJourneyEvent(EventJourneyChangeVehicle)
	given.Details["previous_vehicle_reg"] = "SENT"
	PrepareJourneyEvent(&given, s)
	if given.Str("previous_vehicle_reg") != "SENT" {
		t.Error("a sent previous registration was overwritten")
	}
	start := validJourneyEvent(EventJourneyStart)
	PrepareJourneyEvent(&start, s)
	if _, ok := start.Details["previous_vehicle_reg"]; ok {
		t.Error("a start was given a previous registration")
	}
}

func TestJourneyStatusLabels(t *testing.T) {
	for _, s := range JourneyStatuses {
		if !s.Valid() || JourneyStatusLabels[string(s)] == "" {
			t.Errorf("%s: no label", s)
		}
	}
	if !jp.Live() || !jip.Live() || !jco.Live() || jca.Live() || jre.Live() {
		t.Error("Live is wrong")
	}
}
