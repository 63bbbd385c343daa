package store

import (
	"strings"
	"testing"
)

// Each event told to a subscriber writes a notification through the
// single writer, so the outbox's reads on that path must be index probes,
// not walks of a move's (or every) notification: whether a supplier has
// heard of a move reads the partial index of introducing notifications,
// and the outbox gauges walk the due index of undelivered ones only.
func TestNotificationQueriesUseTheirIndexes(t *testing.T) {
	s := planStore(t)
	for _, tc := range []struct {
		name, q, want string
		args          []any
	}{
		{"what a supplier was last told of a move", toldQuery, "SEARCH notifications USING INDEX notifications_told (move_id=?)", []any{"m"}},
		{"outbox gauges", undeliveredQuery, "USING INDEX notifications_due", []any{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, s, tc.q, tc.args...)
			if !strings.Contains(plan, tc.want) {
				t.Errorf("plan does not contain %q:\n%s", tc.want, plan)
			}
		})
	}
}
