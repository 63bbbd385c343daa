package store

import (
	"strings"
	"testing"
)

// The list's marks read the moves' journeys and events through their
// per-move indexes, never a whole table, however many moves the list
// shows: the important events are a probe per move in their partial
// index, and the latest notices a range per move of move_notices, never
// the events table; and nothing is sorted (ListMarks orders the few rows
// in Go).
func TestListMarksUseMoveIndexes(t *testing.T) {
	s := planStore(t)
	q, args := listMarksQuery([]string{"a", "b", "c"}, false)
	plan := queryPlan(t, s, q, args...)
	for _, table := range []string{"journeys", "events", "move_notices"} {
		if strings.Contains(plan, "SCAN "+table) {
			t.Errorf("the marks scan %s:\n%s", table, plan)
		}
	}
	if strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("the marks are sorted by the engine:\n%s", plan)
	}
	for _, want := range []string{"journeys_by_move", "USING INDEX events_important (move_id=?)",
		"SEARCH move_notices USING PRIMARY KEY (move_id=?)"} {
		if !strings.Contains(plan, want) {
			t.Errorf("the marks' plan lacks %q:\n%s", want, plan)
		}
	}
}
