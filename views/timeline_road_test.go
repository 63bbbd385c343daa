package views

import (
	"testing"

	"github.com/securemove/securemove/moves"
)

// The wordings people read for journeys, lodgings and what police record
// in custody.
func TestTimelineRoadSentences(t *testing.T) {
	tests := []struct {
		typ      moves.EventType
		journey  string
		details  map[string]any
		rels     map[string]string
		heading  string
		sentence string
	}{
		{moves.EventJourneyStart, "j-1", map[string]any{"vehicle_reg": "AB12 CDE"}, nil,
			"Journey started", "Journey 2 from HMP Leeds to Southwark Crown Court started, vehicle AB12 CDE."},
		{moves.EventJourneyStart, "j-1", map[string]any{"vehicle_reg": "AB12 CDE", "vehicle_depot": "Wakefield"}, nil,
			"Journey started", "Journey 2 from HMP Leeds to Southwark Crown Court started, vehicle AB12 CDE from the Wakefield depot."},
		{moves.EventJourneyStart, "j-unknown", nil, nil,
			"Journey started", "A journey started."},
		{moves.EventJourneyCreate, "j-new", map[string]any{"billable": false, "date": "2026-11-27"},
			map[string]string{"from_location": "loc-southwark", "to_location": "loc-other"},
			"Journey added", "A journey from Southwark Crown Court to HMP Brixton was added for Friday 27 November 2026. The supplier is not paid for it."},
		{moves.EventJourneyUpdate, "j-1", map[string]any{"billable": true}, nil,
			"Journey changed", "Journey 2 from HMP Leeds to Southwark Crown Court was changed. The supplier is paid for it."},
		{moves.EventJourneyUpdate, "j-1", map[string]any{moves.DetailVehicleReplaced: true}, nil,
			"Journey changed", "Journey 2 from HMP Leeds to Southwark Crown Court was changed. Its vehicle was removed."},
		{moves.EventJourneyUpdate, "j-1", map[string]any{moves.DetailVehicleReplaced: true, "vehicle_reg": "XY99 ZZZ"}, nil,
			"Journey changed", "Journey 2 from HMP Leeds to Southwark Crown Court was changed. Its vehicle is now XY99 ZZZ."},
		{moves.EventJourneyUpdate, "j-1", map[string]any{moves.DetailVehicleReplaced: true, "vehicle_reg": "XY99 ZZZ", "vehicle_id": "V2", "vehicle_depot": "Leeds"}, nil,
			"Journey changed", "Journey 2 from HMP Leeds to Southwark Crown Court was changed. Its vehicle is now XY99 ZZZ, identification V2, from the Leeds depot."},
		{moves.EventJourneyCancel, "j-1", nil, nil,
			"Journey cancelled", "Journey 2 from HMP Leeds to Southwark Crown Court was cancelled."},
		{moves.EventJourneyUncomplete, "j-1", nil, nil,
			"Journey completion undone", "Journey 2 from HMP Leeds to Southwark Crown Court is back in progress after being recorded as completed."},
		{moves.EventJourneyChangeVehicle, "j-1", map[string]any{"vehicle_reg": "XY99 ZZZ", "previous_vehicle_reg": "AB12 CDE"}, nil,
			"Vehicle changed", "On journey 2 from HMP Leeds to Southwark Crown Court, the person moved to vehicle XY99 ZZZ from vehicle AB12 CDE."},
		{moves.EventJourneyLockout, "j-1", nil, map[string]string{"from_location": "loc-other"},
			"Journey locked out", "On journey 2 from HMP Leeds to Southwark Crown Court, the vehicle was locked out of HMP Brixton."},
		{moves.EventJourneyPersonBoardsVehicle, "j-1", map[string]any{"vehicle_type": "6_cell", "vehicle_reg": "AB12 CDE"}, nil,
			"Person got into the vehicle", "On journey 2 from HMP Leeds to Southwark Crown Court, the person got into the 6-cell van AB12 CDE."},
		{moves.EventJourneyArriveAtOuterGate, "j-1", nil, map[string]string{"location": "loc-southwark"},
			"Arrived at the outer gate", "On journey 2 from HMP Leeds to Southwark Crown Court, the vehicle arrived at the outer gate of Southwark Crown Court."},
		{moves.EventLodgingCreate, "", map[string]any{"start_date": "2026-11-27", "end_date": "2026-11-28"}, map[string]string{"location": "loc-other"},
			"Overnight lodge planned", "The person will lodge overnight at HMP Brixton from Friday 27 November 2026 to Saturday 28 November 2026."},
		{moves.EventLodgingUpdate, "", map[string]any{"old_end_date": "2026-11-28", "end_date": "2026-11-30"}, nil,
			"Overnight lodge changed", "The overnight lodge changed. End date changed from Saturday 28 November 2026 to Monday 30 November 2026."},
		{moves.EventLodgingCancel, "", map[string]any{"start_date": "2026-11-27", "end_date": "2026-11-28", "cancellation_reason": "cancelled_by_pmu"},
			map[string]string{"location": "loc-other"},
			"Overnight lodge cancelled", "The overnight lodge at HMP Brixton from Friday 27 November 2026 to Saturday 28 November 2026 was cancelled. Reason: Cancelled by the Population Management Unit (PMU)."},
		{moves.EventLodgingCancel, "", map[string]any{"start_date": "2026-11-27", "end_date": "2026-11-28", "cancellation_reason": "court_closure"},
			map[string]string{"location": "loc-other"},
			"Overnight lodge cancelled", "The overnight lodge at HMP Brixton from Friday 27 November 2026 to Saturday 28 November 2026 was cancelled. Reason: Court closed."},
		{moves.EventPerMedicalMedication, "", map[string]any{"treated_by": "Nurse Jones", "treated_at": "2020-12-03T22:00:00Z"}, map[string]string{"location": "loc-leeds"},
			"Medication given", "The person was given medication at HMP Leeds. Treated by Nurse Jones at 22:00 on Thursday 3 December 2020."},
		{moves.EventPerGeneric, "", map[string]any{"summary": "Solicitor visited"}, nil,
			"Other event", "Something else happened. Summary: Solicitor visited."},
	}
	for _, tt := range tests {
		e := moves.Event{ID: "e", Type: tt.typ, JourneyID: tt.journey, OccurredAt: tlAt, RecordedAt: tlAt, Details: tt.details, Rels: tt.rels, Applied: true}
		got := DescribeEvent(e, tlNames)
		if got.Heading != tt.heading || got.Sentence != tt.sentence {
			t.Errorf("%s:\n got %q / %q\nwant %q / %q", tt.typ, got.Heading, got.Sentence, tt.heading, tt.sentence)
		}
	}
}

// Applied journey state changes show the journey's new status; medical
// and incident events are tagged; no type has two headings.
func TestTimelineRoadTags(t *testing.T) {
	tests := []struct {
		typ     moves.EventType
		applied bool
		tag     string
	}{
		{moves.EventJourneyStart, true, "Journey in progress"},
		{moves.EventJourneyComplete, true, "Journey completed"},
		{moves.EventJourneyCancel, true, "Journey cancelled"},
		{moves.EventJourneyReject, true, "Journey rejected"},
		{moves.EventJourneyUncancel, true, "Journey in progress"},
		{moves.EventJourneyStart, false, ""},
		{moves.EventJourneyArriveAtOuterGate, true, ""},
		{moves.EventPerMedicalAid, true, "Medical"},
		{moves.EventPerSelfHarm, true, "Incident"},
	}
	for _, tt := range tests {
		e := moves.Event{ID: "e", Type: tt.typ, JourneyID: "j-1", OccurredAt: tlAt, RecordedAt: tlAt, Applied: tt.applied}
		got := DescribeEvent(e, tlNames)
		if tt.tag == "" {
			if len(got.Tags) != 0 {
				t.Errorf("%s applied=%v: tags %+v", tt.typ, tt.applied, got.Tags)
			}
			continue
		}
		if !tlHasTag(got, tt.tag) {
			t.Errorf("%s: tags %+v; want %q", tt.typ, got.Tags, tt.tag)
		}
		if (tt.tag == "Incident") != got.Incident {
			t.Errorf("%s: incident %v", tt.typ, got.Incident)
		}
	}
	for typ := range roadHeadings {
		if _, dup := timelineHeadings[typ]; dup {
			t.Errorf("%s has two headings", typ)
		}
	}
}
