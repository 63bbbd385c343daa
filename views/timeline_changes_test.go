package views

import (
	"testing"

	"github.com/securemove/securemove/moves"
)

// What people read when a request is changed: every field named, new
// values shown, removals said.
func TestTimelineChangeSentences(t *testing.T) {
	tests := []struct {
		typ      moves.EventType
		details  map[string]any
		heading  string
		sentence string
	}{
		{moves.EventPersonUpdate, map[string]any{"changed": []any{"last_name", "pnc"}, "last_name": "Smyth"},
			"Personal details changed", "Changed last name to Smyth; PNC number removed."},
		{moves.EventPersonUpdate, map[string]any{"changed": []string{"date_of_birth", "gender"}, "date_of_birth": "1990-03-27", "gender": "non_binary"},
			"Personal details changed", "Changed date of birth to 27 March 1990; gender to Non-binary."},
		{moves.EventMoveUpdate, map[string]any{"changed": []any{"time_due", "additional_information"}, "time_due": "2026-12-03T09:30:00Z"},
			"Move details changed", "Changed time due to 09:30 on Thursday 3 December 2026; additional information removed."},
		{moves.EventMoveUpdate, map[string]any{"changed": []any{"additional_information"}, "additional_information": "Uses a wheelchair"},
			"Move details changed", "Changed additional information to “Uses a wheelchair”."},
		{moves.EventMoveUpdate, map[string]any{"changed": []any{"person"}, "person_added": "Alan Jones (A1234BC)", "move_agreed": true, "move_agreed_by": "Governor Ellis"},
			"Person added to the allocation", "Alan Jones (A1234BC) was added to this move. The move was agreed by Governor Ellis."},
		{moves.EventMoveUpdate, map[string]any{"changed": []any{"person"}, "person_added": "Alan Jones (A1234BC)", "move_agreed": false},
			"Person added to the allocation", "Alan Jones (A1234BC) was added to this move. The receiving prison has not agreed to the move yet."},
		{moves.EventMoveUpdate, map[string]any{"changed": []any{"person"}, "person_removed": "Alan Jones (A1234BC)"},
			"Person removed from the allocation", "Alan Jones (A1234BC) was removed from this move. The place waits for someone else."},
		{moves.EventProfileUpdate, map[string]any{"category": "risk", "added": []any{"violent", "escape"}, "removed": []any{"self_harm"}},
			"Risk, health or court information changed", "Risk information: added Violent, Escape risk; removed Self-harm."},
		{moves.EventProfileUpdate, map[string]any{"category": "health", "details_changed": []any{"medication"}},
			"Risk, health or court information changed", "Health information: changed the details of Medication."},
	}
	for _, tt := range tests {
		e := moves.Event{Type: tt.typ, Applied: true, Details: tt.details}
		got := DescribeEvent(e, tlNames)
		if got.Heading != tt.heading || got.Sentence != tt.sentence {
			t.Errorf("%s %v:\n got %q / %q\nwant %q / %q", tt.typ, tt.details, got.Heading, got.Sentence, tt.heading, tt.sentence)
		}
	}
}

// A request sent again with more information says so in the rejected
// move's timeline, naming the new request and the information added.
func TestTimelineResubmitSentence(t *testing.T) {
	n := tlNames
	n.Moves = map[string]string{"move-2": "BXW2345K"}
	e := moves.Event{Type: moves.EventMoveResubmit, Applied: true, Details: map[string]any{"information": "The receiving prison has agreed"},
		Rels: map[string]string{"resubmitted_move": "move-2"}}
	got := DescribeEvent(e, n)
	if got.Heading != "Request sent again with more information" ||
		got.Sentence != "It was sent again for review as move BXW2345K. Information added: The receiving prison has agreed." {
		t.Errorf("got %q / %q", got.Heading, got.Sentence)
	}
	// Without the new move's reference (not visible), the sentence still
	// reads.
	e.Rels = nil
	if got := DescribeEvent(e, tlNames); got.Sentence != "It was sent again for review. Information added: The receiving prison has agreed." {
		t.Errorf("without the reference: %q", got.Sentence)
	}
}
