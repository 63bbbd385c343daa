package moves

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	pr = StatusProposed
	rq = StatusRequested
	bk = StatusBooked
	it = StatusInTransit
	co = StatusCompleted
	ca = StatusCancelled
)

// statusChanges is DOMAIN.md's table written out by hand: for each event
// type, the statuses it may apply in and where it leads. A status that is
// missing means the event does not apply there.
var statusChanges = map[EventType]map[Status]Status{
	EventMoveApprove:     {pr: rq},
	EventMoveReject:      {pr: ca, rq: ca},
	EventMoveAccept:      {rq: bk},
	EventMoveStart:       {bk: it},
	EventMoveComplete:    {it: co},
	EventMoveCancel:      {pr: ca, rq: ca, bk: ca, it: ca},
	EventMoveRedirect:    {pr: pr, rq: rq, bk: bk, it: it},
	EventMoveLockout:     {pr: pr, rq: rq, bk: bk, it: it},
	EventMoveDateChanged: {rq: rq, bk: bk, it: it},
	EventMoveProposed:    {},
	EventMoveRequested:   {},
	// Staff change a request only until the person leaves custody.
	EventPersonUpdate:  {pr: pr, rq: rq, bk: bk},
	EventMoveUpdate:    {pr: pr, rq: rq, bk: bk},
	EventProfileUpdate: {pr: pr, rq: rq, bk: bk},
	// A rejected request is sent again as a new one; the rejected one
	// stays cancelled.
	EventMoveResubmit: {ca: ca},
}

// informational lists, by hand, every event type that records what
// happened and applies in any status without changing it.
var informational = []EventType{
	EventMoveLodgingStart, EventMoveLodgingEnd, EventMoveNotifySupplierOfMoveRequest,
	EventMoveOperationSafeguard, EventMoveOperationTornado, EventMoveOperationHmcts,
	EventMoveNotifyPremisesOfExpectedCollectionTime, EventMoveNotifyPremisesOfEta,
	EventMoveNotifyPremisesOfArrivalIn30Mins, EventMoveCollectionByEscort,
	EventMoveCrossSupplierDropOff, EventMoveCrossSupplierPickUp,
	EventPersonMoveBookedIntoReceivingEstablishment,
	EventPersonMoveAssault, EventPersonMoveDeathInCustody, EventPersonMoveMajorIncidentOther,
	EventPersonMoveMinorIncidentOther, EventPersonMovePersonEscaped, EventPersonMovePersonEscapedKpi,
	EventPersonMoveReleasedError, EventPersonMoveRoadTrafficAccident, EventPersonMoveSeriousInjury,
	EventPersonMoveUsedForce, EventPersonMoveVehicleBrokeDown, EventPersonMoveVehicleSystemsFailed,
	EventPerViolentDangerous, EventPerWeapons, EventPerConcealed, EventPerSelfHarm, EventPerEscape,
	EventPerMedicalAid, EventPerMedicalDrugsAlcohol, EventPerMedicalMedication, EventPerMedicalMentalHealth,
	EventPerPropertyChange, EventPerGeneric,
}

func expectedTransitions() map[EventType]map[Status]Status {
	want := map[EventType]map[Status]Status{}
	for t, m := range statusChanges {
		want[t] = m
	}
	for _, t := range informational {
		want[t] = map[Status]Status{pr: pr, rq: rq, bk: bk, it: it, co: co, ca: ca}
	}
	return want
}

func TestTableCoversCatalogue(t *testing.T) {
	want := expectedTransitions()
	cat := Catalogue()
	if len(cat) != len(want) {
		t.Errorf("catalogue has %d types, the test table %d", len(cat), len(want))
	}
	for _, s := range cat {
		if _, ok := want[s.Type]; !ok {
			t.Errorf("%s is in the catalogue but not in the test's table", s.Type)
		}
	}
}

func TestTransitionEveryStatusEveryEvent(t *testing.T) {
	want := expectedTransitions()
	cells := 0
	for et, row := range want {
		for _, s := range Statuses {
			cells++
			to, ok := Transition(s, et)
			wantTo, wantOK := row[s]
			if !wantOK {
				wantTo = s
			}
			if ok != wantOK || to != wantTo {
				t.Errorf("Transition(%s, %s) = %s, %v; want %s, %v", s, et, to, ok, wantTo, wantOK)
			}
		}
	}
	if cells != len(Statuses)*len(Catalogue()) {
		t.Errorf("checked %d cells", cells)
	}
	if _, ok := Transition(StatusBooked, "MoveTeleport"); ok {
		t.Error("an unknown event type must not transition")
	}
	if _, ok := Transition("lost", EventMoveNotifyPremisesOfEta); ok {
		t.Error("an unknown status must not transition")
	}
}

func TestApplyEveryStatusEveryEvent(t *testing.T) {
	want := expectedTransitions()
	refs := world()
	for et, row := range want {
		for _, s := range Statuses {
			t.Run(fmt.Sprintf("%s/%s", et, s), func(t *testing.T) {
				before := courtState(s)
				e := validEvent(et)
				if fe := ValidateEvent(e, refs); len(fe) > 0 {
					t.Fatalf("fixture invalid: %v", fe)
				}
				got, reason := Apply(before, e, refs)
				wantTo, wantOK := row[s]
				if !wantOK {
					if reason == "" {
						t.Fatalf("applied; want refused")
					}
					if got != before {
						t.Fatalf("refused event changed the state: %+v", got)
					}
					return
				}
				if reason != "" {
					t.Fatalf("refused (%s); want applied", reason)
				}
				exp := before
				exp.Status = wantTo
				switch et {
				case EventMoveApprove:
					exp.Date = "2026-03-05"
				case EventMoveReject:
					exp.Cancellation = Cancellation{Reason: "rejected", RejectionReason: "no_transport_available", Comment: "No van", Rebook: true}
				case EventMoveCancel:
					exp.Cancellation = Cancellation{Reason: "court_closure", Comment: "Flooded"}
				case EventMoveRedirect:
					exp.ToID = "court-2"
				case EventMoveLockout:
					exp.Lockout = true
				case EventMoveDateChanged:
					exp.Date = "2026-03-07"
				}
				if got != exp {
					t.Fatalf("state = %+v\nwant    %+v", got, exp)
				}
			})
		}
	}
}

func TestApplyReasons(t *testing.T) {
	refs := world()
	cases := []struct {
		s    Status
		t    EventType
		want string
	}{
		{ca, EventMoveStart, "A move that is cancelled cannot be started"},
		{it, EventMoveApprove, "A move that is in transit cannot be approved"},
		{co, EventMoveCancel, "A move that is completed cannot be cancelled"},
		{bk, EventMoveReject, "A move that is booked cannot be rejected"},
		{pr, EventMoveDateChanged, "A proposed move gets its date when it is approved, so its date cannot be changed"},
		{rq, EventMoveRequested, "The move was already created, so this creation event does not apply"},
	}
	for _, c := range cases {
		_, reason := Apply(courtState(c.s), validEvent(c.t), refs)
		if reason != c.want {
			t.Errorf("%s on %s: reason %q; want %q", c.t, c.s, reason, c.want)
		}
	}
}

func TestApproveWindow(t *testing.T) {
	refs := world()
	cases := []struct {
		from, to, date string
		ok             bool
	}{
		{"2026-03-01", "2026-03-10", "2026-03-01", true},
		{"2026-03-01", "2026-03-10", "2026-03-10", true},
		{"2026-03-01", "2026-03-10", "2026-02-28", false},
		{"2026-03-01", "2026-03-10", "2026-03-11", false},
		{"2026-03-01", "", "2027-01-01", true},
		{"2026-03-01", "", "2026-02-28", false},
		{"", "", "2026-02-28", true},
	}
	for _, c := range cases {
		s := State{Status: pr, MoveType: PrisonTransfer, FromID: "prison-1", ToID: "prison-2", DateFrom: c.from, DateTo: c.to}
		e := validEvent(EventMoveApprove)
		e.Details["date"] = c.date
		got, reason := Apply(s, e, refs)
		if (reason == "") != c.ok {
			t.Errorf("window %s..%s, date %s: reason %q; want ok=%v", c.from, c.to, c.date, reason, c.ok)
			continue
		}
		if c.ok && (got.Date != c.date || got.Status != rq) {
			t.Errorf("approved state %+v", got)
		}
		if !c.ok && (got != s || !strings.Contains(reason, c.date)) {
			t.Errorf("refused approval changed state or has a vague reason: %+v %q", got, reason)
		}
	}
}

func TestRedirectRules(t *testing.T) {
	refs := world()
	cases := []struct {
		name     string
		state    State
		to       string
		moveType string
		ok       bool
		wantType MoveType
	}{
		{"court to court", courtState(bk), "court-2", "", true, CourtAppearance},
		{"court move to a prison", courtState(bk), "prison-1", "", false, ""},
		{"back to the start", courtState(bk), "police-1", "", false, ""},
		{"closed destination", courtState(bk), "court-closed", "", false, ""},
		{"unknown destination", courtState(bk), "nowhere", "", false, ""},
		{"new type suits new place", courtState(bk), "hospital-1", "hospital", true, Hospital},
		{"new type does not suit", courtState(bk), "court-2", "hospital", false, ""},
		{"police transfer from police", courtState(rq), "police-2", "police_transfer", true, PoliceTransfer},
		{"prison transfer needs detained start", courtState(rq), "prison-1", "prison_transfer", false, ""},
		{"recall goes anywhere", State{Status: rq, MoveType: PrisonRecall, FromID: "police-1"}, "prison-2", "", true, PrisonRecall},
	}
	for _, c := range cases {
		e := validEvent(EventMoveRedirect)
		e.Rels["to_location"] = c.to
		if c.moveType != "" {
			e.Details["move_type"] = c.moveType
		}
		got, reason := Apply(c.state, e, refs)
		if (reason == "") != c.ok {
			t.Errorf("%s: reason %q; want ok=%v", c.name, reason, c.ok)
			continue
		}
		if c.ok && (got.ToID != c.to || got.MoveType != c.wantType || got.Status != c.state.Status) {
			t.Errorf("%s: state %+v", c.name, got)
		}
		if !c.ok && got != c.state {
			t.Errorf("%s: refused redirect changed the state", c.name)
		}
	}
	// A redirect cannot be judged without a way to look locations up.
	if _, reason := Apply(courtState(bk), validEvent(EventMoveRedirect), nil); reason == "" {
		t.Error("redirect with nil locations applied")
	}
}

func TestApplyNeverTrustsDetails(t *testing.T) {
	refs := world()
	for _, et := range []EventType{EventMoveApprove, EventMoveDateChanged} {
		e := validEvent(et)
		e.Details["date"] = 42.0
		s := courtState(rq)
		if et == EventMoveApprove {
			s.Status = pr
		}
		if got, reason := Apply(s, e, refs); reason == "" || got != s {
			t.Errorf("%s with a bad date applied", et)
		}
	}
	if _, reason := Apply(courtState(rq), Event{Type: "Nope"}, refs); reason == "" {
		t.Error("unknown type applied")
	}
}

func mkEvent(id string, t EventType, occurred time.Time, seq int64) Event {
	e := validEvent(t)
	e.ID, e.OccurredAt, e.RecordedAt, e.Seq = id, occurred, occurred, seq
	return e
}

func ids(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func TestSortLog(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		mkEvent("start", EventMoveStart, at(5), 4),
		mkEvent("accept", EventMoveAccept, at(1), 2),
		mkEvent("created", EventMoveRequested, at(10), 1), // its clock was ahead
		mkEvent("eta-b", EventMoveNotifyPremisesOfEta, at(3), 6),
		mkEvent("eta-a", EventMoveNotifyPremisesOfEta, at(3), 5),
		mkEvent("eta-r", EventMoveNotifyPremisesOfEta, at(3), 3),
	}
	events[5].RecordedAt = at(2) // same occurred_at, recorded earlier
	SortLog(events)
	want := []string{"created", "accept", "eta-r", "eta-a", "eta-b", "start"}
	if got := ids(events); !slices.Equal(got, want) {
		t.Errorf("order %v; want %v", got, want)
	}
}

func TestSortLogSecondCreationEventTakesItsPlace(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		mkEvent("accept", EventMoveAccept, at(2), 2),
		mkEvent("posted", EventMoveProposed, at(0), 3),
		mkEvent("created", EventMoveRequested, at(5), 1),
	}
	base := courtState(rq)
	got := Replay(base, events, world())
	if want := []string{"created", "posted", "accept"}; !slices.Equal(ids(events), want) {
		t.Fatalf("order %v; want %v", ids(events), want)
	}
	if events[1].Applied || events[1].Reason == "" {
		t.Error("a second creation event must not apply")
	}
	if got.Status != bk {
		t.Errorf("status %s; want booked", got.Status)
	}
}

func TestReplayLateEvent(t *testing.T) {
	// The example DOMAIN.md and upstream both give: a MoveComplete arrives
	// first, then the MoveStart that happened before it.
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		mkEvent("created", EventMoveRequested, at(0), 1),
		mkEvent("accept", EventMoveAccept, at(1), 2),
		mkEvent("complete", EventMoveComplete, at(9), 3),
		mkEvent("start", EventMoveStart, at(5), 4),
	}
	got := Replay(courtState(rq), events, world())
	if got.Status != co {
		t.Fatalf("status %s; want completed", got.Status)
	}
	for _, e := range events {
		if !e.Applied || e.Reason != "" {
			t.Errorf("%s not applied: %s", e.ID, e.Reason)
		}
		if wantLate := e.ID == "start"; e.Late != wantLate {
			t.Errorf("%s Late=%v; want %v", e.ID, e.Late, wantLate)
		}
	}
}

func TestReplayMarksNotApplied(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	events := []Event{
		mkEvent("created", EventMoveRequested, at(0), 1),
		mkEvent("cancel", EventMoveCancel, at(2), 2),
		mkEvent("start", EventMoveStart, at(3), 3),
		mkEvent("eta", EventMoveNotifyPremisesOfEta, at(4), 4),
	}
	got := Replay(courtState(rq), events, world())
	if got.Status != ca || got.Cancellation.Reason != "court_closure" {
		t.Fatalf("state %+v", got)
	}
	if events[2].Applied || events[2].Reason != "A move that is cancelled cannot be started" {
		t.Errorf("start: applied=%v reason=%q", events[2].Applied, events[2].Reason)
	}
	if !events[3].Applied {
		t.Error("an informational event applies to a cancelled move")
	}
}

func TestReplayResetsFromOpeningEvent(t *testing.T) {
	// A base read from the move's current row (cancelled, locked out) must
	// not survive a replay whose log no longer cancels it.
	base := courtState(ca)
	base.Lockout = true
	base.Cancellation = Cancellation{Reason: "other"}
	events := []Event{mkEvent("created", EventMoveRequested, t0, 1)}
	got := Replay(base, events, world())
	if got.Status != rq || got.Lockout || got.Cancellation != (Cancellation{}) {
		t.Errorf("state %+v", got)
	}
	events = []Event{mkEvent("created", EventMoveProposed, t0, 1)}
	if got := Replay(courtState(rq), events, world()); got.Status != pr {
		t.Errorf("status %s; want proposed", got.Status)
	}
	// Without a creation event the base is taken as it is.
	if got := Replay(courtState(bk), nil, world()); got != courtState(bk) {
		t.Errorf("empty log changed the state: %+v", got)
	}
}

func TestCreationEvent(t *testing.T) {
	if CreationEvent(pr) != EventMoveProposed || CreationEvent(rq) != EventMoveRequested {
		t.Error("wrong creation events")
	}
}

// A move's log in the store also holds its journeys' and lodgings' events:
// the move's replay orders them with the rest, leaves their marks alone
// and decides the move's state and marks as if they were not there.
func TestReplayLeavesJourneyAndLodgingEventsAlone(t *testing.T) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	journey := mkEvent("j-start", EventJourneyStart, at(2), 3)
	journey.JourneyID, journey.Applied, journey.Reason = "j1", false, "kept by the journey's replay"
	lodging := mkEvent("l-create", EventLodgingCreate, at(1), 2)
	lodging.LodgingID, lodging.Applied = "l1", true
	events := []Event{
		mkEvent("created", EventMoveRequested, at(0), 1),
		journey,
		mkEvent("accept", EventMoveAccept, at(4), 5),
		lodging,
		mkEvent("start", EventMoveStart, at(3), 6),
	}
	got := Replay(courtState(rq), events, world())
	if got.Status != bk {
		t.Fatalf("status %s; want booked (the start came before the accept)", got.Status)
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
		switch e.ID {
		case "j-start":
			if e.Applied || e.Reason != "kept by the journey's replay" || e.Late {
				t.Errorf("the journey event's marks changed: %+v", e)
			}
		case "l-create":
			if !e.Applied || e.Reason != "" || e.Late {
				t.Errorf("the lodging event's marks changed: %+v", e)
			}
		case "start":
			if e.Applied || e.Reason != "A move that is requested cannot be started" || !e.Late {
				t.Errorf("start: applied=%v reason=%q late=%v", e.Applied, e.Reason, e.Late)
			}
		case "accept":
			if !e.Applied || e.Late {
				t.Errorf("accept: applied=%v late=%v", e.Applied, e.Late)
			}
		}
	}
	if want := "created l-create j-start start accept"; strings.Join(ids, " ") != want {
		t.Errorf("log order %v; want %s", ids, want)
	}
}
