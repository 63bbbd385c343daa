package seed

import (
	"context"
	"os"
	"testing"
)

// A database is built once, left on disk under its name with its
// description, and reused by the next run rather than built again.
func TestEnsureBuildsOnceThenReuses(t *testing.T) {
	dir := t.TempDir()
	logf := func(string, ...any) {}
	first, err := Ensure(context.Background(), dir, 300, logf)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || first.Meta.Moves != 300 {
		t.Fatalf("first Ensure: cached %v, %d moves; want built, 300", first.Cached, first.Meta.Moves)
	}
	if _, err := os.Stat(first.Path + ".loading"); !os.IsNotExist(err) {
		t.Fatalf("the file being built is left behind: %v", err)
	}
	second, err := Ensure(context.Background(), dir, 300, logf)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Cached || second.Path != first.Path || second.Meta.Events != first.Meta.Events {
		t.Fatalf("second Ensure: cached %v at %s (%d events); want the first (%s, %d events)",
			second.Cached, second.Path, second.Meta.Events, first.Path, first.Meta.Events)
	}
}
