package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/bench/bulk"
	"github.com/securemove/securemove/bench/internal/server"
)

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// The short version of `make crash`: the real binary, killed with SIGKILL
// twice while events are posted; every acknowledged event must survive,
// the database must pass integrity_check, and /health must answer soon
// after each restart. (`make crash` kills ten times and holds /health to
// one second; here the limit allows for a machine busy with the other
// test suites.)
func TestCrashShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "securemove")
	if err := server.Build(ctx, bin); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "crash.db")
	meta, err := bulk.BulkLoad(ctx, db, bulk.BulkSpec{Moves: 300, Locations: 60})
	if err != nil {
		t.Fatal(err)
	}
	res, err := crash(ctx, crashOptions{Kills: 2, Bin: bin, DB: db, Meta: &meta, Dir: dir, Posters: 8,
		PostFor: 700 * time.Millisecond, MaxStartup: 5 * time.Second, Out: testWriter{t}, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rounds) != 2 {
		t.Fatalf("%d rounds, want 2", len(res.Rounds))
	}
	for _, f := range res.Failures {
		t.Error(f)
	}
}
