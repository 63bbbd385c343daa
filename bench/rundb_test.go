package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/securemove/securemove/bench/internal/seed"
	"github.com/securemove/securemove/store"
)

// A size is measured on a copy of its cached database, migrated first:
// what a run writes never reaches the cached one, and the copy goes
// when the run ends.
func TestBenchRunsOnACopy(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cached := outPath("cached.db")
	st, err := store.Open(ctx, cached)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(cached)
	if err != nil {
		t.Fatal(err)
	}
	r := &sizeResult{Moves: 7}
	work, err := benchDatabase(ctx, nil, seed.DB{Path: cached}, r)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(work) == filepath.Clean(cached) || r.DBBytes != int64(len(before)) {
		t.Fatalf("measured on %s (%d bytes), the cached database is %s (%d bytes)", work, r.DBBytes, cached, len(before))
	}
	w, err := store.Open(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, "INSERT INTO regions (id, key, name) VALUES ('r-bench', 'bench', 'Written by the run')"); err != nil {
		w.Close()
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(cached)
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the cached database changed (%v)", err)
	}
	removeDB(work)
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Errorf("the copy is still there: %v", err)
	}
}
