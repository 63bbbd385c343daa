package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// What is committed reaches the database file in the background, well
// before the write-ahead log is long enough for the writer to copy it
// back itself.
func TestCheckpointsInTheBackground(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ckpt.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	size := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	// Let the migrations' pages be copied first.
	time.Sleep(500 * time.Millisecond)
	before := size()
	for i := range 300 {
		p := moves.Person{FirstNames: "Check", LastName: fmt.Sprintf("Point%03d", i), DateOfBirth: "1990-01-01", Gender: "male", CreatedBy: "test"}
		if err := st.CreatePerson(ctx, &p, "2026-11-22"); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for size() <= before {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is still %d bytes 3 s after 300 commits: nothing copied the log back", before)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A commit made by another process (the clients command disabling a
// client while the server runs) makes what this one keeps in memory stale
// within moments: tokens, and the data version pages are kept for.
func TestChangesFromAnotherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.db")
	server, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	sp := moves.Supplier{Key: "serco", Name: "Serco"}
	if err := server.CreateSupplier(ctx, &sp); err != nil {
		t.Fatal(err)
	}
	cl, secret, err := server.CreateClient(ctx, store.NewClient{Name: "Serco", Supplier: "serco", CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	_, secretID, err := server.AuthenticateClient(ctx, cl.ID, secret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, _, err := server.IssueToken(ctx, cl.ID, secretID, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.ClientForToken(ctx, tok, now); err != nil {
		t.Fatal(err)
	}
	// Let the checkpointer see this process's own commits first (they
	// make kept tokens stale too), then keep the token again.
	time.Sleep(500 * time.Millisecond)
	if _, err := server.ClientForToken(ctx, tok, now); err != nil {
		t.Fatal(err)
	}
	version := server.Version()

	other, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.DisableClient(ctx, cl.ID); err != nil {
		t.Fatal(err)
	}
	other.Close()

	deadline := time.Now().Add(2 * time.Second)
	for {
		_, err := server.ClientForToken(ctx, tok, now)
		if moves.ErrorCode(err) == moves.Unauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("2 s after another process disabled the client, its token still works (%v)", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if server.Version() == version {
		t.Errorf("the data version did not move on after another process's commit")
	}
}
