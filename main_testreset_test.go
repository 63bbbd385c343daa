package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/securemove/securemove/store"
)

// TestDemoWebhooksAfterReset runs the real server as a suite does
// (-demo -now -test-endpoints): a supplier's change reaches the built-in
// receiver, /demo/webhooks shows it; a reset empties that page and gives
// each supplier its demo subscription back (the reset empties the
// subscriptions with the rest of the data), so the same change after the
// reset reaches the receiver again.
func TestDemoWebhooksAfterReset(t *testing.T) {
	db := filepath.Join(t.TempDir(), "suite.db")
	addr := freePort(t)
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuf
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-demo", "-now", fixedNow, "-test-endpoints", "-db", db, "-addr", addr, "-base-url", base}, envOf(nil), &out, &errOut)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("server exit %d: %s", code, errOut.String())
		}
	}()
	waitHealthy(t, addr, time.Now(), &errOut)

	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var moveID string
	if err := st.DB().QueryRow(`SELECT id FROM moves WHERE status = 'requested' AND allocation_id IS NULL
		AND supplier_id = (SELECT id FROM suppliers WHERE key = 'serco') ORDER BY reference LIMIT 1`).Scan(&moveID); err != nil {
		t.Fatal(err)
	}
	subscriptions := func() int {
		t.Helper()
		var n int
		if err := st.DB().QueryRow("SELECT count(*) FROM subscriptions WHERE enabled = 1").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	suppliers := len(store.DemoClients)
	if n := subscriptions(); n != suppliers {
		t.Fatalf("%d demo subscriptions at start, want %d", n, suppliers)
	}
	page := func() string {
		t.Helper()
		resp, err := http.Get(base + "/demo/webhooks")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /demo/webhooks: %d", resp.StatusCode)
		}
		return string(b)
	}
	// accept has the supplier accept the move and waits for its
	// notification on /demo/webhooks.
	accept := func(when string) {
		t.Helper()
		token := apiToken(t, base, store.DemoClients[0].ClientID, store.DemoClients[0].Secret)
		body := fmt.Sprintf(`{"data":{"type":"events","attributes":{"event_type":"MoveAccept","occurred_at":%q,"recorded_at":%q},
		"relationships":{"eventable":{"data":{"type":"moves","id":%q}}}}}`, fixedNow, fixedNow, moveID)
		req, _ := http.NewRequest(http.MethodPost, base+"/api/events", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/vnd.api+json")
		req.Header.Set("Accept", "application/vnd.api+json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("%s: POST /api/events: %d %s", when, resp.StatusCode, b)
		}
		for deadline := time.Now().Add(15 * time.Second); !strings.Contains(page(), moveID); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: nothing for %s arrived at /demo/webhooks; server log:\n%s", when, moveID, errOut.String())
			}
		}
	}
	accept("before the reset")

	resp, err := http.Post(base+"/test/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if p := page(); strings.Contains(p, moveID) || !strings.Contains(p, "Nothing has arrived yet") {
		t.Errorf("/demo/webhooks still shows what arrived before the reset")
	}
	if n := subscriptions(); n != suppliers {
		t.Fatalf("%d demo subscriptions after the reset, want %d", n, suppliers)
	}
	accept("after the reset")
}
