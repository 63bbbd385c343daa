package store

import (
	"context"
	"path/filepath"
	"testing"
)

// The writer's own checkpoint is a backstop, never the usual way: its
// connection has the backstop, and the backstop is more than two seconds
// of the fastest log growth measured, so the once-a-second background
// checkpoint comes first (a writer that copies the log back itself makes
// every write wait: p99 of keyed events at a million moves 103–139 ms).
func TestWriterCheckpointsOnlyAsABackstop(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "backstop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.w.db.QueryRow("PRAGMA wal_autocheckpoint").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != walBackstop {
		t.Errorf("the write connection checkpoints itself past %d pages of log, want %d", n, walBackstop)
	}
	if secs := float64(walBackstop) / peakLogPerSecond; secs < 2*checkpointEvery.Seconds() {
		t.Errorf("the backstop (%d pages) is %.1f s of the fastest log growth, under two of the checkpointer's intervals (%v)", walBackstop, secs, checkpointEvery)
	}
}
