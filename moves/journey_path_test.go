package moves

import "testing"

// Each path, replayed through JourneyTransition from proposed, ends at
// its status.
func TestJourneyEventsTo(t *testing.T) {
	for _, want := range JourneyStatuses {
		s := JourneyProposed
		for _, ev := range JourneyEventsTo(want) {
			next, ok := JourneyTransition(s, ev)
			if !ok {
				t.Fatalf("to %s: %s cannot apply to a %s journey", want, ev, s)
			}
			s = next
		}
		if s != want {
			t.Errorf("the path to %s ends at %s", want, s)
		}
	}
}
