package store

import (
	"strings"
	"testing"
)

// The list's marks read the moves' journeys and events through their
// per-move indexes, never a whole table, however many moves the list
// shows: the important events are a probe per move in their partial
// index, and the latest notice of each kind one probe per move and kind,
// not a walk through every event of each move.
func TestListMarksUseMoveIndexes(t *testing.T) {
	s := planStore(t)
	q, args := listMarksQuery([]string{"a", "b", "c"}, false)
	plan := queryPlan(t, s, q, args...)
	for _, table := range []string{"journeys", "events"} {
		if strings.Contains(plan, "SCAN "+table) {
			t.Errorf("the marks scan %s:\n%s", table, plan)
		}
	}
	for _, want := range []string{"journeys_by_move", "USING INDEX events_important (move_id=?)",
		"USING COVERING INDEX events_notices (move_id=? AND event_type=?)"} {
		if !strings.Contains(plan, want) {
			t.Errorf("the marks' plan lacks %q:\n%s", want, plan)
		}
	}
}
