package loadgen

import (
	"testing"
	"time"
)

func TestMergeTakesRunsAsOne(t *testing.T) {
	ms := time.Millisecond
	a := &Stats{Requests: 3, Elapsed: time.Second, Bytes: 30, ByStatus: map[int]int{201: 3}, lat: []time.Duration{1 * ms, 2 * ms, 9 * ms}}
	b := &Stats{Requests: 2, Errors: 1, Elapsed: time.Second, Bytes: 10, ByStatus: map[int]int{201: 1}, lat: []time.Duration{3 * ms, 4 * ms},
		FirstErrors: []string{"refused"}}
	m := Merge(a, b)
	if m.Requests != 5 || m.Errors != 1 || m.Elapsed != 2*time.Second || m.Bytes != 40 || m.ByStatus[201] != 4 {
		t.Fatalf("merged %+v", m)
	}
	if got := m.RPS(); got != 2 {
		t.Errorf("RPS %v, want 2 (4 answered in 2 s)", got)
	}
	if got := m.Percentile(50); got != 3*ms {
		t.Errorf("p50 %v, want 3ms (the middle of both runs' answers)", got)
	}
	if got := m.Percentile(99); got != 9*ms {
		t.Errorf("p99 %v, want 9ms", got)
	}
	if len(m.FirstErrors) != 1 || a.Requests != 3 || len(a.lat) != 3 {
		t.Errorf("errors %v; the first run changed: %+v", m.FirstErrors, a)
	}
}
