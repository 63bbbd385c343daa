package store_test

import (
	"context"
	"github.com/securemove/securemove/store/storetest"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/moves"
	"github.com/securemove/securemove/store"
)

func clientStore(t *testing.T) (*store.Store, *time.Time, moves.Supplier) {
	t.Helper()
	st := MustOpen(t)
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	sp := moves.Supplier{Key: "serco", Name: "Serco"}
	if err := st.CreateSupplier(context.Background(), &sp); err != nil {
		t.Fatal(err)
	}
	return st, &now, sp
}

func TestClientsSecretsAndTokens(t *testing.T) {
	storetest.ForEachEngine(t, testClientsSecretsAndTokens)
}

func testClientsSecretsAndTokens(t *testing.T) {
	ctx := context.Background()
	st, now, sp := clientStore(t)
	cl, secret, err := st.CreateClient(ctx, store.NewClient{Name: "Serco production", Supplier: "serco", CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cl.ID, "serco-") || cl.SupplierID != sp.ID || cl.SupplierName != "Serco" || len(secret) != 43 || cl.Internal() {
		t.Fatalf("client %+v, secret %q", cl, secret)
	}
	// Only hashes are stored.
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM client_secrets WHERE secret_hash = ? OR hint = ?", secret, secret).Scan(&n); err != nil || n != 0 {
		t.Fatalf("secret stored in clear: %d %v", n, err)
	}
	got, secretID, err := st.AuthenticateClient(ctx, cl.ID, secret)
	if err != nil || got.ID != cl.ID || secretID == "" {
		t.Fatalf("authenticate: %v", err)
	}
	for _, bad := range [][2]string{{cl.ID, secret + "x"}, {cl.ID, ""}, {"serco-0000", secret}, {"", secret}} {
		if _, _, err := st.AuthenticateClient(ctx, bad[0], bad[1]); moves.ErrorCode(err) != moves.Unauthorized {
			t.Errorf("authenticate %q: %v", bad, err)
		}
	}

	tok, exp, err := st.IssueToken(ctx, cl.ID, secretID, *now, time.Hour)
	if err != nil || !exp.Equal(now.Add(time.Hour)) {
		t.Fatalf("issue: %v %v", exp, err)
	}
	if c, err := st.ClientForToken(ctx, tok, now.Add(59*time.Minute)); err != nil || c.ID != cl.ID || c.SupplierName != "Serco" {
		t.Fatalf("token: %+v %v", c, err)
	}
	if _, err := st.ClientForToken(ctx, tok, now.Add(time.Hour)); moves.ErrorCode(err) != moves.Unauthorized {
		t.Fatalf("expired token: %v", err)
	}
	if _, err := st.ClientForToken(ctx, tok+"x", *now); moves.ErrorCode(err) != moves.Unauthorized {
		t.Fatalf("unknown token: %v", err)
	}

	// Rotation: two live secrets at most.
	second, err := st.RotateClientSecret(ctx, cl.ID)
	if err != nil || second == secret {
		t.Fatal(err)
	}
	if _, err := st.RotateClientSecret(ctx, cl.ID); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("third secret: %v", err)
	}
	_, id2, err := st.AuthenticateClient(ctx, cl.ID, second)
	if err != nil {
		t.Fatal(err)
	}
	tok2, _, _ := st.IssueToken(ctx, cl.ID, id2, *now, time.Hour)
	c, _ := st.Client(ctx, cl.ID)
	if len(c.LiveSecrets()) != 2 {
		t.Fatalf("live secrets %d", len(c.LiveSecrets()))
	}

	// Retiring takes the older, and its tokens with it.
	*now = now.Add(time.Minute)
	retired, err := st.RetireOlderSecret(ctx, cl.ID)
	if err != nil || retired.ID != secretID || retired.Hint != secret[len(secret)-4:] {
		t.Fatalf("retired %+v %v", retired, err)
	}
	if _, _, err := st.AuthenticateClient(ctx, cl.ID, secret); moves.ErrorCode(err) != moves.Unauthorized {
		t.Fatal("a retired secret still authenticates")
	}
	if _, err := st.ClientForToken(ctx, tok, *now); moves.ErrorCode(err) != moves.Unauthorized {
		t.Fatal("a token of a retired secret still works")
	}
	if _, err := st.ClientForToken(ctx, tok2, *now); err != nil {
		t.Fatal("the newer secret's token stopped")
	}
	if _, err := st.RetireOlderSecret(ctx, cl.ID); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("retiring the last secret: %v", err)
	}

	// Disabling stops everything, and is idempotent.
	if err := st.DisableClient(ctx, cl.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.DisableClient(ctx, cl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClientForToken(ctx, tok2, *now); moves.ErrorCode(err) != moves.Unauthorized {
		t.Fatal("a disabled client's token still works")
	}
	if _, _, err := st.AuthenticateClient(ctx, cl.ID, second); moves.ErrorCode(err) != moves.Unauthorized {
		t.Fatal("a disabled client still authenticates")
	}
	if _, err := st.RotateClientSecret(ctx, cl.ID); moves.ErrorCode(err) != moves.Conflict {
		t.Fatalf("rotating a disabled client: %v", err)
	}
	if _, _, err := st.IssueToken(ctx, cl.ID, id2, *now, time.Hour); err == nil {
		t.Fatal("a disabled client got a token")
	}
	if err := st.DisableClient(ctx, "nobody"); moves.ErrorCode(err) != moves.NotFound {
		t.Fatalf("disable unknown: %v", err)
	}
}

func TestCreateClientValidation(t *testing.T) { storetest.ForEachEngine(t, testCreateClientValidation) }

func testCreateClientValidation(t *testing.T) {
	ctx := context.Background()
	st, _, _ := clientStore(t)
	_, _, err := st.CreateClient(ctx, store.NewClient{Name: " ", Supplier: "nobody"})
	e, ok := moves.AsError(err)
	if !ok || !e.Fields.Has("name") || !e.Fields.Has("supplier") {
		t.Fatalf("validation: %v", err)
	}
	internal, _, err := st.CreateClient(ctx, store.NewClient{Name: "Back office", CreatedBy: "admin"})
	if err != nil || !internal.Internal() || !strings.HasPrefix(internal.ID, "internal-") {
		t.Fatalf("internal client %+v %v", internal, err)
	}
	a, _, _ := st.CreateClient(ctx, store.NewClient{Name: "A", Supplier: "serco"})
	if err := st.DisableClient(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	cls, err := st.Clients(ctx)
	if err != nil || len(cls) != 2 || cls[0].ID != internal.ID || !cls[1].Disabled || len(cls[1].Secrets) != 1 {
		t.Fatalf("clients %+v %v", cls, err)
	}
	if _, err := st.Client(ctx, "nobody"); moves.ErrorCode(err) != moves.NotFound {
		t.Fatalf("unknown client: %v", err)
	}
}
