package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/store"
	"github.com/securemove/securemove/store/storetest"
)

func migrateRun(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"migrate"}, args...), func(string) string { return "" }, &out, &errb)
	return code, out.String(), errb.String()
}

// securemove migrate copies the demo database into an empty PostgreSQL
// database and says what it checked; into one that is not empty it
// refuses.
func TestMigrateCommand(t *testing.T) {
	if code, _, errOut := migrateRun("-from", "x.db", "-to", "y.db"); code != 2 || !strings.Contains(errOut, "postgres://") {
		t.Fatalf("SQLite to SQLite: %d %q", code, errOut)
	}
	path := filepath.Join(t.TempDir(), "securemove.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SeedDemo(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	to := storetest.PostgresDSN(t)
	code, out, errOut := migrateRun("-from", path, "-to", to)
	if code != 0 || !strings.Contains(out, "moves replayed on PostgreSQL") || !strings.Contains(out, "events") {
		t.Fatalf("migrate: %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = migrateRun("-from", path, "-to", to)
	if code != 1 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("migrate again: %d %q", code, errOut)
	}
}
