package store

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// While reads are under way, the SQLite writer lets commitGap pass after
// a commit before the next (each commit empties every reading
// connection's page cache); with nobody reading, or once that much time
// has passed anyway, it commits at once.
func TestWriterSpacesCommitsWhileReading(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "pace.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mu sync.Mutex
	clock := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	var slept []time.Duration
	// Set before the first write: the writer reads them after taking it
	// from its queue.
	s.writer.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	}
	s.writer.sleep = func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
		clock = clock.Add(d)
	}
	advance := func(d time.Duration) {
		mu.Lock()
		clock = clock.Add(d)
		mu.Unlock()
	}
	write := func() {
		t.Helper()
		err := s.unit(ctx, func(u *Unit) error {
			_, err := u.ExecContext(u.Context(), "UPDATE recipients_version SET v = v WHERE id = 1")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	expect := func(step string, want ...time.Duration) {
		t.Helper()
		mu.Lock()
		got := slept
		slept = nil
		mu.Unlock()
		if len(got) != len(want) {
			t.Fatalf("%s: the writer waited %v, want %v", step, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: the writer waited %v, want %v", step, got, want)
			}
		}
	}

	write()
	write()
	expect("nobody reading")

	done := s.Reading()
	write()
	expect("a read under way, right after a commit", commitGap)
	advance(commitGap / 4)
	write()
	expect("a read under way, a quarter of the gap after a commit", commitGap*3/4)
	advance(commitGap + time.Millisecond)
	write()
	expect("a read under way, more than the gap after a commit")

	second := s.Reading()
	done()
	write()
	expect("one of two reads still under way", commitGap)
	second()
	write()
	expect("every read done")
}
