package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The list's marks read the moves' journeys and events through their
// per-move indexes, never a whole table, however many moves the list
// shows.
func TestListMarksUseMoveIndexes(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q, args := listMarksQuery([]string{"a", "b", "c"})
	plan := queryPlan(t, s, q, args...)
	for _, table := range []string{"journeys", "events"} {
		if strings.Contains(plan, "SCAN "+table) {
			t.Errorf("the marks scan %s:\n%s", table, plan)
		}
	}
	if !strings.Contains(plan, "journeys_by_move") {
		t.Errorf("journeys not read by move:\n%s", plan)
	}
}
