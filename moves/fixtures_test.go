package moves

import (
	"maps"
	"time"
)

// fakeRefs is an in-memory Refs and Locations.
type fakeRefs struct {
	locs  map[string]Location
	moves map[string]bool
}

func (f fakeRefs) Location(id string) (Location, bool) {
	l, ok := f.locs[id]
	return l, ok
}

func (f fakeRefs) MoveExists(id string) bool { return f.moves[id] }

func loc(id string, t LocationType) Location {
	return Location{ID: id, Key: id, Title: "Location " + id, Type: t}
}

// world is a set of locations of every type, two of some so that
// transfers and redirects have somewhere to go.
func world() fakeRefs {
	ls := []Location{
		loc("police-1", LocPolice), loc("police-2", LocPolice),
		loc("court-1", LocCourt), loc("court-2", LocCourt),
		loc("prison-1", LocPrison), loc("prison-2", LocPrison),
		loc("yoi-1", LocYOI), loc("hospital-1", LocHospital),
		loc("hsh-1", LocHighSecurityHospital), loc("sch-1", LocSCH),
		loc("stc-1", LocSTC), loc("ap-1", LocApprovedPremises),
	}
	closed := loc("court-closed", LocCourt)
	closed.Disabled = true
	ls = append(ls, closed)
	f := fakeRefs{locs: map[string]Location{}, moves: map[string]bool{"move-1": true, "move-2": true}}
	for _, l := range ls {
		f.locs[l.ID] = l
	}
	return f
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// validEvent returns an event of type t that ValidateEvent accepts and
// that, where it matters, suits courtState: a redirect to another court,
// an approval inside its window.
func validEvent(t EventType) Event {
	e := Event{
		ID: "ev-" + string(t), MoveID: "move-1", Type: t,
		OccurredAt: t0, RecordedAt: t0,
		Details: map[string]any{}, Rels: map[string]string{},
	}
	switch t {
	case EventMoveApprove:
		e.Details["date"] = "2026-03-05"
		e.Details["create_in_nomis"] = false
	case EventMoveReject:
		e.Details["rejection_reason"] = "no_transport_available"
		e.Details["cancellation_reason_comment"] = "No van"
		e.Details["rebook"] = true
	case EventMoveCancel:
		e.Details["cancellation_reason"] = "court_closure"
		e.Details["cancellation_reason_comment"] = "Flooded"
	case EventMoveRedirect:
		e.Details["reason"] = "no_space"
		e.Rels["to_location"] = "court-2"
	case EventMoveLockout:
		e.Details["authorised_by"] = "PMU"
		e.Details["reason"] = "late_sitting_court"
		e.Rels["from_location"] = "court-1"
	case EventMoveLodgingStart:
		e.Details["reason"] = "overnight_lodging"
		e.Rels["location"] = "police-2"
	case EventMoveLodgingEnd:
		e.Rels["location"] = "police-2"
	case EventMoveOperationSafeguard, EventMoveOperationTornado:
		e.Details["authorised_by"] = "CDM"
	case EventMoveOperationHmcts:
		e.Details["authorised_by"] = "Other"
		e.Details["court_cell_number"] = "6b"
	case EventMoveNotifyPremisesOfExpectedCollectionTime, EventMoveNotifyPremisesOfEta:
		e.Details["expected_at"] = "2026-03-02T10:00:00+00:00"
	case EventMoveCollectionByEscort:
		e.Details["vehicle_type"] = "pro_cab"
	case EventMoveCrossSupplierPickUp:
		e.Rels["previous_move"] = "move-2"
	case EventMoveResubmit:
		e.Details["information"] = "The receiving prison has agreed"
		e.Rels["resubmitted_move"] = "move-2"
	case EventPersonUpdate:
		e.Details["changed"] = []any{"last_name", "pnc"}
		e.Details["last_name"] = "Smyth"
	case EventMoveUpdate:
		e.Details["changed"] = []any{"time_due", "additional_information"}
		e.Details["time_due"] = "2026-03-05T10:00:00+00:00"
		e.Details["additional_information"] = "Needs a ramp"
	case EventProfileUpdate:
		e.Details["category"] = "risk"
		e.Details["added"] = []any{"violent"}
		e.Details["removed"] = []any{"escape"}
		e.Details["details_changed"] = []any{"self_harm"}
	case EventMoveDateChanged:
		e.Details["date"] = "2026-03-07"
	case EventPersonMoveBookedIntoReceivingEstablishment:
		e.Details["supplier_personnel_number"] = "S123"
		e.Rels["location"] = "prison-1"
	case EventPersonMoveRoadTrafficAccident:
		e.Details["vehicle_reg"] = "AB12 CDE"
	case EventPersonMoveVehicleBrokeDown, EventPersonMoveVehicleSystemsFailed:
		e.Details["vehicle_reg"] = "AB12 CDE"
		e.Details["reported_at"] = "2026-03-02T09:30:00Z"
		e.Details["postcode"] = "M1 1AE"
	}
	return e
}

// courtState is a court appearance from a police custody suite with a
// proposed window, so that every trigger has something to check.
func courtState(s Status) State {
	return State{
		Status: s, MoveType: CourtAppearance, FromID: "police-1", ToID: "court-1",
		Date: "2026-03-03", DateFrom: "2026-03-01", DateTo: "2026-03-10",
	}
}

func cloneEvents(in []Event) []Event {
	out := make([]Event, len(in))
	for i, e := range in {
		e.Details = maps.Clone(e.Details)
		e.Rels = maps.Clone(e.Rels)
		out[i] = e
	}
	return out
}
