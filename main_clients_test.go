package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

// clientsDB makes a database with the two suppliers, as the server leaves it.
func clientsDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cli.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range []moves.Supplier{{Key: "serco", Name: "Serco"}, {Key: "geoamey", Name: "GEOAmey"}} {
		if err := st.CreateSupplier(context.Background(), &sp); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// clientsRun runs "securemove clients …" and returns its exit code and output.
func clientsRun(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"clients"}, args...), func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

var credLine = regexp.MustCompile(`(?m)^client_id=(\S+)\nclient_secret=(\S+)\n$`)

func openDB(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestClientsCommand(t *testing.T) {
	db := clientsDB(t)
	ctx := context.Background()

	// create prints the two lines, once, and nothing else on stdout.
	code, out, errOut := clientsRun(t, nil, "create", "-supplier", "serco", "-db", db)
	m := credLine.FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.HasPrefix(m[1], "serco-") || len(m[2]) != 43 || !strings.Contains(errOut, "not shown again") {
		t.Fatalf("create: %d %q %q", code, out, errOut)
	}
	id, secret := m[1], m[2]
	st := openDB(t, db)
	cl, secretID, err := st.AuthenticateClient(ctx, id, secret)
	if err != nil || cl.Name != "Serco" || cl.SupplierKey != "serco" {
		t.Fatalf("the printed credentials do not work: %+v %v", cl, err)
	}
	tok, _, err := st.IssueToken(ctx, id, secretID, time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	// The database comes from SECUREMOVE_DB as for the server; flags may
	// follow the client id.
	env := map[string]string{"SECUREMOVE_DB": db}
	code, out, _ = clientsRun(t, env, "create", "-internal", "-name", "Back office")
	if code != 0 || !strings.Contains(out, "client_id=internal-") {
		t.Fatalf("create internal: %d %q", code, out)
	}

	// rotate prints a second live secret; both work.
	code, out, errOut = clientsRun(t, nil, "rotate", id, "-db", db)
	m = credLine.FindStringSubmatch(out)
	if code != 0 || m == nil || m[1] != id || m[2] == secret || !strings.Contains(errOut, "retire-secret") {
		t.Fatalf("rotate: %d %q %q", code, out, errOut)
	}
	second := m[2]
	for _, s := range []string{secret, second} {
		if _, _, err := st.AuthenticateClient(ctx, id, s); err != nil {
			t.Fatalf("after rotation: %v", err)
		}
	}
	code, _, errOut = clientsRun(t, env, "rotate", id)
	if code != 1 || !strings.Contains(errOut, "already has 2 live secrets") {
		t.Fatalf("third secret: %d %q", code, errOut)
	}

	// list shows both clients, never a secret.
	code, out, _ = clientsRun(t, env, "list")
	if code != 0 || !strings.Contains(out, "CLIENT_ID") || !strings.Contains(out, id) || !strings.Contains(out, "Back office") ||
		!strings.Contains(out, "(internal)") || strings.Contains(out, secret) || strings.Contains(out, second) {
		t.Fatalf("list: %q", out)
	}
	if !regexp.MustCompile(id + `\s+Serco\s+serco\s+active\s+2\s`).MatchString(out) {
		t.Fatalf("list row: %q", out)
	}

	// retire-secret disables the older: it and its tokens stop.
	code, out, _ = clientsRun(t, env, "retire-secret", id)
	if code != 0 || !strings.Contains(out, "retired the secret ending "+secret[len(secret)-4:]) {
		t.Fatalf("retire: %d %q", code, out)
	}
	if _, _, err := st.AuthenticateClient(ctx, id, secret); err == nil {
		t.Fatal("the retired secret still works")
	}
	if _, err := st.ClientForToken(ctx, tok, time.Now()); err == nil {
		t.Fatal("a token of the retired secret still works")
	}
	if _, _, err := st.AuthenticateClient(ctx, id, second); err != nil {
		t.Fatal("the newer secret stopped")
	}

	// disable.
	code, out, _ = clientsRun(t, env, "disable", id)
	if code != 0 || !strings.Contains(out, "disabled "+id) {
		t.Fatalf("disable: %d %q", code, out)
	}
	if _, _, err := st.AuthenticateClient(ctx, id, second); err == nil {
		t.Fatal("a disabled client still authenticates")
	}
	if _, out, _ = clientsRun(t, env, "list"); !regexp.MustCompile(id + `.*disabled`).MatchString(out) {
		t.Fatalf("list after disable: %q", out)
	}
}

func TestClientsCommandErrors(t *testing.T) {
	db := clientsDB(t)
	env := map[string]string{"SECUREMOVE_DB": db}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no command", env, nil, 2, "Usage: securemove clients"},
		{"unknown command", env, []string{"delete"}, 2, `unknown command "delete"`},
		{"no supplier", env, []string{"create"}, 2, "give -supplier"},
		{"both", env, []string{"create", "-supplier", "serco", "-internal", "-name", "x"}, 2, "not both"},
		{"internal without a name", env, []string{"create", "-internal"}, 2, "needs -name"},
		{"unknown supplier", env, []string{"create", "-supplier", "acme"}, 1, `no supplier "acme"; suppliers: geoamey, serco`},
		{"unknown flag", env, []string{"create", "-colour", "red"}, 2, "flag provided but not defined"},
		{"no client id", env, []string{"rotate"}, 2, "give exactly one client id"},
		{"two client ids", env, []string{"disable", "a", "b"}, 2, "give exactly one client id"},
		{"unknown client", env, []string{"rotate", "serco-nobody"}, 1, "no such client"},
		{"unknown client to disable", env, []string{"disable", "serco-nobody"}, 1, "no such client"},
		{"list takes no argument", env, []string{"list", "x"}, 2, "unexpected argument"},
		{"missing database", map[string]string{}, []string{"list", "-db", filepath.Join(t.TempDir(), "none.db")}, 1, "no database at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := clientsRun(t, tc.env, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) || strings.Contains(out, "client_secret=") {
				t.Fatalf("exit %d (want %d), stderr %q, stdout %q", code, tc.code, errOut, out)
			}
		})
	}
	// Help is not an error.
	if code, _, errOut := clientsRun(t, env, "-h"); code != 0 || !strings.Contains(errOut, "retire-secret <client_id>") {
		t.Fatalf("help: %d %q", code, errOut)
	}
	// The retire of a client's only secret is refused.
	_, out, _ := clientsRun(t, env, "create", "-supplier", "geoamey")
	id := credLine.FindStringSubmatch(out)[1]
	if code, _, errOut := clientsRun(t, env, "retire-secret", id); code != 1 || !strings.Contains(errOut, "only one live secret") {
		t.Fatalf("retire the only secret: %d %q", code, errOut)
	}
}

// The background clean-up runs on the service's clock: with -now in the
// past, a token the service has just issued is live by that clock, and
// the clean-up must not take it for one long expired by the real one.
func TestCleanUpRunsOnTheServiceClock(t *testing.T) {
	db := clientsDB(t)
	ctx := context.Background()
	code, out, _ := clientsRun(t, nil, "create", "-supplier", "serco", "-db", db)
	m := credLine.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("create: %d %q", code, out)
	}
	st := openDB(t, db)
	past := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return past }
	_, secretID, err := st.AuthenticateClient(ctx, m[1], m[2])
	if err != nil {
		t.Fatal(err)
	}
	live, _, err := st.IssueToken(ctx, m[1], secretID, past, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Two days past its expiry by the service's clock: the clean-up's.
	if _, _, err := st.IssueToken(ctx, m[1], secretID, past.Add(-50*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := cleanUp(st, slog.New(slog.NewTextHandler(io.Discard, nil)))(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClientForToken(ctx, live, past); err != nil {
		t.Errorf("a token live by the service's clock was cleaned up: %v", err)
	}
	var left int
	if err := st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM access_tokens").Scan(&left); err != nil || left != 1 {
		t.Errorf("%d tokens left (%v), want the live one alone", left, err)
	}
}

// A database a newer build has migrated is refused by the commands, in
// words for the terminal (not the error's code), and left as it was.
func TestCommandsRefuseADatabaseFromANewerBuild(t *testing.T) {
	db := clientsDB(t)
	st := openDB(t, db)
	if _, err := st.DB().Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, group := range []string{"clients", "subscriptions"} {
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{group, "list", "-db", db}, func(string) string { return "" }, &out, &errb)
		want := group + ": the database has migrations this build of securemove does not know (9999_future.sql"
		if code != 1 || !strings.HasPrefix(errb.String(), want) || out.Len() != 0 {
			t.Fatalf("%s list: exit %d, stderr %q, stdout %q", group, code, errb.String(), out.String())
		}
	}
}
